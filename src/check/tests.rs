//! The comparison, the guesses, the union patch and the fix selection on hand-built values.

use super::compare::{self, Expectation, Guess, Observed};
use super::repair::union_patch;
use super::*;
use crate::graph::{self, ServicePrincipal};
use crate::profile::{self, Api, InstallMode, PermissionType};
use chrono::{Duration, TimeZone, Utc};
use serde_json::json;

const EXO: &str = "00000002-0000-0ff1-ce00-000000000000";
const GRAPH: &str = "00000003-0000-0000-c000-000000000000";
const FULL_ACCESS_AS_APP: &str = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";
const EWS_AS_USER: &str = "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5";
const PEOPLE_READ_ALL: &str = "b528084d-ad10-4598-8b93-929746b4d7d6";
const USER_READ_ALL: &str = "df021288-bdef-4463-88db-98f22de89214";
const USER_READ: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const MAIL_SEND: &str = "b633e1c5-b582-4048-a93e-9f11b44c7e96";
const OOB: &str = "urn:ietf:wg:oauth:2.0:oob";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

fn app(extra: serde_json::Value) -> Application {
    let mut base = json!({
        "id": "obj-1",
        "appId": "11111111-2222-3333-4444-555555555555",
        "displayName": "OfficeMaster EWS",
        "signInAudience": "AzureADMyOrg",
        "isFallbackPublicClient": false,
        "publicClient": {"redirectUris": [OOB]},
        "requiredResourceAccess": [
            {"resourceAppId": EXO, "resourceAccess": [{"id": FULL_ACCESS_AS_APP, "type": "Role"}]},
            {"resourceAppId": GRAPH, "resourceAccess": [
                {"id": PEOPLE_READ_ALL, "type": "Role"},
                {"id": USER_READ_ALL, "type": "Role"},
                {"id": USER_READ, "type": "Scope"},
            ]},
        ],
        "passwordCredentials": [{
            "keyId": "k-1", "displayName": "OfficeMaster EWS (exowiz)", "hint": "Q~8",
            "endDateTime": (now() + Duration::days(700)).to_rfc3339(),
        }],
    });
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

fn sp() -> ServicePrincipal {
    serde_json::from_value(json!({"id": "sp-1", "appId": "11111111-2222-3333-4444-555555555555"}))
        .unwrap()
}

/// The resource service principals as the tenant publishes them (only what the tests need).
fn resources() -> BTreeMap<Api, ServicePrincipal> {
    let graph: ServicePrincipal = serde_json::from_value(json!({
        "id": "graph-sp", "appId": GRAPH,
        "appRoles": [
            {"id": PEOPLE_READ_ALL, "value": "People.Read.All", "isEnabled": true},
            {"id": USER_READ_ALL, "value": "User.Read.All", "isEnabled": true},
            {"id": MAIL_SEND, "value": "Mail.Send", "isEnabled": true},
        ],
        "oauth2PermissionScopes": [
            {"id": USER_READ, "value": "User.Read", "isEnabled": true},
        ],
    }))
    .unwrap();
    let exo: ServicePrincipal = serde_json::from_value(json!({
        "id": "exo-sp", "appId": EXO,
        "appRoles": [{"id": FULL_ACCESS_AS_APP, "value": "full_access_as_app", "isEnabled": true}],
        "oauth2PermissionScopes": [{"id": EWS_AS_USER, "value": "EWS.AccessAsUser.All", "isEnabled": true}],
    }))
    .unwrap();
    BTreeMap::from([(Api::Graph, graph), (Api::Exchange, exo)])
}

fn wanted(profile_id: &str, mode: InstallMode, app: &Application) -> Expectation {
    compare::expectation(
        &profile::by_id(profile_id).unwrap(),
        mode,
        app,
        &resources(),
    )
    .unwrap()
}

fn granted(e: &Expectation, all: bool) -> Vec<PermissionStatus> {
    e.permissions
        .iter()
        .map(|p| PermissionStatus {
            granted: all,
            ..p.clone()
        })
        .collect()
}

/// Findings of `app` against `profile_id` (cloud-only), service principal present, everything
/// granted unless `grants` says otherwise.
fn findings_of(
    profile_id: &str,
    app: &Application,
    sp: Option<&ServicePrincipal>,
    grants: Option<Vec<PermissionStatus>>,
) -> Vec<Finding> {
    let e = wanted(profile_id, InstallMode::CloudOnly, app);
    let grants = grants.unwrap_or_else(|| granted(&e, true));
    let resources = resources();
    let mut findings = compare::compare(&Observed {
        app,
        service_principal: sp,
        expectation: &e,
        grants: sp.map(|_| grants.as_slice()),
        resources: &resources,
        now: now(),
        warn_days: 30,
    });
    number_fixes(&mut findings);
    findings
}

fn not_ok(findings: &[Finding]) -> Vec<(FindingKind, Severity, Option<Fix>)> {
    findings
        .iter()
        .filter(|f| f.severity != Severity::Ok)
        .map(|f| (f.kind, f.severity, f.fix.clone()))
        .collect()
}

#[test]
fn an_app_as_register_leaves_it_has_only_ok_findings() {
    let app = app(json!({}));
    let findings = findings_of("officemaster", &app, Some(&sp()), None);
    assert_eq!(not_ok(&findings), []);
    assert!(findings.iter().all(|f| f.fix.is_none()));
    // One per permission (requested and granted), redirect URI, flag, audience, SP, secret.
    assert_eq!(findings.len(), 4 + 1 + 1 + 1 + 1 + 4 + 1);
    assert!(
        findings
            .iter()
            .all(|f| f.text.ends_with('.') && !f.text.contains('\n')),
        "{findings:#?}"
    );
}

#[test]
fn drift_in_the_app_is_found_with_kind_severity_and_fix() {
    // The admin removed full_access_as_app and the redirect URI, turned public flows on.
    let app = app(json!({
        "isFallbackPublicClient": true,
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
            {"id": PEOPLE_READ_ALL, "type": "Role"},
            {"id": USER_READ_ALL, "type": "Role"},
            {"id": USER_READ, "type": "Scope"},
        ]}],
    }));
    let findings = findings_of("officemaster", &app, Some(&sp()), None);
    let drift = not_ok(&findings);
    assert_eq!(drift.len(), 3, "{drift:#?}");
    assert_eq!(
        (drift[0].0, drift[0].1),
        (FindingKind::Permission, Severity::Warning)
    );
    match &drift[0].2 {
        Some(Fix::AddPermissions { permissions }) => {
            assert_eq!(permissions.len(), 1);
            assert_eq!(
                (permissions[0].api, permissions[0].name.as_str()),
                (Api::Exchange, "full_access_as_app")
            );
            assert_eq!(permissions[0].id, FULL_ACCESS_AS_APP);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        drift[1],
        (
            FindingKind::RedirectUri,
            Severity::Problem,
            Some(Fix::AddRedirectUris {
                public_client: vec![OOB.into()],
                web: vec![]
            })
        )
    );
    assert_eq!(
        drift[2],
        (
            FindingKind::PublicClient,
            Severity::Warning,
            Some(Fix::SetPublicClient { enabled: false })
        )
    );
    let ids: Vec<usize> = findings
        .iter()
        .filter_map(|f| f.fix_id)
        .map(|i| i.0)
        .collect();
    assert_eq!(ids, [1, 2, 3]);
}

