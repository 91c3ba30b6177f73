//! The netbase name files, each read once: /etc/services (ports; Scapy prints `http`
//! for 80, filters accept `port http`), /etc/protocols (IP protocol numbers; Scapy's
//! `proto = tcp`) and /etc/ethertypes (Scapy's `type = IPv4`).
//!
//! Names are shown the way Scapy loads them: through its `fixname` (every character
//! that is not a letter or digit becomes `_`, a leading digit gets `n_`, so
//! `kerberos-adm` prints as `kerberos_adm` and `802_1Q` as `n_802_1Q`), the last line
//! for a number winning. A missing file just means numbers instead of names, except for
//! the few protocols and EtherTypes of the lab, which a bare VM without netbase still
//! names (as Scapy does with its bundled tables).

use std::collections::HashMap;
use std::sync::OnceLock;

struct Services {
    /// TCP, UDP and SCTP (in PROTOCOLS' order): (port, display name), sorted by port;
    /// searched on every summary line, so no hashing and no allocation.
    names: [Vec<(u16, String)>; 3],
    /// (name or alias as written, protocol) -> port, the first line winning (as
    /// getservbyname).
    ports: HashMap<(String, String), u16>,
}

fn services() -> &'static Services {
    static SERVICES: OnceLock<Services> = OnceLock::new();
    SERVICES.get_or_init(|| {
        parse_services(&std::fs::read_to_string("/etc/services").unwrap_or_default())
    })
}

/// The protocols a port name is kept for (Scapy's TCP, UDP and SCTP tables).
const PROTOCOLS: [&str; 3] = ["tcp", "udp", "sctp"];

fn protocol_index(protocol: &str) -> Option<usize> {
    PROTOCOLS.iter().position(|p| *p == protocol)
}

fn parse_services(text: &str) -> Services {
    let mut names: [HashMap<u16, String>; 3] = Default::default();
    let mut ports = HashMap::new();
    for line in text.lines() {
        let mut fields = line.split('#').next().unwrap_or("").split_whitespace();
        let (Some(name), Some(port_protocol)) = (fields.next(), fields.next()) else {
            continue;
        };
        let Some((port, protocol)) = port_protocol.split_once('/') else {
            continue;
        };
        let Ok(port) = port.parse::<u16>() else {
            continue;
        };
        if let Some(index) = protocol_index(protocol) {
            names[index].insert(port, fixname(name));
        }
        for alias in std::iter::once(name).chain(fields) {
            ports
                .entry((alias.to_string(), protocol.to_string()))
                .or_insert(port);
        }
    }
    Services {
        names: names.map(|table| {
            let mut sorted: Vec<(u16, String)> = table.into_iter().collect();
            sorted.sort_unstable();
            sorted
        }),
        ports,
    }
}

/// Scapy's `fixname`: a name usable as a Python attribute.
fn fixname(name: &str) -> String {
    let mut fixed = String::with_capacity(name.len() + 2);
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        fixed.push_str("n_");
    }
    fixed.extend(
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    fixed
}

/// A number -> name table from a netbase file of `NAME NUMBER aliases...` lines.
fn parse_numbers(text: &str, radix: u32) -> HashMap<u32, String> {
    let mut names = HashMap::new();
    for line in text.lines() {
        let mut fields = line.split('#').next().unwrap_or("").split_whitespace();
        let (Some(name), Some(number)) = (fields.next(), fields.next()) else {
            continue;
        };
        if let Ok(number) = u32::from_str_radix(number, radix) {
            names.insert(number, fixname(name));
        }
    }
    names
}

/// Reads a netbase number file, or falls back to the lab's own few names.
fn numbers(path: &str, radix: u32, fallback: &[(u32, &str)]) -> HashMap<u32, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => parse_numbers(&text, radix),
        Err(_) => fallback
            .iter()
            .map(|&(n, name)| (n, name.to_string()))
            .collect(),
    }
}

