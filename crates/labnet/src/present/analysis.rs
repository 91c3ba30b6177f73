//! `--analyze`: what the TCP analysis says of each packet, in the words Wireshark's
//! Info column uses (`Seq=1 Ack=1 Win=64256 Len=78 [TCP Retransmission]`), as a
//! `show()`-style section and as the `tcp_analysis` JSON object; and at the end, a
//! report per TCP conversation: the handshake, the options each side offered,
//! SampleRTTs with RFC 6298's estimate, retransmissions, the smallest window,
//! throughput and slow start.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::conversations::tcp::{Analysis, Connection, Offer, Sender};
use crate::conversations::{rtt, Conversation, Observed, Protocol};

/// Seconds with nine decimals, as tshark prints times.
pub fn seconds(nanoseconds: i64) -> String {
    let sign = if nanoseconds < 0 { "-" } else { "" };
    let n = nanoseconds.unsigned_abs();
    format!("{sign}{}.{:09}", n / 1_000_000_000, n % 1_000_000_000)
}

/// Milliseconds with three decimals (`0.051 ms`).
pub fn milliseconds(seconds: f64) -> String {
    format!("{:.3} ms", seconds * 1e3)
}

/// The flags' labels as Wireshark's Info column shows them, with a duplicate ACK's
/// number: `[TCP Dup ACK 4#2] [TCP Window Update]`.
pub fn labels(analysis: &Analysis) -> String {
    let mut text = String::new();
    for (flag, _, label) in analysis.analysis.iter() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push('[');
        text.push_str(label);
        if let (crate::conversations::tcp::Flags::DUPLICATE_ACK, Some((n, of))) =
            (flag, analysis.dupack)
        {
            let _ = write!(text, " {of}#{n}");
        }
        text.push(']');
    }
    text
}

/// The numbers of a segment as Wireshark's Info column: `Seq=1 Ack=1 Win=64256 Len=78`
/// (`absolute`: the raw numbers, tcpdump's `-S`).
pub fn numbers(text: &mut String, analysis: &Analysis, absolute: bool) {
    let seq = if absolute {
        analysis.seq_raw
    } else {
        analysis.seq
    };
    let _ = write!(text, "Seq={seq}");
    if let Some(ack) = analysis.ack {
        let ack = if absolute { analysis.ack_raw } else { ack };
        let _ = write!(text, " Ack={ack}");
    }
    let _ = write!(text, " Win={}", analysis.window);
    if let Some(len) = analysis.len {
        let _ = write!(text, " Len={len}");
    }
}

/// What `--analyze` appends to a summary line: `  [tcp.stream 0] Seq=1 Ack=1 Win=502
/// Len=0 ACK-RTT=0.000051 [TCP Dup ACK 4#1]`; UDP and ICMP packets get their stream.
pub fn append_to_summary(line: &mut String, observed: &Observed, absolute: bool) {
    let _ = write!(
        line,
        "  [{}.stream {}]",
        observed.protocol.name(),
        observed.stream
    );
    let Some(analysis) = &observed.tcp else {
        return;
    };
    line.push(' ');
    numbers(line, analysis, absolute);
    if let Some((_, Some(rtt))) = analysis.acks {
        let _ = write!(line, " ACK-RTT={}", seconds(rtt));
    }
    if !analysis.analysis.is_empty() {
        line.push(' ');
        line.push_str(&labels(analysis));
    }
}

