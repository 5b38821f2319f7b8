//! Serde types for the Graph entities exowiz reads and the request bodies it sends.
//!
//! Response types ignore unknown properties and accept `null` where Graph may send it.
//! Request types skip `None`, so every body stays within the v1.0 schema
//! (`tests/fixtures/graph-v1.0-subset.schema.json`, checked by `tests/e2e/graph_schema.rs`).

use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

// ---------------------------------------------------------------------------------------------
// Directory
// ---------------------------------------------------------------------------------------------

/// `GET /organization` (the tenant).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// Tenant id.
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub verified_domains: Vec<VerifiedDomain>,
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
    #[serde(default)]
    pub tenant_type: Option<String>,
}

impl Organization {
    /// The default verified domain, else the initial one.
    pub fn default_domain(&self) -> Option<&str> {
        self.verified_domains
            .iter()
            .find(|d| d.is_default)
            .or_else(|| self.verified_domains.iter().find(|d| d.is_initial))
            .map(|d| d.name.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_default: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_initial: bool,
    /// `Managed` or `Federated`.
    #[serde(default, rename = "type")]
    pub domain_type: Option<String>,
}

/// `GET /domains`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Domain {
    /// The domain name.
    pub id: String,
    #[serde(default)]
    pub authentication_type: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_default: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_initial: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_root: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_verified: bool,
    #[serde(default)]
    pub is_admin_managed: Option<bool>,
    /// e.g. `["Email", "OfficeCommunicationsOnline"]`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub supported_services: Vec<String>,
}

/// `GET /users/{id}` with `$select=id,displayName,userPrincipalName,mail,accountEnabled,userType`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    /// `Member` or `Guest`.
    #[serde(default)]
    pub user_type: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Applications
// ---------------------------------------------------------------------------------------------

pub use crate::domain::{MailboxState, PermissionType, SignInAudience};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceAccess {
    /// Permission GUID (app role id or scope id).
    pub id: String,
    #[serde(rename = "type")]
    pub kind: PermissionType,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequiredResourceAccess {
    /// appId of the API, e.g. `00000003-0000-0000-c000-000000000000` for Microsoft Graph.
    pub resource_app_id: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_access: Vec<ResourceAccess>,
}

/// Redirect URIs of one platform (`publicClient`, `web`, `spa`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedirectUris {
    #[serde(default, deserialize_with = "null_as_default")]
    pub redirect_uris: Vec<String>,
}

impl RedirectUris {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(uris: I) -> Self {
        Self {
            redirect_uris: uris.into_iter().map(Into::into).collect(),
        }
    }
}

/// A password credential as listed on an application (never contains the secret).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    pub key_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub end_date_time: Option<DateTime<Utc>>,
}

/// A certificate credential as listed on an application.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    pub key_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default, rename = "type")]
    pub key_type: Option<String>,
    #[serde(default)]
    pub usage: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub end_date_time: Option<DateTime<Utc>>,
}

/// An app registration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// Object id (used in `/applications/{id}`).
    pub id: String,
    /// Client id.
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub sign_in_audience: Option<String>,
    #[serde(default)]
    pub publisher_domain: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    pub is_fallback_public_client: Option<bool>,
    #[serde(default)]
    pub public_client: Option<RedirectUris>,
    #[serde(default)]
    pub web: Option<RedirectUris>,
    #[serde(default)]
    pub spa: Option<RedirectUris>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub required_resource_access: Vec<RequiredResourceAccess>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub password_credentials: Vec<PasswordCredential>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub key_credentials: Vec<KeyCredential>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// The client-chosen alternate key (immutable); exowiz's apps carry `exowiz-…`.
    #[serde(default)]
    pub unique_name: Option<String>,
}

/// Body of `POST /applications`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApplication {
    pub display_name: String,
    /// Always sent: Graph's default for a bare POST is multi-tenant plus personal accounts.
    pub sign_in_audience: SignInAudience,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_client: Option<RedirectUris>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<RedirectUris>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spa: Option<RedirectUris>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_fallback_public_client: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_resource_access: Vec<RequiredResourceAccess>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl NewApplication {
    /// A single-tenant app with nothing else set.
    pub fn single_tenant(display_name: impl Into<String>) -> Self {
        Self {
            display_name: display_name.into(),
            sign_in_audience: SignInAudience::MyOrg,
            public_client: None,
            web: None,
            spa: None,
            is_fallback_public_client: None,
            required_resource_access: Vec::new(),
            notes: None,
            description: None,
        }
    }
}

