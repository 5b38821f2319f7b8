//! Helpers for the sign-in tests against the demo tenant (crates/demo-tenant/src/login): the sign-in
//! configuration, a "browser" that follows the demo tenant's redirect to exowiz's loopback
//! listener, counting token requests in the demo tenant's request log, and the tenant admin's
//! switch that blocks Microsoft Graph Command Line Tools.
#![allow(dead_code)]

use demo_tenant::Emulator;
use exowiz::auth::SignInConfig;
use exowiz::endpoints::Endpoints;
use reqwest::header;
use serde_json::{Value, json};
use url::Url;

pub fn endpoints(emu: &Emulator) -> Endpoints {
    let base = emu.base_url().to_string();
    Endpoints::custom(&base, &base).unwrap()
}

/// exowiz's registration sign-in (`organizations`, Graph Command Line Tools) at the demo tenant.
pub fn config(emu: &Emulator) -> SignInConfig {
    SignInConfig::for_registration(endpoints(emu))
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The browser opens the authorize URL; the demo tenant (auto-approving) answers 302 to the
/// loopback redirect URI. Returns that location without going there.
pub async fn authorize(authorize_url: &Url) -> Url {
    let resp = no_redirects()
        .get(authorize_url.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        302,
        "authorize: {}",
        resp.text().await.unwrap()
    );
    let location = resp.headers()[header::LOCATION].to_str().unwrap();
    let target = Url::parse(location).unwrap();
    assert_eq!(target.host_str(), Some("localhost"));
    assert_eq!(target.path(), "/");
    target
}

/// The browser goes to the redirect location (exowiz's listener on 127.0.0.1). Returns status
/// and page.
pub async fn deliver(location: &Url) -> (u16, String) {
    let mut target = location.clone();
    target.set_host(Some("127.0.0.1")).unwrap();
    let resp = no_redirects().get(target).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

/// Both: the whole trip of the browser.
pub async fn browser_follow(authorize_url: &Url) -> (u16, String) {
    deliver(&authorize(authorize_url).await).await
}

/// Requests to the demo tenant's token endpoint so far.
pub fn token_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .count()
}

/// Discovery requests so far.
pub fn discovery_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| {
            r.path_and_query
                .contains("/.well-known/openid-configuration")
        })
        .count()
}

/// The tenant's admin sets "Enabled for users to sign-in?" to No on the enterprise app of
/// Microsoft Graph Command Line Tools (`PATCH servicePrincipals/{id}` `accountEnabled: false`),
/// as tenants do to block Graph PowerShell: its token requests then get AADSTS7000112.
pub async fn block_graph_cli(emu: &Emulator) {
    let admin = emu.issue_token("admin@contoso.com", &["Application.ReadWrite.All"]);
    let http = reqwest::Client::new();
    let graph = format!("{}v1.0/", emu.base_url());
    let list: Value = http
        .get(format!(
            "{graph}servicePrincipals?$filter=appId eq '{}'",
            exowiz::auth::GRAPH_CLI_CLIENT_ID
        ))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list["value"][0]["id"]
        .as_str()
        .expect("Graph CLI's SP")
        .to_string();
    let resp = http
        .patch(format!("{graph}servicePrincipals/{id}"))
        .bearer_auth(&admin)
        .json(&json!({"accountEnabled": false}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
}
