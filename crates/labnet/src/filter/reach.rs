//! Whether a program can accept any packet at all. libpcap refuses an expression
//! whose optimised program is a bare `ret #0` ("expression rejects all packets":
//! `ip and arp`, `tcp and udp`, `host A and not host A`); labnet finds the same by
//! following the program's paths with what each path has learnt about the packet's
//! bytes (`ldh [12]` was 0x800, so it is not 0x806), and says so instead of
//! capturing nothing.
//!
//! Only fixed-offset loads (`ld [k]`, with an `and #mask`) are tracked; anything else
//! (indirect loads, lengths, scratch memory, X) is unknown, and both ways of a jump
//! on it stay open. Paths are followed up to a budget; past it, the program counts as
//! able to accept.

use std::collections::HashSet;

use super::bpf::{self, Insn};

/// A value loaded from the packet: its size, its offset, and the mask applied to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Source {
    size: u16,
    offset: u32,
    mask: u32,
}

/// What a path knows about one source.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Fact {
    Is(u32),
    IsNot(Vec<u32>),
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct State {
    a: Option<Source>,
    x: Option<Source>,
    facts: Vec<(Source, Fact)>,
}

/// How many instruction visits the search may make before it gives up (and assumes
/// the program can accept).
const BUDGET: usize = 200_000;

/// Whether some packet can reach a `ret` that keeps it.
pub fn can_accept(program: &[Insn]) -> bool {
    let mut search = Search {
        program,
        seen: HashSet::new(),
        steps: 0,
    };
    search.from(0, State::default())
}

struct Search<'a> {
    program: &'a [Insn],
    seen: HashSet<(usize, State)>,
    steps: usize,
}

impl Search<'_> {
    fn from(&mut self, mut pc: usize, mut state: State) -> bool {
        loop {
            self.steps += 1;
            if self.steps > BUDGET {
                return true;
            }
            let Some(&insn) = self.program.get(pc) else {
                // Running off the end is the kernel's reject; a well-formed program
                // never does.
                return false;
            };
            if !self.seen.insert((pc, state.clone())) {
                return false;
            }
            let class = insn.code & 0x07;
            match class {
                bpf::RET => return insn.code & 0x18 != bpf::K || insn.k != 0,
                bpf::LD => {
                    state.a = (insn.code & 0xe0 == bpf::ABS).then_some(Source {
                        size: insn.code & 0x18,
                        offset: insn.k,
                        mask: u32::MAX,
                    });
                }
                bpf::LDX => state.x = None,
                bpf::ALU => {
                    state.a = match (state.a, insn.code) {
                        (Some(source), code) if code == bpf::ALU | bpf::AND | bpf::K => {
                            Some(Source {
                                mask: source.mask & insn.k,
                                ..source
                            })
                        }
                        _ => None,
                    };
                }
                bpf::MISC => {
                    if insn.code & 0xf8 == bpf::TXA {
                        state.a = state.x;
                    } else {
                        state.x = state.a;
                    }
                }
                bpf::JMP => return self.jump(pc, insn, state),
                // ST and STX write scratch memory, which is not tracked.
                _ => {}
            }
            pc += 1;
        }
    }

    fn jump(&mut self, pc: usize, insn: Insn, state: State) -> bool {
        let op = insn.code & 0xf0;
        if op == 0 {
            // ja: k instructions on, or back (protochain's loop: `seen` ends it).
            return match insn.ja_target(pc) {
                Some(target) => self.from(target, state),
                None => false,
            };
        }
        let (taken, not_taken) = (pc + 1 + usize::from(insn.jt), pc + 1 + usize::from(insn.jf));
        let known = match (state.a, insn.code & bpf::X) {
            (Some(source), bpf::K) => Some(source),
            _ => None,
        };
        let Some(source) = known else {
            return self.from(taken, state.clone()) || self.from(not_taken, state);
        };
        let k = insn.k;
        match value_of(&state, source) {
            Some(value) => {
                let holds = match op {
                    bpf::JEQ => value == k,
                    bpf::JGT => value > k,
                    bpf::JGE => value >= k,
                    _ => value & k != 0,
                };
                self.from(if holds { taken } else { not_taken }, state)
            }
            None if op == bpf::JEQ => {
                if excluded(&state, source, k) {
                    return self.from(not_taken, state);
                }
                let mut equal = state.clone();
                equal.facts.retain(|(s, _)| *s != source);
                equal.facts.push((source, Fact::Is(k)));
                let mut unequal = state;
                match unequal.facts.iter_mut().find(|(s, _)| *s == source) {
                    Some((_, Fact::IsNot(values))) => {
                        values.push(k);
                        values.sort_unstable();
                    }
                    _ => unequal.facts.push((source, Fact::IsNot(vec![k]))),
                }
                self.from(taken, equal) || self.from(not_taken, unequal)
            }
            None => self.from(taken, state.clone()) || self.from(not_taken, state),
        }
    }
}

/// The value a path knows `source` has: learnt of it, or of the same bytes unmasked.
fn value_of(state: &State, source: Source) -> Option<u32> {
    state.facts.iter().find_map(|(s, fact)| match fact {
        Fact::Is(value) if *s == source => Some(*value),
        Fact::Is(value)
            if s.mask == u32::MAX && s.size == source.size && s.offset == source.offset =>
        {
            Some(value & source.mask)
        }
        _ => None,
    })
}

fn excluded(state: &State, source: Source, k: u32) -> bool {
    state
        .facts
        .iter()
        .any(|(s, fact)| *s == source && matches!(fact, Fact::IsNot(values) if values.contains(&k)))
}

#[cfg(test)]
mod tests {
    use super::super::Filter;
    use super::*;
    use crate::linktype::LinkType;

    /// Whether the expression compiles (the check runs as the last step of compiling).
    fn accepts(expression: &str) -> bool {
        match Filter::compile_with(expression, LinkType::Ethernet, super::super::Names::Offline) {
            Ok(filter) => can_accept(filter.program()),
            Err(error) if error.message.contains("rejects all packets") => false,
            Err(error) => panic!("{expression}: {error}"),
        }
    }

    #[test]
    fn contradictions_reject_all_and_the_rest_can_accept() {
        // Each as tcpdump 4.99 (libpcap 1.10) judged it: "expression rejects all packets".
        for expression in [
            "ip and arp",
            "tcp and udp",
            "ip and ip6",
            "not ip and ip",
            "ip[0] = 1 and ip[0] = 2",
            "host 1.2.3.4 and not host 1.2.3.4",
            "ether proto 0x800 and ether proto 0x806",
            "icmp and tcp",
        ] {
            assert!(!accepts(expression), "{expression} can accept");
        }
        for expression in [
            "tcp port 80",
            "vlan 10 and vlan 11",
            "ip or arp",
            "len < 0",
            "tcp[tcpflags] & tcp-syn != 0 and not tcp[tcpflags] & tcp-ack != 0",
            "port 1 or port 2 or port 3 or port 4 or port 5",
        ] {
            assert!(accepts(expression), "{expression} rejects all");
        }
    }
}
