//! Accounts & security: register automatically, reuse an existing app (app browser), or type
//! the IDs in by hand; app name and secret lifetime.

use super::{advance, highlighted_app, set_error, set_info};
use crate::error::JobError;
use crate::i18n::{t, tf};
use crate::register::validate;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::state::{AccountsChoice, AccountsFocus, AppSummary, Check, Ticket, WizardState};

/// The inputs of each choice, in Tab order.
pub fn inputs(choice: AccountsChoice) -> &'static [AccountsFocus] {
    use AccountsFocus::*;
    match choice {
        AccountsChoice::Automatic => &[Choice, AppName, SecretMonths],
        AccountsChoice::Reuse => &[Choice, BrowserFilter, SecretMonths],
        AccountsChoice::Manual => &[Choice, ManualTenant, ManualClientId, ManualSecret],
    }
}

/// A GUID written the usual way (8-4-4-4-12 hex digits), as tenant and client IDs are.
pub fn is_guid(text: &str) -> bool {
    let t = text.trim();
    t.len() == 36
        && t.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

pub(super) fn enter(state: &mut WizardState) {
    let a = &mut state.accounts;
    if !inputs(a.choice).contains(&a.focus) {
        a.focus = AccountsFocus::Choice;
    }
}

fn move_focus(state: &mut WizardState, forward: bool) {
    let a = &mut state.accounts;
    let list = inputs(a.choice);
    let at = list.iter().position(|f| *f == a.focus).unwrap_or(0);
    let next = if forward {
        (at + 1) % list.len()
    } else {
        (at + list.len() - 1) % list.len()
    };
    a.focus = list[next];
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    use AccountsFocus as F;
    let focus = state.accounts.focus;
    match (focus, action) {
        (F::Choice, Action::Up) => {
            let choice = match state.accounts.choice {
                AccountsChoice::Automatic | AccountsChoice::Reuse => AccountsChoice::Automatic,
                AccountsChoice::Manual => AccountsChoice::Reuse,
            };
            set_choice(state, choice)
        }
        (F::Choice, Action::Down) => {
            let choice = match state.accounts.choice {
                AccountsChoice::Automatic => AccountsChoice::Reuse,
                AccountsChoice::Reuse | AccountsChoice::Manual => AccountsChoice::Manual,
            };
            set_choice(state, choice)
        }
        (F::BrowserFilter, Action::Up) => {
            let b = &mut state.accounts.browser;
            b.selected = b.selected.saturating_sub(1);
            Vec::new()
        }
        (F::BrowserFilter, Action::Down) => {
            let b = &mut state.accounts.browser;
            if let Check::Done(apps) = &b.apps {
                b.selected = (b.selected + 1).min(apps.len().saturating_sub(1));
            }
            Vec::new()
        }
        (F::SecretMonths, Action::Decrease | Action::Increase) => {
            let m = &mut state.accounts.secret_months;
            let wanted = if action == Action::Increase {
                m.saturating_add(1)
            } else {
                m.saturating_sub(1)
            };
            // Within what exowiz allows (validate::secret_months: 1 to 60).
            if let Ok(months) = validate::secret_months(wanted) {
                *m = months;
            }
            Vec::new()
        }
        (_, Action::FocusNext | Action::Down) => {
            move_focus(state, true);
            Vec::new()
        }
        (_, Action::FocusPrev | Action::Up) => {
            move_focus(state, false);
            Vec::new()
        }
        (F::ManualTenant, Action::LookupTenant) => lookup_tenant(state),
        (F::BrowserFilter, Action::Next) => match highlighted_app(state).cloned() {
            Some(app) if state.accounts.browser.chosen.as_ref() != Some(&app) => {
                choose_app(state, app);
                Vec::new()
            }
            _ => next(state),
        },
        (_, Action::Next) => next(state),
        _ => Vec::new(),
    }
}

fn set_choice(state: &mut WizardState, choice: AccountsChoice) -> Vec<Effect> {
    if state.accounts.choice == choice {
        return Vec::new();
    }
    state.accounts.choice = choice;
    match choice {
        AccountsChoice::Reuse => list_apps(state),
        AccountsChoice::Manual => {
            // The signed-in tenant is the usual answer; the admin may type another.
            let known = state.tenant.as_ref().map(|t| t.tenant_id.clone());
            let manual = &mut state.accounts.manual;
            if let (true, Some(id)) = (manual.tenant.is_empty(), known) {
                manual.tenant.set(id);
            }
            Vec::new()
        }
        AccountsChoice::Automatic => Vec::new(),
    }
}

/// (Re)loads the app browser's list for the current filter; older answers are ignored.
pub(super) fn list_apps(state: &mut WizardState) -> Vec<Effect> {
    let ticket = state.jobs.start(JobKind::Apps);
    state.accounts.browser.apps = Check::Running;
    vec![Effect::ListApps {
        ticket,
        filter: state.accounts.browser.filter.value().trim().to_string(),
    }]
}

pub(super) fn apps_listed(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Vec<AppSummary>, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Apps, ticket) {
        return Vec::new();
    }
    let browser = &mut state.accounts.browser;
    match result {
        Ok(apps) => {
            let chosen_at = browser
                .chosen
                .as_ref()
                .and_then(|c| apps.iter().position(|a| a.client_id == c.client_id));
            browser.selected =
                chosen_at.unwrap_or_else(|| browser.selected.min(apps.len().saturating_sub(1)));
            browser.apps = Check::Done(apps);
        }
        Err(e) => {
            browser.apps = Check::Failed(e.to_string());
            // Without the role to read app registrations (or with the sign-in gone) listing
            // again fails the same way: Sign in, perhaps with another account, is the way on.
            // Anything else (network, throttling) Enter or the filter tries again here.
            if e.kind().needs_another_sign_in() {
                return super::sign_in::again(state, e.to_string());
            }
        }
    }
    Vec::new()
}

