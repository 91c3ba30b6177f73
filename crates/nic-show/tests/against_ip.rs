//! nic-show against iproute2 (`ip address show`, `ip -j address show`), on a lab host
//! given odd interfaces: veth pairs, a bridge with a port, macvlan, vxlan, ifb, a down
//! interface, MTU 9000, labelled secondary and point-to-point IPv4 addresses, IPv6 with
//! finite lifetimes, an altname. And `--routes`/`--neigh` against `ip route show` and
//! `ip neigh show` (text and `-j`, both families) on a lab host given a default route,
//! a static route with a metric, blackhole and unreachable routes, a route without
//! carrier (linkdown), IPv6 routes with a preference, and permanent, reachable,
//! stale-router, failed and incomplete neighbours.

use std::process::Command;
use std::time::Duration;

use labnet_test_support::{require, TestLab};
use serde_json::Value;

const NIC_SHOW: &str = env!("CARGO_BIN_EXE_nic-show");

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `ip -n NS ARGS...`, which must succeed.
fn ip_in(ns: &str, args: &str) {
    let mut all = vec!["-n", ns];
    all.extend(args.split_whitespace());
    run("ip", &all);
}

/// A lab whose brooklyn has every kind of interface the issue lists.
fn odd_lab() -> (TestLab, String) {
    let lab = TestLab::two_hosts().unwrap();
    let ns = lab.host("brooklyn").netns.clone();
    let ip = |args: &str| ip_in(&ns, args);
    ip("link add va type veth peer name vb");
    ip("link add br0 type bridge");
    ip("link set vb master br0");
    ip("link add mv0 link va type macvlan mode bridge");
    ip("link add vx0 type vxlan id 42 dstport 4789 local 10.9.9.1 dev va");
    ip("link add ifb0 type ifb");
    ip("link set va mtu 9000");
    ip("link property add dev va altname lab-uplink");
    for dev in ["va", "vb", "br0", "mv0", "ifb0"] {
        ip(&format!("link set {dev} up"));
    }
    ip("address add 10.9.9.1/24 brd + dev va");
    ip("address add 10.9.9.2/24 dev va label va:sec");
    ip("address add 10.8.0.1 peer 10.8.0.2/32 dev mv0");
    ip("-6 address add fd00:99::1/64 dev va valid_lft 3600 preferred_lft 1800");
    (lab, ns)
}

