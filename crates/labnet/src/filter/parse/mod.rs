//! The grammar of the pcap filter language (libpcap's grammar.y, as a recursive-descent
//! parser that generates code as it goes, like libpcap does, so that `vlan` shifts the
//! offsets of what follows it).
//!
//! Kept from libpcap: `and` and `or` share one precedence and group from the left
//! (`a or b and c` is `(a or b) and c`); a bare value after `and`/`or` inherits the
//! qualifiers of the primitive before it (`port 80 or 443`, `host a and not b`); a
//! parenthesised list of values after a qualifier (`port (80 or 443)`).
//!
//! This file is the grammar (expressions, primitives, qualifiers, values); `names`
//! reads numbers, dotted addresses and names (hosts, services, constants); `arith` is
//! the arithmetic sub-language of byte comparisons (`tcp[13] & 2 != 0`).

mod arith;
mod names;

use super::bpf::{self, Insn, Pred};
use super::gen::{Dir, Gen, GenResult, Proto};
use super::lex::{Tok, Token};
use super::FilterError;
use arith::is_arith_operator;
use names::{dotted, number, shift_left};

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

/// 802.11 subtype names, as libpcap has them: each with its type's and its own bits
/// of the frame control's first byte.
const WLAN_SUBTYPES: &[(&str, u32)] = &[
    ("assoc-req", 0x00),
    ("assoc-resp", 0x10),
    ("reassoc-req", 0x20),
    ("reassoc-resp", 0x30),
    ("probe-req", 0x40),
    ("probe-resp", 0x50),
    ("beacon", 0x80),
    ("atim", 0x90),
    ("disassoc", 0xa0),
    ("auth", 0xb0),
    ("deauth", 0xc0),
    ("ps-poll", 0xa4),
    ("rts", 0xb4),
    ("cts", 0xc4),
    ("ack", 0xd4),
    ("cf-end", 0xe4),
    ("cf-end-ack", 0xf4),
    ("data", 0x08),
    ("data-cf-ack", 0x18),
    ("data-cf-poll", 0x28),
    ("data-cf-ack-poll", 0x38),
    ("null", 0x48),
    ("cf-ack", 0x58),
    ("cf-poll", 0x68),
    ("cf-ack-poll", 0x78),
    ("qos-data", 0x88),
    ("qos-data-cf-ack", 0x98),
    ("qos-data-cf-poll", 0xa8),
    ("qos-data-cf-ack-poll", 0xb8),
    ("qos", 0xc8),
    ("qos-cf-poll", 0xe8),
    ("qos-cf-ack-poll", 0xf8),
];

