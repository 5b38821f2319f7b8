//! Renewing a sign-in with its refresh token.

use secrecy::ExposeSecret;

use super::SignInConfig;
use super::discovery::discover;
use super::error::AuthError;
use super::token::Tokens;
use super::transport::{Ctx, host_of, post_form};

/// Gets fresh tokens with the refresh token grant. When `cfg.tenant` is `organizations` or
/// `common`, the user's own tenant (the `tid` claim) is used, as MSAL does. If the answer
/// carries no new refresh token, the old one is kept.
pub async fn refresh(
    http: &reqwest::Client,
    cfg: &SignInConfig,
    tokens: &Tokens,
) -> Result<Tokens, AuthError> {
    let refresh_token = tokens
        .refresh_token
        .as_ref()
        .ok_or(AuthError::NoRefreshToken)?;
    let multi = matches!(
        cfg.tenant.trim().to_ascii_lowercase().as_str(),
        "organizations" | "common"
    );
    let tenant = match tokens.claims().ok().and_then(|c| c.tid) {
        Some(tid) if multi && uuid::Uuid::parse_str(&tid).is_ok() => tid,
        _ => cfg.tenant.clone(),
    };
    let oidc = discover(http, &cfg.endpoints, &tenant).await?;
    let rt = refresh_token.expose_secret();
    let scope = cfg.scope_param();
    let map = post_form(
        http,
        &oidc.token_endpoint,
        &[
            ("client_id", cfg.client_id.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("scope", scope.as_str()),
        ],
        &[rt],
        Ctx {
            client_id: Some(&cfg.client_id),
            tenant: Some(&tenant),
        },
    )
    .await?;
    let mut fresh = Tokens::from_token_response(map, &cfg.scopes, &host_of(&oidc.token_endpoint))?;
    if fresh.refresh_token.is_none() {
        fresh.refresh_token = Some(refresh_token.clone());
    }
    Ok(fresh)
}
