//! Graph v1.0 under `{base}v1.0/`: authentication, routing, response shapes and errors.

pub mod applications;
pub mod assignments;
pub mod batch;
pub mod caller;
pub mod directory;
pub mod filter;
pub mod grants;
pub mod odata;
pub mod service_principals;
pub mod target;
pub mod validate;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::errors::{GraphError, GraphResult};
use super::shared::Shared;
use super::util::new_guid;
use caller::Caller;
use odata::QueryOptions;
pub use target::{Key, Target, check_object_id, parse_target};

const JSON_CONTENT_TYPE: &str = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/// A Graph response before it becomes HTTP (also used for `$batch` items).
#[derive(Debug, Clone)]
pub struct GResp {
    pub status: u16,
    pub body: Option<Value>,
    pub headers: Vec<(String, String)>,
}

impl GResp {
    pub fn ok(body: Value) -> GResp {
        GResp {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }
    pub fn created(body: Value, location: String) -> GResp {
        GResp {
            status: 201,
            body: Some(body),
            headers: vec![("Location".into(), location)],
        }
    }
    pub fn no_content() -> GResp {
        GResp {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }
    pub fn error(e: &GraphError, request_id: &str, client_request_id: &str) -> GResp {
        let mut headers = Vec::new();
        if let Some(s) = e.retry_after {
            headers.push(("Retry-After".into(), s.to_string()));
        }
        if e.www_authenticate {
            headers.push((
                "WWW-Authenticate".into(),
                "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"".into(),
            ));
        }
        GResp {
            status: e.status.as_u16(),
            body: Some(e.body(request_id, client_request_id)),
            headers,
        }
    }

    fn into_http(self, request_id: &str, client_request_id: &str) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut resp = match self.body {
            Some(b) => {
                let mut r = (status, b.to_string()).into_response();
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(JSON_CONTENT_TYPE),
                );
                r
            }
            None => status.into_response(),
        };
        let h = resp.headers_mut();
        for (k, v) in &self.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                h.insert(name, value);
            }
        }
        if let Ok(v) = HeaderValue::from_str(request_id) {
            h.insert("request-id", v);
        }
        if let Ok(v) = HeaderValue::from_str(client_request_id) {
            h.insert("client-request-id", v);
        }
        h.insert("odata-version", HeaderValue::from_static("4.0"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        resp
    }
}

/// Everything a Graph handler needs.
pub struct Ctx<'a> {
    pub shared: &'a Shared,
    pub caller: &'a Caller,
    pub q: &'a QueryOptions,
    pub body: &'a [u8],
    /// Path below `v1.0/` without the query (for `@odata.nextLink`).
    pub path: &'a str,
    /// `Prefer: create-if-missing` was sent: a PATCH by alternate key creates the object
    /// when none has that key (application-upsert, serviceprincipal-upsert).
    pub create_if_missing: bool,
}

fn not_allowed() -> GraphError {
    GraphError::new(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
}

fn no_segment(seg: &str) -> GraphError {
    GraphError::new(
        400,
        "BadRequest",
        format!("Resource not found for the segment '{seg}'."),
    )
}

/// Route one Graph request (also used by `$batch`).
pub fn route(ctx: &Ctx, method: &Method, t: &Target) -> GraphResult<GResp> {
    use Method as M;
    let rest: Vec<&str> = t.rest.iter().map(String::as_str).collect();
    let key = t.key.as_ref();
    match (t.set.as_str(), key, rest.as_slice()) {
        ("organization", None, []) => get_only(method, || directory::organization(ctx)),
        ("organization", Some(k), []) => get_only(method, || directory::organization_by_id(ctx, k)),
        ("domains", None, []) => get_only(method, || directory::domains(ctx)),
        ("domains", Some(k), []) => get_only(method, || directory::domain(ctx, k)),
        ("users", None, []) => get_only(method, || directory::users(ctx)),
        ("users", Some(k), []) => get_only(method, || directory::user(ctx, k)),
        ("users", Some(k), ["mailboxSettings"]) => {
            get_only(method, || directory::mailbox_settings(ctx, k))
        }
        ("me", None, []) => get_only(method, || directory::me(ctx)),
        ("me", None, ["mailboxSettings"]) => get_only(method, || directory::me_mailbox(ctx)),

        ("applications", None, []) => match *method {
            M::GET => applications::list(ctx),
            M::POST => applications::create(ctx),
            _ => Err(not_allowed()),
        },
        ("applications", Some(k), []) => match *method {
            M::GET => applications::get(ctx, k),
            M::PATCH => applications::update(ctx, k),
            M::DELETE => applications::delete(ctx, k),
            _ => Err(not_allowed()),
        },
        ("applications", Some(k), ["addPassword"]) => {
            post_only(method, || applications::add_password(ctx, k))
        }
        ("applications", Some(k), ["removePassword"]) => {
            post_only(method, || applications::remove_password(ctx, k))
        }

        ("servicePrincipals", None, []) => match *method {
            M::GET => service_principals::list(ctx),
            M::POST => service_principals::create(ctx),
            _ => Err(not_allowed()),
        },
        ("servicePrincipals", Some(k), []) => match *method {
            M::GET => service_principals::get(ctx, k),
            M::PATCH => service_principals::update(ctx, k),
            M::DELETE => service_principals::delete(ctx, k),
            _ => Err(not_allowed()),
        },
        ("servicePrincipals", Some(k), [nav @ ("appRoleAssignedTo" | "appRoleAssignments")]) => {
            let side = assignments::Side::from_nav(nav);
            match *method {
                M::GET => assignments::list(ctx, k, side),
                M::POST => assignments::create(ctx, k, side),
                _ => Err(not_allowed()),
            }
        }
        (
            "servicePrincipals",
            Some(k),
            [nav @ ("appRoleAssignedTo" | "appRoleAssignments"), id],
        ) => {
            let side = assignments::Side::from_nav(nav);
            match *method {
                M::GET => assignments::get(ctx, k, side, id),
                M::DELETE => assignments::delete(ctx, k, side, id),
                _ => Err(not_allowed()),
            }
        }
        ("servicePrincipals", Some(k), ["oauth2PermissionGrants"]) => {
            get_only(method, || grants::list_for_client(ctx, k))
        }

        ("oauth2PermissionGrants", None, []) => match *method {
            M::GET => grants::list(ctx),
            M::POST => grants::create(ctx),
            _ => Err(not_allowed()),
        },
        ("oauth2PermissionGrants", Some(k), []) => match *method {
            M::GET => grants::get(ctx, k),
            M::PATCH => grants::update(ctx, k),
            M::DELETE => grants::delete(ctx, k),
            _ => Err(not_allowed()),
        },
        ("", None, []) => {
            let sets: Vec<Value> = [
                "applications",
                "servicePrincipals",
                "oauth2PermissionGrants",
                "users",
                "organization",
                "domains",
                "me",
            ]
            .iter()
            .map(|n| json!({"name": n, "kind": "EntitySet", "url": n}))
            .collect();
            Ok(GResp::ok(json!({
                "@odata.context": format!("{}$metadata", ctx.shared.graph_v1()),
                "value": sets,
            })))
        }
        _ => {
            let bad = if matches!(
                t.set.as_str(),
                "applications"
                    | "servicePrincipals"
                    | "users"
                    | "me"
                    | "organization"
                    | "domains"
                    | "oauth2PermissionGrants"
            ) {
                t.rest.last().cloned().unwrap_or_else(|| t.set.clone())
            } else {
                t.set.clone()
            };
            Err(no_segment(&bad))
        }
    }
}

fn get_only(method: &Method, f: impl FnOnce() -> GraphResult<GResp>) -> GraphResult<GResp> {
    if *method == Method::GET {
        f()
    } else {
        Err(not_allowed())
    }
}

fn post_only(method: &Method, f: impl FnOnce() -> GraphResult<GResp>) -> GraphResult<GResp> {
    if *method == Method::POST {
        f()
    } else {
        Err(not_allowed())
    }
}

/// Whether any `Prefer` header asks for `create-if-missing` (preferences are comma-separated).
fn prefers_create_if_missing(headers: &HeaderMap) -> bool {
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim().eq_ignore_ascii_case("create-if-missing"))
}

