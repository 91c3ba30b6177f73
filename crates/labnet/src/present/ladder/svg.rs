//! The ladder as a self-contained SVG: real text (searchable, copyable), no fonts or
//! scripts to fetch; each packet a `<g class="packet" data-index="N">` with its time,
//! its arrow, its label and its marks.

use std::fmt::Write as _;

use super::{clock, Ladder};
use crate::present::text::xml as escape;

const CHAR: f64 = 7.2;
const ROW: f64 = 30.0;
const TOP: f64 = 70.0;
const LEFT: f64 = 230.0;

/// The ladder as an SVG document.
pub fn render(ladder: &Ladder) -> String {
    let widest = ladder.rows.iter().map(|r| r.label.len()).max().unwrap_or(0);
    let names: Vec<String> = (0..ladder.columns.len())
        .map(|k| ladder.column_name(k))
        .collect();
    let widest_name = names.iter().map(String::len).max().unwrap_or(0);
    let gap = ((widest as f64) * CHAR + 60.0)
        .max(widest_name as f64 * CHAR + 20.0)
        .max(200.0);
    let x = |k: usize| LEFT + k as f64 * gap;
    let last = x(ladder.columns.len().max(1) - 1);
    let tail = ladder
        .rows
        .iter()
        .map(|r| r.marks.len() + r.note.len() + 2)
        .max()
        .unwrap_or(0) as f64
        * CHAR;
    let width = (last + 30.0 + tail).max(400.0);
    let bottom = TOP + ladder.rows.len() as f64 * ROW + 10.0;
    let height = bottom + 20.0;
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r##"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="12">
<title>{}</title>
<style>
.lifeline {{ stroke: #888; stroke-width: 1; stroke-dasharray: 4 3; }}
.arrow {{ stroke: #1f4e8c; stroke-width: 1.4; }}
.marks {{ fill: #b00020; }}
.note {{ fill: #555; }}
.time {{ fill: #333; }}
.endpoint {{ font-weight: bold; }}
</style>
<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#1f4e8c"/></marker></defs>
<rect width="100%" height="100%" fill="white"/>
<text x="10" y="20" font-size="14">{}</text>
<text x="10" y="{:.0}" class="time">N</text><text x="50" y="{:.0}" class="time">time (s)</text>"##,
        escape(&ladder.title()),
        escape(&ladder.title()),
        TOP - 20.0,
        TOP - 20.0,
    );
    for (k, name) in names.iter().enumerate() {
        let _ = writeln!(
            svg,
            r#"<text class="endpoint" x="{:.1}" y="{:.0}" text-anchor="middle">{}</text><line class="lifeline" x1="{:.1}" y1="{:.0}" x2="{:.1}" y2="{bottom:.0}"/>"#,
            x(k),
            TOP - 20.0,
            escape(name),
            x(k),
            TOP - 10.0,
            x(k),
        );
    }
    for (i, row) in ladder.rows.iter().enumerate() {
        let y = TOP + 10.0 + i as f64 * ROW;
        let (x1, x2) = (x(row.from), x(row.to));
        let time = clock(row.time);
        let _ = write!(
            svg,
            r#"<g class="packet" data-index="{}" data-stream="{}"><title>packet {}: {}{}</title><text class="time" x="10" y="{y:.0}">{}</text><text class="time" x="50" y="{y:.0}">{time}</text>"#,
            row.index,
            row.stream,
            row.index,
            escape(&row.label),
            if row.marks.is_empty() {
                String::new()
            } else {
                format!(" {}", escape(&row.marks))
            },
            row.index,
        );
        if row.from == row.to {
            let _ = write!(
                svg,
                r#"<path class="arrow" fill="none" marker-end="url(#head)" d="M{x1:.1},{:.0} h30 v10 h-30"/>"#,
                y - 5.0
            );
        } else {
            let _ = write!(
                svg,
                r#"<line class="arrow" x1="{x1:.1}" y1="{y:.0}" x2="{x2:.1}" y2="{y:.0}" marker-end="url(#head)"/>"#
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.0}" text-anchor="middle">{}</text>"#,
            (x1 + x2) / 2.0 + if row.from == row.to { 60.0 } else { 0.0 },
            y - 5.0,
            escape(&row.label)
        );
        let mut at = last + 20.0;
        for (class, text) in [("marks", &row.marks), ("note", &row.note)] {
            if !text.is_empty() {
                let _ = write!(
                    svg,
                    r#"<text class="{class}" x="{at:.1}" y="{y:.0}">{}</text>"#,
                    escape(text)
                );
                at += (text.len() as f64 + 2.0) * CHAR;
            }
        }
        svg.push_str("</g>\n");
    }
    svg.push_str("</svg>\n");
    svg
}
