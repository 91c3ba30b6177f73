//! BSD loopback headers: DLT_NULL (a 4-byte address family in the capturing host's
//! byte order) and DLT_LOOP (the same in network byte order, OpenBSD's).
//!
//! Scapy reads DLT_NULL's family from its first byte (a little-endian host's file) and
//! passes on IPv4 (2) and Linux's IPv6 (10) only; labnet also reads big-endian files
//! (the family then sits in the last byte, as libpcap and Wireshark take it) and the
//! BSDs' IPv6 families (24, 28, 30), where Scapy would show Raw.

use super::field::{field, Field};
use super::{Kind, Value, Walk};

const HEADER: usize = 4;

/// Scapy's LOOPBACK_TYPES.
fn family_name(family: u32) -> Option<&'static str> {
    Some(match family {
        2 => "IPv4",
        7 => "OSI",
        0x10 => "Appletalk",
        0x17 => "Netware IPX/SPX",
        0x18 | 0x1c | 0x1e => "IPv6",
        _ => return None,
    })
}

/// The address family in the header.
fn family(data: &[u8], at: usize, openbsd: bool) -> u32 {
    let bytes: [u8; 4] = data[at..at + HEADER].try_into().expect("checked length");
    if openbsd {
        return u32::from_be_bytes(bytes);
    }
    // Host byte order: a family is small, so whichever end holds it is the order.
    let little = u32::from_le_bytes(bytes);
    if little > 0xffff {
        u32::from_be_bytes(bytes)
    } else {
        little
    }
}

pub(super) fn dissect(walk: &mut Walk, openbsd: bool) {
    if walk.data.len() < HEADER {
        return walk.raw(0, walk.data.len());
    }
    walk.push(Kind::Loopback { openbsd }, 0..HEADER);
    match family(walk.data, 0, openbsd) {
        2 => super::ipv4::dissect(walk, HEADER, false),
        10 | 24 | 28 | 30 => super::ipv6::dissect(walk, HEADER, false),
        _ => walk.raw(HEADER, walk.data.len()),
    }
}

pub(super) fn fields(openbsd: bool, data: &[u8], at: usize) -> Vec<Field> {
    if data.len() < at + HEADER {
        return Vec::new();
    }
    let family = family(data, at, openbsd);
    vec![field(
        "type",
        at..at + HEADER,
        Value::named(u64::from(family), family_name(family)),
    )]
}
