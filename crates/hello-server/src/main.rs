//! hello-server: the handout's Flask `hello.py` (Experiment 2), native. Argument
//! parsing and printing only; the server is `labnet::http::server`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use labnet::http::server::MAX_CONNECTIONS;
use labnet::http::server::{Server, ServerOptions};
use labnet::{cli, values};

#[derive(Parser)]
#[command(
    version,
    about = "The handout's Flask hello server (hello.py): GET / answers \"Hello, World!\"",
    after_help = "Like Flask, it listens on 127.0.0.1:5000, which other hosts cannot reach: that is the \
        handout's puzzle. --host 0.0.0.0 listens on every address.\n\nExamples:\n  \
        hello-server                          Flask's defaults: http://127.0.0.1:5000\n  \
        hello-server --host 0.0.0.0           reachable from midwood as http://192.168.56.101:5000\n  \
        hello-server --port 5001 --message 'Hello from 5001'   a second server beside the first\n  \
        hello-server --port 0                 any free port (printed)"
)]
struct Args {
    /// Address to listen on (0.0.0.0 or :: for every address), or a host name
    /// (`localhost`), as Flask takes it
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    host: String,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value = "5000", value_name = "N", value_parser = values::whole::<u16>(0..=65_535))]
    port: u16,
    /// The body of GET /
    #[arg(long, default_value = "Hello, World!", value_name = "TEXT")]
    message: String,
    /// No access log on stderr
    #[arg(long)]
    quiet: bool,
    /// Connections served at once (more wait to be accepted)
    #[arg(long, default_value = "1024", value_name = "N", value_parser = values::whole::<usize>(1..=MAX_CONNECTIONS))]
    max_connections: usize,
    /// Close connections whose request headers take longer than SECS (slow clients)
    #[arg(long, default_value = "10", value_name = "SECS", value_parser = values::seconds(0.001..=3600.0))]
    header_timeout: Duration,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args: Args = cli::parse("hello-server");
    cli::run("hello-server", || {
        let server = Server::bind(ServerOptions {
            host: labnet::http::server::listen_address(&args.host)?,
            port: args.port,
            message: args.message,
            quiet: args.quiet,
            max_connections: args.max_connections,
            header_timeout: args.header_timeout,
            ..ServerOptions::default()
        })?;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", server.banner()?);
        drop(err);
        server.run()
    })
}
