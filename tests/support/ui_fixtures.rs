//! The states the screen snapshots draw, shared by the English (`ui_snapshots.rs`) and the
//! German (`ui_snapshots_de.rs`) ones: fixed IDs, a fake secret, one fixed moment ([`now`]).
//! The snapshot macros stay in each test file (insta names a snapshot after the module that
//! takes it).
//!
//! Issue 15.9: what the engine computes or words is made by the engine here too, so a change
//! there shows in the snapshots instead of a stale hand-typed copy: secret end dates and days
//! left (`rotate::plan::end_of`, `SecretInfo::from_credential`, `store::expiry::evaluate`),
//! the check's findings (`check::compare::compare`), API names (`Api::display_name`).
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use exowiz::ews::{EwsCause, EwsProbe};
use exowiz::exchange;
use exowiz::graph::MailboxState;
use exowiz::permissions::PermissionStatus;
use exowiz::profile::{self, Api, PermissionType};
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

/// The moment the snapshots show: OfficeMaster was registered just now, and every "days left"
/// is counted from here.
pub fn now() -> DateTime<Utc> {
    at(2026, 11, 27, 9, 41)
}

/// The end of the app's current secret, due for rotation: 12 days from [`now`].
pub fn due_secret_end() -> DateTime<Utc> {
    now() + chrono::Duration::days(12)
}

/// The end of an older secret that expired 7 days before [`now`].
pub fn expired_secret_end() -> DateTime<Utc> {
    now() - chrono::Duration::days(7)
}

/// The warning window of the rotate and check screens (`exowiz status`'s default).
pub fn warn_days() -> u32 {
    exowiz::jobs::policy::WARN_DAYS
}

