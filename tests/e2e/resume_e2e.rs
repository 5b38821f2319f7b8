//! Resuming an interrupted `exowiz register`: the real binary is killed (`abort()`, no cleanup)
//! right after each step's journal write, then run again. Afterwards the demo tenant holds one
//! app with one secret — the one the second run printed — and the journal is gone.
//!
//! `EXOWIZ_TEST_ABORT_AFTER` only works in debug builds, which is what `cargo test` builds.

use crate::support;

use serde_json::Value;
use std::path::Path;
use std::process::Output;
use std::time::Duration;
use support::*;

const APP_NAME: &str = "OfficeMaster EWS";
const ARGS: &[&str] = &[
    "register",
    "--profile",
    "officemaster",
    "--mailbox",
    "fax-transfer@contoso.com",
    "--grant-consent",
    "--json",
];

/// Runs `exowiz register …` with `EXOWIZ_TEST_ABORT_AFTER=step`.
async fn aborted_run(emu: &demo_tenant::Emulator, data: &Path, token: &str, step: &str) -> Output {
    let base = emu.base_url().to_string();
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
            .args(ARGS)
            .env("EXOWIZ_LOGIN_URL", &base)
            .env("EXOWIZ_GRAPH_URL", &base)
            .env("EXOWIZ_DATA_DIR", data)
            .env("EXOWIZ_NO_BROWSER", "1")
            .env("EXOWIZ_ACCESS_TOKEN", token)
            .env("EXOWIZ_TEST_ABORT_AFTER", step)
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the aborted run ends within two minutes")
    .expect("exowiz runs");
    assert!(
        !out.status.success(),
        "{step}: the run should have been aborted\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), Some(6), "{step}: killed by SIGABRT");
    }
    assert!(
        out.stdout.is_empty(),
        "{step}: nothing was printed before the abort"
    );
    out
}

fn journals(data: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(data)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with("journal-"))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn journal_json(data: &Path) -> Value {
    let files = journals(data);
    assert_eq!(files.len(), 1, "one journal: {files:?}");
    serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).expect("the journal is JSON")
}

async fn apps_named(emu: &demo_tenant::Emulator, name: &str) -> Vec<Value> {
    graph_get(
        emu,
        &format!("applications?$filter=displayName eq '{name}'"),
    )
    .await["value"]
        .as_array()
        .unwrap()
        .clone()
}

