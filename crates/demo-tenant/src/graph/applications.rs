//! `/applications`: list, get, create, update, delete, addPassword, removePassword.

use chrono::{Months, Utc};
use serde_json::{Map, Value, json};

use super::super::errors::{GraphError, GraphResult};
use super::super::ops;
use super::super::state::{Application, Props, SecretHash, Tenant};
use super::super::util::{
    eq_ci, is_guid, iso, new_client_secret, new_guid, now_ms, parse_iso, secret_hash, sprop,
};
use super::caller::{self, AdminNeed};
use super::filter::{ANY, EQ, EQ_STARTS, Ops};
use super::odata;
use super::validate::{self, APPLICATION_READ_ONLY, APPLICATION_WRITABLE};
use super::{Ctx, GResp, Key, check_object_id};

const FILTERS: &[(&str, Ops)] = &[
    ("id", EQ),
    ("appId", EQ),
    ("displayName", EQ_STARTS),
    ("identifierUris", ANY),
    ("signInAudience", EQ),
    ("publisherDomain", EQ),
    ("uniqueName", EQ),
    ("tags", ANY),
];

const AUDIENCES: &[&str] = &[
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
];

/// Policy id in `CredentialInvalidLifetimeAsPerAppPolicy` errors.
const LIFETIME_POLICY_ID: &str = "00000000-0000-0000-0000-000000000000";

/// The visible (replicated) application addressed by `key`.
pub fn find(ctx: &Ctx, key: &Key) -> GraphResult<Application> {
    let shared = ctx.shared;
    match key {
        Key::Id(id) => {
            check_object_id(id)?;
            shared
                .read(|t| t.app(id).filter(|a| shared.app_visible(a)).cloned())
                .ok_or_else(|| GraphError::not_found(id))
        }
        Key::Alt(prop, value) if prop == "appId" || prop == "uniqueName" => shared
            .read(|t| {
                t.applications
                    .iter()
                    .find(|a| eq_ci(sprop(&a.props, prop), value))
                    .filter(|a| shared.app_visible(a))
                    .cloned()
            })
            .ok_or_else(|| GraphError::not_found(value)),
        Key::Alt(prop, _) => Err(GraphError::new(
            400,
            "BadRequest",
            format!("The alternate key '{prop}' is not supported for applications."),
        )),
    }
}

pub fn list(ctx: &Ctx) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_APPS)?;
    odata::check_select(ctx.q, odata::APPLICATION_PROPS, "application")?;
    let expr = odata::filter_expr(ctx.q, FILTERS, "Application")?;
    let items: Vec<Map<String, Value>> = ctx.shared.read(|t| {
        t.applications
            .iter()
            .filter(|a| ctx.shared.app_visible(a))
            .map(|a| a.props.clone())
            .collect()
    });
    let context = odata::context_with_select(ctx.shared, "applications", ctx.q, false);
    Ok(GResp::ok(odata::list_response(
        ctx.shared,
        items,
        ctx.q,
        expr.as_ref(),
        context,
        ctx.path,
    )))
}

pub fn get(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_APPS)?;
    odata::check_select(ctx.q, odata::APPLICATION_PROPS, "application")?;
    let app = find(ctx, key)?;
    let context = odata::context_with_select(ctx.shared, "applications", ctx.q, true);
    Ok(GResp::ok(odata::entity_response(context, app.props, ctx.q)))
}

fn require_write(ctx: &Ctx) -> GraphResult<()> {
    ctx.caller.require(&caller::WRITE_APPS)?;
    ctx.caller.require_admin(AdminNeed::AppAdmin)
}

fn personal_audience(aud: &str) -> bool {
    aud == "AzureADandPersonalMicrosoftAccount" || aud == "PersonalMicrosoftAccount"
}

