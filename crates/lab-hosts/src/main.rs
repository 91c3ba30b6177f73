//! lab-hosts: the handout's two VirtualBox hosts (brooklyn, midwood) as network
//! namespaces on this machine. Argument parsing and printing only; the lab is
//! `labnet::lab`.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::ExitCode;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use labnet::cli;
use labnet::error::{Error, Result};
use labnet::lab::{self, LabSpec, DEFAULT_LAB, DEFAULT_SUBNET4, DEFAULT_SUBNET6, HOST_NIC};
use labnet::labcapture::{self, LabCaptureOptions};
use labnet::netns::HostEnv;
use labnet::nics;
use labnet::present::Ports;
use labnet::values::{self, Delay, Percent, Rate};
use labnet::wire;

#[derive(Parser)]
#[command(
    version,
    about = "The handout's two-host lab (brooklyn and midwood) as network namespaces",
    long_about = "The handout's two-host lab (brooklyn and midwood) as network namespaces.\n\n\
        Each host is a network namespace that `ip netns` sees, with lo and one NIC, eth0, \
        on 192.168.56.0/24 (from .101) and fd00:56::/64. Two hosts are joined by a veth \
        pair, three or more by a bridge; the router topology puts a router host between \
        two subnets. A pair's link can be delayed, lossy, reordering or slow without \
        netem: the lab's wire. Host names resolve inside the lab. Needs root.",
    after_help = "Examples:\n  \
        sudo lab-hosts up\n  \
        sudo lab-hosts exec midwood -- ping -c1 brooklyn\n  \
        sudo ip netns exec brooklyn ip address show\n  \
        sudo lab-hosts status\n  \
        sudo lab-hosts up --hosts brooklyn,midwood,flatbush --subnet 10.56.0.0/24\n  \
        sudo lab-hosts up --delay 50ms --loss 2%\n  \
        sudo lab-hosts up --topology router\n  \
        sudo lab-hosts pingall\n  \
        sudo lab-hosts capture -w lab.pcapng\n  \
        sudo lab-hosts down"
)]
struct Args {
    /// Which lab to act on (several labs can coexist under different names)
    #[arg(long, global = true, default_value = DEFAULT_LAB, value_name = "NAME")]
    lab: String,
    #[command(subcommand)]
    command: Command,
}

/// How the hosts are joined (`--topology`).
#[derive(Clone, Copy, ValueEnum)]
enum TopologyArg {
    /// Two hosts on one link (a veth pair, or through the wire when impaired)
    Pair,
    /// The hosts on a bridge (the default for three or more)
    Switch,
    /// Two hosts on two subnets with a host `router` between them
    Router,
}

/// What the wire does to frames: each setting applies to both directions unless one
/// host is named (`--from` on `up`, `link HOST set`).
#[derive(clap::Args, Default)]
struct Impairments {
    /// Delay each frame (e.g. 50ms, 200us)
    #[arg(long, value_parser = values::delay(MAX_DELAY), value_name = "TIME")]
    delay: Option<Delay>,
    /// Vary the delay by up to this much either way, uniformly (reorders frames closer than it)
    #[arg(long, value_parser = values::delay(MAX_DELAY), value_name = "TIME")]
    jitter: Option<Delay>,
    /// Lose this share of frames (e.g. 2%)
    #[arg(long, value_parser = values::percent, value_name = "PERCENT")]
    loss: Option<Percent>,
    /// Send this share of frames ahead of the others (past the delay; without one, after the next frame)
    #[arg(long, value_parser = values::percent, value_name = "PERCENT")]
    reorder: Option<Percent>,
    /// Send this share of frames twice
    #[arg(long, value_parser = values::percent, value_name = "PERCENT")]
    duplicate: Option<Percent>,
    /// Flip one bit in this share of frames (after the Ethernet header: checksums fail)
    #[arg(long, value_parser = values::percent, value_name = "PERCENT")]
    corrupt: Option<Percent>,
    /// Limit the link to this many bits a second, with a queue of one second (e.g. 1mbit; 0: no limit)
    #[arg(long, value_parser = values::rate, value_name = "RATE")]
    rate: Option<Rate>,
    /// Seed of the impairments' random choices: the same seed, the same losses
    #[arg(long, value_parser = values::whole::<u64>(0..=u64::from(u32::MAX)), value_name = "N")]
    seed: Option<u64>,
}

