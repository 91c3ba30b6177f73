//! The handout's Experiment 2 in a two-host lab: hello-server on brooklyn, hello-client
//! on midwood; Flask's `hello.py` and the handout's `helloclient.py` as the peers and
//! oracles; and Exercise 2.4 (which process, which endpoints) with sock-list.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use labnet_test_support::{require, tool_path, unprivileged, TestLab};
use serde_json::Value;

const HELLO_PY: &str = "from flask import Flask\n\napp = Flask(__name__)\n\n@app.route(\"/\")\ndef hello():\n    return \"Hello, World!\"\n";

/// The handout's helloclient.py, with the address the students end up writing.
const HELLOCLIENT_PY: &str = "from http import client as httpclient\n\ndef main():\n\
    \tconn = httpclient.HTTPConnection('192.168.56.101:5000')\n\tconn.request('GET', '/')\n\
    \tresponse = conn.getresponse()\n\tprint(response.status, response.reason)\n\
    \treceived = response.read()\n\tprint(received)\n\tconn.close()\n\n\
    if __name__ == \"__main__\":\n\tmain()\n";

/// A server process on a lab host, killed by its PID when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    fn pid(&self) -> u32 {
        self.0.id()
    }
}

/// Starts hello-server on `host` and waits for its banner.
fn hello_server(lab: &TestLab, host: &str, args: &[&str]) -> Running {
    let mut child = lab
        .command(host, tool_path("hello-server"))
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .expect("hello-server starts");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut banner = String::new();
    while !banner.contains("Press CTRL+C to quit") {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "hello-server exited: {banner}"
        );
        banner += &line;
    }
    // Keep draining the access log so the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    Running(child)
}

