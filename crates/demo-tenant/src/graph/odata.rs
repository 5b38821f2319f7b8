//! OData query options (`$filter`, `$select`, `$top`, `$skiptoken`, `$orderby`, `$count`),
//! paging with absolute `@odata.nextLink`s and `@odata.context` values.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::super::errors::{GraphError, GraphResult};
use super::super::shared::Shared;
use super::filter::{self, Expr, Ops};

#[derive(Debug, Default, Clone)]
pub struct QueryOptions {
    pub filter: Option<String>,
    pub select: Option<Vec<String>>,
    pub top: Option<usize>,
    pub offset: usize,
    pub orderby: Option<(String, bool)>,
    pub count: bool,
    /// All query pairs except `$skiptoken` (to build `@odata.nextLink`).
    pub pairs: Vec<(String, String)>,
}

fn option_name(k: &str) -> String {
    // `$top` and `top` are both accepted by Graph (the `$` is optional in v1.0).
    let k = k.strip_prefix('$').unwrap_or(k);
    k.to_ascii_lowercase()
}

pub fn parse(query: Option<&str>, consistency_eventual: bool) -> GraphResult<QueryOptions> {
    let mut q = QueryOptions::default();
    let Some(query) = query else {
        return Ok(q);
    };
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        let (k, v) = (k.into_owned(), v.into_owned());
        let name = option_name(&k);
        match name.as_str() {
            "filter" => q.filter = Some(v.clone()),
            "select" => {
                q.select = Some(
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect(),
                )
            }
            "top" => {
                let n: usize = v.trim().parse().map_err(|_| {
                    GraphError::bad_request(format!(
                        "Invalid page size specified: '{v}'. Must be between 1 and 999 inclusive."
                    ))
                })?;
                if !(1..=999).contains(&n) {
                    return Err(GraphError::bad_request(format!(
                        "Invalid page size specified: '{n}'. Must be between 1 and 999 inclusive."
                    )));
                }
                q.top = Some(n);
            }
            "skiptoken" => {
                q.offset = decode_skiptoken(&v)
                    .ok_or_else(|| GraphError::bad_request("Invalid skip token."))?;
                continue;
            }
            "orderby" => {
                let mut parts = v.split_whitespace();
                let prop = parts.next().unwrap_or("").to_string();
                let desc = matches!(parts.next(), Some(d) if d.eq_ignore_ascii_case("desc"));
                q.orderby = Some((prop, desc));
            }
            "count" if v.eq_ignore_ascii_case("true") => {
                if !consistency_eventual {
                    return Err(GraphError::bad_request(
                        "$count is not currently supported without the header 'ConsistencyLevel: eventual'.",
                    ));
                }
                q.count = true;
            }
            "count" => {}
            "expand" | "search" | "skip" | "apply" | "compute" => {
                return Err(GraphError::unsupported_query(format!(
                    "The query option '${name}' is not supported by the emulator."
                )));
            }
            "format" => {}
            _ if k.starts_with('$') => {
                return Err(GraphError::new(
                    400,
                    "BadRequest",
                    format!("The query parameter '{k}' is not supported."),
                ));
            }
            _ => {}
        }
        q.pairs.push((k, v));
    }
    Ok(q)
}

fn encode_skiptoken(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("exowiz-skip:{offset}"))
}

fn decode_skiptoken(t: &str) -> Option<usize> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(t.trim()).ok()?).ok()?;
    raw.strip_prefix("exowiz-skip:")?.parse().ok()
}

