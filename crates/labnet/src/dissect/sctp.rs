//! SCTP (IP protocol 132, RFC 9260) as Scapy 2.8.0 reads it: the 12-byte common
//! header, then each chunk a layer of its own in Scapy's class for its type
//! (`SCTP / SCTPChunkData / SCTPChunkSACK`), the parameters of INIT, HEARTBEAT,
//! ASCONF and RE-CONFIG a list of sub-packets inside their chunk. Inside an ICMP error
//! the header is Scapy's SCTPerror (`SCTP in ICMP`); inside an ICMPv6 error Scapy falls
//! back on IPv6's binding and shows plain SCTP.
//!
//! Scapy delimits a chunk by its fields, not by its length field: a chunk ends where its
//! last field does (padded to 4 bytes where Scapy pads), and the lengths it derives from
//! `len` are Python slices of the rest of the packet, so a `len` below the header's own
//! size takes all but the last bytes of the packet (`s[:-3]`). `field::Rest` reproduces
//! those slices; that is why this module reads the chunks itself rather than by `len` (and
//! why a chunk layer remembers where the packet's chunks end). A chunk Scapy cannot
//! read (a fixed field cut short, a list item cut in half, a list over 100 items) is Raw
//! with everything after it; fewer than 4 bytes after a chunk are Padding. Chunks past
//! the walk's chain limit are Raw (`Walk::chain_full`).
//!
//! Scapy's parameter table names six parameter classes that do not exist (the SSN/TSN
//! reset and stream requests of RE-CONFIG): it reads those parameters as Raw, and so
//! does labnet.

use std::ops::Range;

use super::field::{
    field, fixed, packet_list, trim_nuls, Field, Format, Group, Rest, Spec, Value, MAX_LIST,
};
use super::{Kind, Walk};
use crate::netbase;

const HEADER: usize = 12;

fn service(port: u64) -> Option<&'static str> {
    netbase::service_name(u16::try_from(port).ok()?, "sctp")
}

const HEADER_FIELDS: [Spec; 4] = [
    Spec::new("sport", 0, 2, Format::Enum(service)),
    Spec::new("dport", 2, 2, Format::Enum(service)),
    Spec::new("tag", 4, 4, Format::Hex),
    Spec::new("chksum", 8, 4, Format::Hex),
];

/// A chunk type in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chunk {
    Data,
    Init,
    InitAck,
    Sack,
    HeartbeatReq,
    HeartbeatAck,
    Abort,
    Shutdown,
    ShutdownAck,
    Error,
    CookieEcho,
    CookieAck,
    ShutdownComplete,
    Authentication,
    IData,
    ReConfig,
    Pad,
    AddressConfAck,
    ForwardTsn,
    AddressConf,
    IForwardTsn,
}

impl Chunk {
    fn of(chunk_type: u8) -> Option<Chunk> {
        Some(match chunk_type {
            0 => Chunk::Data,
            1 => Chunk::Init,
            2 => Chunk::InitAck,
            3 => Chunk::Sack,
            4 => Chunk::HeartbeatReq,
            5 => Chunk::HeartbeatAck,
            6 => Chunk::Abort,
            7 => Chunk::Shutdown,
            8 => Chunk::ShutdownAck,
            9 => Chunk::Error,
            10 => Chunk::CookieEcho,
            11 => Chunk::CookieAck,
            14 => Chunk::ShutdownComplete,
            15 => Chunk::Authentication,
            64 => Chunk::IData,
            130 => Chunk::ReConfig,
            132 => Chunk::Pad,
            0x80 => Chunk::AddressConfAck,
            192 => Chunk::ForwardTsn,
            0xc1 => Chunk::AddressConf,
            194 => Chunk::IForwardTsn,
            _ => return None,
        })
    }

