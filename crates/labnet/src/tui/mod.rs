//! `webcapture --tui`: a packet browser in the terminal (what termshark is to tshark),
//! over labnet's own dissector, filter compiler and conversation views, so it needs
//! nothing else on the machine: a packet list, the selected packet's layers and its
//! bytes tied to them, a display filter, conversations, the ladder and a followed
//! stream, marks, saving and the layer diagram, from a file or a live capture.
//!
//! The terminal is always given back: a guard restores it when the session ends by
//! any path, ratatui's panic hook does on a panic, and SIGTERM/SIGHUP (the SSH
//! connection dropped) end the loop like `q`.

mod app;
mod draw;
mod store;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyCode, KeyEventKind, KeyModifiers,
    MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;

use app::{Action, App, Key, Pane};
use store::Store;

use crate::capture::{Capture, CaptureOptions};
use crate::error::{Context, Error, Result};
use crate::pcap::{Annotation, CaptureWriter, Record, WriteFormat};
use crate::present::{self, Analyze, FlowFormat, Ports, Style, View};
use crate::process::Attribution;

/// Where the packets come from.
pub enum Source {
    File(PathBuf),
    Live(LiveSource),
}

/// A live capture for the browser.
#[derive(Clone)]
pub struct LiveSource {
    pub capture: CaptureOptions,
    /// Every captured packet is written here too (as `-w`).
    pub write: Option<PathBuf>,
    pub format: WriteFormat,
    /// Name each packet's process.
    pub attribute: bool,
}

/// The capture thread's ends of its channels and flags.
struct ThreadEnds {
    stopping: Arc<AtomicBool>,
    opened: mpsc::Sender<Result<()>>,
    packets: mpsc::Sender<Captured>,
    filters: mpsc::Receiver<String>,
}

pub struct TuiOptions {
    pub source: Source,
    /// A file's display filter at the start (live: the kernel's filter).
    pub filter: String,
    pub ports: Ports,
}

/// What the capture thread hands the browser.
enum Captured {
    Packet {
        seconds: u32,
        nanoseconds: u32,
        original_length: u32,
        link_type: u32,
        data: Vec<u8>,
        attribution: Option<Attribution>,
    },
    /// The kernel filters with this expression from now on (K, once attached).
    Filtered(String),
    Failed(String),
}

/// Runs the browser until `q`, Ctrl-C, SIGTERM or SIGHUP.
pub fn run(options: TuiOptions) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::usage("--tui needs a terminal")
            .hint("run it in a terminal (over SSH: ssh -t); to print packets, leave out --tui"));
    }
    crate::signals::install_stop_on_hangup()?;
    let mut app = App::new(options.ports, matches!(options.source, Source::Live(_)));
    // Errors before the screen is taken are printed as usual.
    let (mut store, live) = match &options.source {
        Source::File(path) => {
            let store = Store::open(path)?;
            app.set_filter(&store, &options.filter)
                .map_err(|e| Error::usage(format!("bad filter: {e}")))?;
            (store, None)
        }
        Source::Live(source) => (Store::live(), Some(LiveCapture::start(source.clone())?)),
    };
    let colour = colour_terminal();
    let ended = Arc::new(AtomicBool::new(false));
    watch_for_hangup(
        Arc::clone(&ended),
        live.as_ref().map(|l| l.finished.clone()),
    );
    let outcome = {
        let _terminal = TerminalGuard::take()?;
        let mut terminal = ratatui::try_init().context(|| "setting up the terminal")?;
        session(&mut terminal, &mut app, &mut store, live.as_ref(), colour)
    };
    ended.store(true, Ordering::SeqCst);
    let written = live.map(LiveCapture::stop).transpose()?.flatten();
    if let Some((path, count)) = written {
        eprintln!("webcapture: wrote {count} packets to {}", path.display());
    }
    outcome
}

