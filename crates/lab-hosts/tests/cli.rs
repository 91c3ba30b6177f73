//! lab-hosts end to end: real namespaces and veth pairs, checked with iproute2 and ping.
//! Every lab here has unique names (except the handout test, which needs the real ones)
//! and is removed when its guard drops, also when an assertion fails.

use std::process::Command;

use labnet_test_support::cli_lab::{
    assert_gone, lab_hosts, netns_list, root_links, run_ok, text, CliLab,
};
use labnet_test_support::{in_ci, require, tool_path, unprivileged};

/// Everything observable about a lab: links and addresses per host, /etc/netns files.
fn snapshot(hosts: &[String]) -> String {
    let list = netns_list();
    let mut all: String = list
        .lines()
        .filter(|l| hosts.iter().any(|h| l.starts_with(h.as_str())))
        .collect();
    for host in hosts {
        all += &run_ok("ip", &["-n", host, "-j", "link", "show"]);
        all += &run_ok("ip", &["-n", host, "-j", "address", "show"]);
        for file in ["hosts", "hostname"] {
            all += &std::fs::read_to_string(format!("/etc/netns/{host}/{file}")).unwrap();
        }
    }
    all
}

fn ping(host: &str, args: &[&str]) {
    let mut all = vec!["netns", "exec", host, "ping", "-c1", "-W3"];
    all.extend_from_slice(args);
    run_ok("ip", &all);
}

#[test]
fn handout_lab_comes_up_pings_by_name_and_goes_away() {
    let test = "handout_lab_comes_up_pings_by_name_and_goes_away";
    require!(root, "ip", "ping");
    let list = netns_list();
    let taken = ["brooklyn", "midwood"]
        .iter()
        .any(|h| list.lines().any(|l| l.starts_with(h)));
    if taken || std::path::Path::new("/run/labnet/labnet.json").exists() {
        assert!(
            !in_ci(),
            "a lab named brooklyn/midwood already exists on the CI machine"
        );
        eprintln!("SKIPPED {test}: you have the handout lab up already (sudo lab-hosts down to run this test)");
        return;
    }
    let links_before = root_links();
    let hosts = vec!["brooklyn".to_string(), "midwood".to_string()];
    struct Down;
    impl Drop for Down {
        fn drop(&mut self) {
            let _ = lab_hosts(&["down"]);
        }
    }
    let _down = Down;
    let first = run_ok(tool_path("lab-hosts"), &["up"]);
    assert!(
        first.contains("created veth brooklyn:eth0 <-> midwood:eth0"),
        "{first}"
    );

    ping("midwood", &["192.168.56.101"]);
    ping("brooklyn", &["-4", "midwood"]);
    ping("brooklyn", &["-6", "midwood6"]);
    ping("midwood", &["fd00:56::101"]);

    let mac = run_ok("ip", &["-n", "brooklyn", "-br", "link", "show", "eth0"]);
    assert!(
        mac.contains("08:00:27:a8:38:65"),
        "MAC in VirtualBox's range: {mac}"
    );

    let before = snapshot(&hosts);
    let again = run_ok(tool_path("lab-hosts"), &["up"]);
    assert!(again.contains("already up; nothing changed"), "{again}");
    assert_eq!(snapshot(&hosts), before, "a second `up` changed the lab");

    let down = run_ok(tool_path("lab-hosts"), &["down"]);
    assert!(
        down.contains("removed network namespace brooklyn"),
        "{down}"
    );
    assert_gone("labnet", &hosts, &links_before);
}

#[test]
fn three_hosts_are_joined_by_a_bridge_in_a_switch_namespace() {
    require!(root, "ip", "ping");
    let links_before = root_links();
    let lab = CliLab::unique(&["a", "b", "c"]);
    let out = lab.up(&["--subnet", "10.56.7.0/24"]);
    assert!(
        out.contains(&format!("created bridge {}-switch:br0", lab.lab)),
        "{out}"
    );
    ping(&lab.hosts[0], &["-4", &lab.hosts[2]]);
    ping(&lab.hosts[2], &["10.56.7.102"]);
    ping(&lab.hosts[1], &["-6", &format!("{}6", lab.hosts[0])]);
    let bridge = run_ok(
        "ip",
        &[
            "-n",
            &format!("{}-switch", lab.lab),
            "-br",
            "link",
            "show",
            "master",
            "br0",
        ],
    );
    assert_eq!(bridge.lines().count(), 3, "three ports on br0:\n{bridge}");
    let before = snapshot(&lab.hosts);
    lab.up(&["--subnet", "10.56.7.0/24"]);
    assert_eq!(snapshot(&lab.hosts), before);
    let mut names = lab.hosts.clone();
    names.push(format!("{}-switch", lab.lab));
    run_ok(tool_path("lab-hosts"), &["--lab", &lab.lab, "down"]);
    assert_gone(&lab.lab, &names, &links_before);
}

#[test]
fn up_repairs_a_host_whose_nic_was_deleted() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["x", "y"]);
    lab.up(&[]);
    run_ok("ip", &["-n", &lab.hosts[1], "link", "del", "eth0"]);
    let out = lab.up(&[]);
    assert!(out.contains("created veth"), "{out}");
    ping(&lab.hosts[1], &["192.168.56.101"]);
}

