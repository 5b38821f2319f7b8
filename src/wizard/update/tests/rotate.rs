//! The rotate job: app step → secrets step → new secret → Verify (with the app's APIs) → Done.

use super::support::*;
use crate::error::JobError;
use crate::permissions::PermissionStatus;
use crate::profile::{Api, PermissionType};
use crate::rotate::SecretInfo;
use crate::wizard::effect::Effect;
use crate::wizard::keymap::{self, Action};
use crate::wizard::msg::Msg;
use crate::wizard::state::{
    AppSecrets, Check, ComparedWith, CreatedSecret, Job, Popup, RemovedSecrets, StatusKind,
    VerifyReport, VerifyState, WizardState,
};
use crate::wizard::step::Step;
use crate::wizard::update::{can_remove_old, update, visible_steps};
use crossterm::event::KeyCode;
use secrecy::{ExposeSecret, SecretString};

const KEY_ID: &str = "11111111-2222-4333-8444-555555555555";

fn secret_info(name: &str, days: i64) -> SecretInfo {
    SecretInfo {
        key_id: format!("key-{name}"),
        display_name: Some(name.into()),
        hint: Some("Ab1".into()),
        start: None,
        end: None,
        days_left: Some(days),
        expired: days < 0,
        due: days < 30,
    }
}

fn app_secrets() -> AppSecrets {
    AppSecrets {
        display_name: "OfficeMaster EWS".into(),
        client_id: CLIENT_ID.into(),
        tenant_id: CONTOSO_TENANT_ID.into(),
        profile_id: "officemaster".into(),
        secrets: vec![secret_info("old", 10), secret_info("older", -3)],
        apis: vec![Api::Exchange, Api::Graph],
        months: 24,
        expected: vec![
            role(Api::Exchange, "full_access_as_app"),
            role(Api::Graph, "People.Read.All"),
            role(Api::Graph, "User.Read.All"),
        ],
        compared_with: ComparedWith::Profile("OfficeMaster connector for Office 365".into()),
        ews: crate::jobs::verify::Ews::Mailbox("fax-transfer@contoso.com".into()),
        cleaned_up: None,
    }
}

fn role(api: Api, name: &str) -> PermissionStatus {
    PermissionStatus {
        api,
        name: name.into(),
        kind: PermissionType::Application,
        id: format!("id-{name}"),
        description: String::new(),
        granted: false,
    }
}

/// Signed in with the rotate job chosen; on the app step with the list loaded.
fn on_app_step() -> (WizardState, Vec<Effect>) {
    let mut state = wizard("officemaster");
    press(&mut state, KeyCode::Right);
    assert_eq!(state.job, Job::RotateSecret);
    sign_in(&mut state, contoso());
    let effects = enter(&mut state);
    (state, effects)
}

fn list_loaded(state: &mut WizardState, effects: &[Effect]) {
    let ticket = ticket_of(&effects[0]);
    update(
        state,
        Msg::AppsListed {
            ticket,
            result: Ok(vec![
                app_summary("Other app", "00000000-0000-4000-8000-000000000001"),
                app_summary("OfficeMaster EWS", CLIENT_ID),
            ]),
        },
    );
}

/// On the secrets step with the secrets loaded.
fn on_secrets_step() -> WizardState {
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    press(&mut state, KeyCode::Down);
    let effects = enter(&mut state);
    let ticket = ticket_of(&effects[0]);
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket,
            result: Ok(app_secrets()),
        },
    );
    state
}

fn created() -> CreatedSecret {
    CreatedSecret {
        key_id: KEY_ID.into(),
        secret: SecretString::from(SECRET),
        hint: Some("Q~s".into()),
        end: None,
    }
}

#[test]
fn the_rotate_job_has_its_own_six_steps() {
    let mut state = wizard("officemaster");
    state.job = Job::RotateSecret;
    assert_eq!(
        visible_steps(&state),
        [
            Step::Welcome,
            Step::SignIn,
            Step::App,
            Step::Secrets,
            Step::Verify,
            Step::Done
        ]
    );
}

