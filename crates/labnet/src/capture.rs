//! Live capture: an AF_PACKET socket labnet owns, with the filter from
//! [`crate::filter`] attached before the first packet, a TPACKET_V3 ring mapped into
//! memory (the kernel fills blocks of packets; one poll per block, not one system call
//! per packet), kernel timestamps, and PACKET_STATISTICS for drops.
//!
//! Hand-written over libc rather than pnet's datalink channel, which reads one packet
//! per recvfrom (no ring), truncates frames over its 4096-byte buffer (lo's MTU is
//! 65536), shows every loopback packet twice, and gives neither kernel timestamps nor
//! drop counts. (A filter could be attached through its `Config.socket_fd`; that is
//! not the reason.) All `unsafe` of the capture path is in this module.
//!
//! Interfaces of Ethernet or loopback type are captured with their Ethernet headers
//! (pcap link type EN10MB, as tcpdump); `any` and other interfaces through a cooked
//! (SOCK_DGRAM) socket, for which labnet writes the Linux SLL2 header that libpcap
//! writes. On loopback the kernel shows each packet twice (out and in): the outgoing
//! copy is dropped, as libpcap does.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::filter::Filter;
use crate::linktype::{self, LinkType};
use crate::nics::{self, Nic};

/// The ring: blocks of 1 MiB (a full 256 KiB frame and then some), 8 of them, handed to
/// user space when full or after 10 ms, so a quiet link still prints promptly.
const BLOCK_SIZE: u32 = 1 << 20;
const BLOCK_COUNT: u32 = 8;
const FRAME_SIZE: u32 = 2048;
const BLOCK_TIMEOUT_MS: u32 = 10;
/// How long the kernel may keep packets in a block before handing it over.
pub const BLOCK_TIMEOUT: Duration = Duration::from_millis(BLOCK_TIMEOUT_MS as u64);
/// Length of the Linux cooked v2 header labnet writes for cooked captures.
const SLL2_LENGTH: usize = 20;
const ARPHRD_ETHER: u16 = 1;
const ARPHRD_LOOPBACK: u16 = 772;

/// What to capture.
#[derive(Debug, Clone)]
pub struct CaptureOptions {
    /// An interface name, or `any`.
    pub interface: String,
    pub promiscuous: bool,
    pub snaplen: u32,
    /// The filter expression (empty: every packet).
    pub filter: String,
    /// Which packets: received, sent or both (tcpdump's `-Q`).
    pub direction: Direction,
}

/// Received or sent, as the kernel marks each packet on a packet socket; libpcap
/// selects in user space as well (a BPF program cannot read the mark).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Direction {
    #[default]
    InOut,
    In,
    Out,
}

/// One captured packet; `data` is valid until the callback returns.
#[derive(Debug)]
pub struct Packet<'a> {
    pub seconds: u32,
    pub nanoseconds: u32,
    pub original_length: u32,
    /// The interface the packet was seen on (useful with `any`).
    pub ifindex: i32,
    pub data: &'a [u8],
}

/// The kernel's counters since the capture started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Statistics {
    /// Packets that passed the filter ("received by filter").
    pub received: u64,
    /// Packets the kernel dropped because the ring was full.
    pub dropped: u64,
}

/// Whether a wait ended with packets or with nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    Packets,
    Timeout,
    /// The callback asked to stop.
    Stopped,
}

/// An open capture.
pub struct Capture {
    socket: OwnedFd,
    ring: *mut u8,
    ring_length: usize,
    next_block: usize,
    interface: String,
    ifindex: i32,
    link_type: u32,
    cooked: bool,
    loopback: Option<i32>,
    direction: Direction,
    statistics: Statistics,
    scratch: Vec<u8>,
    /// The filter, where the kernel refused it (see [`KernelFilters::attach`]): run
    /// here over each packet as it is handed out, as libpcap does.
    user_filter: Option<Filter>,
    /// The network namespace the capture was opened in (the thread that reads it may
    /// be in another), where its interface is looked up again when the socket fails.
    namespace: Option<std::fs::File>,
}

