//! Conversations: which packets belong together, packet by packet, live or from a file.
//! A TCP conversation is numbered as tshark numbers `tcp.stream` (in order of first
//! appearance; a SYN with a new initial sequence number on ports already used starts a
//! new one), UDP ones as `udp.stream`, and ICMP exchanges between two addresses get a
//! number of their own. Each conversation counts packets and bytes each way; a TCP one
//! also runs Wireshark's analysis ([`tcp`]) and RFC 6298's RTT estimator ([`rtt`]).
//! [`follow`] reassembles one stream's bytes as tshark's "Follow TCP Stream".
//!
//! Memory grows with the conversations that are open, not with the packets: a closed
//! TCP conversation (a RST, or a FIN each way) lingers [`LINGER`] of capture time (or
//! until [`MAX_LINGERING`] others closed after it) for its stragglers, then it is
//! retired: handed to the caller ([`Tracker::take_retired`]), which reports it and lets
//! it go. At most [`MAX_OPEN`] conversations are followed at once; past that the
//! longest idle are retired early (and counted in [`Tracker::evicted_early`]), so a
//! later packet of one of them starts a new conversation where tshark would continue
//! the old one. The table is keyed with foldhash: fast, and seeded at random, so a
//! hostile capture cannot aim its addresses at one bucket.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::IpAddr;

use crate::dissect::endpoints::{self, Endpoints, Transport};
use crate::dissect::Dissection;

pub mod follow;
pub mod rtt;
pub mod tcp;

/// A closed TCP conversation is kept this long (nanoseconds of capture time) for its
/// last ACKs and retransmitted FINs.
pub const LINGER: i64 = 60_000_000_000;
/// At most this many closed conversations linger at once.
pub const MAX_LINGERING: usize = 10_000;
/// At most this many conversations are followed at once.
pub const MAX_OPEN: usize = 250_000;

/// A conversation's transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
    Icmp,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
        }
    }
}

/// One end of a conversation: an address and (for TCP and UDP) a port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub address: IpAddr,
    pub port: Option<u16>,
}

impl fmt::Display for Endpoint {
    /// `192.168.56.101:5000`, `[fd00:56::101]:5000`, or the address alone (ICMP).
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match (self.address, self.port) {
            (IpAddr::V6(a), Some(port)) => write!(f, "[{a}]:{port}"),
            (a, Some(port)) => write!(f, "{a}:{port}"),
            (a, None) => write!(f, "{a}"),
        }
    }
}

/// One conversation and its counts. Direction 0 is from A, the sender of its first
/// packet; direction 1 from B.
#[derive(Debug, Clone)]
pub struct Conversation {
    pub protocol: Protocol,
    /// `tcp.stream` / `udp.stream` (ICMP: its own count).
    pub stream: u32,
    pub a: Endpoint,
    pub b: Endpoint,
    pub packets: [u64; 2],
    /// Frame bytes on the wire (original lengths), as tshark's conversation table.
    pub bytes: [u64; 2],
    /// Nanoseconds since the epoch.
    pub first_time: i64,
    pub last_time: i64,
    /// Indexes of its first and last packet.
    pub first_packet: u64,
    pub last_packet: u64,
    pub tcp: Option<Box<tcp::Connection>>,
}

/// What the tracker made of one packet.
#[derive(Debug, Clone)]
pub struct Observed {
    pub protocol: Protocol,
    pub stream: u32,
    /// Sent by B (the side that did not send the conversation's first packet).
    pub from_b: bool,
    pub a: Endpoint,
    pub b: Endpoint,
    /// For a TCP segment (not one quoted in an ICMP error): Wireshark's analysis.
    pub tcp: Option<tcp::Analysis>,
}

impl Observed {
    /// The sender and receiver of this packet.
    pub fn ends(&self) -> (Endpoint, Endpoint) {
        if self.from_b {
            (self.b, self.a)
        } else {
            (self.a, self.b)
        }
    }
}

/// A conversation's key: its two endpoints in a fixed order, packed as numbers (an IPv4
/// address as its IPv6-mapped form, the family in the tag), so that hashing and
/// comparing cost a few instructions per packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    addresses: [u128; 2],
    /// Ports (0 for ICMP), then the protocol and whether the addresses are IPv4.
    tag: u64,
}