/// What every resumed registration must leave: one app, one secret (the printed one), one
/// service principal, every permission granted, no journal, the secret in no file.
async fn assert_clean_after_resume(
    emu: &demo_tenant::Emulator,
    data: &Path,
    token: &str,
    second: &Value,
    label: &str,
) {
    let apps = apps_named(emu, APP_NAME).await;
    assert_eq!(apps.len(), 1, "{label}: exactly one app: {apps:#?}");
    let app = &apps[0];
    assert_eq!(app["appId"], second["client_id"], "{label}");
    let secrets = app["passwordCredentials"].as_array().unwrap();
    assert_eq!(
        secrets.len(),
        1,
        "{label}: exactly one secret: {secrets:#?}"
    );
    assert_eq!(
        secrets[0]["keyId"], second["secret"]["key_id"],
        "{label}: the secret left is the one the second run printed"
    );
    let client_id = second["client_id"].as_str().unwrap();
    let sps = graph_get(
        emu,
        &format!("servicePrincipals?$filter=appId eq '{client_id}'"),
    )
    .await;
    assert_eq!(
        sps["value"].as_array().unwrap().len(),
        1,
        "{label}: one service principal"
    );
    assert!(
        second["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["granted"] == true),
        "{label}: {second}"
    );
    assert!(journals(data).is_empty(), "{label}: the journal is gone");
    let value = second["secret"]["value"].as_str().unwrap();
    assert!(
        files_containing(data, value).is_empty(),
        "{label}: the secret is in a file"
    );
    assert!(
        files_containing(data, token).is_empty(),
        "{label}: the token is in a file"
    );
    // The saved registration knows only the secret that exists.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(data.join("registrations.json")).unwrap()).unwrap();
    let saved_keys: Vec<&str> = saved["registrations"][0]["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        saved_keys,
        [second["secret"]["key_id"].as_str().unwrap()],
        "{label}: saved secrets"
    );
}

fn notes(json: &Value) -> Vec<String> {
    json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

/// Kills the first run right after `step`, checks what its journal says, runs again.
async fn abort_after_then_resume(step: &str) {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    aborted_run(&emu, data.path(), &token, step).await;

    // The journal tells what the killed run made: IDs, dates and flags, no secret, no token.
    let journal = journal_json(data.path());
    assert!(journal["app"]["client_id"].is_string(), "{step}: {journal}");
    assert_eq!(journal["app"]["created_by_this_run"], true, "{step}");
    let with_secret = step != "app";
    assert_eq!(
        journal["secrets"].as_array().unwrap().len(),
        usize::from(with_secret),
        "{step}: {journal}"
    );
    if with_secret {
        assert_eq!(journal["secrets"][0]["shown"], false, "{step}");
    }
    assert_eq!(
        journal["service_principal_id"].is_string(),
        matches!(step, "service_principal" | "grants"),
        "{step}: {journal}"
    );
    assert_eq!(journal["grants_done"], step == "grants", "{step}");
    assert!(
        files_containing(data.path(), &token).is_empty(),
        "{step}: token in a file"
    );
    let first_client_id = journal["app"]["client_id"].as_str().unwrap().to_string();
    let first_key = journal["secrets"][0]["key_id"].as_str().map(str::to_string);

    let second = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    let stderr = String::from_utf8_lossy(&second.stderr).to_string();
    assert!(second.status.success(), "{step}: {stderr}");
    // Said before it acts: which run, which app, what continuing does.
    let announced = stderr
        .lines()
        .find(|l| l.starts_with("An interrupted run of "))
        .unwrap_or_else(|| panic!("{step}: not announced: {stderr}"));
    assert!(
        announced.contains(&first_client_id) && announced.contains("This run continues it"),
        "{step}: {announced}"
    );
    let second = stdout_json(&second);
    assert_eq!(
        second["client_id"], first_client_id,
        "{step}: the second run continued the first run's app"
    );
    assert_eq!(second["created_app"], false, "{step}");
    assert_ne!(
        second["secret"]["key_id"].as_str(),
        first_key.as_deref(),
        "{step}"
    );
    let notes = notes(&second);
    let resumed = notes
        .iter()
        .find(|n| n.starts_with("An interrupted run of "))
        .unwrap_or_else(|| panic!("{step}: no note about the interrupted run: {notes:?}"));
    assert!(resumed.contains(&first_client_id), "{step}: {resumed}");
    if with_secret {
        assert!(
            resumed.contains("1 secret whose value was never shown was removed"),
            "{step}: {resumed}"
        );
    }
    assert_clean_after_resume(&emu, data.path(), &token, &second, step).await;

    // A third run is an ordinary re-run: nothing interrupted, the printed secret is kept.
    let third = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    let third = stdout_json(&third);
    assert!(
        !self::notes(&third)
            .iter()
            .any(|n| n.starts_with("An interrupted run")),
        "{step}: {third}"
    );
    let app = &apps_named(&emu, APP_NAME).await[0];
    assert_eq!(
        app["passwordCredentials"].as_array().unwrap().len(),
        2,
        "{step}: a shown secret is never removed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_the_app_was_created() {
    abort_after_then_resume("app").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_the_secret_was_added() {
    abort_after_then_resume("secret").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_the_service_principal_was_created() {
    abort_after_then_resume("service_principal").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_after_the_grants() {
    abort_after_then_resume("grants").await;
}

/// Sequential Graph round trips of the requests the demo tenant logged (as
/// `tests/e2e/register_e2e.rs` counts them).
fn round_trips(emu: &demo_tenant::Emulator) -> (usize, Vec<String>) {
    let mut graph: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.starts_with("/v1.0/"))
        .collect();
    graph.sort_by_key(|r| r.started);
    let mut waves = 0;
    let mut wave_end = None;
    for r in &graph {
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
    }
    let listing = graph
        .iter()
        .map(|r| format!("{} {} {}", r.method, r.path_and_query, r.status))
        .collect();
    (waves, listing)
}

/// The run did everything but never printed the secret (killed right before printing): the
/// next run removes that secret — nobody has it — and still needs at most four round trips.
#[tokio::test(flavor = "multi_thread")]
async fn a_completed_run_that_never_printed_its_secret() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        latency: Duration::from_millis(100),
        ..quick_config()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    aborted_run(&emu, data.path(), &token, "completed").await;
    let journal = journal_json(data.path());
    assert_eq!(journal["completed"], true, "{journal}");
    assert_eq!(journal["grants_done"], true);
    assert_eq!(journal["secrets"][0]["shown"], false);
    let unshown = journal["secrets"][0]["key_id"]
        .as_str()
        .unwrap()
        .to_string();
    let app = &apps_named(&emu, APP_NAME).await[0];
    assert_eq!(app["passwordCredentials"][0]["keyId"], unshown.as_str());

    emu.clear_requests();
    let second = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let (waves, listing) = round_trips(&emu);
    println!(
        "resumed run: {} Graph requests in {waves} sequential round trips:\n{}",
        listing.len(),
        listing.join("\n")
    );
    assert!(
        listing
            .iter()
            .any(|l| l.contains("/removePassword") && l.ends_with("204")),
        "{listing:#?}"
    );
    assert!(waves <= 4, "{waves} round trips:\n{}", listing.join("\n"));
    let second = stdout_json(&second);
    assert!(
        notes(&second)
            .iter()
            .any(|n| n.starts_with("An interrupted run of ")
                && n.contains("1 secret whose value was never shown was removed")),
        "{second}"
    );
    assert_clean_after_resume(&emu, data.path(), &token, &second, "completed").await;
}

/// The first run's app is still replicating when the second run starts: a search by name
/// does not find it yet, but the journal names it, so no second app is made.
#[tokio::test(flavor = "multi_thread")]
async fn an_app_still_replicating_is_continued_not_duplicated() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        replication_lag: Duration::from_secs(3),
        ..quick_config()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    aborted_run(&emu, data.path(), &token, "app").await;
    assert!(
        apps_named(&emu, APP_NAME).await.is_empty(),
        "the name search does not see the new app yet (else this test shows nothing)"
    );
    let second = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second = stdout_json(&second);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_clean_after_resume(&emu, data.path(), &token, &second, "replicating").await;
}

/// A Graph failure midway (not a kill) leaves the journal too; the next run cleans up.
#[tokio::test(flavor = "multi_thread")]
async fn a_run_that_failed_midway_is_continued() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    // Abort after the secret, then make the resuming run fail on its first request: the
    // journal must survive a failed run and still lead the third run to a clean tenant.
    aborted_run(&emu, data.path(), &token, "secret").await;
    emu.throttle_next(100, 503, Some(0));
    let failed = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(!failed.status.success());
    assert_eq!(journals(data.path()).len(), 1, "the journal is still there");
    emu.throttle_next(0, 503, None);
    let third = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(
        third.status.success(),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
    let third = stdout_json(&third);
    assert_clean_after_resume(&emu, data.path(), &token, &third, "failed midway").await;
}

/// Killed after Graph made the secret but before its key ID reached the journal: the
/// journal's pending entry (display name and exact end date) lets the next run find the
/// secret on the app and remove it.
#[tokio::test(flavor = "multi_thread")]
async fn a_secret_whose_answer_was_never_recorded_is_found_and_removed() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    aborted_run(&emu, data.path(), &token, "secret_unrecorded").await;
    let journal = journal_json(data.path());
    assert!(
        journal["secrets"].as_array().unwrap().is_empty(),
        "{journal}"
    );
    assert_eq!(
        journal["pending_secrets"].as_array().unwrap().len(),
        1,
        "{journal}"
    );
    let app = &apps_named(&emu, APP_NAME).await[0];
    assert_eq!(app["passwordCredentials"].as_array().unwrap().len(), 1);
    // Another secret of the same name made by someone else (other end date) stays.
    let object_id = app["id"].as_str().unwrap();
    let resp = reqwest::Client::new()
        .post(format!(
            "{}v1.0/applications/{object_id}/addPassword",
            emu.base_url()
        ))
        .bearer_auth(&token)
        .json(&serde_json::json!({"passwordCredential": {
            "displayName": journal["pending_secrets"][0]["display_name"],
            "endDateTime": "2027-01-01T00:00:00Z"
        }}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let theirs: Value = resp.json().await.unwrap();

    let second = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second = stdout_json(&second);
    assert!(
        notes(&second)
            .iter()
            .any(|n| n.contains("1 secret whose value was never shown was removed")),
        "{second}"
    );
    let app = &apps_named(&emu, APP_NAME).await[0];
    let mut keys: Vec<&str> = app["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["keyId"].as_str().unwrap())
        .collect();
    keys.sort();
    let mut expected = vec![
        second["secret"]["key_id"].as_str().unwrap(),
        theirs["keyId"].as_str().unwrap(),
    ];
    expected.sort();
    assert_eq!(
        keys, expected,
        "the lost secret is gone, the other one stays"
    );
    assert!(journals(data.path()).is_empty());
}

/// `register --demo` starts the demo tenant on another port each time (its state kept in the
/// data directory): the journal is still found, and the demo tenant ends up clean.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_tenant_on_a_new_port_still_finds_the_journal() {
    let data = tempfile::tempdir().unwrap();
    let run = |abort: Option<&'static str>| {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"));
        cmd.args([
            "register",
            "--demo",
            "--profile",
            "bueroware",
            "--grant-consent",
            "--json",
        ])
        .env("EXOWIZ_DATA_DIR", data.path())
        .env("EXOWIZ_NO_BROWSER", "1")
        .env_remove("EXOWIZ_ACCESS_TOKEN")
        .env_remove("EXOWIZ_LOGIN_URL")
        .env_remove("EXOWIZ_GRAPH_URL")
        .env_remove("EXOWIZ_TEST_ABORT_AFTER")
        .kill_on_drop(true);
        if let Some(step) = abort {
            cmd.env("EXOWIZ_TEST_ABORT_AFTER", step);
        }
        async move { cmd.output().await.unwrap() }
    };
    let first = run(Some("secret")).await;
    assert!(!first.status.success());
    assert_eq!(journals(data.path()).len(), 1);
    let second = run(None).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second = stdout_json(&second);
    assert!(
        notes(&second)
            .iter()
            .any(|n| n.contains("1 secret whose value was never shown was removed")),
        "{second}"
    );
    assert!(journals(data.path()).is_empty());
    let state: Value =
        serde_json::from_slice(&std::fs::read(data.path().join("demo-tenant.json")).unwrap())
            .unwrap();
    let apps: Vec<&Value> = state["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["props"])
        .filter(|p| p["displayName"] == second["app_name"])
        .collect();
    assert_eq!(apps.len(), 1, "one app");
    let keys: Vec<&Value> = apps[0]["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["keyId"])
        .collect();
    assert_eq!(
        keys,
        [&second["secret"]["key_id"]],
        "one secret, the printed one"
    );
}
