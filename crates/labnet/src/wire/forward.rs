//! The wire process's loop: frames read in batches from each port, each given its
//! fate by its direction's [`Model`], sent on at once or after their time from a timer
//! queue (a heap by due time, FIFO among equals), the counters kept as a capture on
//! the far side would count.
//!
//! Waking a sleeping process costs tens of microseconds on a VM (this one: about 40
//! per wake-up, `cargo xtask bench lab`), which would double a veth's round trip.
//! So after frames the loop keeps looking for more before it sleeps: [`SPIN`] after a
//! lone frame (its reply crosses without a wake-up), [`BUSY_SPIN`] while frames come
//! closer together than that (a ping flood, a transfer): the wire then polls like a
//! DPDK forwarder, up to one core, and never while the link is quiet. The timer slack
//! is 1 µs, so a delay is kept to the microsecond, not to the default 50.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use super::model::{self, Fate, Model};
use super::port::{self, Inbox, Outbox, VNET_HEADER};
use super::{load, stats_path, write_replacing, Counters, Stats};
use crate::error::{Error, Result};
use crate::netns;

/// How often the counters file is brought up to date (when they changed), in ns.
const STATS_EVERY: i64 = 100_000_000;
/// How long the loop looks for more frames after a lone frame before it sleeps, ns.
const SPIN: i64 = 100_000;
/// ... and after frames that came within this long of the ones before, ns.
const BUSY_SPIN: i64 = 2_000_000;

/// A frame waiting for its time.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Pending {
    at: i64,
    order: u64,
    port: usize,
    frame: Vec<u8>,
}

/// A frame held back until the next frame of its direction has passed it.
struct Held {
    frame: Vec<u8>,
    copies: u8,
    /// When it goes anyway.
    until: i64,
}

/// The wire's state between frames.
struct Forwarder {
    sockets: [OwnedFd; 2],
    model: [Model; 2],
    counters: [Counters; 2],
    queue: BinaryHeap<Reverse<Pending>>,
    held: [Option<Held>; 2],
    /// The latest time a frame of each direction is queued for: a frame sent before
    /// it overtakes one.
    latest_due: [i64; 2],
    order: u64,
    /// What goes out to each port at the end of this round.
    outbox: [Outbox; 2],
}

impl Forwarder {
    /// Moves what is due to the outboxes: the queue in time order, then held frames
    /// past their wait (nothing overtook them: not reordered after all).
    fn release_due(&mut self, now: i64) {
        while self.queue.peek().is_some_and(|Reverse(p)| p.at <= now) {
            let Reverse(pending) = self.queue.pop().expect("peeked");
            self.outbox[pending.port].push(&pending.frame);
        }
        for from in 0..2 {
            if self.held[from].as_ref().is_some_and(|h| h.until <= now) {
                let held = self.held[from].take().expect("checked");
                for _ in 0..held.copies {
                    self.outbox[1 - from].push(&held.frame);
                }
            }
        }
    }

    /// Gives one frame (with its virtio-net header) that came in on port `from` its
    /// fate.
    fn take(&mut self, from: usize, frame: &[u8], now: i64) {
        if frame.len() <= VNET_HEADER {
            return;
        }
        let to = 1 - from;
        let counters = &mut self.counters[from];
        counters.frames += 1;
        counters.bytes += (frame.len() - VNET_HEADER) as u64;
        let fate = self.model[from].decide(now, frame.len() - VNET_HEADER);
        let Fate::Sent {
            at,
            copies,
            corrupt,
            reordered,
            hold,
        } = fate
        else {
            match fate {
                Fate::Lost => counters.lost += 1,
                _ => counters.overflow += 1,
            }
            return;
        };
        let corrupted;
        let frame = match corrupt {
            Some(bit) => {
                let mut copy = frame.to_vec();
                port::corrupt(&mut copy, bit);
                counters.corrupted += 1;
                corrupted = copy;
                &corrupted[..]
            }
            None => frame,
        };
        counters.duplicated += u64::from(copies > 1);
        if hold && self.held[from].is_none() {
            // Held back until the next frame of its direction has passed it. (One
            // chosen while another is held passes that one instead.)
            self.held[from] = Some(Held {
                frame: frame.to_vec(),
                copies,
                until: at + model::HOLD,
            });
            return;
        }
        // Skipping the delay reorders only when a frame is still queued.
        let overtakes =
            reordered && !hold && at < self.latest_due[from] && self.latest_due[from] > now;
        let earlier = self.held[from].take();
        counters.reordered += u64::from(overtakes || earlier.is_some());
        let held_copies = earlier
            .iter()
            .flat_map(|h| std::iter::repeat_n(&h.frame[..], usize::from(h.copies)));
        for bytes in std::iter::repeat_n(frame, usize::from(copies)).chain(held_copies) {
            if at <= now {
                self.outbox[to].push(bytes);
            } else {
                self.order += 1;
                self.latest_due[from] = self.latest_due[from].max(at);
                self.queue.push(Reverse(Pending {
                    at,
                    order: self.order,
                    port: to,
                    frame: bytes.to_vec(),
                }));
            }
        }
    }

    /// Sends what the outboxes hold.
    fn flush(&mut self) {
        for port in 0..2 {
            if !self.outbox[port].is_empty() {
                let sent = self.outbox[port].send(&self.sockets[port]);
                self.counters[1 - port].forwarded += sent;
            }
        }
    }

