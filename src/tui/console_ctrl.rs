//! Windows: the console's control events while the wizard runs (issue 12.2).
//!
//! - Ctrl+C and Ctrl+Break end the wizard like a termination signal on Unix: the handler only
//!   records the event and wakes the event loop, which ends the wizard the normal way (the
//!   executor clears a copied secret, the terminal guard restores the console). In the wizard's
//!   raw mode Ctrl+C arrives as a key instead; Ctrl+Break always comes here.
//! - Closing the console window (and logoff or shutdown) gives the process a few seconds at
//!   most, and Windows ends it as soon as the handler returns: there is no time to go through
//!   the event loop, so the handler restores the console itself (alternate screen, cursor,
//!   console modes: a console shared with a parent shell stays usable) and lets the default
//!   handling end the process.
//!
//! A panic restores the console through the panic hook (`terminal::install_panic_hook`), the
//! same on every platform.

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};

use tokio::sync::Notify;
use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT,
    SetConsoleCtrlHandler,
};
use windows_sys::core::BOOL;

/// No event recorded (no control event has this number).
const NONE: u32 = u32::MAX;

/// The last Ctrl+C or Ctrl+Break, for the event loop to take.
static LAST_EVENT: AtomicU32 = AtomicU32::new(NONE);
/// Wakes the event loop; keeps the wake-up when nobody waits yet.
static ARRIVED: Notify = Notify::const_new();

/// The handler, registered while this lives.
#[derive(Debug)]
pub struct ConsoleCtrl {
    _private: (),
}

impl ConsoleCtrl {
    /// Registers the handler (in front of the default one, which would end the process).
    pub fn install() -> io::Result<Self> {
        // SAFETY: `console_ctrl_handler` is a `extern "system"` function that lives as long as
        // the program; it is removed again in Drop.
        if unsafe { SetConsoleCtrlHandler(Some(console_ctrl_handler), 1) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Self { _private: () })
    }

    /// The next Ctrl+C or Ctrl+Break, by name (for the log).
    pub async fn recv(&self) -> &'static str {
        loop {
            ARRIVED.notified().await;
            match LAST_EVENT.swap(NONE, Ordering::SeqCst) {
                CTRL_C_EVENT => return "Ctrl+C",
                CTRL_BREAK_EVENT => return "Ctrl+Break",
                _ => continue,
            }
        }
    }
}

impl Drop for ConsoleCtrl {
    fn drop(&mut self) {
        // SAFETY: removes the handler registered in `install`.
        unsafe { SetConsoleCtrlHandler(Some(console_ctrl_handler), 0) };
    }
}

/// Called by Windows on a thread of its own. TRUE: handled, the process goes on.
unsafe extern "system" fn console_ctrl_handler(ctrl_type: u32) -> BOOL {
    BOOL::from(handle(ctrl_type))
}

/// What the handler does with `ctrl_type`; whether it was handled.
fn handle(ctrl_type: u32) -> bool {
    match ctrl_type {
        CTRL_C_EVENT | CTRL_BREAK_EVENT => {
            LAST_EVENT.store(ctrl_type, Ordering::SeqCst);
            ARRIVED.notify_one();
            true
        }
        CTRL_CLOSE_EVENT | CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => {
            super::terminal::restore();
            false
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Windows delivers control events only to a real console (and wine not reliably at
    /// all), so the handler function is called directly, as Windows would.
    #[tokio::test]
    async fn ctrl_break_and_ctrl_c_wake_the_event_loop_and_a_close_restores_at_once() {
        let ctrl = ConsoleCtrl::install().expect("SetConsoleCtrlHandler");
        // SAFETY: the handler is an ordinary function; Windows calls it the same way.
        assert_eq!(unsafe { console_ctrl_handler(CTRL_BREAK_EVENT) }, 1);
        let name = tokio::time::timeout(Duration::from_secs(5), ctrl.recv()).await;
        assert_eq!(name, Ok("Ctrl+Break"));
        assert!(handle(CTRL_C_EVENT));
        let name = tokio::time::timeout(Duration::from_secs(5), ctrl.recv()).await;
        assert_eq!(name, Ok("Ctrl+C"));
        // Close: restored in the handler, and not handled, so Windows ends the process.
        assert!(!handle(CTRL_CLOSE_EVENT));
        assert!(!handle(CTRL_SHUTDOWN_EVENT));
        // Nothing was queued for the event loop by the close.
        let nothing = tokio::time::timeout(Duration::from_millis(200), ctrl.recv()).await;
        assert!(nothing.is_err(), "{nothing:?}");
        drop(ctrl);
    }
}
