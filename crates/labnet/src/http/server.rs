//! The hello server: the handout's Flask `hello.py` as a native HTTP/1.1 server.
//!
//! Flask's defaults (127.0.0.1:5000), answers ([`super::flask`]), start banner and
//! Werkzeug's access log; and what a real server needs besides: a deadline for reading
//! request headers (a slowloris client cannot hold a connection slot forever), a cap
//! on header size and on open connections, 400 for malformed requests (hyper), and a
//! graceful shutdown on SIGINT/SIGTERM that lets requests in flight finish. A port that
//! is taken is reported with the process that holds it (from [`crate::sockets`]).

use std::convert::Infallible;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::ext::ReasonPhrase;
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE, SERVER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::Semaphore;

use super::flask;
use crate::error::{Context as _, Error, Result};
use crate::nics;
use crate::sockets::{self, Protocol};

/// How the server runs; the defaults are Flask's and sensible limits.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub host: IpAddr,
    pub port: u16,
    /// The body of `GET /`.
    pub message: String,
    /// No access log.
    pub quiet: bool,
    /// Connections served at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// How long a client may take to send its request headers.
    pub header_timeout: Duration,
    /// How long responses in flight may take to finish after SIGINT/SIGTERM;
    /// connections still reading their request are closed at once.
    pub shutdown_grace: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 5000,
            message: "Hello, World!".into(),
            quiet: false,
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(1),
        }
    }
}

/// The most connections `--max-connections` accepts: each needs a file descriptor.
pub const MAX_CONNECTIONS: u64 = 1_000_000;

/// Header bytes a request may use (hyper's buffer; its minimum is 8 KiB).
const MAX_HEADER_BYTES: usize = 16 * 1024;
const SERVER_NAME: &str = concat!("labnet-hello-server/", env!("CARGO_PKG_VERSION"));

/// A bound server, ready to run.
pub struct Server {
    listener: std::net::TcpListener,
    options: ServerOptions,
}

impl Server {
    /// Binds the listening socket, explaining the failures a student meets.
    pub fn bind(options: ServerOptions) -> Result<Server> {
        let address = SocketAddr::new(options.host, options.port);
        raise_descriptor_limit(options.max_connections);
        let listener = std::net::TcpListener::bind(address).map_err(|e| bind_error(address, e))?;
        Ok(Server { listener, options })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .context(|| "reading the listening address")
    }

    /// Flask's start banner: where the server can be reached.
    pub fn banner(&self) -> Result<String> {
        let address = self.local_addr()?;
        let port = address.port();
        let mut text = String::new();
        if address.ip().is_unspecified() {
            text += &format!(" * Running on all addresses ({})\n", address.ip());
            // Flask lists loopback and the host's address; list every address that
            // another host could use, since the lab is about exactly that. `::`
            // takes IPv4 as well (a dual-stack socket).
            let ipv6 = address.is_ipv6();
            let mut urls = Vec::new();
            if ipv6 {
                urls.push(IpAddr::V6(std::net::Ipv6Addr::LOCALHOST));
            }
            urls.push(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
            urls.extend(reachable_addresses(ipv6));
            for ip in urls {
                text += &format!(
                    " * Running on http://{}\n",
                    url_host_port(SocketAddr::new(ip, port))
                );
            }
        } else {
            text += &format!(" * Running on http://{}\n", url_host_port(address));
        }
        text += "Press CTRL+C to quit";
        Ok(text)
    }

    /// Serves until SIGINT or SIGTERM, then lets requests in flight finish.
    pub fn run(self) -> Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context(|| "starting the async runtime")?;
        runtime.block_on(self.serve(shutdown_signal()))
    }