/// Watches the terminal: when it hangs up (the SSH connection or the terminal
/// emulator went away) the session is asked to stop, as by SIGHUP (which a shell that
/// is not interactive does not pass on). crossterm's reader reads a hung-up terminal's
/// end of file forever without returning, so if the session has not ended a second
/// later, this thread ends the process, once a live capture has written out its file
/// (`finished`): there is no terminal left to give back.
fn watch_for_hangup(ended: Arc<AtomicBool>, finished: Option<Arc<AtomicBool>>) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(100));
        if ended.load(Ordering::SeqCst) {
            return;
        }
        let mut stdin = libc::pollfd {
            fd: 0,
            events: 0,
            revents: 0,
        };
        // SAFETY: one valid pollfd for the duration of the call; a zero timeout.
        let ready = unsafe { libc::poll(&mut stdin, 1, 0) };
        let gone = libc::POLLHUP | libc::POLLERR | libc::POLLNVAL;
        if ready <= 0 || stdin.revents & gone == 0 {
            continue;
        }
        crate::signals::request_stop_now();
        for _ in 0..20 {
            std::thread::sleep(Duration::from_millis(100));
            let written = finished.as_ref().is_none_or(|f| f.load(Ordering::SeqCst));
            if ended.load(Ordering::SeqCst) || written {
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(500));
        if !ended.load(Ordering::SeqCst) {
            std::process::exit(0);
        }
        return;
    });
}

/// Colours on a terminal that has them, never under NO_COLOR.
fn colour_terminal() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let term = std::env::var("TERM").unwrap_or_default();
    !no_color && term != "dumb" && !term.is_empty()
}

/// Gives the terminal back (raw mode off, the main screen, no mouse reports) when
/// dropped, whichever way the session ended.
struct TerminalGuard;

impl TerminalGuard {
    fn take() -> Result<TerminalGuard> {
        // A panic skips the guard's drop (release builds abort): its hook stops the
        // mouse reports too (ratatui's own hook, set next, restores the rest).
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(std::io::stdout(), DisableMouseCapture);
            hook(info);
        }));
        let guard = TerminalGuard;
        execute!(std::io::stdout(), EnableMouseCapture).context(|| "asking for mouse reports")?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(std::io::stdout(), DisableMouseCapture);
        ratatui::restore();
    }
}

fn session(
    terminal: &mut ratatui::DefaultTerminal,
    app: &mut App,
    store: &mut Store,
    live: Option<&LiveCapture>,
    colour: bool,
) -> Result<()> {
    let mut screen = draw::Screen::default();
    loop {
        if let Some(live) = live {
            let mut added = false;
            for captured in live.packets.try_iter().take(100_000) {
                match captured {
                    Captured::Packet {
                        seconds,
                        nanoseconds,
                        original_length,
                        link_type,
                        data,
                        attribution,
                    } => {
                        let record = Record {
                            index: store.len() as u64,
                            link_type,
                            seconds,
                            nanoseconds: nanoseconds.into(),
                            original_length,
                            data: &data,
                            options: Default::default(),
                        };
                        store.push(&record, attribution);
                        added = true;
                    }
                    Captured::Filtered(expression) => {
                        let shown = if expression.is_empty() {
                            "every packet".to_string()
                        } else {
                            expression
                        };
                        app.say(format!("the kernel now captures: {shown}"), false);
                    }
                    Captured::Failed(error) => app.say(format!("capture stopped: {error}"), true),
                }
            }
            if added {
                if let Err(error) = app.take_new(store) {
                    app.say(error, true);
                }
            }
        }
        terminal
            .draw(|frame| draw::draw(frame, app, store, &mut screen, colour))
            .context(|| "drawing")?;
        if crate::signals::stop_requested() {
            return Ok(());
        }
        if !event::poll(Duration::from_millis(100)).context(|| "reading the terminal")? {
            continue;
        }
        let action = match event::read().context(|| "reading the terminal")? {
            Event::Key(key) if key.kind != KeyEventKind::Release => {
                // Esc and a key typed at once arrive as Alt and the key: both meant.
                let alt = key.modifiers.contains(KeyModifiers::ALT);
                let mut action = match alt {
                    true => app.key(store, Key::Esc),
                    false => Action::None,
                };
                if let (Action::None, Some(key)) = (&action, translate(key)) {
                    action = app.key(store, key);
                }
                action
            }
            Event::Mouse(mouse) => {
                mouse_event(app, store, &screen, mouse);
                Action::None
            }
            // Resize: the next draw fits the new size.
            _ => Action::None,
        };
        if act(app, store, live, action)? {
            return Ok(());
        }
    }
}

