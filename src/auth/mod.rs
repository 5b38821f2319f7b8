//! Sign-in to Microsoft Entra ID and the credential check of a new secret.
//!
//! * [`BrowserSignIn`] – authorization code + PKCE with a loopback redirect (the default).
//! * [`DeviceCodeFlow`] – device authorization grant (RFC 8628) for `--device-code` or when no
//!   browser can be opened.
//! * [`refresh`] – renews a sign-in with its refresh token.
//! * [`client_credentials_token`] – proves that a client secret works and shows its roles.
//! * [`discover`] / [`lookup_tenant_id`] – OpenID discovery; every endpoint comes from there.
//! * [`admin_consent_url`] – the admin consent link for a registered app;
//!   [`ConsentListener`] – the same link with a loopback listener that learns the answer at once.
//!
//! HTTP is done with the `reqwest::Client` the caller passes in (see [`http_client`]); the
//! module never opens a browser itself, it takes an opener callback.

mod client_credentials;
mod consent;
mod consent_listener;
mod device_code;
mod discovery;
mod error;
mod pkce;
mod refresh;
mod token;
mod transport;

use std::time::Duration;

use crate::endpoints::Endpoints;

pub use client_credentials::client_credentials_token;
pub use consent::{CONSENT_REDIRECT_URI, admin_consent_url};
pub use consent_listener::{CONSENT_LISTEN_TIMEOUT, ConsentAnswer, ConsentListener};
pub use device_code::{DeviceCodeFlow, DeviceCodeSession};
pub use discovery::{OidcConfig, discover, discover_once, lookup_tenant_id, normalize_domain};
pub use error::{AuthError, EntraError};
pub use pkce::{BrowserSignIn, DEFAULT_BROWSER_TIMEOUT, PendingBrowserSignIn, sign_in_browser};
pub use refresh::refresh;
pub use token::{Claims, Tokens};

/// Microsoft Graph Command Line Tools (the client of Graph PowerShell): the default public
/// client, which supports dynamic scopes, the browser and the device-code sign-in.
pub const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// The tenant used when the admin does not name one: any work or school account.
pub const DEFAULT_TENANT: &str = "organizations";

/// The Graph permissions (delegated) a registration job needs, by name: the least privileged
/// scope of each call exowiz makes (Microsoft Graph v1.0 permission tables of each page), and
/// nothing else.
pub const REGISTRATION_GRAPH_SCOPES: &[&str] = &[
    // POST/PATCH/GET /applications, addPassword, removePassword, POST/GET /servicePrincipals.
    "Application.ReadWrite.All",
    // POST/GET/DELETE /servicePrincipals/{id}/appRoleAssignedTo, GET …/appRoleAssignments.
    "AppRoleAssignment.ReadWrite.All",
    // POST/PATCH/GET /oauth2PermissionGrants.
    "DelegatedPermissionGrant.ReadWrite.All",
    // GET /organization: onPremisesSyncEnabled (the hybrid hint) needs more than User.Read.
    "Organization.Read.All",
    // GET /users/{address} and /users?$filter=proxyAddresses/any(…): the mailbox check.
    "User.Read.All",
];

/// OpenID Connect scopes that are requested without a resource prefix.
pub const OIDC_SCOPES: &[&str] = &["openid", "profile", "offline_access"];

/// Who signs in where, with which app, asking for what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInConfig {
    pub endpoints: Endpoints,
    /// Tenant GUID, a verified domain, or `organizations` (default).
    pub tenant: String,
    /// Public client to sign in with; default [`GRAPH_CLI_CLIENT_ID`].
    pub client_id: String,
    /// Full scope strings, e.g. `https://graph.microsoft.com/Application.ReadWrite.All`,
    /// `offline_access`.
    pub scopes: Vec<String>,
}

impl SignInConfig {
    /// Sign-in for a registration job: `organizations`, Graph Command Line Tools,
    /// [`registration_scopes`].
    pub fn for_registration(endpoints: Endpoints) -> Self {
        let scopes = registration_scopes(&endpoints);
        Self {
            endpoints,
            tenant: DEFAULT_TENANT.to_string(),
            client_id: GRAPH_CLI_CLIENT_ID.to_string(),
            scopes,
        }
    }

    /// Same, for a named tenant (GUID or domain).
    pub fn with_tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = tenant.into();
        self
    }

    /// Same, with another public client (`--client-id`).
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// The scopes as the space-separated `scope` parameter.
    pub(crate) fn scope_param(&self) -> String {
        self.scopes.join(" ")
    }
}

/// The scopes a registration job needs: the Graph permissions of
/// [`REGISTRATION_GRAPH_SCOPES`] as full scope strings, then `openid profile offline_access`.
pub fn registration_scopes(endpoints: &Endpoints) -> Vec<String> {
    REGISTRATION_GRAPH_SCOPES
        .iter()
        .map(|s| endpoints.graph_scope(s))
        .chain(OIDC_SCOPES.iter().map(|s| s.to_string()))
        .collect()
}

/// An HTTP client suited to the sign-in calls: bounded connect and request times, no
/// cookies, a user agent naming exowiz, the system's proxy and roots (crate::net).
pub fn http_client() -> Result<reqwest::Client, AuthError> {
    crate::net::http_client(crate::net::Timeouts {
        connect: Duration::from_secs(15),
        request: Duration::from_secs(60),
    })
    .map_err(|e| AuthError::HttpSetup(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::Cloud;

    #[test]
    fn registration_scopes_are_prefixed_except_oidc() {
        let s = registration_scopes(&Endpoints::for_cloud(Cloud::Global));
        assert!(s.contains(&"https://graph.microsoft.com/Application.ReadWrite.All".to_string()));
        // exowiz reads no /domains: it does not ask for Domain.Read.All.
        assert!(!s.iter().any(|x| x.ends_with("Domain.Read.All")), "{s:?}");
        assert!(s.contains(&"https://graph.microsoft.com/User.Read.All".to_string()));
        assert!(s.contains(&"offline_access".to_string()));
        assert!(s.contains(&"openid".to_string()));
        assert!(s.contains(&"profile".to_string()));
        assert_eq!(s.len(), 8);
    }

    #[test]
    fn default_config() {
        let c = SignInConfig::for_registration(Endpoints::for_cloud(Cloud::Usgov));
        assert_eq!(c.tenant, "organizations");
        assert_eq!(c.client_id, GRAPH_CLI_CLIENT_ID);
        assert!(
            c.scope_param()
                .starts_with("https://graph.microsoft.us/Application.ReadWrite.All ")
        );
    }
}
