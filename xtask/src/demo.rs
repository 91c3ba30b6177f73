//! `cargo xtask demo`: the whole handout, end to end, in a fresh two-host lab, with
//! labnet's tools and their real output under a heading per step. The lab (named
//! `demo`, hosts brooklyn and midwood) is removed at the end, also after a failure or
//! Ctrl-C; every process the demo starts is stopped by its PID.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{bail, Context, Result};

const LAB: &str = "demo";

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// The demo's lab: brought up by `up`, removed when dropped.
struct Lab {
    bin: PathBuf,
}

impl Drop for Lab {
    fn drop(&mut self) {
        heading("Tear down: sudo lab-hosts down");
        let _ = Command::new(self.bin.join("lab-hosts"))
            .args(["down", "--lab", LAB])
            .status();
    }
}

/// A tool started in the background on a lab host; stopped by PID when dropped.
struct Background {
    child: Child,
    name: String,
}

impl Background {
    /// SIGINT (as Ctrl-C would), then everything it printed.
    fn stop(self) -> Result<String> {
        super::signal(&self.child, libc::SIGINT);
        self.output()
    }

    /// Waits for it to end by itself; everything it printed.
    fn output(mut self) -> Result<String> {
        let mut output = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            out.read_to_string(&mut output)?;
        }
        if let Some(mut err) = self.child.stderr.take() {
            err.read_to_string(&mut output)?;
        }
        let _ = self.child.wait();
        Ok(output)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn heading(title: &str) {
    println!("\n=== {title}\n");
    let _ = std::io::stdout().flush();
}

struct Demo {
    bin: PathBuf,
    dir: PathBuf,
}

impl Demo {
    fn interrupted(&self) -> Result<()> {
        if INTERRUPTED.load(Ordering::SeqCst) {
            bail!("interrupted");
        }
        Ok(())
    }

    fn command(&self, host: &str, tool: &str, args: &[&str]) -> Command {
        let program = if tool.contains('/') || !self.bin.join(tool).exists() {
            PathBuf::from(tool)
        } else {
            self.bin.join(tool)
        };
        let mut command = Command::new(self.bin.join("lab-hosts"));
        command
            .args(["exec", "--lab", LAB, host, "--"])
            .arg(program)
            .args(args)
            .current_dir(&self.dir);
        command
    }

    /// Runs a tool on a host and shows the command line and all it printed.
    fn show(&self, host: &str, tool: &str, args: &[&str]) -> Result<bool> {
        self.interrupted()?;
        println!("{host}$ {tool} {}", args.join(" "));
        let out = self.command(host, tool, args).output()?;
        print!("{}", String::from_utf8_lossy(&out.stdout));
        print!("{}", String::from_utf8_lossy(&out.stderr));
        if !out.status.success() {
            println!("(exit status {})", out.status.code().unwrap_or(-1));
        }
        println!();
        Ok(out.status.success())
    }

