//! Printing a dissected packet the way Scapy prints it: `summary()` lines and
//! `hexdump()`. Functions of a [`Dissection`] and the packet's bytes; they never parse.

use std::io::{self, Write};

use crate::dissect::{Dissection, Kind};
use crate::nics::format_mac;

/// How ports are shown: by /etc/services name (Scapy's default) or as numbers (`-n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ports {
    Named,
    Numeric,
}

/// Scapy's `summary()` of the packet, e.g.
/// `Ether / IP / TCP 192.168.56.102:43522 > 192.168.56.101:5000 S`.
pub fn summary(dissection: &Dissection, ports: Ports) -> String {
    let layers = &dissection.layers;
    // Scapy's rule: a layer with a summary of its own (IP's "src > dst proto") prints it
    // only when no layer above it has one; otherwise it prints its name.
    let mut found_above = vec![false; layers.len()];
    for i in (0..layers.len().saturating_sub(1)).rev() {
        found_above[i] = found_above[i + 1] || has_summary(&layers[i + 1].kind);
    }
    let mut parts: Vec<String> = Vec::with_capacity(layers.len());
    for (i, layer) in layers.iter().enumerate() {
        let found = found_above[i];
        let part = match &layer.kind {
            Kind::Ether {
                dst,
                src,
                ethertype,
            } => match found {
                true => "Ether".to_string(),
                false => format!(
                    "{} > {} ({ethertype:#06x})",
                    format_mac(src),
                    format_mac(dst)
                ),
            },
            Kind::Dot1Q {
                vlan,
                ethertype,
                outer,
            } => match found {
                true => if *outer { "Dot1AD" } else { "Dot1Q" }.to_string(),
                // Scapy's Dot1Q.mysummary: the Ethernet addresses only right above Ether.
                _ => match i.checked_sub(1).map(|below| &layers[below].kind) {
                    Some(Kind::Ether { src, dst, .. }) => format!(
                        "802.1q {} > {} ({ethertype:#06x}) vlan {vlan}",
                        format_mac(src),
                        format_mac(dst)
                    ),
                    _ => format!("802.1q ({ethertype:#06x}) vlan {vlan}"),
                },
            },
            Kind::Sll { version: 1, .. } => "CookedLinux".to_string(),
            Kind::Sll { .. } => "CookedLinuxV2".to_string(),
            Kind::Arp {
                op,
                hwsrc,
                psrc,
                pdst,
                ..
            } => match op {
                1 => format!("ARP who has {pdst} says {psrc}"),
                2 => format!("ARP is at {} says {psrc}", format_mac(hwsrc)),
                other => format!("ARP {} {psrc} > {pdst}", arp_op_name(*other)),
            },
            Kind::Ipv4 { quoted: true, .. } => "IPerror".to_string(),
            Kind::Ipv4 {
                src,
                dst,
                protocol,
                fragment_offset,
                ..
            } => match found {
                true => "IP".to_string(),
                false => {
                    let mut text = format!("{src} > {dst} {}", ip_protocol_name(*protocol));
                    if *fragment_offset != 0 {
                        text += &format!(" frag:{fragment_offset}");
                    }
                    text
                }
            },
            Kind::Ipv6 {
                src,
                dst,
                next_header,
            } => match found {
                true => "IPv6".to_string(),
                false => format!("{src} > {dst} ({next_header})"),
            },
            Kind::Ipv6HopByHop => "IPv6ExtHdrHopByHop".to_string(),
            Kind::Ipv6Fragment { .. } => "IPv6ExtHdrFragment".to_string(),
            Kind::Ipv6DestOpt => "IPv6ExtHdrDestOpt".to_string(),
            Kind::Ipv6Routing => "IPv6ExtHdrRouting".to_string(),
            Kind::Tcp { quoted: true, .. } => "TCPerror".to_string(),
            Kind::Udp { quoted: true, .. } => "UDPerror".to_string(),
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
                match ip_endpoints(dissection, i) {
                    Some((src, dst)) => {
                        format!("TCP {src}:{sport} > {dst}:{dport} {}", tcp_flags(*flags))
                    }
                    None => format!("TCP {sport} > {dport} {}", tcp_flags(*flags)),
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
            Kind::Icmp { icmp_type, code } => {
                let (kind, code) = (
                    icmp_type_name(*icmp_type),
                    icmp_code_name(*icmp_type, *code),
                );
                match ip_endpoints(dissection, i) {
                    Some((src, dst)) => format!("ICMP {src} > {dst} {kind} {code}"),
                    None => format!("ICMP {kind} {code}"),
                }
            }
            Kind::Icmpv6 {
                icmp_type, id, seq, ..
            } => match icmp_type {
                128 => format!("ICMPv6 Echo Request (id: {id:#x} seq: {seq:#x})"),
                129 => format!("ICMPv6 Echo Reply (id: {id:#x} seq: {seq:#x})"),
                other => icmpv6_class_name(*other),
            },
            Kind::NdOption { option, address } => match (option, address) {
                (1, Some(a)) => format!(
                    "ICMPv6 Neighbor Discovery Option - Source Link-Layer Address {}",
                    format_mac(a)
                ),
                (2, Some(a)) => format!(
                    "ICMPv6 Neighbor Discovery Option - Destination Link-Layer Address {}",
                    format_mac(a)
                ),
                _ => "ICMPv6NDOptUnknown".to_string(),
            },
            Kind::Raw => "Raw".to_string(),
            Kind::Padding => "Padding".to_string(),
        };
        parts.push(part);
    }
    parts.join(" / ")
}

/// The addresses of the IP layer right below layer `index`, as Scapy's TCP, UDP and
/// ICMP summaries show them (`src:port`); `None` under anything else (an extension
/// header), where Scapy shows ports alone.
fn ip_endpoints(dissection: &Dissection, index: usize) -> Option<(String, String)> {
    match &dissection.layers[..index].last()?.kind {
        Kind::Ipv4 { src, dst, .. } => Some((src.to_string(), dst.to_string())),
        Kind::Ipv6 { src, dst, .. } => Some((src.to_string(), dst.to_string())),
        _ => None,
    }
}

/// Whether Scapy's layer has a summary of its own (`mysummary`), rather than its name.
fn has_summary(kind: &Kind) -> bool {
    match kind {
        Kind::Ether { .. }
        | Kind::Dot1Q { .. }
        | Kind::Arp { .. }
        | Kind::Ipv6 { .. }
        | Kind::Icmp { .. } => true,
        Kind::Ipv4 { quoted, .. } | Kind::Tcp { quoted, .. } | Kind::Udp { quoted, .. } => !quoted,
        Kind::Icmpv6 { icmp_type, .. } => matches!(icmp_type, 128 | 129),
        Kind::NdOption { option, address } => matches!((option, address), (1 | 2, Some(_))),
        _ => false,
    }
}

/// Scapy's flag letters, in bit order: F S R P A U E C N.
fn tcp_flags(flags: u16) -> String {
    "FSRPAUECN"
        .chars()
        .enumerate()
        .filter(|(bit, _)| flags & (1 << bit) != 0)
        .map(|(_, c)| c)
        .collect()
}

fn port_name(port: u16, protocol: &str, ports: Ports) -> String {
    match (ports, crate::services::name(port, protocol)) {
        (Ports::Named, Some(name)) => name.to_string(),
        _ => port.to_string(),
    }
}

fn arp_op_name(op: u16) -> String {
    match op {
        3 => "RARP-req".into(),
        4 => "RARP-rep".into(),
        8 => "InARP-req".into(),
        9 => "InARP-rep".into(),
        other => other.to_string(),
    }
}

fn ip_protocol_name(protocol: u8) -> String {
    match protocol {
        0 => "hopopt".into(),
        1 => "icmp".into(),
        2 => "igmp".into(),
        6 => "tcp".into(),
        17 => "udp".into(),
        41 => "ipv6".into(),
        47 => "gre".into(),
        50 => "esp".into(),
        58 => "ipv6_icmp".into(),
        132 => "sctp".into(),
        other => other.to_string(),
    }
}

/// Scapy's ICMP type names.
fn icmp_type_name(icmp_type: u8) -> String {
    let name = match icmp_type {
        0 => "echo-reply",
        3 => "dest-unreach",
        4 => "source-quench",
        5 => "redirect",
        8 => "echo-request",
        9 => "router-advertisement",
        10 => "router-solicitation",
        11 => "time-exceeded",
        12 => "parameter-problem",
        13 => "timestamp-request",
        14 => "timestamp-reply",
        15 => "information-request",
        16 => "information-response",
        17 => "address-mask-request",
        18 => "address-mask-reply",
        other => return other.to_string(),
    };
    name.into()
}

/// Scapy's ICMP code names, for the types that have them; the number otherwise.
fn icmp_code_name(icmp_type: u8, code: u8) -> String {
    let name = match (icmp_type, code) {
        (3, 0) => "network-unreachable",
        (3, 1) => "host-unreachable",
        (3, 2) => "protocol-unreachable",
        (3, 3) => "port-unreachable",
        (3, 4) => "fragmentation-needed",
        (3, 5) => "source-route-failed",
        (3, 6) => "network-unknown",
        (3, 7) => "host-unknown",
        (3, 9) => "network-prohibited",
        (3, 10) => "host-prohibited",
        (3, 11) => "TOS-network-unreachable",
        (3, 12) => "TOS-host-unreachable",
        (3, 13) => "communication-prohibited",
        (3, 14) => "host-precedence-violation",
        (3, 15) => "precedence-cutoff",
        (5, 0) => "network-redirect",
        (5, 1) => "host-redirect",
        (5, 2) => "TOS-network-redirect",
        (5, 3) => "TOS-host-redirect",
        (11, 0) => "ttl-zero-during-transit",
        (11, 1) => "ttl-zero-during-reassembly",
        (12, 0) => "ip-header-bad",
        (12, 1) => "required-option-missing",
        _ => return code.to_string(),
    };
    name.into()
}

/// Scapy's class names for ICMPv6 messages other than echo.
fn icmpv6_class_name(icmp_type: u8) -> String {
    let name = match icmp_type {
        1 => "ICMPv6DestUnreach",
        2 => "ICMPv6PacketTooBig",
        3 => "ICMPv6TimeExceeded",
        4 => "ICMPv6ParamProblem",
        130 => "ICMPv6MLQuery",
        131 => "ICMPv6MLReport",
        132 => "ICMPv6MLDone",
        133 => "ICMPv6ND_RS",
        134 => "ICMPv6ND_RA",
        135 => "ICMPv6ND_NS",
        136 => "ICMPv6ND_NA",
        137 => "ICMPv6ND_Redirect",
        143 => "ICMPv6MLReport2",
        _ => "ICMPv6Unknown",
    };
    name.into()
}

/// Which packets of a capture to print, and how.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// Stop after this many printed packets (`-c`).
    pub count: Option<u64>,
    /// Print only the packet with this 0-based index (`--packet`, Scapy's `packets[N]`).
    pub packet: Option<u64>,
    pub style: Style,
    /// Print each selected packet (off when writing a file, as tcpdump -w).
    pub print: bool,
}

