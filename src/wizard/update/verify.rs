//! Verify: a token from the secret, its roles compared with the permissions.

use super::{advance, go_to};
use crate::error::JobError;
use crate::exchange;
use crate::permissions::PermissionStatus;
use crate::profile::well_known;
use crate::register::validate;
use crate::wizard::effect::{Effect, EwsCheck};
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::state::{
    AccountsChoice, ComparedWith, Job, RegisteredApp, Ticket, VerifyReport, VerifyState,
    WizardState,
};
use crate::wizard::step::Step;
use secrecy::{ExposeSecret, SecretString};

/// Entering: check the secret unless that already passed.
pub(super) fn enter(state: &mut WizardState) -> Vec<Effect> {
    if matches!(state.verify, VerifyState::Passed(_)) {
        return Vec::new();
    }
    start(state)
}

fn start(state: &mut WizardState) -> Vec<Effect> {
    let Some(app) = &state.app else {
        return Vec::new();
    };
    let (tenant_id, client_id) = (app.tenant_id.clone(), app.client_id.clone());
    let (secret, expected) = (app.secret.clone(), app.permissions.clone());
    if state.job == Job::RotateSecret {
        let ticket = state.jobs.start(JobKind::Verify);
        let Some(effect) = super::rotate::verify_effect(state, ticket) else {
            state.jobs.cancel(JobKind::Verify);
            return Vec::new();
        };
        state.verify = VerifyState::Running;
        return vec![effect];
    }
    let ticket = state.jobs.start(JobKind::Verify);
    state.verify = VerifyState::Running;
    vec![Effect::Verify {
        ticket,
        tenant_id,
        client_id,
        secret,
        expected,
        compared_with: compared_with(state),
        ews: ews_check(state),
    }]
}

/// EWS profiles open the transfer mailbox through EWS (the one the connector works with);
/// a product without a transfer mailbox has none to open.
fn ews_check(state: &WizardState) -> EwsCheck {
    let profile = state.profile();
    if !profile.uses_ews {
        return EwsCheck::NotEws;
    }
    profile
        .asks_for_mailbox()
        .then(|| validate::mailbox(state.transport.mailbox.value()).ok())
        .flatten()
        .map_or(EwsCheck::NoMailbox, EwsCheck::Mailbox)
}

/// Whose permissions a registration's token is compared with: the chosen profile's; for
/// `custom` the ones the admin gave the app.
fn compared_with(state: &WizardState) -> ComparedWith {
    let profile = state.profile();
    if profile.id == "custom" {
        ComparedWith::AppPermissions
    } else {
        ComparedWith::Profile(profile.product_name().to_string())
    }
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match (&state.verify, action) {
        (VerifyState::Passed(_), Action::Next) => advance(state),
        (VerifyState::Failed(_) | VerifyState::NotStarted, Action::Next) => start(state),
        (VerifyState::Failed(_), Action::Skip) => advance(state),
        _ => Vec::new(),
    }
}

/// Esc: an app that exowiz registered stays; back goes to Consent. IDs typed in by hand go
/// back to Review with the secret back in its field.
pub(super) fn back(state: &mut WizardState) -> Vec<Effect> {
    state.jobs.cancel(JobKind::Verify);
    state.verify = VerifyState::NotStarted;
    if state.accounts.choice == AccountsChoice::Manual {
        if let Some(app) = state.app.take() {
            state
                .accounts
                .manual
                .secret
                .set(app.secret.expose_secret().to_string());
        }
        go_to(state, Step::Review)
    } else {
        go_to(state, Step::Consent)
    }
}

pub(super) fn verified(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<VerifyReport, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Verify, ticket) {
        return Vec::new();
    }
    state.verify = match result {
        Ok(report) => VerifyState::Passed(report),
        Err(e) => VerifyState::Failed(e.to_string()),
    };
    Vec::new()
}

/// Review → Verify for IDs typed in by hand: the typed secret moves into a SecretString (the
/// field is cleared) and the app is what was typed.
pub(super) fn start_manual(state: &mut WizardState) -> Vec<Effect> {
    let profile = state.profile().clone();
    let manual = &mut state.accounts.manual;
    let tenant_id = manual.tenant.value().trim().to_ascii_lowercase();
    let client_id = manual.client_id.value().trim().to_ascii_lowercase();
    let secret = SecretString::from(manual.secret.value().trim().to_string());
    manual.secret.clear();
    let app_name = state.accounts.app_name.value().trim().to_string();
    let mailbox = profile
        .asks_for_mailbox()
        .then(|| validate::mailbox(state.transport.mailbox.value()).ok())
        .flatten();
    let permissions = profile
        .permissions_for(state.mode)
        .into_iter()
        .map(|p| PermissionStatus {
            id: well_known::permission_id(p.api, &p.name, p.kind)
                .unwrap_or_default()
                .to_string(),
            description: p.reason(crate::i18n::language()).to_string(),
            api: p.api,
            name: p.name,
            kind: p.kind,
            granted: false,
        })
        .collect();
    let exchange_commands =
        exchange::for_profile(&profile, &client_id, None, &app_name, mailbox.as_deref());
    state.app = Some(RegisteredApp {
        tenant_id,
        client_id,
        app_object_id: None,
        service_principal_id: None,
        app_name,
        created_app: false,
        secret,
        secret_hint: None,
        secret_end: None,
        consent_url: String::new(),
        permissions,
        exchange_commands,
        notes: Vec::new(),
        inputs: crate::profile::ProductInputs {
            mailbox,
            mail_domain: state.tenant.as_ref().map(|t| t.default_domain.clone()),
            transfer_domains: Vec::new(),
        },
    });
    state.verify = VerifyState::NotStarted;
    state.done = Default::default();
    go_to(state, Step::Verify)
}
