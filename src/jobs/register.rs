//! The register job's run, for `exowiz register` and the wizard alike: what an earlier,
//! interrupted run of the profile left (continued by the engine), the engine itself
//! ([`crate::register::register`]), and the new secret as a [`SecretHandOver`] that the
//! front-end closes once the admin has the value.

use super::{JobError, SecretHandOver, Tenant};
use crate::register::{self, RegisterEvent, RegisterOutcome, RegisterRequest};
use crate::store::journal::{self, InterruptedRun};

/// A registration made (or completed): the outcome without its journal, which travels with
/// the secret in `hand_over`.
pub struct Registered {
    pub outcome: RegisterOutcome,
    pub hand_over: SecretHandOver,
}

/// Registers `request` in the tenant, reporting each step through `on_event`.
pub async fn run(
    t: Tenant<'_>,
    request: &RegisterRequest,
    on_event: &(dyn Fn(RegisterEvent) + Sync),
) -> Result<Registered, JobError> {
    let mut outcome = register::register(
        t.graph,
        t.endpoints,
        t.tenant_id,
        t.store,
        request,
        on_event,
    )
    .await?;
    tracing::info!(client_id = %outcome.client_id, created = outcome.created_app, "registered");
    let hand_over = SecretHandOver::new(outcome.journal.take(), outcome.secret.key_id.clone());
    Ok(Registered { outcome, hand_over })
}

/// The interrupted registration of `profile` the wizard offers to continue: none when its app
/// was deleted meanwhile (issue 10.10): the registration then starts afresh and its notes say
/// that the recorded app no longer exists.
pub async fn offered(t: Tenant<'_>, profile: &str) -> Result<Option<InterruptedRun>, JobError> {
    let graph = t.graph;
    match interrupted(t, profile).await? {
        Some(run)
            if crate::register::gone::interrupted_app_gone(graph, &run)
                .await
                .unwrap_or(false) =>
        {
            Ok(None)
        }
        other => Ok(other),
    }
}

/// What an interrupted registration of `profile` left in this tenant and cloud (none without
/// a store: then nothing was journalled either). Reading the journal is blocking file work.
pub async fn interrupted(t: Tenant<'_>, profile: &str) -> Result<Option<InterruptedRun>, JobError> {
    let Some(store) = t.store else {
        return Ok(None);
    };
    let (dir, tenant_id, profile) = (
        store.dir().to_path_buf(),
        t.tenant_id.to_string(),
        profile.to_string(),
    );
    let graph_url = t.endpoints.graph.to_string();
    tokio::task::spawn_blocking(move || {
        journal::interrupted(&dir, &tenant_id, &profile, &graph_url)
    })
    .await
    .map_err(|e| JobError::Local(e.to_string()))?
    .map_err(|e| JobError::Local(e.to_string()))
}
