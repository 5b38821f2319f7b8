//! Runs the wizard's `Effect`s: each on a tokio task that reports back with a `Msg` carrying the
//! effect's ticket. The executor holds what the effects share: where Microsoft is, how to sign
//! in, the Graph client once signed in, the store of saved registrations and the clipboard.
//!
//! Errors reach the wizard typed (a `JobError` with its kind, the browser's, the clipboard's,
//! the file system's), so it can choose the next step by kind; their `Display` is the sentence
//! the screen shows. A job's technical detail goes to the log file here, once, as the error
//! leaves for the wizard (`JobError::log`). Secrets move through here as `SecretString`s and
//! are never logged.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

use super::app_list;
use crate::auth::{self, SignInConfig, Tokens};
use crate::browser::BrowserError;
use crate::clipboard::{Clipboard, ClipboardError};
use crate::endpoints::Endpoints;
use crate::graph::GraphClient;
use crate::i18n;
use crate::jobs::{self, JobError, SecretHandOver};
use crate::permissions::PermissionStatus;
use crate::profile::PermissionType;
use crate::register::{RegisterEvent, RegisterRequest};
use crate::store::Store;
use crate::store::journal;
use crate::verify::ApiRoles;
use crate::wizard::effect::EwsCheck;
use crate::wizard::msg::{Granted, SignInPrompt};
use crate::wizard::state::{
    AppSummary, ComparedWith, RegisteredApp, SignInMethod, TenantInfo, Ticket, VerifyReport,
};
use crate::wizard::{Effect, Msg};

pub use crate::verify::app_only_scope;

/// Opens a link in the browser. `crate::browser::open` in the program, a stand-in in tests.
pub type BrowserOpener = Arc<dyn Fn(&str) -> Result<(), BrowserError> + Send + Sync>;

/// Renew the admin's Graph token when it expires within this margin.
const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(5);

/// Everything the executor needs to know before the wizard starts.
pub struct ExecutorConfig {
    pub endpoints: Endpoints,
    /// Who signs in where, with which public client and scopes.
    pub sign_in: SignInConfig,
    /// A Graph token from elsewhere (`EXOWIZ_ACCESS_TOKEN`): StartSignIn uses it instead of
    /// signing in interactively.
    pub access_token: Option<SecretString>,
    /// Saved registrations (IDs and dates only), so a re-run finds the app.
    pub store: Option<Store>,
    pub clipboard: Arc<Clipboard>,
    /// How long a copied secret stays on the clipboard; `None` = until something else is
    /// copied. Applies to every `Copy` effect that asks for clearing (`clear_after: Some`).
    pub clear_clipboard_after: Option<Duration>,
    pub open_browser: BrowserOpener,
    /// How long the browser sign-in waits for the browser to come back.
    pub browser_timeout: Duration,
    /// How long Verify keeps trying while a new secret replicates (about a minute in Entra).
    pub verify_patience: Duration,
    /// How long the consent listener waits for the browser before only the polls remain.
    pub consent_listen_timeout: Duration,
    /// Where Done's `s` saves the Exchange Online script; `None`: the current directory, where
    /// the admin started exowiz.
    pub commands_dir: Option<std::path::PathBuf>,
}

impl ExecutorConfig {
    /// Defaults for `endpoints`: sign-in for a registration job, the system browser, secrets
    /// cleared after [`jobs::policy::CLIPBOARD_CLEAR_AFTER`], no store.
    pub fn new(endpoints: Endpoints, clipboard: Arc<Clipboard>) -> Self {
        Self {
            sign_in: SignInConfig::for_registration(endpoints.clone()),
            endpoints,
            access_token: None,
            store: None,
            clipboard,
            clear_clipboard_after: Some(jobs::policy::CLIPBOARD_CLEAR_AFTER),
            open_browser: Arc::new(crate::browser::open),
            browser_timeout: auth::DEFAULT_BROWSER_TIMEOUT,
            verify_patience: crate::verify::DEFAULT_PATIENCE,
            consent_listen_timeout: auth::CONSENT_LISTEN_TIMEOUT,
            commands_dir: None,
        }
    }
}

/// What the event loop does after an effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    Continue,
    Quit,
}

/// The admin's sign-in, once it succeeded.
struct Session {
    graph: GraphClient,
    tenant_id: String,
    tokens: Tokens,
}

/// A copied secret whose clearing timer has not run yet (cleared at exit if still there).
struct PendingClear {
    id: u64,
    value: SecretString,
}

