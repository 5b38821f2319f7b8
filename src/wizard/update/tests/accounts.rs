//! Accounts: choice, focus order, secret lifetime, app browser, IDs by hand, validation.

use super::support::*;
use crate::wizard::effect::Effect;
use crate::wizard::msg::Msg;
use crate::wizard::state::{AccountsChoice, AccountsFocus, Check, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::accounts::is_guid;
use crate::wizard::update::update;
use crossterm::event::KeyCode;

fn reuse() -> (WizardState, Vec<Effect>) {
    let (mut state, _) = at("bueroware", Step::Accounts);
    let effects = press(&mut state, KeyCode::Down);
    assert_eq!(state.accounts.choice, AccountsChoice::Reuse);
    (state, effects)
}

fn listed(state: &mut WizardState, effect: &Effect, apps: Vec<crate::wizard::state::AppSummary>) {
    update(
        state,
        Msg::AppsListed {
            ticket: ticket_of(effect),
            result: Ok(apps),
        },
    );
}

fn two_apps() -> Vec<crate::wizard::state::AppSummary> {
    vec![
        app_summary("SoftENGINE Mailserver", CLIENT_ID),
        app_summary("SoftENGINE Test", "2b4e28ba-2fa1-11d2-883f-0016d3cca427"),
    ]
}

#[test]
fn up_down_choose_and_tab_cycles_the_inputs_of_each_choice() {
    let (mut state, _) = at("officemaster", Step::Accounts);
    assert_eq!(state.accounts.choice, AccountsChoice::Automatic);
    let order = |state: &mut WizardState| {
        let mut seen = vec![state.accounts.focus];
        loop {
            press(state, KeyCode::Tab);
            if state.accounts.focus == AccountsFocus::Choice {
                break seen;
            }
            seen.push(state.accounts.focus);
        }
    };
    use AccountsFocus::*;
    assert_eq!(order(&mut state), [Choice, AppName, SecretMonths]);
    press(&mut state, KeyCode::Down);
    assert_eq!(order(&mut state), [Choice, BrowserFilter, SecretMonths]);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.accounts.choice, AccountsChoice::Manual);
    assert_eq!(
        order(&mut state),
        [Choice, ManualTenant, ManualClientId, ManualSecret]
    );
    press(&mut state, KeyCode::Down);
    assert_eq!(state.accounts.choice, AccountsChoice::Manual);
    press(&mut state, KeyCode::BackTab);
    assert_eq!(state.accounts.focus, ManualSecret);
    press(&mut state, KeyCode::Up); // in a field, Up moves the focus back
    assert_eq!(state.accounts.focus, ManualClientId);
    press(&mut state, KeyCode::BackTab);
    press(&mut state, KeyCode::BackTab);
    press(&mut state, KeyCode::Up);
    press(&mut state, KeyCode::Up);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.accounts.choice, AccountsChoice::Automatic);
}

/// Up to the manual's five years (OfficeMaster, 000 line 188); the tenant's policy decides.
#[test]
fn secret_lifetime_moves_between_1_and_60() {
    let (mut state, _) = at("custom", Step::Accounts);
    assert_eq!(state.accounts.secret_months, 12);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.accounts.focus, AccountsFocus::SecretMonths);
    press(&mut state, KeyCode::Right);
    letter(&mut state, '+');
    assert_eq!(state.accounts.secret_months, 14);
    press(&mut state, KeyCode::Left);
    letter(&mut state, '-');
    assert_eq!(state.accounts.secret_months, 12);
    for _ in 0..70 {
        press(&mut state, KeyCode::Right);
    }
    assert_eq!(state.accounts.secret_months, 60);
    for _ in 0..70 {
        press(&mut state, KeyCode::Left);
    }
    assert_eq!(state.accounts.secret_months, 1);
}

#[test]
fn automatic_needs_an_app_name() {
    let (mut state, _) = at("bueroware", Step::Accounts);
    press(&mut state, KeyCode::Tab);
    update(&mut state, ctrl('u'));
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Accounts);
    assert!(state.accounts.app_name_error.is_some());
    assert_eq!(state.accounts.focus, AccountsFocus::AppName);
    type_text(&mut state, "SoftENGINE Mailserver");
    assert!(state.accounts.app_name_error.is_none());
    enter(&mut state);
    assert_eq!(state.step, Step::Review);
}

