//! `--conversations`: one row per conversation, as `tshark -z conv,tcp` (and `conv,udp`)
//! counts them (frames and bytes each way, start relative to the first packet,
//! duration), with the stream number first and, for TCP, the state reached and the
//! handshake's RTT; aligned for a terminal. ICMP exchanges between two addresses get a
//! table of their own. Rows are spilled as conversations end ([`super::spill`]), so a
//! capture of a million conversations is tabled in flat memory.

use std::io::{self, Write};

use super::report::{row, Report, HEADER};
use super::spill::Spill;
use crate::conversations::Protocol;

/// The table being made.
#[derive(Default)]
pub struct Table {
    rows: Spill,
    /// Per protocol: rows, and each column's width.
    count: [u64; 3],
    widths: [[usize; HEADER.len()]; 3],
    line: Vec<u8>,
}

impl Table {
    /// Adds a conversation's row; `start` is the capture's first packet time.
    pub fn add(&mut self, report: &Report, start: i64) -> io::Result<()> {
        self.line.clear();
        row(&mut self.line, report, start);
        let p = report.protocol as usize;
        self.count[p] += 1;
        for (column, cell) in self.line.split(|&b| b == b'\t').enumerate() {
            self.widths[p][column] = self.widths[p][column].max(cell.len());
        }
        self.rows.push(report.key(), &self.line)
    }

    /// Writes a table per protocol that has conversations.
    pub fn write(self, out: &mut impl Write) -> io::Result<()> {
        let Table {
            rows,
            count,
            mut widths,
            ..
        } = self;
        if rows.is_empty() {
            return writeln!(out, "(no conversation)");
        }
        let mut current: Option<usize> = None;
        let mut line = Vec::new();
        rows.replay(|key, cells| {
            let p = (key >> 32) as usize;
            let columns = if p == Protocol::Tcp as usize { 12 } else { 9 };
            if current != Some(p) {
                if current.is_some() {
                    out.write_all(b"\n")?;
                }
                current = Some(p);
                let title = match p {
                    0 => "TCP conversations",
                    1 => "UDP conversations",
                    _ => "ICMP exchanges",
                };
                writeln!(out, "{title} ({})", count[p])?;
                for (c, name) in HEADER.iter().enumerate().take(columns) {
                    widths[p][c] = widths[p][c].max(name.len());
                }
                let header: Vec<&[u8]> = HEADER[..columns].iter().map(|h| h.as_bytes()).collect();
                aligned(out, &mut line, header.into_iter(), &widths[p])?;
            }
            aligned(out, &mut line, cells.split(|&b| b == b'\t'), &widths[p])
        })
    }
}

/// A row: endpoints and words left-aligned, numbers right-aligned, two spaces apart.
fn aligned<'a>(
    out: &mut impl Write,
    line: &mut Vec<u8>,
    cells: impl Iterator<Item = &'a [u8]>,
    widths: &[usize],
) -> io::Result<()> {
    line.clear();
    for (c, cell) in cells.enumerate() {
        if c > 0 {
            line.extend_from_slice(b"  ");
        }
        let pad = widths[c].saturating_sub(cell.len());
        let left = matches!(c, 1 | 2) || c >= 9;
        if !left {
            line.resize(line.len() + pad, b' ');
        }
        line.extend_from_slice(cell);
        if left {
            line.resize(line.len() + pad, b' ');
        }
    }
    while line.last() == Some(&b' ') {
        line.pop();
    }
    line.push(b'\n');
    out.write_all(line)
}