#[test]
fn public_client_flows_off_where_the_product_needs_them_is_a_problem() {
    let app = app(json!({
        "displayName": "myfactory EWS",
        "requiredResourceAccess": [{"resourceAppId": EXO, "resourceAccess": [
            {"id": FULL_ACCESS_AS_APP, "type": "Role"},
            {"id": EWS_AS_USER, "type": "Scope"},
        ]}],
    }));
    let drift = not_ok(&findings_of("myfactory", &app, Some(&sp()), None));
    assert_eq!(
        drift,
        [(
            FindingKind::PublicClient,
            Severity::Problem,
            Some(Fix::SetPublicClient { enabled: true })
        )]
    );
}

#[test]
fn extra_permissions_are_only_mentioned() {
    let mut app = app(json!({}));
    app.required_resource_access[1]
        .resource_access
        .push(graph::ResourceAccess {
            id: MAIL_SEND.into(),
            kind: graph::PermissionType::Role,
        });
    app.required_resource_access
        .push(graph::RequiredResourceAccess {
            resource_app_id: "00000003-0000-0ff1-ce00-000000000000".into(),
            resource_access: vec![graph::ResourceAccess {
                id: "abc".into(),
                kind: graph::PermissionType::Role,
            }],
        });
    let findings = findings_of("officemaster", &app, Some(&sp()), None);
    assert_eq!(not_ok(&findings), []);
    let extra = findings
        .iter()
        .find(|f| f.kind == FindingKind::ExtraPermissions)
        .unwrap();
    assert_eq!(extra.severity, Severity::Ok);
    assert!(
        extra
            .text
            .contains("Microsoft Graph Mail.Send (application)")
    );
    assert!(extra.text.contains("00000003-0000-0ff1-ce00-000000000000"));
    assert!(extra.fix.is_none());
}

