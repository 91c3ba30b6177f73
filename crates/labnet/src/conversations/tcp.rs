//! TCP analysis of one connection, packet by packet, as Wireshark does it: relative
//! sequence and acknowledgment numbers per direction, the window scaled by the
//! negotiated shift, and the analysis flags of Wireshark's user guide ("TCP Analysis")
//! with their precedence rules: retransmission, fast and spurious retransmission,
//! out-of-order, previous segment not captured, ACKed unseen segment, duplicate ACK,
//! zero window, zero-window probe and its ACK, window full, window update, keep-alive
//! and its ACK. The rules, thresholds and state are those of tshark 4.0's TCP
//! dissector (`tcp_analyze_sequence_number`), so that every flag and number equals
//! tshark's on the same capture; the tests hold them to it.
//!
//! On top of Wireshark's numbers it keeps what a course asks about a connection: the
//! handshake and its RTT, the options each side offered, SampleRTTs (never for a
//! retransmitted segment: Karn's rule) fed to RFC 6298's estimator, counts of
//! retransmissions and the smallest window advertised.
//!
//! Sequence numbers compare modulo 2^32 (`a` after `b` when `(b - a) as i32 < 0`).
//! Times are nanoseconds since the epoch; like Wireshark, a time of exactly 0 means
//! "not yet".

use super::rtt::Estimator;
use crate::dissect::endpoints::{Segment, ACK, FIN, RST, SYN};

/// Wireshark stops remembering unacknowledged segments of a direction at this many.
pub const MAX_UNACKED_SEGMENTS: usize = 10_000;

/// Wireshark's analysis flags of one packet (`tcp.analysis.*`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags(u16);

impl Flags {
    pub const RETRANSMISSION: Flags = Flags(1 << 0);
    pub const FAST_RETRANSMISSION: Flags = Flags(1 << 1);
    pub const SPURIOUS_RETRANSMISSION: Flags = Flags(1 << 2);
    pub const OUT_OF_ORDER: Flags = Flags(1 << 3);
    pub const LOST_SEGMENT: Flags = Flags(1 << 4);
    pub const ACK_LOST_SEGMENT: Flags = Flags(1 << 5);
    pub const DUPLICATE_ACK: Flags = Flags(1 << 6);
    pub const ZERO_WINDOW: Flags = Flags(1 << 7);
    pub const ZERO_WINDOW_PROBE: Flags = Flags(1 << 8);
    pub const ZERO_WINDOW_PROBE_ACK: Flags = Flags(1 << 9);
    pub const WINDOW_FULL: Flags = Flags(1 << 10);
    pub const WINDOW_UPDATE: Flags = Flags(1 << 11);
    pub const KEEP_ALIVE: Flags = Flags(1 << 12);
    pub const KEEP_ALIVE_ACK: Flags = Flags(1 << 13);
    pub const REUSED_PORTS: Flags = Flags(1 << 14);

    /// Each flag with tshark's field name (`tcp.analysis.NAME`) and the label
    /// Wireshark's Info column gives it, in the order Wireshark prints them.
    pub const ALL: [(Flags, &'static str, &'static str); 15] = [
        (
            Flags::REUSED_PORTS,
            "reused_ports",
            "TCP Port numbers reused",
        ),
        (
            Flags::RETRANSMISSION,
            "retransmission",
            "TCP Retransmission",
        ),
        (
            Flags::FAST_RETRANSMISSION,
            "fast_retransmission",
            "TCP Fast Retransmission",
        ),
        (
            Flags::SPURIOUS_RETRANSMISSION,
            "spurious_retransmission",
            "TCP Spurious Retransmission",
        ),
        (Flags::OUT_OF_ORDER, "out_of_order", "TCP Out-Of-Order"),
        (
            Flags::LOST_SEGMENT,
            "lost_segment",
            "TCP Previous segment not captured",
        ),
        (
            Flags::ACK_LOST_SEGMENT,
            "ack_lost_segment",
            "TCP ACKed unseen segment",
        ),
        (Flags::WINDOW_UPDATE, "window_update", "TCP Window Update"),
        (Flags::WINDOW_FULL, "window_full", "TCP Window Full"),
        (Flags::KEEP_ALIVE, "keep_alive", "TCP Keep-Alive"),
        (
            Flags::KEEP_ALIVE_ACK,
            "keep_alive_ack",
            "TCP Keep-Alive ACK",
        ),
        (Flags::DUPLICATE_ACK, "duplicate_ack", "TCP Dup ACK"),
        (Flags::ZERO_WINDOW, "zero_window", "TCP ZeroWindow"),
        (
            Flags::ZERO_WINDOW_PROBE,
            "zero_window_probe",
            "TCP ZeroWindowProbe",
        ),
        (
            Flags::ZERO_WINDOW_PROBE_ACK,
            "zero_window_probe_ack",
            "TCP ZeroWindowProbeAck",
        ),
    ];

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// The flags as bits, to be kept compactly ([`Flags::from_bits`] reads them back).
    pub fn bits(self) -> u16 {
        self.0
    }

