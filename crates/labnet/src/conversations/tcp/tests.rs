//! The analysis rules one by one, on hand-made exchanges (each flag as Wireshark's user
//! guide defines it). The tests in tests/analysis.rs hold every packet of real lab
//! captures to tshark's own numbers.

use super::*;
use crate::dissect::endpoints::{Options, Segment, PSH};

/// The client's and the server's initial sequence numbers.
const C: u32 = 1_000_000;
const S: u32 = 3_000_000_000;
const MS: i64 = 1_000_000;

struct Exchange {
    connection: Connection,
    frame: u64,
    out: Vec<Analysis>,
}

impl Exchange {
    fn new() -> Exchange {
        Exchange {
            connection: Connection::default(),
            frame: 0,
            out: Vec::new(),
        }
    }

    /// Sends a segment at `ms` milliseconds: from the server when `server`, with
    /// sequence and acknowledgment numbers relative to each side's ISN.
    #[allow(clippy::too_many_arguments)]
    fn send(
        &mut self,
        ms: i64,
        server: bool,
        flags: u16,
        seq: u32,
        ack: u32,
        len: u32,
        window: u16,
        options: Options,
    ) -> Flags {
        let (own, other) = if server { (S, C) } else { (C, S) };
        let segment = Segment {
            sport: if server { 5000 } else { 40000 },
            dport: if server { 40000 } else { 5000 },
            seq: own.wrapping_add(seq),
            ack: if flags & ACK != 0 {
                other.wrapping_add(ack)
            } else {
                0
            },
            flags,
            window,
            len: Some(len),
            payload: 0..0,
            options,
        };
        let new = self.frame == 0;
        let analysis = self.connection.segment(
            &segment,
            server,
            self.frame,
            1_700_000_000_000_000_000 + ms * MS,
            new,
            false,
        );
        self.frame += 1;
        let flags = analysis.analysis;
        self.out.push(analysis);
        flags
    }

    fn last(&self) -> &Analysis {
        self.out.last().unwrap()
    }

    /// SYN (MSS 1460, window scale 7), SYN/ACK (window scale 7), ACK; 10 ms RTT.
    fn handshake(&mut self) {
        let offer = Options {
            mss: Some(1460),
            window_scale: Some(7),
            sack_permitted: true,
            sack_blocks: 0,
            timestamp: None,
        };
        self.send(0, false, SYN, 0, 0, 0, 64240, offer);
        self.send(10, true, SYN | ACK, 0, 1, 0, 65160, offer);
        self.send(20, false, ACK, 1, 1, 0, 502, Options::default());
    }
}

fn data(exchange: &mut Exchange, ms: i64, server: bool, seq: u32, ack: u32, len: u32) -> Flags {
    exchange.send(
        ms,
        server,
        PSH | ACK,
        seq,
        ack,
        len,
        502,
        Options::default(),
    )
}

fn ack(exchange: &mut Exchange, ms: i64, server: bool, seq: u32, ack: u32) -> Flags {
    exchange.send(ms, server, ACK, seq, ack, 0, 502, Options::default())
}

#[test]
fn the_handshake_gives_relative_numbers_scaling_and_its_rtt() {
    let mut x = Exchange::new();
    x.handshake();
    let (syn, syn_ack, third) = (&x.out[0], &x.out[1], &x.out[2]);
    assert_eq!((syn.seq, syn.ack, syn.seq_raw), (0, None, C));
    assert_eq!((syn_ack.seq, syn_ack.ack), (0, Some(1)));
    assert_eq!((third.seq, third.ack), (1, Some(1)));
    // SYNs are never scaled; after both offered a shift, windows are.
    assert_eq!(syn.window, 64240);
    assert_eq!(third.window, 502 << 7);
    assert_eq!(syn_ack.acks, Some((0, Some(10 * MS))));
    assert_eq!(third.acks, Some((1, Some(10 * MS))));
    assert_eq!(x.connection.handshake_rtt(), Some(20 * MS));
    assert_eq!(
        [syn.step, syn_ack.step, third.step],
        [
            Some(Step::Handshake(1)),
            Some(Step::Handshake(2)),
            Some(Step::Handshake(3))
        ]
    );
    assert!(x.out.iter().all(|a| a.analysis.is_empty()));
    assert_eq!(
        x.connection.completeness,
        completeness::SYN | completeness::SYN_ACK | completeness::ACK
    );
}

#[test]
fn a_segment_sent_again_is_a_retransmission_and_gives_no_sample() {
    let mut x = Exchange::new();
    x.handshake();
    assert!(data(&mut x, 30, false, 1, 1, 100).is_empty());
    assert_eq!(data(&mut x, 330, false, 1, 1, 100), Flags::RETRANSMISSION);
    ack(&mut x, 340, true, 1, 101);
    // Wireshark times the ACK from the first copy; Karn's rule takes no sample.
    assert_eq!(x.last().acks, Some((3, Some(310 * MS))));
    assert_eq!(x.last().rtt_sample, None);
    assert_eq!(x.connection.senders[0].retransmissions, 1);
    assert_eq!(
        x.connection.senders[0].rtt.count, 1,
        "only the SYN/ACK's ACK"
    );
}

