//! `GraphError`: what went wrong, as one or two plain sentences an IT admin can act on, plus
//! the technical detail (status, Graph code and message, request ids) for the log.
//!
//! Nothing in here ever holds the access token or a client secret: errors are built from the
//! status line, a few response headers and Graph's error body, never from request headers or
//! request/response bodies that carry secrets.

use std::fmt;

use serde::Deserialize;

use crate::i18n::{t, tf};
use crate::net::NetTrouble;

/// The Graph call that failed; it decides the wording of the sentence (which role is needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    ReadOrganization,
    ListDomains,
    ReadUser,
    CheckMailbox,
    CreateApplication,
    ReadApplication,
    FindApplication,
    ListApplications,
    UpdateApplication,
    DeleteApplication,
    AddSecret,
    RemoveSecret,
    CreateServicePrincipal,
    ReadServicePrincipal,
    FindServicePrincipal,
    ListServicePrincipals,
    AssignAppRole,
    /// Granting an application permission of an API other than Microsoft Graph (e.g. Exchange
    /// Online's full_access_as_app): more roles may grant it.
    AssignOtherAppRole,
    ListAppRoleAssignments,
    RemoveAppRoleAssignment,
    CreateDelegatedGrant,
    UpdateDelegatedGrant,
    ListDelegatedGrants,
    DeleteDelegatedGrant,
}

/// Which kind of permission a failed call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Read,
    AppWrite,
    AppRoleGrant,
    /// App roles of APIs other than Microsoft Graph.
    OtherAppRoleGrant,
    DelegatedGrant,
}

impl Operation {
    /// What exowiz was doing, as a gerund phrase: "creating the application".
    pub fn description(self) -> &'static str {
        use Operation::*;
        match self {
            ReadOrganization => "reading the organization details",
            ListDomains => "listing the domains",
            ReadUser => "looking up the user",
            CheckMailbox => "checking the user's mailbox",
            CreateApplication => "creating the application",
            ReadApplication => "reading the application",
            FindApplication => "looking for the application",
            ListApplications => "listing the applications",
            UpdateApplication => "updating the application",
            DeleteApplication => "deleting the application",
            AddSecret => "creating the client secret",
            RemoveSecret => "removing the client secret",
            CreateServicePrincipal => "creating the enterprise application (service principal)",
            ReadServicePrincipal => "reading the service principal",
            FindServicePrincipal => "looking for the service principal",
            ListServicePrincipals => "listing the service principals",
            AssignAppRole | AssignOtherAppRole => "granting the application permission",
            ListAppRoleAssignments => "listing the granted application permissions",
            RemoveAppRoleAssignment => "removing the application permission",
            CreateDelegatedGrant => "granting the delegated permissions",
            UpdateDelegatedGrant => "updating the delegated permissions",
            ListDelegatedGrants => "listing the granted delegated permissions",
            DeleteDelegatedGrant => "removing the delegated permissions",
        }
    }

    /// The catalogue key of `description` in the screens' language, as it reads after "while"
    /// in a sentence (German: "beim …"); the English text equals `description`.
    /// The call as a phrase in the admin's language ("while creating the application").
    pub fn phrase(self) -> &'static str {
        t(self.phrase_key())
    }

    fn phrase_key(self) -> &'static str {
        use Operation::*;
        match self {
            ReadOrganization => "graph.op_read_organization",
            ListDomains => "graph.op_list_domains",
            ReadUser => "graph.op_read_user",
            CheckMailbox => "graph.op_check_mailbox",
            CreateApplication => "graph.op_create_application",
            ReadApplication => "graph.op_read_application",
            FindApplication => "graph.op_find_application",
            ListApplications => "graph.op_list_applications",
            UpdateApplication => "graph.op_update_application",
            DeleteApplication => "graph.op_delete_application",
            AddSecret => "graph.op_add_secret",
            RemoveSecret => "graph.op_remove_secret",
            CreateServicePrincipal => "graph.op_create_service_principal",
            ReadServicePrincipal => "graph.op_read_service_principal",
            FindServicePrincipal => "graph.op_find_service_principal",
            ListServicePrincipals => "graph.op_list_service_principals",
            AssignAppRole | AssignOtherAppRole => "graph.op_assign_app_role",
            ListAppRoleAssignments => "graph.op_list_app_role_assignments",
            RemoveAppRoleAssignment => "graph.op_remove_app_role_assignment",
            CreateDelegatedGrant => "graph.op_create_delegated_grant",
            UpdateDelegatedGrant => "graph.op_update_delegated_grant",
            ListDelegatedGrants => "graph.op_list_delegated_grants",
            DeleteDelegatedGrant => "graph.op_delete_delegated_grant",
        }
    }

    /// The object the call is about, for "not found" sentences.
    fn subject_key(self) -> &'static str {
        use Operation::*;
        match self {
            ReadOrganization => "graph.subject_organization",
            ListDomains => "graph.subject_domains",
            ReadUser | CheckMailbox => "graph.subject_user",
            CreateApplication | ReadApplication | FindApplication | ListApplications
            | UpdateApplication | DeleteApplication => "graph.subject_application",
            AddSecret | RemoveSecret => "graph.subject_secret",
            CreateServicePrincipal
            | ReadServicePrincipal
            | FindServicePrincipal
            | ListServicePrincipals
            | ListAppRoleAssignments => "graph.subject_service_principal",
            AssignAppRole | AssignOtherAppRole => "graph.subject_app_role",
            RemoveAppRoleAssignment => "graph.subject_app_role_assignment",
            CreateDelegatedGrant | UpdateDelegatedGrant | ListDelegatedGrants
            | DeleteDelegatedGrant => "graph.subject_delegated_grant",
        }
    }

    fn area(self) -> Area {
        use Operation::*;
        match self {
            CreateApplication
            | UpdateApplication
            | DeleteApplication
            | AddSecret
            | RemoveSecret
            | CreateServicePrincipal => Area::AppWrite,
            AssignAppRole | RemoveAppRoleAssignment => Area::AppRoleGrant,
            AssignOtherAppRole => Area::OtherAppRoleGrant,
            CreateDelegatedGrant | UpdateDelegatedGrant | DeleteDelegatedGrant => {
                Area::DelegatedGrant
            }
            _ => Area::Read,
        }
    }
}

