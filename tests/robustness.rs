//! Nothing lost, nothing hung: webcapture's file handling under the mistakes people
//! make (the output is the input, a pipe instead of a file, a directory, a picture
//! format it does not write), and every tool's numeric flags under bad values.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use labnet::pcap::{CaptureReader, CaptureWriter, WriteFormat};
use labnet_test_support::{require, tool_path};

/// Built by scapy 2.8.0 with the lab's addresses and MACs: midwood's SYN to
/// hello-server, brooklyn's SYN-ACK, and a UDP datagram to port 53.
const SYN: &str = "080027a83865080027a8386608004500002800010000400688b3c0a83866c0a83865aa021388000003e80000000050022000dc530000";
const SYN_ACK: &str = "080027a83866080027a8386508004500002800020000400688b2c0a83865c0a838661388aa0200001388000003e950122000c8ba0000";
const UDP: &str =
    "080027a83865080027a8386608004500001d00030000401188b1c0a83866c0a8386514e90035000980a178";

const SUMMARIES: [&str; 3] = [
    "Ether / IP / TCP 192.168.56.102:43522 > 192.168.56.101:5000 S",
    "Ether / IP / TCP 192.168.56.101:5000 > 192.168.56.102:43522 SA",
    "Ether / IP / UDP 192.168.56.102:mdns > 192.168.56.101:domain / Raw",
];

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("labnet-robust-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The three lab frames as a pcap file at `path`; returns its bytes.
fn lab_pcap(path: &Path) -> Vec<u8> {
    let mut file = Vec::new();
    let mut writer = CaptureWriter::new(&mut file, WriteFormat::Pcap, 1, 262_144, None).unwrap();
    for (i, hex) in [SYN, SYN_ACK, UDP].into_iter().enumerate() {
        let frame = bytes(hex);
        writer
            .write(1_764_000_000 + i as u32, 1000, frame.len() as u32, &frame)
            .unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    std::fs::write(path, &file).unwrap();
    file
}

/// The records' bytes, read back.
fn frames(path: &Path) -> Vec<Vec<u8>> {
    let mut reader = CaptureReader::open(path).unwrap();
    let mut frames = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        frames.push(record.data.to_vec());
    }
    frames
}

fn webcapture(args: &[&str]) -> Output {
    Command::new(tool_path("webcapture"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn reading_and_writing_the_same_file_keeps_its_packets() {
    let dir = scratch("same-file");
    let file = dir.join("g.pcap");
    lab_pcap(&file);
    let out = webcapture(&[
        "-r",
        path_str(&file),
        "-w",
        path_str(&file),
        "tcp port 5000",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        frames(&file),
        [bytes(SYN), bytes(SYN_ACK)],
        "the selected packets"
    );
    // And through a symlink to it: the file is replaced, the link stays a link.
    let link = dir.join("link.pcap");
    std::os::unix::fs::symlink(&file, &link).unwrap();
    let out = webcapture(&["-r", path_str(&link), "-w", path_str(&link), "tcp[13] == 2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(frames(&file), [bytes(SYN)]);
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 2, "no temporary file is left: {left:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_failed_rewrite_leaves_the_old_output_untouched() {
    let dir = scratch("failed-rewrite");
    let output = dir.join("out.pcap");
    let before = lab_pcap(&output);
    // A capture that breaks off in its third record: two packets are selected and
    // written before the reader fails.
    let input = dir.join("cut.pcap");
    let whole = lab_pcap(&input);
    std::fs::write(&input, &whole[..whole.len() - 20]).unwrap();
    let out = webcapture(&["-r", path_str(&input), "-w", path_str(&output)]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("cut.pcap"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&output).unwrap(), before);
    // A bad filter: nothing is opened, nothing changes.
    let out = webcapture(&["-r", path_str(&output), "-w", path_str(&output), "tcp port"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(&output).unwrap(), before);
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn stdin_and_fifos_are_read_like_files() {
    let dir = scratch("pipes");
    let file = dir.join("lab.pcap");
    let contents = lab_pcap(&file);
    let expected = SUMMARIES.join("\n") + "\n";
    // -r - from a pipe.
    let mut child = Command::new(tool_path("webcapture"))
        .args(["-r", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&contents).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), expected);
    // -r FIFO, written by another process meanwhile, and -w - | -r - through it.
    let fifo = dir.join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let mut writer = Command::new(tool_path("webcapture"))
        .args(["-r", path_str(&file), "-w", path_str(&fifo), "udp"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = webcapture(&["-r", path_str(&fifo)]);
    assert!(writer.wait().unwrap().success());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), format!("{}\n", SUMMARIES[2]));
    // -r F -c 0: no limit, as in live capture.
    let out = webcapture(&["-r", path_str(&file), "-c", "0"]);
    assert_eq!(text(&out.stdout), expected);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_directory_or_an_unknown_picture_format_is_a_usage_error() {
    let dir = scratch("usage");
    let file = dir.join("lab.pcap");
    lab_pcap(&file);
    let out = webcapture(&["-r", path_str(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).starts_with(&format!(
            "webcapture: error: {} is a directory\n",
            dir.display()
        )),
        "{}",
        text(&out.stderr)
    );
    let png = dir.join("x.png");
    let out = webcapture(&["-r", path_str(&file), "--diagram", path_str(&png)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(".svg or .pdf"),
        "{}",
        text(&out.stderr)
    );
    assert!(!png.exists(), "no directory x.png/ is made");
    let out = webcapture(&["-r", path_str(&file), "-w", path_str(&dir)]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("is a directory"));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_link_type_it_does_not_dissect_is_said_once_not_shown_silently_as_raw() {
    let dir = scratch("avs");
    let path = dir.join("avs.pcap");
    let mut file = Vec::new();
    // LINKTYPE_IEEE802_11_AVS (163): 8 bytes of an AVS radio header, twice.
    let mut writer = CaptureWriter::new(&mut file, WriteFormat::Pcap, 163, 262_144, None).unwrap();
    for second in [1, 2] {
        writer
            .write(second, 0, 8, &[0, 0, 8, 0, 0, 0, 0, 0])
            .unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    std::fs::write(&path, &file).unwrap();
    let out = webcapture(&["-r", path_str(&path)]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout), "Raw\nRaw\n");
    let said = text(&out.stderr);
    assert_eq!(
        said.matches("link type 163 (IEEE802_11_AVS) is not dissected")
            .count(),
        1,
        "{said}"
    );
}

/// Records broken writers leave: a microsecond field out of range (4294967295) and a
/// record of no bytes, between two lab frames.
#[test]
fn odd_records_are_copied_through_as_tcpdump_does_and_timed_as_scapy_times_them() {
    require!("tcpdump", "python3");
    let dir = scratch("odd-records");
    let odd = dir.join("odd.pcap");
    let mut file = lab_pcap(&odd);
    // The first record's microseconds: after the file header (24) and its seconds.
    file[28..32].copy_from_slice(&u32::MAX.to_le_bytes());
    let second = 24 + 16 + bytes(SYN).len();
    let mut empty = Vec::new();
    for word in [1_764_000_001u32, 7, 0, 0] {
        empty.extend_from_slice(&word.to_le_bytes());
    }
    file.splice(second..second, empty);
    std::fs::write(&odd, &file).unwrap();

    let (mine, theirs) = (dir.join("mine.pcap"), dir.join("theirs.pcap"));
    assert!(webcapture(&["-r", path_str(&odd), "-w", path_str(&mine)])
        .status
        .success());
    let status = Command::new("tcpdump")
        .args(["-r", path_str(&odd), "-w", path_str(&theirs)])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let (mine, theirs) = (
        std::fs::read(&mine).unwrap(),
        std::fs::read(&theirs).unwrap(),
    );
    assert_eq!(mine.len(), file.len(), "every record written");
    // The file headers differ only in the snap length each tool writes.
    assert_eq!(
        mine[24..],
        theirs[24..],
        "records as tcpdump -w copies them"
    );

    let scapy = Command::new("python3")
        .args([
            "-c",
            "import sys\nfrom scapy.all import rdpcap\nfor p in rdpcap(sys.argv[1]): print(p.time)",
            path_str(&odd),
        ])
        .output()
        .unwrap();
    assert!(scapy.status.success(), "{}", text(&scapy.stderr));
    let json = webcapture(&["-r", path_str(&odd), "--json"]);
    let times: Vec<String> = text(&json.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            let time = value["time"].as_str().unwrap();
            time.trim_end_matches('0').to_string()
        })
        .collect();
    assert_eq!(times, text(&scapy.stdout).lines().collect::<Vec<_>>());
    assert!(times[0].starts_with("1764004294.9"), "{times:?}");

    // The empty record: its link layer by name, no hexdump lines, then the next frame.
    let out = webcapture(&["-r", path_str(&odd), "-x"]);
    let shown = text(&out.stdout);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[0], SUMMARIES[0], "{shown}");
    assert!(lines.contains(&"Ether"), "{shown}");
    let after = lines.iter().position(|l| *l == "Ether").unwrap();
    assert_eq!(lines[after + 1], SUMMARIES[1], "{shown}");
}
