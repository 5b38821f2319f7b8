//! The typed Graph client against the demo tenant over loopback HTTP: every `GraphClient`
//! method, its success path and its main error path, throttling and replication lag as the
//! demo tenant produces them, and the bodies `exowiz register` sends checked against the strict
//! Graph v1.0 schema.

use crate::support;

use chrono::{Duration as Days, Utc};
use demo_tenant::{Emulator, EmulatorConfig, RequestRecord};
use exowiz::endpoints::Endpoints;
use exowiz::graph::{
    ApplicationPatch, ErrorKind, GraphClient, MailboxState, NewApplication, PermissionType,
    RedirectUris, RequiredResourceAccess, ResourceAccess, RetryPolicy,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use support::*;

/// appIds of graph-facts §2, typed in independently of exowiz's constants.
const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
const USER_READ_SCOPE: &str = "e1fe6dd8-ba31-4d61-89e7-88639da4683d";
const UNKNOWN_GUID: &str = "0badc0de-0000-4000-8000-000000000000";

fn endpoints(emu: &Emulator) -> Endpoints {
    let base = emu.base_url().to_string();
    Endpoints::custom(&base, &base).unwrap()
}

/// A new client (empty list of created objects) with the fast test retry policy.
fn client(emu: &Emulator, token: &str) -> GraphClient {
    GraphClient::new(&endpoints(emu), SecretString::from(token.to_string()))
        .with_retry(RetryPolicy::fast())
}

fn admin(emu: &Emulator) -> GraphClient {
    client(emu, &admin_token(emu))
}

/// Requests whose path (without query) is `/v1.0/<path>` and whose method is `method`.
fn logged<'a>(log: &'a [RequestRecord], method: &str, path: &str) -> Vec<&'a RequestRecord> {
    let wanted = format!("/v1.0/{path}");
    log.iter()
        .filter(|r| r.method == method && r.path_and_query.split('?').next() == Some(&wanted))
        .collect()
}

fn statuses(records: &[&RequestRecord]) -> Vec<u16> {
    records.iter().map(|r| r.status).collect()
}

fn unique_name(label: &str) -> String {
    format!(
        "exowiz it {label} {}",
        &uuid::Uuid::new_v4().to_string()[..8]
    )
}

fn graph_role(name: &str) -> &'static str {
    oracle_id(MICROSOFT_GRAPH_APP_ID, name, "Role")
}

// ---------------------------------------------------------------------------------------------
// Directory
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn organization_domains_users_and_mailboxes() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);

    let org = graph.organization().await.unwrap();
    assert_eq!(org.id, emu.tenant_id());
    assert_eq!(org.display_name.as_deref(), Some("Contoso Ltd"));
    let names: BTreeSet<&str> = org
        .verified_domains
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    assert_eq!(
        names,
        BTreeSet::from(["contoso.com", "contoso.onmicrosoft.com"])
    );
    assert_eq!(org.default_domain(), Some("contoso.com"));
    assert_eq!(org.tenant_type.as_deref(), Some("AAD"));

    let domains = graph.domains().await.unwrap();
    assert_eq!(domains.len(), 2, "{domains:?}");
    let default = domains.iter().find(|d| d.is_default).unwrap();
    assert_eq!(default.id, "contoso.com");
    assert!(default.is_verified && default.supported_services.iter().any(|s| s == "Email"));
    let initial = domains.iter().find(|d| d.is_initial).unwrap();
    assert_eq!(initial.id, "contoso.onmicrosoft.com");

    let alice = graph
        .user("alice@contoso.com")
        .await
        .unwrap()
        .expect("alice");
    assert_eq!(alice.display_name.as_deref(), Some("Alice Schmidt"));
    assert_eq!(
        alice.user_principal_name.as_deref(),
        Some("alice@contoso.com")
    );
    assert_eq!(alice.user_type.as_deref(), Some("Member"));
    let by_id = graph.user(&alice.id).await.unwrap().expect("by object id");
    assert_eq!(by_id.id, alice.id);
    assert_eq!(graph.user("nobody@contoso.com").await.unwrap(), None);

    // The mailbox check reads the user object (User.Read.All), never mailboxSettings, which
    // the admin's delegated token may not read for another user (graph-facts §1.5).
    for (address, expected) in [
        ("alice@contoso.com", MailboxState::Exists),
        // an alias (secondary SMTP address), found through proxyAddresses
        ("alice@contoso.onmicrosoft.com", MailboxState::Exists),
        ("fax-transfer@contoso.com", MailboxState::Shared),
        ("bob.nomail@contoso.com", MailboxState::NoMailbox),
        ("nobody@contoso.com", MailboxState::NoSuchUser),
    ] {
        assert_eq!(
            graph.mailbox_state(address).await.unwrap(),
            expected,
            "{address}"
        );
    }
    // "There is none" answers are not mistaken for replication lag: one request each.
    let log = emu.requests();
    assert!(
        log.iter()
            .all(|r| !r.path_and_query.contains("mailboxSettings")),
        "no mailboxSettings request"
    );
    assert_eq!(
        logged(&log, "GET", "users")
            .iter()
            .filter(|r| r.path_and_query.contains("nobody%40contoso.com"))
            .count(),
        1,
        "one proxyAddresses look-up for the typo"
    );
    // graph.user() above and the mailbox check: one each.
    assert_eq!(logged(&log, "GET", "users/nobody@contoso.com").len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn directory_reads_without_the_permission_are_refused_with_a_sentence() {
    let emu = emulator(quick_config()).await;
    // Signed in, but the token carries only User.Read.
    let graph = client(&emu, &emu.issue_token("admin@contoso.com", &["User.Read"]));
    let err = graph.domains().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.code(), Some("Authorization_RequestDenied"));
    assert_eq!(
        err.to_string(),
        "Microsoft Graph refused access while listing the domains. Sign in with an administrator account of this tenant."
    );
    let err = graph.user("alice@contoso.com").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.to_string().contains("looking up the user"), "{err}");
    // Without User.Read.All the mailbox check cannot be made: an error, not an answer.
    let err = graph.mailbox_state("alice@contoso.com").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(
        err.to_string().contains("checking the user's mailbox"),
        "{err}"
    );
    // With only User.Read Graph still answers /organization, with the basic properties.
    let org = graph.organization().await.unwrap();
    assert_eq!(org.default_domain(), Some("contoso.com"));
    assert_eq!(org.tenant_type, None);
}

