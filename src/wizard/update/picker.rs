//! The permission picker on Review (custom connector, issue 10.8): opening it reads the
//! catalogue once; ↑/↓ move, Space toggles, Enter makes the chosen permissions the profile's,
//! Esc closes it without changing them.

use super::set_error;
use crate::error::JobError;
use crate::i18n::t;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::picker::CatalogEntry;
use crate::wizard::state::{AccountsChoice, Check, Ticket, WizardState};

/// The profile whose permissions the admin chooses here rather than a manual listing them.
pub fn chooses_permissions(state: &WizardState) -> bool {
    state.profile().id == "custom" && state.accounts.choice != AccountsChoice::Manual
}

/// Opens the picker with what the profile has now; reads the catalogue unless it is there.
pub(super) fn open(state: &mut WizardState) -> Vec<Effect> {
    let picker = &mut state.picker;
    picker.open = true;
    picker.selected = 0;
    // What Review shows is what the picker starts from (Esc last time kept nothing new).
    let current = state.profile().permissions.clone();
    let picker = &mut state.picker;
    if let Check::Done(entries) = &picker.catalog {
        picker.chosen = current
            .iter()
            .filter_map(|p| {
                entries
                    .iter()
                    .find(|e| e.api == p.api && e.kind == p.kind && e.name == p.name)
                    .cloned()
            })
            .collect();
        return Vec::new();
    }
    if matches!(picker.catalog, Check::Running) {
        return Vec::new();
    }
    let ticket = state.jobs.start(JobKind::Catalog);
    state.picker.catalog = Check::Running;
    vec![Effect::LoadPermissionCatalog { ticket }]
}

/// Entering Review for the custom connector with nothing chosen yet: the picker comes first.
pub(super) fn enter_review(state: &mut WizardState) -> Vec<Effect> {
    if chooses_permissions(state) && state.profile().permissions.is_empty() {
        open(state)
    } else {
        state.picker.open = false;
        Vec::new()
    }
}

pub(super) fn loaded(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<Vec<CatalogEntry>, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Catalog, ticket) {
        return Vec::new();
    }
    state.picker.catalog = match result {
        Ok(entries) => Check::Done(entries),
        Err(e) => Check::Failed(e.to_string()),
    };
    state.picker.clamp_selection();
    Vec::new()
}

/// Keys while the picker is open (typing went to the filter already).
pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    let picker = &mut state.picker;
    match action {
        Action::Up => picker.selected = picker.selected.saturating_sub(1),
        Action::Down => {
            picker.selected = picker.selected.saturating_add(1);
            picker.clamp_selection();
        }
        Action::Toggle => picker.toggle_highlighted(),
        Action::Next => return confirm(state),
        _ => {}
    }
    Vec::new()
}

/// Enter: a failed read is tried again; otherwise the chosen permissions become the profile's.
fn confirm(state: &mut WizardState) -> Vec<Effect> {
    match &state.picker.catalog {
        Check::Failed(_) | Check::NotChecked => {
            state.picker.catalog = Check::NotChecked;
            return open(state);
        }
        Check::Running => return Vec::new(),
        Check::Done(_) => {}
    }
    if state.picker.chosen.is_empty() {
        set_error(state, t("picker.choose_one"));
        return Vec::new();
    }
    let permissions = state.picker.permissions();
    let index = state.profile_index;
    if let Some(profile) = state.profiles.get_mut(index) {
        profile.permissions = permissions;
    }
    state.picker.open = false;
    state.review_reason = None;
    Vec::new()
}

/// Esc: closes the picker; what the profile had stays.
pub(super) fn close(state: &mut WizardState) -> Vec<Effect> {
    state.picker.open = false;
    Vec::new()
}
