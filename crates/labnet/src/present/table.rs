//! `--conversations`: one row per conversation, as `tshark -z conv,tcp` (and `conv,udp`)
//! counts them (frames and bytes each way, start relative to the first packet,
//! duration), with the stream number first and, for TCP, the state reached and the
//! handshake's RTT; aligned for a terminal. ICMP exchanges between two addresses get a
//! table of their own.

use std::io::{self, Write};

use super::analysis::{milliseconds, Report};
use crate::conversations::Protocol;

/// Writes a table per protocol that has conversations; `start` is the first packet's
/// time (nanoseconds), what the Start column counts from.
pub fn write(out: &mut impl Write, reports: &[Report], start: i64) -> io::Result<()> {
    let mut first = true;
    for protocol in [Protocol::Tcp, Protocol::Udp, Protocol::Icmp] {
        let rows: Vec<&Report> = reports.iter().filter(|r| r.protocol == protocol).collect();
        if rows.is_empty() {
            continue;
        }
        if !first {
            writeln!(out)?;
        }
        first = false;
        let title = match protocol {
            Protocol::Tcp => "TCP conversations",
            Protocol::Udp => "UDP conversations",
            Protocol::Icmp => "ICMP exchanges",
        };
        writeln!(out, "{title} ({})", rows.len())?;
        let tcp = protocol == Protocol::Tcp;
        let mut header: Vec<String> = [
            "stream", "A", "B", "A->B", "bytes", "B->A", "bytes", "start", "duration",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if tcp {
            header.extend(["state".into(), "seen".into(), "iRTT".into()]);
        }
        let mut table: Vec<Vec<String>> = vec![header];
        for r in &rows {
            let begin = (r.start_time - start) as f64 / 1e9;
            let mut row = vec![
                r.stream.to_string(),
                r.a.clone(),
                r.b.clone(),
                r.packets_a_to_b.to_string(),
                r.bytes_a_to_b.to_string(),
                r.packets_b_to_a.to_string(),
                r.bytes_b_to_a.to_string(),
                format!("{begin:.6}"),
                format!("{:.6}", r.duration),
            ];
            if let Some(t) = &r.tcp {
                row.push(t.state.into());
                row.push(if t.seen.is_empty() {
                    "-".into()
                } else {
                    t.seen.clone()
                });
                row.push(t.handshake_rtt.map_or("-".into(), milliseconds));
            }
            table.push(row);
        }
        let columns = table[0].len();
        let widths: Vec<usize> = (0..columns)
            .map(|c| table.iter().map(|row| row[c].len()).max().unwrap_or(0))
            .collect();
        for row in &table {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                // Endpoints and words left-aligned, numbers right-aligned.
                let left = matches!(c, 1 | 2) || c >= 9;
                if c > 0 {
                    line.push_str("  ");
                }
                if left {
                    line.push_str(&format!("{cell:<width$}", width = widths[c]));
                } else {
                    line.push_str(&format!("{cell:>width$}", width = widths[c]));
                }
            }
            writeln!(out, "{}", line.trim_end())?;
        }
    }
    if first {
        writeln!(out, "(no conversation)")?;
    }
    Ok(())
}
