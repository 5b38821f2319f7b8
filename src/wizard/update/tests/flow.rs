//! The whole wizard with nothing but Enter, fed the messages an executor would send.

use super::support::*;
use crate::domain::MailboxState;
use crate::register::RegisterEvent;
use crate::wizard::effect::Effect;
use crate::wizard::msg::{Msg, SignInPrompt};
use crate::wizard::state::{
    ComparedWith, DoneFocus, ItemState, SignInMethod, SignInPhase, VerifyReport, VerifyState,
    WizardState,
};
use crate::wizard::step::Step;
use crate::wizard::update::update;
use crossterm::event::KeyCode;
use secrecy::ExposeSecret;

/// Welcome → SignIn → (InstallType) → (Transport) → Accounts; returns the state on Accounts.
fn enter_through_sign_in(profile: &str, expect_install_type: bool) -> WizardState {
    let mut state = wizard(profile);
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::SignIn);

    let effects = enter(&mut state);
    let [Effect::StartSignIn { ticket, method }] = effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(method, SignInMethod::Browser);
    assert!(
        update(
            &mut state,
            Msg::SignInPrompt {
                ticket,
                prompt: SignInPrompt::Browser {
                    url: "https://login.example/authorize".into(),
                    opened: true,
                },
            },
        )
        .is_empty()
    );
    assert!(matches!(
        state.sign_in,
        SignInPhase::WaitingForBrowser { .. }
    ));
    // Signed in: the journal of an interrupted run is read; there is none.
    let effects = update(
        &mut state,
        Msg::SignedIn {
            ticket,
            result: Ok(contoso()),
        },
    );
    let Some(Effect::FindInterruptedRun { ticket, profile }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(effects.len(), 1);
    let (ticket, profile) = (*ticket, profile.clone());
    let answered = update(
        &mut state,
        Msg::InterruptedRunFound {
            ticket,
            profile,
            result: Ok(None),
        },
    );
    assert!(answered.is_empty() && state.popup.is_none());
    assert_eq!(state.sign_in, SignInPhase::SignedIn);
    assert!(enter(&mut state).is_empty());

    if expect_install_type {
        assert_eq!(state.step, Step::InstallType);
        assert!(enter(&mut state).is_empty());
    }
    state
}

/// Accounts → Review → Register (fed the engine's events) → Consent → Verify → Done.
fn enter_from_accounts_to_done(mut state: WizardState, events: Vec<RegisterEvent>) -> WizardState {
    assert_eq!(state.step, Step::Accounts);
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Review);

    let effects = enter(&mut state);
    let [Effect::Register { ticket, request }] = &effects[..] else {
        panic!("{effects:?}");
    };
    let ticket = *ticket;
    assert_eq!(request.profile.id, state.profile().id);
    assert_eq!(request.app_name, state.profile().default_app_name);
    assert!(!request.grant_consent);
    assert_eq!(state.step, Step::Register);
    for event in events {
        assert!(update(&mut state, Msg::RegisterProgress { ticket, event }).is_empty());
        assert_eq!(state.step, Step::Register);
    }
    let app = registered_app(&state);
    let effects = update(
        &mut state,
        Msg::Registered {
            ticket,
            result: Ok(app),
        },
    );
    assert!(
        state
            .register
            .items
            .iter()
            .all(|i| i.state == ItemState::Done)
    );
    assert_eq!(state.step, Step::Consent);
    let effects = sans_listener(effects);
    let [Effect::PollConsent { ticket, after, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert!(after.is_zero());
    let all = permissions(&state, true);
    let effects = update(
        &mut state,
        Msg::ConsentPolled {
            ticket: *ticket,
            result: Ok(all),
        },
    );
    assert!(effects.is_empty(), "everything granted: no further poll");

    let effects = sans_listener(enter(&mut state));
    assert_eq!(state.step, Step::Verify);
    let [Effect::Verify { ticket, secret, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(secret.expose_secret(), SECRET);
    let report = VerifyReport {
        roles: vec![],
        missing: vec![],
        compared_with: ComparedWith::Profile("OfficeMaster".into()),
        expected_count: 0,
        ews: None,
    };
    assert!(
        update(
            &mut state,
            Msg::Verified {
                ticket: *ticket,
                result: Ok(report),
            },
        )
        .is_empty()
    );
    assert!(matches!(state.verify, VerifyState::Passed(_)));

    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Done);
    assert_eq!(state.done.focus, DoneFocus::Secret);
    assert!(!state.done.revealed);
    state
}

#[test]
fn officemaster_with_enter_only() {
    let mut state = enter_through_sign_in("officemaster", true);

    assert_eq!(state.step, Step::Transport);
    let effects = enter(&mut state);
    let [Effect::CheckMailbox { mailbox, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(mailbox, "fax-transfer@contoso.com");
    assert_eq!(state.step, Step::Transport);
    assert!(mailbox_answer(&mut state, &effects[0], MailboxState::Exists).is_empty());
    assert_eq!(state.step, Step::Accounts);

    let events = vec![
        RegisterEvent::CheckingTenant,
        RegisterEvent::AppCreated {
            client_id: CLIENT_ID.into(),
        },
        RegisterEvent::SecretCreated,
        RegisterEvent::ServicePrincipalReady { created: true },
        RegisterEvent::GrantsChecked {
            granted: 0,
            total: 4,
        },
    ];
    let mut state = enter_from_accounts_to_done(state, events);
    // Finishing asks first: the secret was never copied or shown. Enter stays (the highlighted
    // button); quitting needs the quit button.
    assert!(enter(&mut state).is_empty());
    assert!(enter(&mut state).is_empty());
    assert!(!state.should_quit);
    enter(&mut state);
    press(&mut state, KeyCode::Tab);
    assert_eq!(names(&enter(&mut state)), ["Quit"]);
    assert!(state.should_quit);
}

#[test]
fn bueroware_with_enter_only() {
    let state = enter_through_sign_in("bueroware", false);
    assert_eq!(state.step, Step::Accounts, "no InstallType, no Transport");
    let events = vec![
        RegisterEvent::CheckingTenant,
        RegisterEvent::AppFound {
            client_id: CLIENT_ID.into(),
        },
        RegisterEvent::AppUpdated,
        RegisterEvent::SecretCreated,
        RegisterEvent::ServicePrincipalReady { created: false },
        RegisterEvent::GrantsChecked {
            granted: 1,
            total: 1,
        },
    ];
    let mut state = enter_from_accounts_to_done(state, events);
    let ids: Vec<&str> = state
        .app
        .as_ref()
        .unwrap()
        .exchange_commands
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["ews_allow_list", "ews_user_agent_rules"]);
    assert!(enter(&mut state).is_empty());
    assert_eq!(names(&letter(&mut state, 'y')), ["Quit"]);
}

#[test]
fn moveit_with_enter_only_checks_the_mailbox_but_has_no_install_type() {
    let mut state = enter_through_sign_in("moveit", false);
    assert_eq!(state.step, Step::Transport);
    let effects = enter(&mut state);
    mailbox_answer(&mut state, &effects[0], MailboxState::Exists);
    let state = enter_from_accounts_to_done(state, vec![RegisterEvent::CheckingTenant]);
    assert_eq!(state.step, Step::Done);
}
