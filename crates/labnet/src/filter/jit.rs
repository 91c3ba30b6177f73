//! Native x86-64 code for classic BPF programs, as the kernel's BPF JIT makes for a
//! socket filter, so `webcapture -r FILE FILTER` pays a few machine instructions per BPF
//! instruction instead of an interpreter's dispatch (the dispatch's one indirect jump,
//! mispredicted at every op, was most of a filter's cost).
//!
//! Hand-written on the `dynasm` assembler, which encodes the instructions and hands out
//! memory that is never writable and executable at once. No crate compiles classic BPF
//! (rbpf's JIT takes eBPF, which would need the kernel's cBPF-to-eBPF conversion first),
//! and one BPF instruction is a handful of x86 instructions.
//!
//! The code is a leaf function `(packet, captured length, wire length) -> u32` in the
//! System V calling convention. A lives in `eax`, X in `ecx` (so shifts by X use `cl`),
//! the wire length in `r10d` (`div` needs `edx`), the 16 scratch words in the red zone
//! below `rsp` (a leaf may use it without moving `rsp`). Every load checks its end
//! against the captured length first and rejects the packet when it is past it, so the
//! code reads only inside the packet; jumps only go forward, so the code ends. Packets
//! longer than `i32::MAX` (32-bit displacements) are left to the interpreter.

use dynasmrt::x64::Assembler;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, ExecutableBuffer};

use super::machine::{AluOp, Comparison, Op};

/// The compiled function: packet pointer, captured length, wire length.
type Entry = unsafe extern "sysv64" fn(*const u8, usize, u32) -> u32;

/// The longest packet the code takes.
const MAX_PACKET: usize = i32::MAX as usize;

/// Where scratch word `m` lives, below the stack pointer.
fn scratch(m: u32) -> i32 {
    -64 + 4 * m as i32
}

/// One program as native code.
pub(super) struct Native {
    /// Where the code lives; unmapped when dropped, so `entry` lives no longer.
    code: ExecutableBuffer,
    entry: Entry,
}

impl std::fmt::Debug for Native {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Native({} bytes of x86-64)", self.code.len())
    }
}