    pub fn from_bits(bits: u16) -> Flags {
        Flags(bits)
    }

    pub fn intersects(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    fn insert(&mut self, other: Flags) {
        self.0 |= other.0;
    }

    /// The flags set, each with its tshark field name and Wireshark label.
    pub fn iter(self) -> impl Iterator<Item = (Flags, &'static str, &'static str)> {
        Flags::ALL
            .into_iter()
            .filter(move |(f, _, _)| self.contains(*f))
    }

    /// The `tcp.analysis.*` fields tshark shows for these flags: a fast or spurious
    /// retransmission also shows `retransmission`, as Wireshark adds both.
    pub fn field_names(self) -> impl Iterator<Item = &'static str> {
        let also = if self.intersects(Flags::FAST_RETRANSMISSION | Flags::SPURIOUS_RETRANSMISSION) {
            Flags::RETRANSMISSION
        } else {
            Flags::default()
        };
        (self | also).iter().map(|(_, name, _)| name)
    }

    /// Any kind of retransmission (what a retransmission count counts).
    pub const ANY_RETRANSMISSION: Flags = Flags(1 | 2 | 4);
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

/// `a` comes after `b` in sequence space.
fn after(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}

/// `a` comes before `b` in sequence space.
fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

/// `a` is `b` or before it.
fn at_or_before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) <= 0
}

/// Nanoseconds from `earlier` to `now` as Wireshark's unsigned arithmetic sees them:
/// a time before `earlier` wraps to a huge value (never "within" anything).
fn elapsed(now: i64, earlier: i64) -> u64 {
    now.wrapping_sub(earlier) as u64
}

/// A segment sent but not yet acknowledged (Wireshark's `tcp_unacked_t`).
#[derive(Debug, Clone)]
struct Unacked {
    frame: u64,
    seq: u32,
    nextseq: u32,
    time: i64,
    /// Its bytes were sent again: no SampleRTT from its ACK (Karn's rule).
    retransmitted: bool,
}

/// The state of one direction of a connection (Wireshark's `tcp_flow_t` and its
/// sequence-analysis part).
#[derive(Debug, Clone)]
struct Flow {
    base_seq: Option<u32>,
    /// -1: not known (no SYN seen), -2: no scaling, 0..=14: the shift.
    win_scale: i8,
    /// The last window field sent, unscaled (`u32::MAX` before the first).
    window: u32,
    is_first_ack: bool,
    last_segment_flags: Flags,
    /// Newest last.
    segments: Vec<Unacked>,
    nextseq: u32,
    nextseq_frame: u64,
    nextseq_time: i64,
    maxseqtobeacked: u32,
    lastack: u32,
    lastack_time: i64,
    lastnondupack: u64,
    /// Unsigned, as in Wireshark: the "ACKed unseen" rule sets it to `u32::MAX` (its
    /// -1), which later counts as many duplicate ACKs (a fast retransmission).
    dupacknum: u32,
}

impl Default for Flow {
    fn default() -> Flow {
        Flow {
            base_seq: None,
            win_scale: -1,
            window: u32::MAX,
            is_first_ack: false,
            last_segment_flags: Flags::default(),
            segments: Vec::new(),
            nextseq: 0,
            nextseq_frame: 0,
            nextseq_time: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            lastack_time: 0,
            lastnondupack: 0,
            dupacknum: 0,
        }
    }
}

