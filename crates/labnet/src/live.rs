//! A live capture session, as the handout's webcapture.py and `sniff(prn=summary)`:
//! capture with [`crate::capture`], write each packet to the pcap file, then print its
//! line, until the count, the timeout, Ctrl-C or SIGTERM; then flush everything and
//! report tcpdump's three counters.
//!
//! The order is the invariant: a packet is written (to the file's buffer) before its
//! line is printed, the file is flushed at least once a second and always before the
//! process ends normally, so every printed packet is in a complete, valid file.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::attribution::{Attributor, Watch, Watched};
use crate::capture::{Capture, CaptureOptions, Statistics};
use crate::error::{Context, Error, Result};
use crate::pcap::{Annotation, CaptureWriter, LiveFile, WriteFormat};
use crate::present;
use crate::process::{Attribution, Process, Quality};

/// Everything a live session needs besides the capture itself.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    pub capture: CaptureOptions,
    /// Stop after this many packets; `None` runs until Ctrl-C.
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    /// Where to write (`-` is stdout); `None` writes nothing.
    pub write: Option<PathBuf>,
    pub format: WriteFormat,
    pub print: bool,
    pub style: present::Style,
    /// Flush stdout after every line (always on a terminal).
    pub line_buffered: bool,
    /// Flush the file after every packet (tcpdump's `-U`), not once a second.
    pub packet_buffered: bool,
    /// Move on to a new file by size or time (tcpdump's `-C`, `-G`, `-W`).
    pub rotation: Rotation,
    /// Show a running count on stderr.
    pub verbose: bool,
    /// After this long without a match, say once on stderr what does go by.
    pub hint_after: Option<Duration>,
    /// Become this user once the sockets are open (tcpdump's `-Z`).
    pub drop_to: Option<String>,
    /// Draw each packet (`--diagram`), after writing and printing it.
    pub diagram: Option<present::diagram::Diagram>,
    /// What is printed: the packets, or a conversation view.
    pub view: present::View,
    pub analyze: present::Analyze,
    /// Which process each packet belongs to, and which processes' packets are kept.
    pub process: ProcessOptions,
}

/// Process attribution and selection (`--proc`, `--pid`, `--comm`, `-- CMD`).
#[derive(Debug, Clone, Default)]
pub struct ProcessOptions {
    /// Find each packet's process.
    pub attribute: bool,
    /// Keep only the packets of these processes and the processes they start.
    pub pids: Vec<u32>,
    /// Keep only the packets of processes of this name (comm, or executable's name).
    pub comm: Option<String>,
    /// Run this command, keep only its packets, and stop once it has exited.
    pub command: Option<Vec<String>>,
}

impl ProcessOptions {
    /// Whether packets are kept by process.
    fn selects(&self) -> bool {
        !self.pids.is_empty() || self.comm.is_some() || self.command.is_some()
    }

    /// Whether a packet of this process is kept.
    fn keeps(&self, attribution: &Attribution, watch: Option<&Watched>) -> bool {
        let Some(process) = &attribution.process else {
            return false;
        };
        let named = self.comm.as_deref().is_some_and(|name| {
            process.comm == name || process.cmd.rsplit('/').next() == Some(name)
        });
        named || watch.is_some_and(|w| w.covers(process.pid))
    }
}

/// tcpdump's `-C`, `-G` and `-W`: when a capture closes its file and opens the next.
#[derive(Debug, Clone, Default)]
pub struct Rotation {
    /// `-C`: a new file before a packet once the file holds more than this many bytes.
    pub size: Option<u64>,
    /// `-G`: a new file this often (its name goes through strftime: `-w %H%M%S.pcap`).
    pub every: Option<Duration>,
    /// `-W`: with `-C`, how many files are reused in a ring; with `-G` alone, how many
    /// files before the capture ends.
    pub files: Option<u32>,
}

