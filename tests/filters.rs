//! The filter language against tcpdump: every expression of `data/filter-corpus.txt`
//! on captures this test makes in the lab (Ethernet on brooklyn's eth0 with TCP/HTTP
//! over IPv4 and IPv6, UDP, ICMP errors, fragments, ARP and neighbour discovery, a ping
//! over VLAN 10; its
//! loopback; `-i any` with Linux cooked SLL2 headers). For each expression and file,
//! labnet must select exactly the packets `tcpdump -r FILE -w OUT EXPR` selects, and
//! reject what tcpdump rejects. Every accepted program must also load into the kernel.

use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::Command;

use labnet::filter::bpf::jumps_backward;
use labnet::filter::{Filter, Names};
use labnet::linktype::LinkType;
use labnet::pcap::CaptureReader;
use labnet_test_support::{require, tool_path, Tcpdump, TestLab, Webcapture};

struct Packet {
    seconds: u32,
    micros: u32,
    original_length: u32,
    data: Vec<u8>,
}

fn packets(path: &Path) -> (u32, Vec<Packet>) {
    let mut reader = CaptureReader::open(path).unwrap();
    let mut link_type = labnet::linktype::ETHERNET;
    let mut out = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        link_type = record.link_type;
        out.push(Packet {
            seconds: record.seconds,
            micros: (record.nanoseconds / 1000) as u32,
            original_length: record.original_length,
            data: record.data.to_vec(),
        });
    }
    (link_type, out)
}

fn corpus() -> Vec<String> {
    include_str!("data/filter-corpus.txt")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(String::from)
        .collect()
}

/// Captures the lab's traffic on brooklyn's eth0, lo and any at once.
/// VRRP (to its group), then PIM, IGRP, AH and ESP headers (their first bytes as the
/// protocols have them) to brooklyn over IPv4, and PIM, AH, ESP over IPv6, from midwood;
/// then IPv6 extension header chains (`protochain`): hop-by-hop, destination options,
/// routing, fragment and AH headers before TCP, UDP and ICMPv6, and no next header;
/// then Geneve over IPv4 and IPv6 (VNIs 5 and 7, with and without options) carrying
/// Ethernet frames (IPv4 TCP, IPv6 UDP, ARP, a broadcast, two MPLS labels, DECnet,
/// VLAN tags, PPPoE sessions, a second and a third Geneve, one behind PPPoE, 802.3
/// frames with LLC), bare IPv4 and IPv6, and MPLS.
const NAMED_PROTOCOLS: &str = r#"
from scapy.all import Ether, IP, IPv6, Raw, sendp, TCP, UDP, ICMPv6EchoRequest
from scapy.all import IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, IPv6ExtHdrRouting, IPv6ExtHdrFragment
from scapy.layers.ipsec import AH
from scapy.layers.vrrp import VRRP
to_brooklyn = dict(src='192.168.56.102', dst='192.168.56.101')
frames = [Ether(dst='01:00:5e:00:00:12') / IP(src='192.168.56.102', dst='224.0.0.18', ttl=255)
          / VRRP(vrid=9, addrlist=['192.168.56.1'])]
for number, header in ((103, b'\x20\x00\x00\x00'), (9, b'\x11\x02\x00\x00'),
                       (51, b'\x3b\x04\x00\x00' + bytes(20)), (50, bytes(16))):
    frames.append(Ether(dst='08:00:27:a8:38:65') / IP(proto=number, **to_brooklyn) / Raw(header))
for number, header in ((103, b'\x20\x00\x00\x00'), (51, b'\x3b\x04\x00\x00' + bytes(20)),
                       (50, bytes(16))):
    frames.append(Ether(dst='08:00:27:a8:38:65')
                  / IPv6(nh=number, src='fd00:56::102', dst='fd00:56::101') / Raw(header))
v6 = lambda: Ether(dst='08:00:27:a8:38:65') / IPv6(src='fd00:56::102', dst='fd00:56::101')
syn = lambda: TCP(sport=40001, dport=5000, flags='S')
frames += [
    v6() / IPv6ExtHdrHopByHop() / syn(),
    v6() / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting() / UDP(sport=40001, dport=9999),
    v6() / IPv6ExtHdrFragment(m=1) / syn(),
    v6() / IPv6ExtHdrDestOpt() / AH(nh=58, payloadlen=4, icv=bytes(12)) / ICMPv6EchoRequest(),
    v6() / IPv6ExtHdrHopByHop(nh=59),
]
from scapy.contrib.geneve import GENEVE
from scapy.contrib.mpls import MPLS
from scapy.all import ARP
v4 = lambda: Ether(dst='08:00:27:a8:38:65') / IP(**to_brooklyn)
inner = lambda dst='02:00:00:00:00:02', **k: Ether(src='02:00:00:00:00:01', dst=dst, **k)
decnet = Raw(bytes([0x14, 0, 0x02, 0x02, 0x04, 0x08, 0x06]) + bytes(20))
geneve = lambda vni, proto=0x6558, options=b'': UDP(sport=40002, dport=6081) / GENEVE(vni=vni, proto=proto, optionlen=len(options) // 4, options=options)
for outer in (v4, v6):
    frames += [
        outer() / geneve(5) / inner() / IP(src='10.0.0.1', dst='10.0.0.2') / TCP(sport=40003, dport=80),
        outer() / geneve(7, options=b'\x01\x02\x03\x01abcd') / inner() / IPv6(src='fd00:1::1', dst='fd00:1::2') / UDP(sport=40003, dport=53),
        outer() / geneve(5) / inner() / ARP(psrc='10.0.0.1', pdst='10.0.0.2'),
        outer() / geneve(7) / inner('ff:ff:ff:ff:ff:ff') / IP(src='10.0.0.1', dst='10.0.0.255') / UDP(dport=137),
        outer() / geneve(5, 0x0800) / IP(src='10.0.0.2', dst='10.0.0.1') / TCP(sport=80, dport=40003),
        outer() / geneve(7, 0x86dd) / IPv6(src='fd00:1::2', dst='fd00:1::1') / UDP(sport=53, dport=40003),
        outer() / geneve(5) / inner(type=0x8847) / MPLS(label=100, s=0) / MPLS(label=200) / IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=40003, dport=53),
        outer() / geneve(7, 0x8847) / MPLS(label=7) / IPv6(src='fd00:1::1', dst='fd00:1::2') / TCP(sport=40003, dport=80),
        outer() / geneve(5) / inner(type=0x6003) / decnet,
    ]
# What else an inner Ethernet frame holds: VLAN tags (one, two), PPPoE sessions (in a
# tag too), a second Geneve (and a third, and one behind PPPoE), and 802.3 frames
# with LLC (spanning tree, IPX, OSI, AppleTalk over SNAP).
from scapy.all import Dot1Q, Dot3, LLC, SNAP, STP
from scapy.layers.ppp import PPP, PPPoE
dot3 = lambda: Dot3(src='02:00:00:00:00:01', dst='01:80:c2:00:00:00')
frames += [
    v4() / geneve(5) / inner() / Dot1Q(vlan=3) / IP(src='10.0.0.1', dst='10.0.0.2') / UDP(sport=40003, dport=53),
    v6() / geneve(7) / inner() / Dot1Q(vlan=100) / Dot1Q(vlan=4) / IPv6(src='fd00:1::1', dst='fd00:1::2') / TCP(sport=40003, dport=80),
    v4() / geneve(5) / inner() / PPPoE(sessionid=9) / PPP(proto=0x21) / IP(src='10.0.0.1', dst='10.0.0.3') / UDP(sport=40003, dport=53),
    v4() / geneve(7) / inner() / Dot1Q(vlan=3) / PPPoE(sessionid=11) / PPP(proto=0x57) / IPv6(src='fd00:1::1', dst='fd00:1::3') / UDP(sport=40003, dport=53),
    v4() / geneve(5) / inner() / IP(src='10.0.1.1', dst='10.0.1.2') / geneve(9) / inner('ff:ff:ff:ff:ff:ff') / IP(src='10.0.2.1', dst='10.0.2.2') / TCP(sport=40003, dport=80),
    v6() / geneve(7, options=b'\x01\x02\x03\x01abcd') / inner() / IP(src='10.0.1.1', dst='10.0.1.2') / geneve(11, 0x0800) / IP(src='10.0.2.3', dst='10.0.2.4') / UDP(sport=40003, dport=53),
    v4() / geneve(5) / inner() / IP(src='10.0.1.1', dst='10.0.1.2') / geneve(9) / inner() / IP(src='10.0.2.1', dst='10.0.2.2') / geneve(13, 0x0800) / IP(src='10.0.3.1', dst='10.0.3.2') / TCP(sport=40003, dport=80),
    v4() / geneve(7) / inner() / PPPoE(sessionid=9) / PPP(proto=0x21) / IP(src='10.0.1.1', dst='10.0.1.3') / geneve(9) / inner() / IP(src='10.0.2.5', dst='10.0.2.6') / UDP(sport=40003, dport=53),
    v4() / geneve(5) / dot3() / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP(),
    v4() / geneve(7) / dot3() / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x8137) / Raw(bytes(30)),
    v4() / geneve(5) / dot3() / Raw(b'\xff\xff' + bytes(28)),
    v4() / geneve(7) / dot3() / LLC(dsap=0xfe, ssap=0xfe, ctrl=3) / Raw(b'\x83\x1b\x01\x00\x0f' + bytes(20)),
    v4() / geneve(5) / dot3() / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0x080007, code=0x809b) / Raw(bytes(20)),
    v4() / geneve(7) / dot3() / LLC(dsap=0x06, ssap=0x04, ctrl=0x01) / Raw(bytes(20)),
]
sendp(frames, iface='eth0', verbose=False)
"#;

