//! The demo tenant's upsert (idempotent create), as Microsoft documents it:
//! * learn.microsoft.com/graph/api/application-upsert — `PATCH /applications(uniqueName='…')`
//!   with `Prefer: create-if-missing`: 201 + the new application when no application has that
//!   `uniqueName`, 204 (no body) after updating an existing one, 404 without the header when
//!   none exists; `displayName` is required to create; `passwordCredentials` cannot be set.
//! * learn.microsoft.com/graph/api/serviceprincipal-upsert — `PATCH /servicePrincipals(appId='…')`
//!   likewise: 201 + the new service principal, 204 when it exists.
//! * application resource: `uniqueName` is immutable once set.

use crate::support::emulator_api;

use std::time::Duration;

use emulator_api::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// PATCH with `Prefer: create-if-missing`.
async fn upsert(
    emu: &demo_tenant::Emulator,
    path: &str,
    token: &str,
    body: Value,
) -> (StatusCode, Value) {
    let resp = http()
        .request(Method::PATCH, graph_url(emu, path))
        .bearer_auth(token)
        .header("Prefer", "create-if-missing")
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let v = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    };
    (status, v)
}

fn count_with_unique_name(v: &Value, name: &str) -> usize {
    v["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["uniqueName"] == name)
        .count()
}

#[tokio::test]
async fn application_upsert_creates_once_then_updates() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let path = "applications(uniqueName='exowiz-officemaster-a1b2c3')";

    // Without the header a missing key is 404, nothing is created.
    let (s, v) = patch(&emu, path, &admin, json!({"displayName": "Fax"})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");

    // Creating needs a displayName.
    let (s, _) = upsert(&emu, path, &admin, json!({"notes": "x"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, created) = upsert(&emu, path, &admin, json!({"displayName": "Fax"})).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    assert_eq!(created["uniqueName"], "exowiz-officemaster-a1b2c3");
    assert_eq!(created["displayName"], "Fax");
    assert!(created["appId"].is_string());

    // The same upsert again: 204, no body, still one application.
    let (s, v) = upsert(&emu, path, &admin, json!({"displayName": "Fax 2"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    assert!(v.is_null());
    let (_, list) = get(&emu, "applications", &admin).await;
    assert_eq!(
        count_with_unique_name(&list, "exowiz-officemaster-a1b2c3"),
        1
    );
    let (s, read) = get(&emu, path, &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(read["displayName"], "Fax 2");
    assert_eq!(read["id"], created["id"]);

    // uniqueName is immutable.
    let (s, _) = upsert(&emu, path, &admin, json!({"uniqueName": "other"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = patch(
        &emu,
        &format!("applications/{}", created["id"].as_str().unwrap()),
        &admin,
        json!({"uniqueName": "other"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // passwordCredentials cannot be set by PATCH.
    let (s, _) = upsert(
        &emu,
        "applications(uniqueName='exowiz-x')",
        &admin,
        json!({"displayName": "X", "passwordCredentials": []}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    emu.shutdown().await;
}

/// The point of the upsert: a second create while the first app is still replicating (reads
/// do not see it yet) finds it instead of making another.
#[tokio::test]
async fn application_upsert_finds_an_app_that_is_still_replicating() {
    let emu = start_with(|c| c.replication_lag = Duration::from_secs(600)).await;
    let admin = admin_token(&emu);
    let path = "applications(uniqueName='exowiz-lag')";
    let (s, _) = upsert(&emu, path, &admin, json!({"displayName": "Lag"})).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = upsert(&emu, path, &admin, json!({"displayName": "Lag"})).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert_eq!(
        emu.snapshot()["applications"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["uniqueName"] == "exowiz-lag")
            .count(),
        1
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn service_principal_upsert_creates_once() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Sp", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap();
    let path = format!("servicePrincipals(appId='{app_id}')");
    let (s, v) = patch(&emu, &path, &admin, json!({})).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, sp) = upsert(&emu, &path, &admin, json!({})).await;
    assert_eq!(s, StatusCode::CREATED, "{sp}");
    assert_eq!(sp["appId"], app_id);
    let (s, v) = upsert(&emu, &path, &admin, json!({})).await;
    assert_eq!(s, StatusCode::NO_CONTENT, "{v}");
    let (_, list) = get(
        &emu,
        &format!("servicePrincipals?$filter=appId eq '{app_id}'"),
        &admin,
    )
    .await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    emu.shutdown().await;
}
