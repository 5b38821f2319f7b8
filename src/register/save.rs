//! Saving the registration (never its secret's value) in the store, so a later run, `check`
//! and `rotate` find the app. A save that fails becomes a note, not an error: the app works.

use super::app_step::AppReady;
use super::context::RunContext;
use super::secret_step::Credentials;
use crate::graph::Organization;
use crate::i18n::tf;
use crate::store::{SavedRegistration, SavedSecret, Store};
use chrono::Utc;

/// Saves the registration with the new secret's key beside the earlier ones still on the app.
pub(super) fn save_registration(
    cx: &RunContext<'_>,
    store: &Store,
    org: &Organization,
    ready: &AppReady,
    credentials: &Credentials,
    notes: &mut Vec<String>,
) {
    let (app, secret, end) = (&ready.app, &credentials.secret, credentials.end);
    let mut secrets = cx
        .saved
        .as_ref()
        .filter(|s| s.client_id == app.app_id)
        .map(|s| s.secrets.clone())
        .unwrap_or_default();
    secrets.retain(|s| !ready.removed_keys.contains(&s.key_id));
    secrets.push(SavedSecret {
        key_id: secret.key_id.clone(),
        display_name: Some(credentials.description.clone()),
        hint: secret.hint.clone(),
        end_date_time: secret.end.unwrap_or(end),
    });
    let record = SavedRegistration {
        tenant_id: cx.tenant_id.to_string(),
        tenant_name: org.display_name.clone(),
        profile: cx.req.profile.id.clone(),
        app_name: app
            .display_name
            .clone()
            .unwrap_or_else(|| cx.req.app_name.clone()),
        client_id: app.app_id.clone(),
        app_object_id: app.id.clone(),
        service_principal_id: Some(credentials.sp.id.clone()),
        secrets,
        graph_url: cx.graph_url.clone(),
        updated: Utc::now(),
        adopted: false,
        uses_ews: Some(crate::exchange::ews::profile_uses_ews(&cx.req.profile)),
        mailbox: cx.req.mailbox.clone(),
        unknown: Default::default(),
    };
    if let Err(e) = store.upsert(record) {
        notes.push(tf(
            "register.not_saved",
            &[
                ("path", &store.path().display().to_string()),
                ("error", &e.to_string()),
            ],
        ));
    }
}
