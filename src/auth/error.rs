//! Sign-in errors as plain sentences for an IT admin.
//!
//! `Display` never contains a token, authorization code, code verifier, device code or secret:
//! the request layer scrubs every secret value it sent from what Entra echoes back, and the
//! sentences themselves are built only from codes, host names and IDs. `detail()` adds the
//! technical part (HTTP status, AADSTS code, trace and correlation IDs) for logs.

use std::time::Duration;

use serde::Deserialize;

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
    #[error("{}", network_sentence(host, *timed_out))]
    Network {
        host: String,
        timed_out: bool,
        /// The transport error's text, for `detail()`.
        cause: String,
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

    /// The browser came back with a `state` that is not the one exowiz sent.
    #[error(
        "The answer that reached exowiz's sign-in page does not belong to the sign-in exowiz started, \
         so it was rejected. Start the sign-in again."
    )]
    StateMismatch,

    /// No answer from the browser within the allowed time.
    #[error(
        "No sign-in arrived from the browser within {}. Start the sign-in again, or use the device-code \
         sign-in (--device-code) if the browser runs on another computer.",
        human_duration(*waited)
    )]
    BrowserTimeout { waited: Duration },

    /// The callback that opens the browser failed.
    #[error(
        "Could not open a web browser ({0}). Open the sign-in link yourself, or use the device-code \
         sign-in (--device-code)."
    )]
    BrowserOpen(String),

    /// The local port for the browser's answer could not be opened.
    #[error(
        "Could not open a local port for the browser's answer ({0}). Use the device-code sign-in \
         (--device-code) instead."
    )]
    Listener(String),

    /// Device code: the user pressed "No"/"Cancel".
    #[error("The sign-in was declined on the device-code page. Start again if that was a mistake.")]
    DeviceCodeDeclined,

    /// Device code: the code ran out before the sign-in finished.
    #[error("The code expired before sign-in finished. Start again.")]
    DeviceCodeExpired,

    /// Device code: Entra did not recognise the device code.
    #[error("The sign-in service did not recognise the device code. Start the sign-in again.")]
    DeviceCodeInvalid,

    /// The discovery document has no device authorization endpoint.
    #[error(
        "The sign-in service at {host} does not offer the device-code sign-in. Use the browser \
         sign-in instead."
    )]
    DeviceCodeUnsupported { host: String },

    /// `refresh` was asked for, but the sign-in gave no refresh token.
    #[error(
        "The sign-in did not include a refresh token (offline_access), so it cannot be renewed. \
         Sign in again."
    )]
    NoRefreshToken,

    /// A token that is not a readable JSON Web Token, or lacks what exowiz needs.
    #[error(
        "The access token cannot be used: {0}. Copy the whole token (three parts separated by dots), \
         without quotes or a \"Bearer\" prefix."
    )]
    MalformedToken(String),

    /// A supplied access token is already expired.
    #[error(
        "The access token expired at {} UTC. Get a fresh one (for example with \
         `az account get-access-token --resource-type ms-graph`) and try again.",
        expired_at.format("%Y-%m-%d %H:%M")
    )]
    TokenExpired {
        expired_at: chrono::DateTime<chrono::Utc>,
    },

    /// The HTTP client could not be built (TLS backend).
    #[error("Could not prepare a secure connection ({0}).")]
    HttpSetup(String),
}

impl AuthError {
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

    /// The sentence plus the technical details for a log file: HTTP status, OAuth error,
    /// AADSTS code, Entra's own description, trace and correlation IDs. Still free of secrets.
    pub fn detail(&self) -> String {
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
        "The Microsoft 365 tenant was not found. Check the tenant ID or domain.".to_string()
    } else if looks_like_guid(tenant) {
        format!(
            "No Microsoft 365 tenant has the ID {tenant}. Check the tenant ID, or enter one of the \
             organisation's domains instead."
        )
    } else {
        format!(
            "No Microsoft 365 tenant uses the domain {tenant}. Check the spelling, or use the \
             organisation's onmicrosoft.com domain or its tenant ID."
        )
    }
}

