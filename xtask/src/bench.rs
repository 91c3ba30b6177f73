//! `cargo xtask bench`: labnet's tools side by side with the anchor tools they replace,
//! on this machine, in the same run, reported as ratios (labnet time / anchor time;
//! below 1.0 means labnet is faster). Release builds; medians of repeated runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

mod blast;
mod capture;
mod lab;
mod tui;

pub use blast::blast_frames;
pub use lab::blast_udp;

/// The benchmarks that exist, by name.
const BENCHES: [&str; 9] = [
    "nic", "sockets", "server", "read", "filter", "capture", "analyze", "lab", "tui",
];

pub fn run(root: &Path, cargo: &str, which: &[String]) -> Result<()> {
    let selected: Vec<&str> = if which.is_empty() {
        BENCHES.to_vec()
    } else {
        which.iter().map(String::as_str).collect()
    };
    for name in &selected {
        if !BENCHES.contains(name) {
            bail!(
                "no benchmark named {name:?} yet (there are: {})",
                BENCHES.join(", ")
            );
        }
    }
    super::run(Command::new(cargo).current_dir(root).args([
        "build",
        "--release",
        "--workspace",
        "--bins",
    ]))?;
    let bin = root.join("target/release");
    for name in selected {
        match name {
            "nic" => nic(&bin)?,
            "sockets" => sockets(&bin)?,
            "server" => server(&bin)?,
            "read" => read(&bin)?,
            "filter" => filter(&bin)?,
            "capture" => capture::capture(&bin)?,
            "analyze" => analyze(&bin)?,
            "lab" => lab::lab(&bin)?,
            "tui" => tui::tui(&bin)?,
            _ => unreachable!("checked above"),
        }
    }
    Ok(())
}

/// Runs a command `runs` times (output to /dev/null) and returns the median wall time.
fn median_time(program: &Path, args: &[&str], runs: usize) -> Result<Duration> {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    Ok(median_measured(program, &args, runs)?.0)
}

/// Runs a command to its end, output discarded: its wall time and peak RSS (KiB).
fn run_measured(program: &Path, args: &[&std::ffi::OsStr]) -> Result<(Duration, u64)> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("running {}", program.display()))?;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for this child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `status` and `usage` are valid for writing.
    unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
        bail!(
            "{} {args:?} failed (wait status {status})",
            program.display()
        );
    }
    Ok((elapsed, usage.ru_maxrss as u64))
}

/// The median time of `runs` runs, and the peak RSS of that run.
fn median_measured(
    program: &Path,
    args: &[&std::ffi::OsStr],
    runs: usize,
) -> Result<(Duration, u64)> {
    let mut results = (0..runs)
        .map(|_| run_measured(program, args))
        .collect::<Result<Vec<_>>>()?;
    results.sort();
    Ok(results[runs / 2])
}

/// One row of a results table.
struct Row {
    what: String,
    time: Duration,
    /// This row's time over the anchor's, for labnet rows.
    ratio: Option<f64>,
    goal: &'static str,
}

fn print_table(title: &str, rows: &[Row]) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\n{title}");
    let _ = writeln!(
        out,
        "  {:<48} {:>10} {:>7}  goal",
        "command", "median", "ratio"
    );
    for row in rows {
        let ratio = row
            .ratio
            .map_or_else(|| "1.00".to_string(), |r| format!("{r:.2}"));
        let _ = writeln!(
            out,
            "  {:<48} {:>7.2} ms {:>7}  {}",
            row.what,
            row.time.as_secs_f64() * 1e3,
            ratio,
            row.goal
        );
    }
}

/// A network namespace for a benchmark, deleted when dropped.
struct BenchNetns(pub String);

impl BenchNetns {
    fn create(name: &str) -> Result<Self> {
        let _ = Command::new("ip")
            .args(["netns", "del", name])
            .stderr(Stdio::null())
            .status();
        super::run(Command::new("ip").args(["netns", "add", name]))?;
        Ok(BenchNetns(name.to_string()))
    }
}

