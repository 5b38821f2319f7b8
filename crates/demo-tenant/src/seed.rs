//! The seeded demo tenant "Contoso Ltd": organisation, domains, users with different roles and
//! mailboxes, Microsoft's resource service principals (Graph, Exchange Online), the Graph CLI
//! public client, a few existing app registrations and ~250 filler enterprise apps.

use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::catalog::{
    self, AZURE_CLI_APP_ID, EXCHANGE_APP_ID, GRAPH_APP_ID, GRAPH_CLI_APP_ID, MICROSOFT_TENANT_ID,
};
use super::ops::{self, into_map};
use super::state::{
    Application, DirectoryRole, Props, STATE_VERSION, SecretHash, ServicePrincipal, SignInRule,
    Tenant, User,
};
use super::util::{iso, new_client_secret, secret_hash, stable_guid};

pub const INITIAL_DOMAIN: &str = "contoso.onmicrosoft.com";
pub const DEFAULT_DOMAIN: &str = "contoso.com";
pub const ORG_NAME: &str = "Contoso Ltd";
/// Microsoft 365 E3 (SPE_E3).
const E3_SKU: &str = "05e9a617-0261-4cee-bb44-138d3ef5d965";
/// Exchange Online (Plan 2) service plan.
const EXCHANGE_PLAN: &str = "efb87545-963c-4e0d-99df-69c6916d9eb0";
/// Number of filler enterprise apps (so that listing needs several pages).
pub const FILLER_SERVICE_PRINCIPALS: usize = 250;

pub fn seed(tenant_id: &str) -> Tenant {
    let now = Utc::now();
    let created = iso(now - Duration::days(900));
    let mut t = Tenant {
        version: STATE_VERSION,
        tenant_id: tenant_id.to_string(),
        organization: organization(tenant_id, &created),
        domains: vec![
            domain(INITIAL_DOMAIN, false, true),
            domain(DEFAULT_DOMAIN, true, false),
        ],
        users: users(&created),
        applications: Vec::new(),
        service_principals: Vec::new(),
        app_role_assignments: Vec::new(),
        oauth2_permission_grants: Vec::new(),
        ews: super::ews::settings::EwsSettings::seeded(),
        app_policy: super::app_policy::AppPolicy::default(),
    };
    let old_ms = (now - Duration::days(900)).timestamp_millis();

    // Microsoft's resource and client service principals.
    let mut graph = ops::service_principal_defaults(
        &stable_guid("sp:graph"),
        GRAPH_APP_ID,
        "Microsoft Graph",
        MICROSOFT_TENANT_ID,
    );
    graph.insert(
        "servicePrincipalNames".into(),
        json!([
            "00000003-0000-0000-c000-000000000000/ags.windows.net",
            GRAPH_APP_ID,
            "https://canary.graph.microsoft.com",
            "https://graph.microsoft.com",
            "https://ags.windows.net",
            "https://graph.microsoft.com/",
            "https://canary.graph.microsoft.com/",
        ]),
    );
    graph.insert("signInAudience".into(), json!("AzureADMultipleOrgs"));
    graph.insert(
        "appRoles".into(),
        Value::Array(catalog::app_roles_json(catalog::GRAPH_ROLES)),
    );
    graph.insert(
        "oauth2PermissionScopes".into(),
        Value::Array(catalog::scopes_json(catalog::GRAPH_SCOPES)),
    );
    push_sp(&mut t, graph, old_ms);

    let mut exo = ops::service_principal_defaults(
        &stable_guid("sp:exchange"),
        EXCHANGE_APP_ID,
        "Office 365 Exchange Online",
        MICROSOFT_TENANT_ID,
    );
    exo.insert(
        "servicePrincipalNames".into(),
        json!([
            "https://outlook.office365.com/",
            "https://outlook.office.com",
            EXCHANGE_APP_ID,
            "https://outlook.office365.com",
            "https://ps.outlook.com",
            "https://outlook.office.com/",
            "Microsoft.Exchange",
        ]),
    );
    exo.insert("signInAudience".into(), json!("AzureADMultipleOrgs"));
    exo.insert(
        "appRoles".into(),
        Value::Array(catalog::app_roles_json(catalog::EXCHANGE_ROLES)),
    );
    exo.insert(
        "oauth2PermissionScopes".into(),
        Value::Array(catalog::scopes_json(catalog::EXCHANGE_SCOPES)),
    );
    push_sp(&mut t, exo, old_ms);

    for (label, app_id, name) in [
        (
            "sp:graph-cli",
            GRAPH_CLI_APP_ID,
            "Microsoft Graph Command Line Tools",
        ),
        ("sp:azure-cli", AZURE_CLI_APP_ID, "Microsoft Azure CLI"),
        (
            "sp:sharepoint",
            "00000003-0000-0ff1-ce00-000000000000",
            "Office 365 SharePoint Online",
        ),
        (
            "sp:aad-graph",
            "00000002-0000-0000-c000-000000000000",
            "Windows Azure Active Directory",
        ),
    ] {
        let mut sp =
            ops::service_principal_defaults(&stable_guid(label), app_id, name, MICROSOFT_TENANT_ID);
        sp.insert("signInAudience".into(), json!("AzureADMultipleOrgs"));
        if app_id == GRAPH_CLI_APP_ID || app_id == AZURE_CLI_APP_ID {
            sp.insert(
                "replyUrls".into(),
                json!([
                    "http://localhost",
                    "https://login.microsoftonline.com/common/oauth2/nativeclient"
                ]),
            );
        }
        push_sp(&mut t, sp, old_ms);
    }

    seed_apps(&mut t, now);
    seed_fillers(&mut t, old_ms);
    t
}

