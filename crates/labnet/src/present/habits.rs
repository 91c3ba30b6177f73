//! What tcpdump's flags put around a packet's summary line, in tcpdump's own text, for
//! hands that know tcpdump: the time column (`-tt` to `-ttttt`, `--time`), the link-layer
//! header (`-e`), and the packet's bytes (`-x`/`-xx`, `-X`/`-XX`, `-A`/`-AA`).
//! Hand-written: it is tcpdump 4.99's text (its util-print.c and print-ether.c
//! formats), which no crate prints; tests/habits.rs holds it to tcpdump's output.

use std::fmt::Write as _;

use crate::addr::format_mac;
use crate::dissect::{Dissection, Kind};

/// The time before each line. Scapy's summary has none, so none is the default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TimeColumn {
    #[default]
    None,
    /// `18:09:31.123456`, local time (`--time`: tcpdump's default column).
    TimeOfDay,
    /// `1733162971.123456` (`-tt`).
    Epoch,
    /// Since the packet before, ` 00:00:00.000123` (`-ttt`).
    SincePrevious,
    /// `2026-12-02 18:09:31.123456`, local time (`-tttt`).
    Date,
    /// Since the first packet (`-ttttt`).
    SinceFirst,
}

impl TimeColumn {
    /// From tcpdump's count of `-t` (1: none, as tcpdump's `-t`) and `--time`.
    pub fn from_flags(t: u8, time_of_day: bool) -> TimeColumn {
        match t {
            0 if time_of_day => TimeColumn::TimeOfDay,
            2 => TimeColumn::Epoch,
            3 => TimeColumn::SincePrevious,
            4 => TimeColumn::Date,
            5.. => TimeColumn::SinceFirst,
            _ => TimeColumn::None,
        }
    }
}

/// Which of the packet's bytes are printed after its line, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BytesForm {
    /// `-x`: hex, 16 bytes a line.
    Hex,
    /// `-X`: hex and the printable bytes beside it.
    HexAscii,
    /// `-A`: the bytes as text.
    Ascii,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bytes {
    pub form: BytesForm,
    /// From the link-layer header (`-xx`, `-XX`, `-AA`); else from the network layer.
    pub with_link_header: bool,
}

impl Bytes {
    /// From the counts of `-x`, `-X` and `-A`: as in tcpdump, `-X` wins over `-x`, and
    /// both over `-A`; the winner's count says whether the link header is shown.
    pub fn from_flags(x: u8, big_x: u8, a: u8) -> Option<Bytes> {
        let (form, count) = if big_x > 0 {
            (BytesForm::HexAscii, big_x)
        } else if x > 0 {
            (BytesForm::Hex, x)
        } else if a > 0 {
            (BytesForm::Ascii, a)
        } else {
            return None;
        };
        Some(Bytes {
            form,
            with_link_header: count > 1,
        })
    }
}

/// tcpdump's habits for one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Habits {
    pub time: TimeColumn,
    /// `-e`: the link-layer header before the summary.
    pub link_header: bool,
    pub bytes: Option<Bytes>,
    /// `-v`: the IP header's details after the line, in tcpdump's words.
    pub verbose: bool,
    /// `-q`: only the topmost layer's own summary.
    pub quick: bool,
}

/// What the time column remembers between packets, in microseconds (tcpdump's
/// precision: a nanosecond time is cut, as libpcap does reading it).
#[derive(Debug, Default)]
pub struct Clock {
    first: Option<i64>,
    previous: Option<i64>,
}