    /// Scapy's class name, which is also the name `show()` heads it with.
    pub fn class(self) -> &'static str {
        match self {
            Chunk::Data => "SCTPChunkData",
            Chunk::Init => "SCTPChunkInit",
            Chunk::InitAck => "SCTPChunkInitAck",
            Chunk::Sack => "SCTPChunkSACK",
            Chunk::HeartbeatReq => "SCTPChunkHeartbeatReq",
            Chunk::HeartbeatAck => "SCTPChunkHeartbeatAck",
            Chunk::Abort => "SCTPChunkAbort",
            Chunk::Shutdown => "SCTPChunkShutdown",
            Chunk::ShutdownAck => "SCTPChunkShutdownAck",
            Chunk::Error => "SCTPChunkError",
            Chunk::CookieEcho => "SCTPChunkCookieEcho",
            Chunk::CookieAck => "SCTPChunkCookieAck",
            Chunk::ShutdownComplete => "SCTPChunkShutdownComplete",
            Chunk::Authentication => "SCTPChunkAuthentication",
            Chunk::IData => "SCTPChunkIData",
            Chunk::ReConfig => "SCTPChunkReConfig",
            Chunk::Pad => "SCTPChunkPad",
            Chunk::AddressConfAck => "SCTPChunkAddressConfAck",
            Chunk::ForwardTsn => "SCTPChunkForwardTSN",
            Chunk::AddressConf => "SCTPChunkAddressConf",
            Chunk::IForwardTsn => "SCTPChunkIForwardTSN",
        }
    }

    /// The fixed fields at the chunk's start, then what follows them.
    fn layout(self, beginning: bool) -> (&'static [Spec], Tail) {
        match self {
            Chunk::Data => (&DATA, Tail::Payload),
            Chunk::IData if beginning => (&IDATA_FIRST, Tail::Bytes("data", 20)),
            Chunk::IData => (&IDATA_LATER, Tail::Bytes("data", 20)),
            Chunk::Init | Chunk::InitAck => (&INIT, Tail::Params("params", 20)),
            Chunk::Sack => (&SACK, Tail::GapAcks),
            Chunk::HeartbeatReq | Chunk::HeartbeatAck | Chunk::ReConfig => {
                (&PLAIN, Tail::Params("params", 4))
            }
            Chunk::Abort => (&WITH_TCB, Tail::Bytes("error_causes", 4)),
            Chunk::ShutdownComplete => (&WITH_TCB, Tail::Nothing),
            Chunk::Shutdown => (&SHUTDOWN, Tail::Nothing),
            Chunk::ShutdownAck | Chunk::CookieAck => (&PLAIN, Tail::Nothing),
            Chunk::Error => (&PLAIN, Tail::Bytes("error_causes", 4)),
            Chunk::CookieEcho => (&PLAIN, Tail::Bytes("cookie", 4)),
            Chunk::Authentication => (&AUTHENTICATION, Tail::Bytes("HMAC", 8)),
            Chunk::Pad => (&PLAIN, Tail::Bytes("padding", 8)),
            Chunk::AddressConf | Chunk::AddressConfAck => {
                (&ADDRESS_CONF, Tail::Params("params", 8))
            }
            Chunk::ForwardTsn | Chunk::IForwardTsn => (&FORWARD_TSN, Tail::Params("skips", 8)),
        }
    }
}

/// What follows a chunk's or parameter's fixed fields; the number is what Scapy takes
/// from `len` for the part's length (`len - 4`).
#[derive(Clone, Copy)]
enum Tail {
    Nothing,
    /// Bytes (StrLenField), padded to 4 bytes.
    Bytes(&'static str, i64),
    /// DATA's user data (a PacketLenField, padded): Raw, as no protocol is bound to
    /// SCTP's payload identifiers in Scapy's default layers; `None` when `len` leaves it
    /// no bytes.
    Payload,
    /// A parameter list (Scapy's ChunkParamField).
    Params(&'static str, i64),
    /// SACK's gap blocks and duplicate TSNs, counted by its header.
    GapAcks,
    /// A list of numbers (FieldListField) of the given width, padded to 4 bytes.
    List(&'static str, usize, fn(u64) -> Option<&'static str>),
    /// ASCONF's address: by the address type before it.
    Address,
}

fn chunk_type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "data",
        1 => "init",
        2 => "init-ack",
        3 => "sack",
        4 => "heartbeat-req",
        5 => "heartbeat-ack",
        6 => "abort",
        7 => "shutdown",
        8 => "shutdown-ack",
        9 => "error",
        10 => "cookie-echo",
        11 => "cookie-ack",
        14 => "shutdown-complete",
        15 => "authentication",
        64 => "i-data",
        130 => "re-config",
        132 => "pad",
        0x80 => "address-configuration-ack",
        192 => "forward-tsn",
        0xc1 => "address-configuration",
        194 => "i-forward-tsn",
        _ => return None,
    })
}

