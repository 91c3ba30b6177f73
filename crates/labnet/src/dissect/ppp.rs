//! PPP as Scapy 2.8.0 reads it: the PPP link types (LINKTYPE_PPP 9, PPP_HDLC 50,
//! PPP_ETHER 51, PPP_WITH_DIR 204), PPPoE discovery (EtherType 0x8863, with its tag
//! list) and session (0x8864), the PPP header (a 1-byte protocol when its low bit is
//! set; an HDLC address-and-control header where the first byte is 0xff), and what PPP
//! carries as Scapy binds it: IPv4, IPv6, LCP (in Scapy's class for each code, with
//! its options), PAP, CHAP, IPCP and ECP (with their options) and EAP. Scapy binds IPCP and
//! ECP to EtherTypes 0x8021 and 0x8053 too.
//!
//! Lengths derived from a header's `len` are Python slices of the rest (`field::Rest`);
//! LCP, PAP and CHAP hand what their fields do not use to Padding, IPCP and ECP to Raw.

use std::ops::Range;

use super::field::{field, hex, packet_list, Field, Format, Group, Rest, Spec, Value};
use super::{Kind, Walk};

/// A PPP-family header or message, in Scapy's class for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Hdlc,
    DirPpp,
    Ppp,
    Pppoe,
    Pppoed,
    PppoedTags,
    Lcp,
    LcpConfigure,
    LcpTerminate,
    LcpCodeReject,
    LcpProtocolReject,
    LcpEcho,
    LcpDiscardRequest,
    Pap,
    PapRequest,
    PapResponse,
    Chap,
    ChapChallengeResponse,
    Ipcp,
    Ecp,
}

impl Class {
    pub fn names(self) -> (&'static str, &'static str) {
        const LCP: &str = "PPP Link Control Protocol";
        const PAP: &str = "PPP Password Authentication Protocol";
        const CHAP: &str = "PPP Challenge Handshake Authentication Protocol";
        match self {
            Class::Hdlc => ("HDLC", "HDLC"),
            Class::DirPpp => ("DIR_PPP", "DIR_PPP"),
            Class::Ppp => ("PPP", "PPP Link Layer"),
            Class::Pppoe => ("PPPoE", "PPP over Ethernet"),
            Class::Pppoed => ("PPPoED", "PPP over Ethernet Discovery"),
            Class::PppoedTags => ("PPPoED_Tags", "PPPoE Tag List"),
            Class::Lcp => ("PPP_LCP", LCP),
            Class::LcpConfigure => ("PPP_LCP_Configure", LCP),
            Class::LcpTerminate => ("PPP_LCP_Terminate", LCP),
            Class::LcpCodeReject => ("PPP_LCP_Code_Reject", LCP),
            Class::LcpProtocolReject => ("PPP_LCP_Protocol_Reject", LCP),
            Class::LcpEcho => ("PPP_LCP_Echo", LCP),
            Class::LcpDiscardRequest => ("PPP_LCP_Discard_Request", LCP),
            Class::Pap => ("PPP_PAP", PAP),
            Class::PapRequest => ("PPP_PAP_Request", PAP),
            Class::PapResponse => ("PPP_PAP_Response", PAP),
            Class::Chap => ("PPP_CHAP", CHAP),
            Class::ChapChallengeResponse => ("PPP_CHAP_ChallengeResponse", CHAP),
            Class::Ipcp => ("PPP_IPCP", "PPP_IPCP"),
            Class::Ecp => ("PPP_ECP", "PPP_ECP"),
        }
    }

    /// LCP's, PAP's and CHAP's class for the code in their first byte (Scapy's
    /// dispatch hooks).
    fn by_code(self, code: u8) -> Class {
        match (self, code) {
            (Class::Lcp, 1..=4) => Class::LcpConfigure,
            (Class::Lcp, 5 | 6) => Class::LcpTerminate,
            (Class::Lcp, 7) => Class::LcpCodeReject,
            (Class::Lcp, 8) => Class::LcpProtocolReject,
            (Class::Lcp, 9 | 10) => Class::LcpEcho,
            (Class::Lcp, 11) => Class::LcpDiscardRequest,
            (Class::Pap, 1) => Class::PapRequest,
            (Class::Pap, 2 | 3) => Class::PapResponse,
            (Class::Chap, 1 | 2) => Class::ChapChallengeResponse,
            _ => self,
        }
    }

    /// Whether what the fields do not use is Padding (Scapy's extract_padding).
    fn pads(self) -> bool {
        !matches!(
            self,
            Class::Hdlc
                | Class::DirPpp
                | Class::Ppp
                | Class::Pppoe
                | Class::Pppoed
                | Class::PppoedTags
                | Class::Ipcp
                | Class::Ecp
        )
    }
}

