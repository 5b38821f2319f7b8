//! Everything the wizard's screens show. Plain data: `update` changes it, `ui` draws it.
//! Secrets are `SecretString`s and are never part of `Debug` output.

use super::step::Step;
use super::text_field::TextField;
use crate::domain::MailboxState;
use crate::exchange::ExchangeCommand;
use crate::permissions::PermissionStatus;
use crate::profile::{InstallMode, Profile};
use chrono::{DateTime, Utc};
use secrecy::SecretString;
use std::time::Duration;

use super::jobs::Jobs;
pub use super::jobs::Ticket;

/// How the admin signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethod {
    /// Authorization code + PKCE on a loopback redirect (default where a browser can open).
    Browser,
    /// Device code: works over SSH and without a graphical session.
    DeviceCode,
}

/// What the sign-in step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInPhase {
    /// Choosing the method.
    Choose,
    /// Starting (discovery, listener, device-code request).
    Starting,
    /// Waiting for the browser to come back to the loopback redirect.
    WaitingForBrowser { url: String },
    /// Waiting for the code to be entered at `verification_uri`.
    WaitingForDeviceCode {
        user_code: String,
        verification_uri: String,
        expires_at: DateTime<Utc>,
    },
    /// Signed in; reading the organisation.
    LoadingTenant,
    /// Signed in and the tenant is known.
    SignedIn,
    /// Sign-in failed: a sentence; Enter tries again.
    Failed(String),
}

/// What the executor hands over once the admin is signed in and the organisation is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantInfo {
    pub tenant_id: String,
    pub name: String,
    /// The signed-in account (UPN).
    pub user: String,
    pub default_domain: String,
    pub verified_domains: Vec<String>,
    /// `onPremisesSyncEnabled`: Some(true) hints at a hybrid installation.
    pub directory_sync: Option<bool>,
}

/// A check against the tenant that runs in the background (mailbox, tenant-ID lookup).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Check<T> {
    #[default]
    NotChecked,
    Running,
    Done(T),
    Failed(String),
}

/// One transfer-domain field (fax, sms, vox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainField {
    /// "fax", "sms" or "vox".
    pub kind: String,
    pub field: TextField,
    /// The shorter suggestion derived from the organisation's name.
    pub suggestion: String,
    /// Why the value is invalid, if it is.
    pub error: Option<String>,
}

/// Which input of the transport step has the focus: 0 = mailbox, 1.. = domains in order.
#[derive(Debug, Clone, Default)]
pub struct TransportState {
    pub mailbox: TextField,
    pub mailbox_error: Option<String>,
    pub mailbox_check: Check<MailboxState>,
    pub domains: Vec<DomainField>,
    pub focus: usize,
}

/// How the accounts step gets an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountsChoice {
    /// Create (or complete) the app automatically — the default.
    #[default]
    Automatic,
    /// Pick an existing app in the app browser; a new secret is made for it.
    Reuse,
    /// Type in Tenant ID, Client ID and secret made elsewhere; exowiz only verifies them.
    Manual,
}

/// Which input of the accounts step has the focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountsFocus {
    #[default]
    Choice,
    AppName,
    SecretMonths,
    /// App browser: the filter field (typing filters, Up/Down move in the list).
    BrowserFilter,
    ManualTenant,
    ManualClientId,
    ManualSecret,
}

/// An app registration as the app browser lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSummary {
    pub display_name: String,
    pub client_id: String,
    pub object_id: String,
    /// Latest secret expiry, if the app has secrets.
    pub secret_expires: Option<DateTime<Utc>>,
    /// The profile it is saved with, when exowiz registered (or checked or rotated) it in
    /// this tenant before: such apps are listed first.
    pub saved_for: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AppBrowser {
    pub filter: TextField,
    pub apps: Check<Vec<AppSummary>>,
    pub selected: usize,
    /// The app chosen with Enter.
    pub chosen: Option<AppSummary>,
}

/// IDs typed in by hand (Manual). `Debug` hides the typed secret.
#[derive(Default)]
pub struct ManualIds {
    /// Tenant ID, or a domain to look the ID up from (Ctrl+L).
    pub tenant: TextField,
    pub tenant_lookup: Check<String>,
    pub client_id: TextField,
    /// Typed secret; drawn masked. Kept as a field while typing, moved into a SecretString
    /// when verifying.
    pub secret: TextField,
}

impl std::fmt::Debug for ManualIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualIds")
            .field("tenant", &self.tenant)
            .field("tenant_lookup", &self.tenant_lookup)
            .field("client_id", &self.client_id)
            .field("secret", &"[REDACTED]")
            .finish()
    }
}

