//! Stream numbering as tshark's `tcp.stream` and `udp.stream`, and the memory bounds.

use std::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::dissect::endpoints::{Options, Quoted, Segment, ACK, FIN, SYN};

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(192, 168, 56, last))
}

fn tcp(src: u8, sport: u16, dst: u8, dport: u16, flags: u16, seq: u32, ack: u32) -> Endpoints {
    Endpoints {
        src: ip(src),
        dst: ip(dst),
        transport: Transport::Tcp(Segment {
            sport,
            dport,
            seq,
            ack,
            flags,
            window: 1000,
            len: Some(0),
            payload: 0..0,
            options: Options::default(),
        }),
        quoted: None,
    }
}

fn udp(src: u8, sport: u16, dst: u8, dport: u16) -> Endpoints {
    Endpoints {
        src: ip(src),
        dst: ip(dst),
        transport: Transport::Udp { sport, dport },
        quoted: None,
    }
}

#[test]
fn streams_are_numbered_in_order_of_appearance_per_protocol() {
    let mut t = Tracker::new();
    let s = |t: &mut Tracker, i: u64, e: &Endpoints| t.observe_endpoints(i, i as i64, 60, e).stream;
    assert_eq!(s(&mut t, 0, &tcp(102, 40000, 101, 5000, SYN, 100, 0)), 0);
    assert_eq!(s(&mut t, 1, &udp(102, 5353, 101, 53)), 0);
    assert_eq!(
        s(&mut t, 2, &tcp(101, 5000, 102, 40000, SYN | ACK, 900, 101)),
        0
    );
    assert_eq!(s(&mut t, 3, &tcp(102, 40001, 101, 5000, SYN, 7, 0)), 1);
    assert_eq!(s(&mut t, 4, &udp(101, 53, 102, 5353)), 0);
    let all = t.finish();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0].packets, [1, 1], "SYN from A, SYN/ACK from B");
    assert_eq!(all[0].bytes, [60, 60]);
}

#[test]
fn a_syn_with_a_new_isn_on_ports_in_use_starts_a_new_stream() {
    let mut t = Tracker::new();
    let first = t.observe_endpoints(0, 0, 60, &tcp(102, 40000, 101, 5000, SYN, 100, 0));
    // The same SYN again (a retransmission) stays in stream 0.
    let again = t.observe_endpoints(1, 1, 60, &tcp(102, 40000, 101, 5000, SYN, 100, 0));
    let reused = t.observe_endpoints(2, 2, 60, &tcp(102, 40000, 101, 5000, SYN, 555, 0));
    assert_eq!((first.stream, again.stream, reused.stream), (0, 0, 1));
    assert!(reused
        .tcp
        .unwrap()
        .analysis
        .contains(tcp::Flags::REUSED_PORTS));
    assert_eq!(t.finish().len(), 2);
}

#[test]
fn a_quoted_header_numbers_a_stream_but_counts_nothing() {
    let mut t = Tracker::new();
    let error = Endpoints {
        src: ip(1),
        dst: ip(102),
        transport: Transport::Icmp { v6: false },
        quoted: Some(Quoted {
            src: ip(102),
            dst: ip(101),
            sport: 40000,
            dport: 5000,
            tcp: Some((100, SYN)),
        }),
    };
    let icmp = t.observe_endpoints(0, 0, 90, &error);
    assert_eq!((icmp.protocol, icmp.stream), (Protocol::Icmp, 0));
    let later = t.observe_endpoints(1, 1, 60, &tcp(101, 5000, 102, 40000, ACK, 1, 1));
    assert_eq!(later.stream, 0, "the stream the quote made");
    let next = t.observe_endpoints(2, 2, 60, &tcp(101, 5001, 102, 40000, ACK, 1, 1));
    assert_eq!(next.stream, 1);
    let all = t.finish();
    let tcp0 = all
        .iter()
        .find(|c| c.protocol == Protocol::Tcp && c.stream == 0)
        .unwrap();
    assert_eq!(tcp0.packets, [1, 0]);
    assert_eq!(tcp0.a.address, ip(101), "A sent the first packet counted");
}

#[test]
fn closed_conversations_are_retired_after_they_linger_and_memory_stays_flat() {
    let mut t = Tracker::new();
    let mut retired = 0;
    for n in 0..50_000u32 {
        let port = 10_000 + (n % 50_000) as u16;
        let time = i64::from(n) * 1_000_000; // a conversation a millisecond
        let seq = n * 7;
        for (i, e) in [
            tcp(102, port, 101, 80, SYN, seq, 0),
            tcp(101, 80, 102, port, SYN | ACK, 9, seq + 1),
            tcp(102, port, 101, 80, FIN | ACK, seq + 1, 10),
            tcp(101, 80, 102, port, FIN | ACK, 10, seq + 2),
            tcp(102, port, 101, 80, ACK, seq + 2, 11),
        ]
        .iter()
        .enumerate()
        {
            let observed = t.observe_endpoints(u64::from(n) * 5 + i as u64, time, 60, e);
            assert_eq!(observed.stream, n);
        }
        assert!(t.open.len() <= MAX_LINGERING + 2, "{} open", t.open.len());
        for conversation in t.take_retired() {
            assert_eq!(conversation.packets, [3, 2]);
            retired += 1;
        }
    }
    assert_eq!(t.evicted_early(), 0);
    assert!(
        retired >= 50_000 - MAX_LINGERING,
        "closed ones retire once 10,000 others closed after them ({retired})"
    );
    assert_eq!(retired + t.finish().len(), 50_000);
}