impl Drop for BenchNetns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// nic-show vs `ip address show`: 1,000 interfaces (500 veth pairs, each end with an
/// IPv4 address) in a namespace, then the start-to-exit time of `nic-show lo`.
fn nic(bin: &Path) -> Result<()> {
    let ns = BenchNetns::create("labnet-bench-nic")?;
    let mut batch = String::new();
    for i in 0..500u32 {
        batch += &format!("link add bna{i} type veth peer name bnb{i}\n");
        batch += &format!(
            "address add 10.{}.{}.1/24 dev bna{i}\n",
            100 + i / 256,
            i % 256
        );
        batch += &format!(
            "address add 10.{}.{}.2/24 dev bnb{i}\n",
            100 + i / 256,
            i % 256
        );
    }
    let batch_file = std::env::temp_dir().join("labnet-bench-nic.batch");
    std::fs::write(&batch_file, batch)?;
    super::run(
        Command::new("ip")
            .args(["-n", &ns.0, "-batch"])
            .arg(&batch_file),
    )?;
    let _ = std::fs::remove_file(&batch_file);

    let ip = which("ip")?;
    let nic_show = bin.join("nic-show");
    let runs = 31;
    // Alternate so that both see the same machine state; warm up once each.
    median_time(&ip, &["-n", &ns.0, "address", "show"], 1)?;
    median_time(&nic_show, &["--netns", &ns.0], 1)?;
    let ip_all = median_time(&ip, &["-n", &ns.0, "address", "show"], runs)?;
    let ours_all = median_time(&nic_show, &["--netns", &ns.0], runs)?;
    let ip_json = median_time(&ip, &["-n", &ns.0, "-j", "address", "show"], runs)?;
    let ours_json = median_time(&nic_show, &["--netns", &ns.0, "--json"], runs)?;
    let lo_runs = 201;
    let ip_lo = median_time(&ip, &["address", "show", "lo"], lo_runs)?;
    let ours_lo = median_time(&nic_show, &["lo"], lo_runs)?;
    let ratio = |ours: Duration, anchor: Duration| Some(ours.as_secs_f64() / anchor.as_secs_f64());
    print_table(
        &format!("bench nic: 1,000 interfaces (500 veth pairs, 1,000 IPv4 addresses), medians of {runs} runs; lo: {lo_runs} runs"),
        &[
            Row { what: "ip -n NS address show".into(), time: ip_all, ratio: None, goal: "" },
            Row { what: "nic-show --netns NS".into(), time: ours_all, ratio: ratio(ours_all, ip_all), goal: "<= 1.00" },
            Row { what: "ip -n NS -j address show".into(), time: ip_json, ratio: None, goal: "" },
            Row { what: "nic-show --netns NS --json".into(), time: ours_json, ratio: ratio(ours_json, ip_json), goal: "<= 1.00" },
            Row { what: "ip address show lo".into(), time: ip_lo, ratio: None, goal: "" },
            Row { what: "nic-show lo (start to exit)".into(), time: ours_lo, ratio: ratio(ours_lo, ip_lo), goal: "<= 2 ms" },
        ],
    );
    Ok(())
}

pub(crate) fn which(program: &str) -> Result<PathBuf> {
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join(program))
                .find(|p| p.is_file())
        })
        .with_context(|| {
            format!(
                "`{program}` is not installed (cargo xtask test installs the anchor tools as root)"
            )
        })
}

