//! Scapy's `summary()` line: the layers joined by ` / `, each either its own summary
//! (`TCP 192.168.56.102:43522 > 192.168.56.101:5000 S`) or its class name.
//!
//! Scapy's rule: a layer with a summary of its own prints it only when no layer above
//! it has one; otherwise it prints its class name. HTTP, which Scapy does not dissect
//! unless asked to, is summarised as the single `Raw` Scapy shows for it.

use crate::addr::format_mac;
use crate::dissect::icmpv6::OwnSummary;
use crate::dissect::{dot11, icmp, icmpv6, igmp, ppp, tcp, Dissection, Kind, Layer};

/// How ports are shown: by /etc/services name (Scapy's default) or as numbers (`-n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ports {
    Named,
    Numeric,
}

/// Scapy's `summary()` of the packet `data`, dissected as `dissection`, e.g.
/// `Ether / IP / TCP 192.168.56.102:43522 > 192.168.56.101:5000 S`.
pub fn summary(dissection: &Dissection, data: &[u8], ports: Ports) -> String {
    let mut line = String::with_capacity(96);
    write_summary(&mut line, dissection, data, ports);
    line
}

/// Appends the summary to `out` (the per-packet path: one buffer, no temporaries).
pub fn write_summary(out: &mut String, dissection: &Dissection, data: &[u8], ports: Ports) {
    let layers = &dissection.layers;
    // Only the topmost layer that has a summary of its own prints it.
    let top = layers
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, layer)| own_summary(layer, data).map(|own| (i, own)));
    // Scapy's LLMNR and TFTP summaries ask for UDP's too (their mysummary returns
    // `[UDP]`), the PPPoE tag list's for the discovery header's (`[PPPoED]`).
    let udp_too = top.as_ref().is_some_and(|(at, _)| {
        matches!(
            layers[*at].kind,
            Kind::Llmnr { response: Some(_) } | Kind::Tftp(_)
        )
    });
    let discovery_too = top.as_ref().is_some_and(|(at, _)| {
        matches!(layers[*at].kind, Kind::Ppp { class, .. } if ppp::summary_needs_discovery(class))
    });
    // An SSID element's asks for the 802.11 header's (`[Dot11]`).
    let dot11_too = top.as_ref().is_some_and(|(at, _)| {
        matches!(layers[*at].kind, Kind::Dot11 { class, .. }
            if dot11::summary_needs_header(data, layers[*at].range.start, class))
    });
    let mut first = true;
    for (i, layer) in layers.iter().enumerate() {
        // The body after an HTTP header block is part of the one Raw Scapy shows.
        if matches!(layer.kind, Kind::Raw)
            && i > 0
            && matches!(layers[i - 1].kind, Kind::Http { .. })
        {
            continue;
        }
        if !first {
            out.push_str(" / ");
        }
        first = false;
        match &top {
            Some((at, Own::Made(text))) if *at == i => out.push_str(text),
            Some((at, Own::ToWrite)) if *at == i => layer_summary(out, dissection, i, data, ports),
            _ if udp_too && matches!(layer.kind, Kind::Udp { quoted: false, .. }) => {
                layer_summary(out, dissection, i, data, ports)
            }
            _ if discovery_too
                && matches!(
                    layer.kind,
                    Kind::Ppp {
                        class: ppp::Class::Pppoed,
                        ..
                    }
                ) =>
            {
                match own_summary(layer, data) {
                    Some(Own::Made(text)) => out.push_str(&text),
                    _ => out.push_str(layer.class()),
                }
            }
            _ if dot11_too
                && matches!(
                    layer.kind,
                    Kind::Dot11 {
                        class: dot11::Class::Header,
                        ..
                    }
                ) =>
            {
                match own_summary(layer, data) {
                    Some(Own::Made(text)) => out.push_str(&text),
                    _ => out.push_str(layer.class()),
                }
            }
            _ => out.push_str(layer.class()),
        }
    }
}

