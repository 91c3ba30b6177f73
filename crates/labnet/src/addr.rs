//! Address text shared by every layer: link-layer (MAC) addresses as `ip`, tcpdump and
//! Scapy print them. A leaf: it imports nothing from the rest of labnet.

use std::fmt::Write;

/// `aa:bb:cc:dd:ee:ff`, lower case, as `ip` prints link addresses.
pub fn format_mac(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            text.push(':');
        }
        let _ = write!(text, "{b:02x}");
    }
    text
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
        assert_eq!(format_mac(&[0xff]), "ff");
        assert_eq!(format_mac(&[]), "");
    }
}
