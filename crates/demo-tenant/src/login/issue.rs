//! Building access, refresh and ID tokens and the token endpoint's success body.

use chrono::Utc;
use serde_json::{Value, json};

use super::super::catalog::GRAPH_CLI_APP_ID;
use super::super::errors::OAuthError;
use super::super::shared::Shared;
use super::super::state::{DirectoryRole, SignInRule, Tenant};
use super::super::token;
use super::super::util::{eq_ci, new_guid, random_token, sprop};
use super::ClientApp;
use super::scopes::{self, Requested, Resource};

/// Refresh tokens are valid this long (Entra: 90 days sliding).
const REFRESH_LIFETIME_SECS: i64 = 90 * 24 * 3600;

/// The signed-in user.
#[derive(Debug, Clone)]
pub struct SignedInUser {
    pub id: String,
    pub upn: String,
    pub name: String,
    pub given_name: Value,
    pub surname: Value,
    pub role: DirectoryRole,
    pub sign_in: SignInRule,
    pub enabled: bool,
}

pub fn user_info(t: &Tenant, id_or_upn: &str) -> Option<SignedInUser> {
    t.user(id_or_upn).map(|u| SignedInUser {
        id: u.id().to_string(),
        upn: u.upn().to_string(),
        name: u.display_name().to_string(),
        given_name: u.props.get("givenName").cloned().unwrap_or(Value::Null),
        surname: u.props.get("surname").cloned().unwrap_or(Value::Null),
        role: u.directory_role,
        sign_in: u.sign_in,
        enabled: u.props.get("accountEnabled") != Some(&Value::Bool(false)),
    })
}

pub fn unknown_user(upn: &str, org: &str) -> OAuthError {
    OAuthError::invalid_grant(
        50034,
        format!(
            "The user account {upn} does not exist in the {org} directory. To sign into this application, the account must be added to the directory."
        ),
    )
}

/// The error a sign-in of this user produces, if any (MFA, Conditional Access, disabled).
pub fn sign_in_error(user: &SignedInUser, resource_app_id: &str) -> Option<OAuthError> {
    if !user.enabled {
        return Some(OAuthError::invalid_grant(
            50057,
            "The user account is disabled.",
        ));
    }
    match user.sign_in {
        SignInRule::Normal => None,
        SignInRule::MfaRequired => Some(OAuthError::invalid_grant(
            50076,
            format!(
                "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '{resource_app_id}'."
            ),
        )),
        SignInRule::BlockedByConditionalAccess => Some(OAuthError::invalid_grant(
            53003,
            "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
        )),
    }
}

fn now_secs() -> i64 {
    Utc::now().timestamp()
}

fn issuer(shared: &Shared, tid: &str) -> String {
    format!("{}{tid}/v2.0", shared.login_base())
}

/// Delegated permissions the token carries.
fn delegated_permissions(
    t: &Tenant,
    client: &ClientApp,
    req: &Requested,
    user_id: &str,
) -> Vec<String> {
    if !req.dot_default {
        return req.permissions.clone();
    }
    // `.default`: what was consented for this client and resource.
    let mut out: Vec<String> = Vec::new();
    if let Some(client_sp) = t.sp_by_app_id(&client.app_id) {
        for g in &t.oauth2_permission_grants {
            let for_user = sprop(g, "consentType") == "AllPrincipals"
                || eq_ci(sprop(g, "principalId"), user_id);
            if for_user
                && eq_ci(sprop(g, "clientId"), client_sp.id())
                && eq_ci(sprop(g, "resourceId"), &req.resource.sp_id)
            {
                for s in sprop(g, "scope").split_whitespace() {
                    if !out.iter().any(|o| eq_ci(o, s)) {
                        out.push(s.to_string());
                    }
                }
            }
        }
    }
    if out.is_empty() && !client.first_party {
        // Not consented yet: the approval page stands for the user's consent to the
        // permissions the registration asks for.
        if let (Some(list), Some(resource_sp)) = (
            client.required_resource_access.as_array(),
            t.sp(&req.resource.sp_id),
        ) {
            for rra in list {
                if !eq_ci(
                    rra.get("resourceAppId")
                        .and_then(Value::as_str)
                        .unwrap_or(""),
                    &req.resource.app_id,
                ) {
                    continue;
                }
                for ra in rra
                    .get("resourceAccess")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if ra.get("type").and_then(Value::as_str) != Some("Scope") {
                        continue;
                    }
                    let id = ra.get("id").and_then(Value::as_str).unwrap_or("");
                    if let Some(s) = super::super::ops::sp_scope_by_id(&resource_sp.props, id) {
                        out.push(sprop(s, "value").to_string());
                    }
                }
            }
        }
    }
    if out.is_empty() && req.resource.is_graph() {
        out.push("User.Read".into());
    }
    out
}

