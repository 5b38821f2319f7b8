//! Getting a delegated Graph token for the command line: a token from the environment, the
//! browser (authorization code + PKCE), or a device code where no browser can be opened.

use super::{Connection, Exit, Failure};
use exowiz::auth::{self, AuthError, BrowserSignIn, DeviceCodeFlow, SignInConfig, Tokens};
use exowiz::browser;
use exowiz::endpoints::Endpoints;
use secrecy::SecretString;

/// Signs in (or takes `EXOWIZ_ACCESS_TOKEN`) and returns the tokens and the tenant ID.
/// `device_code` forces the device-code flow (as `--device-code` does).
pub async fn graph_token(
    connection: &Connection,
    endpoints: &Endpoints,
    device_code: bool,
) -> Result<(Tokens, String), Failure> {
    let tokens = match std::env::var("EXOWIZ_ACCESS_TOKEN") {
        Ok(raw) if !raw.trim().is_empty() => from_environment(raw, endpoints)?,
        _ => interactive(connection, endpoints, device_code || connection.device_code).await?,
    };
    let claims = tokens.claims().map_err(sign_in_failure)?;
    let tenant_id = claims.tid.clone().ok_or_else(|| {
        Failure::new(
            Exit::SignIn,
            "The token names no tenant (no tid claim); sign in again.",
        )
    })?;
    if let Some(wanted) = &connection.tenant
        && looks_like_guid(wanted)
        && !wanted.eq_ignore_ascii_case(&tenant_id)
    {
        return Err(Failure::new(
            Exit::SignIn,
            format!(
                "The sign-in belongs to tenant {tenant_id}, not to {wanted}. Sign in with an account of {wanted}."
            ),
        ));
    }
    Ok((tokens, tenant_id))
}

fn from_environment(raw: String, endpoints: &Endpoints) -> Result<Tokens, Failure> {
    let tokens = Tokens::from_access_token(SecretString::from(raw)).map_err(sign_in_failure)?;
    let claims = tokens.claims().map_err(sign_in_failure)?;
    if !claims.is_for_graph(endpoints) {
        return Err(Failure::new(
            Exit::SignIn,
            "EXOWIZ_ACCESS_TOKEN is not a Microsoft Graph token for this cloud. Get one with: az account get-access-token --resource-type ms-graph",
        ));
    }
    Ok(tokens)
}

async fn interactive(
    connection: &Connection,
    endpoints: &Endpoints,
    device_code: bool,
) -> Result<Tokens, Failure> {
    let mut config = SignInConfig::for_registration(endpoints.clone());
    if let Some(tenant) = &connection.tenant {
        config = config.with_tenant(tenant.clone());
    }
    if let Some(client_id) = &connection.client_id {
        config = config.with_client_id(client_id.clone());
    }
    let http = auth::http_client().map_err(sign_in_failure)?;
    if !device_code {
        if let Some(reason) = browser::unavailable_reason() {
            safe_eprintln!(
                "Signing in with a device code: no browser can be opened here ({reason})."
            );
        } else {
            let pending = BrowserSignIn::start(&http, &config)
                .await
                .map_err(sign_in_failure)?;
            let url = pending.authorize_url().to_string();
            match browser::open(&url) {
                Ok(()) => {
                    safe_eprintln!(
                        "Sign in in the browser window that just opened. If none opened, open this link:\n  {url}"
                    );
                    return pending
                        .wait(auth::DEFAULT_BROWSER_TIMEOUT)
                        .await
                        .map_err(sign_in_failure);
                }
                Err(why) => safe_eprintln!("{why} Signing in with a device code instead."),
            }
        }
    }
    let session = DeviceCodeFlow::start(&http, &config)
        .await
        .map_err(sign_in_failure)?;
    let expires = session
        .expires_at()
        .with_timezone(&chrono::Local)
        .format("%H:%M");
    safe_eprintln!(
        "To sign in, open {} in a browser on any device and enter the code\n\n    {}\n\nThe code is valid until {expires}. Enter it only on a Microsoft sign-in page you opened yourself: nobody from support will ever ask you for it.",
        session.verification_uri(),
        session.user_code()
    );
    let tokens = session.poll().await.map_err(sign_in_failure)?;
    safe_eprintln!("Signed in.");
    Ok(tokens)
}

fn sign_in_failure(e: AuthError) -> Failure {
    let exit = match e {
        AuthError::InvalidTenantInput(..) => Exit::Input,
        _ => Exit::SignIn,
    };
    tracing::debug!(detail = %e.detail(), "sign-in failed");
    Failure::new(exit, e.to_string())
}

fn looks_like_guid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok()
}
