//! IPsec's headers as Scapy reads them: AH (IP protocol 51) with its integrity check
//! value, and what its next header names (Scapy binds only IPv4, by number 0, and
//! IPv6); ESP (protocol 50, and UDP port 4500 for NAT traversal) up to its sequence
//! number, the rest its encrypted data; on port 4500 also the non-ESP marker and the
//! NAT keep-alive, which Scapy tells from ESP by their bytes.

use std::ops::Range;

use super::field::{field, fixed, hex, Field, Format, Spec};
use super::{Kind, Value, Walk};

const AH_NEXT: Spec = Spec::new("nh", 0, 1, Format::Enum(super::ipv4::protocol));
const AH_LENGTH: Spec = Spec::new("payloadlen", 1, 1, Format::Int);
const AH: [Spec; 5] = [
    AH_NEXT,
    AH_LENGTH,
    Spec::new("reserved", 2, 2, Format::Int),
    Spec::new("spi", 4, 4, Format::Hex),
    Spec::new("seq", 8, 4, Format::Int),
];
const AH_FIXED: usize = 12;
const ESP: [Spec; 2] = [
    Spec::new("spi", 0, 4, Format::Hex),
    Spec::new("seq", 4, 4, Format::Int),
];
const ESP_FIXED: usize = 8;

/// Which of the IPsec layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Ah,
    Esp,
    /// RFC 3948's four zero bytes before IKE on port 4500.
    NonEsp,
    NatKeepalive,
}

impl Class {
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Ah => ("AH", "AH"),
            Class::Esp => ("ESP", "ESP"),
            Class::NonEsp => ("NON_ESP", "NON_ESP"),
            Class::NatKeepalive => ("NAT_KEEPALIVE", "NAT_KEEPALIVE"),
        }
    }
}

/// The integrity check value's bytes: `(payloadlen - 1) * 4` of them, as Scapy slices
/// them, a negative length included (Python's `s[:-4]`).
fn icv(data: &[u8], at: usize, end: usize) -> Range<usize> {
    let start = at + AH_FIXED;
    let length = (AH_LENGTH.get(data, at) as i64 - 1) * 4;
    let available = end - start;
    let taken = if length >= 0 {
        (length as usize).min(available)
    } else {
        available.saturating_sub(length.unsigned_abs() as usize)
    };
    start..start + taken
}

pub(super) fn dissect_ah(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    if end < at + AH_FIXED {
        return walk.raw(at, end);
    }
    let payload = icv(data, at, end).end;
    walk.push(Kind::Ipsec(Class::Ah), at..payload);
    match AH_NEXT.get(data, at) {
        // Scapy binds IP to AH's next header 0 (socket.IPPROTO_IP), not to 4.
        0 => walk.tunnel(payload, end, super::ipv4::dissect),
        41 => walk.tunnel(payload, end, super::ipv6::dissect),
        _ => walk.raw(payload, end),
    }
}

/// ESP after IP; `nat_traversal`: after UDP port 4500, where Scapy's ESP dispatch
/// also knows the non-ESP marker and the keep-alive.
pub(super) fn dissect_esp(walk: &mut Walk, at: usize, end: usize, nat_traversal: bool) {
    let data = walk.data;
    let bytes = &data[at..end];
    let class = if nat_traversal && bytes.len() >= 4 && bytes[..4] == [0; 4] {
        Class::NonEsp
    } else if nat_traversal && bytes == [0xff] {
        Class::NatKeepalive
    } else {
        Class::Esp
    };
    let length = match class {
        Class::NonEsp => 4,
        Class::NatKeepalive => 1,
        _ if bytes.len() >= ESP_FIXED => bytes.len(),
        _ => return walk.raw(at, end),
    };
    walk.push(Kind::Ipsec(class), at..at + length);
    if class == Class::NonEsp {
        // Scapy binds ISAKMP after the non-ESP marker.
        return super::isakmp::dissect(walk, at + length, end);
    }
    walk.raw(at + length, end);
}

pub(super) fn fields(data: &[u8], range: Range<usize>, class: Class) -> Vec<Field> {
    let at = range.start;
    let hex = |part: Range<usize>| Value::Text(hex(&data[part]));
    match class {
        Class::Ah => {
            let mut out = fixed(&AH, data, at);
            // The layer ends where its check value does (dissect_ah cut it there).
            let icv = (at + AH_FIXED).min(range.end)..range.end;
            out.push(field("icv", icv.clone(), hex(icv.clone())));
            out.push(field("padding", icv.end..icv.end, hex(icv.end..icv.end)));
            out
        }
        Class::Esp => {
            let mut out = fixed(&ESP, data, at);
            let rest = (at + ESP_FIXED).min(range.end)..range.end;
            out.push(field("data", rest.clone(), hex(rest)));
            out
        }
        Class::NonEsp => fixed(&[Spec::new("non_esp", 0, 4, Format::Hex)], data, at),
        Class::NatKeepalive => fixed(&[Spec::new("nat_keepalive", 0, 1, Format::Hex)], data, at),
    }
}
