//! NTP private messages (mode 7, ntpdc's; ntpd's `ntp_request.h`) as Scapy's
//! `NTPPrivate` reads them: the header, then a request's items (each in the class of
//! its request code, Raw padding and the authentication tail when the A bit is set)
//! or a response's items (ntpd's `info_*` structures: peer lists, system, I/O and
//! memory statistics, the monitor list `monlist` returns, ...), each `data_item_size`
//! bytes long, as many as `nb_items` says and the message holds. Bytes after the
//! items are Raw, as in Scapy.
//!
//! The item classes are tables of cells in Scapy's field order: their offsets follow
//! from the cells before them, as they do in `fields_desc`.

use std::ops::Range;

use super::super::field::{field, hex, Field, Format, Group, Rest, Spec, Value};
use super::{fixed_point, timestamp, MODE, VERSION};

const HEAD: [Spec; 12] = [
    Spec::bits("response", 0, 1, 0x80, Format::Int),
    Spec::bits("more", 0, 1, 0x40, Format::Int),
    VERSION,
    MODE,
    Spec::bits("auth", 1, 1, 0x80, Format::Int),
    Spec::bits("seq", 1, 1, 0x7f, Format::Int),
    Spec::new("implementation", 2, 1, Format::Enum(implementation)),
    Spec::new("request_code", 3, 1, Format::Enum(request_code)),
    Spec::bits("err", 4, 2, 0xf000, Format::Enum(error)),
    Spec::bits("nb_items", 4, 2, 0x0fff, Format::Int),
    Spec::bits("mbz", 6, 2, 0xf000, Format::Int),
    Spec::bits("data_item_size", 6, 2, 0x0fff, Format::Int),
];
/// `_NTP_PRIVATE_REQ_PKT_TAIL_LEN`: the timestamp, key id and MD5 digest of an
/// authenticated request.
const TAIL_LENGTH: usize = 28;

/// How one field of an item class is stored and shown.
#[derive(Clone, Copy)]
enum Cell {
    /// A number, address or string of that many bytes, in that format.
    Plain(usize, Format),
    /// FixedPointField of 32 bits, 16 of them the fraction.
    FixedPoint,
    /// TimeStampField (64 bits, 32 of them the fraction).
    Stamp,
    /// SignedByteField.
    Signed,
    /// An IPv4 address padded to 16 bytes (PadField).
    PaddedIpv4,
    /// FieldListField: that many cells of one kind.
    List(usize, &'static Cell),
    /// StrField: the rest of the item.
    Remaining,
}

use Cell::{FixedPoint, List, PaddedIpv4, Plain, Remaining, Signed, Stamp};

const BYTE: Cell = Plain(1, Format::Int);
const SHORT: Cell = Plain(2, Format::Int);
const INT: Cell = Plain(4, Format::Int);
const IPV4: Cell = Plain(4, Format::Ipv4);
const IPV6: Cell = Plain(16, Format::Ipv6);
const HMODE: Cell = Plain(1, Format::Enum(super::mode));
const PEER_FLAGS: Cell = Plain(1, Format::Flags(PEER_FLAG_NAMES, "+"));

/// An item class: Scapy's name and its fields (`cells`, then `more`: the part two
/// classes share).
struct Class {
    name: &'static str,
    cells: &'static [(&'static str, Cell)],
    more: &'static [(&'static str, Cell)],
}

