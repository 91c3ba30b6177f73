//! Which process a packet belongs to, as every output shows it and as a pcapng file
//! keeps it: the data, not the finding (that is [`crate::attribution`]).
//!
//! In a pcapng file a packet's process is written as ptcpdump writes it, so its
//! readers and the Wireshark dissectors written for it work: a comment `PID: n\nCmd:
//! path\nArgs: ...`, one `UserId: n\nGroupId: n` when known, and the
//! `epb_processid_threadid` option (code 8). labnet adds one comment of its own,
//! `Comm: name\nQuality: exact|cached`, which ptcpdump's readers pass over.

use std::sync::Arc;

use serde::Serialize;

/// A process that owned a packet's socket on this host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Process {
    pub pid: u32,
    /// The thread, when known (0: unknown).
    pub tid: u32,
    /// The kernel's name for it (`/proc/PID/comm`, at most 15 bytes): `hello-client`.
    pub comm: String,
    /// Its executable (ptcpdump's `Cmd`): `/usr/local/bin/hello-client`.
    pub cmd: String,
    /// Its command line, arguments joined by spaces (ptcpdump's `Args`).
    pub args: String,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
}

/// How sure the attribution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Quality {
    /// The socket was found in the kernel, owned by this process, for this flow.
    Exact,
    /// The flow was seen owned by this process earlier (or by a process being
    /// watched); its socket is gone now, or the flow closed.
    Cached,
    /// No socket of this host for it: another host's traffic, forwarded traffic, or a
    /// process that ended before it could be looked up.
    Unknown,
}

impl Quality {
    pub fn name(self) -> &'static str {
        match self {
            Quality::Exact => "exact",
            Quality::Cached => "cached",
            Quality::Unknown => "unknown",
        }
    }
}

/// A packet's process and how sure that is; `process` is `None` exactly when the
/// quality is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribution {
    pub process: Option<Arc<Process>>,
    pub quality: Quality,
}

impl Attribution {
    pub const UNKNOWN: Attribution = Attribution {
        process: None,
        quality: Quality::Unknown,
    };

    pub fn known(process: Arc<Process>, quality: Quality) -> Attribution {
        Attribution {
            process: Some(process),
            quality,
        }
    }

    /// The end of a summary line: `  [hello-client 4121]`, `  [hello-client 4121,
    /// cached]`; nothing when unknown.
    pub fn tag(&self) -> Option<String> {
        let process = self.process.as_ref()?;
        Some(match self.quality {
            Quality::Cached => format!("  [{} {}, cached]", process.comm, process.pid),
            _ => format!("  [{} {}]", process.comm, process.pid),
        })
    }

    /// The pcapng comments and process option that keep it in a file (nothing when
    /// unknown).
    pub fn pcapng(&self) -> (Vec<String>, Option<(u32, u32)>) {
        let Some(p) = &self.process else {
            return (Vec::new(), None);
        };
        let mut comments = vec![format!("PID: {}\nCmd: {}\nArgs: {}", p.pid, p.cmd, p.args)];
        if let (Some(uid), Some(gid)) = (p.uid, p.gid) {
            comments.push(format!("UserId: {uid}\nGroupId: {gid}"));
        }
        comments.push(format!(
            "Comm: {}\nQuality: {}",
            p.comm,
            self.quality.name()
        ));
        (comments, Some((p.pid, p.tid)))
    }

