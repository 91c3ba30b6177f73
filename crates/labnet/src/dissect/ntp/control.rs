//! NTP control messages (mode 6, ntpq's; RFC 9327) as Scapy's `NTPControl` reads
//! them: the header, the status word in the class its context picks (system, peer,
//! clock or error status; a plain number in requests), the data (a list of
//! association ids and peer statuses in a read-status response for the system,
//! else a string), padded to 4 bytes, and an authenticator after it.

use std::ops::Range;

use super::super::field::{
    field, fixed, packet_list, zero_defaults, Field, Format, Group, Rest, Spec, Value,
};
use super::{authenticator_fields, LEAP, MODE, VERSION};

const HEAD: [Spec; 8] = [
    LEAP,
    VERSION,
    MODE,
    Spec::bits("response", 1, 1, 0x80, Format::Int),
    Spec::bits("err", 1, 1, 0x40, Format::Int),
    Spec::bits("more", 1, 1, 0x20, Format::Int),
    Spec::bits("op_code", 1, 1, 0x1f, Format::Enum(op_code)),
    Spec::new("sequence", 2, 2, Format::Int),
];
const STATUS: Spec = Spec::new("status", 0, 2, Format::Int);
const AFTER_STATUS: [Spec; 3] = [
    Spec::new("association_id", 0, 2, Format::Int),
    Spec::new("offset", 2, 2, Format::Int),
    Spec::new("count", 4, 2, Format::Int),
];
const SYSTEM_STATUS: [Spec; 4] = [
    Spec::bits("leap_indicator", 0, 2, 0xc000, Format::Enum(system_status)),
    Spec::bits("clock_source", 0, 2, 0x3f00, Format::Enum(clock_source)),
    Spec::bits("system_event_counter", 0, 2, 0x00f0, Format::Int),
    Spec::bits(
        "system_event_code",
        0,
        2,
        0x000f,
        Format::Enum(system_event),
    ),
];
const PEER_STATUS: [Spec; 8] = [
    Spec::bits("configured", 0, 2, 0x8000, Format::Int),
    Spec::bits("auth_enabled", 0, 2, 0x4000, Format::Int),
    Spec::bits("authentic", 0, 2, 0x2000, Format::Int),
    Spec::bits("reachability", 0, 2, 0x1000, Format::Int),
    Spec::bits("reserved", 0, 2, 0x0800, Format::Int),
    Spec::bits("peer_sel", 0, 2, 0x0700, Format::Enum(peer_selection)),
    Spec::bits("peer_event_counter", 0, 2, 0x00f0, Format::Int),
    Spec::bits("peer_event_code", 0, 2, 0x000f, Format::Enum(peer_event)),
];
const CLOCK_STATUS: [Spec; 2] = [
    Spec::new("clock_status", 0, 1, Format::Enum(clock_status)),
    Spec::new("code", 1, 1, Format::Int),
];
const ERROR_STATUS: [Spec; 2] = [
    Spec::new("error_code", 0, 1, Format::Enum(error_status)),
    Spec::new("reserved", 1, 1, Format::Int),
];
const PEER_STATUS_NAME: &str = "peer status";

fn op_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "CTL_OP_UNSPEC",
        1 => "CTL_OP_READSTAT",
        2 => "CTL_OP_READVAR",
        3 => "CTL_OP_WRITEVAR",
        4 => "CTL_OP_READCLOCK",
        5 => "CTL_OP_WRITECLOCK",
        6 => "CTL_OP_SETTRAP",
        7 => "CTL_OP_ASYNCMSG",
        8 => "CTL_OP_CONFIGURE",
        9 => "CTL_OP_SAVECONFIG",
        10 => "CTL_OP_READ_MRU",
        11 => "CTL_OP_READ_ORDLIST_A",
        12 => "CTL_OP_REQ_NONCE",
        31 => "CTL_OP_UNSETTRAP",
        _ => return None,
    })
}

fn system_status(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "no warning",
        1 => "last minute was 61 seconds",
        2 => "last minute was 59 seconds",
        3 => "alarm condition (clock not synchronized)",
        _ => return None,
    })
}

/// Scapy's names, its leading space included.
fn clock_source(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "unspecified or unknown",
        1 => " Calibrated atomic clock",
        2 => "VLF (band 4) or LF (band 5) radio",
        3 => "HF (band 7) radio",
        4 => "UHF (band 9) satellite",
        5 => "local net",
        6 => "UDP/NTP",
        7 => "UDP/TIME",
        8 => "eyeball-and-wristwatch",
        9 => "telephone modem",
        _ => return None,
    })
}