/// Starts Flask's hello.py on `host` (all addresses, `port`) and waits until it answers.
fn flask_server(lab: &TestLab, host: &str, port: u16) -> Running {
    let dir = std::env::temp_dir().join(format!("labnet-flask-{}-{port}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.py"), HELLO_PY).unwrap();
    let child = lab
        .command(host, "python3")
        .args([
            "-m",
            "flask",
            "--app",
            "hello",
            "run",
            "--host",
            "0.0.0.0",
            "--port",
            &port.to_string(),
        ])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("flask starts");
    let running = Running(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !hello_client(
        lab,
        "midwood",
        &[&format!("192.168.56.101:{port}"), "--timeout", "1"],
    )
    .status
    .success()
    {
        assert!(
            Instant::now() < deadline,
            "Flask did not come up on {host}:{port}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    running
}

/// hello-server on this host's loopback, any free port: the guard and `HOST:PORT`.
fn local_server(args: &[&str]) -> (Running, String) {
    let child = Command::new(tool_path("hello-server"))
        .args(["--port", "0"])
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Owned by the guard from here on: a failed assertion still kills it.
    let mut server = Running(child);
    let mut banner = String::new();
    BufReader::new(server.0.stderr.as_mut().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let address = banner
        .trim_end()
        .strip_prefix(" * Running on http://")
        .expect(&banner)
        .to_string();
    (server, address)
}

fn hello_client(lab: &TestLab, host: &str, args: &[&str]) -> Output {
    lab.command(host, tool_path("hello-client"))
        .args(args)
        .output()
        .unwrap()
}

/// sock-list's table of a lab host, with `flags`.
fn sock_list(lab: &TestLab, host: &str, flags: &str) -> String {
    let out = Command::new(tool_path("sock-list"))
        .args([flags, "--netns", &lab.host(host).netns])
        .output()
        .unwrap();
    text(&out.stdout)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_handouts_first_run_fails_on_loopback_then_the_fix_works() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let server = hello_server(&lab, "brooklyn", &[]);
    // helloclient.py as given: 127.0.0.1:5000, on midwood.
    let first = hello_client(&lab, "midwood", &[]);
    assert_eq!(first.status.code(), Some(1));
    let err = text(&first.stderr);
    assert!(
        err.starts_with(
            "hello-client: error: connection refused by 127.0.0.1:5000 (transport layer"
        ),
        "{err}"
    );
    assert!(err.contains("connect to that host's address"), "{err}");
    // The right address, but the server listens on brooklyn's loopback only.
    let second = hello_client(&lab, "midwood", &["192.168.56.101:5000"]);
    assert_eq!(second.status.code(), Some(1));
    assert!(
        text(&second.stderr).contains("start it with --host 0.0.0.0"),
        "{}",
        text(&second.stderr)
    );
    drop(server);
    let _fixed = hello_server(&lab, "brooklyn", &["--host", "0.0.0.0"]);
    let third = hello_client(&lab, "midwood", &["192.168.56.101:5000"]);
    assert!(third.status.success(), "{}", text(&third.stderr));
    assert_eq!(text(&third.stdout), "200 OK\nHello, World!\n");
    let by_name = hello_client(&lab, "midwood", &["brooklyn"]);
    assert_eq!(
        text(&by_name.stdout),
        "200 OK\nHello, World!\n",
        "{}",
        text(&by_name.stderr)
    );
}

#[test]
fn the_handouts_own_script_talks_to_hello_server() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _server = hello_server(&lab, "brooklyn", &["--host", "0.0.0.0"]);
    let out = lab
        .command("midwood", "python3")
        .args(["-c", HELLOCLIENT_PY])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "200 OK\nb'Hello, World!'\n");
}

#[test]
fn hello_client_talks_to_flask() {
    require!(root, "python3");
    if !python_has("flask") {
        return;
    }
    let lab = TestLab::two_hosts().unwrap();
    let _flask = flask_server(&lab, "brooklyn", 5000);
    let out = hello_client(&lab, "midwood", &["192.168.56.101:5000"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "200 OK\nHello, World!\n");
}

fn python_has(module: &str) -> bool {
    let there = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .status()
        .is_ok_and(|s| s.success());
    labnet_test_support::require_tool(
        &format!("python module {module}"),
        if there {
            "python3"
        } else {
            "no-such-python-module"
        },
    )
}

/// Asks a server with Python's http.client, from midwood: status, reason, headers, body.
const PROBE_PY: &str = r#"
import http.client, json, sys
port = int(sys.argv[1]); out = []
for method, path in [("GET", "/"), ("GET", "/nope"), ("POST", "/"), ("HEAD", "/"),
                     ("OPTIONS", "/"), ("DELETE", "/nope"), ("GET", "/?q=1"), ("PUT", "/")]:
    c = http.client.HTTPConnection("192.168.56.101", port, timeout=5)
    c.request(method, path, body=b"x" if method in ("POST", "PUT") else None)
    r = c.getresponse(); body = r.read()
    allow = r.getheader("Allow")
    out.append({"request": method + " " + path, "status": r.status, "reason": r.reason,
                "content_type": r.getheader("Content-Type"),
                "allow": sorted(a.strip() for a in allow.split(",")) if allow else None,
                "length": r.getheader("Content-Length"), "body": body.decode()})
    c.close()
print(json.dumps(out))
"#;

#[test]
fn every_answer_equals_flasks() {
    require!(root, "python3");
    if !python_has("flask") {
        return;
    }
    let lab = TestLab::two_hosts().unwrap();
    let _flask = flask_server(&lab, "brooklyn", 5000);
    let _ours = hello_server(&lab, "brooklyn", &["--host", "0.0.0.0", "--port", "5001"]);
    let probe = |port: &str| -> Value {
        let out = lab
            .command("midwood", "python3")
            .args(["-c", PROBE_PY, port])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let (flask, ours) = (probe("5000"), probe("5001"));
    for (theirs, mine) in flask
        .as_array()
        .unwrap()
        .iter()
        .zip(ours.as_array().unwrap())
    {
        assert_eq!(mine, theirs, "Flask (right) and hello-server (left) differ");
    }
}

#[test]
fn a_busy_port_names_the_process_that_holds_it() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let first = hello_server(&lab, "brooklyn", &["--host", "0.0.0.0"]);
    let second = lab
        .command("brooklyn", tool_path("hello-server"))
        .output()
        .unwrap();
    assert_eq!(second.status.code(), Some(1));
    let err = text(&second.stderr);
    assert!(
        err.starts_with(&format!(
            "hello-server: error: address 127.0.0.1:5000 is already in use by hello-server (pid {})\n",
            first.pid()
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: several servers can run on one host, one per port"),
        "{err}"
    );
    // The handout's "multiple web servers": one per port, side by side.
    let _another = hello_server(
        &lab,
        "brooklyn",
        &["--host", "0.0.0.0", "--port", "5001", "--message", "second"],
    );
    assert_eq!(
        text(&hello_client(&lab, "midwood", &["brooklyn:5001"]).stdout),
        "200 OK\nsecond\n"
    );
    assert_eq!(
        text(&hello_client(&lab, "midwood", &["brooklyn:5000"]).stdout),
        "200 OK\nHello, World!\n"
    );
}

#[test]
fn a_slow_client_does_not_block_others_and_is_dropped() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let server = hello_server(
        &lab,
        "brooklyn",
        &[
            "--host",
            "0.0.0.0",
            "--header-timeout",
            "1",
            "--max-connections",
            "4",
        ],
    );
    // Slowloris from midwood's side of the lab is the same as from this test: connect
    // through brooklyn's namespace with a python one-liner that half-sends a request.
    let slow = lab
        .command("midwood", "python3")
        .args([
            "-c",
            "import socket,time,sys\ns=socket.create_connection(('192.168.56.101',5000))\n\
             s.sendall(b'GET / HTTP/1.1\\r\\nHost: x\\r\\n')\nt=time.time()\ndata=s.recv(100)\n\
             print(round(time.time()-t,1), data[:12])",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..6 {
        let normal = hello_client(&lab, "midwood", &["brooklyn", "--timeout", "2"]);
        assert!(
            normal.status.success(),
            "a normal request while a slow one idles: {}",
            text(&normal.stderr)
        );
    }
    let slow = slow.wait_with_output().unwrap();
    let report = text(&slow.stdout);
    let waited: f64 = report.split_whitespace().next().unwrap().parse().unwrap();
    assert!(
        (0.5..5.0).contains(&waited),
        "the slow client is dropped after the header timeout: {report}"
    );
    drop(server);
}

#[test]
fn a_malformed_request_gets_400_and_the_server_goes_on() {
    require!(root);
    // Loopback of the test process itself: no lab needed for this one.
    let (_server, address) = local_server(&["--quiet"]);
    let mut garbage = TcpStream::connect(&address).unwrap();
    garbage.write_all(b"GARBAGE\r\n\r\n").unwrap();
    let mut answer = String::new();
    garbage.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer:?}"
    );
    let fine = Command::new(tool_path("hello-client"))
        .arg(&address)
        .output()
        .unwrap();
    assert_eq!(text(&fine.stdout), "200 OK\nHello, World!\n");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let (mut server, address) = local_server(&[]);
    // An idle keep-alive connection must not hold the shutdown up.
    let _idle = TcpStream::connect(&address).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    // Signal the process this test started, by its PID.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.pid() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = server.0.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "shutdown took {:?}",
        started.elapsed()
    );
    assert!(
        TcpStream::connect(&address).is_err(),
        "the port is closed after shutdown"
    );
}

#[test]
fn a_privileged_port_without_privileges_says_how_to_grant_them() {
    let test = "a_privileged_port_without_privileges_says_how_to_grant_them";
    let Some(mut command) = unprivileged(test, tool_path("hello-server")) else {
        return;
    };
    let out = command.args(["--port", "80"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("hello-server: error: binding 127.0.0.1:80 needs privileges"),
        "{err}"
    );
    assert!(err.contains("setcap cap_net_bind_service+ep"), "{err}");
}

#[test]
fn exercise_2_4_hold_shows_both_ends_and_sock_list_finds_their_processes() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let server = hello_server(&lab, "brooklyn", &["--host", "0.0.0.0"]);
    let mut client = lab
        .command("midwood", tool_path("hello-client"))
        .args(["brooklyn", "--hold", "20"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(client.stdout.take().unwrap());
    let mut lines = Vec::new();
    while lines.len() < 3 {
        let mut line = String::new();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "hello-client ended early: {lines:?}"
        );
        lines.push(line.trim_end().to_string());
    }
    assert_eq!(lines[..2], ["200 OK", "Hello, World!"]);
    let endpoints = lines[2]
        .strip_prefix("local ")
        .expect(&lines[2])
        .to_string();
    let (local, remote) = endpoints.split_once(" -> remote ").unwrap();
    assert!(
        local.starts_with("192.168.56.102:") && remote == "192.168.56.101:5000",
        "{endpoints}"
    );
    let sock_list = |host: &str| sock_list(&lab, host, "-tnp");
    let on_brooklyn = sock_list("brooklyn");
    let server_end = format!(
        "{:<23} {local:<23} ESTABLISHED {}/hello-server",
        "192.168.56.101:5000",
        server.pid()
    );
    assert!(
        on_brooklyn.contains(&server_end),
        "{server_end:?} in\n{on_brooklyn}"
    );
    let on_midwood = sock_list("midwood");
    let client_end = format!(
        "{local:<23} {:<23} ESTABLISHED {}/",
        "192.168.56.101:5000",
        client.id()
    );
    assert!(
        on_midwood.contains(&client_end),
        "{client_end:?} in\n{on_midwood}"
    );
    let _ = client.kill();
    let _ = client.wait();
}

#[test]
fn a_request_followed_by_a_half_close_is_always_answered() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let _server = hello_server(&lab, "brooklyn", &["--host", "0.0.0.0", "--quiet"]);
    // `printf 'GET / ...' | nc -N brooklyn 5000`: the request, then a shutdown of the
    // sending side; 30 times each for HTTP/1.1 and HTTP/1.0, from midwood.
    let script = "import socket\n\
        for version in ('1.1', '1.0'):\n\
        \x20   answered = 0\n\
        \x20   for _ in range(30):\n\
        \x20       s = socket.create_connection(('192.168.56.101', 5000), timeout=5)\n\
        \x20       s.sendall(('GET / HTTP/%s\\r\\nHost: brooklyn\\r\\n\\r\\n' % version).encode())\n\
        \x20       s.shutdown(socket.SHUT_WR)\n\
        \x20       data = b''\n\
        \x20       try:\n\
        \x20           while True:\n\
        \x20               chunk = s.recv(4096)\n\
        \x20               if not chunk: break\n\
        \x20               data += chunk\n\
        \x20       except OSError:\n\
        \x20           pass\n\
        \x20       answered += data.split(b'\\r\\n')[0].endswith(b' 200 OK') and data.endswith(b'Hello, World!')\n\
        \x20       s.close()\n\
        \x20   print(version, answered)\n";
    let out = lab
        .command("midwood", "python3")
        .args(["-c", script])
        .output()
        .unwrap();
    assert_eq!(
        text(&out.stdout),
        "1.1 30\n1.0 30\n",
        "answers of 30 half-closed requests: {}",
        text(&out.stderr)
    );
}

#[test]
fn sigterm_under_a_thousand_slow_clients_exits_within_two_seconds() {
    let (mut server, address) = local_server(&["--quiet", "--header-timeout", "60"]);
    // 1,000 slowloris connections, each stuck in its request headers.
    let mut slow = Vec::with_capacity(1000);
    for _ in 0..1000 {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .unwrap();
        slow.push(stream);
    }
    // A normal request still gets through: the server is serving, not stuck.
    let fine = Command::new(tool_path("hello-client"))
        .arg(&address)
        .output()
        .unwrap();
    assert_eq!(text(&fine.stdout), "200 OK\nHello, World!\n");
    let started = Instant::now();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.pid() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = server.0.wait().unwrap();
    let took = started.elapsed();
    eprintln!("SIGTERM to exit with 1,000 slow clients: {took:?}");
    assert!(status.success(), "{status}");
    assert!(
        took < Duration::from_secs(2),
        "connections still reading headers are closed at once: took {took:?}"
    );
    // Each slow client sees its connection closed, without an answer.
    let mut rest = Vec::new();
    slow[0]
        .set_read_timeout(Some(Duration::from_secs(2)))
        .unwrap();
    assert_eq!(
        slow[0].read_to_end(&mut rest).map(|_| rest.len()).ok(),
        Some(0)
    );
}

/// What follows the timestamp of an access-log line.
fn access_tail(line: &str) -> &str {
    line.split_once("] ").map_or("", |(_, tail)| tail)
}

#[test]
fn refused_requests_are_logged_as_flask_logs_them() {
    let (mut server, address) = local_server(&[]);
    let log = BufReader::new(server.0.stderr.take().unwrap());
    let exchange = |request: &[u8]| {
        let mut stream = TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let _ = stream.write_all(request);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    };
    assert!(exchange(b"GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400 "));
    let mut huge = b"GET / HTTP/1.1\r\nX-Big: ".to_vec();
    huge.resize(40_000, b'a');
    huge.extend_from_slice(b"\r\n\r\n");
    assert!(exchange(&huge).starts_with("HTTP/1.1 431 "));
    // Stop the server (by its PID), so reading its log ends even if a line is missing.
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.pid() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    // Every access line until the server exits (the banner may be read already).
    let lines: Vec<String> = log
        .lines()
        .map_while(Result::ok)
        .filter(|l| l.contains(" - - ["))
        .collect();
    // Each refusal is its reason line then its access line; refusals are logged as
    // their connections end, so two connections may log in either order (as Flask's
    // threads do).
    let mut refusals: Vec<[&str; 2]> = lines
        .chunks(2)
        .map(|pair| {
            [
                access_tail(&pair[0]),
                pair.get(1).map_or("", |l| access_tail(l)),
            ]
        })
        .collect();
    refusals.sort();
    assert_eq!(
        refusals,
        [
            [
                "code 400, message Bad request syntax ('GARBAGE')",
                "\"GARBAGE\" 400 -",
            ],
            [
                "code 431, message Request header fields too large ('GET / HTTP/1.1')",
                "\"GET / HTTP/1.1\" 431 -",
            ],
        ],
        "{lines:#?}"
    );
    assert!(lines[0].starts_with("127.0.0.1 - - ["), "{lines:?}");
}

/// A misbehaving server on brooklyn: port 6001 accepts and never answers, 6002 sends
/// its headers and stalls in the body, 6003 resets the connection mid-answer.
const BAD_SERVERS_PY: &str = "import socket, struct, threading, time\n\
def serve(port, act):\n\
\x20   s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
\x20   s.bind(('0.0.0.0', port)); s.listen(8)\n\
\x20   while True:\n\
\x20       c, _ = s.accept(); c.recv(4096); threading.Thread(target=act, args=(c,), daemon=True).start()\n\
def silent(c): time.sleep(60)\n\
def stall(c):\n\
\x20   c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\nHello'); time.sleep(60)\n\
def reset(c):\n\
\x20   c.sendall(b'HTTP/1.1 200 OK\\r\\nContent-Le')\n\
\x20   c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0)); c.close()\n\
for port, act in ((6001, silent), (6002, stall), (6003, reset)):\n\
\x20   threading.Thread(target=serve, args=(port, act), daemon=True).start()\n\
print('ready', flush=True)\n\
time.sleep(120)\n";

#[test]
fn each_client_failure_names_its_layer_and_cause() {
    require!(root, "python3");
    let lab = TestLab::two_hosts().unwrap();
    let mut bad = lab
        .command("brooklyn", "python3")
        .args(["-c", BAD_SERVERS_PY])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(bad.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _bad = Running(bad);
    assert_eq!(line, "ready\n");
    // Routes of each kind on midwood, to lab addresses nobody has.
    for (kind, address) in [
        ("blackhole", "192.168.56.201"),
        ("prohibit", "192.168.56.202"),
        ("unreachable", "192.168.56.203"),
    ] {
        lab.run(
            "midwood",
            "ip",
            &["route", "add", kind, &format!("{address}/32")],
        );
    }
    let failure = |args: &[&str]| {
        let out = hello_client(&lab, "midwood", args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stdout)
        );
        text(&out.stderr)
    };
    for (args, expected) in [
        (&["192.168.56.201:5000"][..], "the route to 192.168.56.201 is a blackhole (internet layer"),
        (&["192.168.56.202:5000"], "the route to 192.168.56.202 prohibits it (internet layer"),
        (&["192.168.56.203:5000"], "192.168.56.203 is unreachable (internet layer"),
        (&["192.168.56.101:5999"], "connection refused by 192.168.56.101:5999 (transport layer"),
        (
            &["192.168.56.101:6001", "--timeout", "1"],
            "192.168.56.101:6001 accepted the connection and the request, but sent no answer within 1 s (application layer",
        ),
        (
            &["192.168.56.101:6002", "--timeout", "1"],
            "192.168.56.101:6002 sent its answer's headers (200 OK) but not the rest of the body within 1 s",
        ),
        (
            &["192.168.56.101:6003"],
            "192.168.56.101:6003 reset the connection before answering (transport layer",
        ),
    ] {
        let err = failure(args);
        assert!(err.starts_with(&format!("hello-client: error: {expected}")), "{args:?}:\n{err}");
        assert!(!err.contains("firewall drops"), "not blamed on the network: {err}");
    }
    // -v tells the steps also when it fails.
    let err = failure(&["192.168.56.101:6001", "--timeout", "1", "-v"]);
    for step in [
        "connecting to 192.168.56.101:6001",
        "connected: local 192.168.56.102:",
        "sending GET / HTTP/1.1",
    ] {
        assert!(err.contains(step), "{step:?} in\n{err}");
    }
    // Without the lab's subnet route: no route at all.
    lab.run(
        "midwood",
        "ip",
        &["route", "del", "192.168.56.0/24", "dev", "eth0"],
    );
    let err = failure(&["192.168.56.101:5000"]);
    assert!(
        err.starts_with("hello-client: error: no route to 192.168.56.101 (internet layer"),
        "{err}"
    );
}

#[test]
fn hold_against_a_server_that_closes_says_so() {
    require!(root, "python3");
    if !python_has("flask") {
        return;
    }
    let lab = TestLab::two_hosts().unwrap();
    let _flask = flask_server(&lab, "brooklyn", 5000);
    let started = Instant::now();
    let out = hello_client(&lab, "midwood", &["brooklyn", "--hold", "20"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "it did not hold a closed connection"
    );
    let printed = text(&out.stdout);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines[..2], ["200 OK", "Hello, World!"], "{printed}");
    let local = lines[2]
        .strip_prefix("local ")
        .and_then(|l| l.strip_suffix(" -> remote 192.168.56.101:5000"))
        .unwrap_or_else(|| panic!("{printed}"));
    assert_eq!(
        lines[3],
        "the server answered with Connection: close: the connection has ended, there is none to hold",
        "{printed}"
    );
    // Where it says the TIME_WAIT is, sock-list finds it.
    let table = |host: &str| sock_list(&lab, host, "-tn");
    let waiting = |host: &str| {
        table(host).lines().any(|l| {
            l.contains(local) && l.contains("192.168.56.101:5000") && l.contains("TIME_WAIT")
        })
    };
    if lines[4].contains("on the server host") {
        assert!(waiting("brooklyn"), "{printed}\n{}", table("brooklyn"));
    } else {
        assert!(lines[4].contains("here shows it in TIME_WAIT"), "{printed}");
        assert!(waiting("midwood"), "{printed}\n{}", table("midwood"));
    }
}

#[test]
fn curls_flags_show_what_curl_shows() {
    require!("curl");
    let (_server, address) = local_server(&[]);
    let url = format!("http://{address}/");
    // The Date header is the only thing that may differ between two requests.
    let dateless = |bytes: &[u8]| -> String {
        text(bytes)
            .split_inclusive('\n')
            .filter(|line| !line.to_ascii_lowercase().starts_with("date:"))
            .collect()
    };
    let run = |program: &str, flags: &[&str]| -> Output {
        Command::new(program)
            .args(flags)
            .arg(&url)
            .output()
            .unwrap()
    };
    for flags in [
        &["-i"][..],
        &["-I"],
        &["-i", "-X", "DELETE"],
        &["-i", "-X", "OPTIONS"],
        &["-i", "-d", "name=lab"],
        &["-i", "-H", "Accept: text/plain"],
    ] {
        let ours = run(tool_path("hello-client").to_str().unwrap(), flags);
        let mut curl_flags = vec!["-s"];
        curl_flags.extend_from_slice(flags);
        let theirs = run("curl", &curl_flags);
        assert_eq!(
            dateless(&ours.stdout),
            dateless(&theirs.stdout),
            "{flags:?}"
        );
        assert!(ours.stdout.starts_with(b"HTTP/1.1 "), "{flags:?}");
    }
    // -o keeps what curl keeps: the body alone (with -i, the headers before it).
    let dir = std::env::temp_dir().join(format!("labnet-curl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, include) in [("body", false), ("whole", true)] {
        let ours = dir.join(format!("{name}.ours"));
        let theirs = dir.join(format!("{name}.curl"));
        let i: &[&str] = if include { &["-i"] } else { &[] };
        let out = run(
            tool_path("hello-client").to_str().unwrap(),
            &[i, &["-o", ours.to_str().unwrap()]].concat(),
        );
        assert!(out.status.success() && out.stdout.is_empty());
        run(
            "curl",
            &[&["-s"], i, &["-o", theirs.to_str().unwrap()]].concat(),
        );
        assert_eq!(
            dateless(&std::fs::read(&ours).unwrap()),
            dateless(&std::fs::read(&theirs).unwrap()),
            "-o {name}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    // -v: the request as sent and the answer's headers, beside the timed steps.
    let verbose = run(
        tool_path("hello-client").to_str().unwrap(),
        &["-v", "-X", "PUT", "-H", "X-Lab: 1"],
    );
    let steps = text(&verbose.stderr);
    for line in [
        "> PUT / HTTP/1.1",
        "> x-lab: 1",
        "< HTTP/1.1 405 METHOD NOT ALLOWED",
        "< allow: OPTIONS, HEAD, GET",
    ] {
        assert!(steps.lines().any(|l| l == line), "{line}: {steps}");
    }
    // The script's own output stays the default.
    assert_eq!(
        text(&run(tool_path("hello-client").to_str().unwrap(), &[]).stdout),
        "200 OK\nHello, World!\n"
    );
}

#[test]
fn host_names_and_ipv6_are_taken_as_flask_takes_them() {
    // `localhost` comes from /etc/hosts, as Flask's --host takes a name.
    let (_named, address) = local_server(&["--host", "localhost"]);
    assert!(address.starts_with("127.0.0.1:"), "{address}");
    // `::` takes both families: the banner lists IPv6 loopback first, and a client
    // reaches it over ::1.
    let mut child = Command::new(tool_path("hello-server"))
        .args(["--host", "::", "--port", "0"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let server = Running(child);
    while !banner.contains("Press CTRL+C") {
        assert!(stderr.read_line(&mut banner).unwrap() > 0, "{banner}");
    }
    let lines: Vec<&str> = banner.lines().collect();
    assert_eq!(lines[0], " * Running on all addresses (::)");
    let port = lines[1]
        .strip_prefix(" * Running on http://[::1]:")
        .unwrap_or_else(|| panic!("{banner}"));
    assert_eq!(lines[2], format!(" * Running on http://127.0.0.1:{port}"));
    for target in [format!("[::1]:{port}"), format!("127.0.0.1:{port}")] {
        let out = Command::new(tool_path("hello-client"))
            .arg(&target)
            .output()
            .unwrap();
        assert_eq!(text(&out.stdout), "200 OK\nHello, World!\n", "{target}");
    }
    drop(server);
    // A refused ::1 is explained as IPv6's loopback, not as 127.0.0.1.
    let free = std::net::TcpListener::bind("[::1]:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let refused = Command::new(tool_path("hello-client"))
        .arg(free.to_string())
        .output()
        .unwrap();
    let said = text(&refused.stderr);
    assert!(said.contains("::1 is IPv6's loopback address"), "{said}");
    assert!(!said.contains("127.0.0.1 is"), "{said}");
}
