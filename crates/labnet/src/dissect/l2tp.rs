//! L2TP (UDP port 1701, as Scapy binds it): Scapy's `L2TP` header, whose flag bits
//! say which of its fields are there (the length, the sequence numbers, the offset and
//! the padding it counts), then PPP, which Scapy reads after every L2TP header
//! (control messages too) and whatever the length field says.

use std::ops::Range;

use super::field::{field, fixed, Field, Format, Spec, Value};
use super::{Kind, Walk};

/// The 12 flag bits, least significant first as Scapy names them.
const HDR_NAMES: [&str; 12] = [
    "res00", "res01", "res02", "res03", "priority", "offset", "res06", "sequence", "res08",
    "res09", "length", "control",
];
const CONTROL: u64 = 1 << 11;
const LENGTH: u64 = 1 << 10;
const SEQUENCE: u64 = 1 << 7;
const OFFSET: u64 = 1 << 5;

fn version(number: u64) -> Option<&'static str> {
    (number == 2).then_some("L2TPv2")
}

const FLAGS: [Spec; 2] = [
    Spec::bits("hdr", 0, 2, 0xfff0, Format::Flags(&HDR_NAMES, "+")),
    Spec::bits("version", 0, 2, 0x000f, Format::Enum(version)),
];

/// The names of the header's numbers its flags make present, in order (the offset's
/// padding follows the offset).
fn present(hdr: u64) -> impl Iterator<Item = &'static str> {
    let with_length = hdr & (CONTROL | LENGTH) != 0;
    let with_sequence = hdr & (SEQUENCE | CONTROL) != 0;
    let with_offset = hdr & CONTROL == 0 && hdr & OFFSET != 0;
    [
        ("len", with_length),
        ("tunnel_id", true),
        ("session_id", true),
        ("ns", with_sequence),
        ("nr", with_sequence),
        ("offset", with_offset),
    ]
    .into_iter()
    .filter_map(|(name, here)| here.then_some(name))
}

/// Where the header from `at` ends, if the data holds its numbers (each 2 bytes;
/// else Scapy's fields raise), handing `each` the range of every number after the
/// flags, and of the padding, which takes what there is of it.
fn layout(
    data: &[u8],
    at: usize,
    end: usize,
    mut each: impl FnMut(&'static str, Range<usize>),
) -> Option<usize> {
    if end < at + 2 {
        return None;
    }
    let hdr = FLAGS[0].get(data, at);
    let mut next = at + 2;
    for name in present(hdr) {
        if end < next + 2 {
            return None;
        }
        each(name, next..next + 2);
        let number = usize::from(u16::from_be_bytes([data[next], data[next + 1]]));
        next += 2;
        if name == "offset" {
            let pad = next..(next + number).min(end);
            next = pad.end;
            each("pad", pad);
        }
    }
    Some(next)
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let Some(header_end) = layout(walk.data, at, end, |_, _| {}) else {
        return walk.raw(at, end);
    };
    walk.push(Kind::L2tp, at..header_end);
    walk.within(end, |walk| super::ppp::dissect_ppp(walk, header_end, end));
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let mut out = fixed(&FLAGS, data, range.start);
    layout(data, range.start, range.end, |name, bytes| {
        let value = if name == "pad" {
            Value::Bytes(data[bytes.clone()].to_vec())
        } else {
            Value::Int(u64::from(u16::from_be_bytes([
                data[bytes.start],
                data[bytes.start + 1],
            ])))
        };
        out.push(field(name, bytes, value));
    });
    out
}
