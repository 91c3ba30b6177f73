//! The arithmetic of byte comparisons (libpcap's `arth` and `relop`): `tcp[13] & 2 != 0`,
//! `len > 100`, `ip[2:2] - 20 >= 1000`; folded to a constant where it can be, otherwise
//! laid out as loads and ALU instructions with their bounds as prerequisites.

use super::super::bpf::{self, Insn, Pred};
use super::super::gen::{self, Base, Proto};
use super::super::lex::Tok;
use super::names::number;
use super::{describe, PResult, Parser};

/// Arithmetic for byte comparisons: `tcp[13] & 2 != 0`, `len > 100`.
#[derive(Debug, Clone)]
pub(super) enum Arith {
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

pub(super) fn relop(tok: &Tok) -> Option<(u16, bool)> {
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

pub(super) fn is_arith_operator(tok: &Tok) -> bool {
    matches!(
        tok,
        Tok::Punct("+" | "-" | "*" | "/" | "%" | "&" | "|" | "^" | "<<" | ">>" | "[")
    ) || relop(tok).is_some()
}

impl Parser<'_> {
    pub(super) fn relation(&mut self) -> PResult<Pred> {
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
        let first = self.gen.scratch().start;
        let (mut stmts, operand) = match r {
            Some(k) => (self.gen_arith(&left, first, &mut prereqs)?, (bpf::K, k)),
            None => {
                let mut stmts = self.gen_arith(&right, first, &mut prereqs)?;
                stmts.push(Insn::stmt(bpf::ST, first));
                stmts.extend(self.gen_arith(&left, first + 1, &mut prereqs)?);
                stmts.push(Insn::stmt(bpf::LDX | bpf::W | bpf::MEM, first));
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
    pub(super) fn arith(&mut self, level: u8) -> PResult<Arith> {
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

    pub(super) fn unary(&mut self) -> PResult<Arith> {
        self.nested(Self::unary_inner)
    }

    pub(super) fn unary_inner(&mut self) -> PResult<Arith> {
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

    pub(super) fn byte_access(&mut self, proto: Proto) -> PResult<Arith> {
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
                | Proto::Igrp
                | Proto::Pim
                | Proto::Vrrp
                | Proto::Carp
                | Proto::Decnet
                | Proto::Radio
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
    pub(super) fn fold(&self, arith: &Arith) -> PResult<Option<u32>> {
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
                    // libpcap's optimiser makes `x & 0` and `x * 0` (and `0 & x`,
                    // `0 * x`, `0 / x`, `0 % x`, `0 << x`, `0 >> x`) the constant 0 and
                    // drops the load: `link[0:2] & 0 == 0` holds for a 1-byte packet.
                    (_, Some(0)) if matches!(*op, bpf::AND | bpf::MUL) => Some(0),
                    (Some(0), _)
                        if matches!(
                            *op,
                            bpf::AND | bpf::MUL | bpf::DIV | bpf::MOD | bpf::LSH | bpf::RSH
                        ) =>
                    {
                        Some(0)
                    }
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

    /// Statements leaving the value in A; scratch words from `depth` up (to the end
    /// of [`gen::Gen::scratch`]) are free.
    pub(super) fn gen_arith(
        &self,
        arith: &Arith,
        depth: u32,
        prereqs: &mut Vec<Pred>,
    ) -> PResult<Vec<Insn>> {
        if depth >= self.gen.scratch().end {
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
                // What puts the header's offset in X (none for a fixed one), and the
                // constant part of that offset.
                let (header, at) = match (base, behind_ip) {
                    (Base::At(at), false) => (Vec::new(), at),
                    (_, true) => base.ipv4_payload(),
                    (Base::Slot(slot, plus), false) => {
                        (vec![Insn::stmt(bpf::LDX | bpf::MEM, slot)], plus)
                    }
                };
                match self.fold(index)? {
                    Some(offset) if header.is_empty() => {
                        vec![gen::load(*size, at.wrapping_add(offset))]
                    }
                    Some(offset) => {
                        let mut stmts = header;
                        stmts.push(Insn::stmt(
                            bpf::LD | size | bpf::IND,
                            at.wrapping_add(offset),
                        ));
                        stmts
                    }
                    None => {
                        let mut stmts = self.gen_arith(index, depth, prereqs)?;
                        if !header.is_empty() {
                            stmts.push(Insn::stmt(bpf::ST, depth));
                            stmts.extend(header);
                            stmts.extend([
                                Insn::stmt(bpf::LD | bpf::W | bpf::MEM, depth),
                                Insn::stmt(bpf::ALU | bpf::ADD | bpf::X, 0),
                            ]);
                        }
                        stmts.push(Insn::stmt(bpf::MISC | bpf::TAX, 0));
                        stmts.push(Insn::stmt(bpf::LD | size | bpf::IND, at));
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

#[cfg(test)]
mod tests {
    use crate::filter::{Filter, Names};
    use crate::linktype::LinkType;

    fn compile(expression: &str) -> Filter {
        Filter::compile_with(expression, LinkType::Ethernet, Names::Offline)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Ethernet, IPv4 (TTL 64, total length 40), TCP SYN 192.168.56.102:36844 ->
    /// 192.168.56.101:5000: 54 bytes.
    fn syn() -> Vec<u8> {
        let mut frame = vec![
            0x08, 0, 0x27, 0x56, 0, 0x65, 0x08, 0, 0x27, 0x56, 0, 0x66, 0x08, 0,
        ];
        frame.extend_from_slice(&[
            0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 192, 168, 56, 102, 192, 168, 56, 101,
        ]);
        frame.extend_from_slice(&[
            0x8f, 0xec, 0x13, 0x88, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0,
        ]);
        frame
    }

    fn matches(expression: &str, frame: &[u8]) -> bool {
        compile(expression).matches(frame, frame.len() as u32)
    }

    #[test]
    fn byte_comparisons_read_the_layer_they_name() {
        let frame = syn();
        assert!(matches("tcp[13] & 2 != 0", &frame));
        assert!(matches("tcp[tcpflags] & tcp-syn != 0", &frame));
        assert!(!matches("tcp[tcpflags] & tcp-ack != 0", &frame));
        assert!(matches("ip[8] = 64", &frame), "the TTL");
        assert!(
            matches("ip[2:2] - 20 = 20", &frame),
            "total length less the header"
        );
        assert!(
            matches("tcp[2:2] = 5000", &frame),
            "behind the variable IPv4 header"
        );
        assert!(matches("len = 54 and len >= 54 and len < 55", &frame));
        assert!(matches("ether[12:2] = 0x800", &frame));
        assert!(
            !matches("udp[0:2] = 36844", &frame),
            "not UDP: the guard fails"
        );
        // Past the end of the packet a load fails the whole filter, as in the kernel.
        assert!(!matches("ether[1000] = 0", &frame));
    }

    #[test]
    fn the_operators_keep_cs_precedence() {
        let frame = syn();
        assert!(matches("ip[8] = 2 + 62", &frame));
        assert!(matches("ip[8] = 4 * 16", &frame));
        assert!(matches("ip[8] = 1 + 3 * 21", &frame), "* before +");
        assert!(matches("ip[8] = 128 >> 1", &frame));
        assert!(matches("ip[8] = 0x40 | 0 & 0", &frame));
        assert!(matches("ip[8] = 66 - 2", &frame));
        assert!(matches("ip[8] = 128 / 2 % 65", &frame));
        assert!(
            matches("ip[8] - 65 = 0xffffffff", &frame),
            "unsigned 32-bit wrap"
        );
    }

    #[test]
    fn constant_comparisons_fold_to_accept_or_reject() {
        assert!(compile("2 * 3 = 6").matches_all());
        let never = Filter::compile_with("1 = 2", LinkType::Ethernet, Names::Offline).unwrap_err();
        assert!(never.message.contains("rejects all packets"), "{never}");
        // libpcap drops the load of a value and-ed (or multiplied) with 0: the test
        // holds for a packet too short for it.
        assert!(compile("link[0:2] & 0 == 0").matches_all());
        assert!(compile("0 * ip[40:4] = 0").matches_all());
        assert!(matches("ether[0:2] & 0 = 0", &[1]));
        assert_eq!(
            compile("len > 1 + 2").listing(),
            compile("len > 3").listing()
        );
    }

    #[test]
    fn division_by_a_constant_zero_points_at_the_operator() {
        let error =
            Filter::compile_with("len / 0 > 1", LinkType::Ethernet, Names::Offline).unwrap_err();
        assert!(error.message.contains("division by zero"), "{error}");
        assert_eq!((error.start, error.end), (4, 5));
        for bad in ["tcp[", "tcp[13", "tcp[13] &", "ip[0:3] = 1", "len >"] {
            assert!(
                Filter::compile_with(bad, LinkType::Ethernet, Names::Offline).is_err(),
                "{bad:?} is refused"
            );
        }
    }
}
