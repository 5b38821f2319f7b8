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
        Action::Next if !state.profiles.is_empty() => {
            leave_for_profile(state);
            advance(state)
        }
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
}

/// Leaving Welcome: when the admin came back and chose another product, what was given for
/// the earlier one is sorted out now (not on every ↑/↓ on the way past other products).
fn leave_for_profile(state: &mut WizardState) {
    correct_the_match(state);
    if let Some(earlier) = state.values_for
        && earlier != state.profile_index
        && let Some(old) = state.profiles.get(earlier).cloned()
    {
        forget_what_belongs_to(state, &old);
    }
    state.values_for = Some(state.profile_index);
}

/// Rotate and check select the product exowiz matched the app to; choosing another one on
/// Welcome afterwards corrects the match, and the jobs use the admin's choice from then on
/// (issue 10.6). Choosing the matched one again takes the correction back.
fn correct_the_match(state: &mut WizardState) {
    if !matches!(state.job, Job::RotateSecret | Job::CheckRegistration) {
        state.product_matched = None;
        state.product_correction = None;
        return;
    }
    let chosen = state.profile().id.clone();
    state.product_correction = match &state.product_matched {
        Some(matched) if *matched != chosen => Some(chosen),
        Some(_) => None,
        None => state.product_correction.take(),
    };
}

/// After a switch away from `old`: what the admin gave for the old product and the new one does
/// not ask for is forgotten, so Review and the registration never carry it over (issue 10.7).
/// Kept is only what the new product asks for in the same sense.
fn forget_what_belongs_to(state: &mut WizardState, old: &crate::profile::Profile) {
    // Hybrid only means something where the product has the choice (its install-type step).
    if super::is_skipped(state, crate::wizard::step::Step::InstallType) {
        state.mode = crate::profile::InstallMode::CloudOnly;
    }
    let new = state.profile().clone();
    // Transfer domains of types the new product does not route.
    state
        .transport
        .domains
        .retain(|d| new.transfer_domain_types.contains(&d.kind));
    // A mailbox is the product's own: a connector's mailbox (transfer or sender) carries over
    // to another product that needs one of its own, unless it was the old product's proposal;
    // the optional ones (an ERP's Exchange account, a CRM login) are that product's alone.
    let typed = state.transport.mailbox.value().trim().to_string();
    let proposed = state
        .tenant
        .as_ref()
        .and_then(|t| super::transport::proposed_mailbox(old, &t.default_domain))
        .is_some_and(|proposal| typed == proposal);
    let same_kind = old.needs_transfer_mailbox && new.needs_transfer_mailbox;
    if !typed.is_empty() && (proposed || !same_kind) {
        state.transport.mailbox.clear();
        super::transport::mailbox_changed(state);
    }
    state.transport.focus = 0;
    // An app picked in the app browser was picked for the old product.
    state.accounts.browser.chosen = None;
    state.review_reason = None;
}

/// The job before (`by` = -1) or after (`by` = 1) `job`, stopping at the ends.
fn shift_job(job: Job, by: isize) -> Job {
    let i = Job::ALL.iter().position(|j| *j == job).unwrap_or(0) as isize;
    let last = Job::ALL.len() as isize - 1;
    Job::ALL[(i + by).clamp(0, last) as usize]
}
