//! `exowiz status` knows that EWS ends in Exchange Online on 1 April 2027: a registration that
//! depends on it is a WARNING (exit 1) before that day and CRITICAL (exit 2) from then on, in
//! text and in `--json` (`ews`, `level`). The registrations file is written as an older exowiz
//! wrote it (no `uses_ews`): whether a registration depends on EWS comes from its profile then.
//! "Now" is injected with `EXOWIZ_TEST_NOW` (debug builds).

use std::path::Path;
use std::process::Command;

fn registration(name: &str, profile: &str, secret_end: &str, extra: &str) -> String {
    format!(
        r#"{{"tenant_id": "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90", "tenant_name": "Contoso Ltd",
            "profile": "{profile}", "app_name": "{name}", "client_id": "{name}-client",
            "app_object_id": "{name}-object", "service_principal_id": null,
            "secrets": [{{"key_id": "{name}-key", "display_name": null, "hint": "abc",
                          "end_date_time": "{secret_end}"}}],
            "graph_url": "https://graph.microsoft.com/", "updated": "2026-11-01T00:00:00Z"{extra}}}"#
    )
}

fn write(dir: &Path, registrations: &[String]) {
    std::fs::write(
        dir.join("registrations.json"),
        format!(r#"{{"registrations": [{}]}}"#, registrations.join(",")),
    )
    .unwrap();
}

fn status(dir: &Path, now: &str, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .arg("status")
        .args(args)
        .env("EXOWIZ_DATA_DIR", dir)
        .env("EXOWIZ_TEST_NOW", now)
        .env("EXOWIZ_GRAPH_URL", "http://127.0.0.1:9/")
        .env("EXOWIZ_LOGIN_URL", "http://127.0.0.1:9/")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

const BEFORE: &str = "2026-12-05T12:00:00Z";
const AFTER: &str = "2027-04-02T12:00:00Z";
const FAR: &str = "2029-01-01T00:00:00Z";

#[test]
fn an_ews_registration_warns_before_the_first_of_april_2027_and_is_critical_after() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            registration("Order Mailer", "moveit", FAR, ""),
            registration("SoftENGINE Mailserver", "bueroware", FAR, ""),
        ],
    );

    let (code, text) = status(dir.path(), BEFORE, &[]);
    assert_eq!(code, 1, "{text}");
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "WARNING - 1 registration(s) depend on EWS, which Exchange Online switches off on 2027-04-01 (in 116 days): move them to a connector that uses Microsoft Graph"
    );
    let ews_line = text.lines().nth(1).unwrap();
    assert!(
        ews_line.trim_start().starts_with("WARNING")
            && ews_line.contains("SoftENGINE Mailserver")
            && ews_line.ends_with("uses EWS, which ends 2027-04-01 (in 116 days)"),
        "worst first: {text}"
    );
    let graph_line = text.lines().nth(2).unwrap();
    assert!(
        graph_line.trim_start().starts_with("OK") && !graph_line.contains("EWS"),
        "{text}"
    );

    let (code, json) = status(dir.path(), BEFORE, &["--json"]);
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["status"], "ok", "the secrets are fine: {json}");
    assert_eq!(json["level"], "warning", "{json}");
    assert_eq!(json["ews_shutdown"], "2027-04-01");
    let ews = &json["registrations"][0];
    assert_eq!(ews["app_name"], "SoftENGINE Mailserver");
    assert_eq!(
        ews["ews"],
        serde_json::json!({"state": "ending", "days_left": 116}),
        "{json}"
    );
    assert_eq!(ews["level"], "warning");
    assert_eq!(json["registrations"][1]["ews"], serde_json::Value::Null);

    let (code, text) = status(dir.path(), AFTER, &[]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.starts_with("CRITICAL - 1 registration(s) depend on EWS, which Exchange Online switched off on 2027-04-01: those connectors cannot reach mailboxes"),
        "{text}"
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .ends_with("uses EWS, which ended 2027-04-01: it cannot reach mailboxes"),
        "{text}"
    );
    let (_, json) = status(dir.path(), AFTER, &["--json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["level"], "critical");
    assert_eq!(json["registrations"][0]["ews"]["state"], "ended");
}

/// Both at once: the secret's sentence first, then EWS's; a registration recorded as not using
/// EWS (a newer file) is left alone whatever its profile.
#[test]
fn secrets_and_ews_are_reported_together() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            registration("Fax Server", "officemaster", "2026-12-15T00:00:00Z", ""),
            registration("Old Sync", "bueroware", FAR, r#", "uses_ews": false"#),
        ],
    );
    let (code, text) = status(dir.path(), BEFORE, &[]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.starts_with("WARNING - 1 secret(s) expire soon: renew them with exowiz; 1 registration(s) depend on EWS"),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.contains("Old Sync") && l.contains("EWS")),
        "{text}"
    );
}
