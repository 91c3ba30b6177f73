//! NICs in the JSON of `ip -j address show`: the same field names, value types and
//! order, so that scripts written for iproute2 read labnet's output unchanged.
//! Serialized straight to the writer (no intermediate `Value` tree): a thousand
//! interfaces print faster than `ip -j` does.

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::json;

use super::text::ShowOptions;
use super::{names, Lower, Nic, NicAddress, NicTable};

/// The selected NICs as `ip -j address show` prints them: one array.
pub struct NicsJson<'a> {
    pub table: &'a NicTable,
    pub nics: &'a [&'a Nic],
    pub options: &'a ShowOptions,
}

impl Serialize for NicsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.nics.len()))?;
        for nic in self.nics {
            seq.serialize_element(&NicJson {
                table: self.table,
                nic,
                options: self.options,
            })?;
        }
        seq.end()
    }
}

/// One NIC as an `ip -j` object.
pub struct NicJson<'a> {
    pub table: &'a NicTable,
    pub nic: &'a Nic,
    pub options: &'a ShowOptions,
}

impl Serialize for NicJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (table, nic, options) = (self.table, self.nic, self.options);
        let mut map = serializer.serialize_map(None)?;
        if !options.brief {
            map.serialize_entry("ifindex", &nic.index)?;
        }
        let lower = table.lower(nic);
        match lower {
            Some(Lower::None) => map.serialize_entry("link", &None::<&str>)?,
            Some(Lower::OtherNetns(index)) => map.serialize_entry("link_index", &index)?,
            Some(Lower::Local { name, .. }) => map.serialize_entry("link", name)?,
            Some(Lower::Unknown(index)) => map.serialize_entry("link", &format!("if{index}"))?,
            None => {}
        }
        map.serialize_entry("ifname", &nic.name)?;
        if options.brief {
            // `ip -j -br address`: the name, the state and the bare addresses.
            map.serialize_entry("operstate", &nic.operstate_name())?;
            map.serialize_entry(
                "addr_info",
                &AddressesJson {
                    nic,
                    family: options.family,
                    brief: true,
                },
            )?;
            return map.end();
        }
        map.serialize_entry(
            "flags",
            &names::link_flags(nic.flags, lower.is_some_and(|l| l.is_down())),
        )?;
        if let Some(mtu) = nic.mtu {
            map.serialize_entry("mtu", &mtu)?;
        }
        if let Some(qdisc) = &nic.qdisc {
            map.serialize_entry("qdisc", qdisc)?;
        }
        if let Some(master) = nic.master {
            let name = table
                .by_index(master)
                .map_or_else(|| format!("if{master}"), |m| m.name.clone());
            map.serialize_entry("master", &name)?;
        }
        if let Some(state) = nic.operstate {
            if usize::from(state) < 7 {
                map.serialize_entry("operstate", &nic.operstate_name())?;
            } else {
                map.serialize_entry("operstate_index", &state)?;
            }
        }
        if let Some(group) = nic.group {
            map.serialize_entry("group", &names::group(group))?;
        }
        if let Some(qlen) = nic.txqlen.filter(|q| *q != 0) {
            map.serialize_entry("txqlen", &qlen)?;
        }
        if options.family.is_none() {
            map.serialize_entry("link_type", &names::link_type(nic.link_type))?;
            if let Some(address) = &nic.address {
                map.serialize_entry("address", &names::link_address(address, nic.link_type))?;
            }
            if let Some(broadcast) = &nic.broadcast {
                if nic.flags & 0x10 != 0 {
                    map.serialize_entry("link_pointtopoint", &true)?;
                }
                map.serialize_entry("broadcast", &names::link_address(broadcast, nic.link_type))?;
            }
        }
        if let Some(id) = nic.link_netnsid {
            map.serialize_entry("link_netnsid", &id)?;
        }
        if !nic.altnames.is_empty() {
            map.serialize_entry("altnames", &nic.altnames)?;
        }
        map.serialize_entry(
            "addr_info",
            &AddressesJson {
                nic,
                family: options.family,
                brief: false,
            },
        )?;
        if options.stats {
            if let Some(s) = &nic.stats {
                let stats = json!({
                    "rx": {"bytes": s.rx_bytes, "packets": s.rx_packets, "errors": s.rx_errors,
                           "dropped": s.rx_dropped, "over_errors": s.rx_over_errors, "multicast": s.multicast},
                    "tx": {"bytes": s.tx_bytes, "packets": s.tx_packets, "errors": s.tx_errors,
                           "dropped": s.tx_dropped, "carrier_errors": s.tx_carrier_errors,
                           "collisions": s.collisions},
                });
                map.serialize_entry("stats64", &stats)?;
            }
        }
        map.end()
    }
}

struct AddressesJson<'a> {
    nic: &'a Nic,
    family: Option<u8>,
    /// Only `local`, `address` and `prefixlen` (`-br`).
    brief: bool,
}

impl Serialize for AddressesJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for address in self
            .nic
            .addresses
            .iter()
            .filter(|a| self.family.is_none_or(|f| a.family == f))
        {
            seq.serialize_element(&AddressJson(address, self.brief))?;
        }
        seq.end()
    }
}

/// One address; the flag is `-br` (the address alone).
struct AddressJson<'a>(&'a NicAddress, bool);

impl Serialize for AddressJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (address, brief) = (self.0, self.1);
        let mut map = serializer.serialize_map(None)?;
        if !brief {
            match names::family(address.family) {
                Some(family) => map.serialize_entry("family", family)?,
                None => map.serialize_entry("family_index", &address.family)?,
            }
        }
        if let Some(local) = address.local {
            map.serialize_entry("local", &local)?;
            if let Some(peer) = address.address.filter(|a| *a != local) {
                map.serialize_entry("address", &peer)?;
            }
            map.serialize_entry("prefixlen", &address.prefix_len)?;
        }
        if brief {
            return map.end();
        }
        if let Some(broadcast) = address.broadcast {
            map.serialize_entry("broadcast", &broadcast)?;
        }
        if let Some(anycast) = address.anycast {
            map.serialize_entry("anycast", &anycast)?;
        }
        map.serialize_entry("scope", &names::scope(address.scope))?;
        let (words, rest) = names::address_flags(address.family, address.flags);
        for word in words {
            map.serialize_entry(word, &true)?;
        }
        if rest != 0 {
            map.serialize_entry("ifa_flags", &format!("{rest:02x}"))?;
        }
        if let Some(label) = &address.label {
            map.serialize_entry("label", label)?;
        }
        if let (Some(valid), Some(preferred)) = (address.valid_lft, address.preferred_lft) {
            map.serialize_entry("valid_life_time", &valid)?;
            if preferred != u32::MAX && address.flags & 0x20 != 0 {
                // A deprecated address's preferred lifetime is printed signed.
                map.serialize_entry("preferred_life_time", &(preferred as i32))?;
            } else {
                map.serialize_entry("preferred_life_time", &preferred)?;
            }
        }
        map.end()
    }
}