fn ppp_protocol(number: u64) -> Option<&'static str> {
    Some(match number {
        0x0001 => "Padding Protocol",
        0x0003 => "ROHC small-CID [RFC3095]",
        0x0005 => "ROHC large-CID [RFC3095]",
        0x0021 => "Internet Protocol version 4",
        0x0023 => "OSI Network Layer",
        0x0025 => "Xerox NS IDP",
        0x0027 => "DECnet Phase IV",
        0x0029 => "Appletalk",
        0x002b => "Novell IPX",
        0x002d => "Van Jacobson Compressed TCP/IP",
        0x002f => "Van Jacobson Uncompressed TCP/IP",
        0x0031 => "Bridging PDU",
        0x0033 => "Stream Protocol (ST-II)",
        0x0035 => "Banyan Vines",
        0x0037 => "reserved (until 1993) [Typo in RFC1172]",
        0x0039 => "AppleTalk EDDP",
        0x003b => "AppleTalk SmartBuffered",
        0x003d => "Multi-Link [RFC1717]",
        0x003f => "NETBIOS Framing",
        0x0041 => "Cisco Systems",
        0x0043 => "Ascom Timeplex",
        0x0045 => "Fujitsu Link Backup and Load Balancing (LBLB)",
        0x0047 => "DCA Remote Lan",
        0x0049 => "Serial Data Transport Protocol (PPP-SDTP)",
        0x004b => "SNA over 802.2",
        0x004d => "SNA",
        0x004f => "IPv6 Header Compression",
        0x0051 => "KNX Bridging Data [ianp]",
        0x0053 => "Encryption [Meyer]",
        0x0055 => "Individual Link Encryption [Meyer]",
        0x0057 => "Internet Protocol version 6 [Hinden]",
        0x0059 => "PPP Muxing [RFC3153]",
        0x005b => "Vendor-Specific Network Protocol (VSNP) [RFC3772]",
        0x0061 => "RTP IPHC Full Header [RFC3544]",
        0x0063 => "RTP IPHC Compressed TCP [RFC3544]",
        0x0065 => "RTP IPHC Compressed Non TCP [RFC3544]",
        0x0067 => "RTP IPHC Compressed UDP 8 [RFC3544]",
        0x0069 => "RTP IPHC Compressed RTP 8 [RFC3544]",
        0x006f => "Stampede Bridging",
        0x0071 => "Reserved [Fox]",
        0x0073 => "MP+ Protocol [Smith]",
        0x007d => "reserved (Control Escape) [RFC1661]",
        0x007f => "reserved (compression inefficient [RFC1662]",
        0x0081 | 0x0083 | 0x8081 | 0x8083 => "Reserved Until 20-Oct-2000 [IANA]",
        0x00c1 => "NTCITS IPI [Ungar]",
        0x00cf => "reserved (PPP NLID)",
        0x00fb => "single link compression in multilink [RFC1962]",
        0x00fd => "compressed datagram [RFC1962]",
        0x00ff => "reserved (compression inefficient)",
        0x0201 => "802.1d Hello Packets",
        0x0203 => "IBM Source Routing BPDU",
        0x0205 => "DEC LANBridge100 Spanning Tree",
        0x0207 => "Cisco Discovery Protocol [Sastry]",
        0x0209 | 0x8209 => "Netcs Twin Routing [Korfmacher]",
        0x020b => "STP - Scheduled Transfer Protocol [Segal]",
        0x020d => "EDP - Extreme Discovery Protocol [Grosser]",
        0x0211 | 0x0213 => "Optical Supervisory Channel Protocol (OSCP)[Prasad]",
        0x0231 => "Luxcom",
        0x0233 => "Sigma Network Systems",
        0x0235 => "Apple Client Server Protocol [Ridenour]",
        0x0281 => "MPLS Unicast [RFC3032]  ",
        0x0283 => "MPLS Multicast [RFC3032]",
        0x0285 => "IEEE p1284.4 standard - data packets [Batchelder]",
        0x0287 => "ETSI TETRA Network Protocol Type 1 [Nieminen]",
        0x0289 | 0x8289 => "Multichannel Flow Treatment Protocol [McCann]",
        0x2063 => "RTP IPHC Compressed TCP No Delta [RFC3544]",
        0x2065 => "RTP IPHC Context State [RFC3544]",
        0x2067 => "RTP IPHC Compressed UDP 16 [RFC3544]",
        0x2069 => "RTP IPHC Compressed RTP 16 [RFC3544]",
        0x4001 => "Cray Communications Control Protocol [Stage]",
        0x4003 => "CDPD Mobile Network Registration Protocol [Quick]",
        0x4005 => "Expand accelerator protocol [Rachmani]",
        0x4007 => "ODSICP NCP [Arvind]",
        0x4009 => "DOCSIS DLL [Gaedtke]",
        0x400b => "Cetacean Network Detection Protocol [Siller]",
        0x4021 => "Stacker LZS [Simpson]",
        0x4023 => "RefTek Protocol [Banfill]",
        0x4025 => "Fibre Channel [Rajagopal]",
        0x4027 => "EMIT Protocols [Eastham]",
        0x405b => "Vendor-Specific Protocol (VSP) [RFC3772]",
        0x8021 => "Internet Protocol Control Protocol",
        0x8023 => "OSI Network Layer Control Protocol",
        0x8025 => "Xerox NS IDP Control Protocol",
        0x8027 => "DECnet Phase IV Control Protocol",
        0x8029 => "Appletalk Control Protocol",
        0x802b => "Novell IPX Control Protocol",
        0x802d | 0x802f | 0x8039 | 0x803b => "reserved",
        0x8031 => "Bridging NCP",
        0x8033 => "Stream Protocol Control Protocol",
        0x8035 => "Banyan Vines Control Protocol",
        0x8037 => "reserved (until 1993)",
        0x803d => "Multi-Link Control Protocol",
        0x803f => "NETBIOS Framing Control Protocol",
        0x8041 => "Cisco Systems Control Protocol",
        0x8043 => "Ascom Timeplex",
        0x8045 => "Fujitsu LBLB Control Protocol",
        0x8047 => "DCA Remote Lan Network Control Protocol (RLNCP)",
        0x8049 => "Serial Data Control Protocol (PPP-SDCP)",
        0x804b => "SNA over 802.2 Control Protocol",
        0x804d => "SNA Control Protocol",
        0x804f => "IP6 Header Compression Control Protocol",
        0x8051 => "KNX Bridging Control Protocol [ianp]",
        0x8053 => "Encryption Control Protocol [Meyer]",
        0x8055 => "Individual Link Encryption Control Protocol [Meyer]",
        0x8057 => "IPv6 Control Protovol [Hinden]",
        0x8059 => "PPP Muxing Control Protocol [RFC3153]",
        0x805b => "Vendor-Specific Network Control Protocol (VSNCP) [RFC3772]",
        0x806f => "Stampede Bridging Control Protocol",
        0x8073 => "MP+ Control Protocol [Smith]",
        0x8071 => "Reserved [Fox]",
        0x807d | 0x80cf | 0x80ff => "Not Used - reserved [RFC1661]",
        0x80c1 => "NTCITS IPI Control Protocol [Ungar]",
        0x80fb => "single link compression in multilink control [RFC1962]",
        0x80fd => "Compression Control Protocol [RFC1962]",
        0x8207 => "Cisco Discovery Protocol Control [Sastry]",
        0x820b => "STP - Control Protocol [Segal]",
        0x820d => "EDPCP - Extreme Discovery Protocol Ctrl Prtcl [Grosser]",
        0x8235 => "Apple Client Server Protocol Control [Ridenour]",
        0x8281 => "MPLSCP [RFC3032]",
        0x8285 => "IEEE p1284.4 standard - Protocol Control [Batchelder]",
        0x8287 => "ETSI TETRA TNP1 Control Protocol [Nieminen]",
        0xc021 => "Link Control Protocol",
        0xc023 => "Password Authentication Protocol",
        0xc025 => "Link Quality Report",
        0xc027 => "Shiva Password Authentication Protocol",
        0xc029 => "CallBack Control Protocol (CBCP)",
        0xc02b => "BACP Bandwidth Allocation Control Protocol [RFC2125]",
        0xc02d => "BAP [RFC2125]",
        0xc05b => "Vendor-Specific Authentication Protocol (VSAP) [RFC3772]",
        0xc081 => "Container Control Protocol [KEN]",
        0xc223 => "Challenge Handshake Authentication Protocol",
        0xc225 => "RSA Authentication Protocol [Narayana]",
        0xc227 => "Extensible Authentication Protocol [RFC2284]",
        0xc229 => "Mitsubishi Security Info Exch Ptcl (SIEP) [Seno]",
        0xc26f => "Stampede Bridging Authorization Protocol",
        0xc281 => "Proprietary Authentication Protocol [KEN]",
        0xc283 => "Proprietary Authentication Protocol [Tackabury]",
        0xc481 => "Proprietary Node ID Authentication Protocol [KEN]",
        _ => return None,
    })
}

