//! IEEE 802.11 as Scapy reads it (LINKTYPE_IEEE802_11, and after RadioTap): the MAC
//! header (Scapy's Dot11, or Dot11FCS with the frame check sequence taken from the
//! end of the packet), its addresses shown with what they mean for the frame's type
//! and direction (`00:11:22:33:44:55 (TA=SA)`), the QoS control field, the
//! cryptographic headers of protected frames (WEP, TKIP, CCMP; the encrypted rest as
//! their `data`), the bodies of management frames (beacon, probe, association,
//! reassociation, authentication, deauthentication, disassociation, ATIM, action
//! (with the bodies Scapy decodes, in `action`), S1G beacon) and
//! their information elements, each a layer in Scapy's class for its id (SSID and the
//! other generic ones, DSSS, ERP, rates, RSN with its suites, vendor specific with
//! Microsoft's WPA, channel switch, OBSS scan, country, HT capabilities and operation,
//! VHT operation, the element ID extensions with HE and EHT operation), and LLC/SNAP
//! after data frames.
//!
//! Scapy builds a sub-packet it has no bytes for from its class's defaults (a cipher
//! suite of CCMP-128, VHT operation information on channel 36): so does labnet.
//!
//! Scapy reads element classes by their fields, not their `len` (a DSSS element is
//! 3 bytes whatever its length says); what follows is the next element.

use std::ops::Range;

mod action;

use super::field::{counted_packet_list, field, Field, Format, Group, Rest, Spec, Value};
use super::{Kind, Walk};
use crate::addr::format_mac;

/// An 802.11 header, body or element in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Header,
    /// Dot11FCS: the header, with the frame check sequence from the packet's end.
    HeaderFcs,
    Qos,
    Wep,
    Tkip,
    Ccmp,
    Encrypted,
    Beacon,
    ProbeRequest,
    ProbeResponse,
    AssociationRequest,
    AssociationResponse,
    ReassociationRequest,
    ReassociationResponse,
    Authentication,
    Deauthentication,
    Disassociation,
    Atim,
    Action,
    Ack,
    S1gBeacon,
    SpectrumManagement,
    /// Dot11CSA: the channel switch announcement action.
    ChannelSwitch,
    Wnm,
    TransitionRequest,
    TransitionResponse,
    RadioMeasurement,
    MeasurementRequest,
    MeasurementReport,
    Element(Element),
}

/// An information element class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Generic,
    DsssSet,
    Erp,
    Rates,
    Rsn,
    VendorSpecific,
    MicrosoftWpa,
    Csa,
    Obss,
    Country,
    HtCapabilities,
    HtOperation,
    VhtOperation,
    /// Element ID extension of fewer than 3 bytes (Scapy's base class).
    Extension,
    ExtensionGeneric,
    HeOperation,
    EhtOperation,
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Header => ("Dot11", "802.11"),
            Class::HeaderFcs => ("Dot11FCS", "802.11-FCS"),
            Class::Qos => ("Dot11QoS", "802.11 QoS"),
            Class::Wep => ("Dot11WEP", "802.11 WEP packet"),
            Class::Tkip => ("Dot11TKIP", "802.11 TKIP packet"),
            Class::Ccmp => ("Dot11CCMP", "802.11 CCMP packet"),
            Class::Encrypted => ("Dot11Encrypted", "802.11 Encrypted (unknown algorithm)"),
            Class::Beacon => ("Dot11Beacon", "802.11 Beacon"),
            Class::ProbeRequest => ("Dot11ProbeReq", "802.11 Probe Request"),
            Class::ProbeResponse => ("Dot11ProbeResp", "802.11 Probe Response"),
            Class::AssociationRequest => ("Dot11AssoReq", "802.11 Association Request"),
            Class::AssociationResponse => ("Dot11AssoResp", "802.11 Association Response"),
            Class::ReassociationRequest => ("Dot11ReassoReq", "802.11 Reassociation Request"),
            Class::ReassociationResponse => ("Dot11ReassoResp", "802.11 Reassociation Response"),
            Class::Authentication => ("Dot11Auth", "802.11 Authentication"),
            Class::Deauthentication => ("Dot11Deauth", "802.11 Deauthentication"),
            Class::Disassociation => ("Dot11Disas", "802.11 Disassociation"),
            Class::Atim => ("Dot11ATIM", "802.11 ATIM"),
            Class::Action => ("Dot11Action", "802.11 Action"),
            Class::Ack => ("Dot11Ack", "802.11 Ack packet"),
            Class::S1gBeacon => ("Dot11S1GBeacon", "802.11 S1G Beacon"),
            Class::SpectrumManagement => (
                "Dot11SpectrumManagement",
                "802.11 Spectrum Management Action",
            ),
            Class::ChannelSwitch => ("Dot11CSA", "Channel Switch Announcement Frame"),
            Class::Wnm => ("Dot11WNM", "802.11 WNM Action"),
            Class::TransitionRequest => ("Dot11BSSTMRequest", "BSS Transition Management Request"),
            Class::TransitionResponse => {
                ("Dot11BSSTMResponse", "BSS Transition Management Response")
            }
            Class::RadioMeasurement => ("Dot11RadioMeasurement", "802.11 Radio Measurement Action"),
            Class::MeasurementRequest => (
                "Dot11RadioMeasurementRequest",
                "802.11 Radio Measurement Request",
            ),
            Class::MeasurementReport => (
                "Dot11RadioMeasurementReport",
                "802.11 Radio Measurement Report",
            ),
            Class::Element(element) => match element {
                Element::Generic => ("Dot11Elt", "802.11 Information Element"),
                Element::DsssSet => ("Dot11EltDSSSet", "802.11 DSSS Parameter Set"),
                Element::Erp => ("Dot11EltERP", "802.11 ERP"),
                Element::Rates => ("Dot11EltRates", "802.11 Rates"),
                Element::Rsn => ("Dot11EltRSN", "802.11 RSN information"),
                Element::VendorSpecific => ("Dot11EltVendorSpecific", "802.11 Vendor Specific"),
                Element::MicrosoftWpa => ("Dot11EltMicrosoftWPA", "802.11 Microsoft WPA"),
                Element::Csa => ("Dot11EltCSA", "802.11 CSA Element"),
                Element::Obss => ("Dot11EltOBSS", "802.11 OBSS Scan Parameters Element"),
                Element::Country => ("Dot11EltCountry", "802.11 Country"),
                Element::HtCapabilities => ("Dot11EltHTCapabilities", "802.11 HT Capabilities"),
                Element::HtOperation => ("Dot11EltHTOperation", "802.11 HT Operation"),
                Element::VhtOperation => ("Dot11EltVHTOperation", "802.11 VHT Operation Element"),
                Element::Extension => ("Dot11EltExtension", "802.11 Element ID Extension"),
                Element::ExtensionGeneric => {
                    ("Dot11EltExtensionGeneric", "802.11 Element ID Extension")
                }
                Element::HeOperation => ("Dot11EltHEOperation", "802.11 HE Operation"),
                Element::EhtOperation => ("Dot11EltEHTOperation", "802.11 EHT Operation"),
            },
        }
    }

    /// Whether `show()` indents what follows: not after an element (Scapy's
    /// `show_indent = 0`), so a frame's elements line up.
    pub(super) fn indents_payload(self) -> bool {
        !matches!(self, Class::Element(_))
    }

    /// The management body Scapy binds to this subtype, if any.
    fn management(subtype: u8) -> Option<Class> {
        Some(match subtype {
            0 => Class::AssociationRequest,
            1 => Class::AssociationResponse,
            2 => Class::ReassociationRequest,
            3 => Class::ReassociationResponse,
            4 => Class::ProbeRequest,
            5 => Class::ProbeResponse,
            8 => Class::Beacon,
            9 => Class::Atim,
            10 => Class::Disassociation,
            11 => Class::Authentication,
            12 => Class::Deauthentication,
            13 => Class::Action,
            _ => return None,
        })
    }

    /// Whether information elements follow the body (Scapy's `_Dot11EltUtils`).
    fn has_elements(self) -> bool {
        matches!(
            self,
            Class::Beacon
                | Class::ProbeRequest
                | Class::ProbeResponse
                | Class::AssociationRequest
                | Class::AssociationResponse
                | Class::ReassociationRequest
                | Class::ReassociationResponse
                | Class::Authentication
                | Class::S1gBeacon
        )
    }
}

