//! 802.1X and EAP as Scapy reads them: EAPOL (EtherType 0x888e after Ethernet, VLAN
//! tags, cooked headers, SNAP and GRE), EAP in Scapy's class for its method (MD5,
//! TLS, TTLS, PEAP, FAST, Cisco LEAP; the base class, with its Nak list, identity and
//! message fields, for the others) over EAPOL and PPP (0xc227) and inside RADIUS's
//! EAP-Message attribute, EAPOL-Key, and MKA (EAPOL type 5, [`super::mka`]).
//!
//! Lengths derived from `len` are Python slices of the rest (`field::Rest`); what an
//! EAP message's fields leave is Padding, as Scapy's `guess_payload_class` says.

use std::ops::Range;

use super::field::{field, hex, python_bytes, Field, Format, Group, Rest, Spec, Value};
use super::{be16, Kind, Walk};

/// An 802.1X or EAP message in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Eapol,
    EapolKey,
    Eap,
    Md5,
    Tls,
    Ttls,
    Peap,
    Fast,
    Leap,
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Eapol => ("EAPOL", "EAPOL"),
            Class::EapolKey => ("EAPOL_KEY", "EAPOL_KEY"),
            Class::Eap => ("EAP", "EAP"),
            Class::Md5 => ("EAP_MD5", "EAP-MD5"),
            Class::Tls => ("EAP_TLS", "EAP-TLS"),
            Class::Ttls => ("EAP_TTLS", "EAP-TTLS"),
            Class::Peap => ("EAP_PEAP", "PEAP"),
            Class::Fast => ("EAP_FAST", "EAP-FAST"),
            Class::Leap => ("LEAP", "Cisco LEAP"),
        }
    }

    /// The class Scapy's `EAP.dispatch_hook` picks: by method type for a request or
    /// response of at least 5 bytes, else the base class.
    fn of(data: &[u8], at: usize, end: usize) -> Class {
        if end - at < 5 || !matches!(data[at], 1 | 2) {
            return Class::Eap;
        }
        match data[at + 4] {
            4 => Class::Md5,
            13 => Class::Tls,
            17 => Class::Leap,
            21 => Class::Ttls,
            25 => Class::Peap,
            43 => Class::Fast,
            _ => Class::Eap,
        }
    }
}

const EAPOL: [Spec; 3] = [
    Spec::new("version", 0, 1, Format::Enum(eapol_version)),
    Spec::new("type", 1, 1, Format::Enum(eapol_type)),
    Spec::new("len", 2, 2, Format::Int),
];
const EAPOL_TYPE_EAP: u8 = 0;
const EAPOL_TYPE_KEY: u8 = 3;
const EAPOL_TYPE_MKA: u8 = 5;

const CODE: Spec = Spec::new("code", 0, 1, Format::Enum(eap_code));
const ID: Spec = Spec::new("id", 1, 1, Format::Int);
const LEN: Spec = Spec::new("len", 2, 2, Format::Int);
const TYPE: Spec = Spec::new("type", 4, 1, Format::Enum(eap_type));
const HEAD: [Spec; 4] = [CODE, ID, LEN, TYPE];
const MD5: [Spec; 5] = [
    CODE,
    ID,
    LEN,
    TYPE,
    Spec::new("value_size", 5, 1, Format::Int),
];
const L: Spec = Spec::bits("L", 5, 1, 0x80, Format::Int);
const M: Spec = Spec::bits("M", 5, 1, 0x40, Format::Int);
const S: Spec = Spec::bits("S", 5, 1, 0x20, Format::Int);
const TLS: [Spec; 8] = [
    CODE,
    ID,
    LEN,
    TYPE,
    L,
    M,
    S,
    Spec::bits("reserved", 5, 1, 0x1f, Format::Int),
];
/// EAP-TTLS's and EAP-FAST's flags: 2 reserved bits and a 3-bit version.
const TUNNEL: [Spec; 9] = [
    CODE,
    ID,
    LEN,
    TYPE,
    L,
    M,
    S,
    Spec::bits("reserved", 5, 1, 0x18, Format::Int),
    Spec::bits("version", 5, 1, 0x07, Format::Int),
];
/// PEAP's: 3 reserved bits and a 2-bit version.
const PEAP: [Spec; 9] = [
    CODE,
    ID,
    LEN,
    TYPE,
    L,
    M,
    S,
    Spec::bits("reserved", 5, 1, 0x1c, Format::Int),
    Spec::bits("version", 5, 1, 0x03, Format::Int),
];
const LEAP: [Spec; 7] = [
    CODE,
    ID,
    LEN,
    TYPE,
    Spec::new("version", 5, 1, Format::Int),
    Spec::new("unused", 6, 1, Format::Hex),
    Spec::new("count", 7, 1, Format::Int),
];

