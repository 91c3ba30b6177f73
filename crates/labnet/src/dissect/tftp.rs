//! TFTP as Scapy 2.8.0 binds it (UDP to port 69, so a transfer's requests, not the
//! data that flows between two other ports): its `TFTP` opcode, then the message the
//! opcode names: read and write requests (file name and mode, then any options as
//! `TFTP_Options`), data and acknowledgements (the block number; data is Raw),
//! errors, and option acknowledgements (no fields, then `TFTP_Options`). Its strings
//! are StrNullFields: to a NUL, or all that is left.

use std::ops::Range;

use super::field::{field, fixed, Field, Format, Group, Spec, Value};
use super::{Kind, Walk};

/// A TFTP header or message, in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Opcode,
    ReadRequest,
    WriteRequest,
    Data,
    Ack,
    Error,
    OptionAck,
    Options,
}

impl Class {
    pub(super) fn names(self) -> (&'static str, &'static str) {
        match self {
            Class::Opcode => ("TFTP", "TFTP opcode"),
            Class::ReadRequest => ("TFTP_RRQ", "TFTP Read Request"),
            Class::WriteRequest => ("TFTP_WRQ", "TFTP Write Request"),
            Class::Data => ("TFTP_DATA", "TFTP Data"),
            Class::Ack => ("TFTP_ACK", "TFTP Ack"),
            Class::Error => ("TFTP_ERROR", "TFTP Error"),
            Class::OptionAck => ("TFTP_OACK", "TFTP Option Ack"),
            Class::Options => ("TFTP_Options", "TFTP_Options"),
        }
    }
}

fn operation(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "RRQ",
        2 => "WRQ",
        3 => "DATA",
        4 => "ACK",
        5 => "ERROR",
        6 => "OACK",
        _ => return None,
    })
}

fn error_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Not defined",
        1 => "File not found",
        2 => "Access violation",
        3 => "Disk full or allocation exceeded",
        4 => "Illegal TFTP operation",
        5 => "Unknown transfer ID",
        6 => "File already exists",
        7 => "No such user",
        8 => "Terminate transfer due to option negotiation",
        _ => return None,
    })
}

const OPCODE: Spec = Spec::new("op", 0, 2, Format::Enum(operation));
const BLOCK: Spec = Spec::new("block", 0, 2, Format::Int);
const ERROR_CODE: Spec = Spec::new("errorcode", 0, 2, Format::Enum(error_code));

/// TFTP from `at` to `end` (a UDP payload, not empty): a message Scapy cannot read
/// (an opcode or number cut short) is Raw, as is what follows data, an
/// acknowledgement or an error.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    if end < at + 2 {
        return walk.raw(at, end);
    }
    walk.push(Kind::Tftp(Class::Opcode), at..at + 2);
    let body = at + 2;
    if body >= end {
        return;
    }
    let data = walk.data;
    match OPCODE.get(data, at) {
        op @ (1 | 2) => {
            let class = if op == 1 {
                Class::ReadRequest
            } else {
                Class::WriteRequest
            };
            let mode_end = string_end(data, string_end(data, body, end), end);
            walk.push(Kind::Tftp(class), body..mode_end);
            if mode_end < end {
                walk.push(Kind::Tftp(Class::Options), mode_end..end);
            }
        }
        op @ 3..=5 if end >= body + 2 => {
            let (class, message_end) = match op {
                3 => (Class::Data, body + 2),
                4 => (Class::Ack, body + 2),
                _ => (Class::Error, string_end(data, body + 2, end)),
            };
            walk.push(Kind::Tftp(class), body..message_end);
            walk.raw(message_end, end);
        }
        6 => {
            walk.push(Kind::Tftp(Class::OptionAck), body..body);
            walk.push(Kind::Tftp(Class::Options), body..end);
        }
        _ => walk.raw(body, end),
    }
}

/// Where a StrNullField from `at` ends: past its NUL, or at `end`.
fn string_end(data: &[u8], at: usize, end: usize) -> usize {
    data[at..end]
        .iter()
        .position(|&byte| byte == 0)
        .map_or(end, |nul| at + nul + 1)
}

/// A StrNullField over `at..end` (its NUL included in its bytes, not its value), and
/// where the next field starts.
fn string(name: &'static str, data: &[u8], at: usize, end: usize) -> (Field, usize) {
    let next = string_end(data, at, end);
    let text = &data[at..next];
    let value = text.strip_suffix(&[0]).unwrap_or(text);
    (field(name, at..next, Value::Bytes(value.to_vec())), next)
}

pub(super) fn fields(data: &[u8], range: Range<usize>, class: Class) -> Vec<Field> {
    let (at, end) = (range.start, range.end);
    match class {
        Class::Opcode => fixed(&[OPCODE], data, at),
        Class::ReadRequest | Class::WriteRequest => {
            let (filename, next) = string("filename", data, at, end);
            let (mode, _) = string("mode", data, next, end);
            vec![filename, mode]
        }
        Class::Data | Class::Ack => fixed(&[BLOCK], data, at),
        Class::Error => {
            let mut out = fixed(&[ERROR_CODE], data, at);
            out.push(string("errormsg", data, at + 2, end).0);
            out
        }
        Class::OptionAck => Vec::new(),
        Class::Options => {
            let mut options = Vec::new();
            let mut next = at;
            while next < end {
                let (name, value_at) = string("oname", data, next, end);
                let (value, option_end) = string("value", data, value_at, end);
                options.push(Group::new(
                    "TFTP_Option",
                    next..option_end,
                    vec![name, value],
                ));
                next = option_end;
            }
            vec![field("options", range, Value::Packets(options))]
        }
    }
}

/// Scapy's `mysummary` of a request, data, acknowledgement or error (each asks for
/// UDP's too), `None` for the others.
pub fn summary(data: &[u8], range: Range<usize>, class: Class) -> Option<String> {
    let fields = fields(data, range, class);
    Some(match class {
        Class::ReadRequest => format!("RRQ {}", fields[0].value),
        Class::WriteRequest => format!("WRQ {}", fields[0].value),
        Class::Data => format!("DATA {}", fields[0].value),
        Class::Ack => format!("ACK {}", fields[0].value),
        Class::Error => format!("ERROR {}: {}", fields[0].value, fields[1].value),
        _ => return None,
    })
}
