//! Admin consent through the browser: `/{tenant}/adminconsent` (v1, all configured
//! permissions) and `/{tenant}/v2.0/adminconsent` (v2, `scope` required).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

use super::super::catalog::GRAPH_APP_ID;
use super::super::errors::OAuthError;
use super::super::ops;
use super::super::shared::Shared;
use super::super::state::{DirectoryRole, ServicePrincipal, SignInRule};
use super::super::util::{eq_ci, html_escape, now_ms, parse_form, random_token, sprop};
use super::authorize::{DEFAULT_ACCOUNT, redirect_with};
use super::issue::{self, user_info};
use super::pages::{self, ConsentLine};
use super::session::PendingConsent;
use super::{find_client, resolve_tenant};

fn error_page(status: StatusCode, text: &str) -> Response {
    (
        status,
        Html(pages::page(
            "Sorry, but we're having trouble signing you in.",
            &format!("<p class=\"error\">{}</p>", html_escape(text)),
        )),
    )
        .into_response()
}

pub async fn start_v1(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    start(&shared, &tenant, q, false)
}

pub async fn start_v2(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    start(&shared, &tenant, q, true)
}

fn start(shared: &Shared, tenant: &str, q: HashMap<String, String>, v2: bool) -> Response {
    if let Err(e) = resolve_tenant(shared, tenant) {
        return error_page(StatusCode::BAD_REQUEST, &e.short_description());
    }
    let Some(client_id) = q.get("client_id").filter(|c| !c.is_empty()) else {
        return error_page(
            StatusCode::BAD_REQUEST,
            &OAuthError::missing_parameter("client_id").short_description(),
        );
    };
    let client = match find_client(shared, client_id) {
        Ok(c) => c,
        Err(e) => return error_page(StatusCode::BAD_REQUEST, &e.short_description()),
    };
    let redirect_uri = q.get("redirect_uri").filter(|r| !r.is_empty()).cloned();
    // Entra lists redirect_uri as required for admin consent (Microsoft identity platform,
    // "Admin consent on the Microsoft identity platform" and the client-credentials page's
    // request table); without one the admin ends on an error, never on a result page:
    // AADSTS500113 when the app has no reply address at all, AADSTS900971 when none was sent.
    if redirect_uri.is_none() {
        let text = if client.all_redirects.is_empty() {
            "AADSTS500113: No reply address is registered for the application."
        } else {
            "AADSTS900971: No reply address provided."
        };
        return error_page(StatusCode::BAD_REQUEST, text);
    }
    if let Some(r) = &redirect_uri
        && !client.redirect_allowed(r)
    {
        return error_page(
            StatusCode::BAD_REQUEST,
            &format!(
                "AADSTS50011: The redirect URI '{r}' specified in the request does not match the redirect URIs configured for the application '{}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
                client.app_id
            ),
        );
    }
    let pending = PendingConsent {
        tenant: tenant.to_string(),
        client_id: client.app_id.clone(),
        redirect_uri,
        state: q.get("state").cloned(),
        scope: q.get("scope").cloned().filter(|s| !s.is_empty()),
        v2,
        created: Instant::now(),
    };
    if v2 && pending.scope.is_none() {
        let e = OAuthError::missing_parameter("scope");
        return finish_error(&pending, "invalid_request", &e.short_description());
    }
    if shared.config.auto_approve {
        return accept(shared, &pending, DEFAULT_ACCOUNT, None);
    }
    let request_id = random_token(24);
    {
        let mut s = shared.session();
        s.prune();
        s.pending_consent
            .insert(request_id.clone(), pending.clone());
    }
    render(shared, &pending, &request_id, DEFAULT_ACCOUNT, None)
}

fn action_path(p: &PendingConsent) -> String {
    if p.v2 {
        format!("/{}/v2.0/adminconsent", p.tenant)
    } else {
        format!("/{}/adminconsent", p.tenant)
    }
}