const TYPES: [&str; 4] = ["Management", "Control", "Data", "Extension"];
const FC_FLAGS: &[&str] = &[
    "to_DS",
    "from_DS",
    "MF",
    "retry",
    "pw_mgt",
    "MD",
    "protected",
    "order",
];
const CAPABILITIES: &[&str] = &[
    "res8",
    "res9",
    "short-slot",
    "res11",
    "res12",
    "DSSS-OFDM",
    "res14",
    "res15",
    "ESS",
    "IBSS",
    "CFP",
    "CFP-req",
    "privacy",
    "short-preamble",
    "PBCC",
    "agility",
];
const PROTECTED: u8 = 0x40;

fn frame_type(number: u64) -> Option<&'static str> {
    TYPES.get(usize::try_from(number).ok()?).copied()
}

fn algorithm(number: u64) -> Option<&'static str> {
    ["open", "sharedkey"]
        .get(usize::try_from(number).ok()?)
        .copied()
}

fn action_category(number: u64) -> Option<&'static str> {
    Some(match number {
        0x00 => "Spectrum Management",
        0x01 => "QoS",
        0x02 => "DLS",
        0x03 => "Block",
        0x04 => "Public",
        0x05 => "Radio Measurement",
        0x06 => "Fast BSS Transition",
        0x07 => "HT",
        0x08 => "SA Query",
        0x09 => "Protected Dual of Public Action",
        0x0A => "WNM",
        0x0B => "Unprotected WNM",
        0x0C => "TDLS",
        0x0D => "Mesh",
        0x0E => "Multihop",
        0x0F => "Self-protected",
        0x10 => "DMG",
        0x11 => "Reserved Wi-Fi Alliance",
        0x12 => "Fast Session Transfer",
        0x13 => "Robust AV Streaming",
        0x14 => "Unprotected DMG",
        0x15 => "VHT",
        _ => return None,
    })
}

fn cipher(number: u64) -> Option<&'static str> {
    Some(match number {
        0x00 => "Use group cipher suite",
        0x01 => "WEP-40",
        0x02 => "TKIP",
        0x03 => "OCB",
        0x04 => "CCMP-128",
        0x05 => "WEP-104",
        0x06 => "BIP-CMAC-128",
        0x07 => "Group addressed traffic not allowed",
        0x08 => "GCMP-128",
        0x09 => "GCMP-256",
        0x0A => "CCMP-256",
        0x0B => "BIP-GMAC-128",
        0x0C => "BIP-GMAC-256",
        0x0D => "BIP-CMAC-256",
        _ => return None,
    })
}

fn akm_suite(number: u64) -> Option<&'static str> {
    Some(match number {
        0x00 => "Reserved",
        0x01 => "802.1X",
        0x02 => "PSK",
        0x03 => "FT-802.1X",
        0x04 => "FT-PSK",
        0x05 => "WPA-SHA256",
        0x06 => "PSK-SHA256",
        0x07 => "TDLS",
        0x08 => "SAE",
        0x09 => "FT-SAE",
        0x0A => "AP-PEER-KEY",
        0x0B => "WPA-SHA256-SUITE-B",
        0x0C => "WPA-SHA384-SUITE-B",
        0x0D => "FT-802.1X-SHA384",
        0x0E => "FILS-SHA256",
        0x0F => "FILS-SHA384",
        0x10 => "FT-FILS-SHA256",
        0x11 => "FT-FILS-SHA384",
        0x12 => "OWE",
        _ => return None,
    })
}

/// What the first bytes of an 802.11 header say: enough for its layout, its
/// payload's class and its summary.
#[derive(Clone, Copy)]
struct Control {
    frame_type: u8,
    subtype: u8,
    flags: u8,
    /// The control frame extension (for type 1, subtype 6).
    extension: u8,
}

impl Control {
    fn read(data: &[u8], at: usize) -> Control {
        Control {
            frame_type: (data[at] >> 2) & 3,
            subtype: data[at] >> 4,
            flags: data[at + 1],
            extension: data[at + 1] >> 4,
        }
    }

    fn is(self, frame_type: u8, subtype: u8) -> bool {
        (self.frame_type, self.subtype) == (frame_type, subtype)
    }

    /// Whether the default FCfield (8 flags) is there, rather than the control
    /// extension's or the S1G beacon's.
    fn plain_flags(self) -> bool {
        !self.is(1, 6) && !self.is(3, 1)
    }

    fn has_address2(self) -> bool {
        !matches!(self.frame_type, 1 | 3)
            || matches!(
                self.subtype,
                0x4 | 0x5 | 0x6 | 0x8 | 0x9 | 0xa | 0xb | 0xe | 0xf
            )
    }

    fn has_address3(self) -> bool {
        matches!(self.frame_type, 0 | 2) || (self.is(1, 6) && self.extension == 6)
    }

    fn has_sequence(self) -> bool {
        !matches!(self.frame_type, 1 | 3)
    }

    fn has_address4(self) -> bool {
        self.frame_type == 2 && self.flags & 3 == 3
    }

    /// Whether a QoS control field follows (QoS data subtypes).
    fn has_qos(self) -> bool {
        self.frame_type == 2 && (8..=15).contains(&self.subtype) && self.subtype != 13
    }

    fn protected(self) -> bool {
        self.plain_flags() && self.flags & PROTECTED != 0 || self.is(1, 6) && self.flags & 0x04 != 0
    }

    /// Scapy's `address_meaning` for address 1 to 4 (`a_msdu`: a QoS field with
    /// A-MSDU present follows, which makes addresses 3 and 4 the BSSID).
    fn meaning(self, index: usize, a_msdu: bool) -> Option<&'static str> {
        let i = index - 1;
        let meaning = match self.frame_type {
            0 => ["RA=DA", "TA=SA", "BSSID/STA", ""][i],
            1 if self.is(1, 6) && self.extension == 6 => ["RA", "NAV-SA", "NAV-DA", ""][i],
            1 => ["RA", "TA", "", ""][i],
            2 => {
                let (to_ds, from_ds) = (
                    usize::from(self.flags & 1),
                    usize::from(self.flags >> 1 & 1),
                );
                let table = [
                    [["RA=DA", "RA=DA"], ["RA=BSSID", "RA"]],
                    [["TA=SA", "TA=BSSID"], ["TA=SA", "TA"]],
                    [["BSSID", "SA"], ["DA", "DA"]],
                    [["", ""], ["SA", "BSSID"]],
                ];
                let meaning = table[i][to_ds][from_ds];
                if !meaning.is_empty() && i >= 2 && a_msdu {
                    "BSSID"
                } else {
                    meaning
                }
            }
            _ => ["BSSID", "", "", ""][i],
        };
        (!meaning.is_empty()).then_some(meaning)
    }
}

const SUBTYPE: Spec = Spec::bits("subtype", 0, 1, 0xf0, Format::Int);
const TYPE: Spec = Spec::bits("type", 0, 1, 0x0c, Format::Enum(frame_type));
const PROTO: Spec = Spec::bits("proto", 0, 1, 0x03, Format::Int);
const FC_EXTENSION: [Spec; 2] = [
    Spec::bits("cfe", 1, 1, 0xf0, Format::Enum(control_extension)),
    Spec::bits(
        "FCfield",
        1,
        1,
        0x0f,
        Format::Flags(&["pw_mgt", "MD", "protected", "order"], "+"),
    ),
];
const FC_S1G: [Spec; 3] = [
    Spec::bits(
        "FCfield",
        1,
        1,
        0xc0,
        Format::Flags(&["security", "AP_PM"], "+"),
    ),
    Spec::bits("FCfield_bw", 1, 1, 0x38, Format::Int),
    Spec::bits(
        "FCfield2",
        1,
        1,
        0x07,
        Format::Flags(&["next_tbtt", "comp_ssid", "ano"], "+"),
    ),
];
const FC: Spec = Spec::new("FCfield", 1, 1, Format::Flags(FC_FLAGS, "+"));
const DURATION: Spec = Spec::new("ID", 2, 2, Format::LeInt);

