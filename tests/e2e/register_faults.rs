//! `exowiz register` under faults (issue 14): nothing lost, nothing twice, nobody else's app.
//! The real binary against the demo tenant, which carries requests out and loses their answers
//! (`Emulator::lose_answers`) and lags replication like Entra.

use crate::support;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use serde_json::Value;
use support::*;

const ARGS: &[&str] = &[
    "register",
    "--profile",
    "officemaster",
    "--mailbox",
    "fax-transfer@contoso.com",
    "--json",
];

fn apps_named(emu: &demo_tenant::Emulator, name: &str) -> Vec<Value> {
    // The tenant's own state: sees apps that are still replicating too.
    emu.snapshot()["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["displayName"] == name)
        .cloned()
        .collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn exowiz_env(
    emu: &demo_tenant::Emulator,
    data: &Path,
    token: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    let base = emu.base_url().to_string();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"));
    cmd.args(args)
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", token)
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("exowiz finishes within two minutes")
        .expect("exowiz runs")
}

/// 14.1: a 500 after Graph created the app: the upsert is repeated and finds it (main sent a
/// POST and retried it: two apps, see tests/e2e/graph_idempotent.rs).
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_answer_to_the_create_makes_one_app_and_the_run_completes() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    emu.lose_answers("PATCH", "/v1.0/applications(uniqueName", 1, 500);
    let out = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let apps = apps_named(&emu, "OfficeMaster EWS");
    assert_eq!(apps.len(), 1, "one app, not one per retry");
    let json = stdout_json(&out);
    assert_eq!(json["client_id"], apps[0]["appId"]);
    assert!(
        apps[0]["uniqueName"]
            .as_str()
            .is_some_and(|n| n.starts_with("exowiz-officemaster-")),
        "{}",
        apps[0]
    );
}

/// 14.2: killed after Graph created the app but before the run recorded it, re-run at once
/// while the app is still replicating (a name search cannot see it): the journaled uniqueName
/// finds it — one app.
#[tokio::test(flavor = "multi_thread")]
async fn a_kill_after_the_create_and_an_immediate_rerun_make_one_app() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        replication_lag: Duration::from_millis(1500),
        ..quick_config()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let first = exowiz_env(
        &emu,
        data.path(),
        &token,
        ARGS,
        &[("EXOWIZ_TEST_ABORT_AFTER", "app_unrecorded")],
    )
    .await;
    assert!(!first.status.success(), "aborted");
    assert_eq!(apps_named(&emu, "OfficeMaster EWS").len(), 1);
    let second = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(second.status.success(), "{}", stderr(&second));
    let apps = apps_named(&emu, "OfficeMaster EWS");
    assert_eq!(apps.len(), 1, "the re-run found the first app");
    assert_eq!(stdout_json(&second)["client_id"], apps[0]["appId"]);
    let sps = emu.snapshot()["servicePrincipals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["appId"] == apps[0]["appId"])
        .count();
    assert_eq!(sps, 1);
}

/// 14.5: killed right after the service principal was made; the re-run takes it as success.
#[tokio::test(flavor = "multi_thread")]
async fn an_existing_service_principal_on_rerun_is_success() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let first = exowiz_env(
        &emu,
        data.path(),
        &token,
        ARGS,
        &[("EXOWIZ_TEST_ABORT_AFTER", "secret_unrecorded")],
    )
    .await;
    assert!(!first.status.success());
    let second = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(second.status.success(), "{}", stderr(&second));
    let apps = apps_named(&emu, "OfficeMaster EWS");
    assert_eq!(apps.len(), 1);
}

