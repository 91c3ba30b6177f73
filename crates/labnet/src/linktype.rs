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
}

impl LinkType {
    /// The link type of a pcap LINKTYPE_ value, if labnet filters it.
    pub fn from_pcap(value: u32) -> Option<LinkType> {
        Some(match value {
            ETHERNET => LinkType::Ethernet,
            LINUX_SLL => LinkType::LinuxSll,
            LINUX_SLL2 => LinkType::LinuxSll2,
            RAW | RAW_DLT12 | RAW_DLT14 => LinkType::Raw,
            NULL => LinkType::Null,
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
        }
    }
}
