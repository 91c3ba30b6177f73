//! One end of the wire: a packet socket on a port of the wire namespace, reading and
//! writing raw frames with their virtio-net header in batches (`recvmmsg`,
//! `sendmmsg`), so a busy link costs two system calls per batch, not per frame.
//!
//! Frames are not read through a TPACKET ring: a TPACKET_V3 ring hands frames over in
//! blocks, after a block timeout of milliseconds on a quiet link, which is the latency
//! the wire must not add; batched calls give a quiet link one frame at once and a busy
//! one many per call. The raw system calls of the wire are here and nowhere else.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::error::{Error, Result};

/// The virtio-net header before each frame on the sockets.
pub const VNET_HEADER: usize = 10;
const VNET_NEEDS_CSUM: u8 = 1;
/// Frames read or written in one call at most.
pub const BATCH: usize = 64;
/// Room for the largest frame a port hands over (a 64 KiB GSO frame, should a host
/// send one) with its header. The buffers are allocated zeroed, so only the pages
/// frames are written into are ever resident.
const FRAME_ROOM: usize = VNET_HEADER + 65_550;

fn os_error(what: &str) -> Error {
    Error::Io {
        context: what.to_string(),
        source: std::io::Error::last_os_error(),
    }
}

fn set_option(
    socket: &OwnedFd,
    level: i32,
    name: i32,
    value: libc::c_int,
    what: &str,
) -> Result<()> {
    // SAFETY: `value` is a valid c_int for the whole call and the length is its size.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            std::ptr::addr_of!(value).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(os_error(what))
    }
}

/// A packet socket on one port: raw frames with their virtio-net header, our own
/// outgoing frames not read back, sent past the qdisc, non-blocking.
pub fn open(interface: &str) -> Result<OwnedFd> {
    let index = nix::net::if_::if_nametoindex(interface)
        .map_err(|e| Error::failed(format!("no port {interface} in the wire namespace: {e}")))?;
    // SAFETY: plain socket(2); the descriptor is owned right away.
    let fd = unsafe {
        libc::socket(
            libc::AF_PACKET,
            libc::SOCK_RAW | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
            0,
        )
    };
    if fd < 0 {
        return Err(os_error("opening a packet socket for the wire"));
    }
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    for (option, name) in [
        (libc::PACKET_VNET_HDR, "PACKET_VNET_HDR"),
        (libc::PACKET_IGNORE_OUTGOING, "PACKET_IGNORE_OUTGOING"),
        (libc::PACKET_QDISC_BYPASS, "PACKET_QDISC_BYPASS"),
    ] {
        set_option(&socket, libc::SOL_PACKET, option, 1, name)?;
    }
    for option in [libc::SO_RCVBUFFORCE, libc::SO_SNDBUFFORCE] {
        set_option(
            &socket,
            libc::SOL_SOCKET,
            option,
            8 << 20,
            "the socket's buffer",
        )?;
    }
    // SAFETY: sockaddr_ll is plain data; all-zero is a valid starting value.
    let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
    address.sll_family = libc::AF_PACKET as u16;
    address.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
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
        return Err(os_error(&format!("binding to port {interface}")));
    }
    Ok(socket)
}

/// Frames read in one call: each with its virtio-net header.
pub struct Inbox {
    buffers: Vec<Vec<u8>>,
    lengths: [usize; BATCH],
    count: usize,
}

impl Default for Inbox {
    fn default() -> Self {
        Inbox {
            buffers: (0..BATCH).map(|_| vec![0u8; FRAME_ROOM]).collect(),
            lengths: [0; BATCH],
            count: 0,
        }
    }
}

