//! ss's filter language, the part people type (ss(8), "FILTER"): state filters (`state
//! established`, `exclude listening`, the groups `connected`, `synchronized`, `bucket`,
//! `big`, `all`) and expressions over the ends (`sport`, `dport` with `= != < > <= >=`
//! and their word forms, `src`, `dst` with an address, a prefix and an optional port),
//! joined by `and`, `or`, `not` and parentheses (two terms side by side mean `and`, as
//! in ss). `src`/`sport` are this host's end, `dst`/`dport` the other's. Hand-written:
//! the language is small and its errors should point at the word, as labnet's pcap
//! filter errors do.

use std::net::{IpAddr, SocketAddr};

use super::{InetSocket, TCP_STATES};
use crate::error::{Error, Result};

/// A parsed filter: which states, and a test of the ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocketFilter {
    /// Bit N: TCP state N is kept; `None`: the listing's own choice.
    states: Option<u32>,
    expression: Option<Expression>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Expression {
    Port {
        remote: bool,
        op: Op,
        port: u16,
    },
    Address {
        remote: bool,
        network: IpAddr,
        prefix: u8,
        port: Option<u16>,
    },
    Not(Box<Expression>),
    And(Box<Expression>, Box<Expression>),
    Or(Box<Expression>, Box<Expression>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// ss's state names, by the kernel's state number (netstat's are accepted too).
const SS_STATES: [&str; 12] = [
    "",
    "established",
    "syn-sent",
    "syn-recv",
    "fin-wait-1",
    "fin-wait-2",
    "time-wait",
    "closed",
    "close-wait",
    "last-ack",
    "listening",
    "closing",
];

const ALL: u32 = 0b1111_1111_1110;
const LISTENING: u32 = 1 << 10;
const CLOSED: u32 = 1 << 7;
const SYN_SENT: u32 = 1 << 2;
const SYN_RECV: u32 = 1 << 3;
const TIME_WAIT: u32 = 1 << 6;

impl SocketFilter {
    /// Parses the words after the options (`state established '( dport = :5000 )'`).
    pub fn parse(text: &str) -> Result<SocketFilter> {
        let tokens = tokenize(text);
        let mut parser = Parser {
            text,
            tokens: &tokens,
            at: 0,
        };
        let mut states: Option<u32> = None;
        while let Some(word @ ("state" | "exclude")) = parser.peek() {
            parser.at += 1;
            let (name, column) = parser.next("a state name")?;
            let bits = state_bits(name).ok_or_else(|| {
                parser.error_at(
                    column,
                    &format!("unknown state {name:?}"),
                    "states: established syn-sent syn-recv fin-wait-1 fin-wait-2 time-wait closed close-wait last-ack listening closing, or all connected synchronized bucket big",
                )
            })?;
            states = Some(if word == "state" {
                states.unwrap_or(0) | bits
            } else {
                states.unwrap_or(ALL) & !bits
            });
        }
        let expression = if parser.peek().is_some() {
            let expression = parser.or()?;
            if let Some((word, column)) = parser.tokens.get(parser.at) {
                return Err(parser.error_at(
                    *column,
                    &format!("unexpected {word:?}"),
                    "join tests with and, or, not and parentheses",
                ));
            }
            Some(expression)
        } else {
            None
        };
        Ok(SocketFilter { states, expression })
    }

    /// Whether a state part was given: it then decides which states are listed, as in
    /// ss (`state listening` shows listeners without -l).
    pub fn chooses_states(&self) -> bool {
        self.states.is_some()
    }

    pub fn matches(&self, socket: &InetSocket) -> bool {
        // UDP has no TCP states: ss's state filter reads its ESTABLISHED (connected)
        // and CLOSE (unconnected) the same way.
        let state_ok = self
            .states
            .is_none_or(|bits| bits & (1 << socket.state) != 0);
        state_ok && self.expression.as_ref().is_none_or(|e| e.matches(socket))
    }
}

impl Expression {
    fn matches(&self, socket: &InetSocket) -> bool {
        match self {
            Expression::Port { remote, op, port } => {
                let end = if *remote { socket.remote } else { socket.local };
                let have = end.port();
                match op {
                    Op::Eq => have == *port,
                    Op::Ne => have != *port,
                    Op::Lt => have < *port,
                    Op::Gt => have > *port,
                    Op::Le => have <= *port,
                    Op::Ge => have >= *port,
                }
            }
            Expression::Address {
                remote,
                network,
                prefix,
                port,
            } => {
                let end = if *remote { socket.remote } else { socket.local };
                in_network(end, *network, *prefix) && port.is_none_or(|p| end.port() == p)
            }
            Expression::Not(inner) => !inner.matches(socket),
            Expression::And(a, b) => a.matches(socket) && b.matches(socket),
            Expression::Or(a, b) => a.matches(socket) || b.matches(socket),
        }
    }
}

/// Whether `end`'s address is in `network/prefix` (an IPv4-mapped IPv6 address counts
/// as its IPv4 one, as a dual-stack socket shows it).
fn in_network(end: SocketAddr, network: IpAddr, prefix: u8) -> bool {
    let address = match end.ip() {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

fn state_bits(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let group = match lower.as_str() {
        "all" => Some(ALL),
        "connected" => Some(ALL & !LISTENING & !CLOSED),
        "synchronized" => Some(ALL & !LISTENING & !CLOSED & !SYN_SENT),
        "bucket" => Some(SYN_RECV | TIME_WAIT),
        "big" => Some(ALL & !SYN_RECV & !TIME_WAIT),
        _ => None,
    };
    group.or_else(|| {
        let netstat = name.to_ascii_uppercase().replace('-', "_");
        (1..SS_STATES.len())
            .find(|&n| SS_STATES[n] == lower || TCP_STATES[n] == netstat)
            .map(|n| 1 << n)
    })
}

/// Words with their columns; parentheses are words of their own.
fn tokenize(text: &str) -> Vec<(&str, usize)> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let single = matches!(c, '(' | ')');
        if c.is_whitespace() || single {
            if let Some(s) = start.take() {
                tokens.push((&text[s..i], s));
            }
            if single {
                tokens.push((&text[i..i + 1], i));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push((&text[s..], s));
    }
    tokens
}

struct Parser<'a> {
    text: &'a str,
    tokens: &'a [(&'a str, usize)],
    at: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.at).map(|(word, _)| *word)
    }

    fn next(&mut self, wanted: &str) -> Result<(&'a str, usize)> {
        let token = self.tokens.get(self.at).copied().ok_or_else(|| {
            self.error_at(
                self.text.len(),
                &format!("expected {wanted}"),
                "see ss(8): FILTER",
            )
        })?;
        self.at += 1;
        Ok(token)
    }

    fn error_at(&self, column: usize, what: &str, hint: &str) -> Error {
        Error::usage(format!(
            "{what} in the filter\n  {}\n  {}^ here",
            self.text,
            " ".repeat(column)
        ))
        .hint(hint.to_string())
    }

    fn or(&mut self) -> Result<Expression> {
        let mut left = self.and()?;
        while matches!(self.peek(), Some("or" | "||")) {
            self.at += 1;
            left = Expression::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expression> {
        let mut left = self.not()?;
        loop {
            match self.peek() {
                Some("and" | "&&") => self.at += 1,
                // Side by side: and, as in ss.
                Some(word) if word != "or" && word != "||" && word != ")" => {}
                _ => return Ok(left),
            }
            left = Expression::And(Box::new(left), Box::new(self.not()?));
        }
    }

    fn not(&mut self) -> Result<Expression> {
        if matches!(self.peek(), Some("not" | "!")) {
            self.at += 1;
            return Ok(Expression::Not(Box::new(self.not()?)));
        }
        if self.peek() == Some("(") {
            self.at += 1;
            let inner = self.or()?;
            let (word, column) = self.next("\")\"")?;
            if word != ")" {
                return Err(self.error_at(column, "expected \")\"", "close every \"(\""));
            }
            return Ok(inner);
        }
        self.test()
    }

    fn test(&mut self) -> Result<Expression> {
        let (word, column) = self.next("a test such as dport = :5000")?;
        let remote = match word {
            "sport" | "src" => false,
            "dport" | "dst" => true,
            _ => {
                return Err(self.error_at(
                    column,
                    &format!("unknown test {word:?}"),
                    "tests: sport, dport (with = != < > <= >=) and src, dst (with an address)",
                ))
            }
        };
        if word.ends_with("port") {
            let (op, op_column) = self.next("a comparison (= != < > <= >=)")?;
            let op = match op {
                "=" | "==" | "eq" => Op::Eq,
                "!=" | "ne" | "neq" => Op::Ne,
                "<" | "lt" => Op::Lt,
                ">" | "gt" => Op::Gt,
                "<=" | "le" | "leq" => Op::Le,
                ">=" | "ge" | "geq" => Op::Ge,
                _ => {
                    return Err(self.error_at(
                        op_column,
                        &format!("expected a comparison, not {op:?}"),
                        "= != < > <= >= (or eq ne lt gt le ge)",
                    ))
                }
            };
            let (value, value_column) = self.next("a port such as :5000")?;
            let port = value
                .strip_prefix(':')
                .unwrap_or(value)
                .parse::<u16>()
                .map_err(|_| {
                    self.error_at(
                        value_column,
                        &format!("{value:?} is not a port"),
                        "for example :5000",
                    )
                })?;
            return Ok(Expression::Port { remote, op, port });
        }
        // src/dst [=] ADDRESS[/PREFIX][:PORT], IPv6 in brackets when a port follows.
        if matches!(self.peek(), Some("=" | "==")) {
            self.at += 1;
        }
        let (value, value_column) = self.next("an address such as 192.168.56.0/24")?;
        let bad = || {
            self.error_at(
                value_column,
                &format!("{value:?} is not an address"),
                "for example 192.168.56.101, 192.168.56.0/24, [fd00:56::101]:5000",
            )
        };
        let (address, port) = if let Some(v6) = value.strip_prefix('[') {
            let (address, rest) = v6.split_once(']').ok_or_else(bad)?;
            let port = match rest.strip_prefix(':') {
                Some(port) => Some(port.parse::<u16>().map_err(|_| bad())?),
                None => None,
            };
            (address, port)
        } else if value.matches(':').count() == 1 {
            let (address, port) = value.split_once(':').expect("one colon");
            (address, Some(port.parse::<u16>().map_err(|_| bad())?))
        } else {
            (value, None)
        };
        let (network, prefix) = match address.split_once('/') {
            Some((network, prefix)) => (network, Some(prefix)),
            None => (address, None),
        };
        let network: IpAddr = network.parse().map_err(|_| bad())?;
        let full = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= full)
                .ok_or_else(bad)?,
            None => full,
        };
        Ok(Expression::Address {
            remote,
            network,
            prefix,
            port,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sockets::Protocol;

    fn socket(local: &str, remote: &str, state: u8) -> InetSocket {
        InetSocket {
            protocol: Protocol::Tcp,
            family: 2,
            local: local.parse().unwrap(),
            remote: remote.parse().unwrap(),
            state,
            recv_q: 0,
            send_q: 0,
            uid: 0,
            inode: 1,
            timer: Default::default(),
            tcp_info: None,
        }
    }

    #[test]
    fn ss_s_examples_select_as_ss_does() {
        let server = socket("192.168.56.101:5000", "192.168.56.102:43522", 1);
        let listener = socket("0.0.0.0:5000", "0.0.0.0:0", 10);
        let waiting = socket("192.168.56.102:43522", "192.168.56.101:5000", 6);
        let keeps = |filter: &str| -> Vec<bool> {
            let filter = SocketFilter::parse(filter).unwrap();
            [&server, &listener, &waiting]
                .iter()
                .map(|s| filter.matches(s))
                .collect()
        };
        assert_eq!(keeps("state established"), [true, false, false]);
        assert_eq!(keeps("state listening"), [false, true, false]);
        assert_eq!(keeps("exclude listening"), [true, false, true]);
        assert_eq!(keeps("state connected"), [true, false, true]);
        assert_eq!(keeps("state bucket"), [false, false, true]);
        assert_eq!(
            keeps("( dport = :5000 or sport = :5000 )"),
            [true, true, true]
        );
        assert_eq!(keeps("dport = :5000"), [false, false, true]);
        assert_eq!(
            keeps("sport > :1024 and not sport = :5000"),
            [false, false, true]
        );
        assert_eq!(
            keeps("src 192.168.56.0/24 dport gt :40000"),
            [true, false, false]
        );
        assert_eq!(
            keeps("dst [::ffff:192.168.56.101]:5000"),
            [false, false, false]
        );
        assert_eq!(keeps("dst 192.168.56.101:5000"), [false, false, true]);
        assert_eq!(keeps("state TIME_WAIT"), [false, false, true]);
    }

    #[test]
    fn errors_point_at_the_word() {
        for (filter, column, what) in [
            ("state establish", 6, "unknown state"),
            ("dport = :http", 8, "is not a port"),
            ("dport ~ :5000", 6, "expected a comparison"),
            ("( sport = :5000", 15, "expected \")\""),
            ("port = 5", 0, "unknown test"),
            ("src 300.1.1.1", 4, "is not an address"),
        ] {
            let err = SocketFilter::parse(filter).unwrap_err().to_string();
            assert!(err.contains(what), "{filter}: {err}");
            let caret = format!("\n  {}^ here", " ".repeat(column));
            assert!(err.contains(&caret), "{filter}: {err:?}");
        }
    }
}
