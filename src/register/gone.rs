//! Is the app an interrupted run recorded still there? An app deleted meanwhile (in the portal,
//! or by resetting the demo tenant) must not be waited for as if it were replicating (issue 13:
//! two minutes of silent 404s), nor offered for continuing (issue 10.10).
//!
//! A just-made app can be invisible to a read for a few seconds (graph-facts §5.1), so an app
//! the run created less than the replication window ago is looked for a few times over
//! [`GONE_PATIENCE`]; an older one that answers "not found" is gone at once. Giving up early
//! on a young app that was in fact only replicating cannot make a second app: the engine
//! creates it again under the `uniqueName` the journal recorded, which finds the existing one
//! (`PATCH /applications(uniqueName=…)` with `Prefer: create-if-missing`, graph-facts §1).

use std::time::Duration;

use chrono::Utc;

use crate::graph::{GraphClient, GraphError};
use crate::store::journal::InterruptedRun;

/// How long a young journaled app that Graph does not find is looked for before it counts as
/// gone: polls after 0.25, 0.75, 1.75 and 3.75 s.
pub const GONE_PATIENCE: Duration = Duration::from_secs(4);

/// The polls of a young app, as waits before each further look.
const LOOKS: [Duration; 4] = [
    Duration::from_millis(250),
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// How long ago an app recorded at `recorded` was made, as far as replication is concerned:
/// never closer to the end of the replication window than [`GONE_PATIENCE`], so that a read of
/// it is retried for a few seconds at most.
pub fn replication_age(recorded: chrono::DateTime<Utc>, window: Duration) -> Duration {
    let ago = (Utc::now() - recorded).to_std().unwrap_or_default();
    ago.max(window.saturating_sub(GONE_PATIENCE))
}

/// Whether `window` has passed since `recorded`: a "not found" is then final.
pub fn older_than(recorded: chrono::DateTime<Utc>, window: Duration) -> bool {
    (Utc::now() - recorded).to_std().unwrap_or_default() >= window
}

/// True when `run` recorded an app and Graph has no app with that client ID (looked for a few
/// times when the run made it less than the replication window ago). A run without an app is
/// never gone: it is continued under the `uniqueName` it recorded.
pub async fn interrupted_app_gone(
    graph: &GraphClient,
    run: &InterruptedRun,
) -> Result<bool, GraphError> {
    let Some(client_id) = &run.client_id else {
        return Ok(false);
    };
    // The app was recorded after the run started: the start bounds its age from above.
    let young =
        run.created_app && !older_than(run.started, graph.retry_policy().replication_window);
    let mut waits = LOOKS.iter();
    loop {
        if graph.find_application_by_app_id(client_id).await?.is_some() {
            return Ok(false);
        }
        match waits.next() {
            Some(wait) if young => tokio::time::sleep(*wait).await,
            _ => {
                tracing::info!(%client_id, "the interrupted run's app no longer exists");
                return Ok(true);
            }
        }
    }
}
