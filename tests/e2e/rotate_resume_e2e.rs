//! An interrupted `exowiz rotate`: the real binary is killed (`abort()`, no cleanup) right
//! after Graph made the new secret — once after its key ID was journalled, once before — so
//! nobody ever saw the value. `exowiz status` names the unfinished rotation, and the next
//! rotation of the app removes that secret before it lists or makes anything: afterwards the
//! app holds the old secret and the one the second run printed, nothing else, and no journal
//! is left. `EXOWIZ_TEST_ABORT_AFTER` only works in debug builds (what `cargo test` builds).

use crate::support;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;
use support::*;

async fn key_ids(emu: &demo_tenant::Emulator, client_id: &str) -> BTreeSet<String> {
    let app = graph_get(emu, &format!("applications(appId='{client_id}')")).await;
    app["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["keyId"].as_str().unwrap().to_string())
        .collect()
}

fn journals(data: &Path) -> Vec<Value> {
    std::fs::read_dir(data)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("journal-") && n.ends_with(".json"))
        })
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

async fn aborted_rotation(
    emu: &demo_tenant::Emulator,
    data: &Path,
    client_id: &str,
    step: &str,
) -> Output {
    let base = emu.base_url().to_string();
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
            .args(["rotate", "--app-id", client_id, "--json"])
            .env("EXOWIZ_LOGIN_URL", &base)
            .env("EXOWIZ_GRAPH_URL", &base)
            .env("EXOWIZ_DATA_DIR", data)
            .env("EXOWIZ_NO_BROWSER", "1")
            .env("EXOWIZ_ACCESS_TOKEN", admin_token(emu))
            .env("EXOWIZ_TEST_ABORT_AFTER", step)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("ends within two minutes")
    .expect("exowiz runs");
    assert!(!out.status.success(), "{step}: aborted");
    assert!(out.stdout.is_empty(), "{step}: nothing printed");
    out
}

async fn killed_then_rotated_again(step: &str) {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let registered = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "bueroware",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    assert!(registered.status.success());
    let registered = stdout_json(&registered);
    let client_id = registered["client_id"].as_str().unwrap().to_string();
    let first_key = registered["secret"]["key_id"].as_str().unwrap().to_string();
    // Graph dates have whole seconds: let the later secrets be visibly newer.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    aborted_rotation(&emu, data.path(), &client_id, step).await;
    let after_kill = key_ids(&emu, &client_id).await;
    assert_eq!(after_kill.len(), 2, "{step}: the unseen secret exists");
    let unseen: String = after_kill
        .iter()
        .find(|k| **k != first_key)
        .unwrap()
        .clone();
    let journal = journals(data.path());
    assert_eq!(journal.len(), 1, "{step}: {journal:?}");
    assert_eq!(journal[0]["rotation"], true);
    assert!(
        files_containing(data.path(), &token).is_empty(),
        "{step}: no token in a file"
    );

    // status names the unfinished rotation; a secret nobody has seen is a problem (issue
    // 10.2): at least WARNING (bueroware uses EWS too: WARNING until 1 April 2027,
    // tests/e2e/status_ews.rs), never CRITICAL while the old secret still works.
    let status = exowiz(&emu, data.path(), None, &["status"]).await;
    let text = String::from_utf8_lossy(&status.stdout).to_string();
    let first = text.lines().next().unwrap_or_default();
    let expected = match first.split(' ').next() {
        Some("OK") => 0,
        Some("WARNING") => 1,
        Some("CRITICAL") => 2,
        _ => panic!("{text}"),
    };
    assert_eq!(status.status.code(), Some(expected), "{text}");
    assert_eq!(expected, 1, "{text}");
    // Only the journalled secret has a key ID to name; one whose answer was lost is counted.
    assert!(
        first.contains("1 secret(s) nobody has seen") && !first.contains("no other valid secret"),
        "{step}: the unseen secret counts, the old one still works: {text}"
    );
    assert!(
        text.lines().any(|l| l.contains("UNFINISHED")
            && l.contains("rotation of")
            && l.contains(&client_id)),
        "{step}: {text}"
    );

    tokio::time::sleep(Duration::from_millis(1100)).await;
    let second = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    assert!(
        second.status.success(),
        "{step}: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second = stdout_json(&second);
    let new_key = second["secret"]["key_id"].as_str().unwrap().to_string();
    let notes: Vec<&str> = second["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("An interrupted rotation of ") && n.contains(&unseen)),
        "{step}: {notes:?}"
    );
    let previous: Vec<&str> = second["previous_secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        previous,
        [first_key.as_str()],
        "{step}: only the real old one"
    );
    assert_eq!(
        key_ids(&emu, &client_id).await,
        BTreeSet::from([first_key, new_key]),
        "{step}: the unseen secret is gone, the printed one and the old one stay"
    );
    assert!(
        journals(data.path()).is_empty(),
        "{step}: nothing left over"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_the_new_secret_was_journalled() {
    killed_then_rotated_again("rotate_secret").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_before_the_new_secrets_key_id_was_journalled() {
    killed_then_rotated_again("rotate_secret_unrecorded").await;
}
