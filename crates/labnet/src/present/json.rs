//! labnet's JSON of a packet: one document per packet, on one line, holding its place
//! in the capture, Scapy's summary and every layer with its TCP/IP layer, byte range
//! and fields (each with its byte range, bit range, value and Scapy's text for it).

use std::io::{self, Write};

use serde::Serialize;

use super::{summary, Style};
use crate::dissect::checksum::{self, Verdict};
use crate::dissect::{Dissection, Field};
use crate::pcap::Record;
use crate::process::{Attribution, ProcessJson};

#[derive(Serialize)]
struct Packet<'a> {
    index: u64,
    /// Seconds since the epoch, to the nanosecond.
    time: String,
    link_type: u32,
    captured_length: usize,
    original_length: u32,
    summary: String,
    layers: Vec<Layer>,
    /// With --analyze, for a TCP segment: Wireshark's analysis of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp_analysis: Option<super::analysis::Json>,
    /// With attribution (live) or from the file: the packet's process.
    #[serde(skip_serializing_if = "Option::is_none")]
    process: Option<ProcessJson<'a>>,
}

#[derive(Serialize)]
struct Layer {
    /// Scapy's class (`IP`), as in the summary.
    class: &'static str,
    /// Scapy's layer name (`IP in ICMP`), as in `show()`.
    name: &'static str,
    tcpip: crate::dissect::TcpIpLayer,
    offset: usize,
    length: usize,
    fields: Vec<Field>,
    /// With --verify-checksums, for layers with a checksum captured whole.
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum: Option<ChecksumVerdict>,
}

#[derive(Serialize)]
struct ChecksumVerdict {
    /// "correct", "incorrect" or "absent" (UDP over IPv4 without one).
    verdict: &'static str,
    /// What the checksum should be, when it is incorrect.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<u16>,
}

impl From<Verdict> for ChecksumVerdict {
    fn from(verdict: Verdict) -> Self {
        match verdict {
            Verdict::Correct => ChecksumVerdict {
                verdict: "correct",
                expected: None,
            },
            Verdict::Absent => ChecksumVerdict {
                verdict: "absent",
                expected: None,
            },
            Verdict::Incorrect { expected } => ChecksumVerdict {
                verdict: "incorrect",
                expected: Some(expected),
            },
        }
    }
}

/// Writes the packet's JSON document and a newline.
pub fn json(
    out: &mut impl Write,
    record: &Record,
    dissection: &Dissection,
    style: &Style,
    analysis: Option<&crate::conversations::Observed>,
    attribution: Option<&Attribution>,
) -> io::Result<()> {
    let data = record.data;
    let (seconds, nanoseconds) = record.time();
    let packet = Packet {
        index: record.index,
        time: format!("{seconds}.{nanoseconds:09}"),
        link_type: record.link_type,
        captured_length: data.len(),
        original_length: record.original_length,
        summary: summary(dissection, data, style.ports),
        layers: dissection
            .layers
            .iter()
            .enumerate()
            .map(|(i, layer)| Layer {
                class: layer.class(),
                name: layer.name(),
                tcpip: layer.tcpip(),
                offset: layer.range.start,
                length: layer.range.len(),
                fields: layer.fields(data),
                checksum: style
                    .verify_checksums
                    .then(|| checksum::verify(dissection, i, data))
                    .flatten()
                    .map(ChecksumVerdict::from),
            })
            .collect(),
        tcp_analysis: analysis.and_then(super::analysis::Json::new),
        process: attribution.map(ProcessJson::from),
    };
    serde_json::to_writer(&mut *out, &packet)?;
    out.write_all(b"\n")
}