    /// Serves until `shutdown` completes; then connections still reading a request are
    /// closed at once, and responses in flight get [`ServerOptions::shutdown_grace`].
    pub async fn serve(self, shutdown: impl std::future::Future<Output = ()>) -> Result<()> {
        self.listener
            .set_nonblocking(true)
            .context(|| "configuring the listening socket")?;
        let listener = tokio::net::TcpListener::from_std(self.listener)
            .context(|| "registering the listener")?;
        let shared = Arc::new(Shared {
            message: Bytes::from(self.options.message),
            quiet: self.options.quiet,
        });
        let mut builder = http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(self.options.header_timeout)
            .max_buf_size(MAX_HEADER_BYTES)
            // A client that shuts down its sending side after the request (`nc -N`,
            // `curl --http1.0` through some proxies) still gets its answer.
            .half_close(true);
        let max_connections = self
            .options
            .max_connections
            .clamp(1, MAX_CONNECTIONS as usize);
        let slots = Arc::new(Semaphore::new(max_connections));
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let grace = self.options.shutdown_grace;
        tokio::pin!(shutdown);
        loop {
            let slot = tokio::select! {
                slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
                () = &mut shutdown => break,
            };
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of descriptors or a connection reset before accept: not
                        // fatal for a server; pause briefly so it cannot spin.
                        log(&format!(" * accept failed: {e}"));
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            let _ = stream.set_nodelay(true);
            let connection = ConnectionState::new(peer, shared.clone());
            let service = {
                let connection = connection.clone();
                service_fn(move |request| connection.clone().answer(request))
            };
            let served = builder.serve_connection(TokioIo::new(connection.record(stream)), service);
            let mut stopping = stopping.clone();
            tokio::spawn(async move {
                tokio::pin!(served);
                let outcome = tokio::select! {
                    outcome = served.as_mut() => Some(outcome),
                    () = stopped(&mut stopping) => {
                        if connection.requests() == 0 {
                            // Still reading its first request (a slow or idle client):
                            // closed now, by dropping it.
                            None
                        } else {
                            served.as_mut().graceful_shutdown();
                            tokio::time::timeout(grace, served.as_mut()).await.ok()
                        }
                    }
                };
                if let Some(Err(error)) = outcome {
                    connection.log_refused(&error);
                }
                drop(slot);
            });
        }
        drop(listener);
        let _ = stop.send(true);
        // Every connection gives its slot back within the grace; wait no longer. (The
        // clamp above keeps the count within u32.)
        let finished = tokio::time::timeout(
            grace + Duration::from_millis(100),
            slots.acquire_many_owned(max_connections as u32),
        )
        .await;
        if finished.is_err() {
            log(" * some connections did not finish in time; closing them");
        }
        Ok(())
    }
}

/// Resolves once the server is told to stop (the guard `wait_for` returns is dropped
/// here, so the connection's task stays `Send`).
async fn stopped(stopping: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stopping.wait_for(|stop| *stop).await;
}

struct Shared {
    message: Bytes,
    quiet: bool,
}

/// The first bytes of a request kept for the log of a request hyper refuses (400/431),
/// as Werkzeug logs the line it could not parse.
const REMEMBERED_HEAD: usize = 256;

/// What a connection's reader, its service and its task share: the peer, how many
/// requests it made, and the start of what it sent since the last answer.
#[derive(Clone)]
struct ConnectionState {
    inner: Arc<ConnectionInner>,
}

struct ConnectionInner {
    peer: SocketAddr,
    shared: Arc<Shared>,
    requests: AtomicU64,
    /// Set once `head` holds a whole line or its limit: no more locking per read.
    head_full: AtomicBool,
    head: Mutex<Vec<u8>>,
}

impl ConnectionState {
    fn new(peer: SocketAddr, shared: Arc<Shared>) -> ConnectionState {
        ConnectionState {
            inner: Arc::new(ConnectionInner {
                peer,
                shared,
                requests: AtomicU64::new(0),
                head_full: AtomicBool::new(false),
                head: Mutex::new(Vec::new()),
            }),
        }
    }

