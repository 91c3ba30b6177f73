//! ICMPv6 node information queries and replies (RFC 4620, types 139 and 140) as Scapy
//! 2.8.0 reads them: its `_niquery_guesser` picks the class (a query by its query
//! type once it holds over 6 bytes; a reply by its code, then by its query type), Raw
//! otherwise; the data after the nonce is an IPv6 or IPv4 address or a DNS-format name
//! for a query, a TTL and names or (TTL, address) pairs for a reply. What the data
//! field does not take is Raw after the message.

use std::ops::Range;

use super::field::{field, fixed, python_bytes, trim_nuls, Field, Format, Spec, Value};

/// The class Scapy's guesser picks for a message of this type, code, query type and
/// length (Scapy's class and display names); `None`: Raw.
pub(super) fn names(
    icmp_type: u8,
    code: u8,
    qtype: u16,
    length: usize,
) -> Option<(&'static str, &'static str)> {
    let long = length > 6;
    Some(match (icmp_type, code) {
        (139, _) if long => match qtype {
            0 => (
                "ICMPv6NIQueryNOOP",
                "ICMPv6 Node Information Query - NOOP Query",
            ),
            2 => (
                "ICMPv6NIQueryName",
                "ICMPv6 Node Information Query - IPv6 Name Query",
            ),
            3 => (
                "ICMPv6NIQueryIPv6",
                "ICMPv6 Node Information Query - IPv6 Address Query",
            ),
            4 => (
                "ICMPv6NIQueryIPv4",
                "ICMPv6 Node Information Query - IPv4 Address Query",
            ),
            _ => return None,
        },
        (140, 0) if long => match qtype {
            2 => (
                "ICMPv6NIReplyName",
                "ICMPv6 Node Information Reply - Node Names",
            ),
            3 => (
                "ICMPv6NIReplyIPv6",
                "ICMPv6 Node Information Reply - IPv6 addresses",
            ),
            4 => (
                "ICMPv6NIReplyIPv4",
                "ICMPv6 Node Information Reply - IPv4 addresses",
            ),
            _ => (
                "ICMPv6NIReplyNOOP",
                "ICMPv6 Node Information Reply - NOOP Reply",
            ),
        },
        (140, 1) => (
            "ICMPv6NIReplyRefuse",
            "ICMPv6 Node Information Reply - Responder refuses to supply answer",
        ),
        (140, 2) => (
            "ICMPv6NIReplyUnknown",
            "ICMPv6 Node Information Reply - Qtype unknown to the responder",
        ),
        _ => return None,
    })
}

fn query_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "IPv6 Query",
        1 => "Name Query",
        2 => "IPv4 Query",
        _ => return None,
    })
}

fn reply_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Successful Reply",
        1 => "Response Refusal",
        3 => "Unknown query type",
        _ => return None,
    })
}

fn query_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "NOOP",
        2 => "Node Name",
        3 => "IPv6 Address",
        4 => "IPv4 Address",
        _ => return None,
    })
}

const HEAD: usize = 8;
const NONCE: Range<usize> = 8..16;

/// What the data field is, as Scapy's NIQueryDataField or NIReplyDataField reads it
/// from `start` (after the nonce) to `end`: the bytes it takes and how it shows them;
/// `None` where Scapy cannot read it.
fn data_field(data: &[u8], at: usize, start: usize, end: usize) -> Option<(Range<usize>, String)> {
    let code = data[at + 1];
    let qtype = u16::from_be_bytes([data[at + 4], data[at + 5]]);
    let none = (start..start, "b''".to_string());
    let take = |n: usize| (start + n <= end).then_some(start..start + n);
    if data[at] == 139 {
        return Some(match (qtype, code) {
            (0, _) => none,
            (_, 0) => {
                let range = take(16)?;
                let address = super::ipv6_address(data, range.start);
                (range, format!("'{address}'"))
            }
            (_, 2) => {
                let range = take(4)?;
                let address = super::ipv4_address(data, range.start);
                (range, format!("'{address}'"))
            }
            _ => (start..end, query_name(&data[start..end])),
        });
    }
    if code != 0 || qtype == 0 {
        return Some(none);
    }
    Some(match qtype {
        2 if end - start < 4 => none,
        2 => {
            let ttl = u32::from_be_bytes(data[start..start + 4].try_into().expect("4 bytes"));
            let names = reply_names(&data[start + 4..end])?;
            (start..end, format!("ttl:{ttl} {}", names.join(",")))
        }
        3 | 4 => {
            let width = if qtype == 3 { 20 } else { 8 };
            let pairs = (end - start) / width;
            let shown: Vec<String> = (0..pairs)
                .map(|n| {
                    let item = start + n * width;
                    let ttl = u32::from_be_bytes(data[item..item + 4].try_into().expect("4 bytes"));
                    let address = if qtype == 3 {
                        super::ipv6_address(data, item + 4).to_string()
                    } else {
                        super::ipv4_address(data, item + 4).to_string()
                    };
                    format!("({ttl}, {address})")
                })
                .collect();
            (
                start..start + pairs * width,
                format!("[ {} ]", shown.join(", ")),
            )
        }
        _ => (start..end, python_bytes(&data[start..end])),
    })
}

