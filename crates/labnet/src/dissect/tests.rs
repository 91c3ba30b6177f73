//! The dissection's invariants on real frames (taken from lab captures, each noted
//! with the exchange it comes from) and on every truncation of them.

use super::*;
use crate::linktype::{ETHERNET, LINUX_SLL2, NULL};

fn bytes(hex: &str) -> Vec<u8> {
    let hex: String = hex.split_whitespace().collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// Every leaf field of `fields` (sub-packets opened), with its byte range and bits.
/// The values of the leaf fields named `name`, in order, as text.
fn leaf_values(fields: &[Field], name: &str) -> Vec<String> {
    leaves(fields)
        .into_iter()
        .filter(|f| f.name == name)
        .map(|f| f.value.to_string())
        .collect()
}

pub(crate) fn leaves(fields: &[Field]) -> Vec<&Field> {
    let mut out = Vec::new();
    for field in fields {
        match &field.value {
            Value::Packets(groups) => {
                for group in groups {
                    out.extend(leaves(&group.fields));
                }
            }
            _ => out.push(field),
        }
    }
    out
}

/// Scapy's class name of each layer, outermost first.
fn classes(dissection: &Dissection) -> Vec<&'static str> {
    dissection.layers.iter().map(Layer::class).collect()
}

/// The bytes a layer holds itself: up to where the next layer starts inside it.
fn own_bytes(dissection: &Dissection, index: usize) -> Range<usize> {
    let layer = &dissection.layers[index];
    let end = dissection.layers[index + 1..]
        .iter()
        .map(|l| l.range.start)
        .find(|&start| start >= layer.range.start && start < layer.range.end)
        .unwrap_or(layer.range.end);
    layer.range.start..end
}

/// Checks what the diagram relies on: fields lie within their layer, and each byte a
/// layer holds itself belongs to exactly one field (bit fields sharing bytes count as
/// one), in a frame and in every truncation of it.
fn assert_fields_tile_their_layers(link_type: u32, frame: &[u8]) {
    for cut in (0..=frame.len()).rev() {
        let data = &frame[..cut];
        let dissection = dissect(link_type, data);
        for (i, layer) in dissection.layers.iter().enumerate() {
            assert!(layer.range.end <= data.len(), "{layer:?} past the data");
            let fields = layer.fields(data);
            let own = own_bytes(&dissection, i);
            let mut owner = vec![None; own.len()];
            for (n, field) in leaves(&fields).into_iter().enumerate() {
                assert!(
                    field.range.start >= layer.range.start && field.range.end <= layer.range.end,
                    "cut {cut}: field {field:?} outside {layer:?}"
                );
                // A trailer (Dot11FCS's frame check sequence) lies past the layers
                // inside its layer.
                for byte in field.range.clone().filter(|&byte| byte < own.end) {
                    let slot = &mut owner[byte - own.start];
                    match slot {
                        // Bit fields of the same bytes share them.
                        Some((_, Some(_))) if field.bits.is_some() => {}
                        Some(_) => panic!("cut {cut}: byte {byte} in two fields of {layer:?}"),
                        None => *slot = Some((n, field.bits.clone())),
                    }
                }
            }
            if let Some(missing) = owner.iter().position(Option::is_none) {
                panic!(
                    "cut {cut}: byte {} of {:?} is in no field: {fields:#?}",
                    own.start + missing,
                    layer.kind
                );
            }
        }
    }
}

/// midwood's SYN to brooklyn's hello-server (lab capture on brooklyn's eth0, the
/// handout's Experiment 3 exchange).
const SYN: &str = "080027a83865080027a8386608004500003c879640004006c109c0a83866c0a8386593ce138888cd4f2c00000000a002
    faf0f24a0000020405b40402080a2c46979b000000000103030a";

/// The HTTP request of the same connection (hello-client's GET /).
const GET: &str = "080027a83865080027a83866080045000088879840004006c0bbc0a83866c0a8386593ce138888cd4f2d56178b128018
    003ff29600000101080a2c46979c0730731f474554202f20485454502f312e310d0a686f73743a203139322e3136382e
    35362e3130313a353030300d0a757365722d6167656e743a206c61626e65742d68656c6c6f2d636c69656e742f302e31
    2e300d0a0d0a";

/// brooklyn's ICMPv6 port unreachable for midwood's UDP knock on port 9999.
const PORT_UNREACHABLE6: &str = "080027a83866080027a8386586dd600fcbab003d3a40fd000056000000000000000000000101fd000056000000000000
    0000000001020104dabd000000006009c51b000d1140fd000056000000000000000000000102fd000056000000000000
    0000000001018a35270f000dfcce6b6e6f636b";

/// midwood's DNS question for mail.lab. (MX) to the lab test's responder.
const DNS_QUESTION: &str = "080027a83865080027a83866080045000036ff4a400040114950c0a83866c0a83865c44900350022f24f010401000001
    000000000000046d61696c036c616200000f0001";

