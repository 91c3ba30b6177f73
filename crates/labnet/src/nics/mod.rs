//! Network interfaces (NICs, real or virtual) and their addresses, read from the kernel
//! with rtnetlink dumps (RTM_GETLINK, RTM_GETADDR) in whatever network namespace the
//! socket lives in; printed as `ip address show` ([`text`]) and `ip -j address show`
//! ([`json`]) print them.
//!
//! The messages are parsed by `netlink-packet-route`; what is kept here is the raw
//! values (flag bits, scope numbers, ARPHRD types) so that the printers can reproduce
//! iproute2's names exactly. Crates built on getifaddrs(3) cannot give MTU, qdisc,
//! operational state, scope or lifetimes, so they do not serve.

pub mod json;
pub mod names;
pub mod text;

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::net::IpAddr;
use std::os::fd::AsRawFd;

use netlink_packet_route::address::{AddressAttribute, AddressMessage};
use netlink_packet_route::link::{LinkAttribute, LinkExtentMask, LinkMessage, Prop};
use netlink_packet_route::nsid::{NsidAttribute, NsidMessage};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};

use crate::addr::format_mac;
use crate::error::Result;
use crate::netlink::RouteSocket;
use crate::netns;

/// IFF_* link flags (linux/if.h), kept raw so printers can name them as iproute2 does.
pub mod iff {
    pub const UP: u32 = 0x1;
    pub const LOOPBACK: u32 = 0x8;
    pub const RUNNING: u32 = 0x40;
}

/// Operational states (IF_OPER_*), indexed as the kernel numbers them.
const OPER_STATES: [&str; 7] = [
    "UNKNOWN",
    "NOTPRESENT",
    "DOWN",
    "LOWERLAYERDOWN",
    "TESTING",
    "DORMANT",
    "UP",
];

/// One network interface with its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nic {
    pub index: u32,
    pub name: String,
    /// IFF_* bits.
    pub flags: u32,
    pub mtu: Option<u32>,
    pub qdisc: Option<String>,
    /// Index of the bridge or bond this NIC is a port of.
    pub master: Option<u32>,
    /// IFLA_LINK: the lower or peer device (a veth's other end, a macvlan's parent).
    pub link: Option<u32>,
    /// Set when `link` lives in another network namespace.
    pub link_netnsid: Option<i32>,
    /// IF_OPER_* state.
    pub operstate: Option<u8>,
    pub group: Option<u32>,
    pub txqlen: Option<u32>,
    /// ARPHRD_* link type.
    pub link_type: u16,
    pub address: Option<Vec<u8>>,
    pub broadcast: Option<Vec<u8>>,
    pub altnames: Vec<String>,
    pub stats: Option<LinkStats>,
    pub addresses: Vec<NicAddress>,
}

/// The counters `ip -s` shows (from IFLA_STATS64).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkStats {
    pub rx_bytes: u64,
    pub rx_packets: u64,
    pub rx_errors: u64,
    pub rx_dropped: u64,
    pub rx_over_errors: u64,
    pub rx_missed_errors: u64,
    pub multicast: u64,
    pub tx_bytes: u64,
    pub tx_packets: u64,
    pub tx_errors: u64,
    pub tx_dropped: u64,
    pub tx_carrier_errors: u64,
    pub collisions: u64,
}

/// One address of a NIC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicAddress {
    /// AF_INET (2) or AF_INET6 (10).
    pub family: u8,
    pub prefix_len: u8,
    /// RT_SCOPE_* (0 global, 253 link, 254 host).
    pub scope: u8,
    /// IFA_F_* bits.
    pub flags: u32,
    /// IFA_LOCAL, or IFA_ADDRESS where there is no IFA_LOCAL: the NIC's own address.
    pub local: Option<IpAddr>,
    /// IFA_ADDRESS: the peer on point-to-point links, else the same as `local`.
    pub address: Option<IpAddr>,
    pub broadcast: Option<IpAddr>,
    pub anycast: Option<IpAddr>,
    pub label: Option<String>,
    /// Lifetimes in seconds; u32::MAX is forever.
    pub valid_lft: Option<u32>,
    pub preferred_lft: Option<u32>,
}

pub const AF_INET: u8 = 2;
pub const AF_INET6: u8 = 10;

impl Nic {
    /// The link-layer address as `08:00:27:56:00:65`, when the NIC has one.
    pub fn mac(&self) -> Option<String> {
        self.address.as_deref().map(format_mac)
    }

