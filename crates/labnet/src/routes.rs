//! The internet layer's two tables, read from the kernel by netlink: the routes of the
//! main table (where a packet to X goes: which interface, which next hop) and the
//! neighbours (the ARP and neighbour-discovery cache: which MAC an IP address is at),
//! printed as `ip route show` and `ip neigh show` print them, text and `-j` JSON, with
//! `--layers` saying what each entry means for a packet. The printing is iproute2's
//! (its iproute.c and ipneigh.c formats), which no crate prints; the tests hold it to
//! `ip` byte for byte in the lab.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs::File;
use std::net::IpAddr;

use netlink_packet_route::neighbour::{
    NeighbourAddress, NeighbourAttribute, NeighbourFlags, NeighbourMessage,
};
use netlink_packet_route::route::{
    RouteAddress, RouteAttribute, RouteFlags, RouteMessage, RoutePreference,
};
use netlink_packet_route::{AddressFamily, RouteNetlinkMessage};
use serde_json::{json, Map, Value};

use crate::addr::format_mac;
use crate::error::Result;
use crate::netlink::RouteSocket;
use crate::netns;

/// One route of the main table, as the kernel holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub ipv6: bool,
    /// `rtm_type`: 1 unicast, 6 blackhole, ...
    pub kind: u8,
    /// `None`: the default route.
    pub destination: Option<(IpAddr, u8)>,
    pub gateway: Option<IpAddr>,
    pub device: Option<String>,
    pub protocol: u8,
    pub scope: u8,
    pub source: Option<IpAddr>,
    pub metric: Option<u32>,
    pub flags: u32,
    /// IPv6: when it expires (seconds), as a router advertisement sets it.
    pub expires: Option<u32>,
    pub preference: Option<u8>,
}

/// One neighbour cache entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour {
    pub address: IpAddr,
    pub device: Option<String>,
    pub lladdr: Option<Vec<u8>>,
    pub router: bool,
    /// NUD_* bits: 0x02 REACHABLE, 0x04 STALE, 0x20 FAILED, ...
    pub state: u16,
}

const RTN_UNICAST: u8 = 1;
const RTPROT_BOOT: u8 = 3;
const RT_SCOPE_UNIVERSE: u8 = 0;
const RT_TABLE_MAIN: u32 = 254;
/// USER_HZ: the kernel reports an IPv6 route's expiry in these ticks.
const USER_HZ: u32 = 100;

/// Reads the main table's routes of one family (and the neighbours of both), in the
/// current namespace or an opened one.
pub fn read_routes(namespace: Option<&File>, ipv6: bool) -> Result<Vec<Route>> {
    let mut socket = open(namespace)?;
    let names = device_names(&mut socket)?;
    let mut request = RouteMessage::default();
    request.header.address_family = if ipv6 {
        AddressFamily::Inet6
    } else {
        AddressFamily::Inet
    };
    let mut routes = Vec::new();
    socket.dump_each(
        RouteNetlinkMessage::GetRoute(request),
        "listing routes",
        |message| {
            if let RouteNetlinkMessage::NewRoute(message) = message {
                if let Some(route) = route_from(message, &names) {
                    routes.push(route);
                }
            }
        },
    )?;
    Ok(routes)
}

pub fn read_neighbours(namespace: Option<&File>) -> Result<Vec<Neighbour>> {
    let mut socket = open(namespace)?;
    let names = device_names(&mut socket)?;
    let mut neighbours = Vec::new();
    socket.dump_each(
        RouteNetlinkMessage::GetNeighbour(NeighbourMessage::default()),
        "listing the neighbour (ARP/ND) cache",
        |message| {
            if let RouteNetlinkMessage::NewNeighbour(message) = message {
                if let Some(neighbour) = neighbour_from(message, &names) {
                    neighbours.push(neighbour);
                }
            }
        },
    )?;
    Ok(neighbours)
}

/// One table entry, ready for each output: its `ip` line, its `ip -j` object, and what
/// it means (`--layers`).
pub struct Entry {
    pub line: String,
    pub json: Value,
    pub meaning: String,
}

