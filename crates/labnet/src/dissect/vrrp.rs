//! VRRP (RFC 3768, IP protocol 112) and VRRPv3 (RFC 5798, over IPv4 or IPv6), as
//! Scapy tells them apart: by the version nibble of the first byte (3 with a type
//! of 0-9: VRRPv3), once the packet holds 9 bytes (over IPv4) or 16 (over IPv6). The
//! address list has `ipcount` entries; a packet that holds fewer is Raw, as Scapy
//! leaves a layer it cannot read.

use std::ops::Range;

use super::field::{address_list, counted_list_end, fixed, Field, Format, Spec};
use super::{Kind, Walk};

const IPCOUNT: Spec = Spec::new("ipcount", 3, 1, Format::Int);
const COMMON: [Spec; 4] = [
    Spec::bits("version", 0, 1, 0xf0, Format::Int),
    Spec::bits("type", 0, 1, 0x0f, Format::Int),
    Spec::new("vrid", 1, 1, Format::Int),
    Spec::new("priority", 2, 1, Format::Int),
];
const V2: [Spec; 4] = [
    IPCOUNT,
    Spec::new("authtype", 4, 1, Format::Int),
    Spec::new("adv", 5, 1, Format::Int),
    Spec::new("chksum", 6, 2, Format::Hex),
];
const V2_AUTH: [&str; 2] = ["auth1", "auth2"];
const V3: [Spec; 4] = [
    IPCOUNT,
    Spec::bits("res", 4, 2, 0xf000, Format::Int),
    Spec::bits("adv", 4, 2, 0x0fff, Format::Int),
    Spec::new("chksum", 6, 2, Format::Hex),
];
const HEADER: usize = 8;

/// Scapy's VRRP/VRRPv3 dispatch: the first byte 0x30..=0x39 is version 3.
fn version3(data: &[u8], at: usize, over_ipv6: bool) -> bool {
    let v3_byte = data.get(at).is_some_and(|b| (0x30..=0x39).contains(b));
    if over_ipv6 {
        // IPv6 binds VRRPv3, which gives way to VRRP only from 16 bytes on.
        data.len() < at + 16 || v3_byte
    } else {
        data.len() >= at + 9 && v3_byte
    }
}

/// The address width for a VRRPv3 header: of the IP header below it.
fn width(over_ipv6: bool) -> usize {
    if over_ipv6 {
        16
    } else {
        4
    }
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, over_ipv6: bool) {
    let data = &walk.data[..end];
    let v3 = version3(data, at, over_ipv6);
    let count = data.get(at + IPCOUNT.at).map_or(0, |&n| usize::from(n));
    let layer_end = if end < at + HEADER {
        None
    } else if v3 {
        // The address list is last: it may stop short where the data ends.
        counted_list_end(at + HEADER, end, count, width(over_ipv6))
    } else {
        Some(at + HEADER + count * 4 + 8).filter(|&e| e <= end)
    };
    let Some(layer_end) = layer_end else {
        return walk.raw(at, end);
    };
    walk.push(Kind::Vrrp { v3, over_ipv6 }, at..layer_end);
    walk.raw(layer_end, end);
}

pub(super) fn fields(data: &[u8], range: Range<usize>, v3: bool, over_ipv6: bool) -> Vec<Field> {
    let at = range.start;
    let mut out = fixed(&COMMON, data, at);
    out.extend(fixed(if v3 { &V3 } else { &V2 }, data, at));
    let count = IPCOUNT.get(data, at) as usize;
    let width = if v3 { width(over_ipv6) } else { 4 };
    let addresses = at + HEADER..(at + HEADER + count * width).min(range.end);
    out.push(address_list("addrlist", data, addresses.clone(), width));
    if !v3 {
        for (n, name) in V2_AUTH.into_iter().enumerate() {
            out.extend(Spec::new(name, HEADER + count * 4 + n * 4, 4, Format::Int).field(data, at));
        }
    }
    out
}
