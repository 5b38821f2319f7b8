//! Discovery, tenant lookup, client credentials and refresh against a local Entra stand-in.

#[path = "common/auth_server.rs"]
mod auth_server;

use auth_server::*;
use exowiz::auth::{
    self, AuthError, DeviceCodeFlow, SignInConfig, Tokens, client_credentials_token, discover,
    lookup_tenant_id, refresh,
};
use exowiz::endpoints::Endpoints;
use secrecy::{ExposeSecret, SecretString};
use std::time::Duration;

fn http() -> reqwest::Client {
    auth::http_client().unwrap()
}

// ---------- discovery ----------

#[tokio::test]
async fn discovery_by_guid() {
    let server = AuthServer::start().await;
    let doc = discover(&http(), &server.endpoints, TENANT_ID)
        .await
        .unwrap();
    assert_eq!(doc.tenant_id.as_deref(), Some(TENANT_ID));
    assert_eq!(doc.issuer, format!("{}{TENANT_ID}/v2.0", server.base));
    assert_eq!(
        doc.token_endpoint.as_str(),
        format!("{}{TENANT_ID}/oauth2/v2.0/token", server.base)
    );
    assert_eq!(
        doc.authorization_endpoint.as_str(),
        format!("{}{TENANT_ID}/oauth2/v2.0/authorize", server.base)
    );
    assert_eq!(
        doc.device_authorization_endpoint.unwrap().as_str(),
        format!("{}{TENANT_ID}/oauth2/v2.0/devicecode", server.base)
    );
}

#[tokio::test]
async fn discovery_by_domain_and_for_organizations() {
    let server = AuthServer::start().await;
    let doc = discover(&http(), &server.endpoints, " Contoso.COM ")
        .await
        .unwrap();
    assert_eq!(doc.tenant_id.as_deref(), Some(TENANT_ID));
    let doc = discover(&http(), &server.endpoints, "organizations")
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
    let server = AuthServer::start().await;
    let err = discover(
        &http(),
        &server.endpoints,
        "00000000-1111-4222-8333-444444444444",
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AuthError::UnknownTenant { .. }));
    assert!(
        err.to_string().starts_with(
            "No Microsoft 365 tenant has the ID 00000000-1111-4222-8333-444444444444."
        )
    );
}

// ---------- tenant lookup ----------

#[tokio::test]
async fn tenant_lookup_by_domain() {
    let server = AuthServer::start().await;
    for d in [
        "contoso.com",
        "contoso.onmicrosoft.com",
        "ADMIN@Contoso.com",
        TENANT_ID,
    ] {
        assert_eq!(
            lookup_tenant_id(&http(), &server.endpoints, d)
                .await
                .unwrap(),
            TENANT_ID,
            "{d}"
        );
    }
}

#[tokio::test]
async fn tenant_lookup_of_unknown_domain() {
    let server = AuthServer::start().await;
    let err = lookup_tenant_id(&http(), &server.endpoints, "contoso.example")
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::UnknownTenant { .. }), "{err:?}");
    assert_eq!(err.aadsts(), Some(90002));
    assert_eq!(
        err.to_string(),
        "No Microsoft 365 tenant uses the domain contoso.example. Check the spelling, or use the \
         organisation's onmicrosoft.com domain or its tenant ID."
    );
    assert!(
        err.detail()
            .contains("0000aaaa-11bb-cccc-dd22-eeeeee333333")
    );
}

#[tokio::test]
async fn tenant_lookup_checks_syntax_before_asking() {
    let server = AuthServer::start().await;
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
        let err = lookup_tenant_id(&http(), &server.endpoints, input)
            .await
            .unwrap_err();
        assert!(matches!(err, AuthError::InvalidTenantInput(_)));
        assert!(err.to_string().contains(phrase), "{err}");
    }
    assert_eq!(server.with(|s| s.discovery_hits), 0);
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
    let server = AuthServer::start().await;
    // A sign-in URL that points at the wrong path: the server answers 404 without Entra JSON.
    let endpoints = Endpoints::custom(
        &format!("{}nothing/here/", server.base),
        &format!("{}graph/", server.base),
    )
    .unwrap();
    let err = discover(&http(), &endpoints, "contoso.com")
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::BadResponse { status: 404, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("was not found (HTTP 404)"));
}