/// 802.2 LLC frames and the older LAN protocols libpcap names, from midwood: spanning
/// tree, IPX in each of its four framings, NetBEUI, OSI (CLNP, ES-IS, IS-IS PDUs of
/// both levels), AppleTalk and AARP (Ethernet II and SNAP), DECnet, LAT, SCA, MOP, LLC
/// information, supervisory and unnumbered frames, spanning tree behind a VLAN tag, IP
/// behind MPLS labels, and PPPoE discovery and session frames.
const LAN_PROTOCOLS: &str = r#"
from scapy.all import Dot1Q, Dot3, Ether, LLC, Raw, SNAP, STP, sendp
src, to = '08:00:27:a8:38:66', '08:00:27:a8:38:65'
def llc(dsap, ssap, ctrl, payload):
    return Dot3(src=src, dst=to) / LLC(dsap=dsap, ssap=ssap, ctrl=ctrl) / Raw(payload)
frames = [
    Dot3(src=src, dst='01:80:c2:00:00:00') / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP(),
    Ether(src=src, dst=to, type=0x8137) / Raw(b'\xff\xff' + bytes(28)),
    Dot3(src=src, dst=to) / Raw(b'\xff\xff' + bytes(28)),
    llc(0xe0, 0xe0, 3, b'\xff\xff' + bytes(28)),
    Dot3(src=src, dst=to) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x8137) / Raw(bytes(30)),
    llc(0xf0, 0xf0, 3, bytes(20)),
    llc(0xfe, 0xfe, 3, b'\x81' + bytes(20)),
    llc(0xfe, 0xfe, 3, b'\x82' + bytes(20)),
    llc(0xfe, 0xfe, 3, b'\x83\x1b\x01\x00\x0f' + bytes(20)),
    llc(0xfe, 0xfe, 3, b'\x83\x1b\x01\x00\x14' + bytes(20)),
    llc(0xfe, 0xfe, 3, b'\x83\x1b\x01\x00\x18' + bytes(20)),
    Ether(src=src, dst=to, type=0x809b) / Raw(bytes(20)),
    Dot3(src=src, dst=to) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0x080007, code=0x809b) / Raw(bytes(20)),
    Ether(src=src, dst=to, type=0x80f3) / Raw(bytes(28)),
    Dot3(src=src, dst=to) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x80f3) / Raw(bytes(28)),
    Ether(src=src, dst=to, type=0x6003) / Raw(bytes(20)),
    Ether(src=src, dst=to, type=0x6004) / Raw(bytes(20)),
    Ether(src=src, dst=to, type=0x6007) / Raw(bytes(20)),
    Ether(src=src, dst=to, type=0x6001) / Raw(bytes(20)),
    Ether(src=src, dst=to, type=0x6002) / Raw(bytes(20)),
    llc(0x06, 0x06, 0x04, bytes(20)),
    llc(0x06, 0x04, 0x01, bytes(20)),
    llc(0x42, 0x42, 0xaf, bytes(20)),
    llc(0x42, 0x42, 0xe3, bytes(20)),
    llc(0x10, 0x10, 0x05, bytes(20)),
    Ether(src=src, dst=to) / Dot1Q(vlan=10, type=38) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP(),
]
# MPLS: one label (100) over IPv4 and TCP port 80, two (100, 200) over IPv6 and UDP 53.
from scapy.all import IP, IPv6, TCP, UDP
label = lambda value, bottom: (value << 12 | bottom << 8 | 64).to_bytes(4, 'big')
frames += [
    Ether(src=src, dst=to, type=0x8847) / Raw(label(100, 1))
    / IP(src='10.1.0.1', dst='10.1.0.2') / TCP(sport=40000, dport=80),
    Ether(src=src, dst=to, type=0x8847) / Raw(label(100, 0) + label(200, 1))
    / IPv6(src='fd00:1::1', dst='fd00:1::2') / UDP(sport=40000, dport=53),
]
# PPPoE: a discovery (PADI), then session 5 carrying IPv4/TCP 80 and IPv6/UDP 53,
# session 6 IS-IS and MPLS, session 7 another PPPoE session (8) with IPv4/TCP 80.
from scapy.layers.ppp import PPP, PPPoE, PPPoED
frames += [
    Ether(src=src, dst='ff:ff:ff:ff:ff:ff') / PPPoED(code=0x09),
    Ether(src=src, dst=to) / PPPoE(sessionid=5) / PPP(proto=0x0021)
    / IP(src='10.2.0.1', dst='10.2.0.2') / TCP(sport=40000, dport=80),
    Ether(src=src, dst=to) / PPPoE(sessionid=5) / PPP(proto=0x0057)
    / IPv6(src='fd00:2::1', dst='fd00:2::2') / UDP(sport=40000, dport=53),
    Ether(src=src, dst=to) / PPPoE(sessionid=6) / PPP(proto=0x0023) / Raw(b'\x83\x1b\x01\x00\x0f' + bytes(20)),
    Ether(src=src, dst=to) / PPPoE(sessionid=6) / PPP(proto=0x0281) / Raw(label(300, 1))
    / IP(src='10.2.0.1', dst='10.2.0.3') / UDP(sport=40000, dport=53),
    Ether(src=src, dst=to) / PPPoE(sessionid=7) / PPP(proto=0x8864) / PPPoE(sessionid=8)
    / PPP(proto=0x0021) / IP(src='10.2.0.1', dst='10.2.0.4') / TCP(sport=40000, dport=80),
]
# DECnet routing headers: short and long, with and without the pad byte (0x81), each
# after a 2-byte length; addresses AREA.NODE as little-endian (1.2 is 02 04).
dn = lambda area, node: (area << 10 | node).to_bytes(2, 'little')
decnet = lambda header: Ether(src=src, dst=to, type=0x6003) / Raw(len(header).to_bytes(2, 'little') + header + bytes(10))
frames += [
    decnet(b'\x02' + dn(1, 2) + dn(10, 5) + b'\x00'),
    decnet(b'\x81\x02' + dn(10, 5) + dn(1, 2) + b'\x00'),
    decnet(b'\x06\x00\x00\xaa\x00\x04\x00' + dn(1, 3) + b'\x00\x00\xaa\x00\x04\x00' + dn(1, 2) + bytes(4)),
    decnet(b'\x81\x06\x00\x00\xaa\x00\x04\x00' + dn(1, 2) + b'\x00\x00\xaa\x00\x04\x00' + dn(1, 3) + bytes(4)),
]
sendp(frames, iface='eth0', verbose=False)
"#;