/// The responder's NXDOMAIN for nope.lab., with the zone's SOA (compressed names).
const DNS_NXDOMAIN: &str = "080027a83866080027a83865080045000072cd5c400040117b02c0a83865c0a838660035c449005ef28b010685830001
    000000010000046e6f7065036c61620000010001036c6162000006000100000000002d0862726f6f6b6c796e036c6162
    000561646d696e036c6162000000000100000000000000000000000000000000";

/// brooklyn's ARP reply to midwood.
const ARP_REPLY: &str =
    "080027a83866080027a8386508060001080006040002080027a83865c0a83865080027a83866c0a83866";

#[test]
fn fields_tile_every_layer_of_lab_frames() {
    for frame in [
        SYN,
        GET,
        ARP_REPLY,
        PORT_UNREACHABLE6,
        DNS_QUESTION,
        DNS_NXDOMAIN,
    ] {
        assert_fields_tile_their_layers(ETHERNET, &bytes(frame));
    }
}

/// Tunnels and multicast control frames built by Scapy 2.8.0 (tests/protocols.rs
/// compares them, and every cut of them, with Scapy's own reading).
const TUNNELS_AND_MULTICAST: [&str; 9] = [
    // NTP in symmetric active mode with an authenticator (key 7, a 16-byte digest).
    "080027a83865080027a838660800450000600001000040118870c0a83866c0a83865007b007b004ce739e1100a0000018000fffffd7000000000000000000000000000000000000000000000000000000000e8fe9b400000000000000007000102030405060708090a0b0c0d0e0f",
    // VRRP advertising two addresses.
    "01005e000012080027a8386608004500002c00010000ff70e23fc0a83866e00000122105c802000125a2c0a83801c0a838020000000000000000",
    // VRRPv3 over IPv6.
    "01005e000012080027a8386686dd60000000001870fffd000056000000000000000000000002ff0200000000000000000000000000123107640100647045fd000056000000000000000000000001",
    // GRE with checksum, key and sequence number, carrying IPv6 and UDP.
    "01005e000012080027a8386608004500005400010000402f885ec0a83866c0a83865b00086dd57e8000000000007000000036000000000081140fd000001000000000000000000000001fd00000100000000000000000000000203e807d00008fa1f",
    // GRE with the routing bit: a source route entry follows.
    "01005e000012080027a8386608004500002000010000402f8892c0a83866c0a83865400000000000000000000000",
    // VXLAN (GPE) carrying Ethernet, IPv4 and ICMP.
    "01005e000012080027a8386608004500004e0001000040118882c0a83866c0a838659c4012b5003a1c620c00000300002a0002000000000202000000000108004500001c00010000400166de0a0000010a0000020800f7ff00000000",
    // VXLAN with the group policy flag.
    "01005e000012080027a83866080045000035000100004011889bc0a83866c0a838659c4021180021074f8800004d123456000200000000020200000000019000616263",
    // An IGMPv3 report with two group records.
    "01005e000012080027a83866080046c000340001000001024adec0a83866e000001694040000220002f80000000204000001e00000fb0102030402000000ef010101",
    // An IGMPv3 query with two sources.
    "01005e000012080027a83866080046c0002c0001000001024afbc0a83866e0000001940400001189f2e7e00000fb0a7d00020102030405060708",
];

/// A DHCP offer built by Scapy 2.8.0 (brooklyn offering midwood 192.168.56.102).
const DHCP_OFFER: &str = "080027a83866080027a838650800450001490001000040118787c0a83865c0a838660043004401356071020106001234
    abcd0000000000000000c0a83866c0a8386500000000080027a838660000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
    0000000000000000000000000000000000000000000000000000000000000000000000000000638253633501023604c0
    a838653304000002583a040000012c3b040000020d0104ffffff000304c0a838010608c0a83801c0a838650f036c6162
    1c04c0a838ffff";

#[test]
fn a_dhcp_offer_lists_its_options_as_scapy_does() {
    let frame = bytes(DHCP_OFFER);
    assert_fields_tile_their_layers(ETHERNET, &frame);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IP", "UDP", "BOOTP", "DHCP"]
    );
    let dhcp = dissection.layers.last().unwrap();
    assert_eq!(
        dhcp.kind,
        Kind::Dhcp {
            message_type: Some(2)
        }
    );
    let options = dhcp.fields(&frame);
    assert_eq!(
        options[0].value.to_string(),
        "[message-type=offer server_id=192.168.56.101 lease_time=600 renewal_time=300 \
         rebinding_time=525 subnet_mask=255.255.255.0 router=192.168.56.1 \
         name_server=192.168.56.1,192.168.56.101 domain=b'lab' broadcast_address=192.168.56.255 end]"
    );
}

