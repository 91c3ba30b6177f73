//! Which process a captured packet belongs to, on the host (network namespace) that
//! captures it, without eBPF: the kernel's own socket lookup (sock_diag) for the
//! packet's flow, and the socket inode's owner from /proc.
//!
//! - Per packet: the flow is read fast ([`crate::dissect::flow`]); a packet of the
//!   flow before it, or of a flow already looked up, costs a hash lookup. Only the
//!   first packet of a flow asks the kernel: one exact-tuple sock_diag request for the
//!   end on this host (the sender's first: on loopback both ends are here, and the
//!   sender is who the packet is from). The inode -> process map is one walk of
//!   /proc, made again on a miss at most every [`RESCAN`]: never a walk per packet.
//!   In a namespace other than the host's (a lab host) the walk looks into that
//!   namespace's processes only, and into all of them when none of those holds the
//!   socket.
//! - Honest: an attribution is `exact` while the flow's socket was found owned by the
//!   process, `cached` once the flow closed (its last owner kept) or when it comes
//!   from a watched process whose socket is gone, and `unknown` otherwise: traffic of
//!   other hosts, forwarded traffic, a process that ended before its flow was looked
//!   up. A process is never guessed.
//! - A [`Watch`] follows chosen processes (`--pid`, `-- CMD`) from their side: a thread
//!   reads their descriptors every [`WATCH_EVERY`] while they live, so a short-lived
//!   command's flows are known after it exits.
//!
//! Everything is asked in the capture's own namespace: the socket table is that
//! namespace's, so a process of another namespace is never named.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::dissect::flow::{self, Flow};
use crate::error::Result;
use crate::netlink::DiagSocket;
use crate::nics;
use crate::process::{Attribution, Process, Quality};
use crate::sockets::{self, owners};

static UNKNOWN: Attribution = Attribution::UNKNOWN;

/// The shortest time between two walks of /proc on a miss.
pub const RESCAN: Duration = Duration::from_millis(50);
/// How long a flow nobody owned waits before it is looked up again.
const RETRY: Duration = Duration::from_millis(100);
/// How often a watch reads its processes' descriptors.
pub const WATCH_EVERY: Duration = Duration::from_micros(100);
/// How long a new socket is looked for in the table every round; after that, at this
/// interval.
const SETTLE: Duration = Duration::from_millis(10);
/// Flows remembered at most; past that the closed ones go first, then the oldest.
const MAX_FLOWS: usize = 65_536;

/// What is known of one flow (one direction of a connection).
struct Entry {
    attribution: Attribution,
    checked: Instant,
    closed: bool,
}

/// Attributes packets to processes; one per capture, in the capture's namespace.
pub struct Attributor {
    diag: DiagSocket,
    /// This namespace's addresses, and when they were read.
    local: HashSet<IpAddr>,
    local_read: Instant,
    owners: owners::Owners,
    /// The namespace whose processes a walk looks into first; `None` in the host's
    /// own, where nearly every process is (see [`walk_first`]).
    namespace: Option<owners::NetNamespace>,
    scanned: Option<Instant>,
    processes: HashMap<u32, Arc<Process>>,
    flows: HashMap<Flow, Entry, foldhash::fast::RandomState>,
    /// The flow of the packet before, and what it was: a stream of one flow costs a
    /// comparison.
    last: Option<(Flow, Attribution)>,
    /// Whether the last packet had a flow (else it is unknown, and `last` older).
    current: bool,
    /// The last packet's [`flow::FrameKey`], when it had one and its
    /// process is known: a packet with the same key has the same process.
    last_key: Option<flow::FrameKey>,
    watch: Option<Watch>,
    /// Exact lookups asked of the kernel.
    pub lookups: u64,
}

impl Attributor {
    /// In the current network namespace (the capture's).
    pub fn new(watch: Option<Watch>) -> Result<Attributor> {
        Ok(Attributor {
            diag: DiagSocket::open()?,
            local: nics::local_ips(),
            local_read: Instant::now(),
            owners: owners::Owners::default(),
            namespace: walk_first(),
            scanned: None,
            processes: HashMap::new(),
            flows: HashMap::default(),
            last: None,
            current: false,
            last_key: None,
            watch,
            lookups: 0,
        })
    }

