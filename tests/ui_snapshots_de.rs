//! German screen snapshots: a handful of steps and popups with the German catalogue, at 80×24
//! (the smallest supported terminal) and a few at 120×40. Its own test binary, so setting the
//! language here leaves the English snapshots (`ui_snapshots.rs`) alone. States are built
//! directly, like there (a smaller set of builders, with the same fixed IDs and dates); times
//! are shown at UTC+1.
//!
//! Write them with `INSTA_UPDATE=always cargo test --test ui_snapshots_de`, read the .snap
//! files, then run again without it.

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use exowiz::graph::MailboxState;
use exowiz::i18n::{self, Language};
use exowiz::profile::{self, Api, PermissionType};
use exowiz::register::PermissionStatus;
use exowiz::register::exchange_commands;
use exowiz::store::journal::InterruptedRun;
use exowiz::ui;
use exowiz::wizard::state::{
    AccountsFocus, Check, ChecklistItem, ComparedWith, DomainField, ItemState, Job, Popup,
    RegisteredApp, SignInPhase, TenantInfo, VerifyReport, VerifyState,
};
use exowiz::wizard::text_field::TextField;
use exowiz::wizard::{Step, WizardState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;

const TENANT_ID: &str = "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90";
const CLIENT_ID: &str = "0a7c4e12-3b5d-4f68-9a1b-7c2d8e9f0a34";
const SP_ID: &str = "9b2e7f41-5c8d-4a3e-b6f0-1d4c7a9e2b58";
const APP_OBJECT_ID: &str = "3e8a1c5f-7d2b-4e9a-8c1f-6b3d0a7e4c21";
/// Not a real secret: Entra's shape (40 characters, "~" at position 3).
const FAKE_SECRET: &str = "Q8~xFAKE.secret-for-snapshots_0123456789";
const MAILBOX: &str = "fax-transfer@contoso.com";

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn tenant() -> TenantInfo {
    TenantInfo {
        tenant_id: TENANT_ID.into(),
        name: "Contoso Ltd".into(),
        user: "admin@contoso.onmicrosoft.com".into(),
        default_domain: "contoso.com".into(),
        verified_domains: vec!["contoso.com".into(), "contoso.onmicrosoft.com".into()],
        directory_sync: Some(false),
    }
}

fn domain(kind: &str, value: &str, suggestion: &str) -> DomainField {
    DomainField {
        kind: kind.into(),
        field: TextField::new(value),
        suggestion: suggestion.into(),
        error: None,
    }
}

fn permission(api: Api, name: &str, kind: PermissionType, granted: bool) -> PermissionStatus {
    PermissionStatus {
        api,
        name: name.into(),
        kind,
        id: "00000000-0000-0000-0000-000000000000".into(),
        description: String::new(),
        granted,
    }
}

/// What registering OfficeMaster (cloud-only) in Contoso Ltd produced.
fn registered_app(state: &WizardState, granted: [bool; 4]) -> RegisteredApp {
    let profile = state.profile();
    RegisteredApp {
        tenant_id: TENANT_ID.into(),
        client_id: CLIENT_ID.into(),
        app_object_id: Some(APP_OBJECT_ID.into()),
        service_principal_id: Some(SP_ID.into()),
        app_name: "OfficeMaster EWS".into(),
        created_app: true,
        secret: SecretString::from(FAKE_SECRET),
        secret_hint: Some("Q8~".into()),
        secret_end: Some(at(2028, 11, 27, 9, 41)),
        consent_url: format!(
            "https://login.microsoftonline.com/{TENANT_ID}/adminconsent?client_id={CLIENT_ID}&state=exowiz-7f3a9c"
        ),
        permissions: vec![
            permission(
                Api::Exchange,
                "full_access_as_app",
                PermissionType::Application,
                granted[0],
            ),
            permission(
                Api::Graph,
                "People.Read.All",
                PermissionType::Application,
                granted[1],
            ),
            permission(
                Api::Graph,
                "User.Read.All",
                PermissionType::Application,
                granted[2],
            ),
            permission(
                Api::Graph,
                "User.Read",
                PermissionType::Delegated,
                granted[3],
            ),
        ],
        exchange_commands: exchange_commands::for_profile(
            profile,
            CLIENT_ID,
            Some(SP_ID),
            "OfficeMaster EWS",
            Some(MAILBOX),
        ),
        // Notes come from the engine's catalogue (German here too); none in these states.
        notes: Vec::new(),
    }
}

fn checklist() -> Vec<ChecklistItem> {
    [
        "checklist.tenant",
        "checklist.application",
        "checklist.secret",
        "checklist.service_principal",
        "checklist.permissions",
    ]
    .into_iter()
    .map(|label_key| ChecklistItem {
        label_key,
        state: ItemState::Done,
        detail: None,
    })
    .collect()
}

/// OfficeMaster, signed in to Contoso Ltd, transport filled in, at `step`; later steps carry
/// what the earlier ones produced.
fn state_at(step: Step) -> WizardState {
    // The engine's sentences made below (the Exchange commands' purposes) are German too.
    i18n::set_language(Language::German);
    let mut s = WizardState::new(profile::all().unwrap(), true, false);
    s.step = step;
    if step == Step::Welcome {
        return s;
    }
    s.tenant = Some(tenant());
    s.sign_in = SignInPhase::SignedIn;
    s.transport.mailbox = TextField::new(MAILBOX);
    s.transport.mailbox_check = Check::Done(MailboxState::Exists);
    s.transport.domains = vec![
        domain("fax", "fax.contosoltd.com", "fax.contoso.com"),
        domain("sms", "sms.contosoltd.com", "sms.contoso.com"),
        domain("vox", "vox.contosoltd.com", "vox.contoso.com"),
    ];
    if step >= Step::Register {
        s.register.items = checklist();
    }
    if step >= Step::Consent {
        let granted = if step == Step::Consent {
            [true, false, false, false]
        } else {
            [true; 4]
        };
        s.app = Some(registered_app(&s, granted));
        s.consent.last_polled = Some(at(2026, 11, 27, 9, 42));
    }
    if step >= Step::Verify {
        s.verify = VerifyState::Passed(VerifyReport {
            roles: vec![
                (
                    "Office 365 Exchange Online".into(),
                    vec!["full_access_as_app".into()],
                ),
                (
                    "Microsoft Graph".into(),
                    vec!["People.Read.All".into(), "User.Read.All".into()],
                ),
            ],
            missing: Vec::new(),
            compared_with: ComparedWith::Profile(s.profile().product.clone()),
            expected_count: 3,
        });
    }
    s
}

fn render(state: &WizardState, width: u16, height: u16) -> Terminal<TestBackend> {
    // Every test of this binary shows German; setting it again is harmless.
    i18n::set_language(Language::German);
    ui::set_display_offset(Some(FixedOffset::east_opt(3600).unwrap()));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, state)).unwrap();
    terminal
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
    both_sizes("de_01_welcome", &state_at(Step::Welcome));
}

