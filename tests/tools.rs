//! Conventions every labnet tool keeps: --help with examples, --version, exit codes,
//! `TOOL: error:` messages, and a quiet exit when stdout is closed (`tool | head`).

use std::io::Read;
use std::process::{Command, Stdio};

use labnet::tools::TOOLS;
use labnet_test_support::tool_path;

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

/// Values no numeric flag may accept, nor panic on: signs, exponents, NaN and
/// infinities, overflows of every width (2^61 broke a semaphore, 1e20 a Duration),
/// non-digits, and a number longer than any parser should read.
fn bad_numbers() -> Vec<String> {
    let mut values: Vec<String> = [
        "",
        " ",
        "-1",
        "-0.5",
        "+1",
        "nan",
        "NaN",
        "inf",
        "-inf",
        "infinity",
        "1e20",
        "1e3",
        "0x10",
        "1.5.2",
        "1,5",
        "abc",
        "5s",
        "18446744073709551616",
        "2305843009213693952",
        "99999999999999999999999999999",
        "340282366920938463463374607431768211456",
    ]
    .map(String::from)
    .to_vec();
    values.push("9".repeat(10_000));
    values
}

/// Runs `command` to its end, or kills it (by its PID) after 5 s: a value accepted by
/// mistake starts the tool, and the test must fail rather than wait for it.
fn run_bounded(command: &mut Command) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(5) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.wait_with_output().unwrap()
}

#[derive(serde::Deserialize)]
struct Described {
    subcommands: Vec<String>,
    flag: String,
    value: String,
}

#[test]
fn every_numeric_flag_refuses_bad_values_with_one_error_line() {
    let mut runs = 0;
    for tool in TOOLS {
        let described = Command::new(tool_path(tool))
            .env("LABNET_DESCRIBE_ARGS", "1")
            .output()
            .unwrap();
        let options: Vec<Described> = serde_json::from_slice(&described.stdout)
            .unwrap_or_else(|e| panic!("{tool} describes its options: {e}"));
        for option in options.iter().filter(|o| !o.flag.is_empty()) {
            let values = match option.value.as_str() {
                "seconds" => bad_numbers(),
                // "1.5" is fine for seconds but not for a count.
                "whole" => {
                    let mut v = bad_numbers();
                    v.push("1.5".into());
                    v
                }
                // A delay needs its unit; "5s" is one.
                "delay" => {
                    let mut v = bad_numbers();
                    v.retain(|value| value != "5s");
                    v.extend(["5", "-5ms", "1e3ms", "5 ms", "61s", "5m"].map(String::from));
                    v
                }
                "percent" => {
                    let mut v = bad_numbers();
                    v.extend(["101%", "100.5", "%", "5%%"].map(String::from));
                    v
                }
                // Bits a second with a unit; bytes a second (tc's kbps) are refused.
                "rate" => {
                    let mut v = bad_numbers();
                    v.extend(["1mbps", "100", "7kbit", "1tbit", "mbit"].map(String::from));
                    v
                }
                _ => continue,
            };
            for value in values {
                let out = run_bounded(
                    Command::new(tool_path(tool))
                        .args(&option.subcommands)
                        .arg(&option.flag)
                        .arg(&value),
                );
                runs += 1;
                let err = String::from_utf8_lossy(&out.stderr);
                let shown = if value.len() > 40 {
                    &value[..40]
                } else {
                    &value
                };
                assert_eq!(
                    out.status.code(),
                    Some(2),
                    "{tool} {} {shown:?}: {err}",
                    option.flag
                );
                let lines: Vec<&str> = err.lines().collect();
                assert!(
                    lines[0].starts_with(&format!("{tool}: error: ")) && !err.contains("panicked"),
                    "{tool} {} {shown:?}: {err}",
                    option.flag
                );
                assert!(
                    lines[1..].iter().all(|l| l.starts_with("  hint: ")),
                    "one error line, then hints: {tool} {} {shown:?}:\n{err}",
                    option.flag
                );
            }
        }
    }
    eprintln!("{runs} runs of a numeric flag with a bad value, each exit 2");
    assert!(
        runs > 300,
        "the table reached the numeric flags ({runs} runs)"
    );
}
