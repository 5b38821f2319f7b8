//! The check job: after the app step, the findings; fixable ones are selected (Space, `a`) and
//! applied after a confirmation, then the re-check is shown.

use super::{go_to, set_error, set_info};
use crate::check::{Applied, Report};
use crate::error::JobError;
use crate::i18n::t;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::state::{Check, Popup, Ticket, WizardState};
use crate::wizard::step::Step;

/// Entering the findings step: check the chosen app.
pub(super) fn enter(state: &mut WizardState) -> Vec<Effect> {
    state.check.results.clear();
    run(state)
}

fn run(state: &mut WizardState) -> Vec<Effect> {
    let Some(app) = &state.accounts.browser.chosen else {
        return Vec::new();
    };
    let client_id = app.client_id.clone();
    let ticket = state.jobs.start(JobKind::Check);
    state.check.report = Check::Running;
    state.check.selected.clear();
    state.check.cursor = 0;
    vec![Effect::RunCheck {
        ticket,
        client_id,
        profile: state.product_correction.clone(),
    }]
}

pub(super) fn checked(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Box<Report>, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Check, ticket) {
        return Vec::new();
    }
    match result {
        Ok(report) => {
            super::welcome::select_profile_id(state, &report.profile_id);
            state.product_matched = Some(report.profile_id.clone());
            state.check.report = Check::Done(report);
            Vec::new()
        }
        Err(e) => {
            state.check.report = Check::Failed(e.to_string());
            // Without the role (or the sign-in) a retry fails the same way: Sign in is the
            // way on. Anything else (network, throttling) Enter tries again here.
            if e.kind().needs_another_sign_in() {
                super::sign_in::again(state, e.to_string())
            } else {
                Vec::new()
            }
        }
    }
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    if matches!(state.check.report, Check::Failed(_)) && action == Action::Next {
        return run(state);
    }
    if !matches!(state.check.report, Check::Done(_)) || state.check.applying {
        return Vec::new();
    }
    let fixable = state.check.fixable();
    let c = &mut state.check;
    match action {
        Action::Up => c.cursor = c.cursor.saturating_sub(1),
        Action::Down => c.cursor = (c.cursor + 1).min(fixable.len().saturating_sub(1)),
        Action::Toggle => {
            if let Some(id) = fixable.get(c.cursor) {
                match c.selected.iter().position(|s| s == id) {
                    Some(at) => {
                        c.selected.remove(at);
                    }
                    None => c.selected.push(*id),
                }
            }
        }
        Action::ToggleAll => {
            if c.selected.len() == fixable.len() {
                c.selected.clear();
            } else {
                c.selected = fixable;
            }
        }
        Action::Next => {
            if c.selected.is_empty() {
                set_info(state, t("status.select_fixes"));
            } else {
                state.popup = Some(Popup::ConfirmApplyFixes);
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Confirmed: apply the selected fixes.
pub(super) fn apply(state: &mut WizardState) -> Vec<Effect> {
    let Check::Done(report) = &state.check.report else {
        return Vec::new();
    };
    if state.check.applying || state.check.selected.is_empty() {
        return Vec::new();
    }
    let mut fixes = state.check.selected.clone();
    fixes.sort();
    let report = report.clone();
    let ticket = state.jobs.start(JobKind::ApplyFixes);
    state.check.applying = true;
    set_info(state, t("status.applying_fixes"));
    vec![Effect::ApplyFixes {
        ticket,
        report,
        fixes,
    }]
}

pub(super) fn applied(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Box<Applied>, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::ApplyFixes, ticket) {
        return Vec::new();
    }
    state.check.applying = false;
    match result {
        Ok(applied) => {
            let failed = applied
                .results
                .iter()
                .filter(|r| r.outcome.is_err())
                .count();
            state.check.results = applied.results.into_iter().map(|r| r.outcome).collect();
            state.check.report = Check::Done(Box::new(applied.report));
            state.check.selected.clear();
            state.check.cursor = 0;
            let done = state.check.results.len() - failed;
            let sentence = crate::i18n::tn(
                "status.fixes_applied",
                done as u64,
                &[("failed", &failed.to_string())],
            );
            if failed > 0 {
                set_error(state, sentence);
            } else {
                set_info(state, sentence);
            }
        }
        // The report stays (nothing was applied); without the role, signing in as someone
        // who has it is the way on.
        Err(e) if e.kind().needs_another_sign_in() => {
            return super::sign_in::again(state, e.to_string());
        }
        Err(e) => set_error(state, e.to_string()),
    }
    Vec::new()
}

/// Esc: back to the app list (a running check is forgotten; applying waits).
pub(super) fn back(state: &mut WizardState) -> Vec<Effect> {
    if state.check.applying {
        set_info(state, t("status.fixes_being_applied"));
        return Vec::new();
    }
    state.jobs.cancel(JobKind::Check);
    state.check = Default::default();
    go_to(state, Step::App)
}
