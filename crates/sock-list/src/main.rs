//! sock-list: TCP and UDP sockets and the processes that own them, as `netstat -anpt`
//! / `-anpu` print them (handout Exercises 1.6, 1.7 and 2.4). Argument parsing and
//! printing only; the logic is `labnet::sockets`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use labnet::error::Result;
use labnet::sockets::filter::SocketFilter;
use labnet::sockets::netstat::{self, Columns};
use labnet::sockets::{self, InetSocket, Query, Which};
use labnet::{cli, lab, values};

#[derive(Parser)]
#[command(
    version,
    about = "TCP and UDP sockets and their processes, as `netstat -anpt` / `-anpu`",
    after_help = "Short flags combine as in netstat: `sock-list -anpt`. Addresses are numeric \
        and never cut short.\n\nExamples:\n  \
        sudo sock-list -anpt            every TCP socket with its process (Exercise 1.6)\n  \
        sudo sock-list -anpu            every UDP socket with its process (Exercise 1.7)\n  \
        sock-list -lt                   TCP servers only\n  \
        sudo sock-list -tp --port 5000  who talks on port 5000 (Exercise 2.4)\n  \
        sudo sock-list -t --watch 1     redraw every second: see ESTABLISHED, then TIME_WAIT\n  \
        sudo sock-list -anpt --netns midwood   inside a lab host"
)]
struct Args {
    /// TCP sockets
    #[arg(short = 't', long)]
    tcp: bool,
    /// UDP sockets
    #[arg(short = 'u', long)]
    udp: bool,
    /// Only servers (listening TCP, unconnected UDP)
    #[arg(short = 'l', long)]
    listening: bool,
    /// Servers and connections
    #[arg(short = 'a', long)]
    all: bool,
    /// Numeric addresses and ports (always; accepted for netstat's sake)
    #[arg(short = 'n', long)]
    numeric: bool,
    /// Show the PID/Program name owning each socket (root sees all)
    #[arg(short = 'p', long)]
    programs: bool,
    /// Show the user id and inode of each socket
    #[arg(short = 'e', long)]
    extend: bool,
    /// Show each socket's pending timer, as netstat -o: off, on (retransmit), keepalive
    /// or timewait, with the seconds to go, retransmissions and probes
    #[arg(short = 'o', long)]
    timers: bool,
    /// Under each TCP connection, TCP's own numbers as ss -i shows them: RTT and its
    /// variation, RTO, MSS, congestion window, bytes and segments, retransmissions
    #[arg(short = 'i', long)]
    info: bool,
    /// Instead of the sockets, how many there are of each protocol, family and state
    /// (with -a: servers too)
    #[arg(short = 's', long)]
    summary: bool,
    /// An ss filter: `state established`, `exclude listening`, `'( dport = :5000 or
    /// sport = :5000 )'`, `src 192.168.56.0/24` (see docs/sock-list.md)
    #[arg(value_name = "FILTER")]
    filter: Vec<String>,
    /// IPv4 only
    #[arg(short = '4', conflicts_with = "ipv6")]
    ipv4: bool,
    /// IPv6 only
    #[arg(short = '6')]
    ipv6: bool,
    /// Only sockets with this local or remote port
    #[arg(long, value_name = "N", value_parser = values::whole::<u16>(0..=65_535))]
    port: Option<u16>,
    /// Only sockets owned by this process (implies -p)
    #[arg(long, value_name = "N", value_parser = values::whole::<u32>(1..=values::PID_MAX))]
    pid: Option<u32>,
    /// Only sockets in this state (LISTEN, ESTABLISHED, TIME_WAIT, ...)
    #[arg(long, value_name = "STATE", add = labnet::completion::socket_states())]
    state: Option<String>,
    /// One JSON document (an array of sockets; fields in docs/sock-list.md)
    #[arg(long)]
    json: bool,
    /// Redraw every SECS seconds until Ctrl-C
    #[arg(long, value_name = "SECS", value_parser = values::seconds(0.1..=3600.0))]
    watch: Option<Duration>,
    /// Look inside a network namespace or lab host (needs root)
    #[arg(long, value_name = "HOST", add = labnet::completion::lab_hosts())]
    netns: Option<String>,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args: Args = cli::parse("sock-list");
    cli::run("sock-list", || run(&args))
}

fn run(args: &Args) -> Result<()> {
    let which = match (args.all, args.listening) {
        (true, _) => Which::All,
        (false, true) => Which::Listening,
        (false, false) => Which::Connected,
    };
    let filter = SocketFilter::parse(&args.filter.join(" "))?;
    // As in ss, a state filter decides which states are listed.
    let which = if filter.chooses_states() {
        Which::All
    } else {
        which
    };
    let neither = !args.tcp && !args.udp;
    let query = Query {
        tcp: args.tcp || neither,
        udp: args.udp || neither,
        ipv4: !args.ipv6,
        ipv6: !args.ipv4,
        which,
        tcp_info: args.info,
    };
    let state = args
        .state
        .as_deref()
        .map(sockets::state_from_name)
        .transpose()?;
    let Some(period) = args.watch else {
        return show(args, &query, state, &filter);
    };
    loop {
        // Home, clear screen: redraw in place like watch(1); Ctrl-C ends it.
        cli::output(write!(cli::stdout(), "\x1b[H\x1b[2J"))?;
        show(args, &query, state, &filter)?;
        std::thread::sleep(period);
    }
}

fn show(args: &Args, query: &Query, state: Option<&str>, filter: &SocketFilter) -> Result<()> {
    let want_owners = args.programs || args.pid.is_some();
    let namespace = args.netns.as_deref().map(lab::open_netns).transpose()?;
    let (mut found, owners) = sockets::snapshot(namespace.as_ref(), query, want_owners)?;
    found.retain(|s: &InetSocket| {
        args.port
            .is_none_or(|p| s.local.port() == p || s.remote.port() == p)
            && state.is_none_or(|st| s.state_name() == st)
            && filter.matches(s)
            && args.pid.is_none_or(|pid| {
                owners
                    .as_ref()
                    .and_then(|o| o.get(s.inode))
                    .is_some_and(|o| o.pid == pid)
            })
    });
    if owners.as_ref().is_some_and(|o| !o.complete) {
        eprintln!("{}", netstat::PARTIAL_OWNERS_NOTE);
    }
    let mut out = cli::stdout();
    if args.summary {
        let summary = netstat::Summary::of(&found);
        if args.json {
            return cli::write_json(&mut out, &summary);
        }
        return cli::output(
            summary
                .write(&mut out, query.tcp, query.udp)
                .and_then(|()| out.flush()),
        );
    }
    if args.json {
        return cli::write_json(&mut out, &netstat::records(&found, owners.as_ref()));
    }
    let columns = Columns {
        extended: args.extend,
        owners: want_owners,
        timers: args.timers,
        tcp_info: args.info,
    };
    cli::output(netstat::write_header(&mut out, query.which, columns))?;
    cli::output(netstat::write_rows(
        &mut out,
        &found,
        owners.as_ref(),
        columns,
    ))?;
    cli::output(out.flush())
}
