//! Helpers shared by the `emulator_*` integration tests (real HTTP on 127.0.0.1).
#![allow(dead_code)]

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use demo_tenant::{Emulator, EmulatorConfig};
use reqwest::{Client, Method, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
pub const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
pub const GRAPH_CLI: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub const ADMIN: &str = "admin@contoso.com";

/// Delegated scopes an admin tool asks for.
pub const ADMIN_SCOPES: &[&str] = &[
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.Read.All",
    "User.Read",
];

/// Test defaults: no delays, 1 s device interval, no replication lag.
pub fn test_config() -> EmulatorConfig {
    EmulatorConfig {
        auto_approve_delay: Duration::ZERO,
        device_poll_interval: 1,
        replication_lag: Duration::ZERO,
        ..EmulatorConfig::default()
    }
}

pub async fn start() -> Emulator {
    start_with(|_| {}).await
}

pub async fn start_with(f: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut cfg = test_config();
    f(&mut cfg);
    Emulator::start(cfg).await.expect("emulator starts")
}

/// A client that does not follow redirects (so tests can look at `Location`).
pub fn http() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn url(emu: &Emulator, path: &str) -> String {
    format!("{}{}", emu.base_url(), path.trim_start_matches('/'))
}

pub fn graph_url(emu: &Emulator, path: &str) -> String {
    format!("{}v1.0/{}", emu.base_url(), path.trim_start_matches('/'))
}

pub fn admin_token(emu: &Emulator) -> String {
    emu.issue_token(ADMIN, ADMIN_SCOPES)
}

/// Send a Graph request; returns status, headers and the JSON body (Null when empty).
pub async fn call(
    emu: &Emulator,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = http().request(method, graph_url(emu, path));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
    };
    (status, headers, json)
}

pub async fn get(emu: &Emulator, path: &str, token: &str) -> (StatusCode, Value) {
    let (s, _, v) = call(emu, Method::GET, path, Some(token), None).await;
    (s, v)
}

pub async fn post(emu: &Emulator, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let (s, _, v) = call(emu, Method::POST, path, Some(token), Some(&body)).await;
    (s, v)
}

pub async fn patch(emu: &Emulator, path: &str, token: &str, body: Value) -> (StatusCode, Value) {
    let (s, _, v) = call(emu, Method::PATCH, path, Some(token), Some(&body)).await;
    (s, v)
}

pub async fn delete(emu: &Emulator, path: &str, token: &str) -> (StatusCode, Value) {
    let (s, _, v) = call(emu, Method::DELETE, path, Some(token), None).await;
    (s, v)
}

/// POST a form to a sign-in endpoint; returns status and JSON.
pub async fn form(emu: &Emulator, path: &str, pairs: &[(&str, &str)]) -> (StatusCode, Value) {
    let resp = http()
        .post(url(emu, path))
        .form(pairs)
        .send()
        .await
        .expect("request");
    let status = resp.status();
    let text = resp.text().await.unwrap();
    let parsed: Result<Value, _> = serde_json::from_str(&text);
    match parsed {
        Ok(v) => (status, v),
        Err(_) => (status, Value::String(text)),
    }
}

pub fn token_path(emu: &Emulator) -> String {
    format!("{}/oauth2/v2.0/token", emu.tenant_id())
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}

pub fn claims(token: &str) -> Value {
    demo_tenant::peek_claims(token).expect("a JWT")
}

/// PKCE verifier and S256 challenge.
pub fn pkce() -> (String, String) {
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-this-is-long-enough".to_string();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// Query parameters of a redirect `Location`.
pub fn location_params(
    headers: &reqwest::header::HeaderMap,
) -> std::collections::HashMap<String, String> {
    let loc = headers
        .get(reqwest::header::LOCATION)
        .expect("Location header")
        .to_str()
        .unwrap();
    let u = url::Url::parse(loc).unwrap();
    u.query_pairs().into_owned().collect()
}

/// Create an app (as admin) and return its JSON.
pub async fn create_app(emu: &Emulator, token: &str, body: Value) -> Value {
    let (s, v) = post(emu, "applications", token, body).await;
    assert_eq!(s, StatusCode::CREATED, "create app: {v}");
    v
}

/// Create the service principal of an app and return its JSON.
pub async fn create_sp(emu: &Emulator, token: &str, app_id: &str) -> Value {
    let (s, v) = post(
        emu,
        "servicePrincipals",
        token,
        serde_json::json!({ "appId": app_id }),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "create sp: {v}");
    v
}

/// Add a secret and return (keyId, secretText).
pub async fn add_secret(emu: &Emulator, token: &str, app_object_id: &str) -> (String, String) {
    let (s, v) = post(
        emu,
        &format!("applications/{app_object_id}/addPassword"),
        token,
        serde_json::json!({"passwordCredential": {"displayName": "test"}}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "addPassword: {v}");
    (
        v["keyId"].as_str().unwrap().to_string(),
        v["secretText"].as_str().unwrap().to_string(),
    )
}

/// The object id of the Microsoft Graph / Exchange service principal.
pub async fn resource_sp(emu: &Emulator, token: &str, app_id: &str) -> Value {
    let (s, v) = get(emu, &format!("servicePrincipals(appId='{app_id}')"), token).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

pub fn role_id(sp: &Value, value: &str) -> String {
    sp["appRoles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == value)
        .unwrap_or_else(|| panic!("no app role {value}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

pub fn scope_id(sp: &Value, value: &str) -> String {
    sp["oauth2PermissionScopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["value"] == value)
        .unwrap_or_else(|| panic!("no scope {value}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Client credentials token request.
pub async fn client_credentials(
    emu: &Emulator,
    client_id: &str,
    secret: &str,
    scope: &str,
) -> (StatusCode, Value) {
    form(
        emu,
        &token_path(emu),
        &[
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", secret),
            ("scope", scope),
        ],
    )
    .await
}
