//! `/_emulator/*`: control endpoints for out-of-process use (the `exowiz emulator` binary).

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::shared::Shared;

/// `GET /_emulator/requests`: the request log, times in ms since server start.
pub async fn requests(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let start = shared.started;
    let list: Vec<Value> = shared
        .requests()
        .into_iter()
        .map(|r| {
            json!({
                "method": r.method,
                "path_and_query": r.path_and_query,
                "status": r.status,
                "started": r.started.saturating_duration_since(start).as_millis() as u64,
                "finished": r.finished.saturating_duration_since(start).as_millis() as u64,
                "json_body": r.json_body,
            })
        })
        .collect();
    Json(Value::Array(list))
}

/// `DELETE /_emulator/requests`: clear the log.
pub async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.clear_requests();
    StatusCode::NO_CONTENT
}

/// `POST /_emulator/throttle` `{"count":N,"status":429,"retry_after":1}`.
pub async fn throttle(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("invalid JSON: {e}")})),
            )
                .into_response();
        }
    };
    let count = v.get("count").and_then(Value::as_u64).unwrap_or(1) as usize;
    let status = v.get("status").and_then(Value::as_u64).unwrap_or(429);
    if !(400..600).contains(&status) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "status must be an HTTP error status (4xx/5xx)"})),
        )
            .into_response();
    }
    let retry_after = v.get("retry_after").and_then(Value::as_u64);
    shared.set_throttle(count, status as u16, retry_after);
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_emulator/state`: the tenant snapshot.
pub async fn state(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(shared.read(|t| t.snapshot()))
}
