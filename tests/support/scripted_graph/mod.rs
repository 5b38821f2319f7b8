//! Shared helpers for the Graph client tests: a tiny scripted Graph server (axum on
//! 127.0.0.1:0) that records every request, and Graph-shaped response bodies.

#![allow(dead_code)]

pub mod fixtures;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use exowiz::endpoints::Endpoints;
use exowiz::graph::{GraphClient, RetryPolicy};
use secrecy::SecretString;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The access token the tests sign in with; it must never show up in any output.
pub const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOi.test-token-MUST-NOT-LEAK.sig";

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Option<Value>,
}

impl Reply {
    pub fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// An answer without body, e.g. 204.
    pub fn empty(status: u16) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// A Graph error answer (§1.7 shape) with a `request-id` header.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(status, fixtures::graph_error(code, message, &[]))
            .header("request-id", fixtures::REQUEST_ID)
    }

    /// A Graph error answer with `details[].code`s.
    pub fn error_with_details(status: u16, code: &str, message: &str, details: &[&str]) -> Self {
        Self::json(status, fixtures::graph_error(code, message, details))
            .header("request-id", fixtures::REQUEST_ID)
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

/// Answers for one method and path. A path containing `?` must match path and query exactly;
/// otherwise only the path is compared. Replies are used in order; the last one repeats.
#[derive(Clone, Debug)]
pub struct Route {
    method: Method,
    target: String,
    replies: VecDeque<Reply>,
}

pub fn route(method: &str, target: &str, replies: impl IntoIterator<Item = Reply>) -> Route {
    let replies: VecDeque<Reply> = replies.into_iter().collect();
    assert!(!replies.is_empty(), "a route needs at least one reply");
    Route {
        method: Method::from_bytes(method.as_bytes()).expect("valid method"),
        target: target.to_string(),
        replies,
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Raw (still percent-encoded) query.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `METHOD /path?query`.
    pub fn line(&self) -> String {
        match &self.query {
            Some(q) => format!("{} {}?{}", self.method, self.path, q),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

struct Shared {
    routes: Mutex<Vec<Route>>,
    log: Mutex<Vec<Recorded>>,
}

/// A scripted Graph stand-in on 127.0.0.1. Stops when dropped.
pub struct TestServer {
    /// e.g. `http://127.0.0.1:41234/`
    pub base: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// Start a server; `routes` gets the base URL (for nextLinks).
    pub async fn start(routes: impl FnOnce(&str) -> Vec<Route>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}/", listener.local_addr().expect("addr"));
        let shared = Arc::new(Shared {
            routes: Mutex::new(routes(&base)),
            log: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(answer).with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self { base, shared, task }
    }

    pub fn endpoints(&self) -> Endpoints {
        Endpoints::custom(&self.base, &self.base).expect("endpoints")
    }

    /// A client for this server with `RetryPolicy::fast()`.
    pub fn client(&self) -> GraphClient {
        self.client_with(RetryPolicy::fast())
    }

    pub fn client_with(&self, policy: RetryPolicy) -> GraphClient {
        GraphClient::new(&self.endpoints(), SecretString::from(TOKEN)).with_retry(policy)
    }

    /// Everything received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.log.lock().unwrap().clone()
    }

    /// `METHOD /path?query` of everything received so far.
    pub fn lines(&self) -> Vec<String> {
        self.requests().iter().map(Recorded::line).collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_string();
    let query = uri.query().map(str::to_string);
    shared.log.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        headers,
        body: body.to_vec(),
    });
    let full = match &query {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    let reply = {
        let mut routes = shared.routes.lock().unwrap();
        routes
            .iter_mut()
            .find(|r| {
                r.method == method
                    && if r.target.contains('?') {
                        r.target == full
                    } else {
                        r.target == path
                    }
            })
            .map(|r| {
                if r.replies.len() > 1 {
                    r.replies.pop_front().unwrap()
                } else {
                    r.replies[0].clone()
                }
            })
    };
    let reply = reply.unwrap_or_else(|| {
        // 418 so that a missing route can never look like a legitimate Graph answer.
        Reply::error(
            418,
            "TestServer_NoRoute",
            &format!("no route for {method} {full}"),
        )
    });
    let mut response = match &reply.body {
        Some(body) => (
            StatusCode::from_u16(reply.status).unwrap(),
            [("content-type", "application/json")],
            body.to_string(),
        )
            .into_response(),
        None => StatusCode::from_u16(reply.status).unwrap().into_response(),
    };
    for (name, value) in &reply.headers {
        response.headers_mut().insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
    }
    response
}

/// A port on 127.0.0.1 where nothing listens.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A listener that accepts connections and closes them at once without answering; returns
/// its base URL and a counter of accepted connections.
pub async fn hang_up_server() -> (String, Arc<Mutex<u32>>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let count = Arc::new(Mutex::new(0));
    let counter = count.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            *counter.lock().unwrap() += 1;
            drop(stream);
        }
    });
    (base, count, task)
}
