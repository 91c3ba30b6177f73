//! BOOTP (UDP ports 67 and 68, as Scapy binds it) and the DHCP options after its magic
//! cookie, as Scapy's `BOOTP` and `DHCP` layers read them: BOOTP's fixed fields (its
//! strings cut short with the packet, as Scapy's fixed-length strings are), then the
//! options in Scapy's list form (`[message-type=discover hostname=b'midwood' end]`),
//! each decoded by the type Scapy's table gives it; an option that does not fit ends
//! the list with the bytes left, as Scapy keeps them.

use std::fmt::Write as _;
use std::ops::Range;

use super::arp::hardware_type;
use super::field::{field, fixed, python_bytes, string_field, trim_nuls, Field, Format, Spec};
use super::{Kind, Value, Walk};
use crate::addr::format_mac;

const OP: Spec = Spec::new("op", 0, 1, Format::Enum(operation));
const HTYPE: Spec = Spec::new("htype", 1, 1, Format::Enum(hardware_type));
const FIXED: [Spec; 11] = [
    OP,
    HTYPE,
    Spec::new("hlen", 2, 1, Format::Int),
    Spec::new("hops", 3, 1, Format::Int),
    Spec::new("xid", 4, 4, Format::Hex),
    Spec::new("secs", 8, 2, Format::Int),
    Spec::new("flags", 10, 2, Format::Flags(&FLAG_NAMES, "")),
    Spec::new("ciaddr", 12, 4, Format::Ipv4),
    Spec::new("yiaddr", 16, 4, Format::Ipv4),
    Spec::new("siaddr", 20, 4, Format::Ipv4),
    Spec::new("giaddr", 24, 4, Format::Ipv4),
];
/// Scapy's `"???????????????B"`: only the broadcast bit has a name.
const FLAG_NAMES: [&str; 16] = [
    "?", "?", "?", "?", "?", "?", "?", "?", "?", "?", "?", "?", "?", "?", "?", "B",
];
/// Up to the end of `giaddr`: Scapy reads nothing shorter as BOOTP.
const FIXED_LENGTH: usize = 28;
/// The client hardware address, server name and boot file: fixed-length strings.
const CHADDR: Range<usize> = 28..44;
const SNAME: Range<usize> = 44..108;
const FILE: Range<usize> = 108..236;
const MAGIC: [u8; 4] = [0x63, 0x82, 0x53, 0x63];

fn operation(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "BOOTREQUEST",
        2 => "BOOTREPLY",
        _ => return None,
    })
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = &walk.data[..end];
    if end < at + FIXED_LENGTH {
        return walk.raw(at, end);
    }
    let options = at + FILE.end;
    // Scapy keeps the magic cookie in BOOTP's `options` and makes the rest DHCP's.
    if data.get(options..options + MAGIC.len()) == Some(&MAGIC[..]) {
        let dhcp = options + MAGIC.len();
        walk.push(Kind::Bootp, at..dhcp);
        if dhcp < end {
            let message_type = Options::parse(data, dhcp..end).message_type;
            walk.push(Kind::Dhcp { message_type }, dhcp..end);
        }
        return;
    }
    walk.push(Kind::Bootp, at..end);
}

pub(super) fn bootp_fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let at = range.start;
    let part =
        |within: Range<usize>| (at + within.start).min(range.end)..(at + within.end).min(range.end);
    let mut out = fixed(&FIXED, data, at);
    let chaddr = part(CHADDR);
    let bytes = &data[chaddr.clone()];
    // Scapy's _BOOTP_chaddr: a MAC and its padding for Ethernet, else the bytes.
    let shown = if HTYPE.get(data, at) == 1 {
        let (mac, pad) = bytes.split_at(bytes.len().min(6));
        let mac = format_mac(mac);
        if pad == [0; 10] {
            format!("{mac} (+ 10 nul pad)")
        } else {
            format!("{mac} (pad: {})", python_bytes(pad))
        }
    } else {
        python_bytes(trim_nuls(bytes))
    };
    out.push(field("chaddr", chaddr, Value::Text(shown)));
    for (name, within) in [("sname", SNAME), ("file", FILE)] {
        out.push(string_field(
            name,
            data,
            at + within.start..at + within.end,
            range.end,
        ));
    }
    let options = part(FILE.end..usize::MAX - at);
    let bytes = &data[options.clone()];
    let text = if bytes == MAGIC {
        format!("{} (DHCP magic)", python_bytes(bytes))
    } else {
        python_bytes(bytes)
    };
    out.push(field("options", options, Value::Text(text)));
    out
}