/// The interface the handout's sniff() would use: the one of the IPv4 default route,
/// else the first interface that is up and not loopback.
pub fn default_interface() -> Result<String> {
    if let Ok(routes) = std::fs::read_to_string("/proc/net/route") {
        for line in routes.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            if fields.len() > 2 && fields[1] == "00000000" {
                return Ok(fields[0].to_string());
            }
        }
    }
    nics::links()?
        .into_iter()
        .find(|nic| nic.is_up() && nic.link_type != ARPHRD_LOOPBACK)
        .map(|nic| nic.name)
        .ok_or_else(|| {
            Error::failed(
                "no interface is up besides loopback, so there is nothing to capture by default",
            )
            .hint("name one with -i (webcapture -i lo captures loopback traffic)")
        })
}

/// The link type a capture on `interface` hands to the kernel filter: Ethernet frames
/// on Ethernet and loopback interfaces, the cooked view on `any` and the rest.
pub fn kernel_link_type(interface: &str) -> LinkType {
    let links = nics::links().unwrap_or_default();
    match links.iter().find(|nic| nic.name == interface) {
        Some(nic) if is_framed(nic) => LinkType::Ethernet,
        _ => LinkType::KernelCooked,
    }
}

/// Whether packets on this NIC are captured with their Ethernet header (Ethernet and
/// loopback devices); the rest get the cooked header.
fn is_framed(nic: &Nic) -> bool {
    matches!(nic.link_type, ARPHRD_ETHER | ARPHRD_LOOPBACK)
}

/// The index of this namespace's loopback device.
fn loopback_index(links: &[Nic]) -> Option<i32> {
    links
        .iter()
        .find(|nic| nic.link_type == ARPHRD_LOOPBACK)
        .map(|nic| nic.index as i32)
}

fn os_error(what: &str) -> Error {
    let source = std::io::Error::last_os_error();
    Error::Io {
        context: what.to_string(),
        source,
    }
}

/// setsockopt with a plain-data value.
fn set_option<T>(socket: &OwnedFd, level: i32, name: i32, value: &T, what: &str) -> Result<()> {
    // SAFETY: `value` is a valid T for the whole call and the length is its size.
    let result = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (value as *const T).cast(),
            std::mem::size_of::<T>() as libc::socklen_t,
        )
    };
    if result == 0 {
        Ok(())
    } else {
        Err(os_error(what))
    }
}

impl Capture {
    /// Opens the socket, attaches the filter, maps the ring and binds to the interface,
    /// in that order, so no unfiltered packet is ever queued.
    pub fn open(options: &CaptureOptions) -> Result<Capture> {
        Capture::open_with(
            options,
            &mut KernelFilters::new(&options.filter, options.snaplen),
        )
    }

