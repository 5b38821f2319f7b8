//! The steps of a rotation that talk to Microsoft: find the app, add a secret, remove older
//! secrets, keep the saved registration up to date; and which APIs prove a new secret (the
//! proof itself is the verify job).

use std::collections::BTreeSet;

use chrono::{DateTime, SubsecRound, Utc};

use super::RotateError;
use super::plan::{self, SaveContext};
use super::refusal::NotSaved;
use crate::endpoints::Endpoints;
use crate::graph::{Application, ErrorKind, GraphClient, GraphError, NewSecret, PermissionType};
use crate::i18n::{t, tf};
use crate::permissions::PermissionStatus;
use crate::profile::{self, Api};
use crate::store::journal::{self, JournalEntry, RunJournal};
use crate::store::{SavedRegistration, Store};
use crate::verify;

/// Finds the app with client ID `app_id`: through the saved registration of this tenant and
/// cloud first (its object ID), else by appId in Graph. An unknown app is an input error with
/// a sentence saying where to look.
pub async fn find_app(
    graph: &GraphClient,
    endpoints: &Endpoints,
    store: Option<&Store>,
    tenant_id: &str,
    app_id: &str,
) -> Result<(Application, Option<SavedRegistration>), RotateError> {
    let app_id = app_id.trim();
    if uuid::Uuid::parse_str(app_id).is_err() {
        return Err(RotateError::Input(tf(
            "rotate.not_a_client_id",
            &[("app_id", app_id)],
        )));
    }
    let graph_url = endpoints.graph.to_string();
    let saved = store.and_then(|s| match s.load() {
        Ok(all) => all.into_iter().find(|r| {
            r.tenant_id.eq_ignore_ascii_case(tenant_id)
                && r.client_id.eq_ignore_ascii_case(app_id)
                && r.graph_url == graph_url
        }),
        Err(e) => {
            tracing::warn!(error = %e, "saved registrations not readable; asking Graph");
            None
        }
    });
    if let Some(s) = &saved {
        match graph.get_application(&s.app_object_id).await {
            Ok(app) if app.app_id.eq_ignore_ascii_case(app_id) => return Ok((app, saved)),
            Ok(_) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {
                tracing::info!(object_id = %s.app_object_id, "saved object ID not found; searching by appId");
            }
            Err(e) => return Err(e.into()),
        }
    }
    match graph.find_application_by_app_id(app_id).await? {
        Some(app) => Ok((app, saved)),
        None => Err(RotateError::Input(tf(
            "rotate.no_such_app",
            &[("app_id", app_id), ("tenant_id", tenant_id)],
        ))),
    }
}

/// Adds a client secret that lasts `months` (1 to 60) months. The answer holds the only copy
/// of the secret value; its end is filled in if Graph left it out.
///
/// The journal learns of the `addPassword` before it is sent (description and end, to the
/// second) and of its key ID once answered; the caller marks it shown once the value is out.
/// A run killed before that leaves a secret nobody has, which the next rotation of the app
/// removes ([`clean_up_interrupted`]).
pub async fn create_secret(
    graph: &GraphClient,
    app: &Application,
    months: u32,
    description: &str,
    journal: &mut RunJournal,
) -> Result<NewSecret, RotateError> {
    let months = crate::register::validate::secret_months(months)?;
    let description = description.trim();
    if description.is_empty() {
        return Err(RotateError::Input(
            t("rotate.description_missing").to_string(),
        ));
    }
    let end = plan::end_of(Utc::now().trunc_subsecs(0), months);
    journal.record(|j| j.record_secret_pending(description, end));
    // On an error the pending entry stays: a timeout may still have made the secret.
    let mut secret = graph.add_password(&app.id, description, end).await?;
    journal::test_abort_point("rotate_secret_unrecorded");
    journal.record(|j| j.record_secret(&secret.key_id, end));
    journal::test_abort_point("rotate_secret");
    secret.end.get_or_insert(end);
    if secret.display_name.is_none() {
        secret.display_name = Some(description.to_string());
    }
    Ok(secret)
}

/// The APIs (Microsoft Graph, Exchange Online) the app requests application permissions on.
fn application_apis(app: &Application) -> impl Iterator<Item = Api> + '_ {
    app.required_resource_access.iter().filter_map(|r| {
        let api = [Api::Graph, Api::Exchange]
            .into_iter()
            .find(|a| a.app_id().eq_ignore_ascii_case(&r.resource_app_id))?;
        r.resource_access
            .iter()
            .any(|a| a.kind == PermissionType::Role)
            .then_some(api)
    })
}

/// The APIs the app holds application permissions on (Microsoft Graph, Exchange Online), or
/// Graph alone.
pub fn apis_of(app: &Application) -> BTreeSet<Api> {
    verify::apis_to_check(application_apis(app))
}