/// `--analyze` under `--show`: a section after the packet's layers, in `show()`'s form.
pub fn show(out: &mut impl Write, observed: &Observed, absolute: bool) -> io::Result<()> {
    writeln!(out, "###[ Conversation ]### (labnet)")?;
    let line = |out: &mut dyn Write, name: &str, value: &dyn std::fmt::Display| {
        writeln!(out, "  {name:<10}= {value}")
    };
    line(out, "protocol", &observed.protocol.name())?;
    line(out, "stream", &observed.stream)?;
    let (from, to) = observed.ends();
    line(
        out,
        "direction",
        &format!(
            "{from} > {to} ({})",
            if observed.from_b { "B to A" } else { "A to B" }
        ),
    )?;
    let Some(a) = &observed.tcp else {
        return Ok(());
    };
    let (seq, ack) = if absolute {
        (a.seq_raw, a.ack.map(|_| a.ack_raw))
    } else {
        (a.seq, a.ack)
    };
    let kind = if absolute { "absolute" } else { "relative" };
    line(out, "seq", &format!("{seq} ({kind}; raw {})", a.seq_raw))?;
    if let Some(ack) = ack {
        line(out, "ack", &format!("{ack} ({kind}; raw {})", a.ack_raw))?;
    }
    if let Some(len) = a.len {
        line(out, "len", &len)?;
    }
    if let Some(next) = a.next_seq() {
        line(out, "nextseq", &next)?;
    }
    let scale = if a.window_raw != 0 && a.window != u32::from(a.window_raw) {
        format!(
            " ({} x {})",
            a.window_raw,
            a.window / u32::from(a.window_raw)
        )
    } else {
        String::new()
    };
    line(out, "window", &format!("{}{scale}", a.window))?;
    if let Some((packet, rtt)) = a.acks {
        let after = rtt.map_or_else(String::new, |r| format!(", {} s later", seconds(r)));
        line(out, "acks", &format!("packet {packet}{after}"))?;
    }
    if let Some(sample) = a.rtt_sample {
        line(out, "SampleRTT", &format!("{} s", seconds(sample)))?;
    }
    if !a.analysis.is_empty() {
        line(out, "analysis", &labels(a))?;
    }
    Ok(())
}

/// The `tcp_analysis` object of a packet's JSON document.
#[derive(Serialize)]
pub struct Json {
    stream: u32,
    /// Relative to the direction's initial sequence number.
    seq: u32,
    ack: Option<u32>,
    len: Option<u32>,
    /// tshark's `tcp.analysis.*` names.
    flags: Vec<&'static str>,
    /// Seconds from the segment this packet acknowledges (tshark's `ack_rtt`).
    ack_rtt: Option<f64>,
    seq_raw: u32,
    ack_raw: u32,
    next_seq: Option<u32>,
    /// Scaled by the negotiated window scale.
    window: u32,
    acks_packet: Option<u64>,
    duplicate_ack: Option<DuplicateAck>,
    /// A SampleRTT (Karn's rule: none for a retransmitted segment), seconds.
    rtt_sample: Option<f64>,
    /// From A (the sender of the conversation's first packet) or B.
    from: &'static str,
}

#[derive(Serialize)]
struct DuplicateAck {
    number: u32,
    of_packet: u64,
}

impl Json {
    pub fn new(observed: &Observed) -> Option<Json> {
        let a = observed.tcp.as_ref()?;
        let secs = |ns: i64| ns as f64 / 1e9;
        Some(Json {
            stream: observed.stream,
            seq: a.seq,
            ack: a.ack,
            len: a.len,
            flags: a.analysis.iter().map(|(_, name, _)| name).collect(),
            ack_rtt: a.acks.and_then(|(_, rtt)| rtt).map(secs),
            seq_raw: a.seq_raw,
            ack_raw: a.ack_raw,
            next_seq: a.next_seq(),
            window: a.window,
            acks_packet: a.acks.map(|(packet, _)| packet),
            duplicate_ack: a
                .dupack
                .map(|(number, of_packet)| DuplicateAck { number, of_packet }),
            rtt_sample: a.rtt_sample.map(secs),
            from: if a.from_b { "B" } else { "A" },
        })
    }
}

/// One conversation as a report: the row of the conversation table, and for TCP what
/// the analysis found. Serialized as `--conversations --json`'s documents.
#[derive(Serialize)]
pub struct Report {
    pub protocol: Protocol,
    pub stream: u32,
    pub a: String,
    pub b: String,
    /// Packets and frame bytes from A to B, and from B to A.
    pub packets_a_to_b: u64,
    pub bytes_a_to_b: u64,
    pub packets_b_to_a: u64,
    pub bytes_b_to_a: u64,
    /// Seconds since the epoch.
    pub start: String,
    /// The same, in nanoseconds.
    #[serde(skip)]
    pub start_time: i64,
    pub duration: f64,
    pub first_packet: u64,
    pub last_packet: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<TcpReport>,
}

/// What the analysis found in one TCP conversation.
#[derive(Serialize)]
pub struct TcpReport {
    /// "handshake", "established", "closed", "reset", "open" (no handshake seen).
    pub state: &'static str,
    /// Wireshark's completeness letters: S (SYN), SA, A, D (data), F, R.
    pub seen: String,
    /// Seconds from the SYN to the ACK that completed the handshake.
    pub handshake_rtt: Option<f64>,
    pub a: SenderReport,
    pub b: SenderReport,
}