#[derive(Debug, Default)]
pub struct AccountsState {
    pub choice: AccountsChoice,
    pub focus: AccountsFocus,
    pub app_name: TextField,
    pub app_name_error: Option<String>,
    pub secret_months: u32,
    pub browser: AppBrowser,
    pub manual: ManualIds,
}

/// The review step's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReviewChoice {
    #[default]
    Proceed,
    Edit,
    Cancel,
}

/// One line of the register step's checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    Pending,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    /// Message-catalogue key of the item's label.
    pub label_key: &'static str,
    pub state: ItemState,
    /// Extra text after the label (e.g. the client ID once created).
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct RegisterState {
    /// Tenant, application, secret, service principal, permissions (in this order).
    pub items: Vec<ChecklistItem>,
    pub error: Option<String>,
}

/// What the registration produced (or, for Manual, what was typed in).
#[derive(Debug)]
pub struct RegisteredApp {
    pub tenant_id: String,
    pub client_id: String,
    pub app_object_id: Option<String>,
    pub service_principal_id: Option<String>,
    pub app_name: String,
    pub created_app: bool,
    pub secret: SecretString,
    pub secret_hint: Option<String>,
    pub secret_end: Option<DateTime<Utc>>,
    pub consent_url: String,
    pub permissions: Vec<PermissionStatus>,
    pub exchange_commands: Vec<ExchangeCommand>,
    pub notes: Vec<String>,
    /// Mailbox, mail domain and transfer domains, for the product's further fields on Done.
    pub inputs: crate::profile::ProductInputs,
}

#[derive(Debug, Clone, Default)]
pub struct ConsentState {
    /// A poll is outstanding (the spinner turns).
    pub polling: bool,
    /// When the last poll answered.
    pub last_polled: Option<DateTime<Utc>>,
    /// Granting from the tool runs.
    pub granting: bool,
    pub error: Option<String>,
    /// The consent link whose answer the loopback listener on this machine learns (with
    /// `redirect_uri=http://localhost:PORT`); `None` while it starts or when it could not:
    /// then the registration's plain link is shown.
    pub listener_link: Option<String>,
    /// Entra's sentence when the admin refused or could not grant in the browser.
    pub refused: Option<String>,
}

/// What the token's roles are compared with (the Verify screen says so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComparedWith {
    /// The application permissions the profile of this product needs (its product name).
    Profile(String),
    /// The application permissions the app itself requests (the `custom` profile).
    AppPermissions,
    /// Not compared: what the app should have could not be worked out (a sentence why).
    Nothing(String),
}

/// Result of checking the new secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Roles in the app-only token, per API display name.
    pub roles: Vec<(String, Vec<String>)>,
    /// Application permissions the profile needs that the token lacks.
    pub missing: Vec<String>,
    pub compared_with: ComparedWith,
    /// How many application permissions were expected in the tokens.
    pub expected_count: usize,
    /// The EWS probe after the roles (EWS profiles only).
    pub ews: Option<crate::ews::EwsProbe>,
}

#[derive(Debug, Clone, Default)]
pub enum VerifyState {
    #[default]
    NotStarted,
    Running,
    Passed(VerifyReport),
    /// A sentence; Enter retries, the admin may still continue to Done.
    Failed(String),
}

/// Which value on the done screen has the focus (for copy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DoneFocus {
    TenantId,
    ClientId,
    #[default]
    Secret,
    /// The n-th of the profile's product fields (one with a value to copy).
    Field(usize),
    /// The n-th Exchange command.
    Command(usize),
}

#[derive(Debug, Clone, Default)]
pub struct DoneState {
    pub revealed: bool,
    pub focus: DoneFocus,
    /// The secret was copied or revealed at least once (quitting before asks first).
    pub secret_handed_over: bool,
    /// The secret was revealed, or the clipboard confirmed the copy: somebody has it. Unlike
    /// `secret_handed_over` not set by a copy still under way (removing the older secrets
    /// waits for this).
    pub secret_seen: bool,
    /// Where `s` saved the Exchange Online commands (a second `s` names it again).
    pub commands_saved_to: Option<std::path::PathBuf>,
}

/// How a value reached the clipboard: the clipboard's own type, which the wizard shows.
pub use crate::clipboard::ClipboardVia;

/// The status line's note while Microsoft Graph makes exowiz wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphWaitNotice {
    /// The latest report: what is waited for and how long is left.
    pub wait: crate::graph::GraphWait,
    /// Ticks since that report. The client reports each second; a notice that is not renewed
    /// belongs to a job that was cancelled mid-wait and goes away.
    pub ticks_since_report: usize,
}