impl Class {
    const fn new(name: &'static str, cells: &'static [(&'static str, Cell)]) -> Class {
        Class {
            name,
            cells,
            more: &[],
        }
    }
}

const PEER_FLAG_NAMES: &[&str] = &[
    "INFO_FLAG_CONFIG",
    "INFO_FLAG_SYSPEER",
    "INFO_FLAG_BURST",
    "INFO_FLAG_REFCLOCK",
    "INFO_FLAG_PREFER",
    "INFO_FLAG_AUTHENABLE",
    "INFO_FLAG_SEL_CANDIDATE",
    "INFO_FLAG_SHORTLIST",
    "INFO_FLAG_IBURST",
];
const SYS_FLAG_NAMES: &[&str] = &[
    "INFO_FLAG_BCLIENT",
    "INFO_FLAG_AUTHENTICATE",
    "INFO_FLAG_NTP",
    "INFO_FLAG_KERNEL",
    "INFO_FLAG_CAL",
    "INFO_FLAG_PPS_SYNC",
    "INFO_FLAG_MONITOR",
    "INFO_FLAG_FILEGEN",
];
const CONF_PEER_FLAG_NAMES: &[&str] = &[
    "CONF_FLAG_AUTHENABLE",
    "CONF_FLAG_PREFER",
    "CONF_FLAG_BURST",
    "CONF_FLAG_IBURST",
    "CONF_FLAG_NOSELECT",
    "CONF_FLAG_SKEY",
];
const RESTRICT_FLAG_NAMES: &[&str] = &[
    "RES_IGNORE",
    "RES_DONTSERVE",
    "RES_DONTTRUST",
    "RES_VERSION",
    "RES_NOPEER",
    "RES_LIMITED",
    "RES_NOQUERY",
    "RES_NOMODIFY",
    "RES_NOTRAP",
    "RES_LPTRAP",
    "RES_KOD",
    "RES_MSSNTP",
    "RES_FLAKE",
    "RES_NOMRULIST",
];

const PEER_LIST: Class = Class::new(
    "info_peer_list",
    &[
        ("addr", IPV4),
        ("port", SHORT),
        ("hmode", HMODE),
        ("flags", PEER_FLAGS),
        ("v6_flag", INT),
        ("unused1", INT),
        ("addr6", IPV6),
    ],
);
const PEER_SUMMARY: Class = Class::new(
    "info_peer_summary",
    &[
        ("dstaddr", IPV4),
        ("srcaddr", IPV4),
        ("srcport", SHORT),
        ("stratum", BYTE),
        ("hpoll", BYTE),
        ("ppoll", BYTE),
        ("reach", BYTE),
        ("flags", PEER_FLAGS),
        // A ByteField whose default is the mode table: a number.
        ("hmode", BYTE),
        ("delay", FixedPoint),
        ("offset", Stamp),
        ("dispersion", FixedPoint),
        ("v6_flag", INT),
        ("unused1", INT),
        ("dstaddr6", IPV6),
        ("srcaddr6", IPV6),
    ],
);
/// ntpd's `NTP_SHIFT`: the clock filter's length.
const SHIFT: usize = 8;
const PEER: Class = Class::new(
    "info_peer",
    &[
        ("dstaddr", IPV4),
        ("srcaddr", IPV4),
        ("srcport", SHORT),
        ("flags", PEER_FLAGS),
        ("leap", BYTE),
        ("hmode", HMODE),
        ("pmode", BYTE),
        ("stratum", BYTE),
        ("ppoll", BYTE),
        ("hpoll", BYTE),
        ("precision", Signed),
        ("version", BYTE),
        ("unused8", BYTE),
        ("reach", BYTE),
        ("unreach", BYTE),
        ("flash", Plain(1, Format::Hex)),
        ("ttl", BYTE),
        ("flash2", Plain(2, Format::LeHex)),
        ("associd", SHORT),
        ("keyid", Plain(4, Format::LeInt)),
        ("pkeyid", INT),
        ("refid", IPV4),
        ("timer", INT),
        ("rootdelay", FixedPoint),
        ("rootdispersion", FixedPoint),
        ("reftime", Stamp),
        ("org", Stamp),
        ("rec", Stamp),
        ("xmt", Stamp),
        ("filtdelay", List(SHIFT, &FixedPoint)),
        ("filtoffset", List(SHIFT, &Stamp)),
        ("order", List(SHIFT, &BYTE)),
        ("delay", FixedPoint),
        ("dispersion", FixedPoint),
        ("offset", Stamp),
        ("selectdisp", FixedPoint),
        ("unused1", INT),
        ("unused2", INT),
        ("unused3", INT),
        ("unused4", INT),
        ("unused5", INT),
        ("unused6", INT),
        ("unused7", INT),
        ("estbdelay", FixedPoint),
        ("v6_flag", INT),
        ("unused9", INT),
        ("dstaddr6", IPV6),
        ("srcaddr6", IPV6),
    ],
);
const PEER_STATS: Class = Class::new(
    "info_peer_stats",
    &[
        ("dstaddr", IPV4),
        ("srcaddr", IPV4),
        ("srcport", SHORT),
        ("flags", Plain(2, Format::Flags(PEER_FLAG_NAMES, "+"))),
        ("timereset", INT),
        ("timereceived", INT),
        ("timetosend", INT),
        ("timereachable", INT),
        ("sent", INT),
        ("unused1", INT),
        ("processed", INT),
        ("unused2", INT),
        ("badauth", INT),
        ("bogusorg", INT),
        ("oldpkt", INT),
        ("unused3", INT),
        ("unused4", INT),
        ("seldisp", INT),
        ("selbroken", INT),
        ("unused5", INT),
        ("candidate", BYTE),
        ("unused6", BYTE),
        ("unused7", BYTE),
        ("unused8", BYTE),
        ("v6_flag", INT),
        ("unused9", INT),
        ("dstaddr6", IPV6),
        ("srcaddr6", IPV6),
    ],
);
const LOOP: Class = Class::new(
    "info_loop",
    &[
        ("last_offset", Stamp),
        ("drift_comp", Stamp),
        ("compliance", INT),
        ("watchdog_timer", INT),
    ],
);
const SYS: Class = Class::new(
    "info_sys",
    &[
        ("peer", IPV4),
        ("peer_mode", BYTE),
        ("leap", BYTE),
        ("stratum", BYTE),
        ("precision", Signed),
        ("rootdelay", FixedPoint),
        ("rootdispersion", FixedPoint),
        ("refid", IPV4),
        ("reftime", Stamp),
        ("poll", INT),
        ("flags", Plain(1, Format::Flags(SYS_FLAG_NAMES, "+"))),
        ("unused1", BYTE),
        ("unused2", BYTE),
        ("unused3", BYTE),
        ("bdelay", FixedPoint),
        ("frequency", FixedPoint),
        ("authdelay", Stamp),
        ("stability", FixedPoint),
        ("v6_flag", INT),
        ("unused4", INT),
        ("peer6", IPV6),
    ],
);
const SYS_STATS: Class = Class::new(
    "info_sys_stats",
    &[
        ("timeup", INT),
        ("timereset", INT),
        ("denied", INT),
        ("oldversionpkt", INT),
        ("newversionpkt", INT),
        ("unknownversion", INT),
        ("badlength", INT),
        ("processed", INT),
        ("badauth", INT),
        ("received", INT),
        ("limitrejected", INT),
    ],
);
/// ntpd's `NTP_HASH_SIZE`.
const HASH_SIZE: usize = 128;
const MEM_STATS: Class = Class::new(
    "info_mem_stats",
    &[
        ("timereset", INT),
        ("totalpeermem", SHORT),
        ("freepeermem", SHORT),
        ("findpeer_calls", INT),
        ("allocations", INT),
        ("demobilizations", INT),
        ("hashcount", List(HASH_SIZE, &BYTE)),
    ],
);
const IO_STATS: Class = Class::new(
    "info_io_stats",
    &[
        ("timereset", INT),
        ("totalrecvbufs", SHORT),
        ("freerecvbufs", SHORT),
        ("fullrecvbufs", SHORT),
        ("lowwater", SHORT),
        ("dropped", INT),
        ("ignored", INT),
        ("received", INT),
        ("sent", INT),
        ("notsent", INT),
        ("interrupts", INT),
        ("int_received", INT),
    ],
);
const TIMER_STATS: Class = Class::new(
    "info_timer_stats",
    &[
        ("timereset", INT),
        ("alarms", INT),
        ("overflows", INT),
        ("xmtcalls", INT),
    ],
);
const CONF_PEER: Class = Class::new(
    "conf_peer",
    &[
        ("peeraddr", IPV4),
        ("hmode", BYTE),
        ("version", BYTE),
        ("minpoll", BYTE),
        ("maxpoll", BYTE),
        ("flags", Plain(1, Format::Flags(CONF_PEER_FLAG_NAMES, "+"))),
        ("ttl", BYTE),
        ("unused1", SHORT),
        ("keyid", INT),
        ("keystr", Plain(128, Format::Bytes)),
        ("v6_flag", INT),
        ("unused2", INT),
        ("peeraddr6", IPV6),
    ],
);
const CONF_UNPEER: Class = Class::new(
    "conf_unpeer",
    &[("peeraddr", IPV4), ("v6_flag", INT), ("peeraddr6", IPV6)],
);
const CONF_RESTRICT: Class = Class::new(
    "conf_restrict",
    &[
        ("addr", IPV4),
        ("mask", IPV4),
        ("flags", Plain(2, Format::Flags(RESTRICT_FLAG_NAMES, "+"))),
        ("m_flags", SHORT),
        ("v6_flag", INT),
        ("addr6", IPV6),
        ("mask6", IPV6),
    ],
);
const KERNEL: Class = Class::new(
    "info_kernel",
    &[
        ("offset", INT),
        ("freq", INT),
        ("maxerror", INT),
        ("esterror", INT),
        ("status", SHORT),
        ("shift", SHORT),
        ("constant", INT),
        ("precision", INT),
        ("tolerance", INT),
        ("ppsfreq", INT),
        ("jitter", INT),
        ("stabil", INT),
        ("jitcnt", INT),
        ("calcnt", INT),
        ("errcnt", INT),
        ("stbcnt", INT),
    ],
);
/// The interface statistics after the three addresses, the same for both families.
const IF_STATS_TAIL: [(&str, Cell); 17] = [
    ("v6_flag", INT),
    ("ifname", Plain(32, Format::Bytes)),
    ("flags", INT),
    ("last_ttl", INT),
    ("num_mcast", INT),
    ("received", INT),
    ("sent", INT),
    ("notsent", INT),
    ("uptime", INT),
    ("scopeid", INT),
    ("ifindex", INT),
    ("ifnum", INT),
    ("peercnt", INT),
    ("family", SHORT),
    ("ignore_packets", BYTE),
    ("action", BYTE),
    ("_filler0", INT),
];
const IF_STATS_V4: Class = Class {
    name: "info_if_stats",
    cells: &[
        ("unaddr", PaddedIpv4),
        ("unbcast", PaddedIpv4),
        ("unmask", PaddedIpv4),
    ],
    more: &IF_STATS_TAIL,
};
const IF_STATS_V6: Class = Class {
    name: "info_if_stats",
    cells: &[("unaddr", IPV6), ("unbcast", IPV6), ("unmask", IPV6)],
    more: &IF_STATS_TAIL,
};
const MONITOR: Class = Class::new(
    "InfoMonitor1",
    &[
        ("lasttime", INT),
        ("firsttime", INT),
        ("lastdrop", INT),
        ("count", INT),
        ("addr", IPV4),
        ("daddr", IPV4),
        ("flags", INT),
        ("port", SHORT),
        ("mode", BYTE),
        ("version", BYTE),
        ("v6_flag", INT),
        ("unused1", INT),
        ("addr6", IPV6),
        ("daddr6", IPV6),
    ],
);
const AUTH: Class = Class::new(
    "info_auth",
    &[
        ("timereset", INT),
        ("numkeys", INT),
        ("numfreekeys", INT),
        ("keylookups", INT),
        ("keynotfound", INT),
        ("encryptions", INT),
        ("decryptions", INT),
        ("expired", INT),
        ("keyuncached", INT),
    ],
);
const CONF_TRAP: Class = Class::new(
    "conf_trap",
    &[
        ("local_address", IPV4),
        ("trap_address", IPV4),
        ("trap_port", SHORT),
        ("unused", SHORT),
        ("v6_flag", INT),
        ("local_address6", IPV6),
        ("trap_address6", IPV6),
    ],
);
const CONTROL: Class = Class::new(
    "info_control",
    &[
        ("ctltimereset", INT),
        ("numctlreq", INT),
        ("numctlbadpkts", INT),
        ("numctlresponses", INT),
        ("numctlfrags", INT),
        ("numctlerrors", INT),
        ("numctltooshort", INT),
        ("numctlinputresp", INT),
        ("numctlinputfrag", INT),
        ("numctlinputerr", INT),
        ("numctlbadoffset", INT),
        ("numctlbadversion", INT),
        ("numctldatatooshort", INT),
        ("numctlbadop", INT),
        ("numasyncmsgs", INT),
    ],
);
const REQUEST_DATA: Class = Class::new("request data", &[("req_data", Remaining)]);
const REQUEST_TAIL: Class = Class::new(
    "req_pkt_tail",
    &[
        ("tstamp", Stamp),
        ("key_id", INT),
        ("dgst", Plain(16, Format::HexBytes)),
    ],
);

fn implementation(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "IMPL_UNIV",
        2 => "IMPL_XNTPD_OLD",
        3 => "XNTPD",
        _ => return None,
    })
}

