//! Running a classic BPF program over packets in user space (`webcapture -r FILTER`):
//! the program is decoded once into `Op`s, then run as native x86-64 code where
//! `filter::jit` can make it, and by the interpreter here otherwise. Both follow the
//! kernel's semantics: a load past the captured bytes or a division by zero rejects the
//! packet. The interpreter is the reference the native code is tested against, so it
//! stays plain: one op per instruction, no fusing or other speed-ups. A `ja` jumps
//! backward with a negative offset, as in libpcap's user-space BPF (`protochain`'s
//! loop); such programs are only interpreted, with a bound on the loop.
//!
//! Hand-written for the reason `bpf` is: no crate runs classic BPF without libpcap; the
//! interpreter is the kernel's semantics in a hundred lines.

use std::sync::Arc;

use super::bpf::*;
#[cfg(target_arch = "x86_64")]
use super::jit::Native;

/// No code generator for this machine: every program is interpreted.
#[cfg(not(target_arch = "x86_64"))]
#[derive(Debug)]
enum Native {}

#[cfg(not(target_arch = "x86_64"))]
impl Native {
    fn compile(_: &[Op]) -> Option<Native> {
        None
    }

    fn run(&self, _: &[u8], _: u32) -> Option<u32> {
        match *self {}
    }
}

/// How many backward jumps one run may take before it rejects the packet. A
/// `protochain` loop takes one per header it follows (at most one per 8 bytes of a
/// packet of 262,144); on a packet whose AH headers lead back to themselves, libpcap's
/// loop never ends, and this one rejects.
const BACKWARD_JUMPS: u32 = 65_536;

/// A jump's comparison, decided when the program is decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Comparison {
    Eq,
    Gt,
    Ge,
    Set,
}

impl Comparison {
    fn of(jump: u16) -> Comparison {
        match jump & 0xf0 {
            JEQ => Comparison::Eq,
            JGT => Comparison::Gt,
            JGE => Comparison::Ge,
            _ => Comparison::Set,
        }
    }
}

/// An instruction decoded once, for the interpreter and the code generator alike, so
/// neither takes opcodes apart per packet. Jump targets are absolute op indices (one op
/// per instruction); a target past the end rejects.
#[derive(Debug, Clone, Copy)]
pub(super) enum Op {
    LdB(u32),
    LdH(u32),
    LdW(u32),
    LdIndB(u32),
    LdIndH(u32),
    LdIndW(u32),
    LdLen,
    LdImm(u32),
    LdMem(u32),
    LdxMsh(u32),
    LdxLen,
    LdxImm(u32),
    LdxMem(u32),
    St(u32),
    Stx(u32),
    Alu(AluOp, u32),
    AluX(AluOp),
    Neg,
    Tax,
    Txa,
    Ja(u32),
    /// A conditional jump on A and a constant: test, constant, targets when true and
    /// when false.
    Jump(Comparison, u32, u32, u32),
    /// The same on A and X.
    JumpX(Comparison, u32, u32),
    Ret(u32),
    RetA,
}

/// Whether `a` passes `test` against `k`.
#[inline(always)]
fn holds(test: Comparison, a: u32, k: u32) -> bool {
    match test {
        Comparison::Eq => a == k,
        Comparison::Gt => a > k,
        Comparison::Ge => a >= k,
        Comparison::Set => a & k != 0,
    }
}

/// A program ready to run over packets in user space.
#[derive(Debug, Clone)]
pub struct Machine {
    ops: Vec<Op>,
    /// The same program as native code; `None` where there is no code generator for
    /// this machine or the system refused executable memory.
    native: Option<Arc<Native>>,
}

