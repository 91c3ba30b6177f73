//! Host names to IP addresses: an address literal, then /etc/hosts (read here), then
//! the system resolver.
//!
//! /etc/hosts is read by labnet itself because the release binaries are static: a
//! static glibc cannot load the NSS modules that getaddrinfo uses for /etc/hosts on a
//! bare VM, and the lab's names (brooklyn, midwood) live in /etc/hosts anyway.

use std::net::{IpAddr, ToSocketAddrs};

use crate::error::{Error, Result};

/// The addresses of `host`, IPv4 first (as the lab's hosts files list them).
pub fn resolve(host: &str) -> Result<Vec<IpAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let from_file = std::fs::read_to_string("/etc/hosts")
        .map(|text| in_hosts_file(&text, host))
        .unwrap_or_default();
    if !from_file.is_empty() {
        return Ok(from_file);
    }
    // RFC 6761: "localhost" is the loopback, also on a bare system without /etc/hosts.
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(vec![
            IpAddr::from([127, 0, 0, 1]),
            IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        ]);
    }
    match (host, 0).to_socket_addrs() {
        Ok(found) => {
            let mut addresses: Vec<IpAddr> = found.map(|a| a.ip()).collect();
            addresses.sort_by_key(|a| a.is_ipv6());
            addresses.dedup();
            if addresses.is_empty() {
                Err(not_resolved(host))
            } else {
                Ok(addresses)
            }
        }
        Err(_) => Err(not_resolved(host)),
    }
}

fn not_resolved(host: &str) -> Error {
    Error::failed(format!(
        "cannot resolve {host:?} (application layer: the name is neither in /etc/hosts nor known to DNS)"
    ))
    .hint("use the host's IP address (nic-show on that host shows it), or add the name to /etc/hosts")
    .hint("inside the lab, `sudo lab-hosts exec HOST -- ...` sees the lab's names")
}

/// Every address that a hosts file gives `host` (names are case-insensitive).
pub fn in_hosts_file(text: &str, host: &str) -> Vec<IpAddr> {
    let mut addresses: Vec<IpAddr> = text
        .lines()
        .map(|line| line.split('#').next().unwrap_or(""))
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let address = fields.next()?.parse::<IpAddr>().ok()?;
            fields
                .any(|name| name.eq_ignore_ascii_case(host))
                .then_some(address)
        })
        .collect();
    addresses.sort_by_key(|a| a.is_ipv6());
    addresses.dedup();
    addresses
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAB_HOSTS: &str = "# written by lab-hosts\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n\
        fd00:56::102\tmidwood\n192.168.56.101\tbrooklyn # the server\n192.168.56.102\tmidwood MIDWOOD-alias\n";

    #[test]
    fn hosts_file_names_resolve_ipv4_first() {
        assert_eq!(
            in_hosts_file(LAB_HOSTS, "midwood"),
            [
                "192.168.56.102".parse::<IpAddr>().unwrap(),
                "fd00:56::102".parse().unwrap()
            ]
        );
        assert_eq!(
            in_hosts_file(LAB_HOSTS, "Brooklyn"),
            ["192.168.56.101".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(in_hosts_file(LAB_HOSTS, "midwood-alias").len(), 1);
        assert!(
            in_hosts_file(LAB_HOSTS, "the").is_empty(),
            "comments are not names"
        );
        assert!(in_hosts_file(LAB_HOSTS, "flatbush").is_empty());
    }

    #[test]
    fn localhost_is_the_loopback() {
        let addresses = resolve("localhost").unwrap();
        assert!(
            addresses.iter().all(IpAddr::is_loopback) && !addresses.is_empty(),
            "{addresses:?}"
        );
    }

    #[test]
    fn literals_need_no_lookup() {
        assert_eq!(
            resolve("192.168.56.101").unwrap(),
            ["192.168.56.101".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(
            resolve("[::1]").unwrap(),
            ["::1".parse::<IpAddr>().unwrap()]
        );
    }

    #[test]
    fn unknown_names_say_which_layer_and_what_to_do() {
        let err = resolve("no-such-host.invalid").unwrap_err();
        assert!(err.to_string().contains("application layer"), "{err}");
        assert!(err.hints()[0].contains("IP address"));
    }
}
