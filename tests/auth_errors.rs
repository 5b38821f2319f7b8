//! Error sentences (AADSTS mapping), secrets kept out of errors and Debug output, tokens from
//! elsewhere, and the admin consent link.

#[path = "common/auth_server.rs"]
mod auth_server;

use std::time::Duration;

use auth_server::*;
use exowiz::auth::{
    self, AuthError, BrowserSignIn, DeviceCodeFlow, EntraError, SignInConfig, Tokens,
    admin_consent_url, refresh,
};
use exowiz::endpoints::{Cloud, Endpoints};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

fn http() -> reqwest::Client {
    auth::http_client().unwrap()
}

fn entra(code: u32, error: &str) -> AuthError {
    let body = entra_error_body(error, code, "Some text from Entra.").to_string();
    EntraError::parse(400, "login.microsoftonline.com", &body)
        .unwrap()
        .with_context(
            Some("c0ffee00-0000-4000-8000-000000000001"),
            Some("contoso.com"),
        )
        .into()
}

#[test]
fn aadsts_codes_map_to_sentences() {
    let table: &[(u32, &str, &str)] = &[
        (
            50076,
            "invalid_grant",
            "requires multi-factor authentication",
        ),
        (50076, "invalid_grant", "Use the browser sign-in"),
        (50079, "interaction_required", "has not set it up yet"),
        (
            53003,
            "invalid_grant",
            "A Conditional Access policy blocked this sign-in",
        ),
        (53003, "invalid_grant", "compliant device"),
        (
            530003,
            "invalid_grant",
            "managed (compliant or hybrid-joined) device",
        ),
        (50105, "invalid_grant", "not assigned to this app"),
        (65001, "invalid_grant", "cannot grant them"),
        (
            700016,
            "unauthorized_client",
            "c0ffee00-0000-4000-8000-000000000001 was not found",
        ),
        (700016, "unauthorized_client", "--client-id"),
        (7000215, "invalid_client", "The client secret is wrong"),
        (7000222, "invalid_client", "The client secret has expired"),
        (7000218, "invalid_client", "Allow public client flows"),
        (50126, "invalid_grant", "user name or password is wrong"),
        (70000, "invalid_grant", "Sign in again"),
        (70008, "invalid_grant", "expired"),
        (700082, "invalid_grant", "The saved sign-in has expired"),
        (
            50020,
            "invalid_request",
            "does not belong to this organisation",
        ),
        (
            50034,
            "invalid_grant",
            "does not belong to this organisation",
        ),
        (50058, "invalid_grant", "Sign in again interactively"),
        (90072, "invalid_grant", "not a guest in this tenant"),
        (
            90002,
            "invalid_tenant",
            "No Microsoft 365 tenant uses the domain contoso.com",
        ),
    ];
    for (code, error, phrase) in table {
        let err = entra(*code, error);
        let text = err.to_string();
        assert!(text.contains(phrase), "AADSTS{code}: {text}");
        assert!(
            !text.contains("Some text from Entra"),
            "AADSTS{code}: {text}"
        );
        assert_eq!(err.aadsts(), Some(*code));
        assert!(
            err.detail()
                .contains("0000aaaa-11bb-cccc-dd22-eeeeee333333"),
            "{code}"
        );
        if *code != 90002 {
            assert!(text.contains(&format!("(AADSTS{code})")), "{text}");
            assert!(
                err.detail()
                    .contains("aaaa0000-bb11-2222-33cc-444444dddddd"),
                "{code}"
            );
        }
    }
}

#[test]
fn unknown_code_names_code_and_trace_id() {
    let err = entra(9999999, "invalid_request");
    let text = err.to_string();
    assert_eq!(
        text,
        "Microsoft sign-in refused the request with error AADSTS9999999: Some text from Entra. \
         Trace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333."
    );
    assert_eq!(err.trace_id(), Some("0000aaaa-11bb-cccc-dd22-eeeeee333333"));
}

#[test]
fn oauth_errors_without_known_code() {
    let body = json!({"error": "temporarily_unavailable"}).to_string();
    let err: AuthError = EntraError::parse(503, "login.example", &body)
        .unwrap()
        .into();
    assert!(err.to_string().contains("has a temporary problem"), "{err}");
}

