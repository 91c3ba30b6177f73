//! The socket table as `netstat -anpt` prints it (header lines, column widths, state
//! names, `PID/Program name`), except that addresses are never cut short (netstat cuts
//! them at 22 characters unless -W); and as JSON with documented field names.

use std::io::{self, Write};
use std::net::SocketAddr;

use serde::Serialize;

use super::diag::TcpInfo;
use super::owners::Owners;
use super::{InetSocket, Which};

/// Which optional columns to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct Columns {
    /// -e: User (uid) and Inode.
    pub extended: bool,
    /// -p: PID/Program name.
    pub owners: bool,
    /// -o: Timer.
    pub timers: bool,
    /// -i: TCP's own numbers on a line under each TCP connection, as `ss -i`.
    pub tcp_info: bool,
}

/// netstat's two header lines.
pub fn write_header(out: &mut impl Write, which: Which, columns: Columns) -> io::Result<()> {
    let scope = match which {
        Which::All => "(servers and established)",
        Which::Listening => "(only servers)",
        Which::Connected => "(w/o servers)",
    };
    writeln!(out, "Active Internet connections {scope}")?;
    write!(
        out,
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State      "
    )?;
    if columns.extended {
        write!(out, " User       Inode     ")?;
    }
    if columns.owners {
        write!(out, " PID/Program name    ")?;
    }
    if columns.timers {
        write!(out, " Timer")?;
    }
    writeln!(out)
}

/// One row per socket.
///
/// Rows are assembled as bytes (integers through `itoa`, padding by hand) in one
/// reused line buffer: through `core::fmt`, padding 20,000 rows cost more than the
/// kernel took to list the sockets.
pub fn write_rows(
    out: &mut impl Write,
    sockets: &[InetSocket],
    owners: Option<&Owners>,
    columns: Columns,
) -> io::Result<()> {
    let mut line = Vec::with_capacity(160);
    let mut numbers = itoa::Buffer::new();
    for socket in sockets {
        line.clear();
        pad(&mut line, socket.protocol_name().as_bytes(), 4);
        line.extend_from_slice(b"  ");
        pad_number(&mut line, &mut numbers, socket.recv_q, 6);
        line.push(b' ');
        pad_number(&mut line, &mut numbers, socket.send_q, 6);
        line.push(b' ');
        push_padded(&mut line, 23, |l| {
            push_address(l, &mut numbers, socket.local)
        });
        line.push(b' ');
        push_padded(&mut line, 23, |l| {
            push_address(l, &mut numbers, socket.remote)
        });
        line.push(b' ');
        pad(&mut line, socket.state_name().as_bytes(), 11);
        if columns.extended {
            line.push(b' ');
            pad(&mut line, numbers.format(socket.uid).as_bytes(), 10);
            line.push(b' ');
            pad(&mut line, numbers.format(socket.inode).as_bytes(), 10);
        }
        if columns.owners {
            line.push(b' ');
            push_padded(&mut line, 20, |l| {
                match owners.and_then(|o| o.get(socket.inode)) {
                    Some(owner) => {
                        l.extend_from_slice(numbers.format(owner.pid).as_bytes());
                        l.push(b'/');
                        l.extend_from_slice(owner.program.as_bytes());
                    }
                    None => l.push(b'-'),
                }
            });
        }
        if columns.timers {
            line.push(b' ');
            line.extend_from_slice(socket.timer.netstat().as_bytes());
        }
        line.push(b'\n');
        if let (true, Some(info)) = (columns.tcp_info, &socket.tcp_info) {
            line.extend_from_slice(b"\t");
            line.extend_from_slice(tcp_info_line(info).as_bytes());
            line.push(b'\n');
        }
        out.write_all(&line)?;
    }
    Ok(())
}

/// struct tcp_info as `ss -i` words it, the fields ss prints on the same conditions:
/// ` wscale:7,7 rto:204 rtt:0.035/0.017 mss:32768 rcvmss:536 cwnd:10 ...`.
pub fn tcp_info_line(info: &TcpInfo) -> String {
    let mut line = String::new();
    let mut add = |text: String| {
        line.push(' ');
        line.push_str(&text);
    };
    if info.wscale {
        add(format!("wscale:{},{}", info.snd_wscale, info.rcv_wscale));
    }
    add(format!("rto:{}", g(f64::from(info.rto) / 1000.0)));
    add(format!(
        "rtt:{}/{}",
        g(f64::from(info.rtt) / 1000.0),
        g(f64::from(info.rttvar) / 1000.0)
    ));
    add(format!("mss:{}", info.snd_mss));
    add(format!("rcvmss:{}", info.rcv_mss));
    add(format!("cwnd:{}", info.snd_cwnd));
    // ss leaves out a threshold still at its initial "infinity".
    if info.snd_ssthresh < 0xffff {
        add(format!("ssthresh:{}", info.snd_ssthresh));
    }
    if let Some(bytes) = info.bytes_acked.filter(|&b| b > 0) {
        add(format!("bytes_acked:{bytes}"));
    }
    if let Some(bytes) = info.bytes_received.filter(|&b| b > 0) {
        add(format!("bytes_received:{bytes}"));
    }
    if let Some(segments) = info.segs_out.filter(|&s| s > 0) {
        add(format!("segs_out:{segments}"));
    }
    if let Some(segments) = info.segs_in.filter(|&s| s > 0) {
        add(format!("segs_in:{segments}"));
    }
    if info.retrans > 0 || info.total_retrans > 0 {
        add(format!("retrans:{}/{}", info.retrans, info.total_retrans));
    }
    line
}

