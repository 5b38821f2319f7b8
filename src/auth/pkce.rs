//! Authorization code + PKCE with a loopback redirect: the default, MFA-capable sign-in.
//!
//! [`BrowserSignIn::start`] discovers the endpoints, opens a listener on 127.0.0.1 (and [::1]
//! when possible) on a free port and builds the authorize URL with
//! `redirect_uri=http://localhost:{port}` (Entra ignores the port for localhost), a random
//! `state` and an S256 code challenge. The UI shows or opens that URL, then awaits
//! [`PendingBrowserSignIn::wait`], which serves the browser's redirect to `/`, checks `state`,
//! exchanges the code (with the code verifier) and answers the browser with a short page.

use std::net::{Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use oauth2::{CsrfToken, PkceCodeChallenge, PkceCodeVerifier};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use url::Url;

use super::SignInConfig;
use super::discovery::discover;
use super::error::{AuthError, EntraError};
use super::token::Tokens;
use super::transport::{Ctx, host_of, post_form};

/// How long [`sign_in_browser`] waits for the browser.
pub const DEFAULT_BROWSER_TIMEOUT: Duration = Duration::from_secs(5 * 60);

const SIGNED_IN: &str = "Signed in. You can close this tab and return to exowiz.";

/// Starts browser sign-ins.
pub struct BrowserSignIn;

impl BrowserSignIn {
    /// Discovers the endpoints, opens the loopback listener and builds the authorize URL.
    /// Nothing is sent to the browser yet.
    pub async fn start(
        http: &reqwest::Client,
        cfg: &SignInConfig,
    ) -> Result<PendingBrowserSignIn, AuthError> {
        let oidc = discover(http, &cfg.endpoints, &cfg.tenant).await?;

        let v4 = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| AuthError::Listener(e.to_string()))?;
        let port = v4
            .local_addr()
            .map_err(|e| AuthError::Listener(e.to_string()))?
            .port();
        let mut listeners = vec![v4];
        // Browsers may resolve `localhost` to ::1 first; listen there too when the system allows.
        if let Ok(v6) = TcpListener::bind(SocketAddr::from((Ipv6Addr::LOCALHOST, port))).await {
            listeners.push(v6);
        }
        let redirect_uri = format!("http://localhost:{port}");

        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = CsrfToken::new_random();
        let mut authorize_url = oidc.authorization_endpoint.clone();
        authorize_url
            .query_pairs_mut()
            .append_pair("client_id", &cfg.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("response_mode", "query")
            .append_pair("scope", &cfg.scope_param())
            .append_pair("state", state.secret())
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256")
            .append_pair("prompt", "select_account");

        Ok(PendingBrowserSignIn {
            authorize_host: host_of(&oidc.authorization_endpoint),
            authorize_url,
            redirect_uri,
            port,
            listeners,
            state,
            verifier,
            token_endpoint: oidc.token_endpoint,
            http: http.clone(),
            client_id: cfg.client_id.clone(),
            tenant: cfg.tenant.clone(),
            scopes: cfg.scopes.clone(),
        })
    }
}

/// A browser sign-in whose authorize URL is ready and whose listener is open.
pub struct PendingBrowserSignIn {
    authorize_url: Url,
    authorize_host: String,
    redirect_uri: String,
    port: u16,
    listeners: Vec<TcpListener>,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    token_endpoint: Url,
    http: reqwest::Client,
    client_id: String,
    tenant: String,
    scopes: Vec<String>,
}

impl std::fmt::Debug for PendingBrowserSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingBrowserSignIn")
            .field("redirect_uri", &self.redirect_uri)
            .field("token_endpoint", &self.token_endpoint.as_str())
            .field("client_id", &self.client_id)
            .field("tenant", &self.tenant)
            .field("code_verifier", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// One request that reached the loopback listener, and the way to answer it.
struct Callback {
    params: Vec<(String, String)>,
    reply: oneshot::Sender<Page>,
}

enum Page {
    SignedIn,
    Failed(String),
    Waiting,
    /// A redirect with someone else's `state`: ignored, the wait goes on.
    Ignored,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let (status, title, text, close) = match self {
            Page::SignedIn => (StatusCode::OK, "Signed in", SIGNED_IN.to_string(), true),
            Page::Failed(sentence) => (
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                format!("Sign-in failed. {sentence} You can close this tab and return to exowiz."),
                true,
            ),
            Page::Ignored => (
                StatusCode::BAD_REQUEST,
                "exowiz sign-in",
                crate::i18n::t("auth.state_ignored").to_string(),
                false,
            ),
            Page::Waiting => (
                StatusCode::BAD_REQUEST,
                "exowiz sign-in",
                "This page belongs to exowiz's sign-in and waits for Microsoft's answer. Finish the \
                 sign-in in the Microsoft window."
                    .to_string(),
                false,
            ),
        };
        let body = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title} – exowiz</title>\
             <style>body{{font-family:sans-serif;margin:3em;max-width:40em}}</style></head>\
             <body><h1>{title}</h1><p>{}</p></body></html>",
            html_escape(&text)
        );
        let mut resp = (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response();
        if close {
            resp.headers_mut()
                .insert(header::CONNECTION, "close".parse().expect("static header"));
        }
        resp
    }
}

