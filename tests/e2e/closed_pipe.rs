//! A closed pipe (`exowiz status | head -1`, a script that stops reading) is no crash: every
//! command goes on to its own exit code without "failed printing to stdout", and a secret
//! printed into the closed pipe is not counted as handed over (issue 10.11).

use crate::support;

use serde_json::Value;
use std::process::{Command, Stdio};
use support::*;

/// Runs exowiz with stdout on a pipe whose reading end is already closed: every write to it
/// fails with EPIPE, as after `head -1` has gone.
fn run_into_closed_pipe(
    emu: &demo_tenant::Emulator,
    data: &std::path::Path,
    token: &str,
    args: &[&str],
) -> std::process::Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let base = emu.base_url().to_string();
    Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args(args)
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", token)
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("exowiz runs")
}

fn quiet(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_ne!(out.status.code(), Some(101), "a panic: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Broken pipe"), "{err}");
    err
}

#[tokio::test(flavor = "multi_thread")]
async fn commands_end_quietly_with_their_own_exit_code_on_a_closed_pipe() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    for args in [
        &["profiles"][..],
        &["profiles", "--json"],
        &["status"],
        &["--help"],
    ] {
        let out = run_into_closed_pipe(&emu, data.path(), &token, args);
        quiet(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_printed_into_a_closed_pipe_is_not_handed_over_and_the_next_run_removes_it() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let args = ["register", "--profile", "bueroware", "--no-wait-consent"];
    let lost = run_into_closed_pipe(&emu, data.path(), &token, &args);
    quiet(&lost);

    // The next run (the admin's second try, stdout readable) removes the secret nobody saw.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["register", "--profile", "bueroware", "--json"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let shown = stdout_json(&out);
    let apps: Vec<Value> = emu.snapshot()["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["appId"] == shown["client_id"])
        .cloned()
        .collect();
    let keys: Vec<&str> = apps[0]["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [shown["secret"]["key_id"].as_str().unwrap()],
        "only the secret the admin has"
    );
}
