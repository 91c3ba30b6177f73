//! `cargo xtask bench lab`: what the lab's wire costs when it impairs nothing
//! (`--delay 0ms`), against the direct veth pair it replaces, in one run: the round
//! trip ping measures (p50, p99) and the UDP rate that crosses before frames are lost.
//! All traffic stays between the benchmark lab's two namespaces.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};

const LAB: &str = "labnet-bench";
const SENDER: &str = "labnet-bench-b";
const RECEIVER: &str = "labnet-bench-m";
/// The receiver's address (the second host of the lab).
const TARGET: &str = "192.168.56.102";
/// Pings per measurement, one every millisecond.
const PINGS: u32 = 2000;
/// How long each offered rate is sent.
const BLAST: Duration = Duration::from_secs(2);

/// The lab, taken down when dropped.
struct BenchLab<'a> {
    lab_hosts: &'a Path,
}

impl<'a> BenchLab<'a> {
    fn up(lab_hosts: &'a Path) -> Result<Self> {
        let lab = BenchLab { lab_hosts };
        lab.run(&["down"])?;
        lab.run(&["up", "--hosts", &format!("{SENDER},{RECEIVER}")])?;
        Ok(lab)
    }

    fn run(&self, args: &[&str]) -> Result<()> {
        super::super::run(
            Command::new(self.lab_hosts)
                .args(["--lab", LAB])
                .args(args)
                .stdout(Stdio::null()),
        )
    }
}

impl Drop for BenchLab<'_> {
    fn drop(&mut self) {
        let _ = self.run(&["down"]);
    }
}

/// ping's round trips (µs), sorted: one every millisecond, after one that fills the
/// neighbour table.
fn round_trips() -> Result<Vec<f64>> {
    let ping = |count: u32| {
        Command::new("ip")
            .args(["netns", "exec", SENDER, "ping", "-n", "-W1", "-i", "0.001"])
            .args(["-c", &count.to_string(), TARGET])
            .output()
            .context("running ping in the benchmark lab")
    };
    ping(1)?;
    let out = ping(PINGS)?;
    let mut rtts: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split("time=").nth(1))
        .filter_map(|t| t.trim_end_matches(" ms").parse::<f64>().ok())
        .map(|ms| ms * 1000.0)
        .collect();
    if rtts.len() < PINGS as usize * 9 / 10 {
        bail!("only {} of {PINGS} pings were answered", rtts.len());
    }
    rtts.sort_by(f64::total_cmp);
    Ok(rtts)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Packets the receiver's IP layer has taken in (`Ip: InReceives` of /proc/net/snmp).
fn received() -> Result<u64> {
    let out = Command::new("ip")
        .args(["netns", "exec", RECEIVER, "cat", "/proc/net/snmp"])
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines().filter(|l| l.starts_with("Ip:"));
    let (names, values) = (lines.next(), lines.next());
    let (Some(names), Some(values)) = (names, values) else {
        bail!("no Ip: lines in the receiver's /proc/net/snmp");
    };
    names
        .split_whitespace()
        .zip(values.split_whitespace())
        .find(|(name, _)| *name == "InReceives")
        .and_then(|(_, value)| value.parse().ok())
        .context("no InReceives in /proc/net/snmp")
}

/// Offers `rate` UDP datagrams a second (0: as many as one core sends) from the sender
/// to the receiver for [`BLAST`]: (sent, received) per second.
fn offered(xtask: &Path, rate: u64) -> Result<(u64, u64)> {
    let before = received()?;
    let out = Command::new(xtask)
        .args(["blast-udp", SENDER, TARGET, &rate.to_string()])
        .arg(BLAST.as_millis().to_string())
        .output()
        .context("running the UDP sender")?;
    if !out.status.success() {
        bail!(
            "the UDP sender failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let sent: u64 = String::from_utf8_lossy(&out.stdout).trim().parse()?;
    std::thread::sleep(Duration::from_millis(200));
    let got = received()? - before;
    let seconds = BLAST.as_secs_f64();
    Ok((
        (sent as f64 / seconds) as u64,
        (got as f64 / seconds) as u64,
    ))
}

/// The sender: in namespace `netns`, 64-byte UDP datagrams to `target`:9 (discard) at
/// `rate` a second (0: as fast as it can) for `millis`; prints how many it sent.
pub fn blast_udp(netns: &str, target: &str, rate: u64, millis: u64) -> Result<()> {
    super::enter_netns(netns)?;
    let socket = std::net::UdpSocket::bind("0.0.0.0:0")?;
    socket.connect((target, 9))?;
    let sent = super::send_paced(&socket, rate, Duration::from_millis(millis));
    println!("{sent}");
    Ok(())
}

pub fn lab(bin: &Path) -> Result<()> {
    let lab_hosts = bin.join("lab-hosts");
    let xtask = std::env::current_exe()?;
    let lab = BenchLab::up(&lab_hosts)?;
    let rates = [100_000u64, 200_000, 250_000, 300_000, 0];
    let mut results = Vec::new();
    for (name, setting) in [("direct veth", None), ("wire, no impairment", Some("0ms"))] {
        if let Some(delay) = setting {
            lab.run(&["link", "set", "--delay", delay])?;
        }
        let rtts = round_trips()?;
        let mut rates_seen = Vec::new();
        for rate in rates {
            rates_seen.push(offered(&xtask, rate)?);
        }
        results.push((name, rtts, rates_seen));
    }
    drop(lab);

    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nbench lab: {PINGS} pings at 1 ms intervals (round trip, µs), then 64-byte UDP offered for {} s per rate (packets/s received of offered)",
        BLAST.as_secs()
    );
    let _ = writeln!(
        out,
        "  {:<22} {:>8} {:>8} | {}",
        "link",
        "p50",
        "p99",
        rates
            .iter()
            .map(|r| if *r == 0 {
                format!("{:>19}", "max")
            } else {
                format!("{:>19}", format!("{}k", r / 1000))
            })
            .collect::<Vec<_>>()
            .join(" ")
    );
    for (name, rtts, seen) in &results {
        let _ = writeln!(
            out,
            "  {:<22} {:>8.1} {:>8.1} | {}",
            name,
            percentile(rtts, 0.5),
            percentile(rtts, 0.99),
            seen.iter()
                .map(|(sent, got)| format!("{:>19}", format!("{got} of {sent}")))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let (direct, wire) = (&results[0].1, &results[1].1);
    let highest = |seen: &[(u64, u64)]| {
        seen.iter()
            .filter(|(sent, got)| *got as f64 >= *sent as f64 * 0.99)
            .map(|(_, got)| *got)
            .max()
            .unwrap_or(0)
    };
    let _ = writeln!(
        out,
        "  the wire adds {:.1} µs at p50 and {:.1} µs at p99 (goal: <= 50 µs at p50)",
        percentile(wire, 0.5) - percentile(direct, 0.5),
        percentile(wire, 0.99) - percentile(direct, 0.99)
    );
    let (direct_rate, wire_rate) = (highest(&results[0].2), highest(&results[1].2));
    let _ = writeln!(
        out,
        "  highest rate with < 1 % lost: direct {direct_rate} /s, wire {wire_rate} /s (goal: wire >= 200,000 /s)"
    );
    let _ = writeln!(
        out,
        "  ratio wire / direct: round trip p50 {:.2}x, p99 {:.2}x; loss-free rate {:.2}x",
        percentile(wire, 0.5) / percentile(direct, 0.5),
        percentile(wire, 0.99) / percentile(direct, 0.99),
        wire_rate as f64 / direct_rate.max(1) as f64
    );
    Ok(())
}
