//! Verify (run, pass, fail, retry, skip, stale) and Done (focus, copy, reveal, quit).

use super::support::*;
use crate::clipboard::ClipboardError;
use crate::wizard::effect::Effect;
use crate::wizard::msg::Msg;
use crate::wizard::state::{
    AccountsChoice, ClipboardVia, ComparedWith, DoneFocus, Popup, SECRET_CLEAR_AFTER, VerifyReport,
    VerifyState, WizardState,
};
use crate::wizard::step::Step;
use crate::wizard::update::{go_to, update};
use crossterm::event::KeyCode;
use secrecy::ExposeSecret;
use std::time::Duration;

fn report() -> VerifyReport {
    VerifyReport {
        roles: vec![(
            "Office 365 Exchange Online".into(),
            vec!["full_access_as_app".into()],
        )],
        missing: vec![],
        compared_with: ComparedWith::Profile("BüroWARE/WEBWARE Exchange sync".into()),
        expected_count: 1,
        ews: None,
    }
}

/// Registered, on Verify; returns the Verify effect's ticket.
fn on_verify(profile: &str) -> (WizardState, u64) {
    let (mut state, _) = registered(profile);
    let effects = sans_listener(enter(&mut state));
    assert_eq!(state.step, Step::Verify);
    let [
        Effect::Verify {
            ticket,
            tenant_id,
            client_id,
            secret,
            expected,
            compared_with,
            ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(tenant_id, CONTOSO_TENANT_ID);
    assert_eq!(client_id, CLIENT_ID);
    assert_eq!(secret.expose_secret(), SECRET);
    assert_eq!(*expected, state.app.as_ref().unwrap().permissions);
    assert_eq!(
        *compared_with,
        ComparedWith::Profile(state.profile().product.clone()),
        "the chosen profile's permissions"
    );
    (state, *ticket)
}

#[test]
fn a_custom_registration_is_compared_with_the_apps_own_permissions() {
    let (mut state, _) = registered("custom");
    let effects = sans_listener(enter(&mut state));
    match &effects[..] {
        [Effect::Verify { compared_with, .. }] => {
            assert_eq!(*compared_with, ComparedWith::AppPermissions);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_roles_stay_in_the_passed_report() {
    let (mut state, ticket) = on_verify("officemaster");
    let report = VerifyReport {
        missing: vec!["full_access_as_app".into()],
        ..report()
    };
    verified(&mut state, ticket, Ok(report.clone()));
    assert_same!(state.verify, VerifyState::Passed(report));
}

fn verified(state: &mut WizardState, ticket: u64, result: Result<VerifyReport, JobError>) {
    assert!(update(state, Msg::Verified { ticket, result }).is_empty());
}

#[test]
fn passed_then_enter_goes_to_done() {
    let (mut state, ticket) = on_verify("bueroware");
    assert_same!(state.verify, VerifyState::Running);
    assert!(enter(&mut state).is_empty(), "Enter waits while it runs");
    verified(&mut state, ticket, Ok(report()));
    assert_same!(state.verify, VerifyState::Passed(report()));
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Done);
}

#[test]
fn failed_r_and_enter_retry_and_s_skips() {
    let (mut state, ticket) = on_verify("bueroware");
    verified(
        &mut state,
        ticket,
        Err(failed("AADSTS7000215: invalid client secret.")),
    );
    assert_same!(
        state.verify,
        VerifyState::Failed("AADSTS7000215: invalid client secret.".into())
    );
    let effects = letter(&mut state, 'r');
    assert_eq!(names(&effects), ["Verify"]);
    let second = ticket_of(&effects[0]);
    assert!(second > ticket);
    verified(&mut state, second, Err(failed("still no")));
    let effects = enter(&mut state);
    assert_eq!(names(&effects), ["Verify"]);
    verified(&mut state, ticket_of(&effects[0]), Err(failed("no")));
    assert!(letter(&mut state, 's').is_empty());
    assert_eq!(state.step, Step::Done);
}

#[test]
fn stale_verify_results_are_ignored() {
    let (mut state, old) = on_verify("officemaster");
    // Esc goes back to Consent; the running check's answer no longer counts.
    esc(&mut state);
    assert_eq!(state.step, Step::Consent);
    let before = snapshot(&state);
    verified(&mut state, old, Ok(report()));
    assert_eq!(snapshot(&state), before);
    assert_same!(state.verify, VerifyState::NotStarted);
    // Entering again starts a new check.
    let effects = enter(&mut state);
    assert_eq!(names(&effects), ["StopConsentListener", "Verify"]);
    let before = snapshot(&state);
    verified(&mut state, old, Err(failed("late")));
    assert_eq!(snapshot(&state), before);
}

#[test]
fn back_from_done_keeps_a_passed_check() {
    let (mut state, ticket) = on_verify("bueroware");
    verified(&mut state, ticket, Ok(report()));
    enter(&mut state);
    assert!(esc(&mut state).is_empty(), "no second check");
    assert_eq!(state.step, Step::Verify);
    assert_same!(state.verify, VerifyState::Passed(report()));
}

fn on_done(profile: &str) -> WizardState {
    let (mut state, _) = registered(profile);
    go_to(&mut state, Step::Done);
    state
}

#[test]
fn done_focus_moves_over_ids_secret_and_commands() {
    let mut state = on_done("officemaster");
    let commands = state.app.as_ref().unwrap().exchange_commands.len();
    assert!(commands >= 1);
    assert_eq!(state.done.focus, DoneFocus::Secret);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.done.focus, DoneFocus::Command(0));
    for _ in 0..commands {
        press(&mut state, KeyCode::Tab);
    }
    assert_eq!(state.done.focus, DoneFocus::TenantId, "wraps around");
    press(&mut state, KeyCode::Up);
    assert_eq!(state.done.focus, DoneFocus::Command(commands - 1));
    press(&mut state, KeyCode::BackTab);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.done.focus, DoneFocus::TenantId);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.done.focus, DoneFocus::ClientId);
}

#[test]
fn done_copies_each_value_under_the_products_field_name() {
    let mut state = on_done("officemaster");
    state.done.focus = DoneFocus::TenantId;
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: None }]
            if label == "Tenant Id" && value.expose_secret() == CONTOSO_TENANT_ID
    ));
    state.done.focus = DoneFocus::ClientId;
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: None }]
            if label == "Client Id" && value.expose_secret() == CLIENT_ID
    ));
    assert!(!state.done.secret_handed_over);
    state.done.focus = DoneFocus::Command(0);
    let command = state.app.as_ref().unwrap().exchange_commands[0]
        .command
        .clone();
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: None }]
            if label == "command 1" && value.expose_secret() == command
    ));
    state.done.focus = DoneFocus::Secret;
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: Some(after) }]
            if label == "Client Secret" && value.expose_secret() == SECRET && *after == SECRET_CLEAR_AFTER
    ));
    assert_eq!(SECRET_CLEAR_AFTER, Duration::from_secs(90));
    assert!(state.done.secret_handed_over);
}

