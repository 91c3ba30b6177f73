//! Any bytes as a frame of each link type: the dissection never panics, and its layers
//! never claim bytes the frame does not have.
#![no_main]

use labnet::dissect::dissect;
use labnet::pcap::linktype;
use labnet::present::{summary, Ports};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for link in [
        linktype::ETHERNET,
        linktype::RAW,
        linktype::LINUX_SLL,
        linktype::LINUX_SLL2,
        linktype::NULL,
    ] {
        let dissection = dissect(link, data);
        for layer in &dissection.layers {
            assert!(
                layer.range.start <= layer.range.end && layer.range.end <= data.len(),
                "{layer:?}"
            );
        }
        let _ = summary(&dissection, Ports::Named);
    }
});
