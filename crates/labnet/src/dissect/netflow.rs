//! NetFlow export packets as Scapy reads them (UDP ports 2055, 2056, 9995, 9996 and
//! 6343, either end): Scapy's `NetflowHeader` (the version), the header of versions 1,
//! 5, 9 or 10 (IPFIX), then v1/v5 records, each a layer, or v9/IPFIX flowsets, each a
//! layer in Scapy's class for its id: templates (0 and 2), options templates (1, and 3
//! in IPFIX's form) and data. Port 6343 is sFlow's, which Scapy binds to NetFlow too:
//! an sFlow datagram's 32-bit version reads as NetFlow version 0, so `NetflowHeader`
//! then Raw, as in Scapy. A data flowset's records stay one string of bytes: decoding
//! them needs the templates of earlier packets (Scapy's `NetflowSession`), which a
//! per-packet reader has not seen.

use std::ops::Range;

use super::field::{
    counted_packet_list, field, fixed, packet_list, Field, Format, Group, Rest, Spec, Value,
};
use super::{Kind, Walk};

/// A NetFlow header, record or flowset in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Header,
    HeaderV1,
    RecordV1,
    HeaderV5,
    RecordV5,
    HeaderV9,
    HeaderV10,
    /// Template flowset (id 0, IPFIX's 2).
    Templates,
    /// NetFlow v9's options template flowset (id 1).
    OptionsV9,
    /// IPFIX's options template set (id 3).
    Options10,
    Data,
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Header => ("NetflowHeader", "Netflow Header"),
            Class::HeaderV1 => ("NetflowHeaderV1", "Netflow Header v1"),
            Class::RecordV1 => ("NetflowRecordV1", "Netflow Record v1"),
            Class::HeaderV5 => ("NetflowHeaderV5", "Netflow Header v5"),
            Class::RecordV5 => ("NetflowRecordV5", "Netflow Record v5"),
            Class::HeaderV9 => ("NetflowHeaderV9", "Netflow Header V9"),
            Class::HeaderV10 => ("NetflowHeaderV10", "IPFix (Netflow V10) Header"),
            Class::Templates => ("NetflowFlowsetV9", "Netflow FlowSet V9/10"),
            Class::OptionsV9 => (
                "NetflowOptionsFlowsetV9",
                "Netflow Options Template FlowSet V9",
            ),
            Class::Options10 => (
                "NetflowOptionsFlowset10",
                "Netflow V10 (IPFix) Options Template FlowSet",
            ),
            Class::Data => ("NetflowDataflowsetV9", "Netflow DataFlowSet V9/10"),
        }
    }

    /// The fixed layout of a header or record.
    fn layout(self) -> &'static [Spec] {
        match self {
            Class::Header => &HEADER,
            Class::HeaderV1 => &HEADER_V1,
            Class::RecordV1 => &RECORD_V1,
            Class::HeaderV5 => &HEADER_V5,
            Class::RecordV5 => &RECORD_V5,
            Class::HeaderV9 => &HEADER_V9,
            Class::HeaderV10 => &HEADER_V10,
            Class::Templates | Class::OptionsV9 | Class::Options10 | Class::Data => &[],
        }
    }

    /// The flowset class Scapy's `NetflowDataflowsetV9.dispatch_hook` picks for the
    /// bytes at `at`.
    fn flowset(data: &[u8], at: usize, end: usize) -> Class {
        match data.get(at..(at + 2).min(end)) {
            Some([0, 0 | 2]) => Class::Templates,
            Some([0, 1]) => Class::OptionsV9,
            Some([0, 3]) => Class::Options10,
            _ => Class::Data,
        }
    }
}

fn scope_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "System",
        2 => "Interface",
        3 => "Line card",
        4 => "Cache",
        5 => "Template",
        _ => return None,
    })
}

/// NetFlow v9 and IPFIX field types, as Scapy names them.
fn field_type(number: u64) -> Option<&'static str> {
    let number = u16::try_from(number).ok()?;
    FIELD_TYPES
        .binary_search_by_key(&number, |&(n, _)| n)
        .ok()
        .map(|i| FIELD_TYPES[i].1)
}

const TCP_FLAGS: &[&str] = &["F", "S", "R", "P", "A", "U", "E", "C"];

