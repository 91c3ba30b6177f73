//! webcapture: capture and read packets with Scapy-style output and tcpdump-style filters
//!
//! Not built yet: issue #6 tracks it. Until then the tool answers --help and --version
//! and refuses to run (exit code 2) rather than print anything made up.

use std::process::ExitCode;

use clap::Parser;
use labnet::{cli, Error};

#[derive(Parser)]
#[command(
    version,
    about = "capture and read packets with Scapy-style output and tcpdump-style filters (not implemented yet: issue #6)",
    after_help = "This tool is not implemented yet; issue #6 tracks it. Running it exits with code 2."
)]
struct Args {
    /// Arguments of the finished tool (accepted, not yet acted on)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

fn main() -> ExitCode {
    Args::parse();
    cli::run("webcapture", || {
        Err(Error::NotImplemented {
            tool: "webcapture".into(),
            issue: 6,
        })
    })
}
