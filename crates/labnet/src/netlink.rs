//! Synchronous netlink sockets: send one request, read its answer. [`RouteSocket`]
//! speaks rtnetlink (NETLINK_ROUTE: links, addresses, namespaces ids), [`DiagSocket`]
//! speaks sock_diag (NETLINK_SOCK_DIAG: the socket table).
//!
//! rtnetlink messages are built and parsed by the well-kept `netlink-packet-route`
//! crate; sock_diag's small fixed formats are written in `sockets::diag` (that module
//! says why); the socket is `netlink-sys`. What is written here is only the request/acknowledge and
//! dump loops, kept synchronous on purpose: lab-hosts and nic-show make a handful of
//! requests, and a socket opened inside a network namespace (see
//! [`crate::netns::run_in`]) stays bound to it, which an async runtime's worker threads
//! would make harder to reason about.

use std::fmt::Debug;
use std::io;
use std::marker::PhantomData;

use netlink_packet_core::{NetlinkDeserializable, NetlinkSerializable};
use netlink_packet_core::{NetlinkHeader, NetlinkMessage, NetlinkPayload, NLM_F_REQUEST};
use netlink_packet_route::RouteNetlinkMessage;
use netlink_sys::protocols::{NETLINK_ROUTE, NETLINK_SOCK_DIAG};
use netlink_sys::{Socket, SocketAddr};

use crate::error::{Context, Error, Result};

pub use netlink_packet_core::{NLM_F_ACK, NLM_F_CREATE, NLM_F_DUMP, NLM_F_EXCL};

/// Large enough for one datagram of a dump (the kernel fills up to 32 KiB).
const RECV_BUFFER: usize = 64 * 1024;

/// A connected netlink socket carrying messages of type `M`, in the network namespace
/// it was opened in.
pub struct NetlinkSocket<M> {
    socket: Socket,
    sequence: u32,
    buffer: Vec<u8>,
    messages: PhantomData<M>,
}

/// rtnetlink: links, addresses, namespace ids.
pub type RouteSocket = NetlinkSocket<RouteNetlinkMessage>;
/// sock_diag: the kernel's socket table. Its requests and answers are built and read
/// by hand (see `sockets::diag`), so only the raw methods apply.
pub type DiagSocket = NetlinkSocket<SockDiag>;

/// Marks a socket whose messages labnet encodes itself.
#[derive(Debug)]
pub enum SockDiag {}

impl RouteSocket {
    /// Opens an rtnetlink socket in the calling thread's network namespace.
    pub fn open() -> Result<Self> {
        Self::open_protocol(NETLINK_ROUTE)
    }
}

impl DiagSocket {
    /// Opens a sock_diag socket in the calling thread's network namespace.
    pub fn open() -> Result<Self> {
        Self::open_protocol(NETLINK_SOCK_DIAG)
    }
}

