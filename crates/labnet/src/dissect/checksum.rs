//! Checksums, verified (`--verify-checksums`): the IPv4 header's, and TCP's, UDP's,
//! ICMP's and ICMPv6's over their whole message (with the IPv4 or IPv6 pseudo-header
//! where the protocol has one). Only what the capture holds whole is verified.
//!
//! Captures on lo and veth carry partial TCP and UDP checksums: the sender leaves the
//! sum to the "hardware" (checksum offload), which on those devices never computes it.
//! Such checksums are wrong on the wire of the capture and right where it matters.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{ipv4, ipv6, Dissection, Kind, Layer};

/// What a checksum field holds, against what it should hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Correct,
    /// The stored value differs; `expected` is what a sender would have written.
    Incorrect {
        expected: u16,
    },
    /// UDP over IPv4 with a zero checksum: the sender chose not to compute one.
    Absent,
}

/// The Internet checksum's running sum (RFC 1071) over `bytes`, added to `sum`.
fn add(mut sum: u32, bytes: &[u8]) -> u32 {
    let mut chunks = bytes.chunks_exact(2);
    for pair in &mut chunks {
        sum += u32::from(u16::from_be_bytes([pair[0], pair[1]]));
    }
    if let [last] = chunks.remainder() {
        sum += u32::from(*last) << 8;
    }
    sum
}

fn fold(mut sum: u32) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// Checks `message` whose checksum field is at `at` within it, with `pseudo` (the
/// pseudo-header's sum) added in.
fn check(message: &[u8], at: usize, pseudo: u32) -> Option<Verdict> {
    let stored = u16::from_be_bytes([*message.get(at)?, *message.get(at + 1)?]);
    let mut sum = add(pseudo, &message[..at]);
    sum = add(sum, &message[at + 2..]);
    let mut expected = !fold(sum);
    // UDP and TCP send a computed zero as 0xffff; both are correct for the receiver.
    if expected == 0 && stored == 0xffff {
        expected = 0xffff;
    }
    Some(if stored == expected {
        Verdict::Correct
    } else {
        Verdict::Incorrect { expected }
    })
}

/// The pseudo-header's sum for an IPv4 or IPv6 packet carrying `length` bytes of
/// `protocol`.
fn pseudo_header(below: &Kind, protocol: u8, length: usize) -> Option<u32> {
    let length = u32::try_from(length).ok()?;
    match below {
        Kind::Ipv4 { src, dst, .. } => {
            let sum = add(add(0, &Ipv4Addr::octets(src)), &Ipv4Addr::octets(dst));
            Some(sum + u32::from(protocol) + length)
        }
        Kind::Ipv6 { src, dst, .. } => {
            let sum = add(add(0, &Ipv6Addr::octets(src)), &Ipv6Addr::octets(dst));
            Some(sum + (length >> 16) + (length & 0xffff) + u32::from(protocol))
        }
        _ => None,
    }
}

/// The IP header below layer `index` (past IPv6 extension headers).
fn ip_below(dissection: &Dissection, index: usize) -> Option<&Layer> {
    dissection.layers[..index].iter().rev().find(|layer| {
        !matches!(
            layer.kind,
            Kind::Ipv6HopByHop | Kind::Ipv6DestOpt | Kind::Ipv6Routing | Kind::Ipv6Fragment { .. }
        )
    })
}

/// Whether the capture has `layer`'s whole message: the IP header's length field ends
/// the packet exactly where the layer ends (not cut by a snaplen, not a cut-short
/// quote), and the packet is not a fragment (whose checksum covers the datagram).
fn whole(dissection: &Dissection, ip: &Layer, layer: &Layer, data: &[u8]) -> bool {
    let fragment = dissection.layers.iter().any(|l| match l.kind {
        Kind::Ipv4 {
            fragment_offset, ..
        } => fragment_offset != 0 || ipv4::FLAGS.get(data, l.range.start) & 1 != 0,
        Kind::Ipv6Fragment { .. } => true,
        _ => false,
    });
    if fragment {
        return false;
    }
    let declared_end = match ip.kind {
        Kind::Ipv4 { .. } => ip.range.start + ipv4::LEN.get(data, ip.range.start) as usize,
        Kind::Ipv6 { .. } => ip.range.start + 40 + ipv6::PLEN.get(data, ip.range.start) as usize,
        _ => return false,
    };
    declared_end == layer.range.end && layer.range.end <= data.len()
}

/// The verdict on layer `index`'s checksum, for the layers that have one and were
/// captured whole; `None` otherwise (unverified).
pub fn verify(dissection: &Dissection, index: usize, data: &[u8]) -> Option<Verdict> {
    let layer = &dissection.layers[index];
    let bytes = data.get(layer.range.clone())?;
    match layer.kind {
        Kind::Ipv4 { .. } => {
            let header = bytes.get(..ipv4::IHL.get(data, layer.range.start) as usize * 4)?;
            check(header, 10, 0)
        }
        Kind::Tcp { .. } | Kind::Udp { .. } | Kind::Icmpv6 { .. } | Kind::Icmp { .. } => {
            let ip = ip_below(dissection, index)?;
            if !whole(dissection, ip, layer, data) {
                return None;
            }
            match layer.kind {
                Kind::Icmp { .. } => check(bytes, 2, 0),
                Kind::Tcp { .. } => check(bytes, 16, pseudo_header(&ip.kind, 6, bytes.len())?),
                Kind::Icmpv6 { .. } => check(bytes, 2, pseudo_header(&ip.kind, 58, bytes.len())?),
                _ => {
                    if matches!(ip.kind, Kind::Ipv4 { .. }) && bytes.get(6..8) == Some(&[0, 0]) {
                        return Some(Verdict::Absent);
                    }
                    check(bytes, 6, pseudo_header(&ip.kind, 17, bytes.len())?)
                }
            }
        }
        _ => None,
    }
}

impl Verdict {
    /// What `--show` adds after the checksum's value.
    pub fn describe(self, layer: &Kind) -> String {
        match self {
            Verdict::Correct => "(correct)".into(),
            Verdict::Absent => "(none: UDP over IPv4 may leave it out)".into(),
            Verdict::Incorrect { expected } => match layer {
                Kind::Tcp { .. } | Kind::Udp { .. } => format!(
                    "(incorrect, should be {expected:#x}: a partial sum left to checksum offload, normal on lo and veth)"
                ),
                _ => format!("(incorrect, should be {expected:#x})"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_1071_example_sums_as_the_rfc_says() {
        // RFC 1071, section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
        assert_eq!(
            fold(add(0, &[0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])),
            0xddf2
        );
        // An odd length pads the last byte on the right.
        assert_eq!(fold(add(0, &[0x12])), 0x1200);
    }
}
