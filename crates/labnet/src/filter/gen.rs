//! Code generation for the filter language's primitives: what `host`, `port`, `tcp`,
//! `ip[9]` and the rest test, at which offsets, for each link type. Follows libpcap's
//! gencode.c semantics so that a packet matches here exactly when it matches tcpdump:
//! port tests only on the first IPv4 fragment and at fixed IPv6 offsets, `ip6 proto`
//! also behind one fragment header, `tcp[N]` only in IPv4, short IPv4 numbers as
//! networks (`host 10.1` = 10.1.0.0/16), `vlan` shifting every later offset by 4.

use super::bpf::{self, Insn, Pred};
use crate::linktype::LinkType;

/// Which protocol a primitive is about (`tcp port 80`, `ip host ...`, `ether src ...`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proto {
    Default,
    Link,
    Ip,
    Ip6,
    Arp,
    Rarp,
    Tcp,
    Udp,
    Icmp,
    Icmp6,
    Sctp,
    Igmp,
    Igrp,
    Pim,
    Vrrp,
    /// CARP: VRRP's protocol number, as libpcap tests it.
    Carp,
    Ah,
    Esp,
    /// DECnet (EtherType 0x6003): its hosts are area.node addresses.
    Decnet,
    /// The radio header before an 802.11 frame (RadioTap): bytes only.
    Radio,
}

impl Proto {
    pub fn name(self) -> &'static str {
        match self {
            Proto::Default => "",
            Proto::Link => "ether",
            Proto::Ip => "ip",
            Proto::Ip6 => "ip6",
            Proto::Arp => "arp",
            Proto::Rarp => "rarp",
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Icmp => "icmp",
            Proto::Icmp6 => "icmp6",
            Proto::Sctp => "sctp",
            Proto::Igmp => "igmp",
            Proto::Igrp => "igrp",
            Proto::Pim => "pim",
            Proto::Vrrp => "vrrp",
            Proto::Carp => "carp",
            Proto::Ah => "ah",
            Proto::Esp => "esp",
            Proto::Decnet => "decnet",
            Proto::Radio => "radio",
        }
    }

    pub fn from_keyword(word: &str) -> Option<Proto> {
        Some(match word {
            "ether" | "link" | "wlan" => Proto::Link,
            "ip" => Proto::Ip,
            "ip6" => Proto::Ip6,
            "arp" => Proto::Arp,
            "rarp" => Proto::Rarp,
            "tcp" => Proto::Tcp,
            "udp" => Proto::Udp,
            "icmp" => Proto::Icmp,
            "icmp6" => Proto::Icmp6,
            "sctp" => Proto::Sctp,
            "igmp" => Proto::Igmp,
            "igrp" => Proto::Igrp,
            "pim" => Proto::Pim,
            "vrrp" => Proto::Vrrp,
            "carp" => Proto::Carp,
            "ah" => Proto::Ah,
            "esp" => Proto::Esp,
            "decnet" => Proto::Decnet,
            "radio" => Proto::Radio,
            _ => return None,
        })
    }

    /// The IP protocol number of a transport protocol.
    fn ip_protocol(self) -> Option<u32> {
        Some(match self {
            Proto::Tcp => 6,
            Proto::Udp => 17,
            Proto::Icmp => 1,
            Proto::Icmp6 => 58,
            Proto::Sctp => 132,
            Proto::Igmp => 2,
            Proto::Igrp => 9,
            Proto::Pim => 103,
            Proto::Vrrp | Proto::Carp => 112,
            Proto::Ah => 51,
            Proto::Esp => 50,
            _ => return None,
        })
    }
}

/// `src`, `dst`, `src or dst` (the default) and `src and dst`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Src,
    Dst,
    Or,
    And,
}

const ETHERTYPE_IP: u32 = 0x0800;
const ETHERTYPE_IPV6: u32 = 0x86dd;
const ETHERTYPE_ARP: u32 = 0x0806;
const ETHERTYPE_RARP: u32 = 0x8035;
const ETHERMTU: u32 = 1500;
const ETHERTYPE_IPX: u32 = 0x8137;
const ETHERTYPE_ATALK: u32 = 0x809b;
const ETHERTYPE_AARP: u32 = 0x80f3;
const LLCSAP_IP: u32 = 0x06;
const LLCSAP_IPX: u32 = 0xe0;
const LLCSAP_ISONS: u32 = 0xfe;
const LLCSAP_NETBEUI: u32 = 0xf0;
const LLCSAP_8021D: u32 = 0x42;
const LINUX_SLL_P_802_3: u32 = 1;
const LINUX_SLL_P_802_2: u32 = 4;
const IPPROTO_FRAGMENT: u32 = 44;
const ETHERTYPE_DECNET: u32 = 0x6003;

/// A generation failure: its message and, when a fix is known, a hint.
pub type GenResult<T> = Result<T, (String, Option<String>)>;

pub fn fail<T>(message: impl Into<String>) -> GenResult<T> {
    Err((message.into(), None))
}

/// How far the encapsulations read so far moved the offsets.
#[derive(Debug, Clone, Copy, Default)]
struct Shifts {
    /// 4 bytes for each `vlan`: the EtherType and what follows it.
    vlan: u32,
    /// MPLS labels: each moves the network layer 4 bytes on.
    mpls_labels: u32,
    /// `pppoes`: each puts a PPP protocol number 6 bytes on, the network layer 8.
    pppoe_sessions: u32,
}

/// The offsets of one link type, shifted by each `vlan`, `mpls`, `pppoes` and
/// `geneve` seen so far.
pub struct Gen {
    pub link: LinkType,
    shifts: Shifts,
    /// After `geneve`: the inner frame's offsets are in scratch memory.
    geneve: bool,
    /// The shifts when the last `geneve` was read: inside its frame only those after
    /// it move the offsets (libpcap keeps counting MPLS labels, though).
    before_geneve: Shifts,
    /// Compiling for a socket (the kernel's ancillary loads are there to use).
    live: bool,
    /// What libpcap refuses that a test asked for (a protocol after MPLS labels other
    /// than IP): the parser turns it into an error at that primitive.
    refusal: std::cell::Cell<Option<&'static str>>,
    /// On 802.11: whether a test reads past RadioTap's header ([`WLAN_LINK`]) or
    /// past the 802.11 header ([`WLAN_PAYLOAD`]), so the prologue computes it.
    wlan_link_used: std::cell::Cell<bool>,
    wlan_payload_used: std::cell::Cell<bool>,
}

/// Where a header starts: at a fixed offset, or, behind headers of variable length
/// (`geneve`'s, 802.11's and RadioTap's), that many bytes past the offset a scratch
/// word holds, as libpcap keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    At(u32),
    Slot(u32, u32),
}

/// libpcap's scratch words after `geneve`: where the inner EtherType is, where the
/// inner frame starts, and where its network layer starts.
const GENEVE_LINKTYPE: u32 = 0;
const GENEVE_LINK: u32 = 1;
const GENEVE_NETWORK: u32 = 2;

/// libpcap's scratch words on 802.11 link types, computed once at the program's start
/// ([`Gen::prologue`]): where the 802.11 header starts (after RadioTap or PPI), and where its
/// payload (the LLC header) starts. The last two words, so that arithmetic keeps the
/// first ones.
const WLAN_LINK: u32 = bpf::MEMWORDS - 1;
const WLAN_PAYLOAD: u32 = bpf::MEMWORDS - 2;
/// What 802.11 carries: an LLC header, and with SNAP the network layer 8 bytes on.
const LLC_SNAP_LENGTH: u32 = 8;

impl Base {
    /// A load of `size` at `k` bytes into the header.
    pub fn load(self, size: u16, k: u32) -> Vec<Insn> {
        match self {
            Base::At(at) => vec![load(size, at.wrapping_add(k))],
            Base::Slot(slot, plus) => vec![
                Insn::stmt(bpf::LDX | bpf::MEM, slot),
                Insn::stmt(bpf::LD | size | bpf::IND, plus.wrapping_add(k)),
            ],
        }
    }

    /// `k` bytes further on.
    fn plus(self, k: u32) -> Base {
        match self {
            Base::At(at) => Base::At(at.wrapping_add(k)),
            Base::Slot(slot, plus) => Base::Slot(slot, plus.wrapping_add(k)),
        }
    }

    fn cmp(self, size: u16, k: u32, value: u32) -> Pred {
        Pred::test(self.load(size, k), bpf::JMP | bpf::JEQ, value)
    }

    fn cmp_masked(self, size: u16, k: u32, mask: u32, value: u32) -> Pred {
        if mask == u32::MAX {
            return self.cmp(size, k, value);
        }
        let mut stmts = self.load(size, k);
        stmts.push(Insn::stmt(bpf::ALU | bpf::AND | bpf::K, mask));
        Pred::test(stmts, bpf::JMP | bpf::JEQ, value & mask)
    }

    /// For an IPv4 header here: the statements that put the offset of what follows
    /// it (less the returned constant) in X, as libpcap computes it.
    pub fn ipv4_payload(self) -> (Vec<Insn>, u32) {
        match self {
            Base::At(at) => (vec![Insn::stmt(bpf::LDX | bpf::B | bpf::MSH, at)], at),
            Base::Slot(slot, plus) => (
                vec![
                    Insn::stmt(bpf::LDX | bpf::MEM, slot),
                    Insn::stmt(bpf::LD | bpf::B | bpf::IND, plus),
                    Insn::stmt(bpf::ALU | bpf::AND | bpf::K, 0xf),
                    Insn::stmt(bpf::ALU | bpf::LSH | bpf::K, 2),
                    Insn::stmt(bpf::ALU | bpf::ADD | bpf::X, 0),
                    Insn::stmt(bpf::MISC | bpf::TAX, 0),
                ],
                plus,
            ),
        }
    }

    /// A load of `size` at `k` bytes past the IPv4 header here.
    fn after_ipv4(self, size: u16, k: u32) -> Vec<Insn> {
        let (mut stmts, base) = self.ipv4_payload();
        stmts.push(Insn::stmt(bpf::LD | size | bpf::IND, base.wrapping_add(k)));
        stmts
    }

    /// An LLC/SNAP header here with this OUI and protocol (libpcap's gen_snap): its
    /// eight bytes as two words, the last first.
    fn snap(self, oui: u32, protocol: u32) -> Pred {
        self.cmp(bpf::W, 4, (oui & 0xffff) << 16 | protocol)
            .and(self.cmp(bpf::W, 0, 0xaaaa_0300 | oui >> 16))
    }
}

