//! IPv6 and its extension headers: hop-by-hop and destination options (with their
//! options as Scapy dissects them), routing, fragment.

use std::borrow::Cow;

use super::field::{field, fixed, packed_addresses, packet_list, Field, Format, Group, Rest, Spec};
use super::{ipv6_address, Kind, Value, Walk};

/// Scapy's `ipv6nh`: next-header names.
fn next_header(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Hop-by-Hop Option Header",
        4 => "IP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing Header",
        44 => "Fragment Header",
        47 => "GRE",
        50 => "ESP Header",
        51 => "AH Header",
        58 => "ICMPv6",
        59 => "No Next Header",
        60 => "Destination Option Header",
        112 => "VRRP",
        132 => "SCTP",
        135 => "Mobility Header",
        _ => return None,
    })
}

pub const PLEN: Spec = Spec::new("plen", 4, 2, Format::Int);
pub const NH: Spec = Spec::new("nh", 6, 1, Format::Enum(next_header));
pub const SRC: Spec = Spec::new("src", 8, 16, Format::Ipv6);
pub const DST: Spec = Spec::new("dst", 24, 16, Format::Ipv6);
const FIELDS: [Spec; 8] = [
    Spec::bits("version", 0, 4, 0xf000_0000, Format::Int),
    Spec::bits("tc", 0, 4, 0x0ff0_0000, Format::Int),
    Spec::bits("fl", 0, 4, 0x000f_ffff, Format::Int),
    PLEN,
    NH,
    Spec::new("hlim", 7, 1, Format::Int),
    SRC,
    DST,
];
const HEADER: usize = 40;

/// The first two fields of every extension header.
const EXT_NH: Spec = Spec::new("nh", 0, 1, Format::Enum(next_header));
const EXT_LEN: Spec = Spec::new("len", 1, 1, Format::Int);

const ROUTING: [Spec; 5] = [
    EXT_NH,
    EXT_LEN,
    Spec::new("type", 2, 1, Format::Int),
    Spec::new("segleft", 3, 1, Format::Int),
    Spec::new("reserved", 4, 4, Format::Int),
];

const FRAGMENT_OFFSET: Spec = Spec::bits("offset", 2, 2, 0xfff8, Format::Int);
const FRAGMENT: [Spec; 6] = [
    EXT_NH,
    Spec::new("res1", 1, 1, Format::Int),
    FRAGMENT_OFFSET,
    Spec::bits("res2", 2, 2, 0x0006, Format::Int),
    Spec::bits("m", 2, 2, 0x0001, Format::Int),
    Spec::new("id", 4, 4, Format::Int),
];
const FRAGMENT_LENGTH: usize = 8;

/// The routing type Scapy reads as its segment routing header (RFC 8754).
const SEGMENT_ROUTING: u8 = 4;
const SEGMENT_ROUTING_HEADER: [Spec; 12] = [
    EXT_NH,
    EXT_LEN,
    Spec::new("type", 2, 1, Format::Int),
    Spec::new("segleft", 3, 1, Format::Int),
    Spec::new("lastentry", 4, 1, Format::Int),
    Spec::bits("unused1", 5, 1, 0x80, Format::Int),
    Spec::bits("protected", 5, 1, 0x40, Format::Int),
    Spec::bits("oam", 5, 1, 0x20, Format::Int),
    Spec::bits("alert", 5, 1, 0x10, Format::Int),
    Spec::bits("hmac", 5, 1, 0x08, Format::Int),
    Spec::bits("unused2", 5, 1, 0x07, Format::Int),
    Spec::new("tag", 6, 2, Format::Int),
];

fn segment_routing_tlv(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Pad1 TLV",
        1 => "Ingress Node TLV",
        2 => "Egress Node TLV",
        4 => "PadN TLV",
        5 => "HMAC TLV",
        _ => return None,
    })
}