#[test]
fn reuse_lists_apps_filters_and_chooses_one() {
    let (mut state, effects) = reuse();
    assert!(matches!(&effects[..], [Effect::ListApps { filter, .. }] if filter.is_empty()));
    assert_eq!(state.accounts.browser.apps, Check::Running);
    listed(&mut state, &effects[0], two_apps());
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.accounts.focus, AccountsFocus::BrowserFilter);
    // Typing in the filter asks again, one request per change.
    let effects = type_text(&mut state, "So");
    assert_eq!(names(&effects), ["ListApps", "ListApps"]);
    assert!(matches!(&effects[1], Effect::ListApps { filter, .. } if filter == "So"));
    // The first answer is stale, the second counts.
    let before = snapshot(&state);
    listed(&mut state, &effects[0], vec![]);
    assert_eq!(snapshot(&state), before);
    listed(&mut state, &effects[1], two_apps());
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.accounts.browser.selected, 1);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.accounts.browser.selected, 0);
    // Enter chooses, a second Enter goes on.
    assert!(enter(&mut state).is_empty());
    assert_eq!(
        state.accounts.browser.chosen.as_ref().unwrap().client_id,
        CLIENT_ID
    );
    assert_eq!(state.step, Step::Accounts);
    enter(&mut state);
    assert_eq!(state.step, Step::Review);
}

#[test]
fn reuse_without_a_chosen_app_stays() {
    let (mut state, effects) = reuse();
    listed(&mut state, &effects[0], two_apps());
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Accounts);
    assert_eq!(state.accounts.focus, AccountsFocus::BrowserFilter);
    assert_status(
        &state,
        StatusKind::Error,
        crate::i18n::t("status.choose_an_app"),
    );
}

#[test]
fn an_app_list_failure_is_kept_as_its_sentence() {
    let (mut state, effects) = reuse();
    update(
        &mut state,
        Msg::AppsListed {
            ticket: ticket_of(&effects[0]),
            result: Err(crate::error::JobError::Local(
                "Access denied: sign in as an administrator.".into(),
            )),
        },
    );
    assert_eq!(
        state.accounts.browser.apps,
        Check::Failed("Access denied: sign in as an administrator.".into())
    );
}

#[test]
fn stale_app_lists_are_ignored() {
    let (mut state, old) = reuse();
    press(&mut state, KeyCode::Up); // back to Automatic
    press(&mut state, KeyCode::Down); // Reuse again: a new request
    let before = snapshot(&state);
    listed(&mut state, &old[0], two_apps());
    assert_eq!(snapshot(&state), before);
    assert_eq!(state.accounts.browser.apps, Check::Running);
}

#[test]
fn manual_prefills_the_signed_in_tenant_and_validates_ids() {
    let (mut state, _) = at("bueroware", Step::Accounts);
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.accounts.manual.tenant.value(), CONTOSO_TENANT_ID);
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "not-a-guid");
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.accounts.focus, AccountsFocus::ManualTenant);
    assert_status(
        &state,
        StatusKind::Error,
        crate::i18n::t("status.manual_tenant_not_id"),
    );
    retype(&mut state, CONTOSO_TENANT_ID);
    enter(&mut state);
    assert_eq!(state.accounts.focus, AccountsFocus::ManualClientId);
    retype(&mut state, CLIENT_ID);
    enter(&mut state);
    assert_eq!(state.accounts.focus, AccountsFocus::ManualSecret);
    assert_eq!(state.step, Step::Accounts);
    type_text(&mut state, SECRET);
    enter(&mut state);
    assert_eq!(state.step, Step::Review);
}

#[test]
fn ctrl_l_looks_up_the_tenant_id_from_a_domain() {
    let (mut state, _) = at("officemaster", Step::Accounts);
    state.accounts.choice = AccountsChoice::Manual;
    state.accounts.focus = AccountsFocus::ManualTenant;
    retype(&mut state, "Contoso.com");
    let effects = update(&mut state, ctrl('l'));
    let [Effect::LookupTenant { ticket, domain }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert_eq!(domain, "contoso.com");
    assert_eq!(state.accounts.manual.tenant_lookup, Check::Running);
    update(
        &mut state,
        Msg::TenantLookedUp {
            ticket: *ticket,
            result: Ok(CONTOSO_TENANT_ID.into()),
        },
    );
    assert_eq!(state.accounts.manual.tenant.value(), CONTOSO_TENANT_ID);
    assert_eq!(
        state.accounts.manual.tenant_lookup,
        Check::Done(CONTOSO_TENANT_ID.into())
    );
    // On a GUID, Ctrl+L only says so.
    assert!(update(&mut state, ctrl('l')).is_empty());
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.tenant_is_id"),
    );
    // On garbage, a sentence and no lookup.
    retype(&mut state, "contoso");
    assert!(update(&mut state, ctrl('l')).is_empty());
    assert!(state.status.as_ref().unwrap().text.contains("domain"));
}

