//! ICMPv6: errors (with the packet they quote), echo, multicast listener discovery
//! (v1 and v2) and neighbour discovery with its options, in Scapy's classes, names and
//! formats.
//!
//! Scapy picks a class by type only when the message reaches the type's minimum
//! length, and shows Raw otherwise (or for a type it has no class for). Types Scapy
//! has classes for that a lab does not see (mobile IPv6, multicast router discovery)
//! are listed with Scapy's fallback fields, as are ND options labnet has no class for.
//! RPL's control messages are Scapy's `ICMPv6RPL`: its 4-byte header, the message
//! after it Raw. Node information messages are `node_info`'s.

use std::ops::Range;

use super::field::{
    field, fixed, packed_addresses, python_bytes, python_str, string_field, trim_nuls, Field,
    Format, Group, Rest, Spec,
};
use super::{ipv6, node_info, Kind, Value, Walk};

/// Scapy's `icmp6types`.
pub fn type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Destination unreachable",
        2 => "Packet too big",
        3 => "Time exceeded",
        4 => "Parameter problem",
        100 | 101 | 200 | 201 => "Private Experimentation",
        128 => "Echo Request",
        129 => "Echo Reply",
        130 => "MLD Query",
        131 => "MLD Report",
        132 => "MLD Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect Message",
        138 => "Router Renumbering",
        139 => "ICMP Node Information Query",
        140 => "ICMP Node Information Response",
        141 => "Inverse Neighbor Discovery Solicitation Message",
        142 => "Inverse Neighbor Discovery Advertisement Message",
        143 => "MLD Report Version 2",
        144 => "Home Agent Address Discovery Request Message",
        145 => "Home Agent Address Discovery Reply Message",
        146 => "Mobile Prefix Solicitation",
        147 => "Mobile Prefix Advertisement",
        148 => "Certification Path Solicitation",
        149 => "Certification Path Advertisement",
        151 => "Multicast Router Advertisement",
        152 => "Multicast Router Solicitation",
        153 => "Multicast Router Termination",
        155 => "RPL Control Message",
        _ => return None,
    })
}

fn unreachable_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "No route to destination",
        1 => "Communication with destination administratively prohibited",
        2 => "Beyond scope of source address",
        3 => "Address unreachable",
        4 => "Port unreachable",
        _ => return None,
    })
}

fn time_exceeded_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "hop limit exceeded in transit",
        1 => "fragment reassembly time exceeded",
        _ => return None,
    })
}

fn parameter_problem_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "erroneous header field encountered",
        1 => "unrecognized Next Header type encountered",
        2 => "unrecognized IPv6 option encountered",
        3 => "first fragment has incomplete header chain",
        _ => return None,
    })
}

fn router_preference(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Medium (default)",
        1 => "High",
        2 => "Reserved",
        3 => "Low",
        _ => return None,
    })
}

/// The minimum length Scapy needs to pick a class for a type (`icmp6typesminhdrlen`;
/// node information messages only need their first bytes); `None`: Scapy shows Raw.
fn minimum_length(icmp_type: u8) -> Option<usize> {
    Some(match icmp_type {
        1..=4 | 128 | 129 | 133 | 141..=147 | 151 => 8,
        130..=132 | 135 | 136 => 24,
        134 => 16,
        137 => 40,
        152 | 153 | 155 => 4,
        _ => return None,
    })
}

