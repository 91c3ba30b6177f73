//! `--analyze`: what the TCP analysis says of each packet, in the words Wireshark's
//! Info column uses (`Seq=1 Ack=1 Win=64256 Len=78 [TCP Retransmission]`), after its
//! summary line, as a `show()`-style section and as the `tcp_analysis` JSON object.
//! The report of each connection at the end is [`super::report`].

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::conversations::tcp::{Analysis, Offer};
use crate::conversations::{rtt, Observed};

/// Seconds with nine decimals, as tshark prints times.
pub fn seconds(nanoseconds: i64) -> String {
    let mut out = String::with_capacity(24);
    super::text::seconds(&mut out, nanoseconds);
    out
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
/// (`absolute`: the raw numbers, tcpdump's `-S`). Written without `core::fmt`: this
/// runs once per packet.
pub fn numbers(text: &mut String, analysis: &Analysis, absolute: bool) {
    let mut number = itoa::Buffer::new();
    let seq = if absolute {
        analysis.seq_raw
    } else {
        analysis.seq
    };
    text.push_str("Seq=");
    text.push_str(number.format(seq));
    if let Some(ack) = analysis.ack {
        text.push_str(" Ack=");
        text.push_str(number.format(if absolute { analysis.ack_raw } else { ack }));
    }
    text.push_str(" Win=");
    text.push_str(number.format(analysis.window));
    if let Some(len) = analysis.len {
        text.push_str(" Len=");
        text.push_str(number.format(len));
    }
}

/// What `--analyze` appends to a summary line: `  [tcp.stream 0] Seq=1 Ack=1 Win=502
/// Len=0 ACK-RTT=0.000051000 [TCP Dup ACK 4#1]`; UDP and ICMP packets get their stream.
pub fn append_to_summary(line: &mut String, observed: &Observed, absolute: bool) {
    line.push_str("  [");
    line.push_str(observed.protocol.name());
    line.push_str(".stream ");
    line.push_str(itoa::Buffer::new().format(observed.stream));
    line.push(']');
    let Some(analysis) = &observed.tcp else {
        return;
    };
    line.push(' ');
    numbers(line, analysis, absolute);
    if let Some((_, Some(rtt))) = analysis.acks {
        line.push_str(" ACK-RTT=");
        super::text::seconds(line, rtt);
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
    /// The `tcp.analysis.*` fields tshark shows, by name.
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
            flags: a.analysis.field_names().collect(),
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

/// The handout's formulas, printed once before the reports (`--explain`).
pub fn explain(out: &mut (impl Write + ?Sized)) -> io::Result<()> {
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