impl<M> NetlinkSocket<M>
where
    M: NetlinkSerializable + NetlinkDeserializable + Debug,
{
    /// Sends a request that changes something and waits for the kernel's acknowledgement.
    /// `flags` adds to NLM_F_REQUEST|NLM_F_ACK (e.g. NLM_F_CREATE|NLM_F_EXCL);
    /// `what` describes the change for the error message.
    pub fn change(&mut self, message: M, flags: u16, what: &str) -> Result<()> {
        self.request(message, flags, what).map(drop)
    }

    /// Sends a request (a change, or a GET of one object) and returns the messages the
    /// kernel answers with before its acknowledgement.
    pub fn request(&mut self, message: M, flags: u16, what: &str) -> Result<Vec<M>> {
        let sequence = self.send(message, NLM_F_REQUEST | NLM_F_ACK | flags, what)?;
        let mut answers = Vec::new();
        self.receive(sequence, what, |m| answers.push(m))?;
        Ok(answers)
    }

    /// Sends a dump request and collects every answer until NLMSG_DONE.
    pub fn dump(&mut self, message: M, what: &str) -> Result<Vec<M>> {
        let mut answers = Vec::new();
        self.dump_each(message, what, |m| answers.push(m))?;
        Ok(answers)
    }

    /// Sends a dump request and hands each answer to `each` as it arrives, so a large
    /// dump (a thousand interfaces) is never held in memory as parsed messages.
    pub fn dump_each(&mut self, message: M, what: &str, each: impl FnMut(M)) -> Result<()> {
        let sequence = self.send(message, NLM_F_REQUEST | NLM_F_DUMP, what)?;
        self.receive(sequence, what, each)
    }

    fn send(&mut self, message: M, flags: u16, what: &str) -> Result<u32> {
        self.sequence = self.sequence.wrapping_add(1);
        let mut packet = NetlinkMessage::new(
            NetlinkHeader::default(),
            NetlinkPayload::InnerMessage(message),
        );
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
    fn receive(&mut self, sequence: u32, what: &str, mut each: impl FnMut(M)) -> Result<()> {
        let mut undecodable = None;
        self.receive_raw(
            sequence,
            what,
            |_, bytes| match NetlinkMessage::<M>::deserialize(bytes) {
                Ok(message) => {
                    if let NetlinkPayload::InnerMessage(inner) = message.payload {
                        each(inner);
                    }
                }
                Err(e) => {
                    undecodable.get_or_insert(e.to_string());
                }
            },
        )?;
        match undecodable {
            None => Ok(()),
            Some(e) => Err(Error::Netlink {
                context: what.into(),
                source: io::Error::new(io::ErrorKind::InvalidData, e),
            }),
        }
    }
}

/// Length of a netlink message header (struct nlmsghdr).
const HEADER_LEN: usize = 16;
const NLMSG_NOOP: u16 = 1;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;

impl<M> NetlinkSocket<M> {
    fn open_protocol(protocol: isize) -> Result<Self> {
        let mut socket = Socket::new(protocol).context(|| "opening a netlink socket")?;
        socket.bind_auto().context(|| "binding a netlink socket")?;
        socket
            .connect(&SocketAddr::new(0, 0))
            .context(|| "connecting a netlink socket")?;
        Ok(NetlinkSocket {
            socket,
            sequence: 0,
            buffer: vec![0; RECV_BUFFER],
            messages: PhantomData,
        })
    }

    /// Sends a request whose payload was built by hand (see `sockets::diag`) and hands
    /// each answer (message type, payload) to `each` until the answer is complete.
    pub fn request_raw(
        &mut self,
        message_type: u16,
        flags: u16,
        payload: &[u8],
        what: &str,
        mut each: impl FnMut(u16, &[u8]),
    ) -> Result<()> {
        self.sequence = self.sequence.wrapping_add(1);
        let length = HEADER_LEN + payload.len();
        let mut bytes = Vec::with_capacity(length);
        bytes.extend_from_slice(&(length as u32).to_ne_bytes());
        bytes.extend_from_slice(&message_type.to_ne_bytes());
        bytes.extend_from_slice(&(NLM_F_REQUEST | flags).to_ne_bytes());
        bytes.extend_from_slice(&self.sequence.to_ne_bytes());
        bytes.extend_from_slice(&0u32.to_ne_bytes());
        bytes.extend_from_slice(payload);
        self.socket
            .send(&bytes, 0)
            .context(|| format!("{what}: sending the netlink request"))?;
        let sequence = self.sequence;
        self.receive_raw(sequence, what, |message_type, message| {
            each(message_type, &message[HEADER_LEN..])
        })
    }

    /// The one receive loop: walks the netlink messages of each datagram, checking
    /// every length before use, and hands the answers to `sequence` (type, whole
    /// message) to `each` until NLMSG_DONE or the acknowledgement; a negative errno in
    /// either becomes the error.
    fn receive_raw(
        &mut self,
        sequence: u32,
        what: &str,
        mut each: impl FnMut(u16, &[u8]),
    ) -> Result<()> {
        let malformed = || Error::Netlink {
            context: what.into(),
            source: io::Error::new(io::ErrorKind::InvalidData, "malformed netlink message"),
        };
        loop {
            let size = self
                .socket
                .recv(&mut &mut self.buffer[..], 0)
                .context(|| format!("{what}: reading the netlink answer"))?;
            let mut offset = 0;
            while offset + HEADER_LEN <= size {
                let header = &self.buffer[offset..offset + HEADER_LEN];
                let length = u32::from_ne_bytes(header[0..4].try_into().expect("4 bytes")) as usize;
                let message_type = u16::from_ne_bytes(header[4..6].try_into().expect("2 bytes"));
                let message_sequence =
                    u32::from_ne_bytes(header[8..12].try_into().expect("4 bytes"));
                if length < HEADER_LEN || offset + length > size {
                    return Err(malformed());
                }
                let message = &self.buffer[offset..offset + length];
                if message_sequence == sequence {
                    match message_type {
                        NLMSG_DONE | NLMSG_ERROR => {
                            // Both carry an int: 0, or a negative errno.
                            let code = message
                                .get(HEADER_LEN..HEADER_LEN + 4)
                                .map_or(0, |c| i32::from_ne_bytes(c.try_into().expect("4 bytes")));
                            if code < 0 {
                                return Err(Error::Netlink {
                                    context: what.into(),
                                    source: io::Error::from_raw_os_error(-code),
                                });
                            }
                            return Ok(());
                        }
                        NLMSG_NOOP => {}
                        _ => each(message_type, message),
                    }
                }
                // Messages are aligned to 4 bytes.
                offset += (length + 3) & !3;
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
