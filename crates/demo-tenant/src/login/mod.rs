//! The sign-in side, at the same paths as `login.microsoftonline.com`: OIDC discovery,
//! authorize (+ PKCE), device code, token, admin consent, and the HTML pages a browser sees.

pub mod authorize;
pub mod consent;
pub mod device;
pub mod discovery;
pub mod issue;
pub mod pages;
pub mod scopes;
pub mod session;
pub mod token_endpoint;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use super::catalog::{AZURE_CLI_APP_ID, GRAPH_CLI_APP_ID};
use super::errors::OAuthError;
use super::ops;
use super::shared::Shared;
use super::util::eq_ci;

pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::v2),
        )
        .route(
            "/{tenant}/.well-known/openid-configuration",
            get(discovery::v1),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::keys))
        .route("/{tenant}/discovery/keys", get(discovery::keys))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::start).post(authorize::submit),
        )
        .route(
            "/{tenant}/oauth2/authorize",
            get(authorize::start).post(authorize::submit),
        )
        .route(
            "/{tenant}/oauth2/v2.0/token",
            post(token_endpoint::v2).get(token_endpoint::only_post),
        )
        .route(
            "/{tenant}/oauth2/token",
            post(token_endpoint::v1).get(token_endpoint::only_post),
        )
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(device::code_v2).get(token_endpoint::only_post),
        )
        .route(
            "/{tenant}/oauth2/devicecode",
            post(device::code_v1).get(token_endpoint::only_post),
        )
        .route("/{tenant}/oauth2/v2.0/logout", get(discovery::logout))
        .route("/{tenant}/oauth2/logout", get(discovery::logout))
        .route("/devicelogin", get(device::page).post(device::submit))
        .route(
            "/{tenant}/adminconsent",
            get(consent::start_v1).post(consent::submit),
        )
        .route(
            "/{tenant}/v2.0/adminconsent",
            get(consent::start_v2).post(consent::submit),
        )
}

/// The `{tenant}` path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantRef {
    /// The tenant GUID or one of its verified domains.
    Specific,
    Organizations,
    Common,
}

pub fn resolve_tenant(shared: &Shared, raw: &str) -> Result<TenantRef, OAuthError> {
    if eq_ci(raw, "organizations") {
        return Ok(TenantRef::Organizations);
    }
    if eq_ci(raw, "common") {
        return Ok(TenantRef::Common);
    }
    let known =
        shared.read(|t| eq_ci(&t.tenant_id, raw) || t.domain_names().iter().any(|d| eq_ci(d, raw)));
    if known {
        Ok(TenantRef::Specific)
    } else {
        Err(OAuthError::unknown_tenant(raw))
    }
}

/// An application that may ask for tokens.
#[derive(Debug, Clone)]
pub struct ClientApp {
    pub app_id: String,
    pub display_name: String,
    /// Microsoft's public clients (Graph Command Line Tools, Azure CLI).
    pub first_party: bool,
    /// "Allow public client flows".
    pub public_fallback: bool,
    pub public_redirects: Vec<String>,
    pub all_redirects: Vec<String>,
    /// `requiredResourceAccess` of the registration.
    pub required_resource_access: serde_json::Value,
    pub sign_in_audience: String,
}

impl ClientApp {
    /// May use device code / public flows without a secret.
    pub fn is_public(&self) -> bool {
        self.first_party || self.public_fallback || !self.public_redirects.is_empty()
    }

    /// Does `uri` match a registered redirect URI? Loopback URIs match regardless of port.
    pub fn redirect_allowed(&self, uri: &str) -> bool {
        let Ok(req) = url::Url::parse(uri) else {
            return false;
        };
        if self.first_party {
            return is_loopback(&req)
                || uri.eq_ignore_ascii_case(
                    "https://login.microsoftonline.com/common/oauth2/nativeclient",
                );
        }
        self.all_redirects.iter().any(|r| redirect_matches(r, &req))
    }

    /// Was the redirect URI registered as a public client (mobile/desktop) one?
    pub fn redirect_is_public(&self, uri: &str) -> bool {
        if self.first_party {
            return true;
        }
        let Ok(req) = url::Url::parse(uri) else {
            return false;
        };
        self.public_redirects
            .iter()
            .any(|r| redirect_matches(r, &req))
    }
}

fn is_loopback(u: &url::Url) -> bool {
    u.scheme() == "http"
        && matches!(
            u.host_str(),
            Some("localhost") | Some("127.0.0.1") | Some("[::1]")
        )
}

fn redirect_matches(registered: &str, req: &url::Url) -> bool {
    let Ok(reg) = url::Url::parse(registered) else {
        return false;
    };
    if is_loopback(&reg) && is_loopback(req) {
        // Entra ignores the port of loopback redirect URIs.
        return reg.host_str() == req.host_str() && reg.path() == req.path();
    }
    reg.scheme() == req.scheme()
        && reg.host_str().map(str::to_ascii_lowercase)
            == req.host_str().map(str::to_ascii_lowercase)
        && reg.port_or_known_default() == req.port_or_known_default()
        && reg.path() == req.path()
        && reg.query() == req.query()
}

pub fn unknown_client(shared: &Shared, client_id: &str) -> OAuthError {
    let org = shared.read(|t| t.display_name().to_string());
    OAuthError::new(
        400,
        "unauthorized_client",
        700016,
        format!(
            "Application with identifier '{client_id}' was not found in the directory '{org}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
        ),
    )
}

/// Find the client application (first-party public client or an app of the tenant that has
/// replicated already).
pub fn find_client(shared: &Shared, client_id: &str) -> Result<ClientApp, OAuthError> {
    if eq_ci(client_id, GRAPH_CLI_APP_ID) || eq_ci(client_id, AZURE_CLI_APP_ID) {
        let name = if eq_ci(client_id, GRAPH_CLI_APP_ID) {
            "Microsoft Graph Command Line Tools"
        } else {
            "Microsoft Azure CLI"
        };
        return Ok(ClientApp {
            app_id: client_id.to_ascii_lowercase(),
            display_name: name.to_string(),
            first_party: true,
            public_fallback: true,
            public_redirects: vec!["http://localhost".into()],
            all_redirects: vec!["http://localhost".into()],
            required_resource_access: serde_json::json!([]),
            sign_in_audience: "AzureADMultipleOrgs".into(),
        });
    }
    let found = shared.read(|t| {
        t.app_by_app_id(client_id)
            .filter(|a| shared.app_visible(a))
            .map(|a| ClientApp {
                app_id: a.app_id().to_string(),
                display_name: a.display_name().to_string(),
                first_party: false,
                public_fallback: a.props.get("isFallbackPublicClient")
                    == Some(&serde_json::Value::Bool(true)),
                public_redirects: ops::public_client_redirect_uris(&a.props),
                all_redirects: ops::application_redirect_uris(&a.props),
                required_resource_access: a
                    .props
                    .get("requiredResourceAccess")
                    .cloned()
                    .unwrap_or_else(|| serde_json::json!([])),
                sign_in_audience: super::util::sprop(&a.props, "signInAudience").to_string(),
            })
    });
    found.ok_or_else(|| unknown_client(shared, client_id))
}

/// Single-tenant apps cannot sign in through `/common` or `/organizations` (AADSTS50194).
pub fn check_audience(client: &ClientApp, kind: TenantRef) -> Result<(), OAuthError> {
    if kind != TenantRef::Specific && client.sign_in_audience == "AzureADMyOrg" {
        return Err(OAuthError::invalid_request(
            50194,
            format!(
                "Application '{}'({}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.",
                client.app_id, client.display_name
            ),
        ));
    }
    Ok(())
}