// ---------------------------------------------------------------------------------------------
// Applications and secrets
// ---------------------------------------------------------------------------------------------

fn new_app(name: &str) -> NewApplication {
    NewApplication {
        public_client: Some(RedirectUris::new(["urn:ietf:wg:oauth:2.0:oob"])),
        required_resource_access: vec![RequiredResourceAccess {
            resource_app_id: MICROSOFT_GRAPH_APP_ID.into(),
            resource_access: vec![ResourceAccess {
                id: USER_READ_SCOPE.into(),
                kind: PermissionType::Scope,
            }],
        }],
        notes: Some("made by graph_demo_tenant.rs".into()),
        ..NewApplication::single_tenant(name)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn application_create_read_find_search_update_delete() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let name = unique_name("app");

    let app = graph.create_application(&new_app(&name)).await.unwrap();
    assert_eq!(app.display_name.as_deref(), Some(name.as_str()));
    assert_eq!(app.sign_in_audience.as_deref(), Some("AzureADMyOrg"));
    assert_ne!(app.id, app.app_id);
    assert_eq!(
        app.publisher_domain.as_deref(),
        Some("contoso.onmicrosoft.com")
    );
    assert!(app.password_credentials.is_empty());
    assert_eq!(
        logged(&emu.requests(), "POST", "applications")[0].status,
        201
    );

    let read = graph.get_application(&app.id).await.unwrap();
    assert_eq!(read.app_id, app.app_id);
    assert_eq!(
        read.public_client.as_ref().unwrap().redirect_uris,
        ["urn:ietf:wg:oauth:2.0:oob"]
    );
    assert_eq!(
        read.required_resource_access,
        new_app(&name).required_resource_access
    );
    assert_eq!(read.notes.as_deref(), Some("made by graph_demo_tenant.rs"));

    let found = graph
        .find_application_by_app_id(&app.app_id)
        .await
        .unwrap()
        .expect("found by appId");
    assert_eq!(found.id, app.id);
    assert_eq!(
        graph
            .find_application_by_app_id(UNKNOWN_GUID)
            .await
            .unwrap(),
        None
    );

    let by_name = graph.find_applications_by_name(&name).await.unwrap();
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].id, app.id);
    let dupes = graph
        .find_applications_by_name("Duplicate Name App")
        .await
        .unwrap();
    assert_eq!(dupes.len(), 2, "{dupes:?}");
    assert_ne!(dupes[0].id, dupes[1].id);
    assert!(
        graph
            .find_applications_by_name("Duplicate Name")
            .await
            .unwrap()
            .is_empty(),
        "a name filter is exact, not a prefix"
    );

    let prefixed = graph.search_applications("Duplicate").await.unwrap();
    assert_eq!(prefixed.len(), 2);
    let hr = graph.search_applications("HR Po").await.unwrap();
    assert_eq!(
        hr.iter()
            .filter_map(|a| a.display_name.as_deref())
            .collect::<Vec<_>>(),
        ["HR Portal"]
    );
    let all: BTreeSet<String> = graph
        .search_applications("")
        .await
        .unwrap()
        .into_iter()
        .filter_map(|a| a.display_name)
        .collect();
    for expected in [
        "HR Portal",
        "Legacy Fax Connector",
        "Old ERP Sync",
        "Duplicate Name App",
        name.as_str(),
    ] {
        assert!(all.contains(expected), "{expected} missing from {all:?}");
    }

    let renamed = format!("{name} (renamed)");
    graph
        .update_application(
            &app.id,
            &ApplicationPatch {
                display_name: Some(renamed.clone()),
                is_fallback_public_client: Some(true),
                notes: Some("patched".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let patched = logged(
        &emu.requests(),
        "PATCH",
        &format!("applications/{}", app.id),
    )
    .into_iter()
    .map(|r| (r.status, r.json_body.clone()))
    .collect::<Vec<_>>();
    assert_eq!(
        patched,
        [(
            204,
            Some(
                json!({"displayName": renamed, "isFallbackPublicClient": true, "notes": "patched"})
            )
        )],
        "only the Some fields are sent"
    );
    let after = graph.get_application(&app.id).await.unwrap();
    assert_eq!(after.display_name.as_deref(), Some(renamed.as_str()));
    assert_eq!(after.is_fallback_public_client, Some(true));
    assert_eq!(after.notes.as_deref(), Some("patched"));
    assert_eq!(
        after.public_client, read.public_client,
        "fields left out of the PATCH stay"
    );
    assert!(
        graph
            .find_applications_by_name(&name)
            .await
            .unwrap()
            .is_empty()
    );

    graph.delete_application(&app.id).await.unwrap();
    // A fresh client: this one does not remember creating the app, so a 404 is final at once.
    let fresh = admin(&emu);
    let err = fresh.get_application(&app.id).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.code(), Some("Request_ResourceNotFound"));
    assert_eq!(
        err.to_string(),
        "The app registration was not found while reading the application; it may have been deleted. Refresh and try again."
    );
    assert_eq!(
        fresh.find_application_by_app_id(&app.app_id).await.unwrap(),
        None
    );
    let err = fresh.delete_application(&app.id).await.unwrap_err();
    assert!(err.is_not_found());
    assert!(
        err.to_string().contains("deleting the application"),
        "{err}"
    );
    let err = fresh
        .update_application(&app.id, &ApplicationPatch::default())
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test(flavor = "multi_thread")]
async fn names_with_quotes_ampersands_and_hashes_are_found_exactly() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let name = format!(
        "O'Brien & Söhne #1 + {}",
        &uuid::Uuid::new_v4().to_string()[..8]
    );
    let app = graph.create_application(&new_app(&name)).await.unwrap();
    assert_eq!(app.display_name.as_deref(), Some(name.as_str()));
    let found = graph.find_applications_by_name(&name).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].id, app.id);
    let prefixed = graph
        .search_applications("O'Brien & Söhne #")
        .await
        .unwrap();
    assert_eq!(prefixed.len(), 1);
    assert_eq!(prefixed[0].id, app.id);
    assert!(
        graph
            .find_applications_by_name("O'Brien")
            .await
            .unwrap()
            .is_empty()
    );
}