/// Broad class of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 401: the token expired or was rejected.
    Unauthorized,
    /// 403: the signed-in account lacks a role or the token lacks a permission.
    Forbidden,
    /// 404.
    NotFound,
    /// 409, or Graph's "already exists" answers.
    Conflict,
    /// 429 after all retries.
    Throttled,
    /// Other 4xx: Graph did not accept the request.
    Validation,
    /// 5xx after all retries.
    Server,
    /// Graph could not be reached (after retries).
    Network,
    /// Graph answered with something exowiz could not read.
    Decode,
}

/// A failed Graph call.
#[derive(Debug, Clone)]
pub struct GraphError(Box<ErrorData>);

#[derive(Debug, Clone)]
struct ErrorData {
    kind: ErrorKind,
    operation: Operation,
    status: Option<u16>,
    code: Option<String>,
    message: Option<String>,
    detail_codes: Vec<String>,
    request_id: Option<String>,
    client_request_id: Option<String>,
    date: Option<String>,
    /// `host[:port]` of Graph, for network sentences.
    host: String,
    /// Transport or decoding cause (already free of secrets).
    cause: Option<String>,
    /// Graph's `Retry-After` when it was longer than exowiz waits (the job ended instead).
    refused_wait: Option<std::time::Duration>,
    /// A network failure exowiz can name (untrusted certificate, proxy trouble).
    trouble: Option<NetTrouble>,
}

/// Graph error codes (and one `details[].code`) that get their own sentence.
const LIFETIME_POLICY: &str = "CredentialInvalidLifetimeAsPerAppPolicy";
const INVALID_KEY_END_DATE: &str = "InvalidKeyEndDate";
const NO_BACKING_APP: &str = "NoBackingApplicationObject";
const QUOTA_EXCEEDED: &str = "Directory_QuotaExceeded";
const SAME_KEY_VALUE: &str = "Request_MultipleObjectsWithSameKeyValue";

/// Longest Graph message kept for `detail()`.
const MAX_MESSAGE_CHARS: usize = 500;

