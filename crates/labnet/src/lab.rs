//! The two-host lab of the handout (brooklyn and midwood, once VirtualBox VMs) as
//! network namespaces on one Linux machine.
//!
//! Each lab host is a named network namespace (see [`crate::netns`]) with `lo` up and
//! one NIC, `eth0`. The hosts are joined in one of three topologies ([`Topology`]):
//! `pair`, two hosts on a veth pair, or through the lab's wire when the link is impaired
//! (each `eth0` a veth into the namespace `LAB-wire`, where [`crate::wire`] forwards
//! between them); `switch`, three or more hosts each with a veth into a bridge (`br0`)
//! that lives in a namespace of its own, `LAB-switch`; `router`, two hosts on two
//! subnets (192.168.56.0/24 and the next one, 192.168.57.0/24) with a host `router`
//! forwarding between them, so link addresses change hop by hop and IP addresses do
//! not. Nothing of the lab touches the machine's own interfaces. Addresses count up from
//! `.101` (192.168.56.101, .102, ... and fd00:56::101, ::102, ...), MAC addresses are
//! in VirtualBox's range 08:00:27 and derived from the IPv4 address, so captures are
//! the same on every run. `/etc/netns/HOST/{hosts,hostname}` make the host names
//! resolve inside the lab, as `ip netns exec` and [`crate::netns::HostEnv`] bind them.
//!
//! Everything is done through rtnetlink messages built by `netlink-packet-route` (not by
//! running `ip`): the tools must work on a VM where iproute2 may differ or be missing,
//! errors come back as errno values we can explain, and no output format is parsed.
//!
//! What a lab is made of is recorded in `/run/labnet/LAB.json` before anything is made,
//! so [`down`] removes exactly that (also after a half-finished `up`) and nothing else.
//! /run is a tmpfs, like the namespaces themselves it is gone after a reboot.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};

use ipnet::{Ipv4Net, Ipv6Net};
use netlink_packet_route::address::{AddressAttribute, AddressMessage, AddressScope};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use serde::{Deserialize, Serialize};

use crate::addr::format_mac;
use crate::error::{Context, Error, Result};
use crate::netlink::{self, RouteSocket, NLM_F_CREATE, NLM_F_EXCL};
use crate::netns;
use crate::nics::{self, Nic, NicTable};
use crate::privileges::{self, Capability};
use crate::wire::{self, Impairment, WireState};

/// The lab `lab-hosts` manages unless told otherwise.
pub const DEFAULT_LAB: &str = "labnet";
/// The handout's two hosts.
pub const DEFAULT_HOSTS: [&str; 2] = ["brooklyn", "midwood"];
/// VirtualBox's host-only network, which the handout's VMs sit on.
pub const DEFAULT_SUBNET4: &str = "192.168.56.0/24";
/// The IPv6 prefix that mirrors it.
pub const DEFAULT_SUBNET6: &str = "fd00:56::/64";
/// Where lab records live.
pub const STATE_DIR: &str = "/run/labnet";
/// The NIC of every lab host.
pub const HOST_NIC: &str = "eth0";
/// The bridge of a lab with three or more hosts, inside the switch namespace.
const BRIDGE: &str = "br0";
/// The first host's host number: 192.168.56.101, as VirtualBox hands out.
const FIRST_HOST_NUMBER: u32 = 101;
/// VirtualBox's MAC prefix (OUI 08:00:27).
const VIRTUALBOX_OUI: [u8; 3] = [0x08, 0x00, 0x27];

/// How a lab's hosts are joined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Topology {
    /// Two hosts on one link (a veth pair, or through the wire).
    #[default]
    Pair,
    /// Three or more hosts on a bridge.
    Switch,
    /// Two hosts on two subnets, a router host between them.
    Router,
}

impl Topology {
    pub fn name(self) -> &'static str {
        match self {
            Topology::Pair => "pair",
            Topology::Switch => "switch",
            Topology::Router => "router",
        }
    }
}

/// What a lab consists of: recorded at `up`, the source of truth for `down`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabSpec {
    pub lab: String,
    pub subnet4: Ipv4Net,
    pub subnet6: Ipv6Net,
    pub hosts: Vec<HostSpec>,
    /// The switch namespace holding the bridge, for three or more hosts.
    pub switch: Option<String>,
    #[serde(default)]
    pub topology: Topology,
    /// The wire namespace, when the pair's link goes through the lab's wire.
    #[serde(default)]
    pub wire: Option<String>,
}

/// A NIC beyond a host's `eth0` (the router's `eth1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NicSpec {
    pub name: String,
    pub ipv4: Ipv4Addr,
    pub ipv6: Ipv6Addr,
    pub mac: String,
}

/// One lab host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostSpec {
    /// The host name inside the lab (`ping midwood`).
    pub hostname: String,
    /// The network namespace's name (`ip netns exec NETNS`); the host name for labs made
    /// by `lab-hosts`, a unique name for test labs.
    pub netns: String,
    pub ipv4: Ipv4Addr,
    pub ipv6: Ipv6Addr,
    pub mac: String,
    /// The router's second NIC.
    #[serde(default)]
    pub eth1: Option<NicSpec>,
    /// The router a host behind it routes through (its IPv4 and IPv6 address).
    #[serde(default)]
    pub gateway: Option<(Ipv4Addr, Ipv6Addr)>,
}

/// The router host's name in the router topology.
pub const ROUTER: &str = "router";
/// The router's namespace: `router` in the handout's lab (`ip netns exec router`),
/// `LAB-router` in any other, so that labs side by side do not collide.
pub fn router_netns(lab: &str) -> String {
    if lab == DEFAULT_LAB {
        ROUTER.to_string()
    } else {
        format!("{lab}-{ROUTER}")
    }
}

/// The router's address on each subnet: .1, as home routers have.
const ROUTER_NUMBER: u32 = 1;

/// A lab as recorded on disk.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LabRecord {
    pub spec: LabSpec,
    /// The process that brought the lab up (test labs are cleaned once it is gone).
    pub made_by_pid: u32,
}