/// The PPP protocol number for what libpcap names by EtherType or SAP (its
/// ethertype_to_ppptype); others are taken as PPP numbers already.
fn ppp_protocol(ethertype: u32) -> u32 {
    match ethertype {
        ETHERTYPE_IP => 0x0021,
        ETHERTYPE_IPV6 => 0x0057,
        ETHERTYPE_DECNET => 0x0027,
        ETHERTYPE_ATALK => 0x0029,
        0x0600 => 0x0025,
        LLCSAP_ISONS => 0x0023,
        LLCSAP_8021D => 0x0031,
        LLCSAP_IPX => 0x002b,
        other => other,
    }
}

/// "An Ethernet frame carries this EtherType or SAP" (libpcap's gen_ether_linktype),
/// with its type field at `at` and its payload at `llc` (2 bytes on, but after
/// `geneve` libpcap reads the payload where the inner network layer starts).
fn ethernet_linktype(at: Base, llc: Base, ethertype: u32) -> Pred {
    // An 802.3 length where Ethernet II has its type; the LLC header after it.
    let llc_frame = Pred::test(at.load(bpf::H, 0), bpf::JMP | bpf::JGT, ETHERMTU).not();
    match ethertype {
        // OSI, NetBEUI and IP over 802.2: DSAP and SSAP both.
        LLCSAP_IP | LLCSAP_ISONS | LLCSAP_NETBEUI => {
            llc_frame.and(llc.cmp(bpf::H, 0, ethertype << 8 | ethertype))
        }
        // IPX: Ethernet II, SNAP, 802.2 or Novell's "raw" 802.3.
        LLCSAP_IPX => at.cmp(bpf::H, 0, ETHERTYPE_IPX).or(llc_frame.and(any_of([
            llc.snap(0x000000, ETHERTYPE_IPX),
            llc.cmp(bpf::B, 0, LLCSAP_IPX),
            llc.cmp(bpf::H, 0, 0xffff),
        ]))),
        // AppleTalk and its ARP: Ethernet II or SNAP (Apple's OUI, or 0).
        ETHERTYPE_ATALK | ETHERTYPE_AARP => {
            let oui = if ethertype == ETHERTYPE_ATALK {
                0x080007
            } else {
                0
            };
            at.cmp(bpf::H, 0, ethertype)
                .or(llc_frame.and(llc.snap(oui, ethertype)))
        }
        // Any other SAP: the DSAP only, read 2 bytes past the type field.
        _ if ethertype <= ETHERMTU => llc_frame.and(at.cmp(bpf::B, 2, ethertype)),
        _ => at.cmp(bpf::H, 0, ethertype),
    }
}

/// `ja` from `at` back to `target`: libpcap's signed offset, which its user-space
/// BPF (and labnet's machine) follows and the kernel's refuses.
fn backward_jump(at: usize, target: usize) -> Insn {
    Insn::stmt(bpf::JMP, (target as i64 - at as i64 - 1) as i32 as u32)
}

pub fn load(size: u16, offset: u32) -> Insn {
    Insn::stmt(bpf::LD | size | bpf::ABS, offset)
}

fn cmp(size: u16, offset: u32, value: u32) -> Pred {
    Base::At(offset).cmp(size, 0, value)
}

fn cmp_masked(size: u16, offset: u32, mask: u32, value: u32) -> Pred {
    Base::At(offset).cmp_masked(size, 0, mask, value)
}

fn snap(at: u32, oui: u32, protocol: u32) -> Pred {
    Base::At(at).snap(oui, protocol)
}

fn any_of(preds: impl IntoIterator<Item = Pred>) -> Pred {
    preds.into_iter().fold(Pred::Const(false), Pred::or)
}

fn by_dir(dir: Dir, src: Pred, dst: Pred) -> Pred {
    match dir {
        Dir::Src => src,
        Dir::Dst => dst,
        Dir::Or => src.or(dst),
        Dir::And => src.and(dst),
    }
}

impl Gen {
    pub fn new(link: LinkType) -> Gen {
        Gen {
            link,
            shifts: Shifts::default(),
            geneve: false,
            before_geneve: Shifts::default(),
            live: false,
            refusal: std::cell::Cell::new(None),
            wlan_link_used: std::cell::Cell::new(false),
            wlan_payload_used: std::cell::Cell::new(false),
        }
    }

    /// For a program attached to a live socket: the kernel answers what a file
    /// cannot (the direction, the interface).
    pub fn live(link: LinkType) -> Gen {
        Gen {
            live: true,
            ..Gen::new(link)
        }
    }

    /// Where the network-layer header starts at a fixed offset: [`Gen::network`]'s
    /// answer where there is one (not on 802.11, nor after `geneve`).
    pub fn nl(&self) -> u32 {
        debug_assert!(
            !self.geneve && !self.is_80211(),
            "on 802.11 and after geneve, offsets are in scratch words"
        );
        let link = match self.link {
            LinkType::Ethernet => 14 + self.shifts.vlan,
            LinkType::LinuxSll => 16,
            LinkType::LinuxSll2 => 20,
            LinkType::Raw | LinkType::KernelCooked => 0,
            LinkType::Null | LinkType::Ppp | LinkType::PppSerial => 4,
            LinkType::PppEther => 8,
            // Never asked (the assertion above).
            LinkType::Ieee80211 | LinkType::RadioTap | LinkType::Ppi => 0,
        };
        // MPLS labels (on Ethernet and PPP), and PPPoE's header and PPP's protocol
        // number after `pppoes`.
        link + self.network_shift()
    }

    /// How far MPLS labels and PPPoE sessions (since the last `geneve`) move the
    /// network layer.
    fn network_shift(&self) -> u32 {
        let (now, before) = (self.shifts, self.before_geneve);
        4 * (now.mpls_labels - before.mpls_labels)
            + 8 * (now.pppoe_sessions - before.pppoe_sessions)
    }

    /// Whether what follows is PPP's, inside a `pppoes` (since the last `geneve`).
    fn in_pppoe(&self) -> bool {
        self.shifts.pppoe_sessions > self.before_geneve.pppoe_sessions
    }

    /// The link type later primitives are about, as libpcap switches it: PPP inside
    /// `pppoes`, Ethernet inside `geneve`.
    fn link_now(&self) -> LinkType {
        if self.in_pppoe() {
            LinkType::Ppp
        } else if self.geneve {
            LinkType::Ethernet
        } else {
            self.link
        }
    }

    /// Where the network-layer header starts: at a fixed offset, or where scratch
    /// memory says after `geneve` and on 802.11 (past the LLC/SNAP header).
    fn network(&self) -> Base {
        if self.geneve {
            // After VLAN tags, MPLS labels and PPPoE sessions inside the inner frame.
            Base::Slot(
                GENEVE_NETWORK,
                self.shifts.vlan - self.before_geneve.vlan + self.network_shift(),
            )
        } else if self.is_80211() {
            self.wlan_payload(LLC_SNAP_LENGTH + self.network_shift())
        } else {
            Base::At(self.nl())
        }
    }

    /// Where an Ethernet frame's type field and payload are: after the VLAN tags, in
    /// the inner frame after `geneve` (where geneve's offsets put them).
    fn ethernet_fields(&self) -> (Base, Base) {
        if self.geneve {
            let vlan = self.shifts.vlan - self.before_geneve.vlan;
            (
                Base::Slot(GENEVE_LINKTYPE, vlan),
                Base::Slot(GENEVE_NETWORK, vlan),
            )
        } else {
            let at = 12 + self.shifts.vlan;
            (Base::At(at), Base::At(at + 2))
        }
    }

    /// The test "the link layer carries this EtherType".
    pub fn linktype(&self, ethertype: u32) -> Pred {
        // MPLS labels first, inside a geneve frame too, as libpcap's gen_linktype.
        if self.shifts.mpls_labels > 0 {
            return self.over_mpls(ethertype);
        }
        if self.in_pppoe() {
            // PPP's protocol number, libpcap's link header there (MPLS labels were
            // taken first, above).
            return self.link_header().cmp(bpf::H, 0, ppp_protocol(ethertype));
        }
        if self.geneve {
            let (at, payload) = self.ethernet_fields();
            return ethernet_linktype(at, payload, ethertype);
        }
        match self.link {
            // No type field: a data frame, and its LLC header says (libpcap's
            // gen_llc_linktype).
            LinkType::Ieee80211 | LinkType::RadioTap | LinkType::Ppi => {
                let llc = self.wlan_payload(0);
                let carried = match ethertype {
                    // DSAP and SSAP both.
                    LLCSAP_IP | LLCSAP_ISONS | LLCSAP_NETBEUI => {
                        llc.cmp(bpf::H, 0, ethertype << 8 | ethertype)
                    }
                    LLCSAP_IPX => llc.cmp(bpf::B, 0, LLCSAP_IPX),
                    ETHERTYPE_ATALK => llc.snap(0x080007, ETHERTYPE_ATALK),
                    // Any other SAP: the DSAP only.
                    _ if ethertype <= ETHERMTU => llc.cmp(bpf::B, 0, ethertype),
                    // An EtherType: where SNAP keeps it, its OUI not checked.
                    _ => llc.cmp(bpf::H, 6, ethertype),
                };
                self.wlan_data_frame().and(carried)
            }
            LinkType::Ethernet => {
                let (at, payload) = self.ethernet_fields();
                ethernet_linktype(at, payload, ethertype)
            }
            // Linux cooked v1: protocol 4 (LINUX_SLL_P_802_2) is an LLC frame, 1
            // (LINUX_SLL_P_802_3) Novell's raw IPX, as libpcap's gen_linux_sll_linktype.
            LinkType::LinuxSll => {
                let (protocol, llc) = (14, 16);
                let llc_frame = cmp(bpf::H, protocol, LINUX_SLL_P_802_2);
                match ethertype {
                    LLCSAP_IP | LLCSAP_ISONS | LLCSAP_NETBEUI => {
                        llc_frame.and(cmp(bpf::H, llc, ethertype << 8 | ethertype))
                    }
                    LLCSAP_IPX => any_of([
                        cmp(bpf::H, protocol, ETHERTYPE_IPX),
                        cmp(bpf::H, protocol, LINUX_SLL_P_802_3),
                        llc_frame.and(cmp(bpf::B, llc, LLCSAP_IPX).or(snap(
                            llc,
                            0x000000,
                            ETHERTYPE_IPX,
                        ))),
                    ]),
                    ETHERTYPE_ATALK | ETHERTYPE_AARP => {
                        let oui = if ethertype == ETHERTYPE_ATALK {
                            0x080007
                        } else {
                            0
                        };
                        cmp(bpf::H, protocol, ethertype)
                            .or(llc_frame.and(snap(llc, oui, ethertype)))
                    }
                    _ if ethertype <= ETHERMTU => llc_frame.and(cmp(bpf::B, llc, ethertype)),
                    _ => cmp(bpf::H, protocol, ethertype),
                }
            }
            LinkType::LinuxSll2 => cmp(bpf::H, 0, ethertype),
            LinkType::Ppp | LinkType::PppSerial | LinkType::PppEther => {
                cmp(bpf::H, self.nl() - 2, ppp_protocol(ethertype))
            }
            // SKF_AD_OFF + SKF_AD_PROTOCOL: the kernel loads skb->protocol.
            LinkType::KernelCooked if ethertype > ETHERMTU => cmp(
                bpf::H,
                (libc::SKF_AD_OFF + libc::SKF_AD_PROTOCOL) as u32,
                ethertype,
            ),
            LinkType::KernelCooked => Pred::Const(false),
            LinkType::Raw => match ethertype {
                ETHERTYPE_IP => cmp_masked(bpf::B, 0, 0xf0, 0x40),
                ETHERTYPE_IPV6 => cmp_masked(bpf::B, 0, 0xf0, 0x60),
                _ => Pred::Const(false),
            },
            LinkType::Null => {
                // The family is in the capturing host's byte order: accept either.
                let families: &[u32] = match ethertype {
                    ETHERTYPE_IP => &[2],
                    ETHERTYPE_IPV6 => &[24, 28, 30],
                    _ => &[],
                };
                any_of(families.iter().flat_map(|&family| {
                    [cmp(bpf::W, 0, family.swap_bytes()), cmp(bpf::W, 0, family)]
                }))
            }
        }
    }