impl GraphError {
    /// An error built from a non-success HTTP answer.
    pub(crate) fn from_response(
        operation: Operation,
        host: &str,
        status: u16,
        body: &ErrorBody,
        header_request_id: Option<String>,
        client_request_id: &str,
    ) -> Self {
        let code = body.code.clone().filter(|c| !c.is_empty());
        let message = body.message.as_deref().map(sanitize_message);
        let detail_codes: Vec<String> =
            body.details.iter().filter_map(|d| d.code.clone()).collect();
        let inner = body.inner_error.as_ref();
        let request_id = header_request_id.or_else(|| inner.and_then(InnerError::request_id));
        let date = inner.and_then(InnerError::date);
        let kind = classify(status, code.as_deref(), message.as_deref());
        Self(Box::new(ErrorData {
            kind,
            operation,
            status: Some(status),
            code,
            message,
            detail_codes,
            request_id,
            client_request_id: Some(client_request_id.to_string()),
            date,
            host: host.to_string(),
            cause: None,
            refused_wait: None,
            trouble: None,
        }))
    }

    /// Graph asked to wait `wait` before trying again, longer than exowiz waits: the sentence
    /// names the wait and says to try later.
    pub(crate) fn with_refused_wait(mut self, wait: std::time::Duration) -> Self {
        self.0.refused_wait = Some(wait);
        self
    }

    /// The wait Graph asked for that exowiz did not wait out, if that ended the call.
    pub fn refused_wait(&self) -> Option<std::time::Duration> {
        self.0.refused_wait
    }

    /// Graph could not be reached. `cause` must not contain secrets (reqwest's error text
    /// holds only the URL, which carries no secrets in exowiz).
    pub(crate) fn network(operation: Operation, host: &str, cause: String) -> Self {
        Self::bare(ErrorKind::Network, operation, host, None, Some(cause))
    }

    /// The request could not be authorised before sending (unusable token).
    pub(crate) fn unauthorized(operation: Operation, host: &str, cause: String) -> Self {
        Self::bare(ErrorKind::Unauthorized, operation, host, None, Some(cause))
    }

    /// Graph answered 2xx but the body could not be read.
    pub(crate) fn decode(
        operation: Operation,
        host: &str,
        status: Option<u16>,
        cause: String,
    ) -> Self {
        Self::bare(ErrorKind::Decode, operation, host, status, Some(cause))
    }

    fn bare(
        kind: ErrorKind,
        operation: Operation,
        host: &str,
        status: Option<u16>,
        cause: Option<String>,
    ) -> Self {
        Self(Box::new(ErrorData {
            kind,
            operation,
            status,
            code: None,
            message: None,
            detail_codes: Vec::new(),
            request_id: None,
            client_request_id: None,
            date: None,
            host: host.to_string(),
            cause,
            refused_wait: None,
            trouble: None,
        }))
    }

    /// The network failure named more precisely: its sentence replaces the general one.
    pub(crate) fn with_net_trouble(mut self, trouble: Option<NetTrouble>) -> Self {
        self.0.trouble = trouble;
        self
    }

    /// The untrusted certificate or proxy trouble behind a network error, if that was it.
    pub fn net_trouble(&self) -> Option<&NetTrouble> {
        self.0.trouble.as_ref()
    }

