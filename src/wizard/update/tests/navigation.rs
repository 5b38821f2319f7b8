//! Step order, skips, Esc = back (keeping what was typed), and where back stops.

use super::support::*;
use crate::wizard::state::{AccountsChoice, ItemState, Popup, SignInPhase};
use crate::wizard::step::Step;
use crate::wizard::update::{go_to, is_skipped, next_step, prev_step, visible_steps};
use crossterm::event::KeyCode;

#[test]
fn officemaster_has_every_step() {
    let state = wizard("officemaster");
    assert_eq!(visible_steps(&state), Step::ALL.to_vec());
}

#[test]
fn bueroware_skips_install_type_and_transport() {
    let state = wizard("bueroware");
    assert!(is_skipped(&state, Step::InstallType));
    assert!(is_skipped(&state, Step::Transport));
    assert_eq!(
        visible_steps(&state),
        [
            Step::Welcome,
            Step::SignIn,
            Step::Accounts,
            Step::Review,
            Step::Register,
            Step::Consent,
            Step::Verify,
            Step::Done
        ]
    );
}

#[test]
fn moveit_skips_install_type_only() {
    let state = wizard("moveit");
    assert!(is_skipped(&state, Step::InstallType));
    assert!(!is_skipped(&state, Step::Transport));
    assert_eq!(visible_steps(&state).len(), 9);
}

#[test]
fn custom_skips_both_like_bueroware() {
    let state = wizard("custom");
    assert!(is_skipped(&state, Step::InstallType));
    assert!(is_skipped(&state, Step::Transport));
}

/// Issue 16.4: their manuals name a mailbox (myfactory 001 lines 9–11, Flowfact's login), so
/// Transport asks for it (optional).
#[test]
fn myfactory_and_flowfact_skip_install_type_only() {
    for id in ["myfactory", "flowfact"] {
        let state = wizard(id);
        assert!(is_skipped(&state, Step::InstallType), "{id}");
        assert!(!is_skipped(&state, Step::Transport), "{id}");
    }
}

#[test]
fn manual_goes_from_review_to_verify_and_back() {
    let mut state = wizard("officemaster");
    state.accounts.choice = AccountsChoice::Manual;
    state.step = Step::Review;
    assert_eq!(next_step(&state), Some(Step::Verify));
    state.step = Step::Verify;
    assert_eq!(prev_step(&state), Some(Step::Review));
    assert!(is_skipped(&state, Step::Register) && is_skipped(&state, Step::Consent));
}

#[test]
fn next_and_prev_honour_the_skips_and_stop_at_the_ends() {
    let mut state = wizard("bueroware");
    assert_eq!(prev_step(&state), None);
    state.step = Step::SignIn;
    assert_eq!(next_step(&state), Some(Step::Accounts));
    state.step = Step::Accounts;
    assert_eq!(prev_step(&state), Some(Step::SignIn));
    state.step = Step::Done;
    assert_eq!(next_step(&state), None);
    assert_eq!(prev_step(&state), Some(Step::Verify));
    let mut om = wizard("officemaster");
    om.step = Step::SignIn;
    assert_eq!(next_step(&om), Some(Step::InstallType));
    om.step = Step::Accounts;
    assert_eq!(prev_step(&om), Some(Step::Transport));
}

#[test]
fn esc_walks_back_through_the_visible_steps() {
    let (mut state, _) = at("officemaster", Step::Review);
    for expected in [
        Step::Accounts,
        Step::Transport,
        Step::InstallType,
        Step::SignIn,
        Step::Welcome,
    ] {
        assert!(esc(&mut state).is_empty());
        assert_eq!(state.step, expected);
    }
    let (mut state, _) = at("bueroware", Step::Accounts);
    esc(&mut state);
    assert_eq!(state.step, Step::SignIn);
}

