//! Done: Tenant ID, Client ID, secret (masked, reveal, copy) and the Exchange commands.

use super::{request_quit, set_error, set_info};
use crate::exchange::{self, ScriptHeader};
use crate::i18n::{t, tf};
use crate::profile::{FieldValue, ProductField};
use crate::wizard::effect::Effect;
use crate::wizard::keymap::Action;
use crate::wizard::state::{AccountsChoice, DoneFocus, VerifyState, WizardState};
use secrecy::SecretString;

/// The values on the done screen, in focus order: the three IDs, the product's further fields
/// that have a value, the commands.
pub fn focus_order(state: &WizardState) -> Vec<DoneFocus> {
    let commands = state.app.as_ref().map_or(0, |a| a.exchange_commands.len());
    let fields: Vec<DoneFocus> = further_fields(state)
        .into_iter()
        .filter(|(_, _, value)| value.text().is_some())
        .map(|(i, _, _)| DoneFocus::Field(i))
        .collect();
    [DoneFocus::TenantId, DoneFocus::ClientId, DoneFocus::Secret]
        .into_iter()
        .chain(fields)
        .chain((0..commands).map(DoneFocus::Command))
        .collect()
}

/// The product's fields beyond the three IDs (mailbox, domains, fixed settings), with their
/// index in the profile and their value for this app.
pub fn further_fields(state: &WizardState) -> Vec<(usize, &ProductField, FieldValue)> {
    let Some(app) = &state.app else {
        return Vec::new();
    };
    let values = app.inputs.values(&app.tenant_id, &app.client_id);
    state
        .profile()
        .product_fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.source.is_credential())
        .map(|(i, f)| (i, f, f.value_for(&values)))
        .collect()
}

/// Whether the app works yet, and if not, what is missing (issue 10.5): consent for every
/// permission, and a verified secret whose token has every role the product needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// Consent granted and the token's roles verified.
    Works,
    /// One sentence per thing that is missing.
    Missing(Vec<String>),
}

pub fn readiness(state: &WizardState) -> Readiness {
    let Some(app) = &state.app else {
        return Readiness::Missing(vec![t("done.no_app").to_string()]);
    };
    let mut missing = Vec::new();
    // Consent is exowiz's to know only where it registered the app (not for typed-in values).
    if !app.consent_url.is_empty() {
        let not_granted: Vec<&str> = app
            .permissions
            .iter()
            .filter(|p| !p.granted)
            .map(|p| p.name.as_str())
            .collect();
        if !not_granted.is_empty() {
            missing.push(tf(
                "done.missing_consent",
                &[("permissions", &not_granted.join(", "))],
            ));
        }
    }
    match &state.verify {
        VerifyState::Passed(report) if report.missing.is_empty() => {}
        VerifyState::Passed(report) => missing.push(tf(
            "done.missing_roles",
            &[("roles", &report.missing.join(", "))],
        )),
        VerifyState::Failed(sentence) => {
            missing.push(tf("done.verify_failed", &[("error", sentence)]))
        }
        VerifyState::NotStarted | VerifyState::Running => {
            missing.push(t("done.not_verified").to_string())
        }
    }
    if missing.is_empty() {
        Readiness::Works
    } else {
        Readiness::Missing(missing)
    }
}

/// The name a copied value goes by: the product's own field name where it has one.
pub fn copy_label(state: &WizardState, focus: DoneFocus) -> String {
    let fields = &state.profile().fields;
    match focus {
        DoneFocus::TenantId => fields
            .tenant_id
            .clone()
            .unwrap_or_else(|| t("copy_label.tenant_id").to_string()),
        DoneFocus::ClientId => fields.client_id.clone(),
        DoneFocus::Secret => fields.client_secret.clone(),
        DoneFocus::Field(i) => state
            .profile()
            .product_fields
            .get(i)
            .map(|f| f.label_in(crate::i18n::language()))
            .unwrap_or_default(),
        DoneFocus::Command(i) => tf("copy_label.command", &[("n", &(i + 1).to_string())]),
    }
}