    /// A link-layer protocol named on its own (libpcap's `ipx`, `stp`, `iso`, `clnp`,
    /// `l1`, `decnet`, ...), if `word` is one.
    pub fn link_abbreviation(&self, word: &str) -> Option<Pred> {
        Some(match word {
            "ipx" => self.linktype(LLCSAP_IPX),
            "netbeui" => self.linktype(LLCSAP_NETBEUI),
            "iso" => self.linktype(LLCSAP_ISONS),
            "stp" => self.linktype(LLCSAP_8021D),
            "atalk" => self.linktype(ETHERTYPE_ATALK),
            "aarp" => self.linktype(ETHERTYPE_AARP),
            "mopdl" => self.linktype(0x6001),
            "moprc" => self.linktype(0x6002),
            "lat" => self.linktype(0x6004),
            "sca" => self.linktype(0x6007),
            "clnp" => self.iso_protocol(0x81),
            "esis" => self.iso_protocol(0x82),
            "isis" => self.iso_protocol(0x83),
            // IS-IS PDU types (ISO 10589): IIHs 15-17, LSPs 18 and 20, CSNPs 24-25,
            // PSNPs 26-27; level 1 and level 2 (17, the point-to-point IIH, is both).
            "l1" => self.isis_pdu(&[26, 24, 18, 15, 17]),
            "l2" => self.isis_pdu(&[27, 25, 20, 16, 17]),
            "iih" => self.isis_pdu(&[17, 15, 16]),
            "lsp" => self.isis_pdu(&[18, 20]),
            "snp" => self.isis_pdu(&[27, 26, 25, 24]),
            "csnp" => self.isis_pdu(&[24, 25]),
            "psnp" => self.isis_pdu(&[26, 27]),
            _ => return None,
        })
    }

    /// Where an OSI packet's NLPID and an IS-IS PDU type are, as libpcap has them
    /// (after the LLC header on Ethernet; its cooked headers read them elsewhere).
    fn iso_offsets(&self) -> Option<(Base, Base)> {
        let at = |nlpid: u32| Some((Base::At(nlpid), Base::At(nlpid + 4)));
        match self.link_now() {
            // After the LLC header (3 bytes), in the inner frame after `geneve` too.
            LinkType::Ethernet => {
                let (_, payload) = self.ethernet_fields();
                Some((payload.plus(3), payload.plus(7)))
            }
            LinkType::LinuxSll => Some((Base::At(16), Base::At(20))),
            LinkType::LinuxSll2 => at(20),
            // Right after PPP's protocol number (inside `pppoes` too).
            LinkType::Ppp | LinkType::PppSerial | LinkType::PppEther => {
                let nl = self.network();
                Some((nl, nl.plus(4)))
            }
            // After the LLC header (3 bytes, no SNAP).
            LinkType::Ieee80211 | LinkType::RadioTap | LinkType::Ppi => {
                Some((self.wlan_payload(3), self.wlan_payload(7)))
            }
            _ => None,
        }
    }

    fn iso_protocol(&self, nlpid: u32) -> Pred {
        match self.iso_offsets() {
            Some((at, _)) => self.linktype(LLCSAP_ISONS).and(at.cmp(bpf::B, 0, nlpid)),
            None => Pred::Const(false),
        }
    }

    fn isis_pdu(&self, types: &[u32]) -> Pred {
        match self.iso_offsets() {
            Some((_, at)) => self
                .iso_protocol(0x83)
                .and(any_of(types.iter().map(|&t| at.cmp(bpf::B, 0, t)))),
            None => Pred::Const(false),
        }
    }

    /// `llc` and `llc i|s|u`, `llc ui|rr|xid|...`: 802.2 frames (not Novell's raw 802.3),
    /// by the control byte as libpcap masks it.
    pub fn llc(&self, subtype: Option<&str>) -> GenResult<Pred> {
        // An 802.3 frame that is not Novell's raw IPX; on 802.11, a data frame.
        let (frame, control) = match self.link_now() {
            LinkType::Ethernet => {
                let (at, payload) = self.ethernet_fields();
                let frame = Pred::test(at.load(bpf::H, 0), bpf::JMP | bpf::JGT, ETHERMTU)
                    .not()
                    .and(payload.cmp(bpf::H, 0, 0xffff).not());
                (frame, payload.plus(2))
            }
            LinkType::Ieee80211 | LinkType::RadioTap | LinkType::Ppi => {
                (self.wlan_data_frame(), self.wlan_payload(2))
            }
            other => {
                return fail(format!(
                    "'llc' not supported for {}",
                    libpcap_link_name(other)
                ))
            }
        };
        let (mask, value) = match subtype {
            None => return Ok(frame),
            Some("i") => {
                let information =
                    Pred::test(control.load(bpf::B, 0), bpf::JMP | bpf::JSET, 1).not();
                return Ok(frame.and(information));
            }
            Some("s") => (0x03, 0x01),
            Some("u") => (0x03, 0x03),
            Some("rr") => (0x0f, 0x01),
            Some("rnr") => (0x0f, 0x05),
            Some("rej") => (0x0f, 0x09),
            Some("ui") => (0xef, 0x03),
            Some("ua") => (0xef, 0x63),
            Some("disc") => (0xef, 0x43),
            Some("dm") => (0xef, 0x0f),
            Some("sabme") => (0xef, 0x6f),
            Some("test") => (0xef, 0xe3),
            Some("xid") => (0xef, 0xaf),
            Some("frmr") => (0xef, 0x87),
            Some(other) => return fail(format!("unknown 802.2 LLC subtype '{other}'")),
        };
        Ok(frame.and(control.cmp_masked(bpf::B, 0, mask, value)))
    }

    /// `inbound` and `outbound`: the packet type a Linux cooked header keeps (4: sent
    /// by this host), or, live on `-i any`, the kernel's (SKF_AD_PKTTYPE), as libpcap.
    pub fn direction(&self, outbound: bool) -> GenResult<Pred> {
        const PACKET_OUTGOING: u32 = 4;
        let sent = match self.link_now() {
            _ if self.live || self.link == LinkType::KernelCooked => cmp(
                bpf::H,
                (libc::SKF_AD_OFF + libc::SKF_AD_PKTTYPE) as u32,
                PACKET_OUTGOING,
            ),
            LinkType::LinuxSll => cmp(bpf::H, 0, PACKET_OUTGOING),
            LinkType::LinuxSll2 => cmp(bpf::B, 10, PACKET_OUTGOING),
            other => {
                return Err((
                    format!(
                        "inbound/outbound not supported on {} when reading savefiles",
                        libpcap_link_name(other)
                    ),
                    Some("a Linux cooked capture keeps the direction: capture with -i any".into()),
                ))
            }
        };
        Ok(if outbound { sent } else { sent.not() })
    }

    /// `ifindex N`: the interface a Linux cooked v2 header names, or, live on `-i any`,
    /// the kernel's (SKF_AD_IFINDEX).
    pub fn ifindex(&self, index: u32) -> GenResult<Pred> {
        match self.link_now() {
            _ if self.live || self.link == LinkType::KernelCooked => Ok(cmp(
                bpf::W,
                (libc::SKF_AD_OFF + libc::SKF_AD_IFINDEX) as u32,
                index,
            )),
            LinkType::LinuxSll2 => Ok(cmp(bpf::W, 4, index)),
            other => Err((
                format!(
                    "ifindex not supported on {} when reading savefiles",
                    libpcap_link_name(other)
                ),
                Some("a Linux cooked v2 capture (-i any) keeps the interface".into()),
            )),
        }
    }

    pub fn ip(&self) -> Pred {
        self.linktype(ETHERTYPE_IP)
    }

    pub fn ip6(&self) -> Pred {
        self.linktype(ETHERTYPE_IPV6)
    }

    /// `ip proto N`.
    fn ip_proto(&self, protocol: u32) -> Pred {
        self.ip().and(self.network().cmp(bpf::B, 9, protocol))
    }

    /// `ip6 proto N`: the next header, or the one behind a fragment header.
    fn ip6_proto(&self, protocol: u32) -> Pred {
        let nl = self.network();
        let direct = nl.cmp(bpf::B, 6, protocol);
        let fragmented = nl
            .cmp(bpf::B, 6, IPPROTO_FRAGMENT)
            .and(nl.cmp(bpf::B, 40, protocol));
        self.ip6().and(direct.or(fragmented))
    }