struct Shared {
    config: ExecutorConfig,
    /// Built on first use: reading the system's root certificates takes milliseconds the
    /// first frame should not wait for (a background task reads them at start).
    http: std::sync::OnceLock<reqwest::Client>,
    session: tokio::sync::Mutex<Option<Session>>,
    pending_clears: Mutex<Vec<PendingClear>>,
    /// The secret of the last registration or rotation, until it is shown (`SecretShown`).
    hand_over: Mutex<Option<SecretHandOver>>,
}

/// Runs effects; see the module documentation.
pub struct Executor {
    shared: Arc<Shared>,
    tx: UnboundedSender<Msg>,
    sign_in: Option<AbortHandle>,
    /// The consent link's loopback listener (one at a time; closed when aborted).
    consent_listener: Option<AbortHandle>,
    tasks: Vec<AbortHandle>,
    next_clear_id: u64,
}

impl Executor {
    /// An executor reporting to `tx`. Must be used inside a tokio runtime.
    pub fn new(config: ExecutorConfig, tx: UnboundedSender<Msg>) -> Self {
        // The root certificates are read beside the first frames, not before them.
        tokio::task::spawn_blocking(crate::net::warm_up);
        Self {
            shared: Arc::new(Shared {
                config,
                http: std::sync::OnceLock::new(),
                session: tokio::sync::Mutex::new(None),
                pending_clears: Mutex::new(Vec::new()),
                hand_over: Mutex::new(None),
            }),
            tx,
            sign_in: None,
            consent_listener: None,
            tasks: Vec::new(),
            next_clear_id: 0,
        }
    }

