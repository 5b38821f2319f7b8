//! The rotate job (the app step is the check job's too): pick the app (the accounts step's app browser), see its secrets, make a new
//! one; then the shared Verify and Done steps show and check it. Nothing is removed here.

use super::{accounts, go_to, set_error, set_info};
use crate::error::JobError;
use crate::i18n::t;
use crate::register::validate;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::state::{
    AppSecrets, Check, CreatedSecret, Job, Popup, RegisteredApp, RemovedSecrets, Ticket,
    VerifyState, WizardState,
};
use crate::wizard::step::Step;

/// Entering the app step: list the apps unless a list is there.
pub(super) fn enter_app(state: &mut WizardState) -> Vec<Effect> {
    match state.accounts.browser.apps {
        Check::Done(_) | Check::Running => Vec::new(),
        Check::NotChecked | Check::Failed(_) => accounts::list_apps(state),
    }
}

pub(super) fn app_on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    let b = &mut state.accounts.browser;
    match action {
        Action::Up => {
            b.selected = b.selected.saturating_sub(1);
            Vec::new()
        }
        Action::Down => {
            if let Check::Done(apps) = &b.apps {
                b.selected = (b.selected + 1).min(apps.len().saturating_sub(1));
            }
            Vec::new()
        }
        Action::Next => match super::highlighted_app(state).cloned() {
            Some(app) => {
                state.accounts.browser.chosen = Some(app);
                super::advance(state)
            }
            None => {
                set_error(state, t("status.choose_an_app_to_rotate"));
                Vec::new()
            }
        },
        _ => Vec::new(),
    }
}

/// Entering the secrets step: read the chosen app's secrets.
pub(super) fn enter_secrets(state: &mut WizardState) -> Vec<Effect> {
    state.rotate.error = None;
    load(state)
}

fn load(state: &mut WizardState) -> Vec<Effect> {
    let Some(app) = &state.accounts.browser.chosen else {
        return Vec::new();
    };
    let client_id = app.client_id.clone();
    let ticket = state.jobs.start(JobKind::Secrets);
    state.rotate.secrets = Check::Running;
    vec![Effect::LoadSecrets {
        ticket,
        client_id,
        profile: state.product_correction.clone(),
    }]
}

pub(super) fn secrets_loaded(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<AppSecrets, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Secrets, ticket) {
        return Vec::new();
    }
    match result {
        Ok(secrets) => {
            super::welcome::select_profile_id(state, &secrets.profile_id);
            state.product_matched = Some(secrets.profile_id.clone());
            state.rotate.months = secrets.months;
            state.rotate.secrets = Check::Done(secrets);
            Vec::new()
        }
        Err(e) => {
            state.rotate.secrets = Check::Failed(e.to_string());
            // As in the check job: without the role or the sign-in, Sign in is the way on.
            if e.kind().needs_another_sign_in() {
                super::sign_in::again(state, e.to_string())
            } else {
                Vec::new()
            }
        }
    }
}

