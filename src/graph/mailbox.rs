//! The mailbox check: does an address belong to an Exchange Online mailbox?
//!
//! Decided from the user object, which the admin's sign-in (`User.Read.All`, delegated) may
//! read. `GET /users/{id}/mailboxSettings` cannot tell: it needs `MailboxSettings.Read`, and a
//! delegated token reads only the signed-in user's own mailbox settings, so for anyone else it
//! answers 403 `ErrorAccessDenied` whether the mailbox is there or not (Microsoft Graph v1.0,
//! "Get user mailbox settings", permissions table).
//!
//! What the user object shows (Microsoft Graph v1.0, "user resource type"):
//! * `assignedPlans` with service `exchange` and `capabilityStatus` `Enabled`: a licensed
//!   Exchange Online mailbox;
//! * no such plan, but an SMTP address in `proxyAddresses`: a mailbox that needs no licence —
//!   a shared or resource mailbox (the directory does not say which kind of mail recipient it
//!   is; `recipientTypeDetails` is not in v1.0);
//! * neither, or a guest: no Exchange Online mailbox.
//!
//! An address that is not a UPN (an alias or secondary address) is looked up by
//! `proxyAddresses/any(p:p eq 'smtp:…')`, which Graph supports without advanced query
//! parameters (user resource: `proxyAddresses` supports `$filter` `eq` by default).

use serde::Deserialize;

use super::client::GraphClient;
use super::error::{GraphError, Operation};
use super::model::MailboxState;
use super::odata::{filter_query, string_literal, user_path};

const MAILBOX_SELECT: &str =
    "$select=id,userPrincipalName,mail,proxyAddresses,assignedPlans,accountEnabled,userType";

/// The parts of a user object the check reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MailboxUser {
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default, deserialize_with = "super::model::null_as_default")]
    pub proxy_addresses: Vec<String>,
    #[serde(default, deserialize_with = "super::model::null_as_default")]
    pub assigned_plans: Vec<AssignedPlan>,
    #[serde(default)]
    pub user_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssignedPlan {
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub capability_status: Option<String>,
}

impl MailboxUser {
    /// What this user object says about an Exchange Online mailbox.
    pub(crate) fn mailbox_state(&self) -> MailboxState {
        let guest = self
            .user_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("Guest"));
        if guest {
            // A guest's mail address belongs to its home organisation.
            return MailboxState::NoMailbox;
        }
        let exchange_plan = self.assigned_plans.iter().any(|p| {
            p.service
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("exchange"))
                && p.capability_status
                    .as_deref()
                    .is_some_and(|s| s.eq_ignore_ascii_case("Enabled"))
        });
        if exchange_plan {
            return MailboxState::Exists;
        }
        let smtp = self
            .proxy_addresses
            .iter()
            .any(|a| a.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("smtp:")));
        if smtp && self.mail.as_deref().is_some_and(|m| !m.is_empty()) {
            MailboxState::Shared
        } else {
            MailboxState::NoMailbox
        }
    }
}

impl GraphClient {
    /// Whether `address` (UPN, primary or secondary SMTP address) has an Exchange Online
    /// mailbox, from the user object: `GET /users/{address}`, and if there is no user with that
    /// UPN, `GET /users?$filter=proxyAddresses/any(…)`. At most two requests.
    ///
    /// An error (e.g. 403 when the sign-in lacks `User.Read.All`) means "could not be checked";
    /// the caller says so and why.
    pub async fn mailbox_state(&self, address: &str) -> Result<MailboxState, GraphError> {
        let op = Operation::CheckMailbox;
        let by_upn: Option<MailboxUser> = self
            .get_optional(op, &format!("{}?{MAILBOX_SELECT}", user_path(address)))
            .await?;
        let user = match by_upn {
            Some(u) => Some(u),
            None => {
                let filter = format!(
                    "proxyAddresses/any(p:p eq {})",
                    string_literal(&format!("smtp:{address}"))
                );
                let path = format!("users?{}&{MAILBOX_SELECT}", filter_query(&filter));
                let found: Vec<MailboxUser> = self.list(op, &path).await?;
                found.into_iter().next()
            }
        };
        Ok(user.map_or(MailboxState::NoSuchUser, |u| u.mailbox_state()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn user(v: serde_json::Value) -> MailboxUser {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn licensed_shared_unlicensed_and_guest() {
        let licensed = user(
            json!({"mail": "a@c.com", "proxyAddresses": ["SMTP:a@c.com"],
            "assignedPlans": [{"service": "exchange", "capabilityStatus": "Enabled"}]}),
        );
        assert_eq!(licensed.mailbox_state(), MailboxState::Exists);
        let shared = user(
            json!({"mail": "fax@c.com", "proxyAddresses": ["SMTP:fax@c.com"],
            "assignedPlans": [], "accountEnabled": false}),
        );
        assert_eq!(shared.mailbox_state(), MailboxState::Shared);
        let unlicensed = user(json!({"mail": null, "proxyAddresses": [], "assignedPlans": null}));
        assert_eq!(unlicensed.mailbox_state(), MailboxState::NoMailbox);
        // A suspended Exchange plan and no SMTP address: no mailbox to use.
        let suspended = user(json!({"mail": null, "proxyAddresses": [],
            "assignedPlans": [{"service": "exchange", "capabilityStatus": "Suspended"}]}));
        assert_eq!(suspended.mailbox_state(), MailboxState::NoMailbox);
        let guest = user(
            json!({"mail": "g@other.com", "proxyAddresses": ["SMTP:g@other.com"],
            "userType": "Guest"}),
        );
        assert_eq!(guest.mailbox_state(), MailboxState::NoMailbox);
    }
}
