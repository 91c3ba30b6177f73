//! ISAKMP (IKEv1, RFC 2408; UDP 500 and after the non-ESP marker on UDP 4500) as
//! Scapy 2.8.0 reads it: the 28-byte header, then each payload a layer in the class
//! Scapy binds to the `next_payload` before it (SA, proposal, transform, key
//! exchange, identification, hash, signature, nonce, notification, delete, vendor
//! ID; others as the generic `ISAKMP_payload`, 0 ending the chain with Raw). An
//! encrypted message (flag bit 0) is Raw after the header. IKEv2 (version 0x20) is read
//! the same way, as Scapy's default layers read it: generic payloads.
//!
//! An SA's proposal and a proposal's transform are sub-packets (Scapy's
//! PacketLenField) with their own payload chains. Lengths derived from a payload's
//! `length` are Python slices of the rest (`field::Rest`). Scapy lists payloads after
//! the first at the same indentation (their `show_indent` is 0).

use std::ops::Range;

use super::field::{
    field, hex, python_bytes, python_str, Field, Format, Group, Rest, Spec, Value, MAX_LIST,
};
use super::{Kind, Walk};

/// Proposals inside SAs inside proposals: deeper ones are Raw (Scapy has no limit).
const MAX_NESTING: usize = 16;

/// The header or a payload, in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Header,
    Generic,
    Sa,
    Proposal,
    Transform,
    KeyExchange,
    Identification,
    Hash,
    Signature,
    Nonce,
    Notify,
    Delete,
    VendorId,
}

impl Class {
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Header => ("ISAKMP", "ISAKMP"),
            Class::Generic => ("ISAKMP_payload", "ISAKMP payload"),
            Class::Sa => ("ISAKMP_payload_SA", "ISAKMP SA"),
            Class::Proposal => ("ISAKMP_payload_Proposal", "IKE proposal"),
            Class::Transform => ("ISAKMP_payload_Transform", "IKE Transform"),
            Class::KeyExchange => ("ISAKMP_payload_KE", "ISAKMP Key Exchange"),
            Class::Identification => ("ISAKMP_payload_ID", "ISAKMP Identification"),
            Class::Hash => ("ISAKMP_payload_Hash", "ISAKMP Hash"),
            Class::Signature => ("ISAKMP_payload_SIG", "ISAKMP Signature"),
            Class::Nonce => ("ISAKMP_payload_Nonce", "ISAKMP Nonce"),
            Class::Notify => ("ISAKMP_payload_Notify", "ISAKMP Notify (Notification)"),
            Class::Delete => ("ISAKMP_payload_Delete", "ISAKMP Delete"),
            Class::VendorId => ("ISAKMP_payload_VendorID", "ISAKMP Vendor ID"),
        }
    }

    /// The class Scapy binds to a `next_payload` value; `None` for 0 (Raw).
    fn after(next_payload: u8) -> Option<Class> {
        Some(match next_payload {
            0 => return None,
            1 => Class::Sa,
            2 => Class::Proposal,
            3 => Class::Transform,
            4 => Class::KeyExchange,
            5 => Class::Identification,
            8 => Class::Hash,
            9 => Class::Signature,
            10 => Class::Nonce,
            11 => Class::Notify,
            12 => Class::Delete,
            13 => Class::VendorId,
            _ => Class::Generic,
        })
    }
}

fn payload_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "None",
        1 => "SA",
        2 => "Proposal",
        3 => "Transform",
        4 => "KE",
        5 => "ID",
        6 => "CERT",
        7 => "CR",
        8 => "Hash",
        9 => "SIG",
        10 => "Nonce",
        11 => "Notification",
        12 => "Delete",
        13 => "VendorID",
        _ => return None,
    })
}

fn exchange_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "None",
        1 => "base",
        2 => "identity protection",
        3 => "authentication only",
        4 => "aggressive",
        5 => "informational",
        32 => "quick mode",
        _ => return None,
    })
}

