//! "Follow TCP Stream": one stream's bytes, each direction in order, as tshark's
//! `-z follow,tcp` puts them together (its `follow_tcp_tap_listener` rules, so the
//! chunks equal tshark's): a segment that continues a direction is a chunk at once; one
//! that arrives early waits until the bytes before it came (or until the other side
//! acknowledged past them: then the missing bytes are marked `[N bytes missing in
//! capture file]`); bytes already seen (retransmissions, overlaps) are placed once.
//!
//! Chunks are handed out as soon as they are known, so a live capture can print them
//! as they come; only early segments are held, at most [`MAX_PENDING`] bytes of them.

use super::tcp::Analysis;
use crate::dissect::endpoints::SYN;

/// Early (out-of-order) bytes held per direction, at most.
pub const MAX_PENDING: usize = 64 << 20;

/// A piece of the stream, in the order tshark prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// Sent by the server (the side that did not send the stream's first packet).
    pub from_server: bool,
    /// The packet it came in.
    pub packet: u64,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone)]
struct Early {
    seq: u32,
    packet: u64,
    data: Vec<u8>,
}

/// One direction's reassembly state.
#[derive(Debug, Clone, Default)]
struct Direction {
    /// The next sequence number expected (relative).
    seq: u32,
    bytes_written: u64,
    early: Vec<Early>,
    pending: usize,
}

/// The reassembly of one stream.
#[derive(Debug, Clone, Default)]
pub struct Follow {
    directions: [Direction; 2],
    /// The stream's first packet came from B: then B is the client (tshark's node 0).
    client_is_b: Option<bool>,
    /// Early bytes dropped because [`MAX_PENDING`] were held.
    pub dropped: u64,
}