#[test]
fn after_sign_in_the_app_step_lists_the_apps() {
    let (state, effects) = on_app_step();
    assert_eq!(state.step, Step::App);
    assert_eq!(names(&effects), ["ListApps"]);
    assert!(matches!(state.accounts.browser.apps, Check::Running));
}

#[test]
fn typing_filters_and_enter_chooses_the_highlighted_app() {
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    let effects = type_text(&mut state, "O");
    assert_eq!(names(&effects), ["ListApps"]);
    list_loaded(&mut state, &effects);
    press(&mut state, KeyCode::Down);
    let effects = enter(&mut state);
    assert_eq!(state.step, Step::Secrets);
    assert_eq!(
        state.accounts.browser.chosen.as_ref().unwrap().client_id,
        CLIENT_ID
    );
    match &effects[..] {
        [Effect::LoadSecrets { client_id, .. }] => assert_eq!(client_id, CLIENT_ID),
        other => panic!("{other:?}"),
    }
}

#[test]
fn enter_without_apps_says_to_choose_one() {
    let (mut state, _) = on_app_step();
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::App);
    assert_status(
        &state,
        StatusKind::Error,
        crate::i18n::t("status.choose_an_app_to_rotate"),
    );
}

#[test]
fn loaded_secrets_set_the_lifetime_and_arrows_change_it_within_limits() {
    let mut state = on_secrets_step();
    assert!(matches!(state.rotate.secrets, Check::Done(_)));
    assert_eq!(state.rotate.months, 24);
    press(&mut state, KeyCode::Right);
    assert_eq!(state.rotate.months, 25);
    for _ in 0..40 {
        press(&mut state, KeyCode::Right);
    }
    assert_eq!(state.rotate.months, 60);
    press(&mut state, KeyCode::Left);
    assert_eq!(state.rotate.months, 59);
}

#[test]
fn stale_secret_lists_are_ignored() {
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    let effects = enter(&mut state);
    let old = ticket_of(&effects[0]);
    esc(&mut state);
    assert_eq!(state.step, Step::App);
    let before = snapshot(&state);
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket: old,
            result: Ok(app_secrets()),
        },
    );
    assert_eq!(snapshot(&state), before);
}

#[test]
fn a_failed_read_is_shown_and_enter_retries() {
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    let effects = enter(&mut state);
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket: ticket_of(&effects[0]),
            result: Err(JobError::Input("Graph said no.".into())),
        },
    );
    assert!(matches!(state.rotate.secrets, Check::Failed(_)));
    assert_eq!(names(&enter(&mut state)), ["LoadSecrets"]);
}

