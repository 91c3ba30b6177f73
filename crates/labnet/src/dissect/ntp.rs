//! NTP (UDP port 123, as Scapy binds it): the RFC 5905 header as Scapy's `NTPHeader`
//! shows it (its fixed-point numbers as Scapy's `FixedPointField` prints them, its
//! timestamps as dates from 1900 on), and the authenticator or extension fields after
//! it; modes 6 and 7 (ntpq's control and ntpdc's private messages) in Scapy's classes
//! for them ([`control`], [`private`]).
//!
//! The number printing is hand-written because it is Python's `decimal` module's:
//! the fraction rounded (half to even) to 28 digits, then to as many digits as the
//! fraction's bits give whole decimal digits, trailing zeros dropped, then added to
//! the integer part, and printed as `str(Decimal)` prints (`0.00001526`,
//! `2.32830644E-10`).

use std::net::Ipv4Addr;
use std::ops::Range;

use super::field::{field, fixed, hex, python_bytes, trim_nuls, Field, Format, Group, Spec};
use super::{Kind, Value, Walk};

mod control;
mod private;

const LEAP: Spec = Spec::bits("leap", 0, 1, 0xc0, Format::Enum(leap));
const VERSION: Spec = Spec::bits("version", 0, 1, 0x38, Format::Int);
const MODE: Spec = Spec::bits("mode", 0, 1, 0x07, Format::Enum(mode));
const STRATUM: Spec = Spec::new("stratum", 1, 1, Format::Int);
const HEAD: [Spec; 4] = [LEAP, VERSION, MODE, STRATUM];
/// The shortest message Scapy reads as NTP at all (ntpd's private messages).
const MIN_MESSAGE: usize = 8;
const HEADER: usize = 48;
/// Seconds from 1900-01-01 (NTP's era) to 1970-01-01.
const NTP_TO_UNIX: u64 = 2_208_988_800;
/// Digest lengths Scapy recognises after a key id (MD5, SHA-1, SHA-256, -384, -512).
const DIGESTS: [usize; 5] = [16, 20, 32, 48, 64];
const KEY_ID: Spec = Spec::new("key_id", 0, 4, Format::Int);

fn leap(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "no warning",
        1 => "last minute of the day has 61 seconds",
        2 => "last minute of the day has 59 seconds",
        3 => "unknown (clock unsynchronized)",
        _ => return None,
    })
}

fn mode(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "reserved",
        1 => "symmetric active",
        2 => "symmetric passive",
        3 => "client",
        4 => "server",
        5 => "broadcast",
        6 => "NTP control message",
        7 => "reserved for private use",
        _ => return None,
    })
}

