//! webcapture: the handout's Scapy sessions (Experiments 3 and 4). Live capture with
//! webcapture.py's defaults (filter `tcp port 80`, 12 packets, hello.pcap), reading
//! captures (`-r`) with Scapy's summary, show and hexdump (or JSON), pcap filter
//! expressions compiled by labnet, `-w` to write, `--diagram` for Scapy's pdfdump as
//! SVG or PDF. Argument parsing only; the logic is `labnet::live`, `capture`, `pcap`,
//! `filter`, `present`.

use std::ffi::OsString;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use labnet::capture::Direction;
use labnet::error::{Error, Result};
use labnet::filter::Filter;
use labnet::linktype::LinkType;
use labnet::pcap::{WriteFormat, MAX_RECORD};
use labnet::present::diagram::{Diagram, Target};
use labnet::present::habits::{Bytes, Habits, TimeColumn};
use labnet::present::{Analyze, FlowFormat, Format, Ports, Style, View};
use labnet::{cli, values};

#[derive(Parser)]
#[command(
    version,
    about = "Capture packets (or read captures) with Scapy's summary, show and hexdump, filtered like tcpdump",
    after_help = "Examples:\n  \
        sudo webcapture                          webcapture.py: 12 packets of tcp port 80 into hello.pcap\n  \
        sudo webcapture -c 0 tcp port 5000       ... port 5000, until Ctrl-C\n  \
        sudo webcapture -i lo -w lo.pcap         loopback traffic (127.0.0.1 and ::1)\n  \
        webcapture -r hello.pcap                 one Scapy summary() line per packet\n  \
        webcapture -r hello.pcap tcp port 5000   ... only the packets of port 5000\n  \
        webcapture -r hello.pcap -#              ... each with its index, as packets[N]\n  \
        webcapture -r hello.pcap --packet 3 --hexdump   Scapy's hexdump(packets[3])\n  \
        webcapture -r hello.pcap --packet 0 --show      packets[0].show(), layer by layer\n  \
        webcapture -r hello.pcap --json | jq .summary   the dissection as JSON, a packet a line\n  \
        webcapture -r lo.pcap --show --verify-checksums is each checksum right? (lo: offload)\n  \
        webcapture -r hello.pcap --packet 0 --diagram p0.svg   pdfdump(layer_shift=1), as SVG\n  \
        webcapture -r hello.pcap --packet 0 --diagram p0.pdf   ... as PDF\n  \
        sudo webcapture -c 0 --diagram pictures/ tcp port 5000   one picture per packet\n  \
        webcapture -r big.pcap -w web.pcap port 80      write the selected packets\n  \
        webcapture --dump-filter tcp port 80     the BPF program, as tcpdump -d\n\n\
TCP in motion:\n  \
        webcapture -r hello.pcap --conversations        one row per conversation (tshark -z conv,tcp)\n  \
        webcapture -r hello.pcap --analyze              each TCP packet's Seq/Ack/Win/Len and Wireshark's\n                                                   analysis, then a report per connection (RTT, ...)\n  \
        webcapture -r hello.pcap --analyze --explain    ... with the RTT formulas\n  \
        webcapture -r hello.pcap --flow 0               the ladder diagram of tcp.stream 0\n  \
        webcapture -r hello.pcap --flow 0 --flow-format svg flow.svg    ... as SVG\n  \
        webcapture -r hello.pcap --flow --flow-format mermaid           ... as Mermaid, for Markdown\n  \
        webcapture -r hello.pcap --follow 0             the bytes of stream 0 (tshark -z follow,tcp,ascii)\n  \
        sudo webcapture -i lo -c 0 --flow tcp port 5000 a live ladder, drawn at Ctrl-C\n\n\
Processes:\n  \
        sudo webcapture -c 0 --proc tcp port 5000      lines end with the process: [hello-client 4121]\n  \
        sudo webcapture -c 0 --pid 812 -w srv.pcapng   only process 812's packets, each with its process\n  \
        sudo webcapture -- hello-client brooklyn       run the command, capture only its packets\n\n\
In the terminal (no X server, no tshark):\n  \
        webcapture --tui -r hello.pcap                  browse: list, layers, bytes, filter, follow (? for keys)\n  \
        sudo webcapture --tui -i eth0 -w live.pcap      ... a live capture, also written to live.pcap"
)]
struct Args {
    /// Capture on this interface (`any` for all); default: the default route's
    #[arg(short = 'i', value_name = "IFACE", add = labnet::completion::interfaces())]
    interface: Option<String>,
    /// Do not put the interface into promiscuous mode
    #[arg(short = 'p', long = "no-promisc")]
    no_promisc: bool,
    /// Keep at most this many bytes of each packet (0: 262144, as tcpdump)
    #[arg(short = 's', value_name = "SNAPLEN", default_value = "262144",
          value_parser = values::snaplen(MAX_RECORD))]
    snaplen: u32,
    /// Stop capturing after this many seconds
    #[arg(long, value_name = "SECS", value_parser = values::seconds(0.0..=values::YEAR))]
    timeout: Option<Duration>,
    /// Capture without writing a file (live capture writes hello.pcap by default)
    #[arg(long)]
    no_write: bool,
    /// Flush each line as it is printed (always on a terminal)
    #[arg(short = 'l')]
    line_buffered: bool,
    /// Each summary line ends with the IP header's details, as tcpdump -v prints them
    /// (TTL, id, fragment offset and flags, protocol, length; IPv6: flow label, hop
    /// limit, next header, payload length); writing with -w and not printing, a
    /// running packet count on stderr instead, as tcpdump -v does
    #[arg(short = 'v', action = clap::ArgAction::Count)]
    verbose: u8,
    /// When nothing has matched after SECS, say on stderr what does go by
    #[arg(long, value_name = "SECS", default_value = "5", value_parser = values::seconds(0.0..=values::DAY))]
    hint_after: Duration,
    /// Never print such hints
    #[arg(long)]
    no_hints: bool,
    /// Become USER once the capture socket is open (the file is then written as USER)
    #[arg(short = 'Z', value_name = "USER")]
    drop_to: Option<String>,
    /// Read packets from this pcap or pcapng file
    #[arg(short = 'r', value_name = "FILE")]
    read: Option<PathBuf>,
    /// Write the packets to this file (`-` for stdout) instead of printing them (live
    /// capture without -w prints and writes hello.pcap, as webcapture.py)
    #[arg(short = 'w', value_name = "FILE")]
    write: Option<PathBuf>,
    /// Write pcapng (nanosecond timestamps) instead of pcap
    #[arg(long)]
    pcapng: bool,
    /// Print the packets even while writing them with -w
    #[arg(long)]
    print: bool,
    /// Stop after COUNT packets (live default 12, as webcapture.py; 0: no limit)
    #[arg(short = 'c', value_name = "COUNT", value_parser = values::whole::<u64>(0..=values::MAX_PACKETS))]
    count: Option<u64>,
    /// Only packet N (0-based, as packets[N] in Scapy)
    #[arg(long, value_name = "N", value_parser = values::whole::<u64>(0..=values::MAX_PACKETS))]
    packet: Option<u64>,
    /// Print each packet's index before its line
    #[arg(short = '#')]
    numbered: bool,
    /// Scapy's hexdump of each packet instead of its summary
    #[arg(long, conflicts_with_all = ["show", "json"])]
    hexdump: bool,
    /// Port numbers instead of /etc/services names in summary lines (`-nn` as well, as
    /// tcpdump users type it)
    #[arg(short = 'n', action = clap::ArgAction::Count)]
    numeric: u8,
    /// A time column before each summary line, as tcpdump's: -tt seconds since 1970,
    /// -ttt since the packet before, -tttt date and time, -ttttt since the first packet
    /// (-t: none, the default: Scapy's lines have none)
    #[arg(short = 't', action = clap::ArgAction::Count)]
    time_column: u8,
    /// The time of day before each summary line (tcpdump's default column)
    #[arg(long = "time")]
    time_of_day: bool,
    /// The link-layer header before each summary line, as tcpdump -e (MAC addresses,
    /// EtherType, VLAN tags, length)
    #[arg(short = 'e')]
    link_header: bool,
    /// After each line, the packet in hex from its network layer, as tcpdump -x (-xx:
    /// from its link layer)
    #[arg(short = 'x', action = clap::ArgAction::Count)]
    hex: u8,
    /// After each line, the packet in hex and ASCII, as tcpdump -X (-XX: from its link
    /// layer)
    #[arg(short = 'X', action = clap::ArgAction::Count)]
    hex_ascii: u8,
    /// After each line, the packet as text, as tcpdump -A (-AA: from its link layer)
    #[arg(short = 'A', action = clap::ArgAction::Count)]
    ascii: u8,
    /// Shorter lines, as tcpdump -q: only the topmost layer's own summary (`TCP
    /// 192.168.56.102:36844 > 192.168.56.101:5000 S`), without `Ether / IP /` and `/ Raw`
    #[arg(short = 'q')]
    quick: bool,
    /// Read the filter expression from FILE (`#` starts a comment), as tcpdump -F
    #[arg(short = 'F', value_name = "FILE")]
    filter_file: Option<PathBuf>,
    /// With -w: start a new file once this one holds more than SIZE millions of bytes
    /// (512k, 100m, 2g: KiB, MiB, GiB), named FILE, FILE1, FILE2, ... as tcpdump -C
    #[arg(short = 'C', value_name = "SIZE", requires = "write", conflicts_with = "read",
          value_parser = values::file_size)]
    rotate_size: Option<u64>,
    /// With -w: start a new file every SECS seconds, its name made by strftime (-w
    /// 'lab-%H%M%S.pcap'), as tcpdump -G
    #[arg(short = 'G', value_name = "SECS", requires = "write", conflicts_with = "read",
          value_parser = values::whole::<u64>(1..=86_400 * 366))]
    rotate_every: Option<u64>,
    /// With -C: keep N files, reused in a ring (FILE0 ... FILE{N-1}); with -G: end the
    /// capture after N files; as tcpdump -W
    #[arg(short = 'W', value_name = "N", value_parser = values::whole::<u32>(1..=1_000_000))]
    rotate_files: Option<u32>,
    /// Write each packet to the file as it is captured, not once a second (tcpdump -U)
    #[arg(short = 'U', conflicts_with = "read")]
    packet_buffered: bool,
    /// List the interfaces webcapture can capture on, as tcpdump -D (libpcap's order,
    /// flags and link status), and exit
    #[arg(short = 'D', long = "list-interfaces")]
    list_interfaces: bool,
    /// With -r: print only how many packets match, as tcpdump --count
    #[arg(long = "count", requires = "read", conflicts_with_all = ["write", "view", "diagram"])]
    count_only: bool,
    /// Capture only packets received (`in`), sent (`out`) or both (`inout`, the
    /// default), as tcpdump -Q
    #[arg(short = 'Q', long = "direction", value_name = "DIRECTION", conflicts_with = "read",
          value_parser = ["in", "out", "inout"])]
    direction: Option<String>,
    /// Scapy's show(): every field of every layer, each layer with its TCP/IP layer
    #[arg(long, conflicts_with = "json")]
    show: bool,
    /// Each packet's dissection as one JSON document a line: layers, fields, values,
    /// byte ranges
    #[arg(long)]
    json: bool,
    /// With --show or --json: say whether each checksum is correct (on lo and veth,
    /// TCP and UDP checksums are partial: checksum offload)
    #[arg(long)]
    verify_checksums: bool,
    /// Draw the packet as Scapy's pdfdump(layer_shift=1) does, into FILE.svg or FILE.pdf
    /// (the packet --packet selects, else the first), or into a directory: one SVG per
    /// packet
    #[arg(long, value_name = "FILE|DIR")]
    diagram: Option<PathBuf>,
    /// How far each layer's box is shifted right of the one below it in the diagram
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = values::whole::<u8>(0..=8))]
    layer_shift: u8,
    /// Print the filter's BPF program as `tcpdump -d` does, and exit
    #[arg(long)]
    dump_filter: bool,
    /// Follow each TCP packet's connection as Wireshark does: its stream, relative
    /// Seq/Ack, Win and Len, the analysis (retransmission, duplicate ACK, zero window,
    /// ...) after each packet; at the end a report per connection (handshake, SampleRTT
    /// and RFC 6298's EstimatedRTT, DevRTT and RTO, retransmissions, throughput)
    #[arg(long, conflicts_with = "hexdump")]
    analyze: bool,
    /// With --analyze: explain how SampleRTT, EstimatedRTT, DevRTT and the RTO are computed
    #[arg(long, requires = "analyze")]
    explain: bool,
    /// TCP sequence and acknowledgment numbers as sent, not relative (as tcpdump -S)
    #[arg(short = 'S')]
    absolute: bool,
    /// Instead of the packets: one row per conversation (TCP, UDP, ICMP), with packets
    /// and bytes each way, start, duration, and for TCP the state and handshake RTT
    #[arg(long, group = "view")]
    conversations: bool,
    /// Instead of the packets: the ladder diagram of TCP stream STREAM (`all`, or
    /// without STREAM: every TCP stream)
    #[arg(long, value_name = "STREAM", num_args = 0..=1, default_missing_value = "all",
          value_parser = stream_or_all, group = "view")]
    flow: Option<Streams>,
    /// How --flow draws the ladder: `text` (the default), `svg FILE`, or `mermaid` (a
    /// sequenceDiagram for Markdown)
    #[arg(long, value_name = "FORMAT [FILE]", num_args = 1..=2, requires = "flow")]
    flow_format: Vec<String>,
    /// Instead of the packets: the bytes of TCP stream STREAM, each direction in order,
    /// as tshark's -z follow,tcp,ascii, then its HTTP messages
    #[arg(long, value_name = "STREAM", group = "view",
          value_parser = values::whole::<u32>(0..=u64::from(u32::MAX)))]
    follow: Option<u32>,
    /// With --follow: write the stream's bytes alone (both directions, in order)
    #[arg(long, requires = "follow")]
    raw: bool,
    /// Name each packet's process at the end of its line (`[hello-client 4121]`): the
    /// process on this host whose socket it belongs to (on by default with --show,
    /// --json and --flow)
    #[arg(long, conflicts_with = "read")]
    proc: bool,
    /// Do not look for processes, also with --show, --json or --flow
    #[arg(long, conflicts_with = "proc")]
    no_proc: bool,
    /// Keep only the packets of process PID and the processes it starts (repeat for more)
    #[arg(long, value_name = "PID", conflicts_with = "read",
          value_parser = values::whole::<u32>(1..=values::PID_MAX))]
    pid: Vec<u32>,
    /// Keep only the packets of processes named NAME (as `ps -o comm` shows them)
    #[arg(long, value_name = "NAME", conflicts_with = "read")]
    comm: Option<String>,
    /// Browse the packets in the terminal (-r FILE or live): the packet list, the selected
    /// packet's layers and bytes, a display filter, conversations, the ladder, a followed
    /// stream, marks, saving; ? lists the keys
    #[arg(long, conflicts_with_all = ["view", "count_only", "dump_filter", "diagram", "hexdump", "show", "json", "analyze"])]
    tui: bool,
    /// A pcap filter expression, as tcpdump's (live default: tcp port 80, as webcapture.py)
    #[arg(value_name = "FILTER")]
    filter: Vec<String>,
    /// Run CMD (after `--`) and capture only its packets, on every interface (`-i any`)
    /// unless -i says otherwise, until it exits
    #[arg(last = true, value_name = "CMD", conflicts_with = "read")]
    command: Vec<String>,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args: Args = cli::parse_from_with(
        "webcapture",
        optional_values(std::env::args_os()),
        TCPDUMP_FLAGS,
    );
    cli::run("webcapture", || run(&args))
}