fn capture(lab: &TestLab, dir: &Path) -> Vec<PathBuf> {
    let files: Vec<PathBuf> = ["eth0", "lo", "any"]
        .iter()
        .map(|name| dir.join(format!("{name}.pcap")))
        .collect();
    let captures: Vec<Tcpdump> = ["eth0", "lo", "any"]
        .iter()
        .zip(&files)
        .map(|(interface, file)| Tcpdump::start(lab, "brooklyn", interface, file))
        .collect();
    let server = lab.hello_server("brooklyn", &["--host", "::"]);
    let client = tool_path("hello-client");
    // Tagged frames: echo requests inside 802.1Q, VLAN 10.
    lab.send_tagged_pings("midwood", "08:00:27:a8:38:65", 10, 2);
    // The protocols libpcap names (vrrp, pim, igrp, ah, esp), over IPv4 and IPv6.
    lab.run("midwood", "python3", &["-c", NAMED_PROTOCOLS]);
    lab.run("midwood", "python3", &["-c", LAN_PROTOCOLS]);
    lab.ping_brooklyn();
    lab.run("midwood", &client, &["192.168.56.101:5000"]);
    lab.run("midwood", &client, &["[fd00:56::101]:5000"]);
    lab.run("brooklyn", &client, &["127.0.0.1:5000"]);
    lab.run("brooklyn", &client, &["[::1]:5000"]);
    // UDP to closed ports (9999, and 53 as a DNS client would): ICMP errors come back.
    let udp = "import socket,time\nfor port in (9999, 53):\n    s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n    s.sendto(b'knock',('192.168.56.101',port))\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\ns.sendto(b'knock',('fd00:56::101',53))\ntime.sleep(0.3)";
    lab.run("midwood", "python3", &["-c", udp]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    drop(server);
    for tcpdump in captures {
        tcpdump.finish();
    }
    files
}

enum Verdict {
    Selected(Vec<(u32, u32, u32, Vec<u8>)>),
    Rejected(String),
}

fn tcpdump(file: &Path, expression: &str, scratch: &Path) -> Verdict {
    // -F: the expression from a file, so `-1 > 0` is not taken for an option.
    let expression_file = scratch.join("expression");
    std::fs::write(&expression_file, expression).unwrap();
    let out = scratch.join("selected.pcap");
    let _ = std::fs::remove_file(&out);
    let result = Command::new("tcpdump")
        .arg("-r")
        .arg(file)
        .arg("-w")
        .arg(&out)
        .arg("-F")
        .arg(&expression_file)
        .output()
        .unwrap();
    if !result.status.success() {
        return Verdict::Rejected(String::from_utf8_lossy(&result.stderr).into_owned());
    }
    let (_, selected) = packets(&out);
    Verdict::Selected(
        selected
            .into_iter()
            .map(|p| (p.seconds, p.micros, p.original_length, p.data))
            .collect(),
    )
}

fn link_of(link_type: u32) -> LinkType {
    LinkType::from_pcap(link_type).unwrap()
}

#[test]
fn corpus_selects_what_tcpdump_selects_on_lab_captures() {
    require!(root, "tcpdump", "python3");
    let lab = TestLab::two_hosts().unwrap();
    let dir = std::env::temp_dir().join(format!("labnet-filters-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = capture(&lab, &dir);
    let corpus = corpus();
    assert!(
        corpus.len() >= 150,
        "the corpus has {} expressions",
        corpus.len()
    );

    let mut failures = Vec::new();
    let mut accepted_somewhere = 0;
    let mut proper_subsets = 0;
    // Expressions that selected something, in which file.
    let mut selecting = std::collections::HashSet::new();
    for file in &files {
        let (link_type, all) = packets(file);
        assert!(all.len() > 10, "{} holds the lab's traffic", file.display());
        for expression in &corpus {
            let ours = Filter::compile_with(expression, link_of(link_type), Names::Offline);
            match (tcpdump(file, expression, &dir), ours) {
                (Verdict::Rejected(_), Err(_)) => {}
                (Verdict::Rejected(why), Ok(_)) => failures.push(format!(
                    "{}: tcpdump rejects {expression:?} ({}), labnet accepts it",
                    file.display(),
                    why.trim()
                )),
                (Verdict::Selected(_), Err(err)) => failures.push(format!(
                    "{}: labnet rejects {expression:?}, tcpdump accepts it:\n{err}",
                    file.display()
                )),
                (Verdict::Selected(theirs), Ok(filter)) => {
                    accepted_somewhere += 1;
                    let mine: Vec<(usize, &Packet)> = all
                        .iter()
                        .enumerate()
                        .filter(|(_, p)| filter.matches(&p.data, p.original_length))
                        .collect();
                    if !mine.is_empty() && mine.len() < all.len() {
                        proper_subsets += 1;
                    }
                    if !mine.is_empty() {
                        selecting.insert((file.clone(), expression.clone()));
                    }
                    let mine_keys: Vec<(u32, u32, u32, &[u8])> = mine
                        .iter()
                        .map(|(_, p)| (p.seconds, p.micros, p.original_length, &p.data[..]))
                        .collect();
                    let their_keys: Vec<(u32, u32, u32, &[u8])> = theirs
                        .iter()
                        .map(|(s, u, l, d)| (*s, *u, *l, &d[..]))
                        .collect();
                    if mine_keys != their_keys {
                        let indices: Vec<usize> = mine.iter().map(|(i, _)| *i).collect();
                        failures.push(format!(
                            "{}: {expression:?}: labnet selects {} packets {indices:?}, tcpdump {}\n{}",
                            file.display(),
                            mine_keys.len(),
                            their_keys.len(),
                            filter.listing()
                        ));
                    }
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    // The protocols named for libpcap's abbreviations were on the wire.
    for expression in [
        "vrrp",
        "carp",
        "pim",
        "igrp",
        "ah",
        "esp",
        "ip6 and pim",
        "vrrp[1] = 9",
        "llc i",
        "llc s",
        "llc xid",
        "stp",
        "ipx",
        "netbeui",
        "clnp",
        "esis",
        "l1",
        "l2",
        "csnp",
        "atalk",
        "aarp",
        "decnet",
        "lat",
        "sca",
        "mopdl",
        "moprc",
        "vlan and stp",
        "ether proto 6",
        "mpls and tcp port 80",
        "pppoed",
        "pppoes 5 and tcp port 80",
        "pppoes and ip6 and udp port 53",
        "mpls and mpls 200 and ip6 and udp port 53",
        "decnet src 10.5",
        "decnet dst 1.3",
        "decnet host 1.2 and decnet host 1.3",
    ] {
        assert!(
            selecting.contains(&(files[0].clone(), expression.to_string())),
            "{expression} selects nothing in {}",
            files[0].display()
        );
    }
    // The -i any capture keeps each packet's direction and interface.
    for expression in [
        "inbound",
        "outbound",
        "ifindex 1",
        "outbound and tcp port 5000",
    ] {
        assert!(
            selecting.contains(&(files[2].clone(), expression.to_string())),
            "{expression} selects nothing in {}",
            files[2].display()
        );
    }
    assert!(
        failures.is_empty(),
        "{} differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The comparison means something: most expressions select some but not all packets.
    assert!(
        accepted_somewhere >= 150 * 2,
        "{accepted_somewhere} accepted (expression, file) pairs"
    );
    assert!(
        proper_subsets >= 200,
        "only {proper_subsets} selections were proper subsets"
    );
}

#[test]
fn every_accepted_program_loads_into_the_kernel() {
    require!(root);
    // Protocol 0: the socket receives nothing; it only has to accept the program.
    // SAFETY: plain socket(2); the descriptor is owned right away.
    let fd = unsafe { libc::socket(libc::AF_PACKET, libc::SOCK_RAW, 0) };
    assert!(
        fd >= 0,
        "AF_PACKET socket: {}",
        std::io::Error::last_os_error()
    );
    // SAFETY: `fd` is a fresh descriptor nobody else owns.
    let socket = unsafe { OwnedFd::from_raw_fd(fd) };
    let (mut loaded, mut looping) = (0, 0);
    // On 802.11 the programs begin with the prologue that fills scratch memory.
    for link in [
        LinkType::Ethernet,
        LinkType::LinuxSll2,
        LinkType::Raw,
        LinkType::Ieee80211,
        LinkType::RadioTap,
        LinkType::Ppi,
    ] {
        for expression in corpus() {
            if let Ok(filter) = Filter::compile_with(&expression, link, Names::Offline) {
                // protochain's loop jumps backward: the kernel refuses it, and a live
                // capture runs it in user space instead.
                if jumps_backward(filter.program()) {
                    assert!(
                        filter.attach(socket.as_fd()).is_err(),
                        "the kernel took {expression:?}'s backward jump"
                    );
                    looping += 1;
                    continue;
                }
                // After a geneve that failed, an alternative may read the scratch
                // memory geneve fills (libpcap's program does too): the kernel refuses
                // such a program, and a live capture runs it in user space.
                if expression.contains("geneve") && filter.attach(socket.as_fd()).is_err() {
                    continue;
                }
                filter.attach(socket.as_fd()).unwrap_or_else(|e| {
                    panic!(
                        "the kernel refuses {expression:?} ({link:?}): {e}\n{}",
                        filter.listing()
                    )
                });
                loaded += 1;
            }
        }
    }
    assert!(loaded >= 300, "{loaded} programs loaded");
    assert!(looping >= 20, "{looping} protochain programs");
}

#[test]
fn dump_filter_prints_what_tcpdump_d_prints() {
    require!("tcpdump");
    for expression in [
        "tcp port 80",
        "tcp[13] & 2 != 0",
        "ip6 proto 6",
        "icmp",
        "arp",
        "ip6 host ::1",
        "ip6 protochain 6",
        "ip protochain 6",
    ] {
        let ours = Command::new(tool_path("webcapture"))
            .arg("--dump-filter")
            .arg(expression)
            .output()
            .unwrap();
        let theirs = Command::new("tcpdump")
            .arg("-d")
            .arg(expression)
            .output()
            .unwrap();
        assert!(ours.status.success());
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{expression}: webcapture --dump-filter (left) vs tcpdump -d (right)"
        );
    }
}

#[test]
fn a_bad_expression_points_at_its_column_and_exits_2() {
    let out = Command::new(tool_path("webcapture"))
        .args(["-r", "/nonexistent.pcap", "tcp", "port"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "webcapture: error: expected a port number or service name after \"port\"\n  tcp port\n           ^ here\n"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: for example \"tcp port 5000\""),
        "{stderr}"
    );
}

/// Captures on brooklyn's eth0 with `expression`, webcapture (two packets) and tcpdump
/// side by side, while `traffic` runs: what each kept.
fn live_with_tcpdump(
    lab: &TestLab,
    dir: &Path,
    expression: &str,
    traffic: impl FnOnce(),
) -> (Vec<Packet>, Vec<Packet>) {
    let (ours, theirs) = (dir.join("ours.pcap"), dir.join("theirs.pcap"));
    let _ = std::fs::remove_file(&ours);
    let capture = Webcapture::start(
        lab,
        "brooklyn",
        dir,
        &[
            "-i",
            "eth0",
            "-c",
            "2",
            "-w",
            ours.to_str().unwrap(),
            expression,
        ],
    );
    let tcpdump = Tcpdump::start_filtered(lab, "brooklyn", "eth0", &theirs, expression);
    traffic();
    std::thread::sleep(std::time::Duration::from_millis(700));
    capture.finish(false);
    tcpdump.finish();
    (packets(&ours).1, packets(&theirs).1)
}

/// Live, the kernel tells the direction: `outbound` on brooklyn's eth0 keeps its echo
/// replies, `inbound` midwood's requests, the same packets tcpdump keeps.
#[test]
fn inbound_and_outbound_select_live_as_tcpdump_does() {
    require!(root, "tcpdump", "ping");
    let lab = TestLab::two_hosts().unwrap();
    let dir = std::env::temp_dir().join(format!("labnet-filters-live-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for expression in ["outbound and icmp", "inbound and icmp"] {
        let (mine, tcpdumps) = live_with_tcpdump(&lab, &dir, expression, || {
            lab.run(
                "midwood",
                "ping",
                &["-c2", "-i0.3", "-W2", "192.168.56.101"],
            );
        });
        let data = |p: &[Packet]| p.iter().map(|p| p.data.clone()).collect::<Vec<_>>();
        assert_eq!(mine.len(), 2, "{expression}");
        // ICMP type: 0 (reply, sent by brooklyn) or 8 (request, received).
        let wanted = if expression.starts_with("outbound") {
            0
        } else {
            8
        };
        assert!(mine.iter().all(|p| p.data[34] == wanted), "{expression}");
        // What tcpdump kept with the same filter (it may miss the first, starting
        // second) is among what webcapture kept.
        assert!(!tcpdumps.is_empty(), "{expression}: tcpdump kept nothing");
        let mine = data(&mine);
        for packet in data(&tcpdumps) {
            assert!(
                mine.contains(&packet),
                "{expression}: tcpdump kept {packet:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// IPv6 frames to brooklyn, two whose header chains end in UDP (behind hop-by-hop and
/// destination options headers) between TCP segments behind the same headers.
const CHAINS: &str = r#"
from scapy.all import Ether, IPv6, TCP, UDP, IPv6ExtHdrHopByHop, IPv6ExtHdrDestOpt, sendp
v6 = lambda: Ether(dst='08:00:27:a8:38:65') / IPv6(src='fd00:56::102', dst='fd00:56::101') / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt()
frames = [v6() / TCP(dport=5000, flags='S'), v6() / UDP(dport=9999) / b'one',
          v6() / TCP(dport=5000, flags='S'), v6() / UDP(dport=9999) / b'two']
sendp(frames, iface='eth0', verbose=False)
"#;

#[test]
fn protochain_runs_in_user_space_live_and_keeps_what_tcpdump_keeps() {
    require!(root, "tcpdump");
    let lab = TestLab::two_hosts().unwrap();
    let dir = std::env::temp_dir().join(format!("labnet-protochain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mine, tcpdumps) = live_with_tcpdump(&lab, &dir, "ip6 protochain 17", || {
        lab.run("midwood", "python3", &["-c", CHAINS]);
    });
    // Exactly the two UDP datagrams, whatever else crossed the wire (neighbour
    // discovery, the TCP segments and brooklyn's resets).
    let payloads: Vec<&[u8]> = mine.iter().map(|p| &p.data[p.data.len() - 3..]).collect();
    assert_eq!(payloads, [b"one", b"two"]);
    assert!(!tcpdumps.is_empty(), "tcpdump kept nothing");
    for packet in &tcpdumps {
        assert!(
            mine.iter().any(|p| p.data == packet.data),
            "tcpdump kept {:?}",
            packet.data
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch directory for `test` holding the files a Scapy `script` writes, given the
/// prefix `DIR/frames` as its argument.
fn scapy_files(test: &str, script: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let status = Command::new("python3")
        .args(["-c", script, dir.join("frames").to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success(), "{test}: the frame script failed");
    dir
}

/// Whether labnet selects from `file` (of pcap link type `link`) what tcpdump selects
/// with `expression`, or refuses it as tcpdump does; if not, what each did.
fn same_as_tcpdump(file: &Path, link: u32, expression: &str, scratch: &Path) -> Option<String> {
    let (_, all) = packets(file);
    let mine = Filter::compile_with(expression, link_of(link), Names::Offline)
        .ok()
        .map(|filter| {
            all.iter()
                .filter(|p| filter.matches(&p.data, p.original_length))
                .map(|p| p.data.clone())
                .collect::<Vec<_>>()
        });
    let theirs = match tcpdump(file, expression, scratch) {
        Verdict::Selected(selected) => Some(selected.into_iter().map(|p| p.3).collect()),
        Verdict::Rejected(_) => None,
    };
    (mine != theirs).then(|| {
        format!(
            "{}: {expression:?}: labnet {:?}, tcpdump {:?} packets",
            file.display(),
            mine.map(|m| m.len()),
            theirs.map(|t: Vec<Vec<u8>>| t.len())
        )
    })
}

/// 802.11 frames as Scapy builds them (management, control, data in each direction,
/// QoS with four addresses, protected), written bare (`argv[1]-105-whole.pcap`),
/// after a RadioTap header (`argv[1]-127-whole.pcap`) and after a PPI header
/// (`argv[1]-192-whole.pcap`), and with every cut of them (`argv[1]-105-cuts.pcap`,
/// ...).
const WLAN_FRAMES: &str = r#"
import sys
from scapy.all import *
from scapy.layers.dot11 import *
AP, STA, GW = '00:11:22:33:44:55', '08:00:27:a8:38:66', '08:00:27:a8:38:65'
BC = 'ff:ff:ff:ff:ff:ff'
M = lambda subtype, a1=BC, a2=AP: Dot11(type=0, subtype=subtype, addr1=a1, addr2=a2, addr3=AP)
frames = [
    M(8)/Dot11Beacon(cap='ESS')/Dot11Elt(ID=0, info=b'lab'),
    M(4, a2=STA)/Dot11ProbeReq()/Dot11Elt(ID=0, info=b''),
    M(5, a1=STA)/Dot11ProbeResp(cap='ESS'),
    M(11, a1=AP, a2=STA)/Dot11Auth(seqnum=1),
    M(0, a1=AP, a2=STA)/Dot11AssoReq(),
    M(12, a1=STA)/Dot11Deauth(reason=7),
    Dot11(type=1, subtype=13, addr1=STA),
    Dot11(type=1, subtype=12, addr1=AP),
    Dot11(type=1, subtype=11, addr1=AP, addr2=STA),
    Dot11(type=1, subtype=10, addr1=AP, addr2=STA),
    Dot11(type=2, subtype=0, FCfield='to_DS', addr1=AP, addr2=STA, addr3=GW)/LLC()/SNAP()/IP()/ICMP(),
    Dot11(type=2, subtype=0, FCfield='from_DS', addr1=STA, addr2=AP, addr3=GW)/LLC()/SNAP()/IP()/ICMP(),
    Dot11(type=2, subtype=8, FCfield='to_DS+from_DS', addr1=AP, addr2=GW, addr3=STA, addr4=BC)/Dot11QoS()/LLC()/SNAP()/IPv6(),
    Dot11(type=2, subtype=4, FCfield='to_DS+pw_mgt', addr1=AP, addr2=STA, addr3=AP),
    Dot11(type=2, subtype=8, FCfield='to_DS+protected', addr1=AP, addr2=STA, addr3=AP)/Dot11QoS()/Raw(bytes(24)),
    Dot11(type=3, subtype=1, addr1=BC)/Raw(b'\x00' * 6),
]
radiotap = lambda f: RadioTap(present='Flags+Rate+Channel+dBm_AntSignal', Rate=2, ChannelFrequency=2412, dBm_AntSignal=-50)/f
ppi = lambda f: b'\x00\x00\x08\x00\x69\x00\x00\x00' + bytes(f)
for link, wrap in [(105, lambda f: f), (127, radiotap), (192, ppi)]:
    for kind in ['whole', 'cuts']:
        w = RawPcapWriter(sys.argv[1] + '-%d-%s.pcap' % (link, kind), linktype=link)
        for f in frames:
            b = bytes(wrap(f))
            for n in (range(1, len(b) + 1) if kind == 'cuts' else [len(b)]):
                w.write(b[:n])
        w.close()
"#;

/// libpcap's 802.11 keywords on 802.11 files, bare, after RadioTap and after PPI (where
/// libpcap 1.10 refuses `type`, `subtype` and `dir`): labnet selects what tcpdump
/// selects, and refuses what tcpdump refuses. On frames cut inside the
/// addresses, `wlan src|dst|host` can differ: labnet may decide on an address that is
/// there where tcpdump's program reads a missing one first and rejects
/// (docs/webcapture.md); those run on whole frames, the others on every cut too.
#[test]
fn wlan_keywords_select_what_tcpdump_selects_on_80211_files() {
    require!("tcpdump", "python3");
    let dir = scapy_files("wlan-filters", WLAN_FRAMES);
    let (ap, sta, gw) = (
        "00:11:22:33:44:55",
        "08:00:27:a8:38:66",
        "08:00:27:a8:38:65",
    );
    let mut expressions: Vec<String> = [
        "type mgt",
        "type ctl",
        "type data",
        "type 8",
        "subtype beacon",
        "subtype probe-req",
        "subtype assoc-req",
        "subtype ack",
        "subtype cts or subtype rts",
        "subtype qos-data",
        "subtype null",
        "type mgt subtype beacon",
        "type ctl subtype 0xd0",
        "dir nods",
        "dir tods",
        "dir fromds",
        "dir dstods",
        "dir 2",
        "wlan[0] = 0x80",
        "wlan[1] & 3 = 3",
        "ether[4:4] = 0xffffffff",
        "len > 60",
        "not type ctl",
        "radio[0] = 0",
        "radio[2] > 8",
        "radio[4] & 0x02 != 0",
        "type mgt and radio[4] & 0x02 != 0",
        // refused by both (radio[N] also on the bare 802.11 file)
        "radio",
        "type 2",
        "subtype foo",
        "type data subtype beacon",
        "dir sideways",
        "mpls",
    ]
    .map(String::from)
    .to_vec();
    for mac in [ap, sta, gw, "ff:ff:ff:ff:ff:ff"] {
        for qualifier in [
            "addr1", "addr2", "addr3", "addr4", "ra", "ta", "src", "dst", "host",
        ] {
            expressions.push(format!("wlan {qualifier} {mac}"));
        }
        expressions.push(format!("ether host {mac}"));
        expressions.push(format!("ether src {mac} and type data"));
    }
    let mut failures = Vec::new();
    for link in [105, 127, 192] {
        for expression in &expressions {
            let by_addresses = ["src", "dst", "host"]
                .iter()
                .any(|q| expression.contains(&format!(" {q} ")));
            let kind = if by_addresses { "whole" } else { "cuts" };
            let file = dir.join(format!("frames-{link}-{kind}.pcap"));
            failures.extend(same_as_tcpdump(&file, link, expression, &dir));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What 802.11 data frames carry, each in four kinds of frame (to and from the
/// distribution system, between stations, between systems with four addresses), with
/// and without QoS, then management and control frames that look like they carry IP:
/// bare (`argv[1]-105-*.pcap`), after seven RadioTap headers (flags absent, present,
/// saying the driver padded the 802.11 header and padding it, after a TSF, with a
/// second presence word, Scapy's own) and after two PPI headers (with no field and
/// with one), whole and with every cut.
const CARRIED_80211_FRAMES: &str = r#"
import sys, struct
from scapy.all import *
from scapy.layers.dot11 import *
from scapy.layers.l2 import LLC, SNAP, STP
AP, STA, GW = '00:11:22:33:44:55', '08:00:27:a8:38:66', '01:00:5e:00:00:fb'
A4, B4 = '192.168.56.101', '192.168.56.102'
A6, B6 = 'fd00:56::1', 'fd00:56::2'
snap = lambda p, code=None: LLC()/SNAP(code=code)/p if code else LLC()/SNAP()/p
payloads = [
    snap(IP(src=A4, dst=B4)/TCP(sport=40000, dport=80, flags='S')),
    snap(IP(src=B4, dst=A4)/TCP(sport=80, dport=40000, flags='SA')/Raw(b'x'*10)),
    snap(IP(src=A4, dst='224.0.0.251')/UDP(sport=5353, dport=5353)/Raw(b'\x12\x34mdns')),
    snap(IP(src=A4, dst='255.255.255.255')/UDP(sport=68, dport=67)),
    snap(IP(src=A4, dst=B4, options=[IPOption_NOP()]*4)/UDP(sport=1234, dport=53)),
    snap(IP(src=A4, dst=B4, frag=10, proto=6)/Raw(b'y'*20)),
    snap(IP(src=B4, dst=A4)/ICMP(type=8)),
    snap(IPv6(src=A6, dst=B6)/TCP(sport=40001, dport=5000, flags='S')),
    snap(IPv6(src=B6, dst='ff02::1')/UDP(sport=547, dport=546)),
    snap(IPv6(src=A6, dst=B6)/ICMPv6EchoRequest()),
    snap(IPv6(src=A6, dst=B6)/IPv6ExtHdrFragment()/UDP(sport=9, dport=53)),
    snap(ARP(psrc=A4, pdst=B4)),
    snap(Raw(b'\x00' * 20), code=0x809b),
    LLC(dsap=0xaa, ssap=0xaa, ctrl=3)/SNAP(OUI=0x080007, code=0x809b)/Raw(b'\x00' * 12),
    snap(Raw(b'\x00' * 12), code=0x80f3),
    snap(Raw(bytes([0x14, 0, 0x02, 0x02, 0x04, 0x08, 0x06, 0x04]) + b'\x00' * 10), code=0x6003),
    snap(Raw(b'\x11\x00' + b'\x00' * 10), code=0x8863),
    snap(Raw(b'\x11\x00\x00\x07\x00\x10\x00\x21' + bytes(IP(src=A4, dst=B4)/UDP())), code=0x8864),
    LLC(dsap=0x42, ssap=0x42, ctrl=3)/STP(),
    LLC(dsap=0xe0, ssap=0xe0, ctrl=3)/Raw(b'\xff\xff' + b'\x00' * 28),
    LLC(dsap=0xf0, ssap=0xf0, ctrl=3)/Raw(b'\x00' * 12),
    LLC(dsap=0xfe, ssap=0xfe, ctrl=3)/Raw(bytes([0x81, 0x1c, 1, 0x14]) + b'\x00' * 20),
    LLC(dsap=0xfe, ssap=0xfe, ctrl=3)/Raw(bytes([0x83, 0x1b, 1, 0, 0x12, 1]) + b'\x00' * 20),
    LLC(dsap=0xfe, ssap=0xfe, ctrl=3)/Raw(bytes([0x83, 0x1b, 1, 0, 0x0f, 1]) + b'\x00' * 20),
    LLC(dsap=0x06, ssap=0x06, ctrl=3)/IP(src=A4, dst=B4)/UDP(),
    LLC(dsap=0x42, ssap=0x42, ctrl=0x01)/Raw(b'\x00' * 4),
    LLC(dsap=0x42, ssap=0x42, ctrl=0x02)/Raw(b'\x00' * 4),
    LLC(dsap=0x42, ssap=0x42, ctrl=0xaf)/Raw(b'\x00' * 4),
    snap(Dot1Q(vlan=5)/IP(src=A4, dst=B4)/TCP(sport=40000, dport=80, flags='S'), code=0x8100),
    snap(Dot1Q(vlan=7)/IPv6(src=A6, dst=B6)/UDP(sport=5353, dport=53), code=0x8100),
    snap(Dot1Q(vlan=100)/Dot1Q(vlan=5)/IP(src=B4, dst=A4)/UDP(sport=53, dport=1234), code=0x88a8),
    snap(Dot1Q(vlan=5)/PPPoE(sessionid=7)/PPP(proto=0x21)/IP(src=A4, dst=B4)/UDP(sport=9, dport=53), code=0x9100),
    snap(Dot1Q(vlan=5)/LLC(dsap=0x42, ssap=0x42, ctrl=3)/STP(), code=0x8100),
    snap(PPPoE(sessionid=3)/PPP(proto=0x57)/IPv6(src=A6, dst=B6)/TCP(sport=80, dport=40000), code=0x8864),
    snap(PPPoE(sessionid=7)/PPP(proto=0x31)/Raw(b'\x00' * 10), code=0x8864),
    snap(PPPoE(sessionid=7)/PPP(proto=0x23)/Raw(b'\x83\x1b\x01\x00\x0f' + bytes(20)), code=0x8864),
    snap(IP(src=A4, dst=B4)/UDP(sport=40000, dport=6081)/Raw(bytes([0, 0, 0x65, 0x58, 0, 0, 7, 0]))/Ether(src='08:00:27:00:00:01', dst='ff:ff:ff:ff:ff:ff')/IP(src='10.0.0.1', dst='10.0.0.2')/TCP(sport=1, dport=80)),
    snap(IPv6(src=A6, dst=B6)/UDP(sport=40000, dport=6081)/Raw(bytes([1, 0, 0x08, 0x00, 0, 0, 9, 0, 0, 0, 0, 0]))/IP(src='10.0.0.3', dst='10.0.0.4')/UDP(sport=53, dport=53)),
    snap(Dot1Q(vlan=5)/IP(src=A4, dst=B4)/UDP(sport=40000, dport=6081)/Raw(bytes([0, 0, 0x65, 0x58, 0, 0, 7, 0]))/Ether(src='01:02:03:04:05:06', dst='08:00:27:00:00:01', type=0x8100)/Dot1Q(vlan=3)/IP(src='10.0.0.1', dst='10.0.0.2')/UDP(sport=1, dport=2), code=0x8100),
]
def data(payload, i):
    kind = i % 4
    if kind == 0:
        return Dot11(type=2, subtype=0, FCfield='to_DS', addr1=AP, addr2=STA, addr3=GW)/payload
    if kind == 1:
        return Dot11(type=2, subtype=8, FCfield='from_DS', addr1=GW, addr2=AP, addr3=STA)/Dot11QoS()/payload
    if kind == 2:
        return Dot11(type=2, subtype=0, addr1=STA, addr2=AP, addr3=AP)/payload
    return Dot11(type=2, subtype=8, FCfield='to_DS+from_DS', addr1=AP, addr2=STA, addr3=GW, addr4=AP)/Dot11QoS()/payload
frames = [bytes(data(p, i)) for i, p in enumerate(payloads)]
frames += [bytes(data(p, i + 1)) for i, p in enumerate(payloads)]
frames += [
    bytes(Dot11(type=0, subtype=8, addr1='ff:ff:ff:ff:ff:ff', addr2=AP, addr3=AP)/Dot11Beacon()/snap(IP(src=A4, dst=B4)/TCP(dport=80))),
    bytes(Dot11(type=1, subtype=13, addr1=STA)/Raw(b'\xaa\xaa\x03\x00\x00\x00\x08\x00' + bytes(IP(src=A4, dst=B4)/TCP(dport=80)))),
    bytes(Dot11(type=2, subtype=4, FCfield='to_DS', addr1=AP, addr2=STA, addr3=AP)),
    bytes(Dot11(type=2, subtype=8, FCfield='to_DS+protected', addr1=AP, addr2=STA, addr3=AP)/Dot11QoS()/Raw(bytes(24))),
    bytes(Dot11(type=3, subtype=1, addr1=AP)/snap(IP(src=A4, dst=B4)/TCP(dport=80))),
]
def rt(words, fields):
    return b'\x00\x00' + struct.pack('<H', 4 + 4 * len(words) + len(fields)) + b''.join(struct.pack('<I', w) for w in words) + fields
def padded(frame):
    # The driver's padding: the 802.11 header (24, or 26 with QoS) to 4 bytes.
    fc = frame[0]
    if fc & 0x0c == 0x08 and fc & 0x80:
        return frame[:26] + b'\x00\x00' + frame[26:]
    return frame
wrappers = [
    ('rate', lambda f: rt([0x4], b'\x02') + f),
    ('flags', lambda f: rt([0x2], b'\x00') + f),
    ('pad', lambda f: rt([0x2], b'\x20') + padded(f)),
    ('tsft-pad', lambda f: rt([0x3], struct.pack('<Q', 1234) + b'\x20') + padded(f)),
    ('tsft-nopad', lambda f: rt([0x3], struct.pack('<Q', 1234) + b'\x00') + f),
    ('ext-pad', lambda f: rt([0x80000002, 0], b'\x20') + f),
    ('scapy', lambda f: bytes(RadioTap(present='Flags+Rate+Channel+dBm_AntSignal', Rate=2, ChannelFrequency=2412, dBm_AntSignal=-50)) + f),
]
out = sys.argv[1]
for kind in ['whole', 'cuts']:
    cut = lambda b: (range(1, len(b) + 1) if kind == 'cuts' else [len(b)])
    w = RawPcapWriter('%s-105-%s.pcap' % (out, kind), linktype=105)
    for f in frames:
        for n in cut(f):
            w.write(f[:n])
    w.close()
    w = RawPcapWriter('%s-127-%s.pcap' % (out, kind), linktype=127)
    for name, wrap in wrappers:
        for f in frames:
            b = wrap(f)
            for n in cut(b):
                w.write(b[:n])
    w.close()
ppi = [
    lambda f: b'\x00\x00\x08\x00\x69\x00\x00\x00' + f,
    lambda f: b'\x00\x00\x20\x00\x69\x00\x00\x00' + b'\x02\x00\x14\x00' + bytes(20) + f,
]
for kind in ['whole', 'cuts']:
    cut = lambda b: (range(1, len(b) + 1) if kind == 'cuts' else [len(b)])
    w = RawPcapWriter('%s-192-%s.pcap' % (out, kind), linktype=192)
    for wrap in ppi:
        for f in frames:
            b = wrap(f)
            for n in cut(b):
                w.write(b[:n])
    w.close()
# Twins: each SNAP payload in data frames of one to three addresses (libpcap misreads
# four), bare, after two RadioTap headers, after the two PPI headers
# (`argv[1]-twins-LINK.pcap`), and the
# same bytes after an Ethernet header with SNAP's EtherType (`-twins-LINK-eth.pcap`),
# cut alike from the last bytes of the LLC header on (an Ethernet twin of 12 bytes
# for cuts before the payload), each record's time its index.
twin_payloads = [bytes(p) for p in payloads if p.haslayer(SNAP)]
# After RadioTap: flags absent, and saying the driver padded with the header's
# length a multiple of 4, so the padding is where libpcap rounds to.
padded_after_12 = lambda f: rt([0x2], b'\x20\x00\x00\x00') + padded(f)
for link, wraps in [(105, [lambda f: f]), (127, [wrappers[1][1], padded_after_12]), (192, ppi)]:
    w = RawPcapWriter('%s-twins-%d.pcap' % (out, link), linktype=link)
    e = RawPcapWriter('%s-twins-%d-eth.pcap' % (out, link), linktype=1)
    w.write_header(None)
    e.write_header(None)
    index = 0
    for wrap in wraps:
        for payload in twin_payloads:
            ether = bytes(Ether(src=STA, dst=AP, type=int.from_bytes(payload[6:8], 'big'))) + payload[8:]
            for kind in range(3):
                b = wrap(bytes(data(Raw(payload), kind)))
                head = len(b) - len(payload) + 8
                for n in range(head - 3, len(b) + 1):
                    w.write_packet(b[:n], sec=index, usec=0)
                    e.write_packet(ether[:14 + n - head] if n >= head else ether[:12], sec=index, usec=0)
                    index += 1
    w.close()
    e.close()
"#;

/// IP, IPv6, ARP, transport ports, LLC and what rides on it, in 802.11 frames after
/// RadioTap or none: labnet finds the payload where libpcap's program does (24 bytes,
/// 2 more with QoS, rounded up after RadioTap when its flags say padded; four-address
/// frames misread alike) and selects what tcpdump selects, every cut included. An
/// arithmetic comparison before such a test is written after it here: libpcap 1.10
/// gives the payload's offset a scratch word its arithmetic has just used, so
/// `len > 80 and ip` selects nothing in tcpdump (docs/webcapture.md).
#[test]
fn what_80211_frames_carry_is_selected_as_tcpdump_selects_it() {
    require!("tcpdump", "python3");
    let dir = scapy_files("80211-carried", CARRIED_80211_FRAMES);
    let expressions = [
        "ip",
        "ip6",
        "arp",
        "rarp",
        "tcp",
        "udp",
        "icmp",
        "icmp6",
        "tcp port 80",
        "port 53",
        "udp dst port 53",
        "tcp src port 80",
        "portrange 50-90",
        "host 192.168.56.101",
        "src host 192.168.56.102",
        "dst net 192.168.56.0/24",
        "net 224.0.0.0/4",
        "ip6 host fd00:56::1",
        "ip6 dst host ff02::1",
        "ip6 net fd00:56::/64",
        "arp host 192.168.56.102",
        "tcp[13] & 2 != 0",
        "tcp[tcpflags] & tcp-syn != 0",
        "ip[9] = 6",
        "ip[2:2] > 40",
        "ip6[6] = 17",
        "icmp6[0] = 128",
        "icmp[icmptype] = icmp-echo",
        "ip proto 17",
        "ip6 proto 17",
        "proto 6",
        "ip broadcast",
        "ip multicast",
        "ip6 multicast",
        "ether proto 0x0800",
        "ether proto \\ip",
        "ether proto \\arp",
        "atalk",
        "aarp",
        "stp",
        "ipx",
        "netbeui",
        "iso",
        "clnp",
        "esis",
        "isis",
        "l1",
        "lsp",
        "iih",
        "llc",
        "llc i",
        "llc s",
        "llc u",
        "llc ui",
        "llc rr",
        "llc xid",
        "pppoed",
        "decnet",
        "decnet host 1.2",
        "decnet src host 2.1",
        "ether broadcast",
        "ether multicast",
        "not ip",
        "ip or ip6",
        "tcp[2:2] = 80",
        "udp[8:2] = 0x1234",
        "ip[ip[0] & 0xf] = 0",
        "tcp[tcp[12] >> 4] = 0",
        "ip[len - 60] = 0",
        "type data and udp",
        "type mgt or tcp",
        "wlan addr1 00:11:22:33:44:55 and ip",
        "ether src 08:00:27:a8:38:66 and tcp",
        "protochain 6",
        "ip6 protochain 17",
        "ether protochain 6",
        "mpls",
        "ip and len > 80",
        "ip and wlan[0] = 0x88",
        "tcp and ether[0] & 0x80 != 0",
        "ip and radio[4] & 2 != 0",
        "not tcp",
        "not (ip or ip6)",
        "tcp or udp or arp",
        "host 192.168.56.101 and not port 80",
        "(tcp port 80 or udp port 53) and not icmp",
        "ip6 net fd00:56::/32",
        "ip6 net ::/0",
        "ether proto \\ipx",
        "ether proto \\aarp",
        "ether proto \\iso",
        // VLAN tags where SNAP keeps the EtherType, every later offset 4 bytes on
        // (refused after PPI, by libpcap too); what follows pppoes is PPP's.
        "vlan",
        "vlan 5",
        "vlan and ip",
        "vlan and ip6 and udp port 53",
        "vlan and tcp port 80",
        "vlan 100 and vlan 5 and udp",
        "vlan and vlan and host 192.168.56.102",
        "vlan and stp",
        "vlan and llc u",
        "vlan and tcp[13] & 2 != 0",
        "vlan and wlan addr1 00:11:22:33:44:55",
        "vlan and type data",
        "pppoes and vlan",
        "pppoes and llc",
        "pppoes and ether host 08:00:27:a8:38:66",
        "pppoes and ether broadcast",
        "pppoes and type data",
        "geneve and type data",
        "geneve and wlan addr1 00:11:22:33:44:55",
    ];
    // libpcap 1.10 reads PPPoE sessions after RadioTap and PPI, and Geneve in every
    // 802.11 frame, from scratch words its program never fills (it selects nothing);
    // labnet reads them where it reads them on bare 802.11, checked against Ethernet
    // in the next test.
    let bare_only = [
        "pppoes",
        "pppoes 7",
        "pppoes and ip6 and tcp port 80",
        "pppoes and udp port 53",
        "pppoes and stp",
        "pppoes and isis",
        "pppoes and mpls",
        "vlan and pppoes 7 and host 192.168.56.102",
        "pppoes and ether[1] = 0x21",
        "vlan and pppoes and ether[0:2] = 0x57",
    ];
    let mut failures = Vec::new();
    for link in [105, 127, 192] {
        let file = dir.join(format!("frames-{link}-cuts.pcap"));
        for expression in expressions {
            failures.extend(same_as_tcpdump(&file, link, expression, &dir));
        }
        if link == 105 {
            for expression in bare_only {
                failures.extend(same_as_tcpdump(&file, link, expression, &dir));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// What libpcap 1.10 misreads in 802.11 frames (PPPoE sessions after RadioTap and PPI,
/// Geneve everywhere: its program reads scratch words it never fills) labnet reads
/// as libpcap means to: the same payloads after an Ethernet header, cut alike, are
/// what tcpdump selects them from. Each record's time is its index in both files.
#[test]
fn encapsulations_in_80211_frames_are_read_as_tcpdump_reads_them_in_ethernet() {
    require!("tcpdump", "python3");
    let dir = scapy_files("80211-twins", CARRIED_80211_FRAMES);
    let expressions = [
        "geneve",
        "geneve 7",
        "geneve 9",
        "geneve and ip",
        "geneve and tcp port 80",
        "geneve and udp port 53",
        "geneve and host 10.0.0.1",
        "geneve and ether host 08:00:27:00:00:01",
        "geneve and ether broadcast",
        "geneve and ether[0] & 1 != 0",
        "geneve and ip[9] = 6",
        "geneve and vlan 3 and udp",
        "geneve or ip6",
        "not geneve",
        "pppoes",
        "pppoes 3",
        "pppoes 7 and udp port 53",
        "pppoes and ip6 host fd00:56::1",
        "pppoes and stp",
        "pppoes and isis",
        "pppoes and udp[2:2] = 53",
        "vlan and pppoes 7 and udp",
        "vlan and geneve and vlan 3 and ip",
    ];
    let indexes = |packets: &mut dyn Iterator<Item = u32>| packets.collect::<Vec<u32>>();
    let mut failures = Vec::new();
    for link in [105, 127, 192] {
        let file = dir.join(format!("frames-twins-{link}.pcap"));
        let (_, all) = packets(&file);
        let ethernet = dir.join(format!("frames-twins-{link}-eth.pcap"));
        for expression in expressions {
            // libpcap (and labnet) refuse VLAN tags after PPI.
            if link == 192 && expression.contains("vlan") {
                continue;
            }
            let filter = Filter::compile_with(expression, link_of(link), Names::Offline)
                .unwrap_or_else(|e| panic!("{link}: {expression:?}: {}", e.message));
            let mine = indexes(
                &mut all
                    .iter()
                    .filter(|p| filter.matches(&p.data, p.original_length))
                    .map(|p| p.seconds),
            );
            let Verdict::Selected(selected) = tcpdump(&ethernet, expression, &dir) else {
                panic!("tcpdump refused {expression:?} on Ethernet");
            };
            let theirs = indexes(&mut selected.into_iter().map(|p| p.0));
            if mine != theirs {
                failures.push(format!(
                    "link type {link}: {expression:?}: labnet {} records, tcpdump on Ethernet {}",
                    mine.len(),
                    theirs.len()
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// PPP frames (IPv4, IPv6, LCP, IPCP, OSI, DECnet, AppleTalk, IPX, bridged spanning
/// tree, MPLS, an EtherType, PPPoE) on PPP's three link types: `argv[1]-9-*.pcap`
/// (PPP), `-50-` (PPP in HDLC-like framing), `-51-` (PPPoE sessions), whole and with
/// every cut; and a Linux cooked file of one received and one sent datagram.
const PPP_FRAMES: &str = r#"
import sys
from scapy.all import *
from scapy.layers.ppp import *
A4, B4 = '192.168.56.101', '192.168.56.102'
inner = [
    IP(src=A4, dst=B4)/TCP(sport=40000, dport=80, flags='S'),
    IP(src=B4, dst=A4)/UDP(sport=53, dport=5353),
    IP(src=A4, dst='224.0.0.5', proto=89)/Raw(b'\x00' * 8),
    IPv6(src='fd00:56::1', dst='fd00:56::2')/TCP(dport=5000),
    IPv6(src='fd00:56::1', dst='ff02::1')/ICMPv6EchoRequest(),
]
def ppp(p, proto=None):
    return PPP(proto=proto)/p if proto else PPP()/p
bodies = [bytes(PPP()/p) for p in inner]
bodies += [
    b'\xc0\x21' + bytes(PPP_LCP_Configure(code=1)),
    b'\x80\x21' + bytes(PPP_IPCP(code=1)),
    b'\x00\x23' + bytes([0x81, 0x1c, 1, 0x14]) + bytes(20),
    b'\x00\x23' + bytes([0x83, 0x1b, 1, 0, 0x12, 1]) + bytes(20),
    b'\x00\x27' + bytes([0x14, 0, 0x02, 0x02, 0x04, 0x08, 0x06]) + bytes(10),
    b'\x00\x29' + bytes(12),
    b'\x00\x2b' + bytes(30),
    b'\x00\x31' + bytes(STP()),
    b'\x02\x81' + bytes.fromhex('0001f140') + bytes(IP(src=A4, dst=B4)/UDP(dport=53)),
    b'\x08\x00' + bytes(IP(src=A4, dst=B4)/UDP(dport=53)),
    b'\x88\x64' + bytes.fromhex('1100000700100021') + bytes(IP(src=A4, dst=B4)/UDP(dport=53)),
]
out = sys.argv[1]
wraps = {
    9: lambda b: b'\xff\x03' + b,
    50: lambda b: b'\xff\x03' + b,
    51: lambda b: bytes.fromhex('110000070000') + b,
    204: lambda b: b'\x01\xff\x03' + b,
}
for link, wrap in wraps.items():
    for kind in ['whole', 'cuts']:
        w = RawPcapWriter('%s-%d-%s.pcap' % (out, link, kind), linktype=link)
        for body in bodies:
            f = wrap(body)
            for n in (range(1, len(f) + 1) if kind == 'cuts' else [len(f)]):
                w.write(f[:n])
        w.close()
w = RawPcapWriter('%s-113-whole.pcap' % out, linktype=113)
for pkttype in (0, 4):
    w.write(bytes(CookedLinux(pkttype=pkttype, proto=0x0800)/IP(src=A4, dst=B4)/UDP(dport=53)))
w.close()
"#;

/// On PPP's link types labnet selects what tcpdump selects (the protocol number as
/// libpcap maps EtherTypes to it, MPLS on PPP only, PPPoE sessions inside) and refuses
/// what it refuses, naming the file's link type; an expression only some link type
/// takes (`inbound` in a cooked file) waits for the file's.
#[test]
fn ppp_files_are_filtered_as_tcpdump_filters_them() {
    require!("tcpdump", "python3");
    let dir = scapy_files("ppp-filters", PPP_FRAMES);
    let expressions = [
        "ip",
        "ip6",
        "tcp",
        "udp",
        "icmp6",
        "tcp port 80",
        "port 53",
        "host 192.168.56.101",
        "dst net 224.0.0.0/4",
        "ip6 host fd00:56::2",
        "ip proto 89",
        "ip multicast",
        "ip6 multicast",
        "ip broadcast",
        "tcp[13] & 2 != 0",
        "ip[9] = 17",
        "udp[0:2] = 53",
        "ip[ip[0] & 0xf] = 0",
        "ether proto 0xc021",
        "ether proto 0x8021",
        "ether proto 0x0800",
        "ether proto \\ip",
        "ether proto \\ip6",
        "link proto 0x21",
        "iso",
        "clnp",
        "isis",
        "l1",
        "lsp",
        "decnet",
        "decnet host 1.2",
        "atalk",
        "ipx",
        "stp",
        "netbeui",
        "mpls",
        "mpls and ip",
        "pppoed",
        "pppoes",
        "pppoes and ip",
        "pppoes 7 and udp port 53",
        "arp",
        "rarp",
        "vlan",
        "llc",
        "ether host 00:11:22:33:44:55",
        "ether broadcast",
        "ether multicast",
        "type data",
        "inbound",
        "ifindex 1",
        "len > 40",
        "ether[0] = 0xff",
        "not ip",
        "protochain 6",
        "ip6 protochain 6",
        "geneve",
        "mpls 15 and udp port 53",
        "mpls and mpls",
        "mpls and ip6",
    ];
    let mut failures = Vec::new();
    for link in [9, 50, 51] {
        let file = dir.join(format!("frames-{link}-cuts.pcap"));
        for expression in expressions {
            failures.extend(same_as_tcpdump(&file, link, expression, &dir));
        }
    }
    let read = |file: &str, expression: &str| {
        Command::new(tool_path("webcapture"))
            .arg("-r")
            .arg(dir.join(file))
            .arg(expression)
            .output()
            .unwrap()
    };
    let cooked = read("frames-113-whole.pcap", "inbound");
    let received = String::from_utf8_lossy(&cooked.stdout);
    if !cooked.status.success() || received.lines().count() != 1 {
        failures.push(format!("inbound on a cooked file: {cooked:?}"));
    }
    let refused = read("frames-9-whole.pcap", "inbound");
    if !String::from_utf8_lossy(&refused.stderr)
        .contains("not supported on PPP when reading savefiles")
    {
        failures.push(format!("inbound on a PPP file: {refused:?}"));
    }
    // Refused on every link type, and earliest on the file's own: its reason, not the
    // reason of the link type that read furthest (PPP's, at `llc`).
    let refused = read("frames-113-whole.pcap", "mpls and llc");
    if !String::from_utf8_lossy(&refused.stderr).contains("no MPLS support for Linux cooked v1") {
        failures.push(format!("mpls on a cooked file: {refused:?}"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