/// The reference identifiers of stratum 0 and 1 servers (RFC 5905, 7.3).
fn reference(id: &[u8]) -> Option<&'static str> {
    Some(match id {
        b"GOES" => "Geosynchronous Orbit Environment Satellite",
        b"GPS " => "Global Position System",
        b"GAL " => "Galileo Positioning System",
        b"PPS " => "Generic pulse-per-second",
        b"IRIG" => "Inter-Range Instrumentation Group",
        b"WWVB" => "LF Radio WWVB Ft. Collins, CO 60 kHz",
        b"DCF " => "LF Radio DCF77 Mainflingen, DE 77.5 kHz",
        b"HBG " => "LF Radio HBG Prangins, HB 75 kHz",
        b"MSF " => "LF Radio MSF Anthorn, UK 60 kHz",
        b"JJY " => "LF Radio JJY Fukushima, JP 40 kHz, Saga, JP 60 kHz",
        b"LORC" => "MF Radio LORAN C station, 100 kHz",
        b"TDF " => "MF Radio Allouis, FR 162 kHz",
        b"CHU " => "HF Radio CHU Ottawa, Ontario",
        b"WWV " => "HF Radio WWV Ft. Collins, CO",
        b"WWVH" => "HF Radio WWVH Kauai, HI",
        b"NIST" | b"ACTS" => "NIST telephone modem",
        b"USNO" => "USNO telephone modem",
        b"PTB " => "European telephone modem",
        _ => return None,
    })
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let length = end - at;
    // Scapy's _ntp_dispatcher: short messages are Raw, modes 6 and 7 other classes.
    if length < MIN_MESSAGE {
        return walk.raw(at, end);
    }
    let (version, mode) = (VERSION.get(data, at) as u8, MODE.get(data, at) as u8);
    let layer = match mode {
        6 => control::fields(data, at..end).map(|_| end),
        7 => private::fields(data, at..end).map(|(_, layer_end)| layer_end),
        _ => (length >= HEADER).then_some(at + HEADER),
    };
    let Some(layer_end) = layer else {
        return walk.raw(at, end);
    };
    walk.push(Kind::Ntp { version, mode, end }, at..layer_end);
    if mode >= 6 {
        return walk.raw(layer_end, end);
    }
    let tail = at + HEADER;
    // NTPHeader.guess_payload_class: a key id and a digest of a known length, else
    // extension fields when more than an MD5 authenticator follows.
    if end - tail >= 4 && DIGESTS.contains(&(end - tail - 4)) {
        walk.push(Kind::NtpAuthenticator, tail..end);
    } else if end - tail > MD5_TAIL {
        walk.push(Kind::NtpExtensions, tail..end);
    } else {
        walk.raw(tail, end);
    }
}

/// Scapy's `_NTP_AUTH_MD5_TAIL_SIZE`: NTPExtensions takes the last 20 bytes for the
/// authenticator, whatever they are.
const MD5_TAIL: usize = 20;

/// Scapy's NTPExtensions: extension fields (type, length, the value as a bare Packet
/// holding Raw) in all but the last 20 bytes, each `len` bytes long (at least 1, at most
/// what is left) while 16 or more bytes are left, shorter ones Raw; then the last 20
/// bytes as the authenticator (`mac`).
pub(super) fn extensions_fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let list_end = range.end - MD5_TAIL;
    let mut groups = Vec::new();
    let mut at = range.start;
    while list_end - at >= 16 {
        let declared = usize::from(u16::from_be_bytes([data[at + 2], data[at + 3]]));
        let length = match declared.min(list_end - at) {
            0 => list_end - at,
            length => length,
        };
        groups.push(extension(data, at..at + length));
        at += length;
    }
    if at < list_end {
        groups.push(Group::raw(data, at..list_end));
    }
    let mac = list_end..range.end;
    let authenticator = Group::new(
        "Authenticator",
        mac.clone(),
        authenticator_fields(data, mac.clone()),
    );
    vec![
        field("extensions", range.start..list_end, Value::Packets(groups)),
        field("mac", mac, Value::Packets(vec![authenticator])),
    ]
}

/// One extension field (16 bytes or more; shorter ones are Raw).
fn extension(data: &[u8], range: Range<usize>) -> Group {
    if range.len() < 16 {
        return Group::raw(data, range);
    }
    let value = range.start + 4..range.end;
    let mut raw = Group::raw(data, value.clone());
    raw.depth = 1;
    let bare = Group::new("Packet", value.start..value.start, Vec::new());
    let mut fields = fixed(
        &[
            Spec::new("type", 0, 2, Format::Int),
            Spec::new("len", 2, 2, Format::Int),
        ],
        data,
        range.start,
    );
    fields.push(field("value", value, Value::Packets(vec![bare, raw])));
    Group::new("extension", range, fields)
}

/// The summary's mode: its name, or the number.
pub fn mode_text(number: u8) -> String {
    mode(u64::from(number)).map_or_else(|| number.to_string(), str::to_string)
}

/// Scapy's class for a message of `mode`, and the name `show()` gives it.
pub(super) fn names(mode: u8) -> (&'static str, &'static str) {
    match mode {
        6 => ("NTPControl", "NTP Control message"),
        7 => ("NTPPrivate", "Private (mode 7)"),
        _ => ("NTPHeader", "NTPHeader"),
    }
}

