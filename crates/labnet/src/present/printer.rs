//! What a session prints, packet by packet and at the end: the packets themselves
//! (summary, hexdump, `show()` or JSON, with `--analyze` each TCP packet's analysis
//! and at the end a report per TCP connection), or one of the conversation views that
//! replace them: the conversation table, the ladder, a followed stream. Both sessions
//! ([`crate::live`] and [`crate::offline`]) print through a [`Printer`], so a view
//! works the same on a live capture and on a file.
//!
//! Conversations are reported as they end (the tracker retires them), into a
//! [`Spill`], and printed in stream order after the last packet: memory stays flat
//! however many conversations a capture holds.

use std::io::{self, Write};
use std::path::PathBuf;

use super::follow::FollowView;
use super::ladder::Ladder;
use super::report::{self, Report};
use super::spill::Spill;
use super::table::Table;
use super::{analysis, print_packet, Format, Packet, Style};
use crate::conversations::{self, Conversation, Observed, Tracker};
use crate::error::{Context, Result};

/// How the ladder is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowFormat {
    Text,
    /// Into this file.
    Svg(PathBuf),
    Mermaid,
}

/// What is printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum View {
    /// Each packet, in the style's format.
    Packets,
    /// The conversation table at the end (`--conversations`).
    Conversations,
    /// The ladder of one stream or of all (`--flow`).
    Flow {
        stream: Option<u32>,
        format: FlowFormat,
    },
    /// A stream's bytes (`--follow`); `raw`: the bytes alone.
    Follow { stream: u32, raw: bool },
}

/// The TCP analysis options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Analyze {
    /// Annotate each packet and report each TCP connection at the end.
    pub on: bool,
    /// Print the RTT formulas before the reports.
    pub explain: bool,
}

/// Prints a session's packets and views.
pub struct Printer {
    style: Style,
    view: View,
    analyze: Analyze,
    tracker: Option<Tracker>,
    ladder: Option<Ladder>,
    follow: Option<FollowView>,
    /// `--conversations`: as a table, or (`--json`) a document per conversation.
    table: Option<Table>,
    /// Conversation documents (`--conversations --json`) or connection reports
    /// (`--analyze`), in stream order at the end.
    reports: Option<Spill>,
    first_time: Option<i64>,
    printed: u64,
    /// The time column's memory (`-ttt`, `-ttttt`).
    clock: super::habits::Clock,
    piece: Vec<u8>,
}

impl Printer {
    pub fn new(style: Style, view: View, analyze: Analyze) -> Printer {
        let json = style.format == Format::Json;
        let tracking = analyze.on || view != View::Packets;
        let ladder = match &view {
            View::Flow { stream, .. } => Some(Ladder::new(*stream, style.absolute)),
            _ => None,
        };
        let follow = match view {
            View::Follow { stream, raw } => Some(FollowView::new(stream, raw)),
            _ => None,
        };
        let table = (view == View::Conversations && !json).then(Table::default);
        let reports = (analyze.on || view == View::Conversations && json).then(Spill::default);
        Printer {
            style,
            view,
            analyze,
            tracker: tracking.then(Tracker::new),
            ladder,
            follow,
            table,
            reports,
            first_time: None,
            printed: 0,
            clock: Default::default(),
            piece: Vec::new(),
        }
    }

    /// Whether packets are followed as conversations (so every packet counts, also
    /// those not printed).
    pub fn tracks(&self) -> bool {
        self.tracker.is_some()
    }

    /// Takes one packet: tracks it when a view or the analysis needs it, and prints
    /// it when `print` (the packet view, and the packet selected).
    #[inline]
    pub fn packet(&mut self, out: &mut impl Write, packet: &Packet, print: bool) -> io::Result<()> {
        // Nothing followed and nothing printed (`-w` alone, the busiest case): not even
        // the call (measured: a tenth of such a capture's time went into it).
        if self.tracker.is_none() && !(print && self.view == View::Packets) {
            return Ok(());
        }
        self.track_and_print(out, packet, print)
    }