/// Finite lifetimes count down between the two reads; compare them as "finite".
fn settle_lifetimes(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key.ends_with("_life_time") && v.as_u64() != Some(u64::from(u32::MAX)) {
                    *v = Value::String("finite".into());
                } else {
                    settle_lifetimes(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(settle_lifetimes),
        _ => {}
    }
}

fn mask_lifetimes(text: &str) -> String {
    text.split_inclusive(' ')
        .map(|word| {
            let digits = word
                .trim_end()
                .strip_suffix("sec")
                .is_some_and(|n| n.parse::<u32>().is_ok());
            if digits {
                "Nsec "
            } else {
                word
            }
        })
        .collect()
}

/// The link state of new interfaces settles a moment after they come up (link watch,
/// IPv6 link-local setup): compare until both agree, a bounded number of times, and
/// show the last difference if they never do.
fn eventually_equal<T: PartialEq + std::fmt::Debug>(
    what: &str,
    mut read_both: impl FnMut() -> (T, T),
) {
    let mut last = read_both();
    for _ in 0..20 {
        if last.0 == last.1 {
            return;
        }
        std::thread::sleep(Duration::from_millis(250));
        last = read_both();
    }
    assert_eq!(
        last.0, last.1,
        "{what}: ip (left) and nic-show (right) differ"
    );
}

#[test]
fn brief_equals_ip_br_text_and_json() {
    require!(root, "ip");
    let (_lab, ns) = odd_lab();
    for option in ["", "-4", "-6"] {
        for json in [false, true] {
            eventually_equal(&format!("ip -br {option} json={json}"), || {
                let mut ip_args = vec!["-n", ns.as_str(), "-br"];
                let mut ours = vec!["--netns", ns.as_str(), "-br"];
                if json {
                    ip_args.push("-j");
                    ours.push("--json");
                }
                if !option.is_empty() {
                    ip_args.push(option);
                    ours.push(option);
                }
                ip_args.extend(["address", "show"]);
                (run("ip", &ip_args), run(NIC_SHOW, &ours))
            });
        }
    }
    let text = run(NIC_SHOW, &["--netns", &ns, "-br"]);
    assert!(text.lines().any(|l| l.starts_with("mv0@va ")), "{text}");
    assert!(text.contains(" peer 10.8.0.2/"), "point-to-point: {text}");
}

#[test]
fn json_equals_ip_on_every_field() {
    require!(root, "ip");
    let (_lab, ns) = odd_lab();
    for option in ["", "-4", "-6"] {
        eventually_equal(&format!("ip -j {option}"), || {
            let mut ip_args = vec!["-n", ns.as_str(), "-j"];
            let mut ours = vec!["--netns", ns.as_str(), "--json"];
            if !option.is_empty() {
                ip_args.push(option);
                ours.push(option);
            }
            ip_args.extend(["address", "show"]);
            let mut theirs: Value = serde_json::from_str(&run("ip", &ip_args)).unwrap();
            let mut mine: Value = serde_json::from_str(&run(NIC_SHOW, &ours)).unwrap();
            settle_lifetimes(&mut theirs);
            settle_lifetimes(&mut mine);
            (theirs, mine)
        });
    }
    // Spot checks that the odd interfaces are really there.
    let all: Value = serde_json::from_str(&run(NIC_SHOW, &["--netns", &ns, "--json"])).unwrap();
    let find = |name: &str| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|n| n["ifname"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("va")["mtu"], 9000);
    assert_eq!(find("va")["altnames"][0], "lab-uplink");
    assert_eq!(find("vb")["master"], "br0");
    assert_eq!(find("vx0")["operstate"], "DOWN");
    assert_eq!(find("mv0")["addr_info"][0]["address"], "10.8.0.2");
    let secondary = &find("va")["addr_info"][1];
    assert_eq!(
        (secondary["secondary"].clone(), secondary["label"].clone()),
        (Value::Bool(true), "va:sec".into())
    );
}

#[test]
fn counters_match_ip_s() {
    require!(root, "ip");
    let (lab, ns) = odd_lab();
    let ping = lab
        .command("brooklyn", "ping")
        .args(["-c2", "-i0.2", "-W2", "midwood"])
        .output()
        .unwrap();
    assert!(ping.status.success());
    // ip first, then nic-show: nic-show's counters can only have grown.
    let theirs: Value = serde_json::from_str(&run(
        "ip",
        &["-n", &ns, "-j", "-s", "address", "show", "eth0"],
    ))
    .unwrap();
    let mine: Value =
        serde_json::from_str(&run(NIC_SHOW, &["--netns", &ns, "--json", "-s", "eth0"])).unwrap();
    for direction in ["rx", "tx"] {
        let (t, m) = (
            &theirs[0]["stats64"][direction],
            &mine[0]["stats64"][direction],
        );
        let keys: Vec<&String> = t.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            m.as_object().unwrap().keys().collect::<Vec<_>>(),
            "{direction} fields"
        );
        for key in keys {
            let (a, b) = (t[key].as_u64().unwrap(), m[key].as_u64().unwrap());
            assert!(
                b >= a && b - a <= 4 * 200,
                "{direction}.{key}: ip {a}, nic-show {b}"
            );
        }
        assert!(
            m["packets"].as_u64().unwrap() >= 2,
            "the pings were counted: {m}"
        );
    }
}