#[test]
fn ctrl_l_is_only_bound_on_the_tenant_field() {
    let (mut state, _) = at("officemaster", Step::Accounts);
    state.accounts.choice = AccountsChoice::Manual;
    state.accounts.focus = AccountsFocus::ManualClientId;
    assert!(update(&mut state, ctrl('l')).is_empty());
}

#[test]
fn a_lookup_failure_and_a_stale_lookup() {
    let (mut state, _) = at("officemaster", Step::Accounts);
    state.accounts.choice = AccountsChoice::Manual;
    state.accounts.focus = AccountsFocus::ManualTenant;
    retype(&mut state, "fabrikam.com");
    let old = update(&mut state, ctrl('l'));
    // Typing on makes the answer stale.
    type_text(&mut state, "x");
    let before = snapshot(&state);
    update(
        &mut state,
        Msg::TenantLookedUp {
            ticket: ticket_of(&old[0]),
            result: Ok(CONTOSO_TENANT_ID.into()),
        },
    );
    assert_eq!(snapshot(&state), before);
    let effects = update(&mut state, ctrl('l'));
    update(
        &mut state,
        Msg::TenantLookedUp {
            ticket: ticket_of(&effects[0]),
            result: Err(failed("No tenant has the domain fabrikam.comx.")),
        },
    );
    assert_eq!(
        state.status.as_ref().unwrap().text,
        "No tenant has the domain fabrikam.comx."
    );
    assert_eq!(state.accounts.manual.tenant.value(), "fabrikam.comx");
}

#[test]
fn guids() {
    assert!(is_guid(CONTOSO_TENANT_ID));
    assert!(is_guid(&format!(" {} ", CLIENT_ID.to_uppercase())));
    assert!(!is_guid("contoso.com"));
    assert!(!is_guid("72f988bf86f141af91ab2d7cd011db47"));
    assert!(!is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4g"));
}

/// Issue 11, typed errors to the screen: the app browser branches on the error's kind. Graph's
/// 403 (the account may not read app registrations) cannot be cured by listing again, so the
/// wizard goes back to Sign in with the sentence (another account); a network failure stays on
/// the list, where Enter or the filter tries again.
#[test]
fn the_app_browser_branches_on_the_kind_of_a_failed_listing() {
    use crate::error::JobError;
    use crate::graph::error::ErrorBody;
    use crate::graph::{GraphError, Operation};
    use crate::wizard::state::SignInPhase;
    let failed = |state: &mut WizardState, effect: &Effect, error: GraphError| {
        let Effect::ListApps { ticket, .. } = effect else {
            panic!("{effect:?}");
        };
        update(
            state,
            Msg::AppsListed {
                ticket: *ticket,
                result: Err(JobError::from(error)),
            },
        )
    };

    let (mut state, effects) = reuse();
    let offline = GraphError::network(
        Operation::ListApplications,
        "graph.microsoft.com",
        "connection refused".into(),
    );
    let sentence = offline.to_string();
    failed(&mut state, &effects[0], offline);
    assert_eq!(state.step, Step::Accounts, "the network: try again here");
    assert_eq!(state.accounts.browser.apps, Check::Failed(sentence));

    let (mut state, effects) = reuse();
    let body = ErrorBody::parse(
        br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#,
    );
    let denied = GraphError::from_response(
        Operation::ListApplications,
        "graph.microsoft.com",
        403,
        &body,
        None,
        "crid-1",
    );
    let sentence = denied.to_string();
    failed(&mut state, &effects[0], denied);
    assert_eq!(
        state.step,
        Step::SignIn,
        "a missing role: sign in as someone else"
    );
    assert_eq!(state.sign_in, SignInPhase::Failed(sentence));
}
