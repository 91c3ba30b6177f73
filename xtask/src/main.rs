//! `cargo xtask`: every developer workflow of labnet, in plain Rust so that it runs the
//! same on a laptop and in CI.
//!
//! - `test`: installs the peer tools the tests compare against (when root and missing),
//!   then runs formatting, lints, the build and every test. This is what CI runs.
//! - `bench [NAME...]`: side-by-side benchmarks against the anchor tools, as ratios.
//! - `dist`: the VM-ready static release tarball (see `dist`).
//! - `demo`: the whole handout in a fresh lab, with real output (see `demo`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod bench;
mod demo;
mod dist;
#[path = "../../crates/labnet/src/tools.rs"]
mod tools;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    about = "labnet developer workflows",
    after_help = "Examples:\n  cargo xtask test\n  cargo xtask test --no-install"
)]
struct Args {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Everything CI runs: install missing peer tools (as root), fmt, clippy, build, tests
    Test {
        /// Never install missing tools; tests that need them skip (outside CI) or fail (in CI)
        #[arg(long)]
        no_install: bool,
    },
    /// VM-ready static release: target/dist/labnet-VERSION-x86_64-linux.tar.gz
    Dist,
    /// Side-by-side benchmarks against the anchor tools, as ratios (needs root)
    Bench {
        /// Which benchmarks (default: all that exist): nic
        which: Vec<String>,
    },
    /// The whole handout, end to end, in a fresh two-host lab (needs root)
    Demo {
        /// Use the tools already built in target/debug
        #[arg(long)]
        no_build: bool,
    },
    /// (internal) write frames to an interface for `bench capture`
    #[command(hide = true)]
    BlastFrames {
        netns: String,
        interface: String,
        rate: u64,
        millis: u64,
    },
    /// (internal) send UDP from a lab host for `bench lab`
    #[command(hide = true)]
    BlastUdp {
        netns: String,
        target: String,
        rate: u64,
        millis: u64,
    },
    /// (internal) hold loopback connections in a namespace for `bench sockets`
    #[command(hide = true)]
    HoldSockets {
        netns: String,
        count: usize,
        role: String,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let outcome = match args.task {
        Task::Test { no_install } => test(!no_install),
        Task::Dist => dist::run(
            &workspace_root(),
            &std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        )
        .map(|_| ()),
        Task::Bench { which } => bench::run(
            &workspace_root(),
            &std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
            &which,
        ),
        Task::Demo { no_build } => demo_task(no_build),
        Task::HoldSockets { netns, count, role } => bench::hold_sockets(&netns, count, &role),
        Task::BlastFrames {
            netns,
            interface,
            rate,
            millis,
        } => bench::blast_frames(&netns, &interface, rate, millis),
        Task::BlastUdp {
            netns,
            target,
            rate,
            millis,
        } => bench::blast_udp(&netns, &target, rate, millis),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn demo_task(no_build: bool) -> Result<()> {
    let root = workspace_root();
    if !no_build {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        run(Command::new(cargo)
            .current_dir(&root)
            .args(["build", "--workspace", "--bins"]))?;
    }
    demo::run(&root.join("target/debug"))
}

/// A peer tool the tests compare against: the command that proves it is there, and the
/// package that brings it.
pub(crate) struct Tool {
    probe: Probe,
    package: &'static str,
}

pub(crate) enum Probe {
    /// An executable on PATH.
    Program(&'static str),
    /// A Python module importable by `python3`.
    PythonModule(&'static str),
}

/// Debian packages. tshark checks pcap validity and fields, and is the oracle of TCP
/// analysis, conversations and follow (editcap converts test captures to pcapng and
/// cuts packets out of them); nodejs runs the Mermaid parser; tcpdump is the filter
/// oracle and makes the test captures; traceroute (UDP and ICMP) finds the lab's router; iproute2, net-tools and ss are the oracles of
/// nic-show and sock-list; poppler-utils renders the diagram's PDF; setcap and dash
/// check the release's install.sh (POSIX sh, capabilities for webcapture); tmux drives
/// the terminal browser (send-keys, capture-pane).
const APT_TOOLS: &[Tool] = &[
    Tool {
        probe: Probe::Program("ip"),
        package: "iproute2",
    },
    Tool {
        probe: Probe::Program("ping"),
        package: "iputils-ping",
    },
    Tool {
        probe: Probe::Program("traceroute"),
        package: "traceroute",
    },
    Tool {
        probe: Probe::Program("tcpdump"),
        package: "tcpdump",
    },
    Tool {
        probe: Probe::Program("tshark"),
        package: "tshark",
    },
    Tool {
        probe: Probe::Program("editcap"),
        package: "wireshark-common",
    },
    Tool {
        probe: Probe::Program("netstat"),
        package: "net-tools",
    },
    Tool {
        probe: Probe::Program("curl"),
        package: "curl",
    },
    Tool {
        probe: Probe::Program("pdftoppm"),
        package: "poppler-utils",
    },
    Tool {
        probe: Probe::Program("setpriv"),
        package: "util-linux",
    },
    Tool {
        probe: Probe::Program("setcap"),
        package: "libcap2-bin",
    },
    Tool {
        probe: Probe::Program("dash"),
        package: "dash",
    },
    Tool {
        probe: Probe::Program("python3"),
        package: "python3",
    },
    Tool {
        probe: Probe::Program("npm"),
        package: "npm",
    },
    Tool {
        probe: Probe::Program("tmux"),
        package: "tmux",
    },
    // A DHCP server for a real lease in the lab (the binary only: no service starts).
    Tool {
        probe: Probe::Program("dnsmasq"),
        package: "dnsmasq-base",
    },
];

/// PyPI packages, pinned so the oracles' output formats do not drift under the tests.
const PIP_TOOLS: &[Tool] = &[
    Tool {
        probe: Probe::PythonModule("scapy"),
        package: "scapy==2.8.0",
    },
    Tool {
        probe: Probe::PythonModule("flask"),
        package: "flask==3.1.3",
    },
];

/// npm packages, pinned, installed under target/oracles: Mermaid's own parser (with
/// jsdom for the window it needs) checks the ladder's `--flow-format mermaid`.
const NPM_ORACLES: &[&str] = &["mermaid@11.17.2", "jsdom@24.1.3"];

fn test(install: bool) -> Result<()> {
    let root = workspace_root();
    ensure_tools(APT_TOOLS, PIP_TOOLS, install)?;
    ensure_npm_oracles(&root, install)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    ensure_rust_components(&cargo)?;
    run(Command::new(&cargo)
        .current_dir(&root)
        .args(["fmt", "--all", "--", "--check"]))
    .context("formatting differs: run `cargo fmt --all`")?;
    run(Command::new(&cargo).current_dir(&root).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The fuzz targets live outside the workspace (cargo-fuzz builds them with its own
    // flags); checking them here keeps them compiling as the library changes.
    run(Command::new(&cargo).current_dir(&root).args([
        "check",
        "--quiet",
        "--manifest-path",
        "fuzz/Cargo.toml",
        "--bins",
    ]))
    .context("the fuzz targets no longer compile")?;
    // End-to-end tests run the tools' binaries from target/debug: build them all first.
    run(Command::new(&cargo)
        .current_dir(&root)
        .args(["build", "--workspace", "--bins"]))?;
    // The release the tests/dist.rs checks: static binaries, install.sh, checksums.
    let tarball = dist::run(&root, &cargo)?;
    run_tests(
        Command::new(&cargo)
            .current_dir(&root)
            .args(["test", "--workspace", "--all-features"])
            .env("LABNET_DIST_TARBALL", &tarball),
    )
}

/// Runs `cargo test`, passing its output through, and ends with one total line
/// (`tests: N passed, N failed`) so the outcome does not hang on whichever test binary
/// happened to run last.
fn run_tests(command: &mut Command) -> Result<()> {
    use std::io::{BufRead, BufReader, Write};
    let shown = format!("{command:?}");
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {shown}"))?;
    let (mut passed, mut failed) = (0u64, 0u64);
    let stdout = child.stdout.take().expect("piped");
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(counts) = line.strip_prefix("test result: ") {
            passed += count_of(counts, "passed");
            failed += count_of(counts, "failed");
        }
    }
    let status = child.wait()?;
    std::io::stdout().flush()?;
    println!("tests: {passed} passed, {failed} failed");
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    if passed == 0 {
        bail!("no test ran");
    }
    Ok(())
}

/// The number before `label` in libtest's `ok. 16 passed; 0 failed; 0 ignored; ...`.
fn count_of(counts: &str, label: &str) -> u64 {
    counts
        .split(';')
        .filter_map(|part| part.rsplit('.').next())
        .find_map(|part| part.trim().strip_suffix(label))
        .and_then(|number| number.trim().parse().ok())
        .unwrap_or(0)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// Sends `signal` to a child xtask started and has not reaped (SIGINT: as Ctrl-C).
fn signal(child: &std::process::Child, signal: libc::c_int) {
    // SAFETY: kill(2) on the PID of our own child, which cannot have been reused
    // while it is unreaped.
    unsafe { libc::kill(child.id() as libc::pid_t, signal) };
}

fn present(tool: &Tool) -> bool {
    match tool.probe {
        Probe::Program(name) => on_path(name),
        Probe::PythonModule(module) => Command::new("python3")
            .args(["-c", &format!("import {module}")])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success()),
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// Installs the missing peer tools when allowed and running as root; otherwise says
/// which tests will not run.
pub(crate) fn ensure_tools(apt_tools: &[Tool], pip_tools: &[Tool], install: bool) -> Result<()> {
    let missing_apt: Vec<&str> = apt_tools
        .iter()
        .filter(|t| !present(t))
        .map(|t| t.package)
        .collect();
    let can_install = install && is_root();
    if !missing_apt.is_empty() {
        if can_install {
            eprintln!("xtask: installing with apt-get: {}", missing_apt.join(" "));
            run(Command::new("apt-get").args(["update", "-qq"]))?;
            run(Command::new("apt-get")
                .env("DEBIAN_FRONTEND", "noninteractive")
                .args(["install", "-y", "-qq", "--no-install-recommends"])
                .args(&missing_apt))?;
        } else {
            warn_missing(&missing_apt, install);
        }
    }
    let missing_pip: Vec<&str> = pip_tools
        .iter()
        .filter(|t| !present(t))
        .map(|t| t.package)
        .collect();
    if !missing_pip.is_empty() {
        if can_install {
            eprintln!("xtask: installing with pip: {}", missing_pip.join(" "));
            run(Command::new("python3")
                .args([
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    "--root-user-action=ignore",
                ])
                .args(&missing_pip))?;
        } else {
            warn_missing(&missing_pip, install);
        }
    }
    if !is_root() {
        eprintln!("xtask: note: not root, so tests that build labs in network namespaces will skip (and fail under CI=true); run `sudo cargo xtask test`");
    }
    Ok(())
}

/// Installs the npm oracles into target/oracles when they are missing (npm needs no
/// root: the directory is the project's own).
fn ensure_npm_oracles(root: &Path, install: bool) -> Result<()> {
    let dir = root.join("target/oracles");
    if dir.join("node_modules/mermaid/package.json").is_file() {
        return Ok(());
    }
    if !install || !on_path("npm") {
        warn_missing(NPM_ORACLES, install);
        return Ok(());
    }
    eprintln!(
        "xtask: installing with npm into target/oracles: {}",
        NPM_ORACLES.join(" ")
    );
    std::fs::create_dir_all(&dir)?;
    run(Command::new("npm")
        .current_dir(&dir)
        .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
        .arg(&dir)
        .args(NPM_ORACLES))
}

fn warn_missing(packages: &[&str], install: bool) {
    let why = if install { "not root" } else { "--no-install" };
    eprintln!(
        "xtask: note: missing {} ({why}); the tests that compare against them will skip (and fail under CI=true)",
        packages.join(" ")
    );
}

fn ensure_rust_components(cargo: &str) -> Result<()> {
    for (subcommand, component) in [("fmt", "rustfmt"), ("clippy", "clippy")] {
        let there = Command::new(cargo)
            .args([subcommand, "--version"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !there {
            eprintln!("xtask: installing the {component} component");
            run(Command::new("rustup").args(["component", "add", component]))?;
        }
    }
    Ok(())
}

pub(crate) fn run(command: &mut Command) -> Result<()> {
    let shown = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("cannot start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn libtest_counts_are_read() {
        let counts =
            "FAILED. 16 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s";
        assert_eq!(super::count_of(counts, "passed"), 16);
        assert_eq!(super::count_of(counts, "failed"), 2);
        assert_eq!(super::count_of("ok. 0 passed; 0 failed", "passed"), 0);
    }
}
