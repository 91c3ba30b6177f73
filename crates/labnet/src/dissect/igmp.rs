//! IGMP (IP protocol 2) in Scapy's classes: v1/v2 queries, reports and leaves (8
//! bytes), and v3 queries (from 12 bytes), reports with their group records, and the
//! multicast router messages of RFC 4286. Scapy picks the class from the type byte
//! and, for a query, the length; an unknown type is read as a v1/v2 query. A packet
//! shorter than its class's fields is Raw, as Scapy leaves a layer it cannot read.

use super::field::{address_list, counted_list_end, field, fixed, Field, Format, Group, Spec};
use super::{Kind, Value, Walk};

/// Scapy's IGMP classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// IGMP_MQ, and any type Scapy does not know.
    Query,
    ReportV1,
    ReportV2,
    Leave,
    QueryV3,
    ReportV3,
    RouterAdvertisement,
    RouterSolicitation,
    RouterTermination,
}

impl Class {
    /// Scapy's `IGMP.dispatch_hook`: the type byte, and for a query its length.
    fn of(data: &[u8], at: usize, end: usize) -> Class {
        let length = end - at;
        if length < 4 {
            return Class::Query;
        }
        match data[at] {
            0x11 if length >= 12 => Class::QueryV3,
            0x12 => Class::ReportV1,
            0x16 => Class::ReportV2,
            0x17 => Class::Leave,
            0x22 => Class::ReportV3,
            0x30 => Class::RouterAdvertisement,
            0x31 => Class::RouterSolicitation,
            0x32 => Class::RouterTermination,
            _ => Class::Query,
        }
    }

    /// Whether Scapy counts it among the IGMPv3 classes (their own type names and
    /// summary).
    pub fn v3(self) -> bool {
        !matches!(
            self,
            Class::Query | Class::ReportV1 | Class::ReportV2 | Class::Leave
        )
    }

    /// Scapy's class and display names.
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Query => ("IGMP_MQ", "IGMPv1/v2 Membership Query"),
            Class::ReportV1 => ("IGMP_MR", "IGMPv1 Membership Report"),
            Class::ReportV2 => ("IGMPv2_MR", "IGMPv2 Membership Report"),
            Class::Leave => ("IGMPv2_LG", "IGMPv2 Leave Group"),
            Class::QueryV3 => ("IGMPv3_MQ", "IGMPv3 Membership Query"),
            Class::ReportV3 => ("IGMPv3_MR", "IGMPv3 Membership Report"),
            Class::RouterAdvertisement => ("IGMPv3_MRA", "IGMPv3_MRA"),
            Class::RouterSolicitation => ("IGMPv3_MRS", "IGMPv3_MRS"),
            Class::RouterTermination => ("IGMPv3_MRT", "IGMPv3_MRT"),
        }
    }
}

/// The type's name in IGMP v1/v2's table.
fn type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        0x11 => "Group Membership Query",
        0x12 => "Version 1 - Membership Report",
        0x16 => "Version 2 - Membership Report",
        0x17 => "Leave Group",
        _ => return None,
    })
}

/// The type's name in IGMPv3's table.
fn v3_type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        0x11 => "Membership Query",
        0x22 => "Version 3 - Membership Report",
        0x30 => "Multicast Router Advertisement",
        0x31 => "Multicast Router Solicitation",
        0x32 => "Multicast Router Termination",
        _ => return None,
    })
}

/// The type as the class names it (its summary and `show()`).
pub fn type_text(class: Class, number: u8) -> String {
    let names = if class.v3() { v3_type_name } else { type_name };
    names(u64::from(number)).map_or_else(|| number.to_string(), str::to_string)
}

fn record_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Mode Is Include",
        2 => "Mode Is Exclude",
        3 => "Change To Include Mode",
        4 => "Change To Exclude Mode",
        5 => "Allow New Sources",
        6 => "Block Old Sources",
        _ => return None,
    })
}

const TYPE: Spec = Spec::new("type", 0, 1, Format::Enum(type_name));
const V3_TYPE: Spec = Spec::new("type", 0, 1, Format::Enum(v3_type_name));
const CHECKSUM: Spec = Spec::new("chksum", 2, 2, Format::Hex);
const GROUP: Spec = Spec::new("gaddr", 4, 4, Format::Ipv4);
const QUERY_SOURCES: Spec = Spec::new("numsrc", 10, 2, Format::Int);
const QUERY_V3: [Spec; 5] = [
    Spec::bits(
        "flags",
        8,
        1,
        0xf0,
        Format::Flags(&["", "", "", "extended"], "+"),
    ),
    Spec::bits("s", 8, 1, 0x08, Format::Int),
    Spec::bits("qrv", 8, 1, 0x07, Format::Int),
    Spec::new("qqic", 9, 1, Format::Int),
    QUERY_SOURCES,
];
const REPORT_GROUPS: Spec = Spec::new("numgrp", 6, 2, Format::Int);
const REPORT_V3: [Spec; 4] = [
    Spec::new("reserved", 1, 1, Format::Int),
    CHECKSUM,
    Spec::new(
        "flags",
        4,
        2,
        Format::Flags(
            &[
                "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "extended",
            ],
            "+",
        ),
    ),
    REPORT_GROUPS,
];
const ROUTER_ADVERTISEMENT: [Spec; 4] = [
    Spec::new("advIntvl", 1, 1, Format::Int),
    CHECKSUM,
    Spec::new("qryIntvl", 4, 2, Format::Int),
    Spec::new("robust", 6, 2, Format::Int),
];
const ROUTER_SOLICITATION: [Spec; 2] = [Spec::new("reserved", 1, 1, Format::Int), CHECKSUM];
/// A v3 group record: type, aux data length, source count, group, then the sources.
const RECORD: [Spec; 4] = [
    Spec::new("rtype", 0, 1, Format::Enum(record_type)),
    Spec::new("auxdlen", 1, 1, Format::Int),
    Spec::new("numsrc", 2, 2, Format::Int),
    Spec::new("maddr", 4, 4, Format::Ipv4),
];
const RECORD_HEADER: usize = 8;