    pub(crate) fn with_client_request_id(mut self, id: &str) -> Self {
        self.0.client_request_id = Some(id.to_string());
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    pub fn operation(&self) -> Operation {
        self.0.operation
    }

    /// HTTP status, if Graph answered.
    pub fn status(&self) -> Option<u16> {
        self.0.status
    }

    /// Graph's `error.code`, e.g. `Authorization_RequestDenied`.
    pub fn code(&self) -> Option<&str> {
        self.0.code.as_deref()
    }

    /// The `code`s of `error.details[]`, e.g. `NoBackingApplicationObject`.
    pub fn detail_codes(&self) -> &[String] {
        &self.0.detail_codes
    }

    /// Graph's `error.message` (trimmed, single line).
    pub fn message(&self) -> Option<&str> {
        self.0.message.as_deref()
    }

    /// Graph's `request-id` (response header, else `innerError`).
    pub fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The `client-request-id` exowiz sent.
    pub fn client_request_id(&self) -> Option<&str> {
        self.0.client_request_id.as_deref()
    }

    pub fn is_not_found(&self) -> bool {
        self.0.kind == ErrorKind::NotFound
    }

    pub fn is_conflict(&self) -> bool {
        self.0.kind == ErrorKind::Conflict
    }

    pub fn is_throttled(&self) -> bool {
        self.0.kind == ErrorKind::Throttled
    }

    /// `code` or any `details[].code` equals `wanted`.
    pub fn has_code(&self, wanted: &str) -> bool {
        self.0.code.as_deref() == Some(wanted) || self.0.detail_codes.iter().any(|c| c == wanted)
    }

    /// True when Graph refused a secret because of the tenant's app management policy.
    pub fn is_lifetime_policy(&self) -> bool {
        self.has_code(LIFETIME_POLICY)
            || (self.0.operation == Operation::AddSecret && self.has_code(INVALID_KEY_END_DATE))
    }

    /// Technical detail for logs: operation, status, Graph code and message, request ids.
    pub fn detail(&self) -> String {
        let mut out = self.0.operation.description().to_string();
        if let Some(status) = self.0.status {
            out.push_str(&format!(": HTTP {status}"));
        }
        if let Some(code) = &self.0.code {
            out.push_str(&format!(" {code}"));
        }
        if !self.0.detail_codes.is_empty() {
            out.push_str(&format!(" [{}]", self.0.detail_codes.join(", ")));
        }
        if let Some(message) = &self.0.message {
            out.push_str(&format!(": {message}"));
        }
        if let Some(cause) = &self.0.cause {
            out.push_str(&format!(": {cause}"));
        }
        let mut ids = Vec::new();
        if let Some(id) = &self.0.request_id {
            ids.push(format!("request-id {id}"));
        }
        if let Some(id) = &self.0.client_request_id {
            ids.push(format!("client-request-id {id}"));
        }
        if let Some(date) = &self.0.date {
            ids.push(format!("date {date}"));
        }
        if !ids.is_empty() {
            out.push_str(&format!(" ({})", ids.join(", ")));
        }
        out
    }

    fn sentence(&self) -> String {
        let op = self.0.operation;
        let what = t(op.phrase_key());
        if let Some(wait) = self.0.refused_wait {
            return tf(
                "graph.wait_refused",
                &[("what", what), ("wait", &wait_text(wait))],
            );
        }
        match self.0.kind {
            ErrorKind::Unauthorized => t("graph.unauthorized").to_string(),
            ErrorKind::Forbidden => match op.area() {
                Area::AppWrite => t("graph.forbidden_app_write").to_string(),
                Area::AppRoleGrant => t("graph.forbidden_app_role_grant").to_string(),
                Area::OtherAppRoleGrant => t("graph.forbidden_other_app_role_grant").to_string(),
                Area::DelegatedGrant => t("graph.forbidden_delegated_grant").to_string(),
                Area::Read => tf("graph.forbidden_read", &[("what", what)]),
            },
            ErrorKind::NotFound => tf(
                "graph.not_found",
                &[("subject", t(op.subject_key())), ("what", what)],
            ),
            ErrorKind::Conflict => match op {
                Operation::AssignAppRole | Operation::AssignOtherAppRole => {
                    t("graph.conflict_app_role").to_string()
                }
                Operation::CreateDelegatedGrant => t("graph.conflict_delegated_grant").to_string(),
                _ => tf("graph.conflict", &[("what", what)]),
            },
            ErrorKind::Throttled => t("graph.throttled").to_string(),
            ErrorKind::Validation => {
                if self.is_lifetime_policy() {
                    t("graph.lifetime_policy").to_string()
                } else if self.has_code(NO_BACKING_APP) {
                    t("graph.no_backing_app").to_string()
                } else if self.has_code(QUOTA_EXCEEDED) {
                    t("graph.quota_exceeded").to_string()
                } else {
                    tf("graph.validation", &[("what", what)])
                }
            }
            ErrorKind::Server => {
                if self.0.status == Some(503) {
                    t("graph.unavailable").to_string()
                } else {
                    tf("graph.server", &[("what", what)])
                }
            }
            ErrorKind::Network => match &self.0.trouble {
                Some(trouble) => trouble.sentence(),
                None => tf("graph.network", &[("host", &self.0.host)]),
            },
            ErrorKind::Decode => tf("graph.decode", &[("what", what)]),
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sentence())
    }
}

impl std::error::Error for GraphError {}

/// Kind of a non-success answer.
fn classify(status: u16, code: Option<&str>, message: Option<&str>) -> ErrorKind {
    let already_exists = message
        .map(|m| m.to_ascii_lowercase())
        .is_some_and(|m| m.contains("already exists") || m.contains("already in use"));
    match status {
        401 => ErrorKind::Unauthorized,
        403 => ErrorKind::Forbidden,
        404 => ErrorKind::NotFound,
        409 => ErrorKind::Conflict,
        429 => ErrorKind::Throttled,
        // Graph has no distinct code for "this permission is already granted": it answers
        // 400 Request_BadRequest "Permission being assigned already exists on the object"
        // (or Request_MultipleObjectsWithSameKeyValue). The message is the only signal.
        400 if code == Some(SAME_KEY_VALUE) || already_exists => ErrorKind::Conflict,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Validation,
    }
}

/// Keep one trimmed line of a Graph message, at most `MAX_MESSAGE_CHARS` characters.
fn sanitize_message(message: &str) -> String {
    let one_line: String = message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.chars().count() > MAX_MESSAGE_CHARS {
        let cut: String = trimmed.chars().take(MAX_MESSAGE_CHARS).collect();
        format!("{cut}…")
    } else {
        trimmed.to_string()
    }
}

/// `{"error": {...}}` (§1.7 of the facts).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorEnvelope {
    #[serde(default)]
    pub error: ErrorBody,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default, deserialize_with = "null_as_empty")]
    pub details: Vec<ErrorDetail>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    pub inner_error: Option<InnerError>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub message: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct InnerError {
    #[serde(default, rename = "request-id")]
    request_id: Option<String>,
    #[serde(default)]
    date: Option<String>,
    #[serde(default, rename = "innerError", alias = "innererror")]
    inner: Option<Box<InnerError>>,
}