fn session_code(number: u64) -> Option<&'static str> {
    (number == 0).then_some("Session")
}

fn discovery_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0x00 => "PPP Session Stage",
        0x09 => "PPPoE Active Discovery Initiation (PADI)",
        0x07 => "PPPoE Active Discovery Offer (PADO)",
        0x0a => "PPPoE Active Discovery Session-Grant (PADG)",
        0x0b => "PPPoE Active Discovery Session-Credit Response (PADC)",
        0x0c => "PPPoE Active Discovery Quality (PADQ)",
        0x19 => "PPPoE Active Discovery Request (PADR)",
        0x65 => "PPPoE Active Discovery Session-confirmation (PADS)",
        0xa7 => "PPPoE Active Discovery Terminate (PADT)",
        _ => return None,
    })
}

fn tag_type(number: u64) -> Option<&'static str> {
    Some(match number {
        0x0000 => "End-Of-List",
        0x0101 => "Service-Name",
        0x0102 => "AC-Name",
        0x0103 => "Host-Uniq",
        0x0104 => "AC-Cookie",
        0x0105 => "Vendor-Specific",
        0x0106 => "Credits",
        0x0107 => "Metrics",
        0x0108 => "Sequence Number",
        0x0109 => "Credit Scale Factor",
        0x0110 => "Relay-Session-Id",
        0x0120 => "PPP-Max-Payload",
        0x0201 => "Service-Name-Error",
        0x0202 => "AC-System-Error",
        0x0203 => "Generic-Error",
        _ => return None,
    })
}

