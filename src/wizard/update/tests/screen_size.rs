//! Issue 10.1: while the terminal is too small for the screens (only "the terminal is too
//! small" shows), no key but quit changes anything.

use super::support::*;
use crate::wizard::msg::Msg;
use crate::wizard::state::Popup;
use crate::wizard::step::Step;
use crate::wizard::update::{go_to, update};
use crossterm::event::KeyCode;

fn shrink(state: &mut crate::wizard::WizardState) {
    assert!(
        update(
            state,
            Msg::Resize {
                width: 60,
                height: 20
            }
        )
        .is_empty()
    );
    assert!(state.screen_too_small());
}

#[test]
fn enter_on_review_does_not_register_while_too_small() {
    let (mut state, _) = at("officemaster", Step::Review);
    shrink(&mut state);
    let before = snapshot(&state);
    for code in [KeyCode::Enter, KeyCode::Tab, KeyCode::Right, KeyCode::Esc] {
        assert!(press(&mut state, code).is_empty(), "{code:?}");
    }
    assert!(letter(&mut state, '?').is_empty());
    assert_eq!(snapshot(&state), before);
    // Large enough again: Enter registers as before.
    update(
        &mut state,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    assert!(!state.screen_too_small());
    assert_eq!(names(&enter(&mut state)), ["Register"]);
}

#[test]
fn typing_and_paste_do_not_reach_a_field_while_too_small() {
    let (mut state, _) = at("officemaster", Step::Transport);
    shrink(&mut state);
    let before = snapshot(&state);
    type_text(&mut state, "abc");
    press(&mut state, KeyCode::Backspace);
    update(&mut state, ctrl('u'));
    update(&mut state, Msg::Paste("evil@contoso.com".into()));
    assert_eq!(snapshot(&state), before);
}

#[test]
fn quit_still_works_while_too_small() {
    // Nothing to lose: Ctrl+C quits at once.
    let (mut state, _) = at("officemaster", Step::Accounts);
    shrink(&mut state);
    assert_eq!(names(&update(&mut state, ctrl('c'))), ["Quit"]);
    // An unseen secret: quitting asks (the too-small screen shows the question), and a
    // second Ctrl+C confirms.
    let (mut state, _) = registered("officemaster");
    go_to(&mut state, Step::Done);
    shrink(&mut state);
    assert!(update(&mut state, ctrl('c')).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    assert!(press(&mut state, KeyCode::Esc).is_empty());
    assert_eq!(
        state.popup,
        Some(Popup::ConfirmQuit),
        "Esc does not act either"
    );
    assert_eq!(names(&update(&mut state, ctrl('c'))), ["Quit"]);
}

#[test]
fn a_resize_is_remembered_and_changes_nothing_else() {
    let (mut state, _) = at("officemaster", Step::Transport);
    let before = snapshot(&state);
    update(
        &mut state,
        Msg::Resize {
            width: 100,
            height: 30,
        },
    );
    assert_eq!(
        snapshot(&state),
        before.replace("terminal_size: None", "terminal_size: Some((100, 30))")
    );
    assert!(!state.screen_too_small());
}
