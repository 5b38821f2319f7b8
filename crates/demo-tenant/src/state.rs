//! The tenant's data (what Graph shows) and its persistence to a JSON state file.
//!
//! Graph-visible properties of every object are kept as JSON maps in the exact shape Graph
//! returns them, so that rendering is a copy. Internal facts (directory role, mailbox, creation
//! instant for replication lag, secret hashes) sit next to them. Client secrets are never
//! stored, only `sha256(keyId ":" secret)`.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::util::{eq_ci, sprop};

pub type Props = Map<String, Value>;

pub const STATE_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub version: u32,
    pub tenant_id: String,
    /// Graph `organization` object.
    pub organization: Props,
    /// Graph `domain` objects.
    pub domains: Vec<Props>,
    pub users: Vec<User>,
    pub applications: Vec<Application>,
    pub service_principals: Vec<ServicePrincipal>,
    /// Graph `appRoleAssignment` objects.
    pub app_role_assignments: Vec<Props>,
    /// Graph `oAuth2PermissionGrant` objects.
    pub oauth2_permission_grants: Vec<Props>,
    /// Exchange Online's EWS settings (organisation and mailboxes). State files written
    /// before the demo tenant had EWS get the seeded settings.
    #[serde(default)]
    pub ews: super::ews::settings::EwsSettings,
    /// The app-management policy's limit on secrets' lifetime.
    #[serde(default)]
    pub app_policy: super::app_policy::AppPolicy,
}

/// The signed-in user's Entra directory role, as far as registering and consenting go
/// (Microsoft Entra, "Grant tenant-wide admin consent to an application", prerequisites, and
/// "Least privileged roles by task"):
/// * Global Administrator: everything;
/// * Privileged Role Administrator: consent to any permission of any API (Microsoft Graph
///   app roles included), but no app registrations;
/// * Cloud Application Administrator / Application Administrator: app registrations and
///   consent to everything except Microsoft Graph app roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DirectoryRole {
    GlobalAdministrator,
    PrivilegedRoleAdministrator,
    CloudApplicationAdministrator,
    ApplicationAdministrator,
    None,
}

impl DirectoryRole {
    /// Role template id as it appears in the `wids` claim.
    pub fn template_id(self) -> Option<&'static str> {
        match self {
            DirectoryRole::GlobalAdministrator => Some("62e90394-69f5-4237-9190-012177145e10"),
            DirectoryRole::PrivilegedRoleAdministrator => {
                Some("e8611ab8-c189-46e8-94e1-60213ab1f814")
            }
            DirectoryRole::CloudApplicationAdministrator => {
                Some("158c047a-c907-4556-b7ef-446551a6b5f7")
            }
            DirectoryRole::ApplicationAdministrator => Some("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"),
            DirectoryRole::None => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DirectoryRole::GlobalAdministrator => "Global Administrator",
            DirectoryRole::PrivilegedRoleAdministrator => "Privileged Role Administrator",
            DirectoryRole::CloudApplicationAdministrator => "Cloud Application Administrator",
            DirectoryRole::ApplicationAdministrator => "Application Administrator",
            DirectoryRole::None => "no admin role",
        }
    }
}

/// What happens when the user signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInRule {
    Normal,
    /// AADSTS50076: multi-factor authentication required.
    MfaRequired,
    /// AADSTS53003: blocked by Conditional Access.
    BlockedByConditionalAccess,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Graph `user` object (all properties; the default `GET` shows a subset).
    pub props: Props,
    pub directory_role: DirectoryRole,
    pub sign_in: SignInRule,
    /// Graph `mailboxSettings`, `None` when the user has no Exchange Online mailbox.
    pub mailbox_settings: Option<Props>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretHash {
    pub key_id: String,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// Graph `application` object; `passwordCredentials[].secretText` is always null.
    pub props: Props,
    /// Creation time (ms since the epoch), for replication lag.
    pub created_ms: i64,
    pub secret_hashes: Vec<SecretHash>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    /// Graph `servicePrincipal` object.
    pub props: Props,
    pub created_ms: i64,
}

impl User {
    pub fn id(&self) -> &str {
        sprop(&self.props, "id")
    }
    pub fn upn(&self) -> &str {
        sprop(&self.props, "userPrincipalName")
    }
    pub fn display_name(&self) -> &str {
        sprop(&self.props, "displayName")
    }
}

impl Application {
    pub fn id(&self) -> &str {
        sprop(&self.props, "id")
    }
    pub fn app_id(&self) -> &str {
        sprop(&self.props, "appId")
    }
    pub fn display_name(&self) -> &str {
        sprop(&self.props, "displayName")
    }
}

