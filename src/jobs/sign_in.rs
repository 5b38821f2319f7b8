//! The admin's sign-in, for the CLI and the wizard alike: a token handed in through
//! `EXOWIZ_ACCESS_TOKEN` (read here and nowhere else), else the browser (authorization code +
//! PKCE) or a device code; then the token's tenant, checked against the one asked for. The
//! front-end only shows the prompts ([`Prompt`]) and opens the browser.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::auth::{BrowserSignIn, DeviceCodeFlow, SignInConfig, Tokens};
use crate::browser::BrowserError;
use crate::endpoints::Endpoints;
use crate::error::JobError;
use crate::i18n;

/// The variable that hands exowiz a Graph token obtained elsewhere (`az account
/// get-access-token --resource-type ms-graph`).
pub const ACCESS_TOKEN_VAR: &str = "EXOWIZ_ACCESS_TOKEN";

/// How to sign in interactively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Browser,
    DeviceCode,
}

/// What the admin must see or do while the sign-in waits.
#[derive(Debug, Clone)]
pub enum Prompt {
    /// The browser was (or should have been) opened at `url`.
    Browser { url: String, opened: bool },
    /// The browser could not be opened (`why`); the device code follows.
    BrowserFailed { why: BrowserError },
    DeviceCode {
        user_code: String,
        verification_uri: String,
        expires_at: DateTime<Utc>,
    },
}

/// What a front-end does for the sign-in: open a link, show a prompt.
pub trait Front {
    fn open_browser(&self, url: &str) -> impl Future<Output = Result<(), BrowserError>> + Send;
    fn prompt(&self, prompt: Prompt);
}

/// How the interactive part goes.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub method: Method,
    /// A browser that cannot be opened falls back to the device code (the CLI); otherwise the
    /// link is shown and the browser sign-in waits for whoever opens it (the wizard).
    pub fall_back_to_device_code: bool,
    pub browser_timeout: Duration,
}

/// A successful sign-in.
pub struct SignedIn {
    pub tokens: Tokens,
    pub tenant_id: String,
    /// The account's name, where the token says it.
    pub user: String,
}

/// The token from [`ACCESS_TOKEN_VAR`], if one is set; never for the demo tenant (`demo`): a
/// token from elsewhere belongs to a real tenant, and the demo one signs in itself.
pub fn token_from_environment(demo: bool) -> Option<SecretString> {
    if demo {
        return None;
    }
    std::env::var(ACCESS_TOKEN_VAR)
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| SecretString::from(t.trim().to_string()))
}

/// Signs in: with `handed_in` (a token from the environment) if there is one, else
/// interactively by `plan`; then checks the tenant against `config.tenant` (a GUID there must
/// be the token's tenant).
pub async fn sign_in(
    http: &reqwest::Client,
    config: &SignInConfig,
    handed_in: Option<SecretString>,
    plan: Plan,
    front: &impl Front,
) -> Result<SignedIn, JobError> {
    let tokens = match handed_in {
        Some(token) => accept_token(token, &config.endpoints)?,
        None => interactive(http, config, plan, front).await?,
    };
    signed_in(tokens, &config.tenant)
}

/// A handed-in token, if it is a Graph token for this cloud.
fn accept_token(token: SecretString, endpoints: &Endpoints) -> Result<Tokens, JobError> {
    let tokens = Tokens::from_access_token(token)?;
    if !tokens.claims()?.is_for_graph(endpoints) {
        return Err(JobError::Session(
            i18n::t("executor.token_not_for_graph").to_string(),
        ));
    }
    Ok(tokens)
}

async fn interactive(
    http: &reqwest::Client,
    config: &SignInConfig,
    plan: Plan,
    front: &impl Front,
) -> Result<Tokens, JobError> {
    if plan.method == Method::Browser {
        let pending = BrowserSignIn::start(http, config).await?;
        let url = pending.authorize_url().to_string();
        match front.open_browser(&url).await {
            Ok(()) => {
                front.prompt(Prompt::Browser { url, opened: true });
                return Ok(pending.wait(plan.browser_timeout).await?);
            }
            Err(why) if plan.fall_back_to_device_code => {
                tracing::info!(%why, "sign-in: browser not opened, device code instead");
                front.prompt(Prompt::BrowserFailed { why });
            }
            Err(why) => {
                tracing::info!(%why, "sign-in: browser not opened");
                front.prompt(Prompt::Browser { url, opened: false });
                return Ok(pending.wait(plan.browser_timeout).await?);
            }
        }
    }
    let session = DeviceCodeFlow::start(http, config).await?;
    front.prompt(Prompt::DeviceCode {
        user_code: session.user_code().to_string(),
        verification_uri: session.verification_uri().to_string(),
        expires_at: session.expires_at(),
    });
    Ok(session.poll().await?)
}

/// The tenant and account of `tokens`; a tenant GUID in `wanted` must be the token's.
fn signed_in(tokens: Tokens, wanted: &str) -> Result<SignedIn, JobError> {
    let claims = tokens.claims()?;
    let tenant_id = claims
        .tid
        .clone()
        .ok_or_else(|| JobError::Session(i18n::t("executor.no_tenant_claim").to_string()))?;
    let wanted = wanted.trim();
    if uuid::Uuid::parse_str(wanted).is_ok() && !wanted.eq_ignore_ascii_case(&tenant_id) {
        return Err(JobError::Session(i18n::tf(
            "executor.other_tenant",
            &[("tenant_id", &tenant_id), ("wanted", wanted)],
        )));
    }
    let user = claims.username().unwrap_or_default().to_string();
    Ok(SignedIn {
        tokens,
        tenant_id,
        user,
    })
}