    /// Starts `effect` (never blocks on network or clipboard). `Quit` asks the loop to stop.
    pub fn run(&mut self, effect: Effect) -> Control {
        self.tasks.retain(|t| !t.is_finished());
        match effect {
            Effect::StartSignIn { ticket, method } => {
                self.cancel_sign_in();
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                let task = tokio::spawn(async move {
                    let result = sign_in(&shared, method, ticket, &tx)
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::SignedIn { ticket, result });
                });
                self.sign_in = Some(task.abort_handle());
            }
            Effect::CancelSignIn => self.cancel_sign_in(),
            Effect::OpenBrowser { url } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = open_browser(&shared, url).await;
                    let _ = tx.send(Msg::BrowserOpened { result });
                });
            }
            Effect::CheckMailbox { ticket, mailbox } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = check_mailbox(&shared, mailbox.trim())
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::MailboxChecked {
                        ticket,
                        mailbox,
                        result,
                    });
                });
            }
            Effect::ListApps { ticket, filter } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = list_apps(&shared, filter.trim()).await;
                    if let Err(e) = &result {
                        e.log();
                    }
                    let _ = tx.send(Msg::AppsListed { ticket, result });
                });
            }
            Effect::LoadPermissionCatalog { ticket } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = load_catalog(&shared).await.inspect_err(JobError::log);
                    let _ = tx.send(Msg::PermissionCatalogLoaded { ticket, result });
                });
            }
            Effect::LookupTenant { ticket, domain } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = match shared.http() {
                        Ok(http) => auth::lookup_tenant_id(http, &shared.config.endpoints, &domain)
                            .await
                            .map_err(JobError::from),
                        Err(e) => Err(e),
                    }
                    .inspect_err(JobError::log);
                    let _ = tx.send(Msg::TenantLookedUp { ticket, result });
                });
            }
            Effect::Register { ticket, request } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = run_register(&shared, ticket, &request, &tx)
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::Registered { ticket, result });
                });
            }
            Effect::PollConsent {
                ticket,
                after,
                service_principal_id,
                permissions,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    tokio::time::sleep(after).await;
                    let result = read_grants(&shared, &service_principal_id, &permissions)
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::ConsentPolled { ticket, result });
                });
            }
            Effect::ListenForConsent {
                ticket,
                tenant_id,
                client_id,
            } => {
                self.stop_consent_listener();
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                let task = tokio::spawn(async move {
                    listen_for_consent(&shared, ticket, &tenant_id, &client_id, &tx).await;
                });
                self.consent_listener = Some(task.abort_handle());
            }
            Effect::StopConsentListener => self.stop_consent_listener(),
            Effect::GrantConsent {
                ticket,
                service_principal_id,
                permissions,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = grant(&shared, &service_principal_id, &permissions)
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::ConsentGranted { ticket, result });
                });
            }
            Effect::Verify {
                ticket,
                tenant_id,
                client_id,
                secret,
                expected,
                compared_with,
                ews,
            } => self.spawn_verify(
                ticket,
                VerifyJob {
                    tenant_id,
                    client_id,
                    secret,
                    apis: jobs::verify::application_apis(&expected),
                    expected,
                    compared_with,
                    ews: ews_probe(ews),
                },
            ),
            Effect::LoadSecrets {
                ticket,
                client_id,
                profile,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result =
                        rotate_jobs::load_secrets(&shared, &client_id, profile.as_deref()).await;
                    let _ = tx.send(Msg::SecretsLoaded { ticket, result });
                });
            }
            Effect::CreateSecret {
                ticket,
                client_id,
                months,
                profile,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result =
                        rotate_jobs::create_secret(&shared, &client_id, months, profile.as_deref())
                            .await;
                    let _ = tx.send(Msg::SecretCreated { ticket, result });
                });
            }
            // The same proof as `exowiz rotate`: tokens, roles, and the EWS probe of the saved
            // registration's mailbox for an EWS connector.
            Effect::VerifyRotated {
                ticket,
                tenant_id,
                client_id,
                secret,
                apis,
                expected,
                compared_with,
                ews,
            } => self.spawn_verify(
                ticket,
                VerifyJob {
                    tenant_id,
                    client_id,
                    secret,
                    apis: apis.into_iter().collect(),
                    expected,
                    compared_with,
                    ews,
                },
            ),
            Effect::RemoveOldSecrets {
                ticket,
                client_id,
                keep,
                key_ids,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = rotate_jobs::remove_old(&shared, &client_id, &keep, &key_ids)
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::OldSecretsRemoved { ticket, result });
                });
            }
            Effect::RunCheck {
                ticket,
                client_id,
                profile,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = check_jobs::run(&shared, &client_id, profile.as_deref()).await;
                    let _ = tx.send(Msg::Checked { ticket, result });
                });
            }
            Effect::ApplyFixes {
                ticket,
                report,
                fixes,
            } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = check_jobs::apply(&shared, &report, &fixes).await;
                    let _ = tx.send(Msg::FixesApplied { ticket, result });
                });
            }
            Effect::FindInterruptedRun { ticket, profile } => {
                let (shared, tx) = (self.shared.clone(), self.tx.clone());
                self.spawn(async move {
                    let result = interrupted_run(&shared, &profile)
                        .await
                        .inspect_err(JobError::log);
                    let _ = tx.send(Msg::InterruptedRunFound {
                        ticket,
                        profile,
                        result,
                    });
                });
            }
            Effect::Copy {
                label,
                value,
                clear_after,
            } => self.copy(label, value, clear_after.is_some()),
            // At once, not on a task: a quit right after must not lose it (the next run would
            // remove a secret the admin has).
            Effect::SecretShown { client_id } => self.shared.secret_shown(&client_id),
            Effect::SaveCommands {
                file_stem,
                contents,
            } => {
                let tx = self.tx.clone();
                let dir = self.shared.config.commands_dir.clone();
                self.spawn(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        let dir = match dir {
                            Some(dir) => dir,
                            None => std::env::current_dir()?,
                        };
                        crate::exchange::save::write_in_dir(&dir, &file_stem, &contents)
                    })
                    .await
                    .map_err(std::io::Error::other)
                    .and_then(|r| r);
                    let _ = tx.send(Msg::CommandsSaved { result });
                });
            }
            Effect::Quit => return Control::Quit,
        }
        Control::Continue
    }

    fn spawn(&mut self, future: impl Future<Output = ()> + Send + 'static) {
        self.tasks.push(tokio::spawn(future).abort_handle());
    }

    /// The verify job for a registration's or a rotation's new secret; reports `Verified`.
    fn spawn_verify(&mut self, ticket: Ticket, job: VerifyJob) {
        let (shared, tx) = (self.shared.clone(), self.tx.clone());
        self.spawn(async move {
            let proof = jobs::verify::Proof {
                secret: &job.secret,
                apis: job.apis,
                expected: &job.expected,
                ews: job.ews,
            };
            let result = verify(
                &shared,
                &job.tenant_id,
                &job.client_id,
                proof,
                job.compared_with,
            )
            .await
            .inspect_err(JobError::log);
            let _ = tx.send(Msg::Verified { ticket, result });
        });
    }

    fn cancel_sign_in(&mut self) {
        if let Some(task) = self.sign_in.take() {
            task.abort();
        }
    }

    /// Aborting the task drops the listener's wait, which closes its sockets.
    fn stop_consent_listener(&mut self) {
        if let Some(task) = self.consent_listener.take() {
            task.abort();
        }
    }

    /// Copies on a blocking thread (X11 may take a moment), reports `Copied`, and for a secret
    /// starts the clearing timer, which reports `ClipboardCleared`.
    fn copy(&mut self, label: String, value: SecretString, secret: bool) {
        let clear_after = if secret {
            self.shared.config.clear_clipboard_after
        } else {
            None
        };
        self.next_clear_id += 1;
        let id = self.next_clear_id;
        let (shared, tx) = (self.shared.clone(), self.tx.clone());
        self.spawn(async move {
            let clipboard = shared.config.clipboard.clone();
            let copied = value.clone();
            let result =
                tokio::task::spawn_blocking(move || clipboard.copy(copied.expose_secret()))
                    .await
                    .unwrap_or_else(|e| Err(ClipboardError::Stopped(e.to_string())));
            let clear_after = clear_after.filter(|_| result.is_ok());
            // Known before the wizard hears of the copy, so a quit right after still clears.
            if clear_after.is_some() {
                shared.pending_clears().push(PendingClear {
                    id,
                    value: value.clone(),
                });
            }
            let _ = tx.send(Msg::Copied {
                label: label.clone(),
                result,
                clears_in: clear_after.map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
            });
            let Some(after) = clear_after else {
                return;
            };
            tokio::time::sleep(after).await;
            shared.pending_clears().retain(|p| p.id != id);
            let clipboard = shared.config.clipboard.clone();
            let cleared = tokio::task::spawn_blocking(move || {
                clipboard.clear_if_unchanged(value.expose_secret())
            })
            .await
            .unwrap_or(false);
            let _ = tx.send(Msg::ClipboardCleared { label, cleared });
        });
    }

    /// Stops every running job. A copied secret whose clearing timer has not run yet is
    /// cleared now if the clipboard still holds it: a secret does not outlive the wizard on the
    /// clipboard (on X11 it would vanish with the process anyway).
    pub fn shutdown(&mut self) {
        self.cancel_sign_in();
        self.stop_consent_listener();
        for task in self.tasks.drain(..) {
            task.abort();
        }
        let pending = std::mem::take(&mut *self.shared.pending_clears());
        for p in pending {
            self.shared
                .config
                .clipboard
                .clear_if_unchanged(p.value.expose_secret());
        }
    }
}

