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

/// The request or status line of an HTTP layer at `range` (`GET / HTTP/1.1`).
pub(super) fn first_line(data: &[u8], range: Range<usize>) -> String {
    let bytes = data.get(range).unwrap_or(&[]);
    let end = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
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

/// One HTTP/1.x message found in a reassembled byte stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub request: bool,
    /// The request line or status line.
    pub first_line: String,
    pub headers: Vec<(String, String)>,
    /// Body bytes seen (after any chunked framing is taken off).
    pub body: u64,
    /// Where the message started, as the index of its first byte's chunk.
    pub chunk: usize,
    /// The body ended where its framing said (false: the stream ended first).
    pub complete: bool,
}

/// How the body of the message being read ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Body {
    /// Reading the head, up to the blank line.
    Head,
    Length(u64),
    /// Chunked: in a chunk with this many bytes left, or (None) reading a size line.
    Chunked(Option<u64>),
    /// After the last chunk: trailer lines up to an empty one.
    Trailers,
    /// A response without a length: to the end of the stream.
    UntilClose,
}

/// Finds HTTP/1.x messages in one direction of a stream, fed in order, as much as
/// arrives at a time; holds at most [`MAX_HEAD`] bytes of a head being read.
#[derive(Debug, Clone)]
pub struct Messages {
    pub found: Vec<Message>,
    state: Body,
    buffer: Vec<u8>,
    /// The stream is not HTTP (or lost its framing): nothing more is looked for.
    stopped: bool,
}

/// A message head longer than this is not followed.
pub const MAX_HEAD: usize = 64 * 1024;
/// At most this many messages are kept per direction.
pub const MAX_MESSAGES: usize = 10_000;

impl Default for Messages {
    fn default() -> Messages {
        Messages {
            found: Vec::new(),
            state: Body::Head,
            buffer: Vec::new(),
            stopped: false,
        }
    }
}

impl Messages {
    /// Reads the next bytes of the stream; `chunk` says which piece they came in.
    pub fn feed(&mut self, mut bytes: &[u8], chunk: usize) {
        while !bytes.is_empty() && !self.stopped {
            match self.state {
                Body::Head => {
                    let had = self.buffer.len();
                    self.buffer.extend_from_slice(bytes);
                    if had == 0 && starts_message(&self.buffer).is_none() && self.buffer.len() >= 8
                    {
                        self.stopped = true;
                        return;
                    }
                    // The blank line may straddle two pieces: search from 3 bytes back.
                    let from = had.saturating_sub(3);
                    match self.buffer[from..]
                        .windows(4)
                        .position(|w| w == b"\r\n\r\n")
                    {
                        Some(p) => {
                            let end = from + p + 4;
                            let used = end - had;
                            let head = std::mem::take(&mut self.buffer);
                            self.head(&head[..end], chunk);
                            bytes = &bytes[used..];
                        }
                        None => {
                            if self.buffer.len() > MAX_HEAD {
                                self.stopped = true;
                            }
                            return;
                        }
                    }
                }
                Body::Length(left) => {
                    let take = left.min(bytes.len() as u64);
                    self.body(take);
                    bytes = &bytes[take as usize..];
                    self.state = if take == left {
                        self.finish();
                        Body::Head
                    } else {
                        Body::Length(left - take)
                    };
                }
                Body::Chunked(Some(left)) => {
                    // A chunk's data, then its CRLF (counted in `left` as 2 more).
                    let take = left.min(bytes.len() as u64);
                    let data = take.min(left.saturating_sub(2));
                    self.body(data);
                    bytes = &bytes[take as usize..];
                    self.state = Body::Chunked((take < left).then(|| left - take));
                }
                Body::Chunked(None) | Body::Trailers => {
                    let Some(line) = self.line(&mut bytes) else {
                        return;
                    };
                    if self.state == Body::Trailers {
                        if line.is_empty() {
                            self.finish();
                            self.state = Body::Head;
                        }
                        continue;
                    }
                    let size = line.split(';').next().unwrap_or("").trim();
                    match u64::from_str_radix(size, 16) {
                        Ok(0) => self.state = Body::Trailers,
                        Ok(n) => self.state = Body::Chunked(Some(n.saturating_add(2))),
                        Err(_) => self.stopped = true,
                    }
                }
                Body::UntilClose => {
                    self.body(bytes.len() as u64);
                    return;
                }
            }
        }
    }

