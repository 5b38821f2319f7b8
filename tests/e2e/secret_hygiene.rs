//! Issue 14 (hygiene): runs `register --verify`, `rotate` and `check` against the demo tenant
//! with trace logging and searches everything they wrote — the data directory (log,
//! registrations, journal, demo state, saved script) and stderr — for the secrets the demo
//! tenant issued and for any token. Stdout may show the secret: that is its one hand-over.

use crate::support;

use std::path::Path;
use std::process::Output;
use support::*;

async fn traced(emu: &demo_tenant::Emulator, data: &Path, token: &str, args: &[&str]) -> Output {
    let base = emu.base_url().to_string();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args(args)
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", token)
        .env("EXOWIZ_LOG", "trace")
        .kill_on_drop(true)
        .output()
        .await
        .unwrap()
}

/// Every place below `dir` (and the given streams) that holds `needle`.
fn leaks(dir: &Path, streams: &[(&str, &[u8])], needle: &str) -> Vec<String> {
    let mut found: Vec<String> = files_containing(dir, needle)
        .into_iter()
        .map(|p| p.display().to_string())
        .collect();
    for (name, bytes) in streams {
        if bytes.windows(needle.len()).any(|w| w == needle.as_bytes()) {
            found.push(name.to_string());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_or_token_is_written_anywhere_during_trace_logged_runs() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    assert!(
        token.starts_with("eyJ"),
        "the demo tenant's tokens are JWTs"
    );
    let script = data.path().join("exo.ps1");
    let script = script.to_str().unwrap();
    let register = traced(
        &emu,
        data.path(),
        &token,
        &[
            "register",
            "--profile",
            "moveit",
            "--mailbox",
            "fax-transfer@contoso.com",
            "--grant-consent",
            "--verify",
            "--json",
            "--save-commands",
            script,
        ],
    )
    .await;
    assert!(
        register.status.success(),
        "{}",
        String::from_utf8_lossy(&register.stderr)
    );
    let json = stdout_json(&register);
    let client_id = json["client_id"].as_str().unwrap().to_string();
    let first_secret = json["secret"]["value"].as_str().unwrap().to_string();
    let rotate = traced(
        &emu,
        data.path(),
        &token,
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    assert!(
        rotate.status.success(),
        "{}",
        String::from_utf8_lossy(&rotate.stderr)
    );
    let second_secret = stdout_json(&rotate)["secret"]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let check = traced(
        &emu,
        data.path(),
        &token,
        &["check", "--app-id", &client_id],
    )
    .await;
    assert!(check.status.code().is_some());

    let log = std::fs::read_to_string(data.path().join("exowiz.log")).unwrap();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "trace logging was on"
    );

    let stderr: Vec<(&str, &[u8])> = vec![
        ("register stderr", &register.stderr),
        ("rotate stderr", &rotate.stderr),
        ("check stderr", &check.stderr),
    ];
    let all_streams: Vec<(&str, &[u8])> = stderr
        .iter()
        .copied()
        .chain([
            ("register stdout", register.stdout.as_slice()),
            ("rotate stdout", rotate.stdout.as_slice()),
            ("check stdout", check.stdout.as_slice()),
        ])
        .collect();
    for secret in [&first_secret, &second_secret] {
        let found = leaks(data.path(), &stderr, secret);
        assert!(found.is_empty(), "a client secret was written to {found:?}");
    }
    // The admin's token, and any JWT at all (the app token --verify obtained included).
    let found = leaks(data.path(), &all_streams, &token);
    assert!(
        found.is_empty(),
        "the access token was written to {found:?}"
    );
    let found = leaks(data.path(), &all_streams, "eyJ0eXAi");
    let found2 = leaks(data.path(), &all_streams, "eyJhbGci");
    assert!(
        found.is_empty() && found2.is_empty(),
        "a token (JWT) was written to {found:?} {found2:?}"
    );
}
