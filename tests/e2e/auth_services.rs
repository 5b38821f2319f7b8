//! Discovery, tenant lookup, client credentials and refresh against the demo tenant
//! (crates/demo-tenant/src/login), which answers as Entra documents it. Issue 15.5: no second fake
//! sign-in; the two cases the demo tenant cannot answer (an error text that quotes the secret,
//! a refresh answer without a new refresh token) go through tests/support/tampering_proxy.rs,
//! which says why.
//!
//! Sources: "OpenID Connect on the Microsoft identity platform" (discovery document,
//! <https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc>), the Microsoft
//! Entra error-code reference (AADSTS90002 invalid_tenant, AADSTS7000215 invalid_client,
//! <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>).

use crate::support::demo_sign_in;
use crate::support::emulator_api;
use crate::support::tampering_proxy;

use demo_sign_in::*;
use demo_tenant::Emulator;
use emulator_api::{add_secret, admin_token, create_app, create_sp, start};
use exowiz::auth::{
    self, AuthError, DeviceCodeFlow, SignInConfig, Tokens, client_credentials_token, discover,
    lookup_tenant_id, refresh,
};
use exowiz::endpoints::Endpoints;
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use std::time::Duration;
use tampering_proxy::{Tamper, TamperingProxy};

fn http() -> reqwest::Client {
    auth::http_client().unwrap()
}

// ---------- discovery ----------

#[tokio::test]
async fn discovery_by_guid() {
    let emu = start().await;
    let tid = emu.tenant_id();
    let base = emu.base_url();
    let doc = discover(&http(), &endpoints(&emu), &tid).await.unwrap();
    assert_eq!(doc.tenant_id.as_deref(), Some(tid.as_str()));
    assert_eq!(doc.issuer, format!("{base}{tid}/v2.0"));
    assert_eq!(
        doc.token_endpoint.as_str(),
        format!("{base}{tid}/oauth2/v2.0/token")
    );
    assert_eq!(
        doc.authorization_endpoint.as_str(),
        format!("{base}{tid}/oauth2/v2.0/authorize")
    );
    assert_eq!(
        doc.device_authorization_endpoint.unwrap().as_str(),
        format!("{base}{tid}/oauth2/v2.0/devicecode")
    );
}

#[tokio::test]
async fn discovery_by_domain_and_for_organizations() {
    let emu = start().await;
    let doc = discover(&http(), &endpoints(&emu), " Contoso.COM ")
        .await
        .unwrap();
    assert_eq!(doc.tenant_id.as_deref(), Some(emu.tenant_id().as_str()));
    let doc = discover(&http(), &endpoints(&emu), "organizations")
        .await
        .unwrap();
    assert_eq!(doc.tenant_id, None);
    assert!(
        doc.token_endpoint
            .as_str()
            .ends_with("/organizations/oauth2/v2.0/token")
    );
}

#[tokio::test]
async fn discovery_of_unknown_guid() {
    let emu = start().await;
    let err = discover(
        &http(),
        &endpoints(&emu),
        "00000000-1111-4222-8333-444444444444",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AuthError::UnknownTenant { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(
            "No Microsoft 365 tenant has the ID 00000000-1111-4222-8333-444444444444."
        ),
        "{err}"
    );
}

// ---------- tenant lookup ----------

#[tokio::test]
async fn tenant_lookup_by_domain() {
    let emu = start().await;
    let tid = emu.tenant_id();
    for d in [
        "contoso.com",
        "contoso.onmicrosoft.com",
        "ADMIN@Contoso.com",
        tid.as_str(),
    ] {
        assert_eq!(
            lookup_tenant_id(&http(), &endpoints(&emu), d)
                .await
                .unwrap(),
            tid,
            "{d}"
        );
    }
}

#[tokio::test]
async fn tenant_lookup_of_unknown_domain() {
    let emu = start().await;
    let err = lookup_tenant_id(&http(), &endpoints(&emu), "contoso.example")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::UnknownTenant { .. }), "{err:?}");
    assert_eq!(err.aadsts(), Some(90002));
    assert_eq!(
        err.to_string(),
        "No Microsoft 365 tenant uses the domain contoso.example. Check the spelling, or use the \
         organisation's onmicrosoft.com domain or its tenant ID."
    );
    // Entra's trace ID is kept for the log.
    let trace = err
        .trace_id()
        .expect("the demo tenant's trace ID")
        .to_string();
    assert!(err.detail().contains(&trace), "{}", err.detail());
}

#[tokio::test]
async fn tenant_lookup_checks_syntax_before_asking() {
    let emu = start().await;
    for (input, phrase) in [
        (
            "contoso",
            "“contoso” is not a valid domain name: it has no dot",
        ),
        (
            "a b.com",
            "“a b.com” is not a valid domain name: it contains a space",
        ),
        ("https://contoso.com/", "without http://"),
    ] {
        let err = lookup_tenant_id(&http(), &endpoints(&emu), input)
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::InvalidTenantInput(_)));
        assert!(err.to_string().contains(phrase), "{err}");
    }
    assert_eq!(discovery_requests(&emu), 0);
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn unreachable_service_is_a_sentence() {
    let port = closed_port();
    let endpoints = Endpoints::custom(
        &format!("http://127.0.0.1:{port}/"),
        &format!("http://127.0.0.1:{port}/graph/"),
    )
    .unwrap();
    let err = lookup_tenant_id(&http(), &endpoints, "contoso.com")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::Network { .. }));
    assert!(err.to_string().starts_with(&format!(
        "Could not reach the Microsoft sign-in service at 127.0.0.1:{port}."
    )));
}