/// Scapy's class name for a message (what its summary line shows) and the class's
/// display name (`show()`'s heading). Types Scapy knows but labnet does not decode
/// yet get Scapy's fallback display name.
pub fn names(icmp_type: u8, code: u8, qtype: u16, length: usize) -> (&'static str, &'static str) {
    if let Some(names) = node_info::names(icmp_type, code, qtype, length) {
        return names;
    }
    match icmp_type {
        1 => ("ICMPv6DestUnreach", "ICMPv6 Destination Unreachable"),
        2 => ("ICMPv6PacketTooBig", "ICMPv6 Packet Too Big"),
        3 => ("ICMPv6TimeExceeded", "ICMPv6 Time Exceeded"),
        4 => ("ICMPv6ParamProblem", "ICMPv6 Parameter Problem"),
        128 => ("ICMPv6EchoRequest", "ICMPv6 Echo Request"),
        129 => ("ICMPv6EchoReply", "ICMPv6 Echo Reply"),
        130 if length >= MLD_QUERY2_LENGTH => {
            ("ICMPv6MLQuery2", "MLDv2 - Multicast Listener Query")
        }
        130 => ("ICMPv6MLQuery", "MLD - Multicast Listener Query"),
        131 => ("ICMPv6MLReport", "MLD - Multicast Listener Report"),
        132 => ("ICMPv6MLDone", "MLD - Multicast Listener Done"),
        133 => (
            "ICMPv6ND_RS",
            "ICMPv6 Neighbor Discovery - Router Solicitation",
        ),
        134 => (
            "ICMPv6ND_RA",
            "ICMPv6 Neighbor Discovery - Router Advertisement",
        ),
        135 => (
            "ICMPv6ND_NS",
            "ICMPv6 Neighbor Discovery - Neighbor Solicitation",
        ),
        136 => (
            "ICMPv6ND_NA",
            "ICMPv6 Neighbor Discovery - Neighbor Advertisement",
        ),
        137 => ("ICMPv6ND_Redirect", "ICMPv6 Neighbor Discovery - Redirect"),
        139 => ("ICMPv6NIQuery", "Scapy6 ICMPv6 fallback class"),
        140 => ("ICMPv6NIReply", "Scapy6 ICMPv6 fallback class"),
        141 => (
            "ICMPv6ND_INDSol",
            "ICMPv6 Inverse Neighbor Discovery Solicitation",
        ),
        142 => (
            "ICMPv6ND_INDAdv",
            "ICMPv6 Inverse Neighbor Discovery Advertisement",
        ),
        143 => ("ICMPv6MLReport2", "MLDv2 - Multicast Listener Report"),
        144 => ("ICMPv6HAADRequest", "Scapy6 ICMPv6 fallback class"),
        145 => ("ICMPv6HAADReply", "Scapy6 ICMPv6 fallback class"),
        146 => ("ICMPv6MPSol", "Scapy6 ICMPv6 fallback class"),
        147 => ("ICMPv6MPAdv", "Scapy6 ICMPv6 fallback class"),
        151 => ("ICMPv6MRD_Advertisement", "Scapy6 ICMPv6 fallback class"),
        152 => ("ICMPv6MRD_Solicitation", "Scapy6 ICMPv6 fallback class"),
        153 => ("ICMPv6MRD_Termination", "Scapy6 ICMPv6 fallback class"),
        155 => ("ICMPv6RPL", "RPL"),
        _ => ("ICMPv6Unknown", "Scapy6 ICMPv6 fallback class"),
    }
}

/// An MLD query this long or longer is MLDv2's (RFC 3810, 8.1).
const MLD_QUERY2_LENGTH: usize = 28;

pub const TYPE: Spec = Spec::new("type", 0, 1, Format::Enum(type_name));
const CKSUM: Spec = Spec::new("cksum", 2, 2, Format::Hex);
pub const ID: Spec = Spec::new("id", 4, 2, Format::Hex);
pub const SEQ: Spec = Spec::new("seq", 6, 2, Format::Hex);
pub const TARGET: Spec = Spec::new("tgt", 8, 16, Format::Ipv6);
const ERROR_HEADER: usize = 8;

/// Where neighbour discovery options start in each ND message.
fn options_offset(icmp_type: u8) -> Option<usize> {
    match icmp_type {
        133 | 141 | 142 => Some(8),
        134 => Some(16),
        135 | 136 => Some(24),
        137 => Some(40),
        _ => None,
    }
}

/// At most this many ND options are followed.
const MAX_OPTIONS: usize = 64;

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let Some(icmp_type) = data.get(at).copied().filter(|_| at < end) else {
        return walk.raw(at, end);
    };
    // Node information: Scapy's guesser, from 3 bytes on.
    let node_info =
        (matches!(icmp_type, 139 | 140) && end - at > 2).then(|| node_info::length(data, at, end));
    match (node_info, minimum_length(icmp_type)) {
        (Some(Some(_)), _) => {}
        (None, Some(minimum)) if end >= at + minimum => {}
        _ => return walk.raw(at, end),
    }
    let number = |spec: &Spec| {
        if end >= at + spec.end() {
            spec.get(data, at) as u16
        } else {
            0
        }
    };
    walk.push(
        Kind::Icmpv6 {
            icmp_type,
            code: data[at + 1],
            id: number(&ID),
            seq: number(&SEQ),
        },
        at..if icmp_type == RPL { at + 4 } else { end },
    );
    if let Some(Some(length)) = node_info {
        return walk.raw(at + length, end);
    }
    if icmp_type == RPL {
        return walk.raw(at + 4, end);
    }
    if (1..=4).contains(&icmp_type) {
        // Errors quote as much of the offending packet as fits.
        return walk.within(end, |walk| ipv6::dissect(walk, at + ERROR_HEADER, true));
    }
    if let Some(offset) = options_offset(icmp_type) {
        return nd_options(walk, at + offset, end);
    }
    if matches!(icmp_type, 130..=132) && end > at + 24 && end - at < MLD_QUERY2_LENGTH {
        // An MLDv1 message is 24 bytes; anything after is not Scapy's.
        walk.raw(at + 24, end);
    }
    // Echo data, MLDv2 records and other messages' bodies are fields of the ICMPv6
    // layer (Scapy's `data`, `records`, `msgbody`), not a layer above it.
}