fn error(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "no error",
        1 => "incompatible implementation number",
        2 => "unimplemented request code",
        3 => "format error (wrong data items, data size, packet size etc.)",
        4 => "no data available (e.g. request for details on unknown peer)",
        5 | 6 => "I don\"t know",
        7 => "authentication failure (i.e. permission denied)",
        _ => return None,
    })
}

fn request_code(number: u64) -> Option<&'static str> {
    const NAMES: [&str; 46] = [
        "REQ_PEER_LIST",
        "REQ_PEER_LIST_SUM",
        "REQ_PEER_INFO",
        "REQ_PEER_STATS",
        "REQ_SYS_INFO",
        "REQ_SYS_STATS",
        "REQ_IO_STATS",
        "REQ_MEM_STATS",
        "REQ_LOOP_INFO",
        "REQ_TIMER_STATS",
        "REQ_CONFIG",
        "REQ_UNCONFIG",
        "REQ_SET_SYS_FLAG",
        "REQ_CLR_SYS_FLAG",
        "REQ_MONITOR",
        "REQ_NOMONITOR",
        "REQ_GET_RESTRICT",
        "REQ_RESADDFLAGS",
        "REQ_RESSUBFLAGS",
        "REQ_UNRESTRICT",
        "REQ_MON_GETLIST",
        "REQ_RESET_STATS",
        "REQ_RESET_PEER",
        "REQ_REREAD_KEYS",
        "REQ_DO_DIRTY_HACK",
        "REQ_DONT_DIRTY_HACK",
        "REQ_TRUSTKEY",
        "REQ_UNTRUSTKEY",
        "REQ_AUTHINFO",
        "REQ_TRAPS",
        "REQ_ADD_TRAP",
        "REQ_CLR_TRAP",
        "REQ_REQUEST_KEY",
        "REQ_CONTROL_KEY",
        "REQ_GET_CTLSTATS",
        "REQ_GET_LEAPINFO",
        "REQ_GET_CLOCKINFO",
        "REQ_SET_CLKFUDGE",
        "REQ_GET_KERNEL",
        "REQ_GET_CLKBUGINFO",
        // 40 has no name.
        "",
        "REQ_SET_PRECISION",
        "REQ_MON_GETLIST_1",
        "REQ_HOSTNAME_ASSOCID",
        "REQ_IF_STATS",
        "REQ_IF_RELOAD",
    ];
    let name = *NAMES.get(usize::try_from(number).ok()?)?;
    (!name.is_empty()).then_some(name)
}

