//! The application as the profile wants it: the body a new app is created with, and the patch
//! that brings an existing one up to it (adding, never taking away).

use super::RegisterRequest;
use crate::graph::{Application, ApplicationPatch, NewApplication, RedirectUris};
use crate::permissions::add_resource_access;
use crate::permissions::resolve::ResolvedPermission;
use crate::permissions::resource_access::required_resource_access;

/// The application as the profile wants it.
pub(super) fn desired_application(
    req: &RegisterRequest,
    resolved: &[ResolvedPermission],
) -> NewApplication {
    let profile = &req.profile;
    let uris =
        |list: &Vec<String>| (!list.is_empty()).then(|| RedirectUris::new(list.iter().cloned()));
    NewApplication {
        sign_in_audience: profile.sign_in_audience,
        is_fallback_public_client: Some(profile.allow_public_client_flows),
        public_client: uris(&profile.redirect_uris.public_client),
        web: Some(RedirectUris::new(with_consent_redirect(
            &profile.redirect_uris.web,
        ))),
        required_resource_access: required_resource_access(resolved),
        ..NewApplication::single_tenant(req.app_name.clone())
    }
}

/// The profile's web redirect URIs plus the one the consent link needs (every profile, also
/// those that register none, e.g. moveIT and custom: without it the link ends in an Entra error).
fn with_consent_redirect(web: &[String]) -> Vec<String> {
    let mut uris = web.to_vec();
    if !uris.iter().any(|u| u == crate::auth::CONSENT_REDIRECT_URI) {
        uris.push(crate::auth::CONSENT_REDIRECT_URI.to_string());
    }
    uris
}

/// `have` plus whatever of `want` is missing; `None` when nothing is missing.
fn merged_uris(have: Option<&RedirectUris>, want: &RedirectUris) -> Option<RedirectUris> {
    let mut uris = have.map(|p| p.redirect_uris.clone()).unwrap_or_default();
    let before = uris.len();
    for u in &want.redirect_uris {
        if !uris.contains(u) {
            uris.push(u.clone());
        }
    }
    (uris.len() != before).then(|| RedirectUris::new(uris))
}

/// What must change on an existing app so that it has at least what the profile needs.
/// Nothing the admin added by hand is taken away.
pub(super) fn patch_towards(
    app: &Application,
    wanted: &NewApplication,
) -> Option<ApplicationPatch> {
    let mut patch = ApplicationPatch::default();
    let mut rra = app.required_resource_access.clone();
    let mut rra_changed = false;
    for want in &wanted.required_resource_access {
        rra_changed |= add_resource_access(&mut rra, want);
    }
    if rra_changed {
        patch.required_resource_access = Some(rra);
    }
    if let Some(want) = &wanted.public_client {
        patch.public_client = merged_uris(app.public_client.as_ref(), want);
    }
    if let Some(want) = &wanted.web {
        patch.web = merged_uris(app.web.as_ref(), want);
    }
    if wanted.is_fallback_public_client == Some(true) && app.is_fallback_public_client != Some(true)
    {
        patch.is_fallback_public_client = Some(true);
    }
    (patch != ApplicationPatch::default()).then_some(patch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{self, RequiredResourceAccess, ResourceAccess};
    use crate::register::test_support::{request, resolved};

    fn existing(wanted: &NewApplication) -> Application {
        serde_json::from_value(serde_json::json!({
            "id": "obj-1",
            "appId": "app-1",
            "displayName": wanted.display_name,
            "requiredResourceAccess": serde_json::to_value(&wanted.required_resource_access).unwrap(),
            "publicClient": {"redirectUris": ["urn:ietf:wg:oauth:2.0:oob"]},
            "web": {"redirectUris": ["http://localhost"]},
            "isFallbackPublicClient": false
        }))
        .unwrap()
    }

    #[test]
    fn an_app_that_already_matches_needs_no_patch() {
        let req = request("officemaster");
        let wanted = desired_application(&req, &resolved(&req));
        assert_eq!(patch_towards(&existing(&wanted), &wanted), None);
    }

    #[test]
    fn a_patch_adds_what_is_missing_and_keeps_what_the_admin_added() {
        let req = request("myfactory");
        let wanted = desired_application(&req, &resolved(&req));
        let mut app = existing(&wanted);
        // The admin removed EWS.AccessAsUser.All and added a permission of their own.
        app.required_resource_access[0]
            .resource_access
            .retain(|a| a.kind == graph::PermissionType::Role);
        app.required_resource_access.push(RequiredResourceAccess {
            resource_app_id: "00000003-0000-0000-c000-000000000000".into(),
            resource_access: vec![ResourceAccess {
                id: "own".into(),
                kind: graph::PermissionType::Scope,
            }],
        });
        let patch = patch_towards(&app, &wanted).expect("something to change");
        let rra = patch.required_resource_access.unwrap();
        let ids: Vec<&str> = rra
            .iter()
            .flat_map(|r| r.resource_access.iter().map(|a| a.id.as_str()))
            .collect();
        assert!(ids.contains(&"own"), "kept the admin's permission");
        assert!(
            ids.contains(&"3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"),
            "added EWS.AccessAsUser.All"
        );
        assert_eq!(patch.is_fallback_public_client, Some(true));
        assert_eq!(patch.public_client, None, "redirect URI was already there");
    }

    #[test]
    fn the_new_application_body_groups_permissions_by_resource() {
        let req = request("officemaster");
        let wanted = desired_application(&req, &resolved(&req));
        assert_eq!(wanted.required_resource_access.len(), 2);
        assert_eq!(wanted.sign_in_audience, graph::SignInAudience::MyOrg);
        assert_eq!(
            wanted.public_client.unwrap().redirect_uris,
            ["urn:ietf:wg:oauth:2.0:oob"]
        );
    }

    /// Every profile's app gets the consent link's redirect URI, also those without a web
    /// platform of their own (moveIT, custom); an existing app without it is patched.
    #[test]
    fn every_app_gets_the_consent_redirect_uri() {
        for name in [
            "officemaster",
            "bueroware",
            "myfactory",
            "flowfact",
            "moveit",
        ] {
            let req = request(name);
            let wanted = desired_application(&req, &resolved(&req));
            assert!(
                wanted
                    .web
                    .as_ref()
                    .is_some_and(|w| w.redirect_uris.iter().any(|u| u == "http://localhost")),
                "{name}"
            );
        }
        let req = request("moveit");
        let wanted = desired_application(&req, &resolved(&req));
        let mut app = existing(&wanted);
        app.web = None;
        let patch = patch_towards(&app, &wanted).expect("adds the redirect URI");
        assert_eq!(patch.web.unwrap().redirect_uris, ["http://localhost"]);
    }
}