#[test]
fn text_equals_ip_address_show_line_for_line() {
    require!(root, "ip");
    let (_lab, ns) = odd_lab();
    for option in ["", "-4", "-6", "-s"] {
        eventually_equal(&format!("ip {option} address show"), || {
            let mut ip_args = vec!["-n", ns.as_str()];
            let mut ours = vec!["--netns", ns.as_str()];
            if !option.is_empty() {
                ip_args.push(option);
                ours.push(option);
            }
            ip_args.extend(["address", "show"]);
            (
                mask_lifetimes(&run("ip", &ip_args)),
                mask_lifetimes(&run(NIC_SHOW, &ours)),
            )
        });
    }
    eventually_equal("ip address show up / dev va", || {
        let theirs = run("ip", &["-n", &ns, "address", "show", "up"])
            + &run("ip", &["-n", &ns, "address", "show", "dev", "va"]);
        let mine =
            run(NIC_SHOW, &["--netns", &ns, "--up"]) + &run(NIC_SHOW, &["--netns", &ns, "va"]);
        (mask_lifetimes(&theirs), mask_lifetimes(&mine))
    });
}

#[test]
fn lab_hosts_show_their_veth_with_lab_addresses() {
    require!(root, "ip");
    let lab = TestLab::two_hosts().unwrap();
    let midwood = lab.host("midwood");
    let text = run(NIC_SHOW, &["--netns", &midwood.netns, "eth0"]);
    let brooklyn_ns = &lab.host("brooklyn").netns;
    assert!(
        text.starts_with("2: eth0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 "),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "link/ether {} brd ff:ff:ff:ff:ff:ff link-netns {brooklyn_ns}\n",
            midwood.mac
        )),
        "{text}"
    );
    assert!(
        text.contains("    inet 192.168.56.102/24 brd 192.168.56.255 scope global eth0\n"),
        "{text}"
    );
    assert!(
        text.contains("    inet6 fd00:56::102/64 scope global \n"),
        "{text}"
    );
}

#[test]
fn layers_place_each_address_in_the_model() {
    require!(root, "ip");
    let lab = TestLab::two_hosts().unwrap();
    let text = run(
        NIC_SHOW,
        &["--netns", &lab.host("brooklyn").netns, "--layers"],
    );
    let lines: Vec<&str> = text.lines().collect();
    let after = |prefix: &str| {
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with(prefix))
            .unwrap_or_else(|| panic!("{prefix}: {text}"));
        lines[at + 1..]
            .iter()
            .find(|l| l.trim_start().starts_with("layer:"))
            .unwrap()
            .to_string()
    };
    assert!(after("link/loopback")
        .contains("server bound to 127.0.0.1 cannot be reached from another host"));
    assert!(after("link/ether").contains("layer: link (Ethernet MAC address)"));
    assert!(
        after("inet 192.168.56.101/24").contains("layer: internet (IPv4 address). global scope")
    );
    assert!(after("inet6 fe80::").contains("link scope"));
}

#[test]
fn this_hosts_loopback_matches_ip_without_privileges() {
    require!("ip");
    eventually_equal("lo", || {
        (
            run("ip", &["address", "show", "lo"]),
            run(NIC_SHOW, &["lo"]),
        )
    });
}

#[test]
fn an_unknown_interface_lists_the_ones_that_exist() {
    let out = Command::new(NIC_SHOW).arg("no-such-nic0").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("nic-show: error: no interface named \"no-such-nic0\"\n"),
        "{err}"
    );
    assert!(err.contains("hint: the interfaces here: lo"), "{err}");
}

/// brooklyn with every kind of route and neighbour state above.
fn routed_lab() -> TestLab {
    let lab = TestLab::two_hosts().unwrap();
    let ns = lab.host("brooklyn").netns.clone();
    let ip = |args: &str| ip_in(&ns, args);
    ip("route add default via 192.168.56.102");
    ip("route add 10.9.0.0/16 via 192.168.56.102 metric 50 proto static");
    ip("route add blackhole 10.66.0.0/16");
    ip("route add unreachable 10.67.0.1");
    // Up, but its peer is down: no carrier, so its route is `linkdown`.
    ip("link add d0 type veth peer name d1");
    ip("address add 10.70.0.1/24 dev d0");
    ip("link set d0 up");
    ip("-6 route add default via fd00:56::102 dev eth0 metric 1024 pref high");
    ip("-6 route add fd00:99::/64 via fd00:56::102 dev eth0 proto static");
    ip("neigh add 192.168.56.7 lladdr 02:00:00:00:00:07 dev eth0 nud permanent");
    ip("neigh add fd00:56::7 lladdr 02:00:00:00:00:07 dev eth0 nud stale router");
    // A reachable neighbour (midwood, answering), a failed one and one being asked.
    lab.run("brooklyn", "ping", &["-c1", "-W2", "192.168.56.102"]);
    let _ = Command::new("ip")
        .args(["netns", "exec", &ns, "ping", "-c1", "-W1", "192.168.56.9"])
        .output();
    ip("neigh replace 192.168.56.8 dev eth0 nud failed");
    lab
}

