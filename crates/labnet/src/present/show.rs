//! Scapy's `show()`: each layer headed `###[ NAME ]###` (labnet adds the TCP/IP layer
//! after it), its fields one per line as `  name      = value`, each layer indented
//! three columns further than the one below it; a list of sub-packets (IPv4 options,
//! DNS records) as `\name\` followed by each sub-packet, its lines prefixed `|`.

use std::io::{self, Write};

use crate::dissect::{checksum, Dissection, Field, Value};

/// Writes the layered listing of a dissected packet; with `checksums`, each checksum
/// line also says whether the checksum is correct (`--verify-checksums`).
pub fn show(
    out: &mut impl Write,
    dissection: &Dissection,
    data: &[u8],
    checksums: bool,
) -> io::Result<()> {
    let mut indent = String::new();
    for (i, layer) in dissection.layers.iter().enumerate() {
        writeln!(
            out,
            "###[ {} ]### ({} layer)",
            layer.name(),
            layer.tcpip().name()
        )?;
        let note = checksums
            .then(|| checksum::verify(dissection, i, data))
            .flatten()
            .map(|verdict| verdict.describe(&layer.kind));
        fields(out, &layer.fields(data), "", &indent, note.as_deref())?;
        indent.push_str("   ");
    }
    Ok(())
}

/// The name of the field that holds a layer's checksum.
pub fn is_checksum(name: &str) -> bool {
    matches!(name, "chksum" | "cksum")
}

/// Scapy's field lines: `label` is the `|` prefix of an enclosing sub-packet list,
/// `indent` the layer's own indentation; `note` goes after the checksum's value.
fn fields(
    out: &mut impl Write,
    list: &[Field],
    label: &str,
    indent: &str,
    note: Option<&str>,
) -> io::Result<()> {
    for field in list {
        let name = &field.name;
        match &field.value {
            Value::Packets(groups) => {
                let pad = " ".repeat(10usize.saturating_sub(name.len()));
                writeln!(out, "{label}{indent}  \\{name}{pad}\\")?;
                let inner = format!("{label}{indent}   |");
                for group in groups {
                    writeln!(out, "{inner}###[ {} ]###", group.name)?;
                    fields(out, &group.fields, &inner, &"   ".repeat(group.depth), None)?;
                }
            }
            value => match note.filter(|_| is_checksum(name)) {
                Some(note) => writeln!(out, "{label}{indent}  {name:<10}= {value} {note}")?,
                None => writeln!(out, "{label}{indent}  {name:<10}= {value}")?,
            },
        }
    }
    Ok(())
}
