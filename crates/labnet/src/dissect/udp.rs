//! UDP, and what it carries: DNS on ports 53 and 5353 (as Scapy binds it), else Raw.

use super::field::{fixed, Field, Format, Spec};
use super::{Kind, Walk};
use crate::netbase;

fn service(port: u64) -> Option<&'static str> {
    netbase::service_name(u16::try_from(port).ok()?, "udp")
}

pub const SPORT: Spec = Spec::new("sport", 0, 2, Format::Enum(service));
pub const DPORT: Spec = Spec::new("dport", 2, 2, Format::Enum(service));
const FIELDS: [Spec; 4] = [
    SPORT,
    DPORT,
    Spec::new("len", 4, 2, Format::Int),
    Spec::new("chksum", 6, 2, Format::Hex),
];
const HEADER: usize = 8;
const DNS_PORT: u16 = 53;
const MDNS_PORT: u16 = 5353;

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
    let ports = [sport, dport];
    if !quoted && (ports.contains(&DNS_PORT) || ports.contains(&MDNS_PORT)) {
        return super::dns::dissect(walk, at + HEADER, end, dport == MDNS_PORT);
    }
    walk.raw(at + HEADER, end);
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    fixed(&FIELDS, data, at)
}
