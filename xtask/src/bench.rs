//! `cargo xtask bench`: labnet's tools side by side with the anchor tools they replace,
//! on this machine, in the same run, reported as ratios (labnet time / anchor time;
//! below 1.0 means labnet is faster). Release builds; medians of repeated runs.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

/// The benchmarks that exist, by name.
const BENCHES: [&str; 1] = ["nic"];

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
            _ => unreachable!("checked above"),
        }
    }
    Ok(())
}

/// Runs a command `runs` times (output to /dev/null) and returns the median wall time.
fn median_time(program: &Path, args: &[&str], runs: usize) -> Result<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .with_context(|| format!("running {}", program.display()))?;
        times.push(start.elapsed());
        if !status.success() {
            bail!("{} {args:?} failed ({status})", program.display());
        }
    }
    times.sort();
    Ok(times[runs / 2])
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
struct BenchNetns(String);

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

fn which(program: &str) -> Result<PathBuf> {
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
