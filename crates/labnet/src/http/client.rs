//! The hello client: the handout's `helloclient.py` (http.client, `GET /` to
//! 127.0.0.1:5000, print status and body) as a native client that says, when it fails,
//! which layer failed and why, in the words of the lab.
//!
//! It owns its TCP connection (hyper's connection-level API rather than a pooled
//! client), so that it can report both endpoints and hold the connection open
//! (`--hold`) while a student looks at it with sock-list.

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::ext::ReasonPhrase;
use hyper::header::{HeaderName, HeaderValue, CONTENT_TYPE, HOST, USER_AGENT};
use hyper::{HeaderMap, Method, Request};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

use crate::error::{Context, Error, Result};
use crate::resolve;

/// Where to send the request: `HOST`, `HOST:PORT` or `http://HOST:PORT/PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: String,
    pub port: u16,
    pub path: String,
}

impl FromStr for Target {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = || {
            Error::usage(format!("{text:?} is not a target"))
                .hint("give HOST, HOST:PORT or http://HOST:PORT/PATH, e.g. 192.168.56.101:5000")
        };
        let rest = match text.split_once("://") {
            Some(("http", rest)) => rest,
            Some((scheme, _)) => {
                return Err(Error::usage(format!(
                    "{scheme}:// is not supported; hello-client speaks plain http"
                )))
            }
            None => text,
        };
        let (authority, path) = match rest.find('/') {
            Some(at) => (&rest[..at], rest[at..].to_string()),
            None => (rest, "/".to_string()),
        };
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(bad)?;
            let port = match after.strip_prefix(':') {
                Some(port) => port.parse().map_err(|_| bad())?,
                None if after.is_empty() => 5000,
                None => return Err(bad()),
            };
            (host.to_string(), port)
        } else if authority.matches(':').count() > 1 {
            // A bare IPv6 address: no port in it.
            (authority.to_string(), 5000)
        } else {
            match authority.split_once(':') {
                Some((host, port)) => (host.to_string(), port.parse().map_err(|_| bad())?),
                None => (authority.to_string(), 5000),
            }
        };
        if host.is_empty() || port == 0 {
            return Err(bad());
        }
        Ok(Target { host, port, path })
    }
}

/// What to do.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub target: Target,
    /// Requests to send.
    pub count: u32,
    /// Reuse one connection for all requests (otherwise one connection each, as the script).
    pub keep_alive: bool,
    /// After the last response, keep the connection open this long.
    pub hold: Option<Duration>,
    /// Bound on connecting and on waiting for the answer.
    pub timeout: Duration,
    /// Endpoints and timings on stderr.
    pub verbose: bool,
    /// curl's habits: what to ask, and what to show of the answer.
    pub request: RequestOptions,
}

/// The request, as curl's flags shape it, and how much of the answer is shown.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// `-X`: the method (default GET; POST with data; HEAD with `head`).
    pub method: Option<String>,
    /// `-H "Name: value"`, in order.
    pub headers: Vec<String>,
    /// `-d`: a body, sent as a form (`application/x-www-form-urlencoded`) as curl does.
    pub data: Option<String>,
    /// `-i`: the status line and headers before the body, as received.
    pub include: bool,
    /// `-I`: a HEAD request, and only the status line and headers shown.
    pub head: bool,
    /// The body alone, as it came (`-o FILE`: what curl saves), not the script's
    /// `STATUS REASON` line before it.
    pub body_only: bool,
}

impl RequestOptions {
    fn method(&self) -> Result<Method> {
        let name = match (&self.method, self.head, &self.data) {
            (Some(name), _, _) => name.as_str(),
            (None, true, _) => "HEAD",
            (None, false, Some(_)) => "POST",
            (None, false, None) => "GET",
        };
        Method::from_bytes(name.as_bytes()).map_err(|_| {
            Error::usage(format!("{name:?} is not an HTTP method"))
                .hint("for example GET, HEAD, POST, PUT, DELETE or OPTIONS")
        })
    }

    /// The `-H` headers, checked: `Name: value`.
    fn headers(&self) -> Result<Vec<(HeaderName, HeaderValue)>> {
        self.headers
            .iter()
            .map(|text| {
                let bad = || {
                    Error::usage(format!("-H {text:?} is not a header"))
                        .hint("write it as \"Name: value\", e.g. -H \"Accept: text/html\"")
                };
                let (name, value) = text.split_once(':').ok_or_else(bad)?;
                Ok((
                    HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| bad())?,
                    HeaderValue::from_str(value.trim()).map_err(|_| bad())?,
                ))
            })
            .collect()
    }
}

