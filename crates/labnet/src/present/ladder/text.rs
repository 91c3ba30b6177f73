//! The ladder as text: a lifeline (`|`) per endpoint, an arrow per packet with its
//! flags and numbers written into it, the analysis marks and the step after the last
//! lifeline.

use std::io::{self, Write};

use super::{clock, Ladder};

/// Room around a label inside its arrow.
const ARROW_ENDS: usize = 8;
const MIN_GAP: usize = 24;

/// Writes the ladder.
pub fn write(out: &mut impl Write, ladder: &Ladder) -> io::Result<()> {
    writeln!(
        out,
        "{} (time: seconds since its first packet; N: packet index)",
        ladder.title()
    )?;
    if ladder.rows.is_empty() {
        return writeln!(out, "(no TCP packet)");
    }
    let widest = ladder.rows.iter().map(|r| r.label.len()).max().unwrap_or(0);
    let names: Vec<String> = (0..ladder.columns.len())
        .map(|k| ladder.column_name(k))
        .collect();
    let widest_name = names.iter().map(String::len).max().unwrap_or(0);
    let gap = (widest + ARROW_ENDS).max(widest_name + 2).max(MIN_GAP);
    let index_width = ladder
        .rows
        .iter()
        .map(|r| r.index.to_string().len())
        .max()
        .unwrap_or(1)
        .max(1);
    let prefix = index_width + 2 + 12;
    let lifeline = |k: usize| prefix + k * gap;
    let width = lifeline(ladder.columns.len() - 1) + 1;

    // The endpoints: the first starting at its lifeline, the last ending at its own,
    // the others centred over theirs.
    let last = names.len() - 1;
    let mut header = format!("{:>index_width$}  {:<12}", "N", "time").into_bytes();
    for (k, name) in names.iter().enumerate() {
        let start = match k {
            0 => lifeline(0),
            k if k == last => (lifeline(k) + 1).saturating_sub(name.len()),
            k => lifeline(k).saturating_sub(name.len() / 2),
        }
        .max(header.len() + usize::from(k > 0));
        header.resize(start, b' ');
        header.extend_from_slice(name.as_bytes());
    }
    out.write_all(&header)?;
    out.write_all(b"\n")?;

    let mut line = vec![b' '; width];
    for row in &ladder.rows {
        line.fill(b' ');
        for k in 0..ladder.columns.len() {
            line[lifeline(k)] = b'|';
        }
        let (left, right) = (
            lifeline(row.from.min(row.to)),
            lifeline(row.from.max(row.to)),
        );
        if left == right {
            // A packet an endpoint sends itself (both ends one column).
            line[left] = b'@';
        } else {
            line[left + 1..right].fill(b'-');
            if row.from < row.to {
                line[right - 1] = b'>';
            } else {
                line[left + 1] = b'<';
            }
            let label = format!(" {} ", row.label);
            let room = right - left - 1;
            if label.len() + 4 <= room {
                let at = left + 1 + (room - label.len()) / 2;
                line[at..at + label.len()].copy_from_slice(label.as_bytes());
            }
        }
        let drawn = String::from_utf8_lossy(&line);
        let mut tail = String::new();
        for part in [&row.marks, &row.note] {
            if !part.is_empty() {
                tail.push_str("  ");
                tail.push_str(part);
            }
        }
        writeln!(
            out,
            "{:>index_width$}  {:<12}{}{}",
            row.index,
            clock(row.time),
            &drawn[prefix..],
            tail
        )?;
    }
    Ok(())
}
