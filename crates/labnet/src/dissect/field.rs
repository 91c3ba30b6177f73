//! Fields: the named pieces of a layer, each with the bytes (and bits) it occupies in
//! the packet and a value that prints exactly as Scapy prints it in `show()`.
//!
//! A fixed header field is described once, by a [`Spec`] (name, offset, size, bit mask,
//! display format); the dissector reads values through the same specs that the field
//! listing reports, so `--show`, `--json` and the diagram cannot disagree with the
//! parser about where a field is.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::ops::Range;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// One field of a layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Scapy's field name (`sport`, `chksum`); an HTTP header's own name where Scapy has
    /// none.
    pub name: Cow<'static, str>,
    /// The bytes of the packet that hold it (empty for fields that occupy none, such as
    /// ICMP's `unused = b''`).
    pub range: Range<usize>,
    /// For a field narrower than its bytes: which bits of `range`, counted from the most
    /// significant bit of its first byte (IPv4 `flags` is bits 0..3 of bytes 6..8).
    pub bits: Option<Range<u16>>,
    pub value: Value,
}

/// A field's value, shown as Scapy's `i2repr` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A number in decimal (`ttl = 64`).
    Int(u64),
    /// A number in hexadecimal (`chksum = 0x43ce`).
    Hex(u64),
    /// A number known by a name (`proto = tcp`, `type = IPv4`).
    Named {
        value: u64,
        name: Cow<'static, str>,
    },
    /// Flag bits by their names (`flags = PA`, `flags = MF+DF`).
    Flags {
        value: u64,
        text: String,
    },
    Mac([u8; 6]),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    /// Raw bytes, shown as a Python bytes literal (`load = b'GET / HTTP/1.1\r\n'`).
    Bytes(Vec<u8>),
    /// A value Scapy shows as plain text: HTTP header values, TCP's option list,
    /// address lists.
    Text(String),
    /// A list of sub-packets (IPv4 options, DNS records), shown as Scapy's
    /// `\options   \` followed by each one's `|###[ ... ]###` block.
    Packets(Vec<Group>),
    /// Scapy's `None`: a value it does not keep after dissection (a DNS record's
    /// `rdlen`) or a part that is absent (an ICMP error's `ext`).
    None,
}

/// A sub-packet inside a field (one IPv4 option, one DNS question).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Scapy's layer name (`IP Option Router Alert`, `DNS Question Record`).
    pub name: Cow<'static, str>,
    pub range: Range<usize>,
    pub fields: Vec<Field>,
    /// How many layers deep Scapy nests it: 0, except where Scapy dissects each
    /// sub-packet as the payload of the one before (MLDv2's address records), which
    /// `show()` indents one level further each.
    pub depth: usize,
}

impl Group {
    /// Scapy's Raw sub-packet: the bytes of `range` as its load.
    pub fn raw(data: &[u8], range: Range<usize>) -> Group {
        let load = Value::Bytes(data[range.clone()].to_vec());
        Group::new("Raw", range.clone(), vec![field("load", range, load)])
    }

    /// A sub-packet at the list's own level.
    pub fn new(
        name: impl Into<Cow<'static, str>>,
        range: Range<usize>,
        fields: Vec<Field>,
    ) -> Group {
        Group {
            name: name.into(),
            range,
            fields,
            depth: 0,
        }
    }
}

impl Value {
    /// A number shown by its name when it has one, otherwise in decimal.
    pub fn named(value: u64, name: Option<&'static str>) -> Value {
        match name {
            Some(name) => Value::Named {
                value,
                name: Cow::Borrowed(name),
            },
            None => Value::Int(value),
        }
    }

    /// A number shown by its name when it has one, otherwise in hexadecimal.
    pub fn hex_named(value: u64, name: Option<&'static str>) -> Value {
        match name {
            Some(name) => Value::named(value, Some(name)),
            None => Value::Hex(value),
        }
    }

    /// Flag bits by name, bit 0 first, joined by `separator` (Scapy's FlagsField:
    /// `FSRPAUECN` letters are joined by nothing, IPv4's `MF`/`DF`/`evil` by `+`); a
    /// bit named "" is `bit_N`, as Scapy shows the bits its table leaves unnamed.
    pub fn flags(value: u64, names: &[&str], separator: &str) -> Value {
        let mut text = String::new();
        for bit in 0..64 {
            if value & (1 << bit) != 0 {
                if !text.is_empty() {
                    text.push_str(separator);
                }
                // A set bit past the names is Scapy's `?`.
                match names.get(bit) {
                    Some(&"") => {
                        let _ = write!(text, "bit_{bit}");
                    }
                    Some(name) => text.push_str(name),
                    None => text.push('?'),
                }
            }
        }
        Value::Flags { value, text }
    }