/// tcpdump's flags webcapture does not take, and what to do instead.
const TCPDUMP_FLAGS: &[(&str, &str)] = &[
    ("-K", "tcpdump's -K: webcapture checks no checksum unless asked (--verify-checksums with --show or --json)"),
    ("-B", "tcpdump's -B: the capture ring is fixed at 8 MiB; the closing counters say if the kernel dropped any"),
    ("-L", "tcpdump's -L: the link type is Ethernet (EN10MB), or LINUX_SLL2 with -i any; --dump-filter -i IFACE shows it"),
    ("-y", "tcpdump's -y: the link type is Ethernet (EN10MB), or LINUX_SLL2 with -i any"),
    ("-I", "tcpdump's -I (802.11 monitor mode) is not supported"),
    ("-j", "tcpdump's -j: time stamps are the kernel's, in nanoseconds (kept in pcapng)"),
    ("-J", "tcpdump's -J: time stamps are the kernel's, in nanoseconds (kept in pcapng)"),
    ("-N", "tcpdump's -N: webcapture prints addresses, never host names"),
    ("-O", "tcpdump's -O: the filter is compiled once and optimized; --dump-filter shows the program"),
    ("-T", "tcpdump's -T: packets are dissected by their ports, as Scapy does"),
    ("-E", "tcpdump's -E (ESP decryption) is not supported"),
    ("-z", "tcpdump's -z: run the command on the file once webcapture has ended"),
    ("--time-stamp-precision", "times are nanoseconds in pcapng (--pcapng), microseconds in pcap and on the lines"),
    ("--immediate-mode", "packets reach webcapture within 10 ms anyway (the ring's block timeout); -l prints each at once"),
];

