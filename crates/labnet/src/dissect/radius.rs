//! RADIUS as Scapy reads it (UDP ports 1812, 1813 and 3799, either end): the header,
//! then its attributes as sub-packets, each in Scapy's class for its type (strings,
//! hex strings, numbers, enumerated values, IPv4 addresses, the message
//! authenticator, EAP-Message with the EAP message inside, Vendor-Specific with
//! Microsoft's MS-CHAP values), read by their fields: a number is 4 bytes whatever the
//! attribute's `len`, lengths are Python slices of the rest (`field::Rest`). An
//! EAP-Message that does not hold a whole EAP message is joined with the EAP-Message
//! attributes after it, as Scapy's `post_dissect` joins them; its fields then point
//! at the bytes of each piece. Bytes past the header's `len` are Raw.

use std::ops::Range;

use super::field::{field, hex, packet_list, Field, Format, Group, Rest, Spec, Value};
use super::{be16, Kind, Walk};

const HEADER: [Spec; 4] = [
    Spec::new("code", 0, 1, Format::Enum(packet_code)),
    Spec::new("id", 1, 1, Format::Int),
    Spec::new("len", 2, 2, Format::Int),
    Spec::new("authenticator", 4, 16, Format::HexBytes),
];
const HEADER_LENGTH: usize = 20;
const ACCESS_REQUEST: u8 = 1;

const ATTRIBUTE_HEAD: [Spec; 2] = [
    Spec::new("type", 0, 1, Format::Enum(attribute_type)),
    Spec::new("len", 1, 1, Format::Int),
];
const VENDOR_HEAD: [Spec; 5] = [
    ATTRIBUTE_HEAD[0],
    ATTRIBUTE_HEAD[1],
    Spec::new("vendor_id", 2, 4, Format::Enum(vendor)),
    Spec::new("vendor_type", 6, 1, Format::Int),
    Spec::new("vendor_len", 7, 1, Format::Int),
];
const MICROSOFT: u64 = 311;
const USER_NAME: u8 = 1;
const EAP_MESSAGE: u8 = 79;
const VENDOR_SPECIFIC: u8 = 26;

fn vendor(number: u64) -> Option<&'static str> {
    (number == MICROSOFT).then_some("Microsoft")
}

/// How Scapy's class for an attribute type reads its value.
#[derive(Clone, Copy)]
enum Layout {
    /// `RadiusAttribute`: a string of `len - 2` bytes.
    Generic,
    String,
    HexString,
    Integer,
    Enumerated,
    Address,
    MessageAuthenticator,
    EapMessage,
    VendorSpecific,
}

/// RADIUS at `at`, its datagram ending at `end`.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    match header(walk.data, at, end) {
        Some((_, header_end)) => {
            walk.push(Kind::Radius { end }, at..header_end);
            walk.raw(header_end, end);
        }
        None => walk.raw(at, end),
    }
}

/// The header and its attributes, and where the attributes end; `None` where Scapy
/// gives the layer up (a header cut short, more attributes than its list limit).
fn header(data: &[u8], at: usize, end: usize) -> Option<(Vec<Field>, usize)> {
    let mut rest = Rest { at, end };
    let mut fields = rest.prefix(data, &HEADER)?;
    let length = i64::from(be16(data, at + 2));
    let region = rest.slice(length - HEADER_LENGTH as i64);
    let attributes = attributes(data, region.clone())?;
    fields.push(field("attributes", region, Value::Packets(attributes)));
    Some((fields, rest.at))
}

pub(super) fn fields(data: &[u8], at: usize, end: usize) -> Vec<Field> {
    header(data, at, end).map_or_else(Vec::new, |(fields, _)| fields)
}

fn attributes(data: &[u8], region: Range<usize>) -> Option<Vec<Group>> {
    packet_list(data, region, |rest| attribute(data, rest))
}

