//! TCP: the header, every option in Scapy's list form, and what the segment carries
//! (HTTP/1.x by its content, on any port; anything else Raw).

use std::fmt::Write as _;

use super::field::{field, fixed, python_bytes, Field, Format, Spec};
use super::{Kind, Value, Walk};
use crate::netbase;

fn service(port: u64) -> Option<&'static str> {
    netbase::service_name(u16::try_from(port).ok()?, "tcp")
}

/// Scapy's flag letters, bit 0 first.
pub const FLAG_LETTERS: &[&str] = &["F", "S", "R", "P", "A", "U", "E", "C", "N"];

pub const SPORT: Spec = Spec::new("sport", 0, 2, Format::Enum(service));
pub const DPORT: Spec = Spec::new("dport", 2, 2, Format::Enum(service));
pub const DATAOFS: Spec = Spec::bits("dataofs", 12, 2, 0xf000, Format::Int);
pub const FLAGS: Spec = Spec::bits("flags", 12, 2, 0x01ff, Format::Flags(FLAG_LETTERS, ""));
pub const SEQ: Spec = Spec::new("seq", 4, 4, Format::Int);
pub const ACK: Spec = Spec::new("ack", 8, 4, Format::Int);
pub const WINDOW: Spec = Spec::new("window", 14, 2, Format::Int);
const FIELDS: [Spec; 10] = [
    SPORT,
    DPORT,
    SEQ,
    ACK,
    DATAOFS,
    Spec::bits("reserved", 12, 2, 0x0e00, Format::Int),
    FLAGS,
    WINDOW,
    Spec::new("chksum", 16, 2, Format::Hex),
    Spec::new("urgptr", 18, 2, Format::Int),
];
const MIN_HEADER: usize = 20;
/// What Scapy 2.8.0 binds to TCP ports.
#[derive(Clone, Copy)]
enum Bound {
    Dns,
    Kerberos,
    NetbiosSession,
    Skinny,
    Pptp,
    /// One labnet does not decode (its payload is Raw): kpasswd, DCE/RPC, LDAP.
    Other,
}

/// A port's binding in Scapy's `TCP.payload_guess`, with its place in that list (its
/// bindings of one port are side by side, source or destination): of two bound ports
/// the earlier binding decides. A match, not a table walk: most segments are to
/// ports nothing binds, and this is the summary's per-packet path.
fn binding(port: u64) -> Option<(u8, Bound)> {
    Some(match port {
        53 => (0, Bound::Dns),
        88 => (1, Bound::Kerberos),
        464 => (2, Bound::Other),
        135 => (3, Bound::Other),
        445 => (4, Bound::NetbiosSession),
        139 => (5, Bound::NetbiosSession),
        389 => (6, Bound::Other),
        3268 => (7, Bound::Other),
        1723 => (8, Bound::Pptp),
        2000 => (9, Bound::Skinny),
        _ => return None,
    })
}

/// A TCP header quoted in an ICMP error may hold only its ports and sequence number.
const MIN_QUOTED: usize = 8;

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, quoted: bool) {
    let data = walk.data;
    let minimum = if quoted { MIN_QUOTED } else { MIN_HEADER };
    if end < at + minimum {
        return walk.raw(at, end);
    }
    let flags = if end >= at + FLAGS.end() {
        FLAGS.get(data, at) as u16
    } else {
        0
    };
    let header_len = if end >= at + DATAOFS.end() {
        DATAOFS.get(data, at) as usize * 4
    } else {
        MIN_QUOTED
    };
    let header_end = if quoted {
        end.min(at + header_len.max(MIN_QUOTED))
    } else {
        at + header_len
    };
    if !quoted && (header_len < MIN_HEADER || end < header_end) {
        return walk.raw(at, end);
    }
    walk.push(
        Kind::Tcp {
            sport: SPORT.get(data, at) as u16,
            dport: DPORT.get(data, at) as u16,
            flags,
            quoted,
        },
        at..end,
    );
    if !quoted && header_end < end {
        let (sport, dport) = (SPORT.get(data, at), DPORT.get(data, at));
        let bound = match (binding(sport), binding(dport)) {
            (Some(source), Some(destination)) => Some(if source.0 <= destination.0 {
                source
            } else {
                destination
            }),
            (source, destination) => source.or(destination),
        };
        match bound.map(|(_, bound)| bound) {
            Some(Bound::Dns) => return super::dns::dissect_tcp(walk, header_end, end),
            Some(Bound::Kerberos) => return super::kerberos::dissect_tcp(walk, header_end, end),
            Some(Bound::NetbiosSession) => {
                return super::netbios::dissect_session(walk, header_end, end)
            }
            Some(Bound::Skinny) => return super::skinny::dissect(walk, header_end, end),
            Some(Bound::Pptp) => return super::pptp::dissect(walk, header_end, end),
            Some(Bound::Other) => return walk.raw(header_end, end),
            None => {}
        }
        if let Some(request) = super::http::starts_message(&data[header_end..end]) {
            return super::http::dissect(walk, header_end, end, request);
        }
    }
    walk.raw(header_end, end);
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&FIELDS, data, at);
    if out.len() == FIELDS.len() {
        let end = (at + DATAOFS.get(data, at) as usize * 4)
            .max(at + MIN_HEADER)
            .min(data.len());
        let start = (at + MIN_HEADER).min(end);
        out.push(field(
            "options",
            start..end,
            Value::Text(options(&data[start..end])),
        ));
    }
    out
}

