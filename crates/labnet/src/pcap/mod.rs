//! Capture files, pcap and pcapng. Reading is streaming: one record at a time into one
//! reused buffer, so memory stays flat whatever the file's size.
//!
//! Hand-written rather than taken from pcap-file 2.0 because that crate rejects every
//! pcap record whose original length exceeds the file's snaplen, which is exactly what a
//! capture taken with a snap length (`tcpdump -s 96`) contains, and misreads pcapng
//! timestamps in microseconds (3.0, a release candidate, still refuses records longer
//! than the snaplen, which tcpdump, tshark and Scapy read); and the formats are
//! small (pcap: a 24-byte header, 16-byte record headers; pcapng: blocks of type and
//! length, of which labnet needs the section header, interface description, enhanced
//! and simple packet blocks). Hostile input gets a clear error naming the record and its
//! byte offset, never a panic or an unbounded allocation.

#[cfg(test)]
mod oracle;
mod output;
mod write;

pub use output::{create_locked, LiveFile, LockedFile, Replacement, Sink};
pub use write::{Annotation, CaptureWriter, Interface, WriteFormat};

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use crate::error::{Context, Error, Result};

/// The largest record accepted: tcpdump's default snap length.
pub const MAX_RECORD: u32 = 262_144;

pub(crate) const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
const MAGIC_PCAPNG: u32 = 0x0a0d_0d0a;

/// One record of a capture file; `data` is valid until the next call to `next`.
#[derive(Debug)]
pub struct Record<'a> {
    /// 0-based, as scapy's `packets[N]`.
    pub index: u64,
    /// The record's link type (pcapng files can mix interfaces of several types).
    pub link_type: u32,
    /// The time as the file holds it: `nanoseconds` is its sub-second field in
    /// nanoseconds, which a hostile pcap can make a second or more (a microsecond field
    /// of 4294967295). `-w` copies the fields through, as tcpdump does; what prints a
    /// time uses [`Record::time`].
    pub seconds: u32,
    pub nanoseconds: u64,
    /// The packet's length on the wire (may exceed `data.len()` when cut by a snaplen).
    pub original_length: u32,
    pub data: &'a [u8],
    /// A pcapng packet's options (comments, process and thread); none in a pcap file.
    pub options: PacketOptions<'a>,
}

impl Record<'_> {
    /// The time as (seconds, nanoseconds below a second): an out-of-range sub-second
    /// field carries into the seconds, as Scapy's `float` time does.
    pub fn time(&self) -> (u32, u32) {
        let carry = (self.nanoseconds / 1_000_000_000) as u32;
        (
            self.seconds.saturating_add(carry),
            (self.nanoseconds % 1_000_000_000) as u32,
        )
    }
}

/// A pcapng enhanced packet block's options, read on demand.
#[derive(Debug, Clone, Copy, Default)]
pub struct PacketOptions<'a> {
    bytes: &'a [u8],
    swapped: bool,
}

/// `opt_comment`: UTF-8 text.
pub const OPT_COMMENT: u16 = 1;
/// `epb_processid_threadid`: the process and thread ids (two 32-bit numbers).
pub const OPT_PROCESS_THREAD: u16 = 8;

impl<'a> PacketOptions<'a> {
    /// Each option as (code, value), up to `opt_endofopt` or the first one that does
    /// not fit (hostile files: never read past the block).
    fn each(&self) -> impl Iterator<Item = (u16, &'a [u8])> {
        let (mut rest, swapped) = (self.bytes, self.swapped);
        std::iter::from_fn(move || {
            if rest.len() < 4 {
                return None;
            }
            let read16 = |b: &[u8]| {
                let v = u16::from_le_bytes([b[0], b[1]]);
                if swapped {
                    v.swap_bytes()
                } else {
                    v
                }
            };
            let (code, length) = (read16(&rest[0..2]), usize::from(read16(&rest[2..4])));
            let padded = length.div_ceil(4) * 4;
            if code == 0 || rest.len() < 4 + padded {
                return None;
            }
            let value = &rest[4..4 + length];
            rest = &rest[4 + padded..];
            Some((code, value))
        })
    }

