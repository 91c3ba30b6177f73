//! labnet's JSON of a packet: one document per packet, on one line, holding its place
//! in the capture, Scapy's summary and every layer with its TCP/IP layer, byte range
//! and fields (each with its byte range, bit range, value and Scapy's text for it).

use std::io::{self, Write};

use serde::Serialize;

use super::{class_name, summary, Ports};
use crate::dissect::{Dissection, Field};
use crate::pcap::Record;

#[derive(Serialize)]
struct Packet {
    index: u64,
    /// Seconds since the epoch, to the nanosecond.
    time: String,
    link_type: u32,
    captured_length: usize,
    original_length: u32,
    summary: String,
    layers: Vec<Layer>,
}

#[derive(Serialize)]
struct Layer {
    /// Scapy's class (`IP`), as in the summary.
    class: &'static str,
    /// Scapy's layer name (`IP in ICMP`), as in `show()`.
    name: &'static str,
    tcpip: crate::dissect::TcpIpLayer,
    offset: usize,
    length: usize,
    fields: Vec<Field>,
}

/// Writes the packet's JSON document and a newline.
pub fn json(
    out: &mut impl Write,
    record: &Record,
    dissection: &Dissection,
    ports: Ports,
) -> io::Result<()> {
    let data = record.data;
    let packet = Packet {
        index: record.index,
        time: format!("{}.{:09}", record.seconds, record.nanoseconds),
        link_type: record.link_type,
        captured_length: data.len(),
        original_length: record.original_length,
        summary: summary(dissection, data, ports),
        layers: dissection
            .layers
            .iter()
            .map(|layer| Layer {
                class: class_name(layer),
                name: layer.name(),
                tcpip: layer.tcpip(),
                offset: layer.range.start,
                length: layer.range.len(),
                fields: layer.fields(data),
            })
            .collect(),
    };
    serde_json::to_writer(&mut *out, &packet)?;
    out.write_all(b"\n")
}
