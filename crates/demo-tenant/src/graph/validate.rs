//! Type checking of request bodies against the Graph types the emulator accepts
//! (a hand-written subset of the v1.0 metadata).

use serde_json::{Map, Value};

use super::super::errors::{GraphError, GraphResult};
use super::super::util::{is_guid, parse_iso};

/// The JSON kind a property must have.
#[derive(Clone, Copy)]
pub enum K {
    Str,
    NStr,
    Bool,
    NBool,
    NInt,
    Guid,
    NGuid,
    NDate,
    StrArr,
    GuidArr,
    NObj(&'static [(&'static str, K)]),
    ObjArr(&'static [(&'static str, K)]),
}

pub type Fields = &'static [(&'static str, K)];

pub const REDIRECTS: Fields = &[("redirectUris", K::StrArr)];
pub const IMPLICIT: Fields = &[
    ("enableAccessTokenIssuance", K::NBool),
    ("enableIdTokenIssuance", K::NBool),
];
pub const REDIRECT_SETTINGS: Fields = &[("uri", K::NStr), ("index", K::NInt)];
pub const WEB: Fields = &[
    ("homePageUrl", K::NStr),
    ("logoutUrl", K::NStr),
    ("redirectUris", K::StrArr),
    ("implicitGrantSettings", K::NObj(IMPLICIT)),
    ("redirectUriSettings", K::ObjArr(REDIRECT_SETTINGS)),
];
pub const PERMISSION_SCOPE: Fields = &[
    ("adminConsentDescription", K::NStr),
    ("adminConsentDisplayName", K::NStr),
    ("id", K::Guid),
    ("isEnabled", K::Bool),
    ("origin", K::NStr),
    ("type", K::NStr),
    ("userConsentDescription", K::NStr),
    ("userConsentDisplayName", K::NStr),
    ("value", K::NStr),
];
pub const PRE_AUTHORIZED: Fields = &[("appId", K::NStr), ("delegatedPermissionIds", K::StrArr)];
pub const API: Fields = &[
    ("acceptMappedClaims", K::NBool),
    ("knownClientApplications", K::GuidArr),
    ("oauth2PermissionScopes", K::ObjArr(PERMISSION_SCOPE)),
    ("preAuthorizedApplications", K::ObjArr(PRE_AUTHORIZED)),
    ("requestedAccessTokenVersion", K::NInt),
];
pub const APP_ROLE: Fields = &[
    ("allowedMemberTypes", K::StrArr),
    ("description", K::NStr),
    ("displayName", K::NStr),
    ("id", K::Guid),
    ("isEnabled", K::Bool),
    ("origin", K::NStr),
    ("value", K::NStr),
];
pub const INFO: Fields = &[
    ("marketingUrl", K::NStr),
    ("privacyStatementUrl", K::NStr),
    ("supportUrl", K::NStr),
    ("termsOfServiceUrl", K::NStr),
];
pub const KEY_CREDENTIAL: Fields = &[
    ("customKeyIdentifier", K::NStr),
    ("displayName", K::NStr),
    ("endDateTime", K::NDate),
    ("key", K::NStr),
    ("keyId", K::NGuid),
    ("startDateTime", K::NDate),
    ("type", K::NStr),
    ("usage", K::NStr),
];
pub const RESOURCE_ACCESS: Fields = &[("id", K::Guid), ("type", K::NStr)];
pub const REQUIRED_RESOURCE_ACCESS: Fields = &[
    ("resourceAppId", K::Str),
    ("resourceAccess", K::ObjArr(RESOURCE_ACCESS)),
];
pub const OPTIONAL_CLAIM: Fields = &[
    ("additionalProperties", K::StrArr),
    ("essential", K::Bool),
    ("name", K::Str),
    ("source", K::NStr),
];
pub const OPTIONAL_CLAIMS: Fields = &[
    ("accessToken", K::ObjArr(OPTIONAL_CLAIM)),
    ("idToken", K::ObjArr(OPTIONAL_CLAIM)),
    ("saml2Token", K::ObjArr(OPTIONAL_CLAIM)),
];
pub const PARENTAL: Fields = &[
    ("countriesBlockedForMinors", K::StrArr),
    ("legalAgeGroupRule", K::NStr),
];
pub const KEY_VALUE: Fields = &[("key", K::NStr), ("value", K::NStr)];
pub const ADD_IN: Fields = &[
    ("id", K::NGuid),
    ("properties", K::ObjArr(KEY_VALUE)),
    ("type", K::Str),
];
pub const LOCK: Fields = &[
    ("allProperties", K::NBool),
    ("credentialsWithUsageSign", K::NBool),
    ("credentialsWithUsageVerify", K::NBool),
    ("isEnabled", K::Bool),
    ("tokenEncryptionKeyId", K::NBool),
];
pub const AUTH_BEHAVIORS: Fields = &[
    ("blockAzureADGraphAccess", K::NBool),
    ("removeUnverifiedEmailClaim", K::NBool),
    ("requireClientServicePrincipal", K::NBool),
];

