//! Which process owns which socket: one walk of /proc/*/fd, reading each descriptor's
//! link (`socket:[INODE]`) into an inode -> (pid, program) map, as netstat and ss do;
//! never one /proc scan per socket.
//!
//! The readlink happens on a stack buffer relative to the open fd directory (no path
//! built, no allocation per descriptor): with 20,000 sockets this walk is most of
//! `sock-list -p`'s time, which is why [`crate::sockets::snapshot`] runs it beside the
//! socket-table dump. Directories are read with rustix's `RawDir` (getdents64 into a
//! stack buffer): four system calls a process with few descriptors, where nix's `Dir`
//! (libc's opendir) made eight (fstat, two fcntl, a rewinding lseek); most processes
//! are kernel threads with none, so the walk took a third less time (0.75 -> 0.47 ms
//! with 68 processes). Program names follow netstat: argv[0], cut to its last path
//! component when it is a path; a process without a command line (a kernel thread)
//! gets its `comm` name instead of netstat's empty one.
//!
//! A walk may look only into the processes of one network namespace ([`NetNamespace`]):
//! a capture in a lab host's namespace owns sockets of that namespace, and most
//! processes (every kernel thread) are in the host's. One readlink of
//! `/proc/PID/ns/net` a process then replaces reading its descriptors (0.50 -> 0.18 ms
//! with 67 processes, 3 of them in the namespace).

use std::collections::HashMap;
use std::ffi::CStr;
use std::fs;
use std::mem::MaybeUninit;

use rustix::fs::{Mode, OFlags, RawDir};

/// The process that holds a socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub pid: u32,
    pub program: String,
}

/// Socket inode -> owner, and whether every process could be looked into.
#[derive(Debug, Default)]
pub struct Owners {
    by_inode: HashMap<u32, Owner>,
    /// False when some /proc/PID/fd could not be read (not root): then some sockets
    /// show no owner, and tools say so, as netstat does.
    pub complete: bool,
}

impl Owners {
    pub fn get(&self, inode: u32) -> Option<&Owner> {
        if inode == 0 {
            return None;
        }
        self.by_inode.get(&inode)
    }
}

/// A network namespace as /proc links it (`net:[4026531840]`): equal links, the same
/// namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetNamespace(Vec<u8>);

impl NetNamespace {
    /// This thread's network namespace.
    pub fn current() -> Option<NetNamespace> {
        NetNamespace::read("thread-self")
    }

    /// The namespace of process `pid` (`None` once it is gone).
    pub fn of(pid: u32) -> Option<NetNamespace> {
        NetNamespace::read(&pid.to_string())
    }

    /// The namespace link of /proc entry `entry` (a pid, `thread-self`).
    fn read(entry: &str) -> Option<NetNamespace> {
        let link = std::fs::read_link(format!("/proc/{entry}/ns/net")).ok()?;
        Some(NetNamespace(link.into_os_string().into_encoded_bytes()))
    }

    /// A namespace no process is in, for tests.
    #[cfg(test)]
    fn none() -> NetNamespace {
        NetNamespace(b"net:[0]".to_vec())
    }
}

/// Walks /proc once and maps every socket inode to the first process holding it.
pub fn scan() -> Owners {
    scan_in(None)
}

