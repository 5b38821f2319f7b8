//! `/_emulator/*`: control endpoints for out-of-process use (the `exowiz emulator` binary):
//! the request log, throttling, the tenant snapshot, and the EWS settings an Exchange admin
//! changes with `Set-OrganizationConfig` / `Set-CASMailbox`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::ews::settings::{EwsSettings, UserAgentPolicy};
use super::faults::Fault;
use super::shared::Shared;

/// `GET /_emulator/requests`: the request log, times in ms since server start.
pub async fn requests(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let start = shared.started;
    let list: Vec<Value> = shared
        .requests()
        .into_iter()
        .map(|r| {
            json!({
                "method": r.method,
                "path_and_query": r.path_and_query,
                "status": r.status,
                "started": r.started.saturating_duration_since(start).as_millis() as u64,
                "finished": r.finished.saturating_duration_since(start).as_millis() as u64,
                "json_body": r.json_body,
            })
        })
        .collect();
    Json(Value::Array(list))
}

/// `DELETE /_emulator/requests`: clear the log.
pub async fn clear_requests(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.clear_requests();
    StatusCode::NO_CONTENT
}

/// `POST /_emulator/throttle` `{"count":N,"status":429,"retry_after":1}`.
pub async fn throttle(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({"error": format!("invalid JSON: {e}")})),
            )
                .into_response();
        }
    };
    let count = v.get("count").and_then(Value::as_u64).unwrap_or(1) as usize;
    let status = v.get("status").and_then(Value::as_u64).unwrap_or(429);
    if !(400..600).contains(&status) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "status must be an HTTP error status (4xx/5xx)"})),
        )
            .into_response();
    }
    let retry_after = v.get("retry_after").and_then(Value::as_u64);
    shared.set_throttle(count, status as u16, retry_after);
    StatusCode::NO_CONTENT.into_response()
}

/// `GET /_emulator/faults`: the planned faults that have not struck yet.
pub async fn faults(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.pending_faults()))
}

/// `POST /_emulator/faults` with one fault or a list, e.g. `{"method": "POST", "path":
/// "addPassword", "count": 1, "fault": "drop_after"}` or `{"path": "/v1.0/applications",
/// "fault": "status_before", "status": 503, "retry_after": 100000}` (kinds: crates/demo-tenant/src/faults.rs).
pub async fn add_faults(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let list: Vec<Fault> = match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Array(items)) => match serde_json::from_value(Value::Array(items)) {
            Ok(l) => l,
            Err(e) => return bad_request(format!("not a list of faults: {e}")),
        },
        Ok(one) => match serde_json::from_value(one) {
            Ok(f) => vec![f],
            Err(e) => return bad_request(format!("not a fault: {e}")),
        },
        Err(e) => return bad_request(format!("invalid JSON: {e}")),
    };
    if let Some(problem) = list.iter().find_map(Fault::problem) {
        return bad_request(problem);
    }
    for f in list {
        shared.plan_fault(f);
    }
    Json(json!(shared.pending_faults())).into_response()
}

/// `DELETE /_emulator/faults`: forget every planned fault.
pub async fn clear_faults(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.clear_faults();
    StatusCode::NO_CONTENT
}

/// `GET /_emulator/state`: the tenant snapshot.
pub async fn state(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(shared.read(|t| t.snapshot()))
}

fn bad_request(message: impl Into<String>) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": message.into()})),
    )
        .into_response()
}

/// `GET /_emulator/ews`: the organisation's and mailboxes' EWS settings.
pub async fn ews_settings(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.read(|t| t.ews.clone())))
}

/// `POST /_emulator/ews` with the `Set-OrganizationConfig` parameters to change, e.g.
/// `{"EwsEnabled": true, "EwsAllowedAppIDs": "id1,id2"}` (one comma-separated string, as the
/// cmdlet takes it; `null` is `$null`), `"EwsApplicationAccessPolicy": "EnforceAllowList"`,
/// `"EwsAllowList": ["OWA/*"]`, `"EwsBlockList": []`. Answers the settings after the change.
pub async fn set_ews(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v @ Value::Object(_)) => v,
        Ok(_) => return bad_request("expected a JSON object"),
        Err(e) => return bad_request(format!("invalid JSON: {e}")),
    };
    let changed = shared.mutate(|t| {
        let mut s: EwsSettings = t.ews.clone();
        if let Some(x) = v.get("EwsEnabled") {
            s.ews_enabled = match x {
                Value::Null => None,
                Value::Bool(b) => Some(*b),
                _ => return Err("EwsEnabled is true, false or null".to_string()),
            };
        }
        if let Some(x) = v.get("EwsAllowedAppIDs") {
            s.ews_allowed_app_ids = match x {
                Value::Null => None,
                Value::String(list) => Some(EwsSettings::parse_app_ids(list)),
                _ => {
                    return Err(
                        "EwsAllowedAppIDs is one comma-separated string of app IDs, or null"
                            .to_string(),
                    );
                }
            };
        }
        if let Some(x) = v.get("EwsApplicationAccessPolicy") {
            s.ews_application_access_policy = match x.as_str() {
                None if x.is_null() => None,
                Some("EnforceAllowList") => Some(UserAgentPolicy::EnforceAllowList),
                Some("EnforceBlockList") => Some(UserAgentPolicy::EnforceBlockList),
                _ => {
                    return Err(
                        "EwsApplicationAccessPolicy is EnforceAllowList, EnforceBlockList or null"
                            .to_string(),
                    );
                }
            };
        }
        for (key, list) in [
            ("EwsAllowList", &mut s.ews_allow_list),
            ("EwsBlockList", &mut s.ews_block_list),
        ] {
            if let Some(x) = v.get(key) {
                *list = match serde_json::from_value::<Option<Vec<String>>>(x.clone()) {
                    Ok(l) => l.unwrap_or_default(),
                    Err(_) => return Err(format!("{key} is a list of user-agent patterns")),
                };
            }
        }
        t.ews = s.clone();
        Ok(s)
    });
    match changed {
        Ok(s) => Json(json!(s)).into_response(),
        Err(e) => bad_request(e),
    }
}