/// 14.4: `--app-name "HR Portal"` names an app exowiz never made: nothing is taken over or
/// escalated; the run stops with a sentence that names --app-id.
#[tokio::test(flavor = "multi_thread")]
async fn a_foreign_app_of_the_same_name_is_never_taken_over() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let before = apps_named(&emu, "HR Portal");
    assert_eq!(before.len(), 1, "the demo tenant has one HR Portal");
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "register",
            "--profile",
            "custom",
            "--permission",
            "graph:Mail.Send:application",
            "--app-name",
            "HR Portal",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    assert!(!out.status.success(), "stopped");
    let err = stderr(&out);
    assert!(err.contains("exowiz did not make"), "{err}");
    assert!(err.contains("--app-id"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(apps_named(&emu, "HR Portal"), before, "HR Portal untouched");
    let hr_app_id = before[0]["appId"].as_str().unwrap();
    let sps: Vec<Value> = emu.snapshot()["servicePrincipals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["appId"] == hr_app_id)
        .cloned()
        .collect();
    let grants_to_hr = emu.snapshot()["appRoleAssignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| sps.iter().any(|s| s["id"] == a["principalId"]))
        .count();
    assert_eq!(grants_to_hr, 0, "no role granted to HR Portal");
}

/// 14.3: runs at once on the same tenant and profile make one app: the OS lock taken when the
/// run starts lets one work; another says "Another exowiz … is working" before creating
/// anything. (On main 8 of 12 trials made duplicates.)
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_runs_make_one_app() {
    let emu = emulator(demo_tenant::EmulatorConfig {
        // Slow enough that the runs overlap.
        latency: Duration::from_millis(30),
        ..quick_config()
    })
    .await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let runs =
        futures::future::join_all((0..4).map(|_| exowiz(&emu, data.path(), Some(&token), ARGS)))
            .await;
    let mut succeeded = 0;
    for out in &runs {
        if out.status.success() {
            succeeded += 1;
        } else {
            let err = stderr(out);
            assert!(err.contains("Another exowiz"), "{err}");
        }
    }
    assert!(succeeded >= 1);
    assert_eq!(apps_named(&emu, "OfficeMaster EWS").len(), 1, "one app");
    // The store holds the registration once.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(data.path().join("registrations.json")).unwrap())
            .unwrap();
    assert_eq!(saved["registrations"].as_array().unwrap().len(), 1);
}

/// 14.3: many runs of different profiles at once each keep their registration in the one
/// store file (read-modify-write under a lock, unique temporary files).
#[tokio::test(flavor = "multi_thread")]
async fn concurrent_runs_of_different_profiles_lose_no_registration() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let profiles = [
        "officemaster",
        "moveit",
        "bueroware",
        "myfactory",
        "flowfact",
    ];
    let (emu, data, token) = (&emu, &data, &token);
    let runs = futures::future::join_all(profiles.iter().map(|profile| async move {
        let args = [
            "register",
            "--profile",
            profile,
            "--mailbox",
            "fax-transfer@contoso.com",
            "--json",
        ];
        exowiz(emu, data.path(), Some(token), &args).await
    }))
    .await;
    for out in &runs {
        assert!(out.status.success(), "{}", stderr(out));
        assert!(
            !stderr(out).contains("could not be saved"),
            "{}",
            stderr(out)
        );
    }
    let ok = runs.len();
    let saved: Value =
        serde_json::from_slice(&std::fs::read(data.path().join("registrations.json")).unwrap())
            .unwrap();
    assert_eq!(saved["registrations"].as_array().unwrap().len(), ok);
}

/// Issue 9.4: right after the service principal was made, Entra may answer grants with 404
/// `Directory_ObjectNotFound` "Unable to read the company information from the directory" —
/// having carried the write out. exowiz retries as replication, takes the duplicate answer as
/// success, reads back, and reports every permission granted, each exactly once.
#[tokio::test(flavor = "multi_thread")]
async fn grants_answered_directory_object_not_found_are_granted_once() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    emu.lose_answers("POST", "appRoleAssignedTo", 2, 404);
    emu.lose_answers("POST", "/v1.0/oauth2PermissionGrants", 1, 404);
    let mut args = ARGS.to_vec();
    args.push("--grant-consent");
    let out = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json = stdout_json(&out);
    assert!(
        json["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["granted"] == true),
        "{json}"
    );
    let sp_id = json["service_principal_id"].as_str().unwrap();
    let assignments: Vec<Value> = emu.snapshot()["appRoleAssignments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["principalId"] == sp_id)
        .cloned()
        .collect();
    let mut roles: Vec<&str> = assignments
        .iter()
        .map(|a| a["appRoleId"].as_str().unwrap())
        .collect();
    let total = roles.len();
    roles.sort();
    roles.dedup();
    assert_eq!(roles.len(), total, "no role assigned twice");
    assert_eq!(total, 3);
    let lost = emu
        .requests()
        .iter()
        .filter(|r| r.status == 404 && r.method == "POST")
        .count();
    assert_eq!(lost, 3, "the faults happened");
}

/// 14.1: `addPassword` carried out, answer lost (500): the secret nobody saw is found on the
/// app (description and end date), removed, and one fresh secret is made — the app holds only
/// the secret the admin got. (Main retried the POST: one extra unseen secret per retry.)
#[tokio::test(flavor = "multi_thread")]
async fn a_lost_add_password_answer_leaves_no_unseen_secret() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    emu.lose_answers("POST", "addPassword", 1, 500);
    let out = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let json = stdout_json(&out);
    let apps = apps_named(&emu, "OfficeMaster EWS");
    assert_eq!(apps.len(), 1);
    let creds = apps[0]["passwordCredentials"].as_array().unwrap();
    assert_eq!(creds.len(), 1, "only the secret the admin got: {creds:?}");
    assert_eq!(creds[0]["keyId"], json["secret"]["key_id"]);
    let adds = emu
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path_and_query.contains("addPassword"))
        .count();
    assert_eq!(adds, 2, "the lost one and one fresh one");
}
