//! What an impaired link does to each frame: a seeded, reproducible model in the manner
//! of netem. Each direction has its own settings and its own random stream, so the same
//! seed and the same frames give the same losses, copies and delays on every run.
//!
//! - delay, with jitter drawn uniformly in ±jitter (a jitter wider than the gap between
//!   frames reorders them, as in netem);
//! - loss, duplicate, corrupt: independent chances per frame (a corrupted frame gets
//!   one bit flipped after its Ethernet header, its checksums made first, so the
//!   receiver sees a bad checksum, as netem does);
//! - reorder: with a delay, a reordered frame skips the delay and overtakes the ones
//!   queued (netem's meaning); without one, it is held back until the next frame of its
//!   direction has gone (or 10 ms);
//! - rate: a bottleneck of that many bits a second with a FIFO of at most one second of
//!   data (tail drop), its serialization time before the delay.

use serde::{Deserialize, Serialize};

/// One direction's settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Impairment {
    /// Nanoseconds.
    pub delay: u64,
    /// Nanoseconds each way around the delay.
    pub jitter: u64,
    /// Probabilities, 0 to 1.
    pub loss: f64,
    pub reorder: f64,
    pub duplicate: f64,
    pub corrupt: f64,
    /// Bits a second; 0: no limit.
    pub rate: u64,
}

impl Impairment {
    /// Whether it changes anything at all.
    pub fn is_none(&self) -> bool {
        *self == Impairment::default()
    }

    /// The settings as `lab-hosts link show` and the log write them.
    pub fn describe(&self) -> String {
        if self.is_none() {
            return "no impairment".into();
        }
        let mut parts = Vec::new();
        let time = |ns: u64| {
            if ns % 1_000_000 == 0 {
                format!("{}ms", ns / 1_000_000)
            } else {
                format!("{}us", ns / 1000)
            }
        };
        if self.delay > 0 {
            parts.push(format!("delay {}", time(self.delay)));
        }
        if self.jitter > 0 {
            parts.push(format!("jitter {}", time(self.jitter)));
        }
        for (name, value) in [
            ("loss", self.loss),
            ("reorder", self.reorder),
            ("duplicate", self.duplicate),
            ("corrupt", self.corrupt),
        ] {
            if value > 0.0 {
                parts.push(format!("{name} {}%", value * 100.0));
            }
        }
        if self.rate > 0 {
            parts.push(format!("rate {}", describe_rate(self.rate)));
        }
        parts.join(", ")
    }
}

/// A change to a direction's settings, as typed: only the settings named change
/// (`lab-hosts link set --loss 5%` keeps the delay); `clear` starts from none.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Change {
    pub clear: bool,
    pub delay: Option<u64>,
    pub jitter: Option<u64>,
    pub loss: Option<f64>,
    pub reorder: Option<f64>,
    pub duplicate: Option<f64>,
    pub corrupt: Option<f64>,
    pub rate: Option<u64>,
}

impl Change {
    /// Whether it names no setting at all.
    pub fn is_empty(&self) -> bool {
        *self == Change::default()
    }

    pub fn apply(&self, to: &mut Impairment) {
        if self.clear {
            *to = Impairment::default();
        }
        let Change {
            clear: _,
            delay,
            jitter,
            loss,
            reorder,
            duplicate,
            corrupt,
            rate,
        } = *self;
        to.delay = delay.unwrap_or(to.delay);
        to.jitter = jitter.unwrap_or(to.jitter);
        to.loss = loss.unwrap_or(to.loss);
        to.reorder = reorder.unwrap_or(to.reorder);
        to.duplicate = duplicate.unwrap_or(to.duplicate);
        to.corrupt = corrupt.unwrap_or(to.corrupt);
        to.rate = rate.unwrap_or(to.rate);
    }
}

/// `1mbit`, `500kbit`, `64000bit`.
pub fn describe_rate(bits: u64) -> String {
    for (unit, size) in [("gbit", 1_000_000_000), ("mbit", 1_000_000), ("kbit", 1000)] {
        if bits % size == 0 {
            return format!("{}{unit}", bits / size);
        }
    }
    format!("{bits}bit")
}

