//! Round trip 3 of a registration: the new client secret and the app's service principal, at
//! once, each recorded in the journal as soon as Graph answered.

use super::context::RunContext;
use super::lost_answer;
use super::{RegisterError, RegisterEvent};
use crate::graph::{Application, NewSecret, ServicePrincipal};
use crate::store::journal::{self, RunJournal};
use chrono::{Months, SubsecRound, Utc};

/// The secret and the service principal the app signs in with.
pub(super) struct Credentials {
    pub secret: NewSecret,
    /// The end date asked for (Graph's answer, when it has one, wins).
    pub end: chrono::DateTime<Utc>,
    /// The secret's description: "<profile's description> (exowiz)".
    pub description: String,
    pub sp: ServicePrincipal,
}

/// Adds the secret and makes sure of the service principal (`existing_sp` when the app has one).
pub(super) async fn add_secret_and_service_principal(
    cx: &RunContext<'_>,
    journal: &mut RunJournal,
    app: &Application,
    existing_sp: Option<ServicePrincipal>,
) -> Result<Credentials, RegisterError> {
    let graph = cx.graph;
    // The end date is sent in whole seconds, so that the journal's pending entry finds the
    // secret of an addPassword whose answer never arrived.
    let end = Utc::now()
        .trunc_subsecs(0)
        .checked_add_months(Months::new(cx.req.secret_months))
        .unwrap_or_else(Utc::now);
    let description = format!("{} (exowiz)", cx.req.profile.secret_description);
    journal.record(|j| j.record_secret_pending(&description, end));
    let sp_created = existing_sp.is_none();
    let (secret, sp) = tokio::join!(
        lost_answer::add_password(graph, &app.id, &description, end),
        async {
            match existing_sp {
                Some(sp) => Ok(sp),
                // The upsert: an existing service principal (an interrupted run made it, or
                // the answer was lost) is success, not "already exists".
                None => graph.upsert_service_principal(&app.app_id).await,
            }
        }
    );
    if let Ok(s) = &secret {
        // (A kill here leaves the secret unknown but for the journal's pending entry.)
        journal::test_abort_point("secret_unrecorded");
        journal.record(|j| j.record_secret(&s.key_id, end));
        journal::test_abort_point("secret");
    }
    if let Ok(sp) = &sp {
        journal.record(|j| j.record_service_principal(&sp.id));
        journal::test_abort_point("service_principal");
    }
    let secret = secret?;
    (cx.on_event)(RegisterEvent::SecretCreated);
    let sp = sp?;
    (cx.on_event)(RegisterEvent::ServicePrincipalReady {
        created: sp_created,
    });
    Ok(Credentials {
        secret,
        end,
        description,
        sp,
    })
}
