//! A packet's flow, read fast: the transport protocol, the IP addresses and ports (and
//! whether a TCP segment closes its connection), from the link layer up, without a
//! dissection. It is what process attribution reads from every captured packet, so it
//! reads only the bytes that say it, each checked to be there, and allocates nothing;
//! the full dissection (`endpoints`) stays the reference for everything else.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use crate::linktype;

/// TCP or UDP between two endpoints, as the packet travels (`src` sent it). Compact,
/// addresses as IPv6 numbers (IPv4 mapped, as a dual-stack socket sees it), because
/// attribution compares one with the flow before on every packet.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Flow {
    /// 6 (TCP) or 17 (UDP).
    pub protocol: u8,
    src_port: u16,
    dst_port: u16,
    src_ip: u128,
    dst_ip: u128,
}

impl Flow {
    pub fn new(protocol: u8, src: SocketAddr, dst: SocketAddr) -> Flow {
        Flow {
            protocol,
            src_port: src.port(),
            dst_port: dst.port(),
            src_ip: number(src.ip()),
            dst_ip: number(dst.ip()),
        }
    }

    /// The sender (an IPv4-mapped address as IPv4).
    pub fn src(&self) -> SocketAddr {
        SocketAddr::new(
            Ipv6Addr::from_bits(self.src_ip).to_canonical(),
            self.src_port,
        )
    }

    pub fn dst(&self) -> SocketAddr {
        SocketAddr::new(
            Ipv6Addr::from_bits(self.dst_ip).to_canonical(),
            self.dst_port,
        )
    }

    /// The same flow the other way.
    pub fn reversed(self) -> Flow {
        Flow {
            protocol: self.protocol,
            src_port: self.dst_port,
            dst_port: self.src_port,
            src_ip: self.dst_ip,
            dst_ip: self.src_ip,
        }
    }
}

impl std::fmt::Debug for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Flow({} {} > {})", self.protocol, self.src(), self.dst())
    }
}

fn number(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => v4.to_ipv6_mapped().to_bits(),
        IpAddr::V6(v6) => v6.to_bits(),
    }
}

/// An IPv4 address read from a header, as [`Flow`] keeps it (::ffff:a.b.c.d).
fn mapped(bytes: [u8; 4]) -> u128 {
    0xffff_0000_0000 | u128::from(u32::from_be_bytes(bytes))
}

/// A packet's flow, and whether it is a TCP FIN or RST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowPacket {
    pub flow: Flow,
    pub closing: bool,
    /// TCP: the flags byte (FIN = bit 0) and the sequence number; 0 for UDP.
    pub tcp_flags: u8,
    pub seq: u32,
}

impl FlowPacket {
    /// A host's refusal of a connection: RST+ACK with sequence number 0, what a
    /// kernel sends for a SYN to a port nothing listens on.
    pub fn is_refusal(&self) -> bool {
        self.flow.protocol == TCP && self.tcp_flags & 0x3f == 0x14 && self.seq == 0
    }
}

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: [u16; 3] = [0x8100, 0x88a8, 0x9100];
const TCP: u8 = 6;
const UDP: u8 = 17;
const TCP_FIN_RST: u8 = 0x01 | 0x04;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]))
}