fn system_event(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "unspecified",
        1 => "system restart",
        2 => "system or hardware fault",
        3 => "system new status word (leap bits or synchronization change)",
        4 => "system new synchronization source or stratum (sys.peer or sys.stratum change)",
        5 => "system clock reset (offset correction exceeds CLOCK.MAX)",
        6 => "system invalid time or date",
        7 => "system clock exception",
        _ => return None,
    })
}

fn peer_selection(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "rejected",
        1 => "passed sanity checks",
        2 => "passed correctness checks",
        3 => "passed candidate checks",
        4 => "passed outlyer checks",
        5 => "current synchronization source; max distance exceeded",
        6 => "current synchronization source; max distance okay",
        7 => "reserved",
        _ => return None,
    })
}

fn peer_event(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "unspecified",
        1 => "peer IP error",
        2 => "peer authentication failure",
        3 => "peer unreachable",
        4 => "peer reachable",
        5 => "peer clock exception",
        _ => return None,
    })
}

fn clock_status(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "clock operating within nominals",
        1 => "reply timeout",
        2 => "bad reply format",
        3 => "hardware or software fault",
        4 => "propagation failure",
        5 => "bad date format or value",
        6 => "bad time format or value",
        _ => return None,
    })
}

fn error_status(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "unspecified",
        1 => "authentication failure",
        2 => "invalid message length or format",
        3 => "invalid opcode",
        4 => "unknown association identifier",
        5 => "unknown variable name",
        6 => "invalid variable value",
        7 => "administratively prohibited",
        _ => return None,
    })
}

/// The fields of the control message in `range` (a message of 8 bytes or more), or
/// `None` where Scapy gives the class up (a field cut short: the message is Raw).
pub(super) fn fields(data: &[u8], range: Range<usize>) -> Option<Vec<Field>> {
    let at = range.start;
    let mut rest = Rest { at, end: range.end };
    let mut fields = rest.prefix(data, &HEAD)?;
    let flags = data[at + 1];
    let (response, error, operation) = (flags & 0x80 != 0, flags & 0x40 != 0, flags & 0x1f);
    let status = rest.take(2)?;
    let association = u16::from_be_bytes([data[status.end], data[status.end + 1]]);
    if !response || matches!(operation, 6 | 7) {
        fields.extend(STATUS.field(data, status.start));
    } else {
        // NTPControlStatusField: the class by the error bit, then the operation,
        // then the association id after the status.
        let (name, specs): (_, &[Spec]) = if error {
            ("error status", &ERROR_STATUS)
        } else if matches!(operation, 4 | 5) {
            ("clock status", &CLOCK_STATUS)
        } else if association != 0 {
            (PEER_STATUS_NAME, &PEER_STATUS)
        } else {
            ("system status", &SYSTEM_STATUS)
        };
        let group = Group::new(name, status.clone(), fixed(specs, data, status.start));
        fields.push(field("status", status, Value::Packets(vec![group])));
    }
    fields.extend(rest.prefix(data, &AFTER_STATUS)?);
    let count = u16::from_be_bytes([data[at + 10], data[at + 11]]);
    let region = rest.slice(i64::from(count));
    let value = if response && operation == 1 && association == 0 {
        let items = packet_list(data, region.clone(), |rest| peer_status_item(data, rest))?;
        Value::Packets(items)
    } else {
        Value::Bytes(data[region.clone()].to_vec())
    };
    let padded = rest.pad(&region, 4);
    fields.push(field("data", padded, value));
    // MayEnd: nothing after the data leaves the authenticator at its default.
    let tail = rest.at..rest.end;
    let authenticator = if tail.is_empty() {
        Value::Bytes(Vec::new())
    } else if tail.len() < 4 {
        return None;
    } else {
        let fields = authenticator_fields(data, tail.clone());
        Value::Packets(vec![Group::new("Authenticator", tail.clone(), fields)])
    };
    fields.push(field("authenticator", tail, authenticator));
    Some(fields)
}

/// One association of a read-status response: its id and its peer status (Scapy's
/// default status from no bytes).
fn peer_status_item(data: &[u8], rest: &mut Rest) -> Option<Group> {
    let at = rest.at;
    let mut fields = fixed(&AFTER_STATUS[..1], data, rest.take(2)?.start);
    let status = if rest.at == rest.end {
        zero_defaults(&PEER_STATUS, rest.at)
    } else {
        rest.prefix(data, &PEER_STATUS)?
    };
    let range = at + 2..rest.at;
    let group = Group::new(PEER_STATUS_NAME, range.clone(), status);
    fields.push(field("peer_status", range, Value::Packets(vec![group])));
    Some(Group::new("data / peer status", at..rest.at, fields))
}
