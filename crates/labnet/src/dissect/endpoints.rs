//! What a packet says about the conversation it belongs to: its IP addresses, its
//! transport ports, and for TCP the segment's numbers (sequence, acknowledgment, flags,
//! window, the options that are negotiated) and its length as the IP header declares
//! it. The conversation tracker ([`crate::conversations`]) is made from this; it is
//! read here, through the same field specs as the listing, so no other module parses
//! TCP/IP bytes.

use std::net::IpAddr;
use std::ops::Range;

use super::{ipv4, ipv6, tcp, Dissection, Kind};

/// The addresses of a packet's IP header and what it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub transport: Transport,
    /// For an ICMP error: the TCP or UDP header it quotes, with the quoted packet's
    /// addresses. Wireshark files it under that conversation (it may even start one),
    /// without counting or analysing anything in it.
    pub quoted: Option<Quoted>,
}

/// What an IP packet carries, as far as conversations go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Tcp(Segment),
    Udp {
        sport: u16,
        dport: u16,
    },
    /// ICMP or ICMPv6.
    Icmp {
        v6: bool,
    },
}

/// A transport header quoted in an ICMP error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quoted {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub sport: u16,
    pub dport: u16,
    /// TCP: its sequence number and flags (a quoted SYN can start a new stream).
    pub tcp: Option<(u32, u16)>,
}

/// One TCP segment's numbers, as Wireshark's sequence analysis reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub sport: u16,
    pub dport: u16,
    pub seq: u32,
    pub ack: u32,
    /// The nine flag bits, FIN = bit 0 (as [`tcp::FLAG_LETTERS`]).
    pub flags: u16,
    /// The window field as sent (unscaled).
    pub window: u16,
    /// Payload bytes the IP header declares (Wireshark's `tcp.len`); `None` when the
    /// segment length cannot be known: the packet is one fragment of a datagram, or the
    /// declared length is shorter than the TCP header.
    pub len: Option<u32>,
    /// Where the captured payload lies in the frame (shorter than `len` when cut by a
    /// snaplen).
    pub payload: Range<usize>,
    pub options: Options,
}

/// The TCP options that shape a connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    pub mss: Option<u16>,
    /// The shift count as sent (Wireshark caps its use at 14, as RFC 7323 says).
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    /// Number of SACK blocks.
    pub sack_blocks: u8,
    /// TSval and TSecr.
    pub timestamp: Option<(u32, u32)>,
}

pub const FIN: u16 = 0x001;
pub const SYN: u16 = 0x002;
pub const RST: u16 = 0x004;
pub const PSH: u16 = 0x008;
pub const ACK: u16 = 0x010;

/// A quoted TCP header needs this many bytes before Wireshark looks up its conversation
/// (ports, sequence, acknowledgment, offset, flags, window).
const QUOTED_TCP_FOR_CONVERSATION: usize = 16;

