//! German screen snapshots: a handful of steps and popups with the German catalogue, at 80×24
//! (the smallest supported terminal) and a few at 120×40. Each test sets German for its own
//! thread only (`in_german`), so the English snapshots (`ui_snapshots.rs`) running beside them in
//! the same binary stay English. States are built
//! directly, like there (a smaller set of builders, with the same fixed IDs and dates); times
//! are shown at UTC+1.
//!
//! Write them with `INSTA_UPDATE=always cargo test --test screens ui_snapshots_de::`, read the .snap
//! files, then run again without it.

use crate::support::ui_fixtures;

use exowiz::i18n::{self, Language};
use exowiz::wizard::state::{AccountsFocus, Check, Job, Popup, SignInPhase};
use exowiz::wizard::text_field::TextField;
use exowiz::wizard::{Step, WizardState};
use ui_fixtures::*;

/// Runs a test's body with German on this thread only: the English snapshots run in the same
/// test binary on other threads and must stay English. The engine's sentences made inside
/// (such as the Exchange commands' purposes) are German too.
fn in_german(body: impl FnOnce()) {
    i18n::with_language(Language::German, body)
}

fn one_size(name: &str, state: &WizardState, w: u16, h: u16) {
    let terminal = render(state, w, h);
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
}

fn both_sizes(name: &str, state: &WizardState) {
    for (w, h) in [(80, 24), (120, 40)] {
        one_size(name, state, w, h);
    }
}

// ---- Steps --------------------------------------------------------------------------------

#[test]
fn de_welcome() {
    in_german(|| {
        both_sizes("de_01_welcome", &state_at(Step::Welcome));
    });
}

#[test]
fn de_welcome_with_a_due_secret() {
    in_german(|| {
        let mut s = state_at(Step::Welcome);
        s.saved_due = saved_due(false);
        one_size("de_01_welcome_due_one", &s, 80, 24);
    });
}

#[test]
fn de_sign_in_choose() {
    in_german(|| {
        let mut s = state_at(Step::SignIn);
        s.tenant = None;
        s.sign_in = SignInPhase::Choose;
        one_size("de_02_sign_in_choose", &s, 80, 24);
    });
}

#[test]
fn de_sign_in_device_code() {
    in_german(|| {
        let mut s = state_at(Step::SignIn);
        s.tenant = None;
        s.browser_available = false;
        s.sign_in = SignInPhase::WaitingForDeviceCode {
            user_code: "GA7JX3K2M".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_at: at(2026, 11, 27, 9, 55),
        };
        one_size("de_02_sign_in_device_code", &s, 80, 24);
    });
}

#[test]
fn de_review_permission_picker() {
    in_german(|| {
        one_size(
            "de_06_review_permission_picker",
            &permission_picker(),
            80,
            24,
        );
    });
}

#[test]
fn de_transport() {
    in_german(|| {
        let mut s = state_at(Step::Transport);
        s.transport.focus = 1;
        one_size("de_04_transport", &s, 80, 24);
    });
}

#[test]
fn de_accounts_automatic() {
    in_german(|| {
        let mut s = state_at(Step::Accounts);
        s.accounts.focus = AccountsFocus::SecretMonths;
        one_size("de_05_accounts_automatic", &s, 80, 24);
    });
}

#[test]
fn de_review() {
    in_german(|| {
        both_sizes("de_06_review", &state_at(Step::Review));
    });
}

#[test]
fn de_consent_partially_granted() {
    in_german(|| {
        one_size("de_08_consent_partial", &state_at(Step::Consent), 80, 24);
    });
}

#[test]
fn de_verify_passed() {
    in_german(|| {
        one_size("de_09_verify_passed", &state_at(Step::Verify), 80, 24);
    });
}

#[test]
fn de_done() {
    in_german(|| {
        one_size("de_10_done_masked", &state_at(Step::Done), 80, 24);
    });
}

// ---- Popups -------------------------------------------------------------------------------

#[test]
fn de_confirm_quit_popup() {
    in_german(|| {
        let mut s = state_at(Step::Done);
        s.popup = Some(Popup::ConfirmQuit);
        one_size("de_popup_confirm_quit", &s, 80, 24);
    });
}

#[test]
fn de_confirm_grant_popup() {
    in_german(|| {
        let mut s = state_at(Step::Consent);
        s.popup = Some(Popup::ConfirmGrant);
        one_size("de_popup_confirm_grant", &s, 80, 24);
    });
}