fn translate(key: event::KeyEvent) -> Option<Key> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char(c) if ctrl => Key::Ctrl(c.to_ascii_lowercase()),
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Enter => Key::Enter,
        KeyCode::Esc => Key::Esc,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Home => Key::Home,
        KeyCode::End => Key::End,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        _ => return None,
    })
}

fn mouse_event(app: &mut App, store: &Store, screen: &draw::Screen, mouse: event::MouseEvent) {
    let inside = |r: ratatui::layout::Rect| {
        mouse.column >= r.x
            && mouse.column < r.x + r.width
            && mouse.row >= r.y
            && mouse.row < r.y + r.height
    };
    match mouse.kind {
        MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
            let down = mouse.kind == MouseEventKind::ScrollDown;
            if inside(screen.layers) {
                app.focus = Pane::Layers;
            } else if inside(screen.hex) {
                app.focus = Pane::Hex;
            } else if inside(screen.list) {
                app.focus = Pane::List;
            }
            app.wheel(store, down);
        }
        MouseEventKind::Down(MouseButton::Left) if app.sheet.is_none() => {
            if inside(screen.list) && mouse.row >= screen.list.y + 2 {
                let row = (mouse.row - screen.list.y - 2) as usize;
                app.click_list(screen.list_top, row);
            } else if inside(screen.layers) && mouse.row > screen.layers.y {
                app.focus = Pane::Layers;
                let line = screen.layers_top + (mouse.row - screen.layers.y - 1) as usize;
                app.select_line(store, line);
            } else if inside(screen.hex) && mouse.row > screen.hex.y {
                app.focus = Pane::Hex;
                let row = screen.hex_top + (mouse.row - screen.hex.y - 1) as usize;
                // Each byte takes three columns ("45 ") after the offset, then one
                // in the ASCII column after a space.
                let ascii_at = screen.hex_bytes_at + 16 * 3 + 1;
                let column = if mouse.column >= ascii_at {
                    Some(usize::from(mouse.column - ascii_at).min(15))
                } else if mouse.column >= screen.hex_bytes_at {
                    Some(usize::from((mouse.column - screen.hex_bytes_at) / 3).min(15))
                } else {
                    None
                };
                if let Some(column) = column {
                    app.select_byte(store, row * 16 + column);
                }
            }
        }
        _ => {}
    }
}

/// Does what a key asked for; true to end the session.
fn act(app: &mut App, store: &Store, live: Option<&LiveCapture>, action: Action) -> Result<bool> {
    let view = |view: View| -> Result<Vec<String>> {
        let mut out = Vec::new();
        let style = Style {
            format: present::Format::Summary,
            numbered: false,
            ports: app.ports,
            verify_checksums: false,
            absolute: false,
            habits: Default::default(),
        };
        let mut printer = present::Printer::new(style, view, Analyze::default());
        for index in 0..store.len() {
            let record = store.record(index);
            let packet = present::Packet::new(&record).with_attribution(store.attribution(index));
            printer
                .packet(&mut out, &packet, false)
                .context(|| "making the view")?;
        }
        printer.finish(&mut out)?;
        Ok(String::from_utf8_lossy(&out)
            .lines()
            .map(|l| l.replace('\t', "    "))
            .collect())
    };
    match action {
        Action::None => {}
        Action::Quit => return Ok(true),
        Action::Conversations => {
            app.sheet = Some(app::Sheet::new("conversations", view(View::Conversations)?));
        }
        Action::Ladder(stream) => {
            let lines = view(View::Flow {
                stream: Some(stream),
                format: FlowFormat::Text,
            })?;
            app.sheet = Some(app::Sheet::new(
                format!("ladder of TCP stream {stream}"),
                lines,
            ));
        }
        Action::Follow(stream) => {
            let lines = view(View::Follow { stream, raw: false })?;
            app.sheet = Some(app::Sheet::new(format!("TCP stream {stream}"), lines));
        }
        Action::Save { path, marked } => {
            let chosen: Vec<u32> = if marked {
                app.marked.iter().copied().collect()
            } else {
                app.shown.clone()
            };
            match save(store, &chosen, Path::new(&path)) {
                Ok(()) => app.say(format!("wrote {} packets to {path}", chosen.len()), false),
                Err(error) => app.say(error.to_string(), true),
            }
        }
        Action::Export(path) => match export(store, app.current(), Path::new(&path)) {
            Ok(()) => app.say(format!("wrote the diagram to {path}"), false),
            Err(error) => app.say(error.to_string(), true),
        },
        Action::KernelFilter(expression) => {
            if let Some(live) = live {
                // Said once the capture thread has attached it (Captured::Filtered).
                let _ = live.filters.send(expression);
            }
        }
    }
    Ok(false)
}