fn parameter_type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "heartbeat-info",
        5 => "IPv4",
        6 => "IPv6",
        7 => "state-cookie",
        8 => "unrecognized-param",
        9 => "cookie-preservative",
        11 => "hostname",
        12 => "addrtypes",
        13 => "out-ssn-reset-req",
        14 => "in-ssn-reset-req",
        15 => "ssn-tsn-reset-req",
        16 => "re-configuration-response",
        17 => "add-outgoing-stream-req",
        18 => "add-incoming-stream-req",
        0x8000 => "ecn-capable",
        0x8002 => "random",
        0x8003 => "chunk-list",
        0x8004 => "requested-HMAC-functions",
        0x8008 => "supported-extensions",
        0xc000 => "fwd-tsn-supported",
        0xc001 => "add-IP",
        0xc002 => "del-IP",
        0xc003 => "error-indication",
        0xc004 => "set-primary-addr",
        0xc005 => "success-indication",
        0xc006 => "adaptation-layer",
        _ => return None,
    })
}

fn hmac_name(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Reserved1",
        1 => "SHA-1",
        2 => "Reserved2",
        3 => "SHA-256",
        _ => return None,
    })
}

/// Payload protocol identifiers, as Scapy names them (IANA's table up to 57).
fn payload_protocol_name(number: u64) -> Option<&'static str> {
    const NAMES: [&str; 58] = [
        "Reserved",
        "IUA",
        "M2UA",
        "M3UA",
        "SUA",
        "M2PA",
        "V5UA",
        "H.248",
        "BICC/Q.2150.3",
        "TALI",
        "DUA",
        "ASAP",
        "ENRP",
        "H.323",
        "Q.IPC/Q.2150.3",
        "SIMCO",
        "DDP Segment Chunk",
        "DDP Stream Session Control",
        "S1AP",
        "RUA",
        "HNBAP",
        "ForCES-HP",
        "ForCES-MP",
        "ForCES-LP",
        "SBc-AP",
        "NBAP",
        "Unassigned",
        "X2AP",
        "IRCP",
        "LCS-AP",
        "MPICH2",
        "SABP",
        "FGP",
        "PPP",
        "CALCAPP",
        "SSP",
        "NPMP-CONTROL",
        "NPMP-DATA",
        "ECHO",
        "DISCARD",
        "DAYTIME",
        "CHARGEN",
        "3GPP RNA",
        "3GPP M2AP",
        "3GPP M3AP",
        "SSH/SCTP",
        "Diameter/SCTP",
        "Diameter/DTLS/SCTP",
        "R14P",
        "Unassigned",
        "WebRTC DCEP",
        "WebRTC String",
        "WebRTC Binary Partial",
        "WebRTC Binary",
        "WebRTC String Partial",
        "3GPP PUA",
        "WebRTC String Empty",
        "WebRTC Binary Empty",
    ];
    usize::try_from(number)
        .ok()
        .and_then(|n| NAMES.get(n).copied())
}

