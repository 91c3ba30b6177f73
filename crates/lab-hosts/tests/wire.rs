//! The lab's wire, the router topology, pingall and the capture of the whole lab, end to
//! end through the `lab-hosts` command line, measured with the tools people trust: ping's
//! round trips and losses, tcpdump's and tshark's view of captures, traceroute. Every
//! lab has unique names and goes away when its guard drops, also when a test fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use labnet_test_support::cli_lab::{assert_gone, lab_hosts, root_links, run_ok, text, CliLab};
use labnet_test_support::{require, spawn_listening, tool_path, ChildGuard, Tcpdump};

/// The round trips (ms) of `count` pings from `host` to `target`, after one ping that
/// fills the neighbour table (its round trip includes ARP's).
fn ping_rtts(lab: &CliLab, host: &str, target: &str, count: u32) -> Vec<f64> {
    lab.on(host, &["ping", "-c1", "-W5", target]);
    let out = lab.on(
        host,
        &["ping", "-c", &count.to_string(), "-i", "0.1", "-W5", target],
    );
    let rtts: Vec<f64> = out
        .lines()
        .filter_map(|l| l.split("time=").nth(1))
        .filter_map(|t| t.trim_end_matches(" ms").parse().ok())
        .collect();
    assert_eq!(rtts.len(), count as usize, "every ping answered:\n{out}");
    rtts
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// The wire's counters by sending host, from `lab-hosts link show --json`.
fn wire_counters(lab: &CliLab) -> BTreeMap<String, serde_json::Value> {
    // They are written at most 100 ms after they change.
    std::thread::sleep(Duration::from_millis(300));
    let json: serde_json::Value =
        serde_json::from_str(&lab.run(&["link", "show", "--json"])).unwrap();
    json["wire"]["stats"]["directions"]
        .as_array()
        .expect("the wire has counters")
        .iter()
        .map(|d| (d["from"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

/// Makes `host` send nothing but what the test sends: its neighbour pinned (no ARP)
/// and IPv6 off on eth0 (no neighbour discovery or MLD).
fn quiet(lab: &CliLab, host: &str, neighbour: &str, mac: &str) {
    lab.on(
        host,
        &["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"],
    );
    lab.on(
        host,
        &[
            "ip",
            "neigh",
            "replace",
            neighbour,
            "lladdr",
            mac,
            "dev",
            "eth0",
            "nud",
            "permanent",
        ],
    );
}

/// Fields of every packet of a capture file, as tshark reads them.
fn tshark_fields(file: &std::path::Path, filter: &str, fields: &[&str]) -> Vec<Vec<String>> {
    let mut args = vec![
        "-r",
        file.to_str().unwrap(),
        "-T",
        "fields",
        "-E",
        "occurrence=f",
    ];
    if !filter.is_empty() {
        args.extend(["-Y", filter]);
    }
    for field in fields {
        args.extend(["-e", field]);
    }
    run_ok("tshark", &args)
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-wire-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_delay_applies_to_each_direction_unless_one_is_named() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["b", "m"]);
    let out = lab.up(&["--delay", "50ms"]);
    assert!(out.contains("started the wire"), "{out}");
    // 50 ms each way: 100 ms +-10 %, and never less than the delay itself.
    let rtts = ping_rtts(&lab, &lab.hosts[0], "192.168.56.102", 20);
    let (low, mid) = (rtts.iter().copied().fold(f64::MAX, f64::min), median(&rtts));
    assert!(low >= 99.9 && mid <= 110.0, "{rtts:?}");

    // Only what b sends loses its delay: 50 ms round trips.
    let set = lab.run(&["link", &lab.hosts[0], "set", "--delay", "0ms"]);
    assert!(set.contains("no impairment"), "{set}");
    let rtts = ping_rtts(&lab, &lab.hosts[0], "192.168.56.102", 20);
    let (low, mid) = (rtts.iter().copied().fold(f64::MAX, f64::min), median(&rtts));
    assert!(low >= 49.9 && mid <= 55.0, "{rtts:?}");
    let show = lab.run(&["link", "show"]);
    let expected = format!("{} -> {}: delay 50ms", lab.hosts[1], lab.hosts[0]);
    assert!(show.contains(&expected), "{show}");
}

#[test]
fn ten_percent_loss_each_way_loses_nineteen_percent_of_pings() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["b", "m"]);
    lab.up(&["--loss", "10%", "--seed", "19"]);
    let out = lab.on(
        &lab.hosts[0],
        &[
            "ping",
            "-q",
            "-c",
            "1000",
            "-i",
            "0.005",
            "-W",
            "1",
            "192.168.56.102",
        ],
    );
    let received: u32 = out
        .split(" received")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("ping's summary: {out}"));
    let lost = 1000 - received;
    // 1 - 0.9^2 = 19 %, +-3.
    assert!((160..=220).contains(&lost), "{lost} of 1000 lost:\n{out}");
    let counters = wire_counters(&lab);
    let wire_lost: u64 = counters.values().map(|c| c["lost"].as_u64().unwrap()).sum();
    // Every lost ping lost its request or its reply on the wire (the wire may also
    // have lost an ARP frame or two, which ping does not count).
    assert!(wire_lost >= u64::from(lost), "{wire_lost} < {lost}");
}

#[test]
fn reorders_and_duplicates_on_the_wire_are_what_the_far_side_captures() {
    require!(root, "ip", "python3", "tshark");
    let lab = CliLab::unique(&["b", "m"]);
    let (b, m) = (&lab.hosts[0], &lab.hosts[1]);
    lab.up(&["--delay", "0ms"]);
    // b sends the test's datagrams and nothing else, so every frame the wire reorders
    // or duplicates is one of them.
    quiet(&lab, b, "192.168.56.102", "08:00:27:a8:38:66");
    quiet(&lab, m, "192.168.56.101", "08:00:27:a8:38:65");
    let dir = scratch("reorder");
    // Without a delay a reordered frame waits for the next one; with one, it skips the
    // delay past the frames queued.
    let mut before = (0, 0);
    for (round, delay) in ["0ms", "20ms"].iter().enumerate() {
        lab.run(&[
            "link",
            b,
            "set",
            "--delay",
            delay,
            "--reorder",
            "5%",
            "--duplicate",
            "5%",
            "--seed",
            "7",
        ]);
        let file = dir.join(format!("far{round}.pcap"));
        let tcpdump = Tcpdump::start_in(m, "eth0", &file);
        // Numbered datagrams, one every 4 ms whatever comes back (ping would wait for
        // a late reply before sending on).
        lab.on(
            b,
            &[
                "python3",
                "-c",
                "import socket, struct, time\n\
                 s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n\
                 for n in range(400):\n    s.sendto(struct.pack('!I', n), ('192.168.56.102', 9))\n    time.sleep(0.004)",
            ],
        );
        std::thread::sleep(Duration::from_millis(100));
        tcpdump.finish();
        // (The ICMP port unreachables m sends back quote datagrams: not counted.)
        let seqs: Vec<u32> = tshark_fields(&file, "udp.dstport == 9 && !icmp", &["data.data"])
            .iter()
            .map(|f| u32::from_str_radix(&f[0], 16).unwrap())
            .collect();
        // Duplicates: copies of a datagram already seen. Reorders: datagrams that
        // arrive before one sent earlier (the first copy of each).
        let mut seen = BTreeSet::new();
        let firsts: Vec<u32> = seqs.iter().copied().filter(|s| seen.insert(*s)).collect();
        let duplicates = (seqs.len() - firsts.len()) as u64;
        let reorders = (0..firsts.len())
            .filter(|&i| firsts[i + 1..].iter().any(|later| *later < firsts[i]))
            .count() as u64;
        assert_eq!(firsts.len(), 400, "no datagram lost");
        assert!(
            duplicates > 5 && reorders > 5,
            "{delay}: {duplicates} {reorders}"
        );
        let counters = &wire_counters(&lab)[b.as_str()];
        let total = (
            counters["duplicated"].as_u64().unwrap(),
            counters["reordered"].as_u64().unwrap(),
        );
        assert_eq!(
            (total.0 - before.0, total.1 - before.1),
            (duplicates, reorders),
            "delay {delay}: the wire's counters against the capture on {m}: {counters}"
        );
        before = total;
    }
}

#[test]
fn a_corrupted_frame_arrives_with_one_bit_flipped() {
    require!(root, "ip", "ping", "tshark");
    let lab = CliLab::unique(&["b", "m"]);
    let (b, m) = (&lab.hosts[0], &lab.hosts[1]);
    lab.up(&["--delay", "0ms"]);
    quiet(&lab, b, "192.168.56.102", "08:00:27:a8:38:66");
    quiet(&lab, m, "192.168.56.101", "08:00:27:a8:38:65");
    lab.run(&["link", b, "set", "--corrupt", "10%", "--seed", "3"]);
    let dir = scratch("corrupt");
    let (near, far) = (dir.join("near.pcap"), dir.join("far.pcap"));
    let (near_dump, far_dump) = (
        Tcpdump::start_in(b, "eth0", &near),
        Tcpdump::start_in(m, "eth0", &far),
    );
    let out = Command::new("ip")
        .args([
            "netns", "exec", b, "ping", "-q", "-c", "200", "-i", "0.005", "-W", "1",
        ])
        .arg("192.168.56.102")
        .output()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    near_dump.finish();
    far_dump.finish();
    // The requests as b sent them and as m received them, frame for frame (nothing is
    // lost, reordered or duplicated): the corrupted ones differ in exactly one bit.
    let frames = |file: &std::path::Path| -> Vec<Vec<u8>> {
        let json: serde_json::Value = serde_json::from_str(&run_ok(
            "tshark",
            &[
                "-r",
                file.to_str().unwrap(),
                "-T",
                "json",
                "-x",
                "-Y",
                "eth.src == 08:00:27:a8:38:65",
            ],
        ))
        .unwrap();
        json.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let hex = p["_source"]["layers"]["frame_raw"][0].as_str().unwrap();
                (0..hex.len())
                    .step_by(2)
                    .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                    .collect()
            })
            .collect()
    };
    let (sent, received) = (frames(&near), frames(&far));
    assert_eq!(sent.len(), 200, "{}", text(&out.stdout));
    assert_eq!(received.len(), 200);
    let mut corrupted = 0;
    for (a, z) in sent.iter().zip(&received) {
        let bits: u32 = a.iter().zip(z).map(|(x, y)| (x ^ y).count_ones()).sum();
        assert!(bits <= 1, "{bits} bits differ");
        corrupted += bits;
    }
    let counters = &wire_counters(&lab)[b.as_str()];
    assert!(corrupted > 5, "{corrupted}");
    assert_eq!(counters["corrupted"].as_u64(), Some(u64::from(corrupted)));
    // m drops what fails its checksums: those pings go unanswered.
    let summary = text(&out.stdout);
    let received_replies: u32 = summary
        .split(" received")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(200 - received_replies <= corrupted, "{summary}");
}