#[test]
fn the_runtime_can_change_how_long_a_secret_stays_copied() {
    let mut state = on_done("bueroware");
    state.secret_clear_after = Duration::from_secs(30);
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, clear_after: Some(after), .. }]
            if label == "Geheimer Schlüssel" && *after == Duration::from_secs(30)
    ));
}

#[test]
fn profiles_without_a_tenant_id_field_get_the_catalogue_name() {
    let mut state = on_done("bueroware");
    state.done.focus = DoneFocus::TenantId;
    let effects = letter(&mut state, 'c');
    assert!(matches!(&effects[..], [Effect::Copy { label, .. }] if label == "tenant ID"));
}

#[test]
fn r_toggles_reveal_and_counts_as_handed_over() {
    let mut state = on_done("officemaster");
    letter(&mut state, 'r');
    assert!(state.done.revealed);
    assert!(state.done.secret_handed_over);
    letter(&mut state, 'r');
    assert!(!state.done.revealed);
    assert!(state.done.secret_handed_over);
    assert_eq!(names(&letter(&mut state, 'q')), ["Quit"]);
}

#[test]
fn enter_on_done_finishes_asking_first_if_the_secret_is_unseen() {
    let mut state = on_done("officemaster");
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    // Enter presses the highlighted Stay; the quit button is one Tab away.
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.popup, None);
    enter(&mut state);
    press(&mut state, KeyCode::Right);
    assert_eq!(names(&enter(&mut state)), ["Quit"]);
    assert!(state.should_quit);
}