    /// [`Capture::open`] with the filter from `filters` (`options.filter` is not read):
    /// captures on several interfaces compile their filter once per link type.
    pub fn open_with(options: &CaptureOptions, filters: &mut KernelFilters) -> Result<Capture> {
        let known = nics::links()?;
        let (ifindex, cooked, link_type) = if options.interface == "any" {
            (0, true, linktype::LINUX_SLL2)
        } else {
            let Some(nic) = known.iter().find(|nic| nic.name == options.interface) else {
                let names: Vec<&str> = known.iter().map(|nic| nic.name.as_str()).collect();
                return Err(Error::usage(format!(
                    "no interface named {:?} here",
                    options.interface
                ))
                .hint(format!("interfaces: {} (and any)", names.join(", "))));
            };
            if !nic.is_up() {
                return Err(Error::failed(format!(
                    "{} is down: it would capture nothing",
                    options.interface
                ))
                .hint(format!(
                    "bring it up first: ip link set {} up",
                    options.interface
                )));
            }
            if is_framed(nic) {
                (nic.index as i32, false, linktype::ETHERNET)
            } else {
                (nic.index as i32, true, linktype::LINUX_SLL2)
            }
        };
        let loopback = loopback_index(&known);

        let kind = if cooked {
            libc::SOCK_DGRAM
        } else {
            libc::SOCK_RAW
        };
        // Protocol 0: nothing is received until bind, which comes after the filter.
        // SAFETY: plain socket(2); the descriptor is owned right away.
        let fd = unsafe { libc::socket(libc::AF_PACKET, kind | libc::SOCK_CLOEXEC, 0) };
        if fd < 0 {
            let source = std::io::Error::last_os_error();
            if source.raw_os_error() == Some(libc::EPERM) {
                return Err(Error::Privilege {
                    what: "capturing packets".into(),
                    needed: "CAP_NET_RAW".into(),
                    grant: "run it with sudo, or grant the capability once: sudo setcap cap_net_raw,cap_net_admin+ep $(command -v webcapture)".into(),
                });
            }
            return Err(Error::Io {
                context: "opening a packet socket".into(),
                source,
            });
        }
        // SAFETY: `fd` is a fresh descriptor nobody else owns.
        let socket = unsafe { OwnedFd::from_raw_fd(fd) };

        let link = if cooked {
            LinkType::KernelCooked
        } else {
            LinkType::Ethernet
        };
        let user_filter = filters.attach(link, socket.as_fd())?;

        let version = libc::tpacket_versions::TPACKET_V3 as libc::c_int;
        set_option(
            &socket,
            libc::SOL_PACKET,
            libc::PACKET_VERSION,
            &version,
            "selecting TPACKET_V3",
        )?;
        let request = libc::tpacket_req3 {
            tp_block_size: BLOCK_SIZE,
            tp_block_nr: BLOCK_COUNT,
            tp_frame_size: FRAME_SIZE,
            tp_frame_nr: BLOCK_SIZE / FRAME_SIZE * BLOCK_COUNT,
            tp_retire_blk_tov: BLOCK_TIMEOUT_MS,
            tp_sizeof_priv: 0,
            tp_feature_req_word: 0,
        };
        set_option(
            &socket,
            libc::SOL_PACKET,
            libc::PACKET_RX_RING,
            &request,
            "setting up the capture ring",
        )?;
        let ring_length = (BLOCK_SIZE * BLOCK_COUNT) as usize;
        // SAFETY: maps the ring the kernel just allocated for this socket; unmapped in Drop.
        let ring = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                ring_length,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_SHARED,
                socket.as_raw_fd(),
                0,
            )
        };
        if ring == libc::MAP_FAILED {
            return Err(os_error("mapping the capture ring"));
        }
        let capture = Capture {
            socket,
            ring: ring.cast(),
            ring_length,
            next_block: 0,
            interface: options.interface.clone(),
            ifindex,
            link_type,
            cooked,
            loopback,
            direction: options.direction,
            statistics: Statistics::default(),
            scratch: Vec::new(),
            user_filter,
            namespace: std::fs::File::open("/proc/thread-self/ns/net").ok(),
        };

        // SAFETY: sockaddr_ll is plain data; all-zero is a valid starting value.
        let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        address.sll_family = libc::AF_PACKET as u16;
        address.sll_protocol = (libc::ETH_P_ALL as u16).to_be();
        address.sll_ifindex = ifindex;
        // SAFETY: `address` is a valid sockaddr_ll and the length is its size.
        let bound = unsafe {
            libc::bind(
                capture.socket.as_raw_fd(),
                std::ptr::addr_of!(address).cast(),
                std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t,
            )
        };
        if bound != 0 {
            return Err(os_error(&format!("binding to {}", options.interface)));
        }
        if options.promiscuous && ifindex != 0 && Some(ifindex) != loopback {
            let membership = libc::packet_mreq {
                mr_ifindex: ifindex,
                mr_type: libc::PACKET_MR_PROMISC as u16,
                mr_alen: 0,
                mr_address: [0; 8],
            };
            set_option(
                &capture.socket,
                libc::SOL_PACKET,
                libc::PACKET_ADD_MEMBERSHIP,
                &membership,
                "switching the interface to promiscuous mode",
            )?;
        }
        Ok(capture)
    }

    /// Replaces the filter with `expression` (SO_ATTACH_FILTER swaps programs in one
    /// step; packets already in the ring stay there).
    pub fn set_filter(&mut self, expression: &str, snaplen: u32) -> Result<()> {
        let link = if self.cooked {
            LinkType::KernelCooked
        } else {
            LinkType::Ethernet
        };
        self.user_filter =
            KernelFilters::new(expression, snaplen).attach(link, self.socket.as_fd())?;
        Ok(())
    }

    pub fn interface(&self) -> &str {
        &self.interface
    }

    /// The interface's index; 0 for `any`.
    pub fn ifindex(&self) -> i32 {
        self.ifindex
    }

    /// The pcap link type of the packets handed out: EN10MB or LINUX_SLL2.
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// The status word of ring block `index`, shared with the kernel.
    fn block_status(&self, index: usize) -> &AtomicU32 {
        // SAFETY: the block descriptor starts each block, inside the mapping, and its
        // first field after `version` and `offset_to_priv` is the u32 block_status,
        // which the kernel and we hand back and forth; AtomicU32 has u32's layout.
        unsafe {
            let block = self.ring.add(index * BLOCK_SIZE as usize);
            &*(block.add(8) as *const AtomicU32)
        }
    }

    /// Waits up to `timeout` for a block of packets and hands each to `each`, which
    /// returns false to stop (the rest of that block is not handed out).
    pub fn next_packets(
        &mut self,
        timeout: Duration,
        mut each: impl FnMut(&Packet) -> Result<bool>,
    ) -> Result<Wait> {
        let index = self.next_block;
        if self.block_status(index).load(Ordering::Acquire) & libc::TP_STATUS_USER == 0 {
            let mut poll = libc::pollfd {
                fd: self.socket.as_raw_fd(),
                events: libc::POLLIN | libc::POLLERR,
                revents: 0,
            };
            let millis = timeout.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: one valid pollfd for the duration of the call.
            let ready = unsafe { libc::poll(&mut poll, 1, millis) };
            if ready < 0 {
                let err = std::io::Error::last_os_error();
                if err.kind() == std::io::ErrorKind::Interrupted {
                    return Ok(Wait::Timeout);
                }
                return Err(Error::Io {
                    context: "waiting for packets".into(),
                    source: err,
                });
            }
            // The kernel reports an interface going down or away as a socket error
            // (ENETDOWN, ENODEV): without reading it, poll returns at once forever.
            if poll.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0 {
                return Err(self.socket_error());
            }
            if self.block_status(index).load(Ordering::Acquire) & libc::TP_STATUS_USER == 0 {
                return Ok(Wait::Timeout);
            }
        }
        // SAFETY: the kernel set TP_STATUS_USER, so the block is ours until we store
        // TP_STATUS_KERNEL; we read its header, then packets at the offsets it gives,
        // each checked to lie inside the block before it is read.
        let block = unsafe { self.ring.add(index * BLOCK_SIZE as usize) };
        let (count, mut offset) = unsafe {
            let header = &(*(block as *const libc::tpacket_block_desc)).hdr.bh1;
            (header.num_pkts, header.offset_to_first_pkt as usize)
        };
        let mut outcome = Wait::Packets;
        for _ in 0..count {
            let header_size = std::mem::size_of::<libc::tpacket3_hdr>();
            if offset + header_size + std::mem::size_of::<libc::sockaddr_ll>() > BLOCK_SIZE as usize
            {
                break;
            }
            // SAFETY: checked above that the packet header and the sockaddr_ll after it
            // (at TPACKET_ALIGN(sizeof tpacket3_hdr) = 48) are inside the block.
            let (header, address) = unsafe {
                let header = &*(block.add(offset) as *const libc::tpacket3_hdr);
                let address = &*(block.add(offset + header_size) as *const libc::sockaddr_ll);
                (header, address)
            };
            let start = offset + usize::from(header.tp_mac);
            let length = header.tp_snaplen as usize;
            if start + length > BLOCK_SIZE as usize {
                break;
            }
            // SAFETY: the packet's bytes were just checked to lie inside the block.
            let bytes = unsafe { std::slice::from_raw_parts(block.add(start), length) };
            let outgoing = address.sll_pkttype == libc::PACKET_OUTGOING;
            let on_loopback = Some(address.sll_ifindex) == self.loopback;
            // A loopback packet is both sent and received: the one copy kept is the
            // one received, whichever direction is asked for.
            let wanted = match self.direction {
                _ if on_loopback => !outgoing,
                Direction::InOut => true,
                Direction::In => !outgoing,
                Direction::Out => outgoing,
            };
            if wanted {
                // The kernel takes VLAN tags off into the header; like libpcap, put
                // them back after the MAC addresses, so the frame is as on the wire.
                let vlan = header.tp_status & libc::TP_STATUS_VLAN_VALID != 0 && bytes.len() >= 12;
                let (data, extra) = if self.cooked {
                    self.scratch.clear();
                    self.scratch.extend_from_slice(&sll2_header(address));
                    self.scratch.extend_from_slice(bytes);
                    (&self.scratch[..], SLL2_LENGTH as u32)
                } else if vlan {
                    let tpid = if header.tp_status & libc::TP_STATUS_VLAN_TPID_VALID != 0 {
                        header.hv1.tp_vlan_tpid
                    } else {
                        0x8100
                    };
                    self.scratch.clear();
                    self.scratch.extend_from_slice(&bytes[..12]);
                    self.scratch.extend_from_slice(&tpid.to_be_bytes());
                    self.scratch
                        .extend_from_slice(&(header.hv1.tp_vlan_tci as u16).to_be_bytes());
                    self.scratch.extend_from_slice(&bytes[12..]);
                    (&self.scratch[..], 4)
                } else {
                    (bytes, 0)
                };
                let packet = Packet {
                    seconds: header.tp_sec,
                    nanoseconds: header.tp_nsec,
                    original_length: header.tp_len + extra,
                    ifindex: address.sll_ifindex,
                    data,
                };
                let selected = self
                    .user_filter
                    .as_ref()
                    .is_none_or(|filter| filter.matches(packet.data, packet.original_length));
                match if selected { each(&packet) } else { Ok(true) } {
                    Ok(true) => {}
                    Ok(false) => {
                        outcome = Wait::Stopped;
                        break;
                    }
                    Err(err) => {
                        self.release(index);
                        return Err(err);
                    }
                }
            }
            if header.tp_next_offset == 0 {
                break;
            }
            offset += header.tp_next_offset as usize;
        }
        self.release(index);
        Ok(outcome)
    }

    /// The error the kernel holds for the socket, in tcpdump's words where it has them.
    fn socket_error(&self) -> Error {
        use nix::sys::socket::{getsockopt, sockopt::SocketError};
        let errno = getsockopt(&self.socket, SocketError).unwrap_or(libc::EIO);
        let interface = &self.interface;
        // An interface being removed goes down first, with the same ENETDOWN: watch
        // for a moment whether its index goes away to tell the two apart.
        let index_now = || {
            let look = || Ok(nix::net::if_::if_nametoindex(interface.as_str()).ok());
            match &self.namespace {
                Some(namespace) => crate::netns::run_in(namespace, look).ok().flatten(),
                None => look().ok().flatten(),
            }
        };
        let mut gone = index_now() != Some(self.ifindex as u32);
        for _ in 0..10 {
            if errno != libc::ENETDOWN || gone {
                break;
            }
            std::thread::sleep(Duration::from_millis(40));
            gone = index_now() != Some(self.ifindex as u32);
        }
        match errno {
            libc::ENODEV | libc::ENXIO | libc::ENETDOWN if gone => Error::failed(format!(
                "the interface {interface} disappeared (removed, or its lab was taken down)"
            )),
            libc::ENETDOWN => Error::failed(format!("{interface} went down")).hint(format!(
                "bring it up (ip link set {interface} up) and capture again"
            )),
            0 => Error::failed(format!("the capture socket on {interface} was closed")),
            other => Error::Io {
                context: format!("capturing on {interface}"),
                source: std::io::Error::from_raw_os_error(other),
            },
        }
    }

    fn release(&mut self, index: usize) {
        self.block_status(index)
            .store(libc::TP_STATUS_KERNEL, Ordering::Release);
        self.next_block = (index + 1) % BLOCK_COUNT as usize;
    }

    /// The kernel's counters, accumulated (each read resets them in the kernel).
    pub fn statistics(&mut self) -> Result<Statistics> {
        let mut stats = libc::tpacket_stats_v3 {
            tp_packets: 0,
            tp_drops: 0,
            tp_freeze_q_cnt: 0,
        };
        let mut length = std::mem::size_of::<libc::tpacket_stats_v3>() as libc::socklen_t;
        // SAFETY: `stats` and `length` are valid for writing for the whole call.
        let result = unsafe {
            libc::getsockopt(
                self.socket.as_raw_fd(),
                libc::SOL_PACKET,
                libc::PACKET_STATISTICS,
                std::ptr::addr_of_mut!(stats).cast(),
                &mut length,
            )
        };
        if result != 0 {
            return Err(os_error("reading the capture statistics"));
        }
        // The kernel counts dropped packets in tp_packets too.
        self.statistics.received += u64::from(stats.tp_packets);
        self.statistics.dropped += u64::from(stats.tp_drops);
        Ok(self.statistics)
    }
}