fn push_sp(t: &mut Tenant, props: Props, created_ms: i64) {
    t.service_principals
        .push(ServicePrincipal { props, created_ms });
}

fn organization(tenant_id: &str, created: &str) -> Props {
    into_map(json!({
        "id": tenant_id,
        "deletedDateTime": null,
        "businessPhones": ["+49 30 5550100"],
        "city": "Berlin",
        "country": null,
        "countryLetterCode": "DE",
        "createdDateTime": created,
        "defaultUsageLocation": null,
        "displayName": ORG_NAME,
        "marketingNotificationEmails": [],
        "onPremisesLastSyncDateTime": null,
        "onPremisesSyncEnabled": null,
        "partnerTenantType": null,
        "postalCode": "10115",
        "preferredLanguage": "en",
        "securityComplianceNotificationMails": [],
        "securityComplianceNotificationPhones": [],
        "state": null,
        "street": "Musterstraße 1",
        "technicalNotificationMails": ["admin@contoso.com"],
        "tenantType": "AAD",
        "assignedPlans": [
            {"assignedDateTime": created, "capabilityStatus": "Enabled", "service": "exchange", "servicePlanId": EXCHANGE_PLAN},
        ],
        "privacyProfile": null,
        "provisionedPlans": [
            {"capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": "exchange"},
        ],
        "verifiedDomains": [
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": false, "isInitial": true, "name": INITIAL_DOMAIN, "type": "Managed"},
            {"capabilities": "Email, OfficeCommunicationsOnline", "isDefault": true, "isInitial": false, "name": DEFAULT_DOMAIN, "type": "Managed"},
        ],
    }))
}

fn domain(name: &str, is_default: bool, is_initial: bool) -> Props {
    into_map(json!({
        "authenticationType": "Managed",
        "availabilityStatus": null,
        "id": name,
        "isAdminManaged": true,
        "isDefault": is_default,
        "isInitial": is_initial,
        "isRoot": true,
        "isVerified": true,
        "passwordNotificationWindowInDays": 14,
        "passwordValidityPeriodInDays": 2147483647,
        "supportedServices": ["Email", "OfficeCommunicationsOnline"],
        "state": null,
    }))
}

struct SeedUser {
    local: &'static str,
    given: &'static str,
    surname: &'static str,
    display: &'static str,
    job: Option<&'static str>,
    role: DirectoryRole,
    sign_in: SignInRule,
    licensed: bool,
    /// `Some(purpose)` when the user has an Exchange Online mailbox.
    mailbox: Option<&'static str>,
    enabled: bool,
}