/// Wireshark's conversation completeness bits (`tcp.completeness`).
pub mod completeness {
    pub const SYN: u8 = 1;
    pub const SYN_ACK: u8 = 2;
    pub const ACK: u8 = 4;
    pub const DATA: u8 = 8;
    pub const FIN: u8 = 16;
    pub const RST: u8 = 32;
}

/// What one side offered in its SYN (or SYN/ACK).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Offer {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: bool,
    pub timestamps: bool,
}

/// Counts and measures of one direction (the packets its side sent).
#[derive(Debug, Clone, Default)]
pub struct Sender {
    pub offer: Option<Offer>,
    pub payload_bytes: u64,
    /// Payload bytes sent again (any kind of retransmission).
    pub retransmitted_bytes: u64,
    pub retransmissions: u64,
    pub fast_retransmissions: u64,
    pub spurious_retransmissions: u64,
    pub out_of_order: u64,
    pub lost_segments: u64,
    pub duplicate_acks: u64,
    pub zero_windows: u64,
    /// Smallest window this side advertised (scaled), outside SYNs.
    pub smallest_window: Option<u32>,
    /// First and last packet carrying data.
    pub first_data: Option<i64>,
    pub last_data: Option<i64>,
    /// RFC 6298's estimator over the SampleRTTs of this side's segments.
    pub rtt: Estimator,
    /// Sequence number (relative) just past the highest byte sent.
    pub highest_seq: u32,
    /// The highest acknowledgment (relative) the other side sent for these bytes.
    pub acked: u32,
    pub fin: bool,
    pub slow_start: SlowStart,
}

/// Slow start as a capture shows it: the flight (bytes sent and not yet acknowledged)
/// measured round trip by round trip, from the first data segment until a
/// retransmission, until a round's flight is less than 1.5 times the last one's, or
/// until the data ends.
#[derive(Debug, Clone, Default)]
pub struct SlowStart {
    /// The round ends when the other side acknowledges this (relative) number.
    round_end: Option<u32>,
    round_max: u32,
    flight: Vec<u32>,
    start: i64,
    last_data: i64,
    ended: Option<(i64, &'static str)>,
}

/// What [`SlowStart`] saw, when it saw at least two round trips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowStartSeen {
    /// Nanoseconds from the first data segment to the end of slow start.
    pub duration: i64,
    /// The largest flight of each round.
    pub flight: Vec<u32>,
    pub ended_by: &'static str,
}

/// Rounds remembered, at most.
const MAX_ROUNDS: usize = 64;

impl SlowStart {
    fn data(&mut self, time: i64, highest: u32, acked: u32) {
        if self.ended.is_some() {
            return;
        }
        if self.round_end.is_none() {
            self.round_end = Some(highest);
            self.start = time;
        }
        self.round_max = self.round_max.max(highest.wrapping_sub(acked));
        self.last_data = time;
    }

    fn ack(&mut self, time: i64, acked: u32, highest: u32) {
        let Some(end) = self.round_end else { return };
        if self.ended.is_some() || before(acked, end) {
            return;
        }
        let previous = self.flight.last().copied();
        self.flight.push(self.round_max);
        if previous.is_some_and(|p| u64::from(self.round_max) * 2 < u64::from(p) * 3)
            || self.flight.len() >= MAX_ROUNDS
        {
            self.ended = Some((time, "growth"));
            return;
        }
        self.round_end = Some(highest);
        self.round_max = highest.wrapping_sub(acked);
    }

    fn loss(&mut self, time: i64) {
        if self.round_end.is_some() && self.ended.is_none() {
            self.ended = Some((time, "loss"));
        }
    }

    /// The rounds seen, when there were at least three and the flight grew: a
    /// request and its answer, one segment each, show no slow start.
    pub fn report(&self) -> Option<SlowStartSeen> {
        let grew = self.flight.first() < self.flight.last();
        if self.flight.len() < 3 || !grew {
            return None;
        }
        let (end, ended_by) = self.ended.unwrap_or((self.last_data, "end"));
        Some(SlowStartSeen {
            duration: end - self.start,
            flight: self.flight.clone(),
            ended_by,
        })
    }
}

/// The handshake's times, as far as they were seen.
#[derive(Debug, Clone, Copy, Default)]
pub struct Handshake {
    pub syn: Option<i64>,
    pub syn_ack: Option<i64>,
    /// The ACK that completed the handshake (Wireshark's iRTT ends there).
    pub ack: Option<i64>,
}

