//! Test support, kept out of the library (as rust-analyzer's test-utils): a lab of its own
//! for every test that crosses a network, the oracles tests drive in it (tcpdump, ping,
//! hello-server), and the rules for tests that need root or a peer tool ([`require!`]).
//!
//! Each [`TestLab`] gets unique namespace names (`lt<pid>x<n>-brooklyn`), so tests run in
//! parallel without clashing, while inside the lab the hosts keep their handout names
//! (`ping midwood` works). The lab is removed when the `TestLab` is dropped, also when
//! the test panics; labs left by a test process that was killed are removed by the
//! next `TestLab::new`.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

pub mod cli_lab;
pub mod wire;

use labnet::error::Result;
use labnet::lab::{self, HostSpec, LabSpec, DEFAULT_SUBNET4, DEFAULT_SUBNET6};
use labnet::netns::HostEnv;
use labnet::privileges::{self, Capability};

/// Lab names of test labs start with this; nothing else may use it.
const TEST_LAB_PREFIX: &str = "lt";

static NEXT_LAB: AtomicU32 = AtomicU32::new(0);

/// Whether tests run in CI, where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Returns true when the test can go on; otherwise prints why it skips. In CI a
/// missing requirement fails the test instead of skipping it.
fn requirement(met: bool, test: &str, why: &str) -> bool {
    if met {
        return true;
    }
    assert!(!in_ci(), "{test}: {why}; CI must run every test");
    eprintln!("SKIPPED {test}: {why}");
    false
}

/// What a test needs of the machine, for [`require!`].
#[derive(Debug, Clone, Copy)]
pub enum Need {
    /// Root: network namespaces, packet sockets.
    Root,
    /// A program on PATH (an oracle such as tcpdump).
    Tool(&'static str),
}

/// Whether every need of `test` is met; prints the first that is not (and fails in
/// CI). The body of [`require!`].
pub fn meets(test: &str, needs: &[Need]) -> bool {
    needs.iter().all(|need| match need {
        Need::Root => require_root(test),
        Need::Tool(program) => require_tool(test, program),
    })
}

/// The name of the enclosing function (the test), for skip messages.
#[macro_export]
macro_rules! test_name {
    () => {{
        fn here() {}
        let path = ::std::any::type_name_of_val(&here);
        let path = path.strip_suffix("::here").unwrap_or(path);
        path.rsplit("::").next().unwrap_or(path)
    }};
}

/// Returns from the test, saying why, unless the machine has what it needs:
/// `require!(root)`, `require!(root, "tcpdump", "python3")`, `require!("tcpdump")`.
/// In CI (`CI=true`) a missing need fails the test instead.
#[macro_export]
macro_rules! require {
    (root $(, $tool:literal)* $(,)?) => {
        if !$crate::meets(
            $crate::test_name!(),
            &[$crate::Need::Root $(, $crate::Need::Tool($tool))*],
        ) {
            return;
        }
    };
    ($($tool:literal),+ $(,)?) => {
        if !$crate::meets($crate::test_name!(), &[$($crate::Need::Tool($tool)),+]) {
            return;
        }
    };
}

/// Whether the test may run as it needs root (network namespaces); prints why not.
pub fn require_root(test: &str) -> bool {
    let root = privileges::has(Capability::NetAdmin) && privileges::has(Capability::SysAdmin);
    requirement(
        root,
        test,
        "needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN); run `sudo cargo xtask test`",
    )
}

/// Whether `program` is on PATH (an oracle tool such as tcpdump); prints why not.
pub fn require_tool(test: &str, program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    requirement(
        found,
        test,
        &format!("needs `{program}`; `cargo xtask test` installs it"),
    )
}

/// A command that runs `program` without privileges: as nobody through setpriv when
/// the tests run as root, directly otherwise. `None` (saying why) when setpriv is
/// needed and missing.
pub fn unprivileged(test: &str, program: impl AsRef<std::ffi::OsStr>) -> Option<Command> {
    if !privileges::has(Capability::SysAdmin) {
        return Some(Command::new(program));
    }
    if !require_tool(test, "setpriv") {
        return None;
    }
    let mut command = Command::new("setpriv");
    command
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(program);
    Some(command)
}

/// A lab that exists for one test and is removed when dropped.
pub struct TestLab {
    spec: LabSpec,
}

impl TestLab {
    /// The handout's two hosts, brooklyn and midwood.
    pub fn two_hosts() -> Result<Self> {
        Self::new(&lab::DEFAULT_HOSTS)
    }

    /// A lab with the given host names (two: a veth pair; more: a bridge).
    pub fn new(hostnames: &[&str]) -> Result<Self> {
        remove_orphaned_labs();
        let name = format!(
            "{TEST_LAB_PREFIX}{}x{}",
            std::process::id(),
            NEXT_LAB.fetch_add(1, Ordering::Relaxed)
        );
        let hosts: Vec<(String, String)> = hostnames
            .iter()
            .map(|h| (format!("{name}-{h}"), h.to_string()))
            .collect();
        let spec = LabSpec::plan(&name, &hosts, DEFAULT_SUBNET4, DEFAULT_SUBNET6)?;
        let lab = TestLab { spec };
        // Dropped (and so cleaned up) if `up` fails half-way.
        lab::up(&lab.spec)?;
        Ok(lab)
    }

