//! SNMP (UDP ports 161 and 162, as Scapy binds them) as Scapy 2.8.0's ASN.1 classes
//! read it: `SNMP` (version, community, and the PDU as one of eight packets:
//! `SNMPget`, `SNMPnext`, `SNMPresponse`, `SNMPset`, `SNMPtrapv1`, `SNMPbulk`,
//! `SNMPinform`, `SNMPtrapv2`), each PDU's fields and its list of `SNMPvarbind`s (an
//! OID, a value, and the three exceptions of SNMPv2 responses). Values are shown as
//! Scapy's ASN.1 objects show themselves (`0x5 <ASN1_INTEGER[5]>`,
//! `<ASN1_OID['.1.3.6.1.2.1.1.1.0']>`, with Scapy's MIB names). Scapy's decoder fails
//! on a cut message, a wrong tag or bytes left inside an element, and then the whole
//! datagram is Raw; so is it here. Bytes after the message are Raw.
//!
//! labnet reads the value types SNMP has (INTEGER, OCTET STRING, NULL, OID, BOOLEAN,
//! IpAddress, Counter32, Gauge32, TimeTicks, Counter64); a message holding another
//! universal type, a tag in base-128 digits, an OID number of more than 9 digits or
//! an integer of more than 16 bytes is Raw here where Scapy lists it
//! (docs/webcapture.md). An empty SEQUENCE leaves its fields `None`, as in Scapy.

use std::ops::Range;

use super::ber::{self, Element};
use super::field::{field, python_bytes, Field, Group, Value};
use super::oid_names::NAMES;
use super::{Kind, Walk};

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const STRING: u8 = 0x04;
const NULL: u8 = 0x05;
const OID: u8 = 0x06;
const IPADDRESS: u8 = 0x40;
const TIME_TICKS: u8 = 0x43;

const VERSIONS: &[(i128, &str)] = &[(0, "v1"), (1, "v2c"), (2, "v2"), (3, "v3")];
const ERRORS: &[(i128, &str)] = &[
    (0, "no_error"),
    (1, "too_big"),
    (2, "no_such_name"),
    (3, "bad_value"),
    (4, "read_only"),
    (5, "generic_error"),
    (6, "no_access"),
    (7, "wrong_type"),
    (8, "wrong_length"),
    (9, "wrong_encoding"),
    (10, "wrong_value"),
    (11, "no_creation"),
    (12, "inconsistent_value"),
    (13, "resource_unavailable"),
    (14, "commit_failed"),
    (15, "undo_failed"),
    (16, "authorization_error"),
    (17, "not_writable"),
    (18, "inconsistent_name"),
];
const TRAP_TYPES: &[(i128, &str)] = &[
    (0, "cold_start"),
    (1, "warm_start"),
    (2, "link_down"),
    (3, "link_up"),
    (4, "auth_failure"),
    (5, "egp_neigh_loss"),
    (6, "enterprise_specific"),
];

/// The message at `at`, in a datagram ending at `end`.
pub(super) fn dissect(walk: &mut Walk, at: usize, end: usize) {
    let mut reader = Reader {
        data: walk.data,
        fields: None,
    };
    match reader.message(at, end) {
        Some(message_end) => {
            walk.push(Kind::Snmp, at..message_end);
            walk.raw(message_end, end);
        }
        None => walk.raw(at, end),
    }
}

/// The fields of the message `range` (which [`dissect`] found whole).
pub(super) fn fields(data: &[u8], range: Range<usize>) -> Vec<Field> {
    let mut reader = Reader {
        data,
        fields: Some(Vec::new()),
    };
    reader.message(range.start, range.end);
    reader.fields.unwrap_or_default()
}

/// Walks a message as Scapy's decoder does; lists its fields when `fields` is
/// `Some` (the dissection only needs to know where the message ends).
struct Reader<'a> {
    data: &'a [u8],
    fields: Option<Vec<Field>>,
}