const HEADER: [Spec; 1] = [Spec::new("version", 0, 2, Format::Int)];
const HEADER_V1: [Spec; 4] = [
    Spec::new("count", 0, 2, Format::Int),
    Spec::new("sysUptime", 2, 4, Format::Int),
    Spec::new("unixSecs", 6, 4, Format::Int),
    Spec::new("unixNanoSeconds", 10, 4, Format::Int),
];
const HEADER_V5: [Spec; 8] = [
    HEADER_V1[0],
    HEADER_V1[1],
    HEADER_V1[2],
    HEADER_V1[3],
    Spec::new("flowSequence", 14, 4, Format::Int),
    Spec::new("engineType", 18, 1, Format::Int),
    Spec::new("engineID", 19, 1, Format::Int),
    Spec::new("samplingInterval", 20, 2, Format::Int),
];
const HEADER_V9: [Spec; 5] = [
    Spec::new("count", 0, 2, Format::Int),
    Spec::new("sysUptime", 2, 4, Format::Int),
    Spec::new("unixSecs", 6, 4, Format::Int),
    Spec::new("packageSequence", 10, 4, Format::Int),
    Spec::new("SourceID", 14, 4, Format::Int),
];
const HEADER_V10: [Spec; 4] = [
    Spec::new("length", 0, 2, Format::Int),
    Spec::new("ExportTime", 2, 4, Format::Int),
    Spec::new("flowSequence", 6, 4, Format::Int),
    Spec::new("ObservationDomainID", 10, 4, Format::Int),
];
const RECORD_V1: [Spec; 16] = [
    Spec::new("ipsrc", 0, 4, Format::Ipv4),
    Spec::new("ipdst", 4, 4, Format::Ipv4),
    Spec::new("nexthop", 8, 4, Format::Ipv4),
    Spec::new("inputIfIndex", 12, 2, Format::Int),
    Spec::new("outpuIfIndex", 14, 2, Format::Int),
    Spec::new("dpkts", 16, 4, Format::Int),
    Spec::new("dbytes", 20, 4, Format::Int),
    Spec::new("starttime", 24, 4, Format::Int),
    Spec::new("endtime", 28, 4, Format::Int),
    Spec::new("srcport", 32, 2, Format::Int),
    Spec::new("dstport", 34, 2, Format::Int),
    Spec::new("padding", 36, 2, Format::Int),
    Spec::new("proto", 38, 1, Format::Int),
    Spec::new("tos", 39, 1, Format::Int),
    Spec::new("padding1", 40, 4, Format::Int),
    Spec::new("padding2", 44, 4, Format::Int),
];
const RECORD_V5: [Spec; 20] = [
    Spec::new("src", 0, 4, Format::Ipv4),
    Spec::new("dst", 4, 4, Format::Ipv4),
    Spec::new("nexthop", 8, 4, Format::Ipv4),
    Spec::new("input", 12, 2, Format::Int),
    Spec::new("output", 14, 2, Format::Int),
    Spec::new("dpkts", 16, 4, Format::Int),
    Spec::new("dOctets", 20, 4, Format::Int),
    Spec::new("first", 24, 4, Format::Int),
    Spec::new("last", 28, 4, Format::Int),
    Spec::new("srcport", 32, 2, Format::Int),
    Spec::new("dstport", 34, 2, Format::Int),
    Spec::new("pad1", 36, 1, Format::Int),
    Spec::new("tcpFlags", 37, 1, Format::Flags(TCP_FLAGS, "")),
    Spec::new("prot", 38, 1, Format::Enum(super::ipv4::protocol)),
    Spec::new("tos", 39, 1, Format::Int),
    Spec::new("src_as", 40, 2, Format::Int),
    Spec::new("dst_as", 42, 2, Format::Int),
    Spec::new("src_mask", 44, 1, Format::Int),
    Spec::new("dst_mask", 45, 1, Format::Int),
    Spec::new("pad2", 46, 2, Format::Int),
];
/// Each record of v1 and v5 is 48 bytes.
const RECORD_LENGTH: usize = 48;

const TEMPLATES_HEAD: [Spec; 2] = [
    Spec::new("flowSetID", 0, 2, Format::Int),
    Spec::new("length", 2, 2, Format::Int),
];
const DATA_HEAD: [Spec; 2] = [
    Spec::new("templateID", 0, 2, Format::Int),
    Spec::new("length", 2, 2, Format::Int),
];
const OPTIONS_V9_HEAD: [Spec; 5] = [
    TEMPLATES_HEAD[0],
    TEMPLATES_HEAD[1],
    Spec::new("templateID", 4, 2, Format::Int),
    Spec::new("option_scope_length", 6, 2, Format::Int),
    Spec::new("option_field_length", 8, 2, Format::Int),
];
const OPTIONS_10_HEAD: [Spec; 5] = [
    TEMPLATES_HEAD[0],
    TEMPLATES_HEAD[1],
    Spec::new("templateID", 4, 2, Format::Int),
    Spec::new("field_count", 6, 2, Format::Int),
    Spec::new("scope_field_count", 8, 2, Format::Int),
];
const TEMPLATE: [Spec; 2] = [
    Spec::new("templateID", 0, 2, Format::Int),
    Spec::new("fieldCount", 2, 2, Format::Int),
];
const ENTERPRISE_BIT: Spec = Spec::bits("enterpriseBit", 0, 2, 0x8000, Format::Int);
const TEMPLATE_FIELD: [Spec; 3] = [
    ENTERPRISE_BIT,
    Spec::bits("fieldType", 0, 2, 0x7fff, Format::Enum(field_type)),
    Spec::new("fieldLength", 2, 2, Format::Int),
];
const OPTION_FIELD: [Spec; 3] = [
    ENTERPRISE_BIT,
    Spec::bits("optionFieldType", 0, 2, 0x7fff, Format::Enum(field_type)),
    Spec::new("optionFieldlength", 2, 2, Format::Int),
];
const SCOPE: [Spec; 2] = [
    Spec::new("scopeFieldType", 0, 2, Format::Enum(scope_type)),
    Spec::new("scopeFieldlength", 2, 2, Format::Int),
];