impl Drop for Executor {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl Shared {
    /// The one HTTP client for sign-in, tokens and EWS, built the first time a job needs it.
    fn http(&self) -> Result<&reqwest::Client, JobError> {
        if let Some(client) = self.http.get() {
            return Ok(client);
        }
        let client = auth::http_client()?;
        Ok(self.http.get_or_init(|| client))
    }

    /// The secret of the last registration or rotation was shown (when it is `client_id`'s).
    fn secret_shown(&self, client_id: &str) {
        let mut guard = self.hand_over.lock().unwrap_or_else(|p| p.into_inner());
        if guard.as_ref().is_some_and(|h| h.is_for(client_id))
            && let Some(hand_over) = guard.take()
        {
            hand_over.shown();
        }
    }

    /// Keeps a new secret's hand-over until the wizard says it was shown.
    fn await_hand_over(&self, hand_over: SecretHandOver) {
        *self.hand_over.lock().unwrap_or_else(|p| p.into_inner()) = Some(hand_over);
    }

    /// Where the jobs run for this wizard: the signed-in tenant (`graph`, `tenant_id` from
    /// [`Self::graph`]) with the configured endpoints and store.
    fn tenant<'a>(&'a self, graph: &'a GraphClient, tenant_id: &'a str) -> jobs::Tenant<'a> {
        jobs::Tenant {
            graph,
            endpoints: &self.config.endpoints,
            store: self.config.store.as_ref(),
            tenant_id,
        }
    }

    fn pending_clears(&self) -> std::sync::MutexGuard<'_, Vec<PendingClear>> {
        self.pending_clears
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// The Graph client and tenant ID of the sign-in, renewing the token when it is about to
    /// expire; not signed in (any more) is a `Session` error, which leads back to Sign in.
    async fn session(&self) -> Result<(GraphClient, String), JobError> {
        let mut guard = self.session.lock().await;
        let Some(session) = guard.as_mut() else {
            return Err(JobError::Session(
                i18n::t("executor.not_signed_in").to_string(),
            ));
        };
        if session.tokens.expires_within(REFRESH_MARGIN) && session.tokens.refresh_token.is_some() {
            match auth::refresh(self.http()?, &self.config.sign_in, &session.tokens).await {
                Ok(fresh) => {
                    session.graph.set_token(fresh.access_token.clone());
                    session.tokens = fresh;
                    tracing::info!("renewed the Graph token");
                }
                Err(e) => tracing::warn!(detail = %e.detail(), "token renewal failed"),
            }
        }
        Ok((session.graph.clone(), session.tenant_id.clone()))
    }
}