const TYPE: Spec = Spec::new("type", 0, 1, Format::Enum(chunk_type_name));
const FLAGS: Spec = Spec::new("flags", 1, 1, Format::Hex);
const LEN: Spec = Spec::new("len", 2, 2, Format::Int);
const PLAIN: [Spec; 3] = [TYPE, FLAGS, LEN];
const WITH_TCB: [Spec; 4] = [
    TYPE,
    Spec::bits("reserved", 1, 1, 0xfe, Format::Int),
    Spec::bits("TCB", 1, 1, 0x01, Format::Int),
    LEN,
];
/// DATA's and I-DATA's flag bits, `beginning` among them (Scapy's BitFields).
const DATA_BITS: [Spec; 5] = [
    Spec::bits("reserved", 1, 1, 0xf0, Format::Int),
    Spec::bits("delay_sack", 1, 1, 0x08, Format::Int),
    Spec::bits("unordered", 1, 1, 0x04, Format::Int),
    Spec::bits("beginning", 1, 1, 0x02, Format::Int),
    Spec::bits("ending", 1, 1, 0x01, Format::Int),
];
const BEGINNING: Spec = DATA_BITS[3];
const TSN: Spec = Spec::new("tsn", 4, 4, Format::Hex);
const STREAM_ID: Spec = Spec::new("stream_id", 8, 2, Format::Hex);
/// DATA's and I-DATA's first fields.
const DATA_COMMON: [Spec; 9] = [
    TYPE,
    DATA_BITS[0],
    DATA_BITS[1],
    DATA_BITS[2],
    DATA_BITS[3],
    DATA_BITS[4],
    LEN,
    TSN,
    STREAM_ID,
];
const DATA: [Spec; 11] = join(
    DATA_COMMON,
    [
        Spec::new("stream_seq", 10, 2, Format::Hex),
        Spec::new("proto_id", 12, 4, Format::Enum(payload_protocol_name)),
    ],
);
const IDATA_MIDDLE: [Spec; 11] = join(
    DATA_COMMON,
    [
        Spec::new("reserved_16", 10, 2, Format::Hex),
        Spec::new("message_id", 12, 4, Format::Hex),
    ],
);
/// I-DATA: the last field is the payload protocol in a first fragment, else the
/// fragment sequence number (Scapy's MultipleTypeField).
const IDATA_FIRST: [Spec; 12] = join(
    IDATA_MIDDLE,
    [Spec::new(
        "ppid_fsn",
        16,
        4,
        Format::Enum(payload_protocol_name),
    )],
);
const IDATA_LATER: [Spec; 12] = join(IDATA_MIDDLE, [Spec::new("ppid_fsn", 16, 4, Format::Hex)]);

/// `a` then `b`, as one array of `C` specs (checked when compiled).
const fn join<const A: usize, const B: usize, const C: usize>(
    a: [Spec; A],
    b: [Spec; B],
) -> [Spec; C] {
    assert!(A + B == C && A > 0);
    let mut out = [a[0]; C];
    let mut i = 0;
    while i < C {
        out[i] = if i < A { a[i] } else { b[i - A] };
        i += 1;
    }
    out
}
const INIT: [Spec; 8] = [
    TYPE,
    FLAGS,
    LEN,
    Spec::new("init_tag", 4, 4, Format::Hex),
    Spec::new("a_rwnd", 8, 4, Format::Int),
    Spec::new("n_out_streams", 12, 2, Format::Int),
    Spec::new("n_in_streams", 14, 2, Format::Int),
    Spec::new("init_tsn", 16, 4, Format::Hex),
];
const CUMULATIVE_TSN: Spec = Spec::new("cumul_tsn_ack", 4, 4, Format::Hex);
const GAP_COUNT: Spec = Spec::new("n_gap_ack", 12, 2, Format::Int);
const DUPLICATE_COUNT: Spec = Spec::new("n_dup_tsn", 14, 2, Format::Int);
const SACK: [Spec; 7] = [
    TYPE,
    FLAGS,
    LEN,
    CUMULATIVE_TSN,
    Spec::new("a_rwnd", 8, 4, Format::Int),
    GAP_COUNT,
    DUPLICATE_COUNT,
];
const SHUTDOWN: [Spec; 4] = [TYPE, FLAGS, LEN, CUMULATIVE_TSN];
const AUTHENTICATION: [Spec; 5] = [
    TYPE,
    FLAGS,
    LEN,
    Spec::new("shared_key_id", 4, 2, Format::Int),
    Spec::new("HMAC_function", 6, 2, Format::Int),
];
const ADDRESS_CONF: [Spec; 4] = [TYPE, FLAGS, LEN, Spec::new("seq", 4, 4, Format::Int)];
const FORWARD_TSN: [Spec; 4] = [TYPE, FLAGS, LEN, Spec::new("new_tsn", 4, 4, Format::Int)];

