//! DHCPv6 (UDP 546 and 547, RFC 8415) as Scapy 2.8.0 reads it: the message in
//! Scapy's class for its type (`DHCP6_Solicit`, `DHCP6_RelayForward`, ...), then each
//! option a layer of its own in Scapy's class for its code (`DHCP6OptClientId /
//! DHCP6OptIA_NA / ...`), unknown codes as `DHCP6OptUnknown`. DUIDs, the options
//! inside IA_NA, IA_TA, IA_PD and their addresses, user and vendor class data, NTP
//! server suboptions and a relayed message are sub-packets of their option.
//!
//! Scapy reads an option by its fields, not by `optlen`: lengths derived from it are
//! Python slices of the rest of the packet (`field::Rest`), an address list or a DNS
//! name leaves what it does not use to the next option, and an option inside a list
//! carries the options after it as its own payload until an IA address or prefix
//! (whose payload is padding) hands the rest back to the list. This module follows
//! those rules because Scapy's listing depends on them.

use std::ops::Range;

use super::field::{
    field, packet_list, python_str, Field, Format, Group, Rest, Spec, Value, MAX_LIST,
};
use super::{Kind, Walk};

/// Relayed messages inside relayed messages: deeper ones are Raw (Scapy has no such
/// limit; real relay chains are a few hops, RFC 8415 allows 8 by default).
const MAX_NESTING: usize = 16;
/// The option codes whose payload Scapy takes for padding (IA address and prefix).
const ENDS_CHAIN: [u16; 2] = [5, 26];

fn message_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "SOLICIT",
        2 => "ADVERTISE",
        3 => "REQUEST",
        4 => "CONFIRM",
        5 => "RENEW",
        6 => "REBIND",
        7 => "REPLY",
        8 => "RELEASE",
        9 => "DECLINE",
        10 => "RECONFIGURE",
        11 => "INFORMATION-REQUEST",
        12 => "RELAY-FORW",
        13 => "RELAY-REPL",
        36 => "ADDR-REG-INFORM",
        37 => "ADDR-REG-REPLY",
        _ => return None,
    })
}

/// Scapy's class and display name for a message type.
pub fn message_names(message_type: u8) -> (&'static str, &'static str) {
    match message_type {
        1 => ("DHCP6_Solicit", "DHCPv6 Solicit Message"),
        2 => ("DHCP6_Advertise", "DHCPv6 Advertise Message"),
        3 => ("DHCP6_Request", "DHCPv6 Request Message"),
        4 => ("DHCP6_Confirm", "DHCPv6 Confirm Message"),
        5 => ("DHCP6_Renew", "DHCPv6 Renew Message"),
        6 => ("DHCP6_Rebind", "DHCPv6 Rebind Message"),
        7 => ("DHCP6_Reply", "DHCPv6 Reply Message"),
        8 => ("DHCP6_Release", "DHCPv6 Release Message"),
        9 => ("DHCP6_Decline", "DHCPv6 Decline Message"),
        10 => ("DHCP6_Reconf", "DHCPv6 Reconfigure Message"),
        11 => ("DHCP6_InfoRequest", "DHCPv6 Information Request Message"),
        12 => (
            "DHCP6_RelayForward",
            "DHCPv6 Relay Forward Message (Relay Agent/Server Message)",
        ),
        13 => (
            "DHCP6_RelayReply",
            "DHCPv6 Relay Reply Message (Relay Agent/Server Message)",
        ),
        36 => ("DHCP6_AddrRegInform", "DHCPv6 Information Request Message"),
        _ => ("DHCP6_AddrRegReply", "DHCPv6 Information Reply Message"),
    }
}

fn is_message(message_type: u8) -> bool {
    matches!(message_type, 1..=13 | 36 | 37)
}

const MESSAGE: [Spec; 2] = [
    Spec::new("msgtype", 0, 1, Format::Enum(message_type)),
    Spec::new("trid", 1, 3, Format::Hex),
];
const RELAY: [Spec; 4] = [
    Spec::new("msgtype", 0, 1, Format::Enum(message_type)),
    Spec::new("hopcount", 1, 1, Format::Int),
    Spec::new("linkaddr", 2, 16, Format::Ipv6),
    Spec::new("peeraddr", 18, 16, Format::Ipv6),
];

fn message_specs(message_type: u8) -> &'static [Spec] {
    if matches!(message_type, 12 | 13) {
        &RELAY
    } else {
        &MESSAGE
    }
}