/// Writes packets `chosen` of the store: pcapng (with their processes) when the name
/// says so, else pcap.
fn save(store: &Store, chosen: &[u32], path: &Path) -> Result<()> {
    let format = if path.extension().is_some_and(|e| e == "pcapng") {
        WriteFormat::PcapNg
    } else {
        WriteFormat::Pcap
    };
    let mut output = crate::offline::Output::new(path);
    for &index in chosen {
        let record = store.record(index as usize);
        let annotation = annotation(store.attribution(index as usize), format);
        output.write_annotated(&record, format, &annotation)?;
    }
    output.finish(format)
}

/// What a pcapng file keeps of a packet's process (a pcap file keeps nothing).
fn annotation(attribution: Option<&Attribution>, format: WriteFormat) -> Annotation {
    match (attribution, format) {
        (Some(attribution), WriteFormat::PcapNg) => {
            let (comments, process_thread) = attribution.pcapng();
            Annotation {
                comments,
                process_thread,
            }
        }
        _ => Annotation::default(),
    }
}

/// Writes the layer diagram of packet `index` (SVG or PDF, by the name).
fn export(store: &Store, index: Option<u32>, path: &Path) -> Result<()> {
    let Some(index) = index else {
        return Err(Error::failed("no packet is selected"));
    };
    let Some(format) = present::diagram::Format::of(path) else {
        return Err(Error::usage(format!(
            "{}: the diagram is written as .svg or .pdf",
            path.display()
        )));
    };
    let record = store.record(index as usize);
    let packet = present::Packet::new(&record);
    let bytes = present::diagram::render(&packet, 1, format);
    let mut file =
        std::fs::File::create(path).context(|| format!("creating {}", path.display()))?;
    file.write_all(&bytes)
        .context(|| format!("writing {}", path.display()))
}

/// A live capture on its own thread: packets go to the browser over a channel and,
/// with `-w`, into the file as they come, so quitting loses none that were shown.
struct LiveCapture {
    packets: mpsc::Receiver<Captured>,
    filters: mpsc::Sender<String>,
    stop: Arc<AtomicBool>,
    /// Set once the capture has ended and its file is written out.
    finished: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<Result<Option<(PathBuf, u64)>>>,
}