/// The configure codes IPCP and ECP name (LCP's list stops at 11).
fn configure_code(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Configure-Request",
        2 => "Configure-Ack",
        3 => "Configure-Nak",
        4 => "Configure-Reject",
        5 => "Terminate-Request",
        6 => "Terminate-Ack",
        7 => "Code-Reject",
        8 => "Protocol-Reject",
        9 => "Echo-Request",
        10 => "Echo-Reply",
        11 => "Discard-Request",
        14 => "Reset-Request",
        15 => "Reset-Ack",
        _ => return None,
    })
}

fn lcp_code(number: u64) -> Option<&'static str> {
    (number <= 11).then(|| configure_code(number)).flatten()
}

fn lcp_option(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Maximum-Receive-Unit",
        2 => "Async-Control-Character-Map",
        3 => "Authentication-protocol",
        4 => "Quality-protocol",
        5 => "Magic-number",
        7 => "Protocol-Field-Compression",
        8 => "Address-and-Control-Field-Compression",
        13 => "Callback",
        _ => return None,
    })
}

fn auth_protocol(number: u64) -> Option<&'static str> {
    Some(match number {
        0xc023 => "Password authentication protocol",
        0xc223 => "Challenge-response authentication protocol",
        0xc227 => "PPP Extensible authentication protocol",
        _ => return None,
    })
}

fn chap_algorithm(number: u64) -> Option<&'static str> {
    Some(match number {
        5 => "MD5",
        6 => "SHA1",
        128 => "MS-CHAP",
        129 => "MS-CHAP-v2",
        _ => return None,
    })
}

fn quality_protocol(number: u64) -> Option<&'static str> {
    (number == 0xc025).then_some("Link Quality Report")
}

fn callback_operation(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Location determined by user authentication",
        1 => "Dialing string",
        2 => "Location identifier",
        3 => "E.164 number",
        4 => "Distinguished name",
        _ => return None,
    })
}

fn pap_code(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Authenticate-Request",
        2 => "Authenticate-Ack",
        3 => "Authenticate-Nak",
        _ => return None,
    })
}

fn chap_code(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Challenge",
        2 => "Response",
        3 => "Success",
        4 => "Failure",
        _ => return None,
    })
}

fn ipcp_option(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "IP-Addresses (Deprecated)",
        2 => "IP-Compression-Protocol",
        3 => "IP-Address",
        4 => "Mobile-IPv4",
        129 => "Primary-DNS-Address",
        130 => "Primary-NBNS-Address",
        131 => "Secondary-DNS-Address",
        132 => "Secondary-NBNS-Address",
        _ => return None,
    })
}

fn ecp_option(number: u64) -> Option<&'static str> {
    match number {
        0 => Some("OUI"),
        1 => Some("DESE"),
        _ => None,
    }
}

fn direction(number: u64) -> Option<&'static str> {
    match number {
        0 => Some("received"),
        1 => Some("sent"),
        _ => None,
    }
}

const PPPOE: [Spec; 5] = [
    Spec::bits("version", 0, 1, 0xf0, Format::Int),
    Spec::bits("type", 0, 1, 0x0f, Format::Int),
    Spec::new("code", 1, 1, Format::Enum(session_code)),
    Spec::new("sessionid", 2, 2, Format::Hex),
    Spec::new("len", 4, 2, Format::Int),
];
const PPPOED: [Spec; 5] = [
    PPPOE[0],
    PPPOE[1],
    Spec::new("code", 1, 1, Format::Enum(discovery_code)),
    PPPOE[3],
    PPPOE[4],
];
const ID: Spec = Spec::new("id", 1, 1, Format::Hex);
const LEN: Spec = Spec::new("len", 2, 2, Format::Int);

fn code_header(names: fn(u64) -> Option<&'static str>) -> [Spec; 3] {
    [Spec::new("code", 0, 1, Format::Enum(names)), ID, LEN]
}

fn bytes_field(data: &[u8], name: &'static str, range: Range<usize>) -> Field {
    field(name, range.clone(), Value::Bytes(data[range].to_vec()))
}

