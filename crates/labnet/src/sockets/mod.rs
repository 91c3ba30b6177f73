//! The kernel's table of TCP and UDP sockets (IPv4 and IPv6), read with sock_diag
//! (NETLINK_SOCK_DIAG, inet_diag requests), and the processes that own them.
//!
//! The netstat2 crate was the design card's choice, but it reports neither
//! Recv-Q/Send-Q nor a UDP socket's remote address and connection state, and names TCP
//! states differently from netstat (SYN_RCVD, FIN_WAIT_1, CLOSED); labnet needs all of
//! those, so it asks the kernel directly ([`diag`] says why the messages are written
//! here). Owners come from [`owners`] (one walk of /proc/*/fd), printing from
//! [`netstat`].

pub mod diag;
pub mod filter;
pub mod netstat;
pub mod owners;

use std::fs::File;
use std::net::SocketAddr;

use serde::Serialize;

use diag::{InetDiagMsg, AF_INET, AF_INET6, IPPROTO_TCP, IPPROTO_UDP};

use crate::error::Result;
use crate::netlink::{DiagSocket, NLM_F_ACK, NLM_F_DUMP};

/// TCP states as the kernel numbers them (include/net/tcp_states.h).
pub const TCP_ESTABLISHED: u8 = 1;
pub const TCP_TIME_WAIT: u8 = 6;
pub const TCP_CLOSE: u8 = 7;
pub const TCP_LISTEN: u8 = 10;
/// A connection request (half-open) kept by a listener; netstat shows it as SYN_RECV.
pub const TCP_NEW_SYN_RECV: u8 = 12;

/// netstat's names for TCP states, indexed by state number.
const TCP_STATES: [&str; 12] = [
    "",
    "ESTABLISHED",
    "SYN_SENT",
    "SYN_RECV",
    "FIN_WAIT1",
    "FIN_WAIT2",
    "TIME_WAIT",
    "CLOSE",
    "CLOSE_WAIT",
    "LAST_ACK",
    "LISTEN",
    "CLOSING",
];

/// netstat's state names, in the kernel's order.
pub fn state_names() -> &'static [&'static str] {
    &TCP_STATES[1..]
}

/// A state as netstat names it, from what a user typed (`listen`, `time-wait`), or a
/// usage error that lists the names.
pub fn state_from_name(text: &str) -> crate::Result<&'static str> {
    let wanted = text.to_ascii_uppercase().replace('-', "_");
    TCP_STATES[1..]
        .iter()
        .copied()
        .find(|name| *name == wanted)
        .ok_or_else(|| {
            crate::Error::usage(format!("unknown state {text:?}"))
                .hint(format!("states: {}", TCP_STATES[1..].join(" ")))
        })
}

/// The transport protocol of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Tcp,
    Udp,
}

/// One socket of the kernel's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InetSocket {
    pub protocol: Protocol,
    /// AF_INET or AF_INET6: the socket's family (a dual-stack `::` listener is IPv6).
    pub family: u8,
    pub local: SocketAddr,
    pub remote: SocketAddr,
    /// The kernel's TCP state number (UDP uses ESTABLISHED and CLOSE too).
    pub state: u8,
    /// Bytes received but not yet read (for a listener: connections waiting for accept).
    pub recv_q: u32,
    /// Bytes sent but not yet acknowledged (TCP) or queued (UDP).
    pub send_q: u32,
    pub uid: u32,
    /// The socket's inode, 0 for TIME_WAIT and request sockets that no file holds.
    pub inode: u32,
    /// The pending timer, as sock_diag reports it (netstat's `-o`).
    pub timer: Timer,
    /// TCP's own numbers (`-i`), when asked for.
    pub tcp_info: Option<diag::TcpInfo>,
}

/// A socket's pending TCP timer: which, when it fires, and its count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timer {
    /// 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe.
    pub kind: u8,
    pub expires_ms: u32,
    /// Retransmissions (retransmit timer) or unanswered probes (keepalive, probe).
    pub count: u8,
}

