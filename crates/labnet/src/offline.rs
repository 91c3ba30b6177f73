//! A read session, as `tcpdump -r`: open a capture (a file, stdin or a FIFO), filter
//! its records, select by index and count, write the selected ones (`-w`), print them
//! and draw them, the way [`crate::live`] owns a live capture.
//!
//! The input is never lost: `-w` writes through [`crate::pcap::Replacement`], so the
//! output may even be the input file (`-r g.pcap -w g.pcap`), and a run that fails
//! leaves the old file as it was.

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::error::{Context, Error, Result};
use crate::filter::{Filter, FilterError, LinkFilters};
use crate::linktype::{self, LinkType};
use crate::pcap::{
    Annotation, CaptureReader, CaptureWriter, Input, MappedFile, Record, Replacement, Sink,
    WriteFormat, MAX_RECORD,
};
use crate::present::{self, diagram::Diagram, Analyze, Printer, Style, View};
use crate::process::Attribution;

/// What a read session does.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The capture to read; `-` is stdin.
    pub input: PathBuf,
    /// A pcap filter expression; empty selects every packet.
    pub filter: String,
    /// Stop after this many selected packets.
    pub count: Option<u64>,
    /// Only the packet with this 0-based index (Scapy's `packets[N]`).
    pub packet: Option<u64>,
    pub style: Style,
    /// What is printed: the packets, or a conversation view.
    pub view: View,
    pub analyze: Analyze,
    /// Print each selected packet.
    pub print: bool,
    /// Where to write the selected packets; `-` is stdout.
    pub write: Option<PathBuf>,
    pub format: WriteFormat,
    /// Draw each selected packet.
    pub diagram: Option<Diagram>,
}

/// Opens the capture at `path` (`-` for stdin): mapped when it is a regular file
/// (records lent without a copy), streamed when it is a pipe, FIFO or device.
pub fn open_input(path: &Path) -> Result<Opened> {
    if path.as_os_str() == "-" {
        use std::os::fd::AsFd;
        let stdin = File::from(
            io::stdin()
                .as_fd()
                .try_clone_to_owned()
                .context(|| "reading stdin")?,
        );
        return Ok(Opened::Stream(CaptureReader::new(
            BufReader::with_capacity(256 * 1024, stdin),
            "stdin",
        )?));
    }
    let meta = std::fs::metadata(path).context(|| format!("opening {}", path.display()))?;
    if meta.is_dir() {
        return Err(Error::usage(format!("{} is a directory", path.display()))
            .hint("-r takes a pcap or pcapng file, e.g. -r hello.pcap"));
    }
    let name = path.display().to_string();
    if meta.is_file() {
        Ok(Opened::Mapped(CaptureReader::new(
            MappedFile::open(path)?,
            &name,
        )?))
    } else {
        let file = File::open(path).context(|| format!("opening {}", path.display()))?;
        Ok(Opened::Stream(CaptureReader::new(
            BufReader::with_capacity(256 * 1024, file),
            &name,
        )?))
    }
}

/// The link type of the capture's first record (Ethernet for an empty capture): what a
/// filter over the file is compiled for.
pub fn first_link_type(path: &Path) -> Result<u32> {
    let first = match open_input(path)? {
        Opened::Mapped(mut reader) => reader.next_record()?.map(|r| r.link_type),
        Opened::Stream(mut reader) => reader.next_record()?.map(|r| r.link_type),
    };
    Ok(first.unwrap_or(linktype::ETHERNET))
}

/// A capture opened by [`open_input`].
pub enum Opened {
    Mapped(CaptureReader<MappedFile>),
    Stream(CaptureReader<BufReader<File>>),
}

/// Runs the session; returns how many packets were selected.
pub fn run(options: &ReadOptions, out: &mut impl Write) -> Result<u64> {
    let filter = if options.filter.trim().is_empty() {
        None
    } else {
        // Compile first: a bad expression is reported before anything is opened. One
        // that some link type accepts (802.11 headers, `inbound` in cooked captures)
        // waits for the file's link type to decide. Wrong for all, the file's own link
        // type says why when the file tells it; else the error that got furthest along
        // the expression says most.
        let mut furthest = None;
        for link in LinkType::IN_FILES {
            match Filter::compile(&options.filter, link) {
                Ok(_) => {
                    furthest = None;
                    break;
                }
                Err(error) => {
                    if furthest
                        .as_ref()
                        .is_none_or(|f: &FilterError| error.start > f.start)
                    {
                        furthest = Some(error);
                    }
                }
            }
        }
        if let Some(error) = furthest {
            let own = first_link_type(&options.input)
                .ok()
                .and_then(LinkType::from_pcap)
                .and_then(|link| Filter::compile(&options.filter, link).err());
            return Err(own.unwrap_or(error).into());
        }
        Some(LinkFilters::new(&options.filter))
    };
    let selected = match open_input(&options.input)? {
        Opened::Mapped(reader) => session(reader, filter, options, out)?,
        Opened::Stream(reader) => session(reader, filter, options, out)?,
    };
    if let (Some(wanted), 0) = (options.packet, selected) {
        return Err(Error::failed(format!(
            "{} has no packet {wanted}{} (packets are numbered from 0)",
            options.input.display(),
            if options.filter.trim().is_empty() {
                ""
            } else {
                " that matches the filter"
            }
        )));
    }
    Ok(selected)
}