impl Native {
    /// Compiles decoded (not fused) ops; `None` for a program that loops, or when the
    /// system refuses executable memory (a hardened kernel or seccomp policy): the
    /// interpreter runs instead.
    pub(super) fn compile(ops: &[Op]) -> Option<Native> {
        // A loop (`protochain`) is left to the interpreter, which bounds it.
        if ops
            .iter()
            .enumerate()
            .any(|(at, op)| matches!(op, Op::Ja(target) if (*target as usize) <= at))
        {
            return None;
        }
        let mut asm = Assembler::new().ok()?;
        let labels: Vec<DynamicLabel> = ops.iter().map(|_| asm.new_dynamic_label()).collect();
        let reject = asm.new_dynamic_label();
        // A jump target past the end (a malformed program) rejects, as in the interpreter.
        let to = |target: u32| labels.get(target as usize).copied().unwrap_or(reject);
        let entry = asm.offset();
        dynasm!(asm
            ; .arch x64
            ; mov r10d, edx
            ; xor eax, eax
            ; xor ecx, ecx
        );
        if ops
            .iter()
            .any(|op| matches!(op, Op::LdMem(_) | Op::LdxMem(_)))
        {
            // The interpreter's scratch words start at zero.
            for m in (0..16).step_by(2) {
                dynasm!(asm ; .arch x64 ; mov QWORD [rsp + scratch(m)], 0);
            }
        }
        for (at, &op) in ops.iter().enumerate() {
            dynasm!(asm ; .arch x64 ; =>labels[at]);
            let next = u32::try_from(at + 1).unwrap_or(u32::MAX);
            match op {
                Op::LdB(k) => {
                    if in_packet(&mut asm, k, 1, reject) {
                        dynasm!(asm ; .arch x64 ; movzx eax, BYTE [rdi + k as i32]);
                    }
                }
                Op::LdH(k) => {
                    if in_packet(&mut asm, k, 2, reject) {
                        dynasm!(asm ; .arch x64 ; movzx eax, WORD [rdi + k as i32] ; rol ax, 8);
                    }
                }
                Op::LdW(k) => {
                    if in_packet(&mut asm, k, 4, reject) {
                        dynasm!(asm ; .arch x64 ; mov eax, DWORD [rdi + k as i32] ; bswap eax);
                    }
                }
                Op::LdIndB(k) => {
                    x_in_packet(&mut asm, k, 1, reject);
                    dynasm!(asm ; .arch x64 ; movzx eax, BYTE [rdi + r8]);
                }
                Op::LdIndH(k) => {
                    x_in_packet(&mut asm, k, 2, reject);
                    dynasm!(asm ; .arch x64 ; movzx eax, WORD [rdi + r8] ; rol ax, 8);
                }
                Op::LdIndW(k) => {
                    x_in_packet(&mut asm, k, 4, reject);
                    dynasm!(asm ; .arch x64 ; mov eax, DWORD [rdi + r8] ; bswap eax);
                }
                Op::LdLen => dynasm!(asm ; .arch x64 ; mov eax, r10d),
                Op::LdImm(k) => dynasm!(asm ; .arch x64 ; mov eax, k as i32),
                Op::LdMem(m) => dynasm!(asm ; .arch x64 ; mov eax, DWORD [rsp + scratch(m)]),
                Op::LdxMsh(k) => {
                    if in_packet(&mut asm, k, 1, reject) {
                        dynasm!(asm
                            ; .arch x64
                            ; movzx ecx, BYTE [rdi + k as i32]
                            ; and ecx, 0xf
                            ; shl ecx, 2
                        );
                    }
                }
                Op::LdxLen => dynasm!(asm ; .arch x64 ; mov ecx, r10d),
                Op::LdxImm(k) => dynasm!(asm ; .arch x64 ; mov ecx, k as i32),
                Op::LdxMem(m) => dynasm!(asm ; .arch x64 ; mov ecx, DWORD [rsp + scratch(m)]),
                Op::St(m) => dynasm!(asm ; .arch x64 ; mov DWORD [rsp + scratch(m)], eax),
                Op::Stx(m) => dynasm!(asm ; .arch x64 ; mov DWORD [rsp + scratch(m)], ecx),
                Op::Alu(op, k) => alu_constant(&mut asm, op, k, reject),
                Op::AluX(op) => alu_x(&mut asm, op, reject),
                Op::Neg => dynasm!(asm ; .arch x64 ; neg eax),
                Op::Tax => dynasm!(asm ; .arch x64 ; mov ecx, eax),
                Op::Txa => dynasm!(asm ; .arch x64 ; mov eax, ecx),
                Op::Ja(target) => {
                    if target != next {
                        dynasm!(asm ; .arch x64 ; jmp =>to(target));
                    }
                }
                Op::Jump(Comparison::Set, k, jt, jf) => {
                    dynasm!(asm ; .arch x64 ; test eax, k as i32);
                    branch(&mut asm, Comparison::Set, [jt, jf], next, &to);
                }
                Op::Jump(test, k, jt, jf) => {
                    dynasm!(asm ; .arch x64 ; cmp eax, k as i32);
                    branch(&mut asm, test, [jt, jf], next, &to);
                }
                Op::JumpX(Comparison::Set, jt, jf) => {
                    dynasm!(asm ; .arch x64 ; test eax, ecx);
                    branch(&mut asm, Comparison::Set, [jt, jf], next, &to);
                }
                Op::JumpX(test, jt, jf) => {
                    dynasm!(asm ; .arch x64 ; cmp eax, ecx);
                    branch(&mut asm, test, [jt, jf], next, &to);
                }
                Op::Ret(0) => dynasm!(asm ; .arch x64 ; xor eax, eax ; ret),
                Op::Ret(k) => dynasm!(asm ; .arch x64 ; mov eax, k as i32 ; ret),
                Op::RetA => dynasm!(asm ; .arch x64 ; ret),
            }
        }
        // Running off the end rejects, as in the interpreter.
        dynasm!(asm
            ; .arch x64
            ; =>reject
            ; xor eax, eax
            ; ret
        );
        let code = asm.finalize().ok()?;
        // SAFETY: `entry` is the offset of the function assembled above, which follows
        // the `Entry` signature and calling convention.
        let entry: Entry = unsafe { std::mem::transmute(code.ptr(entry)) };
        Some(Native { code, entry })
    }

