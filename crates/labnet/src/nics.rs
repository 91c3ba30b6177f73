//! Network interfaces and their addresses, read from the kernel with rtnetlink
//! (RTM_GETLINK / RTM_GETADDR dumps), in whatever namespace the socket lives in.

use std::net::IpAddr;

use netlink_packet_route::address::{AddressAttribute, AddressMessage, AddressScope};
use netlink_packet_route::link::{LinkAttribute, LinkFlags, LinkMessage, State};
use netlink_packet_route::RouteNetlinkMessage;
use serde::Serialize;

use crate::error::Result;
use crate::netlink::RouteSocket;

/// One network interface (a NIC, virtual or not) with its addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interface {
    pub index: u32,
    pub name: String,
    /// Link-layer (MAC) address as `08:00:27:56:00:65`, when the link has one.
    pub mac: Option<String>,
    pub mtu: u32,
    /// Administratively up (IFF_UP).
    pub up: bool,
    /// Operational state as `ip` prints it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, ...
    pub operstate: String,
    pub addresses: Vec<InterfaceAddress>,
}

/// One IP address on an interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InterfaceAddress {
    pub address: IpAddr,
    pub prefix_len: u8,
    /// `global`, `link`, `host`, ... as `ip` prints it.
    pub scope: String,
}

/// Lists the interfaces visible to `socket`, ordered by index, each with its addresses.
pub fn list(socket: &mut RouteSocket) -> Result<Vec<Interface>> {
    let links = socket.dump(
        RouteNetlinkMessage::GetLink(LinkMessage::default()),
        "listing network interfaces",
    )?;
    let mut interfaces: Vec<Interface> = links
        .into_iter()
        .filter_map(|m| match m {
            RouteNetlinkMessage::NewLink(link) => Some(interface_from(link)),
            _ => None,
        })
        .collect();
    interfaces.sort_by_key(|i| i.index);
    let addresses = socket.dump(
        RouteNetlinkMessage::GetAddress(AddressMessage::default()),
        "listing addresses",
    )?;
    for message in addresses {
        let RouteNetlinkMessage::NewAddress(address) = message else {
            continue;
        };
        let index = address.header.index;
        if let (Some(iface), Some(addr)) = (
            interfaces.iter_mut().find(|i| i.index == index),
            address_from(&address),
        ) {
            iface.addresses.push(addr);
        }
    }
    Ok(interfaces)
}

fn interface_from(link: LinkMessage) -> Interface {
    let mut iface = Interface {
        index: link.header.index,
        name: String::new(),
        mac: None,
        mtu: 0,
        up: link.header.flags.contains(LinkFlags::Up),
        operstate: String::from("UNKNOWN"),
        addresses: Vec::new(),
    };
    for attribute in link.attributes {
        match attribute {
            LinkAttribute::IfName(name) => iface.name = name,
            LinkAttribute::Address(bytes) if bytes.len() == 6 => {
                iface.mac = Some(format_mac(&bytes))
            }
            LinkAttribute::Mtu(mtu) => iface.mtu = mtu,
            LinkAttribute::OperState(state) => iface.operstate = operstate_name(state),
            _ => {}
        }
    }
    iface
}

fn address_from(message: &AddressMessage) -> Option<InterfaceAddress> {
    // IFA_LOCAL is the interface's own address on point-to-point links; IFA_ADDRESS
    // is the peer there, and the same as IFA_LOCAL elsewhere (rtnetlink(7)).
    let mut local = None;
    let mut address = None;
    for attribute in &message.attributes {
        match attribute {
            AddressAttribute::Local(ip) => local = Some(*ip),
            AddressAttribute::Address(ip) => address = Some(*ip),
            _ => {}
        }
    }
    Some(InterfaceAddress {
        address: local.or(address)?,
        prefix_len: message.header.prefix_len,
        scope: scope_name(message.header.scope),
    })
}

/// `aa:bb:cc:dd:ee:ff`, lower case, as `ip` prints link addresses.
pub fn format_mac(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn operstate_name(state: State) -> String {
    match state {
        State::Up => "UP".into(),
        State::Down => "DOWN".into(),
        State::LowerLayerDown => "LOWERLAYERDOWN".into(),
        State::NotPresent => "NOTPRESENT".into(),
        State::Testing => "TESTING".into(),
        State::Dormant => "DORMANT".into(),
        _ => "UNKNOWN".into(),
    }
}

fn scope_name(scope: AddressScope) -> String {
    match scope {
        AddressScope::Universe => "global".into(),
        AddressScope::Site => "site".into(),
        AddressScope::Link => "link".into(),
        AddressScope::Host => "host".into(),
        AddressScope::Nowhere => "nowhere".into(),
        AddressScope::Other(n) => n.to_string(),
        _ => "unknown".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_is_lower_case_colon_separated() {
        assert_eq!(
            format_mac(&[0x08, 0x00, 0x27, 0x56, 0x00, 0x65]),
            "08:00:27:56:00:65"
        );
    }

    #[test]
    fn loopback_is_listed_with_its_addresses() {
        // Every Linux network namespace has lo; reading it needs no privilege.
        let mut socket = RouteSocket::open().unwrap();
        let interfaces = list(&mut socket).unwrap();
        let lo = interfaces
            .iter()
            .find(|i| i.name == "lo")
            .expect("lo is listed");
        assert_eq!(lo.index, 1);
        assert_eq!(lo.mac.as_deref(), Some("00:00:00:00:00:00"));
        assert!(lo
            .addresses
            .iter()
            .any(|a| a.address == IpAddr::from([127, 0, 0, 1])
                && a.prefix_len == 8
                && a.scope == "host"));
    }
}