/// One attribute in Scapy's class for its type; `None` where the class raises.
fn attribute(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    let attribute = data[at];
    let (layout, name) = attribute_class(attribute);
    let head: &[Spec] = match layout {
        Layout::VendorSpecific => &VENDOR_HEAD,
        _ => &ATTRIBUTE_HEAD,
    };
    let mut fields = rest.prefix(data, head)?;
    let length = i64::from(data[at + 1]);
    let number = |range: Range<usize>| data[range].iter().fold(0u64, |n, &b| n << 8 | u64::from(b));
    let value = |range: Range<usize>, value: Value| field("value", range, value);
    match layout {
        Layout::Generic | Layout::String => {
            let range = rest.slice(length - 2);
            fields.push(value(range.clone(), Value::Bytes(data[range].to_vec())));
        }
        Layout::HexString => {
            let range = rest.slice(if length == 0 { 0 } else { length - 2 });
            fields.push(value(range.clone(), Value::Text(hex(&data[range]))));
        }
        Layout::MessageAuthenticator => {
            let range = rest.slice(16);
            fields.push(value(range.clone(), Value::Text(hex(&data[range]))));
        }
        Layout::Integer => {
            let range = rest.take(4)?;
            fields.push(value(range.clone(), Value::Int(number(range))));
        }
        Layout::Enumerated => {
            let range = rest.take(4)?;
            let n = number(range.clone());
            fields.push(value(range, Value::named(n, attribute_value(attribute, n))));
        }
        Layout::Address => {
            let range = rest.take(4)?;
            let address = super::ipv4_address(data, range.start);
            fields.push(value(range, Value::Ipv4(address)));
        }
        Layout::EapMessage => fields.push(eap_message(data, rest, length)?),
        Layout::VendorSpecific => {
            let (vendor, vendor_type) = (number(at + 2..at + 6), data[at + 6]);
            if vendor == MICROSOFT {
                let name = microsoft_vendor_type(u64::from(vendor_type));
                fields[3].value = Value::named(u64::from(vendor_type), name);
            }
            let length = i64::from(data[at + 7]) - 2;
            let range = rest.slice(length);
            fields.push(match vendor_class(vendor, vendor_type) {
                // Scapy's PacketLenField reads nothing for a length of 0.
                Some(_) if length == 0 => value(range, Value::None),
                Some(class) => value(
                    range.clone(),
                    Value::Packets(vendor_value(data, class, range)),
                ),
                None => value(range.clone(), Value::Bytes(data[range].to_vec())),
            });
        }
    }
    Some(Group::new(name, at..rest.at, fields))
}

/// An EAP-Message's value: the EAP message in it when it holds one whole (its `len`
/// below 254), else (Scapy's `post_dissect`) the pieces of it in the EAP-Message
/// attributes that follow, joined until one shorter than 254 bytes; `None` where
/// Scapy gives the attribute up.
fn eap_message(data: &[u8], rest: &mut Rest, length: i64) -> Option<Field> {
    let range = rest.slice(length - 2);
    // Scapy's PacketLenField reads nothing for a length of 0.
    if range.is_empty() && length == 2 {
        return Some(field("value", range, Value::None));
    }
    // Scapy reads the EAP message when its `len` is below 254 and keeps Raw when it
    // cannot (fewer than 4 bytes, a message its class cannot read).
    if range.len() >= 4 && be16(data, range.start + 2) < 254 {
        let groups = super::eap::groups(data, range.clone());
        if groups[0].name != "Raw" {
            return Some(field("value", range, Value::Packets(groups)));
        }
    }
    let raw = || {
        let groups = vec![Group::raw(data, range.clone())];
        Some(field("value", range.clone(), Value::Packets(groups)))
    };
    // The pieces: this value, then each following EAP-Message's value, to the first
    // attribute shorter than 254 bytes.
    let mut pieces = vec![range.clone()];
    let mut next = rest.at;
    loop {
        if next >= rest.end || data[next] != EAP_MESSAGE {
            return raw();
        }
        // A lone type byte: Scapy's read of the length raises.
        let piece_length = usize::from(*data[..rest.end].get(next + 1)?);
        if piece_length == 0 {
            return raw();
        }
        let piece_end = (next + piece_length).min(rest.end);
        pieces.push((next + 2).min(piece_end)..piece_end);
        next = piece_end;
        if piece_length < 254 {
            break;
        }
    }
    let joined: Vec<u8> = pieces
        .iter()
        .flat_map(|p| data[p.clone()].iter().copied())
        .collect();
    let groups = super::eap::groups(&joined, 0..joined.len());
    if matches!(groups.first(), Some(g) if g.name == "Raw") {
        // Scapy's EAP() raises on what it cannot read: the attribute gives up.
        return None;
    }
    rest.at = next;
    let whole = range.start..next;
    let groups = groups
        .into_iter()
        .map(|group| relocate(group, &pieces))
        .collect();
    Some(field("value", whole, Value::Packets(groups)))
}

/// A group read from joined pieces, its ranges moved back into the packet.
fn relocate(mut group: Group, pieces: &[Range<usize>]) -> Group {
    group.range = locate(&group.range, pieces);
    for field in &mut group.fields {
        field.range = locate(&field.range, pieces);
    }
    group
}