/// With one item per page every list call has to follow `@odata.nextLink`, with its `$filter`.
#[tokio::test(flavor = "multi_thread")]
async fn every_list_follows_next_links_with_their_filter() {
    let emu = emulator(EmulatorConfig {
        page_size: 1,
        ..quick_config()
    })
    .await;
    let graph = admin(&emu);
    assert_eq!(graph.domains().await.unwrap().len(), 2);
    let dupes = graph
        .find_applications_by_name("Duplicate Name App")
        .await
        .unwrap();
    assert_eq!(dupes.len(), 2);
    assert_eq!(
        graph.search_applications("Duplicate").await.unwrap().len(),
        2
    );
    let app = graph
        .create_application(&new_app(&unique_name("pages")))
        .await
        .unwrap();
    let sp = graph.create_service_principal(&app.app_id).await.unwrap();
    let graph_sp = graph
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();
    for role in ["User.Read.All", "Mail.Send"] {
        graph
            .assign_app_role(&graph_sp.id, &sp.id, graph_role(role))
            .await
            .unwrap();
    }
    assert_eq!(
        graph.list_app_role_assignments(&sp.id).await.unwrap().len(),
        2
    );
    graph
        .create_delegated_grant(&sp.id, &graph_sp.id, &["User.Read".into()])
        .await
        .unwrap();
    let exo_sp = graph
        .find_service_principal_by_app_id(EXCHANGE_APP_ID)
        .await
        .unwrap()
        .unwrap();
    graph
        .create_delegated_grant(&sp.id, &exo_sp.id, &["EWS.AccessAsUser.All".into()])
        .await
        .unwrap();
    // Three tenant-wide grants exist (HR Portal's too); the filter keeps this app's two.
    assert_eq!(graph.list_delegated_grants(&sp.id).await.unwrap().len(), 2);

    let log = emu.requests();
    let pages = logged(&log, "GET", "applications");
    assert!(
        pages
            .iter()
            .filter(|r| r.path_and_query.contains("$skiptoken="))
            .all(|r| r.path_and_query.contains("$filter=") && r.status == 200),
        "the filter travels in the nextLink"
    );
    assert!(pages.len() >= 4, "{} application pages", pages.len());
    assert_eq!(
        logged(&log, "GET", "oauth2PermissionGrants").len(),
        2,
        "two grants, one per page"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn application_requests_graph_refuses_are_validation_errors() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    // A permission GUID Microsoft Graph does not offer.
    let mut bad = new_app(&unique_name("bad permission"));
    bad.required_resource_access[0].resource_access[0].id = UNKNOWN_GUID.into();
    let err = graph.create_application(&bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.code(), Some("Request_BadRequest"));
    assert_eq!(
        err.to_string(),
        "Microsoft Graph did not accept the request while creating the application. The log has Graph's explanation."
    );
    assert!(
        err.detail().contains("requiredResourceAccess"),
        "{}",
        err.detail()
    );
    // An empty display name.
    let err = graph
        .create_application(&NewApplication::single_tenant(" "))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.detail().contains("displayName"), "{}", err.detail());
    assert_eq!(
        logged(&emu.requests(), "POST", "applications").len(),
        2,
        "refused creations are not retried"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn add_and_remove_a_client_secret() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let app = graph
        .create_application(&new_app(&unique_name("secret")))
        .await
        .unwrap();
    let end = Utc::now() + Days::days(180);

    let secret = graph
        .add_password(&app.id, "exowiz integration test", end)
        .await
        .unwrap();
    let text = secret.secret_text.expose_secret().to_string();
    assert!(text.len() >= 16, "secret of {} chars", text.len());
    assert_eq!(secret.hint.as_deref(), Some(&text[..3]));
    assert_eq!(
        secret.display_name.as_deref(),
        Some("exowiz integration test")
    );
    assert_eq!(secret.end.unwrap().timestamp(), end.timestamp());
    assert!(secret.start.unwrap() <= Utc::now());
    assert!(
        !format!("{secret:?}").contains(&text),
        "Debug hides the secret"
    );
    let log = emu.requests();
    let sent = logged(
        &log,
        "POST",
        &format!("applications/{}/addPassword", app.id),
    )[0];
    assert_eq!(sent.status, 200);
    assert_eq!(
        sent.json_body.as_ref().unwrap()["passwordCredential"]["displayName"],
        "exowiz integration test"
    );

    // A later read lists the key without the secret text.
    let listed = graph.get_application(&app.id).await.unwrap();
    let cred = listed
        .password_credentials
        .iter()
        .find(|c| c.key_id == secret.key_id)
        .expect("key listed");
    assert_eq!(cred.hint, secret.hint);
    assert_eq!(cred.display_name, secret.display_name);
    let raw = graph_get(&emu, &format!("applications/{}", app.id)).await;
    assert_eq!(raw["passwordCredentials"][0]["secretText"], Value::Null);
    assert!(!raw.to_string().contains(&text), "secret text in a GET");

    // A secret longer than the tenant allows: the policy sentence.
    let err = graph
        .add_password(&app.id, "too long", Utc::now() + Days::days(800))
        .await
        .unwrap_err();
    assert!(err.is_lifetime_policy(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The tenant's app management policy does not allow a secret that lasts this long. Choose a shorter lifetime."
    );

    graph
        .remove_password(&app.id, &secret.key_id)
        .await
        .unwrap();
    let after = graph.get_application(&app.id).await.unwrap();
    assert!(
        after.password_credentials.is_empty(),
        "{:?}",
        after.password_credentials
    );

    // Unknown keyId (asked by a client that did not create the app, so nothing is retried).
    let fresh = admin(&emu);
    let err = fresh
        .remove_password(&app.id, &secret.key_id)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The app registration or its secret was not found while removing the client secret; it may have been deleted. Refresh and try again."
    );
    // Secrets of an app that does not exist.
    let err = fresh
        .add_password(UNKNOWN_GUID, "x", Utc::now() + Days::days(30))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(
        err.to_string().contains("creating the client secret"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Service principals
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn service_principal_create_find_get_and_list_all_pages() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let name = unique_name("sp");
    let app = graph.create_application(&new_app(&name)).await.unwrap();

    let sp = graph.create_service_principal(&app.app_id).await.unwrap();
    assert_eq!(sp.app_id, app.app_id);
    assert_eq!(sp.display_name.as_deref(), Some(name.as_str()));
    assert_eq!(sp.app_owner_organization_id, Some(emu.tenant_id()));
    assert_ne!(sp.id, app.id);

    // A second create answers 409; the client returns the existing one.
    let again = graph.create_service_principal(&app.app_id).await.unwrap();
    assert_eq!(again.id, sp.id);
    assert_eq!(
        statuses(&logged(&emu.requests(), "POST", "servicePrincipals")),
        [201, 409]
    );

    let found = graph
        .find_service_principal_by_app_id(&app.app_id)
        .await
        .unwrap()
        .expect("found by appId");
    assert_eq!(found.id, sp.id);
    assert_eq!(
        graph
            .find_service_principal_by_app_id(UNKNOWN_GUID)
            .await
            .unwrap(),
        None
    );
    let graph_sp = graph
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .expect("Microsoft Graph SP");
    assert_eq!(graph_sp.display_name.as_deref(), Some("Microsoft Graph"));
    assert_eq!(
        graph_sp.app_role("User.Read.All").map(|r| r.id.as_str()),
        Some(graph_role("User.Read.All"))
    );
    assert_eq!(
        graph_sp.scope("User.Read").map(|s| s.id.as_str()),
        Some(USER_READ_SCOPE)
    );

    let got = graph.get_service_principal(&sp.id).await.unwrap();
    assert_eq!(got.app_id, app.app_id);
    let err = admin(&emu)
        .get_service_principal(UNKNOWN_GUID)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(
        err.to_string()
            .starts_with("The service principal was not found"),
        "{err}"
    );

    emu.clear_requests();
    let all = graph.list_service_principals().await.unwrap();
    assert!(all.len() > 250, "{} service principals", all.len());
    let ids: BTreeSet<&str> = all.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), all.len(), "no service principal twice");
    assert!(ids.contains(sp.id.as_str()) && ids.contains(graph_sp.id.as_str()));
    assert!(all.iter().any(|s| s.app_id == EXCHANGE_APP_ID));
    let log = emu.requests();
    let pages = logged(&log, "GET", "servicePrincipals");
    assert!(pages.len() >= 3, "{} pages", pages.len());
    assert!(
        pages[1..]
            .iter()
            .all(|p| p.path_and_query.contains("$skiptoken=") && p.status == 200),
        "later pages follow @odata.nextLink"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_service_principal_for_an_unknown_app_is_refused() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let err = graph
        .create_service_principal(UNKNOWN_GUID)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.has_code("NoBackingApplicationObject"), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Microsoft Graph has not finished setting up the new app registration yet. Wait a minute and try again."
    );
    assert_eq!(
        logged(&emu.requests(), "POST", "servicePrincipals").len(),
        1,
        "an appId this client did not create is not retried"
    );
}

// ---------------------------------------------------------------------------------------------
// Grants
// ---------------------------------------------------------------------------------------------

/// Who may grant what (Microsoft Entra, "Grant tenant-wide admin consent to an application",
/// prerequisites): Microsoft Graph app roles need a Privileged Role Administrator or Global
/// Administrator; app roles of other APIs such as Exchange Online's full_access_as_app also a
/// Cloud Application Administrator or Application Administrator. The refusal names them.
#[tokio::test(flavor = "multi_thread")]
async fn app_role_refusals_name_the_roles_that_may_grant_them() {
    use demo_tenant::DirectoryRole;
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let app = graph
        .create_application(&new_app(&unique_name("who grants")))
        .await
        .unwrap();
    let sp = graph.create_service_principal(&app.app_id).await.unwrap();
    let graph_sp = graph
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();
    let exo_sp = graph
        .find_service_principal_by_app_id(EXCHANGE_APP_ID)
        .await
        .unwrap()
        .unwrap();
    let mail_send = graph_role("Mail.Send");
    let full_access = oracle_id(EXCHANGE_APP_ID, "full_access_as_app", "Role");
    let scopes = [
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        "DelegatedPermissionGrant.ReadWrite.All",
    ];
    let as_helpdesk =
        |emu: &Emulator| client(emu, &emu.issue_token("helpdesk@contoso.com", &scopes));

    // No admin role: neither, and the Exchange refusal names the application roles too.
    let helpdesk = as_helpdesk(&emu);
    let err = helpdesk
        .assign_app_role_of(&exo_sp, &sp.id, full_access)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let text = err.to_string();
    assert!(text.contains("Cloud Application Administrator"), "{text}");
    assert!(text.contains("Application Administrator"), "{text}");
    assert!(!text.starts_with("Only a Privileged Role"), "{text}");
    let err = helpdesk
        .assign_app_role_of(&graph_sp, &sp.id, mail_send)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Only a Privileged Role Administrator or Global Administrator"),
        "{err}"
    );

    // Application Administrator: Exchange yes, Microsoft Graph no.
    emu.set_directory_role(
        "helpdesk@contoso.com",
        DirectoryRole::ApplicationAdministrator,
    );
    let app_admin = as_helpdesk(&emu);
    app_admin
        .assign_app_role_of(&exo_sp, &sp.id, full_access)
        .await
        .expect("an Application Administrator grants Exchange app roles");
    let err = app_admin
        .assign_app_role_of(&graph_sp, &sp.id, mail_send)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");

    // Privileged Role Administrator: Microsoft Graph app roles yes, app registrations no.
    emu.set_directory_role(
        "helpdesk@contoso.com",
        DirectoryRole::PrivilegedRoleAdministrator,
    );
    let pra = as_helpdesk(&emu);
    pra.assign_app_role_of(&graph_sp, &sp.id, mail_send)
        .await
        .expect("a Privileged Role Administrator grants Graph app roles");
    let err = pra
        .create_application(&new_app(&unique_name("pra")))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn app_role_assignments_assign_list_remove() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let app = graph
        .create_application(&new_app(&unique_name("roles")))
        .await
        .unwrap();
    let sp = graph.create_service_principal(&app.app_id).await.unwrap();
    let graph_sp = graph
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();
    let exo_sp = graph
        .find_service_principal_by_app_id(EXCHANGE_APP_ID)
        .await
        .unwrap()
        .unwrap();
    let user_read_all = graph_role("User.Read.All");
    let full_access = oracle_id(EXCHANGE_APP_ID, "full_access_as_app", "Role");

    assert!(
        graph
            .list_app_role_assignments(&sp.id)
            .await
            .unwrap()
            .is_empty()
    );
    let a1 = graph
        .assign_app_role(&graph_sp.id, &sp.id, user_read_all)
        .await
        .unwrap();
    assert_eq!(a1.app_role_id, user_read_all);
    assert_eq!(a1.principal_id.as_deref(), Some(sp.id.as_str()));
    assert_eq!(a1.resource_id.as_deref(), Some(graph_sp.id.as_str()));
    assert_eq!(a1.principal_type.as_deref(), Some("ServicePrincipal"));
    assert_eq!(a1.resource_display_name.as_deref(), Some("Microsoft Graph"));
    let a2 = graph
        .assign_app_role(&exo_sp.id, &sp.id, full_access)
        .await
        .unwrap();
    let listed: BTreeSet<(String, String)> = graph
        .list_app_role_assignments(&sp.id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.app_role_id))
        .collect();
    assert_eq!(
        listed,
        BTreeSet::from([
            (a1.id.clone(), user_read_all.to_string()),
            (a2.id.clone(), full_access.to_string())
        ])
    );

    // Granting it again: a conflict with its own sentence.
    let err = graph
        .assign_app_role(&graph_sp.id, &sp.id, user_read_all)
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert_eq!(
        err.to_string(),
        "This application permission is already granted to the app."
    );
    // An app role Microsoft Graph does not have.
    let err = graph
        .assign_app_role(&graph_sp.id, &sp.id, UNKNOWN_GUID)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        err.to_string(),
        "Microsoft Graph did not accept the request while granting the application permission. The log has Graph's explanation."
    );
    assert_eq!(
        statuses(&logged(
            &emu.requests(),
            "POST",
            &format!("servicePrincipals/{}/appRoleAssignedTo", graph_sp.id)
        )),
        [201, 409, 400],
        "refusals are not retried"
    );

    graph
        .remove_app_role_assignment(&graph_sp.id, &a1.id)
        .await
        .unwrap();
    let left: Vec<String> = graph
        .list_app_role_assignments(&sp.id)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(left, [a2.id.as_str()]);
    let err = graph
        .remove_app_role_assignment(&graph_sp.id, &a1.id)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert!(
        err.to_string()
            .starts_with("The permission assignment was not found"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn delegated_grants_create_update_list_delete() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let app = graph
        .create_application(&new_app(&unique_name("grants")))
        .await
        .unwrap();
    let sp = graph.create_service_principal(&app.app_id).await.unwrap();
    let graph_sp = graph
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();

    assert!(
        graph
            .list_delegated_grants(&sp.id)
            .await
            .unwrap()
            .is_empty()
    );
    let grant = graph
        .create_delegated_grant(
            &sp.id,
            &graph_sp.id,
            &[
                "User.Read".into(),
                "offline_access".into(),
                "User.Read".into(),
            ],
        )
        .await
        .unwrap();
    assert_eq!(grant.client_id, sp.id);
    assert_eq!(grant.resource_id, graph_sp.id);
    assert_eq!(grant.consent_type.as_deref(), Some("AllPrincipals"));
    assert_eq!(grant.principal_id, None);
    assert_eq!(grant.scopes(), ["User.Read", "offline_access"]);

    let listed = graph.list_delegated_grants(&sp.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, grant.id);
    // Another app's tenant-wide grant (HR Portal has User.Read) is not in this app's list.
    let hr = graph
        .find_service_principal_by_app_id(
            &graph.find_applications_by_name("HR Portal").await.unwrap()[0].app_id,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(graph.list_delegated_grants(&hr.id).await.unwrap().len(), 1);

    graph
        .update_delegated_grant(
            &grant.id,
            &["User.Read".into(), "IMAP.AccessAsUser.All".into()],
        )
        .await
        .unwrap();
    let updated = graph.list_delegated_grants(&sp.id).await.unwrap();
    assert_eq!(updated[0].scopes(), ["User.Read", "IMAP.AccessAsUser.All"]);

    // Scope names the API does not have.
    let err = graph
        .update_delegated_grant(&grant.id, &["No.Such.Scope".into()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(
        err.to_string()
            .contains("updating the delegated permissions"),
        "{err}"
    );
    assert!(err.detail().contains("scope"), "{}", err.detail());
    let other = graph
        .create_application(&new_app(&unique_name("grants 2")))
        .await
        .unwrap();
    let other_sp = graph.create_service_principal(&other.app_id).await.unwrap();
    let err = graph
        .create_delegated_grant(&other_sp.id, &graph_sp.id, &["No.Such.Scope".into()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(
        err.to_string(),
        "Microsoft Graph did not accept the request while granting the delegated permissions. The log has Graph's explanation."
    );
    assert!(
        graph
            .list_delegated_grants(&other_sp.id)
            .await
            .unwrap()
            .is_empty()
    );
    // A second tenant-wide grant for the same API: conflict.
    let err = graph
        .create_delegated_grant(&sp.id, &graph_sp.id, &["User.Read".into()])
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("The app already has a delegated permission grant")
    );

    graph.delete_delegated_grant(&grant.id).await.unwrap();
    assert!(
        graph
            .list_delegated_grants(&sp.id)
            .await
            .unwrap()
            .is_empty()
    );
    let err = graph.delete_delegated_grant(&grant.id).await.unwrap_err();
    assert!(err.is_not_found());
    assert!(
        err.to_string()
            .contains("removing the delegated permissions"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Who may do what
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn roles_and_tokens_decide_access() {
    let emu = emulator(quick_config()).await;

    // Helpdesk has the scope but no administrator role.
    let helpdesk = client(
        &emu,
        &emu.issue_token("helpdesk@contoso.com", &["Application.ReadWrite.All"]),
    );
    let err = helpdesk
        .create_application(&new_app(&unique_name("helpdesk")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert_eq!(err.status(), Some(403));
    assert_eq!(err.code(), Some("Authorization_RequestDenied"));
    assert_eq!(
        err.to_string(),
        "Your account may not create or change app registrations. Sign in as a Global Administrator, Application Administrator or Cloud Application Administrator."
    );
    assert!(
        err.detail()
            .contains("Insufficient privileges to complete the operation."),
        "{}",
        err.detail()
    );
    // The ids support needs are kept for the log.
    let request_id = err.request_id().expect("Graph's request-id");
    let client_request_id = err.client_request_id().expect("the id exowiz sent");
    assert!(uuid::Uuid::parse_str(request_id).is_ok(), "{request_id}");
    assert!(
        err.detail()
            .contains(&format!("client-request-id {client_request_id}")),
        "{}",
        err.detail()
    );

    // A Cloud Application Administrator may create apps and grant Exchange permissions, but
    // not Microsoft Graph application permissions.
    let appadmin = client(
        &emu,
        &emu.issue_token(
            "appadmin@contoso.com",
            &[
                "Application.ReadWrite.All",
                "AppRoleAssignment.ReadWrite.All",
            ],
        ),
    );
    let app = appadmin
        .create_application(&new_app(&unique_name("appadmin")))
        .await
        .unwrap();
    let sp = appadmin
        .create_service_principal(&app.app_id)
        .await
        .unwrap();
    let exo_sp = appadmin
        .find_service_principal_by_app_id(EXCHANGE_APP_ID)
        .await
        .unwrap()
        .unwrap();
    appadmin
        .assign_app_role(
            &exo_sp.id,
            &sp.id,
            oracle_id(EXCHANGE_APP_ID, "full_access_as_app", "Role"),
        )
        .await
        .unwrap();
    let graph_sp = appadmin
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();
    let err = appadmin
        .assign_app_role(&graph_sp.id, &sp.id, graph_role("User.Read.All"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(
        err.to_string().starts_with(
            "Only a Privileged Role Administrator or Global Administrator can grant Microsoft Graph application permissions."
        ),
        "{err}"
    );

    // A token the demo tenant did not issue.
    let garbage = client(&emu, "garbage-token");
    let err = garbage.organization().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.code(), Some("InvalidAuthenticationToken"));
    assert_eq!(
        err.to_string(),
        "The sign-in has expired or was not accepted by Microsoft Graph. Sign in again."
    );
    let log = emu.requests();
    let org_calls = logged(&log, "GET", "organization");
    assert_eq!(statuses(&org_calls), [401], "a 401 is not retried");
}

// ---------------------------------------------------------------------------------------------
// Throttling and replication lag
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread")]
async fn throttled_requests_wait_for_retry_after_then_succeed() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    emu.throttle_next(1, 429, Some(1));
    let started = Instant::now();
    let org = graph.organization().await.unwrap();
    let waited = started.elapsed();
    assert_eq!(org.id, emu.tenant_id());
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was honoured (waited {waited:?})"
    );
    assert_eq!(
        statuses(&logged(&emu.requests(), "GET", "organization")),
        [429, 200]
    );

    // Throttled on every try: the client gives up after `throttle_attempts` answers.
    emu.clear_requests();
    let policy = RetryPolicy::fast();
    emu.throttle_next(policy.throttle_attempts as usize, 429, None);
    let err = graph.domains().await.unwrap_err();
    assert!(err.is_throttled(), "{err:?}");
    assert_eq!(err.status(), Some(429));
    assert_eq!(
        err.to_string(),
        "Microsoft Graph is throttling requests. Wait a few minutes and try again."
    );
    assert_eq!(
        statuses(&logged(&emu.requests(), "GET", "domains")),
        vec![429; policy.throttle_attempts as usize]
    );
    // 503 is retried the same way.
    emu.throttle_next(2, 503, None);
    assert_eq!(graph.domains().await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn replication_lag_is_retried_until_the_objects_appear() {
    let emu = emulator(EmulatorConfig {
        replication_lag: Duration::from_millis(500),
        ..quick_config()
    })
    .await;
    let graph = admin(&emu);
    let graph_sp = graph
        .find_service_principal_by_app_id(MICROSOFT_GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();
    let app = graph
        .create_application(&new_app(&unique_name("lag")))
        .await
        .unwrap();
    let (sp, secret) = tokio::join!(
        graph.create_service_principal(&app.app_id),
        graph.add_password(&app.id, "lag", Utc::now() + Days::days(30))
    );
    let sp = sp.unwrap();
    secret.unwrap();
    let role = graph_role("User.Read.All");
    let assignment = graph
        .assign_app_role(&graph_sp.id, &sp.id, role)
        .await
        .unwrap();
    assert_eq!(assignment.app_role_id, role);
    let listed = graph.list_app_role_assignments(&sp.id).await.unwrap();
    assert_eq!(listed.len(), 1);

    let log = emu.requests();
    let first_then_success = |records: Vec<&RequestRecord>, first: u16, ok: u16, what: &str| {
        let s = statuses(&records);
        assert!(
            s.len() >= 2 && s[0] == first && s.last() == Some(&ok),
            "{what}: {s:?}"
        );
        assert!(
            s[..s.len() - 1].iter().all(|x| *x == first),
            "{what}: {s:?}"
        );
    };
    first_then_success(
        logged(&log, "POST", "servicePrincipals"),
        400,
        201,
        "POST /servicePrincipals",
    );
    first_then_success(
        logged(
            &log,
            "POST",
            &format!("applications/{}/addPassword", app.id),
        ),
        404,
        200,
        "addPassword",
    );
    first_then_success(
        logged(
            &log,
            "POST",
            &format!("servicePrincipals/{}/appRoleAssignedTo", graph_sp.id),
        ),
        400,
        201,
        "appRoleAssignedTo",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn replication_lag_longer_than_the_window_ends_in_a_sentence() {
    let emu = emulator(EmulatorConfig {
        replication_lag: Duration::from_secs(30),
        ..quick_config()
    })
    .await;
    let graph = admin(&emu).with_retry(RetryPolicy {
        replication_window: Duration::from_millis(300),
        ..RetryPolicy::fast()
    });
    let app = graph
        .create_application(&new_app(&unique_name("slow")))
        .await
        .unwrap();
    // The lag (30 s) outlasts the window (300 ms): the answer comes from giving up, which the
    // error below shows; a wait for the lag would have ended in success instead.
    let err = graph
        .create_service_principal(&app.app_id)
        .await
        .unwrap_err();
    assert!(err.has_code("NoBackingApplicationObject"), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Microsoft Graph has not finished setting up the new app registration yet. Wait a minute and try again."
    );
    let tries = logged(&emu.requests(), "POST", "servicePrincipals").len();
    assert!(tries >= 3, "retried within the window: {tries} tries");
}

// ---------------------------------------------------------------------------------------------
// What `exowiz register` sends
// ---------------------------------------------------------------------------------------------

/// The schema definition for a logged Graph request body and the part of the body it covers.
fn schema_for(record: &RequestRecord, body: &Value) -> (&'static str, Value) {
    let path = record.path_and_query.split('?').next().unwrap();
    let segs: Vec<&str> = path
        .trim_start_matches("/v1.0/")
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    match (record.method.as_str(), segs.as_slice()) {
        ("POST", ["applications"]) | ("PATCH", ["applications", _]) => {
            ("application", body.clone())
        }
        // The upserts: PATCH by alternate key with Prefer: create-if-missing.
        ("PATCH", [key]) if key.starts_with("applications(") => ("application", body.clone()),
        ("PATCH", [key]) if key.starts_with("servicePrincipals(") => {
            ("servicePrincipal", body.clone())
        }
        ("POST", ["applications", _, "addPassword"]) => {
            let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["passwordCredential"], "addPassword body {body}");
            ("passwordCredential", body["passwordCredential"].clone())
        }
        ("POST", ["applications", _, "removePassword"]) => ("passwordCredential", body.clone()),
        ("POST", ["servicePrincipals"]) => ("servicePrincipal", body.clone()),
        (
            "POST",
            [
                "servicePrincipals",
                _,
                "appRoleAssignedTo" | "appRoleAssignments",
            ],
        ) => ("appRoleAssignment", body.clone()),
        ("POST", ["oauth2PermissionGrants"]) | ("PATCH", ["oauth2PermissionGrants", _]) => {
            ("oAuth2PermissionGrant", body.clone())
        }
        _ => panic!(
            "no schema mapping for {} {} with body {body}",
            record.method, record.path_and_query
        ),
    }
}

/// Validates every Graph request body in `log`; returns "METHOD def" for each one checked.
fn check_bodies(log: &[RequestRecord]) -> Vec<String> {
    let mut checked = Vec::new();
    for r in log
        .iter()
        .filter(|r| r.path_and_query.starts_with("/v1.0/"))
    {
        let Some(body) = &r.json_body else {
            assert!(
                matches!(r.method.as_str(), "GET" | "DELETE"),
                "{} {} sent no JSON body",
                r.method,
                r.path_and_query
            );
            continue;
        };
        let (def, instance) = schema_for(r, body);
        let errors = graph_schema_errors(def, &instance);
        assert!(
            errors.is_empty(),
            "{} {}: not a valid {def}: {errors:?}\n{instance:#}",
            r.method,
            r.path_and_query
        );
        checked.push(format!("{} {def}", r.method));
    }
    checked
}

#[tokio::test(flavor = "multi_thread")]
async fn every_body_exowiz_register_sends_matches_the_graph_schema() {
    // The checker is strict: a property Graph does not know fails it.
    assert!(
        !graph_schema_errors("servicePrincipal", &json!({"appId": "x", "secret": 1})).is_empty()
    );
    assert!(
        !graph_schema_errors(
            "passwordCredential",
            &json!({"endDateTime": "2027-01-01T00:00:00.123456789Z"})
        )
        .is_empty()
    );

    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let args = [
        "register",
        "--profile",
        "officemaster",
        "--mailbox",
        "fax-transfer@contoso.com",
        "--grant-consent",
        "--json",
    ];
    let first = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first_json = stdout_json(&first);
    let mut checked = check_bodies(&emu.requests());

    // Take some of it back, so that a second run has to PATCH the app and the grant.
    let graph = admin(&emu);
    let app = graph
        .find_application_by_app_id(first_json["client_id"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    graph
        .update_application(
            &app.id,
            &ApplicationPatch {
                required_resource_access: Some(Vec::new()),
                public_client: Some(RedirectUris::default()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let sp_id = first_json["service_principal_id"].as_str().unwrap();
    let grant = &graph.list_delegated_grants(sp_id).await.unwrap()[0];
    graph
        .update_delegated_grant(&grant.id, &["offline_access".into()])
        .await
        .unwrap();
    emu.clear_requests();

    let second = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert_eq!(stdout_json(&second)["client_id"], first_json["client_id"]);
    checked.extend(check_bodies(&emu.requests()));

    let kinds: BTreeSet<&str> = checked.iter().map(String::as_str).collect();
    for wanted in [
        // Creation is the upsert (a PATCH by uniqueName / appId), not a POST.
        "PATCH application",
        "POST passwordCredential",
        "PATCH servicePrincipal",
        "POST appRoleAssignment",
        "POST oAuth2PermissionGrant",
        "PATCH oAuth2PermissionGrant",
    ] {
        assert!(kinds.contains(wanted), "no {wanted} body seen: {checked:?}");
    }
    // officemaster: 3 application permissions, 1 delegated grant, 2 secrets over both runs.
    assert_eq!(
        checked
            .iter()
            .filter(|c| *c == "POST appRoleAssignment")
            .count(),
        3
    );
    assert_eq!(
        checked
            .iter()
            .filter(|c| *c == "POST passwordCredential")
            .count(),
        2
    );
}
