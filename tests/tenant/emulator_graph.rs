//! Graph v1.0 side of the emulator: every endpoint's success and main error paths.

use crate::support::emulator_api;

use std::time::Duration;

use emulator_api::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn authentication_is_required_and_checked() {
    let emu = start_with(|c| c.token_lifetime = Duration::ZERO).await;
    let (s, h, v) = call(&emu, Method::GET, "applications", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&v), "InvalidAuthenticationToken");
    assert_eq!(v["error"]["message"], "Access token is empty.");
    assert!(v["error"]["innerError"]["request-id"].is_string());
    assert!(v["error"]["innerError"]["date"].is_string());
    assert!(h.get("www-authenticate").is_some());

    let (s, v) = get(&emu, "applications", "garbage").await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&v), "InvalidAuthenticationToken");

    // issued with a zero lifetime: expired at once
    let expired = emu.issue_token(ADMIN, ADMIN_SCOPES);
    let (s, v) = get(&emu, "applications", &expired).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(v["error"]["message"].as_str().unwrap().contains("expired"));
    emu.shutdown().await;

    let emu = start().await;
    let token = admin_token(&emu);
    // tampered signature
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    let (s, _) = get(&emu, "applications", &forged).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // a token of another emulator process is not accepted
    let other = start().await;
    let (s, _) = get(&emu, "applications", &admin_token(&other)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    other.shutdown().await;
    // an Exchange token is not a Graph token
    let exo = emu.issue_token(
        ADMIN,
        &["https://outlook.office365.com/EWS.AccessAsUser.All"],
    );
    let (s, v) = get(&emu, "me", &exo).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(v["error"]["message"].as_str().unwrap().contains("audience"));
    // valid
    let (s, _) = get(&emu, "applications", &token).await;
    assert_eq!(s, StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn organization_domains_users_me() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let (s, v) = get(&emu, "organization", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["@odata.context"],
        format!("{}v1.0/$metadata#organization", emu.base_url())
    );
    let org = &v["value"][0];
    assert_eq!(org["id"], emu.tenant_id());
    assert_eq!(org["displayName"], "Contoso Ltd");
    assert!(org["onPremisesSyncEnabled"].is_null());
    assert_eq!(org["tenantType"], "AAD");
    let domains: Vec<&str> = org["verifiedDomains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(domains, ["contoso.onmicrosoft.com", "contoso.com"]);

    // with User.Read only: just id, displayName, verifiedDomains
    let basic = emu.issue_token("helpdesk@contoso.com", &["User.Read"]);
    let (s, v) = get(&emu, "organization", &basic).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["value"][0].get("tenantType").is_none());
    assert!(v["value"][0]["verifiedDomains"].is_array());

    let (s, v) = get(&emu, "domains", &admin).await;
    assert_eq!(s, StatusCode::OK);
    let d: Vec<(&str, bool, bool)> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap(),
                d["isDefault"].as_bool().unwrap(),
                d["isInitial"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        d,
        [
            ("contoso.onmicrosoft.com", false, true),
            ("contoso.com", true, false)
        ]
    );
    assert_eq!(v["value"][0]["authenticationType"], "Managed");
    let (s, v) = get(&emu, "domains", &basic).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&v), "Authorization_RequestDenied");

    let (s, v) = get(&emu, "users", &admin).await;
    assert_eq!(s, StatusCode::OK);
    let upns: Vec<&str> = v["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["userPrincipalName"].as_str().unwrap())
        .collect();
    for u in [
        "admin@contoso.com",
        "appadmin@contoso.com",
        "helpdesk@contoso.com",
        "fax-transfer@contoso.com",
        "alice@contoso.com",
        "bob.nomail@contoso.com",
        "mfa@contoso.com",
        "blocked@contoso.com",
    ] {
        assert!(upns.contains(&u), "{u}");
    }
    assert!(
        v["value"][0].get("accountEnabled").is_none(),
        "default property set only"
    );
    let (_, v) = get(&emu, "users?$select=userPrincipalName,accountEnabled&$filter=startswith(userPrincipalName,'fax')", &admin).await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    assert_eq!(v["value"][0]["accountEnabled"], false);
    assert!(v["value"][0]["id"].is_string());
    assert!(v["value"][0].get("displayName").is_none());

    let (s, v) = get(&emu, "users/alice@contoso.com", &admin).await;
    assert_eq!(s, StatusCode::OK);
    let alice_id = v["id"].as_str().unwrap().to_string();
    assert_eq!(v["mail"], "alice@contoso.com");
    let (s, v) = get(&emu, &format!("users/{alice_id}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        v["@odata.context"],
        format!("{}v1.0/$metadata#users/$entity", emu.base_url())
    );
    let (s, v) = get(&emu, "users/nobody@contoso.com", &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "Request_ResourceNotFound");
    let (s, v) = get(&emu, "users?$select=nonsense", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    let (s, v) = get(&emu, "me", &basic).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["userPrincipalName"], "helpdesk@contoso.com");
    // other users need User.Read.All / Directory.Read.All
    let (s, _) = get(&emu, "users/alice@contoso.com", &basic).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    emu.shutdown().await;
}

#[tokio::test]
async fn mailbox_settings_for_shared_unlicensed_and_app_tokens() {
    let emu = start().await;
    let admin = emu.issue_token(ADMIN, &["User.Read.All", "MailboxSettings.Read"]);
    // Microsoft Graph v1.0 "Get user mailbox settings": only MailboxSettings.Read/.ReadWrite,
    // and a delegated token reads the signed-in user's own mailbox; another user's mailbox is
    // refused by Exchange (403 ErrorAccessDenied) whether it exists or not.
    for other in [
        "users/fax-transfer@contoso.com/mailboxSettings",
        "users/bob.nomail@contoso.com/mailboxSettings",
        "users/ghost@contoso.com/mailboxSettings",
    ] {
        let (s, v) = get(&emu, other, &admin).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{other}: {v}");
        assert_eq!(error_code(&v), "ErrorAccessDenied");
    }
    let user_read_all = emu.issue_token(ADMIN, &["User.Read.All", "Directory.Read.All"]);
    let (s, v) = get(&emu, "me/mailboxSettings", &user_read_all).await;
    assert_eq!(
        s,
        StatusCode::FORBIDDEN,
        "User.Read.All does not open it: {v}"
    );
    assert_eq!(error_code(&v), "ErrorAccessDenied");
    let (s, _) = get(&emu, "users/admin@contoso.com/mailboxSettings", &admin).await;
    assert_eq!(s, StatusCode::OK, "the admin's own mailbox");

    // App-only with MailboxSettings.Read answers for every mailbox.
    let token = admin_token(&emu);
    let graph = resource_sp(&emu, &token, GRAPH_APP_ID).await;
    let reader = create_app(
        &emu,
        &token,
        json!({"displayName": "Settings reader", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let (_, reader_secret) = add_secret(&emu, &token, reader["id"].as_str().unwrap()).await;
    let reader_sp = create_sp(&emu, &token, reader["appId"].as_str().unwrap()).await;
    let (s, _) = post(
        &emu,
        &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &token,
        json!({"principalId": reader_sp["id"], "resourceId": graph["id"], "appRoleId": role_id(&graph, "MailboxSettings.Read")}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, t) = client_credentials(
        &emu,
        reader["appId"].as_str().unwrap(),
        &reader_secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    let admin = t["access_token"].as_str().unwrap().to_string();
    let (s, v) = get(
        &emu,
        "users/fax-transfer@contoso.com/mailboxSettings",
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["userPurpose"], "shared");
    assert!(
        v["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/mailboxSettings")
    );
    assert!(v["timeZone"].is_string());
    let (s, v) = get(&emu, "users/bob.nomail@contoso.com/mailboxSettings", &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "MailboxNotEnabledForRESTAPI");
    assert_eq!(
        v["error"]["message"],
        "The mailbox is either inactive, soft-deleted, or is hosted on-premise."
    );
    let (s, v) = get(&emu, "users/ghost@contoso.com/mailboxSettings", &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "ErrorInvalidUser");
    let none = emu.issue_token(ADMIN, &["User.Read"]);
    let (s, v) = get(&emu, "users/alice@contoso.com/mailboxSettings", &none).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&v), "ErrorAccessDenied");

    // app-only: Mail.Send and User.Read.All do not open mailbox settings
    let app = create_app(
        &emu,
        &token,
        json!({"displayName": "Mail reader", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let (_, secret) = add_secret(&emu, &token, app["id"].as_str().unwrap()).await;
    let sp = create_sp(&emu, &token, app["appId"].as_str().unwrap()).await;
    let app_id = app["appId"].as_str().unwrap();
    let (_, t) = client_credentials(
        &emu,
        app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    let app_token = t["access_token"].as_str().unwrap().to_string();
    let (s, _) = get(&emu, "users/alice@contoso.com/mailboxSettings", &app_token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = get(&emu, "users/alice@contoso.com", &app_token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = get(&emu, "me", &app_token).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "BadRequest");
    for role in ["Mail.Send", "User.Read.All"] {
        let (s, _) = post(
            &emu,
            &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
            &token,
            json!({"principalId": sp["id"], "resourceId": graph["id"], "appRoleId": role_id(&graph, role)}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED);
    }
    let (_, t) = client_credentials(
        &emu,
        app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    let app_token = t["access_token"].as_str().unwrap().to_string();
    let (s, _) = get(&emu, "users/alice@contoso.com/mailboxSettings", &app_token).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = get(&emu, "users/alice@contoso.com", &app_token).await;
    assert_eq!(s, StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn applications_create_read_update_delete() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let (s, h, v) = call(
        &emu,
        Method::POST,
        "applications",
        Some(&admin),
        Some(&json!({"displayName": "Minimal"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(h.get("location").is_some());
    assert_eq!(
        v["@odata.context"],
        format!("{}v1.0/$metadata#applications/$entity", emu.base_url())
    );
    assert_eq!(v["signInAudience"], "AzureADandPersonalMicrosoftAccount");
    assert_eq!(v["api"]["requestedAccessTokenVersion"], 2);
    assert_eq!(v["passwordCredentials"], json!([]));
    assert_eq!(v["publisherDomain"], "contoso.onmicrosoft.com");
    let id = v["id"].as_str().unwrap().to_string();
    let app_id = v["appId"].as_str().unwrap().to_string();
    assert_ne!(id, app_id);

    // errors on create
    let (s, v) = post(
        &emu,
        "applications",
        &admin,
        json!({"signInAudience": "AzureADMyOrg"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "Request_BadRequest");
    let (s, v) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "fooBar": 1}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["message"], "Invalid property 'fooBar'.");
    let (s, v) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "web": {"redirectUri": []}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"]["message"], "Invalid property 'web.redirectUri'.");
    let (s, _) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "passwordCredentials": [{"displayName": "s"}]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "appId": "00000000-0000-0000-0000-000000000001"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "signInAudience": "Everyone"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "isFallbackPublicClient": "yes"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = post(&emu, "applications", &admin, json!({"displayName": "x", "requiredResourceAccess": [{"resourceAppId": "12345678-1234-1234-1234-123456789012", "resourceAccess": []}]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"]["details"].is_array());
    // Mail.Send's Role id used as a Scope, and an unknown role
    for ra in [
        json!({"id": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "type": "Scope"}),
        json!({"id": "11111111-1111-1111-1111-111111111111", "type": "Role"}),
        json!({"id": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "type": "Application"}),
    ] {
        let (s, _) = post(&emu, "applications", &admin, json!({"displayName": "x", "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [ra]}]})).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }
    let (s, v) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "x", "identifierUris": ["https://fabrikam.com/api"]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "HostNameNotOnVerifiedDomain");
    let (s, v) = post(&emu, "applications", &admin, Value::Null).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // a full connector registration
    let full = create_app(
        &emu,
        &admin,
        json!({
            "displayName": "Fax connector (exowiz)",
            "signInAudience": "AzureADMyOrg",
            "isFallbackPublicClient": true,
            "publicClient": {"redirectUris": ["http://localhost"]},
            "web": {"redirectUris": ["https://fax.contoso.com/auth"]},
            "identifierUris": ["api://fax-connector"],
            "requiredResourceAccess": [
                {"resourceAppId": EXCHANGE_APP_ID, "resourceAccess": [{"id": "5e5addcd-3e8d-4e90-baf5-964efab2b20a", "type": "Role"}, {"id": "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5", "type": "Scope"}]},
                {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": "e1fe6dd8-ba31-4d61-89e7-88639da4683d", "type": "Scope"}]}
            ]
        }),
    )
    .await;
    assert_eq!(
        full["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
        false
    );
    assert!(full["api"]["requestedAccessTokenVersion"].is_null());
    let (s, _) = post(
        &emu,
        "applications",
        &admin,
        json!({"displayName": "dup uri", "identifierUris": ["api://fax-connector"]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // read
    let (s, v) = get(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["displayName"], "Minimal");
    let (s, v) = get(&emu, &format!("applications(appId='{app_id}')"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["id"], id.as_str());
    let (s, v) = get(
        &emu,
        &format!("applications(appId='{app_id}')?$select=displayName,appId"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_object().unwrap().len(), 4, "{v}");
    assert!(
        v["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#applications(displayName,appId)/$entity")
    );
    let (s, v) = get(&emu, "applications/not-a-guid", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "Request_BadRequest");
    let (s, v) = get(
        &emu,
        "applications/11111111-2222-3333-4444-555555555555",
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "Request_ResourceNotFound");
    assert_eq!(
        v["error"]["message"],
        "Resource '11111111-2222-3333-4444-555555555555' does not exist or one of its queried reference-property objects are not present."
    );

    // update
    let (s, v) = patch(&emu, &format!("applications/{id}"), &admin, json!({"displayName": "Renamed", "signInAudience": "AzureADMyOrg", "web": {"redirectUris": ["https://renamed.contoso.com/cb"]}})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    assert!(v.is_null());
    let (_, v) = get(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(v["displayName"], "Renamed");
    assert_eq!(v["signInAudience"], "AzureADMyOrg");
    assert_eq!(
        v["web"]["redirectUris"],
        json!(["https://renamed.contoso.com/cb"])
    );
    assert_eq!(
        v["web"]["implicitGrantSettings"]["enableAccessTokenIssuance"],
        false
    );
    let (s, _) = patch(
        &emu,
        &format!("applications/{id}"),
        &admin,
        json!({"bogus": true}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = patch(&emu, &format!("applications/{id}"), &admin, json!({"requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": "00000000-0000-0000-0000-000000000000", "type": "Scope"}]}]})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // an app with token version null cannot become an MSA app
    let (s, v) = patch(
        &emu,
        &format!("applications/{id}"),
        &admin,
        json!({"api": {"requestedAccessTokenVersion": null}}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (s, v) = patch(
        &emu,
        &format!("applications/{id}"),
        &admin,
        json!({"signInAudience": "AzureADandPersonalMicrosoftAccount"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        v["error"]["message"],
        "Property api.requestedAccessTokenVersion is invalid."
    );

    // list, filter
    let (_, v) = get(
        &emu,
        &format!("applications?$filter=appId eq '{app_id}'"),
        &admin,
    )
    .await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    let (_, v) = get(
        &emu,
        "applications?$filter=displayName%20eq%20%27Duplicate%20Name%20App%27",
        &admin,
    )
    .await;
    assert_eq!(
        v["value"].as_array().unwrap().len(),
        2,
        "display names are not unique"
    );
    let (_, v) = get(
        &emu,
        "applications?$filter=startswith(displayName,'fax')",
        &admin,
    )
    .await;
    assert_eq!(v["value"][0]["displayName"], "Fax connector (exowiz)");
    // paging keeps the filter
    let (_, v) = get(
        &emu,
        "applications?$filter=startswith(displayName, 'Duplicate')&$top=1",
        &admin,
    )
    .await;
    let next = v["@odata.nextLink"].as_str().unwrap();
    assert!(
        next.contains("$filter=startswith%28displayName%2C%20%27Duplicate%27%29"),
        "{next}"
    );
    let prefix = format!("{}v1.0/", emu.base_url());
    let (_, v2) = get(&emu, &next[prefix.len()..], &admin).await;
    assert_eq!(v2["value"].as_array().unwrap().len(), 1);
    assert_ne!(v2["value"][0]["id"], v["value"][0]["id"]);
    assert!(v2.get("@odata.nextLink").is_none());
    let (_, v) = get(
        &emu,
        "applications?$filter=identifierUris/any(x:x eq 'api://fax-connector')",
        &admin,
    )
    .await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    let (s, v) = get(&emu, "applications?$filter=notes eq 'x'", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "Request_UnsupportedQuery");
    let (s, _) = get(&emu, "applications?$filter=displayName ne 'x'", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = get(&emu, "applications?$filter=displayName eq", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, v) = get(&emu, "applications?$top=2", &admin).await;
    assert_eq!(v["value"].as_array().unwrap().len(), 2);
    let next = v["@odata.nextLink"].as_str().unwrap();
    assert!(next.contains("?$top=2&$skiptoken="), "{next}");
    let (s, _) = get(&emu, "applications?$top=1000", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // delete cascades to the service principal
    let sp = create_sp(&emu, &admin, &app_id).await;
    let (s, _) = delete(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = get(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = get(
        &emu,
        &format!("servicePrincipals/{}", sp["id"].as_str().unwrap()),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = delete(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, v) = call(
        &emu,
        Method::PUT,
        &format!("applications/{}", full["id"].as_str().unwrap()),
        Some(&admin),
        Some(&json!({})),
    )
    .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED, "{v}");
    let (s, v) = get(&emu, "nonsense", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "BadRequest");
    emu.shutdown().await;
}

#[tokio::test]
async fn passwords_are_added_hidden_and_removed() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Secrets", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let id = app["id"].as_str().unwrap();
    let (s, v) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"displayName": "exowiz"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        v["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#microsoft.graph.passwordCredential")
    );
    let secret = v["secretText"].as_str().unwrap();
    assert_eq!(secret.len(), 40);
    assert_eq!(&secret[4..6], "Q~");
    assert_eq!(v["hint"], &secret[..3]);
    assert_eq!(v["displayName"], "exowiz");
    let start = chrono::DateTime::parse_from_rfc3339(v["startDateTime"].as_str().unwrap()).unwrap();
    let end = chrono::DateTime::parse_from_rfc3339(v["endDateTime"].as_str().unwrap()).unwrap();
    let days = (end - start).num_days();
    assert!(
        (729..=731).contains(&days),
        "default lifetime 2 years, got {days} days"
    );
    let key_id = v["keyId"].as_str().unwrap().to_string();

    let (_, app) = get(&emu, &format!("applications/{id}"), &admin).await;
    let creds = app["passwordCredentials"].as_array().unwrap();
    assert_eq!(creds.len(), 1);
    assert!(creds[0]["secretText"].is_null());
    assert_eq!(creds[0]["hint"], &secret[..3]);
    assert!(!app.to_string().contains(secret));
    assert!(!emu.snapshot().to_string().contains(secret));

    // `{}` and an empty body use the defaults
    let (s, _) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = call(
        &emu,
        Method::POST,
        &format!(
            "applications(appId='{}')/addPassword",
            app["appId"].as_str().unwrap()
        ),
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // too long
    let end = (chrono::Utc::now() + chrono::Duration::days(365 * 3)).to_rfc3339();
    let (s, v) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"endDateTime": end}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "CredentialInvalidLifetimeAsPerAppPolicy");
    assert_eq!(v["error"]["details"][0]["code"], "InvalidKeyEndDate");
    assert_eq!(v["error"]["details"][0]["target"], "EndDate");
    let (s, _) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"secretText": "mine"}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, _) = post(
        &emu,
        &format!("applications/{id}/removePassword"),
        &admin,
        json!({"keyId": key_id}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = post(
        &emu,
        &format!("applications/{id}/removePassword"),
        &admin,
        json!({"keyId": key_id}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = post(
        &emu,
        &format!("applications/{id}/removePassword"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, app) = get(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(app["passwordCredentials"].as_array().unwrap().len(), 2);

    // the seeded apps: one secret expiring soon, one expired
    let (_, v) = get(
        &emu,
        "applications?$filter=displayName eq 'Legacy Fax Connector'",
        &admin,
    )
    .await;
    let end = chrono::DateTime::parse_from_rfc3339(
        v["value"][0]["passwordCredentials"][0]["endDateTime"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let left = (end.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_days();
    assert!((8..=10).contains(&left), "{left}");
    let (_, v) = get(
        &emu,
        "applications?$filter=displayName eq 'Old ERP Sync'",
        &admin,
    )
    .await;
    let end = chrono::DateTime::parse_from_rfc3339(
        v["value"][0]["passwordCredentials"][0]["endDateTime"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert!(end.with_timezone(&chrono::Utc) < chrono::Utc::now());
    emu.shutdown().await;
}

#[tokio::test]
async fn service_principals_create_conflict_page_filter() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "SP test", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap();
    let (s, v) = get(
        &emu,
        &format!("servicePrincipals(appId='{app_id}')"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "Request_ResourceNotFound");
    let (s, h, sp) = call(
        &emu,
        Method::POST,
        "servicePrincipals",
        Some(&admin),
        Some(&json!({"appId": app_id, "accountEnabled": true})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    assert!(h.get("location").is_some());
    assert_eq!(sp["appId"], app_id);
    assert_eq!(sp["displayName"], "SP test");
    assert_eq!(sp["appOwnerOrganizationId"], emu.tenant_id());
    assert_eq!(sp["servicePrincipalType"], "Application");
    let (s, v) = post(&emu, "servicePrincipals", &admin, json!({"appId": app_id})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(error_code(&v), "Request_MultipleObjectsWithSameKeyValue");
    let (s, v) = post(
        &emu,
        "servicePrincipals",
        &admin,
        json!({"appId": "99999999-8888-7777-6666-555555555555"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        v["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );
    let (s, _) = post(&emu, "servicePrincipals", &admin, json!({})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        &emu,
        "servicePrincipals",
        &admin,
        json!({"appId": app_id, "bogus": 1}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // paging: ~260 service principals, default page size 100
    let mut path = "servicePrincipals?$select=id,appId,displayName".to_string();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (s, v) = get(&emu, &path, &admin).await;
        assert_eq!(s, StatusCode::OK);
        pages += 1;
        let items = v["value"].as_array().unwrap();
        assert!(items.len() <= 100);
        for i in items {
            assert_eq!(i.as_object().unwrap().len(), 3);
            seen.push(i["id"].as_str().unwrap().to_string());
        }
        match v["@odata.nextLink"].as_str() {
            Some(next) => {
                let prefix = format!("{}v1.0/", emu.base_url());
                assert!(next.starts_with(&prefix), "absolute nextLink: {next}");
                path = next[prefix.len()..].to_string();
            }
            None => break,
        }
    }
    assert!(pages >= 3, "{pages} pages");
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), total, "no duplicates across pages");
    assert!(total > 250);
    let (_, v) = get(&emu, "servicePrincipals?$top=999", &admin).await;
    assert_eq!(v["value"].as_array().unwrap().len(), total);
    assert!(v.get("@odata.nextLink").is_none());

    let (_, v) = get(&emu, "servicePrincipals?$filter=displayName eq 'Microsoft Graph'&$select=id,appId,appRoles,oauth2PermissionScopes", &admin).await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    assert_eq!(v["value"][0]["appId"], GRAPH_APP_ID);
    let (_, v) = get(&emu, "servicePrincipals?$filter=servicePrincipalNames/any(n:n%20eq%20'https://outlook.office365.com')", &admin).await;
    assert_eq!(v["value"][0]["appId"], EXCHANGE_APP_ID);
    let (_, v) = get(
        &emu,
        &format!("servicePrincipals?$filter=appId eq '{GRAPH_CLI}'"),
        &admin,
    )
    .await;
    assert_eq!(
        v["value"][0]["displayName"],
        "Microsoft Graph Command Line Tools"
    );
    let (_, v) = get(
        &emu,
        "servicePrincipals?$filter=startswith(displayName,'Office 365')",
        &admin,
    )
    .await;
    assert!(v["value"].as_array().unwrap().len() >= 2);

    let sp_id = sp["id"].as_str().unwrap();
    let (s, _) = patch(
        &emu,
        &format!("servicePrincipals/{sp_id}"),
        &admin,
        json!({"tags": ["HideApp"]}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = get(&emu, &format!("servicePrincipals/{sp_id}"), &admin).await;
    assert_eq!(v["tags"], json!(["HideApp"]));
    let (s, _) = delete(&emu, &format!("servicePrincipals/{sp_id}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = get(&emu, &format!("servicePrincipals/{sp_id}"), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    emu.shutdown().await;
}

#[tokio::test]
async fn app_role_assignments_and_role_rules() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let exo = resource_sp(&emu, &admin, EXCHANGE_APP_ID).await;
    let graph_id = graph["id"].as_str().unwrap();
    let exo_id = exo["id"].as_str().unwrap();
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Roles", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let sp = create_sp(&emu, &admin, app["appId"].as_str().unwrap()).await;
    let sp_id = sp["id"].as_str().unwrap();

    let body = json!({"principalId": sp_id, "resourceId": graph_id, "appRoleId": role_id(&graph, "Mail.Send")});
    let (s, h, v) = call(
        &emu,
        Method::POST,
        &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"),
        Some(&admin),
        Some(&body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert!(h.get("location").is_some());
    assert_eq!(v["principalType"], "ServicePrincipal");
    assert_eq!(v["principalDisplayName"], "Roles");
    assert_eq!(v["resourceDisplayName"], "Microsoft Graph");
    let assignment_id = v["id"].as_str().unwrap().to_string();
    assert_eq!(assignment_id.len(), 43, "opaque id, not a GUID");

    let (s, v) = post(
        &emu,
        &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"),
        &admin,
        body.clone(),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(
        v["error"]["message"],
        "Permission being assigned already exists on the object."
    );
    let (s, v) = post(&emu, &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"), &admin, json!({"principalId": sp_id, "resourceId": graph_id, "appRoleId": scope_id(&graph, "User.Read")})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("Permission being assigned was not found on application")
    );
    let (s, _) = post(&emu, &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"), &admin, json!({"principalId": sp_id, "resourceId": exo_id, "appRoleId": role_id(&graph, "Mail.Read")})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(&emu, &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"), &admin, json!({"principalId": "11111111-1111-1111-1111-111111111111", "resourceId": graph_id, "appRoleId": role_id(&graph, "Mail.Read")})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // missing AppRoleAssignment.ReadWrite.All
    let weak = emu.issue_token(ADMIN, &["Application.ReadWrite.All"]);
    let (s, v) = post(&emu, &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"), &weak, json!({"principalId": sp_id, "resourceId": graph_id, "appRoleId": role_id(&graph, "Mail.Read")})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&v), "Authorization_RequestDenied");

    // Cloud Application Administrator: not on Microsoft Graph, fine on Exchange
    let appadmin = emu.issue_token("appadmin@contoso.com", ADMIN_SCOPES);
    let (s, v) = post(&emu, &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"), &appadmin, json!({"principalId": sp_id, "resourceId": graph_id, "appRoleId": role_id(&graph, "Mail.Read")})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_eq!(error_code(&v), "Authorization_RequestDenied");
    assert_eq!(
        v["error"]["message"],
        "Insufficient privileges to complete the operation."
    );
    let (s, _) = post(&emu, &format!("servicePrincipals/{sp_id}/appRoleAssignments"), &appadmin, json!({"principalId": sp_id, "resourceId": graph_id, "appRoleId": role_id(&graph, "Mail.Read")})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = post(&emu, &format!("servicePrincipals/{sp_id}/appRoleAssignments"), &appadmin, json!({"principalId": sp_id, "resourceId": exo_id, "appRoleId": role_id(&exo, "SMTP.SendAsApp")})).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    // path and body must agree
    let (s, _) = post(&emu, &format!("servicePrincipals/{sp_id}/appRoleAssignments"), &admin, json!({"principalId": graph_id, "resourceId": exo_id, "appRoleId": role_id(&exo, "POP.AccessAsApp")})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, v) = get(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["value"].as_array().unwrap().len(), 2);
    assert!(
        v["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with(&format!("servicePrincipals('{sp_id}')/appRoleAssignments"))
    );
    let (_, v) = get(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments?$filter=resourceId eq '{exo_id}'"),
        &admin,
    )
    .await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    let (_, v) = get(
        &emu,
        &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"),
        &admin,
    )
    .await;
    assert!(
        v["value"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == assignment_id.as_str())
    );

    let (s, _) = delete(
        &emu,
        &format!("servicePrincipals/{graph_id}/appRoleAssignedTo/{assignment_id}"),
        &appadmin,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = delete(
        &emu,
        &format!("servicePrincipals/{graph_id}/appRoleAssignedTo/{assignment_id}"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = delete(
        &emu,
        &format!("servicePrincipals/{graph_id}/appRoleAssignedTo/{assignment_id}"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    emu.shutdown().await;
}

#[tokio::test]
async fn oauth2_permission_grants() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let exo = resource_sp(&emu, &admin, EXCHANGE_APP_ID).await;
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Delegated", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let sp = create_sp(&emu, &admin, app["appId"].as_str().unwrap()).await;
    let sp_id = sp["id"].as_str().unwrap();
    let body = json!({"clientId": sp_id, "consentType": "AllPrincipals", "principalId": null, "resourceId": exo["id"], "scope": "IMAP.AccessAsUser.All SMTP.Send"});
    let (s, v) = post(&emu, "oauth2PermissionGrants", &admin, body.clone()).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["scope"], "IMAP.AccessAsUser.All SMTP.Send");
    assert!(v["principalId"].is_null());
    let grant_id = v["id"].as_str().unwrap().to_string();
    let (s, v) = post(&emu, "oauth2PermissionGrants", &admin, body).await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(error_code(&v), "Request_MultipleObjectsWithSameKeyValue");
    let (s, _) = post(&emu, "oauth2PermissionGrants", &admin, json!({"clientId": sp_id, "consentType": "AllPrincipals", "resourceId": graph["id"], "scope": "User.Read Not.AScope"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(&emu, "oauth2PermissionGrants", &admin, json!({"clientId": sp_id, "consentType": "Principal", "resourceId": graph["id"], "scope": "User.Read"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "Principal needs principalId");
    let (s, _) = post(&emu, "oauth2PermissionGrants", &admin, json!({"clientId": "11111111-1111-1111-1111-111111111111", "consentType": "AllPrincipals", "resourceId": graph["id"], "scope": "User.Read"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = post(&emu, "oauth2PermissionGrants", &admin, json!({"clientId": sp_id, "consentType": "AllPrincipals", "resourceId": graph["id"], "scope": "user.read offline_access"})).await;
    assert_eq!(s, StatusCode::CREATED);
    assert_eq!(v["scope"], "User.Read offline_access");

    // filters, encoded or not
    for q in [
        format!("oauth2PermissionGrants?$filter=clientId eq '{sp_id}'"),
        format!(
            "oauth2PermissionGrants?$filter=clientId%20eq%20%27{sp_id}%27%20and%20consentType%20eq%20%27AllPrincipals%27"
        ),
        format!("oauth2PermissionGrants?%24filter=clientId+eq+%27{sp_id}%27"),
        format!("servicePrincipals/{sp_id}/oauth2PermissionGrants"),
    ] {
        let (s, v) = get(&emu, &q, &admin).await;
        assert_eq!(s, StatusCode::OK, "{q}: {v}");
        assert_eq!(v["value"].as_array().unwrap().len(), 2, "{q}");
    }
    let (_, v) = get(
        &emu,
        &format!(
            "oauth2PermissionGrants?$filter=clientId eq '{sp_id}' and resourceId eq '{}'",
            exo["id"].as_str().unwrap()
        ),
        &admin,
    )
    .await;
    assert_eq!(v["value"].as_array().unwrap().len(), 1);

    let (s, _) = patch(
        &emu,
        &format!("oauth2PermissionGrants/{grant_id}"),
        &admin,
        json!({"scope": "IMAP.AccessAsUser.All POP.AccessAsUser.All SMTP.Send"}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = get(&emu, &format!("oauth2PermissionGrants/{grant_id}"), &admin).await;
    assert_eq!(
        v["scope"],
        "IMAP.AccessAsUser.All POP.AccessAsUser.All SMTP.Send"
    );
    let (s, _) = patch(
        &emu,
        &format!("oauth2PermissionGrants/{grant_id}"),
        &admin,
        json!({"scope": "Bogus"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = patch(
        &emu,
        &format!("oauth2PermissionGrants/{grant_id}"),
        &admin,
        json!({"clientId": sp_id}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let no_grant_scope = emu.issue_token(
        ADMIN,
        &[
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All",
        ],
    );
    let (s, _) = delete(
        &emu,
        &format!("oauth2PermissionGrants/{grant_id}"),
        &no_grant_scope,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = delete(&emu, &format!("oauth2PermissionGrants/{grant_id}"), &admin).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = get(&emu, &format!("oauth2PermissionGrants/{grant_id}"), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Cloud Application Administrator may grant delegated permissions
    let appadmin = emu.issue_token("appadmin@contoso.com", ADMIN_SCOPES);
    let (s, _) = post(&emu, "oauth2PermissionGrants", &appadmin, json!({"clientId": sp_id, "consentType": "AllPrincipals", "resourceId": exo["id"], "scope": "EWS.AccessAsUser.All"})).await;
    assert_eq!(s, StatusCode::CREATED);
    emu.shutdown().await;
}

#[tokio::test]
async fn helpdesk_cannot_write_anything() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let helpdesk = emu.issue_token("helpdesk@contoso.com", ADMIN_SCOPES);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Target", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let id = app["id"].as_str().unwrap();
    let sp = create_sp(&emu, &admin, app["appId"].as_str().unwrap()).await;
    let sp_id = sp["id"].as_str().unwrap();
    let graph_id = graph["id"].as_str().unwrap();
    let attempts: Vec<(Method, String, Value)> = vec![
        (
            Method::POST,
            "applications".into(),
            json!({"displayName": "x"}),
        ),
        (
            Method::PATCH,
            format!("applications/{id}"),
            json!({"notes": "x"}),
        ),
        (
            Method::POST,
            format!("applications/{id}/addPassword"),
            json!({}),
        ),
        (Method::DELETE, format!("applications/{id}"), Value::Null),
        (
            Method::POST,
            "servicePrincipals".into(),
            json!({"appId": app["appId"]}),
        ),
        (
            Method::DELETE,
            format!("servicePrincipals/{sp_id}"),
            Value::Null,
        ),
        (
            Method::POST,
            format!("servicePrincipals/{graph_id}/appRoleAssignedTo"),
            json!({"principalId": sp_id, "resourceId": graph_id, "appRoleId": role_id(&graph, "Mail.Send")}),
        ),
        (
            Method::POST,
            "oauth2PermissionGrants".into(),
            json!({"clientId": sp_id, "consentType": "AllPrincipals", "resourceId": graph_id, "scope": "User.Read"}),
        ),
    ];
    for (m, path, body) in attempts {
        let b = if body.is_null() { None } else { Some(&body) };
        let (s, _, v) = call(&emu, m.clone(), &path, Some(&helpdesk), b).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{m} {path}: {v}");
        assert_eq!(error_code(&v), "Authorization_RequestDenied");
        assert_eq!(
            v["error"]["message"],
            "Insufficient privileges to complete the operation."
        );
    }
    // reading is fine
    let (s, _) = get(&emu, "applications", &helpdesk).await;
    assert_eq!(s, StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn replication_lag_after_create() {
    let lag = Duration::from_millis(600);
    let emu = start_with(|c| c.replication_lag = lag).await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Fresh", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let id = app["id"].as_str().unwrap();
    let app_id = app["appId"].as_str().unwrap();

    let (s, v) = post(&emu, "servicePrincipals", &admin, json!({"appId": app_id})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&v), "Request_BadRequest");
    assert_eq!(
        v["error"]["message"],
        format!(
            "The appId '{app_id}' of the service principal does not reference a valid application object."
        )
    );
    assert_eq!(
        v["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );
    assert_eq!(v["error"]["details"][0]["target"], "appId");
    let (s, v) = get(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&v), "Request_ResourceNotFound");
    let (s, _) = patch(
        &emu,
        &format!("applications/{id}"),
        &admin,
        json!({"notes": "n"}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v) = get(
        &emu,
        &format!("applications?$filter=appId eq '{app_id}'"),
        &admin,
    )
    .await;
    assert_eq!(v["value"].as_array().unwrap().len(), 0);

    tokio::time::sleep(lag + Duration::from_millis(50)).await;
    let (s, _) = get(&emu, &format!("applications/{id}"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    let (_, secret) = add_secret(&emu, &admin, id).await;
    let sp = create_sp(&emu, &admin, app_id).await;
    let sp_id = sp["id"].as_str().unwrap();

    // the new service principal lags as well
    let (s, _) = get(&emu, &format!("servicePrincipals/{sp_id}"), &admin).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = post(
        &emu,
        &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &admin,
        json!({"principalId": sp_id, "resourceId": graph["id"], "appRoleId": role_id(&graph, "Mail.Send")}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        v["error"]["message"],
        "Invalid value specified for property 'principalId' of resource 'AppRoleAssignment'."
    );
    let (s, _) = post(&emu, &format!("servicePrincipals/{sp_id}/appRoleAssignments"), &admin, json!({"principalId": sp_id, "resourceId": graph["id"], "appRoleId": role_id(&graph, "Mail.Send")})).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = post(&emu, "oauth2PermissionGrants", &admin, json!({"clientId": sp_id, "consentType": "AllPrincipals", "resourceId": graph["id"], "scope": "User.Read"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // a second SP for the same app is a conflict even before replication
    let (s, _) = post(&emu, "servicePrincipals", &admin, json!({"appId": app_id})).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, v) = client_credentials(
        &emu,
        app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    tokio::time::sleep(lag + Duration::from_millis(50)).await;
    let (s, v) = post(
        &emu,
        &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &admin,
        json!({"principalId": sp_id, "resourceId": graph["id"], "appRoleId": role_id(&graph, "Mail.Send")}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    emu.shutdown().await;
}

#[tokio::test]
async fn throttling_and_batch() {
    let emu = start().await;
    let admin = admin_token(&emu);
    emu.throttle_next(2, 429, Some(1));
    for _ in 0..2 {
        let (s, h, v) = call(&emu, Method::GET, "organization", Some(&admin), None).await;
        assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(h["retry-after"], "1");
        assert_eq!(error_code(&v), "TooManyRequests");
    }
    // sign-in endpoints are not throttled
    let resp = http()
        .get(url(
            &emu,
            "contoso.com/v2.0/.well-known/openid-configuration",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (s, _) = get(&emu, "organization", &admin).await;
    assert_eq!(s, StatusCode::OK);
    emu.throttle_next(1, 503, None);
    let (s, h, v) = call(&emu, Method::GET, "organization", Some(&admin), None).await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
    assert!(h.get("retry-after").is_none());
    assert_eq!(error_code(&v), "ServiceUnavailable");
    let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
    assert!(statuses.contains(&429) && statuses.contains(&503));

    // $batch: independent lookups plus a dependent request after a failure
    emu.throttle_next(1, 429, Some(2));
    let (s, v) = post(
        &emu,
        "$batch",
        &admin,
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "/organization"},
            {"id": "2", "method": "GET", "url": format!("/servicePrincipals(appId='{GRAPH_APP_ID}')?$select=id,appRoles")},
            {"id": "3", "method": "GET", "url": "/applications/11111111-1111-1111-1111-111111111111"},
            {"id": "4", "method": "POST", "url": "/applications", "headers": {"Content-Type": "application/json"}, "body": {"displayName": "From batch"}, "dependsOn": ["3"]},
            {"id": "5", "method": "POST", "url": "/applications", "headers": {"Content-Type": "application/json"}, "body": {"displayName": "From batch", "signInAudience": "AzureADMyOrg"}}
        ]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let by_id = |id: &str| {
        v["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("1")["status"], 429);
    assert_eq!(by_id("1")["headers"]["Retry-After"], "2");
    assert_eq!(by_id("2")["status"], 200);
    assert_eq!(by_id("2")["body"]["id"].as_str().unwrap().len(), 36);
    assert_eq!(by_id("3")["status"], 404);
    assert_eq!(by_id("4")["status"], 424);
    assert_eq!(by_id("5")["status"], 201);
    emu.shutdown().await;
}

#[tokio::test]
async fn count_root_and_myorganization() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let (s, _) = get(&emu, "applications?$count=true", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let resp = http()
        .get(graph_url(&emu, "applications?$count=true&$top=1"))
        .bearer_auth(&admin)
        .header("ConsistencyLevel", "eventual")
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["@odata.count"], 5);
    assert_eq!(v["value"].as_array().unwrap().len(), 1);
    let (s, v) = get(&emu, "", &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["value"].is_array());
    let (s, v) = get(
        &emu,
        "myorganization/servicePrincipals?$filter=appId eq '00000003-0000-0000-c000-000000000000'",
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["value"][0]["displayName"], "Microsoft Graph");
    let (s, _) = get(&emu, "applications?$expand=owners", &admin).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    emu.shutdown().await;
}