/// Where a packet stands in the connection's life, for the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The handshake's first, second or third packet.
    Handshake(u8),
    /// A FIN (`acks_fin`: it also acknowledges the other side's FIN).
    Fin {
        acks_fin: bool,
    },
    /// A plain ACK of the other side's FIN.
    FinAck,
    Reset,
}

/// One packet of a connection as the analysis saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// Direction: false from A (the side that sent the conversation's first packet).
    pub from_b: bool,
    pub seq: u32,
    pub seq_raw: u32,
    /// Relative, when the ACK flag is set.
    pub ack: Option<u32>,
    pub ack_raw: u32,
    /// Payload bytes; `None` when unknown (an IP fragment).
    pub len: Option<u32>,
    pub flags: u16,
    pub window: u32,
    pub window_raw: u16,
    pub analysis: Flags,
    /// Which duplicate ACK this is (#1, #2...), and of which packet.
    pub dupack: Option<(u32, u64)>,
    /// The packet this one acknowledges exactly, and the time since it was sent
    /// (Wireshark's `tcp.analysis.acks_frame` and `ack_rtt`).
    pub acks: Option<(u64, Option<i64>)>,
    /// A SampleRTT this ACK gave (Karn's rule applied).
    pub rtt_sample: Option<i64>,
    pub step: Option<Step>,
    /// What a SYN or SYN/ACK offered.
    pub offer: Option<Offer>,
    /// Where the captured payload lies in the frame.
    pub payload: std::ops::Range<usize>,
}

impl Analysis {
    /// Relative sequence number just past this segment (SYN and FIN count one).
    pub fn next_seq(&self) -> Option<u32> {
        let extra = u32::from(self.flags & (SYN | FIN) != 0);
        self.len
            .map(|len| self.seq.wrapping_add(len).wrapping_add(extra))
    }
}

/// One TCP connection (a `tcp.stream`).
#[derive(Debug, Clone, Default)]
pub struct Connection {
    /// Indexed by direction: 0 from A, 1 from B.
    flows: [Flow; 2],
    ts_first_rtt: i64,
    ts_mru_syn: i64,
    pub completeness: u8,
    pub handshake: Handshake,
    pub senders: [Sender; 2],
    /// The SYN's sequence number and the SYN/ACK's, raw, for the handshake's third step.
    syn_ack_seq: Option<u32>,
    fin_seq: [Option<u32>; 2],
}

impl Connection {
    /// Wireshark's first RTT (SYN to the ACK completing the handshake), if seen.
    pub fn handshake_rtt(&self) -> Option<i64> {
        (self.ts_first_rtt != 0).then_some(self.ts_first_rtt)
    }

    /// A pure SYN on an existing conversation: a new connection on the same ports
    /// when its sequence number differs from the first one's (Wireshark then starts a
    /// new stream), or a retransmitted SYN.
    pub fn syn_starts_anew(&self, from_b: bool, seq: u32) -> bool {
        self.flows[usize::from(from_b)]
            .base_seq
            .is_some_and(|base| base != seq)
    }

    /// The unacknowledged segments held for the direction that holds more.
    pub fn unacked(&self) -> usize {
        self.flows[0]
            .segments
            .len()
            .max(self.flows[1].segments.len())
    }

    /// Drops the per-segment state of a connection that is no longer followed; its
    /// counts and measures stay.
    pub fn compact(&mut self) {
        for flow in &mut self.flows {
            flow.segments = Vec::new();
        }
    }

    /// Whether both sides closed (FIN each way, or a RST): the connection will see at
    /// most stragglers.
    pub fn closed(&self) -> bool {
        self.completeness & completeness::RST != 0
            || (self.fin_seq[0].is_some() && self.fin_seq[1].is_some())
    }

