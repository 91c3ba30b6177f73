//! ICMP echo (ping) from inside a network namespace, for `lab-hosts pingall`: a raw
//! ICMP or ICMPv6 socket opened in the namespace, one echo request, its reply matched
//! by identifier and sequence number. Written here rather than running `ping`: the
//! lab's binaries work on a VM without iputils, and a raw socket in the namespace needs
//! no process per ping.

use std::fs::File;
use std::net::{IpAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use nix::sys::socket::{
    recv, sendto, socket, AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType, SockaddrIn,
    SockaddrIn6,
};

use crate::error::{Error, Result};
use crate::netns;

const ECHO_REQUEST_V4: u8 = 8;
const ECHO_REPLY_V4: u8 = 0;
const ECHO_REQUEST_V6: u8 = 128;
const ECHO_REPLY_V6: u8 = 129;

/// The Internet checksum of `data`.
fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for pair in data.chunks(2) {
        sum += u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
    }
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// An echo request with this identifier and sequence number (IPv6's checksum is
/// filled in by the kernel, over its pseudo-header).
fn request(v6: bool, identifier: u16, sequence: u16) -> Vec<u8> {
    let mut message = vec![if v6 { ECHO_REQUEST_V6 } else { ECHO_REQUEST_V4 }, 0, 0, 0];
    message.extend_from_slice(&identifier.to_be_bytes());
    message.extend_from_slice(&sequence.to_be_bytes());
    message.extend_from_slice(b"labnet pingall\0\0");
    if !v6 {
        let sum = checksum(&message);
        message[2..4].copy_from_slice(&sum.to_be_bytes());
    }
    message
}

/// Sends one echo request to `target` from inside `namespace` and waits up to
/// `timeout` for its reply; returns the round trip, or `None` when none came.
pub fn echo(namespace: &File, target: IpAddr, timeout: Duration) -> Result<Option<Duration>> {
    let v6 = target.is_ipv6();
    let socket: OwnedFd = netns::run_in(namespace, move || {
        let (family, protocol) = if v6 {
            (AddressFamily::Inet6, SockProtocol::IcmpV6)
        } else {
            (AddressFamily::Inet, SockProtocol::Icmp)
        };
        socket(family, SockType::Raw, SockFlag::SOCK_CLOEXEC, protocol).map_err(|e| {
            Error::failed(format!("opening a raw ICMP socket: {e}"))
                .hint("pinging needs root (CAP_NET_RAW): run it with sudo")
        })
    })?;
    // The identifier tells our replies from another ping's.
    let identifier = (std::process::id() as u16) ^ 0x5a5a;
    let sequence = 1;
    let message = request(v6, identifier, sequence);
    let sent = match target {
        IpAddr::V4(address) => sendto(
            std::os::fd::AsRawFd::as_raw_fd(&socket),
            &message,
            &SockaddrIn::from(SocketAddrV4::new(address, 0)),
            MsgFlags::empty(),
        ),
        IpAddr::V6(address) => sendto(
            std::os::fd::AsRawFd::as_raw_fd(&socket),
            &message,
            &SockaddrIn6::from(SocketAddrV6::new(address, 0, 0, 0)),
            MsgFlags::empty(),
        ),
    };
    let start = Instant::now();
    if sent.is_err() {
        // No route, or the host down: no reply will come.
        return Ok(None);
    }
    let mut buffer = [0u8; 1500];
    while let Some(left) = timeout.checked_sub(start.elapsed()) {
        let mut fds = [nix::poll::PollFd::new(
            socket.as_fd(),
            nix::poll::PollFlags::POLLIN,
        )];
        let waited = nix::poll::ppoll(&mut fds, Some(left.into()), None);
        if !matches!(waited, Ok(n) if n > 0) {
            continue;
        }
        let Ok(length) = recv(
            std::os::fd::AsRawFd::as_raw_fd(&socket),
            &mut buffer,
            MsgFlags::MSG_DONTWAIT,
        ) else {
            continue;
        };
        // An IPv4 raw socket hands over the IP header too; ICMPv6 starts at once.
        let at = if v6 {
            0
        } else {
            usize::from(buffer[0] & 0x0f) * 4
        };
        let reply = &buffer[at.min(length)..length];
        let expected = if v6 { ECHO_REPLY_V6 } else { ECHO_REPLY_V4 };
        if reply.len() >= 8
            && reply[0] == expected
            && reply[4..6] == identifier.to_be_bytes()
            && reply[6..8] == sequence.to_be_bytes()
        {
            return Ok(Some(start.elapsed()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_echo_request_sums_to_zero_with_its_checksum() {
        let message = request(false, 0x1234, 1);
        assert_eq!(message[0], ECHO_REQUEST_V4);
        assert_eq!(
            checksum(&message),
            0,
            "a message with its checksum sums to 0"
        );
        assert_eq!(request(true, 1, 1)[2..4], [0, 0], "the kernel fills IPv6's");
    }
}
