//! Proving a new secret, for every job that makes one (register in the wizard, rotate in the
//! CLI and the wizard): an app-only token per API, retried while the secret replicates
//! ([`crate::verify::verify_secret`]), its roles compared with the application permissions
//! the app should have.

use std::collections::BTreeSet;
use std::time::Duration;

use secrecy::SecretString;

use crate::endpoints::Endpoints;
use crate::permissions::PermissionStatus;
use crate::profile::Api;
use crate::verify::{self, ApiRoles};

/// What the tokens of a new secret carry.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The roles per API, as the tokens carry them.
    pub roles: Vec<ApiRoles>,
    /// The expected application permissions no token carries (admin consent missing).
    pub missing: Vec<String>,
}

/// Where the secret is checked and how long a new one may take to work.
pub struct Target<'a> {
    pub http: &'a reqwest::Client,
    pub endpoints: &'a Endpoints,
    pub tenant_id: &'a str,
    pub client_id: &'a str,
    pub patience: Duration,
}

/// Gets a token per API of `apis` (Graph alone when none) with `secret`, and compares the
/// roles with `expected`. `Err` is the sentence saying why no token came.
pub async fn secret(
    t: &Target<'_>,
    secret: &SecretString,
    apis: impl IntoIterator<Item = Api>,
    expected: &[PermissionStatus],
) -> Result<Verified, String> {
    let apis: BTreeSet<Api> = verify::apis_to_check(apis);
    let roles = verify::verify_secret(
        t.http,
        t.endpoints,
        t.tenant_id,
        t.client_id,
        secret,
        &apis,
        t.patience,
    )
    .await?;
    let missing = verify::missing_roles(expected, &roles);
    tracing::info!(missing = missing.len(), "verified the new secret");
    Ok(Verified { roles, missing })
}
