//! Mobile IP (UDP port 434, as Scapy binds it): Scapy's `MobileIP` type byte, then a
//! registration request or reply (RFC 3344), or a tunnel data message (RFC 3519)
//! whose IPv4 packet follows. Fixed fields: a message cut short is Raw.

use super::field::{fixed, Field, Format, Spec};
use super::{Kind, Walk};

/// A Mobile IP header or message, in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Header,
    Request,
    Reply,
    TunnelData,
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Header => ("MobileIP", "Mobile IP (RFC3344)"),
            Class::Request => ("MobileIPRRQ", "Mobile IP Registration Request (RFC3344)"),
            Class::Reply => ("MobileIPRRP", "Mobile IP Registration Reply (RFC3344)"),
            Class::TunnelData => (
                "MobileIPTunnelData",
                "Mobile IP Tunnel Data Message (RFC3519)",
            ),
        }
    }

    fn specs(self) -> &'static [Spec] {
        match self {
            Class::Header => &HEADER,
            Class::Request => &REQUEST,
            Class::Reply => &REPLY,
            Class::TunnelData => &TUNNEL_DATA,
        }
    }
}

fn message_type(number: u64) -> Option<&'static str> {
    match number {
        1 => Some("RRQ"),
        3 => Some("RRP"),
        _ => None,
    }
}

const HEADER: [Spec; 1] = [Spec::new("type", 0, 1, Format::Enum(message_type))];
const REQUEST: [Spec; 6] = [
    Spec::new("flags", 0, 1, Format::Hex),
    Spec::new("lifetime", 1, 2, Format::Int),
    Spec::new("homeaddr", 3, 4, Format::Ipv4),
    Spec::new("haaddr", 7, 4, Format::Ipv4),
    Spec::new("coaddr", 11, 4, Format::Ipv4),
    Spec::new("id", 15, 8, Format::Int),
];
const REPLY: [Spec; 5] = [
    Spec::new("code", 0, 1, Format::Int),
    Spec::new("lifetime", 1, 2, Format::Int),
    Spec::new("homeaddr", 3, 4, Format::Ipv4),
    Spec::new("haaddr", 7, 4, Format::Ipv4),
    Spec::new("id", 11, 8, Format::Int),
];
const TUNNEL_DATA: [Spec; 2] = [
    Spec::new("nexthdr", 0, 1, Format::Int),
    Spec::new("res", 1, 2, Format::Int),
];

/// The length of a class's fixed fields.
fn length(class: Class) -> usize {
    class.specs().last().map_or(0, |spec| spec.at + spec.len)
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    if at >= end {
        return;
    }
    walk.push(Kind::MobileIp(Class::Header), at..at + 1);
    let body = at + 1;
    let class = match walk.data[at] {
        1 => Class::Request,
        3 => Class::Reply,
        4 => Class::TunnelData,
        _ => return walk.raw(body, end),
    };
    if body >= end {
        return;
    }
    let body_end = body + length(class);
    if body_end > end {
        return walk.raw(body, end);
    }
    walk.push(Kind::MobileIp(class), body..body_end);
    // The tunnelled IPv4 packet, when the next header says so.
    if class == Class::TunnelData && walk.data[body] == 4 {
        return walk.tunnel(body_end, end, super::ipv4::dissect);
    }
    walk.raw(body_end, end);
}

pub(super) fn fields(data: &[u8], at: usize, class: Class) -> Vec<Field> {
    fixed(class.specs(), data, at)
}
