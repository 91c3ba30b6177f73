//! The numbers people type on a command line: durations in seconds, whole counts and
//! capture snap lengths, parsed the same way by every tool (clap value parsers).
//!
//! Each parser is strict and bounded: plain decimal digits only (no sign, exponent,
//! `nan` or `inf`), a range stated in the error, and nothing that can overflow a
//! `Duration` or a semaphore further down. A bad value is a usage error (exit 2) that
//! names the accepted range, never a panic and never a silent "forever".

use std::ops::RangeInclusive;
use std::time::Duration;

/// One day, the longest wait most flags accept.
pub const DAY: f64 = 86_400.0;
/// 365 days: the longest capture `--timeout` accepts.
pub const YEAR: f64 = 365.0 * DAY;

/// The largest packet count or index a flag takes: a trillion packets is more than any
/// capture holds, and far from every overflow.
pub const MAX_PACKETS: u64 = 1_000_000_000_000;

/// The largest process id Linux hands out (PID_MAX_LIMIT on 64-bit kernels).
pub const PID_MAX: u64 = 1 << 22;

/// A parser of seconds (`2`, `0.5`, `.25`) within `range`, as a clap value parser.
pub fn seconds(
    range: RangeInclusive<f64>,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    move |text: &str| parse_seconds(text, &range)
}

fn parse_seconds(text: &str, range: &RangeInclusive<f64>) -> Result<Duration, String> {
    let expected = || {
        format!(
            "expected a number of seconds from {} to {} (e.g. 2 or 0.5)",
            show(*range.start()),
            show(*range.end())
        )
    };
    let digits = text.trim();
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !digits.is_empty()
        && digits != "."
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit());
    // At most 12 digits before the point: anything longer is out of every range, and
    // f64 parsing of a megabyte of digits is not worth doing.
    if !plain || whole.len() > 12 {
        return Err(expected());
    }
    let value: f64 = digits.parse().map_err(|_| expected())?;
    if !range.contains(&value) {
        return Err(expected());
    }
    Duration::try_from_secs_f64(value).map_err(|_| expected())
}

/// `86400` rather than `86400.0`, `0.1` as is.
fn show(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

/// A parser of whole numbers within `range`, as a clap value parser for any unsigned
/// field type that holds the range.
pub fn whole<T>(
    range: RangeInclusive<u64>,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<u64>,
{
    move |text: &str| {
        let expected = || {
            format!(
                "expected a whole number from {} to {}",
                range.start(),
                range.end()
            )
        };
        let digits = text.trim();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(expected());
        }
        let value: u64 = digits.parse().map_err(|_| expected())?;
        if !range.contains(&value) {
            return Err(expected());
        }
        T::try_from(value).map_err(|_| expected())
    }
}

/// tcpdump's `-C`: a file size in millions of bytes, or with a suffix `k`, `m`, `g`
/// in KiB, MiB, GiB (1 to 1,000,000,000 units); in bytes.
pub fn file_size(text: &str) -> Result<u64, String> {
    let expected =
        || "expected a size such as 10 (millions of bytes), 512k, 100m or 2g".to_string();
    let text = text.trim();
    if text.contains(char::is_whitespace) {
        return Err(expected());
    }
    let (digits, unit) = match text.char_indices().last() {
        Some((at, 'k' | 'K')) => (&text[..at], 1 << 10),
        Some((at, 'm' | 'M')) => (&text[..at], 1 << 20),
        Some((at, 'g' | 'G')) => (&text[..at], 1 << 30),
        _ => (text, 1_000_000),
    };
    let count: u64 = whole::<u64>(1..=1_000_000_000)(digits).map_err(|_| expected())?;
    count.checked_mul(unit).ok_or_else(expected)
}

/// tcpdump's `-s`: bytes kept of each packet, 0 meaning the largest (`maximum`), as
/// tcpdump and the tutorials that write `-s 0` mean it.
pub fn snaplen(maximum: u32) -> impl Fn(&str) -> Result<u32, String> + Clone + Send + Sync {
    move |text: &str| {
        let value = whole::<u32>(0..=u64::from(maximum))(text).map_err(|_| {
            format!("expected 0 to {maximum} bytes (0 means {maximum}, as tcpdump)")
        })?;
        Ok(if value == 0 { maximum } else { value })
    }
}

/// A decimal number (`12`, `0.5`, `.25`) followed by one of `units` (name and how many
/// of the base unit it is), within `range` of the base unit. `unitless`: a bare number
/// counts as the first unit.
fn with_unit(
    text: &str,
    units: &[(&str, f64)],
    unitless: bool,
    range: &RangeInclusive<f64>,
) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = !digits.is_empty()
        && digits != "."
        && !fraction.contains('.')
        && whole.len() <= 12
        && fraction.len() <= 12;
    if !plain {
        return None;
    }
    let scale = match unit {
        "" if unitless => units[0].1,
        "" => return None,
        unit => units.iter().find(|(name, _)| *name == unit)?.1,
    };
    let value = digits.parse::<f64>().ok()? * scale;
    range.contains(&value).then_some(value)
}

