//! The check job, for `exowiz check` and the wizard's check steps alike: compare the app with
//! its profile, apply the chosen fixes, and save the registration as each saw it, so that
//! `exowiz status` knows the app (also one another tool made).

use super::{JobError, Tenant, policy};
use crate::check::{self, Applied, CheckRequest, FixId, Report};
use crate::store::Store;

/// Whether the registration was saved after the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    /// In this file.
    In(String),
    /// Not saved, and why (a sentence): the check itself stands.
    Not(String),
}

/// Checks the app of `request` and saves the registration as found.
pub async fn run(t: Tenant<'_>, request: &CheckRequest) -> Result<(Report, Saved), JobError> {
    let report = check::check(
        t.graph,
        t.endpoints,
        t.tenant_id,
        t.store,
        request,
        policy::WARN_DAYS,
    )
    .await?;
    let saved = save(t, &report);
    Ok((report, saved))
}

/// Applies `fixes` to the app of `report`, checks again and saves the registration as it is
/// now.
pub async fn apply(
    t: Tenant<'_>,
    report: &Report,
    fixes: &[FixId],
) -> Result<(Applied, Saved), JobError> {
    let applied = check::apply(t.graph, t.endpoints, report, fixes, policy::WARN_DAYS).await?;
    let saved = save(t, &applied.report);
    Ok((applied, saved))
}

fn save(t: Tenant<'_>, report: &Report) -> Saved {
    let Some(store) = t.store else {
        return Saved::Not(
            "The registration was not saved: exowiz has no data directory here (set EXOWIZ_DATA_DIR); exowiz status will not know it."
                .into(),
        );
    };
    let graph_url = t.endpoints.graph.to_string();
    match store.upsert(report.saved_registration(&graph_url, chrono::Utc::now())) {
        Ok(()) => Saved::In(store.path().display().to_string()),
        Err(e) => {
            tracing::warn!(error = %e, "checked registration not saved");
            Saved::Not(not_saved(store, &e))
        }
    }
}

fn not_saved(store: &Store, e: &std::io::Error) -> String {
    format!(
        "The registration could not be saved in {} ({e}); exowiz status will not know it.",
        store.path().display()
    )
}