impl Rotation {
    /// tcpdump's file names: `base` through strftime with `-G`, then with `-C` a number
    /// after it (`x.pcap`, `x.pcap1`, ...; with `-W`, `x.pcap0`, `x.pcap1`, ... padded to
    /// as many digits as `-W` has).
    pub fn name(
        &self,
        base: &std::path::Path,
        number: u32,
        now: chrono::DateTime<chrono::Local>,
    ) -> PathBuf {
        let mut name = base.to_string_lossy().into_owned();
        if self.every.is_some() {
            name = now.format(&name).to_string();
        }
        let width = match (self.size, self.files) {
            (Some(_), Some(files)) => files.to_string().len(),
            _ => 0,
        };
        if self.size.is_some() && (number > 0 || width > 0) {
            name += &format!("{number:0width$}");
        }
        PathBuf::from(name)
    }
}

/// Why a capture moves on to its next file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NextFile {
    /// `-G`: the file's time is up.
    TimeUp,
    /// `-C`: the file holds more than the size.
    Full,
}

/// How a session went.
#[derive(Debug, Clone, Copy)]
pub struct LiveSummary {
    pub captured: u64,
    pub statistics: Statistics,
}

/// The state of one session while packets arrive.
struct Session<'a, W: Write> {
    options: &'a LiveOptions,
    writer: Option<LiveFile>,
    printer: present::Printer,
    out: &'a mut W,
    link_type: u32,
    line_buffered: bool,
    captured: u64,
    attributor: Option<Attributor>,
    /// Packets the process selection left out.
    removed: u64,
    /// What the watch of `--pid` or `-- CMD` sees.
    watched: Option<Watched>,
    /// The pcapng options of the last process written, encoded (one flow, one
    /// encoding).
    annotation: Option<(Arc<Process>, Quality, Vec<u8>)>,
    /// Refused connections, explained on stderr (with the hints).
    refusals: Option<crate::hints::Refusals>,
    /// What a new file is made with, and where the rotation stands.
    interface: String,
    file_number: u32,
    files_opened: u32,
    file_started: Instant,
    /// The files written, in order, each once.
    written: Vec<PathBuf>,
    /// `-G` with `-W`: the last file's time is up.
    files_done: bool,
}