#[tokio::test]
async fn secrets_never_reach_errors_or_debug() {
    let server = AuthServer::start().await;
    server.with(|s| {
        s.echo_secrets_in_errors = true;
        s.force_token_error = Some(("invalid_grant".into(), 9002313));
    });
    let cfg = SignInConfig::for_registration(server.endpoints.clone());
    let mut texts: Vec<String> = Vec::new();

    // Browser: the token endpoint echoes the code and the code verifier.
    let pending = BrowserSignIn::start(&http(), &cfg).await.unwrap();
    texts.push(format!("{pending:?}"));
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let (_, page) = browser_follow(&url).await;
    let err = waiter.await.unwrap().unwrap_err();
    texts.extend([err.to_string(), err.detail(), format!("{err:?}"), page]);
    let (_, form) = server.with(|s| s.token_requests.last().unwrap().clone());
    let code = form["code"].clone();
    let verifier = form["code_verifier"].clone();
    assert!(
        err.detail()
            .contains("Values received: [redacted], [redacted]"),
        "{}",
        err.detail()
    );

    // Device code: the token endpoint echoes the device code.
    let session = DeviceCodeFlow::start(&http(), &cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(10), Duration::from_millis(10));
    texts.push(format!("{session:?}"));
    let err = session.poll().await.unwrap_err();
    texts.extend([err.to_string(), err.detail(), format!("{err:?}")]);

    // Tokens and refresh: a real sign-in, then a refresh whose error echoes the refresh token.
    server.with(|s| s.force_token_error = None);
    let session = DeviceCodeFlow::start(&http(), &cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(10), Duration::from_millis(10));
    let tokens = session.poll().await.unwrap();
    texts.push(format!("{tokens:?}"));
    let access = tokens.access_token.expose_secret().to_string();
    let rt = tokens
        .refresh_token
        .as_ref()
        .unwrap()
        .expose_secret()
        .to_string();
    server.with(|s| s.issued_refresh_tokens.clear());
    let err = refresh(&http(), &cfg, &tokens).await.unwrap_err();
    texts.extend([err.to_string(), err.detail(), format!("{err:?}")]);
    assert!(
        err.detail().contains("Token: [redacted]"),
        "{}",
        err.detail()
    );

    for secret in [&code, &verifier, &DEVICE_CODE.to_string(), &access, &rt] {
        assert!(secret.len() > 20);
        for t in &texts {
            assert!(!t.contains(secret.as_str()), "{secret} leaked in: {t}");
        }
    }
}

#[test]
fn malformed_token_sentence_does_not_echo_the_token() {
    let garbage = "eyJhbGciOiJSUzI1NiJ9.this-is-not-base64!!!.c2ln";
    let err = Tokens::from_access_token(SecretString::from(garbage)).unwrap_err();
    assert!(matches!(err, AuthError::MalformedToken(_)));
    let text = err.to_string();
    assert!(
        text.starts_with("The access token cannot be used: its payload is not base64url-encoded."),
        "{text}"
    );
    assert!(!text.contains("this-is-not-base64"));
    let err = Tokens::from_access_token(SecretString::from("not a token")).unwrap_err();
    assert!(err.to_string().contains("three dot-separated parts"));
}

#[test]
fn token_from_elsewhere() {
    let exp = chrono::Utc::now().timestamp() + 1800;
    let jwt = fake_jwt(&json!({
        "aud": "https://graph.microsoft.com",
        "tid": TENANT_ID,
        "upn": "ada@contoso.com",
        "scp": "Application.ReadWrite.All User.Read",
        "appid": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
        "exp": exp,
    }));
    let tokens =
        Tokens::from_access_token(SecretString::from(format!("  \"Bearer {jwt}\"\n"))).unwrap();
    assert_eq!(tokens.access_token.expose_secret(), jwt);
    assert_eq!(tokens.expires_at.timestamp(), exp);
    assert_eq!(
        tokens.scopes,
        vec!["Application.ReadWrite.All", "User.Read"]
    );
    assert!(tokens.refresh_token.is_none());
    let claims = tokens.claims().unwrap();
    assert_eq!(claims.tid.as_deref(), Some(TENANT_ID));
    assert!(claims.is_for_graph(&Endpoints::for_cloud(Cloud::Global)));
    assert!(!format!("{tokens:?}").contains(&jwt));

    let expired = fake_jwt(&json!({"tid": TENANT_ID, "exp": 1_700_000_000}));
    let err = Tokens::from_access_token(SecretString::from(expired)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("The access token expired at 2023-11-14 22:13 UTC."),
        "{err}"
    );

    let no_tid = fake_jwt(&json!({"exp": exp}));
    let err = Tokens::from_access_token(SecretString::from(no_tid)).unwrap_err();
    assert!(err.to_string().contains("no tenant ID"), "{err}");
}

#[test]
fn admin_consent_link() {
    let e = Endpoints::for_cloud(Cloud::Global);
    let url = admin_consent_url(
        &e,
        TENANT_ID,
        APP_WITH_ROLES,
        Some("http://localhost"),
        "st4te",
    );
    assert_eq!(
        url.as_str(),
        format!(
            "https://login.microsoftonline.com/{TENANT_ID}/adminconsent?client_id={APP_WITH_ROLES}&state=st4te&redirect_uri=http%3A%2F%2Flocalhost"
        )
    );
    let url = admin_consent_url(&e, TENANT_ID, APP_WITH_ROLES, None, "s");
    assert!(!url.as_str().contains("redirect_uri"));
}
