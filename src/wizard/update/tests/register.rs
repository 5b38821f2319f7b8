//! Review and Register: choices, the request, the checklist, failure and retry, stale results.

use super::support::*;
use crate::profile::InstallMode;
use crate::register::RegisterEvent;
use crate::wizard::effect::Effect;
use crate::wizard::msg::Msg;
use crate::wizard::state::{
    AccountsChoice, AccountsFocus, ItemState, Popup, ReviewChoice, VerifyState, WizardState,
};
use crate::wizard::step::Step;
use crate::wizard::update::update;
use crossterm::event::KeyCode;
use secrecy::ExposeSecret;

fn progress(state: &mut WizardState, ticket: u64, event: RegisterEvent) {
    assert!(update(state, Msg::RegisterProgress { ticket, event }).is_empty());
}

fn item_states(state: &WizardState) -> Vec<ItemState> {
    state.register.items.iter().map(|i| i.state).collect()
}

#[test]
fn review_buttons_cycle_with_left_right_and_tab() {
    let (mut state, _) = at("officemaster", Step::Review);
    assert_eq!(state.review, ReviewChoice::Proceed);
    press(&mut state, KeyCode::Right);
    assert_eq!(state.review, ReviewChoice::Edit);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.review, ReviewChoice::Cancel);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.review, ReviewChoice::Proceed);
    press(&mut state, KeyCode::Left);
    assert_eq!(state.review, ReviewChoice::Cancel);
    press(&mut state, KeyCode::BackTab);
    assert_eq!(state.review, ReviewChoice::Edit);
}

#[test]
fn review_edit_goes_to_accounts_and_cancel_asks_to_quit() {
    let (mut state, _) = at("officemaster", Step::Review);
    press(&mut state, KeyCode::Right);
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Accounts);
    enter(&mut state);
    assert_eq!(state.step, Step::Review);
    assert_eq!(
        state.review,
        ReviewChoice::Proceed,
        "Review starts on Proceed"
    );
    press(&mut state, KeyCode::Left);
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    esc(&mut state);
    assert_eq!(state.step, Step::Review);
    assert_eq!(state.popup, None);
}

