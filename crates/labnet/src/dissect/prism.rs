//! The Prism monitoring header (LINKTYPE_IEEE802_11_PRISM, 119) as Scapy reads it: a
//! message code and length, the device name, then ten items (host time, MAC time,
//! channel, RSSI, signal quality, signal, noise, rate, whether sent, frame length),
//! each an id, a status, a length and a value, all little-endian; 144 bytes, whatever
//! its `len` says, then the 802.11 frame.

use super::field::{fixed, Field, Format, Spec, Value};
use super::{Kind, Walk};

const HEADER_LENGTH: usize = 144;

/// The header's fields in Scapy's order: the ten items, each id, status, length, value.
const HEADER: [Spec; 43] = [
    Spec::new("msgcode", 0, 4, Format::LeInt),
    Spec::new("len", 4, 4, Format::LeInt),
    Spec::new("dev", 8, 16, Format::Bytes),
    Spec::new("hosttime_did", 24, 4, Format::LeInt),
    Spec::new("hosttime_status", 28, 2, Format::LeInt),
    Spec::new("hosttime_len", 30, 2, Format::LeInt),
    Spec::new("hosttime", 32, 4, Format::LeInt),
    Spec::new("mactime_did", 36, 4, Format::LeInt),
    Spec::new("mactime_status", 40, 2, Format::LeInt),
    Spec::new("mactime_len", 42, 2, Format::LeInt),
    Spec::new("mactime", 44, 4, Format::LeInt),
    Spec::new("channel_did", 48, 4, Format::LeInt),
    Spec::new("channel_status", 52, 2, Format::LeInt),
    Spec::new("channel_len", 54, 2, Format::LeInt),
    Spec::new("channel", 56, 4, Format::LeInt),
    Spec::new("rssi_did", 60, 4, Format::LeInt),
    Spec::new("rssi_status", 64, 2, Format::LeInt),
    Spec::new("rssi_len", 66, 2, Format::LeInt),
    Spec::new("rssi", 68, 4, Format::LeInt),
    Spec::new("sq_did", 72, 4, Format::LeInt),
    Spec::new("sq_status", 76, 2, Format::LeInt),
    Spec::new("sq_len", 78, 2, Format::LeInt),
    Spec::new("sq", 80, 4, Format::LeInt),
    Spec::new("signal_did", 84, 4, Format::LeInt),
    Spec::new("signal_status", 88, 2, Format::LeInt),
    Spec::new("signal_len", 90, 2, Format::LeInt),
    Spec::new("signal", 92, 4, Format::LeInt),
    Spec::new("noise_did", 96, 4, Format::LeInt),
    Spec::new("noise_status", 100, 2, Format::LeInt),
    Spec::new("noise_len", 102, 2, Format::LeInt),
    Spec::new("noise", 104, 4, Format::LeInt),
    Spec::new("rate_did", 108, 4, Format::LeInt),
    Spec::new("rate_status", 112, 2, Format::LeInt),
    Spec::new("rate_len", 114, 2, Format::LeInt),
    Spec::new("rate", 116, 4, Format::LeInt),
    Spec::new("istx_did", 120, 4, Format::LeInt),
    Spec::new("istx_status", 124, 2, Format::LeInt),
    Spec::new("istx_len", 126, 2, Format::LeInt),
    Spec::new("istx", 128, 4, Format::LeInt),
    Spec::new("frmlen_did", 132, 4, Format::LeInt),
    Spec::new("frmlen_status", 136, 2, Format::LeInt),
    Spec::new("frmlen_len", 138, 2, Format::LeInt),
    Spec::new("frmlen", 140, 4, Format::LeInt),
];

/// The Prism header at the frame's start, then the 802.11 frame.
pub(super) fn dissect(walk: &mut Walk, end: usize) {
    if end < HEADER_LENGTH {
        return walk.raw(0, end);
    }
    walk.push(Kind::Prism, 0..HEADER_LENGTH);
    if HEADER_LENGTH < end {
        super::dot11::dissect(walk, HEADER_LENGTH, end, false);
    }
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut fields = fixed(&HEADER, data, at);
    // The signal is Scapy's LESignedIntField.
    if let Some(signal) = fields.iter_mut().find(|f| f.name == "signal") {
        let bytes: [u8; 4] = data[signal.range.clone()].try_into().expect("4 bytes");
        signal.value = Value::Text(i32::from_le_bytes(bytes).to_string());
    }
    fields
}
