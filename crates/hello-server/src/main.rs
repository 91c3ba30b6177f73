//! hello-server: the handout's Flask `hello.py` (Experiment 2), native. Argument
//! parsing and printing only; the server is `labnet::http::server`.

use std::io::Write;
use std::net::IpAddr;
use std::process::ExitCode;

use clap::Parser;
use labnet::cli;
use labnet::http::server::{Server, ServerOptions};

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
    /// Address to listen on (0.0.0.0 or :: for every address)
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    host: IpAddr,
    /// Port to listen on (0: any free port)
    #[arg(long, default_value_t = 5000, value_name = "N")]
    port: u16,
    /// The body of GET /
    #[arg(long, default_value = "Hello, World!", value_name = "TEXT")]
    message: String,
    /// No access log on stderr
    #[arg(long)]
    quiet: bool,
    /// Connections served at once (more wait to be accepted)
    #[arg(long, default_value_t = 1024, value_name = "N")]
    max_connections: usize,
    /// Close connections whose request headers take longer than SECS (slow clients)
    #[arg(long, default_value_t = 10.0, value_name = "SECS")]
    header_timeout: f64,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args = Args::parse();
    cli::run("hello-server", || {
        let server = Server::bind(ServerOptions {
            host: args.host,
            port: args.port,
            message: args.message,
            quiet: args.quiet,
            max_connections: args.max_connections,
            header_timeout: std::time::Duration::try_from_secs_f64(args.header_timeout)
                .ok()
                .filter(|t| !t.is_zero())
                .ok_or_else(|| {
                    labnet::Error::usage("--header-timeout takes a positive number of seconds")
                })?,
            ..ServerOptions::default()
        })?;
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "{}", server.banner()?);
        drop(err);
        server.run()
    })
}
