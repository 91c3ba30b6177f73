//! The Scapy side of the comparisons: Scapy's summary(), hexdump() and show() of a
//! capture file, each checked against webcapture's reading of the same file. Shared by
//! the test binaries that compare with Scapy; each uses a part of it.
#![allow(dead_code)]

use std::process::Command;

use labnet_test_support::tool_path;

pub const SCAPY_SUMMARIES: &str =
    "import sys\nfrom scapy.all import rdpcap\nfor p in rdpcap(sys.argv[1]): print(p.summary())\n";
/// Every packet's hexdump, a blank line between packets (as `webcapture --hexdump`).
pub const SCAPY_HEXDUMPS: &str = "import sys\nfrom scapy.all import rdpcap, hexdump\nfor i, p in enumerate(rdpcap(sys.argv[1])):\n    if i: print()\n    hexdump(p)\n";

pub fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new("python3")
        .args(["-c", script])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scapy failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn webcapture(args: &[&str]) -> String {
    let out = Command::new(tool_path("webcapture"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "webcapture {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Scapy's summaries of the file, checked line by line against webcapture's; returns
/// them.
pub fn same_summaries_as_scapy(path: &str) -> String {
    let theirs = python(SCAPY_SUMMARIES, &[path]);
    let mine = webcapture(&["-r", path]);
    assert!(!mine.is_empty(), "{path} holds packets");
    for (n, (t, m)) in theirs.lines().zip(mine.lines()).enumerate() {
        assert_eq!(
            m, t,
            "{path}, packet {n}: webcapture (left) vs scapy (right)"
        );
    }
    assert_eq!(mine.lines().count(), theirs.lines().count());
    theirs
}

/// Scapy's hexdumps of the file, checked packet by packet against `--hexdump`;
/// returns them.
pub fn same_hexdumps_as_scapy(path: &str) -> String {
    let (theirs, mine) = (
        python(SCAPY_HEXDUMPS, &[path]),
        webcapture(&["-r", path, "--hexdump"]),
    );
    for (n, (t, m)) in theirs.split("\n\n").zip(mine.split("\n\n")).enumerate() {
        assert_eq!(
            m, t,
            "{path}, hexdump of packet {n}: webcapture (left) vs scapy (right)"
        );
    }
    assert_eq!(mine.len(), theirs.len());
    theirs
}

/// scapy's show() of every packet, packets separated by a line holding only "%%",
/// with Scapy's HTTP layer bound to hello-server's port (Scapy dissects HTTP only when
/// asked to).
pub const SCAPY_SHOW: &str = "import sys\nfrom scapy.all import rdpcap, load_layer, bind_layers\nload_layer('http')\nfrom scapy.layers.http import HTTP\nfrom scapy.layers.inet import TCP\nbind_layers(TCP, HTTP, sport=5000)\nbind_layers(TCP, HTTP, dport=5000)\nfor p in rdpcap(sys.argv[1]):\n    print(p.show(dump=True), end='%%\\n')\n";

/// A listing's lines, made comparable: labnet's TCP/IP tag after each layer heading
/// is checked and dropped; scapy's empty `HTTP 1` wrapper and the headers it lists as
/// `None` are dropped; within an HTTP layer, where scapy orders headers by its own list
/// and labnet by the wire, the lines are sorted; a SNAP OUI's manufacturer name is
/// dropped.
fn comparable(listing: &str, ours: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut http_block: Option<usize> = None;
    for line in listing.lines() {
        let mut line = line.to_string();
        // Scapy names an OUI (SNAP's, PPP ECP's) from the manufacturer list it carries
        // (`Cisco Systems, Inc (00:00:0c)`); labnet shows the three bytes
        // (docs/webcapture.md, "Where labnet and Scapy differ").
        let bare = line.trim_start_matches([' ', '|']);
        if !ours && (bare.starts_with("OUI ") || bare.starts_with("oui ")) && line.ends_with(')') {
            if let Some(open) = line.rfind(" (") {
                let (head, _) = line.split_once("= ").expect("a field line");
                line = format!("{head}= {}", &line[open + 2..line.len() - 1]);
            }
        }
        if ours && line.starts_with("###[ ") {
            let (heading, tag) = line
                .split_once("]### ")
                .unwrap_or_else(|| panic!("no TCP/IP tag: {line}"));
            assert!(
                [
                    "(link layer)",
                    "(internet layer)",
                    "(transport layer)",
                    "(application layer)"
                ]
                .contains(&tag),
                "{line}"
            );
            line = format!("{heading}]###");
        }
        if line == "###[ HTTP 1 ]###" {
            continue;
        }
        if line.starts_with("###[ ") {
            if let Some(start) = http_block.take() {
                lines[start + 1..].sort();
            }
            if line.starts_with("###[ HTTP Re") {
                http_block = Some(lines.len());
            }
        } else if http_block.is_some() && line.trim_end().ends_with("= None") {
            continue;
        }
        lines.push(line);
    }
    if let Some(start) = http_block {
        lines[start + 1..].sort();
    }
    lines
}

pub fn same_listings_as_scapy(path: &str) {
    let theirs = python(SCAPY_SHOW, &[path]);
    let theirs: Vec<&str> = theirs.split("%%\n").filter(|p| !p.is_empty()).collect();
    let mine = webcapture(&["-r", path, "--show"]);
    let mine: Vec<&str> = mine.split("\n\n").collect();
    assert_eq!(mine.len(), theirs.len(), "{path}: one listing per packet");
    for (n, (t, m)) in theirs.iter().zip(&mine).enumerate() {
        let (t, m) = (comparable(t, false), comparable(m, true));
        assert_eq!(
            m.join("\n"),
            t.join("\n"),
            "{path}, packet {n}: webcapture --show (left) vs scapy's show() (right)"
        );
    }
}

/// `--json` holds, per packet, the summary line and the layers and fields `--show`
/// lists, each field's bytes inside its layer and the packet.
pub fn same_json_as_show_and_summary(path: &str) {
    let json = webcapture(&["-r", path, "--json"]);
    let summaries = webcapture(&["-r", path]);
    let listings = webcapture(&["-r", path, "--show"]);
    let listings: Vec<&str> = listings.split("\n\n").collect();
    let documents: Vec<&str> = json.lines().collect();
    assert_eq!(documents.len(), summaries.lines().count());
    for (n, ((document, summary), listing)) in documents
        .iter()
        .zip(summaries.lines())
        .zip(&listings)
        .enumerate()
    {
        let packet: serde_json::Value = serde_json::from_str(document)
            .unwrap_or_else(|e| panic!("packet {n}: not JSON ({e}): {document}"));
        assert_eq!(packet["index"], n);
        assert_eq!(packet["summary"], summary, "packet {n}");
        let layers = packet["layers"].as_array().unwrap();
        let headings: Vec<String> = listing
            .lines()
            .filter(|l| l.starts_with("###[ "))
            .map(String::from)
            .collect();
        let from_json: Vec<String> = layers
            .iter()
            .map(|l| {
                format!(
                    "###[ {} ]### ({} layer)",
                    l["name"].as_str().unwrap(),
                    l["tcpip"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(from_json, headings, "packet {n}");
        let length = packet["captured_length"].as_u64().unwrap();
        for layer in layers {
            let (start, end) = (
                layer["offset"].as_u64().unwrap(),
                layer["offset"].as_u64().unwrap() + layer["length"].as_u64().unwrap(),
            );
            assert!(end <= length, "packet {n}: {layer}");
            for field in layer["fields"].as_array().unwrap() {
                let at = field["offset"].as_u64().unwrap();
                let field_end = at + field["length"].as_u64().unwrap();
                assert!(
                    start <= at && field_end <= end,
                    "packet {n}: {field} outside {start}..{end}"
                );
                let line = format!(
                    "{:<10}= {}",
                    field["name"].as_str().unwrap(),
                    field["repr"].as_str().unwrap_or("")
                );
                assert!(
                    field["value"].is_array() || listing.contains(&line),
                    "packet {n}: {line:?} is not in --show"
                );
            }
        }
    }
}