/// `SecretShown` for a secret exowiz made (not one the admin typed in).
pub(super) fn secret_shown(state: &WizardState) -> Vec<Effect> {
    match &state.app {
        Some(app) if state.accounts.choice != AccountsChoice::Manual => {
            vec![Effect::SecretShown {
                client_id: app.client_id.clone(),
            }]
        }
        _ => Vec::new(),
    }
}

pub(super) fn enter(state: &mut WizardState) {
    if !focus_order(state).contains(&state.done.focus) {
        state.done.focus = DoneFocus::Secret;
    }
}

fn move_focus(state: &mut WizardState, forward: bool) {
    let list = focus_order(state);
    let at = list
        .iter()
        .position(|f| *f == state.done.focus)
        .unwrap_or(0);
    let next = if forward {
        (at + 1) % list.len()
    } else {
        (at + list.len() - 1) % list.len()
    };
    state.done.focus = list[next];
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match action {
        Action::FocusNext | Action::Down => {
            move_focus(state, true);
            Vec::new()
        }
        Action::FocusPrev | Action::Up => {
            move_focus(state, false);
            Vec::new()
        }
        Action::Copy => copy(state),
        Action::Reveal => {
            state.done.revealed = !state.done.revealed;
            if state.done.revealed {
                state.done.secret_handed_over = true;
                state.done.secret_seen = true;
                return secret_shown(state);
            }
            Vec::new()
        }
        Action::RemoveOld => super::rotate::ask_remove_old(state),
        Action::SaveCommands => save_commands(state),
        Action::Next => request_quit(state),
        _ => Vec::new(),
    }
}

fn copy(state: &mut WizardState) -> Vec<Effect> {
    let focus = state.done.focus;
    let label = copy_label(state, focus);
    let Some(app) = &state.app else {
        return Vec::new();
    };
    let (value, clear_after) = match focus {
        DoneFocus::TenantId => (SecretString::from(app.tenant_id.clone()), None),
        DoneFocus::ClientId => (SecretString::from(app.client_id.clone()), None),
        DoneFocus::Secret => (app.secret.clone(), Some(state.secret_clear_after)),
        DoneFocus::Field(i) => match further_fields(state)
            .into_iter()
            .find(|(at, _, _)| *at == i)
            .and_then(|(_, _, value)| value.text().map(str::to_string))
        {
            Some(text) => (SecretString::from(text), None),
            None => return Vec::new(),
        },
        DoneFocus::Command(i) => match app.exchange_commands.get(i) {
            Some(c) => (SecretString::from(c.command.clone()), None),
            None => return Vec::new(),
        },
    };
    if focus == DoneFocus::Secret {
        state.done.secret_handed_over = true;
    }
    vec![Effect::Copy {
        label,
        value,
        clear_after,
    }]
}

/// `s`: the commands as one script, written by the executor. Once saved, `s` says where again
/// instead of writing a second file.
fn save_commands(state: &mut WizardState) -> Vec<Effect> {
    if let Some(path) = &state.done.commands_saved_to {
        let path = path.display().to_string();
        set_info(state, tf("status.commands_saved", &[("path", &path)]));
        return Vec::new();
    }
    let profile = state.profile();
    let Some(app) = state
        .app
        .as_ref()
        .filter(|a| !a.exchange_commands.is_empty())
    else {
        return Vec::new();
    };
    let header = ScriptHeader {
        product: profile.product_name().to_string(),
        app_name: app.app_name.clone(),
        client_id: app.client_id.clone(),
        tenant_id: Some(app.tenant_id.clone()).filter(|t| !t.is_empty()),
    };
    vec![Effect::SaveCommands {
        file_stem: exchange::file_stem(&profile.id, &app.client_id),
        contents: exchange::script_file(&header, &app.exchange_commands),
    }]
}

/// The executor wrote the script (or could not): the status line says where (or why not).
pub(super) fn commands_saved(
    state: &mut WizardState,
    result: Result<std::path::PathBuf, std::io::Error>,
) -> Vec<Effect> {
    match result {
        Ok(path) => {
            let shown = path.display().to_string();
            set_info(state, tf("status.commands_saved", &[("path", &shown)]));
            state.done.commands_saved_to = Some(path);
        }
        Err(error) => set_error(
            state,
            tf(
                "status.commands_not_saved",
                &[("error", &error.to_string())],
            ),
        ),
    }
    Vec::new()
}
