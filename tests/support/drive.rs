//! Driving the wizard through its screens in a pseudo-terminal, recognising each screen by a
//! catalogue text (so a reworded screen changes one place, not the tests).

use super::pty::{Key, Pty};
use exowiz::i18n::t;
use std::time::Duration;

/// The first words of a catalogue text (before any placeholder): enough to recognise a screen,
/// short enough not to wrap.
pub fn marker(key: &str) -> String {
    let text = t(key);
    let head = text.split('{').next().unwrap_or(text);
    head.chars().take(36).collect::<String>().trim().to_string()
}

/// Waits until the screen shows `key`'s text.
pub fn wait(pty: &Pty, key: &str, seconds: u64) {
    let text = marker(key);
    if let Err(screen) = pty.wait_for_text(&text, Duration::from_secs(seconds)) {
        panic!("'{text}' ({key}) did not appear: {screen}");
    }
}

/// Presses Enter until the screen shows `key`'s text (a step may need a second Enter, e.g. once
/// a background check has finished).
pub fn enter_until(pty: &mut Pty, key: &str, seconds: u64) {
    let text = marker(key);
    for _ in 0..3 {
        pty.send_key(Key::Enter);
        if pty
            .wait_for_text(&text, Duration::from_secs(seconds))
            .is_ok()
        {
            return;
        }
    }
    panic!("'{text}' ({key}) did not appear:\n{}", pty.screen_text());
}

/// Waits until the process has written `needle` (raw bytes, e.g. an escape sequence).
pub fn wait_for_output(pty: &Pty, needle: &str, seconds: u64) -> bool {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    while !String::from_utf8_lossy(&pty.raw_output()).contains(needle) {
        if std::time::Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    true
}
