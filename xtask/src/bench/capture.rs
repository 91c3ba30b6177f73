//! `cargo xtask bench capture`: webcapture against tcpdump capturing the same traffic
//! at the same time, at rising rates up to what this machine can offer: 64-byte UDP
//! frames from the bench's blaster (one process up to half a million a second, two
//! above) on a veth of the bench's own namespace. For each tool: packets captured,
//! dropped by the kernel, CPU time per packet (while capturing: from listening to the
//! end, not the ring's setup); webcapture plain (`-w /dev/null`) and
//! with process attribution (`--proc`), and with it into pcapng (`--proc --pcapng`:
//! comments and option 8 on every packet); the blaster's own socket owns the flow.
//! Then `--proc`'s own cost: webcapture with and without it, each alone on its own
//! core with the blaster on the other, in turns.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use nix::sched::{sched_getaffinity, sched_setaffinity, CpuSet};
use nix::unistd::Pid;

use super::{which, BenchNetns};

const NETNS: &str = "labnet-bench-capture";
const INTERFACE: &str = "va";
/// How long each rate is offered.
const SECONDS: u64 = 2;
/// How many times each rate is offered.
const ROUNDS: u64 = 3;
/// The rate of the --proc measurement, one capture at a time.
const ATTRIBUTION_RATE: u64 = 400_000;
/// Pairs of rounds (plain, --proc) of that measurement. A round's CPU per packet
/// moves by a tenth either way from one round to the next on this VM (the same
/// capture, alone on its core: 35 to 47 ns), far more than attribution adds, so the
/// median of many pairs and its quartiles say how far to trust it.
const ATTRIBUTION_ROUNDS: usize = 24;
/// Above this, two blasters share the rate (one core offers about 700,000 a second
/// alone, fewer with taps to feed).
const ONE_BLASTER: u64 = 500_000;

/// One capture tool's run under the load: what it reported and what it cost.
struct CaptureRun {
    captured: u64,
    dropped: u64,
    cpu: Duration,
}

/// Starts a capture tool; returns once it says it listens, with its CPU time then.
fn start_capture(mut command: Command) -> Result<(std::process::Child, Duration)> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {program}"))?;
    let mut stderr = std::io::BufReader::new(child.stderr.take().context("piped stderr")?);
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        if std::io::BufRead::read_line(&mut stderr, &mut line)? == 0 {
            bail!("{program} ended before listening");
        }
    }
    child.stderr = Some(stderr.into_inner());
    let cpu = cpu_time(child.id())?;
    Ok((child, cpu))
}

/// The CPU time a process's threads have run, to the nanosecond (schedstat): what
/// the capture costs while it captures, without setting up its ring or tearing down.
fn cpu_time(pid: u32) -> Result<Duration> {
    let mut total = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let stat = std::fs::read_to_string(task?.path().join("schedstat"))?;
        total += stat
            .split_whitespace()
            .next()
            .and_then(|ns| ns.parse::<u64>().ok())
            .context("a schedstat line")?;
    }
    Ok(Duration::from_nanos(total))
}

/// SIGINT, then the tool's counters from its closing lines and its CPU time since
/// `started` (its CPU time when it began listening).
fn stop_capture(mut child: std::process::Child, started: Duration) -> Result<CaptureRun> {
    let cpu = cpu_time(child.id())? - started;
    super::super::signal(&child, libc::SIGINT);
    let mut report = String::new();
    if let Some(mut stderr) = child.stderr.take() {
        std::io::Read::read_to_string(&mut stderr, &mut report)?;
    }
    child.wait()?;
    let count = |label: &str| -> u64 {
        report
            .lines()
            .find(|l| l.ends_with(label))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    Ok(CaptureRun {
        captured: count("packets captured"),
        dropped: count("packets dropped by kernel"),
        cpu,
    })
}

/// The first two CPUs this process may run on, when there are two.
fn two_cpus() -> Option<[usize; 2]> {
    let set = sched_getaffinity(Pid::from_raw(0)).ok()?;
    let mut cpus = (0..CpuSet::count()).filter(|&cpu| set.is_set(cpu).unwrap_or(false));
    Some([cpus.next()?, cpus.next()?])
}

/// Makes `command` (and what it starts) run on `cpu` only.
fn pin(command: &mut Command, cpu: usize) {
    let mut set = CpuSet::new();
    if set.set(cpu).is_err() {
        return;
    }
    // SAFETY: the hook runs in the child between fork and exec and makes one system
    // call on a set made before the fork.
    unsafe {
        command.pre_exec(move || Ok(sched_setaffinity(Pid::from_raw(0), &set)?));
    }
}

/// Offers `rate` frames a second (0: as fast as two blasters can) for [`SECONDS`],
/// from `cpu` when given; how many went out.
fn blast(rate: u64, cpu: Option<usize>) -> Result<u64> {
    let xtask = std::env::current_exe()?;
    let blasters = if rate == 0 || rate > ONE_BLASTER {
        2
    } else {
        1
    };
    let each = rate / blasters;
    let children: Vec<std::process::Child> = (0..blasters)
        .map(|_| {
            let mut command = Command::new(&xtask);
            command
                .args(["blast-frames", NETNS, INTERFACE, &each.to_string()])
                .arg((SECONDS * 1000).to_string())
                .stdout(Stdio::piped());
            if let Some(cpu) = cpu {
                pin(&mut command, cpu);
            }
            command.spawn().context("starting the blaster")
        })
        .collect::<Result<_>>()?;
    let mut sent = 0;
    for child in children {
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("the blaster failed ({})", out.status);
        }
        sent += String::from_utf8_lossy(&out.stdout).trim().parse::<u64>()?;
    }
    Ok(sent)
}

