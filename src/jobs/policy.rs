//! The rules every job and both front-ends follow, each written once: when a secret counts as
//! due, how long a copied secret stays on the clipboard, and which connector profile an app is
//! handled with.

use std::time::Duration;

use crate::check::Expected;
use crate::graph::Application;
use crate::profile::Profile;
use crate::store::SavedRegistration;

/// A secret expiring within this many days is due: `exowiz status` warns, `exowiz rotate`
/// and the wizard's rotate job mark it (each `--warn-days` defaults to it).
pub const WARN_DAYS: u32 = 30;

/// How long a copied secret stays on the clipboard (`--clear-clipboard-after`'s default):
/// long enough to paste it into the product, short enough not to linger.
pub const CLIPBOARD_CLEAR_AFTER: Duration = Duration::from_secs(90);

/// The profile an existing app is handled with, in one order everywhere (CLI and wizard,
/// rotate, check and status):
///
/// 1. the one the admin named (`--profile`),
/// 2. else the one `check` decided for the app with the tenant's resources at hand
///    (`expected`: itself the saved registration's, else a guess by name, then permissions),
/// 3. else the saved registration's (exowiz made or saw the app before),
/// 4. else the same guess without the resources: by name, else `custom`.
///
/// The guess is [`crate::check::compare::guess_profile`], the only one there is.
pub fn app_profile(
    given: Option<&Profile>,
    expected: Option<&Expected>,
    saved: Option<&SavedRegistration>,
    app: &Application,
) -> String {
    if let Some(p) = given {
        return p.id.clone();
    }
    if let Some(e) = expected {
        return e.profile_id.clone();
    }
    if let Some(s) = saved {
        return s.profile.clone();
    }
    let all = crate::profile::all().unwrap_or_default();
    crate::check::compare::guess_profile(app, &all, &Default::default()).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(name: &str) -> Application {
        serde_json::from_value(serde_json::json!({
            "id": "obj", "appId": "00000000-0000-0000-0000-000000000001", "displayName": name,
        }))
        .unwrap()
    }

    #[test]
    fn an_unknown_app_is_custom_and_a_known_name_is_its_product_never_adopted() {
        assert_eq!(
            app_profile(None, None, None, &app("Legacy Fax Connector")),
            "custom"
        );
        assert_eq!(
            app_profile(None, None, None, &app("Flowfact Performer Mail")),
            "flowfact"
        );
    }

    #[test]
    fn the_saved_registration_wins_over_the_guess_and_the_given_profile_over_all() {
        let saved: SavedRegistration = serde_json::from_value(serde_json::json!({
            "tenant_id": "t", "profile": "myfactory", "app_name": "Flowfact Performer Mail",
            "client_id": "00000000-0000-0000-0000-000000000001", "app_object_id": "obj",
            "secrets": [], "graph_url": "http://127.0.0.1/", "updated": "2026-01-01T00:00:00Z",
        }))
        .unwrap();
        let a = app("Flowfact Performer Mail");
        assert_eq!(app_profile(None, None, Some(&saved), &a), "myfactory");
        let given = crate::profile::by_id("bueroware").unwrap();
        assert_eq!(
            app_profile(Some(&given), None, Some(&saved), &a),
            "bueroware"
        );
    }
}
