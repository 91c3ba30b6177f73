//! nic-show: the network interfaces and their addresses, as `ip address show` prints
//! them (handout Exercise 1.1-1.3), with `--layers` to place each address in the
//! TCP/IP model. Argument parsing and printing only; the logic is `labnet::nics`.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use labnet::error::{Error, Result};
use labnet::nics::{self, text::ShowOptions};
use labnet::{cli, lab, routes};

#[derive(Parser)]
#[command(
    version,
    about = "Network interfaces (NICs) and their addresses, as `ip address show`",
    after_help = "Examples:\n  \
        nic-show                      every NIC, as `ip address show`\n  \
        nic-show eth0 --layers        one NIC, each address placed in the TCP/IP layers\n  \
        nic-show -4 --up              IPv4 addresses of NICs that are up\n  \
        nic-show --json               the JSON of `ip -j address show`\n  \
        sudo nic-show --netns midwood  a lab host's NICs (see lab-hosts)"
)]
struct Args {
    /// Show only this interface (name or altname)
    #[arg(add = labnet::completion::interfaces())]
    iface: Option<String>,
    /// One JSON document with the fields of `ip -j address show`
    #[arg(long)]
    json: bool,
    /// Add packet, byte, error and drop counters (64-bit), as `ip -s`
    #[arg(short = 's', long)]
    stats: bool,
    /// Say which TCP/IP layer each address belongs to and what it is for
    #[arg(long)]
    layers: bool,
    /// IPv4 addresses only
    #[arg(short = '4', conflicts_with = "ipv6")]
    ipv4: bool,
    /// IPv6 addresses only
    #[arg(short = '6')]
    ipv6: bool,
    /// Only interfaces that are up
    #[arg(long)]
    up: bool,
    /// One line per interface: name, state, addresses, as `ip -br address` (`-br`
    /// works too)
    #[arg(long = "brief", conflicts_with_all = ["stats", "layers"])]
    brief: bool,
    /// Look inside a network namespace or lab host instead of this one (needs root)
    #[arg(long, value_name = "HOST", add = labnet::completion::lab_hosts())]
    netns: Option<String>,
    /// The routing table instead, as `ip route show` (IPv4; -6 for IPv6): where a
    /// packet to each destination goes
    #[arg(long, conflicts_with_all = ["neigh", "iface", "stats", "up"])]
    routes: bool,
    /// The neighbour (ARP and IPv6 neighbour discovery) cache instead, as `ip neigh
    /// show`: which MAC each IP address on a link is at
    #[arg(long, conflicts_with_all = ["iface", "stats", "up"])]
    neigh: bool,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    // `ip -br` is one word with one dash; clap would read -b -r.
    let words = std::env::args_os().map(|w| if w == "-br" { "--brief".into() } else { w });
    let args: Args = cli::parse_from("nic-show", words);
    cli::run("nic-show", || show(&args))
}

fn show(args: &Args) -> Result<()> {
    if args.routes || args.neigh {
        return tables(args);
    }
    let options = ShowOptions {
        family: match (args.ipv4, args.ipv6) {
            (true, _) => Some(nics::AF_INET),
            (_, true) => Some(nics::AF_INET6),
            _ => None,
        },
        up_only: args.up,
        stats: args.stats,
        layers: args.layers,
        brief: args.brief,
    };
    let namespace = args.netns.as_deref().map(lab::open_netns).transpose()?;
    let table = nics::read_in(
        namespace.as_ref(),
        options.link_dump(args.iface.as_deref()),
        args.stats,
    )?;
    if let Some(name) = &args.iface {
        if table.find(name).is_none() {
            let names: Vec<&str> = table.nics.iter().map(|n| n.name.as_str()).collect();
            return Err(Error::failed(format!("no interface named {name:?}"))
                .hint(format!("the interfaces here: {}", names.join(", "))));
        }
    }
    let selected = nics::text::select(&table, args.iface.as_deref(), &options);
    let mut out = cli::stdout();
    if args.json {
        let document = nics::json::NicsJson {
            table: &table,
            nics: &selected,
            options: &options,
        };
        return cli::write_json(&mut out, &document);
    }
    cli::output(nics::text::write(&mut out, &table, &selected, &options))?;
    cli::output(out.flush())
}

/// `--routes` and `--neigh`: the internet layer's tables.
fn tables(args: &Args) -> Result<()> {
    let namespace = args.netns.as_deref().map(lab::open_netns).transpose()?;
    let entries = if args.routes {
        routes::route_entries(namespace.as_ref(), args.ipv6)?
    } else {
        let family = (args.ipv4 || args.ipv6).then_some(args.ipv6);
        routes::neighbour_entries(namespace.as_ref(), family)?
    };
    let mut out = cli::stdout();
    if args.json {
        return cli::write_json(&mut out, &routes::json_document(&entries));
    }
    for entry in &entries {
        cli::output(out.write_all(entry.line.as_bytes()))?;
        if args.layers {
            cli::output(writeln!(out, "    {}", entry.meaning))?;
        }
    }
    cli::output(out.flush())
}