    /// `[ip|ip6] proto N`.
    pub fn proto(&self, protocol: u32, proto: Proto) -> GenResult<Pred> {
        match proto {
            Proto::Default => Ok(self.ip_proto(protocol).or(self.ip6_proto(protocol))),
            Proto::Ip => Ok(self.ip_proto(protocol)),
            Proto::Ip6 => Ok(self.ip6_proto(protocol)),
            Proto::Link => Ok(self.linktype(protocol)),
            other => fail(format!("'{}' modifier applied to 'proto'", other.name())),
        }
    }

    /// `[ip|ip6] protochain N`: N is the protocol of the header or of one of the
    /// IPv6 extension headers or AH headers after it (libpcap's gen_protochain).
    pub fn protochain(&self, protocol: u32, proto: Proto) -> GenResult<Pred> {
        let ipv6 = match proto {
            Proto::Default => {
                return Ok(self
                    .protochain(protocol, Proto::Ip)?
                    .or(self.protochain(protocol, Proto::Ip6)?))
            }
            Proto::Ip => false,
            Proto::Ip6 => true,
            _ => return fail("bad protocol applied for 'protochain'"),
        };
        // The loop works on fixed offsets only, in libpcap too.
        if self.geneve || self.is_80211() {
            return fail("'protochain' not supported with variable length headers");
        }
        let version = if ipv6 { self.ip6() } else { self.ip() };
        Ok(version.and(self.header_chain(protocol, ipv6)))
    }

