//! RadioTap as Scapy reads it (LINKTYPE_IEEE802_11_RADIOTAP, 127): the header, its
//! extended presence masks, then the fields Scapy knows for each bit of the first
//! presence mask, each aligned to its size from the header's start (Scapy's
//! ReversePadField), the bytes up to the header's `len` as `notdecoded`, and the
//! 802.11 frame (Dot11FCS when the Flags field says the frame check sequence is
//! there). Scapy has no fields for some bits (FHSS, the attenuations, TX power, dB
//! signal and noise, zero-length PSDU): their bytes are not skipped, as in Scapy.

use std::ops::Range;

use super::field::{field, Field, Format, Group, Rest, Spec, Value};
use super::{Kind, Walk};

const PRESENT_NAMES: &[&str] = &[
    "TSFT",
    "Flags",
    "Rate",
    "Channel",
    "FHSS",
    "dBm_AntSignal",
    "dBm_AntNoise",
    "Lock_Quality",
    "TX_Attenuation",
    "dB_TX_Attenuation",
    "dBm_TX_Power",
    "Antenna",
    "dB_AntSignal",
    "dB_AntNoise",
    "RXFlags",
    "TXFlags",
    "b17",
    "b18",
    "ChannelPlus",
    "MCS",
    "A_MPDU",
    "VHT",
    "timestamp",
    "HE",
    "HE_MU",
    "HE_MU_other_user",
    "zero_length_psdu",
    "L_SIG",
    "TLV",
    "RadiotapNS",
    "VendorNS",
    "Ext",
];
const FLAGS: &[&str] = &[
    "CFP",
    "ShortPreamble",
    "wep",
    "fragment",
    "FCS",
    "pad",
    "badFCS",
    "ShortGI",
];
const CHANNEL_FLAGS: &[&str] = &[
    "res1",
    "res2",
    "res3",
    "res4",
    "Turbo",
    "CCK",
    "OFDM",
    "2GHz",
    "5GHz",
    "Passive",
    "Dynamic_CCK_OFDM",
    "GFSK",
    "GSM",
    "StaticTurbo",
    "10MHz",
    "5MHz",
];
/// ChannelPlus's flags: Channel's, then the channel widths.
const CHANNEL_PLUS_FLAGS: &[&str] = &{
    const MORE: [&str; 8] = [
        "20MHz",
        "40MHz_ext_channel_above",
        "40MHz_ext_channel_below",
        "res5",
        "res6",
        "res7",
        "res8",
        "res9",
    ];
    let mut all = [""; 24];
    let mut i = 0;
    while i < 24 {
        all[i] = if i < 16 {
            CHANNEL_FLAGS[i]
        } else {
            MORE[i - 16]
        };
        i += 1;
    }
    all
};
const RX_FLAGS: &[&str] = &["res1", "BAD_PLCP", "res2"];
const TX_FLAGS: &[&str] = &["TX_FAIL", "CTS", "RTS", "NOACK", "NOSEQ", "ORDER"];
const TS_FLAGS: &[&str] = &[
    "32-bit_counter",
    "Accuracy",
    "res1",
    "res2",
    "res3",
    "res4",
    "res5",
    "res6",
];
const KNOWN_MCS: &[&str] = &[
    "MCS_bandwidth",
    "MCS_index",
    "guard_interval",
    "HT_format",
    "FEC_type",
    "STBC_streams",
    "Ness",
    "Ness_MSB",
];
const A_MPDU_FLAGS: &[&str] = &[
    "Report0Subframe",
    "Is0Subframe",
    "KnownLastSubframe",
    "LastSubframe",
    "CRCerror",
    "EOFsubframe",
    "KnownEOF",
    "res1",
    "res2",
    "res3",
    "res4",
    "res5",
    "res6",
    "res7",
    "res8",
];
const KNOWN_VHT: &[&str] = &[
    "STBC",
    "TXOP_PS_NOT_ALLOWED",
    "GuardInterval",
    "SGINsysmDis",
    "LDPCextraOFDM",
    "Beamformed",
    "Bandwidth",
    "GroupID",
    "PartialAID",
    "res1",
    "res2",
    "res3",
    "res4",
    "res5",
    "res6",
    "res7",
];
const PRESENT_VHT: &[&str] = &[
    "STBC",
    "TXOP_PS_NOT_ALLOWED",
    "GuardInterval",
    "SGINsysmDis",
    "LDPCextraOFDM",
    "Beamformed",
    "res1",
    "res2",
];
const HE_MU_OTHER_KNOWN: &[&str] = &[
    "user field position",
    "STA-ID",
    "NSTS",
    "Tx Beamforming",
    "Spatial Configuration",
    "MCS",
    "DCM",
    "Coding",
];

fn fec_type(number: u64) -> Option<&'static str> {
    ["BCC", "LDPC"].get(number as usize).copied()
}

