//! The two HTTP shapes sign-in needs: GET a JSON document and POST a form to an Entra
//! endpoint. Both turn transport failures, Entra's error JSON and unreadable answers into
//! `AuthError`, removing every secret value the request carried from what comes back.

use serde_json::Value;
use url::Url;
use zeroize::Zeroize;

use super::error::{AuthError, EntraError};

/// What exowiz knew when it made a request; attached to Entra errors for better sentences.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Ctx<'a> {
    pub client_id: Option<&'a str>,
    pub tenant: Option<&'a str>,
}

pub(crate) fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => url.as_str().to_string(),
    }
}

fn network_error(url: &Url, e: &reqwest::Error) -> AuthError {
    // The error text names the URL; our request URLs never carry secrets (form bodies do).
    let mut cause = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause.push_str(": ");
        cause.push_str(&s.to_string());
        src = s.source();
    }
    AuthError::Network {
        host: host_of(url),
        timed_out: e.is_timeout(),
        cause,
        trouble: crate::net::diagnose(e, url),
    }
}

/// GET `url` and parse the JSON answer into `T`.
pub(crate) async fn get_json<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &Url,
    ctx: Ctx<'_>,
) -> Result<T, AuthError> {
    tracing::debug!(url = %url, "sign-in GET");
    let resp = http
        .get(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| network_error(url, &e))?;
    let status = resp.status();
    let body = resp.text().await.map_err(|e| network_error(url, &e))?;
    if !status.is_success() {
        return Err(error_from_body(url, status.as_u16(), &body, &[], ctx));
    }
    serde_json::from_str(&body).map_err(|e| AuthError::BadResponse {
        host: host_of(url),
        status: status.as_u16(),
        what: format!("the JSON document could not be read: {e}"),
    })
}

/// POST `form` to `url`. On success returns the JSON object; `secrets` are the form values
/// that must never come back out in an error.
pub(crate) async fn post_form(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
    secrets: &[&str],
    ctx: Ctx<'_>,
) -> Result<serde_json::Map<String, Value>, AuthError> {
    tracing::debug!(url = %url, "sign-in POST");
    let resp = http
        .post(url.clone())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| network_error(url, &e))?;
    let status = resp.status();
    let mut body = resp.text().await.map_err(|e| network_error(url, &e))?;
    let result = if status.is_success() {
        match serde_json::from_str::<Value>(&body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(AuthError::BadResponse {
                host: host_of(url),
                status: status.as_u16(),
                what: "the answer is not a JSON object".into(),
            }),
        }
    } else {
        Err(error_from_body(url, status.as_u16(), &body, secrets, ctx))
    };
    body.zeroize();
    result
}

fn error_from_body(
    url: &Url,
    status: u16,
    body: &str,
    secrets: &[&str],
    ctx: Ctx<'_>,
) -> AuthError {
    let host = host_of(url);
    match EntraError::parse(status, &host, body) {
        Some(e) => AuthError::from_entra(e.scrub(secrets).with_context(ctx.client_id, ctx.tenant)),
        None => AuthError::BadResponse {
            host,
            status,
            what: format!("HTTP {status} without an error description"),
        },
    }
}

/// Reads a string field.
pub(crate) fn take_string(map: &mut serde_json::Map<String, Value>, key: &str) -> Option<String> {
    match map.remove(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// Reads a number of seconds that Entra sends as a number (v2) or a string (v1).
pub(crate) fn seconds_field(map: &serde_json::Map<String, Value>, key: &str) -> Option<u64> {
    match map.get(key)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