#[tokio::test]
async fn non_entra_answer_is_a_sentence() {
    let emu = start().await;
    // A sign-in URL that points at the wrong path: the demo tenant answers 404 with an HTML
    // page, not Entra JSON.
    let endpoints = Endpoints::custom(
        &format!("{}nothing/here/", emu.base_url()),
        emu.base_url().as_str(),
    )
    .unwrap();
    let err = discover(&http(), &endpoints, "contoso.com")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::BadResponse { status: 404, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("was not found (HTTP 404)"),
        "{err}"
    );
}

// ---------- client credentials ----------

// Roles, no roles and AADSTS7000215 run against the demo tenant in
// tests/tenant/client_credentials_demo_tenant.rs. This one goes through the tampering proxy, which
// makes the error text quote the wrong secret (Entra does not) to prove the client scrubs it.
#[tokio::test]
async fn client_credentials_with_wrong_secret() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Connector", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap().to_string();
    add_secret(&emu, &admin, app["id"].as_str().unwrap()).await;
    create_sp(&emu, &admin, &app_id).await;
    let proxy = TamperingProxy::start(&emu, Tamper::EchoSecretsInErrors).await;
    let wrong = "Qq8Q~thisisthewrongsecretvalue0123456789";
    let err = client_credentials_token(
        &http(),
        &proxy.endpoints,
        &emu.tenant_id(),
        &app_id,
        &SecretString::from(wrong),
        &format!("{}/.default", proxy.endpoints.graph_resource()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.aadsts(), Some(7000215), "{err:?}");
    assert!(err.to_string().starts_with("The client secret is wrong."));
    for text in [err.to_string(), err.detail(), format!("{err:?}")] {
        assert!(!text.contains(wrong), "{text}");
    }
    // Entra's own words are kept for the log, with the secret removed.
    assert!(err.detail().contains("Invalid client secret provided"));
    assert!(
        err.detail().contains("Values received: [redacted]."),
        "{}",
        err.detail()
    );
}

// ---------- refresh ----------

/// A device-code sign-in the demo tenant approves at once.
async fn device_sign_in(cfg: &SignInConfig) -> Tokens {
    DeviceCodeFlow::start(&http(), cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(10), Duration::from_millis(10))
        .poll()
        .await
        .expect("signed in")
}

fn token_paths(emu: &Emulator) -> Vec<String> {
    emu.requests()
        .into_iter()
        .filter(|r| r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .map(|r| r.path_and_query)
        .collect()
}

#[tokio::test]
async fn refresh_uses_the_users_tenant_and_keeps_working() {
    let emu = start().await;
    let cfg = config(&emu);
    let first = device_sign_in(&cfg).await;
    let second = refresh(&http(), &cfg, &first).await.unwrap();
    let paths = token_paths(&emu);
    assert_eq!(
        paths.last().unwrap(),
        &format!("/{}/oauth2/v2.0/token", emu.tenant_id()),
        "refresh goes to the user's own tenant"
    );
    assert_ne!(
        second.access_token.expose_secret(),
        first.access_token.expose_secret()
    );
    assert_ne!(
        second.refresh_token.as_ref().unwrap().expose_secret(),
        first.refresh_token.as_ref().unwrap().expose_secret()
    );
    // The renewed token carries the scopes the client asked for again.
    let mut scopes = second.claims().unwrap().scopes();
    scopes.sort();
    for wanted in auth::REGISTRATION_GRAPH_SCOPES {
        assert!(scopes.iter().any(|s| s == wanted), "{wanted}: {scopes:?}");
    }
    // And it renews again with the new refresh token.
    refresh(&http(), &cfg, &second).await.unwrap();
    assert_eq!(token_paths(&emu).len(), 3);
}

/// A new refresh token on refresh is optional (RFC 6749 §6); without one the old one is kept.
#[tokio::test]
async fn refresh_keeps_the_old_refresh_token_when_none_comes_back() {
    let emu = start().await;
    let proxy = TamperingProxy::start(&emu, Tamper::NoRefreshTokenOnRefresh).await;
    let cfg = SignInConfig::for_registration(proxy.endpoints.clone());
    let first = device_sign_in(&cfg).await;
    let second = refresh(&http(), &cfg, &first).await.unwrap();
    assert_eq!(
        second.refresh_token.as_ref().unwrap().expose_secret(),
        first.refresh_token.as_ref().unwrap().expose_secret()
    );
    assert_ne!(
        second.access_token.expose_secret(),
        first.access_token.expose_secret()
    );
}

/// Without `offline_access` Entra issues no refresh token, and there is nothing to renew with.
#[tokio::test]
async fn refresh_without_refresh_token() {
    let emu = start().await;
    let mut cfg = config(&emu);
    cfg.scopes.retain(|s| s != "offline_access");
    let tokens = device_sign_in(&cfg).await;
    assert!(tokens.refresh_token.is_none());
    let before = token_paths(&emu).len();
    let err = refresh(&http(), &cfg, &tokens).await.unwrap_err();
    assert!(matches!(err, AuthError::NoRefreshToken));
    assert_eq!(token_paths(&emu).len(), before, "nothing was asked");
}