    /// Runs the code over one packet; `None` for a packet too long for it.
    #[inline]
    pub(super) fn run(&self, packet: &[u8], wire_length: u32) -> Option<u32> {
        if packet.len() > MAX_PACKET {
            return None;
        }
        // SAFETY: `entry` points at the function assembled in `compile`, in memory that
        // stays mapped and executable while `self.code` lives. The function reads only
        // `packet.len()` bytes from the pointer (every load checks its end against that
        // length first), writes only its own red zone, and returns.
        Some(unsafe { (self.entry)(packet.as_ptr(), packet.len(), wire_length) })
    }
}

/// Checks that `size` bytes at the constant offset `k` were captured, jumping to
/// `reject` if not. Returns whether the load may follow (an offset no packet reaches
/// is one unconditional reject).
fn in_packet(asm: &mut Assembler, k: u32, size: u32, reject: DynamicLabel) -> bool {
    let end = u64::from(k) + u64::from(size);
    if end > MAX_PACKET as u64 {
        dynasm!(asm ; .arch x64 ; jmp =>reject);
        return false;
    }
    dynasm!(asm
        ; .arch x64
        ; cmp rsi, end as i32
        ; jb =>reject
    );
    true
}

/// Puts X + `k` in `r8` and checks that `size` bytes there were captured, jumping to
/// `reject` if not. In 64 bits the sum cannot wrap, and a sum past `u32::MAX` (the
/// interpreter's overflow) is past every packet the code takes.
fn x_in_packet(asm: &mut Assembler, k: u32, size: u32, reject: DynamicLabel) {
    dynasm!(asm
        ; .arch x64
        ; mov r8d, ecx
        ; mov r9d, k as i32
        ; add r8, r9
        ; lea r9, [r8 + size as i32]
        ; cmp r9, rsi
        ; ja =>reject
    );
}

/// `A = A op k`.
fn alu_constant(asm: &mut Assembler, op: AluOp, k: u32, reject: DynamicLabel) {
    let k32 = k as i32;
    match op {
        AluOp::Add => dynasm!(asm ; .arch x64 ; add eax, k32),
        AluOp::Sub => dynasm!(asm ; .arch x64 ; sub eax, k32),
        AluOp::Mul => dynasm!(asm ; .arch x64 ; imul eax, eax, k32),
        AluOp::Div | AluOp::Mod if k == 0 => dynasm!(asm ; .arch x64 ; jmp =>reject),
        AluOp::Div => dynasm!(asm ; .arch x64 ; mov r9d, k32 ; xor edx, edx ; div r9d),
        AluOp::Mod => dynasm!(asm
            ; .arch x64
            ; mov r9d, k32
            ; xor edx, edx
            ; div r9d
            ; mov eax, edx
        ),
        AluOp::Or => dynasm!(asm ; .arch x64 ; or eax, k32),
        AluOp::And => dynasm!(asm ; .arch x64 ; and eax, k32),
        AluOp::Xor => dynasm!(asm ; .arch x64 ; xor eax, k32),
        AluOp::Lsh | AluOp::Rsh if k >= 32 => dynasm!(asm ; .arch x64 ; xor eax, eax),
        AluOp::Lsh => dynasm!(asm ; .arch x64 ; shl eax, k as i8),
        AluOp::Rsh => dynasm!(asm ; .arch x64 ; shr eax, k as i8),
    }
}

