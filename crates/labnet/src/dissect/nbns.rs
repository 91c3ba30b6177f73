//! NetBIOS name service (NBNS, UDP port 137, RFC 1002) as Scapy 2.8.0 reads it: the
//! 12-byte header (`NBNSHeader`), then the message in the class Scapy's bindings pick
//! from the header's opcode, flags and counts (query request and response, node status
//! request and response, registration request, wait for acknowledgement), anything
//! else Raw. A NetBIOS name is Scapy's 31-byte field (the length byte and 15
//! half-byte-encoded characters; the 16th character, the suffix, is a field of its own)
//! decoded as Scapy decodes it, whatever the bytes.

use std::ops::Range;

use super::field::{field, fixed, python_bytes, Field, Format, Group, Spec, Value, MAX_LIST};
use super::{Kind, Walk};

const HEADER: usize = 12;
const ADDRESS_ENTRY: usize = 6;
const SERVICE_ENTRY: usize = 18;

/// The message classes after the header, by Scapy's bindings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Header,
    QueryRequest,
    QueryResponse,
    NodeStatusRequest,
    NodeStatusResponse,
    RegistrationRequest,
    WackResponse,
}

impl Class {
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Header => ("NBNSHeader", "NBNS Header"),
            Class::QueryRequest => ("NBNSQueryRequest", "NBNS query request"),
            Class::QueryResponse => ("NBNSQueryResponse", "NBNS query response"),
            Class::NodeStatusRequest => ("NBNSNodeStatusRequest", "NBNS status request"),
            Class::NodeStatusResponse => ("NBNSNodeStatusResponse", "NBNS Node Status Response"),
            Class::RegistrationRequest => ("NBNSRegistrationRequest", "NBNS registration request"),
            Class::WackResponse => ("NBNSWackResponse", "NBNS Wait for Acknowledgement Response"),
        }
    }

    /// Scapy's NBNSHeader bindings, in the order they were made: the first whose
    /// header values all match.
    fn after(data: &[u8], at: usize) -> Option<Class> {
        let response = RESPONSE.get(data, at);
        let opcode = OPCODE.get(data, at);
        let flags = NM_FLAGS.get(data, at);
        let questions = QDCOUNT.get(data, at);
        let answers = ANCOUNT.get(data, at);
        let answer = |wanted: u64| response == 1 && answers == 1 && flags == wanted;
        Some(match opcode {
            0 if flags == 0x11 && questions == 1 => Class::QueryRequest,
            0 if [0x50, 0x58, 0x70, 0x78].into_iter().any(answer) => Class::QueryResponse,
            0 if flags <= 1 && questions == 1 => Class::NodeStatusRequest,
            0 if answer(0x40) => Class::NodeStatusResponse,
            // Registration's second binding (opcode 5 and more) is within its first.
            5 => Class::RegistrationRequest,
            7 if answer(0x40) => Class::WackResponse,
            _ => return None,
        })
    }
}

pub(super) fn suffix_name(number: u64) -> Option<&'static str> {
    Some(match number.checked_sub(0x4141)? {
        0x00 => "Workstation Service",
        0x01 => "Messenger Service",
        0x03 => "Messenger service",
        0x06 => "RAS Server Service",
        0x1b | 0x87 => "Exchange MTA",
        0x1f => "NetDDE Service",
        0x20 | 0x200 => "File Server Service",
        0x21 => "RAS Client Service",
        0x22 => "Exchange Interchange Service",
        0x23 => "Exchange Store",
        0x24 => "Exchange Directory",
        0x30 => "Modern Sharing Server Service",
        0x31 => "Modern Sharing Client Service",
        0x43 => "SMS Client Remote Control",
        0x44 => "SMS Admin Remote Control Tool",
        0x45 => "SMS Client Remote Chat",
        0x46 => "SMS Client Remote Transfer",
        0x4c | 0x52 => "DEC Pathworks TCP/IP Service",
        0x6a => "Exchange IMC",
        0xbe => "Network Monitor Agent",
        0xbf => "Network Monitor Apps",
        0x10b => "Domain Master Browser",
        0x10c => "Domain Controller",
        0x10e => "Browser Election Service",
        _ => return None,
    })
}

fn record_type(number: u64) -> Option<&'static str> {
    match number {
        0x20 => Some("NB"),
        0x21 => Some("NBSTAT"),
        _ => None,
    }
}