/// The routes of one family, as entries.
pub fn route_entries(namespace: Option<&File>, ipv6: bool) -> Result<Vec<Entry>> {
    Ok(read_routes(namespace, ipv6)?
        .iter()
        .map(|route| Entry {
            line: route_line(route),
            json: route_json(route),
            meaning: route_meaning(route),
        })
        .collect())
}

/// The neighbours, of one family (`Some(true)`: IPv6) or both, as entries.
pub fn neighbour_entries(namespace: Option<&File>, ipv6: Option<bool>) -> Result<Vec<Entry>> {
    Ok(read_neighbours(namespace)?
        .iter()
        .filter(|n| ipv6.is_none_or(|v6| n.address.is_ipv6() == v6))
        .map(|neighbour| Entry {
            line: neighbour_line(neighbour),
            json: neighbour_json(neighbour),
            meaning: neighbour_meaning(neighbour),
        })
        .collect())
}

/// The `ip -j` document of a table: an array of its objects.
pub fn json_document(entries: &[Entry]) -> Vec<&Value> {
    entries.iter().map(|entry| &entry.json).collect()
}

fn open(namespace: Option<&File>) -> Result<RouteSocket> {
    match namespace {
        None => RouteSocket::open(),
        Some(namespace) => netns::run_in(namespace, RouteSocket::open),
    }
}

fn device_names(socket: &mut RouteSocket) -> Result<HashMap<u32, String>> {
    let table = crate::nics::read_with(socket, crate::nics::LinkDump::Full, false)?;
    Ok(table.nics.into_iter().map(|n| (n.index, n.name)).collect())
}

fn ip(address: &RouteAddress) -> Option<IpAddr> {
    match address {
        RouteAddress::Inet(v4) => Some(IpAddr::V4(*v4)),
        RouteAddress::Inet6(v6) => Some(IpAddr::V6(*v6)),
        _ => None,
    }
}

fn route_from(message: RouteMessage, names: &HashMap<u32, String>) -> Option<Route> {
    let header = &message.header;
    let mut table = u32::from(header.table);
    let mut route = Route {
        ipv6: header.address_family == AddressFamily::Inet6,
        kind: header.kind.into(),
        destination: None,
        gateway: None,
        device: None,
        protocol: header.protocol.into(),
        scope: header.scope.into(),
        source: None,
        metric: None,
        flags: header.flags.bits(),
        expires: None,
        preference: None,
    };
    let prefix = header.destination_prefix_length;
    for attribute in &message.attributes {
        match attribute {
            RouteAttribute::Table(id) => table = *id,
            RouteAttribute::Destination(address) => {
                route.destination = ip(address).map(|a| (a, prefix));
            }
            RouteAttribute::Gateway(address) => route.gateway = ip(address),
            RouteAttribute::Oif(index) => {
                route.device = Some(
                    names
                        .get(index)
                        .cloned()
                        .unwrap_or_else(|| format!("if{index}")),
                );
            }
            RouteAttribute::PrefSource(address) => route.source = ip(address),
            RouteAttribute::Priority(metric) => route.metric = Some(*metric),
            RouteAttribute::CacheInfo(info) if info.expires != 0 => {
                route.expires = Some(info.expires / USER_HZ);
            }
            RouteAttribute::Preference(preference) => {
                route.preference = Some(u8::from(*preference));
            }
            _ => {}
        }
    }
    // `ip route show` is the main table; cloned (cache) entries are not routes.
    (table == RT_TABLE_MAIN && header.flags & RouteFlags::Cloned != RouteFlags::Cloned)
        .then_some(route)
}

