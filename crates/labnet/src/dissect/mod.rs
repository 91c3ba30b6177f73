//! A packet as a stack of layers, each with its byte range, its place in the TCP/IP
//! model and (on demand) its fields with their byte and bit ranges: what every printer
//! ([`crate::present`]: summary, show, hexdump, JSON, the diagram) is made from. Nothing
//! here fails: bytes that do not parse (a truncated header, an unknown protocol) become
//! a `Raw` layer, bytes past the IP length a `Padding` layer, as Scapy shows them.
//!
//! One file per protocol holds its layout as named byte ranges ([`field::Spec`]), its
//! dissection step (checking lengths before reading) and its field listing in Scapy's
//! names and formats. Hand-written rather than built on pnet_packet or etherparse:
//! those crates parse headers but neither reports where each field sits (the diagram's
//! whole point) nor keeps going through truncated and hostile frames the way Scapy does
//! (the rest as Raw); a view over byte ranges is the part they would have given, and
//! it is the smallest part here.
//!
//! The summary path reads only what [`Kind`] holds (parsed once, cheaply); the fields
//! are built only for `--show`, `--json` and the diagram.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use crate::linktype;

mod arp;
mod ber;
pub mod checksum;
mod cooked;
mod dhcp;
mod dhcp6;
mod dns;
pub mod dot11;
pub mod eap;
pub mod endpoints;
mod ether;
pub mod field;
pub mod flow;
mod gre;
pub mod hsrp;
mod http;
pub mod icmp;
pub mod icmpv6;
pub mod igmp;
pub mod ipsec;
mod ipv4;
mod ipv6;
mod isakmp;
pub mod kerberos;
mod l2tp;
mod loopback;
mod mgcp;
mod mka;
mod mobileip;
pub mod nbns;
pub mod netbios;
mod netflow;
mod node_info;
pub mod ntp;
mod oid_names;
mod ppi;
pub mod ppp;
mod pptp;
mod prism;
mod radiotap;
pub mod radius;
mod rip;
pub mod sctp;
mod skinny;
pub mod smb;
mod snmp;
pub mod tcp;
pub mod tftp;
mod udp;
mod vrrp;
mod vxlan;

pub use arp::{operation as arp_operation, other_summary as arp_other_summary};
pub use dhcp::message_type_word as dhcp_message_type;
pub use dns::{llmnr_summary, summary as dns_summary};
pub use field::{Field, Group, Value};
pub use http::{Message as HttpMessage, Messages as HttpMessages};

/// Where a layer sits in the TCP/IP model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TcpIpLayer {
    Link,
    Internet,
    Transport,
    Application,
}

impl TcpIpLayer {
    pub fn name(self) -> &'static str {
        match self {
            TcpIpLayer::Link => "link",
            TcpIpLayer::Internet => "internet",
            TcpIpLayer::Transport => "transport",
            TcpIpLayer::Application => "application",
        }
    }
}