impl<W: Write> Session<'_, W> {
    /// Writes the packet, then prints it; false once the count is reached.
    fn handle(&mut self, packet: &crate::capture::Packet) -> Result<bool> {
        let options = self.options;
        if let Some(hint) = self
            .refusals
            .as_mut()
            .and_then(|r| r.check(self.link_type, packet.data))
        {
            eprintln!("webcapture: hint: {hint}");
        }
        // The process is needed before the write to select the packet or to keep it in
        // pcapng; otherwise it is found after the write, whose copy has brought the
        // packet's bytes in from the core the kernel wrote them on (measured: a third
        // of attribution's cost).
        let in_file = options.format == WriteFormat::PcapNg;
        let before_write = options.process.selects() || in_file || self.writer.is_none();
        if let (Some(attributor), true) = (self.attributor.as_mut(), before_write) {
            attributor.attribute(self.link_type, packet.data);
        }
        if let (Some(attributor), true) = (self.attributor.as_ref(), options.process.selects()) {
            if !options
                .process
                .keeps(attributor.current(), self.watched.as_ref())
            {
                self.removed += 1;
                return Ok(true);
            }
        }
        if let Some(why) = self.rotation_due() {
            let by_time = why == NextFile::TimeUp;
            let rotation = &options.rotation;
            if by_time
                && rotation.size.is_none()
                && rotation
                    .files
                    .is_some_and(|files| self.files_opened >= files)
            {
                // -G with -W: that many files, then the capture ends, as tcpdump's.
                self.files_done = true;
                return Ok(false);
            }
            self.rotate(by_time)?;
        }
        if let Some(writer) = self.writer.as_mut() {
            let attribution = self
                .attributor
                .as_ref()
                .filter(|_| in_file)
                .map(Attributor::current);
            let options: &[u8] = match attribution.and_then(|a| Some((a.process.as_ref()?, a))) {
                Some((process, attribution)) => {
                    let cached = self.annotation.as_ref().is_some_and(|(p, q, _)| {
                        Arc::ptr_eq(p, process) && *q == attribution.quality
                    });
                    if !cached {
                        let (comments, process_thread) = attribution.pcapng();
                        let encoded = Annotation {
                            comments,
                            process_thread,
                        }
                        .encode();
                        self.annotation = Some((Arc::clone(process), attribution.quality, encoded));
                    }
                    self.annotation.as_ref().map_or(&[], |(_, _, e)| e)
                }
                None => &[],
            };
            writer.write(
                0,
                packet.seconds,
                packet.nanoseconds,
                packet.original_length,
                packet.data,
                options,
            )?;
            if self.options.packet_buffered {
                writer.flush()?;
            }
        }
        let attribution = match self.attributor.as_mut() {
            Some(attributor) if !before_write => {
                Some(attributor.attribute(self.link_type, packet.data))
            }
            attributor => attributor.map(|a| a.current()),
        };
        let record = crate::pcap::Record {
            index: self.captured,
            link_type: self.link_type,
            seconds: packet.seconds,
            nanoseconds: packet.nanoseconds.into(),
            original_length: packet.original_length,
            data: packet.data,
            options: Default::default(),
        };
        let packet = present::Packet::new(&record).with_attribution(attribution);
        self.printer
            .packet(self.out, &packet, options.print)
            .context(|| "writing to stdout")?;
        if self.line_buffered {
            self.out.flush().context(|| "writing to stdout")?;
        }
        if let Some(diagram) = &options.diagram {
            diagram.target.write(&packet, diagram.layer_shift)?;
        }
        self.captured += 1;
        if options.verbose {
            eprint!("\rGot {}", self.captured);
        }
        Ok(!self.count_reached())
    }

    /// Whether the next packet goes to a new file, and why.
    fn rotation_due(&self) -> Option<NextFile> {
        let rotation = &self.options.rotation;
        let writer = self.writer.as_ref()?;
        if rotation
            .every
            .is_some_and(|every| self.file_started.elapsed() >= every)
        {
            Some(NextFile::TimeUp)
        } else if rotation.size.is_some_and(|size| writer.bytes() > size) {
            Some(NextFile::Full)
        } else {
            None
        }
    }

    /// Closes the file (whole, flushed) and opens the next one.
    fn rotate(&mut self, by_time: bool) -> Result<()> {
        let options = self.options;
        let Some(base) = &options.write else {
            return Ok(());
        };
        if let Some(mut writer) = self.writer.take() {
            writer.flush()?;
        }
        if by_time {
            self.file_number = 0;
            self.files_opened += 1;
            self.file_started = Instant::now();
        } else {
            self.file_number = match options.rotation.files {
                Some(files) => (self.file_number + 1) % files,
                None => self.file_number + 1,
            };
        }
        let path = options
            .rotation
            .name(base, self.file_number, chrono::Local::now());
        let writer = open_writer(&path, options, self.link_type, &self.interface)?;
        if !self.written.contains(&path) {
            self.written.push(path);
        }
        self.writer = Some(writer);
        Ok(())
    }

    /// Whether the capture is over: the count reached, or `-G -W`'s last file done.
    fn count_reached(&self) -> bool {
        self.files_done || self.options.count.is_some_and(|c| self.captured >= c)
    }

    fn flush(&mut self) -> Result<()> {
        flush_all(self.writer.as_mut(), self.out)
    }
}