/// `-q`: only the part of the summary that says something, the topmost layer's own
/// summary (`TCP 192.168.56.102:43522 > 192.168.56.101:5000 S`); the whole line when
/// no layer has one.
pub fn write_quick(out: &mut String, dissection: &Dissection, data: &[u8], ports: Ports) {
    let top = dissection
        .layers
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, layer)| own_summary(layer, data).map(|own| (i, own)));
    match top {
        Some((_, Own::Made(text))) => out.push_str(&text),
        Some((i, Own::ToWrite)) => layer_summary(out, dissection, i, data, ports),
        None => write_summary(out, dissection, data, ports),
    }
}

/// A layer's own summary (Scapy's `mysummary`), for the layers that have one.
enum Own {
    /// Already made, while finding out whether there is one (ICMPv6 and ND options,
    /// whose summary depends on their type and fields).
    Made(String),
    /// To be written by `layer_summary`, which knows the layers around it.
    ToWrite,
}

fn own_summary(layer: &Layer, data: &[u8]) -> Option<Own> {
    match &layer.kind {
        Kind::Ether { .. }
        | Kind::Dot3 { .. }
        | Kind::Dot1Q { .. }
        | Kind::Arp { .. }
        | Kind::Ipv6 { quoted: false, .. }
        | Kind::Dns { .. }
        | Kind::Icmp { quoted: false, .. }
        | Kind::Igmp { .. }
        | Kind::Vxlan { .. } => Some(Own::ToWrite),
        Kind::Ipv4 { quoted, .. } | Kind::Tcp { quoted, .. } | Kind::Udp { quoted, .. } => {
            (!quoted).then_some(Own::ToWrite)
        }
        Kind::Ntp { version, mode, .. } => Some(Own::Made(format!(
            "NTP v{version}, {}",
            crate::dissect::ntp::mode_text(*mode)
        ))),
        Kind::ArpOther { .. } => Some(Own::Made(crate::dissect::arp_other_summary(
            data,
            layer.range.start,
        ))),
        Kind::Llmnr {
            response: Some(response),
        } => Some(Own::Made(crate::dissect::llmnr_summary(
            data,
            layer.range.clone(),
            *response,
        ))),
        // Scapy's DHCP.mysummary: only with a message-type option.
        Kind::Dhcp {
            message_type: Some(number),
        } => Some(Own::Made(format!(
            "DHCP {}",
            crate::dissect::dhcp_message_type(*number)
        ))),
        Kind::Ppp { class, end } => {
            ppp::summary(data, layer.range.clone(), *class, *end).map(Own::Made)
        }
        Kind::Eap { class, end } => {
            crate::dissect::eap::summary(data, layer.range.start, *class, *end).map(Own::Made)
        }
        Kind::Tftp(class) => {
            crate::dissect::tftp::summary(data, layer.range.clone(), *class).map(Own::Made)
        }
        Kind::Kerberos => Some(Own::Made(
            crate::dissect::kerberos::summary(data, layer.range.start).to_string(),
        )),
        Kind::Radius { end } => Some(Own::Made(crate::dissect::radius::summary(
            data,
            layer.range.start,
            *end,
        ))),
        Kind::Dot11 { class, end } => {
            crate::dissect::dot11::summary(data, layer.range.start, *class, *end).map(Own::Made)
        }
        Kind::Nbns(class) => {
            crate::dissect::nbns::summary(data, layer.range.clone(), *class).map(Own::Made)
        }
        Kind::Icmpv6 { .. } => {
            icmpv6::message_summary(data, layer.range.clone()).map(|own| Own::Made(words(&own)))
        }
        Kind::NdOption { .. } => {
            icmpv6::option_summary(data, layer.range.clone()).map(|own| Own::Made(words(&own)))
        }
        _ => None,
    }
}

