//! Scapy's `show()`: each layer headed `###[ NAME ]###` (labnet adds the TCP/IP layer
//! after it), its fields one per line as `  name      = value`, each layer indented
//! three columns further than the one below it; a list of sub-packets (IPv4 options,
//! DNS records) as `\name\` followed by each sub-packet, its lines prefixed `|`.

use std::io::{self, Write};

use crate::dissect::{Dissection, Field, Value};

/// Writes the layered listing of a dissected packet.
pub fn show(out: &mut impl Write, dissection: &Dissection, data: &[u8]) -> io::Result<()> {
    let mut indent = String::new();
    for layer in &dissection.layers {
        writeln!(
            out,
            "###[ {} ]### ({} layer)",
            layer.name(),
            layer.tcpip().name()
        )?;
        fields(out, &layer.fields(data), "", &indent)?;
        indent.push_str("   ");
    }
    Ok(())
}

/// Scapy's field lines: `label` is the `|` prefix of an enclosing sub-packet list,
/// `indent` the layer's own indentation.
fn fields(out: &mut impl Write, list: &[Field], label: &str, indent: &str) -> io::Result<()> {
    for field in list {
        let name = &field.name;
        match &field.value {
            Value::Packets(groups) => {
                let pad = " ".repeat(10usize.saturating_sub(name.len()));
                writeln!(out, "{label}{indent}  \\{name}{pad}\\")?;
                let inner = format!("{label}{indent}   |");
                for group in groups {
                    writeln!(out, "{inner}###[ {} ]###", group.name)?;
                    fields(out, &group.fields, &inner, &"   ".repeat(group.depth))?;
                }
            }
            value => writeln!(out, "{label}{indent}  {name:<10}= {value}")?,
        }
    }
    Ok(())
}