/// One side of a TCP conversation: what it offered and how its segments fared.
#[derive(Serialize)]
pub struct SenderReport {
    pub mss: Option<u16>,
    pub window_scale: Option<u8>,
    pub sack_permitted: Option<bool>,
    pub timestamps: Option<bool>,
    pub payload_bytes: u64,
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
    pub sample_rtts: Vec<f64>,
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
    /// Round trips the flight doubled in.
    pub rounds: usize,
    /// The largest flight (bytes sent, not yet acknowledged) of each round.
    pub flight: Vec<u32>,
    /// "loss" (a retransmission ended it), "growth" (the flight stopped doubling),
    /// "end" (the data ended first).
    pub ended_by: &'static str,
}

impl Report {
    pub fn new(c: &Conversation) -> Report {
        let duration = (c.last_time - c.first_time) as f64 / 1e9;
        Report {
            protocol: c.protocol,
            stream: c.stream,
            a: c.a.to_string(),
            b: c.b.to_string(),
            packets_a_to_b: c.packets[0],
            bytes_a_to_b: c.bytes[0],
            packets_b_to_a: c.packets[1],
            bytes_b_to_a: c.bytes[1],
            start: seconds(c.first_time),
            start_time: c.first_time,
            duration,
            first_packet: c.first_packet,
            last_packet: c.last_packet,
            tcp: c.tcp.as_deref().map(|tcp| TcpReport::new(tcp, c, duration)),
        }
    }
}

impl TcpReport {
    fn new(tcp: &Connection, c: &Conversation, duration: f64) -> TcpReport {
        use crate::conversations::tcp::completeness as k;
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
        let mut seen = String::new();
        for (bit, letter) in [
            (k::SYN, "S"),
            (k::SYN_ACK, "SA"),
            (k::ACK, "A"),
            (k::DATA, "D"),
            (k::FIN, "F"),
            (k::RST, "R"),
        ] {
            if bits & bit != 0 {
                seen.push_str(letter);
                seen.push(' ');
            }
        }
        seen.pop();
        TcpReport {
            state,
            seen,
            handshake_rtt: tcp.handshake_rtt().map(|ns| ns as f64 / 1e9),
            a: SenderReport::new(&tcp.senders[0], c.bytes[0], duration),
            b: SenderReport::new(&tcp.senders[1], c.bytes[1], duration),
        }
    }
}

