//! Exercise 2.4 without correlating by hand: `webcapture --proc` names each packet's
//! process on the host that captures it, `--pid`, `--comm` and `-- CMD` keep one
//! process's packets, and a pcapng file keeps them as ptcpdump does. Checked in the
//! lab against sock-list (taken while hello-client holds its connection), tshark (the
//! comments), pcap-parser (option 8), and the pids the tests started themselves.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use labnet_test_support::{require, tool_path, ChildGuard, TestLab, Webcapture};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-proc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The `[comm pid]` or `[comm pid, cached]` at the end of a summary line.
fn tag(line: &str) -> Option<(String, u32, bool)> {
    let inside = line.rsplit_once("  [")?.1.strip_suffix(']')?;
    let (inside, cached) = match inside.strip_suffix(", cached") {
        Some(rest) => (rest, true),
        None => (inside, false),
    };
    let (comm, pid) = inside.rsplit_once(' ')?;
    Some((comm.to_string(), pid.parse().ok()?, cached))
}

/// Each packet's comments as tshark shows them (`frame.comment`, one per packet).
fn tshark_comments(file: &Path) -> Vec<String> {
    let out = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["-T", "fields", "-e", "frame.comment"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(String::from).collect()
}

/// Each packet's `epb_processid_threadid` (option 8), as pcap-parser reads the file.
fn process_options(file: &Path) -> Vec<Option<(u32, u32)>> {
    use pcap_parser::pcapng::Block;
    use pcap_parser::{PcapBlockOwned, PcapError};
    let bytes = std::fs::read(file).unwrap();
    let mut reader = pcap_parser::create_reader(1 << 20, &bytes[..]).unwrap();
    let mut found = Vec::new();
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                if let PcapBlockOwned::NG(Block::EnhancedPacket(packet)) = block {
                    let option = packet.options.iter().find(|o| o.code.0 == 8).map(|o| {
                        let v = o.value();
                        (
                            u32::from_le_bytes(v[0..4].try_into().unwrap()),
                            u32::from_le_bytes(v[4..8].try_into().unwrap()),
                        )
                    });
                    found.push(option);
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
            Err(e) => panic!("pcap-parser: {e:?}"),
        }
    }
    found
}

fn capture(lab: &TestLab, host: &str, dir: &Path, file: &str, extra: &[&str]) -> Webcapture {
    let mut args = vec!["-i", "eth0", "-c", "0", "--print", "-w", file];
    args.extend_from_slice(extra);
    args.push("tcp port 5000");
    Webcapture::start(lab, host, dir, &args)
}