/// NetFlow at `at`, its datagram ending at `end`.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    if end < at + 2 {
        return walk.raw(at, end);
    }
    walk.push(
        Kind::Netflow {
            class: Class::Header,
            end,
        },
        at..at + 2,
    );
    let next = at + 2;
    let (header, record) = match HEADER[0].get(data, at) {
        1 => (Class::HeaderV1, Some(Class::RecordV1)),
        5 => (Class::HeaderV5, Some(Class::RecordV5)),
        9 => (Class::HeaderV9, None),
        10 => (Class::HeaderV10, None),
        _ => return walk.raw(next, end),
    };
    let header_end = next + layout_length(header);
    if end < header_end {
        return walk.raw(next, end);
    }
    walk.push(Kind::Netflow { class: header, end }, next..header_end);
    let mut next = header_end;
    // Each record or flowset is the payload of the one before, to the end.
    while next < end {
        if walk.chain_full() {
            return walk.raw(next, end);
        }
        let (class, part_end) = match record {
            Some(record) => (record, next + RECORD_LENGTH),
            None => {
                let class = Class::flowset(data, next, end);
                match flowset(data, class, next, end) {
                    Some((_, part_end)) => (class, part_end),
                    None => return walk.raw(next, end),
                }
            }
        };
        if part_end > end {
            return walk.raw(next, end);
        }
        walk.push(Kind::Netflow { class, end }, next..part_end);
        next = part_end;
    }
}

fn layout_length(class: Class) -> usize {
    class.layout().iter().map(Spec::end).max().unwrap_or(0)
}

/// The fields of the layer of `class` at `at` (its datagram ends at `end`).
pub(super) fn fields(data: &[u8], at: usize, class: Class, end: usize) -> Vec<Field> {
    match class {
        Class::Templates | Class::OptionsV9 | Class::Options10 | Class::Data => {
            flowset(data, class, at, end).map_or_else(Vec::new, |(fields, _)| fields)
        }
        Class::HeaderV1 | Class::HeaderV5 | Class::HeaderV9 | Class::HeaderV10 => {
            let mut fields = fixed(class.layout(), data, at);
            // Scapy's UTCTimeFields: the export time in seconds, v1/v5's residual
            // nanoseconds shown as seconds too.
            for field in &mut fields {
                let seconds = match &*field.name {
                    "unixSecs" | "ExportTime" => field.value.number(),
                    "unixNanoSeconds" => field.value.number().map(|n| n / 1_000_000_000),
                    _ => None,
                };
                if let Some(seconds) = seconds {
                    field.value = super::field::utc_time(seconds);
                }
            }
            fields
        }
        _ => fixed(class.layout(), data, at),
    }
}

/// The flowset of `class` at `at`, read as Scapy reads it from the rest of the packet
/// (to `end`): its fields and where it ends, or `None` where Scapy gives it up (it
/// shows Raw from there).
fn flowset(data: &[u8], class: Class, at: usize, end: usize) -> Option<(Vec<Field>, usize)> {
    let mut rest = Rest { at, end };
    let head: &[Spec] = match class {
        Class::Templates => &TEMPLATES_HEAD,
        Class::OptionsV9 => &OPTIONS_V9_HEAD,
        Class::Options10 => &OPTIONS_10_HEAD,
        _ => &DATA_HEAD,
    };
    let mut fields = rest.prefix(data, head)?;
    let number = |i: usize| i64::from(u16::from_be_bytes([data[at + i], data[at + i + 1]]));
    let length = number(2);
    match class {
        Class::Templates => {
            let region = rest.slice(length - 4);
            let templates = packet_list(data, region.clone(), |rest| template(data, rest))?;
            fields.push(field("templates", region, Value::Packets(templates)));
        }
        Class::OptionsV9 => {
            let (scope_length, option_length) = (number(6), number(8));
            let region = rest.slice(scope_length);
            let scopes = packet_list(data, region.clone(), |rest| scope(data, rest))?;
            fields.push(field("scopes", region, Value::Packets(scopes)));
            let region = rest.slice(option_length);
            let options = packet_list(data, region.clone(), |rest| option(data, rest))?;
            fields.push(field("options", region, Value::Packets(options)));
            fields.push(pad(
                data,
                &mut rest,
                length - scope_length - option_length - 10,
            ));
        }
        Class::Options10 => {
            let (field_count, scope_count) = (number(6), number(8));
            let start = rest.at;
            let count = usize::try_from(scope_count).unwrap_or(0);
            let scopes = counted_packet_list(data, &mut rest, count, |rest| scope(data, rest))?;
            fields.push(field("scopes", start..rest.at, Value::Packets(scopes)));
            let start = rest.at;
            let count = usize::try_from(field_count - scope_count).unwrap_or(0);
            let options = counted_packet_list(data, &mut rest, count, |rest| option(data, rest))?;
            fields.push(field("options", start..rest.at, Value::Packets(options)));
            fields.push(pad(data, &mut rest, length - scope_count * 4 - 10));
        }
        _ => {
            let region = rest.slice(length - 4);
            // One record of every byte: Scapy's NetflowRecordV9 is a StrField.
            let records = if region.is_empty() {
                Vec::new()
            } else {
                let value = Value::Bytes(data[region.clone()].to_vec());
                vec![Group::new(
                    "Netflow DataFlowset Record V9/10",
                    region.clone(),
                    vec![field("fieldValue", region.clone(), value)],
                )]
            };
            fields.push(field("records", region, Value::Packets(records)));
        }
    }
    Some((fields, rest.at))
}