/// `--flow` takes a stream number only when one follows (`--flow tcp port 80` keeps
/// its filter), and `--flow-format` a file only after `svg`: those are written with
/// `=` before clap reads them.
fn optional_values(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let next = args.peek().and_then(|a| a.to_str()).unwrap_or("");
        match arg.to_str() {
            Some("--flow") if next.is_empty() || !next.bytes().all(|b| b.is_ascii_digit()) => {
                out.push("--flow=all".into());
            }
            Some("--flow-format") if !next.is_empty() && next != "svg" => {
                out.push(format!("--flow-format={next}").into());
                args.next();
            }
            _ => out.push(arg),
        }
    }
    out
}

/// Which TCP streams `--flow` draws.
#[derive(Debug, Clone, Copy)]
enum Streams {
    All,
    One(u32),
}

/// `--flow`'s value: a stream number, or `all`.
fn stream_or_all(text: &str) -> std::result::Result<Streams, String> {
    if text == "all" {
        return Ok(Streams::All);
    }
    values::whole::<u32>(0..=u64::from(u32::MAX))(text)
        .map(Streams::One)
        .map_err(|e| format!("{e}, or all"))
}

fn run(args: &Args) -> Result<()> {
    let expression = match &args.filter_file {
        Some(path) if !args.filter.is_empty() => {
            return Err(Error::usage(format!(
                "a filter in -F {} and on the command line ({})",
                path.display(),
                args.filter.join(" ")
            ))
            .hint("give it one way: in the file, or after the options"))
        }
        Some(path) => labnet::filter::expression_from_file(path)?,
        None => args.filter.join(" "),
    };
    if args.dump_filter {
        return dump_filter(args, &expression);
    }
    if args.rotate_files.is_some() && args.rotate_size.is_none() && args.rotate_every.is_none() {
        return Err(Error::usage("-W counts the files of -C or -G")
            .hint("for example -C 10 -W 5: five files of about 10 MB, reused in a ring"));
    }
    if (args.rotate_size.is_some() || args.rotate_every.is_some())
        && args.write.as_deref() == Some(std::path::Path::new("-"))
    {
        return Err(Error::usage(
            "-C and -G make new files; -w - is standard output",
        ));
    }
    if args.list_interfaces {
        let mut out = cli::stdout();
        let devices = labnet::devices::list()?;
        return cli::output(labnet::devices::write(&mut out, &devices).and_then(|()| out.flush()));
    }
    if args.tui {
        return tui(args, expression);
    }
    let Some(input) = &args.read else {
        return live(args, &expression);
    };
    let diagram = diagram(args)?;
    let options = labnet::offline::ReadOptions {
        input: input.clone(),
        filter: expression,
        count: match (&diagram, args.count) {
            // A diagram file holds one packet: the first selected.
            (Some(d), _) if d.target.is_file() => Some(1),
            // -c 0 means no limit, as in live capture.
            (_, Some(0)) => None,
            (_, count) => count,
        },
        packet: args.packet,
        style: style(args),
        view: view(args)?,
        analyze: analyze(args),
        print: !args.count_only && (args.write.is_none() || args.print),
        write: args.write.clone(),
        format: write_format(args),
        diagram,
    };
    let mut out = cli::stdout();
    let selected = labnet::offline::run(&options, &mut out)?;
    if args.count_only {
        let plural = if selected == 1 { "" } else { "s" };
        cli::output(writeln!(out, "{selected} packet{plural}").and_then(|()| out.flush()))?;
    }
    Ok(())
}