#[test]
fn a_tcp_transfer_through_loss_shows_retransmissions() {
    require!(root, "ip", "python3", "tcpdump", "tshark");
    let lab = CliLab::unique(&["b", "m"]);
    let (b, m) = (&lab.hosts[0], &lab.hosts[1]);
    lab.up(&["--loss", "5%", "--seed", "5"]);
    let dir = scratch("tcp");
    let file = dir.join("transfer.pcap");
    let mut server = Command::new("ip")
        .args(["netns", "exec", m, "python3", "-c"])
        .arg(
            "import socket\n\
             s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
             s.bind(('0.0.0.0', 9000)); s.listen(1); s.settimeout(60); print('ready', flush=True)\n\
             c, _ = s.accept(); c.sendall(b'x' * 1000000); c.close()",
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    let _server = ChildGuard(server);
    assert_eq!(ready.trim(), "ready");
    // On the sender's side: what it sent, and sent again.
    let tcpdump = Tcpdump::start_in(m, "eth0", &file);
    let got = lab.on(
        b,
        &[
            "python3",
            "-c",
            "import socket\n\
             c = socket.create_connection(('192.168.56.102', 9000), timeout=60); n = 0\n\
             while True:\n    d = c.recv(65536)\n    n += len(d)\n    if not d: break\n\
             print(n)",
        ],
    );
    assert_eq!(got.trim(), "1000000");
    std::thread::sleep(Duration::from_millis(100));
    tcpdump.finish();
    // tshark's analysis flags them: as retransmissions, or, when one follows the
    // highest segment within 3 ms (always on a veth, whose RTT is microseconds), as
    // out-of-order, by its own rule.
    let flagged = tshark_fields(
        &file,
        "tcp.analysis.retransmission or tcp.analysis.out_of_order",
        &["frame.number"],
    )
    .len();
    // tcpdump shows the same bytes sent twice: data segments of the server whose
    // sequence range was seen before.
    let listing = run_ok(
        "tcpdump",
        &[
            "-nn",
            "-S",
            "-r",
            file.to_str().unwrap(),
            "tcp src port 9000",
        ],
    );
    let mut ranges = BTreeSet::new();
    let resent = listing
        .lines()
        .filter_map(|l| l.split(", seq ").nth(1))
        .filter_map(|s| s.split(',').next())
        .filter(|range| range.contains(':'))
        .filter(|range| !ranges.insert(range.to_string()))
        .count();
    // The wire lost about 5 % of the ~740 data segments (42 in a run by hand); tshark
    // flagged 17 to 76 in ten runs, as TCP resends more or less than was lost.
    assert!(flagged >= 10, "tshark flags {flagged} retransmissions");
    // A resent segment may cover another range than the one lost (SACK), so fewer
    // ranges repeat exactly.
    assert!(resent >= 5, "tcpdump shows {resent} repeated ranges");
}

#[test]
fn the_router_keeps_ip_addresses_changes_macs_and_decrements_ttl() {
    require!(root, "ip", "ping", "traceroute", "tshark");
    let lab = CliLab::unique(&["b", "m"]);
    let (b, m) = (&lab.hosts[0], &lab.hosts[1]);
    let out = lab.up(&["--topology", "router"]);
    assert!(
        out.contains(&format!("{m}: eth0 192.168.57.102/24")),
        "{out}"
    );
    let pingall = lab.run(&["pingall"]);
    assert!(
        pingall.contains("*** Results: 0% dropped (6/6 received)"),
        "{pingall}"
    );
    assert!(lab
        .run(&["pingall", "-6"])
        .contains("0% dropped (6/6 received)"));

    let dir = scratch("router");
    let file = dir.join("lab.pcapng");
    let capture = LabCapture::start(&lab, &["-w", file.to_str().unwrap(), "-q", "icmp"]);
    lab.on(b, &["ping", "-c", "2", "-i", "0.2", "192.168.57.102"]);
    capture.interrupt_and_wait();
    let rows = tshark_fields(
        &file,
        "icmp.type == 8",
        &[
            "frame.interface_name",
            "eth.src",
            "eth.dst",
            "ip.src",
            "ip.dst",
            "ip.ttl",
        ],
    );
    let at = |interface: String| -> Vec<Vec<String>> {
        rows.iter().filter(|r| r[0] == interface).cloned().collect()
    };
    let (near, far) = (at(format!("{b}:eth0")), at(format!("{m}:eth0")));
    assert_eq!((near.len(), far.len()), (2, 2), "{rows:?}");
    // The same IP addresses on both sides...
    assert_eq!(near[0][3..5], far[0][3..5]);
    assert_eq!(
        near[0][3..5],
        ["192.168.56.101", "192.168.57.102"].map(String::from)
    );
    // ...other MAC addresses (b -> router, then router -> m), and one hop less to live.
    assert_eq!(
        near[0][1..3],
        ["08:00:27:a8:38:65", "08:00:27:a8:38:01"].map(String::from)
    );
    assert_eq!(
        far[0][1..3],
        ["08:00:27:a8:39:01", "08:00:27:a8:39:66"].map(String::from)
    );
    assert_eq!((near[0][5].as_str(), far[0][5].as_str()), ("64", "63"));
    assert_eq!(
        at("router:eth1".into()).len(),
        2,
        "the router's two NICs are captured too"
    );

    // traceroute, UDP and ICMP, finds the router first; a TTL of 1 dies there.
    for extra in [&[][..], &["-I"]] {
        let mut args = vec!["traceroute", "-n", "-q1", "-w2"];
        args.extend_from_slice(extra);
        args.push("192.168.57.102");
        let route = lab.on(b, &args);
        let hops: Vec<&str> = route.lines().skip(1).collect();
        assert!(
            hops[0].contains("192.168.56.1 ") && hops[1].contains("192.168.57.102"),
            "{route}"
        );
    }
    let route6 = lab.on(b, &["traceroute", "-6", "-n", "-q1", "-w2", "fd00:57::102"]);
    assert!(
        route6.lines().nth(1).unwrap().contains("fd00:56::1 "),
        "{route6}"
    );
    let expired = Command::new("ip")
        .args([
            "netns",
            "exec",
            b,
            "ping",
            "-c1",
            "-t1",
            "-W2",
            "192.168.57.102",
        ])
        .output()
        .unwrap();
    let said = text(&expired.stdout);
    assert!(
        said.contains("From 192.168.56.1") && said.contains("Time to live exceeded"),
        "{said}"
    );
}

#[test]
fn pingall_reaches_every_host_on_every_topology() {
    require!(root, "ip");
    for (shorts, extra, expected) in [
        (&["p", "q"][..], &[][..], "0% dropped (2/2 received)"),
        (
            &["p", "q"],
            &["--delay", "0ms"],
            "0% dropped (2/2 received)",
        ),
        (&["p", "q", "r"], &[], "0% dropped (6/6 received)"),
        (
            &["p", "q"],
            &["--topology", "switch"],
            "0% dropped (2/2 received)",
        ),
        (
            &["p", "q"],
            &["--topology", "router"],
            "0% dropped (6/6 received)",
        ),
    ] {
        let lab = CliLab::unique(shorts);
        lab.up(extra);
        for family in [&[][..], &["-6"]] {
            let mut args = vec!["pingall"];
            args.extend_from_slice(family);
            let out = lab.run(&args);
            assert!(
                out.starts_with("*** Ping: testing ping reachability\n"),
                "{out}"
            );
            assert!(
                out.contains(&format!("*** Results: {expected}")),
                "{extra:?}: {out}"
            );
            let others: Vec<&String> = lab.hosts.iter().skip(1).collect();
            let first_line = format!("{} -> {}", lab.hosts[0], others[0]);
            assert!(out.contains(&first_line), "{out}");
        }
    }
    // A host that cannot answer is an X, and the exit status says so.
    let lab = CliLab::unique(&["p", "q"]);
    lab.up(&[]);
    run_ok("ip", &["-n", &lab.hosts[1], "link", "set", "eth0", "down"]);
    let out = lab_hosts(&["--lab", &lab.lab, "pingall", "--timeout", "0.3"]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stdout);
    assert!(said.contains(&format!("{} -> X", lab.hosts[0])), "{said}");
    assert!(
        said.contains("*** Results: 100% dropped (0/2 received)"),
        "{said}"
    );
    assert!(text(&out.stderr).contains("2 of 2 pings got no reply"));
}

/// `lab-hosts capture` running in the background, stopped by its PID.
struct LabCapture {
    child: ChildGuard,
}

impl LabCapture {
    /// Starts it and returns once it listens on every interface.
    fn start(lab: &CliLab, args: &[&str]) -> LabCapture {
        let mut command = Command::new(tool_path("lab-hosts"));
        command.args(["--lab", &lab.lab, "capture"]).args(args);
        let (mut child, stderr) = spawn_listening(&mut command);
        // The rest of stderr is read at the end.
        child.stderr = Some(stderr.into_inner());
        LabCapture {
            child: ChildGuard(child),
        }
    }

    /// SIGINT, then its stdout and stderr.
    fn interrupt_and_wait(mut self) -> (String, String) {
        std::thread::sleep(Duration::from_millis(100));
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.0.id() as i32),
            nix::sys::signal::Signal::SIGINT,
        )
        .unwrap();
        self.wait()
    }

    fn wait(&mut self) -> (String, String) {
        let (mut out, mut err) = (String::new(), String::new());
        std::io::Read::read_to_string(self.child.0.stdout.as_mut().unwrap(), &mut out).unwrap();
        std::io::Read::read_to_string(self.child.0.stderr.as_mut().unwrap(), &mut err).unwrap();
        let status = self.child.0.wait().unwrap();
        assert!(status.success(), "{status}: {err}");
        (out, err)
    }
}

