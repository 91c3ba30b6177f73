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
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::ext::ReasonPhrase;
use hyper::header::{HOST, USER_AGENT};
use hyper::Request;
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
}

/// One request and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub local: SocketAddr,
    pub remote: SocketAddr,
    pub status: u16,
    /// As the server sent it (`OK`, `NOT FOUND`).
    pub reason: String,
    pub body: Bytes,
    pub connect: Duration,
    pub first_byte: Duration,
    pub total: Duration,
}

/// Runs the client: prints `STATUS REASON` and the body of every answer to `out`
/// (and, with `verbose`, endpoints and timings to `err`). Returns whether every answer
/// was a success (2xx).
pub fn run(options: &ClientOptions, out: &mut impl Write, err: &mut impl Write) -> Result<bool> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context(|| "starting the async runtime")?;
    runtime.block_on(run_async(options, out, err))
}

async fn run_async(
    options: &ClientOptions,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<bool> {
    let target = &options.target;
    let addresses = resolve::resolve(&target.host)?;
    let mut all_ok = true;
    let mut connection: Option<Connection> = None;
    for _ in 0..options.count.max(1) {
        if !options.keep_alive || connection.is_none() {
            connection = Some(Connection::open(&addresses, target, options.timeout).await?);
        }
        let open = connection.as_mut().expect("opened above");
        let exchange = open.get(target, options.timeout).await?;
        all_ok &= (200..300).contains(&exchange.status);
        let printed = writeln!(out, "{} {}", exchange.status, exchange.reason)
            .and_then(|()| out.write_all(&exchange.body))
            .and_then(|()| {
                if exchange.body.ends_with(b"\n") {
                    Ok(())
                } else {
                    writeln!(out)
                }
            })
            .and_then(|()| out.flush());
        printed.context(|| "writing the answer")?;
        if options.verbose {
            let _ = writeln!(
                err,
                "* local {} -> remote {}: connect {:.2} ms, first byte {:.2} ms, total {:.2} ms",
                exchange.local,
                exchange.remote,
                ms(exchange.connect),
                ms(exchange.first_byte),
                ms(exchange.total)
            );
        }
    }
    if let (Some(hold), Some(open)) = (options.hold, connection.as_ref()) {
        writeln!(out, "local {} -> remote {}", open.local, open.remote)
            .and_then(|()| {
                writeln!(
                    out,
                    "holding the connection for {} s (Ctrl-C ends it)",
                    hold.as_secs_f64()
                )
            })
            .and_then(|()| out.flush())
            .context(|| "writing the endpoints")?;
        tokio::time::sleep(hold).await;
    }
    Ok(all_ok)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// One TCP connection carrying HTTP/1.1.
struct Connection {
    sender: SendRequest<Empty<Bytes>>,
    local: SocketAddr,
    remote: SocketAddr,
    connect: Duration,
}

impl Connection {
    /// Connects to the first address that answers; when none does, reports the failure
    /// of the first (IPv4, the lab's) address.
    async fn open(addresses: &[IpAddr], target: &Target, timeout: Duration) -> Result<Connection> {
        let mut first_failure = None;
        for ip in addresses {
            let remote = SocketAddr::new(*ip, target.port);
            let started = Instant::now();
            match tokio::time::timeout(timeout, TcpStream::connect(remote)).await {
                Ok(Ok(stream)) => {
                    let connect = started.elapsed();
                    let local = stream
                        .local_addr()
                        .context(|| "reading the local endpoint")?;
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
                    });
                }
                Ok(Err(error)) => {
                    first_failure.get_or_insert_with(|| explain_connect(remote, target, &error));
                }
                Err(_) => {
                    first_failure.get_or_insert_with(|| explain_timeout(remote, timeout));
                }
            }
        }
        Err(first_failure.unwrap_or_else(|| {
            Error::failed(format!("no address to connect to for {}", target.host))
        }))
    }

    async fn get(&mut self, target: &Target, timeout: Duration) -> Result<Exchange> {
        let host = match target.host.parse::<IpAddr>() {
            Ok(IpAddr::V6(ip)) => format!("[{ip}]:{}", target.port),
            _ => format!("{}:{}", target.host, target.port),
        };
        let request = Request::get(target.path.as_str())
            .header(HOST, host)
            .header(
                USER_AGENT,
                concat!("labnet-hello-client/", env!("CARGO_PKG_VERSION")),
            )
            .body(Empty::<Bytes>::new())
            .map_err(|e| {
                Error::usage(format!("cannot build a request for {:?}: {e}", target.path))
            })?;
        let started = Instant::now();
        let remote = self.remote;
        let exchange = async {
            let response = self
                .sender
                .send_request(request)
                .await
                .map_err(|e| explain_http(remote, &e))?;
            let first_byte = started.elapsed();
            let status = response.status();
            let reason = match response.extensions().get::<ReasonPhrase>() {
                Some(reason) => String::from_utf8_lossy(reason.as_bytes()).into_owned(),
                None => status.canonical_reason().unwrap_or("").to_string(),
            };
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| explain_http(remote, &e))?
                .to_bytes();
            Ok::<_, Error>((status.as_u16(), reason, body, first_byte))
        };
        let (status, reason, body, first_byte) =
            tokio::time::timeout(timeout, exchange)
                .await
                .map_err(|_| explain_timeout(self.remote, timeout))??;
        Ok(Exchange {
            local: self.local,
            remote: self.remote,
            status,
            reason,
            body,
            connect: self.connect,
            first_byte,
            total: started.elapsed() + self.connect,
        })
    }
}

