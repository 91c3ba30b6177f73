//! lab-hosts: the handout's two VirtualBox hosts (brooklyn, midwood) as network
//! namespaces on this machine. Argument parsing and printing only; the lab is
//! `labnet::lab`.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use labnet::cli;
use labnet::error::{Error, Result};
use labnet::lab::{self, LabSpec, DEFAULT_LAB, DEFAULT_SUBNET4, DEFAULT_SUBNET6, HOST_NIC};
use labnet::netns::HostEnv;
use labnet::nics;

#[derive(Parser)]
#[command(
    version,
    about = "The handout's two-host lab (brooklyn and midwood) as network namespaces",
    long_about = "The handout's two-host lab (brooklyn and midwood) as network namespaces.\n\n\
        Each host is a network namespace that `ip netns` sees, with lo and one NIC, eth0, \
        on 192.168.56.0/24 (from .101) and fd00:56::/64. Two hosts are joined by a veth \
        pair, three or more by a bridge. Host names resolve inside the lab. Needs root.",
    after_help = "Examples:\n  \
        sudo lab-hosts up\n  \
        sudo lab-hosts exec midwood -- ping -c1 brooklyn\n  \
        sudo ip netns exec brooklyn ip address show\n  \
        sudo lab-hosts status\n  \
        sudo lab-hosts up --hosts brooklyn,midwood,flatbush --subnet 10.56.0.0/24\n  \
        sudo lab-hosts down"
)]
struct Args {
    /// Which lab to act on (several labs can coexist under different names)
    #[arg(long, global = true, default_value = DEFAULT_LAB, value_name = "NAME")]
    lab: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Bring the lab up (running it again on a complete lab changes nothing)
    Up {
        /// Host names, comma-separated; two make a veth pair, more a bridge
        #[arg(long, value_delimiter = ',', default_values_t = lab::DEFAULT_HOSTS.map(String::from))]
        hosts: Vec<String>,
        /// IPv4 subnet; hosts are numbered from .101
        #[arg(long, default_value = DEFAULT_SUBNET4, value_name = "CIDR")]
        subnet: String,
        /// IPv6 subnet; hosts are numbered ::101, ::102, ...
        #[arg(long, default_value = DEFAULT_SUBNET6, value_name = "CIDR")]
        subnet6: String,
    },
    /// Remove every namespace, link and /etc/netns entry the lab made
    Down,
    /// Show each host with its NIC, MAC, IPv4 and IPv6 addresses
    Status {
        /// One JSON document instead of the table
        #[arg(long)]
        json: bool,
    },
    /// Run a command on a lab host (like `ip netns exec`, with the host's name set)
    Exec {
        /// The lab host
        host: String,
        /// The command and its arguments
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        command: Vec<String>,
    },
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args: Args = cli::parse("lab-hosts");
    cli::run("lab-hosts", || match args.command {
        Command::Up {
            hosts,
            subnet,
            subnet6,
        } => up(&args.lab, &hosts, &subnet, &subnet6),
        Command::Down => down(&args.lab),
        Command::Status { json } => status(&args.lab, json),
        Command::Exec { host, command } => exec(&args.lab, &host, &command),
    })
}

fn up(lab_name: &str, hosts: &[String], subnet4: &str, subnet6: &str) -> Result<()> {
    let pairs: Vec<(String, String)> = hosts.iter().map(|h| (h.clone(), h.clone())).collect();
    let spec = LabSpec::plan(lab_name, &pairs, subnet4, subnet6)?;
    let report = lab::up(&spec)?;
    let mut out = cli::stdout();
    if report.changes.is_empty() {
        cli::output(writeln!(
            out,
            "lab {lab_name:?} is already up; nothing changed"
        ))?;
    }
    for change in &report.changes {
        cli::output(writeln!(out, "{change}"))?;
    }
    for host in &spec.hosts {
        cli::output(writeln!(
            out,
            "{:<12} {HOST_NIC} {}  {}/{}  {}/{}",
            host.hostname,
            host.mac,
            host.ipv4,
            spec.subnet4.prefix_len(),
            host.ipv6,
            spec.subnet6.prefix_len()
        ))?;
    }
    let first = &spec.hosts[0].hostname;
    let second = &spec.hosts[1].hostname;
    cli::output(writeln!(
        out,
        "try: sudo lab-hosts exec {second} -- ping -c1 {first}"
    ))?;
    cli::output(out.flush())
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
    cli::output(writeln!(
        out,
        "lab {:?}: {} hosts on {} and {} ({})",
        status.lab,
        status.hosts.len(),
        status.subnet4,
        status.subnet6,
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
