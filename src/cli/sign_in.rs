//! The sign-in job's command-line side: prompts on stderr, the system browser, and a device
//! code where no browser can be opened. The job itself (the token from `EXOWIZ_ACCESS_TOKEN`,
//! the flows, the tenant check) is `exowiz::jobs::sign_in`.

use std::sync::atomic::{AtomicBool, Ordering};

use super::{Connection, Exit, Failure};
use exowiz::auth::{self, SignInConfig, Tokens};
use exowiz::browser;
use exowiz::endpoints::Endpoints;
use exowiz::jobs::sign_in::{self as job, Method, Plan, Prompt};

/// Signs in (or takes `EXOWIZ_ACCESS_TOKEN`) and returns the tokens and the tenant ID. The demo
/// tenant (`demo`) signs in with a device code (it approves it itself), never with a token
/// from elsewhere.
pub async fn graph_token(
    connection: &Connection,
    endpoints: &Endpoints,
    demo: bool,
) -> Result<(Tokens, String), Failure> {
    let config = config(connection, endpoints);
    let handed_in = job::token_from_environment(demo);
    let mut method = if demo || connection.device_code {
        Method::DeviceCode
    } else {
        Method::Browser
    };
    if handed_in.is_none()
        && method == Method::Browser
        && let Some(reason) = browser::unavailable_reason()
    {
        safe_eprintln!("Signing in with a device code: no browser can be opened here ({reason}).");
        method = Method::DeviceCode;
    }
    let http = auth::http_client()
        .map_err(|e| Failure::new(Exit::SignIn, exowiz::jobs::JobError::from(e).sentence()))?;
    let plan = Plan {
        method,
        fall_back_to_device_code: true,
        browser_timeout: auth::DEFAULT_BROWSER_TIMEOUT,
    };
    let front = Stderr::default();
    let signed_in = job::sign_in(&http, &config, handed_in, plan, &front).await?;
    if front.device_code.load(Ordering::Relaxed) {
        safe_eprintln!("Signed in.");
    }
    Ok((signed_in.tokens, signed_in.tenant_id))
}

/// Who signs in where, with which public client (`--tenant`, `--client-id`): for the commands
/// and the wizard alike.
pub fn config(connection: &Connection, endpoints: &Endpoints) -> SignInConfig {
    let mut config = SignInConfig::for_registration(endpoints.clone());
    if let Some(tenant) = &connection.tenant {
        config = config.with_tenant(tenant.clone());
    }
    if let Some(client_id) = &connection.client_id {
        config = config.with_client_id(client_id.clone());
    }
    config
}

/// Prompts on stderr (stdout is the command's output).
#[derive(Default)]
struct Stderr {
    /// A device code was shown: "Signed in." follows the sign-in.
    device_code: AtomicBool,
}

impl job::Front for Stderr {
    async fn open_browser(&self, url: &str) -> Result<(), browser::BrowserError> {
        browser::open(url)
    }

    fn prompt(&self, prompt: Prompt) {
        match prompt {
            Prompt::Browser { url, .. } => safe_eprintln!(
                "Sign in in the browser window that just opened. If none opened, open this link:\n  {url}"
            ),
            Prompt::BrowserFailed { why } => {
                safe_eprintln!("{why} Signing in with a device code instead.")
            }
            Prompt::DeviceCode {
                user_code,
                verification_uri,
                expires_at,
            } => {
                self.device_code.store(true, Ordering::Relaxed);
                let expires = expires_at.with_timezone(&chrono::Local).format("%H:%M");
                safe_eprintln!(
                    "To sign in, open {verification_uri} in a browser on any device and enter the code\n\n    {user_code}\n\nThe code is valid until {expires}. Enter it only on a Microsoft sign-in page you opened yourself: nobody from support will ever ask you for it."
                );
            }
        }
    }
}