fn delegated_claims(
    shared: &Shared,
    tid: &str,
    user: &SignedInUser,
    client: &ClientApp,
    resource: &Resource,
    scp: &str,
) -> Value {
    let now = now_secs();
    let exp = now + shared.config.token_lifetime.as_secs() as i64;
    let wids: Vec<&str> = user.role.template_id().into_iter().collect();
    json!({
        "aud": resource.aud,
        "iss": issuer(shared, tid),
        "iat": now,
        "nbf": now,
        "exp": exp,
        "acr": "1",
        "amr": ["pwd"],
        "app_displayname": client.display_name,
        "appid": client.app_id,
        "appidacr": "0",
        "family_name": user.surname,
        "given_name": user.given_name,
        "idtyp": "user",
        "ipaddr": "127.0.0.1",
        "name": user.name,
        "oid": user.id,
        "scp": scp,
        "sub": user.id,
        "tid": tid,
        "unique_name": user.upn,
        "upn": user.upn,
        "uti": random_token(16),
        "ver": "1.0",
        "wids": wids,
    })
}

/// The token endpoint's success body for a delegated grant (authorization code, device code,
/// refresh token).
pub fn delegated_response(
    shared: &Shared,
    user: &SignedInUser,
    client: &ClientApp,
    req: &Requested,
    scope_param: &str,
    nonce: Option<&str>,
) -> Value {
    let (tid, perms) = shared.read(|t| {
        (
            t.tenant_id.clone(),
            delegated_permissions(t, client, req, &user.id),
        )
    });
    let mut scp: Vec<String> = perms.clone();
    if req.resource.is_graph() {
        for o in ["openid", "profile", "email"] {
            if req.wants(o) && !scp.iter().any(|s| s == o) {
                scp.push(o.to_string());
            }
        }
    }
    let claims = delegated_claims(shared, &tid, user, client, &req.resource, &scp.join(" "));
    let access_token = token::encode(&shared.key, &claims);
    let lifetime = shared.config.token_lifetime.as_secs();
    let mut granted: Vec<String> = perms.iter().map(|p| req.qualified(p)).collect();
    for o in &req.oidc {
        granted.push(o.clone());
    }
    let mut body = json!({
        "token_type": "Bearer",
        "scope": granted.join(" "),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access_token,
    });
    let now = now_secs();
    if req.wants("offline_access") {
        let rt = json!({
            "rt": 1,
            "aud": client.app_id,
            "oid": user.id,
            "tid": tid,
            "scope": scope_param,
            "iat": now,
            "exp": now + REFRESH_LIFETIME_SECS,
            "uti": random_token(16),
        });
        body["refresh_token"] = Value::String(token::encode(&shared.key, &rt));
    }
    if req.wants("openid") {
        let mut id = json!({
            "aud": client.app_id,
            "iss": issuer(shared, &tid),
            "iat": now,
            "nbf": now,
            "exp": now + lifetime as i64,
            "name": user.name,
            "oid": user.id,
            "preferred_username": user.upn,
            "sub": user.id,
            "tid": tid,
            "ver": "2.0",
        });
        if req.wants("email") {
            id["email"] = Value::String(user.upn.clone());
        }
        if let Some(n) = nonce {
            id["nonce"] = Value::String(n.to_string());
        }
        body["id_token"] = Value::String(token::encode(&shared.key, &id));
    }
    body
}