    /// The operational state as `ip` names it.
    pub fn operstate_name(&self) -> String {
        match self.operstate {
            Some(state) => OPER_STATES
                .get(usize::from(state))
                .map_or_else(|| format!("{state:#x}"), |s| s.to_string()),
            None => "UNKNOWN".into(),
        }
    }

    pub fn is_up(&self) -> bool {
        self.flags & iff::UP != 0
    }

    pub fn is_loopback(&self) -> bool {
        self.flags & iff::LOOPBACK != 0
    }
}

/// Every NIC of a namespace, as one consistent snapshot.
#[derive(Debug, Clone)]
pub struct NicTable {
    /// In the kernel's order (by index), as `ip` prints them.
    pub nics: Vec<Nic>,
    /// Names of the namespaces that `link_netnsid` values refer to, where known.
    pub netns_names: HashMap<i32, String>,
}

impl NicTable {
    pub fn find(&self, name: &str) -> Option<&Nic> {
        self.nics
            .iter()
            .find(|n| n.name == name || n.altnames.iter().any(|a| a == name))
    }

    pub fn by_index(&self, index: u32) -> Option<&Nic> {
        self.nics.iter().find(|n| n.index == index)
    }

    /// What a NIC's IFLA_LINK points at, resolved as `ip` resolves it.
    pub fn lower(&self, nic: &Nic) -> Option<Lower<'_>> {
        Some(match (nic.link?, nic.link_netnsid) {
            (0, _) => Lower::None,
            (index, Some(_)) => Lower::OtherNetns(index),
            (index, None) => match self.by_index(index) {
                Some(lower) => Lower::Local {
                    name: &lower.name,
                    down: !lower.is_up(),
                },
                // An index with no device here counts as down, as in iproute2.
                None => Lower::Unknown(index),
            },
        })
    }
}

/// The device under a NIC (`eth0@if2`, `mv0@va`, `tun0@NONE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lower<'a> {
    /// IFLA_LINK is 0.
    None,
    /// The index is in another namespace (a veth whose peer is in another lab host).
    OtherNetns(u32),
    /// A device of this namespace, and whether it is down (`M-DOWN`).
    Local { name: &'a str, down: bool },
    /// An index that no device here has.
    Unknown(u32),
}

impl Lower<'_> {
    /// Whether `ip` marks the NIC `M-DOWN`.
    pub fn is_down(&self) -> bool {
        matches!(self, Lower::Local { down: true, .. } | Lower::Unknown(_))
    }
}

/// Which link dump to ask the kernel for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LinkDump {
    /// Every attribute of every link (AF_UNSPEC), as `ip address show`.
    #[default]
    Full,
    /// The IPv6 view of the links (AF_INET6), which `ip -6 address show` asks for: the
    /// kernel then leaves out qdisc, master, group, altnames and the peer namespace.
    Inet6,
}

/// Reads every NIC and address visible to `socket`, without counters.
pub fn read(socket: &mut RouteSocket) -> Result<NicTable> {
    read_with(socket, LinkDump::Full, false)
}

/// Reads every NIC and address visible to `socket`, with the given link dump; the
/// counters only when `stats` (the kernel skips gathering them otherwise, as for ip).
pub fn read_with(socket: &mut RouteSocket, dump: LinkDump, stats: bool) -> Result<NicTable> {
    let mut nics = dump_links(socket, AddressFamily::Unspec, stats)?;
    if dump == LinkDump::Inet6 {
        // The IPv6 view has no queue length; iproute2 then asks with an ioctl, which
        // gives the same number as the full dump.
        let queue_lengths: HashMap<u32, Option<u32>> =
            nics.iter().map(|n| (n.index, n.txqlen)).collect();
        nics = dump_links(socket, AddressFamily::Inet6, stats)?;
        for nic in &mut nics {
            nic.txqlen = queue_lengths.get(&nic.index).copied().flatten();
        }
    }
    let positions: HashMap<u32, usize> =
        nics.iter().enumerate().map(|(i, n)| (n.index, i)).collect();
    socket.dump_each(
        RouteNetlinkMessage::GetAddress(AddressMessage::default()),
        "listing addresses",
        |message| {
            if let RouteNetlinkMessage::NewAddress(address) = message {
                if let Some(&at) = positions.get(&address.header.index) {
                    nics[at].addresses.push(address_from(address));
                }
            }
        },
    )?;
    let netns_names = if nics
        .iter()
        .any(|n| n.link_netnsid.is_some_and(|id| id >= 0))
    {
        netns_names_by_id(socket)
    } else {
        HashMap::new()
    };
    Ok(NicTable { nics, netns_names })
}

