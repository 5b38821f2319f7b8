//! Ctrl+C during `register`, `rotate` or `check` (issue 14.6): typically pressed while Microsoft
//! Graph makes exowiz wait (`Retry-After`). The command stops with a sentence and exit code
//! 130 instead of dying silently on the signal.
//!
//! Stopping drops the command's future at one of its await points. That never leaves a
//! half-written file: the store and the run journal are written whole (a temporary file, then
//! a rename) in synchronous code between awaits, so the journal holds what was done, and the
//! next run continues from it — as it would after a killed process.

use super::{Exit, Failure};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use tokio::sync::Notify;

/// How many parts of the running command handle Ctrl+C themselves (the consent wait: it stops
/// waiting with its own sentence and exit code). While one does, the outer handler — the only
/// one that listens to the signal, so the two never race for it — passes Ctrl+C on to it.
static HANDLED_INSIDE: AtomicUsize = AtomicUsize::new(0);
/// A Ctrl+C passed on and not yet taken (a flag, so one that comes before the part awaits it
/// is not lost).
static PASSED_ON: AtomicBool = AtomicBool::new(false);
static PASSED_ON_NOTIFY: Notify = Notify::const_new();

/// Held while a part of the command answers Ctrl+C itself; claimed before anything the admin
/// could react to (the consent link) is shown.
pub struct HandledInside(());

impl HandledInside {
    pub fn claim() -> Self {
        HANDLED_INSIDE.fetch_add(1, Ordering::SeqCst);
        HandledInside(())
    }

    /// Ends when Ctrl+C is pressed (or was pressed since the claim).
    pub async fn pressed(&self) {
        loop {
            let notified = PASSED_ON_NOTIFY.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if PASSED_ON.swap(false, Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for HandledInside {
    fn drop(&mut self) {
        HANDLED_INSIDE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `command`; on Ctrl+C (SIGINT) stops it and returns the interrupted failure.
pub async fn or_ctrl_c<T>(command: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    let ctrl_c = || async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            // No handler could be installed: Ctrl+C keeps its default (ends the process), and
            // the command runs on.
            tracing::warn!("Ctrl+C cannot be handled ({e})");
            std::future::pending::<()>().await;
        }
    };
    tokio::pin!(command);
    loop {
        tokio::select! {
            // Biased, Ctrl+C first: the signal handler is installed by its first poll, which
            // must come before the command's first step prints anything (a Ctrl+C pressed
            // right after would otherwise end the process without a sentence).
            biased;
            () = ctrl_c() => {
                if HANDLED_INSIDE.load(Ordering::SeqCst) > 0 {
                    // The part that runs now says what Ctrl+C did; the command ends on its own.
                    PASSED_ON.store(true, Ordering::SeqCst);
                    PASSED_ON_NOTIFY.notify_waiters();
                    continue;
                }
                tracing::info!("stopped by Ctrl+C");
                clear_countdown_line();
                return Err(Failure::new(
                    Exit::Interrupted,
                    exowiz::i18n::t("graph.interrupted"),
                ));
            }
            result = &mut command => return result,
        }
    }
}

/// On a terminal, the waiting countdown rewrites its own stderr line without a newline: erase
/// it so the sentence starts on a clean line.
fn clear_countdown_line() {
    use std::io::{IsTerminal, Write};
    let mut err = std::io::stderr();
    if err.is_terminal() {
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}