/// sock-list vs ss vs netstat: 20,001 TCP sockets (a listener and 10,000 loopback
/// connections, both ends, held by a helper) in a namespace, with and without owners.
fn sockets(bin: &Path) -> Result<()> {
    const CONNECTIONS: usize = 10_000;
    let ns = BenchNetns::create("labnet-bench-sockets")?;
    super::run(Command::new("ip").args(["-n", &ns.0, "link", "set", "lo", "up"]))?;
    let xtask = std::env::current_exe()?;
    let spawn_helper = |role: &str| {
        Command::new(&xtask)
            .args(["hold-sockets", &ns.0, &CONNECTIONS.to_string(), role])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
    };
    let mut server = spawn_helper("server")?;
    let mut server_out = std::io::BufReader::new(server.stdout.take().expect("piped"));
    expect_line(&mut server_out, "listening")?;
    let mut client = spawn_helper("client")?;
    expect_line(
        &mut std::io::BufReader::new(client.stdout.take().expect("piped")),
        "ready",
    )?;
    expect_line(&mut server_out, "ready")?;
    // Run every tool inside the namespace without a wrapper: this process joins it, and
    // the children inherit it.
    enter_netns(&ns.0)?;
    let (ss, netstat, sock_list) = (which("ss")?, which("netstat")?, bin.join("sock-list"));
    let runs = 5;
    let measure = |program: &Path, args: &[&str]| median_time(program, args, runs);
    let ss_owners = measure(&ss, &["-tanp"])?;
    let netstat_owners = measure(&netstat, &["-anpt"])?;
    let ours_owners = measure(&sock_list, &["-anpt"])?;
    let ss_plain = measure(&ss, &["-tan"])?;
    let netstat_plain = measure(&netstat, &["-ant"])?;
    let ours_plain = measure(&sock_list, &["-ant"])?;
    for mut helper in [server, client] {
        drop(helper.stdin.take());
        let _ = helper.wait();
    }
    let ratio = |ours: Duration, anchor: Duration| Some(ours.as_secs_f64() / anchor.as_secs_f64());
    print_table(
        &format!(
            "bench sockets: {} TCP sockets in a namespace, medians of {runs} runs",
            2 * CONNECTIONS + 1
        ),
        &[
            Row {
                what: "ss -tanp".into(),
                time: ss_owners,
                ratio: None,
                goal: "",
            },
            Row {
                what: "netstat -anpt".into(),
                time: netstat_owners,
                ratio: ratio(netstat_owners, ss_owners),
                goal: "(vs ss)",
            },
            Row {
                what: "sock-list -anpt".into(),
                time: ours_owners,
                ratio: ratio(ours_owners, ss_owners),
                goal: "<= 0.50 of ss -tanp",
            },
            Row {
                what: "ss -tan".into(),
                time: ss_plain,
                ratio: None,
                goal: "",
            },
            Row {
                what: "netstat -ant".into(),
                time: netstat_plain,
                ratio: ratio(netstat_plain, ss_plain),
                goal: "(vs ss)",
            },
            Row {
                what: "sock-list -ant".into(),
                time: ours_plain,
                ratio: ratio(ours_plain, ss_plain),
                goal: "<= 0.50 of ss -tan",
            },
        ],
    );
    Ok(())
}

fn expect_line(reader: &mut impl std::io::BufRead, expected: &str) -> Result<()> {
    let mut line = String::new();
    reader.read_line(&mut line)?;
    if line.trim() != expected {
        bail!("the socket helper did not start (expected {expected:?}, got {line:?})");
    }
    Ok(())
}

/// Moves this (single-threaded) process into a named network namespace.
fn enter_netns(name: &str) -> Result<()> {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::open(format!("/run/netns/{name}"))?;
    // SAFETY: setns on an open namespace file descriptor; affects only this thread,
    // which is the only one xtask runs, and the children it spawns afterwards.
    if unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) } != 0 {
        return Err(std::io::Error::last_os_error()).context("entering the benchmark namespace");
    }
    Ok(())
}

/// The helpers of `bench sockets`, in namespace `name`: the `server` listens on
/// 127.0.0.1:7000 and accepts `count` connections, the `client` makes them; each holds
/// its ends (a process may hold 20,000 descriptors here) and prints "ready" once they
/// exist, then lets go when its stdin closes. Bounded: at most 10,000, loopback only.
pub fn hold_sockets(name: &str, count: usize, role: &str) -> Result<()> {
    use std::net::{TcpListener, TcpStream};
    let count = count.min(10_000);
    enter_netns(name)?;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid, initialised struct.
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
    let mut held = Vec::with_capacity(count);
    match role {
        "server" => {
            let listener = TcpListener::bind("127.0.0.1:7000")?;
            println!("listening");
            for _ in 0..count {
                held.push(listener.accept()?.0);
            }
        }
        "client" => {
            for _ in 0..count {
                held.push(TcpStream::connect("127.0.0.1:7000")?);
            }
        }
        other => bail!("unknown helper role {other:?}"),
    }
    println!("ready");
    std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new())?;
    drop(held);
    Ok(())
}