/// Whether `mailbox` has a mailbox in the signed-in tenant.
async fn check_mailbox(
    shared: &Shared,
    mailbox: &str,
) -> Result<crate::domain::MailboxState, JobError> {
    let (graph, _) = shared.session().await?;
    Ok(graph.mailbox_state(mailbox).await?)
}

/// The permission picker's catalogue from the signed-in tenant.
async fn load_catalog(
    shared: &Shared,
) -> Result<Vec<crate::wizard::picker::CatalogEntry>, JobError> {
    let (graph, _) = shared.session().await?;
    Ok(super::permission_catalog::load(&graph).await?)
}

/// The status of each of `permissions` (a consent poll).
async fn read_grants(
    shared: &Shared,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
) -> Result<Vec<PermissionStatus>, JobError> {
    let (graph, _) = shared.session().await?;
    jobs::consent::read(&graph, service_principal_id, permissions).await
}

/// A task that could not finish (it panicked) says so like a browser that failed to open.
async fn open_browser(shared: &Shared, url: String) -> Result<(), BrowserError> {
    let opener = shared.config.open_browser.clone();
    tokio::task::spawn_blocking(move || opener(&url))
        .await
        .unwrap_or_else(|e| Err(BrowserError::Failed(e.to_string())))
}

/// Graph's waits (Retry-After, replication) as `Msg::GraphWaiting`, so the screen counts them
/// down (issue 14.6). A closed channel (the wizard ended) drops the report.
fn wait_reporter(tx: UnboundedSender<Msg>) -> crate::graph::WaitReporter {
    Arc::new(move |wait| {
        let _ = tx.send(Msg::GraphWaiting { wait });
    })
}

/// Opens the consent listener (the consent job's), reports its link, then waits for Entra's
/// answer and reports it; the wizard reads the grants to confirm.
async fn listen_for_consent(
    shared: &Shared,
    ticket: Ticket,
    tenant_id: &str,
    client_id: &str,
    tx: &UnboundedSender<Msg>,
) {
    let listener = match jobs::consent::listen(&shared.config.endpoints, tenant_id, client_id).await
    {
        Ok(listener) => listener,
        Err(e) => {
            e.log();
            let result = Err(e);
            let _ = tx.send(Msg::ConsentListening { ticket, result });
            return;
        }
    };
    let link = listener.consent_url().to_string();
    let _ = tx.send(Msg::ConsentListening {
        ticket,
        result: Ok(link),
    });
    let answer = listener.wait(shared.config.consent_listen_timeout).await;
    let _ = tx.send(Msg::ConsentAnswered { ticket, answer });
}

/// The wizard's side of the sign-in job: the browser through the configured opener, the
/// prompts as `Msg::SignInPrompt`.
struct WizardSignIn<'a> {
    shared: &'a Shared,
    ticket: Ticket,
    tx: &'a UnboundedSender<Msg>,
}

impl jobs::sign_in::Front for WizardSignIn<'_> {
    async fn open_browser(&self, url: &str) -> Result<(), BrowserError> {
        open_browser(self.shared, url.to_string()).await
    }

    fn prompt(&self, prompt: jobs::sign_in::Prompt) {
        let prompt = match prompt {
            jobs::sign_in::Prompt::Browser { url, opened } => SignInPrompt::Browser { url, opened },
            jobs::sign_in::Prompt::DeviceCode {
                user_code,
                verification_uri,
                expires_at,
            } => SignInPrompt::DeviceCode {
                user_code,
                verification_uri,
                expires_at,
            },
            // The wizard does not fall back (its plan says so): the link stays on screen.
            jobs::sign_in::Prompt::BrowserFailed { .. } => return,
        };
        let _ = self.tx.send(Msg::SignInPrompt {
            ticket: self.ticket,
            prompt,
        });
    }
}

