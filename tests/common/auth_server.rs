//! A small Entra sign-in service on 127.0.0.1 for the auth tests: OpenID discovery, authorize
//! (with PKCE), token (authorization_code, device_code, refresh_token, client_credentials) and
//! devicecode endpoints, answering with Entra's documented bodies and error JSON. Scenario
//! knobs and recorded requests live in `ServerState`.
//!
//! Issue 15.5: sign-in tests belong against the demo tenant (src/emulator/login), which answers
//! as Microsoft documents, not as exowiz would like. This fake checks only what Entra checks
//! (it used to demand `prompt=select_account`, which is exowiz's choice; that rule is gone).
//! Already moved: device-code pending/slow_down/declined (tests/device_code_demo_tenant.rs),
//! client credentials with roles, without roles and with a wrong secret
//! (tests/client_credentials_demo_tenant.rs).
//! Kept on purpose, because the demo tenant cannot produce them: a forged `state` and a bare
//! `access_denied` on the redirect (`AuthorizeMode::WrongState`, `DenyPlain`: the demo tenant
//! always echoes the state and always sends a description), a server-side `expired_token`
//! (see `DeviceAnswer::Expired`), refresh answers without a new refresh token
//! (`refresh_without_new_rt`), errors that echo secrets (`echo_secrets_in_errors`, to prove
//! the client scrubs them), and a discovery document without a device endpoint
//! (`no_device_endpoint`). Not yet moved although the demo tenant could produce them:
//! discovery and tenant lookup, refresh, the authorization-code exchange, and declined consent
//! (AADSTS65004, the demo tenant's cancel button); they are left here for a later change.
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::Form;
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use exowiz::endpoints::Endpoints;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

pub const TENANT_ID: &str = "4c6f1f28-5b2a-4a9e-9c1e-8a1e2b3c4d5e";
pub const DOMAINS: &[&str] = &["contoso.com", "contoso.onmicrosoft.com"];
/// A public client the service knows (besides Graph Command Line Tools).
pub const PUBLIC_CLIENT: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
/// A registered app whose "Allow public client flows" is off.
pub const CONFIDENTIAL_ONLY_CLIENT: &str = "0badc0de-0000-4000-8000-000000000001";
/// Confidential apps for client credentials: one with granted roles, one without.
pub const APP_WITH_ROLES: &str = "11111111-2222-4333-8444-555555555555";
pub const APP_WITHOUT_ROLES: &str = "66666666-7777-4888-8999-aaaaaaaaaaaa";
pub const APP_SECRET: &str = "Zx8Q~verysecretvalue.1234567890abcdefgh";
pub const DEVICE_CODE: &str = "DAQABAAEAAAD--DLA3VO7QrddgJg7WevrDEVICECODESECRET";
pub const USER_CODE: &str = "FQK5HW3UF";
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// How the authorize endpoint answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizeMode {
    /// 302 to the redirect URI with `code` and the right `state`.
    Redirect,
    /// 302 with `error=access_denied` and AADSTS65004 (user declined consent).
    DenyConsent,
    /// 302 with `error=access_denied` and nothing else.
    DenyPlain,
    /// 302 with a code but a forged `state`.
    WrongState,
}

/// Answers of the token endpoint to successive device-code polls; success when empty.
/// Pending, slow_down and declined are tested against the demo tenant
/// (tests/device_code_demo_tenant.rs); what stays here the demo tenant cannot produce:
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceAnswer {
    /// Lets a test poll a fixed number of times in milliseconds (`with_poll_timing`) for the
    /// local-expiry and drop tests: the demo tenant answers `slow_down` to fast polls, and the
    /// client's expiry deadline is on the wall clock, so the paused clock cannot shorten it.
    Pending,
    /// The server calling the code expired while the client still thinks it valid (clock skew):
    /// the demo tenant announces its true lifetime in `expires_in`, so the client always gives
    /// up locally first and the server-side `expired_token` answer is never reached.
    Expired,
}

#[derive(Debug)]
pub struct IssuedCode {
    pub challenge: String,
    pub method: String,
    pub redirect_uri: String,
    pub client_id: String,
    pub scope: String,
}

