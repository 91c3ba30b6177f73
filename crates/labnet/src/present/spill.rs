//! Output made while packets go by but printed after the last one, in another order:
//! the report of each connection and the conversation table. Each piece goes to an
//! unnamed temporary file as it is made (`O_TMPFILE`: nothing to remove afterwards),
//! with an index entry (its key, where it lies); at the end the pieces are copied out
//! in key order. What stays in memory is the index, 16 bytes a piece; where no
//! temporary file can be made, the pieces stay in memory instead.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{FileExt, OpenOptionsExt};

/// Pieces of output, to be printed in key order.
pub struct Spill {
    file: Option<BufWriter<File>>,
    memory: Vec<u8>,
    /// Key, offset, length.
    index: Vec<(u64, u64, u32)>,
    written: u64,
}

impl Default for Spill {
    fn default() -> Spill {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .mode(0o600)
            .custom_flags(libc::O_TMPFILE)
            .open(std::env::temp_dir())
            .ok()
            .map(|f| BufWriter::with_capacity(256 * 1024, f));
        Spill {
            file,
            memory: Vec::new(),
            index: Vec::new(),
            written: 0,
        }
    }
}

impl Spill {
    /// Keeps `bytes` to be printed in the place of `key`.
    pub fn push(&mut self, key: u64, bytes: &[u8]) -> io::Result<()> {
        self.index.push((key, self.written, bytes.len() as u32));
        self.written += bytes.len() as u64;
        match self.file.as_mut() {
            Some(file) => file.write_all(bytes),
            None => {
                self.memory.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Hands each piece to `each`, in key order (pieces of one key in the order made).
    /// The file is read a window at a time: pieces made in about key order (the usual
    /// case) are read with one system call per window, not one each.
    pub fn replay(mut self, mut each: impl FnMut(u64, &[u8]) -> io::Result<()>) -> io::Result<()> {
        self.index.sort_by_key(|&(key, offset, _)| (key, offset));
        let file = match self.file.take() {
            Some(writer) => Some(writer.into_inner().map_err(|e| e.into_error())?),
            None => None,
        };
        let Some(file) = file else {
            for (key, offset, length) in self.index {
                each(key, &self.memory[offset as usize..][..length as usize])?;
            }
            return Ok(());
        };
        let mut window = Vec::new();
        let mut start = 0u64;
        for (key, offset, length) in self.index {
            let end = offset + u64::from(length);
            if offset < start || end > start + window.len() as u64 {
                start = offset;
                let size = (end - offset).max(WINDOW).min(self.written - offset);
                window.resize(size as usize, 0);
                file.read_exact_at(&mut window, start)?;
            }
            let at = (offset - start) as usize;
            each(key, &window[at..at + length as usize])?;
        }
        Ok(())
    }
}

/// How much of the spill file is read at a time.
const WINDOW: u64 = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_come_back_in_key_order() {
        let mut spill = Spill::default();
        assert!(
            spill.file.is_some(),
            "the temporary directory takes O_TMPFILE"
        );
        for (key, text) in [(3, "three"), (1, "one"), (2, "two"), (1, "one again")] {
            spill.push(key, text.as_bytes()).unwrap();
        }
        let mut out = Vec::new();
        spill
            .replay(|key, piece| {
                out.push(format!("{key}:{}", String::from_utf8_lossy(piece)));
                Ok(())
            })
            .unwrap();
        assert_eq!(out, ["1:one", "1:one again", "2:two", "3:three"]);
    }
}
