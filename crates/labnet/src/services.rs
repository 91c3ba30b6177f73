//! /etc/services, read once: port numbers to names (Scapy prints `http` for 80) and
//! names to ports (`tcp port http` in filters). A missing file just means no names.

use std::collections::HashMap;
use std::sync::OnceLock;

struct Services {
    /// (port, protocol) -> the first name listed, as Scapy and getservbyport pick it.
    names: HashMap<(u16, String), String>,
    /// (name or alias, protocol) -> port.
    ports: HashMap<(String, String), u16>,
}

fn services() -> &'static Services {
    static SERVICES: OnceLock<Services> = OnceLock::new();
    SERVICES.get_or_init(|| parse(&std::fs::read_to_string("/etc/services").unwrap_or_default()))
}

fn parse(text: &str) -> Services {
    let mut names = HashMap::new();
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
        names
            .entry((port, protocol.to_string()))
            .or_insert_with(|| name.to_string());
        for alias in std::iter::once(name).chain(fields) {
            ports
                .entry((alias.to_string(), protocol.to_string()))
                .or_insert(port);
        }
    }
    Services { names, ports }
}

/// The service name of `port` for `protocol` ("tcp", "udp"), if /etc/services has one.
pub fn name(port: u16, protocol: &str) -> Option<&'static str> {
    services()
        .names
        .get(&(port, protocol.to_string()))
        .map(String::as_str)
}

/// The port of service `name` for `protocol`, if /etc/services has one.
pub fn port(name: &str, protocol: &str) -> Option<u16> {
    services()
        .ports
        .get(&(name.to_string(), protocol.to_string()))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_name_wins_and_aliases_find_the_port() {
        let services = parse("http 80/tcp www # WorldWideWeb\nhttp-alt 80/tcp\ndomain 53/udp\n");
        assert_eq!(services.names[&(80, "tcp".to_string())], "http");
        assert_eq!(services.ports[&("www".to_string(), "tcp".to_string())], 80);
        assert!(!services
            .ports
            .contains_key(&("domain".to_string(), "tcp".to_string())));
    }
}
