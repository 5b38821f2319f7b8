//! What the process is told from outside while the wizard runs: termination signals, the
//! suspend signal, and the terminal going away (issue 14.11).
//!
//! - SIGTERM, SIGHUP, SIGINT end the wizard like Ctrl+C (exit code 0, terminal restored).
//! - SIGTSTP (`kill -TSTP`, or a shell's job control) suspends: the runtime restores the
//!   terminal, stops the process, and sets the terminal up again when it is continued.
//! - A terminal that is gone without a SIGHUP (exowiz is not the session leader, e.g. started
//!   from a script whose shell died with the terminal) only shows as a hung-up file: every
//!   read returns 0 bytes. crossterm's reader retries such reads forever (a whole core spent),
//!   so [`TerminalHangup`] watches the terminal's file for the hang-up and the wizard ends.
//!
//! Windows has none of these signals: there the console's control events do the same
//! (Ctrl+C and Ctrl+Break end the wizard, closing the window restores the console at once;
//! see `console_ctrl`).

use std::io;

/// A signal the event loop acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalEvent {
    /// End the wizard; the name is for the log.
    End(&'static str),
    /// Restore the terminal and stop until continued (SIGTSTP).
    Suspend,
}

/// Termination and suspend signals, listened to from before the terminal changes mode until
/// the wizard ends: from then on a signal must restore the terminal, not kill the process.
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    tstp: tokio::signal::unix::Signal,
    #[cfg(windows)]
    console: super::console_ctrl::ConsoleCtrl,
}

impl Signals {
    #[cfg(unix)]
    pub fn new() -> io::Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
            int: signal(SignalKind::interrupt())?,
            tstp: signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP))?,
        })
    }

    #[cfg(windows)]
    pub fn new() -> io::Result<Self> {
        Ok(Self {
            console: super::console_ctrl::ConsoleCtrl::install()?,
        })
    }

    #[cfg(not(any(unix, windows)))]
    pub fn new() -> io::Result<Self> {
        Ok(Self {})
    }

    /// The next signal.
    #[cfg(unix)]
    pub async fn recv(&mut self) -> SignalEvent {
        tokio::select! {
            _ = self.term.recv() => SignalEvent::End("SIGTERM"),
            _ = self.hup.recv() => SignalEvent::End("SIGHUP"),
            _ = self.int.recv() => SignalEvent::End("SIGINT"),
            _ = self.tstp.recv() => SignalEvent::Suspend,
        }
    }

    #[cfg(windows)]
    pub async fn recv(&mut self) -> SignalEvent {
        SignalEvent::End(self.console.recv().await)
    }

    #[cfg(not(any(unix, windows)))]
    pub async fn recv(&mut self) -> SignalEvent {
        let _ = tokio::signal::ctrl_c().await;
        SignalEvent::End("Ctrl+C")
    }
}

/// Watches the terminal (standard input, which the wizard requires to be a terminal) for its
/// hang-up. Never reads from it: crossterm does the reading.
pub struct TerminalHangup {
    #[cfg(unix)]
    fd: Option<tokio::io::unix::AsyncFd<std::os::fd::OwnedFd>>,
}

impl TerminalHangup {
    /// Watches standard input. If it cannot be watched (no reactor support for it), the wizard
    /// still runs; it just cannot notice a silent hang-up (logged).
    #[cfg(unix)]
    pub fn stdin() -> Self {
        use std::os::fd::AsFd;
        // A duplicate, so the watcher owns what it registers and crossterm's descriptor is
        // left alone.
        let fd = io::stdin().as_fd().try_clone_to_owned().and_then(|owned| {
            // SAFETY: `owned` is an open descriptor that the `AsyncFd` owns from here on:
            // nothing else closes or replaces it while it is registered, and an
            // `OwnedFd` always returns the same descriptor.
            unsafe {
                tokio::io::unix::AsyncFd::register_with_interest(
                    owned,
                    tokio::io::Interest::READABLE,
                )
            }
            .map_err(io::Error::from)
        });
        match fd {
            Ok(fd) => Self { fd: Some(fd) },
            Err(e) => {
                tracing::warn!("the terminal's hang-up cannot be watched: {e}");
                Self { fd: None }
            }
        }
    }

    #[cfg(not(unix))]
    pub fn stdin() -> Self {
        Self {}
    }

    /// Resolves once the terminal has hung up; pending forever otherwise.
    pub async fn wait(&self) {
        #[cfg(unix)]
        if let Some(fd) = &self.fd {
            loop {
                let Ok(mut ready) = fd.readable().await else {
                    break;
                };
                // A hung-up terminal reports EPOLLHUP, which tokio keeps as "read closed" (it
                // is never cleared). Plain input is only "readable": crossterm reads it, and
                // this watcher waits for the next change.
                if ready.ready().is_read_closed() {
                    return;
                }
                ready.clear_ready();
            }
        }
        std::future::pending::<()>().await
    }
}

/// Stops the whole process until it is continued (SIGCONT, e.g. the shell's `fg`), as the
/// default action of SIGTSTP would; returns after the continue. SIGSTOP is used because exowiz
/// handles SIGTSTP itself (that is how it got here) and SIGSTOP cannot be caught.
#[cfg(unix)]
pub fn stop_until_continued() -> io::Result<()> {
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)
}
