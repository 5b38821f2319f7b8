//! Round trip 2 of a registration: the application — created under its `uniqueName`, or the
//! found one brought up to the profile — and, alongside, removing the unshown secrets an
//! interrupted run left.

use super::app_shape::{desired_application, patch_towards};
use super::context::RunContext;
use super::exowiz_apps::new_unique_name;
use super::resume::{Resume, Resumed};
use super::{RegisterError, RegisterEvent};
use crate::graph::{Application, GraphError, ServicePrincipal};
use crate::permissions::resolve::ResolvedPermission;
use crate::store::journal::{self, RunJournal};
use std::collections::BTreeSet;

/// The app after round trip 2, and what became of the unshown secrets.
pub(super) struct AppReady {
    pub app: Application,
    /// False when an existing app was found and completed.
    pub created: bool,
    /// The app's service principal when it has one already.
    pub existing_sp: Option<ServicePrincipal>,
    /// Key IDs of the unshown secrets removed now.
    pub removed_keys: BTreeSet<String>,
    /// (key ID, why) of those that could not be removed.
    pub not_removed: Vec<(String, String)>,
}

/// Creates the app (or patches `found`) and removes the unshown secrets, recording each in the
/// journal.
pub(super) async fn make_or_complete_app(
    cx: &RunContext<'_>,
    journal: &mut RunJournal,
    resume: &Resume,
    resumed: &Resumed,
    found: Option<Application>,
    resolved: &[ResolvedPermission],
) -> Result<AppReady, RegisterError> {
    let graph = cx.graph;
    let on_event = cx.on_event;
    let wanted = desired_application(cx.req, resolved);
    // The service principal the interrupted run recorded for this very app.
    let resumed_sp_id = resume
        .service_principal_id
        .clone()
        .filter(|_| matches!((&found, &resumed.app), (Some(f), Some(r)) if f.id == r.id));
    let unique_name = found
        .is_none()
        .then(|| key_for_new_app(cx, journal, resume, resumed));
    let app_step = async {
        match found {
            None => {
                let unique_name = unique_name.as_deref().unwrap_or_default();
                let app = graph.upsert_application(unique_name, &wanted).await?;
                on_event(RegisterEvent::AppCreated {
                    client_id: app.app_id.clone(),
                });
                Ok::<_, GraphError>((app, true, None))
            }
            Some(app) => {
                on_event(RegisterEvent::AppFound {
                    client_id: app.app_id.clone(),
                });
                let patch = patch_towards(&app, &wanted);
                let (patched, sp) = tokio::join!(
                    async {
                        match &patch {
                            Some(p) => graph.update_application(&app.id, p).await.map(|_| true),
                            None => Ok(false),
                        }
                    },
                    async {
                        match &resumed_sp_id {
                            Some(id) => match graph.get_service_principal(id).await {
                                Ok(sp) => Ok(Some(sp)),
                                Err(e) if e.is_not_found() => Ok(None),
                                Err(e) => Err(e),
                            },
                            None => graph.find_service_principal_by_app_id(&app.app_id).await,
                        }
                    }
                );
                if patched? {
                    on_event(RegisterEvent::AppUpdated);
                }
                Ok((app, false, sp?))
            }
        }
    };
    let (app_step, removals) = tokio::join!(app_step, remove_unshown(cx, &resumed.to_remove));
    let (removed_keys, not_removed) = record_removals(journal, removals);
    let (app, created, existing_sp) = app_step?;
    // (A kill here leaves the app known to the journal by its uniqueName only.)
    journal::test_abort_point("app_unrecorded");
    journal.record(|j| j.record_app(&app.id, &app.app_id, created));
    journal::test_abort_point("app");
    Ok(AppReady {
        app,
        created,
        existing_sp,
        removed_keys,
        not_removed,
    })
}

/// The key (`uniqueName`) a new app is created under: the interrupted run's (its create may
/// have gone through unseen), else a new one. Journaled before the request is sent.
fn key_for_new_app(
    cx: &RunContext<'_>,
    journal: &mut RunJournal,
    resume: &Resume,
    resumed: &Resumed,
) -> String {
    // A gone app's key is kept while the app could still be replicating (an upsert under it
    // then finds the app instead of making a second one); an app gone for longer than the
    // replication window was deleted, and its key is not used again.
    let long_gone = resumed.app_gone
        && resume.app().is_some_and(|a| {
            super::gone::older_than(a.recorded, cx.graph.retry_policy().replication_window)
        });
    let name = resume
        .unique_name
        .clone()
        .filter(|_| !long_gone)
        .unwrap_or_else(|| new_unique_name(&cx.req.profile.id));
    journal.record(|j| j.record_unique_name(&name));
    journal::test_abort_point("unique_name");
    name
}

/// Asks Graph to remove each (app object ID, key ID) in `to_remove`, all at once.
async fn remove_unshown(
    cx: &RunContext<'_>,
    to_remove: &[(String, String)],
) -> Vec<(String, Result<(), GraphError>)> {
    let graph = cx.graph;
    futures::future::join_all(to_remove.iter().map(|(object_id, key_id)| async move {
        (
            key_id.clone(),
            graph.remove_password(object_id, key_id).await,
        )
    }))
    .await
}

/// Records the removals that went through (or found the secret gone) in the journal; returns
/// the removed key IDs and (key ID, why) of those that failed.
fn record_removals(
    journal: &mut RunJournal,
    removals: Vec<(String, Result<(), GraphError>)>,
) -> (BTreeSet<String>, Vec<(String, String)>) {
    let mut removed_keys = BTreeSet::new();
    let mut not_removed = Vec::new();
    for (key_id, result) in removals {
        match result {
            // Gone already (removed in the portal, or the app was deleted): as good.
            Ok(()) => {
                removed_keys.insert(key_id.clone());
                journal.record(|j| j.record_secret_removed(&key_id));
            }
            Err(e) if e.is_not_found() => {
                journal.record(|j| j.record_secret_removed(&key_id));
            }
            Err(e) => {
                tracing::warn!(detail = %e.detail(), key_id, "an unshown secret was not removed");
                not_removed.push((key_id, e.to_string()));
            }
        }
    }
    (removed_keys, not_removed)
}