fn record_class(number: u64) -> Option<&'static str> {
    (number == 1).then_some("INTERNET")
}

fn pointer_name(number: u64) -> Option<&'static str> {
    (number == 0xc00c).then_some("Label String Pointer to QUESTION_NAME")
}

fn group_name(number: u64) -> Option<&'static str> {
    match number {
        0 => Some("Unique name"),
        1 => Some("Group name"),
        _ => None,
    }
}

fn node_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "B node",
        1 => "P node",
        2 => "M node",
        3 => "H node",
        _ => return None,
    })
}

fn unused(number: u64) -> Option<&'static str> {
    (number == 0).then_some("Unused")
}

fn service_suffix(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "workstation",
        0x03 => "messenger service",
        0x20 => "file server service",
        0x1b => "domain master browser",
        0x1c => "domain controller",
        0x1e => "browser election service",
        _ => return None,
    })
}

fn service_unused(number: u64) -> Option<&'static str> {
    (number == 0).then_some("unused")
}

const RESPONSE: Spec = Spec::bits("RESPONSE", 2, 2, 0x8000, Format::Int);
const OPCODE: Spec = Spec::bits("OPCODE", 2, 2, 0x7800, Format::Int);
const NM_FLAGS: Spec = Spec::bits(
    "NM_FLAGS",
    2,
    2,
    0x07f0,
    Format::Flags(&["B", "res1", "res0", "RA", "RD", "TC", "AA"], "+"),
);
const QDCOUNT: Spec = Spec::new("QDCOUNT", 4, 2, Format::Int);
const ANCOUNT: Spec = Spec::new("ANCOUNT", 6, 2, Format::Int);
const ARCOUNT: Spec = Spec::new("ARCOUNT", 10, 2, Format::Int);
const HEADER_FIELDS: [Spec; 9] = [
    Spec::new("NAME_TRN_ID", 0, 2, Format::Int),
    RESPONSE,
    OPCODE,
    NM_FLAGS,
    Spec::bits("RCODE", 2, 2, 0x000f, Format::Int),
    QDCOUNT,
    ANCOUNT,
    Spec::new("NSCOUNT", 8, 2, Format::Int),
    ARCOUNT,
];

/// The name field's bytes: a length byte and 30 encoded characters.
const NAME: Range<usize> = 0..31;
const SUFFIX: Spec = Spec::new("SUFFIX", 31, 2, Format::Enum(suffix_name));
const NULL: Spec = Spec::new("NULL", 33, 1, Format::Int);
const QUESTION: [Spec; 4] = [
    SUFFIX,
    NULL,
    Spec::new("QUESTION_TYPE", 34, 2, Format::Enum(record_type)),
    Spec::new("QUESTION_CLASS", 36, 2, Format::Enum(record_class)),
];
const TTL: Spec = Spec::new("TTL", 38, 4, Format::Int);
const RDLENGTH: Spec = Spec::new("RDLENGTH", 42, 2, Format::Int);
const RECORD: [Spec; 4] = [
    SUFFIX,
    NULL,
    Spec::new("RR_TYPE", 34, 2, Format::Enum(record_type)),
    Spec::new("RR_CLASS", 36, 2, Format::Enum(record_class)),
];
const NUM_NAMES: Spec = Spec::new("NUM_NAMES", 44, 1, Format::Int);
/// The owner bits and address of a name (Scapy's NBNS_ADD_ENTRY), at offset 0.
const ADDRESS: [Spec; 4] = [
    Spec::bits("G", 0, 2, 0x8000, Format::Enum(group_name)),
    Spec::bits("OWNER_NODE_TYPE", 0, 2, 0x6000, Format::Enum(node_type)),
    Spec::bits("UNUSED", 0, 2, 0x1fff, Format::Enum(unused)),
    Spec::new("NB_ADDRESS", 2, 4, Format::Ipv4),
];
const REGISTRATION: [Spec; 9] = [
    Spec::new("RR_NAME", 38, 2, Format::Enum(pointer_name)),
    Spec::new("RR_TYPE", 40, 2, Format::Enum(record_type)),
    Spec::new("RR_CLASS", 42, 2, Format::Enum(record_class)),
    Spec::new("TTL", 44, 4, Format::Int),
    Spec::new("RDLENGTH", 48, 2, Format::Int),
    shifted(ADDRESS[0], 50),
    shifted(ADDRESS[1], 50),
    shifted(ADDRESS[2], 50),
    shifted(ADDRESS[3], 50),
];
const SERVICE: [Spec; 4] = [
    Spec::new("NETBIOS_NAME", 0, 15, Format::Bytes),
    Spec::new("SUFFIX", 15, 1, Format::Enum(service_suffix)),
    Spec::new("NAME_FLAGS", 16, 1, Format::Int),
    Spec::new("UNUSED", 17, 1, Format::Enum(service_unused)),
];
const STATISTICS: usize = 46;