impl SenderReport {
    fn new(s: &Sender, frame_bytes: u64, duration: f64) -> SenderReport {
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
            retransmissions: s.retransmissions,
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
            sample_rtts: rtt.samples.iter().map(|&ns| ns as f64 / 1e9).collect(),
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

fn offer_text(r: &SenderReport) -> String {
    if r.sack_permitted.is_none() {
        return "(no SYN seen)".into();
    }
    let mut parts = Vec::new();
    if let Some(mss) = r.mss {
        parts.push(format!("MSS {mss}"));
    }
    parts.push(match r.window_scale {
        Some(ws) => format!("WS {ws} (x{})", 1u32 << ws.min(14)),
        None => "no WS".into(),
    });
    if r.sack_permitted == Some(true) {
        parts.push("SACK".into());
    }
    if r.timestamps == Some(true) {
        parts.push("TS".into());
    }
    parts.join(", ")
}

fn rate(bits: Option<f64>) -> String {
    match bits {
        None => "-".into(),
        Some(b) if b >= 1e6 => format!("{:.2} Mbit/s", b / 1e6),
        Some(b) if b >= 1e3 => format!("{:.2} kbit/s", b / 1e3),
        Some(b) => format!("{b:.0} bit/s"),
    }
}

/// The text report of one TCP conversation (`--analyze`, at the end).
pub fn write_report(out: &mut impl Write, report: &Report) -> io::Result<()> {
    let Some(tcp) = &report.tcp else {
        return Ok(());
    };
    writeln!(
        out,
        "TCP stream {}: {} (A) <-> {} (B)",
        report.stream, report.a, report.b
    )?;
    let handshake = tcp.handshake_rtt.map_or_else(
        || "not seen whole".into(),
        |r| format!("iRTT {}", milliseconds(r)),
    );
    writeln!(
        out,
        "  state            {} (seen: {}), {:.6} s, packets {}..{}",
        tcp.state,
        if tcp.seen.is_empty() { "-" } else { &tcp.seen },
        report.duration,
        report.first_packet,
        report.last_packet
    )?;
    writeln!(out, "  handshake        {handshake}")?;
    let row = |out: &mut dyn Write, name: &str, a: String, b: String| {
        writeln!(out, "  {name:<16} {a:<34} {b}")
    };
    row(out, "", "A -> B".into(), "B -> A".into())?;
    row(out, "offered", offer_text(&tcp.a), offer_text(&tcp.b))?;
    row(
        out,
        "packets",
        format!("{} ({} bytes)", report.packets_a_to_b, report.bytes_a_to_b),
        format!("{} ({} bytes)", report.packets_b_to_a, report.bytes_b_to_a),
    )?;
    let each = |f: &dyn Fn(&SenderReport) -> String| (f(&tcp.a), f(&tcp.b));
    let pairs: [(&str, (String, String)); 9] = [
        ("payload", each(&|s| format!("{} bytes", s.payload_bytes))),
        (
            "retransmitted",
            each(&|s| {
                format!(
                    "{} ({} bytes, {:.1} %)",
                    s.retransmissions + s.fast_retransmissions + s.spurious_retransmissions,
                    s.retransmitted_bytes,
                    s.retransmission_rate * 100.0
                )
            }),
        ),
        (
            "  of which",
            each(&|s| {
                format!(
                    "{} fast, {} spurious",
                    s.fast_retransmissions, s.spurious_retransmissions
                )
            }),
        ),
        (
            "out of order",
            each(&|s| {
                format!(
                    "{} (lost before capture: {})",
                    s.out_of_order, s.lost_segments
                )
            }),
        ),
        ("dup ACKs sent", each(&|s| s.duplicate_acks.to_string())),
        (
            "smallest window",
            each(&|s| {
                s.smallest_window.map_or("-".into(), |w| {
                    format!("{w} ({} zero-window)", s.zero_windows)
                })
            }),
        ),
        ("throughput", each(&|s| rate(s.throughput))),
        ("goodput", each(&|s| rate(s.goodput))),
        (
            "slow start",
            each(&|s| match &s.slow_start {
                None => "not visible".into(),
                Some(ss) => format!(
                    "{} rounds, {:.3} s, ended by {}",
                    ss.rounds, ss.duration, ss.ended_by
                ),
            }),
        ),
    ];
    for (name, (a, b)) in pairs {
        row(out, name, a, b)?;
    }
    for (side, s) in [("A", &tcp.a), ("B", &tcp.b)] {
        if s.samples == 0 {
            writeln!(out, "  SampleRTT ({side}'s segments): none")?;
            continue;
        }
        let mut list = String::new();
        for (i, r) in s.sample_rtts.iter().take(20).enumerate() {
            if i > 0 {
                list.push_str(", ");
            }
            let _ = write!(list, "{:.3}", r * 1e3);
        }
        if s.samples > 20 {
            let _ = write!(list, ", ... ({} in all)", s.samples);
        }
        writeln!(out, "  SampleRTT ({side}'s segments, ms): {list}")?;
        writeln!(
            out,
            "    EstimatedRTT {}  DevRTT {}  TimeoutInterval {}  RTO {}",
            milliseconds(s.estimated_rtt.unwrap_or(0.0)),
            milliseconds(s.dev_rtt.unwrap_or(0.0)),
            milliseconds(s.timeout_interval.unwrap_or(0.0)),
            milliseconds(s.rto.unwrap_or(rtt::MIN_RTO)),
        )?;
    }
    writeln!(out)
}

/// The handout's formulas, printed once before the reports (`--explain`).
pub fn explain(out: &mut impl Write) -> io::Result<()> {
    out.write_all(rtt::EXPLANATION.as_bytes())?;
    writeln!(out)
}

/// What each side offered, as a short text for ladder headers.
pub fn offer_summary(offer: &Offer) -> String {
    let mut parts = Vec::new();
    if let Some(mss) = offer.mss {
        parts.push(format!("MSS={mss}"));
    }
    if let Some(ws) = offer.window_scale {
        parts.push(format!("WS={}", 1u32 << ws.min(14)));
    }
    if offer.sack_permitted {
        parts.push("SACK_PERM".into());
    }
    if offer.timestamps {
        parts.push("TS".into());
    }
    parts.join(" ")
}