/// C's `%g`: six significant digits, trailing zeros dropped (how ss prints times).
fn g(value: f64) -> String {
    if value == 0.0 {
        return "0".into();
    }
    let decimals = (5 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `-s`: how many sockets of each protocol, family and state.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub tcp: ProtocolSummary,
    pub udp: ProtocolSummary,
}

/// One protocol's counts; states by netstat's names (UDP: `connected`, `unconnected`).
#[derive(Debug, Default, Serialize)]
pub struct ProtocolSummary {
    pub total: usize,
    pub ipv4: usize,
    pub ipv6: usize,
    pub states: std::collections::BTreeMap<&'static str, usize>,
}

impl Summary {
    pub fn of(sockets: &[InetSocket]) -> Summary {
        let mut summary = Summary::default();
        for socket in sockets {
            let (protocol, state) = match socket.protocol {
                super::Protocol::Tcp => (&mut summary.tcp, socket.state_name()),
                super::Protocol::Udp if socket.is_listening() => (&mut summary.udp, "unconnected"),
                super::Protocol::Udp => (&mut summary.udp, "connected"),
            };
            protocol.total += 1;
            if socket.family == super::AF_INET6 {
                protocol.ipv6 += 1;
            } else {
                protocol.ipv4 += 1;
            }
            *protocol.states.entry(state).or_default() += 1;
        }
        summary
    }

    /// `TCP: 7 sockets (IPv4 5, IPv6 2)`, then a line per state.
    pub fn write(&self, out: &mut impl Write, tcp: bool, udp: bool) -> io::Result<()> {
        for (name, wanted, counts) in [("TCP", tcp, &self.tcp), ("UDP", udp, &self.udp)] {
            if !wanted {
                continue;
            }
            writeln!(
                out,
                "{name}: {} sockets (IPv4 {}, IPv6 {})",
                counts.total, counts.ipv4, counts.ipv6
            )?;
            for (state, count) in &counts.states {
                writeln!(out, "  {state:<12} {count:>6}")?;
            }
        }
        Ok(())
    }
}

/// `text` left-aligned in at least `width` columns (`%-Ns`).
fn pad(line: &mut Vec<u8>, text: &[u8], width: usize) {
    push_padded(line, width, |l| l.extend_from_slice(text));
}

/// Whatever `push` appends, left-aligned in at least `width` columns.
fn push_padded(line: &mut Vec<u8>, width: usize, push: impl FnOnce(&mut Vec<u8>)) {
    let start = line.len();
    push(line);
    let written = line.len() - start;
    line.resize(line.len() + width.saturating_sub(written), b' ');
}

/// A number right-aligned in at least `width` columns (`%Nld`).
fn pad_number(line: &mut Vec<u8>, numbers: &mut itoa::Buffer, value: u32, width: usize) {
    let digits = numbers.format(value).as_bytes();
    line.resize(line.len() + width.saturating_sub(digits.len()), b' ');
    line.extend_from_slice(digits);
}

/// netstat's `address:port`: `127.0.0.1:5000`, `0.0.0.0:*`, `:::5001`, `:::*` (`*` for
/// port 0, IPv6 without brackets).
fn push_address(line: &mut Vec<u8>, numbers: &mut itoa::Buffer, address: SocketAddr) {
    match address.ip() {
        std::net::IpAddr::V4(v4) => {
            for (i, octet) in v4.octets().iter().enumerate() {
                if i > 0 {
                    line.push(b'.');
                }
                line.extend_from_slice(numbers.format(*octet).as_bytes());
            }
        }
        // Rare in bulk, and its text rules (zero compression) are best left to std.
        std::net::IpAddr::V6(v6) => {
            let _ = std::io::Write::write_fmt(line, format_args!("{v6}"));
        }
    }
    line.push(b':');
    match address.port() {
        0 => line.push(b'*'),
        port => line.extend_from_slice(numbers.format(port).as_bytes()),
    }
}

/// netstat's note when some owners could not be read.
pub const PARTIAL_OWNERS_NOTE: &str =
    "(Not all processes could be identified, non-owned process info\n \
     will not be shown, you would have to be root to see it all.)";

/// One socket in `--json` output.
#[derive(Debug, Serialize)]
pub struct SocketRecord<'a> {
    /// `tcp`, `tcp6`, `udp`, `udp6`.
    pub proto: &'a str,
    pub recv_q: u32,
    pub send_q: u32,
    pub local_address: String,
    pub local_port: u16,
    pub foreign_address: String,
    pub foreign_port: u16,
    /// netstat's state name; empty for an unconnected UDP socket.
    pub state: &'a str,
    pub listening: bool,
    pub uid: u32,
    pub inode: u32,
    /// The owning process, when known (with -p, and where permitted).
    pub pid: Option<u32>,
    pub program: Option<&'a str>,
    /// The pending timer (netstat -o): `off`, `on`, `keepalive`, `timewait`.
    pub timer: &'static str,
    /// Seconds until it fires (0 when off).
    pub timer_seconds: f64,
    /// Retransmissions (timer `on`) or unanswered probes (`keepalive`).
    pub timer_count: u8,
    /// With -i, TCP's own numbers (struct tcp_info).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_info: Option<TcpInfoRecord>,
}