    /// The number behind the value, where there is one.
    pub fn number(&self) -> Option<u64> {
        match self {
            Value::Int(n) | Value::Hex(n) => Some(*n),
            Value::Named { value, .. } | Value::Flags { value, .. } => Some(*value),
            _ => None,
        }
    }
}

impl Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Hex(n) => write!(f, "{n:#x}"),
            Value::Named { name, .. } => f.write_str(name),
            Value::Flags { text, .. } => f.write_str(text),
            Value::Mac(mac) => f.write_str(&crate::addr::format_mac(mac)),
            Value::Ipv4(address) => write!(f, "{address}"),
            Value::Ipv6(address) => write!(f, "{address}"),
            Value::Bytes(bytes) => f.write_str(&python_bytes(bytes)),
            Value::Text(text) => f.write_str(text),
            // Shown as a block of sub-packets by the printer, never inline.
            Value::Packets(_) => Ok(()),
            Value::None => f.write_str("None"),
        }
    }
}

/// Python's `repr()` of a bytes object: `b'...'`, or `b"..."` when the bytes hold a
/// single quote and no double quote; `\t \n \r \\` and the quote escaped, printable
/// ASCII as is, anything else `\xNN`.
pub fn python_bytes(bytes: &[u8]) -> String {
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut text = String::with_capacity(bytes.len() + 3);
    text.push('b');
    text.push(quote);
    for &b in bytes {
        match b {
            b'\t' => text.push_str("\\t"),
            b'\n' => text.push_str("\\n"),
            b'\r' => text.push_str("\\r"),
            b'\\' => text.push_str("\\\\"),
            _ if char::from(b) == quote => {
                text.push('\\');
                text.push(quote);
            }
            32..=126 => text.push(char::from(b)),
            _ => {
                let _ = write!(text, "\\x{b:02x}");
            }
        }
    }
    text.push(quote);
    text
}