/// How long a held frame waits for the next one, at most.
pub const HOLD: i64 = 10_000_000;
/// The rate limiter's queue holds at most this much time of data.
pub const QUEUE: i64 = 1_000_000_000;

/// What happens to one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Lost.
    Lost,
    /// The bottleneck's queue is full.
    Overflow,
    /// Sent at `at` (nanoseconds, the wire's clock); `reordered`: it skipped the delay
    /// or is held; `hold`: sent after the next frame of its direction instead (or at
    /// `at` at the latest).
    Sent {
        at: i64,
        copies: u8,
        corrupt: Option<u32>,
        reordered: bool,
        hold: bool,
    },
}

/// splitmix64: a small, well-mixed generator; one per direction.
#[derive(Debug, Clone)]
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// One direction of the link.
#[derive(Debug, Clone)]
pub struct Model {
    pub impairment: Impairment,
    random: Random,
    /// When the bottleneck is free again.
    free_at: i64,
}

impl Model {
    /// `seed` and `direction` pick the random stream.
    pub fn new(impairment: Impairment, seed: u64, direction: u64) -> Model {
        Model {
            impairment,
            random: Random(seed ^ direction.wrapping_mul(0xa076_1d64_78bd_642f)),
            free_at: 0,
        }
    }

    /// The fate of a frame of `length` bytes arriving at `now`. Every frame draws the
    /// same numbers whatever the settings, so changing one setting does not reshuffle
    /// the others' choices.
    pub fn decide(&mut self, now: i64, length: usize) -> Fate {
        let i = self.impairment;
        let (lose, copy, corrupt, reorder, jitter, bit) = (
            self.random.unit(),
            self.random.unit(),
            self.random.unit(),
            self.random.unit(),
            self.random.unit(),
            self.random.next(),
        );
        if lose < i.loss {
            return Fate::Lost;
        }
        let mut at = now;
        if i.rate > 0 {
            let serialization = (length as u128 * 8 * 1_000_000_000 / u128::from(i.rate)) as i64;
            let start = self.free_at.max(now);
            if start - now > QUEUE {
                return Fate::Overflow;
            }
            self.free_at = start + serialization;
            at = self.free_at;
        }
        let reordered = reorder < i.reorder;
        if !reordered || i.delay == 0 {
            let spread = if i.jitter > 0 {
                ((jitter * 2.0 - 1.0) * i.jitter as f64) as i64
            } else {
                0
            };
            at += (i.delay as i64 + spread).max(0);
        }
        Fate::Sent {
            at,
            copies: if copy < i.duplicate { 2 } else { 1 },
            corrupt: (corrupt < i.corrupt).then_some((bit >> 32) as u32),
            reordered,
            hold: reordered && i.delay == 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000_000;

    fn run(impairment: Impairment, frames: usize) -> Vec<Fate> {
        let mut model = Model::new(impairment, 42, 0);
        (0..frames)
            .map(|i| model.decide(i as i64 * 1000, 1000))
            .collect()
    }

    #[test]
    fn no_impairment_sends_each_frame_at_once() {
        for fate in run(Impairment::default(), 1000) {
            assert!(matches!(
                fate,
                Fate::Sent {
                    copies: 1,
                    corrupt: None,
                    reordered: false,
                    hold: false,
                    ..
                }
            ));
        }
        let fates = run(Impairment::default(), 3);
        assert_eq!(
            fates[2],
            Fate::Sent {
                at: 2000,
                copies: 1,
                corrupt: None,
                reordered: false,
                hold: false
            }
        );
    }

    #[test]
    fn chances_come_out_near_their_setting_and_the_same_every_run() {
        let settings = Impairment {
            loss: 0.1,
            duplicate: 0.05,
            corrupt: 0.01,
            ..Impairment::default()
        };
        let fates = run(settings, 100_000);
        assert_eq!(fates, run(settings, 100_000), "seeded: reproducible");
        let lost = fates.iter().filter(|f| **f == Fate::Lost).count();
        let copies = fates
            .iter()
            .filter(|f| matches!(f, Fate::Sent { copies: 2, .. }))
            .count();
        let corrupt = fates
            .iter()
            .filter(|f| {
                matches!(
                    f,
                    Fate::Sent {
                        corrupt: Some(_),
                        ..
                    }
                )
            })
            .count();
        assert!((9_500..10_500).contains(&lost), "{lost}");
        assert!(
            (4_000..5_000).contains(&copies),
            "{copies} of the 90,000 kept"
        );
        assert!((700..1_100).contains(&corrupt), "{corrupt}");
        // Another seed, other choices.
        let mut other = Model::new(settings, 43, 0);
        let differ = (0..1000)
            .filter(|&i| other.decide(i * 1000, 1000) != fates[i as usize])
            .count();
        assert!(differ > 50);
    }

    #[test]
    fn delay_and_jitter_stay_in_their_window() {
        let settings = Impairment {
            delay: 50 * MS,
            jitter: 5 * MS,
            ..Impairment::default()
        };
        for (i, fate) in run(settings, 10_000).into_iter().enumerate() {
            let Fate::Sent { at, .. } = fate else {
                panic!("nothing lost")
            };
            let waited = at - i as i64 * 1000;
            assert!(
                (45 * MS as i64..=55 * MS as i64).contains(&waited),
                "{waited}"
            );
        }
    }

    #[test]
    fn a_reordered_frame_skips_the_delay_or_is_held_without_one() {
        let with_delay = Impairment {
            delay: 20 * MS,
            reorder: 0.5,
            ..Impairment::default()
        };
        let fates = run(with_delay, 1000);
        let skipped = fates
            .iter()
            .enumerate()
            .filter(|(i, f)| matches!(f, Fate::Sent { at, .. } if *at == *i as i64 * 1000))
            .count();
        assert!((400..600).contains(&skipped), "{skipped}");
        let without = Impairment {
            reorder: 0.5,
            ..Impairment::default()
        };
        let held = run(without, 1000)
            .iter()
            .filter(|f| matches!(f, Fate::Sent { hold: true, .. }))
            .count();
        assert!((400..600).contains(&held), "{held}");
    }

    #[test]
    fn a_rate_spaces_frames_by_their_size_and_drops_past_its_queue() {
        let settings = Impairment {
            rate: 8_000_000, // a byte a microsecond
            ..Impairment::default()
        };
        let mut model = Model::new(settings, 1, 0);
        // 3,000 frames of 1,000 bytes at once: 1 ms each; the queue holds a second.
        let fates: Vec<Fate> = (0..3000).map(|_| model.decide(0, 1000)).collect();
        assert_eq!(
            fates[0],
            Fate::Sent {
                at: MS as i64,
                copies: 1,
                corrupt: None,
                reordered: false,
                hold: false
            }
        );
        assert!(matches!(fates[9], Fate::Sent { at, .. } if at == 10 * MS as i64));
        let overflow = fates.iter().filter(|f| **f == Fate::Overflow).count();
        assert!((1995..=2000).contains(&overflow), "{overflow}");
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name() {
        let mut settings = Impairment {
            delay: 50 * MS,
            loss: 0.02,
            ..Impairment::default()
        };
        Change {
            loss: Some(0.05),
            ..Change::default()
        }
        .apply(&mut settings);
        assert_eq!((settings.delay, settings.loss), (50 * MS, 0.05));
        Change {
            clear: true,
            rate: Some(1_000_000),
            ..Change::default()
        }
        .apply(&mut settings);
        assert_eq!(
            settings,
            Impairment {
                rate: 1_000_000,
                ..Impairment::default()
            }
        );
        assert!(Change::default().is_empty());
    }

    #[test]
    fn settings_are_described_as_typed() {
        let settings = Impairment {
            delay: 50 * MS,
            jitter: 500_000,
            loss: 0.02,
            rate: 1_000_000,
            ..Impairment::default()
        };
        assert_eq!(
            settings.describe(),
            "delay 50ms, jitter 500us, loss 2%, rate 1mbit"
        );
        assert_eq!(Impairment::default().describe(), "no impairment");
    }
}