#[test]
fn one_capture_holds_both_sides_one_interface_per_host_in_time_order() {
    require!(root, "ip", "ping", "tshark");
    let lab = CliLab::unique(&["b", "m"]);
    let (b, m) = (&lab.hosts[0], &lab.hosts[1]);
    lab.up(&[]);
    let dir = scratch("capture");
    let file = dir.join("lab.pcapng");
    // Stopped by its count: 5 requests and 5 replies, each seen on both hosts.
    let mut capture = LabCapture::start(&lab, &["-w", file.to_str().unwrap(), "-c", "20", "icmp"]);
    lab.on(b, &["ping", "-c", "5", "-i", "0.1", "192.168.56.102"]);
    let (lines, _) = capture.wait();
    let rows = tshark_fields(
        &file,
        "",
        &[
            "frame.interface_id",
            "frame.interface_name",
            "frame.time_epoch",
            "icmp.type",
            "icmp.seq",
        ],
    );
    assert_eq!(rows.len(), 20, "{rows:?}");
    let interfaces: BTreeSet<(String, String)> =
        rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(
        interfaces,
        BTreeSet::from([
            ("0".into(), format!("{b}:eth0")),
            ("1".into(), format!("{m}:eth0"))
        ])
    );
    for interface in [format!("{b}:eth0"), format!("{m}:eth0")] {
        let seen: BTreeSet<(String, String)> = rows
            .iter()
            .filter(|r| r[1] == interface)
            .map(|r| (r[3].clone(), r[4].clone()))
            .collect();
        assert_eq!(seen.len(), 10, "every request and reply on {interface}");
    }
    let times: Vec<f64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "time order: {times:?}"
    );
    // A line per packet, named by where it was seen, in the file's order.
    let printed: Vec<&str> = lines.lines().collect();
    assert_eq!(printed.len(), 20, "{lines}");
    for (line, row) in printed.iter().zip(&rows) {
        assert!(line.starts_with(&row[1]), "{line} vs {row:?}");
    }

    // Ctrl-C: the file holds every packet printed.
    let file = dir.join("interrupted.pcapng");
    let capture = LabCapture::start(&lab, &["-w", file.to_str().unwrap()]);
    lab.on(m, &["ping", "-c", "3", "-i", "0.1", "192.168.56.101"]);
    let (lines, err) = capture.interrupt_and_wait();
    let count = tshark_fields(&file, "", &["frame.number"]).len();
    assert!(count >= 12, "{count}: {err}");
    assert_eq!(lines.lines().count(), count, "{err}");
    assert!(err.contains(&format!("{count} packets captured")), "{err}");
}

