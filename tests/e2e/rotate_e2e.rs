//! `exowiz rotate` end to end: the real binary against the demo tenant over loopback. A new
//! secret is made and proven, the older ones are kept until asked, and only they are removed.
//! The new secret is checked with the demo tenant's own token endpoint, not with exowiz's code.

use crate::support;

use base64::Engine;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;
use support::*;

const EXCHANGE_SCOPE: &str = "https://outlook.office365.com/.default";

/// Client-credentials request straight to the demo tenant's token endpoint: the roles of the
/// token, or the error body.
async fn token_roles(
    emu: &demo_tenant::Emulator,
    client_id: &str,
    secret: &str,
) -> Result<Vec<String>, Value> {
    let url = format!("{}{}/oauth2/v2.0/token", emu.base_url(), emu.tenant_id());
    let resp = reqwest::Client::new()
        .post(url)
        .form(&[
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", EXCHANGE_SCOPE),
            ("grant_type", "client_credentials"),
        ])
        .send()
        .await
        .expect("token endpoint answers");
    let ok = resp.status().is_success();
    let body: Value = resp.json().await.expect("JSON");
    if !ok {
        return Err(body);
    }
    let token = body["access_token"].as_str().expect("access_token");
    let payload = token.split('.').nth(1).expect("a JWT");
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url"),
    )
    .expect("claims are JSON");
    Ok(claims["roles"]
        .as_array()
        .map(|a| a.iter().map(|r| r.as_str().unwrap().to_string()).collect())
        .unwrap_or_default())
}

