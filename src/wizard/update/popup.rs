//! Overlays: the help (any key closes it), and the two confirmations (quit, grant consent).

use super::{check, consent, quit_now, request_quit, resume, rotate};
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
        Some(Action::Confirm) => match popup {
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
        },
        Some(Action::Cancel) if popup == Popup::ResumeOffer => resume::decline(state),
        Some(Action::Cancel) => {
            state.popup = None;
            Vec::new()
        }
        Some(Action::Quit) => {
            state.popup = None;
            request_quit(state)
        }
        _ => Vec::new(),
    }
}
