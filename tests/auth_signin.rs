//! Browser sign-in (authorization code + PKCE, loopback) and device-code sign-in against a
//! local Entra stand-in on 127.0.0.1.

#[path = "common/auth_server.rs"]
mod auth_server;

use std::collections::HashMap;
use std::time::Duration;

use auth_server::*;
use exowiz::auth::{self, AuthError, BrowserSignIn, DeviceCodeFlow, SignInConfig, sign_in_browser};
use secrecy::ExposeSecret;

fn config(server: &AuthServer) -> SignInConfig {
    SignInConfig::for_registration(server.endpoints.clone())
}

fn http() -> reqwest::Client {
    auth::http_client().unwrap()
}

// ---------- browser sign-in ----------

#[tokio::test]
async fn browser_sign_in_exchanges_code_with_matching_verifier() {
    let server = AuthServer::start().await;
    let cfg = config(&server);
    let pending = BrowserSignIn::start(&http(), &cfg).await.unwrap();

    let url = pending.authorize_url().clone();
    let q: HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert!(url.as_str().starts_with(&format!(
        "{}organizations/oauth2/v2.0/authorize?",
        server.base
    )));
    assert_eq!(q["client_id"], auth::GRAPH_CLI_CLIENT_ID);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["response_mode"], "query");
    assert_eq!(q["prompt"], "select_account");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(
        q["redirect_uri"],
        format!("http://localhost:{}", pending.port())
    );
    assert_eq!(pending.redirect_uri(), q["redirect_uri"]);
    assert!(q["scope"].contains(&server.endpoints.graph_scope("Application.ReadWrite.All")));
    assert!(q["scope"].contains("offline_access"));
    assert!(q["state"].len() >= 16);

    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let (status, page) = browser_follow(&url).await;
    let tokens = waiter.await.unwrap().unwrap();

    assert_eq!(status, 200);
    assert!(
        page.contains("Signed in. You can close this tab and return to exowiz."),
        "{page}"
    );
    assert_eq!(server.with(|s| s.pkce_checks.clone()), vec![true]);
    let (tenant, form) = server.with(|s| s.token_requests[0].clone());
    assert_eq!(tenant, "organizations");
    assert_eq!(form["grant_type"], "authorization_code");
    assert_eq!(form["redirect_uri"], q["redirect_uri"]);
    assert_eq!(form["client_id"], auth::GRAPH_CLI_CLIENT_ID);
    assert!(form["scope"].contains("offline_access"));
    assert!(!form.contains_key("client_secret"));
    assert_eq!(s256(&form["code_verifier"]), q["code_challenge"]);

    let claims = tokens.claims().unwrap();
    assert_eq!(claims.tid.as_deref(), Some(TENANT_ID));
    assert_eq!(claims.username(), Some("admin@contoso.onmicrosoft.com"));
    assert!(
        claims
            .scopes()
            .contains(&"Application.ReadWrite.All".to_string())
    );
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.expires_at > chrono::Utc::now() + chrono::Duration::minutes(50));
    assert_eq!(
        tokens.access_token.expose_secret(),
        server.with(|s| s.issued_access_tokens[0].clone())
    );
}

#[tokio::test]
async fn one_shot_sign_in_uses_the_opener() {
    let server = AuthServer::start().await;
    let cfg = config(&server).with_tenant("contoso.com");
    let opened = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = opened.clone();
    let tokens = sign_in_browser(
        &http(),
        &cfg,
        move |url| {
            *seen.lock().unwrap() = Some(url.clone());
            let url = url.clone();
            tokio::spawn(async move { browser_follow(&url).await });
            Ok(())
        },
        Duration::from_secs(10),
    )
    .await
    .unwrap();
    let url = opened.lock().unwrap().clone().unwrap();
    // Endpoints come from the discovery document (which names the tenant GUID).
    assert!(
        url.as_str()
            .starts_with(&format!("{}{TENANT_ID}/oauth2/v2.0/authorize", server.base))
    );
    assert_eq!(tokens.claims().unwrap().tid.as_deref(), Some(TENANT_ID));
}

