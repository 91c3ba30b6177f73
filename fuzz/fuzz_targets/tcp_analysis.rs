//! Any sequence of TCP segments (any flags, numbers, lengths, windows and scale
//! options, over four connections, time going back now and then) through the
//! conversation tracker, Wireshark's TCP analysis and the follow reassembly: nothing
//! panics, and what they hold stays within their stated bounds.
#![no_main]

use std::net::{IpAddr, Ipv4Addr};

use labnet::conversations::follow::{Follow, MAX_PENDING};
use labnet::conversations::tcp::MAX_UNACKED_SEGMENTS;
use labnet::conversations::{Tracker, MAX_OPEN};
use labnet::dissect::endpoints::{Endpoints, Options, Segment, Transport};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let payload = vec![0u8; 65536];
    let mut tracker = Tracker::new();
    let mut follow = Follow::default();
    let mut time = 1_700_000_000_000_000_000i64;
    // Each segment is 16 bytes: which connection and direction, flags, sequence and
    // acknowledgment offsets, length, window, a scale option, and a time step.
    for (i, b) in data.chunks_exact(16).enumerate() {
        let word = |at: usize| u16::from_le_bytes([b[at], b[at + 1]]);
        let from_server = b[0] & 1 != 0;
        let connection = b[0] >> 1 & 3;
        let len = u32::from(word(7));
        let (own, other) = if from_server {
            (u32::MAX - 5000, 1000)
        } else {
            (1000, u32::MAX - 5000)
        };
        let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
        let server = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1 + (connection >> 1)));
        let port = 40_000 + u16::from(connection & 1);
        let endpoints = Endpoints {
            src: if from_server { server } else { client },
            dst: if from_server { client } else { server },
            transport: Transport::Tcp(Segment {
                sport: if from_server { 80 } else { port },
                dport: if from_server { port } else { 80 },
                seq: own.wrapping_add(u32::from(word(3))),
                ack: other.wrapping_add(u32::from(word(5))),
                flags: word(1) & 0x1ff,
                window: word(9),
                len: (b[0] & 0x80 == 0).then_some(len),
                payload: 0..len as usize,
                options: Options {
                    window_scale: (b[11] & 0x80 != 0).then_some(b[11] & 0x1f),
                    ..Options::default()
                },
            }),
            quoted: None,
        };
        time += i64::from(i16::from_le_bytes([b[12], b[13]])) * 1000;
        let observed = tracker.observe_endpoints(i as u64, time, 60 + len, &endpoints);
        if let (0, Some(analysis)) = (observed.stream, &observed.tcp) {
            follow.packet(analysis, i as u64, &payload[..len as usize], |_| {});
        }
        tracker.take_retired();
        assert!(tracker.open_conversations() <= MAX_OPEN);
        assert!(tracker.most_unacked() <= MAX_UNACKED_SEGMENTS);
        assert!(follow.pending() <= 2 * MAX_PENDING);
    }
    tracker.finish();
});
