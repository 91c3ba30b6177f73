//! The layer diagram: Scapy's `pdfdump(layer_shift=1)` drawn natively, as SVG or PDF,
//! with no TeX, no PyX and no X server. Layer boxes on the left (each headed by its
//! TCP/IP layer, one row per field of `show()`), the bytes in hex on the right, each
//! field's bytes framed in its layer's colour and joined to its row by a line.
//!
//! Everything comes from the dissection's layers and field ranges: this module holds
//! no protocol knowledge. `layout` decides all geometry; `svg` and `pdf` only draw it.

use std::path::{Path, PathBuf};

use super::Packet;
use crate::error::{Context, Error, Result};

pub mod layout;
mod pdf;
mod svg;

/// The file formats a diagram can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Svg,
    Pdf,
}

impl Format {
    /// The format a file name asks for, by its extension.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "svg" => Some(Format::Svg),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// The picture of one packet, laid out with `layer_shift` steps between layers.
pub fn picture(packet: &Packet, layer_shift: usize) -> layout::Picture {
    let (record, dissection) = (packet.record, packet.dissection());
    let summary = super::summary(dissection, record.data, super::Ports::Named);
    let title = format!(
        "packet {}: {summary} ({} bytes)",
        record.index,
        record.data.len()
    );
    layout::layout(dissection, record.data, &title, layer_shift)
}

/// The diagram of one packet in `format`.
pub fn render(packet: &Packet, layer_shift: usize, format: Format) -> Vec<u8> {
    let picture = picture(packet, layer_shift);
    match format {
        Format::Svg => svg::render(&picture).into_bytes(),
        Format::Pdf => pdf::render(&picture),
    }
}

/// Where diagrams go (`--diagram`): one file holding the picture of one packet, or a
/// directory that gets a file per packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf, Format),
    /// `packet-N.svg` for each packet N.
    Directory(PathBuf),
}

impl Target {
    /// A path ending in `.svg` or `.pdf` is one file; an existing directory, or a new
    /// name without an extension, a directory. Any other extension (`x.png`) is a usage
    /// error rather than a directory of that name.
    pub fn new(path: &Path) -> Result<Target> {
        if let Some(format) = Format::of(path) {
            return Ok(Target::File(path.to_path_buf(), format));
        }
        if path.extension().is_some() && !path.is_dir() {
            return Err(Error::usage(format!(
                "--diagram {}: diagrams are written as .svg or .pdf",
                path.display()
            ))
            .hint("name a file ending in .svg or .pdf, or a directory for one SVG per packet"));
        }
        Ok(Target::Directory(path.to_path_buf()))
    }

    /// Whether the target holds one packet only.
    pub fn is_file(&self) -> bool {
        matches!(self, Target::File(..))
    }

    /// Creates the directory, for a directory target; a usage error when it cannot be
    /// one.
    pub fn prepare(&self) -> Result<()> {
        if let Target::Directory(dir) = self {
            if dir.exists() && !dir.is_dir() {
                return Err(Error::usage(format!(
                    "--diagram {}: not a directory, and not a .svg or .pdf file name",
                    dir.display()
                ))
                .hint(
                    "name a file ending in .svg or .pdf, or a directory for one file per packet",
                ));
            }
            std::fs::create_dir_all(dir).context(|| format!("creating {}", dir.display()))?;
        }
        Ok(())
    }

    /// Writes the diagram of `record`; returns the file written.
    pub fn write(&self, packet: &Packet, layer_shift: usize) -> Result<PathBuf> {
        let (path, format) = match self {
            Target::File(path, format) => (path.clone(), *format),
            Target::Directory(dir) => (
                dir.join(format!("packet-{}.svg", packet.record.index)),
                Format::Svg,
            ),
        };
        std::fs::write(&path, render(packet, layer_shift, format))
            .context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }
}

/// `--diagram` with its layer shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub target: Target,
    pub layer_shift: usize,
}
