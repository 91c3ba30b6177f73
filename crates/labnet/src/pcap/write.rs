//! Writing capture files: classic pcap (microsecond timestamps, as tcpdump and Scapy's
//! wrpcap write) or pcapng (nanoseconds, with the interface's name and link type).
//!
//! Hand-written beside the reader for the same formats: records go out one at a time
//! through a buffer the caller flushes (capture flushes at least once a second), so a
//! file cut by SIGKILL is valid up to its last whole record, and a write error (a full
//! disk) is reported for the record it hit.

use std::io::{self, Write};

use super::MAGIC_MICROS;

/// The file format to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFormat {
    Pcap,
    PcapNg,
}

/// A capture file being written.
pub struct CaptureWriter<W: Write> {
    out: W,
    format: WriteFormat,
    link_type: u32,
    /// Interface descriptions in the file (pcap: its one link type).
    interfaces: u32,
    written: u64,
    /// Bytes handed to the output so far, headers included.
    bytes: u64,
    /// Whole records not yet handed to `out`: records are assembled here directly (one
    /// copy of each packet), and `out` only ever receives whole records, so a file cut
    /// short ends at a record boundary of whatever was written.
    buffer: Vec<u8>,
    /// Records in `buffer`.
    buffered: u64,
}

/// One interface of a pcapng file: its link type, snap length and name.
#[derive(Debug, Clone, Copy)]
pub struct Interface<'a> {
    pub link_type: u32,
    pub snaplen: u32,
    pub name: Option<&'a str>,
}

/// What a pcapng record carries besides the packet: comments (`opt_comment`, as
/// ptcpdump writes a packet's process) and `epb_processid_threadid`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Annotation {
    pub comments: Vec<String>,
    /// (process id, thread id; 0 when unknown).
    pub process_thread: Option<(u32, u32)>,
}

impl Annotation {
    pub fn is_empty(&self) -> bool {
        self.comments.is_empty() && self.process_thread.is_none()
    }

    /// Its pcapng options, `opt_endofopt` included (as the writing host orders
    /// bytes); empty without any.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.is_empty() {
            return out;
        }
        for comment in &self.comments {
            let text = cut(comment).as_bytes();
            out.extend_from_slice(&super::OPT_COMMENT.to_ne_bytes());
            out.extend_from_slice(&(text.len() as u16).to_ne_bytes());
            out.extend_from_slice(text);
            out.resize(out.len() + padded(text.len()) - text.len(), 0);
        }
        if let Some((process, thread)) = self.process_thread {
            out.extend_from_slice(&super::OPT_PROCESS_THREAD.to_ne_bytes());
            out.extend_from_slice(&8u16.to_ne_bytes());
            out.extend_from_slice(&process.to_ne_bytes());
            out.extend_from_slice(&thread.to_ne_bytes());
        }
        out.extend_from_slice(&[0u8; 4]);
        out
    }
}

/// The longest option value written (a multiple of four, under 64 KiB).
const MAX_OPTION: usize = 65_532;

/// A comment as written: an option's length is 16 bits, so a longer one is cut, at a
/// character boundary.
fn cut(comment: &str) -> &str {
    let mut end = comment.len().min(MAX_OPTION);
    while !comment.is_char_boundary(end) {
        end -= 1;
    }
    &comment[..end]
}

/// How many bytes of records are gathered before they are written out.
const BUFFER: usize = 256 * 1024;

const PCAPNG_SECTION_HEADER: u32 = 0x0a0d_0d0a;
const PCAPNG_INTERFACE: u32 = 1;
const PCAPNG_ENHANCED_PACKET: u32 = 6;
const PCAPNG_BYTE_ORDER: u32 = 0x1a2b_3c4d;

fn padded(length: usize) -> usize {
    length.div_ceil(4) * 4
}