/// One request and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub status: u16,
    /// As the server sent it (`OK`, `NOT FOUND`).
    pub reason: String,
    /// `HTTP/1.1` or `HTTP/1.0`.
    pub version: &'static str,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub connect: Duration,
    pub first_byte: Duration,
    pub total: Duration,
}

/// Runs the client: prints `STATUS REASON` and the body of every answer to `out`
/// (and, with `verbose`, each step with its timing to `err`, also when it fails).
/// Returns whether every answer was a success (2xx).
pub fn run(options: &ClientOptions, out: &mut impl Write, err: &mut impl Write) -> Result<bool> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context(|| "starting the async runtime")?;
    let mut steps = Steps {
        out: err,
        verbose: options.verbose,
        started: Instant::now(),
    };
    runtime.block_on(run_async(options, out, &mut steps))
}

/// `-v`'s account of the exchange, step by step, each with the time since the start.
struct Steps<'a, W: Write> {
    out: &'a mut W,
    verbose: bool,
    started: Instant,
}

impl<W: Write> Steps<'_, W> {
    fn say(&mut self, what: impl std::fmt::Display) {
        if self.verbose {
            let _ = writeln!(self.out, "* {:8.2} ms  {what}", ms(self.started.elapsed()));
        }
    }

    /// A message's first line and headers, as curl -v shows them: `>` sent, `<` received.
    fn headers(&mut self, direction: char, first: &str, headers: &HeaderMap) {
        if !self.verbose {
            return;
        }
        let _ = writeln!(self.out, "{direction} {first}");
        for (name, value) in headers {
            let _ = writeln!(
                self.out,
                "{direction} {name}: {}",
                String::from_utf8_lossy(value.as_bytes())
            );
        }
        let _ = writeln!(self.out, "{direction}");
    }
}