/// Where each v3 group record starts and ends, as Scapy reads them: one after the
/// other (the aux data is not skipped: Scapy reads the next record there), `numgrp`
/// of them; `None` when the packet ends inside one (Scapy keeps the rest as Raw in
/// the list).
fn records(data: &[u8], at: usize, end: usize) -> Vec<Option<std::ops::Range<usize>>> {
    let count = REPORT_GROUPS.get(data, at) as usize;
    let mut out = Vec::new();
    let mut next = at + 8;
    // Scapy's PacketListField: records while bytes remain, at most `numgrp`.
    for _ in 0..count {
        if next >= end {
            break;
        }
        let record_end = (next + RECORD_HEADER <= end)
            .then(|| {
                let sources = RECORD[2].get(data, next) as usize;
                counted_list_end(next + RECORD_HEADER, end, sources, 4)
            })
            .flatten();
        match record_end {
            Some(record_end) => {
                out.push(Some(next..record_end));
                next = record_end;
            }
            None => {
                out.push(None);
                break;
            }
        }
    }
    out
}

/// How many bytes the class's fields take in the packet at `at`, if it holds them.
fn length(class: Class, data: &[u8], at: usize, end: usize) -> Option<usize> {
    let fixed = match class {
        Class::Query | Class::ReportV1 | Class::ReportV2 | Class::Leave => 8,
        Class::QueryV3 => {
            let sources = QUERY_SOURCES.get(data, at) as usize;
            return counted_list_end(at + 12, end, sources, 4).map(|e| e - at);
        }
        Class::ReportV3 => {
            if end < at + 8 {
                return None;
            }
            let records = records(data, at, end);
            return Some(match records.last() {
                Some(None) => end - at,
                Some(Some(last)) => last.end - at,
                None => 8,
            });
        }
        Class::RouterAdvertisement => 8,
        Class::RouterSolicitation | Class::RouterTermination => 4,
    };
    (at + fixed <= end).then_some(fixed)
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let class = Class::of(data, at, end);
    match length(class, data, at, end) {
        Some(length) => {
            walk.push(
                Kind::Igmp {
                    class,
                    igmp_type: data[at],
                    // Only the v1/v2 classes (8 bytes, checked) have the group here.
                    group: (!class.v3()).then(|| super::ipv4_address(data, at + GROUP.at)),
                },
                at..at + length,
            );
            walk.raw(at + length, end);
        }
        None => walk.raw(at, end),
    }
}

pub(super) fn fields(data: &[u8], range: std::ops::Range<usize>, class: Class) -> Vec<Field> {
    let at = range.start;
    let mrcode = || {
        let code = data[at + 1];
        field(
            "mrcode",
            at + 1..at + 2,
            Value::Text(format!("{code} 1/10sec")),
        )
    };
    match class {
        Class::Query | Class::ReportV1 | Class::ReportV2 | Class::Leave => {
            let mut out = fixed(&[TYPE], data, at);
            out.push(mrcode());
            out.extend(fixed(&[CHECKSUM, GROUP], data, at));
            out
        }
        Class::QueryV3 => {
            let mut out = fixed(&[V3_TYPE], data, at);
            out.push(mrcode());
            out.extend(fixed(&[CHECKSUM, GROUP], data, at));
            out.extend(fixed(&QUERY_V3, data, at));
            out.push(address_list("srcaddrs", data, at + 12..range.end, 4));
            out
        }
        Class::ReportV3 => {
            let mut out = fixed(&[V3_TYPE], data, at);
            out.extend(fixed(&REPORT_V3, data, at));
            // The record that cannot be read (last, if any) starts where the one
            // before it ended.
            let mut next = at + 8;
            let groups = records(data, at, range.end)
                .into_iter()
                .map(|record| match record {
                    Some(record) => {
                        next = record.end;
                        let mut fields = fixed(&RECORD, data, record.start);
                        fields.push(address_list(
                            "srcaddrs",
                            data,
                            record.start + RECORD_HEADER..record.end,
                            4,
                        ));
                        Group::new("IGMPv3 Group Record", record, fields)
                    }
                    None => Group::raw(data, next..range.end),
                })
                .collect();
            let start = (at + 8).min(range.end);
            out.push(field("records", start..range.end, Value::Packets(groups)));
            out
        }
        Class::RouterAdvertisement => {
            let mut out = fixed(&[V3_TYPE], data, at);
            out.extend(fixed(&ROUTER_ADVERTISEMENT, data, at));
            out
        }
        Class::RouterSolicitation | Class::RouterTermination => {
            let mut out = fixed(&[V3_TYPE], data, at);
            out.extend(fixed(&ROUTER_SOLICITATION, data, at));
            out
        }
    }
}