pub(super) fn dhcp_fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let options = Options::parse(data, range.clone());
    vec![field("options", range, Value::Text(options.text(data)))]
}

/// How Scapy's table (`DHCPOptions`) reads an option's value.
#[derive(Clone, Copy)]
enum ValueKind {
    /// A name only: the value is shown as bytes.
    Bytes,
    Ipv4,
    Int,
    Short,
    Byte,
    MessageType,
    /// A StrField: the whole value, as bytes.
    Str,
    /// A list of bytes (`param_req_list=[1, 3, 6]`).
    ByteList,
    /// RFC 3442 routes (`['10.0.0.0/8:192.168.56.1']`).
    ClasslessRoutes,
    /// A list of algorithms (`[HMAC-MD5]`).
    Algorithms,
}

/// Scapy 2.8.0's DHCPOptions: each option's name and how its value is read.
fn option(code: u8) -> Option<(&'static str, ValueKind)> {
    use ValueKind::*;
    Some(match code {
        1 => ("subnet_mask", Ipv4),
        2 => ("time_zone", Int),
        3 => ("router", Ipv4),
        4 => ("time_server", Ipv4),
        5 => ("IEN_name_server", Ipv4),
        6 => ("name_server", Ipv4),
        7 => ("log_server", Ipv4),
        8 => ("cookie_server", Ipv4),
        9 => ("lpr_server", Ipv4),
        10 => ("impress-servers", Ipv4),
        11 => ("resource-location-servers", Ipv4),
        12 => ("hostname", Bytes),
        13 => ("boot-size", Short),
        14 => ("dump_path", Bytes),
        15 => ("domain", Bytes),
        16 => ("swap-server", Ipv4),
        17 => ("root_disk_path", Bytes),
        18 => ("extensions-path", Bytes),
        19 => ("ip-forwarding", Byte),
        20 => ("non-local-source-routing", Byte),
        21 => ("policy-filter", Ipv4),
        22 => ("max_dgram_reass_size", Short),
        23 => ("default_ttl", Byte),
        24 => ("pmtu_timeout", Int),
        25 => ("path-mtu-plateau-table", Short),
        26 => ("interface-mtu", Short),
        27 => ("all-subnets-local", Byte),
        28 => ("broadcast_address", Ipv4),
        29 => ("perform-mask-discovery", Byte),
        30 => ("mask-supplier", Byte),
        31 => ("router-discovery", Byte),
        32 => ("router-solicitation-address", Ipv4),
        33 => ("static-routes", Ipv4),
        34 => ("trailer-encapsulation", Byte),
        35 => ("arp_cache_timeout", Int),
        36 => ("ieee802-3-encapsulation", Byte),
        37 => ("tcp_ttl", Byte),
        38 => ("tcp_keepalive_interval", Int),
        39 => ("tcp_keepalive_garbage", Byte),
        40 => ("NIS_domain", Str),
        41 => ("NIS_server", Ipv4),
        42 => ("NTP_server", Ipv4),
        43 => ("vendor_specific", Bytes),
        44 => ("NetBIOS_server", Ipv4),
        45 => ("NetBIOS_dist_server", Ipv4),
        46 => ("NetBIOS_node_type", Byte),
        47 => ("netbios-scope", Bytes),
        48 => ("font-servers", Ipv4),
        49 => ("x-display-manager", Ipv4),
        50 => ("requested_addr", Ipv4),
        51 => ("lease_time", Int),
        52 => ("dhcp-option-overload", Byte),
        53 => ("message-type", MessageType),
        54 => ("server_id", Ipv4),
        55 => ("param_req_list", ByteList),
        56 => ("error_message", Bytes),
        57 => ("max_dhcp_size", Short),
        58 => ("renewal_time", Int),
        59 => ("rebinding_time", Int),
        60 => ("vendor_class_id", Str),
        61 => ("client_id", Str),
        62 => ("nwip-domain-name", Bytes),
        64 => ("NISplus_domain", Bytes),
        65 => ("NISplus_server", Ipv4),
        66 => ("tftp_server_name", Bytes),
        67 => ("boot-file-name", Str),
        68 => ("mobile-ip-home-agent", Ipv4),
        69 => ("SMTP_server", Ipv4),
        70 => ("POP3_server", Ipv4),
        71 => ("NNTP_server", Ipv4),
        72 => ("WWW_server", Ipv4),
        73 => ("Finger_server", Ipv4),
        74 => ("IRC_server", Ipv4),
        75 => ("StreetTalk_server", Ipv4),
        76 => ("StreetTalk_Dir_Assistance", Ipv4),
        77 => ("user_class", Bytes),
        78 => ("slp_service_agent", Bytes),
        79 => ("slp_service_scope", Bytes),
        80 => ("rapid_commit", Bytes),
        81 => ("client_FQDN", Bytes),
        82 => ("relay_agent_information", Bytes),
        85 => ("nds-server", Ipv4),
        86 => ("nds-tree-name", Str),
        87 => ("nds-context", Str),
        88 => ("bcms-controller-namesi", Bytes),
        89 => ("bcms-controller-address", Ipv4),
        91 => ("client-last-transaction-time", Int),
        92 => ("associated-ip", Ipv4),
        93 => ("pxe_client_architecture", Bytes),
        94 => ("pxe_client_network_interface", Bytes),
        97 => ("pxe_client_machine_identifier", Bytes),
        98 => ("uap-servers", Str),
        100 => ("pcode", Str),
        101 => ("tcode", Str),
        108 => ("ipv6-only-preferred", Int),
        112 => ("netinfo-server-address", Ipv4),
        113 => ("netinfo-server-tag", Str),
        114 => ("captive-portal", Str),
        116 => ("auto-config", Byte),
        117 => ("name-service-search", Short),
        118 => ("subnet-selection", Ipv4),
        121 => ("classless_static_routes", ClasslessRoutes),
        124 => ("vendor_class", Bytes),
        125 => ("vendor_specific_information", Bytes),
        128 => ("tftp_server_ip_address", Ipv4),
        136 => ("pana-agent", Ipv4),
        137 => ("v4-lost", Bytes),
        138 => ("capwap-ac-v4", Ipv4),
        141 => ("sip_ua_service_domains", Bytes),
        145 => ("forcerenew_nonce_capable", Algorithms),
        146 => ("rdnss-selection", Bytes),
        150 => ("tftp_server_address", Ipv4),
        159 => ("v4-portparams", Bytes),
        160 => ("v4-captive-portal", Str),
        161 => ("mud-url", Str),
        208 => ("pxelinux_magic", Bytes),
        209 => ("pxelinux_configuration_file", Bytes),
        210 => ("pxelinux_path_prefix", Bytes),
        211 => ("pxelinux_reboot_time", Bytes),
        212 => ("option-6rd", Bytes),
        213 => ("v4-access-domain", Bytes),
        _ => return None,
    })
}