    pub fn watch(&self) -> Option<&Watch> {
        self.watch.as_ref()
    }

    /// The process of a packet of pcap link type `link_type`.
    #[inline]
    pub fn attribute(&mut self, link_type: u32, data: &[u8]) -> &Attribution {
        // The packet before's flow, known, and this packet's bytes name it too: its
        // process, without reading the flow (measured: most of --proc's cost). Inline
        // and apart from the rest, which is a large function to call per packet.
        if let Some(key) = &self.last_key {
            if key.matches(link_type, data) {
                self.current = true;
                return self.current();
            }
        }
        self.attribute_other(link_type, data)
    }

    /// [`Attributor::attribute`] for a packet not of the known flow before.
    #[inline(never)]
    fn attribute_other(&mut self, link_type: u32, data: &[u8]) -> &Attribution {
        self.last_key = None;
        let Some(packet) = flow::flow(link_type, data) else {
            self.current = false;
            return &UNKNOWN;
        };
        self.current = true;
        // An unknown flow goes the long way, where it is looked up again after RETRY.
        let same = matches!(&self.last, Some((flow, known)) if *flow == packet.flow && known.process.is_some());
        if !same || packet.closing {
            let attribution = self.attribute_flow(packet.flow, packet.closing, Instant::now());
            self.last = Some((packet.flow, attribution));
        }
        // Only a known process is worth the fast path; an unknown one is asked again.
        if self.last.as_ref().is_some_and(|(_, a)| a.process.is_some()) {
            self.last_key = flow::FrameKey::of(link_type, data);
        }
        &self.last.as_ref().expect("just set").1
    }

    /// What [`Attributor::attribute`] said of the last packet.
    pub fn current(&self) -> &Attribution {
        match &self.last {
            Some((_, attribution)) if self.current => attribution,
            _ => &UNKNOWN,
        }
    }

    fn attribute_flow(&mut self, flow: Flow, closing: bool, now: Instant) -> Attribution {
        if closing {
            // Its last owner is kept for what follows, in both directions.
            for direction in [flow, flow.reversed()] {
                if let Some(entry) = self.flows.get_mut(&direction) {
                    entry.closed = true;
                }
            }
        }
        if let Some(entry) = self.flows.get(&flow) {
            let stale = entry.attribution.process.is_none() && now - entry.checked >= RETRY;
            if !stale {
                let mut attribution = entry.attribution.clone();
                // The segment that closes is still the socket's own.
                if entry.closed && !closing && attribution.process.is_some() {
                    attribution.quality = Quality::Cached;
                }
                return attribution;
            }
        }
        let mut attribution = self.look_up(flow, now);
        if attribution.process.is_none() {
            // The other direction of the same connection is the same socket: what was
            // found for it holds for this one.
            if let Some(other) = self.flows.get(&flow.reversed()) {
                if let Some(process) = &other.attribution.process {
                    attribution = Attribution::known(Arc::clone(process), Quality::Cached);
                }
            }
        }
        if self.flows.len() >= MAX_FLOWS {
            self.forget_some();
        }
        let closed = closing
            || self
                .flows
                .get(&flow.reversed())
                .is_some_and(|entry| entry.closed);
        self.flows.insert(
            flow,
            Entry {
                attribution: attribution.clone(),
                checked: now,
                closed,
            },
        );
        attribution
    }

    /// Asks the kernel for the flow's socket on this host, the sender's end first;
    /// where that socket is gone, what a watch saw of it.
    fn look_up(&mut self, flow: Flow, now: Instant) -> Attribution {
        for end in [flow, flow.reversed()] {
            let (local, remote) = (end.src(), end.dst());
            if !self.is_local(local.ip(), now) {
                continue;
            }
            self.lookups += 1;
            if let Ok(Some(socket)) = sockets::lookup(&mut self.diag, flow.protocol, local, remote)
            {
                // A listener or unconnected socket answers for any peer: only when it
                // is bound to this address or to all of them.
                if is_bound_to(&socket, local) {
                    if socket.inode != 0 {
                        if let Some(process) = self.owner(socket.inode, now) {
                            return Attribution::known(process, Quality::Exact);
                        }
                    }
                    // No file holds it (a connection not accepted yet, or one being
                    // closed), or its descriptor was closed between the kernel's answer
                    // and the /proc walk: it belongs to the listener it came from.
                    if socket.state != sockets::TCP_TIME_WAIT {
                        if let Some(process) = self.listener_owner(flow.protocol, local, now) {
                            return Attribution::known(process, Quality::Exact);
                        }
                    }
                }
            }
            if let Some(process) = self.watch.as_ref().and_then(|w| w.owner_of(end)) {
                return Attribution::known(process, Quality::Cached);
            }
        }
        Attribution::UNKNOWN
    }