const fn shifted(spec: Spec, by: usize) -> Spec {
    Spec {
        at: spec.at + by,
        ..spec
    }
}

/// NetBIOS name decoding as Scapy's NetBIOSNameField does it: drop the length byte
/// and NULs at either end, each pair of characters one byte (`(a-1)&15, (b-1)&15`, an
/// odd last one dropped), trailing spaces removed.
fn decode_name(field: &[u8]) -> Vec<u8> {
    let rest = field.get(1..).unwrap_or_default();
    let start = rest.iter().position(|&b| b != 0).unwrap_or(rest.len());
    let end = rest
        .iter()
        .rposition(|&b| b != 0)
        .map_or(start, |last| last + 1);
    let mut name: Vec<u8> = rest[start..end]
        .chunks_exact(2)
        .map(|pair| (pair[0].wrapping_sub(1) & 0xf) << 4 | (pair[1].wrapping_sub(1) & 0xf))
        .collect();
    while name.last() == Some(&b' ') {
        name.pop();
    }
    name
}

/// The name field at `at` (31 bytes, as much as the layer holds), as Scapy shows it.
pub(super) fn name_field(name: &'static str, data: &[u8], at: usize, end: usize) -> Field {
    let range = at..(at + NAME.end).min(end);
    let decoded = decode_name(&data[range.clone()]);
    field(
        name,
        range,
        Value::Bytes(super::field::trim_nuls(&decoded).to_vec()),
    )
}

/// How many bytes the message at `at` takes, read as Scapy reads its class; `None`
/// where Scapy gives it up (a fixed field cut short, a list item cut in half or over
/// its limit).
fn length(class: Class, data: &[u8], at: usize, end: usize) -> Option<usize> {
    let available = end - at;
    let fixed = match class {
        Class::Header => HEADER,
        Class::QueryRequest | Class::NodeStatusRequest => 38,
        Class::QueryResponse => {
            if available < 44 {
                return None;
            }
            let list = (RDLENGTH.get(data, at) as usize).min(available - 44);
            // An entry cut short is a Raw item of the list, and counts as one.
            if list.div_ceil(ADDRESS_ENTRY) > MAX_LIST {
                return None;
            }
            return Some(44 + list);
        }
        Class::NodeStatusResponse => {
            let names = services(data, at, end)?;
            let after = 45 + names * SERVICE_ENTRY + 6;
            return (after <= available).then(|| (after + STATISTICS).min(available));
        }
        Class::RegistrationRequest => 56,
        Class::WackResponse => 46,
    };
    (fixed <= available).then_some(fixed)
}

/// How many whole services a node status response lists before its MAC address:
/// `NUM_NAMES` of them; `None` where one is cut short (Scapy then has no bytes left
/// for the MAC address) or there are over 100.
fn services(data: &[u8], at: usize, end: usize) -> Option<usize> {
    if end < at + 45 {
        return None;
    }
    let count = NUM_NAMES.get(data, at) as usize;
    let room = (end - at - 45) / SERVICE_ENTRY;
    if count > room {
        // The list reads until the data ends: a partial service leaves nothing after.
        return None;
    }
    (count <= MAX_LIST).then_some(count)
}

/// NBNS at `at` (the UDP payload, to `end`).
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    if end < at + HEADER {
        return walk.raw(at, end);
    }
    walk.push(Kind::Nbns(Class::Header), at..at + HEADER);
    let body = at + HEADER;
    let message = Class::after(data, at)
        .and_then(|class| length(class, data, body, end).map(|length| (class, length)));
    match message {
        Some((class, length)) => {
            walk.push(Kind::Nbns(class), body..body + length);
            walk.raw(body + length, end);
        }
        None => walk.raw(body, end),
    }
}

