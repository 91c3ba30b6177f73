//! The diagram's geometry: where every box, row, hex byte, frame and link goes, in a
//! drawing model both backends (SVG, PDF) render without deciding anything.
//!
//! Text is monospace (Courier's metrics: 0.6 em a character), so widths are counted in
//! characters and the layout needs no font. Layers are tinted by their TCP/IP layer
//! (Okabe-Ito colours, safe for colour-blind readers) and also told apart without
//! colour: their frames and box borders have one dash pattern per TCP/IP layer, each
//! heading names the layer, and a line joins every field's row to its bytes.

use crate::dissect::{Dissection, Field, TcpIpLayer, Value};

/// Font size of all text, in pixels (points in the PDF).
pub const FONT_SIZE: f32 = 11.0;
/// Width of one character at FONT_SIZE.
pub const CHAR: f32 = FONT_SIZE * 0.6;
/// Height of a row of text.
pub const ROW: f32 = 16.0;
const MARGIN: f32 = 16.0;
/// Space between the layer boxes and the hex panel, where the links run.
const GUTTER: f32 = 64.0;
/// A value longer than this is shown elided (its whole text in the tooltip).
const MAX_VALUE: usize = 40;
/// Bytes per hex row, as Scapy's hexdump.
const BYTES_PER_ROW: usize = 16;
/// A field spanning more hex rows than this has its middle rows left out.
const MAX_FIELD_ROWS: usize = 6;
/// Rows kept at each end of such a field.
const KEPT_HEAD_ROWS: usize = 3;
const KEPT_TAIL_ROWS: usize = 2;
/// Hex rows are at most this many text rows apart.
const MAX_PITCH: f32 = 2.5;

/// A colour as red, green and blue in 0..=255.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// This colour mixed with white, `amount` of white (0..=1).
    fn tint(self, amount: f32) -> Rgb {
        let mix = |c: u8| (f32::from(c) + (255.0 - f32::from(c)) * amount).round() as u8;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }
}

pub const INK: Rgb = Rgb(0x20, 0x20, 0x20);
const GREY: Rgb = Rgb(0x70, 0x70, 0x70);

/// How much lighter than its TCP/IP layer's colour a layer's box and frames are:
/// consecutive layers of the same TCP/IP layer (IPv6, ICMPv6, an ND option) alternate,
/// so that where one ends and the next begins shows in the bytes.
fn tints(dissection: &Dissection) -> Vec<(f32, f32)> {
    let mut tints = Vec::with_capacity(dissection.layers.len());
    let mut alternate = false;
    for (i, layer) in dissection.layers.iter().enumerate() {
        if i > 0 && dissection.layers[i - 1].tcpip() == layer.tcpip() {
            alternate = !alternate;
        } else {
            alternate = false;
        }
        tints.push(if alternate { (0.76, 0.6) } else { (0.88, 0.8) });
    }
    tints
}

/// The colour and dash pattern of a TCP/IP layer.
pub fn style(layer: TcpIpLayer) -> (Rgb, &'static [f32]) {
    match layer {
        TcpIpLayer::Link => (Rgb(0x00, 0x72, 0xb2), &[]),
        TcpIpLayer::Internet => (Rgb(0x00, 0x9e, 0x73), &[5.0, 2.0]),
        TcpIpLayer::Transport => (Rgb(0xd5, 0x5e, 0x00), &[1.5, 1.5]),
        TcpIpLayer::Application => (Rgb(0xcc, 0x79, 0xa7), &[6.0, 2.0, 1.5, 2.0]),
    }
}

/// What a drawn item stands for, so that a reader of the SVG (and the tests) can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Decoration,
    /// A layer's box, with its index, Scapy's name and its TCP/IP layer.
    Layer {
        layer: usize,
        name: String,
        tcpip: TcpIpLayer,
    },
    /// A row of a layer's box, for field `field` (numbered within the layer in listing
    /// order, sub-packet rows included).
    Row {
        layer: usize,
        field: usize,
    },
    /// One hex byte of the packet.
    Byte {
        offset: usize,
    },
    /// A frame around bytes `start..end` of the packet, for the fields it lists.
    Frame {
        layer: usize,
        fields: Vec<usize>,
        start: usize,
        end: usize,
    },
    /// The line from a field's row to its bytes.
    Link {
        layer: usize,
        field: usize,
    },
    /// Hex rows left out of a long field.
    Elided {
        bytes: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Option<Rgb>,
        stroke: Option<Rgb>,
        dash: &'static [f32],
    },
    /// A polyline.
    Line {
        points: Vec<(f32, f32)>,
        stroke: Rgb,
        dash: &'static [f32],
    },
    /// Text whose baseline starts at (x, y); `tooltip` is the whole text where it is
    /// shown shortened.
    Text {
        x: f32,
        y: f32,
        text: String,
        color: Rgb,
        bold: bool,
        tooltip: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub shape: Shape,
    pub role: Role,
}