#[test]
fn de_resume_offer_popup() {
    in_german(|| {
        let mut s = state_at(Step::SignIn);
        s.resume.profile = "officemaster".into();
        s.resume.found = Check::Done(Some(interrupted_run()));
        s.popup = Some(Popup::ResumeOffer);
        one_size("de_popup_resume_offer", &s, 80, 24);
    });
}

/// The help names the keys as a German keyboard labels them (Strg, Umschalt, Eingabe).
#[test]
fn de_help_popup() {
    in_german(|| {
        let mut s = state_at(Step::Transport);
        s.transport.focus = 1;
        s.popup = Some(Popup::Help);
        one_size("de_popup_help", &s, 80, 24);
    });
}

// ---- Rotate and check jobs ------------------------------------------------------------------

#[test]
fn de_rotate_secrets() {
    in_german(|| {
        let mut s = state_at(Step::Secrets);
        s.job = Job::RotateSecret;
        s.rotate.secrets = Check::Done(rotate_secrets());
        s.rotate.months = 24;
        one_size("de_r2_rotate_secrets", &s, 80, 24);
    });
}

/// Findings come from the engine (`check::compare::compare`), in German like the frame around
/// them; the secret's finding is left out here.
fn check_state() -> WizardState {
    use exowiz::check::{FindingKind, FixId};
    let findings = check_findings()
        .into_iter()
        .filter(|f| f.kind != FindingKind::Secret)
        .collect();
    let mut s = state_at(Step::Findings);
    s.job = Job::CheckRegistration;
    s.check.report = Check::Done(check_report(findings));
    s.check.selected = vec![FixId(1)];
    s.check.cursor = 1;
    s
}

#[test]
fn de_check_findings() {
    in_german(|| {
        both_sizes("de_c1_check_findings", &check_state());
    });
}

// ---- Engine sentences in German ---------------------------------------------------------------

/// The field checks' sentences (`register::validate`) under the fields, in German.
#[test]
fn de_transport_invalid_input() {
    in_german(|| {
        use exowiz::register::validate;
        let mut s = state_at(Step::Transport);
        s.transport.focus = 0;
        s.transport.mailbox = TextField::new("fax-transfer@contoso");
        s.transport.mailbox_check = Check::NotChecked;
        s.transport.mailbox_error = validate::mailbox(s.transport.mailbox.value())
            .err()
            .map(|e| e.to_string());
        s.transport.domains[1].field = TextField::new("sms_contoso.com");
        s.transport.domains[1].error = validate::domain_name("sms_contoso.com")
            .err()
            .map(|e| e.to_string());
        one_size("de_04_transport_invalid_input", &s, 80, 24);
    });
}

/// A sign-in error (`auth::AuthError`, an AADSTS code) as the Sign-in step shows it.
#[test]
fn de_sign_in_failed() {
    in_german(|| {
        use exowiz::auth::{AuthError, EntraError};
        let mut s = state_at(Step::SignIn);
        s.tenant = None;
        let error = AuthError::from(EntraError {
            status: 400,
            host: "login.microsoftonline.com".into(),
            error: "invalid_grant".into(),
            error_codes: vec![53003],
            trace_id: Some("0000aaaa-11bb-cccc-dd22-eeeeee333333".into()),
            ..Default::default()
        });
        s.sign_in = SignInPhase::Failed(error.to_string());
        one_size("de_02_sign_in_failed", &s, 80, 24);
    });
}

/// Issue 14.6: Graph's wait on the status line, in German.
#[test]
fn de_register_waiting_for_graph() {
    in_german(|| {
        use exowiz::graph::{GraphWait, Operation};
        use exowiz::wizard::state::{GraphWaitNotice, ItemState};
        let mut s = state_at(Step::Register);
        // The registration runs (Esc is blocked, the bar says so).
        s.jobs.start(exowiz::wizard::jobs::JobKind::Register);
        s.register.items = checklist([
            ItemState::Running,
            ItemState::Pending,
            ItemState::Pending,
            ItemState::Pending,
            ItemState::Pending,
        ]);
        s.graph_wait = Some(GraphWaitNotice {
            wait: GraphWait {
                operation: Operation::CreateApplication,
                left: std::time::Duration::from_secs(17),
                first: false,
            },
            ticks_since_report: 0,
        });
        one_size("de_07_register_waiting", &s, 80, 24);
    });
}
