//! One capture of the whole lab (`lab-hosts capture`): every host's interfaces at once,
//! into one pcapng file with an interface description per `host:interface` (the names
//! Wireshark shows), the packets of all of them in time order, one summary line each.
//!
//! Each interface gets its own [`Capture`], opened on a thread inside its host's
//! namespace and then read here; the filter is compiled once per link type for all of
//! them. The captures deliver packets in blocks, each at most the ring's block timeout
//! late, so packets wait in a heap by kernel timestamp until they are [`MERGE_WINDOW`]
//! old, then go out in order: written to the file first, then printed, as in
//! [`crate::live`]. Ctrl-C, SIGTERM, the count or the timeout drain every ring, write
//! and print everything still waiting, and flush the file.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::capture::{Capture, CaptureOptions, KernelFilters, Statistics, Wait, BLOCK_TIMEOUT};
use crate::error::{Context, Error, Result};
use crate::lab::{HostSpec, LabSpec};
use crate::netns;
use crate::nics;
use crate::pcap::{CaptureWriter, Interface, LiveFile, Record};
use crate::present::{self, Format, Ports, Style};

/// How long a packet waits for packets of other interfaces that are older than it:
/// a few block timeouts.
pub const MERGE_WINDOW: Duration = Duration::from_millis(50);

/// What to capture and where it goes.
#[derive(Debug, Clone)]
pub struct LabCaptureOptions {
    /// `HOST` (its interfaces) or `HOST:INTERFACE`; empty: every interface but
    /// loopback of every host.
    pub interfaces: Vec<String>,
    /// The filter expression (empty: every packet).
    pub filter: String,
    pub snaplen: u32,
    pub count: Option<u64>,
    pub timeout: Option<Duration>,
    /// The pcapng file (`-` is stdout).
    pub write: Option<PathBuf>,
    /// Print a line per packet.
    pub print: bool,
    pub ports: Ports,
    /// Flush stdout after every line (always on a terminal).
    pub line_buffered: bool,
}

/// How a capture went: packets written and printed, and each interface's counters.
#[derive(Debug, Clone)]
pub struct LabCaptureSummary {
    pub captured: u64,
    pub interfaces: Vec<(String, Statistics)>,
}

/// One captured interface: `host:interface` and its capture.
struct Point {
    name: String,
    capture: Capture,
}

/// A packet waiting for its turn.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct Waiting {
    /// Kernel timestamp, nanoseconds since the epoch.
    time: i64,
    /// Arrival order: ties keep it.
    order: u64,
    point: usize,
    original_length: u32,
    data: Vec<u8>,
}

/// A host to capture on, and its interfaces (`None`: all but loopback).
type Selected<'a> = (&'a HostSpec, Option<Vec<String>>);

/// Which interfaces of which host `selection` names; every host with `None` when the
/// selection is empty.
fn selected<'a>(spec: &'a LabSpec, selection: &[String]) -> Result<Vec<Selected<'a>>> {
    if selection.is_empty() {
        return Ok(spec.hosts.iter().map(|h| (h, None)).collect());
    }
    let mut chosen: Vec<Selected> = Vec::new();
    for item in selection {
        let (host_name, interface) = match item.split_once(':') {
            Some((host, interface)) => (host, Some(interface.to_string())),
            None => (item.as_str(), None),
        };
        let host = spec.host(host_name).ok_or_else(|| {
            let names: Vec<&str> = spec.hosts.iter().map(|h| h.hostname.as_str()).collect();
            Error::usage(format!("{host_name:?} is not a host of lab {:?}", spec.lab))
                .hint(format!("its hosts are: {}", names.join(", ")))
        })?;
        match chosen.iter_mut().find(|(h, _)| h.hostname == host.hostname) {
            Some((_, interfaces)) => match (interfaces.as_mut(), interface) {
                (Some(list), Some(interface)) => list.push(interface),
                _ => *interfaces = None,
            },
            None => chosen.push((host, interface.map(|i| vec![i]))),
        }
    }
    Ok(chosen)
}

