//! Device authorization grant (RFC 8628): the admin enters a short code at
//! `verification_uri` on any device while exowiz polls the token endpoint.
//!
//! Poll timing: `interval` is the wait *between* polls — RFC 8628 §3.2 ("the minimum amount of
//! time in seconds that the client SHOULD wait between polling requests"), §3.5 (after
//! `authorization_pending`, "before each new request" wait the interval; `slow_down` adds
//! 5 s for this and all later requests), and Microsoft's device-code page
//! (<https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-device-code>:
//! `interval` is the number of seconds the client should wait between polling requests). The
//! first poll therefore goes out at once.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::SignInConfig;
use super::discovery::discover;
use super::error::AuthError;
use super::token::Tokens;
use super::transport::{Ctx, host_of, post_form, seconds_field, take_string};
use crate::net::NetTrouble;

/// Polling interval when the server names none (RFC 8628 §3.2).
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// Added to the interval on `slow_down` (RFC 8628 §3.5).
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Consecutive network failures or temporary server errors tolerated while polling.
const MAX_TRANSIENT_FAILURES: u32 = 3;

const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Starts device-code sign-ins.
pub struct DeviceCodeFlow;

impl DeviceCodeFlow {
    /// Asks the device authorization endpoint (from discovery) for a code.
    pub async fn start(
        http: &reqwest::Client,
        cfg: &SignInConfig,
    ) -> Result<DeviceCodeSession, AuthError> {
        let oidc = discover(http, &cfg.endpoints, &cfg.tenant).await?;
        let device_endpoint =
            oidc.device_authorization_endpoint
                .ok_or_else(|| AuthError::DeviceCodeUnsupported {
                    host: host_of(&oidc.authorization_endpoint),
                })?;
        let scope = cfg.scope_param();
        let host = host_of(&device_endpoint);
        let mut map = post_form(
            http,
            &device_endpoint,
            &[("client_id", cfg.client_id.as_str()), ("scope", &scope)],
            &[],
            Ctx {
                client_id: Some(&cfg.client_id),
                tenant: Some(&cfg.tenant),
            },
        )
        .await?;
        let missing = |field: &str| AuthError::BadResponse {
            host: host.clone(),
            status: 200,
            what: format!("the device-code answer has no {field}"),
        };
        let expires_in = seconds_field(&map, "expires_in").unwrap_or(900);
        let interval = seconds_field(&map, "interval")
            .filter(|s| *s > 0)
            .map(Duration::from_secs)
            .unwrap_or(DEFAULT_INTERVAL);
        let device_code = take_string(&mut map, "device_code")
            .map(SecretString::from)
            .ok_or_else(|| missing("device_code"))?;
        let user_code = take_string(&mut map, "user_code").ok_or_else(|| missing("user_code"))?;
        let verification_uri = take_string(&mut map, "verification_uri")
            .or_else(|| take_string(&mut map, "verification_url"))
            .ok_or_else(|| missing("verification_uri"))?;
        let verification_uri =
            Url::parse(&verification_uri).map_err(|_| missing("valid verification_uri"))?;
        let message = take_string(&mut map, "message").unwrap_or_else(|| {
            format!(
                "To sign in, open {verification_uri} in a web browser and enter the code {user_code}."
            )
        });
        Ok(DeviceCodeSession {
            user_code,
            verification_uri,
            expires_at: Utc::now() + chrono::Duration::seconds(expires_in as i64),
            interval: Mutex::new(interval),
            polled: std::sync::atomic::AtomicBool::new(false),
            message,
            slow_down_step: SLOW_DOWN_STEP,
            device_code,
            token_endpoint: oidc.token_endpoint,
            http: http.clone(),
            client_id: cfg.client_id.clone(),
            tenant: cfg.tenant.clone(),
            scopes: cfg.scopes.clone(),
        })
    }
}

/// A device code waiting to be entered. Show [`user_code`](Self::user_code) and
/// [`verification_uri`](Self::verification_uri) (or [`message`](Self::message)), then await
/// [`poll`](Self::poll).
pub struct DeviceCodeSession {
    user_code: String,
    verification_uri: Url,
    expires_at: DateTime<Utc>,
    /// The current wait between polls. Behind a lock because `slow_down` lengthens it for all
    /// later requests (RFC 8628 §3.5), even across `poll` calls, and callers may read it meanwhile.
    interval: Mutex<Duration>,
    /// A token request was sent already. Only later ones wait `interval` first: RFC 8628 §3.5
    /// asks for the wait "before each new request" after `authorization_pending`, and a
    /// sign-in approved quickly (or by itself, as in the demo) is then picked up at once
    /// rather than one whole interval later (issue 13).
    polled: std::sync::atomic::AtomicBool,
    message: String,
    slow_down_step: Duration,
    device_code: SecretString,
    token_endpoint: Url,
    http: reqwest::Client,
    client_id: String,
    tenant: String,
    scopes: Vec<String>,
}

