//! Any bytes as a frame of each link type: the dissection never panics, its layers
//! never claim bytes the frame does not have, every field lies within its layer, the
//! conversation tracker files it (any TCP segment's payload lies in the frame), and
//! every printer (summary, show, JSON, with the analysis) runs to the end. (The
//! diagram: `draw_frame`.)
#![no_main]

use labnet::conversations::Tracker;
use labnet::dissect::{dissect, Field, Value};
use labnet::linktype;
use labnet::pcap::Record;
use labnet::present::habits::{self, Bytes, Habits, TimeColumn};
use labnet::present::{json, show, summary, Format, Ports, Style};
use libfuzzer_sys::fuzz_target;

fn check_fields(fields: &[Field], within: &std::ops::Range<usize>) {
    for field in fields {
        assert!(
            field.range.start >= within.start && field.range.end <= within.end,
            "{field:?} outside {within:?}"
        );
        if let Value::Packets(groups) = &field.value {
            for group in groups {
                check_fields(&group.fields, within);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    for link in [
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
    ] {
        let dissection = dissect(link, data);
        for layer in &dissection.layers {
            assert!(
                layer.range.start <= layer.range.end && layer.range.end <= data.len(),
                "{layer:?}"
            );
            check_fields(&layer.fields(data), &layer.range);
        }
        let _ = summary(&dissection, data, Ports::Named);
        let _ = show(&mut std::io::sink(), &dissection, data, true);
        let record = Record {
            index: 0,
            link_type: link,
            seconds: 0,
            nanoseconds: 0,
            original_length: data.len() as u32,
            data,
            options: Default::default(),
        };
        let style = Style {
            format: Format::Json,
            numbered: false,
            ports: Ports::Numeric,
            verify_checksums: true,
            absolute: false,
            habits: Habits {
                time: TimeColumn::SincePrevious,
                link_header: true,
                bytes: Bytes::from_flags(0, 2, 0),
                verbose: true,
                quick: false,
            },
        };
        // tcpdump's habits read the dissection too: the link header and each bytes form.
        let mut line = String::new();
        habits::write_link_header(&mut line, &dissection, data, data.len() as u32);
        habits::write_ip_details(&mut line, &dissection, data);
        habits::write_tcp_checksum(&mut line, &dissection, data);
        for (x, big_x, a) in [(1, 0, 0), (0, 1, 0), (0, 0, 2)] {
            let bytes = Bytes::from_flags(x, big_x, a).expect("a form");
            habits::write_bytes(&mut line, bytes, &dissection, data);
        }
        let observed = Tracker::new().observe(0, 0, data.len() as u32, &dissection, data);
        if let Some(tcp) = observed.as_ref().and_then(|o| o.tcp.as_ref()) {
            assert!(tcp.payload.end <= data.len(), "{tcp:?}");
        }
        let _ = json(
            &mut std::io::sink(),
            &record,
            &dissection,
            &style,
            observed.as_ref(),
            None,
        );
    }
});