impl LabSpec {
    /// Plans a lab: addresses and MACs for `hosts`, given as (netns, hostname) pairs.
    pub fn plan(
        lab: &str,
        hosts: &[(String, String)],
        subnet4: &str,
        subnet6: &str,
    ) -> Result<Self> {
        check_name("lab name", lab)?;
        if hosts.len() < 2 {
            return Err(Error::usage("a lab needs at least two hosts")
                .hint("for example: --hosts brooklyn,midwood"));
        }
        let subnet4: Ipv4Net = subnet4.parse().map_err(|_| {
            Error::usage(format!("{subnet4:?} is not an IPv4 subnet"))
                .hint("for example: --subnet 192.168.56.0/24")
        })?;
        let subnet6: Ipv6Net = subnet6.parse().map_err(|_| {
            Error::usage(format!("{subnet6:?} is not an IPv6 subnet"))
                .hint("for example: --subnet6 fd00:56::/64")
        })?;
        let (subnet4, subnet6) = (subnet4.trunc(), subnet6.trunc());
        let last_number = FIRST_HOST_NUMBER + hosts.len() as u32 - 1;
        let host_bits = 32 - u32::from(subnet4.prefix_len());
        if host_bits >= 32 || last_number >= (1u32 << host_bits) - 1 || last_number > 999 {
            return Err(Error::usage(format!(
                "{subnet4} has no room for {} hosts numbered from .{FIRST_HOST_NUMBER}",
                hosts.len()
            ))
            .hint("use a /24 or larger subnet, or fewer hosts"));
        }
        if subnet6.prefix_len() > 112 {
            return Err(Error::usage(format!(
                "{subnet6} is too small: use a /112 or larger"
            )));
        }
        let mut hostnames = std::collections::BTreeSet::new();
        let mut namespaces = std::collections::BTreeSet::new();
        let mut planned = Vec::with_capacity(hosts.len());
        for (i, (netns, hostname)) in hosts.iter().enumerate() {
            check_name("host name", hostname)?;
            check_name("namespace name", netns)?;
            if !hostnames.insert(hostname.as_str()) || !namespaces.insert(netns.as_str()) {
                return Err(Error::usage(format!("host {hostname:?} is named twice")));
            }
            let number = FIRST_HOST_NUMBER + i as u32;
            let (ipv4, ipv6, mac) = numbered(subnet4, subnet6, number);
            planned.push(HostSpec {
                hostname: hostname.clone(),
                netns: netns.clone(),
                ipv4,
                ipv6,
                mac,
                eth1: None,
                gateway: None,
            });
        }
        let switch = (hosts.len() > 2).then(|| format!("{lab}-switch"));
        if let Some(switch) = &switch {
            if planned.iter().any(|h| &h.netns == switch) {
                return Err(Error::usage(format!(
                    "{switch:?} is reserved for the lab's switch"
                )));
            }
        }
        Ok(LabSpec {
            lab: lab.into(),
            subnet4,
            subnet6,
            hosts: planned,
            topology: if switch.is_some() {
                Topology::Switch
            } else {
                Topology::Pair
            },
            switch,
            wire: None,
        })
    }

    /// Plans the router topology: the first host on `subnet4` (and `subnet6`), the
    /// second on the next subnet of the same size, and a host `router` (its namespace
    /// named as the hosts' are, with `router` for the host name) at .1 on both.
    pub fn plan_router(
        lab: &str,
        hosts: &[(String, String)],
        router_netns: &str,
        subnet4: &str,
        subnet6: &str,
    ) -> Result<Self> {
        if hosts.len() != 2 {
            return Err(Error::usage("the router topology joins two hosts")
                .hint("for example: --hosts brooklyn,midwood --topology router"));
        }
        let mut all = hosts.to_vec();
        all.push((router_netns.to_string(), ROUTER.to_string()));
        let mut spec = LabSpec::plan(lab, &all, subnet4, subnet6)?;
        let (left4, left6) = (spec.subnet4, spec.subnet6);
        let right4 = next_subnet4(left4)?;
        let right6 = next_subnet6(left6)?;
        let (r4, r6, rmac) = numbered(left4, left6, ROUTER_NUMBER);
        let (g4, g6, gmac) = numbered(right4, right6, ROUTER_NUMBER);
        let (m4, m6, mmac) = numbered(right4, right6, FIRST_HOST_NUMBER + 1);
        spec.hosts[0].gateway = Some((r4, r6));
        let midwood = &mut spec.hosts[1];
        (midwood.ipv4, midwood.ipv6, midwood.mac) = (m4, m6, mmac);
        midwood.gateway = Some((g4, g6));
        let router = &mut spec.hosts[2];
        (router.ipv4, router.ipv6, router.mac) = (r4, r6, rmac);
        router.eth1 = Some(NicSpec {
            name: "eth1".into(),
            ipv4: g4,
            ipv6: g6,
            mac: gmac,
        });
        spec.switch = None;
        spec.topology = Topology::Router;
        Ok(spec)
    }

    /// The same pair with its link through the lab's wire (`LAB-wire`).
    pub fn with_wire(mut self) -> Result<Self> {
        if self.topology != Topology::Pair {
            return Err(Error::usage(format!(
                "the link can be impaired in the pair topology; this lab is a {}",
                self.topology.name()
            ))
            .hint(
                "bring up a pair (two hosts, --topology pair) to delay, lose or limit its link",
            ));
        }
        self.wire = Some(format!("{}-wire", self.lab));
        Ok(self)
    }

    /// The same hosts on the lab's bridge, also when there are only two.
    pub fn with_switch(mut self) -> Result<Self> {
        if self.topology == Topology::Router {
            return Err(Error::usage("the router topology has no switch"));
        }
        let switch = format!("{}-switch", self.lab);
        if self.hosts.iter().any(|h| h.netns == switch) {
            return Err(Error::usage(format!(
                "{switch:?} is reserved for the lab's switch"
            )));
        }
        self.switch = Some(switch);
        self.topology = Topology::Switch;
        Ok(self)
    }

    /// The second subnet of the router topology.
    pub fn far_subnets(&self) -> Option<(Ipv4Net, Ipv6Net)> {
        (self.topology == Topology::Router)
            .then(|| {
                Some((
                    next_subnet4(self.subnet4).ok()?,
                    next_subnet6(self.subnet6).ok()?,
                ))
            })
            .flatten()
    }

    /// Every namespace of the lab: hosts first, then the switch or the wire.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.hosts
            .iter()
            .map(|h| h.netns.as_str())
            .chain(self.switch.as_deref())
            .chain(self.wire.as_deref())
    }

    /// The wire's ports: one per host, named after it where the name fits an
    /// interface name.
    pub fn wire_ports(&self) -> [String; 2] {
        let names = [&self.hosts[0].hostname, &self.hosts[1].hostname];
        if names.iter().all(|n| n.len() <= 15) {
            names.map(|n| n.to_string())
        } else {
            ["port1".into(), "port2".into()]
        }
    }

    /// Finds a host by host name or namespace name.
    pub fn host(&self, name: &str) -> Option<&HostSpec> {
        self.hosts
            .iter()
            .find(|h| h.hostname == name || h.netns == name)
    }

    /// The `/etc/hosts` of every lab host: loopback plus every lab host, v4 and v6.
    pub fn hosts_file(&self) -> String {
        let mut text = format!(
            "# written by lab-hosts for lab {:?}; removed by `lab-hosts down`\n\
             127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n",
            self.lab
        );
        for host in &self.hosts {
            text += &format!("{}\t{}\n", host.ipv4, host.hostname);
            if let Some(nic) = &host.eth1 {
                text += &format!("{}\t{}\n", nic.ipv4, host.hostname);
            }
        }
        // The handout is an IPv4 lab: a host's own name has its IPv4 address only, so
        // every resolver (glibc's, which sorts ULAs before IPv4; curl; Python) goes to
        // IPv4 first, and ping brooklyn shows ARP. IPv6 has its own name, brooklyn6.
        for host in &self.hosts {
            text += &format!("{}\t{}\n", host.ipv6, ipv6_name(&host.hostname));
        }
        text
    }

    fn prefix4(&self) -> u8 {
        self.subnet4.prefix_len()
    }
}