/// DHCP's message types, as Scapy names them.
fn message_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "discover",
        2 => "offer",
        3 => "request",
        4 => "decline",
        5 => "ack",
        6 => "nak",
        7 => "release",
        8 => "inform",
        9 => "force_renew",
        10 => "lease_query",
        11 => "lease_unassigned",
        12 => "lease_unknown",
        13 => "lease_active",
        _ => return None,
    })
}

/// The summary's word for a message type: Scapy's name, capitalised (`Discover`),
/// or nothing for a number it has no name for.
pub fn message_type_word(number: u8) -> String {
    let name = message_type(u64::from(number)).unwrap_or("");
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// One item of Scapy's option list.
enum Item {
    Pad,
    End,
    /// An option Scapy's table names, and its values' text as Scapy shows them.
    Named(&'static str, Vec<String>),
    /// An option Scapy's table does not have: its number and its value's bytes.
    Unknown(u8, Range<usize>),
    /// The bytes left where an option does not fit (Scapy shows them `sane()`).
    Rest(Range<usize>),
}

struct Options {
    items: Vec<Item>,
    /// The first message-type option's first value.
    message_type: Option<u8>,
}

impl Options {
    /// Scapy's `DHCPOptionsField.m2i` over `range`.
    fn parse(data: &[u8], range: Range<usize>) -> Options {
        let mut items = Vec::new();
        let mut message_type = None;
        let mut at = range.start;
        let end = range.end;
        while at < end {
            let code = data[at];
            match code {
                255 => {
                    items.push(Item::End);
                    at += 1;
                    continue;
                }
                0 => {
                    items.push(Item::Pad);
                    at += 1;
                    continue;
                }
                _ => {}
            }
            let fits = end - at >= 2 && end - at >= usize::from(data[at + 1]) + 2;
            if !fits {
                items.push(Item::Rest(at..end));
                break;
            }
            let value = at + 2..at + 2 + usize::from(data[at + 1]);
            let bytes = &data[value.clone()];
            match option(code) {
                None => items.push(Item::Unknown(code, value.clone())),
                Some((name, ValueKind::Bytes)) => {
                    items.push(Item::Named(name, vec![python_bytes(bytes)]))
                }
                Some((name, kind)) => match values(kind, bytes) {
                    Some(values) => {
                        if matches!(kind, ValueKind::MessageType) && message_type.is_none() {
                            message_type = bytes.first().copied();
                        }
                        items.push(Item::Named(name, values));
                    }
                    None => {
                        items.push(Item::Rest(at..end));
                        break;
                    }
                },
            }
            at = value.end;
        }
        Options {
            items,
            message_type,
        }
    }

    /// Scapy's `DHCPOptionsField.i2repr`.
    fn text(&self, data: &[u8]) -> String {
        let mut out = String::from("[");
        for (n, item) in self.items.iter().enumerate() {
            if n > 0 {
                out.push(' ');
            }
            match item {
                Item::Pad => out.push_str("pad"),
                Item::End => out.push_str("end"),
                Item::Named(name, values) => {
                    let _ = write!(out, "{name}={}", values.join(","));
                }
                Item::Unknown(code, value) => {
                    let _ = write!(out, "{code}={}", python_bytes(&data[value.clone()]));
                }
                Item::Rest(rest) => out.extend(data[rest.clone()].iter().map(|&b| {
                    if (32..127).contains(&b) {
                        char::from(b)
                    } else {
                        '.'
                    }
                })),
            }
        }
        out.push(']');
        out
    }
}

/// An option's values as Scapy reads them with its field (one `getfield` after
/// another until the value's bytes are used up); `None` where one does not fit (Scapy
/// then keeps the rest of the options as bytes).
fn values(kind: ValueKind, bytes: &[u8]) -> Option<Vec<String>> {
    let width = match kind {
        ValueKind::Ipv4 | ValueKind::Int => 4,
        ValueKind::Short => 2,
        ValueKind::Byte | ValueKind::MessageType => 1,
        // The whole value at once: a list field or a string.
        ValueKind::Str => return Some(vec![python_bytes(bytes)]),
        ValueKind::ByteList => {
            let items: Vec<String> = bytes.iter().map(u8::to_string).collect();
            return Some(vec![format!("[{}]", items.join(", "))]);
        }
        ValueKind::Algorithms => {
            let items: Vec<String> = bytes
                .iter()
                .map(|&b| match b {
                    1 => "HMAC-MD5".to_string(),
                    other => other.to_string(),
                })
                .collect();
            return Some(vec![format!("[{}]", items.join(", "))]);
        }
        ValueKind::ClasslessRoutes => return classless_routes(bytes).map(|routes| vec![routes]),
        ValueKind::Bytes => return Some(vec![python_bytes(bytes)]),
    };
    // A fixed-width field of an empty value fails in Scapy as any cut one does.
    if bytes.is_empty() || bytes.len() % width != 0 {
        return None;
    }
    Some(
        bytes
            .chunks_exact(width)
            .map(|chunk| {
                let number = chunk.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b));
                match kind {
                    ValueKind::Ipv4 => {
                        format!("{}.{}.{}.{}", chunk[0], chunk[1], chunk[2], chunk[3])
                    }
                    ValueKind::MessageType => {
                        message_type(number).map_or_else(|| number.to_string(), str::to_string)
                    }
                    _ => number.to_string(),
                }
            })
            .collect(),
    )
}

/// RFC 3442 routes as Scapy's ClasslessStaticRoutesField shows them: each a width,
/// the significant bytes of the destination and a router (`'10.0.0.0/8:192.168.56.1'`).
fn classless_routes(mut bytes: &[u8]) -> Option<String> {
    let mut routes = Vec::new();
    while let Some(&prefix) = bytes.first() {
        let octets = usize::from(prefix).div_ceil(8);
        // Scapy makes an address of at most four bytes of destination.
        if octets > 4 {
            return None;
        }
        let length = 5 + octets;
        let entry = bytes.get(..length.min(bytes.len()))?;
        let router = entry.get(1 + octets..5 + octets)?;
        let mut destination = [0u8; 4];
        for (slot, &b) in destination.iter_mut().zip(entry.get(1..1 + octets)?) {
            *slot = b;
        }
        let [a, b, c, d] = destination;
        routes.push(format!(
            "'{a}.{b}.{c}.{d}/{prefix}:{}.{}.{}.{}'",
            router[0], router[1], router[2], router[3]
        ));
        bytes = &bytes[length.min(bytes.len())..];
    }
    Some(format!("[{}]", routes.join(", ")))
}