/// A client secret as Graph lists it on the app, made `months` before it ends.
pub fn password_credential(
    key_id: &str,
    name: &str,
    hint: &str,
    end: DateTime<Utc>,
    months: u32,
) -> exowiz::graph::PasswordCredential {
    serde_json::from_value(serde_json::json!({
        "keyId": key_id,
        "displayName": name,
        "hint": hint,
        "startDateTime": end.checked_sub_months(chrono::Months::new(months)).unwrap(),
        "endDateTime": end,
    }))
    .unwrap()
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

/// The permission's GUID in Microsoft's API (the ones OfficeMaster needs).
fn permission_id(name: &str, kind: PermissionType) -> &'static str {
    match (name, kind) {
        ("full_access_as_app", _) => "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
        ("People.Read.All", _) => "b528084d-ad10-4598-8b93-929746b4d7d6",
        ("User.Read.All", _) => "df021288-bdef-4463-88db-98f22de89214",
        ("User.Read", _) => "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
        _ => "00000000-0000-0000-0000-000000000000",
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
        id: permission_id(name, kind).into(),
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
        // As the register engine ends it: the profile's lifetime from now.
        secret_end: Some(exowiz::rotate::plan::end_of(now(), profile.secret_months)),
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
        s.consent.last_polled = Some(now() + chrono::Duration::minutes(1));
    }
    if step >= Step::Verify {
        let app = s.app.as_ref().unwrap();
        // The token's roles: the app's application permissions, by API.
        let roles_of = |api: Api| -> Vec<String> {
            app.permissions
                .iter()
                .filter(|p| p.api == api && p.kind == PermissionType::Application)
                .map(|p| p.name.clone())
                .collect()
        };
        let roles = vec![
            (
                Api::Exchange.display_name().to_string(),
                roles_of(Api::Exchange),
            ),
            (Api::Graph.display_name().to_string(), roles_of(Api::Graph)),
        ];
        let expected_count = roles.iter().map(|(_, r)| r.len()).sum();
        s.verify = VerifyState::Passed(VerifyReport {
            roles,
            missing: Vec::new(),
            compared_with: ComparedWith::Profile(s.profile().product.clone()),
            expected_count,
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

/// The OfficeMaster app's secrets as the rotate job lists them (`rotate::list_secrets`): one due
/// in 12 days, one expired 7 days ago.
pub fn rotate_secrets() -> exowiz::wizard::state::AppSecrets {
    let app: exowiz::graph::Application = serde_json::from_value(serde_json::json!({
        "id": APP_OBJECT_ID,
        "appId": CLIENT_ID,
        "displayName": "OfficeMaster EWS",
    }))
    .unwrap();
    let app = exowiz::graph::Application {
        password_credentials: vec![
            password_credential(
                "key-OfficeMaster 2026-01",
                "OfficeMaster 2026-01",
                "Zx9",
                due_secret_end(),
                24,
            ),
            password_credential(
                "key-OfficeMaster 2024-11",
                "OfficeMaster 2024-11",
                "Pq4",
                expired_secret_end(),
                24,
            ),
        ],
        ..app
    };
    exowiz::wizard::state::AppSecrets {
        display_name: "OfficeMaster EWS".into(),
        client_id: CLIENT_ID.into(),
        tenant_id: TENANT_ID.into(),
        profile_id: "officemaster".into(),
        secrets: exowiz::rotate::list_secrets(&app, now(), warn_days()),
        apis: vec![Api::Exchange, Api::Graph],
        months: 24,
        expected: Vec::new(),
        compared_with: ComparedWith::Profile(profile::by_id("officemaster").unwrap().product),
        ews: exowiz::jobs::verify::Ews::Mailbox("fax-transfer@contoso.com".into()),
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

/// Saved registrations that need a new secret, as `exowiz status` and Welcome judge them
/// (`store::expiry::evaluate`): one expiring in 12 days, one expired 3 days ago.
pub fn saved_due(both: bool) -> Vec<exowiz::store::expiry::RegistrationHealth> {
    let saved =
        |profile: &str, app: &str, end: DateTime<Utc>| -> exowiz::store::SavedRegistration {
            serde_json::from_value(serde_json::json!({
                "tenant_id": TENANT_ID,
                "tenant_name": "Contoso Ltd",
                "profile": profile,
                "app_name": app,
                "client_id": CLIENT_ID,
                "app_object_id": APP_OBJECT_ID,
                "service_principal_id": SP_ID,
                "secrets": [{
                    "key_id": format!("key-{app}"),
                    "display_name": app,
                    "hint": "Q8~",
                    "end_date_time": end,
                }],
                "graph_url": "https://graph.microsoft.com",
                "updated": now(),
            }))
            .unwrap()
        };
    let mut registrations = vec![saved("officemaster", "OfficeMaster EWS", due_secret_end())];
    if both {
        registrations.push(saved(
            "bueroware",
            "BüroWARE Exchange",
            now() - chrono::Duration::days(3),
        ));
    }
    exowiz::store::expiry::evaluate(&registrations, now(), warn_days())
}

/// What `exowiz check` finds on an OfficeMaster app that requests full_access_as_app but not
/// User.Read.All, has "Allow public client flows" off, and whose secret ends in 12 days:
/// `check::compare::compare` on that app, the permission, public-client and secret findings,
/// numbered as the check numbers its fixes. Sentences in the current language.
pub fn check_findings() -> Vec<exowiz::check::Finding> {
    use exowiz::check::compare::{Expectation, Observed, compare};
    use exowiz::check::{FindingKind, FixId};
    let wanted = vec![
        permission(
            Api::Exchange,
            "full_access_as_app",
            PermissionType::Application,
            "",
            false,
        ),
        permission(
            Api::Graph,
            "User.Read.All",
            PermissionType::Application,
            "",
            false,
        ),
    ];
    let mut app: exowiz::graph::Application = serde_json::from_value(serde_json::json!({
        "id": APP_OBJECT_ID,
        "appId": CLIENT_ID,
        "displayName": "OfficeMaster EWS",
        "isFallbackPublicClient": false,
        "requiredResourceAccess": [{
            "resourceAppId": Api::Exchange.app_id(),
            "resourceAccess": [{"id": wanted[0].id, "type": "Role"}],
        }],
    }))
    .unwrap();
    app.password_credentials = vec![password_credential(
        "key-OfficeMaster 2026-01",
        "OfficeMaster 2026-01",
        "Zx9",
        due_secret_end(),
        24,
    )];
    let expectation = Expectation {
        permissions: wanted,
        public_client_uris: Vec::new(),
        web_uris: Vec::new(),
        vendor_optional_uris: Vec::new(),
        public_client_flows: Some(true),
        sign_in_audience: None,
        custom: false,
    };
    let mut findings: Vec<_> = compare(&Observed {
        app: &app,
        service_principal: None,
        expectation: &expectation,
        grants: None,
        resources: &Default::default(),
        now: now(),
        warn_days: warn_days(),
    })
    .into_iter()
    .filter(|f| {
        matches!(
            f.kind,
            FindingKind::Permission | FindingKind::PublicClient | FindingKind::Secret
        )
    })
    .collect();
    let mut next = 1;
    for f in &mut findings {
        if f.fix.as_ref().is_some_and(|fix| fix.is_applicable()) {
            f.fix_id = Some(FixId(next));
            next += 1;
        }
    }
    findings
}

/// The client's sentence for an Entra refusal (`AuthError`'s wording of Entra's error body, as
/// the "Error response" sections of Microsoft's OAuth pages show it).
pub fn entra_refusal(status: u16, error: &str, code: u32, text: &str) -> String {
    let body = serde_json::json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {text}\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: aaaa0000-bb11-2222-33cc-444444dddddd\r\nTimestamp: 2026-11-27 09:41:00Z"
        ),
        "error_codes": [code],
    });
    let error: exowiz::auth::AuthError =
        exowiz::auth::EntraError::parse(status, "login.microsoftonline.com", &body.to_string())
            .unwrap()
            .with_context(Some(CLIENT_ID), Some(TENANT_ID))
            .into();
    error.to_string()
}

/// The sentence verification shows when Entra refuses the new secret (AADSTS7000215;
/// `verify_secret` hands on `AuthError`'s sentence).
pub fn secret_refused() -> String {
    entra_refusal(
        401,
        "invalid_client",
        7000215,
        &format!(
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{CLIENT_ID}'."
        ),
    )
}

/// A check of the OfficeMaster app in Contoso Ltd with these findings (from [`check_findings`]).
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
        profile_reason: exowiz::i18n::t("check.reason_saved").to_string(),
        mode: exowiz::profile::InstallMode::CloudOnly,
        permissions: Vec::new(),
        consent_url: String::new(),
        findings,
    })
}

