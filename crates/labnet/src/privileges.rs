//! Which Linux capabilities this process holds, so tools can say what is missing
//! before the kernel answers a bare EPERM.
//!
//! Reads `CapEff` from /proc/self/status: one file read, no libcap needed. Also drops
//! root for a named user once the privileged work is done (tcpdump's `-Z`).

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

/// Becomes `user` (from /etc/passwd, read here: static binaries have no NSS): no
/// supplementary groups, the user's group, then the user, so nothing can be regained.
pub fn drop_to(user: &str) -> Result<()> {
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let (uid, gid) = passwd_entry(&passwd, user).ok_or_else(|| {
        Error::usage(format!("no user named {user:?} in /etc/passwd"))
            .hint("-Z takes a user name such as nobody")
    })?;
    let fail = |what: &str, err: nix::Error| {
        Error::failed(format!("could not {what} to drop privileges: {err}"))
    };
    nix::unistd::setgroups(&[]).map_err(|e| fail("clear the supplementary groups", e))?;
    nix::unistd::setgid(nix::unistd::Gid::from_raw(gid)).map_err(|e| fail("change group", e))?;
    nix::unistd::setuid(nix::unistd::Uid::from_raw(uid)).map_err(|e| fail("change user", e))?;
    Ok(())
}

/// The uid and gid of `user` in a passwd file's text.
fn passwd_entry(text: &str, user: &str) -> Option<(u32, u32)> {
    text.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        (fields.len() >= 4 && fields[0] == user)
            .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_entries_give_uid_and_gid() {
        let text = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
        assert_eq!(passwd_entry(text, "nobody"), Some((65534, 65534)));
        assert_eq!(passwd_entry(text, "nobod"), None);
    }

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
