//! The flags tcpdump users type, held to tcpdump on the same captures: the time
//! columns (`-tt` to `-ttttt`, `--time`), the link header (`-e`), the IP header (`-v`),
//! the bytes (`-x`, `-xx`, `-X`, `-XX`, `-A`, `-AA`), `--count`, `-F`, `-nn`; and, live
//! in the lab, `-Q` and `-U`. The captures are made in the lab: an HTTP exchange, pings over IPv4 and
//! IPv6 (fragments included), ARP, neighbour discovery and 802.1Q-tagged frames.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use labnet_test_support::{require, tool_path, Tcpdump, TestLab, Webcapture};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-habits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// What `command` printed on stdout; it must succeed.
fn ok_stdout(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn stdout(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    ok_stdout(Command::new(program).args(args))
}

fn webcapture(args: &[&str]) -> String {
    stdout(tool_path("webcapture"), args)
}

/// The lab's traffic of every kind the flags print differently, captured by tcpdump.
fn lab_capture(dir: &Path) -> PathBuf {
    let lab = TestLab::two_hosts().unwrap();
    let _server = lab.hello_server("brooklyn", &["--host", "::"]);
    let file = dir.join("lab.pcap");
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &file);
    lab.run("midwood", tool_path("hello-client"), &["brooklyn"]);
    lab.run("midwood", tool_path("hello-client"), &["brooklyn6"]);
    lab.ping_brooklyn();
    lab.send_tagged_pings("midwood", "08:00:27:a8:38:65", 10, 2);
    std::thread::sleep(Duration::from_millis(300));
    tcpdump.finish();
    file
}

/// Each of our lines up to where Scapy's summary starts: what the flags put before it.
fn prefixes(lines: &str) -> Vec<String> {
    lines
        .lines()
        .map(|line| {
            let at = line
                .find("Ether ")
                .unwrap_or_else(|| panic!("no summary: {line}"));
            line[..at].to_string()
        })
        .collect()
}

#[test]
fn time_columns_and_link_headers_are_tcpdump_s() {
    require!(root, "tcpdump", "python3");
    let dir = scratch("columns");
    let file = lab_capture(&dir);
    let file = file.to_str().unwrap();
    let theirs_count = stdout("tcpdump", &["-r", file, "--count"]);
    let packets: usize = theirs_count.split(' ').next().unwrap().parse().unwrap();
    assert!(packets >= 30, "{theirs_count}");
    for flags in [
        &["-tt"][..],
        &["-ttt"],
        &["-tttt"],
        &["-ttttt"],
        &["-e", "-t"],
        &["-e", "-tt"],
    ] {
        let ours = prefixes(&webcapture(&[&["-r", file, "-n"], flags].concat()));
        let theirs: Vec<String> = stdout("tcpdump", &[&["-r", file, "-n"], flags].concat())
            .lines()
            .map(String::from)
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{flags:?}");
        for (ours, theirs) in ours.iter().zip(&theirs) {
            assert!(!ours.is_empty(), "{flags:?}: no column before the summary");
            assert!(
                theirs.starts_with(ours.as_str()),
                "{flags:?}:\n  ours:    {ours}\n  tcpdump: {theirs}"
            );
        }
    }
    // tcpdump's default column is --time (local time of day), and -t is no column.
    let ours = prefixes(&webcapture(&["-r", file, "--time"]));
    let theirs = stdout("tcpdump", &["-r", file, "-n"]);
    for (ours, theirs) in ours.iter().zip(theirs.lines()) {
        assert!(theirs.starts_with(ours.as_str()), "{ours} / {theirs}");
    }
    assert_eq!(
        webcapture(&["-r", file, "-t"]),
        webcapture(&["-r", file]),
        "-t: the line as without it"
    );
    assert_eq!(
        webcapture(&["-r", file, "-nn"]),
        webcapture(&["-r", file, "-n"])
    );
    let vlan = webcapture(&["-r", file, "-e", "vlan"]);
    assert!(vlan.contains("ethertype 802.1Q (0x8100), length"), "{vlan}");
}

