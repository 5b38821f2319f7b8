//! The keys of every step in one table. The same table decides what a key does (`action_for`)
//! and draws the key-help bar and the `?` help (`bindings`), so the two cannot disagree.
//! While a text field has the focus, printable keys type into it and never trigger a shortcut.

use super::state::WizardState;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does, independent of which key it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Enter: continue / choose / confirm.
    Next,
    /// Esc: one step back (typed values are kept), or close a popup.
    Back,
    Up,
    Down,
    /// Tab / Shift+Tab between inputs.
    FocusNext,
    FocusPrev,
    /// Lower / raise a number (secret lifetime).
    Decrease,
    Increase,
    Help,
    Quit,
    /// Copy the device code / the consent link / the focused value on the done screen.
    Copy,
    /// Open the link (sign-in page, consent link) in the browser.
    OpenLink,
    /// Done screen: show or hide the secret.
    Reveal,
    /// Consent step: grant from the tool (asks for confirmation first).
    Grant,
    /// Transport step: take the shorter transfer-domain suggestion.
    UseSuggestion,
    /// Accounts step (by hand): look the tenant ID up from the typed domain.
    LookupTenant,
    /// Popups: Yes / No.
    Confirm,
    Cancel,
}

/// A key as the help bar shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    /// Does the pressed key match? (Shift is ignored for characters: `?` arrives with Shift.)
    pub fn matches(&self, event: &KeyEvent) -> bool {
        let relevant = |m: KeyModifiers| m & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        match (self.code, event.code) {
            (KeyCode::Char(a), KeyCode::Char(b)) => {
                a.eq_ignore_ascii_case(&b) && relevant(self.modifiers) == relevant(event.modifiers)
            }
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => a == b && relevant(self.modifiers) == relevant(event.modifiers),
        }
    }

    /// How the key is written in the help bar, e.g. "Enter", "Esc", "Ctrl+L", "c".
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "Shift+Tab".to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl+{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// One row of the key map: keys, what they do, and the catalogue key of the help text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub keys: Vec<Key>,
    pub action: Action,
    /// Message-catalogue key of the short description ("continue", "back", …).
    pub label_key: &'static str,
    /// Shown in the one-line help bar (all bindings are shown in the `?` help).
    pub in_bar: bool,
}

/// The bindings that apply now: current step, focus and popup.
pub fn bindings(state: &WizardState) -> Vec<Binding> {
    let _ = state;
    // Filled in by the key-map work: per step, focus and popup.
    let b = |keys: Vec<Key>, action, label_key| Binding {
        keys,
        action,
        label_key,
        in_bar: true,
    };
    vec![
        b(vec![Key::plain(KeyCode::Enter)], Action::Next, "key.next"),
        b(vec![Key::plain(KeyCode::Esc)], Action::Back, "key.back"),
        b(
            vec![Key::plain(KeyCode::Char('?'))],
            Action::Help,
            "key.help",
        ),
        b(vec![Key::ctrl('c')], Action::Quit, "key.quit"),
    ]
}

/// The action a key triggers now, if any. Printable keys reach a focused text field instead
/// (the caller checks `text_input_focused` first).
pub fn action_for(state: &WizardState, event: &KeyEvent) -> Option<Action> {
    bindings(state)
        .into_iter()
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}
