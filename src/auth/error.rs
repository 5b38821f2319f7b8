//! Sign-in errors as plain sentences for an IT admin.
//!
//! `Display` never contains a token, authorization code, code verifier, device code or secret:
//! the request layer scrubs every secret value it sent from what Entra echoes back, and the
//! sentences themselves are built only from codes, host names and IDs. `detail()` adds the
//! technical part (HTTP status, AADSTS code, trace and correlation IDs) for logs.

use std::time::Duration;

use serde::Deserialize;

use crate::i18n::{self, Language, t, tf};
use crate::net::NetTrouble;

/// Everything that can go wrong while signing in or checking a credential.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// A domain or tenant typed by the admin is not usable.
    #[error("{0}")]
    InvalidTenantInput(String),

    /// No tenant with this domain or ID exists (AADSTS90002, `invalid_tenant`).
    #[error("{}", unknown_tenant_sentence(tenant))]
    UnknownTenant {
        tenant: String,
        trace_id: Option<String>,
    },

    /// The sign-in service could not be reached (DNS, TCP, TLS, proxy, timeout).
    #[error("{}", network_sentence(host, *timed_out, trouble.as_ref()))]
    Network {
        host: String,
        timed_out: bool,
        /// The transport error's text, for `detail()`.
        cause: String,
        /// An untrusted certificate or proxy trouble, when that was the cause: its sentence
        /// replaces the general one.
        trouble: Option<NetTrouble>,
    },

    /// The service answered, but not in a form exowiz understands (not JSON, a field missing,
    /// an HTTP error without Entra's error body).
    #[error("{}", bad_response_sentence(host, *status, what))]
    BadResponse {
        host: String,
        status: u16,
        what: String,
    },

    /// Entra refused the request with its error JSON (token endpoint, device-code endpoint,
    /// discovery) or with an error on the browser redirect.
    #[error("{}", entra_sentence(.0))]
    Entra(Box<EntraError>),

    /// No answer from the browser within the allowed time.
    #[error("{}", tf("auth.browser_timeout", &[("waited", &human_duration(*waited))]))]
    BrowserTimeout { waited: Duration },

    /// The callback that opens the browser failed.
    #[error("{}", tf("auth.browser_open", &[("error", .0)]))]
    BrowserOpen(String),

    /// The local port for the browser's answer could not be opened.
    #[error("{}", tf("auth.listener", &[("error", .0)]))]
    Listener(String),

    /// Device code: the user pressed "No"/"Cancel".
    #[error("{}", t("auth.device_code_declined"))]
    DeviceCodeDeclined,

    /// Device code: the code ran out before the sign-in finished.
    #[error("{}", t("auth.device_code_expired"))]
    DeviceCodeExpired,

    /// Device code: Entra did not recognise the device code.
    #[error("{}", t("auth.device_code_invalid"))]
    DeviceCodeInvalid,

    /// The discovery document has no device authorization endpoint.
    #[error("{}", tf("auth.device_code_unsupported", &[("host", host)]))]
    DeviceCodeUnsupported { host: String },

    /// `refresh` was asked for, but the sign-in gave no refresh token.
    #[error("{}", t("auth.no_refresh_token"))]
    NoRefreshToken,

    /// A token that is not a readable JSON Web Token, or lacks what exowiz needs.
    #[error("{}", tf("auth.malformed_token", &[("reason", .0)]))]
    MalformedToken(String),

    /// A supplied access token is already expired.
    #[error(
        "{}",
        tf(
            "auth.token_expired",
            &[("time", &expired_at.format("%Y-%m-%d %H:%M").to_string())]
        )
    )]
    TokenExpired {
        expired_at: chrono::DateTime<chrono::Utc>,
    },

    /// The HTTP client could not be built (TLS backend).
    #[error("{}", tf("auth.http_setup", &[("error", .0)]))]
    HttpSetup(String),
}