/// Where bytes `range` of the joined pieces lie in the packet: from the first byte's
/// place to just past the last byte's.
fn locate(range: &Range<usize>, pieces: &[Range<usize>]) -> Range<usize> {
    let place = |offset: usize| {
        let mut skipped = 0;
        for piece in pieces {
            if offset < skipped + piece.len() {
                return piece.start + (offset - skipped);
            }
            skipped += piece.len();
        }
        pieces.last().map_or(0, |p| p.end)
    };
    if range.is_empty() {
        let at = place(range.start);
        return at..at;
    }
    place(range.start)..place(range.end - 1) + 1
}

/// Scapy's class for a vendor's value, where it registers one (Microsoft's
/// MS-CHAP values): its name and fixed fields, and whether a StrField takes the rest.
type VendorClass = (&'static str, &'static [Spec], bool);

fn vendor_class(vendor: u64, vendor_type: u8) -> Option<VendorClass> {
    const RESPONSE: [Spec; 5] = [
        Spec::new("Ident", 0, 1, Format::Int),
        Spec::new("Flags", 1, 1, Format::Int),
        Spec::new("PeerChallenge", 2, 16, Format::HexBytes),
        Spec::new("Reserved", 18, 8, Format::HexBytes),
        Spec::new("Response", 26, 24, Format::HexBytes),
    ];
    const SUCCESS: [Spec; 2] = [
        Spec::new("Ident", 0, 1, Format::Int),
        Spec::new("String", 1, 42, Format::Bytes),
    ];
    const IDENT: [Spec; 1] = [Spec::new("Ident", 0, 1, Format::Int)];
    if vendor != MICROSOFT {
        return None;
    }
    Some(match vendor_type {
        25 => ("MS_CHAP2_Response", &RESPONSE, false),
        26 => ("MS_CHAP2_Success", &SUCCESS, false),
        2 => ("MS_CHAP_Error", &IDENT, true),
        10 => ("MS_CHAP_Domain", &IDENT, true),
        _ => return None,
    })
}

/// A registered vendor value as Scapy's PacketLenField reads it: the value's class
/// and Raw after its fields, or Raw where the class raises. No bytes at all make the
/// class's default values (Scapy builds the packet without dissecting anything).
fn vendor_value(
    data: &[u8],
    (name, specs, string): VendorClass,
    range: Range<usize>,
) -> Vec<Group> {
    if range.is_empty() {
        let at = range.start;
        let mut fields: Vec<Field> = specs
            .iter()
            .map(|spec| {
                let value = match spec.format {
                    Format::Bytes => Value::Bytes(Vec::new()),
                    Format::HexBytes => Value::Text(String::new()),
                    _ => Value::Int(0),
                };
                field(spec.name, at..at, value)
            })
            .collect();
        if string {
            fields.push(field("String", at..at, Value::Bytes(Vec::new())));
        }
        return vec![Group::new(name, range, fields)];
    }
    let mut rest = Rest {
        at: range.start,
        end: range.end,
    };
    let Some(mut fields) = rest.prefix(data, specs) else {
        return vec![Group::raw(data, range)];
    };
    if string {
        let tail = rest.at..range.end;
        rest.at = range.end;
        fields.push(field(
            "String",
            tail.clone(),
            Value::Bytes(data[tail].to_vec()),
        ));
    }
    let mut groups = vec![Group::new(name, range.start..rest.at, fields)];
    if rest.at < range.end {
        let mut raw = Group::raw(data, rest.at..range.end);
        raw.depth = 1;
        groups.push(raw);
    }
    groups
}

/// Scapy's summary: `RADIUS Access-Request (User:'midwood' PAP)`; an access request
/// names its user and its authentication by the attributes it carries.
pub fn summary(data: &[u8], at: usize, end: usize) -> String {
    let code = data[at];
    let mut text = format!(
        "RADIUS {}",
        packet_code(u64::from(code)).map_or_else(|| code.to_string(), str::to_string)
    );
    if code != ACCESS_REQUEST {
        return text;
    }
    let fields = fields(data, at, end);
    let attributes = match fields.last().map(|f| &f.value) {
        Some(Value::Packets(groups)) => groups.as_slice(),
        _ => &[],
    };
    let number = |group: &Group, name: &str| {
        group
            .fields
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value.number())
    };
    let has = |attribute: u64| {
        attributes
            .iter()
            .any(|g| g.name != "Raw" && number(g, "type") == Some(attribute))
    };
    let has_microsoft = |vendor_type: u64| {
        attributes.iter().any(|g| {
            number(g, "type") == Some(u64::from(VENDOR_SPECIFIC))
                && number(g, "vendor_id") == Some(MICROSOFT)
                && number(g, "vendor_type") == Some(vendor_type)
        })
    };
    let mut extra = String::new();
    // The last User-Name counts, as in Scapy's dictionary of attributes.
    let user = attributes
        .iter()
        .rev()
        .find(|g| number(g, "type") == Some(u64::from(USER_NAME)));
    if let Some(Value::Bytes(name)) = user.and_then(|g| g.fields.last()).map(|f| &f.value) {
        extra.push_str(&format!("User:'{}' ", decode_ignoring_errors(name)));
    }
    if has(2) {
        extra.push_str("PAP");
    } else if has(3) {
        extra.push_str("CHAP");
    } else if has(u64::from(EAP_MESSAGE)) {
        extra.push_str("EAP");
    } else if has_microsoft(1) {
        extra.push_str("MS-CHAP");
    } else if has_microsoft(25) {
        extra.push_str("MS-CHAP2");
    }
    let extra = extra.trim();
    if !extra.is_empty() {
        text.push_str(&format!(" ({extra})"));
    }
    text
}