    fn requests(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// The stream, with what it reads remembered up to the end of the first line.
    fn record(&self, stream: tokio::net::TcpStream) -> Recorded {
        Recorded {
            stream,
            state: self.clone(),
        }
    }

    fn remember(&self, read: &[u8]) {
        if read.is_empty() || self.inner.head_full.load(Ordering::Relaxed) {
            return;
        }
        let mut head = self.inner.head.lock().unwrap_or_else(|e| e.into_inner());
        let room = REMEMBERED_HEAD.saturating_sub(head.len());
        head.extend_from_slice(&read[..read.len().min(room)]);
        if head.len() >= REMEMBERED_HEAD || head.contains(&b'\n') {
            self.inner.head_full.store(true, Ordering::Relaxed);
        }
    }

    async fn answer(self, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        self.inner
            .head
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.inner.head_full.store(false, Ordering::Relaxed);
        Ok(answer(&request, self.inner.peer, &self.inner.shared))
    }

    /// Logs the answer hyper gave a request it could not parse, as Werkzeug logs a
    /// bad request: the reason line, then the access line with the status.
    fn log_refused(&self, error: &hyper::Error) {
        if self.inner.shared.quiet {
            return;
        }
        let (status, reason) = if error.is_parse_too_large() {
            (431, "Request header fields too large")
        } else if error.is_parse() {
            (400, "Bad request syntax")
        } else {
            return;
        };
        let head = self.inner.head.lock().unwrap_or_else(|e| e.into_inner());
        let line = String::from_utf8_lossy(&head);
        let line = line.split(['\r', '\n']).next().unwrap_or("");
        let peer = self.inner.peer.ip();
        let now = chrono::Local::now().format("%d/%b/%Y %H:%M:%S");
        // One write for both lines, so another connection's log cannot come between.
        let line = line.escape_debug();
        log(&format!(
            "{peer} - - [{now}] code {status}, message {reason} ('{line}')\n\
             {peer} - - [{now}] \"{line}\" {status} -"
        ));
    }
}

/// A connection's stream that remembers the start of each request it reads.
struct Recorded {
    stream: tokio::net::TcpStream,
    state: ConnectionState,
}

impl tokio::io::AsyncRead for Recorded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if polled.is_ready() {
            this.state.remember(&buf.filled()[before..]);
        }
        polled
    }
}

impl tokio::io::AsyncWrite for Recorded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, bytes)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bytes)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

fn answer(request: &Request<Incoming>, peer: SocketAddr, shared: &Shared) -> Response<Full<Bytes>> {
    let reply = flask::route(request.method(), request.uri().path(), &shared.message);
    let mut response = Response::new(Full::new(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).expect("Flask's statuses are valid");
    let headers = response.headers_mut();
    headers.insert(SERVER, HeaderValue::from_static(SERVER_NAME));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(flask::CONTENT_TYPE));
    if let Some(allow) = reply.allow {
        headers.insert(ALLOW, HeaderValue::from_static(allow));
    }
    response
        .extensions_mut()
        .insert(ReasonPhrase::from_static(reply.reason.as_bytes()));
    if !shared.quiet {
        let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
        log(&access_line(
            peer.ip(),
            request.method().as_str(),
            target,
            request.version(),
            reply.status,
        ));
    }
    response
}

/// Werkzeug's access log line: `192.168.56.102 - - [25/Nov/2026 14:00:00] "GET / HTTP/1.1" 200 -`.
pub fn access_line(
    peer: IpAddr,
    method: &str,
    target: &str,
    version: hyper::Version,
    status: u16,
) -> String {
    let now = chrono::Local::now().format("%d/%b/%Y %H:%M:%S");
    format!("{peer} - - [{now}] \"{method} {target} {version:?}\" {status} -")
}

fn log(line: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{line}");
}

/// `127.0.0.1:5000` or `[::1]:5000`.
fn url_host_port(address: SocketAddr) -> String {
    match address.ip() {
        IpAddr::V6(ip) => format!("[{ip}]:{}", address.port()),
        IpAddr::V4(ip) => format!("{ip}:{}", address.port()),
    }
}

/// The global addresses of this host's NICs that are up: IPv4, then (with `ipv6`)
/// IPv6.
fn reachable_addresses(ipv6: bool) -> Vec<IpAddr> {
    let Ok(table) = nics::read_in(None, nics::LinkDump::Full, false) else {
        return Vec::new();
    };
    let global = |family| {
        table
            .nics
            .iter()
            .filter(|n| n.is_up() && !n.is_loopback())
            .flat_map(|n| n.addresses.iter())
            .filter(move |a| a.family == family && a.scope == 0)
            .filter_map(|a| a.local)
    };
    let mut addresses: Vec<IpAddr> = global(nics::AF_INET).collect();
    if ipv6 {
        addresses.extend(global(nics::AF_INET6));
    }
    addresses
}