    #[inline(never)]
    fn track_and_print(
        &mut self,
        out: &mut impl Write,
        packet: &Packet,
        print: bool,
    ) -> io::Result<()> {
        let record = packet.record;
        let time = conversations::nanoseconds(record.seconds, record.nanoseconds);
        self.first_time.get_or_insert(time);
        let observed: Option<Observed> = match self.tracker.as_mut() {
            Some(tracker) => {
                let observed = tracker.observe(
                    record.index,
                    time,
                    record.original_length,
                    packet.dissection(),
                    record.data,
                );
                for conversation in tracker.take_retired() {
                    self.retire(&conversation)?;
                }
                observed
            }
            None => None,
        };
        if let (Some(ladder), Some(observed)) = (self.ladder.as_mut(), observed.as_ref()) {
            if observed.tcp.is_some() {
                let http = packet.dissection().http_line(record.data);
                let sender = packet.attribution.and_then(|a| a.process.as_deref());
                ladder.add(record.index, time, observed, http, sender);
            }
        }
        if let (Some(follow), Some(observed)) = (self.follow.as_mut(), observed.as_ref()) {
            if let Some(tcp) = &observed.tcp {
                let payload = record.data.get(tcp.payload.clone()).unwrap_or(&[]);
                follow.packet(out, observed, record.index, payload)?;
            }
        }
        if !print || self.view != View::Packets {
            return Ok(());
        }
        let annotation = observed.as_ref().filter(|_| self.analyze.on);
        print_packet(
            out,
            &self.style,
            &mut self.clock,
            self.printed == 0,
            packet,
            annotation,
        )?;
        self.printed += 1;
        Ok(())
    }

    /// A conversation is over: its row and its report are made now, printed at the
    /// end.
    fn retire(&mut self, conversation: &Conversation) -> io::Result<()> {
        if self.table.is_none() && self.reports.is_none() {
            return Ok(());
        }
        if conversation.packets == [0, 0] {
            return Ok(());
        }
        let report = Report::new(conversation);
        if let Some(table) = self.table.as_mut() {
            table.add(&report, self.first_time.unwrap_or(0))?;
        }
        let Some(reports) = self.reports.as_mut() else {
            return Ok(());
        };
        let json = self.style.format == Format::Json;
        let every = self.view == View::Conversations;
        if !every && report.tcp.is_none() {
            return Ok(());
        }
        self.piece.clear();
        if json {
            serde_json::to_writer(&mut self.piece, &report)?;
            self.piece.push(b'\n');
        } else {
            report::text(&mut self.piece, &report);
        }
        reports.push(report.key(), &self.piece)
    }

    /// What comes after the last packet: the table, the reports, the ladder.
    pub fn finish(mut self, out: &mut impl Write) -> Result<()> {
        if let Some(tracker) = self.tracker.take() {
            if tracker.evicted_early() > 0 {
                // A stated limit was hit: say so, and what it changes.
                eprintln!(
                    "webcapture: note: more than {} conversations were open at once; the {} idle longest were closed early (a later packet of one starts a new stream)",
                    conversations::MAX_OPEN,
                    tracker.evicted_early()
                );
            }
            for conversation in tracker.finish() {
                self.retire(&conversation)
                    .context(|| "keeping the report")?;
            }
        }
        match self.view {
            View::Packets | View::Conversations => {}
            View::Flow { format, .. } => {
                let ladder = self.ladder.take().expect("a flow view has a ladder");
                match format {
                    FlowFormat::Text => {
                        super::ladder::text::write(out, &ladder).context(|| "writing to stdout")?
                    }
                    FlowFormat::Mermaid => out
                        .write_all(super::ladder::mermaid::render(&ladder).as_bytes())
                        .context(|| "writing to stdout")?,
                    FlowFormat::Svg(path) => {
                        std::fs::write(&path, super::ladder::svg::render(&ladder))
                            .context(|| format!("writing {}", path.display()))?;
                        eprintln!(
                            "webcapture: wrote {} ({} packets)",
                            path.display(),
                            ladder.rows.len()
                        );
                    }
                }
            }
            View::Follow { .. } => self.follow.take().expect("a follow view").finish(out)?,
        }
        if let Some(table) = self.table.take() {
            table.write(out).context(|| "writing to stdout")?;
        }
        if let Some(reports) = self.reports.take() {
            let text = self.style.format != Format::Json;
            let explain = self.analyze.explain;
            let write = |out: &mut dyn Write| -> io::Result<()> {
                if text && !reports.is_empty() {
                    writeln!(out)?;
                    if explain {
                        analysis::explain(out)?;
                    }
                }
                reports.replay(|_, piece| {
                    out.write_all(piece)?;
                    if text {
                        out.write_all(b"\n")?;
                    }
                    Ok(())
                })
            };
            write(out).context(|| "writing to stdout")?;
        }
        out.flush().context(|| "writing to stdout")
    }
}
