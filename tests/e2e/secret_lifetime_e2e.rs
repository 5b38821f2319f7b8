//! Issue 16.4: OfficeMaster's installer makes a five-year secret (manual 000, line 188). exowiz
//! allows up to 60 months where the tenant's app-management policy allows it, says the
//! trade-off, and names the policy's refusal (`CredentialInvalidLifetimeAsPerAppPolicy`, as
//! Microsoft Graph answers it) in a plain sentence. The demo tenant is seeded with a two-year
//! `passwordLifetime` policy; `POST /_emulator/app-policy` changes or lifts it.

use crate::support;

use chrono::{DateTime, Datelike, Utc};
use demo_tenant::Emulator;
use serde_json::{Value, json};
use support::*;

async fn set_policy(emu: &Emulator, max: Value) {
    let resp = reqwest::Client::new()
        .post(format!("{}_emulator/app-policy", emu.base_url()))
        .json(&json!({ "passwordMaxLifetime": max }))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
}

fn register_args(months: &str) -> Vec<&str> {
    vec![
        "register",
        "--profile",
        "officemaster",
        "--mailbox",
        "fax-transfer@contoso.com",
        "--device-code",
        "--secret-months",
        months,
    ]
}

fn years_from_now(end: &str) -> i32 {
    let end: DateTime<Utc> = end.parse().unwrap();
    end.year() - Utc::now().year()
}

#[tokio::test(flavor = "multi_thread")]
async fn five_years_where_the_policy_allows_it_and_a_plain_refusal_where_not() {
    let emu = emulator(quick_config()).await;

    // The seeded two-year policy refuses five years: Graph's error as a sentence, exit 4.
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(&emu, data.path(), None, &register_args("60")).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains(
            "The tenant's app management policy does not allow a secret that lasts this long. Choose a shorter lifetime."
        ),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");

    // A three-year policy: 60 months still refused, 36 made.
    set_policy(&emu, json!("P3Y")).await;
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(&emu, data.path(), None, &register_args("60")).await;
    assert_eq!(out.status.code(), Some(4));
    let data = tempfile::tempdir().unwrap();
    let mut args = register_args("36");
    args.push("--json");
    let out = exowiz(&emu, data.path(), None, &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_eq!(
        years_from_now(json["secret"]["end_date_time"].as_str().unwrap()),
        3
    );

    // No policy, as in a tenant without one: the manual's five years, with the trade-off said.
    set_policy(&emu, Value::Null).await;
    let data = tempfile::tempdir().unwrap();
    let mut args = register_args("60");
    args.push("--json");
    let out = exowiz(&emu, data.path(), None, &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_eq!(
        years_from_now(json["secret"]["end_date_time"].as_str().unwrap()),
        5
    );
    let notes = json["notes"].to_string();
    assert!(
        notes.contains("The secret lasts 60 months")
            && notes.contains("fewer rotations")
            && notes.contains("Microsoft recommends less than 12 months"),
        "{notes}"
    );
    let advice = json["product_fields"]["advice"].to_string();
    assert!(advice.contains("5 years (line 188)"), "{advice}");

    // The text says it too; 24 months says nothing of the kind.
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(&emu, data.path(), None, &register_args("60")).await;
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("The secret lasts 60 months"), "{text}");
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(&emu, data.path(), None, &register_args("24")).await;
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("The secret lasts"), "{text}");

    // More than 60 is refused before anything happens.
    let data = tempfile::tempdir().unwrap();
    let out = exowiz(&emu, data.path(), None, &register_args("61")).await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("A secret can last 1 to 60 months, not 61."),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_makes_a_five_year_secret_where_the_policy_allows_it() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let mut args = register_args("24");
    args.push("--json");
    let out = exowiz(&emu, data.path(), None, &args).await;
    assert!(out.status.success());
    let client_id = stdout_json(&out)["client_id"].as_str().unwrap().to_string();
    let rotate = [
        "rotate",
        "--app-id",
        &client_id,
        "--device-code",
        "--json",
        "--secret-months",
        "60",
        "--verify-timeout",
        "5",
    ];

    // Refused by the seeded two-year policy, in words.
    let out = exowiz(&emu, data.path(), None, &rotate).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(err.contains("app management policy"), "{err}");

    set_policy(&emu, Value::Null).await;
    let out = exowiz(&emu, data.path(), None, &rotate).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_eq!(
        years_from_now(json["secret"]["end_date_time"].as_str().unwrap()),
        5
    );
    assert!(
        json["notes"]
            .to_string()
            .contains("The secret lasts 60 months"),
        "{}",
        json["notes"]
    );
}
