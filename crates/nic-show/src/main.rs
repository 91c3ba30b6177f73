//! nic-show: Network interfaces and addresses, as ip address show.
//!
//! Not built yet: issue #8 tracks it. Until then the tool answers --help and --version
//! and refuses to run (exit code 2) rather than print anything made up.

fn main() -> std::process::ExitCode {
    labnet::cli::pending(
        "nic-show",
        8,
        "Network interfaces and addresses, as ip address show",
    )
}