/// Runs a session; lines go to `out`, the banner and the counters to stderr.
pub fn run(options: &LiveOptions, out: &mut impl Write) -> Result<LiveSummary> {
    let mut capture = Capture::open(&options.capture)?;
    crate::signals::install_stop()?;
    // The diagnostics are best effort: without them the capture still works.
    let mut watch = options
        .hint_after
        .and_then(|_| crate::hints::Watch::new(&options.capture.filter, capture.ifindex()).ok());
    let attributor = attributor(&options.process)?;
    // Both sockets are open: the rest, the output file included, runs as the user.
    if let Some(user) = &options.drop_to {
        crate::privileges::drop_to(user)?;
    }
    let first_file = options
        .write
        .as_ref()
        .map(|base| options.rotation.name(base, 0, chrono::Local::now()));
    let writer = match &first_file {
        Some(path) => Some(open_writer(path, options, capture.link_type(), capture.interface()).map_err(|err| {
            match (&options.drop_to, &err) {
                (Some(user), Error::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::PermissionDenied =>
                {
                    Error::failed(format!(
                        "{}: {user} may not write there (-Z {user} dropped root before the file was made)",
                        path.display()
                    ))
                    .hint(format!("write where {user} may, e.g. -w /tmp/{}", file_name(path)))
                    .hint("or leave out -Z")
                }
                _ => err,
            }
        })?),
        None => None,
    };
    let filter_text = if options.capture.filter.is_empty() {
        String::new()
    } else {
        format!(", filter \"{}\"", options.capture.filter)
    };
    eprintln!(
        "webcapture: listening on {}, link-type {}, snapshot length {} bytes{filter_text}",
        capture.interface(),
        if capture.link_type() == crate::linktype::ETHERNET {
            "EN10MB (Ethernet)"
        } else {
            "LINUX_SLL2 (Linux cooked v2)"
        },
        options.capture.snaplen
    );
    if attributor.is_some() && options.write.is_some() && options.format == WriteFormat::Pcap {
        eprintln!(
            "webcapture: note: a pcap file cannot keep the packets' processes; pcapng can (--pcapng, or -w FILE.pcapng)"
        );
    }
    // The command starts once everything that watches it is in place.
    let mut command = match &options.process.command {
        Some(words) => Some(spawn(words)?),
        None => None,
    };
    let watched = attributor
        .as_ref()
        .and_then(Attributor::watch)
        .map(Watch::watched);
    let mut session = Session {
        options,
        writer,
        printer: present::Printer::new(options.style, options.view.clone(), options.analyze),
        out,
        link_type: capture.link_type(),
        line_buffered: options.line_buffered || std::io::stdout().is_terminal(),
        captured: 0,
        attributor,
        removed: 0,
        watched,
        annotation: None,
        refusals: options
            .hint_after
            .map(|_| crate::hints::Refusals::default()),
        interface: capture.interface().to_string(),
        file_number: 0,
        files_opened: 1,
        file_started: Instant::now(),
        written: first_file.into_iter().collect(),
        files_done: false,
    };
    let mut exited = None;
    let started = Instant::now();
    let mut last_flush = started;
    let mut outcome: Result<()> = Ok(());
    while !crate::signals::stop_requested() && !session.count_reached() {
        if options.timeout.is_some_and(|t| started.elapsed() >= t) {
            break;
        }
        if let Some(child) = command.as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                exited = Some(status);
                break;
            }
        }
        if let (Some(w), Some(after)) = (watch.as_mut(), options.hint_after) {
            w.poll();
            if session.captured > 0 {
                watch = None;
            } else if started.elapsed() >= after {
                let hint = w.hint(
                    &options.capture.filter,
                    capture.interface(),
                    after.as_secs_f64(),
                );
                eprintln!("webcapture: hint: {hint}");
                watch = None;
            }
        }
        let wait = if watch.is_some() || command.is_some() {
            50
        } else {
            200
        };
        if let Err(err) = capture.next_packets(Duration::from_millis(wait), |p| session.handle(p)) {
            outcome = Err(err);
            break;
        }
        if last_flush.elapsed() >= Duration::from_secs(1) {
            if let Err(err) = session.flush() {
                outcome = Err(err);
                break;
            }
            last_flush = Instant::now();
        }
    }
    // Ctrl-C, SIGTERM or --timeout: the kernel may still hold packets in a block it has
    // not handed over yet; it does within its block timeout, so collect those too.
    // Bounded: under steady traffic there is always another block.
    let drain_until = Instant::now() + crate::capture::BLOCK_TIMEOUT * 3;
    while outcome.is_ok() && !session.count_reached() && Instant::now() < drain_until {
        match capture.next_packets(crate::capture::BLOCK_TIMEOUT * 3, |p| session.handle(p)) {
            Ok(crate::capture::Wait::Packets) => {}
            Ok(_) => break,
            Err(err) => outcome = Err(err),
        }
    }
    // Whatever ended the loop, the file gets every packet written so far.
    let flushed = session.flush();
    if options.verbose {
        eprintln!();
    }
    if let Err(err) = outcome {
        return Err(
            match options.write.as_ref().filter(|p| p.as_os_str() != "-") {
                Some(path) if flushed.is_ok() => err.hint(format!(
                    "{} holds the {} packets captured until then",
                    path.display(),
                    session.captured
                )),
                _ => err,
            },
        );
    }
    flushed?;
    let captured = session.captured;
    session.printer.finish(session.out)?;
    let statistics = capture.statistics()?;
    eprintln!(
        "{captured} packets captured\n{} packets received by filter\n{} packets dropped by kernel",
        statistics.received, statistics.dropped
    );
    if options.process.selects() {
        eprintln!(
            "{} packets of other processes (or of none known) left out",
            session.removed
        );
    }
    if let (Some(words), Some(status)) = (&options.process.command, exited) {
        eprintln!("webcapture: {} exited ({status})", words[0]);
    } else if let Some(mut child) = command {
        // Stopped before its command ended (Ctrl-C, the count, the timeout): the
        // command goes on, as under ptcpdump; say so.
        if let Ok(None) = child.try_wait() {
            eprintln!(
                "webcapture: {} (pid {}) is still running",
                options
                    .process
                    .command
                    .as_ref()
                    .map_or("", |w| w[0].as_str()),
                child.id()
            );
        }
    }
    if options.write.as_ref().is_some_and(|p| p.as_os_str() != "-") {
        let files: Vec<String> = session
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "webcapture: wrote {captured} packet{} to {}",
            if captured == 1 { "" } else { "s" },
            files.join(", ")
        );
    }
    Ok(LiveSummary {
        captured,
        statistics,
    })
}

