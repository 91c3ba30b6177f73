//! What is said of each conversation once it is over: its row of the conversation
//! table (`--conversations`, tshark's `-z conv,tcp` counts with the stream, the state
//! and the handshake's RTT) and, for a TCP connection under `--analyze`, its report:
//! the handshake, what each side offered, retransmissions, duplicate ACKs, the
//! smallest window, throughput and goodput, slow start, and the SampleRTTs with RFC
//! 6298's EstimatedRTT, DevRTT and RTO. One [`Report`] holds it all; it is written as a
//! JSON document, a text block or a table row.
//!
//! A large capture has a hundred thousand connections: the text is written straight
//! into bytes ([`super::text`]), not through `core::fmt`.

use serde::Serialize;

use super::text::{decimal, endpoint, fixed, uint, Sink};
use crate::conversations::tcp::{completeness as k, Connection, Sender};
use crate::conversations::{rtt, Conversation, Endpoint, Protocol};

/// One conversation as a report, borrowing what it can from the conversation (a
/// hundred thousand of them are made for a large capture). Serialized as
/// `--conversations --json`'s documents.
#[derive(Serialize)]
pub struct Report<'a> {
    pub protocol: Protocol,
    pub stream: u32,
    #[serde(serialize_with = "display")]
    pub a: Endpoint,
    #[serde(serialize_with = "display")]
    pub b: Endpoint,
    /// Packets and frame bytes from A to B, and from B to A.
    pub packets_a_to_b: u64,
    pub bytes_a_to_b: u64,
    pub packets_b_to_a: u64,
    pub bytes_b_to_a: u64,
    /// Seconds since the epoch (a string of nine decimals, exact).
    #[serde(rename = "start", serialize_with = "seconds_text")]
    pub start_time: i64,
    pub duration: f64,
    pub first_packet: u64,
    pub last_packet: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpReport<'a>>,
}

/// What the analysis found in one TCP conversation.
#[derive(Serialize)]
pub struct TcpReport<'a> {
    /// "handshake", "established", "closed", "reset", "open" (no handshake seen).
    pub state: &'static str,
    /// Wireshark's completeness letters: S (SYN), SA, A, D (data), F, R.
    pub seen: Seen,
    /// Seconds from the SYN to the ACK that completed the handshake.
    pub handshake_rtt: Option<f64>,
    pub a: SenderReport<'a>,
    pub b: SenderReport<'a>,
}

/// Wireshark's conversation completeness as letters: `S SA A D F`.
#[derive(Clone, Copy)]
pub struct Seen(u8);

impl Seen {
    const LETTERS: [(u8, &'static str); 6] = [
        (k::SYN, "S"),
        (k::SYN_ACK, "SA"),
        (k::ACK, "A"),
        (k::DATA, "D"),
        (k::FIN, "F"),
        (k::RST, "R"),
    ];

    /// The letters, space-separated; `-` for none.
    pub fn write(self, out: &mut impl Sink) {
        if self.0 == 0 {
            return out.put("-");
        }
        let mut first = true;
        for (bit, letter) in Seen::LETTERS {
            if self.0 & bit != 0 {
                if !first {
                    out.put(" ");
                }
                out.put(letter);
                first = false;
            }
        }
    }
}

impl Serialize for Seen {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = String::new();
        if self.0 != 0 {
            self.write(&mut text);
        }
        serializer.serialize_str(&text)
    }
}

/// One side of a TCP conversation: what it offered and how its segments fared.
#[derive(Serialize)]
pub struct SenderReport<'a> {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: Option<bool>,
    pub timestamps: Option<bool>,
    pub payload_bytes: u64,
    /// Every kind of retransmission; then the fast and spurious ones among them.
    pub retransmissions: u64,
    pub fast_retransmissions: u64,
    pub spurious_retransmissions: u64,
    pub retransmitted_bytes: u64,
    /// Retransmitted payload over all payload sent.
    pub retransmission_rate: f64,
    pub out_of_order: u64,
    pub lost_segments: u64,
    pub duplicate_acks: u64,
    pub zero_windows: u64,
    /// Smallest window this side advertised (scaled), outside SYNs.
    pub smallest_window: Option<u32>,
    /// Frame bits a second, over the conversation's duration.
    pub throughput: Option<f64>,
    /// Payload bits a second not counting retransmissions, over the duration.
    pub goodput: Option<f64>,
    /// SampleRTTs of this side's segments, seconds (at most 10,000 kept).
    #[serde(serialize_with = "seconds_list")]
    pub sample_rtts: &'a [i64],
    pub samples: u64,
    pub estimated_rtt: Option<f64>,
    pub dev_rtt: Option<f64>,
    /// EstimatedRTT + 4 DevRTT.
    pub timeout_interval: Option<f64>,
    /// RFC 6298's RTO: the timeout interval, at least 1 s.
    pub rto: Option<f64>,
    pub slow_start: Option<SlowStartReport>,
}