fn network_sentence(host: &str, timed_out: bool) -> String {
    if timed_out {
        format!(
            "The Microsoft sign-in service at {host} did not answer in time. Check the internet \
             connection and any proxy, then try again."
        )
    } else {
        format!(
            "Could not reach the Microsoft sign-in service at {host}. Check the internet connection, \
             proxy and firewall, then try again."
        )
    }
}

fn bad_response_sentence(host: &str, status: u16, what: &str) -> String {
    match status {
        500..=599 => format!(
            "The Microsoft sign-in service at {host} has a temporary problem (HTTP {status}). Try \
             again in a few minutes."
        ),
        404 => format!(
            "The sign-in address at {host} was not found (HTTP 404). Check the sign-in URL or the \
             cloud setting."
        ),
        _ => format!(
            "The sign-in service at {host} sent an answer exowiz could not understand ({what}). Try \
             again; if it keeps happening, check for a proxy that changes web traffic."
        ),
    }
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 60 && s.is_multiple_of(60) {
        let m = s / 60;
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
    } else if s >= 1 {
        format!("{s} second{}", if s == 1 { "" } else { "s" })
    } else {
        format!("{} ms", d.as_millis())
    }
}

fn client_phrase(e: &EntraError) -> String {
    match &e.client_id {
        Some(id) => format!("The app with client ID {id}"),
        None => "The app".to_string(),
    }
}

