//! The keys of every step in one table. The same table decides what a key does (`action_for`)
//! and draws the key-help bar (`bindings`) and the `?` help (`help_bindings`: the step under
//! the popup), so they cannot disagree. While a text field has the focus
//! (`text_input_focused`), printable keys type into it and never trigger a shortcut; F1 and
//! Ctrl+C still work there.

use super::state::{
    AccountsChoice, AccountsFocus, Check, Popup, SignInPhase, VerifyState, WizardState,
};
use super::step::Step;
use crate::i18n::{t, tf};
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
    /// Transport step: take the offered transfer-domain alternative (the full name).
    UseSuggestion,
    /// Accounts step (by hand): look the tenant ID up from the typed domain.
    LookupTenant,
    /// Popups: Yes / No.
    Confirm,
    Cancel,
    /// Verify step: continue to Done although the check failed.
    Skip,
    /// Done (rotate job): remove the older secrets (asks for confirmation first).
    RemoveOld,
    /// Done: save the Exchange Online commands as one PowerShell script.
    SaveCommands,
    /// Findings: select / unselect the highlighted fix; permission picker: choose the
    /// highlighted permission.
    Toggle,
    /// Review (custom connector): open the permission picker.
    ChoosePermissions,
    /// Findings: select every fix (or none, when all are selected).
    ToggleAll,
    /// Ctrl+U in a text field: clear it.
    ClearField,
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

    /// How the key is written in the help bar, e.g. "Enter", "Esc", "Ctrl+L", "c". Named keys
    /// come from the catalogue, as the keyboard of the language labels them ("Strg+L").
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Enter => t("key_name.enter").to_string(),
            KeyCode::Esc => t("key_name.esc").to_string(),
            KeyCode::Tab => t("key_name.tab").to_string(),
            KeyCode::BackTab => t("key_name.shift_tab").to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::Char(' ') => t("key_name.space").to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            tf("key_name.ctrl", &[("key", &base.to_uppercase())])
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

/// The bindings that apply now: current step, focus and popup. While a text field has the
/// focus, no binding is a printable character (those type into the field).
pub fn bindings(state: &WizardState) -> Vec<Binding> {
    if let Some(popup) = state.popup {
        let mut out = Vec::new();
        popup_bindings(state, popup, &mut out);
        return out;
    }
    step_and_global_bindings(state, text_input_focused(state))
}

/// What the `?` help lists: the bindings of the step under the help popup (all of them, also
/// those not in the bar).
pub fn help_bindings(state: &WizardState) -> Vec<Binding> {
    step_and_global_bindings(state, super::update::focused_field(state).is_some())
}

fn step_and_global_bindings(state: &WizardState, typing: bool) -> Vec<Binding> {
    let mut out = Vec::new();
    step_bindings(state, &mut out);
    if super::update::back_is_blocked(state) {
        // Esc only explains: the bar must not promise a way back.
        out.push(help_only(
            vec![Key::plain(KeyCode::Esc)],
            Action::Back,
            "key.no_back",
        ));
    } else {
        let back_label = if state.step == Step::Welcome {
            "key.quit"
        } else {
            "key.back"
        };
        out.push(bar(
            vec![Key::plain(KeyCode::Esc)],
            Action::Back,
            back_label,
        ));
    }
    if typing {
        out.push(help_only(
            vec![Key::ctrl('u')],
            Action::ClearField,
            "key.clear",
        ));
        out.push(bar(vec![plain(KeyCode::F(1))], Action::Help, "key.help"));
        out.push(bar(vec![Key::ctrl('c')], Action::Quit, "key.quit"));
    } else {
        out.push(bar(
            vec![ch('?'), plain(KeyCode::F(1))],
            Action::Help,
            "key.help",
        ));
        out.push(bar(vec![ch('q'), Key::ctrl('c')], Action::Quit, "key.quit"));
    }
    out
}

/// True when a text field has the focus: printable keys and paste go into it, and letter
/// shortcuts are off.
pub fn text_input_focused(state: &WizardState) -> bool {
    state.popup.is_none() && super::update::focused_field(state).is_some()
}

