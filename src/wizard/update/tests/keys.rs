//! Keys: typing never triggers a shortcut, paste, the key map, help and quit.

use super::support::*;
use crate::i18n::t;
use crate::wizard::keymap::{Action, bindings, text_input_focused};
use crate::wizard::msg::Msg;
use crate::wizard::state::{AccountsChoice, AccountsFocus, Popup, VerifyState};
use crate::wizard::step::Step;
use crate::wizard::update::{go_to, update};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

#[test]
fn typing_q_c_and_question_mark_into_the_mailbox_edits_it() {
    let (mut state, _) = at("officemaster", Step::Transport);
    assert!(text_input_focused(&state));
    update(&mut state, ctrl('u'));
    let effects = type_text(&mut state, "qc?rgo");
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(state.transport.mailbox.value(), "qc?rgo");
    assert_eq!(state.popup, None);
    assert!(!state.should_quit);
    assert_eq!(state.step, Step::Transport);
}

#[test]
fn editing_keys_work_in_a_field() {
    let (mut state, _) = at("bueroware", Step::Accounts);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.accounts.focus, AccountsFocus::AppName);
    retype(&mut state, "abc");
    press(&mut state, KeyCode::Home);
    press(&mut state, KeyCode::Delete);
    press(&mut state, KeyCode::End);
    press(&mut state, KeyCode::Left);
    press(&mut state, KeyCode::Backspace);
    press(&mut state, KeyCode::Right);
    type_text(&mut state, "!");
    assert_eq!(state.accounts.app_name.value(), "c!");
    update(&mut state, ctrl('u'));
    assert_eq!(state.accounts.app_name.value(), "");
}

#[test]
fn letters_are_shortcuts_only_without_a_focused_field() {
    // Accounts with the focus on the choice: signed in, nothing at risk, so q quits at once.
    let (mut state, _) = at("bueroware", Step::Accounts);
    assert!(!text_input_focused(&state));
    assert_eq!(names(&letter(&mut state, 'q')), ["Quit"]);
    // The same letter in the app-name field types.
    let (mut state, _) = at("bueroware", Step::Accounts);
    press(&mut state, KeyCode::Tab);
    assert!(letter(&mut state, 'q').is_empty());
    assert!(state.accounts.app_name.value().ends_with('q'));
    assert!(!state.should_quit);
}

#[test]
fn altgr_characters_type_and_ctrl_letters_do_not() {
    let (mut state, _) = at("officemaster", Step::Transport);
    update(&mut state, ctrl('u'));
    type_text(&mut state, "fax");
    // AltGr+Q on a German keyboard under Windows: '@' with Ctrl+Alt.
    update(
        &mut state,
        Msg::Key(KeyEvent::new(
            KeyCode::Char('@'),
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        )),
    );
    type_text(&mut state, "contoso.com");
    assert_eq!(state.transport.mailbox.value(), "fax@contoso.com");
    update(
        &mut state,
        Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::ALT)),
    );
    assert_eq!(state.transport.mailbox.value(), "fax@contoso.com");
}

#[test]
fn key_releases_are_ignored() {
    let mut state = wizard("officemaster");
    let release = KeyEvent {
        code: KeyCode::Enter,
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Release,
        state: KeyEventState::NONE,
    };
    assert!(update(&mut state, Msg::Key(release)).is_empty());
    assert_eq!(state.step, Step::Welcome);
}

#[test]
fn paste_goes_into_the_focused_field_only() {
    let (mut state, _) = at("officemaster", Step::Transport);
    update(&mut state, ctrl('u'));
    update(&mut state, Msg::Paste("orders@contoso.com\n".into()));
    assert_eq!(state.transport.mailbox.value(), "orders@contoso.com");

    // No field focused: ignored.
    let mut state = wizard("officemaster");
    let before = snapshot(&state);
    assert!(update(&mut state, Msg::Paste("whatever".into())).is_empty());
    assert_eq!(snapshot(&state), before);

    // A popup open: ignored as well.
    let (mut state, _) = at("officemaster", Step::Transport);
    update(&mut state, key(KeyCode::F(1)));
    assert_eq!(state.popup, Some(Popup::Help));
    let typed = state.transport.mailbox.value().to_string();
    update(&mut state, Msg::Paste("x".into()));
    assert_eq!(state.transport.mailbox.value(), typed);
}

