//! Typed Microsoft Graph v1.0 client.
//!
//! * [`client`]: `GraphClient` (bearer token, `client-request-id`, retry loop, paging);
//! * [`retry`]: `RetryPolicy` and the retry decisions;
//! * `replication`: ids exowiz created and the "not replicated yet" answers;
//! * [`error`]: `GraphError` with plain sentences;
//! * [`model`]: serde types;
//! * `applications`, `service_principals`, `grants`, `directory`: the operations, as methods
//!   of `GraphClient`;
//! * `odata`: URL segments, literals and `$filter` encoding.

mod applications;
pub mod client;
mod directory;
pub mod error;
mod grants;
mod mailbox;
pub mod model;
mod odata;
mod replication;
pub mod retry;
mod service_principals;

pub use client::{GraphClient, GraphWait, WaitReporter};
pub use error::{ErrorKind, GraphError, Operation, wait_text};
pub use model::{
    AddPasswordRequest, AppRole, AppRoleAssignment, Application, ApplicationPatch, Domain,
    KeyCredential, MailboxState, NewAppRoleAssignment, NewApplication, NewOAuth2PermissionGrant,
    NewSecret, NewServicePrincipal, OAuth2PermissionGrant, OAuth2PermissionGrantPatch,
    Organization, PasswordCredential, PasswordCredentialInput, PermissionScope, PermissionType,
    RedirectUris, RemovePasswordRequest, RequiredResourceAccess, ResourceAccess, ServicePrincipal,
    SignInAudience, User, VerifiedDomain,
};
pub use retry::RetryPolicy;

/// appId of Microsoft Graph.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// appId of Office 365 Exchange Online.
pub const EXCHANGE_ONLINE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
