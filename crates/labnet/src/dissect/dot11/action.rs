//! The bodies of 802.11 action frames Scapy decodes: spectrum management with the
//! channel switch announcement, WNM with BSS transition management requests and
//! responses (their neighbor reports), and radio measurement requests and reports
//! (Scapy's beacon request and report). Each is a layer after `Dot11Action`, as Scapy
//! chains them; what they leave is Raw.

use std::ops::Range;

use super::super::field::{field, Field, Format, Group, Rest, Spec, Value};
use super::super::{Kind, Walk};
use super::{Class, SubPacket};

fn spectrum_action(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Measurement Request",
        1 => "Measurement Report",
        2 => "TPC Request",
        3 => "TPC Report",
        4 => "Channel Switch Announcement",
        _ => return None,
    })
}

fn wnm_action(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Event Request",
        1 => "Event Report",
        2 => "Diagnostic Request",
        3 => "Diagnostic Report",
        4 => "Location Configuration Request",
        5 => "Location Configuration Response",
        6 => "BSS Transition Management Query",
        7 => "BSS Transition Management Request",
        8 => "BSS Transition Management Response",
        9 => "FMS Request",
        10 => "FMS Response",
        11 => "Collocated Interference Request",
        12 => "Collocated Interference Report",
        13 => "TFS Request",
        14 => "TFS Response",
        15 => "TFS Notify",
        16 => "WNM Sleep Mode Request",
        17 => "WNM Sleep Mode Response",
        18 => "TIM Broadcast Request",
        19 => "TIM Broadcast Response",
        20 => "QoS Traffic Capability Update",
        21 => "Channel Usage Request",
        22 => "Channel Usage Response",
        23 => "DMS Request",
        24 => "DMS Response",
        25 => "Timing Measurement Request",
        26 => "WNM Notification Request",
        27 => "WNM Notification Response",
        28 => "WNM-Notify Response",
        _ => return None,
    })
}

fn measurement_action(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Radio Measurement Request",
        1 => "Radio Measurement Report",
        2 => "Link Measurement Request",
        3 => "Link Measurement Report",
        4 => "Neighbor Report Request",
        5 => "Neighbor Report Response",
        _ => return None,
    })
}

fn transition_status(number: u64) -> Option<&'static str> {
    [
        "Accept",
        "Reject-Unspecified_reject_reason",
        "Reject-Insufficient_Beacon_or_Probe_Response_frames",
        "Reject-Insufficient_available_capacity_from_all_candidates",
        "Reject-BSS_termination_undesired",
        "Reject-BSS_termination_delay_requested",
        "Reject-STA_BSS_Transition_Candidate_List_provided",
        "Reject-No_suitable_BSS_transition_candidates",
        "Reject-Leaving_ESS",
    ]
    .get(number as usize)
    .copied()
}

fn measurement_type(number: u64) -> Option<&'static str> {
    (number == 5).then_some("Beacon")
}

const TRANSITION_MODES: &[&str] = &[
    "Preferred_Candidate_List_Included",
    "Abridged",
    "Disassociation_Imminent",
    "BSS_Termination_Included",
    "ESS_Disassociation_Imminent",
];
const CANDIDATE_LIST: u8 = 0x01;
const TERMINATION: u8 = 0x08;
const ESS_DISASSOCIATION: u8 = 0x10;

