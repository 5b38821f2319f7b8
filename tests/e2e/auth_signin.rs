//! Browser sign-in (authorization code + PKCE, loopback) and device-code sign-in against the
//! demo tenant (crates/demo-tenant/src/login), which checks the PKCE verifier, the redirect URI and the
//! client as Entra does. Issue 15.5: no second fake sign-in; the one case the demo tenant
//! cannot answer (a server that outlives the announced device-code lifetime) goes through
//! tests/support/tampering_proxy.rs, which says why.
//!
//! Sources: "Microsoft identity platform and OAuth 2.0 authorization code flow"
//! (<https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow>),
//! "OAuth 2.0 device authorization grant"
//! (<https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code>).

use crate::support;
use crate::support::demo_sign_in;
use crate::support::tampering_proxy;

use std::collections::HashMap;
use std::time::Duration;

use demo_sign_in::*;
use demo_tenant::{Emulator, EmulatorConfig};
use exowiz::auth::{self, AuthError, BrowserSignIn, DeviceCodeFlow, SignInConfig, sign_in_browser};
use serde_json::json;
use support::*;
use tampering_proxy::{Tamper, TamperingProxy};

fn http() -> reqwest::Client {
    auth::http_client().unwrap()
}

fn query(url: &url::Url) -> HashMap<String, String> {
    url.query_pairs().into_owned().collect()
}

// ---------- browser sign-in ----------