fn neighbour_from(message: NeighbourMessage, names: &HashMap<u32, String>) -> Option<Neighbour> {
    let mut address = None;
    let mut lladdr = None;
    for attribute in &message.attributes {
        match attribute {
            NeighbourAttribute::Destination(NeighbourAddress::Inet(v4)) => {
                address = Some(IpAddr::V4(*v4));
            }
            NeighbourAttribute::Destination(NeighbourAddress::Inet6(v6)) => {
                address = Some(IpAddr::V6(*v6));
            }
            NeighbourAttribute::LinkLayerAddress(bytes) => lladdr = Some(bytes.clone()),
            _ => {}
        }
    }
    let header = &message.header;
    let state = u16::from(header.state);
    // `ip neigh show` leaves out entries that are only NOARP (multicast mappings) or
    // have no state, unless proxied or learned from outside.
    let listed = state & 0xff & !NUD_NOARP != 0
        || header.flags.contains(NeighbourFlags::Proxy)
        || header.flags.contains(NeighbourFlags::ExtLearned);
    if !listed {
        return None;
    }
    Some(Neighbour {
        address: address?,
        device: (header.ifindex != 0).then(|| {
            names
                .get(&header.ifindex)
                .cloned()
                .unwrap_or_else(|| format!("if{}", header.ifindex))
        }),
        lladdr,
        router: header.flags.contains(NeighbourFlags::Router),
        state,
    })
}

fn kind_name(kind: u8) -> String {
    match kind {
        0 => "unspec".into(),
        1 => "unicast".into(),
        2 => "local".into(),
        3 => "broadcast".into(),
        4 => "anycast".into(),
        5 => "multicast".into(),
        6 => "blackhole".into(),
        7 => "unreachable".into(),
        8 => "prohibit".into(),
        9 => "throw".into(),
        10 => "nat".into(),
        11 => "xresolve".into(),
        other => other.to_string(),
    }
}

/// iproute2's names of route protocols (its rt_protos table).
fn protocol_name(protocol: u8) -> String {
    match protocol {
        0 => "unspec".into(),
        1 => "redirect".into(),
        2 => "kernel".into(),
        3 => "boot".into(),
        4 => "static".into(),
        8 => "gated".into(),
        9 => "ra".into(),
        10 => "mrt".into(),
        11 => "zebra".into(),
        12 => "bird".into(),
        13 => "dnrouted".into(),
        14 => "xorp".into(),
        15 => "ntk".into(),
        16 => "dhcp".into(),
        17 => "keepalived".into(),
        18 => "babel".into(),
        99 => "openr".into(),
        186 => "bgp".into(),
        187 => "isis".into(),
        188 => "ospf".into(),
        189 => "rip".into(),
        192 => "eigrp".into(),
        other => other.to_string(),
    }
}

fn preference_name(preference: u8) -> String {
    match RoutePreference::from(preference) {
        RoutePreference::Low => "low".into(),
        RoutePreference::Medium => "medium".into(),
        RoutePreference::High => "high".into(),
        _ => preference.to_string(),
    }
}

/// iproute2's words for the flags it prints, in its order.
const ROUTE_FLAGS: [(u32, &str); 10] = [
    (1, "dead"),
    (4, "onlink"),
    (2, "pervasive"),
    (8, "offload"),
    (0x100, "notify"),
    (16, "linkdown"),
    (32, "unresolved"),
    (0x4000, "rt_offload"),
    (0x8000, "rt_trap"),
    (0x2000_0000, "rt_offload_failed"),
];

fn route_flags(flags: u32) -> Vec<&'static str> {
    ROUTE_FLAGS
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

fn destination(route: &Route) -> String {
    match route.destination {
        Some((address, length)) if length == if route.ipv6 { 128 } else { 32 } => {
            address.to_string()
        }
        Some((address, length)) => format!("{address}/{length}"),
        None => "default".into(),
    }
}

/// One route as `ip route show` prints it, ending in a newline.
pub fn route_line(route: &Route) -> String {
    let mut line = String::new();
    if route.kind != RTN_UNICAST {
        let _ = write!(line, "{} ", kind_name(route.kind));
    }
    let _ = write!(line, "{} ", destination(route));
    if let Some(gateway) = route.gateway {
        let _ = write!(line, "via {gateway} ");
    }
    if let Some(device) = &route.device {
        let _ = write!(line, "dev {device} ");
    }
    if route.protocol != RTPROT_BOOT {
        let _ = write!(line, "proto {} ", protocol_name(route.protocol));
    }
    if route.scope != RT_SCOPE_UNIVERSE {
        let _ = write!(line, "scope {} ", crate::nics::names::scope(route.scope));
    }
    if let Some(source) = route.source {
        let _ = write!(line, "src {source} ");
    }
    if let Some(metric) = route.metric {
        let _ = write!(line, "metric {metric} ");
    }
    for flag in route_flags(route.flags) {
        let _ = write!(line, "{flag} ");
    }
    if let Some(expires) = route.expires {
        let _ = write!(line, "expires {expires}sec ");
    }
    if let Some(preference) = route.preference {
        let _ = write!(line, "pref {}", preference_name(preference));
    }
    line.push('\n');
    line
}

