//! Sign in: method, start, prompt, result, retry, cancel, stale tickets, tenant defaults.

use super::support::*;
use crate::profile::InstallMode;
use crate::wizard::effect::Effect;
use crate::wizard::msg::{Msg, SignInPrompt};
use crate::wizard::state::{SignInMethod, SignInPhase, TenantInfo, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::update;
use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;
use secrecy::ExposeSecret;

fn on_sign_in(profile: &str) -> WizardState {
    let mut state = wizard(profile);
    enter(&mut state);
    assert_eq!(state.step, Step::SignIn);
    assert_eq!(state.sign_in, SignInPhase::Choose);
    state
}

fn device_code_prompt(ticket: u64) -> Msg {
    Msg::SignInPrompt {
        ticket,
        prompt: SignInPrompt::DeviceCode {
            user_code: "ABCD-EFGH".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap(),
        },
    }
}

#[test]
fn up_down_and_tab_choose_the_method() {
    let mut state = on_sign_in("officemaster");
    assert_eq!(state.sign_in_method, SignInMethod::Browser);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.sign_in_method, SignInMethod::DeviceCode);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.sign_in_method, SignInMethod::Browser);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.sign_in_method, SignInMethod::DeviceCode);
}

#[test]
fn without_a_browser_only_device_code_is_offered() {
    let profiles = crate::profile::all().unwrap();
    let mut state = WizardState::new(profiles, false, false);
    enter(&mut state);
    assert_eq!(state.sign_in_method, SignInMethod::DeviceCode);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.sign_in_method, SignInMethod::DeviceCode);
    let effects = enter(&mut state);
    assert!(matches!(
        effects[..],
        [Effect::StartSignIn {
            method: SignInMethod::DeviceCode,
            ..
        }]
    ));
}

#[test]
fn enter_starts_with_a_fresh_ticket() {
    let mut state = on_sign_in("officemaster");
    let effects = enter(&mut state);
    let [Effect::StartSignIn { ticket, method }] = effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(method, SignInMethod::Browser);
    assert_eq!(
        ticket,
        state.jobs.ticket(crate::wizard::jobs::JobKind::SignIn)
    );
    assert_eq!(state.sign_in, SignInPhase::Starting);
    assert!(state.wants_tick());
}

#[test]
fn device_code_prompt_copy_and_open() {
    let mut state = on_sign_in("officemaster");
    press(&mut state, KeyCode::Down);
    let ticket = ticket_of(&enter(&mut state)[0]);
    update(&mut state, device_code_prompt(ticket));
    assert!(matches!(
        state.sign_in,
        SignInPhase::WaitingForDeviceCode { ref user_code, .. } if user_code == "ABCD-EFGH"
    ));
    let effects = letter(&mut state, 'c');
    let [
        Effect::Copy {
            label,
            value,
            clear_after,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(label, "device code");
    assert_eq!(value.expose_secret(), "ABCD-EFGH");
    assert!(clear_after.is_none());
    let effects = letter(&mut state, 'o');
    assert!(matches!(
        &effects[..],
        [Effect::OpenBrowser { url }] if url == "https://microsoft.com/devicelogin"
    ));
}

#[test]
fn browser_prompt_copy_open_and_not_opened_notice() {
    let mut state = on_sign_in("officemaster");
    let ticket = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::SignInPrompt {
            ticket,
            prompt: SignInPrompt::Browser {
                url: "https://login.example/authorize?x=1".into(),
                opened: false,
            },
        },
    );
    // Says the browser did not open.
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.browser_not_opened"),
    );
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { value, clear_after: None, .. }] if value.expose_secret() == "https://login.example/authorize?x=1"
    ));
    let effects = letter(&mut state, 'o');
    assert_eq!(names(&effects), ["OpenBrowser"]);
}

#[test]
fn signed_in_sets_tenant_mode_and_transport_defaults() {
    let mut state = on_sign_in("officemaster");
    let ticket = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::SignedIn {
            ticket,
            result: Ok(contoso()),
        },
    );
    assert_eq!(state.sign_in, SignInPhase::SignedIn);
    assert_eq!(state.tenant.as_ref().unwrap().name, "Contoso Ltd");
    assert_eq!(state.mode, InstallMode::CloudOnly);
    assert_eq!(state.transport.mailbox.value(), "fax-transfer@contoso.com");
    let domains: Vec<_> = state
        .transport
        .domains
        .iter()
        .map(|d| (d.kind.as_str(), d.field.value(), d.suggestion.as_str()))
        .collect();
    assert_eq!(
        domains,
        [
            // The CLI's default (validate::transfer_domain_default), the full name offered.
            ("fax", "fax.contoso", "fax.contoso-ltd"),
            ("sms", "sms.contoso", "sms.contoso-ltd"),
            ("vox", "vox.contoso", "vox.contoso-ltd"),
        ]
    );
    // Stays on the step showing the organisation; Enter goes on.
    assert_eq!(state.step, Step::SignIn);
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::InstallType);
}

