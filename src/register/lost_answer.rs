//! An `addPassword` whose answer was lost (a server error or a broken connection): Graph may
//! have made the secret, and its value reached nobody. Such a secret is removed before the
//! request is sent again, so no secret nobody has stays on the app.

use crate::graph::{GraphClient, GraphError, NewSecret};
use chrono::{SubsecRound, Utc};

/// `addPassword`, asked once more only when a first try whose answer was lost left a secret
/// that was then seen and removed.
pub(super) async fn add_password(
    graph: &GraphClient,
    app_object_id: &str,
    description: &str,
    end: chrono::DateTime<Utc>,
) -> Result<NewSecret, GraphError> {
    let first = graph.add_password(app_object_id, description, end).await;
    match first {
        Err(e) if outcome_unknown(&e) => {
            // Graph may have made the secret; its value reached nobody. Remove it, and
            // only when it was seen and removed ask once more.
            if remove_unseen_secret(graph, app_object_id, description, end).await {
                graph.add_password(app_object_id, description, end).await
            } else {
                Err(e)
            }
        }
        other => other,
    }
}

/// A write that failed in a way that says nothing about whether Graph carried it out.
fn outcome_unknown(e: &GraphError) -> bool {
    matches!(
        e.kind(),
        crate::graph::ErrorKind::Server | crate::graph::ErrorKind::Network
    )
}

/// After an `addPassword` whose answer was lost: removes the secret(s) of this description and
/// end date (whole seconds) that the request made. True when one was found and every one was
/// removed — then a fresh `addPassword` cannot leave a second unseen secret. False when none is
/// visible (maybe never made, maybe still replicating) or a removal failed: the journal's
/// pending entry stays, and the next run removes it.
async fn remove_unseen_secret(
    graph: &GraphClient,
    app_object_id: &str,
    description: &str,
    end: chrono::DateTime<Utc>,
) -> bool {
    let Ok(app) = graph.get_application(app_object_id).await else {
        return false;
    };
    let end = end.trunc_subsecs(0);
    let stray: Vec<&str> = app
        .password_credentials
        .iter()
        .filter(|c| {
            c.display_name.as_deref() == Some(description)
                && c.end_date_time.map(|e| e.trunc_subsecs(0)) == Some(end)
        })
        .map(|c| c.key_id.as_str())
        .collect();
    if stray.is_empty() {
        return false;
    }
    for key_id in stray {
        match graph.remove_password(app_object_id, key_id).await {
            Ok(()) => tracing::info!(key_id, "removed a secret whose answer was lost"),
            Err(e) if e.is_not_found() => {}
            Err(_) => return false,
        }
    }
    true
}