/// Opens a capture on each selected interface, in its host's namespace.
fn open_points(spec: &LabSpec, options: &LabCaptureOptions) -> Result<Vec<Point>> {
    let mut filters = KernelFilters::new(&options.filter, options.snaplen);
    let mut points = Vec::new();
    for (host, interfaces) in selected(spec, &options.interfaces)? {
        let namespace = netns::open(&host.netns)?;
        let filters = &mut filters;
        let opened = netns::run_in(&namespace, move || {
            let links = nics::links()?;
            let names: Vec<String> = match interfaces {
                Some(names) => {
                    for name in &names {
                        if !links.iter().any(|l| &l.name == name) {
                            let known: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
                            return Err(Error::usage(format!(
                                "{} has no interface {name:?}",
                                host.hostname
                            ))
                            .hint(format!("its interfaces: {}", known.join(", "))));
                        }
                    }
                    names
                }
                // lo carries nothing between hosts: every other NIC that is up.
                None => links
                    .iter()
                    .filter(|l| l.is_up() && !l.is_loopback())
                    .map(|l| l.name.clone())
                    .collect(),
            };
            names
                .into_iter()
                .map(|name| {
                    let capture = Capture::open_with(
                        &CaptureOptions {
                            interface: name.clone(),
                            promiscuous: true,
                            snaplen: options.snaplen,
                            filter: options.filter.clone(),
                            direction: Default::default(),
                        },
                        filters,
                    )?;
                    Ok(Point {
                        name: format!("{}:{name}", host.hostname),
                        capture,
                    })
                })
                .collect::<Result<Vec<Point>>>()
        })
        .map_err(|e| match e {
            Error::Io { context, source } => Error::Io {
                context: format!("{} ({})", context, host.hostname),
                source,
            },
            other => other,
        })?;
        points.extend(opened);
    }
    if points.is_empty() {
        return Err(Error::failed(format!(
            "lab {:?} has no interface that is up to capture on",
            spec.lab
        ))
        .hint("bring the lab up again: sudo lab-hosts up"));
    }
    Ok(points)
}

fn now_nanoseconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i64)
}

/// The session: the captures, the packets waiting, the file, the printer.
struct Session<'a, W: Write> {
    options: &'a LabCaptureOptions,
    points: Vec<Point>,
    waiting: BinaryHeap<Reverse<Waiting>>,
    arrived: u64,
    file: Option<LiveFile>,
    printer: present::Printer,
    out: &'a mut W,
    name_width: usize,
    line_buffered: bool,
    captured: u64,
}

impl<W: Write> Session<'_, W> {
    fn count_reached(&self) -> bool {
        self.options.count.is_some_and(|c| self.captured >= c)
    }

    /// Reads every packet the captures hold now; whether there were any.
    fn collect(&mut self) -> Result<bool> {
        let mut any = false;
        for (index, point) in self.points.iter_mut().enumerate() {
            loop {
                let waiting = &mut self.waiting;
                let arrived = &mut self.arrived;
                let outcome = point
                    .capture
                    .next_packets(Duration::ZERO, |packet| {
                        *arrived += 1;
                        waiting.push(Reverse(Waiting {
                            time: i64::from(packet.seconds) * 1_000_000_000
                                + i64::from(packet.nanoseconds),
                            order: *arrived,
                            point: index,
                            original_length: packet.original_length,
                            data: packet.data.to_vec(),
                        }));
                        Ok(true)
                    })
                    .map_err(|e| match e {
                        Error::Failed { message, hints } => Error::Failed {
                            message: format!("{}: {message}", point.name),
                            hints,
                        },
                        other => other,
                    })?;
                if outcome != Wait::Packets {
                    break;
                }
                any = true;
            }
        }
        Ok(any)
    }

    /// Writes and prints the packets older than `until` (nanoseconds), in time order.
    fn release(&mut self, until: i64) -> Result<()> {
        while !self.count_reached() && self.waiting.peek().is_some_and(|w| w.0.time <= until) {
            let Reverse(packet) = self.waiting.pop().expect("peeked");
            let point = &self.points[packet.point];
            let (seconds, nanoseconds) = (
                packet.time.div_euclid(1_000_000_000) as u32,
                packet.time.rem_euclid(1_000_000_000) as u32,
            );
            if let Some(file) = self.file.as_mut() {
                file.write(
                    packet.point as u32,
                    seconds,
                    nanoseconds,
                    packet.original_length,
                    &packet.data,
                    &[],
                )?;
            }
            if self.options.print {
                let record = Record {
                    index: self.captured,
                    link_type: point.capture.link_type(),
                    seconds,
                    nanoseconds: nanoseconds.into(),
                    original_length: packet.original_length,
                    data: &packet.data,
                    options: Default::default(),
                };
                let shown = present::Packet::new(&record);
                write!(self.out, "{:<width$} ", point.name, width = self.name_width)
                    .and_then(|()| self.printer.packet(self.out, &shown, true))
                    .context(|| "writing to stdout")?;
                if self.line_buffered {
                    self.out.flush().context(|| "writing to stdout")?;
                }
            }
            self.captured += 1;
        }
        Ok(())
    }

    /// Waits up to `timeout` for any capture to have packets.
    fn wait(&self, timeout: Duration) -> Result<()> {
        let mut fds: Vec<nix::poll::PollFd> = self
            .points
            .iter()
            .map(|p| nix::poll::PollFd::new(p.capture.as_fd(), nix::poll::PollFlags::POLLIN))
            .collect();
        let timeout = nix::poll::PollTimeout::try_from(timeout.as_millis() as u64)
            .unwrap_or(nix::poll::PollTimeout::MAX);
        match nix::poll::poll(&mut fds, timeout) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => Ok(()),
            Err(e) => Err(Error::failed(format!("waiting for packets: {e}"))),
        }
    }

    fn flush(&mut self) -> Result<()> {
        if let Some(file) = self.file.as_mut() {
            file.flush()?;
        }
        self.out.flush().context(|| "writing to stdout")
    }
}