/// One protocol layer and the values the summary needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Ether {
        dst: [u8; 6],
        src: [u8; 6],
        ethertype: u16,
    },
    /// IEEE 802.3: a length where Ethernet II has its EtherType.
    Dot3 {
        dst: [u8; 6],
        src: [u8; 6],
    },
    Llc,
    Snap,
    /// Spanning tree bridge protocol data unit.
    Stp,
    /// An 802.1Q VLAN tag (Scapy's Dot1Q), or 802.1ad's outer tag (Dot1AD).
    Dot1Q {
        vlan: u16,
        ethertype: u16,
        outer: bool,
    },
    /// Linux cooked capture (`-i any`), version 1 or 2.
    Sll {
        version: u8,
        protocol: u16,
    },
    /// BSD loopback (DLT_NULL, or DLT_LOOP with `openbsd`): an address family first.
    Loopback {
        openbsd: bool,
    },
    Arp {
        op: u16,
        hwsrc: [u8; 6],
        psrc: Ipv4Addr,
        hwdst: [u8; 6],
        pdst: Ipv4Addr,
    },
    /// ARP for other hardware or protocols (its addresses read by their lengths).
    ArpOther {
        op: u16,
    },
    /// `quoted`: inside an ICMP error (Scapy's IPerror).
    Ipv4 {
        src: Ipv4Addr,
        dst: Ipv4Addr,
        protocol: u8,
        fragment_offset: u16,
        quoted: bool,
    },
    /// `quoted`: inside an ICMPv6 error (Scapy's IPerror6).
    Ipv6 {
        src: Ipv6Addr,
        dst: Ipv6Addr,
        next_header: u8,
        quoted: bool,
    },
    Ipv6HopByHop,
    Ipv6DestOpt,
    Ipv6Routing,
    /// IPv6's segment routing header (routing type 4); `end`: where the IPv6 payload
    /// ends (Scapy's TLV list is a slice of the rest of the packet).
    Ipv6SegmentRouting {
        end: usize,
    },
    /// IPv6's fragment header; `offset` in 8-byte units (0: the first fragment, which
    /// carries the upper-layer header).
    Ipv6Fragment {
        offset: u16,
    },
    Tcp {
        sport: u16,
        dport: u16,
        flags: u16,
        quoted: bool,
    },
    Udp {
        sport: u16,
        dport: u16,
        quoted: bool,
    },
    /// `quoted`: inside another ICMP error (Scapy's ICMPerror).
    Icmp {
        icmp_type: u8,
        code: u8,
        quoted: bool,
    },
    Icmpv6 {
        icmp_type: u8,
        code: u8,
        id: u16,
        seq: u16,
    },
    /// A neighbour discovery option: 1 source, 2 target link-layer address, ...
    NdOption {
        option: u8,
        address: Option<[u8; 6]>,
        /// Where the message ends (the redirected header's MayEnd looks there).
        end: usize,
    },
    /// A DNS message (UDP port 53 or 5353, TCP port 53, as Scapy binds it); `mdns`
    /// when sent to 5353, `tcp` with TCP's length prefix.
    Dns {
        mdns: bool,
        tcp: bool,
    },
    /// An LLMNR message: a response, a query, or (`None`) Scapy's bare `_LLMNR` for a
    /// payload too short to tell.
    Llmnr {
        response: Option<bool>,
    },
    /// An HTTP/1.x request or status line and its headers (found by content, on any
    /// TCP port); the body follows as Raw.
    Http {
        request: bool,
    },
    /// BOOTP's fixed part (and DHCP's magic cookie).
    Bootp,
    /// DHCP's options; `message_type`: the first message-type option's value.
    Dhcp {
        message_type: Option<u8>,
    },
    /// A DHCPv6 message's header (Scapy's class for its type); its options follow.
    Dhcp6Message {
        message_type: u8,
    },
    /// A DHCPv6 option in Scapy's class for its code; `end`: where the message ends
    /// (Scapy's length slices are taken from the rest of the packet).
    Dhcp6Option {
        code: u16,
        end: usize,
    },
    /// An ISAKMP header or payload in Scapy's class for it; `proto`: what a transform's
    /// attributes are named by; `end`: where the message ends (Scapy's length slices
    /// are taken from the rest of the packet).
    Isakmp {
        class: isakmp::Class,
        proto: u8,
        end: usize,
    },
    /// A PPP-family header or message (HDLC, PPP, PPPoE, LCP, PAP, CHAP, IPCP, ...) in
    /// Scapy's class for it; `end`: where its packet ends (Scapy's length slices are
    /// taken from the rest of the packet).
    Ppp {
        class: ppp::Class,
        end: usize,
    },
    /// An 802.1X (EAPOL) or EAP message in Scapy's class for it; `end`: where its
    /// packet ends (Scapy's length slices are taken from the rest of the packet).
    Eap {
        class: eap::Class,
        end: usize,
    },
    /// A Prism monitoring header; the 802.11 frame follows.
    Prism,
    /// A RadioTap header; the 802.11 frame follows. `end`: where the frame ends.
    RadioTap {
        end: usize,
    },
    /// An 802.11 header, body or information element in Scapy's class for it; `end`:
    /// where the frame ends (a Dot11FCS header's last field is there).
    Dot11 {
        class: dot11::Class,
        end: usize,
    },
    /// A NetFlow header, record or flowset in Scapy's class for it; `end`: where the
    /// datagram ends (Scapy's length slices are taken from the rest of the packet).
    Netflow {
        class: netflow::Class,
        end: usize,
    },
    /// A MACsec Key Agreement PDU (EAPOL type 5).
    Mka,
    /// CACE's Per-Packet Information header; `end`: where the frame ends (its field
    /// headers are a Python slice of the rest).
    Ppi {
        end: usize,
    },
    /// A Kerberos message, known by its class only (summary).
    Kerberos,
    /// The length before a Kerberos message over TCP.
    KerberosTcp,
    /// A RADIUS message (its attributes are sub-packets); `end`: where the datagram
    /// ends (Scapy's length slices are taken from the rest of the packet).
    Radius {
        end: usize,
    },
    /// An NBNS header or message, in Scapy's class for it.
    Nbns(nbns::Class),
    /// A NetBIOS datagram or session service header.
    Netbios(netbios::Class),
    /// An SMB header or message after NetBIOS, in Scapy's class for it.
    Smb(smb::Class),
    /// An NTP header (modes 0-5), control message (6) or private message (7).
    Ntp {
        version: u8,
        mode: u8,
        /// Where the datagram ends (a private message's items are read to there).
        end: usize,
    },
    /// NTP's key id and message digest after the header.
    NtpAuthenticator,
    /// NTPv4 extension fields and the authenticator after them.
    NtpExtensions,
    /// AH, ESP, or ESP's NAT-traversal companions on UDP port 4500.
    Ipsec(ipsec::Class),
    /// An HSRP message or authentication TLV, in Scapy's class for it.
    Hsrp(hsrp::Class),
    /// An L2TP header; PPP follows.
    L2tp,
    /// MGCP's command line.
    Mgcp,
    /// SNMP: the message, its PDU and variable bindings as sub-packets.
    Snmp,
    /// Skinny's header; the message's body follows as Raw.
    Skinny,
    /// A PPTP control message by its type (1 to 15), or the bare header (0).
    Pptp(u8),
    /// A Mobile IP header or message, in Scapy's class for it.
    MobileIp(mobileip::Class),
    /// A TFTP opcode or message, in Scapy's class for it.
    Tftp(tftp::Class),
    /// RIP's header; its entries follow, each a layer.
    Rip,
    RipEntry,
    RipAuthentication,
    /// A GRE header; the tunnelled packet follows.
    Gre,
    /// GRE's enhanced header for PPTP (protocol 0x880b); PPP follows.
    GrePptp,
    /// GRE's source route entry (with the routing bit set).
    GreRouting,
    /// A VXLAN header; the tunnelled frame follows. `group_policy`: the group
    /// policy id, when the G flag is set.
    Vxlan {
        vni: u32,
        group_policy: Option<u16>,
    },
    /// VRRP (v2) or VRRPv3, over IPv4 or IPv6.
    Vrrp {
        v3: bool,
        over_ipv6: bool,
    },
    /// SCTP's common header; `quoted`: inside an ICMP error (Scapy's SCTPerror).
    Sctp {
        quoted: bool,
    },
    /// An SCTP chunk in Scapy's class for it; `end`: where the packet's chunks end
    /// (Scapy's length slices are taken from the rest of the packet).
    SctpChunk {
        chunk: sctp::Chunk,
        end: usize,
    },
    /// An IGMP message in Scapy's class for it; `group`: a v1/v2 message's group.
    Igmp {
        class: igmp::Class,
        igmp_type: u8,
        group: Option<Ipv4Addr>,
    },
    Raw,
    Padding,
    /// A zero-length record: no bytes, so only the link type's layer, by name (Scapy
    /// fills that layer with its default field values instead).
    Empty {
        link_type: u32,
    },
}

