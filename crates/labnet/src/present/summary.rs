//! Scapy's `summary()` line: the layers joined by ` / `, each either its own summary
//! (`TCP 192.168.56.102:43522 > 192.168.56.101:5000 S`) or its class name.
//!
//! Scapy's rule: a layer with a summary of its own prints it only when no layer above
//! it has one; otherwise it prints its class name. HTTP, which Scapy does not dissect
//! unless asked to, is summarised as the single `Raw` Scapy shows for it.

use crate::dissect::{icmp, icmpv6, tcp, Dissection, Kind, Layer};
use crate::nics::format_mac;

/// How ports are shown: by /etc/services name (Scapy's default) or as numbers (`-n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ports {
    Named,
    Numeric,
}

/// Scapy's `summary()` of the packet `data`, dissected as `dissection`, e.g.
/// `Ether / IP / TCP 192.168.56.102:43522 > 192.168.56.101:5000 S`.
pub fn summary(dissection: &Dissection, data: &[u8], ports: Ports) -> String {
    let layers = &dissection.layers;
    let mut found_above = vec![false; layers.len()];
    for i in (0..layers.len().saturating_sub(1)).rev() {
        found_above[i] = found_above[i + 1] || own_summary(&layers[i + 1], data).is_some();
    }
    let mut parts: Vec<String> = Vec::with_capacity(layers.len());
    for (i, layer) in layers.iter().enumerate() {
        // The body after an HTTP header block is part of the one Raw Scapy shows.
        if matches!(layer.kind, Kind::Raw)
            && i > 0
            && matches!(layers[i - 1].kind, Kind::Http { .. })
        {
            continue;
        }
        let own = (!found_above[i])
            .then(|| layer_summary(dissection, i, data, ports))
            .flatten();
        parts.push(own.unwrap_or_else(|| class_name(layer).to_string()));
    }
    parts.join(" / ")
}

/// Scapy's class name of a layer, what the summary shows for layers without a summary
/// of their own (or with one that a layer above outranks).
pub fn class_name(layer: &Layer) -> &'static str {
    match &layer.kind {
        Kind::Ether { .. } => "Ether",
        Kind::Dot3 { .. } => "Dot3",
        Kind::Llc => "LLC",
        Kind::Snap => "SNAP",
        Kind::Stp => "STP",
        Kind::Dot1Q { outer: false, .. } => "Dot1Q",
        Kind::Dot1Q { outer: true, .. } => "Dot1AD",
        Kind::Sll { version: 1, .. } => "CookedLinux",
        Kind::Sll { .. } => "CookedLinuxV2",
        Kind::Loopback { openbsd: false } => "Loopback",
        Kind::Loopback { openbsd: true } => "LoopbackOpenBSD",
        Kind::Arp { .. } => "ARP",
        Kind::Ipv4 { quoted: false, .. } => "IP",
        Kind::Ipv4 { quoted: true, .. } => "IPerror",
        Kind::Ipv6 { quoted: false, .. } => "IPv6",
        Kind::Ipv6 { quoted: true, .. } => "IPerror6",
        Kind::Ipv6HopByHop => "IPv6ExtHdrHopByHop",
        Kind::Ipv6DestOpt => "IPv6ExtHdrDestOpt",
        Kind::Ipv6Routing => "IPv6ExtHdrRouting",
        Kind::Ipv6Fragment { .. } => "IPv6ExtHdrFragment",
        Kind::Tcp { quoted: false, .. } => "TCP",
        Kind::Tcp { quoted: true, .. } => "TCPerror",
        Kind::Udp { quoted: false, .. } => "UDP",
        Kind::Udp { quoted: true, .. } => "UDPerror",
        Kind::Icmp { quoted: false, .. } => "ICMP",
        Kind::Icmp { quoted: true, .. } => "ICMPerror",
        Kind::Icmpv6 { icmp_type, .. } => icmpv6::class_name(*icmp_type, layer.range.len()),
        Kind::NdOption { option, .. } => match option {
            1 => "ICMPv6NDOptSrcLLAddr",
            2 => "ICMPv6NDOptDstLLAddr",
            3 => "ICMPv6NDOptPrefixInfo",
            5 => "ICMPv6NDOptMTU",
            25 => "ICMPv6NDOptRDNSS",
            _ => "ICMPv6NDOptUnknown",
        },
        Kind::Dns { .. } => "DNS",
        Kind::Http { .. } | Kind::Raw => "Raw",
        Kind::Padding => "Padding",
    }
}

/// A layer's own summary (Scapy's `mysummary`), for the layers that have one, without
/// the context-dependent parts (ports by name, the IP addresses below).
fn own_summary(layer: &Layer, data: &[u8]) -> Option<()> {
    match &layer.kind {
        Kind::Ether { .. }
        | Kind::Dot3 { .. }
        | Kind::Dot1Q { .. }
        | Kind::Arp { .. }
        | Kind::Ipv6 { quoted: false, .. }
        | Kind::Dns { .. }
        | Kind::Icmp { quoted: false, .. } => Some(()),
        Kind::Ipv4 { quoted, .. } | Kind::Tcp { quoted, .. } | Kind::Udp { quoted, .. } => {
            (!quoted).then_some(())
        }
        Kind::Icmpv6 { .. } => icmpv6::message_summary(data, layer.range.clone()).map(|_| ()),
        Kind::NdOption { .. } => icmpv6::option_summary(data, layer.range.clone()).map(|_| ()),
        _ => None,
    }
}

