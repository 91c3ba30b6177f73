//! Labs made through the `lab-hosts` command line, as a user makes them, for the tests
//! of `lab-hosts` itself: unique lab and host names (`lc<pid>x<n>-<short>`), `lab-hosts
//! down` when dropped (also when the test panics), and the checks that a lab left
//! nothing behind.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::tool_path;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// Runs `lab-hosts` with `args`.
pub fn lab_hosts(args: &[&str]) -> Output {
    Command::new(tool_path("lab-hosts"))
        .args(args)
        .output()
        .expect("lab-hosts runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a program and asserts success, showing both streams on failure; its stdout.
pub fn run_ok(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    let program = program.as_ref();
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", program.to_string_lossy()));
    assert!(
        out.status.success(),
        "{} {args:?} failed ({})\nstdout:\n{}\nstderr:\n{}",
        program.to_string_lossy(),
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A lab made through the CLI; `lab-hosts down` runs when it drops.
pub struct CliLab {
    pub lab: String,
    pub hosts: Vec<String>,
}

impl CliLab {
    /// Unique lab and host names: `lc<pid>x<n>` and `lc<pid>x<n>-<short>`.
    pub fn unique(shorts: &[&str]) -> CliLab {
        let lab = format!(
            "lc{}x{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let hosts = shorts.iter().map(|s| format!("{lab}-{s}")).collect();
        CliLab { lab, hosts }
    }

    /// `lab-hosts up` with the lab's hosts and `extra`; its stdout.
    pub fn up(&self, extra: &[&str]) -> String {
        let hosts = self.hosts.join(",");
        let mut args = vec!["--lab", &self.lab, "up", "--hosts", &hosts];
        args.extend_from_slice(extra);
        run_ok(tool_path("lab-hosts"), &args)
    }

    /// `lab-hosts --lab LAB ARGS...`, asserted to succeed; its stdout.
    pub fn run(&self, args: &[&str]) -> String {
        let mut all = vec!["--lab", &self.lab];
        all.extend_from_slice(args);
        run_ok(tool_path("lab-hosts"), &all)
    }

    pub fn exec(&self, host: &str, command: &[&str]) -> Output {
        let mut args = vec!["--lab", &self.lab, "exec", host, "--"];
        args.extend_from_slice(command);
        lab_hosts(&args)
    }

    /// Runs a command on a host through `ip netns exec`, asserted to succeed.
    pub fn on(&self, host: &str, command: &[&str]) -> String {
        let mut args = vec!["netns", "exec", host];
        args.extend_from_slice(command);
        run_ok("ip", &args)
    }
}

impl Drop for CliLab {
    fn drop(&mut self) {
        let _ = lab_hosts(&["--lab", &self.lab, "down"]);
    }
}

pub fn netns_list() -> String {
    run_ok("ip", &["netns", "list"])
}

/// The names of the root namespace's links, sorted.
pub fn root_links() -> Vec<String> {
    let json = run_ok("ip", &["-j", "link", "show"]);
    let mut names: Vec<String> = json
        .split("\"ifname\":\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(String::from)
        .collect();
    names.sort();
    names
}

/// Asserts that nothing of lab `lab` is left: none of the `namespaces`, no
/// /etc/netns entry, no record, no wire file or process, and the root namespace's links
/// as they were.
pub fn assert_gone(lab: &str, namespaces: &[String], links_before: &[String]) {
    let list = netns_list();
    for ns in namespaces {
        assert!(
            !list
                .lines()
                .any(|l| l.split_whitespace().next() == Some(ns)),
            "{ns} left in:\n{list}"
        );
        assert!(
            !std::path::Path::new(&format!("/etc/netns/{ns}")).exists(),
            "/etc/netns/{ns} left behind"
        );
    }
    assert!(
        !std::path::Path::new(&format!("/run/labnet/{lab}.json")).exists(),
        "lab record left behind"
    );
    for suffix in ["json", "stats.json", "log"] {
        let path = format!("/run/labnet/wire/{lab}.{suffix}");
        assert!(!std::path::Path::new(&path).exists(), "{path} left behind");
    }
    let wire_processes: Vec<String> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| std::fs::read(entry.path().join("cmdline")).ok())
        .map(|cmdline| cmdline.split(|&b| b == 0).map(text).collect::<Vec<_>>())
        .filter(|words| words.iter().any(|w| w == "wire") && words.iter().any(|w| w == lab))
        .map(|words| words.join(" "))
        .collect();
    assert!(
        wire_processes.is_empty(),
        "still running: {wire_processes:?}"
    );
    assert_eq!(
        root_links(),
        links_before,
        "links of the root namespace changed"
    );
}