/// pcapng with --pcapng, or when the file is named so.
fn write_format(args: &Args) -> WriteFormat {
    let named = args.write.as_ref().is_some_and(|path| {
        path.extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
    });
    if args.pcapng || named {
        WriteFormat::PcapNg
    } else {
        WriteFormat::Pcap
    }
}

/// How packets are printed: summaries, listings, hexdumps or JSON, numbered or not,
/// ports named or not.
fn style(args: &Args) -> Style {
    let format = if args.hexdump {
        Format::Hexdump
    } else if args.show {
        Format::Show
    } else if args.json {
        Format::Json
    } else {
        Format::Summary
    };
    Style {
        format,
        verify_checksums: args.verify_checksums,
        numbered: args.numbered,
        ports: if args.numeric > 0 {
            Ports::Numeric
        } else {
            Ports::Named
        },
        absolute: args.absolute,
        habits: Habits {
            time: TimeColumn::from_flags(args.time_column, args.time_of_day),
            link_header: args.link_header,
            bytes: Bytes::from_flags(args.hex, args.hex_ascii, args.ascii),
            verbose: args.verbose > 0,
            quick: args.quick,
        },
    }
}

fn analyze(args: &Args) -> Analyze {
    Analyze {
        on: args.analyze,
        explain: args.explain,
    }
}

