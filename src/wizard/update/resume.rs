//! Offering to continue an interrupted run. A registration that was cut off (Ctrl-C, a lost
//! network, a killed process, a closed terminal) leaves a journal; once the admin is signed
//! in, the new-registration job reads it for the chosen profile and, before anything is
//! changed in the tenant, asks: continue it (the same app is completed, unseen secrets are
//! removed), or go back to Welcome. The registration engine itself always continues a
//! journal, so the question is asked again before Register until it is answered with yes.

use super::{go_to, set_info};
use crate::error::JobError;
use crate::i18n::tf;
use crate::store::journal::InterruptedRun;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::state::{AccountsChoice, Check, Job, Popup, Ticket, WizardState};
use crate::wizard::step::Step;

/// Reads the journal for the selected profile, when that can matter: new registration,
/// signed in, and not already read for this profile.
pub(super) fn look(state: &mut WizardState) -> Vec<Effect> {
    if state.job != Job::NewRegistration || state.tenant.is_none() {
        return Vec::new();
    }
    let profile = state.profile().id.clone();
    if state.resume.profile == profile
        && matches!(state.resume.found, Check::Done(_) | Check::Running)
    {
        return Vec::new();
    }
    let ticket = state.jobs.start(JobKind::InterruptedRun);
    state.resume.profile = profile.clone();
    state.resume.found = Check::Running;
    vec![Effect::FindInterruptedRun { ticket, profile }]
}

/// The steps in which the offer may appear: after sign-in, before anything is registered.
fn before_register(state: &WizardState) -> bool {
    state.job == Job::NewRegistration
        && matches!(
            state.step,
            Step::SignIn | Step::InstallType | Step::Transport | Step::Accounts | Step::Review
        )
        && state.app.is_none()
}

pub(super) fn found(
    state: &mut WizardState,
    ticket: Ticket,
    profile: &str,
    result: Result<Option<InterruptedRun>, JobError>,
) -> Vec<Effect> {
    if state.resume.profile != profile || !state.jobs.accept(JobKind::InterruptedRun, ticket) {
        return Vec::new();
    }
    state.resume.found = match result {
        Ok(run) => Check::Done(run),
        // The journal is a help, not a requirement: the engine reads it again and says
        // what is wrong if it must.
        Err(e) => {
            tracing::warn!(sentence = %e, "journal not readable");
            Check::Done(None)
        }
    };
    offer_if_due(state);
    Vec::new()
}

/// Shows the offer when an unanswered interrupted run waits and nothing else is on top.
/// Returns whether the offer stands in the way of going on.
pub(super) fn offer_if_due(state: &mut WizardState) -> bool {
    let profile = state.profile().id.clone();
    if !before_register(state) || state.resume.unanswered(&profile).is_none() {
        return false;
    }
    if state.popup.is_none() {
        state.popup = Some(Popup::ResumeOffer);
    }
    true
}

/// Continue: the registration completes the interrupted run's app under its name.
pub(super) fn accept(state: &mut WizardState) -> Vec<Effect> {
    state.popup = None;
    let profile = state.profile().id.clone();
    let Some(run) = state.resume.unanswered(&profile).cloned() else {
        return Vec::new();
    };
    state.resume.accepted = Some(run.run_id.clone());
    state.accounts.choice = AccountsChoice::Automatic;
    state.accounts.app_name.set(run.app_name.clone());
    state.accounts.app_name_error = None;
    set_info(
        state,
        tf("status.resume_accepted", &[("app", run.app_name.as_str())]),
    );
    Vec::new()
}

/// Not now: back to Welcome (another profile or job); the run stays on record.
pub(super) fn decline(state: &mut WizardState) -> Vec<Effect> {
    state.popup = None;
    let product = state.profile().product_name().to_string();
    let effects = go_to(state, Step::Welcome);
    set_info(
        state,
        tf("status.resume_declined", &[("product", product.as_str())]),
    );
    effects
}