const SPECTRUM: [Spec; 1] = [Spec::new("action", 0, 1, Format::Enum(spectrum_action))];
const WNM: [Spec; 1] = [Spec::new("action", 0, 1, Format::Enum(wnm_action))];
const MEASUREMENT: [Spec; 1] = [Spec::new("action", 0, 1, Format::Enum(measurement_action))];
const TRANSITION_REQUEST: [Spec; 4] = [
    Spec::new("token", 0, 1, Format::Int),
    Spec::new("mode", 1, 1, Format::Flags(TRANSITION_MODES, "+")),
    Spec::new("disassociation_timer", 2, 2, Format::LeInt),
    Spec::new("validity_interval", 4, 1, Format::Int),
];
const TRANSITION_RESPONSE: [Spec; 3] = [
    Spec::new("token", 0, 1, Format::Int),
    Spec::new("status", 1, 1, Format::Enum(transition_status)),
    Spec::new("termination_delay", 2, 1, Format::Int),
];
const TERMINATION_DURATION: SubPacket = SubPacket {
    name: "BSS Termination Duration",
    specs: &[
        Spec::new("id", 0, 1, Format::Int),
        Spec::new("len", 1, 1, Format::Int),
        Spec::new("TSF", 2, 8, Format::LeInt),
        Spec::new("duration", 10, 2, Format::LeInt),
    ],
};
const NEIGHBOR_REPORT: [Spec; 15] = [
    Spec::new("type", 0, 1, Format::Int),
    Spec::new("len", 1, 1, Format::Int),
    Spec::new("BSSID", 2, 6, Format::Mac),
    Spec::le_bits("AP_reach", 8, 4, 0xc000_0000, Format::Int),
    Spec::le_bits("security", 8, 4, 0x2000_0000, Format::Int),
    Spec::le_bits("key_scope", 8, 4, 0x1000_0000, Format::Int),
    Spec::le_bits("capabilities", 8, 4, 0x0fc0_0000, Format::Int),
    Spec::le_bits("mobility", 8, 4, 0x0020_0000, Format::Int),
    Spec::le_bits("HT", 8, 4, 0x0010_0000, Format::Int),
    Spec::le_bits("VHT", 8, 4, 0x0008_0000, Format::Int),
    Spec::le_bits("FTM", 8, 4, 0x0004_0000, Format::Int),
    Spec::le_bits("reserved", 8, 4, 0x0003_ffff, Format::Int),
    Spec::new("op_class", 12, 1, Format::Int),
    Spec::new("channel", 13, 1, Format::Int),
    Spec::new("phy_type", 14, 1, Format::Int),
];
const SUBELEMENT: [Spec; 2] = [
    Spec::new("type", 0, 1, Format::Int),
    Spec::new("len", 1, 1, Format::Int),
];
const MEASUREMENT_REQUEST: [Spec; 11] = [
    Spec::new("token", 0, 1, Format::Int),
    Spec::new("repetitions", 1, 2, Format::LeInt),
    Spec::new("ID", 3, 1, Format::Enum(super::element_id)),
    Spec::new("len", 4, 1, Format::Int),
    Spec::new("measurement_token", 5, 1, Format::Int),
    Spec::bits("reserved", 6, 1, 0xe0, Format::Int),
    Spec::bits("duration_mandatory", 6, 1, 0x10, Format::Int),
    Spec::bits("report", 6, 1, 0x08, Format::Int),
    Spec::bits("request", 6, 1, 0x04, Format::Int),
    Spec::bits("enable", 6, 1, 0x02, Format::Int),
    Spec::bits("parallel", 6, 1, 0x01, Format::Int),
];
const MEASUREMENT_REPORT: [Spec; 8] = [
    Spec::new("token", 0, 1, Format::Int),
    Spec::new("ID", 1, 1, Format::Enum(super::element_id)),
    Spec::new("len", 2, 1, Format::Int),
    Spec::new("measurement_token", 3, 1, Format::Int),
    Spec::bits("reserved", 4, 1, 0xf8, Format::Int),
    Spec::bits("refused", 4, 1, 0x04, Format::Int),
    Spec::bits("incapable", 4, 1, 0x02, Format::Int),
    Spec::bits("late", 4, 1, 0x01, Format::Int),
];
const BEACON_REQUEST: SubPacket = SubPacket {
    name: "802.11 Radio Measurement Beacon Request",
    specs: &[
        Spec::new("op_class", 0, 1, Format::Int),
        Spec::new("channel", 1, 1, Format::Int),
        Spec::new("randomization_interval", 2, 2, Format::LeInt),
        Spec::new("measurement_duration", 4, 2, Format::LeInt),
        Spec::new("measurement_mode", 6, 1, Format::Int),
        Spec::new("BSSID", 7, 6, Format::Mac),
    ],
};
const BEACON_REPORT: SubPacket = SubPacket {
    name: "802.11 Radio Measurement Beacon Report",
    specs: &[
        Spec::new("op_class", 0, 1, Format::Int),
        Spec::new("channel", 1, 1, Format::Int),
        Spec::new("measurement_start_time", 2, 8, Format::LeInt),
        Spec::new("measurement_duration", 10, 2, Format::LeInt),
        Spec::bits("reported_frame_type", 12, 1, 0x80, Format::Int),
        Spec::bits("condensed_phy", 12, 1, 0x7f, Format::Int),
        Spec::new("RCPI", 13, 1, Format::Int),
        Spec::new("RSNI", 14, 1, Format::Int),
        Spec::new("BSSID", 15, 6, Format::Mac),
        Spec::new("antenna_id", 21, 1, Format::Int),
        Spec::new("parent_tsf", 22, 4, Format::LeInt),
    ],
};
const MEASUREMENT_TYPE: Spec = Spec::new(
    "measurement_request_type",
    0,
    1,
    Format::Enum(measurement_type),
);
const REPORT_TYPE: Spec = Spec::new(
    "measurement_report_type",
    0,
    1,
    Format::Enum(measurement_type),
);

