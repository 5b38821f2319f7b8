//! `/servicePrincipals`: list, get, create (with replication lag), update, delete.

use serde_json::{Map, Value};

use super::super::errors::{GraphError, GraphResult};
use super::super::ops;
use super::super::state::ServicePrincipal;
use super::super::util::{eq_ci, now_ms, sprop};
use super::caller::{self, AdminNeed};
use super::filter::{ANY, EQ, EQ_STARTS, Ops};
use super::odata;
use super::validate::{self, SERVICE_PRINCIPAL_READ_ONLY, SERVICE_PRINCIPAL_WRITABLE};
use super::{Ctx, GResp, Key, check_object_id};

const FILTERS: &[(&str, Ops)] = &[
    ("id", EQ),
    ("appId", EQ),
    ("displayName", EQ_STARTS),
    ("appDisplayName", EQ_STARTS),
    ("servicePrincipalNames", ANY),
    ("alternativeNames", ANY),
    ("tags", ANY),
    ("servicePrincipalType", EQ),
    ("accountEnabled", EQ),
    ("appOwnerOrganizationId", EQ),
];

/// The visible (replicated) service principal addressed by `key`.
pub fn find(ctx: &Ctx, key: &Key) -> GraphResult<ServicePrincipal> {
    let shared = ctx.shared;
    match key {
        Key::Id(id) => {
            check_object_id(id)?;
            shared
                .read(|t| t.sp(id).filter(|s| shared.sp_visible(s)).cloned())
                .ok_or_else(|| GraphError::not_found(id))
        }
        Key::Alt(prop, value) if prop == "appId" => shared
            .read(|t| {
                t.sp_by_app_id(value)
                    .filter(|s| shared.sp_visible(s))
                    .cloned()
            })
            .ok_or_else(|| GraphError::not_found(value)),
        Key::Alt(prop, _) => Err(GraphError::new(
            400,
            "BadRequest",
            format!("The alternate key '{prop}' is not supported for servicePrincipals."),
        )),
    }
}

pub fn list(ctx: &Ctx) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_APPS)?;
    odata::check_select(ctx.q, odata::SERVICE_PRINCIPAL_PROPS, "servicePrincipal")?;
    let expr = odata::filter_expr(ctx.q, FILTERS, "ServicePrincipal")?;
    let items: Vec<Map<String, Value>> = ctx.shared.read(|t| {
        t.service_principals
            .iter()
            .filter(|s| ctx.shared.sp_visible(s))
            .map(|s| s.props.clone())
            .collect()
    });
    let context = odata::context_with_select(ctx.shared, "servicePrincipals", ctx.q, false);
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
    odata::check_select(ctx.q, odata::SERVICE_PRINCIPAL_PROPS, "servicePrincipal")?;
    let sp = find(ctx, key)?;
    let context = odata::context_with_select(ctx.shared, "servicePrincipals", ctx.q, true);
    Ok(GResp::ok(odata::entity_response(context, sp.props, ctx.q)))
}

fn require_write(ctx: &Ctx) -> GraphResult<()> {
    ctx.caller.require(&caller::WRITE_APPS)?;
    ctx.caller.require_admin(AdminNeed::AppAdmin)
}

pub fn create(ctx: &Ctx) -> GraphResult<GResp> {
    require_write(ctx)?;
    let mut body = validate::json_object(ctx.body)?;
    let app_id = match body.remove("appId") {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(_) => return Err(GraphError::invalid_value("appId", "ServicePrincipal")),
        None => {
            return Err(GraphError::bad_request(
                "The request must contain the property 'appId'.",
            ));
        }
    };
    create_for(ctx, &app_id, body)
}

