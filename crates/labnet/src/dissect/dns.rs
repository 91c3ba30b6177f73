//! DNS messages (UDP 53 and 5353, TCP 53 with its length prefix, as Scapy binds them):
//! the header, questions and resource records in Scapy's classes (DNSQR, DNSRR and
//! its MX, SOA, SRV and OPT forms), names decompressed with a bounded number of
//! pointer jumps. A message that does not parse whole is left as Raw.

use std::ops::Range;

use super::field::{field, fixed, python_bytes, Field, Format, Group, Spec};
use super::{ipv4_address, ipv6_address, Kind, Value, Walk};

fn opcode(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "QUERY",
        1 => "IQUERY",
        2 => "STATUS",
        _ => return None,
    })
}

fn rcode(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "ok",
        1 => "format-error",
        2 => "server-failure",
        3 => "name-error",
        4 => "not-implemented",
        5 => "refused",
        _ => return None,
    })
}

/// Scapy's `dnstypes`.
fn record_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "RESERVED",
        1 => "A",
        2 => "NS",
        3 => "MD",
        4 => "MF",
        5 => "CNAME",
        6 => "SOA",
        7 => "MB",
        8 => "MG",
        9 => "MR",
        10 => "NULL",
        11 => "WKS",
        12 => "PTR",
        13 => "HINFO",
        14 => "MINFO",
        15 => "MX",
        16 => "TXT",
        17 => "RP",
        18 => "AFSDB",
        19 => "X25",
        20 => "ISDN",
        21 => "RT",
        22 => "NSAP",
        23 => "NSAP-PTR",
        24 => "SIG",
        25 => "KEY",
        26 => "PX",
        27 => "GPOS",
        28 => "AAAA",
        29 => "LOC",
        30 => "NXT",
        31 => "EID",
        32 => "NIMLOC",
        33 => "SRV",
        34 => "ATMA",
        35 => "NAPTR",
        36 => "KX",
        37 => "CERT",
        38 => "A6",
        39 => "DNAME",
        40 => "SINK",
        41 => "OPT",
        42 => "APL",
        43 => "DS",
        44 => "SSHFP",
        45 => "IPSECKEY",
        46 => "RRSIG",
        47 => "NSEC",
        48 => "DNSKEY",
        49 => "DHCID",
        50 => "NSEC3",
        51 => "NSEC3PARAM",
        52 => "TLSA",
        53 => "SMIMEA",
        55 => "HIP",
        56 => "NINFO",
        57 => "RKEY",
        58 => "TALINK",
        59 => "CDS",
        60 => "CDNSKEY",
        61 => "OPENPGPKEY",
        62 => "CSYNC",
        63 => "ZONEMD",
        64 => "SVCB",
        65 => "HTTPS",
        99 => "SPF",
        100 => "UINFO",
        101 => "UID",
        102 => "GID",
        103 => "UNSPEC",
        104 => "NID",
        105 => "L32",
        106 => "L64",
        107 => "LP",
        108 => "EUI48",
        109 => "EUI64",
        249 => "TKEY",
        250 => "TSIG",
        256 => "URI",
        257 => "CAA",
        258 => "AVC",
        259 => "DOA",
        260 => "AMTRELAY",
        32768 => "TA",
        32769 => "DLV",
        65535 => "RESERVED",
        _ => return None,
    })
}

/// Scapy's `dnsqtypes`: the record types and the query-only ones.
fn query_type(number: u64) -> Option<&'static str> {
    Some(match number {
        251 => "IXFR",
        252 => "AXFR",
        253 => "MAILB",
        254 => "MAILA",
        255 => "ALL",
        _ => return record_type(number),
    })
}

fn class(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "IN",
        2 => "CS",
        3 => "CH",
        4 => "HS",
        255 => "ANY",
        _ => return None,
    })
}

/// An OPT record's flags: only the DNSSEC OK bit has a name (Scapy's `D0`).
fn edns0_flags(number: u64) -> Option<&'static str> {
    (number == 0x8000).then_some("D0")
}