#[test]
fn consent_is_judged_per_permission() {
    let app = app(json!({}));
    let e = wanted("officemaster", InstallMode::CloudOnly, &app);
    let mut grants = granted(&e, true);
    grants[2].granted = false; // User.Read.All
    let drift = not_ok(&findings_of(
        "officemaster",
        &app,
        Some(&sp()),
        Some(grants),
    ));
    assert_eq!(drift.len(), 1);
    assert_eq!(
        (drift[0].0, drift[0].1),
        (FindingKind::Consent, Severity::Problem)
    );
    match &drift[0].2 {
        Some(Fix::GrantConsent { permissions }) => {
            assert_eq!(permissions[0].name, "User.Read.All");
            assert_eq!(permissions[0].kind, PermissionType::Application);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_a_service_principal_nothing_is_granted_and_both_are_fixable() {
    let app = app(json!({}));
    let findings = findings_of("officemaster", &app, None, None);
    let drift = not_ok(&findings);
    assert_eq!(drift[0].0, FindingKind::ServicePrincipal);
    assert_eq!(drift[0].2, Some(Fix::CreateServicePrincipal));
    assert_eq!(drift.len(), 5);
    assert!(drift[1..].iter().all(|(k, s, f)| *k == FindingKind::Consent
        && *s == Severity::Problem
        && matches!(f, Some(Fix::GrantConsent { .. }))));
}

#[test]
fn a_permission_of_an_api_the_tenant_lacks_cannot_be_granted() {
    let app = app(json!({}));
    let e = wanted("officemaster", InstallMode::CloudOnly, &app);
    let mut grants = granted(&e, true);
    grants[0].granted = false; // full_access_as_app
    let mut resources = resources();
    resources.remove(&Api::Exchange);
    let findings = compare::compare(&Observed {
        app: &app,
        service_principal: Some(&sp()),
        expectation: &e,
        grants: Some(&grants),
        resources: &resources,
        now: now(),
        warn_days: 30,
    });
    let consent: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::Consent && f.severity != Severity::Ok)
        .collect();
    assert_eq!(consent.len(), 1);
    assert!(consent[0].fix.is_none());
    assert!(
        consent[0]
            .text
            .contains("no Office 365 Exchange Online service principal")
    );
}

#[test]
fn a_disabled_service_principal_is_a_problem_without_a_fix() {
    let app = app(json!({}));
    let mut disabled = sp();
    disabled.account_enabled = Some(false);
    let drift = not_ok(&findings_of("officemaster", &app, Some(&disabled), None));
    assert_eq!(
        drift,
        [(FindingKind::ServicePrincipal, Severity::Problem, None)]
    );
}

#[test]
fn a_multi_tenant_app_is_a_warning_exowiz_does_not_fix() {
    let app = app(json!({"signInAudience": "AzureADMultipleOrgs"}));
    let findings = findings_of("officemaster", &app, Some(&sp()), None);
    let drift = not_ok(&findings);
    assert_eq!(
        drift,
        [(FindingKind::SignInAudience, Severity::Warning, None)]
    );
    assert!(
        findings
            .iter()
            .any(|f| f.text.contains("AzureADMultipleOrgs"))
    );
}

fn secret_findings(credentials: serde_json::Value, certs: serde_json::Value) -> Vec<Finding> {
    let app = app(json!({"passwordCredentials": credentials, "keyCredentials": certs}));
    findings_of("officemaster", &app, Some(&sp()), None)
        .into_iter()
        .filter(|f| f.kind == FindingKind::Secret)
        .collect()
}

fn secret(days: i64, name: &str) -> serde_json::Value {
    json!({"keyId": format!("k-{days}"), "displayName": name, "endDateTime": (now() + Duration::days(days)).to_rfc3339()})
}

#[test]
fn secrets_none_expired_expiring_and_valid() {
    let rotate = Some(Fix::RotateSecret {
        command: "exowiz rotate --app-id 11111111-2222-3333-4444-555555555555".into(),
    });
    let none = secret_findings(json!([]), json!([]));
    assert_eq!(none.len(), 1);
    assert_eq!(
        (none[0].severity, &none[0].fix),
        (Severity::Problem, &rotate)
    );
    assert_eq!(
        none[0].fix_id, None,
        "rotation is advice, not a numbered fix"
    );

    let expired = secret_findings(json!([secret(-3, "old"), secret(-400, "older")]), json!([]));
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].severity, Severity::Problem);
    assert!(
        expired[0].text.contains("\"old\" expired on 30 Oct 2026"),
        "{}",
        expired[0].text
    );

    let expiring = secret_findings(json!([secret(29, "soon")]), json!([]));
    assert_eq!(
        (expiring[0].severity, &expiring[0].fix),
        (Severity::Warning, &rotate)
    );
    assert!(expiring[0].text.contains("in 29 days"));
    let in_time = secret_findings(json!([secret(30, "later")]), json!([]));
    assert_eq!(in_time[0].severity, Severity::Ok);

    // The newest counts; expired older ones are only mentioned.
    let mixed = secret_findings(json!([secret(-10, "old"), secret(300, "new")]), json!([]));
    assert_eq!(mixed.len(), 2);
    assert!(mixed.iter().all(|f| f.severity == Severity::Ok));
    assert!(mixed[0].text.contains("\"new\""));
    assert!(mixed[1].text.starts_with("1 expired secret"));

    let certificate = secret_findings(json!([]), json!([{"keyId": "c-1"}]));
    assert_eq!(certificate[0].severity, Severity::Ok);
    assert!(certificate[0].text.contains("certificate"));
}

