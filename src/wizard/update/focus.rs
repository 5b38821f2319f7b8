//! Which text field has the focus, and what happens when its text changes.

use super::{accounts, transport};
use crate::wizard::effect::Effect;
use crate::wizard::state::{AccountsChoice, AccountsFocus, AppSummary, Check, WizardState};
use crate::wizard::step::Step;
use crate::wizard::text_field::TextField;

/// The text fields of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FieldId {
    Mailbox,
    /// Index into `transport.domains`.
    Domain(usize),
    AppName,
    BrowserFilter,
    ManualTenant,
    ManualClientId,
    ManualSecret,
    /// The permission picker's filter (Review, custom connector).
    PermissionFilter,
}

/// The field that has the focus on the current step, if any.
pub(crate) fn focused_id(state: &WizardState) -> Option<FieldId> {
    match state.step {
        Step::Transport => {
            let focus = state.transport.focus;
            if focus == 0 {
                state
                    .profile()
                    .asks_for_mailbox()
                    .then_some(FieldId::Mailbox)
            } else {
                (focus <= state.transport.domains.len()).then_some(FieldId::Domain(focus - 1))
            }
        }
        Step::Accounts => {
            let a = &state.accounts;
            match (a.choice, a.focus) {
                (AccountsChoice::Automatic, AccountsFocus::AppName) => Some(FieldId::AppName),
                (AccountsChoice::Reuse, AccountsFocus::BrowserFilter) => {
                    Some(FieldId::BrowserFilter)
                }
                (AccountsChoice::Manual, AccountsFocus::ManualTenant) => {
                    Some(FieldId::ManualTenant)
                }
                (AccountsChoice::Manual, AccountsFocus::ManualClientId) => {
                    Some(FieldId::ManualClientId)
                }
                (AccountsChoice::Manual, AccountsFocus::ManualSecret) => {
                    Some(FieldId::ManualSecret)
                }
                _ => None,
            }
        }
        Step::App => Some(FieldId::BrowserFilter),
        Step::Review if state.picker.open => Some(FieldId::PermissionFilter),
        _ => None,
    }
}

fn field(state: &WizardState, id: FieldId) -> Option<&TextField> {
    Some(match id {
        FieldId::Mailbox => &state.transport.mailbox,
        FieldId::Domain(i) => &state.transport.domains.get(i)?.field,
        FieldId::AppName => &state.accounts.app_name,
        FieldId::BrowserFilter => &state.accounts.browser.filter,
        FieldId::ManualTenant => &state.accounts.manual.tenant,
        FieldId::ManualClientId => &state.accounts.manual.client_id,
        FieldId::ManualSecret => &state.accounts.manual.secret,
        FieldId::PermissionFilter => &state.picker.filter,
    })
}

fn field_mut(state: &mut WizardState, id: FieldId) -> Option<&mut TextField> {
    Some(match id {
        FieldId::Mailbox => &mut state.transport.mailbox,
        FieldId::Domain(i) => &mut state.transport.domains.get_mut(i)?.field,
        FieldId::AppName => &mut state.accounts.app_name,
        FieldId::BrowserFilter => &mut state.accounts.browser.filter,
        FieldId::ManualTenant => &mut state.accounts.manual.tenant,
        FieldId::ManualClientId => &mut state.accounts.manual.client_id,
        FieldId::ManualSecret => &mut state.accounts.manual.secret,
        FieldId::PermissionFilter => &mut state.picker.filter,
    })
}

/// The text field that has the focus (the screens draw its cursor).
pub fn focused_field(state: &WizardState) -> Option<&TextField> {
    focused_id(state).and_then(|id| field(state, id))
}

/// The app the app browser's list highlights.
pub fn highlighted_app(state: &WizardState) -> Option<&AppSummary> {
    match &state.accounts.browser.apps {
        Check::Done(apps) => apps.get(state.accounts.browser.selected),
        _ => None,
    }
}

/// Applies `f` to the focused field; when its text changed, runs what depends on it (a mailbox
/// check is reset, the app list is reloaded, …).
pub(crate) fn edit(state: &mut WizardState, f: impl FnOnce(&mut TextField)) -> Vec<Effect> {
    let Some(id) = focused_id(state) else {
        return Vec::new();
    };
    let Some(field) = field_mut(state, id) else {
        return Vec::new();
    };
    let before = field.value().to_string();
    f(field);
    if field.value() == before {
        return Vec::new();
    }
    match id {
        FieldId::Mailbox => {
            transport::mailbox_changed(state);
            Vec::new()
        }
        FieldId::Domain(i) => {
            if let Some(d) = state.transport.domains.get_mut(i) {
                d.error = None;
            }
            Vec::new()
        }
        FieldId::AppName => {
            state.accounts.app_name_error = None;
            Vec::new()
        }
        FieldId::BrowserFilter => accounts::list_apps(state),
        FieldId::ManualTenant => {
            accounts::manual_tenant_changed(state);
            Vec::new()
        }
        FieldId::ManualClientId | FieldId::ManualSecret => Vec::new(),
        FieldId::PermissionFilter => {
            state.picker.clamp_selection();
            Vec::new()
        }
    }
}
