//! BER (X.690) elements as Scapy 2.8.0's decoder finds them: an identifier (a tag
//! number above 30 in base-128 digits after the first byte), a length (short, or long
//! in as many bytes as the first says; 0x80, BER's indefinite form, reads as 0, as
//! Scapy reads it), and contents that must lie inside what holds them. Hand-written:
//! the BER crates decode to a schema and refuse what Scapy reads (an indefinite
//! length read as 0, a wrong tag inside a message Scapy still lists); Kerberos and
//! SNMP need where each element is, as Scapy walks them.

use std::ops::Range;

/// One element: where it starts, its identifier's first byte (class, constructed bit,
/// tag number), whether the tag number is that byte's (not in base-128 digits after
/// it), and where its contents are.
pub struct Element {
    pub start: usize,
    pub first: u8,
    low_tag: bool,
    pub contents: Range<usize>,
}

impl Element {
    /// The identifier byte when it holds the whole tag, as Scapy compares it.
    pub fn tag(&self) -> Option<u8> {
        self.low_tag.then_some(self.first)
    }

    pub fn constructed(&self) -> bool {
        self.first & 0x20 != 0
    }

    /// Where the element ends.
    pub fn end(&self) -> usize {
        self.contents.end
    }

    /// Its bytes, identifier to contents' end.
    pub fn range(&self) -> Range<usize> {
        self.start..self.contents.end
    }
}

/// The element at `at` whose contents end by `end`; `None` when its identifier or
/// length is cut short or its contents would pass `end` (a length of more than 8
/// bytes too: nothing that long fits in a packet).
pub fn element(data: &[u8], at: usize, end: usize) -> Option<Element> {
    let data = data.get(..end)?;
    let first = *data.get(at)?;
    let mut next = at + 1;
    let low_tag = first & 0x1f != 0x1f;
    if !low_tag {
        // A tag number in base-128 digits, the last without its top bit.
        while *data.get(next)? & 0x80 != 0 {
            next += 1;
        }
        next += 1;
    }
    let length_byte = *data.get(next)?;
    next += 1;
    let length = if length_byte & 0x80 == 0 {
        usize::from(length_byte)
    } else {
        let count = usize::from(length_byte & 0x7f);
        if count > 8 {
            return None;
        }
        let bytes = data.get(next..next + count)?;
        next += count;
        let length = bytes.iter().fold(0u64, |n, &b| n << 8 | u64::from(b));
        usize::try_from(length).ok()?
    };
    let contents_end = next.checked_add(length).filter(|&e| e <= end)?;
    Some(Element {
        start: at,
        first,
        low_tag,
        contents: next..contents_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_read_as_scapy_reads_them() {
        // Short form, long form, indefinite (read as 0), cut short, past the end.
        let short = element(&[0x02, 0x01, 0x05], 0, 3).unwrap();
        assert_eq!((short.tag(), short.contents), (Some(2), 2..3));
        let long = element(&[0x04, 0x81, 0x02, b'a', b'b'], 0, 5).unwrap();
        assert_eq!(long.contents, 3..5);
        assert_eq!(element(&[0x30, 0x80, 0x00], 0, 3).unwrap().contents, 2..2);
        assert!(element(&[0x04, 0x82, 0x00], 0, 3).is_none());
        assert!(element(&[0x04, 0x03, b'a'], 0, 3).is_none());
        assert!(element(&[0x04], 0, 1).is_none());
        // A tag number in base-128 digits has no one-byte tag.
        let high = element(&[0x7f, 0x81, 0x01, 0x00], 0, 4).unwrap();
        assert_eq!(
            (high.tag(), high.constructed(), high.end()),
            (None, true, 4)
        );
    }
}