    /// Starts a tool on a host without waiting for it.
    fn spawn(&self, host: &str, tool: &str, args: &[&str]) -> Result<Background> {
        self.interrupted()?;
        println!("{host}$ {tool} {} &", args.join(" "));
        let child = self
            .command(host, tool, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        Ok(Background {
            child,
            name: tool.to_string(),
        })
    }

    /// Starts a tool on a host and waits for the line saying it is ready.
    fn start(&self, host: &str, tool: &str, args: &[&str], ready: &str) -> Result<Background> {
        self.interrupted()?;
        println!("{host}$ {tool} {} &", args.join(" "));
        let mut child = self
            .command(host, tool, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stderr = BufReader::new(child.stderr.take().context("piped stderr")?);
        let mut line = String::new();
        loop {
            line.clear();
            if stderr.read_line(&mut line)? == 0 {
                bail!("{tool} on {host} ended before it was ready");
            }
            print!("{line}");
            if line.contains(ready) {
                break;
            }
        }
        child.stderr = Some(stderr.into_inner());
        Ok(Background {
            child,
            name: tool.to_string(),
        })
    }
}

pub fn run(bin: &Path) -> Result<()> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        bail!("the demo builds a lab of network namespaces, which needs root: run `sudo -E cargo xtask demo`");
    }
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_interrupt as *const () as libc::sighandler_t,
        )
    };
    let dir = std::env::temp_dir().join(format!("labnet-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let demo = Demo {
        bin: bin.to_path_buf(),
        dir: dir.clone(),
    };
    let outcome = walk(&demo);
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

fn walk(demo: &Demo) -> Result<()> {
    heading("Experiment 1: two hosts, brooklyn and midwood (sudo lab-hosts up)");
    let status = Command::new(demo.bin.join("lab-hosts"))
        .args(["up", "--lab", LAB])
        .status()?;
    let _lab = Lab {
        bin: demo.bin.clone(),
    };
    if !status.success() {
        bail!("lab-hosts up failed (a lab already using brooklyn and midwood? `sudo lab-hosts down` removes it)");
    }
    println!();
    demo.show("brooklyn", "nic-show", &["--layers"])?;
    demo.show("midwood", "nic-show", &["--layers"])?;

    heading(
        "Experiment 2: hello-server with Flask's defaults on brooklyn, hello-client on midwood",
    );
    let server = demo.start("brooklyn", "hello-server", &[], "Running on")?;
    demo.show("midwood", "hello-client", &[])?;
    demo.show("midwood", "hello-client", &["brooklyn"])?;
    println!("Why: the server listens on 127.0.0.1 only, which other hosts cannot reach:\n");
    demo.show("brooklyn", "sock-list", &["-lnpt"])?;
    drop(server);

    heading("The fix: hello-server --host 0.0.0.0");
    let server = demo.start(
        "brooklyn",
        "hello-server",
        &["--host", "0.0.0.0"],
        "Running on",
    )?;
    demo.show("midwood", "hello-client", &["brooklyn"])?;

    heading(
        "Exercise 2.4: both ends of one connection (hello-client --hold, sock-list on both hosts)",
    );
    let held = demo.spawn("midwood", "hello-client", &["brooklyn", "--hold", "3"])?;
    std::thread::sleep(Duration::from_millis(700));
    demo.show("brooklyn", "sock-list", &["-anpt"])?;
    demo.show("midwood", "sock-list", &["-anpt"])?;
    print!("{}", held.output()?);

    heading("Experiment 3: sniff(prn=summary, filter='tcp port 5000') on both hosts");
    let on_brooklyn = demo.start(
        "brooklyn",
        "webcapture",
        &["-c", "0", "--print", "-w", "brooklyn.pcap", "tcp port 5000"],
        "listening on",
    )?;
    let on_midwood = demo.start(
        "midwood",
        "webcapture",
        &["-c", "0", "--print", "-w", "midwood.pcap", "tcp port 5000"],
        "listening on",
    )?;
    demo.show("midwood", "hello-client", &["brooklyn"])?;
    std::thread::sleep(Duration::from_millis(300));
    for (host, capture) in [("brooklyn", on_brooklyn), ("midwood", on_midwood)] {
        let name = capture.name.clone();
        println!("-- {name} on {host}, stopped with Ctrl-C:");
        print!("{}", capture.stop()?);
        println!();
    }

    heading("hexdump(packets[3])");
    demo.show(
        "brooklyn",
        "webcapture",
        &["-r", "brooklyn.pcap", "--packet", "3", "--hexdump"],
    )?;

    heading("packets[3].show()");
    demo.show(
        "brooklyn",
        "webcapture",
        &["-r", "brooklyn.pcap", "--packet", "3", "--show"],
    )?;

    heading("packets[0].pdfdump(layer_shift=1): no TeX, no X server");
    // Kept beside the tools (target/demo/), where the student can open them.
    let pictures = demo.bin.parent().unwrap_or(&demo.bin).join("demo");
    std::fs::create_dir_all(&pictures)?;
    for picture in ["packet0.svg", "packet0.pdf"] {
        let path = pictures.join(picture);
        demo.show(
            "brooklyn",
            "webcapture",
            &[
                "-r",
                "brooklyn.pcap",
                "--packet",
                "0",
                "--diagram",
                &path.to_string_lossy(),
            ],
        )?;
    }
    println!(
        "open them in a browser or PDF viewer: {}\n",
        pictures.display()
    );

    heading("TCP in operation: the exchange as a ladder (webcapture --flow 0)");
    demo.show(
        "brooklyn",
        "webcapture",
        &["-r", "brooklyn.pcap", "--flow", "0"],
    )?;

    heading("... and as Wireshark analyses it, with the RTT estimate (--analyze --explain)");
    demo.show(
        "brooklyn",
        "webcapture",
        &["-r", "brooklyn.pcap", "--analyze", "--explain"],
    )?;

    heading("Several servers on one host: a second hello-server on port 5001");
    let second = demo.start(
        "brooklyn",
        "hello-server",
        &[
            "--host",
            "0.0.0.0",
            "--port",
            "5001",
            "--message",
            "Hello from port 5001!",
        ],
        "Running on",
    )?;
    demo.show("midwood", "hello-client", &["brooklyn:5000"])?;
    demo.show("midwood", "hello-client", &["brooklyn:5001"])?;
    demo.show("brooklyn", "sock-list", &["-lnpt"])?;
    drop(second);

    heading("Experiment 4: webcapture.py (filter 'tcp port 80', 12 packets, hello.pcap) catches nothing");
    let default_run = demo.start(
        "brooklyn",
        "webcapture",
        &["--timeout", "4", "--hint-after", "2"],
        "listening on",
    )?;
    demo.show("midwood", "hello-client", &["brooklyn", "--count", "3"])?;
    std::thread::sleep(Duration::from_millis(4500));
    print!("{}", default_run.stop()?);
    drop(server);
    println!("\nThe server listens on port 5000; capture that port: webcapture tcp port 5000");
    Ok(())
}
