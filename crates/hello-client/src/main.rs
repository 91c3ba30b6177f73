//! hello-client: The handout's http.client client (helloclient.py), native.
//!
//! Not built yet: issue #3 tracks it. Until then the tool answers --help and --version
//! and refuses to run (exit code 2) rather than print anything made up.

fn main() -> std::process::ExitCode {
    labnet::cli::pending(
        "hello-client",
        3,
        "The handout's http.client client (helloclient.py), native",
    )
}
