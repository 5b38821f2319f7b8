//! Register: the live checklist while the engine runs.

use super::{go_to, review, set_error, set_info};
use crate::error::JobError;
use crate::i18n::{t, tf};
use crate::register::RegisterEvent;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::state::{
    ChecklistItem, ItemState, RegisterState, RegisteredApp, Ticket, WizardState,
};
use crate::wizard::step::Step;

const TENANT: usize = 0;
const APPLICATION: usize = 1;
const SECRET: usize = 2;
const SERVICE_PRINCIPAL: usize = 3;
const PERMISSIONS: usize = 4;

/// A fresh checklist: tenant, application, secret, service principal, permissions.
pub fn checklist() -> Vec<ChecklistItem> {
    let item = |label_key: &'static str| ChecklistItem {
        label_key,
        state: ItemState::Pending,
        detail: None,
    };
    vec![
        item("checklist.tenant"),
        item("checklist.application"),
        item("checklist.secret"),
        item("checklist.service_principal"),
        item("checklist.permissions"),
    ]
}

/// The registration runs: started, and neither `Registered` nor a failure has arrived (all
/// items may already be ticked while the engine writes its last answer).
pub(crate) fn running(state: &WizardState) -> bool {
    state.jobs.is_running(JobKind::Register)
}

/// Starts (or restarts) the registration with a fresh ticket and checklist.
pub(super) fn start(state: &mut WizardState) -> Vec<Effect> {
    let request = match review::register_request(state) {
        Ok(r) => r,
        Err(e) => {
            set_error(state, e.to_string());
            return Vec::new();
        }
    };
    let ticket = state.jobs.start(JobKind::Register);
    state.register = RegisterState {
        items: checklist(),
        error: None,
    };
    state.register.items[TENANT].state = ItemState::Running;
    let mut effects = go_to(state, Step::Register);
    effects.push(Effect::Register {
        ticket,
        request: Box::new(request),
    });
    effects
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match action {
        Action::Next if state.register.error.is_some() => start(state),
        Action::Next => {
            set_info(state, t("status.register_running"));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Esc: while the registration runs it cannot be taken back, so nothing happens but a
/// sentence; after a failure, back to Review.
pub(super) fn back(state: &mut WizardState) -> Vec<Effect> {
    if running(state) {
        set_info(state, t("status.register_running_no_back"));
        return Vec::new();
    }
    go_to(state, Step::Review)
}

fn set(state: &mut WizardState, index: usize, item_state: ItemState, detail: Option<String>) {
    if let Some(item) = state.register.items.get_mut(index) {
        item.state = item_state;
        if detail.is_some() {
            item.detail = detail;
        }
    }
}

pub(super) fn progress(
    state: &mut WizardState,
    ticket: Ticket,
    event: RegisterEvent,
) -> Vec<Effect> {
    if !state.jobs.is_current(JobKind::Register, ticket) {
        return Vec::new();
    }
    match event {
        RegisterEvent::CheckingTenant => set(state, TENANT, ItemState::Running, None),
        // The offer to continue was made (or, for a gone app, left out) before Register; the
        // outcome's notes say what became of the interrupted run.
        RegisterEvent::Resuming { .. } => {}
        RegisterEvent::AppFound { client_id } => {
            app_ready(state, "checklist.app_found", &client_id)
        }
        RegisterEvent::AppCreated { client_id } => {
            app_ready(state, "checklist.app_created", &client_id)
        }
        RegisterEvent::AppUpdated => {
            let item = &mut state.register.items[APPLICATION];
            let updated = t("checklist.app_updated");
            item.detail = Some(match item.detail.take() {
                Some(first) => tf(
                    "checklist.detail_and",
                    &[("first", first.as_str()), ("second", updated)],
                ),
                None => updated.to_string(),
            });
        }
        RegisterEvent::SecretCreated => set(state, SECRET, ItemState::Done, None),
        RegisterEvent::ServicePrincipalReady { created } => {
            let key = if created {
                "checklist.sp_created"
            } else {
                "checklist.sp_found"
            };
            set(
                state,
                SERVICE_PRINCIPAL,
                ItemState::Done,
                Some(t(key).into()),
            );
            set(state, PERMISSIONS, ItemState::Running, None);
        }
        RegisterEvent::Granting { count } => {
            let detail = tf("checklist.granting", &[("count", &count.to_string())]);
            set(state, PERMISSIONS, ItemState::Running, Some(detail));
        }
        RegisterEvent::GrantsChecked { granted, total } => {
            let detail = tf(
                "checklist.granted_of",
                &[
                    ("granted", &granted.to_string()),
                    ("total", &total.to_string()),
                ],
            );
            set(state, PERMISSIONS, ItemState::Done, Some(detail));
        }
    }
    Vec::new()
}

/// The app exists: tenant and application done; secret and service principal run (at once).
fn app_ready(state: &mut WizardState, key: &str, client_id: &str) {
    set(state, TENANT, ItemState::Done, None);
    let detail = tf(key, &[("client_id", client_id)]);
    set(state, APPLICATION, ItemState::Done, Some(detail));
    for i in [SECRET, SERVICE_PRINCIPAL] {
        if state.register.items[i].state == ItemState::Pending {
            set(state, i, ItemState::Running, None);
        }
    }
}

pub(super) fn registered(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<RegisteredApp, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Register, ticket) {
        return Vec::new();
    }
    match result {
        Ok(app) => {
            for item in &mut state.register.items {
                item.state = ItemState::Done;
            }
            state.app = Some(app);
            state.done = Default::default();
            state.verify = Default::default();
            go_to(state, Step::Consent)
        }
        Err(e) => {
            let sentence = e.to_string();
            mark_failed(state, sentence.clone());
            // A missing admin role (or a lost sign-in) fails the same way on every retry:
            // Sign in, perhaps with another account, is the way on; the journal offers to
            // continue this run after it. Anything else Enter tries again here.
            if e.kind().needs_another_sign_in() {
                return super::sign_in::again(state, sentence);
            }
            Vec::new()
        }
    }
}

/// The first unfinished item failed, the ones after it stay pending; `sentence` says why.
fn mark_failed(state: &mut WizardState, sentence: String) {
    let mut failed = false;
    for item in &mut state.register.items {
        if matches!(item.state, ItemState::Pending | ItemState::Running) {
            item.state = if failed {
                ItemState::Pending
            } else {
                ItemState::Failed
            };
            failed = true;
        }
    }
    state.register.error = Some(sentence);
}
