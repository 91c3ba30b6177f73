//! HSRP (UDP ports 1985 and 2029, as Scapy binds it) in Scapy's classes: version 1's
//! hello (with the MD5 authentication that follows when UDP's length says there is
//! more), its advertisement, and version 2's group state TLV with the text or MD5
//! authentication TLV after it. Scapy picks the class from the first bytes; a header
//! cut short is Raw, as Scapy leaves a layer it cannot read.
//!
//! Version 2's address is IPv4 (and 12 bytes of padding) or IPv6 by its `ipVer`;
//! for any other `ipVer` Scapy keeps the rest as bytes and decides on the padding by
//! resolving them as a host name, which labnet does not do (no padding).

use std::ops::Range;

use super::field::{field, fixed, string_field, Field, Format, Spec};
use super::{Kind, Value, Walk};

fn opcode(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Hello",
        1 => "Coup",
        2 => "Resign",
        3 => "Advertise",
        _ => return None,
    })
}

fn state(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Initial",
        1 => "Learn",
        2 => "Listen",
        4 => "Speak",
        8 => "Standby",
        16 => "Active",
        _ => return None,
    })
}

fn advertise_type(number: u64) -> Option<&'static str> {
    (number == 1).then_some("HSRP interface state")
}

fn advertise_state(number: u64) -> Option<&'static str> {
    match number {
        1 => Some("Active"),
        2 => Some("Passive"),
        _ => None,
    }
}

fn v2_type(number: u64) -> Option<&'static str> {
    (number == 1).then_some("Group state TLV")
}

fn ip_version(number: u64) -> Option<&'static str> {
    match number {
        4 => Some("IPv4"),
        6 => Some("IPv6"),
        _ => None,
    }
}

fn md5_type(number: u64) -> Option<&'static str> {
    (number == 4).then_some("MD5 authentication")
}

fn md5_algorithm(number: u64) -> Option<&'static str> {
    (number == 1).then_some("MD5")
}

fn text_type(number: u64) -> Option<&'static str> {
    (number == 3).then_some("Text Authentication TLV")
}

const V1: [Spec; 10] = [
    Spec::new("version", 0, 1, Format::Int),
    Spec::new("opcode", 1, 1, Format::Enum(opcode)),
    Spec::new("state", 2, 1, Format::Enum(state)),
    Spec::new("hellotime", 3, 1, Format::Int),
    Spec::new("holdtime", 4, 1, Format::Int),
    Spec::new("priority", 5, 1, Format::Int),
    Spec::new("group", 6, 1, Format::Int),
    Spec::new("reserved", 7, 1, Format::Int),
    Spec::new("auth", 8, 8, Format::Bytes),
    Spec::new("virtualIP", 16, 4, Format::Ipv4),
];
const V1_LENGTH: usize = 20;
const ADVERTISE: [Spec; 9] = [
    Spec::new("version", 0, 1, Format::Int),
    Spec::new("opcode", 1, 1, Format::Enum(opcode)),
    Spec::new("type", 2, 2, Format::Enum(advertise_type)),
    Spec::new("length", 4, 2, Format::Int),
    Spec::new("state", 6, 1, Format::Enum(advertise_state)),
    Spec::new("reserved1", 7, 1, Format::Int),
    Spec::new("activegroups", 8, 2, Format::Int),
    Spec::new("passivegroups", 10, 2, Format::Int),
    Spec::new("reserved2", 12, 4, Format::Int),
];
const ADVERTISE_LENGTH: usize = 16;
const IP_VERSION: Spec = Spec::new("ipVer", 5, 1, Format::Enum(ip_version));
const V2: [Spec; 11] = [
    Spec::new("type", 0, 1, Format::Enum(v2_type)),
    Spec::new("len", 1, 1, Format::Int),
    Spec::new("version", 2, 1, Format::Int),
    Spec::new("opcode", 3, 1, Format::Enum(opcode)),
    Spec::new("state", 4, 1, Format::Enum(state)),
    IP_VERSION,
    Spec::new("group", 6, 2, Format::Hex),
    Spec::new("identifier", 8, 6, Format::Mac),
    Spec::new("priority", 14, 4, Format::Int),
    Spec::new("hellotime", 18, 4, Format::Int),
    Spec::new("holdtime", 22, 4, Format::Int),
];
/// Up to the virtual address.
const V2_FIXED: usize = 26;
const V2_PADDING: usize = 12;
const MD5: [Spec; 8] = [
    Spec::new("type", 0, 1, Format::Enum(md5_type)),
    Spec::new("len", 1, 1, Format::Int),
    Spec::new("algo", 2, 1, Format::Enum(md5_algorithm)),
    Spec::new("padding", 3, 1, Format::Int),
    Spec::new("flags", 4, 2, Format::Hex),
    Spec::new("sourceip", 6, 4, Format::Ipv4),
    Spec::new("keyid", 10, 4, Format::Hex),
    Spec::new("authdigest", 14, 16, Format::Bytes),
];
/// Through `keyid`: the digest, a fixed-length string, may be cut short.
const MD5_FIXED: usize = 14;
const MD5_LENGTH: usize = 30;
const TEXT_AUTH: [Spec; 3] = [
    Spec::new("type", 0, 1, Format::Enum(text_type)),
    Spec::new("len", 1, 1, Format::Int),
    Spec::new("auth", 2, 8, Format::Bytes),
];
const TEXT_AUTH_FIXED: usize = 2;
const TEXT_AUTH_LENGTH: usize = 10;

