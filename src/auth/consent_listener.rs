//! Learning the admin consent's answer at once: a loopback listener on the admin's machine.
//!
//! [`ConsentListener::start`] opens a listener on 127.0.0.1 (and [::1] when possible) on a free
//! port and builds the consent link with `redirect_uri=http://localhost:{port}` — the app has
//! `http://localhost` registered (see [`super::CONSENT_REDIRECT_URI`]) and Entra ignores the port
//! of localhost redirect URIs — and a random `state`. After the admin's decision Entra sends the
//! browser there with `admin_consent=True&tenant=…&state=…` or `error=…&error_description=…`
//! (Microsoft identity platform, "Admin consent on the Microsoft identity platform").
//! [`ConsentListener::wait`] returns that answer without a single Graph request; a request
//! whose `state` is not ours (another page, a forged link) is answered and ignored. A link
//! opened on another machine never reaches the listener: the caller keeps polling Graph then.

use super::pkce::html_escape;
use std::net::{Ipv6Addr, SocketAddr};
use std::time::Duration;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use oauth2::CsrfToken;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot, watch};
use url::Url;

use super::consent::admin_consent_url;
use super::error::AuthError;
use crate::endpoints::Endpoints;
use crate::i18n::{t, tf};

/// How long the wizard and the CLI keep the listener open: an admin may take a while to find
/// an account that may grant; the polls of Graph go on after it (and alongside).
pub const CONSENT_LISTEN_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// What the admin decided on Entra's consent page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentAnswer {
    /// `admin_consent=True` and no error.
    Granted,
    /// Entra's error, as a sentence (e.g. the admin cancelled, or may not grant).
    Refused(String),
}

/// A consent link whose loopback listener is open.
pub struct ConsentListener {
    consent_url: Url,
    state: String,
    port: u16,
    listeners: Vec<TcpListener>,
}