    /// The owner of the socket listening on (or bound without a peer to) `local`.
    fn listener_owner(
        &mut self,
        protocol: u8,
        local: SocketAddr,
        now: Instant,
    ) -> Option<Arc<Process>> {
        let anyone = SocketAddr::new(unspecified(local.ip()), 0);
        self.lookups += 1;
        let listener = sockets::lookup(&mut self.diag, protocol, local, anyone).ok()??;
        if listener.inode == 0 || !is_bound_to(&listener, local) {
            return None;
        }
        self.owner(listener.inode, now)
    }

    /// The process holding socket `inode`: from a watch, else /proc (walked again on a
    /// miss, at most every [`RESCAN`]).
    fn owner(&mut self, inode: u32, now: Instant) -> Option<Arc<Process>> {
        if let Some(process) = self.watch.as_ref().and_then(|w| w.owner_of_inode(inode)) {
            return Some(process);
        }
        if self.owners.get(inode).is_none() && self.scanned.is_none_or(|t| now - t >= RESCAN) {
            self.owners = owners::scan_in(self.namespace.as_ref());
            if self.namespace.is_some() && self.owners.get(inode).is_none() {
                // A process of another namespace may hold it: one that made it on a
                // thread inside this one (setns), or was passed it over a unix socket.
                self.owners = owners::scan();
            }
            self.scanned = Some(now);
        }
        let owner = self.owners.get(inode)?;
        let fresh = self
            .processes
            .get(&owner.pid)
            .is_none_or(|known| !same_program(known, &owner.program));
        if fresh {
            let process = Arc::new(read_process(owner.pid)?);
            self.processes.insert(owner.pid, process);
        }
        self.processes.get(&owner.pid).cloned()
    }

    /// Whether `address` is this host's; an address not known is looked for again in
    /// the addresses read anew, at most every [`RESCAN`] (one given after the capture
    /// started).
    fn is_local(&mut self, address: IpAddr, now: Instant) -> bool {
        let known = |local: &HashSet<IpAddr>| {
            address.is_loopback()
                || local.contains(&address)
                || matches!(address, IpAddr::V6(v6) if v6.to_ipv4_mapped().is_some_and(|v4| local.contains(&IpAddr::V4(v4)) || v4.is_loopback()))
        };
        if known(&self.local) {
            return true;
        }
        if now.saturating_duration_since(self.local_read) < RESCAN {
            return false;
        }
        self.local = nics::local_ips();
        self.local_read = now;
        known(&self.local)
    }

    /// Makes room: closed flows go, and if that is not enough, the oldest half.
    fn forget_some(&mut self) {
        self.flows.retain(|_, entry| !entry.closed);
        if self.flows.len() >= MAX_FLOWS / 2 {
            let mut times: Vec<Instant> = self.flows.values().map(|e| e.checked).collect();
            times.sort();
            let cut = times[times.len() / 2];
            self.flows.retain(|_, entry| entry.checked > cut);
        }
    }
}

/// The namespace of the capture, when it is not the host's own (pid 1's): a walk looks
/// into its processes first. In the host's own namespace it would cost a readlink a
/// process and leave out next to none.
fn walk_first() -> Option<owners::NetNamespace> {
    let ours = owners::NetNamespace::current()?;
    (owners::NetNamespace::of(1).as_ref() != Some(&ours)).then_some(ours)
}

/// Whether `socket` (found for `local`) is bound to that address or to all of them.
fn is_bound_to(socket: &sockets::InetSocket, local: SocketAddr) -> bool {
    socket.local.ip() == local.ip() || socket.local.ip().is_unspecified()
}

/// The unspecified address of `address`'s family.
fn unspecified(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
    }
}

