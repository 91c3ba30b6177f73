//! PPTP's control messages (TCP port 1723, as Scapy binds it): Scapy's `PPTP` picks
//! the class by the low byte of the control message type (its byte 9), one of the 15
//! RFC 2637 messages, each with its fixed fields and its strings (host names, phone
//! numbers, statistics: fixed length, trailing NULs not shown, cut where the data
//! ends); another type is the bare `PPTP` header with its data as `len` says. A
//! message cut inside a number is Raw, as Scapy's fields raise; bytes after it Raw.

use std::ops::Range;

use super::field::{field, fixed, string_field, Field, Format, Rest, Spec, Value};
use super::{Kind, Walk};

/// One of Scapy's message classes: its names, numbers and strings.
struct Message {
    class: &'static str,
    name: &'static str,
    /// The numbers after the header every message starts with ([`HEADER`]).
    numbers: &'static [Spec],
    /// Fixed-length strings after the numbers: name, offset, length.
    strings: &'static [(&'static str, usize, usize)],
}

impl Message {
    /// Where the numbers end (the strings may be cut short after them).
    fn numbers_end(&self) -> usize {
        self.numbers
            .last()
            .map_or(HEADER_LENGTH, |spec| spec.at + spec.len)
    }

    fn length(&self) -> usize {
        self.strings
            .last()
            .map_or(self.numbers_end(), |&(_, at, len)| at + len)
    }
}

/// What the Start Control Connection Request and Reply both have after their first
/// four bytes (Scapy's two classes list these fields alike).
const CAPABILITIES: [Spec; 4] = [
    Spec::new(
        "framing_capabilities",
        16,
        4,
        Format::Flags(&FRAMING_CAPABILITIES_NAMES, "+"),
    ),
    Spec::new(
        "bearer_capabilities",
        20,
        4,
        Format::Flags(&BEARER_CAPABILITIES_NAMES, "+"),
    ),
    Spec::new("maximum_channels", 24, 2, Format::Int),
    Spec::new("firmware_revision", 26, 2, Format::Int),
];
const HOST_AND_VENDOR: [(&str, usize, usize); 2] =
    [("host_name", 28, 64), ("vendor_string", 92, 64)];