/// An options template's padding, a StrLenField of a computed length.
fn pad(data: &[u8], rest: &mut Rest, length: i64) -> Field {
    let pad = rest.slice(length);
    field("pad", pad.clone(), Value::Bytes(data[pad].to_vec()))
}

/// A template: its id and its fields, as many as it counts.
fn template(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    let mut fields = rest.prefix(data, &TEMPLATE)?;
    let count = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
    let start = rest.at;
    let list = counted_packet_list(data, rest, count, |rest| {
        let at = rest.at;
        let mut fields = rest.prefix(data, &TEMPLATE_FIELD)?;
        if ENTERPRISE_BIT.get(data, at) == 1 {
            let number = rest.take(4)?;
            fields.push(enterprise_number(data, number));
        }
        Some(Group::new(
            "Netflow Flowset Template Field V9/10",
            at..rest.at,
            fields,
        ))
    })?;
    fields.push(field(
        "template_fields",
        start..rest.at,
        Value::Packets(list),
    ));
    Some(Group::new(
        "Netflow Flowset Template V9/10",
        at..rest.at,
        fields,
    ))
}

fn scope(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    let fields = rest.prefix(data, &SCOPE)?;
    Some(Group::new(
        "Netflow Options Template FlowSet V9/10 - Scope",
        at..rest.at,
        fields,
    ))
}

/// An options template's option field. Its enterprise number is 2 bytes in Scapy's
/// class (for NetFlow v9 and IPFIX alike, though IPFIX's is 4): read as Scapy reads it.
fn option(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    let mut fields = rest.prefix(data, &OPTION_FIELD)?;
    if ENTERPRISE_BIT.get(data, at) == 1 {
        let number = rest.take(2)?;
        fields.push(enterprise_number(data, number));
    }
    Some(Group::new(
        "Netflow Options Template FlowSet V9/10 - Option",
        at..rest.at,
        fields,
    ))
}

fn enterprise_number(data: &[u8], range: Range<usize>) -> Field {
    let number = data[range.clone()]
        .iter()
        .fold(0u64, |n, &b| n << 8 | u64::from(b));
    field("enterpriseNumber", range, Value::Int(number))
}

