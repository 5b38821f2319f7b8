//! The clipboard: the system clipboard where one is at hand, OSC 52 to the terminal otherwise,
//! and the timed clearing of copied secrets.
//!
//! Which path is taken:
//!
//! 1. `EXOWIZ_CLIPBOARD=osc52` or `=system` forces one (e.g. `osc52` inside a remote tmux);
//! 2. over SSH (`SSH_CONNECTION` / `SSH_TTY`) the system clipboard would be the remote
//!    machine's, so OSC 52 is used: the admin's own terminal puts the value on *their*
//!    clipboard;
//! 3. on Linux/BSD without `DISPLAY` or `WAYLAND_DISPLAY` there is no system clipboard: OSC 52;
//! 4. otherwise the system clipboard via `arboard`, falling back to OSC 52 when `arboard`
//!    fails. A copied value is kept out of clipboard history (Linux, macOS, Windows); on
//!    Windows also out of the cloud clipboard and away from clipboard monitors (see
//!    [`set_system`]).
//!
//! The `arboard::Clipboard` is kept in the [`Clipboard`] holder for the whole run: on X11 the
//! process owns the selection and must stay alive to serve it.
//!
//! Clearing after a timeout ([`Clipboard::clear_if_unchanged`]) only clears when the clipboard
//! still holds the copied value:
//!
//! * system clipboard: it is read back and compared; anything else the admin copied since is
//!   left alone;
//! * OSC 52: a terminal's clipboard cannot be read (OSC 52 queries are answered by very few
//!   terminals and would arrive as input), so exowiz clears — by sending an empty OSC 52 — as
//!   long as exowiz itself copied nothing else since. Something the admin copied outside
//!   exowiz in the meantime is wiped too: for a secret, leaving it on the clipboard is the
//!   greater risk.
//!
//! Secrets never reach the log: only the path taken and error texts (which never contain the
//! copied value) are logged.

use std::ffi::OsString;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine;

use crate::i18n::tf;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// How a value reached the clipboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClipboardVia {
    /// The system clipboard (arboard), excluded from clipboard history where possible.
    System,
    /// An OSC 52 escape sequence to the terminal (SSH, no display, or arboard failed).
    Osc52,
}

/// What decides the clipboard path, read from the environment once (tests build it by hand).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClipboardEnv {
    /// An SSH session: the system clipboard would be the remote machine's.
    pub ssh: bool,
    /// A graphical session exists (always true on Windows and macOS).
    pub display: bool,
    /// `EXOWIZ_CLIPBOARD=osc52|system`.
    pub forced: Option<ClipboardVia>,
}

impl ClipboardEnv {
    /// From environment variables given by `get` (so tests need not change the process env).
    pub fn from_lookup(get: impl Fn(&str) -> Option<OsString>) -> Self {
        let set = |name: &str| get(name).is_some_and(|v| !v.is_empty());
        let display = if cfg!(all(unix, not(target_os = "macos"))) {
            set("DISPLAY") || set("WAYLAND_DISPLAY")
        } else {
            true
        };
        let forced = get("EXOWIZ_CLIPBOARD").and_then(|v| {
            match v.to_string_lossy().trim().to_ascii_lowercase().as_str() {
                "osc52" | "osc-52" | "terminal" => Some(ClipboardVia::Osc52),
                "system" | "native" => Some(ClipboardVia::System),
                _ => None,
            }
        });
        Self {
            ssh: set("SSH_CONNECTION") || set("SSH_TTY"),
            display,
            forced,
        }
    }

    /// From the process environment.
    pub fn from_process() -> Self {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    /// Whether the system clipboard is tried first (OSC 52 stays the fallback).
    pub fn prefer_system(&self) -> bool {
        match self.forced {
            Some(via) => via == ClipboardVia::System,
            None => !self.ssh && self.display,
        }
    }
}

/// Why the clipboard did not do what was asked. The `Display` text is the sentence for the
/// screen; it never contains the copied value (only the clipboard's and the OS's own words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClipboardError {
    /// Nothing was copied: OSC 52 could not be written (`terminal`), after the system clipboard
    /// failed (`system`) when it was tried.
    NothingCopied {
        system: Option<String>,
        terminal: String,
    },
    /// The system clipboard could not be emptied.
    SystemNotCleared(String),
    /// The empty OSC 52 could not be written.
    TerminalNotCleared(String),
    /// The copy did not finish (its thread stopped): what the runtime said.
    Stopped(String),
}