/// One layer: what it is and which bytes of the packet it covers (its header and, for
/// the last layers, payload).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub kind: Kind,
    pub range: Range<usize>,
}

impl Layer {
    pub fn tcpip(&self) -> TcpIpLayer {
        match self.kind {
            Kind::Ether { .. }
            | Kind::Dot3 { .. }
            | Kind::Llc
            | Kind::Snap
            | Kind::Stp
            | Kind::Dot1Q { .. }
            | Kind::Sll { .. }
            | Kind::Loopback { .. }
            | Kind::Arp { .. }
            | Kind::ArpOther { .. }
            | Kind::Ppp { .. }
            | Kind::Eap { .. }
            | Kind::Dot11 { .. }
            | Kind::RadioTap { .. }
            | Kind::Prism
            | Kind::Ppi { .. }
            | Kind::Mka
            | Kind::Empty { .. } => TcpIpLayer::Link,
            Kind::Ipv4 { .. }
            | Kind::Ipv6 { .. }
            | Kind::Ipv6HopByHop
            | Kind::Ipv6DestOpt
            | Kind::Ipv6Routing
            | Kind::Ipv6SegmentRouting { .. }
            | Kind::Ipv6Fragment { .. }
            | Kind::Icmp { .. }
            | Kind::Icmpv6 { .. }
            | Kind::NdOption { .. }
            | Kind::Gre
            | Kind::GrePptp
            | Kind::GreRouting
            | Kind::Ipsec(_)
            | Kind::Vrrp { .. }
            | Kind::Igmp { .. } => TcpIpLayer::Internet,
            Kind::Tcp { .. } | Kind::Udp { .. } | Kind::Sctp { .. } | Kind::SctpChunk { .. } => {
                TcpIpLayer::Transport
            }
            Kind::Dns { .. }
            | Kind::Llmnr { .. }
            | Kind::Http { .. }
            | Kind::Vxlan { .. }
            | Kind::Bootp
            | Kind::Dhcp { .. }
            | Kind::Ntp { .. }
            | Kind::NtpAuthenticator
            | Kind::NtpExtensions
            | Kind::Nbns(_)
            | Kind::Netbios(_)
            | Kind::Smb(_)
            | Kind::Netflow { .. }
            | Kind::Radius { .. }
            | Kind::Kerberos
            | Kind::KerberosTcp
            | Kind::Isakmp { .. }
            | Kind::Dhcp6Message { .. }
            | Kind::Dhcp6Option { .. }
            | Kind::Tftp(_)
            | Kind::L2tp
            | Kind::MobileIp(_)
            | Kind::Mgcp
            | Kind::Snmp
            | Kind::Skinny
            | Kind::Pptp(_)
            | Kind::Rip
            | Kind::RipEntry
            | Kind::RipAuthentication
            | Kind::Hsrp(_)
            | Kind::Raw
            | Kind::Padding => TcpIpLayer::Application,
        }
    }