#[tokio::test]
async fn opener_failure_is_a_sentence() {
    let server = AuthServer::start().await;
    let err = sign_in_browser(
        &http(),
        &config(&server),
        |_| Err("no display".into()),
        Duration::from_secs(10),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, AuthError::BrowserOpen(_)));
    assert!(
        err.to_string()
            .contains("Could not open a web browser (no display)")
    );
    assert!(err.to_string().contains("--device-code"));
}

/// Issue 14.9: anyone on the machine can reach the loopback listener. A redirect whose `state`
/// is not the one exowiz sent — with a code or with an error — is answered with a page and
/// ignored: no code is redeemed and the wait goes on, so the admin's real redirect still
/// signs in.
#[tokio::test]
async fn a_wrong_state_is_ignored_and_the_real_redirect_still_signs_in() {
    let server = AuthServer::start().await;
    server.with(|s| s.authorize_mode = AuthorizeMode::WrongState);
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let url = pending.authorize_url().clone();
    let port = pending.port();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let (status, page) = browser_follow(&url).await;
    assert_eq!(status, 400);
    assert!(
        page.contains("does not belong to the sign-in exowiz started"),
        "{page}"
    );
    // A forged error with a made-up state does not end the wait either.
    let forged = reqwest::get(format!(
        "http://127.0.0.1:{port}/?error=access_denied&state=guessed"
    ))
    .await
    .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(!waiter.is_finished(), "a wrong state ended the wait");
    assert!(server.with(|s| s.token_requests.is_empty()));

    server.with(|s| s.authorize_mode = AuthorizeMode::Redirect);
    let (status, page) = browser_follow(&url).await;
    assert_eq!(status, 200, "{page}");
    let tokens = waiter.await.unwrap().unwrap();
    assert_eq!(tokens.claims().unwrap().tid.as_deref(), Some(TENANT_ID));
    assert_eq!(server.with(|s| s.token_requests.len()), 1);
}

#[tokio::test]
async fn declined_consent_gives_a_sentence() {
    let server = AuthServer::start().await;
    server.with(|s| s.authorize_mode = AuthorizeMode::DenyConsent);
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let (status, page) = browser_follow(&url).await;
    let err = waiter.await.unwrap().unwrap_err();
    assert_eq!(err.aadsts(), Some(65004));
    let text = err.to_string();
    assert!(text.contains("The permissions were not accepted"), "{text}");
    assert_eq!(err.trace_id(), Some("5e1d2f3a-0000-4000-8000-000000000001"));
    assert!(
        err.detail()
            .contains("5e1d2f3a-0000-4000-8000-000000000002")
    );
    assert_eq!(status, 400);
    assert!(page.contains("Sign-in failed."), "{page}");
}

#[tokio::test]
async fn access_denied_without_details_gives_a_sentence() {
    let server = AuthServer::start().await;
    server.with(|s| s.authorize_mode = AuthorizeMode::DenyPlain);
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let (_, page) = browser_follow(&url).await;
    let err = waiter.await.unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "The sign-in was cancelled or access was denied in the browser. Start the sign-in again if that was a mistake."
    );
    assert!(page.contains("cancelled or access was denied"), "{page}");
}

