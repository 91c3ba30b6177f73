//! GRE (RFC 2784/2890: IP protocol 47, and UDP port 4754 as Scapy binds it) and the
//! packet it carries, as Scapy's `GRE` layer dissects it: four optional words after
//! the first, present when their bit is set (checksum and offset with C or R, key with
//! K, sequence number with S), then what `proto` names. With PPP's protocol number
//! (0x880b) the header is Scapy's GRE_PPTP (RFC 2637: payload length and call id where
//! the key would be, an acknowledgment number with the A bit) and carries PPP. A
//! header cut short is Raw, as Scapy leaves a layer it cannot read.

use super::ether::ethertype;
use super::field::{field, fixed, push_fields, Field, Format, Spec};
use super::{Kind, Value, Walk};

const CHECKSUM_PRESENT: Spec = Spec::bits("chksum_present", 0, 2, 0x8000, Format::Int);
const ROUTING_PRESENT: Spec = Spec::bits("routing_present", 0, 2, 0x4000, Format::Int);
const KEY_PRESENT: Spec = Spec::bits("key_present", 0, 2, 0x2000, Format::Int);
const SEQUENCE_PRESENT: Spec = Spec::bits("seqnum_present", 0, 2, 0x1000, Format::Int);
const PROTO: Spec = Spec::new("proto", 2, 2, Format::HexEnum(ethertype));
const FIXED: [Spec; 9] = [
    CHECKSUM_PRESENT,
    ROUTING_PRESENT,
    KEY_PRESENT,
    SEQUENCE_PRESENT,
    Spec::bits("strict_route_source", 0, 2, 0x0800, Format::Int),
    Spec::bits("recursion_control", 0, 2, 0x0700, Format::Int),
    Spec::bits("flags", 0, 2, 0x00f8, Format::Int),
    Spec::bits("version", 0, 2, 0x0007, Format::Int),
    PROTO,
];
const FIXED_LENGTH: usize = 4;
/// Scapy reads a GRE header with this protocol as GRE_PPTP.
const PPTP: u16 = 0x880b;
const ACKNOWLEDGMENT_PRESENT: Spec = Spec::bits("acknum_present", 0, 2, 0x0080, Format::Int);
const PPTP_FIXED: [Spec; 12] = [
    CHECKSUM_PRESENT,
    ROUTING_PRESENT,
    KEY_PRESENT,
    SEQUENCE_PRESENT,
    FIXED[4],
    FIXED[5],
    ACKNOWLEDGMENT_PRESENT,
    Spec::bits("flags", 0, 2, 0x0078, Format::Int),
    FIXED[7],
    PROTO,
    Spec::new("payload_len", 4, 2, Format::Int),
    Spec::new("call_id", 6, 2, Format::Int),
];
const PPTP_LENGTH: usize = 8;
/// Transparent Ethernet bridging: an Ethernet frame inside.
const ETHERNET: u16 = 0x6558;
/// Scapy binds LLC to this protocol number (in Ether, GRE and cooked headers alike).
const LLC: u16 = 122;

