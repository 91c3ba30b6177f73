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

#[cfg(test)]
mod tests {
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
    fn snaplen_zero_means_the_maximum_as_in_tcpdump() {
        let parse = snaplen(262_144);
        assert_eq!(parse("0"), Ok(262_144));
        assert_eq!(parse("96"), Ok(96));
        assert_eq!(parse("262144"), Ok(262_144));
        assert!(parse("262145").unwrap_err().contains("0 means 262144"));
        assert!(parse("-1").is_err());
    }
}