#[test]
fn manual_done_quits_without_asking() {
    let mut state = on_done("bueroware");
    state.accounts.choice = crate::wizard::state::AccountsChoice::Manual;
    assert_eq!(names(&enter(&mut state)), ["Quit"]);
}

/// The registration journal forgets a secret once its value was handed over: revealed, or
/// copied (when the clipboard took it).
#[test]
fn revealing_or_copying_the_secret_reports_it_shown() {
    let mut state = on_done("officemaster");
    let copied =
        |state: &mut WizardState, label: &str, result: Result<ClipboardVia, ClipboardError>| {
            update(
                state,
                Msg::Copied {
                    label: label.into(),
                    result,
                    clears_in: None,
                },
            )
        };
    assert_eq!(names(&letter(&mut state, 'c')), ["Copy"]);
    assert!(
        copied(
            &mut state,
            "Client Secret",
            Err(ClipboardError::Stopped("no clipboard".into()))
        )
        .is_empty()
    );
    let effects = copied(&mut state, "Client Secret", Ok(ClipboardVia::System));
    assert!(
        matches!(&effects[..], [Effect::SecretShown { client_id }] if client_id == CLIENT_ID),
        "{effects:?}"
    );
    assert!(copied(&mut state, "Client Id", Ok(ClipboardVia::System)).is_empty());

    let effects = letter(&mut state, 'r');
    assert!(
        matches!(&effects[..], [Effect::SecretShown { client_id }] if client_id == CLIENT_ID),
        "{effects:?}"
    );
    assert!(letter(&mut state, 'r').is_empty(), "hiding shows nothing");
}

#[test]
fn a_secret_the_admin_typed_in_is_not_reported() {
    let mut state = on_done("officemaster");
    state.accounts.choice = AccountsChoice::Manual;
    assert!(letter(&mut state, 'r').is_empty());
}

/// EWS profiles probe EWS after the roles: the transfer mailbox where the product has one,
/// else the screen says it was skipped; other profiles do not probe.
#[test]
fn ews_profiles_probe_their_transfer_mailbox() {
    use crate::wizard::effect::EwsCheck;
    for (profile, wanted) in [
        ("officemaster", None),
        ("bueroware", Some(EwsCheck::NoMailbox)),
        ("myfactory", Some(EwsCheck::NoMailbox)),
        ("flowfact", Some(EwsCheck::NotEws)),
        ("moveit", Some(EwsCheck::NotEws)),
    ] {
        let (mut state, _) = registered(profile);
        let effects = sans_listener(enter(&mut state));
        let [Effect::Verify { ews, .. }] = &effects[..] else {
            panic!("{profile}: {effects:?}");
        };
        let wanted = wanted.unwrap_or_else(|| {
            EwsCheck::Mailbox(state.transport.mailbox.value().trim().to_lowercase())
        });
        assert_eq!(*ews, wanted, "{profile}");
    }
}