fn nd_options(walk: &mut Walk, mut at: usize, end: usize) {
    let data = walk.data;
    for _ in 0..MAX_OPTIONS {
        // Scapy dissects an option while at least two bytes remain.
        if end < at + 2 {
            break;
        }
        let option = data[at];
        let mut length = match extent(option, data, at, end) {
            Some(Some(length)) => length,
            Some(None) => break,
            None => option_length(option, data[at + 1]),
        };
        // Scapy's ICMPv6NDOptUnknown reads its data as a StrLenField: cut short with
        // the packet; the known classes' fixed fields are not.
        if option_names(option) == UNKNOWN_OPTION {
            length = length.min(end - at);
        }
        // A DNS server option cut short keeps the whole addresses that fit (Scapy's
        // IP6ListField stops there); the bytes after them are read as the next option.
        if option == 25 && at + length > end && end - at >= 8 {
            length = 8 + (end - at - 8) / 16 * 16;
        }
        if at + length > end {
            break;
        }
        let address = matches!(option, 1 | 2).then(|| super::mac(data, at + 2));
        walk.push(
            Kind::NdOption {
                option,
                address,
                end,
            },
            at..at + length,
        );
        at += length;
    }
    walk.raw(at, end);
}

/// How many bytes the options Scapy reads by their fields take (`Some(None)`: Scapy
/// cannot read it); `None` for the others (`option_length`). Lengths derived from
/// `len` are Python slices of the rest of the packet.
fn extent(option: u8, data: &[u8], at: usize, end: usize) -> Option<Option<usize>> {
    let units = i64::from(data[at + 1]);
    let slice = |from: usize, length: i64| Rest { at: from, end }.slice(length);
    Some(match option {
        // Address lists: the 6 reserved bytes (what there is of them), then the whole
        // addresses of the slice.
        9 | 10 => {
            let list = slice((at + 8).min(end), 8 * (units - 1));
            Some((at + 8).min(end) + list.len() / 16 * 16 - at)
        }
        17 | 18 | 23 => (at + 24 <= end).then_some(24),
        19 => (at + 9 <= end).then_some(9),
        // Route information: Scapy pads a slice shorter than 16 bytes by what it asked
        // for short of 16, and reads the result only when it is an address's 16 bytes.
        24 => {
            let wanted = 8 * (units - 1);
            let prefix = (at + 8 <= end).then(|| slice(at + 8, wanted));
            prefix
                .filter(|p| {
                    let taken = p.len() as i64;
                    if wanted < 16 {
                        wanted >= 0 && taken == wanted
                    } else {
                        taken == 16
                    }
                })
                .map(|p| p.end - at)
        }
        31 => (at + 8 <= end).then(|| slice(at + 8, 8 * units - 8).end - at),
        // The redirected header: its 6 reserved bytes (what there is: Scapy's MayEnd
        // stops there when nothing follows), then the packet, a slice of the rest.
        4 => {
            let reserved_end = (at + 8).min(end);
            if reserved_end == end {
                Some(end - at)
            } else {
                Some(slice(reserved_end, 8 * units - 8).end - at)
            }
        }
        37 => Some(slice(at + 2, 8 * units.max(1) - 2).end - at),
        _ => return None,
    })
}

/// How many bytes an option occupies as Scapy dissects it: its class's fixed size, or
/// for variable ones its length field (in 8-byte units, at least one).
fn option_length(option: u8, units: u8) -> usize {
    match option {
        1 | 2 | 5 | 6 | 7 | 8 | 26 => 8,
        38 => 16,
        3 => 32,
        _ => usize::from(units).max(1) * 8,
    }
}