/// A delay typed with its unit: `50ms`, `200us`, `1.5s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Delay(pub Duration);

/// A delay up to `max_seconds`, with a unit (`us`, `ms` or `s`: a bare number would be
/// milliseconds to some and microseconds to tc).
pub fn delay(
    max_seconds: f64,
) -> impl Fn(&str) -> Result<Delay, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let units = [("ms", 1e-3), ("us", 1e-6), ("s", 1.0)];
        with_unit(text, &units, false, &(0.0..=max_seconds))
            .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
            .map(Delay)
            .ok_or_else(|| {
                format!(
                    "expected a delay with its unit, from 0 to {}s (e.g. 50ms, 200us, 1.5s)",
                    show(max_seconds)
                )
            })
    }
}

/// A probability typed as a percentage: `2%`, `0.1%`, or `2`.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Percent(pub f64);

impl Percent {
    /// The probability, 0 to 1.
    pub fn fraction(self) -> f64 {
        self.0 / 100.0
    }
}

/// A percentage from 0 to 100.
pub fn percent(text: &str) -> Result<Percent, String> {
    with_unit(text, &[("%", 1.0)], true, &(0.0..=100.0))
        .map(Percent)
        .ok_or_else(|| "expected a percentage from 0 to 100 (e.g. 2% or 0.1%)".into())
}

/// A link rate typed as tc writes one: `1mbit`, `500kbit`, `1gbit`, `64000bit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate(pub u64);

/// The slowest and fastest rates a lab link takes: 8 kbit/s to 100 Gbit/s.
const RATES: RangeInclusive<f64> = 8_000.0..=100e9;