pub fn capture(bin: &Path) -> Result<()> {
    super::super::ensure_tools(&super::READ_ANCHORS[..1], &[], true)?;
    let tcpdump = which("tcpdump")?;
    let webcapture = bin.join("webcapture");
    let ns = BenchNetns::create(NETNS)?;
    for command in [
        format!("link add {INTERFACE} type veth peer name vb"),
        format!("link set {INTERFACE} up"),
        "link set vb up".to_string(),
        "link set lo up".to_string(),
        format!("address add 10.99.0.1/24 dev {INTERFACE}"),
    ] {
        let args: Vec<&str> = command.split(' ').collect();
        super::super::run(Command::new("ip").args(["-n", &ns.0]).args(&args))?;
    }
    let in_ns_on = |program: &Path,
                    args: &[&str],
                    cpu: Option<usize>|
     -> Result<(std::process::Child, Duration)> {
        let mut command = Command::new("ip");
        command
            .args(["netns", "exec", NETNS])
            .arg(program)
            .args(args);
        if let Some(cpu) = cpu {
            pin(&mut command, cpu);
        }
        start_capture(command)
    };
    let in_ns = |program: &Path, args: &[&str]| in_ns_on(program, args, None);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\nbench capture: 64-byte UDP frames on a veth, {SECONDS} s per rate, four captures at once (filter udp, -w /dev/null), {ROUNDS} rounds: sent per round, dropped in all, median CPU per packet");
    let _ = writeln!(
        out,
        "  {:>15} {:>9} | {:>16} | {:>16} | {:>16} | {:>16} | {:>6} {:>6} {:>6}",
        "rate/s",
        "sent",
        "tcpdump",
        "webcapture",
        "--proc",
        "--proc pcapng",
        "CPU x",
        "proc",
        "+file"
    );
    let _ = writeln!(
        out,
        "  {:>15} {:>9} | {:>16} | {:>16} | {:>16} | {:>16} |",
        "", "", "dropped CPU/pkt", "dropped CPU/pkt", "dropped CPU/pkt", "dropped CPU/pkt"
    );
    let plain_args = ["-i", INTERFACE, "-c", "0", "--no-hints", "-w", "/dev/null"];
    let mut worst = (0.0f64, 0.0f64);
    for rate in [100_000u64, 250_000, 500_000, 1_000_000, 0] {
        // Four processes and the blasters share two cores: each rate is offered
        // ROUNDS times and each tool's median CPU per packet is shown.
        let mut sent = 0;
        let mut rounds: Vec<[CaptureRun; 4]> = Vec::new();
        for _ in 0..ROUNDS {
            let theirs = in_ns(&tcpdump, &["-i", INTERFACE, "-n", "-w", "/dev/null", "udp"])?;
            let plain = in_ns(&webcapture, &[&plain_args[..], &["udp"]].concat())?;
            let attributed = in_ns(&webcapture, &[&plain_args[..], &["--proc", "udp"]].concat())?;
            let kept = in_ns(
                &webcapture,
                &[&plain_args[..], &["--proc", "--pcapng", "udp"]].concat(),
            )?;
            sent += blast(rate, None)?;
            std::thread::sleep(Duration::from_millis(300));
            let [theirs, plain, attributed, kept] = [theirs, plain, attributed, kept]
                .map(|(child, started)| stop_capture(child, started));
            rounds.push([theirs?, plain?, attributed?, kept?]);
        }
        // Per tool: dropped in all rounds, median nanoseconds per packet.
        let tool = |i: usize| -> (u64, f64) {
            let mut costs: Vec<f64> = rounds
                .iter()
                .map(|r| r[i].cpu.as_secs_f64() * 1e9 / r[i].captured.max(1) as f64)
                .collect();
            costs.sort_by(f64::total_cmp);
            (
                rounds.iter().map(|r| r[i].dropped).sum(),
                costs[costs.len() / 2],
            )
        };
        let [theirs, plain, attributed, kept] = [0, 1, 2, 3].map(tool);
        let offered = sent / ROUNDS;
        let label = if rate == 0 {
            format!("max {}", offered / SECONDS)
        } else {
            rate.to_string()
        };
        let cell = |(dropped, ns): (u64, f64)| format!("{dropped:>7} {ns:>6.1}ns");
        let ratio = plain.1 / theirs.1;
        let proc_cost = attributed.1 / plain.1 - 1.0;
        let file_cost = kept.1 / plain.1 - 1.0;
        if rate >= 500_000 || rate == 0 {
            worst = (worst.0.max(ratio), worst.1.max(proc_cost));
        }
        let _ = writeln!(
            out,
            "  {:>15} {:>9} | {} | {} | {} | {} | {:>6.2} {:>5.0}% {:>5.0}%",
            label,
            offered,
            cell(theirs),
            cell(plain),
            cell(attributed),
            cell(kept),
            ratio,
            proc_cost * 100.0,
            file_cost * 100.0
        );
    }
    let _ = writeln!(
        out,
        "  from 500,000/s: webcapture {:.2}x tcpdump's CPU per packet at worst, --proc {:+.0}% at worst\n  goal: no drops where tcpdump has none; <= 0.7x tcpdump's CPU per packet; --proc < +10%",
        worst.0,
        worst.1 * 100.0
    );
    // Attribution's own cost: webcapture with and without --proc, one at a time, each
    // alone on a core with the blaster on the other (sharing a core, or both captures
    // at once, adds whose turn it was to the noise), in turns: plain first in even
    // rounds, --proc first in odd ones.
    let cpus = two_cpus();
    let (capture_cpu, blaster_cpu) = (cpus.map(|c| c[1]), cpus.map(|c| c[0]));
    let mut pairs = Vec::new();
    for round in 0..ATTRIBUTION_ROUNDS {
        let order = if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        let mut pair = [None, None];
        for attributed in order {
            let extra: &[&str] = if attributed {
                &["--proc", "udp"]
            } else {
                &["udp"]
            };
            let capture = in_ns_on(&webcapture, &[&plain_args[..], extra].concat(), capture_cpu)?;
            blast(ATTRIBUTION_RATE, blaster_cpu)?;
            std::thread::sleep(Duration::from_millis(300));
            pair[usize::from(attributed)] = Some(stop_capture(capture.0, capture.1)?);
        }
        let [Some(plain), Some(attributed)] = pair else {
            bail!("a round without both captures");
        };
        pairs.push((plain, attributed));
    }
    let ns_per_packet = |run: &CaptureRun| run.cpu.as_secs_f64() * 1e9 / run.captured.max(1) as f64;
    let mut added: Vec<(f64, f64)> = pairs
        .iter()
        .map(|(plain, attributed)| (ns_per_packet(plain), ns_per_packet(attributed)))
        .collect();
    added.sort_by(|a, b| (a.1 / a.0).total_cmp(&(b.1 / b.0)));
    let (plain, attributed) = added[added.len() / 2];
    let added_at = |at: usize| (added[at].1 / added[at].0 - 1.0) * 100.0;
    // All rounds pooled: CPU over packets, each side.
    let pooled = |side: fn(&(CaptureRun, CaptureRun)) -> &CaptureRun| {
        let cpu: f64 = pairs.iter().map(|p| side(p).cpu.as_secs_f64()).sum();
        let packets: u64 = pairs.iter().map(|p| side(p).captured).sum();
        cpu * 1e9 / packets.max(1) as f64
    };
    let (pooled_plain, pooled_attributed) = (pooled(|p| &p.0), pooled(|p| &p.1));
    let _ = writeln!(
        out,
        "  --proc alone at {ATTRIBUTION_RATE}/s ({ATTRIBUTION_ROUNDS} pairs of rounds, each capture alone{}): median {plain:.1} ns -> {attributed:.1} ns a packet, {:+.1}% (quartiles {:+.1}% .. {:+.1}%); pooled {pooled_plain:.1} -> {pooled_attributed:.1} ns, {:+.1}%; goal < +10%",
        if cpus.is_some() { " on its own core" } else { "" },
        (attributed / plain - 1.0) * 100.0,
        added_at(added.len() / 4),
        added_at(added.len() * 3 / 4),
        (pooled_attributed / pooled_plain - 1.0) * 100.0,
    );
    drop(ns);
    Ok(())
}