    /// Scapy's class name for the layer (what a summary shows for a layer without a
    /// summary of its own: `Ether`, `IPerror`) and the class's display name (what
    /// `show()` heads it with: `Ethernet`, `IP in ICMP`).
    fn names(&self) -> (&'static str, &'static str) {
        match &self.kind {
            Kind::Ether { .. } => ("Ether", "Ethernet"),
            Kind::Dot3 { .. } => ("Dot3", "802.3"),
            Kind::Llc => ("LLC", "LLC"),
            Kind::Snap => ("SNAP", "SNAP"),
            Kind::Stp => ("STP", "Spanning Tree Protocol"),
            Kind::Dot1Q { outer: false, .. } => ("Dot1Q", "802.1Q"),
            Kind::Dot1Q { outer: true, .. } => ("Dot1AD", "802_1AD"),
            Kind::Sll { version: 1, .. } => ("CookedLinux", "cooked linux"),
            Kind::Sll { .. } => ("CookedLinuxV2", "cooked linux v2"),
            Kind::Loopback { openbsd: false } => ("Loopback", "Loopback"),
            Kind::Loopback { openbsd: true } => ("LoopbackOpenBSD", "OpenBSD Loopback"),
            Kind::Arp { .. } | Kind::ArpOther { .. } => ("ARP", "ARP"),
            Kind::Ipv4 { quoted: false, .. } => ("IP", "IP"),
            Kind::Ipv4 { quoted: true, .. } => ("IPerror", "IP in ICMP"),
            Kind::Ipv6 { quoted: false, .. } => ("IPv6", "IPv6"),
            Kind::Ipv6 { quoted: true, .. } => ("IPerror6", "IPv6 in ICMPv6"),
            Kind::Ipv6HopByHop => (
                "IPv6ExtHdrHopByHop",
                "IPv6 Extension Header - Hop-by-Hop Options Header",
            ),
            Kind::Ipv6DestOpt => (
                "IPv6ExtHdrDestOpt",
                "IPv6 Extension Header - Destination Options Header",
            ),
            Kind::Ipv6Routing => ("IPv6ExtHdrRouting", "IPv6 Option Header Routing"),
            Kind::Ipv6SegmentRouting { .. } => (
                "IPv6ExtHdrSegmentRouting",
                "IPv6 Option Header Segment Routing",
            ),
            Kind::Ipv6Fragment { .. } => (
                "IPv6ExtHdrFragment",
                "IPv6 Extension Header - Fragmentation header",
            ),
            Kind::Tcp { quoted: false, .. } => ("TCP", "TCP"),
            Kind::Tcp { quoted: true, .. } => ("TCPerror", "TCP in ICMP"),
            Kind::Udp { quoted: false, .. } => ("UDP", "UDP"),
            Kind::Udp { quoted: true, .. } => ("UDPerror", "UDP in ICMP"),
            Kind::Icmp { quoted: false, .. } => ("ICMP", "ICMP"),
            Kind::Icmp { quoted: true, .. } => ("ICMPerror", "ICMP in ICMP"),
            Kind::Icmpv6 {
                icmp_type,
                code,
                id,
                ..
            } => icmpv6::names(*icmp_type, *code, *id, self.range.len()),
            Kind::NdOption { option, .. } => icmpv6::option_names(*option),
            Kind::Dns { .. } => ("DNS", "DNS"),
            Kind::Llmnr { response: None } => ("_LLMNR", "_LLMNR"),
            Kind::Llmnr {
                response: Some(false),
            } => ("LLMNRQuery", "Link Local Multicast Node Resolution - Query"),
            Kind::Llmnr {
                response: Some(true),
            } => (
                "LLMNRResponse",
                "Link Local Multicast Node Resolution - Response",
            ),
            Kind::Http { request: true } => ("Raw", "HTTP Request"),
            Kind::Http { request: false } => ("Raw", "HTTP Response"),
            Kind::Bootp => ("BOOTP", "BOOTP"),
            Kind::Dhcp { .. } => ("DHCP", "DHCP options"),
            Kind::Ntp { mode, .. } => ntp::names(*mode),
            Kind::NtpAuthenticator => ("NTPAuthenticator", "Authenticator"),
            Kind::NtpExtensions => ("NTPExtensions", "NTPv4 extensions"),
            Kind::Hsrp(class) => class.names(),
            Kind::Nbns(class) => class.names(),
            Kind::Netbios(class) => class.names(),
            Kind::Smb(class) => class.names(),
            Kind::Netflow { class, .. } => class.names(),
            Kind::Eap { class, .. } => class.names(),
            Kind::Dot11 { class, .. } => class.names(),
            Kind::RadioTap { .. } => ("RadioTap", "RadioTap"),
            Kind::Prism => ("PrismHeader", "Prism header"),
            Kind::Ppi { .. } => ("PPI", "Per-Packet Information header (PPI)"),
            Kind::Mka => ("MKAPDU", "MKPDU"),
            Kind::Radius { .. } => ("Radius", "RADIUS"),
            Kind::Kerberos => ("Kerberos", "Kerberos"),
            Kind::KerberosTcp => ("KerberosTCPHeader", "KerberosTCPHeader"),
            Kind::Ppp { class, .. } => class.names(),
            Kind::Isakmp { class, .. } => class.names(),
            Kind::Dhcp6Message { message_type } => dhcp6::message_names(*message_type),
            Kind::Dhcp6Option { code, .. } => dhcp6::option_names(*code),
            Kind::Ipsec(class) => class.names(),
            Kind::Tftp(class) => class.names(),
            Kind::L2tp => ("L2TP", "L2TP"),
            Kind::MobileIp(class) => class.names(),
            Kind::Mgcp => ("MGCP", "MGCP"),
            Kind::Snmp => ("SNMP", "SNMP"),
            Kind::Skinny => ("Skinny", "Skinny"),
            Kind::Pptp(kind) => pptp::names(*kind),
            Kind::Rip => ("RIP", "RIP header"),
            Kind::RipEntry => ("RIPEntry", "RIP entry"),
            Kind::RipAuthentication => ("RIPAuth", "RIP authentication"),
            Kind::Gre => ("GRE", "GRE"),
            Kind::GrePptp => ("GRE_PPTP", "GRE PPTP"),
            Kind::GreRouting => ("GRErouting", "GRE routing information"),
            Kind::Vxlan { .. } => ("VXLAN", "VXLAN"),
            Kind::Vrrp { v3: false, .. } => ("VRRP", "VRRP"),
            Kind::Vrrp { v3: true, .. } => ("VRRPv3", "VRRPv3"),
            Kind::Igmp { class, .. } => class.names(),
            Kind::Sctp { quoted: false } => ("SCTP", "SCTP"),
            Kind::Sctp { quoted: true } => ("SCTPerror", "SCTP in ICMP"),
            Kind::SctpChunk { chunk, .. } => (chunk.class(), chunk.class()),
            Kind::Raw => ("Raw", "Raw"),
            Kind::Padding => ("Padding", "Padding"),
            Kind::Empty { link_type } => match *link_type {
                linktype::ETHERNET => ("Ether", "Ethernet"),
                linktype::LINUX_SLL => ("CookedLinux", "cooked linux"),
                linktype::LINUX_SLL2 => ("CookedLinuxV2", "cooked linux v2"),
                linktype::NULL => ("Loopback", "Loopback"),
                linktype::LOOP => ("LoopbackOpenBSD", "OpenBSD Loopback"),
                linktype::RAW | linktype::RAW_DLT12 | linktype::RAW_DLT14 | linktype::IPV4 => {
                    ("IP", "IP")
                }
                linktype::IPV6 => ("IPv6", "IPv6"),
                linktype::PPP => ("PPP", "PPP Link Layer"),
                linktype::PPP_HDLC => ("HDLC", "HDLC"),
                linktype::PPP_ETHER => ("PPPoE", "PPP over Ethernet"),
                linktype::PPP_WITH_DIR => ("DIR_PPP", "DIR_PPP"),
                linktype::IEEE802_11 => ("Dot11", "802.11"),
                linktype::IEEE802_11_RADIOTAP => ("RadioTap", "RadioTap"),
                linktype::IEEE802_11_PRISM => ("PrismHeader", "Prism header"),
                _ => ("Raw", "Raw"),
            },
        }
    }

