//! The pcap filter language (`tcp port 5000`, `host 192.168.56.101 and not arp`),
//! compiled to classic BPF without libpcap: the same program is attached to live
//! capture sockets (SO_ATTACH_FILTER, so unmatched packets never leave the kernel) and
//! run by [`machine::Machine`] over the packets of a file, so there is one semantics.
//!
//! Hand-written because the only Rust implementations bind to libpcap, which the static
//! binaries must not need, and because labnet's errors point at the column:
//!
//! ```text
//! expected a port number or service name after "port"
//!   tcp port
//!            ^ here
//! ```
//!
//! `lex` splits the text, `parse` follows libpcap's grammar and generates a predicate
//! tree through `gen` (libpcap's gencode semantics), `bpf` lays the tree out as a
//! program and prints it like `tcpdump -d`, `reach` refuses a program no packet can
//! pass (as libpcap does), and `machine` runs it over packets (as native code from
//! `jit` where it can).

pub mod bpf;
mod gen;
#[cfg(target_arch = "x86_64")]
mod jit;
mod lex;
pub mod machine;
mod parse;
mod reach;

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use crate::error::Error;
use crate::linktype::LinkType;

/// What a program returns for a matching packet: tcpdump's default snap length.
pub const ACCEPT: u32 = 262_144;

/// A bad filter expression: what is wrong, where (byte offsets into the expression),
/// and how to fix it when a fix is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub expression: String,
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl fmt::Display for FilterError {
    /// The message, the expression, and a caret under the column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let column = self
            .expression
            .get(..self.start.min(self.expression.len()))
            .map_or(self.start, |before| before.chars().count())
            + self.start.saturating_sub(self.expression.len());
        write!(
            f,
            "{}\n  {}\n  {}^ here",
            self.message,
            self.expression,
            " ".repeat(column)
        )
    }
}

impl From<FilterError> for Error {
    fn from(err: FilterError) -> Error {
        let hint = err.hint.clone();
        let error = Error::usage(err.to_string());
        match hint {
            Some(hint) => error.hint(hint),
            None => error,
        }
    }
}

/// How names in an expression are looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Host names through /etc/hosts and the resolver, as tcpdump.
    Resolve,
    /// No lookups (fuzzing, or when the network must stay quiet): names are errors.
    Offline,
}

/// A compiled filter.
#[derive(Debug, Clone)]
pub struct Filter {
    expression: String,
    program: Vec<bpf::Insn>,
    machine: machine::Machine,
}

/// A filter expression kept in a file (tcpdump's `-F`): `#` to the end of its line is
/// a comment. Comments and line ends become spaces, so a column in an error is still
/// a place in the file's text.
pub fn expression_from_file(path: &std::path::Path) -> Result<String, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        context: format!("reading the filter in {}", path.display()),
        source,
    })?;
    let mut expression = String::with_capacity(text.len());
    let mut comment = false;
    for c in text.chars() {
        comment = (comment || c == '#') && c != '\n';
        expression.push(if comment || c.is_whitespace() { ' ' } else { c });
    }
    Ok(expression)
}

impl Filter {
    /// Compiles `expression` for packets of `link`. An empty expression matches all.
    pub fn compile(expression: &str, link: LinkType) -> Result<Filter, FilterError> {
        Filter::compile_with(expression, link, Names::Resolve)
    }

    /// Compiles `expression` for a live socket of `link` (the kernel's filter), where
    /// `inbound`, `outbound` and `ifindex` ask the kernel.
    pub fn compile_live(expression: &str, link: LinkType) -> Result<Filter, FilterError> {
        Filter::compile_using(expression, gen::Gen::live(link), Names::Resolve)
    }

    pub fn compile_with(
        expression: &str,
        link: LinkType,
        names: Names,
    ) -> Result<Filter, FilterError> {
        Filter::compile_using(expression, gen::Gen::new(link), names)
    }

    fn compile_using(expression: &str, gen: gen::Gen, names: Names) -> Result<Filter, FilterError> {
        let tokens = lex::tokens(expression).map_err(|lex::BadChar(at, ch)| FilterError {
            expression: expression.to_string(),
            start: at,
            end: at + ch.len_utf8(),
            message: format!("unexpected character '{ch}'"),
            hint: Some("quote the whole expression for the shell: 'tcp port 80'".into()),
        })?;
        let parser = parse::Parser::new(expression, tokens, gen, names == Names::Resolve);
        let pred = parser.parse()?;
        let program = bpf::layout(&pred, ACCEPT).map_err(|err| FilterError {
            expression: expression.to_string(),
            start: 0,
            end: expression.len(),
            message: match err {
                bpf::LayoutError::JumpTooFar => {
                    "the expression is too long for classic BPF's 8-bit jumps".into()
                }
                bpf::LayoutError::TooLong(n) => format!(
                    "the program would have {n} instructions; the kernel takes at most 4096"
                ),
            },
            hint: Some(
                "split it: capture with part of it, then filter the file with the rest".into(),
            ),
        })?;
        if !reach::can_accept(&program) {
            return Err(FilterError {
                expression: expression.to_string(),
                start: 0,
                end: expression.len(),
                message: "expression rejects all packets: no packet can match all of it".into(),
                hint: Some(
                    "two of its tests cannot hold at once (ip and arp, tcp and udp, host A and not host A); did you mean \"or\"?".into(),
                ),
            });
        }
        Ok(Filter {
            expression: expression.to_string(),
            machine: machine::Machine::new(&program),
            program,
        })
    }