// SAFETY: the ring mapping is owned by the Capture alone (made in `open`, unmapped in
// Drop, never shared), so moving the Capture to another thread moves sole access to it;
// a capture opened inside a lab host's namespace (on a thread that entered it) is then
// read on the main thread.
unsafe impl Send for Capture {}

/// The socket, for waiting on several captures at once (`poll`); packets are still read
/// through [`Capture::next_packets`].
impl AsFd for Capture {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

/// One filter expression, compiled for the kernel once per link type and snap length
/// (a capture of several interfaces shares it).
#[derive(Debug)]
pub struct KernelFilters {
    expression: String,
    snaplen: u32,
    compiled: Vec<(LinkType, Filter)>,
}

impl KernelFilters {
    pub fn new(expression: &str, snaplen: u32) -> KernelFilters {
        KernelFilters {
            expression: expression.to_string(),
            snaplen,
            compiled: Vec::new(),
        }
    }

    /// The kernel's filter for packets of `link` (Ethernet or the kernel's cooked
    /// packets), compiled on first use.
    fn get(&mut self, link: LinkType) -> Result<&Filter> {
        let at = match self.compiled.iter().position(|(l, _)| *l == link) {
            Some(at) => at,
            None => {
                let filter = Filter::compile_live(&self.expression, link)?.truncating(self.snaplen);
                self.compiled.push((link, filter));
                self.compiled.len() - 1
            }
        };
        Ok(&self.compiled[at].1)
    }

