//! ARP for Ethernet and IPv4 (hardware type 1, protocol 0x0800, lengths 6 and 4): the
//! only kind a lab sees. Other hardware or protocol types are left as Raw.

use super::ether::ethertype;
use super::field::{fixed, Field, Format, Spec};
use super::{ipv4_address, mac, Kind, Walk};

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
        return walk.raw(at, data.len());
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