fn client_request_id(headers: &HeaderMap) -> String {
    headers
        .get("client-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .unwrap_or_else(new_guid)
}

/// Handle one request: authenticate, parse the query, route.
pub fn handle(
    shared: &Shared,
    method: &Method,
    path: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
    (request_id, crid): (&str, &str),
) -> GResp {
    let result = (|| {
        let caller = caller::authenticate(shared, headers)?;
        let eventual = headers
            .get("consistencylevel")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("eventual"));
        let q = odata::parse(query, eventual)?;
        let target = parse_target(path)?;
        let ctx = Ctx {
            shared,
            caller: &caller,
            q: &q,
            body,
            path: path.trim_start_matches('/'),
            create_if_missing: prefers_create_if_missing(headers),
        };
        route(&ctx, method, &target)
    })();
    match result {
        Ok(r) => r,
        Err(e) => GResp::error(&e, request_id, crid),
    }
}

/// Axum entry point for everything under `/v1.0`.
pub async fn entry(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().strip_prefix("/v1.0").unwrap_or("");
    let request_id = new_guid();
    let crid = client_request_id(&headers);
    let resp = if path.trim_matches('/') == "$batch" {
        if method == Method::POST {
            batch::handle(&shared, &headers, &body, &request_id, &crid)
        } else {
            GResp::error(&not_allowed(), &request_id, &crid)
        }
    } else {
        handle(
            &shared,
            &method,
            path,
            uri.query(),
            &headers,
            &body,
            (&request_id, &crid),
        )
    };
    resp.into_http(&request_id, &crid)
}

/// The response for a throttled request (`Emulator::throttle_next`).
pub fn throttled_response(headers: &HeaderMap, status: u16, retry_after: Option<u64>) -> Response {
    let (code, message) = match status {
        429 => (
            "TooManyRequests",
            "Too many requests. Please retry after the number of seconds in the Retry-After header.",
        ),
        503 => (
            "ServiceUnavailable",
            "The service is temporarily unavailable. Please retry after the number of seconds in the Retry-After header.",
        ),
        504 => ("GatewayTimeout", "The gateway timed out."),
        // What Entra answers to a grant or role assignment right after the service principal
        // was made, while the directory replicates — sometimes having carried the write out
        // (graph-facts §1.5; issue 9.4).
        // A token that expired mid-run (Entra's access tokens live 60-90 minutes).
        401 => (
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        ),
        403 => (
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
        502 => ("BadGateway", "The gateway could not reach the service."),
        404 => (
            "Directory_ObjectNotFound",
            "Unable to read the company information from the directory.",
        ),
        _ => (
            "UnknownError",
            "The emulator was told to fail this request.",
        ),
    };
    let mut e = GraphError::new(status, code, message);
    e.retry_after = retry_after;
    e.www_authenticate = status == 401;
    let request_id = new_guid();
    let crid = client_request_id(headers);
    GResp::error(&e, &request_id, &crid).into_http(&request_id, &crid)
}
