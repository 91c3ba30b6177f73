//! iproute2's names for kernel numbers: link flags, ARPHRD types, scopes, address
//! flags, and its way of writing link-layer addresses. Shared by the text and JSON
//! printers so both always agree with `ip`.

use super::{iff, AF_INET, AF_INET6};

/// IFF_* flags in the order `ip` prints them (ip/ipaddress.c, print_link_flags).
const LINK_FLAGS: [(u32, &str); 18] = [
    (0x8, "LOOPBACK"),
    (0x2, "BROADCAST"),
    (0x10, "POINTOPOINT"),
    (0x1000, "MULTICAST"),
    (0x80, "NOARP"),
    (0x200, "ALLMULTI"),
    (0x100, "PROMISC"),
    (0x400, "MASTER"),
    (0x800, "SLAVE"),
    (0x4, "DEBUG"),
    (0x8000, "DYNAMIC"),
    (0x4000, "AUTOMEDIA"),
    (0x2000, "PORTSEL"),
    (0x20, "NOTRAILERS"),
    (0x1, "UP"),
    (0x10000, "LOWER_UP"),
    (0x20000, "DORMANT"),
    (0x40000, "ECHO"),
];

/// The words between `<` and `>`: NO-CARRIER for an up link without carrier, the
/// named flags, leftover bits in hex, and M-DOWN when the lower device is down.
pub fn link_flags(flags: u32, lower_down: bool) -> Vec<String> {
    let mut words = Vec::new();
    if flags & iff::UP != 0 && flags & iff::RUNNING == 0 {
        words.push("NO-CARRIER".to_string());
    }
    let mut rest = flags & !iff::RUNNING;
    for (bit, name) in LINK_FLAGS {
        if rest & bit != 0 {
            rest &= !bit;
            words.push(name.to_string());
        }
    }
    if rest != 0 {
        words.push(format!("{rest:x}"));
    }
    if lower_down {
        words.push("M-DOWN".to_string());
    }
    words
}

/// ARPHRD_* names as iproute2's ll_types.c has them.
pub fn link_type(arphrd: u16) -> String {
    let name = match arphrd {
        0 => "netrom",
        1 => "ether",
        2 => "eether",
        3 => "ax25",
        6 => "ieee802",
        19 => "atm",
        24 => "ieee1394",
        32 => "infiniband",
        256 => "slip",
        257 => "cslip",
        258 => "slip6",
        259 => "cslip6",
        280 => "can",
        512 => "ppp",
        513 => "hdlc",
        768 => "ipip",
        769 => "tunnel6",
        772 => "loopback",
        774 => "fddi",
        776 => "sit",
        778 => "gre",
        779 => "pimreg",
        783 => "irda",
        800 => "tr",
        801 => "ieee802.11",
        802 => "ieee802.11/prism",
        803 => "ieee802.11/radiotap",
        804 => "ieee802.15.4",
        805 => "ieee802.15.4/monitor",
        820 => "phonet",
        821 => "phonet_pipe",
        822 => "caif",
        823 => "gre6",
        824 => "netlink",
        825 => "6lowpan",
        0xfffe => "none",
        0xffff => "void",
        other => return format!("[{other}]"),
    };
    name.to_string()
}

/// A link-layer address as iproute2 writes it: IPv4/IPv6 notation for tunnels whose
/// "hardware address" is an IP address, colon-separated hex otherwise.
pub fn link_address(bytes: &[u8], arphrd: u16) -> String {
    const TUNNEL: u16 = 768;
    const TUNNEL6: u16 = 769;
    const SIT: u16 = 776;
    const IPGRE: u16 = 778;
    const IP6GRE: u16 = 823;
    if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
        if matches!(arphrd, TUNNEL | SIT | IPGRE) {
            return std::net::Ipv4Addr::from(v4).to_string();
        }
    }
    if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
        if matches!(arphrd, TUNNEL6 | IP6GRE) {
            return std::net::Ipv6Addr::from(v6).to_string();
        }
    }
    crate::addr::format_mac(bytes)
}

/// RT_SCOPE_* names.
pub fn scope(scope: u8) -> String {
    match scope {
        0 => "global".into(),
        200 => "site".into(),
        253 => "link".into(),
        254 => "host".into(),
        255 => "nowhere".into(),
        other => other.to_string(),
    }
}

/// Interface group names (only the default group has a name without /etc/iproute2/group).
pub fn group(group: u32) -> String {
    if group == 0 {
        "default".into()
    } else {
        group.to_string()
    }
}

/// Address family as `ip` names it.
pub fn family(family: u8) -> Option<&'static str> {
    match family {
        AF_INET => Some("inet"),
        AF_INET6 => Some("inet6"),
        _ => None,
    }
}

const IFA_F_SECONDARY: u32 = 0x01;
const IFA_F_PERMANENT: u32 = 0x80;

/// IFA_F_* flags in the order `ip` prints them (print_ifa_flags).
const ADDRESS_FLAGS: [(u32, &str); 12] = [
    (IFA_F_SECONDARY, "secondary"),
    (0x02, "nodad"),
    (0x04, "optimistic"),
    (0x08, "dadfailed"),
    (0x10, "home"),
    (0x20, "deprecated"),
    (0x40, "tentative"),
    (IFA_F_PERMANENT, "permanent"),
    (0x100, "mngtmpaddr"),
    (0x200, "noprefixroute"),
    (0x400, "autojoin"),
    (0x800, "stable-privacy"),
];

/// The flag words of an address and any leftover bits: `secondary` is `temporary`
/// for IPv6, and an address without `permanent` is `dynamic`.
pub fn address_flags(family: u8, flags: u32) -> (Vec<&'static str>, u32) {
    let mut words = Vec::new();
    let mut rest = flags;
    for (bit, name) in ADDRESS_FLAGS {
        if bit == IFA_F_PERMANENT {
            if flags & bit == 0 {
                words.push("dynamic");
            }
        } else if flags & bit != 0 {
            words.push(if bit == IFA_F_SECONDARY && family == AF_INET6 {
                "temporary"
            } else {
                name
            });
        }
        rest &= !bit;
    }
    (words, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_flags_follow_iproute2_order_and_rules() {
        // UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP: a veth with carrier.
        assert_eq!(
            link_flags(0x11043, false),
            ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]
        );
        // Up without RUNNING: no carrier.
        assert_eq!(
            link_flags(0x1003, false),
            ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"]
        );
        assert_eq!(
            link_flags(0x1002, true),
            ["BROADCAST", "MULTICAST", "M-DOWN"]
        );
        assert_eq!(link_flags(0x8_0000 | 0x8, false), ["LOOPBACK", "80000"]);
    }

    #[test]
    fn address_flags_name_dynamic_and_temporary() {
        assert_eq!(address_flags(AF_INET, 0x80 | 0x01), (vec!["secondary"], 0));
        assert_eq!(
            address_flags(AF_INET6, 0x40),
            (vec!["tentative", "dynamic"], 0)
        );
        assert_eq!(address_flags(AF_INET6, 0x80 | 0x01), (vec!["temporary"], 0));
        assert_eq!(address_flags(AF_INET, 0x80 | 0x1000), (vec![], 0x1000));
    }

    #[test]
    fn tunnel_addresses_are_written_as_ip_addresses() {
        assert_eq!(link_address(&[10, 0, 0, 1], 768), "10.0.0.1");
        assert_eq!(link_address(&[10, 0, 0, 1], 1), "0a:00:00:01");
        assert_eq!(link_type(1), "ether");
        assert_eq!(link_type(4242), "[4242]");
    }
}