/// struct tcp_info in `--json`, times in milliseconds.
#[derive(Debug, Serialize)]
pub struct TcpInfoRecord {
    pub rto_ms: f64,
    pub rtt_ms: f64,
    pub rttvar_ms: f64,
    pub mss: u32,
    pub rcv_mss: u32,
    pub cwnd: u32,
    pub ssthresh: u32,
    pub retrans: u32,
    pub total_retrans: u32,
    pub snd_wscale: Option<u8>,
    pub rcv_wscale: Option<u8>,
    pub bytes_acked: Option<u64>,
    pub bytes_received: Option<u64>,
    pub segs_out: Option<u32>,
    pub segs_in: Option<u32>,
}

impl From<&TcpInfo> for TcpInfoRecord {
    fn from(info: &TcpInfo) -> TcpInfoRecord {
        let ms = |us: u32| f64::from(us) / 1000.0;
        TcpInfoRecord {
            rto_ms: ms(info.rto),
            rtt_ms: ms(info.rtt),
            rttvar_ms: ms(info.rttvar),
            mss: info.snd_mss,
            rcv_mss: info.rcv_mss,
            cwnd: info.snd_cwnd,
            ssthresh: info.snd_ssthresh,
            retrans: info.retrans,
            total_retrans: info.total_retrans,
            snd_wscale: info.wscale.then_some(info.snd_wscale),
            rcv_wscale: info.wscale.then_some(info.rcv_wscale),
            bytes_acked: info.bytes_acked,
            bytes_received: info.bytes_received,
            segs_out: info.segs_out,
            segs_in: info.segs_in,
        }
    }
}

/// The JSON records of `sockets`.
pub fn records<'a>(sockets: &'a [InetSocket], owners: Option<&'a Owners>) -> Vec<SocketRecord<'a>> {
    sockets
        .iter()
        .map(|s| {
            let owner = owners.and_then(|o| o.get(s.inode));
            SocketRecord {
                proto: s.protocol_name(),
                recv_q: s.recv_q,
                send_q: s.send_q,
                local_address: s.local.ip().to_string(),
                local_port: s.local.port(),
                foreign_address: s.remote.ip().to_string(),
                foreign_port: s.remote.port(),
                state: s.state_name(),
                listening: s.is_listening(),
                uid: s.uid,
                inode: s.inode,
                pid: owner.map(|o| o.pid),
                program: owner.map(|o| o.program.as_str()),
                timer: s.timer.name(),
                timer_seconds: s.timer.seconds(),
                timer_count: s.timer.count,
                tcp_info: s.tcp_info.as_ref().map(TcpInfoRecord::from),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(address: SocketAddr) -> String {
        let mut line = Vec::new();
        push_address(&mut line, &mut itoa::Buffer::new(), address);
        String::from_utf8(line).unwrap()
    }

    #[test]
    fn addresses_are_written_as_netstat_does() {
        assert_eq!(address("0.0.0.0:0".parse().unwrap()), "0.0.0.0:*");
        assert_eq!(address("[::]:5001".parse().unwrap()), ":::5001");
        assert_eq!(address("[::]:0".parse().unwrap()), ":::*");
        assert_eq!(
            address("[fd00:56::101]:5000".parse().unwrap()),
            "fd00:56::101:5000"
        );
    }

    #[test]
    fn header_matches_netstat_with_every_column() {
        let mut out = Vec::new();
        write_header(
            &mut out,
            Which::All,
            Columns {
                extended: true,
                owners: true,
                timers: true,
                tcp_info: true,
            },
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "Active Internet connections (servers and established)\n\
             Proto Recv-Q Send-Q Local Address           Foreign Address         State       \
             User       Inode      PID/Program name     Timer\n"
        );
        let keepalive = super::super::Timer {
            kind: 2,
            expires_ms: 7_199_754,
            count: 1,
        };
        assert_eq!(keepalive.netstat(), "keepalive (7199.75/0/1)");
        assert_eq!(super::super::Timer::default().netstat(), "off (0.00/0/0)");
    }

    #[test]
    fn times_are_printed_as_c_s_percent_g() {
        for (value, text) in [
            (0.0, "0"),
            (0.035, "0.035"),
            (204.0, "204"),
            (1234.5678, "1234.57"),
            (0.0123456789, "0.0123457"),
        ] {
            assert_eq!(g(value), text);
        }
    }
}
