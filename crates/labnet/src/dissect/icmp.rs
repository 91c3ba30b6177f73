//! ICMP for IPv4: the fields Scapy shows for each message type, and the packet an
//! error quotes (Scapy's IPerror / TCPerror / UDPerror / ICMPerror).
//!
//! RFC 4884 extensions are not decoded: the quoted bytes all belong to the quoted
//! packet. (Scapy 2.8.0 reads any error of 144 bytes or more as extended, because its
//! checksum test compares a number with bytes; its `ext:N` is not reproduced.)

use std::ops::Range;

use super::field::{field, fixed, Field, Format, Spec};
use super::{Kind, Value, Walk};

/// Scapy's ICMP type names.
pub fn type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "echo-reply",
        3 => "dest-unreach",
        4 => "source-quench",
        5 => "redirect",
        8 => "echo-request",
        9 => "router-advertisement",
        10 => "router-solicitation",
        11 => "time-exceeded",
        12 => "parameter-problem",
        13 => "timestamp-request",
        14 => "timestamp-reply",
        15 => "information-request",
        16 => "information-response",
        17 => "address-mask-request",
        18 => "address-mask-reply",
        30 => "traceroute",
        31 => "datagram-conversion-error",
        32 => "mobile-host-redirect",
        33 => "ipv6-where-are-you",
        34 => "ipv6-i-am-here",
        35 => "mobile-registration-request",
        36 => "mobile-registration-reply",
        37 => "domain-name-request",
        38 => "domain-name-reply",
        39 => "skip",
        40 => "photuris",
        _ => return None,
    })
}

/// Scapy's ICMP code names, for the types that have them.
pub fn code_name(icmp_type: u8, code: u8) -> Option<&'static str> {
    Some(match (icmp_type, code) {
        (3, 0) => "network-unreachable",
        (3, 1) => "host-unreachable",
        (3, 2) => "protocol-unreachable",
        (3, 3) => "port-unreachable",
        (3, 4) => "fragmentation-needed",
        (3, 5) => "source-route-failed",
        (3, 6) => "network-unknown",
        (3, 7) => "host-unknown",
        (3, 9) => "network-prohibited",
        (3, 10) => "host-prohibited",
        (3, 11) => "TOS-network-unreachable",
        (3, 12) => "TOS-host-unreachable",
        (3, 13) => "communication-prohibited",
        (3, 14) => "host-precedence-violation",
        (3, 15) => "precedence-cutoff",
        (5, 0) => "network-redirect",
        (5, 1) => "host-redirect",
        (5, 2) => "TOS-network-redirect",
        (5, 3) => "TOS-host-redirect",
        (11, 0) => "ttl-zero-during-transit",
        (11, 1) => "ttl-zero-during-reassembly",
        (12, 0) => "ip-header-bad",
        (12, 1) => "required-option-missing",
        (40, 0) => "bad-spi",
        (40, 1) => "authentication-failed",
        (40, 2) => "decompression-failed",
        (40, 3) => "decryption-failed",
        (40, 4) => "need-authentification",
        (40, 5) => "need-authorization",
        _ => return None,
    })
}

pub const TYPE: Spec = Spec::new("type", 0, 1, Format::Enum(type_name));
const CHKSUM: Spec = Spec::new("chksum", 2, 2, Format::Hex);
const ID: Spec = Spec::new("id", 4, 2, Format::Hex);
const SEQ: Spec = Spec::new("seq", 6, 2, Format::Hex);
const MIN_HEADER: usize = 8;

/// Types with an identifier and sequence number (Scapy's icmp_id_seq_types).
fn has_id_seq(icmp_type: u8) -> bool {
    matches!(icmp_type, 0 | 8 | 13..=18 | 37 | 38)
}

/// Types whose body quotes the packet that caused them.
fn is_error(icmp_type: u8) -> bool {
    matches!(icmp_type, 3 | 4 | 5 | 11 | 12)
}

/// The header's length for a type: what Scapy's conditional fields add up to.
fn header_length(icmp_type: u8) -> usize {
    match icmp_type {
        13 | 14 => 20,
        17 | 18 | 37 | 38 => 12,
        _ => MIN_HEADER,
    }
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, quoted: bool) {
    let data = walk.data;
    let icmp_type = data.get(at).copied().unwrap_or(0);
    let header = at + header_length(icmp_type);
    if end < header {
        return walk.raw(at, end);
    }
    walk.push(
        Kind::Icmp {
            icmp_type,
            code: data[at + 1],
            quoted,
        },
        at..end,
    );
    if is_error(icmp_type) && !quoted {
        // Errors quote the offending IP header and the first bytes of its payload.
        walk.within(end, |walk| super::ipv4::dissect(walk, header, true));
    } else {
        walk.raw(header, end);
    }
}

/// Scapy's ICMPTimeStampField: milliseconds since midnight UT as `H:M:S.ms`.
fn timestamp(data: &[u8], at: usize, name: &'static str) -> Field {
    let spec = Spec::new(name, 0, 4, Format::Int);
    let ms = spec.get(data, at);
    let text = format!(
        "{}:{}:{}.{}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    );
    field(name, at..at + 4, Value::Text(text))
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let at = range.start;
    let icmp_type = data[at];
    let code = data[at + 1];
    let mut out = vec![TYPE.field(data, at).expect("checked length")];
    out.push(field(
        "code",
        at + 1..at + 2,
        Value::named(u64::from(code), code_name(icmp_type, code)),
    ));
    out.extend(CHKSUM.field(data, at));
    let int = |name, offset, len| Spec::new(name, offset, len, Format::Int);
    let ipv4 = |name, offset| Spec::new(name, offset, 4, Format::Ipv4);
    if has_id_seq(icmp_type) {
        out.extend(fixed(&[ID, SEQ], data, at));
    }
    match icmp_type {
        13 | 14 => {
            out.push(timestamp(data, at + 8, "ts_ori"));
            out.push(timestamp(data, at + 12, "ts_rx"));
            out.push(timestamp(data, at + 16, "ts_tx"));
        }
        5 => out.extend(ipv4("gw", 4).field(data, at)),
        12 => out.extend(int("ptr", 4, 1).field(data, at)),
        3 | 11 => out.extend(int("reserved", 4, 1).field(data, at)),
        17 | 18 => out.extend(ipv4("addr_mask", 8).field(data, at)),
        _ => {}
    }
    if matches!(icmp_type, 3 | 11 | 12) {
        out.extend(int("length", 5, 1).field(data, at));
    }
    if icmp_type == 3 {
        out.extend(int("nexthopmtu", 6, 2).field(data, at));
    }
    // Scapy's `unused`: two bytes for 11 and 12, four for the types that have nothing
    // else there, none (`b''`) otherwise.
    let header_end = at + header_length(icmp_type);
    match icmp_type {
        11 | 12 => out.extend(int("unused", 6, 2).field(data, at)),
        0 | 3 | 5 | 8 | 13..=18 => out.push(field(
            "unused",
            header_end..header_end,
            Value::Bytes(Vec::new()),
        )),
        _ => out.extend(int("unused", header_length(icmp_type) - 4, 4).field(data, at)),
    }
    if matches!(icmp_type, 3 | 11 | 12) {
        out.push(field(
            "extpad",
            header_end..header_end,
            Value::Bytes(Vec::new()),
        ));
        out.push(field("ext", header_end..header_end, Value::None));
    }
    out
}