#[rustfmt::skip]
const SEED_USERS: &[SeedUser] = &[
    SeedUser { local: "admin", given: "Adele", surname: "Admin", display: "Adele Admin", job: Some("IT Administrator"), role: DirectoryRole::GlobalAdministrator, sign_in: SignInRule::Normal, licensed: true, mailbox: Some("user"), enabled: true },
    SeedUser { local: "appadmin", given: "Arne", surname: "Appadmin", display: "Arne Appadmin", job: Some("Application Administrator"), role: DirectoryRole::CloudApplicationAdministrator, sign_in: SignInRule::Normal, licensed: true, mailbox: Some("user"), enabled: true },
    SeedUser { local: "helpdesk", given: "Hanna", surname: "Helpdesk", display: "Hanna Helpdesk", job: Some("Helpdesk"), role: DirectoryRole::None, sign_in: SignInRule::Normal, licensed: true, mailbox: Some("user"), enabled: true },
    SeedUser { local: "fax-transfer", given: "", surname: "", display: "Fax Transfer", job: None, role: DirectoryRole::None, sign_in: SignInRule::Normal, licensed: false, mailbox: Some("shared"), enabled: false },
    SeedUser { local: "moveit", given: "", surname: "", display: "moveIT Auftragskommunikation", job: None, role: DirectoryRole::None, sign_in: SignInRule::Normal, licensed: false, mailbox: Some("shared"), enabled: false },
    SeedUser { local: "alice", given: "Alice", surname: "Schmidt", display: "Alice Schmidt", job: Some("Accounting"), role: DirectoryRole::None, sign_in: SignInRule::Normal, licensed: true, mailbox: Some("user"), enabled: true },
    SeedUser { local: "bob.nomail", given: "Bob", surname: "Nomail", display: "Bob Nomail", job: Some("Warehouse"), role: DirectoryRole::None, sign_in: SignInRule::Normal, licensed: false, mailbox: None, enabled: true },
    SeedUser { local: "mfa", given: "Mia", surname: "Faktor", display: "Mia Faktor (MFA required)", job: None, role: DirectoryRole::GlobalAdministrator, sign_in: SignInRule::MfaRequired, licensed: true, mailbox: Some("user"), enabled: true },
    SeedUser { local: "blocked", given: "Ben", surname: "Blocked", display: "Ben Blocked (Conditional Access)", job: None, role: DirectoryRole::GlobalAdministrator, sign_in: SignInRule::BlockedByConditionalAccess, licensed: true, mailbox: Some("user"), enabled: true },
];

fn users(created: &str) -> Vec<User> {
    SEED_USERS
        .iter()
        .map(|u| {
            let upn = format!("{}@{DEFAULT_DOMAIN}", u.local);
            let id = stable_guid(&format!("user:{upn}"));
            let opt = |s: &str| {
                if s.is_empty() {
                    Value::Null
                } else {
                    Value::String(s.to_string())
                }
            };
            let mail = if u.mailbox.is_some() {
                Value::String(upn.clone())
            } else {
                Value::Null
            };
            let licenses = if u.licensed {
                json!([{"disabledPlans": [], "skuId": E3_SKU}])
            } else {
                json!([])
            };
            // Graph shows an Exchange Online mailbox of a licensed user as an enabled
            // `exchange` plan; shared mailboxes have none (they need no licence).
            let plans = if u.licensed && u.mailbox.is_some() {
                json!([{"assignedDateTime": created, "capabilityStatus": "Enabled", "service": "exchange", "servicePlanId": EXCHANGE_PLAN}])
            } else {
                json!([])
            };
            let proxies = if u.mailbox.is_some() {
                json!([
                    format!("SMTP:{upn}"),
                    format!("smtp:{}@{INITIAL_DOMAIN}", u.local)
                ])
            } else {
                json!([])
            };
            let props = into_map(json!({
                "id": id,
                "businessPhones": [],
                "displayName": u.display,
                "givenName": opt(u.given),
                "jobTitle": u.job,
                "mail": mail,
                "mobilePhone": null,
                "officeLocation": null,
                "preferredLanguage": "en-US",
                "surname": opt(u.surname),
                "userPrincipalName": upn,
                "accountEnabled": u.enabled,
                "assignedLicenses": licenses,
                "assignedPlans": plans,
                "createdDateTime": created,
                "mailNickname": u.local,
                "onPremisesSyncEnabled": null,
                "proxyAddresses": proxies,
                "usageLocation": "DE",
                "userType": "Member",
            }));
            User {
                props,
                directory_role: u.role,
                sign_in: u.sign_in,
                mailbox_settings: u.mailbox.map(mailbox_settings),
            }
        })
        .collect()
}

