//! sock-list: sockets and their processes, as netstat -anpt / -anpu
//!
//! Not built yet: issue #9 tracks it. Until then the tool answers --help and --version
//! and refuses to run (exit code 2) rather than print anything made up.

use std::process::ExitCode;

use clap::Parser;
use labnet::{cli, Error};

#[derive(Parser)]
#[command(
    version,
    about = "sockets and their processes, as netstat -anpt / -anpu (not implemented yet: issue #9)",
    after_help = "This tool is not implemented yet; issue #9 tracks it. Running it exits with code 2."
)]
struct Args {
    /// Arguments of the finished tool (accepted, not yet acted on)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    _args: Vec<String>,
}

fn main() -> ExitCode {
    Args::parse();
    cli::run("sock-list", || {
        Err(Error::NotImplemented {
            tool: "sock-list".into(),
            issue: 9,
        })
    })
}
