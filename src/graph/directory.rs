//! Tenant and directory lookups: organization, domains, users, mailbox check.

use reqwest::Method;

use super::client::{Call, GraphClient};
use super::error::{GraphError, Operation};
use super::model::{Domain, MailboxState, Organization, User};
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

    /// Whether `upn` has an Exchange Online mailbox, via `GET /users/{upn}/mailboxSettings`.
    ///
    /// * 2xx → `Exists`;
    /// * `MailboxNotEnabledForRESTAPI` → `NoMailbox` (unlicensed, on-premises, guest);
    /// * 404 `Request_ResourceNotFound` / `ResourceNotFound` / `ErrorInvalidUser` → `NoSuchUser`;
    /// * 403 `ErrorAccessDenied` → `Exists`: that code comes from Exchange itself (the signed-in
    ///   admin may not read someone else's mailbox settings, or an application access policy
    ///   blocks it), so the mailbox is there. A 403 from the directory
    ///   (`Authorization_RequestDenied`) is returned as an error.
    pub async fn mailbox_state(&self, upn: &str) -> Result<MailboxState, GraphError> {
        let op = Operation::CheckMailbox;
        let url = self.url(op, &format!("{}/mailboxSettings", user_path(upn)))?;
        let call = Call {
            op,
            method: Method::GET,
            url,
            body: None,
            not_found_is_answer: true,
            create_if_missing: false,
        };
        match self.execute(call).await {
            Ok(_) => Ok(MailboxState::Exists),
            Err(e) if e.has_code("MailboxNotEnabledForRESTAPI") => Ok(MailboxState::NoMailbox),
            Err(e)
                if e.status() == Some(404)
                    && matches!(
                        e.code(),
                        Some("Request_ResourceNotFound" | "ResourceNotFound" | "ErrorInvalidUser")
                    ) =>
            {
                Ok(MailboxState::NoSuchUser)
            }
            Err(e) if e.status() == Some(403) && e.has_code("ErrorAccessDenied") => {
                Ok(MailboxState::Exists)
            }
            Err(e) => Err(e),
        }
    }
}