impl Clock {
    /// Appends the packet's time column (and a space) to `line`.
    pub fn write(&mut self, line: &mut String, column: TimeColumn, seconds: u32, nanoseconds: u32) {
        let micros = i64::from(nanoseconds / 1000);
        let now = i64::from(seconds) * 1_000_000 + micros;
        let first = *self.first.get_or_insert(now);
        let previous = self.previous.replace(now).unwrap_or(now);
        match column {
            TimeColumn::None => {}
            TimeColumn::TimeOfDay => local(line, seconds, micros, "%H:%M:%S"),
            TimeColumn::Date => local(line, seconds, micros, "%Y-%m-%d %H:%M:%S"),
            TimeColumn::Epoch => {
                let _ = write!(line, "{seconds}.{micros:06} ");
            }
            TimeColumn::SincePrevious => delta(line, now - previous),
            TimeColumn::SinceFirst => delta(line, now - first),
        }
    }
}

fn local(line: &mut String, seconds: u32, micros: i64, format: &str) {
    let time = chrono::DateTime::from_timestamp(i64::from(seconds), 0)
        .unwrap_or_default()
        .with_timezone(&chrono::Local);
    let _ = write!(line, "{}.{micros:06} ", time.format(format));
}

/// A difference as tcpdump prints one: a sign (space or minus), then hours, minutes
/// and seconds of a day (a longer gap wraps, as in tcpdump) and microseconds.
fn delta(line: &mut String, micros: i64) {
    let sign = if micros < 0 { '-' } else { ' ' };
    let micros = micros.unsigned_abs();
    let seconds = micros / 1_000_000;
    let _ = write!(
        line,
        "{sign}{:02}:{:02}:{:02}.{:06} ",
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60,
        micros % 1_000_000
    );
}

/// tcpdump's names of EtherTypes (its ethertype.c), the ones a lab or campus
/// capture carries; others are `Unknown`, as tcpdump calls what it has no name for.
fn ethertype_name(ethertype: u16) -> &'static str {
    match ethertype {
        0x0800 => "IPv4",
        0x86dd => "IPv6",
        0x0806 => "ARP",
        0x8035 => "Reverse ARP",
        0x8100 => "802.1Q",
        0x88a8 => "802.1Q-QinQ",
        0x9100 => "802.1Q-9100",
        0x9200 => "802.1Q-9200",
        0x88cc => "LLDP",
        0x888e => "EAPOL",
        0x8847 => "MPLS unicast",
        0x8848 => "MPLS multicast",
        0x8863 => "PPPoE D",
        0x8864 => "PPPoE S",
        0x88f7 => "PTP",
        0x9000 => "Loopback",
        0x88e5 => "MACsec",
        0x8809 => "Slow Protocols",
        0x8137 => "IPX",
        0x809b => "Appletalk",
        0x80f3 => "Appletalk ARP",
        _ => "Unknown",
    }
}

/// `-e` on Ethernet: `src > dst, ethertype IPv4 (0x0800), length 74: `, with each VLAN
/// tag after it (`vlan 5, p 0, ethertype IPv4 (0x0800), `). Other link types have no
/// such header: nothing is written, and false returned.
pub fn write_link_header(
    line: &mut String,
    dissection: &Dissection,
    data: &[u8],
    length: u32,
) -> bool {
    let (src, dst, ethertype) = match dissection.layers.first().map(|l| &l.kind) {
        Some(Kind::Ether {
            src,
            dst,
            ethertype,
        }) => (src, dst, Some(*ethertype)),
        Some(Kind::Dot3 { src, dst }) => (src, dst, None),
        _ => return false,
    };
    line.push_str(&format_mac(src));
    line.push_str(" > ");
    line.push_str(&format_mac(dst));
    let Some(ethertype) = ethertype else {
        let _ = write!(line, ", 802.3, length {length}: ");
        return true;
    };
    let _ = write!(
        line,
        ", ethertype {} (0x{ethertype:04x}), length {length}: ",
        ethertype_name(ethertype)
    );
    for layer in &dissection.layers[1..] {
        let Kind::Dot1Q {
            vlan, ethertype, ..
        } = layer.kind
        else {
            break;
        };
        let field = |name: &str| {
            layer
                .fields(data)
                .iter()
                .find(|f| f.name == name)
                .and_then(|f| f.value.number())
                .unwrap_or(0)
        };
        let _ = write!(line, "vlan {vlan}, p {}", field("prio"));
        if field("dei") != 0 {
            line.push_str(", DEI");
        }
        let _ = write!(
            line,
            ", ethertype {} (0x{ethertype:04x}), ",
            ethertype_name(ethertype)
        );
    }
    true
}

