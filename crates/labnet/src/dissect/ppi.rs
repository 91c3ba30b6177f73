//! CACE's Per-Packet Information header (LINKTYPE_PPI, 192) as Scapy 2.8.0 reads it:
//! version, flags, the header's length and the link type of the frame after it, then
//! the field headers as one `PPI_Hdr` list item (Scapy binds no field classes by
//! default, so the first item's Raw payload holds the rest of them), then the frame in
//! the class of its link type: Ethernet, 802.11 and RadioTap here (what PPI captures
//! carry); others Raw.

use std::ops::Range;

use super::field::{field, fixed, Field, Format, Group, Rest, Spec, Value};
use super::{Kind, Walk};
use crate::linktype;

const HEAD: [Spec; 4] = [
    Spec::new("version", 0, 1, Format::Int),
    Spec::new("flags", 1, 1, Format::Int),
    Spec::new("len", 2, 2, Format::LeInt),
    Spec::new("dlt", 4, 4, Format::LeInt),
];
const HEAD_LENGTH: usize = 8;
const FIELD_HEADER_LENGTH: usize = 4;
const FIELD_HEADER: [Spec; 2] = [
    Spec::new("pfh_type", 0, 2, Format::LeEnum(field_type)),
    Spec::new("pfh_length", 2, 2, Format::LeInt),
];

fn field_type(number: u64) -> Option<&'static str> {
    Some(match number {
        2 => "dot11-common",
        3 => "dot11-nmac",
        4 => "dot11-nmacphy",
        5 => "spectrum-map",
        6 => "process-info",
        7 => "capture-info",
        8 => "aggregation",
        9 => "dot3",
        30002 => "gps",
        30003 => "vector",
        30004 => "sensor",
        30005 => "antenna",
        30006 => "btle",
        _ => return None,
    })
}

/// The PPI header at the frame's start, then the frame it describes.
pub(super) fn dissect(walk: &mut Walk, end: usize) {
    let data = walk.data;
    let Some((_, header_end)) = read(data, 0..end) else {
        return walk.raw(0, end);
    };
    walk.push(Kind::Ppi { end }, 0..header_end);
    if header_end == end {
        return;
    }
    // The header is whole here: `read` took it.
    match HEAD[3].get(data, 0) {
        dlt if dlt == u64::from(linktype::ETHERNET) => super::ether::dissect(walk, header_end),
        dlt if dlt == u64::from(linktype::IEEE802_11) => {
            super::dot11::dissect(walk, header_end, end, false)
        }
        dlt if dlt == u64::from(linktype::IEEE802_11_RADIOTAP) => {
            super::radiotap::dissect(walk, header_end, end)
        }
        _ => walk.raw(header_end, end),
    }
}

/// The header's fields over `range` (the frame), and where it ends; `None` where
/// Scapy gives the class up (its fixed fields cut short).
fn read(data: &[u8], range: Range<usize>) -> Option<(Vec<Field>, usize)> {
    let mut rest = Rest {
        at: range.start,
        end: range.end,
    };
    let mut fields = rest.prefix(data, &HEAD)?;
    // The field headers: `len - 8` bytes (a Python slice), one PPI_Hdr whose Raw
    // payload is what its four bytes leave of them.
    let declared = HEAD[2].get(data, range.start);
    let region = rest.slice(declared as i64 - HEAD_LENGTH as i64);
    let mut headers = Vec::new();
    if region.len() >= FIELD_HEADER_LENGTH {
        let fields = fixed(&FIELD_HEADER, data, region.start);
        let after = region.start + FIELD_HEADER_LENGTH;
        headers.push(Group::new("PPI Header", region.start..after, fields));
        if after < region.end {
            let mut raw = Group::raw(data, after..region.end);
            raw.depth = 1;
            headers.push(raw);
        }
    } else if !region.is_empty() {
        // Scapy's PPI_Hdr raises on fewer than 4 bytes: the list holds them as Raw.
        headers.push(Group::raw(data, region.clone()));
    }
    fields.push(field("headers", region, Value::Packets(headers)));
    Some((fields, rest.at))
}

pub(super) fn fields(data: &[u8], range: Range<usize>, end: usize) -> Vec<Field> {
    read(data, range.start..end).map_or_else(Vec::new, |(fields, _)| fields)
}