/// Scapy's TCPOptions: the name of each known option and the struct layout its value
/// is unpacked with (when the length matches; otherwise the raw bytes are kept).
enum Layout {
    /// The bytes as they are (`('SAckOK', b'')`).
    Bytes,
    /// Big-endian integers of these sizes; one alone is shown bare, several as a tuple.
    Numbers(&'static [usize]),
    /// A run of 32-bit numbers (SACK blocks), always a tuple.
    Words,
}

fn known_option(kind: u8) -> Option<(&'static str, Layout)> {
    Some(match kind {
        2 => ("MSS", Layout::Numbers(&[2])),
        3 => ("WScale", Layout::Numbers(&[1])),
        4 => ("SAckOK", Layout::Bytes),
        5 => ("SAck", Layout::Words),
        8 => ("Timestamp", Layout::Numbers(&[4, 4])),
        14 => ("AltChkSum", Layout::Numbers(&[1, 2])),
        15 => ("AltChkSumOpt", Layout::Bytes),
        19 => ("MD5", Layout::Bytes),
        28 => ("UTO", Layout::Numbers(&[2])),
        34 => ("TFO", Layout::Numbers(&[4, 4])),
        _ => return None,
    })
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| (n << 8) | u64::from(b))
}

/// The option list as Python's repr of Scapy's list of tuples, e.g.
/// `[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1234, 0)), ('NOP', None), ('WScale', 7)]`.
pub fn options(mut bytes: &[u8]) -> String {
    let mut items: Vec<String> = Vec::new();
    while let Some(&kind) = bytes.first() {
        match kind {
            0 => {
                items.push("('EOL', None)".into());
                break;
            }
            1 => {
                items.push("('NOP', None)".into());
                bytes = &bytes[1..];
                continue;
            }
            _ => {}
        }
        // Scapy reads a length under 2 (or a missing one) as 2.
        let length = usize::from(bytes.get(1).copied().unwrap_or(0)).max(2);
        let value = bytes.get(2..length.min(bytes.len())).unwrap_or(&[]);
        let item = match known_option(kind) {
            Some((name, layout)) => {
                format!("('{name}', {})", option_value(value, &layout))
            }
            None => format!("({kind}, {})", python_bytes(value)),
        };
        items.push(item);
        bytes = bytes.get(length..).unwrap_or(&[]);
    }
    format!("[{}]", items.join(", "))
}

fn option_value(value: &[u8], layout: &Layout) -> String {
    match layout {
        Layout::Bytes => python_bytes(value),
        Layout::Numbers(sizes) if sizes.iter().sum::<usize>() == value.len() => {
            let mut numbers = Vec::with_capacity(sizes.len());
            let mut at = 0;
            for size in sizes.iter() {
                numbers.push(be(&value[at..at + size]));
                at += size;
            }
            python_tuple(&numbers, sizes.len() == 1)
        }
        Layout::Words if value.len() % 4 == 0 => {
            let numbers: Vec<u64> = value.chunks(4).map(be).collect();
            // Scapy unpacks one number alone bare, as for any layout.
            python_tuple(&numbers, numbers.len() == 1)
        }
        _ => python_bytes(value),
    }
}

/// A Python tuple of numbers (`(1, 2)`, `(5,)`, `()`), or the one number bare.
fn python_tuple(numbers: &[u64], bare: bool) -> String {
    if bare {
        return numbers[0].to_string();
    }
    let mut text = String::from("(");
    for (i, n) in numbers.iter().enumerate() {
        if i > 0 {
            text.push_str(", ");
        }
        let _ = write!(text, "{n}");
    }
    if numbers.len() == 1 {
        text.push(',');
    }
    text.push(')');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_print_as_scapys_list() {
        // A Linux SYN's options (MSS, SACK permitted, timestamps, NOP, window scale),
        // beside the list scapy 2.8.0 prints for them.
        let syn = [
            2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x04, 0xd2, 0, 0, 0, 0, 1, 3, 3, 7,
        ];
        assert_eq!(
            options(&syn),
            "[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (1234, 0)), ('NOP', None), ('WScale', 7)]"
        );
        // SACK blocks, an unknown option, a malformed MSS, then EOL and what follows.
        let mixed = [5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 99, 3, 0xab, 2, 3, 1, 0, 1, 1];
        assert_eq!(
            options(&mixed),
            "[('SAck', (1, 2)), (99, b'\\xab'), ('MSS', b'\\x01'), ('EOL', None)]"
        );
        assert_eq!(options(&[]), "[]");
        // A length byte of 0 is read as 2; a length past the end takes what is there.
        assert_eq!(options(&[30, 0, 30, 9, 1]), "[(30, b''), (30, b'\\x01')]");
    }
}