// ---------- client credentials ----------

// Roles, no roles and AADSTS7000215 run against the demo tenant in
// tests/client_credentials_demo_tenant.rs. This one stays on the fake because it makes the
// server echo the wrong secret in its error text (the demo tenant does not) to prove the client
// scrubs it.
#[tokio::test]
async fn client_credentials_with_wrong_secret() {
    let server = AuthServer::start().await;
    server.with(|s| s.echo_secrets_in_errors = true);
    let wrong = "Qq8Q~thisisthewrongsecretvalue0123456789";
    let err = client_credentials_token(
        &http(),
        &server.endpoints,
        TENANT_ID,
        APP_WITH_ROLES,
        &SecretString::from(wrong),
        &format!("{}/.default", server.endpoints.graph_resource()),
    )
    .await
    .unwrap_err();
    assert_eq!(err.aadsts(), Some(7000215));
    assert!(err.to_string().starts_with("The client secret is wrong."));
    for text in [err.to_string(), err.detail(), format!("{err:?}")] {
        assert!(!text.contains(wrong), "{text}");
    }
    // Entra's own words are kept for the log, with the secret removed.
    assert!(err.detail().contains("Invalid client secret provided"));
    assert!(err.detail().contains("[redacted]"));
}

// ---------- refresh ----------

async fn device_sign_in(server: &AuthServer, cfg: &SignInConfig) -> Tokens {
    DeviceCodeFlow::start(&http(), cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(10), Duration::from_millis(10))
        .poll()
        .await
        .unwrap_or_else(|e| panic!("{e} / {:?}", server.with(|s| s.token_requests.len())))
}

#[tokio::test]
async fn refresh_uses_the_users_tenant_and_keeps_working() {
    let server = AuthServer::start().await;
    let cfg = SignInConfig::for_registration(server.endpoints.clone());
    let first = device_sign_in(&server, &cfg).await;
    let second = refresh(&http(), &cfg, &first).await.unwrap();
    let (tenant, form) = server.with(|s| s.token_requests.last().unwrap().clone());
    assert_eq!(tenant, TENANT_ID, "refresh goes to the user's own tenant");
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(
        form["refresh_token"],
        first.refresh_token.as_ref().unwrap().expose_secret()
    );
    assert_eq!(form["scope"], cfg.scopes.join(" "));
    assert_ne!(
        second.access_token.expose_secret(),
        first.access_token.expose_secret()
    );
    assert_ne!(
        second.refresh_token.as_ref().unwrap().expose_secret(),
        first.refresh_token.as_ref().unwrap().expose_secret()
    );
    // The old refresh token was used up; the service says it expired.
    let err = refresh(&http(), &cfg, &first).await.unwrap_err();
    assert_eq!(err.aadsts(), Some(700082));
    assert!(err.to_string().starts_with("The saved sign-in has expired"));
}

#[tokio::test]
async fn refresh_keeps_the_old_refresh_token_when_none_comes_back() {
    let server = AuthServer::start().await;
    let cfg = SignInConfig::for_registration(server.endpoints.clone());
    let first = device_sign_in(&server, &cfg).await;
    server.with(|s| s.refresh_without_new_rt = true);
    let second = refresh(&http(), &cfg, &first).await.unwrap();
    assert_eq!(
        second.refresh_token.as_ref().unwrap().expose_secret(),
        first.refresh_token.as_ref().unwrap().expose_secret()
    );
}

#[tokio::test]
async fn refresh_without_refresh_token() {
    let server = AuthServer::start().await;
    let mut cfg = SignInConfig::for_registration(server.endpoints.clone());
    cfg.scopes.retain(|s| s != "offline_access");
    let tokens = device_sign_in(&server, &cfg).await;
    assert!(tokens.refresh_token.is_none());
    let err = refresh(&http(), &cfg, &tokens).await.unwrap_err();
    assert!(matches!(err, AuthError::NoRefreshToken));
}