impl AuthError {
    /// The untrusted certificate or proxy trouble behind a network error, if that was it.
    pub fn net_trouble(&self) -> Option<&NetTrouble> {
        match self {
            AuthError::Network { trouble, .. } => trouble.as_ref(),
            _ => None,
        }
    }

    /// The AADSTS code Entra gave, if any.
    pub fn aadsts(&self) -> Option<u32> {
        match self {
            AuthError::Entra(e) => e.aadsts(),
            AuthError::UnknownTenant { .. } => Some(90002),
            _ => None,
        }
    }

    /// The trace ID Entra gave, if any (what Microsoft support asks for).
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            AuthError::Entra(e) => e.trace_id.as_deref(),
            AuthError::UnknownTenant { trace_id, .. } => trace_id.as_deref(),
            _ => None,
        }
    }

    /// The sentence (in English, whatever the screens' language) plus the technical details for a log file: HTTP status, OAuth error,
    /// AADSTS code, Entra's own description, trace and correlation IDs. Still free of secrets.
    pub fn detail(&self) -> String {
        i18n::with_language(Language::English, || self.english_detail())
    }

    fn english_detail(&self) -> String {
        match self {
            AuthError::Entra(e) => format!("{self} [{}]", e.technical()),
            AuthError::UnknownTenant {
                trace_id: Some(t), ..
            } => format!("{self} [AADSTS90002; trace ID {t}]"),
            AuthError::Network { cause, .. } => format!("{self} [{cause}]"),
            AuthError::BadResponse { status, what, .. } => {
                format!("{self} [HTTP {status}: {what}]")
            }
            _ => self.to_string(),
        }
    }

    /// Turns Entra's error into the most specific variant.
    pub(crate) fn from_entra(e: EntraError) -> AuthError {
        if e.aadsts() == Some(90002) || e.error == "invalid_tenant" {
            return AuthError::UnknownTenant {
                tenant: e.tenant.clone().unwrap_or_default(),
                trace_id: e.trace_id.clone(),
            };
        }
        AuthError::Entra(Box::new(e))
    }
}

impl From<EntraError> for AuthError {
    fn from(e: EntraError) -> Self {
        AuthError::from_entra(e)
    }
}

/// Entra's OAuth error answer, e.g.
/// `{"error":"invalid_grant","error_description":"AADSTS50076: ...","error_codes":[50076],
///   "trace_id":"...","correlation_id":"...","timestamp":"..."}`,
/// plus the context exowiz knew when it made the request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntraError {
    /// HTTP status (0 when the error came on the browser redirect).
    pub status: u16,
    /// Host that answered.
    pub host: String,
    /// OAuth error code, e.g. `invalid_grant`.
    pub error: String,
    /// Entra's description (secrets the request carried are removed from it).
    pub description: Option<String>,
    pub error_codes: Vec<u32>,
    pub trace_id: Option<String>,
    pub correlation_id: Option<String>,
    pub timestamp: Option<String>,
    /// Client ID used in the request, if known.
    pub client_id: Option<String>,
    /// Tenant (GUID, domain or `organizations`) used in the request, if known.
    pub tenant: Option<String>,
}

#[derive(Deserialize)]
struct RawEntraError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<u32>,
    #[serde(default)]
    trace_id: Option<String>,
    #[serde(default)]
    correlation_id: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
}

impl EntraError {
    /// Parses Entra's error JSON. `None` when the body is not such an error.
    pub fn parse(status: u16, host: &str, body: &str) -> Option<EntraError> {
        let raw: RawEntraError = serde_json::from_str(body).ok()?;
        if raw.error.is_empty() {
            return None;
        }
        Some(EntraError {
            status,
            host: host.to_string(),
            error: raw.error,
            description: raw.error_description,
            error_codes: raw.error_codes,
            trace_id: raw.trace_id,
            correlation_id: raw.correlation_id,
            timestamp: raw.timestamp,
            client_id: None,
            tenant: None,
        })
    }

