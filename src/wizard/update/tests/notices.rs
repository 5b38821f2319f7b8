//! Clipboard notices, the countdown, the browser, the spinner.

use super::support::*;
use crate::browser::BrowserError;
use crate::clipboard::ClipboardError;
use crate::wizard::msg::Msg;
use crate::wizard::state::{ClipboardNotice, ClipboardVia, DoneFocus, StatusKind, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::{TICKS_PER_SECOND, go_to, update};

fn copied(state: &mut WizardState, label: &str, clears_in: Option<u32>) {
    assert!(
        update(
            state,
            Msg::Copied {
                label: label.into(),
                result: Ok(ClipboardVia::System),
                clears_in,
            },
        )
        .is_empty()
    );
}

fn seconds(state: &mut WizardState, n: usize) {
    for _ in 0..n * TICKS_PER_SECOND {
        assert!(update(state, Msg::Tick).is_empty());
    }
}

#[test]
fn copied_sets_the_notice() {
    let mut state = wizard("officemaster");
    copied(&mut state, "device code", None);
    assert_eq!(
        state.clipboard,
        Some(ClipboardNotice {
            label: "device code".into(),
            via: ClipboardVia::System,
            clears_in: None,
        })
    );
    assert!(!state.wants_tick());
}

#[test]
fn the_countdown_goes_down_once_a_second_and_stops_at_zero() {
    let mut state = wizard("officemaster");
    copied(&mut state, "Client Secret", Some(3));
    assert!(state.wants_tick());
    seconds(&mut state, 1);
    assert_eq!(state.clipboard.as_ref().unwrap().clears_in, Some(2));
    seconds(&mut state, 2);
    let notice = state.clipboard.as_ref().unwrap();
    assert_eq!(notice.clears_in, None, "no countdown below zero");
    assert_eq!(notice.label, "Client Secret", "the notice stays");
    assert!(!state.wants_tick());
    seconds(&mut state, 2);
    assert!(state.clipboard.is_some());
}

#[test]
fn tick_turns_the_spinner() {
    let mut state = wizard("officemaster");
    update(&mut state, Msg::Tick);
    update(&mut state, Msg::Tick);
    assert_eq!(state.spinner, 2);
}

#[test]
fn clipboard_cleared_updates_the_notice() {
    let mut state = wizard("officemaster");
    copied(&mut state, "Client Secret", Some(90));
    update(
        &mut state,
        Msg::ClipboardCleared {
            label: "Client Secret".into(),
            cleared: true,
        },
    );
    assert_eq!(state.clipboard, None);
    assert!(state.status.as_ref().unwrap().text.contains("removed"));

    copied(&mut state, "Client Secret", Some(90));
    update(
        &mut state,
        Msg::ClipboardCleared {
            label: "Client Secret".into(),
            cleared: false,
        },
    );
    assert_eq!(state.clipboard.as_ref().unwrap().clears_in, None);
    assert!(
        state
            .status
            .as_ref()
            .unwrap()
            .text
            .contains("something else")
    );
}

#[test]
fn a_failed_copy_is_an_error_sentence_and_the_secret_is_not_handed_over() {
    let (mut state, _) = registered("officemaster");
    go_to(&mut state, Step::Done);
    assert_eq!(state.done.focus, DoneFocus::Secret);
    letter(&mut state, 'c');
    assert!(state.done.secret_handed_over);
    update(
        &mut state,
        Msg::Copied {
            label: "Client Secret".into(),
            result: Err(ClipboardError::NothingCopied {
                system: None,
                terminal: "No clipboard is available over this connection.".into(),
            }),
            clears_in: None,
        },
    );
    let status = state.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("Client Secret"));
    assert!(
        status
            .text
            .contains("No clipboard is available over this connection.")
    );
    assert!(!state.done.secret_handed_over);
}

#[test]
fn a_browser_that_did_not_open_says_so() {
    let mut state = wizard("officemaster");
    update(
        &mut state,
        Msg::BrowserOpened {
            result: Err(BrowserError::Failed("xdg-open is missing".into())),
        },
    );
    let status = state.status.clone().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("xdg-open is missing"));
    assert!(status.text.contains("open it yourself"));
    update(&mut state, Msg::BrowserOpened { result: Ok(()) });
    assert!(state.status.is_some(), "success changes nothing");
}

#[test]
fn a_key_clears_the_previous_sentence() {
    let mut state = wizard("officemaster");
    update(
        &mut state,
        Msg::BrowserOpened {
            result: Err(BrowserError::Failed("no".into())),
        },
    );
    press(&mut state, crossterm::event::KeyCode::Down);
    assert!(state.status.is_none());
}