/// What is printed: the packets, or the conversations, a ladder or a stream.
fn view(args: &Args) -> Result<View> {
    if args.conversations {
        return Ok(View::Conversations);
    }
    if let Some(stream) = args.follow {
        return Ok(View::Follow {
            stream,
            raw: args.raw,
        });
    }
    let stream = match args.flow {
        None => return Ok(View::Packets),
        Some(Streams::All) => None,
        Some(Streams::One(stream)) => Some(stream),
    };
    let format = match args
        .flow_format
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()[..]
    {
        [] | ["text"] => FlowFormat::Text,
        ["mermaid"] => FlowFormat::Mermaid,
        ["svg", file] => {
            let path = PathBuf::from(file);
            if path.is_dir() {
                return Err(
                    Error::usage(format!("--flow-format svg {file}: that is a directory"))
                        .hint("name the SVG file, e.g. --flow-format svg flow.svg"),
                );
            }
            FlowFormat::Svg(path)
        }
        ["svg"] => {
            return Err(Error::usage("--flow-format svg needs a FILE to write")
                .hint("e.g. --flow-format svg flow.svg"))
        }
        [other, ..] => {
            return Err(
                Error::usage(format!("--flow-format {other}: not a ladder format"))
                    .hint("text, svg FILE or mermaid"),
            )
        }
    };
    Ok(View::Flow { stream, format })
}

