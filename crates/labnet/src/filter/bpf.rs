//! Classic BPF: the instruction set the kernel runs for SO_ATTACH_FILTER, the layout of
//! a predicate tree into a program (with the jump threading and load elision that keep
//! programs short), and the `tcpdump -d` listing. [`machine`](super::machine) runs
//! programs in user space.
//!
//! Hand-written: no maintained crate compiles to classic BPF (the `bpf`/`pcap` crates
//! wrap libpcap, which the static binaries must not need).

use std::collections::HashMap;

/// One classic BPF instruction, laid out as the kernel's `struct sock_filter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct Insn {
    pub code: u16,
    pub jt: u8,
    pub jf: u8,
    pub k: u32,
}

// Instruction classes, sizes, modes and operations (linux/bpf_common.h).
pub const LD: u16 = 0x00;
pub const LDX: u16 = 0x01;
pub const ST: u16 = 0x02;
pub const STX: u16 = 0x03;
pub const ALU: u16 = 0x04;
pub const JMP: u16 = 0x05;
pub const RET: u16 = 0x06;
pub const MISC: u16 = 0x07;
pub const W: u16 = 0x00;
pub const H: u16 = 0x08;
pub const B: u16 = 0x10;
pub const IMM: u16 = 0x00;
pub const ABS: u16 = 0x20;
pub const IND: u16 = 0x40;
pub const MEM: u16 = 0x60;
pub const LEN: u16 = 0x80;
pub const MSH: u16 = 0xa0;
pub const ADD: u16 = 0x00;
pub const SUB: u16 = 0x10;
pub const MUL: u16 = 0x20;
pub const DIV: u16 = 0x30;
pub const OR: u16 = 0x40;
pub const AND: u16 = 0x50;
pub const LSH: u16 = 0x60;
pub const RSH: u16 = 0x70;
pub const NEG: u16 = 0x80;
pub const MOD: u16 = 0x90;
pub const XOR: u16 = 0xa0;
pub const JEQ: u16 = 0x10;
pub const JGT: u16 = 0x20;
pub const JGE: u16 = 0x30;
pub const JSET: u16 = 0x40;
/// Operand source: the constant `k` or the X register.
pub const K: u16 = 0x00;
pub const X: u16 = 0x08;
pub const TAX: u16 = 0x00;
pub const TXA: u16 = 0x80;
/// The scratch memory words a program may use.
pub const MEMWORDS: u32 = 16;
/// The longest program the kernel accepts (BPF_MAXINSNS).
pub const MAX_INSNS: usize = 4096;

impl Insn {
    pub const fn stmt(code: u16, k: u32) -> Insn {
        Insn {
            code,
            jt: 0,
            jf: 0,
            k,
        }
    }

    /// Where a `ja` at `at` goes, reading its offset as libpcap's user-space BPF reads
    /// it: signed, so that `protochain`'s loop can jump back (the kernel reads it
    /// unsigned and refuses a program whose jump leaves it). `None` before the start.
    pub fn ja_target(&self, at: usize) -> Option<usize> {
        let target = at as i64 + 1 + i64::from(self.k as i32);
        usize::try_from(target).ok()
    }
}

/// Whether a program jumps backward (`protochain`), which the kernel refuses: it is
/// run in user space instead. A `ja` is any jump without a comparison, as
/// [`machine`](super::machine) decodes it.
pub fn jumps_backward(program: &[Insn]) -> bool {
    program.iter().enumerate().any(|(at, insn)| {
        insn.code & 0x07 == JMP
            && insn.code & 0xf0 == 0
            && insn.ja_target(at).is_some_and(|target| target <= at)
    })
}

/// A conditional jump's test: `A op operand`, where the operand is `k` or X.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Test {
    /// Statements that compute A (and maybe X) from the packet alone.
    pub stmts: Vec<Insn>,
    /// JEQ, JGT, JGE or JSET, or-ed with K or X.
    pub jump: u16,
    pub k: u32,
}

/// A filter before layout: tests combined with and, or and not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pred {
    Const(bool),
    Test(Test),
    And(Box<Pred>, Box<Pred>),
    Or(Box<Pred>, Box<Pred>),
    Not(Box<Pred>),
}

