//! The two-host lab of the handout (brooklyn and midwood, once VirtualBox VMs) as
//! network namespaces on one Linux machine.
//!
//! Each lab host is a named network namespace (see [`crate::netns`]) with `lo` up and
//! one NIC, `eth0`. Two hosts are joined by a veth pair; three or more hosts each get a
//! veth into a bridge (`br0`) that lives in a namespace of its own, `LAB-switch`, so
//! nothing of the lab touches the machine's own interfaces. Addresses count up from
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

/// What a lab consists of: recorded at `up`, the source of truth for `down`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabSpec {
    pub lab: String,
    pub subnet4: Ipv4Net,
    pub subnet6: Ipv6Net,
    pub hosts: Vec<HostSpec>,
    /// The switch namespace holding the bridge, for three or more hosts.
    pub switch: Option<String>,
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
}

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
            planned.push(HostSpec {
                hostname: hostname.clone(),
                netns: netns.clone(),
                ipv4,
                ipv6,
                mac,
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
            switch,
        })
    }

    /// Every namespace of the lab: hosts first, then the switch.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.hosts
            .iter()
            .map(|h| h.netns.as_str())
            .chain(self.switch.as_deref())
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
        let mut socket = netns::run_in(&handle, RouteSocket::open)?;
        if set_up(&mut socket, "lo")? {
            report.changes.push(format!("{ns}: lo up"));
        }
        handles.insert(ns.to_string(), (handle, socket));
    }
    let mut root = RouteSocket::open()?;
    match &spec.switch {
        None => {
            let (a, b) = (&spec.hosts[0], &spec.hosts[1]);
            let end_a = VethEnd {
                netns: &a.netns,
                name: HOST_NIC,
                mac: Some(&a.mac),
            };
            let end_b = VethEnd {
                netns: &b.netns,
                name: HOST_NIC,
                mac: Some(&b.mac),
            };
            ensure_veth(&mut root, &mut handles, &end_a, &end_b, &mut report)?;
        }
        Some(switch) => {
            ensure_bridge(&mut handles, switch, &mut report)?;
            for (i, host) in spec.hosts.iter().enumerate() {
                let port = format!("port{}", i + 1);
                let end_host = VethEnd {
                    netns: &host.netns,
                    name: HOST_NIC,
                    mac: Some(&host.mac),
                };
                let end_switch = VethEnd {
                    netns: switch,
                    name: &port,
                    mac: None,
                };
                ensure_veth(&mut root, &mut handles, &end_host, &end_switch, &mut report)?;
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
        let ipv4 = (IpAddr::V4(host.ipv4), spec.prefix4());
        let ipv6 = (IpAddr::V6(host.ipv6), spec.subnet6.prefix_len());
        for (address, prefix_len) in [ipv4, ipv6] {
            if add_address(
                socket,
                HOST_NIC,
                address,
                prefix_len,
                spec.subnet4.broadcast(),
            )? {
                report
                    .changes
                    .push(format!("{}: {HOST_NIC} {address}/{prefix_len}", host.netns));
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
    match socket.change(
        RouteNetlinkMessage::NewAddress(message),
        NLM_F_CREATE | NLM_F_EXCL,
        &format!("adding {address}/{prefix_len} to {link_name}"),
    ) {
        Ok(()) => Ok(true),
        Err(e) if netlink::errno(&e) == Some(libc::EEXIST) => Ok(false),
        Err(e) => Err(e),
    }
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
    pub topology: &'static str,
    pub hosts: Vec<HostStatus>,
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
            "topology": self.topology,
            "hosts": hosts,
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
        topology: if record.spec.switch.is_some() {
            "bridge"
        } else {
            "veth pair"
        },
        hosts,
    }))
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