/// `--diagram`: where the pictures go, the directory made first.
fn diagram(args: &Args) -> Result<Option<Diagram>> {
    let Some(path) = &args.diagram else {
        return Ok(None);
    };
    let target = Target::new(path)?;
    target.prepare()?;
    Ok(Some(Diagram {
        target,
        layer_shift: usize::from(args.layer_shift),
    }))
}

/// webcapture.py's defaults: `tcp port 80`, 12 packets, hello.pcap.
const LIVE_FILTER: &str = "tcp port 80";
const LIVE_COUNT: u64 = 12;
const LIVE_FILE: &str = "hello.pcap";

fn live(args: &Args, expression: &str) -> Result<()> {
    let running = !args.command.is_empty();
    let by_process = running || !args.pid.is_empty() || args.comm.is_some();
    let filter = if !expression.trim().is_empty() {
        expression.to_string()
    } else if by_process {
        // Everything the processes do.
        String::new()
    } else {
        LIVE_FILTER.to_string()
    };
    // A bad expression is reported before the capture needs any privilege.
    Filter::compile_live(&filter, LinkType::Ethernet)?;
    let diagram = diagram(args)?;
    let interface = match &args.interface {
        Some(name) => name.clone(),
        None if running => "any".into(),
        None => labnet::capture::default_interface()?,
    };
    let write = if args.no_write {
        None
    } else {
        Some(
            args.write
                .clone()
                .unwrap_or_else(|| PathBuf::from(LIVE_FILE)),
        )
    };
    // As tcpdump: an explicit -w writes instead of printing (unless --print); the
    // handout's default both prints and writes hello.pcap. `-w -` is the file itself.
    let print =
        (args.write.is_none() || args.print) && write.as_deref() != Some(std::path::Path::new("-"));
    let options = labnet::live::LiveOptions {
        capture: labnet::capture::CaptureOptions {
            interface,
            promiscuous: !args.no_promisc,
            snaplen: args.snaplen,
            filter,
            direction: match args.direction.as_deref() {
                Some("in") => Direction::In,
                Some("out") => Direction::Out,
                _ => Direction::InOut,
            },
        },
        count: match (args.count, &diagram) {
            // A diagram file holds one packet: the first captured.
            (_, Some(d)) if d.target.is_file() => Some(1),
            (Some(0), _) => None,
            (Some(n), _) => Some(n),
            // Until the command exits.
            (None, _) if running => None,
            (None, _) => Some(LIVE_COUNT),
        },
        timeout: args.timeout,
        format: write_format(args),
        print,
        write,
        style: style(args),
        line_buffered: args.line_buffered,
        packet_buffered: args.packet_buffered,
        rotation: labnet::live::Rotation {
            size: args.rotate_size,
            every: args.rotate_every.map(Duration::from_secs),
            files: args.rotate_files,
        },
        // tcpdump's -v while writing and not printing: a running count.
        verbose: args.verbose > 0 && !print,
        hint_after: (!args.no_hints).then_some(args.hint_after),
        drop_to: args.drop_to.clone(),
        diagram,
        view: view(args)?,
        analyze: analyze(args),
        process: labnet::live::ProcessOptions {
            // What shows a packet whole shows its process too.
            attribute: args.proc
                || (!args.no_proc && (args.show || args.json || args.flow.is_some())),
            pids: args.pid.clone(),
            comm: args.comm.clone(),
            command: running.then(|| args.command.clone()),
        },
    };
    let mut out = cli::stdout();
    labnet::live::run(&options, &mut out)?;
    Ok(())
}