const CAP: Spec = Spec::new("cap", 0, 2, Format::Flags(CAPABILITIES, "+"));
const BEACON: [Spec; 3] = [
    Spec::new("timestamp", 0, 8, Format::LeInt),
    Spec::new("beacon_interval", 8, 2, Format::LeInt),
    Spec::new("cap", 10, 2, Format::Flags(CAPABILITIES, "+")),
];
const ASSOCIATION_REQUEST: [Spec; 2] = [CAP, Spec::new("listen_interval", 2, 2, Format::LeInt)];
const ASSOCIATION_RESPONSE: [Spec; 3] = [
    CAP,
    Spec::new("status", 2, 2, Format::LeInt),
    Spec::new("AID", 4, 2, Format::LeInt),
];
const REASSOCIATION_REQUEST: [Spec; 3] = [
    CAP,
    Spec::new("listen_interval", 2, 2, Format::LeInt),
    Spec::new("current_AP", 4, 6, Format::Mac),
];
const AUTHENTICATION: [Spec; 3] = [
    Spec::new("algo", 0, 2, Format::LeEnum(algorithm)),
    Spec::new("seqnum", 2, 2, Format::LeInt),
    Spec::new("status", 4, 2, Format::LeEnum(status)),
];
const REASON: [Spec; 1] = [Spec::new("reason", 0, 2, Format::LeEnum(reason))];
const ACTION: [Spec; 1] = [Spec::new("category", 0, 1, Format::Enum(action_category))];
const S1G_BEACON: [Spec; 2] = [
    Spec::new("timestamp", 0, 4, Format::LeInt),
    Spec::new("change_seq", 4, 1, Format::Int),
];
const QOS: [Spec; 5] = [
    Spec::bits("A_MSDU_Present", 0, 1, 0x80, Format::Int),
    Spec::bits("Ack_Policy", 0, 1, 0x60, Format::Int),
    Spec::bits("EOSP", 0, 1, 0x10, Format::Int),
    Spec::bits("TID", 0, 1, 0x0f, Format::Int),
    Spec::new("TXOP", 1, 1, Format::Int),
];
const WEP: [Spec; 2] = [
    Spec::new("iv", 0, 3, Format::Bytes),
    Spec::new("keyid", 3, 1, Format::Int),
];
const KEY_ID: Spec = Spec::bits("key_id", 3, 1, 0xc0, Format::Int);
const EXT_IV: Spec = Spec::bits("ext_iv", 3, 1, 0x20, Format::Int);
const TKIP: [Spec; 6] = [
    Spec::new("TSC1", 0, 1, Format::Int),
    Spec::new("WEPSeed", 1, 1, Format::Int),
    Spec::new("TSC0", 2, 1, Format::Int),
    KEY_ID,
    EXT_IV,
    Spec::bits("res", 3, 1, 0x1f, Format::Int),
];
const TKIP_EXTENDED: [Spec; 4] = [
    Spec::new("TSC2", 0, 1, Format::Int),
    Spec::new("TSC3", 1, 1, Format::Int),
    Spec::new("TSC4", 2, 1, Format::Int),
    Spec::new("TSC5", 3, 1, Format::Int),
];
const CCMP: [Spec; 10] = [
    Spec::new("PN0", 0, 1, Format::Int),
    Spec::new("PN1", 1, 1, Format::Int),
    Spec::new("res0", 2, 1, Format::Int),
    KEY_ID,
    EXT_IV,
    Spec::bits("res1", 3, 1, 0x1f, Format::Int),
    Spec::new("PN2", 4, 1, Format::Int),
    Spec::new("PN3", 5, 1, Format::Int),
    Spec::new("PN4", 6, 1, Format::Int),
    Spec::new("PN5", 7, 1, Format::Int),
];

/// An 802.11 frame at `at`, to `end` (`fcs`: the last 4 bytes are its frame check
/// sequence, Scapy's Dot11FCS).
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, fcs: bool) {
    let data = walk.data;
    let Some(header_end) = header_end(data, at, end, fcs) else {
        return walk.raw(at, end);
    };
    // Dot11FCS's layer runs to the frame's end, where its last field is.
    let (class, layer_end) = if fcs {
        (Class::HeaderFcs, end)
    } else {
        (Class::Header, header_end)
    };
    walk.push(Kind::Dot11 { class, end }, at..layer_end);
    let payload_end = if fcs { end - 4 } else { end };
    let control = Control::read(data, at);
    payload(walk, control, header_end, payload_end);
}

/// Where the header at `at` ends, or `None` where its fields are cut short (with
/// `fcs`, 4 bytes must remain for it).
fn header_end(data: &[u8], at: usize, end: usize, fcs: bool) -> Option<usize> {
    if end < at + 2 {
        return None;
    }
    let control = Control::read(data, at);
    let mut length = 10;
    for (present, size) in [
        (control.has_address2(), 6),
        (control.has_address3(), 6),
        (control.has_sequence(), 2),
        (control.has_address4(), 6),
    ] {
        if present {
            length += size;
        }
    }
    let header_end = at + length;
    let needed = if fcs { header_end + 4 } else { header_end };
    (needed <= end).then_some(header_end)
}

/// What follows the header, as Scapy's `Dot11.guess_payload_class` decides.
fn payload(walk: &mut Walk, control: Control, at: usize, end: usize) {
    if at >= end {
        return;
    }
    if control.has_qos() {
        if end - at < 2 {
            return walk.raw(at, end);
        }
        walk.push(
            Kind::Dot11 {
                class: Class::Qos,
                end,
            },
            at..at + 2,
        );
        return if control.protected() {
            encrypted(walk, at + 2, end)
        } else {
            super::ether::llc(walk, at + 2, end)
        };
    }
    if control.protected() {
        return encrypted(walk, at, end);
    }
    match control.frame_type {
        2 => super::ether::llc(walk, at, end),
        0 => match Class::management(control.subtype) {
            Some(class) => body(walk, class, at, end),
            None => walk.raw(at, end),
        },
        3 if control.subtype == 1 => body(walk, Class::S1gBeacon, at, end),
        1 if control.subtype == 13 => {
            // Scapy's Dot11Ack has no fields: a layer of no bytes, the rest Raw.
            walk.push(
                Kind::Dot11 {
                    class: Class::Ack,
                    end,
                },
                at..at,
            );
            walk.raw(at, end);
        }
        _ => walk.raw(at, end),
    }
}

/// A management frame's body, then its elements or Raw.
fn body(walk: &mut Walk, class: Class, at: usize, end: usize) {
    let length = body_layout(class).iter().map(Spec::end).max().unwrap_or(0);
    if end - at < length {
        return walk.raw(at, end);
    }
    walk.push(Kind::Dot11 { class, end }, at..at + length);
    if class.has_elements() {
        elements(walk, at + length, end);
    } else if class == Class::Action {
        action::dissect(walk, walk.data[at], at + length, end);
    } else {
        walk.raw(at + length, end);
    }
}

fn body_layout(class: Class) -> &'static [Spec] {
    match class {
        Class::Beacon | Class::ProbeResponse => &BEACON,
        Class::AssociationRequest => &ASSOCIATION_REQUEST,
        Class::AssociationResponse | Class::ReassociationResponse => &ASSOCIATION_RESPONSE,
        Class::ReassociationRequest => &REASSOCIATION_REQUEST,
        Class::Authentication => &AUTHENTICATION,
        Class::Deauthentication | Class::Disassociation => &REASON,
        Class::Action => &ACTION,
        Class::S1gBeacon => &S1G_BEACON,
        Class::Qos => &QOS,
        _ => &[],
    }
}

/// A protected frame's body: Scapy's `Dot11Encrypted.dispatch_hook` picks TKIP, CCMP,
/// WEP or an unknown algorithm by the first bytes; fewer than 4 bytes are Raw.
fn encrypted(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    const EXTENDED_IV: u8 = 0x20;
    if end - at < 4 {
        return walk.raw(at, end);
    }
    let class = if data[at + 3] & EXTENDED_IV != 0 && end - at >= 8 {
        if data[at + 1] == (data[at] | 0x20) & 0x7f {
            Class::Tkip
        } else if data[at + 2] == 0 {
            Class::Ccmp
        } else {
            Class::Encrypted
        }
    } else {
        Class::Wep
    };
    if class == Class::Wep && end - at < 8 {
        // The ICV, the last 4 bytes, leaves fewer than the IV and key id need.
        return walk.raw(at, end);
    }
    walk.push(Kind::Dot11 { class, end }, at..end);
}

/// Information elements from `at` to `end`, each the payload of the one before.
fn elements(walk: &mut Walk, mut at: usize, end: usize) {
    while at < end {
        if walk.chain_full() {
            return walk.raw(at, end);
        }
        let element = element_class(walk.data, at, end);
        match element.and_then(|element| {
            read_element(walk.data, element, at, end).map(|(_, e)| (element, e))
        }) {
            Some((element, element_end)) => {
                walk.push(
                    Kind::Dot11 {
                        class: Class::Element(element),
                        end,
                    },
                    at..element_end,
                );
                at = element_end;
            }
            None => return walk.raw(at, end),
        }
    }
}