    /// libpcap's protochain loop, instruction for instruction: A holds the next
    /// header's protocol and X the offset of that header in the network layer; the
    /// loop follows extension headers (IPv6 only) and AH headers until the protocol is
    /// `protocol`, "no next header", or one it cannot follow, then A is tested. The
    /// loop jumps backward, which the kernel's BPF does not allow: a program holding it
    /// is run in user space (libpcap does the same). libpcap's AH step sets X to the AH
    /// header's length instead of adding it, and so does this one, so both select the
    /// same packets.
    fn header_chain(&self, protocol: u32, ipv6: bool) -> Pred {
        const NO_NEXT_HEADER: u32 = 59;
        const AUTHENTICATION: u32 = 51;
        const EXTENSIONS: [u32; 4] = [0, 60, 43, IPPROTO_FRAGMENT];
        let nl = self.nl();
        let stmt = Insn::stmt;
        let jeq = |k: u32, jt: u8, jf: u8| Insn {
            code: bpf::JMP | bpf::JEQ | bpf::K,
            jt,
            jf,
            k,
        };
        // Indices: 0-1 set up A and X, the loop starts at 2, the extension step (IPv6)
        // and the AH step follow its tests, and the last statement is the end.
        let again = 2usize;
        let mut insns = if ipv6 {
            vec![load(bpf::B, nl + 6), stmt(bpf::LDX | bpf::IMM, 40)]
        } else {
            vec![load(bpf::B, nl + 9), stmt(bpf::LDX | bpf::B | bpf::MSH, nl)]
        };
        // Placeholder jumps to the end, fixed once it is known.
        let mut to_end = vec![insns.len(), insns.len() + 1];
        insns.push(jeq(protocol, 0, 0));
        insns.push(jeq(NO_NEXT_HEADER, 0, 0));
        if ipv6 {
            let extension_step = insns.len() + EXTENSIONS.len();
            for (i, header) in EXTENSIONS.into_iter().enumerate() {
                let at = insns.len();
                let jt = (extension_step - at - 1) as u8;
                // The last one goes on to the AH test past the extension step (9
                // statements) when it fails.
                let jf = if i + 1 == EXTENSIONS.len() { jt + 9 } else { 0 };
                insns.push(jeq(header, jt, jf));
            }
            insns.extend([
                stmt(bpf::LD | bpf::B | bpf::IND, nl),
                stmt(bpf::ST, 0),
                stmt(bpf::LD | bpf::B | bpf::IND, nl + 1),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 1),
                stmt(bpf::ALU | bpf::MUL | bpf::K, 8),
                stmt(bpf::ALU | bpf::ADD | bpf::X, 0),
                stmt(bpf::MISC | bpf::TAX, 0),
                stmt(bpf::LD | bpf::MEM, 0),
            ]);
            insns.push(backward_jump(insns.len(), again));
        } else {
            insns.push(stmt(bpf::ALU | bpf::ADD | bpf::K, 0));
        }
        to_end.push(insns.len());
        insns.push(jeq(AUTHENTICATION, 0, 0));
        insns.extend([
            stmt(bpf::MISC | bpf::TXA, 0),
            stmt(bpf::LD | bpf::B | bpf::IND, nl),
            stmt(bpf::ST, 0),
            stmt(bpf::MISC | bpf::TXA, 0),
            stmt(bpf::ALU | bpf::ADD | bpf::K, 1),
            stmt(bpf::MISC | bpf::TAX, 0),
            stmt(bpf::LD | bpf::B | bpf::IND, nl),
            stmt(bpf::ALU | bpf::ADD | bpf::K, 2),
            stmt(bpf::ALU | bpf::MUL | bpf::K, 4),
            stmt(bpf::MISC | bpf::TAX, 0),
            stmt(bpf::LD | bpf::MEM, 0),
        ]);
        insns.push(backward_jump(insns.len(), again));
        let end = insns.len();
        insns.push(stmt(bpf::ALU | bpf::ADD | bpf::K, 0));
        // The protocol and "no next header" end the loop when they match; the AH test
        // when it does not.
        for (n, at) in to_end.into_iter().enumerate() {
            let distance = (end - at - 1) as u8;
            if n < 2 {
                insns[at].jt = distance;
            } else {
                insns[at].jf = distance;
            }
        }
        Pred::test(insns, bpf::JMP | bpf::JEQ, protocol)
    }

    /// A protocol name on its own: `tcp`, `ip6`, `arp`.
    pub fn abbreviation(&self, proto: Proto) -> GenResult<Pred> {
        Ok(match proto {
            Proto::Ip => self.ip(),
            Proto::Ip6 => self.ip6(),
            Proto::Arp => self.linktype(ETHERTYPE_ARP),
            Proto::Rarp => self.linktype(ETHERTYPE_RARP),
            // libpcap's gen_proto_abbrev: these over IPv4 and IPv6 alike ...
            Proto::Tcp | Proto::Udp | Proto::Sctp | Proto::Pim | Proto::Ah | Proto::Esp => {
                let number = proto.ip_protocol().unwrap_or(0);
                self.ip_proto(number).or(self.ip6_proto(number))
            }
            // ... these over IPv4 only.
            Proto::Icmp | Proto::Igmp | Proto::Igrp | Proto::Vrrp | Proto::Carp => {
                self.ip_proto(proto.ip_protocol().unwrap_or(0))
            }
            Proto::Icmp6 => self.ip6_proto(58),
            Proto::Decnet => self.linktype(ETHERTYPE_DECNET),
            Proto::Radio => return fail("'radio' is not a valid protocol type"),
            Proto::Link | Proto::Default => {
                return Err((
                    "'ether' on its own is not a test".into(),
                    Some("say what to test in the Ethernet header: ether host MAC, ether proto N, ether broadcast".into()),
                ))
            }
        })
    }

    /// An IPv4 host or network: `[ip|arp|rarp] [src|dst] host|net A.B.C.D[/len]`.
    pub fn host4(
        &self,
        address: u32,
        mask: u32,
        proto: Proto,
        dir: Dir,
        what: &str,
    ) -> GenResult<Pred> {
        let nl = self.network();
        let pair = |src: u32, dst: u32| {
            by_dir(
                dir,
                nl.cmp_masked(bpf::W, src, mask, address),
                nl.cmp_masked(bpf::W, dst, mask, address),
            )
        };
        match proto {
            Proto::Ip => Ok(self.ip().and(pair(12, 16))),
            Proto::Arp => Ok(self.linktype(ETHERTYPE_ARP).and(pair(14, 24))),
            Proto::Rarp => Ok(self.linktype(ETHERTYPE_RARP).and(pair(14, 24))),
            // libpcap looks for ARP and RARP too, but not after MPLS labels.
            Proto::Default if self.shifts.mpls_labels > 0 => Ok(self.ip().and(pair(12, 16))),
            Proto::Default => Ok(self
                .ip()
                .and(pair(12, 16))
                .or(self.linktype(ETHERTYPE_ARP).and(pair(14, 24)))
                .or(self.linktype(ETHERTYPE_RARP).and(pair(14, 24)))),
            Proto::Link => Err((
                "illegal link layer address: an IPv4 address after 'ether'".into(),
                Some("'ether host' takes a MAC address like 08:00:27:00:00:01; drop 'ether' to match IP addresses".into()),
            )),
            Proto::Ip6 => fail(format!("'ip6' modifier applied to an IPv4 {what}")),
            other => Err((
                format!("'{}' modifier applied to {what}", other.name()),
                Some(format!(
                    "addresses belong to IP: write `{} and {what} ADDRESS`",
                    other.name()
                )),
            )),
        }
    }

    /// An IPv6 host or network: `[ip6] [src|dst] host|net ADDR[/len]`.
    pub fn host6(
        &self,
        address: [u8; 16],
        prefix: u32,
        proto: Proto,
        dir: Dir,
        what: &str,
    ) -> GenResult<Pred> {
        match proto {
            Proto::Default | Proto::Ip6 => {}
            Proto::Ip => return fail(format!("'ip' modifier applied to an IPv6 {what}")),
            other => {
                return fail(format!(
                    "'{}' modifier applied to an IPv6 {what}",
                    other.name()
                ))
            }
        }
        let nl = self.network();
        let words = |offset: u32| {
            (0..4u32).fold(Pred::Const(true), |acc, word| {
                let bits = prefix.saturating_sub(word * 32).min(32);
                // libpcap's optimizer drops a word the prefix masks out entirely; on
                // 802.11 it does not optimize, so the word is loaded (and a frame too
                // short for it rejected) all the same.
                if bits == 0 && !self.is_80211() {
                    return acc;
                }
                let mask = if bits == 32 {
                    u32::MAX
                } else if bits == 0 {
                    0
                } else {
                    !(u32::MAX >> bits)
                };
                let at = word as usize * 4;
                let value = u32::from_be_bytes([
                    address[at],
                    address[at + 1],
                    address[at + 2],
                    address[at + 3],
                ]);
                acc.and(nl.cmp_masked(bpf::W, offset + word * 4, mask, value))
            })
        };
        Ok(self.ip6().and(by_dir(dir, words(8), words(24))))
    }

    /// `ether [src|dst] host MAC`.
    pub fn ether_host(&self, mac: [u8; 6], dir: Dir) -> GenResult<Pred> {
        if self.link_is_80211() {
            return Ok(self.wlan_host(mac, dir));
        }
        self.require_ethernet("Ethernet addresses")?;
        let link = self.link_header();
        let at = |offset: u32| {
            link.cmp(
                bpf::W,
                offset + 2,
                u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]),
            )
            .and(link.cmp(
                bpf::H,
                offset,
                u32::from(u16::from_be_bytes([mac[0], mac[1]])),
            ))
        };
        Ok(self.inner_link_check().and(by_dir(dir, at(6), at(0))))
    }

    /// After `geneve`, that the inner frame has an Ethernet header at all (it starts
    /// before its network layer), as libpcap checks before reading its addresses.
    fn inner_link_check(&self) -> Pred {
        if !self.geneve {
            return Pred::Const(true);
        }
        Pred::test(
            vec![
                Insn::stmt(bpf::LD | bpf::MEM, GENEVE_LINK),
                Insn::stmt(bpf::LDX | bpf::MEM, GENEVE_NETWORK),
            ],
            bpf::JMP | bpf::JEQ | bpf::X,
            0,
        )
        .not()
    }

    /// Where the link header is: the packet's start, geneve's inner frame, or inside
    /// `pppoes` PPP's protocol number (libpcap's link header there, so `ether[0]`
    /// reads it; MPLS labels after it do not move it).
    fn link_header(&self) -> Base {
        if self.in_pppoe() {
            let labels = self.shifts.mpls_labels - self.before_geneve.mpls_labels;
            self.network().plus(0u32.wrapping_sub(2 + 4 * labels))
        } else if self.geneve {
            Base::Slot(GENEVE_LINK, 0)
        } else {
            Base::At(0)
        }
    }

    fn require_ethernet(&self, what: &str) -> GenResult<()> {
        // After geneve, the inner frame's (which libpcap checks per packet).
        if self.link_now() == LinkType::Ethernet {
            Ok(())
        } else if self.in_pppoe() {
            fail(format!(
                "{what} are not in PPP frames, which is what follows pppoes"
            ))
        } else {
            Err((
                format!("{what} are only in Ethernet frames, and this capture's link type is {}", self.link.name()),
                Some("with -i any the frames are Linux cooked (SLL2); capture on one interface (-i eth0) to filter on MACs".into()),
            ))
        }
    }

    /// `ether broadcast`, `ether multicast`, `ip multicast`, `ip6 multicast`, `ip broadcast`.
    pub fn cast(&self, proto: Proto, broadcast: bool) -> GenResult<Pred> {
        let (link, nl) = (self.link_header(), self.network());
        match (proto, broadcast) {
            (Proto::Default | Proto::Link, true) if self.link_is_80211() => {
                Ok(self.wlan_host([0xff; 6], Dir::Dst))
            }
            (Proto::Default | Proto::Link, false) if self.link_is_80211() => {
                Ok(self.wlan_multicast())
            }
            (Proto::Default | Proto::Link, true) => {
                self.require_ethernet("link-layer broadcasts")?;
                Ok(self
                    .inner_link_check()
                    .and(
                        link.cmp(bpf::W, 2, u32::MAX)
                            .and(link.cmp(bpf::H, 0, 0xffff)),
                    ))
            }
            (Proto::Default | Proto::Link, false) => {
                self.require_ethernet("link-layer multicasts")?;
                Ok(self.inner_link_check().and(Pred::test(
                    link.load(bpf::B, 0),
                    bpf::JMP | bpf::JSET,
                    1,
                )))
            }
            // Without a netmask (reading a file), libpcap takes the netmask as 0.
            (Proto::Ip, true) => {
                Ok(self
                    .ip()
                    .and(nl.cmp(bpf::W, 16, 0).or(nl.cmp(bpf::W, 16, u32::MAX))))
            }
            (Proto::Ip, false) => {
                Ok(self
                    .ip()
                    .and(Pred::test(nl.load(bpf::B, 16), bpf::JMP | bpf::JGE, 224)))
            }
            (Proto::Ip6, false) => Ok(self.ip6().and(nl.cmp(bpf::B, 24, 255))),
            (other, _) => fail(format!(
                "'{}' cannot be applied to '{}'",
                other.name(),
                if broadcast { "broadcast" } else { "multicast" }
            )),
        }
    }

    fn ip4_transport(&self, protocol: Option<u32>) -> Pred {
        let nl = self.network();
        let protocols = match protocol {
            Some(number) => nl.cmp(bpf::B, 9, number),
            None => any_of([132, 6, 17].map(|n| nl.cmp(bpf::B, 9, n))),
        };
        self.ip().and(protocols).and(self.first_fragment())
    }

    /// Not a later IPv4 fragment (fragment offset 0), where transport headers are.
    pub fn first_fragment(&self) -> Pred {
        Pred::test(self.network().load(bpf::H, 6), bpf::JMP | bpf::JSET, 0x1fff).not()
    }

    fn ip6_transport(&self, protocol: Option<u32>) -> Pred {
        let nl = self.network();
        let protocols = match protocol {
            Some(number) => nl.cmp(bpf::B, 6, number),
            None => any_of([132, 6, 17].map(|n| nl.cmp(bpf::B, 6, n))),
        };
        self.ip6().and(protocols)
    }

    /// `[tcp|udp|sctp] [src|dst] port N` and `portrange LOW-HIGH` (a port is LOW-LOW).
    pub fn port_range(&self, low: u32, high: u32, proto: Proto, dir: Dir) -> GenResult<Pred> {
        let protocol = match proto {
            Proto::Default => None,
            Proto::Tcp | Proto::Udp | Proto::Sctp => proto.ip_protocol(),
            _ => {
                return Err((
                    "illegal qualifier of 'port'".into(),
                    Some(
                        "ports belong to tcp, udp or sctp: write `tcp port N` or just `port N`"
                            .into(),
                    ),
                ))
            }
        };
        let (low, high) = (low.min(high), low.max(high));
        let nl = self.network();
        let within = |stmts: Vec<Insn>| {
            if low == high {
                Pred::test(stmts, bpf::JMP | bpf::JEQ, low)
            } else {
                Pred::test(stmts.clone(), bpf::JMP | bpf::JGE, low)
                    .and(Pred::test(stmts, bpf::JMP | bpf::JGT, high).not())
            }
        };
        let v4 = by_dir(
            dir,
            within(nl.after_ipv4(bpf::H, 0)),
            within(nl.after_ipv4(bpf::H, 2)),
        );
        let v6 = by_dir(
            dir,
            within(nl.load(bpf::H, 40)),
            within(nl.load(bpf::H, 42)),
        );
        Ok(self
            .ip6_transport(protocol)
            .and(v6)
            .or(self.ip4_transport(protocol).and(v4)))
    }

    /// `decnet [src|dst] host AREA.NODE` (libpcap's gen_dnhostop): the address in the
    /// routing header, in its short or long form, with or without a pad byte; the
    /// address is little-endian there.
    pub fn decnet_host(&self, address: u16, dir: Dir) -> Pred {
        let nl = self.network();
        let value = u32::from(address.swap_bytes());
        let at = |short: bool, src: bool| match (short, src) {
            (true, false) => 1,
            (true, true) => 3,
            (false, false) => 7,
            (false, true) => 15,
        };
        let one = |src: bool| {
            // The flags after the 2-byte length: the pad bit, then the header's form.
            // libpcap writes the padded forms' constants through ntohs(): on the
            // little-endian hosts labnet runs on, the bytes swap (0x0681 is 0x8106).
            let long_padded = nl.cmp_masked(bpf::H, 2, 0xff07, 0x8106).and(nl.cmp(
                bpf::H,
                2 + 1 + at(false, src),
                value,
            ));
            let long =
                nl.cmp_masked(bpf::B, 2, 0x07, 0x06)
                    .and(nl.cmp(bpf::H, 2 + at(false, src), value));
            let short_padded = nl.cmp_masked(bpf::H, 2, 0xff07, 0x8102).and(nl.cmp(
                bpf::H,
                2 + 1 + at(true, src),
                value,
            ));
            let short =
                nl.cmp_masked(bpf::B, 2, 0x07, 0x02)
                    .and(nl.cmp(bpf::H, 2 + at(true, src), value));
            short.or(short_padded).or(long).or(long_padded)
        };
        self.linktype(ETHERTYPE_DECNET)
            .and(by_dir(dir, one(true), one(false)))
    }

    /// `vlan [ID]`: an 802.1Q/802.1ad tag here; later primitives look past it.
    pub fn vlan(&mut self, id: Option<u32>) -> GenResult<Pred> {
        let link = self.link_now();
        if let LinkType::Ppi | LinkType::Ppp | LinkType::PppSerial | LinkType::PppEther = link {
            // libpcap follows VLAN tags in 802.11 frames, but not after PPI or in PPP
            // (inside `pppoes` too).
            return fail(format!("no VLAN support for {}", libpcap_link_name(link)));
        }
        if !self.link_is_80211() {
            self.require_ethernet("VLAN tags")?;
        }
        if self.shifts.mpls_labels > 0 {
            return fail("no VLAN match after MPLS");
        }
        if let Some(id) = id {
            if id > 4095 {
                return fail(format!("VLAN tag {id} greater than maximum 4095"));
            }
        }
        // The tag's type where the EtherType is (on 802.11 where SNAP keeps it, in a
        // data frame; after `geneve` in the inner frame), its ID where the network
        // layer would start (libpcap's gen_vlan_no_bpf_extensions).
        let mut pred = any_of([0x8100, 0x88a8, 0x9100].map(|t| self.linktype(t)));
        if let Some(id) = id {
            pred = pred.and(self.network().cmp_masked(bpf::H, 0, 0xfff, id));
        }
        self.shifts.vlan += 4;
        Ok(pred)
    }

    /// `mpls [label]`: an MPLS packet (or, after another `mpls`, a label that is not
    /// the bottom of the stack), with that label; what follows is 4 bytes further on.
    pub fn mpls(&mut self, label: Option<u32>) -> GenResult<Pred> {
        const ETHERTYPE_MPLS: u32 = 0x8847;
        const PPP_MPLS_UNICAST: u32 = 0x0281;
        const MAX_LABEL: u32 = 0xf_ffff;
        // After geneve, in the inner frame, which libpcap takes for Ethernet; inside
        // `pppoes`, PPP's.
        let protocol = match self.link_now() {
            LinkType::Ethernet => ETHERTYPE_MPLS,
            LinkType::Ppp => PPP_MPLS_UNICAST,
            other => return fail(format!("no MPLS support for {}", libpcap_link_name(other))),
        };
        if let Some(label) = label.filter(|&l| l > MAX_LABEL) {
            return fail(format!(
                "MPLS label {label} greater than maximum {MAX_LABEL}"
            ));
        }
        let at = self.network();
        let mut pred = if self.shifts.mpls_labels == 0 {
            self.linktype(protocol)
        } else {
            // The label before is not the bottom of the stack.
            Pred::test(
                at.load(bpf::B, 0u32.wrapping_sub(2)),
                bpf::JMP | bpf::JSET,
                1,
            )
            .not()
        };
        if let Some(label) = label {
            pred = pred.and(at.cmp_masked(bpf::W, 0, 0xffff_f000, label << 12));
        }
        self.shifts.mpls_labels += 1;
        Ok(pred)
    }

    /// `pppoed` (discovery) and `pppoes [session]`: PPPoE's EtherTypes; after `pppoes`,
    /// what follows is PPP's, 8 bytes on.
    pub fn pppoe(&mut self, session: bool, id: Option<u32>) -> GenResult<Pred> {
        const ETHERTYPE_PPPOED: u32 = 0x8863;
        const ETHERTYPE_PPPOES: u32 = 0x8864;
        if !session {
            return Ok(self.linktype(ETHERTYPE_PPPOED));
        }
        if let Some(id) = id.filter(|&id| id > 0xffff) {
            return fail(format!(
                "PPPoE session number {id} greater than maximum 65535"
            ));
        }
        // PPPoE's header, where the network layer would start.
        let at = self.network();
        let mut pred = self.linktype(ETHERTYPE_PPPOES);
        if let Some(id) = id {
            pred = pred.and(at.cmp_masked(bpf::W, 0, 0xffff, id));
        }
        self.shifts.pppoe_sessions += 1;
        Ok(pred)
    }

    /// The scratch words arithmetic may use: not geneve's offsets after it, not the
    /// prologue's on 802.11.
    pub fn scratch(&self) -> std::ops::Range<u32> {
        let start = if self.geneve { GENEVE_NETWORK + 1 } else { 0 };
        let end = if self.is_80211() {
            WLAN_PAYLOAD
        } else {
            bpf::MEMWORDS
        };
        start..end
    }

    /// Whether the capture's frames are 802.11 (after `geneve` too: its offsets stay
    /// behind the 802.11 header's).
    fn is_80211(&self) -> bool {
        matches!(
            self.link,
            LinkType::Ieee80211 | LinkType::RadioTap | LinkType::Ppi
        )
    }

    /// Whether link-layer primitives (addresses, broadcasts, `ether[...]`) read an
    /// 802.11 header: not after `geneve`, whose inner frame libpcap takes for
    /// Ethernet, nor inside `pppoes`.
    fn link_is_80211(&self) -> bool {
        self.link_now() == self.link && self.is_80211()
    }

    /// `geneve [VNI]`: a Geneve packet (UDP to port 6081 over IPv4 or IPv6, version 0)
    /// with that VNI; what follows is about the frame inside, as libpcap's
    /// gen_geneve has it. Its header's length varies with its options, so the inner
    /// offsets are computed per packet into scratch memory: M[0] where the inner
    /// EtherType is (the protocol type field, or inside an inner Ethernet header),
    /// M[1] where the inner frame starts, M[2] where its network layer starts.
    pub fn geneve(&mut self, vni: Option<u32>) -> GenResult<Pred> {
        const GENEVE_PORT: u32 = 6081;
        const MAX_VNI: u32 = 0xff_ffff;
        const TRANSPARENT_ETHERNET: u32 = 0x6558;
        if let Some(vni) = vni.filter(|&vni| vni > MAX_VNI) {
            return fail(format!("Geneve VNI {vni} greater than maximum {MAX_VNI}"));
        }
        let network = self.network();
        // The version (the top two bits of the first byte) and the VNI, `k` bytes on
        // from the UDP header's start as `udp` reads it.
        let header = |udp: &dyn Fn(u16, u32) -> Vec<Insn>| {
            let version = {
                let mut stmts = udp(bpf::B, 8);
                stmts.push(Insn::stmt(bpf::ALU | bpf::AND | bpf::K, 0xc0));
                Pred::test(stmts, bpf::JMP | bpf::JEQ, 0)
            };
            let vni = vni.map_or(Pred::Const(true), |vni| {
                let mut stmts = udp(bpf::W, 12);
                stmts.push(Insn::stmt(bpf::ALU | bpf::AND | bpf::K, 0xffff_ff00));
                Pred::test(stmts, bpf::JMP | bpf::JEQ, vni << 8)
            });
            version.and(vni)
        };
        // Each way ends with A = X = the IP header's length, and on 802.11 where the
        // network layer starts (a test that always holds).
        let same = |mut stmts: Vec<Insn>, last: Insn| {
            stmts.push(last);
            Pred::test(stmts, bpf::JMP | bpf::JEQ | bpf::X, 0)
        };
        let v4 = self
            .ip4_transport(Some(17))
            .and(Pred::test(
                network.after_ipv4(bpf::H, 2),
                bpf::JMP | bpf::JEQ,
                GENEVE_PORT,
            ))
            .and(header(&|size, k| network.after_ipv4(size, k)))
            .and(same(
                network.ipv4_payload().0,
                Insn::stmt(bpf::MISC | bpf::TXA, 0),
            ));
        // IPv6's fixed header, past where the network layer starts.
        let (ipv6_length, network_start) = match network {
            Base::At(at) => (vec![Insn::stmt(bpf::LD | bpf::IMM, 40)], at),
            Base::Slot(slot, plus) => (
                vec![
                    Insn::stmt(bpf::LDX | bpf::MEM, slot),
                    Insn::stmt(bpf::LD | bpf::IMM, 40),
                    Insn::stmt(bpf::ALU | bpf::ADD | bpf::X, 0),
                ],
                plus,
            ),
        };
        let v6 = self
            .ip6_transport(Some(17))
            .and(network.cmp(bpf::H, 42, GENEVE_PORT))
            .and(header(&|size, k| network.load(size, 40 + k)))
            .and(same(ipv6_length, Insn::stmt(bpf::MISC | bpf::TAX, 0)));
        let stmt = Insn::stmt;
        let offsets = Pred::test(
            vec![
                // X: Geneve's header, after the IP header and UDP's 8 bytes.
                stmt(bpf::ALU | bpf::ADD | bpf::K, network_start + 8),
                stmt(bpf::MISC | bpf::TAX, 0),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 2),
                stmt(bpf::ST, GENEVE_LINKTYPE),
                // The inner frame: 8 bytes and the options' length in words.
                stmt(bpf::LD | bpf::B | bpf::IND, 0),
                stmt(bpf::ALU | bpf::AND | bpf::K, 0x3f),
                stmt(bpf::ALU | bpf::MUL | bpf::K, 4),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 8),
                stmt(bpf::ALU | bpf::ADD | bpf::X, 0),
                stmt(bpf::ST, GENEVE_LINK),
                stmt(bpf::LD | bpf::H | bpf::IND, 2),
                stmt(bpf::LDX | bpf::MEM, GENEVE_LINK),
                // An inner Ethernet frame: its EtherType and network layer 12 and 14
                // bytes in; otherwise the protocol type is the EtherType and the
                // network layer is the inner frame.
                Insn {
                    code: bpf::JMP | bpf::JEQ | bpf::K,
                    jt: 0,
                    jf: 5,
                    k: TRANSPARENT_ETHERNET,
                },
                stmt(bpf::MISC | bpf::TXA, 0),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 12),
                stmt(bpf::ST, GENEVE_LINKTYPE),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 2),
                stmt(bpf::MISC | bpf::TAX, 0),
                stmt(bpf::STX, GENEVE_NETWORK),
                stmt(bpf::LD | bpf::IMM, 0),
            ],
            bpf::JMP | bpf::JEQ,
            0,
        );
        self.geneve = true;
        self.before_geneve = self.shifts;
        Ok(v4.or(v6).and(offsets))
    }

    /// A load of `size` at `offset` in the 802.11 header.
    fn wlan_load(&self, size: u16, offset: u32) -> Vec<Insn> {
        self.wlan_header().load(size, offset)
    }

    fn wlan_masked(&self, offset: u32, mask: u32, value: u32) -> Pred {
        let mut insns = self.wlan_load(bpf::B, offset);
        insns.push(Insn::stmt(bpf::ALU | bpf::AND | bpf::K, mask));
        Pred::test(insns, bpf::JMP | bpf::JEQ, value & mask)
    }

    fn wlan_bit(&self, offset: u32, bits: u32) -> Pred {
        Pred::test(self.wlan_load(bpf::B, offset), bpf::JMP | bpf::JSET, bits)
    }

    fn wlan_mac(&self, offset: u32, mac: [u8; 6]) -> Pred {
        let low = u32::from_be_bytes([mac[2], mac[3], mac[4], mac[5]]);
        let high = u32::from(u16::from_be_bytes([mac[0], mac[1]]));
        Pred::test(self.wlan_load(bpf::W, offset + 2), bpf::JMP | bpf::JEQ, low).and(Pred::test(
            self.wlan_load(bpf::H, offset),
            bpf::JMP | bpf::JEQ,
            high,
        ))
    }

    /// For `type`, `subtype` and `dir`, which libpcap 1.10 refuses after PPI (its
    /// other 802.11 keywords it accepts there).
    fn require_80211(&self, message: &str) -> GenResult<()> {
        if let LinkType::Ieee80211 | LinkType::RadioTap = self.link_now() {
            Ok(())
        } else {
            fail(message)
        }
    }

    /// `type T`: the frame type bits of the frame control (`mgt` 0, `ctl` 4, `data` 8,
    /// or the masked number itself).
    pub fn wlan_type(&self, value: u32) -> GenResult<Pred> {
        self.require_80211("802.11 link-layer types supported only on 802.11")?;
        Ok(self.wlan_masked(0, 0x0c, value))
    }

    /// `[type T] subtype S`: type and subtype bits together.
    pub fn wlan_subtype(&self, value: u32) -> GenResult<Pred> {
        self.require_80211("802.11 link-layer types supported only on 802.11")?;
        Ok(self.wlan_masked(0, 0xfc, value))
    }

    /// `dir D`: the to-DS and from-DS bits.
    pub fn wlan_dir(&self, value: u32) -> GenResult<Pred> {
        self.require_80211("frame direction supported only with 802.11 headers")?;
        Ok(self.wlan_masked(1, 0x03, value))
    }

    /// `wlan addr1..addr4|ra|ta MAC` (libpcap's gen_wlanhostop): addresses 2 and 3
    /// only where the frame has them, address 4 only between distribution systems;
    /// `ra` and `ta` only in data and extension frames (the type's high bit).
    pub fn wlan_address(&self, which: &str, mac: [u8; 6]) -> GenResult<Pred> {
        if !self.link_is_80211() {
            return fail(match which {
                "ra" | "ta" => format!("'{which}' is only supported on 802.11 with 802.11 headers"),
                _ => format!(
                    "'addr{}' and 'address{0}' are only supported on 802.11 with 802.11 headers",
                    which.trim_start_matches("addr")
                ),
            });
        }
        let control = self.wlan_masked(0, 0x0c, 0x04);
        let address2 = || {
            let without = self
                .wlan_masked(0, 0xf0, 0xc0)
                .or(self.wlan_masked(0, 0xf0, 0xd0));
            control
                .clone()
                .and(without)
                .not()
                .and(self.wlan_mac(10, mac))
        };
        let high = self.wlan_bit(0, 0x08);
        Ok(match which {
            "addr1" => self.wlan_mac(4, mac),
            "addr2" => address2(),
            "addr3" => control.clone().not().and(self.wlan_mac(16, mac)),
            "addr4" => self.wlan_masked(1, 0x03, 0x03).and(self.wlan_mac(24, mac)),
            "ra" => high.and(self.wlan_mac(4, mac)),
            _ => high.and(address2()),
        })
    }

    /// `wlan [src|dst] host MAC` (and `ether host` on 802.11): the source and
    /// destination by the frame's type and direction bits, as libpcap picks them.
    fn wlan_host(&self, mac: [u8; 6], dir: Dir) -> Pred {
        let no_addresses = self.wlan_bit(0, 0x04);
        let data = self.wlan_bit(0, 0x08);
        let (to_ds, from_ds) = (self.wlan_bit(1, 0x01), self.wlan_bit(1, 0x02));
        let source = {
            let relayed = data.clone().and(from_ds.clone());
            relayed
                .clone()
                .and(to_ds.clone())
                .and(self.wlan_mac(24, mac))
                .or(relayed
                    .clone()
                    .and(to_ds.clone().not())
                    .and(self.wlan_mac(16, mac)))
                .or(relayed.not().and(self.wlan_mac(10, mac)))
        };
        let destination = {
            let to_system = data.and(to_ds);
            to_system
                .clone()
                .and(self.wlan_mac(16, mac))
                .or(to_system.not().and(self.wlan_mac(4, mac)))
        };
        no_addresses.not().and(by_dir(dir, source, destination))
    }

    /// `ether multicast` on 802.11 (libpcap's gen_multicast): the group bit of the
    /// destination, which a management frame has in address 1 and a data frame in
    /// address 1 or, sent to the distribution system, address 3; control frames
    /// have none.
    fn wlan_multicast(&self) -> Pred {
        let group = |offset: u32| self.wlan_bit(offset, 0x01);
        let to_ds = self.wlan_bit(1, 0x01);
        let data = self.wlan_bit(0, 0x08);
        let data_destination = to_ds.clone().not().and(group(4)).or(to_ds.and(group(16)));
        let management = data.clone().not().and(group(4));
        let addressed = management.or(data.and(data_destination));
        self.wlan_bit(0, 0x04).not().and(addressed)
    }

    /// A data frame (type 2: bit 3 set, bit 2 clear), whose payload is LLC.
    fn wlan_data_frame(&self) -> Pred {
        self.wlan_bit(0, 0x04).not().and(self.wlan_bit(0, 0x08))
    }

    /// `plus` bytes past where the 802.11 header's payload starts (which the
    /// prologue computes per packet) and the VLAN tags seen so far.
    fn wlan_payload(&self, plus: u32) -> Base {
        self.wlan_payload_used.set(true);
        // Each VLAN tag before moves the payload 4 bytes on.
        Base::Slot(WLAN_PAYLOAD, plus + self.shifts.vlan)
    }

    /// Where the 802.11 header starts: at 0, or after RadioTap's or PPI's header,
    /// whose length the prologue reads.
    fn wlan_header(&self) -> Base {
        if let LinkType::RadioTap | LinkType::Ppi = self.link {
            self.wlan_link_used.set(true);
            Base::Slot(WLAN_LINK, 0)
        } else {
            Base::At(0)
        }
    }

    /// What libpcap computes at the start of a program on 802.11 when its tests need
    /// it (gencode.c's insert_compute_vloffsets), instruction for instruction: RadioTap's
    /// or PPI's length (little-endian, bytes 2 and 3) into [`WLAN_LINK`]; then the 802.11 header's
    /// length into [`WLAN_PAYLOAD`]: 24 bytes, 2 more for a QoS data frame, and after
    /// RadioTap rounded up to 4 bytes when its flags say the driver padded (read
    /// where a header of one presence word keeps them, as libpcap reads them). A
    /// test that always holds, first in the program: a packet too short for these
    /// loads is rejected whatever the expression, as by libpcap.
    pub fn prologue(&self) -> Option<Pred> {
        let payload = self.wlan_payload_used.get();
        let radiotap = self.link == LinkType::RadioTap;
        let prefixed = radiotap || self.link == LinkType::Ppi;
        let link = prefixed && (payload || self.wlan_link_used.get());
        if !link && !payload {
            return None;
        }
        let stmt = Insn::stmt;
        let mut insns = Vec::new();
        if link {
            insns.extend([
                load(bpf::B, 3),
                stmt(bpf::ALU | bpf::LSH | bpf::K, 8),
                stmt(bpf::MISC | bpf::TAX, 0),
                load(bpf::B, 2),
                stmt(bpf::ALU | bpf::OR | bpf::X, 0),
                stmt(bpf::ST, WLAN_LINK),
                stmt(bpf::MISC | bpf::TAX, 0),
            ]);
        } else {
            insns.push(stmt(bpf::LDX | bpf::IMM, 0));
        }
        // Conditional jumps to the end ("the rest of the program") are patched last.
        let mut to_end: Vec<(usize, bool)> = Vec::new();
        let jset = |k: u32| Insn {
            code: bpf::JMP | bpf::JSET | bpf::K,
            jt: 0,
            jf: 0,
            k,
        };
        if payload {
            insns.extend([
                stmt(bpf::MISC | bpf::TXA, 0),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 24),
                stmt(bpf::ST, WLAN_PAYLOAD),
                stmt(bpf::LD | bpf::B | bpf::IND, 0),
            ]);
            // A data frame (bit 3 set, bit 2 clear) ...
            to_end.push((insns.len(), false));
            insns.push(jset(0x08));
            to_end.push((insns.len(), true));
            insns.push(jset(0x04));
            // ... with QoS (subtype bit 3): two bytes more.
            let qos = insns.len();
            insns.push(jset(0x80));
            insns.extend([
                stmt(bpf::LD | bpf::MEM, WLAN_PAYLOAD),
                stmt(bpf::ALU | bpf::ADD | bpf::K, 2),
                stmt(bpf::ST, WLAN_PAYLOAD),
            ]);
            if radiotap {
                insns[qos].jf = 3;
                // RadioTap's flags present, no second presence word: the flags
                // after the TSF (8 bytes) if present, else at 8; padded: round up.
                insns.push(load(bpf::W, 4));
                to_end.push((insns.len(), false));
                insns.push(jset(0x0200_0000));
                let extended = insns.len();
                insns.push(jset(0x0000_0080));
                to_end.push((extended, true));
                insns.push(Insn {
                    jt: 0,
                    jf: 2,
                    ..jset(0x0100_0000)
                });
                insns.push(load(bpf::B, 16));
                let after_tsf = insns.len();
                insns.push(Insn {
                    jt: 2,
                    ..jset(0x20)
                });
                to_end.push((after_tsf, false));
                insns.push(load(bpf::B, 8));
                to_end.push((insns.len(), false));
                insns.push(jset(0x20));
                insns.extend([
                    stmt(bpf::LD | bpf::MEM, WLAN_PAYLOAD),
                    stmt(bpf::ALU | bpf::ADD | bpf::K, 3),
                    stmt(bpf::ALU | bpf::AND | bpf::K, !3),
                    stmt(bpf::ST, WLAN_PAYLOAD),
                ]);
            } else {
                to_end.push((qos, false));
            }
        }
        let end = insns.len();
        insns.push(stmt(bpf::LD | bpf::IMM, 0));
        for (at, when) in to_end {
            let distance = (end - at - 1) as u8;
            if when {
                insns[at].jt = distance;
            } else {
                insns[at].jf = distance;
            }
        }
        Some(Pred::test(insns, bpf::JMP | bpf::JEQ, 0))
    }

    /// The refusal the last primitive left, if any.
    pub fn take_refusal(&self) -> Option<&'static str> {
        self.refusal.take()
    }

    /// IPv4 or IPv6 after MPLS labels: the last label is the bottom of the stack and
    /// the version nibble says which. Nothing else can follow: libpcap refuses it.
    fn over_mpls(&self, ethertype: u32) -> Pred {
        let nl = self.network();
        let bottom = nl.cmp_masked(bpf::B, 0u32.wrapping_sub(2), 1, 1);
        match ethertype {
            ETHERTYPE_IP => bottom.and(nl.cmp_masked(bpf::B, 0, 0xf0, 0x40)),
            ETHERTYPE_IPV6 => bottom.and(nl.cmp_masked(bpf::B, 0, 0xf0, 0x60)),
            _ => {
                self.refusal.set(Some("unsupported protocol over mpls"));
                Pred::Const(false)
            }
        }
    }

    /// Where `proto[...]` counts from, whether the IPv4 header's length is to be added
    /// (transport layers sit behind it), and what must hold for the load to mean
    /// anything.
    pub fn byte_base(&self, proto: Proto) -> GenResult<(Base, bool, Pred)> {
        if proto == Proto::Radio {
            // RadioTap's own bytes, from the packet's start.
            return if self.link == LinkType::RadioTap {
                Ok((Base::At(0), false, Pred::Const(true)))
            } else {
                fail("radio information not present in capture")
            };
        }
        if let Proto::Link | Proto::Default = proto {
            if self.link == LinkType::KernelCooked {
                return fail("link-layer bytes (ether[...]) are not in the kernel's view of -i any packets; capture on one interface");
            }
            // The link header: on 802.11 after RadioTap or PPI, after `geneve` the inner
            // frame's.
            let link = if self.link_is_80211() {
                self.wlan_header()
            } else {
                self.link_header()
            };
            return Ok((link, false, Pred::Const(true)));
        }
        let nl = self.network();
        Ok(match proto {
            Proto::Ip => (nl, false, self.ip()),
            Proto::Ip6 => (nl, false, self.ip6()),
            Proto::Arp => (nl, false, self.linktype(ETHERTYPE_ARP)),
            Proto::Rarp => (nl, false, self.linktype(ETHERTYPE_RARP)),
            Proto::Decnet => (nl, false, self.linktype(ETHERTYPE_DECNET)),
            Proto::Icmp6 => {
                let guard = self.ip6().and(nl.cmp(bpf::B, 6, 58));
                (nl.plus(40), false, guard)
            }
            Proto::Tcp
            | Proto::Udp
            | Proto::Icmp
            | Proto::Sctp
            | Proto::Igmp
            | Proto::Igrp
            | Proto::Pim
            | Proto::Vrrp
            | Proto::Carp => (
                nl,
                true,
                self.ip_proto(proto.ip_protocol().unwrap_or(0))
                    .and(self.first_fragment()),
            ),
            Proto::Link | Proto::Default | Proto::Radio | Proto::Ah | Proto::Esp => {
                return fail("unsupported index operation")
            }
        })
    }
}