/// How each packet is printed.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// Scapy's hexdump instead of the summary line.
    pub hexdump: bool,
    /// The packet's index and a space before its summary line (`-#`).
    pub numbered: bool,
    pub ports: Ports,
}

/// Prints one packet: its summary line (numbered with `index` under `-#`) or hexdump;
/// hexdumps after the `first` printed packet are set off by a blank line.
pub fn print_packet(
    out: &mut impl Write,
    style: &Style,
    first: bool,
    link_type: u32,
    index: u64,
    data: &[u8],
) -> io::Result<()> {
    if style.hexdump {
        if !first {
            out.write_all(b"\n")?;
        }
        return hexdump(out, data);
    }
    let line = summary(&crate::dissect::dissect(link_type, data), style.ports);
    if style.numbered {
        writeln!(out, "{index} {line}")
    } else {
        writeln!(out, "{line}")
    }
}

/// Where selected records go besides the printer (`-w FILE`).
pub type SaveRecord<'a> = dyn FnMut(&crate::pcap::Record) -> crate::error::Result<()> + 'a;

/// Prints (and hands to `save`) every record of a capture file that `filter` and the
/// options select; returns how many were selected.
pub fn print_capture<R: crate::pcap::Input>(
    reader: &mut crate::pcap::CaptureReader<R>,
    options: &PrintOptions,
    mut filter: Option<&mut crate::filter::LinkFilters>,
    mut save: Option<&mut SaveRecord>,
    out: &mut impl Write,
) -> crate::error::Result<u64> {
    use crate::error::Context;
    let mut printed = 0u64;
    while options.count.is_none_or(|c| printed < c) {
        let Some(record) = reader.next_record()? else {
            break;
        };
        if options.packet.is_some_and(|wanted| wanted != record.index) {
            continue;
        }
        if let Some(filter) = filter.as_deref_mut() {
            if !filter.matches(record.link_type, record.data, record.original_length)? {
                continue;
            }
        }
        if let Some(save) = save.as_deref_mut() {
            save(&record)?;
        }
        if !options.print {
            printed += 1;
            if options.packet.is_some() {
                break;
            }
            continue;
        }
        // `-#` numbers by the file's index.
        print_packet(
            out,
            &options.style,
            printed == 0,
            record.link_type,
            record.index,
            record.data,
        )
        .context(|| "writing to stdout")?;
        printed += 1;
        if options.packet.is_some() {
            break;
        }
    }
    Ok(printed)
}