/// Scapy's class for the element at `at` (`Dot11Elt.dispatch_hook`); `None` where
/// the dispatch itself fails (a vendor element too short to hold its OUI and type).
fn element_class(data: &[u8], at: usize, end: usize) -> Option<Element> {
    Some(match data[at] {
        1 | 50 => Element::Rates,
        3 => Element::DsssSet,
        37 => Element::Csa,
        7 => Element::Country,
        42 => Element::Erp,
        45 => Element::HtCapabilities,
        48 => Element::Rsn,
        61 => Element::HtOperation,
        74 => Element::Obss,
        192 => Element::VhtOperation,
        255 => match data[..end].get(at + 2) {
            None => Element::Extension,
            Some(36) => Element::HeOperation,
            Some(106) => Element::EhtOperation,
            Some(_) => Element::ExtensionGeneric,
        },
        221 => {
            if end - at < 5 {
                return None;
            }
            if data[at + 2..at + 5] == [0x00, 0x50, 0xf2] {
                match data[..end].get(at + 5)? {
                    1 => Element::MicrosoftWpa,
                    _ => Element::VendorSpecific,
                }
            } else {
                Element::VendorSpecific
            }
        }
        _ => Element::Generic,
    })
}

const ELEMENT_HEAD: [Spec; 2] = [
    Spec::new("ID", 0, 1, Format::Enum(element_id)),
    Spec::new("len", 1, 1, Format::Int),
];
const DSSS: [Spec; 3] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("channel", 2, 1, Format::Int),
];
const ERP: [Spec; 6] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::bits("NonERP_Present", 2, 1, 0x80, Format::Int),
    Spec::bits("Use_Protection", 2, 1, 0x40, Format::Int),
    Spec::bits("Barker_Preamble_Mode", 2, 1, 0x20, Format::Int),
    Spec::bits("res", 2, 1, 0x1f, Format::Int),
];
const CSA: [Spec; 5] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("mode", 2, 1, Format::Int),
    Spec::new("new_channel", 3, 1, Format::Int),
    Spec::new("channel_switch_count", 4, 1, Format::Int),
];
const OBSS: [Spec; 9] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("Passive_Dwell", 2, 2, Format::LeInt),
    Spec::new("Active_Dwell", 4, 2, Format::LeInt),
    Spec::new("Scan_Interval", 6, 2, Format::LeInt),
    Spec::new("Passive_Total_Per_Channel", 8, 2, Format::LeInt),
    Spec::new("Active_Total_Per_Channel", 10, 2, Format::LeInt),
    Spec::new("Delay", 12, 2, Format::LeInt),
    Spec::new("Activity_Threshold", 14, 2, Format::LeInt),
];
const VENDOR: [Spec; 3] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("oui", 2, 3, Format::Oui),
];
const MICROSOFT_WPA: [Spec; 5] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("oui", 2, 3, Format::Oui),
    Spec::new("type", 5, 1, Format::Hex),
    Spec::new("version", 6, 2, Format::LeInt),
];
const RSN: [Spec; 3] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("version", 2, 2, Format::LeInt),
];
const RSN_CAPABILITIES: [Spec; 14] = [
    Spec::bits("mfp_capable", 0, 2, 0x8000, Format::Int),
    Spec::bits("mfp_required", 0, 2, 0x4000, Format::Int),
    Spec::bits("gtksa_replay_counter", 0, 2, 0x3000, Format::Int),
    Spec::bits("ptksa_replay_counter", 0, 2, 0x0c00, Format::Int),
    Spec::bits("no_pairwise", 0, 2, 0x0200, Format::Int),
    Spec::bits("pre_auth", 0, 2, 0x0100, Format::Int),
    Spec::bits("reserved", 0, 2, 0x0080, Format::Int),
    Spec::bits("ocvc", 0, 2, 0x0040, Format::Int),
    Spec::bits("extended_key_id", 0, 2, 0x0020, Format::Int),
    Spec::bits("pbac", 0, 2, 0x0010, Format::Int),
    Spec::bits("spp_a_msdu_required", 0, 2, 0x0008, Format::Int),
    Spec::bits("spp_a_msdu_capable", 0, 2, 0x0004, Format::Int),
    Spec::bits("peer_key_enabled", 0, 2, 0x0002, Format::Int),
    Spec::bits("joint_multiband_rsna", 0, 2, 0x0001, Format::Int),
];
const CIPHER_SUITE: [Spec; 2] = [
    Spec::new("oui", 0, 3, Format::Oui),
    Spec::new("cipher", 3, 1, Format::Enum(cipher)),
];
const AKM_SUITE: [Spec; 2] = [
    Spec::new("oui", 0, 3, Format::Oui),
    Spec::new("suite", 3, 1, Format::Enum(akm_suite)),
];

/// Reads the element of class `element` at `at` from the rest of the frame (to
/// `end`): its fields and where it ends, or `None` where Scapy's class raises.
fn read_element(
    data: &[u8],
    element: Element,
    at: usize,
    end: usize,
) -> Option<(Vec<Field>, usize)> {
    let mut rest = Rest { at, end };
    let length = || i64::from(data[at + 1]);
    let fields = match element {
        Element::Generic => {
            let mut fields = rest.prefix(data, &ELEMENT_HEAD)?;
            let info = rest.slice(length());
            fields.push(field(
                "info",
                info.clone(),
                Value::Bytes(data[info].to_vec()),
            ));
            fields
        }
        Element::DsssSet => rest.prefix(data, &DSSS)?,
        Element::Country => country(data, &mut rest)?,
        Element::HtCapabilities => ht_capabilities(data, &mut rest)?,
        Element::HtOperation => rest.prefix(data, &HT_OPERATION)?,
        Element::VhtOperation => {
            let mut fields = rest.prefix(data, &ELEMENT_HEAD)?;
            let info = packet_field(data, &mut rest, &VHT_OPERATION_INFO, &[0, 36, 0])?;
            fields.push(sub_packet("VHT_Operation_Info", info));
            fields.push(two_bit_list(data, &mut rest, "mcs_set")?);
            fields
        }
        Element::Extension | Element::ExtensionGeneric => {
            let mut fields = extension_head(data, &mut rest, false)?;
            if element == Element::ExtensionGeneric {
                let info = rest.slice((length() - 1).max(0));
                fields.push(field(
                    "info",
                    info.clone(),
                    Value::Bytes(data[info].to_vec()),
                ));
            }
            fields
        }
        Element::HeOperation => he_operation(data, &mut rest)?,
        Element::EhtOperation => eht_operation(data, &mut rest)?,
        Element::Erp => rest.prefix(data, &ERP)?,
        Element::Csa => rest.prefix(data, &CSA)?,
        Element::Obss => rest.prefix(data, &OBSS)?,
        Element::Rates => {
            let mut fields = rest.prefix(data, &ELEMENT_HEAD)?;
            let rates = rest.slice(length());
            let text: Vec<String> = data[rates.clone()].iter().map(|&r| rate(r)).collect();
            let value = Value::Text(format!("[{}]", text.join(", ")));
            fields.push(field("rates", rates, value));
            fields
        }
        Element::VendorSpecific => {
            let mut fields = rest.prefix(data, &VENDOR)?;
            let info = rest.slice(length() - 3);
            fields.push(field(
                "info",
                info.clone(),
                Value::Bytes(data[info].to_vec()),
            ));
            fields
        }
        Element::MicrosoftWpa => {
            let mut fields = rest.prefix(data, &MICROSOFT_WPA)?;
            suites(data, &mut rest, &mut fields)?;
            fields
        }
        Element::Rsn => {
            let mut fields = rest.prefix(data, &RSN)?;
            let (pairwise, akm) = suites(data, &mut rest, &mut fields)?;
            fields.extend(rest.prefix(data, &RSN_CAPABILITIES)?);
            // Scapy guesses the optional parts from the length, as Wireshark does.
            let left = length() - 12 - 4 * (pairwise + akm);
            let mut pmkid_count = None;
            if left >= 2 {
                let (group, count) = pmkids(data, &mut rest)?;
                fields.push(sub_packet("pmkids", group));
                pmkid_count = Some(count);
            }
            // An absent PMKID list still counts 2 bytes here: Scapy's default one is
            // a true value.
            if left - 2 - 16 * pmkid_count.unwrap_or(0) >= 4 {
                let suite = cipher_suite(data, &mut rest)?;
                fields.push(sub_packet("group_management_cipher_suite", suite));
            }
            fields
        }
    };
    Some((fields, rest.at))
}