/// One route as `ip -j route show` writes it, keys in its order.
pub fn route_json(route: &Route) -> Value {
    let mut object = Map::new();
    if route.kind != RTN_UNICAST {
        object.insert("type".into(), json!(kind_name(route.kind)));
    }
    object.insert("dst".into(), json!(destination(route)));
    if let Some(gateway) = route.gateway {
        object.insert("gateway".into(), json!(gateway.to_string()));
    }
    if let Some(device) = &route.device {
        object.insert("dev".into(), json!(device));
    }
    if route.protocol != RTPROT_BOOT {
        object.insert("protocol".into(), json!(protocol_name(route.protocol)));
    }
    if route.scope != RT_SCOPE_UNIVERSE {
        object.insert(
            "scope".into(),
            json!(crate::nics::names::scope(route.scope)),
        );
    }
    if let Some(source) = route.source {
        object.insert("prefsrc".into(), json!(source.to_string()));
    }
    if let Some(metric) = route.metric {
        object.insert("metric".into(), json!(metric));
    }
    object.insert("flags".into(), json!(route_flags(route.flags)));
    if let Some(expires) = route.expires {
        object.insert("expires".into(), json!(expires));
    }
    if let Some(preference) = route.preference {
        object.insert("pref".into(), json!(preference_name(preference)));
    }
    Value::Object(object)
}

/// What a route means for a packet (`--layers`).
pub fn route_meaning(route: &Route) -> String {
    let to = match route.destination {
        None => "a packet to any address no other route matches".to_string(),
        Some(_) => format!("a packet to {}", destination(route)),
    };
    let out = route
        .device
        .as_deref()
        .map(|d| format!(" leaves through {d}"))
        .unwrap_or_default();
    let why = match (route.kind, route.gateway) {
        (6, _) => " is dropped here without a word (blackhole)".to_string(),
        (7, _) => " is refused: the sender gets ICMP unreachable".to_string(),
        (8, _) => " is refused: the sender gets ICMP administratively prohibited".to_string(),
        (_, Some(gateway)) => format!(
            "{out} to the router {gateway}: the link layer addresses the frame to the router's MAC, the IP header keeps the final address"
        ),
        (_, None) => format!(
            "{out} straight to its destination, which is on that link ({} finds its MAC)",
            if route.ipv6 { "neighbour discovery" } else { "ARP" }
        ),
    };
    format!("layer: internet (route). {to}{why}")
}

const NUD_NOARP: u16 = 0x40;

const NUD_STATES: [(u16, &str); 8] = [
    (0x01, "INCOMPLETE"),
    (0x02, "REACHABLE"),
    (0x04, "STALE"),
    (0x08, "DELAY"),
    (0x10, "PROBE"),
    (0x20, "FAILED"),
    (0x40, "NOARP"),
    (0x80, "PERMANENT"),
];

fn states(state: u16) -> Vec<&'static str> {
    NUD_STATES
        .iter()
        .filter(|(bit, _)| state & bit != 0)
        .map(|(_, name)| *name)
        .collect()
}

/// One neighbour as `ip neigh show` prints it, ending in a newline.
pub fn neighbour_line(neighbour: &Neighbour) -> String {
    let mut line = format!("{} ", neighbour.address);
    if let Some(device) = &neighbour.device {
        let _ = write!(line, "dev {device} ");
    }
    if let Some(bytes) = &neighbour.lladdr {
        let _ = write!(line, "lladdr {} ", format_mac(bytes));
    }
    if neighbour.router {
        line.push_str("router ");
    }
    for state in states(neighbour.state) {
        let _ = write!(line, "{state} ");
    }
    line.push('\n');
    line
}