/// Captures the lab until the count, the timeout, Ctrl-C or SIGTERM; lines go to
/// `out`, the banner and the counters to stderr.
pub fn run(
    spec: &LabSpec,
    options: &LabCaptureOptions,
    out: &mut impl Write,
) -> Result<LabCaptureSummary> {
    crate::lab::require_privileges("lab-hosts capture")?;
    let points = open_points(spec, options)?;
    crate::signals::install_stop()?;
    let names: Vec<String> = points.iter().map(|p| p.name.clone()).collect();
    let file = match &options.write {
        Some(path) => {
            let interfaces: Vec<Interface> = points
                .iter()
                .map(|p| Interface {
                    link_type: p.capture.link_type(),
                    snaplen: options.snaplen,
                    name: Some(&p.name),
                })
                .collect();
            Some(LiveFile::create(path, |sink| {
                CaptureWriter::pcapng(sink, &interfaces)
            })?)
        }
        None => None,
    };
    let filter_text = if options.filter.is_empty() {
        String::new()
    } else {
        format!(", filter \"{}\"", options.filter)
    };
    eprintln!(
        "lab-hosts: listening on {} ({} interfaces), snapshot length {} bytes{filter_text}",
        names.join(", "),
        names.len(),
        options.snaplen
    );
    let style = Style {
        format: Format::Summary,
        numbered: false,
        ports: options.ports,
        verify_checksums: false,
        absolute: false,
        habits: Default::default(),
    };
    let mut session = Session {
        options,
        name_width: names.iter().map(String::len).max().unwrap_or(0),
        points,
        waiting: BinaryHeap::new(),
        arrived: 0,
        file,
        printer: present::Printer::new(style, present::View::Packets, present::Analyze::default()),
        out,
        line_buffered: options.line_buffered || std::io::stdout().is_terminal(),
        captured: 0,
    };
    let started = Instant::now();
    let mut last_flush = started;
    let mut outcome: Result<()> = Ok(());
    while !crate::signals::stop_requested() && !session.count_reached() {
        if options.timeout.is_some_and(|t| started.elapsed() >= t) {
            break;
        }
        let step = session.collect().and_then(|any| {
            session.release(now_nanoseconds() - MERGE_WINDOW.as_nanos() as i64)?;
            if !any {
                session.wait(BLOCK_TIMEOUT * 2)?;
            }
            if last_flush.elapsed() >= Duration::from_secs(1) {
                session.flush()?;
                last_flush = Instant::now();
            }
            Ok(())
        });
        if let Err(err) = step {
            outcome = Err(err);
            break;
        }
    }
    // The kernel may still hold packets in blocks it has not handed over; it does
    // within its block timeout. Then everything waiting goes out, in order.
    if outcome.is_ok() {
        let drain_until = Instant::now() + BLOCK_TIMEOUT * 3;
        while Instant::now() < drain_until && !session.count_reached() {
            match session.collect() {
                Ok(true) => {}
                Ok(false) => std::thread::sleep(BLOCK_TIMEOUT / 2),
                Err(err) => {
                    outcome = Err(err);
                    break;
                }
            }
        }
    }
    let released = session.release(i64::MAX);
    let flushed = session.flush();
    outcome.and(released).and(flushed).map_err(|err| {
        match options.write.as_ref().filter(|p| p.as_os_str() != "-") {
            Some(path) => err.hint(format!(
                "{} holds the {} packets captured until then",
                path.display(),
                session.captured
            )),
            None => err,
        }
    })?;
    let mut interfaces = Vec::new();
    for point in &mut session.points {
        interfaces.push((point.name.clone(), point.capture.statistics()?));
    }
    eprintln!("{} packets captured", session.captured);
    for (name, statistics) in &interfaces {
        eprintln!(
            "{name}: {} packets received by filter, {} dropped by kernel",
            statistics.received, statistics.dropped
        );
    }
    if let Some(path) = options.write.as_ref().filter(|p| p.as_os_str() != "-") {
        eprintln!(
            "lab-hosts: wrote {} packets to {} (pcapng, one interface per host:interface)",
            session.captured,
            path.display()
        );
    }
    Ok(LabCaptureSummary {
        captured: session.captured,
        interfaces,
    })
}