/// A segment routing header at `at` (its packet's payload ends at `end`), read as
/// Scapy reads it: `lastentry + 1` segments (whole addresses only), then TLVs from
/// `8 * len - 16 * (lastentry + 1)` bytes of the rest (a Python slice); how many bytes
/// it takes and its fields, or `None` where Scapy cannot read it.
fn segment_routing(data: &[u8], at: usize, end: usize) -> Option<(usize, Vec<Field>)> {
    let mut rest = Rest { at, end };
    let mut fields = rest.prefix(data, &SEGMENT_ROUTING_HEADER)?;
    let entries = usize::from(data[at + 4]) + 1;
    let whole = ((end - rest.at) / 16).min(entries);
    let segments = rest.at..rest.at + whole * 16;
    fields.push(address_list(
        "addresses",
        data,
        segments.start,
        segments.end,
    ));
    rest.at = segments.end;
    let units = i64::from(data[at + 1]);
    let region = rest.slice(8 * units - 16 * entries as i64);
    let tlvs = packet_list(data, region.clone(), |item| {
        segment_routing_tlv_read(data, item)
    })?;
    fields.push(field("tlv_objects", region.clone(), Value::Packets(tlvs)));
    Some((rest.at - at, fields))
}

/// One segment routing TLV in Scapy's class for its type.
fn segment_routing_tlv_read(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    let kind = Spec::new("type", 0, 1, Format::Enum(segment_routing_tlv));
    let len = Spec::new("len", 1, 1, Format::Int);
    let bytes = |rest: &mut Rest, name: &'static str, minus: i64| {
        let value = rest.slice(i64::from(data[at + 1]) - minus);
        field(name, value.clone(), Value::Bytes(data[value].to_vec()))
    };
    let (name, fields) = match data[at] {
        0 => (
            "IPv6 Option Header Segment Routing - Pad1 TLV",
            rest.prefix(data, &[kind])?,
        ),
        1 | 2 => {
            let (name, node) = if data[at] == 1 {
                (
                    "IPv6 Option Header Segment Routing - Ingress Node TLV",
                    "ingress_node",
                )
            } else {
                (
                    "IPv6 Option Header Segment Routing - Egress Node TLV",
                    "egress_node",
                )
            };
            let specs = [
                kind,
                len,
                Spec::new("reserved", 2, 1, Format::Int),
                Spec::new("flags", 3, 1, Format::Int),
                Spec::new(node, 4, 16, Format::Ipv6),
            ];
            (name, rest.prefix(data, &specs)?)
        }
        4 => {
            let mut fields = rest.prefix(data, &[kind, len])?;
            fields.push(bytes(rest, "padding", 0));
            ("IPv6 Option Header Segment Routing - PadN TLV", fields)
        }
        // Scapy's HMAC TLV has a 2-byte length (its FieldLenField's default).
        5 => {
            let wide_len = Spec::new("len", 1, 2, Format::Int);
            let specs = [
                kind,
                wide_len,
                Spec::bits("D", 3, 2, 0x8000, Format::Int),
                Spec::bits("reserved", 3, 2, 0x7fff, Format::Int),
                Spec::new("hmackeyid", 5, 4, Format::Int),
            ];
            let mut fields = rest.prefix(data, &specs)?;
            let hmac = rest.slice(wide_len.get(data, at) as i64 - 48);
            fields.push(field(
                "hmac",
                hmac.clone(),
                Value::Bytes(data[hmac].to_vec()),
            ));
            ("IPv6 Option Header Segment Routing - HMAC TLV", fields)
        }
        _ => {
            let mut fields = rest.prefix(data, &[kind, len])?;
            fields.push(bytes(rest, "value", 0));
            ("IPv6 Option Header Segment Routing - Generic TLV", fields)
        }
    };
    Some(Group::new(name, at..rest.at, fields))
}

pub(super) fn segment_routing_fields(data: &[u8], at: usize, end: usize) -> Vec<Field> {
    segment_routing(data, at, end.min(data.len()))
        .map(|(_, fields)| fields)
        .unwrap_or_default()
}

/// At most this many extension headers are followed, in any order.
const MAX_EXTENSION_HEADERS: usize = 8;