#[test]
fn directory_sync_suggests_hybrid() {
    let mut state = wizard("officemaster");
    sign_in(
        &mut state,
        TenantInfo {
            directory_sync: Some(true),
            ..contoso()
        },
    );
    assert_eq!(state.mode, InstallMode::Hybrid);
}

#[test]
fn a_typed_mailbox_is_not_replaced_by_the_default() {
    let mut state = on_sign_in("moveit");
    state.transport.mailbox.set("orders@contoso.com");
    let ticket = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::SignedIn {
            ticket,
            result: Ok(contoso()),
        },
    );
    assert_eq!(state.transport.mailbox.value(), "orders@contoso.com");
    assert!(state.transport.domains.is_empty());
}

#[test]
fn profiles_without_a_mailbox_get_no_default() {
    let mut state = wizard("bueroware");
    sign_in(&mut state, contoso());
    assert!(state.transport.mailbox.is_empty());
    // bueroware has no InstallType and no Transport.
    enter(&mut state);
    assert_eq!(state.step, Step::Accounts);
}

#[test]
fn failure_shows_the_sentence_and_enter_retries_with_a_new_ticket() {
    let mut state = on_sign_in("officemaster");
    let first = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::SignedIn {
            ticket: first,
            result: Err(failed("AADSTS50126: wrong password.")),
        },
    );
    assert_eq!(
        state.sign_in,
        SignInPhase::Failed("AADSTS50126: wrong password.".into())
    );
    let effects = enter(&mut state);
    assert_eq!(names(&effects), ["StartSignIn"]);
    assert!(ticket_of(&effects[0]) > first);
    assert_eq!(state.sign_in, SignInPhase::Starting);
}

#[test]
fn esc_while_signing_in_cancels_and_bumps_the_ticket() {
    let mut state = on_sign_in("officemaster");
    let ticket = ticket_of(&enter(&mut state)[0]);
    update(&mut state, device_code_prompt(ticket));
    let effects = esc(&mut state);
    assert_eq!(names(&effects), ["CancelSignIn"]);
    assert_eq!(state.step, Step::Welcome);
    assert_eq!(state.sign_in, SignInPhase::Choose);
    assert_ne!(
        state.jobs.ticket(crate::wizard::jobs::JobKind::SignIn),
        ticket
    );
}

#[test]
fn esc_without_a_running_sign_in_just_goes_back() {
    let mut state = on_sign_in("officemaster");
    assert!(esc(&mut state).is_empty());
    assert_eq!(state.step, Step::Welcome);
}

#[test]
fn stale_sign_in_results_are_ignored() {
    let mut state = on_sign_in("officemaster");
    let old = ticket_of(&enter(&mut state)[0]);
    esc(&mut state); // cancelled
    enter(&mut state);
    let current = ticket_of(&enter(&mut state)[0]);
    assert_ne!(old, current);

    let before = snapshot(&state);
    assert!(update(&mut state, device_code_prompt(old)).is_empty());
    assert!(
        update(
            &mut state,
            Msg::SignedIn {
                ticket: old,
                result: Ok(contoso()),
            },
        )
        .is_empty()
    );
    assert!(
        update(
            &mut state,
            Msg::SignedIn {
                ticket: old,
                result: Err(failed("late")),
            },
        )
        .is_empty()
    );
    assert_eq!(snapshot(&state), before);
    assert!(state.tenant.is_none());

    // The current ticket still counts.
    update(
        &mut state,
        Msg::SignedIn {
            ticket: current,
            result: Ok(contoso()),
        },
    );
    assert_eq!(state.sign_in, SignInPhase::SignedIn);
}

#[test]
fn letters_do_nothing_before_the_prompt_arrives() {
    let mut state = on_sign_in("officemaster");
    enter(&mut state);
    assert!(letter(&mut state, 'c').is_empty());
    assert!(letter(&mut state, 'o').is_empty());
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.sign_in, SignInPhase::Starting);
}

#[test]
fn welcome_up_down_choose_the_profile_and_its_defaults() {
    let mut state = wizard("officemaster");
    assert_eq!(state.accounts.app_name.value(), "OfficeMaster EWS");
    press(&mut state, KeyCode::Down);
    assert_eq!(state.profile().id, "myfactory");
    assert_eq!(state.accounts.app_name.value(), "myfactory EWS");
    for _ in 0..10 {
        press(&mut state, KeyCode::Down);
    }
    assert_eq!(state.profile().id, "custom");
    assert_eq!(state.accounts.secret_months, 12);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.profile().id, "bueroware");
    assert_eq!(state.accounts.secret_months, 24);

    // An edited name stays when the profile changes.
    state.accounts.app_name.set("Our sync app");
    press(&mut state, KeyCode::Up);
    assert_eq!(state.profile().id, "moveit");
    assert_eq!(state.accounts.app_name.value(), "Our sync app");
    for _ in 0..10 {
        press(&mut state, KeyCode::Up);
    }
    assert_eq!(state.profile_index, 0);
}
