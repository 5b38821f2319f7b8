//! Error bodies in the two shapes the real services use: Graph's `{"error":{code,message,
//! innerError}}` and Entra's OAuth `{"error","error_description":"AADSTS…",error_codes,…}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use super::util::new_guid;

/// A Graph error (`status` + `code` + `message`, optional `details`).
#[derive(Debug, Clone)]
pub struct GraphError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub details: Vec<Value>,
    pub retry_after: Option<u64>,
    /// Extra response headers (e.g. `WWW-Authenticate` on 401).
    pub www_authenticate: bool,
}

pub type GraphResult<T> = Result<T, GraphError>;

impl GraphError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        GraphError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            code: code.to_string(),
            message: message.into(),
            details: Vec::new(),
            retry_after: None,
            www_authenticate: false,
        }
    }

    /// 400 `Request_BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "Request_BadRequest", message)
    }

    /// 400 `Request_BadRequest` "Invalid value specified for property 'p' of resource 'R'."
    pub fn invalid_value(property: &str, resource: &str) -> Self {
        Self::bad_request(format!(
            "Invalid value specified for property '{property}' of resource '{resource}'."
        ))
    }

    /// 404 `Request_ResourceNotFound` in the wording directory objects use.
    pub fn not_found(id: &str) -> Self {
        Self::new(
            404,
            "Request_ResourceNotFound",
            format!(
                "Resource '{id}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    }

    /// 403 `Authorization_RequestDenied`.
    pub fn denied() -> Self {
        Self::new(
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        )
    }

    /// 400 `Request_UnsupportedQuery`.
    pub fn unsupported_query(message: impl Into<String>) -> Self {
        Self::new(400, "Request_UnsupportedQuery", message)
    }

    /// 401 `InvalidAuthenticationToken`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        let mut e = Self::new(401, "InvalidAuthenticationToken", message);
        e.www_authenticate = true;
        e
    }

    pub fn with_detail(mut self, code: &str, target: &str, message: Option<&str>) -> Self {
        let mut d = json!({"code": code, "target": target});
        if let Some(m) = message {
            d["message"] = json!(m);
        }
        self.details.push(d);
        self
    }

    /// The JSON body, `{"error":{...}}`.
    pub fn body(&self, request_id: &str, client_request_id: &str) -> Value {
        let mut err = json!({
            "code": self.code,
            "message": self.message,
        });
        if !self.details.is_empty() {
            err["details"] = Value::Array(self.details.clone());
        }
        err["innerError"] = json!({
            "date": Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string(),
            "request-id": request_id,
            "client-request-id": client_request_id,
        });
        json!({ "error": err })
    }
}

/// An Entra (AADSTS) OAuth error.
#[derive(Debug, Clone)]
pub struct OAuthError {
    pub status: StatusCode,
    pub error: &'static str,
    pub code: u32,
    pub message: String,
}

impl OAuthError {
    pub fn new(status: u16, error: &'static str, code: u32, message: impl Into<String>) -> Self {
        OAuthError {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            error,
            code,
            message: message.into(),
        }
    }

    pub fn invalid_request(code: u32, message: impl Into<String>) -> Self {
        Self::new(400, "invalid_request", code, message)
    }

    pub fn invalid_grant(code: u32, message: impl Into<String>) -> Self {
        Self::new(400, "invalid_grant", code, message)
    }

    pub fn invalid_scope(code: u32, message: impl Into<String>) -> Self {
        Self::new(400, "invalid_scope", code, message)
    }

    pub fn missing_parameter(name: &str) -> Self {
        Self::invalid_request(
            900144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    pub fn unknown_tenant(tenant: &str) -> Self {
        Self::new(
            400,
            "invalid_tenant",
            90002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
            ),
        )
    }

    /// `AADSTS<code>: <message>` followed by trace id, correlation id and timestamp, as Entra
    /// formats `error_description`.
    pub fn description(&self, trace_id: &str, correlation_id: &str, timestamp: &str) -> String {
        format!(
            "AADSTS{}: {}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
            self.code, self.message
        )
    }

    /// Short form for redirects and HTML pages.
    pub fn short_description(&self) -> String {
        format!("AADSTS{}: {}", self.code, self.message)
    }

    pub fn body(&self) -> Value {
        let trace_id = new_guid();
        let correlation_id = new_guid();
        let timestamp = Utc::now().format("%Y-%m-%d %H:%M:%SZ").to_string();
        json!({
            "error": self.error,
            "error_description": self.description(&trace_id, &correlation_id, &timestamp),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        })
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store, no-cache"),
        );
        h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        resp
    }
}