/// The anchors of `bench server`, installed when missing (as root).
const SERVER_ANCHORS: &[super::Tool] = &[
    super::Tool {
        probe: super::Probe::Program("wrk"),
        package: "wrk",
    },
    super::Tool {
        probe: super::Probe::Program("nginx"),
        package: "nginx",
    },
];

/// hello-server vs nginx serving the same bytes vs Flask's dev server: `wrk -t2 -c50`
/// for 10 s each on loopback, requests per second, p99 latency, and idle memory.
fn server(bin: &Path) -> Result<()> {
    super::ensure_tools(SERVER_ANCHORS, &[], true)?;
    let work = std::env::temp_dir().join(format!("labnet-bench-server-{}", std::process::id()));
    std::fs::create_dir_all(work.join("logs"))?;
    let ours = Guard(
        Command::new(bin.join("hello-server"))
            .args(["--port", "18080", "--quiet"])
            .stderr(Stdio::null())
            .spawn()?,
    );
    let nginx_conf = work.join("nginx.conf");
    std::fs::write(
        &nginx_conf,
        format!(
            "daemon off;\nworker_processes auto;\npid {dir}/nginx.pid;\nerror_log {dir}/logs/error.log;\n\
             events {{ worker_connections 1024; }}\n\
             http {{ access_log off; server {{ listen 127.0.0.1:18081; location = / {{\n\
             default_type \"text/html; charset=utf-8\"; return 200 \"Hello, World!\"; }} }} }}\n",
            dir = work.display()
        ),
    )?;
    let _nginx = Guard(
        Command::new(which("nginx")?)
            .args(["-p"])
            .arg(&work)
            .arg("-c")
            .arg(&nginx_conf)
            .spawn()?,
    );
    std::fs::write(work.join("hello.py"), "from flask import Flask\n\napp = Flask(__name__)\n\n@app.route(\"/\")\ndef hello():\n    return \"Hello, World!\"\n")?;
    let _flask = Guard(
        Command::new("python3")
            .args(["-m", "flask", "--app", "hello", "run", "--port", "18082"])
            .current_dir(&work)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?,
    );
    std::thread::sleep(Duration::from_secs(2));
    let idle_rss_kib = std::fs::read_to_string(format!("/proc/{}/status", ours.0.id()))?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    let wrk = which("wrk")?;
    let mut rows = Vec::new();
    for (name, port) in [
        ("nginx (return 200)", 18081),
        ("hello-server --quiet", 18080),
        ("Flask dev server", 18082),
    ] {
        let url = format!("http://127.0.0.1:{port}/");
        // Warm up, then measure; both bounded in time.
        Command::new(&wrk)
            .args(["-t2", "-c50", "-d2s", &url])
            .stdout(Stdio::null())
            .status()?;
        let out = Command::new(&wrk)
            .args(["-t2", "-c50", "-d10s", "--latency", &url])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        rows.push((
            name,
            wrk_value(&text, "Requests/sec:"),
            wrk_latency(&text, "99%"),
        ));
    }
    let anchor = rows[0].1;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nbench server: wrk -t2 -c50 -d10s on loopback, same machine, same run"
    );
    let _ = writeln!(
        out,
        "  {:<24} {:>12} {:>10} {:>8}",
        "server", "req/s", "p99", "vs nginx"
    );
    for (name, rate, p99) in &rows {
        let _ = writeln!(
            out,
            "  {:<24} {:>12.0} {:>10} {:>8.2}",
            name,
            rate,
            p99,
            rate / anchor
        );
    }
    let _ = writeln!(
        out,
        "  hello-server idle RSS: {:.1} MB (goal < 10 MB); goal: >= 1.00 of nginx's req/s",
        idle_rss_kib as f64 / 1024.0
    );
    drop(ours);
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}

