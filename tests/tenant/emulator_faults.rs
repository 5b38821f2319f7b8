//! The demo tenant's fault injection (crates/demo-tenant/src/faults.rs), seen from a plain HTTP client:
//! each fault does what the fault matrix (tests/e2e/fault_matrix.rs) relies on — whether the
//! request was carried out, and what reaches the client.

use crate::support::emulator_api;

use demo_tenant::{Emulator, Fault, FaultKind};
use emulator_api::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn app_count(emu: &Emulator) -> usize {
    emu.snapshot()["applications"].as_array().unwrap().len()
}

async fn create(emu: &Emulator) -> Result<reqwest::Response, reqwest::Error> {
    http()
        .post(graph_url(emu, "applications"))
        .bearer_auth(admin_token(emu))
        .json(&json!({"displayName": "Fault probe"}))
        .send()
        .await
}

fn plan(emu: &Emulator, kind: FaultKind) {
    emu.inject(Fault::new("POST", "/v1.0/applications", 1, kind));
}

#[tokio::test]
async fn a_drop_before_is_no_answer_and_nothing_made() {
    let emu = start().await;
    let before = app_count(&emu);
    plan(&emu, FaultKind::DropBefore);
    let result = create(&emu).await;
    assert!(
        result.is_err(),
        "no answer: {:?}",
        result.map(|r| r.status())
    );
    assert_eq!(app_count(&emu), before);
    // The fault is used up: the next request is answered.
    assert_eq!(create(&emu).await.unwrap().status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_drop_after_is_no_answer_but_the_app_exists() {
    let emu = start().await;
    let before = app_count(&emu);
    plan(&emu, FaultKind::DropAfter);
    assert!(create(&emu).await.is_err());
    assert_eq!(app_count(&emu), before + 1);
    assert_eq!(
        emu.requests().last().unwrap().status,
        0,
        "logged: no answer"
    );
}

#[tokio::test]
async fn a_drop_mid_answer_sends_the_status_then_breaks_the_body() {
    let emu = start().await;
    let before = app_count(&emu);
    plan(&emu, FaultKind::DropMidAnswer);
    let resp = create(&emu).await.expect("the status line arrives");
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert!(resp.bytes().await.is_err(), "the body is cut off");
    assert_eq!(app_count(&emu), before + 1);
}

#[tokio::test]
async fn truncated_and_malformed_answers_are_not_json() {
    let emu = start().await;
    let before = app_count(&emu);
    for kind in [FaultKind::Truncated, FaultKind::Malformed] {
        plan(&emu, kind);
        let resp = create(&emu).await.expect("answered");
        assert!(resp.status().is_success(), "{kind:?}");
        let text = resp.text().await.unwrap();
        assert!(!text.is_empty(), "{kind:?}");
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{text}");
    }
    assert_eq!(app_count(&emu), before + 2, "both were carried out");
}

#[tokio::test]
async fn status_before_after_html_and_expired_token() {
    let emu = start().await;
    let before = app_count(&emu);

    plan(
        &emu,
        FaultKind::StatusBefore {
            status: 503,
            retry_after: Some(100_000),
        },
    );
    let resp = create(&emu).await.unwrap();
    assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(resp.headers()["retry-after"], "100000");
    assert_eq!(app_count(&emu), before, "not carried out");

    plan(&emu, FaultKind::StatusAfter { status: 504 });
    let resp = create(&emu).await.unwrap();
    assert_eq!(resp.status(), StatusCode::GATEWAY_TIMEOUT);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "GatewayTimeout");
    assert_eq!(app_count(&emu), before + 1, "carried out");

    plan(&emu, FaultKind::HtmlPage { status: 502 });
    let resp = create(&emu).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_GATEWAY);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(resp.text().await.unwrap().contains("<html>"));
    assert_eq!(app_count(&emu), before + 1, "not carried out");

    plan(&emu, FaultKind::TokenExpired);
    let resp = create(&emu).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().contains_key("www-authenticate"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "InvalidAuthenticationToken");
    assert_eq!(app_count(&emu), before + 1);
}

#[tokio::test]
async fn faults_match_method_and_path_and_count_down() {
    let emu = start().await;
    emu.inject(Fault::new(
        "POST",
        "addPassword",
        2,
        FaultKind::StatusBefore {
            status: 429,
            retry_after: Some(1),
        },
    ));
    // Other requests pass untouched.
    assert_eq!(create(&emu).await.unwrap().status(), StatusCode::CREATED);
    assert_eq!(emu.pending_faults()[0].count, 2);
}

#[tokio::test]
async fn the_control_endpoint_plans_lists_refuses_and_clears_faults() {
    let emu = start().await;
    let faults = url(&emu, "_emulator/faults");
    let resp = http()
        .post(&faults)
        .json(&json!([
            {"method": "POST", "path": "/v1.0/applications", "fault": "drop_after"},
            {"path": "addPassword", "count": 3, "fault": "status_after", "status": 500}
        ]))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let listed: Value = resp.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(listed[1]["count"], 3);

    let before = app_count(&emu);
    assert!(create(&emu).await.is_err(), "the planned drop struck");
    assert_eq!(app_count(&emu), before + 1);

    for bad in [
        json!({"path": "x", "fault": "status_after", "status": 200}),
        json!({"path": "x", "fault": "no_such_fault"}),
        json!({"path": "", "fault": "drop_before"}),
    ] {
        let resp = http().post(&faults).json(&bad).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{bad}");
    }

    let resp = http().delete(&faults).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(emu.pending_faults().is_empty());
}

#[tokio::test]
async fn the_secret_lifetime_policy_refuses_longer_secrets() {
    let emu = start().await;
    let admin = admin_token(&emu);
    let app = create_app(&emu, &admin, json!({"displayName": "Policy probe"})).await;
    let id = app["id"].as_str().unwrap();
    let resp = http()
        .post(url(&emu, "_emulator/app-policy"))
        .json(&json!({"passwordMaxLifetime": "P6M"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let end = (chrono::Utc::now() + chrono::Duration::days(365)).to_rfc3339();
    let (s, v) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"endDateTime": end}}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(
        v["error"]["code"],
        "CredentialInvalidLifetimeAsPerAppPolicy"
    );
    let end = (chrono::Utc::now() + chrono::Duration::days(90)).to_rfc3339();
    let (s, v) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"endDateTime": end}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
}
