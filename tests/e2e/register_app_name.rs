//! `register --app-name`: the admin's own name for the app reaches the tenant, the output and
//! the saved registration, and a second run with the same name finds the same app.

use crate::support;

use serde_json::Value;
use support::*;

#[tokio::test(flavor = "multi_thread")]
async fn app_name_names_the_app_and_a_second_run_reuses_it() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let name = "Fax Server Berlin (Ü-Test)";
    let args = [
        "register",
        "--profile",
        "officemaster",
        "--mailbox",
        "fax-transfer@contoso.com",
        "--app-name",
        name,
        "--json",
    ];
    let first = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let first = stdout_json(&first);
    assert_eq!(first["app_name"], name, "{first}");

    let apps_named = |wanted: &str| -> Vec<Value> {
        emu.snapshot()["applications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["displayName"] == wanted)
            .cloned()
            .collect()
    };
    let apps = apps_named(name);
    assert_eq!(apps.len(), 1, "exactly one app with the admin's name");
    assert_eq!(apps[0]["appId"], first["client_id"]);
    assert!(
        apps[0]["uniqueName"]
            .as_str()
            .is_some_and(|u| u.starts_with("exowiz-officemaster-")),
        "exowiz marks it as its own: {}",
        apps[0]
    );
    assert!(
        apps_named("OfficeMaster EWS").is_empty(),
        "the profile's default name was not used"
    );

    // The saved registration carries the name: status shows it (its exit code reports the
    // EWS deadline warning for OfficeMaster, tests/e2e/status_ews.rs).
    let status = exowiz(&emu, data.path(), Some(&token), &["status", "--json"]).await;
    let status_text = String::from_utf8_lossy(&status.stdout).to_string();
    assert!(status_text.contains(name), "{status_text}");

    let second = exowiz(&emu, data.path(), Some(&token), &args).await;
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let second = stdout_json(&second);
    assert_eq!(second["client_id"], first["client_id"], "the same app");
    assert_eq!(apps_named(name).len(), 1, "still exactly one app");
}