/// A finished picture: its size and what to draw, back to front.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub width: f32,
    pub height: f32,
    pub title: String,
    pub items: Vec<Item>,
}

/// One row of a layer box: indentation in characters, name, size and value columns,
/// and the field's bytes (None for rows that only head a group of sub-packets).
struct RowText {
    indent: usize,
    name: String,
    size: String,
    value: String,
    bytes: Option<(usize, usize)>,
    bold: bool,
}

/// A field's size as the diagram labels it: bits for fields narrower than a byte
/// multiple, bytes otherwise.
fn size_label(field: &Field) -> String {
    match &field.bits {
        Some(bits) => {
            let n = bits.end - bits.start;
            format!("{n} bit{}", if n == 1 { "" } else { "s" })
        }
        None => format!("{} B", field.range.len()),
    }
}

/// The rows of one layer's box, in `show()`'s order: every field, a sub-packet list
/// as its own row followed by each sub-packet's heading and fields.
fn rows_of(fields: &[Field], indent: usize, rows: &mut Vec<RowText>) {
    for field in fields {
        match &field.value {
            Value::Packets(groups) => {
                rows.push(RowText {
                    indent,
                    name: field.name.to_string(),
                    size: format!("{} B", field.range.len()),
                    value: format!(
                        "{} item{}",
                        groups.len(),
                        if groups.len() == 1 { "" } else { "s" }
                    ),
                    bytes: None,
                    bold: false,
                });
                for group in groups {
                    rows.push(RowText {
                        indent: indent + 1,
                        name: group.name.to_string(),
                        size: String::new(),
                        value: String::new(),
                        bytes: None,
                        bold: true,
                    });
                    rows_of(&group.fields, indent + 2, rows);
                }
            }
            value => rows.push(RowText {
                indent,
                name: field.name.to_string(),
                size: size_label(field),
                value: value.to_string(),
                bytes: Some((field.range.start, field.range.end)),
                bold: false,
            }),
        }
    }
}

/// Shortens a value to MAX_VALUE characters, keeping its start and end.
fn elide(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_VALUE {
        return None;
    }
    let head: String = chars[..MAX_VALUE - 12].iter().collect();
    let tail: String = chars[chars.len() - 9..].iter().collect();
    Some(format!("{head}...{tail}"))
}

/// Which hex rows are drawn: a row index, or a run of rows left out with the number
/// of bytes in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HexRow {
    Bytes(usize),
    Elided { first: usize, last: usize },
}

/// The hex rows to draw: all of them, except that the middle rows of a field spanning
/// more than MAX_FIELD_ROWS rows (a long payload) are replaced by one "elided" row.
fn hex_rows(length: usize, leaves: &[(usize, usize)]) -> Vec<HexRow> {
    let total = length.div_ceil(BYTES_PER_ROW);
    let mut hidden = vec![false; total];
    for &(start, end) in leaves {
        // Rows lying wholly inside the field.
        let first = start.div_ceil(BYTES_PER_ROW);
        let last = end / BYTES_PER_ROW; // exclusive
        if last > first && last - first > MAX_FIELD_ROWS {
            for row in &mut hidden[first + KEPT_HEAD_ROWS..last - KEPT_TAIL_ROWS] {
                *row = true;
            }
        }
    }
    let mut rows = Vec::new();
    let mut row = 0;
    while row < total {
        if hidden[row] {
            let first = row;
            while row < total && hidden[row] {
                row += 1;
            }
            rows.push(HexRow::Elided {
                first,
                last: row - 1,
            });
        } else {
            rows.push(HexRow::Bytes(row));
            row += 1;
        }
    }
    rows
}

