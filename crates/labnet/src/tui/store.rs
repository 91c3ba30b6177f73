//! The packets a browser session holds: one small index record per packet (where its
//! bytes are, its time and lengths, its TCP/UDP stream, its TCP analysis marks, its
//! process) over a mapped capture file or, for packets that have no place in a mapping
//! (live capture, pcapng blocks read through a buffer), over bytes kept here. A packet
//! is dissected only when it is shown; the index is made in one pass that also runs the
//! conversation tracker, so the marks and streams of a million packets cost one read.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::conversations::{self, Tracker};
use crate::dissect;
use crate::error::Result;
use crate::pcap::{CaptureReader, MappedFile, PacketOptions, Record};
use crate::process::{Attribution, Process};

/// `Entry::stream` of a packet outside any TCP or UDP conversation.
pub const NO_STREAM: u32 = u32::MAX;
const NO_PROCESS: u32 = u32::MAX;
/// `Entry::at`'s top bit: the bytes are in the store's own buffer, not the mapping.
const OWNED: u64 = 1 << 63;

/// What the index keeps of one packet (36 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    at: u64,
    pub captured: u32,
    pub original: u32,
    pub seconds: u32,
    pub nanoseconds: u32,
    /// Its conversation (`tcp.stream`/`udp.stream`), or [`NO_STREAM`].
    pub stream: u32,
    process: u32,
    /// Its TCP analysis flags ([`conversations::tcp::Flags`] bits).
    pub marks: u16,
    link: u16,
}

impl Entry {
    pub fn time(&self) -> i64 {
        conversations::nanoseconds(self.seconds, self.nanoseconds.into())
    }
}

/// The packets, indexed.
pub struct Store {
    file: Option<MappedFile>,
    owned: Vec<u8>,
    entries: Vec<Entry>,
    links: Vec<u32>,
    processes: Vec<Attribution>,
    process_ids: HashMap<(u32, String), u32>,
    tracker: Tracker,
    /// Packets not kept because [`Store::MAX_OWNED`] bytes were held already.
    pub refused: u64,
}

impl Store {
    /// Bytes of packets held outside a mapping (live capture, pcapng) at most.
    pub const MAX_OWNED: usize = 1 << 30;

    fn empty() -> Store {
        Store {
            file: None,
            owned: Vec::new(),
            entries: Vec::new(),
            links: Vec::new(),
            processes: Vec::new(),
            process_ids: HashMap::new(),
            tracker: Tracker::new(),
            refused: 0,
        }
    }

    /// A store that live packets are added to.
    pub fn live() -> Store {
        Store::empty()
    }

    /// Indexes a capture file (pcap or pcapng).
    pub fn open(path: &Path) -> Result<Store> {
        let mut reader = CaptureReader::new(MappedFile::open(path)?, &path.display().to_string())?;
        let mut store = Store::empty();
        let mapping = reader.input().addresses();
        while let Some(record) = reader.next_record()? {
            // A pcap record is lent from the mapping; a pcapng one is read through a
            // buffer, and kept here.
            let start = record.data.as_ptr() as usize;
            let mapped = (mapping.contains(&start) && start + record.data.len() <= mapping.end)
                .then(|| (start - mapping.start) as u64);
            store.add(&record, mapped, None);
        }
        store.file = Some(reader.into_input());
        Ok(store)
    }

    /// Adds a captured packet (its bytes are copied); `attribution`, when its process
    /// is known.
    pub fn push(&mut self, record: &Record, attribution: Option<Attribution>) {
        self.add(record, None, attribution);
    }

    fn add(&mut self, record: &Record, mapped: Option<u64>, attribution: Option<Attribution>) {
        let at = match mapped {
            Some(at) => at,
            None if self.owned.len() + record.data.len() > Self::MAX_OWNED => {
                self.refused += 1;
                return;
            }
            None => {
                let at = self.owned.len() as u64 | OWNED;
                self.owned.extend_from_slice(record.data);
                at
            }
        };
        let link = match self.links.iter().position(|&l| l == record.link_type) {
            Some(i) => i,
            None => {
                self.links.push(record.link_type);
                self.links.len() - 1
            }
        } as u16;
        let attribution = attribution.or_else(|| {
            let kept = Attribution::from_pcapng(
                record.options.comments(),
                record.options.process_thread(),
            );
            kept.process.is_some().then_some(kept)
        });
        let process = attribution.map_or(NO_PROCESS, |a| self.intern(a));
        let (seconds, nanoseconds) = record.time();
        let time = conversations::nanoseconds(seconds, nanoseconds.into());
        let dissection = dissect::dissect(record.link_type, record.data);
        let index = self.entries.len() as u64;
        let observed = self.tracker.observe(
            index,
            time,
            record.original_length,
            &dissection,
            record.data,
        );
        // Retired conversations are not needed here: the views make their own.
        drop(self.tracker.take_retired());
        // Follow and the ladder are TCP's: UDP streams are numbered apart, as tshark's.
        let (stream, marks) = match observed
            .as_ref()
            .and_then(|o| Some((o.stream, o.tcp.as_ref()?)))
        {
            Some((stream, tcp)) => (stream, tcp.analysis.bits()),
            None => (NO_STREAM, 0),
        };
        self.entries.push(Entry {
            at,
            captured: record.data.len() as u32,
            original: record.original_length,
            seconds,
            nanoseconds,
            stream,
            process,
            marks,
            link,
        });
    }

    fn intern(&mut self, attribution: Attribution) -> u32 {
        let Some(process) = &attribution.process else {
            return NO_PROCESS;
        };
        let key = (process.pid, process.comm.clone());
        if let Some(&id) = self.process_ids.get(&key) {
            return id;
        }
        let id = self.processes.len() as u32;
        self.processes.push(attribution);
        self.process_ids.insert(key, id);
        id
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    /// Packet `index` as a record (0-based, as the file numbers them).
    pub fn record(&self, index: usize) -> Record<'_> {
        let entry = &self.entries[index];
        let length = entry.captured as usize;
        let data: &[u8] = if entry.at & OWNED != 0 {
            let at = (entry.at & !OWNED) as usize;
            &self.owned[at..at + length]
        } else {
            self.file
                .as_ref()
                .and_then(|f| f.bytes(entry.at as usize, length))
                .unwrap_or(&[])
        };
        Record {
            index: index as u64,
            link_type: self.links[usize::from(entry.link)],
            seconds: entry.seconds,
            nanoseconds: entry.nanoseconds.into(),
            original_length: entry.original,
            data,
            options: PacketOptions::default(),
        }
    }

    /// Its process, when known.
    pub fn attribution(&self, index: usize) -> Option<&Attribution> {
        self.processes
            .get(self.entries[index].process as usize)
            .filter(|a| a.process.is_some())
    }

    /// The process of packet `index`, when known.
    pub fn process(&self, index: usize) -> Option<&Arc<Process>> {
        self.attribution(index).and_then(|a| a.process.as_ref())
    }

    /// The time of the first packet, for times relative to it.
    pub fn first_time(&self) -> Option<i64> {
        self.entries.first().map(Entry::time)
    }
}
