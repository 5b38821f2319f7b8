//! Domain types every layer speaks of, defined below all of them so that no module has to
//! reach sideways or upward for them: what a mailbox is, who may sign in to an app, and the
//! two kinds of permission. Graph's wire names are kept (serde), so `graph` uses them as they
//! are; `profile`, the wizard and the ui use them from here.

use serde::{Deserialize, Serialize};

/// Result of the mailbox check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxState {
    /// The user has a licensed Exchange Online mailbox (an enabled `exchange` plan).
    Exists,
    /// A mailbox that needs no licence: SMTP addresses but no Exchange plan, as a shared or
    /// resource mailbox has.
    Shared,
    /// The user exists but has no Exchange Online mailbox (unlicensed, on-premises, guest).
    NoMailbox,
    /// There is no such user.
    NoSuchUser,
}

/// Who may sign in to the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInAudience {
    /// Single tenant.
    #[serde(rename = "AzureADMyOrg")]
    MyOrg,
    #[serde(rename = "AzureADMultipleOrgs")]
    MultipleOrgs,
    #[serde(rename = "AzureADandPersonalMicrosoftAccount")]
    MultipleOrgsAndPersonal,
    #[serde(rename = "PersonalMicrosoftAccount")]
    PersonalOnly,
}

/// `Role` = application permission (app role), `Scope` = delegated permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PermissionType {
    Role,
    Scope,
}