    /// Analyses one segment sent from A (`from_b` false) or B; `frame` is the packet's
    /// index, `time` its timestamp in nanoseconds, `new` whether the conversation was
    /// made for this packet, `reused` whether it was made because a SYN reused the
    /// ports (Wireshark's `reused_ports`).
    pub fn segment(
        &mut self,
        segment: &Segment,
        from_b: bool,
        frame: u64,
        time: i64,
        new: bool,
        reused: bool,
    ) -> Analysis {
        let (fwd, rev) = (usize::from(from_b), usize::from(!from_b));
        let flags = segment.flags;
        let mut analysis = Flags::default();
        if reused {
            analysis.insert(Flags::REUSED_PORTS);
        }
        let pure_syn = flags & (SYN | ACK) == SYN;
        if !reused && pure_syn && self.flows[fwd].base_seq == Some(segment.seq) {
            // A SYN again with the same number: Wireshark restores where the flow had
            // got to, in case a RST with SEQ = the ACK received moved it (issue 17616).
            self.flows[fwd].nextseq = self.flows[fwd].maxseqtobeacked;
        }
        if flags & (SYN | ACK) == (SYN | ACK) {
            if let Some(base) = self.flows[fwd].base_seq {
                if base != segment.seq {
                    // The SYN/ACK of another connection on the same ports.
                    self.flows[fwd].base_seq = Some(segment.seq);
                    analysis.insert(Flags::REUSED_PORTS);
                }
            }
        }
        let mut out = Analysis {
            from_b,
            seq: segment.seq,
            seq_raw: segment.seq,
            ack: None,
            ack_raw: segment.ack,
            len: segment.len,
            flags,
            window: u32::from(segment.window),
            window_raw: segment.window,
            analysis,
            dupack: None,
            acks: None,
            rtt_sample: None,
            step: None,
            offer: (flags & SYN != 0).then_some(Offer {
                mss: segment.options.mss,
                window_scale: segment.options.window_scale,
                sack_permitted: segment.options.sack_permitted,
                timestamps: segment.options.timestamp.is_some(),
            }),
            payload: segment.payload.clone(),
        };
        if let Some(len) = segment.len {
            if self.flows[fwd].base_seq.is_none() {
                self.flows[fwd].base_seq = Some(if flags & SYN != 0 {
                    segment.seq
                } else {
                    segment.seq.wrapping_sub(1)
                });
            }
            if self.flows[rev].base_seq.is_none() && flags & ACK != 0 {
                self.flows[rev].base_seq = Some(segment.ack.wrapping_sub(1));
            }
            self.sequence(segment, len, fwd, frame, time, &mut out);
            out.seq = segment
                .seq
                .wrapping_sub(self.flows[fwd].base_seq.unwrap_or(0));
            if flags & ACK != 0 {
                out.ack = Some(
                    segment
                        .ack
                        .wrapping_sub(self.flows[rev].base_seq.unwrap_or(0)),
                );
            }
            if flags & SYN == 0 && self.flows[fwd].win_scale >= 0 {
                out.window = u32::from(segment.window) << self.flows[fwd].win_scale;
            }
        } else if flags & ACK != 0 {
            // No segment length (a fragment): Wireshark shows the numbers unanalysed.
            out.ack = Some(segment.ack);
        }
        self.complete(flags, segment.len.unwrap_or(0), new, reused);
        if flags & SYN != 0 {
            self.flows[fwd].is_first_ack = true;
            if !pure_syn {
                self.handshake.syn_ack.get_or_insert(time);
                self.syn_ack_seq.get_or_insert(segment.seq);
            } else {
                self.ts_mru_syn = time;
                self.handshake.syn.get_or_insert(time);
            }
        }
        if flags & (SYN | ACK) == ACK {
            if self.ts_mru_syn != 0 && self.ts_first_rtt == 0 {
                self.ts_first_rtt = time.wrapping_sub(self.ts_mru_syn);
            }
            self.flows[fwd].is_first_ack = false;
        }
        if let Some(shift) = segment.options.window_scale {
            self.flows[fwd].win_scale = shift.min(14) as i8;
        }
        if flags & SYN != 0 {
            self.verify_window_scaling(fwd, rev, flags & ACK != 0);
            if let Some(offer) = out.offer {
                self.senders[fwd].offer.get_or_insert(offer);
            }
        }
        out.step = self.step(segment, fwd, rev, time);
        self.count(&out, fwd, time);
        out
    }

    /// Wireshark's `verify_tcp_window_scaling`, after a SYN's options: scaling is used
    /// only when both SYNs carry the option.
    fn verify_window_scaling(&mut self, fwd: usize, rev: usize, syn_ack: bool) {
        if self.flows[fwd].win_scale == -1 {
            self.flows[fwd].win_scale = -2;
            self.flows[rev].win_scale = -2;
        } else if syn_ack && self.flows[rev].win_scale == -2 {
            self.flows[fwd].win_scale = -2;
        }
    }