    /// The next line (without its CRLF), taken from the held bytes and `bytes`; `None`
    /// (holding what there is) when it has not ended yet.
    fn line(&mut self, bytes: &mut &[u8]) -> Option<String> {
        let had = self.buffer.len();
        self.buffer.extend_from_slice(bytes);
        let Some(p) = self.buffer.windows(2).position(|w| w == b"\r\n") else {
            if self.buffer.len() > 1024 {
                self.stopped = true;
            }
            *bytes = &[];
            return None;
        };
        *bytes = &bytes[p + 2 - had..];
        let line = String::from_utf8_lossy(&self.buffer[..p]).into_owned();
        self.buffer.clear();
        Some(line)
    }

    fn head(&mut self, head: &[u8], chunk: usize) {
        let text = String::from_utf8_lossy(head);
        let mut lines = text.split("\r\n");
        let first_line = lines.next().unwrap_or("").to_string();
        let request = !first_line.starts_with("HTTP/");
        let headers: Vec<(String, String)> = lines
            .filter(|l| !l.is_empty())
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
            .collect();
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let status = first_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok());
        let no_body = !request && status.is_some_and(|s| s < 200 || s == 204 || s == 304);
        self.state = if header("transfer-encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
        {
            Body::Chunked(None)
        } else if let Some(length) = header("content-length").and_then(|v| v.parse::<u64>().ok()) {
            Body::Length(length)
        } else if request || no_body {
            Body::Length(0)
        } else {
            Body::UntilClose
        };
        if self.found.len() < MAX_MESSAGES {
            self.found.push(Message {
                request,
                first_line,
                headers,
                body: 0,
                chunk,
                complete: false,
            });
        }
        if self.state == Body::Length(0) {
            self.finish();
            self.state = Body::Head;
        }
    }

    fn body(&mut self, bytes: u64) {
        if let Some(message) = self.found.last_mut().filter(|m| !m.complete) {
            message.body += bytes;
        }
    }

    fn finish(&mut self) {
        if let Some(message) = self.found.last_mut() {
            message.complete = true;
        }
    }
}

#[cfg(test)]
mod message_tests {
    use super::*;

    #[test]
    fn requests_and_responses_with_lengths_in_any_pieces() {
        let request = b"GET / HTTP/1.1\r\nHost: brooklyn:5000\r\nAccept: */*\r\n\r\n";
        let response =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 13\r\n\r\nHello, World!";
        for cut in 1..request.len() {
            let mut m = Messages::default();
            m.feed(&request[..cut], 0);
            m.feed(&request[cut..], 1);
            m.feed(request, 2);
            assert_eq!(m.found.len(), 2, "cut at {cut}");
            assert_eq!(m.found[0].first_line, "GET / HTTP/1.1");
            assert_eq!(
                m.found[0].headers[0],
                ("Host".into(), "brooklyn:5000".into())
            );
            assert!(m
                .found
                .iter()
                .all(|x| x.complete && x.body == 0 && x.request));
        }
        for cut in 1..response.len() {
            let mut m = Messages::default();
            m.feed(&response[..cut], 0);
            m.feed(&response[cut..], 1);
            assert_eq!(m.found.len(), 1);
            assert_eq!((m.found[0].body, m.found[0].complete), (13, true));
            assert!(!m.found[0].request);
        }
    }

    #[test]
    fn chunked_bodies_and_bodies_to_the_end() {
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n8;x=1\r\n, World!\r\n0\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n";
        for cut in 1..chunked.len() {
            let mut m = Messages::default();
            m.feed(&chunked[..cut], 0);
            m.feed(&chunked[cut..], 1);
            assert_eq!(m.found.len(), 2, "cut at {cut}");
            assert_eq!(
                (m.found[0].body, m.found[0].complete),
                (13, true),
                "cut at {cut}"
            );
            assert_eq!((m.found[1].body, m.found[1].complete), (0, true));
        }
        let mut m = Messages::default();
        m.feed(b"HTTP/1.0 200 OK\r\n\r\nsome", 0);
        m.feed(b" more", 1);
        assert_eq!((m.found[0].body, m.found[0].complete), (9, false));
    }

    #[test]
    fn a_stream_that_is_not_http_is_left_alone() {
        let mut m = Messages::default();
        m.feed(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 0);
        m.feed(b"GET / HTTP/1.1\r\n\r\n", 1);
        assert!(m.found.is_empty());
    }
}