/// A failed connect, explained by layer, with the causes a student meets in the lab.
fn explain_connect(remote: SocketAddr, target: &Target, error: &io::Error) -> Error {
    match error.kind() {
        io::ErrorKind::ConnectionRefused => {
            let mut err = Error::failed(format!(
                "connection refused by {remote} (transport layer: the host answered, but nothing listens on port {})",
                remote.port()
            ));
            if remote.ip().is_loopback() {
                err = err
                    .hint(format!(
                        "nothing listens on {remote} on this host; if the server runs on another host, connect to \
                         that host's address (e.g. hello-client 192.168.56.101:{})",
                        remote.port()
                    ))
                    .hint("127.0.0.1 is the loopback address: every host has its own, and it never leaves the host");
            } else {
                err = err.hint(format!(
                    "is the server running on {}? a server with Flask's defaults listens on 127.0.0.1 only, which \
                     other hosts cannot reach: start it with --host 0.0.0.0",
                    target.host
                ));
            }
            err.hint(format!("check the port: sudo sock-list -ltp on the server host shows what listens (you asked for {})", remote.port()))
        }
        io::ErrorKind::HostUnreachable | io::ErrorKind::NetworkUnreachable => Error::failed(format!(
            "no route to {} (internet layer: {error})",
            remote.ip()
        ))
        .hint("this host has no route to that network, or nobody on the link has that address (no ARP/ND answer)")
        .hint("check the address against nic-show on the server host, and this host's own addresses"),
        io::ErrorKind::AddrNotAvailable => Error::failed(format!("cannot connect to {remote}: {error}"))
            .hint("the address is not usable from this host (wrong family or no address of that family here)"),
        _ => Error::Io { context: format!("connecting to {remote}"), source: io::Error::new(error.kind(), error.to_string()) },
    }
}

fn explain_timeout(remote: SocketAddr, timeout: Duration) -> Error {
    Error::failed(format!(
        "no answer from {remote} within {} s (the packets go out, nothing comes back)",
        timeout.as_secs_f64()
    ))
    .hint("the address may belong to no host on this network, or a firewall drops the packets")
    .hint(
        "capture to see what happens: sudo webcapture -i any -c 10 host ".to_string()
            + &remote.ip().to_string(),
    )
}

fn explain_http(remote: SocketAddr, error: &hyper::Error) -> Error {
    if error.is_parse() {
        Error::failed(format!("the answer from {remote} is not HTTP (application layer): {error}"))
            .hint("is this port an HTTP server? sock-list -ltp on the server host shows which program listens")
    } else if error.is_incomplete_message() || error.is_closed() {
        Error::failed(format!(
            "{remote} closed the connection before answering (application layer): {error}"
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
        };
        let err = run(&options, &mut Vec::new(), &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("transport layer"), "{err}");
        let hints = err.hints().join("\n");
        assert!(hints.contains("connect to that host's address"), "{hints}");
        assert!(hints.contains("loopback"), "{hints}");
    }
}