impl std::fmt::Display for ClipboardError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sentence = match self {
            Self::NothingCopied {
                system: Some(system),
                terminal,
            } => tf(
                "clipboard.nothing_copied_both",
                &[("system", system), ("error", terminal)],
            ),
            Self::NothingCopied {
                system: None,
                terminal,
            } => tf("clipboard.nothing_copied", &[("error", terminal)]),
            Self::SystemNotCleared(error) => {
                tf("clipboard.system_not_cleared", &[("error", error)])
            }
            Self::TerminalNotCleared(error) => {
                tf("clipboard.terminal_not_cleared", &[("error", error)])
            }
            Self::Stopped(error) => tf("executor.copy_stopped", &[("error", error)]),
        };
        f.write_str(&sentence)
    }
}

impl std::error::Error for ClipboardError {}

/// The terminal's output, shared between the screen renderer and OSC 52: whoever writes holds
/// the lock, so an escape sequence never lands in the middle of a frame.
#[derive(Clone)]
pub struct TerminalOut(Arc<Mutex<Box<dyn Write + Send>>>);

impl TerminalOut {
    pub fn new(writer: impl Write + Send + 'static) -> Self {
        Self(Arc::new(Mutex::new(Box::new(writer))))
    }

    /// Standard output (the terminal the wizard draws on).
    pub fn stdout() -> Self {
        Self::new(io::stdout())
    }

    /// Holds the terminal: the renderer keeps this while drawing a frame.
    pub fn lock(&self) -> MutexGuard<'_, Box<dyn Write + Send>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes `bytes` in one piece and flushes.
    pub fn write_all(&self, bytes: &[u8]) -> io::Result<()> {
        let mut out = self.lock();
        out.write_all(bytes)?;
        out.flush()
    }
}

impl std::fmt::Debug for TerminalOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TerminalOut")
    }
}

/// `ESC ] 52 ; c ; <base64> ESC \`: puts `text` on the terminal's clipboard. The buffer is wiped
/// when dropped.
pub fn osc52_sequence(text: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(8 + text.len().div_ceil(3) * 4));
    out.push_str("\x1b]52;c;");
    BASE64.encode_string(text.as_bytes(), &mut out);
    out.push_str("\x1b\\");
    out
}

/// An OSC 52 with no data: terminals that support OSC 52 empty their clipboard.
pub const OSC52_CLEAR: &str = "\x1b]52;c;\x1b\\";

/// The value exowiz copied last: a digest (never the value) and where it went.
#[derive(Clone, Copy)]
struct LastCopy {
    digest: [u8; 32],
    via: ClipboardVia,
}

fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

struct State {
    /// Kept alive for the whole run (X11 serves the selection from this process).
    system: Option<arboard::Clipboard>,
    last: Option<LastCopy>,
}