/// The name of a lab host's IPv6 address in the lab's hosts files: `brooklyn6`.
pub fn ipv6_name(hostname: &str) -> String {
    format!("{hostname}6")
}

/// A host's addresses and MAC for host number `number` of the subnets: the MAC in
/// VirtualBox's range, derived from the IPv4 address.
fn numbered(subnet4: Ipv4Net, subnet6: Ipv6Net, number: u32) -> (Ipv4Addr, Ipv6Addr, String) {
    let ipv4 = Ipv4Addr::from(u32::from(subnet4.network()) + number);
    let ipv6 = Ipv6Addr::from(u128::from(subnet6.network()) + host_number_as_hex(number));
    let o = ipv4.octets();
    let mac = format_mac(&[
        VIRTUALBOX_OUI[0],
        VIRTUALBOX_OUI[1],
        VIRTUALBOX_OUI[2],
        o[1],
        o[2],
        o[3],
    ]);
    (ipv4, ipv6, mac)
}

/// The subnet after `net`, of the same size: 192.168.57.0/24 after 192.168.56.0/24.
fn next_subnet4(net: Ipv4Net) -> Result<Ipv4Net> {
    let size = 1u64 << (32 - u32::from(net.prefix_len()));
    let next = u64::from(u32::from(net.network())) + size;
    u32::try_from(next)
        .ok()
        .and_then(|n| Ipv4Net::new(Ipv4Addr::from(n), net.prefix_len()).ok())
        .ok_or_else(|| {
            Error::usage(format!(
                "{net} has no subnet after it for the router's far side"
            ))
        })
}

/// fd00:57::/64 after fd00:56::/64: for prefixes of /32 and longer the second group
/// counts up, as the third octet does from 192.168.56 to .57 (the lab's naming); a
/// shorter prefix steps by its own size.
fn next_subnet6(net: Ipv6Net) -> Result<Ipv6Net> {
    let step = 1u128 << (128 - u32::from(net.prefix_len())).max(96);
    u128::from(net.network())
        .checked_add(step)
        .and_then(|n| Ipv6Net::new(Ipv6Addr::from(n), net.prefix_len()).ok())
        .ok_or_else(|| {
            Error::usage(format!(
                "{net} has no subnet after it for the router's far side"
            ))
        })
}

/// fd00:56::101 for host .101: the decimal host number read as hex digits, so the
/// IPv6 address visibly matches the IPv4 one.
fn host_number_as_hex(number: u32) -> u128 {
    u128::from_str_radix(&number.to_string(), 16).unwrap_or(u128::from(number))
}

/// Host, namespace and lab names: an RFC 1123 label, which is also safe as a file name.
fn check_name(what: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!(
            "{name:?} is not a valid {what}: use letters, digits and inner hyphens, at most 63"
        )))
    }
}

fn record_path(lab: &str) -> PathBuf {
    Path::new(STATE_DIR).join(format!("{lab}.json"))
}

/// Reads the record of a lab, if it is up.
pub fn load(lab: &str) -> Result<Option<LabRecord>> {
    let path = record_path(lab);
    match fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            Error::failed(format!("{} is damaged: {e}", path.display())).hint(format!(
                "remove it, then run `lab-hosts up` again: rm {}",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).context(|| format!("reading {}", path.display())),
    }
}

/// Every lab recorded on this machine.
pub fn recorded_labs() -> Vec<LabRecord> {
    let Ok(entries) = fs::read_dir(STATE_DIR) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| fs::read_to_string(e.path()).ok())
        .filter_map(|text| serde_json::from_str(&text).ok())
        .collect()
}

fn save(record: &LabRecord) -> Result<()> {
    fs::create_dir_all(STATE_DIR).context(|| format!("creating {STATE_DIR}"))?;
    let path = record_path(&record.spec.lab);
    let text = serde_json::to_string_pretty(record).map_err(|e| Error::failed(e.to_string()))?;
    fs::write(&path, text + "\n").context(|| format!("writing {}", path.display()))
}

/// Opens the network namespace of a namespace or lab host name, for the leaves
/// (`nics::read_in`, `sockets::list_in`) that take an opened namespace.
pub fn open_netns(name: &str) -> Result<fs::File> {
    netns::open(&resolve_netns(name)?)
}

/// The network namespace of `name`: a namespace of that name, or else the namespace of
/// a lab host of that name (test labs give their hosts unique namespace names).
pub fn resolve_netns(name: &str) -> Result<String> {
    if netns::exists(name) {
        return Ok(name.to_string());
    }
    // The same host name can be in several labs (test labs all have a brooklyn): the
    // default lab wins, otherwise the name must be unique.
    let labs = recorded_labs();
    let matches: Vec<(&str, &HostSpec)> = labs
        .iter()
        .flat_map(|r| r.spec.hosts.iter().map(move |h| (r.spec.lab.as_str(), h)))
        .filter(|(_, h)| h.hostname == name)
        .collect();
    if let Some((_, host)) = matches.iter().find(|(lab, _)| *lab == DEFAULT_LAB) {
        return Ok(host.netns.clone());
    }
    match matches.as_slice() {
        [(_, host)] => return Ok(host.netns.clone()),
        [] => {}
        several => {
            let namespaces: Vec<&str> = several.iter().map(|(_, h)| h.netns.as_str()).collect();
            return Err(
                Error::usage(format!("host name {name:?} is in several labs")).hint(format!(
                    "name the namespace instead: {}",
                    namespaces.join(", ")
                )),
            );
        }
    }
    let mut known: Vec<String> = fs::read_dir(netns::RUN_DIR)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    known.sort();
    let hint = if known.is_empty() {
        "there are none; bring up the lab with: sudo lab-hosts up".to_string()
    } else {
        format!("the namespaces here: {}", known.join(", "))
    };
    Err(Error::failed(format!("no network namespace or lab host named {name:?}")).hint(hint))
}

