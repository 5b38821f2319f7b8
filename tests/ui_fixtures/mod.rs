//! The states the screen snapshots draw, shared by the English (`ui_snapshots.rs`) and the
//! German (`ui_snapshots_de.rs`) ones: fixed IDs, a fake secret, fixed dates. The snapshot
//! macros stay in each test file (insta names a snapshot after the module that takes it).
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use exowiz::ews::{EwsCause, EwsProbe};
use exowiz::exchange;
use exowiz::graph::MailboxState;
use exowiz::profile::{self, Api, PermissionType};
use exowiz::register::PermissionStatus;
use exowiz::store::journal::InterruptedRun;
use exowiz::ui;
use exowiz::wizard::state::{
    Check, ChecklistItem, ComparedWith, DomainField, ItemState, RegisteredApp, SignInPhase,
    TenantInfo, VerifyReport, VerifyState,
};
use exowiz::wizard::text_field::TextField;
use exowiz::wizard::{Step, WizardState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use secrecy::SecretString;

pub const TENANT_ID: &str = "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90";
pub const CLIENT_ID: &str = "0a7c4e12-3b5d-4f68-9a1b-7c2d8e9f0a34";
pub const SP_ID: &str = "9b2e7f41-5c8d-4a3e-b6f0-1d4c7a9e2b58";
pub const APP_OBJECT_ID: &str = "3e8a1c5f-7d2b-4e9a-8c1f-6b3d0a7e4c21";
/// Not a real secret: Entra's shape (40 characters, "~" at position 3).
pub const FAKE_SECRET: &str = "Q8~xFAKE.secret-for-snapshots_0123456789";
pub const MAILBOX: &str = "fax-transfer@contoso.com";

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

pub fn tenant() -> TenantInfo {
    TenantInfo {
        tenant_id: TENANT_ID.into(),
        name: "Contoso Ltd".into(),
        user: "admin@contoso.onmicrosoft.com".into(),
        default_domain: "contoso.com".into(),
        verified_domains: vec!["contoso.com".into(), "contoso.onmicrosoft.com".into()],
        directory_sync: Some(false),
    }
}

pub fn domain(kind: &str, value: &str, suggestion: &str) -> DomainField {
    DomainField {
        kind: kind.into(),
        field: TextField::new(value),
        suggestion: suggestion.into(),
        error: None,
    }
}

pub fn permission(
    api: Api,
    name: &str,
    kind: PermissionType,
    description: &str,
    granted: bool,
) -> PermissionStatus {
    PermissionStatus {
        api,
        name: name.into(),
        kind,
        id: "00000000-0000-0000-0000-000000000000".into(),
        description: description.into(),
        granted,
    }
}

/// What registering OfficeMaster (cloud-only) in Contoso Ltd produced; `granted` per
/// permission in profile order.
pub fn registered_app(state: &WizardState, granted: [bool; 4]) -> RegisteredApp {
    let profile = state.profile();
    let permissions = vec![
        permission(
            Api::Exchange,
            "full_access_as_app",
            PermissionType::Application,
            "Use Exchange Web Services with full access to all mailboxes",
            granted[0],
        ),
        permission(
            Api::Graph,
            "People.Read.All",
            PermissionType::Application,
            "Read all users' relevant people lists",
            granted[1],
        ),
        permission(
            Api::Graph,
            "User.Read.All",
            PermissionType::Application,
            "Read all users' full profiles",
            granted[2],
        ),
        permission(
            Api::Graph,
            "User.Read",
            PermissionType::Delegated,
            "Sign in and read user profile",
            granted[3],
        ),
    ];
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
        permissions,
        exchange_commands: exchange::for_profile(
            profile,
            CLIENT_ID,
            Some(SP_ID),
            "OfficeMaster EWS",
            Some(MAILBOX),
        ),
        // The engine's notes are language-dependent: each test binary adds its own.
        notes: Vec::new(),
        inputs: profile::ProductInputs {
            mailbox: Some(MAILBOX.into()),
            mail_domain: Some("contoso.com".into()),
            transfer_domains: vec![
                ("fax".into(), "fax.contoso".into()),
                ("sms".into(), "sms.contoso".into()),
                ("vox".into(), "vox.contoso".into()),
            ],
        },
    }
}