/// Python's `bytes.decode(errors="ignore")`: UTF-8, invalid bytes left out.
fn decode_ignoring_errors(bytes: &[u8]) -> String {
    bytes.utf8_chunks().map(|chunk| chunk.valid()).collect()
}

/// Scapy's class for each attribute type it registers: its layout and display name.
fn attribute_class(number: u8) -> (Layout, &'static str) {
    match number {
        1 => (Layout::String, "User-Name"),
        2 => (Layout::HexString, "User-Password"),
        4 => (Layout::Address, "NAS-IP-Address"),
        5 => (Layout::Integer, "NAS-Port"),
        6 => (Layout::Enumerated, "Service-Type"),
        7 => (Layout::Enumerated, "Framed-Protocol"),
        8 => (Layout::Address, "Framed-IP-Address"),
        9 => (Layout::Address, "Framed-IP-Netmask"),
        12 => (Layout::Integer, "Framed-MTU"),
        14 => (Layout::Address, "Login-IP-Host"),
        16 => (Layout::Integer, "Login-TCP-Port"),
        23 => (Layout::Address, "Framed-IPX-Network"),
        24 => (Layout::HexString, "State"),
        26 => (Layout::VendorSpecific, "Vendor-Specific"),
        27 => (Layout::Integer, "Session-Timeout"),
        28 => (Layout::Integer, "Idle-Timeout"),
        37 => (Layout::Integer, "Framed-AppleTalk-Link"),
        38 => (Layout::Integer, "Framed-AppleTalk-Network"),
        40 => (Layout::Enumerated, "Acct-Status-Type"),
        41 => (Layout::Integer, "Acct-Delay-Time"),
        42 => (Layout::Integer, "Acct-Input-Octets"),
        43 => (Layout::Integer, "Acct-Output-Octets"),
        45 => (Layout::Enumerated, "Acct-Authentic"),
        46 => (Layout::Integer, "Acct-Session-Time"),
        47 => (Layout::Integer, "Acct-Input-Packets"),
        48 => (Layout::Integer, "Acct-Output-Packets"),
        49 => (Layout::Enumerated, "Acct-Terminate-Cause"),
        51 => (Layout::Integer, "Acct-Link-Count"),
        52 => (Layout::Integer, "Acct-Input-Gigawords"),
        53 => (Layout::Integer, "Acct-Output-Gigawords"),
        55 => (Layout::Integer, "Event-Timestamp"),
        56 => (Layout::Integer, "Egress-VLANID"),
        61 => (Layout::Enumerated, "NAS-Port-Type"),
        62 => (Layout::Integer, "Port-Limit"),
        73 => (Layout::Integer, "ARAP-Security"),
        75 => (Layout::Integer, "Password-Retry"),
        79 => (Layout::EapMessage, "EAP-Message"),
        80 => (Layout::MessageAuthenticator, "Message-Authenticator"),
        83 => (Layout::Integer, "Tunnel-Preference"),
        85 => (Layout::Integer, "Acct-Interim-Interval"),
        86 => (Layout::Integer, "Acct-Tunnel-Packets-Lost"),
        136 => (Layout::Integer, "Management-Privilege-Level"),
        149 => (Layout::Address, "PMIP6-Home-LMA-IPv4-Address"),
        150 => (Layout::Address, "PMIP6-Visited-LMA-IPv4-Address"),
        157 => (Layout::Address, "PMIP6-Home-DHCP4-Server-Address"),
        158 => (Layout::Address, "PMIP6-Visited-DHCP4-Server-Address"),
        161 => (Layout::Address, "PMIP6-Home-IPv4-Gateway"),
        162 => (Layout::Address, "PMIP6-Visited-IPv4-Gateway"),
        177 => (Layout::Integer, "Mobility-Domain-Id"),
        178 => (Layout::Integer, "Preauth-Timeout"),
        182 => (Layout::Integer, "WLAN-Venue-Info"),
        185 => (Layout::Integer, "WLAN-Reason-Code"),
        186 => (Layout::Integer, "WLAN-Pairwise-Cipher"),
        187 => (Layout::Integer, "WLAN-Group-Cipher"),
        188 => (Layout::Integer, "WLAN-AKM-Suite"),
        189 => (Layout::Integer, "WLAN-Group-Mgmt-Cipher"),
        190 => (Layout::Integer, "WLAN-RF-Band"),
        _ => (Layout::Generic, "Radius Attribute"),
    }
}

