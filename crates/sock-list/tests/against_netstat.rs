//! sock-list against netstat (rows) and ss (the same sockets), in a lab host where a
//! helper process holds sockets of every kind the handout asks about: TCP listeners
//! (v4 and v6), an established pair with unread data, TIME_WAIT, UDP bound, UDP
//! connected, IPv6 UDP on ::1.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use labnet_test_support::{require, unprivileged, TestLab};
use serde_json::Value;

const SOCK_LIST: &str = env!("CARGO_BIN_EXE_sock-list");

/// Holds the sockets until its stdin closes; prints "ready" once they exist.
const HELPER: &str = r#"
import socket, sys
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("0.0.0.0", 5000)); l.listen(8)
l6 = socket.socket(socket.AF_INET6); l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
l6.bind(("::", 5001)); l6.listen(8)
c = socket.create_connection(("192.168.56.101", 5000)); s, _ = l.accept()
c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)  # a keepalive timer for -o
c.sendall(b"x" * 100)                      # unread: Recv-Q 100 on the server end
t = socket.create_connection(("127.0.0.1", 5000)); ts, _ = l.accept()
t.close(); ts.recv(1); ts.close()          # the client closed first: TIME_WAIT
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("0.0.0.0", 5353))
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); uc.connect(("127.0.0.1", 5353))
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u6.bind(("::1", 5354))
print("ready", flush=True)
sys.stdin.read()
"#;

struct Helper(Child);

