//! `exowiz demo --reset` starts afresh (issue 10.10): besides the demo tenant's state, the saved
//! registrations and journals of the demo tenant go, so the next run offers to continue no app
//! that no longer exists. Registrations of real tenants stay. The real binary; the wizard in a
//! pseudo-terminal.
#![cfg(unix)]

use crate::support;

use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::pty::{Key, Pty};

const DEMO_TENANT: &str = "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90";

/// `exowiz register --demo …` in `data`; with `abort`, killed after that journal step.
fn register_demo(data: &Path, profile_args: &[&str], abort: Option<&str>) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_exowiz"));
    cmd.args(["register", "--demo", "--grant-consent", "--json"])
        .args(profile_args)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env_remove("EXOWIZ_ACCESS_TOKEN")
        .env_remove("EXOWIZ_LOGIN_URL")
        .env_remove("EXOWIZ_GRAPH_URL")
        .env_remove("EXOWIZ_TEST_ABORT_AFTER");
    if let Some(step) = abort {
        cmd.env("EXOWIZ_TEST_ABORT_AFTER", step);
    }
    cmd.output().expect("exowiz runs")
}

fn journals(data: &Path) -> Vec<String> {
    std::fs::read_dir(data)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("journal-") && n.ends_with(".json"))
        .collect()
}

fn registrations(data: &Path) -> Vec<Value> {
    let file: Value =
        serde_json::from_slice(&std::fs::read(data.join("registrations.json")).unwrap()).unwrap();
    file["registrations"].as_array().unwrap().clone()
}

#[test]
fn demo_reset_forgets_the_demo_tenants_registrations_and_journals() {
    let data = tempfile::tempdir().unwrap();
    let done = register_demo(data.path(), &["--profile", "bueroware"], None);
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let cut_off = register_demo(
        data.path(),
        &[
            "--profile",
            "officemaster",
            "--mailbox",
            "fax-transfer@contoso.com",
        ],
        Some("app"),
    );
    assert!(!cut_off.status.success(), "the second run was killed");
    assert_eq!(journals(data.path()).len(), 1, "the cut-off run's journal");
    // A registration of a real tenant, which the reset must keep.
    let mut file: Value =
        serde_json::from_slice(&std::fs::read(data.path().join("registrations.json")).unwrap())
            .unwrap();
    let mut real = file["registrations"][0].clone();
    real["tenant_id"] = Value::String("11111111-2222-3333-4444-555555555555".into());
    real["graph_url"] = Value::String("https://graph.microsoft.com/".into());
    file["registrations"].as_array_mut().unwrap().push(real);
    std::fs::write(
        data.path().join("registrations.json"),
        serde_json::to_vec_pretty(&file).unwrap(),
    )
    .unwrap();

    let mut pty = Pty::exowiz(&["demo", "--reset"], data.path());
    assert!(
        pty.wait_until(Duration::from_secs(30), |s| s.alternate_screen()),
        "the wizard started: {:?}",
        String::from_utf8_lossy(&pty.raw_output())
    );
    pty.send_key(Key::CtrlC);
    assert_eq!(
        pty.wait_exit(Duration::from_secs(15)).unwrap().exit_code(),
        0
    );

    assert_eq!(
        journals(data.path()),
        Vec::<String>::new(),
        "no journal left"
    );
    let left = registrations(data.path());
    assert!(
        left.iter().all(|r| r["tenant_id"] != DEMO_TENANT),
        "the demo tenant's registrations are gone: {left:#?}"
    );
    assert_eq!(
        left.len(),
        1,
        "the real tenant's registration stays: {left:#?}"
    );
}
