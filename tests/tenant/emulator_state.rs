//! Persistence, control endpoints, request log, latency, snapshot. (The `exowiz emulator`
//! arguments are tested next to them, in src/cli/emulator.rs.)

use crate::support::emulator_api;

use std::time::{Duration, Instant};

use demo_tenant::Emulator;
use emulator_api::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn state_file_round_trip_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.json");
    let emu = start_with(|c| c.state_file = Some(path.clone())).await;
    assert!(path.exists(), "seeded state is written at start");
    let admin = admin_token(&emu);
    let app = create_app(
        &emu,
        &admin,
        json!({"displayName": "Persisted", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap().to_string();
    let (_, secret) = add_secret(&emu, &admin, app["id"].as_str().unwrap()).await;
    let sp = create_sp(&emu, &admin, &app_id).await;
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let (s, _) = post(
        &emu,
        &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &admin,
        json!({"principalId": sp["id"], "resourceId": graph["id"], "appRoleId": role_id(&graph, "Mail.Send")}),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (_, t) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    let old_token = t["access_token"].as_str().unwrap().to_string();
    emu.shutdown().await;

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains(&secret),
        "the state file must never contain a secret value"
    );
    assert!(text.contains("Persisted"));
    assert!(text.contains("secretHashes"));
    let no_tmp = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(no_tmp, 1, "no temporary files left behind");

    let emu = start_with(|c| c.state_file = Some(path.clone())).await;
    let admin = admin_token(&emu);
    let (s, v) = get(&emu, &format!("applications(appId='{app_id}')"), &admin).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["displayName"], "Persisted");
    // the stored hash still accepts the secret, and the grant is still there
    let (s, t) = client_credentials(
        &emu,
        &app_id,
        &secret,
        "https://graph.microsoft.com/.default",
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(
        claims(t["access_token"].as_str().unwrap())["roles"],
        json!(["Mail.Send"])
    );
    // tokens of the previous process are not accepted
    let (s, _) = get(&emu, "organization", &old_token).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // changes keep being saved
    let (s, _) = delete(
        &emu,
        &format!("applications/{}", app["id"].as_str().unwrap()),
        &admin,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("Persisted")
    );
    emu.shutdown().await;

    std::fs::write(&path, "{not json").unwrap();
    let err = Emulator::start(demo_tenant::EmulatorConfig {
        state_file: Some(path.clone()),
        ..test_config()
    })
    .await
    .err()
    .expect("a broken state file is an error, not a silent reseed");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
}

#[tokio::test]
async fn request_log_and_control_endpoints() {
    let emu = start().await;
    let admin = admin_token(&emu);
    create_app(&emu, &admin, json!({"displayName": "Logged"})).await;
    let (s, _) = form(
        &emu,
        &token_path(&emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", "x"),
            ("client_secret", "TOP-SECRET"),
            ("scope", "https://graph.microsoft.com/.default"),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let log = emu.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].path_and_query, "/v1.0/applications");
    assert_eq!(log[0].status, 201);
    assert_eq!(log[0].json_body.as_ref().unwrap()["displayName"], "Logged");
    assert!(log[0].finished >= log[0].started);
    assert!(log[1].path_and_query.ends_with("/oauth2/v2.0/token"));
    assert!(log[1].json_body.is_none(), "form bodies are never recorded");

    // HTTP view of the log
    let v: Value = http()
        .get(url(&emu, "_emulator/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        v.as_array().unwrap().len(),
        2,
        "control calls are not logged"
    );
    assert!(v[0]["started"].is_u64() && v[0]["finished"].is_u64());
    assert_eq!(v[0]["json_body"]["displayName"], "Logged");
    assert!(!v.to_string().contains("TOP-SECRET"));

    // throttle over HTTP
    let resp = http()
        .post(url(&emu, "_emulator/throttle"))
        .json(&json!({"count": 1, "status": 429, "retry_after": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let (s, h, _) = call(
        &emu,
        reqwest::Method::GET,
        "organization",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(h["retry-after"], "3");

    // state over HTTP = snapshot
    let state: Value = http()
        .get(url(&emu, "_emulator/state"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(state["tenantId"], emu.tenant_id());
    assert!(
        state["applications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["displayName"] == "Logged")
    );
    assert!(state.to_string().find("secretHashes").is_none());
    let snap = emu.snapshot();
    assert_eq!(snap["users"].as_array().unwrap().len(), 9);
    assert!(snap["servicePrincipals"].as_array().unwrap().len() > 250);
    let admin_user = snap["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["userPrincipalName"] == ADMIN)
        .unwrap();
    assert_eq!(admin_user["directoryRole"], "Global Administrator");

    emu.clear_requests();
    assert!(emu.requests().is_empty());
    let resp = http()
        .delete(url(&emu, "_emulator/requests"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);

    // pages for browsers
    let landing = http()
        .get(emu.base_url())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(landing.contains("exowiz demo tenant") && landing.contains("helpdesk@contoso.com"));
    let resp = http().get(url(&emu, "a/b/c/d")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    emu.shutdown().await;
}

#[tokio::test]
async fn latency_applies_to_every_request_and_requests_overlap() {
    let latency = Duration::from_millis(200);
    let emu = start_with(|c| c.latency = latency).await;
    let admin = admin_token(&emu);
    let t0 = Instant::now();
    let calls = (0..5).map(|_| get(&emu, "organization", &admin));
    let results = futures::future::join_all(calls).await;
    let elapsed = t0.elapsed();
    assert!(results.iter().all(|(s, _)| *s == StatusCode::OK));
    assert!(elapsed >= latency, "the latency applies: {elapsed:?}");
    let log = emu.requests();
    assert_eq!(log.len(), 5);
    for r in &log {
        assert!(r.finished - r.started >= latency);
    }
    let last_start = log.iter().map(|r| r.started).max().unwrap();
    let first_end = log.iter().map(|r| r.finished).min().unwrap();
    assert!(last_start < first_end, "the calls overlapped");
    emu.shutdown().await;
}

#[tokio::test]
async fn concurrent_writes_keep_the_state_file_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tenant.json");
    let emu = start_with(|c| c.state_file = Some(path.clone())).await;
    let admin = admin_token(&emu);
    let creates = (0..20).map(|i| {
        post(
            &emu,
            "applications",
            &admin,
            json!({"displayName": format!("Parallel {i}"), "signInAudience": "AzureADMyOrg"}),
        )
    });
    let results = futures::future::join_all(creates).await;
    assert!(results.iter().all(|(s, _)| *s == StatusCode::CREATED));
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let names: Vec<&str> = saved["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["props"]["displayName"].as_str())
        .filter(|n| n.starts_with("Parallel "))
        .collect();
    assert_eq!(names.len(), 20);
    emu.shutdown().await;
}