/// RSN's and WPA's group cipher suite and counted pairwise and AKM suite lists; the
/// counts.
fn suites(data: &[u8], rest: &mut Rest, fields: &mut Vec<Field>) -> Option<(i64, i64)> {
    let group = cipher_suite(data, rest)?;
    fields.push(sub_packet("group_cipher_suite", group));
    let mut counts = [0; 2];
    for (i, (count_name, list_name, name, specs)) in [
        (
            "nb_pairwise_cipher_suites",
            "pairwise_cipher_suites",
            "Cipher suite",
            &CIPHER_SUITE,
        ),
        ("nb_akm_suites", "akm_suites", "AKM suite", &AKM_SUITE),
    ]
    .into_iter()
    .enumerate()
    {
        let head = rest.take(2)?;
        let count = u16::from_le_bytes([data[head.start], data[head.start + 1]]);
        fields.push(field(count_name, head, Value::Int(u64::from(count))));
        let start = rest.at;
        let list = counted_packet_list(data, rest, usize::from(count), |rest| {
            suite(data, rest, name, specs)
        })?;
        fields.push(field(list_name, start..rest.at, Value::Packets(list)));
        counts[i] = i64::from(count);
    }
    Some((counts[0], counts[1]))
}

/// A cipher suite in a PacketField (Scapy's default one, the IEEE OUI and CCMP-128,
/// from no bytes).
fn cipher_suite(data: &[u8], rest: &mut Rest) -> Option<Group> {
    packet_field(data, rest, &CIPHER_SUITE_CLASS, &[0x000fac, 4])
}

/// A sub-packet's class: its display name and fixed fields.
struct SubPacket {
    name: &'static str,
    specs: &'static [Spec],
}

const CIPHER_SUITE_CLASS: SubPacket = SubPacket {
    name: "Cipher suite",
    specs: &CIPHER_SUITE,
};

/// A PacketField's sub-packet read from the rest; from no bytes at all, the class's
/// `defaults` (Scapy builds the packet without dissecting anything); `None` where
/// its fields are cut short.
fn packet_field(
    data: &[u8],
    rest: &mut Rest,
    class: &SubPacket,
    defaults: &[u64],
) -> Option<Group> {
    let at = rest.at;
    let fields = if at == rest.end {
        class
            .specs
            .iter()
            .zip(defaults)
            .map(|(spec, &value)| {
                let value = match spec.format {
                    Format::Oui => Value::Text(format_mac(&value.to_be_bytes()[5..])),
                    Format::Mac => {
                        Value::Mac(value.to_be_bytes()[2..].try_into().expect("6 bytes"))
                    }
                    Format::Enum(names) => Value::named(value, names(value)),
                    _ => Value::Int(value),
                };
                field(spec.name, at..at, value)
            })
            .collect()
    } else {
        rest.prefix(data, class.specs)?
    };
    Some(Group::new(class.name, at..rest.at, fields))
}

/// A PacketField's value: its one sub-packet, over the sub-packet's bytes.
fn sub_packet(name: &'static str, group: Group) -> Field {
    let range = group.range.clone();
    field(name, range, Value::Packets(vec![group]))
}

/// RSN's PMKID list and its count (0 for Scapy's default list, made from no bytes).
fn pmkids(data: &[u8], rest: &mut Rest) -> Option<(Group, i64)> {
    let start = rest.at;
    if start == rest.end {
        let fields = vec![
            field("nb_pmkids", start..start, Value::None),
            field("pmkid_list", start..start, Value::Text("[]".into())),
        ];
        return Some((Group::new("PMKIDs", start..start, fields), 0));
    }
    let head = rest.take(2)?;
    let count = u16::from_le_bytes([data[head.start], data[head.start + 1]]);
    let list_start = rest.at;
    let mut ids = Vec::new();
    while rest.at < rest.end && ids.len() < usize::from(count) {
        let id = rest.slice(16);
        ids.push(super::field::hex(&data[id]));
    }
    let fields = vec![
        field("nb_pmkids", head, Value::Int(u64::from(count))),
        field(
            "pmkid_list",
            list_start..rest.at,
            Value::Text(format!("[{}]", ids.join(", "))),
        ),
    ];
    Some((
        Group::new("PMKIDs", start..rest.at, fields),
        i64::from(count),
    ))
}

fn suite(data: &[u8], rest: &mut Rest, name: &'static str, specs: &[Spec]) -> Option<Group> {
    let at = rest.at;
    let fields = rest.prefix(data, specs)?;
    Some(Group::new(name, at..rest.at, fields))
}

/// Scapy's `_RateField`: half-Mbps units, `(B)` for a basic rate.
fn rate(value: u8) -> String {
    let mbps = f64::from(value & 0x7f) / 2.0;
    let basic = if value & 0x80 != 0 { "(B)" } else { "" };
    format!("{mbps:?}{basic} Mbps")
}

/// The fields of the layer of `class` at `at`, whose frame ends at `end`.
pub(super) fn fields(data: &[u8], at: usize, class: Class, end: usize) -> Vec<Field> {
    match class {
        Class::Header | Class::HeaderFcs => header_fields(data, at, end, class == Class::HeaderFcs),
        Class::Element(element) => {
            read_element(data, element, at, end).map_or_else(Vec::new, |(fields, _)| fields)
        }
        Class::Wep | Class::Tkip | Class::Ccmp | Class::Encrypted => {
            encrypted_fields(data, class, at, end)
        }
        Class::SpectrumManagement
        | Class::ChannelSwitch
        | Class::Wnm
        | Class::TransitionRequest
        | Class::TransitionResponse
        | Class::RadioMeasurement
        | Class::MeasurementRequest
        | Class::MeasurementReport => action::fields(data, at, class, end),
        _ => super::field::fixed(body_layout(class), data, at),
    }
}

fn header_fields(data: &[u8], at: usize, end: usize, fcs: bool) -> Vec<Field> {
    let control = Control::read(data, at);
    let header_end = header_end(data, at, end, fcs).unwrap_or(end);
    let payload_end = if fcs { end - 4 } else { end };
    let a_msdu = control.has_qos() && payload_end >= header_end + 2 && data[header_end] & 0x80 != 0;
    let mut fields = Vec::with_capacity(12);
    let mut subtype = SUBTYPE.field(data, at).expect("the header is whole");
    subtype.value = Value::named(
        u64::from(control.subtype),
        subtype_name(control.frame_type, control.subtype),
    );
    fields.push(subtype);
    fields.extend([TYPE, PROTO].iter().filter_map(|spec| spec.field(data, at)));
    let flags: &[Spec] = if control.is(1, 6) {
        &FC_EXTENSION
    } else if control.is(3, 1) {
        &FC_S1G
    } else {
        std::slice::from_ref(&FC)
    };
    fields.extend(flags.iter().filter_map(|spec| spec.field(data, at)));
    fields.extend(DURATION.field(data, at));
    let mut next = at + 4;
    let address = |index: usize, fields: &mut Vec<Field>, next: &mut usize| {
        let range = *next..*next + 6;
        *next += 6;
        let value = Value::Text(address_text(&data[range.clone()], control, index, a_msdu));
        fields.push(field(
            ["addr1", "addr2", "addr3", "addr4"][index - 1],
            range,
            value,
        ));
    };
    address(1, &mut fields, &mut next);
    if control.has_address2() {
        address(2, &mut fields, &mut next);
    }
    if control.has_address3() {
        address(3, &mut fields, &mut next);
    }
    if control.has_sequence() {
        let sequence = Spec::new("SC", next - at, 2, Format::LeInt);
        fields.extend(sequence.field(data, at));
        next += 2;
    }
    if control.has_address4() {
        address(4, &mut fields, &mut next);
    }
    if fcs {
        let fcs = end - 4..end;
        let value = u32::from_le_bytes(data[fcs.clone()].try_into().expect("4 bytes"));
        fields.push(field("fcs", fcs, Value::Text(format!("{value:#x}"))));
    }
    fields
}