/// How many bytes after the header Scapy takes for the payload: `plen`, or for a
/// jumbogram (plen 0 and a hop-by-hop header first) the hop-by-hop header's length
/// plus the Jumbo Payload option's, found as Scapy's `extract_padding` looks for it:
/// at offsets 2, 2, 6, 10, ... of the payload, its value read in the host's byte
/// order (little-endian here, as on the machines Scapy runs on). `None` where that
/// search fails as Scapy's does (an index one past the end, a value cut short).
fn payload_length(data: &[u8], at: usize) -> Option<usize> {
    let plen = PLEN.get(data, at) as usize;
    let payload = &data[at + HEADER..];
    if plen != 0 || NH.get(data, at) != 0 || payload.len() < 8 {
        return Some(plen);
    }
    let header = 8 + usize::from(payload[1]) * 8;
    let offsets = std::iter::once(2).chain((0..).map(|n| 4 * n + 2));
    let mut jumbo = 0;
    for offset in offsets.take_while(|&o| o <= payload.len()) {
        if *payload.get(offset)? == 0xc2 {
            let value = payload.get(offset + 2..offset + 6)?;
            jumbo = u32::from_le_bytes(value.try_into().expect("4 bytes")) as usize;
            break;
        }
    }
    Some(header + jumbo)
}

/// `quoted`: the header inside an ICMPv6 error (Scapy's IPerror6), usually cut short.
pub(super) fn dissect(walk: &mut Walk, at: usize, quoted: bool) {
    let data = walk.data;
    if data.len() < at + HEADER {
        return walk.raw(at, data.len());
    }
    let end = if quoted {
        data.len()
    } else {
        let Some(length) = payload_length(data, at) else {
            // Scapy's jumbogram search fails (and the header with it).
            return walk.raw(at, data.len());
        };
        (at + HEADER + length).min(data.len())
    };
    let next_header = NH.get(data, at) as u8;
    walk.push(
        Kind::Ipv6 {
            src: ipv6_address(data, at + SRC.at),
            dst: ipv6_address(data, at + DST.at),
            next_header,
            quoted,
        },
        at..end,
    );
    let mut next = next_header;
    let mut payload = at + HEADER;
    for _ in 0..MAX_EXTENSION_HEADERS {
        if next == 43 && matches!(end - payload, 1 | 2) {
            // Scapy's IPv6 guesser reads the routing type in the third byte: it
            // raises, and the header that named the routing header fails with it.
            let failed = walk.layers.pop().expect("the header naming it");
            if matches!(failed.kind, Kind::Ipv6 { .. }) {
                return walk.raw(failed.range.start, walk.data.len());
            }
            walk.raw(failed.range.start, end);
            return walk.padding_unless(quoted, end);
        }
        if next == 43 && end - payload > 2 && data[payload + 2] == SEGMENT_ROUTING {
            let Some((length, _)) = segment_routing(data, payload, end) else {
                walk.raw(payload, end);
                return walk.padding_unless(quoted, end);
            };
            walk.push(Kind::Ipv6SegmentRouting { end }, payload..payload + length);
            next = data[payload];
            payload += length;
            continue;
        }
        if next == 43 {
            // Scapy's IPv6ExtHdrRouting: 8 fixed bytes, then the whole addresses of
            // `8 * len` bytes (a slice of the rest); what is left goes to the next
            // header.
            if end < payload + 8 {
                walk.raw(payload, end);
                return walk.padding_unless(quoted, end);
            }
            let units = i64::from(data[payload + 1]);
            let list = Rest {
                at: payload + 8,
                end,
            }
            .slice(8 * units);
            let length = 8 + list.len() / 16 * 16;
            walk.push(Kind::Ipv6Routing, payload..payload + length);
            next = data[payload];
            payload += length;
            continue;
        }
        let kind = match next {
            0 => Kind::Ipv6HopByHop,
            60 => Kind::Ipv6DestOpt,
            44 => {
                if end < payload + FRAGMENT_LENGTH {
                    walk.raw(payload, end);
                    return walk.padding_unless(quoted, end);
                }
                let offset = FRAGMENT_OFFSET.get(data, payload) as u16;
                walk.push(
                    Kind::Ipv6Fragment { offset },
                    payload..payload + FRAGMENT_LENGTH,
                );
                next = data[payload];
                payload += FRAGMENT_LENGTH;
                if offset != 0 {
                    // A later fragment: the rest of the datagram, no header of its own.
                    walk.raw(payload, end);
                    return walk.padding_unless(quoted, end);
                }
                continue;
            }
            _ => break,
        };
        // Options headers: next header, length in 8-byte units beyond the first 8,
        // then the options in what there is of those bytes (Scapy's list slice).
        if end < payload + 2 {
            walk.raw(payload, end);
            return walk.padding_unless(quoted, end);
        }
        let options = (usize::from(data[payload + 1]) + 1) * 8 - 2;
        let length = 2 + options.min(end - payload - 2);
        walk.push(kind, payload..payload + length);
        next = data[payload];
        payload += length;
    }
    match next {
        6 => super::tcp::dissect(walk, payload, end, quoted),
        17 => super::udp::dissect(walk, payload, end, quoted),
        58 => super::icmpv6::dissect(walk, payload, end),
        // Tunnels and VRRPv3, as Scapy's IPv6 binds them (IPerror6 falls back on
        // IPv6's bindings, with their ordinary classes).
        41 => walk.tunnel(payload, end, dissect),
        4 => walk.tunnel(payload, end, super::ipv4::dissect),
        47 => super::gre::dissect(walk, payload, end),
        51 => super::ipsec::dissect_ah(walk, payload, end),
        50 => super::ipsec::dissect_esp(walk, payload, end, false),
        112 => super::vrrp::dissect(walk, payload, end, true),
        132 => super::sctp::dissect(walk, payload, end, false),
        _ => walk.raw(payload, end),
    }
    walk.padding_unless(quoted, end);
}

