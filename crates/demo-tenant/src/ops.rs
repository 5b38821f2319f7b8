//! Operations on the tenant shared by the Graph side and the sign-in side (admin consent):
//! building application / service principal objects, app role assignments and grants.

use serde_json::{Map, Value, json};

use super::state::{Props, Tenant};
use super::util::{eq_ci, new_guid, now_iso, random_token, sprop};

/// Is an object created at `created_ms` visible to readers yet (replication lag)?
pub fn replicated(created_ms: i64, now_ms: i64, lag_ms: i64) -> bool {
    now_ms - created_ms >= lag_ms
}

/// Opaque ids as Graph uses them for assignments and grants (43 base64url characters).
pub fn opaque_id() -> String {
    random_token(32)
}

/// A complete `application` object with Graph's defaults.
pub fn application_defaults(
    id: &str,
    app_id: &str,
    publisher_domain: &str,
    created: &str,
) -> Props {
    let v = json!({
        "id": id,
        "deletedDateTime": null,
        "appId": app_id,
        "applicationTemplateId": null,
        "disabledByMicrosoftStatus": null,
        "createdDateTime": created,
        "displayName": null,
        "description": null,
        "groupMembershipClaims": null,
        "identifierUris": [],
        "isDeviceOnlyAuthSupported": null,
        "isFallbackPublicClient": null,
        "nativeAuthenticationApisEnabled": null,
        "notes": null,
        "publisherDomain": publisher_domain,
        "serviceManagementReference": null,
        "signInAudience": "AzureADandPersonalMicrosoftAccount",
        "tags": [],
        "tokenEncryptionKeyId": null,
        "uniqueName": null,
        "samlMetadataUrl": null,
        "defaultRedirectUri": null,
        "certification": null,
        "optionalClaims": null,
        "servicePrincipalLockConfiguration": null,
        "requestSignatureVerification": null,
        "addIns": [],
        "api": default_api(),
        "appRoles": [],
        "info": default_info(),
        "keyCredentials": [],
        "parentalControlSettings": {"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"},
        "passwordCredentials": [],
        "publicClient": {"redirectUris": []},
        "requiredResourceAccess": [],
        "verifiedPublisher": {"displayName": null, "verifiedPublisherId": null, "addedDateTime": null},
        "web": default_web(),
        "spa": {"redirectUris": []},
    });
    into_map(v)
}

pub fn default_api() -> Value {
    json!({
        "acceptMappedClaims": null,
        "knownClientApplications": [],
        "requestedAccessTokenVersion": null,
        "oauth2PermissionScopes": [],
        "preAuthorizedApplications": [],
    })
}

pub fn default_info() -> Value {
    json!({
        "logoUrl": null,
        "marketingUrl": null,
        "privacyStatementUrl": null,
        "supportUrl": null,
        "termsOfServiceUrl": null,
    })
}

pub fn default_web() -> Value {
    json!({
        "homePageUrl": null,
        "logoutUrl": null,
        "redirectUris": [],
        "implicitGrantSettings": {"enableAccessTokenIssuance": false, "enableIdTokenIssuance": false},
        "redirectUriSettings": [],
    })
}

/// Default value for a complex application property that is reset with `null`.
pub fn application_default_of(key: &str) -> Option<Value> {
    match key {
        "api" => Some(default_api()),
        "info" => Some(default_info()),
        "web" => Some(default_web()),
        "spa" | "publicClient" => Some(json!({"redirectUris": []})),
        "parentalControlSettings" => {
            Some(json!({"countriesBlockedForMinors": [], "legalAgeGroupRule": "Allow"}))
        }
        _ => None,
    }
}