/// The permissions the registration asks for, resolved against the resource SPs.
fn consent_lines(shared: &Shared, client_id: &str) -> Vec<ConsentLine> {
    shared.read(|t| {
        let Some(app) = t.app_by_app_id(client_id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for rra in app
            .props
            .get("requiredResourceAccess")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let res_app = rra
                .get("resourceAppId")
                .and_then(Value::as_str)
                .unwrap_or("");
            let sp = t.sp_by_app_id(res_app);
            for ra in rra
                .get("resourceAccess")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let id = ra.get("id").and_then(Value::as_str).unwrap_or("");
                let is_role = ra.get("type").and_then(Value::as_str) == Some("Role");
                let (value, description) = sp
                    .and_then(|sp| {
                        if is_role {
                            ops::sp_app_role(&sp.props, id)
                                .map(|r| (sprop(r, "value"), sprop(r, "displayName")))
                        } else {
                            ops::sp_scope_by_id(&sp.props, id)
                                .map(|s| (sprop(s, "value"), sprop(s, "adminConsentDisplayName")))
                        }
                    })
                    .map(|(v, d)| (v.to_string(), d.to_string()))
                    .unwrap_or_else(|| (id.to_string(), String::new()));
                out.push(ConsentLine {
                    resource: sp
                        .map(|s| s.display_name().to_string())
                        .unwrap_or_else(|| res_app.to_string()),
                    value,
                    kind: if is_role { "Application" } else { "Delegated" },
                    description,
                });
            }
        }
        out
    })
}

fn render(
    shared: &Shared,
    p: &PendingConsent,
    request_id: &str,
    account: &str,
    error: Option<&str>,
) -> Response {
    let name = find_client(shared, &p.client_id)
        .map(|c| c.display_name)
        .unwrap_or_else(|_| p.client_id.clone());
    let lines = consent_lines(shared, &p.client_id);
    Html(pages::consent(
        &action_path(p),
        request_id,
        &name,
        account,
        &lines,
        error,
    ))
    .into_response()
}

fn finish_error(p: &PendingConsent, error: &str, description: &str) -> Response {
    match &p.redirect_uri {
        Some(r) => {
            let mut pairs = vec![
                ("error".to_string(), error.to_string()),
                ("error_description".to_string(), description.to_string()),
            ];
            if let Some(s) = &p.state {
                pairs.push(("state".into(), s.clone()));
            }
            redirect_with(r, "query", pairs)
        }
        None => error_page(StatusCode::OK, description),
    }
}

/// `POST` of the consent page.
pub async fn submit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    let request_id = form.get("request").cloned().unwrap_or_default();
    let pending = shared.session().pending_consent.get(&request_id).cloned();
    let Some(p) = pending else {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::message(
                "This request has expired",
                "Open the admin consent link again.",
            )),
        )
            .into_response();
    };
    if form.get("action").map(String::as_str) != Some("accept") {
        shared.session().pending_consent.remove(&request_id);
        return finish_error(
            &p,
            "access_denied",
            "AADSTS65004: User declined to consent to access the app.",
        );
    }
    let account = form
        .get("account")
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
    accept(&shared, &p, &account, Some(&request_id))
}