    /// When the next queued or held frame is due.
    fn next_due(&self) -> Option<i64> {
        let queued = self.queue.peek().map(|Reverse(p)| p.at);
        let held = self.held.iter().flatten().map(|h| h.until);
        queued.into_iter().chain(held).min()
    }
}

fn log(line: &str) {
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.3f");
    eprintln!("{now} {line}");
}

fn write_stats(lab: &str, counters: &[Counters; 2]) {
    let stats = Stats {
        directions: counters.to_vec(),
    };
    if let Ok(text) = serde_json::to_vec_pretty(&stats) {
        let _ = write_replacing(&stats_path(lab), &text);
    }
}

/// The wire process: forwards until SIGTERM or until its namespace goes away.
pub fn run(lab: &str) -> Result<()> {
    let state =
        load(lab)?.ok_or_else(|| Error::failed(format!("lab {lab:?} has no wire settings")))?;
    crate::signals::install_stop()?;
    crate::signals::install_reload()?;
    // Best effort: without it, delays are kept to the default 50 µs.
    let _ = nix::sys::prctl::set_timerslack(1_000);
    let namespace = netns::open(&state.netns)?;
    let ports = state.ports.clone();
    let sockets = netns::run_in(&namespace, move || {
        Ok([
            port::open(&ports[0].interface)?,
            port::open(&ports[1].interface)?,
        ])
    })?;
    let mut seed = state.seed;
    let mut wire = Forwarder {
        sockets,
        model: [0, 1].map(|i| Model::new(state.ports[i].impairment, seed, i as u64)),
        counters: [0, 1].map(|i| Counters {
            from: state.ports[i].host.clone(),
            to: state.ports[1 - i].host.clone(),
            ..Counters::default()
        }),
        queue: BinaryHeap::new(),
        held: [None, None],
        latest_due: [i64::MIN; 2],
        order: 0,
        outbox: Default::default(),
    };
    for (i, port) in state.ports.iter().enumerate() {
        log(&format!(
            "wire of lab {lab} up: {} -> {}: {}",
            port.host,
            state.ports[1 - i].host,
            port.impairment.describe()
        ));
    }
    let start = Instant::now();
    let clock = || start.elapsed().as_nanos() as i64;
    let mut inbox = Inbox::default();
    let mut next_stats = 0i64;
    // What the counters file says; the first round writes it (`up` waits for it).
    let mut written: [Counters; 2] = Default::default();
    let mut spin_until = 0i64;
    let mut last_frames = i64::MIN / 2;
    let outcome = loop {
        if crate::signals::stop_requested() {
            break Ok(());
        }
        if crate::signals::take_reload() {
            match load(lab) {
                Ok(Some(new)) => {
                    for (i, port) in new.ports.iter().enumerate() {
                        if new.seed == seed {
                            wire.model[i].impairment = port.impairment;
                        } else {
                            wire.model[i] = Model::new(port.impairment, new.seed, i as u64);
                        }
                        log(&format!(
                            "settings: {} -> {}: {}",
                            port.host,
                            new.ports[1 - i].host,
                            port.impairment.describe()
                        ));
                    }
                    seed = new.seed;
                }
                Ok(None) => break Ok(()),
                Err(e) => log(&format!("cannot read the new settings: {e}")),
            }
        }
        let now = clock();
        wire.release_due(now);
        let mut received = 0;
        let mut failed = None;
        for from in 0..2 {
            match inbox.receive(&wire.sockets[from]) {
                Ok(count) => {
                    received += count;
                    for frame in inbox.frames() {
                        wire.take(from, frame, now);
                    }
                }
                Err(error) => failed = Some(error),
            }
        }
        wire.flush();
        if let Some(error) = failed {
            let code = error.raw_os_error();
            if matches!(code, Some(libc::ENETDOWN | libc::ENODEV | libc::ENXIO)) {
                log("a port went down or away (the lab is being taken down): stopping");
                break Ok(());
            }
            break Err(Error::Io {
                context: "reading frames".into(),
                source: error,
            });
        }
        if now >= next_stats {
            if wire.counters != written {
                write_stats(lab, &wire.counters);
                written = wire.counters.clone();
            }
            next_stats = now + STATS_EVERY;
        }
        if received > 0 {
            let busy = now - last_frames < BUSY_SPIN;
            spin_until = now + if busy { BUSY_SPIN } else { SPIN };
            last_frames = now;
            continue;
        }
        if now < spin_until {
            std::hint::spin_loop();
            continue;
        }
        let wake = wire
            .next_due()
            .map_or(next_stats, |due| due.min(next_stats));
        let wait = Duration::from_nanos((wake - now).max(0) as u64);
        let mut fds = [0, 1]
            .map(|i| nix::poll::PollFd::new(wire.sockets[i].as_fd(), nix::poll::PollFlags::POLLIN));
        match nix::poll::ppoll(&mut fds, Some(wait.into()), None) {
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => break Err(Error::failed(format!("waiting for frames: {e}"))),
        }
    };
    write_stats(lab, &wire.counters);
    for c in &wire.counters {
        log(&format!(
            "{} -> {}: {} frames, {} forwarded, {} lost, {} over the rate's queue, {} duplicated, {} corrupted, {} reordered",
            c.from, c.to, c.frames, c.forwarded, c.lost, c.overflow, c.duplicated, c.corrupted, c.reordered
        ));
    }
    log(&format!("wire of lab {lab} stopped"));
    outcome
}
