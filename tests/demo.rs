//! `cargo xtask demo` runs the whole handout to the end in a lab of its own, shows each
//! step's evidence, and leaves no lab behind.

use std::process::Command;

use labnet_test_support::{require, tool_path};

#[test]
fn the_demo_walks_the_handout_and_cleans_up() {
    require!(root);
    let out = Command::new(tool_path("xtask"))
        .args(["demo", "--no-build"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for evidence in [
        "brooklyn     eth0 08:00:27:a8:38:65  192.168.56.101/24",
        "layer: link (Ethernet MAC address)",
        "connection refused by 192.168.56.101:5000",
        "127.0.0.1:5000          0.0.0.0:*               LISTEN",
        "200 OK\nHello, World!",
        "ESTABLISHED",
        "/hello-client",
        "Ether / IP / TCP 192.168.56.102:",
        "> 192.168.56.101:5000 PA / Raw",
        "0040  ",
        "###[ TCP ]### (transport layer)",
        "webcapture: wrote ",
        "packet0.svg",
        "packet0.pdf",
        "TCP flow of tcp.stream 0",
        "handshake 3/3",
        "teardown: ACK of FIN",
        "[tcp.stream 0] Seq=1 Ack=1",
        "EstimatedRTT = (1 - alpha) * EstimatedRTT + alpha * SampleRTT",
        "TCP stream 0: 192.168.56.102:",
        "Hello from port 5001!",
        "0.0.0.0:5001            0.0.0.0:*               LISTEN",
        "webcapture: hint: no packet matched \"tcp port 80\" on eth0",
        "seen: tcp port 5000",
        "removed /run/labnet/demo.json",
    ] {
        assert!(
            stdout.contains(evidence),
            "missing {evidence:?} in the demo's output:\n{stdout}"
        );
    }
    assert!(
        !std::path::Path::new("/run/labnet/demo.json").exists(),
        "the demo's lab is gone"
    );
    // The diagram of packet 0 is kept for the student to open.
    let pictures = tool_path("webcapture")
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("demo");
    let svg = std::fs::read_to_string(pictures.join("packet0.svg")).unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("(transport layer)"),
        "{svg}"
    );
    let pdf = std::fs::read(pictures.join("packet0.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}