    /// The packet's comments (`opt_comment`), those that are valid UTF-8.
    pub fn comments(&self) -> impl Iterator<Item = &'a str> {
        self.each()
            .filter(|(code, _)| *code == OPT_COMMENT)
            .filter_map(|(_, value)| std::str::from_utf8(value).ok())
    }

    /// `epb_processid_threadid`: (process id, thread id).
    pub fn process_thread(&self) -> Option<(u32, u32)> {
        let (_, value) = self
            .each()
            .find(|(code, value)| *code == OPT_PROCESS_THREAD && value.len() == 8)?;
        let word = |at: usize| {
            let v = u32::from_le_bytes(value[at..at + 4].try_into().expect("8 bytes"));
            if self.swapped {
                v.swap_bytes()
            } else {
                v
            }
        };
        Some((word(0), word(4)))
    }
}

/// A capture file being read, pcap or pcapng.
/// Where a [`CaptureReader`] reads from: any `Read`, and, where the bytes are already
/// in memory (a mapped file), without copying them.
pub trait Input: Read {
    /// Whether [`Input::lend`] can lend the next `length` bytes.
    fn can_lend(&self, length: usize) -> bool {
        let _ = length;
        false
    }

    /// The next `length` bytes, borrowed; only after `can_lend(length)` said yes.
    fn lend(&mut self, length: usize) -> &[u8] {
        let _ = length;
        &[]
    }
}

impl Input for BufReader<File> {}

impl Input for &[u8] {
    fn can_lend(&self, length: usize) -> bool {
        length <= self.len()
    }

    fn lend(&mut self, length: usize) -> &[u8] {
        let (head, rest) = self.split_at(length.min(self.len()));
        *self = rest;
        head
    }
}

/// A capture file mapped into memory and read front to back: records are lent
/// straight from the mapping, without a copy, and the pages already read are released
/// as the reader moves on, so memory stays flat whatever the file's size (the page
/// cache keeps the file; only this process's view of it is dropped).
pub struct MappedFile {
    map: memmap2::Mmap,
    /// The mapping's length, kept at hand for the per-record checks.
    len: usize,
    /// The next unread byte.
    at: usize,
    /// Bytes before this offset have been released.
    released: usize,
    /// Once `at` reaches this, the pages behind it are released (one comparison per
    /// record instead of page arithmetic).
    release_at: usize,
}

impl MappedFile {
    /// How far the reader gets past the last release before it releases again.
    const WINDOW: usize = 4 << 20;
    const PAGE: usize = 4096;

    pub fn open(path: &Path) -> Result<MappedFile> {
        let file = File::open(path).context(|| format!("opening {}", path.display()))?;
        // SAFETY: the map is read-only; if another process truncates the file meanwhile,
        // reads past the new end fault (SIGBUS), the same risk tcpdump -r takes with
        // mmap'd stdio. Captures being written by labnet are only ever appended to.
        let map = unsafe { memmap2::Mmap::map(&file) }
            .context(|| format!("mapping {}", path.display()))?;
        // Read-ahead for a front-to-back reader; a hint, so its failure is harmless.
        let _ = map.advise(memmap2::Advice::Sequential);
        Ok(MappedFile {
            len: map.len(),
            map,
            at: 0,
            released: 0,
            release_at: Self::WINDOW,
        })
    }

    /// `length` bytes at `at`, for reading a record again after the pass (the pages
    /// come back from the page cache).
    pub fn bytes(&self, at: usize, length: usize) -> Option<&[u8]> {
        self.map.get(at..at.checked_add(length)?)
    }

    /// The addresses the mapping occupies: where a lent record lies in the file is
    /// its address minus the start.
    pub fn addresses(&self) -> std::ops::Range<usize> {
        let base = self.map.as_ptr() as usize;
        base..base + self.len
    }