    pub fn expression(&self) -> &str {
        &self.expression
    }

    /// The same filter returning `snaplen` for matches, so the kernel keeps at most
    /// that many bytes of each packet (tcpdump's `-s`).
    pub fn truncating(mut self, snaplen: u32) -> Filter {
        for insn in &mut self.program {
            if insn.code == bpf::RET | bpf::K && insn.k != 0 {
                insn.k = snaplen.max(1);
            }
        }
        self.machine = machine::Machine::new(&self.program);
        self
    }

    /// The program, as the kernel's `struct sock_filter` array.
    pub fn program(&self) -> &[bpf::Insn] {
        &self.program
    }

    /// Whether a packet matches: `data` as captured, `wire_length` as on the wire.
    #[inline]
    pub fn matches(&self, data: &[u8], wire_length: u32) -> bool {
        self.machine.run(data, wire_length) != 0
    }

    /// Whether every packet matches (the empty expression), so callers can skip the run.
    pub fn matches_all(&self) -> bool {
        self.program.len() == 1 && self.program[0] == bpf::Insn::stmt(bpf::RET | bpf::K, ACCEPT)
    }

    /// The program listing, one instruction per line, as `tcpdump -d` prints it.
    pub fn listing(&self) -> String {
        self.program
            .iter()
            .enumerate()
            .map(|(index, insn)| bpf::image(insn, index) + "\n")
            .collect()
    }

    /// Attaches the program to a socket (SO_ATTACH_FILTER), so the kernel drops
    /// unmatched packets before they are queued.
    pub fn attach(&self, socket: BorrowedFd<'_>) -> io::Result<()> {
        let program = libc::sock_fprog {
            len: self.program.len() as u16,
            // The kernel copies the array during the call and does not write to it.
            filter: self.program.as_ptr() as *mut libc::sock_filter,
        };
        // SAFETY: `program` points at `len` instructions laid out as `sock_filter`
        // (`Insn` is repr(C) with the same fields), valid for the whole call.
        let result = unsafe {
            libc::setsockopt(
                socket.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_ATTACH_FILTER,
                std::ptr::addr_of!(program).cast(),
                std::mem::size_of::<libc::sock_fprog>() as libc::socklen_t,
            )
        };
        if result == 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }
}

/// One expression, compiled for each link type on first use: a pcapng file can mix
/// interfaces of several link types.
#[derive(Debug)]
pub struct LinkFilters {
    expression: String,
    compiled: Vec<(u32, Filter)>,
}

impl LinkFilters {
    pub fn new(expression: &str) -> LinkFilters {
        LinkFilters {
            expression: expression.to_string(),
            compiled: Vec::new(),
        }
    }

    /// Whether a record of pcap link type `link_type` matches.
    #[inline]
    pub fn matches(
        &mut self,
        link_type: u32,
        data: &[u8],
        wire_length: u32,
    ) -> Result<bool, Error> {
        let filter = match self.compiled.iter().find(|(t, _)| *t == link_type) {
            Some((_, filter)) => filter,
            None => self.compile_for(link_type)?,
        };
        Ok(filter.matches(data, wire_length))
    }

