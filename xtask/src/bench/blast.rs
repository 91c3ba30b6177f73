//! The packet blaster of `bench capture`: 64-byte UDP frames written straight to an
//! interface of the bench's own namespace through a packet socket (`sendmmsg`, 256
//! frames a call), so two processes offer over a million a second. The interface is a
//! veth whose peer has no address: every capture on it sees each frame, and the peer
//! drops it at once (it is addressed to another host). Not the lab wire's port socket
//! (`labnet::wire`): that one sends past the qdisc, where the captures' taps would
//! never see the frames, and carries virtio-net headers.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::time::Duration;

use anyhow::{bail, Context, Result};

/// Frames per `sendmmsg`.
const BATCH: usize = 256;

/// A UDP datagram of 64 bytes on the wire (Ethernet, IPv4, UDP, 22 bytes of data)
/// from 10.99.0.1:40000 to 10.99.0.2:9.
fn frame(source_mac: [u8; 6]) -> Vec<u8> {
    let mut frame = vec![0x02, 0, 0, 0, 0, 2];
    frame.extend_from_slice(&source_mac);
    frame.extend_from_slice(&[0x08, 0x00]);
    let total = 20 + 8 + 22u16;
    let mut ip = vec![
        0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 99, 0, 1, 10, 99, 0, 2,
    ];
    ip[2..4].copy_from_slice(&total.to_be_bytes());
    let mut sum: u32 = ip
        .chunks(2)
        .map(|p| u32::from(u16::from_be_bytes([p[0], p[1]])))
        .sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    ip[10..12].copy_from_slice(&(!(sum as u16)).to_be_bytes());
    frame.extend_from_slice(&ip);
    frame.extend_from_slice(&40000u16.to_be_bytes());
    frame.extend_from_slice(&9u16.to_be_bytes());
    frame.extend_from_slice(&(8 + 22u16).to_be_bytes());
    frame.extend_from_slice(&[0, 0]);
    frame.extend_from_slice(&[0x5a; 22]);
    frame
}

/// In namespace `netns`, writes frames to `interface` at `rate` a second (0: as fast as
/// it can) for `millis` (at most 10 s); prints how many went out.
pub fn blast_frames(netns: &str, interface: &str, rate: u64, millis: u64) -> Result<()> {
    super::enter_netns(netns)?;
    let name = std::ffi::CString::new(interface)?;
    // SAFETY: `name` is a NUL-terminated string valid for the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    if index == 0 {
        bail!("no interface {interface} in {netns}");
    }
    let mac =
        std::fs::read_to_string(format!("/sys/class/net/{interface}/address")).unwrap_or_default();
    let mut source = [0x02, 0, 0, 0, 0, 1];
    for (byte, text) in source.iter_mut().zip(mac.trim().split(':')) {
        *byte = u8::from_str_radix(text, 16).unwrap_or(*byte);
    }
    // SAFETY: plain socket(2); the descriptor is owned right away.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW | libc::SOCK_CLOEXEC, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error()).context("opening the blaster's socket");
    }
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sockaddr_ll is plain data; all-zero is a valid starting value.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_ifindex = index as i32;
    // SAFETY: `address` is a valid sockaddr_ll and the length is its size.
    let bound = unsafe {
        libc::bind(
            socket.as_raw_fd(),
            std::ptr::addr_of!(address).cast(),
            std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
        )
    };
    if bound != 0 {
        return Err(std::io::Error::last_os_error()).context("binding the blaster's socket");
    }
    let frame = frame(source);
    let mut iovec = libc::iovec {
        iov_base: frame.as_ptr() as *mut libc::c_void,
        iov_len: frame.len(),
    };
    // SAFETY: mmsghdr is plain data; all-zero is a valid starting value.
    let mut headers: Vec<libc::mmsghdr> =
        (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect();
    for header in &mut headers {
        header.msg_hdr.msg_iov = &mut iovec;
        header.msg_hdr.msg_iovlen = 1;
    }
    // A socket of this process owns the frames' flow, as a sender's would: what
    // process attribution finds for each of them.
    // (A second blaster finds it bound by the first: that one is the owner.)
    let owner = std::net::UdpSocket::bind("10.99.0.1:40000").ok();
    if let Some(owner) = &owner {
        owner.connect("10.99.0.2:9")?;
    }
    let mut failure = None;
    let sent = super::paced(rate, Duration::from_millis(millis), BATCH, |batch| {
        // SAFETY: each header points at the one iovec over `frame`, which the kernel
        // only reads; all valid for the call.
        let done =
            unsafe { libc::sendmmsg(socket.as_raw_fd(), headers.as_mut_ptr(), batch as u32, 0) };
        if done < 0 {
            let error = std::io::Error::last_os_error();
            if error.raw_os_error() != Some(libc::ENOBUFS) {
                failure.get_or_insert(error);
            }
            return 0;
        }
        done as usize
    });
    if let Some(error) = failure {
        bail!("sending frames: {error}");
    }
    drop(owner);
    println!("{sent}");
    Ok(())
}