/// An ICMPv6 message's or ND option's own summary in Scapy's words.
fn words(own: &OwnSummary) -> String {
    match own {
        OwnSummary::Echo { reply, id, seq } => {
            let name = if *reply {
                "ICMPv6 Echo Reply"
            } else {
                "ICMPv6 Echo Request"
            };
            format!("{name} (id: {id} seq: {seq})")
        }
        OwnSummary::RouterAdvertisement {
            lifetime,
            hop_limit,
            preference,
            managed,
            other,
            home,
        } => format!(
            "ICMPv6 Neighbor Discovery - Router Advertisement Lifetime {lifetime} Hop Limit \
             {hop_limit} Preference {preference} Managed {managed} Other {other} Home {home}"
        ),
        OwnSummary::Neighbor { name, target } => format!("{name} (tgt: {target})"),
        OwnSummary::OptionValue { name, value } => format!("{name} {value}"),
        OwnSummary::Prefix {
            name,
            prefix,
            length,
            on_link,
            autonomous,
            router_address,
        } => format!(
            "{name} {prefix}/{length} On-link {on_link} Autonomous Address {autonomous} \
             Router Address {router_address}"
        ),
        OwnSummary::DnsServers { name, servers } => format!("{name} {}", servers.join(", ")),
        OwnSummary::Pref64 {
            name,
            prefix,
            length,
        } => format!("{name} {prefix}{length}"),
    }
}

/// An EtherType as Scapy's `%type%` shows it: its name (`LLDP`, `802_1AE`), else the
/// number in Python's `hex()` (`0x842`: lower case, no padding).
struct EtherType(u16);

impl std::fmt::Display for EtherType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match crate::netbase::ethertype_name(self.0) {
            Some(name) => f.write_str(name),
            None => write!(f, "{:#x}", self.0),
        }
    }
}