/// `s` on Done: the commands as one script (UTF-8 with BOM, CRLF, the IDs, never the secret),
/// written by the executor; the status line says where; a second `s` names the file again.
#[test]
fn s_saves_the_commands_as_one_script_and_says_where() {
    let mut state = on_done("moveit");
    let keys = crate::wizard::keymap::bindings(&state);
    assert!(
        keys.iter()
            .any(|b| b.label_key == "key.save_commands" && b.in_bar),
        "in the key bar (and so in the ? help)"
    );
    let effects = letter(&mut state, 's');
    let [
        Effect::SaveCommands {
            file_stem,
            contents,
        },
    ] = &effects[..]
    else {
        panic!("{:?}", names(&effects));
    };
    assert_eq!(file_stem, "exowiz-moveit-1b4e28ba");
    assert!(contents.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = std::str::from_utf8(&contents[3..]).unwrap();
    assert!(text.contains("\r\nConnect-ExchangeOnline\r\n"), "{text}");
    assert!(text.contains(&format!("-AppId '{CLIENT_ID}'")), "{text}");
    assert!(!text.contains(SECRET), "never the secret");

    let path = std::path::PathBuf::from("/home/admin/exowiz-moveit-1b4e28ba.ps1");
    update(
        &mut state,
        Msg::CommandsSaved {
            result: Ok(path.clone()),
        },
    );
    let status = state.status.clone().unwrap();
    assert!(
        status
            .text
            .contains("/home/admin/exowiz-moveit-1b4e28ba.ps1"),
        "{}",
        status.text
    );
    assert_eq!(state.done.commands_saved_to, Some(path));
    state.status = None;
    assert!(letter(&mut state, 's').is_empty(), "saved once");
    assert!(
        state
            .status
            .unwrap()
            .text
            .contains("exowiz-moveit-1b4e28ba.ps1")
    );
}

#[test]
fn a_script_that_could_not_be_saved_is_an_error_sentence() {
    let mut state = on_done("officemaster");
    letter(&mut state, 's');
    update(
        &mut state,
        Msg::CommandsSaved {
            result: Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "Permission denied (os error 13)",
            )),
        },
    );
    let status = state.status.clone().unwrap();
    assert_eq!(status.kind, crate::wizard::state::StatusKind::Error);
    assert!(status.text.contains("Permission denied"), "{}", status.text);
    assert_eq!(state.done.commands_saved_to, None);
    // Nothing to save, no key.
    let mut rotated = on_done("officemaster");
    rotated.app.as_mut().unwrap().exchange_commands.clear();
    assert!(letter(&mut rotated, 's').is_empty());
    assert!(
        !crate::wizard::keymap::bindings(&rotated)
            .iter()
            .any(|b| b.label_key == "key.save_commands")
    );
}

/// Issue 10.4: the product's further fields (here myfactory's EWS URL and moveIT's sender
/// address) take the focus after the secret and copy under the product's own label.
#[test]
fn done_focuses_and_copies_the_products_further_fields() {
    let mut state = on_done("myfactory");
    press(&mut state, KeyCode::Tab);
    // Without a mailbox the e-mail address field (index 0) has nothing to copy: Version next.
    assert_eq!(state.done.focus, DoneFocus::Field(4));
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.done.focus, DoneFocus::Field(5));
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: None }]
            if label.starts_with("URL zu Exchange EWS-Webservice")
                && value.expose_secret() == "https://outlook.office365.com/EWS/Exchange.asmx"
    ));

    let mut state = on_done("moveit");
    state.app.as_mut().unwrap().inputs.mailbox = Some("orders@contoso.com".into());
    state.done.focus = DoneFocus::Field(1);
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: None }]
            if label.starts_with("Sender-Adresse") && value.expose_secret() == "orders@contoso.com"
    ));
}

/// Issue 10.5: Done knows whether the app works yet and names what is missing.
#[test]
fn done_readiness_names_missing_consent_and_an_unverified_secret() {
    use crate::wizard::update::{Readiness, readiness};
    let mut state = on_done("officemaster");
    let Readiness::Missing(missing) = readiness(&state) else {
        panic!("nothing granted, nothing verified");
    };
    assert_eq!(missing.len(), 2, "{missing:?}");
    assert!(missing[0].contains("full_access_as_app"), "{missing:?}");
    assert!(missing[1].contains("not been tried"), "{missing:?}");
    for p in &mut state.app.as_mut().unwrap().permissions {
        p.granted = true;
    }
    state.verify = VerifyState::Passed(report());
    assert_eq!(readiness(&state), Readiness::Works);
}