#[tokio::test]
async fn browser_sign_in_exchanges_code_with_matching_verifier() {
    let emu = emulator(quick_config()).await;
    let cfg = config(&emu);
    let pending = BrowserSignIn::start(&http(), &cfg).await.unwrap();

    let url = pending.authorize_url().clone();
    let q = query(&url);
    assert!(url.as_str().starts_with(&format!(
        "{}organizations/oauth2/v2.0/authorize?",
        emu.base_url()
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
    assert!(q["scope"].contains(&cfg.endpoints.graph_scope("Application.ReadWrite.All")));
    assert!(q["scope"].contains("offline_access"));
    assert!(q["state"].len() >= 16);

    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));
    let (status, page) = browser_follow(&url).await;
    let tokens = waiter.await.unwrap().unwrap();

    assert_eq!(status, 200);
    assert!(
        page.contains("Signed in. You can close this tab and return to exowiz."),
        "{page}"
    );
    // The demo tenant redeemed the code only because the verifier matched the challenge and
    // the redirect URI and client were the authorize request's (AADSTS501481 / 500112 /
    // 70000 otherwise), and a public client sent no secret (AADSTS700025 otherwise).
    let log = emu.requests();
    let exchanges: Vec<_> = log
        .iter()
        .filter(|r| r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .collect();
    assert_eq!(exchanges.len(), 1);
    assert_eq!(
        exchanges[0].path_and_query,
        "/organizations/oauth2/v2.0/token"
    );
    assert_eq!(exchanges[0].status, 200);

    let claims = tokens.claims().unwrap();
    assert_eq!(claims.tid.as_deref(), Some(emu.tenant_id().as_str()));
    assert_eq!(claims.username(), Some("admin@contoso.com"));
    assert!(
        claims
            .scopes()
            .contains(&"Application.ReadWrite.All".to_string())
    );
    assert!(tokens.refresh_token.is_some());
    assert!(tokens.expires_at > chrono::Utc::now() + chrono::Duration::minutes(50));
}

#[tokio::test]
async fn one_shot_sign_in_uses_the_opener() {
    let emu = emulator(quick_config()).await;
    let cfg = config(&emu).with_tenant("contoso.com");
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
        Duration::from_secs(30),
    )
    .await
    .unwrap();
    let url = opened.lock().unwrap().clone().unwrap();
    // Endpoints come from the discovery document (which names the tenant GUID).
    assert!(url.as_str().starts_with(&format!(
        "{}{}/oauth2/v2.0/authorize",
        emu.base_url(),
        emu.tenant_id()
    )));
    assert_eq!(
        tokens.claims().unwrap().tid.as_deref(),
        Some(emu.tenant_id().as_str())
    );
}

#[tokio::test]
async fn opener_failure_is_a_sentence() {
    let emu = emulator(quick_config()).await;
    let err = sign_in_browser(
        &http(),
        &config(&emu),
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
/// signs in. The forged redirects carry the demo tenant's real code, as an attacker who saw
/// it would send it.
#[tokio::test]
async fn a_wrong_state_is_ignored_and_the_real_redirect_still_signs_in() {
    let emu = emulator(quick_config()).await;
    let pending = BrowserSignIn::start(&http(), &config(&emu)).await.unwrap();
    let url = pending.authorize_url().clone();
    let port = pending.port();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));
    let real = authorize(&url).await;

    let mut forged = real.clone();
    let pairs: Vec<(String, String)> = real
        .query_pairs()
        .into_owned()
        .map(|(k, v)| {
            let v = if k == "state" {
                "forged-state".into()
            } else {
                v
            };
            (k, v)
        })
        .collect();
    forged.query_pairs_mut().clear().extend_pairs(pairs);
    let (status, page) = deliver(&forged).await;
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
    assert_eq!(token_requests(&emu), 0, "no code was redeemed");

    let (status, page) = deliver(&real).await;
    assert_eq!(status, 200, "{page}");
    let tokens = waiter.await.unwrap().unwrap();
    assert_eq!(
        tokens.claims().unwrap().tid.as_deref(),
        Some(emu.tenant_id().as_str())
    );
    assert_eq!(token_requests(&emu), 1);
}

/// The admin presses Cancel on the demo tenant's sign-in page: Entra sends `access_denied`
/// with AADSTS65004 ("User declined to consent to access the app", Microsoft Entra error-code
/// reference, <https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>).
#[tokio::test]
async fn declined_consent_gives_a_sentence() {
    let emu = emulator(EmulatorConfig {
        auto_approve: false,
        ..quick_config()
    })
    .await;
    let pending = BrowserSignIn::start(&http(), &config(&emu)).await.unwrap();
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));

    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let sign_in_page = browser.get(url.clone()).send().await.unwrap();
    assert_eq!(sign_in_page.status(), 200);
    let sign_in_page = sign_in_page.text().await.unwrap();
    let request_id = sign_in_page
        .split("name=\"request\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no request id on the sign-in page: {sign_in_page}"))
        .to_string();
    let cancelled = browser
        .post(format!(
            "{}organizations/oauth2/v2.0/authorize",
            emu.base_url()
        ))
        .form(&[("request", request_id.as_str()), ("action", "cancel")])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 302);
    let location = url::Url::parse(
        cancelled.headers()[reqwest::header::LOCATION]
            .to_str()
            .unwrap(),
    )
    .unwrap();
    let (status, page) = deliver(&location).await;

    let err = waiter.await.unwrap().unwrap_err();
    assert_eq!(err.aadsts(), Some(65004), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The permissions were not accepted on the consent page, so the sign-in stopped. Start \
         again and accept them, or ask an admin to grant consent. (AADSTS65004)"
    );
    assert_eq!(status, 400);
    assert!(page.contains("Sign-in failed."), "{page}");
    assert_eq!(token_requests(&emu), 0);
}

/// RFC 6749 §4.1.2.1 makes `error_description` optional: a redirect may carry nothing but
/// `error=access_denied` and the state. The demo tenant, like Entra, always describes its
/// errors, so the browser's redirect here is the bare one, with the state exowiz sent.
#[tokio::test]
async fn access_denied_without_details_gives_a_sentence() {
    let emu = emulator(quick_config()).await;
    let pending = BrowserSignIn::start(&http(), &config(&emu)).await.unwrap();
    let url = pending.authorize_url().clone();
    let state = query(&url)["state"].clone();
    let mut bare = url::Url::parse(&query(&url)["redirect_uri"]).unwrap();
    bare.query_pairs_mut()
        .append_pair("error", "access_denied")
        .append_pair("state", &state);
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));
    let (_, page) = deliver(&bare).await;
    let err = waiter.await.unwrap().unwrap_err();
    assert_eq!(
        err.to_string(),
        "The sign-in was cancelled or access was denied in the browser. Start the sign-in again if that was a mistake."
    );
    assert!(page.contains("cancelled or access was denied"), "{page}");
}

