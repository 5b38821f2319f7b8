//! Admin consent after the link was handed out, for `exowiz register` and the wizard's consent
//! step alike: the loopback listener for the link's answer ([`listen`]), one read of the grants
//! ([`read`]), granting from exowiz ([`grant`]), and the wait made of them ([`wait`]).
//!
//! The CLI waits here in one call. The wizard times the same steps itself (its state machine
//! schedules the reads and reopens the listener, because every step must show on screen), so
//! it calls [`listen`] and [`read`] through its effects; both front-ends open the listener and
//! read the grants the same way.
//!
//! Where the admin opens the link on this machine, the listener learns Entra's answer at once;
//! the grants are then read from Graph to confirm (they may need a few seconds to replicate:
//! the reads go on until they are visible). The reads every `poll_every` also run alongside,
//! for a link opened on another machine. A refusal is reported with Entra's sentence and a
//! fresh listener (a new link) waits for the next try. Dropping the future closes the listener.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::JobError;
use crate::auth::{CONSENT_LISTEN_TIMEOUT, ConsentAnswer, ConsentListener};
use crate::endpoints::Endpoints;
use crate::graph::GraphClient;
use crate::permissions::{self, PermissionStatus};

/// What happens while exowiz waits, for the caller to tell the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentWaitEvent {
    /// The browser came back with the grant; the grants are read to confirm.
    BrowserGranted,
    /// Entra's sentence: the admin refused or may not grant.
    Refused(String),
    /// After a refusal: the link of the fresh listener, to open for the next try.
    NewLink(String),
    /// A read of the grants found `granted` of `total`.
    Checked { granted: usize, total: usize },
}

/// Where to read the grants and whose they are.
pub struct ConsentTarget<'a> {
    pub graph: &'a GraphClient,
    pub endpoints: &'a Endpoints,
    pub tenant_id: &'a str,
    pub client_id: &'a str,
    pub service_principal_id: &'a str,
    pub permissions: &'a [PermissionStatus],
}

/// Opens the loopback listener for the consent link of `client_id`; its
/// [`ConsentListener::consent_url`] is the link to hand out.
pub async fn listen(
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
) -> Result<ConsentListener, JobError> {
    Ok(ConsentListener::start(endpoints, tenant_id, client_id).await?)
}

/// [`listen`] for a wait that can do without the listener: `None` (logged) when it cannot
/// open; then the plain link and the reads of Graph remain.
pub async fn listener_or_poll_only(
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
) -> Option<ConsentListener> {
    listen(endpoints, tenant_id, client_id)
        .await
        .inspect_err(|e| tracing::info!(detail = %e.detail(), "no consent listener; polling only"))
        .ok()
}

/// Reads once which of `permissions` the service principal is granted.
pub async fn read(
    graph: &GraphClient,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
) -> Result<Vec<PermissionStatus>, JobError> {
    Ok(permissions::read_grants(graph, service_principal_id, permissions).await?)
}

/// Grants what is missing from exowiz (after the admin confirmed): the permissions' status,
/// and a sentence for each grant that could not be made.
pub async fn grant(
    graph: &GraphClient,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
) -> Result<(Vec<PermissionStatus>, Vec<String>), JobError> {
    Ok(permissions::grant_consent(graph, service_principal_id, permissions).await?)
}

type Answer = Pin<Box<dyn Future<Output = Option<ConsentAnswer>> + Send>>;

fn answer_of(listener: ConsentListener) -> Answer {
    Box::pin(listener.wait(CONSENT_LISTEN_TIMEOUT))
}

/// Waits until every permission is granted and returns their status; `listener` is the one
/// whose link was handed out (`None`: polling only). A Graph error ends the wait.
pub async fn wait(
    target: &ConsentTarget<'_>,
    listener: Option<ConsentListener>,
    poll_every: Duration,
    on_event: &(dyn Fn(ConsentWaitEvent) + Send + Sync),
) -> Result<Vec<PermissionStatus>, JobError> {
    let mut answer: Option<Answer> = listener.map(answer_of);
    loop {
        let read_now = tokio::select! {
            got = async { answer.as_mut().expect("guarded").await }, if answer.is_some() => {
                answer = None;
                match got {
                    Some(ConsentAnswer::Granted) => {
                        on_event(ConsentWaitEvent::BrowserGranted);
                        true
                    }
                    Some(ConsentAnswer::Refused(sentence)) => {
                        on_event(ConsentWaitEvent::Refused(sentence));
                        if let Some(fresh) = listener_or_poll_only(target.endpoints, target.tenant_id, target.client_id).await {
                            on_event(ConsentWaitEvent::NewLink(fresh.consent_url().to_string()));
                            answer = Some(answer_of(fresh));
                        }
                        false
                    }
                    // The listener gave up; the reads go on.
                    None => false,
                }
            }
            () = tokio::time::sleep(poll_every) => true,
        };
        if !read_now {
            continue;
        }
        let list = read(
            target.graph,
            target.service_principal_id,
            target.permissions,
        )
        .await?;
        let granted = list.iter().filter(|p| p.granted).count();
        on_event(ConsentWaitEvent::Checked {
            granted,
            total: list.len(),
        });
        if granted == list.len() {
            return Ok(list);
        }
    }
}