/// RADIUS attribute types, as Scapy names them.
fn attribute_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "User-Name",
        2 => "User-Password",
        3 => "CHAP-Password",
        4 => "NAS-IP-Address",
        5 => "NAS-Port",
        6 => "Service-Type",
        7 => "Framed-Protocol",
        8 => "Framed-IP-Address",
        9 => "Framed-IP-Netmask",
        10 => "Framed-Routing",
        11 => "Filter-Id",
        12 => "Framed-MTU",
        13 => "Framed-Compression",
        14 => "Login-IP-Host",
        15 => "Login-Service",
        16 => "Login-TCP-Port",
        17 => "Unassigned",
        18 => "Reply-Message",
        19 => "Callback-Number",
        20 => "Callback-Id",
        21 => "Unassigned",
        22 => "Framed-Route",
        23 => "Framed-IPX-Network",
        24 => "State",
        25 => "Class",
        26 => "Vendor-Specific",
        27 => "Session-Timeout",
        28 => "Idle-Timeout",
        29 => "Termination-Action",
        30 => "Called-Station-Id",
        31 => "Calling-Station-Id",
        32 => "NAS-Identifier",
        33 => "Proxy-State",
        34 => "Login-LAT-Service",
        35 => "Login-LAT-Node",
        36 => "Login-LAT-Group",
        37 => "Framed-AppleTalk-Link",
        38 => "Framed-AppleTalk-Network",
        39 => "Framed-AppleTalk-Zone",
        40 => "Acct-Status-Type",
        41 => "Acct-Delay-Time",
        42 => "Acct-Input-Octets",
        43 => "Acct-Output-Octets",
        44 => "Acct-Session-Id",
        45 => "Acct-Authentic",
        46 => "Acct-Session-Time",
        47 => "Acct-Input-Packets",
        48 => "Acct-Output-Packets",
        49 => "Acct-Terminate-Cause",
        50 => "Acct-Multi-Session-Id",
        51 => "Acct-Link-Count",
        52 => "Acct-Input-Gigawords",
        53 => "Acct-Output-Gigawords",
        54 => "Unassigned",
        55 => "Event-Timestamp",
        56 => "Egress-VLANID",
        57 => "Ingress-Filters",
        58 => "Egress-VLAN-Name",
        59 => "User-Priority-Table",
        60 => "CHAP-Challenge",
        61 => "NAS-Port-Type",
        62 => "Port-Limit",
        63 => "Login-LAT-Port",
        64 => "Tunnel-Type",
        65 => "Tunnel-Medium-Type",
        66 => "Tunnel-Client-Endpoint",
        67 => "Tunnel-Server-Endpoint",
        68 => "Acct-Tunnel-Connection",
        69 => "Tunnel-Password",
        70 => "ARAP-Password",
        71 => "ARAP-Features",
        72 => "ARAP-Zone-Access",
        73 => "ARAP-Security",
        74 => "ARAP-Security-Data",
        75 => "Password-Retry",
        76 => "Prompt",
        77 => "Connect-Info",
        78 => "Configuration-Token",
        79 => "EAP-Message",
        80 => "Message-Authenticator",
        81 => "Tunnel-Private-Group-ID",
        82 => "Tunnel-Assignment-ID",
        83 => "Tunnel-Preference",
        84 => "ARAP-Challenge-Response",
        85 => "Acct-Interim-Interval",
        86 => "Acct-Tunnel-Packets-Lost",
        87 => "NAS-Port-Id",
        88 => "Framed-Pool",
        89 => "CUI",
        90 => "Tunnel-Client-Auth-ID",
        91 => "Tunnel-Server-Auth-ID",
        92 => "NAS-Filter-Rule",
        93 => "Unassigned",
        94 => "Originating-Line-Info",
        95 => "NAS-IPv6-Address",
        96 => "Framed-Interface-Id",
        97 => "Framed-IPv6-Prefix",
        98 => "Login-IPv6-Host",
        99 => "Framed-IPv6-Route",
        100 => "Framed-IPv6-Pool",
        101 => "Error-Cause",
        102 => "EAP-Key-Name",
        103 => "Digest-Response",
        104 => "Digest-Realm",
        105 => "Digest-Nonce",
        106 => "Digest-Response-Auth",
        107 => "Digest-Nextnonce",
        108 => "Digest-Method",
        109 => "Digest-URI",
        110 => "Digest-Qop",
        111 => "Digest-Algorithm",
        112 => "Digest-Entity-Body-Hash",
        113 => "Digest-CNonce",
        114 => "Digest-Nonce-Count",
        115 => "Digest-Username",
        116 => "Digest-Opaque",
        117 => "Digest-Auth-Param",
        118 => "Digest-AKA-Auts",
        119 => "Digest-Domain",
        120 => "Digest-Stale",
        121 => "Digest-HA1",
        122 => "SIP-AOR",
        123 => "Delegated-IPv6-Prefix",
        124 => "MIP6-Feature-Vector",
        125 => "MIP6-Home-Link-Prefix",
        126 => "Operator-Name",
        127 => "Location-Information",
        128 => "Location-Data",
        129 => "Basic-Location-Policy-Rules",
        130 => "Extended-Location-Policy-Rules",
        131 => "Location-Capable",
        132 => "Requested-Location-Info",
        133 => "Framed-Management-Protocol",
        134 => "Management-Transport-Protection",
        135 => "Management-Policy-Id",
        136 => "Management-Privilege-Level",
        137 => "PKM-SS-Cert",
        138 => "PKM-CA-Cert",
        139 => "PKM-Config-Settings",
        140 => "PKM-Cryptosuite-List",
        141 => "PKM-SAID",
        142 => "PKM-SA-Descriptor",
        143 => "PKM-Auth-Key",
        144 => "DS-Lite-Tunnel-Name",
        145 => "Mobile-Node-Identifier",
        146 => "Service-Selection",
        147 => "PMIP6-Home-LMA-IPv6-Address",
        148 => "PMIP6-Visited-LMA-IPv6-Address",
        149 => "PMIP6-Home-LMA-IPv4-Address",
        150 => "PMIP6-Visited-LMA-IPv4-Address",
        151 => "PMIP6-Home-HN-Prefix",
        152 => "PMIP6-Visited-HN-Prefix",
        153 => "PMIP6-Home-Interface-ID",
        154 => "PMIP6-Visited-Interface-ID",
        155 => "PMIP6-Home-IPv4-HoA",
        156 => "PMIP6-Visited-IPv4-HoA",
        157 => "PMIP6-Home-DHCP4-Server-Address",
        158 => "PMIP6-Visited-DHCP4-Server-Address",
        159 => "PMIP6-Home-DHCP6-Server-Address",
        160 => "PMIP6-Visited-DHCP6-Server-Address",
        161 => "PMIP6-Home-IPv4-Gateway",
        162 => "PMIP6-Visited-IPv4-Gateway",
        163 => "EAP-Lower-Layer",
        164 => "GSS-Acceptor-Service-Name",
        165 => "GSS-Acceptor-Host-Name",
        166 => "GSS-Acceptor-Service-Specifics",
        167 => "GSS-Acceptor-Realm-Name",
        168 => "Framed-IPv6-Address",
        169 => "DNS-Server-IPv6-Address",
        170 => "Route-IPv6-Information",
        171 => "Delegated-IPv6-Prefix-Pool",
        172 => "Stateful-IPv6-Address-Pool",
        173 => "IPv6-6rd-Configuration",
        174 => "Allowed-Called-Station-Id",
        175 => "EAP-Peer-Id",
        176 => "EAP-Server-Id",
        177 => "Mobility-Domain-Id",
        178 => "Preauth-Timeout",
        179 => "Network-Id-Name",
        180 => "EAPoL-Announcement",
        181 => "WLAN-HESSID",
        182 => "WLAN-Venue-Info",
        183 => "WLAN-Venue-Language",
        184 => "WLAN-Venue-Name",
        185 => "WLAN-Reason-Code",
        186 => "WLAN-Pairwise-Cipher",
        187 => "WLAN-Group-Cipher",
        188 => "WLAN-AKM-Suite",
        189 => "WLAN-Group-Mgmt-Cipher",
        190 => "WLAN-RF-Band",
        191 => "Unassigned",
        _ => return None,
    })
}