impl Timer {
    /// netstat's name for it: `off`, `on` (retransmit or probe), `keepalive`,
    /// `timewait`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            1 | 4 => "on",
            2 => "keepalive",
            3 => "timewait",
            _ => "off",
        }
    }

    /// netstat -o's column: `keepalive (7199.75/0/0)`: seconds to go, retransmissions,
    /// probes.
    pub fn netstat(&self) -> String {
        let (retransmits, probes) = match self.kind {
            1 => (self.count, 0),
            2 | 4 => (0, self.count),
            _ => (0, 0),
        };
        format!(
            "{} ({:.2}/{retransmits}/{probes})",
            self.name(),
            self.seconds()
        )
    }

    /// Seconds until it fires (0 when none is pending).
    pub fn seconds(&self) -> f64 {
        if self.kind == 0 {
            0.0
        } else {
            f64::from(self.expires_ms) / 1000.0
        }
    }
}

impl InetSocket {
    /// `tcp`, `tcp6`, `udp`, `udp6`, as netstat names them.
    pub fn protocol_name(&self) -> &'static str {
        match (self.protocol, self.family == AF_INET6) {
            (Protocol::Tcp, false) => "tcp",
            (Protocol::Tcp, true) => "tcp6",
            (Protocol::Udp, false) => "udp",
            (Protocol::Udp, true) => "udp6",
        }
    }

    /// The state column as netstat prints it: TCP state names; for UDP `ESTABLISHED`
    /// when connected and nothing when not.
    pub fn state_name(&self) -> &'static str {
        match self.protocol {
            Protocol::Tcp if self.state == TCP_NEW_SYN_RECV => "SYN_RECV",
            Protocol::Tcp => TCP_STATES
                .get(usize::from(self.state))
                .copied()
                .unwrap_or("UNKNOWN"),
            Protocol::Udp => match self.state {
                TCP_ESTABLISHED => "ESTABLISHED",
                TCP_CLOSE => "",
                _ => "UNKNOWN",
            },
        }
    }

    /// A server socket, as netstat decides: a TCP listener, or a UDP socket with no
    /// remote address.
    pub fn is_listening(&self) -> bool {
        match self.protocol {
            Protocol::Tcp => self.state == TCP_LISTEN,
            Protocol::Udp => self.remote.ip().is_unspecified(),
        }
    }
}

/// Which sockets a listing wants, as netstat's flags say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Without -a or -l: connections, not servers.
    Connected,
    /// -l: servers only.
    Listening,
    /// -a: both.
    All,
}

/// What to list.
#[derive(Debug, Clone, Copy)]
pub struct Query {
    pub tcp: bool,
    pub udp: bool,
    pub ipv4: bool,
    pub ipv6: bool,
    pub which: Which,
    /// Ask for each TCP socket's struct tcp_info (`-i`).
    pub tcp_info: bool,
}

/// Lists the sockets `query` asks for, in netstat's order: TCP before UDP, IPv4 before
/// IPv6, each in the kernel's table order.
pub fn list(socket: &mut DiagSocket, query: &Query) -> Result<Vec<InetSocket>> {
    let mut found = Vec::new();
    let what = "reading the socket table (sock_diag)";
    let extensions = if query.tcp_info {
        diag::WITH_TCP_INFO
    } else {
        0
    };
    if query.tcp {
        let states = match query.which {
            Which::Listening => 1 << TCP_LISTEN,
            Which::Connected => !(1u32 << TCP_LISTEN),
            Which::All => u32::MAX,
        };
        if query.ipv4 && query.ipv6 {
            // One walk of the TCP table for both families (see `diag`), then IPv4
            // before IPv6, as netstat lists them.
            let request = diag::request_tcp_any_family(states, extensions);
            socket.request_raw(
                diag::TCPDIAG_GETSOCK,
                NLM_F_DUMP,
                &request,
                what,
                |_, answer| collect(answer, Protocol::Tcp, query.which, &mut found),
            )?;
            found.sort_by_key(|s| s.family == AF_INET6);
        } else {
            let family = if query.ipv4 { AF_INET } else { AF_INET6 };
            let request = diag::request_by_family(family, IPPROTO_TCP, states, extensions);
            socket.request_raw(
                diag::SOCK_DIAG_BY_FAMILY,
                NLM_F_DUMP,
                &request,
                what,
                |_, answer| collect(answer, Protocol::Tcp, query.which, &mut found),
            )?;
        }
    }
    if query.udp {
        for (family, wanted) in [(AF_INET, query.ipv4), (AF_INET6, query.ipv6)] {
            if wanted {
                // A UDP socket's "listening" depends on its remote address, not its
                // state, so every state is asked for and `collect` decides.
                let request = diag::request_by_family(family, IPPROTO_UDP, u32::MAX, 0);
                socket.request_raw(
                    diag::SOCK_DIAG_BY_FAMILY,
                    NLM_F_DUMP,
                    &request,
                    what,
                    |_, answer| collect(answer, Protocol::Udp, query.which, &mut found),
                )?;
            }
        }
    }
    Ok(found)
}