pub fn neighbour_json(neighbour: &Neighbour) -> Value {
    let mut object = Map::new();
    object.insert("dst".into(), json!(neighbour.address.to_string()));
    if let Some(device) = &neighbour.device {
        object.insert("dev".into(), json!(device));
    }
    if let Some(bytes) = &neighbour.lladdr {
        object.insert("lladdr".into(), json!(format_mac(bytes)));
    }
    if neighbour.router {
        object.insert("router".into(), Value::Null);
    }
    if neighbour.state != 0 {
        object.insert("state".into(), json!(states(neighbour.state)));
    }
    Value::Object(object)
}

/// What a neighbour entry means (`--layers`).
pub fn neighbour_meaning(neighbour: &Neighbour) -> String {
    let protocol = if neighbour.address.is_ipv6() {
        "neighbour discovery"
    } else {
        "ARP"
    };
    let at = neighbour
        .lladdr
        .as_deref()
        .map(|b| format!("{} is at {}", neighbour.address, format_mac(b)))
        .unwrap_or_else(|| format!("{} has no known MAC", neighbour.address));
    let why = match neighbour.state {
        s if s & 0x02 != 0 => "confirmed recently (REACHABLE)".to_string(),
        s if s & 0x04 != 0 => "not confirmed lately (STALE): the next packet to it is sent and checked".to_string(),
        s if s & 0x18 != 0 => format!("being checked again ({protocol} asks it directly)"),
        s if s & 0x01 != 0 => format!("{protocol} asked and waits for an answer (INCOMPLETE)"),
        s if s & 0x20 != 0 => format!(
            "{protocol} got no answer (FAILED): that host is down, or not on this link; packets to it are dropped here"
        ),
        s if s & 0x80 != 0 => "set by hand (PERMANENT): never asked".to_string(),
        _ => "no state".to_string(),
    };
    format!("layer: link <-> internet ({protocol}). {at}: {why}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab_route() -> Route {
        Route {
            ipv6: false,
            kind: RTN_UNICAST,
            destination: Some(("192.168.56.0".parse().unwrap(), 24)),
            gateway: None,
            device: Some("eth0".into()),
            protocol: 2,
            scope: 253,
            source: Some("192.168.56.101".parse().unwrap()),
            metric: None,
            flags: 16,
            expires: None,
            preference: None,
        }
    }

    #[test]
    fn a_route_is_written_as_iproute2_writes_it() {
        let route = lab_route();
        assert_eq!(
            route_line(&route),
            "192.168.56.0/24 dev eth0 proto kernel scope link src 192.168.56.101 linkdown \n"
        );
        assert_eq!(
            route_json(&route).to_string(),
            r#"{"dst":"192.168.56.0/24","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"192.168.56.101","flags":["linkdown"]}"#
        );
        let default = Route {
            destination: None,
            gateway: Some("192.168.56.1".parse().unwrap()),
            protocol: RTPROT_BOOT,
            scope: RT_SCOPE_UNIVERSE,
            source: None,
            flags: 0,
            ..route
        };
        assert_eq!(route_line(&default), "default via 192.168.56.1 dev eth0 \n");
        assert!(route_meaning(&default).contains("to the router 192.168.56.1"));
    }

    #[test]
    fn a_neighbour_is_written_as_iproute2_writes_it() {
        let neighbour = Neighbour {
            address: "fe80::1".parse().unwrap(),
            device: Some("eth0".into()),
            lladdr: Some(vec![0x08, 0, 0x27, 0xa8, 0x38, 0x65]),
            router: true,
            state: 0x04,
        };
        assert_eq!(
            neighbour_line(&neighbour),
            "fe80::1 dev eth0 lladdr 08:00:27:a8:38:65 router STALE \n"
        );
        assert_eq!(
            neighbour_json(&neighbour).to_string(),
            r#"{"dst":"fe80::1","dev":"eth0","lladdr":"08:00:27:a8:38:65","router":null,"state":["STALE"]}"#
        );
        let failed = Neighbour {
            address: "192.168.56.8".parse().unwrap(),
            lladdr: None,
            router: false,
            state: 0x20,
            ..neighbour
        };
        assert_eq!(neighbour_line(&failed), "192.168.56.8 dev eth0 FAILED \n");
        assert!(neighbour_meaning(&failed).contains("ARP got no answer"));
    }
}
