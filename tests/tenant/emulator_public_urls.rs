//! `EmulatorConfig::public_urls`: behind a TLS-terminating proxy (tests/e2e/proxy_tls.rs) the
//! demo tenant is reached as `https://login.exowiz.test/` and `https://graph.exowiz.test/`, so
//! every absolute URL it hands out must use those names — a client that refuses plain-HTTP
//! sign-in endpoints (exowiz does) or follows `@odata.nextLink` would otherwise be sent to an
//! address it never reached it at. Its loopback address is then no name of Graph's, as no
//! client's private address is one at Entra.

use crate::support::emulator_api;

use demo_tenant::{Emulator, PublicUrls};
use emulator_api::*;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const LOGIN: &str = "https://login.exowiz.test/";
const GRAPH: &str = "https://graph.exowiz.test/";

async fn behind_proxy() -> Emulator {
    start_with(|c| {
        // Without trailing slashes: PublicUrls adds them, as a configured URL may lack them.
        c.public_urls = Some(PublicUrls::new(
            url::Url::parse("https://login.exowiz.test").unwrap(),
            url::Url::parse("https://graph.exowiz.test").unwrap(),
        ))
    })
    .await
}

async fn get_json(emu: &Emulator, path: &str) -> Value {
    let resp = http().get(url(emu, path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.unwrap()
}

#[tokio::test]
async fn discovery_and_device_code_name_the_public_login_host() {
    let emu = behind_proxy().await;
    let loopback = emu.base_url().to_string();
    let tid = emu.tenant_id();

    let v = get_json(
        &emu,
        &format!("{tid}/v2.0/.well-known/openid-configuration"),
    )
    .await;
    assert_eq!(v["issuer"], format!("{LOGIN}{tid}/v2.0"));
    for (field, path) in [
        ("token_endpoint", "oauth2/v2.0/token"),
        ("authorization_endpoint", "oauth2/v2.0/authorize"),
        ("device_authorization_endpoint", "oauth2/v2.0/devicecode"),
        ("end_session_endpoint", "oauth2/v2.0/logout"),
        ("jwks_uri", "discovery/v2.0/keys"),
    ] {
        assert_eq!(v[field], format!("{LOGIN}{tid}/{path}"), "{field}");
    }
    // Entra names Graph's host without scheme or port (`graph.microsoft.com`).
    assert_eq!(v["msgraph_host"], "graph.exowiz.test");
    let v1 = get_json(&emu, "contoso.com/.well-known/openid-configuration").await;
    for doc in [&v, &v1] {
        assert!(
            !doc.to_string().contains(&loopback),
            "the loopback address leaks: {doc}"
        );
    }
    assert_eq!(v1["token_endpoint"], format!("{LOGIN}{tid}/oauth2/token"));

    let (s, d) = form(
        &emu,
        "organizations/oauth2/v2.0/devicecode",
        &[
            ("client_id", GRAPH_CLI),
            (
                "scope",
                "https://graph.exowiz.test/User.Read offline_access",
            ),
        ],
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["verification_uri"], format!("{LOGIN}devicelogin"));
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("https://login.exowiz.test/devicelogin"),
        "{d}"
    );
}

#[tokio::test]
async fn graph_scopes_take_the_public_graph_name_and_not_the_loopback_one() {
    let emu = behind_proxy().await;
    let loopback = emu.base_url().to_string();
    let start = |scope: String| {
        let emu = &emu;
        async move {
            form(
                emu,
                "organizations/oauth2/v2.0/devicecode",
                &[("client_id", GRAPH_CLI), ("scope", scope.as_str())],
            )
            .await
        }
    };
    let (s, v) = start(format!("{GRAPH}User.Read")).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = start(format!("{loopback}User.Read")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert_eq!(v["error"], "invalid_resource", "{v}");
    // Microsoft's own name stays Graph's, as at Entra.
    let (s, v) = start("https://graph.microsoft.com/User.Read".into()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
}

#[tokio::test]
async fn graph_links_and_locations_name_the_public_graph_host() {
    let emu = behind_proxy().await;
    let admin = admin_token(&emu);
    let (s, v) = get(&emu, "users?$top=1", &admin).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let next = v["@odata.nextLink"].as_str().unwrap();
    assert!(next.starts_with(&format!("{GRAPH}v1.0/users?")), "{next}");
    assert!(
        v["@odata.context"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{GRAPH}v1.0/$metadata#")),
        "{v}"
    );
    // The link works when the proxy's host part is replaced by the real address.
    let (s, v2) = get(&emu, &next[format!("{GRAPH}v1.0/").len()..], &admin).await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_ne!(v2["value"][0]["id"], v["value"][0]["id"]);

    let (s, headers, app) = call(
        &emu,
        Method::POST,
        "applications",
        Some(&admin),
        Some(&json!({"displayName": "Proxy test app"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{app}");
    let location = headers["location"].to_str().unwrap();
    assert!(
        location.starts_with(&format!("{GRAPH}v1.0/")),
        "Location: {location}"
    );
}