    /// The lab's plan: names, addresses and MACs.
    pub fn spec(&self) -> &LabSpec {
        &self.spec
    }

    /// A host by its lab host name; panics on a name the test did not ask for.
    pub fn host(&self, hostname: &str) -> &HostSpec {
        self.spec
            .host(hostname)
            .unwrap_or_else(|| panic!("no host {hostname} in this lab"))
    }

    /// A command that runs `program` on a lab host, as `lab-hosts exec` would.
    pub fn command(&self, hostname: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let host = self.host(hostname);
        let env = HostEnv::prepare(&host.netns, &host.hostname)
            .unwrap_or_else(|e| panic!("cannot prepare to enter {hostname}: {e}"));
        let mut command = Command::new(program);
        env.enter_when_run(&mut command);
        command
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        if let Err(e) = lab::down(&self.spec.lab) {
            eprintln!("warning: could not remove test lab {}: {e}", self.spec.lab);
        }
    }
}

/// Removes test labs whose test process is gone (killed before its drops ran).
fn remove_orphaned_labs() {
    for record in lab::recorded_labs() {
        let orphan = record.spec.lab.starts_with(TEST_LAB_PREFIX)
            && !std::path::Path::new(&format!("/proc/{}", record.made_by_pid)).exists();
        if orphan {
            let _ = lab::down(&record.spec.lab);
        }
    }
}

/// The path of a workspace binary built next to the running test
/// (`target/debug/NAME`); end-to-end tests run the real tools.
pub fn tool_path(name: &str) -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own path");
    // target/debug/deps/TEST-HASH -> target/debug
    let dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .expect("tests run from target/*/deps");
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is not built: run `cargo build --workspace --bins` first (`cargo xtask test` does)",
        path.display()
    );
    path
}

/// tcpdump writing a capture on a lab host, started by a test and stopped by its PID
/// when dropped (also when the test fails), so no capture outlives its test.
pub struct Tcpdump {
    child: std::process::Child,
    stderr: std::io::BufReader<std::process::ChildStderr>,
}

impl Tcpdump {
    /// Starts `tcpdump -i INTERFACE -w FILE` on `host` and returns once it listens.
    pub fn start(lab: &TestLab, host: &str, interface: &str, file: &std::path::Path) -> Tcpdump {
        Tcpdump::start_as(lab.command(host, "tcpdump"), interface, file)
    }

    /// Starts `tcpdump -i INTERFACE -w FILE FILTER` on `host` (glibc's getopt takes the
    /// options after the expression).
    pub fn start_filtered(
        lab: &TestLab,
        host: &str,
        interface: &str,
        file: &std::path::Path,
        filter: &str,
    ) -> Tcpdump {
        let mut command = lab.command(host, "tcpdump");
        command.arg(filter);
        Tcpdump::start_as(command, interface, file)
    }

    /// Starts `tcpdump -i INTERFACE -w FILE` in namespace `netns` (`ip netns exec`).
    pub fn start_in(netns: &str, interface: &str, file: &std::path::Path) -> Tcpdump {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", netns, "tcpdump"]);
        Tcpdump::start_as(command, interface, file)
    }

    /// Starts `command` (tcpdump, wherever it runs) with `-i INTERFACE -w FILE`.
    fn start_as(mut command: Command, interface: &str, file: &std::path::Path) -> Tcpdump {
        use std::io::BufRead;
        let mut child = command
            .args(["-i", interface, "-U", "--immediate-mode", "-w"])
            .arg(file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("tcpdump starts");
        let stderr = std::io::BufReader::new(child.stderr.take().expect("piped"));
        let mut tcpdump = Tcpdump { child, stderr };
        // tcpdump may first say which link type it uses (`-i any`: LINUX_SLL2).
        let mut line = String::new();
        while !line.contains("listening on") {
            line.clear();
            let read = tcpdump.stderr.read_line(&mut line).unwrap_or(0);
            assert!(read > 0, "tcpdump -i {interface} ended before capturing");
        }
        assert!(
            line.contains(&format!("listening on {interface}")),
            "tcpdump: {line}"
        );
        tcpdump
    }

    fn interrupt(&self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGINT,
        );
    }

    /// SIGINT: tcpdump writes out what it has and exits; returns its closing report.
    pub fn finish(mut self) -> String {
        self.interrupt();
        let mut report = String::new();
        let _ = std::io::Read::read_to_string(&mut self.stderr, &mut report);
        let _ = self.child.wait();
        assert!(report.contains(" captured"), "tcpdump: {report}");
        report
    }
}