/// `POST /_emulator/ews/mailbox` `{"Identity": "fax-transfer@contoso.com", "EwsEnabled":
/// false}`, as `Set-CASMailbox` does; the identity must be a mailbox of the tenant.
pub async fn set_mailbox_ews(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("invalid JSON: {e}")),
    };
    let (Some(identity), Some(enabled)) = (
        v.get("Identity").and_then(Value::as_str),
        v.get("EwsEnabled").and_then(Value::as_bool),
    ) else {
        return bad_request("expected {\"Identity\": \"mailbox\", \"EwsEnabled\": true|false}");
    };
    let changed = shared.mutate(|t| {
        let Some(primary) = super::ews::primary_smtp(t, identity) else {
            return Err(format!(
                "The operation couldn't be performed because object '{identity}' couldn't be found."
            ));
        };
        t.ews.set_mailbox_enabled(&primary, enabled);
        Ok(t.ews.clone())
    });
    match changed {
        Ok(s) => Json(json!(s)).into_response(),
        Err(e) => (StatusCode::NOT_FOUND, Json(json!({"error": e}))).into_response(),
    }
}

/// `POST /_emulator/user/role` `{"user": "helpdesk@contoso.com", "role":
/// "PrivilegedRoleAdministrator"}`: gives a demo user another directory role (one of
/// `GlobalAdministrator`, `PrivilegedRoleAdministrator`, `CloudApplicationAdministrator`,
/// `ApplicationAdministrator`, `None`), so refusals by role can be tried. Sign in again after.
pub async fn set_user_role(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("invalid JSON: {e}")),
    };
    let user = v.get("user").and_then(Value::as_str).map(str::to_string);
    let role = v
        .get("role")
        .cloned()
        .and_then(|r| serde_json::from_value::<super::state::DirectoryRole>(r).ok());
    let (Some(user), Some(role)) = (user, role) else {
        return bad_request(
            "expected {\"user\": \"upn\", \"role\": \"GlobalAdministrator|PrivilegedRoleAdministrator|CloudApplicationAdministrator|ApplicationAdministrator|None\"}",
        );
    };
    let changed = shared.mutate(|t| {
        match t
            .users
            .iter_mut()
            .find(|u| super::util::eq_ci(u.upn(), &user))
        {
            Some(u) => {
                u.directory_role = role;
                Ok(())
            }
            None => Err(format!("There is no user {user} in the demo tenant.")),
        }
    });
    match changed {
        Ok(()) => Json(json!({"user": user, "role": role})).into_response(),
        Err(e) => (StatusCode::NOT_FOUND, Json(json!({"error": e}))).into_response(),
    }
}

/// `GET /_emulator/app-policy`: the tenant's limit on secrets' lifetime,
/// `{"passwordMaxLifetime": "P2Y"}` (`null`: none).
pub async fn app_policy(State(shared): State<Arc<Shared>>) -> Json<Value> {
    Json(json!(shared.read(|t| t.app_policy.clone())))
}

/// `POST /_emulator/app-policy` `{"passwordMaxLifetime": "P5Y"}` sets the `passwordLifetime`
/// restriction's `maxLifetime` (an ISO-8601 duration, as in Graph's
/// `defaultAppManagementPolicy`); `null` lifts it, as in a tenant without such a policy.
pub async fn set_app_policy(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let v: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("invalid JSON: {e}")),
    };
    let max = match v.get("passwordMaxLifetime") {
        Some(Value::Null) => None,
        Some(Value::String(d)) => match super::app_policy::parse_duration(d) {
            Ok(_) => Some(d.clone()),
            Err(e) => return bad_request(e),
        },
        _ => {
            return bad_request(
                "expected {\"passwordMaxLifetime\": \"P2Y\"} (an ISO-8601 duration) or null",
            );
        }
    };
    let policy = shared.mutate(|t| {
        t.app_policy.password_max_lifetime = max;
        Ok::<_, std::convert::Infallible>(t.app_policy.clone())
    });
    match policy {
        Ok(p) => Json(json!(p)).into_response(),
        Err(never) => match never {},
    }
}
