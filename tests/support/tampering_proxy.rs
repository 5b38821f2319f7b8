//! A loopback proxy in front of the demo tenant that passes every request through and changes
//! one thing in the demo tenant's answer. It is the only stand-in left of the sign-in tests
//! (issue 15.5): every answer is the demo tenant's own, so nothing of exowiz's choices is baked
//! in; the proxy only adds what the demo tenant, answering as Microsoft documents, cannot be
//! made to say. Each [`Tamper`] says why.
//!
//! The discovery document's URLs are rewritten to the proxy's, so the client keeps signing in
//! through it; Graph stays the demo tenant's own address (scopes name it as their resource).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use demo_tenant::Emulator;
use exowiz::endpoints::Endpoints;
use serde_json::Value;

/// The one change the proxy makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tamper {
    /// The token endpoint's error descriptions quote the secrets of the request (code, code
    /// verifier, device code, refresh token, client secret). Entra does not do that, and the
    /// demo tenant answers as Entra does; the proxy stands for a server (or a logging proxy)
    /// that does, to prove the client scrubs what it sent out of every error text.
    EchoSecretsInErrors,
    /// The discovery document has no `device_authorization_endpoint`. Entra always publishes
    /// one (so does the demo tenant), but RFC 8628 §4 makes the field optional, and the client
    /// must then say to use the browser sign-in.
    NoDeviceEndpoint,
    /// The device-code answer announces a longer `expires_in` than the demo tenant keeps the
    /// code: the client's view of the lifetime lags the server's (clock skew, a slow network).
    /// The demo tenant itself announces its true lifetime, so the client would always give up
    /// locally first and the server's own `expired_token` answer would never be reached.
    AnnounceExpiresIn(u64),
    /// Refresh answers come without a new `refresh_token`. RFC 6749 §6 leaves that to the server
    /// ("The authorization server MAY issue a new refresh token"), and Microsoft lists the
    /// field as present only with `offline_access`
    /// (<https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow#refresh-the-access-token>);
    /// the demo tenant, like Entra in practice, always renews it, so the client's fallback (keep
    /// the old one) needs the proxy.
    NoRefreshTokenOnRefresh,
}

/// What the proxy saw of one request: its path and (for form posts) its form.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path_and_query: String,
    pub form: HashMap<String, String>,
}

struct ProxyState {
    upstream: String,
    own: String,
    tamper: Tamper,
    http: reqwest::Client,
    seen: Mutex<Vec<Seen>>,
}

pub struct TamperingProxy {
    pub base: String,
    pub endpoints: Endpoints,
    state: Arc<ProxyState>,
}

impl TamperingProxy {
    pub async fn start(emu: &Emulator, tamper: Tamper) -> TamperingProxy {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap();
        let base = format!(
            "http://127.0.0.1:{}/",
            listener.local_addr().unwrap().port()
        );
        let state = Arc::new(ProxyState {
            upstream: emu.base_url().to_string(),
            own: base.clone(),
            tamper,
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(forward).with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        TamperingProxy {
            endpoints: Endpoints::custom(&base, emu.base_url().as_str()).unwrap(),
            base,
            state,
        }
    }

    /// The requests that went through, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().unwrap().clone()
    }
}

async fn forward(
    State(st): State<Arc<ProxyState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = uri
        .path_and_query()
        .map(|p| p.as_str().trim_start_matches('/').to_string())
        .unwrap_or_default();
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let seen = Seen {
        method: method.to_string(),
        path_and_query: format!("/{path_and_query}"),
        form,
    };
    st.seen.lock().unwrap().push(seen.clone());

    let mut request = st
        .http
        .request(method, format!("{}{path_and_query}", st.upstream))
        .body(body.to_vec());
    for name in [header::CONTENT_TYPE, header::AUTHORIZATION] {
        if let Some(v) = headers.get(&name) {
            request = request.header(name, v);
        }
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let location = answer.headers().get(header::LOCATION).cloned();
    let mut text = answer.text().await.unwrap();
    if seen
        .path_and_query
        .contains("/.well-known/openid-configuration")
    {
        text = text.replace(&st.upstream, &st.own);
    }
    let text = match serde_json::from_str::<Value>(&text) {
        Ok(mut json) => {
            tamper(st.tamper, &seen, &mut json);
            json.to_string()
        }
        Err(_) => text,
    };
    let mut response = (StatusCode::from_u16(status.as_u16()).unwrap(), text).into_response();
    if let Some(ct) = content_type {
        response.headers_mut().insert(header::CONTENT_TYPE, ct);
    }
    if let Some(l) = location {
        response.headers_mut().insert(header::LOCATION, l);
    }
    response
}

fn tamper(tamper: Tamper, seen: &Seen, json: &mut Value) {
    let path = seen.path_and_query.as_str();
    match tamper {
        Tamper::EchoSecretsInErrors if path.ends_with("/oauth2/v2.0/token") => {
            let Some(description) = json.get("error_description").and_then(Value::as_str) else {
                return;
            };
            let secrets: Vec<&str> = [
                "code",
                "code_verifier",
                "device_code",
                "refresh_token",
                "client_secret",
            ]
            .iter()
            .filter_map(|k| seen.form.get(*k).map(String::as_str))
            .collect();
            let echoed = format!("{description} Values received: {}.", secrets.join(", "));
            json["error_description"] = Value::String(echoed);
        }
        Tamper::NoDeviceEndpoint if path.ends_with("/.well-known/openid-configuration") => {
            if let Some(doc) = json.as_object_mut() {
                doc.remove("device_authorization_endpoint");
            }
        }
        Tamper::AnnounceExpiresIn(secs)
            if path.ends_with("/oauth2/v2.0/devicecode") && json.get("expires_in").is_some() =>
        {
            json["expires_in"] = Value::from(secs);
        }
        Tamper::NoRefreshTokenOnRefresh
            if path.ends_with("/oauth2/v2.0/token")
                && seen.form.get("grant_type").map(String::as_str) == Some("refresh_token") =>
        {
            if let Some(answer) = json.as_object_mut() {
                answer.remove("refresh_token");
            }
        }
        _ => {}
    }
}
