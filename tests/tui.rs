//! `webcapture --tui` driven as a student drives it over SSH: in tmux (send-keys,
//! capture-pane), on captures of the lab's own exchange. What the panes show is held
//! against the trusted tools: Scapy's summaries for the list, tshark's field positions
//! (PDML) for the highlighted bytes, tcpdump's selection for the filter and for the
//! saved file, the command line's own caret for a bad filter, and `stty -g` for the
//! terminal it gives back (on `q`, Ctrl-C, SIGTERM and SIGHUP).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use labnet_test_support::{require, tool_path, TestLab, Webcapture};

static NEXT: AtomicU32 = AtomicU32::new(0);

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-tui-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn output(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(out.status.success(), "{command:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// A tmux server of the test's own (its own socket), with one window running a
/// command; killed, with what it runs, when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Runs `command` (a shell command line) in a `width` x `height` window; the
    /// window stays after it ends, showing what it printed last.
    fn start(width: u16, height: u16, command: &str, env: &[(&str, &str)]) -> Tmux {
        let socket = format!(
            "labnet-tui-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut tmux = Command::new("tmux");
        tmux.args([
            "-L",
            &socket,
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "t",
        ])
        .args(["-x", &width.to_string(), "-y", &height.to_string()]);
        for (key, value) in env {
            tmux.args(["-e", &format!("{key}={value}")]);
        }
        tmux.arg(format!("{command}; echo \"[exit $?]\"; sleep 600"));
        output(&mut tmux);
        Tmux { socket }
    }

    fn tmux(&self, args: &[&str]) -> String {
        output(Command::new("tmux").args(["-L", &self.socket]).args(args))
    }

    /// Keys by tmux's names (`j`, `Tab`, `Enter`, `C-u`), one at a time, as typed.
    fn keys(&self, keys: &[&str]) {
        for key in keys {
            self.tmux(&["send-keys", "-t", "t", key]);
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// Text typed literally.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "t", "-l", text]);
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-t", "t"])
    }

    /// The screen with its attributes as escape sequences.
    fn escaped(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-e", "-t", "t"])
    }

    /// The screen once `ready` holds of it (within 15 s), else a failure showing it.
    /// A screen is taken only when it is the same twice in a row: tmux may show a
    /// frame half drawn.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if ready(&screen) {
                std::thread::sleep(Duration::from_millis(40));
                if self.screen() == screen {
                    return screen;
                }
                continue;
            }
            assert!(
                Instant::now() < deadline,
                "waited 15 s for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn resize(&self, width: u16, height: u16) {
        self.tmux(&[
            "resize-window",
            "-t",
            "t",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
        ]);
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
    }
}

/// The shell line that runs webcapture with `args` between two `stty -g` snapshots
/// (the terminal before and after) in `dir`; webcapture's PID goes to `dir/pid`.
fn wrapped(dir: &Path, prefix: &str, args: &str) -> String {
    let webcapture = tool_path("webcapture");
    format!(
        "cd {dir} && stty -g > before && sh -c 'echo $$ > pid; exec {prefix}{webcapture} {args}'; status=$?; stty -g > after; (exit $status)",
        dir = dir.display(),
        webcapture = webcapture.display(),
    )
}

/// Waits (up to 5 s) for the process whose PID webcapture wrote to `dir/pid` to end:
/// it must not outlive its terminal.
fn ends_by_itself(dir: &Path) {
    let pid = std::fs::read_to_string(dir.join("pid")).unwrap();
    let proc_dir = PathBuf::from(format!("/proc/{}", pid.trim()));
    let deadline = Instant::now() + Duration::from_secs(5);
    while proc_dir.exists() {
        // A zombie has ended; its parent (the shell tmux ran) is gone with tmux.
        let state = std::fs::read_to_string(proc_dir.join("stat")).unwrap_or_default();
        if state.split_whitespace().nth(2) == Some("Z") {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "webcapture (pid {}) still runs 5 s after its terminal went away",
            pid.trim()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn same_terminal(dir: &Path) {
    let before = std::fs::read_to_string(dir.join("before")).unwrap();
    let after = std::fs::read_to_string(dir.join("after")).unwrap();
    assert!(!before.trim().is_empty());
    assert_eq!(before, after, "the terminal's settings (stty -g) came back");
}

/// The browser capturing `tcp port 5000` live on eth0 of namespace `netns`, writing
/// `file` in `dir`.
fn live_browser(dir: &Path, netns: &str, file: &str) -> Tmux {
    let prefix = format!("ip netns exec {netns} ");
    let args = format!("--tui -i eth0 -w {file} tcp port 5000");
    Tmux::start(200, 40, &wrapped(dir, &prefix, &args), &[])
}

/// A capture of the handout's exchange: hello-client on midwood, hello-server on
/// brooklyn, captured on brooklyn.
fn lab_capture(dir: &Path) -> PathBuf {
    let lab = TestLab::two_hosts().unwrap();
    let _server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        dir,
        &["-i", "eth0", "-c", "0", "-w", "hello.pcap", "tcp port 5000"],
    );
    lab.run("midwood", tool_path("hello-client"), &["brooklyn"]);
    std::thread::sleep(Duration::from_millis(300));
    capture.finish(true);
    dir.join("hello.pcap")
}

/// Scapy's summary of every packet of `file`.
fn scapy_summaries(file: &Path) -> Vec<String> {
    let script = format!(
        "from scapy.all import rdpcap\nfor p in rdpcap({:?}):\n    print(p.summary())",
        file.display().to_string()
    );
    output(Command::new("python3").args(["-c", &script]))
        .lines()
        .map(String::from)
        .collect()
}

/// The packet list's rows: (No., the summary as far as it is shown).
fn list_rows(screen: &str) -> Vec<(usize, String)> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with("No."))
        .skip(1)
        .take_while(|l| l.contains("Ether"))
        .map(|l| {
            let number = l.split_whitespace().next().unwrap().parse().unwrap();
            let summary = &l[l.find("Ether").unwrap()..];
            (number, summary.trim_end().to_string())
        })
        .collect()
}

/// The `--show` line number (from 0) of the first line after the heading of layer
/// `layer` that `pick` accepts: where the layer pane's cursor must go.
fn show_line(file: &Path, packet: u32, layer: &str, pick: impl Fn(&str) -> bool) -> usize {
    let listing = output(
        Command::new(tool_path("webcapture"))
            .arg("-r")
            .arg(file)
            .args(["--show", "--packet", &packet.to_string()]),
    );
    let lines: Vec<&str> = listing.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.starts_with(&format!("###[ {layer} ]###")))
        .unwrap_or_else(|| panic!("no {layer} in\n{listing}"));
    heading
        + lines[heading..]
            .iter()
            .position(|l| pick(l))
            .unwrap_or_else(|| panic!("no such line in {layer}:\n{listing}"))
}

/// Which bytes the hex pane shows reversed, by their offsets in the packet (read from
/// the escape sequences tmux reports for each cell).
fn highlighted_bytes(escaped: &str) -> Vec<usize> {
    let mut found = Vec::new();
    let mut in_bytes = false;
    for line in escaped.lines() {
        let cells = cells(line);
        let plain: String = cells.iter().map(|(c, _)| *c).collect();
        if plain.contains("Bytes: packet") {
            in_bytes = true;
            continue;
        }
        if !in_bytes {
            continue;
        }
        let Some((offset, _)) = plain.split_once("  ") else {
            break;
        };
        let Ok(offset) = usize::from_str_radix(offset, 16) else {
            break;
        };
        let start = plain.find("  ").unwrap() + 2;
        for byte in 0..16 {
            let at = start + byte * 3;
            let reversed = |i: usize| {
                cells
                    .get(i)
                    .is_some_and(|(c, r)| *r && c.is_ascii_hexdigit())
            };
            if reversed(at) && reversed(at + 1) {
                found.push(offset + byte);
            }
        }
    }
    found
}

/// A line's characters, each with whether it is drawn reversed (SGR 7).
fn cells(line: &str) -> Vec<(char, bool)> {
    let mut cells = Vec::new();
    let mut reversed = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\x1b' {
            cells.push((c, reversed));
            continue;
        }
        if chars.next() != Some('[') {
            continue;
        }
        let mut sequence = String::new();
        for c in chars.by_ref() {
            if c.is_ascii_alphabetic() {
                if c == 'm' {
                    let params: Vec<u32> = sequence
                        .split(';')
                        .map(|p| p.parse().unwrap_or(0))
                        .collect();
                    let mut i = 0;
                    while i < params.len() {
                        match params[i] {
                            0 => reversed = false,
                            7 => reversed = true,
                            27 => reversed = false,
                            38 | 48 | 58 => i += if params.get(i + 1) == Some(&5) { 2 } else { 4 },
                            _ => {}
                        }
                        i += 1;
                    }
                }
                break;
            }
            sequence.push(c);
        }
    }
    cells
}