/// Signs in (the sign-in job), reports the prompt on the way, then reads the organisation.
async fn sign_in(
    shared: &Shared,
    method: SignInMethod,
    ticket: Ticket,
    tx: &UnboundedSender<Msg>,
) -> Result<TenantInfo, JobError> {
    let config = &shared.config;
    let plan = jobs::sign_in::Plan {
        method: match method {
            SignInMethod::Browser => jobs::sign_in::Method::Browser,
            SignInMethod::DeviceCode => jobs::sign_in::Method::DeviceCode,
        },
        fall_back_to_device_code: false,
        browser_timeout: config.browser_timeout,
    };
    let front = WizardSignIn { shared, ticket, tx };
    let jobs::sign_in::SignedIn {
        tokens,
        tenant_id,
        user,
    } = jobs::sign_in::sign_in(
        shared.http()?,
        &config.sign_in,
        config.access_token.clone(),
        plan,
        &front,
    )
    .await?;
    let graph = GraphClient::new(&config.endpoints, tokens.access_token.clone())
        .with_wait_reporter(wait_reporter(tx.clone()));
    let org = graph.organization().await?;
    let default_domain = org.default_domain().unwrap_or_default().to_string();
    let info = TenantInfo {
        tenant_id: tenant_id.clone(),
        name: org
            .display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| {
                if default_domain.is_empty() {
                    tenant_id.clone()
                } else {
                    default_domain.clone()
                }
            }),
        user,
        default_domain,
        verified_domains: org
            .verified_domains
            .iter()
            .map(|d| d.name.clone())
            .collect(),
        directory_sync: org.on_premises_sync_enabled,
    };
    tracing::info!(tenant = %tenant_id, "signed in");
    *shared.session.lock().await = Some(Session {
        graph,
        tenant_id,
        tokens,
    });
    Ok(info)
}

/// The profile the admin chose for an existing app instead of exowiz's match (issue 10.6);
/// an id no profile has (none can be chosen on Welcome) is no correction.
fn corrected(profile: Option<&str>) -> Option<crate::profile::Profile> {
    profile.and_then(|id| crate::profile::by_id(id).ok())
}

/// App registrations whose name starts with `filter`, newest secret expiry included; the ones
/// saved for this tenant first (`app_list`). An unreadable store only loses the marks.
async fn list_apps(shared: &Shared, filter: &str) -> Result<Vec<AppSummary>, JobError> {
    let (graph, tenant_id) = shared.session().await?;
    let apps = graph.search_applications(filter).await?;
    let saved = match &shared.config.store {
        Some(store) => store.load().unwrap_or_else(|e| {
            tracing::warn!(error = %e, "saved registrations not readable");
            Vec::new()
        }),
        None => Vec::new(),
    };
    Ok(app_list::saved_first(
        apps.into_iter().map(app_list::summary).collect(),
        &saved,
        &tenant_id,
        shared.config.endpoints.graph.as_str(),
    ))
}

/// What an interrupted registration left for `profile` in the signed-in tenant.
async fn interrupted_run(
    shared: &Shared,
    profile: &str,
) -> Result<Option<journal::InterruptedRun>, JobError> {
    if shared.config.store.is_none() {
        return Ok(None);
    }
    let (graph, tenant_id) = shared.session().await?;
    let t = shared.tenant(&graph, &tenant_id);
    jobs::register::offered(t, profile).await
}

async fn run_register(
    shared: &Shared,
    ticket: Ticket,
    request: &RegisterRequest,
    tx: &UnboundedSender<Msg>,
) -> Result<RegisteredApp, JobError> {
    let (graph, tenant_id) = shared.session().await?;
    let progress = tx.clone();
    let on_event = move |event: RegisterEvent| {
        let _ = progress.send(Msg::RegisterProgress { ticket, event });
    };
    let t = shared.tenant(&graph, &tenant_id);
    let jobs::register::Registered { outcome, hand_over } =
        jobs::register::run(t, request, &on_event).await?;
    shared.await_hand_over(hand_over);
    Ok(RegisteredApp {
        tenant_id: outcome.tenant_id,
        client_id: outcome.client_id,
        app_object_id: Some(outcome.app_object_id),
        service_principal_id: Some(outcome.service_principal_id),
        app_name: outcome.app_name,
        created_app: outcome.created_app,
        secret: outcome.secret.secret_text,
        secret_hint: outcome.secret.hint,
        secret_end: Some(outcome.secret_end),
        consent_url: outcome.consent_url,
        permissions: outcome.permissions,
        inputs: crate::profile::ProductInputs {
            mailbox: outcome.mailbox,
            mail_domain: outcome.mail_domain,
            transfer_domains: outcome.transfer_domains,
        },
        exchange_commands: outcome.exchange_commands,
        notes: outcome.notes,
    })
}