/// A query's name as Scapy's NIQueryDataField shows it: the labels (undecodable bytes
/// as `\xNN`) joined by dots up to the first empty one, without the last dot.
fn query_name(mut bytes: &[u8]) -> String {
    let mut text = String::new();
    while let Some((&length, rest)) = bytes.split_first() {
        if length == 0 {
            break;
        }
        let label = &rest[..usize::from(length).min(rest.len())];
        text.push_str(&super::dns::backslash_replace(label));
        text.push('.');
        bytes = &rest[label.len()..];
    }
    if text.ends_with('.') {
        text.pop();
    }
    text
}

/// Scapy's `dnsrepr2names`: the names each 0 ends (a second 0 after a one-label name
/// skipped); `None` where a length byte has its top bits set (Scapy raises).
fn reply_names(mut bytes: &[u8]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    while let Some((&length, rest)) = bytes.split_first() {
        bytes = rest;
        if length == 0 {
            if current.last() == Some(&b'.') {
                current.pop();
            }
            names.push(super::dns::backslash_replace(&current));
            current.clear();
            if bytes.first() == Some(&0) {
                bytes = &bytes[1..];
            }
            continue;
        }
        if length & 0xc0 != 0 {
            return None;
        }
        let label = &bytes[..usize::from(length).min(bytes.len())];
        current.extend_from_slice(label);
        current.push(b'.');
        bytes = &bytes[label.len()..];
    }
    Some(names)
}

/// How many bytes of the message at `at` (to `end`) Scapy's class takes; `None`
/// where it has no class for it or cannot read it (Raw).
pub(super) fn length(data: &[u8], at: usize, end: usize) -> Option<usize> {
    let qtype = if end >= at + 6 {
        u16::from_be_bytes([data[at + 4], data[at + 5]])
    } else {
        0
    };
    names(data[at], data[at + 1], qtype, end - at)?;
    if end < at + HEAD {
        return None;
    }
    let nonce_end = (at + NONCE.end).min(end);
    let (range, _) = data_field(data, at, nonce_end, end)?;
    Some(range.end.max(nonce_end) - at)
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let at = range.start;
    let query = data[at] == 139;
    let code = if query { query_code } else { reply_code };
    let mut out = fixed(
        &[
            super::icmpv6::TYPE,
            Spec::new("code", 1, 1, Format::Enum(code)),
            Spec::new("cksum", 2, 2, Format::Hex),
            Spec::new("qtype", 4, 2, Format::Enum(query_type)),
            Spec::bits("unused", 6, 2, 0xffc0, Format::Int),
            Spec::bits(
                "flags",
                6,
                2,
                0x003f,
                Format::Flags(&["T", "A", "C", "L", "S", "G"], ""),
            ),
        ],
        data,
        at,
    );
    let nonce = at + NONCE.start..(at + NONCE.end).min(range.end);
    out.push(field(
        "nonce",
        nonce.clone(),
        Value::Bytes(trim_nuls(&data[nonce.clone()]).to_vec()),
    ));
    let shown = data_field(data, at, nonce.end, range.end)
        .map(|(taken, text)| (taken, Value::Text(text)))
        .unwrap_or((nonce.end..nonce.end, Value::None));
    out.push(field("data", shown.0, shown.1));
    out
}
