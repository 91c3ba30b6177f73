//! HTTP for the handout's Experiment 2: the Flask hello server ([`server`]) and the
//! http.client client ([`client`]), on tokio and hyper, with Flask's answers in one pure
//! function ([`flask`]) so tests and benchmarks share them.

pub mod client;
pub mod flask;
pub mod server;