/// Sign the administrator in, check the role, grant, redirect.
fn accept(
    shared: &Shared,
    p: &PendingConsent,
    account: &str,
    request_id: Option<&str>,
) -> Response {
    let (user, org) = shared.read(|t| (user_info(t, account), t.display_name().to_string()));
    let Some(user) = user else {
        let msg = issue::unknown_user(account, &org).short_description();
        return match request_id {
            Some(id) => render(shared, p, id, account, Some(&msg)),
            None => error_page(StatusCode::BAD_REQUEST, &msg),
        };
    };
    if let Some(e) = issue::sign_in_error(&user, GRAPH_APP_ID) {
        let error = if user.sign_in == SignInRule::MfaRequired {
            "interaction_required"
        } else {
            "access_denied"
        };
        if let Some(id) = request_id {
            shared.session().pending_consent.remove(id);
        }
        return finish_error(p, error, &e.short_description());
    }
    let lines = consent_lines(shared, &p.client_id);
    let wants_graph_roles = shared.read(|t| {
        t.app_by_app_id(&p.client_id).is_some_and(|a| {
            a.props
                .get("requiredResourceAccess")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|rra| {
                    eq_ci(
                        rra.get("resourceAppId")
                            .and_then(Value::as_str)
                            .unwrap_or(""),
                        GRAPH_APP_ID,
                    ) && rra
                        .get("resourceAccess")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .any(|ra| ra.get("type").and_then(Value::as_str) == Some("Role"))
                })
        })
    });
    let allowed = match user.role {
        DirectoryRole::GlobalAdministrator | DirectoryRole::PrivilegedRoleAdministrator => true,
        DirectoryRole::CloudApplicationAdministrator | DirectoryRole::ApplicationAdministrator => {
            !wants_graph_roles
        }
        DirectoryRole::None => false,
    };
    if !allowed {
        let msg = format!(
            "AADSTS90094: {} ({}) cannot grant admin consent for these permissions. An administrator with the Global Administrator or Privileged Role Administrator role must consent.",
            user.upn,
            user.role.label()
        );
        return match request_id {
            Some(id) => render(shared, p, id, account, Some(&msg)),
            None => error_page(StatusCode::FORBIDDEN, &msg),
        };
    }
    if let Some(id) = request_id {
        shared.session().pending_consent.remove(id);
    }
    let tid = grant_all(shared, &p.client_id);
    match &p.redirect_uri {
        Some(r) => {
            let mut pairs = vec![
                ("admin_consent".to_string(), "True".to_string()),
                ("tenant".to_string(), tid),
            ];
            if let Some(s) = &p.state {
                pairs.push(("state".into(), s.clone()));
            }
            if p.v2
                && let Some(sc) = &p.scope
            {
                pairs.push(("scope".into(), sc.clone()));
            }
            redirect_with(r, "query", pairs)
        }
        None => {
            let list: String = lines
                .iter()
                .map(|l| {
                    format!(
                        "<li>{} – {} ({})</li>",
                        html_escape(&l.resource),
                        html_escape(&l.value),
                        l.kind
                    )
                })
                .collect();
            Html(pages::page(
                "Permissions granted",
                &format!(
                    "<p>Admin consent was granted for the whole organisation.</p><ul>{list}</ul><p>You may close this window.</p>"
                ),
            ))
            .into_response()
        }
    }
}

/// Create the client's service principal if needed and grant everything the registration
/// asks for. Returns the tenant id.
fn grant_all(shared: &Shared, client_app_id: &str) -> String {
    let r: Result<String, ()> = shared.mutate(|t| {
        let tid = t.tenant_id.clone();
        let Some(app) = t.app_by_app_id(client_app_id).cloned() else {
            return Ok(tid);
        };
        let sp_id = match t.sp_by_app_id(client_app_id) {
            Some(sp) => sp.id().to_string(),
            None => {
                let id = ops::fresh_guid();
                let props = ops::sp_for_application(&id, &tid, &app.props);
                t.service_principals.push(ServicePrincipal {
                    props,
                    created_ms: now_ms(),
                });
                id
            }
        };
        let rras = app
            .props
            .get("requiredResourceAccess")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for rra in rras {
            let res_app = rra
                .get("resourceAppId")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(res_sp) = t
                .sp_by_app_id(res_app)
                .map(|s| (s.id().to_string(), s.props.clone()))
            else {
                continue;
            };
            let mut scopes = Vec::new();
            for ra in rra
                .get("resourceAccess")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let id = ra.get("id").and_then(Value::as_str).unwrap_or("");
                match ra.get("type").and_then(Value::as_str) {
                    Some("Role") => {
                        let _ = ops::add_assignment(t, &sp_id, &res_sp.0, id);
                    }
                    Some("Scope") => {
                        if let Some(s) = ops::sp_scope_by_id(&res_sp.1, id) {
                            scopes.push(sprop(s, "value").to_string());
                        }
                    }
                    _ => {}
                }
            }
            if !scopes.is_empty() {
                ops::upsert_all_principals_grant(t, &sp_id, &res_sp.0, &scopes);
            }
        }
        Ok(tid)
    });
    r.unwrap_or_default()
}
