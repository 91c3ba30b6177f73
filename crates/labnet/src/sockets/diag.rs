//! sock_diag's wire format for inet sockets (sock_diag(7), linux/inet_diag.h).
//!
//! Hand-written rather than taken from netlink-packet-sock-diag because the listing
//! needs a request that crate does not model: TCPDIAG_GETSOCK with family AF_UNSPEC,
//! which walks the kernel's TCP table once for IPv4 and IPv6 together (the newer
//! SOCK_DIAG_BY_FAMILY request takes one family, so one walk each; with 20,000 sockets
//! the walk is most of the kernel's work). The formats are small and fixed: a 56-byte
//! or 60-byte request, and a 72-byte answer header read through a view that checks its
//! length once.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// The current request (struct inet_diag_req_v2), one family.
pub const SOCK_DIAG_BY_FAMILY: u16 = 20;
/// The original TCP request (struct inet_diag_req), which accepts AF_UNSPEC.
pub const TCPDIAG_GETSOCK: u16 = 18;

pub const AF_UNSPEC: u8 = 0;
pub const AF_INET: u8 = 2;
pub const AF_INET6: u8 = 10;
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;

/// The extension bit that asks for struct tcp_info with each TCP socket
/// (1 << (INET_DIAG_INFO - 1)).
pub const WITH_TCP_INFO: u8 = 1 << (INET_DIAG_INFO - 1);
/// The attribute that carries it.
const INET_DIAG_INFO: u16 = 2;

/// struct inet_diag_sockid, all zero in a dump request.
const SOCKET_ID_LEN: usize = 48;

/// A SOCK_DIAG_BY_FAMILY dump request for one family and protocol, with `extensions`
/// (0, or [`WITH_TCP_INFO`]).
pub fn request_by_family(
    family: u8,
    protocol: u8,
    states: u32,
    extensions: u8,
) -> [u8; 8 + SOCKET_ID_LEN] {
    let mut request = [0u8; 8 + SOCKET_ID_LEN];
    request[0] = family;
    request[1] = protocol;
    request[2] = extensions;
    // [3] padding.
    request[4..8].copy_from_slice(&states.to_ne_bytes());
    request
}

/// A SOCK_DIAG_BY_FAMILY request for the one socket of `protocol` with this local and
/// remote end (the kernel's own lookup, as for an arriving packet: a TCP listener
/// answers for a connection it has not accepted, an unconnected UDP socket for any
/// sender). Both ends are of one family (`local`'s).
pub fn request_exact(
    protocol: u8,
    local: std::net::SocketAddr,
    remote: std::net::SocketAddr,
) -> [u8; 8 + SOCKET_ID_LEN] {
    let family = if local.is_ipv4() { AF_INET } else { AF_INET6 };
    let mut request = request_by_family(family, protocol, u32::MAX, 0);
    // The kernel's UDP lookup reads the id's source as the remote end ("swapped for
    // historical reasons", udp_diag.c); TCP's reads it as the local end.
    let (source, destination) = if protocol == IPPROTO_UDP {
        (remote, local)
    } else {
        (local, remote)
    };
    let id = &mut request[8..];
    id[0..2].copy_from_slice(&source.port().to_be_bytes());
    id[2..4].copy_from_slice(&destination.port().to_be_bytes());
    for (at, address) in [(4, source.ip()), (20, destination.ip())] {
        match address {
            IpAddr::V4(v4) => id[at..at + 4].copy_from_slice(&v4.octets()),
            IpAddr::V6(v6) => id[at..at + 16].copy_from_slice(&v6.octets()),
        }
    }
    // idiag_if 0 (any), idiag_cookie INET_DIAG_NOCOOKIE: no cookie to match.
    id[40..48].copy_from_slice(&[0xff; 8]);
    request
}

/// A TCPDIAG_GETSOCK dump request for both families at once, with `extensions`.
pub fn request_tcp_any_family(states: u32, extensions: u8) -> [u8; 4 + SOCKET_ID_LEN + 8] {
    let mut request = [0u8; 4 + SOCKET_ID_LEN + 8];
    request[0] = AF_UNSPEC;
    // [1] src_len, [2] dst_len: zero; [3] extensions; then the socket id.
    request[3] = extensions;
    let states_at = 4 + SOCKET_ID_LEN;
    request[states_at..states_at + 4].copy_from_slice(&states.to_ne_bytes());
    // The last four bytes (idiag_dbs) stay zero.
    request
}