#[derive(Debug)]
pub struct ServerState {
    pub base: String,
    pub authorize_mode: AuthorizeMode,
    pub device_script: VecDeque<DeviceAnswer>,
    pub device_interval: u64,
    pub device_expires_in: u64,
    /// Instants of device-code polls.
    pub device_polls: Vec<Instant>,
    /// Issued authorization codes.
    pub codes: HashMap<String, IssuedCode>,
    /// Result of each PKCE check at the token endpoint (S256(verifier) == challenge).
    pub pkce_checks: Vec<bool>,
    /// Every form posted to a token endpoint, with the tenant path segment.
    pub token_requests: Vec<(String, HashMap<String, String>)>,
    /// Every authorize query.
    pub authorize_requests: Vec<HashMap<String, String>>,
    pub discovery_hits: usize,
    pub issued_refresh_tokens: HashSet<String>,
    pub issued_access_tokens: Vec<String>,
    /// Omit refresh_token from refresh answers.
    pub refresh_without_new_rt: bool,
    /// Token endpoint answers every request with this (error, AADSTS code).
    pub force_token_error: Option<(String, u32)>,
    /// Put the secret values of the request into error descriptions (must be scrubbed).
    pub echo_secrets_in_errors: bool,
    /// Omit device_authorization_endpoint from discovery.
    pub no_device_endpoint: bool,
    /// Scope asked for at the devicecode endpoint.
    pub device_scope: String,
}

#[derive(Clone)]
pub struct AuthServer {
    pub base: String,
    pub endpoints: Endpoints,
    pub state: Arc<Mutex<ServerState>>,
}

impl AuthServer {
    pub async fn start() -> AuthServer {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let port = listener.local_addr().unwrap().port();
        let base = format!("http://127.0.0.1:{port}/");
        let state = Arc::new(Mutex::new(ServerState {
            base: base.clone(),
            authorize_mode: AuthorizeMode::Redirect,
            device_script: VecDeque::new(),
            device_interval: 1,
            device_expires_in: 900,
            device_polls: Vec::new(),
            codes: HashMap::new(),
            pkce_checks: Vec::new(),
            token_requests: Vec::new(),
            authorize_requests: Vec::new(),
            discovery_hits: 0,
            issued_refresh_tokens: HashSet::new(),
            issued_access_tokens: Vec::new(),
            refresh_without_new_rt: false,
            force_token_error: None,
            echo_secrets_in_errors: false,
            no_device_endpoint: false,
            device_scope: String::new(),
        }));
        let app = Router::new()
            .route(
                "/{tenant}/v2.0/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/{tenant}/oauth2/v2.0/authorize", get(authorize))
            .route("/{tenant}/oauth2/v2.0/token", post(token))
            .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode))
            .with_state(state.clone());
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        AuthServer {
            endpoints: Endpoints::custom(&base, &format!("{base}graph/")).unwrap(),
            base,
            state,
        }
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut ServerState) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }
}

/// A JWT-shaped token (unsigned) with the given claims.
pub fn fake_jwt(claims: &Value) -> String {
    let e = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        e.encode(r#"{"typ":"JWT","alg":"RS256","kid":"test"}"#),
        e.encode(claims.to_string()),
        e.encode(uuid::Uuid::new_v4().as_bytes())
    )
}

pub fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Entra's error JSON.
pub fn entra_error_body(error: &str, code: u32, text: &str) -> Value {
    let trace = "0000aaaa-11bb-cccc-dd22-eeeeee333333";
    let corr = "aaaa0000-bb11-2222-33cc-444444dddddd";
    json!({
        "error": error,
        "error_description": format!(
            "AADSTS{code}: {text}\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: 2026-01-01 10:00:00Z"
        ),
        "error_codes": [code],
        "timestamp": "2026-01-01 10:00:00Z",
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": format!("https://login.microsoftonline.com/error?code={code}"),
    })
}

fn entra_error(status: StatusCode, error: &str, code: u32, text: &str) -> Response {
    (status, Json(entra_error_body(error, code, text))).into_response()
}

fn known_tenant(t: &str) -> bool {
    t == TENANT_ID || DOMAINS.contains(&t) || t == "organizations" || t == "common"
}

