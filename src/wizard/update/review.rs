//! Review: proceed (register, or verify typed-in IDs), edit (back to Accounts), or cancel.

use super::{go_to, register, verify};
use crate::i18n::t;
use crate::register::{RegisterRequest, RequestError, validate};
use crate::wizard::effect::Effect;
use crate::wizard::keymap::Action;
use crate::wizard::state::{AccountsChoice, Popup, ReviewChoice, WizardState};
use crate::wizard::step::Step;

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    use ReviewChoice::*;
    match action {
        Action::FocusNext => {
            state.review = match state.review {
                Proceed => Edit,
                Edit => Cancel,
                Cancel => Proceed,
            };
            Vec::new()
        }
        Action::FocusPrev => {
            state.review = match state.review {
                Proceed => Cancel,
                Edit => Proceed,
                Cancel => Edit,
            };
            Vec::new()
        }
        Action::Down => {
            let last = state
                .profile()
                .permissions_for(state.mode)
                .len()
                .checked_sub(1);
            state.review_reason = match (state.review_reason, last) {
                (_, None) => None,
                (None, Some(_)) => Some(0),
                (Some(i), Some(last)) => Some((i + 1).min(last)),
            };
            Vec::new()
        }
        Action::Up => {
            state.review_reason = state.review_reason.and_then(|i| i.checked_sub(1));
            Vec::new()
        }
        Action::ChoosePermissions if super::picker::chooses_permissions(state) => {
            super::picker::open(state)
        }
        Action::Next => match state.review {
            // Nothing to register yet: the custom connector's permissions are chosen first.
            Proceed
                if super::picker::chooses_permissions(state)
                    && state.profile().permissions.is_empty() =>
            {
                super::picker::open(state)
            }
            Proceed if state.accounts.choice == AccountsChoice::Manual => {
                verify::start_manual(state)
            }
            Proceed => {
                // The registration would continue an interrupted run: asked first.
                if super::resume::offer_if_due(state) {
                    return Vec::new();
                }
                register::start(state)
            }
            Edit => go_to(state, Step::Accounts),
            Cancel => {
                state.popup = Some(Popup::ConfirmQuit);
                Vec::new()
            }
        },
        _ => Vec::new(),
    }
}

/// Why the Review step cannot start a registration; the `Display` is the status line's sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    /// "Reuse an app" was chosen, but no app was picked in the browser.
    #[error("{}", t("status.choose_an_app"))]
    NoAppChosen,
    /// The request as built does not pass `RegisterRequest::check`.
    #[error(transparent)]
    Request(#[from] RequestError),
}

/// What the Register step will ask the engine for, built from the wizard's state and checked
/// (`RegisterRequest::check`). Consent is never granted by the registration itself: that is
/// the Consent step's explicit `g`.
pub fn register_request(state: &WizardState) -> Result<RegisterRequest, ReviewError> {
    let profile = state.profile().clone();
    let typed = state.transport.mailbox.value();
    let mailbox = (profile.needs_transfer_mailbox
        || (profile.asks_for_mailbox() && !typed.trim().is_empty()))
    .then(|| validate::mailbox(typed).unwrap_or_else(|_| typed.trim().to_string()));
    let transfer_domains = state
        .transport
        .domains
        .iter()
        .filter(|d| profile.transfer_domain_types.contains(&d.kind))
        .map(|d| {
            let typed = d.field.value();
            let name = validate::domain_name(typed).unwrap_or_else(|_| typed.trim().to_string());
            (d.kind.clone(), name)
        })
        .collect();
    let accounts = &state.accounts;
    let (app_name, app_id) = match (accounts.choice, &accounts.browser.chosen) {
        (AccountsChoice::Reuse, Some(app)) => {
            (app.display_name.clone(), Some(app.client_id.clone()))
        }
        (AccountsChoice::Reuse, None) => {
            return Err(ReviewError::NoAppChosen);
        }
        _ => (accounts.app_name.value().trim().to_string(), None),
    };
    let request = RegisterRequest {
        profile,
        mode: state.mode,
        mailbox,
        transfer_domains,
        mail_domain: None,
        app_name,
        secret_months: accounts.secret_months,
        grant_consent: false,
        app_id,
    };
    request.check()?;
    Ok(request)
}