#[test]
fn fields_tile_every_layer_of_tunnels_and_multicast_control() {
    for frame in TUNNELS_AND_MULTICAST {
        assert_fields_tile_their_layers(ETHERNET, &bytes(frame));
    }
    let classes = |hex: &str| classes(&dissect(ETHERNET, &bytes(hex)));
    assert_eq!(
        classes(TUNNELS_AND_MULTICAST[0]),
        ["Ether", "IP", "UDP", "NTPHeader", "NTPAuthenticator"]
    );
    assert_eq!(
        classes(TUNNELS_AND_MULTICAST[5]),
        ["Ether", "IP", "UDP", "VXLAN", "Ether", "IP", "ICMP"]
    );
    assert_eq!(
        classes(TUNNELS_AND_MULTICAST[3]),
        ["Ether", "IP", "GRE", "IPv6", "UDP"]
    );
    assert_eq!(
        classes(TUNNELS_AND_MULTICAST[7]),
        ["Ether", "IP", "IGMPv3_MR"]
    );
}

/// A node information query for brooklyn.lab's name (Scapy 2.8.0's ICMPv6NIQueryName).
const NODE_NAME_QUERY: &str =
    "333300000001080027a8386686dd60000000001e3a40fe8000000000000000000000000000
    01ff0200000000000000000000000000018b012496000200005ea3f6cb694500b80862726f6f6b6c796e036c616200";

#[test]
fn a_node_information_query_is_scapys_class_and_tiles_at_every_cut() {
    // Fuzzing once found a query cut inside its checksum giving its message body a
    // range past the layer's end; Scapy's class needs 7 bytes and a known query type.
    let frame = bytes(NODE_NAME_QUERY);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(classes(&dissection), ["Ether", "IPv6", "ICMPv6NIQueryName"]);
    let fields = dissection.layers[2].fields(&frame);
    let data = fields.iter().find(|f| f.name == "data").unwrap();
    assert_eq!(data.value.to_string(), "brooklyn.lab");
    assert_fields_tile_their_layers(ETHERNET, &frame);
    let short = &frame[..14 + 40 + 6];
    assert_eq!(classes(&dissect(ETHERNET, short)), ["Ether", "IPv6", "Raw"]);
}

#[test]
fn nested_tunnels_stop_opening_before_the_stack_runs_out() {
    // IP in IP in IP ... 3,000 times: each header says protocol 4.
    let mut frame = bytes("01005e000012080027a838660800");
    for _ in 0..3000 {
        frame.extend(bytes("4500ffff00010000400400000a0000010a000002"));
    }
    let dissection = dissect(ETHERNET, &frame);
    assert!(dissection.layers.len() <= 34, "{}", dissection.layers.len());
    assert!(matches!(dissection.layers.last().unwrap().kind, Kind::Raw));
}

#[test]
fn a_syn_lists_scapys_fields_with_their_bytes() {
    let frame = bytes(SYN);
    let dissection = dissect(ETHERNET, &frame);
    let tcp = &dissection.layers[2];
    assert_eq!(tcp.name(), "TCP");
    assert_eq!(tcp.tcpip(), TcpIpLayer::Transport);
    let fields = tcp.fields(&frame);
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_ref()).collect();
    assert_eq!(
        names,
        [
            "sport", "dport", "seq", "ack", "dataofs", "reserved", "flags", "window", "chksum",
            "urgptr", "options"
        ]
    );
    let flags = &fields[6];
    assert_eq!(flags.value.to_string(), "S");
    // Bytes 46..48 of the frame hold data offset, reserved bits and flags; the flags
    // are the low nine bits.
    assert_eq!(
        (flags.range.clone(), flags.bits.clone()),
        (46..48, Some(7..16))
    );
    assert_eq!(
        fields[10].value.to_string(),
        "[('MSS', 1460), ('SAckOK', b''), ('Timestamp', (742823835, 0)), ('NOP', None), ('WScale', 10)]"
    );
    let ip = dissection.layers[1].fields(&frame);
    let flags = ip.iter().find(|f| f.name == "flags").unwrap();
    assert_eq!(flags.value.to_string(), "DF");
}

