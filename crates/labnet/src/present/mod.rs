//! Printing a dissected packet the way Scapy prints it: `summary()` lines, `show()`'s
//! layered listing, `hexdump()`, `pdfdump()`'s layer diagram (as SVG or PDF), and
//! labnet's JSON of the dissection. Functions of a [`crate::dissect::Dissection`] and
//! the packet's bytes; they never parse.

use std::cell::OnceCell;
use std::io::{self, Write};

use crate::dissect::Dissection;
use crate::pcap::Record;
use crate::process::Attribution;

pub mod analysis;
pub mod diagram;
mod follow;
pub mod habits;
mod json;
pub mod ladder;
mod printer;
pub mod report;
mod show;
mod spill;
mod summary;
mod table;
mod text;

pub use json::json;
pub use printer::{Analyze, FlowFormat, Printer, View};
pub use show::{show, show_lines, LineKind, ShowLine};
pub use summary::{summary, Ports};

use crate::conversations::Observed;

/// What is printed for each packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Scapy's `summary()`, one line.
    Summary,
    /// Scapy's `hexdump()`.
    Hexdump,
    /// Scapy's `show()`, each layer's heading naming its TCP/IP layer.
    Show,
    /// The dissection as one JSON document on one line.
    Json,
}

/// How each packet is printed.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub format: Format,
    /// The packet's index and a space before its summary line (`-#`).
    pub numbered: bool,
    pub ports: Ports,
    /// Say, in `--show` and `--json`, whether each checksum is correct.
    pub verify_checksums: bool,
    /// TCP sequence and acknowledgment numbers as sent, not relative (tcpdump's `-S`).
    pub absolute: bool,
    /// tcpdump's time column, link header and bytes around the summary line.
    pub habits: habits::Habits,
}

/// One packet on its way to the printers: its record, and its dissection, made once
/// when the first printer asks for it (so `--diagram` beside the summary dissects
/// once, and a hexdump alone never does).
pub struct Packet<'a> {
    pub record: &'a Record<'a>,
    dissection: OnceCell<Dissection>,
    /// Its process, when attribution is on (live) or the file keeps one (pcapng).
    pub attribution: Option<&'a Attribution>,
}

impl<'a> Packet<'a> {
    pub fn new(record: &'a Record<'a>) -> Packet<'a> {
        Packet {
            record,
            dissection: OnceCell::new(),
            attribution: None,
        }
    }

    /// The same packet, with what is known of its process.
    pub fn with_attribution(mut self, attribution: Option<&'a Attribution>) -> Packet<'a> {
        self.attribution = attribution;
        self
    }

    pub fn dissection(&self) -> &Dissection {
        self.dissection
            .get_or_init(|| crate::dissect::dissect(self.record.link_type, self.record.data))
    }
}

/// Prints one packet (numbered with its index under `-#`); hexdumps and listings after
/// the `first` printed packet are set off by a blank line. `analysis`: what the
/// conversation tracker made of it, shown after it (`--analyze`).
pub fn print_packet(
    out: &mut impl Write,
    style: &Style,
    clock: &mut habits::Clock,
    first: bool,
    packet: &Packet,
    analysis: Option<&Observed>,
) -> io::Result<()> {
    let record = packet.record;
    let data = record.data;
    if style.format == Format::Hexdump {
        if !first {
            out.write_all(b"\n")?;
        }
        return hexdump(out, data);
    }
    let dissection = packet.dissection();
    match style.format {
        Format::Show => {
            if !first {
                out.write_all(b"\n")?;
            }
            if style.numbered {
                writeln!(out, "packet {}", record.index)?;
            }
            show(out, dissection, data, style.verify_checksums)?;
            if let Some(attribution) = packet.attribution {
                show_process(out, attribution)?;
            }
            match analysis {
                Some(observed) => analysis::show(out, observed, style.absolute),
                None => Ok(()),
            }
        }
        Format::Json => json(out, record, dissection, style, analysis, packet.attribution),
        _ => {
            // Room for the summary, and for the analysis after it (no regrowth).
            let mut line = String::with_capacity(if analysis.is_some() { 256 } else { 112 });
            if style.numbered {
                line.push_str(itoa::Buffer::new().format(record.index));
                line.push(' ');
            }
            let habits = style.habits;
            let (seconds, nanoseconds) = record.time();
            clock.write(&mut line, habits.time, seconds, nanoseconds);
            if habits.link_header {
                habits::write_link_header(&mut line, dissection, data, record.original_length);
            }
            if habits.quick {
                summary::write_quick(&mut line, dissection, data, style.ports);
            } else {
                summary::write_summary(&mut line, dissection, data, style.ports);
            }
            if habits.verbose {
                habits::write_ip_details(&mut line, dissection, data);
                habits::write_tcp_checksum(&mut line, dissection, data);
            }
            if let Some(observed) = analysis {
                analysis::append_to_summary(&mut line, observed, style.absolute);
            }
            if let Some(tag) = packet.attribution.and_then(Attribution::tag) {
                line.push_str(&tag);
            }
            if let Some(bytes) = habits.bytes {
                habits::write_bytes(&mut line, bytes, dissection, data);
            }
            line.push('\n');
            out.write_all(line.as_bytes())
        }
    }
}