#[test]
fn past_the_open_limit_the_longest_idle_are_closed_early() {
    let mut t = Tracker::new();
    for n in 0..(MAX_OPEN as u32 + 10) {
        let e = udp(102, (n % 60_000) as u16, (n / 60_000) as u8, 53);
        t.observe_endpoints(u64::from(n), i64::from(n), 60, &e);
    }
    assert!(t.open.len() <= MAX_OPEN);
    assert_eq!(t.evicted_early(), MAX_OPEN as u64 / 10);
}

mod any_segments {
    //! Any sequence of segments (any flags, numbers near each other so they overlap,
    //! lengths, windows, scale options, four connections over IPv4 and IPv6, time now
    //! and then going back): nothing panics, every bound holds, and the analysis is a
    //! function of the packets alone.

    use proptest::prelude::*;

    use super::*;
    use crate::conversations::follow::{Follow, MAX_PENDING};
    use crate::conversations::tcp::MAX_UNACKED_SEGMENTS;

    #[derive(Debug, Clone)]
    struct Step {
        connection: u8,
        from_server: bool,
        flags: u16,
        seq: u16,
        ack: u16,
        len: u16,
        window: u16,
        scale: Option<u8>,
        /// Microseconds since the last packet; negative now and then.
        dt: i32,
    }

    fn step() -> impl Strategy<Value = Step> {
        (
            0u8..4,
            any::<bool>(),
            0u16..0x200,
            any::<u16>(),
            any::<u16>(),
            prop_oneof![Just(0u16), Just(1), 0u16..3000],
            prop_oneof![Just(0u16), any::<u16>()],
            proptest::option::of(0u8..20),
            -1000i32..100_000,
        )
            .prop_map(
                |(connection, from_server, flags, seq, ack, len, window, scale, dt)| Step {
                    connection,
                    from_server,
                    flags,
                    seq,
                    ack,
                    len,
                    window,
                    scale,
                    dt,
                },
            )
    }

    fn endpoints(s: &Step) -> Endpoints {
        let v6 = s.connection & 2 != 0;
        let address = |last: u8| -> IpAddr {
            if v6 {
                IpAddr::V6(std::net::Ipv6Addr::new(
                    0xfd00,
                    0x56,
                    0,
                    0,
                    0,
                    0,
                    0,
                    u16::from(last),
                ))
            } else {
                ip(last)
            }
        };
        let (client, server) = (address(102), address(101));
        let port = 40_000 + u16::from(s.connection & 1);
        // Numbers near the top of the sequence space, so they wrap.
        let (own, other) = if s.from_server {
            (4_294_960_000u32, 1000u32)
        } else {
            (1000, 4_294_960_000)
        };
        Endpoints {
            src: if s.from_server { server } else { client },
            dst: if s.from_server { client } else { server },
            transport: Transport::Tcp(Segment {
                sport: if s.from_server { 80 } else { port },
                dport: if s.from_server { port } else { 80 },
                seq: own.wrapping_add(u32::from(s.seq) * 7),
                ack: other.wrapping_add(u32::from(s.ack) * 7),
                flags: s.flags,
                window: s.window,
                len: Some(u32::from(s.len)),
                payload: 0..usize::from(s.len),
                options: Options {
                    window_scale: s.scale,
                    ..Options::default()
                },
            }),
            quoted: None,
        }
    }

    /// Runs the steps; returns every packet's analysis.
    fn run(steps: &[Step]) -> Vec<Option<tcp::Analysis>> {
        let payload = vec![0u8; 3000];
        let mut tracker = Tracker::new();
        let mut follow = Follow::default();
        let mut time = 1_700_000_000_000_000_000i64;
        let mut out = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            time += i64::from(s.dt) * 1000;
            let observed = tracker.observe_endpoints(i as u64, time, 60, &endpoints(s));
            if let (0, Some(a)) = (observed.stream, &observed.tcp) {
                follow.packet(a, i as u64, &payload[..usize::from(s.len)], |_| {});
            }
            tracker.take_retired();
            assert!(tracker.open_conversations() <= MAX_OPEN);
            assert!(tracker.most_unacked() <= MAX_UNACKED_SEGMENTS);
            assert!(follow.pending() <= 2 * MAX_PENDING);
            out.push(observed.tcp);
        }
        tracker.finish();
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn no_sequence_of_segments_breaks_the_analysis(steps in proptest::collection::vec(step(), 1..300)) {
            let first = run(&steps);
            prop_assert_eq!(&first, &run(&steps), "the analysis depends only on the packets");
            for a in first.into_iter().flatten() {
                let next = a.next_seq().expect("lengths are known");
                let extra = u32::from(a.flags & (SYN | FIN) != 0);
                prop_assert_eq!(next, a.seq.wrapping_add(a.len.unwrap()).wrapping_add(extra));
            }
        }
    }
}
