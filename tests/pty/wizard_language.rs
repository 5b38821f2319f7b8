//! The language of the real binary's screens: German under a German locale, English when
//! `--lang en` says so, whatever the locale.
#![cfg(unix)]

use crate::support;

use exowiz::i18n::{Language, text};
use std::time::Duration;
use support::pty::{Key, Pty};

/// A debug build starting the demo tenant on a busy 2-core machine can take a while.
const START: Duration = Duration::from_secs(30);

/// Starts `exowiz demo --reset` plus `args` with `env`, waits for `language`'s Welcome
/// heading and its key bar ("Enter continue"), and quits. Returns the screen it saw.
fn welcome_in(language: Language, args: &[&str], env: &[(&str, &str)]) -> String {
    let data = tempfile::tempdir().unwrap();
    let mut all = vec!["demo", "--reset"];
    all.extend_from_slice(args);
    let mut pty = Pty::exowiz_with_env(&all, data.path(), env);
    let key_bar = format!(
        "{} {}",
        text(language, "key_name.enter"),
        text(language, "key.next")
    );
    for wanted in [text(language, "welcome.choose"), key_bar.as_str()] {
        if let Err(screen) = pty.wait_for_text(wanted, START) {
            panic!("'{wanted}' did not appear:\n{screen}");
        }
    }
    let screen = pty.screen_text();
    pty.send_key(Key::CtrlC);
    let status = pty
        .wait_exit(Duration::from_secs(15))
        .expect("exowiz exits after Ctrl+C");
    assert_eq!(status.exit_code(), 0, "{status:?}");
    screen
}

#[test]
fn a_german_locale_shows_german() {
    // The key bar is German too ("Eingabe weiter"), key names included.
    let screen = welcome_in(Language::German, &[], &[("LANG", "de_DE.UTF-8")]);
    assert!(!screen.contains(text(Language::English, "welcome.choose")));
}

#[test]
fn lang_en_beats_a_german_locale() {
    let screen = welcome_in(
        Language::English,
        &["--lang", "en"],
        &[("LANG", "de_DE.UTF-8"), ("LC_ALL", "de_AT.UTF-8")],
    );
    assert!(!screen.contains(text(Language::German, "welcome.choose")));
}

#[test]
fn lang_de_beats_an_english_locale() {
    welcome_in(
        Language::German,
        &["--lang", "de"],
        &[("LANG", "en_US.UTF-8")],
    );
}