    /// Releases the whole pages behind `self.at`. Nothing lent from before `self.at`
    /// is still in use: a record lives until the next one is read.
    #[cold]
    fn release_behind(&mut self) {
        let end = self.at / Self::PAGE * Self::PAGE;
        // SAFETY: DONTNEED on a read-only file mapping only drops this process's
        // page-table entries; a later access would fault the same file bytes back in
        // from the page cache, so no data can change or be lost.
        let _ = unsafe {
            self.map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                self.released,
                end - self.released,
            )
        };
        self.released = end;
        self.release_at = end + Self::WINDOW;
    }
}

impl Read for MappedFile {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = (&self.map[self.at.min(self.len)..]).read(out)?;
        self.at += n;
        Ok(n)
    }
}

impl Input for MappedFile {
    #[inline]
    fn can_lend(&self, length: usize) -> bool {
        length <= self.len - self.at
    }

    #[inline]
    fn lend(&mut self, length: usize) -> &[u8] {
        if self.at >= self.release_at {
            self.release_behind();
        }
        let at = self.at;
        self.at += length.min(self.len - at);
        &self.map[at..self.at]
    }
}

pub struct CaptureReader<R: Input> {
    input: R,
    format: Format,
    swapped: bool,
    nanos: bool,
    link_type: u32,
    /// pcapng: each interface's link type and timestamp units per second.
    interfaces: Vec<(u32, u64)>,
    buffer: Vec<u8>,
    /// Byte offset of the next record header, for error messages.
    offset: u64,
    index: u64,
    name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Pcap,
    PcapNg,
}

impl CaptureReader<BufReader<File>> {
    /// Opens a pcap or pcapng file.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).context(|| format!("opening {}", path.display()))?;
        CaptureReader::new(
            BufReader::with_capacity(256 * 1024, file),
            &path.display().to_string(),
        )
    }
}

impl<R: Input> CaptureReader<R> {
    /// Reads the file header; `name` is used in error messages.
    pub fn new(mut input: R, name: &str) -> Result<Self> {
        let mut magic_bytes = [0u8; 4];
        read_full(&mut input, &mut magic_bytes)
            .map_err(|e| format_error(name, 0, &format!("the file header is incomplete ({e})")))?;
        if u32::from_le_bytes(magic_bytes) == MAGIC_PCAPNG {
            let mut reader = CaptureReader {
                input,
                format: Format::PcapNg,
                swapped: false,
                nanos: true,
                link_type: 0,
                interfaces: Vec::new(),
                buffer: Vec::new(),
                offset: 0,
                index: 0,
                name: name.to_string(),
            };
            reader.section_header()?;
            return Ok(reader);
        }
        let mut header = [0u8; 24];
        header[..4].copy_from_slice(&magic_bytes);
        read_full(&mut input, &mut header[4..])
            .map_err(|e| format_error(name, 0, &format!("the file header is incomplete ({e})")))?;
        let magic = u32::from_le_bytes(header[0..4].try_into().expect("4 bytes"));
        let (swapped, nanos) = match magic {
            MAGIC_MICROS => (false, false),
            MAGIC_NANOS => (false, true),
            m if m.swap_bytes() == MAGIC_MICROS => (true, false),
            m if m.swap_bytes() == MAGIC_NANOS => (true, true),
            other => {
                return Err(format_error(
                    name,
                    0,
                    &format!("not a pcap file (magic number {other:#010x})"),
                ))
            }
        };
        let field = |range: std::ops::Range<usize>| {
            let value = u32::from_le_bytes(header[range].try_into().expect("4 bytes"));
            if swapped {
                value.swap_bytes()
            } else {
                value
            }
        };
        Ok(CaptureReader {
            input,
            format: Format::Pcap,
            swapped,
            nanos,
            link_type: field(20..24) & 0x0fff_ffff,
            interfaces: Vec::new(),
            buffer: Vec::new(),
            offset: 24,
            index: 0,
            name: name.to_string(),
        })
    }

    /// What the reader reads from.
    pub fn input(&self) -> &R {
        &self.input
    }

    pub fn into_input(self) -> R {
        self.input
    }

