//! MGCP (UDP port 2727, as Scapy binds it): Scapy's `MGCP` reads the command line as
//! text fields: the verb, transaction id and endpoint up to a space, the version up to
//! the line's end, each followed by its one-byte separator. A field with no stop takes
//! what is left; the rest of the message (its parameter lines) is Raw.

use std::ops::Range;

use super::field::{field, Field, Value};
use super::{Kind, Walk};

/// The fields in order: a text up to its stop byte, or a separator of one byte.
const FIELDS: [(&str, Option<u8>); 8] = [
    ("verb", Some(b' ')),
    ("sep1", None),
    ("transaction_id", Some(b' ')),
    ("sep2", None),
    ("endpoint", Some(b' ')),
    ("sep3", None),
    ("version", Some(b'\n')),
    ("sep4", None),
];

/// The fields' ranges from `at`, as Scapy's StrStopField and StrFixedLenField take
/// them, and where they end.
fn ranges(data: &[u8], at: usize, end: usize) -> ([Range<usize>; 8], usize) {
    let mut next = at;
    let ranges = FIELDS.map(|(_, stop)| {
        let field_end = match stop {
            Some(stop) => data[next..end]
                .iter()
                .position(|&byte| byte == stop)
                .map_or(end, |at| next + at),
            None => (next + 1).min(end),
        };
        let range = next..field_end;
        next = field_end;
        range
    });
    (ranges, next)
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    if at >= end {
        return;
    }
    let (_, fields_end) = ranges(walk.data, at, end);
    walk.push(Kind::Mgcp, at..fields_end);
    walk.raw(fields_end, end);
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let (ranges, _) = ranges(data, range.start, range.end);
    FIELDS
        .iter()
        .zip(ranges)
        .map(|(&(name, _), range)| field(name, range.clone(), Value::Bytes(data[range].to_vec())))
        .collect()
}
