//! The one error type of labnet: what went wrong, and what the user can do about it.
//!
//! Every error knows its exit code (2 for a usage error, 1 for a runtime failure) and
//! the hints printed under it (`  hint: ...`). Binaries never build their own messages
//! for library failures; they print these through [`crate::cli`].

use std::io;

/// Result alias used across labnet.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A labnet failure, with enough context to tell the user what to do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An operating-system call failed while doing `context`.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    /// The kernel refused a netlink request.
    #[error("{context}: {source}")]
    Netlink {
        context: String,
        #[source]
        source: io::Error,
    },
    /// The process lacks a privilege; `grant` says how to get it.
    #[error("{what} needs {needed}")]
    Privilege {
        what: String,
        needed: String,
        grant: String,
    },
    /// The command line asks for something impossible (exit code 2).
    #[error("{message}")]
    Usage { message: String, hints: Vec<String> },
    /// A runtime failure that is not an OS error (exit code 1).
    #[error("{message}")]
    Failed { message: String, hints: Vec<String> },
}

impl Error {
    /// A runtime failure with a message and no hint yet.
    pub fn failed(message: impl Into<String>) -> Self {
        Error::Failed {
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hints: Vec::new(),
        }
    }

    /// Adds a hint line to a `Failed` or `Usage` error; other kinds carry their own hints.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        if let Error::Failed { hints, .. } | Error::Usage { hints, .. } = &mut self {
            hints.push(hint.into());
        }
        self
    }

    /// The process exit code for this error: 2 for usage errors, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } => 2,
            _ => 1,
        }
    }

    /// Whether this error is a closed stdout (`tool | head`), which is not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }

    /// The `hint:` lines printed under the error.
    pub fn hints(&self) -> Vec<String> {
        match self {
            Error::Failed { hints, .. } | Error::Usage { hints, .. } => hints.clone(),
            // Root being told to become root learns nothing: say what else it can be.
            Error::Privilege { needed, .. } if running_as_root() => vec![format!(
                "this runs as root but without {needed}: a container or user namespace \
                 withholds it, or the capability bounding set lacks it (see CapEff and \
                 CapBnd in /proc/self/status); sudo will not help"
            )],
            Error::Privilege { grant, .. } => vec![grant.clone()],
            Error::Io { source, .. } | Error::Netlink { source, .. }
                if source.kind() == io::ErrorKind::PermissionDenied =>
            {
                if running_as_root() {
                    vec![
                        "this runs as root, so it is not a missing privilege: a read-only \
                          mount, a security module (AppArmor, SELinux), or a container that \
                          withholds a capability refused it"
                            .into(),
                    ]
                } else {
                    vec!["run it as root (sudo), or grant the capability it needs".into()]
                }
            }
            _ => Vec::new(),
        }
    }
}

fn running_as_root() -> bool {
    nix::unistd::geteuid().is_root()
}

impl From<io::Error> for Error {
    fn from(source: io::Error) -> Self {
        Error::Io {
            context: "I/O error".into(),
            source,
        }
    }
}

/// Adds "while doing what" to OS errors: `fs::read(p).context(|| format!("reading {p}"))?`.
pub trait Context<T> {
    fn context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T>;
}

impl<T> Context<T> for io::Result<T> {
    fn context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|source| Error::Io {
            context: context().into(),
            source,
        })
    }
}

impl<T> Context<T> for nix::Result<T> {
    fn context<C: Into<String>>(self, context: impl FnOnce() -> C) -> Result<T> {
        self.map_err(|errno| Error::Io {
            context: context().into(),
            source: io::Error::from(errno),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_errors_exit_2_and_failures_exit_1() {
        assert_eq!(Error::usage("bad flag").exit_code(), 2);
        assert_eq!(Error::failed("it broke").exit_code(), 1);
    }

    #[test]
    fn permission_denied_suggests_root_only_to_others() {
        let err = Err::<(), _>(io::Error::from(io::ErrorKind::PermissionDenied))
            .context(|| "creating /run/netns/brooklyn")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "creating /run/netns/brooklyn: permission denied"
        );
        let hint = &err.hints()[0];
        if running_as_root() {
            assert!(!hint.contains("(sudo)"), "{hint}");
            assert!(hint.contains("not a missing privilege"), "{hint}");
        } else {
            assert!(hint.contains("sudo"), "{hint}");
        }
        let privilege = Error::Privilege {
            what: "capturing packets".into(),
            needed: "CAP_NET_RAW".into(),
            grant: "run it with sudo".into(),
        };
        assert_eq!(
            privilege.hints()[0].contains("sudo will not help"),
            running_as_root()
        );
    }

    #[test]
    fn broken_pipe_is_recognised() {
        let err: Error = io::Error::from(io::ErrorKind::BrokenPipe).into();
        assert!(err.is_broken_pipe());
        assert!(!Error::failed("x").is_broken_pipe());
    }

    #[test]
    fn hints_accumulate_in_order() {
        let err = Error::failed("port busy").hint("first").hint("second");
        assert_eq!(err.hints(), ["first", "second"]);
    }
}