impl Walk<'_> {
    /// Padding after a datagram; a quoted one has none (its end is the error's end).
    fn padding_unless(&mut self, quoted: bool, end: usize) {
        if !quoted {
            self.padding(end);
        }
    }
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&FIELDS, data, at)
}

pub(super) fn fragment_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&FRAGMENT, data, at)
}

/// Hop-by-hop and destination options headers: next header, length, Scapy's phantom
/// `autopad` (it occupies no byte) and the options.
pub(super) fn options_header_fields(data: &[u8], range: std::ops::Range<usize>) -> Vec<Field> {
    let at = range.start;
    let mut out = fixed(&[EXT_NH, EXT_LEN], data, at);
    out.push(field("autopad", at + 2..at + 2, Value::Text("On".into())));
    let end = range.end;
    out.push(field(
        "options",
        at + 2..end,
        Value::Packets(options(data, at + 2, end)),
    ));
    out
}

pub(super) fn routing_fields(data: &[u8], range: std::ops::Range<usize>) -> Vec<Field> {
    let mut out = fixed(&ROUTING, data, range.start);
    out.push(address_list("addresses", data, range.start + 8, range.end));
    out
}

/// IPv6 addresses from `start` to `end` as Scapy's IP6ListField shows them
/// (`[ fd00::1, fd00::2 ]`, `[  ]` when empty); a partial address is left out.
pub(super) fn address_list(name: &'static str, data: &[u8], start: usize, end: usize) -> Field {
    let start = start.min(end);
    let addresses = packed_addresses(&data[start..end], 16);
    field(
        name,
        start..end,
        Value::Text(format!("[ {} ]", addresses.join(", "))),
    )
}

/// Scapy's `_hbhopts`: option type names.
fn option_type_name(number: u8) -> Option<&'static str> {
    Some(match number {
        0 => "Pad1",
        1 => "PadN",
        4 => "Tunnel Encapsulation Limit",
        5 => "Router Alert",
        6 => "Quick-Start",
        194 => "Jumbo Payload",
        201 => "Home Address Option",
        _ => return None,
    })
}

/// Scapy's `_OTypeField`: the option's name, then what a node that does not know it
/// must do (top two bits) and whether it may change en route (third bit).
fn option_type(data: &[u8], at: usize) -> Field {
    let number = data[at];
    let name = option_type_name(number).map_or_else(|| number.to_string(), str::to_string);
    let action = match number & 0xc0 {
        0x00 => "00: skip",
        0x40 => "01: discard",
        0x80 => "10: discard+ICMP",
        _ => "11: discard+ICMP not mcast",
    };
    let change = if number & 0x20 == 0 {
        "0: Don't change en-route"
    } else {
        "1: May change en-route"
    };
    field(
        "otype",
        at..at + 1,
        Value::Named {
            value: u64::from(number),
            name: Cow::Owned(format!("{name} [{action}, {change}]")),
        },
    )
}

