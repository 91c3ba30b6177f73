//! `--follow STREAM`: a stream's bytes as tshark's `-z follow,tcp,ascii,N` prints them
//! (the same header, a chunk's length then its bytes with unprintable ones as `.`, the
//! server's chunks indented by a tab), then the HTTP messages found in each direction
//! (request or status line, headers, body length). With `--raw`, the bytes alone.
//! Chunks are printed as they become known, so a live capture shows them as they come.

use std::io::{self, Write};

use crate::conversations::follow::{Chunk, Follow};
use crate::conversations::{Endpoint, Observed};
use crate::dissect::HttpMessages;
use crate::error::{Context, Error, Result};

const SEPARATOR: &str = "===================================================================";

/// The followed stream and what has been printed of it.
pub struct FollowView {
    stream: u32,
    raw: bool,
    follow: Follow,
    /// Node 0 (the client) and node 1, once the stream's first packet came.
    nodes: Option<(Endpoint, Endpoint)>,
    chunks: usize,
    http: [HttpMessages; 2],
}

impl FollowView {
    pub fn new(stream: u32, raw: bool) -> FollowView {
        FollowView {
            stream,
            raw,
            follow: Follow::default(),
            nodes: None,
            chunks: 0,
            http: Default::default(),
        }
    }

    /// Takes a packet of any stream; prints what it adds to the followed one.
    pub fn packet(
        &mut self,
        out: &mut impl Write,
        observed: &Observed,
        index: u64,
        payload: &[u8],
    ) -> io::Result<()> {
        let Some(analysis) = observed
            .tcp
            .as_ref()
            .filter(|_| observed.stream == self.stream)
        else {
            return Ok(());
        };
        if self.nodes.is_none() {
            self.nodes = Some(observed.ends());
            if !self.raw {
                let (client, server) = observed.ends();
                write!(
                    out,
                    "\n{SEPARATOR}\nFollow: tcp,ascii\nFilter: tcp.stream eq {}\nNode 0: {}\nNode 1: {}\n",
                    self.stream,
                    client,
                    server
                )?;
            }
        }
        let mut chunks = Vec::new();
        self.follow
            .packet(analysis, index, payload, |chunk| chunks.push(chunk));
        for chunk in chunks {
            self.chunk(out, &chunk)?;
        }
        Ok(())
    }

    fn chunk(&mut self, out: &mut impl Write, chunk: &Chunk) -> io::Result<()> {
        self.http[usize::from(chunk.from_server)].feed(&chunk.data, self.chunks);
        self.chunks += 1;
        if self.raw {
            return out.write_all(&chunk.data);
        }
        let tab = if chunk.from_server { "\t" } else { "" };
        writeln!(out, "{tab}{}", chunk.data.len())?;
        let text: Vec<u8> = chunk
            .data
            .iter()
            .map(|&b| match b {
                b'\r' | b'\n' => b,
                0x20..=0x7e => b,
                _ => b'.',
            })
            .collect();
        out.write_all(&text)?;
        out.write_all(b"\n")
    }

    /// Closes the listing and prints the HTTP messages found; an error when the
    /// stream never appeared.
    pub fn finish(self, out: &mut impl Write) -> Result<()> {
        let Some((client, server)) = self.nodes else {
            return Err(
                Error::failed(format!("no packet of tcp.stream {} was seen", self.stream))
                    .hint("--conversations lists the streams and their numbers"),
            );
        };
        let write = |out: &mut dyn Write| -> io::Result<()> {
            if self.raw {
                return out.flush();
            }
            writeln!(out, "{SEPARATOR}")?;
            if self.follow.dropped > 0 {
                writeln!(
                    out,
                    "note: {} early bytes were not held (more than {} MiB waited for the bytes before them)",
                    self.follow.dropped,
                    crate::conversations::follow::MAX_PENDING >> 20
                )?;
            }
            let mut messages: Vec<(usize, &str, &crate::dissect::HttpMessage)> = Vec::new();
            for (side, name) in [(0, "node 0"), (1, "node 1")] {
                for message in &self.http[side].found {
                    messages.push((message.chunk, name, message));
                }
            }
            if messages.is_empty() {
                return Ok(());
            }
            messages.sort_by_key(|(chunk, _, _)| *chunk);
            writeln!(
                out,
                "HTTP messages (node 0 is {}, node 1 is {}):",
                client, server
            )?;
            for (chunk, name, message) in messages {
                writeln!(out, "  {name}, chunk {}: {}", chunk + 1, message.first_line)?;
                for (header, value) in &message.headers {
                    writeln!(out, "      {header}: {value}")?;
                }
                writeln!(
                    out,
                    "      body: {} bytes{}",
                    message.body,
                    if message.complete {
                        ""
                    } else {
                        " (the stream ended before the message did)"
                    }
                )?;
            }
            Ok(())
        };
        write(out).context(|| "writing to stdout")
    }
}
