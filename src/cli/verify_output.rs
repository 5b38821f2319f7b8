//! `register --verify` and `rotate`: the verify job's proof of the new secret
//! (`exowiz::jobs::verify`: the app-only tokens' roles and, for the EWS profiles, the EWS probe)
//! shown as text, as `verify` in JSON, and as an exit code. A registration (or rotation) that was made but cannot reach the mailbox yet is not a
//! failed one: it exits 8, not 4, so a script can tell "wait for the allow list" from "redo".

use std::time::Duration;

use super::{Exit, Failure};
use exowiz::endpoints::Endpoints;
use exowiz::ews::EwsProbe;
use exowiz::jobs::verify::{self as job, Ews, Proof};
use exowiz::register::{RegisterOutcome, RegisterRequest};
use exowiz::verify::ApiRoles;
use serde_json::{Value, json};

pub use job::Verified;

/// Proves the secret of a registration that was just made (the verify job).
pub async fn run(
    endpoints: &Endpoints,
    outcome: &RegisterOutcome,
    request: &RegisterRequest,
    timeout_secs: u64,
) -> Result<Verified, Failure> {
    let http = exowiz::auth::http_client()
        .map_err(|e| Failure::new(Exit::Other, format!("No HTTP client could be set up: {e}")))?;
    let target = job::Target {
        http: &http,
        endpoints,
        tenant_id: &outcome.tenant_id,
        client_id: &outcome.client_id,
        patience: Duration::from_secs(timeout_secs),
    };
    let proof = Proof {
        secret: &outcome.secret.secret_text,
        apis: job::application_apis(&outcome.permissions),
        expected: &outcome.permissions,
        ews: Ews::of(request.profile.uses_ews, request.mailbox.clone()),
    };
    Ok(job::run(&target, proof, &|_| {}).await)
}

/// `verify` of `register --json`: `ok`, `error`, `roles`, `missing_roles`, `ews`.
pub fn to_json(v: &Verified) -> Value {
    let (ok, error, roles) = match &v.roles {
        Ok(r) => (true, None, r.as_slice()),
        Err(e) => (false, Some(e.to_string()), &[][..]),
    };
    json!({
        "ok": ok,
        "error": error,
        "roles": roles_json(roles),
        "missing_roles": v.missing,
        "ews": ews_json(v.ews.as_ref()),
    })
}

pub fn roles_json(roles: &[ApiRoles]) -> Vec<Value> {
    roles
        .iter()
        .map(|a| {
            json!({
                "api": a.api,
                "resource": a.api.display_name(),
                "roles": a.roles,
            })
        })
        .collect()
}

/// `verify.ews`: null for profiles without EWS.
pub fn ews_json(probe: Option<&EwsProbe>) -> Value {
    probe.map(EwsProbe::to_json).unwrap_or(Value::Null)
}

pub fn print_text(v: &Verified) {
    match &v.roles {
        Ok(roles) => {
            safe_println!("\nVerified: Entra ID issued a token for the secret.");
            for r in roles {
                let list = if r.roles.is_empty() {
                    "no application permissions granted".to_string()
                } else {
                    r.roles.join(", ")
                };
                safe_println!("  {:<28} {list}", r.api.display_name());
            }
            if !v.missing.is_empty() {
                safe_println!(
                    "Warning: the token lacks {}: admin consent is missing for them.",
                    v.missing.join(", ")
                );
            }
        }
        Err(e) => safe_println!("\nNot verified: Entra ID gave no token for the secret: {e}"),
    }
    print_ews(v.ews.as_ref());
}

/// The EWS probe's line (nothing for profiles without EWS).
pub fn print_ews(probe: Option<&EwsProbe>) {
    let Some(p) = probe else {
        return;
    };
    let label = match p.ok() {
        Some(true) => "EWS: OK",
        Some(false) => "EWS: FAILED",
        None => "EWS: not tried",
    };
    safe_println!("\n{label} — {}", p.detail);
}

/// The exit a failed check means, after a job that was done: 6 no token, 8 EWS probe failed.
pub fn failure(v: Verified) -> Option<Failure> {
    if let Err(e) = &v.roles {
        return Some(Failure::new(
            Exit::Verify,
            format!(
                "The app is registered, but Entra ID gave no token for its secret: {e} If Entra ID is only slow, the secret works within minutes."
            ),
        ));
    }
    ews_failure(v.ews.as_ref(), "The app is registered")
}

/// Exit 8 when the EWS probe failed; `done` says what was done anyway.
pub fn ews_failure(probe: Option<&EwsProbe>, done: &str) -> Option<Failure> {
    let p = probe.filter(|p| p.failed())?;
    Some(Failure::new(
        Exit::EwsProbe,
        format!(
            "{done} and its secret works, but EWS cannot open {} yet: {}",
            p.mailbox.as_deref().unwrap_or("the mailbox"),
            p.detail
        ),
    ))
}
