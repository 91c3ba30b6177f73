//! The handout's Experiment 3, reading side: captures the test makes itself in the
//! lab (tcpdump on brooklyn while midwood talks to it: HTTP over IPv4 and IPv6, ping
//! and ping6 with ARP, neighbour discovery and fragments, UDP to closed ports and
//! their ICMP errors, a SYN to a closed port, DNS to a responder of the test's own),
//! then `webcapture -r` against scapy's `summary()`, `hexdump()` and `show()` of the
//! same file, packet by packet.

use std::process::Command;

use labnet_test_support::{require, tool_path, ChildGuard, Tcpdump, TestLab};

mod scapy;
use scapy::{
    same_hexdumps_as_scapy, same_json_as_show_and_summary, same_listings_as_scapy,
    same_summaries_as_scapy, webcapture,
};

/// A DNS server of the test's own on UDP port 53: answers A, AAAA, CNAME, TXT, MX and
/// SRV questions for names under lab., the rest with NXDOMAIN and an SOA; serves the
/// number of queries given, for at most 10 s.
const DNS_RESPONDER: &str = r#"
import socket, sys
from scapy.all import DNS, DNSRR, DNSRRMX, DNSRRSOA, DNSRRSRV
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
s.settimeout(10)
print("ready", flush=True)
answers = {
    b"brooklyn.lab.": [DNSRR(rrname="brooklyn.lab.", type="A", rdata="192.168.56.101", ttl=60)],
    b"six.lab.": [DNSRR(rrname="six.lab.", type="AAAA", rdata="fd00:56::101", ttl=60)],
    b"www.lab.": [DNSRR(rrname="www.lab.", type="CNAME", rdata="brooklyn.lab."),
                  DNSRR(rrname="brooklyn.lab.", type="A", rdata="192.168.56.101")],
    b"txt.lab.": [DNSRR(rrname="txt.lab.", type="TXT", rdata=[b"hello", b"w'o"])],
    b"mail.lab.": [DNSRRMX(rrname="mail.lab.", preference=10, exchange="brooklyn.lab.")],
    b"srv.lab.": [DNSRRSRV(rrname="srv.lab.", priority=1, weight=2, port=5000, target="brooklyn.lab.")],
}
for _ in range(int(sys.argv[1])):
    data, peer = s.recvfrom(2048)
    query = DNS(data)
    found = answers.get(query.qd[0].qname)
    soa = [DNSRRSOA(rrname="lab.", mname="brooklyn.lab.", rname="admin.lab.", serial=1)]
    reply = DNS(id=query.id, qr=1, aa=1, rd=query.rd, ra=1, rcode=0 if found else 3,
                qd=query.qd, an=found, ns=None if found else soa)
    s.sendto(bytes(reply), peer)
"#;

/// The questions midwood asks it (the first with an EDNS0 OPT record, as resolvers
/// send), one at a time, each waiting for its answer.
const DNS_QUESTIONS: &str = r#"
import socket
from scapy.all import DNS, DNSQR, DNSRROPT
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
questions = [("brooklyn.lab.", "A"), ("six.lab.", "AAAA"), ("www.lab.", "A"), ("txt.lab.", "TXT"),
             ("mail.lab.", "MX"), ("srv.lab.", "SRV"), ("nope.lab.", "A")]
for i, (name, qtype) in enumerate(questions):
    opt = DNSRROPT(rclass=1232) if i == 0 else None
    s.sendto(bytes(DNS(id=0x100 + i, rd=1, qd=DNSQR(qname=name, qtype=qtype), ar=opt)), ("192.168.56.101", 53))
    s.recvfrom(2048)
"#;
const DNS_QUESTION_COUNT: &str = "7";

/// UDP to closed ports over IPv4 and IPv6 (each answered by an ICMP error), and a
/// TCP SYN to a closed port (answered by a reset).
const KNOCKS: &str = r#"
import socket, time
for family, address in ((socket.AF_INET, "192.168.56.101"), (socket.AF_INET6, "fd00:56::101")):
    socket.socket(family, socket.SOCK_DGRAM).sendto(b"knock", (address, 9999))