/// The custom connector's permission picker (issue 10.8): a few of what the demo tenant offers,
/// filtered by "mail", one chosen (English and German screens).
pub fn permission_picker() -> WizardState {
    use exowiz::profile::{Api, PermissionType};
    use exowiz::wizard::picker::CatalogEntry;
    let entry = |api, name: &str, kind, display: &str, description: &str| CatalogEntry {
        api,
        name: name.into(),
        kind,
        display: display.into(),
        description: description.into(),
    };
    let mut s = state_at(Step::Review);
    s.profile_index = s.profiles.iter().position(|p| p.id == "custom").unwrap();
    s.picker.open = true;
    s.picker.catalog = Check::Done(vec![
        entry(
            Api::Graph,
            "Mail.Read",
            PermissionType::Application,
            "Read mail in all mailboxes",
            "Allows the app to read mail in all mailboxes without a signed-in user.",
        ),
        entry(
            Api::Graph,
            "Mail.Send",
            PermissionType::Application,
            "Send mail as any user",
            "Allows the app to send mail as any user without a signed-in user.",
        ),
        entry(
            Api::Graph,
            "Mail.Send",
            PermissionType::Delegated,
            "Send mail as a user",
            "Allows the app to send mail as users in the organization.",
        ),
        entry(
            Api::Exchange,
            "Mail.Send",
            PermissionType::Application,
            "Send mail as any user",
            "Allows the app to send mail as any user without a signed-in user.",
        ),
    ]);
    s.picker.filter = TextField::new("mail");
    s.picker.selected = 1;
    let chosen = match &s.picker.catalog {
        Check::Done(all) => all[1].clone(),
        _ => unreachable!(),
    };
    s.picker.chosen = vec![chosen];
    s
}