/// The fields of the message (of `mode`) at the start of `range`, the rest of the
/// datagram.
pub(super) fn fields(data: &[u8], range: Range<usize>, mode: u8) -> Vec<Field> {
    match mode {
        6 => control::fields(data, range).unwrap_or_default(),
        7 => private::fields(data, range).map_or_else(Vec::new, |(fields, _)| fields),
        _ => header_fields(data, range.start),
    }
}

fn header_fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&HEAD, data, at);
    for (name, offset) in [("poll", 2), ("precision", 3)] {
        let value = i64::from(data[at + offset] as i8);
        out.push(field(
            name,
            at + offset..at + offset + 1,
            Value::Text(value.to_string()),
        ));
    }
    for (name, offset) in [("delay", 4), ("dispersion", 8)] {
        let raw = u64::from(u32::from_be_bytes(word(data, at + offset)));
        let text = fixed_point(raw, 16).text();
        out.push(field(name, at + offset..at + offset + 4, Value::Text(text)));
    }
    let id = at + 12..at + 16;
    if STRATUM.get(data, at) > 1 {
        out.push(field(
            "id",
            id,
            Value::Ipv4(Ipv4Addr::from(word(data, at + 12))),
        ));
    } else {
        let bytes = &data[id.clone()];
        let shown = python_bytes(trim_nuls(bytes));
        let text = match reference(bytes).or_else(|| reference(trim_nuls(bytes))) {
            Some(name) => format!("{shown} ({name})"),
            None => shown,
        };
        out.push(field("ref_id", id, Value::Text(text)));
    }
    for (name, offset) in [("ref", 16), ("orig", 24), ("recv", 32), ("sent", 40)] {
        let bytes: [u8; 8] = data[at + offset..at + offset + 8]
            .try_into()
            .expect("the header is whole");
        let text = timestamp(u64::from_be_bytes(bytes));
        out.push(field(name, at + offset..at + offset + 8, Value::Text(text)));
    }
    out
}

pub(super) fn authenticator_fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let mut out = fixed(&[KEY_ID], data, range.start);
    let digest = range.start + 4..range.end;
    let text = hex(&data[digest.clone()]);
    out.push(field("dgst", digest, Value::Text(text)));
    out
}

fn word(data: &[u8], at: usize) -> [u8; 4] {
    data[at..at + 4].try_into().expect("the header is whole")
}

/// Scapy's TimeStampField: a date (UTC) from NTP's era on, else the number.
fn timestamp(raw: u64) -> String {
    let value = fixed_point(raw, 32);
    if value.integer < NTP_TO_UNIX {
        return value.text();
    }
    // `int(val - BASETIME)`: the whole seconds, the rounded fraction included.
    let seconds = value.integer + u64::from(value.whole_fraction()) - NTP_TO_UNIX;
    date(seconds)
}

/// `time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(seconds))`.
fn date(seconds: u64) -> String {
    format!("{} +0000", super::field::utc_date(seconds as i64))
}

/// A fixed-point number as Scapy's FixedPointField makes it: the integer part and the
/// fraction as a decimal (`coefficient` x 10^`exponent`), rounded as Python's decimal
/// rounds it.
struct FixedPoint {
    integer: u64,
    coefficient: u128,
    exponent: i32,
}

/// `int_part + (EDecimal(frac) / 2.0**bits).normalize(int(log10(2**bits)))`.
fn fixed_point(raw: u64, bits: u32) -> FixedPoint {
    let integer = raw >> bits;
    let fraction = raw & ((1u64 << bits) - 1);
    // frac / 2^bits = frac * 5^bits / 10^bits, exactly.
    let (mut coefficient, mut exponent) = (u128::from(fraction) * 5u128.pow(bits), -(bits as i32));
    // The division's context keeps 28 digits; normalize() then keeps
    // floor(bits * log10(2)) of them and drops trailing zeros.
    let digits = (f64::from(bits) * std::f64::consts::LOG10_2).floor() as u32;
    for keep in [28, digits] {
        (coefficient, exponent) = round_half_even(coefficient, exponent, keep);
    }
    while coefficient != 0 && coefficient % 10 == 0 {
        coefficient /= 10;
        exponent += 1;
    }
    if coefficient == 0 {
        exponent = 0;
    }
    FixedPoint {
        integer,
        coefficient,
        exponent,
    }
}