/// Writes the layer's own summary, for the layers whose summary is `Own::ToWrite`.
fn layer_summary(out: &mut String, dissection: &Dissection, i: usize, data: &[u8], ports: Ports) {
    use std::fmt::Write as _;
    let layers = &dissection.layers;
    let layer = &layers[i];
    match &layer.kind {
        Kind::Ether {
            dst,
            src,
            ethertype,
        } => {
            let _ = write!(
                out,
                "{} > {} ({})",
                format_mac(src),
                format_mac(dst),
                EtherType(*ethertype)
            );
        }
        Kind::Dot3 { dst, src } => {
            let _ = write!(out, "802.3 {} > {}", format_mac(src), format_mac(dst));
        }
        // Scapy's Dot1Q.mysummary: the Ethernet addresses only right above Ether.
        Kind::Dot1Q {
            vlan, ethertype, ..
        } => {
            let _ = match i.checked_sub(1).map(|below| &layers[below].kind) {
                Some(Kind::Ether { src, dst, .. }) => write!(
                    out,
                    "802.1q {} > {} ({}) vlan {vlan}",
                    format_mac(src),
                    format_mac(dst),
                    EtherType(*ethertype)
                ),
                _ => write!(out, "802.1q ({}) vlan {vlan}", EtherType(*ethertype)),
            };
        }
        Kind::Arp {
            op,
            hwsrc,
            psrc,
            pdst,
            ..
        } => {
            let _ = match op {
                1 => write!(out, "ARP who has {pdst} says {psrc}"),
                2 => write!(out, "ARP is at {} says {psrc}", format_mac(hwsrc)),
                other => match crate::dissect::arp_operation(u64::from(*other)) {
                    Some(name) => write!(out, "ARP {name} {psrc} > {pdst}"),
                    None => write!(out, "ARP {other} {psrc} > {pdst}"),
                },
            };
        }
        Kind::Ipv4 {
            src,
            dst,
            protocol,
            fragment_offset,
            ..
        } => {
            super::text::ipv4(out, *src);
            out.push_str(" > ");
            super::text::ipv4(out, *dst);
            out.push(' ');
            match crate::netbase::protocol_name(*protocol) {
                Some(name) => out.push_str(name),
                None => push_number(out, u64::from(*protocol)),
            }
            if *fragment_offset != 0 {
                out.push_str(" frag:");
                push_number(out, u64::from(*fragment_offset));
            }
        }
        Kind::Ipv6 {
            src,
            dst,
            next_header,
            ..
        } => {
            let _ = write!(out, "{src} > {dst} ({next_header})");
        }
        Kind::Tcp {
            sport,
            dport,
            flags,
            ..
        } => {
            out.push_str("TCP ");
            endpoints(out, dissection, i, (*sport, *dport), "tcp", ports);
            out.push(' ');
            for (bit, letter) in tcp::FLAG_LETTERS.iter().enumerate() {
                if flags & (1 << bit) != 0 {
                    out.push_str(letter);
                }
            }
        }
        Kind::Udp { sport, dport, .. } => {
            out.push_str("UDP ");
            endpoints(out, dissection, i, (*sport, *dport), "udp", ports);
        }
        Kind::Icmp {
            icmp_type, code, ..
        } => {
            out.push_str("ICMP ");
            // Scapy names the addresses only right above an IPv4 header.
            if let Some(Kind::Ipv4 { src, dst, .. }) = layers[..i].last().map(|l| &l.kind) {
                super::text::ipv4(out, *src);
                out.push_str(" > ");
                super::text::ipv4(out, *dst);
                out.push(' ');
            }
            match icmp::type_name(u64::from(*icmp_type)) {
                Some(name) => out.push_str(name),
                None => push_number(out, u64::from(*icmp_type)),
            }
            out.push(' ');
            match icmp::code_name(*icmp_type, *code) {
                Some(name) => out.push_str(name),
                None => push_number(out, u64::from(*code)),
            }
        }
        // Scapy's IGMP.mysummary and IGMPv3.mysummary: the addresses when right above IP.
        Kind::Igmp {
            class,
            igmp_type,
            group,
        } => {
            out.push_str(if class.v3() { "IGMPv3" } else { "IGMP" });
            // Above IPerror, Scapy's `%IP.src%` finds no layer named IP: `??`.
            match layers[..i].last().map(|l| &l.kind) {
                Some(Kind::Ipv4 { quoted: true, .. }) => out.push_str(": ?? > ??"),
                Some(Kind::Ipv4 { src, dst, .. }) => {
                    out.push_str(": ");
                    super::text::ipv4(out, *src);
                    out.push_str(" > ");
                    super::text::ipv4(out, *dst);
                }
                _ => {}
            }
            out.push(' ');
            out.push_str(&igmp::type_text(*class, *igmp_type));
            if let Some(group) = group {
                out.push(' ');
                super::text::ipv4(out, *group);
            }
        }
        Kind::Vxlan { vni, group_policy } => {
            let _ = match group_policy {
                Some(gpid) => write!(out, "VXLAN (vni={vni:#x} gpid={gpid})"),
                None => write!(out, "VXLAN (vni={vni:#x})"),
            };
        }
        Kind::Dns { mdns, tcp } => out.push_str(&crate::dissect::dns_summary(
            data,
            layer.range.clone(),
            *tcp,
            *mdns,
        )),
        _ => out.push_str(layer.class()),
    }
}

/// `SRC:SPORT > DST:DPORT` with the addresses of the IP layer right below layer
/// `index`, as Scapy's TCP and UDP summaries show them; ports alone under anything
/// else (an extension header).
fn endpoints(
    out: &mut String,
    dissection: &Dissection,
    index: usize,
    (sport, dport): (u16, u16),
    protocol: &str,
    ports: Ports,
) {
    let below = dissection.layers[..index].last().map(|l| &l.kind);
    for (n, port) in [sport, dport].into_iter().enumerate() {
        if n == 1 {
            out.push_str(" > ");
        }
        match below {
            Some(Kind::Ipv4 { src, dst, .. }) => {
                super::text::ipv4(out, if n == 0 { *src } else { *dst });
                out.push(':');
            }
            Some(Kind::Ipv6 { src, dst, .. }) => {
                use std::fmt::Write as _;
                let _ = write!(out, "{}:", if n == 0 { src } else { dst });
            }
            _ => {}
        }
        match (ports, crate::netbase::service_name(port, protocol)) {
            (Ports::Named, Some(name)) => out.push_str(name),
            _ => push_number(out, u64::from(port)),
        }
    }
}

fn push_number(out: &mut String, n: u64) {
    out.push_str(itoa::Buffer::new().format(n));
}