/// tcpdump's names of IP protocols (its ipproto.c), the ones a lab capture carries.
fn protocol_name(protocol: u64) -> &'static str {
    match protocol {
        0 => "Options",
        1 => "ICMP",
        2 => "IGMP",
        4 => "IPIP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        43 => "Routing",
        44 => "Fragment",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        89 => "OSPF",
        103 => "PIM",
        112 => "VRRP",
        132 => "SCTP",
        _ => "unknown",
    }
}

/// `-v`: the outer IP header as tcpdump -v prints it, after a space:
/// `(tos 0x0, ttl 64, id 0, offset 0, flags [DF], proto TCP (6), length 60)`, or for
/// IPv6 `(flowlabel 0x3f8c2, hlim 64, next-header TCP (6) payload length: 40)`.
pub fn write_ip_details(line: &mut String, dissection: &Dissection, data: &[u8]) {
    let Some(layer) = dissection
        .layers
        .iter()
        .find(|l| matches!(l.kind, Kind::Ipv4 { .. } | Kind::Ipv6 { .. }))
    else {
        return;
    };
    let fields = layer.fields(data);
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.value.number())
            .unwrap_or(0)
    };
    if let Kind::Ipv4 { protocol, .. } = layer.kind {
        let tos = field("tos");
        let _ = write!(line, " (tos 0x{tos:x}");
        match tos & 3 {
            1 => line.push_str(",ECT(1)"),
            2 => line.push_str(",ECT(0)"),
            3 => line.push_str(",CE"),
            _ => {}
        }
        let flags = field("flags");
        let words: Vec<&str> = [(1, "+"), (2, "DF"), (4, "rsvd")]
            .iter()
            .filter(|(bit, _)| flags & bit != 0)
            .map(|(_, word)| *word)
            .collect();
        let _ = write!(
            line,
            ", ttl {}, id {}, offset {}, flags [{}], proto {} ({protocol}), length {})",
            field("ttl"),
            field("id"),
            field("frag") * 8,
            if words.is_empty() {
                "none".to_string()
            } else {
                words.join(", ")
            },
            protocol_name(u64::from(protocol)),
            field("len"),
        );
    } else if let Kind::Ipv6 { next_header, .. } = layer.kind {
        line.push_str(" (");
        let (class, label) = (field("tc"), field("fl"));
        if class != 0 {
            let _ = write!(line, "class 0x{class:02x}, ");
        }
        if label != 0 {
            let _ = write!(line, "flowlabel 0x{label:05x}, ");
        }
        let _ = write!(
            line,
            "hlim {}, next-header {} ({next_header}) payload length: {})",
            field("hlim"),
            protocol_name(u64::from(next_header)),
            field("plen"),
        );
    }
}

/// `-v`'s TCP checksum, as tcpdump -v prints it after the header: `, cksum 0xf24a
/// (correct)` or `(incorrect -> 0x9a6a)` (lo and veth leave it to offload); nothing
/// for a segment the capture does not hold whole (a fragment, a cut one).
pub fn write_tcp_checksum(line: &mut String, dissection: &Dissection, data: &[u8]) {
    let Some(index) = dissection
        .layers
        .iter()
        .position(|l| matches!(l.kind, Kind::Tcp { quoted: false, .. }))
    else {
        return;
    };
    let Some(verdict) = crate::dissect::checksum::verify(dissection, index, data) else {
        return;
    };
    let stored = dissection.layers[index]
        .fields(data)
        .iter()
        .find(|f| f.name == "chksum")
        .and_then(|f| f.value.number())
        .unwrap_or(0);
    let _ = match verdict {
        crate::dissect::checksum::Verdict::Incorrect { expected } => write!(
            line,
            ", cksum 0x{stored:04x} (incorrect -> 0x{expected:04x})"
        ),
        _ => write!(line, ", cksum 0x{stored:04x} (correct)"),
    };
}