impl Inbox {
    /// Reads the frames waiting on `socket`, up to [`BATCH`]; how many (0: none now).
    pub fn receive(&mut self, socket: &OwnedFd) -> std::io::Result<usize> {
        let mut iovecs: Vec<libc::iovec> = self
            .buffers
            .iter_mut()
            .map(|b| libc::iovec {
                iov_base: b.as_mut_ptr().cast(),
                iov_len: b.len(),
            })
            .collect();
        // SAFETY: mmsghdr is plain data; all-zero is a valid starting value.
        let mut headers: Vec<libc::mmsghdr> =
            (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect();
        for (header, iovec) in headers.iter_mut().zip(iovecs.iter_mut()) {
            header.msg_hdr.msg_iov = iovec;
            header.msg_hdr.msg_iovlen = 1;
        }
        // SAFETY: each header points at one iovec, each iovec at a buffer of its length,
        // all valid and unaliased for the whole call.
        let received = unsafe {
            libc::recvmmsg(
                socket.as_raw_fd(),
                headers.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if received < 0 {
            self.count = 0;
            let error = std::io::Error::last_os_error();
            return match error.kind() {
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted => Ok(0),
                _ => Err(error),
            };
        }
        self.count = received as usize;
        for (length, header) in self.lengths.iter_mut().zip(&headers[..self.count]) {
            *length = header.msg_len as usize;
        }
        Ok(self.count)
    }

    /// The frames of the last call, with their headers.
    pub fn frames(&self) -> impl Iterator<Item = &[u8]> {
        self.buffers
            .iter()
            .zip(&self.lengths)
            .take(self.count)
            .map(|(buffer, &length)| &buffer[..length])
    }
}

/// Frames to be written to one port in one call, copied end to end.
#[derive(Default)]
pub struct Outbox {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl Outbox {
    pub fn push(&mut self, frame: &[u8]) {
        self.bytes.extend_from_slice(frame);
        self.ends.push(self.bytes.len());
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Writes every frame gathered, in order; how many the port took. A frame it
    /// refuses (a full socket buffer) is dropped, as a full link drops it.
    pub fn send(&mut self, socket: &OwnedFd) -> u64 {
        let mut sent = 0u64;
        let mut start = 0;
        for chunk in self.ends.chunks(BATCH) {
            let mut from = start;
            let mut iovecs: Vec<libc::iovec> = chunk
                .iter()
                .map(|&end| {
                    let iovec = libc::iovec {
                        iov_base: self.bytes[from..end].as_ptr() as *mut libc::c_void,
                        iov_len: end - from,
                    };
                    from = end;
                    iovec
                })
                .collect();
            // SAFETY: mmsghdr is plain data; all-zero is a valid starting value.
            let mut headers: Vec<libc::mmsghdr> = (0..chunk.len())
                .map(|_| unsafe { std::mem::zeroed() })
                .collect();
            for (header, iovec) in headers.iter_mut().zip(iovecs.iter_mut()) {
                header.msg_hdr.msg_iov = iovec;
                header.msg_hdr.msg_iovlen = 1;
            }
            let mut done = 0;
            while done < headers.len() {
                // SAFETY: each header points at one iovec over bytes of `self.bytes`,
                // which the kernel only reads, all valid for the whole call.
                let result = unsafe {
                    libc::sendmmsg(
                        socket.as_raw_fd(),
                        headers[done..].as_mut_ptr(),
                        (headers.len() - done) as libc::c_uint,
                        libc::MSG_DONTWAIT,
                    )
                };
                if result <= 0 {
                    // The frame at `done` is refused: drop it, go on with the next.
                    done += 1;
                } else {
                    done += result as usize;
                    sent += result as u64;
                }
            }
            start = from;
        }
        self.bytes.clear();
        self.ends.clear();
        sent
    }
}

/// Makes a frame's checksum (one the sender left to offload) and flips one bit after
/// its Ethernet header, so the receiver sees a frame with a bad checksum.
pub fn corrupt(frame: &mut [u8], bit: u32) {
    if frame.len() <= VNET_HEADER + 14 {
        return;
    }
    if frame[0] & VNET_NEEDS_CSUM != 0 {
        let start = VNET_HEADER + usize::from(u16::from_le_bytes([frame[6], frame[7]]));
        let at = start + usize::from(u16::from_le_bytes([frame[8], frame[9]]));
        if at + 2 <= frame.len() && start < frame.len() {
            let mut sum: u32 = 0;
            for pair in frame[start..].chunks(2) {
                sum += u32::from(u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]));
            }
            while sum >> 16 != 0 {
                sum = (sum & 0xffff) + (sum >> 16);
            }
            frame[at..at + 2].copy_from_slice(&(!(sum as u16)).to_be_bytes());
        }
        frame[0] &= !VNET_NEEDS_CSUM;
    }
    let payload = (frame.len() - VNET_HEADER - 14) as u32 * 8;
    let bit = bit % payload;
    frame[VNET_HEADER + 14 + (bit / 8) as usize] ^= 1 << (bit % 8);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupted_frame_gets_its_checksum_then_one_bit_flipped() {
        // A virtio-net header asking for a checksum at offset 16 of a segment starting
        // at 14 (after Ethernet), then 40 bytes of frame.
        let mut frame = vec![0u8; VNET_HEADER + 40];
        frame[0] = VNET_NEEDS_CSUM;
        frame[6..8].copy_from_slice(&14u16.to_le_bytes());
        frame[8..10].copy_from_slice(&16u16.to_le_bytes());
        for (i, b) in frame[VNET_HEADER + 14..].iter_mut().enumerate() {
            *b = i as u8;
        }
        let before = frame.clone();
        corrupt(&mut frame, 5);
        assert_eq!(frame[0] & VNET_NEEDS_CSUM, 0, "the checksum is made");
        let changed: Vec<usize> = (VNET_HEADER..frame.len())
            .filter(|&i| frame[i] != before[i])
            .collect();
        // The checksum field, and the one byte with the flipped bit.
        assert!(changed.contains(&(VNET_HEADER + 14)), "{changed:?}");
        assert!(changed.len() <= 3, "{changed:?}");
    }
}