#[test]
fn http_is_an_application_layer_with_scapys_header_names() {
    let frame = bytes(GET);
    let dissection = dissect(ETHERNET, &frame);
    let http = dissection.layers.last().unwrap();
    assert_eq!(http.name(), "HTTP Request");
    assert_eq!(http.tcpip(), TcpIpLayer::Application);
    let fields: Vec<(String, String)> = http
        .fields(&frame)
        .iter()
        .map(|f| (f.name.to_string(), f.value.to_string()))
        .collect();
    let expected = [
        ("Method", "GET"),
        ("Path", "/"),
        ("Http_Version", "HTTP/1.1"),
        ("Host", "192.168.56.101:5000"),
        ("User_Agent", "labnet-hello-client/0.1.0"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    assert_eq!(fields, expected);
}

#[test]
fn loopback_files_of_either_byte_order_carry_ip() {
    // The SYN's IP datagram behind a DLT_NULL header written by a little-endian and a
    // big-endian host.
    let ip = &bytes(SYN)[14..];
    for header in [[2u8, 0, 0, 0], [0, 0, 0, 2]] {
        let frame = [&header[..], ip].concat();
        let dissection = dissect(NULL, &frame);
        assert_eq!(dissection.layers[0].name(), "Loopback");
        assert_eq!(
            dissection.layers[0].fields(&frame)[0].value.to_string(),
            "IPv4"
        );
        assert!(matches!(dissection.layers[1].kind, Kind::Ipv4 { .. }));
        assert_fields_tile_their_layers(NULL, &frame);
    }
}

/// A SYN to hello-server as `tcpdump -i any` wrote it on brooklyn (SLL2 header).
const SYN_ANY: &str = "080000000000000200010006080027a8386600004500003ce3cf4000400664d0c0a83866c0a83865ca681388f25b15bd
    00000000a002faf0f24a0000020405b40402080a419c5eb5000000000103030a";

#[test]
fn cooked_headers_carry_ip_and_tile_too() {
    let frame = bytes(SYN_ANY);
    let dissection = dissect(LINUX_SLL2, &frame);
    let names: Vec<&str> = dissection.layers.iter().map(|l| l.name()).collect();
    assert_eq!(names, ["cooked linux v2", "IP", "TCP"]);
    let src = &dissection.layers[0].fields(&frame)[6];
    assert_eq!(
        (src.name.as_ref(), src.value.to_string()),
        ("src", "b\"\\x08\\x00'\\xa88f\"".to_string())
    );
    assert_fields_tile_their_layers(LINUX_SLL2, &frame);
}

#[test]
fn dns_names_follow_compression_pointers() {
    let frame = bytes(DNS_NXDOMAIN);
    let dissection = dissect(ETHERNET, &frame);
    let dns = dissection.layers.last().unwrap();
    assert_eq!(dns.name(), "DNS");
    let fields = dns.fields(&frame);
    let authority = fields.iter().find(|f| f.name == "ns").unwrap();
    let Value::Packets(records) = &authority.value else {
        panic!("ns is a list of records")
    };
    let soa: Vec<String> = records[0]
        .fields
        .iter()
        .map(|f| format!("{}={}", f.name, f.value))
        .collect();
    assert_eq!(records[0].name, "DNS SOA Resource Record");
    assert_eq!(
        soa[..7],
        [
            "rrname=b'lab.'",
            "type=SOA",
            "rclass=IN",
            "ttl=0",
            "rdlen=None",
            "mname=b'brooklyn.lab.'",
            "rname=b'admin.lab.'"
        ]
    );
}

#[test]
fn a_dns_pointer_loop_ends_the_name_where_it_closes_as_scapy_reads_it() {
    // The question for mail.lab. with its name replaced by a pointer to itself:
    // Scapy 2.8.0 reads the name as b'.', the next four bytes as type and class, and
    // the rest of the old name as Raw after the message.
    let mut frame = bytes(DNS_QUESTION);
    let name_at = 14 + 20 + 8 + 12;
    frame[name_at] = 0xc0;
    frame[name_at + 1] = 12;
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(classes(&dissection), ["Ether", "IP", "UDP", "DNS", "Raw"]);
    let dns = &dissection.layers[3];
    assert_eq!(dns.range, name_at - 12..name_at + 6);
    let fields = dns.fields(&frame);
    let qname = leaves(&fields)
        .into_iter()
        .find(|f| f.name == "qname")
        .unwrap();
    assert_eq!(qname.value.to_string(), "b'.'");
}

#[test]
fn a_zero_length_record_is_its_link_layer_by_name_with_no_bytes() {
    for (link_type, class) in [
        (ETHERNET, "Ether"),
        (LINUX_SLL2, "CookedLinuxV2"),
        (NULL, "Loopback"),
        (crate::linktype::RAW, "IP"),
        (127, "RadioTap"),
        (crate::linktype::IEEE802_11_PRISM, "PrismHeader"),
        (163, "Raw"),
    ] {
        let dissection = dissect(link_type, &[]);
        assert_eq!(dissection.layers.len(), 1, "{link_type}");
        let layer = &dissection.layers[0];
        assert_eq!((layer.class(), layer.range.clone()), (class, 0..0));
        assert!(layer.fields(&[]).is_empty());
    }
}

/// An SCTP INIT (IPv4 address, host name and address type parameters), DATA and SACK
/// in one packet, as Scapy 2.8.0 builds them.
const SCTP_CHUNKS: &str =
    "080027a83865080027a8386608004500008000010000408487ddc0a83866c0a8386513881389000012
    3439bd010f0100003000005a5a00010000000a000a0000000100050008c0a83866000b000b6d6964776f6f6400000c00
    08000500060003001500000001000000000000000068656c6c6f00000003000018000000010000006400010001000200
    0300000007";

#[test]
fn sctp_chunks_are_layers_whose_fields_tile_them() {
    let frame = bytes(SCTP_CHUNKS);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        [
            "Ether",
            "IP",
            "SCTP",
            "SCTPChunkInit",
            "SCTPChunkData",
            "SCTPChunkSACK"
        ]
    );
    // The DATA chunk's 5 bytes of user data are padded to 8: the SACK starts after.
    assert_eq!(
        dissection.layers[4].range,
        14 + 20 + 12 + 48..14 + 20 + 12 + 72
    );
    let init = dissection.layers[3].fields(&frame);
    let hostname = leaves(&init)
        .into_iter()
        .find(|f| f.name == "hostname")
        .unwrap();
    assert_eq!(hostname.value.to_string(), "b'midwood'");
    assert_eq!(hostname.range.len(), 8, "7 bytes and their padding");
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

#[test]
fn a_long_chain_of_sctp_chunks_stops_at_the_layer_limit_with_the_rest_raw() {
    // 300 COOKIE ACK chunks (4 bytes each) after an SCTP header.
    let mut frame = bytes(SCTP_CHUNKS)[..14 + 20 + 12].to_vec();
    for _ in 0..300 {
        frame.extend([11, 0, 0, 4]);
    }
    let total = u16::try_from(frame.len() - 14).unwrap();
    frame[16..18].copy_from_slice(&total.to_be_bytes());
    let dissection = dissect(ETHERNET, &frame);
    let layers = &dissection.layers;
    assert_eq!(layers.len(), 129);
    assert_eq!(layers[127].class(), "SCTPChunkCookieAck");
    assert_eq!(layers[128].class(), "Raw");
    assert_eq!(layers[128].range.end, frame.len());
}

/// midwood's broadcast NBNS query for BROOKLYN, as Scapy 2.8.0 builds it.
const NBNS_QUERY: &str =
    "ffffffffffff080027a8386608004500004e00010000401187e8c0a83866c0a838ff00890089003a7407
    123401100001000000000000204543464345504550454c454d464a454f434143414341434143414341434141410000
    200001";

#[test]
fn an_nbns_query_names_its_netbios_name_decoded_and_tiles() {
    let mut frame = bytes(NBNS_QUERY);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IP", "UDP", "NBNSHeader", "NBNSQueryRequest"]
    );
    let query = |frame: &[u8]| {
        let layer = &dissect(ETHERNET, frame).layers[4];
        let Kind::Nbns(class) = layer.kind else {
            panic!("{layer:?}")
        };
        super::nbns::summary(frame, layer.range.clone(), class).unwrap()
    };
    assert_eq!(query(&frame), r"NBNSQueryRequest who has '\\BROOKLYN'");
    assert_fields_tile_their_layers(ETHERNET, &frame);
    // Scapy decodes any pair of characters, 'Z' as 9 (its `(c - 1) & 15`), and shows
    // what is not UTF-8 as `\xNN`.
    let name = 14 + 20 + 8 + 12 + 1;
    frame[name..name + 30].fill(b'Z');
    let line = query(&frame);
    assert!(
        line.ends_with(&format!(r"who has '\\{}'", r"\x99".repeat(15))),
        "{line}"
    );
}

/// An IKE main-mode SA (a proposal of one transform: AES-CBC 256, SHA, group 14, PSK,
/// a day) and the DPD vendor ID, as Scapy 2.8.0 builds them.
const IKE_SA: &str = "080027a83865080027a838660800450000870001000040118849c0a83866c0a8386501f401f4007336f3010101010101
    0101000000000000000001100200000000000000006b0d00003b00000001000000010000002f01010001000000270101
    000080010007800e0100800200028004000e80030001800b0001000c000301518000000014afcad71368a1f1c96b8696
    fc77570100";

#[test]
fn an_ike_sa_names_its_transforms_by_the_proposals_protocol_and_tiles() {
    let frame = bytes(IKE_SA);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        [
            "Ether",
            "IP",
            "UDP",
            "ISAKMP",
            "ISAKMP_payload_SA",
            "ISAKMP_payload_VendorID"
        ]
    );
    // Scapy lists the payloads after the first at its indentation.
    assert!(dissection.layers[3].indents_payload());
    assert!(!dissection.layers[4].indents_payload());
    let sa = dissection.layers[4].fields(&frame);
    let transforms = leaves(&sa)
        .into_iter()
        .find(|f| f.name == "transforms")
        .unwrap();
    assert!(
        transforms
            .value
            .to_string()
            .starts_with("[('Encryption', 'AES-CBC'), ('KeyLength', 256), ('Hash', 'SHA')"),
        "{transforms:?}"
    );
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

/// An LCP Configure-Request (MRU, magic number, CHAP with MD5, protocol field
/// compression, ACCM, quality protocol, callback, PAP, an unknown option) in a PPPoE
/// session, as Scapy 2.8.0 builds it.
const PPPOE_LCP: &str = "080027a83865080027a838668864110012340030c0210101002e010405d40506123456780305c2230507020206000000
    000405c025780d06013535350304c02363047a7a";

#[test]
fn a_pppoe_lcp_request_lists_its_options_and_tiles() {
    let frame = bytes(PPPOE_LCP);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        ["Ether", "PPPoE", "PPP", "PPP_LCP_Configure"]
    );
    let lcp = dissection.layers[3].fields(&frame);
    let leaf = |name: &str| {
        leaves(&lcp)
            .into_iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} in {lcp:#?}"))
            .value
            .to_string()
    };
    assert_eq!(leaf("max_recv_unit"), "1492");
    assert_eq!(leaf("algorithm"), "MD5");
    assert_eq!(leaf("message"), "b'555'");
    assert_fields_tile_their_layers(ETHERNET, &frame);
    // The same PPP frame without its Ethernet and PPPoE headers, as LINKTYPE_PPP.
    let ppp = dissect(crate::linktype::PPP, &frame[20..]);
    assert_eq!(classes(&ppp), ["PPP", "PPP_LCP_Configure"]);
    assert_fields_tile_their_layers(crate::linktype::PPP, &frame[20..]);
}

