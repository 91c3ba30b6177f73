//! webcapture: the handout's Scapy sessions (Experiments 3 and 4). Reading captures
//! (`-r`) with Scapy's summary and hexdump works; filters (issue #5), live capture
//! (issue #6), `--show` and the diagram (issues #4, #7) are not built yet and say so.
//! Argument parsing and printing only; the logic is `labnet::pcap`, `dissect`, `present`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use labnet::cli;
use labnet::error::{Error, Result};
use labnet::pcap::CaptureReader;
use labnet::present::{self, Ports, PrintOptions};

#[derive(Parser)]
#[command(
    version,
    about = "Read captures with Scapy's summary and hexdump (live capture and filters: not yet)",
    after_help = "Examples:\n  \
        webcapture -r hello.pcap                 one Scapy summary() line per packet\n  \
        webcapture -r hello.pcap -#              ... each with its index, as packets[N]\n  \
        webcapture -r hello.pcap --packet 3 --hexdump   Scapy's hexdump(packets[3])\n\n\
        Not built yet: live capture (issue #6), filter expressions (issue #5), --show\n\
        (issue #4), --diagram (issue #7)."
)]
struct Args {
    /// Read packets from this pcap or pcapng file
    #[arg(short = 'r', value_name = "FILE")]
    read: Option<PathBuf>,
    /// Stop after COUNT packets
    #[arg(short = 'c', value_name = "COUNT")]
    count: Option<u64>,
    /// Only packet N (0-based, as packets[N] in Scapy)
    #[arg(long, value_name = "N")]
    packet: Option<u64>,
    /// Print each packet's index before its line
    #[arg(short = '#')]
    numbered: bool,
    /// Scapy's hexdump of each packet instead of its summary
    #[arg(long)]
    hexdump: bool,
    /// Port numbers instead of /etc/services names
    #[arg(short = 'n')]
    numeric: bool,
    /// A pcap filter expression (not supported yet: issue #5)
    #[arg(trailing_var_arg = true, value_name = "FILTER")]
    filter: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::run("webcapture", || run(&args))
}

fn run(args: &Args) -> Result<()> {
    if !args.filter.is_empty() {
        return Err(Error::usage(format!(
            "filter expressions are not supported yet (issue #5): {:?}",
            args.filter.join(" ")
        ))
        .hint("read the whole file now; filter with tcpdump -r FILE -w OUT 'EXPR' meanwhile"));
    }
    let Some(path) = &args.read else {
        return Err(Error::NotImplemented {
            tool: "live capture in webcapture".into(),
            issue: 6,
        });
    };
    let mut reader = CaptureReader::open(path)?;
    let options = PrintOptions {
        count: args.count,
        packet: args.packet,
        numbered: args.numbered,
        hexdump: args.hexdump,
        ports: if args.numeric {
            Ports::Numeric
        } else {
            Ports::Named
        },
    };
    let mut out = cli::stdout();
    let printed = present::print_capture(&mut reader, &options, &mut out)?;
    cli::output(out.flush())?;
    if let (Some(wanted), 0) = (args.packet, printed) {
        return Err(Error::failed(format!(
            "{} has no packet {wanted} (packets are numbered from 0)",
            path.display()
        )));
    }
    Ok(())
}
