//! Tenant and directory lookups: organization, domains, users (the mailbox check is in
//! `mailbox`).

use super::client::GraphClient;
use super::error::{GraphError, Operation};
use super::model::{Domain, Organization, User};
use super::odata::user_path;

const USER_SELECT: &str = "$select=id,displayName,userPrincipalName,mail,accountEnabled,userType";

impl GraphClient {
    /// `GET /organization`: the signed-in tenant.
    pub async fn organization(&self) -> Result<Organization, GraphError> {
        let op = Operation::ReadOrganization;
        let orgs: Vec<Organization> = self.list(op, "organization").await?;
        orgs.into_iter()
            .next()
            .ok_or_else(|| self.unexpected(op, "Graph returned no organization"))
    }

    /// `GET /domains` (all pages).
    pub async fn domains(&self) -> Result<Vec<Domain>, GraphError> {
        self.list(Operation::ListDomains, "domains").await
    }

    /// `GET /users/{upn-or-id}`; `None` when there is no such user.
    pub async fn user(&self, upn_or_id: &str) -> Result<Option<User>, GraphError> {
        let path = format!("{}?{USER_SELECT}", user_path(upn_or_id));
        self.get_optional(Operation::ReadUser, &path).await
    }
}
