//! Named network namespaces, made the way `ip netns` makes them, so that `ip netns`
//! sees ours and we see its.
//!
//! A named namespace is a bind mount of a namespace file onto `/run/netns/NAME`, under a
//! directory that is a shared mount point (so that mounts made later are visible in
//! other mount namespaces, as iproute2 arranges). Entering one for a command
//! ([`HostEnv`]) also mirrors `ip netns exec`: a private mount namespace, `/sys`
//! remounted for the namespace, and the files of `/etc/netns/NAME/` bound over those of
//! `/etc`; it also sets the UTS host name, so `hostname` prints the lab host's name.
//!
//! `setns` changes only the calling thread, so work inside a namespace runs on a
//! short-lived thread ([`run_in`]); sockets opened there stay in that namespace.

use std::ffi::CString;
use std::fs::{self, File};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{setns, unshare, CloneFlags};

use crate::error::{Context, Error, Result};

/// Where iproute2 keeps named network namespaces.
pub const RUN_DIR: &str = "/run/netns";
/// Where iproute2 keeps per-namespace replacements for files in /etc.
pub const ETC_DIR: &str = "/etc/netns";

/// The bind-mount file of a named namespace.
pub fn path(name: &str) -> PathBuf {
    Path::new(RUN_DIR).join(name)
}

/// Whether a namespace of that name exists (is mounted) under /run/netns.
pub fn exists(name: &str) -> bool {
    // A leftover empty file without a mount is not a namespace: it has the /run/netns
    // directory's device number, while a real one is on the nsfs device.
    match (fs::metadata(path(name)), fs::metadata(RUN_DIR)) {
        (Ok(ns), Ok(dir)) => ns.dev() != dir.dev(),
        _ => false,
    }
}

/// Opens a named namespace for `setns`.
pub fn open(name: &str) -> Result<File> {
    if !exists(name) {
        return Err(Error::failed(format!(
            "network namespace {name:?} does not exist"
        )));
    }
    File::open(path(name)).context(|| format!("opening network namespace {name}"))
}

/// Creates a named network namespace, as `ip netns add NAME`.
pub fn create(name: &str) -> Result<()> {
    make_run_dir_shared()?;
    let file = path(name);
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&file)
        .context(|| format!("creating {}", file.display()))?;
    let target = file.clone();
    let made = std::thread::spawn(move || -> Result<()> {
        unshare(CloneFlags::CLONE_NEWNET).context(|| "unsharing a network namespace")?;
        mount(
            Some("/proc/thread-self/ns/net"),
            &target,
            None::<&str>,
            MsFlags::MS_BIND,
            None::<&str>,
        )
        .context(|| format!("binding the new namespace to {}", target.display()))
    })
    .join()
    .unwrap_or_else(|_| Err(Error::failed("the namespace thread panicked")));
    if made.is_err() {
        let _ = fs::remove_file(&file);
    }
    made
}

/// Makes /run/netns a shared mount point, as iproute2 does, so namespaces mounted
/// later propagate to every mount namespace (ours and `ip netns exec`'s).
fn make_run_dir_shared() -> Result<()> {
    fs::create_dir_all(RUN_DIR).context(|| format!("creating {RUN_DIR}"))?;
    let shared = MsFlags::MS_SHARED | MsFlags::MS_REC;
    match mount(None::<&str>, RUN_DIR, None::<&str>, shared, None::<&str>) {
        Ok(()) => Ok(()),
        // EINVAL: not a mount point yet. Bind it onto itself, then share it.
        Err(nix::Error::EINVAL) => {
            mount(
                Some(RUN_DIR),
                RUN_DIR,
                Some("none"),
                MsFlags::MS_BIND | MsFlags::MS_REC,
                None::<&str>,
            )
            .context(|| format!("bind-mounting {RUN_DIR}"))?;
            mount(None::<&str>, RUN_DIR, None::<&str>, shared, None::<&str>)
                .context(|| format!("making {RUN_DIR} a shared mount"))
        }
        Err(e) => Err(e).context(|| format!("making {RUN_DIR} a shared mount")),
    }
}

/// Deletes a named network namespace, as `ip netns delete NAME`. The namespace itself
/// lives on while processes run inside it; see [`processes_in`].
pub fn delete(name: &str) -> Result<()> {
    let file = path(name);
    // A file that is not mounted (a half-made namespace) only needs unlinking.
    match umount2(&file, MntFlags::MNT_DETACH) {
        Ok(()) | Err(nix::Error::EINVAL) | Err(nix::Error::ENOENT) => {}
        Err(e) => return Err(e).context(|| format!("unmounting {}", file.display())),
    }
    match fs::remove_file(&file) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).context(|| format!("removing {}", file.display())),
    }
}

/// Runs `work` on a thread that has entered the namespace `ns`. Sockets made there
/// stay in that namespace after the thread ends.
pub fn run_in<T: Send>(ns: &File, work: impl FnOnce() -> Result<T> + Send) -> Result<T> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                setns(ns.as_fd(), CloneFlags::CLONE_NEWNET)
                    .context(|| "entering a network namespace")?;
                work()
            })
            .join()
            .unwrap_or_else(|_| Err(Error::failed("a thread working in a namespace panicked")))
    })
}