/// The address `--host` names: an address, or a host name as Flask takes one
/// (`localhost`), looked up in /etc/hosts first; IPv4 first.
pub fn listen_address(host: &str) -> Result<IpAddr> {
    if let Ok(ip) = host.parse() {
        return Ok(ip);
    }
    crate::resolve::resolve(host)?
        .into_iter()
        .next()
        .ok_or_else(|| Error::usage(format!("--host {host}: the name has no address")))
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // Without signal handlers, the default action (exit) still stops the server.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => {}
        _ = terminate.recv() => {}
    }
}

/// Lets the process hold `connections` sockets: the soft descriptor limit (often 1024)
/// is raised towards the hard one, as servers do; where it cannot be, accept() reports
/// EMFILE and the server keeps serving the connections it has.
fn raise_descriptor_limit(connections: usize) {
    use nix::sys::resource::{getrlimit, setrlimit, Resource};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return;
    };
    // The listener, stdio, the runtime's own descriptors, and some room.
    let wanted = (connections as u64).saturating_add(64).min(hard);
    if wanted > soft {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, wanted, hard);
    }
}

/// Why a bind failed, in the terms of the lab.
fn bind_error(address: SocketAddr, error: std::io::Error) -> Error {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => {
            let message = match sockets::listener_on(Protocol::Tcp, address.port()).and_then(|l| l.owner) {
                // netstat's name is argv[0] as typed; a sentence wants the program's name.
                Some(owner) => {
                    let program = owner.program.rsplit('/').next().unwrap_or(&owner.program);
                    format!("address {address} is already in use by {program} (pid {})", owner.pid)
                }
                None => format!("address {address} is already in use"),
            };
            Error::failed(message)
                .hint(format!(
                    "several servers can run on one host, one per port: hello-server --port {}",
                    address.port().wrapping_add(1).max(1024)
                ))
                .hint(format!("see who listens: sudo sock-list -ltp --port {}", address.port()))
        }
        std::io::ErrorKind::PermissionDenied => Error::failed(format!(
            "binding {address} needs privileges: ports below 1024 are reserved for root"
        ))
        .hint("run it with sudo, or grant the capability once: sudo setcap cap_net_bind_service+ep $(command -v hello-server)")
        .hint("or use a port from 1024 up, as Flask's 5000"),
        std::io::ErrorKind::AddrNotAvailable => {
            Error::failed(format!("{} is not an address of this host", address.ip()))
                .hint("listen on 0.0.0.0 (every address) or on one that nic-show lists")
        }
        _ => Error::Io { context: format!("binding {address}"), source: error },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_line_has_werkzeugs_shape() {
        let line = access_line(
            "192.168.56.102".parse().unwrap(),
            "GET",
            "/",
            hyper::Version::HTTP_11,
            200,
        );
        let (head, tail) = line.split_once(" - - [").unwrap();
        assert_eq!(head, "192.168.56.102");
        let (time, request) = tail.split_once("] ").unwrap();
        assert!(
            chrono::NaiveDateTime::parse_from_str(time, "%d/%b/%Y %H:%M:%S").is_ok(),
            "{time}"
        );
        assert_eq!(request, "\"GET / HTTP/1.1\" 200 -");
    }

    #[test]
    fn a_taken_port_names_its_holder() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = taken.local_addr().unwrap();
        let options = ServerOptions {
            port: address.port(),
            ..ServerOptions::default()
        };
        let err = Server::bind(options).err().expect("the port is taken");
        let text = err.to_string();
        let program = std::env::args()
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            text,
            format!(
                "address {address} is already in use by {program} (pid {})",
                std::process::id()
            )
        );
        assert!(
            err.hints().iter().any(|h| h.contains("--port")),
            "{:?}",
            err.hints()
        );
    }

    #[test]
    fn port_zero_picks_a_free_port_and_the_banner_says_which() {
        let server = Server::bind(ServerOptions {
            port: 0,
            ..ServerOptions::default()
        })
        .unwrap();
        let port = server.local_addr().unwrap().port();
        assert_ne!(port, 0);
        assert_eq!(
            server.banner().unwrap(),
            format!(" * Running on http://127.0.0.1:{port}\nPress CTRL+C to quit")
        );
    }
}
