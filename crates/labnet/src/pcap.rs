//! Reading pcap files, streaming: one record at a time into one reused buffer, so
//! memory stays flat whatever the file's size.
//!
//! Hand-written rather than taken from pcap-file 2.0 because that crate rejects every
//! record whose original length exceeds the file's snaplen, which is exactly what a
//! capture taken with a snap length (`tcpdump -s 96`) contains; and because the format
//! is a 24-byte header and 16-byte record headers. Hostile input gets a clear error
//! naming the record and its byte offset, never a panic or an unbounded allocation.
//! pcapng is not read yet (issue #4 lists it); its magic is recognised and reported.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use crate::error::{Context, Error, Result};

/// The largest record accepted: tcpdump's default snap length.
pub const MAX_RECORD: u32 = 262_144;

const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
const MAGIC_PCAPNG: u32 = 0x0a0d_0d0a;

/// Link types (www.tcpdump.org/linktypes.html) that labnet dissects.
pub mod linktype {
    pub const NULL: u32 = 0;
    pub const ETHERNET: u32 = 1;
    pub const RAW: u32 = 101;
    pub const LINUX_SLL: u32 = 113;
    pub const LINUX_SLL2: u32 = 276;
}

/// One record of a capture file; `data` is valid until the next call to `next`.
#[derive(Debug)]
pub struct Record<'a> {
    /// 0-based, as scapy's `packets[N]`.
    pub index: u64,
    pub seconds: u32,
    pub nanoseconds: u32,
    /// The packet's length on the wire (may exceed `data.len()` when cut by a snaplen).
    pub original_length: u32,
    pub data: &'a [u8],
}

/// A pcap file being read.
pub struct PcapReader<R: Read> {
    input: R,
    swapped: bool,
    nanos: bool,
    link_type: u32,
    buffer: Vec<u8>,
    /// Byte offset of the next record header, for error messages.
    offset: u64,
    index: u64,
    name: String,
}

impl PcapReader<BufReader<File>> {
    /// Opens a pcap file.
    pub fn open(path: &Path) -> Result<Self> {
        let file = File::open(path).context(|| format!("opening {}", path.display()))?;
        PcapReader::new(
            BufReader::with_capacity(256 * 1024, file),
            &path.display().to_string(),
        )
    }
}

impl<R: Read> PcapReader<R> {
    /// Reads the file header; `name` is used in error messages.
    pub fn new(mut input: R, name: &str) -> Result<Self> {
        let mut header = [0u8; 24];
        read_full(&mut input, &mut header)
            .map_err(|e| format_error(name, 0, &format!("the file header is incomplete ({e})")))?;
        let magic = u32::from_le_bytes(header[0..4].try_into().expect("4 bytes"));
        let (swapped, nanos) = match magic {
            MAGIC_MICROS => (false, false),
            MAGIC_NANOS => (false, true),
            m if m.swap_bytes() == MAGIC_MICROS => (true, false),
            m if m.swap_bytes() == MAGIC_NANOS => (true, true),
            MAGIC_PCAPNG => {
                return Err(Error::failed(format!(
                    "{name} is a pcapng file, which webcapture cannot read yet"
                ))
                .hint("convert it: tshark -F pcap -r FILE -w FILE.pcap (or editcap -F pcap)"))
            }
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
        Ok(PcapReader {
            input,
            swapped,
            nanos,
            link_type: field(20..24) & 0x0fff_ffff,
            buffer: Vec::new(),
            offset: 24,
            index: 0,
            name: name.to_string(),
        })
    }

    /// The file's link type (see [`linktype`]).
    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// The next record, `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record<'_>>> {
        let mut header = [0u8; 16];
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
        let word = |at: usize| {
            let value = u32::from_le_bytes(header[at..at + 4].try_into().expect("4 bytes"));
            if self.swapped {
                value.swap_bytes()
            } else {
                value
            }
        };
        let (seconds, fraction, captured, original_length) = (word(0), word(4), word(8), word(12));
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
        let record = Record {
            index: self.index,
            seconds,
            nanoseconds: if self.nanos {
                fraction
            } else {
                fraction.saturating_mul(1000)
            },
            original_length,
            data: &self.buffer,
        };
        self.offset += 16 + u64::from(captured);
        self.index += 1;
        Ok(Some(record))
    }
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
        let mut reader = PcapReader::new(&bytes[..], "t.pcap").unwrap();
        assert_eq!(reader.link_type(), linktype::ETHERNET);
        let first = reader.next_record().unwrap().unwrap();
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
        let mut reader = PcapReader::new(&swapped[..], "be.pcap").unwrap();
        let record = reader.next_record().unwrap().unwrap();
        assert_eq!((record.data, record.nanoseconds), (&[9u8; 4][..], 250));
    }

    #[test]
    fn hostile_files_get_clear_errors() {
        let good = pcap(&[&[1; 10]]);
        let cut = &good[..good.len() - 3];
        let err = PcapReader::new(cut, "cut.pcap")
            .unwrap()
            .next_record()
            .unwrap_err();
        assert_eq!(err.to_string(), "cut.pcap: record 0 is cut short: 10 bytes announced (the file ends after 7 of them) at byte 24");
        let mut huge = pcap(&[]);
        for word in [0u32, 0, u32::MAX, u32::MAX] {
            huge.extend_from_slice(&word.to_le_bytes());
        }
        let err = PcapReader::new(&huge[..], "huge.pcap")
            .unwrap()
            .next_record()
            .unwrap_err();
        assert!(
            err.to_string().contains("more than any capture holds"),
            "{err}"
        );
        assert!(PcapReader::new(&b"GIF89a, not a capture at all"[..], "x").is_err());
        assert!(PcapReader::new(&good[..10], "short").is_err());
        let pcapng = [
            0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        let err = PcapReader::new(&pcapng[..], "n.pcapng").err().unwrap();
        assert!(err.to_string().contains("pcapng"), "{err}");
        let half_header = &good[..24 + 7];
        assert!(PcapReader::new(half_header, "h")
            .unwrap()
            .next_record()
            .is_err());
    }
}
