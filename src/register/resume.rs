//! Continuing an interrupted run: what its journal entry says this run takes over (its app, its
//! service principal, the key its app was created under) and which unshown secrets go.

use super::{RegisterEvent, RegisterRequest};
use crate::graph::Application;
use crate::i18n::{t, tf};
use crate::store::journal::{JournalApp, JournalEntry, RunJournal};

/// What an interrupted run left, as far as this run continues it.
pub(super) struct Resume {
    pub previous: Option<JournalEntry>,
    /// The interrupted run's app, when this run is for the same app (same name, or the
    /// `--app-id` names it).
    pub app: Option<JournalApp>,
    pub service_principal_id: Option<String>,
    /// The key the interrupted run created (or was about to create) its app under, when this
    /// run is for the same app name.
    pub unique_name: Option<String>,
}

/// The interrupted run's app and secrets as this run found them.
pub(super) struct Resumed {
    /// The interrupted run's app as Graph has it now (`None`: deleted meanwhile, or no app
    /// to continue).
    pub app: Option<Application>,
    /// The interrupted run recorded an app for this run, and Graph no longer has it.
    pub app_gone: bool,
    /// (app object ID, key ID) of the unshown secrets to remove.
    pub to_remove: Vec<(String, String)>,
}

impl Resume {
    pub fn new(previous: Option<JournalEntry>, req: &RegisterRequest) -> Self {
        let app = previous.as_ref().and_then(|p| {
            let a = p.app.clone()?;
            let same = match &req.app_id {
                Some(id) => id.trim().eq_ignore_ascii_case(&a.client_id),
                None => p.app_name.trim().eq_ignore_ascii_case(req.app_name.trim()),
            };
            same.then_some(a)
        });
        let unique_name = previous
            .as_ref()
            .filter(|p| {
                req.app_id.is_none() && p.app_name.trim().eq_ignore_ascii_case(req.app_name.trim())
            })
            .and_then(|p| p.unique_name.clone());
        let service_principal_id = app
            .as_ref()
            .and(previous.as_ref())
            .and_then(|p| p.service_principal_id.clone());
        Self {
            previous,
            app,
            service_principal_id,
            unique_name,
        }
    }

    pub fn app(&self) -> Option<&JournalApp> {
        self.app.as_ref()
    }

    /// Where the interrupted run stands now that round trip 1 found `apps`: its app as Graph
    /// has it, and the unshown secrets to remove. Tells `on_event` that a run is continued.
    pub fn take_stock(
        &self,
        journal: &mut RunJournal,
        apps: &[Application],
        on_event: &(dyn Fn(RegisterEvent) + Sync),
    ) -> Resumed {
        let app = self.app().and_then(|_| apps.first().cloned());
        let app_gone = self.app().is_some() && app.is_none();
        // Secrets the interrupted run added but never showed: the ones it recorded, and those
        // of an addPassword whose answer it did not live to record.
        let mut to_remove = self.secrets_to_remove(journal, app.as_ref());
        if self.previous.is_some() {
            on_event(RegisterEvent::Resuming { app_gone });
        }
        if app_gone {
            // They went with their app: nothing to ask Graph (it would answer 404 for each).
            for (_, key_id) in to_remove.drain(..) {
                journal.record(|j| j.record_secret_removed(&key_id));
            }
        }
        Resumed {
            app,
            app_gone,
            to_remove,
        }
    }

    /// (app object ID, key ID) of every secret to remove before the new one is added: the
    /// unshown secrets the journal recorded, and the secrets of a pending addPassword found on
    /// the app (`resumed_app`) by display name and end date. Those are recorded as unshown
    /// secrets first, so a failed removal is tried again next time.
    fn secrets_to_remove(
        &self,
        journal: &mut RunJournal,
        resumed_app: Option<&Application>,
    ) -> Vec<(String, String)> {
        let Some(previous) = &self.previous else {
            return Vec::new();
        };
        let Some(object_id) = previous.app.as_ref().map(|a| a.object_id.clone()) else {
            return Vec::new();
        };
        let credentials = resumed_app.map_or(&[][..], |a| &a.password_credentials[..]);
        let keys = journal.unseen_secret_keys(previous, credentials);
        keys.into_iter().map(|k| (object_id.clone(), k)).collect()
    }

    /// "An interrupted run of … was continued: …" for the outcome's notes.
    pub fn note(
        &self,
        app: &Application,
        resumed_app_found: bool,
        removed: usize,
        not_removed: &[(String, String)],
    ) -> Option<String> {
        let previous = self.previous.as_ref()?;
        let when = crate::i18n::date_time_utc(previous.started);
        let mut parts = Vec::new();
        match (&previous.app, &self.app) {
            (Some(a), Some(_)) if resumed_app_found && a.object_id == app.id => {
                let args = [
                    (
                        "name",
                        app.display_name.as_deref().unwrap_or(&previous.app_name),
                    ),
                    ("client_id", app.app_id.as_str()),
                ];
                parts.push(if a.created_by_this_run {
                    tf("register.resume_created_completed", &args)
                } else {
                    tf("register.resume_found_completed", &args)
                });
            }
            (Some(a), Some(_)) => parts.push(tf(
                "register.resume_app_gone",
                &[("old_client_id", &a.client_id), ("client_id", &app.app_id)],
            )),
            (Some(a), None) => parts.push(tf(
                "register.resume_app_left",
                &[("name", &previous.app_name), ("client_id", &a.client_id)],
            )),
            (None, _) => {}
        }
        match removed {
            0 => {}
            1 => parts.push(t("register.resume_removed_one").to_string()),
            n => parts.push(tf(
                "register.resume_removed_many",
                &[("count", &n.to_string())],
            )),
        }
        for (key_id, why) in not_removed {
            parts.push(tf(
                "register.resume_not_removed",
                &[("key_id", key_id), ("why", why)],
            ));
        }
        if parts.is_empty() {
            parts.push(t("register.resume_nothing").to_string());
        }
        Some(tf(
            "register.resume_note",
            &[("when", &when), ("parts", &parts.join("; "))],
        ))
    }
}