/// `--tui`: a file's filter is the display filter; live, the kernel's (empty: every
/// packet, a browser's default), and the capture is written only with -w.
fn tui(args: &Args, expression: String) -> Result<()> {
    let source = match &args.read {
        Some(path) => labnet::tui::Source::File(path.clone()),
        None => {
            Filter::compile_live(&expression, LinkType::Ethernet)?;
            labnet::tui::Source::Live(labnet::tui::LiveSource {
                capture: labnet::capture::CaptureOptions {
                    interface: match &args.interface {
                        Some(name) => name.clone(),
                        None => labnet::capture::default_interface()?,
                    },
                    promiscuous: !args.no_promisc,
                    snaplen: args.snaplen,
                    filter: expression.clone(),
                    direction: Direction::InOut,
                },
                write: args.write.clone(),
                format: write_format(args),
                attribute: !args.no_proc,
            })
        }
    };
    labnet::tui::run(labnet::tui::TuiOptions {
        filter: if args.read.is_some() {
            expression
        } else {
            String::new()
        },
        source,
        ports: style(args).ports,
    })
}

fn dump_filter(args: &Args, expression: &str) -> Result<()> {
    // The program for a file's link type, for what -i attaches to the kernel, or (as
    // tcpdump -d) for Ethernet.
    let link = match (&args.read, &args.interface) {
        (Some(path), _) => {
            let link_type = labnet::offline::first_link_type(path)?;
            LinkType::from_pcap(link_type).ok_or_else(|| {
                Error::usage(format!("cannot filter packets of link type {link_type}"))
            })?
        }
        (None, Some(interface)) => labnet::capture::kernel_link_type(interface),
        (None, None) => LinkType::Ethernet,
    };
    let filter = match (&args.read, &args.interface) {
        (None, Some(_)) => Filter::compile_live(expression, link)?,
        _ => Filter::compile(expression, link)?,
    };
    let mut out = cli::stdout();
    cli::output(
        out.write_all(filter.listing().as_bytes())
            .and_then(|()| out.flush()),
    )
}