fn ht_format(number: u64) -> Option<&'static str> {
    ["mixed", "greenfield"].get(number as usize).copied()
}

fn guard_interval(number: u64) -> Option<&'static str> {
    ["Long_GI", "Short_GI"].get(number as usize).copied()
}

fn mcs_bandwidth(number: u64) -> Option<&'static str> {
    ["20MHz", "40MHz", "ht40Mhz-", "ht40MHz+"]
        .get(number as usize)
        .copied()
}

fn vht_bandwidth(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "20MHz",
        1..=3 => "40MHz",
        4..=10 => "80MHz",
        11..=25 => "160MHz",
        _ => return None,
    })
}

fn timestamp_unit(number: u64) -> Option<&'static str> {
    ["milliseconds", "microseconds", "nanoseconds"]
        .get(number as usize)
        .copied()
}

fn present_name(number: u64) -> Option<&'static str> {
    PRESENT_NAMES.get(number as usize).copied()
}

/// The fields Scapy reads for each presence bit it knows: the bit, the alignment and
/// the layout (offsets from the aligned start). Scapy has no fields for the others.
const LAYOUTS: &[(u32, usize, &[Spec])] = {
    use Format::{Bytes, Enum, Flags, Int, LeFlags, LeInt};
    &[
        (0, 8, &[Spec::new("mac_timestamp", 0, 8, LeInt)]),
        (1, 1, &[Spec::new("Flags", 0, 1, Flags(FLAGS, "+"))]),
        (2, 1, &[Spec::new("Rate", 0, 1, Int)]),
        (
            3,
            2,
            &[
                Spec::new("ChannelFrequency", 0, 2, LeInt),
                Spec::new("ChannelFlags", 2, 2, LeFlags(CHANNEL_FLAGS, "+")),
            ],
        ),
        (5, 1, &[Spec::new("dBm_AntSignal", 0, 1, Int)]),
        (6, 1, &[Spec::new("dBm_AntNoise", 0, 1, Int)]),
        (7, 2, &[Spec::new("Lock_Quality", 0, 2, LeInt)]),
        (11, 1, &[Spec::new("Antenna", 0, 1, Int)]),
        (14, 2, &[Spec::new("RXFlags", 0, 2, LeFlags(RX_FLAGS, "+"))]),
        (15, 2, &[Spec::new("TXFlags", 0, 2, LeFlags(TX_FLAGS, "+"))]),
        (
            18,
            4,
            &[
                Spec::new("ChannelPlusFlags", 0, 4, LeFlags(CHANNEL_PLUS_FLAGS, "+")),
                Spec::new("ChannelPlusFrequency", 4, 2, LeInt),
                Spec::new("ChannelPlusNumber", 6, 1, Int),
            ],
        ),
        (
            19,
            2,
            &[
                Spec::new("knownMCS", 0, 1, Flags(KNOWN_MCS, "+")),
                Spec::bits("Ness_LSB", 1, 1, 0x80, Int),
                Spec::bits("STBC_streams", 1, 1, 0x60, Int),
                Spec::bits("FEC_type", 1, 1, 0x10, Enum(fec_type)),
                Spec::bits("HT_format", 1, 1, 0x08, Enum(ht_format)),
                Spec::bits("guard_interval", 1, 1, 0x04, Enum(guard_interval)),
                Spec::bits("MCS_bandwidth", 1, 1, 0x03, Enum(mcs_bandwidth)),
                Spec::new("MCS_index", 2, 1, Int),
            ],
        ),
        (
            20,
            4,
            &[
                Spec::new("A_MPDU_ref", 0, 4, LeInt),
                Spec::new("A_MPDU_flags", 4, 4, LeFlags(A_MPDU_FLAGS, "+")),
            ],
        ),
        (
            21,
            2,
            &[
                Spec::new("KnownVHT", 0, 2, LeFlags(KNOWN_VHT, "+")),
                Spec::new("PresentVHT", 2, 1, Flags(PRESENT_VHT, "+")),
                Spec::new("VHT_bandwidth", 3, 1, Enum(vht_bandwidth)),
                Spec::new("mcs_nss", 4, 5, Bytes),
                Spec::new("GroupID", 9, 1, Int),
                Spec::new("PartialAID", 10, 2, Int),
            ],
        ),
        (
            22,
            8,
            &[
                Spec::new("timestamp", 0, 8, LeInt),
                Spec::new("ts_accuracy", 8, 2, LeInt),
                Spec::bits("ts_unit", 10, 1, 0xf0, Enum(timestamp_unit)),
                Spec::bits("ts_position", 10, 1, 0x0f, Int),
                Spec::new("ts_flags", 11, 1, Flags(TS_FLAGS, "+")),
            ],
        ),
        (
            23,
            2,
            &[
                Spec::new("he_data1", 0, 2, LeInt),
                Spec::new("he_data2", 2, 2, LeInt),
                Spec::new("he_data3", 4, 2, LeInt),
                Spec::new("he_data4", 6, 2, LeInt),
                Spec::new("he_data5", 8, 2, LeInt),
                Spec::new("he_data6", 10, 2, LeInt),
            ],
        ),
        (
            24,
            2,
            &[
                Spec::new("hemu_flags1", 0, 2, LeInt),
                Spec::new("hemu_flags2", 2, 2, LeInt),
                Spec::new("RU_channel1", 4, 4, Int),
                Spec::new("RU_channel2", 8, 4, Int),
            ],
        ),
        (
            25,
            2,
            &[
                Spec::new("hemuou_per_user_1", 0, 2, LeInt),
                Spec::new("hemuou_per_user_2", 2, 2, LeInt),
                Spec::new("hemuou_per_user_position", 4, 1, Int),
                Spec::new(
                    "hemuou_per_user_known",
                    5,
                    2,
                    LeFlags(HE_MU_OTHER_KNOWN, "+"),
                ),
            ],
        ),
        (
            27,
            2,
            &[
                Spec::new("lsig_data1", 0, 2, LeFlags(&["rate", "length"], "+")),
                Spec::new("lsig_length", 2, 2, Int),
                Spec::new("lsig_rate", 2, 2, Int),
            ],
        ),
    ]
};