#[test]
fn back_and_forward_keeps_what_was_typed() {
    let (mut state, _) = at("officemaster", Step::Transport);
    retype(&mut state, "faxe@contoso.com");
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "fax.example-typed");
    esc(&mut state); // Transport → InstallType
    esc(&mut state); // → SignIn
    esc(&mut state); // → Welcome
    assert_eq!(state.step, Step::Welcome);
    enter(&mut state); // → SignIn (still signed in)
    assert_eq!(state.sign_in, SignInPhase::SignedIn);
    enter(&mut state); // → InstallType
    enter(&mut state); // → Transport
    assert_eq!(state.step, Step::Transport);
    assert_eq!(state.transport.mailbox.value(), "faxe@contoso.com");
    assert_eq!(
        state.transport.domains[0].field.value(),
        "fax.example-typed"
    );
    assert_eq!(state.transport.domains.len(), 3);

    // Accounts: the app name survives Esc to Transport and back.
    let (mut state, _) = at("bueroware", Step::Accounts);
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "BW sync");
    esc(&mut state);
    assert_eq!(state.step, Step::SignIn);
    enter(&mut state);
    assert_eq!(state.step, Step::Accounts);
    assert_eq!(state.accounts.app_name.value(), "BW sync");
}

#[test]
fn esc_on_welcome_quits_at_once_when_nothing_happened() {
    let mut state = wizard("officemaster");
    assert_eq!(names(&esc(&mut state)), ["Quit"]);
    assert!(state.should_quit);
}

#[test]
fn esc_on_welcome_asks_after_sign_in() {
    let mut state = wizard("officemaster");
    sign_in(&mut state, contoso());
    esc(&mut state);
    assert_eq!(state.step, Step::Welcome);
    assert!(esc(&mut state).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    assert!(!state.should_quit);
    // n stays, y quits.
    assert!(letter(&mut state, 'n').is_empty());
    assert_eq!(state.popup, None);
    esc(&mut state);
    assert_eq!(names(&letter(&mut state, 'y')), ["Quit"]);
    assert!(state.should_quit);
}

#[test]
fn register_running_ignores_esc_with_a_sentence() {
    let (mut state, _) = at("bueroware", Step::Review);
    let effects = enter(&mut state);
    assert_eq!(names(&effects), ["Register"]);
    assert!(esc(&mut state).is_empty());
    assert_eq!(state.step, Step::Register);
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.register_running_no_back"),
    );
}

#[test]
fn register_failed_esc_goes_back_to_review() {
    let (mut state, _) = at("bueroware", Step::Review);
    let effects = enter(&mut state);
    let ticket = ticket_of(&effects[0]);
    crate::wizard::update::update(
        &mut state,
        crate::wizard::Msg::Registered {
            ticket,
            result: Err(super::support::failed("Graph said no.")),
        },
    );
    esc(&mut state);
    assert_eq!(state.step, Step::Review);
}

#[test]
fn once_registered_back_stops_at_consent() {
    let (mut state, _) = registered("officemaster");
    go_to(&mut state, Step::Done);
    esc(&mut state);
    assert_eq!(state.step, Step::Verify);
    let effects = esc(&mut state);
    assert_eq!(state.step, Step::Consent);
    assert_eq!(names(&effects), ["PollConsent", "ListenForConsent"]);
    assert!(esc(&mut state).is_empty());
    assert_eq!(state.step, Step::Consent);
    assert!(state.app.is_some(), "the registration is kept");
    // Esc on Consent says why it stays.
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.app_exists_no_back"),
    );
}

#[test]
fn register_items_are_kept_when_the_step_is_left_after_success() {
    let (mut state, _) = at("bueroware", Step::Review);
    let effects = enter(&mut state);
    let ticket = ticket_of(&effects[0]);
    let app = registered_app(&state);
    crate::wizard::update::update(
        &mut state,
        crate::wizard::Msg::Registered {
            ticket,
            result: Ok(app),
        },
    );
    assert_eq!(state.step, Step::Consent);
    assert!(
        state
            .register
            .items
            .iter()
            .all(|i| i.state == ItemState::Done)
    );
}

#[test]
fn install_type_toggles_with_up_down_and_enter_goes_on() {
    use crate::profile::InstallMode;
    let (mut state, _) = at("officemaster", Step::InstallType);
    assert_eq!(state.mode, InstallMode::CloudOnly);
    assert!(press(&mut state, KeyCode::Down).is_empty());
    assert_eq!(state.mode, InstallMode::Hybrid);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.mode, InstallMode::CloudOnly);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.mode, InstallMode::Hybrid);
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Transport);
    // The choice survives going back.
    esc(&mut state);
    assert_eq!(state.mode, InstallMode::Hybrid);
}

#[test]
fn welcome_enter_goes_to_sign_in() {
    let mut state = wizard("moveit");
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::SignIn);
}
