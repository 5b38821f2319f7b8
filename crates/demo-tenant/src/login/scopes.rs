//! Parsing the `scope` parameter: OIDC scopes, one resource, its permission names or `.default`.

use serde_json::Value;

use super::super::catalog::{
    self, EXCHANGE_APP_ID, EXCHANGE_RESOURCE, GRAPH_APP_ID, GRAPH_RESOURCE,
};
use super::super::errors::OAuthError;
use super::super::ops;
use super::super::shared::Shared;
use super::super::state::{ServicePrincipal, Tenant};
use super::super::util::{eq_ci, sprop};

pub const OIDC_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

/// The resource a token is for.
#[derive(Debug, Clone)]
pub struct Resource {
    pub sp_id: String,
    pub app_id: String,
    pub display_name: String,
    /// `aud` claim.
    pub aud: String,
}

impl Resource {
    pub fn is_graph(&self) -> bool {
        eq_ci(&self.app_id, GRAPH_APP_ID)
    }
}

/// A parsed `scope` parameter.
#[derive(Debug, Clone)]
pub struct Requested {
    pub resource: Resource,
    /// The resource prefix as the client wrote it (`None` for bare names such as `User.Read`).
    pub prefix: Option<String>,
    /// Canonical permission values (not including OIDC scopes).
    pub permissions: Vec<String>,
    pub dot_default: bool,
    /// OIDC scopes that were asked for, lower case.
    pub oidc: Vec<String>,
}

impl Requested {
    pub fn wants(&self, oidc: &str) -> bool {
        self.oidc.iter().any(|o| o == oidc)
    }

    /// Render granted permissions the way the client named the resource.
    pub fn qualified(&self, permission: &str) -> String {
        match &self.prefix {
            Some(p) => format!("{}/{permission}", p.trim_end_matches('/')),
            None => permission.to_string(),
        }
    }
}

fn resource_of(sp: &ServicePrincipal) -> Resource {
    let aud = if eq_ci(sp.app_id(), GRAPH_APP_ID) {
        GRAPH_RESOURCE.to_string()
    } else if eq_ci(sp.app_id(), EXCHANGE_APP_ID) {
        EXCHANGE_RESOURCE.to_string()
    } else {
        sp.app_id().to_string()
    };
    Resource {
        sp_id: sp.id().to_string(),
        app_id: sp.app_id().to_string(),
        display_name: sp.display_name().to_string(),
        aud,
    }
}

/// Find the service principal named by a scope prefix (`https://graph.microsoft.com`, the
/// emulator's base URL, `https://outlook.office365.com`, an appId or any servicePrincipalName).
pub fn find_resource(shared: &Shared, t: &Tenant, prefix: &str) -> Option<Resource> {
    let base = shared.base_no_slash();
    if catalog::is_graph_resource(prefix, &base) {
        return t.sp_by_app_id(GRAPH_APP_ID).map(resource_of);
    }
    let wanted = prefix.trim_end_matches('/');
    t.service_principals
        .iter()
        .filter(|sp| shared.sp_visible(sp))
        .find(|sp| {
            eq_ci(sp.app_id(), wanted)
                || sp
                    .props
                    .get("servicePrincipalNames")
                    .and_then(Value::as_array)
                    .is_some_and(|names| {
                        names
                            .iter()
                            .filter_map(Value::as_str)
                            .any(|n| eq_ci(n.trim_end_matches('/'), wanted))
                    })
        })
        .map(resource_of)
}

/// Entra puts the resource URI the client asked for into `aud` (e.g.
/// `https://outlook.office.com` vs `https://outlook.office365.com`); Graph tokens always say
/// `https://graph.microsoft.com`.
pub fn with_requested_audience(mut r: Resource, prefix: Option<&str>) -> Resource {
    if let Some(p) = prefix
        && !r.is_graph()
        && (p.starts_with("https://") || p.starts_with("http://") || p.starts_with("api://"))
    {
        r.aud = p.trim_end_matches('/').to_string();
    }
    r
}

pub fn resource_not_found(org: &str, name: &str) -> OAuthError {
    OAuthError::new(
        400,
        "invalid_resource",
        500011,
        format!(
            "The resource principal named {name} was not found in the tenant named {org}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."
        ),
    )
}

/// Parse and validate a `scope` parameter.
pub fn parse(shared: &Shared, scope: &str) -> Result<Requested, OAuthError> {
    shared.read(|t| parse_in(shared, t, scope))
}

fn parse_in(shared: &Shared, t: &Tenant, scope: &str) -> Result<Requested, OAuthError> {
    let mut oidc = Vec::new();
    let mut prefix: Option<String> = None;
    let mut resource: Option<Resource> = None;
    let mut perms: Vec<String> = Vec::new();
    let mut dot_default = false;
    for item in scope.split_whitespace() {
        if let Some(o) = OIDC_SCOPES.iter().find(|o| eq_ci(o, item)) {
            if !oidc.iter().any(|x: &String| x == o) {
                oidc.push(o.to_string());
            }
            continue;
        }
        let (this_prefix, name) = match item.rfind('/') {
            Some(i) => (Some(&item[..i]), &item[i + 1..]),
            None => (None, item),
        };
        let this_resource = match this_prefix {
            Some(p) => find_resource(shared, t, p)
                .ok_or_else(|| resource_not_found(t.display_name(), p))?,
            None => t
                .sp_by_app_id(GRAPH_APP_ID)
                .map(resource_of)
                .ok_or_else(|| resource_not_found(t.display_name(), GRAPH_RESOURCE))?,
        };
        if let Some(r) = &resource
            && !eq_ci(&r.sp_id, &this_resource.sp_id)
        {
            return Err(OAuthError::invalid_scope(
                28000,
                format!(
                    "Provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid."
                ),
            ));
        }
        if resource.is_none() {
            resource = Some(with_requested_audience(this_resource.clone(), this_prefix));
            prefix = this_prefix.map(str::to_string);
        }
        if name == ".default" {
            dot_default = true;
            continue;
        }
        let sp = t
            .sp(&this_resource.sp_id)
            .expect("resource service principal exists");
        let Some(found) = ops::sp_scope_by_value(&sp.props, name) else {
            return Err(OAuthError::invalid_scope(
                70011,
                format!(
                    "The provided value for the input parameter 'scope' is not valid. The scope '{item}' does not exist."
                ),
            ));
        };
        let value = sprop(found, "value").to_string();
        if !perms.iter().any(|p| eq_ci(p, &value)) {
            perms.push(value);
        }
    }
    if dot_default && !perms.is_empty() {
        return Err(OAuthError::invalid_scope(
            70011,
            format!(
                "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid. static scope limit exceeded."
            ),
        ));
    }
    let resource = match resource {
        Some(r) => r,
        None => t
            .sp_by_app_id(GRAPH_APP_ID)
            .map(resource_of)
            .ok_or_else(|| resource_not_found(t.display_name(), GRAPH_RESOURCE))?,
    };
    Ok(Requested {
        resource,
        prefix,
        permissions: perms,
        dot_default,
        oidc,
    })
}