fn mailbox_settings(purpose: &str) -> Props {
    into_map(json!({
        "archiveFolder": "AAMkADk0MGFkODE3LWE4MmYtNDRhOS04OGQ0LTExMjNkNTg5ZmY1MwAuAAAAAAA=",
        "timeZone": "W. Europe Standard Time",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateOnly",
        "dateFormat": "dd.MM.yyyy",
        "timeFormat": "HH:mm",
        "userPurpose": purpose,
        "automaticRepliesSetting": {
            "status": "disabled",
            "externalAudience": "all",
            "internalReplyMessage": "",
            "externalReplyMessage": "",
            "scheduledStartDateTime": {"dateTime": "2026-01-01T08:00:00.0000000", "timeZone": "UTC"},
            "scheduledEndDateTime": {"dateTime": "2026-01-02T08:00:00.0000000", "timeZone": "UTC"},
        },
        "language": {"locale": "de-DE", "displayName": "German (Germany)"},
        "workingHours": {
            "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
            "startTime": "08:00:00.0000000",
            "endTime": "17:00:00.0000000",
            "timeZone": {"name": "W. Europe Standard Time"},
        },
    }))
}

/// Existing app registrations, each with its service principal.
fn seed_apps(t: &mut Tenant, now: chrono::DateTime<Utc>) {
    let graph_sp = t
        .sp_by_app_id(GRAPH_APP_ID)
        .map(|s| s.id().to_string())
        .unwrap_or_default();
    let exo_sp = t
        .sp_by_app_id(EXCHANGE_APP_ID)
        .map(|s| s.id().to_string())
        .unwrap_or_default();

    struct SeedApp {
        label: &'static str,
        name: &'static str,
        age_days: i64,
        extra: Value,
        /// (start offset days, end offset days) relative to now.
        secret: Option<(i64, i64, &'static str)>,
    }
    let apps = [
        SeedApp {
            label: "hr-portal",
            name: "HR Portal",
            age_days: 400,
            extra: json!({
                "signInAudience": "AzureADMyOrg",
                "web": {"homePageUrl": "https://hr.contoso.com", "redirectUris": ["https://hr.contoso.com/signin-oidc"]},
                "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}]}],
            }),
            secret: Some((-200, 530, "HR Portal web")),
        },
        SeedApp {
            label: "legacy-fax",
            name: "Legacy Fax Connector",
            age_days: 720,
            extra: json!({
                "signInAudience": "AzureADMyOrg",
                "requiredResourceAccess": [{"resourceAppId": EXCHANGE_APP_ID, "resourceAccess": [
                    {"id": "5e5addcd-3e8d-4e90-baf5-964efab2b20a", "type": "Role"},
                    {"id": "7146a1f0-8703-45b3-9eae-527a64c00995", "type": "Role"},
                ]}],
            }),
            secret: Some((-720, 10, "fax gateway")),
        },
        SeedApp {
            label: "old-erp",
            name: "Old ERP Sync",
            age_days: 1100,
            extra: json!({
                "signInAudience": "AzureADMyOrg",
                "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": "df021288-bdef-4463-88db-98f22de89214", "type": "Role"}]}],
            }),
            secret: Some((-1100, -30, "ERP 2023")),
        },
        SeedApp {
            label: "duplicate-1",
            name: "Duplicate Name App",
            age_days: 300,
            extra: json!({"signInAudience": "AzureADMyOrg"}),
            secret: None,
        },
        SeedApp {
            label: "duplicate-2",
            name: "Duplicate Name App",
            age_days: 200,
            extra: json!({"signInAudience": "AzureADMultipleOrgs", "notes": "Second app with the same display name"}),
            secret: None,
        },
    ];

    for a in apps {
        let created_at = now - Duration::days(a.age_days);
        let id = stable_guid(&format!("app:{}", a.label));
        let app_id = stable_guid(&format!("appid:{}", a.label));
        let mut props = ops::application_defaults(&id, &app_id, INITIAL_DOMAIN, &iso(created_at));
        props.insert("displayName".into(), json!(a.name));
        if let Value::Object(extra) = a.extra {
            for (k, v) in extra {
                if let (Some(Value::Object(dst)), Value::Object(src)) = (props.get_mut(&k), &v) {
                    for (k2, v2) in src {
                        dst.insert(k2.clone(), v2.clone());
                    }
                    continue;
                }
                props.insert(k, v);
            }
        }
        let mut hashes = Vec::new();
        if let Some((start, end, name)) = a.secret {
            let key_id = stable_guid(&format!("key:{}", a.label));
            // The secret value is thrown away: only its hash is kept, as in Entra.
            let secret = new_client_secret();
            hashes.push(SecretHash {
                key_id: key_id.clone(),
                sha256: secret_hash(&key_id, &secret),
            });
            props.insert(
                "passwordCredentials".into(),
                json!([{
                    "customKeyIdentifier": null,
                    "displayName": name,
                    "endDateTime": iso(now + Duration::days(end)),
                    "hint": &secret[..3],
                    "keyId": key_id,
                    "secretText": null,
                    "startDateTime": iso(now + Duration::days(start)),
                }]),
            );
        }
        let sp_id = stable_guid(&format!("sp:{}", a.label));
        let sp = ops::sp_for_application(&sp_id, &t.tenant_id, &props);
        let created_ms = created_at.timestamp_millis();
        t.applications.push(Application {
            props,
            created_ms,
            secret_hashes: hashes,
        });
        push_sp(t, sp, created_ms);
    }

    // Consent that was granted for the existing apps.
    let hr = stable_guid("sp:hr-portal");
    t.oauth2_permission_grants.push(ops::grant_props(
        &hr,
        "AllPrincipals",
        None,
        &graph_sp,
        "User.Read",
    ));
    let fax = stable_guid("sp:legacy-fax");
    for role in [
        "5e5addcd-3e8d-4e90-baf5-964efab2b20a",
        "7146a1f0-8703-45b3-9eae-527a64c00995",
    ] {
        let _ = ops::add_assignment(t, &fax, &exo_sp, role);
    }
    let erp = stable_guid("sp:old-erp");
    let _ = ops::add_assignment(t, &erp, &graph_sp, "df021288-bdef-4463-88db-98f22de89214");
}

