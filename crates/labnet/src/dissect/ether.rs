//! Ethernet II, IEEE 802.3 frames with LLC (and SNAP or spanning tree above it), and
//! 802.1Q / 802.1ad VLAN tags.

use super::field::{fixed, push_fields, Field, Format, Spec};
use super::Value;
use super::{be16, mac, Kind, Walk};
use crate::netbase;

/// An EtherType's name (`IPv4`), for the fields that hold one.
pub(super) fn ethertype(number: u64) -> Option<&'static str> {
    netbase::ethertype_name(u16::try_from(number).ok()?)
}

pub const DST: Spec = Spec::new("dst", 0, 6, Format::Mac);
pub const SRC: Spec = Spec::new("src", 6, 6, Format::Mac);
pub const TYPE: Spec = Spec::new("type", 12, 2, Format::HexEnum(ethertype));
/// 802.3's length of what follows, where Ethernet II has its type.
pub const LEN: Spec = Spec::new("len", 12, 2, Format::Int);
const HEADER: usize = 14;
/// Scapy's rule (Ether.dispatch_hook): a type field up to 1500 is an 802.3 length.
const MAX_DOT3_LENGTH: u16 = 1500;

const ETHER: [Spec; 3] = [DST, SRC, TYPE];
const DOT3: [Spec; 3] = [DST, SRC, LEN];

const LLC: [Spec; 3] = [
    Spec::new("dsap", 0, 1, Format::Hex),
    Spec::new("ssap", 1, 1, Format::Hex),
    Spec::new("ctrl", 2, 1, Format::Int),
];
const SNAP_CODE: Spec = Spec::new("code", 3, 2, Format::HexEnum(ethertype));

/// Spanning tree BPDU (Scapy's STP); the four times are in 1/256 seconds.
const STP: [Spec; 10] = [
    Spec::new("proto", 0, 2, Format::Int),
    Spec::new("version", 2, 1, Format::Int),
    Spec::new("bpdutype", 3, 1, Format::Int),
    Spec::new("bpduflags", 4, 1, Format::Int),
    Spec::new("rootid", 5, 2, Format::Int),
    Spec::new("rootmac", 7, 6, Format::Mac),
    Spec::new("pathcost", 13, 4, Format::Int),
    Spec::new("bridgeid", 17, 2, Format::Int),
    Spec::new("bridgemac", 19, 6, Format::Mac),
    Spec::new("portid", 25, 2, Format::Int),
];
const STP_TIMES: [&str; 4] = ["age", "maxage", "hellotime", "fwddelay"];
const STP_LENGTH: usize = 35;

const VLAN: [Spec; 4] = [
    Spec::bits("prio", 0, 2, 0xe000, Format::Int),
    Spec::bits("dei", 0, 2, 0x1000, Format::Int),
    Spec::bits("vlan", 0, 2, 0x0fff, Format::Int),
    Spec::new("type", 2, 2, Format::HexEnum(ethertype)),
];

pub(super) fn dissect(walk: &mut Walk, at: usize) {
    let data = walk.data;
    if data.len() < at + HEADER {
        return walk.raw(at, data.len());
    }
    let (dst, src) = (mac(data, at), mac(data, at + 6));
    let ethertype = be16(data, at + 12);
    if ethertype <= MAX_DOT3_LENGTH {
        walk.push(Kind::Dot3 { dst, src }, at..at + HEADER);
        // The length covers the LLC frame; anything after it is padding.
        let end = (at + HEADER + usize::from(ethertype)).min(data.len());
        llc(walk, at + HEADER, end);
        return walk.padding(end);
    }
    walk.push(
        Kind::Ether {
            dst,
            src,
            ethertype,
        },
        at..at + HEADER,
    );
    ether_payload(walk, at + HEADER, ethertype);
}

/// Scapy binds LLC to this EtherType in Ethernet (and so in 802.1Q, which falls
/// back on Ethernet's bindings): LLC frames larger than 802.3 allows.
const JUMBO_LLC: u16 = 0x8870;