/// Scapy's `hexdump()`: `0000  45 00 00 3C ...  E..<....`, 16 bytes a line.
pub fn hexdump(out: &mut impl Write, data: &[u8]) -> io::Result<()> {
    let mut line = Vec::with_capacity(80);
    for (row, chunk) in data.chunks(16).enumerate() {
        line.clear();
        write!(line, "{:04x}  ", row * 16)?;
        for byte in chunk {
            write!(line, "{byte:02X} ")?;
        }
        line.resize(6 + 16 * 3, b' ');
        line.push(b' ');
        line.extend(
            chunk
                .iter()
                .map(|&b| if (32..127).contains(&b) { b } else { b'.' }),
        );
        line.push(b'\n');
        out.write_all(&line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::dissect;
    use crate::pcap::linktype::ETHERNET;

    /// An ARP reply captured in the lab (brooklyn answering midwood).
    const ARP_REPLY: &str =
        "080027a83866080027a8386508060001080006040002080027a83865c0a83865080027a83866c0a83866";

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn arp_reply_summary_and_hexdump_are_scapys() {
        let frame = bytes(ARP_REPLY);
        let dissection = dissect(ETHERNET, &frame);
        assert_eq!(
            summary(&dissection, Ports::Named),
            "Ether / ARP is at 08:00:27:a8:38:65 says 192.168.56.101"
        );
        let mut out = Vec::new();
        hexdump(&mut out, &frame).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0000  08 00 27 A8 38 66 08 00 27 A8 38 65 08 06 00 01  ..'.8f..'.8e....\n\
             0010  08 00 06 04 00 02 08 00 27 A8 38 65 C0 A8 38 65  ........'.8e..8e\n\
             0020  08 00 27 A8 38 66 C0 A8 38 66                    ..'.8f..8f\n"
        );
    }

    #[test]
    fn vlan_tags_are_scapys_dot1q_and_dot1ad() {
        // Built by scapy 2.8.0, with its summary() beside each.
        for (hex, expected) in [
            (
                "080027a83865080027a838668100000a08004500001c00010000400166ca0a0a00020a0a00010800f7fd00010001",
                "Ether / Dot1Q / IP / ICMP 10.10.0.2 > 10.10.0.1 echo-request 0",
            ),
            (
                "080027a83865080027a838668100000a12347878",
                "Ether / 802.1q 08:00:27:a8:38:66 > 08:00:27:a8:38:65 (0x1234) vlan 10 / Raw",
            ),
            (
                "080027a83865080027a8386688a800058100000a12347878",
                "Ether / Dot1AD / 802.1q (0x1234) vlan 10 / Raw",
            ),
        ] {
            let frame = bytes(hex);
            assert_eq!(summary(&dissect(ETHERNET, &frame), Ports::Named), expected);
        }
    }

    #[test]
    fn ipv6_extension_headers_are_scapys() {
        // Built by scapy 2.8.0, with its summary() beside each.
        for (hex, expected) in [
            (
                "080027a83865080027a8386686dd6000000000103c40fd000056000000000000000000000102fd0000560000000000000000000001013a000104000000008000830400070001",
                "Ether / IPv6 / IPv6ExtHdrDestOpt / ICMPv6 Echo Request (id: 0x7 seq: 0x1)",
            ),
            (
                "080027a83865080027a8386686dd6000000000102b40fd000056000000000000000000000102fd0000560000000000000000000001013a000000000000008000830300070002",
                "Ether / IPv6 / IPv6ExtHdrRouting / ICMPv6 Echo Request (id: 0x7 seq: 0x2)",
            ),
            (
                "080027a83865080027a8386686dd6000000000113c40fd000056000000000000000000000102fd000056000000000000000000000101110001040000000004d200350009862478",
                "Ether / IPv6 / IPv6ExtHdrDestOpt / UDP 1234 > domain / Raw",
            ),
            (
                "080027a83865080027a8386686dd6000000000180040fd000056000000000000000000000102fd0000560000000000000000000001013c000104000000003a000104000000008000830c00000000",
                "Ether / IPv6 / IPv6ExtHdrHopByHop / IPv6ExtHdrDestOpt / ICMPv6 Echo Request (id: 0x0 seq: 0x0)",
            ),
        ] {
            let frame = bytes(hex);
            assert_eq!(summary(&dissect(ETHERNET, &frame), Ports::Named), expected);
        }
    }

    #[test]
    fn a_frame_of_nothing_but_vlan_tags_stops_after_eight() {
        let mut frame = bytes("080027a83865080027a83866");
        for _ in 0..60_000 {
            frame.extend_from_slice(&[0x81, 0x00, 0x00, 0x0a]);
        }
        let dissection = dissect(ETHERNET, &frame);
        assert_eq!(dissection.layers.len(), 1 + 8 + 1, "Ether, 8 tags, Raw");
    }

    #[test]
    fn truncated_frames_end_in_raw_without_panicking() {
        let frame = bytes(ARP_REPLY);
        for cut in 0..frame.len() {
            let dissection = dissect(ETHERNET, &frame[..cut]);
            let covered: usize = dissection.layers.iter().map(|l| l.range.len()).sum();
            assert!(
                covered <= cut,
                "layers never claim bytes that are not there"
            );
            summary(&dissection, Ports::Numeric);
        }
    }

    #[test]
    fn tcp_flags_are_letters_in_scapys_order() {
        assert_eq!(tcp_flags(0x012), "SA");
        assert_eq!(tcp_flags(0x018), "PA");
        assert_eq!(tcp_flags(0x011), "FA");
        assert_eq!(tcp_flags(0x0c2), "SEC");
        assert_eq!(tcp_flags(0), "");
    }
}
