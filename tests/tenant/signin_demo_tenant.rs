//! The real sign-in code against the demo tenant: browser (authorization code + PKCE on a
//! loopback redirect) and device code, then a Graph call with the token.

use crate::support;

use exowiz::auth::{self, BrowserSignIn, DeviceCodeFlow, SignInConfig};
use exowiz::endpoints::Endpoints;
use exowiz::graph::GraphClient;
use std::time::Duration;
use support::*;

fn config(emu: &demo_tenant::Emulator, tenant: &str) -> SignInConfig {
    let base = emu.base_url().to_string();
    SignInConfig::for_registration(Endpoints::custom(&base, &base).unwrap()).with_tenant(tenant)
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_sign_in_with_pkce_reaches_graph() {
    let emu = emulator(quick_config()).await;
    let http = auth::http_client().unwrap();
    let cfg = config(&emu, "contoso.com");
    let pending = BrowserSignIn::start(&http, &cfg).await.unwrap();
    let url = pending.authorize_url().clone();
    // The "browser": follows the demo tenant's redirect to exowiz's loopback listener.
    let browser = tokio::spawn(async move {
        let page = reqwest::Client::new().get(url).send().await.unwrap();
        (page.status(), page.text().await.unwrap())
    });
    let tokens = pending
        .wait(Duration::from_secs(30))
        .await
        .expect("signed in");
    let (status, page) = browser.await.unwrap();
    assert!(status.is_success(), "{status}: {page}");
    assert!(page.contains("Signed in"), "{page}");
    let claims = tokens.claims().unwrap();
    assert_eq!(claims.tid.as_deref(), Some(emu.tenant_id().as_str()));
    assert!(
        claims
            .scopes()
            .iter()
            .any(|s| s == "Application.ReadWrite.All"),
        "{:?}",
        claims.scopes()
    );

    let graph = GraphClient::new(&cfg.endpoints, tokens.access_token.clone());
    let org = graph.organization().await.unwrap();
    assert_eq!(org.display_name.as_deref(), Some("Contoso Ltd"));
    // The authorization request carried a PKCE challenge; the token request its verifier.
    let log = emu.requests();
    let authorize = log
        .iter()
        .find(|r| r.path_and_query.contains("/oauth2/v2.0/authorize"))
        .unwrap();
    assert!(
        authorize
            .path_and_query
            .contains("code_challenge_method=S256")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_sign_in_is_approved_by_the_demo_tenant() {
    let emu = emulator(quick_config()).await;
    let http = auth::http_client().unwrap();
    let cfg = config(&emu, "organizations");
    let session = DeviceCodeFlow::start(&http, &cfg).await.unwrap();
    assert!(
        session
            .verification_uri()
            .as_str()
            .starts_with(emu.base_url().as_str())
    );
    assert!(!session.user_code().is_empty());
    let tokens = tokio::time::timeout(Duration::from_secs(30), session.poll())
        .await
        .expect("approved in time")
        .expect("signed in");
    let claims = tokens.claims().unwrap();
    assert_eq!(claims.username(), Some("admin@contoso.com"));
    assert!(
        tokens.refresh_token.is_some(),
        "offline_access gives a refresh token"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_waits_for_the_admin_when_not_auto_approved() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        auto_approve: false,
        ..quick_config()
    })
    .await;
    let http = auth::http_client().unwrap();
    let session = DeviceCodeFlow::start(&http, &config(&emu, "organizations"))
        .await
        .unwrap();
    let still_waiting = tokio::time::timeout(Duration::from_millis(2500), session.poll()).await;
    assert!(
        still_waiting.is_err(),
        "no token before the code was entered"
    );
    let polls = emu
        .requests()
        .iter()
        .filter(|r| r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .count();
    assert!(
        (1..=4).contains(&polls),
        "polled at the server's interval, not in a busy loop: {polls}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mfa_and_conditional_access_refusals_are_sentences() {
    let emu = emulator(quick_config()).await;
    let http = auth::http_client().unwrap();
    for (user, needle) in [
        ("mfa@contoso.com", "multi-factor"),
        ("blocked@contoso.com", "Conditional Access"),
    ] {
        let pending = BrowserSignIn::start(&http, &config(&emu, "contoso.com"))
            .await
            .unwrap();
        let mut url = pending.authorize_url().clone();
        url.query_pairs_mut().append_pair("login_hint", user);
        tokio::spawn(async move {
            reqwest::Client::new()
                .get(url)
                .send()
                .await
                .map(|r| r.status())
        });
        let err = pending
            .wait(Duration::from_secs(30))
            .await
            .expect_err("refused");
        assert!(err.to_string().contains(needle), "{user}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tenant_lookup_by_domain() {
    let emu = emulator(quick_config()).await;
    let http = auth::http_client().unwrap();
    let cfg = config(&emu, "organizations");
    assert_eq!(
        auth::lookup_tenant_id(&http, &cfg.endpoints, "contoso.com")
            .await
            .unwrap(),
        emu.tenant_id()
    );
    assert_eq!(
        auth::lookup_tenant_id(&http, &cfg.endpoints, "contoso.onmicrosoft.com")
            .await
            .unwrap(),
        emu.tenant_id()
    );
    let err = auth::lookup_tenant_id(&http, &cfg.endpoints, "fabrikam.example")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("fabrikam.example"), "{err}");
}

/// A tenant that blocks Microsoft Graph Command Line Tools (exowiz's default public client) by
/// disabling its enterprise app (AADSTS7000112) or requiring assignment (AADSTS50105): the
/// sentence says so and points to --client-id.
#[tokio::test(flavor = "multi_thread")]
async fn a_tenant_that_blocks_the_default_client_is_named_with_client_id() {
    let emu = emulator(quick_config()).await;
    let http = auth::http_client().unwrap();
    let token = admin_token(&emu);
    let graph_cli = "servicePrincipals(appId='14d82eec-204b-4c2f-b7e8-296a70dab67e')";
    for (patch, code) in [
        (
            serde_json::json!({"accountEnabled": false}),
            "AADSTS7000112",
        ),
        (
            serde_json::json!({"accountEnabled": true, "appRoleAssignmentRequired": true}),
            "AADSTS50105",
        ),
    ] {
        let resp = reqwest::Client::new()
            .patch(format!("{}v1.0/{graph_cli}", emu.base_url()))
            .bearer_auth(&token)
            .json(&patch)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 204, "{patch}");
        let cfg = config(&emu, "organizations");
        let session = DeviceCodeFlow::start(&http, &cfg).await.unwrap();
        let err = tokio::time::timeout(Duration::from_secs(30), session.poll())
            .await
            .expect("answered in time")
            .expect_err("refused");
        let text = err.to_string();
        assert!(text.contains(code), "{text}");
        assert!(text.contains("--client-id"), "{text}");
        assert!(
            text.contains("Microsoft Graph Command Line Tools"),
            "{text}"
        );
    }
}

/// exowiz asks only for the scopes its calls need (no Domain.Read.All: it reads no /domains).
#[tokio::test(flavor = "multi_thread")]
async fn the_sign_in_asks_only_for_the_scopes_exowiz_uses() {
    let emu = emulator(quick_config()).await;
    let http = auth::http_client().unwrap();
    let session = DeviceCodeFlow::start(&http, &config(&emu, "organizations"))
        .await
        .unwrap();
    let tokens = tokio::time::timeout(Duration::from_secs(30), session.poll())
        .await
        .expect("approved in time")
        .expect("signed in");
    // Graph permissions only (Entra also lists the OpenID scopes in `scp`).
    let mut scopes: Vec<String> = tokens
        .claims()
        .unwrap()
        .scopes()
        .into_iter()
        .filter(|s| {
            !matches!(
                s.as_str(),
                "openid" | "profile" | "email" | "offline_access"
            )
        })
        .collect();
    scopes.sort();
    assert_eq!(
        scopes,
        [
            "AppRoleAssignment.ReadWrite.All",
            "Application.ReadWrite.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "Organization.Read.All",
            "User.Read.All",
        ]
    );
}