    /// Wireshark's conversation completeness (SYN, SYN/ACK, ACK, data, FIN, RST seen).
    fn complete(&mut self, flags: u16, len: u32, new: bool, reused: bool) {
        if reused && flags & (SYN | ACK) == SYN {
            self.completeness = completeness::SYN;
        }
        if new {
            if flags & (SYN | ACK) == SYN {
                self.completeness |= completeness::SYN;
                if len > 0 {
                    self.completeness |= completeness::DATA;
                }
            }
            return;
        }
        if flags & (SYN | ACK) == (SYN | ACK) {
            self.completeness |= completeness::SYN_ACK;
        }
        if flags & (SYN | ACK) == ACK {
            self.completeness |= if len > 0 {
                completeness::DATA
            } else {
                completeness::ACK
            };
        }
        if flags & (FIN | ACK) == (FIN | ACK) {
            self.completeness |= completeness::FIN;
        }
        if flags & RST != 0 {
            self.completeness |= completeness::RST;
        }
    }

    /// Wireshark's `tcp_analyze_sequence_number`: raw numbers, the unscaled window.
    fn sequence(
        &mut self,
        segment: &Segment,
        seglen: u32,
        fwd: usize,
        frame: u64,
        time: i64,
        out: &mut Analysis,
    ) {
        let (seq, ack, flags) = (segment.seq, segment.ack, segment.flags);
        let window = u32::from(segment.window);
        let ta = &mut out.analysis;
        let rev = 1 - fwd;
        let control = flags & (SYN | FIN | RST) != 0;

        'flags: {
            let f = &self.flows[fwd];
            let r = &self.flows[rev];
            if seglen == 1 && seq == f.nextseq && r.window == 0 {
                ta.insert(Flags::ZERO_WINDOW_PROBE);
                break 'flags;
            }
            if window == 0 && !control {
                ta.insert(Flags::ZERO_WINDOW);
            }
            if f.nextseq != 0 && after(seq, f.nextseq) && flags & RST == 0 {
                ta.insert(Flags::LOST_SEGMENT);
            }
            if seglen <= 1 && seq == f.nextseq.wrapping_sub(1) && !control {
                ta.insert(Flags::KEEP_ALIVE);
            }
            let repeats = seglen == 0 && seq == f.nextseq && ack == f.lastack && !control;
            if repeats && window != 0 && window != f.window {
                ta.insert(Flags::WINDOW_UPDATE);
            }
            if seglen > 0 && r.win_scale != -1 && !control {
                let shift = if r.is_first_ack || r.win_scale == -2 {
                    0
                } else {
                    r.win_scale as u32
                };
                let edge = r.lastack.wrapping_add(r.window.wrapping_shl(shift));
                if seq.wrapping_add(seglen) == edge {
                    ta.insert(Flags::WINDOW_FULL);
                }
            }
            if repeats
                && window != 0
                && window == f.window
                && r.last_segment_flags.contains(Flags::KEEP_ALIVE)
            {
                ta.insert(Flags::KEEP_ALIVE_ACK);
                break 'flags;
            }
            if repeats
                && window == 0
                && f.window == 0
                && r.last_segment_flags.contains(Flags::ZERO_WINDOW_PROBE)
            {
                ta.insert(Flags::ZERO_WINDOW_PROBE_ACK);
                break 'flags;
            }
            if repeats && window != 0 && window == f.window {
                let f = &mut self.flows[fwd];
                f.dupacknum = if f.dupacknum == u32::MAX {
                    1
                } else {
                    f.dupacknum + 1
                };
                ta.insert(Flags::DUPLICATE_ACK);
                out.dupack = Some((f.dupacknum, f.lastnondupack));
            }
        }

        if ack != self.flows[fwd].lastack {
            self.flows[fwd].lastnondupack = frame;
            self.flows[fwd].dupacknum = 0;
        }