fn layout(bit: u32) -> Option<(usize, &'static [Spec])> {
    LAYOUTS
        .iter()
        .find(|(b, _, _)| *b == bit)
        .map(|&(_, alignment, specs)| (alignment, specs))
}

const HEADER: [Spec; 4] = [
    Spec::new("version", 0, 1, Format::Int),
    Spec::new("pad", 1, 1, Format::Int),
    Spec::new("len", 2, 2, Format::LeInt),
    Spec::new("present", 4, 4, Format::LeFlags(PRESENT_NAMES, "+")),
];
const FCS: u8 = 0x10;
const TLV_BIT: u32 = 28;
const EXT_BIT: u32 = 31;

/// RadioTap at `at` (the frame's start, or after PPI), then the 802.11 frame.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let Some((fields, consumed)) = read(data, at, end) else {
        return walk.raw(at, end);
    };
    let length = usize::from(u16::from_le_bytes([data[at + 2], data[at + 3]]));
    let payload = (at + length).max(consumed).min(end);
    walk.push(Kind::RadioTap { end }, at..payload);
    let fcs = fields
        .iter()
        .find(|f| f.name == "Flags")
        .and_then(|f| f.value.number())
        .is_some_and(|flags| flags as u8 & FCS != 0);
    if payload < end {
        super::dot11::dissect(walk, payload, end, fcs);
    }
}

/// The header's fields and where they end (before `notdecoded`); `None` where Scapy
/// gives the layer up.
fn read(data: &[u8], at: usize, end: usize) -> Option<(Vec<Field>, usize)> {
    let mut rest = Rest { at, end };
    let mut fields = rest.prefix(data, &HEADER)?;
    let present = u32::from_le_bytes(data[at + 4..at + 8].try_into().expect("4 bytes"));
    if present & 1 << EXT_BIT != 0 {
        let start = rest.at;
        let masks = extended_masks(data, &mut rest);
        fields.push(field("Ext", start..rest.at, Value::Packets(masks)));
    }
    for bit in 0..EXT_BIT {
        if present & 1 << bit == 0 {
            continue;
        }
        if bit == TLV_BIT {
            let start = rest.at;
            align(&mut rest, at, 4);
            let tlvs = tlvs(data, &mut rest)?;
            fields.push(field("tlvs", start..rest.at, Value::Packets(tlvs)));
            continue;
        }
        let Some((alignment, specs)) = layout(bit) else {
            continue;
        };
        let before = rest.at;
        align(&mut rest, at, alignment);
        let base = rest.at;
        let mut group = rest.prefix(data, specs)?;
        for field in &mut group {
            scale(field, data, base);
        }
        // The alignment padding is part of the first field (Scapy's ReversePadField).
        group[0].range.start = before;
        fields.extend(group);
    }
    let consumed = rest.at;
    let length = usize::from(u16::from_le_bytes([data[at + 2], data[at + 3]]));
    let not_decoded = consumed..(at + length).max(consumed).min(end);
    fields.push(field(
        "notdecoded",
        not_decoded.clone(),
        Value::Bytes(data[not_decoded].to_vec()),
    ));
    Some((fields, consumed))
}

pub(super) fn fields(data: &[u8], at: usize, end: usize) -> Vec<Field> {
    read(data, at, end).map_or_else(Vec::new, |(fields, _)| fields)
}