    /// Attaches the filter for `link` to `socket`. Where the kernel's checker refuses
    /// the program (EINVAL: `protochain`'s loop jumps backward; after a `geneve` that
    /// failed, an alternative reads scratch memory nothing wrote), a program that keeps
    /// every packet is attached instead, and the expression, compiled for the frames
    /// the capture hands out (Ethernet, or Linux cooked v2), is returned to be run over
    /// each in user space: libpcap falls back the same way.
    pub fn attach(&mut self, link: LinkType, socket: BorrowedFd<'_>) -> Result<Option<Filter>> {
        let snaplen = self.snaplen;
        let io = |source| Error::Io {
            context: "attaching the filter to the socket".into(),
            source,
        };
        match self.get(link)?.attach(socket) {
            Ok(()) => Ok(None),
            Err(refused) if refused.raw_os_error() == Some(libc::EINVAL) => {
                let handed_out = match link {
                    LinkType::KernelCooked => LinkType::LinuxSll2,
                    other => other,
                };
                let user = Filter::compile(&self.expression, handed_out)?;
                Filter::compile("", link)?
                    .truncating(snaplen)
                    .attach(socket)
                    .map_err(io)?;
                Ok(Some(user))
            }
            Err(source) => Err(io(source)),
        }
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly the mapping made in `open`; nothing refers to it after.
        unsafe {
            libc::munmap(self.ring.cast(), self.ring_length);
        }
    }
}

/// The Linux cooked v2 header libpcap writes for a packet from a cooked socket.
fn sll2_header(address: &libc::sockaddr_ll) -> [u8; SLL2_LENGTH] {
    let mut header = [0u8; SLL2_LENGTH];
    // sll_protocol is already in network byte order.
    header[0..2].copy_from_slice(&address.sll_protocol.to_ne_bytes());
    header[4..8].copy_from_slice(&address.sll_ifindex.to_be_bytes());
    header[8..10].copy_from_slice(&address.sll_hatype.to_be_bytes());
    header[10] = address.sll_pkttype;
    header[11] = address.sll_halen;
    let length = usize::from(address.sll_halen).min(8);
    header[12..12 + length].copy_from_slice(&address.sll_addr[..length]);
    header
}

/// A second, unfiltered look at every interface, for diagnostics: a cooked socket that
/// keeps the first 96 bytes of each packet and is read without blocking, so a capture
/// that sees nothing can say what does go by.
pub struct Observer {
    socket: OwnedFd,
    buffer: Vec<u8>,
    loopback: Option<i32>,
}

/// What the observer saw of one packet: where, its EtherType, its network layer on.
pub struct Observed<'a> {
    pub ifindex: i32,
    pub ethertype: u16,
    pub network: &'a [u8],
}