/// The privileges that making or entering namespaces takes.
pub fn require_privileges(action: &str) -> Result<()> {
    privileges::require(
        action,
        &[Capability::NetAdmin, Capability::SysAdmin],
        "network namespaces need root: run it with sudo (e.g. `sudo lab-hosts up`)",
    )
}

/// What `up` did: one line per change, empty when the lab was already complete.
#[derive(Debug, Default)]
pub struct UpReport {
    pub changes: Vec<String>,
}

/// Brings the lab up, or completes it; running it on a complete lab changes nothing.
pub fn up(spec: &LabSpec) -> Result<UpReport> {
    require_privileges("lab-hosts up")?;
    match load(&spec.lab)? {
        Some(record) if wiring(&record.spec, spec) => {
            // The same pair, its link now through the wire: the direct veth goes (with
            // either end), the wire's veths come below.
            let first = netns::open(&spec.hosts[0].netns)?;
            let mut socket = netns::run_in(&first, RouteSocket::open)?;
            if let Some(link) = nics::find(&mut socket, HOST_NIC)? {
                let mut message = LinkMessage::default();
                message.header.index = link.index;
                socket.change(
                    RouteNetlinkMessage::DelLink(message),
                    0,
                    "taking out the direct link, to put the wire in",
                )?;
            }
            save(&LabRecord {
                spec: spec.clone(),
                made_by_pid: record.made_by_pid,
            })?;
        }
        Some(record) if record.spec != *spec => {
            let names: Vec<&str> = record
                .spec
                .hosts
                .iter()
                .map(|h| h.hostname.as_str())
                .collect();
            return Err(Error::failed(format!(
                "lab {:?} is already up with other settings (hosts {}, subnet {})",
                spec.lab,
                names.join(","),
                record.spec.subnet4
            ))
            .hint("run `lab-hosts down` first, then `lab-hosts up` with the new settings"));
        }
        Some(_) => {}
        None => {
            // Never adopt (and later delete) a namespace somebody else made.
            if let Some(taken) = spec.namespaces().find(|ns| netns::exists(ns)) {
                return Err(Error::failed(format!(
                    "a network namespace named {taken:?} already exists and lab-hosts did not make it"
                ))
                .hint(format!("remove it with `ip netns delete {taken}`, or choose other names with --hosts")));
            }
            save(&LabRecord {
                spec: spec.clone(),
                made_by_pid: std::process::id(),
            })?;
        }
    }
    let mut report = UpReport::default();
    let mut handles = BTreeMap::new();
    for ns in spec.namespaces() {
        if !netns::exists(ns) {
            netns::create(ns)?;
            report
                .changes
                .push(format!("created network namespace {ns}"));
        }
        let handle = netns::open(ns)?;
        // Addresses are usable at once, as on a VM that has been up a while: no
        // duplicate address detection delay for IPv6 (also for link-local ones).
        netns::write_sysctl(&handle, "net/ipv6/conf/default/accept_dad", "0")?;
        if spec.switch.as_deref() == Some(ns) || spec.wire.as_deref() == Some(ns) {
            // The switch and the wire are cables, not hosts: their ports must not put
            // router solicitations or DAD probes of their own on the lab's links.
            for key in ["all", "default"] {
                netns::write_sysctl(&handle, &format!("net/ipv6/conf/{key}/disable_ipv6"), "1")?;
            }
        }
        let mut socket = netns::run_in(&handle, RouteSocket::open)?;
        if set_up(&mut socket, "lo")? {
            report.changes.push(format!("{ns}: lo up"));
        }
        handles.insert(ns.to_string(), (handle, socket));
    }
    let mut root = RouteSocket::open()?;
    match (&spec.switch, &spec.wire, spec.topology) {
        (_, _, Topology::Router) => {
            let router = &spec.hosts[2];
            let far = router.eth1.as_ref().expect("a router has eth1");
            for (host, name, mac) in [
                (&spec.hosts[0], HOST_NIC, &router.mac),
                (&spec.hosts[1], far.name.as_str(), &far.mac),
            ] {
                let end_router = VethEnd {
                    netns: &router.netns,
                    name,
                    mac: Some(mac),
                };
                ensure_veth(
                    &mut root,
                    &mut handles,
                    &host_end(host),
                    &end_router,
                    &mut report,
                )?;
            }
            let handle = &handles[router.netns.as_str()].0;
            netns::write_sysctl(handle, "net/ipv4/ip_forward", "1")?;
            netns::write_sysctl(handle, "net/ipv6/conf/all/forwarding", "1")?;
        }
        (None, Some(wire), _) => {
            for (host, port) in spec.hosts.iter().zip(spec.wire_ports()) {
                let end_wire = VethEnd {
                    netns: wire,
                    name: &port,
                    mac: None,
                };
                ensure_veth(
                    &mut root,
                    &mut handles,
                    &host_end(host),
                    &end_wire,
                    &mut report,
                )?;
                // Segments, not GSO super-frames: what the wire loses is one segment.
                let socket = &mut handles.get_mut(host.netns.as_str()).expect("opened").1;
                set_gso_max_segs(socket, HOST_NIC, 1)?;
            }
        }
        (None, None, _) => {
            let (a, b) = (&spec.hosts[0], &spec.hosts[1]);
            ensure_veth(
                &mut root,
                &mut handles,
                &host_end(a),
                &host_end(b),
                &mut report,
            )?;
        }
        (Some(switch), _, _) => {
            ensure_bridge(&mut handles, switch, &mut report)?;
            for (i, host) in spec.hosts.iter().enumerate() {
                let port = format!("port{}", i + 1);
                let end_switch = VethEnd {
                    netns: switch,
                    name: &port,
                    mac: None,
                };
                ensure_veth(
                    &mut root,
                    &mut handles,
                    &host_end(host),
                    &end_switch,
                    &mut report,
                )?;
                attach_to_bridge(
                    &mut handles.get_mut(switch.as_str()).expect("opened").1,
                    &port,
                    &mut report,
                )?;
            }
        }
    }
    for host in &spec.hosts {
        let socket = &mut handles.get_mut(&host.netns).expect("opened").1;
        let mut nics = vec![(HOST_NIC, host.ipv4, host.ipv6)];
        if let Some(nic) = &host.eth1 {
            nics.push((nic.name.as_str(), nic.ipv4, nic.ipv6));
        }
        for (name, ipv4, ipv6) in nics {
            let broadcast = Ipv4Net::new(ipv4, spec.prefix4())
                .map(|net| net.broadcast())
                .unwrap_or(Ipv4Addr::BROADCAST);
            for (address, prefix_len) in [
                (IpAddr::V4(ipv4), spec.prefix4()),
                (IpAddr::V6(ipv6), spec.subnet6.prefix_len()),
            ] {
                if add_address(socket, name, address, prefix_len, broadcast)? {
                    report
                        .changes
                        .push(format!("{}: {name} {address}/{prefix_len}", host.netns));
                }
            }
        }
        if let Some((gateway4, gateway6)) = host.gateway {
            for gateway in [IpAddr::V4(gateway4), IpAddr::V6(gateway6)] {
                if add_default_route(socket, gateway)? {
                    report
                        .changes
                        .push(format!("{}: default via {gateway}", host.netns));
                }
            }
        }
        let etc = Path::new(netns::ETC_DIR).join(&host.netns);
        fs::create_dir_all(&etc).context(|| format!("creating {}", etc.display()))?;
        for (file, text) in [
            ("hosts", spec.hosts_file()),
            ("hostname", format!("{}\n", host.hostname)),
        ] {
            let path = etc.join(file);
            if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                fs::write(&path, text).context(|| format!("writing {}", path.display()))?;
                report.changes.push(format!("wrote {}", path.display()));
            }
        }
    }
    wait_until_operational(&mut handles, spec);
    Ok(report)
}