/// `coefficient` x 10^`exponent` rounded to `keep` significant digits, half to even.
fn round_half_even(coefficient: u128, exponent: i32, keep: u32) -> (u128, i32) {
    let digits = decimal_digits(coefficient);
    if digits <= keep {
        return (coefficient, exponent);
    }
    let drop = digits - keep;
    let unit = 10u128.pow(drop);
    let (mut kept, rest) = (coefficient / unit, coefficient % unit);
    let half = unit / 2;
    if rest > half || (rest == half && kept % 2 == 1) {
        kept += 1;
    }
    (kept, exponent + drop as i32)
}

fn decimal_digits(n: u128) -> u32 {
    if n == 0 {
        1
    } else {
        n.ilog10() + 1
    }
}

impl FixedPoint {
    /// 1 when the fraction rounded up to a whole unit, else 0.
    fn whole_fraction(&self) -> u8 {
        u8::from(self.exponent >= 0 && self.coefficient != 0)
    }

    /// `str()` of `int_part + fraction` as Python's decimal prints it.
    fn text(&self) -> String {
        // The sum's exponent is the smaller one; the integer part counts at 10^0.
        let exponent = self.exponent.min(0);
        let scale = 10u128.pow(exponent.unsigned_abs());
        let fraction_scaled = self.coefficient * 10u128.pow((self.exponent - exponent) as u32);
        let coefficient = u128::from(self.integer) * scale + fraction_scaled;
        decimal_text(coefficient, exponent)
    }
}

/// Python's `str(Decimal)` for a coefficient and an exponent (no sign, exponent <= 0).
fn decimal_text(coefficient: u128, exponent: i32) -> String {
    let digits = coefficient.to_string();
    let adjusted = exponent + digits.len() as i32 - 1;
    if exponent == 0 {
        return digits;
    }
    if adjusted >= -6 {
        let point = digits.len() as i32 + exponent;
        return if point > 0 {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        } else {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        };
    }
    let (first, rest) = digits.split_at(1);
    let mantissa = if rest.is_empty() {
        first.to_string()
    } else {
        format!("{first}.{rest}")
    };
    format!("{mantissa}E{adjusted}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_numbers_print_as_python_decimal_prints_them() {
        // Each beside what Scapy 2.8.0's FixedPointField.i2repr printed for it.
        for (raw, bits, expected) in [
            (0, 16, "0"),
            (0x0001_0000, 16, "1"),
            (0x0000_8000, 16, "0.5"),
            (0x0000_0001, 16, "0.00001526"),
            (0x0003_4000, 16, "3.25"),
            (1, 32, "2.32830644E-10"),
            ((1 << 32) | 1, 32, "1.000000000232830644"),
            (0xffff_ffff, 32, "1"),
            (0x1999_999a, 32, "0.1"),
        ] {
            assert_eq!(fixed_point(raw, bits).text(), expected, "{raw:#x}/{bits}");
        }
    }

    #[test]
    fn timestamps_from_1900_on_are_dates() {
        // 2023-11-14 22:13:20 UTC is 1700000000 after 1970.
        let seconds = (1_700_000_000 + NTP_TO_UNIX) << 32;
        assert_eq!(timestamp(seconds), "Tue, 14 Nov 2023 22:13:20 +0000");
        assert_eq!(timestamp(0), "0");
        assert_eq!(date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
        assert_eq!(date(951_782_400), "Tue, 29 Feb 2000 00:00:00 +0000");
    }
}