/// How many bytes of the packet are its link-layer header, as tcpdump's link printers
/// count them (what `-x`, `-X` and `-A` leave out): Ethernet and its VLAN tags (not
/// LLC), a cooked or loopback header.
fn link_header_length(dissection: &Dissection) -> usize {
    dissection
        .layers
        .iter()
        .take_while(|l| {
            matches!(
                l.kind,
                Kind::Ether { .. }
                    | Kind::Dot3 { .. }
                    | Kind::Dot1Q { .. }
                    | Kind::Sll { .. }
                    | Kind::Loopback { .. }
            )
        })
        .last()
        .map_or(0, |l| l.range.end)
}

/// tcpdump's printable: a graphic ASCII character (space is not one).
fn graphic(byte: u8) -> bool {
    (0x21..=0x7e).contains(&byte)
}

/// Appends the packet's bytes in `bytes`' form, each line starting with a newline, as
/// tcpdump prints them after the packet's line.
pub fn write_bytes(line: &mut String, bytes: Bytes, dissection: &Dissection, data: &[u8]) {
    let start = if bytes.with_link_header {
        0
    } else {
        link_header_length(dissection)
    };
    let Some(shown) = data.get(start..).filter(|s| !s.is_empty()) else {
        return;
    };
    match bytes.form {
        BytesForm::Ascii => {
            line.push('\n');
            for (i, &byte) in shown.iter().enumerate() {
                match byte {
                    // tcpdump's rule: a CR is a dot only with more than one byte after
                    // it and no LF next; before an LF, or among the last two, nothing.
                    b'\r' => {
                        if shown.len() - i - 1 > 1 && shown[i + 1] != b'\n' {
                            line.push('.');
                        }
                    }
                    b'\t' | b' ' | b'\n' => line.push(char::from(byte)),
                    _ if graphic(byte) => line.push(char::from(byte)),
                    _ => line.push('.'),
                }
            }
        }
        BytesForm::Hex | BytesForm::HexAscii => {
            for (number, chunk) in shown.chunks(16).enumerate() {
                let _ = write!(line, "\n\t0x{:04x}: ", number * 16);
                let hex_start = line.len();
                for pair in chunk.chunks(2) {
                    line.push(' ');
                    for byte in pair {
                        let _ = write!(line, "{byte:02x}");
                    }
                }
                if bytes.form == BytesForm::HexAscii {
                    // The hex column is 8 groups of 5 wide, then two spaces.
                    let width = line.len() - hex_start;
                    line.extend(std::iter::repeat_n(' ', 40 - width + 2));
                    line.extend(
                        chunk
                            .iter()
                            .map(|&b| if graphic(b) { char::from(b) } else { '.' }),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::dissect;
    use crate::linktype;

    /// A SYN on lo as tcpdump -X printed it (tcpdump 4.99.3, 2026-12-02).
    const SYN: &str = "000000000000 000000000000 0800
        4500 003c 853a 4000 4006 b77f 7f00 0001 7f00 0001 b9f8 13bf d20e 3d05 0000 0000
        a002 ffd7 fe30 0000 0204 ffd7 0402 080a 9fe7 605f 0000 0000 0103 030a";

    fn bytes(text: &str) -> Vec<u8> {
        let text: String = text.split_whitespace().collect();
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn hex_and_ascii_as_tcpdump_prints_them() {
        let frame = bytes(SYN);
        let mut line = String::new();
        write_bytes(
            &mut line,
            Bytes::from_flags(0, 1, 0).unwrap(),
            &dissect(linktype::ETHERNET, &frame),
            &frame,
        );
        assert_eq!(
            line,
            "\n\t0x0000:  4500 003c 853a 4000 4006 b77f 7f00 0001  E..<.:@.@.......\
             \n\t0x0010:  7f00 0001 b9f8 13bf d20e 3d05 0000 0000  ..........=.....\
             \n\t0x0020:  a002 ffd7 fe30 0000 0204 ffd7 0402 080a  .....0..........\
             \n\t0x0030:  9fe7 605f 0000 0000 0103 030a            ..`_........"
        );
        line.clear();
        write_bytes(
            &mut line,
            Bytes::from_flags(1, 0, 0).unwrap(),
            &dissect(linktype::ETHERNET, &frame),
            &frame,
        );
        assert!(
            line.ends_with("\n\t0x0030:  9fe7 605f 0000 0000 0103 030a"),
            "{line}"
        );
        // An odd length ends with one byte; -XX starts at the MAC addresses.
        line.clear();
        write_bytes(
            &mut line,
            Bytes::from_flags(0, 2, 0).unwrap(),
            &dissect(linktype::ETHERNET, &frame[..15]),
            &frame[..15],
        );
        assert_eq!(
            line,
            "\n\t0x0000:  0000 0000 0000 0000 0000 0000 0800 45    ..............E"
        );
    }

    #[test]
    fn ascii_keeps_text_and_line_ends() {
        let mut frame = bytes(SYN)[..54].to_vec();
        frame.extend_from_slice(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\x01\r\r\x02\r");
        let mut line = String::new();
        write_bytes(
            &mut line,
            Bytes::from_flags(0, 0, 2).unwrap(),
            &dissect(linktype::RAW, &frame[14..]),
            &frame[14..],
        );
        // \x01 a dot, each lone CR with two or more bytes after it a dot, \x02 a dot,
        // the last CR nothing (as tcpdump -A prints these bytes).
        assert!(
            line.ends_with("GET / HTTP/1.1\nHost: x\n\n...."),
            "{line:?}"
        );
    }

    #[test]
    fn the_link_header_with_its_vlan_tags() {
        let mut line = String::new();
        let mut frame = bytes(SYN);
        assert!(write_link_header(
            &mut line,
            &dissect(linktype::ETHERNET, &frame),
            &frame,
            74
        ));
        assert_eq!(
            line,
            "00:00:00:00:00:00 > 00:00:00:00:00:00, ethertype IPv4 (0x0800), length 74: "
        );
        frame.splice(12..12, [0x81, 0x00, 0x30, 0x05]);
        line.clear();
        let tagged = dissect(linktype::ETHERNET, &frame);
        write_link_header(&mut line, &tagged, &frame, 78);
        assert!(
            line.ends_with(
                "ethertype 802.1Q (0x8100), length 78: vlan 5, p 1, DEI, ethertype IPv4 (0x0800), "
            ),
            "{line}"
        );
        assert_eq!(link_header_length(&tagged), 18);
        let raw = dissect(linktype::RAW, &frame[18..]);
        assert!(!write_link_header(&mut line, &raw, &frame[18..], 60));
    }

    #[test]
    fn time_columns_as_tcpdump_writes_them() {
        let mut clock = Clock::default();
        let mut line = String::new();
        clock.write(&mut line, TimeColumn::SincePrevious, 100, 5_000_999);
        clock.write(&mut line, TimeColumn::SincePrevious, 3_701, 6_000);
        clock.write(&mut line, TimeColumn::SinceFirst, 50, 0);
        clock.write(&mut line, TimeColumn::Epoch, 1_796_236_743, 643_188_123);
        assert_eq!(
            line,
            " 00:00:00.000000  01:00:00.995006 -00:00:50.005000 1796236743.643188 "
        );
        assert_eq!(TimeColumn::from_flags(1, true), TimeColumn::None);
        assert_eq!(TimeColumn::from_flags(0, true), TimeColumn::TimeOfDay);
    }
}