fn bar(keys: Vec<Key>, action: Action, label_key: &'static str) -> Binding {
    Binding {
        keys,
        action,
        label_key,
        in_bar: true,
    }
}

/// Shown in the `?` help only.
fn help_only(keys: Vec<Key>, action: Action, label_key: &'static str) -> Binding {
    Binding {
        in_bar: false,
        ..bar(keys, action, label_key)
    }
}

const fn ch(c: char) -> Key {
    Key::plain(KeyCode::Char(c))
}

const fn plain(code: KeyCode) -> Key {
    Key::plain(code)
}

/// `j` ("ja") confirms wherever `y` does, for an admin answering a German popup. Its own label
/// keeps it out of the bar (the bar merges bindings by label), which keeps naming `y` in both
/// languages.
fn ja() -> Binding {
    help_only(vec![ch('j')], Action::Confirm, "key.yes_ja")
}

/// A dialog's keys (`dialog`): Enter presses the highlighted button and the bar says which it
/// is; Tab, Shift+Tab and the arrows move the highlight; `y` (`j`) and `n`/Esc press a button
/// directly. Ctrl+C in the quit dialog is the second Ctrl+C that quits; elsewhere it asks.
fn popup_bindings(state: &WizardState, popup: Popup, out: &mut Vec<Binding>) {
    use super::dialog::{self, Choice};
    if !dialog::has_buttons(popup) {
        // Any key closes the help; Esc is the one the bar names.
        out.push(bar(vec![plain(KeyCode::Esc)], Action::Back, "key.close"));
        return;
    }
    let (safe, act) = dialog::key_labels(popup);
    let enter_label = match dialog::focused(state) {
        Choice::Safe => safe,
        Choice::Act => act,
    };
    out.push(bar(vec![plain(KeyCode::Enter)], Action::Next, enter_label));
    let mut yes = vec![ch('y')];
    match popup {
        Popup::ConfirmQuit => yes.push(Key::ctrl('c')),
        // "c" as in continue, which the offer's text names.
        Popup::ResumeOffer => yes.insert(0, ch('c')),
        _ => {}
    }
    out.push(bar(yes, Action::Confirm, act));
    out.push(ja());
    out.push(bar(
        vec![ch('n'), plain(KeyCode::Esc)],
        Action::Cancel,
        safe,
    ));
    out.push(bar(
        vec![
            plain(KeyCode::Tab),
            plain(KeyCode::Left),
            plain(KeyCode::Right),
        ],
        Action::FocusNext,
        "key.other_button",
    ));
    out.push(help_only(
        vec![
            plain(KeyCode::BackTab),
            plain(KeyCode::Up),
            plain(KeyCode::Down),
        ],
        Action::FocusPrev,
        "key.other_button_too",
    ));
    if popup != Popup::ConfirmQuit {
        out.push(help_only(vec![Key::ctrl('c')], Action::Quit, "key.quit"));
    }
}

fn up_down(out: &mut Vec<Binding>, label_key: &'static str) {
    out.push(bar(vec![plain(KeyCode::Up)], Action::Up, label_key));
    out.push(bar(vec![plain(KeyCode::Down)], Action::Down, label_key));
}

/// Tab / Down to the next input, Shift+Tab / Up to the previous one.
fn focus_keys(out: &mut Vec<Binding>, with_arrows: bool) {
    let mut next = vec![plain(KeyCode::Tab)];
    let mut prev = vec![plain(KeyCode::BackTab)];
    if with_arrows {
        next.push(plain(KeyCode::Down));
        prev.push(plain(KeyCode::Up));
    }
    out.push(bar(next, Action::FocusNext, "key.next_field"));
    out.push(help_only(prev, Action::FocusPrev, "key.prev_field"));
}

fn enter(out: &mut Vec<Binding>, label_key: &'static str) {
    out.push(bar(vec![plain(KeyCode::Enter)], Action::Next, label_key));
}