pub(super) fn secrets_on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match action {
        Action::Decrease | Action::Increase => {
            let m = state.rotate.months;
            let wanted = if action == Action::Increase {
                m.saturating_add(1)
            } else {
                m.saturating_sub(1)
            };
            if let Ok(months) = validate::secret_months(wanted) {
                state.rotate.months = months;
            }
            Vec::new()
        }
        Action::Next => match &state.rotate.secrets {
            Check::Failed(_) | Check::NotChecked => load(state),
            Check::Done(app) if !state.rotate.creating => {
                let client_id = app.client_id.clone();
                let ticket = state.jobs.start(JobKind::CreateSecret);
                state.rotate.creating = true;
                state.rotate.error = None;
                vec![Effect::CreateSecret {
                    ticket,
                    client_id,
                    months: state.rotate.months,
                    profile: state.product_correction.clone(),
                }]
            }
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// Esc on the secrets step: back to the app list, the running read forgotten. While the new
/// secret is being made, Esc waits (the secret will exist either way).
pub(super) fn secrets_back(state: &mut WizardState) -> Vec<Effect> {
    if state.rotate.creating {
        set_info(state, t("status.secret_being_created"));
        return Vec::new();
    }
    state.jobs.cancel(JobKind::Secrets);
    state.rotate.secrets = Check::NotChecked;
    state.rotate.error = None;
    go_to(state, Step::App)
}

pub(super) fn secret_created(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<CreatedSecret, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::CreateSecret, ticket) {
        return Vec::new();
    }
    state.rotate.creating = false;
    let created = match result {
        Ok(created) => created,
        Err(e) if e.kind().needs_another_sign_in() => {
            return super::sign_in::again(state, e.to_string());
        }
        Err(e) => {
            state.rotate.error = Some(e.to_string());
            return Vec::new();
        }
    };
    let Check::Done(app) = &state.rotate.secrets else {
        return Vec::new();
    };
    state.rotate.new_key_id = Some(created.key_id.clone());
    state.app = Some(RegisteredApp {
        tenant_id: app.tenant_id.clone(),
        client_id: app.client_id.clone(),
        app_object_id: None,
        service_principal_id: None,
        app_name: app.display_name.clone(),
        created_app: false,
        secret: created.secret,
        secret_hint: created.hint,
        secret_end: created.end,
        consent_url: String::new(),
        permissions: Vec::new(),
        exchange_commands: Vec::new(),
        notes: Vec::new(),
        inputs: crate::profile::ProductInputs {
            mail_domain: state.tenant.as_ref().map(|t| t.default_domain.clone()),
            ..Default::default()
        },
    });
    state.verify = VerifyState::NotStarted;
    state.done = Default::default();
    go_to(state, Step::Verify)
}

/// The rotate job's verification: a token per API the app (or its profile) has application
/// permissions on, its roles compared with the profile's application permissions.
pub(super) fn verify_effect(state: &WizardState, ticket: Ticket) -> Option<Effect> {
    let app = state.app.as_ref()?;
    // Always there: a secret is only made once the app's secrets were read.
    let Check::Done(secrets) = &state.rotate.secrets else {
        return None;
    };
    Some(Effect::VerifyRotated {
        ticket,
        tenant_id: app.tenant_id.clone(),
        client_id: app.client_id.clone(),
        secret: app.secret.clone(),
        apis: secrets.apis.clone(),
        expected: secrets.expected.clone(),
        compared_with: secrets.compared_with.clone(),
        ews: secrets.ews.clone(),
    })
}

/// Done offers removing the older secrets: rotate job, a new secret made and proven to give a
/// token (an unverified one may not work, and the old ones are then all the product has),
/// revealed or copied (one nobody has is no replacement), older ones left, nothing being
/// removed right now.
pub fn can_remove_old(state: &WizardState) -> bool {
    state.job == Job::RotateSecret
        && state.rotate.new_key_id.is_some()
        && matches!(state.verify, VerifyState::Passed(_))
        && state.done.secret_seen
        && !state.rotate.removing
        && !state.rotate.older_secrets().is_empty()
}

/// Done after a rotation whose new secret gave no token: the older secrets stay, and Done
/// says why there is no `x`.
pub fn removal_withheld(state: &WizardState) -> bool {
    state.job == Job::RotateSecret
        && state.rotate.new_key_id.is_some()
        && !matches!(state.verify, VerifyState::Passed(_))
        && !state.rotate.older_secrets().is_empty()
}

/// `x` on Done: asks first (the product must already use the new secret).
pub(super) fn ask_remove_old(state: &mut WizardState) -> Vec<Effect> {
    if can_remove_old(state) {
        state.popup = Some(Popup::ConfirmRemoveOld);
    }
    Vec::new()
}

/// Done after a verified rotation whose new secret nobody has yet (still masked, never
/// copied): the older secrets stay until it is revealed or copied, and Done says so (issue
/// 10.2). Until then the older ones may be all anybody can use.
pub fn removal_waits_for_hand_over(state: &WizardState) -> bool {
    state.job == Job::RotateSecret
        && state.rotate.new_key_id.is_some()
        && matches!(state.verify, VerifyState::Passed(_))
        && !state.done.secret_seen
        && !state.rotate.older_secrets().is_empty()
}

/// Confirmed: remove every older secret, never the new one.
pub(super) fn remove_old(state: &mut WizardState) -> Vec<Effect> {
    if !can_remove_old(state) {
        return Vec::new();
    }
    let key_ids: Vec<String> = state
        .rotate
        .older_secrets()
        .iter()
        .map(|s| s.key_id.clone())
        .collect();
    let (Some(keep), Some(app)) = (state.rotate.new_key_id.clone(), &state.app) else {
        return Vec::new();
    };
    let client_id = app.client_id.clone();
    let ticket = state.jobs.start(JobKind::RemoveOldSecrets);
    state.rotate.removing = true;
    set_info(state, t("status.removing_old"));
    vec![Effect::RemoveOldSecrets {
        ticket,
        client_id,
        keep,
        key_ids,
    }]
}

pub(super) fn old_removed(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<RemovedSecrets, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::RemoveOldSecrets, ticket) {
        return Vec::new();
    }
    state.rotate.removing = false;
    match result {
        Ok(done) => {
            let names: Vec<String> = match &state.rotate.secrets {
                Check::Done(app) => done
                    .removed
                    .iter()
                    .filter_map(|k| app.secrets.iter().find(|s| &s.key_id == k))
                    .map(|s| s.label().to_string())
                    .collect(),
                _ => Vec::new(),
            };
            state.rotate.removed.extend(done.removed.iter().cloned());
            let sentence = crate::i18n::tn(
                "status.removed_old",
                done.removed.len() as u64,
                &[("names", &names.join(", "))],
            );
            match done.error {
                Some(error) => set_error(state, format!("{sentence} {error}")),
                None => set_info(state, sentence),
            }
        }
        Err(e) => set_error(state, e.to_string()),
    }
    Vec::new()
}