/// `A = A op X`.
fn alu_x(asm: &mut Assembler, op: AluOp, reject: DynamicLabel) {
    match op {
        AluOp::Add => dynasm!(asm ; .arch x64 ; add eax, ecx),
        AluOp::Sub => dynasm!(asm ; .arch x64 ; sub eax, ecx),
        AluOp::Mul => dynasm!(asm ; .arch x64 ; imul eax, ecx),
        AluOp::Div | AluOp::Mod => {
            dynasm!(asm
                ; .arch x64
                ; test ecx, ecx
                ; jz =>reject
                ; xor edx, edx
                ; div ecx
            );
            if op == AluOp::Mod {
                dynasm!(asm ; .arch x64 ; mov eax, edx);
            }
        }
        AluOp::Or => dynasm!(asm ; .arch x64 ; or eax, ecx),
        AluOp::And => dynasm!(asm ; .arch x64 ; and eax, ecx),
        AluOp::Xor => dynasm!(asm ; .arch x64 ; xor eax, ecx),
        // x86 shifts by X mod 32; BPF's shift by 32 or more gives 0.
        AluOp::Lsh | AluOp::Rsh => {
            if op == AluOp::Lsh {
                dynasm!(asm ; .arch x64 ; shl eax, cl);
            } else {
                dynasm!(asm ; .arch x64 ; shr eax, cl);
            }
            dynasm!(asm
                ; .arch x64
                ; xor r9d, r9d
                ; cmp ecx, 32
                ; cmovae eax, r9d
            );
        }
    }
}

/// The conditional jump after a `cmp` or `test` of A: to `jt` when `test` holds, else
/// to `jf`, leaving out a jump to the next instruction.
fn branch(
    asm: &mut Assembler,
    test: Comparison,
    [jt, jf]: [u32; 2],
    next: u32,
    to: &impl Fn(u32) -> DynamicLabel,
) {
    if jt == jf {
        if jt != next {
            dynasm!(asm ; .arch x64 ; jmp =>to(jt));
        }
        return;
    }
    // When the true branch is the next instruction, jump to the false one on the
    // opposite condition.
    let (holds, target, other) = if jt == next {
        (false, jf, None)
    } else {
        (true, jt, Some(jf).filter(|&jf| jf != next))
    };
    let label = to(target);
    match (test, holds) {
        (Comparison::Eq, true) => dynasm!(asm ; .arch x64 ; je =>label),
        (Comparison::Eq, false) => dynasm!(asm ; .arch x64 ; jne =>label),
        (Comparison::Gt, true) => dynasm!(asm ; .arch x64 ; ja =>label),
        (Comparison::Gt, false) => dynasm!(asm ; .arch x64 ; jbe =>label),
        (Comparison::Ge, true) => dynasm!(asm ; .arch x64 ; jae =>label),
        (Comparison::Ge, false) => dynasm!(asm ; .arch x64 ; jb =>label),
        (Comparison::Set, true) => dynasm!(asm ; .arch x64 ; jnz =>label),
        (Comparison::Set, false) => dynasm!(asm ; .arch x64 ; jz =>label),
    }
    if let Some(jf) = other {
        dynasm!(asm ; .arch x64 ; jmp =>to(jf));
    }
}

#[cfg(test)]
mod tests {
    use crate::filter::bpf::*;
    use crate::filter::machine::Machine;

    /// xorshift64: reproducible random programs without a dependency.
    struct Random(u64);

    impl Random {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Every instruction the kernel defines.
    fn codes() -> Vec<u16> {
        let mut codes = vec![
            LD | W | ABS,
            LD | H | ABS,
            LD | B | ABS,
            LD | W | IND,
            LD | H | IND,
            LD | B | IND,
            LD | W | LEN,
            LD | IMM,
            LD | MEM,
            LDX | IMM,
            LDX | MEM,
            LDX | W | LEN,
            LDX | B | MSH,
            ST,
            0x03,
            ALU | NEG,
            JMP,
            RET | K,
            RET | 0x10,
            MISC | TAX,
            MISC | TXA,
        ];
        for op in [ADD, SUB, MUL, DIV, MOD, OR, AND, XOR, LSH, RSH] {
            codes.extend([ALU | op | K, ALU | op | X]);
        }
        for op in [JEQ, JGT, JGE, JSET] {
            codes.extend([JMP | op | K, JMP | op | X]);
        }
        codes
    }

    fn constant(random: &mut Random) -> u32 {
        const EDGES: [u32; 10] = [
            0,
            1,
            31,
            32,
            33,
            0x7fff_fffe,
            0x7fff_ffff,
            0x8000_0000,
            u32::MAX - 1,
            u32::MAX,
        ];
        match random.below(4) {
            0 => EDGES[random.below(EDGES.len())],
            1 => random.next() as u32,
            _ => random.below(72) as u32,
        }
    }