/// Properties of `application` a client may set.
pub const APPLICATION_WRITABLE: Fields = &[
    ("displayName", K::NStr),
    ("description", K::NStr),
    ("notes", K::NStr),
    ("signInAudience", K::NStr),
    ("tags", K::StrArr),
    ("identifierUris", K::StrArr),
    ("isFallbackPublicClient", K::NBool),
    ("isDeviceOnlyAuthSupported", K::NBool),
    ("groupMembershipClaims", K::NStr),
    ("tokenEncryptionKeyId", K::NGuid),
    ("serviceManagementReference", K::NStr),
    ("oauth2RequirePostResponse", K::Bool),
    ("uniqueName", K::NStr),
    ("defaultRedirectUri", K::NStr),
    ("samlMetadataUrl", K::NStr),
    ("publicClient", K::NObj(REDIRECTS)),
    ("spa", K::NObj(REDIRECTS)),
    ("web", K::NObj(WEB)),
    ("api", K::NObj(API)),
    ("appRoles", K::ObjArr(APP_ROLE)),
    ("info", K::NObj(INFO)),
    ("keyCredentials", K::ObjArr(KEY_CREDENTIAL)),
    (
        "requiredResourceAccess",
        K::ObjArr(REQUIRED_RESOURCE_ACCESS),
    ),
    ("optionalClaims", K::NObj(OPTIONAL_CLAIMS)),
    ("parentalControlSettings", K::NObj(PARENTAL)),
    ("addIns", K::ObjArr(ADD_IN)),
    ("servicePrincipalLockConfiguration", K::NObj(LOCK)),
    ("authenticationBehaviors", K::NObj(AUTH_BEHAVIORS)),
];

/// Properties of `application` that exist but cannot be written.
pub const APPLICATION_READ_ONLY: &[&str] = &[
    "id",
    "appId",
    "createdDateTime",
    "deletedDateTime",
    "publisherDomain",
    "applicationTemplateId",
    "disabledByMicrosoftStatus",
    "certification",
    "verifiedPublisher",
    "logo",
    "nativeAuthenticationApisEnabled",
    "requestSignatureVerification",
    "createdByAppId",
    "managerApplications",
    "isDisabled",
];

/// Properties of `servicePrincipal` a client may set.
pub const SERVICE_PRINCIPAL_WRITABLE: Fields = &[
    ("accountEnabled", K::NBool),
    ("alternativeNames", K::StrArr),
    ("appRoleAssignmentRequired", K::Bool),
    ("description", K::NStr),
    ("displayName", K::NStr),
    ("homepage", K::NStr),
    ("loginUrl", K::NStr),
    ("logoutUrl", K::NStr),
    ("notes", K::NStr),
    ("notificationEmailAddresses", K::StrArr),
    ("preferredSingleSignOnMode", K::NStr),
    ("replyUrls", K::StrArr),
    ("servicePrincipalNames", K::StrArr),
    ("tags", K::StrArr),
    ("keyCredentials", K::ObjArr(KEY_CREDENTIAL)),
];