/// RADIUS packet codes.
fn packet_code(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Access-Request",
        2 => "Access-Accept",
        3 => "Access-Reject",
        4 => "Accounting-Request",
        5 => "Accounting-Response",
        6 => "Accounting-Status (now Interim Accounting)",
        7 => "Password-Request",
        8 => "Password-Ack",
        9 => "Password-Reject",
        10 => "Accounting-Message",
        11 => "Access-Challenge",
        12 => "Status-Server (experimental)",
        13 => "Status-Client (experimental)",
        21 => "Resource-Free-Request",
        22 => "Resource-Free-Response",
        23 => "Resource-Query-Request",
        24 => "Resource-Query-Response",
        25 => "Alternate-Resource-Reclaim-Request",
        26 => "NAS-Reboot-Request",
        27 => "NAS-Reboot-Response",
        28 => "Reserved",
        29 => "Next-Passcode",
        30 => "New-Pin",
        31 => "Terminate-Session",
        32 => "Password-Expired",
        33 => "Event-Request",
        34 => "Event-Response",
        40 => "Disconnect-Request",
        41 => "Disconnect-ACK",
        42 => "Disconnect-NAK",
        43 => "CoA-Request",
        44 => "CoA-ACK",
        45 => "CoA-NAK",
        50 => "IP-Address-Allocate",
        51 => "IP-Address-Release",
        52 => "Protocol-Error",
        250 => "Experimental Use",
        251 => "Experimental Use",
        252 => "Experimental Use",
        253 => "Experimental Use",
        254 => "Reserved",
        255 => "Reserved",
        _ => return None,
    })
}