/// The IP addresses of this namespace's NICs (an address dump alone, no links): what
/// a packet's end must be to be this host's. Empty when they cannot be read.
pub fn local_ips() -> HashSet<IpAddr> {
    let mut ips = HashSet::new();
    let Ok(mut socket) = RouteSocket::open() else {
        return ips;
    };
    let _ = socket.dump_each(
        RouteNetlinkMessage::GetAddress(AddressMessage::default()),
        "listing addresses",
        |message| {
            if let RouteNetlinkMessage::NewAddress(message) = message {
                ips.extend(address_from(message).local);
            }
        },
    );
    ips
}

/// Every NIC of this namespace in index order, links only (no addresses, no
/// counters): what live capture needs to pick and check an interface.
pub fn links() -> Result<Vec<Nic>> {
    let mut nics = dump_links(&mut RouteSocket::open()?, AddressFamily::Unspec, false)?;
    nics.sort_by_key(|nic| nic.index);
    Ok(nics)
}

/// One NIC by name, from a dump of the links only (no addresses, no counters): what
/// code that configures links needs, cheaply.
pub fn find(socket: &mut RouteSocket, name: &str) -> Result<Option<Nic>> {
    Ok(dump_links(socket, AddressFamily::Unspec, false)?
        .into_iter()
        .find(|nic| nic.name == name))
}

fn dump_links(socket: &mut RouteSocket, family: AddressFamily, stats: bool) -> Result<Vec<Nic>> {
    let mut request = LinkMessage::default();
    request.header.interface_family = family;
    if !stats {
        request
            .attributes
            .push(LinkAttribute::ExtMask(vec![LinkExtentMask::SkipStats]));
    }
    let mut nics = Vec::new();
    socket.dump_each(
        RouteNetlinkMessage::GetLink(request),
        "listing network interfaces",
        |message| {
            if let RouteNetlinkMessage::NewLink(link) = message {
                nics.push(nic_from(link));
            }
        },
    )?;
    Ok(nics)
}

/// Reads the NICs of an opened network namespace (see `lab::open_netns`), or of our
/// own namespace when `None`.
pub fn read_in(namespace: Option<&File>, dump: LinkDump, stats: bool) -> Result<NicTable> {
    match namespace {
        None => read_with(&mut RouteSocket::open()?, dump, stats),
        Some(namespace) => {
            // Only the socket is made inside the namespace (it stays bound there); the
            // reading happens on this thread, whose allocator arena is already warm.
            let mut socket = netns::run_in(namespace, RouteSocket::open)?;
            read_with(&mut socket, dump, stats)
        }
    }
}

/// Maps the namespace ids that this namespace assigned to the named namespaces under
/// /run/netns, so a veth's peer can be shown as `link-netns midwood` like `ip` does.
fn netns_names_by_id(socket: &mut RouteSocket) -> HashMap<i32, String> {
    let mut names = HashMap::new();
    let Ok(entries) = std::fs::read_dir(netns::RUN_DIR) else {
        return names;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(file) = netns::open(&name) else {
            continue;
        };
        let mut message = NsidMessage::default();
        message.header.family = AddressFamily::Unspec;
        message
            .attributes
            .push(NsidAttribute::Fd(file.as_raw_fd() as u32));
        let Ok(answers) = socket.request(
            RouteNetlinkMessage::GetNsId(message),
            0,
            "reading a namespace id",
        ) else {
            continue;
        };
        for answer in answers {
            if let RouteNetlinkMessage::NewNsId(reply) = answer {
                for attribute in reply.attributes {
                    if let NsidAttribute::Id(id) = attribute {
                        if id >= 0 {
                            names.insert(id, name.clone());
                        }
                    }
                }
            }
        }
    }
    names
}

