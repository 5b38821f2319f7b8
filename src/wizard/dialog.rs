//! The one dialog-with-focus every confirmation uses (quit, grant consent, remove older
//! secrets, apply fixes, continue an interrupted run): two buttons, the safe one on the left and
//! the acting one on the right, one of them highlighted. Enter presses the highlighted button;
//! Tab, Shift+Tab and the arrows move the highlight; `y`/`n` (and Esc) press a button directly.
//!
//! The highlight opens on the safe button: a choice that changes the tenant or loses something
//! is never Enter's default. The one exception is the offer to continue an interrupted run,
//! where continuing is the safe answer (no second app) and the dialog says so in words.

use super::state::{Popup, WizardState};

/// A button of a confirmation dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// Stay, cancel, not now: nothing changes.
    Safe,
    /// Quit, grant, remove, apply, continue.
    Act,
}

/// Where the highlight is in the open dialog. Kept with the popup it belongs to, so a dialog
/// opened later (however it is opened) starts on its default again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialogFocus {
    pub popup: Popup,
    pub choice: Choice,
}

/// The button a dialog opens on.
pub fn default_choice(popup: Popup) -> Choice {
    match popup {
        Popup::ResumeOffer => Choice::Act,
        _ => Choice::Safe,
    }
}

/// Whether `popup` is a dialog with buttons (the help is not: any key closes it).
pub fn has_buttons(popup: Popup) -> bool {
    popup != Popup::Help
}

/// The highlighted button of the open dialog (`Safe` when none is open).
pub fn focused(state: &WizardState) -> Choice {
    let Some(popup) = state.popup else {
        return Choice::Safe;
    };
    match state.dialog_focus {
        Some(focus) if focus.popup == popup => focus.choice,
        _ => default_choice(popup),
    }
}

/// Moves the highlight to the other button (two buttons: every direction is the other one).
pub fn move_focus(state: &mut WizardState) {
    let Some(popup) = state.popup else { return };
    let choice = match focused(state) {
        Choice::Safe => Choice::Act,
        Choice::Act => Choice::Safe,
    };
    state.dialog_focus = Some(DialogFocus { popup, choice });
}

/// Catalogue keys of a dialog's buttons: (safe, act).
pub fn button_keys(popup: Popup) -> (&'static str, &'static str) {
    match popup {
        Popup::ConfirmQuit | Popup::Help => ("quit.stay", "quit.quit"),
        Popup::ConfirmGrant => ("grant.cancel", "grant.grant"),
        Popup::ConfirmRemoveOld => ("remove_old.cancel", "remove_old.remove"),
        Popup::ConfirmApplyFixes => ("apply_fixes.cancel", "apply_fixes.apply"),
        Popup::ResumeOffer => ("resume.back", "resume.continue"),
    }
}

/// Key-bar labels of a dialog's buttons: (safe, act).
pub fn key_labels(popup: Popup) -> (&'static str, &'static str) {
    match popup {
        Popup::ConfirmQuit | Popup::Help => ("key.stay", "key.quit_now"),
        Popup::ConfirmGrant => ("key.cancel", "key.grant_now"),
        Popup::ConfirmRemoveOld => ("key.cancel", "key.remove_now"),
        Popup::ConfirmApplyFixes => ("key.cancel", "key.apply_now"),
        Popup::ResumeOffer => ("key.not_now", "key.continue_run"),
    }
}