/// Whether a process read earlier is still the one with that pid (netstat's program
/// name is the command line's first word; the kernel's comm its first 15 bytes).
fn same_program(known: &Process, program: &str) -> bool {
    let short: String = program.chars().take(15).collect();
    known.comm == short || known.cmd.rsplit('/').next() == Some(program)
}

/// A process as /proc shows it now; `None` once it is gone.
pub fn read_process(pid: u32) -> Option<Process> {
    let dir = format!("/proc/{pid}");
    let comm = std::fs::read_to_string(format!("{dir}/comm")).ok()?;
    let cmdline = std::fs::read(format!("{dir}/cmdline")).unwrap_or_default();
    let args: Vec<String> = cmdline
        .split(|&b| b == 0)
        .filter(|word| !word.is_empty())
        .map(|word| String::from_utf8_lossy(word).into_owned())
        .collect();
    let cmd = std::fs::read_link(format!("{dir}/exe"))
        .map(|path| path.to_string_lossy().into_owned())
        .unwrap_or_else(|_| args.first().cloned().unwrap_or_default());
    let status = std::fs::read_to_string(format!("{dir}/status")).unwrap_or_default();
    // `Uid:` and `Gid:` list real, effective, saved and filesystem ids: the real one.
    let id = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
    };
    Some(Process {
        pid,
        tid: pid,
        comm: comm.trim_end().to_string(),
        cmd,
        args: args.join(" "),
        uid: id("Uid:"),
        gid: id("Gid:"),
    })
}

/// What a watch has seen: the processes, their sockets, and the flows of those.
#[derive(Default)]
struct Seen {
    processes: HashMap<u32, Arc<Process>>,
    /// Socket inode -> pid.
    inodes: HashMap<u32, u32>,
    /// Flow (local end first) -> pid, for both directions of a connection.
    flows: HashMap<Flow, u32>,
    /// Inodes not found in the inet socket table yet (just made, not bound or
    /// connected; or not inet sockets at all), with when they were first seen.
    unsettled: HashMap<u32, Instant>,
}

/// Chosen processes (and their descendants), followed from their side: which sockets
/// they hold and which flows those are, kept after they exit.
pub struct Watch {
    seen: Arc<Mutex<Seen>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watch {
    /// Watches `roots` and every process they start; `include_roots: false` watches
    /// only the descendants (`-- CMD`: the roots are this process, CMD its child).
    /// The thread works in the current namespace until the watch is dropped.
    pub fn start(roots: Vec<u32>, include_roots: bool) -> Result<Watch> {
        let mut diag = DiagSocket::open()?;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (seen, stop) = (Arc::clone(&seen), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut last_dump: Option<Instant> = None;
                while !stop.load(Ordering::Relaxed) {
                    let pids = family(&roots, include_roots);
                    watch_round(&pids, &mut diag, &seen, &mut last_dump);
                    std::thread::sleep(WATCH_EVERY);
                }
            })
        };
        Ok(Watch {
            seen,
            stop,
            thread: Some(thread),
        })
    }

    /// A handle on what the watch sees, to ask while the watch works.
    pub fn watched(&self) -> Watched {
        Watched(Arc::clone(&self.seen))
    }

    /// Whether `pid` is one of the watched processes.
    pub fn covers(&self, pid: u32) -> bool {
        self.watched().covers(pid)
    }

    /// The watched process whose socket had this flow (its local end first).
    fn owner_of(&self, flow: Flow) -> Option<Arc<Process>> {
        let seen = self.seen.lock().ok()?;
        seen.processes.get(seen.flows.get(&flow)?).cloned()
    }

    fn owner_of_inode(&self, inode: u32) -> Option<Arc<Process>> {
        let seen = self.seen.lock().ok()?;
        seen.processes.get(seen.inodes.get(&inode)?).cloned()
    }
}

/// What a [`Watch`] sees, shared.
#[derive(Clone)]
pub struct Watched(Arc<Mutex<Seen>>);