fn edns0_option(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Reserved",
        1 => "LLQ",
        2 => "UL",
        3 => "NSID",
        4 => "Reserved",
        5 => "PING",
        8 => "edns-client-subnet",
        10 => "COOKIE",
        15 => "Extended DNS Error",
        _ => return None,
    })
}

/// The fixed header (after TCP's length prefix, if any).
const HEADER_FIELDS: [Spec; 15] = [
    Spec::new("id", 0, 2, Format::Int),
    Spec::bits("qr", 2, 1, 0x80, Format::Int),
    Spec::bits("opcode", 2, 1, 0x78, Format::Enum(opcode)),
    Spec::bits("aa", 2, 1, 0x04, Format::Int),
    Spec::bits("tc", 2, 1, 0x02, Format::Int),
    Spec::bits("rd", 2, 1, 0x01, Format::Int),
    Spec::bits("ra", 3, 1, 0x80, Format::Int),
    Spec::bits("z", 3, 1, 0x40, Format::Int),
    Spec::bits("ad", 3, 1, 0x20, Format::Int),
    Spec::bits("cd", 3, 1, 0x10, Format::Int),
    Spec::bits("rcode", 3, 1, 0x0f, Format::Enum(rcode)),
    Spec::new("qdcount", 4, 2, Format::Int),
    Spec::new("ancount", 6, 2, Format::Int),
    Spec::new("nscount", 8, 2, Format::Int),
    Spec::new("arcount", 10, 2, Format::Int),
];
const HEADER: usize = 12;
const QR: Spec = HEADER_FIELDS[1];
const RCODE: Spec = HEADER_FIELDS[10];
const COUNTS: [Spec; 4] = [
    HEADER_FIELDS[11],
    HEADER_FIELDS[12],
    HEADER_FIELDS[13],
    HEADER_FIELDS[14],
];
const SECTIONS: [&str; 4] = ["qd", "an", "ns", "ar"];
const TCP_LENGTH: Spec = Spec::new("length", 0, 2, Format::Int);

/// A name follows at most this many compression pointers (Scapy's limit).
const MAX_POINTERS: usize = 20;
/// At most this many records are read per section (a 64 KiB message holds fewer).
const MAX_RECORDS: usize = 4096;

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, mdns: bool) {
    dissect_message(walk, at, end, mdns, false);
}

/// DNS over TCP: a two-byte length, then the message.
pub(super) fn dissect_tcp(walk: &mut Walk, at: usize, end: usize) {
    dissect_message(walk, at, end, false, true);
}

/// LLMNR (UDP 5355): DNS's message with its own header flags, a query or a response
/// by the QR bit, as Scapy's `_LLMNR` dispatches it. Scapy reads fewer than two bytes
/// as a bare `_LLMNR` (the bytes Raw), and fails on two (Raw).
pub(super) fn dissect_llmnr(walk: &mut Walk, at: usize, end: usize) {
    let data = &walk.data[..end];
    match end - at {
        0 => {}
        1 => {
            walk.push(Kind::Llmnr { response: None }, at..at);
            walk.raw(at, end);
        }
        2 => walk.raw(at, end),
        _ => match Message::end(data, at, false) {
            Some(message_end) => {
                let response = Some(QR.get(data, at) == 1);
                walk.push(Kind::Llmnr { response }, at..message_end);
                walk.raw(message_end, end);
            }
            None => walk.raw(at, end),
        },
    }
}

fn dissect_message(walk: &mut Walk, at: usize, end: usize, mdns: bool, tcp: bool) {
    let data = &walk.data[..end];
    match Message::end(data, at, tcp) {
        Some(message_end) => {
            walk.push(Kind::Dns { mdns, tcp }, at..message_end);
            walk.raw(message_end, end);
        }
        None => walk.raw(at, end),
    }
}

