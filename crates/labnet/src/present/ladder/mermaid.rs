//! The ladder as a Mermaid `sequenceDiagram`, to paste into Markdown: a participant per
//! endpoint, a message per packet, a note for each step and analysis mark.

use std::fmt::Write as _;

use super::{clock, Ladder};

/// Text Mermaid shows as it is: `#` starts an entity and `;` may end a statement in
/// its grammar, so both are written as entities; line breaks become spaces.
fn text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The ladder as Mermaid source.
pub fn render(ladder: &Ladder) -> String {
    let mut out = String::from("sequenceDiagram\n");
    let _ = writeln!(out, "    %% {}", ladder.title());
    for k in 0..ladder.columns.len() {
        let _ = writeln!(
            out,
            "    participant P{k} as {}",
            text(&ladder.column_name(k))
        );
    }
    for row in &ladder.rows {
        let time = clock(row.time);
        let _ = writeln!(
            out,
            "    P{}->>P{}: {} {}",
            row.from,
            row.to,
            time,
            text(&row.label)
        );
        let mut note = row.marks.clone();
        if !row.note.is_empty() {
            if !note.is_empty() {
                note.push(' ');
            }
            note.push_str(&row.note);
        }
        if !note.is_empty() {
            let (a, b) = (row.from.min(row.to), row.from.max(row.to));
            let over = if a == b {
                format!("P{a}")
            } else {
                format!("P{a},P{b}")
            };
            let _ = writeln!(out, "    Note over {over}: {}", text(&note));
        }
    }
    out
}