/// Python's `repr()` of a str: single quotes unless it holds one and no double quote;
/// backslash, the quote, `\t \n \r` escaped, other unprintable characters as `\xNN`,
/// `\uNNNN` or `\UNNNNNNNN` (Python's `isprintable`, approximated: control and
/// format characters and spaces other than ' ').
pub fn python_str(text: &str) -> String {
    let quote = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' ' => out.push(c),
            _ if c.is_control() || c.is_whitespace() || c == '\u{ad}' => {
                let code = u32::from(c);
                let _ = match code {
                    0..=0xff => write!(out, "\\x{code:02x}"),
                    0x100..=0xffff => write!(out, "\\u{code:04x}"),
                    _ => write!(out, "\\U{code:08x}"),
                };
            }
            _ => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// How a fixed field's value is shown.
#[derive(Debug, Clone, Copy)]
pub enum Format {
    /// Decimal (Scapy's ByteField, ShortField, IntField, BitField).
    Int,
    /// Hexadecimal (XByteField, XShortField).
    Hex,
    /// By name, decimal when unnamed (ByteEnumField, ShortEnumField).
    Enum(fn(u64) -> Option<&'static str>),
    /// By name, hexadecimal when unnamed (XShortEnumField).
    HexEnum(fn(u64) -> Option<&'static str>),
    /// Flag names by bit (bit 0 first) and the separator between set flags.
    Flags(&'static [&'static str], &'static str),
    Mac,
    Ipv4,
    Ipv6,
    /// A fixed-length string (Scapy's StrFixedLenField), shown as a Python bytes
    /// literal without its trailing NULs, as Scapy shows it; the field still spans them.
    Bytes,
    /// A fixed-length string shown in hexadecimal, NULs and all (XStrFixedLenField).
    HexBytes,
    /// A little-endian number in decimal (LEShortField, LEIntField, LELongField).
    LeInt,
    /// A little-endian number in hexadecimal (XLEShortField, XLEIntField).
    LeHex,
    /// A little-endian number by name, decimal when unnamed (LEShortEnumField).
    LeEnum(fn(u64) -> Option<&'static str>),
    /// Little-endian flag bits (a FlagsField of negative size).
    LeFlags(&'static [&'static str], &'static str),
    /// An IEEE OUI, as `00:50:f2` (Scapy adds the manufacturer's name from
    /// Wireshark's file when it has one; the plain bytes are what every reader can
    /// check).
    Oui,
}

impl Format {
    /// Whether the number is stored little-endian (Scapy's LE fields).
    fn is_little_endian(self) -> bool {
        matches!(
            self,
            Format::LeInt | Format::LeHex | Format::LeEnum(_) | Format::LeFlags(..)
        )
    }
}

/// A fixed field of a header: its name, where it is relative to the header's start,
/// and how it is shown. The single source of truth for both reading and listing it.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub name: &'static str,
    /// Offset of its first byte in the header.
    pub at: usize,
    /// How many bytes it spans (up to 8 for numbers; 6 for a MAC, 4 or 16 for an
    /// address, any for bytes).
    pub len: usize,
    /// Which bits of the number in those bytes; 0 for all of them.
    pub mask: u64,
    /// Whether that number is little-endian (Scapy's BitFields of a negative
    /// `tot_size`), not big-endian.
    pub little_endian: bool,
    pub format: Format,
}

impl Spec {
    /// A field of whole bytes.
    pub const fn new(name: &'static str, at: usize, len: usize, format: Format) -> Spec {
        Spec {
            name,
            at,
            len,
            mask: 0,
            little_endian: false,
            format,
        }
    }

    /// A field of some bits of `len` bytes (`mask` over their big-endian number).
    pub const fn bits(
        name: &'static str,
        at: usize,
        len: usize,
        mask: u64,
        format: Format,
    ) -> Spec {
        Spec {
            name,
            at,
            len,
            mask,
            little_endian: false,
            format,
        }
    }

    /// A field of some bits of `len` bytes read as a little-endian number (`mask`
    /// over it), as Scapy's BitFields with a negative `tot_size` read them.
    pub const fn le_bits(
        name: &'static str,
        at: usize,
        len: usize,
        mask: u64,
        format: Format,
    ) -> Spec {
        Spec {
            little_endian: true,
            ..Spec::bits(name, at, len, mask, format)
        }
    }

    /// The byte just past the field, relative to the header's start.
    pub const fn end(&self) -> usize {
        self.at + self.len
    }

    /// The field's bytes in a header starting at `base`, if the data holds them.
    pub fn bytes<'a>(&self, data: &'a [u8], base: usize) -> Option<&'a [u8]> {
        data.get(base + self.at..base + self.at + self.len)
    }

    /// The field as a number (for fields up to 8 bytes), in the byte order its bits or
    /// its format say; 0 when the data is too short, which the dissector rules out by
    /// checking lengths first.
    pub fn get(&self, data: &[u8], base: usize) -> u64 {
        let Some(bytes) = self.bytes(data, base) else {
            return 0;
        };
        let raw = if self.little_endian || self.format.is_little_endian() {
            little_endian(bytes)
        } else {
            bytes
                .iter()
                .take(8)
                .fold(0u64, |n, &b| (n << 8) | u64::from(b))
        };
        if self.mask == 0 {
            raw
        } else {
            (raw & self.mask) >> self.mask.trailing_zeros()
        }
    }

    /// The bit range within the field's bytes, for fields narrower than them.
    fn bit_range(&self) -> Option<Range<u16>> {
        if self.mask == 0 {
            return None;
        }
        if self.little_endian {
            return little_endian_bits(self.mask.trailing_zeros(), self.mask.count_ones());
        }
        let total = self.len as u16 * 8;
        let high = 63 - self.mask.leading_zeros() as u16;
        let low = self.mask.trailing_zeros() as u16;
        Some(total - 1 - high..total - low)
    }

    /// The field with its value, if the data holds it.
    pub fn field(&self, data: &[u8], base: usize) -> Option<Field> {
        let bytes = self.bytes(data, base)?;
        let number = || self.get(data, base);
        let value = match self.format {
            Format::Int => Value::Int(number()),
            Format::Hex => Value::Hex(number()),
            Format::Enum(names) => Value::named(number(), names(number())),
            Format::HexEnum(names) => Value::hex_named(number(), names(number())),
            Format::Flags(names, separator) => Value::flags(number(), names, separator),
            Format::Mac => Value::Mac(bytes.try_into().ok()?),
            Format::Ipv4 => Value::Ipv4(<[u8; 4]>::try_from(bytes).ok()?.into()),
            Format::Ipv6 => Value::Ipv6(<[u8; 16]>::try_from(bytes).ok()?.into()),
            Format::Bytes => Value::Bytes(trim_nuls(bytes).to_vec()),
            Format::HexBytes => Value::Text(hex(bytes)),
            Format::Oui => Value::Text(crate::addr::format_mac(bytes)),
            Format::LeInt => Value::Int(little_endian(bytes)),
            Format::LeHex => Value::Hex(little_endian(bytes)),
            Format::LeFlags(names, separator) => {
                Value::flags(little_endian(bytes), names, separator)
            }
            Format::LeEnum(names) => {
                let number = little_endian(bytes);
                Value::named(number, names(number))
            }
        };
        Some(Field {
            name: Cow::Borrowed(self.name),
            range: base + self.at..base + self.end(),
            bits: self.bit_range(),
            value,
        })
    }
}

/// Where bits `shift..shift + width` of a little-endian number lie in its bytes,
/// counted from the first byte's top bit: bit k is in byte k / 8. Bits that cross a
/// byte boundary are not one run in byte order; then the run that covers them (the
/// diagram shows the field over those bits).
pub fn little_endian_bits(shift: u32, width: u32) -> Option<Range<u16>> {
    let positions = (shift..shift + width).map(|k| k / 8 * 8 + (7 - k % 8));
    let low = positions.clone().min()?;
    let high = positions.max()?;
    Some(low as u16..high as u16 + 1)
}

/// A little-endian number of up to 8 bytes.
fn little_endian(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take(8)
        .rev()
        .fold(0u64, |n, &b| (n << 8) | u64::from(b))
}

/// Appends the fields of `specs` present in `data` for a header at `base`, in order,
/// stopping at the first that the data does not hold (a quoted header cut short).
pub fn push_fields(specs: &[Spec], data: &[u8], base: usize, out: &mut Vec<Field>) {
    out.extend(specs.iter().map_while(|spec| spec.field(data, base)));
}

/// The IPv4 (4-byte) or IPv6 (16-byte) addresses packed in `bytes`, as text; a partial
/// one at the end is left out.
pub fn packed_addresses(bytes: &[u8], width: usize) -> Vec<String> {
    bytes
        .chunks_exact(width)
        .map(|a| match <[u8; 4]>::try_from(a) {
            Ok(v4) => Ipv4Addr::from(v4).to_string(),
            Err(_) => <[u8; 16]>::try_from(a)
                .map_or_else(|_| String::new(), |v6| Ipv6Addr::from(v6).to_string()),
        })
        .collect()
}

/// IPv4 (`width` 4) or IPv6 (16) addresses in `range`, as Scapy's FieldListField shows
/// them (`[1.2.3.4, 5.6.7.8]`); a partial address at the end is left out.
pub fn address_list(name: &'static str, data: &[u8], range: Range<usize>, width: usize) -> Field {
    let addresses = packed_addresses(&data[range.clone()], width);
    field(
        name,
        range,
        Value::Text(format!("[{}]", addresses.join(", "))),
    )
}

/// Scapy's StrFixedLenField shows its bytes without the trailing NULs.
pub fn trim_nuls(bytes: &[u8]) -> &[u8] {
    let used = bytes
        .iter()
        .rposition(|&b| b != 0)
        .map_or(0, |last| last + 1);
    &bytes[..used]
}

/// A fixed-length string (Scapy's StrFixedLenField) meant to span `range`, as much of
/// it as the data up to `end` holds (Scapy reads it cut short), without its trailing
/// NULs.
pub fn string_field(name: &'static str, data: &[u8], range: Range<usize>, end: usize) -> Field {
    let part = range.start.min(end)..range.end.min(end);
    let value = Value::Bytes(trim_nuls(&data[part.clone()]).to_vec());
    field(name, part, value)
}

/// Where a list of `count` items of `width` bytes from `start` ends, read as Scapy's
/// FieldListField reads it: it stops early, without complaint, where the data ends
/// between two items; `None` when the data ends inside one (Scapy gives up the layer).
pub fn counted_list_end(start: usize, end: usize, count: usize, width: usize) -> Option<usize> {
    let whole = start + count * width;
    if whole <= end {
        Some(whole)
    } else if (end - start) % width == 0 {
        Some(end)
    } else {
        None
    }
}

/// What Scapy's fields have left of a packet: from `at` to the fixed `end`. Each read
/// moves `at`; `None` where Scapy's field raises (a fixed field cut short).
pub struct Rest {
    pub at: usize,
    pub end: usize,
}

impl Rest {
    /// A header's fixed fields, `specs` in order from `at`: each number or address
    /// must be whole (Scapy's struct raises), a fixed-length string takes what there
    /// is (StrFixedLenField does not). `None` where Scapy gives the part up.
    pub fn prefix(&mut self, data: &[u8], specs: &[Spec]) -> Option<Vec<Field>> {
        let base = self.at;
        let header = specs.iter().map(Spec::end).max().unwrap_or(0);
        let end = (base + header).min(self.end);
        let mut out = Vec::with_capacity(specs.len());
        for spec in specs {
            let start = base + spec.at;
            let range = start.min(end)..(start + spec.len).min(end);
            match spec.format {
                Format::Bytes => {
                    out.push(string_field(spec.name, data, range, end));
                    continue;
                }
                Format::HexBytes => {
                    let value = Value::Text(hex(&data[range.clone()]));
                    out.push(field(spec.name, range, value));
                    continue;
                }
                _ => {}
            }
            if start + spec.len > end {
                return None;
            }
            out.extend(spec.field(data, base));
        }
        self.at = end;
        Some(out)
    }

    /// A fixed field of `len` bytes.
    pub fn take(&mut self, len: usize) -> Option<Range<usize>> {
        let start = self.at;
        (start + len <= self.end).then(|| {
            self.at += len;
            start..self.at
        })
    }

    /// Python's `s[:length]` of the rest (and the rest moves to `s[length:]`): a
    /// negative length leaves that many bytes, clamped to what there is.
    pub fn slice(&mut self, length: i64) -> Range<usize> {
        let available = self.end - self.at;
        let taken = if length >= 0 {
            usize::try_from(length).unwrap_or(usize::MAX).min(available)
        } else {
            available.saturating_sub(usize::try_from(length.unsigned_abs()).unwrap_or(usize::MAX))
        };
        let start = self.at;
        self.at += taken;
        start..self.at
    }

    /// Scapy's PadField: skips to a multiple of `align` bytes after `value.start` (as
    /// far as the rest goes); the padded range.
    pub fn pad(&mut self, value: &Range<usize>, align: usize) -> Range<usize> {
        let padding = value.len().wrapping_neg() % align;
        self.at = (self.at + padding).min(self.end);
        value.start..self.at
    }
}

/// Scapy's `conf.max_list_count`: a list field that reads one item more gives up its
/// layer.
pub const MAX_LIST: usize = 100;

/// Scapy's PacketListField over `region` (its `length_from`): items one after the
/// other, each read by `item` from the rest of the region; one it cannot read (its
/// class raises) is Raw with the rest. `None` past Scapy's list limit (the layer gives
/// up).
pub fn packet_list(
    data: &[u8],
    region: Range<usize>,
    item: impl FnMut(&mut Rest) -> Option<Group>,
) -> Option<Vec<Group>> {
    let mut rest = Rest {
        at: region.start,
        end: region.end,
    };
    items(data, &mut rest, usize::MAX, item)
}

/// Scapy's PacketListField with `count_from`: up to `count` items from the rest of
/// the packet, which moves past them, read as [`packet_list`] reads them.
pub fn counted_packet_list(
    data: &[u8],
    rest: &mut Rest,
    count: usize,
    item: impl FnMut(&mut Rest) -> Option<Group>,
) -> Option<Vec<Group>> {
    items(data, rest, count, item)
}

fn items(
    data: &[u8],
    rest: &mut Rest,
    count: usize,
    mut item: impl FnMut(&mut Rest) -> Option<Group>,
) -> Option<Vec<Group>> {
    let mut groups = Vec::new();
    while rest.at < rest.end && groups.len() < count {
        let at = rest.at;
        match item(rest) {
            Some(group) => groups.push(group),
            None => {
                groups.push(Group::raw(data, at..rest.end));
                rest.at = rest.end;
            }
        }
        if groups.len() > MAX_LIST {
            return None;
        }
    }
    Some(groups)
}

/// Moves every range of `fields` (and of the sub-packets in them) `by` bytes on: fields
/// read from a slice, put back in the packet's terms.
pub fn shift(fields: &mut [Field], by: usize) {
    for field in fields {
        field.range = field.range.start + by..field.range.end + by;
        if let Value::Packets(groups) = &mut field.value {
            for group in groups {
                group.range = group.range.start + by..group.range.end + by;
                shift(&mut group.fields, by);
            }
        }
    }
}

/// The fields of `specs` present in `data` for a header at `base`.
pub fn fixed(specs: &[Spec], data: &[u8], base: usize) -> Vec<Field> {
    let mut out = Vec::with_capacity(specs.len());
    push_fields(specs, data, base, &mut out);
    out
}

/// The fields of `specs` over no bytes at `at`, each at its class's default of zero:
/// Scapy's sub-packet built from no bytes, which it does not dissect.
pub fn zero_defaults(specs: &[Spec], at: usize) -> Vec<Field> {
    let zeros = [0u8; 16];
    specs
        .iter()
        .filter_map(|spec| Spec { at: 0, ..*spec }.field(&zeros, 0))
        .map(|zero| Field {
            range: at..at,
            bits: None,
            ..zero
        })
        .collect()
}

/// A field built by hand (variable-length parts: options, names, payloads).
pub fn field(name: impl Into<Cow<'static, str>>, range: Range<usize>, value: Value) -> Field {
    Field {
        name: name.into(),
        range,
        bits: None,
        value,
    }
}

impl Serialize for Field {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("offset", &self.range.start)?;
        map.serialize_entry("length", &self.range.len())?;
        if let Some(bits) = &self.bits {
            map.serialize_entry("bits", &[bits.start, bits.end])?;
        }
        match &self.value {
            Value::Int(n) | Value::Hex(n) | Value::Named { value: n, .. } => {
                map.serialize_entry("value", n)?
            }
            Value::Flags { value, .. } => map.serialize_entry("value", value)?,
            Value::Mac(_) | Value::Ipv4(_) | Value::Ipv6(_) | Value::Text(_) => {
                map.serialize_entry("value", &self.value.to_string())?
            }
            Value::Bytes(bytes) => map.serialize_entry("value", &hex(bytes))?,
            Value::Packets(groups) => map.serialize_entry("value", groups)?,
            Value::None => map.serialize_entry("value", &())?,
        }
        if !matches!(self.value, Value::Packets(_)) {
            map.serialize_entry("repr", &self.value.to_string())?;
        }
        map.end()
    }
}