impl<W: Write> CaptureWriter<W> {
    /// Writes the file header: pcap's global header, or pcapng's section header and one
    /// interface description (named `interface` when known).
    pub fn new(
        out: W,
        format: WriteFormat,
        link_type: u32,
        snaplen: u32,
        interface: Option<&str>,
    ) -> io::Result<Self> {
        match format {
            WriteFormat::Pcap => {
                let mut header = Vec::with_capacity(24);
                header.extend_from_slice(&MAGIC_MICROS.to_ne_bytes());
                header.extend_from_slice(&2u16.to_ne_bytes());
                header.extend_from_slice(&4u16.to_ne_bytes());
                header.extend_from_slice(&0i32.to_ne_bytes());
                header.extend_from_slice(&0u32.to_ne_bytes());
                header.extend_from_slice(&snaplen.to_ne_bytes());
                header.extend_from_slice(&link_type.to_ne_bytes());
                CaptureWriter::with_header(out, format, link_type, 1, header)
            }
            WriteFormat::PcapNg => CaptureWriter::pcapng(
                out,
                &[Interface {
                    link_type,
                    snaplen,
                    name: interface,
                }],
            ),
        }
    }

    /// Writes a pcapng section header and one interface description per interface, in
    /// order: records name theirs by its index in `interfaces` ([`CaptureWriter::write_on`]).
    pub fn pcapng(out: W, interfaces: &[Interface]) -> io::Result<Self> {
        let mut block = Vec::with_capacity(128);
        block.extend_from_slice(&PCAPNG_SECTION_HEADER.to_ne_bytes());
        block.extend_from_slice(&28u32.to_ne_bytes());
        block.extend_from_slice(&PCAPNG_BYTE_ORDER.to_ne_bytes());
        block.extend_from_slice(&1u16.to_ne_bytes());
        block.extend_from_slice(&0u16.to_ne_bytes());
        block.extend_from_slice(&(-1i64).to_ne_bytes());
        block.extend_from_slice(&28u32.to_ne_bytes());
        for interface in interfaces {
            let mut options = Vec::new();
            if let Some(name) = interface.name {
                push_option(&mut options, 2, name.as_bytes());
            }
            // if_tsresol = 9: timestamps count nanoseconds.
            push_option(&mut options, 9, &[9]);
            push_option(&mut options, 0, &[]);
            let length = (20 + options.len()) as u32;
            block.extend_from_slice(&PCAPNG_INTERFACE.to_ne_bytes());
            block.extend_from_slice(&length.to_ne_bytes());
            block.extend_from_slice(&(interface.link_type as u16).to_ne_bytes());
            block.extend_from_slice(&0u16.to_ne_bytes());
            block.extend_from_slice(&interface.snaplen.to_ne_bytes());
            block.extend_from_slice(&options);
            block.extend_from_slice(&length.to_ne_bytes());
        }
        let link_type = interfaces.first().map_or(0, |i| i.link_type);
        CaptureWriter::with_header(
            out,
            WriteFormat::PcapNg,
            link_type,
            interfaces.len() as u32,
            block,
        )
    }

    fn with_header(
        mut out: W,
        format: WriteFormat,
        link_type: u32,
        interfaces: u32,
        header: Vec<u8>,
    ) -> io::Result<Self> {
        out.write_all(&header)?;
        Ok(CaptureWriter {
            out,
            format,
            link_type,
            interfaces,
            written: 0,
            bytes: header.len() as u64,
            buffer: Vec::with_capacity(BUFFER),
            buffered: 0,
        })
    }

    pub fn link_type(&self) -> u32 {
        self.link_type
    }

    /// Bytes handed to the output so far, file header included.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Records written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Bytes and records handed to the output so far (the rest is gathered here).
    pub fn handed_over(&self) -> (u64, u64) {
        (
            self.bytes - self.buffer.len() as u64,
            self.written - self.buffered,
        )
    }

    /// Appends one record; `data` may be shorter than `original_length` (snap length).
    pub fn write(
        &mut self,
        seconds: u32,
        nanoseconds: u64,
        original_length: u32,
        data: &[u8],
    ) -> io::Result<()> {
        self.write_on(0, seconds, nanoseconds, original_length, data)
    }

    /// Appends one record seen on interface `interface` (its index among those the
    /// file was made with; always 0 in a pcap file).
    pub fn write_on(
        &mut self,
        interface: u32,
        seconds: u32,
        nanoseconds: u64,
        original_length: u32,
        data: &[u8],
    ) -> io::Result<()> {
        self.write_encoded(interface, seconds, nanoseconds, original_length, data, &[])
    }