impl Reader<'_> {
    /// Lists a field, its value made only when listing.
    fn put(&mut self, name: &'static str, range: Range<usize>, value: impl FnOnce() -> String) {
        if let Some(fields) = self.fields.as_mut() {
            fields.push(field(name, range, Value::Text(value())));
        }
    }

    /// Fields an empty SEQUENCE leaves unset, each `None` (shown as a plain line,
    /// a list of sub-packets included).
    fn nones(&mut self, names: &[&'static str], at: usize) {
        for &name in names {
            self.put(name, at..at, || "None".into());
        }
    }

    /// What `read` lists, apart from the fields listed so far (a sub-packet's
    /// fields; none when not listing).
    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<()>) -> Option<Vec<Field>> {
        let outer = self.fields.as_mut().map(std::mem::take);
        let result = read(self);
        let inner = std::mem::replace(&mut self.fields, outer);
        result?;
        Some(inner.unwrap_or_default())
    }

    /// The element at `at` with tag `tag`, inside `end`.
    fn expect(&self, at: usize, end: usize, tag: u8) -> Option<Element> {
        ber::element(self.data, at, end).filter(|element| element.tag() == Some(tag))
    }

    /// `SNMP`: a SEQUENCE of the version, the community and the PDU, exactly; where
    /// it ends.
    fn message(&mut self, at: usize, end: usize) -> Option<usize> {
        let message = self.expect(at, end, SEQUENCE)?;
        let (mut next, inner_end) = (message.contents.start, message.end());
        if next == inner_end {
            // An empty SEQUENCE: Scapy leaves each field None.
            self.nones(&["version", "community", "PDU"], next);
            return Some(message.end());
        }
        next = self.enumerated("version", next, inner_end, VERSIONS)?;
        let community = self.expect(next, inner_end, STRING)?;
        let bytes = &self.data[community.contents.clone()];
        self.put("community", community.range(), || {
            format!("<ASN1_STRING[{}]>", python_bytes(bytes))
        });
        next = community.end();
        next = self.pdu(next, inner_end)?;
        (next == inner_end).then_some(message.end())
    }

    /// The PDU, one of eight SEQUENCEs by its tag, as the `PDU` field.
    fn pdu(&mut self, at: usize, end: usize) -> Option<usize> {
        let element = ber::element(self.data, at, end)?;
        let class = match element.tag()? {
            0xa0 => "SNMPget",
            0xa1 => "SNMPnext",
            0xa2 => "SNMPresponse",
            0xa3 => "SNMPset",
            0xa4 => "SNMPtrapv1",
            0xa5 => "SNMPbulk",
            0xa6 => "SNMPinform",
            0xa7 => "SNMPtrapv2",
            _ => return None,
        };
        let (start, inner_end) = (element.contents.start, element.end());
        let fields = self.nested(|reader| {
            let mut next = start;
            if start == inner_end {
                let names: &[&'static str] = match class {
                    "SNMPtrapv1" => &[
                        "enterprise",
                        "agent_addr",
                        "generic_trap",
                        "specific_trap",
                        "time_stamp",
                        "varbindlist",
                    ],
                    "SNMPbulk" => &["id", "non_repeaters", "max_repetitions", "varbindlist"],
                    _ => &["id", "error", "error_index", "varbindlist"],
                };
                reader.nones(names, start);
                return Some(());
            }
            match class {
                "SNMPtrapv1" => {
                    next = reader.oid_field("enterprise", next, inner_end)?;
                    let address = reader.expect(next, inner_end, IPADDRESS)?;
                    let text = ipv4(reader.data, &address)?;
                    reader.put("agent_addr", address.range(), || {
                        format!("<ASN1_IPADDRESS['{text}']>")
                    });
                    next = address.end();
                    next = reader.enumerated("generic_trap", next, inner_end, TRAP_TYPES)?;
                    next = reader.integer_field("specific_trap", next, inner_end, INTEGER)?;
                    next = reader.integer_field("time_stamp", next, inner_end, TIME_TICKS)?;
                }
                "SNMPbulk" => {
                    next = reader.integer_field("id", next, inner_end, INTEGER)?;
                    next = reader.integer_field("non_repeaters", next, inner_end, INTEGER)?;
                    next = reader.integer_field("max_repetitions", next, inner_end, INTEGER)?;
                }
                _ => {
                    next = reader.integer_field("id", next, inner_end, INTEGER)?;
                    next = reader.enumerated("error", next, inner_end, ERRORS)?;
                    next = reader.integer_field("error_index", next, inner_end, INTEGER)?;
                }
            }
            next = reader.varbinds(next, inner_end)?;
            (next == inner_end).then_some(())
        })?;
        let range = element.range();
        if let Some(list) = self.fields.as_mut() {
            let group = Group::new(class, range.clone(), fields);
            list.push(field("PDU", range, Value::Packets(vec![group])));
        }
        Some(element.end())
    }

    /// `varbindlist`: a SEQUENCE of `SNMPvarbind`s that fill it.
    fn varbinds(&mut self, at: usize, end: usize) -> Option<usize> {
        let list = self.expect(at, end, SEQUENCE)?;
        let mut groups = Vec::new();
        let mut next = list.contents.start;
        while next < list.end() {
            let varbind = self.expect(next, list.end(), SEQUENCE)?;
            let fields = self.nested(|reader| reader.varbind(&varbind))?;
            if self.fields.is_some() {
                groups.push(Group::new("SNMPvarbind", varbind.range(), fields));
            }
            next = varbind.end();
        }
        if let Some(fields) = self.fields.as_mut() {
            fields.push(field("varbindlist", list.range(), Value::Packets(groups)));
        }
        Some(list.end())
    }

    /// One `SNMPvarbind`: its OID, then optionally a value of a universal type (one
    /// of another class is left for the exceptions, as Scapy's optional field
    /// leaves it), then the exceptions' NULLs under their own tags, filling it.
    fn varbind(&mut self, varbind: &Element) -> Option<()> {
        let end = varbind.end();
        if varbind.contents.is_empty() {
            let names = [
                "oid",
                "value",
                "noSuchObject",
                "noSuchInstance",
                "endOfMibView",
            ];
            self.nones(&names, varbind.contents.start);
            return Some(());
        }
        let mut next = self.oid_field("oid", varbind.contents.start, end)?;
        next = self.value(next, end)?;
        for (tag, name) in [
            (0x80, "noSuchObject"),
            (0x81, "noSuchInstance"),
            (0x82, "endOfMibView"),
        ] {
            match self.expect(next, end, tag) {
                Some(element) => {
                    let value = integer(self.data, &element)?;
                    self.put(name, element.range(), || format!("<ASN1_NULL[{value}]>"));
                    next = element.end();
                }
                None => self.put(name, next..next, || "None".into()),
            }
        }
        (next == end).then_some(())
    }

    /// The optional `value`: any universal type Scapy decodes, shown as its object.
    fn value(&mut self, at: usize, end: usize) -> Option<usize> {
        let Some(element) = ber::element(self.data, at, end).filter(|_| at < end) else {
            self.put("value", at..at, || "None".into());
            return Some(at);
        };
        let tag = element.tag()?;
        let object = match (integer_class(tag), tag) {
            (Some(class), _) => Object::Integer(integer(self.data, &element)?, class),
            (None, 0x01) => Object::Boolean(integer(self.data, &element)?),
            (None, NULL) => Object::Null(integer(self.data, &element)?),
            (None, STRING) => Object::Bytes(element.contents.clone()),
            (None, OID) => Object::Oid(oid(self.data, &element)?),
            (None, IPADDRESS) => Object::Ipv4(ipv4(self.data, &element)?),
            // Another universal type Scapy knows (and decodes): not read here.
            (None, 0..=0x1f | 0x30 | 0x31) => return None,
            // A type of no universal class: no value, left for what follows.
            (None, _) => {
                self.put("value", at..at, || "None".into());
                return Some(at);
            }
        };
        let data = self.data;
        self.put("value", element.range(), || object.repr(data));
        Some(element.end())
    }

    /// An OID field.
    fn oid_field(&mut self, name: &'static str, at: usize, end: usize) -> Option<usize> {
        let element = self.expect(at, end, OID)?;
        let numbers = oid(self.data, &element)?;
        self.put(name, element.range(), || {
            format!("<ASN1_OID['{}']>", oid_name(&numbers))
        });
        Some(element.end())
    }

    /// An integer field of type `tag` (INTEGER, TimeTicks).
    fn integer_field(
        &mut self,
        name: &'static str,
        at: usize,
        end: usize,
        tag: u8,
    ) -> Option<usize> {
        let element = self.expect(at, end, tag)?;
        let value = integer(self.data, &element)?;
        let class = integer_class(tag).unwrap_or("ASN1_INTEGER");
        self.put(name, element.range(), || integer_repr(value, class));
        Some(element.end())
    }

    /// An INTEGER field with names for its values (`'v2c' 0x1 <ASN1_INTEGER[1]>`).
    fn enumerated(
        &mut self,
        name: &'static str,
        at: usize,
        end: usize,
        names: &[(i128, &str)],
    ) -> Option<usize> {
        let element = self.expect(at, end, INTEGER)?;
        let value = integer(self.data, &element)?;
        self.put(name, element.range(), || {
            let repr = integer_repr(value, "ASN1_INTEGER");
            match names.iter().find(|(n, _)| *n == value) {
                Some((_, label)) => format!("'{label}' {repr}"),
                None => repr,
            }
        });
        Some(element.end())
    }
}

