//! Any bytes as a capture file: reading every record (its pcapng options and the
//! process they name too), dissecting and printing it must never panic, and never
//! allocate beyond the reader's bounds; nor may reading the packet's flow fast.
#![no_main]

use labnet::dissect::dissect;
use labnet::dissect::flow::flow;
use labnet::process::Attribution;
use labnet::pcap::CaptureReader;
use labnet::present::{hexdump, show, summary, Ports};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = CaptureReader::new(data, "fuzz") else {
        return;
    };
    while let Ok(Some(record)) = reader.next_record() {
        let dissection = dissect(record.link_type, record.data);
        let _ = summary(&dissection, record.data, Ports::Numeric);
        let _ = show(&mut std::io::sink(), &dissection, record.data, true);
        let _ = hexdump(&mut std::io::sink(), record.data);
        let attribution =
            Attribution::from_pcapng(record.options.comments(), record.options.process_thread());
        let _ = attribution.tag();
        if let Some(packet) = flow(record.link_type, record.data) {
            assert!(packet.flow.protocol == 6 || packet.flow.protocol == 17);
        }
    }
});