/// A DNS message's layout: where its header starts and its records.
struct Message {
    /// The start of the header proper (after a TCP length prefix).
    header: usize,
    sections: [Vec<Record>; 4],
    /// Where a record could not be read (cut short, or a name that runs off): its
    /// section and where it starts. Scapy keeps the rest of the message there as one
    /// Raw record, and the sections after it empty.
    broken: Option<(usize, usize)>,
    end: usize,
}

/// What walking a message's records found (`Message::scan`).
struct Scan {
    header: usize,
    broken: Option<(usize, usize)>,
    end: usize,
}

/// One question or resource record: its name, and where its fixed part starts.
struct Record {
    range: Range<usize>,
    name: Name,
    /// Offset of the type field.
    fixed: usize,
}

struct Name {
    /// The name's own bytes in the record (labels up to the end or first pointer).
    range: Range<usize>,
    /// Whether the name's own bytes run past the data (nothing can follow it).
    runs_off: bool,
    /// The whole name, decompressed, as Scapy shows it (`brooklyn.lab.`).
    text: Vec<u8>,
}

impl Message {
    /// The message with its records (and their names' text), for its fields and
    /// summary.
    fn parse(data: &[u8], at: usize, tcp: bool) -> Option<Message> {
        let mut sections: [Vec<Record>; 4] = Default::default();
        let Scan {
            header,
            broken,
            end,
        } = Message::scan(data, at, tcp, true, |index, record| {
            sections[index].push(record)
        })?;
        Some(Message {
            header,
            sections,
            broken,
            end,
        })
    }

    /// Where the message ends: what the dissection needs, found without keeping the
    /// records or building their names (the per-packet path).
    fn end(data: &[u8], at: usize, tcp: bool) -> Option<usize> {
        Message::scan(data, at, tcp, false, |_, _| {}).map(|scan| scan.end)
    }

    /// Walks the records as Scapy's PacketListFields read them (records while bytes
    /// remain, at most each section's count; one that cannot be read ends the
    /// message), handing each to `each` with its section; returns where the header
    /// starts, where a record broke, and where the message ends.
    fn scan(
        data: &[u8],
        at: usize,
        tcp: bool,
        names: bool,
        mut each: impl FnMut(usize, Record),
    ) -> Option<Scan> {
        let header = if tcp { at + 2 } else { at };
        if data.len() < header + HEADER {
            return None;
        }
        // Over TCP, Scapy's DNS.pre_dissect refuses a length prefix below 14 or past
        // the segment's end (counted with the prefix's own two bytes).
        if tcp {
            let declared = usize::from(u16::from_be_bytes([data[at], data[at + 1]]));
            if declared < 14 || data.len() - at < declared {
                return None;
            }
        }
        let mut offset = header + HEADER;
        let mut broken = None;
        'sections: for (index, count) in COUNTS.iter().enumerate() {
            let count = (count.get(data, header) as usize).min(MAX_RECORDS);
            for _ in 0..count {
                if offset >= data.len() {
                    break 'sections;
                }
                match Record::parse(data, header, offset, index == 0, names) {
                    Some(record) => {
                        offset = record.range.end;
                        each(index, record);
                    }
                    None => {
                        broken = Some((index, offset));
                        offset = data.len();
                        break 'sections;
                    }
                }
            }
        }
        Some(Scan {
            header,
            broken,
            end: offset,
        })
    }
}

impl Record {
    /// The question (or resource record) at `offset`, if the data holds all of it;
    /// `names`: with its name's text.
    fn parse(
        data: &[u8],
        header: usize,
        offset: usize,
        question: bool,
        names: bool,
    ) -> Option<Record> {
        let name = read_name(data, header, offset, names)?;
        if name.runs_off {
            return None;
        }
        let fixed = name.range.end;
        // Questions: type and class. Records: type, class, TTL, data length, then
        // the data.
        let end = if question {
            fixed + 4
        } else {
            fixed + 10 + RDLEN.get(data, fixed) as usize
        };
        (end <= data.len()).then_some(Record {
            range: offset..end,
            name,
            fixed,
        })
    }
}