#[test]
fn custom_takes_the_apps_own_permissions_as_wanted() {
    let app = app(json!({
        "displayName": "HR Portal",
        "publicClient": null,
        "isFallbackPublicClient": true,
        "signInAudience": "AzureADMultipleOrgs",
        "web": {"redirectUris": ["https://hr.contoso.com/signin-oidc"]},
        "requiredResourceAccess": [
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]},
            {"resourceAppId": "00000003-0000-0ff1-ce00-000000000000", "resourceAccess": [{"id": "abc", "type": "Role"}]},
        ],
    }));
    let e = wanted("custom", InstallMode::CloudOnly, &app);
    assert!(e.custom);
    assert_eq!(e.permissions.len(), 1);
    assert_eq!(
        (e.permissions[0].api, e.permissions[0].name.as_str()),
        (Api::Graph, "User.Read")
    );
    let findings = findings_of("custom", &app, Some(&sp()), None);
    // Flags, audience and redirect URIs are the app's business.
    assert_eq!(not_ok(&findings), []);
    assert!(!findings.iter().any(|f| matches!(
        f.kind,
        FindingKind::PublicClient | FindingKind::SignInAudience | FindingKind::RedirectUri
    )));
    let extra = findings
        .iter()
        .find(|f| f.kind == FindingKind::ExtraPermissions)
        .unwrap();
    assert!(
        extra.text.contains("exowiz does not check"),
        "{}",
        extra.text
    );
}

