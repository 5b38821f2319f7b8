//! Opening a link in the admin's browser, only where that makes sense: a graphical session on
//! this machine and not over SSH. Otherwise callers show the link (and a device code) instead;
//! a text-mode browser must never take over the terminal.
//!
//! Only `http` and `https` links are opened: the links exowiz opens are Entra's sign-in and
//! consent pages, and handing anything else to the OS (a `file:` path, a custom protocol) would
//! start whatever program is registered for it. On Windows the shell opens the link
//! (`ShellExecuteW` "open", as Explorer does: the user's default browser, also when it is
//! registered per user); elsewhere the `webbrowser` crate finds the graphical browser.

use crate::i18n::{t, tf};

/// Why no browser was opened. The `Display` text is the sentence the screen and the command
/// line show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowserError {
    /// No browser is opened here: the reason, a phrase ("this is an SSH session").
    Unavailable(&'static str),
    /// Opening was tried, or refused for a link that is no web address: what went wrong.
    Failed(String),
}

impl std::fmt::Display for BrowserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(reason) => {
                f.write_str(&tf("browser.not_opened", &[("reason", reason)]))
            }
            Self::Failed(error) => f.write_str(&tf("browser.failed", &[("error", error)])),
        }
    }
}

impl std::error::Error for BrowserError {}

/// Why no browser will be opened, or None when one can be.
pub fn unavailable_reason() -> Option<&'static str> {
    if std::env::var_os("EXOWIZ_NO_BROWSER").is_some() {
        return Some(t("browser.reason_env"));
    }
    if std::env::var_os("SSH_CONNECTION").is_some() || std::env::var_os("SSH_TTY").is_some() {
        return Some(t("browser.reason_ssh"));
    }
    if cfg!(all(unix, not(target_os = "macos"))) {
        let has_display = std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty())
            || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
        if !has_display {
            return Some(t("browser.reason_no_display"));
        }
    }
    None
}

/// `url` if it is an `http` or `https` address; anything else is refused before the OS sees it.
pub fn web_link(url: &str) -> Result<url::Url, BrowserError> {
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(parsed),
        _ => Err(BrowserError::Failed(t("browser.not_web_link").to_string())),
    }
}

/// Opens `url` in the graphical browser.
pub fn open(url: &str) -> Result<(), BrowserError> {
    let link = web_link(url)?;
    if let Some(reason) = unavailable_reason() {
        return Err(BrowserError::Unavailable(reason));
    }
    open_link(link.as_str())
}

#[cfg(not(windows))]
fn open_link(url: &str) -> Result<(), BrowserError> {
    // Only graphical browsers: webbrowser's text-browser fallback would take the terminal.
    let options = webbrowser::BrowserOptions::new()
        .with_suppress_output(true)
        .clone();
    webbrowser::open_browser_with_options(webbrowser::Browser::Default, url, &options)
        .map_err(|e| BrowserError::Failed(e.to_string()))
}

/// The shell's "open" on a thread of its own: ShellExecuteW wants COM initialised on the
/// calling thread (shell extensions may run there), which a runtime's worker thread must not
/// be changed for.
#[cfg(windows)]
fn open_link(url: &str) -> Result<(), BrowserError> {
    let url = url.to_string();
    std::thread::spawn(move || shell_open(&url))
        .join()
        .unwrap_or_else(|_| Err(BrowserError::Failed("the shell stopped".to_string())))
}

#[cfg(windows)]
fn shell_open(url: &str) -> Result<(), BrowserError> {
    use std::ffi::OsStr;
    use std::os::windows::ffi::OsStrExt;
    use windows_sys::Win32::System::Com::{
        COINIT_APARTMENTTHREADED, COINIT_DISABLE_OLE1DDE, CoInitializeEx, CoUninitialize,
    };
    use windows_sys::Win32::UI::Shell::ShellExecuteW;
    use windows_sys::Win32::UI::WindowsAndMessaging::SW_SHOWNORMAL;

    let wide = |s: &str| -> Vec<u16> { OsStr::new(s).encode_wide().chain([0]).collect() };
    let (verb, file) = (wide("open"), wide(url));
    // SAFETY: COM is initialised on this thread (which exists for this call alone) and
    // uninitialised below when the call succeeded; the strings are NUL-terminated and live
    // across the call; no window handle and no parameters or directory are given.
    let (result, error) = unsafe {
        let com = CoInitializeEx(
            std::ptr::null(),
            (COINIT_APARTMENTTHREADED | COINIT_DISABLE_OLE1DDE) as u32,
        );
        let result = ShellExecuteW(
            std::ptr::null_mut(),
            verb.as_ptr(),
            file.as_ptr(),
            std::ptr::null(),
            std::ptr::null(),
            SW_SHOWNORMAL,
        );
        let error = std::io::Error::last_os_error();
        if com >= 0 {
            CoUninitialize();
        }
        (result as isize, error)
    };
    // Above 32 is success; at most 32 an error code (ShellExecuteW also sets the last error).
    if result > 32 {
        Ok(())
    } else {
        Err(BrowserError::Failed(error.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_handed_to_the_os() {
        assert!(web_link("https://login.microsoftonline.com/common/oauth2").is_ok());
        assert!(web_link("http://127.0.0.1:8400/callback").is_ok());
        for other in [
            "file:///C:/Windows/System32/calc.exe",
            "C:\\Windows\\System32\\calc.exe",
            "ms-settings:privacy",
            "javascript:alert(1)",
            "",
        ] {
            let e = web_link(other).unwrap_err();
            assert_eq!(
                e.to_string(),
                "The browser could not be opened (only http and https links are opened).",
                "{other}"
            );
        }
    }

    #[test]
    fn a_refused_link_never_reaches_the_browser() {
        // Refused before the environment is even asked: no browser starts in a test.
        assert!(matches!(
            open("file:///etc/passwd"),
            Err(BrowserError::Failed(_))
        ));
    }

    #[test]
    fn the_errors_read_as_the_sentences_callers_show() {
        assert_eq!(
            BrowserError::Unavailable("this is an SSH session").to_string(),
            "No browser was opened (this is an SSH session)."
        );
        assert_eq!(
            BrowserError::Failed("no handler".into()).to_string(),
            "The browser could not be opened (no handler)."
        );
    }
}
