//! `/oauth2PermissionGrants`: delegated permission grants (admin consent for scopes).

use serde_json::{Map, Value};

use super::super::errors::{GraphError, GraphResult};
use super::super::ops;
use super::super::state::{Props, Tenant};
use super::super::util::{eq_ci, sprop};
use super::caller::{self, AdminNeed};
use super::filter::{EQ, Ops};
use super::odata;
use super::service_principals;
use super::validate::{self, K};
use super::{Ctx, GResp, Key};

const FILTERS: &[(&str, Ops)] = &[
    ("id", EQ),
    ("clientId", EQ),
    ("consentType", EQ),
    ("principalId", EQ),
    ("resourceId", EQ),
];

const BODY: &[(&str, K)] = &[
    ("clientId", K::Guid),
    ("consentType", K::NStr),
    ("principalId", K::NGuid),
    ("resourceId", K::Guid),
    ("scope", K::NStr),
];

const RESOURCE: &str = "OAuth2PermissionGrant";

pub fn list(ctx: &Ctx) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_GRANTS)?;
    odata::check_select(ctx.q, odata::GRANT_PROPS, "oAuth2PermissionGrant")?;
    let expr = odata::filter_expr(ctx.q, FILTERS, RESOURCE)?;
    let items = ctx.shared.read(|t| t.oauth2_permission_grants.clone());
    let context = odata::context_with_select(ctx.shared, "oauth2PermissionGrants", ctx.q, false);
    Ok(GResp::ok(odata::list_response(
        ctx.shared,
        items,
        ctx.q,
        expr.as_ref(),
        context,
        ctx.path,
    )))
}

pub fn list_for_client(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_GRANTS)?;
    odata::check_select(ctx.q, odata::GRANT_PROPS, "oAuth2PermissionGrant")?;
    let sp = service_principals::find(ctx, key)?;
    let expr = odata::filter_expr(ctx.q, FILTERS, RESOURCE)?;
    let items: Vec<Map<String, Value>> = ctx.shared.read(|t| {
        t.oauth2_permission_grants
            .iter()
            .filter(|g| eq_ci(sprop(g, "clientId"), sp.id()))
            .cloned()
            .collect()
    });
    let context = odata::context(
        ctx.shared,
        &format!("servicePrincipals('{}')/oauth2PermissionGrants", sp.id()),
    );
    Ok(GResp::ok(odata::list_response(
        ctx.shared,
        items,
        ctx.q,
        expr.as_ref(),
        context,
        ctx.path,
    )))
}

fn grant_id(key: &Key) -> GraphResult<&str> {
    match key {
        Key::Id(id) => Ok(id),
        Key::Alt(p, _) => Err(GraphError::new(
            400,
            "BadRequest",
            format!("The alternate key '{p}' is not supported for oauth2PermissionGrants."),
        )),
    }
}

fn find(ctx: &Ctx, key: &Key) -> GraphResult<Props> {
    let id = grant_id(key)?;
    ctx.shared
        .read(|t| {
            t.oauth2_permission_grants
                .iter()
                .find(|g| sprop(g, "id") == id)
                .cloned()
        })
        .ok_or_else(|| GraphError::not_found(id))
}

pub fn get(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_GRANTS)?;
    odata::check_select(ctx.q, odata::GRANT_PROPS, "oAuth2PermissionGrant")?;
    let g = find(ctx, key)?;
    let context = odata::context_with_select(ctx.shared, "oauth2PermissionGrants", ctx.q, true);
    Ok(GResp::ok(odata::entity_response(context, g, ctx.q)))
}

fn require_write(ctx: &Ctx) -> GraphResult<()> {
    ctx.caller.require(&caller::WRITE_GRANTS)?;
    ctx.caller.require_admin(AdminNeed::Consent)
}

/// Check space-separated scope names against the resource's delegated permissions and
/// return them in canonical spelling.
fn canonical_scopes(t: &Tenant, resource_id: &str, scope: &str) -> GraphResult<String> {
    let Some(resource) = t.sp(resource_id) else {
        return Err(GraphError::invalid_value("resourceId", RESOURCE));
    };
    let mut out: Vec<String> = Vec::new();
    for name in scope.split_whitespace() {
        let Some(s) = ops::sp_scope_by_value(&resource.props, name) else {
            return Err(GraphError::invalid_value("scope", RESOURCE).with_detail(
                "InvalidValue",
                "scope",
                Some(&format!(
                    "The scope '{name}' is not a delegated permission of '{}'.",
                    resource.display_name()
                )),
            ));
        };
        let v = sprop(s, "value").to_string();
        if !out.iter().any(|o| eq_ci(o, &v)) {
            out.push(v);
        }
    }
    Ok(out.join(" "))
}