/// A list of options (LCP's, IPCP's, ECP's) over `region`: each in its class by its
/// first byte, what cannot be read Raw with the rest; `None` over Scapy's limit.
fn options(data: &[u8], region: Range<usize>, family: Class) -> Option<Vec<Group>> {
    packet_list(data, region, |rest| option(data, rest, family))
}

/// One option at `rest.at`, read as Scapy's class for its type reads it.
fn option(data: &[u8], rest: &mut Rest, family: Class) -> Option<Group> {
    let at = rest.at;
    let kind = data[at];
    let length = |data: &[u8]| i64::from(data.get(at + 1).copied().unwrap_or(0));
    let head = |names| {
        [
            Spec::new("type", 0, 1, Format::Enum(names)),
            Spec::new("len", 1, 1, Format::Int),
        ]
    };
    let (name, fields) = match (family, kind) {
        (Class::LcpConfigure, 1 | 2 | 5) => {
            let value = match kind {
                1 => Spec::new("max_recv_unit", 2, 2, Format::Int),
                2 => Spec::new("accm", 2, 4, Format::Int),
                _ => Spec::new("magic_number", 2, 4, Format::Int),
            };
            let [t, l] = head(lcp_option);
            ("PPP LCP Option", rest.prefix(data, &[t, l, value])?)
        }
        (Class::LcpConfigure, 3) => {
            let [t, l] = head(lcp_option);
            let protocol = Spec::new("auth_protocol", 2, 2, Format::Enum(auth_protocol));
            let mut fields = rest.prefix(data, &[t, l, protocol])?;
            if protocol.get(data, at) == 0xc223 {
                let byte = rest.take(1)?;
                let value = u64::from(data[byte.start]);
                fields.push(field(
                    "algorithm",
                    byte,
                    Value::named(value, chap_algorithm(value)),
                ));
            } else {
                let value = rest.slice(length(data) - 4);
                fields.push(bytes_field(data, "data", value));
            }
            ("PPP LCP Option", fields)
        }
        (Class::LcpConfigure, 4 | 13) => {
            let [t, l] = head(lcp_option);
            let (second, name, minus) = if kind == 4 {
                (
                    Spec::new("quality_protocol", 2, 2, Format::Enum(quality_protocol)),
                    "data",
                    4,
                )
            } else {
                (
                    Spec::new("operation", 2, 1, Format::Enum(callback_operation)),
                    "message",
                    3,
                )
            };
            let mut fields = rest.prefix(data, &[t, l, second])?;
            let value = rest.slice(length(data) - minus);
            fields.push(bytes_field(data, name, value));
            ("PPP LCP Option", fields)
        }
        (Class::LcpConfigure, _) => {
            let [t, l] = head(lcp_option);
            let mut fields = rest.prefix(data, &[t, l])?;
            let value = rest.slice(length(data) - 2);
            fields.push(bytes_field(data, "data", value));
            ("PPP LCP Option", fields)
        }
        (Class::Ipcp, 3 | 129..=132) => {
            let [t, l] = head(ipcp_option);
            let address = Spec::new("data", 2, 4, Format::Ipv4);
            let mut fields = rest.prefix(data, &[t, l, address])?;
            let garbage = rest.slice(length(data) - 6);
            fields.push(bytes_field(data, "garbage", garbage));
            let name = match kind {
                3 => "PPP IPCP Option: IP Address",
                129 => "PPP IPCP Option: DNS1 Address",
                130 => "PPP IPCP Option: NBNS1 Address",
                131 => "PPP IPCP Option: DNS2 Address",
                _ => "PPP IPCP Option: NBNS2 Address",
            };
            (name, fields)
        }
        (Class::Ecp, 0) => {
            let [t, l] = head(ecp_option);
            let subtype = Spec::new("subtype", 5, 1, Format::Int);
            let mut fields = rest.prefix(data, &[t, l])?;
            let oui = rest.take(3)?;
            let text = format!(
                "{:02x}:{:02x}:{:02x}",
                data[oui.start],
                data[oui.start + 1],
                data[oui.start + 2]
            );
            fields.push(field("oui", oui, Value::Text(text)));
            rest.take(1)?;
            fields.extend(subtype.field(data, at));
            let value = rest.slice(length(data) - 6);
            fields.push(bytes_field(data, "data", value));
            ("PPP ECP Option", fields)
        }
        (Class::Ipcp | Class::Ecp, _) => {
            let names = if family == Class::Ipcp {
                ipcp_option
            } else {
                ecp_option
            };
            let [t, l] = head(names);
            let mut fields = rest.prefix(data, &[t, l])?;
            let value = rest.slice((length(data) - 2).max(0));
            fields.push(bytes_field(data, "data", value));
            let name = if family == Class::Ipcp {
                "PPP IPCP Option"
            } else {
                "PPP ECP Option"
            };
            (name, fields)
        }
        _ => return None,
    };
    Some(Group::new(name, at..rest.at, fields))
}

