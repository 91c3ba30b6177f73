//! Linux cooked capture headers, as libpcap writes them for `-i any`: SLL (16 bytes,
//! protocol last) and SLL2 (20 bytes, protocol first).

use super::ether::ethertype;
use super::field::{fixed, Field, Format, Spec};
use super::{Kind, Walk};

/// Scapy's COOKED_LINUX_PACKET_TYPES (the kernel's PACKET_* types).
fn packet_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "unicast",
        1 => "broadcast",
        2 => "multicast",
        3 => "unicast-to-another-host",
        4 => "sent-by-us",
        _ => return None,
    })
}

const SLL: [Spec; 5] = [
    Spec::new("pkttype", 0, 2, Format::Enum(packet_type)),
    Spec::new("lladdrtype", 2, 2, Format::Hex),
    Spec::new("lladdrlen", 4, 2, Format::Int),
    Spec::new("src", 6, 8, Format::Bytes),
    Spec::new("proto", 14, 2, Format::HexEnum(ethertype)),
];

const SLL2: [Spec; 7] = [
    Spec::new("proto", 0, 2, Format::HexEnum(ethertype)),
    Spec::new("reserved", 2, 2, Format::Int),
    Spec::new("ifindex", 4, 4, Format::Int),
    Spec::new("lladdrtype", 8, 2, Format::Hex),
    Spec::new("pkttype", 10, 1, Format::Enum(packet_type)),
    Spec::new("lladdrlen", 11, 1, Format::Int),
    Spec::new("src", 12, 8, Format::Bytes),
];

fn layout(version: u8) -> &'static [Spec] {
    if version == 1 {
        &SLL
    } else {
        &SLL2
    }
}

pub(super) fn dissect(walk: &mut Walk, version: u8) {
    let specs = layout(version);
    let length = specs.iter().map(Spec::end).max().unwrap_or(0);
    let proto = specs
        .iter()
        .find(|s| s.name == "proto")
        .expect("both have one");
    if walk.data.len() < length {
        return walk.raw(0, walk.data.len());
    }
    let protocol = proto.get(walk.data, 0) as u16;
    walk.push(Kind::Sll { version, protocol }, 0..length);
    if !super::ppp::after_ethertype(walk, length, protocol, false) {
        walk.ethertype(length, protocol);
    }
}

pub(super) fn fields(version: u8, data: &[u8], at: usize) -> Vec<Field> {
    fixed(layout(version), data, at)
}
