//! `exowiz tenant-id DOMAIN`: the tenant ID from the public OpenID document, no sign-in.

use super::{Connection, Exit, Failure};
use exowiz::auth::{self, AuthError};

pub async fn run(connection: &Connection, domain: &str) -> Result<(), Failure> {
    let endpoints = connection.endpoints()?;
    let http = auth::http_client().map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
    match auth::lookup_tenant_id(&http, &endpoints, domain).await {
        Ok(id) => {
            safe_println!("{id}");
            Ok(())
        }
        Err(e @ AuthError::InvalidTenantInput(..)) => Err(Failure::new(Exit::Input, e.to_string())),
        Err(e) => Err(Failure::new(Exit::SignIn, e.to_string())),
    }
}