pub(super) fn fields(data: &[u8], range: Range<usize>, class: Class) -> Vec<Field> {
    let at = range.start;
    let end = range.end;
    let mut out = Vec::new();
    match class {
        Class::Header => return fixed(&HEADER_FIELDS, data, at),
        Class::QueryRequest | Class::NodeStatusRequest | Class::RegistrationRequest => {
            out.push(name_field("QUESTION_NAME", data, at, end));
            out.extend(fixed(&QUESTION, data, at));
            if class == Class::RegistrationRequest {
                out.extend(fixed(&REGISTRATION, data, at));
            }
        }
        Class::QueryResponse => {
            out.push(name_field("RR_NAME", data, at, end));
            out.extend(fixed(&QUESTION, data, at));
            out.extend(fixed(&[TTL, RDLENGTH], data, at));
            let list = (at + 44).min(end)..end;
            out.push(field(
                "ADDR_ENTRY",
                list.clone(),
                Value::Packets(address_entries(data, list)),
            ));
        }
        Class::NodeStatusResponse => {
            out.push(name_field("RR_NAME", data, at, end));
            out.extend(fixed(&RECORD, data, at));
            out.extend(fixed(&[TTL, RDLENGTH, NUM_NAMES], data, at));
            let count = services(data, at, end).unwrap_or(0);
            let list = at + 45..at + 45 + count * SERVICE_ENTRY;
            let groups = (0..count)
                .map(|n| {
                    let start = list.start + n * SERVICE_ENTRY;
                    Group::new(
                        "NBNS Node Status Response Service",
                        start..start + SERVICE_ENTRY,
                        fixed(&SERVICE, data, start),
                    )
                })
                .collect();
            out.push(field("NODE_NAME", list.clone(), Value::Packets(groups)));
            out.extend(Spec::new("MAC_ADDRESS", 0, 6, Format::Mac).field(data, list.end));
            let statistics = (list.end + 6).min(end)..end;
            out.push(field(
                "STATISTICS",
                statistics.clone(),
                Value::Text(super::field::hex(&data[statistics])),
            ));
        }
        Class::WackResponse => {
            out.push(name_field("RR_NAME", data, at, end));
            out.extend(fixed(&RECORD, data, at));
            out.extend(fixed(
                &[TTL, RDLENGTH, Spec::new("RDATA", 44, 2, Format::Int)],
                data,
                at,
            ));
        }
    }
    out
}

/// A query response's address entries: whole ones, then what is left of the list
/// (an entry cut short) as Raw.
fn address_entries(data: &[u8], list: Range<usize>) -> Vec<Group> {
    let mut groups: Vec<Group> = list
        .clone()
        .step_by(ADDRESS_ENTRY)
        .take_while(|&start| start + ADDRESS_ENTRY <= list.end)
        .map(|start| {
            Group::new(
                "NBNS_ADD_ENTRY",
                start..start + ADDRESS_ENTRY,
                fixed(&ADDRESS, data, start),
            )
        })
        .collect();
    let whole = list.start + groups.len() * ADDRESS_ENTRY;
    if whole < list.end {
        groups.push(Group::raw(data, whole..list.end));
    }
    groups
}

/// Scapy's summaries of the classes that have one (`NBNSQueryRequest who has
/// '\\BROOKLYN'`, `Register Unique name b'MIDWOOD' at 192.168.56.102`).
pub fn summary(data: &[u8], range: Range<usize>, class: Class) -> Option<String> {
    let at = range.start;
    let name = || decode_name(&data[at..at + NAME.end]);
    let text = |bytes: Vec<u8>| super::dns::backslash_replace(&bytes);
    let address = |spec: Spec, base: usize| super::ipv4_address(data, base + spec.at);
    Some(match class {
        Class::QueryRequest => format!("NBNSQueryRequest who has '\\\\{}'", text(name())),
        Class::NodeStatusRequest => {
            format!("NBNSNodeStatusRequest who has '\\\\{}'", text(name()))
        }
        Class::QueryResponse if range.len() >= 44 + ADDRESS_ENTRY => format!(
            "NBNSQueryResponse '\\\\{}' is at {}",
            text(name()),
            address(ADDRESS[3], at + 44)
        ),
        Class::QueryResponse => "NBNSQueryResponse".to_string(),
        Class::RegistrationRequest => {
            let group = REGISTRATION[5].get(data, at);
            format!(
                "Register {} {} at {}",
                group_name(group).unwrap_or_default(),
                python_bytes(super::field::trim_nuls(&name())),
                address(REGISTRATION[8], at)
            )
        }
        Class::Header | Class::NodeStatusResponse | Class::WackResponse => return None,
    })
}