/// Microsoft's vendor-specific attribute types (RFC 2548).
fn microsoft_vendor_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "MS-CHAP-Response",
        2 => "MS-CHAP-Error",
        3 => "MS-CHAP-CPW-1",
        4 => "MS-CHAP-CPW-2",
        5 => "MS-CHAP-LM-Enc-PW",
        6 => "MS-CHAP-NT-Enc-PW",
        7 => "MS-MPPE-Encryption-Policy",
        8 => "MS-MPPE-Encryption-Type",
        9 => "MS-RAS-Vendor",
        10 => "MS-CHAP-Domain",
        11 => "MS-CHAP-Challenge",
        12 => "MS-CHAP-MPPE-Keys",
        13 => "MS-BAP-Usage",
        14 => "MS-Link-Utilization-Threshold",
        15 => "MS-Link-Drop-Time-Limit",
        16 => "MS-MPPE-Send-Key",
        17 => "MS-MPPE-Recv-Key",
        18 => "MS-RAS-Version",
        19 => "MS-Old-ARAP-Password",
        20 => "MS-New-ARAP-Password",
        21 => "MS-ARAP-PW-Change-Reason",
        22 => "MS-Filter",
        23 => "MS-Acct-Auth-Type",
        24 => "MS-Acct-EAP-Type",
        25 => "MS-CHAP2-Response",
        26 => "MS-CHAP2-Success",
        27 => "MS-CHAP2-CPW",
        28 => "MS-Primary-DNS-Server",
        29 => "MS-Secondary-DNS-Server",
        30 => "MS-Primary-NBNS-Server",
        31 => "MS-Secondary-NBNS-Server",
        33 => "MS-ARAP-Challenge",
        _ => return None,
    })
}

