//! The one PATCH the selected app fixes send: the app as it is now plus what the fixes add.
//! Permissions and redirect URIs are only ever added; the public-client flag is set to what the
//! fix says. (The registration engine's private `patch_towards` does the same union for a whole
//! `NewApplication`; both could share one `union` helper later.)

use super::Fix;
use super::compare::describe;
use crate::graph::{
    Application, ApplicationPatch, RedirectUris, RequiredResourceAccess, ResourceAccess,
};
use crate::i18n::{t, tf};

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
                    rra_changed |= crate::permissions::add_resource_access(&mut rra, &wanted);
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
    match fix {
        Fix::AddPermissions { permissions } => {
            let names: Vec<String> = permissions.iter().map(describe).collect();
            let names = names.join(", ");
            let args = [("permissions", names.as_str())];
            if changed {
                tf("check.added_permissions", &args)
            } else {
                tf("check.added_permissions_already", &args)
            }
        }
        Fix::AddRedirectUris { public_client, web } => {
            let all: Vec<&str> = public_client
                .iter()
                .chain(web)
                .map(String::as_str)
                .collect();
            let uris = all.join(", ");
            if changed {
                tf("check.added_redirect_uri", &[("uris", &uris)])
            } else {
                tf("check.added_redirect_uri_already", &[("uris", &uris)])
            }
        }
        Fix::SetPublicClient { enabled } => match (enabled, changed) {
            (true, true) => t("check.turned_public_client_on").to_string(),
            (true, false) => t("check.turned_public_client_on_already").to_string(),
            (false, true) => t("check.turned_public_client_off").to_string(),
            (false, false) => t("check.turned_public_client_off_already").to_string(),
        },
        Fix::CreateServicePrincipal => t("check.sp_created").to_string(),
        Fix::GrantConsent { .. } => t("check.granted_consent").to_string(),
        Fix::RotateSecret { command } => tf("check.not_done_here", &[("command", command)]),
    }
}
