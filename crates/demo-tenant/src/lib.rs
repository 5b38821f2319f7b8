//! The demo tenant ("emulator"): a real HTTP server on loopback that answers like
//! `login.microsoftonline.com` (sign-in) and `graph.microsoft.com/v1.0` under one base URL,
//! so that exowiz's real client code can be exercised without a Microsoft tenant.
//!
//! Layout: `server` (router, request log, latency, throttling), `shared` (state shared by all
//! handlers), `state` + `seed` (tenant data, persistence, seeded tenant), `catalog` (Graph and
//! Exchange permissions), `ops` (object construction shared by Graph and consent), `token`
//! (JWT), `errors` (Graph and AADSTS error bodies), `faults` (fault injection), `login/*` (sign-in endpoints), `graph/*`
//! (Graph v1.0 endpoints), `ews` (Exchange Web Services: `GetFolder` for an app-only caller,
//! the tenant's EWS settings), `control` (`/_emulator/*`), `private_file` (owner-only state
//! file). The command `exowiz emulator` that runs it is the binary's (src/cli/emulator.rs).
//!
//! Known differences from the real services (deliberate or unavoidable):
//! - Tokens are HS256 JWTs signed with a per-process key (no JWKS); a restart invalidates
//!   every access and refresh token, also with `--state`.
//! - Duplicate app role assignment: 409 with code `Request_BadRequest` ("Permission being
//!   assigned already exists on the object."); the real status is not documented.
//! - `removePassword` with an unknown keyId: 404 `Request_ResourceNotFound`.
//! - Consent: delegated tokens carry the scopes asked for (the approval page stands for the
//!   user's consent); `.default` yields the granted scopes (or the registration's
//!   `requiredResourceAccess` when nothing was granted yet). Owners, `Application.ReadWrite.OwnedBy`
//!   ownership limits and soft delete are not modelled; of the tenant's app-management policy
//!   only the secrets' `passwordLifetime` is (`app_policy`: seeded at two years, changed with
//!   `POST /_emulator/app-policy`, not through Graph's `/policies/defaultAppManagementPolicy`).
//! - `$filter` supports `eq`, `in`, `startswith`, `any(x:x eq …)`, `and`, `or`; advanced
//!   queries (`ne`, `not`, `endswith`, `$search`, `$expand`) are refused with
//!   `Request_UnsupportedQuery`. `$count` needs `ConsistencyLevel: eventual`.
//! - `$batch` items run sequentially; the request log shows only the outer `$batch` call.
//! - Service principals can only be created for applications of this tenant (no first-party
//!   multi-tenant apps beyond the seeded ones).

mod app_policy;
/// Microsoft's permission lists as the demo tenant serves them; public so that the wizard's
/// unit tests can build the same catalogue the permission picker reads through Graph.
pub mod catalog;
mod control;
mod errors;
mod ews;
mod faults;
mod graph;
mod login;
mod ops;
mod private_file;
mod seed;
mod server;
mod shared;
mod state;
mod token;
mod util;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use ews::settings::{
    EwsSettings, REASON_BLOCKED, REASON_DISABLED, TEAMS_APP_ID, UserAgentPolicy,
};
pub use faults::{Fault, FaultKind};
pub use state::DirectoryRole;
pub use token::peek_claims;

use shared::Shared;

/// The demo tenant's id (Contoso Ltd).
pub const DEMO_TENANT_ID: &str = "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90";

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// TCP port on 127.0.0.1; 0 picks any free port.
    pub port: u16,
    /// Added to every request (before handling), to make concurrency visible.
    pub latency: Duration,
    /// Device codes, authorize and admin consent approve by themselves (as admin@contoso.com).
    pub auto_approve: bool,
    /// A device code is approved this long after it was issued (with `auto_approve`).
    pub auto_approve_delay: Duration,
    /// `interval` in the device code response, seconds.
    pub device_poll_interval: u64,
    /// How long new applications / service principals stay invisible to other calls.
    pub replication_lag: Duration,
    /// Default page size of list endpoints (`$top` may ask for up to 999).
    pub page_size: usize,
    /// Load the tenant from this JSON file (seed if missing) and save after every change.
    pub state_file: Option<PathBuf>,
    /// `expires_in` of device codes (Entra: 900 s).
    pub device_code_lifetime: Duration,
    /// Lifetime of access tokens (Entra: 60–90 min).
    pub token_lifetime: Duration,
    /// An app that calls EWS is put on the tenant's EWS allow list first, as if the admin had
    /// run the allow-list command exowiz hands over (and Exchange's 24-hour cache were done).
    /// Off by default (Exchange Online's answer for a new app: 403); `exowiz demo` turns it on.
    pub ews_allow_new_apps: bool,
    /// The https addresses clients reach the demo tenant at when it sits behind a
    /// TLS-terminating proxy (tests of a company proxy): every absolute URL it hands out
    /// (discovery documents, issuer, device-code page, `@odata.context`, `@odata.nextLink`,
    /// `Location`) and the Graph resource name it accepts in scopes and token audiences use
    /// these instead of `http://127.0.0.1:port/`. `None`: its own loopback address.
    pub public_urls: Option<PublicUrls>,
}

/// Where sign-in and Graph appear to live, e.g. `https://login.exowiz.test/` and
/// `https://graph.exowiz.test/`. Like Microsoft's two hosts, they are two names: sign-in
/// pages and discovery name `login`, Graph links and the Graph resource name `graph`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrls {
    pub login: url::Url,
    pub graph: url::Url,
}

