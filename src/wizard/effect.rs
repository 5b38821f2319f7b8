//! What the wizard asks the outside world to do. The runtime's executor runs each effect on a
//! tokio task and reports back with a `Msg` carrying the same ticket.

use super::state::{ComparedWith, SignInMethod, Ticket};
use crate::permissions::PermissionStatus;
use crate::profile::Api;
use crate::register::RegisterRequest;
use secrecy::SecretString;
use std::time::Duration;

/// The EWS probe Verify runs after the roles check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EwsCheck {
    /// The profile does not use EWS.
    NotEws,
    /// Open this mailbox's inbox through EWS.
    Mailbox(String),
    /// An EWS profile without a mailbox to open (the screen says the probe was skipped).
    NoMailbox,
}

#[derive(Debug)]
pub enum Effect {
    /// Sign in (reporting `SignInPrompt`), then read the organisation (`SignedIn`).
    StartSignIn {
        ticket: Ticket,
        method: SignInMethod,
    },
    /// Stop a running sign-in (Esc / Back).
    CancelSignIn,
    /// Open a link in the graphical browser (only where one exists); reports `BrowserOpened`.
    OpenBrowser {
        url: String,
    },
    CheckMailbox {
        ticket: Ticket,
        mailbox: String,
    },
    /// Read the permissions Microsoft Graph and Office 365 Exchange Online offer (their service
    /// principals' `appRoles` and `oauth2PermissionScopes`), for the permission picker.
    LoadPermissionCatalog {
        ticket: Ticket,
    },
    /// List app registrations whose name starts with `filter` (empty: all).
    ListApps {
        ticket: Ticket,
        filter: String,
    },
    /// Tenant ID from a domain, no sign-in needed.
    LookupTenant {
        ticket: Ticket,
        domain: String,
    },
    /// Run the registration engine; reports `RegisterProgress` events, then `Registered`.
    Register {
        ticket: Ticket,
        request: Box<RegisterRequest>,
    },
    /// Read the app's grants after `after` (0 for at once); reports `ConsentPolled`.
    PollConsent {
        ticket: Ticket,
        after: Duration,
        service_principal_id: String,
        permissions: Vec<PermissionStatus>,
    },
    /// Open a loopback listener for Entra's answer to the consent link on this machine; reports
    /// `ConsentListening` (the link that carries the listener's redirect URI), then
    /// `ConsentAnswered` once the browser comes back. A new one replaces the running one.
    ListenForConsent {
        ticket: Ticket,
        tenant_id: String,
        client_id: String,
    },
    /// Close the consent listener (the step was left).
    StopConsentListener,
    /// Grant admin consent from the tool (only after the admin confirmed); reports `ConsentGranted`.
    GrantConsent {
        ticket: Ticket,
        service_principal_id: String,
        permissions: Vec<PermissionStatus>,
    },
    /// Get an app-only token with the secret and compare its roles with `expected`
    /// (application permissions, per API; `compared_with` says whose), then probe EWS as
    /// `ews` says; reports `Verified`.
    Verify {
        ticket: Ticket,
        tenant_id: String,
        client_id: String,
        secret: SecretString,
        expected: Vec<PermissionStatus>,
        compared_with: ComparedWith,
        ews: EwsCheck,
    },
    /// Rotate job: read the app with this client ID and its secrets; reports `SecretsLoaded`.
    LoadSecrets {
        ticket: Ticket,
        client_id: String,
        /// The product the admin chose for the app instead of the one exowiz matched
        /// (`WizardState::product_correction`); `None`: the app's own.
        profile: Option<String>,
    },
    /// Rotate job: give the app a new secret lasting `months`, save the registration; reports
    /// `SecretCreated`.
    CreateSecret {
        ticket: Ticket,
        client_id: String,
        months: u32,
        /// As in `LoadSecrets`.
        profile: Option<String>,
    },
    /// Rotate job: an app-only token per API with the new secret, its roles compared with
    /// `expected` (the application permissions of `compared_with`); reports `Verified`.
    VerifyRotated {
        ticket: Ticket,
        tenant_id: String,
        client_id: String,
        secret: SecretString,
        apis: Vec<Api>,
        expected: Vec<PermissionStatus>,
        compared_with: ComparedWith,
        ews: crate::jobs::verify::Ews,
    },
    /// Rotate job: remove `key_ids` from the app, never `keep` (the new secret), save the
    /// registration; reports `OldSecretsRemoved`.
    RemoveOldSecrets {
        ticket: Ticket,
        client_id: String,
        keep: String,
        key_ids: Vec<String>,
    },
    /// Check job: compare the app with its profile, save the registration; reports `Checked`.
    RunCheck {
        ticket: Ticket,
        client_id: String,
        /// As in `LoadSecrets`.
        profile: Option<String>,
    },
    /// Check job: apply the selected fixes of `report`, check again, save; reports
    /// `FixesApplied`.
    ApplyFixes {
        ticket: Ticket,
        report: Box<crate::check::Report>,
        fixes: Vec<crate::check::FixId>,
    },
    /// New registration: read the journal an interrupted run left for `profile` in the
    /// signed-in tenant; reports `InterruptedRunFound`.
    FindInterruptedRun {
        ticket: Ticket,
        profile: String,
    },
    /// Copy to the clipboard; secrets get `clear_after`.
    Copy {
        label: String,
        value: SecretString,
        clear_after: Option<Duration>,
    },
    /// The value of the secret exowiz made for `client_id` was revealed or copied: the
    /// registration journal may forget it (an unshown secret is removed by the next run).
    SecretShown {
        client_id: String,
    },
    /// Save the Exchange Online script (`contents`, ready to write) as `<file_stem>.ps1` in the
    /// current directory, never over a file that is there; reports `CommandsSaved`.
    SaveCommands {
        file_stem: String,
        contents: Vec<u8>,
    },
    /// Leave the wizard (the runtime restores the terminal).
    Quit,
}
