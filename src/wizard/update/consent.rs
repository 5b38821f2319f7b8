//! Admin consent: the link, each permission's status (polled until all are granted), and
//! granting from the tool after an explicit confirmation.
//!
//! Where the admin opens the link on this machine, a loopback listener learns Entra's answer
//! at once (`ListenForConsent`): the link shown, copied and opened is then the listener's (with
//! `redirect_uri=http://localhost:PORT`). A grant is confirmed by reading the grants at once
//! (they may take a while to replicate: the polls go on until they are visible); a refusal shows
//! Entra's sentence and a fresh listener waits for the next try. The polls run alongside all
//! the time, for a link opened on another machine.

use super::{advance, notices, set_error, set_info};
use crate::auth::ConsentAnswer;
use crate::error::JobError;
use crate::i18n::t;
use crate::permissions::PermissionStatus;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::msg::Granted;
use crate::wizard::state::{Popup, Ticket, WizardState};
use chrono::Utc;
use secrecy::SecretString;
use std::time::Duration;

/// Every permission of the registered app is granted.
pub fn all_granted(state: &WizardState) -> bool {
    state
        .app
        .as_ref()
        .is_some_and(|app| app.permissions.iter().all(|p| p.granted))
}

/// The consent link to show, copy and open: the listener's while it is open, else the
/// registration's.
pub fn link(state: &WizardState) -> Option<String> {
    let app = state.app.as_ref()?;
    Some(
        state
            .consent
            .listener_link
            .clone()
            .unwrap_or_else(|| app.consent_url.clone()),
    )
}

/// Entering: open the listener and read the grants at once, with fresh tickets.
pub(super) fn enter(state: &mut WizardState) -> Vec<Effect> {
    let ticket = state.jobs.start(JobKind::ConsentPoll);
    state.consent.error = None;
    state.consent.refused = None;
    let mut effects = schedule(state, ticket, Duration::ZERO);
    effects.extend(listen(state));
    effects
}

/// Leaving: outstanding polls, grants and the listener are no longer wanted.
pub(super) fn leave(state: &mut WizardState) -> Vec<Effect> {
    state.jobs.cancel(JobKind::ConsentPoll);
    state.jobs.cancel(JobKind::ConsentGrant);
    state.jobs.cancel(JobKind::ConsentListener);
    state.consent.polling = false;
    state.consent.granting = false;
    state.consent.listener_link = None;
    vec![Effect::StopConsentListener]
}

/// Asks for a (new) loopback listener under a fresh ticket; its link replaces the shown one
/// once it is open.
fn listen(state: &mut WizardState) -> Vec<Effect> {
    let Some(app) = &state.app else {
        return Vec::new();
    };
    let (tenant_id, client_id) = (app.tenant_id.clone(), app.client_id.clone());
    let ticket = state.jobs.start(JobKind::ConsentListener);
    state.consent.listener_link = None;
    vec![Effect::ListenForConsent {
        ticket,
        tenant_id,
        client_id,
    }]
}

/// The listener is open (its link is shown from now on), or could not start (the plain link
/// and the polls remain, as without a listener).
pub(super) fn listening(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<String, JobError>,
) -> Vec<Effect> {
    if !state.jobs.is_current(JobKind::ConsentListener, ticket) {
        return Vec::new();
    }
    match result {
        Ok(link) => state.consent.listener_link = Some(link),
        // Polling does without the listener, whatever kept it from starting (the executor
        // logged the detail).
        Err(why) => {
            state.jobs.accept(JobKind::ConsentListener, ticket);
            tracing::info!(%why, "consent listener not started; polling only")
        }
    }
    Vec::new()
}

/// Entra's answer reached the listener.
pub(super) fn answered(
    state: &mut WizardState,
    ticket: Ticket,
    answer: Option<ConsentAnswer>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::ConsentListener, ticket) {
        return Vec::new();
    }
    match answer {
        // Confirm at once instead of at the next poll: a new ticket drops the poll that is
        // waiting; the chain goes on from this read while the grants replicate.
        Some(ConsentAnswer::Granted) => {
            state.consent.refused = None;
            set_info(state, t("status.consent_answer_granted"));
            if state.consent.granting {
                return Vec::new();
            }
            let ticket = state.jobs.start(JobKind::ConsentPoll);
            schedule(state, ticket, Duration::ZERO)
        }
        // The admin may try again (another account, after a role was assigned): a fresh
        // listener waits for that answer; the polls go on meanwhile.
        Some(ConsentAnswer::Refused(sentence)) => {
            set_error(state, sentence.clone());
            state.consent.refused = Some(sentence);
            listen(state)
        }
        // The listener gave up waiting; the polls remain.
        None => Vec::new(),
    }
}

