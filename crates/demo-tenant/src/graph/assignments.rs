//! App role assignments: `/servicePrincipals/{id}/appRoleAssignedTo` (resource side) and
//! `/servicePrincipals/{id}/appRoleAssignments` (principal side).

use serde_json::{Map, Value};

use super::super::catalog::GRAPH_APP_ID;
use super::super::errors::{GraphError, GraphResult};
use super::super::ops::{self, AssignError};
use super::super::util::{eq_ci, sprop};
use super::caller::{self, AdminNeed};
use super::filter::{EQ, Ops};
use super::odata;
use super::service_principals;
use super::validate::{self, K};
use super::{Ctx, GResp, Key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The service principal in the path is the resource.
    AssignedTo,
    /// The service principal in the path is the principal (client).
    Assignments,
}

impl Side {
    pub fn from_nav(nav: &str) -> Side {
        if nav == "appRoleAssignedTo" {
            Side::AssignedTo
        } else {
            Side::Assignments
        }
    }
    fn nav(self) -> &'static str {
        match self {
            Side::AssignedTo => "appRoleAssignedTo",
            Side::Assignments => "appRoleAssignments",
        }
    }
    fn owner_field(self) -> &'static str {
        match self {
            Side::AssignedTo => "resourceId",
            Side::Assignments => "principalId",
        }
    }
}

const FILTERS: &[(&str, Ops)] = &[
    ("principalId", EQ),
    ("resourceId", EQ),
    ("appRoleId", EQ),
    ("principalType", EQ),
];

const BODY: &[(&str, K)] = &[
    ("principalId", K::Guid),
    ("resourceId", K::Guid),
    ("appRoleId", K::Guid),
];

fn of_sp(ctx: &Ctx, sp_id: &str, side: Side) -> Vec<Map<String, Value>> {
    ctx.shared.read(|t| {
        t.app_role_assignments
            .iter()
            .filter(|a| eq_ci(sprop(a, side.owner_field()), sp_id))
            .cloned()
            .collect()
    })
}

pub fn list(ctx: &Ctx, key: &Key, side: Side) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_ASSIGNMENTS)?;
    odata::check_select(ctx.q, odata::ASSIGNMENT_PROPS, "appRoleAssignment")?;
    let sp = service_principals::find(ctx, key)?;
    let expr = odata::filter_expr(ctx.q, FILTERS, "AppRoleAssignment")?;
    let items = of_sp(ctx, sp.id(), side);
    let context = odata::context(
        ctx.shared,
        &format!("servicePrincipals('{}')/{}", sp.id(), side.nav()),
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

pub fn get(ctx: &Ctx, key: &Key, side: Side, id: &str) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_ASSIGNMENTS)?;
    let sp = service_principals::find(ctx, key)?;
    let item = of_sp(ctx, sp.id(), side)
        .into_iter()
        .find(|a| sprop(a, "id") == id)
        .ok_or_else(|| GraphError::not_found(id))?;
    let context = odata::context(
        ctx.shared,
        &format!("servicePrincipals('{}')/{}/$entity", sp.id(), side.nav()),
    );
    Ok(GResp::ok(odata::entity_response(context, item, ctx.q)))
}

fn admin_need(ctx: &Ctx, resource_id: &str) -> AdminNeed {
    let is_graph = ctx.shared.read(|t| {
        t.sp(resource_id)
            .is_some_and(|s| eq_ci(s.app_id(), GRAPH_APP_ID))
    });
    if is_graph {
        AdminNeed::GlobalAdmin
    } else {
        AdminNeed::Consent
    }
}

pub fn create(ctx: &Ctx, key: &Key, side: Side) -> GraphResult<GResp> {
    ctx.caller.require(&caller::WRITE_ASSIGNMENTS)?;
    let sp = service_principals::find(ctx, key)?;
    let body = validate::json_object(ctx.body)?;
    validate::check_object(&body, BODY, "", "AppRoleAssignment")?;
    let field = |name: &str| -> GraphResult<String> {
        body.get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| GraphError::invalid_value(name, "AppRoleAssignment"))
    };
    let principal_id = field("principalId")?;
    let resource_id = field("resourceId")?;
    let app_role_id = field("appRoleId")?;
    let path_field = match side {
        Side::AssignedTo => &resource_id,
        Side::Assignments => &principal_id,
    };
    if !eq_ci(path_field, sp.id()) {
        return Err(GraphError::invalid_value(
            side.owner_field(),
            "AppRoleAssignment",
        ));
    }
    ctx.caller.require_admin(admin_need(ctx, &resource_id))?;
    let shared = ctx.shared;
    let created = shared.mutate(|t| {
        let principal_ok = t
            .sp(&principal_id)
            .map(|s| shared.sp_visible(s))
            .unwrap_or_else(|| t.users.iter().any(|u| eq_ci(u.id(), &principal_id)));
        if !principal_ok {
            return Err(GraphError::invalid_value(
                "principalId",
                "AppRoleAssignment",
            ));
        }
        if !t.sp(&resource_id).is_some_and(|s| shared.sp_visible(s)) {
            return Err(GraphError::invalid_value("resourceId", "AppRoleAssignment"));
        }
        ops::add_assignment(t, &principal_id, &resource_id, &app_role_id).map_err(|e| match e {
            AssignError::UnknownPrincipal => {
                GraphError::invalid_value("principalId", "AppRoleAssignment")
            }
            AssignError::UnknownResource => {
                GraphError::invalid_value("resourceId", "AppRoleAssignment")
            }
            AssignError::UnknownRole => GraphError::bad_request(format!(
                "Permission being assigned was not found on application '{resource_id}'."
            )),
            AssignError::Duplicate => GraphError::new(
                409,
                "Request_BadRequest",
                "Permission being assigned already exists on the object.",
            ),
        })
    })?;
    let location = format!(
        "{}servicePrincipals/{}/{}/{}",
        shared.graph_v1(),
        sp.id(),
        side.nav(),
        sprop(&created, "id")
    );
    let context = odata::context(
        shared,
        &format!("servicePrincipals('{}')/{}/$entity", sp.id(), side.nav()),
    );
    Ok(GResp::created(
        odata::entity_response(context, created, &Default::default()),
        location,
    ))
}

pub fn delete(ctx: &Ctx, key: &Key, side: Side, id: &str) -> GraphResult<GResp> {
    ctx.caller.require(&caller::WRITE_ASSIGNMENTS)?;
    let sp = service_principals::find(ctx, key)?;
    let item = of_sp(ctx, sp.id(), side)
        .into_iter()
        .find(|a| sprop(a, "id") == id)
        .ok_or_else(|| GraphError::not_found(id))?;
    ctx.caller
        .require_admin(admin_need(ctx, sprop(&item, "resourceId")))?;
    ctx.shared.mutate(|t| {
        t.app_role_assignments.retain(|a| sprop(a, "id") != id);
        Ok::<_, GraphError>(())
    })?;
    Ok(GResp::no_content())
}
