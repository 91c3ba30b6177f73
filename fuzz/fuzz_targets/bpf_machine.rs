//! Any classic BPF program (well formed or not) over any packet: the native code returns
//! what the interpreter returns (so its bounds checks reject what the interpreter's
//! reject), a program that loops is interpreted, and neither crashes nor hangs.
#![no_main]

use labnet::filter::bpf::{jumps_backward, Insn};
use labnet::filter::machine::Machine;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // One byte of program length (1 to 64 instructions), the program as `sock_filter`
    // structs, four bytes of wire length, and the packet.
    let Some((&length, rest)) = data.split_first() else {
        return;
    };
    let length = usize::from(length % 64) + 1;
    if rest.len() < length * 8 + 4 {
        return;
    }
    let (program, rest) = rest.split_at(length * 8);
    let program: Vec<Insn> = program
        .chunks_exact(8)
        .map(|insn| Insn {
            code: u16::from_le_bytes([insn[0], insn[1]]),
            jt: insn[2],
            jf: insn[3],
            k: u32::from_le_bytes([insn[4], insn[5], insn[6], insn[7]]),
        })
        .collect();
    let (wire_length, packet) = rest.split_at(4);
    let wire_length = u32::from_le_bytes(wire_length.try_into().expect("4 bytes"));
    let machine = Machine::new(&program);
    // A loop is interpreted only (with a bound on its turns).
    assert_eq!(machine.is_native(), !jumps_backward(&program));
    // The packet in a buffer of its own size, so reading past it is caught.
    let packet = packet.to_vec();
    assert_eq!(
        machine.run(&packet, wire_length),
        machine.interpret(&packet, wire_length),
        "{program:?}"
    );
});