impl Impairments {
    fn change(&self, clear: bool) -> wire::Change {
        let nanos = |d: Option<Delay>| d.map(|Delay(d)| d.as_nanos() as u64);
        let share = |p: Option<Percent>| p.map(Percent::fraction);
        wire::Change {
            clear,
            delay: nanos(self.delay),
            jitter: nanos(self.jitter),
            loss: share(self.loss),
            reorder: share(self.reorder),
            duplicate: share(self.duplicate),
            corrupt: share(self.corrupt),
            rate: self.rate.map(|Rate(bits)| bits),
        }
    }
}

/// The longest delay or jitter a link takes.
const MAX_DELAY: f64 = 60.0;

#[derive(Subcommand)]
enum Command {
    /// Bring the lab up (running it again on a complete lab changes nothing)
    Up {
        /// Host names, comma-separated; two make a veth pair, more a bridge
        #[arg(long, value_delimiter = ',', default_values_t = lab::DEFAULT_HOSTS.map(String::from))]
        hosts: Vec<String>,
        /// IPv4 subnet; hosts are numbered from .101 (the router topology puts the second host on the next subnet)
        #[arg(long, default_value = DEFAULT_SUBNET4, value_name = "CIDR")]
        subnet: String,
        /// IPv6 subnet; hosts are numbered ::101, ::102, ...
        #[arg(long, default_value = DEFAULT_SUBNET6, value_name = "CIDR")]
        subnet6: String,
        /// How the hosts are joined [default: pair for two hosts, switch for more]
        #[arg(long, value_enum)]
        topology: Option<TopologyArg>,
        #[command(flatten)]
        impairments: Impairments,
        /// Impair only the frames this host sends (default: both directions)
        #[arg(long, value_name = "HOST", add = labnet::completion::lab_hosts())]
        from: Option<String>,
    },
    /// Remove every namespace, link and /etc/netns entry the lab made, and stop its wire
    Down,
    /// Show each host with its NIC, MAC, IPv4 and IPv6 addresses
    Status {
        /// One JSON document instead of the table
        #[arg(long)]
        json: bool,
    },
    /// Show or change the wire between the two hosts of a pair: `link show`, `link [HOST] set --delay 50ms ...`
    #[command(after_help = "Examples:\n  \
            sudo lab-hosts link show\n  \
            sudo lab-hosts link set --delay 50ms --loss 2%\n  \
            sudo lab-hosts link brooklyn set --rate 1mbit   (only what brooklyn sends)\n  \
            sudo lab-hosts link set --clear")]
    Link {
        /// `show`, `set`, or a host and `set`
        #[arg(value_name = "[HOST] show|set", num_args = 1..=2, required = true)]
        words: Vec<String>,
        #[command(flatten)]
        impairments: Impairments,
        /// Start from no impairment, then apply the settings given
        #[arg(long)]
        clear: bool,
        /// `link show` as one JSON document
        #[arg(long)]
        json: bool,
    },
    /// Ping every host from every other one, as mininet's pingall
    Pingall {
        /// Over IPv6
        #[arg(short = '6')]
        ipv6: bool,
        /// How long each ping waits for its reply [default: 1 s plus twice the wire's delay]
        #[arg(long, value_parser = values::seconds(0.001..=60.0), value_name = "SECONDS")]
        timeout: Option<Duration>,
    },
    /// Capture every host's interfaces at once into one pcapng (one interface per host:NIC), a line per packet
    #[command(after_help = "Examples:\n  \
            sudo lab-hosts capture -w lab.pcapng\n  \
            sudo lab-hosts capture -i router 'icmp or arp'\n  \
            sudo lab-hosts capture -i brooklyn:eth0 -c 10 tcp port 5000")]
    Capture {
        /// Capture only on HOST (its NICs) or HOST:NIC; repeat for several [default: every NIC of every host]
        #[arg(short = 'i', value_name = "HOST[:NIC]")]
        interfaces: Vec<String>,
        /// Write the packets to FILE (pcapng; `-` is stdout)
        #[arg(short = 'w', value_name = "FILE")]
        write: Option<PathBuf>,
        /// Stop after COUNT packets
        #[arg(short = 'c', value_parser = values::whole::<u64>(1..=values::MAX_PACKETS), value_name = "COUNT")]
        count: Option<u64>,
        /// Stop after SECONDS
        #[arg(long, value_parser = values::seconds(0.0..=31_536_000.0), value_name = "SECONDS")]
        timeout: Option<Duration>,
        /// Keep at most SNAPLEN bytes of each packet (0: 262144)
        #[arg(short = 's', value_parser = values::snaplen(262_144), default_value = "262144", value_name = "SNAPLEN")]
        snaplen: u32,
        /// Print no line per packet (with -w)
        #[arg(short = 'q')]
        quiet: bool,
        /// Port numbers instead of service names
        #[arg(short = 'n')]
        numeric: bool,
        /// Flush stdout after every line
        #[arg(short = 'l')]
        line_buffered: bool,
        /// The filter, in tcpdump's language
        #[arg(trailing_var_arg = true, value_name = "FILTER")]
        filter: Vec<String>,
    },
    /// Run a command on a lab host (like `ip netns exec`, with the host's name set)
    Exec {
        /// The lab host
        #[arg(add = labnet::completion::lab_hosts())]
        host: String,
        /// The command and its arguments
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
    /// The wire process itself (started by `up`, stopped by `down`)
    #[command(hide = true)]
    Wire,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args: Args = cli::parse("lab-hosts");
    cli::run("lab-hosts", || match args.command {
        Command::Up {
            hosts,
            subnet,
            subnet6,
            topology,
            impairments,
            from,
        } => {
            let pairs: Vec<(String, String)> =
                hosts.iter().map(|h| (h.clone(), h.clone())).collect();
            let spec = match topology {
                Some(TopologyArg::Router) => LabSpec::plan_router(
                    &args.lab,
                    &pairs,
                    &lab::router_netns(&args.lab),
                    &subnet,
                    &subnet6,
                )?,
                Some(TopologyArg::Switch) => {
                    LabSpec::plan(&args.lab, &pairs, &subnet, &subnet6)?.with_switch()?
                }
                Some(TopologyArg::Pair) if pairs.len() != 2 => {
                    return Err(Error::usage(format!(
                        "a pair is two hosts; {} were given",
                        pairs.len()
                    ))
                    .hint("use --topology switch for three or more"))
                }
                _ => LabSpec::plan(&args.lab, &pairs, &subnet, &subnet6)?,
            };
            up(spec, &impairments, from.as_deref())
        }
        Command::Link {
            words,
            impairments,
            clear,
            json,
        } => link(&args.lab, &words, &impairments, clear, json),
        Command::Pingall { ipv6, timeout } => pingall(&args.lab, ipv6, timeout),
        Command::Capture {
            interfaces,
            write,
            count,
            timeout,
            snaplen,
            quiet,
            numeric,
            line_buffered,
            filter,
        } => {
            let options = LabCaptureOptions {
                interfaces,
                filter: filter.join(" "),
                snaplen,
                count,
                timeout,
                print: !quiet,
                write,
                ports: if numeric {
                    Ports::Numeric
                } else {
                    Ports::Named
                },
                line_buffered,
            };
            capture(&args.lab, &options)
        }
        Command::Wire => wire::run(&args.lab),
        Command::Down => down(&args.lab),
        Command::Status { json } => status(&args.lab, json),
        Command::Exec { host, command } => exec(&args.lab, &host, &command),
    })
}

fn up(spec: LabSpec, impairments: &Impairments, from: Option<&str>) -> Result<()> {
    let change = impairments.change(false);
    let impaired = !change.is_empty() || impairments.seed.is_some();
    let mut spec = spec;
    if impaired {
        spec = spec.with_wire()?;
    } else if let Some(record) = lab::load(&spec.lab)? {
        // A pair already put through the wire stays so (its settings too).
        if record.spec.wire.is_some() && spec.clone().with_wire().ok() == Some(record.spec.clone())
        {
            spec = record.spec;
        }
    }
    if from.is_some() && !impaired {
        return Err(Error::usage(
            "--from names whose frames to impair, but no impairment was given",
        )
        .hint("for example: --from brooklyn --delay 50ms"));
    }
    let mut changes = lab::up(&spec)?.changes;
    if spec.wire.is_some() {
        changes.extend(lab::impair(
            &spec,
            &current_program()?,
            from,
            &change,
            impairments.seed,
        )?);
    }
    let mut out = cli::stdout();
    if changes.is_empty() {
        cli::output(writeln!(
            out,
            "lab {:?} is already up; nothing changed",
            spec.lab
        ))?;
    }
    for change in &changes {
        cli::output(writeln!(out, "{change}"))?;
    }
    for host in &spec.hosts {
        let mut nics = vec![(HOST_NIC, &host.mac, host.ipv4, host.ipv6)];
        if let Some(nic) = &host.eth1 {
            nics.push((nic.name.as_str(), &nic.mac, nic.ipv4, nic.ipv6));
        }
        for (name, mac, ipv4, ipv6) in nics {
            cli::output(writeln!(
                out,
                "{:<12} {name} {mac}  {ipv4}/{}  {ipv6}/{}",
                host.hostname,
                spec.subnet4.prefix_len(),
                spec.subnet6.prefix_len()
            ))?;
        }
    }
    let first = &spec.hosts[0].hostname;
    let second = &spec.hosts[1].hostname;
    cli::output(writeln!(
        out,
        "try: sudo lab-hosts exec {second} -- ping -c1 {first}"
    ))?;
    cli::output(out.flush())
}

/// This program, for the wire process to run (`lab-hosts wire`).
fn current_program() -> Result<PathBuf> {
    std::env::current_exe().map_err(|source| Error::Io {
        context: "finding the lab-hosts program to start the wire".into(),
        source,
    })
}

/// The lab's record, or the error that says to bring it up.
fn running_lab(lab_name: &str) -> Result<LabSpec> {
    lab::require_privileges("lab-hosts")?;
    Ok(lab::load(lab_name)?
        .ok_or_else(|| {
            Error::failed(format!("lab {lab_name:?} is not up"))
                .hint("start it with: sudo lab-hosts up")
        })?
        .spec)
}

fn link(
    lab_name: &str,
    words: &[String],
    impairments: &Impairments,
    clear: bool,
    json: bool,
) -> Result<()> {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let change = impairments.change(clear);
    let spec = running_lab(lab_name)?;
    match words[..] {
        ["show"] if change.is_empty() && impairments.seed.is_none() => link_show(&spec, json),
        ["show"] => Err(Error::usage("`link show` takes no settings")
            .hint("change them with: lab-hosts link set --delay 50ms")),
        ["set"] | [_, "set"] => {
            if change.is_empty() && impairments.seed.is_none() {
                return Err(Error::usage("`link set` needs a setting")
                    .hint("for example: lab-hosts link set --delay 50ms --loss 2%")
                    .hint("--clear removes every impairment"));
            }
            let from = words.first().filter(|_| words.len() == 2).copied();
            let done = lab::impair(&spec, &current_program()?, from, &change, impairments.seed)?;
            let mut out = cli::stdout();
            if done.is_empty() {
                cli::output(writeln!(out, "the wire has these settings already"))?;
            }
            for line in done {
                cli::output(writeln!(out, "{line}"))?;
            }
            cli::output(out.flush())
        }
        _ => Err(
            Error::usage(format!("`link {}` is not a link command", words.join(" ")))
                .hint("use: lab-hosts link show, or lab-hosts link [HOST] set --delay 50ms ..."),
        ),
    }
}

fn link_show(spec: &LabSpec, json: bool) -> Result<()> {
    let status = wire::status(&spec.lab)?;
    let mut out = cli::stdout();
    if json {
        return cli::write_json(
            &mut out,
            &lab::LinkStatus {
                lab: &spec.lab,
                topology: spec.topology.name(),
                wire: status,
            },
        );
    }
    let Some(status) = status else {
        let how = match spec.topology {
            lab::Topology::Pair => "a direct veth pair, nothing impaired (impair it with: sudo lab-hosts link set --delay 50ms)",
            lab::Topology::Switch => "veths to a bridge, nothing impaired (the wire joins a pair only)",
            lab::Topology::Router => "veths to the router, nothing impaired (the wire joins a pair only)",
        };
        cli::output(writeln!(out, "lab {:?}: {how}", spec.lab))?;
        return cli::output(out.flush());
    };
    let state = &status.state;
    cli::output(writeln!(
        out,
        "lab {:?}: {} <-> {} through the wire (namespace {}), seed {}, {}",
        spec.lab,
        state.ports[0].host,
        state.ports[1].host,
        state.netns,
        state.seed,
        match (status.running, state.pid) {
            (true, Some(pid)) => format!("pid {pid}"),
            _ => "NOT RUNNING (sudo lab-hosts up restarts it)".into(),
        }
    ))?;
    for (i, port) in state.ports.iter().enumerate() {
        cli::output(writeln!(
            out,
            "{} -> {}: {}",
            port.host,
            state.ports[1 - i].host,
            port.impairment.describe()
        ))?;
        let counters = status
            .stats
            .as_ref()
            .and_then(|s| s.directions.iter().find(|c| c.from == port.host));
        if let Some(c) = counters {
            cli::output(writeln!(
                out,
                "    {} frames ({} bytes): {} forwarded, {} lost, {} over the rate's queue, {} duplicated, {} corrupted, {} reordered",
                c.frames, c.bytes, c.forwarded, c.lost, c.overflow, c.duplicated, c.corrupted, c.reordered
            ))?;
        }
    }
    cli::output(writeln!(
        out,
        "log: {} (counters, at most 100 ms old: {})",
        wire::log_path(&spec.lab).display(),
        wire::stats_path(&spec.lab).display()
    ))?;
    cli::output(out.flush())
}

fn pingall(lab_name: &str, ipv6: bool, timeout: Option<Duration>) -> Result<()> {
    let spec = running_lab(lab_name)?;
    let timeout = match timeout {
        Some(timeout) => timeout,
        None => {
            // Long enough for the slowest round trip the wire makes.
            let slowest = wire::load(lab_name)?
                .map(|w| {
                    w.ports
                        .iter()
                        .map(|p| p.impairment.delay + p.impairment.jitter)
                        .sum::<u64>()
                })
                .unwrap_or(0);
            Duration::from_secs(1) + Duration::from_nanos(slowest) * 2
        }
    };
    let mut out = cli::stdout();
    cli::output(writeln!(out, "*** Ping: testing ping reachability"))?;
    cli::output(out.flush())?;
    let results = lab::pingall(&spec, ipv6, timeout)?;
    for host in &spec.hosts {
        let line: Vec<&str> = results
            .iter()
            .filter(|r| r.from == host.hostname)
            .map(|r| if r.rtt.is_some() { r.to.as_str() } else { "X" })
            .collect();
        cli::output(writeln!(out, "{} -> {} ", host.hostname, line.join(" ")))?;
    }
    let received = results.iter().filter(|r| r.rtt.is_some()).count();
    let sent = results.len();
    let dropped = (sent - received) * 100 / sent.max(1);
    cli::output(writeln!(
        out,
        "*** Results: {dropped}% dropped ({received}/{sent} received)"
    ))?;
    cli::output(out.flush())?;
    if received < sent {
        let missing: Vec<String> = results
            .iter()
            .filter(|r| r.rtt.is_none())
            .map(|r| format!("{} -> {} ({})", r.from, r.to, r.address))
            .collect();
        return Err(Error::failed(format!(
            "{} of {sent} pings got no reply: {}",
            sent - received,
            missing.join(", ")
        ))
        .hint("see what the wire does: sudo lab-hosts link show")
        .hint("and what each host has: sudo lab-hosts status"));
    }
    Ok(())
}

fn capture(lab_name: &str, options: &LabCaptureOptions) -> Result<()> {
    let spec = running_lab(lab_name)?;
    let mut out = cli::stdout();
    labcapture::run(&spec, options, &mut out)?;
    Ok(())
}

fn down(lab_name: &str) -> Result<()> {
    let report = lab::down(lab_name)?;
    let mut out = cli::stdout();
    if report.removed.is_empty() {
        cli::output(writeln!(
            out,
            "lab {lab_name:?} is not up; nothing to remove"
        ))?;
    }
    for removed in &report.removed {
        cli::output(writeln!(out, "removed {removed}"))?;
    }
    cli::output(out.flush())?;
    for (netns, pid, command) in &report.still_running {
        eprintln!(
            "lab-hosts: note: {command} (pid {pid}) still runs in {netns}; its network lives on until it exits"
        );
    }
    Ok(())
}

fn status(lab_name: &str, json: bool) -> Result<()> {
    let status = lab::status(lab_name)?;
    let mut out = cli::stdout();
    if json {
        let value = status.as_ref().map(lab::LabStatus::to_json);
        return cli::write_json(&mut out, &value);
    }
    let Some(status) = status else {
        cli::output(writeln!(
            out,
            "lab {lab_name:?} is not up (start it with: sudo lab-hosts up)"
        ))?;
        return cli::output(out.flush());
    };
    let subnets = match status.far_subnets {
        Some((far4, far6)) => format!(
            "{} and {} | {} and {}",
            status.subnet4, status.subnet6, far4, far6
        ),
        None => format!("{} and {}", status.subnet4, status.subnet6),
    };
    cli::output(writeln!(
        out,
        "lab {:?}: {} hosts on {subnets} ({})",
        status.lab,
        status.hosts.len(),
        status.topology
    ))?;
    cli::output(writeln!(
        out,
        "{:<12} {:<6} {:<17} {:<18} {:<20} STATE",
        "HOST", "NIC", "MAC", "IPv4", "IPv6"
    ))?;
    for host in &status.hosts {
        let Some(nic) = host.nic() else {
            let why = if host.nics.is_some() {
                "no eth0"
            } else {
                "namespace missing"
            };
            cli::output(writeln!(
                out,
                "{:<12} {why} (run `sudo lab-hosts up` to repair)",
                host.hostname
            ))?;
            continue;
        };
        // eth0 first, then any other NIC (the router's eth1).
        let others = host.nics.iter().flat_map(|t| &t.nics);
        let nics =
            std::iter::once(nic).chain(others.filter(|n| !n.is_loopback() && n.name != HOST_NIC));
        for nic in nics {
            let address = |family: u8| {
                nic.addresses
                    .iter()
                    .find(|a| a.family == family && a.scope == 0)
                    .and_then(|a| Some(format!("{}/{}", a.local?, a.prefix_len)))
                    .unwrap_or_else(|| "-".into())
            };
            cli::output(writeln!(
                out,
                "{:<12} {:<6} {:<17} {:<18} {:<20} {}",
                host.hostname,
                nic.name,
                nic.mac().unwrap_or_else(|| "-".into()),
                address(nics::AF_INET),
                address(nics::AF_INET6),
                nic.operstate_name()
            ))?;
        }
    }
    if let Some(wire) = &status.wire {
        let [a, b] = &wire.state.ports;
        cli::output(writeln!(
            out,
            "wire: {} -> {}: {}; {} -> {}: {}{}",
            a.host,
            b.host,
            a.impairment.describe(),
            b.host,
            a.host,
            b.impairment.describe(),
            if wire.running {
                ""
            } else {
                " (its process is NOT RUNNING: sudo lab-hosts up restarts it)"
            }
        ))?;
    }
    cli::output(out.flush())
}

fn exec(lab_name: &str, host: &str, command: &[String]) -> Result<()> {
    lab::require_privileges("lab-hosts exec")?;
    let record = lab::load(lab_name)?.ok_or_else(|| {
        Error::failed(format!("lab {lab_name:?} is not up"))
            .hint("start it with: sudo lab-hosts up")
    })?;
    let spec = record.spec;
    let target = spec.host(host).ok_or_else(|| {
        let names: Vec<&str> = spec.hosts.iter().map(|h| h.hostname.as_str()).collect();
        Error::usage(format!("{host:?} is not a host of lab {lab_name:?}"))
            .hint(format!("its hosts are: {}", names.join(", ")))
    })?;
    let env = HostEnv::prepare(&target.netns, &target.hostname)?;
    let mut child = std::process::Command::new(&command[0]);
    env.enter_when_run(child.args(&command[1..]));
    // exec replaces this process, so the command's exit status is ours; it only
    // returns on failure.
    let err = child.exec();
    Err(if err.kind() == std::io::ErrorKind::NotFound {
        Error::failed(format!("{}: command not found on {host}", command[0]))
    } else {
        Error::Io {
            context: format!("running {} on {host}", command[0]),
            source: err,
        }
    })
}