    /// Compiles the expression for a link type met for the first time; kept apart so
    /// that the per-packet path stays small.
    #[cold]
    #[inline(never)]
    fn compile_for(&mut self, link_type: u32) -> Result<&Filter, Error> {
        let Some(link) = LinkType::from_pcap(link_type) else {
            return Err(Error::usage(format!(
                "cannot filter packets of link type {link_type}: labnet filters Ethernet, Linux cooked (SLL, SLL2), raw IP, BSD loopback, PPP (also in HDLC-like framing and PPPoE) and 802.11 (bare, after RadioTap or after PPI)"
            )));
        };
        let filter = Filter::compile(&self.expression, link)?;
        self.compiled.push((link_type, filter));
        Ok(&self.compiled.last().expect("just pushed").1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(expression: &str) -> Filter {
        Filter::compile_with(expression, LinkType::Ethernet, Names::Offline)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(expression: &str) -> FilterError {
        Filter::compile_with(expression, LinkType::Ethernet, Names::Offline).expect_err(expression)
    }

    /// An Ethernet + IPv4 + TCP frame from brooklyn's veth: 192.168.56.102:36844 ->
    /// 192.168.56.101:5000, flags PA.
    fn tcp_frame() -> Vec<u8> {
        bytes(
            "080027a8386508002738660108004500003400004000400649d6c0a83866c0a83865\
             8fec138800000001000000025018fa0000000000",
        )
    }

    /// Whether each expression selects `frame`, as expected.
    fn assert_selects(frame: &[u8], cases: &[(&str, bool)]) {
        for &(expression, matches) in cases {
            let selected = compile(expression).matches(frame, frame.len() as u32);
            assert_eq!(selected, matches, "{expression}");
        }
    }

    fn bytes(hex: &str) -> Vec<u8> {
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn the_handouts_filters_select_by_port() {
        let frame = tcp_frame();
        let len = frame.len() as u32;
        assert!(compile("tcp port 5000").matches(&frame, len));
        assert!(!compile("tcp port 80").matches(&frame, len));
        assert!(compile("port 80 or 5000").matches(&frame, len));
        assert!(compile("src port 36844 and dst host 192.168.56.101").matches(&frame, len));
        assert!(!compile("udp").matches(&frame, len));
        assert!(
            compile("tcp[tcpflags] & (tcp-push|tcp-ack) == tcp-push|tcp-ack").matches(&frame, len)
        );
        assert!(compile("").matches_all());
    }

    #[test]
    fn listing_is_tcpdumps_for_tcp_port_80() {
        let expected = "\
(000) ldh      [12]
(001) jeq      #0x86dd          jt 2\tjf 8
(002) ldb      [20]
(003) jeq      #0x6             jt 4\tjf 19
(004) ldh      [54]
(005) jeq      #0x50            jt 18\tjf 6
(006) ldh      [56]
(007) jeq      #0x50            jt 18\tjf 19
(008) jeq      #0x800           jt 9\tjf 19
(009) ldb      [23]
(010) jeq      #0x6             jt 11\tjf 19
(011) ldh      [20]
(012) jset     #0x1fff          jt 19\tjf 13
(013) ldxb     4*([14]&0xf)
(014) ldh      [x + 14]
(015) jeq      #0x50            jt 18\tjf 16
(016) ldh      [x + 16]
(017) jeq      #0x50            jt 18\tjf 19
(018) ret      #262144
(019) ret      #0
";
        assert_eq!(compile("tcp port 80").listing(), expected);
    }

    #[test]
    fn errors_point_at_the_column() {
        let err = error("tcp port");
        assert_eq!(
            err.to_string(),
            "expected a port number or service name after \"port\"\n  tcp port\n           ^ here"
        );
        let err = error("port 5000 and");
        assert!(err.message.contains("after \"and\""), "{err}");
        assert!(err.hint.unwrap().contains("trailing"));
        let err = error("host 999.1.1.1");
        assert_eq!(err.start, 5);
        assert!(err.message.contains("0 to 255"), "{err}");
        assert_eq!(
            error("tcp[13:3] = 1").message,
            "data size must be 1, 2, or 4"
        );
        assert_eq!(error("len / 0 > 1").message, "division by zero");
        assert!(error("(tcp").message.contains("')'"));
        assert!(error("tcp)").message.contains("unbalanced"));
        // Found by fuzzing: an open-ended range split into an empty name.
        assert!(error("portrange \\1-").message.contains("unknown port"));
        // Found by fuzzing: deep nesting is an error, not a stack overflow.
        assert!(error(&"(".repeat(5000)).message.contains("levels deep"));
        assert!(error(&"-".repeat(5000)).message.contains("levels deep"));
        assert!(error(&"not ".repeat(5000)).message.contains("levels deep"));
    }

    #[test]
    fn protochain_follows_ipv6_extension_headers() {
        // IPv6 (next header 0), a hop-by-hop header (next header 6, 8 bytes), then a
        // TCP header's first bytes.
        let mut frame = vec![0u8; 12];
        frame.extend([0x86, 0xdd, 0x60, 0, 0, 0, 0, 28, 0, 64]);
        frame.extend([0; 32]);
        frame.extend([6, 0, 1, 4, 0, 0, 0, 0]);
        frame.extend([0x9c, 0x41, 0x13, 0x88]);
        assert_selects(
            &frame,
            &[
                ("ip6 protochain 6", true),
                ("protochain 0", true),
                ("ip6 protochain 17", false),
                ("ip protochain 6", false),
                ("ip6 proto 6", false),
            ],
        );
        assert!(bpf::jumps_backward(compile("protochain 6").program()));
        assert_eq!(
            error("tcp protochain 6").message,
            "bad protocol applied for 'protochain'"
        );
    }

    #[test]
    fn after_geneve_the_inner_frame_is_filtered() {
        // IPv4/UDP to 6081, Geneve (VNI 5, one option word) carrying an Ethernet
        // frame with 10.0.0.1 -> 10.0.0.2, TCP to port 80.
        let frame = bytes(
            "080027a83865080027a8386608004500005e0001000040118872c0a83866c0a83865\
             9c4217c1004af1f901006558000005000102030002000000000202000000000108004500\
             002800010000400666cd0a0000010a0000029c430050000000000000000050022000df4c\
             0000",
        );
        assert_selects(
            &frame,
            &[
                ("geneve", true),
                ("geneve 5 and tcp port 80", true),
                ("geneve and src host 10.0.0.1", true),
                ("geneve and ether src 02:00:00:00:00:01", true),
                // Bytes of the inner frame: the TCP flags (SYN), its EtherType.
                ("geneve and tcp[13] = 2 and ether[12:2] = 0x0800", true),
                ("geneve 7", false),
                ("geneve and udp", false),
                ("geneve and host 192.168.56.101", false),
                // What the inner frame is not: tagged, 802.3, PPPoE, Geneve again.
                ("geneve and vlan", false),
                ("geneve and llc", false),
                ("geneve and pppoes", false),
                ("geneve and geneve", false),
            ],
        );
        // Inside pppoes the frame is PPP's, for libpcap.
        assert_eq!(
            error("geneve and pppoes and vlan").message,
            "no VLAN support for PPP"
        );
        assert_eq!(
            error("geneve 16777216").message,
            "Geneve VNI 16777216 greater than maximum 16777215"
        );
    }

    #[test]
    fn on_80211_the_payload_is_where_the_header_and_radiotaps_padding_put_it() {
        let radiotap = |flags: &str| format!("00000c0006000000{flags}020000");
        // A QoS data frame to the distribution system (26 bytes), 2 bytes of the
        // driver's padding, LLC/SNAP, IPv4 and UDP to port 53.
        let qos = "88010000001122334455080027a8386608002 7a83865 0000 0000".replace(' ', "");
        let payload = "aaaa030000000800\
                       4500001c00000000401100 00c0a83865c0a83866 123400350008 0000"
            .replace(' ', "");
        let padded = bytes(&format!("{}{qos}0000{payload}", radiotap("20")));
        let unpadded = bytes(&format!("{}{qos}{payload}", radiotap("00")));
        let on = |link, expression: &str, frame: &[u8]| {
            Filter::compile_with(expression, link, Names::Offline)
                .unwrap_or_else(|e| panic!("{e}"))
                .matches(frame, frame.len() as u32)
        };
        for frame in [&padded, &unpadded] {
            assert!(on(LinkType::RadioTap, "udp port 53", frame));
            assert!(on(LinkType::RadioTap, "ip src 192.168.56.101", frame));
            assert!(!on(LinkType::RadioTap, "tcp or ip6", frame));
            assert!(on(
                LinkType::RadioTap,
                "udp[2:2] = 53 and ip[9] = 17",
                frame
            ));
        }
        // Padding the flags do not announce is read as the payload (as by libpcap).
        let mut unannounced = padded.clone();
        unannounced[8] = 0;
        assert!(!on(LinkType::RadioTap, "ip", &unannounced));
        // The bare frame, and a frame too short to hold the 802.11 header's first
        // byte: rejected whatever the expression, as by libpcap's program.
        assert!(on(LinkType::Ieee80211, "udp port 53", &unpadded[12..]));
        // After PPI (8 bytes, no field; libpcap does not look at its link type).
        let ppi = [bytes("0000080069000000"), unpadded[12..].to_vec()].concat();
        assert!(on(
            LinkType::Ppi,
            "udp port 53 and wlan addr1 00:11:22:33:44:55",
            &ppi
        ));
        assert!(!on(LinkType::RadioTap, "not ip", &padded[..12]));
        assert!(on(LinkType::RadioTap, "len > 4", &padded[..12]));
    }

    #[test]
    fn qualifiers_are_inherited_and_and_or_group_from_the_left() {
        let frame = tcp_frame();
        let len = frame.len() as u32;
        // host a and not b: "not b" is "not host b".
        assert!(compile("host 192.168.56.101 and not 10.0.0.1").matches(&frame, len));
        // (udp or tcp) and port 80: false; libpcap has no and-over-or precedence.
        assert!(!compile("udp or tcp and port 80").matches(&frame, len));
        assert!(compile("port (80 or 5000)").matches(&frame, len));
    }
}
