//! The test-support lab that every network-crossing test builds on: isolated per test,
//! usable in parallel, and gone afterwards even when the test panics.

use std::process::Command;

use labnet::netns;
use labnet_test_support::{require, TestLab};

fn ping(lab: &TestLab, from: &str, args: &[&str]) -> std::process::Output {
    lab.command(from, "ping")
        .args(["-c1", "-W3"])
        .args(args)
        .output()
        .expect("ping runs")
}

#[test]
fn hosts_keep_their_handout_names_inside_a_uniquely_named_lab() {
    require!(root);
    let lab = TestLab::two_hosts().unwrap();
    let midwood = lab.host("midwood");
    assert_ne!(
        midwood.netns, "midwood",
        "namespace names are unique per test"
    );
    assert!(netns::exists(&midwood.netns));
    for args in [
        &["-4", "brooklyn"][..],
        &["-6", "brooklyn6"],
        &["192.168.56.101"],
    ] {
        let out = ping(&lab, "midwood", args);
        assert!(
            out.status.success(),
            "ping {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let name = lab.command("brooklyn", "hostname").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&name.stdout).trim(), "brooklyn");
}

#[test]
fn labs_of_parallel_tests_do_not_see_each_other() {
    require!(root);
    let first = TestLab::two_hosts().unwrap();
    let second = TestLab::two_hosts().unwrap();
    // Same addresses, separate wires: different namespaces, each answering on its own.
    let a = std::fs::metadata(netns::path(&first.host("brooklyn").netns)).unwrap();
    let b = std::fs::metadata(netns::path(&second.host("brooklyn").netns)).unwrap();
    use std::os::unix::fs::MetadataExt;
    assert_ne!(a.ino(), b.ino());
    assert!(ping(&first, "midwood", &["192.168.56.101"])
        .status
        .success());
    assert!(ping(&second, "midwood", &["192.168.56.101"])
        .status
        .success());
    drop(first);
    assert!(
        ping(&second, "midwood", &["192.168.56.101"])
            .status
            .success(),
        "dropping one lab leaves the other"
    );
}

#[test]
fn a_panicking_test_still_removes_its_lab() {
    require!(root);
    let netns_names = std::sync::Mutex::new(Vec::new());
    let result = std::panic::catch_unwind(|| {
        let lab = TestLab::new(&["brooklyn", "midwood", "flatbush"]).unwrap();
        let mut names: Vec<String> = lab.spec().namespaces().map(String::from).collect();
        netns_names.lock().unwrap().append(&mut names);
        panic!("a failing assertion");
    });
    assert!(result.is_err());
    let names = netns_names.into_inner().unwrap();
    assert_eq!(names.len(), 4, "three hosts and a switch");
    let list = String::from_utf8(
        Command::new("ip")
            .args(["netns", "list"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    for name in &names {
        assert!(!netns::exists(name), "{name} survived the panic");
        assert!(!list.contains(name.as_str()), "ip netns still lists {name}");
        assert!(!std::path::Path::new(netns::ETC_DIR).join(name).exists());
    }
}

#[test]
fn host_names_resolve_to_ipv4_first_for_every_program() {
    require!(root);
    let lab = TestLab::two_hosts().unwrap();
    // glibc (ping, getent), Python and hello-client, from midwood.
    let getent = lab
        .command("midwood", "getent")
        .args(["ahosts", "brooklyn"])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&getent.stdout);
    assert!(
        first.starts_with("192.168.56.101 "),
        "getent ahosts brooklyn:\n{first}"
    );
    let ping = ping(&lab, "midwood", &["brooklyn"]);
    let said = String::from_utf8_lossy(&ping.stdout);
    assert!(said.starts_with("PING brooklyn (192.168.56.101)"), "{said}");
    let python = lab
        .command("midwood", "python3")
        .args([
            "-c",
            "import socket; print(socket.getaddrinfo('brooklyn', 5000)[0][4][0])",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&python.stdout), "192.168.56.101\n");
    // IPv6 by its own name.
    let v6 = lab
        .command("midwood", "getent")
        .args(["ahosts", "brooklyn6"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&v6.stdout).starts_with("fd00:56::101 "));
}
