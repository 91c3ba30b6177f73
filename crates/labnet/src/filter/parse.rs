//! The grammar of the pcap filter language (libpcap's grammar.y, as a recursive-descent
//! parser that generates code as it goes, like libpcap does, so that `vlan` shifts the
//! offsets of what follows it).
//!
//! Kept from libpcap: `and` and `or` share one precedence and group from the left
//! (`a or b and c` is `(a or b) and c`); a bare value after `and`/`or` inherits the
//! qualifiers of the primitive before it (`port 80 or 443`, `host a and not b`); a
//! parenthesised list of values after a qualifier (`port (80 or 443)`).

use super::bpf::{self, Insn, Pred};
use super::gen::{self, Dir, Gen, GenResult, Proto};
use super::lex::{Tok, Token};
use super::FilterError;
use crate::netbase;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Default,
    Host,
    Net,
    Port,
    PortRange,
    Proto,
}

/// The qualifiers in front of a value: `tcp src port`.
#[derive(Debug, Clone, Copy)]
struct Quals {
    proto: Proto,
    dir: Dir,
    kind: Kind,
    /// The last qualifier word, for messages ("after \"port\"").
    keyword: &'static str,
}

/// Arithmetic for byte comparisons: `tcp[13] & 2 != 0`, `len > 100`.
#[derive(Debug, Clone)]
enum Arith {
    Num(u32),
    Len,
    Load {
        proto: Proto,
        index: Box<Arith>,
        size: u16,
    },
    Binary {
        op: u16,
        left: Box<Arith>,
        right: Box<Arith>,
        /// The operator's span, for "division by zero" carets.
        at: (usize, usize),
    },
    Neg(Box<Arith>),
}

pub struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    pos: usize,
    gen: Gen,
    resolve_names: bool,
    /// Current nesting (parentheses, `not`, unary minus), bounded so hostile input
    /// gets an error instead of exhausting the stack.
    depth: u32,
}

/// Deeper nesting than any real filter needs.
const MAX_DEPTH: u32 = 100;
/// More tokens than any real filter has; keeps the predicate tree shallow enough too.
const MAX_TOKENS: usize = 10_000;

type PResult<T> = Result<T, FilterError>;

const UNSUPPORTED: &[&str] = &[
    "gateway",
    "protochain",
    "decnet",
    "iso",
    "clnp",
    "esis",
    "isis",
    "atalk",
    "aarp",
    "lat",
    "sca",
    "moprc",
    "mopdl",
    "stp",
    "ipx",
    "netbeui",
    "pim",
    "vrrp",
    "carp",
    "igrp",
    "ah",
    "esp",
    "mpls",
    "pppoed",
    "pppoes",
    "geneve",
    "inbound",
    "outbound",
    "ifname",
    "on",
    "rnr",
    "rulenum",
    "reason",
    "rset",
    "ruleset",
    "srnr",
    "subrulenum",
    "action",
    "fddi",
    "tr",
    "wlan",
    "radio",
    "type",
    "subtype",
    "dir",
    "addr1",
    "addr2",
    "addr3",
    "addr4",
    "ra",
    "ta",
    "llc",
    "atm",
    "lane",
    "metac",
    "bcc",
    "oam",
    "oamf4",
    "sc",
    "ilmisc",
    "vpi",
    "vci",
    "fisu",
    "lssu",
    "msu",
    "sio",
    "opc",
    "dpc",
    "sls",
    "l1",
    "l2",
    "iih",
    "lsp",
    "snp",
    "csnp",
    "psnp",
    "byte",
    "slip",
    "ppp",
    "hdlc",
];

const KEYWORDS: &[&str] = &[
    "and",
    "or",
    "not",
    "src",
    "dst",
    "host",
    "net",
    "mask",
    "port",
    "portrange",
    "proto",
    "broadcast",
    "multicast",
    "less",
    "greater",
    "len",
    "vlan",
];

fn relop(tok: &Tok) -> Option<(u16, bool)> {
    Some(match tok {
        Tok::Punct(">") => (bpf::JGT, false),
        Tok::Punct(">=") => (bpf::JGE, false),
        Tok::Punct("=") | Tok::Punct("==") => (bpf::JEQ, false),
        Tok::Punct("!=") => (bpf::JEQ, true),
        Tok::Punct("<") => (bpf::JGE, true),
        Tok::Punct("<=") => (bpf::JGT, true),
        _ => return None,
    })
}

fn is_arith_operator(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Punct("+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>" | "[")
    ) || relop(tok).is_some()
}