/// The HSRP layers Scapy knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    V1,
    Advertise,
    V2,
    Md5,
    TextAuth,
}

impl Class {
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::V1 => ("HSRP", "HSRPv1"),
            Class::Advertise => ("HSRPAdvertise", "HSRP Advertise"),
            Class::V2 => ("HSRPv2", "HSRPv2"),
            Class::Md5 => ("HSRPmd5", "HSRP MD5 Authentication"),
            Class::TextAuth => ("HSRPv2TextAuth", "HSRP Authentication"),
        }
    }
}

/// HSRP after a UDP header whose length field says `udp_length`; `v2_port`: UDP
/// port 2029, which Scapy binds to HSRPv2 directly.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, udp_length: u16, v2_port: bool) {
    let data = walk.data;
    // Scapy's HSRP.dispatch_hook, by the first two bytes.
    let class = match (v2_port, data.get(at), data.get(at + 1)) {
        (true, ..) | (false, Some(1), _) => Class::V2,
        (false, Some(0), Some(3)) => Class::Advertise,
        _ => Class::V1,
    };
    let length = match class {
        Class::V1 => Some(V1_LENGTH),
        Class::Advertise => Some(ADVERTISE_LENGTH),
        _ => v2_length(data, at, end),
    };
    let Some(length) = length.filter(|&l| at + l <= end) else {
        return walk.raw(at, end);
    };
    walk.push(Kind::Hsrp(class), at..at + length);
    let next = at + length;
    match class {
        // HSRP.guess_payload_class: authentication when UDP's length says more than
        // the hello follows.
        Class::V1 if udp_length > 28 => authentication(walk, next, end, Class::Md5),
        Class::V2 => match data.get(next) {
            Some(3) => authentication(walk, next, end, Class::TextAuth),
            Some(4) => authentication(walk, next, end, Class::Md5),
            _ => walk.raw(next, end),
        },
        _ => walk.raw(next, end),
    }
}

/// Version 2's length: the fixed part, the address by `ipVer`, and the padding an
/// IPv4 address has (a fixed-length string: cut short with the packet).
fn v2_length(data: &[u8], at: usize, end: usize) -> Option<usize> {
    if end < at + V2_FIXED {
        return None;
    }
    Some(match IP_VERSION.get(data, at) {
        4 if end >= at + V2_FIXED + 4 => (V2_FIXED + 4 + V2_PADDING).min(end - at),
        4 => return None,
        6 => V2_FIXED + 16,
        _ => end - at,
    })
}

/// An authentication TLV: its fixed fields must be there, its string may be cut.
fn authentication(walk: &mut Walk, at: usize, end: usize, class: Class) {
    let (fixed_part, whole) = match class {
        Class::Md5 => (MD5_FIXED, MD5_LENGTH),
        _ => (TEXT_AUTH_FIXED, TEXT_AUTH_LENGTH),
    };
    if end < at + fixed_part {
        return walk.raw(at, end);
    }
    let layer_end = (at + whole).min(end);
    walk.push(Kind::Hsrp(class), at..layer_end);
    walk.raw(layer_end, end);
}

pub(super) fn fields(data: &[u8], range: Range<usize>, class: Class) -> Vec<Field> {
    let at = range.start;
    match class {
        Class::V1 => fixed(&V1, data, at),
        Class::Advertise => fixed(&ADVERTISE, data, at),
        Class::V2 => {
            let mut out = fixed(&V2, data, at);
            let address = at + V2_FIXED;
            match IP_VERSION.get(data, at) {
                4 => {
                    out.extend(Spec::new("virtualIP", V2_FIXED, 4, Format::Ipv4).field(data, at));
                    let padding = address + 4..address + 4 + V2_PADDING;
                    out.push(string_field("padding", data, padding, range.end));
                }
                6 => out.extend(Spec::new("virtualIP", V2_FIXED, 16, Format::Ipv6).field(data, at)),
                _ => out.push(field(
                    "virtualIP",
                    address..range.end,
                    Value::Bytes(data[address..range.end].to_vec()),
                )),
            }
            out
        }
        Class::Md5 | Class::TextAuth => {
            let (specs, string): (&[Spec], &Spec) = match class {
                Class::Md5 => (&MD5[..7], &MD5[7]),
                _ => (&TEXT_AUTH[..2], &TEXT_AUTH[2]),
            };
            let mut out = fixed(specs, data, at);
            // The string, as much of it as the packet holds.
            let part = at + string.at..at + string.end();
            out.push(string_field(string.name, data, part, range.end));
            out
        }
    }
}