fn encrypted_fields(data: &[u8], class: Class, at: usize, end: usize) -> Vec<Field> {
    let mut rest = Rest { at, end };
    let mut fields = match class {
        Class::Wep => rest.prefix(data, &WEP),
        Class::Tkip => rest.prefix(data, &TKIP),
        Class::Ccmp => rest.prefix(data, &CCMP),
        _ => Some(Vec::new()),
    }
    .unwrap_or_default();
    if class == Class::Tkip && EXT_IV.get(data, at) == 1 {
        fields.extend(rest.prefix(data, &TKIP_EXTENDED).unwrap_or_default());
    }
    let bytes = |name: &'static str, range: Range<usize>| {
        field(name, range.clone(), Value::Bytes(data[range].to_vec()))
    };
    if class == Class::Wep {
        // The ICV is the last 4 bytes, read as a number.
        fields.push(bytes("wepdata", rest.at..end - 4));
        let icv = u32::from_be_bytes(data[end - 4..end].try_into().expect("4 bytes"));
        fields.push(field("icv", end - 4..end, Value::Int(u64::from(icv))));
    } else {
        fields.push(bytes("data", rest.at..end));
    }
    fields
}

/// Scapy's summaries: the header's `802.11 Management Beacon 00:11:22:33:44:55 (TA=SA)
/// > ff:ff:ff:ff:ff:ff (RA=DA)` (an address 2 the frame does not carry is Scapy's
/// default, all zeros), an SSID element's `SSID='lab'`.
pub fn summary(data: &[u8], at: usize, class: Class, end: usize) -> Option<String> {
    match class {
        Class::Header | Class::HeaderFcs => {
            // Addresses 1 and 2 only: what A-MSDU changes is addresses 3 and 4.
            let control = Control::read(data, at);
            let address2 = if control.has_address2() {
                &data[at + 10..at + 16]
            } else {
                &[0; 6][..]
            };
            let subtype = control.subtype;
            Some(format!(
                "802.11 {} {} {} > {}",
                TYPES[usize::from(control.frame_type)],
                subtype_name(control.frame_type, subtype)
                    .map_or_else(|| subtype.to_string(), str::to_string),
                address_text(address2, control, 2, false),
                address_text(&data[at + 4..at + 10], control, 1, false)
            ))
        }
        Class::Element(Element::Generic) if data[at] == 0 => {
            let info = rest_info(data, at, end);
            Some(format!("SSID='{}'", super::dns::backslash_replace(info)))
        }
        _ => None,
    }
}

/// An address as Scapy's `_Dot11MacField` shows it: with what it means for this frame,
/// when it means something.
fn address_text(bytes: &[u8], control: Control, index: usize, a_msdu: bool) -> String {
    let mac = format_mac(bytes);
    match control.meaning(index, a_msdu) {
        Some(meaning) => format!("{mac} ({meaning})"),
        None => mac,
    }
}

/// A generic element's info bytes.
fn rest_info(data: &[u8], at: usize, end: usize) -> &[u8] {
    let mut rest = Rest { at: at + 2, end };
    &data[rest.slice(i64::from(data[at + 1]))]
}

/// Whether a summary of this layer also asks for the 802.11 header's (Scapy's SSID
/// element returns `[Dot11]` with its summary).
pub fn summary_needs_header(data: &[u8], at: usize, class: Class) -> bool {
    class == Class::Element(Element::Generic) && data[at] == 0
}
/// Frame subtypes by type, as Scapy names them.
fn subtype_name(frame_type: u8, subtype: u8) -> Option<&'static str> {
    Some(match (frame_type, subtype) {
        (0, 0) => "Association Request",
        (0, 1) => "Association Response",
        (0, 2) => "Reassociation Request",
        (0, 3) => "Reassociation Response",
        (0, 4) => "Probe Request",
        (0, 5) => "Probe Response",
        (0, 6) => "Timing Advertisement",
        (0, 8) => "Beacon",
        (0, 9) => "ATIM",
        (0, 10) => "Disassociation",
        (0, 11) => "Authentication",
        (0, 12) => "Deauthentication",
        (0, 13) => "Action",
        (0, 14) => "Action No Ack",
        (1, 2) => "Trigger",
        (1, 3) => "TACK",
        (1, 4) => "Beamforming Report Poll",
        (1, 5) => "VHT/HE NDP Announcement",
        (1, 6) => "Control Frame Extension",
        (1, 7) => "Control Wrapper",
        (1, 8) => "Block Ack Request",
        (1, 9) => "Block Ack",
        (1, 10) => "PS-Poll",
        (1, 11) => "RTS",
        (1, 12) => "CTS",
        (1, 13) => "Ack",
        (1, 14) => "CF-End",
        (1, 15) => "CF-End+CF-Ack",
        (2, 0) => "Data",
        (2, 1) => "Data+CF-Ack",
        (2, 2) => "Data+CF-Poll",
        (2, 3) => "Data+CF-Ack+CF-Poll",
        (2, 4) => "Null (no data)",
        (2, 5) => "CF-Ack (no data)",
        (2, 6) => "CF-Poll (no data)",
        (2, 7) => "CF-Ack+CF-Poll (no data)",
        (2, 8) => "QoS Data",
        (2, 9) => "QoS Data+CF-Ack",
        (2, 10) => "QoS Data+CF-Poll",
        (2, 11) => "QoS Data+CF-Ack+CF-Poll",
        (2, 12) => "QoS Null (no data)",
        (2, 14) => "QoS CF-Poll (no data)",
        (2, 15) => "QoS CF-Ack+CF-Poll (no data)",
        (3, 0) => "DMG Beacon",
        (3, 1) => "S1G Beacon",
        _ => return None,
    })
}

/// Control frame extensions.
fn control_extension(number: u64) -> Option<&'static str> {
    Some(match number {
        2 => "Poll",
        3 => "SPR",
        4 => "Grant",
        5 => "DMG CTS",
        6 => "DMG DTS",
        7 => "Grant Ack",
        8 => "SSW",
        9 => "SSW-Feedback",
        10 => "SSW-Ack",
        _ => return None,
    })
}

/// Information element ids, as Scapy names them.
fn element_id(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "SSID",
        1 => "Supported Rates",
        2 => "FHset",
        3 => "DSSS Set",
        4 => "CF Set",
        5 => "TIM",
        6 => "IBSS Set",
        7 => "Country",
        10 => "Request",
        11 => "BSS Load",
        12 => "EDCA Set",
        13 => "TSPEC",
        14 => "TCLAS",
        15 => "Schedule",
        16 => "Challenge text",
        32 => "Power Constraint",
        33 => "Power Capability",
        36 => "Supported Channels",
        37 => "Channel Switch Announcement",
        38 => "Measurement Request",
        39 => "Measurement Report",
        42 => "ERP",
        45 => "HT Capabilities",
        46 => "QoS Capability",
        48 => "RSN",
        50 => "Extended Supported Rates",
        52 => "Neighbor Report",
        61 => "HT Operation",
        74 => "Overlapping BSS Scan Parameters",
        107 => "Interworking",
        127 => "Extended Capabilities",
        191 => "VHT Capabilities",
        192 => "VHT Operation",
        221 => "Vendor Specific",
        255 => "Element ID Extension",
        _ => return None,
    })
}

/// Deauthentication and disassociation reasons.
fn reason(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "reserved",
        1 => "unspec",
        2 => "auth-expired",
        3 => "deauth-ST-leaving",
        4 => "inactivity",
        5 => "AP-full",
        6 => "class2-from-nonauth",
        7 => "class3-from-nonass",
        8 => "disas-ST-leaving",
        9 => "ST-not-auth",
        _ => return None,
    })
}

/// Authentication status codes.
fn status(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "success",
        1 => "failure",
        10 => "cannot-support-all-cap",
        11 => "inexist-asso",
        12 => "asso-denied",
        13 => "algo-unsupported",
        14 => "bad-seq-num",
        15 => "challenge-failure",
        16 => "timeout",
        17 => "AP-full",
        18 => "rate-unsupported",
        _ => return None,
    })
}

