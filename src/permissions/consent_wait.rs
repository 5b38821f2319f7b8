//! Waiting for admin consent after the link was handed out (`exowiz register`, `exowiz check`).
//!
//! Where the admin opens the link on this machine, the loopback listener ([`ConsentListener`])
//! learns Entra's answer at once; the grants are then read from Graph to confirm (they may
//! need a few seconds to replicate: the reads go on until they are visible). The reads every
//! `poll_every` also run alongside, for a link opened on another machine. A refusal is
//! reported with Entra's sentence and a fresh listener (a new link) waits for the next try.
//! Dropping the future closes the listener.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::{PermissionStatus, read_grants};
use crate::auth::{CONSENT_LISTEN_TIMEOUT, ConsentAnswer, ConsentListener};
use crate::endpoints::Endpoints;
use crate::graph::{GraphClient, GraphError};

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

type Answer = Pin<Box<dyn Future<Output = Option<ConsentAnswer>> + Send>>;

fn listen(listener: ConsentListener) -> Answer {
    Box::pin(listener.wait(CONSENT_LISTEN_TIMEOUT))
}

/// Waits until every permission is granted and returns their status; `listener` is the one
/// whose link was handed out (`None`: polling only). A Graph error ends the wait.
pub async fn wait_for_consent(
    target: &ConsentTarget<'_>,
    listener: Option<ConsentListener>,
    poll_every: Duration,
    on_event: &(dyn Fn(ConsentWaitEvent) + Send + Sync),
) -> Result<Vec<PermissionStatus>, GraphError> {
    let mut answer: Option<Answer> = listener.map(listen);
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
                        match ConsentListener::start(target.endpoints, target.tenant_id, target.client_id).await {
                            Ok(fresh) => {
                                on_event(ConsentWaitEvent::NewLink(fresh.consent_url().to_string()));
                                answer = Some(listen(fresh));
                            }
                            Err(e) => tracing::info!(detail = %e.detail(), "no fresh consent listener; polling only"),
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
        let list = read_grants(
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