/// Field layout of struct inet_diag_msg.
mod field {
    use std::ops::Range;
    pub const FAMILY: usize = 0;
    pub const STATE: usize = 1;
    pub const TIMER: usize = 2;
    pub const RETRANS: usize = 3;
    pub const SOURCE_PORT: Range<usize> = 4..6;
    pub const DESTINATION_PORT: Range<usize> = 6..8;
    pub const SOURCE: Range<usize> = 8..24;
    pub const DESTINATION: Range<usize> = 24..40;
    pub const EXPIRES: Range<usize> = 52..56;
    pub const RECV_QUEUE: Range<usize> = 56..60;
    pub const SEND_QUEUE: Range<usize> = 60..64;
    pub const UID: Range<usize> = 64..68;
    pub const INODE: Range<usize> = 68..72;
    pub const LEN: usize = 72;
}

/// A zero-copy view of one answer (struct inet_diag_msg; attributes after it ignored).
#[derive(Debug, Clone, Copy)]
pub struct InetDiagMsg<'a> {
    bytes: &'a [u8],
}

impl<'a> InetDiagMsg<'a> {
    /// The view, or `None` when the answer is shorter than the header.
    pub fn new_checked(bytes: &'a [u8]) -> Option<Self> {
        (bytes.len() >= field::LEN).then_some(InetDiagMsg { bytes })
    }

    pub fn family(&self) -> u8 {
        self.bytes[field::FAMILY]
    }

    pub fn state(&self) -> u8 {
        self.bytes[field::STATE]
    }

    pub fn source_port(&self) -> u16 {
        self.be16(field::SOURCE_PORT)
    }

    pub fn destination_port(&self) -> u16 {
        self.be16(field::DESTINATION_PORT)
    }

    pub fn source(&self) -> IpAddr {
        self.address(field::SOURCE)
    }

    pub fn destination(&self) -> IpAddr {
        self.address(field::DESTINATION)
    }

    /// The pending timer: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window
    /// probe.
    pub fn timer(&self) -> u8 {
        self.bytes[field::TIMER]
    }

    /// Retransmissions (retransmit timer) or unanswered probes (keepalive, probe).
    pub fn retrans(&self) -> u8 {
        self.bytes[field::RETRANS]
    }

    /// Milliseconds until the timer fires.
    pub fn expires(&self) -> u32 {
        self.ne32(field::EXPIRES)
    }

    pub fn recv_queue(&self) -> u32 {
        self.ne32(field::RECV_QUEUE)
    }

    pub fn send_queue(&self) -> u32 {
        self.ne32(field::SEND_QUEUE)
    }

    pub fn uid(&self) -> u32 {
        self.ne32(field::UID)
    }

    pub fn inode(&self) -> u32 {
        self.ne32(field::INODE)
    }

    /// The struct tcp_info the kernel attached (asked for with [`WITH_TCP_INFO`]).
    pub fn tcp_info(&self) -> Option<TcpInfo> {
        let mut rest = &self.bytes[field::LEN..];
        // Attributes: a 4-byte header (length, type), the value, padding to 4.
        while rest.len() >= 4 {
            let length = usize::from(u16::from_ne_bytes([rest[0], rest[1]]));
            let kind = u16::from_ne_bytes([rest[2], rest[3]]);
            if length < 4 || length > rest.len() {
                return None;
            }
            if kind == INET_DIAG_INFO {
                return TcpInfo::parse(&rest[4..length]);
            }
            rest = rest.get((length + 3) & !3..).unwrap_or(&[]);
        }
        None
    }

    fn be16(&self, range: Range<usize>) -> u16 {
        u16::from_be_bytes(self.bytes[range].try_into().expect("checked length"))
    }

    fn ne32(&self, range: Range<usize>) -> u32 {
        u32::from_ne_bytes(self.bytes[range].try_into().expect("checked length"))
    }

    /// Addresses are 16 bytes in network order; an IPv4 socket uses the first four.
    fn address(&self, range: Range<usize>) -> IpAddr {
        let bytes = &self.bytes[range];
        if self.family() == AF_INET6 {
            IpAddr::V6(Ipv6Addr::from(
                <[u8; 16]>::try_from(bytes).expect("checked length"),
            ))
        } else {
            IpAddr::V4(Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]))
        }
    }
}