impl Pred {
    pub fn and(self, other: Pred) -> Pred {
        match (self, other) {
            (Pred::Const(true), p) | (p, Pred::Const(true)) => p,
            (Pred::Const(false), _) => Pred::Const(false),
            (a, b) => Pred::And(Box::new(a), Box::new(b)),
        }
    }

    pub fn or(self, other: Pred) -> Pred {
        match (self, other) {
            (Pred::Const(false), p) | (p, Pred::Const(false)) => p,
            (Pred::Const(true), _) => Pred::Const(true),
            (a, b) => Pred::Or(Box::new(a), Box::new(b)),
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Pred {
        match self {
            Pred::Const(value) => Pred::Const(!value),
            Pred::Not(inner) => *inner,
            p => Pred::Not(Box::new(p)),
        }
    }

    /// `A op k` after `stmts`.
    pub fn test(stmts: Vec<Insn>, jump: u16, k: u32) -> Pred {
        Pred::Test(Test { stmts, jump, k })
    }
}

/// Factors common leading conditions out of alternatives: `(X and A) or (X and B)`
/// becomes `X and (A or B)`, so `port 80 or port 443` checks "IPv4, TCP/UDP/SCTP,
/// first fragment" once instead of once per port. Sound because tests have no side
/// effects, so alternatives may be regrouped.
fn factor(pred: &Pred) -> Pred {
    match pred {
        Pred::Or(..) => {
            let mut terms = Vec::new();
            flatten_or(pred, &mut terms);
            merge(
                terms
                    .into_iter()
                    .map(|term| {
                        let mut conjuncts = Vec::new();
                        flatten_and(&factor(term), &mut conjuncts);
                        conjuncts
                    })
                    .collect(),
            )
        }
        Pred::And(a, b) => factor(a).and(factor(b)),
        Pred::Not(inner) => factor(inner).not(),
        other => other.clone(),
    }
}

/// The alternatives given as conjunct lists (already factored), with common leading
/// conjuncts taken out. Works on the lists only, never factoring a subtree twice, so
/// it stays polynomial however deep the expression nests.
fn merge(mut conjunctions: Vec<Vec<Pred>>) -> Pred {
    let mut alternatives = Vec::new();
    while !conjunctions.is_empty() {
        let first = conjunctions.remove(0);
        let Some(head) = first.first().cloned() else {
            return Pred::Const(true);
        };
        let (same, rest): (Vec<Vec<Pred>>, Vec<Vec<Pred>>) = conjunctions
            .into_iter()
            .partition(|c| c.first() == Some(&head));
        conjunctions = rest;
        let term = if same.is_empty() {
            conjoin(first)
        } else {
            let mut tails = Vec::new();
            for conjunction in std::iter::once(first).chain(same) {
                match &conjunction[1..] {
                    // An alternative of its own (`X and (A or B)`): its branches join
                    // this level's (they are factored already).
                    [Pred::Or(..)] => {
                        let mut branches = Vec::new();
                        flatten_or(&conjunction[1], &mut branches);
                        for branch in branches {
                            let mut conjuncts = Vec::new();
                            flatten_and(branch, &mut conjuncts);
                            tails.push(conjuncts);
                        }
                    }
                    rest => tails.push(rest.to_vec()),
                }
            }
            head.and(merge(tails))
        };
        alternatives.push(term);
    }
    // Tests of the same value side by side, so A is loaded once for all of them
    // (`[54] = 80 or [54] = 443`).
    let mut grouped: Vec<Pred> = Vec::with_capacity(alternatives.len());
    for term in alternatives {
        let same_load =
            |p: &Pred| matches!((p, &term), (Pred::Test(a), Pred::Test(b)) if a.stmts == b.stmts);
        match grouped.iter().rposition(same_load) {
            Some(at) => grouped.insert(at + 1, term),
            None => grouped.push(term),
        }
    }
    grouped.into_iter().fold(Pred::Const(false), Pred::or)
}

fn flatten_or<'a>(pred: &'a Pred, out: &mut Vec<&'a Pred>) {
    match pred {
        Pred::Or(a, b) => {
            flatten_or(a, out);
            flatten_or(b, out);
        }
        other => out.push(other),
    }
}

fn flatten_and(pred: &Pred, out: &mut Vec<Pred>) {
    match pred {
        Pred::And(a, b) => {
            flatten_and(a, out);
            flatten_and(b, out);
        }
        other => out.push(other.clone()),
    }
}

fn conjoin(conjuncts: Vec<Pred>) -> Pred {
    conjuncts.into_iter().fold(Pred::Const(true), Pred::and)
}

/// What is known about a test's value on one path through the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// A equals this value.
    Equals(u32),
    /// `A jump k` had this outcome.
    Outcome(u16, u32, bool),
}