/// Scapy 2.8.0's `NetflowV910TemplateFieldTypes` (those a 15-bit type can name), by number.
const FIELD_TYPES: [(u16, &str); 455] = [
    (1, "IN_BYTES"),
    (2, "IN_PKTS"),
    (3, "FLOWS"),
    (4, "PROTOCOL"),
    (5, "TOS"),
    (6, "TCP_FLAGS"),
    (7, "L4_SRC_PORT"),
    (8, "IPV4_SRC_ADDR"),
    (9, "SRC_MASK"),
    (10, "INPUT_SNMP"),
    (11, "L4_DST_PORT"),
    (12, "IPV4_DST_ADDR"),
    (13, "DST_MASK"),
    (14, "OUTPUT_SNMP"),
    (15, "IPV4_NEXT_HOP"),
    (16, "SRC_AS"),
    (17, "DST_AS"),
    (18, "BGP_IPV4_NEXT_HOP"),
    (19, "MUL_DST_PKTS"),
    (20, "MUL_DST_BYTES"),
    (21, "LAST_SWITCHED"),
    (22, "FIRST_SWITCHED"),
    (23, "OUT_BYTES"),
    (24, "OUT_PKTS"),
    (25, "IP_LENGTH_MINIMUM"),
    (26, "IP_LENGTH_MAXIMUM"),
    (27, "IPV6_SRC_ADDR"),
    (28, "IPV6_DST_ADDR"),
    (29, "IPV6_SRC_MASK"),
    (30, "IPV6_DST_MASK"),
    (31, "IPV6_FLOW_LABEL"),
    (32, "ICMP_TYPE"),
    (33, "MUL_IGMP_TYPE"),
    (34, "SAMPLING_INTERVAL"),
    (35, "SAMPLING_ALGORITHM"),
    (36, "FLOW_ACTIVE_TIMEOUT"),
    (37, "FLOW_INACTIVE_TIMEOUT"),
    (38, "ENGINE_TYPE"),
    (39, "ENGINE_ID"),
    (40, "TOTAL_BYTES_EXP"),
    (41, "TOTAL_PKTS_EXP"),
    (42, "TOTAL_FLOWS_EXP"),
    (43, "IPV4_ROUTER_SC"),
    (44, "IP_SRC_PREFIX"),
    (45, "IP_DST_PREFIX"),
    (46, "MPLS_TOP_LABEL_TYPE"),
    (47, "MPLS_TOP_LABEL_IP_ADDR"),
    (48, "FLOW_SAMPLER_ID"),
    (49, "FLOW_SAMPLER_MODE"),
    (50, "FLOW_SAMPLER_RANDOM_INTERVAL"),
    (51, "FLOW_CLASS"),
    (52, "MIN_TTL"),
    (53, "MAX_TTL"),
    (54, "IPV4_IDENT"),
    (55, "DST_TOS"),
    (56, "SRC_MAC"),
    (57, "DST_MAC"),
    (58, "SRC_VLAN"),
    (59, "DST_VLAN"),
    (60, "IP_PROTOCOL_VERSION"),
    (61, "DIRECTION"),
    (62, "IPV6_NEXT_HOP"),
    (63, "BGP_IPV6_NEXT_HOP"),
    (64, "IPV6_OPTION_HEADERS"),
    (70, "MPLS_LABEL_1"),
    (71, "MPLS_LABEL_2"),
    (72, "MPLS_LABEL_3"),
    (73, "MPLS_LABEL_4"),
    (74, "MPLS_LABEL_5"),
    (75, "MPLS_LABEL_6"),
    (76, "MPLS_LABEL_7"),
    (77, "MPLS_LABEL_8"),
    (78, "MPLS_LABEL_9"),
    (79, "MPLS_LABEL_10"),
    (80, "DESTINATION_MAC"),
    (81, "SOURCE_MAC"),
    (82, "IF_NAME"),
    (83, "IF_DESC"),
    (84, "SAMPLER_NAME"),
    (85, "BYTES_TOTAL"),
    (86, "PACKETS_TOTAL"),
    (88, "FRAGMENT_OFFSET"),
    (89, "FORWARDING_STATUS"),
    (90, "VPN_ROUTE_DISTINGUISHER"),
    (91, "mplsTopLabelPrefixLength"),
    (92, "SRC_TRAFFIC_INDEX"),
    (93, "DST_TRAFFIC_INDEX"),
    (94, "APPLICATION_DESC"),
    (95, "APPLICATION_ID"),
    (96, "APPLICATION_NAME"),
    (98, "postIpDiffServCodePoint"),
    (99, "multicastReplicationFactor"),
    (101, "classificationEngineId"),
    (128, "DST_AS_PEER"),
    (129, "SRC_AS_PEER"),
    (130, "exporterIPv4Address"),
    (131, "exporterIPv6Address"),
    (132, "DROPPED_BYTES"),
    (133, "DROPPED_PACKETS"),
    (134, "DROPPED_BYTES_TOTAL"),
    (135, "DROPPED_PACKETS_TOTAL"),
    (136, "flowEndReason"),
    (137, "commonPropertiesId"),
    (138, "observationPointId"),
    (139, "icmpTypeCodeIPv6"),
    (140, "MPLS_TOP_LABEL_IPv6_ADDRESS"),
    (141, "lineCardId"),
    (142, "portId"),
    (143, "meteringProcessId"),
    (144, "FLOW_EXPORTER"),
    (145, "templateId"),
    (146, "wlanChannelId"),
    (147, "wlanSSID"),
    (148, "flowId"),
    (149, "observationDomainId"),
    (150, "flowStartSeconds"),
    (151, "flowEndSeconds"),
    (152, "flowStartMilliseconds"),
    (153, "flowEndMilliseconds"),
    (154, "flowStartMicroseconds"),
    (155, "flowEndMicroseconds"),
    (156, "flowStartNanoseconds"),
    (157, "flowEndNanoseconds"),
    (158, "flowStartDeltaMicroseconds"),
    (159, "flowEndDeltaMicroseconds"),
    (160, "systemInitTimeMilliseconds"),
    (161, "flowDurationMilliseconds"),
    (162, "flowDurationMicroseconds"),
    (163, "observedFlowTotalCount"),
    (164, "ignoredPacketTotalCount"),
    (165, "ignoredOctetTotalCount"),
    (166, "notSentFlowTotalCount"),
    (167, "notSentPacketTotalCount"),
    (168, "notSentOctetTotalCount"),
    (169, "destinationIPv6Prefix"),
    (170, "sourceIPv6Prefix"),
    (171, "postOctetTotalCount"),
    (172, "postPacketTotalCount"),
    (173, "flowKeyIndicator"),
    (174, "postMCastPacketTotalCount"),
    (175, "postMCastOctetTotalCount"),
    (176, "ICMP_IPv4_TYPE"),
    (177, "ICMP_IPv4_CODE"),
    (178, "ICMP_IPv6_TYPE"),
    (179, "ICMP_IPv6_CODE"),
    (180, "UDP_SRC_PORT"),
    (181, "UDP_DST_PORT"),
    (182, "TCP_SRC_PORT"),
    (183, "TCP_DST_PORT"),
    (184, "TCP_SEQ_NUM"),
    (185, "TCP_ACK_NUM"),
    (186, "TCP_WINDOW_SIZE"),
    (187, "TCP_URGENT_PTR"),
    (188, "TCP_HEADER_LEN"),
    (189, "IP_HEADER_LEN"),
    (190, "IP_TOTAL_LEN"),
    (191, "payloadLengthIPv6"),
    (192, "IP_TTL"),
    (193, "nextHeaderIPv6"),
    (194, "mplsPayloadLength"),
    (195, "IP_DSCP"),
    (196, "IP_PRECEDENCE"),
    (197, "IP_FRAGMENT_FLAGS"),
    (198, "DELTA_BYTES_SQUARED"),
    (199, "TOTAL_BYTES_SQUARED"),
    (200, "MPLS_TOP_LABEL_TTL"),
    (201, "MPLS_LABEL_STACK_OCTETS"),
    (202, "MPLS_LABEL_STACK_DEPTH"),
    (203, "MPLS_TOP_LABEL_EXP"),
    (204, "IP_PAYLOAD_LENGTH"),
    (205, "UDP_LENGTH"),
    (206, "IS_MULTICAST"),
    (207, "IP_HEADER_WORDS"),
    (208, "IP_OPTION_MAP"),
    (209, "TCP_OPTION_MAP"),
    (210, "paddingOctets"),
    (211, "collectorIPv4Address"),
    (212, "collectorIPv6Address"),
    (213, "collectorInterface"),
    (214, "collectorProtocolVersion"),
    (215, "collectorTransportProtocol"),
    (216, "collectorTransportPort"),
    (217, "exporterTransportPort"),
    (218, "tcpSynTotalCount"),
    (219, "tcpFinTotalCount"),
    (220, "tcpRstTotalCount"),
    (221, "tcpPshTotalCount"),
    (222, "tcpAckTotalCount"),
    (223, "tcpUrgTotalCount"),
    (224, "ipTotalLength"),
    (225, "postNATSourceIPv4Address"),
    (226, "postNATDestinationIPv4Address"),
    (227, "postNAPTSourceTransportPort"),
    (228, "postNAPTDestinationTransportPort"),
    (229, "natOriginatingAddressRealm"),
    (230, "natEvent"),
    (231, "initiatorOctets"),
    (232, "responderOctets"),
    (233, "firewallEvent"),
    (234, "ingressVRFID"),
    (235, "egressVRFID"),
    (236, "VRFname"),
    (237, "postMplsTopLabelExp"),
    (238, "tcpWindowScale"),
    (239, "biflowDirection"),
    (240, "ethernetHeaderLength"),
    (241, "ethernetPayloadLength"),
    (242, "ethernetTotalLength"),
    (243, "dot1qVlanId"),
    (244, "dot1qPriority"),
    (245, "dot1qCustomerVlanId"),
    (246, "dot1qCustomerPriority"),
    (247, "metroEvcId"),
    (248, "metroEvcType"),
    (249, "pseudoWireId"),
    (250, "pseudoWireType"),
    (251, "pseudoWireControlWord"),
    (252, "ingressPhysicalInterface"),
    (253, "egressPhysicalInterface"),
    (254, "postDot1qVlanId"),
    (255, "postDot1qCustomerVlanId"),
    (256, "ethernetType"),
    (257, "postIpPrecedence"),
    (258, "collectionTimeMilliseconds"),
    (259, "exportSctpStreamId"),
    (260, "maxExportSeconds"),
    (261, "maxFlowEndSeconds"),
    (262, "messageMD5Checksum"),
    (263, "messageScope"),
    (264, "minExportSeconds"),
    (265, "minFlowStartSeconds"),
    (266, "opaqueOctets"),
    (267, "sessionScope"),
    (268, "maxFlowEndMicroseconds"),
    (269, "maxFlowEndMilliseconds"),
    (270, "maxFlowEndNanoseconds"),
    (271, "minFlowStartMicroseconds"),
    (272, "minFlowStartMilliseconds"),
    (273, "minFlowStartNanoseconds"),
    (274, "collectorCertificate"),
    (275, "exporterCertificate"),
    (276, "dataRecordsReliability"),
    (277, "observationPointType"),
    (278, "newConnectionDeltaCount"),
    (279, "connectionSumDurationSeconds"),
    (280, "connectionTransactionId"),
    (281, "postNATSourceIPv6Address"),
    (282, "postNATDestinationIPv6Address"),
    (283, "natPoolId"),
    (284, "natPoolName"),
    (285, "anonymizationFlags"),
    (286, "anonymizationTechnique"),
    (287, "informationElementIndex"),
    (288, "p2pTechnology"),
    (289, "tunnelTechnology"),
    (290, "encryptedTechnology"),
    (291, "basicList"),
    (292, "subTemplateList"),
    (293, "subTemplateMultiList"),
    (294, "bgpValidityState"),
    (295, "IPSecSPI"),
    (296, "greKey"),
    (297, "natType"),
    (298, "initiatorPackets"),
    (299, "responderPackets"),
    (300, "observationDomainName"),
    (301, "selectionSequenceId"),
    (302, "selectorId"),
    (303, "informationElementId"),
    (304, "selectorAlgorithm"),
    (305, "samplingPacketInterval"),
    (306, "samplingPacketSpace"),
    (307, "samplingTimeInterval"),
    (308, "samplingTimeSpace"),
    (309, "samplingSize"),
    (310, "samplingPopulation"),
    (311, "samplingProbability"),
    (312, "dataLinkFrameSize"),
    (313, "IP_SECTION_HEADER"),
    (314, "IP_SECTION_PAYLOAD"),
    (315, "dataLinkFrameSection"),
    (316, "mplsLabelStackSection"),
    (317, "mplsPayloadPacketSection"),
    (318, "selectorIdTotalPktsObserved"),
    (319, "selectorIdTotalPktsSelected"),
    (320, "absoluteError"),
    (321, "relativeError"),
    (322, "observationTimeSeconds"),
    (323, "observationTimeMilliseconds"),
    (324, "observationTimeMicroseconds"),
    (325, "observationTimeNanoseconds"),
    (326, "digestHashValue"),
    (327, "hashIPPayloadOffset"),
    (328, "hashIPPayloadSize"),
    (329, "hashOutputRangeMin"),
    (330, "hashOutputRangeMax"),
    (331, "hashSelectedRangeMin"),
    (332, "hashSelectedRangeMax"),
    (333, "hashDigestOutput"),
    (334, "hashInitialiserValue"),
    (335, "selectorName"),
    (336, "upperCILimit"),
    (337, "lowerCILimit"),
    (338, "confidenceLevel"),
    (339, "informationElementDataType"),
    (340, "informationElementDescription"),
    (341, "informationElementName"),
    (342, "informationElementRangeBegin"),
    (343, "informationElementRangeEnd"),
    (344, "informationElementSemantics"),
    (345, "informationElementUnits"),
    (346, "privateEnterpriseNumber"),
    (347, "virtualStationInterfaceId"),
    (348, "virtualStationInterfaceName"),
    (349, "virtualStationUUID"),
    (350, "virtualStationName"),
    (351, "layer2SegmentId"),
    (352, "layer2OctetDeltaCount"),
    (353, "layer2OctetTotalCount"),
    (354, "ingressUnicastPacketTotalCount"),
    (355, "ingressMulticastPacketTotalCount"),
    (356, "ingressBroadcastPacketTotalCount"),
    (357, "egressUnicastPacketTotalCount"),
    (358, "egressBroadcastPacketTotalCount"),
    (359, "monitoringIntervalStartMilliSeconds"),
    (360, "monitoringIntervalEndMilliSeconds"),
    (361, "portRangeStart"),
    (362, "portRangeEnd"),
    (363, "portRangeStepSize"),
    (364, "portRangeNumPorts"),
    (365, "staMacAddress"),
    (366, "staIPv4Address"),
    (367, "wtpMacAddress"),
    (368, "ingressInterfaceType"),
    (369, "egressInterfaceType"),
    (370, "rtpSequenceNumber"),
    (371, "userName"),
    (372, "applicationCategoryName"),
    (373, "applicationSubCategoryName"),
    (374, "applicationGroupName"),
    (375, "originalFlowsPresent"),
    (376, "originalFlowsInitiated"),
    (377, "originalFlowsCompleted"),
    (378, "distinctCountOfSourceIPAddress"),
    (379, "distinctCountOfDestinationIPAddress"),
    (380, "distinctCountOfSourceIPv4Address"),
    (381, "distinctCountOfDestinationIPv4Address"),
    (382, "distinctCountOfSourceIPv6Address"),
    (383, "distinctCountOfDestinationIPv6Address"),
    (384, "valueDistributionMethod"),
    (385, "rfc3550JitterMilliseconds"),
    (386, "rfc3550JitterMicroseconds"),
    (387, "rfc3550JitterNanoseconds"),
    (388, "dot1qDEI"),
    (389, "dot1qCustomerDEI"),
    (390, "flowSelectorAlgorithm"),
    (391, "flowSelectedOctetDeltaCount"),
    (392, "flowSelectedPacketDeltaCount"),
    (393, "flowSelectedFlowDeltaCount"),
    (394, "selectorIDTotalFlowsObserved"),
    (395, "selectorIDTotalFlowsSelected"),
    (396, "samplingFlowInterval"),
    (397, "samplingFlowSpacing"),
    (398, "flowSamplingTimeInterval"),
    (399, "flowSamplingTimeSpacing"),
    (400, "hashFlowDomain"),
    (401, "transportOctetDeltaCount"),
    (402, "transportPacketDeltaCount"),
    (403, "originalExporterIPv4Address"),
    (404, "originalExporterIPv6Address"),
    (405, "originalObservationDomainId"),
    (406, "intermediateProcessId"),
    (407, "ignoredDataRecordTotalCount"),
    (408, "dataLinkFrameType"),
    (409, "sectionOffset"),
    (410, "sectionExportedOctets"),
    (411, "dot1qServiceInstanceTag"),
    (412, "dot1qServiceInstanceId"),
    (413, "dot1qServiceInstancePriority"),
    (414, "dot1qCustomerSourceMacAddress"),
    (415, "dot1qCustomerDestinationMacAddress"),
    (416, "deprecated [dup of layer2OctetDeltaCount]"),
    (417, "postLayer2OctetDeltaCount"),
    (418, "postMCastLayer2OctetDeltaCount"),
    (419, "deprecated [dup of layer2OctetTotalCount"),
    (420, "postLayer2OctetTotalCount"),
    (421, "postMCastLayer2OctetTotalCount"),
    (422, "minimumLayer2TotalLength"),
    (423, "maximumLayer2TotalLength"),
    (424, "droppedLayer2OctetDeltaCount"),
    (425, "droppedLayer2OctetTotalCount"),
    (426, "ignoredLayer2OctetTotalCount"),
    (427, "notSentLayer2OctetTotalCount"),
    (428, "layer2OctetDeltaSumOfSquares"),
    (429, "layer2OctetTotalSumOfSquares"),
    (430, "layer2FrameDeltaCount"),
    (431, "layer2FrameTotalCount"),
    (432, "pseudoWireDestinationIPv4Address"),
    (433, "ignoredLayer2FrameTotalCount"),
    (434, "mibObjectValueInteger"),
    (435, "mibObjectValueOctetString"),
    (436, "mibObjectValueOID"),
    (437, "mibObjectValueBits"),
    (438, "mibObjectValueIPAddress"),
    (439, "mibObjectValueCounter"),
    (440, "mibObjectValueGauge"),
    (441, "mibObjectValueTimeTicks"),
    (442, "mibObjectValueUnsigned"),
    (443, "mibObjectValueTable"),
    (444, "mibObjectValueRow"),
    (445, "mibObjectIdentifier"),
    (446, "mibSubIdentifier"),
    (447, "mibIndexIndicator"),
    (448, "mibCaptureTimeSemantics"),
    (449, "mibContextEngineID"),
    (450, "mibContextName"),
    (451, "mibObjectName"),
    (452, "mibObjectDescription"),
    (453, "mibObjectSyntax"),
    (454, "mibModuleName"),
    (455, "mobileIMSI"),
    (456, "mobileMSISDN"),
    (457, "httpStatusCode"),
    (458, "sourceTransportPortsLimit"),
    (459, "httpRequestMethod"),
    (460, "httpRequestHost"),
    (461, "httpRequestTarget"),
    (462, "httpMessageVersion"),
    (463, "natInstanceID"),
    (464, "internalAddressRealm"),
    (465, "externalAddressRealm"),
    (466, "natQuotaExceededEvent"),
    (467, "natThresholdEvent"),
    (468, "httpUserAgent"),
    (469, "httpContentType"),
    (470, "httpReasonPhrase"),
    (471, "maxSessionEntries"),
    (472, "maxBIBEntries"),
    (473, "maxEntriesPerUser"),
    (474, "maxSubscribers"),
    (475, "maxFragmentsPendingReassembly"),
    (476, "addressPoolHighThreshold"),
    (477, "addressPoolLowThreshold"),
    (478, "addressPortMappingHighThreshold"),
    (479, "addressPortMappingLowThreshold"),
    (480, "addressPortMappingPerUserHighThreshold"),
    (481, "globalAddressMappingHighThreshold"),
    (24628, "NAT_LOG_FIELD_IDX_CONTEXT_ID"),
    (24629, "NAT_LOG_FIELD_IDX_CONTEXT_NAME"),
    (24630, "NAT_LOG_FIELD_IDX_ASSIGN_TS_SEC"),
    (24631, "NAT_LOG_FIELD_IDX_UNASSIGN_TS_SEC"),
    (24632, "NAT_LOG_FIELD_IDX_IPV4_INT_ADDR"),
    (24633, "NAT_LOG_FIELD_IDX_IPV4_EXT_ADDR"),
    (24634, "NAT_LOG_FIELD_IDX_EXT_PORT_FIRST"),
    (24635, "NAT_LOG_FIELD_IDX_EXT_PORT_LAST"),
];