pub fn create(ctx: &Ctx) -> GraphResult<GResp> {
    ctx.caller.require(&caller::WRITE_GRANTS)?;
    let body = validate::json_object(ctx.body)?;
    validate::check_object(&body, BODY, "", RESOURCE)?;
    let s = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
    let client_id = s("clientId").ok_or_else(|| GraphError::invalid_value("clientId", RESOURCE))?;
    let resource_id =
        s("resourceId").ok_or_else(|| GraphError::invalid_value("resourceId", RESOURCE))?;
    let consent_type = s("consentType").unwrap_or_default();
    let principal_id = s("principalId");
    match (consent_type.as_str(), &principal_id) {
        ("AllPrincipals", None) | ("Principal", Some(_)) => {}
        ("AllPrincipals", Some(_)) | ("Principal", None) => {
            return Err(GraphError::invalid_value("principalId", RESOURCE));
        }
        _ => return Err(GraphError::invalid_value("consentType", RESOURCE)),
    }
    ctx.caller.require_admin(AdminNeed::Consent)?;
    let scope = s("scope").unwrap_or_default();
    let shared = ctx.shared;
    let grant = shared.mutate(|t| {
        if !t.sp(&client_id).is_some_and(|sp| shared.sp_visible(sp)) {
            return Err(GraphError::invalid_value("clientId", RESOURCE));
        }
        if !t.sp(&resource_id).is_some_and(|sp| shared.sp_visible(sp)) {
            return Err(GraphError::invalid_value("resourceId", RESOURCE));
        }
        if let Some(p) = &principal_id
            && !t.users.iter().any(|u| eq_ci(u.id(), p))
        {
            return Err(GraphError::invalid_value("principalId", RESOURCE));
        }
        let scope = canonical_scopes(t, &resource_id, &scope)?;
        let duplicate = t.oauth2_permission_grants.iter().any(|g| {
            eq_ci(sprop(g, "clientId"), &client_id)
                && eq_ci(sprop(g, "resourceId"), &resource_id)
                && sprop(g, "consentType") == consent_type
                && eq_ci(
                    sprop(g, "principalId"),
                    principal_id.as_deref().unwrap_or(""),
                )
        });
        if duplicate {
            return Err(GraphError::new(
                409,
                "Request_MultipleObjectsWithSameKeyValue",
                "Permission entry already exists.",
            ));
        }
        let g = ops::grant_props(
            &client_id,
            &consent_type,
            principal_id.as_deref(),
            &resource_id,
            &scope,
        );
        t.oauth2_permission_grants.push(g.clone());
        Ok(g)
    })?;
    let location = format!(
        "{}oauth2PermissionGrants/{}",
        shared.graph_v1(),
        sprop(&grant, "id")
    );
    let context = odata::context(shared, "oauth2PermissionGrants/$entity");
    Ok(GResp::created(
        odata::entity_response(context, grant, &Default::default()),
        location,
    ))
}

pub fn update(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    let g = find(ctx, key)?;
    let body = validate::json_object(ctx.body)?;
    validate::check_object(&body, &[("scope", K::NStr)], "", RESOURCE)?;
    let id = sprop(&g, "id").to_string();
    let resource_id = sprop(&g, "resourceId").to_string();
    if let Some(scope) = body.get("scope") {
        let scope = scope.as_str().unwrap_or("").to_string();
        ctx.shared.mutate(|t| {
            let scope = canonical_scopes(t, &resource_id, &scope)?;
            let g = t
                .oauth2_permission_grants
                .iter_mut()
                .find(|g| sprop(g, "id") == id)
                .ok_or_else(|| GraphError::not_found(&id))?;
            g.insert("scope".into(), Value::String(scope));
            Ok::<_, GraphError>(())
        })?;
    }
    Ok(GResp::no_content())
}

pub fn delete(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    let g = find(ctx, key)?;
    let id = sprop(&g, "id").to_string();
    ctx.shared.mutate(|t| {
        t.oauth2_permission_grants.retain(|g| sprop(g, "id") != id);
        Ok::<_, GraphError>(())
    })?;
    Ok(GResp::no_content())
}