/// Reads the name at `at` as Scapy's `dns_get_str` does: labels, and a pointer (any
/// length byte with either top bit set) to an offset from the message's `header`.
/// Where the data ends, or a pointer closes a loop or is the 21st, the name ends with
/// what was read; the name's own bytes end after its first pointer or its zero byte
/// (past the data when it runs off it, so that what follows fails, as in Scapy).
/// `None` only when the name starts past the data. `text`: whether to build the
/// name's text (the dissection needs only where it ends).
fn read_name(data: &[u8], header: usize, at: usize, text: bool) -> Option<Name> {
    data.get(at)?;
    let keep_text = text;
    let mut text = Vec::new();
    let mut position = at;
    let mut own_end = None;
    let mut targets = Vec::new();
    while let Some(&length) = data.get(position) {
        if length & 0xc0 != 0 {
            own_end.get_or_insert(position + 2);
            let Some(&low) = data.get(position + 1) else {
                break;
            };
            let target = usize::from(length & 0x3f) << 8 | usize::from(low);
            if targets.contains(&target) || targets.len() == MAX_POINTERS {
                break;
            }
            targets.push(target);
            position = header + target;
            continue;
        }
        if length == 0 {
            own_end.get_or_insert(position + 1);
            break;
        }
        if keep_text {
            let label = position + 1..(position + 1 + usize::from(length)).min(data.len());
            text.extend_from_slice(&data[label]);
            text.push(b'.');
        }
        position += 1 + usize::from(length);
    }
    if keep_text && text.is_empty() {
        text.push(b'.');
    }
    let own_end = own_end.unwrap_or(position);
    Some(Name {
        range: at..own_end.min(data.len()),
        text,
        runs_off: own_end > data.len(),
    })
}

// The fixed part of a question, relative to the end of its name.
const QTYPE: Spec = Spec::new("qtype", 0, 2, Format::Enum(query_type));
const QUESTION: [Spec; 3] = [
    QTYPE,
    Spec::bits("unicastresponse", 2, 2, 0x8000, Format::Int),
    Spec::bits("qclass", 2, 2, 0x7fff, Format::Enum(class)),
];
// The fixed part of a resource record, relative to the end of its name.
const TYPE: Spec = Spec::new("type", 0, 2, Format::Enum(record_type));
const RECORD: [Spec; 4] = [
    TYPE,
    Spec::bits("cacheflush", 2, 2, 0x8000, Format::Int),
    Spec::bits("rclass", 2, 2, 0x7fff, Format::Enum(class)),
    Spec::new("ttl", 4, 4, Format::Int),
];
/// SOA and OPT records have a plain class, with no mDNS cache-flush bit.
const PLAIN_CLASS: Spec = Spec::new("rclass", 2, 2, Format::Enum(class));
const RDLEN: Spec = Spec::new("rdlen", 8, 2, Format::Int);
const RDATA: usize = 10;

pub(super) fn fields(data: &[u8], range: Range<usize>, tcp: bool) -> Vec<Field> {
    message_fields(data, range, tcp, &HEADER_FIELDS)
}

/// LLMNR's header (RFC 4795): DNS's, with its own flags in the second word.
const LLMNR_HEADER_FIELDS: [Spec; 12] = [
    HEADER_FIELDS[0],
    HEADER_FIELDS[1],
    Spec::bits("opcode", 2, 1, 0x78, Format::Enum(llmnr_opcode)),
    Spec::bits("c", 2, 1, 0x04, Format::Int),
    Spec::bits("tc", 2, 1, 0x02, Format::Int),
    Spec::bits("t", 2, 1, 0x01, Format::Int),
    Spec::bits("z", 3, 1, 0xf0, Format::Int),
    HEADER_FIELDS[10],
    HEADER_FIELDS[11],
    HEADER_FIELDS[12],
    HEADER_FIELDS[13],
    HEADER_FIELDS[14],
];