#[test]
fn routes_and_neighbours_are_ip_s_text_and_json() {
    require!(root, "ip", "ping");
    let lab = routed_lab();
    let ns = lab.host("brooklyn").netns.clone();
    for (ours, theirs) in [
        (vec!["--routes"], vec!["route", "show"]),
        (vec!["--routes", "-4"], vec!["-4", "route", "show"]),
        (vec!["--routes", "-6"], vec!["-6", "route", "show"]),
        (vec!["--routes", "--json"], vec!["-j", "route", "show"]),
        (
            vec!["--routes", "-6", "--json"],
            vec!["-6", "-j", "route", "show"],
        ),
        (vec!["--neigh"], vec!["neigh", "show"]),
        (vec!["--neigh", "-4"], vec!["-4", "neigh", "show"]),
        (vec!["--neigh", "-6"], vec!["-6", "neigh", "show"]),
        (vec!["--neigh", "--json"], vec!["-j", "neigh", "show"]),
    ] {
        let mut ip_args = vec!["-n", ns.as_str()];
        ip_args.extend(&theirs);
        let expected = run("ip", &ip_args);
        let mut our_args = vec!["--netns", ns.as_str()];
        our_args.extend(&ours);
        // The neighbour cache moves on its own (REACHABLE turns STALE): ask again
        // when the two reads straddle a change.
        let mut got = run(NIC_SHOW, &our_args);
        for _ in 0..3 {
            if got == expected {
                break;
            }
            let expected_now = run("ip", &ip_args);
            got = run(NIC_SHOW, &our_args);
            if got == expected_now {
                break;
            }
        }
        assert_eq!(got, run("ip", &ip_args), "{ours:?}");
    }
    let routes = run(NIC_SHOW, &["--netns", &ns, "--routes"]);
    for wanted in [
        "default via",
        "metric 50",
        "blackhole",
        "unreachable",
        "linkdown",
        "proto kernel scope link src",
    ] {
        assert!(routes.contains(wanted), "{wanted}: {routes}");
    }
    let neighbours = run(NIC_SHOW, &["--netns", &ns, "--neigh"]);
    for wanted in ["PERMANENT", "FAILED", "router", "lladdr 08:00:27:a8:38:66"] {
        assert!(neighbours.contains(wanted), "{wanted}: {neighbours}");
    }
}

#[test]
fn layers_say_where_a_packet_goes_and_which_mac_an_address_is_at() {
    require!(root, "ip", "ping");
    let lab = routed_lab();
    let ns = lab.host("brooklyn").netns.clone();
    let routes = run(NIC_SHOW, &["--netns", &ns, "--routes", "--layers"]);
    assert!(
        routes.contains("a packet to any address no other route matches leaves through eth0 to the router 192.168.56.102"),
        "{routes}"
    );
    assert!(
        routes.contains(
            "a packet to 192.168.56.0/24 leaves through eth0 straight to its destination"
        ),
        "{routes}"
    );
    let neighbours = run(NIC_SHOW, &["--netns", &ns, "--neigh", "--layers"]);
    assert!(
        neighbours.contains("192.168.56.8 has no known MAC: ARP got no answer (FAILED)"),
        "{neighbours}"
    );
    assert!(
        neighbours.contains("192.168.56.102 is at 08:00:27:a8:38:66"),
        "{neighbours}"
    );
}