/// The token endpoint's success body for client credentials. `roles` empty → no claim.
pub fn app_response(
    shared: &Shared,
    client_app_id: &str,
    client_name: &str,
    client_sp_id: &str,
    resource: &Resource,
    roles: &[String],
) -> Value {
    let tid = shared.read(|t| t.tenant_id.clone());
    let now = now_secs();
    let lifetime = shared.config.token_lifetime.as_secs();
    let mut claims = json!({
        "aud": resource.aud,
        "iss": issuer(shared, &tid),
        "iat": now,
        "nbf": now,
        "exp": now + lifetime as i64,
        "app_displayname": client_name,
        "appid": client_app_id,
        "appidacr": "1",
        "idtyp": "app",
        "oid": client_sp_id,
        "sub": client_sp_id,
        "tid": tid,
        "uti": random_token(16),
        "ver": "1.0",
    });
    if !roles.is_empty() {
        claims["roles"] = json!(roles);
    }
    json!({
        "token_type": "Bearer",
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": token::encode(&shared.key, &claims),
    })
}

/// `Emulator::issue_token`.
pub fn test_token(shared: &Shared, upn: &str, scopes_in: &[&str]) -> String {
    let scope = scopes_in.join(" ");
    let req = scopes::parse(shared, &scope)
        .unwrap_or_else(|e| panic!("issue_token: invalid scopes {scope:?}: {}", e.message));
    let user = shared
        .read(|t| user_info(t, upn))
        .unwrap_or_else(|| panic!("issue_token: no user {upn}"));
    let client = super::find_client(shared, GRAPH_CLI_APP_ID).expect("first-party client");
    let body = delegated_response(shared, &user, &client, &req, &scope, None);
    body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Random values for codes.
pub fn new_code() -> String {
    format!("1.AQ{}", random_token(96))
}

pub fn new_session_state() -> String {
    new_guid()
}

/// The error Entra gives when the tenant blocks this client for this user, if any, from the
/// client's enterprise app (service principal) in the tenant:
/// * `accountEnabled: false` ("Enabled for users to sign-in?" No) → AADSTS7000112
///   (UnauthorizedClientApplicationDisabled, "Application is disabled"; Microsoft Learn,
///   "Error AADSTS7000112 - Application is disabled");
/// * `appRoleAssignmentRequired: true` and the user holds no assignment → AADSTS50105
///   (EntitlementGrantsNotFound; Microsoft Entra error-code reference).
///
/// An admin sets both on the enterprise app (Entra admin center, or PATCH servicePrincipals),
/// which is how tenants block Microsoft Graph Command Line Tools.
pub fn client_blocked(t: &Tenant, client: &ClientApp, user: &SignedInUser) -> Option<OAuthError> {
    let sp = t.sp_by_app_id(&client.app_id)?;
    if sp.props.get("accountEnabled") == Some(&Value::Bool(false)) {
        return Some(OAuthError::new(
            400,
            "unauthorized_client",
            7000112,
            format!(
                "Application '{}'({}) is disabled.",
                client.app_id, client.display_name
            ),
        ));
    }
    let assignment_required = sp.props.get("appRoleAssignmentRequired") == Some(&Value::Bool(true));
    let assigned = t.app_role_assignments.iter().any(|a| {
        eq_ci(sprop(a, "resourceId"), sp.id()) && eq_ci(sprop(a, "principalId"), &user.id)
    });
    if assignment_required && !assigned {
        return Some(OAuthError::invalid_grant(
            50105,
            format!(
                "Your administrator has configured the application {} ('{}') to block users unless they are specifically granted ('assigned') access to the application. The signed in user '{}' is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator. Please contact your administrator to assign access to this application.",
                client.display_name, client.app_id, user.upn
            ),
        ));
    }
    None
}