#[test]
fn every_packet_names_its_process_on_each_host_and_the_file_keeps_it() {
    require!(root, "tshark");
    let lab = TestLab::two_hosts().unwrap();
    let server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    // A server of the same port on midwood: its process must never be named for the
    // exchange there, nor brooklyn's on midwood (each host sees its own sockets).
    let other = lab.hello_server("midwood", &["--host", "0.0.0.0"]);
    let dir = scratch("both");
    let on_brooklyn = capture(&lab, "brooklyn", &dir, "b.pcapng", &["--proc"]);
    let on_midwood = capture(&lab, "midwood", &dir, "m.pcapng", &["--proc"]);
    let mut client = lab
        .command("midwood", tool_path("hello-client"))
        .args(["brooklyn", "--hold", "1"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let client_pid = client.id();
    // While it holds the connection: what sock-list says of midwood's end.
    let mut out = BufReader::new(client.stdout.take().unwrap());
    let mut endpoints = String::new();
    while !endpoints.starts_with("local ") {
        endpoints.clear();
        assert!(
            out.read_line(&mut endpoints).unwrap() > 0,
            "hello-client ended early"
        );
    }
    let local = endpoints["local ".len()..]
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let listing = Command::new(tool_path("sock-list"))
        .args(["-tnp", "--netns", &lab.host("midwood").netns])
        .output()
        .unwrap();
    let row = text(&listing.stdout)
        .lines()
        .find(|l| l.contains(&local) && l.contains("ESTABLISHED"))
        .map(String::from)
        .expect("sock-list shows the client's end");
    assert!(
        row.trim_end()
            .ends_with(&format!("{client_pid}/hello-client")),
        "{row}"
    );
    assert!(client.wait().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    let (b_lines, _) = on_brooklyn.finish(true);
    let (m_lines, _) = on_midwood.finish(true);

    let server_pid = server.0.id();
    for (host, lines, comm, pid) in [
        ("brooklyn", &b_lines, "hello-server", server_pid),
        ("midwood", &m_lines, "hello-client", client_pid),
    ] {
        let lines: Vec<&str> = lines.lines().collect();
        assert!(
            lines.len() >= 10,
            "{host}: the whole exchange\n{}",
            lines.join("\n")
        );
        for line in &lines {
            let (named, by, _) = tag(line).unwrap_or_else(|| panic!("{host}: no process: {line}"));
            assert_eq!((named.as_str(), by), (comm, pid), "{host}: {line}");
            assert_ne!(by, other.0.id());
        }
        // The first packets are exact (the socket was there); only after the close
        // may a packet be cached.
        assert!(
            tag(lines[0]).is_some_and(|(_, _, cached)| !cached),
            "{}",
            lines[0]
        );

        // The file: ptcpdump's comment and option 8 on every packet, as tshark and
        // pcap-parser read them; webcapture -r prints the same lines again.
        let file = dir.join(if host == "brooklyn" {
            "b.pcapng"
        } else {
            "m.pcapng"
        });
        let comments = tshark_comments(&file);
        assert_eq!(comments.len(), lines.len());
        for comment in &comments {
            assert!(
                comment.starts_with(&format!("PID: {pid}\\nCmd: ")),
                "{host}: {comment}"
            );
            assert!(comment.contains(&format!("Comm: {comm}")), "{comment}");
        }
        let options = process_options(&file);
        assert!(
            options.iter().all(|o| o.map(|(p, _)| p) == Some(pid)),
            "{options:?}"
        );
        let read = Command::new(tool_path("webcapture"))
            .arg("-r")
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(text(&read.stdout), lines.join("\n") + "\n", "{host}: -r");
        let json = Command::new(tool_path("webcapture"))
            .arg("-r")
            .arg(&file)
            .args(["--json", "--packet", "0"])
            .output()
            .unwrap();
        let document: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(document["process"]["pid"], pid);
        assert_eq!(document["process"]["comm"], comm);
        assert_eq!(document["process"]["quality"], "exact");
    }
}

#[test]
fn dash_dash_cmd_captures_only_the_command_while_other_traffic_flows() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let _server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    // Other traffic on midwood while the command runs: pings, and other hello-clients
    // to the same server (same program name, other processes).
    let client = tool_path("hello-client");
    let noise = format!(
        "for i in $(seq 40); do {} brooklyn >/dev/null 2>&1; sleep 0.02; done",
        client.display()
    );
    let _others = ChildGuard(
        lab.command("midwood", "sh")
            .args(["-c", &noise])
            .spawn()
            .unwrap(),
    );
    let _pings = ChildGuard(
        lab.command("midwood", "ping")
            .args(["-i", "0.05", "-c", "40", "brooklyn"])
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    std::thread::sleep(Duration::from_millis(200));
    let dir = scratch("cmd");
    let out = lab
        .command("midwood", tool_path("webcapture"))
        .current_dir(&dir)
        .args(["-i", "eth0", "-w", "cmd.pcapng", "--print", "--"])
        .arg(&client)
        .args(["brooklyn", "--hold", "0.3"])
        .output()
        .unwrap();
    let (lines, err) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{err}");
    // The command's own output comes first; then a line per packet of its connection.
    let packets: Vec<&str> = lines.lines().filter(|l| l.starts_with("Ether")).collect();
    let pids: BTreeSet<u32> = packets.iter().filter_map(|l| tag(l).map(|t| t.1)).collect();
    assert_eq!(pids.len(), 1, "one process: {lines}");
    let ports: BTreeSet<&str> = packets
        .iter()
        .filter_map(|l| l.split("192.168.56.102:").nth(1))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    assert_eq!(ports.len(), 1, "one connection: {lines}");
    assert!(
        packets.iter().any(|l| l.contains(" S  [")),
        "its SYN: {lines}"
    );
    assert!(
        packets.iter().any(|l| l.contains(" FA")),
        "its FIN: {lines}"
    );
    assert!(packets.iter().all(|l| !l.contains("ICMP")), "{lines}");
    assert!(err.contains("left out"), "{err}");
    assert!(err.contains("exited (exit status: 0)"), "{err}");
    let left_out: u64 = err
        .lines()
        .find(|l| l.ends_with("left out"))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        left_out > 0,
        "the other traffic was seen and left out: {err}"
    );
}

#[test]
fn pid_and_comm_keep_one_process_s_packets() {
    require!(root, "ping");
    let lab = TestLab::two_hosts().unwrap();
    let server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    let dir = scratch("pid");
    let pid = server.0.id().to_string();
    let by_pid = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &["-i", "eth0", "-c", "0", "--no-write", "--pid", &pid],
    );
    let by_comm = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "--no-write",
            "--comm",
            "hello-server",
        ],
    );
    lab.run(
        "midwood",
        "ping",
        &["-c", "3", "-i", "0.1", "192.168.56.101"],
    );
    lab.run("midwood", tool_path("hello-client"), &["brooklyn"]);
    std::thread::sleep(Duration::from_millis(300));
    for capture in [by_pid, by_comm] {
        let (lines, err) = capture.finish(true);
        let lines: Vec<&str> = lines.lines().collect();
        assert!(lines.len() >= 8, "{lines:?}");
        for line in &lines {
            assert!(line.contains(":5000"), "only the server's packets: {line}");
            assert_eq!(tag(line).map(|t| t.1), Some(server.0.id()), "{line}");
        }
        assert!(err.contains("left out"), "{err}");
    }
}

