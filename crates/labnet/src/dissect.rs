//! A packet as a stack of layers, each with its byte range in the packet and its place
//! in the TCP/IP model; what the printers ([`crate::present`]) and, later, the layer
//! diagram are made from. Nothing here fails: bytes that do not parse (a truncated
//! header, an unknown protocol) become a `Raw` layer, bytes past the IP length a
//! `Padding` layer, as Scapy shows them.
//!
//! Hand-written for the protocols of the lab (Ethernet, ARP, IPv4, IPv6 with
//! hop-by-hop, TCP, UDP, ICMP with its quoted packet, ICMPv6 echo and neighbour
//! discovery): every length is checked before a field is read. Per-field byte ranges,
//! VLAN, SLL, DNS and HTTP are issue #4's remaining work.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use crate::pcap::linktype;

/// Where a layer sits in the TCP/IP model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpIpLayer {
    Link,
    Internet,
    Transport,
    Application,
}

/// One protocol layer and the values the printers need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Ether {
        dst: [u8; 6],
        src: [u8; 6],
        ethertype: u16,
    },
    /// An 802.1Q VLAN tag (Scapy's Dot1Q), or 802.1ad's outer tag (Dot1AD).
    Dot1Q {
        vlan: u16,
        ethertype: u16,
        outer: bool,
    },
    /// Linux cooked capture (`-i any`), version 1 or 2.
    Sll {
        version: u8,
        protocol: u16,
    },
    Arp {
        op: u16,
        hwsrc: [u8; 6],
        psrc: Ipv4Addr,
        hwdst: [u8; 6],
        pdst: Ipv4Addr,
    },
    /// `quoted`: inside an ICMP error (Scapy's IPerror).
    Ipv4 {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        protocol: u8,
        fragment_offset: u16,
        quoted: bool,
    },
    Ipv6 {
        src: Ipv6Addr,
        dst: Ipv6Addr,
        next_header: u8,
    },
    Ipv6HopByHop,
    Ipv6DestOpt,
    Ipv6Routing,
    /// IPv6's fragment header; `offset` in 8-byte units (0: the first fragment, which
    /// carries the upper-layer header).
    Ipv6Fragment {
        offset: u16,
    },
    Tcp {
        sport: u16,
        dport: u16,
        flags: u16,
        quoted: bool,
    },
    Udp {
        sport: u16,
        dport: u16,
        quoted: bool,
    },
    Icmp {
        icmp_type: u8,
        code: u8,
    },
    Icmpv6 {
        icmp_type: u8,
        code: u8,
        id: u16,
        seq: u16,
    },
    /// A neighbour discovery option: 1 source, 2 target link-layer address.
    NdOption {
        option: u8,
        address: Option<[u8; 6]>,
    },
    Raw,
    Padding,
}

/// One layer: what it is and which bytes of the packet it covers (its header and, for
/// the last layers, payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub kind: Kind,
    pub range: Range<usize>,
}

impl Layer {
    pub fn tcpip(&self) -> TcpIpLayer {
        match self.kind {
            Kind::Ether { .. } | Kind::Dot1Q { .. } | Kind::Sll { .. } | Kind::Arp { .. } => {
                TcpIpLayer::Link
            }
            Kind::Ipv4 { .. }
            | Kind::Ipv6 { .. }
            | Kind::Ipv6HopByHop
            | Kind::Ipv6DestOpt
            | Kind::Ipv6Routing
            | Kind::Ipv6Fragment { .. }
            | Kind::Icmp { .. }
            | Kind::Icmpv6 { .. }
            | Kind::NdOption { .. } => TcpIpLayer::Internet,
            Kind::Tcp { .. } | Kind::Udp { .. } => TcpIpLayer::Transport,
            Kind::Raw | Kind::Padding => TcpIpLayer::Application,
        }
    }
}

/// A packet's layers, outermost first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dissection {
    pub layers: Vec<Layer>,
}

/// Dissects one captured frame of the given link type.
pub fn dissect(link_type: u32, data: &[u8]) -> Dissection {
    let mut out = Dissection::default();
    match link_type {
        linktype::ETHERNET => ethernet(data, &mut out),
        linktype::LINUX_SLL => cooked(data, 1, &mut out),
        linktype::LINUX_SLL2 => cooked(data, 2, &mut out),
        linktype::RAW => match data.first().map(|b| b >> 4) {
            Some(4) => ipv4(data, 0, false, &mut out),
            Some(6) => ipv6(data, 0, &mut out),
            _ => raw(data, 0, data.len(), &mut out),
        },
        _ => raw(data, 0, data.len(), &mut out),
    }
    out
}

fn push(out: &mut Dissection, kind: Kind, range: Range<usize>) {
    out.layers.push(Layer { kind, range });
}

/// The rest of the bytes, if any, as Raw.
fn raw(data: &[u8], start: usize, end: usize, out: &mut Dissection) {
    if start < end.min(data.len()) {
        push(out, Kind::Raw, start..end.min(data.len()));
    }
}