/// What follows an Ethernet header's (or a VLAN tag's) EtherType.
fn ether_payload(walk: &mut Walk, at: usize, ethertype: u16) {
    if ethertype == JUMBO_LLC {
        let end = walk.data.len();
        return llc(walk, at, end);
    }
    if super::ppp::after_ethertype(walk, at, ethertype, true) {
        return;
    }
    walk.ethertype(at, ethertype);
}

pub(super) fn llc(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    if end < at + 3 {
        return walk.raw(at, end);
    }
    walk.push(Kind::Llc, at..at + 3);
    match (data[at], data[at + 1], data[at + 2]) {
        (0xaa, 0xaa, 3) if end >= at + 8 => {
            walk.push(Kind::Snap, at + 3..at + 8);
            let code = be16(data, at + 6);
            walk.within(end, |walk| snap_payload(walk, at + 8, code, end));
        }
        (0x42, 0x42, 3) => stp(walk, at + 3, end),
        _ => walk.raw(at + 3, end),
    }
}

/// Cisco's (and 802.1D's over SNAP) spanning tree code in a SNAP header.
const SNAP_STP: u16 = 0x010b;

/// Scapy's SNAP bindings, by its `code`: VLAN tags, ARP, IPv4, IPv6, spanning tree
/// (0x010b, as PVST+ sends it) and Ethernet itself (code 1).
fn snap_payload(walk: &mut Walk, at: usize, code: u16, end: usize) {
    match code {
        0x8100 => dot1q(walk, at, false),
        0x0001 => dissect(walk, at),
        SNAP_STP => stp(walk, at, end),
        0x0806 | 0x0800 | 0x86dd | 0x888e => walk.ethertype(at, code),
        _ => walk.raw(at, end),
    }
}

/// A bridge protocol data unit, when the frame holds all of it (else Raw, as Scapy).
fn stp(walk: &mut Walk, at: usize, end: usize) {
    if end < at + STP_LENGTH {
        return walk.raw(at, end);
    }
    walk.push(Kind::Stp, at..at + STP_LENGTH);
    walk.raw(at + STP_LENGTH, end);
}

/// A VLAN tag: priority, DEI and the 12-bit VLAN id, then the next EtherType.
pub(super) fn dot1q(walk: &mut Walk, at: usize, outer: bool) {
    // Real frames stack two tags (802.1ad over 802.1Q); a frame of nothing but tags
    // must not recurse once per four bytes.
    const MAX_TAGS: usize = 8;
    let data = walk.data;
    if data.len() < at + 4 || walk.count(|k| matches!(k, Kind::Dot1Q { .. })) >= MAX_TAGS {
        return walk.raw(at, data.len());
    }
    let ethertype = be16(data, at + 2);
    let vlan = VLAN[2].get(data, at) as u16;
    walk.push(
        Kind::Dot1Q {
            vlan,
            ethertype,
            outer,
        },
        at..at + 4,
    );
    // Scapy's Dot1Q: a type up to 1500 is a length, and an LLC frame of that length
    // follows (the rest is padding), as in 802.3.
    if ethertype <= MAX_DOT3_LENGTH {
        let end = (at + 4 + usize::from(ethertype)).min(data.len());
        walk.within(end, |walk| llc(walk, at + 4, end));
        return walk.padding(end);
    }
    ether_payload(walk, at + 4, ethertype);
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&ETHER, data, at)
}

pub(super) fn dot3_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&DOT3, data, at)
}

pub(super) fn llc_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&LLC, data, at)
}

pub(super) fn snap_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&[Spec::new("OUI", 0, 3, Format::Oui), SNAP_CODE], data, at)
}

pub(super) fn stp_fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = Vec::with_capacity(14);
    push_fields(&STP, data, at, &mut out);
    for (i, name) in STP_TIMES.iter().enumerate() {
        let time = Spec::new(name, 27 + 2 * i, 2, Format::Int);
        if let Some(mut field) = time.field(data, at) {
            // Scapy's BPDUTimeField: a Python float of 1/256 seconds (`20.0`).
            let seconds = time.get(data, at) as f64 / 256.0;
            field.value = Value::Text(format!("{seconds:?}"));
            out.push(field);
        }
    }
    out
}

pub(super) fn dot1q_fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&VLAN, data, at)
}