    /// Whether `show()` lists the layers after this one a level further in, as
    /// Scapy does for all but ISAKMP's payloads (their `show_indent` is 0).
    pub fn indents_payload(&self) -> bool {
        match self.kind {
            Kind::Isakmp { class, .. } => class == isakmp::Class::Header,
            Kind::Dot11 { class, .. } => class.indents_payload(),
            _ => true,
        }
    }

    /// Scapy's class name for the layer (`Ether`, `IPerror`).
    pub fn class(&self) -> &'static str {
        self.names().0
    }

    /// Scapy's display name for the layer, as `show()` heads it (`Ethernet`, `IP in ICMP`).
    pub fn name(&self) -> &'static str {
        self.names().1
    }

    /// The layer's fields in Scapy's order, names and formats, each with its bytes.
    pub fn fields(&self, data: &[u8]) -> Vec<Field> {
        let at = self.range.start;
        // Scapy reads a chunk's lengths as slices of the rest of the packet.
        match self.kind {
            Kind::SctpChunk { end, .. } => return sctp::chunk_fields(data, at, end),
            Kind::Dhcp6Option { code, end } => return dhcp6::option_fields(data, at, code, end),
            Kind::Isakmp { class, proto, end } => {
                return isakmp::fields(data, at, class, proto, end)
            }
            Kind::Ppp { class, end } => return ppp::fields(data, at, class, end),
            Kind::Netflow { class, end } => return netflow::fields(data, at, class, end),
            Kind::Eap { class, end } => return eap::fields(data, at, class, end),
            Kind::Dot11 { class, end } => return dot11::fields(data, at, class, end),
            Kind::RadioTap { end } => return radiotap::fields(data, at, end),
            Kind::Radius { end } => return radius::fields(data, at, end),
            Kind::Ipv6SegmentRouting { end } => return ipv6::segment_routing_fields(data, at, end),
            _ => {}
        }
        // A layer's range never exceeds the data; the header code reads within it.
        let data = &data[..self.range.end.min(data.len())];
        match &self.kind {
            Kind::Ether { .. } => ether::fields(data, at),
            Kind::Dot3 { .. } => ether::dot3_fields(data, at),
            Kind::Llc => ether::llc_fields(data, at),
            Kind::Snap => ether::snap_fields(data, at),
            Kind::Stp => ether::stp_fields(data, at),
            Kind::Dot1Q { .. } => ether::dot1q_fields(data, at),
            Kind::Sll { version, .. } => cooked::fields(*version, data, at),
            Kind::Loopback { openbsd } => loopback::fields(*openbsd, data, at),
            Kind::Arp { .. } => arp::fields(data, at),
            Kind::ArpOther { .. } => arp::other_fields(data, at),
            Kind::Ipv4 { .. } => ipv4::fields(data, at),
            Kind::Ipv6 { .. } => ipv6::fields(data, at),
            Kind::Ipv6HopByHop | Kind::Ipv6DestOpt => {
                ipv6::options_header_fields(data, self.range.clone())
            }
            Kind::Ipv6Routing => ipv6::routing_fields(data, self.range.clone()),
            Kind::Ipv6Fragment { .. } => ipv6::fragment_fields(data, at),
            Kind::Tcp { .. } => tcp::fields(data, at),
            Kind::Udp { .. } => udp::fields(data, at),
            Kind::Icmp { .. } => icmp::fields(data, self.range.clone()),
            Kind::Icmpv6 { .. } => icmpv6::fields(data, self.range.clone()),
            Kind::NdOption { end, .. } => icmpv6::option_fields(data, self.range.clone(), *end),
            Kind::Dns { tcp, .. } => dns::fields(data, self.range.clone(), *tcp),
            Kind::Llmnr { .. } => dns::llmnr_fields(data, self.range.clone()),
            Kind::Http { .. } => http::fields(data, self.range.clone()),
            Kind::Bootp => dhcp::bootp_fields(data, self.range.clone()),
            Kind::Dhcp { .. } => dhcp::dhcp_fields(data, self.range.clone()),
            Kind::Ntp { mode, end, .. } => ntp::fields(data, at..*end, *mode),
            Kind::NtpAuthenticator => ntp::authenticator_fields(data, self.range.clone()),
            Kind::NtpExtensions => ntp::extensions_fields(data, self.range.clone()),
            Kind::Hsrp(class) => hsrp::fields(data, self.range.clone(), *class),
            Kind::Nbns(class) => nbns::fields(data, self.range.clone(), *class),
            Kind::Netbios(class) => netbios::fields(data, self.range.clone(), *class),
            Kind::Smb(class) => smb::fields(data, self.range.clone(), *class),
            Kind::Ipsec(class) => ipsec::fields(data, self.range.clone(), *class),
            Kind::Tftp(class) => tftp::fields(data, self.range.clone(), *class),
            Kind::L2tp => l2tp::fields(data, self.range.clone()),
            Kind::MobileIp(class) => mobileip::fields(data, at, *class),
            Kind::Mgcp => mgcp::fields(data, self.range.clone()),
            Kind::Snmp => snmp::fields(data, self.range.clone()),
            Kind::Skinny => skinny::fields(data, at),
            Kind::Pptp(kind) => pptp::fields(data, self.range.clone(), *kind),
            Kind::Rip => rip::header_fields(data, at),
            Kind::Kerberos => kerberos::fields(data, self.range.clone()),
            Kind::KerberosTcp => kerberos::tcp_fields(data, at),
            Kind::Prism => prism::fields(data, at),
            Kind::Ppi { end } => ppi::fields(data, self.range.clone(), *end),
            Kind::Mka => mka::fields(data, self.range.clone()),
            Kind::RipEntry => rip::entry_fields(data, at),
            Kind::RipAuthentication => rip::authentication_fields(data, self.range.clone()),
            Kind::Gre => gre::fields(data, at),
            Kind::GrePptp => gre::pptp_fields(data, at),
            Kind::GreRouting => gre::routing_fields(data, self.range.clone()),
            Kind::Vxlan { .. } => vxlan::fields(data, at),
            Kind::Vrrp { v3, over_ipv6 } => vrrp::fields(data, self.range.clone(), *v3, *over_ipv6),
            Kind::Igmp { class, .. } => igmp::fields(data, self.range.clone(), *class),
            Kind::Sctp { .. } => sctp::fields(data, at),
            Kind::SctpChunk { .. }
            | Kind::Dhcp6Option { .. }
            | Kind::Isakmp { .. }
            | Kind::Ppp { .. }
            | Kind::Netflow { .. }
            | Kind::Eap { .. }
            | Kind::Dot11 { .. }
            | Kind::RadioTap { .. }
            | Kind::Radius { .. }
            | Kind::Ipv6SegmentRouting { .. } => {
                unreachable!("read above")
            }
            Kind::Dhcp6Message { message_type } => dhcp6::message_fields(data, at, *message_type),
            Kind::Empty { .. } => Vec::new(),
            Kind::Raw | Kind::Padding => vec![field::field(
                "load",
                self.range.clone(),
                Value::Bytes(data[self.range.clone()].to_vec()),
            )],
        }
    }
}