#[test]
fn a_lost_segment_then_dup_acks_then_its_fast_retransmission() {
    let mut x = Exchange::new();
    x.handshake();
    data(&mut x, 30, false, 1, 1, 100);
    // 101..201 is lost before the capture point.
    assert_eq!(data(&mut x, 31, false, 201, 1, 100), Flags::LOST_SEGMENT);
    assert!(ack(&mut x, 40, true, 1, 101).is_empty());
    assert_eq!(
        ack(&mut x, 41, true, 1, 101),
        Flags::DUPLICATE_ACK,
        "the ACK for 201..301 repeats 101"
    );
    assert_eq!(x.last().dupack, Some((1, 5)));
    data(&mut x, 42, false, 301, 1, 100);
    assert_eq!(ack(&mut x, 43, true, 1, 101), Flags::DUPLICATE_ACK);
    assert_eq!(x.last().dupack, Some((2, 5)));
    assert_eq!(
        data(&mut x, 50, false, 101, 1, 100),
        Flags::FAST_RETRANSMISSION
    );
}

#[test]
fn a_segment_arriving_late_within_the_first_rtt_is_out_of_order() {
    let mut x = Exchange::new();
    x.handshake();
    data(&mut x, 30, false, 1, 1, 100);
    assert_eq!(data(&mut x, 31, false, 201, 1, 100), Flags::LOST_SEGMENT);
    assert_eq!(data(&mut x, 32, false, 101, 1, 100), Flags::OUT_OF_ORDER);
    // Later than the first RTT (20 ms) after the highest segment: a retransmission.
    assert_eq!(data(&mut x, 60, false, 101, 1, 100), Flags::RETRANSMISSION);
}

#[test]
fn bytes_already_acknowledged_are_a_spurious_retransmission() {
    let mut x = Exchange::new();
    x.handshake();
    data(&mut x, 30, false, 1, 1, 100);
    ack(&mut x, 40, true, 1, 101);
    assert_eq!(
        data(&mut x, 300, false, 1, 1, 100),
        Flags::SPURIOUS_RETRANSMISSION
    );
}

#[test]
fn a_zero_window_its_probe_the_probes_ack_and_the_update() {
    let mut x = Exchange::new();
    x.handshake();
    data(&mut x, 30, false, 1, 1, 100);
    let zero = x.send(40, true, ACK, 1, 101, 0, 0, Options::default());
    assert_eq!(zero, Flags::ZERO_WINDOW);
    assert_eq!(
        data(&mut x, 300, false, 101, 1, 1),
        Flags::ZERO_WINDOW_PROBE
    );
    let probe_ack = x.send(301, true, ACK, 1, 101, 0, 0, Options::default());
    assert_eq!(probe_ack, Flags::ZERO_WINDOW | Flags::ZERO_WINDOW_PROBE_ACK);
    let update = x.send(400, true, ACK, 1, 101, 0, 100, Options::default());
    assert_eq!(update, Flags::WINDOW_UPDATE);
    assert_eq!(x.last().window, 100 << 7);
    assert_eq!(x.connection.senders[1].smallest_window, Some(0));
}

#[test]
fn a_keep_alive_and_its_ack() {
    let mut x = Exchange::new();
    x.handshake();
    data(&mut x, 30, false, 1, 1, 100);
    ack(&mut x, 40, true, 1, 101);
    assert_eq!(ack(&mut x, 10_000, false, 100, 1), Flags::KEEP_ALIVE);
    assert_eq!(ack(&mut x, 10_001, true, 1, 101), Flags::KEEP_ALIVE_ACK);
}

#[test]
fn an_ack_for_bytes_never_seen_is_an_acked_unseen_segment() {
    let mut x = Exchange::new();
    x.handshake();
    data(&mut x, 30, false, 1, 1, 100);
    assert_eq!(ack(&mut x, 40, true, 1, 301), Flags::ACK_LOST_SEGMENT);
}

#[test]
fn data_up_to_the_advertised_edge_fills_the_window() {
    let mut x = Exchange::new();
    x.handshake();
    // The server advertises 4 << 7 = 512 bytes past its ACK of 1.
    x.send(25, true, ACK, 1, 1, 0, 4, Options::default());
    assert_eq!(data(&mut x, 30, false, 1, 1, 512), Flags::WINDOW_FULL);
}

#[test]
fn fins_both_ways_close_the_connection_and_are_labelled() {
    let mut x = Exchange::new();
    x.handshake();
    x.send(30, false, FIN | ACK, 1, 1, 0, 502, Options::default());
    assert_eq!(x.last().step, Some(Step::Fin { acks_fin: false }));
    assert!(!x.connection.closed());
    x.send(31, true, FIN | ACK, 1, 2, 0, 502, Options::default());
    assert_eq!(x.last().step, Some(Step::Fin { acks_fin: true }));
    ack(&mut x, 32, false, 2, 2);
    assert_eq!(x.last().step, Some(Step::FinAck));
    assert!(x.connection.closed());
    assert_eq!(x.last().next_seq(), Some(2));
}

#[test]
fn without_both_scale_options_windows_are_not_scaled() {
    let mut x = Exchange::new();
    let offer = Options {
        window_scale: Some(7),
        ..Options::default()
    };
    x.send(0, false, SYN, 0, 0, 0, 64240, offer);
    x.send(1, true, SYN | ACK, 0, 1, 0, 65160, Options::default());
    x.send(2, false, ACK, 1, 1, 0, 502, Options::default());
    assert_eq!(x.last().window, 502);
}

#[test]
fn sequence_numbers_wrap_around() {
    let mut x = Exchange::new();
    x.handshake();
    // Relative numbers past 2^32 of the raw space: the server's ISN is near the top.
    data(&mut x, 30, true, 1, 1, 1_500_000_000);
    assert_eq!(x.last().next_seq(), Some(1_500_000_001));
    assert!(data(&mut x, 31, true, 1_500_000_001, 1, 100).is_empty());
}