    /// [`CaptureWriter::write_on`] with the packet's comments and process (pcapng
    /// options; a pcap file has no room for them: the caller says so).
    pub fn write_annotated(
        &mut self,
        interface: u32,
        seconds: u32,
        nanoseconds: u64,
        original_length: u32,
        data: &[u8],
        annotation: &Annotation,
    ) -> io::Result<()> {
        let options = annotation.encode();
        self.write_encoded(
            interface,
            seconds,
            nanoseconds,
            original_length,
            data,
            &options,
        )
    }

    /// [`CaptureWriter::write_annotated`] with the options already encoded
    /// ([`Annotation::encode`]): a stream of one process's packets encodes them once.
    pub fn write_encoded(
        &mut self,
        interface: u32,
        seconds: u32,
        nanoseconds: u64,
        original_length: u32,
        data: &[u8],
        encoded: &[u8],
    ) -> io::Result<()> {
        if interface >= self.interfaces {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("the file has no interface {interface}"),
            ));
        }
        let captured = data.len() as u32;
        let options = match self.format {
            WriteFormat::PcapNg => encoded.len(),
            WriteFormat::Pcap => 0,
        };
        let length = match self.format {
            WriteFormat::Pcap => 16 + data.len(),
            WriteFormat::PcapNg => 32 + padded(data.len()) + options,
        };
        if !self.buffer.is_empty() && self.buffer.len() + length > BUFFER {
            self.out.write_all(&self.buffer)?;
            self.buffer.clear();
            self.buffered = 0;
        }
        let record = &mut self.buffer;
        match self.format {
            WriteFormat::Pcap => {
                record.extend_from_slice(&seconds.to_ne_bytes());
                // A record read with an out-of-range microsecond field keeps it.
                record.extend_from_slice(&((nanoseconds / 1000) as u32).to_ne_bytes());
                record.extend_from_slice(&captured.to_ne_bytes());
                record.extend_from_slice(&original_length.to_ne_bytes());
                record.extend_from_slice(data);
            }
            WriteFormat::PcapNg => {
                let length = length as u32;
                let stamp = u64::from(seconds) * 1_000_000_000 + nanoseconds;
                let mut header = [0u8; 28];
                header[0..4].copy_from_slice(&PCAPNG_ENHANCED_PACKET.to_ne_bytes());
                header[4..8].copy_from_slice(&length.to_ne_bytes());
                header[8..12].copy_from_slice(&interface.to_ne_bytes());
                header[12..16].copy_from_slice(&((stamp >> 32) as u32).to_ne_bytes());
                header[16..20].copy_from_slice(&(stamp as u32).to_ne_bytes());
                header[20..24].copy_from_slice(&captured.to_ne_bytes());
                header[24..28].copy_from_slice(&original_length.to_ne_bytes());
                record.extend_from_slice(&header);
                record.extend_from_slice(data);
                record.extend_from_slice(&[0u8; 3][..padded(data.len()) - data.len()]);
                if options > 0 {
                    record.extend_from_slice(encoded);
                }
                record.extend_from_slice(&length.to_ne_bytes());
            }
        }
        self.written += 1;
        self.buffered += 1;
        self.bytes += length as u64;
        Ok(())
    }

    /// Writes out every record gathered so far and flushes `out`.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.buffer)?;
        self.buffer.clear();
        self.buffered = 0;
        self.out.flush()
    }

    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The output, without writing what is still gathered (a failed capture drops it).
    pub fn into_inner(self) -> W {
        self.out
    }
}

