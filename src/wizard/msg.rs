//! Everything that can happen to the wizard: terminal input and finished background jobs.
//! Job results carry the ticket of the job that produced them (see `jobs::Jobs`).

use super::state::{
    AppSecrets, AppSummary, ClipboardVia, CreatedSecret, RegisteredApp, RemovedSecrets, TenantInfo,
    Ticket, VerifyReport,
};
use crate::auth::ConsentAnswer;
use crate::domain::MailboxState;
use crate::graph::GraphWait;
use crate::permissions::PermissionStatus;
use crate::register::RegisterEvent;
use chrono::{DateTime, Utc};
use crossterm::event::KeyEvent;

/// What the sign-in job reports before it finishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInPrompt {
    /// The browser was (or should be) opened at this authorize URL.
    Browser { url: String, opened: bool },
    DeviceCode {
        user_code: String,
        verification_uri: String,
        expires_at: DateTime<Utc>,
    },
}

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Bracketed paste.
    Paste(String),
    /// The terminal's size, at start and after each resize: redraw, and refuse keys while it is
    /// too small for the screens.
    Resize {
        width: u16,
        height: u16,
    },
    /// Spinner / countdown tick; sent only while `WizardState::wants_tick()`.
    Tick,
    /// Microsoft Graph asked to wait before the next try (429/503 `Retry-After`, or the
    /// replication lag after a create): reported when the wait starts, each second, and with
    /// nothing left when it ends. Not tied to a ticket: the session's one Graph client waits
    /// for whichever job is running.
    GraphWaiting {
        wait: GraphWait,
    },
    SignInPrompt {
        ticket: Ticket,
        prompt: SignInPrompt,
    },
    /// Signed in and the organisation read (or a sentence saying why not).
    SignedIn {
        ticket: Ticket,
        result: Result<TenantInfo, String>,
    },
    MailboxChecked {
        ticket: Ticket,
        mailbox: String,
        result: Result<MailboxState, String>,
    },
    /// The error keeps its kind: a missing role or a lost sign-in leads back to Sign in.
    AppsListed {
        ticket: Ticket,
        result: Result<Vec<AppSummary>, crate::error::JobError>,
    },
    /// The permission picker's catalogue (or a sentence why it could not be read).
    PermissionCatalogLoaded {
        ticket: Ticket,
        result: Result<Vec<crate::wizard::picker::CatalogEntry>, String>,
    },
    TenantLookedUp {
        ticket: Ticket,
        result: Result<String, String>,
    },
    RegisterProgress {
        ticket: Ticket,
        event: RegisterEvent,
    },
    Registered {
        ticket: Ticket,
        result: Result<RegisteredApp, String>,
    },
    /// Current grant status of each permission.
    ConsentPolled {
        ticket: Ticket,
        result: Result<Vec<PermissionStatus>, String>,
    },
    /// The consent listener is open: `Ok(link)` is the consent link with its redirect URI;
    /// `Err(sentence)` when it could not start (the plain link and polling remain).
    ConsentListening {
        ticket: Ticket,
        result: Result<String, String>,
    },
    /// Entra sent the browser back to the listener with the admin's decision (`None`: nothing
    /// came before the listener gave up; polling goes on).
    ConsentAnswered {
        ticket: Ticket,
        answer: Option<ConsentAnswer>,
    },
    ConsentGranted {
        ticket: Ticket,
        result: Result<Vec<PermissionStatus>, String>,
    },
    Verified {
        ticket: Ticket,
        result: Result<VerifyReport, String>,
    },
    SecretsLoaded {
        ticket: Ticket,
        result: Result<AppSecrets, crate::error::JobError>,
    },
    SecretCreated {
        ticket: Ticket,
        result: Result<CreatedSecret, crate::error::JobError>,
    },
    OldSecretsRemoved {
        ticket: Ticket,
        result: Result<RemovedSecrets, String>,
    },
    Checked {
        ticket: Ticket,
        /// The error keeps its kind: a missing role leads back to Sign in, a network
        /// failure is tried again on the spot.
        result: Result<Box<crate::check::Report>, crate::error::JobError>,
    },
    FixesApplied {
        ticket: Ticket,
        result: Result<Box<crate::check::Applied>, crate::error::JobError>,
    },
    /// What an interrupted run left for the profile (None: nothing to continue).
    InterruptedRunFound {
        ticket: Ticket,
        profile: String,
        result: Result<Option<crate::store::journal::InterruptedRun>, String>,
    },
    BrowserOpened {
        result: Result<(), String>,
    },
    /// A value reached the clipboard (or not). `clears_in` is set for secrets.
    Copied {
        label: String,
        result: Result<ClipboardVia, String>,
        clears_in: Option<u32>,
    },
    /// The Exchange Online commands were saved (the file's path) or not (the sentence why).
    CommandsSaved {
        result: Result<std::path::PathBuf, String>,
    },
    /// The timed clearing ran: `cleared` is false when the clipboard held something else by then.
    ClipboardCleared {
        label: String,
        cleared: bool,
    },
}