impl Helper {
    fn start(lab: &TestLab) -> Helper {
        let mut child = lab
            .command("brooklyn", "python3")
            .args(["-c", HELPER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the socket helper did not start");
        Helper(child)
    }

    fn pid(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

fn output(command: &mut Command) -> String {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sock_list(lab: &TestLab, args: &[&str]) -> String {
    output(
        Command::new(SOCK_LIST)
            .args(args)
            .args(["--netns", &lab.host("brooklyn").netns]),
    )
}

/// Header lines in order, then the rows as a set (the kernel's order may differ
/// between /proc/net/tcp and sock_diag).
fn shape(text: &str) -> (Vec<String>, BTreeSet<String>) {
    let lines: Vec<String> = text.lines().map(String::from).collect();
    (lines[..2].to_vec(), lines[2..].iter().cloned().collect())
}

#[test]
fn rows_equal_netstat_for_every_flag_combination() {
    require!(root, "netstat", "ss", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let helper = Helper::start(&lab);
    for flags in [
        "-anpt", "-anpu", "-lnt", "-nt", "-lnu", "-anu", "-anpte", "-anput",
    ] {
        // -W: netstat cuts addresses to 22 characters otherwise; sock-list never does.
        let theirs = output(lab.command("brooklyn", "netstat").args([flags, "-W"]));
        let mine = sock_list(&lab, &[flags]);
        assert_eq!(
            shape(&mine),
            shape(&theirs),
            "sock-list {flags} vs netstat {flags}W:\n{mine}\n---\n{theirs}"
        );
    }
    let rows = sock_list(&lab, &["-anpt"]);
    let owner = format!("{}/python3", helper.pid());
    for expected in [
        format!("tcp        0      0 0.0.0.0:5000            0.0.0.0:*               LISTEN      {owner:<20}"),
        format!("tcp6       0      0 :::5001                 :::*                    LISTEN      {owner:<20}"),
    ] {
        assert!(rows.lines().any(|l| l == expected), "missing {expected:?} in\n{rows}");
    }
    assert!(
        rows.lines()
            .any(|l| l.starts_with("tcp      100      0 192.168.56.101:5000 ")),
        "unread data: {rows}"
    );
    assert!(
        rows.lines().any(|l| l.contains(" TIME_WAIT   -")),
        "TIME_WAIT has no owner: {rows}"
    );
}

/// A row with its timer's seconds taken out, and those seconds.
fn timer_row(row: &str) -> (String, f64) {
    let (before, timer) = row
        .rsplit_once(" (")
        .unwrap_or_else(|| panic!("no timer: {row}"));
    let (seconds, counts) = timer.split_once('/').unwrap();
    (format!("{before} (_/{counts}"), seconds.parse().unwrap())
}

#[test]
fn timers_equal_netstat_o() {
    require!(root, "netstat", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _helper = Helper::start(&lab);
    for flags in ["-tnao", "-unao", "-tnaop"] {
        let theirs = output(lab.command("brooklyn", "netstat").args([flags, "-W"]));
        let mine = sock_list(&lab, &[flags]);
        let (mine_header, mine_rows) = shape(&mine);
        let (their_header, their_rows) = shape(&theirs);
        assert_eq!(mine_header, their_header, "{flags}");
        let mine: Vec<(String, f64)> = mine_rows.iter().map(|r| timer_row(r)).collect();
        let theirs: Vec<(String, f64)> = their_rows.iter().map(|r| timer_row(r)).collect();
        let names = |rows: &[(String, f64)]| -> BTreeSet<String> {
            rows.iter().map(|(row, _)| row.clone()).collect()
        };
        assert_eq!(names(&mine), names(&theirs), "{flags}");
        // The seconds count down between the two reads.
        for (row, seconds) in &mine {
            let (_, theirs) = theirs.iter().find(|(r, _)| r == row).unwrap();
            assert!(
                (seconds - theirs).abs() <= 1.0,
                "{row}: {seconds} vs {theirs}"
            );
        }
    }
    let rows = sock_list(&lab, &["-tnao"]);
    for timer in ["keepalive (", "timewait (", "off (0.00/0/0)"] {
        assert!(rows.contains(timer), "{timer}: {rows}");
    }
}

/// Each TCP connection's info line, by `local peer`, as `key:value` words.
fn info_by_connection(
    text: &str,
    ends: impl Fn(&str) -> Option<String>,
) -> Vec<(String, BTreeSet<String>)> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter(|pair| pair[1].starts_with('\t'))
        .filter_map(|pair| {
            let words = pair[1]
                .split_whitespace()
                .filter(|w| w.contains(':'))
                .map(String::from);
            Some((ends(pair[0])?, words.collect()))
        })
        .collect()
}

#[test]
fn tcp_info_equals_ss_i() {
    require!(root, "ss", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _helper = Helper::start(&lab);
    // The helper's connections are quiet: two reads see the same numbers.
    let ours = sock_list(&lab, &["-tni"]);
    let theirs = output(lab.command("brooklyn", "ss").args(["-tin"]));
    let ours = info_by_connection(&ours, |row| {
        let columns: Vec<&str> = row.split_whitespace().collect();
        (columns.first() == Some(&"tcp")).then(|| format!("{} {}", columns[3], columns[4]))
    });
    let theirs = info_by_connection(&theirs, |row| {
        let columns: Vec<&str> = row.split_whitespace().collect();
        (columns.first() == Some(&"ESTAB")).then(|| format!("{} {}", columns[3], columns[4]))
    });
    assert!(
        ours.len() >= 2,
        "the helper's connection, both ends: {ours:?}"
    );
    for (ends, words) in &ours {
        let (_, expected) = theirs
            .iter()
            .find(|(e, _)| e == ends)
            .unwrap_or_else(|| panic!("ss has no {ends}: {theirs:?}"));
        for word in words {
            assert!(
                expected.contains(word),
                "{ends}: {word} not in ss's {expected:?}"
            );
        }
        for key in ["rto:", "rtt:", "mss:", "cwnd:"] {
            assert!(
                words.iter().any(|w| w.starts_with(key)),
                "{ends}: no {key} in {words:?}"
            );
        }
    }
    // The server end holds the 100 unread bytes it received.
    assert!(
        ours.iter()
            .any(|(ends, words)| ends.starts_with("192.168.56.101:5000 ")
                && words.contains("bytes_received:100")),
        "{ours:?}"
    );
}

#[test]
fn summary_counts_equal_ss_per_state() {
    require!(root, "ss", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _helper = Helper::start(&lab);
    let summary: Value = serde_json::from_str(&sock_list(&lab, &["-sa", "--json"])).unwrap();
    let ss_count = |args: &[&str]| -> u64 {
        output(lab.command("brooklyn", "ss").args(args).arg("-H"))
            .lines()
            .count() as u64
    };
    let names = [
        ("ESTABLISHED", "established"),
        ("SYN_SENT", "syn-sent"),
        ("SYN_RECV", "syn-recv"),
        ("FIN_WAIT1", "fin-wait-1"),
        ("FIN_WAIT2", "fin-wait-2"),
        ("TIME_WAIT", "time-wait"),
        ("CLOSE_WAIT", "close-wait"),
        ("LAST_ACK", "last-ack"),
        ("LISTEN", "listening"),
        ("CLOSING", "closing"),
    ];
    let mut total = 0;
    for (ours, theirs) in names {
        let count = summary["tcp"]["states"][ours].as_u64().unwrap_or(0);
        assert_eq!(count, ss_count(&["-tan", "state", theirs]), "TCP {ours}");
        total += count;
    }
    assert_eq!(summary["tcp"]["total"].as_u64().unwrap(), total);
    assert!(
        summary["tcp"]["states"]["LISTEN"].as_u64().unwrap() >= 2,
        "{summary}"
    );
    assert_eq!(
        summary["udp"]["states"]["connected"].as_u64().unwrap_or(0),
        ss_count(&["-uan", "state", "established"])
    );
    assert_eq!(
        summary["udp"]["states"]["unconnected"]
            .as_u64()
            .unwrap_or(0),
        ss_count(&["-uan", "state", "unconnected"])
    );
    let text = sock_list(&lab, &["-sa"]);
    assert!(text.starts_with("TCP: "), "{text}");
    assert!(text.contains("\n  LISTEN "), "{text}");
}

/// `addr:port` as ss or sock-list's JSON writes an end (`*` for any), canonical.
fn end(text: &str) -> std::net::SocketAddr {
    let (address, port) = text.rsplit_once(':').unwrap();
    let address = address.trim_start_matches('[').trim_end_matches(']');
    let address: std::net::IpAddr = match address {
        "*" => "0.0.0.0".parse().unwrap(),
        other => other.split('%').next().unwrap().parse().unwrap(),
    };
    let port = if port == "*" {
        0
    } else {
        port.parse().unwrap()
    };
    std::net::SocketAddr::new(address.to_canonical(), port)
}

#[test]
fn ss_filters_select_what_ss_selects() {
    require!(root, "ss", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _helper = Helper::start(&lab);
    for filter in [
        "state established",
        "state listening",
        "state time-wait",
        "exclude listening",
        "state connected",
        "( dport = :5000 or sport = :5000 )",
        "sport > :1024 and not sport = :5001",
        "src 192.168.56.0/24",
        "dst 127.0.0.1",
        "state all dport != :0",
    ] {
        let words: Vec<&str> = filter.split(' ').collect();
        let mut ss_args = vec!["-tanH"];
        ss_args.extend(&words);
        let theirs: BTreeSet<(std::net::SocketAddr, std::net::SocketAddr)> =
            output(lab.command("brooklyn", "ss").args(&ss_args))
                .lines()
                .map(|line| {
                    let columns: Vec<&str> = line.split_whitespace().collect();
                    let n = columns.len();
                    (end(columns[n - 2]), end(columns[n - 1]))
                })
                .collect();
        let mut ours_args = vec!["-ta", "--json"];
        ours_args.extend(&words);
        let ours: Value = serde_json::from_str(&sock_list(&lab, &ours_args)).unwrap();
        let ours: BTreeSet<(std::net::SocketAddr, std::net::SocketAddr)> = ours
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let at = |address: &Value, port: &Value| {
                    let address: std::net::IpAddr = address.as_str().unwrap().parse().unwrap();
                    std::net::SocketAddr::new(address.to_canonical(), port.as_u64().unwrap() as u16)
                };
                (
                    at(&s["local_address"], &s["local_port"]),
                    at(&s["foreign_address"], &s["foreign_port"]),
                )
            })
            .collect();
        assert_eq!(ours, theirs, "{filter}");
    }
    let bad = Command::new(SOCK_LIST)
        .args(["-t", "dport", "=", ":http"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("^ here"));
}

#[test]
fn ss_sees_the_same_tcp_sockets() {
    require!(root, "netstat", "ss", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _helper = Helper::start(&lab);
    let ss_name = |state: &str| match state {
        "ESTAB" => "ESTABLISHED".to_string(),
        other => other.replace('-', "_"),
    };
    let theirs: BTreeSet<(String, String, String)> =
        output(lab.command("brooklyn", "ss").args(["-tanH"]))
            .lines()
            .map(|l| {
                let f: Vec<&str> = l.split_whitespace().collect();
                // ss writes [::]:5001 and *:* where netstat writes :::5001 and :::*.
                let norm = |a: &str| a.replace(['[', ']'], "").replace("*:*", ":::*");
                (ss_name(f[0]), norm(f[3]), norm(f[4]))
            })
            .collect();
    let json: Value = serde_json::from_str(&sock_list(&lab, &["-ant", "--json"])).unwrap();
    let mine: BTreeSet<(String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let end = |a: &str, p: &Value| {
                format!(
                    "{a}:{}",
                    if p == 0 {
                        "*".to_string()
                    } else {
                        p.to_string()
                    }
                )
            };
            (
                s["state"].as_str().unwrap().to_string(),
                end(s["local_address"].as_str().unwrap(), &s["local_port"]),
                end(s["foreign_address"].as_str().unwrap(), &s["foreign_port"]),
            )
        })
        .collect();
    assert_eq!(
        mine.len(),
        5,
        "two listeners, two established ends, one TIME_WAIT: {mine:?}"
    );
    assert_eq!(mine, theirs);
}

#[test]
fn json_records_carry_owner_and_queues() {
    require!(root, "netstat", "ss", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let helper = Helper::start(&lab);
    let json: Value = serde_json::from_str(&sock_list(&lab, &["-anpu", "--json"])).unwrap();
    let bound = json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["local_port"] == 5353)
        .expect("udp 5353");
    assert_eq!(bound["proto"], "udp");
    assert_eq!(bound["state"], "");
    assert_eq!(bound["listening"], true);
    assert_eq!(bound["pid"], helper.pid());
    assert_eq!(bound["program"], "python3");
    let connected = json
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["foreign_port"] == 5353)
        .expect("connected udp");
    assert_eq!(connected["state"], "ESTABLISHED");
    let filtered: Value = serde_json::from_str(&sock_list(
        &lab,
        &["-at", "--json", "--port", "5001", "--state", "listen"],
    ))
    .unwrap();
    assert_eq!(filtered.as_array().unwrap().len(), 1);
    assert_eq!(filtered[0]["proto"], "tcp6");
    let by_pid: Value = serde_json::from_str(&sock_list(
        &lab,
        &["-an", "--json", "--pid", &helper.pid().to_string()],
    ))
    .unwrap();
    // Four TCP and three UDP sockets; the TIME_WAIT socket belongs to no process.
    assert_eq!(
        by_pid.as_array().unwrap().len(),
        7,
        "every socket the helper holds: {by_pid}"
    );
}

#[test]
fn without_root_it_says_some_owners_are_hidden() {
    let Some(mut command) = unprivileged("without_root_it_says_some_owners_are_hidden", SOCK_LIST)
    else {
        return;
    };
    let out = command.args(["-lntp"]).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("(Not all processes could be identified"),
        "{err}"
    );
}

#[test]
fn unknown_state_is_a_usage_error() {
    let out = Command::new(SOCK_LIST)
        .args(["--state", "dancing"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("sock-list: error: unknown state \"dancing\"") && err.contains("TIME_WAIT"),
        "{err}"
    );
}

#[test]
fn watch_redraws_until_stopped() {
    let mut child = Command::new(SOCK_LIST)
        .args(["-lt", "--watch", "0.2"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(900));
    // Killed by its own PID: the watch loop only ends when stopped.
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let redraws = text.matches("\x1b[H\x1b[2J").count();
    assert!(
        (3..=6).contains(&redraws),
        "{redraws} redraws in 0.9 s at 0.2 s: {text}"
    );
    assert_eq!(
        text.matches("Active Internet connections (only servers)")
            .count(),
        redraws
    );
}

#[test]
fn watch_rejects_absurd_periods() {
    let out = Command::new(SOCK_LIST)
        .args(["--watch", "0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
