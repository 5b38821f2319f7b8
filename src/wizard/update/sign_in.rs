//! Sign in: choose browser or device code, start, show the prompt, read the organisation.

use super::{advance, go_to, notices, set_info, transport};
use crate::error::JobError;
use crate::i18n::t;
use crate::profile::InstallMode;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::msg::SignInPrompt;
use crate::wizard::state::{SignInMethod, SignInPhase, TenantInfo, Ticket, WizardState};
use crate::wizard::step::Step;
use secrecy::SecretString;

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match (&state.sign_in, action) {
        (
            SignInPhase::Choose | SignInPhase::Failed(_),
            Action::Up | Action::Down | Action::FocusNext | Action::FocusPrev,
        ) => {
            if state.browser_available {
                state.sign_in_method = match state.sign_in_method {
                    SignInMethod::Browser => SignInMethod::DeviceCode,
                    SignInMethod::DeviceCode => SignInMethod::Browser,
                };
            }
            Vec::new()
        }
        (SignInPhase::Choose | SignInPhase::Failed(_), Action::Next) => start(state),
        (SignInPhase::WaitingForBrowser { url }, Action::Copy) => vec![Effect::Copy {
            label: t("copy_label.sign_in_link").to_string(),
            value: SecretString::from(url.clone()),
            clear_after: None,
        }],
        (SignInPhase::WaitingForBrowser { url }, Action::OpenLink) => {
            let url = url.clone();
            notices::open_link(state, url)
        }
        (SignInPhase::WaitingForDeviceCode { user_code, .. }, Action::Copy) => vec![Effect::Copy {
            label: t("copy_label.device_code").to_string(),
            value: SecretString::from(user_code.clone()),
            clear_after: None,
        }],
        (
            SignInPhase::WaitingForDeviceCode {
                verification_uri, ..
            },
            Action::OpenLink,
        ) => {
            let url = verification_uri.clone();
            notices::open_link(state, url)
        }
        (SignInPhase::SignedIn, Action::Next) => {
            // An interrupted run of this profile is answered before anything else.
            if super::resume::offer_if_due(state) {
                return Vec::new();
            }
            advance(state)
        }
        _ => Vec::new(),
    }
}

/// Starts a sign-in with a fresh ticket.
fn start(state: &mut WizardState) -> Vec<Effect> {
    if !state.browser_available {
        state.sign_in_method = SignInMethod::DeviceCode;
    }
    let ticket = state.jobs.start(JobKind::SignIn);
    state.sign_in = SignInPhase::Starting;
    vec![Effect::StartSignIn {
        ticket,
        method: state.sign_in_method,
    }]
}

/// A job was refused for the signed-in account (a role it lacks) or its sign-in ran out:
/// trying again with the same sign-in cannot help, so the wizard goes back to Sign in with the
/// sentence; Enter there signs in afresh, perhaps with another account.
pub(super) fn again(state: &mut WizardState, sentence: String) -> Vec<Effect> {
    state.sign_in = SignInPhase::Failed(sentence);
    go_to(state, Step::SignIn)
}

/// Esc: back to Welcome; a running sign-in is cancelled and its results will be ignored.
pub(super) fn back(state: &mut WizardState) -> Vec<Effect> {
    let mut effects = Vec::new();
    if state.jobs.is_running(JobKind::SignIn) {
        effects.push(Effect::CancelSignIn);
        state.jobs.cancel(JobKind::SignIn);
        state.sign_in = SignInPhase::Choose;
    }
    effects.extend(go_to(state, Step::Welcome));
    effects
}

pub(super) fn prompt(state: &mut WizardState, ticket: Ticket, prompt: SignInPrompt) -> Vec<Effect> {
    if !state.jobs.is_current(JobKind::SignIn, ticket) {
        return Vec::new();
    }
    // From now on the admin has the next move (the browser, the code): nothing to animate.
    state.jobs.waiting_for_admin(JobKind::SignIn);
    state.sign_in = match prompt {
        SignInPrompt::Browser { url, opened } => {
            if !opened {
                set_info(state, t("status.browser_not_opened"));
            }
            SignInPhase::WaitingForBrowser { url }
        }
        SignInPrompt::DeviceCode {
            user_code,
            verification_uri,
            expires_at,
        } => SignInPhase::WaitingForDeviceCode {
            user_code,
            verification_uri,
            expires_at,
        },
    };
    Vec::new()
}

pub(super) fn signed_in(
    state: &mut WizardState,
    ticket: Ticket,
    result: Result<TenantInfo, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::SignIn, ticket) {
        return Vec::new();
    }
    match result {
        Ok(tenant) => {
            state.mode = if tenant.directory_sync == Some(true) {
                InstallMode::Hybrid
            } else {
                InstallMode::CloudOnly
            };
            state.tenant = Some(tenant);
            state.sign_in = SignInPhase::SignedIn;
            transport::prepare(state);
            // A new sign-in may be another tenant: its journal is read afresh.
            state.resume = Default::default();
            super::resume::look(state)
        }
        // Whatever the kind, Sign in is where the way on starts: Enter signs in afresh (after
        // a refusal perhaps with another account, after a network failure simply again).
        Err(e) => {
            state.sign_in = SignInPhase::Failed(e.to_string());
            Vec::new()
        }
    }
}