/// Scapy's class name and display name of an ND option.
pub(super) fn option_names(option: u8) -> (&'static str, &'static str) {
    match option {
        1 => (
            "ICMPv6NDOptSrcLLAddr",
            "ICMPv6 Neighbor Discovery Option - Source Link-Layer Address",
        ),
        2 => (
            "ICMPv6NDOptDstLLAddr",
            "ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address",
        ),
        3 => (
            "ICMPv6NDOptPrefixInfo",
            "ICMPv6 Neighbor Discovery Option - Prefix Information",
        ),
        5 => ("ICMPv6NDOptMTU", "ICMPv6 Neighbor Discovery Option - MTU"),
        6 => (
            "ICMPv6NDOptShortcutLimit",
            "ICMPv6 Neighbor Discovery Option - NBMA Shortcut Limit",
        ),
        7 => (
            "ICMPv6NDOptAdvInterval",
            "ICMPv6 Neighbor Discovery - Interval Advertisement",
        ),
        8 => (
            "ICMPv6NDOptHAInfo",
            "ICMPv6 Neighbor Discovery - Home Agent Information",
        ),
        26 => (
            "ICMPv6NDOptEFA",
            "ICMPv6 Neighbor Discovery Option - Expanded Flags Option",
        ),
        38 => (
            "ICMPv6NDOptPREF64",
            "ICMPv6 Neighbor Discovery Option - PREF64 Option",
        ),
        25 => (
            "ICMPv6NDOptRDNSS",
            "ICMPv6 Neighbor Discovery Option - Recursive DNS Server Option",
        ),
        9 => (
            "ICMPv6NDOptSrcAddrList",
            "ICMPv6 Inverse Neighbor Discovery Option - Source Address List",
        ),
        10 => (
            "ICMPv6NDOptTgtAddrList",
            "ICMPv6 Inverse Neighbor Discovery Option - Target Address List",
        ),
        17 => (
            "ICMPv6NDOptIPAddr",
            "ICMPv6 Neighbor Discovery - IP Address Option (FH for MIPv6)",
        ),
        18 => (
            "ICMPv6NDOptNewRtrPrefix",
            "ICMPv6 Neighbor Discovery - New Router Prefix Information Option (FH for MIPv6)",
        ),
        19 => (
            "ICMPv6NDOptLLA",
            "ICMPv6 Neighbor Discovery - Link-Layer Address (LLA) Option (FH for MIPv6)",
        ),
        23 => ("ICMPv6NDOptMAP", "ICMPv6 Neighbor Discovery - MAP Option"),
        24 => (
            "ICMPv6NDOptRouteInfo",
            "ICMPv6 Neighbor Discovery Option - Route Information Option",
        ),
        31 => (
            "ICMPv6NDOptDNSSL",
            "ICMPv6 Neighbor Discovery Option - DNS Search List Option",
        ),
        37 => (
            "ICMPv6NDOptCaptivePortal",
            "ICMPv6 Neighbor Discovery Option - Captive-Portal Option",
        ),
        4 => (
            "ICMPv6NDOptRedirectedHdr",
            "ICMPv6 Neighbor Discovery Option - Redirected Header",
        ),
        _ => UNKNOWN_OPTION,
    }
}

/// Scapy's class for an ND option it has no class of its own for.
const UNKNOWN_OPTION: (&str, &str) = (
    "ICMPv6NDOptUnknown",
    "ICMPv6 Neighbor Discovery Option - Scapy Unimplemented",
);

const OPTION_TYPE: Spec = Spec::new("type", 0, 1, Format::Int);
const OPTION_LEN: Spec = Spec::new("len", 1, 1, Format::Int);
const LLADDR: Spec = Spec::new("lladdr", 2, 6, Format::Mac);
const PREFIX_INFO: [Spec; 11] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("prefixlen", 2, 1, Format::Int),
    Spec::bits("L", 3, 1, 0x80, Format::Int),
    Spec::bits("A", 3, 1, 0x40, Format::Int),
    Spec::bits("R", 3, 1, 0x20, Format::Int),
    Spec::bits("res1", 3, 1, 0x1f, Format::Int),
    Spec::new("validlifetime", 4, 4, Format::Hex),
    Spec::new("preferredlifetime", 8, 4, Format::Hex),
    Spec::new("res2", 12, 4, Format::Hex),
    Spec::new("prefix", 16, 16, Format::Ipv6),
];
const MTU: [Spec; 4] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("res", 2, 2, Format::Hex),
    Spec::new("mtu", 4, 4, Format::Int),
];
const SHORTCUT_LIMIT: [Spec; 5] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("shortcutlim", 2, 1, Format::Int),
    Spec::new("res1", 3, 1, Format::Int),
    Spec::new("res2", 4, 4, Format::Int),
];
const ADV_INTERVAL: [Spec; 4] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("res", 2, 2, Format::Int),
    Spec::new("advint", 4, 4, Format::Int),
];
const HOME_AGENT: [Spec; 5] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("res", 2, 2, Format::Int),
    Spec::new("pref", 4, 2, Format::Int),
    Spec::new("lifetime", 6, 2, Format::Int),
];
const EXPANDED_FLAGS: [Spec; 3] = [OPTION_TYPE, OPTION_LEN, Spec::new("res", 2, 6, Format::Int)];
/// RFC 8781's prefix length codes, as Scapy names them.
fn prefix_length_code(number: u64) -> Option<&'static str> {
    ["/96", "/64", "/56", "/48", "/40", "/32"]
        .get(usize::try_from(number).ok()?)
        .copied()
}
const PREF64: [Spec; 4] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::bits("scaledlifetime", 2, 2, 0xfff8, Format::Int),
    Spec::bits("plc", 2, 2, 0x0007, Format::Enum(prefix_length_code)),
];
/// PREF64's prefix: its 12 bytes, then four zeros (Scapy's `_PREF64`).
fn pref64_prefix(data: &[u8], at: usize) -> std::net::Ipv6Addr {
    let mut address = [0u8; 16];
    address[..12].copy_from_slice(&data[at + 4..at + 16]);
    std::net::Ipv6Addr::from(address)
}
const RDNSS: [Spec; 4] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("res", 2, 2, Format::Int),
    Spec::new("lifetime", 4, 4, Format::Int),
];