/// PATCH or DELETE as the admin on a Graph path of the demo tenant; returns the status code.
async fn graph_send(
    emu: &demo_tenant::Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> u16 {
    let url = format!("{}v1.0/{}", emu.base_url(), path);
    let mut req = reqwest::Client::new()
        .request(method, url)
        .bearer_auth(admin_token(emu));
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send()
        .await
        .expect("demo tenant answers")
        .status()
        .as_u16()
}

/// Takes back the admin consent for the app role `role_id`, as an admin in the portal would.
async fn revoke(emu: &demo_tenant::Emulator, client_id: &str, role_id: &str) {
    let sp = graph_get(emu, &format!("servicePrincipals(appId='{client_id}')")).await;
    let sp_id = sp["id"].as_str().unwrap();
    let roles = graph_get(
        emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
    )
    .await;
    let assignment = roles["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["appRoleId"] == role_id)
        .unwrap_or_else(|| panic!("{role_id} is granted: {roles}"));
    let path = format!(
        "servicePrincipals/{}/appRoleAssignedTo/{}",
        assignment["resourceId"].as_str().unwrap(),
        assignment["id"].as_str().unwrap()
    );
    assert_eq!(
        graph_send(emu, reqwest::Method::DELETE, &path, None).await,
        204
    );
}

/// POST as the admin to a Graph path of the demo tenant.
async fn graph_post(emu: &demo_tenant::Emulator, path: &str, body: Value) -> Value {
    let url = format!("{}v1.0/{}", emu.base_url(), path);
    let resp = reqwest::Client::new()
        .post(url)
        .bearer_auth(admin_token(emu))
        .json(&body)
        .send()
        .await
        .expect("demo tenant answers");
    assert!(resp.status().is_success(), "POST {path}: {}", resp.status());
    resp.json().await.expect("JSON")
}

async fn key_ids_in_tenant(emu: &demo_tenant::Emulator, client_id: &str) -> BTreeSet<String> {
    let app = graph_get(emu, &format!("applications(appId='{client_id}')")).await;
    app["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["keyId"].as_str().unwrap().to_string())
        .collect()
}

fn saved_key_ids(data: &Path, client_id: &str) -> (String, BTreeSet<String>) {
    let text = std::fs::read_to_string(data.join("registrations.json")).expect("saved");
    let json: Value = serde_json::from_str(&text).unwrap();
    let reg = json["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["client_id"] == client_id)
        .unwrap_or_else(|| panic!("no saved registration for {client_id}: {text}"));
    let keys = reg["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key_id"].as_str().unwrap().to_string())
        .collect();
    (reg["profile"].as_str().unwrap().to_string(), keys)
}

fn ok(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout_json(out)
}

/// The secret is on stdout only: in no file of the data directory, never on stderr.
fn assert_not_kept(data: &Path, out: &Output, secret: &str) {
    assert!(secret.len() >= 16, "a real secret: {secret}");
    assert!(
        files_containing(data, secret).is_empty(),
        "the secret was written to {:?}",
        files_containing(data, secret)
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(secret),
        "the secret is on stderr"
    );
}

async fn register_bueroware(
    emu: &demo_tenant::Emulator,
    data: &Path,
    token: &str,
) -> (String, String, String) {
    let out = exowiz(
        emu,
        data,
        Some(token),
        &[
            "register",
            "--profile",
            "bueroware",
            "--grant-consent",
            "--json",
        ],
    )
    .await;
    let json = ok(&out);
    (
        json["client_id"].as_str().unwrap().to_string(),
        json["secret"]["key_id"].as_str().unwrap().to_string(),
        json["secret"]["value"].as_str().unwrap().to_string(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_keeps_the_old_secret_and_a_later_run_removes_only_it() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let (client_id, old_key, old_secret) = register_bueroware(&emu, data.path(), &token).await;
    // Graph dates have whole seconds here: let the new secret be visibly newer.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;

    // Run 1: a new secret, verified, the old one kept.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    let json = ok(&out);
    let new_key = json["secret"]["key_id"].as_str().unwrap().to_string();
    let new_secret = json["secret"]["value"].as_str().unwrap().to_string();
    assert_not_kept(data.path(), &out, &new_secret);
    assert_ne!(new_key, old_key);
    assert_eq!(json["tenant_id"], emu.tenant_id().as_str());
    // Issue 16: rotate names the product's fields from the manual too (BüroWARE: Client-ID,
    // Domain / Bezeichnung, Geheimer Schlüssel with the new secret).
    let fields = json["product_fields"]["fields"].as_array().unwrap();
    let labels: Vec<&str> = fields
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        ["Client-ID", "Domain / Bezeichnung", "Geheimer Schlüssel"]
    );
    assert_eq!(fields[0]["value"], client_id.as_str());
    assert_eq!(fields[2]["value"], new_secret.as_str());
    assert_eq!(json["client_id"], client_id.as_str());
    assert_eq!(json["verified"], true);
    assert_eq!(json["removed"], serde_json::json!([]));
    assert_eq!(json["profile"], "bueroware");
    assert_eq!(json["compared_with"]["profile"], "bueroware");
    assert_eq!(
        json["missing_roles"],
        serde_json::json!([]),
        "consent granted: nothing missing"
    );
    assert_eq!(json["check_command"], Value::Null);
    assert_eq!(
        json["product_fields"]["client_secret"],
        "Geheimer Schlüssel"
    );
    assert!(json["secret"]["end_date_time"].is_string());
    let previous: Vec<&str> = json["previous_secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key_id"].as_str().unwrap())
        .collect();
    assert_eq!(previous, [old_key.as_str()]);
    assert_eq!(
        json["previous_secrets"][0]["due"], false,
        "a fresh 24-month secret"
    );
    let exchange = json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["api"] == "exchange")
        .expect("an Exchange token was checked");
    assert!(
        exchange["roles"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "full_access_as_app"),
        "{json}"
    );
    let remove = json["remove_command"].as_str().unwrap();
    assert!(
        remove.contains(&format!(
            "--app-id {client_id} --remove-old --keep {new_key}"
        )),
        "{remove}"
    );

    // The tenant holds both; both work; the saved registration lists both.
    assert_eq!(
        key_ids_in_tenant(&emu, &client_id).await,
        BTreeSet::from([old_key.clone(), new_key.clone()])
    );
    let roles = token_roles(&emu, &client_id, &new_secret).await.unwrap();
    assert!(roles.iter().any(|r| r == "full_access_as_app"), "{roles:?}");
    assert!(
        token_roles(&emu, &client_id, &old_secret).await.is_ok(),
        "the old secret still works"
    );
    let (profile, saved) = saved_key_ids(data.path(), &client_id);
    assert_eq!(profile, "bueroware");
    assert_eq!(saved, BTreeSet::from([old_key.clone(), new_key.clone()]));

    // Keeping the older secret would remove the new one: refused, nothing removed.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--remove-old",
            "--keep",
            &old_key,
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not the newest") && err.contains("Nothing was removed"),
        "{err}"
    );
    assert_eq!(key_ids_in_tenant(&emu, &client_id).await.len(), 2);

    // Run 2, after the product uses the new secret: no new secret, only the old one removed.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--remove-old",
            "--keep",
            &new_key,
            "--json",
        ],
    )
    .await;
    let json = ok(&out);
    assert_eq!(json["secret"], Value::Null, "no secret was made");
    assert_eq!(json["removed"], serde_json::json!([old_key]));
    assert_eq!(
        key_ids_in_tenant(&emu, &client_id).await,
        BTreeSet::from([new_key.clone()]),
        "exactly the new secret is left"
    );
    let err = token_roles(&emu, &client_id, &old_secret)
        .await
        .unwrap_err();
    assert!(err["error_codes"].to_string().contains("7000215"), "{err}");
    assert!(token_roles(&emu, &client_id, &new_secret).await.is_ok());
    assert_eq!(
        saved_key_ids(data.path(), &client_id).1,
        BTreeSet::from([new_key.clone()])
    );

    // Again: nothing left to remove, still nothing made.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--remove-old",
            "--keep",
            &new_key,
        ],
    )
    .await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nothing to remove"));
    assert_eq!(key_ids_in_tenant(&emu, &client_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotation_names_the_profiles_role_whose_consent_is_missing_and_still_succeeds() {
    const FULL_ACCESS_AS_APP: &str = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let (client_id, _, _) = register_bueroware(&emu, data.path(), &token).await;
    revoke(&emu, &client_id, FULL_ACCESS_AS_APP).await;

    // The secret works, so the rotation succeeds (exit 0); the missing consent is named.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    let json = ok(&out);
    assert_eq!(json["verified"], true);
    assert_eq!(json["profile"], "bueroware");
    assert_eq!(json["compared_with"]["profile"], "bueroware");
    assert_eq!(
        json["compared_with"]["permissions"],
        serde_json::json!([{"api": "exchange", "name": "full_access_as_app"}])
    );
    assert_eq!(
        json["missing_roles"],
        serde_json::json!(["full_access_as_app"])
    );
    let fix = format!("exowiz check --app-id {client_id} --fix all");
    assert_eq!(json["check_command"], fix.as_str());

    // As text: a warning after the roles that names the profile and the fix.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id],
    )
    .await;
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let warning = text
        .lines()
        .find(|l| l.starts_with("Warning: the token lacks full_access_as_app"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(warning.contains("BüroWARE"), "{warning}");
    assert!(text.contains(&fix), "{text}");

    // The app no longer even requests an Exchange permission: the profile's role is still
    // checked (an Exchange token is asked for) and reported missing, not skipped.
    let app = graph_get(&emu, &format!("applications(appId='{client_id}')")).await;
    let status = graph_send(
        &emu,
        reqwest::Method::PATCH,
        &format!("applications/{}", app["id"].as_str().unwrap()),
        Some(serde_json::json!({"requiredResourceAccess": []})),
    )
    .await;
    assert_eq!(status, 204);
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    let json = ok(&out);
    let apis: Vec<&str> = json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["api"].as_str().unwrap())
        .collect();
    assert!(apis.contains(&"exchange"), "{json}");
    assert_eq!(
        json["missing_roles"],
        serde_json::json!(["full_access_as_app"])
    );

    // The suggested fix repairs it: the next rotation finds nothing missing.
    let fixed = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["check", "--app-id", &client_id, "--fix", "all", "--json"],
    )
    .await;
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&fixed.stderr)
    );
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    assert_eq!(ok(&out)["missing_roles"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn remove_old_at_once_removes_the_older_secrets_after_verification() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let (client_id, old_key, _) = register_bueroware(&emu, data.path(), &token).await;
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--remove-old",
            "--secret-months",
            "6",
            "--json",
        ],
    )
    .await;
    let json = ok(&out);
    let new_key = json["secret"]["key_id"].as_str().unwrap().to_string();
    assert_not_kept(data.path(), &out, json["secret"]["value"].as_str().unwrap());
    assert_eq!(json["verified"], true);
    assert_eq!(json["removed"], serde_json::json!([old_key]));
    assert_eq!(json["remove_command"], Value::Null);
    assert_eq!(
        key_ids_in_tenant(&emu, &client_id).await,
        BTreeSet::from([new_key.clone()])
    );
    assert_eq!(
        saved_key_ids(data.path(), &client_id).1,
        BTreeSet::from([new_key])
    );
    let end: chrono::DateTime<chrono::Utc> = json["secret"]["end_date_time"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let days = (end - chrono::Utc::now()).num_days();
    assert!((180..=185).contains(&days), "6 months: {days} days");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unsaved_app_with_an_expiring_secret_is_marked_due_and_matched_like_check_does() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let apps = graph_get(
        &emu,
        "applications?$filter=displayName eq 'Legacy Fax Connector'",
    )
    .await;
    let app = &apps["value"][0];
    let client_id = app["appId"].as_str().unwrap().to_string();
    let old_key = app["passwordCredentials"][0]["keyId"]
        .as_str()
        .unwrap()
        .to_string();

    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    let json = ok(&out);
    let new_secret = json["secret"]["value"].as_str().unwrap().to_string();
    assert_not_kept(data.path(), &out, &new_secret);
    let old = &json["previous_secrets"][0];
    assert_eq!(old["key_id"], old_key.as_str());
    assert_eq!(old["display_name"], "fax gateway");
    assert_eq!(old["due"], true, "{old}");
    assert_eq!(old["expired"], false);
    let days = old["days_left"].as_i64().unwrap();
    assert!((8..=10).contains(&days), "{days}");
    assert_eq!(json["verified"], true);
    assert_eq!(json["removed"], serde_json::json!([]));
    // No profile fits (issue 10.6: matched one way everywhere, as `check` does): custom, and
    // the token is compared with the app's own application permissions.
    assert_eq!(json["profile"], "custom");
    assert_eq!(json["compared_with"]["profile"], "custom");
    assert_eq!(json["compared_with"]["custom"], true);
    assert_eq!(json["missing_roles"], serde_json::json!([]));
    let roles = token_roles(&emu, &client_id, &new_secret).await.unwrap();
    assert!(roles.iter().any(|r| r == "IMAP.AccessAsApp"), "{roles:?}");
    // Not saved before: now it is, with both secrets, under the profile rotate and check
    // agree on (the record's `adopted` flag keeps register from taking it for its own).
    let (profile, saved) = saved_key_ids(data.path(), &client_id);
    assert_eq!(profile, "custom");
    assert_eq!(
        saved,
        BTreeSet::from([
            old_key.clone(),
            json["secret"]["key_id"].as_str().unwrap().to_string()
        ])
    );

    // The text output marks the due secret and shows the new one once, on stdout.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let fax_line = text
        .lines()
        .find(|l| l.contains("fax gateway"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        fax_line.contains("DUE") && fax_line.contains(&old_key),
        "{fax_line}"
    );
    let secret_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Client secret "))
        .unwrap_or_else(|| panic!("{text}"));
    let value = secret_line.split_whitespace().last().unwrap();
    assert_eq!(text.matches(value).count(), 1, "shown once");
    assert_not_kept(data.path(), &out, value);
    assert!(text.contains("--remove-old --keep"), "{text}");
    assert!(
        text.contains("All 2 application permissions the app requests are in the token."),
        "{text}"
    );
    assert_eq!(
        key_ids_in_tenant(&emu, &client_id).await.len(),
        3,
        "nothing removed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unknown_apps_and_bad_input_are_exit_2_with_a_sentence() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", "0a1b2c3d-1234-5678-9abc-def012345678"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "There is no app registration with client ID 0a1b2c3d-1234-5678-9abc-def012345678"
        ),
        "{err}"
    );
    assert!(out.stdout.is_empty() || !String::from_utf8_lossy(&out.stdout).contains("secret"));

    for args in [
        vec!["rotate", "--app-id", "not-a-guid"],
        vec![
            "rotate",
            "--app-id",
            "0a1b2c3d-1234-5678-9abc-def012345678",
            "--secret-months",
            "25",
        ],
        vec![
            "rotate",
            "--app-id",
            "0a1b2c3d-1234-5678-9abc-def012345678",
            "--keep",
            "0a1b2c3d-1234-5678-9abc-def012345678",
        ],
    ] {
        let out = exowiz(&emu, data.path(), Some(&token), &args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}: a sentence");
    }

    // A key ID the app does not have: refused, nothing removed.
    let (client_id, _, _) = register_bueroware(&emu, data.path(), &token).await;
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--remove-old",
            "--keep",
            "0a1b2c3d-1234-5678-9abc-def012345678",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no secret with key ID"));
    assert_eq!(key_ids_in_tenant(&emu, &client_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_that_gives_no_token_removes_nothing_and_exits_6() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let token = admin_token(&emu);
    // An app without a service principal: Entra gives it no token (AADSTS7000229).
    let app = graph_post(
        &emu,
        "applications",
        serde_json::json!({"displayName": "No SP App", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let object_id = app["id"].as_str().unwrap();
    let client_id = app["appId"].as_str().unwrap().to_string();
    let old = graph_post(
        &emu,
        &format!("applications/{object_id}/addPassword"),
        serde_json::json!({"passwordCredential": {"displayName": "old"}}),
    )
    .await;
    let old_key = old["keyId"].as_str().unwrap().to_string();

    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--remove-old",
            "--verify-timeout",
            "1",
            "--json",
        ],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(6),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_eq!(json["verified"], false);
    assert!(json["verify_error"].is_string());
    assert_eq!(json["removed"], serde_json::json!([]));
    let new_key = json["secret"]["key_id"].as_str().unwrap().to_string();
    assert_not_kept(data.path(), &out, json["secret"]["value"].as_str().unwrap());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Nothing was removed"), "{err}");
    assert_eq!(
        key_ids_in_tenant(&emu, &client_id).await,
        BTreeSet::from([old_key, new_key]),
        "the old secret is still there"
    );
}
