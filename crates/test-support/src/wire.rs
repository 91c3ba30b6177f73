//! brooklyn and midwood joined by a wire of the test's own, so a capture holds real TCP
//! recovering from loss, reordering and duplication (this kernel has no netem). The lab
//! has three hosts, so its switch namespace holds a bridge; brooklyn's and midwood's
//! ports are taken off it and a relay forwards frames between the two ports through
//! packet sockets, following a [`Plan`]: it drops, holds back (until the next data frame
//! has gone: a reordering) or duplicates chosen data frames of each direction. The third
//! host stays on the bridge, unused.
//!
//! The relay is a short Python program (Python is an oracle dependency already): it
//! recomputes TCP and UDP checksums, which the hosts leave to offload, and the hosts
//! send no GSO super-frames (`gso_max_segs 1`), so every frame fits the other port.

use std::io::BufRead;
use std::process::{Command, Stdio};

use labnet::error::Result;

use crate::{ChildGuard, TestLab};

/// What the relay does to one direction's data frames (TCP segments with payload),
/// counted from 0 in the order they reach it.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    pub drop: Vec<usize>,
    /// Held back until the next data frame of the direction has gone (or 200 ms).
    pub hold: Vec<usize>,
    pub duplicate: Vec<usize>,
}

/// The relay's rules for each direction.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub from_brooklyn: Rules,
    pub from_midwood: Rules,
}

impl Rules {
    fn json(&self) -> String {
        let list = |v: &[usize]| v.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
        format!(
            r#"{{"drop":[{}],"hold":[{}],"duplicate":[{}]}}"#,
            list(&self.drop),
            list(&self.hold),
            list(&self.duplicate)
        )
    }
}

/// The relay, run in the switch namespace with the two port names and the plan as JSON
/// (keyed by port); it prints `ready` once both sockets are bound and ends when its
/// stdin closes.
const RELAY: &str = r#"
import json, select, socket, struct, sys, time
A, B, plan = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

def checksum(data):
    if len(data) % 2:
        data += b'\0'
    total = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff

def mend(frame):
    """The frame with its TCP or UDP checksum computed, and its TCP payload length."""
    f = bytearray(frame)
    ethertype = struct.unpack('!H', f[12:14])[0]
    if ethertype == 0x0800:
        l4 = 14 + (f[14] & 15) * 4
        end = 14 + struct.unpack('!H', f[16:18])[0]
        proto = f[23]
        pseudo = bytes(f[26:34]) + struct.pack('!BBH', 0, proto, end - l4)
    elif ethertype == 0x86dd:
        l4, proto = 54, f[20]
        end = 54 + struct.unpack('!H', f[18:20])[0]
        pseudo = bytes(f[22:54]) + struct.pack('!IxxxB', end - l4, proto)
    else:
        return bytes(f), 0
    if proto == 6 and end - l4 >= 20:
        f[l4 + 16:l4 + 18] = b'\0\0'
        f[l4 + 16:l4 + 18] = struct.pack('!H', checksum(pseudo + bytes(f[l4:end])))
        return bytes(f), end - l4 - (f[l4 + 12] >> 4) * 4
    if proto == 17 and end - l4 >= 8:
        f[l4 + 6:l4 + 8] = b'\0\0'
        f[l4 + 6:l4 + 8] = struct.pack('!H', checksum(pseudo + bytes(f[l4:end])) or 0xffff)
    return bytes(f), 0

sockets = {}
for name in (A, B):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((name, 0))
    sockets[name] = s
other = {A: B, B: A}
seen = {A: 0, B: 0}
held = {A: None, B: None}
print('ready', flush=True)
while True:
    ready, _, _ = select.select(list(sockets.values()) + [sys.stdin], [], [], 0.05)
    for name in (A, B):
        if held[name] and time.time() - held[name][1] > 0.2:
            sockets[other[name]].send(held[name][0])
            held[name] = None
    for s in ready:
        if s is sys.stdin:
            if not sys.stdin.readline():
                sys.exit(0)
            continue
        name = A if s is sockets[A] else B
        try:
            frame, address = s.recvfrom(65535)
        except OSError:
            # A port going down (ENETDOWN) is reported once on its socket: go on.
            continue
        if address[2] == socket.PACKET_OUTGOING:
            continue
        out = sockets[other[name]]
        frame, payload = mend(frame)
        rules = plan.get(name, {})
        if payload == 0:
            out.send(frame)
            continue
        n = seen[name]
        seen[name] += 1
        if n in rules.get('drop', []):
            continue
        if n in rules.get('hold', []):
            held[name] = (frame, time.time())
            continue
        out.send(frame)
        if n in rules.get('duplicate', []):
            out.send(frame)
        if held[name]:
            out.send(held[name][0])
            held[name] = None
"#;

/// A lab whose brooklyn and midwood talk through a relay of the test's own.
pub struct ImpairedLab {
    lab: TestLab,
    relay: Option<ChildGuard>,
}

/// Runs `ip` with `args`; panics on failure.
fn ip(args: &[&str]) {
    let status = Command::new("ip").args(args).status().expect("ip runs");
    assert!(status.success(), "ip {args:?}: {status}");
}

impl ImpairedLab {
    /// The lab, with brooklyn and midwood cut off the bridge; nothing crosses until
    /// [`ImpairedLab::relay`] starts a relay.
    pub fn new() -> Result<ImpairedLab> {
        let lab = TestLab::new(&["brooklyn", "midwood", "spare"])?;
        let switch = lab
            .spec()
            .switch
            .clone()
            .expect("three hosts have a switch");
        for port in ["port1", "port2"] {
            ip(&["-n", &switch, "link", "set", port, "nomaster"]);
        }
        for host in ["brooklyn", "midwood"] {
            ip(&[
                "-n",
                &lab.host(host).netns,
                "link",
                "set",
                "eth0",
                "gso_max_segs",
                "1",
            ]);
        }
        Ok(ImpairedLab { lab, relay: None })
    }

    pub fn lab(&self) -> &TestLab {
        &self.lab
    }

    /// Starts (or restarts) the relay with `plan`; returns once it forwards.
    pub fn relay(&mut self, plan: &Plan) {
        self.relay = None;
        let switch = self.lab.spec().switch.clone().expect("a switch");
        let json = format!(
            r#"{{"port1":{},"port2":{}}}"#,
            plan.from_brooklyn.json(),
            plan.from_midwood.json()
        );
        let mut child = Command::new("ip")
            .args([
                "netns", "exec", &switch, "python3", "-c", RELAY, "port1", "port2", &json,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the relay starts");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.as_mut().expect("piped"))
            .read_line(&mut line)
            .expect("the relay says it is ready");
        assert_eq!(line.trim(), "ready", "the relay did not start");
        self.relay = Some(ChildGuard(child));
    }
}
