//! The offer to continue an interrupted run: read after sign-in for the chosen profile, asked
//! before going on and again before Register, continue or back to Welcome.

use super::support::*;
use crate::store::journal::InterruptedRun;
use crate::wizard::effect::Effect;
use crate::wizard::msg::{Msg, SignInPrompt};
use crate::wizard::state::{AccountsChoice, Check, Job, Popup, SignInPhase, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::{go_to, update};
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;

pub(super) fn run(profile: &str) -> InterruptedRun {
    InterruptedRun {
        tenant_id: CONTOSO_TENANT_ID.into(),
        run_id: "run-1".into(),
        started: Utc.with_ymd_and_hms(2026, 11, 26, 16, 40, 0).unwrap(),
        profile: profile.into(),
        app_name: "OfficeMaster EWS (Zentrale)".into(),
        client_id: Some(CLIENT_ID.into()),
        created_app: true,
        unseen_secrets: 1,
        completed: false,
        rotation: false,
    }
}

/// Signs in on a fresh wizard and returns the journal read the sign-in asked for.
pub(super) fn signed_in_with_lookup(state: &mut WizardState) -> (u64, String) {
    enter(state);
    let effects = enter(state);
    let ticket = ticket_of(&effects[0]);
    update(
        state,
        Msg::SignInPrompt {
            ticket,
            prompt: SignInPrompt::Browser {
                url: "https://login.example/authorize".into(),
                opened: true,
            },
        },
    );
    let effects = update(
        state,
        Msg::SignedIn {
            ticket,
            result: Ok(contoso()),
        },
    );
    assert_eq!(state.sign_in, SignInPhase::SignedIn);
    match &effects[..] {
        [Effect::FindInterruptedRun { ticket, profile }] => (*ticket, profile.clone()),
        other => panic!("the journal is read after sign-in: {other:?}"),
    }
}

pub(super) fn answer(
    state: &mut WizardState,
    ticket: u64,
    profile: &str,
    found: Option<InterruptedRun>,
) {
    update(
        state,
        Msg::InterruptedRunFound {
            ticket,
            profile: profile.into(),
            result: Ok(found),
        },
    );
}

#[test]
fn an_interrupted_run_is_offered_right_after_sign_in_and_continuing_keeps_its_app_name() {
    let mut state = wizard("officemaster");
    let (ticket, profile) = signed_in_with_lookup(&mut state);
    assert_eq!(profile, "officemaster");
    answer(&mut state, ticket, &profile, Some(run("officemaster")));
    assert_eq!(state.popup, Some(Popup::ResumeOffer));
    assert_eq!(state.step, Step::SignIn, "nothing moved on");

    // Enter is "continue it".
    let effects = enter(&mut state);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(state.popup, None);
    assert_eq!(state.resume.accepted.as_deref(), Some("run-1"));
    assert_eq!(state.accounts.choice, AccountsChoice::Automatic);
    assert_eq!(
        state.accounts.app_name.value(),
        "OfficeMaster EWS (Zentrale)"
    );
    assert!(state.resume.continued("officemaster").is_some());

    // Answered: Enter goes on, and Review → Register is not asked again.
    enter(&mut state);
    assert_ne!(state.step, Step::SignIn);
    go_to(&mut state, Step::Review);
    state
        .transport
        .mailbox
        .set("fax-transfer@contoso.com".to_string());
    let effects = enter(&mut state);
    assert_eq!(state.popup, None);
    assert!(
        names(&effects).contains(&"Register"),
        "{:?}",
        names(&effects)
    );
}

#[test]
fn not_now_goes_back_to_welcome_and_the_offer_stands_in_the_way_until_answered() {
    let mut state = wizard("officemaster");
    let (ticket, profile) = signed_in_with_lookup(&mut state);
    answer(&mut state, ticket, &profile, Some(run("officemaster")));
    let effects = esc(&mut state);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(state.step, Step::Welcome);
    assert_eq!(state.popup, None);
    assert!(state.status.as_ref().unwrap().text.contains("on record"));
    assert!(state.resume.accepted.is_none());

    // Same profile again: the sign-in step asks before going on.
    enter(&mut state);
    assert_eq!(state.step, Step::SignIn);
    assert_eq!(state.popup, None, "not before Enter");
    enter(&mut state);
    assert_eq!(state.popup, Some(Popup::ResumeOffer));
    assert_eq!(state.step, Step::SignIn);

    // And Review would ask too, had the admin got there another way.
    state.popup = None;
    go_to(&mut state, Step::Review);
    let effects = enter(&mut state);
    assert_eq!(state.popup, Some(Popup::ResumeOffer));
    assert!(!names(&effects).contains(&"Register"));
}

#[test]
fn another_profile_is_looked_up_afresh_and_other_jobs_are_not_asked() {
    let mut state = wizard("officemaster");
    let (ticket, profile) = signed_in_with_lookup(&mut state);
    answer(&mut state, ticket, &profile, Some(run("officemaster")));
    esc(&mut state);
    assert_eq!(state.step, Step::Welcome);

    // MOVEit: a journal read for its profile; nothing found, nothing asked.
    press(&mut state, KeyCode::Down);
    let moveit = state.profile().id.clone();
    assert_ne!(moveit, "officemaster");
    let effects = enter(&mut state);
    let Some(Effect::FindInterruptedRun { ticket, profile }) = effects.first() else {
        panic!("{effects:?}");
    };
    assert_eq!(profile, &moveit);
    let (ticket, profile) = (*ticket, profile.clone());
    // A late answer for the old profile is ignored.
    answer(
        &mut state,
        ticket,
        "officemaster",
        Some(run("officemaster")),
    );
    assert_eq!(state.popup, None);
    answer(&mut state, ticket, &profile, None);
    enter(&mut state);
    assert_eq!(state.popup, None);
    assert_ne!(state.step, Step::SignIn);

    // The rotate job does not read the journal.
    let mut state = wizard("officemaster");
    state.job = Job::RotateSecret;
    let effects = {
        enter(&mut state);
        let effects = enter(&mut state);
        let ticket = ticket_of(&effects[0]);
        update(
            &mut state,
            Msg::SignedIn {
                ticket,
                result: Ok(contoso()),
            },
        )
    };
    assert!(
        !names(&effects).contains(&"FindInterruptedRun"),
        "{:?}",
        names(&effects)
    );
}

#[test]
fn an_unreadable_journal_or_a_stale_answer_asks_nothing() {
    let mut state = wizard("officemaster");
    let (ticket, profile) = signed_in_with_lookup(&mut state);
    answer(
        &mut state,
        ticket + 100,
        &profile,
        Some(run("officemaster")),
    );
    assert_eq!(state.popup, None, "stale ticket");
    update(
        &mut state,
        Msg::InterruptedRunFound {
            ticket,
            profile: profile.clone(),
            result: Err(failed("permission denied")),
        },
    );
    assert_eq!(state.popup, None);
    assert!(matches!(state.resume.found, Check::Done(None)));
}