/// The class of a response's items, by request code (Scapy's
/// `_private_data_objects`; interface statistics by the `v6_flag` of the item).
fn response_class(code: u8, item: &[u8]) -> Option<Option<&'static Class>> {
    Some(Some(match code {
        0 => &PEER_LIST,
        1 => &PEER_SUMMARY,
        2 => &PEER,
        3 => &PEER_STATS,
        4 => &SYS,
        5 => &SYS_STATS,
        6 => &IO_STATS,
        7 => &MEM_STATS,
        8 => &LOOP,
        9 => &TIMER_STATS,
        10 => &CONF_PEER,
        11 => &CONF_UNPEER,
        28 => &AUTH,
        30 => &CONF_TRAP,
        34 => &CONTROL,
        38 => &KERNEL,
        42 => &MONITOR,
        44 | 45 => match item.get(48..52)? {
            [0, 0, 0, 0] => &IF_STATS_V4,
            _ => &IF_STATS_V6,
        },
        _ => return Some(None),
    }))
}

/// The class of a request's items, by request code (ntpdc's requests).
fn request_class(code: u8) -> &'static Class {
    match code {
        2 | 3 => &PEER_LIST,
        10 => &CONF_PEER,
        11 | 22 => &CONF_UNPEER,
        17 | 18 => &CONF_RESTRICT,
        30 | 31 => &CONF_TRAP,
        _ => &REQUEST_DATA,
    }
}

