//! IPv4, with its options as Scapy dissects them, and fragments (only the first
//! fragment carries the transport header).

use super::field::{address_list, field, fixed, Field, Format, Group, Spec};
use super::{ipv4_address, Kind, Value, Walk};
use crate::netbase;

pub(super) fn protocol(number: u64) -> Option<&'static str> {
    netbase::protocol_name(u8::try_from(number).ok()?)
}

const IP_FLAGS: &[&str] = &["MF", "DF", "evil"];

pub const VERSION: Spec = Spec::bits("version", 0, 1, 0xf0, Format::Int);
pub const IHL: Spec = Spec::bits("ihl", 0, 1, 0x0f, Format::Int);
pub const LEN: Spec = Spec::new("len", 2, 2, Format::Int);
pub const FLAGS: Spec = Spec::bits("flags", 6, 2, 0xe000, Format::Flags(IP_FLAGS, "+"));
pub const FRAG: Spec = Spec::bits("frag", 6, 2, 0x1fff, Format::Int);
pub const PROTO: Spec = Spec::new("proto", 9, 1, Format::Enum(protocol));
pub const SRC: Spec = Spec::new("src", 12, 4, Format::Ipv4);
pub const DST: Spec = Spec::new("dst", 16, 4, Format::Ipv4);
const FIELDS: [Spec; 12] = [
    VERSION,
    IHL,
    Spec::new("tos", 1, 1, Format::Hex),
    LEN,
    Spec::new("id", 4, 2, Format::Int),
    FLAGS,
    FRAG,
    Spec::new("ttl", 8, 1, Format::Int),
    PROTO,
    Spec::new("chksum", 10, 2, Format::Hex),
    SRC,
    DST,
];
const MIN_HEADER: usize = 20;

/// `quoted`: the header inside an ICMP error (Scapy's IPerror), usually cut short.
pub(super) fn dissect(walk: &mut Walk, at: usize, quoted: bool) {
    let data = walk.data;
    let header_len = data.get(at).map_or(0, |_| IHL.get(data, at) as usize * 4);
    if data.len() < at + MIN_HEADER || header_len < MIN_HEADER {
        return walk.raw(at, data.len());
    }
    if data.len() < at + header_len {
        // Cut inside the options: Scapy still reads the header, and what there is of
        // its options, with nothing after it.
        return walk.push(
            Kind::Ipv4 {
                src: ipv4_address(data, at + SRC.at),
                dst: ipv4_address(data, at + DST.at),
                protocol: PROTO.get(data, at) as u8,
                fragment_offset: FRAG.get(data, at) as u16,
                quoted,
            },
            at..data.len(),
        );
    }
    let total = LEN.get(data, at) as usize;
    // A quoted packet (in an ICMP error) is usually cut short: take what is there.
    let end = if quoted {
        data.len()
    } else {
        (at + total.max(header_len)).min(data.len())
    };
    let fragment_offset = FRAG.get(data, at) as u16;
    let protocol = PROTO.get(data, at) as u8;
    walk.push(
        Kind::Ipv4 {
            src: ipv4_address(data, at + SRC.at),
            dst: ipv4_address(data, at + DST.at),
            protocol,
            fragment_offset,
            quoted,
        },
        at..end,
    );
    walk.transport(at + header_len, end, protocol, fragment_offset, quoted);
    if !quoted {
        walk.padding(end);
    }
}

impl Walk<'_> {
    /// What an IPv4 header carries, as Scapy's IP binds it: TCP, UDP, ICMP, GRE and
    /// IP in IP in a first fragment (or whole datagram) only, IPv6, IGMP, AH, ESP, VRRP and SCTP in
    /// any fragment (Scapy binds them by protocol alone). Inside an ICMP error, IPerror
    /// binds TCPerror, UDPerror, ICMPerror and IPerror, then falls back on IP's own
    /// bindings (GRE, IPv6, IGMP, VRRP: their ordinary classes), and SCTPerror.
    fn transport(&mut self, at: usize, end: usize, protocol: u8, fragment: u16, quoted: bool) {
        let first = fragment == 0;
        match protocol {
            6 if first => super::tcp::dissect(self, at, end, quoted),
            17 if first => super::udp::dissect(self, at, end, quoted),
            1 if first => super::icmp::dissect(self, at, end, quoted),
            4 if first && quoted => self.within(end, |walk| dissect(walk, at, true)),
            4 if first => self.tunnel(at, end, dissect),
            47 if first => super::gre::dissect(self, at, end),
            41 => self.tunnel(at, end, super::ipv6::dissect),
            2 => super::igmp::dissect(self, at, end),
            51 => super::ipsec::dissect_ah(self, at, end),
            50 => super::ipsec::dissect_esp(self, at, end, false),
            112 => super::vrrp::dissect(self, at, end, false),
            132 => super::sctp::dissect(self, at, end, quoted),
            _ => self.raw(at, end),
        }
    }

    /// An IP packet inside IP (IP in IP, 6in4): cut at the outer packet's end.
    pub(super) fn tunnel(&mut self, at: usize, end: usize, inner: fn(&mut Self, usize, bool)) {
        if self.too_deep() {
            return self.raw(at, end);
        }
        self.within(end, |walk| inner(walk, at, false));
    }
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&FIELDS, data, at);
    let header_end = (at + IHL.get(data, at) as usize * 4).min(data.len());
    let start = (at + MIN_HEADER).min(header_end);
    out.push(field(
        "options",
        start..header_end,
        Value::Packets(options(data, start, header_end)),
    ));
    out
}