/// PPPoE discovery tags: type, length and that many bytes each, while bytes remain;
/// a tag cut short is Raw with the rest. `None` over Scapy's list limit.
fn tags(data: &[u8], region: Range<usize>) -> Option<Vec<Group>> {
    const HEAD: [Spec; 2] = [
        Spec::new("tag_type", 0, 2, Format::Enum(tag_type)),
        Spec::new("tag_len", 2, 2, Format::Int),
    ];
    packet_list(data, region, |rest| {
        let at = rest.at;
        let mut fields = rest.prefix(data, &HEAD)?;
        let value = rest.slice(HEAD[1].get(data, at) as i64);
        fields.push(bytes_field(data, "tag_value", value));
        Some(Group::new("PPPoE Tag", at..rest.at, fields))
    })
}

/// Reads the header or message of `class` at `rest.at`: its fields, or `None` where
/// Scapy gives it up.
fn read(data: &[u8], rest: &mut Rest, class: Class) -> Option<Vec<Field>> {
    let at = rest.at;
    let len = || LEN.get(data, at) as i64;
    let fields = match class {
        Class::Hdlc => rest.prefix(
            data,
            &[
                Spec::new("address", 0, 1, Format::Hex),
                Spec::new("control", 1, 1, Format::Hex),
            ],
        )?,
        Class::DirPpp => rest.prefix(
            data,
            &[Spec::new("direction", 0, 1, Format::Enum(direction))],
        )?,
        Class::Ppp => {
            let width = if data.get(at)? & 1 == 1 { 1 } else { 2 };
            rest.prefix(
                data,
                &[Spec::new("proto", 0, width, Format::Enum(ppp_protocol))],
            )?
        }
        Class::Pppoe => rest.prefix(data, &PPPOE)?,
        Class::Pppoed => rest.prefix(data, &PPPOED)?,
        Class::PppoedTags => {
            let region = at..rest.end;
            rest.at = rest.end;
            vec![field(
                "tag_list",
                region.clone(),
                Value::Packets(tags(data, region)?),
            )]
        }
        Class::Lcp | Class::LcpTerminate => {
            let mut fields = rest.prefix(data, &code_header(lcp_code))?;
            fields.push(bytes_field(data, "data", rest.slice(len() - 4)));
            fields
        }
        Class::LcpConfigure => {
            let mut fields = rest.prefix(data, &code_header(lcp_code))?;
            let region = rest.slice(len() - 4);
            let groups = options(data, region.clone(), Class::LcpConfigure)?;
            fields.push(field("options", region, Value::Packets(groups)));
            fields
        }
        Class::LcpCodeReject => {
            let mut fields = rest.prefix(data, &code_header(lcp_code))?;
            let start = rest.at;
            let groups = rejected_packet(data, rest)?;
            fields.push(field(
                "rejected_packet",
                start..rest.at,
                Value::Packets(groups),
            ));
            fields
        }
        Class::LcpProtocolReject => {
            let rejected = Spec::new("rejected_protocol", 4, 2, Format::Enum(ppp_protocol));
            let [c, i, l] = code_header(lcp_code);
            let mut fields = rest.prefix(data, &[c, i, l, rejected])?;
            // Scapy's bare Packet class with the bytes as its Raw payload.
            let information = rest.at..rest.end;
            rest.at = rest.end;
            let mut groups = vec![Group::new(
                "Packet",
                information.start..information.start,
                Vec::new(),
            )];
            if !information.is_empty() {
                let mut raw = Group::raw(data, information.clone());
                raw.depth = 1;
                groups.push(raw);
            }
            fields.push(field(
                "rejected_information",
                information,
                Value::Packets(groups),
            ));
            fields
        }
        Class::LcpEcho | Class::LcpDiscardRequest => {
            let [c, i, l] = code_header(lcp_code);
            let magic = Spec::new("magic_number", 4, 4, Format::Int);
            let mut fields = rest.prefix(data, &[c, i, l, magic])?;
            fields.push(bytes_field(data, "data", rest.slice(len() - 8)));
            fields
        }
        Class::Pap | Class::Chap => {
            let names = if class == Class::Pap {
                pap_code
            } else {
                chap_code
            };
            let mut fields = rest.prefix(data, &code_header(names))?;
            fields.push(bytes_field(data, "data", rest.slice(len() - 4)));
            fields
        }
        Class::PapRequest => {
            let mut fields = rest.prefix(data, &code_header(pap_code))?;
            for (count, name) in [("username_len", "username"), ("passwd_len", "password")] {
                let size = rest.take(1)?;
                let n = data[size.start];
                fields.push(field(count, size, Value::Int(n.into())));
                fields.push(bytes_field(data, name, rest.slice(n.into())));
            }
            fields
        }
        Class::PapResponse => {
            let mut fields = rest.prefix(data, &code_header(pap_code))?;
            let size = rest.take(1)?;
            let n = data[size.start];
            fields.push(field("msg_len", size, Value::Int(n.into())));
            fields.push(bytes_field(data, "message", rest.slice(n.into())));
            fields
        }
        Class::ChapChallengeResponse => {
            let mut fields = rest.prefix(data, &code_header(chap_code))?;
            let size = rest.take(1)?;
            let n = data[size.start];
            fields.push(field("value_size", size, Value::Int(n.into())));
            let value = rest.slice(n.into());
            fields.push(field(
                "value",
                value.clone(),
                Value::Text(hex(&data[value])),
            ));
            fields.push(bytes_field(
                data,
                "optional_name",
                rest.slice(len() - i64::from(n) - 5),
            ));
            fields
        }
        Class::Ipcp | Class::Ecp => {
            let mut fields = rest.prefix(data, &code_header(configure_code))?;
            let region = rest.slice(len() - 4);
            let groups = options(data, region.clone(), class)?;
            fields.push(field("options", region, Value::Packets(groups)));
            fields
        }
    };
    Some(fields)
}