const PARAMETER_TYPE: Spec = Spec::new("type", 0, 2, Format::Enum(parameter_type_name));
const PARAMETER_PLAIN: [Spec; 2] = [PARAMETER_TYPE, LEN];
const IPV4: [Spec; 3] = [PARAMETER_TYPE, LEN, Spec::new("addr", 4, 4, Format::Ipv4)];
const IPV6: [Spec; 3] = [PARAMETER_TYPE, LEN, Spec::new("addr", 4, 16, Format::Ipv6)];
const CORRELATION: Spec = Spec::new("correlation_id", 4, 4, Format::Hex);
const WITH_CORRELATION: [Spec; 3] = [PARAMETER_TYPE, LEN, CORRELATION];
const ADDRESS_TYPE: Spec = Spec::new("addr_type", 8, 2, Format::Enum(parameter_type_name));
const ADDRESS_LEN: Spec = Spec::new("addr_len", 10, 2, Format::Int);
const ADDRESS_CHANGE: [Spec; 5] = [PARAMETER_TYPE, LEN, CORRELATION, ADDRESS_TYPE, ADDRESS_LEN];
const COOKIE_PRESERVATIVE: [Spec; 3] = [
    PARAMETER_TYPE,
    LEN,
    Spec::new("sug_cookie_inc", 4, 4, Format::Hex),
];
const ADAPTATION_LAYER: [Spec; 3] = [
    PARAMETER_TYPE,
    LEN,
    Spec::new("indication", 4, 4, Format::Hex),
];

/// A parameter type Scapy has a class for: its name and layout.
fn parameter(parameter_type: u16) -> Option<(&'static str, &'static [Spec], Tail)> {
    let bytes = |name| Tail::Bytes(name, 4);
    Some(match parameter_type {
        1 => (
            "SCTPChunkParamHeartbeatInfo",
            &PARAMETER_PLAIN,
            bytes("data"),
        ),
        5 => ("SCTPChunkParamIPv4Addr", &IPV4, Tail::Nothing),
        6 => ("SCTPChunkParamIPv6Addr", &IPV6, Tail::Nothing),
        7 => (
            "SCTPChunkParamStateCookie",
            &PARAMETER_PLAIN,
            bytes("cookie"),
        ),
        8 => (
            "SCTPChunkParamUnrocognizedParam",
            &PARAMETER_PLAIN,
            bytes("param"),
        ),
        9 => (
            "SCTPChunkParamCookiePreservative",
            &COOKIE_PRESERVATIVE,
            Tail::Nothing,
        ),
        11 => (
            "SCTPChunkParamHostname",
            &PARAMETER_PLAIN,
            bytes("hostname"),
        ),
        12 => (
            "SCTPChunkParamSupportedAddrTypes",
            &PARAMETER_PLAIN,
            Tail::List("addr_type_list", 2, parameter_type_name),
        ),
        0x8000 => ("SCTPChunkParamECNCapable", &PARAMETER_PLAIN, Tail::Nothing),
        0x8002 => ("SCTPChunkParamRandom", &PARAMETER_PLAIN, bytes("random")),
        0x8003 => (
            "SCTPChunkParamChunkList",
            &PARAMETER_PLAIN,
            Tail::List("chunk_list", 1, chunk_type_name),
        ),
        0x8004 => (
            "SCTPChunkParamRequestedHMACFunctions",
            &PARAMETER_PLAIN,
            Tail::List("HMAC_functions_list", 2, hmac_name),
        ),
        0x8008 => (
            "SCTPChunkParamSupportedExtensions",
            &PARAMETER_PLAIN,
            Tail::List("supported_extensions", 1, chunk_type_name),
        ),
        0xc000 => ("SCTPChunkParamFwdTSN", &PARAMETER_PLAIN, Tail::Nothing),
        0xc001 => ("SCTPChunkParamAddIPAddr", &ADDRESS_CHANGE, Tail::Address),
        0xc002 => ("SCTPChunkParamDelIPAddr", &ADDRESS_CHANGE, Tail::Address),
        // Scapy takes `len - 4` bytes of causes after the 8-byte header.
        0xc003 => (
            "SCTPChunkParamErrorIndication",
            &WITH_CORRELATION,
            bytes("error_causes"),
        ),
        0xc004 => (
            "SCTPChunkParamSetPrimaryAddr",
            &ADDRESS_CHANGE,
            Tail::Address,
        ),
        0xc005 => (
            "SCTPChunkParamSuccessIndication",
            &WITH_CORRELATION,
            Tail::Nothing,
        ),
        0xc006 => (
            "SCTPChunkParamAdaptationLayer",
            &ADAPTATION_LAYER,
            Tail::Nothing,
        ),
        _ => return None,
    })
}

