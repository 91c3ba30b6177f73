//! HTTP/1.x messages, recognised by their first line on any TCP port (the handout's
//! server is on 5000): the request or status line and the headers as one application
//! layer, the body after it as Raw.
//!
//! Field names are those of Scapy's HTTPRequest and HTTPResponse (`Method`, `Path`,
//! `Http_Version`, `Host`, `User_Agent`, ...). Where Scapy lists every header it knows
//! (absent ones as `None`) and gathers the rest into `Unknown_Headers`, labnet lists
//! the headers the message has, in the order they are on the wire (so that each has
//! its own bytes), unknown ones under their own names.

use std::borrow::Cow;
use std::ops::Range;

use super::field::{field, Field};
use super::{Kind, Value, Walk};

const METHODS: [&[u8]; 9] = [
    b"GET ",
    b"POST ",
    b"HEAD ",
    b"PUT ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
    b"TRACE ",
];

/// Whether a TCP payload starts an HTTP message: `Some(true)` a request,
/// `Some(false)` a response.
pub(super) fn starts_message(payload: &[u8]) -> Option<bool> {
    if METHODS.iter().any(|m| payload.starts_with(m)) {
        Some(true)
    } else if payload.starts_with(b"HTTP/1.") {
        Some(false)
    } else {
        None
    }
}

/// Where the header block ends: after the blank line, or at the end of the segment
/// when the headers go on in the next one.
fn header_end(data: &[u8], at: usize, end: usize) -> usize {
    data[at..end]
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(end, |p| at + p + 4)
}

pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize, request: bool) {
    let headers_end = header_end(walk.data, at, end);
    walk.push(Kind::Http { request }, at..headers_end);
    walk.raw(headers_end, end);
}

/// Scapy's header field names, request side.
const REQUEST_HEADERS: &[&str] = &[
    "A_IM",
    "Accept",
    "Accept_Charset",
    "Accept_Datetime",
    "Accept_Encoding",
    "Accept_Language",
    "Access_Control_Request_Headers",
    "Access_Control_Request_Method",
    "Authorization",
    "Cache_Control",
    "Connection",
    "Content_Length",
    "Content_MD5",
    "Content_Type",
    "Cookie",
    "DNT",
    "Date",
    "Expect",
    "Forwarded",
    "From",
    "Front_End_Https",
    "HTTP2_Settings",
    "Host",
    "If_Match",
    "If_Modified_Since",
    "If_None_Match",
    "If_Range",
    "If_Unmodified_Since",
    "Keep_Alive",
    "Max_Forwards",
    "Origin",
    "Permanent",
    "Pragma",
    "Proxy_Authorization",
    "Proxy_Connection",
    "Range",
    "Referer",
    "Save_Data",
    "TE",
    "Upgrade",
    "Upgrade_Insecure_Requests",
    "User_Agent",
    "Via",
    "Warning",
    "X_ATT_DeviceId",
    "X_Correlation_ID",
    "X_Csrf_Token",
    "X_Forwarded_For",
    "X_Forwarded_Host",
    "X_Forwarded_Proto",
    "X_Http_Method_Override",
    "X_Request_ID",
    "X_Requested_With",
    "X_UIDH",
    "X_Wap_Profile",
];