/// A process this benchmark started, stopped by its PID when dropped: SIGTERM first
/// (nginx's master then stops its workers), SIGKILL if it is still there after 2 s.
struct Guard(std::process::Child);

impl Drop for Guard {
    fn drop(&mut self) {
        super::signal(&self.0, libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(2);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The number after `label` in wrk's report (`Requests/sec:  123456.78`).
fn wrk_value(report: &str, label: &str) -> f64 {
    report
        .lines()
        .find_map(|l| l.trim().strip_prefix(label))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

/// A latency percentile from wrk's `--latency` table (`99%    1.23ms`).
fn wrk_latency(report: &str, percentile: &str) -> String {
    report
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix(percentile).map(|v| v.trim().to_string()))
        .unwrap_or_else(|| "?".into())
}

/// The anchors of `bench read`.
pub(crate) const READ_ANCHORS: &[super::Tool] = &[
    super::Tool {
        probe: super::Probe::Program("tcpdump"),
        package: "tcpdump",
    },
    super::Tool {
        probe: super::Probe::Program("tshark"),
        package: "tshark",
    },
];

/// webcapture -r vs tcpdump -nn -r vs tshark -r (and scapy on a slice): summary lines
/// of a 1,000,000-packet pcap of HTTP conversations into /dev/null.
fn read(bin: &Path) -> Result<()> {
    super::ensure_tools(READ_ANCHORS, &[], true)?;
    let dir = std::env::temp_dir().join("labnet-bench-read");
    std::fs::create_dir_all(&dir)?;
    let big = dir.join("big.pcap");
    let slice = dir.join("slice.pcap");
    write_http_pcap(&big, 100_000)?;
    write_http_pcap(&slice, 10_000)?;
    let packets = 1_000_000.0;
    let os = |s: &str| std::ffi::OsString::from(s);
    let (file, small) = (big.as_os_str().to_owned(), slice.as_os_str().to_owned());
    let webcapture = bin.join("webcapture");
    let tcpdump_path = which("tcpdump")?;
    // The two being compared: medians of 3, and peak memory on the whole file and on
    // the 100,000-packet slice (flat: the same for a file ten times larger).
    let (ours, ours_rss) = median_measured(&webcapture, &[&os("-r"), &file], 3)?;
    let (tcpdump, tcpdump_rss) =
        median_measured(&tcpdump_path, &[&os("-nn"), &os("-r"), &file], 3)?;
    let (_, ours_small_rss) = run_measured(&webcapture, &[&os("-r"), &small])?;
    let (_, tcpdump_small_rss) = run_measured(&tcpdump_path, &[&os("-nn"), &os("-r"), &small])?;
    let (tshark, tshark_rss) = run_measured(&which("tshark")?, &[&os("-r"), &file])?;
    let scapy_script = os("import sys\nfrom scapy.all import PcapReader\nfor p in PcapReader(sys.argv[1]): print(p.summary())\n");
    let (scapy, scapy_rss) = run_measured(
        &which("python3")?,
        &[&os("-c"), &scapy_script, slice.as_os_str()],
    )?;
    let per_packet = |d: Duration, n: f64| d.as_secs_f64() * 1e6 / n;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\nbench read: 1,000,000 packets (100,000 HTTP conversations of 10 packets), summary lines to /dev/null");
    let _ = writeln!(
        out,
        "  {:<34} {:>10} {:>12} {:>12} {:>10}",
        "command", "time", "per packet", "vs tcpdump", "peak RSS"
    );
    for (name, time, n, rss) in [
        (
            "tcpdump -nn -r (median of 3)",
            tcpdump,
            packets,
            tcpdump_rss,
        ),
        ("webcapture -r (median of 3)", ours, packets, ours_rss),
        ("tshark -r", tshark, packets, tshark_rss),
        ("scapy summary (100k slice)", scapy, 100_000.0, scapy_rss),
    ] {
        let _ = writeln!(
            out,
            "  {:<34} {:>8.2} s {:>9.2} µs {:>11.2}x {:>7.1} MB",
            name,
            time.as_secs_f64(),
            per_packet(time, n),
            per_packet(time, n) / per_packet(tcpdump, packets),
            rss as f64 / 1024.0
        );
    }
    let _ = writeln!(
        out,
        "  peak RSS on the 100k slice / the 1M file: webcapture {:.1} / {:.1} MB, tcpdump {:.1} / {:.1} MB",
        ours_small_rss as f64 / 1024.0,
        ours_rss as f64 / 1024.0,
        tcpdump_small_rss as f64 / 1024.0,
        tcpdump_rss as f64 / 1024.0
    );
    let _ = writeln!(
        out,
        "  goal: webcapture at most 0.33x tcpdump's time per packet (3x faster), memory flat in the file size"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// webcapture -r with and without --analyze (and --conversations) on the
/// 1,000,000-packet pcap, beside tshark computing the same analysis: the analysis may
/// cost at most 2x more than the summary alone (3x its time), with memory flat.
fn analyze(bin: &Path) -> Result<()> {
    super::ensure_tools(READ_ANCHORS, &[], true)?;
    let dir = std::env::temp_dir().join("labnet-bench-analyze");
    std::fs::create_dir_all(&dir)?;
    let big = dir.join("big.pcap");
    let slice = dir.join("slice.pcap");
    write_http_pcap(&big, 100_000)?;
    write_http_pcap(&slice, 10_000)?;
    let os = |s: &str| std::ffi::OsString::from(s);
    let (file, small) = (big.as_os_str().to_owned(), slice.as_os_str().to_owned());
    let webcapture = bin.join("webcapture");
    let (plain, plain_rss) = median_measured(&webcapture, &[&os("-r"), &file], 3)?;
    let (analyzed, analyzed_rss) =
        median_measured(&webcapture, &[&os("-r"), &file, &os("--analyze")], 3)?;
    let (_, analyzed_small_rss) =
        run_measured(&webcapture, &[&os("-r"), &small, &os("--analyze")])?;
    let (conversations, conversations_rss) =
        median_measured(&webcapture, &[&os("-r"), &file, &os("--conversations")], 3)?;
    let tshark = which("tshark")?;
    let (tshark_fields, tshark_fields_rss) = run_measured(
        &tshark,
        &[
            &os("-r"),
            &file,
            &os("-T"),
            &os("fields"),
            &os("-e"),
            &os("tcp.stream"),
            &os("-e"),
            &os("tcp.seq"),
            &os("-e"),
            &os("tcp.ack"),
            &os("-e"),
            &os("tcp.analysis.flags"),
            &os("-e"),
            &os("tcp.analysis.ack_rtt"),
        ],
    )?;
    let (tshark_conv, tshark_conv_rss) = run_measured(
        &tshark,
        &[
            &os("-q"),
            &os("-n"),
            &os("-r"),
            &file,
            &os("-z"),
            &os("conv,tcp"),
        ],
    )?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\nbench analyze: 1,000,000 packets (100,000 HTTP conversations of 10 packets) into /dev/null");
    let _ = writeln!(
        out,
        "  {:<46} {:>10} {:>14} {:>10}",
        "command", "time", "vs summary", "peak RSS"
    );
    for (name, time, rss) in [
        (
            "webcapture -r (summary lines, median of 3)",
            plain,
            plain_rss,
        ),
        (
            "webcapture -r --analyze (median of 3)",
            analyzed,
            analyzed_rss,
        ),
        (
            "webcapture -r --conversations (median of 3)",
            conversations,
            conversations_rss,
        ),
        (
            "tshark -r -T fields -e tcp.analysis...",
            tshark_fields,
            tshark_fields_rss,
        ),
        ("tshark -q -r -z conv,tcp", tshark_conv, tshark_conv_rss),
    ] {
        let _ = writeln!(
            out,
            "  {:<46} {:>8.2} s {:>13.2}x {:>7.1} MB",
            name,
            time.as_secs_f64(),
            time.as_secs_f64() / plain.as_secs_f64(),
            rss as f64 / 1024.0
        );
    }
    let _ = writeln!(
        out,
        "  peak RSS of --analyze on the 100k slice / the 1M file: {:.1} / {:.1} MB",
        analyzed_small_rss as f64 / 1024.0,
        analyzed_rss as f64 / 1024.0
    );
    let _ = writeln!(
        out,
        "  goal: --analyze at most 3x the summary's time; --analyze vs tshark's fields: {:.2}x",
        analyzed.as_secs_f64() / tshark_fields.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// webcapture -r -w vs tcpdump -r -w with a filter: the 1,000,000-packet pcap, the
/// selected packets written to /dev/null, for expressions that select all, some and
/// none of the packets.
fn filter(bin: &Path) -> Result<()> {
    super::ensure_tools(&READ_ANCHORS[..1], &[], true)?;
    let dir = std::env::temp_dir().join("labnet-bench-filter");
    std::fs::create_dir_all(&dir)?;
    let big = dir.join("big.pcap");
    write_http_pcap(&big, 100_000)?;
    let file = big.to_str().context("temporary path is UTF-8")?;
    let tcpdump = which("tcpdump")?;
    let mut rows = Vec::new();
    for expression in [
        "tcp port 5000",
        "host 192.168.56.101 and tcp[tcpflags] & tcp-syn != 0",
        "port 80 or port 443",
        "ip6 or arp",
    ] {
        let theirs = median_time(&tcpdump, &["-r", file, "-w", "/dev/null", expression], 3)?;
        let ours = median_time(
            &bin.join("webcapture"),
            &["-r", file, "-w", "/dev/null", expression],
            3,
        )?;
        rows.push(Row {
            what: format!("tcpdump -r -w /dev/null '{expression}'"),
            time: theirs,
            ratio: None,
            goal: "",
        });
        rows.push(Row {
            what: "  webcapture, the same".into(),
            time: ours,
            ratio: Some(ours.as_secs_f64() / theirs.as_secs_f64()),
            goal: "<= 0.50",
        });
    }
    print_table(
        "bench filter: 1,000,000 packets, selected ones written to /dev/null (median of 3)",
        &rows,
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Sends 64-byte datagrams on a connected socket at `rate` a second (0: as fast as it
/// can) for `duration`; how many were sent (one refused by a full socket buffer is
/// not).
fn send_paced(sender: &std::net::UdpSocket, rate: u64, duration: Duration) -> u64 {
    let payload = [0x5au8; 64];
    paced(rate, duration, 256, |_| {
        usize::from(sender.send(&payload).is_ok())
    })
}

/// The pacing of every load the benches make: `send(n)` sends up to `n` packets and
/// says how many went; called until `rate` a second (0: as fast as it can; `batch` a
/// call) have gone for `duration`, which is at most 10 s.
fn paced(rate: u64, duration: Duration, batch: usize, mut send: impl FnMut(usize) -> usize) -> u64 {
    let duration = duration.min(Duration::from_secs(10));
    let start = Instant::now();
    let mut sent = 0u64;
    while start.elapsed() < duration {
        let due = if rate == 0 {
            sent + batch as u64
        } else {
            (start.elapsed().as_secs_f64() * rate as f64) as u64
        };
        while sent < due && start.elapsed() < duration {
            sent += send((due - sent).min(batch as u64) as usize) as u64;
        }
        if rate != 0 {
            std::thread::sleep(Duration::from_micros(100));
        }
    }
    sent
}

/// A reproducible pcap of `conversations` HTTP exchanges between the lab's hosts:
/// handshake, request, ACK, response, ACK, FIN/ACK both ways, final ACK (10 packets).
fn write_http_pcap(path: &Path, conversations: u32) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for word in [0xa1b2_c3d4u32, 0x0004_0002, 0, 0, 262_144, 1] {
        out.write_all(&word.to_le_bytes())?;
    }
    let client = [192, 168, 56, 102];
    let server = [192, 168, 56, 101];
    let request =
        b"GET / HTTP/1.1\r\nHost: 192.168.56.101:5000\r\nAccept-Encoding: identity\r\n\r\n";
    let response = b"HTTP/1.1 200 OK\r\nServer: labnet-hello-server/0.1.0\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!";
    for n in 0..conversations {
        // One conversation a second, from 2025-11-24.
        let seconds = 1_764_000_000u32 + n;
        let port = 32768 + (n % 28000) as u16;
        // (from client?, flags, payload)
        let steps: [(bool, u8, &[u8]); 10] = [
            (true, 0x02, b""),
            (false, 0x12, b""),
            (true, 0x10, b""),
            (true, 0x18, request),
            (false, 0x10, b""),
            (false, 0x18, response),
            (true, 0x10, b""),
            (true, 0x11, b""),
            (false, 0x11, b""),
            (true, 0x10, b""),
        ];
        // Each side's next sequence number, from its initial one, as a real exchange
        // numbers them (SYN and FIN count one), so TCP analysis sees a clean connection.
        let mut next = [n.wrapping_mul(7919), n.wrapping_mul(104_729) ^ 0x5555_0000];
        for (i, (from_client, flags, payload)) in steps.iter().enumerate() {
            let (src, dst, sport, dport) = if *from_client {
                (client, server, port, 5000)
            } else {
                (server, client, 5000, port)
            };
            let side = usize::from(!*from_client);
            let seq = next[side];
            let ack = if flags & 0x10 != 0 { next[1 - side] } else { 0 };
            next[side] = seq
                .wrapping_add(payload.len() as u32)
                .wrapping_add(u32::from(flags & 0x03 != 0));
            let frame = tcp_frame(
                src,
                dst,
                (sport, dport),
                (seq, ack),
                *flags,
                payload,
                n.wrapping_mul(7) + i as u32,
            );
            for word in [
                seconds,
                (i as u32) * 100,
                frame.len() as u32,
                frame.len() as u32,
            ] {
                out.write_all(&word.to_le_bytes())?;
            }
            out.write_all(&frame)?;
        }
    }
    out.flush()?;
    Ok(())
}

fn tcp_frame(
    src: [u8; 4],
    dst: [u8; 4],
    (sport, dport): (u16, u16),
    (seq, ack): (u32, u32),
    flags: u8,
    payload: &[u8],
    id: u32,
) -> Vec<u8> {
    let mut frame = Vec::with_capacity(66 + payload.len());
    let (mac_client, mac_server) = (
        [8, 0, 0x27, 0xa8, 0x38, 0x66],
        [8, 0, 0x27, 0xa8, 0x38, 0x65],
    );
    let (dst_mac, src_mac) = if src[3] == 102 {
        (mac_server, mac_client)
    } else {
        (mac_client, mac_server)
    };
    frame.extend_from_slice(&dst_mac);
    frame.extend_from_slice(&src_mac);
    frame.extend_from_slice(&[0x08, 0x00]);
    let total = (20 + 20 + payload.len()) as u16;
    frame.extend_from_slice(&[
        0x45,
        0,
        (total >> 8) as u8,
        total as u8,
        (id >> 8) as u8,
        id as u8,
        0x40,
        0,
        64,
        6,
        0,
        0,
    ]);
    frame.extend_from_slice(&src);
    frame.extend_from_slice(&dst);
    frame.extend_from_slice(&sport.to_be_bytes());
    frame.extend_from_slice(&dport.to_be_bytes());
    frame.extend_from_slice(&seq.to_be_bytes());
    frame.extend_from_slice(&ack.to_be_bytes());
    frame.extend_from_slice(&[0x50, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
    frame.extend_from_slice(payload);
    frame
}