/// A link type as libpcap names it in its errors.
fn libpcap_link_name(link: LinkType) -> &'static str {
    match link {
        LinkType::Ethernet => "Ethernet",
        LinkType::LinuxSll => "Linux cooked v1",
        LinkType::LinuxSll2 | LinkType::KernelCooked => "Linux cooked v2",
        LinkType::Raw => "Raw IP",
        LinkType::Null => "BSD loopback",
        LinkType::Ieee80211 => "802.11",
        LinkType::RadioTap => "802.11 plus radiotap header",
        LinkType::Ppi => "Per-Packet Information",
        LinkType::Ppp => "PPP",
        LinkType::PppSerial => "PPP over serial",
        LinkType::PppEther => "PPPoE",
    }
}

/// The EtherType of a protocol name (`ether proto \ip`).
pub fn ethertype_by_name(name: &str) -> Option<u32> {
    Some(match name {
        "ip" => ETHERTYPE_IP,
        "ip6" => ETHERTYPE_IPV6,
        "arp" => ETHERTYPE_ARP,
        "rarp" => ETHERTYPE_RARP,
        "atalk" => ETHERTYPE_ATALK,
        "aarp" => ETHERTYPE_AARP,
        // Not EtherTypes: libpcap falls back on its LLC SAP names.
        "ipx" => LLCSAP_IPX,
        "iso" => LLCSAP_ISONS,
        "stp" => LLCSAP_8021D,
        "netbeui" => LLCSAP_NETBEUI,
        "decnet" => ETHERTYPE_DECNET,
        "lat" => 0x6004,
        "sca" => 0x6007,
        "moprc" => 0x6002,
        "mopdl" => 0x6001,
        "loopback" => 0x9000,
        _ => return None,
    })
}