fn key_descriptor_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "RC4",
        2 => "RSN",
        _ => return None,
    })
}

fn key_type(number: u64) -> Option<&'static str> {
    Some(if number == 0 { "Group/SMK" } else { "Pairwise" })
}

fn key_descriptor_version(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "HMAC-MD5+ARC4",
        2 => "HMAC-SHA1-128+AES-128",
        3 => "AES-128-CMAC+AES-128",
        _ => return None,
    })
}

const KEY_LENGTH: Spec = Spec::new("key_length", 3, 2, Format::Int);
const KEY_DATA_LENGTH: Spec = Spec::new("key_data_length", 93, 2, Format::Int);
const KEY: [Spec; 21] = [
    Spec::new(
        "key_descriptor_type",
        0,
        1,
        Format::Enum(key_descriptor_type),
    ),
    Spec::bits("res2", 1, 2, 0xc000, Format::Int),
    Spec::bits("smk_message", 1, 2, 0x2000, Format::Int),
    Spec::bits("encrypted_key_data", 1, 2, 0x1000, Format::Int),
    Spec::bits("request", 1, 2, 0x0800, Format::Int),
    Spec::bits("error", 1, 2, 0x0400, Format::Int),
    Spec::bits("secure", 1, 2, 0x0200, Format::Int),
    Spec::bits("has_key_mic", 1, 2, 0x0100, Format::Int),
    Spec::bits("key_ack", 1, 2, 0x0080, Format::Int),
    Spec::bits("install", 1, 2, 0x0040, Format::Int),
    Spec::bits("res", 1, 2, 0x0030, Format::Int),
    Spec::bits("key_type", 1, 2, 0x0008, Format::Enum(key_type)),
    Spec::bits(
        "key_descriptor_type_version",
        1,
        2,
        0x0007,
        Format::Enum(key_descriptor_version),
    ),
    KEY_LENGTH,
    Spec::new("key_replay_counter", 5, 8, Format::Int),
    Spec::new("key_nonce", 13, 32, Format::HexBytes),
    Spec::new("key_iv", 45, 16, Format::HexBytes),
    Spec::new("key_rsc", 61, 8, Format::HexBytes),
    Spec::new("key_id", 69, 8, Format::HexBytes),
    Spec::new("key_mic", 77, 16, Format::HexBytes),
    KEY_DATA_LENGTH,
];

/// EAPOL at `at`, its frame ending at `end`: the header, then (as far as its `len`
/// says) EAP, EAPOL-Key or Raw, then Padding.
pub(super) fn dissect_eapol(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let mut rest = Rest { at, end };
    if rest.prefix(data, &EAPOL).is_none() {
        return walk.raw(at, end);
    }
    walk.push(
        Kind::Eap {
            class: Class::Eapol,
            end,
        },
        at..rest.at,
    );
    let payload = rest.slice(i64::from(be16(data, at + 2)));
    match data[at + 1] {
        EAPOL_TYPE_EAP => dissect_eap(walk, payload.start, payload.end),
        EAPOL_TYPE_KEY => dissect_key(walk, payload.start, payload.end),
        EAPOL_TYPE_MKA => super::mka::dissect(walk, payload.start, payload.end),
        _ => walk.raw(payload.start, payload.end),
    }
    walk.padding_until(payload.end, end);
}

/// EAP at `at` (over EAPOL or PPP), to `end`; what its fields leave is Padding.
pub(super) fn dissect_eap(walk: &mut Walk, at: usize, end: usize) {
    if at >= end {
        return;
    }
    let class = Class::of(walk.data, at, end);
    let mut rest = Rest { at, end };
    match read(walk.data, &mut rest, class) {
        Some(_) => {
            walk.push(Kind::Eap { class, end }, at..rest.at);
            walk.padding_until(rest.at, end);
        }
        None => walk.raw(at, end),
    }
}

/// EAPOL-Key: its fields, then as much Raw as its `key_length` says (Scapy's
/// `extract_padding`), then Padding.
fn dissect_key(walk: &mut Walk, at: usize, end: usize) {
    let class = Class::EapolKey;
    let mut rest = Rest { at, end };
    if read(walk.data, &mut rest, class).is_none() {
        return walk.raw(at, end);
    }
    walk.push(Kind::Eap { class, end }, at..rest.at);
    let fields_end = rest.at;
    let payload = rest.slice(KEY_LENGTH.get(walk.data, at) as i64);
    walk.raw(fields_end, payload.end);
    walk.padding_until(payload.end, end);
}

