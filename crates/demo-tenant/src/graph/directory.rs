//! `/organization`, `/domains`, `/users`, `/me`, `/users/{id}/mailboxSettings`.

use serde_json::{Map, Value};

use super::super::errors::{GraphError, GraphResult};
use super::super::state::User;
use super::super::util::eq_ci;
use super::caller::{self, Caller};
use super::filter::{ANY, EQ, EQ_STARTS, Ops};
use super::odata::{self, QueryOptions};
use super::{Ctx, GResp, Key};

fn no_filter(q: &QueryOptions, resource: &str) -> GraphResult<()> {
    if q.filter.as_ref().is_some_and(|f| !f.trim().is_empty()) {
        return Err(GraphError::unsupported_query(format!(
            "$filter is not supported on the '{resource}' collection by the emulator."
        )));
    }
    Ok(())
}

fn org_view(ctx: &Ctx) -> GraphResult<Map<String, Value>> {
    let full = ctx.caller.has(&caller::READ_ORGANIZATION);
    if matches!(ctx.caller, Caller::App { .. }) && !full {
        return Err(GraphError::denied());
    }
    let org = ctx.shared.read(|t| t.organization.clone());
    if full {
        return Ok(org);
    }
    // With only User.Read Graph fills in just these.
    Ok(org
        .into_iter()
        .filter(|(k, _)| matches!(k.as_str(), "id" | "displayName" | "verifiedDomains"))
        .collect())
}

pub fn organization(ctx: &Ctx) -> GraphResult<GResp> {
    no_filter(ctx.q, "organization")?;
    odata::check_select(ctx.q, odata::ORGANIZATION_PROPS, "organization")?;
    let org = org_view(ctx)?;
    let context = odata::context_with_select(ctx.shared, "organization", ctx.q, false);
    Ok(GResp::ok(odata::list_response(
        ctx.shared,
        vec![org],
        ctx.q,
        None,
        context,
        ctx.path,
    )))
}

pub fn organization_by_id(ctx: &Ctx, k: &Key) -> GraphResult<GResp> {
    odata::check_select(ctx.q, odata::ORGANIZATION_PROPS, "organization")?;
    let Key::Id(id) = k else {
        return Err(GraphError::bad_request("Unsupported alternate key."));
    };
    let org = org_view(ctx)?;
    if !eq_ci(org.get("id").and_then(Value::as_str).unwrap_or(""), id) {
        return Err(GraphError::not_found(id));
    }
    let context = odata::context_with_select(ctx.shared, "organization", ctx.q, true);
    Ok(GResp::ok(odata::entity_response(context, org, ctx.q)))
}

pub fn domains(ctx: &Ctx) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_DOMAINS)?;
    no_filter(ctx.q, "domains")?;
    odata::check_select(ctx.q, odata::DOMAIN_PROPS, "domain")?;
    let items = ctx.shared.read(|t| t.domains.clone());
    let context = odata::context_with_select(ctx.shared, "domains", ctx.q, false);
    Ok(GResp::ok(odata::list_response(
        ctx.shared, items, ctx.q, None, context, ctx.path,
    )))
}

pub fn domain(ctx: &Ctx, k: &Key) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_DOMAINS)?;
    odata::check_select(ctx.q, odata::DOMAIN_PROPS, "domain")?;
    let Key::Id(name) = k else {
        return Err(GraphError::bad_request("Unsupported alternate key."));
    };
    let d = ctx.shared.read(|t| {
        t.domains
            .iter()
            .find(|d| eq_ci(d.get("id").and_then(Value::as_str).unwrap_or(""), name))
            .cloned()
    });
    let d = d.ok_or_else(|| GraphError::not_found(name))?;
    let context = odata::context_with_select(ctx.shared, "domains", ctx.q, true);
    Ok(GResp::ok(odata::entity_response(context, d, ctx.q)))
}

const USER_FILTERS: &[(&str, Ops)] = &[
    ("id", EQ),
    ("userPrincipalName", EQ_STARTS),
    ("mail", EQ_STARTS),
    ("displayName", EQ_STARTS),
    ("givenName", EQ_STARTS),
    ("surname", EQ_STARTS),
    ("mailNickname", EQ_STARTS),
    ("accountEnabled", EQ),
    ("userType", EQ),
    ("proxyAddresses", ANY),
];