/// The SGR sequences in an escaped screen that set a colour (foreground or
/// background, any palette: `31`, `38;5;1`; 39 and 49, the default colours, are no
/// colour), as written.
fn colours(escaped: &str) -> Vec<String> {
    let mut found = Vec::new();
    for piece in escaped.split("\x1b[").skip(1) {
        let Some(end) = piece.find(|c: char| c.is_ascii_alphabetic()) else {
            continue;
        };
        if !piece[end..].starts_with('m') {
            continue;
        }
        let params = &piece[..end];
        let first = params.split([';', ':']).next().unwrap_or("");
        if let Ok(30..=38 | 40..=48 | 90..=97 | 100..=107) = first.parse::<u32>() {
            found.push(params.to_string());
        }
    }
    found
}

/// tshark's position and size of field `field` in packet `number` (from 1).
fn tshark_field_bytes(file: &Path, number: u32, field: &str) -> Vec<usize> {
    let pdml = output(Command::new("tshark").arg("-r").arg(file).args([
        "-Y",
        &format!("frame.number == {number}"),
        "-T",
        "pdml",
    ]));
    let tag = format!("<field name=\"{field}\"");
    let line = pdml
        .lines()
        .find(|l| l.trim_start().starts_with(&tag))
        .unwrap_or_else(|| panic!("no {field} in tshark's PDML"));
    let attribute = |name: &str| -> usize {
        let from = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        line[from..].split('"').next().unwrap().parse().unwrap()
    };
    let (pos, size) = (attribute("pos"), attribute("size"));
    (pos..pos + size).collect()
}