#[test]
fn custom_without_permissions_is_a_warning() {
    let app = app(json!({"requiredResourceAccess": []}));
    let drift = not_ok(&findings_of("custom", &app, Some(&sp()), None));
    assert_eq!(drift, [(FindingKind::Permission, Severity::Warning, None)]);
}

#[test]
fn the_profile_is_guessed_by_name_then_permissions_else_custom() {
    let all = profile::all().unwrap();
    let res = resources();
    let guess = |app: &Application| compare::guess_profile(app, &all, &res);

    let (id, why) = guess(&app(json!({})));
    assert_eq!(id, "officemaster");
    assert!(matches!(why, Guess::Name(_)));

    let (id, _) = guess(&app(
        json!({"displayName": "BüroWARE Exchange Sync (prod)"}),
    ));
    assert_eq!(id, "bueroware");

    // Unhelpful name: the permissions decide; the largest profile they cover wins
    // (officemaster cloud-only covers bueroware's full_access_as_app too).
    let (id, why) = guess(&app(json!({"displayName": "Fax gateway"})));
    assert_eq!(id, "officemaster");
    assert!(matches!(why, Guess::Permissions(_)));
    let (id, _) = guess(&app(json!({
        "displayName": "Fax gateway",
        "requiredResourceAccess": [{"resourceAppId": EXO, "resourceAccess": [{"id": FULL_ACCESS_AS_APP, "type": "Role"}]}],
    })));
    assert_eq!(id, "bueroware");

    // myfactory and officemaster (hybrid) both need two of these three: a tie is custom.
    let (id, why) = guess(&app(json!({
        "displayName": "Fax gateway",
        "requiredResourceAccess": [
            {"resourceAppId": EXO, "resourceAccess": [
                {"id": FULL_ACCESS_AS_APP, "type": "Role"},
                {"id": EWS_AS_USER, "type": "Scope"},
            ]},
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]},
        ],
    })));
    assert_eq!(id, "custom");
    match why {
        Guess::Nothing(text) => assert!(text.contains("officemaster and myfactory"), "{text}"),
        other => panic!("{other:?}"),
    }

    let (id, why) = guess(&app(json!({
        "displayName": "HR Portal",
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]}],
    })));
    assert_eq!(id, "custom");
    assert!(matches!(why, Guess::Nothing(_)));
}

#[test]
fn the_installation_type_follows_the_cloud_address_book_permissions() {
    let om = profile::by_id("officemaster").unwrap();
    let res = resources();
    let (mode, why) = compare::infer_mode(&om, &app(json!({})), &res);
    assert_eq!(mode, InstallMode::CloudOnly);
    assert!(why.unwrap().contains("People.Read.All"));

    let hybrid = app(json!({
        "requiredResourceAccess": [
            {"resourceAppId": EXO, "resourceAccess": [{"id": FULL_ACCESS_AS_APP, "type": "Role"}]},
            {"resourceAppId": GRAPH, "resourceAccess": [{"id": USER_READ, "type": "Scope"}]},
        ],
    }));
    let (mode, why) = compare::infer_mode(&om, &hybrid, &res);
    assert_eq!(mode, InstallMode::Hybrid);
    assert!(why.unwrap().contains("--mode cloud-only"));
    // Checked as hybrid, that app is in order.
    let e = compare::expectation(&om, mode, &hybrid, &res).unwrap();
    let grants = granted(&e, true);
    let findings = compare::compare(&Observed {
        app: &hybrid,
        service_principal: Some(&sp()),
        expectation: &e,
        grants: Some(&grants),
        resources: &res,
        now: now(),
        warn_days: 30,
    });
    assert_eq!(not_ok(&findings), []);

    // A profile that asks the same in both types says nothing about it.
    let mf = profile::by_id("myfactory").unwrap();
    assert_eq!(
        compare::infer_mode(&mf, &app(json!({})), &res),
        (InstallMode::CloudOnly, None)
    );
}

