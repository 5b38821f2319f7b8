//! Sign-in side of the emulator: discovery, authorize + PKCE, device code, token grants,
//! admin consent.

use crate::support::emulator_api;

use std::time::Duration;

use demo_tenant::DEMO_TENANT_ID;
use emulator_api::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn discovery_by_guid_domain_keyword_and_unknown() {
    let emu = start().await;
    let base = emu.base_url().to_string();
    let tid = emu.tenant_id();
    assert_eq!(tid, DEMO_TENANT_ID);

    for tenant in [tid.as_str(), "contoso.com", "CONTOSO.onmicrosoft.com"] {
        let v: Value = http()
            .get(url(
                &emu,
                &format!("{tenant}/v2.0/.well-known/openid-configuration"),
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(v["issuer"], format!("{base}{tid}/v2.0"));
        assert_eq!(
            v["token_endpoint"],
            format!("{base}{tid}/oauth2/v2.0/token")
        );
        assert_eq!(
            v["authorization_endpoint"],
            format!("{base}{tid}/oauth2/v2.0/authorize")
        );
        assert_eq!(
            v["device_authorization_endpoint"],
            format!("{base}{tid}/oauth2/v2.0/devicecode")
        );
        assert!(
            v["end_session_endpoint"]
                .as_str()
                .unwrap()
                .starts_with(&base)
        );
        assert!(v["jwks_uri"].as_str().unwrap().starts_with(&base));
        assert!(v["response_types_supported"].is_array());
    }

    let v: Value = http()
        .get(url(
            &emu,
            "organizations/v2.0/.well-known/openid-configuration",
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["issuer"], format!("{base}{{tenantid}}/v2.0"));
    assert_eq!(
        v["token_endpoint"],
        format!("{base}organizations/oauth2/v2.0/token")
    );

    // v1 document (no /v2.0)
    let v: Value = http()
        .get(url(&emu, "contoso.com/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["issuer"], format!("{base}{tid}/"));

    let resp = http()
        .get(url(
            &emu,
            "fabrikam.com/v2.0/.well-known/openid-configuration",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let v: Value = resp.json().await.unwrap();
    assert_eq!(v["error"], "invalid_tenant");
    assert_eq!(v["error_codes"], json!([90002]));
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS90002: Tenant 'fabrikam.com' not found.")
    );
    assert!(v["trace_id"].is_string() && v["correlation_id"].is_string());
    emu.shutdown().await;
}

fn authorize_url(
    emu: &demo_tenant::Emulator,
    redirect: &str,
    challenge: &str,
    extra: &str,
) -> String {
    let scope =
        "https://graph.microsoft.com/Application.ReadWrite.All offline_access openid profile";
    let mut u = url::Url::parse(&url(emu, "organizations/oauth2/v2.0/authorize")).unwrap();
    u.query_pairs_mut()
        .append_pair("client_id", GRAPH_CLI)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", redirect)
        .append_pair("scope", scope)
        .append_pair("state", "st-123")
        .append_pair("code_challenge", challenge)
        .append_pair("code_challenge_method", "S256");
    format!("{u}{extra}")
}

async fn redeem(
    emu: &demo_tenant::Emulator,
    code: &str,
    redirect: &str,
    verifier: &str,
) -> (StatusCode, Value) {
    form(
        emu,
        "organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "authorization_code"),
            ("client_id", GRAPH_CLI),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await
}

#[tokio::test]
async fn pkce_authorize_then_token_with_error_paths() {
    let emu = start().await;
    let (verifier, challenge) = pkce();
    let redirect = "http://localhost:53817/callback";

    let resp = http()
        .get(authorize_url(&emu, redirect, &challenge, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    assert!(
        resp.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("http://localhost:53817/callback?")
    );
    let p = location_params(resp.headers());
    assert_eq!(p["state"], "st-123");
    let code = p["code"].clone();

    // wrong verifier
    let (s, v) = redeem(
        &emu,
        &code,
        redirect,
        "not-the-verifier-but-long-enough-0000000000000",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_grant");
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS501481")
    );

    // wrong redirect_uri
    let (s, v) = redeem(&emu, &code, "http://localhost:1/other", &verifier).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_grant");

    // success
    let (s, v) = redeem(&emu, &code, redirect, &verifier).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["token_type"], "Bearer");
    assert!(v["refresh_token"].is_string());
    assert!(v["id_token"].is_string());
    assert!(v["expires_in"].as_u64().unwrap() > 0);
    assert!(v["ext_expires_in"].is_u64());
    let c = claims(v["access_token"].as_str().unwrap());
    assert_eq!(c["aud"], "https://graph.microsoft.com");
    assert_eq!(c["tid"], DEMO_TENANT_ID);
    assert_eq!(c["upn"], ADMIN);
    assert_eq!(c["appid"], GRAPH_CLI);
    let scp = c["scp"].as_str().unwrap();
    assert!(
        scp.split(' ').any(|s| s == "Application.ReadWrite.All"),
        "{scp}"
    );
    assert!(c.get("roles").is_none());
    let id = claims(v["id_token"].as_str().unwrap());
    assert_eq!(id["preferred_username"], ADMIN);
    assert_eq!(id["aud"], GRAPH_CLI);

    // the token works against Graph
    let (s, me) = get(&emu, "me", v["access_token"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(me["userPrincipalName"], ADMIN);

    // reused code
    let (s, v2) = redeem(&emu, &code, redirect, &verifier).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v2["error"], "invalid_grant");
    assert_eq!(v2["error_codes"], json!([54005]));

    // unknown code
    let (_, v3) = redeem(&emu, "1.AQnonsense", redirect, &verifier).await;
    assert_eq!(v3["error"], "invalid_grant");

    // refresh token
    let (s, r) = form(
        &emu,
        "organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", GRAPH_CLI),
            ("refresh_token", v["refresh_token"].as_str().unwrap()),
            (
                "scope",
                "https://graph.microsoft.com/User.Read offline_access",
            ),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert!(r["refresh_token"].is_string());
    assert_eq!(
        claims(r["access_token"].as_str().unwrap())["scp"],
        "User.Read"
    );
    // an access token is not a refresh token
    let (s, r) = form(
        &emu,
        "organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "refresh_token"),
            ("client_id", GRAPH_CLI),
            ("refresh_token", v["access_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(r["error"], "invalid_grant");
    emu.shutdown().await;
}

#[tokio::test]
async fn authorize_rejects_bad_clients_and_redirects_without_redirecting() {
    let emu = start().await;
    let (_, challenge) = pkce();
    // unregistered redirect: an HTML error page, never a redirect
    let resp = http()
        .get(authorize_url(
            &emu,
            "https://evil.example.com/cb",
            &challenge,
            "",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get("location").is_none());
    let body = resp.text().await.unwrap();
    assert!(body.contains("AADSTS50011"), "{body}");
    assert!(body.contains("exowiz demo tenant"));

    // unknown client
    let u = authorize_url(&emu, "http://localhost/cb", &challenge, "")
        .replace(GRAPH_CLI, "11111111-2222-3333-4444-555555555555");
    let resp = http().get(u).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.text().await.unwrap().contains("AADSTS700016"));

    // invalid scope → redirect with error
    let u = authorize_url(&emu, "http://127.0.0.1:4000/", &challenge, "")
        .replace("Application.ReadWrite.All", "No.Such.Scope");
    let resp = http().get(u).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let p = location_params(resp.headers());
    assert_eq!(p["error"], "invalid_scope");
    assert_eq!(p["state"], "st-123");
    emu.shutdown().await;
}

#[tokio::test]
async fn mfa_and_conditional_access_users_get_errors() {
    let emu = start().await;
    let (_, challenge) = pkce();
    for (user, error, code) in [
        ("mfa@contoso.com", "interaction_required", "AADSTS50076"),
        ("blocked@contoso.com", "access_denied", "AADSTS53003"),
    ] {
        let resp = http()
            .get(authorize_url(
                &emu,
                "http://localhost:9999/",
                &challenge,
                &format!("&login_hint={user}"),
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FOUND);
        let p = location_params(resp.headers());
        assert_eq!(p["error"], error);
        assert!(p["error_description"].starts_with(code), "{p:?}");
        assert!(!p.contains_key("code"));
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn sign_in_page_accept_and_cancel_without_auto_approve() {
    let emu = start_with(|c| c.auto_approve = false).await;
    let (verifier, challenge) = pkce();
    let redirect = "http://localhost:7777/cb";
    let page = http()
        .get(authorize_url(&emu, redirect, &challenge, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("Accept") && html.contains("Cancel"));
    let request = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let action = format!("{}/oauth2/v2.0/authorize", "organizations");
    let resp = http()
        .post(url(&emu, &action))
        .form(&[
            ("request", request.as_str()),
            ("account", "appadmin@contoso.com"),
            ("action", "accept"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let p = location_params(resp.headers());
    let (s, v) = redeem(&emu, &p["code"], redirect, &verifier).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        claims(v["access_token"].as_str().unwrap())["upn"],
        "appadmin@contoso.com"
    );

    // cancel
    let html = http()
        .get(authorize_url(&emu, redirect, &challenge, ""))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let request = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let resp = http()
        .post(url(&emu, &action))
        .form(&[("request", request.as_str()), ("action", "cancel")])
        .send()
        .await
        .unwrap();
    let p = location_params(resp.headers());
    assert_eq!(p["error"], "access_denied");
    assert!(p["error_description"].starts_with("AADSTS65004"));
    emu.shutdown().await;
}

async fn device_start(emu: &demo_tenant::Emulator, scope: &str) -> Value {
    let (s, v) = form(
        emu,
        "organizations/oauth2/v2.0/devicecode",
        &[("client_id", GRAPH_CLI), ("scope", scope)],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

async fn device_poll(emu: &demo_tenant::Emulator, device_code: &str) -> (StatusCode, Value) {
    form(
        emu,
        "organizations/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", GRAPH_CLI),
            ("device_code", device_code),
        ],
    )
    .await
}

#[tokio::test]
async fn device_code_auto_approved() {
    let emu = start().await;
    let v = device_start(&emu, "https://graph.microsoft.com/.default offline_access").await;
    let user_code = v["user_code"].as_str().unwrap();
    assert_eq!(user_code.len(), 9);
    assert_eq!(
        v["verification_uri"],
        format!("{}devicelogin", emu.base_url())
    );
    assert_eq!(v["expires_in"], 900);
    assert_eq!(v["interval"], 1);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("To sign in, use a web browser to open the page")
    );
    let (s, t) = device_poll(&emu, v["device_code"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert!(t["refresh_token"].is_string());
    // redeemed codes cannot be used again
    let (s, t) = device_poll(&emu, v["device_code"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(t["error"], "invalid_grant");
    emu.shutdown().await;
}

#[tokio::test]
async fn device_code_pending_slow_down_approved_declined() {
    let emu = start_with(|c| c.auto_approve = false).await;
    let v = device_start(&emu, "Application.ReadWrite.All").await;
    let dc = v["device_code"].as_str().unwrap();
    let (s, t) = device_poll(&emu, dc).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(t["error"], "authorization_pending");
    assert_eq!(t["error_codes"], json!([70016]));
    assert!(
        t["timestamp"].is_string() && t["trace_id"].is_string() && t["correlation_id"].is_string()
    );
    // immediately again: too fast
    let (_, t) = device_poll(&emu, dc).await;
    assert_eq!(t["error"], "slow_down");

    // the user enters the code on /devicelogin and approves
    let page = http().get(url(&emu, "devicelogin")).send().await.unwrap();
    assert!(page.text().await.unwrap().contains("exowiz demo tenant"));
    let code = v["user_code"].as_str().unwrap();
    let confirm = http()
        .post(url(&emu, "devicelogin"))
        .form(&[("step", "lookup"), ("otc", code), ("account", ADMIN)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        confirm.contains("Microsoft Graph Command Line Tools"),
        "{confirm}"
    );
    let done = http()
        .post(url(&emu, "devicelogin"))
        .form(&[
            ("step", "confirm"),
            ("otc", code),
            ("account", ADMIN),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(done.contains("You have signed in"));
    let (s, t) = device_poll(&emu, dc).await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(
        claims(t["access_token"].as_str().unwrap())["scp"],
        "Application.ReadWrite.All"
    );

    // declined
    let v = device_start(&emu, "User.Read").await;
    let code = v["user_code"].as_str().unwrap();
    http()
        .post(url(&emu, "devicelogin"))
        .form(&[
            ("step", "confirm"),
            ("otc", code),
            ("account", ADMIN),
            ("action", "decline"),
        ])
        .send()
        .await
        .unwrap();
    let (_, t) = device_poll(&emu, v["device_code"].as_str().unwrap()).await;
    assert_eq!(t["error"], "authorization_declined");

    // a wrong code on the page
    let html = http()
        .post(url(&emu, "devicelogin"))
        .form(&[("step", "lookup"), ("otc", "ZZZZZZZZZ"), ("account", ADMIN)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Check the code and try again"), "{html}");

    // unknown device code
    let (_, t) = device_poll(&emu, "nonsense").await;
    assert_eq!(t["error"], "bad_verification_code");
    emu.shutdown().await;
}

#[tokio::test]
async fn device_code_expires_and_mfa_user_fails() {
    let emu = start_with(|c| {
        c.auto_approve = false;
        c.device_code_lifetime = Duration::from_millis(300);
    })
    .await;
    let v = device_start(&emu, "User.Read").await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let (s, t) = device_poll(&emu, v["device_code"].as_str().unwrap()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(t["error"], "expired_token");
    emu.shutdown().await;

    let emu = start_with(|c| c.auto_approve = false).await;
    let v = device_start(&emu, "User.Read").await;
    let code = v["user_code"].as_str().unwrap();
    http()
        .post(url(&emu, "devicelogin"))
        .form(&[
            ("step", "confirm"),
            ("otc", code),
            ("account", "mfa@contoso.com"),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap();
    let (_, t) = device_poll(&emu, v["device_code"].as_str().unwrap()).await;
    assert_eq!(t["error"], "invalid_grant");
    assert!(
        t["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS50076")
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn own_app_needs_public_client_flows_for_device_code() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "No public flows", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap();
    let (s, v) = form(
        &emu,
        "contoso.com/oauth2/v2.0/devicecode",
        &[("client_id", app_id), ("scope", "User.Read")],
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let (s, t) = form(
        &emu,
        "contoso.com/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", app_id),
            ("device_code", v["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(t["error"], "invalid_client");
    assert!(
        t["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000218")
    );

    // single-tenant apps cannot use /organizations or /common
    let (s, v) = form(
        &emu,
        "organizations/oauth2/v2.0/devicecode",
        &[("client_id", app_id), ("scope", "User.Read")],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error_codes"], json!([50194]));

    let (s, _) = patch(
        &emu,
        &format!("applications/{}", app["id"].as_str().unwrap()),
        &admin,
        json!({"isFallbackPublicClient": true}),
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = form(
        &emu,
        "contoso.com/oauth2/v2.0/devicecode",
        &[("client_id", app_id), ("scope", "User.Read")],
    )
    .await;
    let (s, t) = form(
        &emu,
        "contoso.com/oauth2/v2.0/token",
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", app_id),
            ("device_code", v["device_code"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(claims(t["access_token"].as_str().unwrap())["appid"], app_id);
    emu.shutdown().await;
}

#[tokio::test]
async fn client_credentials_roles_no_roles_and_bad_secrets() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let exo = resource_sp(&emu, &admin, EXCHANGE_APP_ID).await;
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Connector", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap().to_string();
    let (_, secret) = add_secret(&emu, &admin, app["id"].as_str().unwrap()).await;

    // no service principal yet
    let (s, v) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        v["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000229")
    );

    let sp = create_sp(&emu, &admin, &app_id).await;
    let sp_id = sp["id"].as_str().unwrap();

    // SP but nothing granted: a token without `roles`
    let (s, v) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert!(v.get("refresh_token").is_none());
    let c = claims(v["access_token"].as_str().unwrap());
    assert!(c.get("roles").is_none(), "{c}");
    assert_eq!(c["idtyp"], "app");

    // grant Graph Mail.Send and Exchange IMAP.AccessAsApp
    let (s, _) = post(
        &emu,
        &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &admin,
        json!({"principalId": sp_id, "resourceId": graph["id"], "appRoleId": role_id(&graph, "Mail.Send")}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = post(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        &admin,
        json!({"principalId": sp_id, "resourceId": exo["id"], "appRoleId": role_id(&exo, "IMAP.AccessAsApp")}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);

    let (_, v) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(
        claims(v["access_token"].as_str().unwrap())["roles"],
        json!(["Mail.Send"])
    );
    // the emulator's own base URL names Graph too
    let base_scope = format!("{}/.default", emu.base_url().as_str().trim_end_matches('/'));
    let (_, v) = client_credentials(&emu, &app_id, &secret, &base_scope).await;
    assert_eq!(
        claims(v["access_token"].as_str().unwrap())["roles"],
        json!(["Mail.Send"])
    );
    let (_, v) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://outlook.office365.com/.default",
    )
    .await;
    let c = claims(v["access_token"].as_str().unwrap());
    assert_eq!(c["roles"], json!(["IMAP.AccessAsApp"]));
    assert_eq!(c["aud"], "https://outlook.office365.com");

    // wrong secret
    let (s, v) = client_credentials(
        &emu,
        &app_id,
        "wrong-secret",
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error"], "invalid_client");
    assert_eq!(v["error_codes"], json!([7000215]));
    // unknown app
    let (s, v) = client_credentials(
        &emu,
        "99999999-9999-9999-9999-999999999999",
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "unauthorized_client");
    assert_eq!(v["error_codes"], json!([700016]));
    // scope without /.default
    let (s, v) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://graph.microsoft.com/Mail.Send",
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_scope");
    // unknown resource
    let (_, v) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://nothing.example.com/.default",
    )
    .await;
    assert_eq!(v["error"], "invalid_resource");

    // an expired secret
    let (s, v) = post(
        &emu,
        &format!("applications/{}/addPassword", app["id"].as_str().unwrap()),
        &admin,
        json!({"passwordCredential": {"displayName": "old", "startDateTime": "2020-01-01T00:00:00Z", "endDateTime": "2021-01-01T00:00:00Z"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = client_credentials(
        &emu,
        &app_id,
        v["secretText"].as_str().unwrap(),
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["error_codes"], json!([7000222]));

    // client_secret_basic works as well
    let resp = http()
        .post(url(&emu, &token_path(&emu)))
        .basic_auth(&app_id, Some(&secret))
        .form(&[
            ("grant_type", "client_credentials"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    emu.shutdown().await;
}

#[tokio::test]
async fn admin_consent_grants_required_resource_access() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let exo = resource_sp(&emu, &admin, EXCHANGE_APP_ID).await;
    let app = create_app(
        &emu,
        &admin,
        json!({
            "displayName": "Consent me",
            "signInAudience": "AzureADMyOrg",
            "web": {"redirectUris": ["https://connector.contoso.com/done"]},
            "requiredResourceAccess": [
                {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [
                    {"id": role_id(&graph, "Mail.Send"), "type": "Role"},
                    {"id": scope_id(&graph, "User.Read"), "type": "Scope"},
                    {"id": scope_id(&graph, "offline_access"), "type": "Scope"}]},
                {"resourceAppId": EXCHANGE_APP_ID, "resourceAccess": [
                    {"id": role_id(&exo, "full_access_as_app"), "type": "Role"}]}
            ]
        }),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap();
    let consent = format!(
        "{}/adminconsent?client_id={app_id}&redirect_uri=https://connector.contoso.com/done&state=xyz",
        emu.tenant_id()
    );
    let resp = http().get(url(&emu, &consent)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let p = location_params(resp.headers());
    assert_eq!(p["admin_consent"], "True");
    assert_eq!(p["tenant"], emu.tenant_id());
    assert_eq!(p["state"], "xyz");

    let (s, sp) = get(
        &emu,
        &format!("servicePrincipals(appId='{app_id}')"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let sp_id = sp["id"].as_str().unwrap();
    let (_, a) = get(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        &admin,
    )
    .await;
    let roles: Vec<&str> = a["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["appRoleId"].as_str().unwrap())
        .collect();
    assert_eq!(roles.len(), 2);
    assert!(roles.contains(&role_id(&graph, "Mail.Send").as_str()));
    let (_, g) = get(
        &emu,
        &format!("oauth2PermissionGrants?$filter=clientId eq '{sp_id}' and consentType eq 'AllPrincipals'"),
        &admin,
    )
    .await;
    assert_eq!(g["value"].as_array().unwrap().len(), 1);
    assert_eq!(g["value"][0]["scope"], "User.Read offline_access");
    assert_eq!(g["value"][0]["resourceId"], graph["id"]);

    // Without redirect_uri Entra ends in an error (redirect_uri is required): AADSTS900971
    // when the app has reply addresses, AADSTS500113 when it has none.
    let resp = http()
        .get(url(
            &emu,
            &format!("contoso.com/v2.0/adminconsent?client_id={app_id}&scope=https://graph.microsoft.com/.default"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let page = resp.text().await.unwrap();
    assert!(page.contains("AADSTS900971"), "{page}");
    assert!(!page.contains("Permissions granted"), "{page}");
    let bare = create_app(
        &emu,
        &admin,
        json!({"displayName": "No reply address", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let resp = http()
        .get(url(
            &emu,
            &format!(
                "{}/adminconsent?client_id={}&state=s",
                emu.tenant_id(),
                bare["appId"].as_str().unwrap()
            ),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let page = resp.text().await.unwrap();
    assert!(page.contains("AADSTS500113"), "{page}");
    // v2 with the registered redirect URI; consenting twice does not duplicate
    let resp = http()
        .get(url(
            &emu,
            &format!("contoso.com/v2.0/adminconsent?client_id={app_id}&scope=https://graph.microsoft.com/.default&redirect_uri=https://connector.contoso.com/done&state=v2"),
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let p = location_params(resp.headers());
    assert_eq!(p["admin_consent"], "True");
    assert_eq!(p["scope"], "https://graph.microsoft.com/.default");
    assert_eq!(p["state"], "v2");
    let (_, a) = get(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        &admin,
    )
    .await;
    assert_eq!(a["value"].as_array().unwrap().len(), 2);

    // the grants show up in a client credentials token
    let (_, secret) = add_secret(&emu, &admin, app["id"].as_str().unwrap()).await;
    let (_, v) = client_credentials(
        &emu,
        app_id,
        &secret,
        "https://outlook.office365.com/.default",
    )
    .await;
    assert_eq!(
        claims(v["access_token"].as_str().unwrap())["roles"],
        json!(["full_access_as_app"])
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn admin_consent_page_cancel_and_role_checks() {
    let emu = start_with(|c| c.auto_approve = false).await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let app = create_app(
        &emu,
        &admin,
        json!({
            "displayName": "Manual consent",
            "signInAudience": "AzureADMyOrg",
            "publicClient": {"redirectUris": ["http://localhost"]},
            "requiredResourceAccess": [{"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": role_id(&graph, "User.Read.All"), "type": "Role"}]}]
        }),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap();
    let start_url = url(
        &emu,
        &format!(
            "organizations/adminconsent?client_id={app_id}&redirect_uri=http://localhost:5000&state=s1"
        ),
    );
    let html = http()
        .get(&start_url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("User.Read.All") && html.contains("Application"),
        "{html}"
    );
    let request = html
        .split("name=\"request\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();

    // Cloud Application Administrator may not consent to Graph app roles
    let resp = http()
        .post(url(&emu, "organizations/adminconsent"))
        .form(&[
            ("request", request.as_str()),
            ("account", "appadmin@contoso.com"),
            ("action", "accept"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("AADSTS90094"));

    // cancel
    let resp = http()
        .post(url(&emu, "organizations/adminconsent"))
        .form(&[("request", request.as_str()), ("action", "cancel")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FOUND);
    let p = location_params(resp.headers());
    assert_eq!(p["error"], "access_denied");
    assert_eq!(p["state"], "s1");
    let (s, _) = get(
        &emu,
        &format!("servicePrincipals(appId='{app_id}')"),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // unregistered redirect URI: error page, no redirect
    let resp = http()
        .get(url(&emu, &format!("organizations/adminconsent?client_id={app_id}&redirect_uri=https://evil.example.com/")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert!(resp.headers().get("location").is_none());
    emu.shutdown().await;
}

#[tokio::test]
async fn response_modes_v1_endpoints_keys_and_logout() {
    let emu = start().await;
    let (_, challenge) = pkce();
    // form_post: an auto-submitting form instead of a redirect
    let resp = http()
        .get(authorize_url(
            &emu,
            "http://localhost:8400/",
            &challenge,
            "&response_mode=form_post",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.contains("name=\"code\"") && html.contains("action=\"http://localhost:8400/\""));
    // fragment
    let resp = http()
        .get(authorize_url(
            &emu,
            "http://localhost:8400/",
            &challenge,
            "&response_mode=fragment",
        ))
        .send()
        .await
        .unwrap();
    let loc = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(loc.starts_with("http://localhost:8400/#code="), "{loc}");

    // v1 token endpoint with `resource`
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "v1 client", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let (_, secret) = add_secret(&emu, &admin, app["id"].as_str().unwrap()).await;
    create_sp(&emu, &admin, app["appId"].as_str().unwrap()).await;
    let (s, v) = form(
        &emu,
        "contoso.com/oauth2/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", app["appId"].as_str().unwrap()),
            ("client_secret", &secret),
            ("resource", "https://graph.microsoft.com"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // client credentials need a tenant
    let (s, v) = form(
        &emu,
        "common/oauth2/v2.0/token",
        &[
            ("grant_type", "client_credentials"),
            ("client_id", app["appId"].as_str().unwrap()),
            ("client_secret", &secret),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_request");
    // GET on the token endpoint, unknown grant, missing parameter
    let resp = http()
        .get(url(&emu, "contoso.com/oauth2/v2.0/token"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let (_, v) = form(
        &emu,
        "contoso.com/oauth2/v2.0/token",
        &[("grant_type", "password"), ("client_id", GRAPH_CLI)],
    )
    .await;
    assert_eq!(v["error"], "unsupported_grant_type");
    let (_, v) = form(
        &emu,
        "contoso.com/oauth2/v2.0/token",
        &[("client_id", GRAPH_CLI)],
    )
    .await;
    assert_eq!(v["error"], "invalid_request");
    assert_eq!(v["error_codes"], json!([900144]));
    let (s, v) = form(
        &emu,
        "nowhere.example/oauth2/v2.0/token",
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["error"], "invalid_tenant");

    let keys: Value = http()
        .get(url(&emu, "common/discovery/v2.0/keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(keys["keys"].is_array());
    let resp = http()
        .get(url(
            &emu,
            "common/oauth2/v2.0/logout?post_logout_redirect_uri=http://localhost:1/bye",
        ))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_redirection());
    emu.shutdown().await;
}