/// The messages by control message type, 1 to 15 (`PPTP.registered_options`).
const MESSAGES: [Message; 15] = [
    Message {
        class: "PPTPStartControlConnectionRequest",
        name: "PPTP Start Control Connection Request",
        numbers: &[
            Spec::new("protocol_version", 12, 2, Format::Int),
            Spec::new("reserved_1", 14, 2, Format::Hex),
            CAPABILITIES[0],
            CAPABILITIES[1],
            CAPABILITIES[2],
            CAPABILITIES[3],
        ],
        strings: &HOST_AND_VENDOR,
    },
    Message {
        class: "PPTPStartControlConnectionReply",
        name: "PPTP Start Control Connection Reply",
        numbers: &[
            Spec::new("protocol_version", 12, 2, Format::Int),
            Spec::new("result_code", 14, 1, Format::Enum(start_result)),
            Spec::new("error_code", 15, 1, Format::Enum(general_error)),
            CAPABILITIES[0],
            CAPABILITIES[1],
            CAPABILITIES[2],
            CAPABILITIES[3],
        ],
        strings: &HOST_AND_VENDOR,
    },
    Message {
        class: "PPTPStopControlConnectionRequest",
        name: "PPTP Stop Control Connection Request",
        numbers: &[
            Spec::new("reason", 12, 1, Format::Enum(stop_reason)),
            Spec::new("reserved_1", 13, 1, Format::Hex),
            Spec::new("reserved_2", 14, 2, Format::Hex),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPStopControlConnectionReply",
        name: "PPTP Stop Control Connection Reply",
        numbers: &[
            Spec::new("result_code", 12, 1, Format::Enum(stop_or_echo_result)),
            Spec::new("error_code", 13, 1, Format::Enum(general_error)),
            Spec::new("reserved_2", 14, 2, Format::Hex),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPEchoRequest",
        name: "PPTP Echo Request",
        numbers: &[Spec::new("identifier", 12, 4, Format::Int)],
        strings: &[],
    },
    Message {
        class: "PPTPEchoReply",
        name: "PPTP Echo Reply",
        numbers: &[
            Spec::new("identifier", 12, 4, Format::Int),
            Spec::new("result_code", 16, 1, Format::Enum(stop_or_echo_result)),
            Spec::new("error_code", 17, 1, Format::Enum(general_error)),
            Spec::new("reserved_1", 18, 2, Format::Hex),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPOutgoingCallRequest",
        name: "PPTP Outgoing Call Request",
        numbers: &[
            Spec::new("call_id", 12, 2, Format::Int),
            Spec::new("call_serial_number", 14, 2, Format::Int),
            Spec::new("minimum_bps", 16, 4, Format::Int),
            Spec::new("maximum_bps", 20, 4, Format::Int),
            Spec::new("bearer_type", 24, 4, Format::Enum(bearer_type)),
            Spec::new("framing_type", 28, 4, Format::Enum(framing_type)),
            Spec::new("pkt_window_size", 32, 2, Format::Int),
            Spec::new("pkt_proc_delay", 34, 2, Format::Int),
            Spec::new("phone_number_len", 36, 2, Format::Int),
            Spec::new("reserved_1", 38, 2, Format::Hex),
        ],
        strings: &[("phone_number", 40, 64), ("subaddress", 104, 64)],
    },
    Message {
        class: "PPTPOutgoingCallReply",
        name: "PPTP Outgoing Call Reply",
        numbers: &[
            Spec::new("call_id", 12, 2, Format::Int),
            Spec::new("peer_call_id", 14, 2, Format::Int),
            Spec::new("result_code", 16, 1, Format::Enum(call_result)),
            Spec::new("error_code", 17, 1, Format::Enum(general_error)),
            Spec::new("cause_code", 18, 2, Format::Int),
            Spec::new("connect_speed", 20, 4, Format::Int),
            Spec::new("pkt_window_size", 24, 2, Format::Int),
            Spec::new("pkt_proc_delay", 26, 2, Format::Int),
            Spec::new("channel_id", 28, 4, Format::Int),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPIncomingCallRequest",
        name: "PPTP Incoming Call Request",
        numbers: &[
            Spec::new("call_id", 12, 2, Format::Int),
            Spec::new("call_serial_number", 14, 2, Format::Int),
            Spec::new("bearer_type", 16, 4, Format::Enum(bearer_type)),
            Spec::new("channel_id", 20, 4, Format::Int),
            Spec::new("dialed_number_len", 24, 2, Format::Int),
            Spec::new("dialing_number_len", 26, 2, Format::Int),
        ],
        strings: &[
            ("dialed_number", 28, 64),
            ("dialing_number", 92, 64),
            ("subaddress", 156, 64),
        ],
    },
    Message {
        class: "PPTPIncomingCallReply",
        name: "PPTP Incoming Call Reply",
        numbers: &[
            Spec::new("call_id", 12, 2, Format::Int),
            Spec::new("peer_call_id", 14, 2, Format::Int),
            Spec::new("result_code", 16, 1, Format::Enum(call_result)),
            Spec::new("error_code", 17, 1, Format::Enum(general_error)),
            Spec::new("pkt_window_size", 18, 2, Format::Int),
            Spec::new("pkt_transmit_delay", 20, 2, Format::Int),
            Spec::new("reserved_1", 22, 2, Format::Hex),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPIncomingCallConnected",
        name: "PPTP Incoming Call Connected",
        numbers: &[
            Spec::new("peer_call_id", 12, 2, Format::Int),
            Spec::new("reserved_1", 14, 2, Format::Hex),
            Spec::new("connect_speed", 16, 4, Format::Int),
            Spec::new("pkt_window_size", 20, 2, Format::Int),
            Spec::new("pkt_transmit_delay", 22, 2, Format::Int),
            Spec::new("framing_type", 24, 4, Format::Enum(framing_type)),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPCallClearRequest",
        name: "PPTP Call Clear Request",
        numbers: &[
            Spec::new("call_id", 12, 2, Format::Int),
            Spec::new("reserved_1", 14, 2, Format::Hex),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPCallDisconnectNotify",
        name: "PPTP Call Disconnect Notify",
        numbers: &[
            Spec::new("call_id", 12, 2, Format::Int),
            Spec::new("result_code", 14, 1, Format::Enum(disconnect_result)),
            Spec::new("error_code", 15, 1, Format::Enum(general_error)),
            Spec::new("cause_code", 16, 2, Format::Int),
            Spec::new("reserved_1", 18, 2, Format::Hex),
        ],
        strings: &[("call_statistic", 20, 128)],
    },
    Message {
        class: "PPTPWANErrorNotify",
        name: "PPTP WAN Error Notify",
        numbers: &[
            Spec::new("peer_call_id", 12, 2, Format::Int),
            Spec::new("reserved_1", 14, 2, Format::Hex),
            Spec::new("crc_errors", 16, 4, Format::Int),
            Spec::new("framing_errors", 20, 4, Format::Int),
            Spec::new("hardware_overruns", 24, 4, Format::Int),
            Spec::new("buffer_overruns", 28, 4, Format::Int),
            Spec::new("time_out_errors", 32, 4, Format::Int),
            Spec::new("alignment_errors", 36, 4, Format::Int),
        ],
        strings: &[],
    },
    Message {
        class: "PPTPSetLinkInfo",
        name: "PPTP Set Link Info",
        numbers: &[
            Spec::new("peer_call_id", 12, 2, Format::Int),
            Spec::new("reserved_1", 14, 2, Format::Hex),
            Spec::new("send_accm", 16, 4, Format::Hex),
            Spec::new("receive_accm", 20, 4, Format::Hex),
        ],
        strings: &[],
    },
];

/// The header every message starts with; in the bare `PPTP` class (a type no class
/// registers), `data` of `len - 12` bytes follows, as Python slices it.
const HEADER: [Spec; 5] = [
    Spec::new("len", 0, 2, Format::Int),
    Spec::new("type", 2, 2, Format::Enum(message_type_name)),
    Spec::new("magic_cookie", 4, 4, Format::Hex),
    Spec::new("ctrl_msg_type", 8, 2, Format::Enum(control_message_type)),
    Spec::new("reserved_0", 10, 2, Format::Hex),
];
const HEADER_LENGTH: usize = 12;

/// Scapy's class for the message at `at`: 1 to 15, or 0 for the bare header.
fn message_type(data: &[u8], at: usize) -> u8 {
    match data[at + 9] {
        number @ 1..=15 => number,
        _ => 0,
    }
}

/// Where the message from `at` ends, if Scapy can read it.
fn message_end(data: &[u8], at: usize, end: usize, kind: u8) -> Option<usize> {
    if kind == 0 {
        if end < at + HEADER_LENGTH {
            return None;
        }
        let declared = HEADER[0].get(data, at) as i64 - HEADER_LENGTH as i64;
        return Some(
            Rest {
                at: at + HEADER_LENGTH,
                end,
            }
            .slice(declared)
            .end,
        );
    }
    let message = &MESSAGES[usize::from(kind) - 1];
    (end >= at + message.numbers_end()).then(|| end.min(at + message.length()))
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    // Scapy's dispatch hook reads byte 9: fewer bytes, and it raises.
    if end < at + 10 {
        return walk.raw(at, end);
    }
    let kind = message_type(walk.data, at);
    match message_end(walk.data, at, end, kind) {
        Some(message_end) => {
            walk.push(Kind::Pptp(kind), at..message_end);
            walk.raw(message_end, end);
        }
        None => walk.raw(at, end),
    }
}

pub(super) fn names(kind: u8) -> (&'static str, &'static str) {
    match kind {
        1..=15 => {
            let message = &MESSAGES[usize::from(kind) - 1];
            (message.class, message.name)
        }
        _ => ("PPTP", "PPTP"),
    }
}

pub(super) fn fields(data: &[u8], range: Range<usize>, kind: u8) -> Vec<Field> {
    let at = range.start;
    if kind == 0 {
        let mut out = fixed(&HEADER, data, at);
        let bytes = at + HEADER_LENGTH..range.end;
        out.push(field(
            "data",
            bytes.clone(),
            Value::Bytes(data[bytes].to_vec()),
        ));
        return out;
    }
    let message = &MESSAGES[usize::from(kind) - 1];
    let mut out = fixed(&HEADER, data, at);
    out.extend(fixed(message.numbers, data, at));
    for &(name, offset, len) in message.strings {
        out.push(string_field(
            name,
            data,
            at + offset..at + offset + len,
            range.end,
        ));
    }
    out
}

fn message_type_name(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Control Message",
        2 => "Managemenent Message",
        _ => return None,
    })
}
fn control_message_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Start-Control-Connection-Request",
        2 => "Start-Control-Connection-Reply",
        3 => "Stop-Control-Connection-Request",
        4 => "Stop-Control-Connection-Reply",
        5 => "Echo-Request",
        6 => "Echo-Reply",
        7 => "Outgoing-Call-Request",
        8 => "Outgoing-Call-Reply",
        9 => "Incoming-Call-Request",
        10 => "Incoming-Call-Reply",
        11 => "Incoming-Call-Connected",
        12 => "Call-Clear-Request",
        13 => "Call-Disconnect-Notify",
        14 => "WAN-Error-Notify",
        15 => "Set-Link-Info",
        _ => return None,
    })
}
fn start_result(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "OK",
        2 => "General error",
        3 => "Command channel already exists",
        4 => "Not authorized",
        5 => "Unsupported protocol version",
        _ => return None,
    })
}
fn general_error(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "None",
        1 => "Not-Connected",
        2 => "Bad-Format",
        3 => "Bad-Value",
        4 => "No-Resource",
        5 => "Bad-Call ID",
        6 => "PAC-Error",
        _ => return None,
    })
}
fn stop_reason(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "None",
        2 => "Stop-Protocol",
        3 => "Stop-Local-Shutdown",
        _ => return None,
    })
}
fn stop_or_echo_result(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "OK",
        2 => "General error",
        _ => return None,
    })
}
fn bearer_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Analog channel",
        2 => "Digital channel",
        3 => "Any type of channel",
        _ => return None,
    })
}
fn framing_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Asynchronous framing",
        2 => "Synchronous framing",
        3 => "Any type of framing",
        _ => return None,
    })
}
fn call_result(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Connected",
        2 => "General error",
        3 => "No Carrier",
        4 => "Busy",
        5 => "No dial tone",
        6 => "Time-out",
        7 => "Do not accept",
        _ => return None,
    })
}
fn disconnect_result(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Lost Carrier",
        2 => "General error",
        3 => "Admin Shutdown",
        4 => "Request",
        _ => return None,
    })
}
const FRAMING_CAPABILITIES_NAMES: [&str; 2] = [
    "Asynchronous Framing supported",
    "Synchronous Framing supported",
];
const BEARER_CAPABILITIES_NAMES: [&str; 2] =
    ["Analog access supported", "Digital access supported"];