/// Scapy's header field names, response side.
const RESPONSE_HEADERS: &[&str] = &[
    "Accept_Patch",
    "Accept_Ranges",
    "Access_Control_Allow_Credentials",
    "Access_Control_Allow_Headers",
    "Access_Control_Allow_Methods",
    "Access_Control_Allow_Origin",
    "Access_Control_Expose_Headers",
    "Access_Control_Max_Age",
    "Age",
    "Allow",
    "Alt_Svc",
    "Cache_Control",
    "Connection",
    "Content_Disposition",
    "Content_Encoding",
    "Content_Language",
    "Content_Length",
    "Content_Location",
    "Content_MD5",
    "Content_Range",
    "Content_Security_Policy",
    "Content_Type",
    "Date",
    "Delta_Base",
    "ETag",
    "Expires",
    "IM",
    "Keep_Alive",
    "Last_Modified",
    "Link",
    "Location",
    "P3P",
    "Permanent",
    "Pragma",
    "Proxy_Authenticate",
    "Public_Key_Pins",
    "Refresh",
    "Retry_After",
    "Server",
    "Set_Cookie",
    "Status",
    "Strict_Transport_Security",
    "Timing_Allow_Origin",
    "Tk",
    "Trailer",
    "Transfer_Encoding",
    "Upgrade",
    "Vary",
    "Via",
    "WWW_Authenticate",
    "Warning",
    "X_Content_Duration",
    "X_Content_Security_Policy",
    "X_Content_Type_Options",
    "X_Correlation_ID",
    "X_Frame_Options",
    "X_Powered_By",
    "X_Request_ID",
    "X_UA_Compatible",
    "X_WebKit_CSP",
    "X_XSS_Protection",
];

/// A header's field name: Scapy's for the headers it knows (matched without regard
/// to case, `-` as `_`), the header's own name otherwise.
fn header_name(name: &[u8], request: bool) -> Cow<'static, str> {
    let known = if request {
        REQUEST_HEADERS
    } else {
        RESPONSE_HEADERS
    };
    let wanted: String = name
        .iter()
        .map(|&b| if b == b'-' { '_' } else { char::from(b) })
        .collect();
    match known.iter().find(|k| k.eq_ignore_ascii_case(&wanted)) {
        Some(k) => Cow::Borrowed(k),
        None => Cow::Owned(text(name)),
    }
}

/// Bytes as text the way Scapy shows its HTTP fields: printable ASCII as is, anything
/// else escaped.
fn text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if (32..127).contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    &bytes[start..end]
}

/// The message's lines: each with its range including its line ending, the blank line
/// that ends the headers given to the line before it.
fn lines(data: &[u8], range: Range<usize>) -> Vec<(Range<usize>, Range<usize>)> {
    let mut lines = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let content_end = data[at..range.end]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(range.end, |p| at + p);
        let line_end = (content_end + 2).min(range.end);
        if content_end == at {
            // The blank line: it belongs with the last line of the headers.
            if let Some((_, whole)) = lines.last_mut() {
                let whole: &mut Range<usize> = whole;
                whole.end = line_end;
            }
        } else {
            lines.push((at..content_end, at..line_end));
        }
        at = line_end;
    }
    lines
}

pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let request = starts_message(&data[range.clone()]) == Some(true);
    let lines = lines(data, range);
    let mut out = Vec::with_capacity(lines.len() + 2);
    let Some(((content, whole), headers)) = lines.split_first() else {
        return out;
    };
    // The first line's three parts; the last takes the line ending with it.
    let names: [&'static str; 3] = if request {
        ["Method", "Path", "Http_Version"]
    } else {
        ["Http_Version", "Status_Code", "Reason_Phrase"]
    };
    let mut at = content.start;
    for (i, name) in names.into_iter().enumerate() {
        let part_end = if i < 2 {
            data[at..content.end]
                .iter()
                .position(|&b| b == b' ')
                .map_or(content.end, |p| at + p)
        } else {
            content.end
        };
        let bytes_end = if i < 2 {
            (part_end + 1).min(content.end)
        } else {
            whole.end
        };
        out.push(field(
            name,
            at..bytes_end,
            Value::Text(text(&data[at..part_end])),
        ));
        at = bytes_end;
    }
    for (content, whole) in headers {
        let line = &data[content.clone()];
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => (&line[..colon], &line[colon + 1..]),
            None => (line, &line[line.len()..]),
        };
        out.push(field(
            header_name(trim(name), request),
            whole.clone(),
            Value::Text(text(trim(value))),
        ));
    }
    out
}