fn protocol(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "ISAKMP",
        2 => "IPSEC_AH",
        3 => "IPSEC_ESP",
        4 => "IPCOMP",
        5 => "GIGABEAM_RADIO",
        _ => return None,
    })
}

fn domain(number: u64) -> Option<&'static str> {
    match number {
        0 => Some("ISAKMP"),
        1 => Some("IPSEC"),
        _ => None,
    }
}

fn situation(number: u64) -> Option<&'static str> {
    (number == 1).then_some("identity")
}

fn key_ike(number: u64) -> Option<&'static str> {
    (number == 1).then_some("KEY_IKE")
}

fn identification_type(number: u64) -> Option<&'static str> {
    match number {
        1 => Some("IPv4_addr"),
        11 => Some("Key"),
        _ => None,
    }
}

fn unused(number: u64) -> Option<&'static str> {
    (number == 0).then_some("Unused")
}

fn notify_type(number: u64) -> Option<&'static str> {
    const NAMES: [&str; 30] = [
        "INVALID-PAYLOAD-TYPE",
        "DOI-NOT-SUPPORTED",
        "SITUATION-NOT-SUPPORTED",
        "INVALID-COOKIE",
        "INVALID-MAJOR-VERSION",
        "INVALID-MINOR-VERSION",
        "INVALID-EXCHANGE-TYPE",
        "INVALID-FLAGS",
        "INVALID-MESSAGE-ID",
        "INVALID-PROTOCOL-ID",
        "INVALID-SPI",
        "INVALID-TRANSFORM-ID",
        "ATTRIBUTES-NOT-SUPPORTED",
        "NO-PROPOSAL-CHOSEN",
        "BAD-PROPOSAL-SYNTAX",
        "PAYLOAD-MALFORMED",
        "INVALID-KEY-INFORMATION",
        "INVALID-ID-INFORMATION",
        "INVALID-CERT-ENCODING",
        "INVALID-CERTIFICATE",
        "CERT-TYPE-UNSUPPORTED",
        "INVALID-CERT-AUTHORITY",
        "INVALID-HASH-INFORMATION",
        "AUTHENTICATION-FAILED",
        "INVALID-SIGNATURE",
        "ADDRESS-NOTIFICATION",
        "NOTIFY-SA-LIFETIME",
        "CERTIFICATE-UNAVAILABLE",
        "UNSUPPORTED-EXCHANGE-TYPE",
        "UNEQUAL-PAYLOAD-LENGTHS",
    ];
    match number {
        1..=30 => Some(NAMES[number as usize - 1]),
        16384 => Some("CONNECTED"),
        36136 => Some("R-U-THERE"),
        36137 => Some("R-U-THERE-ACK"),
        _ => None,
    }
}

/// Scapy's ISAKMP_VENDOR_IDS (Wireshark's names).
fn vendor(id: &[u8]) -> Option<&'static str> {
    const IDS: [(&[u8], &str); 5] = [
        (b"\x09\x00\x26\x89\xdf\xd6\xb7\x12", "XAUTH"),
        (
            b"\xaf\xca\xd7\x13h\xa1\xf1\xc9k\x86\x96\xfcwW\x01\x00",
            "RFC 3706 DPD",
        ),
        (
            b"@H\xb7\xd5n\xbc\xe8\x85%\xe7\xde\x7f\x00\xd6\xc2\xd3\x80",
            "Cisco Fragmentation",
        ),
        (
            b"J\x13\x1c\x81\x07\x03XE\\W(\xf2\x0e\x95E/",
            "RFC 3947 Negotiation of NAT-Transversal",
        ),
        (
            b"\x90\xcb\x80\x91>\xbbin\x08c\x81\xb5\xecB{\x1f",
            "draft-ietf-ipsec-nat-t-ike-02",
        ),
    ];
    IDS.iter()
        .find(|(known, _)| *known == id)
        .map(|(_, name)| *name)
}

