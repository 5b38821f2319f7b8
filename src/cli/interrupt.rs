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

/// Runs `command`; on Ctrl+C (SIGINT) stops it and returns the interrupted failure.
pub async fn or_ctrl_c<T>(command: impl Future<Output = Result<T, Failure>>) -> Result<T, Failure> {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            // No handler could be installed: Ctrl+C keeps its default (ends the process), and
            // the command runs on.
            tracing::warn!("Ctrl+C cannot be handled ({e})");
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = command => result,
        () = ctrl_c => {
            tracing::info!("stopped by Ctrl+C");
            clear_countdown_line();
            Err(Failure::new(
                Exit::Interrupted,
                exowiz::i18n::t("graph.interrupted"),
            ))
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
