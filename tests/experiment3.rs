//! The handout's Experiment 3, reading side: a capture the test makes itself in the
//! lab (tcpdump on brooklyn while midwood talks to it: HTTP over IPv4 and IPv6, ping
//! and ping6 with ARP and neighbour discovery, UDP to a closed port and its ICMP
//! error), then `webcapture -r` against scapy's `summary()` and `hexdump()` of the
//! same file, packet by packet.

use std::process::Command;

use labnet::testlab::{require_root, require_tool, tool_path, Tcpdump, TestLab};

const SCAPY_SUMMARIES: &str =
    "import sys\nfrom scapy.all import rdpcap\nfor p in rdpcap(sys.argv[1]): print(p.summary())\n";
/// Every packet's hexdump, a blank line between packets (as `webcapture --hexdump`).
const SCAPY_HEXDUMPS: &str = "import sys\nfrom scapy.all import rdpcap, hexdump\nfor i, p in enumerate(rdpcap(sys.argv[1])):\n    if i: print()\n    hexdump(p)\n";

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scapy failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn webcapture(args: &[&str]) -> String {
    let out = Command::new(tool_path("webcapture"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "webcapture {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Captures the lab's traffic on `interface` of brooklyn into a pcap file with tcpdump.
fn capture_lab_traffic(lab: &TestLab, interface: &str, file: &std::path::Path) {
    let tcpdump = Tcpdump::start(lab, "brooklyn", interface, file);
    let server = lab.hello_server("brooklyn", &["--host", "::"]);
    lab.ping_brooklyn();
    lab.run(
        "midwood",
        tool_path("hello-client"),
        &["192.168.56.101:5000"],
    );
    lab.run(
        "midwood",
        tool_path("hello-client"),
        &["[fd00:56::101]:5000"],
    );
    lab.run(
        "midwood",
        "python3",
        &["-c", "import socket,time\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.sendto(b'knock',('192.168.56.101',9999))\ntime.sleep(0.3)"],
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(server);
    let report = tcpdump.finish();
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 24 * 20,
        "the capture holds the lab's traffic ({size} bytes); tcpdump said: {report}"
    );
}

#[test]
fn summaries_and_hexdumps_equal_scapys_on_a_lab_capture() {
    let test = "summaries_and_hexdumps_equal_scapys_on_a_lab_capture";
    if !(require_root(test) && require_tool(test, "tcpdump") && require_tool(test, "python3")) {
        return;
    }
    let lab = TestLab::two_hosts().unwrap();
    let file = std::env::temp_dir().join(format!("labnet-exp3-{}.pcap", std::process::id()));
    capture_lab_traffic(&lab, "eth0", &file);
    let path = file.to_str().unwrap();
    let theirs = python(SCAPY_SUMMARIES, &[path]);
    let mine = webcapture(&["-r", path]);
    for (n, (t, m)) in theirs.lines().zip(mine.lines()).enumerate() {
        assert_eq!(m, t, "packet {n}: webcapture (left) vs scapy (right)");
    }
    assert_eq!(mine.lines().count(), theirs.lines().count());
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
    ] {
        assert!(mine.contains(expected), "missing {expected:?} in\n{mine}");
    }
    let (their_dumps, my_dumps) = (
        python(SCAPY_HEXDUMPS, &[path]),
        webcapture(&["-r", path, "--hexdump"]),
    );
    for (n, (t, m)) in their_dumps
        .split("\n\n")
        .zip(my_dumps.split("\n\n"))
        .enumerate()
    {
        assert_eq!(
            m, t,
            "hexdump of packet {n}: webcapture (left) vs scapy (right)"
        );
    }
    assert_eq!(my_dumps.len(), their_dumps.len());
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

fn same_summaries_as_scapy(path: &str) {
    let theirs = python(SCAPY_SUMMARIES, &[path]);
    let mine = webcapture(&["-r", path]);
    assert!(!mine.is_empty(), "{path} holds packets");
    for (n, (t, m)) in theirs.lines().zip(mine.lines()).enumerate() {
        assert_eq!(
            m, t,
            "{path}, packet {n}: webcapture (left) vs scapy (right)"
        );
    }
    assert_eq!(mine.lines().count(), theirs.lines().count());
}

#[test]
fn pcapng_and_any_interface_captures_read_as_scapy_reads_them() {
    let test = "pcapng_and_any_interface_captures_read_as_scapy_reads_them";
    if !(require_root(test)
        && require_tool(test, "tcpdump")
        && require_tool(test, "editcap")
        && require_tool(test, "python3"))
    {
        return;
    }
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