impl Drop for Tcpdump {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            self.interrupt();
            std::thread::sleep(std::time::Duration::from_millis(200));
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

impl TestLab {
    /// Runs a program on a lab host to completion, output discarded; panics on failure.
    pub fn run(&self, host: &str, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) {
        let program = program.as_ref();
        let status = self
            .command(host, program)
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .expect("the program starts");
        assert!(status.success(), "{program:?} {args:?} on {host}: {status}");
    }

    /// Pings brooklyn from midwood over IPv4 and IPv6, once at the usual size and once
    /// larger than the MTU (IPv4 fragments, IPv6 fragment headers), each waiting for its
    /// reply: the ICMP, ARP and neighbour-discovery part of a lab capture.
    pub fn ping_brooklyn(&self) {
        for size in ["56", "3000"] {
            self.run(
                "midwood",
                "ping",
                &["-c1", "-W2", "-s", size, "192.168.56.101"],
            );
            self.run(
                "midwood",
                "ping",
                &["-6", "-c1", "-W2", "-s", size, "fd00:56::101"],
            );
        }
    }

    /// Sends `count` 802.1Q-tagged ICMP echo requests in VLAN `vlan` from `from` to
    /// `to_mac` over the lab wire (crafted with scapy: this kernel may have no 8021q
    /// module for VLAN interfaces), so captures see tagged frames.
    pub fn send_tagged_pings(&self, from: &str, to_mac: &str, vlan: u16, count: u32) {
        let script = format!(
            "from scapy.all import Ether, Dot1Q, IP, ICMP, sendp\n\
             sendp(Ether(dst='{to_mac}')/Dot1Q(vlan={vlan})/IP(src='10.{vlan}.0.2', dst='10.{vlan}.0.1')/ICMP(seq=1), iface='eth0', count={count}, verbose=False)"
        );
        self.run(from, "python3", &["-c", &script]);
    }

    /// Starts `hello-server` on `host` with `args` and returns once it listens; the
    /// guard kills it by PID.
    pub fn hello_server(&self, host: &str, args: &[&str]) -> ChildGuard {
        use std::io::BufRead;
        let mut child = self
            .command(host, tool_path("hello-server"))
            .args(args)
            .arg("--quiet")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("hello-server starts");
        let mut banner = String::new();
        std::io::BufReader::new(child.stderr.as_mut().expect("piped"))
            .read_line(&mut banner)
            .expect("hello-server prints its banner");
        ChildGuard(child)
    }
}

/// Starts a capture tool (webcapture, `lab-hosts capture`) with its stdout and stderr
/// piped, and returns once its first line on stderr says it listens; the rest of
/// stderr is left to read.
pub fn spawn_listening(command: &mut Command) -> (Child, BufReader<std::process::ChildStderr>) {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening on"), "{command:?}: {line}");
    (child, stderr)
}

/// webcapture started by a test: interrupted, then killed by PID when dropped.
pub struct Webcapture {
    pub child: Child,
    pub stderr: BufReader<std::process::ChildStderr>,
}

impl Webcapture {
    /// Starts webcapture on `host` with `args` in `dir`; returns once it listens.
    pub fn start(lab: &TestLab, host: &str, dir: &Path, args: &[&str]) -> Webcapture {
        let mut command = lab.command(host, tool_path("webcapture"));
        command.args(args).current_dir(dir);
        let (child, stderr) = spawn_listening(&mut command);
        Webcapture { child, stderr }
    }

    pub fn interrupt(&self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.child.id() as i32),
            nix::sys::signal::Signal::SIGINT,
        );
    }

    /// Interrupts (unless it ended by itself) and returns (stdout, stderr).
    pub fn finish(mut self, interrupt: bool) -> (String, String) {
        if interrupt {
            self.interrupt();
        }
        let mut stdout = String::new();
        self.child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let mut stderr = String::new();
        self.stderr.read_to_string(&mut stderr).unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "webcapture: {status}\n{stderr}");
        (stdout, stderr)
    }
}

impl Drop for Webcapture {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A child process a test started: killed by its PID when dropped.
pub struct ChildGuard(pub std::process::Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn test_name_is_the_enclosing_function() {
        assert_eq!(test_name!(), "test_name_is_the_enclosing_function");
    }

    #[test]
    fn a_met_need_goes_on_and_a_missing_tool_returns() {
        fn needs(ran: &mut bool, missing: bool) {
            if missing {
                require!("labnet-no-such-program-on-path");
            } else {
                require!("sh");
            }
            *ran = true;
        }
        let mut ran = false;
        needs(&mut ran, false);
        assert!(ran, "sh is on PATH: the test goes on");
        let mut ran = false;
        let outcome = std::panic::catch_unwind(move || {
            needs(&mut ran, true);
            ran
        });
        // In CI a missing need fails the test instead of returning: the rule itself.
        match outcome {
            Ok(ran) => assert!(!ran && !super::in_ci(), "returned early outside CI"),
            Err(_) => assert!(super::in_ci(), "only CI turns a skip into a failure"),
        }
    }
}