    /// Runs `program` over `packet` both ways and compares (a program that jumps
    /// back is only interpreted).
    fn agree(program: &[Insn], packets: &[Vec<u8>]) {
        let machine = Machine::new(program);
        if jumps_backward(program) {
            assert!(!machine.is_native(), "native code for a loop: {program:?}");
            return;
        }
        assert!(machine.is_native(), "no native code for {program:?}");
        for packet in packets {
            for wire_length in [packet.len() as u32, 1500, u32::MAX] {
                assert_eq!(
                    machine.run(packet, wire_length),
                    machine.interpret(packet, wire_length),
                    "program {program:?}\npacket {packet:?}, wire length {wire_length}"
                );
            }
        }
    }

    #[test]
    fn native_code_agrees_with_the_interpreter_on_random_programs() {
        let mut random = Random(0x1c91_8132_34b9_34e9);
        let codes = codes();
        let packets: Vec<Vec<u8>> = (0..24)
            .map(|n| (0..n * 3).map(|_| random.next() as u8).collect())
            .collect();
        for _ in 0..3000 {
            let length = 1 + random.below(24);
            let mut program: Vec<Insn> = (0..length)
                .map(|_| Insn {
                    // One in twenty is any code at all, as a hostile program might hold.
                    code: if random.below(20) == 0 {
                        random.next() as u16
                    } else {
                        codes[random.below(codes.len())]
                    },
                    jt: random.below(length + 2) as u8,
                    jf: random.below(length + 2) as u8,
                    k: constant(&mut random),
                })
                .collect();
            if random.below(4) != 0 {
                program.push(Insn::stmt(RET | 0x10, 0));
            }
            agree(&program, &packets);
        }
    }

    #[test]
    fn a_loop_is_interpreted_and_ends() {
        // `ja` back onto itself: libpcap's engine would spin; this one gives up and
        // rejects the packet.
        // Found by fuzzing: any jump code without a comparison is a `ja` (here with
        // the X bit set), and loops as well.
        for code in [JMP, JMP | X] {
            let program = [Insn::stmt(code, u32::MAX), Insn::stmt(RET | K, 1)];
            let machine = Machine::new(&program);
            assert!(jumps_backward(&program));
            assert!(!machine.is_native());
            assert_eq!(machine.run(&[0; 4], 4), 0);
        }
    }

    #[test]
    fn edges_of_the_packet_and_of_arithmetic_agree() {
        let packets: Vec<Vec<u8>> = (0..8).map(|n| vec![0xa5; n]).collect();
        let ret_a = Insn::stmt(RET | 0x10, 0);
        for k in [0, 3, 4, 5, 7, 8, 0x7fff_fffc, 0x7fff_ffff, u32::MAX] {
            for size in [B, H, W] {
                agree(&[Insn::stmt(LD | size | ABS, k), ret_a], &packets);
                agree(
                    &[
                        Insn::stmt(LDX | IMM, 2),
                        Insn::stmt(LD | size | IND, k),
                        ret_a,
                    ],
                    &packets,
                );
                agree(
                    &[
                        Insn::stmt(LDX | IMM, u32::MAX),
                        Insn::stmt(LD | size | IND, k),
                        ret_a,
                    ],
                    &packets,
                );
            }
        }
        for op in [DIV, MOD, LSH, RSH] {
            for k in [0, 1, 31, 32, 33, u32::MAX] {
                let with_k = [
                    Insn::stmt(LD | IMM, 0xdead_beef),
                    Insn::stmt(ALU | op | K, k),
                    ret_a,
                ];
                let with_x = [
                    Insn::stmt(LD | IMM, 0xdead_beef),
                    Insn::stmt(LDX | IMM, k),
                    Insn::stmt(ALU | op | X, 0),
                    ret_a,
                ];
                agree(&with_k, &packets);
                agree(&with_x, &packets);
            }
        }
        // Scratch words start at zero; a program that falls off its end rejects.
        agree(
            &[
                Insn::stmt(LD | MEM, 15),
                Insn::stmt(ALU | ADD | K, 1),
                ret_a,
            ],
            &packets,
        );
        agree(&[Insn::stmt(LD | IMM, 9)], &packets);
    }
}
