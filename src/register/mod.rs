//! The registration engine: everything `exowiz register` (and the wizard's Register step)
//! does after sign-in. No terminal, no prompts: input is a `RegisterRequest`, progress goes to a
//! callback, the result is a `RegisterOutcome`. What the app asks for and what the tenant has
//! granted it is [`crate::permissions`].
//!
//! [`run::register`] is the orchestration, one named step after another; each step is a file:
//! [`request_check`] (before sign-in), [`tenant`] (round trip 1), [`resume`] (an interrupted
//! run), [`exowiz_apps`] (which app to take up), [`app_shape`] and [`app_step`] (round trip
//! 2), [`secret_step`] with [`lost_answer`] (round trip 3), [`save`], [`grant_step`] (round
//! trip 4) and [`notes`].

mod app_shape;
mod app_step;
mod context;
mod event;
pub mod exowiz_apps;
pub mod gone;
mod grant_step;
mod lost_answer;
mod mailbox_and_domains;
mod notes;
mod request_check;
mod resume;
pub mod run;
mod save;
mod secret_step;
mod tenant;
#[cfg(test)]
mod test_support;
pub mod validate;

pub use event::RegisterEvent;
pub use request_check::RequestError;
pub use run::register;

use crate::exchange::ExchangeCommand;
use crate::graph::NewSecret;
use crate::permissions::PermissionStatus;
use crate::profile::{InstallMode, Profile};
use crate::store::journal::Journal;
use serde::Serialize;

/// Why a registration failed: the jobs' one error type (`Input` for something the admin typed
/// or chose that does not fit the tenant).
pub type RegisterError = crate::error::JobError;

/// What the admin asked for.
#[derive(Debug, Clone)]
pub struct RegisterRequest {
    pub profile: Profile,
    pub mode: InstallMode,
    /// Transfer / sender mailbox, checked against the tenant when given.
    pub mailbox: Option<String>,
    /// (type, domain), e.g. ("fax", "fax.contoso").
    pub transfer_domains: Vec<(String, String)>,
    /// The mail domain the product asks for (BüroWARE), when the admin picked one; None takes
    /// the tenant's verified default domain.
    pub mail_domain: Option<String>,
    pub app_name: String,
    pub secret_months: u32,
    pub grant_consent: bool,
    /// Reuse this app (client ID) instead of finding or creating one.
    pub app_id: Option<String>,
}

/// What the mailbox check found, for `--json` (`mailbox_check`) and the text output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxCheck {
    /// `mailbox` (licensed), `shared_mailbox` (no licence needed) or `not_checked`. A missing
    /// user or one without a mailbox stops the registration before anything is created.
    pub outcome: &'static str,
    /// One plain sentence: what was found, or why it could not be checked.
    pub detail: String,
}

/// What was registered. The secret is here once; it is never saved.
#[derive(Debug)]
pub struct RegisterOutcome {
    pub tenant_id: String,
    pub tenant_name: String,
    pub client_id: String,
    pub app_object_id: String,
    pub app_name: String,
    pub service_principal_id: String,
    /// False when an existing app was found and completed.
    pub created_app: bool,
    pub secret: NewSecret,
    /// When the secret stops working.
    pub secret_end: chrono::DateTime<chrono::Utc>,
    pub consent_url: String,
    pub permissions: Vec<PermissionStatus>,
    pub mailbox: Option<String>,
    /// `None` when no mailbox was given.
    pub mailbox_check: Option<MailboxCheck>,
    pub transfer_domains: Vec<(String, String)>,
    /// The tenant's mail domain, for products that ask for it (`needs_mail_domain`).
    pub mail_domain: Option<String>,
    pub exchange_commands: Vec<ExchangeCommand>,
    /// Things the admin should know (EWS retirement, unverified GUIDs, missing resources,
    /// an interrupted run that was continued).
    pub notes: Vec<String>,
    /// This run's journal (`None` without a store). `jobs::register::run` takes it into the
    /// secret's `SecretHandOver`, which marks the secret shown and closes the journal once the
    /// value is out; a journal left as it is makes the next run remove the secret, which nobody
    /// has then.
    pub journal: Option<Journal>,
}

impl RegisterOutcome {
    pub fn all_granted(&self) -> bool {
        self.permissions.iter().all(|p| p.granted)
    }

    /// The values the profile's product fields draw from.
    pub fn hand_over_values(&self) -> crate::profile::HandOverValues<'_> {
        crate::profile::HandOverValues {
            tenant_id: &self.tenant_id,
            client_id: &self.client_id,
            mailbox: self.mailbox.as_deref(),
            mail_domain: self.mail_domain.as_deref(),
            transfer_domains: &self.transfer_domains,
        }
    }
}