/// A jump target that does not fit the op index (a malformed program): past the end,
/// where the run rejects the packet.
fn target(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

impl Machine {
    pub fn new(program: &[Insn]) -> Machine {
        let ops: Vec<Op> = program
            .iter()
            .enumerate()
            .map(|(at, insn)| {
                let k = insn.k;
                let mem = k % MEMWORDS;
                match insn.code & 0x07 {
                    LD => match (insn.code & 0xe0, insn.code & 0x18) {
                        (ABS, B) => Op::LdB(k),
                        (ABS, H) => Op::LdH(k),
                        (ABS, _) => Op::LdW(k),
                        (IND, B) => Op::LdIndB(k),
                        (IND, H) => Op::LdIndH(k),
                        (IND, _) => Op::LdIndW(k),
                        (LEN, _) => Op::LdLen,
                        (MEM, _) => Op::LdMem(mem),
                        _ => Op::LdImm(k),
                    },
                    LDX => match insn.code & 0xe0 {
                        MSH => Op::LdxMsh(k),
                        LEN => Op::LdxLen,
                        MEM => Op::LdxMem(mem),
                        _ => Op::LdxImm(k),
                    },
                    ST => Op::St(mem),
                    STX => Op::Stx(mem),
                    ALU if insn.code & 0xf0 == NEG => Op::Neg,
                    ALU if insn.code & X != 0 => Op::AluX(AluOp::of(insn.code)),
                    ALU => Op::Alu(AluOp::of(insn.code), k),
                    JMP => {
                        let (jt, jf) = (
                            target(at + 1 + usize::from(insn.jt)),
                            target(at + 1 + usize::from(insn.jf)),
                        );
                        match insn.code & 0xf0 {
                            0 => Op::Ja(insn.ja_target(at).map_or(u32::MAX, target)),
                            op if insn.code & X != 0 => Op::JumpX(Comparison::of(op), jt, jf),
                            op => Op::Jump(Comparison::of(op), k, jt, jf),
                        }
                    }
                    RET if insn.code & 0x18 == 0x10 => Op::RetA,
                    RET => Op::Ret(k),
                    _ if insn.code & 0xf8 == TXA => Op::Txa,
                    _ => Op::Tax,
                }
            })
            .collect();
        Machine {
            native: Native::compile(&ops).map(Arc::new),
            ops,
        }
    }

    /// Runs the program over one packet as the kernel does: the value of its `ret`, 0
    /// for "reject". `wire_length` is the packet's length on the wire (`len`).
    #[inline]
    pub fn run(&self, packet: &[u8], wire_length: u32) -> u32 {
        match &self.native {
            Some(native) => native
                .run(packet, wire_length)
                .unwrap_or_else(|| self.interpret(packet, wire_length)),
            None => self.interpret(packet, wire_length),
        }
    }

    /// Whether [`Machine::run`] runs native code.
    pub fn is_native(&self) -> bool {
        self.native.is_some()
    }

    /// [`Machine::run`] through the interpreter, whatever the machine.
    pub fn interpret(&self, packet: &[u8], wire_length: u32) -> u32 {
        fn byte(packet: &[u8], at: u32) -> Option<u32> {
            packet.get(at as usize).map(|&b| u32::from(b))
        }
        fn half(packet: &[u8], at: u32) -> Option<u32> {
            let at = at as usize;
            let bytes = packet.get(at..at.checked_add(2)?)?;
            Some(u32::from(u16::from_be_bytes([bytes[0], bytes[1]])))
        }
        fn word(packet: &[u8], at: u32) -> Option<u32> {
            let at = at as usize;
            let bytes = packet.get(at..at.checked_add(4)?)?;
            Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        let (mut a, mut x) = (0u32, 0u32);
        let mut mem = [0u32; MEMWORDS as usize];
        let mut pc = 0usize;
        let mut backward_jumps = 0u32;
        macro_rules! load {
            ($value:expr) => {
                match $value {
                    Some(value) => value,
                    None => return 0,
                }
            };
        }
        macro_rules! branch {
            ($condition:expr, $jt:expr, $jf:expr) => {
                pc = if $condition { $jt } else { $jf } as usize
            };
        }
        while let Some(&op) = self.ops.get(pc) {
            pc += 1;
            match op {
                Op::LdB(k) => a = load!(byte(packet, k)),
                Op::LdH(k) => a = load!(half(packet, k)),
                Op::LdW(k) => a = load!(word(packet, k)),
                Op::LdIndB(k) => a = load!(x.checked_add(k).and_then(|at| byte(packet, at))),
                Op::LdIndH(k) => a = load!(x.checked_add(k).and_then(|at| half(packet, at))),
                Op::LdIndW(k) => a = load!(x.checked_add(k).and_then(|at| word(packet, at))),
                Op::LdLen => a = wire_length,
                Op::LdImm(k) => a = k,
                Op::LdMem(m) => a = mem[m as usize],
                Op::LdxMsh(k) => x = (load!(byte(packet, k)) & 0xf) << 2,
                Op::LdxLen => x = wire_length,
                Op::LdxImm(k) => x = k,
                Op::LdxMem(m) => x = mem[m as usize],
                Op::St(m) => mem[m as usize] = a,
                Op::Stx(m) => mem[m as usize] = x,
                Op::Alu(op, k) => a = load!(op.apply(a, k)),
                Op::AluX(op) => a = load!(op.apply(a, x)),
                Op::Neg => a = a.wrapping_neg(),
                Op::Tax => x = a,
                Op::Txa => a = x,
                Op::Ja(target) => {
                    if (target as usize) < pc {
                        backward_jumps += 1;
                        if backward_jumps > BACKWARD_JUMPS {
                            return 0;
                        }
                    }
                    pc = target as usize;
                }
                Op::Jump(test, k, jt, jf) => branch!(holds(test, a, k), jt, jf),
                Op::JumpX(test, jt, jf) => branch!(holds(test, a, x), jt, jf),
                Op::Ret(k) => return k,
                Op::RetA => return a,
            }
        }
        0
    }
}

/// An ALU operation, decided when the program is decoded (NEG is its own op).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AluOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Or,
    And,
    Xor,
    Lsh,
    /// Also every operation code the kernel does not define, as the interpreter always
    /// treated them.
    Rsh,
}

impl AluOp {
    fn of(code: u16) -> AluOp {
        match code & 0xf0 {
            ADD => AluOp::Add,
            SUB => AluOp::Sub,
            MUL => AluOp::Mul,
            DIV => AluOp::Div,
            MOD => AluOp::Mod,
            OR => AluOp::Or,
            AND => AluOp::And,
            XOR => AluOp::Xor,
            LSH => AluOp::Lsh,
            _ => AluOp::Rsh,
        }
    }

    /// `a op operand`; `None` (reject the packet) for division by zero, as the kernel.
    /// Shifts by 32 or more give 0.
    fn apply(self, a: u32, operand: u32) -> Option<u32> {
        Some(match self {
            AluOp::Add => a.wrapping_add(operand),
            AluOp::Sub => a.wrapping_sub(operand),
            AluOp::Mul => a.wrapping_mul(operand),
            AluOp::Div => a.checked_div(operand)?,
            AluOp::Mod => a.checked_rem(operand)?,
            AluOp::Or => a | operand,
            AluOp::And => a & operand,
            AluOp::Xor => a ^ operand,
            AluOp::Lsh => a.checked_shl(operand).unwrap_or(0),
            AluOp::Rsh => a.checked_shr(operand).unwrap_or(0),
        })
    }
}
