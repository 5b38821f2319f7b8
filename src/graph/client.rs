//! `GraphClient`: one `reqwest::Client`, the bearer token, `client-request-id`s, the retry loop
//! and paging. The typed operations live in the sibling modules.

use std::collections::HashSet;
use std::error::Error as _;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use super::error::{ErrorBody, GraphError, Operation};
use super::model::Page;
use super::replication::{CreatedObjects, is_replication_error};
use super::retry::{Attempts, RetryPolicy, Trouble, parse_retry_after};
use crate::endpoints::Endpoints;
use crate::net::NetTrouble;

const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(90);

/// A Microsoft Graph v1.0 client. Cheap to clone; clones share the connection pool, the token
/// and the list of objects created through them.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    /// v1.0 root, ending in `/`.
    base: Url,
    /// `host[:port]` for messages.
    host: String,
    token: RwLock<SecretString>,
    retry: RetryPolicy,
    created: CreatedObjects,
    /// Told about every wait of a second or more before a retry (issue 14.6: the admin sees
    /// what is waited for and how long, instead of a silent pause).
    wait_reporter: Option<WaitReporter>,
}

/// A wait before the next try of a Graph call, as the admin is told about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphWait {
    /// The call that waits.
    pub operation: Operation,
    /// Time left until the next try (zero when the wait is over).
    pub left: std::time::Duration,
    /// The first report of this wait (then `left` is the whole wait).
    pub first: bool,
}

impl GraphWait {
    /// One sentence for the admin: what is waited for and how long is left.
    pub fn sentence(&self) -> String {
        crate::i18n::tf(
            "graph.waiting",
            &[
                ("left", &super::error::wait_text(self.left)),
                ("what", self.operation.phrase()),
            ],
        )
    }
}

/// Receives [`GraphWait`]s: once when a wait starts, then every second until it ends.
pub type WaitReporter = Arc<dyn Fn(GraphWait) + Send + Sync>;

impl std::fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphClient")
            .field("base", &self.inner.base.as_str())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// One logical request (retries re-send it unchanged, with the same `client-request-id`).
pub(crate) struct Call {
    pub op: Operation,
    pub method: Method,
    pub url: Url,
    pub body: Option<Vec<u8>>,
    /// A 404 is a normal answer ("there is none"), never a replication symptom.
    pub not_found_is_answer: bool,
    /// `Prefer: create-if-missing` (Graph's upsert by alternate key).
    pub create_if_missing: bool,
}

impl Call {
    /// Whether sending this request twice has the same effect as sending it once. A POST
    /// (create, addPassword, a grant) is not: after a 500/502/504 or a lost connection Graph
    /// may have carried it out, and a blind second try makes a second app or secret. Creation
    /// uses the upsert (a PATCH) instead, which is safe to repeat.
    fn repeatable(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::PATCH
        )
    }
}

/// What one try came to.
enum Outcome {
    Done(Answer),
    Retryable(Trouble, GraphError),
    Failed(GraphError),
}

/// A successful answer. The body is wiped from memory when dropped (it may hold a secret).
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Zeroizing<Vec<u8>>,
}

impl GraphClient {
    /// A client for `endpoints.graph_v1()` that sends `token` as bearer token.
    pub fn new(endpoints: &Endpoints, token: SecretString) -> Self {
        let base = endpoints.graph_v1();
        let host = host_of(&base);
        // Loopback (the demo tenant, tests) always goes direct; everything else through the
        // system's proxy, trusting the system's roots (crate::net).
        let http = crate::net::http_client(crate::net::Timeouts {
            connect: CONNECT_TIMEOUT,
            request: REQUEST_TIMEOUT,
        })
        .expect("the HTTP client (rustls) can always be built");
        Self {
            inner: Arc::new(Inner {
                http,
                base,
                host,
                token: RwLock::new(token),
                retry: RetryPolicy::default(),
                created: CreatedObjects::default(),
                wait_reporter: None,
            }),
        }
    }

