//! Issue 11, "wizard bookkeeping by hand": whether a job runs used to be answered by three
//! hand-kept lists (the runtime's tick, quitting's question, and the quit dialog's text) that
//! disagreed. These tests start real jobs through `update` and ask all three.

use super::support::*;
use crate::i18n::t;
use crate::wizard::state::Popup;
use crate::wizard::state::WizardState;
use crate::wizard::step::Step;
use crate::wizard::update::{job_running, quit_needs_confirmation};
use crossterm::event::KeyCode;

/// While a job the admin waits for works, the spinner turns (ticks) and quitting asks first:
/// the two answers come from the same place.
fn ticks_and_guards_quit(state: &WizardState, what: &str) {
    assert!(state.wants_tick(), "{what}: the spinner turns");
    assert!(job_running(state), "{what}: quitting would lose it");
    assert!(
        quit_needs_confirmation(state),
        "{what}: quitting asks first"
    );
}

/// The permission picker's catalogue read shows a spinner, but quitting did not ask (the tick
/// list had it, the quit list did not).
#[test]
fn reading_the_permission_catalogue_ticks_and_holds_up_quitting() {
    let (state, _) = at("custom", Step::Review);
    assert!(state.picker.open);
    ticks_and_guards_quit(&state, "catalogue");
}

/// Listing the apps asks before quitting, and the quit dialog must then say that a job runs;
/// its own list left the app browser out and it said only "quit?".
#[test]
fn the_quit_dialog_names_the_running_app_listing() {
    let (mut state, _) = at("bueroware", Step::Accounts);
    press(&mut state, KeyCode::Down);
    ticks_and_guards_quit(&state, "app listing");
    letter(&mut state, 'q');
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    let screen = words(&screen_text(&state, 100, 30));
    let said = words(t("quit.job_running"));
    assert!(screen.contains(&said), "{screen}");
}
