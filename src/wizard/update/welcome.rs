//! Welcome: choose the job (←/→) and the connector profile (↑/↓).

use super::advance;
use crate::wizard::effect::Effect;
use crate::wizard::keymap::Action;
use crate::wizard::state::{Job, WizardState};

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match action {
        Action::Up => {
            select_profile(state, state.profile_index.saturating_sub(1));
            Vec::new()
        }
        Action::Down => {
            let last = state.profiles.len().saturating_sub(1);
            select_profile(state, (state.profile_index + 1).min(last));
            Vec::new()
        }
        Action::FocusPrev => {
            state.job = shift_job(state.job, -1);
            Vec::new()
        }
        Action::FocusNext => {
            state.job = shift_job(state.job, 1);
            Vec::new()
        }
        Action::Next if !state.profiles.is_empty() => match state.job {
            Job::NewRegistration => advance(state),
            Job::RotateSecret | Job::CheckRegistration => advance(state),
        },
        _ => Vec::new(),
    }
}

/// Selects the profile `id` if the wizard has it: rotate and check work on an existing app with
/// the app's own profile (its saved one, else the matched one), not the product picked on
/// Welcome, so Verify and Done use that product's field names (issue 10.6). Going back to
/// Welcome shows it selected.
pub(crate) fn select_profile_id(state: &mut WizardState, id: &str) {
    if let Some(index) = state.profiles.iter().position(|p| p.id == id) {
        select_profile(state, index);
    }
}

/// Selects profile `index`; the app name and the secret lifetime follow the profile's defaults
/// unless the admin changed them (they still hold the old profile's defaults otherwise).
pub(crate) fn select_profile(state: &mut WizardState, index: usize) {
    if index == state.profile_index || index >= state.profiles.len() {
        return;
    }
    let old = state.profile().clone();
    state.profile_index = index;
    let new = state.profile().clone();
    let accounts = &mut state.accounts;
    let name = accounts.app_name.value().trim();
    if name.is_empty() || name == old.default_app_name {
        accounts.app_name.set(new.default_app_name.clone());
        accounts.app_name_error = None;
    }
    if accounts.secret_months == old.secret_months {
        accounts.secret_months = new.secret_months;
    }
    // The transfer mailbox's default belongs to the profile that proposed it.
    let proposed = format!("{}@", super::transport::DEFAULT_MAILBOX_LOCAL_PART);
    if !new.needs_transfer_mailbox && state.transport.mailbox.value().starts_with(&proposed) {
        state.transport.mailbox.clear();
        super::transport::mailbox_changed(state);
    }
}

/// The job before (`by` = -1) or after (`by` = 1) `job`, stopping at the ends.
fn shift_job(job: Job, by: isize) -> Job {
    let i = Job::ALL.iter().position(|j| *j == job).unwrap_or(0) as isize;
    let last = Job::ALL.len() as isize - 1;
    Job::ALL[(i + by).clamp(0, last) as usize]
}
