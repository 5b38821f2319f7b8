//! Volatile sign-in state: authorization codes, pending authorize / consent requests and device
//! codes. Not persisted (like the real service, a restart invalidates them).

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Authorization codes live at most this long (Entra: about 10 minutes).
pub const AUTH_CODE_LIFETIME: Duration = Duration::from_secs(600);
/// Pending sign-in pages are forgotten after this long.
pub const PENDING_LIFETIME: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone)]
pub struct AuthorizeParams {
    pub tenant: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub scope: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: String,
    pub response_mode: String,
    pub login_hint: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub params: AuthorizeParams,
    pub user_id: String,
    pub issued: Instant,
    pub used: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceState {
    Pending,
    Approved,
    Declined,
    Redeemed,
}

#[derive(Debug, Clone)]
pub struct DeviceCode {
    pub device_code: String,
    pub user_code: String,
    pub client_id: String,
    pub scope: String,
    pub issued: Instant,
    pub expires: Instant,
    /// Current minimum polling interval (grows by 5 s after each `slow_down`).
    pub interval: Duration,
    pub last_poll: Option<Instant>,
    pub state: DeviceState,
    /// Who approved (user object id).
    pub user_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct PendingConsent {
    pub tenant: String,
    pub client_id: String,
    pub redirect_uri: Option<String>,
    pub state: Option<String>,
    pub scope: Option<String>,
    pub v2: bool,
    pub created: Instant,
}

#[derive(Debug, Default)]
pub struct Session {
    pub auth_codes: HashMap<String, AuthCode>,
    pub pending_authorize: HashMap<String, (AuthorizeParams, Instant)>,
    pub device_codes: Vec<DeviceCode>,
    pub pending_consent: HashMap<String, PendingConsent>,
}

impl Session {
    /// Drop everything that expired long ago.
    pub fn prune(&mut self) {
        let now = Instant::now();
        self.auth_codes
            .retain(|_, c| now.duration_since(c.issued) < AUTH_CODE_LIFETIME * 2);
        self.pending_authorize
            .retain(|_, (_, t)| now.duration_since(*t) < PENDING_LIFETIME);
        self.pending_consent
            .retain(|_, c| now.duration_since(c.created) < PENDING_LIFETIME);
        self.device_codes
            .retain(|d| now < d.expires + Duration::from_secs(600));
    }

    pub fn device_by_user_code(&mut self, user_code: &str) -> Option<&mut DeviceCode> {
        let wanted: String = user_code
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase();
        self.device_codes.iter_mut().find(|d| d.user_code == wanted)
    }
}