fn str_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Rules that need the whole object or the tenant.
fn validate_semantics(t: &Tenant, props: &Props, self_id: &str) -> GraphResult<()> {
    let aud = sprop(props, "signInAudience");
    if !AUDIENCES.contains(&aud) {
        return Err(GraphError::invalid_value("signInAudience", "Application"));
    }
    if personal_audience(aud) {
        let version = props
            .get("api")
            .and_then(|a| a.get("requestedAccessTokenVersion"))
            .and_then(Value::as_i64);
        if version != Some(2) {
            return Err(GraphError::bad_request(
                "Property api.requestedAccessTokenVersion is invalid.",
            ));
        }
    }
    for platform in ["web", "spa", "publicClient"] {
        for uri in str_list(props.get(platform).and_then(|p| p.get("redirectUris"))) {
            let parsed = url::Url::parse(&uri);
            let ok = uri.len() <= 256
                && match (&parsed, platform) {
                    (Ok(u), "publicClient") => !u.scheme().is_empty(),
                    (Ok(u), _) => {
                        u.scheme() == "https"
                            || (u.scheme() == "http"
                                && matches!(u.host_str(), Some("localhost") | Some("127.0.0.1")))
                    }
                    (Err(_), _) => false,
                };
            if !ok {
                return Err(GraphError::invalid_value(
                    &format!("{platform}.redirectUris"),
                    "Application",
                ));
            }
        }
    }
    let domains = t.domain_names();
    for uri in str_list(props.get("identifierUris")) {
        let parsed = url::Url::parse(&uri)
            .map_err(|_| GraphError::invalid_value("identifierUris", "Application"))?;
        if matches!(parsed.scheme(), "http" | "https") {
            let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
            let verified = domains
                .iter()
                .any(|d| host == *d || host.ends_with(&format!(".{d}")));
            if !verified {
                return Err(GraphError::new(
                    400,
                    "HostNameNotOnVerifiedDomain",
                    format!(
                        "Values of identifierUris property must use a verified domain of the organization or its subdomain: '{uri}'"
                    ),
                ));
            }
        }
        let taken = t.applications.iter().any(|a| {
            !eq_ci(a.id(), self_id)
                && str_list(a.props.get("identifierUris"))
                    .iter()
                    .any(|u| eq_ci(u, &uri))
        });
        if taken {
            return Err(GraphError::new(
                400,
                "Request_MultipleObjectsWithSameKeyValue",
                "Another object with the same value for property identifierUris already exists.",
            ));
        }
    }
    if let Some(list) = props
        .get("requiredResourceAccess")
        .and_then(Value::as_array)
    {
        for rra in list {
            let res_app = rra
                .get("resourceAppId")
                .and_then(Value::as_str)
                .unwrap_or("");
            let resource_props: Option<Props> = t
                .sp_by_app_id(res_app)
                .map(|sp| sp.props.clone())
                .or_else(|| {
                    t.app_by_app_id(res_app).map(|a| {
                        let mut p = Map::new();
                        p.insert(
                            "appRoles".into(),
                            a.props.get("appRoles").cloned().unwrap_or(json!([])),
                        );
                        p.insert(
                            "oauth2PermissionScopes".into(),
                            a.props
                                .get("api")
                                .and_then(|x| x.get("oauth2PermissionScopes"))
                                .cloned()
                                .unwrap_or(json!([])),
                        );
                        p
                    })
                });
            let Some(resource) = resource_props else {
                return Err(
                    GraphError::invalid_value("requiredResourceAccess", "Application").with_detail(
                        "InvalidValue",
                        "requiredResourceAccess.resourceAppId",
                        Some(&format!(
                            "No service principal or application with appId '{res_app}' exists in this tenant."
                        )),
                    ),
                );
            };
            for ra in rra
                .get("resourceAccess")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let id = ra.get("id").and_then(Value::as_str).unwrap_or("");
                let kind = ra.get("type").and_then(Value::as_str).unwrap_or("");
                let found = match kind {
                    "Role" => ops::sp_app_role(&resource, id).is_some_and(|r| {
                        r.get("allowedMemberTypes")
                            .and_then(Value::as_array)
                            .is_some_and(|m| m.iter().any(|x| x == "Application"))
                    }),
                    "Scope" => ops::sp_scope_by_id(&resource, id).is_some(),
                    _ => false,
                };
                if !found {
                    return Err(GraphError::invalid_value(
                        "requiredResourceAccess",
                        "Application",
                    )
                    .with_detail(
                        "InvalidValue",
                        "requiredResourceAccess.resourceAccess",
                        Some(&format!(
                            "Permission '{id}' of type '{kind}' was not found on resource '{res_app}'."
                        )),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_write_body(body: &Map<String, Value>) -> GraphResult<()> {
    if body.contains_key("passwordCredentials") {
        return Err(GraphError::bad_request(
            "Property 'passwordCredentials' cannot be set with this request; use the addPassword and removePassword actions.",
        ));
    }
    validate::check_body(
        body,
        APPLICATION_WRITABLE,
        APPLICATION_READ_ONLY,
        "Application",
    )?;
    if let Some(name) = body.get("displayName")
        && name.as_str().is_none_or(|s| s.trim().is_empty())
    {
        return Err(GraphError::invalid_value("displayName", "Application"));
    }
    Ok(())
}

pub fn create(ctx: &Ctx) -> GraphResult<GResp> {
    require_write(ctx)?;
    let body = validate::json_object(ctx.body)?;
    check_write_body(&body)?;
    create_from(ctx, body, None)
}

/// Creates the application `body` describes; `unique_name` is the upsert's alternate key.
fn create_from(
    ctx: &Ctx,
    body: Map<String, Value>,
    unique_name: Option<&str>,
) -> GraphResult<GResp> {
    if !body.contains_key("displayName") {
        return Err(GraphError::invalid_value("displayName", "Application"));
    }
    let shared = ctx.shared;
    let props = shared.mutate(|t| {
        let wanted = unique_name.or_else(|| body.get("uniqueName").and_then(Value::as_str));
        if let Some(name) = wanted.filter(|n| !n.is_empty())
            && t.applications
                .iter()
                .any(|a| eq_ci(sprop(&a.props, "uniqueName"), name))
        {
            return Err(unique_name_taken());
        }
        let id = new_guid();
        let app_id = new_guid();
        let mut props =
            ops::application_defaults(&id, &app_id, &t.initial_domain(), &iso(Utc::now()));
        validate::merge(&mut props, &body, &ops::application_default_of);
        if let Some(name) = unique_name {
            props.insert("uniqueName".into(), Value::String(name.to_string()));
        }
        let version_given = body
            .get("api")
            .and_then(|a| a.get("requestedAccessTokenVersion"))
            .is_some_and(|v| !v.is_null());
        if personal_audience(sprop(&props, "signInAudience"))
            && !version_given
            && let Some(Value::Object(api)) = props.get_mut("api")
        {
            api.insert("requestedAccessTokenVersion".into(), json!(2));
        }
        validate_semantics(t, &props, &id)?;
        t.applications.push(Application {
            props: props.clone(),
            created_ms: now_ms(),
            secret_hashes: Vec::new(),
        });
        Ok::<_, GraphError>(props)
    })?;
    let location = format!(
        "{}directoryObjects/{}/Microsoft.DirectoryServices.Application",
        shared.graph_v1(),
        sprop(&props, "id")
    );
    let context = odata::context(shared, "applications/$entity");
    Ok(GResp::created(
        odata::entity_response(context, props, &Default::default()),
        location,
    ))
}

pub fn update(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    if let Key::Alt(prop, unique_name) = key
        && prop == "uniqueName"
        && ctx.create_if_missing
    {
        return upsert(ctx, unique_name);
    }
    let app = find(ctx, key)?;
    let body = validate::json_object(ctx.body)?;
    check_write_body(&body)?;
    update_app(ctx, &app, &body)
}

/// `PATCH /applications(uniqueName='…')` with `Prefer: create-if-missing`
/// (learn.microsoft.com/graph/api/application-upsert): **201** with the new application when
/// no application has that `uniqueName`, else **204** after updating it. `uniqueName` is a
/// key the directory enforces on write, so an application that is still replicating (not yet
/// visible to reads) is found all the same — that is what makes a repeated create safe.
fn upsert(ctx: &Ctx, unique_name: &str) -> GraphResult<GResp> {
    if unique_name.trim().is_empty() {
        return Err(GraphError::invalid_value("uniqueName", "Application"));
    }
    let body = validate::json_object(ctx.body)?;
    check_write_body(&body)?;
    if let Some(given) = body.get("uniqueName")
        && given.as_str().is_none_or(|g| !eq_ci(g, unique_name))
    {
        return Err(unique_name_immutable());
    }
    let existing = ctx.shared.read(|t| {
        t.applications
            .iter()
            .find(|a| eq_ci(sprop(&a.props, "uniqueName"), unique_name))
            .cloned()
    });
    match existing {
        Some(app) => update_app(ctx, &app, &body),
        None => create_from(ctx, body, Some(unique_name)),
    }
}

/// `uniqueName` is immutable once set (application resource: "Immutable").
fn unique_name_immutable() -> GraphError {
    GraphError::bad_request("Property 'uniqueName' is immutable and cannot be changed.")
}

fn unique_name_taken() -> GraphError {
    GraphError::new(
        400,
        "Request_MultipleObjectsWithSameKeyValue",
        "Another object with the same value for property uniqueName already exists.",
    )
}

fn update_app(ctx: &Ctx, app: &Application, body: &Map<String, Value>) -> GraphResult<GResp> {
    let current = sprop(&app.props, "uniqueName");
    if let Some(given) = body.get("uniqueName")
        && !current.is_empty()
        && given.as_str().is_none_or(|g| !eq_ci(g, current))
    {
        return Err(unique_name_immutable());
    }
    if let Some(given) = body.get("uniqueName").and_then(Value::as_str)
        && current.is_empty()
        && ctx.shared.read(|t| {
            t.applications
                .iter()
                .any(|a| !eq_ci(a.id(), app.id()) && eq_ci(sprop(&a.props, "uniqueName"), given))
        })
    {
        return Err(unique_name_taken());
    }
    let id = app.id().to_string();
    ctx.shared.mutate(|t| {
        let mut props = t
            .app(&id)
            .map(|a| a.props.clone())
            .ok_or_else(|| GraphError::not_found(&id))?;
        validate::merge(&mut props, body, &ops::application_default_of);
        validate_semantics(t, &props, &id)?;
        let old_name = t
            .app(&id)
            .map(|a| a.display_name().to_string())
            .unwrap_or_default();
        if let Some(a) = t.app_mut(&id) {
            a.props = props.clone();
        }
        // The home-tenant service principal follows the registration.
        let app_id = sprop(&props, "appId").to_string();
        let tid = t.tenant_id.clone();
        let sp_id = t.sp_by_app_id(&app_id).map(|s| s.id().to_string());
        if let Some(sp_id) = sp_id {
            let derived = ops::sp_for_application(&sp_id, &tid, &props);
            if let Some(sp) = t.sp_mut(&sp_id) {
                for k in [
                    "appDisplayName",
                    "appRoles",
                    "oauth2PermissionScopes",
                    "replyUrls",
                    "signInAudience",
                    "servicePrincipalNames",
                    "info",
                ] {
                    if let Some(v) = derived.get(k) {
                        sp.props.insert(k.to_string(), v.clone());
                    }
                }
                if sprop(&sp.props, "displayName") == old_name {
                    sp.props.insert(
                        "displayName".into(),
                        props.get("displayName").cloned().unwrap_or(Value::Null),
                    );
                }
            }
        }
        Ok::<_, GraphError>(())
    })?;
    Ok(GResp::no_content())
}

pub fn delete(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    let app = find(ctx, key)?;
    let id = app.id().to_string();
    let app_id = app.app_id().to_string();
    ctx.shared.mutate(|t| {
        t.applications.retain(|a| !eq_ci(a.id(), &id));
        let sps: Vec<String> = t
            .service_principals
            .iter()
            .filter(|s| eq_ci(s.app_id(), &app_id))
            .map(|s| s.id().to_string())
            .collect();
        for sp in sps {
            t.delete_sp_cascade(&sp);
        }
        Ok::<_, GraphError>(())
    })?;
    Ok(GResp::no_content())
}

const PASSWORD_FIELDS: validate::Fields = &[
    ("displayName", validate::K::NStr),
    ("endDateTime", validate::K::NDate),
    ("startDateTime", validate::K::NDate),
    ("customKeyIdentifier", validate::K::NStr),
];

pub fn add_password(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    let app = find(ctx, key)?;
    let body = if ctx.body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        validate::json_object(ctx.body)?
    };
    validate::check_object(
        &body,
        &[("passwordCredential", validate::K::NObj(PASSWORD_FIELDS))],
        "",
        "PasswordCredential",
    )?;
    let cred = body
        .get("passwordCredential")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let now = Utc::now();
    let start = cred
        .get("startDateTime")
        .and_then(Value::as_str)
        .and_then(parse_iso)
        .unwrap_or(now);
    let default_end = start.checked_add_months(Months::new(24)).unwrap_or(start);
    let end = cred
        .get("endDateTime")
        .and_then(Value::as_str)
        .and_then(parse_iso)
        .unwrap_or(default_end);
    if end <= start {
        return Err(GraphError::invalid_value(
            "endDateTime",
            "PasswordCredential",
        ));
    }
    // The tenant's passwordLifetime restriction (app_policy), with the few minutes of clock
    // skew a client's "now" may have against Entra's.
    let latest = ctx.shared.read(|t| t.app_policy.latest_end(start));
    if latest.is_some_and(|latest| end > latest + chrono::Duration::minutes(5)) {
        return Err(GraphError::new(
            400,
            "CredentialInvalidLifetimeAsPerAppPolicy",
            format!(
                "Credential lifetime exceeds the max value allowed as per assigned policy '{LIFETIME_POLICY_ID}'."
            ),
        )
        .with_detail("InvalidKeyEndDate", "EndDate", None));
    }
    let secret = new_client_secret();
    let key_id = new_guid();
    let display = cred.get("displayName").cloned().unwrap_or(Value::Null);
    let custom = cred
        .get("customKeyIdentifier")
        .cloned()
        .unwrap_or(Value::Null);
    let meta = json!({
        "customKeyIdentifier": custom,
        "displayName": display,
        "endDateTime": iso(end),
        "hint": &secret[..3],
        "keyId": key_id,
        "secretText": null,
        "startDateTime": iso(start),
    });
    let id = app.id().to_string();
    let hash = secret_hash(&key_id, &secret);
    ctx.shared.mutate(|t| {
        let a = t.app_mut(&id).ok_or_else(|| GraphError::not_found(&id))?;
        a.secret_hashes.push(SecretHash {
            key_id: key_id.clone(),
            sha256: hash,
        });
        if let Some(Value::Array(list)) = a.props.get_mut("passwordCredentials") {
            list.push(meta.clone());
        }
        Ok::<_, GraphError>(())
    })?;
    let mut out = meta.as_object().cloned().unwrap_or_default();
    out.insert("secretText".into(), Value::String(secret));
    let context = odata::context(ctx.shared, "microsoft.graph.passwordCredential");
    Ok(GResp::ok(odata::entity_response(
        context,
        out,
        &Default::default(),
    )))
}

pub fn remove_password(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    let app = find(ctx, key)?;
    let body = validate::json_object(ctx.body)?;
    validate::check_object(
        &body,
        &[("keyId", validate::K::Guid)],
        "",
        "PasswordCredential",
    )?;
    let Some(key_id) = body
        .get("keyId")
        .and_then(Value::as_str)
        .filter(|k| is_guid(k))
    else {
        return Err(GraphError::invalid_value("keyId", "PasswordCredential"));
    };
    let id = app.id().to_string();
    ctx.shared.mutate(|t| {
        let a = t.app_mut(&id).ok_or_else(|| GraphError::not_found(&id))?;
        let Some(Value::Array(list)) = a.props.get_mut("passwordCredentials") else {
            return Err(GraphError::not_found(key_id));
        };
        let before = list.len();
        list.retain(|c| !eq_ci(c.get("keyId").and_then(Value::as_str).unwrap_or(""), key_id));
        if list.len() == before {
            return Err(GraphError::new(
                404,
                "Request_ResourceNotFound",
                format!("No password credential with keyId '{key_id}' exists on the application."),
            ));
        }
        a.secret_hashes.retain(|h| !eq_ci(&h.key_id, key_id));
        Ok(())
    })?;
    Ok(GResp::no_content())
}