/// Writes a sysctl of the namespace `ns` (`key` like "net/ipv6/conf/default/accept_dad").
pub fn write_sysctl(ns: &File, key: &str, value: &str) -> Result<()> {
    run_in(ns, || {
        let file = Path::new("/proc/sys").join(key);
        fs::write(&file, value).context(|| format!("writing {}", file.display()))
    })
}

/// The name under /run/netns of the network namespace process `pid` is in, if it is a
/// named one other than this process's own (a lab host, or one made by `ip netns`).
pub fn name_of(pid: u32) -> Option<String> {
    let theirs = fs::metadata(format!("/proc/{pid}/ns/net")).ok()?;
    let ours = fs::metadata("/proc/self/ns/net").ok()?;
    if (theirs.dev(), theirs.ino()) == (ours.dev(), ours.ino()) {
        return None;
    }
    fs::read_dir(RUN_DIR).ok()?.find_map(|entry| {
        let entry = entry.ok()?;
        let meta = fs::metadata(entry.path()).ok()?;
        ((meta.dev(), meta.ino()) == (theirs.dev(), theirs.ino()))
            .then(|| entry.file_name().to_string_lossy().into_owned())
    })
}

/// The processes whose network namespace is the named one: (pid, command name).
pub fn processes_in(name: &str) -> Vec<(u32, String)> {
    let Ok(ns) = fs::metadata(path(name)) else {
        return Vec::new();
    };
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut found: Vec<(u32, String)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            fs::metadata(format!("/proc/{pid}/ns/net"))
                .is_ok_and(|m| m.ino() == ns.ino() && m.dev() == ns.dev())
        })
        .map(|pid| {
            let comm = fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            (pid, comm.trim_end().to_string())
        })
        .collect();
    found.sort();
    found
}

/// Everything needed to enter a lab host, prepared ahead so that [`HostEnv::enter`]
/// makes system calls only (safe between fork and exec).
pub struct HostEnv {
    netns: OwnedFd,
    hostname: String,
    etc_binds: Vec<(CString, CString)>,
}

impl HostEnv {
    /// Prepares to enter the namespace `netns_name` as the host `hostname`.
    pub fn prepare(netns_name: &str, hostname: &str) -> Result<Self> {
        let netns = OwnedFd::from(open(netns_name)?);
        let mut etc_binds = Vec::new();
        if let Ok(entries) = fs::read_dir(Path::new(ETC_DIR).join(netns_name)) {
            for entry in entries.flatten() {
                let target = Path::new("/etc").join(entry.file_name());
                if target.exists() {
                    etc_binds.push((c_path(&entry.path())?, c_path(&target)?));
                }
            }
        }
        Ok(HostEnv {
            netns,
            hostname: hostname.to_string(),
            etc_binds,
        })
    }

    /// Makes `command` start inside the host: the process it spawns (or the one `exec`
    /// replaces) enters between fork and exec. The one `pre_exec` of labnet.
    pub fn enter_when_run(self, command: &mut Command) -> &mut Command {
        // SAFETY: `enter` only makes system calls (setns, unshare, mount, sethostname)
        // on data prepared before the fork, which is what pre_exec requires.
        unsafe {
            command.pre_exec(move || self.enter().map_err(std::io::Error::from));
        }
        command
    }

    /// Moves the calling (single-threaded) process into the host: its network
    /// namespace, a private mount namespace with /sys and /etc/netns files in place, and
    /// its own UTS namespace named after the host. Only system calls happen here.
    fn enter(&self) -> nix::Result<()> {
        setns(self.netns.as_fd(), CloneFlags::CLONE_NEWNET)?;
        unshare(CloneFlags::CLONE_NEWNS | CloneFlags::CLONE_NEWUTS)?;
        // Keep our mounts from propagating back to the parent mount namespace.
        mount(
            None::<&str>,
            "/",
            None::<&str>,
            MsFlags::MS_SLAVE | MsFlags::MS_REC,
            None::<&str>,
        )?;
        // /sys shows the network devices of the namespace that mounted it: remount it.
        // Like `ip netns exec`, go on without it if that is refused.
        if umount2("/sys", MntFlags::MNT_DETACH).is_ok() {
            let _ = mount(
                Some("sysfs"),
                "/sys",
                Some("sysfs"),
                MsFlags::empty(),
                None::<&str>,
            );
        }
        for (source, target) in &self.etc_binds {
            mount(
                Some(source.as_c_str()),
                target.as_c_str(),
                None::<&str>,
                MsFlags::MS_BIND,
                None::<&str>,
            )?;
        }
        nix::unistd::sethostname(&self.hostname)
    }
}

fn c_path(path: &Path) -> Result<CString> {
    CString::new(path.as_os_str().as_encoded_bytes())
        .map_err(|_| Error::failed(format!("path {} contains NUL", path.display())))
}