    /// The same client with another retry policy (shares the connection pool and token value;
    /// the list of created objects is copied).
    pub fn with_retry(self, retry: RetryPolicy) -> Self {
        let token = self.read_token().clone();
        Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                base: self.inner.base.clone(),
                host: self.inner.host.clone(),
                token: RwLock::new(token),
                retry,
                created: CreatedObjects::from_snapshot(self.inner.created.snapshot()),
                wait_reporter: self.inner.wait_reporter.clone(),
            }),
        }
    }

    /// The same client, telling `reporter` about each wait before a retry (the CLI prints a
    /// countdown on stderr). Shares the connection pool and token value like [`Self::with_retry`].
    pub fn with_wait_reporter(self, reporter: WaitReporter) -> Self {
        let token = self.read_token().clone();
        Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                base: self.inner.base.clone(),
                host: self.inner.host.clone(),
                token: RwLock::new(token),
                retry: self.inner.retry.clone(),
                created: CreatedObjects::from_snapshot(self.inner.created.snapshot()),
                wait_reporter: Some(reporter),
            }),
        }
    }

    /// Replace the access token (after a refresh); affects all clones.
    pub fn set_token(&self, token: SecretString) {
        *self.inner.token.write().unwrap_or_else(|p| p.into_inner()) = token;
    }

    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The v1.0 root URL requests are sent to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    fn read_token(&self) -> std::sync::RwLockReadGuard<'_, SecretString> {
        self.inner.token.read().unwrap_or_else(|p| p.into_inner())
    }

    // -----------------------------------------------------------------------------------------
    // Building blocks for the operation modules
    // -----------------------------------------------------------------------------------------

    /// `path` (already encoded, relative to the v1.0 root, may carry a query) as a full URL.
    pub(crate) fn url(&self, op: Operation, path: &str) -> Result<Url, GraphError> {
        self.inner.base.join(path).map_err(|e| {
            GraphError::decode(
                op,
                &self.inner.host,
                None,
                format!("invalid request URL: {e}"),
            )
        })
    }

    /// A decoding error for `op` (unexpected shape of a successful answer).
    pub(crate) fn unexpected(&self, op: Operation, what: &str) -> GraphError {
        GraphError::decode(op, &self.inner.host, None, what.to_string())
    }

    /// Remember ids of an object exowiz just created (for the replication retry).
    pub(crate) fn remember_created(&self, ids: &[&str]) {
        let now = Instant::now();
        for id in ids {
            self.inner
                .created
                .remember(id, now, self.inner.retry.replication_window);
        }
    }

    /// Remember ids of an object an earlier (interrupted) exowiz run created `ago`: Graph may
    /// still be replicating it, for what is left of the replication window.
    pub(crate) fn remember_created_ago(&self, ids: &[&str], ago: std::time::Duration) {
        let Some(at) = Instant::now().checked_sub(ago) else {
            return;
        };
        for id in ids {
            self.inner
                .created
                .remember(id, at, self.inner.retry.replication_window);
        }
    }

    pub(crate) fn json_body<B: Serialize>(
        &self,
        op: Operation,
        body: &B,
    ) -> Result<Vec<u8>, GraphError> {
        serde_json::to_vec(body).map_err(|e| {
            GraphError::decode(
                op,
                &self.inner.host,
                None,
                format!("could not encode the request: {e}"),
            )
        })
    }

    /// Decode a successful answer into `T`.
    pub(crate) fn decode<T: DeserializeOwned>(
        &self,
        op: Operation,
        answer: &Answer,
    ) -> Result<T, GraphError> {
        serde_json::from_slice(&answer.body).map_err(|e| {
            GraphError::decode(
                op,
                &self.inner.host,
                Some(answer.status.as_u16()),
                redact_serde_error(&e),
            )
        })
    }

    pub(crate) async fn get<T: DeserializeOwned>(
        &self,
        op: Operation,
        path: &str,
    ) -> Result<T, GraphError> {
        let url = self.url(op, path)?;
        let answer = self
            .execute(Call {
                op,
                method: Method::GET,
                url,
                body: None,
                not_found_is_answer: false,
                create_if_missing: false,
            })
            .await?;
        self.decode(op, &answer)
    }

    /// GET where 404 means "there is none".
    pub(crate) async fn get_optional<T: DeserializeOwned>(
        &self,
        op: Operation,
        path: &str,
    ) -> Result<Option<T>, GraphError> {
        let url = self.url(op, path)?;
        match self
            .execute(Call {
                op,
                method: Method::GET,
                url,
                body: None,
                not_found_is_answer: true,
                create_if_missing: false,
            })
            .await
        {
            Ok(answer) => self.decode(op, &answer).map(Some),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub(crate) async fn send_json<B: Serialize>(
        &self,
        op: Operation,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<Answer, GraphError> {
        let url = self.url(op, path)?;
        let body = self.json_body(op, body)?;
        self.execute(Call {
            op,
            method,
            url,
            body: Some(body),
            not_found_is_answer: false,
            create_if_missing: false,
        })
        .await
    }

    /// `PATCH path` with `Prefer: create-if-missing`: Graph's upsert by alternate key
    /// (201 + the new object, or 204 after updating the existing one). Safe to repeat.
    pub(crate) async fn upsert_json<B: Serialize>(
        &self,
        op: Operation,
        path: &str,
        body: &B,
    ) -> Result<Answer, GraphError> {
        let url = self.url(op, path)?;
        let body = self.json_body(op, body)?;
        self.execute(Call {
            op,
            method: Method::PATCH,
            url,
            body: Some(body),
            not_found_is_answer: false,
            create_if_missing: true,
        })
        .await
    }

    pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        op: Operation,
        path: &str,
        body: &B,
    ) -> Result<T, GraphError> {
        let answer = self.send_json(op, Method::POST, path, body).await?;
        self.decode(op, &answer)
    }

    pub(crate) async fn delete(&self, op: Operation, path: &str) -> Result<(), GraphError> {
        let url = self.url(op, path)?;
        self.execute(Call {
            op,
            method: Method::DELETE,
            url,
            body: None,
            not_found_is_answer: false,
            create_if_missing: false,
        })
        .await?;
        Ok(())
    }

    /// GET a collection and follow `@odata.nextLink` until the last page.
    pub(crate) async fn list<T: DeserializeOwned>(
        &self,
        op: Operation,
        path: &str,
    ) -> Result<Vec<T>, GraphError> {
        let mut url = self.url(op, path)?;
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        loop {
            if !seen.insert(url.to_string()) {
                return Err(GraphError::decode(
                    op,
                    &self.inner.host,
                    None,
                    "Graph returned the same nextLink twice".into(),
                ));
            }
            let answer = self
                .execute(Call {
                    op,
                    method: Method::GET,
                    url: url.clone(),
                    body: None,
                    not_found_is_answer: false,
                    create_if_missing: false,
                })
                .await?;
            let page: Page<T> = self.decode(op, &answer)?;
            items.extend(page.value);
            match page.next_link {
                Some(link) => url = self.next_link(op, &link)?,
                None => return Ok(items),
            }
        }
    }

    /// Resolve a nextLink; it must point at the same Graph origin, or the token would leak.
    fn next_link(&self, op: Operation, link: &str) -> Result<Url, GraphError> {
        let url = self.inner.base.join(link).map_err(|e| {
            GraphError::decode(
                op,
                &self.inner.host,
                None,
                format!("unreadable nextLink: {e}"),
            )
        })?;
        if url.origin() != self.inner.base.origin() {
            return Err(GraphError::decode(
                op,
                &self.inner.host,
                None,
                format!(
                    "nextLink points to another host ({}); not followed",
                    host_of(&url)
                ),
            ));
        }
        Ok(url)
    }

    // -----------------------------------------------------------------------------------------
    // The retry loop
    // -----------------------------------------------------------------------------------------

    /// Send `call`, retrying according to the policy; `Ok` only for 2xx.
    pub(crate) async fn execute(&self, call: Call) -> Result<Answer, GraphError> {
        let client_request_id = Uuid::new_v4().to_string();
        let mut attempts = Attempts::default();
        loop {
            let attempt = attempts.total_retries() + 1;
            let (trouble, err) = match self.send_once(&call, &client_request_id, attempt).await {
                Outcome::Done(answer) => return Ok(answer),
                Outcome::Failed(err) => return Err(err),
                Outcome::Retryable(trouble, err) => (trouble, err),
            };
            match self
                .inner
                .retry
                .next_delay(&mut attempts, &trouble, rand::random())
            {
                Some(delay) => {
                    tracing::warn!(
                        operation = call.op.description(),
                        method = %call.method,
                        path = call.url.path(),
                        attempt,
                        status = err.status(),
                        code = err.code(),
                        delay_ms = delay.as_millis() as u64,
                        "Graph call failed; retrying"
                    );
                    self.wait_before_retry(call.op, delay).await;
                }
                None => {
                    tracing::warn!(
                        operation = call.op.description(),
                        attempts = attempt,
                        detail = %err.detail(),
                        "Graph call failed; giving up"
                    );
                    return Err(match self.inner.retry.refuses_wait(&trouble) {
                        Some(wait) => err.with_refused_wait(wait),
                        None => err,
                    });
                }
            }
        }
    }

    /// Sleeps `delay`; a wait of a second or more is reported when it starts and each second.
    async fn wait_before_retry(&self, op: Operation, delay: std::time::Duration) {
        let one_second = std::time::Duration::from_secs(1);
        let Some(report) = self
            .inner
            .wait_reporter
            .as_ref()
            .filter(|_| delay >= one_second)
        else {
            tokio::time::sleep(delay).await;
            return;
        };
        let mut left = delay;
        while !left.is_zero() {
            report(GraphWait {
                operation: op,
                left,
                first: left == delay,
            });
            let step = left.min(one_second);
            tokio::time::sleep(step).await;
            left -= step;
        }
        report(GraphWait {
            operation: op,
            left: std::time::Duration::ZERO,
            first: false,
        });
    }

    /// One try of `call`, classified for the retry loop.
    async fn send_once(&self, call: &Call, client_request_id: &str, attempt: u32) -> Outcome {
        let host = &self.inner.host;
        // Only a request that certainly never reached Graph (connect failure) or one that is
        // safe to repeat is retried after a transport error; a POST that may have been
        // processed could otherwise create a second app or secret.
        let idempotent = call.repeatable();
        let request = match self.build_request(call, client_request_id) {
            Ok(request) => request,
            Err(err) => return Outcome::Failed(err),
        };
        tracing::debug!(
            operation = call.op.description(),
            method = %call.method,
            path = call.url.path(),
            attempt,
            client_request_id,
            "Graph request"
        );
        let network_failure = |e: reqwest::Error, retryable: bool| {
            let trouble = crate::net::diagnose(&e, &call.url);
            // An untrusted certificate or a proxy that wants a sign-in refuses every try alike.
            let retryable = retryable && trouble.as_ref().is_none_or(NetTrouble::worth_retrying);
            let err = GraphError::network(call.op, host, error_chain(&e))
                .with_net_trouble(trouble)
                .with_client_request_id(client_request_id);
            if retryable {
                Outcome::Retryable(Trouble::Network, err)
            } else {
                Outcome::Failed(err)
            }
        };

        let response = match self.inner.http.execute(request).await {
            Ok(response) => response,
            Err(e) => {
                let retryable =
                    e.is_connect() || (idempotent && (e.is_request() || e.is_timeout()));
                return network_failure(e, retryable);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes().await {
            Ok(bytes) => Zeroizing::new(Vec::from(bytes)),
            Err(e) => return network_failure(e, idempotent),
        };
        tracing::debug!(status = status.as_u16(), client_request_id, "Graph answer");
        if status.is_success() {
            return Outcome::Done(Answer { status, body });
        }

        let error_body = ErrorBody::parse(&body);
        let err = GraphError::from_response(
            call.op,
            host,
            status.as_u16(),
            &error_body,
            header(&headers, "request-id"),
            client_request_id,
        );
        let retry_after = || {
            parse_retry_after(
                header(&headers, "retry-after").as_deref(),
                chrono::Utc::now(),
            )
        };
        let trouble = match status.as_u16() {
            429 | 503 => Some(Trouble::Throttled {
                retry_after: retry_after(),
            }),
            // Graph may have carried out the request before the error: only a repeatable one
            // is sent again; for the others the caller reads back what exists.
            500 | 502 | 504 if idempotent => Some(Trouble::Server {
                retry_after: retry_after(),
            }),
            400 | 404
                if !(status == StatusCode::NOT_FOUND && call.not_found_is_answer)
                    && is_replication_error(status.as_u16(), &error_body) =>
            {
                self.replication_trouble(call)
            }
            _ => None,
        };
        match trouble {
            Some(trouble) => Outcome::Retryable(trouble, err),
            None => Outcome::Failed(err),
        }
    }

    /// `Replication` if the URL or body of `call` names an object this client created.
    fn replication_trouble(&self, call: &Call) -> Option<Trouble> {
        let target = format!(
            "{}?{}",
            decoded(call.url.path()),
            decoded(call.url.query().unwrap_or_default())
        );
        let body = call
            .body
            .as_deref()
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        self.inner
            .created
            .newest_mentioned(&[&target, &body])
            .map(|created| Trouble::Replication {
                since_creation: created.elapsed(),
            })
    }

    fn build_request(
        &self,
        call: &Call,
        client_request_id: &str,
    ) -> Result<reqwest::Request, GraphError> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, self.bearer(call.op)?);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(
            "client-request-id",
            HeaderValue::from_str(client_request_id).expect("a UUID is a valid header value"),
        );
        let mut builder = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone())
            .headers(headers);
        if call.create_if_missing {
            builder = builder.header("Prefer", "create-if-missing");
        }
        if let Some(body) = &call.body {
            builder = builder
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        builder
            .build()
            .map_err(|e| GraphError::network(call.op, &self.inner.host, error_chain(&e)))
    }

    /// The `Authorization` header value, marked sensitive (never logged by reqwest/hyper).
    fn bearer(&self, op: Operation) -> Result<HeaderValue, GraphError> {
        let mut text = format!("Bearer {}", self.read_token().expose_secret());
        let value = HeaderValue::from_str(&text);
        text.zeroize();
        let mut value = value.map_err(|_| {
            GraphError::unauthorized(
                op,
                &self.inner.host,
                "the access token contains characters that are not allowed in an HTTP header"
                    .into(),
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_string)
}

fn host_of(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the configured address");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Percent-decoded text (for matching remembered ids in paths and filters).
fn decoded(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi * 16 + lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The error and its sources, e.g. "error sending request for url (…): client error (Connect):
/// tcp connect error: Connection refused (os error 111)".
fn error_chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// serde_json's message without quoted values (they could be parts of a secret); field names
/// (in backticks), line and column stay.
fn redact_serde_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut in_quotes = false;
    for c in text.chars() {
        if c == '"' {
            if in_quotes {
                out.push_str("…\"");
            } else {
                out.push('"');
            }
            in_quotes = !in_quotes;
        } else if !in_quotes {
            out.push(c);
        }
    }
    format!("could not read Graph's answer: {out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_errors_lose_their_quoted_values() {
        let e = serde_json::from_str::<u32>(r#""hunter2""#).unwrap_err();
        let text = redact_serde_error(&e);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("invalid type"));
    }

    #[test]
    fn decoded_targets_keep_ids_readable() {
        assert_eq!(
            decoded("$filter=appId%20eq%20%27ab%27"),
            "$filter=appId eq 'ab'"
        );
        assert_eq!(decoded("/v1.0/users/a%23b"), "/v1.0/users/a#b");
    }
}