#[test]
fn proceed_builds_the_request_from_the_state() {
    let (mut state, _) = at("officemaster", Step::Review);
    state.mode = InstallMode::Hybrid;
    state.transport.mailbox.set("Fax-Transfer@Contoso.com");
    state.transport.domains[1].field.set("sms.contoso-ltd");
    state.accounts.secret_months = 6;
    let effects = enter(&mut state);
    let [Effect::Register { ticket, request }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(
        *ticket,
        state.jobs.ticket(crate::wizard::jobs::JobKind::Register)
    );
    assert_eq!(request.profile.id, "officemaster");
    assert_eq!(request.mode, InstallMode::Hybrid);
    assert_eq!(request.mailbox.as_deref(), Some("fax-transfer@contoso.com"));
    assert_eq!(
        request.transfer_domains,
        [
            ("fax".to_string(), "fax.contoso".to_string()),
            ("sms".to_string(), "sms.contoso-ltd".to_string()),
            ("vox".to_string(), "vox.contoso".to_string()),
        ]
    );
    assert_eq!(request.app_name, "OfficeMaster EWS");
    assert_eq!(request.secret_months, 6);
    assert!(!request.grant_consent);
    assert_eq!(request.app_id, None);
    assert_eq!(state.step, Step::Register);
    assert_eq!(
        item_states(&state),
        [
            ItemState::Running,
            ItemState::Pending,
            ItemState::Pending,
            ItemState::Pending,
            ItemState::Pending
        ]
    );
    assert!(state.wants_tick());
}

#[test]
fn bueroware_request_has_no_mailbox_and_no_domains() {
    let (mut state, _) = at("bueroware", Step::Review);
    let effects = enter(&mut state);
    let [Effect::Register { request, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(request.mailbox, None);
    assert!(request.transfer_domains.is_empty());
    assert_eq!(request.secret_months, 24);
}

#[test]
fn reuse_passes_the_chosen_apps_client_id_and_name() {
    let (mut state, _) = at("bueroware", Step::Review);
    state.accounts.choice = AccountsChoice::Reuse;
    state.accounts.browser.chosen = Some(app_summary("SoftENGINE old", CLIENT_ID));
    let effects = enter(&mut state);
    let [Effect::Register { request, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(request.app_id.as_deref(), Some(CLIENT_ID));
    assert_eq!(request.app_name, "SoftENGINE old");
}

/// The custom connector has no permissions until the admin chooses some: Enter on Review
/// registers nothing and opens the permission picker instead (issue 10.8; it used to end in a
/// sentence that only `--permission` could answer).
#[test]
fn a_custom_request_without_permissions_registers_nothing() {
    let (mut state, _) = at("custom", Step::Review);
    state.picker.open = false;
    let effects = enter(&mut state);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Register { .. })),
        "{effects:?}"
    );
    assert_eq!(state.step, Step::Review);
    assert!(state.picker.open);
}

#[test]
fn manual_proceeds_to_verify_with_the_typed_secret() {
    let (mut state, _) = at("bueroware", Step::Accounts);
    state.accounts.choice = AccountsChoice::Manual;
    state.accounts.focus = AccountsFocus::ManualTenant;
    retype(&mut state, CONTOSO_TENANT_ID);
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, CLIENT_ID);
    press(&mut state, KeyCode::Tab);
    type_text(&mut state, SECRET);
    enter(&mut state);
    assert_eq!(state.step, Step::Review);
    let effects = enter(&mut state);
    let [
        Effect::Verify {
            tenant_id,
            client_id,
            secret,
            expected,
            ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(tenant_id, CONTOSO_TENANT_ID);
    assert_eq!(client_id, CLIENT_ID);
    assert_eq!(secret.expose_secret(), SECRET);
    assert_eq!(expected.len(), 1);
    assert_eq!(expected[0].name, "full_access_as_app");
    assert!(!expected[0].id.is_empty());
    assert_eq!(state.step, Step::Verify);
    assert!(
        state.accounts.manual.secret.is_empty(),
        "the field is cleared"
    );
    assert_same!(state.verify, VerifyState::Running);
    // Esc: back to Review with the secret in its field again.
    esc(&mut state);
    assert_eq!(state.step, Step::Review);
    assert_eq!(state.accounts.manual.secret.value(), SECRET);
    assert!(state.app.is_none());
}

#[test]
fn progress_ticks_the_checklist() {
    let (mut state, _) = at("officemaster", Step::Review);
    let ticket = ticket_of(&enter(&mut state)[0]);
    progress(&mut state, ticket, RegisterEvent::CheckingTenant);
    progress(
        &mut state,
        ticket,
        RegisterEvent::AppFound {
            client_id: CLIENT_ID.into(),
        },
    );
    progress(&mut state, ticket, RegisterEvent::AppUpdated);
    assert_eq!(
        item_states(&state),
        [
            ItemState::Done,
            ItemState::Done,
            ItemState::Running,
            ItemState::Running,
            ItemState::Pending
        ]
    );
    let app_detail = state.register.items[1].detail.clone().unwrap();
    assert!(app_detail.contains(CLIENT_ID) && app_detail.contains("up to date"));
    progress(&mut state, ticket, RegisterEvent::SecretCreated);
    progress(
        &mut state,
        ticket,
        RegisterEvent::ServicePrincipalReady { created: true },
    );
    assert_eq!(
        item_states(&state),
        [
            ItemState::Done,
            ItemState::Done,
            ItemState::Done,
            ItemState::Done,
            ItemState::Running
        ]
    );
    progress(&mut state, ticket, RegisterEvent::Granting { count: 3 });
    progress(
        &mut state,
        ticket,
        RegisterEvent::GrantsChecked {
            granted: 0,
            total: 4,
        },
    );
    assert_eq!(state.register.items[4].state, ItemState::Done);
    assert_eq!(
        state.register.items[4].detail.as_deref(),
        Some("0 of 4 granted")
    );
    for item in &state.register.items {
        assert_ne!(crate::i18n::t(item.label_key), item.label_key);
    }
}

#[test]
fn registered_goes_to_consent_and_starts_polling() {
    let (mut state, _) = at("officemaster", Step::Review);
    let ticket = ticket_of(&enter(&mut state)[0]);
    progress(
        &mut state,
        ticket,
        RegisterEvent::AppCreated {
            client_id: CLIENT_ID.into(),
        },
    );
    let app = registered_app(&state);
    let effects = sans_listener(update(
        &mut state,
        Msg::Registered {
            ticket,
            result: Ok(app),
        },
    ));
    let [
        Effect::PollConsent {
            after,
            service_principal_id,
            permissions,
            ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert!(after.is_zero());
    assert_eq!(service_principal_id, SP_ID);
    assert_eq!(permissions.len(), 4);
    assert_eq!(state.step, Step::Consent);
    assert_eq!(state.app.as_ref().unwrap().client_id, CLIENT_ID);
    assert!(item_states(&state).iter().all(|s| *s == ItemState::Done));
    assert!(!state.wants_tick());
}

#[test]
fn a_failure_marks_the_item_and_enter_retries() {
    let (mut state, _) = at("officemaster", Step::Review);
    let first = ticket_of(&enter(&mut state)[0]);
    progress(
        &mut state,
        first,
        RegisterEvent::AppCreated {
            client_id: CLIENT_ID.into(),
        },
    );
    update(
        &mut state,
        Msg::Registered {
            ticket: first,
            result: Err(failed("Microsoft Graph did not answer in time.")),
        },
    );
    assert_eq!(
        item_states(&state),
        [
            ItemState::Done,
            ItemState::Done,
            ItemState::Failed,
            ItemState::Pending,
            ItemState::Pending
        ]
    );
    assert_eq!(
        state.register.error.as_deref(),
        Some("Microsoft Graph did not answer in time.")
    );
    assert!(!state.wants_tick());
    let effects = enter(&mut state);
    assert_eq!(names(&effects), ["Register"]);
    assert!(ticket_of(&effects[0]) > first);
    assert!(state.register.error.is_none());
    assert_eq!(state.register.items[1].state, ItemState::Pending);
}

#[test]
fn stale_register_results_are_ignored() {
    let (mut state, _) = at("officemaster", Step::Review);
    let first = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::Registered {
            ticket: first,
            result: Err(failed("timeout")),
        },
    );
    let second = ticket_of(&enter(&mut state)[0]);
    assert_ne!(first, second);
    let before = snapshot(&state);
    assert!(
        update(
            &mut state,
            Msg::RegisterProgress {
                ticket: first,
                event: RegisterEvent::SecretCreated,
            },
        )
        .is_empty()
    );
    let app = registered_app(&state);
    assert!(
        update(
            &mut state,
            Msg::Registered {
                ticket: first,
                result: Ok(app),
            },
        )
        .is_empty()
    );
    assert_eq!(snapshot(&state), before);
    assert!(state.app.is_none());
    assert_eq!(state.step, Step::Register);
}

#[test]
fn enter_while_registering_only_says_it_runs() {
    let (mut state, _) = at("officemaster", Step::Review);
    enter(&mut state);
    assert!(enter(&mut state).is_empty());
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.register_running"),
    );
}

#[test]
fn up_and_down_on_review_walk_the_permission_reasons_within_the_list() {
    let (mut state, _) = at("officemaster", Step::Review);
    let count = state.profile().permissions_for(state.mode).len();
    assert!(count > 1);
    assert_eq!(state.review_reason, None, "none highlighted at first");
    press(&mut state, KeyCode::Down);
    assert_eq!(state.review_reason, Some(0));
    for _ in 0..count + 2 {
        press(&mut state, KeyCode::Down);
    }
    assert_eq!(state.review_reason, Some(count - 1), "stops at the last");
    for _ in 0..count {
        press(&mut state, KeyCode::Up);
    }
    assert_eq!(
        state.review_reason, None,
        "Up past the first hides the reason"
    );
    assert_eq!(
        state.review,
        ReviewChoice::Proceed,
        "the buttons did not move"
    );
}

/// Issue 11, typed errors to the screen: a registration that failed for a missing admin role
/// (Graph's 403) fails the same way on every retry, so the wizard goes back to Sign in with
/// the sentence (another account; the journal offers to continue the run after it). A network
/// failure stays on Register, where Enter tries again.
#[test]
fn a_registration_refused_for_a_missing_role_leads_back_to_sign_in() {
    use crate::wizard::state::SignInPhase;
    let failed_with = |error: JobError| {
        let (mut state, _) = at("officemaster", Step::Review);
        let ticket = ticket_of(&enter(&mut state)[0]);
        progress(
            &mut state,
            ticket,
            RegisterEvent::AppCreated {
                client_id: CLIENT_ID.into(),
            },
        );
        update(
            &mut state,
            Msg::Registered {
                ticket,
                result: Err(error),
            },
        );
        state
    };

    let offline = graph_offline(Operation::CreateServicePrincipal);
    let sentence = offline.to_string();
    let mut state = failed_with(offline);
    assert_eq!(state.step, Step::Register, "the network: try again here");
    assert_eq!(state.register.error, Some(sentence));
    assert_eq!(names(&enter(&mut state)), ["Register"]);

    let denied = graph_forbidden(Operation::CreateServicePrincipal);
    assert_eq!(denied.kind(), JobErrorKind::NeedsAdminRole);
    let sentence = denied.to_string();
    let state = failed_with(denied);
    assert_eq!(
        state.step,
        Step::SignIn,
        "a missing role: sign in as someone else"
    );
    assert_eq!(state.sign_in, SignInPhase::Failed(sentence.clone()));
    assert_eq!(
        state.register.error,
        Some(sentence),
        "the checklist says it too"
    );
    assert_eq!(state.register.items[2].state, ItemState::Failed);

    // The executor's sign-in gone (not signed in any more): the same way back.
    let state = failed_with(JobError::Session("Sign in again.".into()));
    assert_eq!(state.step, Step::SignIn);
    assert_eq!(state.sign_in, SignInPhase::Failed("Sign in again.".into()));
}