#[test]
fn a_process_gone_before_its_flow_is_looked_up_is_unknown_or_cached_never_wrong() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _server = lab.hello_server("brooklyn", &["--host", "0.0.0.0"]);
    let dir = scratch("gone");
    let on_midwood = capture(&lab, "midwood", &dir, "g.pcapng", &["--proc"]);
    // Ten clients that connect, ask, and exit at once, each saying its pid and port.
    let script = "import os, socket\n\
        s = socket.create_connection(('192.168.56.101', 5000))\n\
        s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')\n\
        s.recv(4096)\n\
        print(os.getpid(), s.getsockname()[1])\n";
    let mut clients = Vec::new();
    for _ in 0..10 {
        let out = lab
            .command("midwood", "python3")
            .args(["-c", script])
            .output()
            .unwrap();
        let said = text(&out.stdout);
        let (pid, port) = said.trim().split_once(' ').unwrap();
        clients.push((pid.parse::<u32>().unwrap(), port.to_string()));
    }
    std::thread::sleep(Duration::from_millis(300));
    let (lines, _) = on_midwood.finish(true);
    let mut named = 0;
    for (pid, port) in &clients {
        let ours = format!("192.168.56.102:{port} ");
        let back = format!("> 192.168.56.102:{port} ");
        for line in lines
            .lines()
            .filter(|l| l.contains(&ours) || l.contains(&back))
        {
            if let Some((comm, by, _)) = tag(line) {
                assert_eq!((comm.as_str(), by), ("python3", *pid), "{line}");
                named += 1;
            }
        }
    }
    eprintln!("{named} packets of short-lived clients named (the rest: unknown)");
}

/// webcapture `--proc` on brooklyn's eth0, for datagrams to the discard port.
fn discard_capture(lab: &TestLab, dir: &Path) -> Webcapture {
    Webcapture::start(
        lab,
        "brooklyn",
        dir,
        &["-i", "eth0", "-c", "0", "--proc", "udp port 9"],
    )
}

/// Three lines hold `needle`, and each names `comm` and `pid`, exactly.
fn assert_three_sent_by(lines: &str, needle: &str, comm: &str, pid: u32) {
    let sent: Vec<&str> = lines.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(sent.len(), 3, "{lines}");
    for line in sent {
        assert_eq!(tag(line), Some((comm.to_string(), pid, false)), "{line}");
    }
}