/// The clipboard holder. One per run; cheap to share behind an `Arc`.
pub struct Clipboard {
    env: ClipboardEnv,
    terminal: TerminalOut,
    state: Mutex<State>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard")
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl Clipboard {
    /// A holder for `env` that writes OSC 52 to `terminal`. The system clipboard is opened on
    /// the first copy.
    pub fn new(env: ClipboardEnv, terminal: TerminalOut) -> Self {
        Self {
            env,
            terminal,
            state: Mutex::new(State {
                system: None,
                last: None,
            }),
        }
    }

    pub fn env(&self) -> ClipboardEnv {
        self.env
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Copies `text`; says which path took it.
    pub fn copy(&self, text: &str) -> Result<ClipboardVia, ClipboardError> {
        let mut state = self.state();
        let mut system_error = None;
        if self.env.prefer_system() {
            match set_system(&mut state, text) {
                Ok(()) => {
                    state.last = Some(LastCopy {
                        digest: digest(text),
                        via: ClipboardVia::System,
                    });
                    tracing::info!("copied to the system clipboard");
                    return Ok(ClipboardVia::System);
                }
                Err(e) => {
                    tracing::warn!(error = %e, "system clipboard failed; using OSC 52");
                    // A broken connection is not reused; the next copy opens a new one.
                    state.system = None;
                    system_error = Some(e);
                }
            }
        }
        match self.terminal.write_all(osc52_sequence(text).as_bytes()) {
            Ok(()) => {
                state.last = Some(LastCopy {
                    digest: digest(text),
                    via: ClipboardVia::Osc52,
                });
                tracing::info!("copied via OSC 52");
                Ok(ClipboardVia::Osc52)
            }
            Err(e) => {
                tracing::warn!(error = %e, "OSC 52 could not be written");
                Err(ClipboardError::NothingCopied {
                    system: system_error,
                    terminal: e.to_string(),
                })
            }
        }
    }

    /// Whether the clipboard still holds `expected`: `Some` for the system clipboard (read
    /// back), `None` where it cannot be read (OSC 52, or nothing was copied by exowiz).
    pub fn read_matches(&self, expected: &str) -> Option<bool> {
        let mut state = self.state();
        match state.last?.via {
            ClipboardVia::Osc52 => None,
            ClipboardVia::System => {
                let system = state.system.as_mut()?;
                match system.get_text() {
                    Ok(text) => {
                        let text = Zeroizing::new(text);
                        Some(text.as_str() == expected)
                    }
                    // Empty, or something that is not text (an image): not ours.
                    Err(_) => Some(false),
                }
            }
        }
    }

    /// Clears the clipboard if it still holds `expected` (see the module documentation for
    /// what "still" means with OSC 52). Returns whether it cleared.
    pub fn clear_if_unchanged(&self, expected: &str) -> bool {
        let last = self.state().last;
        let Some(last) = last else {
            return false;
        };
        if last.digest != digest(expected) {
            // exowiz copied something else since: that is what the admin wants now.
            return false;
        }
        let unchanged = match last.via {
            ClipboardVia::System => self.read_matches(expected) == Some(true),
            ClipboardVia::Osc52 => true,
        };
        if !unchanged {
            self.state().last = None;
            tracing::info!("clipboard changed since the copy; not cleared");
            return false;
        }
        match self.clear() {
            Ok(_) => true,
            Err(e) => {
                tracing::warn!(error = %e, "clipboard could not be cleared");
                false
            }
        }
    }

    /// Empties the clipboard on the path the last copy took (the preferred one when exowiz
    /// copied nothing yet).
    pub fn clear(&self) -> Result<ClipboardVia, ClipboardError> {
        let mut state = self.state();
        let via = match state.last {
            Some(last) => last.via,
            None if self.env.prefer_system() => ClipboardVia::System,
            None => ClipboardVia::Osc52,
        };
        let result = match via {
            ClipboardVia::System => {
                clear_system(&mut state).map_err(ClipboardError::SystemNotCleared)
            }
            ClipboardVia::Osc52 => self
                .terminal
                .write_all(OSC52_CLEAR.as_bytes())
                .map_err(|e| ClipboardError::TerminalNotCleared(e.to_string())),
        };
        if result.is_ok() {
            state.last = None;
            tracing::info!(?via, "clipboard cleared");
        }
        result.map(|()| via)
    }
}

/// The kept system clipboard, opened on first use.
fn system(state: &mut State) -> Result<&mut arboard::Clipboard, String> {
    if state.system.is_none() {
        state.system = Some(arboard::Clipboard::new().map_err(|e| e.to_string())?);
    }
    Ok(state.system.as_mut().expect("opened above"))
}

fn clear_system(state: &mut State) -> Result<(), String> {
    system(state)?.clear().map_err(|e| e.to_string())
}

/// Puts `text` on the system clipboard, kept out of what remembers or watches the clipboard.
/// On Windows arboard adds the registered formats after the text, while it still holds the
/// clipboard: `ExcludeClipboardContentFromMonitorProcessing` (clipboard monitors and history
/// leave it alone), `CanIncludeInClipboardHistory` = 0 and `CanUploadToCloudClipboard` = 0
/// (history and the cloud clipboard also on Windows versions that honour only those two).
fn set_system(state: &mut State, text: &str) -> Result<(), String> {
    let system = system(state)?;
    let set = system.set();
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
    ))]
    let set = {
        use arboard::SetExtLinux;
        set.exclude_from_history()
    };
    #[cfg(windows)]
    let set = {
        use arboard::SetExtWindows;
        set.exclude_from_monitoring()
            .exclude_from_history()
            .exclude_from_cloud()
    };
    #[cfg(target_os = "macos")]
    let set = {
        use arboard::SetExtApple;
        set.exclude_from_history()
    };
    set.text(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_padded_encodings() {
        assert_eq!(osc52_sequence("").as_str(), OSC52_CLEAR);
        assert_eq!(osc52_sequence("a").as_str(), "\x1b]52;c;YQ==\x1b\\");
    }

    #[test]
    fn the_errors_are_the_sentences_and_never_the_value() {
        let both = ClipboardError::NothingCopied {
            system: Some("no X server".into()),
            terminal: "broken pipe".into(),
        };
        assert_eq!(
            both.to_string(),
            "Nothing was copied: the system clipboard failed (no X server) and the terminal could not be written to (broken pipe). Select the value with the mouse instead."
        );
        let cleared = ClipboardError::TerminalNotCleared("broken pipe".into());
        assert_eq!(
            cleared.to_string(),
            "The terminal's clipboard could not be cleared (broken pipe)."
        );
    }

    /// wine's ntdll exports `wine_get_version`; Windows' does not.
    #[cfg(windows)]
    fn under_wine() -> bool {
        use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
        let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
        // SAFETY: a NUL-terminated module name and a NUL-terminated export name.
        unsafe {
            let module = GetModuleHandleW(ntdll.as_ptr());
            !module.is_null()
                && GetProcAddress(module, c"wine_get_version".as_ptr().cast()).is_some()
        }
    }

    /// The copied text goes with the three registered formats that keep it out of clipboard
    /// monitors, history and the cloud clipboard (the last two with the DWORD 0 that says "no").
    /// This uses the real clipboard (emptied at the end).
    #[cfg(windows)]
    #[test]
    fn on_windows_a_copy_is_kept_from_monitors_history_and_the_cloud() {
        use windows_sys::Win32::System::DataExchange::{
            CloseClipboard, GetClipboardData, IsClipboardFormatAvailable, OpenClipboard,
            RegisterClipboardFormatW,
        };
        use windows_sys::Win32::System::Memory::{GlobalLock, GlobalSize, GlobalUnlock};

        let env = ClipboardEnv {
            forced: Some(ClipboardVia::System),
            ..ClipboardEnv::default()
        };
        let clipboard = Clipboard::new(env, TerminalOut::new(io::sink()));
        match clipboard.copy("windows-clipboard-test") {
            Ok(ClipboardVia::System) => {}
            other if under_wine() => {
                eprintln!(
                    "note: wine has no system clipboard here ({other:?}); checked on Windows"
                );
                return;
            }
            other => panic!("the system clipboard took nothing: {other:?}"),
        }
        let formats = [
            ("ExcludeClipboardContentFromMonitorProcessing", None),
            ("CanIncludeInClipboardHistory", Some(0u32)),
            ("CanUploadToCloudClipboard", Some(0u32)),
        ];
        // SAFETY: NUL-terminated names; the clipboard is opened and closed here, and the data
        // handles are only read between GlobalLock and GlobalUnlock within GlobalSize bytes.
        unsafe {
            assert_ne!(OpenClipboard(std::ptr::null_mut()), 0, "OpenClipboard");
            for (name, value) in formats {
                let wide: Vec<u16> = name.encode_utf16().chain([0]).collect();
                let format = RegisterClipboardFormatW(wide.as_ptr());
                assert_ne!(format, 0, "{name}");
                assert_ne!(
                    IsClipboardFormatAvailable(format),
                    0,
                    "{name} is not on the clipboard"
                );
                if let Some(expected) = value {
                    let data = GetClipboardData(format);
                    assert!(!data.is_null(), "{name}");
                    assert!(GlobalSize(data) >= 4, "{name}");
                    let bytes = GlobalLock(data).cast::<u8>();
                    let got = u32::from_ne_bytes(std::ptr::read_unaligned(bytes.cast::<[u8; 4]>()));
                    GlobalUnlock(data);
                    assert_eq!(got, expected, "{name}");
                }
            }
            CloseClipboard();
        }
        assert_eq!(clipboard.clear(), Ok(ClipboardVia::System));
    }
}