/// The packet's process under `--show`: a section after its layers, in `show()`'s form.
fn show_process(out: &mut impl Write, attribution: &Attribution) -> io::Result<()> {
    writeln!(out, "###[ Process ]### (labnet)")?;
    let line = |out: &mut dyn Write, name: &str, value: &dyn std::fmt::Display| {
        writeln!(out, "  {name:<10}= {value}")
    };
    if let Some(p) = &attribution.process {
        line(out, "pid", &p.pid)?;
        line(out, "comm", &format!("'{}'", p.comm))?;
        line(out, "cmd", &format!("'{}'", p.cmd))?;
        if let Some(uid) = p.uid {
            line(out, "uid", &uid)?;
        }
    }
    line(out, "quality", &attribution.quality.name())
}

/// Scapy's `hexdump()`: `0000  45 00 00 3C ...  E..<....`, 16 bytes a line.
pub fn hexdump(out: &mut impl Write, data: &[u8]) -> io::Result<()> {
    let mut line = Vec::with_capacity(80);
    for (row, chunk) in data.chunks(16).enumerate() {
        line.clear();
        write!(line, "{:04x}  ", row * 16)?;
        // Past 0xffff the offset is wider: the columns after it move with it.
        let bytes_start = line.len();
        for byte in chunk {
            write!(line, "{byte:02X} ")?;
        }
        line.resize(bytes_start + 16 * 3, b' ');
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
    use crate::linktype::ETHERNET;

    #[test]
    fn hexdump_offsets_past_0xffff_keep_two_spaces_before_the_text() {
        let data = vec![0x41u8; 0x10000 + 3];
        let mut out = Vec::new();
        hexdump(&mut out, &data).unwrap();
        let text = String::from_utf8(out).unwrap();
        // Scapy: "%04x  " % i, then "%02X " per byte, three spaces per missing one,
        // then " " and the text.
        assert_eq!(
            text.lines().last().unwrap(),
            format!("10000  41 41 41 {} AAA", " ".repeat(13 * 3))
        );
        assert!(text
            .lines()
            .next()
            .unwrap()
            .ends_with("41  AAAAAAAAAAAAAAAA"));
    }

    /// An ARP reply captured in the lab (brooklyn answering midwood).
    const ARP_REPLY: &str =
        "080027a83866080027a8386508060001080006040002080027a83865c0a83865080027a83866c0a83866";

    /// Each Ethernet frame (hex, built by scapy) summarises as scapy summarised it.
    fn summaries_are_scapys(cases: &[(&str, &str)]) {
        for (hex, expected) in cases {
            let frame = bytes(hex);
            assert_eq!(
                summary(&dissect(ETHERNET, &frame), &frame, Ports::Named),
                *expected
            );
        }
    }

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
            summary(&dissection, &frame, Ports::Named),
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
        summaries_are_scapys(&[
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
        ]);
    }

    #[test]
    fn router_advertisements_and_their_options_summarise_as_scapys() {
        // Built by scapy 2.8.0 (an RA alone, then with a prefix, MTU and RDNSS option
        // each on top), with its summary() beside each.
        summaries_are_scapys(&[
            (
                "33330000000108002756006586dd6000000000103afffe800000000000000a0027fffe560065ff020000000000000000000000000001860003e5408807080000000000000000",
                "Ether / IPv6 / ICMPv6 Neighbor Discovery - Router Advertisement Lifetime 1800 Hop Limit 64 Preference High Managed 1 Other 0 Home 0",
            ),
            (
                "33330000000108002756006586dd6000000000303afffe800000000000000a0027fffe560065ff0200000000000000000000000000018600c2a9408807080000000000000000030440c0ffffffffffffffff00000000fd000056000000000000000000000000",
                "Ether / IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - Prefix Information fd00:56::/64 On-link 1 Autonomous Address 1 Router Address 0",
            ),
            (
                "33330000000108002756006586dd6000000000183afffe800000000000000a0027fffe560065ff0200000000000000000000000000018600f8ff40880708000000000000000005010000000005dc",
                "Ether / IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - MTU 1500",
            ),
            (
                "33330000000108002756006586dd6000000000383afffe800000000000000a0027fffe560065ff0200000000000000000000000000018600ef6240880708000000000000000019050000fffffffffd000056000000000000000000000053fd000056000000000000000000000054",
                "Ether / IPv6 / ICMPv6ND_RA / ICMPv6 Neighbor Discovery Option - Recursive DNS Server Option fd00:56::53, fd00:56::54",
            ),
        ]);
    }

    #[test]
    fn ipv6_extension_headers_are_scapys() {
        // Built by scapy 2.8.0, with its summary() beside each.
        summaries_are_scapys(&[
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
        ]);
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
            summary(&dissection, &frame[..cut], Ports::Numeric);
        }
    }
}
