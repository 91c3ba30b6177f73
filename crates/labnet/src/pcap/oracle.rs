//! Test support: pcap-parser, an independent reader, as the oracle for labnet's reader
//! and writer (so the writer is not only checked with labnet's own reader).

use super::CaptureReader;

/// One record as an independent reader (pcap-parser) sees it: link type, seconds,
/// nanoseconds, original length, data.
pub type Seen = (i32, u32, u64, u32, Vec<u8>);

/// Every record of `bytes` as pcap-parser reads it.
pub fn read_by_pcap_parser(bytes: &[u8]) -> Vec<Seen> {
    use pcap_parser::pcapng::Block;
    use pcap_parser::{PcapBlockOwned, PcapError};
    let mut reader = pcap_parser::create_reader(1 << 20, bytes).expect("a capture file");
    let mut seen = Vec::new();
    let (mut link_type, mut nanoseconds_file) = (0, false);
    // pcapng: each interface's link type and timestamp unit, by interface id.
    let mut interfaces: Vec<(i32, u64)> = Vec::new();
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::LegacyHeader(header) => {
                        link_type = header.network.0;
                        nanoseconds_file = header.is_nanosecond_precision();
                    }
                    PcapBlockOwned::Legacy(record) => {
                        let fraction =
                            u64::from(record.ts_usec) * if nanoseconds_file { 1 } else { 1_000 };
                        seen.push((
                            link_type,
                            record.ts_sec,
                            fraction,
                            record.origlen,
                            record.data.to_vec(),
                        ));
                    }
                    PcapBlockOwned::NG(Block::InterfaceDescription(interface)) => {
                        let per_second = interface.ts_resolution().expect("a resolution");
                        interfaces.push((interface.linktype.0, 1_000_000_000 / per_second));
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(packet)) => {
                        let (link_type, nanos_per_unit) = interfaces[packet.if_id as usize];
                        let units = (u64::from(packet.ts_high) << 32) | u64::from(packet.ts_low);
                        let nanos = units * nanos_per_unit;
                        seen.push((
                            link_type,
                            (nanos / 1_000_000_000) as u32,
                            nanos % 1_000_000_000,
                            packet.origlen,
                            packet.data[..packet.caplen as usize].to_vec(),
                        ));
                    }
                    // A new section numbers its interfaces afresh.
                    PcapBlockOwned::NG(Block::SectionHeader(_)) => interfaces.clear(),
                    PcapBlockOwned::NG(_) => {}
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => reader.refill().expect("refill"),
            Err(error) => panic!("pcap-parser refuses the file: {error:?}"),
        }
    }
    seen
}

/// Each enhanced packet block's options (code, value; `opt_endofopt` left out), as
/// pcap-parser reads them.
pub fn epb_options_by_pcap_parser(bytes: &[u8]) -> Vec<Vec<(u16, Vec<u8>)>> {
    use pcap_parser::pcapng::Block;
    use pcap_parser::{PcapBlockOwned, PcapError};
    let mut reader = pcap_parser::create_reader(1 << 20, bytes).expect("a capture file");
    let mut seen = Vec::new();
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                if let PcapBlockOwned::NG(Block::EnhancedPacket(packet)) = block {
                    seen.push(
                        packet
                            .options
                            .iter()
                            .filter(|o| o.code.0 != 0)
                            .map(|o| (o.code.0, o.value()[..usize::from(o.len)].to_vec()))
                            .collect(),
                    );
                }
                reader.consume(offset);
            }
            Err(PcapError::Eof) => break,
            Err(PcapError::Incomplete(_)) => reader.refill().expect("refill"),
            Err(error) => panic!("pcap-parser refuses the file: {error:?}"),
        }
    }
    seen
}

/// Every record of `bytes` as labnet's reader reads it.
pub fn read_by_labnet(bytes: &[u8]) -> Vec<Seen> {
    let mut reader = CaptureReader::new(bytes, "test").unwrap();
    let mut seen = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        seen.push((
            record.link_type as i32,
            record.seconds,
            record.nanoseconds,
            record.original_length,
            record.data.to_vec(),
        ));
    }
    seen
}