/// Query values percent-encoded like Graph writes them (`%20` for spaces).
fn encode_value(v: &str) -> String {
    url::form_urlencoded::byte_serialize(v.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Keep the leading `$` of OData options as Graph does in `@odata.nextLink`.
fn encode_key(k: &str) -> String {
    match k.strip_prefix('$') {
        Some(rest) => format!("${}", encode_value(rest)),
        None => encode_value(k),
    }
}

/// `{base}v1.0/$metadata#{fragment}`
pub fn context(shared: &Shared, fragment: &str) -> String {
    format!("{}$metadata#{fragment}", shared.graph_v1())
}

/// `fragment` with `(a,b)` appended when `$select` was used.
pub fn context_with_select(shared: &Shared, set: &str, q: &QueryOptions, entity: bool) -> String {
    let sel = q
        .select
        .as_ref()
        .map(|s| format!("({})", s.join(",")))
        .unwrap_or_default();
    let suffix = if entity { "/$entity" } else { "" };
    context(shared, &format!("{set}{sel}{suffix}"))
}

/// Check `$select` names against the entity's property names.
pub fn check_select(q: &QueryOptions, known: &[&str], type_name: &str) -> GraphResult<()> {
    if let Some(sel) = &q.select {
        for p in sel {
            if p == "*" {
                continue;
            }
            if !known.iter().any(|k| k.eq_ignore_ascii_case(p)) {
                return Err(GraphError::new(
                    400,
                    "BadRequest",
                    format!(
                        "Could not find a property named '{p}' on type 'microsoft.graph.{type_name}'."
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Apply `$select` (keeps `id` and `@odata.*`).
pub fn apply_select(item: Map<String, Value>, q: &QueryOptions) -> Map<String, Value> {
    let Some(sel) = &q.select else {
        return item;
    };
    if sel.iter().any(|s| s == "*") {
        return item;
    }
    item.into_iter()
        .filter(|(k, _)| {
            k == "id" || k.starts_with("@odata") || sel.iter().any(|s| s.eq_ignore_ascii_case(k))
        })
        .collect()
}

/// Parse, check and return the `$filter` expression, if any.
pub fn filter_expr(
    q: &QueryOptions,
    supported: &[(&str, Ops)],
    resource: &str,
) -> GraphResult<Option<Expr>> {
    match &q.filter {
        None => Ok(None),
        Some(f) if f.trim().is_empty() => Ok(None),
        Some(f) => {
            let e = filter::parse(f)?;
            filter::check(&e, supported, resource)?;
            Ok(Some(e))
        }
    }
}

/// Filter, order, page and select a collection; returns the list response body.
pub fn list_response(
    shared: &Shared,
    items: Vec<Map<String, Value>>,
    q: &QueryOptions,
    expr: Option<&Expr>,
    context_url: String,
    path: &str,
) -> Value {
    let mut items: Vec<Map<String, Value>> = match expr {
        Some(e) => items.into_iter().filter(|i| filter::eval(e, i)).collect(),
        None => items,
    };
    if let Some((prop, desc)) = &q.orderby {
        items.sort_by(|a, b| {
            let av = a
                .get(prop)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_lowercase();
            let bv = b
                .get(prop)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_lowercase();
            if *desc { bv.cmp(&av) } else { av.cmp(&bv) }
        });
    }
    let total = items.len();
    let size = q.top.unwrap_or(shared.config.page_size).max(1);
    let start = q.offset.min(total);
    let end = (start + size).min(total);
    let page: Vec<Value> = items[start..end]
        .iter()
        .cloned()
        .map(|i| Value::Object(apply_select(i, q)))
        .collect();
    let mut body = Map::new();
    body.insert("@odata.context".into(), json!(context_url));
    if q.count {
        body.insert("@odata.count".into(), json!(total));
    }
    if end < total {
        let mut query: Vec<String> = q
            .pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode_key(k), encode_value(v)))
            .collect();
        query.push(format!("$skiptoken={}", encode_skiptoken(end)));
        let next = format!("{}{}?{}", shared.graph_v1(), path, query.join("&"));
        body.insert("@odata.nextLink".into(), json!(next));
    }
    body.insert("value".into(), Value::Array(page));
    Value::Object(body)
}

/// A single entity response with `@odata.context` first.
pub fn entity_response(context_url: String, item: Map<String, Value>, q: &QueryOptions) -> Value {
    let mut out = Map::new();
    out.insert("@odata.context".into(), json!(context_url));
    for (k, v) in apply_select(item, q) {
        out.insert(k, v);
    }
    Value::Object(out)
}

#[rustfmt::skip]
pub const APPLICATION_PROPS: &[&str] = &[
    "id", "deletedDateTime", "addIns", "api", "appId", "applicationTemplateId", "appRoles",
    "authenticationBehaviors", "certification", "createdByAppId", "createdDateTime",
    "defaultRedirectUri", "description", "disabledByMicrosoftStatus", "displayName",
    "groupMembershipClaims", "identifierUris", "info", "isDeviceOnlyAuthSupported", "isDisabled",
    "isFallbackPublicClient", "keyCredentials", "logo", "managerApplications",
    "nativeAuthenticationApisEnabled", "notes", "oauth2RequirePostResponse", "optionalClaims",
    "parentalControlSettings", "passwordCredentials", "publicClient", "publisherDomain",
    "requestSignatureVerification", "requiredResourceAccess", "samlMetadataUrl",
    "serviceManagementReference", "servicePrincipalLockConfiguration", "signInAudience", "spa",
    "tags", "tokenEncryptionKeyId", "uniqueName", "verifiedPublisher", "web",
];

#[rustfmt::skip]
pub const SERVICE_PRINCIPAL_PROPS: &[&str] = &[
    "id", "deletedDateTime", "accountEnabled", "addIns", "alternativeNames", "appDescription",
    "appDisplayName", "appId", "applicationTemplateId", "appOwnerOrganizationId",
    "appRoleAssignmentRequired", "appRoles", "createdByAppId", "customSecurityAttributes",
    "description", "disabledByMicrosoftStatus", "displayName", "homepage", "info", "isDisabled",
    "keyCredentials", "loginUrl", "logoutUrl", "notes", "notificationEmailAddresses",
    "oauth2PermissionScopes", "passwordCredentials", "preferredSingleSignOnMode",
    "preferredTokenSigningKeyThumbprint", "replyUrls", "resourceSpecificApplicationPermissions",
    "samlSingleSignOnSettings", "servicePrincipalNames", "servicePrincipalType", "signInAudience",
    "tags", "tokenEncryptionKeyId", "verifiedPublisher",
];

#[rustfmt::skip]
pub const USER_PROPS: &[&str] = &[
    "id", "aboutMe", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans",
    "authorizationInfo", "birthday", "businessPhones", "city", "companyName",
    "consentProvidedForMinor", "country", "createdDateTime", "creationType",
    "customSecurityAttributes", "deletedDateTime", "department", "deviceEnrollmentLimit",
    "displayName", "employeeHireDate", "employeeId", "employeeLeaveDateTime", "employeeOrgData",
    "employeeType", "externalUserState", "externalUserStateChangeDateTime", "faxNumber",
    "givenName", "hireDate", "identities", "imAddresses", "interests", "isManagementRestricted",
    "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime", "legalAgeGroupClassification",
    "licenseAssignmentStates", "mail", "mailNickname", "mailboxSettings", "mobilePhone", "mySite",
    "officeLocation", "onPremisesDistinguishedName", "onPremisesDomainName",
    "onPremisesExtensionAttributes", "onPremisesImmutableId", "onPremisesLastSyncDateTime",
    "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
    "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "otherMails", "passwordPolicies",
    "passwordProfile", "pastProjects", "postalCode", "preferredDataLocation", "preferredLanguage",
    "preferredName", "print", "provisionedPlans", "proxyAddresses", "responsibilities", "schools",
    "securityIdentifier", "serviceProvisioningErrors", "showInAddressList", "signInActivity",
    "signInSessionsValidFromDateTime", "skills", "state", "streetAddress", "surname",
    "usageLocation", "userPrincipalName", "userType",
];

/// Properties `GET /users` returns without `$select`.
#[rustfmt::skip]
pub const USER_DEFAULT_PROPS: &[&str] = &[
    "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
    "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
];

#[rustfmt::skip]
pub const ORGANIZATION_PROPS: &[&str] = &[
    "id", "assignedPlans", "businessPhones", "city", "country", "countryLetterCode",
    "createdDateTime", "defaultUsageLocation", "deletedDateTime", "displayName",
    "marketingNotificationEmails", "mobileDeviceManagementAuthority", "onPremisesLastSyncDateTime",
    "onPremisesSyncEnabled", "partnerTenantType", "postalCode", "preferredLanguage",
    "privacyProfile", "provisionedPlans", "securityComplianceNotificationMails",
    "securityComplianceNotificationPhones", "state", "street", "technicalNotificationMails",
    "tenantType", "verifiedDomains",
];

#[rustfmt::skip]
pub const DOMAIN_PROPS: &[&str] = &[
    "id", "authenticationType", "availabilityStatus", "isAdminManaged", "isDefault", "isInitial",
    "isRoot", "isVerified", "passwordNotificationWindowInDays", "passwordValidityPeriodInDays",
    "supportedServices", "state",
];

#[rustfmt::skip]
pub const GRANT_PROPS: &[&str] = &[
    "id", "clientId", "consentType", "principalId", "resourceId", "scope",
];

#[rustfmt::skip]
pub const ASSIGNMENT_PROPS: &[&str] = &[
    "id", "deletedDateTime", "appRoleId", "createdDateTime", "principalDisplayName", "principalId",
    "principalType", "resourceDisplayName", "resourceId",
];