fn be16(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

fn mac(data: &[u8], at: usize) -> [u8; 6] {
    data[at..at + 6].try_into().expect("checked length")
}

fn ethernet(data: &[u8], out: &mut Dissection) {
    if data.len() < 14 {
        return raw(data, 0, data.len(), out);
    }
    let ethertype = be16(data, 12);
    push(
        out,
        Kind::Ether {
            dst: mac(data, 0),
            src: mac(data, 6),
            ethertype,
        },
        0..14,
    );
    by_ethertype(data, 14, ethertype, out);
}

/// Linux cooked headers: SLL (16 bytes, protocol last) and SLL2 (20 bytes, protocol
/// first), as libpcap writes them for `-i any`.
fn cooked(data: &[u8], version: u8, out: &mut Dissection) {
    let (length, protocol_at) = if version == 1 { (16, 14) } else { (20, 0) };
    if data.len() < length {
        return raw(data, 0, data.len(), out);
    }
    let protocol = be16(data, protocol_at);
    push(out, Kind::Sll { version, protocol }, 0..length);
    by_ethertype(data, length, protocol, out);
}

fn by_ethertype(data: &[u8], at: usize, ethertype: u16, out: &mut Dissection) {
    match ethertype {
        0x0800 => ipv4(data, at, false, out),
        0x86dd => ipv6(data, at, out),
        0x0806 => arp(data, at, out),
        0x8100 => dot1q(data, at, false, out),
        0x88a8 => dot1q(data, at, true, out),
        _ => raw(data, at, data.len(), out),
    }
}

/// A VLAN tag: priority, DEI and the 12-bit VLAN id, then the next EtherType.
fn dot1q(data: &[u8], at: usize, outer: bool, out: &mut Dissection) {
    // Real frames stack two tags (802.1ad over 802.1Q); a frame of nothing but tags
    // must not recurse once per four bytes.
    const MAX_TAGS: usize = 8;
    let tags = out
        .layers
        .iter()
        .filter(|l| matches!(l.kind, Kind::Dot1Q { .. }))
        .count();
    if data.len() < at + 4 || tags >= MAX_TAGS {
        return raw(data, at, data.len(), out);
    }
    let ethertype = be16(data, at + 2);
    push(
        out,
        Kind::Dot1Q {
            vlan: be16(data, at) & 0x0fff,
            ethertype,
            outer,
        },
        at..at + 4,
    );
    by_ethertype(data, at + 4, ethertype, out);
}

fn arp(data: &[u8], at: usize, out: &mut Dissection) {
    // Ethernet/IPv4 ARP only: hardware type 1, protocol 0x0800, lengths 6 and 4.
    if data.len() < at + 28
        || be16(data, at) != 1
        || be16(data, at + 2) != 0x0800
        || data[at + 4] != 6
        || data[at + 5] != 4
    {
        return raw(data, at, data.len(), out);
    }
    let ip = |o: usize| Ipv4Addr::new(data[o], data[o + 1], data[o + 2], data[o + 3]);
    push(
        out,
        Kind::Arp {
            op: be16(data, at + 6),
            hwsrc: mac(data, at + 8),
            psrc: ip(at + 14),
            hwdst: mac(data, at + 18),
            pdst: ip(at + 24),
        },
        at..at + 28,
    );
    padding(data, at + 28, out);
}

fn padding(data: &[u8], from: usize, out: &mut Dissection) {
    if from < data.len() {
        push(out, Kind::Padding, from..data.len());
    }
}

fn ipv4(data: &[u8], at: usize, quoted: bool, out: &mut Dissection) {
    let header = data.get(at..).unwrap_or(&[]);
    let header_len = header.first().map_or(0, |b| usize::from(b & 0x0f) * 4);
    if header.len() < 20 || header_len < 20 || header.len() < header_len {
        return raw(data, at, data.len(), out);
    }
    let total = usize::from(be16(data, at + 2));
    // A quoted packet (in an ICMP error) is usually cut short: take what is there.
    let end = if quoted {
        data.len()
    } else {
        (at + total.max(header_len)).min(data.len())
    };
    let fragment_offset = be16(data, at + 6) & 0x1fff;
    let protocol = data[at + 9];
    let ip = |o: usize| Ipv4Addr::new(data[o], data[o + 1], data[o + 2], data[o + 3]);
    push(
        out,
        Kind::Ipv4 {
            src: ip(at + 12),
            dst: ip(at + 16),
            protocol,
            fragment_offset,
            quoted,
        },
        at..end,
    );
    let payload = at + header_len;
    if fragment_offset != 0 {
        raw(data, payload, end, out);
    } else {
        match protocol {
            6 => tcp(data, payload, end, quoted, out),
            17 => udp(data, payload, end, quoted, out),
            1 if !quoted => icmp(data, payload, end, out),
            _ => raw(data, payload, end, out),
        }
    }
    if !quoted {
        padding(data, end, out);
    }
}

fn ipv6(data: &[u8], at: usize, out: &mut Dissection) {
    if data.len() < at + 40 {
        return raw(data, at, data.len(), out);
    }
    let end = (at + 40 + usize::from(be16(data, at + 4))).min(data.len());
    let address =
        |o: usize| Ipv6Addr::from(<[u8; 16]>::try_from(&data[o..o + 16]).expect("checked length"));
    let next_header = data[at + 6];
    push(
        out,
        Kind::Ipv6 {
            src: address(at + 8),
            dst: address(at + 24),
            next_header,
        },
        at..end,
    );
    let mut next = next_header;
    let mut payload = at + 40;
    // Extension headers, in any order, a bounded number of them.
    for _ in 0..8 {
        let kind = match next {
            0 => Kind::Ipv6HopByHop,
            60 => Kind::Ipv6DestOpt,
            43 => Kind::Ipv6Routing,
            44 => {
                // Fragment header (8 bytes): next header, reserved, offset and flags, id.
                if end < payload + 8 {
                    return raw(data, payload, end, out);
                }
                let offset = be16(data, payload + 2) >> 3;
                push(out, Kind::Ipv6Fragment { offset }, payload..payload + 8);
                next = data[payload];
                payload += 8;
                if offset != 0 {
                    // A later fragment: the rest of the datagram, no header of its own.
                    raw(data, payload, end, out);
                    return padding(data, end, out);
                }
                continue;
            }
            _ => break,
        };
        // Options and routing headers: next header, then length in 8-byte units
        // beyond the first 8.
        if end < payload + 2 || end < payload + (usize::from(data[payload + 1]) + 1) * 8 {
            return raw(data, payload, end, out);
        }
        let length = (usize::from(data[payload + 1]) + 1) * 8;
        push(out, kind, payload..payload + length);
        next = data[payload];
        payload += length;
    }
    match next {
        6 => tcp(data, payload, end, false, out),
        17 => udp(data, payload, end, false, out),
        58 => icmpv6(data, payload, end, out),
        _ => raw(data, payload, end, out),
    }
    padding(data, end, out);
}

fn tcp(data: &[u8], at: usize, end: usize, quoted: bool, out: &mut Dissection) {
    // A quoted TCP header may hold only its first 8 bytes (ports and sequence).
    let minimum = if quoted { 8 } else { 20 };
    if end < at + minimum {
        return raw(data, at, end, out);
    }
    let flags = if end >= at + 14 {
        be16(data, at + 12) & 0x01ff
    } else {
        0
    };
    let header_len = if end >= at + 13 {
        usize::from(data[at + 12] >> 4) * 4
    } else {
        8
    };
    let header_end = if quoted {
        end.min(at + header_len.max(8))
    } else {
        at + header_len
    };
    if !quoted && (header_len < 20 || end < header_end) {
        return raw(data, at, end, out);
    }
    push(
        out,
        Kind::Tcp {
            sport: be16(data, at),
            dport: be16(data, at + 2),
            flags,
            quoted,
        },
        at..end,
    );
    raw(data, header_end, end, out);
}

fn udp(data: &[u8], at: usize, end: usize, quoted: bool, out: &mut Dissection) {
    if end < at + 8 {
        return raw(data, at, end, out);
    }
    push(
        out,
        Kind::Udp {
            sport: be16(data, at),
            dport: be16(data, at + 2),
            quoted,
        },
        at..end,
    );
    raw(data, at + 8, end, out);
}

fn icmp(data: &[u8], at: usize, end: usize, out: &mut Dissection) {
    if end < at + 8 {
        return raw(data, at, end, out);
    }
    let (icmp_type, code) = (data[at], data[at + 1]);
    push(out, Kind::Icmp { icmp_type, code }, at..end);
    match icmp_type {
        // Errors quote the offending IP header and the first bytes of its payload.
        3 | 4 | 5 | 11 | 12 => ipv4(&data[..end], at + 8, true, out),
        _ => raw(data, at + 8, end, out),
    }
}

fn icmpv6(data: &[u8], at: usize, end: usize, out: &mut Dissection) {
    if end < at + 8 {
        return raw(data, at, end, out);
    }
    let (icmp_type, code) = (data[at], data[at + 1]);
    push(
        out,
        Kind::Icmpv6 {
            icmp_type,
            code,
            id: be16(data, at + 4),
            seq: be16(data, at + 6),
        },
        at..end,
    );
    // Where neighbour discovery options start, by message type.
    let options = match icmp_type {
        133 => Some(at + 8),
        134 => Some(at + 16),
        135 | 136 => Some(at + 24),
        _ => None,
    };
    match options {
        Some(mut option) if option <= end => {
            while option + 8 <= end {
                let length = usize::from(data[option + 1]) * 8;
                if length == 0 || option + length > end {
                    break;
                }
                let kind = data[option];
                let address = (matches!(kind, 1 | 2) && length >= 8).then(|| mac(data, option + 2));
                push(
                    out,
                    Kind::NdOption {
                        option: kind,
                        address,
                    },
                    option..option + length,
                );
                option += length;
            }
            raw(data, option, end, out);
        }
        Some(_) => raw(data, at + 8, end, out),
        // Echo data and other messages' bodies belong to the ICMPv6 layer (Scapy's
        // `data` field), not to a Raw layer above it.
        None => {}
    }
}