impl Watched {
    /// Whether `pid` is one of the watched processes (those that exited too).
    pub fn covers(&self, pid: u32) -> bool {
        self.0.lock().is_ok_and(|s| s.processes.contains_key(&pid))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// `roots` and all their descendants (the roots left out unless `include_roots`).
fn family(roots: &[u32], include_roots: bool) -> Vec<u32> {
    let mut found: Vec<u32> = if include_roots {
        roots.to_vec()
    } else {
        Vec::new()
    };
    let mut todo: Vec<u32> = roots.to_vec();
    while let Some(pid) = todo.pop() {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"));
        for task in tasks.into_iter().flatten().flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for child in children
                .split_whitespace()
                .filter_map(|c| c.parse::<u32>().ok())
            {
                if !found.contains(&child) && found.len() < 4096 {
                    found.push(child);
                    todo.push(child);
                }
            }
        }
    }
    found
}

/// One look at the watched processes: new sockets recorded, and the flows of those
/// not settled yet read from the kernel's table: every round while one is new (a
/// socket is found between its connect and its close), every [`SETTLE`] after that
/// (a socket the inet table never shows, a Unix one, stays unsettled).
fn watch_round(
    pids: &[u32],
    diag: &mut DiagSocket,
    seen: &Mutex<Seen>,
    last_dump: &mut Option<Instant>,
) {
    let now = Instant::now();
    for &pid in pids {
        let Ok(inodes) = owners::socket_inodes(pid) else {
            continue;
        };
        let Ok(mut seen) = seen.lock() else {
            return;
        };
        // A child is first seen between fork and exec, under its parent's name: read
        // again whenever its name changes.
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        let changed = seen
            .processes
            .get(&pid)
            .is_none_or(|p| p.comm != comm.trim_end());
        if changed {
            if let Some(process) = read_process(pid) {
                seen.processes.insert(pid, Arc::new(process));
            }
        }
        for inode in inodes {
            if seen.inodes.insert(inode, pid).is_none() {
                seen.unsettled.insert(inode, now);
            }
        }
    }
    let due = seen.lock().is_ok_and(|s| {
        s.unsettled.values().any(|&first| now - first < SETTLE)
            || (!s.unsettled.is_empty() && last_dump.is_none_or(|t| now - t >= SETTLE))
    });
    if !due {
        return;
    }
    *last_dump = Some(now);
    let query = sockets::Query {
        tcp: true,
        udp: true,
        ipv4: true,
        ipv6: true,
        which: sockets::Which::All,
        tcp_info: false,
    };
    let Ok(table) = sockets::list(diag, &query) else {
        return;
    };
    let Ok(mut seen) = seen.lock() else {
        return;
    };
    for socket in table {
        if !seen.unsettled.contains_key(&socket.inode) {
            continue;
        }
        let Some(&pid) = seen.inodes.get(&socket.inode) else {
            continue;
        };
        if socket.remote.port() != 0 {
            let protocol = match socket.protocol {
                sockets::Protocol::Tcp => 6,
                sockets::Protocol::Udp => 17,
            };
            seen.flows
                .insert(Flow::new(protocol, socket.local, socket.remote), pid);
        }
        // Connected, listening or bound without a peer: the kernel's lookup finds the
        // last two while they live.
        seen.unsettled.remove(&socket.inode);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};

    /// A TCP segment as seen on loopback (raw IP link type), from `src` to `dst`.
    fn segment(src: SocketAddr, dst: SocketAddr, flags: u8) -> Vec<u8> {
        let (IpAddr::V4(s), IpAddr::V4(d)) = (src.ip(), dst.ip()) else {
            panic!("IPv4 only")
        };
        let mut packet = vec![0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0];
        packet.extend_from_slice(&s.octets());
        packet.extend_from_slice(&d.octets());
        packet.extend_from_slice(&src.port().to_be_bytes());
        packet.extend_from_slice(&dst.port().to_be_bytes());
        packet.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
        packet
    }

    #[test]
    fn both_ends_of_a_loopback_connection_are_this_process_exactly() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        let client = TcpStream::connect(server).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        let client_address = client.local_addr().unwrap();
        let mut attributor = Attributor::new(None).unwrap();
        let me = std::process::id();
        let out =
            attributor.attribute(crate::linktype::RAW, &segment(client_address, server, 0x18));
        assert_eq!(out.quality, Quality::Exact);
        assert_eq!(out.process.as_ref().map(|p| p.pid), Some(me));
        let comm = std::fs::read_to_string("/proc/self/comm").unwrap();
        assert_eq!(out.process.as_ref().unwrap().comm, comm.trim_end());
        // The same flow again costs no lookup; the other direction one.
        let lookups = attributor.lookups;
        attributor.attribute(crate::linktype::RAW, &segment(client_address, server, 0x10));
        assert_eq!(attributor.lookups, lookups);
        let back =
            attributor.attribute(crate::linktype::RAW, &segment(server, client_address, 0x10));
        assert_eq!(back.process.as_ref().map(|p| p.pid), Some(me));
        // A FIN closes the flow: later packets keep the owner, as cached.
        let fin =
            attributor.attribute(crate::linktype::RAW, &segment(client_address, server, 0x11));
        assert_eq!(fin.quality, Quality::Exact);
        let after =
            attributor.attribute(crate::linktype::RAW, &segment(server, client_address, 0x10));
        assert_eq!(after.quality, Quality::Cached);
        assert_eq!(after.process.as_ref().map(|p| p.pid), Some(me));
        drop((client, accepted));
    }

