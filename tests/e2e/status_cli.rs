//! `exowiz status` works offline from the saved registrations; its exit code is 0 (all well),
//! 1 (a secret expires within --warn-days) or 2 (one has expired), for cron and Nagios/Icinga.

use chrono::{Duration, Utc};
use exowiz::store::{SavedRegistration, SavedSecret, Store};
use std::process::Command;

fn save(dir: &std::path::Path, name: &str, days_left: i64) {
    let now = Utc::now();
    Store::new(dir)
        .upsert(SavedRegistration {
            tenant_id: "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90".into(),
            tenant_name: Some("Contoso Ltd".into()),
            // A profile without EWS: these tests are about secrets (tests/e2e/status_ews.rs: EWS).
            profile: "moveit".into(),
            app_name: name.into(),
            client_id: format!("{name}-client"),
            app_object_id: format!("{name}-object"),
            service_principal_id: None,
            secrets: vec![SavedSecret {
                key_id: format!("{name}-key"),
                display_name: None,
                hint: Some("abc".into()),
                end_date_time: now + Duration::days(days_left) + Duration::hours(1),
            }],
            graph_url: "https://graph.microsoft.com/".into(),
            updated: now,
            adopted: false,
            uses_ews: None,
            mailbox: None,
            unknown: Default::default(),
        })
        .unwrap();
}

fn status(dir: &std::path::Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .arg("status")
        .args(args)
        .env("EXOWIZ_DATA_DIR", dir)
        // Offline: no endpoint is reachable, and none is needed.
        .env("EXOWIZ_GRAPH_URL", "http://127.0.0.1:9/")
        .env("EXOWIZ_LOGIN_URL", "http://127.0.0.1:9/")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn exit_codes_follow_the_worst_secret() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("OK - no saved registrations"), "{text}");

    save(dir.path(), "Fine App", 400);
    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.starts_with("OK - 1 registration"), "{text}");

    save(dir.path(), "Soon App", 10);
    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.starts_with("WARNING - 1 secret(s) expire soon"),
        "{text}"
    );
    assert!(
        text.contains("Soon App") && text.contains("in 10 days"),
        "{text}"
    );
    let (code, _) = status(dir.path(), &["--warn-days", "5"]);
    assert_eq!(code, 0, "ten days left is fine with a five-day window");

    save(dir.path(), "Gone App", -3);
    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.starts_with("CRITICAL - 1 secret(s) have expired"),
        "{text}"
    );
    let first_detail = text.lines().nth(1).unwrap();
    assert!(first_detail.contains("Gone App"), "worst first: {text}");

    let (code, json) = status(dir.path(), &["--json"]);
    assert_eq!(code, 2);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["status"], "expired");
    assert_eq!(json["registrations"].as_array().unwrap().len(), 3);
    assert_eq!(json["registrations"][0]["app_name"], "Gone App");
}

#[test]
fn an_unreadable_store_is_unknown_not_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("registrations.json"), b"{not json").unwrap();
    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 3, "{text}");
    assert!(
        text.starts_with("UNKNOWN - the saved registrations cannot be read"),
        "{text}"
    );
}

/// A registration cut off half-way (its journal in the data directory) is listed as UNFINISHED,
/// in text and JSON, and leaves the exit code to the secrets.
#[test]
fn an_interrupted_registration_is_listed_without_changing_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), "Fine App", 400);
    let (mut journal, _) = exowiz::store::journal::Journal::begin(
        dir.path(),
        "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90",
        "moveit",
        "https://graph.microsoft.com/",
        "MOVEit Transfer",
    )
    .unwrap();
    journal
        .record_app("obj-m", "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95", true)
        .unwrap();
    // The run "was interrupted": its process no longer holds the run lock.
    drop(journal);

    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 0, "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("UNFINISHED"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("MOVEit Transfer (client 5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95)")
            && line.contains("exowiz register --profile moveit"),
        "{line}"
    );

    let (code, text) = status(dir.path(), &["--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let runs = json["interrupted_runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "{json}");
    assert_eq!(runs[0]["profile"], "moveit");
    assert_eq!(runs[0]["client_id"], "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95");
}

/// A rotation journal in `dir` naming `key_id` of the app `name` as a secret nobody has seen
/// (the wizard's rotate job left it: the new secret stayed masked and was never copied).
fn unseen_rotation_secret(dir: &std::path::Path, name: &str, key_id: &str) {
    let store = Store::new(dir);
    let (mut journal, _) = exowiz::store::journal::RunJournal::begin_rotation(
        Some(&store),
        "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90",
        &format!("{name}-object"),
        &format!("{name}-client"),
        "https://graph.microsoft.com/",
        name,
    )
    .unwrap();
    journal.record(|j| j.record_secret(key_id, Utc::now() + Duration::days(700)));
    assert!(journal.trouble().is_none());
    // The run is over (the process would have ended): the lock is released, the file stays.
    drop(journal);
}

/// Issue 10.2: after a rotation whose older secrets were removed, the app's only secret was
/// one nobody has. `status` used to say OK; a secret nobody saw is a problem, and an app
/// whose every valid secret is one is as good as one without a secret: CRITICAL.
#[test]
fn a_secret_nobody_has_seen_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), "Rotated App", 700);
    unseen_rotation_secret(dir.path(), "Rotated App", "Rotated App-key");

    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 2, "{text}");
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("CRITICAL - ") && first.contains("nobody has seen"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| l.contains("Rotated App in"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.trim_start().starts_with("CRITICAL") && line.contains("nobody has seen"),
        "{line}"
    );

    let (code, json) = status(dir.path(), &["--json"]);
    assert_eq!(code, 2, "{json}");
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["level"], "critical", "{json}");
    assert_eq!(json["registrations"][0]["unseen_secrets"], 1, "{json}");
}

/// A secret nobody saw next to one that works: the connector still signs in, but the app holds
/// a secret nobody has (the next rotate removes it): WARNING, not OK.
#[test]
fn an_unseen_secret_beside_a_working_one_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    save(dir.path(), "Rotated App", 700);
    unseen_rotation_secret(dir.path(), "Rotated App", "another-key");

    let (code, text) = status(dir.path(), &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.starts_with("WARNING - ") && text.contains("nobody has seen"),
        "{text}"
    );
}
