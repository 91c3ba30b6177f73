//! hello-client: the handout's `helloclient.py` (Experiment 2), native. Argument
//! parsing and printing only; the client is `labnet::http::client`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use labnet::error::Error;
use labnet::http::client::{self, ClientOptions, RequestOptions, Target};
use labnet::{cli, values};

#[derive(Parser)]
#[command(
    version,
    about = "The handout's http.client client (helloclient.py): GET / and print the answer",
    after_help = "Prints STATUS REASON, then the body, as the script does; exits 0 only on a 2xx answer. \
        When it fails, it says which layer failed and what to check.\n\nExamples:\n  \
        hello-client                          the handout's script: 127.0.0.1:5000\n  \
        hello-client 192.168.56.101:5000      the server on brooklyn, from midwood\n  \
        hello-client brooklyn --hold 30       keep the connection open; look with sock-list\n  \
        hello-client http://brooklyn:5000/ --count 12 --verbose   traffic to capture, with timings\n  \
        hello-client -i brooklyn               the status line and headers too (curl -i)\n  \
        hello-client -X DELETE brooklyn        the server's 405 answer (curl -X)\n  \
        hello-client -d name=lab brooklyn      a POST with a form body (curl -d)"
)]
struct Args {
    /// HOST, HOST:PORT or http://HOST:PORT/PATH (port 5000 unless given)
    #[arg(default_value = "127.0.0.1:5000")]
    target: String,
    /// Request this path instead of the target's
    #[arg(long, value_name = "P")]
    path: Option<String>,
    /// After the answer, keep the connection open SECS seconds and print both endpoints
    #[arg(long, value_name = "SECS", value_parser = values::seconds(0.0..=values::DAY))]
    hold: Option<Duration>,
    /// Send N requests (one connection each, unless --keep-alive)
    #[arg(long, default_value = "1", value_name = "N", value_parser = values::whole::<u32>(1..=1_000_000))]
    count: u32,
    /// Send all requests over one connection
    #[arg(long)]
    keep_alive: bool,
    /// Give up connecting or waiting for the answer after SECS seconds
    #[arg(long, default_value = "5", value_name = "SECS", value_parser = values::seconds(0.001..=3600.0))]
    timeout: Duration,
    /// Print each step with its timing (resolve, connect, first byte, total) and the
    /// request and response headers (`>` sent, `<` received), on stderr, as curl -v
    #[arg(short, long)]
    verbose: bool,
    /// Use this method (GET, HEAD, POST, PUT, DELETE, OPTIONS, ...), as curl -X
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    method: Option<String>,
    /// Send a HEAD request and show only the status line and headers, as curl -I
    #[arg(short = 'I', long)]
    head: bool,
    /// Show the status line and headers before the body, as curl -i
    #[arg(short = 'i', long)]
    include: bool,
    /// Send DATA as the body of a POST (a form, as curl -d sends it)
    #[arg(short = 'd', long, value_name = "DATA")]
    data: Option<String>,
    /// Add a header to the request: -H "Name: value" (repeat for more)
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// Write the answer to FILE instead of stdout, as curl -o
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<std::path::PathBuf>,
}

fn main() -> ExitCode {
    cli::generate_if_asked(<Args as clap::CommandFactory>::command());
    let args: Args = cli::parse("hello-client");
    cli::run("hello-client", || {
        let mut target: Target = args.target.parse()?;
        if let Some(path) = &args.path {
            target.path = path.clone();
        }
        let options = ClientOptions {
            target,
            count: args.count,
            keep_alive: args.keep_alive,
            hold: args.hold,
            timeout: args.timeout,
            verbose: args.verbose,
            request: RequestOptions {
                method: args.method.clone(),
                headers: args.headers.clone(),
                data: args.data.clone(),
                include: args.include,
                head: args.head,
                body_only: args.output.is_some(),
            },
        };
        let all_ok = match &args.output {
            Some(path) => client::run(
                &options,
                &mut client::output_file(path)?,
                &mut std::io::stderr(),
            )?,
            None => client::run(&options, &mut cli::stdout(), &mut std::io::stderr())?,
        };
        if all_ok {
            Ok(())
        } else {
            Err(Error::failed(
                "the server answered with an error status (shown above)",
            ))
        }
    })
}