fn option_name(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "CLIENTID",
        2 => "SERVERID",
        3 => "IA_NA",
        4 => "IA_TA",
        5 => "IAADDR",
        6 => "ORO",
        7 => "PREFERENCE",
        8 => "ELAPSED_TIME",
        9 => "RELAY_MSG",
        11 => "AUTH",
        12 => "UNICAST",
        13 => "STATUS_CODE",
        14 => "RAPID_COMMIT",
        15 => "USER_CLASS",
        16 => "VENDOR_CLASS",
        17 => "VENDOR_OPTS",
        18 => "INTERFACE_ID",
        19 => "RECONF_MSG",
        20 => "RECONF_ACCEPT",
        21 => "SIP Servers Domain Name List",
        22 => "SIP Servers IPv6 Address List",
        23 => "DNS Recursive Name Server Option",
        24 => "Domain Search List option",
        25 => "OPTION_IA_PD",
        26 => "OPTION_IAPREFIX",
        27 => "OPTION_NIS_SERVERS",
        28 => "OPTION_NISP_SERVERS",
        29 => "OPTION_NIS_DOMAIN_NAME",
        30 => "OPTION_NISP_DOMAIN_NAME",
        31 => "OPTION_SNTP_SERVERS",
        32 => "OPTION_INFORMATION_REFRESH_TIME",
        33 => "OPTION_BCMCS_SERVER_D",
        34 => "OPTION_BCMCS_SERVER_A",
        36 => "OPTION_GEOCONF_CIVIC",
        37 => "OPTION_REMOTE_ID",
        38 => "OPTION_SUBSCRIBER_ID",
        39 => "OPTION_CLIENT_FQDN",
        40 => "OPTION_PANA_AGENT",
        41 => "OPTION_NEW_POSIX_TIMEZONE",
        42 => "OPTION_NEW_TZDB_TIMEZONE",
        48 => "OPTION_LQ_CLIENT_LINK",
        56 => "OPTION_NTP_SERVER",
        59 => "OPT_BOOTFILE_URL",
        60 => "OPT_BOOTFILE_PARAM",
        61 => "OPTION_CLIENT_ARCH_TYPE",
        62 => "OPTION_NII",
        65 => "OPTION_ERP_LOCAL_DOMAIN_NAME",
        66 => "OPTION_RELAY_SUPPLIED_OPTIONS",
        68 => "OPTION_VSS",
        79 => "OPTION_CLIENT_LINKLAYER_ADDR",
        103 => "OPTION_CAPTIVE_PORTAL",
        112 => "OPTION_MUD_URL",
        148 => "OPTION_ADDR_REG_ENABLE",
        _ => return None,
    })
}

fn lifetime(number: u64) -> Option<&'static str> {
    (number == 0xffff_ffff).then_some("infinity")
}

fn status_code(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "Success",
        1 => "UnspecFail",
        2 => "NoAddrsAvail",
        3 => "NoBinding",
        4 => "NotOnLink",
        5 => "UseMulticast",
        6 => "NoPrefixAvail",
        _ => return None,
    })
}

/// Scapy's IANA_ENTERPRISE_NUMBERS: the ten it names.
fn enterprise(number: u64) -> Option<&'static str> {
    Some(match number {
        9 => "ciscoSystems",
        35 => "Nortel Networks",
        43 => "3Com",
        311 => "Microsoft",
        2636 => "Juniper Networks, Inc.",
        4526 => "Netgear",
        5771 => "Cisco Systems, Inc.",
        5842 => "Cisco Systems",
        11129 => "Google, Inc",
        16885 => "Nortel Networks",
        _ => return None,
    })
}

fn auth_protocol(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "configuration token",
        1 => "delayed authentication",
        2 => "delayed authentication (obsolete)",
        3 => "reconfigure key",
        _ => return None,
    })
}

fn auth_algorithm(number: u64) -> Option<&'static str> {
    Some(match number {
        0 => "configuration token",
        1 => "HMAC-MD5",
        _ => return None,
    })
}

fn replay_detection(number: u64) -> Option<&'static str> {
    (number == 0).then_some("use of a monotonically increasing value")
}

fn reconfigure_type(number: u64) -> Option<&'static str> {
    match number {
        5 => Some("Renew Message"),
        11 => Some("Information Request"),
        _ => None,
    }
}

fn duid_type(number: u64) -> Option<&'static str> {
    Some(match number {
        1 => "Link-layer address plus time",
        2 => "Vendor-assigned unique ID based on Enterprise Number",
        3 => "Link-layer Address",
        4 => "UUID",
        _ => return None,
    })
}

fn hardware_type(number: u64) -> Option<&'static str> {
    const NAMES: [&str; 34] = [
        "NET/ROM pseudo",
        "Ethernet (10Mb)",
        "Experimental Ethernet (3Mb)",
        "Amateur Radio AX.25",
        "Proteon ProNET Token Ring",
        "Chaos",
        "IEEE 802 Networks",
        "ARCNET",
        "Hyperchannel",
        "Lanstar",
        "Autonet Short Address",
        "LocalTalk",
        "LocalNet (IBM PCNet or SYTEK LocalNET)",
        "Ultra link",
        "SMDS",
        "Frame Relay",
        "Asynchronous Transmission Mode (ATM)",
        "HDLC",
        "Fibre Channel",
        "Asynchronous Transmission Mode (ATM)",
        "Serial Line",
        "Asynchronous Transmission Mode (ATM)",
        "MIL-STD-188-220",
        "Metricom",
        "IEEE 1394.1995",
        "MAPOS",
        "Twinaxial",
        "EUI-64",
        "HIPARP",
        "IP and ARP over ISO 7816-3",
        "ARPSec",
        "IPsec tunnel",
        "InfiniBand (TM)",
        "TIA-102 Project 25 Common Air Interface (CAI)",
    ];
    usize::try_from(number)
        .ok()
        .and_then(|n| NAMES.get(n).copied())
}

const OPTCODE: Spec = Spec::new("optcode", 0, 2, Format::Enum(option_name));
const OPTLEN: Spec = Spec::new("optlen", 2, 2, Format::Int);
const PLAIN: [Spec; 2] = [OPTCODE, OPTLEN];
const IAID: Spec = Spec::new("iaid", 4, 4, Format::Hex);
const IA: [Spec; 5] = [
    OPTCODE,
    OPTLEN,
    IAID,
    Spec::new("T1", 8, 4, Format::Int),
    Spec::new("T2", 12, 4, Format::Int),
];
const ENTERPRISE: [Spec; 3] = [
    OPTCODE,
    OPTLEN,
    Spec::new("enterprisenum", 4, 4, Format::Enum(enterprise)),
];