        let r = &mut self.flows[rev];
        if r.maxseqtobeacked != 0 && after(ack, r.maxseqtobeacked) && flags & ACK != 0 {
            if before(r.maxseqtobeacked, r.nextseq) {
                r.maxseqtobeacked = r.nextseq;
                ta.insert(Flags::ACK_LOST_SEGMENT);
            } else {
                if r.dupacknum == 0 {
                    ta.insert(Flags::ACK_LOST_SEGMENT);
                }
                r.dupacknum = u32::MAX;
            }
        }

        if seglen > 0 || flags & (SYN | FIN) != 0 {
            self.retransmission(seq, seglen, flags, fwd, time, ta);
        }

        // Remember the segment, to match the ACK that covers it.
        let f = &mut self.flows[fwd];
        let mut nextseq = seq.wrapping_add(seglen);
        if (seglen > 0 || flags & (SYN | FIN) != 0) && f.segments.len() < MAX_UNACKED_SEGMENTS {
            if flags & (SYN | FIN) != 0 {
                nextseq = nextseq.wrapping_add(1);
            }
            let resent = ta.intersects(Flags::ANY_RETRANSMISSION);
            if resent {
                // Karn: none of the copies of these bytes gives a SampleRTT.
                for earlier in f.segments.iter_mut() {
                    if before(earlier.seq, nextseq) && before(seq, earlier.nextseq) {
                        earlier.retransmitted = true;
                    }
                }
            }
            f.segments.push(Unacked {
                frame,
                seq,
                nextseq,
                time,
                retransmitted: resent,
            });
        }
        let probe = ta.contains(Flags::ZERO_WINDOW_PROBE);
        if (after(nextseq, f.nextseq) || f.nextseq == 0) && !probe {
            f.nextseq = nextseq;
            f.nextseq_frame = frame;
            f.nextseq_time = time;
        }
        if (seq == f.maxseqtobeacked || f.maxseqtobeacked == 0) && !probe {
            f.maxseqtobeacked = f.nextseq;
        }
        f.window = window;
        f.lastack = ack;
        f.lastack_time = time;
        f.last_segment_flags = *ta;