impl Key {
    fn new(protocol: Protocol, x: Endpoint, y: Endpoint) -> Key {
        let number = |a: IpAddr| match a {
            IpAddr::V4(v4) => v4.to_ipv6_mapped().to_bits(),
            IpAddr::V6(v6) => v6.to_bits(),
        };
        let (x_address, y_address) = (number(x.address), number(y.address));
        let (x_port, y_port) = (x.port.unwrap_or(0), y.port.unwrap_or(0));
        let (low, high) = if (x_address, x_port) <= (y_address, y_port) {
            ((x_address, x_port), (y_address, y_port))
        } else {
            ((y_address, y_port), (x_address, x_port))
        };
        Key {
            addresses: [low.0, high.0],
            tag: u64::from(low.1) << 32
                | u64::from(high.1) << 16
                | (protocol as u64) << 1
                | u64::from(x.address.is_ipv4()),
        }
    }
}

/// Follows conversations packet by packet.
#[derive(Debug, Default)]
pub struct Tracker {
    open: HashMap<Key, Conversation, foldhash::fast::RandomState>,
    /// Closed TCP conversations waiting to be dropped: key, stream, when closed.
    lingering: VecDeque<(Key, u32, i64)>,
    /// Conversations no longer followed, until the caller takes them.
    retired: Vec<Conversation>,
    next_stream: [u32; 3],
    evicted_early: u64,
}