fn before(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn after(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}

impl Follow {
    /// Early bytes held now, both directions (each at most [`MAX_PENDING`]).
    pub fn pending(&self) -> usize {
        self.directions.iter().map(|d| d.pending).sum()
    }

    /// Takes one packet of the stream: its analysis and its captured payload. Chunks
    /// that became known go to `chunk`, in order.
    pub fn packet(
        &mut self,
        analysis: &Analysis,
        packet: u64,
        payload: &[u8],
        mut chunk: impl FnMut(Chunk),
    ) {
        let Some(length) = analysis.len else {
            // tshark follows only segments whose length is known.
            return;
        };
        let client_is_b = *self.client_is_b.get_or_insert(analysis.from_b);
        let server = analysis.from_b != client_is_b;
        let side = usize::from(server);
        let acknowledged = analysis.ack.unwrap_or(analysis.ack_raw);
        if !self.directions[1 - side].early.is_empty() {
            while self.settle(1 - side, Some(acknowledged), packet, &mut chunk) {}
        }
        let mut sequence = analysis.seq;
        if analysis.flags & SYN != 0 {
            sequence = sequence.wrapping_add(1);
        }
        let mut length = length;
        let direction = &mut self.directions[side];
        if direction.bytes_written == 0 && direction.seq == 0 {
            direction.seq = sequence;
        }
        let mut data = payload;
        if before(sequence, direction.seq) {
            let next = sequence.wrapping_add(length);
            if after(next, direction.seq) {
                let offset = direction.seq.wrapping_sub(sequence) as usize;
                data = data.get(offset..).unwrap_or(&[]);
                sequence = direction.seq;
                length = next.wrapping_sub(direction.seq);
            }
        }
        if data.is_empty() || before(sequence, direction.seq) {
            return;
        }
        if sequence == direction.seq {
            direction.seq = direction.seq.wrapping_add(length);
            direction.bytes_written += data.len() as u64;
            chunk(Chunk {
                from_server: server,
                packet,
                data: data.to_vec(),
            });
            while self.settle(side, None, packet, &mut chunk) {}
        } else if direction.pending + data.len() <= MAX_PENDING {
            direction.pending += data.len();
            direction.early.push(Early {
                seq: sequence,
                packet,
                data: data.to_vec(),
            });
        } else {
            self.dropped += data.len() as u64;
        }
    }

    /// tshark's `check_follow_fragments`: places the first early segment that now
    /// fits, or (given what the other side acknowledged) marks the gap before the
    /// lowest one. False when nothing more can be placed.
    fn settle(
        &mut self,
        side: usize,
        acknowledged: Option<u32>,
        packet: u64,
        chunk: &mut impl FnMut(Chunk),
    ) -> bool {
        let server = side == 1;
        let direction = &mut self.directions[side];
        let Some(first) = direction.early.first() else {
            return false;
        };
        let mut lowest = first.seq;
        for i in 0..direction.early.len() {
            let early = &direction.early[i];
            if after(lowest, early.seq) {
                lowest = early.seq;
            }
            if before(early.seq, direction.seq) {
                let early = direction.early.remove(i);
                direction.pending -= early.data.len();
                let end = early.seq.wrapping_add(early.data.len() as u32);
                if after(end, direction.seq) {
                    let new = direction.seq.wrapping_sub(early.seq) as usize;
                    if early.data.len() > new {
                        chunk(Chunk {
                            from_server: server,
                            packet: early.packet,
                            data: early.data[new..].to_vec(),
                        });
                    }
                    direction.seq = direction.seq.wrapping_add((early.data.len() - new) as u32);
                }
                return true;
            }
            if early.seq == direction.seq {
                let early = direction.early.remove(i);
                direction.pending -= early.data.len();
                direction.seq = direction.seq.wrapping_add(early.data.len() as u32);
                if !early.data.is_empty() {
                    chunk(Chunk {
                        from_server: server,
                        packet: early.packet,
                        data: early.data,
                    });
                }
                return true;
            }
        }
        match acknowledged {
            Some(ack) if after(ack, lowest) => {
                let missing = lowest.wrapping_sub(direction.seq) as i32;
                // tshark keeps the C string's terminating NUL in the chunk.
                let mut data = format!("[{missing} bytes missing in capture file]").into_bytes();
                data.push(0);
                direction.seq = lowest;
                chunk(Chunk {
                    from_server: server,
                    packet,
                    data,
                });
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversations::tcp::Flags;
    use crate::dissect::endpoints::ACK;

    fn segment(from_b: bool, seq: u32, ack: u32, len: u32, syn: bool) -> Analysis {
        Analysis {
            from_b,
            seq,
            seq_raw: seq,
            ack: Some(ack),
            ack_raw: ack,
            len: Some(len),
            flags: if syn { SYN | ACK } else { ACK },
            window: 1000,
            window_raw: 1000,
            analysis: Flags::default(),
            dupack: None,
            acks: None,
            rtt_sample: None,
            step: None,
            offer: None,
            payload: 0..0,
        }
    }

    fn run(packets: &[(Analysis, &[u8])]) -> Vec<(bool, String)> {
        let mut follow = Follow::default();
        let mut out = Vec::new();
        for (i, (analysis, payload)) in packets.iter().enumerate() {
            follow.packet(analysis, i as u64, payload, |c| {
                out.push((c.from_server, String::from_utf8_lossy(&c.data).into_owned()))
            });
        }
        out
    }

    #[test]
    fn in_order_segments_are_chunks_at_once() {
        let out = run(&[
            (segment(false, 0, 0, 0, true), b""),
            (segment(false, 1, 1, 4, false), b"GET "),
            (segment(true, 1, 5, 3, false), b"200"),
            (segment(false, 5, 4, 2, false), b"/\n"),
        ]);
        assert_eq!(
            out,
            vec![
                (false, "GET ".into()),
                (true, "200".into()),
                (false, "/\n".into())
            ]
        );
    }

    #[test]
    fn a_retransmission_is_placed_once_and_an_overlap_gives_only_its_new_bytes() {
        let out = run(&[
            (segment(false, 1, 1, 4, false), b"abcd"),
            (segment(false, 1, 1, 4, false), b"abcd"),
            (segment(false, 3, 1, 4, false), b"cdef"),
        ]);
        assert_eq!(out, vec![(false, "abcd".into()), (false, "ef".into())]);
    }

    #[test]
    fn an_early_segment_waits_for_the_bytes_before_it() {
        let out = run(&[
            (segment(false, 1, 1, 2, false), b"ab"),
            (segment(false, 5, 1, 2, false), b"ef"),
            (segment(false, 3, 1, 2, false), b"cd"),
        ]);
        assert_eq!(
            out,
            vec![
                (false, "ab".into()),
                (false, "cd".into()),
                (false, "ef".into())
            ]
        );
    }

    #[test]
    fn a_gap_the_other_side_acknowledged_is_marked_missing() {
        let out = run(&[
            (segment(false, 1, 1, 2, false), b"ab"),
            (segment(false, 5, 1, 2, false), b"ef"),
            // The server acknowledges everything: bytes 3 and 4 went by uncaptured.
            (segment(true, 1, 7, 0, false), b""),
        ]);
        assert_eq!(
            out,
            vec![
                (false, "ab".into()),
                (false, "[2 bytes missing in capture file]\0".into()),
                (false, "ef".into())
            ]
        );
    }
}