/// The kernel reports a new veth's operational state a moment after it comes up (its
/// link watch runs up to a second later). Wait for it, bounded, so that `up` leaves
/// the lab as a booted VM looks: every NIC `state UP`.
fn wait_until_operational(namespaces: &mut Namespaces, spec: &LabSpec) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    for host in &spec.hosts {
        let socket = &mut namespaces.get_mut(&host.netns).expect("opened").1;
        while std::time::Instant::now() < deadline {
            let up = nics::find(socket, HOST_NIC)
                .map(|nic| nic.is_some_and(|nic| nic.operstate_name() == "UP"))
                .unwrap_or(true);
            if up {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

type Namespaces = BTreeMap<String, (File, RouteSocket)>;

struct VethEnd<'a> {
    netns: &'a str,
    name: &'a str,
    mac: Option<&'a str>,
}

/// A host's end of its link: `eth0`, with the host's MAC.
fn host_end(host: &HostSpec) -> VethEnd<'_> {
    VethEnd {
        netns: &host.netns,
        name: HOST_NIC,
        mac: Some(&host.mac),
    }
}

/// Makes sure a veth pair joins the two ends; a half-present pair is made anew.
fn ensure_veth(
    root: &mut RouteSocket,
    namespaces: &mut Namespaces,
    a: &VethEnd,
    b: &VethEnd,
    report: &mut UpReport,
) -> Result<()> {
    let index_a =
        nics::find(&mut namespaces.get_mut(a.netns).expect("opened").1, a.name)?.map(|l| l.index);
    let index_b =
        nics::find(&mut namespaces.get_mut(b.netns).expect("opened").1, b.name)?.map(|l| l.index);
    if index_a.is_none() || index_b.is_none() {
        // Deleting either end of a veth pair deletes both.
        for (end, index) in [(a, index_a), (b, index_b)] {
            if let Some(index) = index {
                let mut message = LinkMessage::default();
                message.header.index = index;
                let socket = &mut namespaces.get_mut(end.netns).expect("opened").1;
                socket.change(
                    RouteNetlinkMessage::DelLink(message),
                    0,
                    "removing a half-made veth",
                )?;
            }
        }
        let mut peer = LinkMessage::default();
        peer.attributes = veth_end_attributes(b, &namespaces[b.netns].0)?;
        let mut link = LinkMessage::default();
        link.attributes = veth_end_attributes(a, &namespaces[a.netns].0)?;
        link.attributes.push(LinkAttribute::LinkInfo(vec![
            LinkInfo::Kind(InfoKind::Veth),
            LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer))),
        ]));
        root.change(
            RouteNetlinkMessage::NewLink(link),
            NLM_F_CREATE | NLM_F_EXCL,
            &format!(
                "creating the veth pair {}:{} <-> {}:{}",
                a.netns, a.name, b.netns, b.name
            ),
        )?;
        report.changes.push(format!(
            "created veth {}:{} <-> {}:{}",
            a.netns, a.name, b.netns, b.name
        ));
    }
    for end in [a, b] {
        if set_up(
            &mut namespaces.get_mut(end.netns).expect("opened").1,
            end.name,
        )? {
            report
                .changes
                .push(format!("{}: {} up", end.netns, end.name));
        }
    }
    Ok(())
}

fn veth_end_attributes(end: &VethEnd, netns: &File) -> Result<Vec<LinkAttribute>> {
    let mut attributes = vec![
        LinkAttribute::IfName(end.name.into()),
        // Created straight inside the target namespace: never visible in ours.
        LinkAttribute::NetNsFd(netns.as_raw_fd()),
    ];
    if let Some(mac) = end.mac {
        attributes.push(LinkAttribute::Address(parse_mac(mac)?));
    }
    Ok(attributes)
}

fn parse_mac(text: &str) -> Result<Vec<u8>> {
    let bytes: Vec<u8> = text
        .split(':')
        .filter_map(|b| u8::from_str_radix(b, 16).ok())
        .collect();
    if bytes.len() == 6 {
        Ok(bytes)
    } else {
        Err(Error::failed(format!("{text:?} is not a MAC address")))
    }
}

fn ensure_bridge(namespaces: &mut Namespaces, switch: &str, report: &mut UpReport) -> Result<()> {
    let socket = &mut namespaces.get_mut(switch).expect("opened").1;
    if nics::find(socket, BRIDGE)?.is_none() {
        let mut link = LinkMessage::default();
        link.attributes = vec![
            LinkAttribute::IfName(BRIDGE.into()),
            LinkAttribute::LinkInfo(vec![LinkInfo::Kind(InfoKind::Bridge)]),
        ];
        socket.change(
            RouteNetlinkMessage::NewLink(link),
            NLM_F_CREATE | NLM_F_EXCL,
            "creating the lab's bridge",
        )?;
        report
            .changes
            .push(format!("created bridge {switch}:{BRIDGE}"));
    }
    if set_up(socket, BRIDGE)? {
        report.changes.push(format!("{switch}: {BRIDGE} up"));
    }
    Ok(())
}

fn attach_to_bridge(socket: &mut RouteSocket, port: &str, report: &mut UpReport) -> Result<()> {
    let bridge =
        nics::find(socket, BRIDGE)?.ok_or_else(|| Error::failed("the lab's bridge vanished"))?;
    let port_link = nics::find(socket, port)?
        .ok_or_else(|| Error::failed(format!("switch port {port} vanished")))?;
    if port_link.master == Some(bridge.index) {
        return Ok(());
    }
    let mut message = LinkMessage::default();
    message.header.index = port_link.index;
    message.attributes = vec![LinkAttribute::Controller(bridge.index)];
    socket.change(
        RouteNetlinkMessage::SetLink(message),
        0,
        "attaching a port to the lab's bridge",
    )?;
    report.changes.push(format!("{port} joined {BRIDGE}"));
    Ok(())
}