impl ServicePrincipal {
    pub fn id(&self) -> &str {
        sprop(&self.props, "id")
    }
    pub fn app_id(&self) -> &str {
        sprop(&self.props, "appId")
    }
    pub fn display_name(&self) -> &str {
        sprop(&self.props, "displayName")
    }
}

impl Tenant {
    pub fn user(&self, id_or_upn: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| eq_ci(u.id(), id_or_upn) || eq_ci(u.upn(), id_or_upn))
    }

    pub fn app(&self, id: &str) -> Option<&Application> {
        self.applications.iter().find(|a| eq_ci(a.id(), id))
    }

    pub fn app_mut(&mut self, id: &str) -> Option<&mut Application> {
        self.applications.iter_mut().find(|a| eq_ci(a.id(), id))
    }

    pub fn app_by_app_id(&self, app_id: &str) -> Option<&Application> {
        self.applications.iter().find(|a| eq_ci(a.app_id(), app_id))
    }

    pub fn sp(&self, id: &str) -> Option<&ServicePrincipal> {
        self.service_principals.iter().find(|s| eq_ci(s.id(), id))
    }

    pub fn sp_mut(&mut self, id: &str) -> Option<&mut ServicePrincipal> {
        self.service_principals
            .iter_mut()
            .find(|s| eq_ci(s.id(), id))
    }

    pub fn sp_by_app_id(&self, app_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals
            .iter()
            .find(|s| eq_ci(s.app_id(), app_id))
    }

    /// The verified domain names.
    pub fn domain_names(&self) -> Vec<String> {
        self.domains
            .iter()
            .map(|d| sprop(d, "id").to_string())
            .collect()
    }

    pub fn initial_domain(&self) -> String {
        self.domains
            .iter()
            .find(|d| d.get("isInitial") == Some(&Value::Bool(true)))
            .map(|d| sprop(d, "id").to_string())
            .unwrap_or_default()
    }

    pub fn display_name(&self) -> &str {
        sprop(&self.organization, "displayName")
    }

    /// Remove a service principal and everything that references it (assignments, grants).
    pub fn delete_sp_cascade(&mut self, sp_id: &str) {
        self.service_principals.retain(|s| !eq_ci(s.id(), sp_id));
        self.app_role_assignments.retain(|a| {
            !eq_ci(sprop(a, "principalId"), sp_id) && !eq_ci(sprop(a, "resourceId"), sp_id)
        });
        self.oauth2_permission_grants.retain(|g| {
            !eq_ci(sprop(g, "clientId"), sp_id) && !eq_ci(sprop(g, "resourceId"), sp_id)
        });
    }

    /// The tenant as JSON for tests and `/_emulator/state`, without secret hashes.
    pub fn snapshot(&self) -> Value {
        let users: Vec<Value> = self
            .users
            .iter()
            .map(|u| {
                let mut v = Value::Object(u.props.clone());
                v["directoryRole"] = Value::String(u.directory_role.label().to_string());
                v["hasMailbox"] = Value::Bool(u.mailbox_settings.is_some());
                v
            })
            .collect();
        serde_json::json!({
            "tenantId": self.tenant_id,
            "organization": self.organization,
            "domains": self.domains,
            "users": users,
            "applications": self.applications.iter().map(|a| Value::Object(a.props.clone())).collect::<Vec<_>>(),
            "servicePrincipals": self.service_principals.iter().map(|s| Value::Object(s.props.clone())).collect::<Vec<_>>(),
            "appRoleAssignments": self.app_role_assignments,
            "oauth2PermissionGrants": self.oauth2_permission_grants,
            "ews": self.ews,
        })
    }
}

/// Load a state file; `Ok(None)` when it does not exist.
pub fn load(path: &Path) -> std::io::Result<Option<Tenant>> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let tenant: Tenant = serde_json::from_slice(&bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("state file {}: {e}", path.display()),
        )
    })?;
    if tenant.version != STATE_VERSION {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "state file {}: unsupported version {} (expected {STATE_VERSION})",
                path.display(),
                tenant.version
            ),
        ));
    }
    Ok(Some(tenant))
}

/// Save atomically: write a temporary file next to the target, then rename it over.
pub fn save(path: &Path, tenant: &Tenant) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(tenant)?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    {
        // Owner-only: the state names the demo apps (issue 14.10).
        let mut f = super::private_file::open_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        super::private_file::restrict(&tmp)?;
        f.write_all(&json)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)
}