/// The fields of the private message at `range` (8 bytes or more) and where they end
/// (Raw follows), or `None` where Scapy gives the class up (an item or the tail cut
/// short: the message is Raw).
pub(super) fn fields(data: &[u8], range: Range<usize>) -> Option<(Vec<Field>, usize)> {
    let at = range.start;
    let mut rest = Rest { at, end: range.end };
    let mut fields = rest.prefix(data, &HEAD)?;
    let number = |spec: usize| HEAD[spec].get(data, at) as usize;
    let (response, authenticated) = (number(0) == 1, number(4) == 1);
    let code = data[at + 3];
    let (count, size) = (number(9), number(11));
    let start = rest.at;
    let mut items = Vec::new();
    let mut taken = 0;
    if response {
        while size > 0 && rest.end - rest.at >= size && taken < count {
            let item = rest.take(size)?;
            taken += 1;
            match response_class(code, &data[item.clone()])? {
                Some(class) => items.extend(read(data, class, item)?),
                None => items.push(Group::raw(data, item)),
            }
        }
        fields.push(field("data", start..rest.at, Value::Packets(items)));
        return Some((fields, rest.at));
    }
    // Requests read items while what is left holds all of them, checked again
    // before each (Scapy's loop).
    while size > 0 && rest.end - rest.at >= size * count && taken < count {
        let item = rest.take(size)?;
        items.extend(read(data, request_class(code), item)?);
        taken += 1;
    }
    if authenticated {
        // Python's `remain[:len(remain) - 28]` as padding, even when negative.
        let padding = rest.slice(rest.end as i64 - rest.at as i64 - TAIL_LENGTH as i64);
        items.push(Group::raw(data, padding));
    }
    fields.push(field("req_data", start..rest.at, Value::Packets(items)));
    if authenticated {
        let tail = rest.at..rest.end;
        let group = if tail.is_empty() {
            defaults(&REQUEST_TAIL, tail.start)
        } else {
            read(data, &REQUEST_TAIL, tail.clone())?.swap_remove(0)
        };
        rest.at = group.range.end;
        fields.push(field(
            "authenticator",
            tail.start..rest.at,
            Value::Packets(vec![group]),
        ));
    }
    Some((fields, rest.at))
}