/// The tokens the proof of a rotated secret gets: the APIs of [`apis_of`] and those of the `expected`
/// application permissions — a profile permission on an API the app does not request at all
/// still needs its token, or it could not be reported missing.
pub fn apis_for(app: &Application, expected: &[PermissionStatus]) -> BTreeSet<Api> {
    let wanted = expected
        .iter()
        .filter(|p| p.kind == profile::PermissionType::Application)
        .map(|p| p.api);
    verify::apis_to_check(application_apis(app).chain(wanted))
}

/// What a removal did: the key IDs removed, and the Graph error that stopped it, if any (the
/// ones before it are gone, the ones after it were not tried).
#[derive(Debug, Default)]
pub struct Removal {
    pub removed: Vec<String>,
    pub error: Option<(String, GraphError)>,
}

/// Removes `key_ids` from `app` (as read before the new secret was made), one after another.
/// `protected` is the secret the connector keeps using — the new one, or the one `--keep`
/// names: a list containing it is refused before anything is removed, as is a key ID the app
/// does not have.
pub async fn remove_secrets(
    graph: &GraphClient,
    app: &Application,
    protected: &str,
    key_ids: &[String],
) -> Result<Removal, RotateError> {
    let listed = plan::list_secrets(app, Utc::now(), 0);
    plan::check_removal(&listed, protected, key_ids)?;
    let mut removal = Removal::default();
    for key_id in key_ids {
        match graph.remove_password(&app.id, key_id).await {
            Ok(()) => removal.removed.push(key_id.clone()),
            Err(e) => {
                removal.error = Some((key_id.clone(), e));
                break;
            }
        }
    }
    Ok(removal)
}

/// What cleaning up after an interrupted rotation did.
#[derive(Debug, Default)]
pub struct Cleanup {
    /// When the interrupted rotation started (None: there was none).
    pub started: Option<DateTime<Utc>>,
    /// Key IDs of the secrets nobody had seen, now removed (or found gone).
    pub removed: Vec<String>,
    /// The ones Graph would not remove, with its sentence; the journal keeps them for the
    /// next run.
    pub failed: Vec<(String, String)>,
}

impl Cleanup {
    /// One sentence for the notes, when there was something to clean up.
    pub fn note(&self) -> Option<String> {
        let started = self.started?;
        if self.removed.is_empty() && self.failed.is_empty() {
            return None;
        }
        let mut text = crate::i18n::tn(
            "rotate.cleanup_note_start",
            (self.removed.len() + self.failed.len()) as u64,
            &[("started", &crate::i18n::date_time_utc(started))],
        );
        if !self.removed.is_empty() {
            text.push_str(&tf(
                "rotate.cleanup_note_removed",
                &[("key_ids", &self.removed.join(", "))],
            ));
        }
        for (key_id, why) in &self.failed {
            text.push_str(&tf(
                "rotate.cleanup_note_failed",
                &[("key_id", key_id), ("why", why)],
            ));
        }
        text.push('.');
        Some(text)
    }
}

/// Removes the secrets an interrupted rotation of `app` made and nobody saw: those its journal
/// recorded unshown (carried over into this run's `journal` by `RunJournal::begin_rotation`)
/// and those of an `addPassword` whose answer never arrived, found by description and end.
/// `app` loses them from its list, so that nothing later offers or counts them.
pub async fn clean_up_interrupted(
    graph: &GraphClient,
    app: &mut Application,
    journal: &mut RunJournal,
    previous: Option<&JournalEntry>,
) -> Cleanup {
    let Some(previous) = previous else {
        return Cleanup::default();
    };
    let keys = journal.unseen_secret_keys(previous, &app.password_credentials);
    let mut cleanup = Cleanup {
        started: Some(
            previous
                .continues
                .first()
                .copied()
                .unwrap_or(previous.started),
        ),
        ..Cleanup::default()
    };
    for key_id in keys {
        let on_app = app.password_credentials.iter().any(|c| c.key_id == key_id);
        let result = if on_app {
            graph.remove_password(&app.id, &key_id).await
        } else {
            Ok(())
        };
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => {
                tracing::warn!(detail = %e.detail(), %key_id, "an unseen secret was not removed");
                cleanup.failed.push((key_id, e.to_string()));
                continue;
            }
        }
        journal.record(|j| j.record_secret_removed(&key_id));
        app.password_credentials.retain(|c| c.key_id != key_id);
        cleanup.removed.push(key_id);
    }
    cleanup
}

/// The tenant's name for a saved record made from scratch (as the register engine's records
/// have it): the earlier record's, else the organisation's; `None` when Graph does not say.
pub async fn tenant_name(graph: &GraphClient, saved: Option<&SavedRegistration>) -> Option<String> {
    match saved {
        Some(s) => s.tenant_name.clone(),
        None => graph.organization().await.ok().and_then(|o| o.display_name),
    }
}

