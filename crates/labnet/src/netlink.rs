//! A synchronous rtnetlink (NETLINK_ROUTE) socket: send one request, read its answer.
//!
//! Messages are built and parsed by the well-kept `netlink-packet-route` crate; the
//! socket is `netlink-sys`. What is written here is only the request/acknowledge and
//! dump loops, kept synchronous on purpose: lab-hosts and nic-show make a handful of
//! requests, and a socket opened inside a network namespace (see
//! [`crate::netns::run_in`]) stays bound to it, which an async runtime's worker threads
//! would make harder to reason about.

use std::io;

use netlink_packet_core::{
    NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_ACK, NLM_F_DUMP, NLM_F_REQUEST,
};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::{protocols::NETLINK_ROUTE, Socket, SocketAddr};

use crate::error::{Context, Error, Result};

pub use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};

/// Large enough for one datagram of a dump (the kernel fills up to 32 KiB).
const RECV_BUFFER: usize = 64 * 1024;

/// A connected NETLINK_ROUTE socket in the network namespace it was opened in.
pub struct RouteSocket {
    socket: Socket,
    sequence: u32,
    buffer: Vec<u8>,
}

impl RouteSocket {
    /// Opens a socket in the calling thread's network namespace.
    pub fn open() -> Result<Self> {
        let mut socket = Socket::new(NETLINK_ROUTE).context(|| "opening a netlink socket")?;
        socket.bind_auto().context(|| "binding a netlink socket")?;
        socket
            .connect(&SocketAddr::new(0, 0))
            .context(|| "connecting a netlink socket")?;
        Ok(RouteSocket {
            socket,
            sequence: 0,
            buffer: vec![0; RECV_BUFFER],
        })
    }

    /// Sends a request that changes something and waits for the kernel's acknowledgement.
    /// `flags` adds to NLM_F_REQUEST|NLM_F_ACK (e.g. NLM_F_CREATE|NLM_F_EXCL);
    /// `what` describes the change for the error message.
    pub fn change(&mut self, message: RouteNetlinkMessage, flags: u16, what: &str) -> Result<()> {
        self.request(message, flags, what).map(drop)
    }

    /// Sends a request (a change, or a GET of one object) and returns the messages the
    /// kernel answers with before its acknowledgement.
    pub fn request(
        &mut self,
        message: RouteNetlinkMessage,
        flags: u16,
        what: &str,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        let sequence = self.send(message, NLM_F_REQUEST | NLM_F_ACK | flags, what)?;
        let mut answers = Vec::new();
        self.receive(sequence, what, |m| answers.push(m))?;
        Ok(answers)
    }

    /// Sends a dump request and collects every answer until NLMSG_DONE.
    pub fn dump(
        &mut self,
        message: RouteNetlinkMessage,
        what: &str,
    ) -> Result<Vec<RouteNetlinkMessage>> {
        let mut answers = Vec::new();
        self.dump_each(message, what, |m| answers.push(m))?;
        Ok(answers)
    }

    /// Sends a dump request and hands each answer to `each` as it arrives, so a large
    /// dump (a thousand interfaces) is never held in memory as parsed messages.
    pub fn dump_each(
        &mut self,
        message: RouteNetlinkMessage,
        what: &str,
        each: impl FnMut(RouteNetlinkMessage),
    ) -> Result<()> {
        let sequence = self.send(message, NLM_F_REQUEST | NLM_F_DUMP, what)?;
        self.receive(sequence, what, each)
    }

    fn send(&mut self, message: RouteNetlinkMessage, flags: u16, what: &str) -> Result<u32> {
        self.sequence = self.sequence.wrapping_add(1);
        let mut packet =
            NetlinkMessage::new(NetlinkHeader::default(), NetlinkPayload::from(message));
        packet.header.flags = flags;
        packet.header.sequence_number = self.sequence;
        packet.finalize();
        let mut bytes = vec![0; packet.buffer_len()];
        packet.serialize(&mut bytes);
        self.socket
            .send(&bytes, 0)
            .context(|| format!("{what}: sending the netlink request"))?;
        Ok(self.sequence)
    }

    /// Reads datagrams until the answer to `sequence` is complete: an ACK, an error,
    /// or NLMSG_DONE. Each inner message goes to `each`.
    fn receive(
        &mut self,
        sequence: u32,
        what: &str,
        mut each: impl FnMut(RouteNetlinkMessage),
    ) -> Result<()> {
        loop {
            let size = self
                .socket
                .recv(&mut &mut self.buffer[..], 0)
                .context(|| format!("{what}: reading the netlink answer"))?;
            let mut offset = 0;
            while offset < size {
                let message: NetlinkMessage<RouteNetlinkMessage> =
                    NetlinkMessage::deserialize(&self.buffer[offset..size]).map_err(|e| {
                        Error::Netlink {
                            context: what.into(),
                            source: io::Error::new(io::ErrorKind::InvalidData, e.to_string()),
                        }
                    })?;
                let length = message.header.length as usize;
                if message.header.sequence_number == sequence {
                    match message.payload {
                        NetlinkPayload::Done(_) => return Ok(()),
                        NetlinkPayload::Error(err) if err.code.is_none() => return Ok(()),
                        NetlinkPayload::Error(err) => {
                            return Err(Error::Netlink {
                                context: what.into(),
                                source: err.to_io(),
                            })
                        }
                        NetlinkPayload::InnerMessage(inner) => each(inner),
                        _ => {}
                    }
                }
                if length == 0 {
                    break;
                }
                offset += length;
            }
        }
    }
}

/// The errno of a netlink or OS failure, to tell "already exists" from real failures.
pub fn errno(err: &Error) -> Option<i32> {
    match err {
        Error::Io { source, .. } | Error::Netlink { source, .. } => source.raw_os_error(),
        _ => None,
    }
}