/// A number literal (decimal, 0x hex, 0 octal) or a named constant (`tcp-syn`).
fn number(word: &str) -> Option<Result<u32, String>> {
    if let Some(value) = named_constant(word) {
        return Some(Ok(value));
    }
    if !word.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (digits, radix) = if let Some(hex) = word.strip_prefix("0x").or(word.strip_prefix("0X")) {
        (hex, 16)
    } else if word.len() > 1 && word.starts_with('0') {
        (&word[1..], 8)
    } else {
        (word, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        // `10.0.0.1`, `1-2` and `08` are not numbers: the first two are words.
        if word.contains(['.', '-', '_'])
            || word.chars().any(|c| c.is_ascii_alphabetic() && radix != 16)
        {
            return None;
        }
        return Some(Err(format!("\"{word}\" is not a number")));
    }
    Some(
        u32::from_str_radix(digits, radix)
            .map_err(|_| format!("number {word} does not fit in 32 bits")),
    )
}

fn named_constant(word: &str) -> Option<u32> {
    Some(match word {
        "icmptype" | "icmp6type" => 0,
        "icmpcode" | "icmp6code" => 1,
        "icmp-echoreply" => 0,
        "icmp-unreach" => 3,
        "icmp-sourcequench" => 4,
        "icmp-redirect" => 5,
        "icmp-echo" => 8,
        "icmp-routeradvert" => 9,
        "icmp-routersolicit" => 10,
        "icmp-timxceed" => 11,
        "icmp-paramprob" => 12,
        "icmp-tstamp" => 13,
        "icmp-tstampreply" => 14,
        "icmp-ireq" => 15,
        "icmp-ireqreply" => 16,
        "icmp-maskreq" => 17,
        "icmp-maskreply" => 18,
        "icmp6-destinationunreach" => 1,
        "icmp6-packettoobig" => 2,
        "icmp6-timeexceeded" => 3,
        "icmp6-parameterproblem" => 4,
        "icmp6-echo" => 128,
        "icmp6-echoreply" => 129,
        "icmp6-multicastlistenerquery" => 130,
        "icmp6-multicastlistenerreportv1" => 131,
        "icmp6-multicastlistenerdone" => 132,
        "icmp6-routersolicit" => 133,
        "icmp6-routeradvert" => 134,
        "icmp6-neighborsolicit" => 135,
        "icmp6-neighboradvert" => 136,
        "icmp6-redirect" => 137,
        "icmp6-routerrenum" => 138,
        "icmp6-nodeinformationquery" => 139,
        "icmp6-nodeinformationresponse" => 140,
        "icmp6-ineighbordiscoverysolicit" => 141,
        "icmp6-ineighbordiscoveryadvert" => 142,
        "icmp6-multicastlistenerreportv2" => 143,
        "icmp6-homeagentdiscoveryrequest" => 144,
        "icmp6-homeagentdiscoveryreply" => 145,
        "icmp6-mobileprefixsolicit" => 146,
        "icmp6-mobileprefixadvert" => 147,
        "icmp6-certpathsolicit" => 148,
        "icmp6-certpathadvert" => 149,
        "icmp6-multicastrouteradvert" => 151,
        "icmp6-multicastroutersolicit" => 152,
        "icmp6-multicastrouterterm" => 153,
        "tcpflags" => 13,
        "tcp-fin" => 0x01,
        "tcp-syn" => 0x02,
        "tcp-rst" => 0x04,
        "tcp-push" => 0x08,
        "tcp-ack" => 0x10,
        "tcp-urg" => 0x20,
        "tcp-ece" => 0x40,
        "tcp-cwr" => 0x80,
        _ => return None,
    })
}

/// `10.1.2.3`, `10.1.2`, `10.1`: the address bits and how many of them were given.
fn dotted(word: &str) -> Option<Result<(u32, u32), String>> {
    let parts: Vec<&str> = word.split('.').collect();
    if parts.len() < 2
        || !parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if parts.len() > 4 {
        return Some(Err(format!(
            "invalid IPv4 address \"{word}\": more than four parts"
        )));
    }
    let mut value: u32 = 0;
    for part in &parts {
        match part.parse::<u32>() {
            Ok(byte) if byte <= 255 => value = value << 8 | byte,
            _ => {
                return Some(Err(format!(
                    "invalid IPv4 address \"{word}\": each part is a number from 0 to 255"
                )))
            }
        }
    }
    Some(Ok((value, 8 * parts.len() as u32)))
}

fn shift_left(value: u32, bits: u32) -> u32 {
    value.checked_shl(bits).unwrap_or(0)
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str, toks: Vec<Token>, gen: Gen, resolve_names: bool) -> Self {
        Parser {
            text,
            toks,
            pos: 0,
            gen,
            resolve_names,
            depth: 0,
        }
    }

    pub fn parse(mut self) -> PResult<Pred> {
        if self.toks.len() > MAX_TOKENS {
            return Err(self.error_at(
                0,
                self.text.len(),
                format!("the expression is too long (more than {MAX_TOKENS} words and symbols)"),
                None,
            ));
        }
        if self.peek_tok() == &Tok::End {
            return Ok(Pred::Const(true));
        }
        let (pred, _) = self.expr()?;
        match self.peek_tok().clone() {
            Tok::End => Ok(pred),
            Tok::Punct(")") => Err(self.error_here("unbalanced ')': nothing opened it", None)),
            other => Err(self.error_here(
                format!("expected 'and' or 'or' before {}", describe(&other)),
                Some("join two conditions with 'and' or 'or'".into()),
            )),
        }
    }

    // ---- tokens

    fn peek(&self) -> &Token {
        &self.toks[self.pos.min(self.toks.len() - 1)]
    }

    fn peek_tok(&self) -> &Tok {
        &self.peek().tok
    }

    fn tok_at(&self, index: usize) -> &Tok {
        &self.toks[index.min(self.toks.len() - 1)].tok
    }

    fn advance(&mut self) -> Token {
        let token = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        token
    }

    fn word_is(&self, index: usize, words: &[&str]) -> bool {
        matches!(self.tok_at(index), Tok::Word(w) if words.contains(&w.as_str()))
    }

    fn error_at(
        &self,
        start: usize,
        end: usize,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> FilterError {
        // The end of the expression is shown one column after its last character.
        let start = if start >= self.text.len() {
            self.text.trim_end().len() + 1
        } else {
            start
        };
        FilterError {
            expression: self.text.to_string(),
            start,
            end: end.max(start),
            message: message.into(),
            hint,
        }
    }

    fn error_here(&self, message: impl Into<String>, hint: Option<String>) -> FilterError {
        let token = self.peek();
        self.error_at(token.start, token.end, message, hint)
    }

    fn located<T>(&self, start: usize, end: usize, result: GenResult<T>) -> PResult<T> {
        result.map_err(|(message, hint)| self.error_at(start, end, message, hint))
    }

    // ---- boolean structure

    /// `Some(true)` at `and`/`&&`, `Some(false)` at `or`/`||`.
    fn joiner(&self) -> Option<bool> {
        match self.peek_tok() {
            Tok::Word(w) if w == "and" => Some(true),
            Tok::Punct("&&") => Some(true),
            Tok::Word(w) if w == "or" => Some(false),
            Tok::Punct("||") => Some(false),
            _ => None,
        }
    }

    fn expr(&mut self) -> PResult<(Pred, Option<Quals>)> {
        let (mut pred, mut quals) = self.term()?;
        while let Some(is_and) = self.joiner() {
            let operator = self.advance();
            let word = &self.text[operator.start..operator.end];
            if matches!(self.peek_tok(), Tok::End | Tok::Punct(")")) {
                return Err(self.error_here(
                    format!("expected a condition after \"{word}\""),
                    Some(format!(
                        "remove the trailing \"{word}\", or add what must also hold (e.g. \"{word} host 192.168.56.101\")"
                    )),
                ));
            }
            let (rhs, rhs_quals) = if self.bare_value_at(self.pos) {
                let Some(inherited) = quals else {
                    return Err(self.error_here(
                        format!(
                            "{} has no qualifier to inherit here",
                            describe(self.peek_tok())
                        ),
                        Some("say what it is: \"port 80\", \"host 10.0.0.1\"".into()),
                    ));
                };
                (self.id(inherited)?, Some(inherited))
            } else {
                self.term()?
            };
            pred = if is_and { pred.and(rhs) } else { pred.or(rhs) };
            quals = rhs_quals;
        }
        Ok((pred, quals))
    }

    /// Whether the tokens at `index` are a value without qualifiers (which then inherits).
    fn bare_value_at(&self, index: usize) -> bool {
        match self.tok_at(index) {
            Tok::Word(w) if w == "not" => self.bare_value_at(index + 1),
            Tok::Punct("!") => self.bare_value_at(index + 1),
            Tok::Punct("(") => self.bare_value_at(index + 1),
            Tok::Escaped(_) | Tok::Ipv6(_) | Tok::Mac(_) => true,
            Tok::Word(w) => {
                if KEYWORDS.contains(&w.as_str())
                    || UNSUPPORTED.contains(&w.as_str())
                    || Proto::from_keyword(w).is_some()
                {
                    return false;
                }
                if number(w).is_some() {
                    return !is_arith_operator(self.tok_at(index + 1));
                }
                true
            }
            _ => false,
        }
    }

    /// Runs `inner` one nesting level deeper, or fails past [`MAX_DEPTH`].
    fn nested<T>(&mut self, inner: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here(format!("nested more than {MAX_DEPTH} levels deep"), None));
        }
        self.depth += 1;
        let result = inner(self);
        self.depth -= 1;
        result
    }

    fn term(&mut self) -> PResult<(Pred, Option<Quals>)> {
        self.nested(Self::term_inner)
    }

    fn term_inner(&mut self) -> PResult<(Pred, Option<Quals>)> {
        if self.word_is(self.pos, &["not"]) || self.peek_tok() == &Tok::Punct("!") {
            self.advance();
            let (pred, quals) = self.term()?;
            return Ok((pred.not(), quals));
        }
        self.rterm()
    }

    fn rterm(&mut self) -> PResult<(Pred, Option<Quals>)> {
        let token = self.peek().clone();
        match &token.tok {
            Tok::Punct("(") => {
                let saved = self.pos;
                match self.relation() {
                    Ok(pred) => Ok((pred, None)),
                    Err(as_arith) => {
                        self.pos = saved;
                        self.advance();
                        if self.peek_tok() == &Tok::Punct(")") {
                            return Err(self.error_here("empty parentheses", None));
                        }
                        let inner = self.expr().map_err(|e| furthest(as_arith.clone(), e))?;
                        if self.peek_tok() != &Tok::Punct(")") {
                            let err = self.error_here(
                                format!(
                                    "expected ')' to close the '(' at column {}",
                                    token.start + 1
                                ),
                                None,
                            );
                            return Err(furthest(as_arith, err));
                        }
                        self.advance();
                        Ok(inner)
                    }
                }
            }
            Tok::Punct("-") => Ok((self.relation()?, None)),
            Tok::Word(word) => self.word_term(word.clone(), &token),
            Tok::End => Err(self.error_here(
                "expected a condition (like \"tcp port 5000\"), found the end of the expression",
                None,
            )),
            Tok::Escaped(_) | Tok::Ipv6(_) | Tok::Mac(_) => {
                Err(self.value_without_qualifier(&token))
            }
            other => Err(self.error_here(format!("unexpected {}", describe(other)), None)),
        }
    }

    fn value_without_qualifier(&self, token: &Token) -> FilterError {
        let text = &self.text[token.start..token.end];
        self.error_at(
            token.start,
            token.end,
            format!("expected a primitive (host, net, port, tcp, ...) before \"{text}\""),
            Some(format!(
                "write \"host {text}\" (or \"port {text}\" for a port)"
            )),
        )
    }

    fn word_term(&mut self, word: String, token: &Token) -> PResult<(Pred, Option<Quals>)> {
        if let Some(proto) = Proto::from_keyword(&word) {
            if self.tok_at(self.pos + 1) == &Tok::Punct("[") {
                return Ok((self.relation()?, None));
            }
            self.advance();
            return self.after_proto(proto, token);
        }
        match word.as_str() {
            "src" | "dst" | "host" | "net" | "port" | "portrange" | "proto" => {
                let quals = self.head(Proto::Default)?;
                Ok((self.id(quals)?, Some(quals)))
            }
            "broadcast" | "multicast" => {
                self.advance();
                let pred = self.gen.cast(Proto::Default, word == "broadcast");
                Ok((self.located(token.start, token.end, pred)?, None))
            }
            "less" | "greater" => {
                self.advance();
                let value = self.number_after(&word)?;
                let longer = Pred::test(
                    vec![Insn::stmt(bpf::LD | bpf::W | bpf::LEN, 0)],
                    bpf::JMP | bpf::JGT,
                    value,
                );
                let at_least = Pred::test(
                    vec![Insn::stmt(bpf::LD | bpf::W | bpf::LEN, 0)],
                    bpf::JMP | bpf::JGE,
                    value,
                );
                Ok((
                    if word == "less" {
                        longer.not()
                    } else {
                        at_least
                    },
                    None,
                ))
            }
            "len" => Ok((self.relation()?, None)),
            "vlan" => {
                self.advance();
                let id = match self.peek_tok() {
                    Tok::Word(w)
                        if number(w).is_some() && !is_arith_operator(self.tok_at(self.pos + 1)) =>
                    {
                        Some(self.number_after("vlan")?)
                    }
                    _ => None,
                };
                let pred = self.gen.vlan(id);
                Ok((self.located(token.start, self.peek().start, pred)?, None))
            }
            "and" | "or" => {
                Err(self.error_here(format!("expected a condition before \"{word}\""), None))
            }
            "mask" => Err(self.error_here(
                "\"mask\" belongs after a network: net 10.0.0.0 mask 255.0.0.0",
                None,
            )),
            w if UNSUPPORTED.contains(&w) => Err(self.error_here(
                format!("\"{w}\" is not supported yet by labnet's filter compiler"),
                Some("tcpdump -r FILE -w OUT 'EXPR' can pre-filter a capture meanwhile".into()),
            )),
            w if number(w).is_some() => Ok((self.relation()?, None)),
            _ => Err(self.value_without_qualifier(token)),
        }
    }

    fn after_proto(&mut self, proto: Proto, token: &Token) -> PResult<(Pred, Option<Quals>)> {
        if self.word_is(
            self.pos,
            &["src", "dst", "host", "net", "port", "portrange", "proto"],
        ) {
            let quals = self.head(proto)?;
            return Ok((self.id(quals)?, Some(quals)));
        }
        if self.word_is(self.pos, &["gateway", "protochain"]) {
            return Err(self.error_here(
                format!(
                    "\"{}\" is not supported yet by labnet's filter compiler",
                    describe(self.peek_tok())
                ),
                None,
            ));
        }
        if self.word_is(self.pos, &["broadcast", "multicast"]) {
            let cast = self.advance();
            let pred = self
                .gen
                .cast(proto, self.text[cast.start..cast.end] == *"broadcast");
            return Ok((self.located(token.start, cast.end, pred)?, None));
        }

        let pred = self.gen.abbreviation(proto);
        Ok((self.located(token.start, token.end, pred)?, None))
    }

    /// `[src|dst|src or dst|src and dst] [host|net|port|portrange|proto]` after an optional protocol.
    fn head(&mut self, proto: Proto) -> PResult<Quals> {
        let mut keyword = proto.name();
        let mut dir = Dir::Or;
        if self.word_is(self.pos, &["src", "dst"]) {
            let first = self.advance();
            let src = self.text[first.start..first.end] == *"src";
            keyword = if src { "src" } else { "dst" };
            dir = if src { Dir::Src } else { Dir::Dst };
            let other = if src { "dst" } else { "src" };
            if self.word_is(self.pos, &["or", "and"]) && self.word_is(self.pos + 1, &[other]) {
                let joiner = self.advance();
                self.advance();
                dir = if self.text[joiner.start..joiner.end] == *"or" {
                    Dir::Or
                } else {
                    Dir::And
                };
            }
        }
        let kind = match self.peek_tok() {
            Tok::Word(w) => match w.as_str() {
                "host" => Kind::Host,
                "net" => Kind::Net,
                "port" => Kind::Port,
                "portrange" => Kind::PortRange,
                "proto" => Kind::Proto,
                "gateway" | "protochain" => {
                    return Err(self.error_here(
                        format!("\"{w}\" is not supported yet by labnet's filter compiler"),
                        None,
                    ))
                }
                _ => Kind::Default,
            },
            _ => Kind::Default,
        };
        if kind != Kind::Default {
            let word = self.advance();
            keyword = match &self.text[word.start..word.end] {
                "host" => "host",
                "net" => "net",
                "port" => "port",
                "portrange" => "portrange",
                _ => "proto",
            };
        }
        Ok(Quals {
            proto,
            dir,
            kind,
            keyword,
        })
    }

    /// A value (or a parenthesised list of values) under `quals`.
    fn id(&mut self, quals: Quals) -> PResult<Pred> {
        self.nested(|parser| parser.id_inner(quals))
    }

    fn id_inner(&mut self, quals: Quals) -> PResult<Pred> {
        if self.word_is(self.pos, &["not"]) || self.peek_tok() == &Tok::Punct("!") {
            self.advance();
            return Ok(self.id(quals)?.not());
        }
        if self.peek_tok() == &Tok::Punct("(") {
            let open = self.advance();
            let mut pred = self.id(quals)?;
            while let Some(is_and) = self.joiner() {
                self.advance();
                let next = self.id(quals)?;
                pred = if is_and {
                    pred.and(next)
                } else {
                    pred.or(next)
                };
            }
            if self.peek_tok() != &Tok::Punct(")") {
                return Err(self.error_here(
                    format!("expected ')' to close the '(' at column {}", open.start + 1),
                    None,
                ));
            }
            self.advance();
            return Ok(pred);
        }
        self.value(quals)
    }

    fn expected_value(&self, quals: Quals) -> FilterError {
        let keyword = quals.keyword;
        let (message, hint) = match quals.kind {
            Kind::Port => (
                format!("expected a port number or service name after \"{keyword}\""),
                "for example \"tcp port 5000\" (the hello server's port) or \"port http\"",
            ),
            Kind::PortRange => (
                format!("expected a port range after \"{keyword}\""),
                "for example \"portrange 8000-8080\"",
            ),
            Kind::Host => (
                format!("expected a host address or name after \"{keyword}\""),
                "for example \"host 192.168.56.101\"",
            ),
            Kind::Net => (
                format!("expected a network after \"{keyword}\""),
                "for example \"net 192.168.56.0/24\"",
            ),
            Kind::Proto => (
                format!("expected a protocol number or name after \"{keyword}\""),
                "for example \"ip proto 6\" or \"ip proto \\tcp\"",
            ),
            Kind::Default => (
                format!("expected an address after \"{keyword}\""),
                "for example \"src 192.168.56.102\" or \"dst port 5000\"",
            ),
        };
        self.error_here(message, Some(hint.into()))
    }

    fn value(&mut self, quals: Quals) -> PResult<Pred> {
        let token = self.peek().clone();
        let (start, end) = (token.start, token.end);
        match &token.tok {
            Tok::Word(word) => {
                if KEYWORDS.contains(&word.as_str())
                    || UNSUPPORTED.contains(&word.as_str())
                    || Proto::from_keyword(word).is_some()
                {
                    return Err(self.expected_value(quals));
                }
                self.advance();
                if let Some(value) = number(word) {
                    let value =
                        value.map_err(|message| self.error_at(start, end, message, None))?;
                    return self.numeric(value, quals, start, end);
                }
                if let Some(address) = dotted(word) {
                    let (address, bits) =
                        address.map_err(|message| self.error_at(start, end, message, None))?;
                    return self.dotted_value(word, address, bits, quals, start);
                }
                self.name(word, quals, start, end)
            }
            Tok::Escaped(name) => {
                self.advance();
                self.name(name, quals, start, end)
            }
            Tok::Ipv6(address) => {
                self.advance();
                let (prefix, end) = self.prefix_length(128, end)?;
                let what =
                    self.address_kind(quals, prefix.is_some(), start, end, "IPv6 address")?;
                let prefix = prefix.unwrap_or(128);
                let octets = address.octets();
                let network = u128::from_be_bytes(octets) & shift_left_128(prefix);
                if network != u128::from_be_bytes(octets) {
                    return Err(self.error_at(
                        start,
                        end,
                        format!("non-network bits set in \"{}\"", &self.text[start..end]),
                        None,
                    ));
                }
                let pred = self.gen.host6(octets, prefix, quals.proto, quals.dir, what);
                self.located(start, end, pred)
            }
            Tok::Mac(mac) => {
                self.advance();
                if quals.proto != Proto::Link || !matches!(quals.kind, Kind::Default | Kind::Host) {
                    return Err(self.error_at(
                        start,
                        end,
                        "ethernet address used in non-ether expression",
                        Some(format!("write \"ether host {}\"", &self.text[start..end])),
                    ));
                }
                let pred = self.gen.ether_host(*mac, quals.dir);
                self.located(start, end, pred)
            }
            _ => Err(self.expected_value(quals)),
        }
    }

    /// `/LEN` after an address, if present: the length and the span's new end.
    fn prefix_length(&mut self, max: u32, end: usize) -> PResult<(Option<u32>, usize)> {
        if self.peek_tok() != &Tok::Punct("/") {
            return Ok((None, end));
        }
        self.advance();
        let token = self.peek().clone();
        let value = match &token.tok {
            Tok::Word(w) => number(w).and_then(Result::ok),
            _ => None,
        };
        let Some(value) = value else {
            return Err(self.error_here(
                format!("expected a prefix length (0-{max}) after '/'"),
                None,
            ));
        };
        self.advance();
        if value > max {
            return Err(self.error_at(
                token.start,
                token.end,
                format!("mask length must be <= {max}"),
                None,
            ));
        }
        Ok((Some(value), token.end))
    }

    /// Checks that an address fits the qualifier and says whether it is a host or a net.
    fn address_kind(
        &self,
        quals: Quals,
        masked: bool,
        start: usize,
        end: usize,
        what: &str,
    ) -> PResult<&'static str> {
        match quals.kind {
            Kind::Host if masked => Err(self.error_at(
                start,
                end,
                "mask syntax for networks only",
                Some(format!("write \"net {}\"", &self.text[start..end])),
            )),
            Kind::Host => Ok("host"),
            Kind::Default if masked => Ok("net"),
            Kind::Default => Ok("host"),
            Kind::Net => Ok("net"),
            Kind::Port | Kind::PortRange => Err(self.error_at(
                start,
                end,
                format!(
                    "expected a port after \"{}\", found an {what}",
                    quals.keyword
                ),
                None,
            )),
            Kind::Proto => Err(self.error_at(
                start,
                end,
                format!("expected a protocol after \"proto\", found an {what}"),
                None,
            )),
        }
    }

    /// An IP address or number where `ether` wants a MAC address.
    fn not_a_mac(&self, start: usize, end: usize) -> FilterError {
        self.error_at(
            start,
            end,
            "illegal link layer address",
            Some("write a MAC address like 08:00:27:00:00:01".into()),
        )
    }

    fn numeric(&mut self, value: u32, quals: Quals, start: usize, end: usize) -> PResult<Pred> {
        let pred = match quals.kind {
            Kind::Default | Kind::Host | Kind::Net => {
                if quals.proto == Proto::Link {
                    return Err(self.not_a_mac(start, end));
                }
                let (mut address, mut mask) = (value, u32::MAX);
                if quals.kind == Kind::Net {
                    // A short network number is promoted: `net 10` is 10.0.0.0/8.
                    while address != 0 && address & 0xff00_0000 == 0 {
                        address <<= 8;
                        mask <<= 8;
                    }
                }
                let what = if quals.kind == Kind::Net {
                    "net"
                } else {
                    "host"
                };
                self.gen.host4(address, mask, quals.proto, quals.dir, what)
            }
            Kind::Port | Kind::PortRange => {
                if value > 65535 {
                    return Err(self.error_at(
                        start,
                        end,
                        format!("illegal port number {value} > 65535"),
                        None,
                    ));
                }
                self.gen.port_range(value, value, quals.proto, quals.dir)
            }
            Kind::Proto => self.gen.proto(value, quals.proto),
        };
        self.located(start, end, pred)
    }

    fn dotted_value(
        &mut self,
        word: &str,
        address: u32,
        bits: u32,
        quals: Quals,
        start: usize,
    ) -> PResult<Pred> {
        let end = start + word.len();
        let address = shift_left(address, 32 - bits);
        if self.word_is(self.pos, &["mask"]) {
            self.advance();
            let token = self.peek().clone();
            let mask = match &token.tok {
                Tok::Word(w) => dotted(w),
                _ => None,
            };
            let Some(mask) = mask else {
                return Err(
                    self.error_here("expected a netmask like 255.255.255.0 after \"mask\"", None)
                );
            };
            let (mask, mask_bits) =
                mask.map_err(|m| self.error_at(token.start, token.end, m, None))?;
            self.advance();
            let mask = shift_left(mask, 32 - mask_bits);
            return self.network4(address, mask, quals, start, token.end);
        }
        let (prefix, end) = self.prefix_length(32, end)?;
        match prefix {
            Some(prefix) => {
                let mask = shift_left(u32::MAX, 32 - prefix);
                self.network4(address, mask, quals, start, end)
            }
            None => {
                let what = self.address_kind(quals, false, start, end, "IPv4 address")?;
                if quals.proto == Proto::Link {
                    return Err(self.not_a_mac(start, end));
                }
                let mask = shift_left(u32::MAX, 32 - bits);
                let pred = self.gen.host4(address, mask, quals.proto, quals.dir, what);
                self.located(start, end, pred)
            }
        }
    }

    fn network4(
        &mut self,
        address: u32,
        mask: u32,
        quals: Quals,
        start: usize,
        end: usize,
    ) -> PResult<Pred> {
        self.address_kind(quals, true, start, end, "IPv4 network")?;
        if address & !mask != 0 {
            return Err(self.error_at(
                start,
                end,
                format!("non-network bits set in \"{}\"", &self.text[start..end]),
                Some(format!(
                    "a network has zeros after its prefix: did you mean net {}/{}, or host {}?",
                    std::net::Ipv4Addr::from(address & mask),
                    mask.count_ones(),
                    std::net::Ipv4Addr::from(address)
                )),
            ));
        }
        let pred = self.gen.host4(address, mask, quals.proto, quals.dir, "net");
        self.located(start, end, pred)
    }

    fn name(&mut self, name: &str, quals: Quals, start: usize, end: usize) -> PResult<Pred> {
        let pred = match quals.kind {
            Kind::Default | Kind::Host => self.host_name(name, quals),
            Kind::Net => gen::fail(format!("unknown network '{name}'")),
            Kind::Port => self.service(name, quals, start, end),
            Kind::PortRange => self.service_range(name, quals),
            Kind::Proto => {
                let number = if quals.proto == Proto::Link {
                    gen::ethertype_by_name(name)
                } else {
                    gen::ip_protocol_by_name(name)
                };
                match number {
                    Some(number) => self.gen.proto(number, quals.proto),
                    None => gen::fail(format!(
                        "unknown {} proto '{name}'",
                        if quals.proto == Proto::Link {
                            "ether"
                        } else {
                            "ip"
                        }
                    )),
                }
            }
        };
        self.located(start, end, pred)
    }

    fn host_name(&self, name: &str, quals: Quals) -> GenResult<Pred> {
        if quals.proto == Proto::Link {
            return gen::fail(format!(
                "unknown ether host '{name}' (labnet reads no /etc/ethers; use the MAC address)"
            ));
        }
        let unknown = || -> GenResult<Pred> {
            Err((
                format!("unknown host '{name}'"),
                Some(
                    "use the host's address (nic-show shows it), or add the name to /etc/hosts"
                        .into(),
                ),
            ))
        };
        if !self.resolve_names {
            return unknown();
        }
        let Ok(addresses) = crate::resolve::resolve(name) else {
            return unknown();
        };
        let mut pred = Pred::Const(false);
        let mut any = false;
        for address in addresses {
            match address {
                std::net::IpAddr::V4(v4) if quals.proto != Proto::Ip6 => {
                    pred = pred.or(self.gen.host4(
                        u32::from(v4),
                        u32::MAX,
                        quals.proto,
                        quals.dir,
                        "host",
                    )?);
                    any = true;
                }
                std::net::IpAddr::V6(v6) if matches!(quals.proto, Proto::Default | Proto::Ip6) => {
                    pred = pred.or(self.gen.host6(
                        v6.octets(),
                        128,
                        quals.proto,
                        quals.dir,
                        "host",
                    )?);
                    any = true;
                }
                _ => {}
            }
        }
        if any {
            Ok(pred)
        } else {
            unknown()
        }
    }

    /// A service name's port and the protocol /etc/services gives it (libpcap's
    /// pcap_nametoport: `port http` is TCP only when only tcp lists it).
    fn service_port(name: &str, proto: Proto) -> GenResult<(u32, Proto)> {
        if let Some(Ok(number)) = number(name) {
            return Ok((number, proto));
        }
        let tcp = netbase::port(name, "tcp");
        let udp = netbase::port(name, "udp");
        let (port, only) = match (tcp, udp) {
            (Some(t), Some(u)) if t == u => (t, Proto::Default),
            (Some(t), _) => (
                t,
                if udp.is_some() {
                    Proto::Default
                } else {
                    Proto::Tcp
                },
            ),
            (None, Some(u)) => (u, Proto::Udp),
            (None, None) => {
                return Err((
                    format!("unknown port '{name}'"),
                    Some("use the port number, or a name from /etc/services".into()),
                ))
            }
        };
        match (proto, only) {
            (Proto::Default, only) => Ok((u32::from(port), only)),
            (proto, Proto::Default) => Ok((u32::from(port), proto)),
            (proto, only) if proto == only => Ok((u32::from(port), proto)),
            (Proto::Tcp | Proto::Udp | Proto::Sctp, only) => {
                gen::fail(format!("port '{name}' is {}", only.name()))
            }
            _ => Ok((u32::from(port), proto)),
        }
    }

    fn service(&self, name: &str, quals: Quals, _start: usize, _end: usize) -> GenResult<Pred> {
        let (port, proto) = Self::service_port(name, quals.proto)?;
        self.gen.port_range(port, port, proto, quals.dir)
    }

    fn service_range(&self, text: &str, quals: Quals) -> GenResult<Pred> {
        let Some((low, high)) = text.split_once('-') else {
            let (port, proto) = Self::service_port(text, quals.proto)?;
            return self.gen.port_range(port, port, proto, quals.dir);
        };
        let (low, low_proto) = Self::service_port(low, quals.proto)?;
        let (high, high_proto) = Self::service_port(high, quals.proto)?;
        for port in [low, high] {
            if port > 65535 {
                return gen::fail(format!("illegal port number {port} > 65535"));
            }
        }
        let proto = if low_proto == high_proto {
            low_proto
        } else {
            quals.proto
        };
        self.gen.port_range(low, high, proto, quals.dir)
    }

    fn number_after(&mut self, keyword: &str) -> PResult<u32> {
        let token = self.peek().clone();
        if let Tok::Word(w) = &token.tok {
            if let Some(value) = number(w) {
                self.advance();
                return value.map_err(|m| self.error_at(token.start, token.end, m, None));
            }
        }
        Err(self.error_here(format!("expected a number after \"{keyword}\""), None))
    }

    // ---- arithmetic

    fn relation(&mut self) -> PResult<Pred> {
        let start = self.peek().start;
        let left = self.arith(0)?;
        let Some((jump, negate)) = relop(self.peek_tok()) else {
            let hint = matches!(left, Arith::Num(_)).then(|| {
                "a number alone is not a test: write \"port N\", \"host N\" or \"len > N\""
                    .to_string()
            });
            return Err(self.error_here(
                format!(
                    "expected a comparison (=, !=, <, <=, >, >=) after \"{}\"",
                    self.text[start..self.peek().start].trim_end()
                ),
                hint,
            ));
        };
        self.advance();
        let right = self.arith(0)?;
        let mut prereqs = Vec::new();
        let (l, r) = (self.fold(&left)?, self.fold(&right)?);
        if let (Some(l), Some(r)) = (l, r) {
            let holds = match jump {
                bpf::JEQ => l == r,
                bpf::JGT => l > r,
                _ => l >= r,
            };
            return Ok(Pred::Const(holds != negate));
        }
        let (mut stmts, operand) = match r {
            Some(k) => (self.gen_arith(&left, 0, &mut prereqs)?, (bpf::K, k)),
            None => {
                let mut stmts = self.gen_arith(&right, 0, &mut prereqs)?;
                stmts.push(Insn::stmt(bpf::ST, 0));
                stmts.extend(self.gen_arith(&left, 1, &mut prereqs)?);
                stmts.push(Insn::stmt(bpf::LDX | bpf::W | bpf::MEM, 0));
                (stmts, (bpf::X, 0))
            }
        };
        // `x & m == 0` is `not (x jset m)`: one instruction less, as libpcap prints it.
        let (jump, operand, negate) = match stmts.last() {
            Some(last)
                if jump == bpf::JEQ
                    && operand == (bpf::K, 0)
                    && last.code == bpf::ALU | bpf::AND | bpf::K =>
            {
                let mask = last.k;
                stmts.pop();
                (bpf::JSET, (bpf::K, mask), !negate)
            }
            _ => (jump, operand, negate),
        };
        let test = Pred::test(stmts, bpf::JMP | jump | operand.0, operand.1);
        let test = if negate { test.not() } else { test };
        Ok(prereqs.into_iter().rev().fold(test, |acc, p| p.and(acc)))
    }

    /// Precedence climbing over libpcap's levels: | ^, &, << >>, + -, * / %.
    fn arith(&mut self, level: u8) -> PResult<Arith> {
        const LEVELS: [&[(&str, u16)]; 5] = [
            &[("|", bpf::OR), ("^", bpf::XOR)],
            &[("&", bpf::AND)],
            &[("<<", bpf::LSH), (">>", bpf::RSH)],
            &[("+", bpf::ADD), ("-", bpf::SUB)],
            &[("*", bpf::MUL), ("/", bpf::DIV), ("%", bpf::MOD)],
        ];
        if level as usize == LEVELS.len() {
            return self.unary();
        }
        let mut left = self.arith(level + 1)?;
        loop {
            let op = match self.peek_tok() {
                Tok::Punct(p) => LEVELS[level as usize]
                    .iter()
                    .find(|(s, _)| s == p)
                    .map(|(_, op)| *op),
                _ => None,
            };
            let Some(op) = op else {
                return Ok(left);
            };
            let token = self.advance();
            let right = self.arith(level + 1)?;
            left = Arith::Binary {
                op,
                left: Box::new(left),
                right: Box::new(right),
                at: (token.start, token.end),
            };
        }
    }

    fn unary(&mut self) -> PResult<Arith> {
        self.nested(Self::unary_inner)
    }

    fn unary_inner(&mut self) -> PResult<Arith> {
        let token = self.peek().clone();
        match &token.tok {
            Tok::Punct("-") => {
                self.advance();
                Ok(Arith::Neg(Box::new(self.unary()?)))
            }
            Tok::Punct("(") => {
                self.advance();
                let inner = self.arith(0)?;
                if self.peek_tok() != &Tok::Punct(")") {
                    return Err(self.error_here("expected ')' in the arithmetic expression", None));
                }
                self.advance();
                Ok(inner)
            }
            Tok::Word(w) if w == "len" => {
                self.advance();
                Ok(Arith::Len)
            }
            Tok::Word(w) => {
                if let Some(proto) = Proto::from_keyword(w) {
                    if self.tok_at(self.pos + 1) == &Tok::Punct("[") {
                        return self.byte_access(proto);
                    }
                }
                match number(w) {
                    Some(value) => {
                        self.advance();
                        value
                            .map(Arith::Num)
                            .map_err(|m| self.error_at(token.start, token.end, m, None))
                    }
                    None => Err(self.error_here(
                        format!(
                            "expected a number, \"len\" or a byte access like ip[0], found {}",
                            describe(&token.tok)
                        ),
                        None,
                    )),
                }
            }
            other => Err(self.error_here(
                format!(
                    "expected a number, \"len\" or a byte access like ip[0], found {}",
                    describe(other)
                ),
                None,
            )),
        }
    }

    fn byte_access(&mut self, proto: Proto) -> PResult<Arith> {
        let name = self.advance();
        if !matches!(
            proto,
            Proto::Link
                | Proto::Ip
                | Proto::Ip6
                | Proto::Arp
                | Proto::Rarp
                | Proto::Tcp
                | Proto::Udp
                | Proto::Icmp
                | Proto::Icmp6
                | Proto::Sctp
                | Proto::Igmp
        ) {
            return Err(self.error_at(
                name.start,
                name.end,
                "no byte access for this protocol",
                None,
            ));
        }
        self.advance(); // '['
        let index = self.arith(0)?;
        let mut size = bpf::B;
        if self.peek_tok() == &Tok::Punct(":") {
            self.advance();
            let token = self.peek().clone();
            let value = match &token.tok {
                Tok::Word(w) => number(w).and_then(Result::ok),
                _ => None,
            };
            size = match value {
                Some(1) => bpf::B,
                Some(2) => bpf::H,
                Some(4) => bpf::W,
                _ => {
                    return Err(self.error_here(
                        "data size must be 1, 2, or 4",
                        Some(format!("write {}[OFFSET:2] for two bytes", proto.name())),
                    ))
                }
            };
            self.advance();
        }
        if self.peek_tok() != &Tok::Punct("]") {
            return Err(self.error_here(format!("expected ']' to close {}[", proto.name()), None));
        }
        self.advance();
        Ok(Arith::Load {
            proto,
            index: Box::new(index),
            size,
        })
    }

    /// The value of a constant expression; errors for constant division by zero and
    /// shifts past 31 wherever they appear, as libpcap.
    fn fold(&self, arith: &Arith) -> PResult<Option<u32>> {
        Ok(match arith {
            Arith::Num(value) => Some(*value),
            Arith::Len | Arith::Load { .. } => {
                if let Arith::Load { index, .. } = arith {
                    self.fold(index)?;
                }
                None
            }
            Arith::Neg(inner) => self.fold(inner)?.map(u32::wrapping_neg),
            Arith::Binary {
                op,
                left,
                right,
                at,
            } => {
                let l = self.fold(left)?;
                let r = self.fold(right)?;
                match (*op, r) {
                    (bpf::DIV, Some(0)) => {
                        return Err(self.error_at(at.0, at.1, "division by zero", None))
                    }
                    (bpf::MOD, Some(0)) => {
                        return Err(self.error_at(at.0, at.1, "modulus by zero", None))
                    }
                    (bpf::LSH | bpf::RSH, Some(bits)) if bits > 31 => {
                        return Err(self.error_at(at.0, at.1, "shift by more than 31 bits", None))
                    }
                    _ => {}
                }
                match (l, r) {
                    (Some(l), Some(r)) => Some(match *op {
                        bpf::ADD => l.wrapping_add(r),
                        bpf::SUB => l.wrapping_sub(r),
                        bpf::MUL => l.wrapping_mul(r),
                        bpf::DIV => l / r,
                        bpf::MOD => l % r,
                        bpf::AND => l & r,
                        bpf::OR => l | r,
                        bpf::XOR => l ^ r,
                        bpf::LSH => l << r,
                        _ => l >> r,
                    }),
                    _ => None,
                }
            }
        })
    }

    /// Statements leaving the value in A; scratch words from `depth` up are free.
    fn gen_arith(&self, arith: &Arith, depth: u32, prereqs: &mut Vec<Pred>) -> PResult<Vec<Insn>> {
        if depth >= bpf::MEMWORDS {
            return Err(self.error_at(
                0,
                self.text.len(),
                "arithmetic too deeply nested for BPF's 16 scratch words",
                None,
            ));
        }
        if let Some(value) = self.fold(arith)? {
            return Ok(vec![Insn::stmt(bpf::LD | bpf::IMM, value)]);
        }
        Ok(match arith {
            Arith::Num(value) => vec![Insn::stmt(bpf::LD | bpf::IMM, *value)],
            Arith::Len => vec![Insn::stmt(bpf::LD | bpf::W | bpf::LEN, 0)],
            Arith::Neg(inner) => {
                let mut stmts = self.gen_arith(inner, depth, prereqs)?;
                stmts.push(Insn::stmt(bpf::ALU | bpf::NEG, 0));
                stmts
            }
            Arith::Load { proto, index, size } => {
                let (base, behind_ip, prereq) = self
                    .gen
                    .byte_base(*proto)
                    .map_err(|(m, h)| self.error_at(0, self.text.len(), m, h))?;
                if !prereqs.contains(&prereq) {
                    prereqs.push(prereq);
                }
                let header_length = self.gen.ip_header_length();
                match self.fold(index)? {
                    Some(offset) if behind_ip => vec![
                        header_length,
                        Insn::stmt(bpf::LD | size | bpf::IND, base.wrapping_add(offset)),
                    ],
                    Some(offset) => vec![gen::load(*size, base.wrapping_add(offset))],
                    None => {
                        let mut stmts = self.gen_arith(index, depth, prereqs)?;
                        if behind_ip {
                            stmts.extend([
                                Insn::stmt(bpf::ST, depth),
                                header_length,
                                Insn::stmt(bpf::LD | bpf::W | bpf::MEM, depth),
                                Insn::stmt(bpf::ALU | bpf::ADD | bpf::X, 0),
                            ]);
                        }
                        stmts.push(Insn::stmt(bpf::MISC | bpf::TAX, 0));
                        stmts.push(Insn::stmt(bpf::LD | size | bpf::IND, base));
                        stmts
                    }
                }
            }
            Arith::Binary {
                op, left, right, ..
            } => {
                let mut stmts = self.gen_arith(left, depth, prereqs)?;
                match self.fold(right)? {
                    Some(k) => stmts.push(Insn::stmt(bpf::ALU | op | bpf::K, k)),
                    None => {
                        stmts.push(Insn::stmt(bpf::ST, depth));
                        stmts.extend(self.gen_arith(right, depth + 1, prereqs)?);
                        stmts.push(Insn::stmt(bpf::MISC | bpf::TAX, 0));
                        stmts.push(Insn::stmt(bpf::LD | bpf::W | bpf::MEM, depth));
                        stmts.push(Insn::stmt(bpf::ALU | op | bpf::X, 0));
                    }
                }
                stmts
            }
        })
    }
}

fn shift_left_128(prefix: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    }
}

/// Of two errors, the one further right: the parse that got further explains better.
fn furthest(a: FilterError, b: FilterError) -> FilterError {
    if a.start > b.start {
        a
    } else {
        b
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) | Tok::Escaped(w) => format!("\"{w}\""),
        Tok::Ipv6(a) => format!("\"{a}\""),
        Tok::Mac(m) => format!("\"{}\"", crate::addr::format_mac(m)),
        Tok::Punct(p) => format!("'{p}'"),
        Tok::End => "the end of the expression".into(),
    }
}
