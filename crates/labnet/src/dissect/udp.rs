//! UDP, and what it carries by port, as Scapy binds it: DNS, LLMNR, NBNS, BOOTP/DHCP, DHCPv6, NTP,
//! RIP, HSRP, ESP, ISAKMP, NetFlow, RADIUS, Kerberos (its class), GRE and VXLAN, else Raw.

use super::field::{fixed, Field, Format, Rest, Spec};
use super::{Kind, Walk};
use crate::netbase;

fn service(port: u64) -> Option<&'static str> {
    netbase::service_name(u16::try_from(port).ok()?, "udp")
}

pub const SPORT: Spec = Spec::new("sport", 0, 2, Format::Enum(service));
pub const DPORT: Spec = Spec::new("dport", 2, 2, Format::Enum(service));
const LEN: Spec = Spec::new("len", 4, 2, Format::Int);
const FIELDS: [Spec; 4] = [SPORT, DPORT, LEN, Spec::new("chksum", 6, 2, Format::Hex)];
const HEADER: usize = 8;
const MDNS_PORT: u16 = 5353;

/// A protocol Scapy binds to a UDP port.
#[derive(Clone, Copy)]
enum Bound {
    Dns,
    Gre,
    Vxlan,
    Bootp,
    Ntp,
    Rip,
    Hsrp,
    HsrpV2,
    /// ESP in UDP (NAT traversal, RFC 3948).
    Esp,
    Llmnr,
    Nbns,
    /// The NetBIOS datagram service.
    NbtDatagram,
    Dhcp6,
    Isakmp,
    /// NetFlow, and sFlow's port, which Scapy gives to NetFlow too.
    Netflow,
    Radius,
    Kerberos,
    Tftp,
    L2tp,
    MobileIp,
    Mgcp,
    Snmp,
    /// One labnet does not decode (its payload is Raw): kpasswd, CLDAP, ZEP.
    Other,
}

/// Which port a binding looks at, and the port.
#[derive(Clone, Copy)]
enum Port {
    Source(u16),
    Destination(u16),
    Both(u16, u16),
}

/// Scapy 2.8.0's `UDP.payload_guess`, in its order: the first binding whose ports
/// match decides, even when a later one would match too (DNS from port 53 to 4789).
const BINDINGS: &[(Port, Bound)] = {
    use Bound::*;
    use Port::{Both, Destination as D, Source as S};
    &[
        (D(4754), Gre),
        (D(5353), Dns),
        (S(5353), Dns),
        (D(53), Dns),
        (S(53), Dns),
        (S(88), Kerberos),
        (D(88), Kerberos),
        (S(464), Other),
        (D(464), Other),
        (Both(68, 67), Bootp),
        (Both(67, 68), Bootp),
        (Both(67, 67), Bootp),
        (D(547), Dhcp6),
        (D(546), Dhcp6),
        (D(1985), Hsrp),
        (S(1985), Hsrp),
        (D(2029), HsrpV2),
        (S(2029), HsrpV2),
        (D(4500), Esp),
        (S(4500), Esp),
        (D(500), Isakmp),
        (S(500), Isakmp),
        (D(1701), L2tp),
        (S(1701), L2tp),
        (D(137), Nbns),
        (S(137), Nbns),
        (D(138), NbtDatagram),
        (S(138), NbtDatagram),
        (D(389), Other),
        (S(389), Other),
        (D(5355), Llmnr),
        (S(5355), Llmnr),
        (D(2727), Mgcp),
        (S(2727), Mgcp),
        (D(434), MobileIp),
        (S(434), MobileIp),
        (D(2055), Netflow),
        (S(2055), Netflow),
        (D(2056), Netflow),
        (S(2056), Netflow),
        (D(9995), Netflow),
        (S(9995), Netflow),
        (D(9996), Netflow),
        (S(9996), Netflow),
        (D(6343), Netflow),
        (S(6343), Netflow),
        (S(123), Ntp),
        (D(123), Ntp),
        (S(1812), Radius),
        (D(1812), Radius),
        (S(1813), Radius),
        (D(1813), Radius),
        (S(3799), Radius),
        (D(3799), Radius),
        (D(520), Rip),
        (S(520), Rip),
        (S(161), Snmp),
        (D(161), Snmp),
        (S(162), Snmp),
        (D(162), Snmp),
        (D(69), Tftp),
        (D(4789), Vxlan),
        (D(4790), Vxlan),
        (D(6633), Vxlan),
        (D(8472), Vxlan),
        (D(48879), Vxlan),
        (S(4789), Vxlan),
        (S(4790), Vxlan),
        (S(6633), Vxlan),
        (S(8472), Vxlan),
        (S(17754), Other),
    ]
};