/// A value as decoded, shown (as Scapy's ASN.1 object shows itself) only when listed.
enum Object {
    Integer(i128, &'static str),
    Boolean(i128),
    Null(i128),
    Bytes(Range<usize>),
    /// The OID's numbers; its name is looked up when shown.
    Oid(String),
    Ipv4(String),
}

impl Object {
    fn repr(&self, data: &[u8]) -> String {
        match self {
            Object::Integer(value, class) => integer_repr(*value, class),
            Object::Boolean(value) => {
                let truth = if *value == 0 { "False" } else { "True" };
                format!("{truth} <ASN1_BOOLEAN[{value}]>")
            }
            Object::Null(value) => format!("<ASN1_NULL[{value}]>"),
            Object::Bytes(range) => {
                format!("<ASN1_STRING[{}]>", python_bytes(&data[range.clone()]))
            }
            Object::Oid(numbers) => format!("<ASN1_OID['{}']>", oid_name(numbers)),
            Object::Ipv4(address) => format!("<ASN1_IPADDRESS['{address}']>"),
        }
    }
}

/// Scapy's class for an integer type by its tag: INTEGER, Counter32, Gauge32,
/// TimeTicks, Counter64.
fn integer_class(tag: u8) -> Option<&'static str> {
    Some(match tag {
        INTEGER => "ASN1_INTEGER",
        0x41 => "ASN1_COUNTER32",
        0x42 => "ASN1_GAUGE32",
        TIME_TICKS => "ASN1_TIME_TICKS",
        0x46 => "ASN1_COUNTER64",
        _ => return None,
    })
}

