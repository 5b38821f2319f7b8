//! Opening a link in the admin's browser, only where that makes sense: a graphical session on
//! this machine and not over SSH. Otherwise callers show the link (and a device code) instead;
//! a text-mode browser must never take over the terminal.

use crate::i18n::{t, tf};

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

/// Opens `url` in the graphical browser; an error is a sentence for the screen.
pub fn open(url: &str) -> Result<(), String> {
    if let Some(reason) = unavailable_reason() {
        return Err(tf("browser.not_opened", &[("reason", reason)]));
    }
    // Only graphical browsers: webbrowser's text-browser fallback would take the terminal.
    let options = webbrowser::BrowserOptions::new()
        .with_suppress_output(true)
        .clone();
    webbrowser::open_browser_with_options(webbrowser::Browser::Default, url, &options)
        .map_err(|e| tf("browser.failed", &[("error", &e.to_string())]))
}
