//! Client credentials grant: proves that a client secret works. The caller reads
//! `claims().roles` — a token without roles means nothing is granted yet, which is not an
//! error here.

use secrecy::{ExposeSecret, SecretString};

use super::discovery::discover_once;
use super::error::AuthError;
use super::token::Tokens;
use super::transport::{Ctx, host_of, post_form};
use crate::endpoints::Endpoints;

/// Gets an app-only token for `scope` (e.g. `https://graph.microsoft.com/.default`) with a
/// client secret. `tenant` must be the tenant GUID or a verified domain.
pub async fn client_credentials_token(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant: &str,
    client_id: &str,
    secret: &SecretString,
    scope: &str,
) -> Result<Tokens, AuthError> {
    let oidc = discover_once(http, endpoints, tenant).await?;
    let client_id = client_id.trim();
    let secret_value = secret.expose_secret();
    let map = post_form(
        http,
        &oidc.token_endpoint,
        &[
            ("client_id", client_id),
            ("client_secret", secret_value),
            ("scope", scope),
            ("grant_type", "client_credentials"),
        ],
        &[secret_value],
        Ctx {
            client_id: Some(client_id),
            tenant: Some(tenant),
        },
    )
    .await?;
    Tokens::from_token_response(map, &[scope.to_string()], &host_of(&oidc.token_endpoint))
}