/// A two's-complement integer of at most 16 bytes (Scapy reads an empty one as 0).
fn integer(data: &[u8], element: &Element) -> Option<i128> {
    let bytes = data.get(element.contents.clone())?;
    if bytes.len() > 16 {
        return None;
    }
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let mut value: i128 = if negative { -1 } else { 0 };
    for &byte in bytes {
        value = value << 8 | i128::from(byte);
    }
    Some(value)
}

/// Scapy's ASN1_INTEGER repr: Python's hex and decimal forms, each cut in the middle
/// when long (`0x1020304050...0c0d0e0f10 <ASN1_INTEGER[1339673755...7228491536]>`).
fn integer_repr(value: i128, class: &str) -> String {
    let magnitude = value.unsigned_abs();
    let mut hex = format!("{}0x{magnitude:x}", if value < 0 { "-" } else { "" });
    if hex.len() > 22 {
        hex = format!("{}...{}", &hex[..12], &hex[hex.len() - 10..]);
    }
    let mut decimal = value.to_string();
    if decimal.len() > 20 {
        decimal = format!("{}...{}", &decimal[..10], &decimal[decimal.len() - 10..]);
    }
    format!("{hex} <{class}[{decimal}]>")
}

/// An OID's numbers as Scapy decodes them (the first byte split as `n // 40` and
/// `n % 40` whatever its value), each at most 9 base-128 digits; `None` when one is
/// unfinished or longer.
fn oid(data: &[u8], element: &Element) -> Option<String> {
    let bytes = data.get(element.contents.clone())?;
    let mut numbers: Vec<u64> = Vec::new();
    let mut value = 0u64;
    let mut digits = 0;
    for &byte in bytes {
        digits += 1;
        if digits > 9 {
            return None;
        }
        value = value << 7 | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            numbers.push(value);
            (value, digits) = (0, 0);
        }
    }
    if digits != 0 {
        return None;
    }
    let mut text = String::new();
    if let Some(&first) = numbers.first() {
        text = format!("{}.{}", first / 40, first % 40);
        for number in &numbers[1..] {
            text.push_str(&format!(".{number}"));
        }
    }
    Some(text)
}