/// The bytes that name a packet's flow in the commonest frame (Ethernet, IPv4 without
/// options, a first fragment, TCP without FIN or RST, or UDP): protocol, addresses and
/// ports as they lie in the frame, read as one 16-byte word from the TTL (22) to the
/// ports' end (38), TTL and checksum masked out. Two packets with equal keys are of one
/// flow, so a run of one flow is recognised by one comparison, without reading either
/// flow (attribution's per-packet path); `None` for any other packet.
#[inline]
pub fn quick_key(link_type: u32, data: &[u8]) -> Option<u128> {
    /// Keeps the protocol (byte 1), the addresses and the ports (bytes 4..16).
    const FLOW_BYTES: u128 = u128::from_be_bytes([
        0, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    if link_type != linktype::ETHERNET {
        return None;
    }
    let head: &[u8; 10] = data.get(12..22)?.try_into().ok()?;
    let words: &[u8; 16] = data.get(22..38)?.try_into().ok()?;
    // EtherType IPv4, version 4 with 5 words of header, a first fragment.
    let first_fragment = head[8] & 0x1f == 0 && head[9] == 0;
    if head[..3] != [0x08, 0x00, 0x45] || !first_fragment {
        return None;
    }
    match words[1] {
        TCP if data.get(47).is_some_and(|flags| flags & TCP_FIN_RST == 0) => {}
        UDP => {}
        _ => return None,
    }
    Some(u128::from_be_bytes(*words) & FLOW_BYTES)
}

/// A frame with a [`quick_key`], as attribution's per-packet path compares the next
/// frames with it: its bytes 12..38 with the fields that vary within a flow masked
/// out (type of service, lengths, IP id, fragment flags, TTL, checksum). Every field
/// [`quick_key`] checks lies in those bytes, so a frame that compares equal has the
/// same key, but for TCP's FIN and RST (looked at apart). Four masked 8-byte words
/// and one branch: each instruction here is paid by every packet of `--proc`
/// (measured: `Attributor::attribute` on a run of one flow, 3.52 ns with a check of
/// each field, 3.32 with two 16-byte words and three branches; on another day, 3.8
/// ns with those and 3.0 with these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameKey {
    words: [u64; 4],
    /// FIN and RST when the flow is TCP (either ends the fast path), else none.
    closing: u8,
}

/// Where the words start, in the frame, and what of each a flow keeps: 12..20 the
/// EtherType, version and header length; 20..28 the fragment offset, protocol and the
/// source address's first half; 28..36 its second half, the destination address and
/// the source port; 30..38 the destination address and both ports.
const WORDS: [(usize, [u8; 8]); 4] = [
    (12, [0xff, 0xff, 0xff, 0, 0, 0, 0, 0]),
    (20, [0x1f, 0xff, 0, 0xff, 0, 0, 0xff, 0xff]),
    (28, [0xff; 8]),
    (30, [0xff; 8]),
];

impl FrameKey {
    /// The frame's key, when it has a [`quick_key`] (and its TCP flags byte).
    pub fn of(link_type: u32, data: &[u8]) -> Option<FrameKey> {
        quick_key(link_type, data)?;
        let (words, _) = masked(data)?;
        let closing = if data[23] == TCP { TCP_FIN_RST } else { 0 };
        Some(FrameKey { words, closing })
    }

    /// Whether `data`, of pcap link type `link_type`, has this key.
    #[inline]
    pub fn matches(&self, link_type: u32, data: &[u8]) -> bool {
        let Some((words, flags)) = masked(data) else {
            return false;
        };
        let differ = (words[0] ^ self.words[0])
            | (words[1] ^ self.words[1])
            | (words[2] ^ self.words[2])
            | (words[3] ^ self.words[3])
            | u64::from(flags & self.closing)
            | u64::from(link_type ^ linktype::ETHERNET);
        differ == 0
    }
}

/// The [`WORDS`] of a frame, masked, and byte 47 (TCP's flags); `None` for a shorter
/// frame.
#[inline]
fn masked(data: &[u8]) -> Option<([u64; 4], u8)> {
    let bytes: &[u8; 48] = data.get(..48)?.try_into().ok()?;
    let word = |(at, mask): (usize, [u8; 8])| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[at..at + 8]);
        u64::from_ne_bytes(word) & u64::from_ne_bytes(mask)
    };
    Some((WORDS.map(word), bytes[47]))
}