    /// Reads it back from a packet's pcapng comments and process option, as labnet or
    /// ptcpdump wrote them; unknown when they name no process.
    pub fn from_pcapng<'a>(
        comments: impl Iterator<Item = &'a str>,
        process_thread: Option<(u32, u32)>,
    ) -> Attribution {
        let mut fields: Vec<(&str, &str)> = Vec::new();
        for comment in comments {
            fields.extend(comment.lines().filter_map(|l| l.split_once(": ")));
        }
        let field = |key: &str| fields.iter().find(|(k, _)| *k == key).map(|(_, v)| *v);
        let number = |key: &str| field(key).and_then(|v| v.trim().parse::<u32>().ok());
        let Some(pid) = number("PID").or(process_thread.map(|(pid, _)| pid)) else {
            return Attribution::UNKNOWN;
        };
        let cmd = field("Cmd").unwrap_or("").to_string();
        // ptcpdump keeps no comm: the kernel's is the executable's name, cut to 15.
        let comm = field("Comm").map(str::to_string).unwrap_or_else(|| {
            let name = cmd.rsplit('/').next().unwrap_or("");
            name.chars().take(15).collect()
        });
        let quality = match field("Quality") {
            Some("cached") => Quality::Cached,
            _ => Quality::Exact,
        };
        let process = Process {
            pid,
            tid: process_thread.map_or(0, |(_, tid)| tid),
            comm,
            cmd,
            args: field("Args").unwrap_or("").to_string(),
            uid: number("UserId"),
            gid: number("GroupId"),
        };
        Attribution::known(Arc::new(process), quality)
    }
}

/// `"process"` of the JSON output: pid, comm, uid and quality (null when unknown),
/// with the executable and the thread.
#[derive(Serialize)]
pub struct ProcessJson<'a> {
    pub pid: Option<u32>,
    pub comm: Option<&'a str>,
    pub uid: Option<u32>,
    pub quality: Quality,
    pub cmd: Option<&'a str>,
    pub tid: Option<u32>,
}

impl<'a> From<&'a Attribution> for ProcessJson<'a> {
    fn from(attribution: &'a Attribution) -> Self {
        let p = attribution.process.as_deref();
        ProcessJson {
            pid: p.map(|p| p.pid),
            comm: p.map(|p| p.comm.as_str()),
            uid: p.and_then(|p| p.uid),
            quality: attribution.quality,
            cmd: p.map(|p| p.cmd.as_str()),
            tid: p.map(|p| p.tid).filter(|&t| t != 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> Process {
        Process {
            pid: 4121,
            tid: 4121,
            comm: "hello-client".into(),
            cmd: "/usr/local/bin/hello-client".into(),
            args: "hello-client brooklyn".into(),
            uid: Some(1000),
            gid: Some(1000),
        }
    }

    #[test]
    fn comments_are_ptcpdumps_and_read_back() {
        let attribution = Attribution::known(Arc::new(client()), Quality::Cached);
        let (comments, option) = attribution.pcapng();
        assert_eq!(
            comments[0],
            "PID: 4121\nCmd: /usr/local/bin/hello-client\nArgs: hello-client brooklyn"
        );
        assert_eq!(comments[1], "UserId: 1000\nGroupId: 1000");
        assert_eq!(option, Some((4121, 4121)));
        let back = Attribution::from_pcapng(comments.iter().map(String::as_str), option);
        assert_eq!(back, attribution);
        assert_eq!(back.tag().as_deref(), Some("  [hello-client 4121, cached]"));
    }

    #[test]
    fn a_ptcpdump_comment_alone_is_an_exact_process_named_by_its_executable() {
        let back = Attribution::from_pcapng(
            ["PID: 77\nCmd: /usr/bin/a-very-long-program-name\nArgs: x y"].into_iter(),
            None,
        );
        let process = back.process.as_ref().unwrap();
        assert_eq!(
            (process.pid, process.comm.as_str()),
            (77, "a-very-long-pro")
        );
        assert_eq!(back.quality, Quality::Exact);
        assert_eq!(back.tag().as_deref(), Some("  [a-very-long-pro 77]"));
        // The process option alone still names the process.
        let bare = Attribution::from_pcapng(std::iter::empty(), Some((9, 10)));
        assert_eq!(bare.process.as_ref().map(|p| (p.pid, p.tid)), Some((9, 10)));
        // Nothing, or comments of another kind: unknown, and no tag.
        let none = Attribution::from_pcapng(["just a note"].into_iter(), None);
        assert_eq!(none, Attribution::UNKNOWN);
        assert_eq!(none.tag(), None);
        assert!(Attribution::UNKNOWN.pcapng().0.is_empty());
    }
}