/// A transform attribute's name and its value names, for ISAKMP's (`proto` 1) and
/// IPsec ESP's (3) tables as Scapy has them.
fn attribute(
    proto: u64,
    attribute_type: u64,
) -> Option<(&'static str, &'static [(u64, &'static str)])> {
    const GROUPS: &[(u64, &str)] = &[
        (1, "768MODPgr"),
        (2, "1024MODPgr"),
        (3, "EC2Ngr155"),
        (4, "EC2Ngr185"),
        (5, "1536MODPgr"),
        (14, "2048MODPgr"),
        (15, "3072MODPgr"),
        (16, "4096MODPgr"),
        (17, "6144MODPgr"),
        (18, "8192MODPgr"),
    ];
    const NONE: &[(u64, &str)] = &[];
    Some(match (proto, attribute_type) {
        (1, 1) => (
            "Encryption",
            &[
                (1, "DES-CBC"),
                (2, "IDEA-CBC"),
                (3, "Blowfish-CBC"),
                (4, "RC5-R16-B64-CBC"),
                (5, "3DES-CBC"),
                (6, "CAST-CBC"),
                (7, "AES-CBC"),
                (8, "CAMELLIA-CBC"),
            ],
        ),
        (1, 2) => (
            "Hash",
            &[
                (1, "MD5"),
                (2, "SHA"),
                (3, "Tiger"),
                (4, "SHA2-256"),
                (5, "SHA2-384"),
                (6, "SHA2-512"),
            ],
        ),
        (1, 3) => (
            "Authentication",
            &[
                (1, "PSK"),
                (2, "DSS"),
                (3, "RSA Sig"),
                (4, "RSA Encryption"),
                (5, "RSA Encryption Revised"),
                (6, "ElGamal Encryption"),
                (7, "ElGamal Encryption Revised"),
                (8, "ECDSA Sig"),
                (64221, "HybridInitRSA"),
                (64222, "HybridRespRSA"),
                (64223, "HybridInitDSS"),
                (64224, "HybridRespDSS"),
                (65001, "XAUTHInitPreShared"),
                (65002, "XAUTHRespPreShared"),
                (65003, "XAUTHInitDSS"),
                (65004, "XAUTHRespDSS"),
                (65005, "XAUTHInitRSA"),
                (65006, "XAUTHRespRSA"),
                (65007, "XAUTHInitRSAEncryption"),
                (65008, "XAUTHRespRSAEncryption"),
                (65009, "XAUTHInitRSARevisedEncryption"),
                (65010, "XAUTHRespRSARevisedEncryptio"),
            ],
        ),
        (1, 4) | (3, 3) => ("GroupDesc", GROUPS),
        (1, 5) => ("GroupType", &[(1, "MODP"), (2, "ECP"), (3, "EC2N")]),
        (1, 6) => ("GroupPrime", NONE),
        (1, 7) => ("GroupGenerator1", NONE),
        (1, 8) => ("GroupGenerator2", NONE),
        (1, 9) => ("GroupCurveA", NONE),
        (1, 10) => ("GroupCurveB", NONE),
        (1, 11) => ("LifeType", &[(1, "Seconds"), (2, "Kilobytes")]),
        (1, 12) => ("LifeDuration", NONE),
        (1, 13) => ("PRF", NONE),
        (1, 14) => ("KeyLength", NONE),
        (1, 15) => ("FieldSize", NONE),
        (1, 16) => ("GroupOrder", NONE),
        (3, 1) => (
            "LifeType",
            &[(0, "Reserved"), (1, "seconds"), (2, "kilobytes")],
        ),
        (3, 2) => ("LifeDuration", NONE),
        (3, 4) => (
            "EncapsulationMode",
            &[
                (0, "Reserved"),
                (1, "Tunnel"),
                (2, "Transport"),
                (3, "UDP-Encapsulated-Tunnel"),
                (4, "UDP-Encapsulated-Transport"),
            ],
        ),
        (3, 5) => (
            "AuthenticationAlgorithm",
            &[
                (1, "HMAC-MD5"),
                (2, "HMAC-SHA"),
                (3, "DES-MAC"),
                (4, "KPDK"),
                (5, "HMAC-SHA2-256"),
                (6, "HMAC-SHA2-384"),
                (7, "HMAC-SHA2-512"),
                (8, "HMAC-RIPEMD"),
                (9, "AES-XCBC-MAC"),
                (10, "SIG-RSA"),
                (11, "AES-128-GMAC"),
                (12, "AES-192-GMAC"),
                (13, "AES-256-GMAC"),
            ],
        ),
        (3, 6) => ("KeyLength", NONE),
        (3, 7) => ("KeyRounds", NONE),
        (3, 8) => ("CompressDictionarySize", NONE),
        (3, 9) => ("CompressPrivateAlgorithm", NONE),
        _ => return None,
    })
}

/// Scapy's ISAKMPTransformSetField: attributes of 4 bytes (type with the top bit set
/// and a 16-bit value) or type, length and that many bytes of value (as one number),
/// while 4 bytes remain; as a Python list of (name, value) tuples.
fn transforms(bytes: &[u8], proto: u64) -> String {
    let mut items = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 4 {
        let kind = u64::from(u16::from_be_bytes([rest[0], rest[1]]));
        let short = u64::from(u16::from_be_bytes([rest[2], rest[3]]));
        let (kind, value, used) = if kind & 0x8000 == 0 {
            let length = short as usize;
            let value = rest[4..(4 + length).min(rest.len())]
                .iter()
                .fold(0u128, |n, &b| n << 8 | u128::from(b));
            (kind, value, 4 + length)
        } else {
            (kind & 0x7fff, u128::from(short), 4)
        };
        rest = rest.get(used..).unwrap_or_default();
        let shown_kind;
        let shown_value;
        match attribute(proto, kind) {
            Some((name, values)) => {
                shown_kind = python_str(name);
                shown_value = values
                    .iter()
                    .find(|(n, _)| u128::from(*n) == value)
                    .map_or_else(|| value.to_string(), |(_, name)| python_str(name));
            }
            None => {
                shown_kind = kind.to_string();
                shown_value = value.to_string();
            }
        }
        items.push(format!("({shown_kind}, {shown_value})"));
    }
    format!("[{}]", items.join(", "))
}

const NEXT_PAYLOAD: Spec = Spec::new("next_payload", 0, 1, Format::Enum(payload_type));
const LENGTH: Spec = Spec::new("length", 2, 2, Format::Int);
const COMMON: [Spec; 3] = [NEXT_PAYLOAD, Spec::new("res", 1, 1, Format::Int), LENGTH];
const HEADER: [Spec; 6] = [
    Spec::new("next_payload", 16, 1, Format::Enum(payload_type)),
    Spec::new("version", 17, 1, Format::Hex),
    Spec::new("exch_type", 18, 1, Format::Enum(exchange_type)),
    Spec::new("flags", 19, 1, Format::Int),
    Spec::new("id", 20, 4, Format::Int),
    Spec::new("length", 24, 4, Format::Int),
];
const DOI: Spec = Spec::new("doi", 4, 4, Format::Enum(domain));
const PROTO_AT_8: Spec = Spec::new("proto", 8, 1, Format::Enum(protocol));
const SPI_SIZE_AT_9: Spec = Spec::new("SPIsize", 9, 1, Format::Int);

fn fixed_specs(class: Class) -> &'static [Spec] {
    const SA: [Spec; 5] = [
        COMMON[0],
        COMMON[1],
        COMMON[2],
        DOI,
        Spec::new("situation", 8, 4, Format::Enum(situation)),
    ];
    const PROPOSAL: [Spec; 7] = [
        COMMON[0],
        COMMON[1],
        COMMON[2],
        Spec::new("proposal", 4, 1, Format::Int),
        Spec::new("proto", 5, 1, Format::Enum(protocol)),
        Spec::new("SPIsize", 6, 1, Format::Int),
        Spec::new("trans_nb", 7, 1, Format::Int),
    ];
    const TRANSFORM: [Spec; 6] = [
        COMMON[0],
        COMMON[1],
        COMMON[2],
        Spec::new("transform_count", 4, 1, Format::Int),
        Spec::new("transform_id", 5, 1, Format::Enum(key_ike)),
        Spec::new("res2", 6, 2, Format::Int),
    ];
    const IDENTIFICATION: [Spec; 6] = [
        COMMON[0],
        COMMON[1],
        COMMON[2],
        Spec::new("IDtype", 4, 1, Format::Enum(identification_type)),
        Spec::new("ProtoID", 5, 1, Format::Enum(unused)),
        Spec::new("Port", 6, 2, Format::Enum(unused)),
    ];
    const NOTIFY: [Spec; 7] = [
        COMMON[0],
        COMMON[1],
        COMMON[2],
        DOI,
        PROTO_AT_8,
        SPI_SIZE_AT_9,
        Spec::new("notify_msg_type", 10, 2, Format::Enum(notify_type)),
    ];
    const DELETE: [Spec; 7] = [
        COMMON[0],
        COMMON[1],
        COMMON[2],
        DOI,
        PROTO_AT_8,
        SPI_SIZE_AT_9,
        Spec::new("SPIcount", 10, 2, Format::Int),
    ];
    match class {
        Class::Header => &HEADER,
        Class::Sa => &SA,
        Class::Proposal => &PROPOSAL,
        Class::Transform => &TRANSFORM,
        Class::Identification => &IDENTIFICATION,
        Class::Notify => &NOTIFY,
        Class::Delete => &DELETE,
        _ => &COMMON,
    }
}

/// Scapy's FlagsField over the header's flags: the names of the set bits, `?` for
/// the bits it has no name for.
fn flags(value: u64) -> String {
    const NAMES: [&str; 3] = ["encryption", "commit", "auth_only"];
    (0..8)
        .filter(|bit| value & (1 << bit) != 0)
        .map(|bit| NAMES.get(bit).copied().unwrap_or("?"))
        .collect::<Vec<_>>()
        .join("+")
}

/// Reads the header or payload of `class` at `rest.at`: its fields, or `None` where
/// Scapy gives it up. `proto`: the protocol a transform's attributes are named by.
fn read(
    data: &[u8],
    rest: &mut Rest,
    class: Class,
    proto: u64,
    nesting: usize,
) -> Option<Vec<Field>> {
    let at = rest.at;
    if class == Class::Header {
        // The cookies are fixed-length strings: what there is of them.
        let mut fields = Vec::new();
        for (name, range) in [("init_cookie", 0..8), ("resp_cookie", 8..16)] {
            let part = (at + range.start).min(rest.end)..(at + range.end).min(rest.end);
            fields.push(field(name, part.clone(), Value::Text(hex(&data[part]))));
        }
        rest.at = (at + 16).min(rest.end);
        // The numbers after them must be whole.
        rest.take(12)?;
        fields.extend(super::field::fixed(&HEADER, data, at));
        let flag_field = fields.iter_mut().find(|f| f.name == "flags")?;
        let value = flag_field.value.number().unwrap_or(0);
        flag_field.value = Value::Text(flags(value));
        return Some(fields);
    }
    let mut fields = rest.prefix(data, fixed_specs(class))?;
    let length = LENGTH.get(data, at) as i64;
    let bytes = |rest: &mut Rest, name: &'static str, minus: i64| {
        let value = rest.slice(length - minus);
        field(name, value.clone(), Value::Bytes(data[value].to_vec()))
    };
    match class {
        Class::Header => unreachable!("read above"),
        Class::Generic => {
            let value = rest.slice(length - 4);
            fields.push(field("load", value.clone(), Value::Text(hex(&data[value]))));
        }
        Class::Sa => {
            let packets = packet_field(data, rest, length - 12, Class::Proposal, proto, nesting);
            fields.push(field("prop", packets.0, packets.1));
        }
        Class::Proposal => {
            let spi_size = i64::from(data[at + 6]);
            let spi = rest.slice(spi_size);
            fields.push(field("SPI", spi.clone(), Value::Bytes(data[spi].to_vec())));
            let inner = data[at + 5].into();
            let packets = packet_field(data, rest, length - 8, Class::Transform, inner, nesting);
            fields.push(field("trans", packets.0, packets.1));
        }
        Class::Transform => {
            let value = rest.slice(length - 8);
            let text = transforms(&data[value.clone()], proto);
            fields.push(field("transforms", value, Value::Text(text)));
        }
        Class::KeyExchange => fields.push(bytes(rest, "ke", 4)),
        Class::Nonce => fields.push(bytes(rest, "nonce", 4)),
        Class::Hash => fields.push(bytes(rest, "hash", 4)),
        Class::Signature => fields.push(bytes(rest, "sig", 4)),
        Class::Identification => {
            if data[at + 4] == 1 {
                let address = rest.take(4)?;
                let value = Value::Ipv4(super::ipv4_address(data, address.start));
                fields.push(field("IdentData", address, value));
            } else {
                fields.push(bytes(rest, "IdentData", 8));
            }
        }
        Class::Notify => {
            let spi_size = i64::from(data[at + 9]);
            let spi = rest.slice(spi_size);
            fields.push(field("SPI", spi.clone(), Value::Bytes(data[spi].to_vec())));
            fields.push(bytes(rest, "notify_data", spi_size + 12));
        }
        Class::Delete => {
            let spi_size = i64::from(data[at + 9]);
            let count = usize::from(u16::from_be_bytes([data[at + 10], data[at + 11]]));
            let start = rest.at;
            let mut spis = Vec::new();
            while rest.at < rest.end && spis.len() < count {
                let spi = rest.slice(spi_size);
                spis.push(python_bytes(&data[spi]));
                if spis.len() > MAX_LIST {
                    return None;
                }
            }
            let text = Value::Text(format!("[{}]", spis.join(", ")));
            fields.push(field("SPIs", start..rest.at, text));
        }
        Class::VendorId => {
            let value = rest.slice(length - 4);
            let id = &data[value.clone()];
            let shown = python_bytes(super::field::trim_nuls(id));
            let text = match vendor(id).or_else(|| vendor(super::field::trim_nuls(id))) {
                Some(name) => format!("{shown} ({name})"),
                None => shown,
            };
            fields.push(field("VendorID", value, Value::Text(text)));
        }
    }
    Some(fields)
}