/// Grants what is missing; a sentence for each grant that could not be made (the next
/// consent poll shows what is granted).
async fn grant(
    shared: &Shared,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
) -> Result<Granted, JobError> {
    let (graph, _) = shared.session().await?;
    let (statuses, not_granted) =
        jobs::consent::grant(&graph, service_principal_id, permissions).await?;
    Ok(Granted {
        statuses,
        not_granted,
    })
}

/// What the verify job proves: a new secret of `client_id`, the APIs it needs tokens for, the
/// roles `expected`, and the EWS probe.
struct VerifyJob {
    tenant_id: String,
    client_id: String,
    secret: SecretString,
    apis: std::collections::BTreeSet<crate::profile::Api>,
    expected: Vec<PermissionStatus>,
    compared_with: ComparedWith,
    ews: jobs::verify::Ews,
}

/// The wizard's EWS check after a registration as the verify job's probe.
fn ews_probe(check: EwsCheck) -> jobs::verify::Ews {
    match check {
        EwsCheck::NotEws => jobs::verify::Ews::NotUsed,
        EwsCheck::Mailbox(m) => jobs::verify::Ews::Mailbox(m),
        EwsCheck::NoMailbox => {
            jobs::verify::Ews::NoMailbox(jobs::verify::NoMailbox::NoTransferMailbox)
        }
    }
}

/// Proves a new secret (the verify job, [`jobs::verify`]) and shapes what it found for the
/// Verify screen; no token is the error.
async fn verify(
    shared: &Shared,
    tenant_id: &str,
    client_id: &str,
    proof: jobs::verify::Proof<'_>,
    compared_with: ComparedWith,
) -> Result<VerifyReport, JobError> {
    let target = jobs::verify::Target {
        http: shared.http()?,
        endpoints: &shared.config.endpoints,
        tenant_id,
        client_id,
        patience: shared.config.verify_patience,
    };
    let expected = proof.expected;
    let verified = jobs::verify::run(&target, proof, &|_| {}).await;
    verify_report(verified, expected, compared_with)
}

/// The Verify screen's report: the tokens' roles and the expected application permissions
/// they lack.
fn verify_report(
    verified: jobs::verify::Verified,
    expected: &[PermissionStatus],
    compared_with: ComparedWith,
) -> Result<VerifyReport, JobError> {
    Ok(VerifyReport {
        roles: verified
            .roles?
            .into_iter()
            .map(|ApiRoles { api, roles }| (api.display_name().to_string(), roles))
            .collect(),
        missing: verified.missing,
        compared_with,
        expected_count: expected
            .iter()
            .filter(|p| p.kind == PermissionType::Application)
            .count(),
        ews: verified.ews,
    })
}

/// The wizard's rotate steps: thin calls of the rotate job ([`jobs::rotate`]), their results
/// shaped for the wizard.
mod rotate_jobs {
    use super::{Shared, corrected};
    use crate::jobs::{self, JobError, policy};
    use crate::wizard::state::{AppSecrets, ComparedWith, CreatedSecret, RemovedSecrets};
    use chrono::Utc;

    /// The rotate job on `client_id`, opened in the signed-in tenant.
    async fn open(
        shared: &Shared,
        client_id: &str,
    ) -> Result<(crate::graph::GraphClient, String, jobs::rotate::OpenApp), JobError> {
        let (graph, tenant_id) = shared.session().await?;
        let open = jobs::rotate::open(shared.tenant(&graph, &tenant_id), client_id, true).await?;
        Ok((graph, tenant_id, open))
    }

    /// The errors keep their kind for the wizard; their detail is logged here.
    pub(super) async fn load_secrets(
        shared: &Shared,
        client_id: &str,
        profile: Option<&str>,
    ) -> Result<AppSecrets, JobError> {
        let (graph, tenant_id, mut open) =
            open(shared, client_id).await.inspect_err(JobError::log)?;
        let t = shared.tenant(&graph, &tenant_id);
        // A failure only costs the comparison, never the rotation: it is logged and said.
        let (expected, compared_with) = match open.expect(t, corrected(profile)).await {
            Ok(expected) => {
                let with = if expected.custom {
                    ComparedWith::AppPermissions
                } else {
                    ComparedWith::Profile(expected.product)
                };
                (expected.permissions, with)
            }
            Err(e) => {
                let why = e.sentence();
                tracing::warn!(%why, "the rotated secret's roles will not be compared");
                (Vec::new(), ComparedWith::Nothing(why))
            }
        };
        let months = open.months(None).unwrap_or(crate::rotate::DEFAULT_MONTHS);
        let ews = open.ews(&expected, None);
        let secrets = AppSecrets {
            display_name: open
                .app
                .display_name
                .clone()
                .unwrap_or_else(|| open.app.app_id.clone()),
            client_id: open.app.app_id.clone(),
            tenant_id: tenant_id.clone(),
            profile_id: open.profile_id.clone(),
            secrets: open.secrets(Utc::now(), policy::WARN_DAYS),
            apis: crate::rotate::apis_for(&open.app, &expected)
                .into_iter()
                .collect(),
            months,
            expected,
            compared_with,
            ews,
            cleaned_up: open.cleaned_up.clone(),
        };
        open.close();
        Ok(secrets)
    }