#[tokio::test]
async fn stray_requests_do_not_end_the_wait() {
    let server = AuthServer::start().await;
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let url = pending.authorize_url().clone();
    let port = pending.port();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let stray = reqwest::get(format!("http://127.0.0.1:{port}/"))
        .await
        .unwrap();
    assert_eq!(stray.status(), 400);
    assert!(
        stray
            .text()
            .await
            .unwrap()
            .contains("waits for Microsoft&#39;s answer")
    );
    let other = reqwest::get(format!("http://127.0.0.1:{port}/favicon.ico"))
        .await
        .unwrap();
    assert_eq!(other.status(), 404);
    let (status, _) = browser_follow(&url).await;
    assert_eq!(status, 200);
    waiter.await.unwrap().unwrap();
    // The listener is closed once the sign-in is over.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn browser_wait_times_out_with_a_sentence() {
    let server = AuthServer::start().await;
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let port = pending.port();
    let started = std::time::Instant::now();
    let err = pending.wait(Duration::from_millis(300)).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(matches!(err, AuthError::BrowserTimeout { .. }));
    assert!(
        err.to_string()
            .starts_with("No sign-in arrived from the browser within 300 ms.")
    );
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_wait_closes_the_listener() {
    let server = AuthServer::start().await;
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let port = pending.port();
    let task = tokio::spawn(pending.wait(Duration::from_secs(60)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    );
    task.abort();
    let _ = task.await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn token_error_after_redirect_reaches_browser_and_caller() {
    let server = AuthServer::start().await;
    server.with(|s| s.force_token_error = Some(("invalid_grant".into(), 53003)));
    let pending = BrowserSignIn::start(&http(), &config(&server))
        .await
        .unwrap();
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(10)));
    let (status, page) = browser_follow(&url).await;
    let err = waiter.await.unwrap().unwrap_err();
    assert!(
        err.to_string()
            .contains("A Conditional Access policy blocked this sign-in")
    );
    assert_eq!(status, 400);
    assert!(
        page.contains("A Conditional Access policy blocked this sign-in"),
        "{page}"
    );
}

// ---------- device code ----------

// Pending-then-approved, slow_down (with RFC 8628's real 5-second step) and declined run
// against the demo tenant in tests/device_code_demo_tenant.rs.

#[tokio::test]
async fn device_code_expired_by_server() {
    let server = AuthServer::start().await;
    server.with(|s| s.device_script.extend([DeviceAnswer::Expired]));
    let session = DeviceCodeFlow::start(&http(), &config(&server))
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(20), Duration::from_millis(20));
    let err = session.poll().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The code expired before sign-in finished. Start again."
    );
}

#[tokio::test]
async fn device_code_expires_locally_without_polling_forever() {
    let server = AuthServer::start().await;
    server.with(|s| {
        s.device_expires_in = 1;
        s.device_script
            .extend(std::iter::repeat_n(DeviceAnswer::Pending, 100));
    });
    let session = DeviceCodeFlow::start(&http(), &config(&server))
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(200), Duration::from_millis(200));
    let err = tokio::time::timeout(Duration::from_secs(5), session.poll())
        .await
        .expect("poll must stop at expiry")
        .unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeExpired));
    assert!(server.with(|s| s.device_polls.len()) <= 5);
}

#[tokio::test]
async fn dropping_the_poll_stops_polling() {
    let server = AuthServer::start().await;
    server.with(|s| {
        s.device_script
            .extend(std::iter::repeat_n(DeviceAnswer::Pending, 100))
    });
    let session = DeviceCodeFlow::start(&http(), &config(&server))
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(50), Duration::from_millis(50));
    let _ = tokio::time::timeout(Duration::from_millis(280), session.poll()).await;
    let after_drop = server.with(|s| s.device_polls.len());
    assert!(after_drop >= 1, "{after_drop}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.with(|s| s.device_polls.len()), after_drop);
}

#[tokio::test]
async fn device_code_with_app_that_disallows_public_flows() {
    let server = AuthServer::start().await;
    let cfg = config(&server).with_client_id(CONFIDENTIAL_ONLY_CLIENT);
    let session = DeviceCodeFlow::start(&http(), &cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(20), Duration::from_millis(20));
    let err = session.poll().await.unwrap_err();
    assert_eq!(err.aadsts(), Some(7000218));
    let text = err.to_string();
    assert!(text.contains(CONFIDENTIAL_ONLY_CLIENT), "{text}");
    assert!(text.contains("Allow public client flows"), "{text}");
}

#[tokio::test]
async fn device_code_with_unknown_app() {
    let server = AuthServer::start().await;
    let cfg = config(&server).with_client_id("deadbeef-0000-4000-8000-000000000000");
    let err = DeviceCodeFlow::start(&http(), &cfg).await.unwrap_err();
    assert_eq!(err.aadsts(), Some(700016));
    let text = err.to_string();
    assert!(
        text.contains("deadbeef-0000-4000-8000-000000000000 was not found"),
        "{text}"
    );
    assert!(text.contains("--client-id"), "{text}");
}

#[tokio::test]
async fn device_code_not_offered() {
    let server = AuthServer::start().await;
    server.with(|s| s.no_device_endpoint = true);
    let err = DeviceCodeFlow::start(&http(), &config(&server))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeUnsupported { .. }));
    assert!(err.to_string().contains("Use the browser sign-in instead"));
}