impl InnerError {
    fn request_id(&self) -> Option<String> {
        self.request_id
            .clone()
            .or_else(|| self.inner.as_ref().and_then(|i| i.request_id()))
    }

    fn date(&self) -> Option<String> {
        self.date
            .clone()
            .or_else(|| self.inner.as_ref().and_then(|i| i.date()))
    }
}

impl ErrorBody {
    /// Parse an error answer; anything unreadable becomes an empty body.
    pub(crate) fn parse(bytes: &[u8]) -> Self {
        serde_json::from_slice::<ErrorEnvelope>(bytes)
            .map(|e| e.error)
            .unwrap_or_default()
    }

    pub(crate) fn has_code(&self, wanted: &str) -> bool {
        self.code.as_deref() == Some(wanted)
            || self
                .details
                .iter()
                .any(|d| d.code.as_deref() == Some(wanted))
    }
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A wait as an admin reads it: seconds up to two minutes, then minutes, then hours (rounded
/// up, so a wait is never shown shorter than asked).
pub fn wait_text(wait: std::time::Duration) -> String {
    let s = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let (key, n) = if s < 120 {
        ("graph.wait_seconds", s)
    } else if s < 2 * 3600 {
        ("graph.wait_minutes", s.div_ceil(60))
    } else {
        ("graph.wait_hours", s.div_ceil(3600))
    };
    tf(key, &[("n", &n.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(op: Operation, status: u16, code: &str, message: &str) -> GraphError {
        let body = ErrorBody::parse(
            serde_json::json!({"error": {"code": code, "message": message,
                "innerError": {"date": "2026-01-01T00:00:00", "request-id": "rid-1"}}})
            .to_string()
            .as_bytes(),
        );
        GraphError::from_response(op, "graph.microsoft.com", status, &body, None, "crid-1")
    }

    #[test]
    fn unauthorized_sentence() {
        let e = err(
            Operation::ReadOrganization,
            401,
            "InvalidAuthenticationToken",
            "Lifetime validation failed, the token is expired.",
        );
        assert_eq!(e.kind(), ErrorKind::Unauthorized);
        assert_eq!(
            e.to_string(),
            "The sign-in has expired or was not accepted by Microsoft Graph. Sign in again."
        );
        assert!(e.detail().contains("InvalidAuthenticationToken"));
        assert!(e.detail().contains("request-id rid-1"));
        assert!(e.detail().contains("client-request-id crid-1"));
    }

    #[test]
    fn forbidden_sentences_depend_on_the_operation() {
        let denied = "Insufficient privileges to complete the operation.";
        let app = err(
            Operation::CreateApplication,
            403,
            "Authorization_RequestDenied",
            denied,
        );
        assert!(app.to_string().starts_with("Your account may not create"));
        assert!(app.to_string().contains("Cloud Application Administrator"));
        let secret = err(
            Operation::AddSecret,
            403,
            "Authorization_RequestDenied",
            denied,
        );
        assert_eq!(secret.to_string(), app.to_string());
        let role = err(
            Operation::AssignAppRole,
            403,
            "Authorization_RequestDenied",
            denied,
        );
        assert!(role.to_string().starts_with(
            "Only a Privileged Role Administrator or Global Administrator can grant Microsoft Graph application permissions."
        ));
        // Exchange Online's app roles: Cloud Application Administrator suffices (Microsoft Entra,
        // "Grant tenant-wide admin consent to an application", prerequisites).
        let exchange_role = err(
            Operation::AssignOtherAppRole,
            403,
            "Authorization_RequestDenied",
            denied,
        );
        let text = exchange_role.to_string();
        assert!(text.contains("Cloud Application Administrator"), "{text}");
        assert!(text.contains("Application Administrator"), "{text}");
        assert!(!text.contains("Microsoft Graph"), "{text}");
        let grant = err(
            Operation::CreateDelegatedGrant,
            403,
            "Authorization_RequestDenied",
            denied,
        );
        assert!(grant.to_string().contains("Privileged Role Administrator"));
        assert!(
            grant
                .to_string()
                .starts_with("Granting delegated permissions")
        );
        let read = err(
            Operation::ListDomains,
            403,
            "Authorization_RequestDenied",
            denied,
        );
        assert!(read.to_string().contains("listing the domains"));
        for e in [app, role, grant, read] {
            assert!(
                !e.to_string().contains(denied),
                "Graph message is only in detail()"
            );
            assert!(e.detail().contains(denied));
        }
    }

    #[test]
    fn lifetime_policy_sentence() {
        let body = ErrorBody::parse(br#"{"error":{"code":"CredentialInvalidLifetimeAsPerAppPolicy","message":"Credential lifetime exceeds the max value allowed as per assigned policy 'p1'.","details":[{"code":"InvalidKeyEndDate","target":"EndDate"}]}}"#);
        let e = GraphError::from_response(Operation::AddSecret, "h", 400, &body, None, "c");
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(e.is_lifetime_policy());
        assert_eq!(
            e.to_string(),
            "The tenant's app management policy does not allow a secret that lasts this long. Choose a shorter lifetime."
        );
    }

    #[test]
    fn conflicts() {
        let sp = err(
            Operation::CreateServicePrincipal,
            409,
            SAME_KEY_VALUE,
            "The service principal name is already in use.",
        );
        assert!(sp.is_conflict());
        let dup = err(
            Operation::AssignAppRole,
            400,
            "Request_BadRequest",
            "Permission being assigned already exists on the object",
        );
        assert!(dup.is_conflict());
        assert_eq!(
            dup.to_string(),
            "This application permission is already granted to the app."
        );
        let plain = err(
            Operation::CreateApplication,
            400,
            "Request_BadRequest",
            "Invalid value specified for property 'signInAudience'.",
        );
        assert_eq!(plain.kind(), ErrorKind::Validation);
        assert!(plain.to_string().contains("creating the application"));
    }

    #[test]
    fn not_found_throttled_server_network_decode() {
        let nf = err(
            Operation::ReadApplication,
            404,
            "Request_ResourceNotFound",
            "Resource 'x' does not exist or one of its queried reference-property objects are not present.",
        );
        assert!(nf.is_not_found());
        assert!(
            nf.to_string()
                .starts_with("The app registration was not found")
        );
        let th = err(
            Operation::CreateApplication,
            429,
            "TooManyRequests",
            "Too many requests",
        );
        assert_eq!(
            th.to_string(),
            "Microsoft Graph is throttling requests. Wait a few minutes and try again."
        );
        let un = err(Operation::CreateApplication, 503, "serviceNotAvailable", "");
        assert_eq!(un.kind(), ErrorKind::Server);
        assert!(un.to_string().contains("temporarily unavailable"));
        let se = err(Operation::CreateApplication, 500, "generalException", "");
        assert!(
            se.to_string()
                .contains("internal error while creating the application")
        );
        let net = GraphError::network(
            Operation::ReadOrganization,
            "graph.microsoft.com",
            "connection refused".into(),
        );
        assert_eq!(
            net.to_string(),
            "Could not reach Microsoft Graph at graph.microsoft.com. Check the network connection and proxy settings."
        );
        let dec = GraphError::decode(
            Operation::ReadOrganization,
            "h",
            Some(200),
            "expected value at line 1 column 1".into(),
        );
        assert_eq!(dec.kind(), ErrorKind::Decode);
    }

    const ALL_OPERATIONS: [Operation; 24] = {
        use Operation::*;
        [
            ReadOrganization,
            ListDomains,
            ReadUser,
            CheckMailbox,
            CreateApplication,
            ReadApplication,
            FindApplication,
            ListApplications,
            UpdateApplication,
            DeleteApplication,
            AddSecret,
            RemoveSecret,
            CreateServicePrincipal,
            ReadServicePrincipal,
            FindServicePrincipal,
            ListServicePrincipals,
            AssignAppRole,
            AssignOtherAppRole,
            ListAppRoleAssignments,
            RemoveAppRoleAssignment,
            CreateDelegatedGrant,
            UpdateDelegatedGrant,
            ListDelegatedGrants,
            DeleteDelegatedGrant,
        ]
    };

    /// The sentences' phrase for each operation is its English log description, and German has
    /// its own for each (the keys are chosen in `phrase_key`/`subject_key`).
    #[test]
    fn every_operation_has_its_phrase_and_subject_in_both_languages() {
        use crate::i18n::{Language, text};
        for op in ALL_OPERATIONS {
            assert_eq!(text(Language::English, op.phrase_key()), op.description());
            for key in [op.phrase_key(), op.subject_key()] {
                let german = text(Language::German, key);
                assert!(
                    german != key && german != text(Language::English, key),
                    "{key}"
                );
            }
        }
    }

    #[test]
    fn sentences_in_german() {
        use crate::i18n::{Language, with_language};
        with_language(Language::German, || {
            let e = err(
                Operation::ReadApplication,
                404,
                "Request_ResourceNotFound",
                "x",
            );
            assert_eq!(
                e.to_string(),
                "Die App-Registrierung wurde beim Lesen der App-Registrierung nicht gefunden; \
                 möglicherweise wurde das Objekt gelöscht. Aktualisieren Sie die Anzeige und \
                 versuchen Sie es erneut."
            );
            let e = err(
                Operation::AddSecret,
                400,
                "Request_BadRequest",
                "Credential lifetime exceeds the max value allowed as per assigned policy.",
            );
            assert!(
                e.to_string()
                    .starts_with("Microsoft Graph hat die Anfrage beim Erstellen")
            );
            // The log keeps English.
            assert!(
                e.detail()
                    .starts_with("creating the client secret: HTTP 400")
            );
        });
    }

    #[test]
    fn messages_are_single_line_and_bounded() {
        let long = format!("line1\nline2 {}", "x".repeat(2000));
        let e = err(Operation::ReadUser, 400, "Request_BadRequest", &long);
        let m = e.message().unwrap();
        assert!(!m.contains('\n'));
        assert!(m.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }

    #[test]
    fn garbage_error_body_still_gives_a_sentence() {
        let body = ErrorBody::parse(b"<html>Bad gateway</html>");
        let e = GraphError::from_response(
            Operation::ListApplications,
            "h",
            502,
            &body,
            Some("r".into()),
            "c",
        );
        assert_eq!(e.kind(), ErrorKind::Server);
        assert!(!e.to_string().contains("html"));
        assert!(e.detail().contains("request-id r"));
    }
}

/// Property tests (issue 14): Graph's error bodies are untrusted input.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn error_bodies_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = ErrorBody::parse(&bytes);
        }

        #[test]
        fn well_formed_error_codes_are_read(code in "[A-Za-z_]{1,30}", message in ".{0,60}") {
            let body = serde_json::json!({"error": {"code": code, "message": message}});
            let parsed = ErrorBody::parse(body.to_string().as_bytes());
            let err = GraphError::from_response(
                Operation::CreateApplication,
                "graph.microsoft.com",
                400,
                &parsed,
                None,
                "00000000-0000-0000-0000-000000000000",
            );
            prop_assert_eq!(err.code(), Some(code.as_str()));
        }
    }
}