async fn run_async(
    options: &ClientOptions,
    out: &mut impl Write,
    steps: &mut Steps<'_, impl Write>,
) -> Result<bool> {
    let target = &options.target;
    let addresses = resolve::resolve(&target.host)?;
    if target.host.parse::<IpAddr>().is_err() {
        let list: Vec<String> = addresses.iter().map(IpAddr::to_string).collect();
        steps.say(format!("{} resolved to {}", target.host, list.join(", ")));
    }
    let mut all_ok = true;
    let mut connection: Option<Connection> = None;
    for _ in 0..options.count.max(1) {
        if !options.keep_alive || connection.is_none() {
            connection = Some(Connection::open(&addresses, target, options.timeout, steps).await?);
        }
        let open = connection.as_mut().expect("opened above");
        let exchange = open
            .exchange(target, &options.request, options.timeout, steps)
            .await?;
        all_ok &= (200..300).contains(&exchange.status);
        let printed = print_answer(out, &exchange, &options.request).and_then(|()| out.flush());
        printed.context(|| "writing the answer")?;
        steps.say(format!(
            "local {} -> remote {}: connect {:.2} ms, first byte {:.2} ms, total {:.2} ms",
            exchange.local,
            exchange.remote,
            ms(exchange.connect),
            ms(exchange.first_byte),
            ms(exchange.total)
        ));
    }
    if let (Some(hold), Some(open)) = (options.hold, connection.as_mut()) {
        writeln!(out, "local {} -> remote {}", open.local, open.remote)
            .context(|| "writing the endpoints")?;
        // The connection task ends once the server's FIN is read; give it a moment.
        let mut closed = open.sender.is_closed();
        for _ in 0..10 {
            if closed {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            closed = open.sender.is_closed();
        }
        if closed || open.server_closes {
            let why = if open.server_closes {
                "the server answered with Connection: close"
            } else {
                "the server closed the connection after its answer"
            };
            // The closing handshake takes a round trip or two: let it settle first.
            let mut state = crate::sockets::tcp_state(open.local, open.remote);
            for _ in 0..25 {
                if !matches!(
                    state,
                    Some("FIN_WAIT1" | "FIN_WAIT2" | "CLOSING" | "LAST_ACK" | "CLOSE_WAIT")
                ) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
                state = crate::sockets::tcp_state(open.local, open.remote);
            }
            let here = match state {
                Some("TIME_WAIT") => "this host closed its end first, so `sock-list -tn` here \
                    shows it in TIME_WAIT for about 60 s"
                    .to_string(),
                Some(state) => format!("`sock-list -tn` here shows it in {state}"),
                None => "the server closed first, so `sock-list -tn` on the server host shows \
                    it in TIME_WAIT for about 60 s; here it is gone"
                    .to_string(),
            };
            writeln!(
                out,
                "{why}: the connection has ended, there is none to hold\n{here}"
            )
            .and_then(|()| out.flush())
            .context(|| "writing the endpoints")?;
            return Ok(all_ok);
        }
        writeln!(
            out,
            "holding the connection for {} s (Ctrl-C ends it)",
            hold.as_secs_f64()
        )
        .and_then(|()| out.flush())
        .context(|| "writing the endpoints")?;
        tokio::time::sleep(hold).await;
    }
    Ok(all_ok)
}

/// A file for `-o`, made (or emptied) now, written through a buffer.
pub fn output_file(path: &std::path::Path) -> Result<io::BufWriter<std::fs::File>> {
    std::fs::File::create(path)
        .map(io::BufWriter::new)
        .context(|| format!("creating {}", path.display()))
}

/// The answer on stdout: as the handout's script prints it (`STATUS REASON`, then the
/// body, ending in a newline), or as curl does with `-i` (status line and headers as
/// received, then the body as it is) and `-I` (status line and headers only).
fn print_answer(
    out: &mut impl Write,
    exchange: &Exchange,
    request: &RequestOptions,
) -> io::Result<()> {
    if request.body_only && !(request.include || request.head) {
        return out.write_all(&exchange.body);
    }
    if !(request.include || request.head) {
        writeln!(out, "{} {}", exchange.status, exchange.reason)?;
        out.write_all(&exchange.body)?;
        if !exchange.body.ends_with(b"\n") {
            writeln!(out)?;
        }
        return Ok(());
    }
    write!(
        out,
        "{} {} {}\r\n",
        exchange.version, exchange.status, exchange.reason
    )?;
    for (name, value) in &exchange.headers {
        out.write_all(name.as_str().as_bytes())?;
        out.write_all(b": ")?;
        out.write_all(value.as_bytes())?;
        out.write_all(b"\r\n")?;
    }
    out.write_all(b"\r\n")?;
    if !request.head {
        out.write_all(&exchange.body)?;
    }
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// One TCP connection carrying HTTP/1.1.
struct Connection {
    sender: SendRequest<Full<Bytes>>,
    local: SocketAddr,
    remote: SocketAddr,
    connect: Duration,
    /// The last answer said `Connection: close`.
    server_closes: bool,
}

impl Connection {
    /// Connects to the first address that answers; when none does, reports the failure
    /// of the first (IPv4, the lab's) address.
    async fn open(
        addresses: &[IpAddr],
        target: &Target,
        timeout: Duration,
        steps: &mut Steps<'_, impl Write>,
    ) -> Result<Connection> {
        let mut first_failure = None;
        for ip in addresses {
            let remote = SocketAddr::new(*ip, target.port);
            steps.say(format!(
                "connecting to {remote} (transport layer: TCP handshake)"
            ));
            let started = Instant::now();
            match tokio::time::timeout(timeout, TcpStream::connect(remote)).await {
                Ok(Ok(stream)) => {
                    let connect = started.elapsed();
                    let local = stream
                        .local_addr()
                        .context(|| "reading the local endpoint")?;
                    steps.say(format!("connected: local {local} -> remote {remote}"));
                    let (sender, connection) =
                        http1::handshake(TokioIo::new(stream)).await.map_err(|e| {
                            Error::failed(format!("HTTP handshake with {remote} failed: {e}"))
                        })?;
                    // The connection runs beside us; it ends when the sender is dropped.
                    tokio::spawn(connection);
                    return Ok(Connection {
                        sender,
                        local,
                        remote,
                        connect,
                        server_closes: false,
                    });
                }
                Ok(Err(error)) => {
                    steps.say(format!("connecting to {remote} failed: {error}"));
                    first_failure.get_or_insert_with(|| explain_connect(remote, target, &error));
                }
                Err(_) => {
                    steps.say(format!("no answer from {remote} within the timeout"));
                    first_failure.get_or_insert_with(|| explain_connect_timeout(remote, timeout));
                }
            }
        }
        Err(first_failure.unwrap_or_else(|| {
            Error::failed(format!("no address to connect to for {}", target.host))
        }))
    }

    async fn exchange(
        &mut self,
        target: &Target,
        options: &RequestOptions,
        timeout: Duration,
        steps: &mut Steps<'_, impl Write>,
    ) -> Result<Exchange> {
        let host = match target.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(ip)) => format!("[{ip}]:{}", target.port),
            _ => format!("{}:{}", target.host, target.port),
        };
        let method = options.method()?;
        let mut builder = Request::builder()
            .method(method.clone())
            .uri(target.path.as_str())
            .header(HOST, host)
            .header(
                USER_AGENT,
                concat!("labnet-hello-client/", env!("CARGO_PKG_VERSION")),
            );
        let own = options.headers()?;
        if options.data.is_some() && !own.iter().any(|(name, _)| name == CONTENT_TYPE) {
            builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        for (name, value) in own {
            builder = builder.header(name, value);
        }
        let body = Bytes::from(options.data.clone().unwrap_or_default());
        let request = builder.body(Full::new(body)).map_err(|e| {
            Error::usage(format!("cannot build a request for {:?}: {e}", target.path))
        })?;
        let started = Instant::now();
        let remote = self.remote;
        steps.say(format!(
            "sending {method} {} HTTP/1.1 (application layer)",
            target.path
        ));
        steps.headers(
            '>',
            &format!("{method} {} HTTP/1.1", target.path),
            request.headers(),
        );
        // Two deadlines, so a silent server and a stalled body are told apart.
        let response = tokio::time::timeout(timeout, self.sender.send_request(request))
            .await
            .map_err(|_| explain_no_answer(remote, timeout))?
            .map_err(|e| explain_http(remote, &e, "before answering"))?;
        let first_byte = started.elapsed();
        let status = response.status();
        let reason = match response.extensions().get::<ReasonPhrase>() {
            Some(reason) => String::from_utf8_lossy(reason.as_bytes()).into_owned(),
            None => status.canonical_reason().unwrap_or("").to_string(),
        };
        steps.say(format!("answer: {} {reason}", status.as_u16()));
        let version = if response.version() == hyper::Version::HTTP_10 {
            "HTTP/1.0"
        } else {
            "HTTP/1.1"
        };
        let headers = response.headers().clone();
        steps.headers(
            '<',
            &format!("{version} {} {reason}", status.as_u16()),
            &headers,
        );
        self.server_closes = response
            .headers()
            .get(hyper::header::CONNECTION)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
        let body = tokio::time::timeout(timeout, response.into_body().collect())
            .await
            .map_err(|_| {
                Error::failed(format!(
                    "{remote} sent its answer's headers ({} {reason}) but not the rest of the body within {} s (application layer: the server stalled)",
                    status.as_u16(),
                    timeout.as_secs_f64()
                ))
            })?
            .map_err(|e| explain_http(remote, &e, "in the middle of its answer"))?
            .to_bytes();
        steps.say(format!("body: {} bytes", body.len()));
        Ok(Exchange {
            local: self.local,
            remote: self.remote,
            status: status.as_u16(),
            reason,
            version,
            headers,
            body,
            connect: self.connect,
            first_byte,
            total: started.elapsed() + self.connect,
        })
    }
}

/// A failed connect, explained by layer, with the causes a student meets in the lab.
fn explain_connect(remote: SocketAddr, target: &Target, error: &io::Error) -> Error {
    let route = format!("see the route: ip route get {}", remote.ip());
    match error.raw_os_error() {
        Some(libc::ECONNREFUSED) => {
            let mut err = Error::failed(format!(
                "connection refused by {remote} (transport layer: the host answered with a RST: nothing listens on port {})",
                remote.port()
            ));
            if remote.ip().is_loopback() {
                err = err
                    .hint(format!(
                        "nothing listens on {remote} on this host; if the server runs on another host, connect to \
                         that host's address (e.g. hello-client 192.168.56.101:{})",
                        remote.port()
                    ))
                    .hint(if remote.is_ipv6() {
                        "::1 is IPv6's loopback address: every host has its own, and it never leaves the host"
                    } else {
                        "127.0.0.1 is the loopback address: every host has its own, and it never leaves the host"
                    });
            } else {
                err = err.hint(format!(
                    "is the server running on {}? a server with Flask's defaults listens on 127.0.0.1 only, which \
                     other hosts cannot reach: start it with --host 0.0.0.0",
                    target.host
                ));
            }
            err.hint(format!("check the port: sock-list -ltp on the server host shows what listens (you asked for {})", remote.port()))
        }
        Some(libc::ENETUNREACH) => Error::failed(format!(
            "no route to {} (internet layer: this host's routing table has no route to that network)",
            remote.ip()
        ))
        .hint("check the address, and this host's addresses and routes (nic-show; ip route)")
        .hint(route),
        Some(libc::EHOSTUNREACH) => Error::failed(format!(
            "{} is unreachable (internet layer: an `unreachable` route, or link layer: nobody on the link answers ARP/ND for it)",
            remote.ip()
        ))
        .hint("check the address against nic-show on the server host: is that host up and on this link?")
        .hint(route),
        // A blackhole route makes connect fail with EINVAL; a prohibit route, EACCES.
        Some(libc::EINVAL) => Error::failed(format!(
            "the route to {} is a blackhole (internet layer: this host discards packets to it)",
            remote.ip()
        ))
        .hint(route),
        Some(libc::EACCES | libc::EPERM) => Error::failed(format!(
            "the route to {} prohibits it (internet layer: a `prohibit` route or a firewall rule on this host refuses the packets)",
            remote.ip()
        ))
        .hint(route),
        Some(libc::EADDRNOTAVAIL) => Error::failed(format!("cannot connect to {remote}: {error}"))
            .hint("the address is not usable from this host (wrong family or no address of that family here)"),
        _ => Error::Io { context: format!("connecting to {remote}"), source: io::Error::new(error.kind(), error.to_string()) },
    }
}

fn explain_connect_timeout(remote: SocketAddr, timeout: Duration) -> Error {
    Error::failed(format!(
        "no answer from {remote} within {} s (transport layer: the SYN goes out, no SYN-ACK or RST comes back)",
        timeout.as_secs_f64()
    ))
    .hint("the address may belong to no host on this network, or a firewall drops the packets")
    .hint(
        "capture to see what happens: webcapture -i any -c 10 host ".to_string()
            + &remote.ip().to_string(),
    )
}

/// Connected and the request sent, but no answer: the server's side, not the network's.
fn explain_no_answer(remote: SocketAddr, timeout: Duration) -> Error {
    Error::failed(format!(
        "{remote} accepted the connection and the request, but sent no answer within {} s (application layer: the server is slow or stuck; the network is fine)",
        timeout.as_secs_f64()
    ))
    .hint("look at the server: its log, and whether it is busy (top; sock-list -tnp shows its queues)")
    .hint("or wait longer: --timeout SECS")
}

fn explain_http(remote: SocketAddr, error: &hyper::Error, when: &str) -> Error {
    let reset = std::error::Error::source(error)
        .and_then(|e| e.downcast_ref::<io::Error>())
        .is_some_and(|e| e.kind() == io::ErrorKind::ConnectionReset);
    if reset {
        Error::failed(format!(
            "{remote} reset the connection {when} (transport layer: a RST; the server process died or aborted the connection)"
        ))
        .hint("look at the server's log; capture to see the RST: webcapture -i any tcp port ".to_string() + &remote.port().to_string())
    } else if error.is_parse() {
        Error::failed(format!("the answer from {remote} is not HTTP (application layer): {error}"))
            .hint("is this port an HTTP server? sock-list -ltp on the server host shows which program listens")
    } else if error.is_incomplete_message() || error.is_closed() {
        Error::failed(format!(
            "{remote} closed the connection {when} (application layer: the server ended it without a whole answer)"
        ))
    } else {
        Error::failed(format!("HTTP exchange with {remote} failed: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(text: &str) -> Target {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn targets_parse_like_the_handout_writes_them() {
        assert_eq!(
            target("127.0.0.1:5000"),
            Target {
                host: "127.0.0.1".into(),
                port: 5000,
                path: "/".into()
            }
        );
        assert_eq!(
            target("brooklyn"),
            Target {
                host: "brooklyn".into(),
                port: 5000,
                path: "/".into()
            }
        );
        assert_eq!(target("http://192.168.56.101:5001/x?y=1").path, "/x?y=1");
        assert_eq!(target("http://[fd00:56::101]:8080/").host, "fd00:56::101");
        assert_eq!(target("[::1]").port, 5000);
        assert_eq!(target("fd00:56::101").host, "fd00:56::101");
        for bad in [
            "",
            ":5000",
            "brooklyn:http",
            "brooklyn:0",
            "https://brooklyn",
            "[::1",
            "host:99999",
        ] {
            let err = bad.parse::<Target>().unwrap_err();
            assert_eq!(err.exit_code(), 2, "{bad}: {err}");
        }
    }

    #[test]
    fn a_refused_loopback_connection_explains_the_handouts_mistake() {
        let free = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let options = ClientOptions {
            target: target(&free.to_string()),
            count: 1,
            keep_alive: false,
            hold: None,
            timeout: Duration::from_secs(2),
            verbose: false,
            request: RequestOptions::default(),
        };
        let err = run(&options, &mut Vec::new(), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("transport layer"), "{err}");
        let hints = err.hints().join("\n");
        assert!(hints.contains("connect to that host's address"), "{hints}");
        assert!(hints.contains("loopback"), "{hints}");
    }
}