fn push_option(options: &mut Vec<u8>, code: u16, value: &[u8]) {
    options.extend_from_slice(&code.to_ne_bytes());
    options.extend_from_slice(&(value.len() as u16).to_ne_bytes());
    options.extend_from_slice(value);
    options.resize(options.len() + padded(value.len()) - value.len(), 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linktype;
    use crate::pcap::oracle::{read_by_labnet, read_by_pcap_parser, Seen};
    use crate::pcap::CaptureReader;

    #[test]
    fn what_is_written_reads_back_in_both_formats() {
        for format in [WriteFormat::Pcap, WriteFormat::PcapNg] {
            let mut writer = CaptureWriter::new(
                Vec::new(),
                format,
                linktype::ETHERNET,
                262_144,
                Some("veth0"),
            )
            .unwrap();
            writer
                .write(1_700_000_000, 123_456_000, 60, &[0xab; 42])
                .unwrap();
            writer
                .write(1_700_000_001, 999_999_000, 3, &[1, 2, 3])
                .unwrap();
            writer.flush().unwrap();
            let bytes = writer.get_mut().clone();
            assert_eq!(writer.bytes(), bytes.len() as u64, "{format:?}");
            let mut reader = CaptureReader::new(&bytes[..], "test").unwrap();
            let first = reader.next_record().unwrap().unwrap();
            assert_eq!(
                (first.seconds, first.nanoseconds, first.original_length),
                (1_700_000_000, 123_456_000, 60)
            );
            assert_eq!(first.data, &[0xab; 42]);
            assert_eq!(first.link_type, linktype::ETHERNET);
            let second = reader.next_record().unwrap().unwrap();
            assert_eq!((second.index, second.data), (1, &[1u8, 2, 3][..]));
            assert!(reader.next_record().unwrap().is_none(), "{format:?}");
        }
    }

    #[test]
    fn pcap_parser_reads_what_labnet_writes_and_labnet_reads_the_same() {
        // Records cut by a snap length (original longer than captured), an empty one,
        // odd lengths (pcapng padding), a large one, and times at the edges.
        let records: [(u32, u64, u32, Vec<u8>); 5] = [
            (1_700_000_000, 123_456_000, 1514, vec![0x45; 96]),
            (1_700_000_000, 999_999_000, 0, Vec::new()),
            (1_700_000_001, 1_000, 61, (0..61).collect()),
            (0, 0, 65_535, vec![0xee; 65_535]),
            (u32::MAX, 5_000, 3, vec![1, 2, 3]),
        ];
        for format in [WriteFormat::Pcap, WriteFormat::PcapNg] {
            for link_type in [linktype::ETHERNET, linktype::LINUX_SLL2, linktype::RAW] {
                let mut writer =
                    CaptureWriter::new(Vec::new(), format, link_type, 262_144, Some("veth0"))
                        .unwrap();
                for (seconds, nanoseconds, original, data) in &records {
                    writer
                        .write(*seconds, *nanoseconds, *original, data)
                        .unwrap();
                }
                writer.flush().unwrap();
                let bytes = writer.get_mut().clone();
                let expected: Vec<Seen> = records
                    .iter()
                    .map(|(s, n, o, d)| (link_type as i32, *s, *n, *o, d.clone()))
                    .collect();
                let oracle = read_by_pcap_parser(&bytes);
                assert_eq!(oracle, expected, "{format:?} {link_type}: pcap-parser");
                assert_eq!(
                    read_by_labnet(&bytes),
                    oracle,
                    "{format:?} {link_type}: labnet"
                );
            }
        }
    }

    #[test]
    fn pcapng_records_name_their_interface() {
        // Two interfaces of different link types: each record must come back with its
        // own interface's link type, which only the interface id in the record gives.
        let interfaces = [
            Interface {
                link_type: linktype::ETHERNET,
                snaplen: 262_144,
                name: Some("brooklyn:eth0"),
            },
            Interface {
                link_type: linktype::LINUX_SLL2,
                snaplen: 96,
                name: Some("router:eth1"),
            },
        ];
        let mut writer = CaptureWriter::pcapng(Vec::new(), &interfaces).unwrap();
        writer.write_on(1, 1_700_000_000, 5, 70, &[7; 20]).unwrap();
        writer.write_on(0, 1_700_000_001, 6, 42, &[9; 42]).unwrap();
        let refused = writer.write_on(2, 1_700_000_002, 0, 1, &[1]);
        assert!(refused.is_err(), "no third interface");
        writer.flush().unwrap();
        let bytes = writer.get_mut().clone();
        let expected: Vec<Seen> = vec![
            (
                linktype::LINUX_SLL2 as i32,
                1_700_000_000,
                5,
                70,
                vec![7; 20],
            ),
            (linktype::ETHERNET as i32, 1_700_000_001, 6, 42, vec![9; 42]),
        ];
        assert_eq!(read_by_pcap_parser(&bytes), expected, "pcap-parser");
        assert_eq!(read_by_labnet(&bytes), expected, "labnet");
    }

    #[test]
    fn comments_and_the_process_option_read_back_in_both_readers() {
        let annotation = Annotation {
            comments: vec![
                "PID: 4121\nCmd: /usr/local/bin/hello-client\nArgs: hello-client brooklyn".into(),
                "Labnet: exact, uid 1000, ünïcode".into(),
            ],
            process_thread: Some((4121, 4122)),
        };
        let mut writer = CaptureWriter::new(
            Vec::new(),
            WriteFormat::PcapNg,
            linktype::ETHERNET,
            262_144,
            Some("eth0"),
        )
        .unwrap();
        writer
            .write_annotated(0, 1_700_000_000, 7, 61, &[0x42; 61], &annotation)
            .unwrap();
        writer.write(1_700_000_001, 0, 3, &[1, 2, 3]).unwrap();
        writer.flush().unwrap();
        let bytes = writer.get_mut().clone();
        assert_eq!(writer.bytes(), bytes.len() as u64);
        // pcap-parser: the two comments (code 1) and option 8 (pid, tid), in order.
        let options = crate::pcap::oracle::epb_options_by_pcap_parser(&bytes);
        let mut process = 4121u32.to_ne_bytes().to_vec();
        process.extend_from_slice(&4122u32.to_ne_bytes());
        assert_eq!(
            options,
            vec![
                vec![
                    (1, annotation.comments[0].as_bytes().to_vec()),
                    (1, annotation.comments[1].as_bytes().to_vec()),
                    (8, process),
                ],
                vec![],
            ]
        );
        // labnet's reader: the same, and the packets themselves untouched.
        let mut reader = CaptureReader::new(&bytes[..], "test").unwrap();
        let first = reader.next_record().unwrap().unwrap();
        assert_eq!(first.data, &[0x42; 61]);
        let comments: Vec<&str> = first.options.comments().collect();
        assert_eq!(comments, annotation.comments);
        assert_eq!(first.options.process_thread(), Some((4121, 4122)));
        let second = reader.next_record().unwrap().unwrap();
        assert_eq!(second.options.comments().count(), 0);
        assert_eq!(second.options.process_thread(), None);
        // A pcap file has no room: the packet alone is written.
        let mut pcap = CaptureWriter::new(
            Vec::new(),
            WriteFormat::Pcap,
            linktype::ETHERNET,
            262_144,
            None,
        )
        .unwrap();
        pcap.write_annotated(0, 1, 0, 3, &[1, 2, 3], &annotation)
            .unwrap();
        pcap.flush().unwrap();
        assert_eq!(pcap.get_mut().len(), 24 + 16 + 3);
    }

    #[test]
    fn pcapng_blocks_with_bad_lengths_get_errors_not_panics() {
        let mut writer = CaptureWriter::new(
            Vec::new(),
            WriteFormat::PcapNg,
            linktype::ETHERNET,
            262_144,
            Some("eth0"),
        )
        .unwrap();
        writer.write(1_700_000_000, 0, 42, &[0xab; 42]).unwrap();
        writer.flush().unwrap();
        let good = writer.get_mut().clone();
        // The enhanced packet block is the last one: its length is in its second word
        // and again in its last.
        let epb = good.len() - (32 + 44);
        assert_eq!(&good[epb..epb + 4], &6u32.to_le_bytes(), "an EPB");
        for (what, length, at_end) in [
            ("shorter than its own header", 8u32, false),
            ("not a multiple of four", 77, false),
            ("past the end of the file", 1 << 20, false),
            ("trailing length disagrees", 76, true),
        ] {
            let mut bad = good.clone();
            let at = if at_end { bad.len() - 4 } else { epb + 4 };
            let length = if at_end { length + 4 } else { length };
            bad[at..at + 4].copy_from_slice(&length.to_le_bytes());
            let mut reader = CaptureReader::new(&bad[..], "bad.pcapng").unwrap();
            let outcome = reader.next_record();
            assert!(
                outcome.is_err(),
                "{what}: {:?}",
                outcome.map(|r| r.map(|r| r.data.len()))
            );
        }
    }
}
