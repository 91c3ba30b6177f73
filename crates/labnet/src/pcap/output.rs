//! Where capture files are written, so that none is ever lost: a live capture holds an
//! exclusive lock on its file for as long as it writes (a second capture into the same
//! path is refused and told who holds it, instead of truncating the first one's
//! packets), and a file rewritten from a read (`-r IN -w OUT`) is written beside its
//! target under a temporary name and renamed into place only when complete, so an
//! input that is also the output, or a run that fails, leaves the old file as it was.
//!
//! A live capture's file ([`LiveFile`]) stays valid even when a write fails: it is cut
//! back to its last whole record.
//!
//! The locks are flock(2) locks, the kind /proc/locks lists with their holder's pid.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use crate::error::{Context, Error, Result};

use super::CaptureWriter;

/// A capture file open for writing, locked against other captures; the lock lasts as
/// long as the value.
pub type LockedFile = Flock<File>;

/// Opens `path` for a live capture: locked first, emptied only once the lock is held.
pub fn create_locked(path: &Path) -> Result<LockedFile> {
    let file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .context(|| format!("creating {}", path.display()))?;
    let locked = lock(file, path)?;
    if locked.metadata().is_ok_and(|m| m.file_type().is_file()) {
        locked
            .set_len(0)
            .context(|| format!("emptying {}", path.display()))?;
    }
    Ok(locked)
}

fn lock(file: File, path: &Path) -> Result<LockedFile> {
    use std::os::unix::fs::FileTypeExt;
    let inode = file.metadata().ok();
    // A device (`-w /dev/null`) keeps no packets to destroy: any number may share it.
    let mode = if inode
        .as_ref()
        .is_some_and(|m| m.file_type().is_char_device())
    {
        FlockArg::LockSharedNonblock
    } else {
        FlockArg::LockExclusiveNonblock
    };
    match Flock::lock(file, mode) {
        Ok(locked) => Ok(locked),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Err(busy(path, inode.as_ref())),
        Err((_, errno)) => Err(Error::Io {
            context: format!("locking {}", path.display()),
            source: io::Error::from(errno),
        }),
    }
}

/// The error for a file another capture is writing, naming that capture.
fn busy(path: &Path, inode: Option<&std::fs::Metadata>) -> Error {
    let holder = inode.and_then(|m| lock_holder(m.dev(), m.ino()));
    let who = match &holder {
        Some(pid) => {
            let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
            let comm = comm.trim_end();
            let comm = if comm.is_empty() { "webcapture" } else { comm };
            match crate::netns::name_of(*pid) {
                Some(host) => format!("{comm} (pid {pid}, on lab host or namespace {host})"),
                None => format!("{comm} (pid {pid})"),
            }
        }
        None => "another capture".to_string(),
    };
    let name = path.file_stem().map_or_else(
        || "capture".into(),
        |stem| stem.to_string_lossy().into_owned(),
    );
    Error::failed(format!(
        "{} is being written by {who}: a second capture would destroy its packets",
        path.display()
    ))
    .hint(format!(
        "write this capture to its own file, e.g. -w {name}-$(hostname).pcap"
    ))
    .hint("or wait until that capture ends (Ctrl-C or its count)")
}

/// The pid holding a flock on the file (device `dev`, inode `ino`), from /proc/locks.
fn lock_holder(dev: u64, ino: u64) -> Option<u32> {
    let locks = std::fs::read_to_string("/proc/locks").ok()?;
    let wanted = format!(
        "{:02x}:{:02x}:{ino}",
        libc::major(dev as libc::dev_t),
        libc::minor(dev as libc::dev_t)
    );
    locks.lines().find_map(|line| {
        // `1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`
        let fields: Vec<&str> = line.split_whitespace().collect();
        let at = fields.iter().position(|f| *f == wanted)?;
        (fields.get(1) == Some(&"FLOCK"))
            .then(|| fields.get(at.checked_sub(1)?)?.parse().ok())
            .flatten()
    })
}

/// A file being rewritten: the bytes go to a temporary file beside `target`, which
/// [`Replacement::commit`] renames over it. Dropped without a commit, the temporary
/// file is removed and the target is untouched. Targets that are not regular files
/// (`/dev/null`, a FIFO) are written directly: there is nothing there to protect.
pub struct Replacement {
    file: File,
    /// The temporary file and the final path, for a regular target.
    rename: Option<(PathBuf, PathBuf)>,
}