fn fast_handover_code(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Old Care-Of Address",
        2 => "New Care-Of Address",
        3 => "NAR's IP address",
        _ => return None,
    })
}

fn lla_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Wildcard requesting resolution for all nearby AP",
        1 => "LLA for the new AP",
        2 => "LLA of the MN",
        3 => "LLA of the NAR",
        4 => "LLA of the src of TrSolPr or PrRtAdv msg",
        5 => "AP identified by LLA belongs to current iface of router",
        6 => "No preifx info available for AP identified by the LLA",
        7 => "No fast handovers support for AP identified by the LLA",
        _ => return None,
    })
}

const IP_ADDRESS: [Spec; 6] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("optcode", 2, 1, Format::Enum(fast_handover_code)),
    Spec::new("plen", 3, 1, Format::Int),
    Spec::new("res", 4, 4, Format::Int),
    Spec::new("addr", 8, 16, Format::Ipv6),
];
const NEW_ROUTER_PREFIX: [Spec; 6] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("optcode", 2, 1, Format::Int),
    Spec::new("plen", 3, 1, Format::Int),
    Spec::new("res", 4, 4, Format::Int),
    Spec::new("prefix", 8, 16, Format::Ipv6),
];
const LLA: [Spec; 4] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("optcode", 2, 1, Format::Enum(lla_code)),
    Spec::new("lla", 3, 6, Format::Mac),
];
const MAP: [Spec; 8] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::bits("dist", 2, 1, 0xf0, Format::Int),
    Spec::bits("pref", 2, 1, 0x0f, Format::Int),
    Spec::bits("R", 3, 1, 0x80, Format::Int),
    Spec::bits("res", 3, 1, 0x7f, Format::Int),
    Spec::new("validlifetime", 4, 4, Format::Int),
    Spec::new("addr", 8, 16, Format::Ipv6),
];
const ROUTE_INFO: [Spec; 7] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("plen", 2, 1, Format::Int),
    Spec::bits("res1", 3, 1, 0xe0, Format::Int),
    Spec::bits("prf", 3, 1, 0x18, Format::Enum(router_preference)),
    Spec::bits("res2", 3, 1, 0x07, Format::Int),
    Spec::new("rtlifetime", 4, 4, Format::Int),
];
const SEARCH_LIST: [Spec; 4] = [
    OPTION_TYPE,
    OPTION_LEN,
    Spec::new("res", 2, 2, Format::Int),
    Spec::new("lifetime", 4, 4, Format::Int),
];

/// A route information option's prefix: its bytes, then zeros to 16 (Scapy's
/// `_IP6PrefixField`).
fn route_prefix(data: &[u8], range: &Range<usize>) -> std::net::Ipv6Addr {
    let mut address = [0u8; 16];
    let bytes = &data[(range.start + 8).min(range.end)..range.end];
    address[..bytes.len()].copy_from_slice(bytes);
    std::net::Ipv6Addr::from(address)
}