/// Body of `PATCH /applications/{id}`; only the `Some` fields are changed.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationPatch {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sign_in_audience: Option<SignInAudience>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_client: Option<RedirectUris>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web: Option<RedirectUris>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spa: Option<RedirectUris>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_fallback_public_client: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_resource_access: Option<Vec<RequiredResourceAccess>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/// Body of `POST /applications/{id}/addPassword`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AddPasswordRequest {
    pub password_credential: PasswordCredentialInput,
}

/// The `passwordCredential` of an addPassword request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredentialInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(
        serialize_with = "ser_opt_graph_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_date_time: Option<DateTime<Utc>>,
    #[serde(
        serialize_with = "ser_opt_graph_time",
        skip_serializing_if = "Option::is_none"
    )]
    pub end_date_time: Option<DateTime<Utc>>,
}

/// Body of `POST /applications/{id}/removePassword`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovePasswordRequest {
    pub key_id: String,
}

/// A freshly created client secret. The secret text is only available now; its `Debug` output
/// never shows it.
#[derive(Clone)]
pub struct NewSecret {
    pub key_id: String,
    /// First characters of the secret, as Graph shows them in listings.
    pub hint: Option<String>,
    pub display_name: Option<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    pub secret_text: SecretString,
}

impl fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSecret")
            .field("key_id", &self.key_id)
            .field("hint", &self.hint)
            .field("display_name", &self.display_name)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("secret_text", &"[REDACTED]")
            .finish()
    }
}

/// The addPassword answer. `secretText` goes straight into a `SecretString`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NewSecretWire {
    key_id: String,
    #[serde(default)]
    hint: Option<String>,
    #[serde(default)]
    display_name: Option<String>,
    #[serde(default)]
    start_date_time: Option<DateTime<Utc>>,
    #[serde(default)]
    end_date_time: Option<DateTime<Utc>>,
    secret_text: SecretText,
}

impl From<NewSecretWire> for NewSecret {
    fn from(w: NewSecretWire) -> Self {
        Self {
            key_id: w.key_id,
            hint: w.hint,
            display_name: w.display_name,
            start: w.start_date_time,
            end: w.end_date_time,
            secret_text: w.secret_text.0,
        }
    }
}

/// Deserialises a JSON string directly into a `SecretString`; a transient owned `String`
/// (only produced for strings with escapes) is zeroised.
struct SecretText(SecretString);

impl<'de> Deserialize<'de> for SecretText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SecretText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the secret text as a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SecretText, E> {
                Ok(SecretText(SecretString::from(v)))
            }
            fn visit_string<E: serde::de::Error>(self, mut v: String) -> Result<SecretText, E> {
                let secret = SecretString::from(v.as_str());
                zeroize::Zeroize::zeroize(&mut v);
                Ok(SecretText(secret))
            }
        }
        d.deserialize_str(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Service principals and grants
// ---------------------------------------------------------------------------------------------

/// An application permission offered by an API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    pub id: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub allowed_member_types: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_enabled: bool,
}

/// A delegated permission offered by an API.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionScope {
    pub id: String,
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub admin_consent_display_name: Option<String>,
    #[serde(default)]
    pub admin_consent_description: Option<String>,
    /// `Admin` or `User`.
    #[serde(default, rename = "type")]
    pub scope_type: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub is_enabled: bool,
}

/// An enterprise application (service principal).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    /// Object id (used as `principalId` / `clientId` / `resourceId` in grants).
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub app_owner_organization_id: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub service_principal_type: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub service_principal_names: Vec<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub app_roles: Vec<AppRole>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub oauth2_permission_scopes: Vec<PermissionScope>,
}

impl ServicePrincipal {
    /// The enabled app role whose `value` is `name` (case-sensitive, as Graph compares).
    pub fn app_role(&self, name: &str) -> Option<&AppRole> {
        self.app_roles
            .iter()
            .find(|r| r.is_enabled && r.value.as_deref() == Some(name))
    }

    /// The enabled delegated scope whose `value` is `name`.
    pub fn scope(&self, name: &str) -> Option<&PermissionScope> {
        self.oauth2_permission_scopes
            .iter()
            .find(|s| s.is_enabled && s.value.as_deref() == Some(name))
    }
}

/// Body of `POST /servicePrincipals`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewServicePrincipal {
    pub app_id: String,
}