    /// Makes the secret and saves the registration (a failed save is only logged: it serves
    /// `exowiz status`). The hand-over waits for `SecretShown`: a wizard closed before leaves
    /// the secret to be removed by the next rotation.
    pub(super) async fn create_secret(
        shared: &Shared,
        client_id: &str,
        months: u32,
        profile: Option<&str>,
    ) -> Result<CreatedSecret, JobError> {
        let (graph, tenant_id, mut open) =
            open(shared, client_id).await.inspect_err(JobError::log)?;
        let t = shared.tenant(&graph, &tenant_id);
        if let Some(note) = &open.cleaned_up {
            tracing::info!(%note, "cleaned up after an interrupted rotation");
        }
        // The profile as the secrets step decided it, for the description and the saved record.
        if let Err(e) = open.expect(t, corrected(profile)).await {
            tracing::info!(why = %e.sentence(), "profile by the app's name only");
        }
        let (secret, hand_over) = open
            .create_secret(t, months, None)
            .await
            .inspect_err(JobError::log)?;
        shared.await_hand_over(hand_over);
        if let Err(note) = open.save(t, Some(&secret), &[]).await {
            tracing::warn!(%note, "rotation not saved");
        }
        Ok(CreatedSecret {
            key_id: secret.key_id,
            secret: secret.secret_text,
            hint: secret.hint,
            end: secret.end,
        })
    }

    /// Removes `key_ids` (never `keep`), then saves the registration like `exowiz rotate`.
    pub(super) async fn remove_old(
        shared: &Shared,
        client_id: &str,
        keep: &str,
        key_ids: &[String],
    ) -> Result<RemovedSecrets, JobError> {
        let (graph, tenant_id) = shared.session().await?;
        let t = shared.tenant(&graph, &tenant_id);
        let mut open = jobs::rotate::find(t, client_id).await?;
        let removal = open.remove_secrets(t, keep, key_ids).await?;
        if !removal.removed.is_empty()
            && let Err(note) = open.save(t, None, &removal.removed).await
        {
            tracing::warn!(%note, "removal not saved");
        }
        open.close();
        Ok(RemovedSecrets {
            removed: removal.removed,
            error: removal
                .error
                .map(|(_, e)| JobError::from(e))
                .inspect(JobError::log),
        })
    }
}

/// The wizard's check steps: thin calls of the check job ([`jobs::check`]), which saves the
/// registration for `exowiz status` after each check.
mod check_jobs {
    use super::Shared;
    use crate::check::{Applied, CheckRequest, FixId, Report};
    use crate::jobs::{self, JobError};

    /// The error keeps its kind for the wizard; its detail is logged here.
    pub(super) async fn run(
        shared: &Shared,
        client_id: &str,
        profile: Option<&str>,
    ) -> Result<Box<Report>, JobError> {
        let (graph, tenant_id) = shared.session().await.inspect_err(JobError::log)?;
        let request = CheckRequest {
            app_id: client_id.to_string(),
            profile: super::corrected(profile),
            mode: None,
        };
        let t = shared.tenant(&graph, &tenant_id);
        let (report, _) = jobs::check::run(t, &request)
            .await
            .inspect_err(JobError::log)?;
        Ok(Box::new(report))
    }

    pub(super) async fn apply(
        shared: &Shared,
        report: &Report,
        fixes: &[FixId],
    ) -> Result<Box<Applied>, JobError> {
        let (graph, tenant_id) = shared.session().await.inspect_err(JobError::log)?;
        let t = shared.tenant(&graph, &tenant_id);
        let (applied, _) = jobs::check::apply(t, report, fixes)
            .await
            .inspect_err(JobError::log)?;
        Ok(Box::new(applied))
    }
}