/// Default property set unless `$select` asks for more.
fn user_view(u: &User, q: &QueryOptions) -> Map<String, Value> {
    if q.select.is_some() {
        return u.props.clone();
    }
    odata::USER_DEFAULT_PROPS
        .iter()
        .map(|k| {
            (
                k.to_string(),
                u.props.get(*k).cloned().unwrap_or(Value::Null),
            )
        })
        .collect()
}

pub fn users(ctx: &Ctx) -> GraphResult<GResp> {
    ctx.caller.require(&caller::READ_USERS)?;
    odata::check_select(ctx.q, odata::USER_PROPS, "user")?;
    let expr = odata::filter_expr(ctx.q, USER_FILTERS, "User")?;
    let items: Vec<Map<String, Value>> = ctx.shared.read(|t| {
        t.users
            .iter()
            .filter(|u| {
                expr.as_ref()
                    .is_none_or(|e| super::filter::eval(e, &u.props))
            })
            .map(|u| user_view(u, ctx.q))
            .collect()
    });
    let context = odata::context_with_select(ctx.shared, "users", ctx.q, false);
    Ok(GResp::ok(odata::list_response(
        ctx.shared, items, ctx.q, None, context, ctx.path,
    )))
}

fn user_key(k: &Key) -> &str {
    match k {
        Key::Id(v) => v,
        Key::Alt(_, v) => v,
    }
}

pub fn user(ctx: &Ctx, k: &Key) -> GraphResult<GResp> {
    odata::check_select(ctx.q, odata::USER_PROPS, "user")?;
    let wanted = user_key(k);
    let u = ctx.shared.read(|t| t.user(wanted).cloned());
    let is_self = u
        .as_ref()
        .is_some_and(|u| ctx.caller.user_id().is_some_and(|me| eq_ci(me, u.id())));
    if !is_self {
        ctx.caller.require(&caller::READ_USERS)?;
    }
    let u = u.ok_or_else(|| GraphError::not_found(wanted))?;
    let context = odata::context_with_select(ctx.shared, "users", ctx.q, true);
    Ok(GResp::ok(odata::entity_response(
        context,
        user_view(&u, ctx.q),
        ctx.q,
    )))
}

pub fn me(ctx: &Ctx) -> GraphResult<GResp> {
    let Some(id) = ctx.caller.user_id() else {
        return Err(GraphError::new(
            400,
            "BadRequest",
            "/me request is only valid with delegated authentication flow.",
        ));
    };
    user(ctx, &Key::Id(id.to_string()))
}

pub fn me_mailbox(ctx: &Ctx) -> GraphResult<GResp> {
    let Some(id) = ctx.caller.user_id() else {
        return Err(GraphError::new(
            400,
            "BadRequest",
            "/me request is only valid with delegated authentication flow.",
        ));
    };
    mailbox_settings(ctx, &Key::Id(id.to_string()))
}

pub fn mailbox_settings(ctx: &Ctx, k: &Key) -> GraphResult<GResp> {
    if !ctx.caller.has(&caller::READ_MAILBOX_SETTINGS) {
        return Err(GraphError::new(
            403,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        ));
    }
    let wanted = user_key(k);
    let u = ctx.shared.read(|t| t.user(wanted).cloned());
    // A delegated token reads only the signed-in user's own mailbox settings; another user's
    // mailbox needs rights on that mailbox (shared/delegated), which no demo user holds, so
    // Exchange refuses before saying whether the mailbox is there.
    if let Some(me) = ctx.caller.user_id() {
        let own = u.as_ref().is_some_and(|u| eq_ci(me, u.id()));
        if !own {
            return Err(GraphError::new(
                403,
                "ErrorAccessDenied",
                "Access is denied. Check credentials and try again.",
            ));
        }
    }
    let Some(u) = u else {
        return Err(GraphError::new(
            404,
            "ErrorInvalidUser",
            format!("The requested user '{wanted}' is invalid."),
        ));
    };
    let Some(settings) = u.mailbox_settings.clone() else {
        return Err(GraphError::new(
            404,
            "MailboxNotEnabledForRESTAPI",
            "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        ));
    };
    let context = odata::context(ctx.shared, &format!("users('{}')/mailboxSettings", u.id()));
    Ok(GResp::ok(odata::entity_response(context, settings, ctx.q)))
}
