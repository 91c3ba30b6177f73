//! The handout's Experiments 3 and 4, capturing side: `webcapture` live on brooklyn
//! while midwood talks to hello-server, against the tools students would trust:
//! tcpdump capturing at the same time sees the same packets, scapy's summary() of the
//! written file equals the printed lines, tshark reads pcap and pcapng without a word.
//! The handout's broken default (port 80 during a port-5000 exchange), loopback, `-i
//! any`, Ctrl-C at random moments, and the error without privileges.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use labnet::pcap::CaptureReader;
use labnet_test_support::{require, tool_path, unprivileged, Tcpdump, TestLab, Webcapture};

fn frames(path: &Path) -> Vec<Vec<u8>> {
    let mut reader = CaptureReader::open(path).unwrap();
    let mut out = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        out.push(record.data.to_vec());
    }
    out
}

fn scapy_summaries(path: &Path) -> String {
    let script = "import sys\nfrom scapy.all import rdpcap\nfor p in rdpcap(sys.argv[1]): print(p.summary())\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// tshark reads the file with exit 0 and nothing on stderr; returns its packet count.
fn tshark_count(path: &Path) -> usize {
    let out = Command::new("tshark").arg("-r").arg(path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("Running as user \"root\""))
        .collect();
    assert!(
        out.status.success() && warnings.is_empty(),
        "tshark -r {}: {stderr}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).lines().count()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-exp4-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn live_capture_prints_scapys_lines_and_writes_what_tcpdump_sees() {
    require!(root, "tcpdump", "tshark", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("live");
    let theirs = dir.join("tcpdump.pcap");
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &theirs);
    let pcap = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "--print",
            "-w",
            "ours.pcap",
            "tcp",
            "port",
            "5000",
        ],
    );
    let pcapng = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "--pcapng",
            "-w",
            "ours.pcapng",
            "--diagram",
            "pictures",
            "tcp port 5000",
        ],
    );
    let server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    lab.run(
        "midwood",
        tool_path("hello-client"),
        &["192.168.56.101:5000"],
    );
    lab.run("midwood", "ping", &["-c1", "-W2", "192.168.56.101"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(server);
    let (printed, report) = pcap.finish(true);
    pcapng.finish(true);
    tcpdump.finish();

    let ours = dir.join("ours.pcap");
    assert_eq!(
        printed,
        scapy_summaries(&ours),
        "printed lines (left) vs scapy's summary() of the file"
    );
    // --diagram DIR, live: one picture per captured packet, each a whole SVG.
    let written = frames(&dir.join("ours.pcapng")).len();
    let pictures: Vec<PathBuf> = std::fs::read_dir(dir.join("pictures"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    assert_eq!(pictures.len(), written, "one picture per packet written");
    for picture in &pictures {
        let svg = std::fs::read_to_string(picture).unwrap();
        assert!(
            svg.starts_with("<?xml") && svg.ends_with("</svg>\n"),
            "{}",
            picture.display()
        );
    }
    assert!(
        report.contains("packets captured") && report.contains("dropped by kernel"),
        "{report}"
    );
    // The kernel filter let through exactly tcpdump's port-5000 packets (not the ping).
    let port_5000: Vec<Vec<u8>> = frames(&theirs)
        .into_iter()
        .filter(|f| {
            f.len() > 37 && f[23] == 6 && (f[34..36] == [0x13, 0x88] || f[36..38] == [0x13, 0x88])
        })
        .collect();
    assert_eq!(
        frames(&ours),
        port_5000,
        "our file vs tcpdump's port-5000 packets"
    );
    assert_eq!(frames(&dir.join("ours.pcapng")), port_5000);
    assert_eq!(tshark_count(&ours), port_5000.len());
    assert_eq!(tshark_count(&dir.join("ours.pcapng")), port_5000.len());
    // The exchange the handout asks for: handshake, request, response, FIN.
    for expected in [
        " > 192.168.56.101:5000 S\n",
        "192.168.56.101:5000 > 192.168.56.102:",
        " SA\n",
        " PA / Raw\n",
        "F",
    ] {
        assert!(
            printed.contains(expected),
            "missing {expected:?} in\n{printed}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_handouts_default_run_catches_nothing_during_a_port_5000_exchange() {
    require!(root, "tshark");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("default");
    // webcapture.py: tcp port 80, 12 packets, hello.pcap; bounded here by --timeout.
    let server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &["--timeout", "3", "--hint-after", "1.5"],
    );
    lab.run(
        "midwood",
        tool_path("hello-client"),
        &["192.168.56.101:5000"],
    );
    let (printed, report) = capture.finish(false);
    assert_eq!(printed, "", "port 80 sees nothing of a port-5000 exchange");
    assert!(report.contains("0 packets captured"), "{report}");
    // The hint names what does go by, and who listens there.
    // (Ten packets make the exchange here; how many exactly is TCP's business.)
    let hint = report
        .lines()
        .find(|l| l.starts_with("webcapture: hint: "))
        .unwrap_or_else(|| panic!("no hint in\n{report}"));
    assert!(
        hint.starts_with("webcapture: hint: no packet matched \"tcp port 80\" on eth0 in 2 s; seen: tcp port 5000 ("),
        "{hint}"
    );
    let owner = format!(" packets; listening: hello-server pid {})", server.0.id());
    assert!(hint.contains(&owner), "expected {owner:?} in {hint}");
    drop(server);
    assert_eq!(
        tshark_count(&dir.join("hello.pcap")),
        0,
        "hello.pcap is a valid empty capture"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn loopback_shows_each_packet_once_and_any_gives_sll2() {
    require!(root, "tcpdump", "tshark", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("lo");
    let theirs = dir.join("tcpdump-lo.pcap");
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "lo", &theirs);
    let lo = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "lo",
            "-c",
            "0",
            "--print",
            "-w",
            "lo.pcap",
            "port 5000",
        ],
    );
    let any = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "any",
            "-c",
            "0",
            "--print",
            "-w",
            "any.pcap",
            "port 5000",
        ],
    );
    let server = lab.hello_server("brooklyn", &[]);
    lab.run("brooklyn", tool_path("hello-client"), &["127.0.0.1:5000"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(server);
    let (lo_lines, _) = lo.finish(true);
    let (any_lines, _) = any.finish(true);
    tcpdump.finish();
    assert_eq!(
        frames(&dir.join("lo.pcap")),
        frames(&theirs),
        "-i lo vs tcpdump -i lo"
    );
    assert_eq!(lo_lines.lines().count(), frames(&theirs).len());
    assert!(
        lo_lines.starts_with("Ether / IP / TCP 127.0.0.1:"),
        "{lo_lines}"
    );
    let any_file = dir.join("any.pcap");
    assert_eq!(any_lines, scapy_summaries(&any_file));
    assert!(
        any_lines.starts_with("CookedLinuxV2 / IP / TCP 127.0.0.1:"),
        "{any_lines}"
    );
    assert_eq!(
        tshark_count(&any_file),
        frames(&theirs).len(),
        "-i any sees the loopback exchange once"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn vlan_tags_the_kernel_took_off_are_put_back_as_tcpdump_does() {
    require!(root, "tcpdump", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("vlan");
    let theirs = dir.join("tcpdump.pcap");
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &theirs);
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "--print",
            "-w",
            "vlan.pcap",
            "icmp",
        ],
    );
    lab.send_tagged_pings("midwood", "08:00:27:a8:38:65", 10, 2);
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (printed, _) = capture.finish(true);
    tcpdump.finish();
    let tagged: Vec<Vec<u8>> = frames(&theirs)
        .into_iter()
        .filter(|f| f.len() > 14 && f[12..14] == [0x81, 0x00])
        .collect();
    assert_eq!(tagged.len(), 2, "tcpdump wrote the tagged frames");
    assert_eq!(
        frames(&dir.join("vlan.pcap")),
        tagged,
        "the same frames, tags included"
    );
    assert_eq!(
        printed,
        "Ether / Dot1Q / IP / ICMP 10.10.0.2 > 10.10.0.1 echo-request 0\n".repeat(2)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn capturing_loopback_traffic_on_eth0_says_it_crosses_lo() {
    require!(root);
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("hint-lo");
    let server = lab.hello_server("brooklyn", &[]);
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "--no-write",
            "--timeout",
            "2",
            "--hint-after",
            "1",
            "tcp port 5000",
        ],
    );
    lab.run("brooklyn", tool_path("hello-client"), &["127.0.0.1:5000"]);
    let (printed, report) = capture.finish(false);
    drop(server);
    assert_eq!(printed, "");
    assert!(
        report.contains(" packets that match crossed lo, not eth0: traffic to 127.0.0.1 or ::1 stays on lo, so capture with -i lo"),
        "{report}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ctrl_c_at_random_moments_leaves_every_printed_packet_in_a_valid_file() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("sigint");
    // Steady traffic, bounded: 500 echo requests a second, at most 15,000 in 30 s, stopped
    // when the test ends.
    let flood = labnet_test_support::ChildGuard(
        lab.command("midwood", "ping")
            .args([
                "-q",
                "-i",
                "0.002",
                "-c",
                "15000",
                "-w",
                "30",
                "192.168.56.101",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut seed = std::process::id();
    let mut rounds_with_packets = 0;
    for round in 0..20 {
        let capture = Webcapture::start(
            &lab,
            "brooklyn",
            &dir,
            &[
                "-i",
                "eth0",
                "-c",
                "0",
                "--print",
                "-w",
                "flood.pcap",
                "icmp",
            ],
        );
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        std::thread::sleep(std::time::Duration::from_millis(
            20 + u64::from(seed >> 16) % 180,
        ));
        let (printed, _) = capture.finish(true);
        let file = dir.join("flood.pcap");
        let summaries = Command::new(tool_path("webcapture"))
            .arg("-r")
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            summaries.status.success(),
            "round {round}: the file reads back"
        );
        if !printed.is_empty() {
            rounds_with_packets += 1;
        }
        assert_eq!(
            printed,
            String::from_utf8(summaries.stdout).unwrap(),
            "round {round}: every printed packet, and only those, is in the file"
        );
    }
    drop(flood);
    assert!(
        rounds_with_packets >= 18,
        "only {rounds_with_packets} of 20 rounds caught packets"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A small tmpfs mounted by a test, unmounted when dropped.
struct SmallDisk(PathBuf);

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = nix::mount::umount(&self.0);
        let _ = std::fs::remove_dir(&self.0);
    }
}

#[test]
fn a_full_disk_is_reported_and_leaves_a_valid_file() {
    require!(root, "ping", "tshark");
    let lab = TestLab::two_hosts().unwrap();
    let disk = SmallDisk(scratch("full"));
    nix::mount::mount(
        Some("tmpfs"),
        &disk.0,
        Some("tmpfs"),
        nix::mount::MsFlags::empty(),
        Some("size=256k"),
    )
    .unwrap();
    let flood = labnet_test_support::ChildGuard(
        lab.command("midwood", "ping")
            .args([
                "-q",
                "-i",
                "0.001",
                "-s",
                "1000",
                "-c",
                "10000",
                "-w",
                "20",
                "192.168.56.101",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let out = lab
        .command("brooklyn", tool_path("webcapture"))
        .args([
            "-i",
            "eth0",
            "-c",
            "0",
            "--timeout",
            "15",
            "-w",
            "flood.pcap",
            "icmp",
        ])
        .current_dir(&disk.0)
        .output()
        .unwrap();
    drop(flood);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the disk is full; the file holds the first "),
        "{stderr}"
    );
    let file = disk.0.join("flood.pcap");
    assert!(
        tshark_count(&file) > 50,
        "the file holds the packets before the disk filled"
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn dash_z_writes_the_file_as_that_user() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("dropped");
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o777)).unwrap();
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "lo",
            "-Z",
            "nobody",
            "-c",
            "2",
            "--timeout",
            "5",
            "icmp",
        ],
    );
    lab.run("brooklyn", "ping", &["-c", "2", "-i", "0.2", "127.0.0.1"]);
    let (printed, _) = capture.finish(false);
    assert_eq!(printed.lines().count(), 2, "{printed}");
    let owner =
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(dir.join("hello.pcap")).unwrap());
    assert_eq!(owner, 65534, "hello.pcap belongs to nobody");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_ends_like_ctrl_c_and_dash_w_dash_streams_the_file() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("term");
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &["-i", "lo", "-c", "0", "--print", "-w", "term.pcap", "icmp"],
    );
    lab.run("brooklyn", "ping", &["-c", "3", "-i", "0.2", "127.0.0.1"]);
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(capture.child.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let (printed, report) = capture.finish(false);
    assert_eq!(printed.lines().count(), 6, "{printed}");
    assert_eq!(
        frames(&dir.join("term.pcap")).len(),
        6,
        "every printed packet is in the file"
    );
    assert!(report.contains("6 packets captured"), "{report}");

    // -w -: the capture file itself on stdout, lines nowhere.
    let mut streaming = lab
        .command("brooklyn", tool_path("webcapture"))
        .args(["-i", "lo", "-w", "-", "-c", "2", "--timeout", "10", "icmp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(streaming.stderr.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("listening on lo"), "{line}");
    lab.run("brooklyn", "ping", &["-c", "1", "127.0.0.1"]);
    let out = streaming.wait_with_output().unwrap();
    assert!(out.status.success());
    let mut reader = CaptureReader::new(&out.stdout[..], "stdout").unwrap();
    let mut records = 0;
    while reader.next_record().unwrap().is_some() {
        records += 1;
    }
    assert_eq!(records, 2, "echo request and reply, as a pcap on stdout");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unknown_interface_lists_the_ones_that_exist() {
    let out = Command::new(tool_path("webcapture"))
        .args(["-i", "nosuch0", "--no-write"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no interface named \"nosuch0\" here") && stderr.contains("interfaces: lo"),
        "{stderr}"
    );
}

#[test]
fn without_cap_net_raw_the_error_says_how_to_grant_it() {
    let test = "without_cap_net_raw_the_error_says_how_to_grant_it";
    let Some(mut command) = unprivileged(test, tool_path("webcapture")) else {
        return;
    };
    let out = command
        .args(["-i", "lo", "--no-write", "-c", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("capturing packets needs CAP_NET_RAW")
            && stderr.contains("setcap cap_net_raw,cap_net_admin+ep"),
        "{stderr}"
    );
}

/// Waits (bounded) for a child to end; returns its exit code and how long it took.
fn exit_within(
    child: &mut Child,
    bound: std::time::Duration,
) -> (Option<i32>, std::time::Duration) {
    let started = std::time::Instant::now();
    while started.elapsed() < bound {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code(), started.elapsed());
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (None, started.elapsed())
}

#[test]
fn an_interface_that_goes_down_or_away_ends_the_capture_with_a_valid_file() {
    require!(root, "ping", "tshark");
    for (change, said) in [
        (&["link", "set", "eth0", "down"][..], "eth0 went down"),
        (
            &["link", "del", "eth0"][..],
            "the interface eth0 disappeared",
        ),
    ] {
        let lab = TestLab::two_hosts().unwrap();
        let dir = scratch("down");
        let mut capture = Webcapture::start(
            &lab,
            "brooklyn",
            &dir,
            &["-i", "eth0", "-c", "0", "-w", "down.pcap", "icmp"],
        );
        lab.run(
            "midwood",
            "ping",
            &["-c", "3", "-i", "0.2", "192.168.56.101"],
        );
        // Let the ring hand over the pings, then take the interface away.
        std::thread::sleep(std::time::Duration::from_millis(200));
        lab.run("brooklyn", "ip", change);
        let (code, took) = exit_within(&mut capture.child, std::time::Duration::from_secs(5));
        let mut stderr = String::new();
        capture.stderr.read_to_string(&mut stderr).unwrap();
        eprintln!("{change:?}: exit {code:?} after {took:?}");
        assert_eq!(
            code,
            Some(1),
            "ip {change:?}: still running or wrong exit\n{stderr}"
        );
        assert!(took < std::time::Duration::from_secs(1), "{took:?}");
        assert!(
            stderr.contains(&format!("webcapture: error: {said}")),
            "{stderr}"
        );
        assert!(
            stderr.contains("down.pcap holds the 6 packets captured"),
            "{stderr}"
        );
        let file = dir.join("down.pcap");
        assert_eq!(
            tshark_count(&file),
            6,
            "every captured packet, in a valid file"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    // Starting on an interface that is down says so instead of waiting for nothing.
    let lab = TestLab::two_hosts().unwrap();
    lab.run("brooklyn", "ip", &["link", "set", "eth0", "down"]);
    let out = lab
        .command("brooklyn", tool_path("webcapture"))
        .args(["-i", "eth0", "--no-write"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("webcapture: error: eth0 is down"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_second_capture_into_the_same_file_is_refused_and_names_the_first() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("two-captures");
    // Both from the same directory, as `lab-hosts exec HOST -- webcapture` twice.
    let first = Webcapture::start(&lab, "brooklyn", &dir, &["-i", "eth0", "-c", "0", "icmp"]);
    lab.run("midwood", "ping", &["-c", "1", "192.168.56.101"]);
    let second = lab
        .command("midwood", tool_path("webcapture"))
        .args(["-i", "eth0", "-c", "2", "--timeout", "5", "icmp"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    let brooklyn = &lab.host("brooklyn").netns;
    assert!(
        stderr.contains(&format!(
            "hello.pcap is being written by webcapture (pid {}, on lab host or namespace {brooklyn})",
            first.child.id()
        )),
        "{stderr}"
    );
    let (_, report) = first.finish(true);
    assert!(
        report.ends_with("webcapture: wrote 2 packets to hello.pcap\n"),
        "{report}"
    );
    assert_eq!(
        frames(&dir.join("hello.pcap")).len(),
        2,
        "the first capture's file is whole"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn snaplen_zero_keeps_whole_packets_as_in_tcpdump() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("snap0");
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &["-i", "lo", "-s", "0", "-c", "2", "-w", "snap.pcap", "icmp"],
    );
    assert!(capture.child.id() > 0);
    lab.run("brooklyn", "ping", &["-c", "1", "-s", "1400", "127.0.0.1"]);
    capture.finish(false);
    let lengths: Vec<usize> = frames(&dir.join("snap.pcap"))
        .iter()
        .map(Vec::len)
        .collect();
    assert_eq!(lengths, [1442, 1442], "14 + 20 + 8 + 1400 bytes each");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn root_is_never_told_to_become_root() {
    require!(root, "setpriv");
    // Root without CAP_NET_RAW (as in a container that withholds it).
    let out = Command::new("setpriv")
        .args(["--bounding-set=-net_raw", "--inh-caps=-net_raw"])
        .arg(tool_path("webcapture"))
        .args(["-i", "lo", "--no-write", "-c", "1"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("capturing packets needs CAP_NET_RAW"),
        "{stderr}"
    );
    assert!(
        stderr.contains("runs as root but without CAP_NET_RAW"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("sudo setcap") && !stderr.contains("with sudo"),
        "{stderr}"
    );
    // -Z nobody into a directory only root may write.
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("root-only");
    std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = lab
        .command("brooklyn", tool_path("webcapture"))
        .args(["-i", "lo", "-Z", "nobody", "-c", "1"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("hello.pcap: nobody may not write there (-Z nobody dropped root"),
        "{stderr}"
    );
    assert!(!stderr.contains("sudo"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