impl std::fmt::Debug for ConsentListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentListener")
            .field("consent_url", &self.consent_url.as_str())
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl ConsentListener {
    /// Opens the listener and builds the link (v1 admin consent endpoint, all configured
    /// permissions). Nothing is sent to the browser yet.
    pub async fn start(
        endpoints: &Endpoints,
        tenant_id: &str,
        client_id: &str,
    ) -> Result<Self, AuthError> {
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
        let state = CsrfToken::new_random().secret().clone();
        let redirect_uri = format!("{}:{port}", super::CONSENT_REDIRECT_URI);
        let consent_url =
            admin_consent_url(endpoints, tenant_id, client_id, Some(&redirect_uri), &state);
        Ok(Self {
            consent_url,
            state,
            port,
            listeners,
        })
    }

    /// The link to open (and show, so the admin can copy it to another machine).
    pub fn consent_url(&self) -> &Url {
        &self.consent_url
    }

    /// The loopback port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits up to `timeout` for Entra's redirect. `None` when none came (the link may have
    /// been opened elsewhere; poll Graph then). Dropping the future closes the listener.
    pub async fn wait(mut self, timeout: Duration) -> Option<ConsentAnswer> {
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
        let answer = loop {
            tokio::select! {
                _ = &mut deadline => break None,
                cb = rx.recv() => {
                    let Some(cb) = cb else { break None };
                    match judge(&self.state, &cb.params) {
                        Some(answer) => {
                            let _ = cb.reply.send(Page::Answer(answer.clone()));
                            break Some(answer);
                        }
                        None => {
                            let _ = cb.reply.send(Page::NotOurs);
                        }
                    }
                }
            }
        };
        // Let the servers finish writing the page (graceful shutdown), then close them.
        let _ = stop_tx.send(true);
        let _ = tokio::time::timeout(Duration::from_secs(2), async {
            while servers.iter().any(|s| !s.0.is_finished()) {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        drop(servers);
        answer
    }
}

/// The answer a redirect carries, or `None` when it is not the answer to our link (wrong or
/// missing `state`, or neither `admin_consent` nor `error`).
fn judge(state: &str, params: &[(String, String)]) -> Option<ConsentAnswer> {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("state") != Some(state) {
        return None;
    }
    if let Some(error) = get("error").filter(|e| !e.is_empty()) {
        // Entra's description starts with "AADSTSnnnn: sentence"; its trace lines are noise.
        let description = get("error_description")
            .and_then(|d| d.lines().next())
            .unwrap_or("")
            .trim();
        return Some(ConsentAnswer::Refused(tf(
            "auth.consent_refused",
            &[("error", error), ("description", description)],
        )));
    }
    get("admin_consent")
        .filter(|v| v.eq_ignore_ascii_case("true"))
        .map(|_| ConsentAnswer::Granted)
}

struct Callback {
    params: Vec<(String, String)>,
    reply: oneshot::Sender<Page>,
}

enum Page {
    Answer(ConsentAnswer),
    NotOurs,
}

impl IntoResponse for Page {
    fn into_response(self) -> Response {
        let (status, text) = match self {
            Page::Answer(ConsentAnswer::Granted) => {
                (StatusCode::OK, t("auth.consent_page_granted").to_string())
            }
            Page::Answer(ConsentAnswer::Refused(sentence)) => (
                StatusCode::OK,
                tf("auth.consent_page_refused", &[("sentence", &sentence)]),
            ),
            Page::NotOurs => (
                StatusCode::BAD_REQUEST,
                t("auth.consent_page_not_ours").to_string(),
            ),
        };
        let body = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>exowiz</title>\
             <style>body{{font-family:sans-serif;margin:3em;max-width:40em}}</style></head>\
             <body><p>{}</p></body></html>",
            html_escape(&text)
        );
        (
            status,
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response()
    }
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
        return Page::NotOurs.into_response();
    }
    answer.await.unwrap_or(Page::NotOurs).into_response()
}

/// Stops a loopback server when the wait is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever reaches the listener (anyone on the machine can send it anything): no panic,
        /// and only a redirect with our `state` is an answer.
        #[test]
        fn any_query_is_judged_without_panic_and_only_with_our_state(
            query in proptest::collection::vec(any::<u8>(), 0..200),
            ours in "[A-Za-z0-9_-]{1,20}",
            with_ours in any::<bool>(),
        ) {
            let mut params: Vec<(String, String)> = url::form_urlencoded::parse(&query)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if with_ours {
                params.push(("state".into(), ours.clone()));
            }
            let answer = judge(&ours, &params);
            let first_state = params.iter().find(|(k, _)| k == "state").map(|(_, v)| v.clone());
            if answer.is_some() {
                prop_assert_eq!(first_state, Some(ours));
            }
        }

        /// The page that echoes Entra's (attacker-controllable) sentence is inert HTML.
        #[test]
        fn escaped_text_holds_no_markup(text in any::<String>()) {
            let escaped = html_escape(&text);
            prop_assert!(!escaped.contains('<') && !escaped.contains('>') && !escaped.contains('"'));
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_our_state_counts() {
        let ok = pairs(&[("admin_consent", "True"), ("tenant", "t"), ("state", "s1")]);
        assert_eq!(judge("s1", &ok), Some(ConsentAnswer::Granted));
        assert_eq!(judge("other", &ok), None, "wrong state is ignored");
        let no_state = pairs(&[("admin_consent", "True")]);
        assert_eq!(judge("s1", &no_state), None);
        let refused = pairs(&[
            ("error", "access_denied"),
            (
                "error_description",
                "AADSTS65004: User declined to consent.\r\nTrace ID: x",
            ),
            ("state", "s1"),
        ]);
        let Some(ConsentAnswer::Refused(sentence)) = judge("s1", &refused) else {
            panic!("refused");
        };
        assert!(sentence.contains("access_denied"), "{sentence}");
        assert!(sentence.contains("User declined"), "{sentence}");
        assert!(!sentence.contains("Trace ID"), "{sentence}");
    }
}