/// Skips to the next multiple of `alignment` from the header's start `at` (as far as
/// there are bytes).
fn align(rest: &mut Rest, at: usize, alignment: usize) {
    let offset = rest.at - at;
    let padded = offset.div_ceil(alignment) * alignment;
    rest.at = (at + padded).min(rest.end);
}

/// The fields Scapy shows in units or lists rather than as read: the rate in Mbps,
/// signal and noise in signed dBm, HE-MU's resource unit lists, L-SIG's length and
/// rate (12 and 4 bits of a little-endian word).
fn scale(field: &mut Field, data: &[u8], base: usize) {
    let byte = |i: usize| data[field.range.start + i];
    field.value = match &*field.name {
        "Rate" => Value::Text(format!("{:?} Mbps", f64::from(byte(0)) * 0.5)),
        "dBm_AntSignal" | "dBm_AntNoise" => Value::Text(format!("{} dBm", byte(0) as i8)),
        "RU_channel1" | "RU_channel2" => Value::Text(format!(
            "[{}, {}, {}, {}]",
            byte(0),
            byte(1),
            byte(2),
            byte(3)
        )),
        "lsig_length" | "lsig_rate" => {
            let word = u16::from_le_bytes([data[base + 2], data[base + 3]]);
            let (value, bits) = if field.name == "lsig_length" {
                (word >> 4, 0..12)
            } else {
                (word & 0xf, 12..16)
            };
            field.bits = Some(bits);
            Value::Int(u64::from(value))
        }
        _ => return,
    };
}

/// The extended presence masks: 4 bytes each, while the one before has its Ext bit;
/// one cut short is Raw with the rest, as Scapy's list leaves it.
fn extended_masks(data: &[u8], rest: &mut Rest) -> Vec<Group> {
    let mut masks = Vec::new();
    loop {
        let index = masks.len();
        let Some(range) = rest.take(4) else {
            if rest.at < rest.end {
                masks.push(Group::raw(data, rest.at..rest.end));
                rest.at = rest.end;
            }
            return masks;
        };
        let value = u32::from_le_bytes(data[range.clone()].try_into().expect("4 bytes"));
        let mut text = Vec::new();
        for bit in 0..32 {
            if value & 1 << bit != 0 {
                text.push(if bit == EXT_BIT {
                    "Ext".to_string()
                } else {
                    format!("b{}", index * 32 + bit as usize)
                });
            }
        }
        let flags = Value::Flags {
            value: u64::from(value),
            text: text.join("+"),
        };
        masks.push(Group::new(
            "RadioTap Extended presence mask",
            range.clone(),
            vec![field("present", range, flags)],
        ));
        if value & 1 << EXT_BIT == 0 || rest.at >= rest.end {
            return masks;
        }
    }
}

const TLV_HEAD: [Spec; 2] = [
    Spec::new("type", 0, 2, Format::LeEnum(present_name)),
    Spec::new("length", 2, 2, Format::LeInt),
];
const VENDOR_NAMESPACE: u16 = 30;
const TLV_VENDOR: [Spec; 4] = [
    Spec::new("oui", 0, 3, Format::Oui),
    Spec::new("subtype", 3, 1, Format::Int),
    Spec::new("presence_type", 4, 2, Format::LeInt),
    Spec::new("reserved", 6, 2, Format::LeInt),
];

/// RadioTap TLVs: one after the other to the end of the packet (Scapy's list has no
/// length), each padded to 4 bytes; one cut short is Raw with the rest. `None` past
/// Scapy's list limit (the header gives up).
fn tlvs(data: &[u8], rest: &mut Rest) -> Option<Vec<Group>> {
    let mut groups = Vec::new();
    while rest.at < rest.end {
        let at = rest.at;
        match tlv(data, rest) {
            Some(fields) => groups.push(Group::new("RadioTapTLV", at..rest.at, fields)),
            None => {
                groups.push(Group::raw(data, at..rest.end));
                rest.at = rest.end;
            }
        }
        if groups.len() > super::field::MAX_LIST {
            return None;
        }
    }
    Some(groups)
}

fn tlv(data: &[u8], rest: &mut Rest) -> Option<Vec<Field>> {
    let at = rest.at;
    let mut fields = rest.prefix(data, &TLV_HEAD)?;
    let kind = u16::from_le_bytes([data[at], data[at + 1]]);
    let length = u16::from_le_bytes([data[at + 2], data[at + 3]]);
    if kind == VENDOR_NAMESPACE {
        fields.extend(rest.prefix(data, &TLV_VENDOR)?);
    }
    let bytes = |name: &'static str, range: Range<usize>| {
        field(name, range.clone(), Value::Bytes(data[range].to_vec()))
    };
    let value = rest.slice(i64::from(length));
    fields.push(bytes("data", value));
    let pad = rest.slice(i64::from(length.wrapping_neg() % 4));
    fields.push(bytes("pad", pad));
    Some(fields)
}
