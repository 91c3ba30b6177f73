//! sock-list: Sockets and their processes, as netstat -anpt / -anpu.
//!
//! Not built yet: issue #9 tracks it. Until then the tool answers --help and --version
//! and refuses to run (exit code 2) rather than print anything made up.

fn main() -> std::process::ExitCode {
    labnet::cli::pending(
        "sock-list",
        9,
        "Sockets and their processes, as netstat -anpt / -anpu",
    )
}