#[test]
fn a_socket_a_process_made_inside_a_host_it_is_not_in_is_still_its_own() {
    require!(root);
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("outside");
    let on_brooklyn = discard_capture(&lab, &dir);
    // This test runs in the machine's own namespace; a thread of it makes a socket in
    // brooklyn's (as a process that serves several namespaces does). A walk of
    // brooklyn's processes alone misses it: the walk of all of them must follow.
    let namespace = labnet::netns::open(&lab.host("brooklyn").netns).unwrap();
    let socket = labnet::netns::run_in(&namespace, || {
        Ok(std::net::UdpSocket::bind("192.168.56.101:0"))
    })
    .unwrap()
    .unwrap();
    let midwood = lab.host("midwood").ipv4;
    for _ in 0..3 {
        socket.send_to(b"discard me", (midwood, 9)).unwrap();
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    let (lines, _) = on_brooklyn.finish(true);
    let comm = std::fs::read_to_string("/proc/self/comm").unwrap();
    assert_three_sent_by(&lines, ":discard ", comm.trim_end(), std::process::id());
}

#[test]
fn an_address_given_after_the_capture_started_is_known_as_this_host_s() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("new-address");
    let on_brooklyn = discard_capture(&lab, &dir);
    let netns = &lab.host("brooklyn").netns;
    let added = Command::new("ip")
        .args([
            "-n",
            netns,
            "address",
            "add",
            "192.168.56.201/24",
            "dev",
            "eth0",
        ])
        .status()
        .unwrap();
    assert!(added.success());
    // Past the capture's shortest time between two readings of the addresses.
    std::thread::sleep(Duration::from_millis(100));
    let script = "import os, socket, time\n\
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
        s.bind(('192.168.56.201', 0))\n\
        for _ in range(3): s.sendto(b'discard me', ('192.168.56.102', 9)); time.sleep(0.02)\n\
        print(os.getpid())\n";
    let out = lab
        .command("brooklyn", "python3")
        .args(["-c", script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pid: u32 = text(&out.stdout).trim().parse().unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let (lines, _) = on_brooklyn.finish(true);
    assert_three_sent_by(&lines, "192.168.56.201:", "python3", pid);
}

#[test]
fn a_pcap_file_cannot_keep_processes_and_says_so() {
    require!(root);
    let lab = TestLab::two_hosts().unwrap();
    let dir = scratch("pcap");
    let capture = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &["-i", "eth0", "--proc", "-w", "x.pcap", "-c", "0"],
    );
    let (_, err) = capture.finish(true);
    assert!(
        err.contains("a pcap file cannot keep the packets' processes"),
        "{err}"
    );
}

#[test]
fn a_refused_connection_is_explained_by_the_process_that_listens_elsewhere() {
    require!(root);
    let lab = TestLab::two_hosts().unwrap();
    // The handout's first attempt: Flask's default address, a client on midwood.
    let server = lab.hello_server("brooklyn", &[]);
    let dir = scratch("refused");
    let on_brooklyn = Webcapture::start(
        &lab,
        "brooklyn",
        &dir,
        &["-i", "eth0", "-c", "0", "--no-write", "tcp port 5000"],
    );
    let on_midwood = Webcapture::start(
        &lab,
        "midwood",
        &dir,
        &[
            "-i",
            "eth0",
            "-c",
            "0",
            "--no-write",
            "--proc",
            "tcp port 5000",
        ],
    );
    let client = lab
        .command("midwood", tool_path("hello-client"))
        .arg("brooklyn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let client_pid = client.id();
    assert!(!client.wait_with_output().unwrap().status.success());
    std::thread::sleep(Duration::from_millis(300));
    let (lines, err) = on_brooklyn.finish(true);
    assert!(lines.lines().count() >= 2, "the SYN and the RST: {lines}");
    let hint = format!(
        "webcapture: hint: SYN to 192.168.56.101:5000 answered by RST: hello-server (pid {}) listens on 127.0.0.1:5000 only",
        server.0.id()
    );
    assert_eq!(
        err.lines()
            .filter(|l| l.contains("answered by RST"))
            .collect::<Vec<_>>(),
        [hint.as_str()],
        "{err}"
    );
    // midwood's side: the SYN is hello-client's when its socket was still there to
    // find, never another process's; the refusal was not midwood's, so no hint there.
    let (lines, err) = on_midwood.finish(true);
    let syn = lines
        .lines()
        .find(|l| l.ends_with(" S") || l.contains(" S  ["))
        .unwrap();
    if let Some((comm, pid, _)) = tag(syn) {
        assert_eq!((comm.as_str(), pid), ("hello-client", client_pid), "{syn}");
    }
    assert!(!err.contains("answered by RST"), "{err}");
}
