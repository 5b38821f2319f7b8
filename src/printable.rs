//! Text from the tenant (app names, secret descriptions, Graph's error messages) or from the
//! command line must not steer the admin's terminal (issue 14.8): an app owner can name an app
//! with an OSC 52 sequence that fills the clipboard, or with a clear-screen. Before such text
//! is printed, every control character becomes a visible escape.
//!
//! The wizard draws through ratatui, which drops control characters from every cell it writes
//! (ratatui-core `Buffer::set_stringn` and `Span::styled_graphemes`); the command-line output
//! goes through [`printable`] and JSON output through [`printable_json`].

use std::borrow::Cow;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

/// Characters that must not reach a terminal as they are: C0 (but line feed and tab, which
/// printed text uses for its layout), DEL, C1, and the bidirectional overrides that can make
/// text read differently from what it is.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every unsafe character written as a visible escape, e.g. ESC as `\u{1b}`.
/// Borrowed when nothing needed escaping (the usual case).
pub fn printable(text: &str) -> Cow<'_, str> {
    escape_with(text, |c, out| {
        out.push_str(&format!("\\u{{{:x}}}", c as u32));
    })
}

/// Like [`printable`], but also escapes line feeds and tabs: for one value that must stay on
/// its line (a name in a sentence, an argument in an error message).
pub fn printable_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\t']) {
        return printable(text);
    }
    let escaped: String = text
        .chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            c => c.to_string(),
        })
        .collect();
    Cow::Owned(printable(&escaped).into_owned())
}

/// Serialized JSON made safe for a terminal while staying the same JSON: serde_json already
/// writes C0 as `\u00XX`; DEL, C1 and the bidi overrides become `\uXXXX` escapes too (they can
/// only occur inside strings), so a parser reads exactly the same value.
pub fn printable_json(json: &str) -> Cow<'_, str> {
    escape_with(json, |c, out| {
        out.push_str(&format!("\\u{:04x}", c as u32));
    })
}

fn escape_with(text: &str, escape: impl Fn(char, &mut String)) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The first control character of a name typed on the command line, for a refusal that says
/// which one (names with one would print as escapes everywhere and confuse every portal).
pub fn first_control_char(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control() || is_unsafe(*c))
}

/// Set once a line could not be written to stdout (a closed pipe: `exowiz status | head -1`).
static STDOUT_LOST: AtomicBool = AtomicBool::new(false);

/// Writes `text` and a line break to stdout. A failed write (closed pipe, full disk) does not
/// panic as `println!` would: the command goes on to its own exit code, and
/// [`stdout_lost`] tells the callers that hand a secret over that it never reached anyone.
pub fn out_line(text: &str) {
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{text}").and_then(|_| out.flush()).is_err() {
        STDOUT_LOST.store(true, Ordering::SeqCst);
    }
}

/// Writes `text` and a line break to stderr; a closed stderr is ignored (there is nobody left
/// to tell).
pub fn err_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Whether any stdout line was lost: then no value printed on stdout counts as handed over.
pub fn stdout_lost() -> bool {
    STDOUT_LOST.load(Ordering::SeqCst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_clear_screen_c1_and_del_become_visible() {
        let name = "Evil\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{9b}31m\x7f\u{202e}";
        let out = printable(name);
        assert!(!out.chars().any(|c| c.is_control()), "{out:?}");
        assert_eq!(
            out,
            "Evil\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}[2J\\u{9b}31m\\u{7f}\\u{202e}"
        );
    }

    #[test]
    fn ordinary_text_is_borrowed_and_keeps_lines_and_umlauts() {
        let text = "Größe\tok\nnext line";
        assert!(matches!(printable(text), Cow::Borrowed(_)));
        assert_eq!(printable_line(text), "Größe\\tok\\nnext line");
    }

    #[test]
    fn json_stays_the_same_json() {
        let value = serde_json::json!({ "name": "a\u{9b}b\u{7f}\u{1b}c" });
        let text = serde_json::to_string(&value).unwrap();
        let safe = printable_json(&text);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn control_characters_in_names_are_found() {
        assert_eq!(first_control_char("OfficeMaster EWS"), None);
        assert_eq!(first_control_char("a\x1b[2Jb"), Some('\x1b'));
        assert_eq!(first_control_char("a\nb"), Some('\n'));
    }
}