fn choose_app(state: &mut WizardState, app: AppSummary) {
    set_info(
        state,
        tf("status.app_chosen", &[("name", app.display_name.as_str())]),
    );
    state.accounts.browser.chosen = Some(app);
}

/// The typed tenant changed: an earlier lookup no longer applies.
pub(super) fn manual_tenant_changed(state: &mut WizardState) {
    if state.jobs.is_running(JobKind::TenantLookup) {
        state.jobs.cancel(JobKind::TenantLookup);
    }
    state.accounts.manual.tenant_lookup = Check::NotChecked;
}

/// Ctrl+L: the tenant ID from the typed domain.
fn lookup_tenant(state: &mut WizardState) -> Vec<Effect> {
    let text = state.accounts.manual.tenant.value().trim().to_string();
    if is_guid(&text) {
        set_info(state, t("status.tenant_is_id"));
        return Vec::new();
    }
    match validate::domain_name(&text) {
        Ok(domain) => {
            let ticket = state.jobs.start(JobKind::TenantLookup);
            state.accounts.manual.tenant_lookup = Check::Running;
            vec![Effect::LookupTenant { ticket, domain }]
        }
        Err(e) => {
            set_error(
                state,
                tf(
                    "status.tenant_lookup_needs_domain",
                    &[("error", e.to_string().as_str())],
                ),
            );
            Vec::new()
        }
    }
}

pub(super) fn tenant_looked_up(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<String, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::TenantLookup, ticket) {
        return Vec::new();
    }
    let manual = &mut state.accounts.manual;
    match result {
        Ok(id) => {
            manual.tenant.set(id.clone());
            manual.tenant_lookup = Check::Done(id);
        }
        Err(e) => {
            let sentence = e.to_string();
            manual.tenant_lookup = Check::Failed(sentence.clone());
            set_error(state, sentence);
        }
    }
    Vec::new()
}

/// Enter: check what the choice needs, then go to Review.
fn next(state: &mut WizardState) -> Vec<Effect> {
    match check(state) {
        Ok(()) => advance(state),
        Err((focus, sentence)) => {
            state.accounts.focus = focus;
            set_error(state, sentence);
            Vec::new()
        }
    }
}

fn check(state: &mut WizardState) -> Result<(), (AccountsFocus, String)> {
    let a = &mut state.accounts;
    validate::secret_months(a.secret_months)
        .map_err(|e| (AccountsFocus::SecretMonths, e.to_string()))?;
    match a.choice {
        AccountsChoice::Automatic => {
            if let Err(e) = validate::app_name(a.app_name.value()) {
                let e = e.to_string();
                a.app_name_error = Some(e.clone());
                return Err((AccountsFocus::AppName, e));
            }
            a.app_name_error = None;
        }
        AccountsChoice::Reuse => {
            if a.browser.chosen.is_none() {
                return Err((
                    AccountsFocus::BrowserFilter,
                    t("status.choose_an_app").to_string(),
                ));
            }
        }
        AccountsChoice::Manual => {
            let m = &a.manual;
            if !is_guid(m.tenant.value()) {
                return Err((
                    AccountsFocus::ManualTenant,
                    t("status.manual_tenant_not_id").to_string(),
                ));
            }
            if !is_guid(m.client_id.value()) {
                return Err((
                    AccountsFocus::ManualClientId,
                    t("status.manual_client_not_id").to_string(),
                ));
            }
            if m.secret.value().trim().is_empty() {
                return Err((
                    AccountsFocus::ManualSecret,
                    t("status.manual_secret_missing").to_string(),
                ));
            }
        }
    }
    Ok(())
}