/// The status line's note about the last copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipboardNotice {
    /// What was copied (catalogue key of the value's name, or the product's field name).
    pub label: String,
    pub via: ClipboardVia,
    /// Seconds until a copied secret is cleared from the clipboard (counts down on Tick).
    pub clears_in: Option<u32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

/// One sentence under the screen: what just happened or what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub kind: StatusKind,
    pub text: String,
}

/// Overlays that take the keys until closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Popup {
    Help,
    /// Quit with an unsaved secret or a running job.
    ConfirmQuit,
    /// Grant admin consent from the tool (changes the tenant).
    ConfirmGrant,
    /// Rotate job: remove the older secrets (products still using them stop working).
    ConfirmRemoveOld,
    /// Check job: apply the selected fixes (changes the tenant).
    ConfirmApplyFixes,
    /// New registration: an interrupted run left an app (and maybe unseen secrets) for this
    /// profile in this tenant; continue it, or go back to Welcome.
    ResumeOffer,
}

/// What the wizard does this run (chosen on Welcome).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Job {
    /// Register a new app (the ten steps of the manuals) — the default.
    #[default]
    NewRegistration,
    /// A new client secret for an existing app (`exowiz rotate`).
    RotateSecret,
    /// Compare an existing registration with its profile (`exowiz check`).
    CheckRegistration,
}

impl Job {
    /// All jobs in the order the welcome screen lists them.
    pub const ALL: [Job; 3] = [
        Job::NewRegistration,
        Job::RotateSecret,
        Job::CheckRegistration,
    ];

    /// Message-catalogue key of the job's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Job::NewRegistration => "welcome.job_new",
            Job::RotateSecret => "welcome.job_rotate",
            Job::CheckRegistration => "welcome.job_check",
        }
    }
}

/// The rotate job's app and secrets, as the executor read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSecrets {
    pub display_name: String,
    pub client_id: String,
    /// The tenant the app is in (the signed-in one).
    pub tenant_id: String,
    /// The profile the app is handled with (`jobs::policy::app_profile`): its saved one, else
    /// matched by name and permissions. Verify and Done speak of this product, not of the one
    /// picked on Welcome.
    pub profile_id: String,
    /// Newest first, due and expired ones marked (`rotate::list_secrets`).
    pub secrets: Vec<crate::rotate::SecretInfo>,
    /// The APIs the new secret's token is checked against (`rotate::apis_for`: the app's and
    /// those of `expected`).
    pub apis: Vec<crate::profile::Api>,
    /// Lifetime of a new secret: the product's, else 12 months.
    pub months: u32,
    /// The application permissions the new secret's token should carry
    /// (`check::expected_permissions`); empty when that could not be worked out.
    pub expected: Vec<PermissionStatus>,
    /// Whose permissions `expected` are, or why there are none.
    pub compared_with: ComparedWith,
    /// The EWS probe a new secret gets (`jobs::rotate::OpenApp::ews`: the saved registration's
    /// mailbox for an EWS connector), as for `exowiz rotate`.
    pub ews: crate::jobs::verify::Ews,
    /// What cleaning up after an interrupted rotation removed (secrets nobody had seen), as a
    /// sentence.
    pub cleaned_up: Option<String>,
}

/// A secret the rotate job made. `Debug` hides the value (SecretString).
#[derive(Debug, Clone)]
pub struct CreatedSecret {
    pub key_id: String,
    pub secret: SecretString,
    pub hint: Option<String>,
    pub end: Option<DateTime<Utc>>,
}

/// The rotate job's own state (the app browser is `accounts.browser`).
#[derive(Debug, Default)]
pub struct RotateState {
    pub secrets: Check<AppSecrets>,
    /// Lifetime of the new secret in months (1 to 60, `validate::MAX_SECRET_MONTHS`).
    pub months: u32,
    /// Creating the new secret runs.
    pub creating: bool,
    /// Why creating failed (Enter tries again).
    pub error: Option<String>,
    /// Key ID of the secret this run made.
    pub new_key_id: Option<String>,
    /// Removing the older secrets runs (Done, after the confirmation).
    pub removing: bool,
    /// Key IDs removed so far (Done offers the removal until every older one is gone).
    pub removed: Vec<String>,
}