/// Deterministic enterprise apps from other vendors.
fn seed_fillers(t: &mut Tenant, created_ms: i64) {
    #[rustfmt::skip]
    const VENDORS: &[&str] = &[
        "Adatum", "Fabrikam", "Northwind", "Tailspin", "Wingtip", "Litware", "Proseware",
        "Woodgrove", "Alpine", "Coho",
    ];
    #[rustfmt::skip]
    const PRODUCTS: &[&str] = &[
        "CRM", "Payroll", "Backup", "Scan to Mail", "Fax Gateway", "Archive", "Helpdesk",
        "Analytics", "SSO", "Calendar Sync", "Expense", "Signature", "Print", "Travel", "Learning",
        "Survey", "Timesheet", "Recruiting", "Inventory", "Ticketing", "Webinar", "Wiki",
        "Contracts", "Intranet", "Badge Access",
    ];
    let mut n = 0;
    'outer: for p in PRODUCTS {
        for v in VENDORS {
            if n >= FILLER_SERVICE_PRINCIPALS {
                break 'outer;
            }
            let name = format!("{v} {p}");
            let app_id = stable_guid(&format!("filler-appid:{name}"));
            let owner = stable_guid(&format!("vendor:{v}"));
            let mut sp = ops::service_principal_defaults(
                &stable_guid(&format!("filler-sp:{name}")),
                &app_id,
                &name,
                &owner,
            );
            sp.insert("signInAudience".into(), json!("AzureADMultipleOrgs"));
            sp.insert(
                "tags".into(),
                json!(["WindowsAzureActiveDirectoryIntegratedApp"]),
            );
            push_sp(t, sp, created_ms);
            n += 1;
        }
    }
}