/// A PacketLenField of `class` (an SA's proposal, a proposal's transform) taking
/// `length` bytes of the rest: `None` when that is 0; else the payload and the
/// chain after it inside those bytes, or Raw where it cannot be read.
fn packet_field(
    data: &[u8],
    rest: &mut Rest,
    length: i64,
    class: Class,
    proto: u64,
    nesting: usize,
) -> (Range<usize>, Value) {
    let value = rest.slice(length);
    if length == 0 {
        return (value, Value::None);
    }
    let mut groups = Vec::new();
    if value.is_empty() {
        // Scapy builds the class from no bytes: a packet of its default values.
        groups.push(defaults(class, value.start));
    } else if nesting >= MAX_NESTING {
        groups.push(Group::raw(data, value.clone()));
    } else {
        for (kind, range, fields) in chain(data, value.clone(), Some(class), proto, nesting + 1) {
            match kind {
                Some(kind) => groups.push(Group::new(kind.names().1, range, fields)),
                None => groups.push(Group::raw(data, range)),
            }
        }
    }
    (value, Value::Packets(groups))
}

/// A proposal or transform as Scapy makes it from no bytes: its default values.
fn defaults(class: Class, at: usize) -> Group {
    let none = |name: &'static str| field(name, at..at, Value::None);
    let number = |name: &'static str, value: u64| field(name, at..at, Value::Int(value));
    let named = |name: &'static str, value: u64, text: &'static str| {
        field(name, at..at, Value::named(value, Some(text)))
    };
    let mut fields = vec![none("next_payload"), number("res", 0), none("length")];
    if class == Class::Proposal {
        let load = field("load", at..at, Value::Bytes(Vec::new()));
        let empty_raw = Group::new("Raw", at..at, vec![load]);
        fields.extend([
            number("proposal", 1),
            named("proto", 1, "ISAKMP"),
            none("SPIsize"),
            none("trans_nb"),
            field("SPI", at..at, Value::Bytes(Vec::new())),
            field("trans", at..at, Value::Packets(vec![empty_raw])),
        ]);
    } else {
        fields.extend([
            none("transform_count"),
            named("transform_id", 1, "KEY_IKE"),
            number("res2", 0),
            none("transforms"),
        ]);
    }
    Group::new(class.names().1, at..at, fields)
}