impl LiveCapture {
    fn start(source: LiveSource) -> Result<LiveCapture> {
        let (sender, packets) = mpsc::channel();
        let (filters, filter_changes) = mpsc::channel::<String>();
        let (opened_sender, opened) = mpsc::channel::<Result<()>>();
        let stop = Arc::new(AtomicBool::new(false));
        let finished = Arc::new(AtomicBool::new(false));
        let done = Arc::clone(&finished);
        let ends = ThreadEnds {
            stopping: Arc::clone(&stop),
            opened: opened_sender,
            packets: sender,
            filters: filter_changes,
        };
        let thread = std::thread::spawn(move || {
            let outcome = capture_loop(source, &ends);
            done.store(true, Ordering::SeqCst);
            outcome
        });
        match opened.recv() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                let _ = thread.join();
                return Err(error);
            }
            Err(_) => return Err(Error::failed("the capture thread ended at once")),
        }
        Ok(LiveCapture {
            packets,
            filters,
            stop,
            finished,
            thread,
        })
    }

    /// Stops the capture; the file it wrote and how many packets, if it wrote one.
    fn stop(self) -> Result<Option<(PathBuf, u64)>> {
        self.stop.store(true, Ordering::SeqCst);
        drop(self.packets);
        self.thread
            .join()
            .map_err(|_| Error::failed("the capture thread panicked"))?
    }
}

/// The capture thread's work: open (saying so through `opened`), then hand each packet
/// over and write it, until asked to stop; returns the file written and its count.
fn capture_loop(source: LiveSource, ends: &ThreadEnds) -> Result<Option<(PathBuf, u64)>> {
    let LiveSource {
        capture: options,
        write,
        format,
        attribute,
    } = source;
    let mut capture = match Capture::open(&options) {
        Ok(capture) => capture,
        Err(error) => {
            let _ = ends.opened.send(Err(error));
            return Ok(None);
        }
    };
    let mut attributor = match attribute {
        true => crate::attribution::Attributor::new(None).ok(),
        false => None,
    };
    let mut writer = match &write {
        Some(path) => match open_live_output(path, format, capture.link_type()) {
            Ok(writer) => Some(writer),
            Err(error) => {
                let _ = ends.opened.send(Err(error));
                return Ok(None);
            }
        },
        None => None,
    };
    let _ = ends.opened.send(Ok(()));
    let link_type = capture.link_type();
    let mut written = 0u64;
    while !ends.stopping.load(Ordering::SeqCst) && !crate::signals::stop_requested() {
        if let Some(expression) = ends.filters.try_iter().last() {
            let _ = ends
                .packets
                .send(match capture.set_filter(&expression, options.snaplen) {
                    Ok(()) => Captured::Filtered(expression),
                    Err(error) => Captured::Failed(error.to_string()),
                });
        }
        let outcome = capture.next_packets(Duration::from_millis(100), |packet| {
            let attribution = attributor
                .as_mut()
                .map(|a| a.attribute(link_type, packet.data).clone())
                .filter(|a| a.process.is_some());
            if let Some(writer) = writer.as_mut() {
                let annotation = annotation(attribution.as_ref(), format);
                writer
                    .write_annotated(
                        0,
                        packet.seconds,
                        packet.nanoseconds.into(),
                        packet.original_length,
                        packet.data,
                        &annotation,
                    )
                    .context(|| "writing the capture file")?;
                written += 1;
            }
            let sent = ends.packets.send(Captured::Packet {
                seconds: packet.seconds,
                nanoseconds: packet.nanoseconds,
                original_length: packet.original_length,
                link_type,
                data: packet.data.to_vec(),
                attribution,
            });
            Ok(sent.is_ok())
        });
        if let Err(error) = outcome {
            let _ = ends.packets.send(Captured::Failed(error.to_string()));
            break;
        }
        // What reached the browser is on disk within a second.
        if let Some(writer) = writer.as_mut() {
            writer.flush().context(|| "writing the capture file")?;
        }
    }
    match (writer, write) {
        (Some(mut writer), Some(path)) => {
            writer.flush().context(|| "writing the capture file")?;
            Ok(Some((path, written)))
        }
        _ => Ok(None),
    }
}

fn open_live_output(
    path: &Path,
    format: WriteFormat,
    link_type: u32,
) -> Result<CaptureWriter<std::fs::File>> {
    let file = std::fs::File::create(path).context(|| format!("creating {}", path.display()))?;
    CaptureWriter::new(file, format, link_type, crate::pcap::MAX_RECORD, None)
        .context(|| format!("writing {}", path.display()))
}