impl Replacement {
    pub fn create(target: &Path) -> Result<Replacement> {
        let existing = std::fs::metadata(target).ok();
        if let Some(meta) = &existing {
            if meta.is_dir() {
                return Err(Error::usage(format!("{} is a directory", target.display()))
                    .hint("-w takes a file name, e.g. -w DIR/selected.pcap"));
            }
            if !meta.file_type().is_file() {
                let file = OpenOptions::new()
                    .write(true)
                    .open(target)
                    .context(|| format!("opening {}", target.display()))?;
                return Ok(Replacement { file, rename: None });
            }
        }
        // Through a symlink, replace the file it points to, not the link.
        let target = match &existing {
            Some(_) => std::fs::canonicalize(target)
                .context(|| format!("resolving {}", target.display()))?,
            None => target.to_path_buf(),
        };
        if existing.is_some() {
            // A live capture writing the target would lose the rest of its packets.
            let probe = File::open(&target).context(|| format!("opening {}", target.display()))?;
            drop(lock(probe, &target)?);
        }
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .map_or_else(|| "capture".into(), |n| n.to_string_lossy().into_owned());
        let mut attempt = 0u32;
        loop {
            let temp = dir.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(file) => {
                    return Ok(Replacement {
                        file,
                        rename: Some((temp, target)),
                    })
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => {
                    return Err(Error::Io {
                        context: format!("creating a file in {}", dir.display()),
                        source: e,
                    })
                }
            }
        }
    }

    /// Puts the complete file in place of the target.
    pub fn commit(mut self) -> Result<()> {
        self.file.flush().context(|| "writing the capture file")?;
        if let Some((temp, target)) = self.rename.take() {
            if let Err(source) = std::fs::rename(&temp, &target) {
                let _ = std::fs::remove_file(&temp);
                return Err(Error::Io {
                    context: format!("replacing {}", target.display()),
                    source,
                });
            }
        }
        Ok(())
    }
}

impl Write for Replacement {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn write_vectored(&mut self, bytes: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.file.write_vectored(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Replacement {
    fn drop(&mut self) {
        if let Some((temp, _)) = self.rename.take() {
            let _ = std::fs::remove_file(temp);
        }
    }
}

/// The open file under a capture file's guard (its lock, or its pending rename).
pub trait GuardedFile {
    fn file(&mut self) -> &mut File;
}

impl GuardedFile for LockedFile {
    fn file(&mut self) -> &mut File {
        self
    }
}

impl GuardedFile for Replacement {
    fn file(&mut self) -> &mut File {
        &mut self.file
    }
}

/// Where a capture file goes: a file (`F`: a [`LockedFile`] for a live capture, a
/// [`Replacement`] for a rewrite), or stdout for `-w -`.
pub enum Sink<F> {
    File(F),
    Stdout(io::Stdout),
}

impl<F: GuardedFile> Write for Sink<F> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(file) => file.file().write(bytes),
            Sink::Stdout(stdout) => stdout.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(file) => file.file().flush(),
            Sink::Stdout(stdout) => stdout.flush(),
        }
    }
}

/// A capture file written while packets arrive (`-w` of a live capture), which stays
/// valid whatever happens: records reach the file whole, and after a failed write (a
/// full disk) the file is cut back to its last whole record and nothing more is
/// written to it.
pub struct LiveFile {
    /// `None` once a write failed: nothing more may reach the file.
    writer: Option<CaptureWriter<Sink<LockedFile>>>,
    path: PathBuf,
    /// Bytes known to be in the file, whole records only: what the writer last handed
    /// to it without an error.
    committed: u64,
    /// Records in those bytes.
    committed_records: u64,
    /// Where each record the writer still gathers ends (bytes, records): the buffer
    /// reaches the file in whole records, so after a failed write the file is valid up
    /// to the last of these that it fully holds. Only the records of one buffer: kept
    /// for every record since the last flush, this grew by 16 bytes a packet (6 MB a
    /// second at 400,000 packets a second) and cost webcapture 13 % of its CPU a packet
    /// (10 rounds at 400,000 a second, median).
    ends: Vec<(u64, u64)>,
}

impl LiveFile {
    /// Creates `path` (`-`: stdout), locked, and writes its header through `header`,
    /// flushed at once, so even an empty capture leaves a valid file.
    pub fn create(
        path: &Path,
        header: impl FnOnce(Sink<LockedFile>) -> io::Result<CaptureWriter<Sink<LockedFile>>>,
    ) -> Result<LiveFile> {
        let sink = if path.as_os_str() == "-" {
            Sink::Stdout(io::stdout())
        } else {
            Sink::File(create_locked(path)?)
        };
        let writer = header(sink).context(|| format!("writing {}", path.display()))?;
        let mut file = LiveFile {
            writer: Some(writer),
            path: path.to_path_buf(),
            committed: 0,
            committed_records: 0,
            ends: Vec::new(),
        };
        file.flush()?;
        Ok(file)
    }