/// The name of an option number (the low 5 bits of its first byte), Scapy's.
fn option_name(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "end_of_list",
        1 => "nop",
        2 => "security",
        3 => "loose_source_route",
        4 => "timestamp",
        5 => "extended_security",
        6 => "commercial_security",
        7 => "record_route",
        8 => "stream_id",
        9 => "strict_source_route",
        10 => "experimental_measurement",
        11 => "mtu_probe",
        12 => "mtu_reply",
        13 => "flow_control",
        14 => "access_control",
        15 => "encode",
        16 => "imi_traffic_descriptor",
        17 => "extended_IP",
        18 => "traceroute",
        19 => "address_extension",
        20 => "router_alert",
        21 => "selective_directed_broadcast_mode",
        23 => "dynamic_packet_state",
        24 => "upstream_multicast_packet",
        25 => "quick_start",
        30 => "rfc4727_experiment",
        _ => return None,
    })
}

fn option_class(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "control",
        2 => "debug",
        _ => return None,
    })
}

fn router_alert(number: u64) -> Option<&'static str> {
    (number == 0).then_some("router_shall_examine_packet")
}

fn timestamp_flag(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "timestamp_only",
        1 => "timestamp_and_ip_addr",
        3 => "prespecified_ip_addr",
        _ => return None,
    })
}

/// Every option starts with this byte: copy flag, class, number.
const OPTION_HEADER: [Spec; 3] = [
    Spec::bits("copy_flag", 0, 1, 0x80, Format::Int),
    Spec::bits("optclass", 0, 1, 0x60, Format::Enum(option_class)),
    Spec::bits("option", 0, 1, 0x1f, Format::Enum(option_name)),
];
const OPTION_LENGTH: Spec = Spec::new("length", 1, 1, Format::Int);
const POINTER: Spec = Spec::new("pointer", 2, 1, Format::Int);

