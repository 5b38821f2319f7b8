//! Everything that can happen to the wizard: terminal input and finished background jobs.
//! Job results carry the ticket of the job that produced them (see `jobs::Jobs`).

use super::state::{
    AppSecrets, AppSummary, ClipboardVia, CreatedSecret, RegisteredApp, RemovedSecrets, TenantInfo,
    Ticket, VerifyReport,
};
use crate::auth::ConsentAnswer;
use crate::browser::BrowserError;
use crate::clipboard::ClipboardError;
use crate::domain::MailboxState;
use crate::error::JobError;
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

/// What granting the missing permissions made: the status of each permission, and a sentence
/// for each grant Microsoft did not make (the others stand).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Granted {
    pub statuses: Vec<PermissionStatus>,
    pub not_granted: Vec<String>,
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
    /// Signed in and the organisation read. Whatever the error's kind, Sign in shows its
    /// sentence and Enter signs in afresh.
    SignedIn {
        ticket: Ticket,
        result: Result<TenantInfo, JobError>,
    },
    /// The error keeps its kind: a sign-in that is gone leads back to Sign in; anything else
    /// only costs the check.
    MailboxChecked {
        ticket: Ticket,
        mailbox: String,
        result: Result<MailboxState, JobError>,
    },
    /// The error keeps its kind: a missing role or a lost sign-in leads back to Sign in.
    AppsListed {
        ticket: Ticket,
        result: Result<Vec<AppSummary>, JobError>,
    },
    /// The permission picker's catalogue (or why it could not be read).
    PermissionCatalogLoaded {
        ticket: Ticket,
        result: Result<Vec<crate::wizard::picker::CatalogEntry>, JobError>,
    },
    /// The tenant ID of a domain; the error's kind tells a domain Entra does not know
    /// (`Input`) from a network failure.
    TenantLookedUp {
        ticket: Ticket,
        result: Result<String, JobError>,
    },
    RegisterProgress {
        ticket: Ticket,
        event: RegisterEvent,
    },
    /// The error keeps its kind: a missing admin role leads back to Sign in.
    Registered {
        ticket: Ticket,
        result: Result<RegisteredApp, JobError>,
    },
    /// Current grant status of each permission.
    ConsentPolled {
        ticket: Ticket,
        result: Result<Vec<PermissionStatus>, JobError>,
    },
    /// The consent listener is open: `Ok(link)` is the consent link with its redirect URI;
    /// `Err` when it could not start (the plain link and polling remain).
    ConsentListening {
        ticket: Ticket,
        result: Result<String, JobError>,
    },
    /// Entra sent the browser back to the listener with the admin's decision (`None`: nothing
    /// came before the listener gave up; polling goes on).
    ConsentAnswered {
        ticket: Ticket,
        answer: Option<ConsentAnswer>,
    },
    ConsentGranted {
        ticket: Ticket,
        result: Result<Granted, JobError>,
    },
    /// The error is why no token came with the new secret.
    Verified {
        ticket: Ticket,
        result: Result<VerifyReport, JobError>,
    },
    SecretsLoaded {
        ticket: Ticket,
        result: Result<AppSecrets, JobError>,
    },
    SecretCreated {
        ticket: Ticket,
        result: Result<CreatedSecret, JobError>,
    },
    OldSecretsRemoved {
        ticket: Ticket,
        result: Result<RemovedSecrets, JobError>,
    },
    Checked {
        ticket: Ticket,
        /// The error keeps its kind: a missing role leads back to Sign in, a network
        /// failure is tried again on the spot.
        result: Result<Box<crate::check::Report>, JobError>,
    },
    FixesApplied {
        ticket: Ticket,
        result: Result<Box<crate::check::Applied>, JobError>,
    },
    /// What an interrupted run left for the profile (None: nothing to continue).
    InterruptedRunFound {
        ticket: Ticket,
        profile: String,
        result: Result<Option<crate::store::journal::InterruptedRun>, JobError>,
    },
    BrowserOpened {
        result: Result<(), BrowserError>,
    },
    /// A value reached the clipboard (or not). `clears_in` is set for secrets.
    Copied {
        label: String,
        result: Result<ClipboardVia, ClipboardError>,
        clears_in: Option<u32>,
    },
    /// The Exchange Online commands were saved (the file's path) or not (the file system's
    /// error).
    CommandsSaved {
        result: Result<std::path::PathBuf, std::io::Error>,
    },
    /// The timed clearing ran: `cleared` is false when the clipboard held something else by then.
    ClipboardCleared {
        label: String,
        cleared: bool,
    },
}
