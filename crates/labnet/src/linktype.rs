//! Link types, in one vocabulary for the reader, the writer, the dissector, the filter
//! and live capture: the LINKTYPE_ numbers of pcap and pcapng files
//! (www.tcpdump.org/linktypes.html) that labnet dissects, and [`LinkType`], the link
//! header layout a filter program is compiled for. A leaf: it imports nothing.

pub const NULL: u32 = 0;
pub const ETHERNET: u32 = 1;
pub const RAW: u32 = 101;
/// DLT_RAW as some systems number it in files (12 most, 14 on OpenBSD): raw IP too.
pub const RAW_DLT12: u32 = 12;
pub const RAW_DLT14: u32 = 14;
/// OpenBSD's loopback: DLT_NULL's address family in network byte order.
pub const LOOP: u32 = 108;
pub const IPV4: u32 = 228;
pub const IPV6: u32 = 229;
pub const LINUX_SLL: u32 = 113;
pub const LINUX_SLL2: u32 = 276;
/// PPP: the protocol field first (an HDLC header where the first byte is 0xff).
pub const PPP: u32 = 9;
/// PPP in HDLC-like framing: address and control bytes, then PPP.
pub const PPP_HDLC: u32 = 50;
/// PPPoE session frames without their Ethernet header.
pub const PPP_ETHER: u32 = 51;
/// A direction byte (received or sent), then PPP.
pub const PPP_WITH_DIR: u32 = 204;
/// IEEE 802.11 frames, from their MAC header on.
pub const IEEE802_11: u32 = 105;
/// A RadioTap header (radio information), then an 802.11 frame.
pub const IEEE802_11_RADIOTAP: u32 = 127;
/// A Prism monitoring header, then an 802.11 frame.
pub const IEEE802_11_PRISM: u32 = 119;
/// CACE's Per-Packet Information header, then a frame of the link type it names.
pub const PPI: u32 = 192;

/// Whether labnet's dissector reads packets of this LINKTYPE_ (others are shown as Raw).
pub fn dissected(value: u32) -> bool {
    matches!(
        value,
        NULL | ETHERNET
            | RAW
            | RAW_DLT12
            | RAW_DLT14
            | LOOP
            | IPV4
            | IPV6
            | LINUX_SLL
            | LINUX_SLL2
            | PPP
            | PPP_HDLC
            | PPP_ETHER
            | PPP_WITH_DIR
            | IEEE802_11
            | IEEE802_11_RADIOTAP
            | IEEE802_11_PRISM
            | PPI
    )
}

/// The LINKTYPE_ name of `value`, for the link types captures commonly hold.
pub fn pcap_name(value: u32) -> Option<&'static str> {
    Some(match value {
        NULL => "NULL",
        ETHERNET => "ETHERNET",
        6 => "IEEE802_5",
        PPP => "PPP",
        10 => "FDDI",
        PPP_HDLC => "PPP_HDLC",
        PPP_ETHER => "PPP_ETHER",
        PPP_WITH_DIR => "PPP_WITH_DIR",
        RAW | RAW_DLT12 | RAW_DLT14 => "RAW",
        104 => "C_HDLC",
        105 => "IEEE802_11",
        LOOP => "LOOP",
        LINUX_SLL => "LINUX_SLL",
        119 => "IEEE802_11_PRISM",
        127 => "IEEE802_11_RADIOTAP",
        163 => "IEEE802_11_AVS",
        PPI => "PPI",
        195 => "IEEE802_15_4_WITHFCS",
        201 => "BLUETOOTH_HCI_H4_WITH_PHDR",
        220 => "USB_LINUX_MMAPPED",
        IPV4 => "IPV4",
        IPV6 => "IPV6",
        239 => "NFLOG",
        249 => "USBPCAP",
        LINUX_SLL2 => "LINUX_SLL2",
        _ => return None,
    })
}

/// The link layer the program reads, which fixes every offset in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkType {
    Ethernet,
    /// Linux cooked capture v1 (`-i any` before libpcap 1.10).
    LinuxSll,
    /// Linux cooked capture v2 (`-i any`).
    LinuxSll2,
    /// Packets that start with the IP header.
    Raw,
    /// BSD loopback: a 4-byte address family, then IP.
    Null,
    /// A Linux SOCK_DGRAM packet socket (`-i any`) as the kernel filters it: the packet
    /// starts at the network header and the EtherType is an ancillary load. Only for
    /// programs attached to such sockets; files hold SLL2 instead.
    KernelCooked,
    /// IEEE 802.11 frames, from their MAC header on.
    Ieee80211,
    /// A RadioTap header (its length in its bytes 2-3), then an 802.11 frame.
    RadioTap,
    /// A PPI header (its length in its bytes 2-3), then, as libpcap assumes whatever
    /// link type the header names, an 802.11 frame.
    Ppi,
    /// PPP, its protocol number after 2 bytes of HDLC-like framing (as libpcap reads
    /// it), the network layer at 4.
    Ppp,
    /// PPP over serial links: the same offsets, its own name in libpcap's errors.
    PppSerial,
    /// PPPoE's session header (6 bytes), then PPP's protocol number.
    PppEther,
}

impl LinkType {
    /// Every link type a file can have that labnet filters (all but the kernel's view
    /// of `-i any`).
    pub const IN_FILES: [LinkType; 11] = [
        LinkType::Ethernet,
        LinkType::LinuxSll,
        LinkType::LinuxSll2,
        LinkType::Raw,
        LinkType::Null,
        LinkType::Ieee80211,
        LinkType::RadioTap,
        LinkType::Ppi,
        LinkType::Ppp,
        LinkType::PppSerial,
        LinkType::PppEther,
    ];

    /// The link type of a pcap LINKTYPE_ value, if labnet filters it.
    pub fn from_pcap(value: u32) -> Option<LinkType> {
        Some(match value {
            ETHERNET => LinkType::Ethernet,
            LINUX_SLL => LinkType::LinuxSll,
            LINUX_SLL2 => LinkType::LinuxSll2,
            RAW | RAW_DLT12 | RAW_DLT14 => LinkType::Raw,
            NULL => LinkType::Null,
            IEEE802_11 => LinkType::Ieee80211,
            IEEE802_11_RADIOTAP => LinkType::RadioTap,
            PPI => LinkType::Ppi,
            PPP => LinkType::Ppp,
            PPP_HDLC => LinkType::PppSerial,
            PPP_ETHER => LinkType::PppEther,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            LinkType::Ethernet => "Ethernet",
            LinkType::LinuxSll => "Linux cooked (SLL)",
            LinkType::LinuxSll2 => "Linux cooked v2 (SLL2)",
            LinkType::Raw => "raw IP",
            LinkType::Null => "BSD loopback",
            LinkType::KernelCooked => "Linux cooked (-i any)",
            LinkType::Ieee80211 => "802.11",
            LinkType::RadioTap => "802.11 with RadioTap",
            LinkType::Ppi => "802.11 with PPI",
            LinkType::Ppp => "PPP",
            LinkType::PppSerial => "PPP in HDLC-like framing",
            LinkType::PppEther => "PPPoE",
        }
    }
}