/// Payloads one after the other in `range`, the first of class `first` (`None`:
/// Raw), each next one by the `next_payload` before it; each with its class (`None`:
/// Raw, the rest), bytes and fields.
fn chain(
    data: &[u8],
    range: Range<usize>,
    first: Option<Class>,
    proto: u64,
    nesting: usize,
) -> Vec<(Option<Class>, Range<usize>, Vec<Field>)> {
    let mut out = Vec::new();
    let mut next = first;
    let mut at = range.start;
    while at < range.end {
        let Some(class) = next else {
            out.push((None, at..range.end, Vec::new()));
            break;
        };
        let mut rest = Rest { at, end: range.end };
        let proto = if class == Class::Transform { proto } else { 0 };
        match read(data, &mut rest, class, proto, nesting) {
            Some(fields) => {
                next = if class == Class::Header && data[at + 19] & 1 != 0 {
                    None
                } else {
                    let offset = if class == Class::Header { 16 } else { 0 };
                    Class::after(data[at + offset])
                };
                out.push((Some(class), at..rest.at, fields));
                at = rest.at;
            }
            None => {
                out.push((None, at..range.end, Vec::new()));
                break;
            }
        }
    }
    out
}

/// The protocol a top-level transform's attributes are named by, as Scapy finds it:
/// the `proto` of the first later payload that has one, else the IP header's
/// protocol (UDP's, so no names) over IPv4 and ISAKMP's over IPv6.
fn top_level_protocol(
    data: &[u8],
    walk: &Walk,
    rest: &[(Option<Class>, Range<usize>, Vec<Field>)],
) -> u64 {
    for (class, range, _) in rest {
        match class {
            Some(Class::Proposal) => return data[range.start + 5].into(),
            Some(Class::Notify | Class::Delete) => return data[range.start + 8].into(),
            _ => {}
        }
    }
    if walk
        .layers
        .iter()
        .any(|l| matches!(l.kind, Kind::Ipv4 { .. }))
    {
        17
    } else {
        1
    }
}

/// ISAKMP at `at` (the UDP payload or what follows the non-ESP marker, to `end`).
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let layers = chain(data, at..end, Some(Class::Header), 0, 0);
    for (n, (class, range, _)) in layers.iter().enumerate() {
        if walk.chain_full() {
            return walk.raw(range.start, end);
        }
        match class {
            Some(class) => {
                let proto = if *class == Class::Transform {
                    top_level_protocol(data, walk, &layers[n + 1..])
                } else {
                    0
                };
                walk.push(
                    Kind::Isakmp {
                        class: *class,
                        proto: proto as u8,
                        end,
                    },
                    range.clone(),
                );
            }
            None => walk.raw(range.start, range.end),
        }
    }
}

/// A header's or payload's fields; `end`: where the message ends (Scapy's slices
/// reach it); `proto`: what a transform's attributes are named by.
pub(super) fn fields(data: &[u8], at: usize, class: Class, proto: u8, end: usize) -> Vec<Field> {
    let mut rest = Rest {
        at,
        end: end.min(data.len()),
    };
    read(data, &mut rest, class, proto.into(), 0).unwrap_or_default()
}