/// The display name of `port` for `protocol` ("tcp", "udp", "sctp"), if any.
pub fn service_name(port: u16, protocol: &str) -> Option<&'static str> {
    let table = &services().names[protocol_index(protocol)?];
    let at = table.binary_search_by_key(&port, |(p, _)| *p).ok()?;
    Some(table[at].1.as_str())
}

/// The port of service `name` for `protocol`, if /etc/services has one.
pub fn port(name: &str, protocol: &str) -> Option<u16> {
    services()
        .ports
        .get(&(name.to_string(), protocol.to_string()))
        .copied()
}

/// The display name of IP protocol `number` (`tcp`, `ipv6_icmp`), if any.
pub fn protocol_name(number: u8) -> Option<&'static str> {
    static PROTOCOLS: OnceLock<HashMap<u32, String>> = OnceLock::new();
    PROTOCOLS
        .get_or_init(|| {
            numbers(
                "/etc/protocols",
                10,
                &[(1, "icmp"), (6, "tcp"), (17, "udp"), (58, "ipv6_icmp")],
            )
        })
        .get(&u32::from(number))
        .map(String::as_str)
}

/// EtherType names Scapy's own layers set over /etc/ethertypes' when they load (as
/// `from scapy.all import *` loads them: `ETHER_TYPES[ETH_P_MACSEC] = '802_1AE'` in
/// scapy/layers/l2.py and the like), as Scapy 2.8 has them.
const SCAPY_ETHERTYPES: [(u32, &str); 5] = [
    (0x22f4, "L2_IS_IS"),
    (0x88a8, "802_1AD"),
    (0x88e5, "802_1AE"),
    (0x88e7, "802_1AH"),
    (0xa0ed, "6LoWPAN"),
];

/// The display name of EtherType `number` (`IPv4`, `ARP`, `n_802_1Q`, `LLDP`), if any:
/// Scapy's, from /etc/ethertypes and its layers.
pub fn ethertype_name(number: u16) -> Option<&'static str> {
    static ETHERTYPES: OnceLock<HashMap<u32, String>> = OnceLock::new();
    ETHERTYPES
        .get_or_init(|| {
            let mut names = numbers(
                "/etc/ethertypes",
                16,
                &[
                    (0x0800, "IPv4"),
                    (0x0806, "ARP"),
                    (0x8100, "n_802_1Q"),
                    (0x86dd, "IPv6"),
                ],
            );
            names.extend(SCAPY_ETHERTYPES.map(|(n, name)| (n, name.to_string())));
            names
        })
        .get(&u32::from(number))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_name_wins_for_display_and_first_alias_finds_the_port() {
        let services = parse_services(
            "http 80/tcp www # WorldWideWeb\nhttp-alt 80/tcp\nkerberos-adm 749/tcp\ndomain 53/udp\n",
        );
        let tcp = &services.names[0];
        assert_eq!(
            tcp[..],
            [
                (80, "http_alt".to_string()),
                (749, "kerberos_adm".to_string())
            ]
        );
        assert_eq!(services.ports[&("www".to_string(), "tcp".to_string())], 80);
        assert_eq!(services.ports[&("http".to_string(), "tcp".to_string())], 80);
        assert!(!services
            .ports
            .contains_key(&("domain".to_string(), "tcp".to_string())));
    }

    #[test]
    fn names_are_fixed_as_scapy_fixes_them() {
        assert_eq!(fixname("802_1Q"), "n_802_1Q");
        assert_eq!(fixname("ipv6-icmp"), "ipv6_icmp");
        assert_eq!(fixname("S-TAG"), "S_TAG");
        let ethertypes = parse_numbers("IPv4\t\t0800\tip ip4\t# IP (IPv4)\n802_1Q 8100 1q\n", 16);
        assert_eq!(ethertypes[&0x0800], "IPv4");
        assert_eq!(ethertypes[&0x8100], "n_802_1Q");
    }
}