#[tokio::test]
async fn stray_requests_do_not_end_the_wait() {
    let emu = emulator(quick_config()).await;
    let pending = BrowserSignIn::start(&http(), &config(&emu)).await.unwrap();
    let url = pending.authorize_url().clone();
    let port = pending.port();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));
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
    assert!(
        listener_closes(port).await,
        "the listener is closed once the sign-in is over"
    );
}

/// Whether the loopback listener on `port` goes away, given the runtime a bounded number of
/// turns to drop its aborted tasks (counted, not timed).
async fn listener_closes(port: u16) -> bool {
    for _ in 0..1000 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            return true;
        }
        tokio::task::yield_now().await;
    }
    false
}

/// On tokio's paused clock: the wait's five minutes pass without wall time, and the virtual
/// clock shows the wait lasted its full length. No request timeout on the client: a pending
/// timer could be jumped to while the demo tenant's answer is on its way.
#[tokio::test(start_paused = true)]
async fn browser_wait_times_out_with_a_sentence() {
    let emu = emulator(quick_config()).await;
    let pending = BrowserSignIn::start(&reqwest::Client::new(), &config(&emu))
        .await
        .unwrap();
    let port = pending.port();
    let started = tokio::time::Instant::now();
    let err = pending.wait(Duration::from_secs(300)).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(300));
    assert!(matches!(err, AuthError::BrowserTimeout { .. }));
    assert!(
        err.to_string()
            .starts_with("No sign-in arrived from the browser within 5 minutes."),
        "{err}"
    );
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_wait_closes_the_listener() {
    let emu = emulator(quick_config()).await;
    let pending = BrowserSignIn::start(&http(), &config(&emu)).await.unwrap();
    let port = pending.port();
    let task = tokio::spawn(pending.wait(Duration::from_secs(60)));
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
    );
    task.abort();
    let _ = task.await;
    assert!(listener_closes(port).await);
}

/// The redirect brings a code, but the token endpoint refuses it: here because the tenant's
/// admin disabled Microsoft Graph Command Line Tools in the meantime (AADSTS7000112,
/// "Application is disabled"). The sentence reaches both the browser tab and the caller.
#[tokio::test]
async fn token_error_after_redirect_reaches_browser_and_caller() {
    let emu = emulator(quick_config()).await;
    let pending = BrowserSignIn::start(&http(), &config(&emu)).await.unwrap();
    let url = pending.authorize_url().clone();
    let waiter = tokio::spawn(pending.wait(Duration::from_secs(30)));
    let location = authorize(&url).await;
    block_graph_cli(&emu).await;
    let (status, page) = deliver(&location).await;
    let err = waiter.await.unwrap().unwrap_err();
    assert_eq!(err.aadsts(), Some(7000112), "{err:?}");
    let sentence = "is disabled in your organisation";
    assert!(err.to_string().contains(sentence), "{err}");
    assert_eq!(status, 400);
    assert!(page.contains(sentence), "{page}");
}

// ---------- device code ----------

// Pending-then-approved, slow_down (with RFC 8628's real 5-second step) and declined run
// in tests/tenant/device_code_demo_tenant.rs.

/// The demo tenant as Entra behaves: a 5-second interval and nobody approving on their own.
fn entra_like() -> EmulatorConfig {
    EmulatorConfig {
        auto_approve: false,
        device_poll_interval: 5,
        ..quick_config()
    }
}

fn device_polls(emu: &Emulator) -> usize {
    token_requests(emu)
}

/// The demo tenant answers `expired_token` itself (the code's lifetime is over); the client
/// believed it still valid because the proxy announced a longer `expires_in` (why the demo
/// tenant cannot be made to do that: tests/support/tampering_proxy.rs).
#[tokio::test]
async fn device_code_expired_by_server() {
    let emu = emulator(EmulatorConfig {
        device_code_lifetime: Duration::ZERO,
        ..quick_config()
    })
    .await;
    let proxy = TamperingProxy::start(&emu, Tamper::AnnounceExpiresIn(900)).await;
    let cfg = SignInConfig::for_registration(proxy.endpoints.clone());
    let session = DeviceCodeFlow::start(&http(), &cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(20), Duration::from_millis(20));
    let err = session.poll().await.unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeExpired), "{err:?}");
    assert_eq!(
        err.to_string(),
        "The code expired before sign-in finished. Start again."
    );
    let polls: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .collect();
    assert_eq!(polls.len(), 1, "stops at the first expired_token");
    assert_eq!(polls[0].status, 400);
}