impl std::fmt::Debug for DeviceCodeSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceCodeSession")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri.as_str())
            .field("expires_at", &self.expires_at)
            .field("interval", &self.interval())
            .field("device_code", &"[redacted]")
            .field("token_endpoint", &self.token_endpoint.as_str())
            .field("client_id", &self.client_id)
            .finish()
    }
}

impl DeviceCodeSession {
    /// The code the admin types in, e.g. `FQK5HW3UF`.
    pub fn user_code(&self) -> &str {
        &self.user_code
    }

    /// Where to type it, e.g. `https://microsoft.com/devicelogin`.
    pub fn verification_uri(&self) -> &Url {
        &self.verification_uri
    }

    /// When the code stops working.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// The current wait between polls: the server's `interval`, plus the slow-down step for
    /// every `slow_down` answer so far.
    pub fn interval(&self) -> Duration {
        *self.interval.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn lengthen_interval(&self) -> Duration {
        let mut interval = self.interval.lock().unwrap_or_else(|e| e.into_inner());
        *interval += self.slow_down_step;
        *interval
    }

    /// The server's ready-made instruction (in the server's language).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Overrides the poll timing. Meant for tests and the local demo tenant; against Entra keep
    /// the server's interval and the RFC's 5-second slow-down step.
    pub fn with_poll_timing(mut self, interval: Duration, slow_down_step: Duration) -> Self {
        self.interval = Mutex::new(interval);
        self.slow_down_step = slow_down_step;
        self
    }

    /// Polls the token endpoint until the admin finishes, declines, or the code expires.
    /// The first request goes out at once; each later one waits `interval` first (RFC 8628
    /// §3.5); `slow_down` lengthens it. Dropping the future
    /// stops polling.
    pub async fn poll(&self) -> Result<Tokens, AuthError> {
        let host = host_of(&self.token_endpoint);
        let mut transient_failures = 0;
        loop {
            let interval = self.interval();
            let left = (self.expires_at - Utc::now()).to_std().unwrap_or_default();
            if left < interval {
                tokio::time::sleep(left).await;
                return Err(AuthError::DeviceCodeExpired);
            }
            if self.polled.swap(true, std::sync::atomic::Ordering::Relaxed) {
                tokio::time::sleep(interval).await;
            }
            let device_code = self.device_code.expose_secret();
            let result = post_form(
                &self.http,
                &self.token_endpoint,
                &[
                    ("grant_type", DEVICE_CODE_GRANT),
                    ("client_id", self.client_id.as_str()),
                    ("device_code", device_code),
                ],
                &[device_code],
                Ctx {
                    client_id: Some(&self.client_id),
                    tenant: Some(&self.tenant),
                },
            )
            .await;
            match result {
                Ok(map) => return Tokens::from_token_response(map, &self.scopes, &host),
                Err(AuthError::Entra(e)) => match e.error.as_str() {
                    "authorization_pending" => transient_failures = 0,
                    "slow_down" => {
                        transient_failures = 0;
                        let interval = self.lengthen_interval();
                        tracing::debug!(?interval, "device code: slow_down");
                    }
                    "authorization_declined" => return Err(AuthError::DeviceCodeDeclined),
                    "expired_token" | "code_expired" => return Err(AuthError::DeviceCodeExpired),
                    "bad_verification_code" => return Err(AuthError::DeviceCodeInvalid),
                    "temporarily_unavailable" | "server_error"
                        if transient_failures + 1 < MAX_TRANSIENT_FAILURES =>
                    {
                        transient_failures += 1;
                    }
                    _ => return Err(AuthError::Entra(e)),
                },
                // An untrusted certificate or a proxy's 407 stays so: no polling on.
                Err(e @ AuthError::Network { .. })
                | Err(
                    e @ AuthError::BadResponse {
                        status: 500..=599, ..
                    },
                ) if e.net_trouble().is_none_or(NetTrouble::worth_retrying) => {
                    transient_failures += 1;
                    if transient_failures >= MAX_TRANSIENT_FAILURES {
                        return Err(e);
                    }
                    tracing::debug!(error = %e, "device code: transient failure, polling on");
                }
                Err(e) => return Err(e),
            }
        }
    }
}