/// The values Scapy names for its enumerated attributes, by attribute type.
fn attribute_value(attribute: u8, number: u64) -> Option<&'static str> {
    Some(match (attribute, number) {
        (6, 1) => "Login",
        (6, 2) => "Framed",
        (6, 3) => "Callback Login",
        (6, 4) => "Callback Framed",
        (6, 5) => "Outbound",
        (6, 6) => "Administrative",
        (6, 7) => "NAS Prompt",
        (6, 8) => "Authenticate Only",
        (6, 9) => "Callback NAS Prompt",
        (6, 10) => "Call Check",
        (6, 11) => "Callback Administrative",
        (6, 12) => "Voice",
        (6, 13) => "Fax",
        (6, 14) => "Modem Relay",
        (6, 15) => "IAPP-Register",
        (6, 16) => "IAPP-AP-Check",
        (6, 17) => "Authorize Only",
        (6, 18) => "Framed-Management",
        (6, 19) => "Additional-Authorization",
        (7, 1) => "PPP",
        (7, 2) => "SLIP",
        (7, 3) => "AppleTalk Remote Access Protocol (ARAP)",
        (7, 4) => "Gandalf proprietary SingleLink/MultiLink protocol",
        (7, 5) => "Xylogics proprietary IPX/SLIP",
        (7, 6) => "X.75 Synchronous",
        (7, 7) => "GPRS PDP Context",
        (40, 1) => "Start",
        (40, 2) => "Stop",
        (40, 3) => "Interim-Update",
        (40, 4) => "Unassigned",
        (40, 5) => "Unassigned",
        (40, 6) => "Unassigned",
        (40, 7) => "Accounting-On",
        (40, 8) => "Accounting-Off",
        (40, 9) => "Tunnel-Start",
        (40, 10) => "Tunnel-Stop",
        (40, 11) => "Tunnel-Reject",
        (40, 12) => "Tunnel-Link-Start",
        (40, 13) => "Tunnel-Link-Stop",
        (40, 14) => "Tunnel-Link-Reject",
        (40, 15) => "Failed",
        (45, 1) => "RADIUS",
        (45, 2) => "Local",
        (45, 3) => "Remote",
        (45, 4) => "Diameter",
        (49, 1) => "User Request",
        (49, 2) => "Lost Carrier",
        (49, 3) => "Lost Service",
        (49, 4) => "Idle Timeout",
        (49, 5) => "Session Timeout",
        (49, 6) => "Admin Reset",
        (49, 7) => "Admin Reboot",
        (49, 8) => "Port Error",
        (49, 9) => "NAS Error",
        (49, 10) => "NAS Request",
        (49, 11) => "NAS Reboot",
        (49, 12) => "Port Unneeded",
        (49, 13) => "Port Preempted",
        (49, 14) => "Port Suspended",
        (49, 15) => "Service Unavailable",
        (49, 16) => "Callback",
        (49, 17) => "User Error",
        (49, 18) => "Host Request",
        (49, 19) => "Supplicant Restart",
        (49, 20) => "Reauthentication Failure",
        (49, 21) => "Port Reinitialized",
        (49, 22) => "Port Administratively Disabled",
        (49, 23) => "Lost Power",
        (61, 0) => "Async",
        (61, 1) => "Sync",
        (61, 2) => "ISDN Sync",
        (61, 3) => "ISDN Async V.120",
        (61, 4) => "ISDN Async V.110",
        (61, 5) => "Virtual",
        (61, 6) => "PIAFS",
        (61, 7) => "HDLC Clear Channel",
        (61, 8) => "X.25",
        (61, 9) => "X.75",
        (61, 10) => "G.3 Fax",
        (61, 11) => "SDSL - Symmetric DSL",
        (61, 12) => "ADSL-CAP - Asymmetric DSL, Carrierless Amplitude Phase Modulation",
        (61, 13) => "ADSL-DMT - Asymmetric DSL, Discrete Multi-Tone",
        (61, 14) => "IDSL - ISDN Digital Subscriber Line",
        (61, 15) => "Ethernet",
        (61, 16) => "xDSL - Digital Subscriber Line of unknown type",
        (61, 17) => "Cable",
        (61, 18) => "Wireles - Other",
        (61, 19) => "Wireless - IEEE 802.11",
        (61, 20) => "Token-Ring",
        (61, 21) => "FDDI",
        (61, 22) => "Wireless - CDMA2000",
        (61, 23) => "Wireless - UMTS",
        (61, 24) => "Wireless - 1X-EV",
        (61, 25) => "IAPP",
        (61, 26) => "FTTP - Fiber to the Premises",
        (61, 27) => "Wireless - IEEE 802.16",
        (61, 28) => "Wireless - IEEE 802.20",
        (61, 29) => "Wireless - IEEE 802.22",
        (61, 30) => "PPPoA - PPP over ATM",
        (61, 31) => "PPPoEoA - PPP over Ethernet over ATM",
        (61, 32) => "PPPoEoE - PPP over Ethernet over Ethernet",
        (61, 33) => "PPPoEoVLAN - PPP over Ethernet over VLAN",
        (61, 34) => "PPPoEoQinQ - PPP over Ethernet over IEEE 802.1QinQ",
        (61, 35) => "xPON - Passive Optical Network",
        (61, 36) => "Wireless - XGP",
        (61, 37) => "WiMAX Pre-Release 8 IWK Function",
        (61, 38) => "WIMAX-WIFI-IWK: WiMAX WIFI Interworking",
        (61, 39) => "WIMAX-SFF: Signaling Forwarding Function for LTE/3GPP2",
        (61, 40) => "WIMAX-HA-LMA: WiMAX HA and or LMA function",
        (61, 41) => "WIMAX-DHCP: WIMAX DHCP service",
        (61, 42) => "WIMAX-LBS: WiMAX location based service",
        (61, 43) => "WIMAX-WVS: WiMAX voice service",
        _ => return None,
    })
}