/// [`scan`], looking only into the processes whose network namespace is `namespace`
/// (all of them when `None`). A process whose namespace cannot be read is looked into.
pub fn scan_in(namespace: Option<&NetNamespace>) -> Owners {
    let mut owners = Owners {
        by_inode: HashMap::new(),
        complete: true,
    };
    let Ok(proc) = open_directory(c"/proc") else {
        owners.complete = false;
        return owners;
    };
    let mut buffer = [MaybeUninit::uninit(); 8192];
    let mut processes = RawDir::new(&proc, &mut buffer);
    let mut link = [0u8; 64];
    while let Some(Ok(process)) = processes.next() {
        let name = process.file_name();
        let Some(pid) = name.to_str().ok().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        if let Some(namespace) = namespace {
            if !in_namespace(&proc, name, namespace, &mut link) {
                continue;
            }
        }
        match socket_inodes(pid) {
            Ok(inodes) if !inodes.is_empty() => {
                let program = program_name(pid);
                for inode in inodes {
                    owners.by_inode.entry(inode).or_insert_with(|| Owner {
                        pid,
                        program: program.clone(),
                    });
                }
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => owners.complete = false,
            // The process ended while we looked: nothing to report.
            Err(_) => {}
        }
    }
    owners
}

/// Whether the process of /proc entry `pid` is in `namespace` (or its namespace cannot
/// be read: then its descriptors decide); one readlink, no allocation.
fn in_namespace(
    proc: &std::os::fd::OwnedFd,
    pid: &CStr,
    namespace: &NetNamespace,
    link: &mut [u8; 64],
) -> bool {
    // "PID/ns/net\0", relative to /proc.
    const SUFFIX: &[u8] = b"/ns/net\0";
    let mut path = [0u8; 32];
    let pid = pid.to_bytes();
    let Some(end) = pid
        .len()
        .checked_add(SUFFIX.len())
        .filter(|&n| n <= path.len())
    else {
        return true;
    };
    path[..pid.len()].copy_from_slice(pid);
    path[pid.len()..end].copy_from_slice(SUFFIX);
    let Ok(path) = CStr::from_bytes_with_nul(&path[..end]) else {
        return true;
    };
    match rustix::fs::readlinkat_raw(proc, path, &mut link[..]) {
        Ok(length) => link[..length] == namespace.0[..],
        // Gone: nothing of it to read.
        Err(rustix::io::Errno::NOENT | rustix::io::Errno::SRCH) => false,
        Err(_) => true,
    }
}

/// The inodes of the sockets a process has open.
pub fn socket_inodes(pid: u32) -> std::io::Result<Vec<u32>> {
    let path = std::ffi::CString::new(format!("/proc/{pid}/fd")).map_err(std::io::Error::other)?;
    let dir = open_directory(&path)?;
    let mut inodes = Vec::new();
    let mut buffer = [MaybeUninit::uninit(); 4096];
    let mut target = [0u8; 64];
    let mut entries = RawDir::new(&dir, &mut buffer);
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name();
        if !name.to_bytes().first().is_some_and(u8::is_ascii_digit) {
            continue;
        }
        match rustix::fs::readlinkat_raw(&dir, name, &mut target[..]) {
            Ok(length) => {
                if let Some(inode) = parse_socket_link(&target[..length]) {
                    inodes.push(inode);
                }
            }
            // Access is decided per process (ptrace's read check), so one refusal
            // means every descriptor is refused: root meets it on another user
            // namespace's init, for instance, here with 263 descriptors.
            Err(rustix::io::Errno::ACCESS) => break,
            // The descriptor was closed while we looked.
            Err(_) => continue,
        }
    }
    Ok(inodes)
}

/// Opens a directory for [`RawDir`].
fn open_directory(path: &CStr) -> std::io::Result<std::os::fd::OwnedFd> {
    Ok(rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// `socket:[12345]` -> 12345.
fn parse_socket_link(link: &[u8]) -> Option<u32> {
    let digits = link.strip_prefix(b"socket:[")?.strip_suffix(b"]")?;
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// netstat's program name: argv[0], or its last component when argv[0] is a path.
fn program_name(pid: u32) -> String {
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let argv0 = CStr::from_bytes_until_nul(&cmdline)
        .map(|c| c.to_bytes())
        .unwrap_or(&cmdline[..]);
    if argv0.is_empty() {
        return fs::read_to_string(format!("/proc/{pid}/comm"))
            .unwrap_or_default()
            .trim_end()
            .to_string();
    }
    let name = if argv0.starts_with(b"/") {
        argv0.rsplit(|b| *b == b'/').next().unwrap_or(argv0)
    } else {
        argv0
    };
    String::from_utf8_lossy(name).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn socket_links_are_parsed() {
        assert_eq!(parse_socket_link(b"socket:[424242]"), Some(424242));
        assert_eq!(parse_socket_link(b"pipe:[1]"), None);
        assert_eq!(parse_socket_link(b"socket:[]"), None);
        assert_eq!(parse_socket_link(b"/dev/null"), None);
    }

    #[test]
    fn our_own_socket_is_ours() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let inode = fs::metadata(format!("/proc/self/fd/{}", listener.as_raw_fd()))
            .map(|m| std::os::unix::fs::MetadataExt::ino(&m) as u32)
            .unwrap();
        let owners = scan();
        let owner = owners.get(inode).expect("our listener has an owner");
        assert_eq!(owner.pid, std::process::id());
        let exe = std::env::args().next().unwrap();
        assert_eq!(owner.program, exe.rsplit('/').next().unwrap());
        assert!(
            owners.get(0).is_none(),
            "inode 0 (TIME_WAIT) never has an owner"
        );
        // A walk of this namespace's processes finds it too; of another, not.
        let namespace = NetNamespace::current().expect("our own namespace");
        assert_eq!(
            NetNamespace::of(std::process::id()),
            Some(namespace.clone())
        );
        let ours = scan_in(Some(&namespace));
        assert_eq!(ours.get(inode).map(|o| o.pid), Some(std::process::id()));
        assert!(ours.by_inode.len() <= owners.by_inode.len());
        assert!(scan_in(Some(&NetNamespace::none())).get(inode).is_none());
    }
}