#[test]
fn de_sign_in_choose() {
    let mut s = state_at(Step::SignIn);
    s.tenant = None;
    s.sign_in = SignInPhase::Choose;
    one_size("de_02_sign_in_choose", &s, 80, 24);
}

#[test]
fn de_sign_in_device_code() {
    let mut s = state_at(Step::SignIn);
    s.tenant = None;
    s.browser_available = false;
    s.sign_in = SignInPhase::WaitingForDeviceCode {
        user_code: "GA7JX3K2M".into(),
        verification_uri: "https://microsoft.com/devicelogin".into(),
        expires_at: at(2026, 11, 27, 9, 55),
    };
    one_size("de_02_sign_in_device_code", &s, 80, 24);
}

#[test]
fn de_transport() {
    let mut s = state_at(Step::Transport);
    s.transport.focus = 1;
    one_size("de_04_transport", &s, 80, 24);
}

#[test]
fn de_accounts_automatic() {
    let mut s = state_at(Step::Accounts);
    s.accounts.focus = AccountsFocus::SecretMonths;
    one_size("de_05_accounts_automatic", &s, 80, 24);
}

#[test]
fn de_review() {
    both_sizes("de_06_review", &state_at(Step::Review));
}

#[test]
fn de_consent_partially_granted() {
    one_size("de_08_consent_partial", &state_at(Step::Consent), 80, 24);
}

#[test]
fn de_verify_passed() {
    one_size("de_09_verify_passed", &state_at(Step::Verify), 80, 24);
}

#[test]
fn de_done() {
    one_size("de_10_done_masked", &state_at(Step::Done), 80, 24);
}

// ---- Popups -------------------------------------------------------------------------------

#[test]
fn de_confirm_quit_popup() {
    let mut s = state_at(Step::Done);
    s.popup = Some(Popup::ConfirmQuit);
    one_size("de_popup_confirm_quit", &s, 80, 24);
}

#[test]
fn de_confirm_grant_popup() {
    let mut s = state_at(Step::Consent);
    s.popup = Some(Popup::ConfirmGrant);
    one_size("de_popup_confirm_grant", &s, 80, 24);
}

#[test]
fn de_resume_offer_popup() {
    let mut s = state_at(Step::SignIn);
    s.resume.profile = "officemaster".into();
    s.resume.found = Check::Done(Some(InterruptedRun {
        run_id: "2c9d7e14-5a3b-4f80-9e61-b7a2c4d8f013".into(),
        started: at(2026, 11, 26, 15, 40),
        profile: "officemaster".into(),
        app_name: "OfficeMaster EWS".into(),
        client_id: Some(CLIENT_ID.into()),
        created_app: true,
        unseen_secrets: 1,
        completed: false,
        rotation: false,
        tenant_id: TENANT_ID.into(),
    }));
    s.popup = Some(Popup::ResumeOffer);
    one_size("de_popup_resume_offer", &s, 80, 24);
}

/// The help names the keys as a German keyboard labels them (Strg, Umschalt, Eingabe).
#[test]
fn de_help_popup() {
    let mut s = state_at(Step::Transport);
    s.transport.focus = 1;
    s.popup = Some(Popup::Help);
    one_size("de_popup_help", &s, 80, 24);
}