/// The flow of a packet of pcap link type `link_type`, if it is TCP or UDP over IP
/// (for a fragmented datagram, its first fragment only: the others carry no ports).
pub fn flow(link_type: u32, data: &[u8]) -> Option<FlowPacket> {
    let (ethertype, network) = match link_type {
        linktype::ETHERNET => {
            let mut at = 12;
            let mut ethertype = u16_at(data, at)?;
            // Up to two VLAN tags (802.1Q, QinQ).
            for _ in 0..2 {
                if !ETHERTYPE_VLAN.contains(&ethertype) {
                    break;
                }
                at += 4;
                ethertype = u16_at(data, at)?;
            }
            (ethertype, at + 2)
        }
        linktype::LINUX_SLL2 => (u16_at(data, 0)?, 20),
        linktype::LINUX_SLL => (u16_at(data, 14)?, 16),
        linktype::RAW | linktype::RAW_DLT12 | linktype::RAW_DLT14 => {
            let version = data.first()? >> 4;
            let ethertype = match version {
                4 => ETHERTYPE_IPV4,
                6 => ETHERTYPE_IPV6,
                _ => return None,
            };
            (ethertype, 0)
        }
        linktype::IPV4 => (ETHERTYPE_IPV4, 0),
        linktype::IPV6 => (ETHERTYPE_IPV6, 0),
        _ => return None,
    };
    let ip = data.get(network..)?;
    let (protocol, src, dst, transport) = match ethertype {
        ETHERTYPE_IPV4 => {
            let header = ip.get(..20)?;
            let length = usize::from(header[0] & 0x0f) * 4;
            // A later fragment (offset not 0) carries no transport header.
            if header[0] >> 4 != 4 || length < 20 || u16_at(header, 6)? & 0x1fff != 0 {
                return None;
            }
            let source = mapped(header[12..16].try_into().expect("4 bytes"));
            let destination = mapped(header[16..20].try_into().expect("4 bytes"));
            (header[9], source, destination, ip.get(length..)?)
        }
        ETHERTYPE_IPV6 => {
            let header = ip.get(..40)?;
            let (mut next, mut at) = (header[6], 40);
            // Hop-by-hop, routing and destination options; a first fragment.
            for _ in 0..8 {
                match next {
                    0 | 43 | 60 => {
                        next = *ip.get(at)?;
                        at += (usize::from(*ip.get(at + 1)?) + 1) * 8;
                    }
                    44 => {
                        if u16_at(ip, at + 2)? & 0xfff8 != 0 {
                            return None;
                        }
                        next = *ip.get(at)?;
                        at += 8;
                    }
                    _ => break,
                }
            }
            let source = u128::from_be_bytes(header[8..24].try_into().expect("16 bytes"));
            let destination = u128::from_be_bytes(header[24..40].try_into().expect("16 bytes"));
            (next, source, destination, ip.get(at..)?)
        }
        _ => return None,
    };
    if protocol != TCP && protocol != UDP {
        return None;
    }
    let (sport, dport) = (u16_at(transport, 0)?, u16_at(transport, 2)?);
    let (tcp_flags, seq) = match (protocol, transport.get(4..8), transport.get(13)) {
        (TCP, Some(seq), Some(&flags)) => {
            (flags, u32::from_be_bytes(seq.try_into().expect("4 bytes")))
        }
        _ => (0, 0),
    };
    Some(FlowPacket {
        flow: Flow {
            protocol,
            src_port: sport,
            dst_port: dport,
            src_ip: src,
            dst_ip: dst,
        },
        closing: tcp_flags & TCP_FIN_RST != 0,
        tcp_flags,
        seq,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    /// hello-client's SYN from midwood to brooklyn:5000, as captured in the lab.
    fn syn() -> Vec<u8> {
        hex("080027a83865 080027a83866 0800
             45000028 00004000 4006 49e2 c0a83866 c0a83865
             8fec1388 00000001 00000000 5002faf0 00000000")
    }

    #[test]
    fn reads_the_flow_the_dissector_reads() {
        let frame = syn();
        let packet = flow(linktype::ETHERNET, &frame).unwrap();
        assert_eq!(packet.flow.protocol, TCP);
        assert_eq!(packet.flow.src(), "192.168.56.102:36844".parse().unwrap());
        assert_eq!(packet.flow.dst(), "192.168.56.101:5000".parse().unwrap());
        assert!(!packet.closing);
        // The dissector agrees.
        let dissection = crate::dissect::dissect(linktype::ETHERNET, &frame);
        let endpoints =
            crate::dissect::endpoints::endpoints(&dissection, &frame, frame.len() as u32).unwrap();
        assert_eq!(
            (endpoints.src, endpoints.dst),
            (packet.flow.src().ip(), packet.flow.dst().ip())
        );
        // A RST closes; a VLAN tag and the cooked and raw link types are read through.
        let mut rst = frame.clone();
        rst[14 + 20 + 13] = 0x14;
        let refused = flow(linktype::ETHERNET, &rst).unwrap();
        assert!(refused.closing);
        assert!(
            !refused.is_refusal(),
            "sequence number 1: an abort, not a refusal"
        );
        rst[14 + 20 + 7] = 0;
        assert!(flow(linktype::ETHERNET, &rst).unwrap().is_refusal());
        let mut tagged = frame[..12].to_vec();
        tagged.extend_from_slice(&[0x81, 0x00, 0x00, 0x05]);
        tagged.extend_from_slice(&frame[12..]);
        assert_eq!(flow(linktype::ETHERNET, &tagged).unwrap().flow, packet.flow);
        assert_eq!(flow(linktype::RAW, &frame[14..]).unwrap().flow, packet.flow);
        let mut sll2 = vec![0x08, 0x00];
        sll2.extend_from_slice(&[0; 18]);
        sll2.extend_from_slice(&frame[14..]);
        assert_eq!(flow(linktype::LINUX_SLL2, &sll2).unwrap().flow, packet.flow);
    }

    #[test]
    fn quick_keys_are_equal_for_one_flow_and_absent_where_it_must_be_read() {
        let frame = syn();
        let key = quick_key(linktype::ETHERNET, &frame).unwrap();
        let mut later = frame.clone();
        later[14 + 4] ^= 0xff; // another IP id: the same flow
        later[14 + 20 + 4] ^= 0xff; // another sequence number
        later[14 + 8] ^= 0x01; // another TTL (the other side of a router)
        later[14 + 10] ^= 0xff; // and so another checksum
        assert_eq!(quick_key(linktype::ETHERNET, &later), Some(key));
        let mut other = frame.clone();
        other[14 + 20 + 1] ^= 1; // another source port
        assert_ne!(quick_key(linktype::ETHERNET, &other), Some(key));
        let mut elsewhere = frame.clone();
        elsewhere[14 + 19] ^= 1; // another destination address
        assert_ne!(quick_key(linktype::ETHERNET, &elsewhere), Some(key));
        let mut udp = frame.clone();
        udp[14 + 9] = 17; // the same addresses and ports in UDP: another flow
        assert_ne!(quick_key(linktype::ETHERNET, &udp), Some(key));
        let mut fin = frame.clone();
        fin[14 + 20 + 13] = 0x11;
        assert_eq!(
            quick_key(linktype::ETHERNET, &fin),
            None,
            "closing: the long way"
        );
        let mut options = frame.clone();
        options[14] = 0x46;
        assert_eq!(quick_key(linktype::ETHERNET, &options), None);
        assert_eq!(quick_key(linktype::RAW, &frame[14..]), None);
        assert_eq!(quick_key(linktype::ETHERNET, &frame[..37]), None);
    }

    #[test]
    fn a_frame_key_matches_the_frames_with_its_quick_key() {
        let frame = syn();
        let key = FrameKey::of(linktype::ETHERNET, &frame).unwrap();
        // Every change of one byte in 0..48: the key matches exactly when the frame
        // still has the first frame's quick key.
        let first = quick_key(linktype::ETHERNET, &frame);
        for at in 0..48 {
            for flip in [0x01, 0x04, 0x10, 0x20, 0x80, 0xff] {
                let mut other = frame.clone();
                other[at] ^= flip;
                assert_eq!(
                    key.matches(linktype::ETHERNET, &other),
                    quick_key(linktype::ETHERNET, &other) == first,
                    "byte {at} ^ {flip:#x}"
                );
            }
        }
        assert!(
            !key.matches(linktype::ETHERNET, &frame[..47]),
            "too short: the long way"
        );
        assert!(!key.matches(linktype::RAW, &frame), "another link type");
        let mut udp = frame.clone();
        udp[23] = UDP;
        let udp_key = FrameKey::of(linktype::ETHERNET, &udp).unwrap();
        udp[47] = 0x11;
        assert!(udp_key.matches(linktype::ETHERNET, &udp), "UDP has no FIN");
        let mut fin = frame.clone();
        fin[47] = 0x11;
        assert!(
            !key.matches(linktype::ETHERNET, &fin),
            "a FIN goes the long way"
        );
        assert_eq!(FrameKey::of(linktype::RAW, &frame[14..]), None);
    }

    #[test]
    fn an_ipv4_flow_is_the_flow_a_dual_stack_socket_names() {
        let packet = flow(linktype::ETHERNET, &syn()).unwrap();
        // sock_diag shows an IPv6 socket's IPv4 peers as ::ffff:a.b.c.d.
        let socket = Flow::new(
            TCP,
            "[::ffff:192.168.56.102]:36844".parse().unwrap(),
            "[::ffff:192.168.56.101]:5000".parse().unwrap(),
        );
        assert_eq!(socket, packet.flow);
        assert_eq!(socket.dst(), "192.168.56.101:5000".parse().unwrap());
        let other_port = Flow::new(
            TCP,
            packet.flow.src(),
            "192.168.56.101:5001".parse().unwrap(),
        );
        assert_ne!(other_port, packet.flow);
        assert_ne!(packet.flow.reversed(), packet.flow);
        assert_eq!(packet.flow.reversed().reversed(), packet.flow);
    }

    #[test]
    fn no_flow_for_other_traffic_later_fragments_or_cut_frames() {
        let frame = syn();
        let mut fragment = frame.clone();
        fragment[14 + 6] = 0x00;
        fragment[14 + 7] = 0x10;
        assert_eq!(flow(linktype::ETHERNET, &fragment), None);
        let mut icmp = frame.clone();
        icmp[14 + 9] = 1;
        assert_eq!(flow(linktype::ETHERNET, &icmp), None);
        for cut in 0..14 + 20 + 4 {
            assert_eq!(flow(linktype::ETHERNET, &frame[..cut]), None, "{cut} bytes");
        }
        assert_eq!(flow(9999, &frame), None);
    }

    #[test]
    fn ipv6_through_its_extension_headers() {
        // fd00:56::102 -> fd00:56::101, a hop-by-hop header (8 bytes), then UDP 53 -> 5353.
        let mut packet = hex("6000000000181140 fd000056000000000000000000000102
                              fd000056000000000000000000000101");
        packet[6] = 0; // next: hop-by-hop
        packet.extend_from_slice(&hex("1100000000000000"));
        packet.extend_from_slice(&hex("003514e9 00080000"));
        let read = flow(linktype::RAW, &packet).unwrap();
        assert_eq!(read.flow.protocol, UDP);
        assert_eq!(read.flow.src(), "[fd00:56::102]:53".parse().unwrap());
        assert_eq!(read.flow.dst().port(), 5353);
        assert_eq!(read.flow.reversed().src(), read.flow.dst());
    }
}