        // Forget what this acknowledges; the ACK of a segment exactly gives its RTT.
        let mut acked: Option<(u64, i64, bool)> = None;
        let r = &mut self.flows[rev];
        let mut i = r.segments.len();
        while i > 0 {
            i -= 1;
            let unacked = &mut r.segments[i];
            if ack == unacked.nextseq {
                // The oldest exact match is the last one kept, as in Wireshark.
                let clean = acked.is_none_or(|(_, _, clean)| clean) && !unacked.retransmitted;
                acked = Some((unacked.frame, time - unacked.time, clean));
            } else if after(ack, unacked.seq) && at_or_before(ack, unacked.nextseq) {
                unacked.seq = ack;
                continue;
            } else if after(unacked.nextseq, ack) {
                continue;
            }
            r.segments.remove(i);
        }
        if let Some((frame, rtt, clean)) = acked {
            // Wireshark shows no RTT of exactly zero.
            out.acks = Some((frame, (rtt != 0).then_some(rtt)));
            if clean {
                out.rtt_sample = Some(rtt);
            }
        }
    }

    /// Which kind of retransmission (or out-of-order segment) a segment that does not
    /// advance the sequence number is, in Wireshark's precedence.
    fn retransmission(
        &mut self,
        seq: u32,
        seglen: u32,
        flags: u16,
        fwd: usize,
        time: i64,
        ta: &mut Flags,
    ) {
        let rev = 1 - fwd;
        let f = &self.flows[fwd];
        let r = &self.flows[rev];
        if ta.contains(Flags::KEEP_ALIVE) {
            return;
        }
        let mut not_advanced = f.nextseq != 0 && before(seq, f.nextseq);
        // One byte short of the next expected byte and more than one byte long: new
        // data after a zero-window probe, not a retransmission.
        if seglen > 1 && f.nextseq.wrapping_sub(1) == seq {
            not_advanced = false;
        }
        if seglen > 0 && r.lastack != 0 && at_or_before(seq.wrapping_add(seglen), r.lastack) {
            ta.insert(Flags::SPURIOUS_RETRANSMISSION);
            return;
        }
        // Fast retransmission takes precedence over out-of-order (Wireshark's default).
        if not_advanced
            && r.dupacknum >= 2
            && r.lastack == seq
            && elapsed(time, r.lastack_time) < 20_000_000
        {
            ta.insert(Flags::FAST_RETRANSMISSION);
            return;
        }
        let threshold = if self.ts_first_rtt == 0 {
            3_000_000
        } else {
            self.ts_first_rtt as u64
        };
        let extra = u32::from(flags & (SYN | FIN) != 0);
        if not_advanced
            && elapsed(time, f.nextseq_time) < threshold
            && f.nextseq != seq.wrapping_add(seglen).wrapping_add(extra)
        {
            ta.insert(Flags::OUT_OF_ORDER);
            return;
        }
        if not_advanced {
            ta.insert(Flags::RETRANSMISSION);
        }
    }

    /// The handshake and teardown steps, for the ladder.
    fn step(&mut self, segment: &Segment, fwd: usize, rev: usize, time: i64) -> Option<Step> {
        let flags = segment.flags;
        if flags & RST != 0 {
            return Some(Step::Reset);
        }
        if flags & (SYN | ACK) == SYN {
            return Some(Step::Handshake(1));
        }
        if flags & (SYN | ACK) == (SYN | ACK) {
            return Some(Step::Handshake(2));
        }
        let acks_fin = flags & ACK != 0
            && self.fin_seq[rev].is_some_and(|fin| segment.ack == fin.wrapping_add(1));
        if flags & FIN != 0 {
            self.fin_seq[fwd].get_or_insert(segment.seq.wrapping_add(segment.len.unwrap_or(0)));
            return Some(Step::Fin { acks_fin });
        }
        if acks_fin {
            return Some(Step::FinAck);
        }
        let third = flags & ACK != 0
            && self.handshake.ack.is_none()
            && self.handshake.syn.is_some()
            && self
                .syn_ack_seq
                .is_some_and(|s| segment.ack == s.wrapping_add(1));
        if third {
            self.handshake.ack = Some(time);
            return Some(Step::Handshake(3));
        }
        None
    }

    /// The per-direction counts of the report.
    fn count(&mut self, out: &Analysis, fwd: usize, time: i64) {
        let sender = &mut self.senders[fwd];
        let len = out.len.unwrap_or(0);
        if len > 0 {
            sender.payload_bytes += u64::from(len);
            sender.first_data.get_or_insert(time);
            sender.last_data = Some(time);
        }
        let a = out.analysis;
        if a.intersects(Flags::ANY_RETRANSMISSION) {
            sender.retransmitted_bytes += u64::from(len);
        }
        sender.retransmissions += u64::from(a.contains(Flags::RETRANSMISSION));
        sender.fast_retransmissions += u64::from(a.contains(Flags::FAST_RETRANSMISSION));
        sender.spurious_retransmissions += u64::from(a.contains(Flags::SPURIOUS_RETRANSMISSION));
        sender.out_of_order += u64::from(a.contains(Flags::OUT_OF_ORDER));
        sender.lost_segments += u64::from(a.contains(Flags::LOST_SEGMENT));
        sender.duplicate_acks += u64::from(a.contains(Flags::DUPLICATE_ACK));
        sender.zero_windows += u64::from(a.contains(Flags::ZERO_WINDOW));
        if out.flags & SYN == 0 && out.flags & RST == 0 {
            let smallest = sender.smallest_window.get_or_insert(out.window);
            *smallest = (*smallest).min(out.window);
        }
        if let Some(next) = out.next_seq() {
            if out.len.is_some_and(|l| l > 0) && after(next, sender.highest_seq) {
                sender.highest_seq = next;
            }
        }
        if len > 0 {
            sender
                .slow_start
                .data(time, sender.highest_seq, sender.acked);
        }
        if a.intersects(Flags::ANY_RETRANSMISSION) {
            sender.slow_start.loss(time);
        }
        sender.fin |= out.flags & FIN != 0;
        if let Some(ack) = out.ack.filter(|_| out.len.is_some()) {
            let other = &mut self.senders[1 - fwd];
            if after(ack, other.acked) {
                other.acked = ack;
            }
            other.slow_start.ack(time, other.acked, other.highest_seq);
        }
        // The SampleRTT measures the other side's segments: it belongs to that sender.
        if let Some(sample) = out.rtt_sample {
            self.senders[1 - fwd].rtt.sample(sample);
        }
    }
}

#[cfg(test)]
mod tests;