/// The code's lifetime (20 s here) runs out while nobody approves; the client stops on its
/// own instead of polling on. On the paused clock: each poll is too fast for the demo tenant
/// (wall clock), so every `slow_down` adds 5 s (5, 10, 15, 20 s) until the next wait would
/// outlast the code.
#[tokio::test(start_paused = true)]
async fn device_code_expires_locally_without_polling_forever() {
    let emu = emulator(EmulatorConfig {
        device_code_lifetime: Duration::from_secs(20),
        ..entra_like()
    })
    .await;
    let session = DeviceCodeFlow::start(&reqwest::Client::new(), &config(&emu))
        .await
        .unwrap();
    let err = tokio::time::timeout(Duration::from_secs(3600), session.poll())
        .await
        .expect("poll must stop at expiry")
        .unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeExpired), "{err:?}");
    let polls = device_polls(&emu);
    assert!((1..=4).contains(&polls), "{polls} polls");
}

/// Dropping the poll future stops polling: on the paused clock, ten virtual minutes later the
/// demo tenant has seen no further poll.
#[tokio::test(start_paused = true)]
async fn dropping_the_poll_stops_polling() {
    let emu = emulator(entra_like()).await;
    let session = DeviceCodeFlow::start(&reqwest::Client::new(), &config(&emu))
        .await
        .unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(60), session.poll()).await;
    let after_drop = device_polls(&emu);
    assert!(after_drop >= 2, "{after_drop}");
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(device_polls(&emu), after_drop);
}

/// A registered app of the tenant whose "Allow public client flows" is off: Entra refuses its
/// device-code poll without a secret (AADSTS7000218).
#[tokio::test]
async fn device_code_with_app_that_disallows_public_flows() {
    let emu = emulator(quick_config()).await;
    let admin = admin_token(&emu);
    let app: serde_json::Value = reqwest::Client::new()
        .post(format!("{}v1.0/applications", emu.base_url()))
        .bearer_auth(&admin)
        .json(&json!({
            "displayName": "Confidential only",
            "signInAudience": "AzureADMultipleOrgs",
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_id = app["appId"].as_str().expect("an app").to_string();
    let cfg = config(&emu).with_client_id(&app_id);
    let session = DeviceCodeFlow::start(&http(), &cfg)
        .await
        .unwrap()
        .with_poll_timing(Duration::from_millis(20), Duration::from_millis(20));
    let err = session.poll().await.unwrap_err();
    assert_eq!(err.aadsts(), Some(7000218), "{err:?}");
    let text = err.to_string();
    assert!(text.contains(&app_id), "{text}");
    assert!(text.contains("Allow public client flows"), "{text}");
}

#[tokio::test]
async fn device_code_with_unknown_app() {
    let emu = emulator(quick_config()).await;
    let cfg = config(&emu).with_client_id("deadbeef-0000-4000-8000-000000000000");
    let err = DeviceCodeFlow::start(&http(), &cfg).await.unwrap_err();
    assert_eq!(err.aadsts(), Some(700016));
    let text = err.to_string();
    assert!(
        text.contains("deadbeef-0000-4000-8000-000000000000 was not found"),
        "{text}"
    );
    assert!(text.contains("--client-id"), "{text}");
}

/// A discovery document without a device endpoint (why through the proxy:
/// tests/support/tampering_proxy.rs).
#[tokio::test]
async fn device_code_not_offered() {
    let emu = emulator(quick_config()).await;
    let proxy = TamperingProxy::start(&emu, Tamper::NoDeviceEndpoint).await;
    let cfg = SignInConfig::for_registration(proxy.endpoints.clone());
    let err = DeviceCodeFlow::start(&http(), &cfg).await.unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeUnsupported { .. }));
    assert!(err.to_string().contains("Use the browser sign-in instead"));
    assert!(
        !proxy
            .seen()
            .iter()
            .any(|s| s.path_and_query.contains("devicecode")),
        "no request to a device endpoint that was not offered"
    );
}
