//! Signals that ask a long-running loop (a live capture, the lab's wire) to stop or to
//! reload its settings. The handlers only store to an atomic, which is all a signal
//! handler may safely do; the loop looks at it after each wait. Installed without
//! SA_RESTART, so a wait in progress returns with EINTR at once.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Context, Result};

static STOP: AtomicBool = AtomicBool::new(false);
static RELOAD: AtomicBool = AtomicBool::new(false);

extern "C" fn request_stop(_: libc::c_int) {
    STOP.store(true, Ordering::SeqCst);
}

extern "C" fn request_reload(_: libc::c_int) {
    RELOAD.store(true, Ordering::SeqCst);
}

fn install(
    signals: &[nix::sys::signal::Signal],
    handler: extern "C" fn(libc::c_int),
) -> Result<()> {
    use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet};
    let action = SigAction::new(
        SigHandler::Handler(handler),
        SaFlags::empty(),
        SigSet::empty(),
    );
    for &signal in signals {
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe { sigaction(signal, &action) }
            .context(|| format!("installing the {signal} handler"))?;
    }
    Ok(())
}

/// SIGINT (Ctrl-C) and SIGTERM ask to stop.
pub fn install_stop() -> Result<()> {
    use nix::sys::signal::Signal;
    install(&[Signal::SIGINT, Signal::SIGTERM], request_stop)
}

/// SIGINT, SIGTERM and SIGHUP (the terminal went away) ask to stop: for a program
/// that owns the terminal, which must be given back however it ends.
pub fn install_stop_on_hangup() -> Result<()> {
    use nix::sys::signal::Signal;
    install(
        &[Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP],
        request_stop,
    )
}

/// SIGHUP asks to read the settings again.
pub fn install_reload() -> Result<()> {
    install(&[nix::sys::signal::Signal::SIGHUP], request_reload)
}

/// Asks for a stop from inside the program (a watchdog that saw the terminal go).
pub fn request_stop_now() {
    STOP.store(true, Ordering::SeqCst);
}

/// Whether a stop was asked for.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::SeqCst)
}

/// Whether a reload was asked for since the last call.
pub fn take_reload() -> bool {
    RELOAD.swap(false, Ordering::SeqCst)
}