/// OfficeMaster, signed in to Contoso Ltd, transport filled in, at `step`. Later steps carry
/// what the earlier ones produced.
pub fn state_at(step: Step) -> WizardState {
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
        domain("fax", "fax.contoso.com", "fax.contosoltd.com"),
        domain("sms", "sms.contoso.com", "sms.contosoltd.com"),
        domain("vox", "vox.contoso.com", "vox.contosoltd.com"),
    ];
    if step >= Step::Register {
        s.register.items = checklist([ItemState::Done; 5]);
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
            ews: Some(ews_opened(s.transport.mailbox.value())),
        });
    }
    s
}

/// The EWS probe's answer when the transfer mailbox opened (in the current language).
pub fn ews_opened(mailbox: &str) -> EwsProbe {
    EwsProbe {
        mailbox: Some(mailbox.to_string()),
        cause: EwsCause::Ok,
        detail: exowiz::i18n::tf(
            "ews.ok",
            &[
                ("folder", "Inbox"),
                ("mailbox", mailbox),
                ("host", "outlook.office365.com"),
            ],
        ),
    }
}

pub fn checklist(states: [ItemState; 5]) -> Vec<ChecklistItem> {
    let keys = [
        "checklist.tenant",
        "checklist.application",
        "checklist.secret",
        "checklist.service_principal",
        "checklist.permissions",
    ];
    keys.iter()
        .zip(states)
        .map(|(label_key, state)| ChecklistItem {
            label_key,
            state,
            detail: None,
        })
        .collect()
}

pub fn render(state: &WizardState, width: u16, height: u16) -> Terminal<TestBackend> {
    ui::set_display_offset(Some(FixedOffset::east_opt(3600).unwrap()));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| ui::draw(f, state)).unwrap();
    terminal
}

pub fn rotate_secrets() -> exowiz::wizard::state::AppSecrets {
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
        profile_id: "officemaster".into(),
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

/// What the journal of an interrupted OfficeMaster run says (one secret nobody saw).
pub fn interrupted_run() -> InterruptedRun {
    InterruptedRun {
        tenant_id: TENANT_ID.into(),
        run_id: "2c9d7e14-5a3b-4f80-9e61-b7a2c4d8f013".into(),
        started: at(2026, 11, 26, 15, 40),
        profile: "officemaster".into(),
        app_name: "OfficeMaster EWS".into(),
        client_id: Some(CLIENT_ID.into()),
        created_app: true,
        unseen_secrets: 1,
        completed: false,
        rotation: false,
    }
}

/// Saved registrations that need a new secret: one expiring in 12 days, one expired.
pub fn saved_due(both: bool) -> Vec<exowiz::store::expiry::RegistrationHealth> {
    use exowiz::store::expiry::{Health, RegistrationHealth};
    let due = |app: &str, days: i64, health: Health| RegistrationHealth {
        tenant_id: TENANT_ID.into(),
        tenant_name: Some("Contoso Ltd".into()),
        profile: "officemaster".into(),
        app_name: app.into(),
        client_id: CLIENT_ID.into(),
        secret_expires: Some(at(2026, 12, 9, 0, 0)),
        days_left: Some(days),
        health,
        ews: Some(exowiz::exchange::ews::EwsStanding::Ending { days_left: 116 }),
        level: health.level().max(exowiz::store::expiry::Level::Warning),
    };
    let mut out = vec![due("OfficeMaster EWS", 12, Health::Expiring)];
    if both {
        out.insert(0, due("BüroWARE Exchange", -3, Health::Expired));
    }
    out
}

/// One finding of a check report (a permission finding; `fix` is its number and repair).
pub fn finding(
    severity: exowiz::check::Severity,
    text: &str,
    fix: Option<(usize, exowiz::check::Fix)>,
) -> exowiz::check::Finding {
    use exowiz::check::{Finding, FindingKind, FixId};
    Finding {
        kind: FindingKind::Permission,
        severity,
        text: text.into(),
        fix_id: fix.as_ref().map(|(n, _)| FixId(*n)),
        fix: fix.map(|(_, f)| f),
    }
}

/// A check of the OfficeMaster app in Contoso Ltd with these findings (their texts are the
/// caller's, in the caller's language).
pub fn check_report(findings: Vec<exowiz::check::Finding>) -> Box<exowiz::check::Report> {
    use exowiz::check::{ProfileSource, Report};
    let app = serde_json::from_value(serde_json::json!({
        "id": APP_OBJECT_ID,
        "appId": CLIENT_ID,
        "displayName": "OfficeMaster EWS",
    }))
    .unwrap();
    Box::new(Report {
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
        findings,
    })
}