pub fn into_map(v: Value) -> Props {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A complete `servicePrincipal` object with Graph's defaults.
pub fn service_principal_defaults(
    id: &str,
    app_id: &str,
    display_name: &str,
    owner_tenant: &str,
) -> Props {
    into_map(json!({
        "id": id,
        "deletedDateTime": null,
        "accountEnabled": true,
        "alternativeNames": [],
        "appDisplayName": display_name,
        "appDescription": null,
        "appId": app_id,
        "applicationTemplateId": null,
        "appOwnerOrganizationId": owner_tenant,
        "appRoleAssignmentRequired": false,
        "createdByAppId": null,
        "description": null,
        "disabledByMicrosoftStatus": null,
        "displayName": display_name,
        "homepage": null,
        "loginUrl": null,
        "logoutUrl": null,
        "notes": null,
        "notificationEmailAddresses": [],
        "preferredSingleSignOnMode": null,
        "preferredTokenSigningKeyThumbprint": null,
        "replyUrls": [],
        "servicePrincipalNames": [app_id],
        "servicePrincipalType": "Application",
        "signInAudience": "AzureADMyOrg",
        "tags": [],
        "tokenEncryptionKeyId": null,
        "samlSingleSignOnSettings": null,
        "addIns": [],
        "appRoles": [],
        "info": default_info(),
        "keyCredentials": [],
        "oauth2PermissionScopes": [],
        "passwordCredentials": [],
        "resourceSpecificApplicationPermissions": [],
        "verifiedPublisher": {"displayName": null, "verifiedPublisherId": null, "addedDateTime": null},
    }))
}

/// The service principal Entra creates for an application of this tenant.
pub fn sp_for_application(sp_id: &str, tenant_id: &str, app: &Props) -> Props {
    let app_id = sprop(app, "appId");
    let name = sprop(app, "displayName");
    let mut sp = service_principal_defaults(sp_id, app_id, name, tenant_id);
    let mut names = vec![Value::String(app_id.to_string())];
    if let Some(Value::Array(uris)) = app.get("identifierUris") {
        names.extend(uris.iter().cloned());
    }
    sp.insert("servicePrincipalNames".into(), Value::Array(names));
    sp.insert(
        "signInAudience".into(),
        app.get("signInAudience").cloned().unwrap_or(Value::Null),
    );
    sp.insert(
        "appRoles".into(),
        app.get("appRoles").cloned().unwrap_or(json!([])),
    );
    sp.insert(
        "oauth2PermissionScopes".into(),
        app.get("api")
            .and_then(|a| a.get("oauth2PermissionScopes"))
            .cloned()
            .unwrap_or(json!([])),
    );
    sp.insert(
        "replyUrls".into(),
        Value::Array(
            application_redirect_uris(app)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
    );
    if let Some(home) = app.get("web").and_then(|w| w.get("homePageUrl")) {
        sp.insert("homepage".into(), home.clone());
    }
    if let Some(tags) = app.get("tags") {
        sp.insert("tags".into(), tags.clone());
    }
    if let Some(info) = app.get("info") {
        sp.insert("info".into(), info.clone());
    }
    sp
}

/// Every redirect URI of an application (web, spa, public client).
pub fn application_redirect_uris(app: &Props) -> Vec<String> {
    let mut out = Vec::new();
    for platform in ["web", "spa", "publicClient"] {
        if let Some(Value::Array(uris)) = app.get(platform).and_then(|p| p.get("redirectUris")) {
            out.extend(uris.iter().filter_map(|u| u.as_str().map(str::to_string)));
        }
    }
    out
}

/// Public-client redirect URIs (mobile and desktop platform).
pub fn public_client_redirect_uris(app: &Props) -> Vec<String> {
    match app.get("publicClient").and_then(|p| p.get("redirectUris")) {
        Some(Value::Array(uris)) => uris
            .iter()
            .filter_map(|u| u.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// The app role with this id on a service principal.
pub fn sp_app_role<'a>(sp: &'a Props, role_id: &str) -> Option<&'a Map<String, Value>> {
    sp.get("appRoles")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|r| eq_ci(sprop(r, "id"), role_id))
}

/// The delegated scope with this value (case-insensitive) on a service principal.
pub fn sp_scope_by_value<'a>(sp: &'a Props, value: &str) -> Option<&'a Map<String, Value>> {
    sp.get("oauth2PermissionScopes")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|r| eq_ci(sprop(r, "value"), value))
}

pub fn sp_scope_by_id<'a>(sp: &'a Props, id: &str) -> Option<&'a Map<String, Value>> {
    sp.get("oauth2PermissionScopes")?
        .as_array()?
        .iter()
        .filter_map(Value::as_object)
        .find(|r| eq_ci(sprop(r, "id"), id))
}