fn llmnr_opcode(number: u64) -> Option<&'static str> {
    (number == 0).then_some("QUERY")
}

pub(super) fn llmnr_fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    if range.is_empty() {
        return Vec::new();
    }
    message_fields(data, range, false, &LLMNR_HEADER_FIELDS)
}

fn message_fields(
    data: &[u8],
    range: Range<usize>,
    tcp: bool,
    header_fields: &[Spec],
) -> Vec<Field> {
    let Some(message) = Message::parse(data, range.start, tcp) else {
        return Vec::new();
    };
    let header = message.header;
    let mut out = Vec::with_capacity(20);
    if tcp {
        out.extend(TCP_LENGTH.field(data, range.start));
    }
    out.extend(fixed(header_fields, data, header));
    for (index, records) in message.sections.iter().enumerate() {
        let start = records
            .first()
            .map_or_else(|| records_end(&message, index), |r| r.range.start);
        let mut end = records.last().map_or(start, |r| r.range.end);
        let mut groups: Vec<Group> = records
            .iter()
            .map(|record| {
                if index == 0 {
                    question(data, record)
                } else {
                    resource(data, header, record)
                }
            })
            .collect();
        if let Some((_, at)) = message.broken.filter(|&(section, _)| section == index) {
            end = message.end;
            groups.push(Group::raw(data, at..end));
        }
        out.push(field(SECTIONS[index], start..end, Value::Packets(groups)));
    }
    out
}

/// Where the records before section `index` end (an empty section sits there).
fn records_end(message: &Message, index: usize) -> usize {
    if message.broken.is_some_and(|(section, _)| section < index) {
        return message.end;
    }
    message.sections[..index]
        .iter()
        .rev()
        .find_map(|records| records.last().map(|r| r.range.end))
        .unwrap_or(message.header + HEADER)
}

fn name_field(name: &'static str, value: &Name) -> Field {
    field(
        name,
        value.range.clone(),
        Value::Text(python_bytes(&value.text)),
    )
}

fn question(data: &[u8], record: &Record) -> Group {
    let mut fields = vec![name_field("qname", &record.name)];
    fields.extend(fixed(&QUESTION, data, record.fixed));
    Group::new("DNS Question Record", record.range.clone(), fields)
}