async fn discovery(
    State(st): State<Arc<Mutex<ServerState>>>,
    Path(tenant): Path<String>,
) -> Response {
    let mut s = st.lock().unwrap();
    s.discovery_hits += 1;
    if !known_tenant(&tenant) {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90002,
            &format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        );
    }
    let base = &s.base;
    let (segment, issuer) = if tenant == "organizations" || tenant == "common" {
        (tenant.clone(), format!("{base}{{tenantid}}/v2.0"))
    } else {
        (TENANT_ID.to_string(), format!("{base}{TENANT_ID}/v2.0"))
    };
    let mut doc = json!({
        "token_endpoint": format!("{base}{segment}/oauth2/v2.0/token"),
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": format!("{base}{segment}/discovery/v2.0/keys"),
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": false,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": format!("{base}{segment}/oauth2/v2.0/authorize"),
        "device_authorization_endpoint": format!("{base}{segment}/oauth2/v2.0/devicecode"),
        "http_logout_supported": true,
        "frontchannel_logout_supported": true,
        "end_session_endpoint": format!("{base}{segment}/oauth2/v2.0/logout"),
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "tid"],
        "kerberos_endpoint": format!("{base}{segment}/kerberos"),
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net"
    });
    if s.no_device_endpoint {
        doc.as_object_mut()
            .unwrap()
            .remove("device_authorization_endpoint");
    }
    Json(doc).into_response()
}

fn client_known(client_id: &str) -> bool {
    [
        PUBLIC_CLIENT,
        CONFIDENTIAL_ONLY_CLIENT,
        APP_WITH_ROLES,
        APP_WITHOUT_ROLES,
    ]
    .contains(&client_id)
}

fn app_not_found(client_id: &str) -> Response {
    entra_error(
        StatusCode::BAD_REQUEST,
        "unauthorized_client",
        700016,
        &format!(
            "Application with identifier '{client_id}' was not found in the directory 'Contoso'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant."
        ),
    )
}

async fn authorize(
    State(st): State<Arc<Mutex<ServerState>>>,
    Path(_tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut s = st.lock().unwrap();
    s.authorize_requests.push(q.clone());
    let need = |k: &str| q.get(k).cloned().unwrap_or_default();
    let redirect_uri = need("redirect_uri");
    let problems: Vec<&str> = [
        (need("response_type") != "code", "response_type"),
        (!client_known(&need("client_id")), "client_id"),
        (
            !redirect_uri.starts_with("http://localhost:"),
            "redirect_uri",
        ),
        (need("response_mode") != "query", "response_mode"),
        (
            need("code_challenge_method") != "S256",
            "code_challenge_method",
        ),
        (need("code_challenge").len() != 43, "code_challenge"),
        (need("state").is_empty(), "state"),
        (need("scope").is_empty(), "scope"),
    ]
    .into_iter()
    .filter(|(bad, _)| *bad)
    .map(|(_, name)| name)
    .collect();
    if !problems.is_empty() {
        return (
            StatusCode::BAD_REQUEST,
            format!("bad authorize request: {problems:?}"),
        )
            .into_response();
    }
    let mut target = Url::parse(&redirect_uri).unwrap();
    let code = format!("1.AXEAauthcode{}", uuid::Uuid::new_v4().simple());
    match s.authorize_mode {
        AuthorizeMode::Redirect | AuthorizeMode::WrongState => {
            s.codes.insert(
                code.clone(),
                IssuedCode {
                    challenge: need("code_challenge"),
                    method: need("code_challenge_method"),
                    redirect_uri: redirect_uri.clone(),
                    client_id: need("client_id"),
                    scope: need("scope"),
                },
            );
            let state = if s.authorize_mode == AuthorizeMode::WrongState {
                "forged-state".to_string()
            } else {
                need("state")
            };
            target
                .query_pairs_mut()
                .append_pair("code", &code)
                .append_pair("state", &state)
                .append_pair("session_state", "a1b2c3d4-0000-0000-0000-000000000000");
        }
        AuthorizeMode::DenyConsent => {
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_subcode", "cancel")
                .append_pair(
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: 5e1d2f3a-0000-4000-8000-000000000001\r\nCorrelation ID: 5e1d2f3a-0000-4000-8000-000000000002\r\nTimestamp: 2026-01-01 10:00:00Z",
                )
                .append_pair("state", &need("state"));
        }
        AuthorizeMode::DenyPlain => {
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("state", &need("state"));
        }
    }
    (StatusCode::FOUND, [(header::LOCATION, target.to_string())]).into_response()
}

fn issue_tokens(s: &mut ServerState, client_id: &str, scope: &str, with_rt: bool) -> Value {
    let names: Vec<String> = scope
        .split_whitespace()
        .filter(|p| !["openid", "profile", "offline_access"].contains(p))
        .map(|p| p.rsplit('/').next().unwrap_or(p).to_string())
        .collect();
    let exp = chrono::Utc::now().timestamp() + 3600;
    let access = fake_jwt(&json!({
        "aud": GRAPH_APP_ID,
        "iss": format!("https://sts.windows.net/{TENANT_ID}/"),
        "tid": TENANT_ID,
        "oid": "9f8e7d6c-0000-4000-8000-000000000abc",
        "upn": "admin@contoso.onmicrosoft.com",
        "name": "Ada Admin",
        "scp": names.join(" "),
        "appid": client_id,
        "exp": exp,
    }));
    s.issued_access_tokens.push(access.clone());
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope.split_whitespace().filter(|p| !["openid", "profile", "offline_access"].contains(p)).collect::<Vec<_>>().join(" "),
        "expires_in": 3599,
        "ext_expires_in": 3599,
        "access_token": access,
        "id_token": fake_jwt(&json!({"tid": TENANT_ID, "name": "Ada Admin"})),
    });
    if with_rt && scope.split_whitespace().any(|p| p == "offline_access") {
        let rt = format!("1.AXEArefresh{}", uuid::Uuid::new_v4().simple());
        s.issued_refresh_tokens.insert(rt.clone());
        body["refresh_token"] = json!(rt);
    }
    body
}

