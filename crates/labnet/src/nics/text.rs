//! NICs as `ip address show` prints them, line for line, plus labnet's `--layers`
//! notes that place each address in the TCP/IP layer model.

use std::io::{self, Write};

use super::{names, Lower, Nic, NicAddress, NicTable, AF_INET, AF_INET6};

/// What to show, as `ip`'s options do.
#[derive(Debug, Clone, Copy, Default)]
pub struct ShowOptions {
    /// Only this address family (AF_INET or AF_INET6), as `ip -4` / `ip -6`.
    pub family: Option<u8>,
    /// Only NICs that are administratively up, as `ip address show up`.
    pub up_only: bool,
    /// Packet and byte counters, as `ip -s`.
    pub stats: bool,
    /// Explain which TCP/IP layer each address belongs to.
    pub layers: bool,
    /// One line per NIC: name, state, addresses (`ip -br address`).
    pub brief: bool,
}

impl ShowOptions {
    /// The link dump `ip` makes for these options: `ip -6 address show` without a
    /// device asks for the IPv6 view of the links.
    pub fn link_dump(&self, device: Option<&str>) -> super::LinkDump {
        if self.family == Some(AF_INET6) && device.is_none() {
            super::LinkDump::Inet6
        } else {
            super::LinkDump::Full
        }
    }
}

/// The NICs that `ip` would print for these options, in its order. `name` selects one.
pub fn select<'a>(table: &'a NicTable, name: Option<&str>, options: &ShowOptions) -> Vec<&'a Nic> {
    table
        .nics
        .iter()
        .filter(|nic| name.is_none_or(|n| nic.name == n || nic.altnames.iter().any(|a| a == n)))
        .filter(|nic| !options.up_only || nic.is_up())
        // With a family filter, ip leaves out NICs without an address of that family.
        .filter(|nic| {
            options
                .family
                .is_none_or(|f| nic.addresses.iter().any(|a| a.family == f))
        })
        .collect()
}

/// Writes the selected NICs in `ip address show`'s text format.
pub fn write(
    out: &mut impl Write,
    table: &NicTable,
    nics: &[&Nic],
    options: &ShowOptions,
) -> io::Result<()> {
    for nic in nics {
        if options.brief {
            write_brief(out, table, nic, options)?;
        } else {
            write_nic(out, table, nic, options)?;
        }
    }
    Ok(())
}

/// `ip -br address`'s line: name (with its link) and state in columns, then each
/// address as `local/prefix` (`local peer address/prefix` for point-to-point).
fn write_brief(
    out: &mut impl Write,
    table: &NicTable,
    nic: &Nic,
    options: &ShowOptions,
) -> io::Result<()> {
    let name = format!("{}{}", nic.name, link_suffix(table.lower(nic)));
    write!(out, "{name:<16} {:<14} ", nic.operstate_name())?;
    for address in nic
        .addresses
        .iter()
        .filter(|a| options.family.is_none_or(|f| a.family == f))
    {
        if let Some(local) = address.local {
            write!(out, "{local}")?;
            if let Some(peer) = address.address.filter(|a| *a != local) {
                write!(out, " peer {peer}")?;
            }
            write!(out, "/{} ", address.prefix_len)?;
        }
    }
    writeln!(out)
}

/// What follows a NIC's name: `@NONE`, `@if2` (a peer in another namespace), `@vb`.
fn link_suffix(lower: Option<Lower>) -> String {
    match lower {
        Some(Lower::None) => "@NONE".into(),
        Some(Lower::OtherNetns(index) | Lower::Unknown(index)) => format!("@if{index}"),
        Some(Lower::Local { name, .. }) => format!("@{name}"),
        None => String::new(),
    }
}