#[test]
fn paste_into_the_manual_secret() {
    let (mut state, _) = at("officemaster", Step::Accounts);
    state.accounts.choice = AccountsChoice::Manual;
    state.accounts.focus = AccountsFocus::ManualSecret;
    update(&mut state, Msg::Paste(SECRET.into()));
    assert_eq!(state.accounts.manual.secret.value(), SECRET);
}

#[test]
fn question_mark_toggles_help_and_any_key_closes_it() {
    let mut state = wizard("officemaster");
    letter(&mut state, '?');
    assert_eq!(state.popup, Some(Popup::Help));
    assert!(letter(&mut state, '?').is_empty());
    assert_eq!(state.popup, None);
    letter(&mut state, '?');
    // Enter only closes the help; it does not continue.
    enter(&mut state);
    assert_eq!(state.popup, None);
    assert_eq!(state.step, Step::Welcome);
}

#[test]
fn f1_opens_help_while_typing() {
    let (mut state, _) = at("officemaster", Step::Transport);
    press(&mut state, KeyCode::F(1));
    assert_eq!(state.popup, Some(Popup::Help));
    press(&mut state, KeyCode::Char('z'));
    assert_eq!(state.popup, None);
    assert!(!state.transport.mailbox.value().ends_with('z'));
}

#[test]
fn ctrl_c_quits_at_once_when_nothing_is_at_risk_even_while_typing() {
    let (mut state, _) = at("officemaster", Step::Transport);
    assert_eq!(names(&update(&mut state, ctrl('c'))), ["Quit"]);
    assert!(state.should_quit);
}

