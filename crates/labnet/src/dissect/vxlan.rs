//! VXLAN (RFC 7348, and the GPE and group-policy extensions Scapy knows) on the UDP
//! ports Scapy binds it to, and the frame it carries: Ethernet, or what the GPE next
//! protocol names. The fields between the flags and the VNI depend on the flags, in
//! Scapy's order; a header cut short is Raw.

use super::field::{fixed, push_fields, Field, Format, Spec};
use super::{Kind, Walk};

const FLAG_NAMES: &[&str] = &["OAM", "R", "NextProtocol", "Instance", "V1", "V2", "R", "G"];
const GROUP_POLICY_FLAG_NAMES: &[&str] = &["R", "R", "R", "A", "R", "R", "D", "R"];
const FLAGS: Spec = Spec::new("flags", 0, 1, Format::Flags(FLAG_NAMES, "+"));
const NEXT_PROTOCOL_FLAG: u64 = 0x04;
const GROUP_POLICY_FLAG: u64 = 0x80;

fn next_protocol(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "NotDefined",
        1 => "IPv4",
        2 => "IPv6",
        3 => "Ethernet",
        4 => "NSH",
        _ => return None,
    })
}

/// The header's fields after the flags, at their offsets for these flags.
fn layout(flags: u64) -> Vec<Spec> {
    let mut specs = Vec::with_capacity(6);
    let mut next = 1;
    let mut add = |name, len, format| {
        specs.push(Spec::new(name, next, len, format));
        next += len;
    };
    let (gpe, group_policy) = (
        flags & NEXT_PROTOCOL_FLAG != 0,
        flags & GROUP_POLICY_FLAG != 0,
    );
    if gpe {
        add("reserved0", 2, Format::Int);
        add("NextProtocol", 1, Format::Enum(next_protocol));
    }
    if !gpe && !group_policy {
        add("reserved1", 3, Format::Int);
    }
    if group_policy {
        add("gpflags", 1, Format::Flags(GROUP_POLICY_FLAG_NAMES, "+"));
        add("gpid", 2, Format::Int);
    }
    add("vni", 3, Format::Hex);
    add("reserved2", 1, Format::Hex);
    specs
}

fn spec<'a>(specs: &'a [Spec], name: &str) -> Option<&'a Spec> {
    specs.iter().find(|s| s.name == name)
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    if end <= at || walk.too_deep() {
        return walk.raw(at, end);
    }
    let flags = FLAGS.get(data, at);
    let specs = layout(flags);
    let header = specs.last().map_or(1, Spec::end);
    if end < at + header {
        return walk.raw(at, end);
    }
    let vni = spec(&specs, "vni").map_or(0, |s| s.get(data, at)) as u32;
    let group_policy = spec(&specs, "gpid").map(|s| s.get(data, at) as u16);
    walk.push(Kind::Vxlan { vni, group_policy }, at..end);
    let payload = at + header;
    // Scapy binds the payload by NextProtocol, which is absent (None: Ethernet)
    // without the GPE flag.
    let next = spec(&specs, "NextProtocol").map(|s| s.get(data, at));
    walk.within(end, |walk| match next {
        None | Some(0) | Some(3) => super::ether::dissect(walk, payload),
        Some(1) => super::ipv4::dissect(walk, payload, false),
        Some(2) => super::ipv6::dissect(walk, payload, false),
        Some(_) => walk.raw(payload, end),
    });
}

pub(super) fn fields(data: &[u8], at: usize) -> Vec<Field> {
    let mut out = fixed(&[FLAGS], data, at);
    push_fields(&layout(FLAGS.get(data, at)), data, at, &mut out);
    out
}