#[test]
fn enter_creates_the_secret_once_then_verify_checks_the_apps_apis() {
    let mut state = on_secrets_step();
    state.rotate.months = 6;
    let effects = enter(&mut state);
    match &effects[..] {
        [
            Effect::CreateSecret {
                client_id, months, ..
            },
        ] => {
            assert_eq!(client_id, CLIENT_ID);
            assert_eq!(*months, 6);
        }
        other => panic!("{other:?}"),
    }
    assert!(state.rotate.creating);
    assert!(
        enter(&mut state).is_empty(),
        "no second secret while one is made"
    );
    esc(&mut state);
    assert_eq!(
        state.step,
        Step::Secrets,
        "Esc waits while the secret is made"
    );
    let effects = update(
        &mut state,
        Msg::SecretCreated {
            ticket: ticket_of(&effects[0]),
            result: Ok(created()),
        },
    );
    assert_eq!(state.step, Step::Verify);
    assert_eq!(state.rotate.new_key_id.as_deref(), Some(KEY_ID));
    let app = state.app.as_ref().unwrap();
    assert_eq!(app.client_id, CLIENT_ID);
    assert_eq!(app.tenant_id, CONTOSO_TENANT_ID);
    assert_eq!(app.secret.expose_secret(), SECRET);
    match &effects[..] {
        [
            Effect::VerifyRotated {
                apis,
                secret,
                expected,
                compared_with,
                ews,
                ..
            },
        ] => {
            assert_eq!(apis, &[Api::Exchange, Api::Graph]);
            assert_eq!(secret.expose_secret(), SECRET);
            assert_eq!(expected, &app_secrets().expected, "the profile's roles");
            assert_eq!(compared_with, &app_secrets().compared_with);
            assert_eq!(
                ews,
                &app_secrets().ews,
                "the saved mailbox is opened, as by the CLI"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rotation_without_an_expectation_still_verifies() {
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    press(&mut state, KeyCode::Down);
    let effects = enter(&mut state);
    let why = "Microsoft Graph is not reachable.".to_string();
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket: ticket_of(&effects[0]),
            result: Ok(AppSecrets {
                expected: Vec::new(),
                compared_with: ComparedWith::Nothing(why.clone()),
                ..app_secrets()
            }),
        },
    );
    let ticket = ticket_of(&enter(&mut state)[0]);
    let effects = update(
        &mut state,
        Msg::SecretCreated {
            ticket,
            result: Ok(created()),
        },
    );
    match &effects[..] {
        [
            Effect::VerifyRotated {
                expected,
                compared_with,
                ..
            },
        ] => {
            assert!(expected.is_empty());
            assert_eq!(compared_with, &ComparedWith::Nothing(why));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_rotation_with_missing_consent_is_verified_and_goes_on_to_done() {
    let mut state = on_secrets_step();
    let ticket = ticket_of(&enter(&mut state)[0]);
    let effects = update(
        &mut state,
        Msg::SecretCreated {
            ticket,
            result: Ok(created()),
        },
    );
    let report = VerifyReport {
        roles: vec![("Microsoft Graph".into(), vec!["People.Read.All".into()])],
        missing: vec!["full_access_as_app".into(), "User.Read.All".into()],
        compared_with: app_secrets().compared_with,
        expected_count: 3,
        ews: None,
    };
    update(
        &mut state,
        Msg::Verified {
            ticket: ticket_of(&effects[0]),
            result: Ok(report.clone()),
        },
    );
    assert!(matches!(&state.verify, VerifyState::Passed(r) if *r == report));
    enter(&mut state);
    assert_eq!(
        state.step,
        Step::Done,
        "the secret works: missing consent does not stop it"
    );
}

#[test]
fn a_failed_creation_is_shown_and_stale_results_are_ignored() {
    let mut state = on_secrets_step();
    let first = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::SecretCreated {
            ticket: first,
            result: Err(JobError::Input("Too many secrets.".into())),
        },
    );
    assert_eq!(state.rotate.error.as_deref(), Some("Too many secrets."));
    assert!(!state.rotate.creating);
    let before = snapshot(&state);
    update(
        &mut state,
        Msg::SecretCreated {
            ticket: first,
            result: Ok(created()),
        },
    );
    assert_eq!(snapshot(&state), before);
    assert_eq!(names(&enter(&mut state)), ["CreateSecret"]);
}

/// Secret made and verified: on Done.
pub(super) fn on_done() -> WizardState {
    let mut state = on_secrets_step();
    let ticket = ticket_of(&enter(&mut state)[0]);
    let effects = update(
        &mut state,
        Msg::SecretCreated {
            ticket,
            result: Ok(created()),
        },
    );
    update(
        &mut state,
        Msg::Verified {
            ticket: ticket_of(&effects[0]),
            result: Ok(VerifyReport {
                roles: vec![("Microsoft Graph".into(), vec!["User.Read.All".into()])],
                missing: Vec::new(),
                compared_with: ComparedWith::Profile("OfficeMaster".into()),
                expected_count: 1,
                ews: None,
            }),
        },
    );
    assert!(matches!(state.verify, VerifyState::Passed(_)));
    esc(&mut state);
    assert_eq!(state.step, Step::Verify, "the new secret cannot be undone");
    enter(&mut state);
    state
}

#[test]
fn verified_goes_to_done_and_quitting_asks_until_the_secret_was_handed_over() {
    let mut state = on_done();
    assert_eq!(state.step, Step::Done);
    enter(&mut state);
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    press(&mut state, KeyCode::Esc);
    letter(&mut state, 'r');
    assert!(state.done.secret_handed_over);
    assert_eq!(names(&enter(&mut state)), ["Quit"]);
}

/// Issue 10.2: the older secrets may only go once somebody has the new one. While the new
/// secret is still masked and was never copied, `x` does nothing, `y` cannot remove anything,
/// the key bar has no `x`, and Done says why (English and German).
#[test]
fn older_secrets_stay_until_the_new_one_was_revealed_or_copied() {
    for language in [
        crate::i18n::Language::English,
        crate::i18n::Language::German,
    ] {
        crate::i18n::with_language(language, older_secrets_wait_for_the_new_one)
    }
}

fn older_secrets_wait_for_the_new_one() {
    {
        let mut state = on_done();
        assert!(!state.done.revealed);
        assert!(!can_remove_old(&state), "nobody has seen the new secret");
        assert!(crate::wizard::update::removal_waits_for_hand_over(&state));
        assert!(letter(&mut state, 'x').is_empty());
        assert_eq!(state.popup, None);
        assert!(letter(&mut state, 'y').is_empty());
        assert!(
            !keymap::bindings(&state)
                .iter()
                .any(|b| b.action == Action::RemoveOld)
        );
        let screen = screen_text(&state, 100, 60);
        assert!(
            words(&screen).contains(&words(crate::i18n::t("done.older_kept_unseen"))),
            "{screen}"
        );

        // A copy that failed hands nothing over.
        let effects = letter(&mut state, 'c');
        let label = match &effects[..] {
            [Effect::Copy { label, .. }] => label.clone(),
            other => panic!("{other:?}"),
        };
        update(
            &mut state,
            Msg::Copied {
                label: label.clone(),
                result: Err(crate::clipboard::ClipboardError::Stopped(
                    "no clipboard".into(),
                )),
                clears_in: None,
            },
        );
        assert!(!can_remove_old(&state), "a failed copy is no hand-over");
        // A copy that reached the clipboard does.
        letter(&mut state, 'c');
        update(
            &mut state,
            Msg::Copied {
                label,
                result: Ok(crate::wizard::state::ClipboardVia::System),
                clears_in: Some(90),
            },
        );
        assert!(can_remove_old(&state), "copied: the admin has it");
        assert!(!crate::wizard::update::removal_waits_for_hand_over(&state));

        // Revealing alone is enough too.
        let mut state = on_done();
        letter(&mut state, 'r');
        assert!(can_remove_old(&state), "revealed: the admin has seen it");
    }
}

#[test]
fn x_on_done_asks_first_and_enter_cancels() {
    let mut state = on_done();
    letter(&mut state, 'r');
    assert!(can_remove_old(&state));
    assert!(letter(&mut state, 'x').is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmRemoveOld));
    assert!(enter(&mut state).is_empty(), "Enter is Cancel");
    assert_eq!(state.popup, None);
    letter(&mut state, 'x');
    assert!(letter(&mut state, 'n').is_empty());
    assert_eq!(state.popup, None);
}

/// A new secret that gave no token (the admin went on with "continue anyway") is not proven:
/// the older secrets may be all the product can use, so Done does not offer to remove them.
#[test]
fn an_unverified_new_secret_never_leads_to_removing_the_older_ones() {
    let mut state = on_secrets_step();
    let ticket = ticket_of(&enter(&mut state)[0]);
    let effects = update(
        &mut state,
        Msg::SecretCreated {
            ticket,
            result: Ok(created()),
        },
    );
    update(
        &mut state,
        Msg::Verified {
            ticket: ticket_of(&effects[0]),
            result: Err(failed(
                "Entra ID does not accept the secret (AADSTS7000215).",
            )),
        },
    );
    assert!(matches!(state.verify, VerifyState::Failed(_)));
    letter(&mut state, 's');
    assert_eq!(state.step, Step::Done);
    assert!(!can_remove_old(&state));
    assert!(crate::wizard::update::removal_withheld(&state));
    assert!(letter(&mut state, 'x').is_empty());
    assert_eq!(state.popup, None);
    assert!(
        !keymap::bindings(&state)
            .iter()
            .any(|b| b.action == Action::RemoveOld)
    );
}

#[test]
fn confirmed_removal_removes_every_older_secret_never_the_new_one() {
    let mut state = on_done();
    letter(&mut state, 'r');
    letter(&mut state, 'x');
    let effects = letter(&mut state, 'y');
    match &effects[..] {
        [
            Effect::RemoveOldSecrets {
                client_id,
                keep,
                key_ids,
                ..
            },
        ] => {
            assert_eq!(client_id, CLIENT_ID);
            assert_eq!(keep, KEY_ID);
            assert_eq!(key_ids, &["key-old", "key-older"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(state.rotate.removing);
    assert!(!can_remove_old(&state));
    assert!(
        !keymap::bindings(&state)
            .iter()
            .any(|b| b.action == Action::RemoveOld)
    );
    update(
        &mut state,
        Msg::OldSecretsRemoved {
            ticket: ticket_of(&effects[0]),
            result: Ok(RemovedSecrets {
                removed: vec!["key-old".into(), "key-older".into()],
                error: None,
            }),
        },
    );
    assert!(!state.rotate.removing);
    let status = state.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Info);
    assert!(status.text.contains("Removed 2"), "{}", status.text);
    assert!(status.text.contains("old, older"), "{}", status.text);
    assert!(!can_remove_old(&state), "nothing older is left");
    assert!(letter(&mut state, 'x').is_empty());
    assert_eq!(state.popup, None);
}

#[test]
fn a_partial_removal_says_what_stopped_it_and_offers_the_rest() {
    let mut state = on_done();
    letter(&mut state, 'r');
    letter(&mut state, 'x');
    let effects = letter(&mut state, 'y');
    update(
        &mut state,
        Msg::OldSecretsRemoved {
            ticket: ticket_of(&effects[0]),
            result: Ok(RemovedSecrets {
                removed: vec!["key-old".into()],
                error: Some(failed("Graph timed out.")),
            }),
        },
    );
    let status = state.status.as_ref().unwrap();
    assert_eq!(status.kind, StatusKind::Error);
    assert!(status.text.contains("Graph timed out."));
    assert!(can_remove_old(&state));
    assert_eq!(state.rotate.older_secrets().len(), 1);
}

#[test]
fn stale_removal_results_are_ignored() {
    let mut state = on_done();
    let before = snapshot(&state);
    update(
        &mut state,
        Msg::OldSecretsRemoved {
            ticket: 999,
            result: Ok(RemovedSecrets {
                removed: vec!["key-old".into()],
                error: None,
            }),
        },
    );
    assert_eq!(snapshot(&state), before);
}

#[test]
fn the_new_registration_job_never_offers_removal() {
    let mut state = wizard("officemaster");
    state.step = Step::Done;
    state.rotate.new_key_id = Some(KEY_ID.into());
    state.rotate.secrets = Check::Done(app_secrets());
    assert!(!can_remove_old(&state));
}

/// Issue 10.6: the wizard rotates an app with the app's own profile (here myfactory, as the
/// rotate job matched it), not the product picked on Welcome; Verify and Done use its field
/// names, and going back to Welcome shows it selected.
#[test]
fn rotate_hands_over_with_the_apps_own_profile_not_the_one_picked_on_welcome() {
    let (mut state, effects) = on_app_step();
    let picked = state.profile().id.clone();
    assert_ne!(picked, "myfactory");
    list_loaded(&mut state, &effects);
    press(&mut state, KeyCode::Down);
    let effects = enter(&mut state);
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket: ticket_of(&effects[0]),
            result: Ok(AppSecrets {
                profile_id: "myfactory".into(),
                ..app_secrets()
            }),
        },
    );
    let myfactory = crate::profile::by_id("myfactory").unwrap();
    assert_eq!(state.profile().id, "myfactory");
    assert_eq!(state.profile().fields, myfactory.fields);
    // The months the job offers stay the job's (the app's), not the profile switch's.
    assert_eq!(state.rotate.months, app_secrets().months);
}

/// The rotate job branches on the error's kind as the check job does: a secret that may not be
/// made by this account (Graph's 403) leads back to Sign in; any other failure stays on the
/// secrets step with its sentence.
#[test]
fn a_secret_refused_for_a_missing_role_leads_back_to_sign_in() {
    let body = crate::graph::error::ErrorBody::parse(
        br#"{"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges."}}"#,
    );
    let forbidden: JobError = crate::graph::GraphError::from_response(
        crate::graph::Operation::AddSecret,
        "graph.microsoft.com",
        403,
        &body,
        None,
        "crid-1",
    )
    .into();
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    press(&mut state, KeyCode::Down);
    let effects = enter(&mut state);
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket: ticket_of(&effects[0]),
            result: Ok(app_secrets()),
        },
    );
    let ticket = ticket_of(&enter(&mut state)[0]);
    update(
        &mut state,
        Msg::SecretCreated {
            ticket,
            result: Err(forbidden.clone()),
        },
    );
    assert_eq!(state.step, Step::SignIn);
    assert_eq!(
        state.sign_in,
        crate::wizard::state::SignInPhase::Failed(forbidden.to_string())
    );
}

/// Issue 10.6: the admin can correct the product exowiz matched the app to. Choosing another
/// product on Welcome after the match makes the rotate job use it (the effects carry it);
/// choosing the matched one again takes the correction back.
#[test]
fn a_product_chosen_after_the_match_corrects_it_and_the_jobs_use_it() {
    let (mut state, effects) = on_app_step();
    list_loaded(&mut state, &effects);
    press(&mut state, KeyCode::Down);
    let effects = enter(&mut state);
    match &effects[..] {
        [Effect::LoadSecrets { profile, .. }] => assert_eq!(*profile, None, "no correction yet"),
        other => panic!("{other:?}"),
    }
    update(
        &mut state,
        Msg::SecretsLoaded {
            ticket: ticket_of(&effects[0]),
            result: Ok(AppSecrets {
                profile_id: "myfactory".into(),
                ..app_secrets()
            }),
        },
    );
    assert_eq!(state.profile().id, "myfactory", "the match is shown");

    // Back to Welcome, another product, on again: the app is read with the admin's choice.
    let load_with = |state: &mut WizardState, product: &str| -> Option<String> {
        for _ in 0..10 {
            if state.step == Step::Welcome {
                break;
            }
            press(state, KeyCode::Esc);
        }
        assert_eq!(state.step, Step::Welcome);
        crate::wizard::update::welcome::select_profile_id(state, product);
        let mut effects = enter(state);
        for _ in 0..10 {
            if let Some(Effect::ListApps { .. }) = effects.first() {
                list_loaded(state, &effects);
                press(state, KeyCode::Down);
            }
            if let Some(Effect::LoadSecrets { profile, .. }) = effects.first() {
                return profile.clone();
            }
            effects = enter(state);
        }
        panic!(
            "the app was not read again: {:?} on {:?}",
            effects, state.step
        );
    };
    assert_eq!(
        load_with(&mut state, "flowfact"),
        Some("flowfact".to_string()),
        "the admin's product is the job's"
    );
    assert_eq!(state.product_correction.as_deref(), Some("flowfact"));
    assert_eq!(
        load_with(&mut state, "myfactory"),
        None,
        "choosing the matched product again takes the correction back"
    );
}