fn write_nic(
    out: &mut impl Write,
    table: &NicTable,
    nic: &Nic,
    options: &ShowOptions,
) -> io::Result<()> {
    let lower = table.lower(nic);
    write!(out, "{}: {}{}: ", nic.index, nic.name, link_suffix(lower))?;
    write!(
        out,
        "<{}> ",
        names::link_flags(nic.flags, lower.is_some_and(|l| l.is_down())).join(",")
    )?;
    if let Some(mtu) = nic.mtu {
        write!(out, "mtu {mtu} ")?;
    }
    if let Some(qdisc) = &nic.qdisc {
        write!(out, "qdisc {qdisc} ")?;
    }
    if let Some(master) = nic.master {
        write!(out, "master {} ", index_name(table, master))?;
    }
    if nic.operstate.is_some() {
        write!(out, "state {} ", nic.operstate_name())?;
    }
    if let Some(group) = nic.group {
        write!(out, "group {} ", names::group(group))?;
    }
    if let Some(qlen) = nic.txqlen.filter(|q| *q != 0) {
        write!(out, "qlen {qlen}")?;
    }
    // Like ip, the peer's namespace ends the link line, or the first line when a
    // family filter leaves the link line out.
    if options.family.is_some() {
        write_link_netns(out, table, nic)?;
    }
    writeln!(out)?;
    if options.family.is_none() {
        write!(out, "    link/{} ", names::link_type(nic.link_type))?;
        if let Some(address) = &nic.address {
            write!(out, "{}", names::link_address(address, nic.link_type))?;
        }
        if let Some(broadcast) = &nic.broadcast {
            let word = if nic.flags & 0x10 != 0 { "peer" } else { "brd" };
            write!(
                out,
                " {word} {}",
                names::link_address(broadcast, nic.link_type)
            )?;
        }
        write_link_netns(out, table, nic)?;
        writeln!(out)?;
    }
    for altname in &nic.altnames {
        writeln!(out, "    altname {altname}")?;
    }
    if options.layers && options.family.is_none() {
        writeln!(out, "       {}", link_layer_note(nic))?;
    }
    for address in nic
        .addresses
        .iter()
        .filter(|a| options.family.is_none_or(|f| a.family == f))
    {
        write_address(out, address)?;
        if options.layers {
            writeln!(out, "       {}", internet_layer_note(address))?;
        }
    }
    if options.stats {
        if let Some(s) = &nic.stats {
            writeln!(
                out,
                "    RX:  bytes packets errors dropped  missed   mcast           "
            )?;
            writeln!(
                out,
                "    {:>10} {:>7} {:>6} {:>7} {:>7} {:>7} ",
                s.rx_bytes,
                s.rx_packets,
                s.rx_errors,
                s.rx_dropped,
                s.rx_missed_errors,
                s.multicast
            )?;
            writeln!(
                out,
                "    TX:  bytes packets errors dropped carrier collsns           "
            )?;
            writeln!(
                out,
                "    {:>10} {:>7} {:>6} {:>7} {:>7} {:>7} ",
                s.tx_bytes,
                s.tx_packets,
                s.tx_errors,
                s.tx_dropped,
                s.tx_carrier_errors,
                s.collisions
            )?;
        }
    }
    Ok(())
}

fn write_link_netns(out: &mut impl Write, table: &NicTable, nic: &Nic) -> io::Result<()> {
    match nic.link_netnsid {
        Some(id) if id >= 0 => match table.netns_names.get(&id) {
            Some(name) => write!(out, " link-netns {name}"),
            None => write!(out, " link-netnsid {id}"),
        },
        Some(_) => write!(out, " link-netnsid unknown"),
        None => Ok(()),
    }
}

fn index_name(table: &NicTable, index: u32) -> String {
    table
        .by_index(index)
        .map_or_else(|| format!("if{index}"), |n| n.name.clone())
}

fn write_address(out: &mut impl Write, address: &NicAddress) -> io::Result<()> {
    match names::family(address.family) {
        Some(family) => write!(out, "    {family} ")?,
        None => write!(out, "    family {} ", address.family)?,
    }
    if let Some(local) = address.local {
        write!(out, "{local}")?;
        if let Some(peer) = address.address.filter(|a| *a != local) {
            write!(out, " peer {peer}")?;
        }
        write!(out, "/{} ", address.prefix_len)?;
    }
    if let Some(broadcast) = address.broadcast {
        write!(out, "brd {broadcast} ")?;
    }
    if let Some(anycast) = address.anycast {
        write!(out, "any {anycast} ")?;
    }
    write!(out, "scope {} ", names::scope(address.scope))?;
    let (words, rest) = names::address_flags(address.family, address.flags);
    for word in words {
        write!(out, "{word} ")?;
    }
    if rest != 0 {
        write!(out, "flags {rest:02x} ")?;
    }
    if let Some(label) = &address.label {
        write!(out, "{label}")?;
    }
    writeln!(out)?;
    if let (Some(valid), Some(preferred)) = (address.valid_lft, address.preferred_lft) {
        write!(out, "       valid_lft {} preferred_lft ", lifetime(valid))?;
        if preferred != u32::MAX && address.flags & 0x20 != 0 {
            // A deprecated address's preferred lifetime is printed signed.
            writeln!(out, "{}sec", preferred as i32)?;
        } else {
            writeln!(out, "{}", lifetime(preferred))?;
        }
    }
    Ok(())
}

fn lifetime(seconds: u32) -> String {
    if seconds == u32::MAX {
        "forever".into()
    } else {
        format!("{seconds}sec")
    }
}

/// Where the link-layer address sits in the TCP/IP model.
fn link_layer_note(nic: &Nic) -> String {
    if nic.is_loopback() {
        return "layer: link (loopback). lo is this host talking to itself: packets to 127.0.0.0/8 or ::1 \
                never leave the host, so a server bound to 127.0.0.1 cannot be reached from another host"
            .into();
    }
    match nic.link_type {
        1 => "layer: link (Ethernet MAC address). Identifies this NIC on the wire inside its own segment; \
              frames carry it, routers replace it hop by hop"
            .into(),
        _ => format!(
            "layer: link ({}). The link layer of this NIC, below IP",
            names::link_type(nic.link_type)
        ),
    }
}

/// Where an IP address sits in the TCP/IP model.
fn internet_layer_note(address: &NicAddress) -> String {
    let family = match address.family {
        AF_INET => "IPv4",
        AF_INET6 => "IPv6",
        _ => "other",
    };
    let role = match address.scope {
        254 => "host scope: reachable only from this host",
        253 => "link scope: valid only on this link, never routed",
        _ => "global scope: the address other hosts connect to; routers forward packets to it between networks",
    };
    format!("layer: internet ({family} address). {role}")
}
