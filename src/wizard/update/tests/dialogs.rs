//! Issue 10.3: in every dialog Enter does what is highlighted, Tab and the arrows move the
//! highlight, and a choice that changes the tenant or loses something is never Enter's default.
//! The highlight is read from the drawn screen (`▶` on a button), so the test holds the screen
//! and the keys to one rule.

use super::support::*;
use crate::i18n::{Language, t, with_language};
use crate::wizard::WizardState;
use crate::wizard::effect::Effect;
use crate::wizard::state::Popup;
use crate::wizard::step::Step;
use crate::wizard::update::go_to;
use crossterm::event::KeyCode;

/// Each dialog, opened the way the admin opens it, with the text of its safe and its acting
/// button and the effect acting has.
struct Dialog {
    name: &'static str,
    open: fn() -> WizardState,
    safe: &'static str,
    act: &'static str,
    /// The acting button was chosen: its effect ran (or, for the offer to continue, the offer
    /// was taken).
    acted: fn(&WizardState, &[Effect]) -> bool,
}

fn has(effects: &[Effect], name: &str) -> bool {
    names(effects).contains(&name)
}

fn dialogs() -> Vec<Dialog> {
    vec![
        Dialog {
            name: "grant",
            open: || {
                let (mut state, _) = registered("officemaster");
                letter(&mut state, 'g');
                state
            },
            safe: "grant.cancel",
            act: "grant.grant",
            acted: |_, e| has(e, "GrantConsent"),
        },
        Dialog {
            name: "apply fixes",
            open: || {
                let mut state = super::check::on_findings();
                letter(&mut state, 'a');
                enter(&mut state);
                state
            },
            safe: "apply_fixes.cancel",
            act: "apply_fixes.apply",
            acted: |_, e| has(e, "ApplyFixes"),
        },
        Dialog {
            name: "quit",
            open: || {
                let (mut state, _) = registered("officemaster");
                go_to(&mut state, Step::Done);
                letter(&mut state, 'q');
                state
            },
            safe: "quit.stay",
            act: "quit.quit",
            acted: |_, e| has(e, "Quit"),
        },
        Dialog {
            name: "remove older secrets",
            open: || {
                let mut state = super::rotate::on_done();
                // The removal is offered only once the new secret was seen (issue 10.2).
                state.done.secret_seen = true;
                state.popup = Some(Popup::ConfirmRemoveOld);
                state
            },
            safe: "remove_old.cancel",
            act: "remove_old.remove",
            acted: |_, e| has(e, "RemoveOldSecrets"),
        },
        Dialog {
            name: "continue the interrupted run",
            open: || {
                let mut state = wizard("officemaster");
                let (ticket, profile) = super::resume::signed_in_with_lookup(&mut state);
                super::resume::answer(
                    &mut state,
                    ticket,
                    &profile,
                    Some(super::resume::run("officemaster")),
                );
                state
            },
            safe: "resume.back",
            act: "resume.continue",
            acted: |s, _| s.resume.accepted.is_some(),
        },
    ]
}

/// The text of the highlighted button ("[▶ Enter  Stay ]" → "Enter  Stay") as drawn at 80×24.
fn highlighted(state: &WizardState) -> String {
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal.draw(|f| crate::ui::draw(f, state)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let rows: Vec<String> = (0..24)
        .map(|y| {
            (0..80)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect()
        })
        .collect();
    let marked: Vec<&String> = rows.iter().filter(|r| r.contains("[▶ ")).collect();
    assert_eq!(
        marked.len(),
        1,
        "one highlighted button:\n{}",
        rows.join("\n")
    );
    let after = marked[0].split("[▶ ").nth(1).unwrap();
    after.split(" ]").next().unwrap().trim().to_string()
}

/// Which of the two buttons `text` is.
fn is_button(text: &str, key: &str) -> bool {
    text.ends_with(t(key))
}

#[test]
fn enter_does_what_is_highlighted_in_every_dialog_in_both_languages() {
    for language in [Language::English, Language::German] {
        with_language(language, || {
            for dialog in dialogs() {
                for moves in 0..3 {
                    let mut state = (dialog.open)();
                    assert!(state.popup.is_some(), "{} opens", dialog.name);
                    for _ in 0..moves {
                        press(&mut state, KeyCode::Tab);
                    }
                    let shown = highlighted(&state);
                    let effects = enter(&mut state);
                    let acted = (dialog.acted)(&state, &effects);
                    if is_button(&shown, dialog.act) {
                        assert!(
                            acted,
                            "{}: '{shown}' highlighted, Enter did not act",
                            dialog.name
                        );
                    } else {
                        assert!(is_button(&shown, dialog.safe), "{}: '{shown}'", dialog.name);
                        assert!(
                            !acted,
                            "{}: '{shown}' highlighted, Enter acted",
                            dialog.name
                        );
                        assert_ne!(state.popup, Some(Popup::Help));
                    }
                }
            }
        });
    }
}

/// A tenant-changing or losing choice is not Enter's default: grant, apply, remove and quit
/// open on their safe button. (Continuing an interrupted run is the default, and its dialog says
/// in words what continuing does.)
#[test]
fn dialogs_open_on_the_safe_button() {
    for dialog in dialogs() {
        let state = (dialog.open)();
        let expected = if dialog.name == "continue the interrupted run" {
            dialog.act
        } else {
            dialog.safe
        };
        let shown = highlighted(&state);
        assert!(is_button(&shown, expected), "{}: '{shown}'", dialog.name);
    }
}

/// Tab, Shift+Tab and the arrows all move the highlight, and it stays on a button.
#[test]
fn tab_and_the_arrows_move_the_highlight() {
    for dialog in dialogs() {
        for code in [
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Left,
            KeyCode::Right,
        ] {
            let mut state = (dialog.open)();
            let first = highlighted(&state);
            press(&mut state, code);
            let second = highlighted(&state);
            assert_ne!(
                first, second,
                "{}: {code:?} moves the highlight",
                dialog.name
            );
            press(&mut state, code);
            assert_eq!(
                highlighted(&state),
                first,
                "{}: {code:?} twice",
                dialog.name
            );
        }
    }
}

/// A dialog closed with the highlight moved opens on its default button next time.
#[test]
fn a_reopened_dialog_starts_on_its_default_again() {
    let (mut state, _) = registered("officemaster");
    letter(&mut state, 'g');
    press(&mut state, KeyCode::Tab);
    assert!(is_button(&highlighted(&state), "grant.grant"));
    esc(&mut state);
    assert_eq!(state.popup, None);
    letter(&mut state, 'g');
    assert!(is_button(&highlighted(&state), "grant.cancel"));
    assert!(!has(&enter(&mut state), "GrantConsent"));
}