#[test]
fn a_lab_capture_is_browsed_filtered_followed_and_saved_at_80x24() {
    require!(root, "tmux", "tshark", "tcpdump", "python3");
    let dir = scratch("browse");
    let file = lab_capture(&dir);
    let scapy = scapy_summaries(&file);
    assert!(scapy.len() >= 10, "{scapy:?}");

    let tmux = Tmux::start(
        200,
        50,
        &wrapped(&dir, "", &format!("--tui -r {}", file.display())),
        &[],
    );
    // The list: Scapy's summaries, every packet (wide enough to hold them whole).
    let screen = tmux.wait_for("the packet list", |s| s.contains("packets"));
    let rows = list_rows(&screen);
    assert_eq!(rows.len(), scapy.len(), "{screen}");
    for (number, summary) in &rows {
        assert_eq!(summary, &scapy[*number], "packet {number}");
    }
    assert!(screen.contains("Source") && screen.contains("Destination"));

    // The rest at the handout's 80x24.
    tmux.resize(80, 24);
    let screen = tmux.wait_for("80 columns", |s| {
        s.lines().count() <= 24 && s.contains("? help") && !s.contains("Destination")
    });
    assert!(screen.lines().all(|l| l.chars().count() <= 80), "{screen}");

    // Packet 3 is the GET: its layers show the HTTP request as the application layer.
    tmux.keys(&["j", "j", "j"]);
    tmux.wait_for("packet 3", |s| s.contains("packet 3 selected"));

    // Its layer diagram, exported: the file `--diagram` writes.
    let exported = dir.join("p3.svg");
    tmux.keys(&["e", "C-u"]);
    tmux.type_text(&exported.display().to_string());
    tmux.keys(&["Enter"]);
    tmux.wait_for("the diagram", |s| s.contains("wrote the diagram"));
    let drawn = dir.join("cli.svg");
    output(
        Command::new(tool_path("webcapture"))
            .arg("-r")
            .arg(&file)
            .args(["--packet", "3", "--diagram"])
            .arg(&drawn),
    );
    assert_eq!(
        std::fs::read(&exported).unwrap(),
        std::fs::read(&drawn).unwrap()
    );
    let heading = show_line(&file, 3, "HTTP Request", |_| true);
    tmux.keys(&["Tab", "g"]);
    for _ in 0..heading {
        tmux.keys(&["j"]);
    }
    let screen = tmux.wait_for("the HTTP request's layer", |s| {
        s.contains("[-] ###[ HTTP Request ]### (application layer)")
    });
    assert!(
        screen
            .lines()
            .any(|l| l.trim_start().starts_with("Method") && l.trim_end().ends_with("= GET")),
        "{screen}"
    );

    // TCP's flags: the reversed bytes are exactly the field's, as tshark places it.
    let flags = show_line(&file, 3, "TCP", |l| l.trim_start().starts_with("flags"));
    tmux.keys(&["g"]);
    for _ in 0..flags {
        tmux.keys(&["j"]);
    }
    tmux.wait_for("TCP's flags selected", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.starts_with("flags: bytes"))
    });
    let expected = tshark_field_bytes(&file, 4, "tcp.flags");
    assert_eq!(highlighted_bytes(&tmux.escaped()), expected);

    // Selecting a byte selects its field: the next byte (the flags' second) keeps it,
    // the one after is the window's.
    tmux.keys(&["Tab", "l"]);
    tmux.wait_for("the hex pane", |s| s.contains(">Bytes"));
    assert_eq!(highlighted_bytes(&tmux.escaped()), expected);
    tmux.keys(&["l"]);
    tmux.wait_for("the window", |s| {
        s.lines()
            .last()
            .is_some_and(|l| l.starts_with("window: bytes"))
    });
    assert_eq!(
        highlighted_bytes(&tmux.escaped()),
        tshark_field_bytes(&file, 4, "tcp.window_size_value")
    );

    // The display filter: the SYNs, as tcpdump selects them.
    let syns = "tcp port 5000 and tcp[tcpflags] & tcp-syn != 0";
    let selected = output(
        Command::new("tcpdump")
            .args(["-nn", "-r"])
            .arg(&file)
            .arg(syns),
    );
    let count = selected.lines().count();
    assert_eq!(count, 2, "{selected}");
    tmux.keys(&["Tab", "f", "C-u"]);
    tmux.type_text(syns);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the SYNs", |s| {
        s.contains(&format!("({count} of {} packets)", scapy.len()))
    });
    let rows = list_rows(&screen);
    assert_eq!(rows.len(), count, "{screen}");
    for (number, _) in &rows {
        let flags = scapy[*number].rsplit(' ').next().unwrap();
        assert!(flags == "S" || flags == "SA", "{}", scapy[*number]);
    }

    // Saved: a pcap tshark reads, with the packets tcpdump selects, byte for byte.
    let saved = dir.join("syns.pcap");
    tmux.keys(&["w", "C-u"]);
    tmux.type_text(&saved.display().to_string());
    tmux.keys(&["Enter"]);
    tmux.wait_for("the file written", |s| {
        s.contains(&format!("wrote {count} packets"))
    });
    let syn_bits = output(Command::new("tshark").arg("-r").arg(&saved).args([
        "-T",
        "fields",
        "-e",
        "tcp.flags.syn",
    ]));
    assert_eq!(syn_bits.lines().count(), count, "{syn_bits}");
    let reference = dir.join("reference.pcap");
    output(
        Command::new("tcpdump")
            .arg("-r")
            .arg(&file)
            .arg("-w")
            .arg(&reference)
            .arg(syns),
    );
    let dump = |f: &Path| {
        output(
            Command::new("tcpdump")
                .args(["-nn", "-tt", "-xx", "-r"])
                .arg(f),
        )
    };
    assert_eq!(dump(&saved), dump(&reference));

    // A bad filter: the command line's message and caret, and the list unchanged.
    let bad = "tcp port 5000 and tcp[tcpflags] &";
    let cli = Command::new(tool_path("webcapture"))
        .arg("-r")
        .arg(&file)
        .arg(bad)
        .output()
        .unwrap();
    assert!(!cli.status.success());
    let cli = text(&cli.stderr);
    let caret = cli
        .lines()
        .find(|l| l.trim_end().ends_with("^ here"))
        .unwrap_or_else(|| panic!("{cli}"));
    tmux.keys(&["f", "C-u"]);
    tmux.type_text(bad);
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the caret", |s| s.contains("^ here"));
    assert!(
        screen.lines().any(|l| l.trim_end() == caret.trim_end()),
        "{caret:?} in\n{screen}"
    );
    assert!(screen.lines().any(|l| l.trim_end() == format!("  {bad}")));
    tmux.keys(&["Escape"]);
    tmux.wait_for("the prompt closed", |s| !s.contains("^ here"));

    // Follow stream 0: the GET and the 200 OK.
    tmux.keys(&["f", "C-u", "Enter", "g", "S"]);
    let mut screen = tmux.wait_for("the followed stream", |s| s.contains("TCP stream 0"));
    assert!(screen.contains("GET / HTTP/1.1"), "{screen}");
    // The answer may be further down the sheet.
    for _ in 0..40 {
        if screen.contains("HTTP/1.1 200 OK") {
            break;
        }
        tmux.keys(&["j"]);
        screen = tmux.screen();
    }
    assert!(screen.contains("HTTP/1.1 200 OK"), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("the panes again", |s| s.contains("Packets:"));

    // Back to the wide size: the columns come back.
    tmux.resize(200, 50);
    tmux.wait_for("the wide list", |s| s.contains("Destination"));

    tmux.keys(&["q"]);
    tmux.wait_for("the end", |s| s.contains("[exit 0]"));
    same_terminal(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_live_capture_fills_the_list_and_ctrl_c_leaves_the_file_whole() {
    require!(root, "tmux", "tshark");
    let dir = scratch("live");
    let lab = TestLab::two_hosts().unwrap();
    let _server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    let netns = lab.host("midwood").netns.clone();
    let tmux = live_browser(&dir, &netns, "live.pcap");
    tmux.wait_for("the empty list", |s| s.contains(" 0 packets"));
    // --hold: the client is still there when its packets are looked at (one that has
    // gone is not guessed).
    lab.run(
        "midwood",
        tool_path("hello-client"),
        &["brooklyn", "--hold", "1"],
    );
    let screen = tmux.wait_for("the first exchange", |s| {
        list_rows(s)
            .iter()
            .any(|(_, l)| l.ends_with(" FA") || l.contains(" FA "))
    });
    assert!(screen.contains("HTTP"), "{screen}");
    lab.run("midwood", tool_path("hello-client"), &["brooklyn"]);
    std::thread::sleep(Duration::from_millis(500));
    let screen = tmux.screen();
    let bar = screen.lines().next().unwrap().to_string();
    let shown: usize = bar
        .split_whitespace()
        .rev()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{bar}"));
    assert!(shown >= 16, "two exchanges: {bar}");
    // The client's packets name it (midwood's own socket).
    assert!(screen.contains("[hello-client "), "{screen}");
    tmux.keys(&["C-c"]);
    tmux.wait_for("the end", |s| s.contains("[exit 0]"));
    same_terminal(&dir);
    let frames = output(
        Command::new("tshark")
            .arg("-r")
            .arg(dir.join("live.pcap"))
            .args([
                "-T",
                "fields",
                "-e",
                "frame.number",
                "-e",
                "http.request.method",
            ]),
    );
    assert_eq!(
        frames.lines().count(),
        shown,
        "every packet shown is in the file"
    );
    assert_eq!(frames.matches("GET").count(), 2, "{frames}");

    // The kernel's filter set from the browser; then the terminal goes away (an SSH
    // connection dropped: tmux killed, its shell passes no SIGHUP on): the browser
    // ends, and the file holds what it showed.
    let tmux = live_browser(&dir, &netns, "dropped.pcap");
    tmux.wait_for("the empty list", |s| s.contains(" 0 packets"));
    // K: the display filter becomes the kernel's; only SYNs are captured from then on.
    tmux.keys(&["f", "C-u"]);
    tmux.type_text("tcp[tcpflags] & tcp-syn != 0");
    tmux.keys(&["Enter", "K"]);
    tmux.wait_for("the kernel's filter", |s| {
        s.contains("the kernel now captures")
    });
    lab.run("midwood", tool_path("hello-client"), &["brooklyn"]);
    tmux.wait_for("the SYN and the SYN/ACK", |s| list_rows(s).len() == 2);
    std::thread::sleep(Duration::from_millis(500));
    let screen = tmux.screen();
    assert_eq!(list_rows(&screen).len(), 2, "{screen}");
    assert!(
        screen.contains("(2 of 2 packets)"),
        "nothing else captured: {screen}"
    );
    drop(tmux);
    ends_by_itself(&dir);
    let syns = output(
        Command::new("tshark")
            .arg("-r")
            .arg(dir.join("dropped.pcap"))
            .args(["-T", "fields", "-e", "tcp.flags.syn"]),
    );
    assert_eq!(syns.lines().collect::<Vec<_>>(), ["1", "1"], "{syns}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A few frames made with Scapy (no capture needed).
fn scapy_file(dir: &Path) -> PathBuf {
    let file = dir.join("made.pcap");
    let script = format!(
        "from scapy.all import Ether, IP, TCP, UDP, wrpcap\n\
         wrpcap({:?}, [Ether()/IP(dst='192.168.56.101')/TCP(dport=5000, flags='S'), \
         Ether()/IP(dst='192.168.56.101')/UDP(dport=53)])",
        file.display().to_string()
    );
    output(Command::new("python3").args(["-c", &script]));
    file
}

#[test]
fn colours_only_without_no_color_and_signals_give_the_terminal_back() {
    require!("tmux", "python3");
    let dir = scratch("signals");
    let file = scapy_file(&dir);
    let args = format!("--tui -r {}", file.display());
    for (no_color, signal) in [(true, "TERM"), (false, "HUP")] {
        let mut env = vec![("TERM", "xterm-256color")];
        if no_color {
            env.push(("NO_COLOR", "1"));
        }
        let tmux = Tmux::start(80, 24, &wrapped(&dir, "", &args), &env);
        tmux.wait_for("the list", |s| s.contains("2 packets"));
        tmux.keys(&["f"]);
        tmux.type_text("udp and");
        tmux.keys(&["Enter"]);
        tmux.wait_for("the error", |s| s.contains("^ here"));
        let used = colours(&tmux.escaped());
        if no_color {
            assert_eq!(used, Vec::<String>::new(), "NO_COLOR: no colour at all");
        } else {
            let red = ["31", "38;5;1", "38:5:1", "91"];
            assert!(
                used.iter().any(|c| red.contains(&c.as_str())),
                "the error in red: {used:?}"
            );
        }
        let pid = std::fs::read_to_string(dir.join("pid")).unwrap();
        output(Command::new("kill").args([&format!("-{signal}"), pid.trim()]));
        tmux.wait_for("the end", |s| s.contains("[exit 0]"));
        same_terminal(&dir);
    }
    // The terminal itself goes away.
    let tmux = Tmux::start(80, 24, &wrapped(&dir, "", &args), &[]);
    tmux.wait_for("the list", |s| s.contains("2 packets"));
    drop(tmux);
    ends_by_itself(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_terminal_it_says_so() {
    require!("python3");
    let dir = scratch("noterm");
    let file = scapy_file(&dir);
    let out = Command::new(tool_path("webcapture"))
        .args(["--tui", "-r"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let err = text(&out.stderr);
    assert!(err.contains("--tui needs a terminal"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