impl RotateState {
    /// The app's secrets other than the new one that are not removed yet.
    pub fn older_secrets(&self) -> Vec<&crate::rotate::SecretInfo> {
        let Check::Done(app) = &self.secrets else {
            return Vec::new();
        };
        app.secrets
            .iter()
            .filter(|s| Some(&s.key_id) != self.new_key_id.as_ref())
            .filter(|s| !self.removed.contains(&s.key_id))
            .collect()
    }
}

/// The check job's state: the report, which fixes are selected, what applying them did.
#[derive(Debug, Default)]
pub struct CheckState {
    pub report: Check<Box<crate::check::Report>>,
    /// Index into `fixable()` of the highlighted fix.
    pub cursor: usize,
    /// Selected fixes (their numbers).
    pub selected: Vec<crate::check::FixId>,
    /// Applying the selected fixes runs.
    pub applying: bool,
    /// What the last apply did, one sentence per fix (Ok: done, Err: why not).
    pub results: Vec<Result<String, String>>,
}

impl CheckState {
    /// The findings exowiz can repair (in report order): their numbers.
    pub fn fixable(&self) -> Vec<crate::check::FixId> {
        match &self.report {
            Check::Done(report) => report
                .findings
                .iter()
                .filter(|f| f.fix.as_ref().is_some_and(|fix| fix.is_applicable()))
                .filter_map(|f| f.fix_id)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// An interrupted run of the new-registration job for the selected profile, as the journal
/// tells (`store::journal::interrupted`), and whether the admin chose to continue it.
#[derive(Debug, Default)]
pub struct ResumeState {
    /// What the journal said, for `profile` in the signed-in tenant.
    pub found: Check<Option<crate::store::journal::InterruptedRun>>,
    /// The profile id `found` belongs to (the admin may pick another on Welcome).
    pub profile: String,
    /// Run ID of the interrupted run the admin chose to continue.
    pub accepted: Option<String>,
}

impl ResumeState {
    /// The interrupted run of `profile` that waits for an answer (found, not accepted).
    pub fn unanswered(&self, profile: &str) -> Option<&crate::store::journal::InterruptedRun> {
        match &self.found {
            Check::Done(Some(run))
                if self.profile == profile && self.accepted.as_ref() != Some(&run.run_id) =>
            {
                Some(run)
            }
            _ => None,
        }
    }

    /// The interrupted run of `profile` this registration continues.
    pub fn continued(&self, profile: &str) -> Option<&crate::store::journal::InterruptedRun> {
        match &self.found {
            Check::Done(Some(run))
                if self.profile == profile && self.accepted.as_ref() == Some(&run.run_id) =>
            {
                Some(run)
            }
            _ => None,
        }
    }
}

/// What removing the older secrets did: the key IDs removed, and why it stopped early.
#[derive(Debug, Clone)]
pub struct RemovedSecrets {
    pub removed: Vec<String>,
    pub error: Option<crate::error::JobError>,
}

#[derive(Debug)]
pub struct WizardState {
    pub step: Step,
    /// What this run does (Welcome's first choice).
    pub job: Job,
    /// Connector profiles in the manuals' order; the welcome list.
    pub profiles: Vec<Profile>,
    /// Selected profile (index into `profiles`).
    pub profile_index: usize,
    /// The profile the later steps' values were given for (set when leaving Welcome): choosing
    /// another one forgets what does not belong to it (issue 10.7).
    pub values_for: Option<usize>,
    /// Rotate and check: the product exowiz matched the app to (its saved registration, else
    /// the one guess), selected on Welcome when the app was read.
    pub product_matched: Option<String>,
    /// Rotate and check: the product the admin chose on Welcome after seeing the match, which
    /// the jobs then use instead (issue 10.6: the admin can correct the match).
    pub product_correction: Option<String>,
    /// Whether a browser can be opened here (decided at start by the runtime).
    pub browser_available: bool,
    /// Running against the built-in demo tenant.
    pub demo: bool,
    pub sign_in_method: SignInMethod,
    pub sign_in: SignInPhase,
    pub tenant: Option<TenantInfo>,
    pub mode: InstallMode,
    pub transport: TransportState,
    pub accounts: AccountsState,
    pub review: ReviewChoice,
    /// The custom connector's permission picker (on Review).
    pub picker: super::picker::PermissionPicker,
    /// The permission whose whole reason Review shows under the table (↑/↓); none at first.
    pub review_reason: Option<usize>,
    pub register: RegisterState,
    pub app: Option<RegisteredApp>,
    pub consent: ConsentState,
    pub verify: VerifyState,
    pub done: DoneState,
    pub rotate: RotateState,
    pub check: CheckState,
    pub resume: ResumeState,
    /// Saved registrations whose secret expires within the warning window or has expired,
    /// worst first (read offline at start, as `exowiz status` does): Welcome points to the
    /// rotate job.
    pub saved_due: Vec<crate::store::expiry::RegistrationHealth>,
    pub clipboard: Option<ClipboardNotice>,
    /// A wait Microsoft Graph asked for, with the seconds left, while it lasts (issue 14.6).
    pub graph_wait: Option<GraphWaitNotice>,
    pub status: Option<Status>,
    pub popup: Option<Popup>,
    /// The highlighted button of the open dialog, once moved from its default (see `dialog`).
    pub dialog_focus: Option<super::dialog::DialogFocus>,
    /// The terminal's columns and rows as last reported (None until the runtime says: tests
    /// without a terminal). Below `MIN_WIDTH`×`MIN_HEIGHT` the screens cannot be drawn, so the
    /// keys are refused (see `screen_too_small`).
    pub terminal_size: Option<(u16, u16)>,
    /// Spinner frame, advanced by Tick while something runs.
    pub spinner: usize,
    /// The background jobs: each kind's current ticket and whether it runs.
    pub jobs: Jobs,
    pub should_quit: bool,
    /// How long a copied secret stays in the clipboard (`SECRET_CLEAR_AFTER` unless the
    /// runtime sets something else).
    pub secret_clear_after: Duration,
    /// Pause between two reads of the consent status (`CONSENT_POLL_INTERVAL` unless a test
    /// sets something else).
    pub consent_poll_interval: Duration,
}

/// The smallest terminal the screens fit (columns, rows); smaller ones get a clear message
/// instead, and the keys are refused.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Default secret lifetime when a profile says nothing (the portal's recommendation).
pub const DEFAULT_SECRET_MONTHS: u32 = 12;

/// A copied secret is cleared from the clipboard after this long (default of
/// `WizardState::secret_clear_after`).
pub const SECRET_CLEAR_AFTER: Duration = Duration::from_secs(90);

impl WizardState {
    pub fn new(profiles: Vec<Profile>, browser_available: bool, demo: bool) -> Self {
        let secret_months = profiles
            .first()
            .map(|p| p.secret_months)
            .unwrap_or(DEFAULT_SECRET_MONTHS);
        let app_name = profiles
            .first()
            .map(|p| p.default_app_name.clone())
            .unwrap_or_default();
        Self {
            step: Step::Welcome,
            job: Job::default(),
            profiles,
            profile_index: 0,
            values_for: None,
            product_matched: None,
            product_correction: None,
            browser_available,
            demo,
            sign_in_method: if browser_available {
                SignInMethod::Browser
            } else {
                SignInMethod::DeviceCode
            },
            sign_in: SignInPhase::Choose,
            tenant: None,
            mode: InstallMode::CloudOnly,
            transport: TransportState::default(),
            accounts: AccountsState {
                app_name: TextField::new(app_name),
                secret_months,
                ..AccountsState::default()
            },
            review: ReviewChoice::default(),
            picker: Default::default(),
            review_reason: None,
            register: RegisterState::default(),
            app: None,
            consent: ConsentState::default(),
            verify: VerifyState::default(),
            done: DoneState::default(),
            rotate: RotateState::default(),
            check: CheckState::default(),
            resume: ResumeState::default(),
            saved_due: Vec::new(),
            clipboard: None,
            graph_wait: None,
            status: None,
            popup: None,
            dialog_focus: None,
            terminal_size: None,
            spinner: 0,
            jobs: Jobs::default(),
            should_quit: false,
            secret_clear_after: SECRET_CLEAR_AFTER,
            consent_poll_interval: super::update::CONSENT_POLL_INTERVAL,
        }
    }

    /// The terminal is smaller than the screens need: only "the terminal is too small" shows,
    /// so no key may act but quit (an admin must never change what they cannot see).
    pub fn screen_too_small(&self) -> bool {
        self.terminal_size
            .is_some_and(|(width, height)| width < MIN_WIDTH || height < MIN_HEIGHT)
    }

    /// The selected connector profile.
    pub fn profile(&self) -> &Profile {
        &self.profiles[self
            .profile_index
            .min(self.profiles.len().saturating_sub(1))]
    }

    /// True while a background job runs or a countdown is shown: only then does the runtime
    /// send Tick messages (no redraws while the wizard simply waits for input).
    pub fn wants_tick(&self) -> bool {
        let countdown = self
            .clipboard
            .as_ref()
            .is_some_and(|c| c.clears_in.is_some());
        self.jobs.spinner_turns() || countdown || self.graph_wait.is_some()
    }
}