/// Sets a link administratively up; returns whether it was down.
fn set_up(socket: &mut RouteSocket, name: &str) -> Result<bool> {
    let link =
        nics::find(socket, name)?.ok_or_else(|| Error::failed(format!("link {name} not found")))?;
    if link.is_up() {
        return Ok(false);
    }
    let mut message = LinkMessage::default();
    message.header.index = link.index;
    message.header.flags = LinkFlags::Up;
    message.header.change_mask = LinkFlags::Up;
    socket.change(
        RouteNetlinkMessage::SetLink(message),
        0,
        &format!("setting {name} up"),
    )?;
    Ok(true)
}

/// Whether `new` is `old` with its link put through the wire.
fn wiring(old: &LabSpec, new: &LabSpec) -> bool {
    old.wire.is_none()
        && new.wire.is_some()
        && LabSpec {
            wire: None,
            ..new.clone()
        } == *old
}

/// Limits how many segments the kernel puts in one GSO frame on a link.
fn set_gso_max_segs(socket: &mut RouteSocket, name: &str, segments: u32) -> Result<()> {
    let link =
        nics::find(socket, name)?.ok_or_else(|| Error::failed(format!("link {name} not found")))?;
    let mut message = LinkMessage::default();
    message.header.index = link.index;
    message.attributes = vec![LinkAttribute::GsoMaxSegs(segments)];
    socket.change(
        RouteNetlinkMessage::SetLink(message),
        0,
        &format!("setting {name}'s gso_max_segs"),
    )
}