/// Creates the service principal of the application `app_id`.
fn create_for(ctx: &Ctx, app_id: &str, body: Map<String, Value>) -> GraphResult<GResp> {
    let app_id = app_id.to_string();
    validate::check_body(
        &body,
        SERVICE_PRINCIPAL_WRITABLE,
        SERVICE_PRINCIPAL_READ_ONLY,
        "ServicePrincipal",
    )?;
    let shared = ctx.shared;
    let props = shared.mutate(|t| {
        if t.sp_by_app_id(&app_id).is_some() {
            return Err(GraphError::new(
                409,
                "Request_MultipleObjectsWithSameKeyValue",
                "Another object with the same value for property servicePrincipalNames already exists.",
            ));
        }
        let Some(app) = t
            .app_by_app_id(&app_id)
            .filter(|a| shared.app_visible(a))
            .cloned()
        else {
            return Err(GraphError::bad_request(format!(
                "The appId '{app_id}' of the service principal does not reference a valid application object."
            ))
            .with_detail("NoBackingApplicationObject", "appId", None));
        };
        let id = ops::fresh_guid();
        let mut props = ops::sp_for_application(&id, &t.tenant_id, &app.props);
        validate::merge(&mut props, &body, &|_| None);
        t.service_principals.push(ServicePrincipal {
            props: props.clone(),
            created_ms: now_ms(),
        });
        Ok(props)
    })?;
    let location = format!(
        "{}directoryObjects/{}/Microsoft.DirectoryServices.ServicePrincipal",
        shared.graph_v1(),
        sprop(&props, "id")
    );
    let context = odata::context(shared, "servicePrincipals/$entity");
    Ok(GResp::created(
        odata::entity_response(context, props, &Default::default()),
        location,
    ))
}

pub fn update(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    // Upsert (learn.microsoft.com/graph/api/serviceprincipal-upsert): with
    // `Prefer: create-if-missing` a missing service principal of that appId is created (201);
    // an existing one is updated (204). The directory knows its own service principals even
    // while they replicate, so a repeated upsert never makes a second one.
    if let Key::Alt(prop, app_id) = key
        && prop == "appId"
        && ctx.create_if_missing
    {
        let exists = ctx.shared.read(|t| t.sp_by_app_id(app_id).is_some());
        if !exists {
            let mut body = validate::json_object(ctx.body)?;
            if let Some(given) = body.remove("appId")
                && given.as_str().is_none_or(|g| !eq_ci(g, app_id))
            {
                return Err(GraphError::invalid_value("appId", "ServicePrincipal"));
            }
            return create_for(ctx, app_id, body);
        }
    }
    let sp = match key {
        Key::Alt(prop, app_id) if prop == "appId" && ctx.create_if_missing => ctx
            .shared
            .read(|t| t.sp_by_app_id(app_id).cloned())
            .ok_or_else(|| GraphError::not_found(app_id))?,
        _ => find(ctx, key)?,
    };
    let body = validate::json_object(ctx.body)?;
    let mut read_only: Vec<&str> = SERVICE_PRINCIPAL_READ_ONLY.to_vec();
    read_only.push("appId");
    validate::check_body(
        &body,
        SERVICE_PRINCIPAL_WRITABLE,
        &read_only,
        "ServicePrincipal",
    )?;
    let id = sp.id().to_string();
    ctx.shared.mutate(|t| {
        let s = t.sp_mut(&id).ok_or_else(|| GraphError::not_found(&id))?;
        validate::merge(&mut s.props, &body, &|_| None);
        Ok::<_, GraphError>(())
    })?;
    Ok(GResp::no_content())
}

pub fn delete(ctx: &Ctx, key: &Key) -> GraphResult<GResp> {
    require_write(ctx)?;
    let sp = find(ctx, key)?;
    let id = sp.id().to_string();
    ctx.shared.mutate(|t| {
        if !t.service_principals.iter().any(|s| eq_ci(s.id(), &id)) {
            return Err(GraphError::not_found(&id));
        }
        t.delete_sp_cascade(&id);
        Ok(())
    })?;
    Ok(GResp::no_content())
}