#[derive(Serialize)]
pub struct SlowStartReport {
    /// Seconds from the first data segment to the end of slow start.
    pub duration: f64,
    /// Round trips seen.
    pub rounds: usize,
    /// The largest flight (bytes sent, not yet acknowledged) of each round.
    pub flight: Vec<u32>,
    /// "loss" (a retransmission ended it), "growth" (the flight stopped doubling),
    /// "end" (the data ended first).
    pub ended_by: &'static str,
}

impl<'a> Report<'a> {
    pub fn new(c: &'a Conversation) -> Report<'a> {
        let duration = (c.last_time - c.first_time) as f64 / 1e9;
        Report {
            protocol: c.protocol,
            stream: c.stream,
            a: c.a,
            b: c.b,
            packets_a_to_b: c.packets[0],
            bytes_a_to_b: c.bytes[0],
            packets_b_to_a: c.packets[1],
            bytes_b_to_a: c.bytes[1],
            start_time: c.first_time,
            duration,
            first_packet: c.first_packet,
            last_packet: c.last_packet,
            tcp: c.tcp.as_deref().map(|tcp| TcpReport::new(tcp, c, duration)),
        }
    }

    /// The key that orders reports: protocol, then stream.
    pub fn key(&self) -> u64 {
        (self.protocol as u64) << 32 | u64::from(self.stream)
    }
}

impl<'a> TcpReport<'a> {
    fn new(tcp: &'a Connection, c: &Conversation, duration: f64) -> TcpReport<'a> {
        let bits = tcp.completeness;
        let state = if bits & k::RST != 0 {
            "reset"
        } else if tcp.senders[0].fin && tcp.senders[1].fin {
            "closed"
        } else if bits & (k::SYN | k::SYN_ACK) == 0 {
            "open"
        } else if bits & (k::ACK | k::DATA) == 0 {
            "handshake"
        } else {
            "established"
        };
        TcpReport {
            state,
            seen: Seen(bits),
            handshake_rtt: tcp.handshake_rtt().map(|ns| ns as f64 / 1e9),
            a: SenderReport::new(&tcp.senders[0], c.bytes[0], duration),
            b: SenderReport::new(&tcp.senders[1], c.bytes[1], duration),
        }
    }
}

impl<'a> SenderReport<'a> {
    fn new(s: &'a Sender, frame_bytes: u64, duration: f64) -> SenderReport<'a> {
        let offer = s.offer.unwrap_or_default();
        let offered = s.offer.is_some();
        let per_second = |bytes: u64| (duration > 0.0).then(|| bytes as f64 * 8.0 / duration);
        let rtt = &s.rtt;
        let measured = rtt.count > 0;
        SenderReport {
            mss: offer.mss,
            window_scale: offer.window_scale,
            sack_permitted: offered.then_some(offer.sack_permitted),
            timestamps: offered.then_some(offer.timestamps),
            payload_bytes: s.payload_bytes,
            retransmissions: s.retransmissions
                + s.fast_retransmissions
                + s.spurious_retransmissions,
            fast_retransmissions: s.fast_retransmissions,
            spurious_retransmissions: s.spurious_retransmissions,
            retransmitted_bytes: s.retransmitted_bytes,
            retransmission_rate: if s.payload_bytes == 0 {
                0.0
            } else {
                s.retransmitted_bytes as f64 / s.payload_bytes as f64
            },
            out_of_order: s.out_of_order,
            lost_segments: s.lost_segments,
            duplicate_acks: s.duplicate_acks,
            zero_windows: s.zero_windows,
            smallest_window: s.smallest_window,
            throughput: per_second(frame_bytes),
            goodput: per_second(s.payload_bytes - s.retransmitted_bytes.min(s.payload_bytes)),
            sample_rtts: &rtt.samples,
            samples: rtt.count,
            estimated_rtt: measured.then_some(rtt.estimated),
            dev_rtt: measured.then_some(rtt.deviation),
            timeout_interval: measured.then(|| rtt.timeout()),
            rto: measured.then(|| rtt.rto()),
            slow_start: s.slow_start.report().map(|ss| SlowStartReport {
                duration: ss.duration as f64 / 1e9,
                rounds: ss.flight.len(),
                flight: ss.flight,
                ended_by: ss.ended_by,
            }),
        }
    }
}

/// A value serialized as its `Display` text.
fn display<T: std::fmt::Display, S: serde::Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Nanoseconds serialized as seconds (numbers).
fn seconds_list<S: serde::Serializer>(samples: &&[i64], serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(samples.iter().map(|&ns| ns as f64 / 1e9))
}

/// Nanoseconds serialized as seconds with nine decimals, in a string (an f64 would
/// lose the nanoseconds of today's times).
fn seconds_text<S: serde::Serializer>(nanoseconds: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&super::analysis::seconds(*nanoseconds))
}

fn put(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.as_bytes());
}

/// Milliseconds with three decimals and the unit: `0.051 ms`.
fn milliseconds(out: &mut Vec<u8>, seconds: f64) {
    fixed(out, seconds * 1e3, 3);
    put(out, " ms");
}

/// A rate in bit/s, kbit/s or Mbit/s.
fn rate(out: &mut Vec<u8>, bits: Option<f64>) {
    match bits {
        None => put(out, "-"),
        Some(b) if b >= 1e6 => {
            fixed(out, b / 1e6, 2);
            put(out, " Mbit/s");
        }
        Some(b) if b >= 1e3 => {
            fixed(out, b / 1e3, 2);
            put(out, " kbit/s");
        }
        Some(b) => {
            fixed(out, b, 0);
            put(out, " bit/s");
        }
    }
}

/// A count worth saying: `; NAME N` when it is not zero.
fn count(out: &mut Vec<u8>, name: &str, n: u64) {
    if n > 0 {
        put(out, "; ");
        put(out, name);
        put(out, " ");
        uint(out, n);
    }
}

/// One side's lines of the text report: what it sent and how it fared (counts that
/// are zero are left out), what it offered, slow start where it showed, and the RTT
/// of its segments.
fn sender(out: &mut Vec<u8>, name: &str, s: &SenderReport, packets: u64, bytes: u64) {
    put(out, "  ");
    put(out, name);
    put(out, "  ");
    uint(out, packets);
    put(out, " packets, ");
    uint(out, bytes);
    put(out, " bytes, payload ");
    uint(out, s.payload_bytes);
    if s.retransmissions > 0 {
        put(out, "; retransmitted ");
        uint(out, s.retransmissions);
        put(out, " (");
        uint(out, s.retransmitted_bytes);
        put(out, " bytes, ");
        fixed(out, s.retransmission_rate * 100.0, 1);
        put(out, " %; ");
        uint(out, s.fast_retransmissions);
        put(out, " fast, ");
        uint(out, s.spurious_retransmissions);
        put(out, " spurious)");
    }
    count(out, "out of order", s.out_of_order);
    count(out, "not captured before", s.lost_segments);
    count(out, "dup ACKs sent", s.duplicate_acks);
    count(out, "zero windows sent", s.zero_windows);
    if let Some(window) = s.smallest_window {
        put(out, "; smallest window ");
        uint(out, u64::from(window));
    }
    put(out, "; ");
    rate(out, s.throughput);
    put(out, " (goodput ");
    rate(out, s.goodput);
    put(out, "); offered ");
    match s.sack_permitted {
        None => put(out, "(no SYN seen)"),
        Some(sack) => {
            if let Some(mss) = s.mss {
                put(out, "MSS ");
                uint(out, u64::from(mss));
                put(out, ", ");
            }
            match s.window_scale {
                Some(ws) => {
                    put(out, "WS ");
                    uint(out, u64::from(ws));
                    put(out, " (x");
                    uint(out, 1u64 << ws.min(14));
                    put(out, ")");
                }
                None => put(out, "no WS"),
            }
            if sack {
                put(out, ", SACK");
            }
            if s.timestamps == Some(true) {
                put(out, ", TS");
            }
        }
    }
    if let Some(ss) = &s.slow_start {
        put(out, "\n        slow start: ");
        uint(out, ss.rounds as u64);
        put(out, " rounds in ");
        fixed(out, ss.duration, 6);
        put(out, " s (flight ");
        for (i, f) in ss.flight.iter().enumerate() {
            if i > 0 {
                put(out, " ");
            }
            uint(out, u64::from(*f));
        }
        put(out, " bytes), ended by ");
        put(out, ss.ended_by);
    }
    if s.samples > 0 {
        put(out, "\n        SampleRTT");
        for &ns in s.sample_rtts.iter().take(20) {
            put(out, " ");
            // Milliseconds to the microsecond, from whole nanoseconds.
            let micros = (ns.max(0) as u64 + 500) / 1000;
            decimal(out, micros / 1000, micros % 1000, 3);
        }
        if s.samples > 20 {
            put(out, " ... (");
            uint(out, s.samples);
            put(out, " in all)");
        }
        put(out, " ms; EstimatedRTT ");
        milliseconds(out, s.estimated_rtt.unwrap_or(0.0));
        put(out, ", DevRTT ");
        milliseconds(out, s.dev_rtt.unwrap_or(0.0));
        put(out, ", TimeoutInterval ");
        milliseconds(out, s.timeout_interval.unwrap_or(0.0));
        put(out, ", RTO ");
        milliseconds(out, s.rto.unwrap_or(rtt::MIN_RTO));
    }
    put(out, "\n");
}

/// The text report of a TCP connection (`--analyze`, at the end).
pub fn text(out: &mut Vec<u8>, r: &Report) {
    let Some(tcp) = &r.tcp else {
        return;
    };
    put(out, "TCP stream ");
    uint(out, u64::from(r.stream));
    put(out, ": ");
    endpoint(out, &r.a);
    put(out, " (A) <-> ");
    endpoint(out, &r.b);
    put(out, " (B), ");
    put(out, tcp.state);
    put(out, " (");
    tcp.seen.write(out);
    put(out, "), ");
    fixed(out, r.duration, 6);
    put(out, " s, packets ");
    uint(out, r.first_packet);
    put(out, "..");
    uint(out, r.last_packet);
    put(out, ", handshake ");
    match tcp.handshake_rtt {
        Some(rtt) => {
            put(out, "RTT ");
            milliseconds(out, rtt);
        }
        None => put(out, "not seen whole"),
    }
    put(out, "\n");
    sender(out, "A->B", &tcp.a, r.packets_a_to_b, r.bytes_a_to_b);
    sender(out, "B->A", &tcp.b, r.packets_b_to_a, r.bytes_b_to_a);
}

/// The cells of a report's row in the conversation table, separated by tabs; `start`
/// is the capture's first packet time, which the start column counts from.
pub fn row(out: &mut Vec<u8>, r: &Report, start: i64) {
    uint(out, u64::from(r.stream));
    for cell in [&r.a, &r.b] {
        out.push(b'\t');
        endpoint(out, cell);
    }
    for n in [
        r.packets_a_to_b,
        r.bytes_a_to_b,
        r.packets_b_to_a,
        r.bytes_b_to_a,
    ] {
        out.push(b'\t');
        uint(out, n);
    }
    out.push(b'\t');
    fixed(out, (r.start_time - start) as f64 / 1e9, 6);
    out.push(b'\t');
    fixed(out, r.duration, 6);
    if let Some(tcp) = &r.tcp {
        out.push(b'\t');
        put(out, tcp.state);
        out.push(b'\t');
        tcp.seen.write(out);
        out.push(b'\t');
        match tcp.handshake_rtt {
            Some(rtt) => milliseconds(out, rtt),
            None => put(out, "-"),
        }
    }
}

/// The table's column names, as the cells of [`row`].
pub const HEADER: [&str; 12] = [
    "stream", "A", "B", "A->B", "bytes", "B->A", "bytes", "start", "duration", "state", "seen",
    "iRTT",
];
