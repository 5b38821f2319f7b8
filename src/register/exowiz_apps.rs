//! Which apps a registration may take up: those exowiz made (marked by their `uniqueName`), the
//! one the admin named by client ID, or the one an interrupted run recorded, and never two.

use super::{RegisterError, RegisterRequest};
use crate::graph::{Application, GraphClient};
use crate::i18n::tf;

/// Prefix of the `uniqueName` of every app exowiz creates: it marks the app as exowiz's in
/// the tenant itself, so a later run (on any machine) may bring it up to date.
pub const UNIQUE_NAME_PREFIX: &str = "exowiz-";

/// `exowiz-<profile>-<random>`: a fresh key for a new app (the random part keeps two
/// registrations of one profile apart).
pub(super) fn new_unique_name(profile_id: &str) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{UNIQUE_NAME_PREFIX}{profile_id}-{}", &random[..12])
}

/// Whether exowiz made `app` (its uniqueName carries exowiz's prefix).
pub fn made_by_exowiz(app: &Application) -> bool {
    app.unique_name
        .as_deref()
        .is_some_and(|n| n.starts_with(UNIQUE_NAME_PREFIX))
}

/// The apps of a name search exowiz may adopt: only those it made. When the name belongs to
/// apps exowiz did not make and none of its own, stop with a sentence naming `--app-id`
/// (naming an app by its ID is the admin's explicit choice to adopt it).
pub(super) fn only_exowiz_apps(
    apps: Vec<Application>,
    req: &RegisterRequest,
    org_name: &str,
) -> Result<Vec<Application>, RegisterError> {
    let (ours, foreign): (Vec<_>, Vec<_>) = apps.into_iter().partition(made_by_exowiz);
    if ours.is_empty() && !foreign.is_empty() {
        let ids: Vec<&str> = foreign.iter().map(|a| a.app_id.as_str()).collect();
        return Err(RegisterError::Input(tf(
            "register.foreign_app",
            &[
                ("org", org_name),
                ("name", &req.app_name),
                ("client_ids", &ids.join(", ")),
            ],
        )));
    }
    Ok(ours)
}

/// The one app this run completes (`None`: a new one is made) out of the `apps` round trip 1
/// found. A named app (`--app-id`) that is not there stops the run; a saved app deleted in the
/// portal is looked for by name before a new one is made; several apps of one name stop it.
pub(super) async fn pick_app(
    graph: &GraphClient,
    req: &RegisterRequest,
    mut apps: Vec<Application>,
    looked_up_by_id: bool,
    org_name: &str,
) -> Result<Option<Application>, RegisterError> {
    if apps.is_empty() && req.app_id.is_some() {
        return Err(RegisterError::Input(tf(
            "register.no_such_app",
            &[
                ("client_id", req.app_id.as_deref().unwrap_or_default()),
                ("org", org_name),
            ],
        )));
    }
    if apps.is_empty() && looked_up_by_id {
        // The saved app was deleted in the portal: look for one by name before creating one.
        apps = only_exowiz_apps(
            graph.find_applications_by_name(&req.app_name).await?,
            req,
            org_name,
        )?;
    }
    if apps.len() > 1 {
        let ids: Vec<String> = apps.iter().map(|a| a.app_id.clone()).collect();
        return Err(RegisterError::Input(tf(
            "register.several_apps",
            &[
                ("count", &apps.len().to_string()),
                ("org", org_name),
                ("name", &req.app_name),
                ("client_ids", &ids.join(", ")),
            ],
        )));
    }
    Ok(apps.pop())
}