const VHT_OPERATION_INFO: SubPacket = SubPacket {
    name: "802.11 VHT Operation Information",
    specs: &[
        Spec::new("channel_width", 0, 1, Format::Int),
        Spec::new("channel_center0", 1, 1, Format::Int),
        Spec::new("channel_center1", 2, 1, Format::Int),
    ],
};
const HE_6G_OPERATION_INFO: SubPacket = SubPacket {
    name: "802.11 HE 6 GHz Operation Information",
    specs: &[
        Spec::new("primary_channel", 0, 1, Format::Int),
        Spec::bits("reserved", 1, 1, 0xc0, Format::Int),
        Spec::bits("regulatory_info", 1, 1, 0x38, Format::Int),
        Spec::bits("duplicate_beacon", 1, 1, 0x04, Format::Int),
        Spec::bits("channel_width", 1, 1, 0x03, Format::Int),
        Spec::new("channel_center0", 2, 1, Format::Int),
        Spec::new("channel_center1", 3, 1, Format::Int),
        Spec::new("minimum_rate", 4, 1, Format::Int),
    ],
};
const EHT_OPERATION_INFO: SubPacket = SubPacket {
    name: "802.11 EHT Operation Information",
    specs: &[
        Spec::bits("reserved", 0, 1, 0xf8, Format::Int),
        Spec::bits("channel_width", 0, 1, 0x07, Format::Int),
        Spec::new("channel_center0", 1, 1, Format::Int),
        Spec::new("channel_center1", 2, 1, Format::Int),
    ],
};

fn max_a_msdu(number: u64) -> Option<&'static str> {
    ["3839 o", "7935 o"].get(number as usize).copied()
}

fn sm_power_save(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "static SM",
        1 => "dynamic SM",
        3 => "disabled",
        _ => return None,
    })
}

fn channel_width(number: u64) -> Option<&'static str> {
    ["20Mhz", "20Mhz+40Mhz"].get(number as usize).copied()
}

/// HT capabilities before and after the 16-byte MCS set (little-endian groups).
const HT_CAPABILITIES_HEAD: [Spec; 19] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::le_bits("L_SIG_TXOP_Protection", 2, 2, 0x8000, Format::Int),
    Spec::le_bits("Forty_Mhz_Intolerant", 2, 2, 0x4000, Format::Int),
    Spec::le_bits("PSMP", 2, 2, 0x2000, Format::Int),
    Spec::le_bits("DSSS_CCK", 2, 2, 0x1000, Format::Int),
    Spec::le_bits("Max_A_MSDU", 2, 2, 0x0800, Format::Enum(max_a_msdu)),
    Spec::le_bits("Delayed_BlockAck", 2, 2, 0x0400, Format::Int),
    Spec::le_bits("Rx_STBC", 2, 2, 0x0300, Format::Int),
    Spec::le_bits("Tx_STBC", 2, 2, 0x0080, Format::Int),
    Spec::le_bits("Short_GI_40Mhz", 2, 2, 0x0040, Format::Int),
    Spec::le_bits("Short_GI_20Mhz", 2, 2, 0x0020, Format::Int),
    Spec::le_bits("Green_Field", 2, 2, 0x0010, Format::Int),
    Spec::le_bits("SM_Power_Save", 2, 2, 0x000c, Format::Enum(sm_power_save)),
    Spec::le_bits(
        "Supported_Channel_Width",
        2,
        2,
        0x0002,
        Format::Enum(channel_width),
    ),
    Spec::le_bits("LDPC_Coding_Capability", 2, 2, 0x0001, Format::Int),
    Spec::bits("res1", 4, 1, 0xe0, Format::Int),
    Spec::bits("Min_MPDCU_Start_Spacing", 4, 1, 0x1c, Format::Int),
    Spec::bits("Max_A_MPDU_Length_Exponent", 4, 1, 0x03, Format::Int),
];
/// The supported MCS set: a 128-bit little-endian number, its fields by width from
/// the top.
const MCS_SET: [(&str, u32); 9] = [
    ("res2", 27),
    ("TX_Unequal_Modulation", 1),
    ("TX_Max_Spatial_Streams", 2),
    ("TX_RX_MCS_Set_Not_Equal", 1),
    ("TX_MCS_Set_Defined", 1),
    ("res3", 6),
    ("RX_Highest_Supported_Data_Rate", 10),
    ("res4", 3),
    ("RX_MSC_Bitmask", 77),
];
const HT_CAPABILITIES_TAIL: [Spec; 28] = [
    Spec::le_bits("res5", 21, 2, 0xf000, Format::Int),
    Spec::le_bits("RD_Responder", 21, 2, 0x0800, Format::Int),
    Spec::le_bits("HTC_HT_Support", 21, 2, 0x0400, Format::Int),
    Spec::le_bits("MCS_Feedback", 21, 2, 0x0300, Format::Int),
    Spec::le_bits("res6", 21, 2, 0x00f8, Format::Int),
    Spec::le_bits("PCO_Transition_Time", 21, 2, 0x0006, Format::Int),
    Spec::le_bits("PCO", 21, 2, 0x0001, Format::Int),
    Spec::le_bits("res7", 23, 4, 0xe0000000, Format::Int),
    Spec::le_bits(
        "Channel_Estimation_Capability",
        23,
        4,
        0x18000000,
        Format::Int,
    ),
    Spec::le_bits(
        "CSI_max_n_Rows_Beamformer_Supported",
        23,
        4,
        0x06000000,
        Format::Int,
    ),
    Spec::le_bits(
        "Compressed_Steering_n_Beamformer_Antennas_Supported",
        23,
        4,
        0x01800000,
        Format::Int,
    ),
    Spec::le_bits(
        "Noncompressed_Steering_n_Beamformer_Antennas_Supported",
        23,
        4,
        0x00600000,
        Format::Int,
    ),
    Spec::le_bits(
        "CSI_n_Beamformer_Antennas_Supported",
        23,
        4,
        0x00180000,
        Format::Int,
    ),
    Spec::le_bits("Minimal_Grouping", 23, 4, 0x00060000, Format::Int),
    Spec::le_bits(
        "Explicit_Compressed_Beamforming_Feedback",
        23,
        4,
        0x00018000,
        Format::Int,
    ),
    Spec::le_bits(
        "Explicit_Noncompressed_Beamforming_Feedback",
        23,
        4,
        0x00006000,
        Format::Int,
    ),
    Spec::le_bits(
        "Explicit_Transmit_Beamforming_CSI_Feedback",
        23,
        4,
        0x00001800,
        Format::Int,
    ),
    Spec::le_bits(
        "Explicit_Compressed_Steering",
        23,
        4,
        0x00000400,
        Format::Int,
    ),
    Spec::le_bits(
        "Explicit_Noncompressed_Steering",
        23,
        4,
        0x00000200,
        Format::Int,
    ),
    Spec::le_bits(
        "Explicit_CSI_Transmit_Beamforming",
        23,
        4,
        0x00000100,
        Format::Int,
    ),
    Spec::le_bits("Calibration", 23, 4, 0x000000c0, Format::Int),
    Spec::le_bits(
        "Implicit_Trasmit_Beamforming",
        23,
        4,
        0x00000020,
        Format::Int,
    ),
    Spec::le_bits("Transmit_NDP", 23, 4, 0x00000010, Format::Int),
    Spec::le_bits("Receive_NDP", 23, 4, 0x00000008, Format::Int),
    Spec::le_bits(
        "Transmit_Staggered_Sounding",
        23,
        4,
        0x00000004,
        Format::Int,
    ),
    Spec::le_bits("Receive_Staggered_Sounding", 23, 4, 0x00000002, Format::Int),
    Spec::le_bits(
        "Implicit_Transmit_Beamforming_Receiving",
        23,
        4,
        0x00000001,
        Format::Int,
    ),
    Spec::new(
        "ASEL",
        27,
        1,
        Format::Flags(
            &[
                "res",
                "Transmit_Sounding_PPDUs",
                "Receive_ASEL",
                "Antenna_Indices_Feedback",
                "Explicit_CSI_Feedback",
                "Explicit_CSI_Feedback_Based_Transmit_ASEL",
                "Antenna_Selection",
            ],
            "+",
        ),
    ),
];

fn ht_capabilities(data: &[u8], rest: &mut Rest) -> Option<Vec<Field>> {
    let at = rest.at;
    let mut fields = rest.prefix(data, &HT_CAPABILITIES_HEAD)?;
    let set = rest.take(16)?;
    let number = u128::from_le_bytes(data[set.clone()].try_into().expect("16 bytes"));
    let mut shift = 128;
    for (name, width) in MCS_SET {
        shift -= width;
        let value = number >> shift & ((1u128 << width) - 1);
        let mut field = field(name, set.clone(), Value::Text(value.to_string()));
        field.bits = super::field::little_endian_bits(shift, width);
        fields.push(field);
    }
    rest.at = at;
    fields.extend(rest.prefix(data, &HT_CAPABILITIES_TAIL)?);
    Some(fields)
}