async fn token(
    State(st): State<Arc<Mutex<ServerState>>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let mut s = st.lock().unwrap();
    assert!(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .starts_with("application/x-www-form-urlencoded")
    );
    s.token_requests.push((tenant.clone(), f.clone()));
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let client_id = get("client_id");
    let grant = get("grant_type");
    let secrets: Vec<String> = [
        "code",
        "code_verifier",
        "device_code",
        "refresh_token",
        "client_secret",
    ]
    .iter()
    .filter_map(|k| f.get(*k).cloned())
    .collect();
    if let Some((error, code)) = s.force_token_error.clone() {
        let mut text = "The request failed.".to_string();
        if s.echo_secrets_in_errors {
            text.push_str(&format!(" Values received: {}.", secrets.join(", ")));
        }
        return entra_error(StatusCode::BAD_REQUEST, &error, code, &text);
    }
    if !client_known(&client_id) {
        return app_not_found(&client_id);
    }
    match grant.as_str() {
        "authorization_code" => {
            let Some(issued) = s.codes.remove(&get("code")) else {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    70000,
                    "The provided value for the 'code' parameter is not valid.",
                );
            };
            let ok = issued.method == "S256" && s256(&get("code_verifier")) == issued.challenge;
            s.pkce_checks.push(ok);
            if !ok {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    501481,
                    "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
                );
            }
            if get("redirect_uri") != issued.redirect_uri || client_id != issued.client_id {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    50148,
                    "The redirect_uri or client_id does not match the authorization request.",
                );
            }
            let scope = if get("scope").is_empty() {
                issued.scope
            } else {
                get("scope")
            };
            Json(issue_tokens(&mut s, &client_id, &scope, true)).into_response()
        }
        "urn:ietf:params:oauth:grant-type:device_code" => {
            s.device_polls.push(Instant::now());
            if client_id == CONFIDENTIAL_ONLY_CLIENT {
                return entra_error(
                    StatusCode::UNAUTHORIZED,
                    "invalid_client",
                    7000218,
                    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                );
            }
            if get("device_code") != DEVICE_CODE {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "bad_verification_code",
                    70019,
                    "Verification code expired.",
                );
            }
            match s.device_script.pop_front() {
                Some(DeviceAnswer::Pending) => entra_error(
                    StatusCode::BAD_REQUEST,
                    "authorization_pending",
                    70016,
                    "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                ),
                Some(DeviceAnswer::Expired) => entra_error(
                    StatusCode::BAD_REQUEST,
                    "expired_token",
                    70020,
                    "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
                ),
                None => {
                    let scope = s.device_scope.clone();
                    Json(issue_tokens(&mut s, &client_id, &scope, true)).into_response()
                }
            }
        }
        "refresh_token" => {
            let rt = get("refresh_token");
            if !s.issued_refresh_tokens.remove(&rt) {
                let mut text = "The refresh token has expired due to inactivity.".to_string();
                if s.echo_secrets_in_errors {
                    text.push_str(&format!(" Token: {rt}"));
                }
                return entra_error(StatusCode::BAD_REQUEST, "invalid_grant", 700082, &text);
            }
            let with_rt = !s.refresh_without_new_rt;
            Json(issue_tokens(&mut s, &client_id, &get("scope"), with_rt)).into_response()
        }
        "client_credentials" => {
            if get("client_secret") != APP_SECRET {
                let mut text = format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
                );
                if s.echo_secrets_in_errors {
                    text.push_str(&format!(" Received: {}", get("client_secret")));
                }
                return entra_error(StatusCode::UNAUTHORIZED, "invalid_client", 7000215, &text);
            }
            let scope = get("scope");
            if !scope.ends_with("/.default") {
                return entra_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    1002012,
                    "The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.",
                );
            }
            let mut claims = json!({
                "aud": scope.trim_end_matches("/.default"),
                "iss": format!("https://sts.windows.net/{TENANT_ID}/"),
                "tid": TENANT_ID,
                "oid": "5a5a5a5a-0000-4000-8000-000000000001",
                "appid": client_id,
                "idtyp": "app",
                "exp": chrono::Utc::now().timestamp() + 3599,
            });
            if client_id == APP_WITH_ROLES {
                claims["roles"] = json!(["User.Read.All", "Mail.Send"]);
            }
            let access = fake_jwt(&claims);
            s.issued_access_tokens.push(access.clone());
            Json(json!({
                "token_type": "Bearer",
                "expires_in": 3599,
                "ext_expires_in": 3599,
                "access_token": access,
            }))
            .into_response()
        }
        other => entra_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70003,
            &format!("The app requested an unsupported grant type '{other}'."),
        ),
    }
}