#[derive(Debug, PartialEq, Eq)]
pub enum AssignError {
    /// No such principal (service principal or user).
    UnknownPrincipal,
    UnknownResource,
    /// The app role is not defined on the resource.
    UnknownRole,
    /// The same principal already holds this role on this resource.
    Duplicate,
}

/// Create an app role assignment (principal = service principal or user).
pub fn add_assignment(
    t: &mut Tenant,
    principal_id: &str,
    resource_id: &str,
    app_role_id: &str,
) -> Result<Props, AssignError> {
    let (principal_id, principal_type, principal_name) = if let Some(sp) = t.sp(principal_id) {
        (
            sp.id().to_string(),
            "ServicePrincipal",
            sp.display_name().to_string(),
        )
    } else if let Some(u) = t.users.iter().find(|u| eq_ci(u.id(), principal_id)) {
        (u.id().to_string(), "User", u.display_name().to_string())
    } else {
        return Err(AssignError::UnknownPrincipal);
    };
    let resource = t.sp(resource_id).ok_or(AssignError::UnknownResource)?;
    let role = sp_app_role(&resource.props, app_role_id).ok_or(AssignError::UnknownRole)?;
    let wanted_member = if principal_type == "User" {
        "User"
    } else {
        "Application"
    };
    let allowed = role
        .get("allowedMemberTypes")
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|m| m.as_str() == Some(wanted_member)));
    if !allowed {
        return Err(AssignError::UnknownRole);
    }
    let role_id = sprop(role, "id").to_string();
    let resource_id = resource.id().to_string();
    let resource_name = resource.display_name().to_string();
    let duplicate = t.app_role_assignments.iter().any(|a| {
        eq_ci(sprop(a, "principalId"), &principal_id)
            && eq_ci(sprop(a, "resourceId"), &resource_id)
            && eq_ci(sprop(a, "appRoleId"), &role_id)
    });
    if duplicate {
        return Err(AssignError::Duplicate);
    }
    let a = into_map(json!({
        "id": opaque_id(),
        "deletedDateTime": null,
        "appRoleId": role_id,
        "createdDateTime": now_iso(),
        "principalDisplayName": principal_name,
        "principalId": principal_id,
        "principalType": principal_type,
        "resourceDisplayName": resource_name,
        "resourceId": resource_id,
    }));
    t.app_role_assignments.push(a.clone());
    Ok(a)
}

pub fn grant_props(
    client_id: &str,
    consent_type: &str,
    principal_id: Option<&str>,
    resource_id: &str,
    scope: &str,
) -> Props {
    into_map(json!({
        "clientId": client_id,
        "consentType": consent_type,
        "id": opaque_id(),
        "principalId": principal_id,
        "resourceId": resource_id,
        "scope": scope,
    }))
}

/// Find the tenant-wide grant of `client` for `resource`.
pub fn all_principals_grant_index(t: &Tenant, client_id: &str, resource_id: &str) -> Option<usize> {
    t.oauth2_permission_grants.iter().position(|g| {
        eq_ci(sprop(g, "clientId"), client_id)
            && eq_ci(sprop(g, "resourceId"), resource_id)
            && sprop(g, "consentType") == "AllPrincipals"
    })
}

/// Add scopes to the tenant-wide grant of `client` for `resource`, creating it if needed.
pub fn upsert_all_principals_grant(
    t: &mut Tenant,
    client_id: &str,
    resource_id: &str,
    scopes: &[String],
) -> Props {
    if let Some(i) = all_principals_grant_index(t, client_id, resource_id) {
        let g = &mut t.oauth2_permission_grants[i];
        let mut have: Vec<String> = sprop(g, "scope")
            .split_whitespace()
            .map(str::to_string)
            .collect();
        for s in scopes {
            if !have.iter().any(|h| eq_ci(h, s)) {
                have.push(s.clone());
            }
        }
        g.insert("scope".into(), Value::String(have.join(" ")));
        return g.clone();
    }
    let g = grant_props(
        client_id,
        "AllPrincipals",
        None,
        resource_id,
        &scopes.join(" "),
    );
    t.oauth2_permission_grants.push(g.clone());
    g
}

/// A fresh object id that no object of the tenant uses yet.
pub fn fresh_guid() -> String {
    new_guid()
}
