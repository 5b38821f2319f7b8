//! The device-code client (src/auth/device_code.rs) against the demo tenant's real
//! `/devicecode`, `/token` and `/devicelogin` endpoints, on tokio's paused clock: the client's
//! waits between polls take no wall time, so RFC 8628's real 5-second slow-down step is tested
//! as it is, without a test-shortened step and without timed assertions.
//!
//! The demo tenant, like Entra, answers `slow_down` when a client polls faster than the
//! interval it was given; it measures that on the wall clock, so a client on the paused clock
//! that waits its (virtual) interval always looks too fast to it. The admin's "approve" and
//! "decline" go through the demo tenant's `/devicelogin` page, as a person would.
//!
//! Sources: RFC 8628 §3.5 (<https://www.rfc-editor.org/rfc/rfc8628#section-3.5>): on
//! `slow_down` "the interval MUST be increased by 5 seconds for this and all subsequent
//! requests"; Microsoft's "OAuth 2.0 device authorization grant" page
//! (<https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code>) lists
//! `authorization_pending`, `authorization_declined`, `bad_verification_code` and
//! `expired_token`.

use crate::support;

use demo_tenant::{Emulator, EmulatorConfig};
use exowiz::auth::{AuthError, DeviceCodeFlow, DeviceCodeSession, SignInConfig};
use exowiz::endpoints::Endpoints;
use std::time::Duration;
use support::*;

fn config(emu: &Emulator) -> SignInConfig {
    let base = emu.base_url().to_string();
    SignInConfig::for_registration(Endpoints::custom(&base, &base).unwrap())
        .with_tenant("organizations")
}

/// The demo tenant as Entra behaves: a 5-second interval and nobody approving on their own.
fn entra_like() -> EmulatorConfig {
    EmulatorConfig {
        auto_approve: false,
        device_poll_interval: 5,
        ..quick_config()
    }
}

/// No request timeout: on the paused clock a pending 60-second timer could be jumped to while
/// a loopback answer is on its way, which would be a spurious failure, not a finding.
fn http() -> reqwest::Client {
    reqwest::Client::new()
}

/// The admin enters the code on the demo tenant's `/devicelogin` page and approves or declines.
async fn admin_answers(emu: &Emulator, user_code: &str, action: &str) {
    let page = http()
        .post(format!("{}devicelogin", emu.base_url()))
        .form(&[("step", "confirm"), ("otc", user_code), ("action", action)])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let expected = if action == "approve" {
        "You have signed in"
    } else {
        "cancelled signing in"
    };
    assert!(page.contains(expected), "{page}");
}

fn token_polls(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .count()
}

/// Watches the session while it polls: the first time its interval changes, the change is
/// returned and the admin approves. Gives up (fails) if the interval never changes.
async fn approve_after_first_slow_down(
    emu: &Emulator,
    session: &DeviceCodeSession,
) -> (Duration, Duration) {
    let before = session.interval();
    for _ in 0..1000 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = session.interval();
        if now != before {
            admin_answers(emu, session.user_code(), "approve").await;
            return (before, now);
        }
    }
    panic!(
        "the interval never changed although the demo tenant was polled {} times",
        token_polls(emu)
    );
}

#[tokio::test(start_paused = true)]
async fn slow_down_adds_the_real_five_seconds() {
    let emu = emulator(entra_like()).await;
    let session = DeviceCodeFlow::start(&http(), &config(&emu)).await.unwrap();
    assert_eq!(session.interval(), Duration::from_secs(5), "the server's");

    let (polled, (before, after)) = tokio::join!(
        session.poll(),
        approve_after_first_slow_down(&emu, &session)
    );
    assert_eq!(before, Duration::from_secs(5));
    assert_eq!(
        after,
        Duration::from_secs(10),
        "RFC 8628 §3.5: slow_down adds exactly 5 seconds"
    );
    let tokens = polled.expect("signed in after the admin approved");
    assert!(tokens.refresh_token.is_some());
    // pending, slow_down, then (after the approval) the tokens - or one more slow_down if the
    // approval landed just after a poll; never a busy loop.
    let polls = token_polls(&emu);
    assert!((3..=4).contains(&polls), "{polls} polls");
    // The step stays for later polls (RFC: "this and all subsequent requests").
    assert!(session.interval() >= Duration::from_secs(10));
    assert_eq!(
        session.interval().as_secs() % 5,
        0,
        "{:?}",
        session.interval()
    );
    emu.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn declined_on_the_devicelogin_page_is_a_sentence() {
    let emu = emulator(entra_like()).await;
    let session = DeviceCodeFlow::start(&http(), &config(&emu)).await.unwrap();
    admin_answers(&emu, session.user_code(), "decline").await;
    // Bounded on the paused clock (no wall time): a client that polled on would hang here.
    let err = tokio::time::timeout(Duration::from_secs(60), session.poll())
        .await
        .expect("polling stops once the admin declined")
        .unwrap_err();
    assert!(matches!(err, AuthError::DeviceCodeDeclined), "{err:?}");
    assert!(
        err.to_string().starts_with("The sign-in was declined"),
        "{err}"
    );
    assert_eq!(
        token_polls(&emu),
        1,
        "stops at the first authorization_declined"
    );
    emu.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn pending_polls_wait_until_the_admin_approves() {
    let emu = emulator(entra_like()).await;
    let session = DeviceCodeFlow::start(&http(), &config(&emu)).await.unwrap();
    let (polled, _) = tokio::join!(session.poll(), async {
        // Two polls (authorization_pending, then slow_down) before the admin gets to it.
        while token_polls(&emu) < 2 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        admin_answers(&emu, session.user_code(), "approve").await;
    });
    let tokens = polled.expect("signed in");
    let claims = tokens.claims().unwrap();
    assert_eq!(claims.username(), Some("admin@contoso.com"));
    emu.shutdown().await;
}

/// Issue 13: the interval is the wait between polls (RFC 8628 §3.5: "before each new request"
/// after `authorization_pending`), not before the first one. A sign-in that is approved at once
/// (here: the demo tenant approving by itself) is picked up by the first poll, right away,
/// instead of one full interval later. On the paused clock, so the 5 s would be exact.
#[tokio::test(start_paused = true)]
async fn the_first_poll_does_not_wait_a_whole_interval() {
    let emu = emulator(EmulatorConfig {
        auto_approve: true,
        auto_approve_delay: Duration::ZERO,
        device_poll_interval: 5,
        ..quick_config()
    })
    .await;
    let session = DeviceCodeFlow::start(&http(), &config(&emu)).await.unwrap();
    let started = tokio::time::Instant::now();
    let tokens = session.poll().await.expect("approved at once");
    assert!(tokens.claims().is_ok());
    assert_eq!(token_polls(&emu), 1, "one poll");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the first poll waited {:?}",
        started.elapsed()
    );
    emu.shutdown().await;
}
