//! Issue 14.8: text an app owner or the command line controls never reaches the terminal as
//! control characters. An app renamed with OSC 52 (fills the clipboard), a clear-screen and a
//! C1 CSI comes out of `rotate`, `check` and `status` — text and JSON — as visible escapes;
//! `--app-name` with a control character is refused with a sentence; error messages that echo
//! an argument escape it.

use crate::support;

use serde_json::{Value, json};
use std::process::Output;
use support::*;

const HOSTILE: &str = "Evil\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{9b}31m\u{7f}";

/// Bytes a terminal would act on: C0 but line feed and tab, DEL, and C1 in UTF-8 (C2 80–9F).
fn terminal_controls(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.char_indices()
        .filter(|(_, c)| c.is_control() && *c != '\n' && *c != '\t')
        .map(|(i, c)| format!("U+{:04X} at {i}", c as u32))
        .collect()
}

fn assert_clean(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = terminal_controls(bytes);
        assert!(
            found.is_empty(),
            "{what} {stream} carries control characters {found:?}:\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// Every string in `value` that contains `needle`.
fn strings_containing(value: &Value, needle: &str, found: &mut Vec<String>) {
    match value {
        Value::String(s) if s.contains(needle) => found.push(s.clone()),
        Value::Array(items) => items
            .iter()
            .for_each(|v| strings_containing(v, needle, found)),
        Value::Object(map) => map
            .values()
            .for_each(|v| strings_containing(v, needle, found)),
        _ => {}
    }
}

async fn rename_app(emu: &demo_tenant::Emulator, object_id: &str, name: &str) {
    let url = format!("{}v1.0/applications/{object_id}", emu.base_url());
    let status = reqwest::Client::new()
        .patch(url)
        .bearer_auth(admin_token(emu))
        .json(&json!({ "displayName": name }))
        .send()
        .await
        .expect("demo tenant answers")
        .status();
    assert!(status.is_success(), "PATCH displayName: {status}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_app_name_is_printed_as_visible_escapes_by_rotate_check_and_status() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let out = exowiz(
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
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reg: Value = stdout_json(&out);
    let client_id = reg["client_id"].as_str().unwrap().to_string();
    let apps = graph_get(
        &emu,
        &format!("applications?$filter=appId eq '{client_id}'"),
    )
    .await;
    let object_id = apps["value"][0]["id"].as_str().unwrap().to_string();
    rename_app(&emu, &object_id, HOSTILE).await;

    let mut json_carrying_the_name = 0;
    for args in [
        vec!["rotate", "--app-id", &client_id],
        vec!["rotate", "--app-id", &client_id, "--json"],
        vec!["check", "--app-id", &client_id],
        vec!["check", "--app-id", &client_id, "--json"],
        vec!["status"],
        vec!["status", "--json"],
    ] {
        let out = exowiz(&emu, data.path(), Some(&token), &args).await;
        assert_clean(&args.join(" "), &out);
        if args.contains(&"--json") {
            // Still the true name: JSON escapes control characters its own way (\u001b), so
            // a JSON reader gets the name exactly as the tenant holds it, not a printable copy.
            let json = stdout_json(&out);
            let mut names = Vec::new();
            strings_containing(&json, "Evil", &mut names);
            for name in &names {
                assert!(
                    name.contains(HOSTILE),
                    "{} altered the name in JSON: {name:?}",
                    args.join(" ")
                );
            }
            if !names.is_empty() {
                json_carrying_the_name += 1;
            }
        }
    }
    assert!(
        json_carrying_the_name > 0,
        "no --json output carried the app's name, so its escaping went untested"
    );
    // The text output shows the name, escaped, so the admin sees what the app is called.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["check", "--app-id", &client_id],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Evil\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}[2J"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn names_with_control_characters_are_refused_and_echoed_arguments_are_escaped() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let hostile = "Fax\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}";
    let some_app = "9a7889bc-894b-41e8-a7a5-253b91981e49";
    for (flag, args) in [
        (
            "--app-name",
            vec!["register", "--profile", "bueroware", "--app-name", hostile],
        ),
        (
            "--description",
            vec!["rotate", "--app-id", some_app, "--description", hostile],
        ),
    ] {
        let out = exowiz(&emu, data.path(), Some(&token), &args).await;
        assert_eq!(out.status.code(), Some(2), "{flag}: {out:?}");
        assert_clean(flag, &out);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("control character"), "{flag}: {err}");
    }
    assert!(
        emu.requests()
            .iter()
            .all(|r| r.method == "GET" || !r.path_and_query.contains("applications")),
        "nothing was created"
    );
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["register", "--profile", "nope\u{1b}[2J\u{9b}"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert_clean("unknown profile", &out);
}