/// One bit per port that some binding names: most datagrams (two unbound ports) are
/// settled by two bit tests instead of a walk through the table (the summary's hot
/// path).
static NAMED_PORTS: [u64; 1024] = {
    let mut bits = [0u64; 1024];
    let mut i = 0;
    while i < BINDINGS.len() {
        let (a, b) = match BINDINGS[i].0 {
            Port::Source(p) | Port::Destination(p) => (p, p),
            Port::Both(s, d) => (s, d),
        };
        bits[a as usize / 64] |= 1 << (a % 64);
        bits[b as usize / 64] |= 1 << (b % 64);
        i += 1;
    }
    bits
};

fn named(port: u16) -> bool {
    NAMED_PORTS[usize::from(port) / 64] & (1 << (port % 64)) != 0
}

fn bound(sport: u16, dport: u16) -> Option<Bound> {
    if !named(sport) && !named(dport) {
        return None;
    }
    BINDINGS.iter().find_map(|&(port, bound)| {
        let matches = match port {
            Port::Source(p) => sport == p,
            Port::Destination(p) => dport == p,
            Port::Both(s, d) => sport == s && dport == d,
        };
        matches.then_some(bound)
    })
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, quoted: bool) {
    let data = walk.data;
    if end < at + HEADER {
        return walk.raw(at, end);
    }
    let (sport, dport) = (SPORT.get(data, at) as u16, DPORT.get(data, at) as u16);
    walk.push(
        Kind::Udp {
            sport,
            dport,
            quoted,
        },
        at..end,
    );
    let payload = at + HEADER;
    // Scapy's UDP (and UDPerror) keeps `len - 8` bytes for its payload, a Python
    // slice of the rest (`len` 0 keeps all but the last 8); the rest is Padding.
    let declared = LEN.get(data, at) as i64 - HEADER as i64;
    let payload_end = Rest { at: payload, end }.slice(declared).end;
    dissect_payload(walk, payload, payload_end, sport, dport, at);
    walk.padding_until(payload_end, end);
}

/// What the UDP header at `at` carries, from `payload` to `end`.
fn dissect_payload(walk: &mut Walk, payload: usize, end: usize, sport: u16, dport: u16, at: usize) {
    let data = walk.data;
    // UDPerror (a quoted header) falls back on UDP's bindings: the same protocols.
    match bound(sport, dport) {
        Some(Bound::Dns) => super::dns::dissect(walk, payload, end, dport == MDNS_PORT),
        Some(Bound::Gre) => super::gre::dissect(walk, payload, end),
        Some(Bound::Vxlan) => super::vxlan::dissect(walk, payload, end),
        Some(Bound::Bootp) => super::dhcp::dissect(walk, payload, end),
        Some(Bound::Ntp) => super::ntp::dissect(walk, payload, end),
        Some(Bound::Rip) => super::rip::dissect(walk, payload, end),
        Some(Bound::Tftp) => super::tftp::dissect(walk, payload, end),
        Some(Bound::L2tp) => super::l2tp::dissect(walk, payload, end),
        Some(Bound::MobileIp) => super::mobileip::dissect(walk, payload, end),
        Some(Bound::Mgcp) => super::mgcp::dissect(walk, payload, end),
        Some(Bound::Snmp) => super::snmp::dissect(walk, payload, end),
        Some(Bound::Esp) => super::ipsec::dissect_esp(walk, payload, end, true),
        Some(Bound::Llmnr) => super::dns::dissect_llmnr(walk, payload, end),
        Some(Bound::Nbns) => super::nbns::dissect(walk, payload, end),
        Some(Bound::NbtDatagram) => super::netbios::dissect_datagram(walk, payload, end),
        Some(Bound::Dhcp6) => super::dhcp6::dissect(walk, payload, end),
        Some(Bound::Isakmp) => super::isakmp::dissect(walk, payload, end),
        Some(Bound::Netflow) => super::netflow::dissect(walk, payload, end),
        Some(Bound::Radius) => super::radius::dissect(walk, payload, end),
        Some(Bound::Kerberos) => super::kerberos::dissect(walk, payload, end),
        Some(bound @ (Bound::Hsrp | Bound::HsrpV2)) => {
            let length = LEN.get(data, at) as u16;
            super::hsrp::dissect(walk, payload, end, length, matches!(bound, Bound::HsrpV2));
        }
        Some(Bound::Other) | None => walk.raw(payload, end),
    }
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&FIELDS, data, at)
}