#[test]
fn exec_runs_a_command_as_the_lab_host() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["p", "q"]);
    lab.up(&[]);
    let host = &lab.hosts[0];
    let out = lab.exec(
        host,
        &["sh", "-c", "hostname; cat /etc/hostname; ls /sys/class/net"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<String> = text(&out.stdout).lines().map(String::from).collect();
    assert_eq!(lines[0], *host, "UTS host name");
    assert_eq!(
        lines[1], *host,
        "/etc/netns/HOST/hostname bound over /etc/hostname"
    );
    assert!(
        lines.contains(&"eth0".to_string()),
        "/sys shows the host's NICs: {lines:?}"
    );

    let status = lab.exec(host, &["sh", "-c", "exit 7"]).status;
    assert_eq!(
        status.code(),
        Some(7),
        "the command's exit status is passed through"
    );

    let missing = lab.exec(host, &["no-such-program-here"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("command not found"),
        "{}",
        text(&missing.stderr)
    );

    let unknown = lab.exec("nosuchhost", &["true"]);
    assert_eq!(unknown.status.code(), Some(2));
    let err = text(&unknown.stderr);
    assert!(
        err.contains("is not a host of lab") && err.contains(host.as_str()),
        "{err}"
    );
}

#[test]
fn status_reports_each_host_nic_from_the_kernel() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["s", "t"]);
    lab.up(&[]);
    let json: serde_json::Value = serde_json::from_str(&run_ok(
        tool_path("lab-hosts"),
        &["--lab", &lab.lab, "status", "--json"],
    ))
    .unwrap();
    assert_eq!(json["topology"], "veth pair");
    let second = &json["hosts"][1];
    assert_eq!(second["hostname"], lab.hosts[1].as_str());
    assert_eq!(second["present"], true);
    // Each host's NIC is the object `ip -j address show` prints for it.
    assert_eq!(second["nic"]["ifname"], "eth0");
    assert_eq!(second["nic"]["address"], "08:00:27:a8:38:66");
    assert_eq!(second["nic"]["operstate"], "UP");
    let addresses: Vec<String> = second["nic"]["addr_info"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| format!("{}/{}", a["local"].as_str().unwrap(), a["prefixlen"]))
        .collect();
    assert!(
        addresses.contains(&"192.168.56.102/24".to_string()),
        "{addresses:?}"
    );
    assert!(
        addresses.contains(&"fd00:56::102/64".to_string()),
        "{addresses:?}"
    );

    // The same facts, as iproute2 sees them.
    let ip = run_ok(
        "ip",
        &["-n", &lab.hosts[1], "-br", "address", "show", "eth0"],
    );
    assert!(
        ip.contains("192.168.56.102/24") && ip.contains("fd00:56::102/64"),
        "{ip}"
    );

    let table = run_ok(tool_path("lab-hosts"), &["--lab", &lab.lab, "status"]);
    assert!(
        table.contains("08:00:27:a8:38:65") && table.contains("192.168.56.101/24"),
        "{table}"
    );
}

#[test]
fn a_namespace_lab_hosts_did_not_make_is_never_adopted_or_removed() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["own", "other"]);
    let foreign = &lab.hosts[0];
    run_ok("ip", &["netns", "add", foreign]);
    struct Remove(String);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        }
    }
    let _remove = Remove(foreign.clone());
    let hosts = lab.hosts.join(",");
    let out = lab_hosts(&["--lab", &lab.lab, "up", "--hosts", &hosts]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("did not make it") && err.contains("hint: remove it"),
        "{err}"
    );
    run_ok(tool_path("lab-hosts"), &["--lab", &lab.lab, "down"]);
    assert!(
        netns_list().contains(foreign.as_str()),
        "the foreign namespace must survive"
    );
    assert!(!netns_list().contains(lab.hosts[1].as_str()));
}

#[test]
fn without_root_it_says_what_is_needed() {
    let Some(mut command) = unprivileged(
        "without_root_it_says_what_is_needed",
        tool_path("lab-hosts"),
    ) else {
        return;
    };
    let out = command.arg("up").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("lab-hosts: error: lab-hosts up needs root"),
        "{err}"
    );
    assert!(
        err.contains("CAP_NET_ADMIN") && err.contains("hint:") && err.contains("sudo"),
        "{err}"
    );
}

#[test]
fn impossible_plans_are_usage_errors() {
    for args in [
        &["up", "--hosts", "solo"][..],
        &["up", "--subnet", "192.168.56.0/30"],
        &["up", "--subnet", "bogus"],
        &["up", "--hosts", "a,a"],
        &["--lab", "../etc", "up"],
    ] {
        let out = lab_hosts(args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).starts_with("lab-hosts: error: "),
            "{args:?}"
        );
    }
}

#[test]
fn down_without_a_lab_is_harmless() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["never"]);
    let out = run_ok(tool_path("lab-hosts"), &["--lab", &lab.lab, "down"]);
    assert!(out.contains("is not up; nothing to remove"), "{out}");
    let status = run_ok(
        tool_path("lab-hosts"),
        &["--lab", &lab.lab, "status", "--json"],
    );
    assert_eq!(status.trim(), "null");
}

#[test]
fn closed_stdout_ends_quietly() {
    require!(root, "ip", "ping");
    let lab = CliLab::unique(&["u", "v"]);
    let mut child = Command::new(tool_path("lab-hosts"))
        .args(["--lab", &lab.lab, "up", "--hosts", &lab.hosts.join(",")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = text(&out.stderr);
    assert!(
        out.status.success() && err.is_empty(),
        "{}: {err}",
        out.status
    );
    // The work was done all the same.
    ping(&lab.hosts[0], &["192.168.56.102"]);
}
