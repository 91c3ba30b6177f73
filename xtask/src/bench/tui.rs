//! `cargo xtask bench tui`: how long `webcapture --tui` takes to open the
//! 1,000,000-packet pcap of `bench read` (from its start until its screen shows every
//! packet: the index, the streams and the TCP analysis marks made) and its peak memory,
//! driven in tmux as a user would run it. Beside it, what termshark has to do before
//! its list is whole: termshark fills its list from `tshark -T psml` over the file (and
//! needs tshark to do it), so that run is the anchor, time and memory.

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::{run_measured, which, write_http_pcap};

const TUI_ANCHORS: &[crate::Tool] = &[
    crate::Tool {
        probe: crate::Probe::Program("tshark"),
        package: "tshark",
    },
    crate::Tool {
        probe: crate::Probe::Program("tmux"),
        package: "tmux",
    },
];
const RUNS: usize = 3;
/// How long one opening may take before the benchmark gives up.
const LIMIT: Duration = Duration::from_secs(60);

/// A tmux server of the benchmark's own, killed (with what it runs) when dropped.
struct Tmux(String);

impl Tmux {
    fn command(&self) -> Command {
        let mut command = Command::new("tmux");
        command.args(["-L", &self.0]);
        command
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.command().arg("kill-server").output();
    }
}

/// One opening: the time until the screen shows `packets` packets, and the peak RSS
/// (kB) of webcapture then.
fn open_once(webcapture: &Path, file: &Path, packets: u64, run: usize) -> Result<(Duration, u64)> {
    let dir = std::env::temp_dir().join(format!("labnet-bench-tui-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let pid_file = dir.join("pid");
    let _ = std::fs::remove_file(&pid_file);
    let tmux = Tmux(format!("labnet-bench-tui-{}-{run}", std::process::id()));
    let line = format!(
        "sh -c 'echo $$ > {}; exec {} --tui -r {}'",
        pid_file.display(),
        webcapture.display(),
        file.display()
    );
    let start = Instant::now();
    let status = tmux
        .command()
        .args([
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            "b",
            "-x",
            "120",
            "-y",
            "40",
        ])
        .arg(&line)
        .status()
        .context("starting tmux")?;
    if !status.success() {
        bail!("tmux could not start ({status})");
    }
    let whole = format!(" {packets} packets");
    loop {
        let screen = tmux
            .command()
            .args(["capture-pane", "-p", "-t", "b"])
            .output()
            .context("reading the screen")?;
        let screen = String::from_utf8_lossy(&screen.stdout);
        if screen.lines().next().is_some_and(|l| l.contains(&whole)) && screen.contains("? help") {
            break;
        }
        if start.elapsed() > LIMIT {
            bail!("webcapture --tui did not show the file within {LIMIT:?}:\n{screen}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = start.elapsed();
    let pid = std::fs::read_to_string(&pid_file)?;
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim()))?;
    let peak = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .context("VmHWM in /proc/PID/status")?;
    let _ = tmux.command().args(["send-keys", "-t", "b", "q"]).status();
    Ok((elapsed, peak))
}

pub fn tui(bin: &Path) -> Result<()> {
    crate::ensure_tools(TUI_ANCHORS, &[], true)?;
    let dir = std::env::temp_dir().join("labnet-bench-read");
    std::fs::create_dir_all(&dir)?;
    let big = dir.join("big.pcap");
    write_http_pcap(&big, 100_000)?;
    let packets = 1_000_000;
    let webcapture = bin.join("webcapture");
    let mut ours = (0..RUNS)
        .map(|run| open_once(&webcapture, &big, packets, run))
        .collect::<Result<Vec<_>>>()?;
    ours.sort();
    let (ours_time, ours_rss) = ours[RUNS / 2];
    let os = |s: &str| std::ffi::OsString::from(s);
    let (tshark_time, tshark_rss) = run_measured(
        &which("tshark")?,
        &[&os("-r"), big.as_os_str(), &os("-T"), &os("psml")],
    )?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nbench tui: opening a 1,000,000-packet pcap (HTTP conversations) until every packet is listed"
    );
    let _ = writeln!(
        out,
        "  webcapture --tui (tmux 120x40, median of {RUNS}): {:>7.2} s, peak RSS {:>6.1} MB",
        ours_time.as_secs_f64(),
        ours_rss as f64 / 1024.0
    );
    let _ = writeln!(
        out,
        "  tshark -T psml (termshark's list):          {:>7.2} s, peak RSS {:>6.1} MB",
        tshark_time.as_secs_f64(),
        tshark_rss as f64 / 1024.0
    );
    let _ = writeln!(
        out,
        "  ratio {:.3}x the time, {:.3}x the memory; goal: under 2 s, memory bounded (index records, dissect on view)",
        ours_time.as_secs_f64() / tshark_time.as_secs_f64(),
        ours_rss as f64 / tshark_rss as f64
    );
    Ok(())
}