/// What follows an option's fixed fields; the number is what Scapy subtracts from
/// `optlen` for the part's length.
#[derive(Clone, Copy)]
enum Tail {
    Nothing,
    /// Bytes (StrLenField).
    Bytes(&'static str, i64),
    /// A DUID (PacketLenField), `None` when `optlen` is 0.
    Duid,
    /// Options (PacketListField of Scapy's option dispatch).
    Options(&'static str, i64),
    /// Option codes (the ORO), by name.
    Codes(&'static str),
    /// IPv6 addresses (IP6ListField): whole ones only.
    Addresses(&'static str),
    /// Domain names (DomainNameListField).
    Domains(&'static str),
    /// A DNS name (DNSStrField), the bytes after it left to the next option.
    Name(&'static str, i64),
    /// User or vendor class data: 2-byte length and bytes, repeated.
    ClassData(&'static str, i64, &'static str),
    /// Vendor-specific options: code, length and bytes, repeated.
    VendorOptions,
    /// NTP server suboptions.
    NtpSuboptions,
    /// 16-bit numbers (FieldListField of ShortField).
    Shorts(&'static str),
    /// A relayed message (PacketLenField of Scapy's message dispatch).
    Message,
}

/// An option class Scapy has: its class name, display name, fixed fields and tail.
type Layout = (&'static str, &'static str, &'static [Spec], Tail);

const UNKNOWN: Layout = (
    "DHCP6OptUnknown",
    "Unknown DHCPv6 Option",
    &PLAIN,
    Tail::Bytes("data", 0),
);

fn layout(code: u16) -> Option<Layout> {
    const IA_ADDRESS: [Spec; 5] = [
        OPTCODE,
        OPTLEN,
        Spec::new("addr", 4, 16, Format::Ipv6),
        Spec::new("preflft", 20, 4, Format::Enum(lifetime)),
        Spec::new("validlft", 24, 4, Format::Enum(lifetime)),
    ];
    const IA_PREFIX: [Spec; 6] = [
        OPTCODE,
        OPTLEN,
        Spec::new("preflft", 4, 4, Format::Enum(lifetime)),
        Spec::new("validlft", 8, 4, Format::Enum(lifetime)),
        Spec::new("plen", 12, 1, Format::Int),
        Spec::new("prefix", 13, 16, Format::Ipv6),
    ];
    const AUTH: [Spec; 6] = [
        OPTCODE,
        OPTLEN,
        Spec::new("proto", 4, 1, Format::Enum(auth_protocol)),
        Spec::new("alg", 5, 1, Format::Enum(auth_algorithm)),
        Spec::new("rdm", 6, 1, Format::Enum(replay_detection)),
        Spec::new("replay", 7, 8, Format::Bytes),
    ];
    const FQDN: [Spec; 4] = [
        OPTCODE,
        OPTLEN,
        Spec::bits("res", 4, 1, 0xf8, Format::Int),
        Spec::bits("flags", 4, 1, 0x07, Format::Flags(&["S", "O", "N"], "+")),
    ];
    let layout: Layout = match code {
        1 => (
            "DHCP6OptClientId",
            "DHCP6 Client Identifier Option",
            &PLAIN,
            Tail::Duid,
        ),
        2 => (
            "DHCP6OptServerId",
            "DHCP6 Server Identifier Option",
            &PLAIN,
            Tail::Duid,
        ),
        3 => (
            "DHCP6OptIA_NA",
            "DHCP6 Identity Association for Non-temporary Addresses Option",
            &IA,
            Tail::Options("ianaopts", 12),
        ),
        4 => (
            "DHCP6OptIA_TA",
            "DHCP6 Identity Association for Temporary Addresses Option",
            &[OPTCODE, OPTLEN, IAID],
            Tail::Options("iataopts", 4),
        ),
        5 => (
            "DHCP6OptIAAddress",
            "DHCP6 IA Address Option (IA_TA or IA_NA suboption)",
            &IA_ADDRESS,
            Tail::Options("iaaddropts", 24),
        ),
        6 => (
            "DHCP6OptOptReq",
            "DHCP6 Option Request Option",
            &PLAIN,
            Tail::Codes("reqopts"),
        ),
        7 => (
            "DHCP6OptPref",
            "DHCP6 Preference Option",
            const { &[OPTCODE, OPTLEN, Spec::new("prefval", 4, 1, Format::Int)] },
            Tail::Nothing,
        ),
        8 => (
            "DHCP6OptElapsedTime",
            "DHCP6 Elapsed Time Option",
            const { &[OPTCODE, OPTLEN, Spec::new("elapsedtime", 4, 2, Format::Int)] },
            Tail::Nothing,
        ),
        9 => (
            "DHCP6OptRelayMsg",
            "DHCP6 Relay Message Option",
            &PLAIN,
            Tail::Message,
        ),
        11 => (
            "DHCP6OptAuth",
            "DHCP6 Option - Authentication",
            &AUTH,
            Tail::Bytes("authinfo", 11),
        ),
        12 => (
            "DHCP6OptServerUnicast",
            "DHCP6 Server Unicast Option",
            const { &[OPTCODE, OPTLEN, Spec::new("srvaddr", 4, 16, Format::Ipv6)] },
            Tail::Nothing,
        ),
        13 => (
            "DHCP6OptStatusCode",
            "DHCP6 Status Code Option",
            const {
                &[
                    OPTCODE,
                    OPTLEN,
                    Spec::new("statuscode", 4, 2, Format::Enum(status_code)),
                ]
            },
            Tail::Bytes("statusmsg", 2),
        ),
        14 => (
            "DHCP6OptRapidCommit",
            "DHCP6 Rapid Commit Option",
            &PLAIN,
            Tail::Nothing,
        ),
        15 => (
            "DHCP6OptUserClass",
            "DHCP6 User Class Option",
            &PLAIN,
            Tail::ClassData("userclassdata", 0, "user class data"),
        ),
        16 => (
            "DHCP6OptVendorClass",
            "DHCP6 Vendor Class Option",
            &ENTERPRISE,
            Tail::ClassData("vcdata", 4, "vendor class data"),
        ),
        17 => (
            "DHCP6OptVendorSpecificInfo",
            "DHCP6 Vendor-specific Information Option",
            &ENTERPRISE,
            Tail::VendorOptions,
        ),
        18 => (
            "DHCP6OptIfaceId",
            "DHCP6 Interface-Id Option",
            &PLAIN,
            Tail::Bytes("ifaceid", 0),
        ),
        19 => (
            "DHCP6OptReconfMsg",
            "DHCP6 Reconfigure Message Option",
            const {
                &[
                    OPTCODE,
                    OPTLEN,
                    Spec::new("msgtype", 4, 1, Format::Enum(reconfigure_type)),
                ]
            },
            Tail::Nothing,
        ),
        20 => (
            "DHCP6OptReconfAccept",
            "DHCP6 Reconfigure Accept Option",
            &PLAIN,
            Tail::Nothing,
        ),
        21 => (
            "DHCP6OptSIPDomains",
            "DHCP6 Option - SIP Servers Domain Name List",
            &PLAIN,
            Tail::Domains("sipdomains"),
        ),
        22 => (
            "DHCP6OptSIPServers",
            "DHCP6 Option - SIP Servers IPv6 Address List",
            &PLAIN,
            Tail::Addresses("sipservers"),
        ),
        23 => (
            "DHCP6OptDNSServers",
            "DHCP6 Option - DNS Recursive Name Server",
            &PLAIN,
            Tail::Addresses("dnsservers"),
        ),
        24 => (
            "DHCP6OptDNSDomains",
            "DHCP6 Option - Domain Search List option",
            &PLAIN,
            Tail::Domains("dnsdomains"),
        ),
        25 => (
            "DHCP6OptIA_PD",
            "DHCP6 Option - Identity Association for Prefix Delegation",
            &IA,
            Tail::Options("iapdopt", 12),
        ),
        26 => (
            "DHCP6OptIAPrefix",
            "DHCP6 Option - IA Prefix option",
            &IA_PREFIX,
            Tail::Options("iaprefopts", 25),
        ),
        27 => (
            "DHCP6OptNISServers",
            "DHCP6 Option - NIS Servers",
            &PLAIN,
            Tail::Addresses("nisservers"),
        ),
        28 => (
            "DHCP6OptNISPServers",
            "DHCP6 Option - NIS+ Servers",
            &PLAIN,
            Tail::Addresses("nispservers"),
        ),
        29 => (
            "DHCP6OptNISDomain",
            "DHCP6 Option - NIS Domain Name",
            &PLAIN,
            Tail::Name("nisdomain", 0),
        ),
        30 => (
            "DHCP6OptNISPDomain",
            "DHCP6 Option - NIS+ Domain Name",
            &PLAIN,
            Tail::Name("nispdomain", 0),
        ),
        31 => (
            "DHCP6OptSNTPServers",
            "DHCP6 option - SNTP Servers",
            &PLAIN,
            Tail::Addresses("sntpservers"),
        ),
        32 => (
            "DHCP6OptInfoRefreshTime",
            "DHCP6 Option - Information Refresh Time",
            const { &[OPTCODE, OPTLEN, Spec::new("reftime", 4, 4, Format::Int)] },
            Tail::Nothing,
        ),
        33 => (
            "DHCP6OptBCMCSDomains",
            "DHCP6 Option - BCMCS Domain Name List",
            &PLAIN,
            Tail::Domains("bcmcsdomains"),
        ),
        34 => (
            "DHCP6OptBCMCSServers",
            "DHCP6 Option - BCMCS Addresses List",
            &PLAIN,
            Tail::Addresses("bcmcsservers"),
        ),
        37 => (
            "DHCP6OptRemoteID",
            "DHCP6 Option - Relay Agent Remote-ID",
            &ENTERPRISE,
            Tail::Bytes("remoteid", 4),
        ),
        38 => (
            "DHCP6OptSubscriberID",
            "DHCP6 Option - Subscriber ID",
            &PLAIN,
            Tail::Bytes("subscriberid", 0),
        ),
        39 => (
            "DHCP6OptClientFQDN",
            "DHCP6 Option - Client FQDN",
            &FQDN,
            Tail::Name("fqdn", 1),
        ),
        40 => (
            "DHCP6OptPanaAuthAgent",
            "DHCP6 PANA Authentication Agent Option",
            &PLAIN,
            Tail::Addresses("paaaddr"),
        ),
        41 => (
            "DHCP6OptNewPOSIXTimeZone",
            "DHCP6 POSIX Timezone Option",
            &PLAIN,
            Tail::Bytes("optdata", 0),
        ),
        42 => (
            "DHCP6OptNewTZDBTimeZone",
            "DHCP6 TZDB Timezone Option",
            &PLAIN,
            Tail::Bytes("optdata", 0),
        ),
        43 => (
            "DHCP6OptRelayAgentERO",
            "DHCP6 Option - RelayRequest Option",
            &PLAIN,
            Tail::Codes("reqopts"),
        ),
        48 => (
            "DHCP6OptLQClientLink",
            "DHCP6 Client Link Option",
            &PLAIN,
            Tail::Addresses("linkaddress"),
        ),
        56 => (
            "DHCP6OptNTPServer",
            "DHCP6 NTP Server Option",
            &PLAIN,
            Tail::NtpSuboptions,
        ),
        59 => (
            "DHCP6OptBootFileUrl",
            "DHCP6 Boot File URL Option",
            &PLAIN,
            Tail::Bytes("optdata", 0),
        ),
        61 => (
            "DHCP6OptClientArchType",
            "DHCP6 Client System Architecture Type Option",
            &PLAIN,
            Tail::Shorts("archtypes"),
        ),
        62 => (
            "DHCP6OptClientNetworkInterId",
            "DHCP6 Client Network Interface Identifier Option",
            const {
                &[
                    OPTCODE,
                    OPTLEN,
                    Spec::new("iitype", 4, 1, Format::Int),
                    Spec::new("iimajor", 5, 1, Format::Int),
                    Spec::new("iiminor", 6, 1, Format::Int),
                ]
            },
            Tail::Nothing,
        ),
        65 => (
            "DHCP6OptERPDomain",
            "DHCP6 Option - ERP Domain Name List",
            &PLAIN,
            Tail::Domains("erpdomain"),
        ),
        66 => (
            "DHCP6OptRelaySuppliedOpt",
            "DHCP6 Relay-Supplied Options Option",
            &PLAIN,
            Tail::Options("relaysupplied", 0),
        ),
        // Scapy takes `optlen` bytes of data after the type byte that `optlen` counts.
        68 => (
            "DHCP6OptVSS",
            "DHCP6 Option - Virtual Subnet Selection",
            const { &[OPTCODE, OPTLEN, Spec::new("type", 4, 1, Format::Int)] },
            Tail::Bytes("data", 0),
        ),
        79 => (
            "DHCP6OptClientLinkLayerAddr",
            "DHCP6 Option - Client Link Layer address",
            const {
                &[
                    OPTCODE,
                    OPTLEN,
                    Spec::new("lltype", 4, 2, Format::Int),
                    Spec::new("clladdr", 6, 6, Format::Mac),
                ]
            },
            Tail::Nothing,
        ),
        103 => (
            "DHCP6OptCaptivePortal",
            "DHCP6 Option - Captive-Portal",
            &PLAIN,
            Tail::Bytes("URI", 0),
        ),
        112 => (
            "DHCP6OptMudUrl",
            "DHCP6 Option - MUD URL",
            &PLAIN,
            Tail::Bytes("mudstring", 0),
        ),
        148 => (
            "DHCP6OptAddrRegEnable",
            "DHCP6 Address Registration Option",
            &PLAIN,
            Tail::Nothing,
        ),
        _ => return None,
    };
    Some(layout)
}

/// Scapy's class and display name for a top-level option of this code.
pub fn option_names(code: u16) -> (&'static str, &'static str) {
    let (class, name, ..) = layout(code).unwrap_or(UNKNOWN);
    (class, name)
}

fn code_at(data: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([data[at], data[at + 1]])
}

/// Scapy's Raw sub-packet, `depth` payloads into its chain.
fn raw_group(data: &[u8], range: Range<usize>, depth: usize) -> Group {
    let mut group = Group::raw(data, range);
    group.depth = depth;
    group
}

fn number(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |n, &b| n << 8 | u64::from(b))
}

/// Reads the option at `rest.at` in `layout`; its fields, or `None` where Scapy gives
/// it up. `nesting`: how many relayed messages it is inside.
fn read(data: &[u8], rest: &mut Rest, layout: &Layout, nesting: usize) -> Option<Vec<Field>> {
    let at = rest.at;
    let (_, _, specs, tail) = *layout;
    let mut fields = rest.prefix(data, specs)?;
    if let Some(elapsed) = fields.iter_mut().find(|f| f.name == "elapsedtime") {
        let hundredths = elapsed.value.number().unwrap_or(0);
        elapsed.value = Value::Text(if hundredths == 0xffff {
            "infinity (0xffff)".to_string()
        } else {
            format!("{}.{:02} sec", hundredths / 100, hundredths % 100)
        });
    }
    let optlen = OPTLEN.get(data, at) as i64;
    match tail {
        Tail::Nothing => {}
        Tail::Bytes(name, minus) => {
            let value = rest.slice(optlen - minus);
            fields.push(field(
                name,
                value.clone(),
                Value::Bytes(data[value].to_vec()),
            ));
        }
        Tail::Duid => {
            let value = rest.slice(optlen);
            let shown = if optlen == 0 {
                Value::None
            } else {
                Value::Packets(duid(data, value.clone()))
            };
            fields.push(field("duid", value, shown));
        }
        Tail::Options(name, minus) => {
            let region = rest.slice(optlen - minus);
            let groups = option_list(data, region.clone(), nesting)?;
            fields.push(field(name, region, Value::Packets(groups)));
        }
        Tail::Codes(name) => {
            let value = rest.slice(optlen);
            let codes: Vec<String> = data[value.clone()]
                .chunks_exact(2)
                .map(|pair| {
                    let code = number(pair);
                    option_name(code).map_or_else(|| code.to_string(), str::to_string)
                })
                .collect();
            let text = Value::Text(format!("[{}]", codes.join(", ")));
            fields.push(field(name, value, text));
        }
        Tail::Addresses(name) => {
            let region = rest.slice(optlen);
            let whole = region.len() / 16 * 16;
            let list = region.start..region.start + whole;
            // What does not make a whole address goes back to the rest.
            rest.at = list.end;
            let addresses: Vec<String> = data[list.clone()]
                .chunks_exact(16)
                .map(|a| super::ipv6_address(a, 0).to_string())
                .collect();
            let text = Value::Text(format!("[ {} ]", addresses.join(", ")));
            fields.push(field(name, list, text));
        }
        Tail::Domains(name) => {
            let value = rest.slice(optlen);
            let text = domain_list(&data[value.clone()]);
            fields.push(field(name, value, Value::Text(text)));
        }
        Tail::Name(name, minus) => {
            let slice = rest.slice(optlen - minus);
            let (decoded, used) = dns_name(&data[slice.clone()])?;
            // The bytes after the name go back to the rest.
            rest.at = slice.start + used;
            let value = slice.start..rest.at;
            fields.push(field(name, value, Value::Bytes(decoded)));
        }
        Tail::ClassData(name, minus, class) => {
            let region = rest.slice(optlen - minus);
            let groups = class_data(data, region.clone(), class)?;
            fields.push(field(name, region, Value::Packets(groups)));
        }
        Tail::VendorOptions => {
            let region = rest.slice(optlen - 4);
            let groups = vendor_options(data, region.clone())?;
            fields.push(field("vso", region, Value::Packets(groups)));
        }
        Tail::NtpSuboptions => {
            let region = rest.slice(optlen);
            let groups = ntp_suboptions(data, region.clone())?;
            fields.push(field("ntpserver", region, Value::Packets(groups)));
        }
        Tail::Shorts(name) => {
            let region = rest.slice(optlen);
            if region.len() % 2 != 0 || region.len() / 2 > MAX_LIST {
                return None;
            }
            let items: Vec<String> = data[region.clone()]
                .chunks_exact(2)
                .map(|pair| number(pair).to_string())
                .collect();
            let text = Value::Text(format!("[{}]", items.join(", ")));
            fields.push(field(name, region, text));
        }
        Tail::Message => {
            let value = rest.slice(optlen);
            let shown = if optlen == 0 {
                Value::None
            } else {
                Value::Packets(relayed(data, value.clone(), nesting + 1))
            };
            fields.push(field("message", value, shown));
        }
    }
    Some(fields)
}

/// How a chain of options ended.
enum Ended {
    /// The bytes ran out.
    Exhausted,
    /// An IA address or prefix: the bytes from here are its padding.
    Padding(usize),
    /// The rest became Raw (too short, unknown where no class applies, unreadable).
    Raw,
}

/// Options one after the other from `at` to `end`, each the payload of the one
/// before (`depth` counts from the first), as groups. `in_list`: the first comes
/// through a list's dispatch, where an unknown code is Raw rather than
/// DHCP6OptUnknown, and padding goes back to the list rather than being shown.
fn chain(
    data: &[u8],
    at: usize,
    end: usize,
    depth: usize,
    in_list: bool,
    nesting: usize,
    groups: &mut Vec<Group>,
) -> Ended {
    let mut next = at;
    let mut depth = depth;
    let mut first = true;
    loop {
        if next >= end {
            return Ended::Exhausted;
        }
        let known = (end - next > 2)
            .then(|| layout(code_at(data, next)))
            .flatten();
        let layout = match known {
            Some(layout) => layout,
            None if end - next > 2 && !(first && in_list) => UNKNOWN,
            None => {
                groups.push(raw_group(data, next..end, depth));
                return Ended::Raw;
            }
        };
        let mut rest = Rest { at: next, end };
        let Some(fields) = read(data, &mut rest, &layout, nesting) else {
            groups.push(raw_group(data, next..end, depth));
            return Ended::Raw;
        };
        let mut group = Group::new(layout.1, next..rest.at, fields);
        group.depth = depth;
        groups.push(group);
        let ends_chain = ENDS_CHAIN.contains(&code_at(data, next));
        next = rest.at;
        depth += 1;
        first = false;
        if ends_chain {
            if next >= end {
                return Ended::Exhausted;
            }
            if !in_list {
                let mut padding = raw_group(data, next..end, depth);
                padding.name = "Padding".into();
                groups.push(padding);
            }
            return Ended::Padding(next);
        }
    }
}

/// A list of options (IA_NA's, IA_TA's, ...): each item a chain (see `chain`), the
/// next item where an IA address or prefix hands the rest back; `None` over Scapy's
/// list limit.
fn option_list(data: &[u8], region: Range<usize>, nesting: usize) -> Option<Vec<Group>> {
    let mut groups = Vec::new();
    let mut at = region.start;
    let mut items = 0;
    while at < region.end {
        let ended = chain(data, at, region.end, 0, true, nesting, &mut groups);
        items += 1;
        if items > MAX_LIST {
            return None;
        }
        match ended {
            Ended::Padding(next) => at = next,
            Ended::Exhausted | Ended::Raw => break,
        }
    }
    Some(groups)
}

/// A relayed message: Scapy's message dispatch (Raw below 2 bytes or for an unknown
/// type) and its options, each one level deeper.
fn relayed(data: &[u8], value: Range<usize>, nesting: usize) -> Vec<Group> {
    let message_type = data.get(value.start).copied().unwrap_or(0);
    if value.len() < 2 || !is_message(message_type) || nesting > MAX_NESTING {
        return vec![raw_group(data, value, 0)];
    }
    let mut rest = Rest {
        at: value.start,
        end: value.end,
    };
    let Some(fields) = rest.prefix(data, message_specs(message_type)) else {
        return vec![raw_group(data, value, 0)];
    };
    let mut groups = vec![Group::new(
        message_names(message_type).1,
        value.start..rest.at,
        fields,
    )];
    chain(data, rest.at, value.end, 1, false, nesting, &mut groups);
    groups
}

/// A DUID in Scapy's class for its type (over 4 bytes), else Raw; what its fields do
/// not use is Raw after it.
fn duid(data: &[u8], value: Range<usize>) -> Vec<Group> {
    const LLT: [Spec; 4] = [
        Spec::new("type", 0, 2, Format::Enum(duid_type)),
        Spec::new("hwtype", 2, 2, Format::HexEnum(hardware_type)),
        Spec::new("timeval", 4, 4, Format::Int),
        Spec::new("lladdr", 8, 6, Format::Mac),
    ];
    const EN: [Spec; 2] = [
        Spec::new("type", 0, 2, Format::Enum(duid_type)),
        Spec::new("enterprisenum", 2, 4, Format::Enum(enterprise)),
    ];
    const LL: [Spec; 3] = [
        Spec::new("type", 0, 2, Format::Enum(duid_type)),
        Spec::new("hwtype", 2, 2, Format::HexEnum(hardware_type)),
        Spec::new("lladdr", 4, 6, Format::Mac),
    ];
    const UUID: [Spec; 1] = [Spec::new("type", 0, 2, Format::Enum(duid_type))];
    let kind = (value.len() > 4).then(|| code_at(data, value.start));
    let (name, specs): (&str, &[Spec]) = match kind {
        Some(1) => ("DUID - Link-layer address plus time", &LLT),
        Some(2) => ("DUID - Assigned by Vendor Based on Enterprise Number", &EN),
        Some(3) => ("DUID - Based on Link-layer Address", &LL),
        Some(4) => ("DUID - Based on UUID", &UUID),
        _ => return vec![raw_group(data, value, 0)],
    };
    let mut rest = Rest {
        at: value.start,
        end: value.end,
    };
    let Some(mut fields) = rest.prefix(data, specs) else {
        return vec![raw_group(data, value, 0)];
    };
    match kind {
        Some(1) => {
            // Scapy's UTCTimeField from 2000-01-01: the date, then the Unix time.
            let time = fields[2].value.number().unwrap_or(0) + 946_684_800;
            fields[2].value = super::field::utc_time(time);
        }
        Some(2) => {
            let id = rest.at..value.end;
            rest.at = value.end;
            fields.push(field("id", id.clone(), Value::Bytes(data[id].to_vec())));
        }
        Some(4) => {
            let Some(uuid) = rest.take(16) else {
                return vec![raw_group(data, value, 0)];
            };
            let hex = super::field::hex(&data[uuid.clone()]);
            let text = format!(
                "UUID('{}-{}-{}-{}-{}')",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            );
            fields.push(field("uuid", uuid, Value::Text(text)));
        }
        _ => {}
    }
    let mut groups = vec![Group::new(name, value.start..rest.at, fields)];
    if rest.at < value.end {
        groups.push(raw_group(data, rest.at..value.end, 1));
    }
    groups
}

/// User or vendor class data: each a 2-byte length and that many bytes (as many as
/// there are); `None` where an item's length is cut short (Scapy's loop does not
/// catch that).
fn class_data(data: &[u8], region: Range<usize>, class: &'static str) -> Option<Vec<Group>> {
    let mut groups = Vec::new();
    let mut rest = Rest {
        at: region.start,
        end: region.end,
    };
    while rest.at < region.end {
        let start = rest.at;
        let length = rest.take(2)?;
        let bytes = rest.slice(number(&data[length.clone()]) as i64);
        let fields = vec![
            field("len", length.clone(), Value::Int(number(&data[length]))),
            field("data", bytes.clone(), Value::Bytes(data[bytes].to_vec())),
        ];
        groups.push(Group::new(class, start..rest.at, fields));
    }
    Some(groups)
}

/// Vendor-specific options: code, length and that many bytes each.
fn vendor_options(data: &[u8], region: Range<usize>) -> Option<Vec<Group>> {
    const HEAD: [Spec; 2] = [
        Spec::new("optcode", 0, 2, Format::Int),
        Spec::new("optlen", 2, 2, Format::Int),
    ];
    let mut groups = Vec::new();
    let mut rest = Rest {
        at: region.start,
        end: region.end,
    };
    while rest.at < region.end {
        let start = rest.at;
        let mut fields = rest.prefix(data, &HEAD)?;
        let bytes = rest.slice(HEAD[1].get(data, start) as i64);
        fields.push(field(
            "optdata",
            bytes.clone(),
            Value::Bytes(data[bytes].to_vec()),
        ));
        groups.push(Group::new(
            "vendor specific option data",
            start..rest.at,
            fields,
        ));
    }
    Some(groups)
}

/// NTP server suboptions: a server address, a multicast address or a server name;
/// anything else, or one that cannot be read, Raw with the rest.
fn ntp_suboptions(data: &[u8], region: Range<usize>) -> Option<Vec<Group>> {
    const HEAD: [Spec; 2] = [
        Spec::new("optcode", 0, 2, Format::Int),
        Spec::new("optlen", 2, 2, Format::Int),
    ];
    const ADDRESS: [Spec; 3] = [HEAD[0], HEAD[1], Spec::new("addr", 4, 16, Format::Ipv6)];
    packet_list(data, region.clone(), |rest| {
        let at = rest.at;
        let code = (region.end - at >= 2).then(|| code_at(data, at))?;
        let (name, fields) = match code {
            1 => (
                "DHCP6 NTP Server Address Suboption",
                rest.prefix(data, &ADDRESS)?,
            ),
            2 => (
                "DHCP6 NTP Multicast Address Suboption",
                rest.prefix(data, &ADDRESS)?,
            ),
            3 => {
                let mut fields = rest.prefix(data, &HEAD)?;
                let slice = rest.slice(HEAD[1].get(data, at) as i64);
                let (decoded, used) = dns_name(&data[slice.clone()])?;
                rest.at = slice.start + used;
                fields.push(field("fqdn", slice.start..rest.at, Value::Bytes(decoded)));
                ("DHCP6 NTP Server FQDN Suboption", fields)
            }
            _ => return None,
        };
        Some(Group::new(name, at..rest.at, fields))
    })
}

/// Scapy's `dns_get_str` without a message to follow pointers into: the name's labels
/// (`b"."` for none) and how many bytes it used; `None` where a pointer needs that
/// message (Scapy raises).
fn dns_name(bytes: &[u8]) -> Option<(Vec<u8>, usize)> {
    let mut name = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let length = bytes[at];
        at += 1;
        if length & 0xc0 != 0 {
            if at >= bytes.len() {
                // An incomplete pointer: Scapy stops, one byte past the data.
                at += 1;
                break;
            }
            return None;
        }
        if length == 0 {
            break;
        }
        let label = at..(at + usize::from(length)).min(bytes.len());
        name.extend_from_slice(&bytes[label]);
        name.push(b'.');
        at += usize::from(length);
    }
    if name.is_empty() {
        name.push(b'.');
    }
    Some((name, at.min(bytes.len())))
}

/// Scapy's DomainNameListField's value, as a Python list of strings.
fn domain_list(bytes: &[u8]) -> String {
    let names: Vec<String> = super::dns::domain_names(bytes, false)
        .iter()
        .map(|name| python_str(name))
        .collect();
    format!("[{}]", names.join(", "))
}

/// DHCPv6 at `at` (the UDP payload, to `end`): Scapy's message dispatch (2 bytes and a
/// known type), then the options, each a layer; an IA address or prefix ends them
/// (the rest is padding, as Scapy reads it).
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let data = walk.data;
    let message_type = data.get(at).copied().unwrap_or(0);
    if end < at + 2 || !is_message(message_type) {
        return walk.raw(at, end);
    }
    let mut rest = Rest { at, end };
    if rest.prefix(data, message_specs(message_type)).is_none() {
        return walk.raw(at, end);
    }
    walk.push(Kind::Dhcp6Message { message_type }, at..rest.at);
    let mut next = rest.at;
    while next < end {
        if end - next <= 2 || walk.chain_full() {
            return walk.raw(next, end);
        }
        let code = code_at(data, next);
        let layout = layout(code).unwrap_or(UNKNOWN);
        let mut rest = Rest { at: next, end };
        if read(data, &mut rest, &layout, 0).is_none() {
            return walk.raw(next, end);
        }
        walk.push(Kind::Dhcp6Option { code, end }, next..rest.at);
        next = rest.at;
        if ENDS_CHAIN.contains(&code) {
            if next < end {
                walk.push(Kind::Padding, next..end);
            }
            return;
        }
    }
}

pub(super) fn message_fields(data: &[u8], at: usize, message_type: u8) -> Vec<Field> {
    super::field::fixed(message_specs(message_type), data, at)
}

/// An option's fields; `end`: where the message ends (Scapy's slices reach it).
pub(super) fn option_fields(data: &[u8], at: usize, code: u16, end: usize) -> Vec<Field> {
    let layout = layout(code).unwrap_or(UNKNOWN);
    let mut rest = Rest {
        at,
        end: end.min(data.len()),
    };
    read(data, &mut rest, &layout, 0).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::super::field::python_bytes;
    use super::*;

    #[test]
    fn names_read_as_scapy_reads_them() {
        // Each beside what Scapy 2.8.0's dns_get_str and DomainNameListField give.
        assert_eq!(dns_name(b"\x03lab\x00rest"), Some((b"lab.".to_vec(), 5)));
        assert_eq!(dns_name(b""), Some((b".".to_vec(), 0)));
        assert_eq!(dns_name(b"\x05ab"), Some((b"ab.".to_vec(), 3)));
        assert_eq!(dns_name(b"\x01a\xc0"), Some((b"a.".to_vec(), 3)));
        assert_eq!(dns_name(b"\xc0\x0c"), None);
        assert_eq!(python_bytes(&dns_name(b"\x00").unwrap().0), "b'.'");
        assert_eq!(
            domain_list(b"\x03lab\x00\x07example\x03org\x00"),
            "['lab.', 'example.org.']"
        );
        // The undecodable byte is `\xff` (4 characters) before labels are cut.
        assert_eq!(domain_list(b"\x01\xff\x00"), r"['\\.ff\x00.']");
        assert_eq!(domain_list(b""), "[]");
    }
}