/// A packet's time in nanoseconds since the epoch.
pub fn nanoseconds(seconds: u32, nanoseconds: u64) -> i64 {
    i64::from(seconds) * 1_000_000_000 + nanoseconds as i64
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// The conversations no longer followed since the last call (closed and lingered,
    /// or closed early), oldest first; the caller reports them and lets them go.
    pub fn take_retired(&mut self) -> Vec<Conversation> {
        std::mem::take(&mut self.retired)
    }

    /// How many conversations are followed now (at most [`MAX_OPEN`]).
    pub fn open_conversations(&self) -> usize {
        self.open.len()
    }

    /// The largest number of unacknowledged segments any open TCP connection holds for
    /// one direction (at most [`tcp::MAX_UNACKED_SEGMENTS`]).
    pub fn most_unacked(&self) -> usize {
        self.open
            .values()
            .filter_map(|c| c.tcp.as_ref())
            .map(|t| t.unacked())
            .max()
            .unwrap_or(0)
    }

    /// Conversations closed early because [`MAX_OPEN`] were open.
    pub fn evicted_early(&self) -> u64 {
        self.evicted_early
    }

    /// Files one dissected packet under its conversation; `None` for a packet of no
    /// conversation (ARP, a non-IP frame, an ICMP error's quote too short to tell).
    pub fn observe(
        &mut self,
        index: u64,
        time: i64,
        original_length: u32,
        dissection: &Dissection,
        data: &[u8],
    ) -> Option<Observed> {
        let endpoints = endpoints::endpoints(dissection, data, original_length)?;
        Some(self.observe_endpoints(index, time, original_length, &endpoints))
    }

    /// [`Tracker::observe`] for a packet already read as [`Endpoints`].
    pub fn observe_endpoints(
        &mut self,
        index: u64,
        time: i64,
        original_length: u32,
        endpoints: &Endpoints,
    ) -> Observed {
        self.drop_lingering(time);
        if let Some(quoted) = &endpoints.quoted {
            // The conversation an ICMP error quotes is looked up (or made), nothing more.
            let protocol = if quoted.tcp.is_some() {
                Protocol::Tcp
            } else {
                Protocol::Udp
            };
            let src = Endpoint {
                address: quoted.src,
                port: Some(quoted.sport),
            };
            let dst = Endpoint {
                address: quoted.dst,
                port: Some(quoted.dport),
            };
            self.conversation(protocol, src, dst, quoted.tcp, index, time);
        }
        let at = |address, port| Endpoint { address, port };
        let (protocol, src, dst, syn) = match &endpoints.transport {
            Transport::Tcp(s) => (
                Protocol::Tcp,
                at(endpoints.src, Some(s.sport)),
                at(endpoints.dst, Some(s.dport)),
                Some((s.seq, s.flags)),
            ),
            Transport::Udp { sport, dport } => (
                Protocol::Udp,
                at(endpoints.src, Some(*sport)),
                at(endpoints.dst, Some(*dport)),
                None,
            ),
            Transport::Icmp { .. } => (
                Protocol::Icmp,
                at(endpoints.src, None),
                at(endpoints.dst, None),
                None,
            ),
        };
        let (conversation, new, reused) = self.conversation(protocol, src, dst, syn, index, time);
        if conversation.packets == [0, 0] {
            // Made for a quoted header: A is the sender of the first packet counted.
            conversation.a = src;
            conversation.b = dst;
            conversation.first_time = time;
            conversation.first_packet = index;
        }
        let from_b = conversation.a != src;
        let direction = usize::from(from_b);
        conversation.packets[direction] += 1;
        conversation.bytes[direction] += u64::from(original_length);
        conversation.last_time = time;
        conversation.last_packet = index;
        let mut analysis = None;
        let mut closed_now = false;
        if let (Transport::Tcp(segment), Some(connection)) =
            (&endpoints.transport, conversation.tcp.as_mut())
        {
            let was_closed = connection.closed();
            analysis = Some(connection.segment(segment, from_b, index, time, new, reused));
            closed_now = !was_closed && connection.closed();
        }
        let observed = Observed {
            protocol,
            stream: conversation.stream,
            from_b,
            a: conversation.a,
            b: conversation.b,
            tcp: analysis,
        };
        if closed_now {
            let key = Key::new(protocol, src, dst);
            self.lingering.push_back((key, observed.stream, time));
        }
        observed
    }

    /// Finds or makes the conversation of `src` and `dst`; returns it, whether it was
    /// made now, and whether it was made because a pure SYN (`syn`: its sequence
    /// number and flags) started another connection on ports in use.
    fn conversation(
        &mut self,
        protocol: Protocol,
        src: Endpoint,
        dst: Endpoint,
        syn: Option<(u32, u16)>,
        index: u64,
        time: i64,
    ) -> (&mut Conversation, bool, bool) {
        let key = Key::new(protocol, src, dst);
        let mut reused = false;
        let pure_syn = syn.filter(|(_, f)| f & (endpoints::SYN | endpoints::ACK) == endpoints::SYN);
        if let Some((seq, _)) = pure_syn {
            if let Entry::Occupied(old) = self.open.entry(key) {
                let c = old.get();
                if c.tcp
                    .as_ref()
                    .is_some_and(|t| t.syn_starts_anew(c.a != src, seq))
                {
                    let old = old.remove();
                    self.retire(old);
                    reused = true;
                }
            }
        }
        if self.open.len() >= MAX_OPEN && !self.open.contains_key(&key) {
            self.evict_idle();
        }
        match self.open.entry(key) {
            Entry::Occupied(found) => (found.into_mut(), false, false),
            Entry::Vacant(vacant) => {
                let counter = &mut self.next_stream[protocol as usize];
                let stream = *counter;
                *counter += 1;
                let made = vacant.insert(Conversation {
                    protocol,
                    stream,
                    a: src,
                    b: dst,
                    packets: [0; 2],
                    bytes: [0; 2],
                    first_time: time,
                    last_time: time,
                    first_packet: index,
                    last_packet: index,
                    tcp: (protocol == Protocol::Tcp).then(Box::default),
                });
                (made, !reused, reused)
            }
        }
    }

    /// Drops closed conversations whose stragglers have had their time.
    fn drop_lingering(&mut self, now: i64) {
        while let Some(&(key, stream, closed)) = self.lingering.front() {
            if now.wrapping_sub(closed) < LINGER && self.lingering.len() <= MAX_LINGERING {
                break;
            }
            self.lingering.pop_front();
            if let Entry::Occupied(c) = self.open.entry(key) {
                if c.get().stream == stream {
                    let conversation = c.remove();
                    self.retire(conversation);
                }
            }
        }
    }

    /// Past [`MAX_OPEN`]: closes the tenth of the open conversations idle longest.
    fn evict_idle(&mut self) {
        let mut idle: Vec<(i64, Key)> = self.open.iter().map(|(k, c)| (c.last_time, *k)).collect();
        let cut = (idle.len() / 10).max(1);
        idle.select_nth_unstable_by_key(cut - 1, |(time, _)| *time);
        for (_, key) in &idle[..cut] {
            if let Some(conversation) = self.open.remove(key) {
                self.retire(conversation);
                self.evicted_early += 1;
            }
        }
    }

    /// A conversation leaves the table, for the caller to take; its per-segment state
    /// goes at once.
    fn retire(&mut self, mut conversation: Conversation) {
        if let Some(tcp) = conversation.tcp.as_mut() {
            tcp.compact();
        }
        self.retired.push(conversation);
    }

    /// What is left at the end: the conversations not yet taken and those still open,
    /// by protocol and stream, only those that counted a packet (not only a quote in
    /// an ICMP error).
    pub fn finish(self) -> Vec<Conversation> {
        let mut all = self.retired;
        all.extend(self.open.into_values());
        all.retain(|c| c.packets != [0, 0]);
        all.sort_unstable_by_key(|c| (c.protocol, c.stream));
        all
    }
}

#[cfg(test)]
mod tests;
