//! ARP: for Ethernet and IPv4 (hardware type 1, protocol 0x0800, lengths 6 and 4, what
//! a lab sees) with its addresses at hand for the summary; for any other hardware or
//! protocol, as Scapy's ARP reads it: each address by its length, a MAC for Ethernet,
//! an IPv4 or IPv6 address for those protocols, bytes otherwise.

use std::ops::Range;

use super::ether::ethertype;
use super::field::{field, fixed, python_bytes, trim_nuls, Field, Format, Spec};
use super::{ipv4_address, mac, Kind, Value, Walk};

/// Scapy's HARDWARE_TYPES (ARP's and BOOTP's hardware types).
pub(super) fn hardware_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Ethernet (10Mb)",
        2 => "Ethernet (3Mb)",
        3 => "AX.25",
        4 => "Proteon ProNET Token Ring",
        5 => "Chaos",
        6 => "IEEE 802 Networks",
        7 => "ARCNET",
        8 => "Hyperchannel",
        9 => "Lanstar",
        10 => "Autonet Short Address",
        11 => "LocalTalk",
        12 => "LocalNet",
        13 => "Ultra link",
        14 => "SMDS",
        15 => "Frame relay",
        16 | 19 | 21 => "ATM",
        17 => "HDLC",
        18 => "Fibre Channel",
        20 => "Serial Line",
        _ => return None,
    })
}

/// ARP's operations, with Scapy's names.
pub fn operation(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "who-has",
        2 => "is-at",
        3 => "RARP-req",
        4 => "RARP-rep",
        5 => "Dyn-RARP-req",
        6 => "Dyn-RAR-rep",
        7 => "Dyn-RARP-err",
        8 => "InARP-req",
        9 => "InARP-rep",
        _ => return None,
    })
}

const HWTYPE: Spec = Spec::new("hwtype", 0, 2, Format::HexEnum(hardware_type));
const PTYPE: Spec = Spec::new("ptype", 2, 2, Format::HexEnum(ethertype));
const HWLEN: Spec = Spec::new("hwlen", 4, 1, Format::Int);
const PLEN: Spec = Spec::new("plen", 5, 1, Format::Int);
const OP: Spec = Spec::new("op", 6, 2, Format::Enum(operation));
const HWSRC: Spec = Spec::new("hwsrc", 8, 6, Format::Mac);
const PSRC: Spec = Spec::new("psrc", 14, 4, Format::Ipv4);
const HWDST: Spec = Spec::new("hwdst", 18, 6, Format::Mac);
const PDST: Spec = Spec::new("pdst", 24, 4, Format::Ipv4);
const FIELDS: [Spec; 9] = [HWTYPE, PTYPE, HWLEN, PLEN, OP, HWSRC, PSRC, HWDST, PDST];
const LENGTH: usize = 28;

pub(super) fn dissect(walk: &mut Walk, at: usize) {
    let data = walk.data;
    if data.len() < at + LENGTH
        || HWTYPE.get(data, at) != 1
        || PTYPE.get(data, at) != 0x0800
        || HWLEN.get(data, at) != 6
        || PLEN.get(data, at) != 4
    {
        return match addresses(data, at) {
            Some(parts) => {
                let end = parts.last().map_or(at + HEADER, |p| p.range.end);
                walk.push(
                    Kind::ArpOther {
                        op: OP.get(data, at) as u16,
                    },
                    at..end,
                );
                walk.padding(end);
            }
            None => walk.raw(at, data.len()),
        };
    }
    walk.push(
        Kind::Arp {
            op: OP.get(data, at) as u16,
            hwsrc: mac(data, at + HWSRC.at),
            psrc: ipv4_address(data, at + PSRC.at),
            hwdst: mac(data, at + HWDST.at),
            pdst: ipv4_address(data, at + PDST.at),
        },
        at..at + LENGTH,
    );
    walk.padding(at + LENGTH);
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&FIELDS, data, at)
}

/// The fixed part before the addresses.
const HEADER: usize = 8;

/// How one address of a general ARP packet is read (Scapy's MultipleTypeField).
#[derive(Clone, Copy)]
enum Form {
    /// A MACField: as many of its 6 bytes as there are.
    Mac,
    Ipv4,
    Ipv6,
    /// A StrFixedLenField of the declared length, cut short with the packet.
    Bytes(usize),
}

struct Address {
    name: &'static str,
    range: Range<usize>,
    text: String,
}

/// The four addresses of a general ARP packet at `at`, each as Scapy shows it; `None`
/// when the header or an IP address is cut short (Scapy then reads Raw).
fn addresses(data: &[u8], at: usize) -> Option<Vec<Address>> {
    if data.len() < at + HEADER {
        return None;
    }
    let (hwlen, plen) = (HWLEN.get(data, at) as usize, PLEN.get(data, at) as usize);
    let hardware = if HWTYPE.get(data, at) == 1 && hwlen == 6 {
        Form::Mac
    } else {
        Form::Bytes(hwlen)
    };
    let protocol = match (PTYPE.get(data, at), plen) {
        (0x0800, 4) => Form::Ipv4,
        (0x86dd, 16) => Form::Ipv6,
        _ => Form::Bytes(plen),
    };
    let mut next = at + HEADER;
    let mut out = Vec::with_capacity(4);
    for (name, form) in [
        ("hwsrc", hardware),
        ("psrc", protocol),
        ("hwdst", hardware),
        ("pdst", protocol),
    ] {
        let rest = &data[next.min(data.len())..];
        let (taken, text) = match form {
            Form::Mac => {
                let bytes = &rest[..rest.len().min(6)];
                (bytes.len(), crate::addr::format_mac(bytes))
            }
            Form::Ipv4 => {
                let bytes: [u8; 4] = rest.get(..4)?.try_into().ok()?;
                (4, std::net::Ipv4Addr::from(bytes).to_string())
            }
            Form::Ipv6 => {
                let bytes: [u8; 16] = rest.get(..16)?.try_into().ok()?;
                (16, std::net::Ipv6Addr::from(bytes).to_string())
            }
            Form::Bytes(length) => {
                let bytes = &rest[..rest.len().min(length)];
                (bytes.len(), python_bytes(trim_nuls(bytes)))
            }
        };
        out.push(Address {
            name,
            range: next..next + taken,
            text,
        });
        next += taken;
    }
    Some(out)
}

pub(super) fn other_fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&FIELDS[..5], data, at);
    for address in addresses(data, at).unwrap_or_default() {
        out.push(field(
            address.name,
            address.range,
            Value::Text(address.text),
        ));
    }
    out
}

/// Scapy's ARP.mysummary for a general ARP packet.
pub fn other_summary(data: &[u8], at: usize) -> String {
    let parts = addresses(data, at).unwrap_or_default();
    let text = |name: &str| {
        parts
            .iter()
            .find(|p| p.name == name)
            .map_or("", |p| p.text.as_str())
    };
    match OP.get(data, at) {
        1 => format!("ARP who has {} says {}", text("pdst"), text("psrc")),
        2 => format!("ARP is at {} says {}", text("hwsrc"), text("psrc")),
        op => {
            let name = operation(op).map_or_else(|| op.to_string(), str::to_string);
            format!("ARP {name} {} > {}", text("psrc"), text("pdst"))
        }
    }
}