/// The plain sentence for an Entra error: known AADSTS codes first, then the OAuth error code,
/// then a generic sentence with the AADSTS code and trace ID.
fn entra_sentence(e: &EntraError) -> String {
    let code = e.aadsts();
    let known = match code {
        Some(50076) => Some(
            "Your organisation requires multi-factor authentication (MFA) for this sign-in. Use the \
             browser sign-in and complete the MFA prompt, then try again."
                .to_string(),
        ),
        Some(50079) => Some(
            "Your organisation requires multi-factor authentication (MFA), and this account has not \
             set it up yet. Use the browser sign-in and complete the MFA registration (or set it up at \
             https://aka.ms/mfasetup), then try again."
                .to_string(),
        ),
        Some(53003) => Some(
            "A Conditional Access policy blocked this sign-in. Ask your admin to allow this app \
             (see the sign-in logs in the Entra admin center), or sign in from a compliant device or \
             an allowed network."
                .to_string(),
        ),
        Some(530003) => Some(
            "A Conditional Access policy requires a managed (compliant or hybrid-joined) device for \
             this sign-in. Sign in from such a device, or ask your admin to allow this sign-in."
                .to_string(),
        ),
        Some(50105) => Some(
            "Your account is not assigned to this app in your organisation. Ask an admin to assign \
             you to it (Enterprise applications → Users and groups), or sign in with an account that \
             is assigned."
                .to_string(),
        ),
        Some(65001) | Some(90094) | Some(90008) => Some(
            "The app has not been granted the permissions this sign-in asks for, and this account \
             cannot grant them. Sign in as a Global Administrator or Privileged Role Administrator, or \
             ask one to grant admin consent first."
                .to_string(),
        ),
        Some(65004) => Some(
            "The permissions were not accepted on the consent page, so the sign-in stopped. Start \
             again and accept them, or ask an admin to grant consent."
                .to_string(),
        ),
        Some(700016) => Some(format!(
            "{} was not found in this tenant. If you created it just now, wait a minute and try \
             again; otherwise check the client ID (--client-id), or leave --client-id out to sign in \
             with Microsoft Graph Command Line Tools.",
            client_phrase(e)
        )),
        Some(7000215) => Some(
            "The client secret is wrong. Use the secret's Value (shown once when it was created), not \
             its Secret ID. If the secret was created just now, wait a minute and try again."
                .to_string(),
        ),
        Some(7000222) => Some(
            "The client secret has expired. Create a new secret for the app and use that one."
                .to_string(),
        ),
        Some(7000218) => Some(format!(
            "{} does not allow sign-in without a secret (public client flows). Turn on \"Allow \
             public client flows\" in the app's Authentication settings, or leave --client-id out to \
             use Microsoft Graph Command Line Tools.",
            client_phrase(e)
        )),
        Some(50011) => Some(format!(
            "{} does not have http://localhost registered as a redirect URI for mobile and desktop \
             applications. Add it in the app's Authentication settings, or use the device-code \
             sign-in.",
            client_phrase(e)
        )),
        Some(50126) => Some(
            "The user name or password is wrong. Check them and sign in again.".to_string(),
        ),
        Some(50053) => Some(
            "The account is locked after too many failed sign-ins. Wait a while, or ask an admin to \
             unlock it."
                .to_string(),
        ),
        Some(50055) => Some(
            "The account's password has expired. Change it (for example at https://myaccount.microsoft.com) \
             and sign in again."
                .to_string(),
        ),
        Some(50057) => Some(
            "The account is disabled. Sign in with another account, or ask an admin to enable it."
                .to_string(),
        ),
        Some(70000) | Some(70008) | Some(54005) => Some(
            "The sign-in has expired or was already used. Sign in again.".to_string(),
        ),
        Some(700082) => Some(
            "The saved sign-in has expired because it was not used for a long time. Sign in again."
                .to_string(),
        ),
        Some(50020) | Some(50034) => Some(
            "The account you signed in with does not belong to this organisation's tenant. Sign in \
             with an account of the organisation (for example admin@yourcompany.onmicrosoft.com)."
                .to_string(),
        ),
        Some(90072) => Some(
            "The account you signed in with is from another organisation and is not a guest in this \
             tenant. Sign in with an account of this tenant, or have the account invited as a guest \
             first."
                .to_string(),
        ),
        Some(50058) => Some(
            "No one is signed in for this request. Sign in again interactively.".to_string(),
        ),
        Some(90002) => Some(unknown_tenant_sentence(e.tenant.as_deref().unwrap_or(""))),
        _ => None,
    };
    if let Some(s) = known {
        return match code {
            Some(c) => format!("{s} (AADSTS{c})"),
            None => s,
        };
    }
    let by_error = match e.error.as_str() {
        "access_denied" => Some(
            "The sign-in was cancelled or access was denied in the browser. Start the sign-in again \
             if that was a mistake."
                .to_string(),
        ),
        "consent_required" => Some(
            "Consent is needed for the permissions this sign-in asks for. Sign in as an admin who can \
             grant consent, or ask one to grant it."
                .to_string(),
        ),
        "interaction_required" | "login_required" => Some(
            "Your organisation needs you to sign in interactively (for example to complete MFA). Use \
             the browser sign-in."
                .to_string(),
        ),
        "temporarily_unavailable" | "server_error" => Some(format!(
            "The Microsoft sign-in service at {} has a temporary problem. Try again in a few minutes.",
            e.host
        )),
        "authorization_declined" => Some(AuthError::DeviceCodeDeclined.to_string()),
        "expired_token" => Some(AuthError::DeviceCodeExpired.to_string()),
        "bad_verification_code" => Some(AuthError::DeviceCodeInvalid.to_string()),
        _ => None,
    };
    let mut s = match by_error {
        Some(s) => s,
        None => {
            let mut s = String::from("Microsoft sign-in refused the request");
            match code {
                Some(c) => s.push_str(&format!(" with error AADSTS{c}")),
                None => s.push_str(&format!(" ({})", e.error)),
            }
            match e.message() {
                Some(m) => s.push_str(&format!(": {m}")),
                None => s.push('.'),
            }
            if !s.ends_with('.') && !s.ends_with('…') {
                s.push('.');
            }
            s
        }
    };
    if by_error_has_code(code, &s) {
        s.push_str(&format!(" (AADSTS{})", code.unwrap_or_default()));
    }
    if let Some(t) = &e.trace_id {
        s.push_str(&format!(" Trace ID: {t}."));
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

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::from_secs(300)), "5 minutes");
        assert_eq!(human_duration(Duration::from_secs(1)), "1 second");
        assert_eq!(human_duration(Duration::from_millis(200)), "200 ms");
    }
}