    /// The next record, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>> {
        match self.format {
            Format::Pcap => self.next_pcap_record(),
            Format::PcapNg => self.next_pcapng_record(),
        }
    }

    fn next_pcap_record(&mut self) -> Result<Option<Record<'_>>> {
        let mut header = [0u8; 16];
        if self.input.can_lend(16) {
            header.copy_from_slice(self.input.lend(16));
        } else {
            match read_full(&mut self.input, &mut header) {
                Ok(()) => {}
                Err(ReadShort::Empty) => return Ok(None),
                Err(e) => {
                    return Err(format_error(
                        &self.name,
                        self.offset,
                        &format!("record {} has an incomplete header ({e})", self.index),
                    ))
                }
            }
        }
        let mut words = [0u32; 4];
        for (word, bytes) in words.iter_mut().zip(header.chunks_exact(4)) {
            *word = u32::from_le_bytes(bytes.try_into().expect("4 bytes"));
        }
        // One test per record, not one per field.
        if self.swapped {
            words = words.map(u32::swap_bytes);
        }
        let [seconds, fraction, captured, original_length] = words;
        if captured > MAX_RECORD {
            return Err(format_error(
                &self.name,
                self.offset,
                &format!(
                    "record {} claims {captured} bytes, more than any capture holds ({MAX_RECORD})",
                    self.index
                ),
            ));
        }
        let data: &[u8] = if self.input.can_lend(captured as usize) {
            self.input.lend(captured as usize)
        } else {
            self.buffer.resize(captured as usize, 0);
            read_full(&mut self.input, &mut self.buffer).map_err(|e| {
                format_error(
                    &self.name,
                    self.offset,
                    &format!(
                        "record {} is cut short: {captured} bytes announced ({e})",
                        self.index
                    ),
                )
            })?;
            &self.buffer
        };
        let record = Record {
            index: self.index,
            link_type: self.link_type,
            seconds,
            nanoseconds: u64::from(fraction) * if self.nanos { 1 } else { 1000 },
            original_length,
            data,
            options: PacketOptions::default(),
        };
        self.offset += 16 + u64::from(captured);
        self.index += 1;
        Ok(Some(record))
    }
}

impl<R: Input> CaptureReader<R> {
    fn error(&self, what: &str) -> Error {
        format_error(&self.name, self.offset, what)
    }