/// A packet's layers, outermost first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dissection {
    pub layers: Vec<Layer>,
}

impl Dissection {
    /// The request or status line, when the packet starts an HTTP message.
    pub fn http_line(&self, data: &[u8]) -> Option<String> {
        self.layers
            .iter()
            .find(|l| matches!(l.kind, Kind::Http { .. }))
            .map(|l| http::first_line(data, l.range.clone()))
    }
}

/// Dissects one captured frame of the given link type.
pub fn dissect(link_type: u32, data: &[u8]) -> Dissection {
    let mut walk = Walk {
        data,
        // Most packets have up to 8 layers: one allocation, not a growth per push.
        layers: Vec::with_capacity(8),
    };
    if data.is_empty() {
        walk.push(Kind::Empty { link_type }, 0..0);
    }
    match link_type {
        linktype::ETHERNET => ether::dissect(&mut walk, 0),
        linktype::LINUX_SLL => cooked::dissect(&mut walk, 1),
        linktype::LINUX_SLL2 => cooked::dissect(&mut walk, 2),
        linktype::NULL => loopback::dissect(&mut walk, false),
        linktype::LOOP => loopback::dissect(&mut walk, true),
        linktype::PPP => ppp::dissect_ppp(&mut walk, 0, data.len()),
        linktype::PPP_HDLC => ppp::dissect_hdlc(&mut walk, 0, data.len()),
        linktype::PPP_ETHER => ppp::dissect_session(&mut walk, 0, data.len()),
        linktype::PPP_WITH_DIR => ppp::dissect_with_direction(&mut walk, 0, data.len()),
        linktype::IEEE802_11 => dot11::dissect(&mut walk, 0, data.len(), false),
        linktype::IEEE802_11_RADIOTAP => radiotap::dissect(&mut walk, 0, data.len()),
        linktype::IEEE802_11_PRISM => prism::dissect(&mut walk, data.len()),
        linktype::PPI => ppi::dissect(&mut walk, data.len()),
        linktype::RAW
        | linktype::RAW_DLT12
        | linktype::RAW_DLT14
        | linktype::IPV4
        | linktype::IPV6 => match data.first().map(|b| b >> 4) {
            Some(4) => ipv4::dissect(&mut walk, 0, false),
            Some(6) => ipv6::dissect(&mut walk, 0, false),
            _ => walk.raw(0, data.len()),
        },
        _ => walk.raw(0, data.len()),
    }
    Dissection {
        layers: walk.layers,
    }
}