/// The parenthesized group that starts at `at` in `text` (nested parentheses kept).
fn group_at(text: &str, at: usize) -> &str {
    let mut depth = 0;
    for (i, c) in text[at..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 1 => return &text[at..=at + i],
            ')' => depth -= 1,
            _ => {}
        }
    }
    panic!("unbalanced: {text}")
}

#[test]
fn verbose_shows_the_ip_header_as_tcpdump_v() {
    require!(root, "tcpdump", "python3");
    let dir = scratch("verbose");
    let file = lab_capture(&dir);
    let path = file.to_str().unwrap();
    // tcpdump -v: a packet's first line is not indented; an IP one starts `IP (` or
    // `IP6 (`, then the header's group.
    let theirs: Vec<String> = stdout("tcpdump", &["-r", path, "-v", "-t", "-n"])
        .lines()
        .filter(|l| l.starts_with("IP (") || l.starts_with("IP6 ("))
        .map(|l| group_at(l, l.find('(').unwrap()).to_string())
        .collect();
    let ours: Vec<String> = webcapture(&["-r", path, "-v"])
        .lines()
        .filter_map(|l| {
            let at = l.find(" (tos ").or_else(|| {
                l.find(" (flowlabel ")
                    .or_else(|| l.find(" (class "))
                    .or_else(|| l.find(" (hlim "))
            })?;
            Some(group_at(l, at + 1).to_string())
        })
        .collect();
    assert!(ours.len() > 20, "{ours:?}");
    assert_eq!(ours, theirs);
    // TCP's checksum, as tcpdump -v says it (its continuation line holds it).
    let cksum = |text: &str| -> Option<String> {
        let at = text.find("cksum 0x")?;
        Some(text[at..].split(')').next().unwrap().to_string() + ")")
    };
    let mut packets: Vec<String> = Vec::new();
    for line in stdout("tcpdump", &["-r", path, "-v", "-t", "-n"]).lines() {
        if line.starts_with(char::is_whitespace) {
            packets.last_mut().unwrap().push_str(line);
        } else {
            packets.push(line.to_string());
        }
    }
    let their_sums: Vec<Option<String>> = packets
        .iter()
        .map(|p| cksum(p).filter(|_| p.contains("Flags [")))
        .collect();
    let our_sums: Vec<Option<String>> =
        webcapture(&["-r", path, "-v"]).lines().map(cksum).collect();
    assert_eq!(our_sums, their_sums);
    assert!(our_sums.iter().flatten().count() >= 10, "{our_sums:?}");
    assert!(
        ours.iter().any(|g| g.contains("flags [+]")),
        "a first fragment"
    );
    assert!(
        ours.iter().any(|g| g.contains("next-header ICMPv6 (58)")),
        "IPv6"
    );
}

#[test]
fn bytes_after_each_line_are_tcpdump_s() {
    require!(root, "tcpdump", "python3");
    let dir = scratch("bytes");
    let file = lab_capture(&dir);
    let path = file.to_str().unwrap();
    // -x and -X: every hex line, in order, equal.
    for flag in ["-x", "-xx", "-X", "-XX"] {
        let hex = |text: String| -> Vec<String> {
            text.lines()
                .filter(|l| l.starts_with("\t0x"))
                .map(String::from)
                .collect()
        };
        let ours = hex(webcapture(&["-r", path, flag]));
        let theirs = hex(stdout("tcpdump", &["-r", path, flag]));
        assert!(ours.len() > 100, "{flag}");
        assert_eq!(ours, theirs, "{flag}");
    }
    // -A's text may hold line ends: compared a packet at a time, after the line.
    let after_first_line = |text: String| text.split_once('\n').unwrap().1.to_string();
    let packets: u64 = webcapture(&["-r", path, "--count"])
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for index in 0..packets {
        let one = dir.join(format!("{index}.pcap"));
        let one = one.to_str().unwrap();
        webcapture(&["-r", path, "--packet", &index.to_string(), "-w", one]);
        for flag in ["-A", "-AA"] {
            assert_eq!(
                after_first_line(webcapture(&["-r", one, flag])),
                after_first_line(stdout("tcpdump", &["-r", one, flag])),
                "packet {index} {flag}"
            );
        }
    }
}

