//! labnet: the library behind the labnet TCP/IP lab tools.
//!
//! Every binary in the workspace is a thin shell (arguments in, one call here, output
//! out); the logic lives in these modules so that tests, benchmarks and other tools can
//! reuse it. See `docs/ARCHITECTURE.md` for the map and the invariants.

pub mod addr;
pub mod attribution;
pub mod capture;
pub mod cli;
pub mod completion;
pub mod conversations;
pub mod devices;
pub mod dissect;
pub mod error;
pub mod filter;
pub mod hints;
pub mod http;
pub mod lab;
pub mod labcapture;
pub mod linktype;
pub mod live;
pub mod netbase;
pub mod netlink;
pub mod netns;
pub mod nics;
pub mod offline;
pub mod pcap;
pub mod ping;
pub mod present;
pub mod privileges;
pub mod process;
pub mod resolve;
pub mod routes;
pub mod signals;
pub mod sockets;
pub mod tools;
pub mod tui;
pub mod values;
pub mod wire;

pub use error::{Error, Result};