/// What follows `Dot11Action` of this category, from `at` to `end`.
pub(super) fn dissect(walk: &mut Walk, category: u8, at: usize, end: usize) {
    if at >= end {
        return;
    }
    let (class, next): (Class, fn(u8) -> Option<Class>) = match category {
        0x00 => (Class::SpectrumManagement, |action| {
            (action == 4).then_some(Class::ChannelSwitch)
        }),
        0x05 => (Class::RadioMeasurement, |action| match action {
            0 => Some(Class::MeasurementRequest),
            1 => Some(Class::MeasurementReport),
            _ => None,
        }),
        0x0a => (Class::Wnm, |action| match action {
            7 => Some(Class::TransitionRequest),
            8 => Some(Class::TransitionResponse),
            _ => None,
        }),
        _ => return walk.raw(at, end),
    };
    walk.push(Kind::Dot11 { class, end }, at..at + 1);
    let at = at + 1;
    if at >= end {
        return;
    }
    let Some(body) = next(walk.data[at - 1]) else {
        return walk.raw(at, end);
    };
    match read(walk.data, body, at, end) {
        Some((_, body_end)) => {
            walk.push(Kind::Dot11 { class: body, end }, at..body_end);
            walk.raw(body_end, end);
        }
        None => walk.raw(at, end),
    }
}

/// The fields of the action layer of `class` at `at`, whose frame ends at `end`.
pub(super) fn fields(data: &[u8], at: usize, class: Class, end: usize) -> Vec<Field> {
    match class {
        Class::SpectrumManagement => super::super::field::fixed(&SPECTRUM, data, at),
        Class::Wnm => super::super::field::fixed(&WNM, data, at),
        Class::RadioMeasurement => super::super::field::fixed(&MEASUREMENT, data, at),
        _ => read(data, class, at, end).map_or_else(Vec::new, |(fields, _)| fields),
    }
}