const HT_OPERATION: [Spec; 20] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("primary_channel", 2, 1, Format::Int),
    Spec::bits("reserved_1", 3, 1, 0xf0, Format::Int),
    Spec::bits("rifs_mode", 3, 1, 0x08, Format::Int),
    Spec::bits("channel_width", 3, 1, 0x04, Format::Int),
    Spec::bits("secondary_channel_offset", 3, 1, 0x03, Format::Int),
    Spec::le_bits("reserved_3", 4, 2, 0xffe0, Format::Int),
    Spec::le_bits("obss_non_ht_stas_present", 4, 2, 0x0010, Format::Int),
    Spec::le_bits("reserved_2", 4, 2, 0x0008, Format::Int),
    Spec::le_bits("nongreenfield_ht_stas_present", 4, 2, 0x0004, Format::Int),
    Spec::le_bits("ht_protection", 4, 2, 0x0003, Format::Int),
    Spec::le_bits("reserved_4", 6, 2, 0xffc0, Format::Int),
    Spec::le_bits("pco_phase", 6, 2, 0x0020, Format::Int),
    Spec::le_bits("pco_active", 6, 2, 0x0010, Format::Int),
    Spec::le_bits(
        "lsig_txop_protection_full_support",
        6,
        2,
        0x0008,
        Format::Int,
    ),
    Spec::le_bits("stbc_beacon", 6, 2, 0x0004, Format::Int),
    Spec::le_bits("dual_cts_protection", 6, 2, 0x0002, Format::Int),
    Spec::le_bits("dual_beacon", 6, 2, 0x0001, Format::Int),
    Spec::new("basic_mcs_set", 8, 16, Format::Bytes),
];

/// A list of eight 2-bit numbers (Scapy's FieldListField of BitFields): it stops
/// where the bytes end between two bytes; `None` where they end inside one.
fn two_bit_list(data: &[u8], rest: &mut Rest, name: &'static str) -> Option<Field> {
    let start = rest.at;
    let mut values = Vec::with_capacity(8);
    for i in 0..8 {
        if i % 4 == 0 && rest.at == rest.end {
            break;
        }
        if i % 4 == 0 {
            rest.take(1)?;
        }
        let byte = data[rest.at - 1];
        values.push(((byte >> (6 - 2 * (i % 4))) & 3).to_string());
    }
    let text = Value::Text(format!("[{}]", values.join(", ")));
    Some(field(name, start..rest.at, text))
}

const EXTENSION_HEAD: [Spec; 3] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("ext_ID", 2, 1, Format::Int),
];

/// An element ID extension's ID and length, and its `ext_ID`: in the generic classes
/// unless the length is 0; always in the HE and EHT operation classes (whose class
/// default for it makes Scapy drop the condition).
fn extension_head(data: &[u8], rest: &mut Rest, always: bool) -> Option<Vec<Field>> {
    let length = *data[..rest.end].get(rest.at + 1)?;
    let head = if always || length > 0 {
        &EXTENSION_HEAD[..]
    } else {
        &ELEMENT_HEAD[..]
    };
    rest.prefix(data, head)
}

const HE_OPERATION: [Spec; 11] = [
    Spec::le_bits("reserved", 0, 3, 0xfc0000, Format::Int),
    Spec::le_bits("six_g_op_info_present", 0, 3, 0x020000, Format::Int),
    Spec::le_bits("er_su_disable", 0, 3, 0x010000, Format::Int),
    Spec::le_bits("co_hosted_bss", 0, 3, 0x008000, Format::Int),
    Spec::le_bits("vht_operation_info_present", 0, 3, 0x004000, Format::Int),
    Spec::le_bits("txop_duration_rts_threshold", 0, 3, 0x003ff0, Format::Int),
    Spec::le_bits("twt_required", 0, 3, 0x000008, Format::Int),
    Spec::le_bits("default_pe_duration", 0, 3, 0x000007, Format::Int),
    Spec::bits("bss_color_disabled", 3, 1, 0x80, Format::Int),
    Spec::bits("partial_bss_color", 3, 1, 0x40, Format::Int),
    Spec::bits("bss_color", 3, 1, 0x3f, Format::Int),
];

fn he_operation(data: &[u8], rest: &mut Rest) -> Option<Vec<Field>> {
    let mut fields = extension_head(data, rest, true)?;
    let parameters = rest.at;
    fields.extend(rest.prefix(data, &HE_OPERATION)?);
    fields.push(two_bit_list(data, rest, "basic_he_mcs_and_nss_set")?);
    let flag = |spec: &Spec| spec.get(data, parameters) == 1;
    if flag(&HE_OPERATION[4]) {
        let info = packet_field(data, rest, &VHT_OPERATION_INFO, &[0, 36, 0])?;
        fields.push(sub_packet("vht_operation_info", info));
    }
    if flag(&HE_OPERATION[3]) {
        fields.extend(rest.prefix(data, &[Spec::new("max_co_hosted_bssid", 0, 1, Format::Int)])?);
    }
    if flag(&HE_OPERATION[1]) {
        let info = packet_field(data, rest, &HE_6G_OPERATION_INFO, &[0; 8])?;
        fields.push(sub_packet("he_6g_operation_info", info));
    }
    Some(fields)
}

const EHT_OPERATION: [Spec; 7] = [
    Spec::bits("reserved", 0, 1, 0xc0, Format::Int),
    Spec::bits(
        "group_addressed_bu_indication_exponent",
        0,
        1,
        0x30,
        Format::Int,
    ),
    Spec::bits(
        "group_addressed_bu_indication_limit",
        0,
        1,
        0x08,
        Format::Int,
    ),
    Spec::bits("eht_default_pe_duration", 0, 1, 0x04, Format::Int),
    Spec::bits(
        "disabled_subchannel_bitmap_present",
        0,
        1,
        0x02,
        Format::Int,
    ),
    Spec::bits("eht_operation_information_present", 0, 1, 0x01, Format::Int),
    Spec::new("basic_eht_mcs_and_nss_set", 1, 4, Format::LeInt),
];

fn eht_operation(data: &[u8], rest: &mut Rest) -> Option<Vec<Field>> {
    let mut fields = extension_head(data, rest, true)?;
    let length = data[rest.at - 2];
    let parameters = data.get(rest.at).copied();
    fields.extend(rest.prefix(data, &EHT_OPERATION)?);
    let parameters = parameters.unwrap_or(0);
    let information = parameters & 0x01 != 0;
    if information && length >= 9 {
        let info = packet_field(data, rest, &EHT_OPERATION_INFO, &[0; 4])?;
        fields.push(sub_packet("eht_operation_info", info));
    }
    if information && parameters & 0x02 != 0 && length >= 11 {
        let bitmap = Spec::new("disabled_subchannel_bitmap", 0, 2, Format::LeInt);
        fields.extend(rest.prefix(data, &[bitmap])?);
    }
    Some(fields)
}

const COUNTRY_HEAD: [Spec; 3] = [
    ELEMENT_HEAD[0],
    ELEMENT_HEAD[1],
    Spec::new("country_string", 2, 3, Format::Bytes),
];
const TRIPLET: SubPacket = SubPacket {
    name: "802.11 Country Constraint Triplet",
    specs: &[
        Spec::new("first_channel_number", 0, 1, Format::Int),
        Spec::new("num_channels", 1, 1, Format::Int),
        Spec::new("mtp", 2, 1, Format::Int),
    ],
};

/// The country element: its string, the constraint triplets its length leaves room
/// for, and a pad byte when the length is not a multiple of 3 (Scapy's MayEnd: not
/// read once the packet has ended).
fn country(data: &[u8], rest: &mut Rest) -> Option<Vec<Field>> {
    let at = rest.at;
    let mut fields = rest.prefix(data, &COUNTRY_HEAD)?;
    let length = i64::from(data[at + 1]);
    let region = rest.slice(length - 3 - length % 3);
    let triplets = super::field::packet_list(data, region.clone(), |rest| {
        let at = rest.at;
        let fields = rest.prefix(data, TRIPLET.specs)?;
        Some(Group::new(TRIPLET.name, at..rest.at, fields))
    })?;
    fields.push(field("descriptors", region, Value::Packets(triplets)));
    if length % 3 != 0 {
        if rest.at == rest.end {
            // Dissection stopped; `show()` still lists the pad, at its default.
            fields.push(field("pad", rest.at..rest.at, Value::Int(0)));
        } else {
            fields.extend(rest.prefix(data, &[Spec::new("pad", 0, 1, Format::Int)])?);
        }
    }
    Some(fields)
}