/// The fields of the ND option over `range`, in a message that ends at `end`.
pub(super) fn option_fields(data: &[u8], range: Range<usize>, end: usize) -> Vec<Field> {
    let at = range.start;
    match data[at] {
        9 | 10 => {
            let mut out = fixed(&[OPTION_TYPE, OPTION_LEN], data, at);
            let reserved = at + 2..(at + 8).min(range.end);
            out.push(string_field("res", data, reserved, range.end));
            out.push(ipv6::address_list("addrlist", data, at + 8, range.end));
            out
        }
        4 => {
            let mut out = fixed(&[OPTION_TYPE, OPTION_LEN], data, at);
            let reserved_end = (at + 8).min(range.end);
            out.push(string_field("res", data, at + 2..reserved_end, range.end));
            let packet = reserved_end..range.end;
            let value = if reserved_end == end {
                // Dissection stopped after `res` (nothing follows it in the message):
                // `show()` lists the default.
                Value::Bytes(Vec::new())
            } else if data[at + 1] == 1 {
                // A length of 0 left for the packet: Scapy reads none.
                Value::None
            } else if packet.is_empty() {
                // A slice of nothing: Scapy builds a default IPv6 packet from it.
                Value::Packets(vec![ipv6::default_group(packet.start)])
            } else {
                Value::Packets(super::packet_groups(data, packet.clone()))
            };
            out.push(field("pkt", packet, value));
            out
        }
        17 => fixed(&IP_ADDRESS, data, at),
        18 => fixed(&NEW_ROUTER_PREFIX, data, at),
        19 => fixed(&LLA, data, at),
        23 => fixed(&MAP, data, at),
        24 => {
            let mut out = fixed(&ROUTE_INFO, data, at);
            let prefix = route_prefix(data, &range);
            out.push(field("prefix", at + 8..range.end, Value::Ipv6(prefix)));
            out
        }
        31 => {
            let mut out = fixed(&SEARCH_LIST, data, at);
            let list = super::dns::domain_names(&data[at + 8..range.end], true);
            let shown: Vec<String> = list.iter().map(|n| python_str(n)).collect();
            let text = Value::Text(format!("[{}]", shown.join(", ")));
            out.push(field("searchlist", at + 8..range.end, text));
            out
        }
        37 => {
            let mut out = fixed(&[OPTION_TYPE, OPTION_LEN], data, at);
            let uri = Value::Bytes(trim_nuls(&data[at + 2..range.end]).to_vec());
            out.push(field("URI", at + 2..range.end, uri));
            out
        }
        1 | 2 => fixed(&[OPTION_TYPE, OPTION_LEN, LLADDR], data, at),
        3 => fixed(&PREFIX_INFO, data, at),
        5 => fixed(&MTU, data, at),
        6 => fixed(&SHORTCUT_LIMIT, data, at),
        7 => fixed(&ADV_INTERVAL, data, at),
        8 => fixed(&HOME_AGENT, data, at),
        26 => fixed(&EXPANDED_FLAGS, data, at),
        38 => {
            let mut out = fixed(&PREF64, data, at);
            out.push(field(
                "prefix",
                at + 4..at + 16,
                Value::Ipv6(pref64_prefix(data, at)),
            ));
            out
        }
        25 => {
            let mut out = fixed(&RDNSS, data, at);
            out.push(ipv6::address_list("dns", data, at + 8, range.end));
            out
        }
        _ => {
            let mut out = fixed(&[OPTION_TYPE, OPTION_LEN], data, at);
            out.push(field(
                "data",
                at + 2..range.end,
                Value::Bytes(data[at + 2..range.end].to_vec()),
            ));
            out
        }
    }
}

