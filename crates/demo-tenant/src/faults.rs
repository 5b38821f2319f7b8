//! Fault injection: a per-route queue of faults the next matching requests meet, for the
//! fault matrix (issue 14). Set from tests with [`super::Emulator::inject`] or over HTTP with
//! `POST /_emulator/faults` (for the `exowiz emulator` binary), cleared with `DELETE`.
//!
//! Each fault says whether Graph carried the request out before things went wrong, because
//! that is what decides whether a blind retry makes a second app or secret:
//!
//! | kind | carried out | what the client sees |
//! |---|---|---|
//! | `status_before` | no | a Graph error body with `status` (+ `Retry-After`) |
//! | `status_after` | yes | a Graph error body with `status` instead of the answer |
//! | `drop_before` | no | the connection closes, no answer |
//! | `drop_after` | yes | the connection closes, no answer |
//! | `drop_mid_answer` | yes | status, headers and half the body, then the connection closes |
//! | `truncated` | yes | a complete HTTP answer whose JSON body is cut in half |
//! | `malformed` | yes | a 2xx answer whose body is not JSON |
//! | `html_page` | no | a gateway's HTML error page with `status` (e.g. 502) |
//! | `delay` | yes | the answer, `ms` later |
//! | `token_expired` | no | 401 `InvalidAuthenticationToken` "Lifetime validation failed" |

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// What happens to one matching request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum FaultKind {
    StatusBefore {
        status: u16,
        #[serde(default)]
        retry_after: Option<u64>,
    },
    StatusAfter {
        status: u16,
    },
    DropBefore,
    DropAfter,
    DropMidAnswer,
    Truncated,
    Malformed,
    HtmlPage {
        status: u16,
    },
    Delay {
        ms: u64,
    },
    TokenExpired,
}

impl FaultKind {
    /// Whether the request is handled (the write carried out) before the fault strikes.
    pub fn carried_out(self) -> bool {
        !matches!(
            self,
            FaultKind::StatusBefore { .. }
                | FaultKind::DropBefore
                | FaultKind::HtmlPage { .. }
                | FaultKind::TokenExpired
        )
    }

    /// The status written to the request log (0: no answer at all).
    pub fn logged_status(self, real: u16) -> u16 {
        match self {
            FaultKind::StatusBefore { status, .. }
            | FaultKind::StatusAfter { status }
            | FaultKind::HtmlPage { status } => status,
            FaultKind::DropBefore | FaultKind::DropAfter => 0,
            FaultKind::TokenExpired => 401,
            FaultKind::DropMidAnswer
            | FaultKind::Truncated
            | FaultKind::Malformed
            | FaultKind::Delay { .. } => real,
        }
    }
}

/// A planned fault for the next `count` requests whose method matches (any when `None`) and
/// whose path and query contain `path_contains`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(rename = "path")]
    pub path_contains: String,
    #[serde(default = "one")]
    pub count: usize,
    #[serde(flatten)]
    pub kind: FaultKind,
}

fn one() -> usize {
    1
}

impl Fault {
    pub fn new(method: &str, path_contains: &str, count: usize, kind: FaultKind) -> Self {
        Fault {
            method: Some(method.to_string()),
            path_contains: path_contains.to_string(),
            count,
            kind,
        }
    }

    pub(crate) fn matches(&self, method: &str, path_and_query: &str) -> bool {
        self.count > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path_and_query.contains(&self.path_contains)
    }

    /// A sentence when the plan cannot be carried out.
    pub fn problem(&self) -> Option<String> {
        let status_ok = |s: u16| (400..600).contains(&s);
        match self.kind {
            FaultKind::StatusBefore { status, .. }
            | FaultKind::StatusAfter { status }
            | FaultKind::HtmlPage { status }
                if !status_ok(status) =>
            {
                Some("status must be an HTTP error status (4xx/5xx)".into())
            }
            FaultKind::Delay { ms } if ms > 120_000 => Some("a delay is at most 120000 ms".into()),
            _ if self.path_contains.is_empty() => {
                Some("path must name part of the request path".into())
            }
            _ => None,
        }
    }
}

/// The answer the client gets in place of (or made from) `real`. `graph_error` builds a Graph
/// error body for a status (shared with the throttle).
pub async fn apply(
    kind: FaultKind,
    real: Option<Response>,
    headers: &HeaderMap,
    graph_error: impl Fn(&HeaderMap, u16, Option<u64>) -> Response,
) -> Response {
    match kind {
        FaultKind::StatusBefore {
            status,
            retry_after,
        } => graph_error(headers, status, retry_after),
        FaultKind::StatusAfter { status } => graph_error(headers, status, None),
        FaultKind::TokenExpired => graph_error(headers, 401, None),
        FaultKind::HtmlPage { status } => html_page(status),
        FaultKind::DropBefore | FaultKind::DropAfter => dropped_connection(Vec::new()),
        FaultKind::Delay { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            real.unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
        }
        FaultKind::DropMidAnswer | FaultKind::Truncated | FaultKind::Malformed => {
            let real = real.unwrap_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response());
            let (mut parts, body) = real.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            parts.headers.remove(header::CONTENT_LENGTH);
            let half = bytes[..bytes.len() / 2].to_vec();
            match kind {
                FaultKind::DropMidAnswer => {
                    let mut resp = dropped_connection(half);
                    *resp.status_mut() = parts.status;
                    *resp.headers_mut() = parts.headers;
                    resp
                }
                FaultKind::Truncated => Response::from_parts(parts, Body::from(half)),
                _ => {
                    // A 204 carries no body; make it a 200 so the garbage reaches the client.
                    if parts.status == StatusCode::NO_CONTENT {
                        parts.status = StatusCode::OK;
                    }
                    parts.headers.insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                    Response::from_parts(parts, Body::from("{\"value\": [ <!-- oops"))
                }
            }
        }
    }
}

/// A body that sends `first` and then fails, so hyper closes the connection: with an empty
/// `first` before the status line was written (no answer at all), otherwise mid-answer.
fn dropped_connection(first: Vec<u8>) -> Response {
    let stream = async_stream(first);
    Response::new(Body::from_stream(stream))
}

fn async_stream(
    first: Vec<u8>,
) -> impl futures::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send {
    use futures::StreamExt;
    let pause = !first.is_empty();
    let head = pause.then(|| Ok(axum::body::Bytes::from(first)));
    futures::stream::iter(head).chain(futures::stream::once(async move {
        // Let the first part reach the wire before the connection is cut; with nothing to
        // send, fail at once so not even the status line goes out.
        if pause {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(std::io::Error::other("fault injection: connection dropped"))
    }))
}

/// What Azure Front Door or a proxy answers when Graph behind it fails: HTML, not JSON.
fn html_page(status: u16) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    let reason = status.canonical_reason().unwrap_or("Error");
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} - {reason}</title></head>\
         <body><h1>{code} - {reason}</h1><p>The server encountered a temporary error and \
         could not complete your request.</p></body></html>\n",
        code = status.as_u16()
    );
    let mut resp = (status, page).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}