/// The socket of this namespace that owns a TCP or UDP (`protocol` 6 or 17) flow
/// with this local and remote end, as the kernel finds it for an arriving packet;
/// `None` when there is none (another host's flow, or its socket is gone). A
/// connected or accepted socket, else a listener or an unconnected UDP socket.
pub fn lookup(
    socket: &mut DiagSocket,
    protocol: u8,
    local: SocketAddr,
    remote: SocketAddr,
) -> Result<Option<InetSocket>> {
    if local.is_ipv4() != remote.is_ipv4() {
        return Ok(None);
    }
    let kind = if protocol == IPPROTO_TCP {
        Protocol::Tcp
    } else {
        Protocol::Udp
    };
    let request = diag::request_exact(protocol, local, remote);
    let mut found = Vec::with_capacity(1);
    let outcome = socket.request_raw(
        diag::SOCK_DIAG_BY_FAMILY,
        NLM_F_ACK,
        &request,
        "looking up a socket (sock_diag)",
        |_, answer| collect(answer, kind, Which::All, &mut found),
    );
    match outcome {
        Ok(()) => Ok(found.pop()),
        Err(e) if crate::netlink::errno(&e) == Some(libc::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Adds one answer to `found` if the listing wants it.
fn collect(answer: &[u8], protocol: Protocol, which: Which, found: &mut Vec<InetSocket>) {
    let Some(msg) = InetDiagMsg::new_checked(answer) else {
        return;
    };
    let listener = msg.state() == TCP_LISTEN;
    let entry = InetSocket {
        protocol,
        family: msg.family(),
        local: SocketAddr::new(msg.source(), msg.source_port()),
        remote: SocketAddr::new(msg.destination(), msg.destination_port()),
        state: msg.state(),
        recv_q: msg.recv_queue(),
        // For a listener the kernel reports its backlog here; netstat shows 0.
        send_q: if protocol == Protocol::Tcp && listener {
            0
        } else {
            msg.send_queue()
        },
        uid: msg.uid(),
        inode: msg.inode(),
        timer: Timer {
            kind: msg.timer(),
            expires_ms: msg.expires(),
            count: msg.retrans(),
        },
        tcp_info: msg.tcp_info(),
    };
    let keep = match which {
        Which::All => true,
        Which::Listening => entry.is_listening(),
        Which::Connected => !entry.is_listening(),
    };
    if keep {
        found.push(entry);
    }
}

/// The sockets and, when asked for, their owners. The /proc walk for owners and the
/// kernel's table dump are independent, so they run at the same time on two threads.
pub fn snapshot(
    namespace: Option<&File>,
    query: &Query,
    with_owners: bool,
) -> Result<(Vec<InetSocket>, Option<owners::Owners>)> {
    std::thread::scope(|scope| {
        let owners = with_owners.then(|| scope.spawn(owners::scan));
        let sockets = list_in(namespace, query)?;
        let owners = owners.map(|walk| walk.join().unwrap_or_default());
        Ok((sockets, owners))
    })
}

/// A socket listening on a port, and the process holding it when /proc shows it.
#[derive(Debug, Clone)]
pub struct Listener {
    pub socket: InetSocket,
    pub owner: Option<owners::Owner>,
}

/// Who listens on `port` here: the first listening socket of that protocol and port
/// whose owner is known, else the first one (owner unknown without privileges). The
/// one query behind hello-server's busy-port error and webcapture's hints.
pub fn listener_on(protocol: Protocol, port: u16) -> Option<Listener> {
    let query = Query {
        tcp: protocol == Protocol::Tcp,
        udp: protocol == Protocol::Udp,
        ipv4: true,
        ipv6: true,
        which: Which::Listening,
        tcp_info: false,
    };
    let (found, owners) = snapshot(None, &query, true).ok()?;
    let owners = owners.unwrap_or_default();
    let on_port: Vec<InetSocket> = found
        .into_iter()
        .filter(|s| s.local.port() == port)
        .collect();
    let owned = on_port.iter().find_map(|s| {
        owners.get(s.inode).map(|owner| Listener {
            socket: s.clone(),
            owner: Some(owner.clone()),
        })
    });
    owned.or_else(|| {
        on_port.into_iter().next().map(|socket| Listener {
            socket,
            owner: None,
        })
    })
}

/// The state name of this host's TCP connection from `local` to `remote`, if the
/// kernel's table still holds it (`TIME_WAIT`, `FIN_WAIT2`, ...).
pub fn tcp_state(local: SocketAddr, remote: SocketAddr) -> Option<&'static str> {
    let query = Query {
        tcp: true,
        udp: false,
        ipv4: local.is_ipv4(),
        ipv6: local.is_ipv6(),
        which: Which::All,
        tcp_info: false,
    };
    list_in(None, &query)
        .ok()?
        .into_iter()
        .find(|s| s.local == local && s.remote == remote)
        .map(|s| s.state_name())
}

/// Lists sockets inside an opened network namespace (see `lab::open_netns`), or here
/// when `None`.
pub fn list_in(namespace: Option<&File>, query: &Query) -> Result<Vec<InetSocket>> {
    let mut socket = match namespace {
        None => DiagSocket::open()?,
        Some(namespace) => crate::netns::run_in(namespace, DiagSocket::open)?,
    };
    list(&mut socket, query)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream, UdpSocket};

    fn all() -> Query {
        Query {
            tcp: true,
            udp: true,
            ipv4: true,
            ipv6: true,
            which: Which::All,
            tcp_info: false,
        }
    }

    #[test]
    fn a_listener_and_a_connection_of_this_process_are_listed() {
        // Loopback sockets of our own; sock_diag needs no privilege to list them.
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (_server, _) = listener.accept().unwrap();
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let sockets = list(&mut DiagSocket::open().unwrap(), &all()).unwrap();
        let listening = sockets
            .iter()
            .find(|s| s.local.port() == port && s.is_listening())
            .expect("listener");
        assert_eq!(
            (listening.protocol_name(), listening.state_name()),
            ("tcp", "LISTEN")
        );
        assert_eq!(listening.remote, "0.0.0.0:0".parse().unwrap());
        let ours = sockets
            .iter()
            .find(|s| s.local == client.local_addr().unwrap())
            .expect("client end");
        assert_eq!(ours.state_name(), "ESTABLISHED");
        assert_eq!(ours.remote.port(), port);
        assert_ne!(ours.inode, 0);
        let datagram = sockets
            .iter()
            .find(|s| s.local == udp.local_addr().unwrap())
            .expect("udp");
        assert_eq!(
            (datagram.protocol_name(), datagram.state_name()),
            ("udp", "")
        );
        assert!(
            datagram.is_listening(),
            "an unconnected UDP socket counts as a server, as in netstat"
        );
    }

    #[test]
    fn lookup_finds_the_socket_a_packet_belongs_to() {
        let mut diag = DiagSocket::open().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server_address = listener.local_addr().unwrap();
        let client = TcpStream::connect(server_address).unwrap();
        let (server, _) = listener.accept().unwrap();
        let client_address = client.local_addr().unwrap();
        let inode_of = |local: SocketAddr| {
            list(&mut DiagSocket::open().unwrap(), &all())
                .unwrap()
                .into_iter()
                .find(|s| s.local == local && !s.is_listening())
                .map(|s| s.inode)
        };
        // Each end of the connection, from either side's point of view.
        let client_end = lookup(&mut diag, IPPROTO_TCP, client_address, server_address)
            .unwrap()
            .expect("the client's socket");
        assert_eq!(Some(client_end.inode), inode_of(client_address));
        let server_end = lookup(&mut diag, IPPROTO_TCP, server_address, client_address)
            .unwrap()
            .expect("the accepted socket");
        assert_eq!(server_end.remote, client_address);
        assert_ne!(server_end.inode, client_end.inode);
        // A connection not made yet: the listener answers for it.
        let stranger: SocketAddr = "127.0.0.9:40000".parse().unwrap();
        let listening = lookup(&mut diag, IPPROTO_TCP, server_address, stranger)
            .unwrap()
            .expect("the listener");
        assert!(listening.is_listening());
        // No socket on that end: none.
        let nobody: SocketAddr = "127.0.0.1:1".parse().unwrap();
        assert_eq!(
            lookup(&mut diag, IPPROTO_TCP, nobody, stranger).unwrap(),
            None
        );
        // UDP: an unconnected socket answers for any sender; a connected one for its peer.
        let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
        let udp_address = udp.local_addr().unwrap();
        let found = lookup(&mut diag, IPPROTO_UDP, udp_address, stranger)
            .unwrap()
            .expect("the UDP socket");
        assert_eq!(found.local, udp_address);
        let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
        peer.connect(udp_address).unwrap();
        let connected = lookup(
            &mut diag,
            IPPROTO_UDP,
            peer.local_addr().unwrap(),
            udp_address,
        )
        .unwrap()
        .expect("the connected UDP socket");
        assert_eq!(connected.remote, udp_address);
        // IPv6, and mixed families (no such socket).
        if let Ok(listener6) = TcpListener::bind("[::1]:0") {
            let address6 = listener6.local_addr().unwrap();
            let client6 = TcpStream::connect(address6).unwrap();
            let found6 = lookup(
                &mut diag,
                IPPROTO_TCP,
                client6.local_addr().unwrap(),
                address6,
            )
            .unwrap()
            .expect("the IPv6 client");
            assert_eq!(found6.remote, address6);
        }
        assert_eq!(
            lookup(
                &mut diag,
                IPPROTO_TCP,
                server_address,
                "[::1]:5".parse().unwrap()
            )
            .unwrap(),
            None
        );
        drop((client, server));
    }

    #[test]
    fn listener_on_finds_this_process_as_the_owner() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // A connection to the port is not a listener, and UDP is another protocol.
        let _client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let found = listener_on(Protocol::Tcp, port).expect("our listener");
        assert_eq!(found.socket.local, listener.local_addr().unwrap());
        assert!(found.socket.is_listening());
        // Our own /proc/self/fd is always readable, so the owner is known.
        assert_eq!(found.owner.map(|o| o.pid), Some(std::process::id()));
        assert!(listener_on(Protocol::Udp, port).is_none());
        drop(listener);
        assert!(listener_on(Protocol::Tcp, port).is_none());
    }

    #[test]
    fn which_selects_servers_or_connections() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let _client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let only = |which| {
            let query = Query { which, ..all() };
            list(&mut DiagSocket::open().unwrap(), &query)
                .unwrap()
                .into_iter()
                .filter(|s| s.local.port() == port || s.remote.port() == port)
                .map(|s| s.state_name())
                .collect::<Vec<_>>()
        };
        assert_eq!(only(Which::Listening), ["LISTEN"]);
        assert!(!only(Which::Connected).contains(&"LISTEN"));
        assert!(only(Which::All).contains(&"LISTEN"));
    }
}