/// What the ICMPv6 message and ND option classes of Scapy put in their own summaries,
/// as values (each in its field's display form); `present::summary` words them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnSummary {
    Echo {
        reply: bool,
        id: String,
        seq: String,
    },
    RouterAdvertisement {
        lifetime: String,
        hop_limit: String,
        preference: String,
        managed: String,
        other: String,
        home: String,
    },
    /// A neighbour solicitation or advertisement: its display name and target.
    Neighbor { name: &'static str, target: String },
    /// An option with one value: a link-layer address or an MTU.
    OptionValue { name: &'static str, value: String },
    Prefix {
        name: &'static str,
        prefix: String,
        length: String,
        on_link: String,
        autonomous: String,
        router_address: String,
    },
    DnsServers {
        name: &'static str,
        servers: Vec<String>,
    },
    /// A NAT64 prefix and its length code (`64:ff9b::/96`).
    Pref64 {
        name: &'static str,
        prefix: String,
        length: String,
    },
}

/// The summary data of an ND option that has a summary of its own in Scapy.
pub fn option_summary(data: &[u8], range: Range<usize>) -> Option<OwnSummary> {
    let at = range.start;
    let name = option_names(data[at]).1;
    let value = |spec: &Spec| spec.field(data, at).map(|f| f.value.to_string());
    Some(match data[at] {
        1 | 2 => OwnSummary::OptionValue {
            name,
            value: value(&LLADDR)?,
        },
        3 => OwnSummary::Prefix {
            name,
            prefix: value(&PREFIX_INFO[10])?,
            length: value(&PREFIX_INFO[2])?,
            on_link: value(&PREFIX_INFO[3])?,
            autonomous: value(&PREFIX_INFO[4])?,
            router_address: value(&PREFIX_INFO[5])?,
        },
        5 => OwnSummary::OptionValue {
            name,
            value: value(&MTU[3])?,
        },
        7 => OwnSummary::OptionValue {
            name,
            value: format!("{} milliseconds", value(&ADV_INTERVAL[3])?),
        },
        8 => OwnSummary::OptionValue {
            name,
            value: format!(
                "{} {} seconds",
                value(&HOME_AGENT[3])?,
                value(&HOME_AGENT[4])?
            ),
        },
        38 => {
            let code = PREF64[3].get(data, at);
            let length = prefix_length_code(code)
                .map_or_else(|| format!("[invalid PLC({code})]"), str::to_string);
            OwnSummary::Pref64 {
                name,
                prefix: pref64_prefix(data, at).to_string(),
                length,
            }
        }
        25 => OwnSummary::DnsServers {
            name,
            servers: packed_addresses(&data[(at + 8).min(range.end)..range.end], 16),
        },
        24 => OwnSummary::OptionValue {
            name,
            value: format!(
                "{}/{} Preference {}",
                route_prefix(data, &range),
                value(&ROUTE_INFO[2])?,
                value(&ROUTE_INFO[4])?
            ),
        },
        31 => OwnSummary::OptionValue {
            name,
            value: super::dns::domain_names(&data[at + 8..range.end], true).join(", "),
        },
        37 => OwnSummary::OptionValue {
            name,
            value: python_bytes(trim_nuls(&data[at + 2..range.end])),
        },
        _ => return None,
    })
}

const ROUTER_ADVERTISEMENT: [Spec; 10] = [
    Spec::new("chlim", 4, 1, Format::Int),
    Spec::bits("M", 5, 1, 0x80, Format::Int),
    Spec::bits("O", 5, 1, 0x40, Format::Int),
    Spec::bits("H", 5, 1, 0x20, Format::Int),
    Spec::bits("prf", 5, 1, 0x18, Format::Enum(router_preference)),
    Spec::bits("P", 5, 1, 0x04, Format::Int),
    Spec::bits("res", 5, 1, 0x03, Format::Int),
    Spec::new("routerlifetime", 6, 2, Format::Int),
    Spec::new("reachabletime", 8, 4, Format::Int),
    Spec::new("retranstimer", 12, 4, Format::Int),
];

/// The summary data of the message classes that have their own: echo, RA, NS and NA.
pub fn message_summary(data: &[u8], range: Range<usize>) -> Option<OwnSummary> {
    let at = range.start;
    let value = |spec: &Spec| spec.field(data, at).map(|f| f.value.to_string());
    Some(match data[at] {
        128 | 129 => OwnSummary::Echo {
            reply: data[at] == 129,
            id: value(&ID)?,
            seq: value(&SEQ)?,
        },
        134 => OwnSummary::RouterAdvertisement {
            lifetime: value(&ROUTER_ADVERTISEMENT[7])?,
            hop_limit: value(&ROUTER_ADVERTISEMENT[0])?,
            preference: value(&ROUTER_ADVERTISEMENT[4])?,
            managed: value(&ROUTER_ADVERTISEMENT[1])?,
            other: value(&ROUTER_ADVERTISEMENT[2])?,
            home: value(&ROUTER_ADVERTISEMENT[3])?,
        },
        135 | 136 => OwnSummary::Neighbor {
            name: names(data[at], data[at + 1], 0, range.len()).1,
            target: value(&TARGET)?,
        },
        _ => return None,
    })
}

/// RPL's control message type (RFC 6550), whose header is all Scapy reads.
const RPL: u8 = 155;

/// Scapy's `rplcodes`.
fn rpl_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "DIS",
        1 => "DIO",
        2 => "DAO",
        3 => "DAO-ACK",
        7 => "DCO",
        8 => "DCO-ACK",
        _ => return None,
    })
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let at = range.start;
    let icmp_type = data[at];
    if matches!(icmp_type, 139 | 140) {
        return node_info::fields(data, range);
    }
    let code_format = match icmp_type {
        1 => Format::Enum(unreachable_code),
        3 => Format::Enum(time_exceeded_code),
        4 => Format::Enum(parameter_problem_code),
        RPL => Format::Enum(rpl_code),
        _ => Format::Int,
    };
    let code = Spec::new("code", 1, 1, code_format);
    // MLDv2's report calls its code byte `res`.
    let code = if icmp_type == 143 {
        Spec::new("res", 1, 1, Format::Int)
    } else {
        code
    };
    let mut out = fixed(&[TYPE, code, CKSUM], data, at);
    // From `from` to the layer's end; empty at the end of a message cut before it.
    let rest = |from: usize| (at + from).min(range.end)..range.end;
    let bytes_field = |name: &'static str, from: usize| {
        let span = rest(from);
        let bytes = data.get(span.clone()).unwrap_or(&[]).to_vec();
        field(name, span, Value::Bytes(bytes))
    };
    let int = |name, offset, len| Spec::new(name, offset, len, Format::Int);
    match icmp_type {
        1 | 3 => {
            out.extend(fixed(
                &[int("length", 4, 1), Spec::new("unused", 5, 3, Format::Hex)],
                data,
                at,
            ));
            out.push(field("extpad", at + 8..at + 8, Value::Bytes(Vec::new())));
            out.push(field("ext", at + 8..at + 8, Value::None));
        }
        2 => out.extend(int("mtu", 4, 4).field(data, at)),
        4 => out.extend(int("ptr", 4, 4).field(data, at)),
        128 | 129 => {
            out.extend(fixed(&[ID, SEQ], data, at));
            out.push(bytes_field("data", 8));
        }
        130..=132 => {
            out.extend(fixed(
                &[
                    int("mrd", 4, 2),
                    int("reserved", 6, 2),
                    Spec::new("mladdr", 8, 16, Format::Ipv6),
                ],
                data,
                at,
            ));
            if range.len() >= MLD_QUERY2_LENGTH {
                out.extend(fixed(
                    &[
                        Spec::bits("Resv", 24, 1, 0xf0, Format::Int),
                        Spec::bits("S", 24, 1, 0x08, Format::Int),
                        Spec::bits("QRV", 24, 1, 0x07, Format::Int),
                        int("QQIC", 25, 1),
                        int("sources_number", 26, 2),
                    ],
                    data,
                    at,
                ));
                out.push(ipv6::address_list("sources", data, at + 28, range.end));
            }
        }
        RPL => {}
        133 => out.extend(int("res", 4, 4).field(data, at)),
        141 | 142 => out.extend(Spec::new("reserved", 4, 4, Format::Hex).field(data, at)),
        134 => out.extend(fixed(&ROUTER_ADVERTISEMENT, data, at)),
        135 => out.extend(fixed(&[int("res", 4, 4), TARGET], data, at)),
        136 => out.extend(fixed(
            &[
                Spec::bits("R", 4, 4, 0x8000_0000, Format::Int),
                Spec::bits("S", 4, 4, 0x4000_0000, Format::Int),
                Spec::bits("O", 4, 4, 0x2000_0000, Format::Int),
                Spec::bits("res", 4, 4, 0x1fff_ffff, Format::Hex),
                TARGET,
            ],
            data,
            at,
        )),
        137 => out.extend(fixed(
            &[
                Spec::new("res", 4, 4, Format::Hex),
                TARGET,
                Spec::new("dst", 24, 16, Format::Ipv6),
            ],
            data,
            at,
        )),
        143 => {
            out.extend(fixed(
                &[int("reserved", 4, 2), int("records_number", 6, 2)],
                data,
                at,
            ));
            let count = Spec::new("records_number", 6, 2, Format::Int).get(data, at);
            out.push(field(
                "records",
                rest(8),
                Value::Packets(mld_records(data, at + 8, range.end, count)),
            ));
        }
        _ => out.push(bytes_field("msgbody", 4)),
    }
    out
}