/// Reads a body of `class` at `at` from the rest of the frame: its fields and where it
/// ends, or `None` where Scapy's class raises.
fn read(data: &[u8], class: Class, at: usize, end: usize) -> Option<(Vec<Field>, usize)> {
    let mut rest = Rest { at, end };
    let fields = match class {
        Class::ChannelSwitch => {
            // Scapy's PacketField of the CSA element: the elements after it are that
            // element's payload, inside the field.
            let start = rest.at;
            let mut groups = Vec::new();
            let element = super::Element::Csa;
            let (csa, csa_end) = super::read_element(data, element, rest.at, end)?;
            let name = Class::Element(element).names().1;
            groups.push(Group::new(name, start..csa_end, csa));
            rest.at = csa_end;
            while rest.at < end {
                let at = rest.at;
                let read = super::element_class(data, at, end).and_then(|element| {
                    super::read_element(data, element, at, end).map(|read| (element, read))
                });
                match read {
                    Some((element, (fields, element_end))) => {
                        let name = Class::Element(element).names().1;
                        groups.push(Group::new(name, at..element_end, fields));
                        rest.at = element_end;
                    }
                    None => {
                        groups.push(Group::raw(data, at..end));
                        rest.at = end;
                    }
                }
            }
            vec![field("CSA", start..rest.at, Value::Packets(groups))]
        }
        Class::TransitionRequest => {
            let mut fields = rest.prefix(data, &TRANSITION_REQUEST)?;
            let mode = data[at + 1];
            if mode & TERMINATION != 0 {
                let duration =
                    super::packet_field(data, &mut rest, &TERMINATION_DURATION, &[4, 10, 0, 0])?;
                fields.push(super::sub_packet("termination_duration", duration));
            }
            if mode & ESS_DISASSOCIATION != 0 {
                let length = rest.at;
                fields.extend(rest.prefix(data, &[Spec::new("url_len", 0, 1, Format::Int)])?);
                let url = rest.slice(i64::from(data[length]));
                fields.push(field("url", url.clone(), Value::Bytes(data[url].to_vec())));
            }
            if mode & CANDIDATE_LIST != 0 {
                fields.push(neighbor_reports(data, &mut rest)?);
            }
            fields
        }
        Class::TransitionResponse => {
            let mut fields = rest.prefix(data, &TRANSITION_RESPONSE)?;
            match data[at + 1] {
                0 => fields.extend(rest.prefix(data, &[Spec::new("target", 0, 6, Format::Mac)])?),
                6 => fields.push(neighbor_reports(data, &mut rest)?),
                _ => {}
            }
            fields
        }
        Class::MeasurementRequest => {
            let mut fields = rest.prefix(data, &MEASUREMENT_REQUEST)?;
            fields.extend(rest.prefix(data, &[MEASUREMENT_TYPE])?);
            let length = i64::from(data[at + 4]);
            if data[at + 7] == 5 {
                let request = super::packet_field(data, &mut rest, &BEACON_REQUEST, &[0; 6])?;
                fields.push(super::sub_packet("measurement_request", request));
                if length > 16 {
                    fields.push(subelements(data, &mut rest, length - 16)?);
                }
            } else {
                let bytes = rest.slice((length - 3).max(0));
                let value = Value::Bytes(data[bytes.clone()].to_vec());
                fields.push(field("measurement_request_data", bytes, value));
            }
            fields
        }
        Class::MeasurementReport => {
            let mut fields = rest.prefix(data, &MEASUREMENT_REPORT)?;
            fields.extend(rest.prefix(data, &[REPORT_TYPE])?);
            let length = i64::from(data[at + 2]);
            // Only a successful beacon report is read by its fields.
            if data[at + 5] == 5 && data[at + 4] & 0x07 == 0 {
                let report = super::packet_field(data, &mut rest, &BEACON_REPORT, &[0; 11])?;
                fields.push(super::sub_packet("measurement_report", report));
                if length > 29 {
                    fields.push(subelements(data, &mut rest, length - 29)?);
                }
            } else {
                let bytes = rest.slice((length - 3).max(0));
                let value = Value::Bytes(data[bytes.clone()].to_vec());
                fields.push(field("measurement_report_data", bytes, value));
            }
            fields
        }
        _ => return None,
    };
    Some((fields, rest.at))
}

/// Scapy's list of neighbor reports, to the end of the frame (see [`first_then_raw`]).
fn neighbor_reports(data: &[u8], rest: &mut Rest) -> Option<Field> {
    let region = rest.at..rest.end;
    let list = first_then_raw(data, region.clone(), |rest| {
        let at = rest.at;
        let mut fields = rest.prefix(data, &NEIGHBOR_REPORT)?;
        let length = i64::from(data[at + 1]);
        if length > 13 {
            fields.push(subelements(data, rest, length - 13)?);
        }
        Some(Group::new("Neighbor Report", at..rest.at, fields))
    });
    rest.at = region.end;
    Some(field("neighbor_report", region, Value::Packets(list)))
}

/// Subelements in `length` bytes (a Python slice of the rest).
fn subelements(data: &[u8], rest: &mut Rest, length: i64) -> Option<Field> {
    let region = rest.slice(length);
    let list = first_then_raw(data, region.clone(), |rest| {
        let at = rest.at;
        let mut fields = rest.prefix(data, &SUBELEMENT)?;
        let values = rest.slice(i64::from(data[at + 1]));
        let text: Vec<String> = data[values.clone()].iter().map(u8::to_string).collect();
        fields.push(field(
            "value",
            values,
            Value::Text(format!("[{}]", text.join(", "))),
        ));
        Some(Group::new("SubelemTLV", at..rest.at, fields))
    });
    Some(field("subelems", region, Value::Packets(list)))
}

/// Scapy's PacketListField of a class with no end of its own (neither padding nor a
/// length): the first item takes the rest of the region as its Raw payload, one level
/// in, which ends the list; an item its class cannot read is Raw with the rest.
fn first_then_raw(
    data: &[u8],
    region: Range<usize>,
    item: impl FnOnce(&mut Rest) -> Option<Group>,
) -> Vec<Group> {
    if region.is_empty() {
        return Vec::new();
    }
    let mut rest = Rest {
        at: region.start,
        end: region.end,
    };
    let Some(first) = item(&mut rest) else {
        return vec![Group::raw(data, region)];
    };
    let mut list = vec![first];
    if rest.at < region.end {
        let mut raw = Group::raw(data, rest.at..region.end);
        raw.depth = 1;
        list.push(raw);
    }
    list
}
