//! Tokens of the pcap filter language, each with its byte span for error carets.
//!
//! Words follow libpcap's scanner: a word is `[A-Za-z0-9]` followed by `[-_.A-Za-z0-9]`,
//! not ending in `-` or `_`, so `tcp-syn` and `1-2` are single words (as in tcpdump,
//! where `portrange 1-2` works and `tcp[5-3]` does not). A run of hex digits, dots and
//! colons that forms an IPv6 or MAC address is one token.

use std::net::Ipv6Addr;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// A keyword, number, name or IPv4 address, classified by the parser.
    Word(String),
    /// `\name`: a name even if it spells a keyword (`ip proto \tcp`).
    Escaped(String),
    Ipv6(Ipv6Addr),
    Mac([u8; 6]),
    /// Punctuation and operators: `( ) [ ] : + - * / % & | ^ << >> = == != < <= > >= ! && ||`.
    Punct(&'static str),
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub start: usize,
    pub end: usize,
}

/// A character the language has no use for, at this byte offset.
#[derive(Debug)]
pub struct BadChar(pub usize, pub char);

const PUNCTS: [&str; 24] = [
    "<<", ">>", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", ":", "+", "-", "*", "/",
    "%", "&", "|", "^", "=", "<", ">",
];

pub fn tokens(text: &str) -> Result<Vec<Token>, BadChar> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if let Some((tok, end)) = address(text, i) {
            out.push(Token { tok, start: i, end });
            i = end;
            continue;
        }
        if c.is_ascii_alphanumeric() {
            let end = word_end(bytes, i);
            out.push(Token {
                tok: Tok::Word(text[i..end].to_string()),
                start: i,
                end,
            });
            i = end;
            continue;
        }
        if c == b'\\' {
            let mut end = i + 1;
            while end < bytes.len() && !b" \t\n!()".contains(&bytes[end]) {
                end += 1;
            }
            out.push(Token {
                tok: Tok::Escaped(text[i + 1..end].to_string()),
                start: i,
                end,
            });
            i = end;
            continue;
        }
        if c == b'!' {
            let (punct, len) = if bytes.get(i + 1) == Some(&b'=') {
                ("!=", 2)
            } else {
                ("!", 1)
            };
            out.push(Token {
                tok: Tok::Punct(punct),
                start: i,
                end: i + len,
            });
            i += len;
            continue;
        }
        match PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            Some(punct) => {
                out.push(Token {
                    tok: Tok::Punct(punct),
                    start: i,
                    end: i + punct.len(),
                });
                i += punct.len();
            }
            None => {
                let ch = text[i..].chars().next().unwrap_or('?');
                return Err(BadChar(i, ch));
            }
        }
    }
    out.push(Token {
        tok: Tok::End,
        start: text.len(),
        end: text.len(),
    });
    Ok(out)
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start + 1;
    while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || b"-_.".contains(&bytes[end]))
    {
        end += 1;
    }
    while end > start + 1 && b"-_".contains(&bytes[end - 1]) {
        end -= 1;
    }
    end
}

/// An IPv6 or MAC address starting at `start`, if the longest run of address
/// characters there is one.
fn address(text: &str, start: usize) -> Option<(Tok, usize)> {
    let bytes = text.as_bytes();
    if !(bytes[start].is_ascii_hexdigit() || bytes[start] == b':') {
        return None;
    }
    // The longest address text: an IPv6 address with an embedded IPv4 (45 characters).
    let mut end = start;
    while end < bytes.len()
        && end - start < 45
        && (bytes[end].is_ascii_hexdigit() || b":.-".contains(&bytes[end]))
    {
        end += 1;
    }
    // Shrink until the run is an address: `fe80::1-` or `::1)` end early.
    while end > start {
        let candidate = &text[start..end];
        if candidate.contains(':')
            || candidate.matches('-').count() == 5
            || is_dotted_mac(candidate)
        {
            if let Some(mac) = mac(candidate) {
                return Some((Tok::Mac(mac), end));
            }
            if let Ok(v6) = candidate.parse::<Ipv6Addr>() {
                // `word` must not continue straight after (e.g. `::1abc` is not an address).
                if !bytes.get(end).is_some_and(|b| b.is_ascii_alphanumeric()) {
                    return Some((Tok::Ipv6(v6), end));
                }
            }
        }
        end -= 1;
    }
    None
}

fn is_dotted_mac(text: &str) -> bool {
    let groups: Vec<&str> = text.split('.').collect();
    groups.len() == 3 && groups.iter().all(|g| g.len() == 4)
}

/// `0:1:2:3:4:5`, `00-01-02-03-04-05` or `0001.0203.0405`, as libpcap's scanner accepts.
fn mac(text: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    if is_dotted_mac(text) {
        let hex: String = text.split('.').collect();
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
        }
        return Some(out);
    }
    let separator = if text.contains(':') { ':' } else { '-' };
    let groups: Vec<&str> = text.split(separator).collect();
    if groups.len() != 6 {
        return None;
    }
    for (byte, group) in out.iter_mut().zip(&groups) {
        if group.is_empty() || group.len() > 2 {
            return None;
        }
        *byte = u8::from_str_radix(group, 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        tokens(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn words_keep_dashes_as_libpcap_does() {
        assert_eq!(
            toks("tcp-syn 1-2 a_b- x"),
            [
                Tok::Word("tcp-syn".into()),
                Tok::Word("1-2".into()),
                Tok::Word("a_b".into()),
                Tok::Punct("-"),
                Tok::Word("x".into()),
                Tok::End
            ]
        );
    }

    #[test]
    fn byte_access_colon_is_punctuation_but_addresses_are_whole() {
        assert_eq!(
            toks("tcp[13:1]"),
            [
                Tok::Word("tcp".into()),
                Tok::Punct("["),
                Tok::Word("13".into()),
                Tok::Punct(":"),
                Tok::Word("1".into()),
                Tok::Punct("]"),
                Tok::End
            ]
        );
        assert_eq!(
            toks("fe80::/10"),
            [
                Tok::Ipv6("fe80::".parse().unwrap()),
                Tok::Punct("/"),
                Tok::Word("10".into()),
                Tok::End
            ]
        );
        assert_eq!(toks("8:0:27:0:0:1")[0], Tok::Mac([8, 0, 0x27, 0, 0, 1]));
        assert_eq!(toks("(::1)")[1], Tok::Ipv6(Ipv6Addr::LOCALHOST));
    }

    #[test]
    fn operators_and_escapes() {
        assert_eq!(
            toks("!tcp && \\udp != <<"),
            [
                Tok::Punct("!"),
                Tok::Word("tcp".into()),
                Tok::Punct("&&"),
                Tok::Escaped("udp".into()),
                Tok::Punct("!="),
                Tok::Punct("<<"),
                Tok::End
            ]
        );
        assert!(tokens("port 80 $").is_err());
    }
}