/// A Code-Reject's rejected packet: an LCP message in Scapy's class for its code
/// from the rest, or Scapy's default LCP message when there is none; what it does not
/// use goes back to the rest (Scapy's PacketField hands its padding back); `None`
/// where it cannot be read (Scapy then gives up the whole message).
fn rejected_packet(data: &[u8], rest: &mut Rest) -> Option<Vec<Group>> {
    let at = rest.at;
    if at >= rest.end {
        let none = |name: &'static str, value: Value| field(name, at..at, value);
        return Some(vec![Group::new(
            "PPP Link Control Protocol",
            at..at,
            vec![
                none("code", Value::named(5, Some("Terminate-Request"))),
                none("id", Value::Hex(0)),
                none("len", Value::None),
                none("data", Value::Bytes(Vec::new())),
            ],
        )]);
    }
    let class = Class::Lcp.by_code(data[at]);
    let mut inner = Rest { at, end: rest.end };
    let fields = read(data, &mut inner, class)?;
    rest.at = inner.at;
    Some(vec![Group::new(class.names().1, at..inner.at, fields)])
}

/// What a PPP header's protocol carries (Scapy's bindings).
fn after_protocol(walk: &mut Walk, at: usize, end: usize, protocol: u16) {
    match protocol {
        0x0021 => super::ipv4::dissect(walk, at, false),
        0x0057 => super::ipv6::dissect(walk, at, false),
        0xc021 => message(walk, at, end, Class::Lcp),
        0xc023 => message(walk, at, end, Class::Pap),
        0xc223 => message(walk, at, end, Class::Chap),
        0x8021 => message(walk, at, end, Class::Ipcp),
        0x8053 => message(walk, at, end, Class::Ecp),
        0xc227 => super::eap::dissect_eap(walk, at, end),
        _ => walk.raw(at, end),
    }
}

/// One header or message of `class` at `at`, as a layer; `None` (nothing pushed)
/// where Scapy gives it up.
fn layer(walk: &mut Walk, at: usize, end: usize, class: Class) -> Option<usize> {
    let mut rest = Rest { at, end };
    read(walk.data, &mut rest, class)?;
    walk.push(Kind::Ppp { class, end }, at..rest.at);
    Some(rest.at)
}

/// An LCP, PAP, CHAP, IPCP or ECP message (by its code's class), then Padding or Raw.
fn message(walk: &mut Walk, at: usize, end: usize, family: Class) {
    if at >= end {
        return;
    }
    let class = family.by_code(walk.data[at]);
    match layer(walk, at, end, class) {
        Some(next) if class.pads() => walk.padding_until(next, end),
        Some(next) => walk.raw(next, end),
        None => walk.raw(at, end),
    }
}

/// PPP at `at`: an HDLC header instead where the first byte is 0xff (Scapy's dispatch
/// hook), then what the protocol carries.
pub(super) fn dissect_ppp(walk: &mut Walk, at: usize, end: usize) {
    if at >= end {
        return;
    }
    if walk.chain_full() {
        return walk.raw(at, end);
    }
    if walk.data[at] == 0xff {
        return dissect_hdlc(walk, at, end);
    }
    match layer(walk, at, end, Class::Ppp) {
        Some(next) => {
            let width = next - at;
            let protocol = if width == 1 {
                u16::from(walk.data[at])
            } else {
                u16::from_be_bytes([walk.data[at], walk.data[at + 1]])
            };
            after_protocol(walk, next, end, protocol);
        }
        None => walk.raw(at, end),
    }
}

/// An HDLC address-and-control header (LINKTYPE_PPP_HDLC), then PPP.
pub(super) fn dissect_hdlc(walk: &mut Walk, at: usize, end: usize) {
    match layer(walk, at, end, Class::Hdlc) {
        Some(next) => dissect_ppp(walk, next, end),
        None => walk.raw(at, end),
    }
}

