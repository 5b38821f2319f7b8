//! State shared by all handlers: configuration, the tenant (behind a std mutex that is never
//! held across an await), the volatile sign-in session, the request log and the throttle plan.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use rand::RngExt;

use super::faults::{Fault, FaultKind};
use super::login::session::Session;
use super::state::{self, Application, ServicePrincipal, Tenant};
use super::util::now_ms;
use super::{EmulatorConfig, RequestRecord};

pub struct Throttle {
    pub remaining: usize,
    pub status: u16,
    pub retry_after: Option<u64>,
}

pub struct Shared {
    pub config: EmulatorConfig,
    /// Base URL with trailing slash.
    pub base: url::Url,
    pub started: Instant,
    /// HMAC key for tokens, random per process.
    pub key: [u8; 32],
    tenant: Mutex<Tenant>,
    pub session: Mutex<Session>,
    log: Mutex<Vec<(u64, RequestRecord)>>,
    seq: AtomicU64,
    throttle: Mutex<Throttle>,
    faults: Mutex<Vec<Fault>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(config: EmulatorConfig, base: url::Url, tenant: Tenant) -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill(&mut key[..]);
        Shared {
            config,
            base,
            started: Instant::now(),
            key,
            tenant: Mutex::new(tenant),
            session: Mutex::new(Session::default()),
            log: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
            throttle: Mutex::new(Throttle {
                remaining: 0,
                status: 429,
                retry_after: None,
            }),
            faults: Mutex::new(Vec::new()),
        }
    }

    /// Where clients reach sign-in, with trailing slash: the public login URL when one is
    /// configured, else `http://127.0.0.1:port/`. Every sign-in URL handed out starts here.
    pub fn login_base(&self) -> &url::Url {
        match &self.config.public_urls {
            Some(p) => &p.login,
            None => &self.base,
        }
    }

    /// Where clients reach Graph (and EWS next to it), with trailing slash: the public Graph
    /// URL when one is configured, else `http://127.0.0.1:port/`.
    pub fn graph_base(&self) -> &url::Url {
        match &self.config.public_urls {
            Some(p) => &p.graph,
            None => &self.base,
        }
    }

    /// The Graph base without trailing slash (`http://127.0.0.1:port`,
    /// `https://graph.exowiz.test`): the demo tenant's own name for Graph as a resource, next
    /// to `https://graph.microsoft.com`. Only the name clients reach it at: behind a proxy the
    /// loopback address is not one of Graph's names, as no address of a client's is at Entra.
    pub fn base_no_slash(&self) -> String {
        self.graph_base().as_str().trim_end_matches('/').to_string()
    }

    /// `{graph base}v1.0/`
    pub fn graph_v1(&self) -> String {
        format!("{}v1.0/", self.graph_base())
    }

    pub fn read<R>(&self, f: impl FnOnce(&Tenant) -> R) -> R {
        f(&lock(&self.tenant))
    }

    /// Change the tenant; when `f` succeeds the state file (if any) is rewritten.
    pub fn mutate<R, E>(&self, f: impl FnOnce(&mut Tenant) -> Result<R, E>) -> Result<R, E> {
        let mut t = lock(&self.tenant);
        let r = f(&mut t)?;
        if let Some(path) = &self.config.state_file
            && let Err(e) = state::save(path, &t)
        {
            tracing::warn!("emulator: cannot save state to {}: {e}", path.display());
        }
        Ok(r)
    }

    pub fn session(&self) -> MutexGuard<'_, Session> {
        lock(&self.session)
    }

    pub fn lag_ms(&self) -> i64 {
        self.config.replication_lag.as_millis() as i64
    }

    /// Replicated yet (visible to reads and references)?
    pub fn app_visible(&self, app: &Application) -> bool {
        super::ops::replicated(app.created_ms, now_ms(), self.lag_ms())
    }

    pub fn sp_visible(&self, sp: &ServicePrincipal) -> bool {
        super::ops::replicated(sp.created_ms, now_ms(), self.lag_ms())
    }

    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::SeqCst)
    }

    pub fn record(&self, seq: u64, rec: RequestRecord) {
        lock(&self.log).push((seq, rec));
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        let mut v: Vec<(u64, RequestRecord)> = lock(&self.log).clone();
        v.sort_by_key(|(s, _)| *s);
        v.into_iter().map(|(_, r)| r).collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.log).clear();
    }

    pub fn set_throttle(&self, count: usize, status: u16, retry_after: Option<u64>) {
        *lock(&self.throttle) = Throttle {
            remaining: count,
            status,
            retry_after,
        };
    }

    pub fn plan_fault(&self, fault: Fault) {
        lock(&self.faults).push(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// The planned faults not used up yet.
    pub fn pending_faults(&self) -> Vec<Fault> {
        lock(&self.faults)
            .iter()
            .filter(|f| f.count > 0)
            .cloned()
            .collect()
    }

    /// The fault the request `method path` meets, if one is planned (first planned first).
    pub fn take_fault(&self, method: &str, path_and_query: &str) -> Option<FaultKind> {
        let mut plans = lock(&self.faults);
        let plan = plans
            .iter_mut()
            .find(|p| p.matches(method, path_and_query))?;
        plan.count -= 1;
        Some(plan.kind)
    }

    /// Take one throttled response if any are planned.
    pub fn take_throttle(&self) -> Option<(u16, Option<u64>)> {
        let mut t = lock(&self.throttle);
        if t.remaining == 0 {
            return None;
        }
        t.remaining -= 1;
        Some((t.status, t.retry_after))
    }
}