/// A granted application permission.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    /// Opaque id (not a GUID).
    pub id: String,
    pub app_role_id: String,
    #[serde(default)]
    pub principal_id: Option<String>,
    #[serde(default)]
    pub principal_type: Option<String>,
    #[serde(default)]
    pub principal_display_name: Option<String>,
    #[serde(default)]
    pub resource_id: Option<String>,
    #[serde(default)]
    pub resource_display_name: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<DateTime<Utc>>,
}

/// Body of `POST /servicePrincipals/{resource}/appRoleAssignedTo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewAppRoleAssignment {
    /// The client service principal.
    pub principal_id: String,
    /// The API's service principal.
    pub resource_id: String,
    pub app_role_id: String,
}

/// A tenant-wide (or per-user) delegated permission grant.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2PermissionGrant {
    /// Opaque id.
    pub id: String,
    pub client_id: String,
    #[serde(default)]
    pub consent_type: Option<String>,
    #[serde(default)]
    pub principal_id: Option<String>,
    pub resource_id: String,
    /// Space-separated scope names.
    #[serde(default)]
    pub scope: Option<String>,
}

impl OAuth2PermissionGrant {
    /// The granted scope names.
    pub fn scopes(&self) -> Vec<&str> {
        self.scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .collect()
    }
}

/// Body of `POST /oauth2PermissionGrants` (admin consent for all users).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewOAuth2PermissionGrant {
    pub client_id: String,
    /// Always `AllPrincipals`.
    pub consent_type: String,
    pub resource_id: String,
    pub scope: String,
}

/// Body of `PATCH /oauth2PermissionGrants/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2PermissionGrantPatch {
    pub scope: String,
}

/// Space-separated, trimmed, de-duplicated scope names in their given order.
pub(crate) fn join_scopes(scopes: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for s in scopes.iter().flat_map(|s| s.split_whitespace()) {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    seen.join(" ")
}

// ---------------------------------------------------------------------------------------------
// Paging and helpers
// ---------------------------------------------------------------------------------------------

/// One page of a collection.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Page<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_as_default")]
    pub value: Vec<T>,
    #[serde(default, rename = "@odata.nextLink")]
    pub next_link: Option<String>,
}

/// `null` or missing → `T::default()`.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Graph date-times: UTC, whole seconds, `Z` (Graph accepts at most 7 fractional digits, and a
/// secret's lifetime doesn't need any).
fn ser_opt_graph_time<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn secret_text_goes_into_a_secret_string_and_debug_hides_it() {
        let json = r#"{"customKeyIdentifier":null,"displayName":"exowiz","endDateTime":"2027-01-01T00:00:00Z","hint":"Q~8","keyId":"7e9d2c1a-0000-4000-8000-000000000001","secretText":"Q~8s3cr\u0065t-value","startDateTime":"2026-01-01T00:00:00Z"}"#;
        let wire: NewSecretWire = serde_json::from_str(json).unwrap();
        let secret = NewSecret::from(wire);
        assert_eq!(secret.secret_text.expose_secret(), "Q~8s3cret-value");
        let debug = format!("{secret:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("REDACTED"));
        assert_eq!(secret.hint.as_deref(), Some("Q~8"));
    }

    #[test]
    fn graph_times_have_whole_seconds() {
        let t = DateTime::parse_from_rfc3339("2027-01-01T10:20:30.123456789Z")
            .unwrap()
            .with_timezone(&Utc);
        let body = AddPasswordRequest {
            password_credential: PasswordCredentialInput {
                display_name: Some("x".into()),
                start_date_time: None,
                end_date_time: Some(t),
            },
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"passwordCredential": {"displayName": "x", "endDateTime": "2027-01-01T10:20:30Z"}})
        );
    }

    #[test]
    fn scopes_are_joined_once() {
        let s = vec![
            "IMAP.AccessAsUser.All".to_string(),
            " SMTP.Send offline_access".to_string(),
            "IMAP.AccessAsUser.All".to_string(),
        ];
        assert_eq!(
            join_scopes(&s),
            "IMAP.AccessAsUser.All SMTP.Send offline_access"
        );
    }

    #[test]
    fn nulls_are_tolerated() {
        let sp: ServicePrincipal = serde_json::from_str(
            r#"{"id":"1","appId":"2","appRoles":null,"oauth2PermissionScopes":[{"id":"3","value":"User.Read","isEnabled":null}]}"#,
        )
        .unwrap();
        assert!(sp.app_roles.is_empty());
        assert!(!sp.oauth2_permission_scopes[0].is_enabled);
    }
}