/// Scapy's name for an OID: the longest name in its MIB that the OID is under, then
/// the rest of its numbers; `.` and the numbers when none.
fn oid_name(numbers: &str) -> String {
    let dotted = format!("{numbers}.");
    let known = NAMES
        .iter()
        .filter(|(prefix, _)| dotted.starts_with(&format!("{prefix}.")))
        .max_by_key(|(prefix, _)| prefix.len());
    match known {
        Some((prefix, name)) => format!("{name}{}", &numbers[prefix.len()..]),
        None => format!(".{numbers}"),
    }
}

/// An IpAddress: exactly 4 bytes (Scapy's `inet_ntoa` refuses others).
fn ipv4(data: &[u8], element: &Element) -> Option<String> {
    let bytes: [u8; 4] = data.get(element.contents.clone())?.try_into().ok()?;
    Some(std::net::Ipv4Addr::from(bytes).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_shown_as_scapy_shows_them() {
        assert_eq!(integer_repr(5, "ASN1_INTEGER"), "0x5 <ASN1_INTEGER[5]>");
        assert_eq!(
            integer_repr(-42, "ASN1_INTEGER"),
            "-0x2a <ASN1_INTEGER[-42]>"
        );
        assert_eq!(integer_repr(0, "ASN1_NULL"), "0x0 <ASN1_NULL[0]>");
        let big = i128::from_be_bytes(core::array::from_fn(|i| i as u8 + 1));
        assert_eq!(
            integer_repr(big, "ASN1_INTEGER"),
            "0x1020304050...0c0d0e0f10 <ASN1_INTEGER[1339673755...7228491536]>"
        );
    }

    #[test]
    fn oids_are_named_as_scapy_names_them() {
        assert_eq!(oid_name("1.3.6.1.2.1.1.1.0"), ".1.3.6.1.2.1.1.1.0");
        assert_eq!(oid_name("2.5.4.3"), "commonName");
        assert_eq!(oid_name("1.3.6.1.5.5.7.3.1.4"), "serverAuth.4");
        assert_eq!(oid_name(""), ".");
        let element = ber::element(&[0x06, 0x03, 0x2b, 0x86, 0x01], 0, 5).unwrap();
        assert_eq!(
            oid(&[0x06, 0x03, 0x2b, 0x86, 0x01], &element).unwrap(),
            "1.3.769"
        );
        // Scapy's split of the first number, whatever it is: 2.100 is 180.
        let element = ber::element(&[0x06, 0x02, 0x81, 0x34], 0, 4).unwrap();
        assert_eq!(oid(&[0x06, 0x02, 0x81, 0x34], &element).unwrap(), "4.20");
        let unfinished = ber::element(&[0x06, 0x01, 0x81], 0, 3).unwrap();
        assert!(oid(&[0x06, 0x01, 0x81], &unfinished).is_none());
    }
}