    #[test]
    fn a_flow_nobody_here_owns_is_unknown_never_guessed() {
        let mut attributor = Attributor::new(None).unwrap();
        // Two addresses no interface of this machine has (TEST-NET-3).
        let packet = segment(
            "203.0.113.5:40000".parse().unwrap(),
            "203.0.113.6:5000".parse().unwrap(),
            0x02,
        );
        assert_eq!(
            attributor.attribute(crate::linktype::RAW, &packet),
            &Attribution::UNKNOWN
        );
        assert_eq!(attributor.lookups, 0, "no address here: nothing to ask");
        // A local port nobody holds.
        let closed = segment(
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:2".parse().unwrap(),
            0x02,
        );
        assert_eq!(
            attributor.attribute(crate::linktype::RAW, &closed),
            &Attribution::UNKNOWN
        );
        // Not TCP or UDP.
        assert_eq!(
            attributor.attribute(crate::linktype::RAW, &[0x45, 0, 0]),
            &Attribution::UNKNOWN
        );
    }

    #[test]
    fn a_watch_knows_a_child_s_connection_after_the_child_is_gone() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = listener.local_addr().unwrap();
        // Watching this process's children (as `webcapture -- CMD` does).
        let watch = Watch::start(vec![std::process::id()], false).unwrap();
        // A child that connects, holds the connection a moment, and exits.
        let script = format!(
            "import socket, time; s = socket.create_connection(('127.0.0.1', {})); print(s.getsockname()[1], flush=True); time.sleep(0.05)",
            server.port()
        );
        let child = match std::process::Command::new("python3")
            .args(["-c", &script])
            .stdout(std::process::Stdio::piped())
            .output()
        {
            Ok(child) => child,
            Err(e) => {
                eprintln!("SKIPPED a_watch_knows_a_child_s_connection_after_the_child_is_gone: python3: {e}");
                assert!(std::env::var("CI").is_err(), "CI installs python3");
                return;
            }
        };
        let port: u16 = String::from_utf8_lossy(&child.stdout)
            .trim()
            .parse()
            .unwrap();
        let (_accepted, _) = listener.accept().unwrap();
        let client = SocketAddr::new(server.ip(), port);
        let mut attributor = Attributor::new(Some(watch)).unwrap();
        // The child is gone: its packets are still its own, as cached...
        let out = attributor
            .attribute(crate::linktype::RAW, &segment(client, server, 0x18))
            .clone();
        assert_eq!(out.quality, Quality::Cached);
        let owner = out.process.clone().expect("the watched child");
        assert_eq!(owner.comm, "python3");
        assert_ne!(owner.pid, std::process::id());
        assert!(attributor.watch().unwrap().covers(owner.pid));
        assert!(
            !attributor.watch().unwrap().covers(std::process::id()),
            "only the children"
        );
        // ...while the server's replies are this process's, exactly.
        let back = attributor
            .attribute(crate::linktype::RAW, &segment(server, client, 0x10))
            .clone();
        assert_eq!(back.quality, Quality::Exact);
        assert_eq!(
            back.process.as_ref().map(|p| p.pid),
            Some(std::process::id())
        );
    }
}
