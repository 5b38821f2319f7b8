//! `/{tenant}/oauth2/v2.0/token`: authorization code (PKCE), device code, refresh token and
//! client credentials grants, with Entra's error bodies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::Utc;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::super::errors::OAuthError;
use super::super::shared::Shared;
use super::super::token::{self, TokenError};
use super::super::util::{eq_ci, parse_form, parse_iso, secret_hash, sprop};
use super::issue::{self, SignedInUser, user_info};
use super::session::{AUTH_CODE_LIFETIME, DeviceState};
use super::{
    ClientApp, TenantRef, check_audience, find_client, resolve_tenant, scopes, unknown_client,
};

type Form = std::collections::HashMap<String, String>;

pub async fn v2(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(handle(&shared, &tenant, &headers, &body, false))
}

/// v1 endpoint: `resource` instead of `scope`.
pub async fn v1(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    respond(handle(&shared, &tenant, &headers, &body, true))
}

/// `GET` on a POST-only endpoint.
pub async fn only_post() -> Response {
    OAuthError::invalid_request(
        900561,
        "The endpoint only accepts POST, OPTIONS requests. Received a GET request.",
    )
    .into_response()
}

fn respond(r: Result<Value, OAuthError>) -> Response {
    match r {
        Ok(v) => {
            let mut resp = Json(v).into_response();
            let h = resp.headers_mut();
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-store, no-cache"),
            );
            h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
            resp
        }
        Err(e) => e.into_response(),
    }
}

/// `Authorization: Basic base64(client_id:client_secret)` (client_secret_basic).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let b64 = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))?;
    let raw = String::from_utf8(STANDARD.decode(b64.trim()).ok()?).ok()?;
    let (id, secret) = raw.split_once(':')?;
    let dec = |s: &str| {
        url::form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default()
    };
    Some((dec(id), dec(secret)))
}

fn required<'a>(form: &'a Form, name: &str) -> Result<&'a str, OAuthError> {
    form.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| OAuthError::missing_parameter(name))
}

