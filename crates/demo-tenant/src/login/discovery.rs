//! OpenID Connect discovery documents, the (empty) key set and logout.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde_json::{Value, json};

use super::super::shared::Shared;
use super::pages;
use super::{TenantRef, resolve_tenant};

fn tenant_segment(shared: &Shared, raw: &str, kind: TenantRef) -> (String, String) {
    let tid = shared.read(|t| t.tenant_id.clone());
    match kind {
        TenantRef::Specific => (tid.clone(), tid),
        TenantRef::Organizations => ("organizations".into(), "{tenantid}".into()),
        TenantRef::Common => {
            let _ = raw;
            ("common".into(), "{tenantid}".into())
        }
    }
}

fn with_cache(v: Value) -> Response {
    let mut r = Json(v).into_response();
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=86400, private"),
    );
    r.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    r
}

/// `msgraph_host`: the loopback `host:port`, or with public URLs Graph's public host as Entra
/// names its own (`graph.microsoft.com`: no scheme, no port unless the URL has one).
fn host(shared: &Shared) -> String {
    match &shared.config.public_urls {
        Some(public) => {
            let host = public.graph.host_str().unwrap_or_default();
            match public.graph.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            }
        }
        None => {
            let b = &shared.base;
            format!(
                "{}:{}",
                b.host_str().unwrap_or("127.0.0.1"),
                b.port().unwrap_or(80)
            )
        }
    }
}

const CLAIMS: &[&str] = &[
    "sub",
    "iss",
    "cloud_instance_name",
    "cloud_instance_host_name",
    "cloud_graph_host_name",
    "msgraph_host",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "acr",
    "nonce",
    "preferred_username",
    "name",
    "tid",
    "ver",
    "at_hash",
    "c_hash",
    "email",
];

/// `GET /{tenant}/v2.0/.well-known/openid-configuration`
pub async fn v2(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    let kind = match resolve_tenant(&shared, &tenant) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let (seg, iss_tid) = tenant_segment(&shared, &tenant, kind);
    let b = shared.login_base().as_str();
    with_cache(json!({
        "token_endpoint": format!("{b}{seg}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{b}{seg}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": format!("{b}{iss_tid}/v2.0"),
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": format!("{b}oidc/userinfo"),
        "authorization_endpoint": format!("{b}{seg}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{b}{seg}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{b}{seg}/oauth2/v2.0/logout"),
        "claims_supported": CLAIMS,
        "kerberos_endpoint": format!("{b}{seg}/kerberos"),
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": host(&shared),
        "rbac_url": "https://pas.windows.net",
    }))
}

/// `GET /{tenant}/.well-known/openid-configuration` (v1 endpoints).
pub async fn v1(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    let kind = match resolve_tenant(&shared, &tenant) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let (seg, iss_tid) = tenant_segment(&shared, &tenant, kind);
    let b = shared.login_base().as_str();
    with_cache(json!({
        "token_endpoint": format!("{b}{seg}/oauth2/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{b}{seg}/discovery/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "token id_token", "token"],
        "scopes_supported": ["openid"],
        "issuer": format!("{b}{iss_tid}/"),
        "microsoft_multi_refresh_token": true,
        "authorization_endpoint": format!("{b}{seg}/oauth2/authorize"),
        "device_authorization_endpoint": format!("{b}{seg}/oauth2/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{b}{seg}/oauth2/logout"),
        "claims_supported": CLAIMS,
        "check_session_iframe": format!("{b}{seg}/oauth2/checksession"),
        "userinfo_endpoint": format!("{b}{seg}/openid/userinfo"),
        "kerberos_endpoint": format!("{b}{seg}/kerberos"),
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": host(&shared),
        "rbac_url": "https://pas.windows.net",
    }))
}

/// `GET /{tenant}/discovery/v2.0/keys`. Tokens are HMAC-signed with a private key, so no
/// public key is published.
pub async fn keys(State(shared): State<Arc<Shared>>, Path(tenant): Path<String>) -> Response {
    if let Err(e) = resolve_tenant(&shared, &tenant) {
        return e.into_response();
    }
    with_cache(json!({"keys": []}))
}

/// `GET /{tenant}/oauth2/v2.0/logout`
pub async fn logout(Query(q): Query<HashMap<String, String>>) -> Response {
    match q.get("post_logout_redirect_uri") {
        Some(uri) if url::Url::parse(uri).is_ok() => Redirect::to(uri).into_response(),
        _ => Html(pages::message(
            "You signed out of your account",
            "It's a good idea to close all browser windows.",
        ))
        .into_response(),
    }
}