/// A router advertisement with route information, DNS search list and captive portal
/// options, as Scapy 2.8.0 builds them: each option a layer whose fields tile it.
#[test]
fn newer_nd_options_are_layers_whose_fields_tile_them() {
    let frame = bytes(
        "333300000001080027a8386586dd6000000000583afffe800000000000000000000000000001ff0200000000000000
         0000000000000186008ba900000708000000000000000018034018fffffffffd0000990000000000000000000000
         001f04000000000258036c616200076578616d706c65036f7267000000000000002502687474703a2f2f702f0000
         000000",
    );
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection)[2..],
        [
            "ICMPv6ND_RA",
            "ICMPv6NDOptRouteInfo",
            "ICMPv6NDOptDNSSL",
            "ICMPv6NDOptCaptivePortal"
        ]
    );
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

#[test]
fn a_segment_routing_header_lists_segments_and_tlvs_and_tiles() {
    // One segment, an ingress node TLV and PadN, then UDP: Scapy 2.8.0's bytes.
    let frame = bytes(
        "080027a83865080027a8386686dd60000000003a2b40fd000056000000000000000000000102fd000056000000000000
         0000000001011105040000000000fd00000000000000000000000000000101120000fd00000000000000000000000000
         00090402000003e807d0000a905e6869",
    );
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IPv6", "IPv6ExtHdrSegmentRouting", "UDP", "Raw"]
    );
    let srh = dissection.layers[2].fields(&frame);
    let node = leaves(&srh)
        .into_iter()
        .find(|f| f.name == "ingress_node")
        .unwrap();
    assert_eq!(node.value.to_string(), "fd00::9");
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

