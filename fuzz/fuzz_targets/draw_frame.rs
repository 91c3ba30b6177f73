//! Any bytes as a frame (the first byte picks the link type): the layer diagram lays
//! out and renders as SVG and PDF without panicking, and the SVG is whole.
#![no_main]

use labnet::linktype;
use labnet::pcap::Record;
use labnet::present::diagram::{render, Format};
use labnet::present::Packet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let Some((&pick, data)) = input.split_first() else {
        return;
    };
    let links = [
        linktype::ETHERNET,
        linktype::RAW,
        linktype::LINUX_SLL,
        linktype::LINUX_SLL2,
        linktype::NULL,
        linktype::LOOP,
        linktype::PPP,
        linktype::PPP_HDLC,
        linktype::PPP_ETHER,
        linktype::PPP_WITH_DIR,
        linktype::IEEE802_11,
        linktype::IEEE802_11_RADIOTAP,
        linktype::IEEE802_11_PRISM,
        linktype::PPI,
    ];
    let record = Record {
        index: 0,
        link_type: links[usize::from(pick) % links.len()],
        seconds: 0,
        nanoseconds: 0,
        original_length: data.len() as u32,
        data,
        options: Default::default(),
    };
    let packet = Packet::new(&record);
    let svg = render(&packet, usize::from(pick >> 4) % 4, Format::Svg);
    assert!(svg.ends_with(b"</svg>\n"));
    let pdf = render(&packet, 1, Format::Pdf);
    assert!(pdf.starts_with(b"%PDF-"));
});