fn resource(data: &[u8], header: usize, record: &Record) -> Group {
    let at = record.fixed;
    let rdata = at + RDATA..record.range.end;
    let record_type = TYPE.get(data, at);
    let mut fields = vec![name_field("rrname", &record.name)];
    // Scapy drops rdlen after dissecting a record (so a rebuilt one gets it
    // recomputed) and shows None; the bytes are still the length.
    let rdlen = field("rdlen", at + 8..at + RDATA, Value::None);
    let name_at = |offset: usize, label: &'static str| {
        read_name(data, header, offset, true).map(|name| name_field(label, &name))
    };
    let int = |name, offset, len| Spec::new(name, offset, len, Format::Int);
    let (class_name, rest): (&'static str, Vec<Field>) = match record_type {
        15 => {
            fields.extend(fixed(&RECORD, data, at));
            fields.push(rdlen);
            let mut rest: Vec<Field> = int("preference", RDATA, 2)
                .field(data, at)
                .into_iter()
                .collect();
            rest.extend(name_at(at + RDATA + 2, "exchange"));
            ("DNS MX Resource Record", rest)
        }
        33 => {
            fields.extend(fixed(&RECORD, data, at));
            fields.push(rdlen);
            let mut rest = fixed(
                &[
                    int("priority", RDATA, 2),
                    int("weight", RDATA + 2, 2),
                    int("port", RDATA + 4, 2),
                ],
                data,
                at,
            );
            rest.extend(name_at(at + RDATA + 6, "target"));
            ("DNS SRV Resource Record", rest)
        }
        6 => {
            fields.extend(fixed(&[TYPE, PLAIN_CLASS, RECORD[3]], data, at));
            fields.push(rdlen);
            let mut rest = Vec::new();
            let mname = read_name(data, header, rdata.start, true);
            let rname = mname
                .as_ref()
                .and_then(|m| read_name(data, header, m.range.end, true));
            if let (Some(mname), Some(rname)) = (mname, rname) {
                let numbers = rname.range.end;
                rest.push(name_field("mname", &mname));
                rest.push(name_field("rname", &rname));
                for (i, name) in ["serial", "refresh", "retry", "expire", "minimum"]
                    .into_iter()
                    .enumerate()
                {
                    rest.extend(int(name, 4 * i, 4).field(data, numbers));
                }
            }
            ("DNS SOA Resource Record", rest)
        }
        41 => {
            fields.push(TYPE.field(data, at).expect("parsed"));
            fields.extend(fixed(
                &[
                    PLAIN_CLASS,
                    int("extrcode", 4, 1),
                    int("version", 5, 1),
                    Spec::new("z", 6, 2, Format::Enum(edns0_flags)),
                ],
                data,
                at,
            ));
            fields.push(rdlen);
            (
                "DNS OPT Resource Record",
                vec![field(
                    "rdata",
                    rdata.clone(),
                    Value::Packets(edns0_options(data, rdata.clone())),
                )],
            )
        }
        _ => {
            fields.extend(fixed(&RECORD, data, at));
            fields.push(rdlen);
            let bytes = &data[rdata.clone()];
            let value = match record_type {
                1 if bytes.len() == 4 => Value::Ipv4(ipv4_address(bytes, 0)),
                28 if bytes.len() == 16 => Value::Ipv6(ipv6_address(bytes, 0)),
                2 | 3 | 4 | 5 | 12 | 39 => match read_name(data, header, rdata.start, true) {
                    Some(name) => Value::Text(python_bytes(&name.text)),
                    None => Value::Bytes(bytes.to_vec()),
                },
                16 => Value::Text(text_strings(bytes)),
                _ => Value::Bytes(bytes.to_vec()),
            };
            ("DNS Resource Record", vec![field("rdata", rdata, value)])
        }
    };
    fields.extend(rest);
    Group::new(class_name, record.range.clone(), fields)
}

/// TXT data: length-prefixed strings, as Scapy's list (`[b'hello', b"w'o"]`).
fn text_strings(mut bytes: &[u8]) -> String {
    let mut strings = Vec::new();
    while let Some((&length, rest)) = bytes.split_first() {
        let length = usize::from(length).min(rest.len());
        strings.push(python_bytes(&rest[..length]));
        bytes = &rest[length..];
    }
    format!("[{}]", strings.join(", "))
}

/// EDNS(0) options: code, length, data each.
fn edns0_options(data: &[u8], range: Range<usize>) -> Vec<Group> {
    let specs = [
        Spec::new("optcode", 0, 2, Format::Enum(edns0_option)),
        Spec::new("optlen", 2, 2, Format::Int),
    ];
    let mut groups = Vec::new();
    let mut at = range.start;
    while at + 4 <= range.end {
        let end = at + 4 + specs[1].get(data, at) as usize;
        if end > range.end {
            break;
        }
        let mut fields = fixed(&specs, data, at);
        fields.push(field(
            "optdata",
            at + 4..end,
            Value::Bytes(data[at + 4..end].to_vec()),
        ));
        groups.push(Group::new("DNS EDNS0 TLV", at..end, fields));
        at = end;
    }
    groups
}