s = socket.socket()
s.settimeout(2)
try:
    s.connect(("192.168.56.101", 81))
except OSError:
    pass
time.sleep(0.3)
"#;

/// Runs the lab's traffic: midwood pings brooklyn, fetches hello-server's page over
/// IPv4 and IPv6, knocks on closed ports and asks the DNS responder; brooklyn also
/// fetches the page from itself over loopback.
fn run_lab_traffic(lab: &TestLab) {
    let server = lab.hello_server("brooklyn", &["--host", "::"]);
    let dns = dns_responder(lab);
    lab.ping_brooklyn();
    for target in ["192.168.56.101:5000", "[fd00:56::101]:5000"] {
        lab.run("midwood", tool_path("hello-client"), &[target]);
    }
    lab.run("brooklyn", tool_path("hello-client"), &["127.0.0.1:5000"]);
    lab.run("midwood", "python3", &["-c", KNOCKS]);
    lab.run("midwood", "python3", &["-c", DNS_QUESTIONS]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop((server, dns));
}

/// Starts the DNS responder on brooklyn; returns once it listens.
fn dns_responder(lab: &TestLab) -> ChildGuard {
    use std::io::BufRead;
    let mut child = lab
        .command("brooklyn", "python3")
        .args(["-c", DNS_RESPONDER, DNS_QUESTION_COUNT])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 starts");
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.as_mut().expect("piped"))
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready", "the DNS responder listens");
    ChildGuard(child)
}

/// Captures the lab's traffic on `interface` of brooklyn into a pcap file with tcpdump.
fn capture_lab_traffic(lab: &TestLab, interface: &str, file: &std::path::Path) {
    let tcpdump = Tcpdump::start(lab, "brooklyn", interface, file);
    run_lab_traffic(lab);
    assert_captured(file, tcpdump.finish());
}

fn assert_captured(file: &std::path::Path, report: String) {
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 24 * 20,
        "the capture holds the lab's traffic ({size} bytes); tcpdump said: {report}"
    );
}