/// The optional fields present in the header at `at` (offsets from it), in order.
fn optional(data: &[u8], at: usize) -> Vec<Spec> {
    let mut specs = Vec::with_capacity(4);
    let mut next = FIXED_LENGTH;
    let mut add = |name, len| {
        specs.push(Spec::new(name, next, len, Format::Hex));
        next += len;
    };
    if CHECKSUM_PRESENT.get(data, at) == 1 || ROUTING_PRESENT.get(data, at) == 1 {
        add("chksum", 2);
        add("offset", 2);
    }
    if KEY_PRESENT.get(data, at) == 1 {
        add("key", 4);
    }
    if SEQUENCE_PRESENT.get(data, at) == 1 {
        add("sequence_number", 4);
    }
    specs
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    if end < at + FIXED_LENGTH || walk.too_deep() {
        return walk.raw(at, end);
    }
    let proto = PROTO.get(data, at) as u16;
    let header = FIXED_LENGTH + optional(data, at).iter().map(|s| s.len).sum::<usize>();
    if proto == PPTP {
        return pptp(walk, at, end);
    }
    if end < at + header {
        return walk.raw(at, end);
    }
    walk.push(Kind::Gre, at..end);
    let payload = at + header;
    // Scapy's GRE.payload_guess, in its order: routing comes before the protocols.
    if ROUTING_PRESENT.get(data, at) == 1 {
        return routing(walk, payload, end);
    }
    walk.within(end, |walk| match proto {
        LLC => super::ether::llc(walk, payload, end),
        ETHERNET => super::ether::dissect(walk, payload),
        0x8100 => super::ether::dot1q(walk, payload, false),
        0x0806 | 0x0800 | 0x86dd | 0x888e => walk.ethertype(payload, proto),
        _ => walk.raw(payload, end),
    });
}

/// GRE_PPTP's optional words: sequence number with S, acknowledgment with A.
fn pptp_optional(data: &[u8], at: usize) -> Vec<Spec> {
    let mut specs = Vec::with_capacity(2);
    let mut next = PPTP_LENGTH;
    for (present, name) in [
        (SEQUENCE_PRESENT, "sequence_number"),
        (ACKNOWLEDGMENT_PRESENT, "ack_number"),
    ] {
        if present.get(data, at) == 1 {
            specs.push(Spec::new(name, next, 4, Format::Hex));
            next += 4;
        }
    }
    specs
}

/// GRE_PPTP and the PPP it carries (after the routing entry Scapy's GRE bindings put
/// first).
fn pptp(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let header = PPTP_LENGTH + 4 * pptp_optional(data, at).len();
    if end < at + header {
        return walk.raw(at, end);
    }
    walk.push(Kind::GrePptp, at..end);
    let payload = at + header;
    if ROUTING_PRESENT.get(data, at) == 1 {
        return routing(walk, payload, end);
    }
    walk.within(end, |walk| super::ppp::dissect_ppp(walk, payload, end));
}

pub(super) fn pptp_fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&PPTP_FIXED, data, at);
    push_fields(&pptp_optional(data, at), data, at, &mut out);
    out
}

const ROUTING: [Spec; 3] = [
    Spec::new("address_family", 0, 2, Format::Int),
    Spec::new("SRE_offset", 2, 1, Format::Int),
    Spec::new("SRE_len", 3, 1, Format::Int),
];
const ROUTING_HEADER: usize = 4;

/// Scapy's GRErouting: source route entries one after the other, each's routing
/// information `SRE_len` bytes long (cut short with the packet, as Scapy's StrLenField
/// reads it), until one with address family 0 and length 0 (the list's end, after
/// which the rest is Raw) or too few bytes for another (Raw).
fn routing(walk: &mut Walk, mut at: usize, end: usize) {
    while at < end {
        if end < at + ROUTING_HEADER || walk.chain_full() {
            return walk.raw(at, end);
        }
        let family = ROUTING[0].get(walk.data, at);
        let length = ROUTING[2].get(walk.data, at) as usize;
        let entry_end = (at + ROUTING_HEADER + length).min(end);
        walk.push(Kind::GreRouting, at..entry_end);
        if family == 0 && length == 0 {
            return walk.raw(entry_end, end);
        }
        at = entry_end;
    }
}

pub(super) fn routing_fields(data: &[u8], range: std::ops::Range<usize>) -> Vec<Field> {
    let mut out = fixed(&ROUTING, data, range.start);
    let info = (range.start + ROUTING_HEADER).min(range.end)..range.end;
    out.push(field(
        "routing_info",
        info.clone(),
        Value::Bytes(data[info].to_vec()),
    ));
    out
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&FIXED, data, at);
    push_fields(&optional(data, at), data, at, &mut out);
    out
}
