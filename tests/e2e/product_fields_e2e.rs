//! Issue 16: every field each vendor manual asks the admin to enter reaches the admin. The
//! table (`manual_fields`) is written from the manuals; the profiles must list exactly those
//! fields, and `register --json` (`product_fields.fields`) and its text must carry each with its
//! value from the demo tenant.

use crate::support;
use crate::support::manual_fields;

use exowiz::profile;
use manual_fields::{Expect, table};
use support::*;

#[test]
fn every_profile_lists_exactly_the_fields_its_manual_asks_for() {
    for (id, _, fields, steps) in table() {
        let p = profile::by_id(id).unwrap();
        let listed: Vec<(String, &str, u32)> = p
            .product_fields
            .iter()
            .map(|f| (f.label.clone(), f.source.as_str(), f.line))
            .collect();
        let wanted: Vec<(String, &str, u32)> = fields
            .iter()
            .map(|f| (f.label.to_string(), f.source, f.line))
            .collect();
        assert_eq!(listed, wanted, "{id}: product_fields");
        let lines: Vec<u32> = p.next_steps.iter().map(|s| s.line).collect();
        assert_eq!(lines, steps, "{id}: next steps in the manual's order");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn register_hands_over_every_field_in_json_and_text() {
    let emu = emulator(quick_config()).await;
    for (id, extra, fields, steps) in table() {
        let data = tempfile::tempdir().unwrap();
        let mut args = vec!["register", "--profile", id, "--json", "--device-code"];
        args.extend(extra.iter().copied());
        let out = exowiz(&emu, data.path(), None, &args).await;
        assert!(
            out.status.success(),
            "{id}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = stdout_json(&out);
        let listed = json["product_fields"]["fields"].as_array().unwrap();
        assert_eq!(listed.len(), fields.len(), "{id}: {listed:?}");
        for (got, want) in listed.iter().zip(&fields) {
            assert_eq!(got["label"], want.label, "{id}");
            assert_eq!(got["source"], want.source, "{id}: {}", want.label);
            assert_eq!(got["manual_line"], want.line, "{id}: {}", want.label);
            let value = match want.expect {
                Expect::TenantId => json["tenant_id"].clone(),
                Expect::ClientId => json["client_id"].clone(),
                Expect::Secret => json["secret"]["value"].clone(),
                Expect::Text(text) => text.into(),
            };
            assert!(value.is_string(), "{id}: {}", want.label);
            assert_eq!(got["value"], value, "{id}: {}", want.label);
        }
        let listed_steps: Vec<u64> = json["product_fields"]["next_steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["manual_line"].as_u64().unwrap())
            .collect();
        assert_eq!(
            listed_steps,
            steps.iter().map(|l| *l as u64).collect::<Vec<_>>(),
            "{id}"
        );
    }

    // The text names every field beyond the three IDs under its label, with its value.
    for (id, extra, fields, _) in table() {
        let data = tempfile::tempdir().unwrap();
        let mut args = vec!["register", "--profile", id, "--device-code"];
        args.extend(extra.iter().copied());
        let out = exowiz(&emu, data.path(), None, &args).await;
        assert!(out.status.success(), "{id}");
        let text = String::from_utf8_lossy(&out.stdout);
        for field in &fields {
            if let Expect::Text(value) = field.expect {
                let line = text
                    .lines()
                    .find(|l| l.trim_start().starts_with(field.label))
                    .unwrap_or_else(|| panic!("{id}: no line for {}:\n{text}", field.label));
                assert!(line.contains(value), "{id}: {line}");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn bueroware_takes_another_verified_domain_and_refuses_a_foreign_one() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let args = [
        "register",
        "--profile",
        "bueroware",
        "--json",
        "--device-code",
        "--mail-domain",
        "Contoso.onmicrosoft.com",
    ];
    let out = exowiz(&emu, data.path(), None, &args).await;
    assert!(out.status.success());
    let json = stdout_json(&out);
    assert_eq!(json["mail_domain"], "contoso.onmicrosoft.com");

    let data = tempfile::tempdir().unwrap();
    let args = [
        "register",
        "--profile",
        "bueroware",
        "--device-code",
        "--mail-domain",
        "fabrikam.com",
    ];
    let out = exowiz(&emu, data.path(), None, &args).await;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("fabrikam.com is not a verified domain of this tenant")
            && err.contains("contoso.com"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// moveIT's secret variant (003, lines 73–77) adds the "Mobile and desktop applications"
/// platform with the first two URLs the portal proposes; the demo tenant's Graph takes them as
/// `publicClient.redirectUris` (Graph v1.0 schema: a string collection), and the app stays a
/// confidential client (no public client flows: the manual does not ask for them).
#[tokio::test(flavor = "multi_thread")]
async fn moveit_gets_the_first_two_mobile_and_desktop_redirect_uris() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let args = [
        "register",
        "--profile",
        "moveit",
        "--mailbox",
        manual_fields::MAILBOX,
        "--json",
        "--device-code",
    ];
    let out = exowiz(&emu, data.path(), None, &args).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let object_id = stdout_json(&out)["app_object_id"]
        .as_str()
        .unwrap()
        .to_string();
    let app = graph_get(&emu, &format!("applications/{object_id}")).await;
    assert_eq!(
        app["publicClient"]["redirectUris"],
        serde_json::json!([
            "https://login.microsoftonline.com/common/oauth2/nativeclient",
            "https://login.live.com/oauth20_desktop.srf"
        ])
    );
    assert_ne!(app["isFallbackPublicClient"], true);
    assert!(graph_schema_errors("application", &app).is_empty());

    // check finds nothing missing on the app exowiz made.
    let client_id = app["appId"].as_str().unwrap();
    let out = exowiz(
        &emu,
        data.path(),
        None,
        &["check", "--app-id", client_id, "--device-code", "--json"],
    )
    .await;
    let json = stdout_json(&out);
    let redirects: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "redirect-uri")
        .collect();
    assert_eq!(redirects.len(), 2, "{json}");
    assert!(redirects.iter().all(|f| f["severity"] == "ok"), "{json}");
}
