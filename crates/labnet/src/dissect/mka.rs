//! MACsec Key Agreement (EAPOL type 5, IEEE 802.1X-2010 11.11) as Scapy 2.8.0's
//! `MKAPDU` reads it: the basic parameter set (with its SCI and CAK name, padded to 4
//! bytes), then each parameter set in Scapy's class for its type (live and potential
//! peer lists, SAK use, distributed SAK, ICV; others Raw), each as long as the 12 bits
//! of its length say. Bytes a class leaves are Raw after it, as Scapy shows them; a
//! peer list is one tuple with the others in its Raw payload (the tuple class keeps
//! no padding), as in Scapy.

use std::ops::Range;

use super::field::{field, fixed, Field, Format, Group, Rest, Spec, Value};
use super::{be16, Kind, Walk};

fn parameter_set_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Live Peer List",
        2 => "Potential Peer List",
        3 => "MACsec SAK Use",
        4 => "Distributed SAK",
        5 => "Distributed CAK",
        6 => "KMD",
        7 => "Announcement",
        255 => "ICV Indicator",
        _ => return None,
    })
}

const BASIC: [Spec; 6] = [
    Spec::new("mka_version_id", 0, 1, Format::Int),
    Spec::new("key_server_priority", 1, 1, Format::Int),
    Spec::bits("key_server", 2, 2, 0x8000, Format::Int),
    Spec::bits("macsec_desired", 2, 2, 0x4000, Format::Int),
    Spec::bits("macsec_capability", 2, 2, 0x3000, Format::Int),
    Spec::bits("param_set_body_len", 2, 2, 0x0fff, Format::Int),
];
const SCI: [Spec; 2] = [
    Spec::new("system_identifier", 0, 6, Format::Mac),
    Spec::new("port_identifier", 6, 2, Format::Int),
];
const BASIC_TAIL: [Spec; 3] = [
    Spec::new("actor_member_id", 0, 12, Format::HexBytes),
    Spec::new("actor_message_number", 12, 4, Format::Hex),
    Spec::new("algorithm_agility", 16, 4, Format::Hex),
];
/// The basic parameter set up to its CAK name.
const BASIC_FIXED: usize = 32;

/// A parameter set's type, padded to 2 bytes, and its 16-bit length field.
const PADDED_HEAD: [Spec; 2] = [
    Spec::bits(
        "param_set_type",
        0,
        2,
        0xff00,
        Format::Enum(parameter_set_type),
    ),
    Spec::new("param_set_body_len", 2, 2, Format::Int),
];
const PEER: [Spec; 2] = [
    Spec::new("member_id", 0, 12, Format::HexBytes),
    Spec::new("message_number", 12, 4, Format::HexBytes),
];
const SAK_USE_HEAD: [Spec; 12] = [
    Spec::new("param_set_type", 0, 1, Format::Enum(parameter_set_type)),
    Spec::bits("latest_key_an", 1, 3, 0xc0_0000, Format::Int),
    Spec::bits("latest_key_tx", 1, 3, 0x20_0000, Format::Int),
    Spec::bits("latest_key_rx", 1, 3, 0x10_0000, Format::Int),
    Spec::bits("old_key_an", 1, 3, 0x0c_0000, Format::Int),
    Spec::bits("old_key_tx", 1, 3, 0x02_0000, Format::Int),
    Spec::bits("old_key_rx", 1, 3, 0x01_0000, Format::Int),
    Spec::bits("plain_tx", 1, 3, 0x00_8000, Format::Int),
    Spec::bits("plain_rx", 1, 3, 0x00_4000, Format::Int),
    Spec::bits("X", 1, 3, 0x00_2000, Format::Int),
    Spec::bits("delay_protect", 1, 3, 0x00_1000, Format::Int),
    Spec::bits("param_set_body_len", 1, 3, 0x00_0fff, Format::Int),
];
const SAK_USE_TAIL: [Spec; 6] = [
    Spec::new("latest_key_key_server_member_id", 0, 12, Format::HexBytes),
    Spec::new("latest_key_key_number", 12, 4, Format::HexBytes),
    Spec::new("latest_key_lowest_acceptable_pn", 16, 4, Format::HexBytes),
    Spec::new("old_key_key_server_member_id", 20, 12, Format::HexBytes),
    Spec::new("old_key_key_number", 32, 4, Format::HexBytes),
    Spec::new("old_key_lowest_acceptable_pn", 36, 4, Format::HexBytes),
];
const DISTRIBUTED_SAK_HEAD: [Spec; 5] = [
    Spec::new("param_set_type", 0, 1, Format::Enum(parameter_set_type)),
    Spec::bits("distributed_an", 1, 1, 0xc0, Format::Int),
    Spec::bits("confidentiality_offset", 1, 1, 0x30, Format::Int),
    Spec::bits("unused", 1, 1, 0x0f, Format::Int),
    Spec::new("param_set_body_len", 2, 2, Format::Int),
];
const KEY_NUMBER: [Spec; 1] = [Spec::new("key_number", 0, 4, Format::HexBytes)];
const CIPHER_SUITE: [Spec; 1] = [Spec::new("macsec_cipher_suite", 0, 8, Format::HexBytes)];
const KEY_WRAP: [Spec; 1] = [Spec::new("sak_aes_key_wrap", 0, 24, Format::HexBytes)];
const ICV: [Spec; 1] = [Spec::new("icv", 0, 16, Format::HexBytes)];