fn step_bindings(state: &WizardState, out: &mut Vec<Binding>) {
    match state.step {
        Step::Welcome => {
            out.push(bar(
                vec![plain(KeyCode::Left)],
                Action::FocusPrev,
                "key.choose_job",
            ));
            out.push(bar(
                vec![plain(KeyCode::Right)],
                Action::FocusNext,
                "key.choose_job",
            ));
            up_down(out, "key.choose_profile");
            enter(out, "key.next");
        }
        Step::SignIn => match &state.sign_in {
            SignInPhase::Choose | SignInPhase::Failed(_) => {
                if state.browser_available {
                    up_down(out, "key.choose_method");
                    out.push(help_only(
                        vec![plain(KeyCode::Tab)],
                        Action::FocusNext,
                        "key.choose_method",
                    ));
                }
                let label = if matches!(state.sign_in, SignInPhase::Failed(_)) {
                    "key.retry"
                } else {
                    "key.sign_in"
                };
                enter(out, label);
            }
            SignInPhase::WaitingForBrowser { .. } => {
                out.push(bar(vec![ch('o')], Action::OpenLink, "key.open_link"));
                out.push(bar(vec![ch('c')], Action::Copy, "key.copy_link"));
            }
            SignInPhase::WaitingForDeviceCode { .. } => {
                out.push(bar(vec![ch('c')], Action::Copy, "key.copy_code"));
                out.push(bar(vec![ch('o')], Action::OpenLink, "key.open_link"));
            }
            SignInPhase::Starting | SignInPhase::LoadingTenant => {}
            SignInPhase::SignedIn => enter(out, "key.next"),
        },
        Step::InstallType => {
            up_down(out, "key.choose");
            enter(out, "key.next");
        }
        Step::Transport => {
            focus_keys(out, true);
            if state.transport.focus >= 1 {
                out.push(bar(
                    vec![Key::ctrl('s')],
                    Action::UseSuggestion,
                    "key.use_suggestion",
                ));
            }
            enter(out, "key.check_and_next");
        }
        Step::Accounts => accounts_bindings(state, out),
        Step::App => {
            up_down(out, "key.select_app");
            enter(out, "key.choose_app");
        }
        Step::Findings => match &state.check.report {
            Check::Done(_) if !state.check.applying && !state.check.fixable().is_empty() => {
                up_down(out, "key.choose_fix");
                out.push(bar(vec![ch(' ')], Action::Toggle, "key.toggle_fix"));
                out.push(bar(vec![ch('a')], Action::ToggleAll, "key.toggle_all"));
                enter(out, "key.apply_fixes");
            }
            Check::Failed(_) => enter(out, "key.retry"),
            _ => {}
        },
        Step::Secrets => match &state.rotate.secrets {
            Check::Done(_) if !state.rotate.creating => {
                out.push(bar(
                    vec![plain(KeyCode::Left), ch('-')],
                    Action::Decrease,
                    "key.shorter",
                ));
                out.push(bar(
                    vec![plain(KeyCode::Right), ch('+')],
                    Action::Increase,
                    "key.longer",
                ));
                enter(out, "key.create_secret");
            }
            Check::Failed(_) => enter(out, "key.retry"),
            _ => {}
        },
        Step::Review if state.picker.open => match &state.picker.catalog {
            crate::wizard::state::Check::Done(_) => {
                up_down(out, "key.choose_permission");
                out.push(bar(vec![ch(' ')], Action::Toggle, "key.toggle_permission"));
                enter(out, "key.confirm_permissions");
            }
            crate::wizard::state::Check::Failed(_) => enter(out, "key.retry"),
            _ => {}
        },
        Step::Review => {
            if super::update::chooses_permissions(state) {
                out.push(bar(
                    vec![ch('p')],
                    Action::ChoosePermissions,
                    "key.choose_permissions",
                ));
            }
            out.push(bar(
                vec![plain(KeyCode::Left), plain(KeyCode::BackTab)],
                Action::FocusPrev,
                "key.choose",
            ));
            out.push(bar(
                vec![plain(KeyCode::Right), plain(KeyCode::Tab)],
                Action::FocusNext,
                "key.choose",
            ));
            enter(out, "key.confirm_choice");
            if !state.profile().permissions_for(state.mode).is_empty() {
                up_down(out, "key.read_reason");
            }
        }
        Step::Register => {
            if state.register.error.is_some() {
                enter(out, "key.retry");
            } else {
                // Only says that it runs.
                out.push(help_only(
                    vec![plain(KeyCode::Enter)],
                    Action::Next,
                    "key.next",
                ));
            }
        }
        Step::Consent => {
            out.push(bar(vec![ch('o')], Action::OpenLink, "key.open_link"));
            out.push(bar(vec![ch('c')], Action::Copy, "key.copy_link"));
            if !state.consent.granting {
                out.push(bar(vec![ch('g')], Action::Grant, "key.grant"));
            }
            enter(out, "key.next");
        }
        Step::Verify => match state.verify {
            VerifyState::Passed(_) => enter(out, "key.next"),
            VerifyState::Failed(_) => {
                out.push(bar(
                    vec![plain(KeyCode::Enter), ch('r')],
                    Action::Next,
                    "key.retry",
                ));
                out.push(bar(vec![ch('s')], Action::Skip, "key.skip"));
            }
            VerifyState::NotStarted | VerifyState::Running => {}
        },
        Step::Done => {
            focus_keys(out, true);
            out.push(bar(vec![ch('c')], Action::Copy, "key.copy"));
            let reveal = if state.done.revealed {
                "key.hide"
            } else {
                "key.reveal"
            };
            out.push(bar(vec![ch('r')], Action::Reveal, reveal));
            if super::update::can_remove_old(state) {
                out.push(bar(vec![ch('x')], Action::RemoveOld, "key.remove_old"));
            }
            if state
                .app
                .as_ref()
                .is_some_and(|a| !a.exchange_commands.is_empty())
            {
                out.push(bar(
                    vec![ch('s')],
                    Action::SaveCommands,
                    "key.save_commands",
                ));
            }
            enter(out, "key.finish");
        }
    }
}