/// Adds a default route through `gateway`; returns false when it was already there.
fn add_default_route(socket: &mut RouteSocket, gateway: IpAddr) -> Result<bool> {
    use netlink_packet_route::route::{
        RouteAttribute, RouteHeader, RouteMessage, RouteProtocol, RouteScope, RouteType,
    };
    let mut message = RouteMessage::default();
    message.header.address_family = match gateway {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    message.header.table = RouteHeader::RT_TABLE_MAIN;
    message.header.protocol = RouteProtocol::Static;
    message.header.scope = RouteScope::Universe;
    message.header.kind = RouteType::Unicast;
    message
        .attributes
        .push(RouteAttribute::Gateway(gateway.into()));
    created(socket.change(
        RouteNetlinkMessage::NewRoute(message),
        NLM_F_CREATE | NLM_F_EXCL,
        &format!("adding a default route via {gateway}"),
    ))
}

/// An exclusive create's outcome: true when made, false when it was there already.
fn created(outcome: Result<()>) -> Result<bool> {
    match outcome {
        Ok(()) => Ok(true),
        Err(e) if netlink::errno(&e) == Some(libc::EEXIST) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Adds an address to a link; returns false when it was already there.
fn add_address(
    socket: &mut RouteSocket,
    link_name: &str,
    address: IpAddr,
    prefix_len: u8,
    broadcast: Ipv4Addr,
) -> Result<bool> {
    let link = nics::find(socket, link_name)?
        .ok_or_else(|| Error::failed(format!("link {link_name} not found")))?;
    let mut message = AddressMessage::default();
    message.header.index = link.index;
    message.header.prefix_len = prefix_len;
    message.header.scope = AddressScope::Universe;
    message.header.family = match address {
        IpAddr::V4(_) => AddressFamily::Inet,
        IpAddr::V6(_) => AddressFamily::Inet6,
    };
    message.attributes.push(AddressAttribute::Address(address));
    if address.is_ipv4() {
        message.attributes.push(AddressAttribute::Local(address));
        message
            .attributes
            .push(AddressAttribute::Broadcast(broadcast));
    }
    created(socket.change(
        RouteNetlinkMessage::NewAddress(message),
        NLM_F_CREATE | NLM_F_EXCL,
        &format!("adding {address}/{prefix_len} to {link_name}"),
    ))
}

/// The seed of a wire when none is given: the same losses on every run.
pub const DEFAULT_SEED: u64 = 1;

/// Changes what the lab's wire does to the frames `from` sends (both directions when
/// `None`), or reseeds it; a pair still on its direct veth is put through the wire
/// first. Also (with an empty change) restarts a wire process that died. Returns what
/// it did, one line each.
pub fn impair(
    spec: &LabSpec,
    program: &Path,
    from: Option<&str>,
    change: &wire::Change,
    seed: Option<u64>,
) -> Result<Vec<String>> {
    let mut done = Vec::new();
    let spec = match spec.wire {
        Some(_) => spec.clone(),
        None => {
            let wired = spec.clone().with_wire()?;
            done.extend(up(&wired)?.changes);
            wired
        }
    };
    let targets: Vec<bool> = match from {
        None => vec![true, true],
        Some(name) => {
            let host = spec.host(name).ok_or_else(|| {
                let names: Vec<&str> = spec.hosts.iter().map(|h| h.hostname.as_str()).collect();
                Error::usage(format!("{name:?} is not a host of lab {:?}", spec.lab))
                    .hint(format!("its hosts are: {}", names.join(", ")))
            })?;
            spec.hosts[..2]
                .iter()
                .map(|h| h.hostname == host.hostname)
                .collect()
        }
    };
    let previous = wire::load(&spec.lab)?;
    let mut impairments = previous
        .as_ref()
        .map(|p| [p.ports[0].impairment, p.ports[1].impairment])
        .unwrap_or_default();
    for (impairment, targeted) in impairments.iter_mut().zip(targets) {
        if targeted {
            change.apply(impairment);
        }
    }
    let seed = seed
        .or(previous.as_ref().map(|p| p.seed))
        .unwrap_or(DEFAULT_SEED);
    done.extend(wire_up(&spec, program, impairments, seed)?);
    Ok(done)
}

/// Gives the lab's wire its settings (each host's impairment: what the wire does to
/// the frames that host sends) and makes sure its process runs: started if it is not,
/// told to read them again (SIGHUP) if it is. `program` is the `lab-hosts` binary,
/// whose `wire` command the process runs. Returns what it did (nothing when the wire
/// runs with these settings already).
pub fn wire_up(
    spec: &LabSpec,
    program: &Path,
    impairments: [Impairment; 2],
    seed: u64,
) -> Result<Option<String>> {
    let netns = spec
        .wire
        .clone()
        .ok_or_else(|| Error::failed(format!("lab {:?} has no wire", spec.lab)))?;
    let ports = spec.wire_ports();
    let previous = wire::load(&spec.lab)?;
    let mut state = WireState {
        lab: spec.lab.clone(),
        netns,
        ports: [0, 1].map(|i| wire::Port {
            interface: ports[i].clone(),
            host: spec.hosts[i].hostname.clone(),
            impairment: impairments[i],
        }),
        seed,
        pid: previous.as_ref().and_then(|p| p.pid),
    };
    let running = state
        .pid
        .filter(|&pid| wire::is_wire_process(pid, &spec.lab));
    if running.is_some() && previous.as_ref() == Some(&state) {
        return Ok(None);
    }
    wire::save(&state)?;
    if running.is_some() && wire::reload(&state) {
        return Ok(Some(describe_wire(&state)));
    }
    // A stale counters file would say "up" before the new process is.
    let _ = fs::remove_file(wire::stats_path(&spec.lab));
    let mut child = wire::spawn(program, &spec.lab)?;
    let pid = child.id();
    state.pid = Some(pid);
    wire::save(&state)?;
    // It writes its counters once its sockets are bound; wait for that, bounded, so
    // traffic sent right after `up` crosses.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while std::time::Instant::now() < deadline {
        if !matches!(child.try_wait(), Ok(None)) {
            let log = fs::read_to_string(wire::log_path(&spec.lab)).unwrap_or_default();
            let last = log.lines().last().unwrap_or("").to_string();
            return Err(
                Error::failed(format!("the lab's wire stopped at once: {last}"))
                    .hint(format!("its log: {}", wire::log_path(&spec.lab).display())),
            );
        }
        if wire::stats(&spec.lab).is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    Ok(Some(format!(
        "started the wire (pid {pid}): {}",
        describe_wire(&state)
    )))
}

/// `lab-hosts link show --json`: the lab, its topology and its wire (`null` when its
/// links are direct).
#[derive(Debug, Serialize)]
pub struct LinkStatus<'a> {
    pub lab: &'a str,
    pub topology: &'static str,
    pub wire: Option<wire::WireStatus>,
}

/// The wire's settings in one line: `brooklyn -> midwood: delay 50ms; midwood -> ...`.
fn describe_wire(state: &WireState) -> String {
    let [a, b] = &state.ports;
    format!(
        "{} -> {}: {}; {} -> {}: {}",
        a.host,
        b.host,
        a.impairment.describe(),
        b.host,
        a.host,
        b.impairment.describe()
    )
}

/// What `down` did.
#[derive(Debug, Default)]
pub struct DownReport {
    /// Everything removed, one line each; empty when no lab was up.
    pub removed: Vec<String>,
    /// Processes still running inside removed namespaces (netns, pid, command): the
    /// namespace lives on until they exit, and `down` kills nothing it did not start.
    pub still_running: Vec<(String, u32, String)>,
}

/// Removes every namespace, link and /etc/netns entry the lab's record names.
pub fn down(lab: &str) -> Result<DownReport> {
    require_privileges("lab-hosts down")?;
    let mut report = DownReport::default();
    let Some(record) = load(lab)? else {
        return Ok(report);
    };
    // The lab's own wire process goes first (checked to be it, by its recorded id).
    if let Ok(Some(state)) = wire::load(lab) {
        wire::stop(&state);
        if let Some(pid) = state.pid {
            report.removed.push(format!("the wire process (pid {pid})"));
        }
        for path in [
            wire::state_path(lab),
            wire::stats_path(lab),
            wire::log_path(lab),
        ] {
            if fs::remove_file(&path).is_ok() {
                report.removed.push(format!("{}", path.display()));
            }
        }
        // Another lab's wire may still keep its files there.
        if fs::remove_dir(wire::STATE_DIR).is_ok() {
            report.removed.push(wire::STATE_DIR.to_string());
        }
    }
    for ns in record.spec.namespaces() {
        for (pid, command) in netns::processes_in(ns) {
            report.still_running.push((ns.to_string(), pid, command));
        }
        if netns::path(ns).exists() {
            // The veth pairs and the bridge go with their namespaces.
            netns::delete(ns)?;
            report.removed.push(format!("network namespace {ns}"));
        }
    }
    for host in &record.spec.hosts {
        let etc = Path::new(netns::ETC_DIR).join(&host.netns);
        for file in ["hosts", "hostname"] {
            if fs::remove_file(etc.join(file)).is_ok() {
                report.removed.push(format!("{}", etc.join(file).display()));
            }
        }
        // Leave the directory if somebody else put files there.
        if fs::remove_dir(&etc).is_ok() {
            report.removed.push(format!("{}", etc.display()));
        }
    }
    let path = record_path(lab);
    fs::remove_file(&path).context(|| format!("removing {}", path.display()))?;
    report.removed.push(format!("{}", path.display()));
    Ok(report)
}

/// The live state of one lab host, read from its namespace.
#[derive(Debug, Clone)]
pub struct HostStatus {
    pub hostname: String,
    pub netns: String,
    /// Every NIC of the host; `None` when its namespace is missing.
    pub nics: Option<NicTable>,
}

impl HostStatus {
    /// The host's lab NIC, when present.
    pub fn nic(&self) -> Option<&Nic> {
        self.nics.as_ref()?.find(HOST_NIC)
    }
}

/// The live state of a lab.
#[derive(Debug, Clone)]
pub struct LabStatus {
    pub lab: String,
    pub subnet4: Ipv4Net,
    pub subnet6: Ipv6Net,
    /// The router topology's second subnets (midwood's side).
    pub far_subnets: Option<(Ipv4Net, Ipv6Net)>,
    pub topology: &'static str,
    pub hosts: Vec<HostStatus>,
    /// The pair's wire, when its link goes through one.
    pub wire: Option<wire::WireStatus>,
}

impl LabStatus {
    /// The status as one JSON document; each host's NIC in `ip -j address show` form.
    pub fn to_json(&self) -> serde_json::Value {
        let hosts: Vec<serde_json::Value> = self
            .hosts
            .iter()
            .map(|host| {
                let nic = match (&host.nics, host.nic()) {
                    (Some(table), Some(nic)) => serde_json::to_value(nics::json::NicJson {
                        table,
                        nic,
                        options: &Default::default(),
                    })
                    .unwrap_or_default(),
                    _ => serde_json::Value::Null,
                };
                serde_json::json!({
                    "hostname": host.hostname,
                    "netns": host.netns,
                    "present": host.nics.is_some(),
                    "nic": nic,
                })
            })
            .collect();
        serde_json::json!({
            "lab": self.lab,
            "subnet4": self.subnet4.to_string(),
            "subnet6": self.subnet6.to_string(),
            "far_subnet4": self.far_subnets.map(|(v4, _)| v4.to_string()),
            "far_subnet6": self.far_subnets.map(|(_, v6)| v6.to_string()),
            "topology": self.topology,
            "hosts": hosts,
            "wire": self.wire,
        })
    }
}

/// Reads the live state of every host of a lab; `None` when the lab is not up.
pub fn status(lab: &str) -> Result<Option<LabStatus>> {
    require_privileges("lab-hosts status")?;
    let Some(record) = load(lab)? else {
        return Ok(None);
    };
    let mut hosts = Vec::new();
    for host in &record.spec.hosts {
        let nics = if netns::exists(&host.netns) {
            Some(nics::read_in(
                Some(&netns::open(&host.netns)?),
                nics::LinkDump::Full,
                false,
            )?)
        } else {
            None
        };
        hosts.push(HostStatus {
            hostname: host.hostname.clone(),
            netns: host.netns.clone(),
            nics,
        });
    }
    Ok(Some(LabStatus {
        lab: record.spec.lab.clone(),
        subnet4: record.spec.subnet4,
        subnet6: record.spec.subnet6,
        far_subnets: record.spec.far_subnets(),
        topology: match (record.spec.topology, &record.spec.wire) {
            (Topology::Router, _) => "router",
            (Topology::Switch, _) => "bridge",
            (Topology::Pair, Some(_)) => "pair through the lab's wire",
            (Topology::Pair, None) => "veth pair",
        },
        hosts,
        wire: wire::status(lab)?,
    }))
}

/// One ping of `lab-hosts pingall`: from a host to another host's address.
#[derive(Debug, Clone)]
pub struct Reach {
    pub from: String,
    pub to: String,
    pub address: IpAddr,
    /// The round trip, or `None` when no reply came.
    pub rtt: Option<std::time::Duration>,
}

/// Pings every host from every other host (mininet's pingall), over IPv4 or IPv6, each
/// ping waiting up to `timeout`. A router is pinged at the address on the pinger's side.
pub fn pingall(spec: &LabSpec, v6: bool, timeout: std::time::Duration) -> Result<Vec<Reach>> {
    require_privileges("lab-hosts pingall")?;
    let mut out = Vec::new();
    for from in &spec.hosts {
        let namespace = netns::open(&from.netns)?;
        for to in spec.hosts.iter().filter(|h| h.hostname != from.hostname) {
            let mut address = if v6 {
                IpAddr::V6(to.ipv6)
            } else {
                IpAddr::V4(to.ipv4)
            };
            // The router's near address: the one on the pinger's subnet.
            if let (Some(far), Some((_, far6))) = (&to.eth1, spec.far_subnets()) {
                if from.gateway.is_some_and(|(g4, _)| g4 == far.ipv4) || far6.contains(&from.ipv6) {
                    address = if v6 {
                        IpAddr::V6(far.ipv6)
                    } else {
                        IpAddr::V4(far.ipv4)
                    };
                }
            }
            let rtt = crate::ping::echo(&namespace, address, timeout)?;
            out.push(Reach {
                from: from.hostname.clone(),
                to: to.hostname.clone(),
                address,
                rtt,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(names: &[&str]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|n| (n.to_string(), n.to_string()))
            .collect()
    }

    fn handout_spec() -> LabSpec {
        LabSpec::plan(
            "labnet",
            &pairs(&DEFAULT_HOSTS),
            DEFAULT_SUBNET4,
            DEFAULT_SUBNET6,
        )
        .unwrap()
    }

    #[test]
    fn handout_hosts_get_virtualbox_style_addresses() {
        let spec = handout_spec();
        let brooklyn = &spec.hosts[0];
        assert_eq!(brooklyn.ipv4, Ipv4Addr::new(192, 168, 56, 101));
        assert_eq!(brooklyn.ipv6, "fd00:56::101".parse::<Ipv6Addr>().unwrap());
        assert_eq!(brooklyn.mac, "08:00:27:a8:38:65");
        assert_eq!(spec.hosts[1].ipv4, Ipv4Addr::new(192, 168, 56, 102));
        assert_eq!(
            spec.hosts[1].ipv6,
            "fd00:56::102".parse::<Ipv6Addr>().unwrap()
        );
        assert_eq!(spec.switch, None, "two hosts are joined by a veth pair");
    }

    #[test]
    fn three_hosts_get_a_switch() {
        let spec = LabSpec::plan(
            "lab",
            &pairs(&["a", "b", "c"]),
            "10.9.0.0/24",
            DEFAULT_SUBNET6,
        )
        .unwrap();
        assert_eq!(spec.switch.as_deref(), Some("lab-switch"));
        assert_eq!(
            spec.namespaces().collect::<Vec<_>>(),
            ["a", "b", "c", "lab-switch"]
        );
        assert_eq!(spec.hosts[2].ipv4, Ipv4Addr::new(10, 9, 0, 103));
    }

    #[test]
    fn hosts_file_names_every_host_in_both_families() {
        let spec = handout_spec();
        let text = spec.hosts_file();
        assert!(text.contains("192.168.56.102\tmidwood\n"), "{text}");
        assert!(text.contains("fd00:56::101\tbrooklyn6\n"), "{text}");
        assert_eq!(
            crate::resolve::in_hosts_file(&text, "brooklyn"),
            ["192.168.56.101".parse::<std::net::IpAddr>().unwrap()],
            "the host's own name is IPv4 only"
        );
        assert!(text.contains("127.0.0.1\tlocalhost\n"), "{text}");
    }

    #[test]
    fn bad_plans_are_usage_errors() {
        let two = pairs(&DEFAULT_HOSTS);
        for (hosts, subnet) in [
            (pairs(&["solo"]), DEFAULT_SUBNET4),
            (two.clone(), "192.168.56.0/26"),
            (two.clone(), "not-a-subnet"),
            (pairs(&["brooklyn", "brooklyn"]), DEFAULT_SUBNET4),
            (pairs(&["brook lyn", "midwood"]), DEFAULT_SUBNET4),
            (pairs(&["-x", "midwood"]), DEFAULT_SUBNET4),
        ] {
            let err = LabSpec::plan("labnet", &hosts, subnet, DEFAULT_SUBNET6).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{hosts:?} {subnet}: {err}");
        }
        // A /25 still has room for .101 and .102.
        assert!(LabSpec::plan("labnet", &two, "192.168.56.0/25", DEFAULT_SUBNET6).is_ok());
    }

    #[test]
    fn subnet_given_with_host_bits_is_truncated() {
        let spec = LabSpec::plan(
            "labnet",
            &pairs(&DEFAULT_HOSTS),
            "192.168.56.7/24",
            DEFAULT_SUBNET6,
        )
        .unwrap();
        assert_eq!(spec.subnet4.to_string(), "192.168.56.0/24");
        assert_eq!(spec.hosts[0].ipv4, Ipv4Addr::new(192, 168, 56, 101));
    }
}
