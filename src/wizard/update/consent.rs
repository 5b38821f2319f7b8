//! Admin consent: the link, each permission's status (polled until all are granted), and
//! granting from the tool after an explicit confirmation.

use super::{CONSENT_POLL_INTERVAL, advance, notices, set_error, set_info};
use crate::i18n::t;
use crate::register::PermissionStatus;
use crate::wizard::effect::Effect;
use crate::wizard::keymap::Action;
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

/// Entering: read the grants at once, with a fresh ticket.
pub(super) fn enter(state: &mut WizardState) -> Vec<Effect> {
    let ticket = state.tickets.issue();
    state.tickets.consent = ticket;
    state.consent.error = None;
    schedule(state, ticket, Duration::ZERO)
}

/// Leaving: outstanding polls and grants are no longer wanted.
pub(super) fn leave(state: &mut WizardState) {
    state.tickets.consent = state.tickets.issue();
    state.consent.polling = false;
    state.consent.granting = false;
}

/// Asks for the next read of the grants under `ticket`.
fn schedule(state: &mut WizardState, ticket: Ticket, after: Duration) -> Vec<Effect> {
    let Some(app) = &state.app else {
        return Vec::new();
    };
    let Some(service_principal_id) = app.service_principal_id.clone() else {
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
    let Some(url) = state.app.as_ref().map(|a| a.consent_url.clone()) else {
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
            if !all_granted(state) {
                set_info(state, t("status.consent_incomplete"));
            }
            advance(state)
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
    let ticket = state.tickets.issue();
    state.tickets.consent = ticket;
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
                state.consent.polling = false;
                set_info(state, t("status.consent_all_granted"));
                return Vec::new();
            }
        }
        Err(sentence) => state.consent.error = Some(sentence),
    }
    schedule(state, ticket, CONSENT_POLL_INTERVAL)
}

pub(super) fn polled(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Vec<PermissionStatus>, String>,
) -> Vec<Effect> {
    if ticket != state.tickets.consent || state.consent.granting {
        return Vec::new();
    }
    apply(state, ticket, result)
}

pub(super) fn granted(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Vec<PermissionStatus>, String>,
) -> Vec<Effect> {
    if ticket != state.tickets.consent || !state.consent.granting {
        return Vec::new();
    }
    state.consent.granting = false;
    if let Err(sentence) = &result {
        set_error(state, sentence.clone());
    }
    apply(state, ticket, result)
}
