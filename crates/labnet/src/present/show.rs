//! Scapy's `show()`: each layer headed `###[ NAME ]###` (labnet adds the TCP/IP layer
//! after it), its fields one per line as `  name      = value`, each layer indented
//! three columns further than the one below it; a list of sub-packets (IPv4 options,
//! DNS records) as `\name\` followed by each sub-packet, its lines prefixed `|`.
//! The listing is made as lines that keep the bytes each one describes, so the
//! terminal browser ([`crate::tui`]) can tie a line to its bytes.

use std::io::{self, Write};
use std::ops::Range;

use crate::dissect::{checksum, Dissection, Field, Value};

/// One line of the listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShowLine {
    pub text: String,
    /// The layer it belongs to (its index in the dissection).
    pub layer: usize,
    /// Which line it is: a layer's heading, or a field (or sub-packet) and its bytes.
    pub kind: LineKind,
}

/// What a [`ShowLine`] stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// `###[ NAME ]### (... layer)`: the layer's bytes.
    Layer(Range<usize>),
    /// A field, a sub-packet list or a sub-packet's heading: the bytes it occupies
    /// (and for a field narrower than its bytes, which bits).
    Field {
        name: String,
        range: Range<usize>,
        bits: Option<Range<u16>>,
    },
}

impl ShowLine {
    /// The bytes the line describes.
    pub fn range(&self) -> &Range<usize> {
        match &self.kind {
            LineKind::Layer(range) | LineKind::Field { range, .. } => range,
        }
    }
}

/// Writes the layered listing of a dissected packet; with `checksums`, each checksum
/// line also says whether the checksum is correct (`--verify-checksums`).
pub fn show(
    out: &mut impl Write,
    dissection: &Dissection,
    data: &[u8],
    checksums: bool,
) -> io::Result<()> {
    for line in show_lines(dissection, data, checksums) {
        writeln!(out, "{}", line.text)?;
    }
    Ok(())
}

/// The listing's lines, in order.
pub fn show_lines(dissection: &Dissection, data: &[u8], checksums: bool) -> Vec<ShowLine> {
    let mut lines = Vec::new();
    let mut indent = String::new();
    for (i, layer) in dissection.layers.iter().enumerate() {
        lines.push(ShowLine {
            text: format!(
                "###[ {} ]### ({} layer)",
                layer.name(),
                layer.tcpip().name()
            ),
            layer: i,
            kind: LineKind::Layer(layer.range.clone()),
        });
        let note = checksums
            .then(|| checksum::verify(dissection, i, data))
            .flatten()
            .map(|verdict| verdict.describe(&layer.kind));
        let mut listing = Listing {
            lines: &mut lines,
            layer: i,
        };
        listing.fields(&layer.fields(data), "", &indent, note.as_deref());
        if layer.indents_payload() {
            indent.push_str("   ");
        }
    }
    lines
}

/// The name of the field that holds a layer's checksum.
pub fn is_checksum(name: &str) -> bool {
    matches!(name, "chksum" | "cksum")
}

/// The lines of one layer's fields.
struct Listing<'a> {
    lines: &'a mut Vec<ShowLine>,
    layer: usize,
}

impl Listing<'_> {
    fn push(&mut self, text: String, name: &str, range: Range<usize>, bits: Option<Range<u16>>) {
        self.lines.push(ShowLine {
            text,
            layer: self.layer,
            kind: LineKind::Field {
                name: name.to_string(),
                range,
                bits,
            },
        });
    }

    /// Scapy's field lines: `label` is the `|` prefix of an enclosing sub-packet list,
    /// `indent` the layer's own indentation; `note` goes after the checksum's value.
    fn fields(&mut self, list: &[Field], label: &str, indent: &str, note: Option<&str>) {
        for field in list {
            let name = &field.name;
            match &field.value {
                Value::Packets(groups) => {
                    let pad = " ".repeat(10usize.saturating_sub(name.len()));
                    let text = format!("{label}{indent}  \\{name}{pad}\\");
                    self.push(text, name, field.range.clone(), None);
                    let inner = format!("{label}{indent}   |");
                    for group in groups {
                        let text = format!("{inner}###[ {} ]###", group.name);
                        self.push(text, &group.name, group.range.clone(), None);
                        let depth = "   ".repeat(group.depth);
                        self.fields(&group.fields, &inner, &depth, None);
                    }
                }
                value => {
                    let text = match note.filter(|_| is_checksum(name)) {
                        Some(note) => format!("{label}{indent}  {name:<10}= {value} {note}"),
                        None => format!("{label}{indent}  {name:<10}= {value}"),
                    };
                    self.push(text, name, field.range.clone(), field.bits.clone());
                }
            }
        }
    }
}
