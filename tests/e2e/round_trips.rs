//! Round trips where the admin waits (issue 13): how many requests `register` and `rotate` send
//! after sign-in, and the longest chain of requests that had to wait for one another. Counted
//! from the demo tenant's request log, never timed: every request costs the same fixed latency,
//! so a request that starts after every request of the current wave has finished begins the
//! next wave (it waited for an answer), and requests sent together overlap.
//!
//! Numbers on the day these tests were written (before issue 13's work), OfficeMaster with a
//! transfer mailbox and `--grant-consent` / BüroWARE rotation without a mailbox:
//! register 12 requests in 4 waves; rotate 8 requests in 7 waves.

use crate::support;

use demo_tenant::{EmulatorConfig, RequestRecord};
use std::time::Duration;
use support::*;

/// Requests and their longest chain of dependent waves.
struct Chain {
    requests: usize,
    waves: usize,
    listing: String,
}

/// Groups the log into waves: a request that began after everything of the current wave had
/// finished waited for it. With a fixed latency per request, requests sent at once overlap.
fn chain_of(log: &[RequestRecord]) -> Chain {
    let mut sorted = log.to_vec();
    sorted.sort_by_key(|r| r.started);
    let mut waves = 0;
    let mut wave_end = None;
    let mut lines = Vec::new();
    for r in &sorted {
        match wave_end {
            Some(end) if r.started < end => {
                if r.finished > end {
                    wave_end = Some(r.finished);
                }
            }
            _ => {
                waves += 1;
                wave_end = Some(r.finished);
            }
        }
        lines.push(format!(
            "wave {waves}: {} {} {}",
            r.method, r.path_and_query, r.status
        ));
    }
    Chain {
        requests: sorted.len(),
        waves,
        listing: lines.join("\n"),
    }
}

/// A demo tenant where every request costs 150 ms, so requests sent together visibly overlap
/// and requests that waited for an answer visibly do not.
async fn slow_tenant() -> demo_tenant::Emulator {
    emulator(EmulatorConfig {
        latency: Duration::from_millis(150),
        ..quick_config()
    })
    .await
}

fn succeeded(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_json(out)
}

#[tokio::test(flavor = "multi_thread")]
async fn register_needs_at_most_four_waves_after_sign_in() {
    let emu = slow_tenant().await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    emu.clear_requests();
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "officemaster",
            "--mailbox",
            "fax-transfer@contoso.com",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    succeeded(&out);
    let chain = chain_of(&emu.requests());
    println!(
        "register: {} requests in {} waves\n{}",
        chain.requests, chain.waves, chain.listing
    );
    // The checks the admin has seen, then create → secret and service principal → grants.
    assert!(
        chain.waves <= 4,
        "{} waves:\n{}",
        chain.waves,
        chain.listing
    );
    assert!(
        chain.requests <= 12,
        "{} requests:\n{}",
        chain.requests,
        chain.listing
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_needs_at_most_three_waves_after_sign_in() {
    let emu = slow_tenant().await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let registered = succeeded(
        &exowiz(
            &emu,
            data.path(),
            Some(&token),
            &[
                "register",
                "--profile",
                "officemaster",
                "--mailbox",
                "fax-transfer@contoso.com",
                "--grant-consent",
                "--json",
            ],
        )
        .await,
    );
    let client_id = registered["client_id"].as_str().unwrap().to_string();
    // As often for a rotation: from a machine that did not register the app (no saved
    // registration: the tenant's name is read too), and from the one that did.
    let elsewhere = tempfile::tempdir().unwrap();
    // The machine that registered knows the transfer mailbox: its rotation also opens it
    // through EWS (one more wave: the EWS call, with the proof's Exchange token).
    for (data, probes_ews) in [(elsewhere.path(), false), (data.path(), true)] {
        rotate_in_three_waves(&emu, data, &token, &client_id, probes_ews).await;
    }
}

async fn rotate_in_three_waves(
    emu: &demo_tenant::Emulator,
    data: &std::path::Path,
    token: &str,
    client_id: &str,
    probes_ews: bool,
) {
    emu.clear_requests();
    // OfficeMaster: application permissions on Microsoft Graph and Exchange Online, so the
    // new secret needs two tokens. Without a saved mailbox no EWS probe (that one needs the
    // token first); with one, the EWS call comes after, with Exchange Online's token.
    let (max_waves, max_requests) = if probes_ews { (4, 9) } else { (3, 8) };
    let out = exowiz(
        emu,
        data,
        Some(token),
        &["rotate", "--app-id", client_id, "--json"],
    )
    .await;
    let json = succeeded(&out);
    assert_eq!(json["verified"], true, "{json}");
    assert_eq!(
        json["roles"].as_array().map(Vec::len),
        Some(2),
        "a token per API: {json}"
    );
    let chain = chain_of(&emu.requests());
    println!(
        "rotate: {} requests in {} waves\n{}",
        chain.requests, chain.waves, chain.listing
    );
    // Read the app, the resources and the token endpoint together → add the secret → every
    // token at once.
    assert!(
        chain.waves <= max_waves,
        "{} waves:\n{}",
        chain.waves,
        chain.listing
    );
    assert!(
        chain.requests <= max_requests,
        "{} requests:\n{}",
        chain.requests,
        chain.listing
    );
}
