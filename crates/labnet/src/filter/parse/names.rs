//! Values by their spelling: numbers (decimal, 0x hex, 0 octal), named constants
//! (`tcp-syn`, `icmp-echo`), dotted IPv4 prefixes (`10.1`), and names looked up in the
//! system's tables: hosts (/etc/hosts, then the resolver, unless offline), services
//! (/etc/services through `netbase`) and port ranges of service names.

use super::super::bpf::Pred;
use super::super::gen::{self, GenResult, Proto};
use super::{Kind, PResult, Parser, Quals};
use crate::netbase;

/// A number literal (decimal, 0x hex, 0 octal) or a named constant (`tcp-syn`).
pub(super) fn number(word: &str) -> Option<Result<u32, String>> {
    if let Some(value) = named_constant(word) {
        return Some(Ok(value));
    }
    if !word.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (digits, radix) = if let Some(hex) = word.strip_prefix("0x").or(word.strip_prefix("0X")) {
        (hex, 16)
    } else if word.len() > 1 && word.starts_with('0') {
        (&word[1..], 8)
    } else {
        (word, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        // `10.0.0.1`, `1-2` and `08` are not numbers: the first two are words.
        if word.contains(['.', '-', '_'])
            || word.chars().any(|c| c.is_ascii_alphabetic() && radix != 16)
        {
            return None;
        }
        return Some(Err(format!("\"{word}\" is not a number")));
    }
    Some(
        u32::from_str_radix(digits, radix)
            .map_err(|_| format!("number {word} does not fit in 32 bits")),
    )
}

pub(super) fn named_constant(word: &str) -> Option<u32> {
    Some(match word {
        "icmptype" | "icmp6type" => 0,
        "icmpcode" | "icmp6code" => 1,
        "icmp-echoreply" => 0,
        "icmp-unreach" => 3,
        "icmp-sourcequench" => 4,
        "icmp-redirect" => 5,
        "icmp-echo" => 8,
        "icmp-routeradvert" => 9,
        "icmp-routersolicit" => 10,
        "icmp-timxceed" => 11,
        "icmp-paramprob" => 12,
        "icmp-tstamp" => 13,
        "icmp-tstampreply" => 14,
        "icmp-ireq" => 15,
        "icmp-ireqreply" => 16,
        "icmp-maskreq" => 17,
        "icmp-maskreply" => 18,
        "icmp6-destinationunreach" => 1,
        "icmp6-packettoobig" => 2,
        "icmp6-timeexceeded" => 3,
        "icmp6-parameterproblem" => 4,
        "icmp6-echo" => 128,
        "icmp6-echoreply" => 129,
        "icmp6-multicastlistenerquery" => 130,
        "icmp6-multicastlistenerreportv1" => 131,
        "icmp6-multicastlistenerdone" => 132,
        "icmp6-routersolicit" => 133,
        "icmp6-routeradvert" => 134,
        "icmp6-neighborsolicit" => 135,
        "icmp6-neighboradvert" => 136,
        "icmp6-redirect" => 137,
        "icmp6-routerrenum" => 138,
        "icmp6-nodeinformationquery" => 139,
        "icmp6-nodeinformationresponse" => 140,
        "icmp6-ineighbordiscoverysolicit" => 141,
        "icmp6-ineighbordiscoveryadvert" => 142,
        "icmp6-multicastlistenerreportv2" => 143,
        "icmp6-homeagentdiscoveryrequest" => 144,
        "icmp6-homeagentdiscoveryreply" => 145,
        "icmp6-mobileprefixsolicit" => 146,
        "icmp6-mobileprefixadvert" => 147,
        "icmp6-certpathsolicit" => 148,
        "icmp6-certpathadvert" => 149,
        "icmp6-multicastrouteradvert" => 151,
        "icmp6-multicastroutersolicit" => 152,
        "icmp6-multicastrouterterm" => 153,
        "tcpflags" => 13,
        "tcp-fin" => 0x01,
        "tcp-syn" => 0x02,
        "tcp-rst" => 0x04,
        "tcp-push" => 0x08,
        "tcp-ack" => 0x10,
        "tcp-urg" => 0x20,
        "tcp-ece" => 0x40,
        "tcp-cwr" => 0x80,
        _ => return None,
    })
}

/// `10.1.2.3`, `10.1.2`, `10.1`: the address bits and how many of them were given.
pub(super) fn dotted(word: &str) -> Option<Result<(u32, u32), String>> {
    let parts: Vec<&str> = word.split('.').collect();
    if parts.len() < 2
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts.len() > 4 {
        return Some(Err(format!(
            "invalid IPv4 address \"{word}\": more than four parts"
        )));
    }
    let mut value: u32 = 0;
    for part in &parts {
        match part.parse::<u32>() {
            Ok(byte) if byte <= 255 => value = value << 8 | byte,
            _ => {
                return Some(Err(format!(
                    "invalid IPv4 address \"{word}\": each part is a number from 0 to 255"
                )))
            }
        }
    }
    Some(Ok((value, 8 * parts.len() as u32)))
}

pub(super) fn shift_left(value: u32, bits: u32) -> u32 {
    value.checked_shl(bits).unwrap_or(0)
}

impl Parser<'_> {
    pub(super) fn name(
        &mut self,
        name: &str,
        quals: Quals,
        start: usize,
        end: usize,
    ) -> PResult<Pred> {
        let pred = match quals.kind {
            Kind::Default | Kind::Host => self.host_name(name, quals),
            Kind::Net => gen::fail(format!("unknown network '{name}'")),
            Kind::Port => self.service(name, quals, start, end),
            Kind::PortRange => self.service_range(name, quals),
            Kind::Proto => {
                let number = if quals.proto == Proto::Link {
                    gen::ethertype_by_name(name)
                } else {
                    gen::ip_protocol_by_name(name)
                };
                match number {
                    Some(number) => self.gen_proto(number, quals),
                    None => gen::fail(format!(
                        "unknown {} proto '{name}'",
                        if quals.proto == Proto::Link {
                            "ether"
                        } else {
                            "ip"
                        }
                    )),
                }
            }
        };
        self.located(start, end, pred)
    }

    pub(super) fn host_name(&self, name: &str, quals: Quals) -> GenResult<Pred> {
        if quals.proto == Proto::Link {
            return gen::fail(format!(
                "unknown ether host '{name}' (labnet reads no /etc/ethers; use the MAC address)"
            ));
        }
        let unknown = || -> GenResult<Pred> {
            Err((
                format!("unknown host '{name}'"),
                Some(
                    "use the host's address (nic-show shows it), or add the name to /etc/hosts"
                        .into(),
                ),
            ))
        };
        if !self.resolve_names {
            return unknown();
        }
        let Ok(addresses) = crate::resolve::resolve(name) else {
            return unknown();
        };
        let mut pred = Pred::Const(false);
        let mut any = false;
        for address in addresses {
            match address {
                std::net::IpAddr::V4(v4) if quals.proto != Proto::Ip6 => {
                    pred = pred.or(self.gen.host4(
                        u32::from(v4),
                        u32::MAX,
                        quals.proto,
                        quals.dir,
                        "host",
                    )?);
                    any = true;
                }
                std::net::IpAddr::V6(v6) if matches!(quals.proto, Proto::Default | Proto::Ip6) => {
                    pred = pred.or(self.gen.host6(
                        v6.octets(),
                        128,
                        quals.proto,
                        quals.dir,
                        "host",
                    )?);
                    any = true;
                }
                _ => {}
            }
        }
        if any {
            Ok(pred)
        } else {
            unknown()
        }
    }

    /// A service name's port and the protocol /etc/services gives it (libpcap's
    /// pcap_nametoport: `port http` is TCP only when only tcp lists it).
    pub(super) fn service_port(name: &str, proto: Proto) -> GenResult<(u32, Proto)> {
        if let Some(Ok(number)) = number(name) {
            return Ok((number, proto));
        }
        let tcp = netbase::port(name, "tcp");
        let udp = netbase::port(name, "udp");
        let (port, only) = match (tcp, udp) {
            (Some(t), Some(u)) if t == u => (t, Proto::Default),
            (Some(t), _) => (
                t,
                if udp.is_some() {
                    Proto::Default
                } else {
                    Proto::Tcp
                },
            ),
            (None, Some(u)) => (u, Proto::Udp),
            (None, None) => {
                return Err((
                    format!("unknown port '{name}'"),
                    Some("use the port number, or a name from /etc/services".into()),
                ))
            }
        };
        match (proto, only) {
            (Proto::Default, only) => Ok((u32::from(port), only)),
            (proto, Proto::Default) => Ok((u32::from(port), proto)),
            (proto, only) if proto == only => Ok((u32::from(port), proto)),
            (Proto::Tcp | Proto::Udp | Proto::Sctp, only) => {
                gen::fail(format!("port '{name}' is {}", only.name()))
            }
            _ => Ok((u32::from(port), proto)),
        }
    }

    pub(super) fn service(
        &self,
        name: &str,
        quals: Quals,
        _start: usize,
        _end: usize,
    ) -> GenResult<Pred> {
        let (port, proto) = Self::service_port(name, quals.proto)?;
        self.gen.port_range(port, port, proto, quals.dir)
    }

    pub(super) fn service_range(&self, text: &str, quals: Quals) -> GenResult<Pred> {
        let Some((low, high)) = text.split_once('-') else {
            let (port, proto) = Self::service_port(text, quals.proto)?;
            return self.gen.port_range(port, port, proto, quals.dir);
        };
        let (low, low_proto) = Self::service_port(low, quals.proto)?;
        let (high, high_proto) = Self::service_port(high, quals.proto)?;
        for port in [low, high] {
            if port > 65535 {
                return gen::fail(format!("illegal port number {port} > 65535"));
            }
        }
        let proto = if low_proto == high_proto {
            low_proto
        } else {
            quals.proto
        };
        self.gen.port_range(low, high, proto, quals.dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::{Filter, Names};
    use crate::linktype::LinkType;

    fn listing(expression: &str) -> String {
        Filter::compile_with(expression, LinkType::Ethernet, Names::Offline)
            .unwrap_or_else(|e| panic!("{e}"))
            .listing()
    }

    #[test]
    fn numbers_are_read_in_libpcaps_three_bases() {
        assert_eq!(number("80"), Some(Ok(80)));
        assert_eq!(number("0x1F"), Some(Ok(31)));
        assert_eq!(number("017"), Some(Ok(15)));
        assert_eq!(number("0"), Some(Ok(0)));
        assert_eq!(number("4294967295"), Some(Ok(u32::MAX)));
        assert!(number("4294967296")
            .unwrap()
            .unwrap_err()
            .contains("32 bits"));
        assert!(number("08").unwrap().is_err(), "8 is no octal digit");
        // Words, not numbers: addresses, ranges and names.
        assert_eq!(number("10.0.0.1"), None);
        assert_eq!(number("1-2"), None);
        assert_eq!(number("http"), None);
        assert_eq!(number("tcp-syn"), Some(Ok(2)));
        assert_eq!(named_constant("icmp6-neighborsolicit"), Some(135));
        assert_eq!(named_constant("tcp-nonsense"), None);
    }

    #[test]
    fn dotted_prefixes_keep_how_many_bits_were_given() {
        assert_eq!(dotted("10.1"), Some(Ok((0x0a01, 16))));
        assert_eq!(dotted("192.168.56.101"), Some(Ok((0xc0a8_3865, 32))));
        assert!(dotted("1.2.3.4.5").unwrap().is_err());
        assert!(dotted("10.256").unwrap().is_err());
        assert_eq!(dotted("10"), None);
        assert_eq!(dotted("10..1"), None);
        assert_eq!(dotted("a.b"), None);
        assert_eq!(shift_left(1, 31), 1 << 31);
        assert_eq!(shift_left(1, 32), 0, "no overflow panic past the width");
    }

    #[test]
    fn services_are_ports_and_ranges_of_services_work() {
        // /etc/services (netbase) or labnet's own table: the same program either way.
        assert_eq!(listing("tcp port http"), listing("tcp port 80"));
        assert_eq!(listing("udp port domain"), listing("udp port 53"));
        assert_eq!(listing("tcp portrange 80-80"), listing("tcp port http"));
        let unknown =
            Filter::compile_with("port no-such-service", LinkType::Ethernet, Names::Offline)
                .unwrap_err();
        assert!(unknown.message.contains("no-such-service"), "{unknown}");
    }

    #[test]
    fn offline_names_are_never_looked_up() {
        let error = Filter::compile_with(
            "host labnet-no-such-host",
            LinkType::Ethernet,
            Names::Offline,
        )
        .unwrap_err();
        assert!(error.message.contains("unknown host"), "{error}");
        assert_eq!(
            (error.start, error.end),
            (5, 24),
            "the caret is under the name"
        );
        let ether = Filter::compile_with("ether host brooklyn", LinkType::Ethernet, Names::Offline)
            .unwrap_err();
        assert!(ether.message.contains("use the MAC address"), "{ether}");
    }
}