/// The IP protocol number of a name (`ip proto \tcp`, `proto gre`), from /etc/protocols
/// when it is there and from the well-known list otherwise.
pub fn ip_protocol_by_name(name: &str) -> Option<u32> {
    let known = match name {
        "icmp" => Some(1),
        "igmp" => Some(2),
        "tcp" => Some(6),
        "udp" => Some(17),
        "ipv6" => Some(41),
        "gre" => Some(47),
        "esp" => Some(50),
        "ah" => Some(51),
        "icmp6" | "ipv6-icmp" => Some(58),
        "pim" => Some(103),
        "vrrp" => Some(112),
        "sctp" => Some(132),
        _ => None,
    };
    known.or_else(|| {
        let text = std::fs::read_to_string("/etc/protocols").ok()?;
        text.lines().find_map(|line| {
            let mut fields = line.split('#').next()?.split_whitespace();
            let official = fields.next()?;
            let number = fields.next()?.parse().ok()?;
            (official == name || fields.any(|alias| alias == name)).then_some(number)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_network_layer_starts_where_each_link_type_puts_it() {
        let at = |link| Gen::new(link).nl();
        assert_eq!(at(LinkType::Ethernet), 14);
        assert_eq!(at(LinkType::LinuxSll), 16);
        assert_eq!(at(LinkType::LinuxSll2), 20);
        assert_eq!(at(LinkType::Null), 4);
        assert_eq!(at(LinkType::Raw), 0);
        assert_eq!(at(LinkType::KernelCooked), 0);
    }

    #[test]
    fn ip_is_tested_where_each_link_type_keeps_its_protocol() {
        assert_eq!(Gen::new(LinkType::Ethernet).ip(), cmp(bpf::H, 12, 0x0800));
        assert_eq!(Gen::new(LinkType::LinuxSll).ip(), cmp(bpf::H, 14, 0x0800));
        assert_eq!(Gen::new(LinkType::LinuxSll2).ip(), cmp(bpf::H, 0, 0x0800));
        // Raw IP has no link header: the version nibble says which IP it is.
        assert_eq!(
            Gen::new(LinkType::Raw).ip6(),
            cmp_masked(bpf::B, 0, 0xf0, 0x60)
        );
        // BSD loopback's family is in the capturing host's byte order: both accepted.
        assert_eq!(
            Gen::new(LinkType::Null).ip(),
            cmp(bpf::W, 0, 0x0200_0000).or(cmp(bpf::W, 0, 2))
        );
        // A -i any socket: the kernel's skb->protocol, through the ancillary offset.
        let ancillary = (libc::SKF_AD_OFF + libc::SKF_AD_PROTOCOL) as u32;
        assert_eq!(
            Gen::new(LinkType::KernelCooked).ip(),
            cmp(bpf::H, ancillary, 0x0800)
        );
        // An 802.3 length where Ethernet II has its type; then the LLC DSAP.
        let llc = Gen::new(LinkType::Ethernet).linktype(0x42);
        assert_eq!(
            llc,
            Pred::test(vec![load(bpf::H, 12)], bpf::JMP | bpf::JGT, ETHERMTU)
                .not()
                .and(cmp(bpf::B, 14, 0x42))
        );
    }

    #[test]
    fn each_vlan_shifts_what_follows_by_four_bytes() {
        let mut gen = Gen::new(LinkType::Ethernet);
        let first = gen.vlan(Some(56)).unwrap();
        assert_eq!(gen.nl(), 18);
        assert_eq!(gen.ip(), cmp(bpf::H, 16, 0x0800));
        let tagged = any_of([0x8100, 0x88a8, 0x9100].map(|t| cmp(bpf::H, 12, t)));
        assert_eq!(first, tagged.and(cmp_masked(bpf::H, 14, 0xfff, 56)));
        gen.vlan(None).unwrap();
        assert_eq!(gen.nl(), 22, "QinQ: a second tag shifts again");
        assert!(gen.vlan(Some(4096)).is_err());
        assert!(Gen::new(LinkType::LinuxSll2).vlan(None).is_err());
    }

    #[test]
    fn protocols_are_tested_behind_ipv6_fragment_headers_too() {
        let gen = Gen::new(LinkType::Ethernet);
        let tcp6 = gen.proto(6, Proto::Ip6).unwrap();
        assert_eq!(
            tcp6,
            gen.ip6().and(
                cmp(bpf::B, 20, 6).or(cmp(bpf::B, 20, IPPROTO_FRAGMENT).and(cmp(bpf::B, 54, 6)))
            )
        );
        assert_eq!(
            gen.proto(17, Proto::Ip).unwrap(),
            gen.ip().and(cmp(bpf::B, 23, 17))
        );
        assert!(
            gen.proto(6, Proto::Tcp).is_err(),
            "tcp proto 6 means nothing"
        );
    }

    #[test]
    fn byte_access_counts_from_the_layer_it_names() {
        let gen = Gen::new(LinkType::Ethernet);
        let (base, behind_ip_header, _) = gen.byte_base(Proto::Tcp).unwrap();
        assert_eq!((base, behind_ip_header), (Base::At(14), true));
        let (base, behind_ip_header, guard) = gen.byte_base(Proto::Ip).unwrap();
        assert_eq!(
            (base, behind_ip_header, guard),
            (Base::At(14), false, gen.ip())
        );
        let (base, _, _) = gen.byte_base(Proto::Icmp6).unwrap();
        assert_eq!(base, Base::At(54), "after the fixed IPv6 header");
        // On 802.11, past the LLC/SNAP header where the prologue puts the payload.
        let wlan = Gen::new(LinkType::RadioTap);
        let (base, _, _) = wlan.byte_base(Proto::Ip).unwrap();
        assert_eq!(base, Base::Slot(WLAN_PAYLOAD, 8));
        let (base, _, _) = wlan.byte_base(Proto::Link).unwrap();
        assert_eq!(base, Base::Slot(WLAN_LINK, 0), "after RadioTap");
        assert!(
            Gen::new(LinkType::KernelCooked)
                .byte_base(Proto::Link)
                .is_err(),
            "-i any has no link-layer bytes to index"
        );
    }

    #[test]
    fn protocol_names_come_from_the_known_list() {
        assert_eq!(ethertype_by_name("ip6"), Some(0x86dd));
        assert_eq!(ethertype_by_name("nonsense"), None);
        assert_eq!(ip_protocol_by_name("icmp6"), Some(58));
        assert_eq!(ip_protocol_by_name("ipv6-icmp"), Some(58));
        assert_eq!(ip_protocol_by_name("no-such-protocol"), None);
    }
}
