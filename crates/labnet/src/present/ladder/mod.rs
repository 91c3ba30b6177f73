//! The ladder diagram (`--flow`): one column per endpoint (address and port, so two
//! connections over loopback are two pairs of columns), one row per TCP packet with
//! its time, an arrow from sender to receiver, its flags, numbers and analysis marks,
//! the handshake and teardown labelled, and the request or status line of HTTP
//! messages. Drawn as text for a terminal, as SVG (self-contained, real text) and as
//! a Mermaid `sequenceDiagram` that renders in Markdown.
//!
//! The rows are made here from the conversation tracker's analysis; `text`, `svg` and
//! `mermaid` only draw them.

use std::collections::HashMap;

use super::analysis::{labels, numbers, offer_summary};
use crate::conversations::tcp::Step;
use crate::conversations::{Endpoint, Observed};
use crate::dissect::endpoints::{ACK, FIN, PSH, RST, SYN};
use crate::process::Process;

pub mod mermaid;
pub mod svg;
pub mod text;

/// One packet of the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The packet's index in the capture.
    pub index: u64,
    /// Nanoseconds since the ladder's first packet.
    pub time: i64,
    pub stream: u32,
    /// Columns of the sender and the receiver.
    pub from: usize,
    pub to: usize,
    /// Flags and numbers: `PSH, ACK Seq=1 Ack=1 Win=64256 Len=78`.
    pub label: String,
    /// Wireshark's analysis labels: `[TCP Retransmission]`.
    pub marks: String,
    /// The step (`handshake 1/3`, `teardown`) and the HTTP line.
    pub note: String,
}

/// The ladder being drawn: its columns and rows.
#[derive(Debug, Default)]
pub struct Ladder {
    pub columns: Vec<Endpoint>,
    /// The process each column's endpoint belongs to, when known (`hello-client 4121`).
    pub owners: Vec<Option<String>>,
    column_of: HashMap<Endpoint, usize>,
    pub rows: Vec<Row>,
    /// Only this stream, when one was asked for.
    pub stream: Option<u32>,
    start: Option<i64>,
    absolute: bool,
}

/// Wireshark's names for the flags set, in its order: `SYN, ACK`, `FIN, PSH, ACK`.
pub fn flag_names(flags: u16) -> String {
    const NAMES: [(u16, &str); 9] = [
        (FIN, "FIN"),
        (SYN, "SYN"),
        (RST, "RST"),
        (PSH, "PSH"),
        (ACK, "ACK"),
        (0x020, "URG"),
        (0x040, "ECE"),
        (0x080, "CWR"),
        (0x100, "AE"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        "<None>".into()
    } else {
        names.join(", ")
    }
}

/// A row's time: seconds since the ladder's first packet, to the microsecond.
fn clock(nanoseconds: i64) -> String {
    format!(
        "{}.{:06}",
        nanoseconds.div_euclid(1_000_000_000),
        nanoseconds.rem_euclid(1_000_000_000) / 1000
    )
}

impl Ladder {
    /// A ladder of `stream` (or of every TCP stream); `absolute`: raw sequence numbers.
    pub fn new(stream: Option<u32>, absolute: bool) -> Ladder {
        Ladder {
            stream,
            absolute,
            ..Ladder::default()
        }
    }

    fn column(&mut self, endpoint: Endpoint) -> usize {
        if let Some(&column) = self.column_of.get(&endpoint) {
            return column;
        }
        self.columns.push(endpoint);
        self.owners.push(None);
        self.column_of.insert(endpoint, self.columns.len() - 1);
        self.columns.len() - 1
    }

    /// A column's heading: the endpoint, and its process when known
    /// (`192.168.56.102:36844 (hello-client 4121)`).
    pub fn column_name(&self, column: usize) -> String {
        match &self.owners[column] {
            Some(owner) => format!("{} ({owner})", self.columns[column]),
            None => self.columns[column].to_string(),
        }
    }

    /// Adds a packet the tracker analysed (TCP packets of the ladder's stream only);
    /// `http` is the HTTP line it starts with, `process` the one that sent it.
    pub fn add(
        &mut self,
        index: u64,
        time: i64,
        observed: &Observed,
        http: Option<String>,
        process: Option<&Process>,
    ) {
        let Some(analysis) = &observed.tcp else {
            return;
        };
        if self.stream.is_some_and(|s| s != observed.stream) {
            return;
        }
        let (sender, receiver) = observed.ends();
        // A's column first, so the conversation reads left to right.
        let (a, b) = (self.column(observed.a), self.column(observed.b));
        let (from, to) = if sender == observed.a && receiver == observed.b {
            (a, b)
        } else {
            (b, a)
        };
        if let (None, Some(process)) = (&self.owners[from], process) {
            self.owners[from] = Some(format!("{} {}", process.comm, process.pid));
        }
        let start = *self.start.get_or_insert(time);
        let mut label = flag_names(analysis.flags);
        label.push(' ');
        numbers(&mut label, analysis, self.absolute);
        if let Some(offer) = analysis.offer {
            let options = offer_summary(&offer);
            if !options.is_empty() {
                label.push(' ');
                label.push_str(&options);
            }
        }
        let mut note = match analysis.step {
            Some(Step::Handshake(n)) => format!("handshake {n}/3"),
            Some(Step::Fin { acks_fin: false }) => "teardown: FIN".into(),
            Some(Step::Fin { acks_fin: true }) => "teardown: FIN (and ACK of FIN)".into(),
            Some(Step::FinAck) => "teardown: ACK of FIN".into(),
            Some(Step::Reset) => "reset".into(),
            None => String::new(),
        };
        if let Some(line) = http {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str(&line);
        }
        self.rows.push(Row {
            index,
            time: time - start,
            stream: observed.stream,
            from,
            to,
            label,
            marks: labels(analysis),
            note,
        });
    }

    /// What the ladder shows, for its title: `tcp.stream 3`, or every TCP stream.
    pub fn title(&self) -> String {
        match self.stream {
            Some(stream) => format!("TCP flow of tcp.stream {stream}"),
            None => "TCP flow of every TCP stream".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_named_in_wiresharks_order() {
        assert_eq!(flag_names(SYN), "SYN");
        assert_eq!(flag_names(SYN | ACK), "SYN, ACK");
        assert_eq!(flag_names(FIN | PSH | ACK), "FIN, PSH, ACK");
        assert_eq!(flag_names(0), "<None>");
    }
}
