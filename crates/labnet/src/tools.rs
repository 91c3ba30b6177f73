//! The workspace's tools, the one list of them: tests, `cargo xtask dist` (which
//! compiles this file into xtask by path) and, through the release's `bin/`, install.sh
//! all go by it. A leaf with no imports, so xtask can include it without labnet.

/// Every binary of the workspace, in the order the lab meets them.
pub const TOOLS: [&str; 6] = [
    "lab-hosts",
    "nic-show",
    "sock-list",
    "hello-server",
    "hello-client",
    "webcapture",
];