/// The conversation facts of a dissected frame, or `None` when it carries no IP.
/// `original_length` is the frame's length on the wire: a datagram longer than the
/// frame (a hostile header) counts only to the frame's end, as in Wireshark.
pub fn endpoints(dissection: &Dissection, data: &[u8], original_length: u32) -> Option<Endpoints> {
    let wire_end = original_length as usize;
    // The innermost IP header, where its datagram ends (as declared), and whether it is
    // one fragment of a larger datagram.
    let mut ip: Option<(IpAddr, IpAddr, usize, bool)> = None;
    let mut found: Option<Endpoints> = None;
    for layer in &dissection.layers {
        let at = layer.range.start;
        match &layer.kind {
            Kind::Ipv4 {
                src,
                dst,
                fragment_offset,
                ..
            } => {
                let more_fragments = ipv4::FLAGS.get(data, at) & 0x1 != 0;
                let declared = at + ipv4::LEN.get(data, at) as usize;
                ip = Some((
                    IpAddr::V4(*src),
                    IpAddr::V4(*dst),
                    declared.min(wire_end),
                    more_fragments || *fragment_offset != 0,
                ));
            }
            Kind::Ipv6 { src, dst, .. } => {
                let declared = at + 40 + ipv6::PLEN.get(data, at) as usize;
                ip = Some((
                    IpAddr::V6(*src),
                    IpAddr::V6(*dst),
                    declared.min(wire_end),
                    false,
                ));
            }
            Kind::Ipv6Fragment { .. } => {
                if let Some(ip) = ip.as_mut() {
                    ip.3 = true;
                }
            }
            Kind::Tcp { quoted: false, .. } => {
                let (src, dst, end, fragment) = ip?;
                return Some(Endpoints {
                    src,
                    dst,
                    transport: Transport::Tcp(segment(data, layer.range.clone(), end, fragment)),
                    quoted: None,
                });
            }
            Kind::Udp {
                sport,
                dport,
                quoted: false,
            } => {
                let (src, dst, _, _) = ip?;
                return Some(Endpoints {
                    src,
                    dst,
                    transport: Transport::Udp {
                        sport: *sport,
                        dport: *dport,
                    },
                    quoted: None,
                });
            }
            Kind::Icmp { quoted: false, .. } | Kind::Icmpv6 { .. } if found.is_none() => {
                let (src, dst, _, _) = ip?;
                found = Some(Endpoints {
                    src,
                    dst,
                    transport: Transport::Icmp {
                        v6: matches!(layer.kind, Kind::Icmpv6 { .. }),
                    },
                    quoted: None,
                });
            }
            Kind::Tcp { quoted: true, .. } | Kind::Udp { quoted: true, .. } => {
                let (sport, dport, tcp) = match &layer.kind {
                    Kind::Tcp {
                        sport,
                        dport,
                        flags,
                        ..
                    } if layer.range.len() >= QUOTED_TCP_FOR_CONVERSATION => (
                        *sport,
                        *dport,
                        Some((tcp::SEQ.get(data, at) as u32, *flags)),
                    ),
                    Kind::Udp { sport, dport, .. } => (*sport, *dport, None),
                    _ => break,
                };
                if let (Some(found), Some((src, dst, _, _))) = (found.as_mut(), ip) {
                    found.quoted = Some(Quoted {
                        src,
                        dst,
                        sport,
                        dport,
                        tcp,
                    });
                }
                break;
            }
            _ => {}
        }
    }
    found
}

/// A whole TCP header at `range` (the dissector pushes a TCP layer only when its header
/// is captured whole), in a datagram that ends at `datagram_end` as declared.
fn segment(data: &[u8], range: Range<usize>, datagram_end: usize, fragment: bool) -> Segment {
    let at = range.start;
    let header_len = tcp::DATAOFS.get(data, at) as usize * 4;
    let header_end = (at + header_len).min(range.end);
    let reported = datagram_end.saturating_sub(at);
    let len = (!fragment && reported >= header_len).then(|| (reported - header_len) as u32);
    Segment {
        sport: tcp::SPORT.get(data, at) as u16,
        dport: tcp::DPORT.get(data, at) as u16,
        seq: tcp::SEQ.get(data, at) as u32,
        ack: tcp::ACK.get(data, at) as u32,
        flags: tcp::FLAGS.get(data, at) as u16,
        window: tcp::WINDOW.get(data, at) as u16,
        len,
        payload: header_end..range.end,
        options: options(&data[(at + 20).min(header_end)..header_end]),
    }
}

