//! Any text as a filter expression for each link type: compiling never panics; an error
//! points inside (or just past) the expression; an accepted program ends in a return,
//! jumps inside itself (backward only by `ja`, `protochain`'s loop), and runs over any
//! packet without panicking.
#![no_main]

use labnet::filter::bpf::{self, Insn};
use labnet::filter::{Filter, Names};
use labnet::linktype::LinkType;
use libfuzzer_sys::fuzz_target;

fn well_formed(program: &[Insn]) -> bool {
    let last = program.last().is_some_and(|i| i.code & 0x07 == bpf::RET);
    let jumps_inside = program.iter().enumerate().all(|(at, insn)| {
        insn.code & 0x07 != bpf::JMP
            || (at + 1 + usize::from(insn.jt.max(insn.jf)) < program.len()
                && (insn.code & 0xf0 != 0
                    || insn.ja_target(at).is_some_and(|target| target < program.len())))
    });
    last && jumps_inside && program.len() <= bpf::MAX_INSNS
}

/// RadioTap (flags: padded), a QoS data frame, its padding, LLC/SNAP, IPv4 and UDP to
/// port 53: what an 802.11 program's prologue and payload tests read to the end.
const RADIOTAP_UDP: [u8; 76] = [
    0x00, 0x00, 0x0c, 0x00, 0x06, 0x00, 0x00, 0x00, 0x20, 0x02, 0x00, 0x00, 0x88, 0x01, 0x00,
    0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00, 0x27, 0xa8, 0x38, 0x66, 0x08, 0x00,
    0x27, 0xa8, 0x38, 0x65, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xaa, 0xaa, 0x03, 0x00, 0x00,
    0x00, 0x08, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
    0xc0, 0xa8, 0x38, 0x65, 0xc0, 0xa8, 0x38, 0x66, 0x12, 0x34, 0x00, 0x35, 0x00, 0x08, 0x00,
    0x00,
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let link = LinkType::IN_FILES[usize::from(selector) % LinkType::IN_FILES.len()];
    let expression = String::from_utf8_lossy(rest);
    match Filter::compile_with(&expression, link, Names::Offline) {
        Ok(filter) => {
            assert!(
                well_formed(filter.program()),
                "{expression:?}\n{}",
                filter.listing()
            );
            let _ = filter.matches(rest, rest.len() as u32);
            let _ = filter.matches(&[0x45; 64], 64);
            let _ = filter.matches(&RADIOTAP_UDP, RADIOTAP_UDP.len() as u32);
            let _ = filter.listing();
        }
        Err(err) => {
            assert!(err.start <= expression.len() + 1, "{err:?}");
            let _ = err.to_string();
        }
    }
});
