//! Device authorization grant: `/{tenant}/oauth2/v2.0/devicecode` and the `/devicelogin` page.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::super::errors::OAuthError;
use super::super::shared::Shared;
use super::super::util::{parse_form, random_from, random_token};
use super::authorize::DEFAULT_ACCOUNT;
use super::issue::{self, user_info};
use super::session::{DeviceCode, DeviceState};
use super::{check_audience, find_client, pages, resolve_tenant, scopes};

/// Letters and digits without the easily confused ones (I, O, 0, 1).
const USER_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

pub async fn code_v2(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    device_code(&shared, &tenant, body, false)
}

/// v1 endpoint: `resource` instead of `scope`.
pub async fn code_v1(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    device_code(&shared, &tenant, body, true)
}

fn device_code(shared: &Shared, tenant: &str, body: Bytes, v1: bool) -> Response {
    let kind = match resolve_tenant(shared, tenant) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let form = parse_form(&body);
    let Some(client_id) = form.get("client_id").filter(|c| !c.is_empty()) else {
        return OAuthError::missing_parameter("client_id").into_response();
    };
    let client = match find_client(shared, client_id).and_then(|c| {
        check_audience(&c, kind)?;
        Ok(c)
    }) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let mut scope = form.get("scope").cloned().unwrap_or_default();
    if v1
        && scope.trim().is_empty()
        && let Some(resource) = form.get("resource")
    {
        scope = format!("{}/.default", resource.trim_end_matches('/'));
    }
    if scope.trim().is_empty() {
        return OAuthError::missing_parameter("scope").into_response();
    }
    if let Err(e) = scopes::parse(shared, &scope) {
        return e.into_response();
    }
    let user_code = random_from(USER_CODE_ALPHABET, 9);
    let device_code = format!("DAQABIQEAAA{}", random_token(120));
    let now = Instant::now();
    let lifetime = shared.config.device_code_lifetime;
    let interval = shared.config.device_poll_interval;
    {
        let mut s = shared.session();
        s.prune();
        s.device_codes.push(DeviceCode {
            device_code: device_code.clone(),
            user_code: user_code.clone(),
            client_id: client.app_id.clone(),
            scope,
            issued: now,
            expires: now + lifetime,
            interval: Duration::from_secs(interval),
            last_poll: None,
            state: DeviceState::Pending,
            user_id: None,
        });
    }
    let verification_uri = format!("{}devicelogin", shared.login_base());
    Json(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": lifetime.as_secs(),
        "interval": interval,
        "message": format!(
            "To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."
        ),
    }))
    .into_response()
}

/// `GET /devicelogin` (optionally `?otc=CODE`).
pub async fn page(Query(q): Query<std::collections::HashMap<String, String>>) -> Html<String> {
    let code = q.get("otc").map(String::as_str).unwrap_or("");
    Html(pages::device_entry(code, DEFAULT_ACCOUNT, None))
}

/// `POST /devicelogin`: look the code up, then approve or decline it.
pub async fn submit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    let code = form.get("otc").cloned().unwrap_or_default();
    let account = form
        .get("account")
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
    let step = form.get("step").map(String::as_str).unwrap_or("lookup");
    let action = form.get("action").map(String::as_str).unwrap_or("next");

    let (user, org) = shared.read(|t| (user_info(t, &account), t.display_name().to_string()));
    let entry_error = |msg: &str| {
        (
            StatusCode::OK,
            Html(pages::device_entry(&code, &account, Some(msg))),
        )
            .into_response()
    };
    let Some(user) = user else {
        return entry_error(&issue::unknown_user(&account, &org).short_description());
    };

    let found = {
        let mut s = shared.session();
        s.device_by_user_code(&code)
            .map(|d| (d.state, d.expires, d.client_id.clone(), d.scope.clone()))
    };
    let Some((state, expires, client_id, scope)) = found else {
        return entry_error("That code didn't work. Check the code and try again.");
    };
    if Instant::now() >= expires {
        return entry_error("That code has expired. Go back to your app and request a new one.");
    }
    if state != DeviceState::Pending {
        return entry_error(
            "AADSTS90120: The request was already authorized or declined. Go back to your app and request a new code.",
        );
    }
    let client_name = find_client(&shared, &client_id)
        .map(|c| c.display_name)
        .unwrap_or(client_id);

    if step != "confirm" {
        return Html(pages::device_confirm(
            &code,
            &user.upn,
            &client_name,
            &scope,
        ))
        .into_response();
    }
    let approve = action == "approve";
    {
        let mut s = shared.session();
        if let Some(d) = s.device_by_user_code(&code) {
            if approve {
                d.state = DeviceState::Approved;
                d.user_id = Some(user.id.clone());
            } else {
                d.state = DeviceState::Declined;
            }
        }
    }
    if approve {
        Html(pages::message(
            &client_name,
            &format!(
                "You have signed in to the {client_name} application on your device as {}. You may now close this window.",
                user.upn
            ),
        ))
        .into_response()
    } else {
        Html(pages::message(
            "Sign-in cancelled",
            "You've cancelled signing in. You may now close this window.",
        ))
        .into_response()
    }
}