/// How an option's body is laid out after its first byte, by option number.
enum Body {
    /// End of list, no-operation: the first byte alone.
    Single,
    /// Fixed fields after the header, whatever the length byte says (Scapy's classes).
    Fixed(&'static [Spec]),
    /// Length, pointer, then addresses up to the length (record route, source routes).
    Route,
    /// Length, then addresses up to the length (selective directed broadcast).
    Addresses,
    /// Length, pointer, overflow and flag, an address unless flag is 0, a timestamp.
    Timestamp,
    /// Scapy's generic IPOption: length, then the value up to it.
    Generic,
}

fn option_class_of(number: u8) -> (&'static str, Body) {
    const SECURITY: &[Spec] = &[
        OPTION_LENGTH,
        Spec::new("security", 2, 2, Format::Int),
        Spec::new("compartment", 4, 2, Format::Int),
        Spec::new("handling_restrictions", 6, 2, Format::Int),
        Spec::new("transmission_control_code", 8, 3, Format::Bytes),
    ];
    const STREAM: &[Spec] = &[OPTION_LENGTH, Spec::new("security", 2, 2, Format::Int)];
    const MTU: &[Spec] = &[OPTION_LENGTH, Spec::new("mtu", 2, 2, Format::Int)];
    const TRACEROUTE: &[Spec] = &[
        OPTION_LENGTH,
        Spec::new("id", 2, 2, Format::Int),
        Spec::new("outbound_hops", 4, 2, Format::Int),
        Spec::new("return_hops", 6, 2, Format::Int),
        Spec::new("originator_ip", 8, 4, Format::Ipv4),
    ];
    const ADDRESS_EXTENSION: &[Spec] = &[
        OPTION_LENGTH,
        Spec::new("src_ext", 2, 4, Format::Ipv4),
        Spec::new("dst_ext", 6, 4, Format::Ipv4),
    ];
    const ROUTER_ALERT: &[Spec] = &[
        OPTION_LENGTH,
        Spec::new("alert", 2, 2, Format::Enum(router_alert)),
    ];
    match number & 0x1f {
        0 => ("IP Option End of Options List", Body::Single),
        1 => ("IP Option No Operation", Body::Single),
        2 => ("IP Option Security", Body::Fixed(SECURITY)),
        3 => ("IP Option Loose Source and Record Route", Body::Route),
        4 => ("IP Option Timestamp", Body::Timestamp),
        7 => ("IP Option Record Route", Body::Route),
        8 => ("IP Option Stream ID", Body::Fixed(STREAM)),
        9 => ("IP Option Strict Source and Record Route", Body::Route),
        11 => ("IP Option MTU Probe", Body::Fixed(MTU)),
        12 => ("IP Option MTU Reply", Body::Fixed(MTU)),
        18 => ("IP Option Traceroute", Body::Fixed(TRACEROUTE)),
        19 => (
            "IP Option Address Extension",
            Body::Fixed(ADDRESS_EXTENSION),
        ),
        20 => ("IP Option Router Alert", Body::Fixed(ROUTER_ALERT)),
        21 => (
            "IP Option Selective Directed Broadcast Mode",
            Body::Addresses,
        ),
        _ => ("IP Option", Body::Generic),
    }
}

/// The options between `start` and `end`, one group each; bytes that do not make a
/// whole option end the list as one `Raw` group, as Scapy's PacketListField keeps them.
fn options(data: &[u8], start: usize, end: usize) -> Vec<Group> {
    let data = &data[..end];
    let mut groups = Vec::new();
    let mut at = start;
    while at < end {
        let Some((group, next)) = option(data, at, end) else {
            groups.push(Group::raw(data, at..end));
            break;
        };
        groups.push(group);
        at = next;
    }
    groups
}

/// The option at `at` and where the next one starts, if the bytes up to `end` hold it.
fn option(data: &[u8], at: usize, end: usize) -> Option<(Group, usize)> {
    let (name, body) = option_class_of(data[at]);
    let mut fields = fixed(&OPTION_HEADER, data, at);
    let length_field = |data: &[u8]| OPTION_LENGTH.field(data, at);
    // The length byte as the option declares it, at least 2 (Scapy's reading).
    let declared = || (OPTION_LENGTH.get(data, at) as usize).max(2);
    let next = match body {
        Body::Single => at + 1,
        Body::Fixed(specs) => {
            let length = specs.iter().map(Spec::end).max().unwrap_or(1);
            if at + length > end {
                return None;
            }
            fields.extend(fixed(specs, data, at));
            at + length
        }
        Body::Route | Body::Addresses => {
            let first = if matches!(body, Body::Route) { 3 } else { 2 };
            let length = declared().max(first);
            let (Some(length_field), true) = (length_field(data), at + length <= end) else {
                return None;
            };
            fields.push(length_field);
            if matches!(body, Body::Route) {
                fields.extend(POINTER.field(data, at));
            }
            let name = if matches!(body, Body::Route) {
                "routers"
            } else {
                "addresses"
            };
            fields.push(address_list(name, data, at + first..at + length, 4));
            at + length
        }
        Body::Timestamp => {
            let flag = Spec::bits("flg", 3, 1, 0x0f, Format::Enum(timestamp_flag));
            let address = flag.get(data, at) != 0;
            let length = if address { 12 } else { 8 };
            if at + length > end {
                return None;
            }
            fields.extend(fixed(
                &[
                    OPTION_LENGTH,
                    POINTER,
                    Spec::bits("oflw", 3, 1, 0xf0, Format::Int),
                    flag,
                ],
                data,
                at,
            ));
            if address {
                fields.extend(Spec::new("internet_address", 4, 4, Format::Ipv4).field(data, at));
            }
            fields.extend(Spec::new("timestamp", length - 4, 4, Format::Int).field(data, at));
            at + length
        }
        Body::Generic => {
            let length = declared();
            let (Some(length_field), true) = (length_field(data), at + length <= end) else {
                return None;
            };
            fields.push(length_field);
            fields.push(field(
                "value",
                at + 2..at + length,
                Value::Bytes(data[at + 2..at + length].to_vec()),
            ));
            at + length
        }
    };
    Some((Group::new(name, at..next, fields), next))
}