    /// Builds the error from the query of a browser redirect (`error`, `error_description`,
    /// optionally `error_codes`, `trace_id`, `correlation_id`, `error_uri`).
    pub fn from_redirect(host: &str, params: &[(String, String)]) -> EntraError {
        let get = |k: &str| {
            params
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let description = get("error_description");
        let error_codes = get("error_codes")
            .map(|s| {
                s.trim_matches(|c| c == '[' || c == ']')
                    .split(',')
                    .filter_map(|p| p.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_default();
        let trace_id = get("trace_id").or_else(|| {
            description
                .as_deref()
                .and_then(|d| labelled_value(d, "Trace ID:"))
        });
        let correlation_id = get("correlation_id").or_else(|| {
            description
                .as_deref()
                .and_then(|d| labelled_value(d, "Correlation ID:"))
        });
        EntraError {
            status: 0,
            host: host.to_string(),
            error: get("error").unwrap_or_else(|| "unknown_error".into()),
            description,
            error_codes,
            trace_id,
            correlation_id,
            timestamp: None,
            client_id: None,
            tenant: None,
        }
    }

    /// Adds what exowiz knew about the request.
    pub fn with_context(mut self, client_id: Option<&str>, tenant: Option<&str>) -> Self {
        self.client_id = client_id.map(str::to_string);
        self.tenant = tenant.map(str::to_string);
        self
    }

    /// Removes each of `secrets` from the description (Entra rarely echoes request values, but
    /// if it ever does, they must not reach a screen or a log).
    pub fn scrub(mut self, secrets: &[&str]) -> Self {
        if let Some(d) = self.description.as_mut() {
            for s in secrets.iter().filter(|s| s.len() >= 4) {
                if d.contains(*s) {
                    *d = d.replace(*s, "[redacted]");
                }
            }
        }
        self
    }

    /// The AADSTS code: first of `error_codes`, else the `AADSTSnnnn` at the start of the
    /// description.
    pub fn aadsts(&self) -> Option<u32> {
        self.error_codes
            .first()
            .copied()
            .or_else(|| self.description.as_deref().and_then(parse_aadsts))
    }

    /// Entra's own first sentence, without the `AADSTSnnnnn:` prefix and the trace lines.
    pub fn message(&self) -> Option<String> {
        let d = self.description.as_deref()?;
        let first = d
            .split(['\r', '\n'])
            .next()
            .unwrap_or(d)
            .split(" Trace ID:")
            .next()
            .unwrap_or(d)
            .trim();
        let first = match first.strip_prefix("AADSTS") {
            Some(rest) => rest
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(':')
                .trim(),
            None => first,
        };
        if first.is_empty() {
            return None;
        }
        let mut s: String = first.chars().take(300).collect();
        if first.chars().count() > 300 {
            s.push('…');
        }
        Some(s)
    }

    fn technical(&self) -> String {
        let mut parts = Vec::new();
        if self.status != 0 {
            parts.push(format!("HTTP {} from {}", self.status, self.host));
        } else {
            parts.push(format!("browser redirect from {}", self.host));
        }
        parts.push(format!("error {}", self.error));
        if let Some(c) = self.aadsts() {
            parts.push(format!("AADSTS{c}"));
        }
        if let Some(d) = &self.description {
            parts.push(format!("description: {}", d.replace(['\r', '\n'], " ")));
        }
        if let Some(t) = &self.trace_id {
            parts.push(format!("trace ID {t}"));
        }
        if let Some(c) = &self.correlation_id {
            parts.push(format!("correlation ID {c}"));
        }
        if let Some(t) = &self.timestamp {
            parts.push(format!("timestamp {t}"));
        }
        parts.join("; ")
    }
}

fn parse_aadsts(text: &str) -> Option<u32> {
    let at = text.find("AADSTS")?;
    let digits: String = text[at + 6..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

fn labelled_value(text: &str, label: &str) -> Option<String> {
    let at = text.find(label)?;
    let v: String = text[at + label.len()..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect();
    (!v.is_empty()).then_some(v)
}

fn looks_like_guid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok()
}

fn unknown_tenant_sentence(tenant: &str) -> String {
    if tenant.is_empty() {
        t("auth.unknown_tenant").to_string()
    } else if looks_like_guid(tenant) {
        tf("auth.unknown_tenant_id", &[("tenant", tenant)])
    } else {
        tf("auth.unknown_tenant_domain", &[("tenant", tenant)])
    }
}

fn network_sentence(host: &str, timed_out: bool, trouble: Option<&NetTrouble>) -> String {
    if let Some(trouble) = trouble {
        trouble.sentence()
    } else if timed_out {
        tf("auth.network_timeout", &[("host", host)])
    } else {
        tf("auth.network", &[("host", host)])
    }
}

fn bad_response_sentence(host: &str, status: u16, what: &str) -> String {
    match status {
        500..=599 => tf(
            "auth.server_problem",
            &[("host", host), ("status", &status.to_string())],
        ),
        404 => tf("auth.not_found", &[("host", host)]),
        _ => tf("auth.bad_response", &[("host", host), ("what", what)]),
    }
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        let m = s / 60;
        let n = m.to_string();
        if m == 1 {
            tf("auth.minute", &[("n", &n)])
        } else {
            tf("auth.minutes", &[("n", &n)])
        }
    } else if s >= 1 {
        let n = s.to_string();
        if s == 1 {
            tf("auth.second", &[("n", &n)])
        } else {
            tf("auth.seconds", &[("n", &n)])
        }
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn client_phrase(e: &EntraError) -> String {
    match &e.client_id {
        Some(id) => tf("auth.app_with_client_id", &[("client_id", id)]),
        None => t("auth.app").to_string(),
    }
}

/// Codes a tenant produces when it keeps its users from Microsoft Graph Command Line Tools:
/// the enterprise app disabled (7000112), assignment required (50105), user consent turned off
/// and no admin consent yet (65001, 90094).
fn tenant_may_block_default_client(code: u32) -> bool {
    matches!(code, 7000112 | 50105 | 65001 | 90094)
}

fn uses_default_client(e: &EntraError) -> bool {
    e.client_id
        .as_deref()
        .is_none_or(|id| id.eq_ignore_ascii_case(super::GRAPH_CLI_CLIENT_ID))
}

/// The catalogue key of the sentence for a known AADSTS code.
fn aadsts_key(code: u32) -> Option<&'static str> {
    Some(match code {
        50076 => "auth.aadsts_50076",
        50079 => "auth.aadsts_50079",
        53003 => "auth.aadsts_53003",
        530003 => "auth.aadsts_530003",
        50105 => "auth.aadsts_50105",
        7000112 => "auth.aadsts_7000112",
        65001 | 90094 | 90008 => "auth.aadsts_65001",
        65004 => "auth.aadsts_65004",
        700016 => "auth.aadsts_700016",
        7000215 => "auth.aadsts_7000215",
        7000222 => "auth.aadsts_7000222",
        7000218 => "auth.aadsts_7000218",
        50011 => "auth.aadsts_50011",
        50126 => "auth.aadsts_50126",
        50053 => "auth.aadsts_50053",
        50055 => "auth.aadsts_50055",
        50057 => "auth.aadsts_50057",
        70000 | 70008 | 54005 => "auth.aadsts_70000",
        700082 => "auth.aadsts_700082",
        50020 | 50034 => "auth.aadsts_50020",
        90072 => "auth.aadsts_90072",
        50058 => "auth.aadsts_50058",
        _ => return None,
    })
}

/// The plain sentence for an Entra error: known AADSTS codes first, then the OAuth error code,
/// then a generic sentence with the AADSTS code and trace ID.
fn entra_sentence(e: &EntraError) -> String {
    let code = e.aadsts();
    let known = match code {
        Some(90002) => Some(unknown_tenant_sentence(e.tenant.as_deref().unwrap_or(""))),
        Some(c) => aadsts_key(c).map(|key| tf(key, &[("app", &client_phrase(e))])),
        None => None,
    };
    if let Some(mut s) = known {
        if code.is_some_and(tenant_may_block_default_client) && uses_default_client(e) {
            s = format!("{s} {}", t("auth.own_client_hint"));
        }
        return match code {
            Some(c) => format!("{s} (AADSTS{c})"),
            None => s,
        };
    }
    let by_error = match e.error.as_str() {
        "access_denied" => Some(t("auth.access_denied").to_string()),
        "consent_required" => Some(t("auth.consent_required").to_string()),
        "interaction_required" | "login_required" => {
            Some(t("auth.interaction_required").to_string())
        }
        "temporarily_unavailable" | "server_error" => {
            Some(tf("auth.temporarily_unavailable", &[("host", &e.host)]))
        }
        "authorization_declined" => Some(AuthError::DeviceCodeDeclined.to_string()),
        "expired_token" => Some(AuthError::DeviceCodeExpired.to_string()),
        "bad_verification_code" => Some(AuthError::DeviceCodeInvalid.to_string()),
        _ => None,
    };
    let mut s = match by_error {
        Some(s) => s,
        None => {
            let code_text = code.map(|c| c.to_string()).unwrap_or_default();
            let args = [
                ("code", code_text.as_str()),
                ("error", e.error.as_str()),
                ("message", ""),
            ];
            let mut s = match (code, e.message()) {
                (Some(_), Some(m)) => tf("auth.refused_code_message", &[args[0], ("message", &m)]),
                (Some(_), None) => tf("auth.refused_code", &args),
                (None, Some(m)) => tf("auth.refused_error_message", &[args[1], ("message", &m)]),
                (None, None) => tf("auth.refused_error", &args),
            };
            if !s.ends_with('.') && !s.ends_with('…') {
                s.push('.');
            }
            s
        }
    };
    if by_error_has_code(code, &s) {
        s.push_str(&format!(" (AADSTS{})", code.unwrap_or_default()));
    }
    if let Some(trace_id) = &e.trace_id {
        s.push(' ');
        s.push_str(&tf("auth.trace_id", &[("trace_id", trace_id)]));
    }
    s
}

fn by_error_has_code(code: Option<u32>, s: &str) -> bool {
    code.is_some() && !s.contains("AADSTS")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entra_json() {
        let body = r#"{"error":"invalid_grant","error_description":"AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.\r\nTrace ID: 0000aaaa-11bb-cccc-dd22-eeeeee333333\r\nCorrelation ID: x\r\nTimestamp: 2024","error_codes":[50076],"timestamp":"2024-01-01 00:00:00Z","trace_id":"0000aaaa-11bb-cccc-dd22-eeeeee333333","correlation_id":"aaaa0000-bb11-2222-33cc-444444dddddd"}"#;
        let e = EntraError::parse(400, "login.example", body).unwrap();
        assert_eq!(e.aadsts(), Some(50076));
        assert_eq!(
            e.message().unwrap(),
            "Due to a configuration change made by your administrator, you must use multi-factor authentication."
        );
        let err = AuthError::from(e);
        assert!(err.to_string().contains("multi-factor"));
        assert!(
            err.detail()
                .contains("0000aaaa-11bb-cccc-dd22-eeeeee333333")
        );
        assert!(
            err.detail()
                .contains("aaaa0000-bb11-2222-33cc-444444dddddd")
        );
    }

    #[test]
    fn code_from_description_only() {
        let e = EntraError {
            error: "invalid_request".into(),
            description: Some(
                "AADSTS53003: Access has been blocked by Conditional Access policies.".into(),
            ),
            ..Default::default()
        };
        assert_eq!(e.aadsts(), Some(53003));
    }

    #[test]
    fn redirect_error_with_trace_in_description() {
        let params = vec![
            ("error".to_string(), "access_denied".to_string()),
            (
                "error_description".to_string(),
                "AADSTS65004: User declined to consent to access the app.\r\nTrace ID: 1234abcd-0000-0000-0000-000000000000\r\nCorrelation ID: 9999abcd-0000-0000-0000-000000000000".to_string(),
            ),
        ];
        let e = EntraError::from_redirect("login.example", &params);
        assert_eq!(e.aadsts(), Some(65004));
        assert_eq!(
            e.trace_id.as_deref(),
            Some("1234abcd-0000-0000-0000-000000000000")
        );
        assert_eq!(
            e.correlation_id.as_deref(),
            Some("9999abcd-0000-0000-0000-000000000000")
        );
    }

    #[test]
    fn scrub_removes_secrets() {
        let e = EntraError {
            error: "invalid_grant".into(),
            description: Some("AADSTS9002313: bad code 0.AAAAsecretcode".into()),
            ..Default::default()
        }
        .scrub(&["0.AAAAsecretcode"]);
        assert!(!format!("{:?}", e).contains("0.AAAAsecretcode"));
    }

    /// The wizard's Sign-in step shows these in German; the log line (`detail`) stays English.
    #[test]
    fn sentences_in_german_and_the_log_in_english() {
        use crate::i18n::{Language, with_language};
        let mfa = AuthError::from(EntraError {
            status: 400,
            host: "login.example".into(),
            error: "invalid_grant".into(),
            error_codes: vec![50076],
            trace_id: Some("0000aaaa-11bb-cccc-dd22-eeeeee333333".into()),
            ..Default::default()
        });
        let english = mfa.to_string();
        assert!(english.starts_with("Your organisation requires multi-factor"));
        with_language(Language::German, || {
            assert_eq!(
                mfa.to_string(),
                "Ihre Organisation verlangt für diese Anmeldung die mehrstufige Authentifizierung \
                 (MFA). Verwenden Sie die Anmeldung im Browser, schließen Sie die MFA-Abfrage ab \
                 und versuchen Sie es dann erneut. (AADSTS50076)"
            );
            assert!(mfa.detail().starts_with(&english), "{}", mfa.detail());
            let unknown_app = AuthError::from(EntraError {
                error: "unauthorized_client".into(),
                error_codes: vec![700016],
                client_id: Some("0a7c4e12".into()),
                ..Default::default()
            });
            assert!(
                unknown_app
                    .to_string()
                    .starts_with("Die App mit der Client-ID 0a7c4e12 wurde in diesem Mandanten"),
                "{unknown_app}"
            );
            let refused = AuthError::from(EntraError {
                error: "invalid_request".into(),
                description: Some("AADSTS900144: The request body must contain client_id.".into()),
                trace_id: Some("t-1".into()),
                ..Default::default()
            });
            assert_eq!(
                refused.to_string(),
                "Die Microsoft-Anmeldung hat die Anfrage mit dem Fehler AADSTS900144 abgelehnt: \
                 The request body must contain client_id. Trace-ID: t-1."
            );
            let waited = AuthError::BrowserTimeout {
                waited: Duration::from_secs(300),
            };
            assert!(
                waited
                    .to_string()
                    .starts_with("Innerhalb von 5 Minuten kam keine Anmeldung")
            );
        });
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_secs(300)), "5 minutes");
        assert_eq!(human_duration(Duration::from_secs(1)), "1 second");
        assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
    }
}

/// Property tests (issue 14): Entra's token and device-code error answers are untrusted input.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn entra_error_bodies_never_panic(body in ".{0,200}", status in 100u16..600) {
            let _ = EntraError::parse(status, "login.microsoftonline.com", &body);
        }

        #[test]
        fn aadsts_codes_are_read(code in 10_000u32..9_999_999, text in "[ -~]{0,60}") {
            let body = serde_json::json!({
                "error": "invalid_grant",
                "error_description": format!("AADSTS{code}: {text}"),
                "error_codes": [code],
            });
            let parsed = EntraError::parse(400, "login.microsoftonline.com", &body.to_string());
            prop_assert!(parsed.is_some());
        }
    }
}