#[test]
fn ctrl_c_asks_while_a_job_runs_and_a_second_ctrl_c_quits() {
    let mut state = wizard("officemaster");
    enter(&mut state);
    enter(&mut state); // the sign-in runs
    assert!(update(&mut state, ctrl('c')).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    assert_eq!(names(&update(&mut state, ctrl('c'))), ["Quit"]);
}

#[test]
fn quitting_with_an_unseen_secret_asks_first() {
    let (mut state, _) = registered("officemaster");
    go_to(&mut state, Step::Done);
    assert!(letter(&mut state, 'q').is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    esc(&mut state);
    assert_eq!(state.popup, None);
    assert_eq!(state.step, Step::Done);
    // After copying the secret, q quits at once.
    letter(&mut state, 'c');
    assert_eq!(names(&letter(&mut state, 'q')), ["Quit"]);
}

/// Every state worth drawing: each step, each focus of Accounts and Done, the popups.
fn sample_states() -> Vec<crate::wizard::WizardState> {
    let mut out = Vec::new();
    for id in ["officemaster", "bueroware", "moveit"] {
        out.push(wizard(id));
        for step in Step::ALL {
            let (mut state, _) = registered(id);
            go_to(&mut state, step);
            out.push(state);
        }
        for choice in [
            AccountsChoice::Automatic,
            AccountsChoice::Reuse,
            AccountsChoice::Manual,
        ] {
            for focus in crate::wizard::update::accounts::inputs(choice) {
                let (mut state, _) = at(id, Step::Accounts);
                state.accounts.choice = choice;
                state.accounts.focus = *focus;
                out.push(state);
            }
        }
        for verify in [
            VerifyState::Running,
            VerifyState::Failed("no".into()),
            VerifyState::NotStarted,
        ] {
            let (mut state, _) = registered(id);
            go_to(&mut state, Step::Verify);
            state.verify = verify;
            out.push(state);
        }
        for popup in [Popup::Help, Popup::ConfirmQuit, Popup::ConfirmGrant] {
            let (mut state, _) = registered(id);
            state.popup = Some(popup);
            out.push(state);
        }
    }
    let (mut state, _) = at("officemaster", Step::Transport);
    state.transport.focus = 2;
    out.push(state);
    out
}

#[test]
fn no_printable_shortcut_while_a_field_has_the_focus() {
    for state in sample_states() {
        if !text_input_focused(&state) {
            continue;
        }
        for b in bindings(&state) {
            for k in &b.keys {
                let printable = matches!(k.code, KeyCode::Char(_))
                    && !k
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                assert!(
                    !printable,
                    "{:?} {:?}: {:?} is a shortcut while typing",
                    state.step, state.accounts.focus, k
                );
            }
        }
    }
}

#[test]
fn every_binding_has_a_catalogue_label_and_no_key_is_bound_twice() {
    for state in sample_states() {
        let list = bindings(&state);
        let mut seen = Vec::new();
        for b in &list {
            assert_ne!(
                t(b.label_key),
                b.label_key,
                "{} is not in keys.toml",
                b.label_key
            );
            for k in &b.keys {
                assert!(
                    !seen.contains(k),
                    "{:?}: {} bound twice",
                    state.step,
                    k.label()
                );
                seen.push(*k);
            }
        }
        // Ctrl+C quits (or confirms quitting) everywhere except under the help, which any key closes.
        if state.popup != Some(Popup::Help) {
            assert!(
                list.iter()
                    .any(|b| matches!(b.action, Action::Quit | Action::Confirm)
                        && b.keys.iter().any(|k| k.label() == "Ctrl+C")),
                "{:?}",
                state.step
            );
        }
    }
}

#[test]
fn the_bar_offers_esc_on_every_step() {
    for state in sample_states() {
        if state.popup.is_some() {
            continue;
        }
        assert!(
            bindings(&state)
                .iter()
                .any(|b| b.action == Action::Back && b.keys.iter().any(|k| k.label() == "Esc"))
        );
    }
}

#[test]
fn the_help_lists_the_bindings_of_the_step_underneath() {
    use crate::wizard::keymap::help_bindings;
    let (mut state, _) = registered("officemaster");
    letter(&mut state, '?');
    assert_eq!(state.popup, Some(Popup::Help));
    let under = help_bindings(&state);
    assert!(under.iter().any(|b| b.action == Action::Grant));
    assert!(!bindings(&state).iter().any(|b| b.action == Action::Grant));
    // While typing, the help still names only non-printable keys for help and quit.
    let (mut state, _) = at("officemaster", Step::Transport);
    press(&mut state, KeyCode::F(1));
    let under = help_bindings(&state);
    assert!(
        under.iter().any(|b| b.action == Action::UseSuggestion) == (state.transport.focus >= 1)
    );
    assert!(under.iter().any(|b| b.action == Action::ClearField));
}

#[test]
fn a_typed_secret_never_shows_in_debug_output() {
    let (mut state, _) = at("officemaster", Step::Accounts);
    state.accounts.choice = AccountsChoice::Manual;
    state.accounts.focus = AccountsFocus::ManualSecret;
    type_text(&mut state, SECRET);
    assert_eq!(state.accounts.manual.secret.value(), SECRET);
    assert!(!format!("{state:?}").contains(SECRET));
    let (state, _) = registered("officemaster");
    assert!(!format!("{state:?}").contains(SECRET));
}

/// `j` ("ja") answers yes wherever `y` does, for a German admin; the key bar keeps naming `y`
/// only, so the English bar (and its snapshots) stay as they are.
#[test]
fn j_confirms_wherever_y_does_without_showing_in_the_bar() {
    use crate::wizard::keymap::action_for;
    let key = |c: char| KeyEvent {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::NONE,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    };
    let mut confirming = 0;
    for popup in [
        Popup::ConfirmQuit,
        Popup::ConfirmRemoveOld,
        Popup::ConfirmApplyFixes,
        Popup::ResumeOffer,
        Popup::ConfirmGrant,
    ] {
        let (mut state, _) = registered("officemaster");
        state.popup = Some(popup);
        assert_eq!(
            action_for(&state, &key('y')),
            Some(Action::Confirm),
            "{popup:?}"
        );
        assert_eq!(
            action_for(&state, &key('j')),
            Some(Action::Confirm),
            "{popup:?}"
        );
        assert_eq!(
            action_for(&state, &key('J')),
            Some(Action::Confirm),
            "{popup:?}"
        );
        let in_bar: Vec<String> = bindings(&state)
            .iter()
            .filter(|b| b.in_bar)
            .flat_map(|b| b.keys.iter().map(|k| k.label()))
            .collect();
        assert!(in_bar.contains(&"y".to_string()), "{popup:?}: {in_bar:?}");
        assert!(!in_bar.contains(&"j".to_string()), "{popup:?}: {in_bar:?}");
        let j = bindings(&state)
            .into_iter()
            .find(|b| b.keys.iter().any(|k| k.label() == "j"))
            .unwrap();
        assert_ne!(t(j.label_key), j.label_key, "the catalogue has its label");
        confirming += 1;
    }
    assert_eq!(confirming, 5);
    // And it does what y does: j in the quit question quits.
    let (mut state, _) = registered("officemaster");
    go_to(&mut state, Step::Done);
    letter(&mut state, 'q');
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    assert_eq!(names(&letter(&mut state, 'j')), ["Quit"]);
}

/// Issue 10.12: the bar says "Esc back" only where Esc goes back. Where the step cannot be left
/// backwards (the registration runs, the app or the new secret exists), Esc only explains why,
/// and the bar does not promise otherwise.
#[test]
fn the_bar_says_esc_back_only_where_esc_goes_back() {
    let mut states = sample_states();
    // Registering, the checklist half done.
    let (mut running, _) = at("officemaster", Step::Review);
    go_to(&mut running, Step::Register);
    running.register.items = crate::wizard::update::checklist();
    running.register.items[0].state = crate::wizard::state::ItemState::Running;
    running.jobs.start(crate::wizard::jobs::JobKind::Register);
    assert!(crate::wizard::update::job_running(&running));
    states.push(running);
    for mut state in states {
        if state.popup.is_some() || state.step == Step::Welcome {
            continue;
        }
        let promises_back = bindings(&state)
            .iter()
            .any(|b| b.in_bar && b.action == Action::Back && b.label_key == "key.back");
        let before = state.step;
        update(&mut state, key(KeyCode::Esc));
        let went_back = state.step != before;
        assert_eq!(
            promises_back,
            went_back,
            "{before:?}: the bar {} 'Esc back', Esc {}",
            if promises_back {
                "says"
            } else {
                "does not say"
            },
            if went_back { "went back" } else { "stayed" }
        );
    }
}

/// Issue 10.12: a note from one step ("consent link copied", a sentence) does not stay on the
/// next step's screen. A copied secret's countdown stays: it is about the clipboard, not the
/// step.
#[test]
fn notes_of_a_step_are_cleared_when_the_step_changes() {
    use crate::wizard::state::ClipboardVia;
    let (mut state, _) = registered("officemaster");
    let label = match &letter(&mut state, 'c')[..] {
        [crate::wizard::effect::Effect::Copy { label, .. }] => label.clone(),
        other => panic!("{other:?}"),
    };
    update(
        &mut state,
        Msg::Copied {
            label,
            result: Ok(ClipboardVia::System),
            clears_in: None,
        },
    );
    assert!(state.clipboard.is_some());
    update(
        &mut state,
        Msg::BrowserOpened {
            result: Err(crate::browser::BrowserError::Failed("no browser".into())),
        },
    );
    assert!(state.status.is_some());
    go_to(&mut state, Step::Verify);
    assert_eq!(state.clipboard, None, "the copy note stayed on Verify");
    assert_eq!(state.status, None, "the sentence stayed on Verify");
    // A secret on the clipboard keeps its countdown across steps.
    update(
        &mut state,
        Msg::Copied {
            label: "done.secret".into(),
            result: Ok(ClipboardVia::System),
            clears_in: Some(90),
        },
    );
    go_to(&mut state, Step::Done);
    assert!(
        state
            .clipboard
            .as_ref()
            .is_some_and(|c| c.clears_in == Some(90))
    );
}

/// Going on from Consent without full consent says so on the next step.
#[test]
fn going_on_without_full_consent_says_so_on_verify() {
    let (mut state, _) = registered("officemaster");
    enter(&mut state);
    assert_eq!(state.step, Step::Verify);
    assert_status(&state, StatusKind::Info, t("status.consent_incomplete"));
}