async fn devicecode(
    State(st): State<Arc<Mutex<ServerState>>>,
    Path(_tenant): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let mut s = st.lock().unwrap();
    let client_id = f.get("client_id").cloned().unwrap_or_default();
    if !client_known(&client_id) {
        return app_not_found(&client_id);
    }
    let scope = f.get("scope").cloned().unwrap_or_default();
    if scope.is_empty() {
        return entra_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900144,
            "The request body must contain the following parameter: 'scope'.",
        );
    }
    s.device_scope = scope;
    Json(json!({
        "user_code": USER_CODE,
        "device_code": DEVICE_CODE,
        "verification_uri": "https://microsoft.com/devicelogin",
        "expires_in": s.device_expires_in,
        "interval": s.device_interval,
        "message": format!("To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code {USER_CODE} to authenticate."),
    }))
    .into_response()
}

/// A "browser": GET the authorize URL without following redirects, check the 302 goes to
/// `http://localhost:{port}`, then GET that location on 127.0.0.1. Returns status and page.
pub async fn browser_follow(authorize_url: &Url) -> (u16, String) {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = client.get(authorize_url.clone()).send().await.unwrap();
    assert_eq!(
        resp.status(),
        302,
        "authorize: {}",
        resp.text().await.unwrap()
    );
    let location = resp.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_string();
    let mut target = Url::parse(&location).unwrap();
    assert_eq!(target.host_str(), Some("localhost"));
    assert_eq!(target.path(), "/");
    target.set_host(Some("127.0.0.1")).unwrap();
    let resp = client.get(target).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

/// A port on 127.0.0.1 where nothing listens.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    l.local_addr().unwrap().port()
}
