//! Turns the profile's permission names into the GUIDs the tenant's resource service principals
//! publish (`appRoles` for application permissions, `oauth2PermissionScopes` for delegated ones).

use crate::graph::ServicePrincipal;
use crate::profile::{Api, Permission, PermissionType, well_known};

/// A permission with its GUID and where the GUID came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedPermission {
    pub permission: Permission,
    pub id: String,
    /// Description as the resource publishes it (portal's "Description" column).
    pub description: String,
    /// True when the GUID came from the built-in table because the tenant did not say.
    pub from_fallback: bool,
}

/// Resolves every permission against the resource SP (if it could be read), falling back to the
/// built-in table. A name neither knows is an error naming it.
pub fn resolve(
    permissions: &[Permission],
    resource_sp: impl Fn(Api) -> Option<ServicePrincipal>,
) -> Result<Vec<ResolvedPermission>, String> {
    let mut out = Vec::with_capacity(permissions.len());
    for p in permissions {
        let sp = resource_sp(p.api);
        let published = sp.as_ref().and_then(|sp| match p.kind {
            PermissionType::Application => sp
                .app_roles
                .iter()
                .find(|r| r.value.as_deref() == Some(p.name.as_str()))
                .map(|r| (r.id.clone(), r.description.clone().unwrap_or_default())),
            PermissionType::Delegated => sp
                .oauth2_permission_scopes
                .iter()
                .find(|s| s.value.as_deref() == Some(p.name.as_str()))
                .map(|s| {
                    (
                        s.id.clone(),
                        s.admin_consent_display_name.clone().unwrap_or_default(),
                    )
                }),
        });
        let resolved = match published {
            Some((id, description)) => ResolvedPermission {
                permission: p.clone(),
                id,
                description,
                from_fallback: false,
            },
            None => match well_known::permission_id(p.api, &p.name, p.kind) {
                // Only fall back when the tenant did not publish the resource at all: a resource
                // that is there but lacks the name means the name is wrong.
                Some(id) if sp.is_none() => ResolvedPermission {
                    permission: p.clone(),
                    id: id.to_string(),
                    description: String::new(),
                    from_fallback: true,
                },
                _ => {
                    return Err(format!(
                        "{} has no {} permission named '{}'. Check the spelling (names are case-sensitive).",
                        p.api.display_name(),
                        p.kind.as_str(),
                        p.name
                    ));
                }
            },
        };
        out.push(resolved);
    }
    Ok(out)
}