/// The layer's own summary text, for layers that have one.
fn layer_summary(dissection: &Dissection, i: usize, data: &[u8], ports: Ports) -> Option<String> {
    let layers = &dissection.layers;
    let layer = &layers[i];
    own_summary(layer, data)?;
    Some(match &layer.kind {
        Kind::Ether {
            dst,
            src,
            ethertype,
        } => format!(
            "{} > {} ({ethertype:#06x})",
            format_mac(src),
            format_mac(dst)
        ),
        Kind::Dot3 { dst, src } => format!("802.3 {} > {}", format_mac(src), format_mac(dst)),
        // Scapy's Dot1Q.mysummary: the Ethernet addresses only right above Ether.
        Kind::Dot1Q {
            vlan, ethertype, ..
        } => match i.checked_sub(1).map(|below| &layers[below].kind) {
            Some(Kind::Ether { src, dst, .. }) => format!(
                "802.1q {} > {} ({ethertype:#06x}) vlan {vlan}",
                format_mac(src),
                format_mac(dst)
            ),
            _ => format!("802.1q ({ethertype:#06x}) vlan {vlan}"),
        },
        Kind::Arp {
            op,
            hwsrc,
            psrc,
            pdst,
            ..
        } => match op {
            1 => format!("ARP who has {pdst} says {psrc}"),
            2 => format!("ARP is at {} says {psrc}", format_mac(hwsrc)),
            other => format!(
                "ARP {} {psrc} > {pdst}",
                crate::dissect::arp_operation(u64::from(*other))
                    .map_or_else(|| other.to_string(), str::to_string)
            ),
        },
        Kind::Ipv4 {
            src,
            dst,
            protocol,
            fragment_offset,
            ..
        } => {
            let name = crate::netbase::protocol_name(*protocol)
                .map_or_else(|| protocol.to_string(), str::to_string);
            let mut text = format!("{src} > {dst} {name}");
            if *fragment_offset != 0 {
                text += &format!(" frag:{fragment_offset}");
            }
            text
        }
        Kind::Ipv6 {
            src,
            dst,
            next_header,
            ..
        } => format!("{src} > {dst} ({next_header})"),
        Kind::Tcp {
            sport,
            dport,
            flags,
            ..
        } => {
            let (sport, dport) = (
                port_name(*sport, "tcp", ports),
                port_name(*dport, "tcp", ports),
            );
            let flags = tcp_flags(*flags);
            match ip_endpoints(dissection, i) {
                Some((src, dst)) => format!("TCP {src}:{sport} > {dst}:{dport} {flags}"),
                None => format!("TCP {sport} > {dport} {flags}"),
            }
        }
        Kind::Udp { sport, dport, .. } => {
            let (sport, dport) = (
                port_name(*sport, "udp", ports),
                port_name(*dport, "udp", ports),
            );
            match ip_endpoints(dissection, i) {
                Some((src, dst)) => format!("UDP {src}:{sport} > {dst}:{dport}"),
                None => format!("UDP {sport} > {dport}"),
            }
        }
        Kind::Icmp {
            icmp_type, code, ..
        } => {
            let kind = icmp::type_name(u64::from(*icmp_type))
                .map_or_else(|| icmp_type.to_string(), str::to_string);
            let code =
                icmp::code_name(*icmp_type, *code).map_or_else(|| code.to_string(), str::to_string);
            // Scapy names the addresses only right above an IPv4 header.
            match layers[..i].last().map(|l| &l.kind) {
                Some(Kind::Ipv4 { src, dst, .. }) => format!("ICMP {src} > {dst} {kind} {code}"),
                _ => format!("ICMP {kind} {code}"),
            }
        }
        Kind::Icmpv6 { .. } => icmpv6::message_summary(data, layer.range.clone())?,
        Kind::NdOption { .. } => icmpv6::option_summary(data, layer.range.clone())?,
        Kind::Dns { mdns, tcp } => {
            crate::dissect::dns_summary(data, layer.range.clone(), *tcp, *mdns)
        }
        _ => return None,
    })
}

/// The addresses of the IP layer right below layer `index`, as Scapy's TCP and UDP
/// summaries show them (`src:port`); `None` under anything else (an extension
/// header), where Scapy shows ports alone.
fn ip_endpoints(dissection: &Dissection, index: usize) -> Option<(String, String)> {
    match &dissection.layers[..index].last()?.kind {
        Kind::Ipv4 { src, dst, .. } => Some((src.to_string(), dst.to_string())),
        Kind::Ipv6 { src, dst, .. } => Some((src.to_string(), dst.to_string())),
        _ => None,
    }
}

/// Scapy's flag letters, in bit order: F S R P A U E C N.
fn tcp_flags(flags: u16) -> String {
    tcp::FLAG_LETTERS
        .iter()
        .enumerate()
        .filter(|(bit, _)| flags & (1 << bit) != 0)
        .map(|(_, letter)| *letter)
        .collect()
}

fn port_name(port: u16, protocol: &str, ports: Ports) -> String {
    match (ports, crate::netbase::service_name(port, protocol)) {
        (Ports::Named, Some(name)) => name.to_string(),
        _ => port.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tcp_flags_are_letters_in_scapys_order() {
        assert_eq!(tcp_flags(0x012), "SA");
        assert_eq!(tcp_flags(0x018), "PA");
        assert_eq!(tcp_flags(0x011), "FA");
        assert_eq!(tcp_flags(0x0c2), "SEC");
        assert_eq!(tcp_flags(0), "");
    }
}
