//! The lab's wire: an impairable link between two lab hosts without netem (which many
//! VM kernels, this one included, do not have). Each host's `eth0` is a veth whose peer
//! sits in the lab's wire namespace; a `lab-hosts wire` process forwards frames between
//! the two peers through packet sockets, each direction through its own [`Model`]
//! (delay, jitter, loss, reordering, duplication, corruption, rate; seeded).
//!
//! - The frames cross unchanged, checksum offload included: the sockets read and write
//!   a virtio-net header (`PACKET_VNET_HDR`), so a frame whose checksum the sending host
//!   left to its NIC leaves the wire the same way, and the receiving host takes it as
//!   veth would have delivered it. (Hosts send segments, not GSO super-frames: `up`
//!   sets `gso_max_segs 1` on a wired host's `eth0`, so a loss is one segment's.)
//! - `port` reads and writes the frames in batches; `forward` is the process's loop
//!   (the models, the timer queue, the counters); `model` decides each frame's fate.
//! - `--rate` is the model's too, not the kernel's tbf: one queue, one clock and one set
//!   of counters for every impairment, in the same order as netem applies them
//!   (serialization, then delay), and no qdisc to add to and remove from the hosts.
//! - The settings live in `/run/labnet/wire/LAB.json` (with the process id); `lab-hosts
//!   link set` rewrites them and sends SIGHUP. Every 100 ms the counters go to
//!   `LAB.stats.json`; events and errors to `LAB.log`. SIGTERM (`lab-hosts down`) ends
//!   it; so does its namespace going away.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Context, Error, Result};

mod forward;
pub mod model;
mod port;

pub use forward::run;
pub use model::{Change, Fate, Impairment, Model};

/// Where the wires' settings, counters and logs live.
pub const STATE_DIR: &str = "/run/labnet/wire";

/// One end of the wire: a port in the wire namespace and the host behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Port {
    /// The interface in the wire namespace.
    pub interface: String,
    /// The lab host on the other end of that veth.
    pub host: String,
    /// What the wire does to the frames this host sends.
    pub impairment: Impairment,
}

/// A wire's settings, as `lab-hosts` writes them for the wire process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireState {
    pub lab: String,
    /// The wire namespace.
    pub netns: String,
    pub ports: [Port; 2],
    pub seed: u64,
    /// The wire process, once started.
    pub pid: Option<u32>,
}

/// One direction's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub from: String,
    pub to: String,
    pub frames: u64,
    pub bytes: u64,
    pub forwarded: u64,
    pub lost: u64,
    /// Dropped because the rate limit's queue was full.
    pub overflow: u64,
    pub duplicated: u64,
    pub corrupted: u64,
    /// Frames that overtook a frame sent before them (skipped the delay past a queued
    /// one, or passed one held back): what a capture on the far side sees out of order.
    pub reordered: u64,
}

/// The counters file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub directions: Vec<Counters>,
}

pub fn state_path(lab: &str) -> PathBuf {
    Path::new(STATE_DIR).join(format!("{lab}.json"))
}

pub fn stats_path(lab: &str) -> PathBuf {
    Path::new(STATE_DIR).join(format!("{lab}.stats.json"))
}

pub fn log_path(lab: &str) -> PathBuf {
    Path::new(STATE_DIR).join(format!("{lab}.log"))
}

/// Reads a wire's settings; `None` when the lab has no wire.
pub fn load(lab: &str) -> Result<Option<WireState>> {
    let path = state_path(lab);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::failed(format!("{} is damaged: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).context(|| format!("reading {}", path.display())),
    }
}

/// Writes a wire's settings (whole, then renamed into place: the wire process never
/// reads half a file).
pub fn save(state: &WireState) -> Result<()> {
    std::fs::create_dir_all(STATE_DIR).context(|| format!("creating {STATE_DIR}"))?;
    let path = state_path(&state.lab);
    let text = serde_json::to_string_pretty(state).map_err(|e| Error::failed(e.to_string()))?;
    write_replacing(&path, text.as_bytes())
}

fn write_replacing(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("new");
    std::fs::write(&temporary, bytes).context(|| format!("writing {}", temporary.display()))?;
    std::fs::rename(&temporary, path).context(|| format!("writing {}", path.display()))
}

/// The latest counters of a wire.
pub fn stats(lab: &str) -> Option<Stats> {
    serde_json::from_str(&std::fs::read_to_string(stats_path(lab)).ok()?).ok()
}

/// A wire as `lab-hosts link show` and `status` report it.
#[derive(Debug, Clone, Serialize)]
pub struct WireStatus {
    #[serde(flatten)]
    pub state: WireState,
    /// Whether its process runs (`lab-hosts up` restarts one that died).
    pub running: bool,
    /// Its latest counters (at most 100 ms old).
    pub stats: Option<Stats>,
}

/// The wire of a lab, when it has one.
pub fn status(lab: &str) -> Result<Option<WireStatus>> {
    Ok(load(lab)?.map(|state| WireStatus {
        running: state.pid.is_some_and(|pid| is_wire_process(pid, lab)),
        stats: stats(lab),
        state,
    }))
}

/// Whether `pid` is this lab's wire process (not a process that took over its number).
pub fn is_wire_process(pid: u32, lab: &str) -> bool {
    let Ok(command) = std::fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let words: Vec<&[u8]> = command.split(|&b| b == 0).collect();
    words.contains(&&b"wire"[..]) && words.contains(&lab.as_bytes())
}

/// Starts the wire process: `program wire --lab LAB`, in a process group of its own
/// (a Ctrl-C in the terminal that ran `lab-hosts up` does not reach it), its output
/// appended to the wire's log. Returns the child (dropping it neither waits for nor
/// stops the process).
pub fn spawn(program: &Path, lab: &str) -> Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    std::fs::create_dir_all(STATE_DIR).context(|| format!("creating {STATE_DIR}"))?;
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path(lab))
        .context(|| format!("opening {}", log_path(lab).display()))?;
    let child = std::process::Command::new(program)
        .args(["--lab", lab, "wire"])
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().context(|| "opening the wire's log")?)
        .stderr(log)
        .process_group(0)
        .spawn()
        .context(|| format!("starting the lab's wire ({})", program.display()))?;
    Ok(child)
}

/// Stops a wire process by its recorded id (after checking it is the wire), SIGTERM
/// then, after a second, SIGKILL.
pub fn stop(state: &WireState) {
    use nix::sys::signal::{kill, Signal};
    let Some(pid) = state.pid.filter(|&p| is_wire_process(p, &state.lab)) else {
        return;
    };
    let process = nix::unistd::Pid::from_raw(pid as i32);
    let _ = kill(process, Signal::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(1);
    while Instant::now() < deadline && is_wire_process(pid, &state.lab) {
        std::thread::sleep(Duration::from_millis(10));
    }
    if is_wire_process(pid, &state.lab) {
        let _ = kill(process, Signal::SIGKILL);
    }
}

/// Asks a running wire to read its settings again.
pub fn reload(state: &WireState) -> bool {
    match state.pid.filter(|&p| is_wire_process(p, &state.lab)) {
        Some(pid) => nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGHUP,
        )
        .is_ok(),
        None => false,
    }
}