/// The fields of the message of `class` at `at`, whose packet ends at `end`.
pub(super) fn fields(data: &[u8], at: usize, class: Class, end: usize) -> Vec<Field> {
    read(data, &mut Rest { at, end }, class).unwrap_or_default()
}

/// EAP inside another packet's field (RADIUS's EAP-Message): the message in its
/// class and, after its fields, Padding; Raw where Scapy cannot read it.
pub(super) fn groups(data: &[u8], region: Range<usize>) -> Vec<Group> {
    if region.is_empty() {
        // Scapy's `EAP(b'')`: a packet of default values, dissected from nothing.
        let at = region.start;
        let fields = vec![
            field("code", at..at, Value::named(4, eap_code(4))),
            field("id", at..at, Value::Int(0)),
            field("len", at..at, Value::None),
        ];
        return vec![Group::new("EAP", region, fields)];
    }
    let class = Class::of(data, region.start, region.end);
    let mut rest = Rest {
        at: region.start,
        end: region.end,
    };
    let Some(fields) = read(data, &mut rest, class) else {
        return vec![Group::raw(data, region)];
    };
    let mut out = vec![Group::new(class.names().1, region.start..rest.at, fields)];
    if rest.at < region.end {
        let mut padding = Group::raw(data, rest.at..region.end);
        padding.name = "Padding".into();
        padding.depth = 1;
        out.push(padding);
    }
    out
}

/// Reads the message of `class` at `rest.at`: its fields, or `None` where Scapy gives
/// the layer up.
fn read(data: &[u8], rest: &mut Rest, class: Class) -> Option<Vec<Field>> {
    let at = rest.at;
    if at >= rest.end {
        return None;
    }
    let length = || i64::from(be16(data, at + 2));
    let hex_field = |name: &'static str, range: Range<usize>| {
        field(name, range.clone(), Value::Text(hex(&data[range])))
    };
    let bytes_field = |name: &'static str, range: Range<usize>| {
        field(name, range.clone(), Value::Bytes(data[range].to_vec()))
    };
    Some(match class {
        Class::Eapol => rest.prefix(data, &EAPOL)?,
        Class::EapolKey => {
            let mut fields = rest.prefix(data, &KEY)?;
            let key_data = rest.slice(KEY_DATA_LENGTH.get(data, at) as i64);
            fields.push(hex_field("key_data", key_data));
            fields
        }
        Class::Eap => {
            let code = data[at];
            // The type is there unless the message is a success or failure.
            let head = if matches!(code, 3 | 4) { 3 } else { 4 };
            let mut fields = rest.prefix(data, &HEAD[..head])?;
            match (code, data.get(at + 4)) {
                (2, Some(3)) => {
                    let list = rest.slice(length() - 4);
                    let names: Vec<String> =
                        data[list.clone()].iter().map(|&t| type_name(t)).collect();
                    let text = Value::Text(format!("[{}]", names.join(", ")));
                    fields.push(field("desired_auth_types", list, text));
                }
                (2, Some(1)) => fields.push(bytes_field("identity", rest.slice(length() - 5))),
                (1, Some(1)) => fields.push(bytes_field("message", rest.slice(length() - 5))),
                _ => {}
            }
            fields
        }
        Class::Md5 => {
            let mut fields = rest.prefix(data, &MD5)?;
            let size = i64::from(data[at + 5]);
            fields.push(hex_field("value", rest.slice(size)));
            fields.push(hex_field("optional_name", rest.slice(length() - size - 6)));
            fields
        }
        Class::Tls | Class::Ttls | Class::Peap | Class::Fast => {
            let (layout, names): (&[Spec], _) = match class {
                Class::Tls => (&TLS, ("tls_message_len", "tls_data")),
                Class::Peap => (&PEAP, ("tls_message_len", "tls_data")),
                _ => (&TUNNEL, ("message_len", "data")),
            };
            let mut fields = rest.prefix(data, layout)?;
            let long = L.get(data, at) == 1;
            if long {
                let range = rest.take(4)?;
                let value = data[range.clone()]
                    .iter()
                    .fold(0u64, |n, &b| n << 8 | u64::from(b));
                fields.push(field(names.0, range, Value::Int(value)));
            }
            let data_length = length() - if long { 10 } else { 6 };
            fields.push(hex_field(names.1, rest.slice(data_length)));
            fields
        }
        Class::Leap => {
            let mut fields = rest.prefix(data, &LEAP)?;
            let count = i64::from(data[at + 7]);
            fields.push(hex_field("challenge_response", rest.slice(count)));
            fields.push(bytes_field("username", rest.slice(length() - 8 - count)));
            fields
        }
    })
}