type Facts = Vec<(Vec<Insn>, Known)>;

fn decide(facts: &Facts, test: &Test) -> Option<bool> {
    if test.jump & X != 0 {
        return None;
    }
    for (stmts, known) in facts {
        if *stmts != test.stmts {
            continue;
        }
        match *known {
            Known::Equals(value) => return Some(apply_jump(test.jump, value, test.k)),
            Known::Outcome(jump, k, outcome) if jump == test.jump && k == test.k => {
                return Some(outcome)
            }
            _ => {}
        }
    }
    None
}

fn learn(facts: &Facts, test: &Test, outcome: bool) -> Facts {
    // A test that stores to scratch memory (geneve's offsets, a second geneve's over
    // the first's) makes what was learnt through those words stale.
    let written: Vec<u32> = test
        .stmts
        .iter()
        .filter(|insn| matches!(insn.code & 0x07, ST | STX))
        .map(|insn| insn.k)
        .collect();
    let reads_written = |stmts: &[Insn]| {
        stmts.iter().any(|insn| {
            matches!(insn.code, c if c == LD | W | MEM || c == LDX | W | MEM)
                && written.contains(&insn.k)
        })
    };
    let mut learned: Facts = facts
        .iter()
        .filter(|(stmts, _)| !reads_written(stmts))
        .cloned()
        .collect();
    // Nothing is learnt of a test that stores (it must run again for its stores) or
    // that starts from the A or X an earlier test left (the same statements can then
    // compute another value).
    let starts_with_a_load = test
        .stmts
        .first()
        .is_some_and(|insn| matches!(insn.code & 0x07, LD | LDX));
    if test.jump & X == 0 && written.is_empty() && starts_with_a_load {
        let known = if test.jump == JMP | JEQ && outcome {
            Known::Equals(test.k)
        } else {
            Known::Outcome(test.jump, test.k, outcome)
        };
        learned.push((test.stmts.clone(), known));
    }
    learned
}

/// Facts that hold on both of two paths; `None` is a path never taken.
fn meet(a: Option<Facts>, b: Option<Facts>) -> Option<Facts> {
    match (a, b) {
        (None, other) | (other, None) => other,
        (Some(a), Some(b)) => Some(a.into_iter().filter(|fact| b.contains(fact)).collect()),
    }
}