fn session<R: Input>(
    mut reader: CaptureReader<R>,
    mut filter: Option<LinkFilters>,
    options: &ReadOptions,
    out: &mut impl Write,
) -> Result<u64> {
    let mut output = options.write.as_deref().map(Output::new);
    let mut printer = Printer::new(options.style, options.view.clone(), options.analyze);
    let mut selected = 0u64;
    // Link types the dissector does not read, each said once.
    let mut undecoded: Vec<u32> = Vec::new();
    while options.count.is_none_or(|c| selected < c) {
        let Some(record) = reader.next_record()? else {
            break;
        };
        if !crate::linktype::dissected(record.link_type) && !undecoded.contains(&record.link_type) {
            undecoded.push(record.link_type);
            let name = crate::linktype::pcap_name(record.link_type)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            eprintln!(
                "webcapture: note: link type {}{name} is not dissected; its packets are shown as Raw",
                record.link_type
            );
        }
        let wanted = options.packet.is_none_or(|wanted| wanted == record.index);
        // Packets before --packet N still count for the conversations it belongs to.
        if !wanted && !printer.tracks() {
            continue;
        }
        if let Some(filter) = filter.as_mut() {
            if !filter.matches(record.link_type, record.data, record.original_length)? {
                continue;
            }
        }
        // What the file keeps of the packet's process (pcapng comments, option 8).
        let attribution =
            Attribution::from_pcapng(record.options.comments(), record.options.process_thread());
        let known = attribution.process.is_some().then_some(&attribution);
        let packet = present::Packet::new(&record).with_attribution(known);
        if wanted {
            if let Some(output) = output.as_mut() {
                output.write(&record, options.format)?;
            }
            if let Some(diagram) = &options.diagram {
                diagram.target.write(&packet, diagram.layer_shift)?;
            }
        }
        // `-#` numbers by the file's index.
        printer
            .packet(out, &packet, wanted && options.print)
            .context(|| "writing to stdout")?;
        if !wanted {
            continue;
        }
        selected += 1;
        if options.packet.is_some() {
            break;
        }
    }
    if let Some(output) = output {
        output.finish(options.format)?;
    }
    printer.finish(out)?;
    if let (Some(present::diagram::Target::File(path, _)), true) =
        (options.diagram.as_ref().map(|d| &d.target), selected > 0)
    {
        eprintln!("webcapture: wrote {}", path.display());
    }
    Ok(selected)
}

/// Where the selected packets go (here, and the packets the browser saves): opened at
/// the first one, whose link type the file takes; replaced into place only when the
/// whole read succeeded.
pub struct Output<'a> {
    target: &'a Path,
    writer: Option<CaptureWriter<Sink<Replacement>>>,
}

impl<'a> Output<'a> {
    pub fn new(target: &'a Path) -> Output<'a> {
        Output {
            target,
            writer: None,
        }
    }

    /// Writes a record with the comments and process its pcapng block had, if any.
    fn write(&mut self, record: &Record, format: WriteFormat) -> Result<()> {
        // A pcapng packet's comments and process go along to a pcapng output.
        let annotation = Annotation {
            comments: record.options.comments().map(str::to_string).collect(),
            process_thread: record.options.process_thread(),
        };
        self.write_annotated(record, format, &annotation)
    }

    /// Writes a record with `annotation` (kept only in pcapng).
    pub fn write_annotated(
        &mut self,
        record: &Record,
        format: WriteFormat,
        annotation: &Annotation,
    ) -> Result<()> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            empty => empty.insert(open_output(self.target, record.link_type, format)?),
        };
        if record.link_type != writer.link_type() {
            return Err(Error::failed(format!(
                "packet {} has link type {}, and {} already holds link type {}: a pcap file has one",
                record.index,
                record.link_type,
                self.target.display(),
                writer.link_type()
            ))
            .hint("write pcapng (--pcapng, or a name ending in .pcapng), or select one interface's packets"));
        }
        writer
            .write_annotated(
                0,
                record.seconds,
                record.nanoseconds,
                record.original_length,
                record.data,
                annotation,
            )
            .context(|| format!("writing {}", self.target.display()))
    }

    /// Flushes and puts the file in place; with nothing selected it still leaves a
    /// valid (empty) file, as tcpdump -w does.
    pub fn finish(self, format: WriteFormat) -> Result<()> {
        let mut writer = match self.writer {
            Some(writer) => writer,
            None => open_output(self.target, linktype::ETHERNET, format)?,
        };
        writer
            .flush()
            .context(|| format!("writing {}", self.target.display()))?;
        match writer.into_inner() {
            Sink::File(file) => file.commit(),
            Sink::Stdout(_) => Ok(()),
        }
    }
}

fn open_output(
    target: &Path,
    link_type: u32,
    format: WriteFormat,
) -> Result<CaptureWriter<Sink<Replacement>>> {
    let sink = if target.as_os_str() == "-" {
        Sink::Stdout(io::stdout())
    } else {
        Sink::File(Replacement::create(target)?)
    };
    CaptureWriter::new(sink, format, link_type, MAX_RECORD, None)
        .context(|| format!("writing {}", target.display()))
}
