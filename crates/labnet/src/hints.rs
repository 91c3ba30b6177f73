//! Why a capture sees nothing: the handout's Experiment 4 has students debug a script
//! that filters `tcp port 80` while the server runs on 5000. While nothing matches,
//! an [`Observer`] tallies what does go by (by interface, protocol and server port),
//! and after a while webcapture says so once, naming the process that listens on the
//! port it saw, and noticing matching traffic on another interface (127.0.0.1 traffic
//! only ever crosses `lo`).

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};

use crate::capture::{Observed, Observer};
use crate::dissect::{self, Kind};
use crate::error::Result;
use crate::filter::{Filter, Names};
use crate::linktype::LinkType;
use crate::sockets::{self, Protocol};

/// At most this many observed packets are read per poll, so a flood costs little.
const DRAIN_LIMIT: usize = 4096;

const ETHERTYPE_ARP: u16 = 0x0806;

/// A kind of traffic: protocol name and, for TCP and UDP, the server's port.
type Traffic = (&'static str, u16);

/// What went by while the capture matched nothing.
pub struct Watch {
    observer: Observer,
    /// The capture's filter, run over observed network-layer packets (as raw IP).
    filter: Option<Filter>,
    /// The captured interface's index; 0 for `any`.
    ifindex: i32,
    seen: HashMap<Traffic, u64>,
    /// Packets that match the filter, by the other interface they crossed.
    matching_elsewhere: HashMap<i32, u64>,
}

impl Watch {
    pub fn new(expression: &str, ifindex: i32) -> Result<Watch> {
        Ok(Watch {
            observer: Observer::open()?,
            filter: Filter::compile_with(expression, LinkType::Raw, Names::Offline).ok(),
            ifindex,
            seen: HashMap::new(),
            matching_elsewhere: HashMap::new(),
        })
    }

    /// Reads what the observer has; call it often.
    pub fn poll(&mut self) {
        let (ifindex, filter) = (self.ifindex, &self.filter);
        let (seen, elsewhere) = (&mut self.seen, &mut self.matching_elsewhere);
        self.observer.drain(DRAIN_LIMIT, |packet| {
            if ifindex == 0 || packet.ifindex == ifindex {
                if let Some(kind) = kind_of(packet) {
                    *seen.entry(kind).or_default() += 1;
                }
            } else if filter
                .as_ref()
                .is_some_and(|f| f.matches(packet.network, packet.network.len() as u32))
            {
                *elsewhere.entry(packet.ifindex).or_default() += 1;
            }
        });
    }

    /// The hint, after `seconds` of no match on `interface` under `expression`.
    pub fn hint(&self, expression: &str, interface: &str, seconds: f64) -> String {
        let mut text =
            format!("no packet matched \"{expression}\" on {interface} in {seconds:.0} s");
        let mut kinds: Vec<(&Traffic, &u64)> = self.seen.iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        if kinds.is_empty() && self.matching_elsewhere.is_empty() {
            text.push_str(&format!(
                "; nothing at all crossed {interface}: is anything talking over it?"
            ));
        } else if !kinds.is_empty() {
            let listed: Vec<String> = kinds
                .iter()
                .take(3)
                .map(|(kind, count)| describe(kind, **count))
                .collect();
            text.push_str(&format!("; seen: {}", listed.join(", ")));
        }
        let links = crate::nics::links().unwrap_or_default();
        for (index, count) in &self.matching_elsewhere {
            let nic = links.iter().find(|nic| nic.index as i32 == *index);
            let name = nic.map_or_else(|| format!("interface {index}"), |nic| nic.name.clone());
            text.push_str(&format!(
                "; {count} packets that match crossed {name}, not {interface}"
            ));
            if nic.is_some_and(|nic| nic.is_loopback()) {
                text.push_str(": traffic to 127.0.0.1 or ::1 stays on lo, so capture with -i lo");
            } else {
                text.push_str(&format!(": capture with -i {name}"));
            }
        }
        text
    }
}

/// Protocol and server port of an observed packet (the lower port of the two, which
/// is the server's for the lab's exchanges: 5000 against an ephemeral port), read
/// from `dissect`'s layers of its network layer on: the first transport or ICMP layer
/// not quoted inside an ICMP error. A later fragment has none. ARP counts by its
/// EtherType alone, whatever it holds.
fn kind_of(packet: &Observed) -> Option<Traffic> {
    if packet.ethertype == ETHERTYPE_ARP {
        return Some(("arp", 0));
    }
    let dissection = dissect::dissect_network(packet.ethertype, packet.network);
    dissection.layers.iter().find_map(|layer| match layer.kind {
        Kind::Tcp {
            sport,
            dport,
            quoted: false,
            ..
        } => Some(("tcp", sport.min(dport))),
        Kind::Udp {
            sport,
            dport,
            quoted: false,
        } => Some(("udp", sport.min(dport))),
        Kind::Icmp { quoted: false, .. } => Some(("icmp", 0)),
        Kind::Icmpv6 { .. } => Some(("icmp6", 0)),
        _ => None,
    })
}

fn describe(kind: &Traffic, count: u64) -> String {
    let packets = if count == 1 { "packet" } else { "packets" };
    match kind {
        (name @ ("tcp" | "udp"), port) => {
            let owner = listener(
                if *name == "tcp" {
                    Protocol::Tcp
                } else {
                    Protocol::Udp
                },
                *port,
            )
            .map(|owner| format!("; listening: {owner}"))
            .unwrap_or_default();
            format!("{name} port {port} ({count} {packets}{owner})")
        }
        (name, _) => format!("{name} ({count} {packets})"),
    }
}

/// Connections this host refuses, explained: a SYN answered by RST names who listens
/// on that port instead (the handout's server on 127.0.0.1 while midwood knocks on
/// 192.168.56.101), once per address and port.
#[derive(Default)]
pub struct Refusals {
    /// This host's addresses, read at the first refusal.
    local: Option<HashSet<IpAddr>>,
    said: HashSet<SocketAddr>,
}

impl Refusals {
    /// The hint for a captured packet, when it is this host's first refusal of a
    /// connection to that address and port.
    pub fn check(&mut self, link_type: u32, data: &[u8]) -> Option<String> {
        // Every live packet passes here: the common frame that has a quick key is TCP
        // without FIN or RST, or UDP, so never a refusal, and needs no parse.
        if dissect::flow::quick_key(link_type, data).is_some() {
            return None;
        }
        let packet = dissect::flow::flow(link_type, data)?;
        if !packet.is_refusal() {
            return None;
        }
        // The refusing end: where the SYN went.
        let refused = packet.flow.src();
        let local = self.local.get_or_insert_with(crate::nics::local_ips);
        if !(refused.ip().is_loopback() || local.contains(&refused.ip()))
            || !self.said.insert(refused)
        {
            return None;
        }
        let port = refused.port();
        let why = match sockets::listener_on(Protocol::Tcp, port) {
            Some(sockets::Listener { socket, owner }) => {
                let who = owner.map_or_else(
                    || "a process (run as root to see which)".to_string(),
                    |o| format!("{} (pid {})", o.program, o.pid),
                );
                if socket.local.ip().is_unspecified() || socket.local.ip() == refused.ip() {
                    format!("{who} listens there; its queue of connections may be full")
                } else {
                    format!("{who} listens on {} only", socket.local)
                }
            }
            None => format!("nothing listens on port {port} here"),
        };
        Some(format!("SYN to {refused} answered by RST: {why}"))
    }
}

/// `PROGRAM pid N` of the process listening on `port`, from labnet's socket table.
fn listener(protocol: Protocol, port: u16) -> Option<String> {
    let sockets::Listener { socket, owner } = sockets::listener_on(protocol, port)?;
    owner.map(|owner| {
        // The handout's puzzle: a server on 127.0.0.1 cannot be reached from midwood.
        let reach = if socket.local.ip().is_loopback() {
            format!(
                ", on {} only: other hosts cannot reach it",
                socket.local.ip()
            )
        } else {
            String::new()
        };
        format!("{} pid {}{reach}", owner.program, owner.pid)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(ethertype: u16, network: &[u8]) -> Option<Traffic> {
        kind_of(&Observed {
            ifindex: 2,
            ethertype,
            network,
        })
    }

    #[test]
    fn traffic_is_named_by_protocol_and_the_servers_port() {
        // IPv4 + TCP 192.168.56.102:36844 -> 192.168.56.101:5000: the server's port is 5000.
        let mut ipv4 = vec![
            0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0, 192, 168, 56, 102, 192, 168, 56, 101,
        ];
        // The TCP header: ports, sequence and acknowledgement numbers, offset 5, SYN.
        ipv4.extend_from_slice(&[0x8f, 0xec, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02]);
        ipv4.extend_from_slice(&[0xfa, 0xf0, 0, 0, 0, 0]);
        assert_eq!(observed(0x0800, &ipv4), Some(("tcp", 5000)));
        // A later fragment has no ports to read.
        ipv4[6] = 0x00;
        ipv4[7] = 0x10;
        assert_eq!(observed(0x0800, &ipv4), None);
        let mut ipv6 = vec![0u8; 40];
        ipv6[0] = 0x60;
        ipv6[5] = 8;
        ipv6[6] = 17;
        // The UDP header: 49152 -> 53, length 8.
        ipv6.extend_from_slice(&[0xc0, 0x00, 0x00, 0x35, 0, 8, 0, 0]);
        assert_eq!(observed(0x86dd, &ipv6), Some(("udp", 53)));
        assert_eq!(observed(0x0806, &[0; 28]), Some(("arp", 0)));
        assert_eq!(
            observed(0x0800, &[0x45; 10]),
            None,
            "a cut header is not guessed at"
        );
    }
}