fn type_name(number: u8) -> String {
    eap_type(u64::from(number)).map_or_else(|| number.to_string(), str::to_string)
}

/// Scapy's summaries: `EAPOL EAP-Packet`, `EAP Response Identity b'midwood'`; EAPOL-Key
/// has none.
pub fn summary(data: &[u8], at: usize, class: Class, end: usize) -> Option<String> {
    let number = |spec: Spec| spec.get(data, at);
    let code = number(CODE);
    let name = |spec: Spec, names: fn(u64) -> Option<&'static str>| {
        let value = number(spec);
        names(value).map_or_else(|| value.to_string(), str::to_string)
    };
    Some(match class {
        Class::EapolKey => return None,
        Class::Eapol => format!("EAPOL {}", name(EAPOL[1], eapol_type)),
        // A success or failure has no type field: Scapy's summary names its default.
        _ if matches!(code, 3 | 4) => format!("EAP {} {}", name(CODE, eap_code), type_name(0)),
        _ => {
            let mut text = format!("EAP {} {}", name(CODE, eap_code), name(TYPE, eap_type));
            if code == 2 && number(TYPE) == 1 {
                let mut rest = Rest { at: at + 5, end };
                let identity = rest.slice(i64::from(be16(data, at + 2)) - 5);
                text.push(' ');
                text.push_str(&python_bytes(&data[identity]));
            }
            text
        }
    })
}

/// EAP method types, as Scapy names them.
fn eap_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Reserved",
        1 => "Identity",
        2 => "Notification",
        3 => "Legacy Nak",
        4 => "MD5-Challenge",
        5 => "One-Time Password (OTP)",
        6 => "Generic Token Card (GTC)",
        7 => "Allocated - RFC3748",
        8 => "Allocated - RFC3748",
        9 => "RSA Public Key Authentication",
        10 => "DSS Unilateral",
        11 => "KEA",
        12 => "KEA-VALIDATE",
        13 => "EAP-TLS",
        14 => "Defender Token (AXENT)",
        15 => "RSA Security SecurID EAP",
        16 => "Arcot Systems EAP",
        17 => "EAP-Cisco Wireless",
        18 => "GSM Subscriber Identity Modules (EAP-SIM)",
        19 => "SRP-SHA1",
        20 => "Unassigned",
        21 => "EAP-TTLS",
        22 => "Remote Access Service",
        23 => "EAP-AKA Authentication",
        24 => "EAP-3Com Wireless",
        25 => "PEAP",
        26 => "MS-EAP-Authentication",
        27 => "Mutual Authentication w/Key Exchange (MAKE)",
        28 => "CRYPTOCard",
        29 => "EAP-MSCHAP-V2",
        30 => "DynamID",
        31 => "Rob EAP",
        32 => "Protected One-Time Password",
        33 => "MS-Authentication-TLV",
        34 => "SentriNET",
        35 => "EAP-Actiontec Wireless",
        36 => "Cogent Systems Biometrics Authentication EAP",
        37 => "AirFortress EAP",
        38 => "EAP-HTTP Digest",
        39 => "SecureSuite EAP",
        40 => "DeviceConnect EAP",
        41 => "EAP-SPEKE",
        42 => "EAP-MOBAC",
        43 => "EAP-FAST",
        44 => "ZoneLabs EAP (ZLXEAP)",
        45 => "EAP-Link",
        46 => "EAP-PAX",
        47 => "EAP-PSK",
        48 => "EAP-SAKE",
        49 => "EAP-IKEv2",
        50 => "EAP-AKA",
        51 => "EAP-GPSK",
        52 => "EAP-pwd",
        53 => "EAP-EKE Version 1",
        54 => "EAP Method Type for PT-EAP",
        55 => "TEAP",
        254 => "Reserved for the Expanded Type",
        255 => "Experimental",
        _ => return None,
    })
}

/// EAP codes.
fn eap_code(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Request",
        2 => "Response",
        3 => "Success",
        4 => "Failure",
        5 => "Initiate",
        6 => "Finish",
        _ => return None,
    })
}

/// EAPOL protocol versions.
fn eapol_version(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "802.1X-2001",
        2 => "802.1X-2004",
        3 => "802.1X-2010",
        _ => return None,
    })
}

/// EAPOL packet types.
fn eapol_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "EAP-Packet",
        1 => "EAPOL-Start",
        2 => "EAPOL-Logoff",
        3 => "EAPOL-Key",
        4 => "EAPOL-Encapsulated-ASF-Alert",
        5 => "EAPOL-MKA",
        6 => "EAPOL-Announcement (Generic)",
        7 => "EAPOL-Announcement (Specific)",
        8 => "EAPOL-Announcement-Req",
        _ => return None,
    })
}