impl Serialize for Group {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("name", &self.name)?;
        map.serialize_entry("offset", &self.range.start)?;
        map.serialize_entry("length", &self.range.len())?;
        map.serialize_entry("fields", &self.fields)?;
        map.end()
    }
}

/// Lower-case hex digits of `bytes`, for JSON.
pub fn hex(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(text, "{b:02x}");
    }
    text
}

/// Scapy's UTCTimeField as `show()` prints it: the date (its `%z` is empty for the
/// naive datetime Scapy formats, hence two spaces), then the seconds since 1970.
pub fn utc_time(seconds: u64) -> Value {
    Value::Text(format!("{}  ({seconds})", utc_date(seconds as i64)))
}

/// `%a, %d %b %Y %H:%M:%S` of a time in seconds since 1970 (UTC; before it too, in
/// the proleptic Gregorian calendar Python's datetime uses).
pub fn utc_date(seconds: i64) -> String {
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil, for days since 1970-01-01.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02}",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(month - 1) as usize],
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Scapy's UTCTimeField for a Windows FILETIME (100 ns since 1601, SMB's times) as
/// `show()` prints it, computed as Python does: `x = value / 1e7 + delta` in floating
/// point, the date of `datetime(1970, 1, 1) + timedelta(seconds=x)` (its microseconds
/// rounded half to even), then `int(x)`; `None` past the year 9999, where Python's
/// datetime refuses it.
pub fn file_time(value: u64) -> Option<String> {
    const FILETIME_TO_UNIX: f64 = -11_644_473_600.0;
    const LAST_SECOND: i128 = 253_402_300_799;
    let x = value as f64 / 1e7 + FILETIME_TO_UNIX;
    // timedelta's float seconds: the whole part, then the fraction's microseconds,
    // then what is left of those rounded half to even.
    let (whole, fraction) = (x.trunc(), x.fract());
    let mut micros = whole as i128 * 1_000_000;
    let scaled = 1e6 * fraction;
    micros += scaled.trunc() as i128;
    let left = scaled.fract();
    if left != 0.0 {
        let mut rounded = left.round();
        if (rounded - left).abs() == 0.5 {
            let odd = micros.rem_euclid(2) as f64;
            rounded = 2.0 * ((left + odd) * 0.5).round() - odd;
        }
        micros += rounded as i128;
    }
    let seconds = micros.div_euclid(1_000_000);
    (seconds <= LAST_SECOND).then(|| format!("{}  ({})", utc_date(seconds as i64), x as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_times_print_as_scapys_utc_time_field() {
        // Values and texts from Scapy 2.8.0's SMB2_Close_Response.CreationTime.
        for (value, text) in [
            (0, "Mon, 01 Jan 1601 00:00:00  (-11644473600)"),
            (1, "Mon, 01 Jan 1601 00:00:00  (-11644473600)"),
            (116_444_736_000_000_000, "Thu, 01 Jan 1970 00:00:00  (0)"),
            (116_444_735_999_999_995, "Thu, 01 Jan 1970 00:00:00  (0)"),
            (
                0x01d9_a0b0_c0d0_e0f5,
                "Sat, 17 Jun 2023 00:14:59  (1686960899)",
            ),
            (
                2_650_467_743_990_000_000,
                "Fri, 31 Dec 9999 23:59:59  (253402300799)",
            ),
        ] {
            assert_eq!(file_time(value).as_deref(), Some(text), "{value}");
        }
        // Past the year 9999 Python's datetime raises.
        assert_eq!(file_time(2_650_467_743_999_999_999), None);
    }

    #[test]
    fn bytes_print_as_python_repr() {
        // Each beside what Python 3.11 prints for repr() of the same bytes.
        for (bytes, expected) in [
            (&b"GET / HTTP/1.1\r\n"[..], r"b'GET / HTTP/1.1\r\n'"),
            (b"", "b''"),
            (
                b"x'y\"z\x00\x7f\xff\\\t\n",
                r#"b'x\'y"z\x00\x7f\xff\\\t\n'"#,
            ),
            (b"\x08\x00'\xa88f", r#"b"\x08\x00'\xa88f""#),
            (b"w'o", r#"b"w'o""#),
        ] {
            assert_eq!(python_bytes(bytes), expected);
        }
    }

    #[test]
    fn specs_read_bits_and_report_their_bit_range() {
        // IPv4 bytes 6..8 = 0x4000: DF set, fragment offset 0.
        let header = [0x45, 0, 0, 60, 0x12, 0x34, 0x40, 0x00];
        let flags = Spec::bits(
            "flags",
            6,
            2,
            0xe000,
            Format::Flags(&["MF", "DF", "evil"], "+"),
        );
        let frag = Spec::bits("frag", 6, 2, 0x1fff, Format::Int);
        let version = Spec::bits("version", 0, 1, 0xf0, Format::Int);
        assert_eq!(flags.field(&header, 0).unwrap().value.to_string(), "DF");
        assert_eq!(flags.field(&header, 0).unwrap().bits, Some(0..3));
        assert_eq!(frag.field(&header, 0).unwrap().bits, Some(3..16));
        assert_eq!(version.get(&header, 0), 4);
        assert_eq!(version.field(&header, 0).unwrap().bits, Some(0..4));
        assert_eq!(Spec::new("id", 4, 2, Format::Int).get(&header, 0), 0x1234);
        // Past the end: no field, and a zero rather than a panic.
        assert!(Spec::new("ttl", 8, 1, Format::Int)
            .field(&header, 0)
            .is_none());
        assert_eq!(Spec::new("ttl", 8, 1, Format::Int).get(&header, 0), 0);
    }

    #[test]
    fn flags_join_like_scapy() {
        assert_eq!(
            Value::flags(0x18, &["F", "S", "R", "P", "A"], "").to_string(),
            "PA"
        );
        assert_eq!(
            Value::flags(3, &["MF", "DF", "evil"], "+").to_string(),
            "MF+DF"
        );
        assert_eq!(Value::flags(0, &["MF", "DF", "evil"], "+").to_string(), "");
        // IGMPv3's query flags name only bit 3.
        assert_eq!(
            Value::flags(0xf, &["", "", "", "extended"], "+").to_string(),
            "bit_0+bit_1+bit_2+extended"
        );
    }
}