pub const SERVICE_PRINCIPAL_READ_ONLY: &[&str] = &[
    "id",
    "deletedDateTime",
    "appDisplayName",
    "appDescription",
    "appOwnerOrganizationId",
    "applicationTemplateId",
    "appRoles",
    "oauth2PermissionScopes",
    "servicePrincipalType",
    "signInAudience",
    "info",
    "verifiedPublisher",
    "passwordCredentials",
    "resourceSpecificApplicationPermissions",
    "disabledByMicrosoftStatus",
    "createdByAppId",
];

fn kind_ok(v: &Value, k: K) -> bool {
    match k {
        K::Str => v.is_string(),
        K::NStr => v.is_string() || v.is_null(),
        K::Bool => v.is_boolean(),
        K::NBool => v.is_boolean() || v.is_null(),
        K::NInt => v.is_i64() || v.is_u64() || v.is_null(),
        K::Guid => v.as_str().is_some_and(is_guid),
        K::NGuid => v.is_null() || v.as_str().is_some_and(is_guid),
        K::NDate => v.is_null() || v.as_str().is_some_and(|s| parse_iso(s).is_some()),
        K::StrArr => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
        K::GuidArr => v
            .as_array()
            .is_some_and(|a| a.iter().all(|x| x.as_str().is_some_and(is_guid))),
        K::NObj(_) => v.is_object() || v.is_null(),
        K::ObjArr(_) => v.as_array().is_some_and(|a| a.iter().all(Value::is_object)),
    }
}

/// Check one object against `fields`; `path` names it in error messages.
pub fn check_object(
    obj: &Map<String, Value>,
    fields: Fields,
    path: &str,
    resource: &str,
) -> GraphResult<()> {
    for (key, value) in obj {
        if key.starts_with('@') {
            continue;
        }
        let full = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        let Some((_, kind)) = fields.iter().find(|(n, _)| n == key) else {
            return Err(GraphError::bad_request(format!(
                "Invalid property '{full}'."
            )));
        };
        if !kind_ok(value, *kind) {
            return Err(GraphError::invalid_value(&full, resource));
        }
        match (kind, value) {
            (K::NObj(inner), Value::Object(m)) => check_object(m, inner, &full, resource)?,
            (K::ObjArr(inner), Value::Array(items)) => {
                for item in items {
                    if let Value::Object(m) = item {
                        check_object(m, inner, &full, resource)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Check a top-level request body: unknown properties → "Invalid property", read-only ones →
/// "Property 'x' is read-only and cannot be set.", wrong types → "Invalid value specified".
pub fn check_body(
    body: &Map<String, Value>,
    writable: Fields,
    read_only: &[&str],
    resource: &str,
) -> GraphResult<()> {
    for key in body.keys() {
        if read_only.contains(&key.as_str()) {
            return Err(GraphError::bad_request(format!(
                "Property '{key}' is read-only and cannot be set."
            )));
        }
    }
    check_object(body, writable, "", resource)
}

/// Parse a JSON object body.
pub fn json_object(body: &[u8]) -> GraphResult<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(GraphError::new(
            400,
            "BadRequest",
            "Empty Payload. JSON content expected.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(GraphError::new(
            400,
            "BadRequest",
            "Invalid request body: a JSON object is expected.",
        )),
        Err(e) => Err(GraphError::new(
            400,
            "BadRequest",
            format!(
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format. ({e})"
            ),
        )),
    }
}

/// Deep-merge `patch` into `target`: objects merge key by key, everything else replaces.
/// `null` for a complex property resets it to `default_of(key)` when there is one.
pub fn merge(
    target: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    default_of: &dyn Fn(&str) -> Option<Value>,
) {
    for (k, v) in patch {
        if k.starts_with('@') {
            continue;
        }
        match (target.get_mut(k), v) {
            (Some(Value::Object(dst)), Value::Object(src)) => {
                merge(dst, src, &|_| None);
            }
            (_, Value::Null) => {
                let reset = default_of(k).unwrap_or(Value::Null);
                target.insert(k.clone(), reset);
            }
            _ => {
                target.insert(k.clone(), v.clone());
            }
        }
    }
}