const KEYWORDS: &[&str] = &[
    "type",
    "subtype",
    "dir",
    "addr1",
    "addr2",
    "addr3",
    "addr4",
    "address1",
    "address2",
    "address3",
    "address4",
    "ra",
    "ta",
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
    "protochain",
    "broadcast",
    "multicast",
    "less",
    "greater",
    "len",
    "vlan",
    "inbound",
    "outbound",
    "ifindex",
    "mpls",
    "geneve",
    "pppoed",
    "pppoes",
    // Link-layer protocols (gen::Gen::link_abbreviation) and 802.2 LLC.
    "llc",
    "ipx",
    "netbeui",
    "iso",
    "stp",
    "atalk",
    "aarp",
    "decnet",
    "lat",
    "sca",
    "moprc",
    "mopdl",
    "clnp",
    "esis",
    "isis",
    "l1",
    "l2",
    "iih",
    "lsp",
    "snp",
    "csnp",
    "psnp",
];

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
            // What the tests' variable offsets need, computed first (802.11).
            Tok::End => Ok(match self.gen.prologue() {
                Some(prologue) => prologue.and(pred),
                None => pred,
            }),
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
            Tok::Word(word) => {
                let term = self.word_term(word.clone(), &token)?;
                // A protocol libpcap cannot look for where the primitives before it
                // have led (ARP after MPLS labels): refused as libpcap refuses it.
                if let Some(message) = self.gen.take_refusal() {
                    let end = self.toks[self.pos.saturating_sub(1)].end.max(token.end);
                    return Err(self.error_at(token.start, end, message, None));
                }
                Ok(term)
            }
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
        // libpcap's link-layer protocol keywords (`ipx`, `stp`, `iso`, `clnp`, `l1`, ...).
        if let Some(pred) = self.gen.link_abbreviation(&word) {
            self.advance();
            return Ok((pred, None));
        }
        match word.as_str() {
            "src" | "dst" | "host" | "net" | "port" | "portrange" | "proto" | "protochain" => {
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
            "inbound" | "outbound" => {
                self.advance();
                let pred = self.gen.direction(word == "outbound");
                Ok((self.located(token.start, token.end, pred)?, None))
            }
            "ifindex" => {
                self.advance();
                let index = self.number_after("ifindex")?;
                let pred = self.gen.ifindex(index);
                Ok((self.located(token.start, self.peek().start, pred)?, None))
            }
            "llc" => {
                self.advance();
                const SUBTYPES: [&str; 14] = [
                    "i", "s", "u", "rr", "rnr", "rej", "ui", "ua", "disc", "dm", "sabme", "test",
                    "xid", "frmr",
                ];
                let subtype = match self.peek_tok() {
                    Tok::Word(w) if SUBTYPES.contains(&w.as_str()) => Some(w.clone()),
                    _ => None,
                };
                let end = if subtype.is_some() {
                    self.advance().end
                } else {
                    token.end
                };
                let pred = self.gen.llc(subtype.as_deref());
                Ok((self.located(token.start, end, pred)?, None))
            }

            // Encapsulations with an optional number (VLAN id, PPPoE session, MPLS
            // label, Geneve VNI); each moves what follows.
            "vlan" | "pppoes" | "mpls" | "geneve" => {
                self.advance();
                let number = match self.peek_tok() {
                    Tok::Word(w)
                        if number(w).is_some() && !is_arith_operator(self.tok_at(self.pos + 1)) =>
                    {
                        Some(self.number_after(&word)?)
                    }
                    _ => None,
                };
                let pred = match word.as_str() {
                    "vlan" => self.gen.vlan(number),
                    "pppoes" => self.gen.pppoe(true, number),
                    "geneve" => self.gen.geneve(number),
                    _ => self.gen.mpls(number),
                };
                Ok((self.located(token.start, self.peek().start, pred)?, None))
            }
            "pppoed" => {
                self.advance();
                let pred = self.gen.pppoe(false, None);
                Ok((self.located(token.start, token.end, pred)?, None))
            }
            "type" | "subtype" | "dir" => {
                let pred = self.wlan_frame_test(&word)?;
                Ok((self.located(token.start, self.peek().start, pred)?, None))
            }
            "and" | "or" => {
                Err(self.error_here(format!("expected a condition before \"{word}\""), None))
            }
            "mask" => Err(self.error_here(
                "\"mask\" belongs after a network: net 10.0.0.0 mask 255.0.0.0",
                None,
            )),
            w if UNSUPPORTED.contains(&w) => Err(self.unsupported_keyword()),
            w if number(w).is_some() => Ok((self.relation()?, None)),
            _ => Err(self.value_without_qualifier(token)),
        }
    }

    /// The error for a keyword of libpcap's that labnet does not compile, at the
    /// keyword. `gateway` takes a host name whose Ethernet address comes from
    /// /etc/ethers: libpcap refuses an address there ("requires a name"), and labnet
    /// resolves no names for it.
    fn unsupported_keyword(&self) -> FilterError {
        let word = match self.peek_tok() {
            Tok::Word(w) => w.as_str(),
            _ => "",
        };
        if word == "gateway" {
            let next = self.tok_at(self.pos + 1);
            let address = match next {
                Tok::Word(w) => number(w).is_some() || dotted(w).is_some(),
                Tok::Ipv6(_) | Tok::Mac(_) => true,
                _ => false,
            };
            if address {
                return self.error_here("'gateway' requires a name", None);
            }
            return self.error_here(
                "'gateway NAME' needs the host's Ethernet address from /etc/ethers, which labnet does not read",
                Some("write what it means: ether host MAC and not host IP".into()),
            );
        }
        self.error_here(
            format!("\"{word}\" is not supported yet by labnet's filter compiler"),
            Some("tcpdump -r FILE -w OUT 'EXPR' can pre-filter a capture meanwhile".into()),
        )
    }

    /// `type T [subtype S]`, `subtype S` and `dir D`: 802.11 frame control tests, by
    /// libpcap's names or numbers (as the masked bits: `type 8` is data).
    fn wlan_frame_test(&mut self, word: &str) -> PResult<GenResult<Pred>> {
        self.advance();
        let token = self.peek().clone();
        let Tok::Word(value) = &token.tok else {
            return Err(self.error_here(format!("expected a value after \"{word}\""), None));
        };
        let value = value.clone();
        self.advance();
        let unknown =
            |what: &str| Err(self.error_at(token.start, token.end, what.to_string(), None));
        Ok(match word {
            "dir" => {
                let direction = match value.as_str() {
                    "nods" => 0,
                    "tods" => 1,
                    "fromds" => 2,
                    "dstods" => 3,
                    other => match number(other) {
                        Some(Ok(n)) => n,
                        _ => return unknown("unknown 802.11 direction"),
                    },
                };
                self.gen.wlan_dir(direction)
            }
            "subtype" => match WLAN_SUBTYPES.iter().find(|(name, _)| *name == value) {
                Some(&(_, bits)) => self.gen.wlan_subtype(bits),
                None => return unknown("unknown 802.11 type name"),
            },
            _ => {
                let frame_type = match value.as_str() {
                    "mgt" => 0x00,
                    "ctl" => 0x04,
                    "data" => 0x08,
                    other => match number(other) {
                        Some(Ok(n)) if n & !0x0c == 0 => n,
                        Some(Ok(n)) => {
                            return unknown(&format!("invalid 802.11 type value {n:#04x}"))
                        }
                        _ => return unknown(&format!("unknown 802.11 type name \"{other}\"")),
                    },
                };
                if !self.word_is(self.pos, &["subtype"]) {
                    return Ok(self.gen.wlan_type(frame_type));
                }
                self.advance();
                let token = self.peek().clone();
                let Tok::Word(subtype) = &token.tok else {
                    return Err(self.error_here("expected a value after \"subtype\"", None));
                };
                let subtype = subtype.clone();
                self.advance();
                let at =
                    |message: String| Err(self.error_at(token.start, token.end, message, None));
                let bits = match number(&subtype) {
                    Some(Ok(n)) if n & !0xf0 == 0 => frame_type | n,
                    Some(Ok(n)) => return at(format!("invalid 802.11 subtype value {n:#04x}")),
                    _ => match WLAN_SUBTYPES
                        .iter()
                        .find(|(name, bits)| *name == subtype && bits & 0x0c == frame_type)
                    {
                        Some(&(_, bits)) => bits,
                        None => return at(format!("unknown 802.11 subtype name \"{subtype}\"")),
                    },
                };
                self.gen.wlan_subtype(bits)
            }
        })
    }

    fn after_proto(&mut self, proto: Proto, token: &Token) -> PResult<(Pred, Option<Quals>)> {
        const WLAN_ADDRESSES: [&str; 10] = [
            "addr1", "addr2", "addr3", "addr4", "address1", "address2", "address3", "address4",
            "ra", "ta",
        ];
        if proto == Proto::Link && self.word_is(self.pos, &WLAN_ADDRESSES) {
            let which = self.advance();
            let which = self.text[which.start..which.end].replace("address", "addr");
            let address = self.peek().clone();
            let Tok::Mac(mac) = address.tok else {
                return Err(self.error_here(
                    format!("expected a MAC address after \"{which}\""),
                    Some("for example \"wlan addr2 08:00:27:a8:38:66\"".into()),
                ));
            };
            self.advance();
            let pred = self.gen.wlan_address(&which, mac);
            return Ok((self.located(token.start, address.end, pred)?, None));
        }
        if self.word_is(
            self.pos,
            &[
                "src",
                "dst",
                "host",
                "net",
                "port",
                "portrange",
                "proto",
                "protochain",
            ],
        ) {
            let quals = self.head(proto)?;
            return Ok((self.id(quals)?, Some(quals)));
        }
        if self.word_is(self.pos, &["gateway"]) {
            return Err(self.unsupported_keyword());
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
                "proto" | "protochain" => Kind::Proto,
                "gateway" => return Err(self.unsupported_keyword()),
                _ => Kind::Default,
            },
            _ => Kind::Default,
        };
        // libpcap's grammar has no direction before `proto`: `src proto 6` is a syntax
        // error there.
        if kind == Kind::Proto && keyword != proto.name() {
            let word = match self.peek_tok() {
                Tok::Word(w) => w.clone(),
                _ => String::new(),
            };
            return Err(self.error_here(
                format!("\"{keyword}\" does not apply to \"{word}\""),
                Some("a protocol is neither source nor destination: write \"proto N\" or \"ip proto N\"".into()),
            ));
        }
        if kind != Kind::Default {
            let word = self.advance();
            keyword = match &self.text[word.start..word.end] {
                "host" => "host",
                "net" => "net",
                "port" => "port",
                "portrange" => "portrange",
                "protochain" => "protochain",
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
        if quals.proto == Proto::Decnet {
            return self.decnet_value(quals, &token);
        }
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
                // libpcap takes `host ADDR/128` for IPv6 (the mask names one host).
                let masked = prefix.is_some_and(|bits| bits != 128);
                let what = self.address_kind(quals, masked, start, end, "IPv6 address")?;
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

    /// A DECnet address after `decnet [src|dst] [host|net]`: AREA.NODE (libpcap's
    /// `sscanf("%d.%d")`, each part masked to its bits: 6 for the area, 10 for the
    /// node), or the 16-bit address as a number.
    fn decnet_value(&mut self, quals: Quals, token: &Token) -> PResult<Pred> {
        let (start, end) = (token.start, token.end);
        match quals.kind {
            Kind::Port | Kind::PortRange => {
                return Err(
                    self.error_here(format!("illegal qualifier of '{}'", quals.keyword), None)
                )
            }
            Kind::Proto if quals.keyword == "protochain" => {
                return Err(self.error_here("bad protocol applied for 'protochain'", None))
            }
            Kind::Proto => {
                return Err(self.error_here("DECNET encapsulation is not specifiable", None))
            }
            Kind::Host | Kind::Net | Kind::Default => {}
        }
        let Tok::Word(word) = &token.tok else {
            return Err(self.expected_value(quals));
        };
        let address = match number(word) {
            Some(value) => {
                let value = value.map_err(|message| self.error_at(start, end, message, None))?;
                value as u16
            }
            None => {
                let mut parts = word.splitn(3, '.');
                let area = parts.next().and_then(|p| p.parse::<u32>().ok());
                let node = parts
                    .next()
                    .map(|p| p.split(|c: char| !c.is_ascii_digit()).next().unwrap_or(""))
                    .and_then(|p| p.parse::<u32>().ok());
                match (area, node) {
                    (Some(area), Some(node)) => ((area << 10 & 0xfc00) | (node & 0x3ff)) as u16,
                    _ => return Err(self.error_at(
                        start,
                        end,
                        format!("decnet name support not included, '{word}' cannot be translated"),
                        Some(
                            "write a DECnet address as AREA.NODE, for example \"decnet host 1.2\""
                                .into(),
                        ),
                    )),
                }
            }
        };
        self.advance();
        Ok(self.gen.decnet_host(address, quals.dir))
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
                format!(
                    "expected a protocol after \"{}\", found an {what}",
                    quals.keyword
                ),
                None,
            )),
        }
    }

    /// `proto N` or `protochain N`, by the keyword.
    fn gen_proto(&self, value: u32, quals: Quals) -> GenResult<Pred> {
        if quals.keyword == "protochain" {
            self.gen.protochain(value, quals.proto)
        } else {
            self.gen.proto(value, quals.proto)
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
            Kind::Proto => self.gen_proto(value, quals),
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

#[cfg(test)]
mod tests {
    use crate::filter::{Filter, FilterError, Names};
    use crate::linktype::LinkType;

    fn compiled(expression: &str) -> Result<Filter, FilterError> {
        Filter::compile_with(expression, LinkType::Ethernet, Names::Offline)
    }

    fn listing(expression: &str) -> String {
        compiled(expression)
            .unwrap_or_else(|e| panic!("{e}"))
            .listing()
    }

    #[test]
    fn and_and_or_share_one_precedence_from_the_left() {
        // libpcap's grammar: `a or b and c` is `(a or b) and c`.
        assert_eq!(
            listing("tcp or udp and ip6"),
            listing("(tcp or udp) and ip6")
        );
        assert_ne!(
            listing("tcp or udp and ip6"),
            listing("tcp or (udp and ip6)")
        );
        assert_eq!(listing("not tcp and udp"), listing("(not tcp) and udp"));
        assert_eq!(
            listing("tcp && udp || arp"),
            listing("(tcp and udp) or arp")
        );
    }

    #[test]
    fn bare_values_inherit_the_qualifiers_before_them() {
        assert_eq!(listing("port 80 or 443"), listing("port 80 or port 443"));
        assert_eq!(
            listing("tcp dst port 80 or 443"),
            listing("tcp dst port 80 or tcp dst port 443")
        );
        assert_eq!(
            listing("host 10.0.0.1 and not 10.0.0.2"),
            listing("host 10.0.0.1 and not host 10.0.0.2")
        );
        assert_eq!(listing("port (80 or 443)"), listing("port 80 or port 443"));
        assert_eq!(listing("src 10.0.0.1"), listing("src host 10.0.0.1"));
    }

    #[test]
    fn errors_point_at_the_column() {
        let error = compiled("tcp port").unwrap_err();
        assert!(
            error.start >= 8,
            "past the end, where the value is missing: {error}"
        );
        assert!(error.message.contains("\"port\""), "{error}");
        let error = compiled("tcp and and udp").unwrap_err();
        assert_eq!((error.start, error.end), (8, 11), "{error}");
        let error = compiled("port 80)").unwrap_err();
        assert_eq!(error.start, 7, "{error}");
        let error = compiled("(tcp").unwrap_err();
        assert!(error.start >= 4, "past the end: {error}");
        assert!(
            error.message.contains("column 1"),
            "names the open parenthesis: {error}"
        );
        assert!(compiled("").unwrap().matches_all(), "empty: every packet");
    }

    #[test]
    fn hostile_expressions_get_errors_not_a_stack_overflow() {
        let deep = format!("{}tcp{}", "(".repeat(500), ")".repeat(500));
        assert!(compiled(&deep).unwrap_err().message.contains("nested"));
        let nots = format!("{}tcp", "not ".repeat(500));
        assert!(compiled(&nots).is_err());
        let long = vec!["tcp"; 6000].join(" or ");
        assert!(compiled(&long).unwrap_err().message.contains("too long"));
    }

    #[test]
    fn protocol_qualifiers_that_make_no_sense_are_refused() {
        for bad in [
            "tcp host 10.0.0.1",
            "arp port 80",
            "ip6 net 10.0.0.0/8",
            "vlan 4096",
        ] {
            assert!(compiled(bad).is_err(), "{bad:?}");
        }
        for good in [
            "ip6 host fd00:56::101",
            "net 192.168.56.0/24",
            "ether src 08:00:27:56:00:65",
            "vlan 56 and tcp port 5000",
            "icmp6 and ip6[40] = 135",
        ] {
            assert!(compiled(good).is_ok(), "{good:?}");
        }
    }
}