#[test]
fn link_commands_explain_what_they_cannot_do() {
    require!(root, "ip");
    let lab = CliLab::unique(&["b", "m"]);
    lab.up(&[]);
    let show = lab.run(&["link", "show"]);
    assert!(
        show.contains("a direct veth pair, nothing impaired"),
        "{show}"
    );
    for (args, code, says) in [
        (&["link", "set"][..], 2, "needs a setting"),
        (
            &["link", "nosuchhost", "set", "--delay", "1ms"],
            2,
            "is not a host of lab",
        ),
        (&["link", "show", "--delay", "1ms"], 2, "takes no settings"),
        (&["link", "frob"], 2, "is not a link command"),
        (&["up", "--from", "x"], 2, "no impairment was given"),
    ] {
        let mut all = vec!["--lab", &lab.lab];
        all.extend_from_slice(args);
        let out = lab_hosts(&all);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    // A direct pair is put through the wire by its first setting.
    let set = lab.run(&["link", "set", "--rate", "1mbit"]);
    assert!(set.contains("started the wire"), "{set}");
    let status = lab.run(&["status"]);
    assert!(
        status.contains("pair through the lab's wire") && status.contains("rate 1mbit"),
        "{status}"
    );

    let router = CliLab::unique(&["x", "y"]);
    router.up(&["--topology", "router"]);
    let out = lab_hosts(&["--lab", &router.lab, "link", "set", "--delay", "5ms"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("pair topology"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn down_leaves_nothing_even_after_the_wire_was_killed() {
    require!(root, "ip", "ping");
    let links_before = root_links();
    let lab = CliLab::unique(&["b", "m"]);
    lab.up(&["--delay", "1ms"]);
    let pid = || -> i32 {
        let json: serde_json::Value =
            serde_json::from_str(&lab.run(&["link", "show", "--json"])).unwrap();
        json["wire"]["pid"].as_i64().unwrap() as i32
    };
    let kill = |pid: i32| {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(200));
    };
    let first = pid();
    kill(first);
    let show = lab.run(&["link", "show"]);
    assert!(show.contains("NOT RUNNING"), "{show}");
    // `up` restarts it, with its settings.
    let again = lab.up(&[]);
    assert!(
        again.contains("started the wire") && again.contains("delay 1ms"),
        "{again}"
    );
    assert_ne!(pid(), first);
    lab.on(&lab.hosts[0], &["ping", "-c1", "-W2", "192.168.56.102"]);
    kill(pid());
    let down = lab.run(&["down"]);
    assert!(
        down.contains(&format!("network namespace {}-wire", lab.lab)),
        "{down}"
    );
    let mut namespaces = lab.hosts.clone();
    namespaces.push(format!("{}-wire", lab.lab));
    assert_gone(&lab.lab, &namespaces, &links_before);
}