fn nic_from(message: LinkMessage) -> Nic {
    let mut nic = Nic {
        index: message.header.index,
        name: String::new(),
        flags: message.header.flags.bits(),
        mtu: None,
        qdisc: None,
        master: None,
        link: None,
        link_netnsid: None,
        operstate: None,
        group: None,
        txqlen: None,
        link_type: message.header.link_layer_type.into(),
        address: None,
        broadcast: None,
        altnames: Vec::new(),
        stats: None,
        addresses: Vec::new(),
    };
    for attribute in message.attributes {
        match attribute {
            LinkAttribute::IfName(name) => nic.name = name,
            LinkAttribute::Mtu(mtu) => nic.mtu = Some(mtu),
            LinkAttribute::Qdisc(qdisc) => nic.qdisc = Some(qdisc),
            LinkAttribute::Controller(master) => nic.master = Some(master),
            LinkAttribute::Link(link) => nic.link = Some(link),
            LinkAttribute::LinkNetNsId(id) => nic.link_netnsid = Some(id),
            LinkAttribute::OperState(state) => nic.operstate = Some(state.into()),
            LinkAttribute::Group(group) => nic.group = Some(group),
            LinkAttribute::TxQueueLen(len) => nic.txqlen = Some(len),
            LinkAttribute::Address(bytes) => nic.address = Some(bytes),
            LinkAttribute::Broadcast(bytes) => nic.broadcast = Some(bytes),
            LinkAttribute::PropList(props) => {
                nic.altnames
                    .extend(props.into_iter().filter_map(|p| match p {
                        Prop::AltIfName(name) => Some(name),
                        _ => None,
                    }))
            }
            LinkAttribute::Stats64(s) => {
                nic.stats = Some(LinkStats {
                    rx_bytes: s.rx_bytes,
                    rx_packets: s.rx_packets,
                    rx_errors: s.rx_errors,
                    rx_dropped: s.rx_dropped,
                    rx_over_errors: s.rx_over_errors,
                    rx_missed_errors: s.rx_missed_errors,
                    multicast: s.multicast,
                    tx_bytes: s.tx_bytes,
                    tx_packets: s.tx_packets,
                    tx_errors: s.tx_errors,
                    tx_dropped: s.tx_dropped,
                    tx_carrier_errors: s.tx_carrier_errors,
                    collisions: s.collisions,
                })
            }
            _ => {}
        }
    }
    nic
}

fn address_from(message: AddressMessage) -> NicAddress {
    let mut address = NicAddress {
        family: message.header.family.into(),
        prefix_len: message.header.prefix_len,
        scope: message.header.scope.into(),
        flags: u32::from(message.header.flags.bits()),
        local: None,
        address: None,
        broadcast: None,
        anycast: None,
        label: None,
        valid_lft: None,
        preferred_lft: None,
    };
    for attribute in message.attributes {
        match attribute {
            AddressAttribute::Local(ip) => address.local = Some(ip),
            AddressAttribute::Address(ip) => address.address = Some(ip),
            AddressAttribute::Broadcast(ip) => address.broadcast = Some(IpAddr::V4(ip)),
            AddressAttribute::Anycast(ip) => address.anycast = Some(IpAddr::V6(ip)),
            AddressAttribute::Label(label) => address.label = Some(label),
            // IFA_FLAGS holds all 32 bits; the header only the low 8.
            AddressAttribute::Flags(flags) => address.flags = flags.bits(),
            AddressAttribute::CacheInfo(info) => {
                address.valid_lft = Some(info.ifa_valid);
                address.preferred_lft = Some(info.ifa_preferred);
            }
            _ => {}
        }
    }
    // As iproute2: either attribute stands in for the other when one is missing.
    address.local = address.local.or(address.address);
    address.address = address.address.or(address.local);
    address
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_ips_are_the_addresses_of_the_nics() {
        let table = read_in(None, LinkDump::Full, false).unwrap();
        let listed: HashSet<IpAddr> = table
            .nics
            .iter()
            .flat_map(|n| n.addresses.iter().filter_map(|a| a.local))
            .collect();
        assert!(listed.contains(&IpAddr::from([127, 0, 0, 1])), "{listed:?}");
        assert_eq!(local_ips(), listed);
    }

    #[test]
    fn loopback_is_read_with_its_addresses() {
        // Every network namespace has lo; reading it needs no privilege.
        let table = read(&mut RouteSocket::open().unwrap()).unwrap();
        let lo = table.find("lo").expect("lo is listed");
        assert_eq!(lo.index, 1);
        assert!(lo.is_loopback() && lo.is_up());
        assert_eq!(lo.mac().as_deref(), Some("00:00:00:00:00:00"));
        let v4 = lo
            .addresses
            .iter()
            .find(|a| a.family == AF_INET)
            .expect("127.0.0.1");
        assert_eq!(v4.local, Some(IpAddr::from([127, 0, 0, 1])));
        assert_eq!((v4.prefix_len, v4.scope), (8, 254));
        assert_eq!(v4.label.as_deref(), Some("lo"));
        assert_eq!(v4.valid_lft, Some(u32::MAX));
    }
}
