//! Who is calling Graph: bearer token validation and permission checks (delegated scopes plus
//! the user's directory role, or application roles).

use axum::http::{HeaderMap, header};
use chrono::Utc;
use serde_json::Value;

use super::super::catalog::{GRAPH_APP_ID, GRAPH_RESOURCE};
use super::super::errors::{GraphError, GraphResult};
use super::super::shared::Shared;
use super::super::state::DirectoryRole;
use super::super::token::{self, TokenError};
use super::super::util::eq_ci;

#[derive(Debug, Clone)]
pub enum Caller {
    User {
        id: String,
        role: DirectoryRole,
        scopes: Vec<String>,
    },
    App {
        roles: Vec<String>,
    },
}

pub fn authenticate(shared: &Shared, headers: &HeaderMap) -> GraphResult<Caller> {
    let raw = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim();
    let bearer = raw
        .strip_prefix("Bearer ")
        .or_else(|| raw.strip_prefix("bearer "))
        .map(str::trim)
        .unwrap_or("");
    if bearer.is_empty() {
        return Err(GraphError::unauthenticated("Access token is empty."));
    }
    let claims = token::decode(&shared.key, bearer, Utc::now().timestamp()).map_err(|e| {
        GraphError::unauthenticated(match e {
            TokenError::Malformed => {
                "IDX14100: JWT is not well formed, there are no dots (.).\nThe token needs to be in JWS or JWE Compact Serialization Format. (JWS): 'EncodedHeader.EndcodedPayload.EncodedSignature'. (JWE): 'EncodedProtectedHeader.EncodedEncryptedKey.EncodedInitializationVector.EncodedCiphertext.EncodedAuthenticationTag'."
            }
            TokenError::BadSignature => "Access token validation failure. Invalid signature.",
            TokenError::Expired => "Lifetime validation failed, the token is expired.",
        })
    })?;
    let aud = claims["aud"].as_str().unwrap_or("");
    let base = shared.base_no_slash();
    let aud_ok = [GRAPH_RESOURCE, GRAPH_APP_ID, base.as_str()]
        .iter()
        .any(|a| eq_ci(aud.trim_end_matches('/'), a));
    if claims.get("rt").is_some() || !aud_ok {
        return Err(GraphError::unauthenticated(
            "Access token validation failure. Invalid audience.",
        ));
    }
    let tid = shared.read(|t| t.tenant_id.clone());
    if !eq_ci(claims["tid"].as_str().unwrap_or(""), &tid) {
        return Err(GraphError::unauthenticated(
            "Access token validation failure. Invalid issuer.",
        ));
    }
    if claims["idtyp"].as_str() == Some("app") {
        let roles = claims["roles"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        return Ok(Caller::App { roles });
    }
    let oid = claims["oid"].as_str().unwrap_or("");
    let user = shared.read(|t| t.user(oid).map(|u| (u.id().to_string(), u.directory_role)));
    let Some((id, role)) = user else {
        return Err(GraphError::unauthenticated(
            "Access token validation failure. The user does not exist.",
        ));
    };
    let scopes = claims["scp"]
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    Ok(Caller::User { id, role, scopes })
}

/// Permission sets for `Caller::require` (delegated scopes, application roles).
pub struct Needs {
    pub delegated: &'static [&'static str],
    pub app: &'static [&'static str],
}

pub const READ_APPS: Needs = Needs {
    delegated: &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    app: &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Application.ReadWrite.OwnedBy",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
pub const WRITE_APPS: Needs = Needs {
    delegated: &["Application.ReadWrite.All"],
    app: &["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"],
};
pub const READ_ASSIGNMENTS: Needs = Needs {
    delegated: &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    app: &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
pub const WRITE_ASSIGNMENTS: Needs = Needs {
    delegated: &["AppRoleAssignment.ReadWrite.All"],
    app: &["AppRoleAssignment.ReadWrite.All"],
};
pub const READ_GRANTS: Needs = Needs {
    delegated: &[
        "DelegatedPermissionGrant.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    app: &[
        "DelegatedPermissionGrant.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
pub const WRITE_GRANTS: Needs = Needs {
    delegated: &["DelegatedPermissionGrant.ReadWrite.All"],
    app: &["DelegatedPermissionGrant.ReadWrite.All"],
};
pub const READ_USERS: Needs = Needs {
    delegated: &[
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    app: &[
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
pub const READ_ORGANIZATION: Needs = Needs {
    delegated: &[
        "Organization.Read.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    app: &[
        "Organization.Read.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
pub const READ_DOMAINS: Needs = Needs {
    delegated: &[
        "Domain.Read.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    app: &[
        "Domain.Read.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
};
/// `GET /users/{id}/mailboxSettings`: only MailboxSettings.Read / .ReadWrite, delegated and
/// application alike (Microsoft Graph v1.0 "Get user mailbox settings", permissions table);
/// User.Read.All or Mail.* do not open it.
pub const READ_MAILBOX_SETTINGS: Needs = Needs {
    delegated: &["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
    app: &["MailboxSettings.Read", "MailboxSettings.ReadWrite"],
};

/// Which administrators may perform a write.
#[derive(Debug, Clone, Copy)]
pub enum AdminNeed {
    /// Creating or changing app registrations and service principals: Global Administrator,
    /// Cloud Application Administrator or Application Administrator.
    AppAdmin,
    /// Consent to delegated permissions or to app roles of APIs other than Microsoft Graph:
    /// any of the above or Privileged Role Administrator.
    Consent,
    /// App roles of Microsoft Graph: Global Administrator or Privileged Role Administrator.
    GlobalAdmin,
}

impl Caller {
    pub fn has(&self, needs: &Needs) -> bool {
        match self {
            Caller::User { scopes, .. } => scopes.iter().any(|s| {
                eq_ci(s, "Directory.AccessAsUser.All")
                    || needs.delegated.iter().any(|n| eq_ci(n, s))
            }),
            Caller::App { roles, .. } => {
                roles.iter().any(|r| needs.app.iter().any(|n| eq_ci(n, r)))
            }
        }
    }

    /// 403 unless the token carries one of the permissions.
    pub fn require(&self, needs: &Needs) -> GraphResult<()> {
        if self.has(needs) {
            Ok(())
        } else {
            Err(GraphError::denied())
        }
    }

    /// 403 unless the signed-in user holds an administrator role that allows the write
    /// (application callers are not limited by roles).
    pub fn require_admin(&self, need: AdminNeed) -> GraphResult<()> {
        match self {
            Caller::App { .. } => Ok(()),
            Caller::User { role, .. } => {
                use DirectoryRole::*;
                let allowed = match need {
                    AdminNeed::AppAdmin => matches!(
                        role,
                        GlobalAdministrator
                            | CloudApplicationAdministrator
                            | ApplicationAdministrator
                    ),
                    AdminNeed::Consent => !matches!(role, DirectoryRole::None),
                    AdminNeed::GlobalAdmin => {
                        matches!(role, GlobalAdministrator | PrivilegedRoleAdministrator)
                    }
                };
                if allowed {
                    Ok(())
                } else {
                    Err(GraphError::denied())
                }
            }
        }
    }

    pub fn user_id(&self) -> Option<&str> {
        match self {
            Caller::User { id, .. } => Some(id),
            Caller::App { .. } => None,
        }
    }
}
