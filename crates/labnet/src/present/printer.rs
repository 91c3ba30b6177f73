//! What a session prints, packet by packet and at the end: the packets themselves
//! (summary, hexdump, `show()` or JSON, with `--analyze` each TCP packet's analysis
//! and at the end a report per TCP conversation), or one of the conversation views
//! that replace them: the conversation table, the ladder, a followed stream. Both
//! sessions ([`crate::live`] and [`crate::offline`]) print through a [`Printer`], so
//! a view works the same on a live capture and on a file.

use std::io::{self, Write};
use std::path::PathBuf;

use super::analysis::{self, Report};
use super::follow::FollowView;
use super::ladder::Ladder;
use super::{print_packet, table, Format, Packet, Style};
use crate::conversations::{self, Observed, Tracker};
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
    /// Annotate each packet and report each TCP conversation at the end.
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
    first_time: Option<i64>,
    printed: u64,
}

impl Printer {
    pub fn new(style: Style, view: View, analyze: Analyze) -> Printer {
        let keep = analyze.on || view == View::Conversations;
        let tracking = keep || view != View::Packets;
        let ladder = match &view {
            View::Flow { stream, .. } => Some(Ladder::new(*stream, style.absolute)),
            _ => None,
        };
        let follow = match view {
            View::Follow { stream, raw } => Some(FollowView::new(stream, raw)),
            _ => None,
        };
        Printer {
            style,
            view,
            analyze,
            tracker: tracking.then(|| Tracker::new(keep)),
            ladder,
            follow,
            first_time: None,
            printed: 0,
        }
    }

    /// Whether packets are printed one by one (so `-w` without `--print` prints none).
    pub fn prints_packets(&self) -> bool {
        self.view == View::Packets
    }

    /// Takes one packet: tracks it when a view or the analysis needs it, and prints
    /// it when `print` (the packet view, and the packet selected).
    pub fn packet(&mut self, out: &mut impl Write, packet: &Packet, print: bool) -> io::Result<()> {
        let record = packet.record;
        let time = conversations::nanoseconds(record.seconds, record.nanoseconds);
        self.first_time.get_or_insert(time);
        let observed: Option<Observed> = match self.tracker.as_mut() {
            Some(tracker) => tracker.observe(
                record.index,
                time,
                record.original_length,
                packet.dissection(),
                record.data,
            ),
            None => None,
        };
        if let (Some(ladder), Some(observed)) = (self.ladder.as_mut(), observed.as_ref()) {
            if observed.tcp.is_some() {
                let http = packet.dissection().http_line(record.data);
                ladder.add(record.index, time, observed, http);
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
        print_packet(out, &self.style, self.printed == 0, packet, annotation)?;
        self.printed += 1;
        Ok(())
    }

    /// Whether packets are followed as conversations (so every packet counts, also
    /// those not printed).
    pub fn tracks(&self) -> bool {
        self.tracker.is_some()
    }

    /// What comes after the last packet: the table, the reports, the ladder.
    pub fn finish(self, out: &mut impl Write) -> Result<()> {
        let start = self.first_time.unwrap_or(0);
        let conversations = self.tracker.map(Tracker::finish).unwrap_or_default();
        let reports: Vec<Report> = conversations.iter().map(Report::new).collect();
        let json = self.style.format == Format::Json;
        let conversations_json = json && self.view == View::Conversations;
        match self.view {
            View::Packets => {}
            View::Conversations if json => {
                json_lines(out, reports.iter()).context(|| "writing to stdout")?
            }
            View::Conversations => {
                table::write(out, &reports, start).context(|| "writing to stdout")?
            }
            View::Flow { format, .. } => {
                let ladder = self.ladder.expect("a flow view has a ladder");
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
            View::Follow { .. } => self.follow.expect("a follow view").finish(out)?,
        }
        if self.analyze.on && !conversations_json {
            let tcp = reports.iter().filter(|r| r.tcp.is_some());
            if json {
                json_lines(out, tcp)
            } else {
                text_reports(out, tcp, self.analyze.explain)
            }
            .context(|| "writing to stdout")?;
        }
        out.flush().context(|| "writing to stdout")
    }
}

/// Each report as a JSON document on a line.
fn json_lines<'a>(
    out: &mut impl Write,
    reports: impl Iterator<Item = &'a Report>,
) -> io::Result<()> {
    for report in reports {
        serde_json::to_writer(&mut *out, report)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// The TCP reports after the packets, the formulas first with `--explain`.
fn text_reports<'a>(
    out: &mut impl Write,
    reports: impl Iterator<Item = &'a Report>,
    explain: bool,
) -> io::Result<()> {
    let mut reports = reports.peekable();
    if reports.peek().is_none() {
        return Ok(());
    }
    writeln!(out)?;
    if explain {
        analysis::explain(out)?;
    }
    for report in reports {
        analysis::write_report(out, report)?;
    }
    Ok(())
}