/// MLDv2 multicast address records: type, aux data length, number of sources, the
/// group, the sources, the aux data.
fn mld_records(data: &[u8], mut at: usize, end: usize, count: u64) -> Vec<Group> {
    let header = [
        Spec::new("rtype", 0, 1, Format::Int),
        Spec::new("auxdata_len", 1, 1, Format::Int),
        Spec::new("sources_number", 2, 2, Format::Int),
        Spec::new("dst", 4, 16, Format::Ipv6),
    ];
    let mut records = Vec::new();
    for _ in 0..count {
        if end < at + 20 {
            break;
        }
        let sources = header[2].get(data, at) as usize;
        let auxdata = header[1].get(data, at) as usize * 4;
        let sources_end = at + 20 + sources * 16;
        let record_end = sources_end + auxdata;
        if record_end > end {
            break;
        }
        let mut fields = fixed(&header, data, at);
        fields.push(ipv6::address_list("sources", data, at + 20, sources_end));
        fields.push(field(
            "auxdata",
            sources_end..record_end,
            Value::Bytes(data[sources_end..record_end].to_vec()),
        ));
        records.push(Group {
            // Scapy dissects each record as the payload of the one before it.
            depth: records.len(),
            ..Group::new(
                "ICMPv6 MLDv2 - Multicast Address Record",
                at..record_end,
                fields,
            )
        });
        at = record_end;
    }
    records
}
