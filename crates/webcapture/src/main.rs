//! webcapture: Capture and read packets with Scapy-style output and tcpdump-style filters.
//!
//! Not built yet: issue #6 tracks it. Until then the tool answers --help and --version
//! and refuses to run (exit code 2) rather than print anything made up.

fn main() -> std::process::ExitCode {
    labnet::cli::pending(
        "webcapture",
        6,
        "Capture and read packets with Scapy-style output and tcpdump-style filters",
    )
}
