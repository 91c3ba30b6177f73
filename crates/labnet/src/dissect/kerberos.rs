//! Kerberos on UDP and TCP port 88 (as Scapy binds it), for its summary: the message's
//! class by its ASN.1 application tag (`KRB_AS_REQ`, `KRB_TGS_REP`, `KRB_ERROR`, ...),
//! where the message is well-formed BER to its end (every length inside it whole, as
//! Scapy's decoder needs it; anything else is Raw, as Scapy shows it). Scapy's `show()`
//! lists the whole ASN.1 tree; labnet lists the message's class and bytes only
//! (docs/webcapture.md). Bytes after the message are Raw.

use super::ber;
use super::field::{field, fixed, Field, Format, Spec, Value};
use super::{Kind, Walk};

/// Scapy's class for a message by its application tag.
fn class(tag: u8) -> Option<&'static str> {
    Some(match tag {
        0x6a => "KRB_AS_REQ",
        0x6b => "KRB_AS_REP",
        0x6c => "KRB_TGS_REQ",
        0x6d => "KRB_TGS_REP",
        0x6e => "KRB_AP_REQ",
        0x6f => "KRB_AP_REP",
        0x7e => "KRB_ERROR",
        _ => return None,
    })
}

/// The message at `at`, in a datagram ending at `end`.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = &walk.data[..end];
    let message_end = data
        .get(at)
        .and_then(|&tag| class(tag))
        .and_then(|_| element(data, at, 0));
    match message_end {
        Some(message_end) => {
            walk.push(Kind::Kerberos, at..message_end);
            walk.raw(message_end, end);
        }
        None => walk.raw(at, end),
    }
}

/// Kerberos over TCP (port 88, as Scapy binds it): `KerberosTCPHeader`'s 4-byte
/// length, then the message as over UDP (the length is not checked, as Scapy does not
/// check it).
pub(super) fn dissect_tcp(walk: &mut Walk, at: usize, end: usize) {
    if end - at < TCP_HEADER {
        return walk.raw(at, end);
    }
    walk.push(Kind::KerberosTcp, at..at + TCP_HEADER);
    if at + TCP_HEADER < end {
        dissect(walk, at + TCP_HEADER, end);
    }
}

const TCP_HEADER: usize = 4;

/// The TCP header's one field.
pub(super) fn tcp_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&[Spec::new("len", 0, 4, Format::Int)], data, at)
}

/// The message's class, its summary.
pub fn summary(data: &[u8], at: usize) -> &'static str {
    class(data[at]).unwrap_or("Kerberos")
}

pub(super) fn fields(data: &[u8], range: std::ops::Range<usize>) -> Vec<Field> {
    vec![field(
        "root",
        range.clone(),
        Value::Text(summary(data, range.start).to_string()),
    )]
}

/// Where the BER element at `at` ends, when its length is whole and, constructed, its
/// contents are elements that fill it exactly; `None` otherwise. `depth` bounds the
/// nesting a hostile packet could make.
fn element(data: &[u8], at: usize, depth: u32) -> Option<usize> {
    const MAX_DEPTH: u32 = 32;
    if depth > MAX_DEPTH {
        return None;
    }
    let element = ber::element(data, at, data.len())?;
    if element.constructed() {
        let mut inner = element.contents.start;
        while inner < element.end() {
            inner = self::element(&data[..element.end()], inner, depth + 1)?;
        }
    }
    Some(element.end())
}