fn router_alert(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Datagram contains a MLD message",
        1 => "Datagram contains RSVP message",
        2 => "Datagram contains an Active Network message",
        68 => "NSIS NATFW NSLP",
        69 => "MPLS OAM",
        65535 => "Reserved",
        _ => return None,
    })
}

const OPTLEN: Spec = Spec::new("optlen", 1, 1, Format::Int);
const ROUTER_ALERT: [Spec; 2] = [OPTLEN, Spec::new("value", 2, 2, Format::Enum(router_alert))];
const JUMBO: [Spec; 2] = [OPTLEN, Spec::new("jumboplen", 2, 4, Format::Int)];
const HOME_ADDRESS: [Spec; 2] = [OPTLEN, Spec::new("hoa", 2, 16, Format::Ipv6)];
const RPL: [Spec; 7] = [
    OPTLEN,
    Spec::bits("Down", 2, 1, 0x80, Format::Int),
    Spec::bits("RankError", 2, 1, 0x40, Format::Int),
    Spec::bits("ForwardError", 2, 1, 0x20, Format::Int),
    Spec::bits("unused", 2, 1, 0x1f, Format::Int),
    Spec::new("RplInstanceId", 3, 1, Format::Hex),
    Spec::new("SenderRank", 4, 2, Format::Hex),
];

/// The options of a hop-by-hop or destination options header, as Scapy's classes:
/// Pad1, PadN, Router Alert, Jumbo Payload, Home Address, RPL, else its unknown option.
fn options(data: &[u8], start: usize, end: usize) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut at = start;
    while at < end {
        let number = data[at];
        let mut fields = vec![option_type(data, at)];
        if number == 0 {
            groups.push(Group::new("Pad1", at..at + 1, fields));
            at += 1;
            continue;
        }
        let fixed_body: Option<(&'static str, &'static [Spec])> = match number {
            5 => Some(("Router Alert", &ROUTER_ALERT)),
            0xc2 => Some(("Jumbo Payload", &JUMBO)),
            0xc9 => Some(("Home Address Option", &HOME_ADDRESS)),
            0x63 => Some(("RPL Option", &RPL)),
            _ => None,
        };
        let (name, next) = match fixed_body {
            // An option Scapy cannot read is Raw with the rest of the list.
            Some((_, specs)) if at + specs.iter().map(Spec::end).max().unwrap_or(2) > end => {
                groups.push(Group::raw(data, at..end));
                break;
            }
            Some((name, specs)) => {
                let length = specs.iter().map(Spec::end).max().unwrap_or(2);
                fields.extend(fixed(specs, data, at));
                (name, at + length)
            }
            None if at + 2 > end => {
                groups.push(Group::raw(data, at..end));
                break;
            }
            None => {
                // PadN and unknown options: length, then that many bytes of data (as
                // many as there are).
                let length = 2 + usize::from(data[at + 1]);
                let data_end = (at + length).min(end);
                fields.extend(OPTLEN.field(data, at));
                fields.push(field(
                    "optdata",
                    at + 2..data_end,
                    Value::Bytes(data[at + 2..data_end].to_vec()),
                ));
                let length = data_end - at;
                let name = if number == 1 {
                    "PadN"
                } else {
                    "Scapy6 Unknown Option"
                };
                (name, at + length)
            }
        };
        groups.push(Group::new(name, at..next, fields));
        at = next;
    }
    groups
}

/// Scapy's default IPv6 packet, as it builds one from no bytes (a PacketLenField
/// given an empty slice): its fields at `at`, occupying nothing.
pub(super) fn default_group(at: usize) -> Group {
    let local = Value::Ipv6(std::net::Ipv6Addr::LOCALHOST);
    let fields = vec![
        field("version", at..at, Value::Int(6)),
        field("tc", at..at, Value::Int(0)),
        field("fl", at..at, Value::Int(0)),
        field("plen", at..at, Value::None),
        field("nh", at..at, Value::named(59, next_header(59))),
        field("hlim", at..at, Value::Int(64)),
        field("src", at..at, local.clone()),
        field("dst", at..at, local),
    ];
    Group::new("IPv6", at..at, fields)
}