/// The length field of a chunk or parameter at `at`, as Scapy computes with it.
fn length(data: &[u8], at: usize) -> i64 {
    LEN.get(data, at) as i64
}

/// Reads a chunk or parameter with `specs` then `tail` from `rest`, as Scapy does;
/// its fields, or `None` where Scapy gives the part up.
fn read(data: &[u8], rest: &mut Rest, specs: &[Spec], tail: Tail) -> Option<Vec<Field>> {
    let at = rest.at;
    let mut fields = rest.prefix(data, specs)?;
    let len = length(data, at);
    match tail {
        Tail::Nothing => {}
        Tail::Bytes(name, minus) => {
            let value = rest.slice(len - minus);
            let bytes = Value::Bytes(data[value.clone()].to_vec());
            fields.push(field(name, rest.pad(&value, 4), bytes));
        }
        Tail::Payload => {
            let wanted = len - 16;
            let value = rest.slice(wanted);
            let shown = if wanted == 0 {
                Value::None
            } else {
                let padded = rest.pad(&value, 4);
                let load = Value::Bytes(data[value].to_vec());
                Value::Packets(vec![Group::new(
                    "Raw",
                    padded.clone(),
                    vec![field("load", padded, load)],
                )])
            };
            let whole = at + 16..rest.at;
            fields.push(field("data", whole, shown));
        }
        Tail::Params(name, minus) => {
            let region = rest.slice(len - minus);
            let groups = parameters(data, region.clone())?;
            fields.push(field(name, region, Value::Packets(groups)));
        }
        Tail::List(name, width, names) => {
            let region = rest.slice(len - 4);
            if region.len() % width != 0 || region.len() / width > MAX_LIST {
                return None;
            }
            let items: Vec<String> = data[region.clone()]
                .chunks(width)
                .map(|item| {
                    let number = item.iter().fold(0u64, |n, &b| n << 8 | u64::from(b));
                    names(number).map_or_else(|| number.to_string(), str::to_string)
                })
                .collect();
            let text = Value::Text(format!("[{}]", items.join(", ")));
            fields.push(field(name, rest.pad(&region, 4), text));
        }
        Tail::GapAcks => {
            let gaps = GAP_COUNT.get(data, at) as usize;
            let duplicates = DUPLICATE_COUNT.get(data, at) as usize;
            let (gaps, gap_range) = counted(data, rest, gaps, 4)?;
            let gaps: Vec<String> = gaps
                .iter()
                .map(|&n| format!("'{}:{}'", n >> 16, n & 0xffff))
                .collect();
            fields.push(field(
                "gap_ack_list",
                gap_range,
                Value::Text(format!("[{}]", gaps.join(", "))),
            ));
            let (duplicates, duplicate_range) = counted(data, rest, duplicates, 4)?;
            let duplicates: Vec<String> = duplicates.iter().map(|n| format!("{n:#x}")).collect();
            fields.push(field(
                "dup_tsn_list",
                duplicate_range,
                Value::Text(format!("[{}]", duplicates.join(", "))),
            ));
        }
        Tail::Address => {
            let (value, range) = match ADDRESS_TYPE.get(data, at) {
                5 => {
                    let range = rest.take(4)?;
                    (Value::Ipv4(super::ipv4_address(data, range.start)), range)
                }
                6 => {
                    let range = rest.take(16)?;
                    (Value::Ipv6(super::ipv6_address(data, range.start)), range)
                }
                _ => {
                    let range = rest.slice(ADDRESS_LEN.get(data, at) as i64);
                    (
                        Value::Bytes(trim_nuls(&data[range.clone()]).to_vec()),
                        range,
                    )
                }
            };
            fields.push(field("addr", range, value));
        }
    }
    Some(fields)
}