#[test]
fn the_union_patch_adds_and_never_removes() {
    let mut app = app(json!({
        "isFallbackPublicClient": true,
        "publicClient": {"redirectUris": ["myapp://auth"]},
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
            {"id": MAIL_SEND, "type": "Role"},
        ]}],
    }));
    let e = wanted("officemaster", InstallMode::CloudOnly, &app);
    let add = Fix::AddPermissions {
        permissions: e.permissions.clone(),
    };
    let uris = Fix::AddRedirectUris {
        public_client: vec![OOB.into()],
        web: vec!["https://connector.contoso.com/auth".into()],
    };
    let flag = Fix::SetPublicClient { enabled: false };
    let patch = union_patch(&app, &[&add, &uris, &flag, &Fix::CreateServicePrincipal]).unwrap();
    let rra = patch.required_resource_access.clone().unwrap();
    let ids: Vec<(&str, &str)> = rra
        .iter()
        .flat_map(|r| {
            r.resource_access
                .iter()
                .map(|a| (r.resource_app_id.as_str(), a.id.as_str()))
        })
        .collect();
    assert_eq!(
        ids,
        [
            (GRAPH, MAIL_SEND),
            (GRAPH, PEOPLE_READ_ALL),
            (GRAPH, USER_READ_ALL),
            (GRAPH, USER_READ),
            (EXO, FULL_ACCESS_AS_APP),
        ],
        "the admin's Mail.Send stays first, the rest is added"
    );
    assert_eq!(
        patch.public_client.unwrap().redirect_uris,
        ["myapp://auth", OOB]
    );
    assert_eq!(
        patch.web.unwrap().redirect_uris,
        ["https://connector.contoso.com/auth"]
    );
    assert_eq!(patch.is_fallback_public_client, Some(false));
    assert_eq!(patch.display_name, None);

    // Applied, nothing is left to change.
    app.required_resource_access = rra;
    app.public_client = Some(graph::RedirectUris::new(["myapp://auth", OOB]));
    app.web = Some(graph::RedirectUris::new([
        "https://connector.contoso.com/auth",
    ]));
    app.is_fallback_public_client = Some(false);
    assert_eq!(union_patch(&app, &[&add, &uris, &flag]), None);
}

