//! Terminal setup and restore: raw mode, alternate screen, bracketed paste, hidden cursor —
//! undone on every way out (normal exit, error, Ctrl+C, signals, panics).
//!
//! A panic restores the terminal first, writes the panic message and a backtrace to the log
//! file, prints one plain sentence naming the log file, and ends the process (also when the
//! panic happened on a background task, which would otherwise leave the wizard running on a
//! restored terminal).

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Exit code after a panic (the same as Rust's default).
pub const PANIC_EXIT_CODE: i32 = 101;

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Why the wizard cannot run here, or `None` when stdin and stdout are a terminal.
pub fn not_a_terminal() -> Option<String> {
    let stdin = io::stdin().is_terminal();
    let stdout = io::stdout().is_terminal();
    if stdin && stdout {
        return None;
    }
    let which = match (stdin, stdout) {
        (false, false) => "standard input and output are not a terminal",
        (false, true) => "standard input is not a terminal",
        _ => "standard output is not a terminal",
    };
    Some(format!(
        "The exowiz wizard needs an interactive terminal, but {which}. For scripts, pipes and CI use `exowiz register` (see `exowiz register --help`), which does the same without screens."
    ))
}

/// The terminal in wizard mode; restores it when dropped.
#[derive(Debug)]
pub struct TerminalGuard {
    _private: (),
}

impl TerminalGuard {
    /// Raw mode, alternate screen, bracketed paste, hidden cursor.
    pub fn enter() -> io::Result<Self> {
        enter_wizard_mode()?;
        Ok(Self { _private: () })
    }
}

/// Raw mode, alternate screen, bracketed paste, hidden cursor: at the start, and again when
/// the wizard is continued after a suspend. On an error the terminal is restored.
pub fn enter_wizard_mode() -> io::Result<()> {
    // Colours in the Windows console: crossterm switches virtual-terminal processing on where
    // the console has it (Windows 10 and later, Windows Terminal) and otherwise draws colours
    // through the console API. Asked here once, so the log says which.
    #[cfg(windows)]
    if !crossterm::ansi_support::supports_ansi() {
        tracing::info!(
            "the console has no virtual-terminal processing; colours via the console API"
        );
    }
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableBracketedPaste, Hide) {
        restore();
        return Err(e);
    }
    Ok(())
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Puts the terminal back as it was (once; later calls do nothing until the wizard's mode is
/// entered again). Safe to call from a panic hook, a signal path, or on a terminal that is gone
/// (write errors are ignored: there is nothing left to restore).
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = io::stdout();
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, Show);
    let _ = out.flush();
    let _ = disable_raw_mode();
}

/// The sentence a panic leaves on the screen.
pub fn panic_sentence(log_path: Option<&std::path::Path>) -> String {
    match log_path {
        Some(path) => format!(
            "exowiz stopped unexpectedly; details are in {}",
            path.display()
        ),
        None => "exowiz stopped unexpectedly (no log file could be written; set EXOWIZ_DATA_DIR to a writable directory to keep one)".to_string(),
    }
}

/// Replaces the panic hook: restore the terminal, log message and backtrace, print one sentence,
/// exit with [`PANIC_EXIT_CODE`]. Never prints a backtrace on the screen.
pub fn install_panic_hook(log_path: Option<PathBuf>) {
    std::panic::set_hook(Box::new(move |info| {
        restore();
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!("exowiz panicked: {info}\nbacktrace:\n{backtrace}");
        let mut err = io::stderr();
        let _ = writeln!(err, "{}", panic_sentence(log_path.as_deref()));
        let _ = err.flush();
        std::process::exit(PANIC_EXIT_CODE);
    }));
}
