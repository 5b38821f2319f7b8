//! Error sentences (AADSTS mapping), secrets kept out of errors and Debug output, tokens from
//! elsewhere, and the admin consent link.

use crate::support;
use crate::support::demo_sign_in;
use crate::support::tampering_proxy;

use std::time::Duration;

use base64::Engine as _;
use demo_sign_in::{block_graph_cli, browser_follow};
use exowiz::auth::{
    self, AuthError, BrowserSignIn, DeviceCodeFlow, EntraError, SignInConfig, Tokens,
    admin_consent_url, refresh,
};
use exowiz::endpoints::{Cloud, Endpoints};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use support::{emulator, quick_config};
use tampering_proxy::{Tamper, TamperingProxy};

const TENANT_ID: &str = "4c6f1f28-5b2a-4a9e-9c1e-8a1e2b3c4d5e";
const APP_ID: &str = "11111111-2222-4333-8444-555555555555";

fn http() -> reqwest::Client {
    auth::http_client().unwrap()
}

/// Entra's error JSON, as the "Error response" sections of Microsoft's OAuth pages show it
/// (`error`, `error_description` starting with `AADSTS<code>:` and ending with trace ID,
/// correlation ID and timestamp, `error_codes`, `trace_id`, `correlation_id`;
/// <https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#error-response-1>).
/// The codes below cannot all be made to happen in the demo tenant, so their parsing is tested
/// on the body directly.
fn entra_error_body(error: &str, code: u32, text: &str) -> Value {
    let trace = "0000aaaa-11bb-cccc-dd22-eeeeee333333";
    let corr = "aaaa0000-bb11-2222-33cc-444444dddddd";
    json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: 2026-01-01 10:00:00Z"
        ),
        "error_codes": [code],
        "timestamp": "2026-01-01 10:00:00Z",
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    })
}

/// An unsigned JWT with these claims (tokens pasted from elsewhere are only read, never
/// verified, by exowiz).
fn unsigned_jwt(claims: &Value) -> String {
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        e.encode(r#"{"typ":"JWT","alg":"RS256","kid":"test"}"#),
        e.encode(claims.to_string()),
        e.encode(b"not-a-signature")
    )
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

/// Every secret of every flow — authorization code and PKCE verifier, device code, access and
/// refresh token — stays out of error texts, details and Debug output, even when the server
/// quotes them in its error (through the tampering proxy; Entra does not, see
/// tests/support/tampering_proxy.rs). The errors themselves are the demo tenant's: the tenant's
/// admin disabled Microsoft Graph Command Line Tools after the first sign-in (AADSTS7000112).
#[tokio::test]
async fn secrets_never_reach_errors_or_debug() {
    let emu = emulator(quick_config()).await;
    let proxy = TamperingProxy::start(&emu, Tamper::EchoSecretsInErrors).await;
    let cfg = SignInConfig::for_registration(proxy.endpoints.clone());
    let mut texts: Vec<String> = Vec::new();
    let last_form = |key: &str| {
        proxy
            .seen()
            .iter()
            .rev()
            .find_map(|s| s.form.get(key).cloned())
            .unwrap_or_else(|| panic!("no {key} was sent"))
    };

    // A real sign-in first, for tokens to leak and a refresh token to renew with.
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

    block_graph_cli(&emu).await;

    // Browser: the token endpoint's error quotes the code and the code verifier.
    let pending = BrowserSignIn::start(&http(), &cfg).await.unwrap();
    texts.push(format!("{pending:?}"));
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));
    let (_, page) = browser_follow(&url).await;
    let err = waiter.await.unwrap().unwrap_err();
    assert_eq!(err.aadsts(), Some(7000112), "{err:?}");
    texts.extend([err.to_string(), err.detail(), format!("{err:?}"), page]);
    let code = last_form("code");
    let verifier = last_form("code_verifier");
    assert!(
        err.detail()
            .contains("Values received: [redacted], [redacted]."),
        "{}",
        err.detail()
    );

    // Device code: the error quotes the device code.
    let session = DeviceCodeFlow::start(&http(), &cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(10), Duration::from_millis(10));
    texts.push(format!("{session:?}"));
    let err = session.poll().await.unwrap_err();
    assert_eq!(err.aadsts(), Some(7000112), "{err:?}");
    texts.extend([err.to_string(), err.detail(), format!("{err:?}")]);
    let device_code = last_form("device_code");
    assert!(
        err.detail().contains("Values received: [redacted]."),
        "{}",
        err.detail()
    );

    // Refresh: the error quotes the refresh token.
    let err = refresh(&http(), &cfg, &tokens).await.unwrap_err();
    assert_eq!(err.aadsts(), Some(7000112), "{err:?}");
    texts.extend([err.to_string(), err.detail(), format!("{err:?}")]);
    assert_eq!(last_form("refresh_token"), rt);
    assert!(
        err.detail().contains("Values received: [redacted]."),
        "{}",
        err.detail()
    );

    for secret in [&code, &verifier, &device_code, &access, &rt] {
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
    let jwt = unsigned_jwt(&json!({
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

    let expired = unsigned_jwt(&json!({"tid": TENANT_ID, "exp": 1_700_000_000}));
    let err = Tokens::from_access_token(SecretString::from(expired)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("The access token expired at 2023-11-14 22:13 UTC."),
        "{err}"
    );

    let no_tid = unsigned_jwt(&json!({"exp": exp}));
    let err = Tokens::from_access_token(SecretString::from(no_tid)).unwrap_err();
    assert!(err.to_string().contains("no tenant ID"), "{err}");
}

#[test]
fn admin_consent_link() {
    let e = Endpoints::for_cloud(Cloud::Global);
    let url = admin_consent_url(&e, TENANT_ID, APP_ID, Some("http://localhost"), "st4te");
    assert_eq!(
        url.as_str(),
        format!(
            "https://login.microsoftonline.com/{TENANT_ID}/adminconsent?client_id={APP_ID}&state=st4te&redirect_uri=http%3A%2F%2Flocalhost"
        )
    );
    let url = admin_consent_url(&e, TENANT_ID, APP_ID, None, "s");
    assert!(!url.as_str().contains("redirect_uri"));
}