    fn u32_at(&self, bytes: &[u8], at: usize) -> u32 {
        let value = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("checked length"));
        if self.swapped {
            value.swap_bytes()
        } else {
            value
        }
    }

    fn u16_at(&self, bytes: &[u8], at: usize) -> u16 {
        let value = u16::from_le_bytes(bytes[at..at + 2].try_into().expect("checked length"));
        if self.swapped {
            value.swap_bytes()
        } else {
            value
        }
    }

    /// Reads the rest of a section header block whose type (4 bytes) was just read:
    /// its length and byte-order magic, which sets how every later field is read.
    fn section_header(&mut self) -> Result<()> {
        let mut fixed = [0u8; 8];
        read_full(&mut self.input, &mut fixed)
            .map_err(|e| self.error(&format!("the section header is incomplete ({e})")))?;
        let order = u32::from_le_bytes(fixed[4..8].try_into().expect("4 bytes"));
        self.swapped = match order {
            0x1a2b_3c4d => false,
            0x4d3c_2b1a => true,
            _ => return Err(self.error(&format!("bad pcapng byte-order magic {order:#010x}"))),
        };
        let length = self.u32_at(&fixed, 0);
        self.skip_body(length, 12)?;
        // A new section starts its own list of interfaces.
        self.interfaces.clear();
        Ok(())
    }

    /// Reads and discards the rest of a block of `length` bytes of which `done` are read.
    fn read_body(&mut self, length: u32, done: usize) -> Result<()> {
        if length % 4 != 0 || (length as usize) < done + 4 || length > MAX_RECORD + 65_536 {
            return Err(self.error(&format!(
                "a pcapng block claims an impossible length ({length})"
            )));
        }
        self.buffer.resize(length as usize - done, 0);
        read_full(&mut self.input, &mut self.buffer)
            .map_err(|e| self.error(&format!("a pcapng block is cut short ({e})")))?;
        // A block ends with its length again; a mismatch means the lengths cannot be
        // trusted (libpcap and Wireshark refuse such a file too).
        let trailer = self.u32_at(&self.buffer, self.buffer.len() - 4);
        if trailer != length {
            return Err(self.error(&format!(
                "a pcapng block's length is {length} at its start and {trailer} at its end"
            )));
        }
        Ok(())
    }

    fn skip_body(&mut self, length: u32, done: usize) -> Result<()> {
        self.read_body(length, done)?;
        self.offset += u64::from(length);
        Ok(())
    }

    fn next_pcapng_record(&mut self) -> Result<Option<Record<'_>>> {
        loop {
            let mut head = [0u8; 8];
            match read_full(&mut self.input, &mut head) {
                Ok(()) => {}
                Err(ReadShort::Empty) => return Ok(None),
                Err(e) => return Err(self.error(&format!("a block header is incomplete ({e})"))),
            }
            let block_type = self.u32_at(&head, 0);
            if block_type == MAGIC_PCAPNG {
                // Another section: its header's length field is in `head[4..8]`, in
                // the new section's byte order, which the magic after it tells.
                let mut order = [0u8; 4];
                read_full(&mut self.input, &mut order)
                    .map_err(|e| self.error(&format!("a section header is incomplete ({e})")))?;
                self.swapped = match u32::from_le_bytes(order) {
                    0x1a2b_3c4d => false,
                    0x4d3c_2b1a => true,
                    other => {
                        return Err(
                            self.error(&format!("bad pcapng byte-order magic {other:#010x}"))
                        )
                    }
                };
                let length = self.u32_at(&head, 4);
                self.skip_body(length, 12)?;
                self.interfaces.clear();
                continue;
            }
            let length = self.u32_at(&head, 4);
            self.read_body(length, 8)?;
            let body_len = self.buffer.len() - 4;
            let block_offset = self.offset;
            self.offset += u64::from(length);
            match block_type {
                // Interface description: link type, snaplen, options (if_tsresol).
                1 if body_len >= 8 => {
                    let link_type = u32::from(self.u16_at(&self.buffer, 0));
                    let units = timestamp_units(&self.buffer[8..body_len], self.swapped);
                    self.interfaces.push((link_type, units));
                }
                // Enhanced packet: interface, timestamp, captured and original lengths.
                6 if body_len >= 20 => {
                    let interface = self.u32_at(&self.buffer, 0) as usize;
                    let stamp = (u64::from(self.u32_at(&self.buffer, 4)) << 32)
                        | u64::from(self.u32_at(&self.buffer, 8));
                    let captured = self.u32_at(&self.buffer, 12) as usize;
                    let original_length = self.u32_at(&self.buffer, 16);
                    let Some(&(link_type, units)) = self.interfaces.get(interface) else {
                        return Err(format_error(&self.name, block_offset, &format!("packet {} names interface {interface}, which the file never describes", self.index)));
                    };
                    if 20 + captured > body_len {
                        return Err(format_error(
                            &self.name,
                            block_offset,
                            &format!(
                                "packet {} claims {captured} bytes, more than its block holds",
                                self.index
                            ),
                        ));
                    }
                    let index = self.index;
                    self.index += 1;
                    let units = units.max(1);
                    return Ok(Some(Record {
                        index,
                        link_type,
                        seconds: (stamp / units) as u32,
                        nanoseconds: ((stamp % units) as u128 * 1_000_000_000 / units as u128)
                            as u64,
                        original_length,
                        data: &self.buffer[20..20 + captured],
                        options: PacketOptions {
                            bytes: self
                                .buffer
                                .get(20 + captured.div_ceil(4) * 4..body_len)
                                .unwrap_or(&[]),
                            swapped: self.swapped,
                        },
                    }));
                }
                // Simple packet: the first interface, original length, no timestamp.
                3 if body_len >= 4 => {
                    let Some(&(link_type, _)) = self.interfaces.first() else {
                        return Err(format_error(
                            &self.name,
                            block_offset,
                            "a simple packet block comes before any interface",
                        ));
                    };
                    let original_length = self.u32_at(&self.buffer, 0);
                    let captured = (original_length as usize).min(body_len - 4);
                    let index = self.index;
                    self.index += 1;
                    return Ok(Some(Record {
                        index,
                        link_type,
                        seconds: 0,
                        nanoseconds: 0,
                        original_length,
                        data: &self.buffer[4..4 + captured],
                        options: PacketOptions::default(),
                    }));
                }
                1 | 3 | 6 => {
                    return Err(format_error(
                        &self.name,
                        block_offset,
                        "a pcapng block is too short for its type",
                    ))
                }
                // Statistics, name resolution, custom blocks: nothing to show.
                _ => {}
            }
        }
    }
}