/// A FieldListField counted by a header field: items while the rest holds bytes, at
/// most `count`; `None` where an item is cut short or the list runs over Scapy's limit.
fn counted(
    data: &[u8],
    rest: &mut Rest,
    count: usize,
    width: usize,
) -> Option<(Vec<u64>, Range<usize>)> {
    let start = rest.at;
    let mut items = Vec::new();
    while rest.at < rest.end && items.len() < count {
        let item = rest.take(width)?;
        items.push(data[item].iter().fold(0u64, |n, &b| n << 8 | u64::from(b)));
        if items.len() > MAX_LIST {
            return None;
        }
    }
    Some((items, start..rest.at))
}

/// Scapy's ChunkParamField over `region`: each parameter in its class, one that Scapy
/// has no class for (or cannot read, or fewer than 4 bytes) Raw with the rest of the
/// region; `None` past Scapy's list limit.
fn parameters(data: &[u8], region: Range<usize>) -> Option<Vec<Group>> {
    packet_list(data, region.clone(), |rest| {
        let at = rest.at;
        let (name, specs, tail) = (region.end - at >= 4)
            .then(|| parameter(u16::from_be_bytes([data[at], data[at + 1]])))
            .flatten()?;
        read(data, rest, specs, tail).map(|fields| Group::new(name, at..rest.at, fields))
    })
}

/// The chunk at `at` of a packet whose chunks end at `end`, read as Scapy reads it:
/// its fields and where it ends, or `None` (Scapy shows it and the rest as Raw).
fn chunk(data: &[u8], at: usize, end: usize) -> Option<(Chunk, Vec<Field>, usize)> {
    let chunk = Chunk::of(data[at])?;
    let beginning = BEGINNING.get(data, at) == 1;
    let (specs, tail) = chunk.layout(beginning);
    let mut rest = Rest { at, end };
    let fields = read(data, &mut rest, specs, tail)?;
    Some((chunk, fields, rest.at))
}

/// SCTP at `at` (its datagram ends at `end`); `quoted`: inside an ICMP error (Scapy's
/// SCTPerror).
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, quoted: bool) {
    if end < at + HEADER {
        return walk.raw(at, end);
    }
    walk.push(Kind::Sctp { quoted }, at..end);
    let data = walk.data;
    let mut next = at + HEADER;
    while next < end {
        if end - next < 4 {
            walk.push(Kind::Padding, next..end);
            return;
        }
        if walk.chain_full() {
            return walk.raw(next, end);
        }
        match chunk(data, next, end) {
            Some((chunk, _, chunk_end)) => {
                walk.push(Kind::SctpChunk { chunk, end }, next..chunk_end);
                next = chunk_end;
            }
            None => return walk.raw(next, end),
        }
    }
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&HEADER_FIELDS, data, at)
}

/// A chunk's fields; `end`: where the packet's chunks end (Scapy's slices reach it).
pub(super) fn chunk_fields(data: &[u8], at: usize, end: usize) -> Vec<Field> {
    chunk(data, at, end.min(data.len())).map_or_else(Vec::new, |(_, fields, _)| fields)
}