/// Asks for the next read of the grants under `ticket`: one poll chain keeps its ticket from
/// read to read, and ends when everything is granted or nothing can be read.
fn schedule(state: &mut WizardState, ticket: Ticket, after: Duration) -> Vec<Effect> {
    let Some(app) = &state.app else {
        state.jobs.accept(JobKind::ConsentPoll, ticket);
        return Vec::new();
    };
    let Some(service_principal_id) = app.service_principal_id.clone() else {
        state.jobs.accept(JobKind::ConsentPoll, ticket);
        state.consent.polling = false;
        return Vec::new();
    };
    let permissions = app.permissions.clone();
    state.consent.polling = true;
    vec![Effect::PollConsent {
        ticket,
        after,
        service_principal_id,
        permissions,
    }]
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    let Some(url) = link(state) else {
        return Vec::new();
    };
    match action {
        Action::Copy => vec![Effect::Copy {
            label: t("copy_label.consent_link").to_string(),
            value: SecretString::from(url),
            clear_after: None,
        }],
        Action::OpenLink => notices::open_link(state, url),
        Action::Grant if !state.consent.granting => {
            state.popup = Some(Popup::ConfirmGrant);
            Vec::new()
        }
        Action::Next => {
            let incomplete = !all_granted(state);
            let effects = advance(state);
            // Said on the next step, after the step change cleared the old notes.
            if incomplete {
                set_info(state, t("status.consent_incomplete"));
            }
            effects
        }
        _ => Vec::new(),
    }
}

/// The admin confirmed: grant from the tool. The running poll chain stops (new ticket); the
/// answer restarts it if something is still missing.
pub(super) fn grant(state: &mut WizardState) -> Vec<Effect> {
    let Some(app) = &state.app else {
        return Vec::new();
    };
    let Some(service_principal_id) = app.service_principal_id.clone() else {
        set_error(state, t("status.grant_impossible"));
        return Vec::new();
    };
    let permissions = app.permissions.clone();
    state.jobs.cancel(JobKind::ConsentPoll);
    let ticket = state.jobs.start(JobKind::ConsentGrant);
    state.consent.granting = true;
    state.consent.polling = false;
    state.consent.error = None;
    vec![Effect::GrantConsent {
        ticket,
        service_principal_id,
        permissions,
    }]
}

/// New grant status: keep it, and poll again unless everything is granted.
fn apply(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Vec<PermissionStatus>, String>,
) -> Vec<Effect> {
    match result {
        Ok(list) => {
            if let Some(app) = &mut state.app {
                app.permissions = list;
            }
            state.consent.last_polled = Some(Utc::now());
            state.consent.error = None;
            if all_granted(state) {
                state.jobs.accept(JobKind::ConsentPoll, ticket);
                state.consent.polling = false;
                state.consent.refused = None;
                set_info(state, t("status.consent_all_granted"));
                return Vec::new();
            }
        }
        Err(sentence) => state.consent.error = Some(sentence),
    }
    let interval = state.consent_poll_interval;
    schedule(state, ticket, interval)
}

pub(super) fn polled(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Vec<PermissionStatus>, JobError>,
) -> Vec<Effect> {
    if !state.jobs.is_current(JobKind::ConsentPoll, ticket) {
        return Vec::new();
    }
    apply(state, ticket, result.map_err(|e| e.to_string()))
}

/// The grant's answer as a read of the grants: a grant Microsoft did not make (the sentences
/// joined) counts like a failed read, so the next poll shows what stands.
fn grant_read(result: Result<Granted, JobError>) -> Result<Vec<PermissionStatus>, String> {
    let granted = result.map_err(|e| e.to_string())?;
    if granted.not_granted.is_empty() {
        Ok(granted.statuses)
    } else {
        Err(granted.not_granted.join(" "))
    }
}

pub(super) fn granted(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Granted, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::ConsentGrant, ticket) {
        return Vec::new();
    }
    state.consent.granting = false;
    let result = grant_read(result);
    if let Err(sentence) = &result {
        set_error(state, sentence.clone());
    }
    // The grant's answer is a read of the grants too: a new poll chain goes on from it.
    let poll = state.jobs.start(JobKind::ConsentPoll);
    apply(state, poll, result)
}
