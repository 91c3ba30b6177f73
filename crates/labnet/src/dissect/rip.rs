//! RIP (UDP port 520, as Scapy binds it): the header, then its 20-byte entries, each
//! a layer of its own as Scapy chains them (`RIP / RIPEntry / RIPEntry`), and the
//! authentication entry (address family 0xffff) wherever one starts. An entry cut
//! short is Raw, as Scapy leaves a layer it cannot read.

use std::ops::Range;

use super::field::{field, fixed, string_field, Field, Format, Spec};
use super::{Kind, Value, Walk};

fn command(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "req",
        2 => "resp",
        3 => "traceOn",
        4 => "traceOff",
        5 => "sun",
        6 => "trigReq",
        7 => "trigResp",
        8 => "trigAck",
        9 => "updateReq",
        10 => "updateResp",
        11 => "updateAck",
        _ => return None,
    })
}

fn family(number: u64) -> Option<&'static str> {
    match number {
        2 => Some("IP"),
        0xffff => Some("Auth"),
        _ => None,
    }
}

fn metric(number: u64) -> Option<&'static str> {
    (number == 16).then_some("Unreach")
}

fn authentication_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "md5authdata",
        2 => "simple",
        3 => "md5",
        _ => return None,
    })
}

const HEADER: [Spec; 3] = [
    Spec::new("cmd", 0, 1, Format::Enum(command)),
    Spec::new("version", 1, 1, Format::Int),
    Spec::new("null", 2, 2, Format::Int),
];
const HEADER_LENGTH: usize = 4;
const ENTRY: [Spec; 6] = [
    Spec::new("AF", 0, 2, Format::Enum(family)),
    Spec::new("RouteTag", 2, 2, Format::Int),
    Spec::new("addr", 4, 4, Format::Ipv4),
    Spec::new("mask", 8, 4, Format::Ipv4),
    Spec::new("nextHop", 12, 4, Format::Ipv4),
    Spec::new("metric", 16, 4, Format::Enum(metric)),
];
const ENTRY_LENGTH: usize = 20;
const AUTH_TYPE: Spec = Spec::new("authtype", 2, 2, Format::Enum(authentication_type));
const AUTH_HEAD: [Spec; 2] = [Spec::new("AF", 0, 2, Format::Enum(family)), AUTH_TYPE];
const MD5: [Spec; 4] = [
    Spec::new("digestoffset", 4, 2, Format::Int),
    Spec::new("keyid", 6, 1, Format::Int),
    Spec::new("authdatalen", 7, 1, Format::Int),
    Spec::new("seqnum", 8, 4, Format::Int),
];
/// The simple password and the MD5 form's zero padding: fixed-length strings.
const PASSWORD: Range<usize> = 4..20;
const ZERO_PAD: Range<usize> = 12..20;

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    if end < at + HEADER_LENGTH {
        return walk.raw(at, end);
    }
    walk.push(Kind::Rip, at..end);
    let mut next = at + HEADER_LENGTH;
    // Scapy's RIP and RIPEntry: an authentication entry where 0xffff starts, else an
    // entry, each the payload of the one before.
    while next < end {
        if walk.chain_full() {
            return walk.raw(next, end);
        }
        let data = walk.data;
        if data[next..end].starts_with(&[0xff, 0xff]) {
            match authentication_end(data, next, end) {
                Some(auth_end) => {
                    walk.push(Kind::RipAuthentication, next..end);
                    next = auth_end;
                }
                None => return walk.raw(next, end),
            }
        } else if end - next >= ENTRY_LENGTH {
            walk.push(Kind::RipEntry, next..end);
            next += ENTRY_LENGTH;
        } else {
            return walk.raw(next, end);
        }
    }
}

/// Where an authentication entry ends, by its type; `None` when its fixed fields are
/// cut short (the strings may be: Scapy reads what is there).
fn authentication_end(data: &[u8], at: usize, end: usize) -> Option<usize> {
    if end < at + 4 {
        return None;
    }
    Some(match AUTH_TYPE.get(data, at) {
        1 => end,
        2 => (at + PASSWORD.end).min(end),
        3 if end >= at + ZERO_PAD.start => (at + ZERO_PAD.end).min(end),
        3 => return None,
        _ => at + 4,
    })
}

pub(super) fn header_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&HEADER, data, at)
}

pub(super) fn entry_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&ENTRY, data, at)
}

/// The authentication entry's fields; `range` runs to the end of the datagram, the
/// entry itself to where [`authentication_end`] says.
pub(super) fn authentication_fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let at = range.start;
    let end = authentication_end(data, at, range.end).unwrap_or(range.end);
    let mut out = fixed(&AUTH_HEAD, data, at);
    let string = |name, within: Range<usize>| {
        string_field(name, data, at + within.start..at + within.end, end)
    };
    match AUTH_TYPE.get(data, at) {
        // A StrLenField: every byte to the end, NULs included.
        1 => {
            let authdata = (at + 4).min(end)..end;
            let value = Value::Bytes(data[authdata.clone()].to_vec());
            out.push(field("authdata", authdata, value));
        }
        2 => out.push(string("password", PASSWORD)),
        3 => {
            out.extend(fixed(&MD5, data, at));
            out.push(string("zeropad", ZERO_PAD));
        }
        _ => {}
    }
    out
}
