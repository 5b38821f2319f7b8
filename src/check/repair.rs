//! The one PATCH the selected app fixes send: the app as it is now plus what the fixes add.
//! Permissions and redirect URIs are only ever added; the public-client flag is set to what the
//! fix says. (The registration engine's private `patch_towards` does the same union for a whole
//! `NewApplication`; both could share one `union` helper later.)

use super::Fix;
use super::compare::describe;
use crate::graph::{
    Application, ApplicationPatch, RedirectUris, RequiredResourceAccess, ResourceAccess,
};

/// True for the fixes that change the app registration itself.
pub fn changes_app(fix: &Fix) -> bool {
    matches!(
        fix,
        Fix::AddPermissions { .. } | Fix::AddRedirectUris { .. } | Fix::SetPublicClient { .. }
    )
}

/// The patch that brings `app` to what `fixes` add; `None` when it already has all of it.
pub fn union_patch(app: &Application, fixes: &[&Fix]) -> Option<ApplicationPatch> {
    let mut patch = ApplicationPatch::default();
    let mut rra = app.required_resource_access.clone();
    let mut rra_changed = false;
    let mut public_uris = uris(app.public_client.as_ref());
    let mut web_uris = uris(app.web.as_ref());
    let (public_before, web_before) = (public_uris.len(), web_uris.len());
    for fix in fixes {
        match fix {
            Fix::AddPermissions { permissions } => {
                for p in permissions {
                    let access = ResourceAccess {
                        id: p.id.clone(),
                        kind: p.kind.graph_kind(),
                    };
                    let wanted = RequiredResourceAccess {
                        resource_app_id: p.api.app_id().to_string(),
                        resource_access: vec![access],
                    };
                    rra_changed |= crate::register::engine::add_resource_access(&mut rra, &wanted);
                }
            }
            Fix::AddRedirectUris { public_client, web } => {
                add_all(&mut public_uris, public_client);
                add_all(&mut web_uris, web);
            }
            Fix::SetPublicClient { enabled } => {
                if app.is_fallback_public_client.unwrap_or(false) != *enabled {
                    patch.is_fallback_public_client = Some(*enabled);
                }
            }
            Fix::CreateServicePrincipal | Fix::GrantConsent { .. } | Fix::RotateSecret { .. } => {}
        }
    }
    if rra_changed {
        patch.required_resource_access = Some(rra);
    }
    if public_uris.len() != public_before {
        patch.public_client = Some(RedirectUris::new(public_uris));
    }
    if web_uris.len() != web_before {
        patch.web = Some(RedirectUris::new(web_uris));
    }
    (patch != ApplicationPatch::default()).then_some(patch)
}

fn uris(platform: Option<&RedirectUris>) -> Vec<String> {
    platform
        .map(|p| p.redirect_uris.clone())
        .unwrap_or_default()
}

fn add_all(have: &mut Vec<String>, add: &[String]) {
    for u in add {
        if !have.contains(u) {
            have.push(u.clone());
        }
    }
}

/// What an applied app fix did, in one sentence (`changed`: the PATCH was sent).
pub fn done_sentence(fix: &Fix, changed: bool) -> String {
    let already = if changed { "" } else { " (it was already so)" };
    match fix {
        Fix::AddPermissions { permissions } => {
            let names: Vec<String> = permissions.iter().map(describe).collect();
            format!(
                "Added {} to the app's API permissions{already}.",
                names.join(", ")
            )
        }
        Fix::AddRedirectUris { public_client, web } => {
            let all: Vec<&str> = public_client
                .iter()
                .chain(web)
                .map(String::as_str)
                .collect();
            format!("Added the redirect URI {}{already}.", all.join(", "))
        }
        Fix::SetPublicClient { enabled } => format!(
            "Turned public client flows {}{already}.",
            if *enabled { "on" } else { "off" }
        ),
        Fix::CreateServicePrincipal => "Created the service principal (enterprise app).".into(),
        Fix::GrantConsent { .. } => "Granted consent.".into(),
        Fix::RotateSecret { command } => format!("Not done here: run {command}."),
    }
}