/// Writes the saved registration after a step (see [`plan::saved_after`]) and returns it. An
/// error ([`NotSaved`]: the store's path, the io cause) is a note, not a failed job: saving
/// serves `exowiz status`, it is no reason to fail the rotation.
pub fn save(
    store: &Store,
    saved: Option<&SavedRegistration>,
    app: &Application,
    created: Option<&NewSecret>,
    removed: &[String],
    ctx: &SaveContext<'_>,
) -> Result<SavedRegistration, NotSaved> {
    let record = plan::saved_after(saved, app, created, removed, ctx);
    store.upsert(record.clone()).map_err(|cause| NotSaved {
        path: store.path(),
        cause,
    })?;
    Ok(record)
}

#[cfg(test)]
mod tests {
    /// The wizard's notes and input errors of a rotation, in German.
    #[test]
    fn sentences_in_german() {
        use crate::i18n::{Language, with_language};
        use chrono::TimeZone;
        let cleanup = Cleanup {
            started: Some(Utc.with_ymd_and_hms(2026, 11, 26, 15, 40, 0).unwrap()),
            removed: vec!["key-1".into()],
            failed: vec![("key-2".into(), "Zeitüberschreitung.".into())],
        };
        with_language(Language::German, || {
            assert_eq!(
                cleanup.note().unwrap(),
                "Eine abgebrochene Schlüsselerneuerung vom 26.11.2026, 15:40 UTC hatte 2 Schlüssel \
                 angelegt, ohne dass jemand den Wert gesehen hat; entfernt: key-1; key-2 ließ sich \
                 nicht entfernen (Zeitüberschreitung.), der nächste Lauf versucht es erneut."
            );
            assert_eq!(
                super::plan::check_removal(&[], "new", &["old".to_string()])
                    .unwrap_err()
                    .to_string(),
                "Die App hat keinen Schlüssel mit der Schlüssel-ID old. Es wurde nichts entfernt."
            );
        });
    }

    #[test]
    fn the_cleanup_note_names_what_was_removed_and_what_was_not() {
        use chrono::TimeZone;
        assert_eq!(Cleanup::default().note(), None, "no interrupted rotation");
        let started = Utc.with_ymd_and_hms(2026, 11, 26, 15, 40, 0).unwrap();
        let nothing = Cleanup {
            started: Some(started),
            ..Cleanup::default()
        };
        assert_eq!(nothing.note(), None, "it had made no secret");
        let cleanup = Cleanup {
            started: Some(started),
            removed: vec!["key-1".into()],
            failed: vec![("key-2".into(), "Graph timed out.".into())],
        };
        assert_eq!(
            cleanup.note().unwrap(),
            "An interrupted rotation of 26 Nov 2026, 15:40 UTC had made 2 secrets whose value nobody saw; removed: key-1; key-2 could not be removed (Graph timed out.), the next run tries again."
        );
    }

    use super::*;

    fn app(required: serde_json::Value) -> Application {
        serde_json::from_value(serde_json::json!({
            "id": "obj-1",
            "appId": "11111111-2222-3333-4444-555555555555",
            "requiredResourceAccess": required,
        }))
        .unwrap()
    }

    fn expected(api: Api, kind: profile::PermissionType) -> PermissionStatus {
        PermissionStatus {
            api,
            name: "full_access_as_app".into(),
            kind,
            id: "dc890d15-9560-4a4c-9b7f-a736ec74ec40".into(),
            description: String::new(),
            granted: false,
        }
    }

    #[test]
    fn an_expected_permission_adds_the_token_of_an_api_the_app_does_not_request() {
        let graph_only = app(serde_json::json!([{
            "resourceAppId": Api::Graph.app_id(),
            "resourceAccess": [{"id": "df021288-bdef-4463-88db-98f22de89214", "type": "Role"}],
        }]));
        assert_eq!(apis_of(&graph_only), BTreeSet::from([Api::Graph]));
        let application = expected(Api::Exchange, profile::PermissionType::Application);
        assert_eq!(
            apis_for(&graph_only, &[application]),
            BTreeSet::from([Api::Graph, Api::Exchange])
        );
        let delegated = expected(Api::Exchange, profile::PermissionType::Delegated);
        assert_eq!(
            apis_for(&graph_only, &[delegated]),
            BTreeSet::from([Api::Graph]),
            "delegated permissions are not in app-only tokens"
        );
        assert_eq!(
            apis_for(&app(serde_json::json!([])), &[]),
            BTreeSet::from([Api::Graph]),
            "Graph alone proves the secret"
        );
    }
}