/// Text for an HTML page (the sign-in and consent listeners' answers).
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

async fn on_redirect(
    State(tx): State<mpsc::Sender<Callback>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let (reply, answer) = oneshot::channel();
    if tx.send(Callback { params, reply }).await.is_err() {
        return Page::Failed("exowiz is no longer waiting for this sign-in.".into())
            .into_response();
    }
    match answer.await {
        Ok(page) => page.into_response(),
        Err(_) => Page::Failed("exowiz stopped waiting for this sign-in.".into()).into_response(),
    }
}

/// Stops the loopback server when the sign-in future is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

enum Step {
    KeepWaiting(Page),
    Finish(Result<Tokens, AuthError>),
}

impl PendingBrowserSignIn {
    /// The URL to open in the browser (show it too, so the admin can copy it).
    pub fn authorize_url(&self) -> &Url {
        &self.authorize_url
    }

    /// `http://localhost:{port}`.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The loopback port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits up to `timeout` for the browser's redirect, then exchanges the code. Dropping the
    /// future closes the listener.
    pub async fn wait(mut self, timeout: Duration) -> Result<Tokens, AuthError> {
        let (tx, mut rx) = mpsc::channel::<Callback>(8);
        let (stop_tx, stop_rx) = watch::channel(false);
        let app = Router::new().route("/", get(on_redirect)).with_state(tx);
        let servers: Vec<AbortOnDrop> = std::mem::take(&mut self.listeners)
            .into_iter()
            .map(|listener| {
                let mut stop = stop_rx.clone();
                let serve = axum::serve(listener, app.clone()).with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|s| *s).await;
                });
                AbortOnDrop(tokio::spawn(async move {
                    let _ = serve.await;
                }))
            })
            .collect();
        drop(app);

        let deadline = tokio::time::sleep(timeout);
        tokio::pin!(deadline);
        let (outcome, reply) = loop {
            tokio::select! {
                _ = &mut deadline => break (Err(AuthError::BrowserTimeout { waited: timeout }), None),
                cb = rx.recv() => {
                    let Some(cb) = cb else {
                        break (Err(AuthError::Listener("the local listener stopped".into())), None);
                    };
                    match self.handle(&cb.params).await {
                        Step::KeepWaiting(page) => {
                            let _ = cb.reply.send(page);
                        }
                        Step::Finish(result) => break (result, Some(cb.reply)),
                    }
                }
            }
        };

        if let Some(reply) = reply {
            let page = match &outcome {
                Ok(_) => Page::SignedIn,
                Err(e) => Page::Failed(e.to_string()),
            };
            let _ = reply.send(page);
        }
        // Let the servers finish writing the page (graceful shutdown), then close them.
        let _ = stop_tx.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while servers.iter().any(|s| !s.0.is_finished()) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        drop(servers);
        outcome
    }

    async fn handle(&self, params: &[(String, String)]) -> Step {
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let code = get("code").filter(|c| !c.is_empty());
        let error = get("error").filter(|e| !e.is_empty());
        if code.is_none() && error.is_none() {
            return Step::KeepWaiting(Page::Waiting);
        }
        // Any local process can call the listener (issue 14.9): only the redirect carrying the
        // `state` exowiz sent may end the wait, with a code or with an error. Anything else is
        // answered and ignored, so a stray or hostile request cannot abort the admin's sign-in.
        if get("state") != Some(self.state.secret().as_str()) {
            tracing::warn!("browser sign-in: answer with a wrong state ignored");
            return Step::KeepWaiting(Page::Ignored);
        }
        if error.is_some() {
            let e = EntraError::from_redirect(&self.authorize_host, params)
                .scrub(&code.into_iter().collect::<Vec<_>>())
                .with_context(Some(&self.client_id), Some(&self.tenant));
            return Step::Finish(Err(AuthError::from_entra(e)));
        }
        let code = code.unwrap_or_default();
        Step::Finish(self.exchange(code).await)
    }

    async fn exchange(&self, code: &str) -> Result<Tokens, AuthError> {
        let verifier = self.verifier.secret().as_str();
        let scope = self.scopes.join(" ");
        let map = post_form(
            &self.http,
            &self.token_endpoint,
            &[
                ("client_id", self.client_id.as_str()),
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", self.redirect_uri.as_str()),
                ("code_verifier", verifier),
                ("scope", scope.as_str()),
            ],
            &[code, verifier],
            Ctx {
                client_id: Some(&self.client_id),
                tenant: Some(&self.tenant),
            },
        )
        .await?;
        Tokens::from_token_response(map, &self.scopes, &host_of(&self.token_endpoint))
    }
}

/// One-shot browser sign-in: start, hand the authorize URL to `open` (e.g. a closure around
/// `webbrowser::open`), wait up to `timeout` (see [`DEFAULT_BROWSER_TIMEOUT`]).
pub async fn sign_in_browser(
    http: &reqwest::Client,
    cfg: &SignInConfig,
    open: impl FnOnce(&Url) -> Result<(), String>,
    timeout: Duration,
) -> Result<Tokens, AuthError> {
    let pending = BrowserSignIn::start(http, cfg).await?;
    open(pending.authorize_url()).map_err(AuthError::BrowserOpen)?;
    pending.wait(timeout).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_html() {
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