fn text(x: f32, y: f32, text: impl Into<String>, color: Rgb, role: Role) -> Item {
    Item {
        shape: Shape::Text {
            x,
            y,
            text: text.into(),
            color,
            bold: false,
            tooltip: None,
        },
        role,
    }
}

/// Lays out the picture of a dissected packet: layer boxes on the left, each shifted
/// `layer_shift` steps right of the one below it (Scapy's `layer_shift`), the bytes in
/// hex on the right, each field's bytes framed and linked to its row.
pub fn layout(dissection: &Dissection, data: &[u8], title: &str, layer_shift: usize) -> Picture {
    let shift = layer_shift as f32 * 2.0 * CHAR;
    let layers: Vec<(usize, TcpIpLayer, String, Vec<RowText>)> = dissection
        .layers
        .iter()
        .enumerate()
        .map(|(i, layer)| {
            let fields = layer.fields(data);
            let mut rows = Vec::new();
            rows_of(&fields, 0, &mut rows);
            let heading = format!("{} ({} layer)", layer.name(), layer.tcpip().name());
            (i, layer.tcpip(), heading, rows)
        })
        .collect();

    // Column widths, in characters, over all layers.
    let all_rows = layers.iter().flat_map(|l| l.3.iter());
    let name_width = all_rows
        .clone()
        .map(|r| r.indent + r.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let size_width = all_rows.clone().map(|r| r.size.len()).max().unwrap_or(0);
    let value_width = all_rows
        .map(|r| r.value.chars().count().min(MAX_VALUE))
        .max()
        .unwrap_or(0);
    let heading_width = layers.iter().map(|l| l.2.len()).max().unwrap_or(0);
    let row_chars = (name_width + 2 + size_width + 2 + value_width).max(heading_width) + 2;
    let last_shift = shift * dissection.layers.len().saturating_sub(1) as f32;
    let box_right = MARGIN + last_shift + row_chars as f32 * CHAR;

    // The hex panel: offsets, then 16 bytes a row.
    let hex_left = box_right + GUTTER;
    let byte_x = |column: usize| hex_left + (6 + column * 3) as f32 * CHAR;
    let top = MARGIN + 2.0 * ROW;
    let mut items = Vec::new();
    items.push(Item {
        shape: Shape::Text {
            x: MARGIN,
            y: MARGIN + FONT_SIZE,
            text: title.to_string(),
            color: INK,
            bold: true,
            tooltip: None,
        },
        role: Role::Decoration,
    });

    // Where each field's row is, for the links: (layer, field, y of its row).
    let mut row_places: Vec<(usize, usize, f32, (usize, usize))> = Vec::new();
    let tints = tints(dissection);
    let mut y = top;
    for (i, tcpip, heading, rows) in &layers {
        let (colour, dash) = style(*tcpip);
        let x = MARGIN + shift * *i as f32;
        let height = (rows.len() + 1) as f32 * ROW + 4.0;
        items.push(Item {
            shape: Shape::Rect {
                x,
                y,
                width: box_right - x,
                height,
                fill: Some(colour.tint(tints[*i].0)),
                stroke: Some(colour),
                dash,
            },
            role: Role::Layer {
                layer: *i,
                name: dissection.layers[*i].name().to_string(),
                tcpip: *tcpip,
            },
        });
        items.push(Item {
            shape: Shape::Text {
                x: x + CHAR,
                y: y + FONT_SIZE + 2.0,
                text: heading.clone(),
                color: INK,
                bold: true,
                tooltip: None,
            },
            role: Role::Decoration,
        });
        for (n, row) in rows.iter().enumerate() {
            let baseline = y + (n + 1) as f32 * ROW + FONT_SIZE + 2.0;
            let name_x = x + (1 + row.indent) as f32 * CHAR;
            let size_x = x + (1 + name_width + 2) as f32 * CHAR;
            let value_x = size_x + (size_width + 2) as f32 * CHAR;
            let shortened = elide(&row.value);
            let tooltip = format!(
                "{} = {}{}",
                row.name,
                row.value,
                row.bytes
                    .map(|(s, e)| format!(" (bytes {s}..{e})"))
                    .unwrap_or_default()
            );
            let role = Role::Row {
                layer: *i,
                field: n,
            };
            items.push(Item {
                shape: Shape::Text {
                    x: name_x,
                    y: baseline,
                    text: row.name.clone(),
                    color: INK,
                    bold: row.bold,
                    tooltip: Some(tooltip),
                },
                role: role.clone(),
            });
            if !row.size.is_empty() {
                // Right-aligned in its column.
                let pad = size_width - row.size.len();
                items.push(text(
                    size_x + pad as f32 * CHAR,
                    baseline,
                    row.size.clone(),
                    GREY,
                    role.clone(),
                ));
            }
            if !row.value.is_empty() {
                items.push(Item {
                    shape: Shape::Text {
                        x: value_x,
                        y: baseline,
                        text: shortened.clone().unwrap_or_else(|| row.value.clone()),
                        color: INK,
                        bold: false,
                        tooltip: shortened.map(|_| row.value.clone()),
                    },
                    role,
                });
            }
            if let Some(bytes) = row.bytes.filter(|(s, e)| s < e) {
                row_places.push((*i, n, baseline - FONT_SIZE / 3.0, bytes));
            }
        }
        y += height + 6.0;
    }
    let boxes_bottom = y;

    // Frames: one per run of bytes, fields sharing bytes (bit fields) in one frame.
    let mut frames: Vec<(usize, Vec<usize>, usize, usize)> = Vec::new();
    for (i, _, _, rows) in &layers {
        for (n, row) in rows.iter().enumerate() {
            let Some((start, end)) = row.bytes.filter(|(s, e)| s < e) else {
                continue;
            };
            match frames
                .iter_mut()
                .find(|f| f.0 == *i && f.2 == start && f.3 == end)
            {
                Some(frame) => frame.1.push(n),
                None => frames.push((*i, vec![n], start, end)),
            }
        }
    }
    let leaves: Vec<(usize, usize)> = frames.iter().map(|f| (f.2, f.3)).collect();
    let plan = hex_rows(data.len(), &leaves);
    // Hex rows are spread over the height of the boxes (up to MAX_PITCH rows apart),
    // so that links stay apart and run between rows.
    let pitch = ((boxes_bottom - top) / plan.len().max(1) as f32).clamp(ROW, MAX_PITCH * ROW);
    // The y of each drawn hex row, by row index.
    let mut row_y = vec![None; data.len().div_ceil(BYTES_PER_ROW)];
    let mut hex_items = Vec::new();
    // Every hex row, the first too, has the links' space above it.
    let hex_top = top + (pitch - ROW);
    for (line, row) in plan.iter().enumerate() {
        let baseline = hex_top + line as f32 * pitch + FONT_SIZE + 2.0;
        match *row {
            HexRow::Bytes(r) => {
                row_y[r] = Some(baseline);
                hex_items.push(text(
                    hex_left,
                    baseline,
                    format!("{:04x}", r * BYTES_PER_ROW),
                    GREY,
                    Role::Decoration,
                ));
                let start = r * BYTES_PER_ROW;
                let bytes = &data[start..data.len().min(start + BYTES_PER_ROW)];
                // The bytes as text too, as hexdump's last column.
                let printable: String = bytes
                    .iter()
                    .map(|&b| {
                        if (32..127).contains(&b) {
                            char::from(b)
                        } else {
                            '.'
                        }
                    })
                    .collect();
                hex_items.push(text(
                    byte_x(BYTES_PER_ROW) + CHAR,
                    baseline,
                    printable,
                    GREY,
                    Role::Decoration,
                ));
                for (column, byte) in bytes.iter().enumerate() {
                    hex_items.push(text(
                        byte_x(column),
                        baseline,
                        format!("{byte:02X}"),
                        INK,
                        Role::Byte {
                            offset: start + column,
                        },
                    ));
                }
            }
            HexRow::Elided { first, last } => {
                let bytes = (last + 1 - first) * BYTES_PER_ROW;
                hex_items.push(text(
                    byte_x(0),
                    baseline,
                    format!(
                        "... {bytes} bytes ({} rows) not shown ...",
                        last + 1 - first
                    ),
                    GREY,
                    Role::Elided { bytes },
                ));
            }
        }
    }
    let hex_bottom = hex_top + plan.len() as f32 * pitch;

    // Frames behind the bytes: one rectangle per drawn row a frame touches.
    for (layer, fields, start, end) in &frames {
        let (colour, dash) = style(dissection.layers[*layer].tcpip());
        let mut offset = *start;
        while offset < *end {
            let r = offset / BYTES_PER_ROW;
            let row_end = ((r + 1) * BYTES_PER_ROW).min(*end);
            if let Some(baseline) = row_y[r] {
                let first = offset % BYTES_PER_ROW;
                let count = row_end - offset;
                // Each byte's cell is three characters wide; frames keep 1 px apart.
                let x = byte_x(first) - CHAR * 0.5 + 1.0;
                items.push(Item {
                    shape: Shape::Rect {
                        x,
                        y: baseline - FONT_SIZE - 1.0,
                        width: (count * 3) as f32 * CHAR - 2.0,
                        height: ROW - 2.0,
                        fill: Some(colour.tint(tints[*layer].1)),
                        stroke: Some(colour),
                        dash,
                    },
                    role: Role::Frame {
                        layer: *layer,
                        fields: fields.clone(),
                        start: offset,
                        end: row_end,
                    },
                });
            }
            offset = row_end;
        }
    }
    items.extend(hex_items);

    // Links: from each field's row, across the gutter, into the space above its first
    // hex row, along it, and down onto the field's first byte; never across text. The
    // links into one row run at staggered heights, the leftmost target's lowest, so
    // that no link's descent crosses another's run.
    let mut links: Vec<(usize, usize, f32, usize)> = row_places
        .iter()
        .map(|&(layer, field, y, (start, _))| (layer, field, y, start))
        .collect();
    links.sort_by_key(|&(_, _, _, start)| start);
    let gap = (pitch - ROW).max(2.0);
    for (n, &(layer, field, y, start)) in links.iter().enumerate() {
        let r = start / BYTES_PER_ROW;
        let Some(target_y) = row_y[r] else { continue };
        let in_row = links[..n]
            .iter()
            .filter(|l| l.3 / BYTES_PER_ROW == r)
            .count();
        let sharing = links.iter().filter(|l| l.3 / BYTES_PER_ROW == r).count();
        let step = (gap - 2.0) / sharing as f32;
        let (colour, dash) = style(dissection.layers[layer].tcpip());
        let frame_top = target_y - FONT_SIZE - 1.0;
        let above = frame_top - 1.0 - step * (in_row as f32 + 0.5);
        let target_x = byte_x(start % BYTES_PER_ROW) + CHAR * 0.5;
        items.push(Item {
            shape: Shape::Line {
                points: vec![
                    (box_right, y),
                    (box_right + GUTTER * 0.3, y),
                    (hex_left - CHAR, above),
                    (target_x, above),
                    (target_x, frame_top),
                ],
                stroke: colour,
                dash,
            },
            role: Role::Link { layer, field },
        });
    }

    let width = byte_x(BYTES_PER_ROW) + (1 + BYTES_PER_ROW) as f32 * CHAR + MARGIN;
    let height = boxes_bottom.max(hex_bottom) + MARGIN;
    Picture {
        width,
        height,
        title: title.to_string(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_keep_their_first_and_last_rows() {
        // A 1514-byte frame whose payload starts at 66: rows 5..=93 lie wholly inside
        // it (row 94 is the frame's partial last row); three are kept at its start, two
        // at its end.
        let rows = hex_rows(1514, &[(0, 14), (66, 1514)]);
        assert_eq!(rows[..5], [0, 1, 2, 3, 4].map(HexRow::Bytes));
        assert_eq!(rows[5..8], [5, 6, 7].map(HexRow::Bytes));
        assert_eq!(rows[8], HexRow::Elided { first: 8, last: 91 });
        assert_eq!(rows[9..], [92, 93, 94].map(HexRow::Bytes));
        // Short fields: every row.
        assert_eq!(hex_rows(60, &[(0, 60)]).len(), 4);
    }

    #[test]
    fn long_values_keep_both_ends() {
        let value = "b'GET / HTTP/1.1\\r\\nHost: 192.168.56.101:5000\\r\\n\\r\\n'";
        let short = elide(value).unwrap();
        assert_eq!(short.chars().count(), MAX_VALUE);
        assert!(short.starts_with("b'GET / HTTP") && short.ends_with("\\r\\n\\r\\n'"));
        assert_eq!(elide("DF"), None);
    }
}
