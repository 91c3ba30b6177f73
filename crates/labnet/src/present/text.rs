//! Numbers and addresses written straight into a buffer: summary lines, the analysis
//! after them, the report and the conversation table are written once per packet or
//! per conversation of a large capture, and `core::fmt` (std's `Display` for addresses,
//! floats above all) was their largest cost.

use std::net::{IpAddr, Ipv4Addr};

use crate::conversations::Endpoint;

/// Where text is written: bytes or a string.
pub trait Sink {
    fn put(&mut self, text: &str);
    fn zeros(&mut self, count: usize);
}

impl Sink for Vec<u8> {
    fn put(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }
    fn zeros(&mut self, count: usize) {
        self.resize(self.len() + count, b'0');
    }
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
    fn zeros(&mut self, count: usize) {
        self.extend(std::iter::repeat_n('0', count));
    }
}

/// XML-escaped text, for the SVG pictures.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 has no place for other control characters.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// A whole number.
pub fn uint(out: &mut impl Sink, n: u64) {
    out.put(itoa::Buffer::new().format(n));
}

/// `whole.fraction`, the fraction zero-padded to `decimals` digits.
pub fn decimal(out: &mut impl Sink, whole: u64, fraction: u64, decimals: u32) {
    uint(out, whole);
    if decimals > 0 {
        out.put(".");
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(fraction);
        out.zeros(decimals as usize - digits.len());
        out.put(digits);
    }
}

/// `value` with `decimals` digits after the point, rounded (`12.346`); `-` when it is
/// not a finite number.
pub fn fixed(out: &mut impl Sink, value: f64, decimals: u32) {
    if !value.is_finite() || value.abs() >= 9e15 {
        out.put("-");
        return;
    }
    let scale = 10u64.pow(decimals);
    // Half up (the value is not negative here): `f64::round` is a call into libm.
    let scaled = (value.abs() * scale as f64 + 0.5) as u64;
    if value < 0.0 && scaled != 0 {
        out.put("-");
    }
    decimal(out, scaled / scale, scaled % scale, decimals);
}

/// Nanoseconds as seconds with nine decimals, exactly (`0.000051000`).
pub fn seconds(out: &mut impl Sink, nanoseconds: i64) {
    if nanoseconds < 0 {
        out.put("-");
    }
    let n = nanoseconds.unsigned_abs();
    decimal(out, n / 1_000_000_000, n % 1_000_000_000, 9);
}

/// An IPv4 address in dotted decimal, as std's `Display` (which costs most of a
/// summary line).
pub fn ipv4(out: &mut impl Sink, address: Ipv4Addr) {
    for (i, octet) in address.octets().into_iter().enumerate() {
        if i > 0 {
            out.put(".");
        }
        uint(out, u64::from(octet));
    }
}

/// An endpoint as its `Display` writes it (`192.168.56.101:5000`, `[fd00::1]:80`).
pub fn endpoint(out: &mut impl Sink, endpoint: &Endpoint) {
    match endpoint.address {
        IpAddr::V4(address) => {
            ipv4(out, address);
            if let Some(port) = endpoint.port {
                out.put(":");
                uint(out, u64::from(port));
            }
        }
        IpAddr::V6(_) => out.put(&endpoint.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl Fn(&mut Vec<u8>)) -> String {
        let mut bytes = Vec::new();
        f(&mut bytes);
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn numbers_are_written_as_format_would() {
        for (value, decimals) in [
            (12.3456, 3),
            (0.0005, 3),
            (1e-9, 6),
            (-2.5, 1),
            (1000.0, 0),
            (0.1, 2),
        ] {
            assert_eq!(
                text(|o| fixed(o, value, decimals)),
                format!("{value:.*}", decimals as usize),
                "{value} to {decimals}"
            );
        }
        assert_eq!(text(|o| fixed(o, f64::NAN, 3)), "-");
        assert_eq!(text(|o| seconds(o, 51_000)), "0.000051000");
        assert_eq!(
            text(|o| seconds(o, 1_700_000_000_123_456_789)),
            "1700000000.123456789"
        );
        assert_eq!(text(|o| seconds(o, -1_500_000_000)), "-1.500000000");
        assert_eq!(text(|o| uint(o, 0)), "0");
    }

    #[test]
    fn addresses_are_written_as_std_does() {
        for address in ["0.0.0.0", "192.168.56.101", "255.255.255.255", "10.0.100.9"] {
            let mut out = String::new();
            ipv4(&mut out, address.parse().unwrap());
            assert_eq!(out, address);
        }
        for (address, port) in [
            ("192.168.56.101", Some(5000)),
            ("fd00:56::101", Some(80)),
            ("10.0.0.1", None),
        ] {
            let e = Endpoint {
                address: address.parse().unwrap(),
                port,
            };
            let mut out = String::new();
            endpoint(&mut out, &e);
            assert_eq!(out, e.to_string());
        }
    }
}