// ---- Rotate and check jobs ------------------------------------------------------------------

fn rotate_secrets() -> exowiz::wizard::state::AppSecrets {
    use exowiz::rotate::SecretInfo;
    let secret = |name: &str, hint: &str, end: DateTime<Utc>, days: i64| SecretInfo {
        key_id: format!("key-{name}"),
        display_name: Some(name.into()),
        hint: Some(hint.into()),
        start: Some(end - chrono::Duration::days(730)),
        end: Some(end),
        days_left: Some(days),
        expired: days < 0,
        due: days < 30,
    };
    exowiz::wizard::state::AppSecrets {
        display_name: "OfficeMaster EWS".into(),
        client_id: CLIENT_ID.into(),
        tenant_id: TENANT_ID.into(),
        secrets: vec![
            secret("OfficeMaster 2026-01", "Zx9", at(2026, 12, 3, 0, 0), 12),
            secret("OfficeMaster 2024-11", "Pq4", at(2025, 11, 20, 0, 0), -7),
        ],
        apis: vec![Api::Exchange, Api::Graph],
        months: 24,
        expected: Vec::new(),
        compared_with: ComparedWith::Profile("OfficeMaster connector for Office 365".into()),
        cleaned_up: None,
    }
}

#[test]
fn de_rotate_secrets() {
    let mut s = state_at(Step::Secrets);
    s.job = Job::RotateSecret;
    s.rotate.secrets = Check::Done(rotate_secrets());
    s.rotate.months = 24;
    one_size("de_r2_rotate_secrets", &s, 80, 24);
}

/// Findings come from the engine's catalogue (`[check]`), in German like the frame around them.
fn check_state() -> WizardState {
    i18n::set_language(Language::German);
    let permission = |api: &str, name: &str| {
        i18n::tf(
            "check.permission_application",
            &[("api", api), ("name", name)],
        )
    };
    use exowiz::check::{Finding, FindingKind, Fix, FixId, ProfileSource, Report, Severity};
    let finding = |severity, text: &str, fix: Option<(usize, Fix)>| Finding {
        kind: FindingKind::Permission,
        severity,
        text: text.into(),
        fix_id: fix.as_ref().map(|(n, _)| FixId(*n)),
        fix: fix.map(|(_, f)| f),
    };
    let app = serde_json::from_value(serde_json::json!({
        "id": APP_OBJECT_ID,
        "appId": CLIENT_ID,
        "displayName": "OfficeMaster EWS",
    }))
    .unwrap();
    let report = Report {
        tenant_id: TENANT_ID.into(),
        tenant_name: "Contoso Ltd".into(),
        app,
        service_principal: None,
        profile_id: "officemaster".into(),
        profile: profile::by_id("officemaster").unwrap(),
        profile_source: ProfileSource::Saved,
        profile_reason: "saved by an earlier exowiz run".into(),
        mode: exowiz::profile::InstallMode::CloudOnly,
        permissions: Vec::new(),
        consent_url: String::new(),
        findings: vec![
            finding(
                Severity::Ok,
                &i18n::tf(
                    "check.requested",
                    &[(
                        "permission",
                        &permission("Office 365 Exchange Online", "full_access_as_app"),
                    )],
                ),
                None,
            ),
            finding(
                Severity::Problem,
                &i18n::tf(
                    "check.not_requested",
                    &[(
                        "permission",
                        &permission("Microsoft Graph", "User.Read.All"),
                    )],
                ),
                Some((
                    1,
                    Fix::AddPermissions {
                        permissions: Vec::new(),
                    },
                )),
            ),
            finding(
                Severity::Warning,
                i18n::t("check.public_client_off"),
                Some((2, Fix::SetPublicClient { enabled: true })),
            ),
        ],
    };
    let mut s = state_at(Step::Findings);
    s.job = Job::CheckRegistration;
    s.check.report = Check::Done(Box::new(report));
    s.check.selected = vec![FixId(1)];
    s.check.cursor = 1;
    s
}

#[test]
fn de_check_findings() {
    both_sizes("de_c1_check_findings", &check_state());
}

// ---- Engine sentences in German ---------------------------------------------------------------

/// The field checks' sentences (`register::validate`) under the fields, in German.
#[test]
fn de_transport_invalid_input() {
    use exowiz::register::validate;
    i18n::set_language(Language::German);
    let mut s = state_at(Step::Transport);
    s.transport.focus = 0;
    s.transport.mailbox = TextField::new("fax-transfer@contoso");
    s.transport.mailbox_check = Check::NotChecked;
    s.transport.mailbox_error = validate::mailbox(s.transport.mailbox.value()).err();
    s.transport.domains[1].field = TextField::new("sms_contoso.com");
    s.transport.domains[1].error = validate::domain_name("sms_contoso.com").err();
    one_size("de_04_transport_invalid_input", &s, 80, 24);
}

/// A sign-in error (`auth::AuthError`, an AADSTS code) as the Sign-in step shows it.
#[test]
fn de_sign_in_failed() {
    use exowiz::auth::{AuthError, EntraError};
    i18n::set_language(Language::German);
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
}
