//! Issue 14.7: a damaged journal does not lose the clean-up silently. What can be read is
//! recovered (the next run still removes the secret nobody saw); `status` (text and JSON)
//! names the app to check.

use crate::support;

use std::time::Duration;
use support::*;

const ARGS: &[&str] = &[
    "register",
    "--profile",
    "bueroware",
    "--grant-consent",
    "--json",
];

fn journal_of(dir: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("journal-") && n.ends_with(".json")
        })
        .expect("the aborted run left its journal")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cut_off_journal_is_recovered_and_status_names_the_app() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let base = emu.base_url().to_string();
    // A run killed right after its secret was made: the journal knows an unseen secret.
    let out = tokio::time::timeout(
        Duration::from_secs(120),
        tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
            .args(ARGS)
            .env("EXOWIZ_LOGIN_URL", &base)
            .env("EXOWIZ_GRAPH_URL", &base)
            .env("EXOWIZ_DATA_DIR", data.path())
            .env("EXOWIZ_NO_BROWSER", "1")
            .env("EXOWIZ_ACCESS_TOKEN", &token)
            .env("EXOWIZ_TEST_ABORT_AFTER", "secret")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .unwrap()
    .unwrap();
    assert!(!out.status.success());
    let path = journal_of(data.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let client_id = {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["app"]["client_id"].as_str().unwrap().to_string()
    };
    // Damage it: cut off after the secret's "shown": false.
    let cut = text.find("\"shown\": false").unwrap() + "\"shown\": false".len();
    std::fs::write(&path, &text[..cut]).unwrap();

    let status = exowiz(&emu, data.path(), None, &["status"]).await;
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(stdout.contains("DAMAGED JOURNAL"), "{stdout}");
    assert!(stdout.contains(&client_id), "names the app: {stdout}");
    let json = stdout_json(&exowiz(&emu, data.path(), None, &["status", "--json"]).await);
    assert_eq!(json["damaged_journals"][0]["client_id"], client_id.as_str());

    // The next run recovers the app and removes the secret nobody saw.
    let out = exowiz(&emu, data.path(), Some(&token), ARGS).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("exowiz recovered what it could read"), "{err}");
    let json = stdout_json(&out);
    assert_eq!(
        json["client_id"],
        client_id.as_str(),
        "same app, no second one"
    );
    let apps = graph_get(
        &emu,
        &format!("applications?$filter=appId eq '{client_id}'"),
    )
    .await;
    let secrets = apps["value"][0]["passwordCredentials"].as_array().unwrap();
    assert_eq!(
        secrets.len(),
        1,
        "only the secret this run handed over: {secrets:?}"
    );
}