/// What `ss -i` shows of a TCP connection, from struct tcp_info (linux/tcp.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TcpInfo {
    /// Retransmission timeout, µs.
    pub rto: u32,
    /// Smoothed round-trip time and its variation, µs (RFC 6298's SRTT and RTTVAR).
    pub rtt: u32,
    pub rttvar: u32,
    pub snd_mss: u32,
    pub rcv_mss: u32,
    /// Congestion window and slow-start threshold, in segments.
    pub snd_cwnd: u32,
    pub snd_ssthresh: u32,
    /// Segments retransmitted and not yet acknowledged, and in all.
    pub retrans: u32,
    pub total_retrans: u32,
    pub snd_wscale: u8,
    pub rcv_wscale: u8,
    /// Whether window scaling was agreed (TCPI_OPT_WSCALE).
    pub wscale: bool,
    pub bytes_acked: Option<u64>,
    pub bytes_received: Option<u64>,
    pub segs_out: Option<u32>,
    pub segs_in: Option<u32>,
}

impl TcpInfo {
    /// Reads the fields at their offsets; older kernels send a shorter struct, whose
    /// later fields are then `None`.
    fn parse(bytes: &[u8]) -> Option<TcpInfo> {
        let u32_at = |at: usize| {
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_ne_bytes(b.try_into().expect("4 bytes")))
        };
        let u64_at = |at: usize| {
            bytes
                .get(at..at + 8)
                .map(|b| u64::from_ne_bytes(b.try_into().expect("8 bytes")))
        };
        Some(TcpInfo {
            rto: u32_at(8)?,
            snd_mss: u32_at(16)?,
            rcv_mss: u32_at(20)?,
            retrans: u32_at(36)?,
            rtt: u32_at(68)?,
            rttvar: u32_at(72)?,
            snd_ssthresh: u32_at(76)?,
            snd_cwnd: u32_at(80)?,
            total_retrans: u32_at(100)?,
            snd_wscale: bytes[6] & 0x0f,
            rcv_wscale: bytes[6] >> 4,
            wscale: bytes[5] & 0x04 != 0,
            bytes_acked: u64_at(120),
            bytes_received: u64_at(128),
            segs_out: u32_at(136),
            segs_in: u32_at(140),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of an answer for 192.168.56.101:5000 <- 192.168.56.102:43522, an
    /// established socket with 100 unread bytes, laid out as the kernel sends it.
    fn established_v4() -> Vec<u8> {
        let mut bytes = vec![0u8; field::LEN + 8];
        bytes[0] = AF_INET;
        bytes[1] = 1; // ESTABLISHED
        bytes[4..6].copy_from_slice(&5000u16.to_be_bytes());
        bytes[6..8].copy_from_slice(&43522u16.to_be_bytes());
        bytes[8..12].copy_from_slice(&[192, 168, 56, 101]);
        bytes[24..28].copy_from_slice(&[192, 168, 56, 102]);
        bytes[56..60].copy_from_slice(&100u32.to_ne_bytes());
        bytes[64..68].copy_from_slice(&1000u32.to_ne_bytes());
        bytes[68..72].copy_from_slice(&60837u32.to_ne_bytes());
        bytes
    }

    #[test]
    fn answer_fields_are_read_from_their_byte_ranges() {
        let bytes = established_v4();
        let msg = InetDiagMsg::new_checked(&bytes).unwrap();
        assert_eq!((msg.family(), msg.state()), (AF_INET, 1));
        assert_eq!(msg.source().to_string(), "192.168.56.101");
        assert_eq!(msg.source_port(), 5000);
        assert_eq!(msg.destination().to_string(), "192.168.56.102");
        assert_eq!(msg.destination_port(), 43522);
        assert_eq!((msg.recv_queue(), msg.send_queue()), (100, 0));
        assert_eq!((msg.uid(), msg.inode()), (1000, 60837));
    }

    #[test]
    fn short_answers_are_refused_not_read() {
        let bytes = established_v4();
        assert!(InetDiagMsg::new_checked(&bytes[..field::LEN - 1]).is_none());
        assert!(InetDiagMsg::new_checked(&[]).is_none());
    }

    #[test]
    fn requests_have_the_kernel_layouts() {
        let v2 = request_by_family(AF_INET6, IPPROTO_UDP, 0xfff, 0);
        assert_eq!(v2.len(), 56);
        assert_eq!((v2[0], v2[1]), (AF_INET6, IPPROTO_UDP));
        assert_eq!(u32::from_ne_bytes(v2[4..8].try_into().unwrap()), 0xfff);
        let compat = request_tcp_any_family(1 << 10, 0);
        assert_eq!(compat.len(), 60);
        assert_eq!(compat[0], AF_UNSPEC);
        assert_eq!(
            u32::from_ne_bytes(compat[52..56].try_into().unwrap()),
            1 << 10
        );
    }
}