#[test]
fn summaries_and_hexdumps_equal_scapys_on_a_lab_capture() {
    require!(root, "tcpdump", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let file = std::env::temp_dir().join(format!("labnet-exp3-{}.pcap", std::process::id()));
    capture_lab_traffic(&lab, "eth0", &file);
    let path = file.to_str().unwrap();
    let theirs = same_summaries_as_scapy(path);
    let mine = webcapture(&["-r", path]);
    // The exchange the handout asks students to find is all there.
    for expected in [
        "Ether / ARP who has 192.168.56.101 says 192.168.56.102",
        "Ether / IP / ICMP 192.168.56.102 > 192.168.56.101 echo-request 0 / Raw",
        "Ether / IPv6 / ICMPv6 Echo Request",
        "Ether / IPv6 / ICMPv6ND_NS",
        " > 192.168.56.101:5000 S",
        " > 192.168.56.101:5000 PA / Raw",
        "Ether / IPv6 / TCP fd00:56::102:",
        "dest-unreach port-unreachable / IPerror / UDPerror / Raw",
        "Ether / fd00:56::101 > fd00:56::102 (58) / ICMPv6DestUnreach / IPerror6 / UDPerror / Raw",
        " > 192.168.56.101:81 S",
        "192.168.56.101:81 > 192.168.56.102:",
        "Ether / IP / UDP / DNS Qry b'brooklyn.lab.'",
        "Ether / IP / UDP / DNS Ans 192.168.56.101",
        "Ether / IP / UDP / DNS Ans b'brooklyn.lab.'",
        "Ether / IP / UDP / DNS Ans name-error",
        "Ether / IPv6 / IPv6ExtHdrFragment / ICMPv6 Echo Request",
    ] {
        assert!(mine.contains(expected), "missing {expected:?} in\n{mine}");
    }
    let their_dumps = same_hexdumps_as_scapy(path);
    // One packet alone is exactly scapy's hexdump(packets[3]).
    let third = their_dumps
        .split("\n\n")
        .nth(3)
        .unwrap()
        .trim_end()
        .to_string()
        + "\n";
    assert_eq!(
        webcapture(&["-r", path, "--packet", "3", "--hexdump"]),
        third
    );
    let numbered = webcapture(&["-r", path, "-#", "-c", "2"]);
    let first_two: Vec<String> = theirs
        .lines()
        .take(2)
        .enumerate()
        .map(|(i, l)| format!("{i} {l}"))
        .collect();
    assert_eq!(numbered.lines().collect::<Vec<_>>(), first_two);
    let _ = std::fs::remove_file(&file);
}

#[test]
fn pcapng_and_any_interface_captures_read_as_scapy_reads_them() {
    require!(root, "tcpdump", "editcap", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let base = std::env::temp_dir().join(format!("labnet-exp3-any-{}", std::process::id()));
    let any = base.with_extension("pcap");
    // -i any: Linux cooked headers (SLL2), also for brooklyn's loopback traffic.
    capture_lab_traffic(&lab, "any", &any);
    same_summaries_as_scapy(any.to_str().unwrap());
    assert!(webcapture(&["-r", any.to_str().unwrap()]).starts_with("CookedLinuxV2 / "));
    let pcapng = base.with_extension("pcapng");
    let status = Command::new("editcap")
        .args(["-F", "pcapng"])
        .arg(&any)
        .arg(&pcapng)
        .status()
        .unwrap();
    assert!(status.success());
    same_summaries_as_scapy(pcapng.to_str().unwrap());
    let _ = std::fs::remove_file(&any);
    let _ = std::fs::remove_file(&pcapng);
}

#[test]
fn show_listings_equal_scapys_on_eth0_any_and_lo_captures() {
    require!(root, "tcpdump", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let base = std::env::temp_dir().join(format!("labnet-exp3-show-{}", std::process::id()));
    let files: Vec<std::path::PathBuf> = ["eth0", "any", "lo"]
        .iter()
        .map(|i| base.with_extension(format!("{i}.pcap")))
        .collect();
    let tcpdumps: Vec<Tcpdump> = ["eth0", "any", "lo"]
        .iter()
        .zip(&files)
        .map(|(interface, file)| Tcpdump::start(&lab, "brooklyn", interface, file))
        .collect();
    run_lab_traffic(&lab);
    for (tcpdump, file) in tcpdumps.into_iter().zip(&files) {
        assert_captured(file, tcpdump.finish());
    }
    for file in &files {
        same_listings_as_scapy(file.to_str().unwrap());
        same_checksum_verdicts_as_tshark(file.to_str().unwrap());
    }
    // The layers a student looks for, each with its place in the TCP/IP model.
    let eth0 = webcapture(&["-r", files[0].to_str().unwrap(), "--show"]);
    for expected in [
        "###[ Ethernet ]### (link layer)",
        "###[ ARP ]### (link layer)",
        "###[ IP ]### (internet layer)",
        "###[ TCP ]### (transport layer)",
        "###[ HTTP Request ]### (application layer)",
        "  Host      = 192.168.56.101:5000",
        "###[ HTTP Response ]### (application layer)",
        "  Status_Code= 200",
        "  load      = b'Hello, World!'",
        "###[ DNS ]### (application layer)",
        "|###[ DNS Question Record ]###",
        "|  rdata     = 192.168.56.101",
        "###[ IPv6 Extension Header - Fragmentation header ]### (internet layer)",
        "###[ IP in ICMP ]### (internet layer)",
    ] {
        assert!(eth0.contains(expected), "missing {expected:?}");
    }
    same_json_as_show_and_summary(files[0].to_str().unwrap());
    for file in &files {
        let _ = std::fs::remove_file(file);
    }
}

/// Runs webcapture, which must succeed, for its side effects (files).
fn webcapture_quietly(args: &[&str]) {
    webcapture(args);
}

/// The `--show` listing of packet `index` in `path`: its layer headings and its other
/// lines (one per field row of the diagram).
fn listing(path: &str, index: usize) -> (Vec<String>, Vec<String>) {
    let show = webcapture(&["-r", path, "--packet", &index.to_string(), "--show"]);
    let (headings, rows): (Vec<String>, Vec<String>) = show
        .lines()
        .filter(|l| !l.is_empty())
        .map(String::from)
        .partition(|l| l.starts_with("###[ "));
    (headings, rows)
}

/// Checks the SVG of one packet against its `--show` listing and its bytes.
fn check_svg(svg: &str, headings: &[String], rows: &[String], length: usize, what: &str) {
    let doc = roxmltree::Document::parse(svg)
        .unwrap_or_else(|e| panic!("{what}: the SVG is not XML: {e}"));
    for forbidden in ["<script", "href", "@import", "url("] {
        assert!(
            !svg.contains(forbidden),
            "{what}: the SVG refers to {forbidden}"
        );
    }
    let elements = |class: &str| -> Vec<roxmltree::Node> {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .collect()
    };
    let number = |node: &roxmltree::Node, name: &str| -> usize {
        node.attribute(name).unwrap().parse().unwrap()
    };
    // One box per layer, headed as --show heads it.
    let boxes = elements("layer");
    assert_eq!(boxes.len(), headings.len(), "{what}: one box per layer");
    for (node, heading) in boxes.iter().zip(headings) {
        let expected = format!(
            "###[ {} ]### ({} layer)",
            node.attribute("data-name").unwrap(),
            node.attribute("data-tcpip").unwrap()
        );
        assert_eq!(&expected, heading, "{what}");
    }
    // One row per line of --show.
    let mut row_keys: Vec<(usize, usize)> = elements("row")
        .iter()
        .map(|n| (number(n, "data-layer"), number(n, "data-field")))
        .collect();
    row_keys.dedup();
    assert_eq!(
        row_keys.len(),
        rows.len(),
        "{what}: one row per field of --show"
    );
    // Every byte drawn, each inside exactly one frame.
    let frames: Vec<(usize, usize)> = elements("frame")
        .iter()
        .map(|n| (number(n, "data-start"), number(n, "data-end")))
        .collect();
    let bytes = elements("byte");
    assert_eq!(bytes.len(), length, "{what}: every byte is drawn");
    for byte in &bytes {
        let offset = number(byte, "data-offset");
        let framing = frames
            .iter()
            .filter(|(s, e)| (*s..*e).contains(&offset))
            .count();
        assert_eq!(framing, 1, "{what}: byte {offset} is in {framing} frames");
    }
    // Every value of --show is in the picture's text (whole in a tooltip if shortened).
    let texts: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for row in rows {
        if let Some((name, value)) = row.split_once("= ") {
            let name = name.trim().trim_start_matches('|').trim();
            let value = value.trim();
            assert!(
                texts.contains(name),
                "{what}: field {name} is not in the SVG"
            );
            assert!(
                value.is_empty() || texts.contains(value),
                "{what}: {name}'s value {value:?} is not in the SVG"
            );
        }
    }
}

/// Whether a page rendered by pdftoppm as a grey-scale PGM has ink on it.
fn has_ink(pgm: &[u8]) -> bool {
    // P5 header: magic, width, height, maximum value, each followed by whitespace.
    let mut fields = 0;
    let mut at = 0;
    while fields < 4 {
        while pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        while !pgm[at].is_ascii_whitespace() {
            at += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[at + 1..];
    let dark = pixels.iter().filter(|&&p| p < 128).count();
    dark * 100 > pixels.len()
}

#[test]
fn diagrams_frame_every_byte_and_list_every_field_of_show() {
    require!(root, "tcpdump", "python3", "pdftoppm", "pdftotext");
    let lab = TestLab::two_hosts().unwrap();
    let dir = std::env::temp_dir().join(format!("labnet-exp3-diagram-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lab.pcap");
    capture_lab_traffic(&lab, "eth0", &file);
    let path = file.to_str().unwrap();
    let summaries = webcapture(&["-r", path]);
    let summaries: Vec<&str> = summaries.lines().collect();
    let find = |what: &str, matches: &dyn Fn(&str) -> bool| -> usize {
        summaries
            .iter()
            .position(|s| matches(s))
            .unwrap_or_else(|| panic!("no {what} in the capture"))
    };
    let samples = [
        ("TCP SYN", find("SYN", &|s| s.ends_with(":5000 S"))),
        ("HTTP GET", find("GET", &|s| s.contains(":5000 PA / Raw"))),
        ("ARP", find("ARP", &|s| s.contains("ARP who has"))),
        ("ICMPv6 NS", find("NS", &|s| s.contains("ICMPv6ND_NS"))),
    ];
    for (what, index) in samples {
        let n = index.to_string();
        let (headings, rows) = listing(path, index);
        let length = {
            let json = webcapture(&["-r", path, "--packet", &n, "--json"]);
            let packet: serde_json::Value = serde_json::from_str(json.trim()).unwrap();
            packet["captured_length"].as_u64().unwrap() as usize
        };
        let svg = dir.join(format!("p{index}.svg"));
        webcapture_quietly(&[
            "-r",
            path,
            "--packet",
            &n,
            "--diagram",
            svg.to_str().unwrap(),
        ]);
        check_svg(
            &std::fs::read_to_string(&svg).unwrap(),
            &headings,
            &rows,
            length,
            what,
        );
        // The PDF holds the same text and renders to a page with ink on it.
        let pdf = dir.join(format!("p{index}.pdf"));
        webcapture_quietly(&[
            "-r",
            path,
            "--packet",
            &n,
            "--diagram",
            pdf.to_str().unwrap(),
        ]);
        let text = Command::new("pdftotext")
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        assert!(text.status.success(), "{what}: pdftotext: {text:?}");
        let text = String::from_utf8_lossy(&text.stdout);
        for heading in &headings {
            let name = heading
                .trim_start_matches("###[ ")
                .split(" ]###")
                .next()
                .unwrap();
            assert!(
                text.contains(name),
                "{what}: {name} is not in the PDF's text:\n{text}"
            );
        }
        // Without an output name, pdftoppm writes the page to stdout.
        let page = Command::new("pdftoppm")
            .args(["-gray", "-r", "30", "-singlefile"])
            .arg(&pdf)
            .output()
            .unwrap();
        assert!(page.status.success(), "{what}: pdftoppm failed");
        let image = page.stdout;
        assert!(has_ink(&image), "{what}: the PDF's page is blank");
    }
    // A directory gets one picture per packet.
    let all = dir.join("all");
    webcapture_quietly(&["-r", path, "--diagram", all.to_str().unwrap()]);
    let pictures = std::fs::read_dir(&all).unwrap().count();
    assert_eq!(
        pictures,
        summaries.len(),
        "one picture per packet in {}",
        all.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spanning_tree_bpdus_read_as_scapy_reads_802_3_frames() {
    require!(root, "tcpdump", "ip", "python3");
    // Three hosts share a bridge; with spanning tree on, it sends a BPDU (an IEEE 802.3
    // frame: LLC, then STP) every two seconds to every port.
    let lab = TestLab::new(&["brooklyn", "midwood", "flatbush"]).unwrap();
    let switch = lab
        .spec()
        .switch
        .clone()
        .expect("three hosts have a switch");
    let file = std::env::temp_dir().join(format!("labnet-exp3-stp-{}.pcap", std::process::id()));
    let tcpdump = Tcpdump::start(&lab, "brooklyn", "eth0", &file);
    let status = Command::new("ip")
        .args([
            "-n",
            &switch,
            "link",
            "set",
            "br0",
            "type",
            "bridge",
            "stp_state",
            "1",
        ])
        .status()
        .unwrap();
    assert!(status.success(), "ip link set br0 type bridge stp_state 1");
    std::thread::sleep(std::time::Duration::from_millis(4500));
    let report = tcpdump.finish();
    // The 802.3 frames (a length where Ethernet II has a type), and the whole capture
    // (the bridge also sends an IGMPv3 report, the hosts MLD reports and router
    // solicitations).
    let frames = file.with_extension("802.3.pcap");
    let (path, dot3) = (file.to_str().unwrap(), frames.to_str().unwrap());
    webcapture(&["-r", path, "-w", dot3, "ether[12:2] <= 1500"]);
    let mine = webcapture(&["-r", dot3]);
    assert!(
        mine.lines()
            .any(|l| l.starts_with("802.3 ") && l.ends_with(" / LLC / STP")),
        "no BPDU in the capture: {mine}\ntcpdump: {report}"
    );
    same_summaries_as_scapy(dot3);
    same_listings_as_scapy(dot3);
    same_summaries_as_scapy(path);
    same_listings_as_scapy(path);
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&frames);
}

/// `--verify-checksums` against tshark's checksum checks: for every checksum labnet
/// verifies, tshark finds the same (good or bad) in the same layer of the packet.
fn same_checksum_verdicts_as_tshark(path: &str) {
    let fields = ["ip", "tcp", "udp", "icmp", "icmpv6"];
    let mut tshark = Command::new("tshark");
    tshark.args(["-r", path, "-n"]);
    for protocol in ["ip", "tcp", "udp"] {
        tshark.args(["-o", &format!("{protocol}.check_checksum:TRUE")]);
    }
    tshark.args(["-T", "fields", "-E", "separator=|"]);
    for protocol in fields {
        tshark.args(["-e", &format!("{protocol}.checksum.status")]);
    }
    let out = tshark.output().unwrap();
    assert!(
        out.status.success(),
        "tshark: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs = String::from_utf8(out.stdout).unwrap();
    let mine = webcapture(&["-r", path, "--json", "--verify-checksums"]);
    assert_eq!(theirs.lines().count(), mine.lines().count(), "{path}");
    let mut checked = 0;
    for (n, (their_line, document)) in theirs.lines().zip(mine.lines()).enumerate() {
        // tshark: per protocol, a status per occurrence (1 good, 0 bad, 2 unverified).
        let statuses: Vec<Vec<&str>> = their_line
            .split('|')
            .map(|column| column.split(',').filter(|s| !s.is_empty()).collect())
            .collect();
        let packet: serde_json::Value = serde_json::from_str(document).unwrap();
        let mut seen = [0usize; 5];
        for layer in packet["layers"].as_array().unwrap() {
            let class = layer["class"].as_str().unwrap();
            let protocol = match class {
                "IP" | "IPerror" => 0,
                "TCP" | "TCPerror" => 1,
                "UDP" | "UDPerror" => 2,
                "ICMP" | "ICMPerror" => 3,
                c if c.starts_with("ICMPv6") && !c.starts_with("ICMPv6NDOpt") => 4,
                _ => continue,
            };
            let occurrence = seen[protocol];
            seen[protocol] += 1;
            let Some(verdict) = layer["checksum"]["verdict"].as_str() else {
                continue;
            };
            let expected = match verdict {
                "correct" => "1",
                "incorrect" => "0",
                _ => continue,
            };
            let theirs = statuses
                .get(protocol)
                .and_then(|s| s.get(occurrence))
                .copied()
                .unwrap_or("none");
            assert_eq!(
                expected, theirs,
                "{path}, packet {n}, {class}: labnet says {verdict}, tshark's status is {theirs}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{path}: only {checked} checksums compared");
}