#[test]
fn fix_selection_parses_and_checks_numbers() {
    assert_eq!(FixSelection::parse(" All "), Ok(FixSelection::All));
    assert_eq!(
        FixSelection::parse("2, 1,2"),
        Ok(FixSelection::Numbers(vec![FixId(2), FixId(1)]))
    );
    for bad in ["", "0", "1,,2", "one", "-1"] {
        assert!(FixSelection::parse(bad).is_err(), "{bad}");
    }

    let app = app(json!({"publicClient": {"redirectUris": []}, "passwordCredentials": []}));
    let findings = findings_of("officemaster", &app, Some(&sp()), None);
    let report = Report {
        tenant_id: "t-1".into(),
        tenant_name: "Contoso Ltd".into(),
        app,
        service_principal: Some(sp()),
        profile_id: "officemaster".into(),
        profile: profile::by_id("officemaster").unwrap(),
        profile_source: ProfileSource::Given,
        profile_reason: "given with --profile".into(),
        mode: InstallMode::CloudOnly,
        permissions: vec![],
        consent_url: String::new(),
        findings,
    };
    // The redirect URI is fix 1; the missing secret is advice without a number.
    assert_eq!(report.fixes().len(), 1);
    assert_eq!(report.severity(), Severity::Problem);
    assert_eq!(FixSelection::All.ids(&report), Ok(vec![FixId(1)]));
    assert_eq!(
        FixSelection::parse("1").unwrap().ids(&report),
        Ok(vec![FixId(1)])
    );
    let err = FixSelection::parse("1,2")
        .unwrap()
        .ids(&report)
        .unwrap_err();
    assert_eq!(
        err,
        FixSelectionError::NoSuchFix {
            fix: FixId(2),
            fixes: 1
        }
    );
    let err = err.to_string();
    assert!(err.contains("no fix 2") && err.contains("1 to 1"), "{err}");

    let json = report.to_json();
    assert_eq!(json["status"], "problem");
    assert_eq!(json["findings"][0]["number"], 1);
    let secret = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "secret")
        .unwrap();
    assert_eq!(secret["fix"]["action"], "rotate-secret");
    assert!(secret["fix_id"].is_null());
}

#[test]
fn the_saved_registration_holds_key_ids_and_dates_only() {
    let app = app(json!({
        "passwordCredentials": [
            {"keyId": "k-1", "hint": "Q~8", "displayName": "a", "endDateTime": "2028-01-01T00:00:00Z"},
            {"keyId": "k-2", "endDateTime": null},
        ],
    }));
    let report = Report {
        tenant_id: "t-1".into(),
        tenant_name: "Contoso Ltd".into(),
        app,
        service_principal: Some(sp()),
        profile_id: "custom".into(),
        profile: profile::by_id("custom").unwrap(),
        profile_source: ProfileSource::Given,
        profile_reason: String::new(),
        mode: InstallMode::CloudOnly,
        permissions: vec![],
        consent_url: String::new(),
        findings: vec![],
    };
    let saved = report.saved_registration("http://127.0.0.1:1/", now());
    assert_eq!(saved.profile, "custom");
    assert_eq!(saved.client_id, "11111111-2222-3333-4444-555555555555");
    assert_eq!(saved.app_object_id, "obj-1");
    assert_eq!(saved.service_principal_id.as_deref(), Some("sp-1"));
    assert_eq!(
        saved.secrets.len(),
        1,
        "a secret without an end is left out"
    );
    assert_eq!(saved.secrets[0].key_id, "k-1");
    assert_eq!(report.severity(), Severity::Ok);
}

fn names(expected: &Expected) -> Vec<(Api, &str)> {
    expected
        .permissions
        .iter()
        .map(|p| (p.api, p.name.as_str()))
        .collect()
}

#[test]
fn the_expected_roles_are_the_guessed_profiles_application_permissions() {
    let expected = expected_of(None, "tenant-1", &app(json!({})), &resources(), None).unwrap();
    assert_eq!(expected.profile_id, "officemaster");
    assert_eq!(expected.product, "OfficeMaster connector for Office 365");
    assert_eq!(expected.mode, InstallMode::CloudOnly);
    assert!(!expected.custom);
    assert_eq!(
        names(&expected),
        [
            (Api::Exchange, "full_access_as_app"),
            (Api::Graph, "People.Read.All"),
            (Api::Graph, "User.Read.All"),
        ],
        "User.Read is delegated: never in an app-only token"
    );
    assert!(
        expected
            .permissions
            .iter()
            .all(|p| p.kind == PermissionType::Application)
    );
}