#[test]
fn count_and_filter_files_select_as_tcpdump_does() {
    require!(root, "tcpdump", "python3");
    let dir = scratch("count");
    let file = lab_capture(&dir);
    let path = file.to_str().unwrap();
    let filter = dir.join("web.filter");
    std::fs::write(
        &filter,
        "# the hello server's traffic\ntcp port 5000   # both ways\n  and tcp[tcpflags] & tcp-push != 0\n",
    )
    .unwrap();
    let filter = filter.to_str().unwrap();
    for args in [
        &[][..],
        &["icmp or icmp6"],
        &["vlan"],
        &["-F", filter],
        &["-c", "7", "tcp"],
    ] {
        let ours = webcapture(&[&["-r", path, "--count"], args].concat());
        let theirs = stdout("tcpdump", &[&["-r", path, "--count"], args].concat());
        assert_eq!(ours, theirs, "{args:?}");
    }
    let pushed = webcapture(&["-r", path, "--count", "-F", filter]);
    let pushed: u64 = pushed.split(' ').next().unwrap().parse().unwrap();
    // IPv4's request and answer: `tcp[...]` reads IPv4 only, in libpcap as here.
    assert!(pushed >= 2, "a request and its answer: {pushed}");
}

#[test]
fn direction_keeps_what_tcpdump_keeps_and_u_writes_each_packet_at_once() {
    require!(root, "tcpdump", "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("live");
    let file = dir.join("u.pcap");
    let start = |direction: &str| {
        Webcapture::start(
            &lab,
            "brooklyn",
            &dir,
            &[
                "-i",
                "eth0",
                "-c",
                "0",
                "--no-write",
                "-Q",
                direction,
                "icmp",
            ],
        )
    };
    let (inbound, outbound, both) = (start("in"), start("out"), start("inout"));
    // tcpdump -Q in, the oracle of "in": it stops after 4 packets by itself.
    let mut tcpdump_in = lab
        .command("brooklyn", "tcpdump")
        .args(["-i", "eth0", "-Q", "in", "-n", "-l", "-c", "4", "icmp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = BufReader::new(tcpdump_in.stderr.take().unwrap());
    let mut listening = String::new();
    while !listening.contains("listening on") {
        listening.clear();
        assert!(said.read_line(&mut listening).unwrap() > 0, "tcpdump ended");
    }
    // -U: the file holds each packet by the time its line is printed.
    let mut buffered = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "-U",
            "-l",
            "--print",
            "-w",
            file.to_str().unwrap(),
            "icmp",
        ],
    );
    let mut lines = BufReader::new(buffered.child.stdout.take().unwrap());
    // Without -U the file is written once a second: after a quiet second the first
    // packet goes out at once, the ones 0.2 s later would wait.
    std::thread::sleep(Duration::from_millis(1500));
    let pinger = lab
        .command("midwood", "ping")
        .args(["-c", "4", "-i", "0.2", "192.168.56.101"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    for seen in 1..=8 {
        let mut line = String::new();
        assert!(lines.read_line(&mut line).unwrap() > 0);
        let in_file = stdout("tcpdump", &["-r", file.to_str().unwrap(), "--count"]);
        let in_file: usize = in_file.split(' ').next().unwrap().parse().unwrap();
        assert!(
            in_file >= seen,
            "line {seen} printed, {in_file} packets in the file"
        );
    }
    assert!(pinger.wait_with_output().unwrap().status.success());
    std::thread::sleep(Duration::from_millis(300));
    let theirs = String::from_utf8(tcpdump_in.wait_with_output().unwrap().stdout).unwrap();
    let (requests, _) = inbound.finish(true);
    let (replies, _) = outbound.finish(true);
    let (all, _) = both.finish(true);
    let count = |text: &str, what: &str| text.lines().filter(|l| l.contains(what)).count();
    assert_eq!(
        (
            count(&requests, "echo-request"),
            count(&requests, "echo-reply")
        ),
        (4, 0),
        "{requests}"
    );
    assert_eq!(
        (
            count(&replies, "echo-request"),
            count(&replies, "echo-reply")
        ),
        (0, 4),
        "{replies}"
    );
    assert_eq!(all.lines().count(), 8, "{all}");
    assert_eq!(count(&theirs, "ICMP echo request"), 4, "{theirs}");
    drop(buffered);
}

#[test]
fn list_interfaces_is_tcpdump_d_without_the_devices_webcapture_cannot_open() {
    require!(root, "tcpdump", "ip");
    let lab = TestLab::two_hosts().unwrap();
    let ns = lab.host("brooklyn").netns.clone();
    let ip = |args: &str| {
        let mut all = vec!["-n", ns.as_str()];
        all.extend(args.split_whitespace());
        stdout("ip", &all);
    };
    // Up without carrier (its peer is down), down, and a driver that cannot say.
    ip("link add va type veth peer name vb");
    ip("link set va up");
    ip("link add ifb3 type ifb");
    let in_lab =
        |program: &str, args: &[&str]| ok_stdout(lab.command("brooklyn", program).args(args));
    let ours = in_lab(tool_path("webcapture").to_str().unwrap(), &["-D"]);
    // tcpdump also lists libpcap's own pseudo-devices (bluetooth, nflog, D-Bus):
    // without them, and numbered again, the lists are equal.
    let names: Vec<String> = ours
        .lines()
        .map(|l| {
            l.split_once('.')
                .unwrap()
                .1
                .split(' ')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    let theirs: String = in_lab("tcpdump", &["-D"])
        .lines()
        .map(|l| l.split_once('.').unwrap().1)
        .filter(|rest| names.iter().any(|n| rest.split(' ').next() == Some(n)))
        .enumerate()
        .map(|(i, rest)| format!("{}.{rest}\n", i + 1))
        .collect();
    assert_eq!(ours, theirs);
    for wanted in [
        "eth0 [Up, Running, Connected]",
        "va [Up, Disconnected]",
        "ifb3 [none]",
        "lo [Up, Running, Loopback]",
    ] {
        assert!(ours.contains(wanted), "{wanted}: {ours}");
    }
}

#[test]
fn tcpdump_flags_webcapture_lacks_say_what_to_do_instead() {
    for (flag, instead) in [
        ("-K", "--verify-checksums"),
        ("-B", "fixed at 8 MiB"),
        ("--immediate-mode", "-l prints each at once"),
    ] {
        let out = Command::new(tool_path("webcapture"))
            .args(["-r", "x.pcap", flag])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{flag}");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains(&format!("unexpected argument '{flag}'")),
            "{said}"
        );
        assert!(said.contains(instead), "{flag}: {said}");
        assert!(
            !said.contains("use '--"),
            "{flag}: `--` runs a command here: {said}"
        );
    }
}

#[test]
fn quick_lines_are_the_part_of_scapy_s_line_that_says_something() {
    require!(root, "tcpdump", "python3");
    let dir = scratch("quick");
    let file = lab_capture(&dir);
    let path = file.to_str().unwrap();
    let full = webcapture(&["-r", path]);
    let quick = webcapture(&["-r", path, "-q"]);
    assert_eq!(full.lines().count(), quick.lines().count());
    for (full, quick) in full.lines().zip(quick.lines()) {
        assert!(
            full.split(" / ").any(|segment| segment == quick),
            "{quick:?} is not a part of {full:?}"
        );
        assert!(!quick.starts_with("Ether /"), "{quick}");
    }
    assert!(quick.lines().any(|l| l.starts_with("TCP ")), "{quick}");
    assert!(quick.lines().any(|l| l.starts_with("ARP ")), "{quick}");
}

/// The capture files in `dir` whose names start with `prefix`, by name, with how many
/// packets each holds (as tcpdump reads them).
fn files_and_counts(dir: &Path, prefix: &str) -> Vec<(String, String)> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let count = stdout(
                "tcpdump",
                &["-r", dir.join(&name).to_str().unwrap(), "--count"],
            );
            (name[prefix.len()..].to_string(), count)
        })
        .collect()
}

/// The frames of the rotation test's pings: 40 × 41 fragments × 2 directions.
const FRAMES: &str = "3280";

#[test]
fn rotation_by_size_splits_where_tcpdump_splits() {
    require!(root, "tcpdump", "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("rotate");
    for (ours, theirs, extra) in [
        ("w.pcap", "t.pcap", &[][..]),
        ("wr.pcap", "tr.pcap", &["-W", "2"][..]),
    ] {
        let mut tcpdump = lab
            .command("brooklyn", "tcpdump")
            // -Z root: with -C, tcpdump would become the tcpdump user, who may not
            // write into the test's directory. -c: both stop by themselves once every
            // frame is written (tcpdump leaves its buffer unwritten when interrupted).
            .args(["-i", "eth0", "-Z", "root", "-c", FRAMES, "-C", "1", "-w"])
            .arg(dir.join(theirs))
            .args(extra)
            .arg("icmp")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut said = BufReader::new(tcpdump.stderr.take().unwrap());
        let mut line = String::new();
        while !line.contains("listening on") {
            line.clear();
            assert!(said.read_line(&mut line).unwrap() > 0, "tcpdump ended");
        }
        let mut args = vec![
            "-i",
            "eth0",
            "-c",
            FRAMES,
            "--timeout",
            "20",
            "-C",
            "1",
            "-w",
            ours,
        ];
        args.extend_from_slice(extra);
        args.push("icmp");
        let capture = Webcapture::start(&lab, "brooklyn", &dir, &args);
        // About 4.8 MB of ICMP: 40 pings of 60,000 bytes, each 41 fragments each way.
        lab.run(
            "midwood",
            "ping",
            &["-c", "40", "-i", "0.02", "-s", "60000", "192.168.56.101"],
        );
        let (_, err) = capture.finish(false);
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while tcpdump.try_wait().unwrap().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "tcpdump did not see {FRAMES} frames"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        let mine = files_and_counts(&dir, ours);
        assert!(mine.len() >= 2, "{mine:?}\n{err}");
        assert_eq!(mine, files_and_counts(&dir, theirs), "-C 1 {extra:?}");
        assert!(err.contains(&format!("to {ours}")), "{err}");
    }
}

#[test]
fn rotation_by_time_names_files_by_strftime_and_ends_after_w_files() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("rotate-time");
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "-G",
            "1",
            "-W",
            "2",
            "-w",
            "g-%s.pcap",
            "icmp",
        ],
    );
    // Packets every 0.2 s; after two one-second files the capture ends by itself.
    let mut pinger = lab
        .command("midwood", "ping")
        .args(["-c", "40", "-i", "0.2", "192.168.56.101"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let (_, err) = capture.finish(false);
    let _ = pinger.kill();
    let _ = pinger.wait();
    let files = files_and_counts(&dir, "g-");
    assert_eq!(files.len(), 2, "{files:?}\n{err}");
    for (rest, count) in &files {
        let seconds = rest.strip_suffix(".pcap").unwrap();
        assert!(seconds.parse::<u64>().is_ok(), "strftime %s: {rest}");
        assert_ne!(count, "0 packets\n");
    }
}
