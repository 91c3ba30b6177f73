//! Which Linux capabilities this process holds, so tools can say what is missing
//! before the kernel answers a bare EPERM.
//!
//! Reads `CapEff` from /proc/self/status: one file read, no libcap needed.

use crate::error::{Error, Result};

/// The capabilities labnet tools ask for (bit numbers from linux/capability.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    NetAdmin = 12,
    NetRaw = 13,
    SysAdmin = 21,
}

impl Capability {
    fn name(self) -> &'static str {
        match self {
            Capability::NetAdmin => "CAP_NET_ADMIN",
            Capability::NetRaw => "CAP_NET_RAW",
            Capability::SysAdmin => "CAP_SYS_ADMIN",
        }
    }
}

/// Whether the effective capability set holds `cap`.
pub fn has(cap: Capability) -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| effective_set(&status))
        .is_some_and(|set| set & (1u64 << cap as u32) != 0)
}

fn effective_set(status: &str) -> Option<u64> {
    let hex = status.lines().find_map(|l| l.strip_prefix("CapEff:"))?;
    u64::from_str_radix(hex.trim(), 16).ok()
}

/// Fails with a clear message unless every capability in `caps` is held.
/// `what` names the action ("lab-hosts up"); `grant` says how to get them.
pub fn require(what: &str, caps: &[Capability], grant: &str) -> Result<()> {
    let missing: Vec<&str> = caps
        .iter()
        .filter(|c| !has(**c))
        .map(|c| c.name())
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(Error::Privilege {
        what: what.into(),
        needed: format!("root privileges ({} missing)", missing.join(", ")),
        grant: grant.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_effective_capabilities_from_proc_status() {
        let status = "Name:\tx\nCapInh:\t0000000000000000\nCapEff:\t0000000000003000\n";
        let set = effective_set(status).unwrap();
        assert_ne!(set & (1 << Capability::NetAdmin as u32), 0);
        assert_ne!(set & (1 << Capability::NetRaw as u32), 0);
        assert_eq!(set & (1 << Capability::SysAdmin as u32), 0);
    }

    #[test]
    fn missing_capability_names_it_and_says_how_to_grant() {
        if has(Capability::SysAdmin) {
            // Root holds everything; the failing branch is exercised by the
            // unprivileged CLI test in lab-hosts instead.
            assert!(require("x", &[Capability::SysAdmin], "sudo").is_ok());
            return;
        }
        let err = require("lab-hosts up", &[Capability::SysAdmin], "run with sudo").unwrap_err();
        assert!(err.to_string().contains("CAP_SYS_ADMIN"), "{err}");
        assert_eq!(err.hints(), ["run with sudo"]);
    }
}