/// Scapy's DNS summary: `DNS Qry b'name.'` for a query, `DNS Ans RDATA` for a
/// response with an answer (its rcode's name when it has none, nothing if that is
/// ok); `mDNS` when the UDP destination port is 5353.
/// Scapy's LLMNRQuery/LLMNRResponse.mysummary: the question asked, or the first
/// answer (`'brooklyn.' is at '192.168.56.101'`), else `[malformed]`.
pub fn llmnr_summary(data: &[u8], range: Range<usize>, response: bool) -> String {
    let class = if response {
        "LLMNRResponse"
    } else {
        "LLMNRQuery"
    };
    let first = first_records(&data[..range.end], range.start, false);
    let detail = first.and_then(|(header, question, answer)| {
        if response {
            let answer = answer?;
            let group = resource(data, header, &answer);
            // Only Scapy's plain DNSRR (not its MX, SOA, SRV, OPT classes).
            let rdata = group.fields.iter().find(|f| f.name == "rdata")?;
            Some(format!(
                " '{}' is at '{}'",
                backslash_replace(&answer.name.text),
                rdata.value
            ))
        } else {
            Some(format!(
                " who has '{}'",
                backslash_replace(&question?.name.text)
            ))
        }
    });
    format!("{class}{}", detail.as_deref().unwrap_or(" [malformed]"))
}

/// Scapy's DomainNameListField (DHCPv6's domain lists, ND's DNS search list): the
/// bytes decoded as text (undecodable bytes as `\xNN`), then names of length-prefixed
/// labels, each ended by a 0; `padded`: empty names (the padding's zeros) left out.
pub(super) fn domain_names(bytes: &[u8], padded: bool) -> Vec<String> {
    let text: Vec<char> = backslash_replace(bytes).chars().collect();
    let mut rest = &text[..];
    let mut names = Vec::new();
    while !rest.is_empty() {
        let mut labels: Vec<String> = Vec::new();
        while let Some(&first) = rest.first().filter(|&&c| c != '\0') {
            let end = (first as usize + 1).min(rest.len());
            labels.push(rest[1..end].iter().collect());
            rest = &rest[end..];
        }
        if !padded || !labels.is_empty() {
            names.push(format!("{}.", labels.join(".")));
        }
        if rest.first() == Some(&'\0') {
            rest = &rest[1..];
        }
    }
    names
}

/// Python's `bytes.decode(errors="backslashreplace")`: UTF-8, each byte that is not
/// part of a valid sequence as `\xNN`.
pub(super) fn backslash_replace(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

pub fn summary(data: &[u8], range: Range<usize>, tcp: bool, mdns: bool) -> String {
    let prefix = if mdns { "mDNS" } else { "DNS" };
    let Some((header, question, answer)) = first_records(data, range.start, tcp) else {
        return prefix.to_string();
    };
    if QR.get(data, header) == 1 {
        let detail = match answer {
            Some(answer) => {
                let group = resource(data, header, &answer);
                group
                    .fields
                    .iter()
                    .find(|f| f.name == "rdata")
                    .map(|f| format!(" {}", f.value))
                    // Scapy's MX, SOA, SRV classes are not its DNSRR: no detail.
                    .unwrap_or_default()
            }
            None => match RCODE.get(data, header) {
                0 => String::new(),
                code => format!(" {}", Value::named(code, rcode(code))),
            },
        };
        format!("{prefix} Ans{detail}")
    } else {
        match question {
            Some(question) => format!("{prefix} Qry {}", python_bytes(&question.name.text)),
            None => format!("{prefix} Qry"),
        }
    }
}

/// Where the message's header starts, and its first question and first answer with
/// their names' text: what the summaries show, found without keeping the rest.
fn first_records(
    data: &[u8],
    at: usize,
    tcp: bool,
) -> Option<(usize, Option<Record>, Option<Record>)> {
    let mut first: [Option<usize>; 2] = [None, None];
    let Scan { header, .. } = Message::scan(data, at, tcp, false, |index, record| {
        if let Some(slot @ None) = first.get_mut(index) {
            *slot = Some(record.range.start);
        }
    })?;
    let named = |index: usize| {
        first[index].and_then(|at| Record::parse(data, header, at, index == 0, true))
    };
    Some((header, named(0), named(1)))
}
