//! Overlays: the help (any key closes it), and the dialogs with buttons (`dialog`): Enter
//! presses the highlighted button, Tab and the arrows move the highlight, `y`/`n` press one.

use super::{check, consent, quit_now, request_quit, resume, rotate};
use crate::wizard::dialog::{self, Choice};
use crate::wizard::effect::Effect;
use crate::wizard::keymap::{self, Action, Key};
use crate::wizard::state::{Popup, WizardState};
use crossterm::event::KeyEvent;

pub(super) fn on_key(state: &mut WizardState, popup: Popup, event: &KeyEvent) -> Vec<Effect> {
    if popup == Popup::Help {
        state.popup = None;
        // Ctrl+C quits from anywhere, the help included.
        if Key::ctrl('c').matches(event) {
            return request_quit(state);
        }
        return Vec::new();
    }
    match keymap::action_for(state, event) {
        Some(Action::Next) => match dialog::focused(state) {
            Choice::Act => act(state, popup),
            Choice::Safe => cancel(state, popup),
        },
        Some(Action::Confirm) => act(state, popup),
        Some(Action::Cancel) => cancel(state, popup),
        Some(Action::FocusNext | Action::FocusPrev) => {
            dialog::move_focus(state);
            Vec::new()
        }
        Some(Action::Quit) => {
            state.popup = None;
            request_quit(state)
        }
        _ => Vec::new(),
    }
}

/// The acting button: quit, grant, remove, apply, continue.
fn act(state: &mut WizardState, popup: Popup) -> Vec<Effect> {
    match popup {
        Popup::ConfirmQuit => quit_now(state),
        Popup::ConfirmGrant => {
            state.popup = None;
            consent::grant(state)
        }
        Popup::ConfirmRemoveOld => {
            state.popup = None;
            rotate::remove_old(state)
        }
        Popup::ConfirmApplyFixes => {
            state.popup = None;
            check::apply(state)
        }
        Popup::ResumeOffer => resume::accept(state),
        Popup::Help => Vec::new(),
    }
}

/// The safe button: stay, cancel, not now.
fn cancel(state: &mut WizardState, popup: Popup) -> Vec<Effect> {
    if popup == Popup::ResumeOffer {
        return resume::decline(state);
    }
    state.popup = None;
    Vec::new()
}