/// A rate in bits a second, with its unit (bytes-a-second units such as tc's `kbps`
/// are refused: they are the classic mistake); `0` is no limit.
pub fn rate(text: &str) -> Result<Rate, String> {
    if text.trim() == "0" {
        return Ok(Rate(0));
    }
    let units = [("bit", 1.0), ("kbit", 1e3), ("mbit", 1e6), ("gbit", 1e9)];
    with_unit(&text.to_ascii_lowercase(), &units, false, &RATES)
        .map(|bits| Rate(bits.round() as u64))
        .ok_or_else(|| {
            "expected a rate in bits a second with its unit, from 8kbit to 100gbit (e.g. 1mbit, 500kbit), or 0 for no limit".into()
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_sizes_are_millions_of_bytes_or_binary_units() {
        assert_eq!(file_size("10"), Ok(10_000_000));
        assert_eq!(file_size("512k"), Ok(512 * 1024));
        assert_eq!(file_size("2G"), Ok(2 << 30));
        for bad in [
            "0",
            "",
            "k",
            "1.5",
            "-1",
            "1e6",
            "10 m",
            "10t",
            "1000000001",
        ] {
            assert!(file_size(bad).is_err(), "{bad}");
        }
    }

    use super::*;

    #[test]
    fn seconds_accept_plain_decimals_in_range() {
        let parse = seconds(0.0..=DAY);
        assert_eq!(parse("2"), Ok(Duration::from_secs(2)));
        assert_eq!(parse("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(parse(".25"), Ok(Duration::from_millis(250)));
        assert_eq!(parse("3."), Ok(Duration::from_secs(3)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse("86400"), Ok(Duration::from_secs(86_400)));
    }

    #[test]
    fn seconds_refuse_what_would_mean_forever_or_panic() {
        let parse = seconds(0.0..=YEAR);
        for bad in [
            "",
            " ",
            ".",
            "-1",
            "-0",
            "+1",
            "1e20",
            "1e3",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "infinity",
            "0x10",
            "1..2",
            "1,5",
            "31536001",
            "99999999999999999999",
            "1 2",
            "٣",
        ] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("from 0 to 31536000"), "{bad:?}: {err}");
        }
    }

    #[test]
    fn whole_numbers_are_bounded_and_fit_their_type() {
        let parse = whole::<usize>(1..=1_000_000);
        assert_eq!(parse("1024"), Ok(1024));
        for bad in [
            "0",
            "1000001",
            "2305843009213693952",
            "18446744073709551616",
            "-1",
            "1.0",
            "",
        ] {
            assert_eq!(
                parse(bad),
                Err("expected a whole number from 1 to 1000000".into()),
                "{bad:?}"
            );
        }
        let byte = whole::<u8>(0..=300);
        assert!(byte("300").is_err(), "the type's bound holds too");
    }

    proptest::proptest! {
        /// Whatever is typed, every parser answers a value or an error: never a panic.
        #[test]
        fn no_text_makes_a_parser_panic(text in "\\PC*|[0-9.eE+-]{0,40}") {
            let _ = seconds(0.0..=YEAR)(&text);
            let _ = seconds(0.001..=DAY)(&text);
            let _ = whole::<u8>(0..=8)(&text);
            let _ = whole::<usize>(1..=1_000_000)(&text);
            let _ = whole::<u64>(0..=u64::MAX)(&text);
            let _ = snaplen(262_144)(&text);
            let _ = delay(60.0)(&text);
            let _ = percent(&text);
            let _ = rate(&text);
        }

        /// Every number inside the range comes back as itself.
        #[test]
        fn numbers_in_range_round_trip(millis in 0u64..=86_400_000, count in 0u64..=u64::MAX) {
            let text = format!("{}.{:03}", millis / 1000, millis % 1000);
            let parsed = seconds(0.0..=DAY)(&text).unwrap();
            proptest::prop_assert!((parsed.as_secs_f64() - millis as f64 / 1000.0).abs() < 1e-9);
            proptest::prop_assert_eq!(whole::<u64>(0..=u64::MAX)(&count.to_string()), Ok(count));
        }
    }

    #[test]
    fn delays_percentages_and_rates_take_their_units() {
        let parse = delay(60.0);
        assert_eq!(parse("50ms"), Ok(Delay(Duration::from_millis(50))));
        assert_eq!(parse("200us"), Ok(Delay(Duration::from_micros(200))));
        assert_eq!(parse("1.5s"), Ok(Delay(Duration::from_millis(1500))));
        assert_eq!(parse("0ms"), Ok(Delay(Duration::ZERO)));
        for bad in [
            "50", "-5ms", "5 ms", "1e3ms", "nanms", "61s", "5m", "5ms5", "..ms", "1.2.3s",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(percent("2%"), Ok(Percent(2.0)));
        assert_eq!(percent("0.1%").unwrap().fraction(), 0.001);
        assert_eq!(percent("10"), Ok(Percent(10.0)));
        for bad in ["101%", "-1%", "%", "1e2%", "5s", "50%%"] {
            assert!(percent(bad).is_err(), "{bad:?}");
        }
        assert_eq!(rate("1mbit"), Ok(Rate(1_000_000)));
        assert_eq!(rate("500kbit"), Ok(Rate(500_000)));
        assert_eq!(rate("1.5Gbit"), Ok(Rate(1_500_000_000)));
        assert_eq!(rate("0"), Ok(Rate(0)), "no limit");
        for bad in ["1mbps", "100", "1kbit", "1tbit", "mbit", "-1mbit"] {
            assert!(rate(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn snaplen_zero_means_the_maximum_as_in_tcpdump() {
        let parse = snaplen(262_144);
        assert_eq!(parse("0"), Ok(262_144));
        assert_eq!(parse("96"), Ok(96));
        assert_eq!(parse("262144"), Ok(262_144));
        assert!(parse("262145").unwrap_err().contains("0 means 262144"));
        assert!(parse("-1").is_err());
    }
}