    /// Appends one record seen on `interface` (0 but in a pcapng file of several),
    /// with its pcapng options (comments, process: [`super::Annotation::encode`]); a
    /// pcap file drops them.
    pub fn write(
        &mut self,
        interface: u32,
        seconds: u32,
        nanoseconds: u32,
        original_length: u32,
        data: &[u8],
        options: &[u8],
    ) -> Result<()> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let written = writer.write_encoded(
            interface,
            seconds,
            nanoseconds.into(),
            original_length,
            data,
            options,
        );
        match written {
            Ok(()) => {
                let (bytes, records) = writer.handed_over();
                if bytes > self.committed {
                    // The records handed over are in the file, whole.
                    self.committed = bytes;
                    self.committed_records = records;
                    self.ends.clear();
                }
                self.ends.push((writer.bytes(), writer.written()));
                Ok(())
            }
            Err(source) => Err(self.failed(source)),
        }
    }

    /// The file's length once everything written is flushed (tcpdump's `-C` measure).
    pub fn bytes(&self) -> u64 {
        self.writer.as_ref().map_or(self.committed, |w| w.bytes())
    }

    pub fn flush(&mut self) -> Result<()> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        match writer.flush() {
            Ok(()) => {
                self.committed = writer.bytes();
                self.committed_records = writer.written();
                self.ends.clear();
                Ok(())
            }
            Err(source) => Err(self.failed(source)),
        }
    }

    /// A failed write may have left part of a record: drop what is still buffered
    /// (unflushed, so it cannot land later), cut the file back to the last flush so it
    /// stays valid, and say what happened.
    fn failed(&mut self, source: io::Error) -> Error {
        if let Some(Sink::File(file)) = self.writer.take().map(CaptureWriter::into_inner) {
            let on_disk = file.metadata().map_or(self.committed, |m| m.len());
            if let Some(&(bytes, records)) = self.ends.iter().rev().find(|(end, _)| *end <= on_disk)
            {
                self.committed = bytes;
                self.committed_records = records;
            }
            let _ = file.set_len(self.committed);
        }
        if source.raw_os_error() == Some(libc::ENOSPC) {
            Error::failed(format!(
                "{}: the disk is full; the file holds the first {} packets",
                self.path.display(),
                self.committed_records
            ))
            .hint(
                "free some space, write elsewhere (-w DIR/FILE), or capture fewer packets (-c, -s)",
            )
        } else {
            Error::Io {
                context: format!("writing {}", self.path.display()),
                source,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::FileTypeExt;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("labnet-output-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_second_live_writer_is_refused_and_told_who_holds_the_file() {
        let dir = scratch("locked");
        let path = dir.join("hello.pcap");
        let mut first = create_locked(&path).unwrap();
        first.write_all(b"first capture's packets").unwrap();
        let err = create_locked(&path).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("(pid {}", std::process::id())),
            "{text}"
        );
        assert!(text.contains("is being written by"), "{text}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"first capture's packets",
            "the refused writer truncated nothing"
        );
        drop(first);
        drop(create_locked(&path).unwrap());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"",
            "unlocked: a new capture"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn captures_may_share_a_device_such_as_dev_null() {
        let first = create_locked(Path::new("/dev/null")).unwrap();
        let second = create_locked(Path::new("/dev/null")).expect("nothing kept to destroy");
        drop((first, second));
    }

    #[test]
    fn a_replacement_leaves_the_old_file_until_it_commits() {
        let dir = scratch("replace");
        let path = dir.join("g.pcap");
        std::fs::write(&path, b"old").unwrap();
        let mut new = Replacement::create(&path).unwrap();
        new.write_all(b"new contents").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"old");
        new.commit().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        let mut failed = Replacement::create(&path).unwrap();
        failed.write_all(b"half").unwrap();
        drop(failed);
        assert_eq!(std::fs::read(&path).unwrap(), b"new contents");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_replacement_of_a_device_writes_it_in_place() {
        let mut null = Replacement::create(Path::new("/dev/null")).unwrap();
        null.write_all(b"gone").unwrap();
        null.commit().unwrap();
        assert!(std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device());
    }

    #[test]
    fn a_replacement_never_replaces_a_file_a_capture_is_writing() {
        let dir = scratch("busy");
        let path = dir.join("hello.pcap");
        let _live = create_locked(&path).unwrap();
        let err = Replacement::create(&path).err().expect("refused");
        assert!(err.to_string().contains("is being written by"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_live_file_remembers_record_ends_of_one_buffer_only() {
        let dir = scratch("ends");
        let path = dir.join("many.pcap");
        let mut file = LiveFile::create(&path, |sink| {
            CaptureWriter::new(sink, super::super::WriteFormat::Pcap, 1, 262_144, None)
        })
        .unwrap();
        let frame = [0x5a_u8; 64];
        for i in 0..100_000 {
            file.write(0, i, 0, 64, &frame, &[]).unwrap();
        }
        // 80 bytes a record: a 256 KiB buffer holds 3,276 of them.
        assert!(file.ends.len() <= 3_277, "{} ends kept", file.ends.len());
        assert_eq!(file.committed_records + file.ends.len() as u64, 100_000);
        file.flush().unwrap();
        assert_eq!(file.committed_records, 100_000);
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            24 + 100_000 * 80,
            "every record reached the file"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