fn handle(
    shared: &Shared,
    tenant: &str,
    headers: &HeaderMap,
    body: &[u8],
    v1: bool,
) -> Result<Value, OAuthError> {
    let kind = resolve_tenant(shared, tenant)?;
    let mut form = parse_form(body);
    if let Some((id, secret)) = basic_credentials(headers) {
        form.entry("client_id".into()).or_insert(id);
        form.entry("client_secret".into()).or_insert(secret);
    }
    if v1
        && form.get("scope").is_none_or(|s| s.is_empty())
        && let Some(resource) = form.get("resource").cloned()
    {
        form.insert(
            "scope".into(),
            format!("{}/.default", resource.trim_end_matches('/')),
        );
    }
    let grant_type = required(&form, "grant_type")?.to_string();
    let client_id = required(&form, "client_id")?.to_string();
    if grant_type != "client_credentials"
        && let Ok(client) = find_client(shared, &client_id)
    {
        check_audience(&client, kind)?;
    }
    match grant_type.as_str() {
        "authorization_code" => authorization_code(shared, &form, &client_id),
        "urn:ietf:params:oauth:grant-type:device_code" | "device_code" => {
            device_code(shared, &form, &client_id)
        }
        "refresh_token" => refresh_token(shared, &form, &client_id),
        "client_credentials" => client_credentials(shared, kind, &form, &client_id),
        other => Err(OAuthError::new(
            400,
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn invalid_secret(app_id: &str) -> OAuthError {
    OAuthError::new(
        401,
        "invalid_client",
        7000215,
        format!(
            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app_id}'."
        ),
    )
}

fn missing_credential() -> OAuthError {
    OAuthError::new(
        401,
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    )
}

/// Check a client secret against the stored hashes and end dates.
fn verify_secret(shared: &Shared, app_id: &str, secret: &str) -> Result<(), OAuthError> {
    let outcome = shared.read(|t| {
        let app = t.app_by_app_id(app_id).filter(|a| shared.app_visible(a))?;
        let matched = app
            .secret_hashes
            .iter()
            .find(|h| h.sha256 == secret_hash(&h.key_id, secret))
            .map(|h| h.key_id.clone());
        let Some(key_id) = matched else {
            return Some(Err(()));
        };
        let cred = app
            .props
            .get("passwordCredentials")
            .and_then(Value::as_array)
            .and_then(|creds| {
                creds
                    .iter()
                    .filter_map(Value::as_object)
                    .find(|c| eq_ci(sprop(c, "keyId"), &key_id))
            })
            .cloned();
        Some(Ok(cred))
    });
    match outcome {
        None => Err(unknown_client(shared, app_id)),
        Some(Err(())) | Some(Ok(None)) => Err(invalid_secret(app_id)),
        Some(Ok(Some(cred))) => {
            let now = Utc::now();
            if parse_iso(sprop(&cred, "endDateTime")).is_some_and(|end| end <= now) {
                return Err(OAuthError::new(
                    401,
                    "invalid_client",
                    7000222,
                    format!(
                        "The provided client secret keys for app '{app_id}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."
                    ),
                ));
            }
            if parse_iso(sprop(&cred, "startDateTime")).is_some_and(|start| start > now) {
                return Err(invalid_secret(app_id));
            }
            Ok(())
        }
    }
}

/// Public clients must not send a secret; confidential ones must.
fn authenticate_client(
    shared: &Shared,
    client: &ClientApp,
    form: &Form,
    public_allowed: bool,
) -> Result<(), OAuthError> {
    match form.get("client_secret").filter(|s| !s.is_empty()) {
        Some(secret) => {
            if client.first_party {
                return Err(OAuthError::new(
                    401,
                    "invalid_client",
                    700025,
                    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
                ));
            }
            verify_secret(shared, &client.app_id, secret)
        }
        None if public_allowed => Ok(()),
        None => Err(missing_credential()),
    }
}

fn load_user(shared: &Shared, id: &str) -> Result<SignedInUser, OAuthError> {
    let (user, org) = shared.read(|t| (user_info(t, id), t.display_name().to_string()));
    user.ok_or_else(|| issue::unknown_user(id, &org))
}

fn authorization_code(shared: &Shared, form: &Form, client_id: &str) -> Result<Value, OAuthError> {
    let code = required(form, "code")?.to_string();
    let entry = shared.session().auth_codes.get(&code).cloned();
    let Some(entry) = entry else {
        return Err(OAuthError::invalid_grant(
            70000,
            "The provided value for the 'code' parameter is not valid.",
        ));
    };
    if entry.used {
        return Err(OAuthError::invalid_grant(
            54005,
            "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
        ));
    }
    if entry.issued.elapsed() > AUTH_CODE_LIFETIME {
        return Err(OAuthError::invalid_grant(
            70008,
            "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
        ));
    }
    let p = &entry.params;
    if !eq_ci(&p.client_id, client_id) {
        return Err(OAuthError::invalid_grant(
            70000,
            "The provided authorization code was issued to a different client.",
        ));
    }
    let redirect_uri = form.get("redirect_uri").map(String::as_str).unwrap_or("");
    if redirect_uri != p.redirect_uri {
        return Err(OAuthError::invalid_grant(
            500112,
            format!(
                "The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.",
                p.redirect_uri
            ),
        ));
    }
    if let Some(challenge) = &p.code_challenge {
        let verifier = form.get("code_verifier").map(String::as_str).unwrap_or("");
        let ok = match p.code_challenge_method.as_str() {
            "S256" => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == *challenge,
            _ => verifier == challenge,
        };
        if verifier.is_empty() || !ok {
            return Err(OAuthError::invalid_grant(
                501481,
                "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
            ));
        }
    }
    let client = find_client(shared, client_id)?;
    authenticate_client(
        shared,
        &client,
        form,
        client.redirect_is_public(&p.redirect_uri),
    )?;
    let requested = scopes::parse(shared, &p.scope)?;
    let user = load_user(shared, &entry.user_id)?;
    if let Some(e) = shared.read(|t| issue::client_blocked(t, &client, &user)) {
        return Err(e);
    }
    // Single use: only the first successful redemption gets tokens.
    {
        let mut s = shared.session();
        match s.auth_codes.get_mut(&code) {
            Some(c) if !c.used => c.used = true,
            _ => {
                return Err(OAuthError::invalid_grant(
                    54005,
                    "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
                ));
            }
        }
    }
    Ok(issue::delegated_response(
        shared,
        &user,
        &client,
        &requested,
        &p.scope,
        p.nonce.as_deref(),
    ))
}

/// Polls within this much of the interval are tolerated (timer jitter).
const POLL_TOLERANCE: Duration = Duration::from_millis(250);

fn device_code(shared: &Shared, form: &Form, client_id: &str) -> Result<Value, OAuthError> {
    let device_code = required(form, "device_code")?.to_string();
    let client = find_client(shared, client_id)?;
    if !client.is_public() && form.get("client_secret").is_none_or(|s| s.is_empty()) {
        return Err(missing_credential());
    }
    authenticate_client(shared, &client, form, true)?;
    let admin_id = shared.read(|t| {
        t.user(super::authorize::DEFAULT_ACCOUNT)
            .map(|u| u.id().to_string())
    });
    let now = Instant::now();
    let (user_id, scope) = {
        let mut s = shared.session();
        let Some(d) = s
            .device_codes
            .iter_mut()
            .find(|d| d.device_code == device_code)
        else {
            return Err(OAuthError::new(
                400,
                "bad_verification_code",
                70000,
                "The provided value for the input parameter 'device_code' is not valid.",
            ));
        };
        if !eq_ci(&d.client_id, client_id) {
            return Err(OAuthError::invalid_grant(
                70000,
                "The provided device code was issued to a different client.",
            ));
        }
        if d.state == DeviceState::Redeemed {
            return Err(OAuthError::invalid_grant(
                70000,
                "The provided device code was already redeemed.",
            ));
        }
        if now >= d.expires {
            return Err(OAuthError::new(
                400,
                "expired_token",
                70019,
                "Verification code expired.",
            ));
        }
        if d.state == DeviceState::Pending
            && shared.config.auto_approve
            && now.duration_since(d.issued) >= shared.config.auto_approve_delay
        {
            d.state = DeviceState::Approved;
            d.user_id = admin_id;
        }
        match d.state {
            DeviceState::Pending => {
                let too_fast = d
                    .last_poll
                    .is_some_and(|last| now.duration_since(last) + POLL_TOLERANCE < d.interval);
                d.last_poll = Some(now);
                if too_fast {
                    d.interval += Duration::from_secs(5);
                    return Err(OAuthError::new(
                        400,
                        "slow_down",
                        70000,
                        format!(
                            "The client is polling too frequently. Wait at least {} seconds between requests.",
                            d.interval.as_secs()
                        ),
                    ));
                }
                return Err(OAuthError::new(
                    400,
                    "authorization_pending",
                    70016,
                    "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                ));
            }
            DeviceState::Declined => {
                return Err(OAuthError::new(
                    400,
                    "authorization_declined",
                    70000,
                    "The user declined the authorization request.",
                ));
            }
            DeviceState::Approved | DeviceState::Redeemed => {
                d.state = DeviceState::Redeemed;
                (d.user_id.clone().unwrap_or_default(), d.scope.clone())
            }
        }
    };
    let requested = scopes::parse(shared, &scope)?;
    let user = load_user(shared, &user_id)?;
    if let Some(e) = issue::sign_in_error(&user, &requested.resource.app_id) {
        return Err(e);
    }
    if let Some(e) = shared.read(|t| issue::client_blocked(t, &client, &user)) {
        return Err(e);
    }
    Ok(issue::delegated_response(
        shared, &user, &client, &requested, &scope, None,
    ))
}

fn refresh_token(shared: &Shared, form: &Form, client_id: &str) -> Result<Value, OAuthError> {
    let rt = required(form, "refresh_token")?;
    let malformed =
        || OAuthError::invalid_grant(9002313, "Invalid request. Request is malformed or invalid.");
    let claims = match token::decode(&shared.key, rt, Utc::now().timestamp()) {
        Ok(c) => c,
        Err(TokenError::Expired) => {
            return Err(OAuthError::invalid_grant(
                700082,
                "The refresh token has expired due to inactivity.",
            ));
        }
        Err(_) => return Err(malformed()),
    };
    if claims.get("rt").and_then(Value::as_i64) != Some(1) {
        return Err(malformed());
    }
    if !eq_ci(claims["aud"].as_str().unwrap_or(""), client_id) {
        return Err(OAuthError::invalid_grant(
            70000,
            "The refresh token was issued to a different client.",
        ));
    }
    let tid = shared.read(|t| t.tenant_id.clone());
    if !eq_ci(claims["tid"].as_str().unwrap_or(""), &tid) {
        return Err(malformed());
    }
    let client = find_client(shared, client_id)?;
    authenticate_client(shared, &client, form, client.is_public())?;
    let scope = form
        .get("scope")
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .unwrap_or_else(|| claims["scope"].as_str().unwrap_or("").to_string());
    let mut requested = scopes::parse(shared, &scope)?;
    if !requested.wants("offline_access") {
        requested.oidc.push("offline_access".into());
    }
    let user = load_user(shared, claims["oid"].as_str().unwrap_or(""))?;
    if let Some(e) = issue::sign_in_error(&user, &requested.resource.app_id) {
        return Err(e);
    }
    if let Some(e) = shared.read(|t| issue::client_blocked(t, &client, &user)) {
        return Err(e);
    }
    Ok(issue::delegated_response(
        shared, &user, &client, &requested, &scope, None,
    ))
}

fn client_credentials(
    shared: &Shared,
    kind: TenantRef,
    form: &Form,
    client_id: &str,
) -> Result<Value, OAuthError> {
    if kind != TenantRef::Specific {
        return Err(OAuthError::invalid_request(
            9001023,
            "The grant type is not supported over the /common, /organizations or /consumers endpoints. Please use the tenant-specific endpoint.",
        ));
    }
    let app = shared.read(|t| {
        t.app_by_app_id(client_id)
            .filter(|a| shared.app_visible(a))
            .map(|a| (a.app_id().to_string(), a.display_name().to_string()))
    });
    let Some((app_id, app_name)) = app else {
        return Err(unknown_client(shared, client_id));
    };
    let secret = form
        .get("client_secret")
        .filter(|s| !s.is_empty())
        .ok_or_else(missing_credential)?;
    verify_secret(shared, &app_id, secret)?;
    let scope = required(form, "scope")?.trim().to_string();
    let items: Vec<&str> = scope.split_whitespace().collect();
    let prefix = match items.as_slice() {
        [one] if one.ends_with("/.default") => one.trim_end_matches("/.default").to_string(),
        _ => {
            return Err(OAuthError::invalid_scope(
                1002012,
                format!(
                    "The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
                ),
            ));
        }
    };
    let (resource, client_sp, org, tid) = shared.read(|t| {
        (
            scopes::find_resource(shared, t, &prefix),
            t.sp_by_app_id(&app_id)
                .filter(|sp| shared.sp_visible(sp))
                .map(|sp| sp.id().to_string()),
            t.display_name().to_string(),
            t.tenant_id.clone(),
        )
    });
    let resource = resource.ok_or_else(|| scopes::resource_not_found(&org, &prefix))?;
    let resource = scopes::with_requested_audience(resource, Some(&prefix));
    let Some(client_sp) = client_sp else {
        return Err(OAuthError::new(
            400,
            "invalid_client",
            7000229,
            format!(
                "The client application {app_id} is missing service principal in the tenant {tid}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119"
            ),
        ));
    };
    let roles: Vec<String> = shared.read(|t| {
        let resource_sp = t.sp(&resource.sp_id);
        t.app_role_assignments
            .iter()
            .filter(|a| {
                eq_ci(sprop(a, "principalId"), &client_sp)
                    && eq_ci(sprop(a, "resourceId"), &resource.sp_id)
            })
            .filter_map(|a| {
                resource_sp
                    .and_then(|sp| super::super::ops::sp_app_role(&sp.props, sprop(a, "appRoleId")))
                    .map(|r| sprop(r, "value").to_string())
            })
            .collect()
    });
    Ok(issue::app_response(
        shared, &app_id, &app_name, &client_sp, &resource, &roles,
    ))
}