#[test]
fn the_saved_registration_names_the_profile_of_the_expected_roles() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::new(dir.path());
    let app = app(json!({}));
    store
        .upsert(SavedRegistration {
            tenant_id: "TENANT-1".into(),
            tenant_name: None,
            profile: "bueroware".into(),
            app_name: "OfficeMaster EWS".into(),
            client_id: app.app_id.clone(),
            app_object_id: app.id.clone(),
            service_principal_id: None,
            secrets: Vec::new(),
            graph_url: "https://graph.example/".into(),
            updated: now(),
            adopted: false,
            uses_ews: None,
            mailbox: None,
            unknown: Default::default(),
        })
        .unwrap();
    let expected = expected_of(Some(&store), "tenant-1", &app, &resources(), None).unwrap();
    assert_eq!(expected.profile_id, "bueroware");
    assert_eq!(names(&expected), [(Api::Exchange, "full_access_as_app")]);
}

#[test]
fn a_custom_app_expects_its_own_roles_that_have_a_name() {
    let unknown_role = "0a1b2c3d-1234-5678-9abc-def012345678";
    let app = app(json!({
        "displayName": "Scanner relay",
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
            {"id": USER_READ_ALL, "type": "Role"},
            {"id": unknown_role, "type": "Role"},
            {"id": USER_READ, "type": "Scope"},
        ]}],
    }));
    let expected = expected_of(None, "tenant-1", &app, &resources(), None).unwrap();
    assert_eq!(expected.profile_id, "custom");
    assert!(expected.custom);
    assert_eq!(
        names(&expected),
        [(Api::Graph, "User.Read.All")],
        "a role the resource does not name cannot be found in a token"
    );
}

/// The Findings step shows these in German: every finding of a drifted app has its German
/// sentence (none falls back to English), and the fix results too.
#[test]
fn findings_and_fix_results_in_german() {
    use crate::i18n::{Language, with_language};
    let app = app(json!({
        "isFallbackPublicClient": true,
        "publicClient": {"redirectUris": []},
        "passwordCredentials": [secret(29, "soon")],
        "requiredResourceAccess": [{"resourceAppId": GRAPH, "resourceAccess": [
            {"id": PEOPLE_READ_ALL, "type": "Role"},
            {"id": USER_READ_ALL, "type": "Role"},
            {"id": USER_READ, "type": "Scope"},
        ]}],
    }));
    let english = findings_of("officemaster", &app, Some(&sp()), None);
    let german = with_language(Language::German, || {
        findings_of("officemaster", &app, Some(&sp()), None)
    });
    assert_eq!(english.len(), german.len());
    for (en, de) in english.iter().zip(&german) {
        assert_ne!(en.text, de.text, "not translated: {}", en.text);
        assert!(de.text.ends_with('.'), "{}", de.text);
    }
    let texts: Vec<&str> = german.iter().map(|f| f.text.as_str()).collect();
    assert!(
        texts.contains(
            &"Öffentliche Clientflows sind zugelassen, obwohl das Produkt sie nicht nutzt; so \
              kann jeder mit der Client-ID versuchen, sich ohne Schlüssel anzumelden."
        ),
        "{texts:#?}"
    );
    assert!(
        texts.contains(
            &"Der neueste Clientschlüssel „soon“ läuft am 01.12.2026 ab (in 29 Tagen): Erstellen \
              Sie vorher einen neuen und tragen Sie ihn im Produkt ein."
        ),
        "{texts:#?}"
    );
    with_language(Language::German, || {
        assert_eq!(
            repair::done_sentence(&Fix::SetPublicClient { enabled: false }, true),
            "Öffentliche Clientflows nicht mehr zugelassen."
        );
    });
}

/// Issue 10.12: one date format per language. A German finding writes its date as the German
/// screens do (30.10.2026), not as ISO (2026-10-30); the English one as the English screens.
#[test]
fn finding_dates_follow_the_language() {
    use crate::i18n::{Language, with_language};
    let german = with_language(Language::German, || {
        secret_findings(json!([secret(-3, "old")]), json!([]))
    });
    assert!(german[0].text.contains("30.10.2026"), "{}", german[0].text);
    let english = secret_findings(json!([secret(-3, "old")]), json!([]));
    assert!(
        english[0].text.contains("30 Oct 2026"),
        "{}",
        english[0].text
    );
}