/// Timestamp units per second of an interface: 10^6 unless its if_tsresol option says
/// otherwise (a power of ten, or of two when the high bit is set).
fn timestamp_units(mut options: &[u8], swapped: bool) -> u64 {
    while options.len() >= 4 {
        let read16 = |b: &[u8]| {
            let v = u16::from_le_bytes([b[0], b[1]]);
            if swapped {
                v.swap_bytes()
            } else {
                v
            }
        };
        let (code, length) = (read16(&options[0..2]), usize::from(read16(&options[2..4])));
        let padded = (length + 3) & !3;
        if code == 0 || options.len() < 4 + padded {
            break;
        }
        if code == 9 && length >= 1 {
            let resolution = options[4];
            let exponent = u32::from(resolution & 0x7f).min(19);
            return if resolution & 0x80 != 0 {
                1u64 << exponent.min(63)
            } else {
                10u64.pow(exponent)
            };
        }
        options = &options[4 + padded..];
    }
    1_000_000
}

fn format_error(name: &str, offset: u64, what: &str) -> Error {
    Error::failed(format!("{name}: {what} at byte {offset}"))
        .hint("the file is damaged or not a capture; the records before this point were read")
}

#[derive(Debug)]
enum ReadShort {
    /// Nothing at all was read: a clean end of file.
    Empty,
    /// Some bytes, not all.
    Partial(usize),
    Io(io::Error),
}

impl std::fmt::Display for ReadShort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadShort::Empty => write!(f, "the file ends"),
            ReadShort::Partial(n) => write!(f, "the file ends after {n} of them"),
            ReadShort::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Fills `buffer`, telling a clean end of file from a cut one.
