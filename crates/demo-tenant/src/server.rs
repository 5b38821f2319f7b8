//! The HTTP router and the middleware every request passes: request log, latency, throttling,
//! injected faults.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{any, get, post};

use super::RequestRecord;
use super::control;
use super::ews;
use super::faults;
use super::graph;
use super::login;
use super::shared::Shared;

/// Bodies larger than this are refused (Graph's limit is 4 MB).
const MAX_BODY: usize = 4 * 1024 * 1024;

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(landing))
        .route(
            "/_emulator/requests",
            get(control::requests).delete(control::clear_requests),
        )
        .route("/_emulator/throttle", post(control::throttle))
        .route(
            "/_emulator/faults",
            get(control::faults)
                .post(control::add_faults)
                .delete(control::clear_faults),
        )
        .route("/_emulator/state", get(control::state))
        .route(
            "/_emulator/ews",
            get(control::ews_settings).post(control::set_ews),
        )
        .route("/_emulator/ews/mailbox", post(control::set_mailbox_ews))
        .route("/_emulator/user/role", post(control::set_user_role))
        .route(
            "/_emulator/app-policy",
            get(control::app_policy).post(control::set_app_policy),
        )
        // Exchange Online serves EWS under either spelling of the path.
        .route(
            "/EWS/Exchange.asmx",
            post(ews::exchange_asmx).get(ews::only_post),
        )
        .route(
            "/ews/exchange.asmx",
            post(ews::exchange_asmx).get(ews::only_post),
        )
        .route("/v1.0", any(graph::entry))
        .route("/v1.0/", any(graph::entry))
        .route("/v1.0/{*rest}", any(graph::entry))
        .merge(login::routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(shared.clone(), record))
        .with_state(shared)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| {
            let ct = ct.to_ascii_lowercase();
            ct.starts_with("application/json") || ct.contains("+json")
        })
}

/// Log, delay and (for Graph) throttle every request except the control endpoints.
async fn record(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_emulator/") {
        return next.run(req).await;
    }
    let seq = shared.next_seq();
    let started = Instant::now();
    let method = req.method().to_string();
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| path.clone());
    if !shared.config.latency.is_zero() {
        tokio::time::sleep(shared.config.latency).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let resp = (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
            shared.record(
                seq,
                RequestRecord {
                    method,
                    path_and_query,
                    status: resp.status().as_u16(),
                    started,
                    finished: Instant::now(),
                    json_body: None,
                },
            );
            return resp;
        }
    };
    let json_body = if is_json(&parts.headers) && !bytes.is_empty() {
        serde_json::from_slice(&bytes).ok()
    } else {
        None
    };
    // `$batch` items are throttled one by one inside the batch.
    let is_graph = (path == "/v1.0" || path.starts_with("/v1.0/")) && path != "/v1.0/$batch";
    let throttled = if is_graph {
        shared.take_throttle()
    } else {
        None
    };
    let fault = if throttled.is_none() {
        shared.take_fault(&method, &path_and_query)
    } else {
        None
    };
    let mut logged_status = None;
    let resp = match (throttled, fault) {
        (Some((status, retry_after)), _) => {
            graph::throttled_response(&parts.headers, status, retry_after)
        }
        // Fault injection (crates/demo-tenant/src/faults.rs): before or after the request is carried out.
        (None, Some(kind)) => {
            let headers = parts.headers.clone();
            let real = if kind.carried_out() {
                Some(
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await,
                )
            } else {
                None
            };
            let real_status = real.as_ref().map_or(0, |r| r.status().as_u16());
            logged_status = Some(kind.logged_status(real_status));
            faults::apply(kind, real, &headers, graph::throttled_response).await
        }
        (None, None) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
    };
    shared.record(
        seq,
        RequestRecord {
            method,
            path_and_query,
            status: logged_status.unwrap_or_else(|| resp.status().as_u16()),
            started,
            finished: Instant::now(),
            json_body,
        },
    );
    resp
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        Html(login::pages::page(
            "Not found",
            "<p>This address does not exist in the exowiz demo tenant.</p>",
        )),
    )
        .into_response()
}

/// A small overview page for people who open the base URL in a browser.
async fn landing(State(shared): State<Arc<Shared>>) -> Html<String> {
    Html(login::pages::landing(&shared))
}