/// The attribution a session needs: none, every packet's process, or that and a
/// watch on the selected processes (`--pid`: those; `-- CMD`: this process's
/// children, so the command is watched from its first instruction).
fn attributor(options: &ProcessOptions) -> Result<Option<Attributor>> {
    if !options.attribute && !options.selects() {
        return Ok(None);
    }
    for &pid in &options.pids {
        if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
            return Err(Error::failed(format!("no process has pid {pid}"))
                .hint("list the processes with sockets: sock-list -anp"));
        }
    }
    let watch = if options.command.is_some() {
        Some(Watch::start(vec![std::process::id()], false)?)
    } else if !options.pids.is_empty() {
        Some(Watch::start(options.pids.clone(), true)?)
    } else {
        None
    };
    Attributor::new(watch).map(Some)
}

/// Starts `-- CMD ARGS`, its output on ours.
fn spawn(words: &[String]) -> Result<std::process::Child> {
    std::process::Command::new(&words[0])
        .args(&words[1..])
        .spawn()
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::NotFound {
                Error::failed(format!("{}: command not found", words[0]))
            } else {
                Error::Io {
                    context: format!("starting {}", words[0]),
                    source,
                }
            }
        })
}

fn open_writer(
    path: &std::path::Path,
    options: &LiveOptions,
    link_type: u32,
    interface: &str,
) -> Result<LiveFile> {
    LiveFile::create(path, |sink| {
        CaptureWriter::new(
            sink,
            options.format,
            link_type,
            options.capture.snaplen,
            Some(interface),
        )
    })
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map_or_else(|| "hello.pcap".into(), |n| n.to_string_lossy().into_owned())
}

fn flush_all(writer: Option<&mut LiveFile>, out: &mut impl Write) -> Result<()> {
    if let Some(writer) = writer {
        writer.flush()?;
    }
    out.flush().context(|| "writing to stdout")
}
