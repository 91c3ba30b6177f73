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
    let hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
    resolve_with(host, &hosts, |host| {
        (host, 0)
            .to_socket_addrs()
            .map(|found| found.map(|a| a.ip()).collect())
            .unwrap_or_default()
    })
}

/// [`resolve`] with the hosts file's text and the system resolver given, so the order
/// of the steps can be tested without sending a DNS query anywhere.
fn resolve_with(
    host: &str,
    hosts_file: &str,
    system: impl FnOnce(&str) -> Vec<IpAddr>,
) -> Result<Vec<IpAddr>> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![ip]);
    }
    let from_file = in_hosts_file(hosts_file, host);
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
    let mut addresses = system(host);
    addresses.sort_by_key(|a| a.is_ipv6());
    addresses.dedup();
    if addresses.is_empty() {
        Err(not_resolved(host))
    } else {
        Ok(addresses)
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
    fn the_hosts_file_comes_before_the_system_resolver() {
        let found = resolve_with("brooklyn", LAB_HOSTS, |_| panic!("not asked")).unwrap();
        assert_eq!(found, ["192.168.56.101".parse::<IpAddr>().unwrap()]);
        let v6_first = resolve_with("elsewhere", "", |_| {
            vec!["fd00::1".parse().unwrap(), "192.168.56.50".parse().unwrap()]
        })
        .unwrap();
        assert!(v6_first[0].is_ipv4(), "IPv4 first: {v6_first:?}");
    }

    #[test]
    fn localhost_is_the_loopback() {
        let addresses = resolve_with("localhost", "", |_| panic!("no system lookup")).unwrap();
        assert!(
            addresses.iter().all(IpAddr::is_loopback) && !addresses.is_empty(),
            "{addresses:?}"
        );
    }

    #[test]
    fn literals_need_no_lookup() {
        let no_lookup = |_: &str| -> Vec<IpAddr> { panic!("no system lookup for a literal") };
        assert_eq!(
            resolve_with("192.168.56.101", "", no_lookup).unwrap(),
            ["192.168.56.101".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(
            resolve_with("[::1]", "", no_lookup).unwrap(),
            ["::1".parse::<IpAddr>().unwrap()]
        );
    }

    #[test]
    fn unknown_names_say_which_layer_and_what_to_do() {
        // The system resolver is a stand-in that knows nothing: no DNS query leaves.
        let err = resolve_with("no-such-host.invalid", LAB_HOSTS, |_| Vec::new()).unwrap_err();
        assert!(err.to_string().contains("application layer"), "{err}");
        assert!(err.hints()[0].contains("IP address"));
    }
}