/// An item of `class` over `range`: its group, and Raw after it (one layer deeper)
/// for bytes its fields leave; `None` where a field is cut short.
fn read(data: &[u8], class: &Class, range: Range<usize>) -> Option<Vec<Group>> {
    let mut rest = Rest {
        at: range.start,
        end: range.end,
    };
    let mut fields = Vec::new();
    for &(name, cell) in class.cells.iter().chain(class.more) {
        let (range, value) = cell_value(data, &mut rest, cell)?;
        fields.push(field(name, range, value));
    }
    let mut groups = vec![Group::new(class.name, range.start..rest.at, fields)];
    if rest.at < rest.end {
        let mut raw = Group::raw(data, rest.at..rest.end);
        raw.depth = 1;
        groups.push(raw);
    }
    Some(groups)
}

/// One cell read from the rest, or `None` where Scapy's field raises (a number cut
/// short; a fixed-length string takes what there is).
fn cell_value(data: &[u8], rest: &mut Rest, cell: Cell) -> Option<(Range<usize>, Value)> {
    let number = |range: &Range<usize>| {
        data[range.clone()]
            .iter()
            .fold(0u64, |n, &b| (n << 8) | u64::from(b))
    };
    Some(match cell {
        // A fixed-length string takes what there is.
        Plain(len, format @ (Format::Bytes | Format::HexBytes)) => {
            let range = rest.slice(len as i64);
            let value = Spec::new("", 0, range.len(), format)
                .field(data, range.start)?
                .value;
            (range, value)
        }
        Plain(len, format) => {
            let range = rest.take(len)?;
            let value = Spec::new("", 0, len, format)
                .field(data, range.start)?
                .value;
            (range, value)
        }
        FixedPoint => {
            let range = rest.take(4)?;
            let text = fixed_point(number(&range), 16).text();
            (range, Value::Text(text))
        }
        Stamp => {
            let range = rest.take(8)?;
            (range.clone(), Value::Text(timestamp(number(&range))))
        }
        Signed => {
            let range = rest.take(1)?;
            (
                range.clone(),
                Value::Text((data[range.start] as i8).to_string()),
            )
        }
        PaddedIpv4 => {
            let address = rest.take(4)?;
            let value = Spec::new("", 0, 4, Format::Ipv4)
                .field(data, address.start)?
                .value;
            let padded = rest.pad(&address, 16);
            (padded, value)
        }
        Remaining => {
            let range = rest.slice(i64::MAX);
            (range.clone(), Value::Bytes(data[range].to_vec()))
        }
        List(count, item) => {
            let start = rest.at;
            let mut texts = Vec::with_capacity(count);
            for _ in 0..count {
                texts.push(cell_value(data, rest, *item)?.1.to_string());
            }
            (
                start..rest.at,
                Value::Text(format!("[{}]", texts.join(", "))),
            )
        }
    })
}

/// An item of `class` built from no bytes (Scapy's defaults: zeros, empty strings).
fn defaults(class: &Class, at: usize) -> Group {
    let zeros = [0u8; 16];
    let fields = class
        .cells
        .iter()
        .map(|&(name, cell)| {
            let value = match cell {
                Plain(_, Format::HexBytes) => Value::Text(hex(&[])),
                _ => {
                    let mut rest = Rest { at: 0, end: 16 };
                    cell_value(&zeros, &mut rest, cell).map_or(Value::None, |(_, v)| v)
                }
            };
            field(name, at..at, value)
        })
        .collect();
    Group::new(class.name, at..at, fields)
}