fn accounts_bindings(state: &WizardState, out: &mut Vec<Binding>) {
    let accounts = &state.accounts;
    match accounts.focus {
        AccountsFocus::Choice => {
            up_down(out, "key.choose");
            focus_keys(out, false);
        }
        AccountsFocus::BrowserFilter => {
            up_down(out, "key.select_app");
            focus_keys(out, false);
        }
        AccountsFocus::SecretMonths => {
            out.push(bar(
                vec![plain(KeyCode::Left), ch('-')],
                Action::Decrease,
                "key.shorter",
            ));
            out.push(bar(
                vec![plain(KeyCode::Right), ch('+')],
                Action::Increase,
                "key.longer",
            ));
            focus_keys(out, true);
        }
        AccountsFocus::AppName
        | AccountsFocus::ManualTenant
        | AccountsFocus::ManualClientId
        | AccountsFocus::ManualSecret => focus_keys(out, true),
    }
    if accounts.focus == AccountsFocus::ManualTenant && accounts.choice == AccountsChoice::Manual {
        out.push(bar(
            vec![Key::ctrl('l')],
            Action::LookupTenant,
            "key.lookup_tenant",
        ));
    }
    let choosing = accounts.focus == AccountsFocus::BrowserFilter
        && super::update::highlighted_app(state)
            .is_some_and(|app| accounts.browser.chosen.as_ref() != Some(app));
    enter(
        out,
        if choosing {
            "key.choose_app"
        } else {
            "key.next"
        },
    );
}

/// The action a key triggers now, if any. Printable keys reach a focused text field instead
/// (the caller checks `text_input_focused` first).
pub fn action_for(state: &WizardState, event: &KeyEvent) -> Option<Action> {
    bindings(state)
        .into_iter()
        .find(|b| b.keys.iter().any(|k| k.matches(event)))
        .map(|b| b.action)
}