/// Reads the options that matter to a connection; a malformed option ends the list
/// (as Wireshark stops at one whose length does not fit).
fn options(mut bytes: &[u8]) -> Options {
    let mut options = Options::default();
    while let Some(&kind) = bytes.first() {
        match kind {
            0 => break,
            1 => {
                bytes = &bytes[1..];
                continue;
            }
            _ => {}
        }
        let Some(&length) = bytes.get(1) else { break };
        let length = usize::from(length);
        if length < 2 || length > bytes.len() {
            break;
        }
        let value = &bytes[2..length];
        match (kind, value.len()) {
            (2, 2) => options.mss = Some(u16::from_be_bytes([value[0], value[1]])),
            (3, 1) => options.window_scale = Some(value[0]),
            (4, 0) => options.sack_permitted = true,
            (5, n) if n % 8 == 0 => options.sack_blocks = (n / 8) as u8,
            (8, 8) => {
                let word =
                    |i: usize| u32::from_be_bytes(value[i..i + 4].try_into().expect("8 bytes"));
                options.timestamp = Some((word(0), word(4)));
            }
            _ => {}
        }
        bytes = &bytes[length..];
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::dissect;
    use crate::linktype::ETHERNET;

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    /// midwood's SYN to brooklyn's hello-server, captured in the lab (hello-client
    /// brooklyn; Linux's options: MSS 1460, SACK permitted, timestamps, NOP, window
    /// scale 10).
    const SYN_FRAME: &str = "080027a83865080027a8386608004500003cfd26400040064b79c0a83866c0a83865d5d81388\
                             4775902c00000000a002faf0f24a0000020405b40402080a3625ba99000000000103030a";

    #[test]
    fn a_syn_gives_its_numbers_and_options() {
        let frame = bytes(SYN_FRAME);
        let dissection = dissect(ETHERNET, &frame);
        let endpoints = endpoints(&dissection, &frame, frame.len() as u32).unwrap();
        assert_eq!(endpoints.src.to_string(), "192.168.56.102");
        assert_eq!(endpoints.dst.to_string(), "192.168.56.101");
        let Transport::Tcp(segment) = endpoints.transport else {
            panic!("a TCP segment")
        };
        assert_eq!((segment.sport, segment.dport), (54744, 5000));
        assert_eq!(segment.seq, 1_198_886_956);
        assert_eq!(segment.flags, SYN);
        assert_eq!(segment.window, 64240);
        assert_eq!(segment.len, Some(0));
        assert_eq!(
            segment.options,
            Options {
                mss: Some(1460),
                window_scale: Some(10),
                sack_permitted: true,
                sack_blocks: 0,
                timestamp: Some((908_442_265, 0)),
            }
        );
    }

    #[test]
    fn the_length_is_the_declared_one_even_when_the_capture_is_cut() {
        // The SYN with 100 bytes of payload declared, captured to the end of its header.
        let mut frame = bytes(SYN_FRAME);
        frame[16..18].copy_from_slice(&(60u16 + 100).to_be_bytes());
        let cut = &frame[..74];
        let dissection = dissect(ETHERNET, cut);
        let Transport::Tcp(segment) = endpoints(&dissection, cut, 174).unwrap().transport else {
            panic!("a TCP segment")
        };
        assert_eq!(segment.len, Some(100));
        // A datagram declared longer than the frame on the wire counts to the frame's end.
        let Transport::Tcp(segment) = endpoints(&dissection, cut, 94).unwrap().transport else {
            panic!("a TCP segment")
        };
        assert_eq!(segment.len, Some(20));
    }

    #[test]
    fn a_fragment_has_no_known_length() {
        let mut frame = bytes(SYN_FRAME);
        frame[20] |= 0x20; // more fragments
        let dissection = dissect(ETHERNET, &frame);
        let Transport::Tcp(segment) = endpoints(&dissection, &frame, frame.len() as u32)
            .unwrap()
            .transport
        else {
            panic!("a TCP segment")
        };
        assert_eq!(segment.len, None);
    }

    #[test]
    fn malformed_options_end_the_list_without_panicking() {
        assert_eq!(options(&[2, 4, 1]), Options::default());
        assert_eq!(options(&[3, 0, 3, 3, 7]), Options::default());
        assert_eq!(
            options(&[1, 1, 3, 3, 14, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 9]).window_scale,
            Some(14)
        );
        for cut in 0..20 {
            options(
                &[
                    2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 3, 3, 7,
                ][..cut],
            );
        }
    }

    #[test]
    fn every_truncation_of_a_frame_is_read_without_panicking() {
        let frame = bytes(SYN_FRAME);
        for cut in 0..=frame.len() {
            let dissection = dissect(ETHERNET, &frame[..cut]);
            endpoints(&dissection, &frame[..cut], frame.len() as u32);
        }
    }
}