fn read_full(input: &mut impl Read, buffer: &mut [u8]) -> std::result::Result<(), ReadShort> {
    let mut filled = 0;
    while filled < buffer.len() {
        match input.read(&mut buffer[filled..]) {
            Ok(0) if filled == 0 => return Err(ReadShort::Empty),
            Ok(0) => return Err(ReadShort::Partial(filled)),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadShort::Io(e)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linktype;

    /// A little-endian microsecond pcap with Ethernet records of the given sizes.
    fn pcap(records: &[&[u8]]) -> Vec<u8> {
        let mut file = Vec::new();
        for word in [
            MAGIC_MICROS,
            0x0004_0002,
            0,
            0,
            MAX_RECORD,
            linktype::ETHERNET,
        ] {
            if word == 0x0004_0002 {
                file.extend_from_slice(&2u16.to_le_bytes());
                file.extend_from_slice(&4u16.to_le_bytes());
            } else {
                file.extend_from_slice(&word.to_le_bytes());
            }
        }
        for (i, data) in records.iter().enumerate() {
            for word in [1_764_000_000 + i as u32, 250, data.len() as u32, 1514] {
                file.extend_from_slice(&word.to_le_bytes());
            }
            file.extend_from_slice(data);
        }
        file
    }

    #[test]
    fn records_stream_with_their_metadata() {
        let bytes = pcap(&[&[1, 2, 3], &[], &[4; 60]]);
        let mut reader = CaptureReader::new(&bytes[..], "t.pcap").unwrap();
        let first = reader.next_record().unwrap().unwrap();
        assert_eq!(first.link_type, linktype::ETHERNET);
        assert_eq!(
            (
                first.index,
                first.data,
                first.nanoseconds,
                first.original_length
            ),
            (0, &[1, 2, 3][..], 250_000, 1514)
        );
        assert_eq!(
            reader.next_record().unwrap().unwrap().data.len(),
            0,
            "zero-length records are records"
        );
        assert_eq!(reader.next_record().unwrap().unwrap().index, 2);
        assert!(reader.next_record().unwrap().is_none());
    }

    #[test]
    fn an_out_of_range_microsecond_field_carries_into_the_time_and_is_written_as_read() {
        let mut bytes = pcap(&[&[5; 14]]);
        // The first record's microseconds (after the 24-byte file header and seconds).
        bytes[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
        let mut reader = CaptureReader::new(&bytes[..], "hostile.pcap").unwrap();
        let record = reader.next_record().unwrap().unwrap();
        // Scapy reads it as 1764000000 + 4294.967295 s.
        assert_eq!(record.time(), (1_764_004_294, 967_295_000));
        let mut out = Vec::new();
        let mut writer = crate::pcap::CaptureWriter::new(
            &mut out,
            crate::pcap::WriteFormat::Pcap,
            1,
            65_535,
            None,
        )
        .unwrap();
        writer
            .write(
                record.seconds,
                record.nanoseconds,
                record.original_length,
                record.data,
            )
            .unwrap();
        writer.flush().unwrap();
        drop(writer);
        assert_eq!(out[24..], bytes[24..], "the record's fields copied through");
    }

    #[test]
    fn big_endian_and_nanosecond_files_are_read() {
        let mut bytes = pcap(&[&[9; 4]]);
        // Swap every header word into big-endian, with the nanosecond magic.
        let mut swapped = Vec::new();
        swapped.extend_from_slice(&MAGIC_NANOS.to_be_bytes());
        swapped.extend_from_slice(&2u16.to_be_bytes());
        swapped.extend_from_slice(&4u16.to_be_bytes());
        for at in (8..24).step_by(4).chain((24..40).step_by(4)) {
            let word = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
            swapped.extend_from_slice(&word.to_be_bytes());
        }
        swapped.extend_from_slice(&bytes.split_off(40));
        let mut reader = CaptureReader::new(&swapped[..], "be.pcap").unwrap();
        let record = reader.next_record().unwrap().unwrap();
        assert_eq!((record.data, record.nanoseconds), (&[9u8; 4][..], 250));
        let seen = oracle::read_by_pcap_parser(&swapped);
        assert_eq!((seen.len(), seen[0].2), (1, 250), "pcap-parser agrees");
        assert_eq!(oracle::read_by_labnet(&swapped), seen);
    }

    #[test]
    fn hostile_files_get_clear_errors() {
        let good = pcap(&[&[1; 10]]);
        let cut = &good[..good.len() - 3];
        let err = CaptureReader::new(cut, "cut.pcap")
            .unwrap()
            .next_record()
            .unwrap_err();
        assert_eq!(err.to_string(), "cut.pcap: record 0 is cut short: 10 bytes announced (the file ends after 7 of them) at byte 24");
        let mut huge = pcap(&[]);
        for word in [0u32, 0, u32::MAX, u32::MAX] {
            huge.extend_from_slice(&word.to_le_bytes());
        }
        let err = CaptureReader::new(&huge[..], "huge.pcap")
            .unwrap()
            .next_record()
            .unwrap_err();
        assert!(
            err.to_string().contains("more than any capture holds"),
            "{err}"
        );
        assert!(CaptureReader::new(&b"GIF89a, not a capture at all"[..], "x").is_err());
        assert!(CaptureReader::new(&good[..10], "short").is_err());
        let pcapng = [
            0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let err = CaptureReader::new(&pcapng[..], "n.pcapng").err().unwrap();
        assert!(err.to_string().contains("pcapng"), "{err}");
        let half_header = &good[..24 + 7];
        assert!(CaptureReader::new(half_header, "h")
            .unwrap()
            .next_record()
            .is_err());
    }
}