/// A packet inside a field (Scapy's PacketLenField of IPv6: ND's redirected header),
/// dissected on its own and listed as Scapy lists a sub-packet: each layer a group,
/// one level further in than the one before (unless that one keeps its payload at
/// its level), its ranges in `data`'s terms. Nested more than a few deep, the rest is
/// Raw: each level is a packet inside an option inside a packet.
pub(crate) fn packet_groups(data: &[u8], range: Range<usize>) -> Vec<Group> {
    const MAX_NESTING: u32 = 4;
    thread_local!(static NESTING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) });
    let inner = &data[range.clone()];
    if NESTING.get() >= MAX_NESTING {
        return vec![Group::raw(data, range)];
    }
    NESTING.set(NESTING.get() + 1);
    let dissection = dissect_network(0x86dd, inner);
    let mut depth = 0;
    let groups = dissection
        .layers
        .iter()
        .map(|layer| {
            let mut fields = layer.fields(inner);
            field::shift(&mut fields, range.start);
            let shifted = layer.range.start + range.start..layer.range.end + range.start;
            let mut group = Group::new(layer.name(), shifted, fields);
            group.depth = depth;
            if layer.indents_payload() {
                depth += 1;
            }
            group
        })
        .collect();
    NESTING.set(NESTING.get() - 1);
    groups
}