#[test]
fn udp_keeps_len_minus_8_bytes_and_the_rest_is_padding() {
    // UDP says 10 bytes (2 of payload) in a datagram of 13: Scapy's Raw, then Padding.
    let frame = bytes(
        "080027a83865080027a8386608004500002100010000401188afc0a83866c0a8386503e807d0000abe3068656c6c6f",
    );
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IP", "UDP", "Raw", "Padding"]
    );
    assert_eq!(dissection.layers[3].range.len(), 2);
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

#[test]
fn ntp_extension_fields_and_their_authenticator_tile() {
    // An NTPv4 client request with two extension fields (20 and 16 bytes) and a key id
    // with an MD5 digest: Scapy 2.8.0's bytes.
    let frame = bytes(
        "080027a83865080027a83866080045000084000100004011884cc0a83866c0a83865007b007b00708d7223020a000000
         0000000000007f000001000000000000000000000000000000000000000000000000e8fe9b4040000000010400140000
         00000000000000000000000000000204001078787878787878787878787800000007000102030405060708090a0b0c0d
         0e0f",
    );
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IP", "UDP", "NTPHeader", "NTPExtensions"]
    );
    let fields = dissection.layers[4].fields(&frame);
    let types: Vec<String> = leaf_values(&fields, "type");
    assert_eq!(types, ["260", "516"]);
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

#[test]
fn ntp_control_and_private_messages_are_read_in_their_classes_and_tile() {
    // ntpq's read-status response: the system status, then three associations.
    let control = bytes(
        "080027a83865080027a83866080045000034000100004011889cc0a83866c0a83865007b007b002058cc
         16810001000000000000000cf39a9614f4ab9624f4ac9414",
    );
    let dissection = dissect(ETHERNET, &control);
    assert_eq!(classes(&dissection), ["Ether", "IP", "UDP", "NTPControl"]);
    let fields = dissection.layers[3].fields(&control);
    let ids: Vec<String> = leaf_values(&fields, "association_id");
    assert_eq!(ids, ["0", "62362", "62635", "62636"]);
    assert_fields_tile_their_layers(ETHERNET, &control);
    // ntpdc's monlist response: two monitor entries of 72 bytes, then 4 bytes more.
    let private = bytes(
        "080027a83865080027a838660800450000b80001000040118818c0a83866c0a83865007b007b00a466f3
         d700032a000200480000000500000064000000000000002ac0a83866c0a8386500000000007b03040000
         000000000000000000000000000000000000000000000000000000000000000000000000000000000005
         00000064000000000000002ac0a83866c0a8386500000000007b03040000000000000000000000000000
         00000000000000000000000000000000000000000000000000007461696c",
    );
    let dissection = dissect(ETHERNET, &private);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IP", "UDP", "NTPPrivate", "Raw"]
    );
    assert_eq!(dissection.layers[3].range.len(), 8 + 2 * 72);
    let fields = dissection.layers[3].fields(&private);
    let addresses: Vec<String> = leaf_values(&fields, "addr");
    assert_eq!(addresses, ["192.168.56.102", "192.168.56.102"]);
    assert_fields_tile_their_layers(ETHERNET, &private);
}