/// MKA at `at` (the EAPOL body, to `end`): Raw where Scapy gives `MKAPDU` up.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    if at >= end {
        return;
    }
    if read(walk.data, at..end).is_none() {
        return walk.raw(at, end);
    }
    walk.push(Kind::Mka, at..end);
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    read(data, range).unwrap_or_default()
}

/// The MKPDU's two fields, or `None` where a field of it raises in Scapy.
fn read(data: &[u8], range: Range<usize>) -> Option<Vec<Field>> {
    let mut rest = Rest {
        at: range.start,
        end: range.end,
    };
    let basic = basic_set(data, &mut rest)?;
    let basic_range = basic.range.clone();
    let start = rest.at;
    let mut sets = Vec::new();
    while rest.at < rest.end {
        if rest.end - rest.at < 4 {
            return None;
        }
        let length = i64::from(be16(data, rest.at + 2) & 0x0fff) + 4;
        let set = rest.slice(length);
        sets.extend(parameter_set(data, set)?);
    }
    Some(vec![
        field("basic_param_set", basic_range, Value::Packets(vec![basic])),
        field("parameter_sets", start..rest.at, Value::Packets(sets)),
    ])
}

/// The basic parameter set, its CAK name (`param_set_body_len - 28` bytes, a Python
/// slice) padded to 4 bytes.
fn basic_set(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    if rest.end - at < BASIC_FIXED {
        return None;
    }
    let mut fields = fixed(&BASIC, data, at);
    let sci = at + 4..at + 12;
    let group = Group::new("SCI", sci.clone(), fixed(&SCI, data, sci.start));
    fields.push(field("SCI", sci, Value::Packets(vec![group])));
    fields.extend(fixed(&BASIC_TAIL, data, at + 12));
    rest.at = at + BASIC_FIXED;
    let declared = BASIC[5].get(data, at) as i64;
    let name = rest.slice(declared - 28);
    let text = super::field::hex(&data[name.clone()]);
    let padded = rest.pad(&name, 4);
    fields.push(field("cak_name", padded, Value::Text(text)));
    Some(Group::new("Basic Parameter Set", at..rest.at, fields))
}

/// One parameter set over `range`, in Scapy's class for its type, with Raw after what
/// its fields leave; `None` where the class raises.
fn parameter_set(data: &[u8], range: Range<usize>) -> Option<Vec<Group>> {
    let at = range.start;
    let mut rest = Rest { at, end: range.end };
    let (name, fields) = match data[at] {
        kind @ (1 | 2) => {
            let mut fields = rest.prefix(data, &PADDED_HEAD)?;
            let start = rest.at;
            let mut tuples = Vec::new();
            if rest.at < rest.end {
                let tuple_at = rest.at;
                let peer = rest.prefix(data, &PEER)?;
                tuples.push(Group::new("Peer List Tuple", tuple_at..rest.at, peer));
                if rest.at < rest.end {
                    tuples.push(nested_raw(data, rest.at..rest.end));
                    rest.at = rest.end;
                }
            }
            fields.push(field(
                "member_id_message_num",
                start..rest.at,
                Value::Packets(tuples),
            ));
            let name = if kind == 1 {
                "Live Peer List Parameter Set"
            } else {
                "Potential Peer List Parameter Set"
            };
            (name, fields)
        }
        3 => {
            let mut fields = rest.prefix(data, &SAK_USE_HEAD)?;
            fields.extend(rest.prefix(data, &SAK_USE_TAIL)?);
            ("SAK Use Parameter Set", fields)
        }
        4 => {
            let mut fields = rest.prefix(data, &DISTRIBUTED_SAK_HEAD)?;
            fields.extend(rest.prefix(data, &KEY_NUMBER)?);
            if be16(data, at + 2) > 28 {
                fields.extend(rest.prefix(data, &CIPHER_SUITE)?);
            }
            fields.extend(rest.prefix(data, &KEY_WRAP)?);
            ("Distributed SAK parameter set", fields)
        }
        255 => {
            let mut fields = rest.prefix(data, &PADDED_HEAD)?;
            fields.extend(rest.prefix(data, &ICV)?);
            ("ICV", fields)
        }
        _ => return Some(vec![Group::raw(data, range)]),
    };
    let mut groups = vec![Group::new(name, at..rest.at, fields)];
    if rest.at < rest.end {
        groups.push(nested_raw(data, rest.at..rest.end));
    }
    Some(groups)
}

/// Raw as the payload of the sub-packet before it (one level further in).
fn nested_raw(data: &[u8], range: Range<usize>) -> Group {
    let mut raw = Group::raw(data, range);
    raw.depth = 1;
    raw
}
