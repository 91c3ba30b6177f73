//! Conventions every labnet tool keeps: --help with examples, --version, exit codes,
//! `TOOL: error:` messages, and a quiet exit when stdout is closed (`tool | head`).

use std::io::Read;
use std::process::{Command, Stdio};

use labnet::testlab::tool_path;

const TOOLS: [&str; 6] = [
    "hello-server",
    "hello-client",
    "webcapture",
    "nic-show",
    "sock-list",
    "lab-hosts",
];

#[test]
fn every_tool_answers_help_and_version() {
    for tool in TOOLS {
        let help = Command::new(tool_path(tool))
            .arg("--help")
            .output()
            .unwrap();
        assert!(help.status.success(), "{tool} --help");
        let text = String::from_utf8(help.stdout).unwrap();
        assert!(text.contains("Usage:"), "{tool} --help:\n{text}");
        let version = Command::new(tool_path(tool))
            .arg("--version")
            .output()
            .unwrap();
        assert!(version.status.success(), "{tool} --version");
        assert_eq!(
            String::from_utf8(version.stdout).unwrap(),
            format!("{tool} {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
}

#[test]
fn closed_stdout_is_a_quiet_exit_not_a_panic() {
    for tool in TOOLS {
        let mut child = Command::new(tool_path(tool))
            .arg("--help")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the tool writes: its writes get EPIPE.
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!err.contains("panicked"), "{tool}: {err}");
        assert!(
            status.success(),
            "{tool} exited {status} on a closed pipe: {err}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    for tool in TOOLS {
        let out = Command::new(tool_path(tool))
            .arg("--no-such-flag")
            .output()
            .unwrap();
        // Unfinished tools accept any arguments (they refuse to run, also with 2).
        assert_eq!(out.status.code(), Some(2), "{tool}");
    }
}
