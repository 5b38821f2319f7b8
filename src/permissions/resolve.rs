//! Turns the profile's permission names into the GUIDs the tenant's resource service principals
//! publish (`appRoles` for application permissions, `oauth2PermissionScopes` for delegated ones).

use crate::graph::ServicePrincipal;
use crate::profile::{Api, Permission, PermissionType, well_known};

/// A permission name the resource does not publish (and, where the tenant did not publish the
/// resource at all, the built-in table does not know): the profile or `--permission` is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{} has no {} permission named '{name}'. Check the spelling (names are case-sensitive).",
    api.display_name(),
    kind.as_str()
)]
pub struct UnknownPermission {
    pub api: Api,
    pub kind: PermissionType,
    pub name: String,
}

/// A misspelt permission is the admin's input (a `--permission`, a profile): nothing changed.
impl From<UnknownPermission> for crate::error::JobError {
    fn from(e: UnknownPermission) -> Self {
        crate::error::JobError::Input(e.to_string())
    }
}

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
) -> Result<Vec<ResolvedPermission>, UnknownPermission> {
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
                    return Err(UnknownPermission {
                        api: p.api,
                        kind: p.kind,
                        name: p.name.clone(),
                    });
                }
            },
        };
        out.push(resolved);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name the resource does not publish stays an error naming the API, type and name.
    #[test]
    fn an_unknown_name_is_named() {
        let wrong = Permission::parse_spec("graph:Mail.Sendd:application").unwrap();
        // The tenant publishes Graph, without that name.
        let sp: ServicePrincipal =
            serde_json::from_value(serde_json::json!({"id": "sp", "appId": "graph"})).unwrap();
        let err = resolve(&[wrong], |_| Some(sp.clone())).unwrap_err();
        assert_eq!(err.name, "Mail.Sendd");
        assert_eq!(err.kind, PermissionType::Application);
        assert_eq!(
            crate::error::JobError::from(err).kind(),
            crate::error::JobErrorKind::Input
        );
    }
}