impl Observer {
    pub fn open() -> Result<Observer> {
        // SAFETY: plain socket(2); the descriptor is owned right away.
        let fd = unsafe {
            libc::socket(
                libc::AF_PACKET,
                libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | libc::SOCK_NONBLOCK,
                i32::from((libc::ETH_P_ALL as u16).to_be()),
            )
        };
        if fd < 0 {
            return Err(os_error("opening the observer socket"));
        }
        // SAFETY: `fd` is a fresh descriptor nobody else owns.
        let socket = unsafe { OwnedFd::from_raw_fd(fd) };
        Filter::compile("", LinkType::KernelCooked)?
            .truncating(96)
            .attach(socket.as_fd())
            .map_err(|source| Error::Io {
                context: "attaching the observer's filter".into(),
                source,
            })?;
        let loopback = loopback_index(&nics::links()?);
        Ok(Observer {
            socket,
            buffer: vec![0; 96],
            loopback,
        })
    }

    /// Hands over up to `limit` packets that are waiting; never blocks.
    pub fn drain(&mut self, limit: usize, mut each: impl FnMut(&Observed)) {
        for _ in 0..limit {
            // SAFETY: sockaddr_ll is plain data; all-zero is a valid starting value.
            let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
            let mut length = std::mem::size_of::<libc::sockaddr_ll>() as libc::socklen_t;
            // SAFETY: the buffer and the address are valid for writing, with their sizes.
            let received = unsafe {
                libc::recvfrom(
                    self.socket.as_raw_fd(),
                    self.buffer.as_mut_ptr().cast(),
                    self.buffer.len(),
                    libc::MSG_DONTWAIT,
                    std::ptr::addr_of_mut!(address).cast(),
                    &mut length,
                )
            };
            let Ok(received) = usize::try_from(received) else {
                return;
            };
            if address.sll_pkttype == libc::PACKET_OUTGOING
                && Some(address.sll_ifindex) == self.loopback
            {
                continue;
            }
            each(&Observed {
                ifindex: address.sll_ifindex,
                ethertype: u16::from_be(address.sll_protocol),
                network: &self.buffer[..received.min(self.buffer.len())],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sll2_header_is_libpcaps_layout() {
        // SAFETY: sockaddr_ll is plain data; all-zero is valid.
        let mut address: libc::sockaddr_ll = unsafe { std::mem::zeroed() };
        address.sll_protocol = 0x0800u16.to_be();
        address.sll_ifindex = 2;
        address.sll_hatype = ARPHRD_ETHER;
        address.sll_pkttype = libc::PACKET_HOST;
        address.sll_halen = 6;
        address.sll_addr[..6].copy_from_slice(&[8, 0, 0x27, 0xa8, 0x38, 0x66]);
        // protocol, reserved, ifindex, hatype, pkttype, halen, address padded to 8.
        assert_eq!(
            sll2_header(&address),
            [8, 0, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 8, 0, 0x27, 0xa8, 0x38, 0x66, 0, 0]
        );
    }
}