#[test]
fn netbios_carries_smb_headers_in_their_classes_and_they_tile() {
    // A server's SMB 2 error (asynchronous, STATUS_OBJECT_NAME_NOT_FOUND) with 3 bytes
    // of error data, then 4 bytes more, over the NetBIOS session service on port 445.
    let session = bytes(
        "080027a83865080027a8386608004500007b0001000040068860c0a83866c0a8386501bd9c4000000000
         000000005018200005da00000000004ffe534d4240000000340000c00a00010003000000000000000000
         0000000000004d0000000000000000000000000000000000000000000000000000000000000009000000
         030000000102037461696c",
    );
    let dissection = dissect(ETHERNET, &session);
    assert_eq!(
        classes(&dissection),
        [
            "Ether",
            "IP",
            "TCP",
            "NBTSession",
            "SMB2_Header",
            "SMB2_Error_Response",
            "Raw"
        ]
    );
    let header = dissection.layers[4].fields(&session);
    assert_eq!(
        leaf_values(&header, "Status"),
        ["STATUS_OBJECT_NAME_NOT_FOUND"]
    );
    assert_eq!(leaf_values(&header, "AsyncId"), ["77"]);
    assert!(leaf_values(&header, "PID").is_empty());
    assert_fields_tile_their_layers(ETHERNET, &session);
    // A datagram service message from the name A to the name B with an SMB 1 echo.
    let datagram = bytes(
        "080027a83865080027a8386608004500008f00010000401187a7c0a83866c0a838ff008a9c40007bfc6d
         100200007f000001008a0065000020454243414341434143414341434143414341434143414341434143
         41434141410020454343414341434143414341434143414341434143414341434143414341414100ff53
         4d422b00000000180000000000000000000000000000000000000000000000",
    );
    let dissection = dissect(ETHERNET, &datagram);
    assert_eq!(
        classes(&dissection),
        ["Ether", "IP", "UDP", "NBTDatagram", "SMB_Header", "Raw"]
    );
    assert_fields_tile_their_layers(ETHERNET, &datagram);
}

