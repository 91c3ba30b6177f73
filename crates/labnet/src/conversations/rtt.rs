//! RTT estimation as RFC 6298 specifies it (and Kurose and Ross teach it): each
//! SampleRTT updates the smoothed RTT (EstimatedRTT, alpha = 1/8) and its deviation
//! (DevRTT, beta = 1/4); the retransmission timeout is EstimatedRTT + 4 DevRTT, at
//! least one second (RFC 6298 2.4).

/// The gains of RFC 6298 2.3.
pub const ALPHA: f64 = 1.0 / 8.0;
pub const BETA: f64 = 1.0 / 4.0;
/// RFC 6298 2.4: "if it is less than 1 second, then the RTO SHOULD be rounded up".
pub const MIN_RTO: f64 = 1.0;
/// At most this many SampleRTTs are kept for the report; the estimator sees them all.
pub const KEPT_SAMPLES: usize = 10_000;

/// The estimator's state over the samples of one sender. Times in seconds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Estimator {
    /// The first [`KEPT_SAMPLES`] SampleRTTs, in nanoseconds, in the order measured.
    pub samples: Vec<i64>,
    /// How many samples there were in all.
    pub count: u64,
    pub estimated: f64,
    pub deviation: f64,
    pub min: f64,
    pub max: f64,
}

impl Estimator {
    /// Feeds one SampleRTT (nanoseconds): the first sets EstimatedRTT = R and DevRTT =
    /// R/2 (RFC 6298 2.2); later ones update DevRTT with the old EstimatedRTT, then
    /// EstimatedRTT (RFC 6298 2.3's order).
    pub fn sample(&mut self, nanoseconds: i64) {
        let r = nanoseconds as f64 / 1e9;
        if self.count == 0 {
            self.estimated = r;
            self.deviation = r / 2.0;
            self.min = r;
            self.max = r;
        } else {
            self.deviation = (1.0 - BETA) * self.deviation + BETA * (self.estimated - r).abs();
            self.estimated = (1.0 - ALPHA) * self.estimated + ALPHA * r;
            self.min = self.min.min(r);
            self.max = self.max.max(r);
        }
        self.count += 1;
        if self.samples.len() < KEPT_SAMPLES {
            self.samples.push(nanoseconds);
        }
    }

    /// EstimatedRTT + 4 DevRTT, in seconds, before RFC 6298's one-second floor.
    pub fn timeout(&self) -> f64 {
        self.estimated + 4.0 * self.deviation
    }

    /// The RTO RFC 6298 would set: the timeout, at least one second.
    pub fn rto(&self) -> f64 {
        self.timeout().max(MIN_RTO)
    }
}

/// The formulas, as `--explain` prints them once.
pub const EXPLANATION: &str = "\
How the RTT figures are computed (RFC 6298; Kurose & Ross, \"Computer Networking\", 3.5.3):
  SampleRTT     time from a segment to the ACK that acknowledges it exactly; never for
                a segment that was sent more than once (Karn's rule: the ACK could be
                for either copy)
  first sample  EstimatedRTT = SampleRTT, DevRTT = SampleRTT / 2
  each next     DevRTT       = (1 - beta) * DevRTT + beta * |SampleRTT - EstimatedRTT|
                EstimatedRTT = (1 - alpha) * EstimatedRTT + alpha * SampleRTT
                (alpha = 1/8, beta = 1/4; DevRTT first, with the old EstimatedRTT)
  timeout       TimeoutInterval = EstimatedRTT + 4 * DevRTT
                RTO = max(TimeoutInterval, 1 s) (RFC 6298 2.4; Linux floors it at 200 ms)
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_sample_sets_both_and_later_ones_smooth() {
        let mut e = Estimator::default();
        e.sample(100_000_000); // 100 ms
        assert_eq!((e.estimated, e.deviation), (0.1, 0.05));
        assert!((e.timeout() - 0.3).abs() < 1e-12);
        assert_eq!(e.rto(), 1.0);
        e.sample(200_000_000);
        // DevRTT = 3/4 * 0.05 + 1/4 * |0.1 - 0.2| = 0.0625 (with the old estimate),
        // EstimatedRTT = 7/8 * 0.1 + 1/8 * 0.2 = 0.1125
        assert!((e.deviation - 0.0625).abs() < 1e-12);
        assert!((e.estimated - 0.1125).abs() < 1e-12);
        assert_eq!((e.min, e.max, e.count), (0.1, 0.2, 2));
        assert_eq!(e.samples, vec![100_000_000, 200_000_000]);
    }

    #[test]
    fn a_steady_rtt_converges_and_its_deviation_fades() {
        let mut e = Estimator::default();
        for _ in 0..200 {
            e.sample(30_000_000);
        }
        assert!((e.estimated - 0.03).abs() < 1e-9);
        assert!(e.deviation < 1e-9);
        assert!(e.rto() >= MIN_RTO);
    }

    #[test]
    fn only_the_first_samples_are_kept_but_all_are_counted() {
        let mut e = Estimator::default();
        for i in 0..(KEPT_SAMPLES as i64 + 5) {
            e.sample(i + 1);
        }
        assert_eq!(e.samples.len(), KEPT_SAMPLES);
        assert_eq!(e.count, KEPT_SAMPLES as u64 + 5);
    }
}