/// LINKTYPE_PPP_WITH_DIR: a direction byte, then PPP.
pub(super) fn dissect_with_direction(walk: &mut Walk, at: usize, end: usize) {
    match layer(walk, at, end, Class::DirPpp) {
        Some(next) => dissect_ppp(walk, next, end),
        None => walk.raw(at, end),
    }
}

/// PPPoE session (EtherType 0x8864, LINKTYPE_PPP_ETHER): PPP after it when the code is
/// 0 (Scapy's binding), else Raw.
pub(super) fn dissect_session(walk: &mut Walk, at: usize, end: usize) {
    match layer(walk, at, end, Class::Pppoe) {
        Some(next) if walk.data[at + 1] == 0 => dissect_ppp(walk, next, end),
        Some(next) => walk.raw(next, end),
        None => walk.raw(at, end),
    }
}

/// PPPoE discovery (EtherType 0x8863): its `len` bytes are its payload (the tag list
/// when the type nibble is 1), the rest Padding.
pub(super) fn dissect_discovery(walk: &mut Walk, at: usize, end: usize) {
    let Some(next) = layer(walk, at, end, Class::Pppoed) else {
        return walk.raw(at, end);
    };
    let payload_end = (next + LEN.get(walk.data, at + 2) as usize).min(end);
    if walk.data[at] & 0x0f == 1 && next < payload_end {
        if layer(walk, next, payload_end, Class::PppoedTags).is_none() {
            walk.raw(next, payload_end);
        }
    } else {
        walk.raw(next, payload_end);
    }
    walk.padding_until(payload_end, end);
}

/// What Scapy binds to these EtherTypes: PPPoE discovery and session after Ethernet,
/// 802.1Q and cooked headers, IPCP and ECP after Ethernet and 802.1Q only (`ether`).
/// Whether it was one of them.
pub(super) fn after_ethertype(walk: &mut Walk, at: usize, ethertype: u16, ether: bool) -> bool {
    let end = walk.data.len();
    match ethertype {
        0x8863 => dissect_discovery(walk, at, end),
        0x8864 => dissect_session(walk, at, end),
        0x8021 if ether => message(walk, at, end, Class::Ipcp),
        0x8053 if ether => message(walk, at, end, Class::Ecp),
        _ => return false,
    }
    true
}

pub(super) fn fields(data: &[u8], at: usize, class: Class, end: usize) -> Vec<Field> {
    let mut rest = Rest {
        at,
        end: end.min(data.len()),
    };
    read(data, &mut rest, class).unwrap_or_default()
}

/// Scapy's summaries of the classes that have one (`LCP Configure-Request`,
/// `PAP-Request username=b'midwood' password=b'secret'`, the discovery code).
pub fn summary(data: &[u8], range: Range<usize>, class: Class, end: usize) -> Option<String> {
    let at = range.start;
    let found = |name: &str| {
        fields(data, at, class, end)
            .into_iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
    };
    let text = |name: &str| found(name).map(|v| v.to_string()).unwrap_or_default();
    Some(match class {
        Class::Pppoed => text("code"),
        Class::PppoedTags => {
            let tags = match found("tag_list") {
                Some(Value::Packets(groups)) => groups
                    .iter()
                    .map(|g| match g.fields.first() {
                        Some(f) if f.name == "tag_type" => f.value.to_string(),
                        _ => "??".to_string(),
                    })
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            format!("PPPoE Tags{}", tags.join(", "))
        }
        Class::Lcp
        | Class::LcpConfigure
        | Class::LcpTerminate
        | Class::LcpCodeReject
        | Class::LcpProtocolReject
        | Class::LcpEcho
        | Class::LcpDiscardRequest => format!("LCP {}", text("code")),
        Class::PapRequest => format!(
            "PAP-Request username={} password={}",
            text("username"),
            text("password")
        ),
        Class::PapResponse => {
            let word = if data[at] == 2 { "PAP-Ack" } else { "PAP-Nak" };
            if data[at + 4] > 0 {
                format!("{word} msg={}", text("message"))
            } else {
                word.to_string()
            }
        }
        Class::Chap if matches!(data[at], 3 | 4) => {
            let word = if data[at] == 3 { "Success" } else { "Failure" };
            format!("CHAP {word} message={}", text("data"))
        }
        Class::ChapChallengeResponse => {
            let word = if data[at] == 1 {
                "challenge"
            } else {
                "response"
            };
            format!(
                "CHAP {word}=0x{} optional_name={}",
                text("value"),
                text("optional_name")
            )
        }
        _ => return None,
    })
}

/// Whether the PPPoE discovery header's summary is also shown beside this one's
/// (Scapy's tag list asks for it, as LLMNR asks for UDP's).
pub fn summary_needs_discovery(class: Class) -> bool {
    class == Class::PppoedTags
}