/// Dissects a packet that starts at its network layer, as a cooked socket hands it
/// over with the EtherType beside it (capture's `Observer`).
pub fn dissect_network(ethertype: u16, data: &[u8]) -> Dissection {
    let mut walk = Walk {
        data,
        layers: Vec::new(),
    };
    if !ppp::after_ethertype(&mut walk, 0, ethertype, false) {
        walk.ethertype(0, ethertype);
    }
    Dissection {
        layers: walk.layers,
    }
}

/// The dissection in progress: the frame and the layers found so far. Each protocol's
/// step pushes its layer and hands the rest to the next protocol's step.
struct Walk<'a> {
    data: &'a [u8],
    layers: Vec<Layer>,
}

impl Walk<'_> {
    fn push(&mut self, kind: Kind, range: Range<usize>) {
        self.layers.push(Layer { kind, range });
    }

    /// The bytes from `start` to `end` (cut to the frame), if any, as Raw.
    fn raw(&mut self, start: usize, end: usize) {
        let end = end.min(self.data.len());
        if start < end {
            self.push(Kind::Raw, start..end);
        }
    }

    /// The bytes from `from` to `end`, if any, as Padding (what a header's length
    /// leaves out).
    fn padding_until(&mut self, from: usize, end: usize) {
        if from < end {
            self.push(Kind::Padding, from..end);
        }
    }

    /// Bytes past the end of a datagram (Ethernet's minimum frame size), as Padding.
    fn padding(&mut self, from: usize) {
        if from < self.data.len() {
            self.push(Kind::Padding, from..self.data.len());
        }
    }

    /// Runs `step` on the frame cut at `end` (an 802.3 payload, the packet an ICMP
    /// error quotes): nothing past `end` is taken for part of it.
    fn within(&mut self, end: usize, step: impl FnOnce(&mut Self)) {
        let whole = self.data;
        self.data = &whole[..end.min(whole.len())];
        step(self);
        self.data = whole;
    }

    fn count(&self, matches: impl Fn(&Kind) -> bool) -> usize {
        self.layers.iter().filter(|l| matches(&l.kind)).count()
    }

    /// Whether a tunnel may not open another one: real frames nest a few (GRE or
    /// VXLAN in IP in ...); a hostile one nesting a tunnel every 24 bytes must not
    /// recurse once per tunnel.
    fn too_deep(&self) -> bool {
        const MAX_LAYERS: usize = 32;
        self.layers.len() >= MAX_LAYERS
    }

    /// Whether a chain of sibling layers (SCTP chunks, RIP entries, SMB 2 compound
    /// commands) stops here, the rest of it Raw. Scapy dissects each as the payload of the one before and gives
    /// up at Python's recursion limit (near 190 layers, fewer the deeper it is called);
    /// labnet stops at a fixed count, which also bounds `--show`, whose indentation
    /// grows with every layer (a hostile 64 KiB packet of 4-byte chunks would
    /// otherwise print gigabytes).
    fn chain_full(&self) -> bool {
        const MAX_LAYERS: usize = 128;
        self.layers.len() >= MAX_LAYERS
    }

    /// What follows a link-layer header with this EtherType.
    fn ethertype(&mut self, at: usize, ethertype: u16) {
        match ethertype {
            0x0800 => ipv4::dissect(self, at, false),
            0x86dd => ipv6::dissect(self, at, false),
            0x0806 => arp::dissect(self, at),
            0x8100 => ether::dot1q(self, at, false),
            0x88a8 => ether::dot1q(self, at, true),
            0x888e => eap::dissect_eapol(self, at, self.data.len()),
            // Scapy binds LLC to 122 in Ethernet, cooked headers and GRE alike.
            122 => ether::llc(self, at, self.data.len()),
            _ => self.raw(at, self.data.len()),
        }
    }
}

/// A big-endian u16 at `at`; the caller has checked the length.
fn be16(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

fn mac(data: &[u8], at: usize) -> [u8; 6] {
    data[at..at + 6].try_into().expect("checked length")
}

fn ipv4_address(data: &[u8], at: usize) -> Ipv4Addr {
    Ipv4Addr::new(data[at], data[at + 1], data[at + 2], data[at + 3])
}

fn ipv6_address(data: &[u8], at: usize) -> Ipv6Addr {
    Ipv6Addr::from(<[u8; 16]>::try_from(&data[at..at + 16]).expect("checked length"))
}

#[cfg(test)]
mod tests;