#[test]
fn an_mka_pdu_lists_its_parameter_sets_and_tiles() {
    // Scapy 2.8.0's MKPDU: the basic parameter set (a 5-byte CAK name padded to 8), a
    // live peer list of two tuples (the second in the first's Raw payload) and an ICV.
    let frame = bytes(
        "0180c2000003080027a83866888e030500600110e021080027a838660001000102030405060708090a0b
         000000070080c2010102030405000000010000200102030405060708090a0b0c00000001010203040506
         0708090a0b0c00000002ff000010000102030405060708090a0b0c0d0e0f",
    );
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(classes(&dissection), ["Ether", "EAPOL", "MKAPDU"]);
    let fields = dissection.layers[2].fields(&frame);
    let names: Vec<&str> = fields.iter().map(|f| &*f.name).collect();
    assert_eq!(names, ["basic_param_set", "parameter_sets"]);
    let Value::Packets(sets) = &fields[1].value else {
        panic!("{fields:?}")
    };
    let sets: Vec<&str> = sets.iter().map(|g| &*g.name).collect();
    assert_eq!(sets, ["Live Peer List Parameter Set", "ICV"]);
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

/// A NetFlow v9 export (Scapy 2.8.0's header): a template flowset of two templates
/// (one field with an enterprise number), an options template and a data flowset.
const NETFLOW_V9: &str = "080027a83865080027a8386608004500009c0001000040118834c0a83866c0a83865
    270b9c4000885823000900030001e2406553f1000000000700000001000000380100000700080004000c
    000400070002000b000200040001000100040002000401010003001b0010001c0010812c000200000009
    0001001801020004000800010004002800048029000800090100001cc0a83866c0a838659c4013880600
    0001000000000a000000";

#[test]
fn netflow_flowsets_are_layers_with_their_templates_as_sub_packets() {
    let frame = bytes(NETFLOW_V9);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(
        classes(&dissection),
        [
            "Ether",
            "IP",
            "UDP",
            "NetflowHeader",
            "NetflowHeaderV9",
            "NetflowFlowsetV9",
            "NetflowOptionsFlowsetV9",
            "NetflowDataflowsetV9"
        ]
    );
    let flowset = dissection.layers[5].fields(&frame);
    let templates = leaves(&flowset);
    let types = leaf_values(&flowset, "fieldType");
    assert_eq!(types[..2], ["IPV4_SRC_ADDR", "IPV4_DST_ADDR"]);
    let enterprise = templates.iter().find(|f| f.name == "enterpriseNumber");
    assert_eq!(enterprise.unwrap().value.to_string(), "9");
    let header = dissection.layers[4].fields(&frame);
    let time = header.iter().find(|f| f.name == "unixSecs").unwrap();
    assert_eq!(
        time.value.to_string(),
        "Tue, 14 Nov 2023 22:13:20  (1700000000)"
    );
    assert_fields_tile_their_layers(ETHERNET, &frame);
}

/// A RADIUS Access-Challenge from port 1812 carrying `attributes`, over IPv4 and
/// Ethernet with their lengths filled in.
fn radius_frame(attributes: &[u8]) -> Vec<u8> {
    let radius_length = 20 + attributes.len();
    let udp_length = 8 + radius_length;
    let mut frame = bytes("080027a83866080027a83865 0800");
    frame.extend([
        0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 192, 168, 56, 101, 192, 168, 56, 102,
    ]);
    frame[16..18].copy_from_slice(&(20 + udp_length as u16).to_be_bytes());
    frame.extend([0x07, 0x14, 0x9c, 0x40]);
    frame.extend((udp_length as u16).to_be_bytes());
    frame.extend([0, 0, 11, 7]);
    frame.extend((radius_length as u16).to_be_bytes());
    frame.extend([0; 16]);
    frame.extend(attributes);
    frame
}

#[test]
fn eap_in_fragments_is_joined_across_radius_attributes_and_points_at_each_piece() {
    // An EAP-TLS request of 300 bytes in two EAP-Message attributes (253 and 47 bytes).
    let mut eap = vec![1, 9, 0x01, 0x2c, 13, 0];
    eap.extend((0..294).map(|i| i as u8));
    let mut attributes = vec![79, 255];
    attributes.extend(&eap[..253]);
    attributes.extend([79, 49]);
    attributes.extend(&eap[253..]);
    let frame = radius_frame(&attributes);
    let dissection = dissect(ETHERNET, &frame);
    assert_eq!(classes(&dissection), ["Ether", "IP", "UDP", "Radius"]);
    let fields = dissection.layers[3].fields(&frame);
    let Value::Packets(attributes) = &fields.last().unwrap().value else {
        panic!("{fields:?}")
    };
    assert_eq!(attributes.len(), 1, "the second piece is part of the first");
    let Value::Packets(value) = &attributes[0].fields[2].value else {
        panic!("{attributes:?}")
    };
    assert_eq!(value[0].name, "EAP-TLS");
    let data = value[0]
        .fields
        .iter()
        .find(|f| f.name == "tls_data")
        .unwrap();
    let radius = 14 + 20 + 8 + 20;
    // From after the flags in the first piece to the end of the second, the second
    // attribute's header between them.
    assert_eq!(data.range, radius + 2 + 6..frame.len());
    assert_eq!(data.value.to_string().len(), 294 * 2);
    let radius = &dissection.layers[3];
    assert_eq!(
        super::radius::summary(&frame, radius.range.start, frame.len()),
        "RADIUS Access-Challenge"
    );
}

/// A RadioTap beacon (flags with the FCS bit, rate, channel, signal, aligned) and an
/// 802.11 beacon with country, HT, VHT, HE and EHT elements, as Scapy 2.8.0 builds them.
const RADIOTAP_BEACON: &str =
    "00000f002e00000010d86c09a000c480000000ffffffffffff001122334455001122334455
    000000000000000000006400010000036663737dd3be64";
const HT_BEACON: &str =
    "80000000ffffffffffff0011223344550011223344553012000000000000000064000100000268
    740706465220010d142d1a2e0817ffff00000000000000002c0101000000000080000000043d1606010200
    0100ff000000000000000000000000000000c005012a006c6cff0024f0ff02051b1b022400032503000006
    ff006a0378563412ff0068652063617073";

#[test]
fn radiotap_and_80211_elements_are_layers_whose_fields_tile_them() {
    let frame = bytes(RADIOTAP_BEACON);
    let dissection = dissect(crate::linktype::IEEE802_11_RADIOTAP, &frame);
    assert_eq!(
        classes(&dissection),
        ["RadioTap", "Dot11FCS", "Dot11Beacon", "Dot11Elt"]
    );
    let fcs = dissection.layers[1].fields(&frame);
    assert_eq!(fcs.last().unwrap().range, frame.len() - 4..frame.len());
    assert_fields_tile_their_layers(crate::linktype::IEEE802_11_RADIOTAP, &frame);
    let frame = bytes(HT_BEACON);
    let dissection = dissect(crate::linktype::IEEE802_11, &frame);
    assert_eq!(
        classes(&dissection)[3..10],
        [
            "Dot11EltCountry",
            "Dot11EltHTCapabilities",
            "Dot11EltHTOperation",
            "Dot11EltVHTOperation",
            "Dot11EltHEOperation",
            "Dot11EltEHTOperation",
            "Dot11EltExtensionGeneric"
        ]
    );
    let ht = dissection.layers[4].fields(&frame);
    let bitmask = ht.iter().find(|f| f.name == "RX_MSC_Bitmask").unwrap();
    assert_eq!(bitmask.value.to_string(), "65535");
    assert_fields_tile_their_layers(crate::linktype::IEEE802_11, &frame);
}