fn apply_jump(jump: u16, a: u32, operand: u32) -> bool {
    match jump & 0xf0 {
        JEQ => a == operand,
        JGT => a > operand,
        JGE => a >= operand,
        _ => a & operand != 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Target {
    Block(usize),
    Accept,
    Reject,
}

struct Block {
    test: Test,
    /// What holds on every path into the block, when it was placed.
    facts: Facts,
    jt: usize,
    jf: usize,
}

/// Lays a predicate out as blocks joined by labels, deciding on the way every test whose
/// outcome an earlier test on the same path already fixed.
struct Layout {
    blocks: Vec<Block>,
    /// Label -> what it stands for; labels bind to targets or to other labels.
    labels: Vec<Option<Binding>>,
}

#[derive(Clone, Copy)]
enum Binding {
    Target(Target),
    Label(usize),
}

struct Exits {
    entry: usize,
    when_true: Option<Facts>,
    when_false: Option<Facts>,
}

impl Layout {
    fn label(&mut self, binding: Option<Binding>) -> usize {
        self.labels.push(binding);
        self.labels.len() - 1
    }

    fn resolve(&self, mut label: usize) -> Target {
        loop {
            match self.labels[label] {
                Some(Binding::Target(target)) => return target,
                Some(Binding::Label(next)) => label = next,
                None => return Target::Reject,
            }
        }
    }

    fn place(&mut self, pred: &Pred, t: usize, f: usize, facts: Facts) -> Exits {
        match pred {
            Pred::Const(true) => Exits {
                entry: t,
                when_true: Some(facts),
                when_false: None,
            },
            Pred::Const(false) => Exits {
                entry: f,
                when_true: None,
                when_false: Some(facts),
            },
            Pred::Test(test) => match decide(&facts, test) {
                Some(true) => Exits {
                    entry: t,
                    when_true: Some(facts),
                    when_false: None,
                },
                Some(false) => Exits {
                    entry: f,
                    when_true: None,
                    when_false: Some(facts),
                },
                None => {
                    self.blocks.push(Block {
                        test: test.clone(),
                        facts: facts.clone(),
                        jt: t,
                        jf: f,
                    });
                    let entry =
                        self.label(Some(Binding::Target(Target::Block(self.blocks.len() - 1))));
                    Exits {
                        entry,
                        when_true: Some(learn(&facts, test, true)),
                        when_false: Some(learn(&facts, test, false)),
                    }
                }
            },
            Pred::Not(inner) => {
                let exits = self.place(inner, f, t, facts);
                Exits {
                    entry: exits.entry,
                    when_true: exits.when_false,
                    when_false: exits.when_true,
                }
            }
            Pred::And(left, right) => {
                let middle = self.label(None);
                let first = self.place(left, middle, f, facts);
                let Some(facts) = first.when_true else {
                    return first;
                };
                let second = self.place(right, t, f, facts);
                self.labels[middle] = Some(Binding::Label(second.entry));
                Exits {
                    entry: first.entry,
                    when_true: second.when_true,
                    when_false: meet(first.when_false, second.when_false),
                }
            }
            Pred::Or(left, right) => {
                let middle = self.label(None);
                let first = self.place(left, t, middle, facts);
                let Some(facts) = first.when_false else {
                    return first;
                };
                let second = self.place(right, t, f, facts);
                self.labels[middle] = Some(Binding::Label(second.entry));
                Exits {
                    entry: first.entry,
                    when_true: meet(first.when_true, second.when_true),
                    when_false: second.when_false,
                }
            }
        }
    }
}

/// The registers' contents at a point, as the statements that computed them.
#[derive(Clone, PartialEq, Eq, Default)]
struct Registers {
    a: Option<Vec<Insn>>,
    x: Option<Insn>,
}

impl Registers {
    fn after(stmts: &[Insn]) -> Registers {
        let mut x = None;
        for insn in stmts {
            match insn.code & 0x07 {
                LDX if insn.code == LDX | B | MSH => x = Some(*insn),
                LDX => x = None,
                MISC if insn.code & 0xf8 == TAX => x = None,
                _ => {}
            }
        }
        Registers {
            a: Some(stmts.to_vec()),
            x,
        }
    }

    fn meet(a: &Registers, b: &Registers) -> Registers {
        Registers {
            a: a.a.clone().filter(|_| a.a == b.a),
            x: a.x.filter(|_| a.x == b.x),
        }
    }
}

/// Why a predicate could not become a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// A conditional jump would need to skip more than 255 instructions.
    JumpTooFar,
    /// More instructions than the kernel accepts.
    TooLong(usize),
}

/// Turns a predicate into a classic BPF program returning `accept` for matching packets.
pub fn layout(pred: &Pred, accept: u32) -> Result<Vec<Insn>, LayoutError> {
    let mut layout = Layout {
        blocks: Vec::new(),
        labels: vec![
            Some(Binding::Target(Target::Accept)),
            Some(Binding::Target(Target::Reject)),
        ],
    };
    let exits = layout.place(&factor(pred), 0, 1, Vec::new());
    let entry = layout.resolve(exits.entry);
    let mut targets: Vec<(Target, Target)> = layout
        .blocks
        .iter()
        .map(|block| (layout.resolve(block.jt), layout.resolve(block.jf)))
        .collect();
    // Jump threading: an edge whose target's outcome is fixed by what the edge's own
    // path knows skips that target (`ip6 and tcp` failing need not test `ip`).
    for index in 0..layout.blocks.len() {
        for outcome in [true, false] {
            let block = &layout.blocks[index];
            let known = learn(&block.facts, &block.test, outcome);
            let mut target = if outcome {
                targets[index].0
            } else {
                targets[index].1
            };
            while let Target::Block(next) = target {
                match decide(&known, &layout.blocks[next].test) {
                    Some(true) => target = targets[next].0,
                    Some(false) => target = targets[next].1,
                    None => break,
                }
            }
            if outcome {
                targets[index].0 = target;
            } else {
                targets[index].1 = target;
            }
        }
    }

    // Blocks reachable from the entry, in layout order (all jumps go forward).
    let mut reachable = vec![false; layout.blocks.len()];
    if let Target::Block(first) = entry {
        reachable[first] = true;
    }
    for index in 0..layout.blocks.len() {
        if reachable[index] {
            for target in [targets[index].0, targets[index].1] {
                if let Target::Block(next) = target {
                    reachable[next] = true;
                }
            }
        }
    }

    // Statements each block still needs, given what its predecessors left in A and X.
    let mut entry_registers: Vec<Option<Registers>> = vec![None; layout.blocks.len()];
    let mut kept: Vec<Vec<Insn>> = Vec::with_capacity(layout.blocks.len());
    for (index, block) in layout.blocks.iter().enumerate() {
        let stmts = &block.test.stmts;
        let known = if Some(Target::Block(index)) == Some(entry) {
            Registers::default()
        } else {
            entry_registers[index].clone().unwrap_or_default()
        };
        let needed: Vec<Insn> = if known.a.as_deref() == Some(stmts) {
            Vec::new()
        } else if stmts.first().is_some_and(|first| known.x == Some(*first)) {
            stmts[1..].to_vec()
        } else {
            stmts.clone()
        };
        kept.push(needed);
        if reachable[index] {
            let exit = Registers::after(stmts);
            let exit = if known.a.as_deref() == Some(stmts) {
                Registers {
                    a: exit.a,
                    x: known.x,
                }
            } else {
                exit
            };
            for target in [targets[index].0, targets[index].1] {
                if let Target::Block(next) = target {
                    entry_registers[next] = Some(match &entry_registers[next] {
                        None => exit.clone(),
                        Some(seen) => Registers::meet(seen, &exit),
                    });
                }
            }
        }
    }

    let accept_used = entry == Target::Accept
        || (0..layout.blocks.len()).any(|i| {
            reachable[i] && (targets[i].0 == Target::Accept || targets[i].1 == Target::Accept)
        });
    let reject_used = entry == Target::Reject
        || (0..layout.blocks.len()).any(|i| {
            reachable[i] && (targets[i].0 == Target::Reject || targets[i].1 == Target::Reject)
        });
    // Positions, then instructions. A conditional jump reaches at most 255 instructions
    // ahead; a farther target gets a `ja` (32-bit offset) right after the jump, as
    // libpcap does. Adding one moves later code, so repeat until nothing changes.
    let mut far = vec![(false, false); layout.blocks.len()];
    let position = loop {
        let mut position = HashMap::new();
        let mut next = 0usize;
        let mut jump_at = vec![0usize; layout.blocks.len()];
        for index in 0..layout.blocks.len() {
            if reachable[index] {
                position.insert(Target::Block(index), next);
                jump_at[index] = next + kept[index].len();
                next = jump_at[index] + 1 + usize::from(far[index].0) + usize::from(far[index].1);
            }
        }
        if accept_used {
            position.insert(Target::Accept, next);
            next += 1;
        }
        if reject_used {
            position.insert(Target::Reject, next);
            next += 1;
        }
        if next > MAX_INSNS {
            return Err(LayoutError::TooLong(next));
        }
        let mut changed = false;
        for index in 0..layout.blocks.len() {
            if !reachable[index] {
                continue;
            }
            let reach = |target: Target| position[&target] - jump_at[index] - 1 > 255;
            let needs = (
                far[index].0 || reach(targets[index].0),
                far[index].1 || reach(targets[index].1),
            );
            if needs != far[index] {
                far[index] = needs;
                changed = true;
            }
        }
        if !changed {
            break position;
        }
    };
    let mut program = Vec::new();
    for (index, block) in layout.blocks.iter().enumerate() {
        if !reachable[index] {
            continue;
        }
        program.extend_from_slice(&kept[index]);
        let here = program.len();
        let (far_true, far_false) = far[index];
        // The trampolines follow the jump: first the true branch's, then the false one's.
        let offset = |target: Target, trampoline: Option<u8>| -> Result<u8, LayoutError> {
            match trampoline {
                Some(slot) => Ok(slot),
                None => {
                    u8::try_from(position[&target] - here - 1).map_err(|_| LayoutError::JumpTooFar)
                }
            }
        };
        program.push(Insn {
            code: block.test.jump,
            jt: offset(targets[index].0, far_true.then_some(0))?,
            jf: offset(targets[index].1, far_false.then_some(u8::from(far_true)))?,
            k: block.test.k,
        });
        for (is_far, target) in [(far_true, targets[index].0), (far_false, targets[index].1)] {
            if is_far {
                let at = program.len();
                let distance = position[&target] - at - 1;
                program.push(Insn::stmt(
                    JMP,
                    u32::try_from(distance).map_err(|_| LayoutError::JumpTooFar)?,
                ));
            }
        }
    }
    if accept_used {
        program.push(Insn::stmt(RET | K, accept));
    }
    if reject_used {
        program.push(Insn::stmt(RET | K, 0));
    }
    Ok(program)
}

/// One instruction as `tcpdump -d` prints it: `(001) jeq      #0x800           jt 2\tjf 5`.
pub fn image(insn: &Insn, index: usize) -> String {
    let size_suffix = match insn.code & 0x18 {
        H => "h",
        B => "b",
        _ => "",
    };
    let (op, operand): (String, String) = match insn.code & 0x07 {
        LD => {
            let op = format!("ld{size_suffix}");
            match insn.code & 0xe0 {
                // The kernel's ancillary loads (SKF_AD_OFF + SKF_AD_PROTOCOL, _PKTTYPE,
                // _IFINDEX), named as libpcap names them.
                ABS if insn.k == 0xffff_f000 => (op, "[proto]".into()),
                ABS if insn.k == 0xffff_f004 => (op, "[type]".into()),
                ABS if insn.k == 0xffff_f008 => (op, "[ifidx]".into()),
                ABS => (op, format!("[{}]", insn.k as i32)),
                IND => (op, format!("[x + {}]", insn.k as i32)),
                LEN => ("ld".into(), "#pktlen".into()),
                MEM => ("ld".into(), format!("M[{}]", insn.k)),
                _ => ("ld".into(), format!("#0x{:x}", insn.k)),
            }
        }
        LDX => match insn.code & 0xe0 {
            MSH => ("ldxb".into(), format!("4*([{}]&0xf)", insn.k)),
            LEN => ("ldx".into(), "#pktlen".into()),
            MEM => ("ldx".into(), format!("M[{}]", insn.k)),
            _ => ("ldx".into(), format!("#0x{:x}", insn.k)),
        },
        ST => ("st".into(), format!("M[{}]", insn.k)),
        STX => ("stx".into(), format!("M[{}]", insn.k)),
        ALU => {
            let name = match insn.code & 0xf0 {
                ADD => "add",
                SUB => "sub",
                MUL => "mul",
                DIV => "div",
                MOD => "mod",
                OR => "or",
                AND => "and",
                XOR => "xor",
                LSH => "lsh",
                RSH => "rsh",
                _ => "neg",
            };
            let operand = if insn.code & 0xf0 == NEG {
                String::new()
            } else if insn.code & X != 0 {
                "x".into()
            } else if matches!(insn.code & 0xf0, AND | OR | XOR) {
                format!("#0x{:x}", insn.k)
            } else {
                format!("#{}", insn.k)
            };
            (name.into(), operand)
        }
        JMP => {
            if insn.code & 0xf0 == 0 {
                // tcpdump's unsigned sum, which wraps to the target of a backward jump.
                let target = (index as u32).wrapping_add(1).wrapping_add(insn.k);
                return format!("({index:03}) {:<8} {target}", "ja");
            }
            let name = match insn.code & 0xf0 {
                JEQ => "jeq",
                JGT => "jgt",
                JGE => "jge",
                _ => "jset",
            };
            let operand = if insn.code & X != 0 {
                "x".to_string()
            } else {
                format!("#0x{:x}", insn.k)
            };
            return format!(
                "({index:03}) {name:<8} {operand:<16} jt {}\tjf {}",
                index + 1 + usize::from(insn.jt),
                index + 1 + usize::from(insn.jf)
            );
        }
        RET => {
            if insn.code & 0x18 == 0x10 {
                ("ret".into(), String::new())
            } else {
                ("ret".into(), format!("#{}", insn.k))
            }
        }
        _ => {
            if insn.code & 0xf8 == TXA {
                ("txa".into(), String::new())
            } else {
                ("tax".into(), String::new())
            }
        }
    };
    format!("({index:03}) {op:<8} {operand}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::machine::Machine;

    fn run(program: &[Insn], packet: &[u8], wire_length: u32) -> u32 {
        Machine::new(program).run(packet, wire_length)
    }

    fn ethertype(value: u32) -> Pred {
        Pred::test(vec![Insn::stmt(LD | H | ABS, 12)], JMP | JEQ, value)
    }

    #[test]
    fn a_test_decided_earlier_on_the_path_is_not_repeated() {
        // ip and ip6: once [12] == 0x800, [12] == 0x86dd is known false.
        let program = layout(&ethertype(0x800).and(ethertype(0x86dd)), 1).unwrap();
        assert_eq!(program.len(), 3, "{program:?}");
        assert_eq!(run(&program, &[0; 14], 14), 0);
    }

    #[test]
    fn a_store_to_scratch_memory_makes_what_was_learnt_through_it_stale() {
        // M[0] = 12, then [M[0]] == 8; M[0] = 13 (a second geneve's offsets), then
        // [M[0]] == 8 again: the same statements, another byte, so it is tested.
        let store = |at: u32| {
            Pred::test(
                vec![Insn::stmt(LD | IMM, at), Insn::stmt(ST, 0)],
                JMP | JEQ,
                at,
            )
        };
        let byte_at_slot = || {
            Pred::test(
                vec![Insn::stmt(LDX | MEM, 0), Insn::stmt(LD | B | IND, 0)],
                JMP | JEQ,
                8,
            )
        };
        let pred = store(12)
            .and(byte_at_slot())
            .and(store(13))
            .and(byte_at_slot());
        let program = layout(&pred, 1).unwrap();
        let mut frame = [0u8; 14];
        frame[12] = 8;
        assert_eq!(run(&program, &frame, 14), 0, "{program:?}");
        frame[13] = 8;
        assert_eq!(run(&program, &frame, 14), 1, "{program:?}");
        // The second store is made, not decided away as the first one's twin.
        let stores = program.iter().filter(|i| i.code == ST).count();
        assert_eq!(stores, 2, "{program:?}");
    }

    #[test]
    fn a_load_already_in_a_is_not_repeated() {
        // ip or ip6: the second test reuses A = [12].
        let program = layout(&ethertype(0x800).or(ethertype(0x86dd)), 1).unwrap();
        let loads = program.iter().filter(|i| i.code == LD | H | ABS).count();
        assert_eq!(loads, 1, "{program:?}");
        let mut frame = [0u8; 14];
        frame[12] = 0x86;
        frame[13] = 0xdd;
        assert_eq!(run(&program, &frame, 14), 1);
        frame[13] = 0xde;
        assert_eq!(run(&program, &frame, 14), 0);
    }

    #[test]
    fn loads_past_the_captured_bytes_reject() {
        let program = layout(&ethertype(0x800).not(), 7).unwrap();
        assert_eq!(run(&program, &[0; 13], 13), 0);
        assert_eq!(run(&program, &[0; 14], 14), 7);
    }

    #[test]
    fn constant_predicates_are_one_return() {
        assert_eq!(
            layout(&Pred::Const(true), 9).unwrap(),
            [Insn::stmt(RET | K, 9)]
        );
        assert_eq!(
            layout(&Pred::Const(false), 9).unwrap(),
            [Insn::stmt(RET | K, 0)]
        );
    }

    #[test]
    fn images_match_tcpdump_d() {
        assert_eq!(
            image(&Insn::stmt(LD | H | ABS, 12), 0),
            "(000) ldh      [12]"
        );
        let jump = Insn {
            code: JMP | JEQ,
            jt: 0,
            jf: 6,
            k: 0x86dd,
        };
        assert_eq!(
            image(&jump, 1),
            "(001) jeq      #0x86dd          jt 2\tjf 8"
        );
        assert_eq!(
            image(&Insn::stmt(LDX | B | MSH, 14), 13),
            "(013) ldxb     4*([14]&0xf)"
        );
        assert_eq!(image(&Insn::stmt(MISC | TAX, 0), 7), "(007) tax      ");
        assert_eq!(
            image(&Insn::stmt(LD | W | LEN, 0), 0),
            "(000) ld       #pktlen"
        );
    }
}