impl PublicUrls {
    /// Both URLs with a trailing slash, so that relative joins keep their path.
    pub fn new(login: url::Url, graph: url::Url) -> Self {
        PublicUrls {
            login: util::with_trailing_slash(login),
            graph: util::with_trailing_slash(graph),
        }
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            port: 0,
            latency: Duration::ZERO,
            auto_approve: true,
            auto_approve_delay: Duration::from_secs(3),
            device_poll_interval: 5,
            replication_lag: Duration::from_secs(2),
            page_size: 100,
            state_file: None,
            device_code_lifetime: Duration::from_secs(900),
            token_lifetime: Duration::from_secs(3600),
            ews_allow_new_apps: false,
            public_urls: None,
        }
    }
}

/// One handled request (control endpoints under `/_emulator/` are not recorded).
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub method: String,
    pub path_and_query: String,
    pub status: u16,
    pub started: Instant,
    pub finished: Instant,
    /// The request body when it was JSON (Graph calls); form bodies are never recorded.
    pub json_body: Option<serde_json::Value>,
}

/// A running emulator.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// Bind 127.0.0.1:`config.port` and start serving.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        let addr = listener.local_addr()?;
        let base = url::Url::parse(&format!("http://127.0.0.1:{}/", addr.port()))
            .map_err(std::io::Error::other)?;
        let tenant = match &config.state_file {
            Some(path) => match state::load(path)? {
                Some(t) => t,
                None => {
                    let t = seed::seed(DEMO_TENANT_ID);
                    state::save(path, &t)?;
                    t
                }
            },
            None => seed::seed(DEMO_TENANT_ID),
        };
        let shared = Arc::new(Shared::new(config, base, tenant));
        let app = server::router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Emulator {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// e.g. `http://127.0.0.1:41234/` (with trailing slash): where it really listens, also
    /// when it answers as [`PublicUrls`].
    pub fn base_url(&self) -> url::Url {
        self.shared.base.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn tenant_id(&self) -> String {
        self.shared.read(|t| t.tenant_id.clone())
    }

    /// Every recorded request, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests()
    }

    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// The next `count` Graph requests get `status` (429 or 503), with `Retry-After` if given.
    pub fn throttle_next(&self, count: usize, status: u16, retry_after_secs: Option<u64>) {
        self.shared.set_throttle(count, status, retry_after_secs);
    }

    /// The next `count` requests `method` whose path contains `path_contains` are carried out,
    /// but the client gets `status` (500, 502, 504) instead of the answer — a gateway that lost
    /// the answer of a write Graph made.
    pub fn lose_answers(&self, method: &str, path_contains: &str, count: usize, status: u16) {
        self.inject(Fault::new(
            method,
            path_contains,
            count,
            FaultKind::StatusAfter { status },
        ));
    }

    /// Plans `fault` for the next matching requests (see [`FaultKind`] for what each does).
    /// Faults are taken in the order planned; a throttled request meets no fault.
    pub fn inject(&self, fault: Fault) {
        self.shared.plan_fault(fault);
    }

    /// Forgets every planned fault (and a planned throttle).
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
        self.shared.set_throttle(0, 429, None);
    }

    /// The planned faults that have not struck yet.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.pending_faults()
    }

    /// The tenant's app-management policy: secrets may live at most `months` (seeded: 24);
    /// a longer `addPassword` is refused with `CredentialInvalidLifetimeAsPerAppPolicy`. The
    /// same setting as `POST /_emulator/app-policy` (`app_policy`).
    pub fn set_secret_lifetime_policy(&self, months: u32) {
        let _ = self.shared.mutate(|t| {
            t.app_policy.password_max_lifetime = Some(format!("P{months}M"));
            Ok::<_, std::convert::Infallible>(())
        });
    }

    /// The tenant's state as JSON (never secret values or their hashes).
    pub fn snapshot(&self) -> serde_json::Value {
        self.shared.read(|t| t.snapshot())
    }

    /// The tenant's EWS settings (`Get-OrganizationConfig` / `Get-CASMailbox` EWS values).
    pub fn ews_settings(&self) -> EwsSettings {
        self.shared.read(|t| t.ews.clone())
    }

    /// Changes the tenant's EWS settings, as `Set-OrganizationConfig` / `Set-CASMailbox` do
    /// (immediately: the demo tenant has no 24-hour cache).
    pub fn set_ews(&self, change: impl FnOnce(&mut EwsSettings)) {
        let _ = self.shared.mutate(|t| {
            change(&mut t.ews);
            Ok::<(), ()>(())
        });
    }

    /// Gives `upn` another directory role (as an admin would in Entra's "Roles and
    /// administrators"); tokens issued afterwards carry it. Panics if there is no such user.
    pub fn set_directory_role(&self, upn: &str, role: DirectoryRole) {
        let found =
            self.shared.mutate(
                |t| match t.users.iter_mut().find(|u| util::eq_ci(u.upn(), upn)) {
                    Some(u) => {
                        u.directory_role = role;
                        Ok(())
                    }
                    None => Err(()),
                },
            );
        assert!(found.is_ok(), "no demo user {upn}");
    }

    /// A delegated Graph access token for `upn` (client: Microsoft Graph Command Line Tools).
    /// `scopes` are short names (`Application.ReadWrite.All`) or full scope URIs of one
    /// resource. Panics if the user does not exist (it is a test helper).
    pub fn issue_token(&self, upn: &str, scopes: &[&str]) -> String {
        login::issue::test_token(&self.shared, upn, scopes)
    }

    /// Stop serving and wait (at most 5 s) for open connections to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
