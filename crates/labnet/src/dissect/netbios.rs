//! NetBIOS over TCP/IP's datagram service (UDP port 138) and session service (TCP
//! ports 139 and 445) as Scapy 2.8.0 reads them: `NBTDatagram`, its fixed header
//! with the source and destination NetBIOS names (decoded as NBNS's are), and
//! `NBTSession`, its type and 17-bit length (bytes past that length are Padding);
//! each carries SMB ([`super::smb`]).

use std::ops::Range;

use super::field::{fixed, Field, Format, Spec};
use super::nbns::{name_field, suffix_name};
use super::{Kind, Walk};

/// A NetBIOS service header, in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Datagram,
    Session,
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Datagram => ("NBTDatagram", "NBT Datagram Packet"),
            Class::Session => ("NBTSession", "NBT Session Packet"),
        }
    }
}

fn session_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0x00 => "Session Message",
        0x81 => "Session Request",
        0x82 => "Positive Session Response",
        0x83 => "Negative Session Response",
        0x84 => "Retarget Session Response",
        0x85 => "Session Keepalive",
        _ => return None,
    })
}

const LENGTH: Spec = Spec::bits("LENGTH", 1, 3, 0x01_ffff, Format::Int);
const SESSION: [Spec; 3] = [
    Spec::new("TYPE", 0, 1, Format::Enum(session_type)),
    Spec::bits("RESERVED", 1, 3, 0xfe_0000, Format::Int),
    LENGTH,
];
const SESSION_LENGTH: usize = 4;

const DATAGRAM_HEAD: [Spec; 7] = [
    Spec::new("Type", 0, 1, Format::Int),
    Spec::new("Flags", 1, 1, Format::Int),
    Spec::new("ID", 2, 2, Format::Int),
    Spec::new("SourceIP", 4, 4, Format::Ipv4),
    Spec::new("SourcePort", 8, 2, Format::Int),
    Spec::new("Length", 10, 2, Format::Int),
    Spec::new("Offset", 12, 2, Format::Int),
];
/// Each name (31 bytes) is followed by its suffix and a NUL byte.
const SOURCE_NAME: usize = 14;
const SOURCE_SUFFIX: [Spec; 2] = [
    Spec::new("SUFFIX1", 45, 2, Format::Enum(suffix_name)),
    Spec::new("NULL1", 47, 1, Format::Int),
];
const DESTINATION_NAME: usize = 48;
const DESTINATION_SUFFIX: [Spec; 2] = [
    Spec::new("SUFFIX2", 79, 2, Format::Enum(suffix_name)),
    Spec::new("NULL2", 81, 1, Format::Int),
];
const DATAGRAM_LENGTH: usize = 82;

/// The datagram service at `at` (the UDP payload, to `end`): Raw when its header is
/// cut short (Scapy's fields raise).
pub(super) fn dissect_datagram(walk: &mut Walk, at: usize, end: usize) {
    if end - at < DATAGRAM_LENGTH {
        return walk.raw(at, end);
    }
    walk.push(Kind::Netbios(Class::Datagram), at..at + DATAGRAM_LENGTH);
    super::smb::dissect(walk, at + DATAGRAM_LENGTH, end);
}

/// The session service at `at` (the TCP payload, to `end`): SMB in the first
/// `LENGTH` bytes after the header, Padding after them.
pub(super) fn dissect_session(walk: &mut Walk, at: usize, end: usize) {
    if end - at < SESSION_LENGTH {
        return walk.raw(at, end);
    }
    walk.push(Kind::Netbios(Class::Session), at..at + SESSION_LENGTH);
    let payload = at + SESSION_LENGTH;
    let payload_end = (payload + LENGTH.get(walk.data, at) as usize).min(end);
    super::smb::dissect(walk, payload, payload_end);
    walk.padding_until(payload_end, end);
}

pub(super) fn fields(data: &[u8], range: Range<usize>, class: Class) -> Vec<Field> {
    let at = range.start;
    match class {
        Class::Session => fixed(&SESSION, data, at),
        Class::Datagram => {
            let mut out = fixed(&DATAGRAM_HEAD, data, at);
            out.push(name_field("SourceName", data, at + SOURCE_NAME, range.end));
            out.extend(fixed(&SOURCE_SUFFIX, data, at));
            out.push(name_field(
                "DestinationName",
                data,
                at + DESTINATION_NAME,
                range.end,
            ));
            out.extend(fixed(&DESTINATION_SUFFIX, data, at));
            out
        }
    }
}
