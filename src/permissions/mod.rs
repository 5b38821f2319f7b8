//! Permissions and consent: what an app asks for and what the tenant has granted it. Shared by
//! `register` (a new or completed app), `check` (an existing one, and `--fix`), `rotate`, the
//! wizard's consent step and the consent job.
//!
//! * [`status`] – [`PermissionStatus`], one permission and whether it is granted;
//! * [`resolve`] – permission names to the GUIDs the tenant's resource APIs publish;
//! * [`resource_access`] – the app's `requiredResourceAccess` (what it asks for);
//! * [`grants`] – app role assignments and delegated grants (what it was given);
//! * [`consent`] – the admin-consent link.
//!
//! Waiting for the admin to use that link is the consent job, `crate::jobs::consent`.

pub mod consent;
pub mod grants;
pub mod resolve;
pub mod resource_access;
pub mod status;

pub use consent::consent_url;
pub use grants::{grant_consent, read_grants, read_grants_with};
pub use resource_access::add_resource_access;
pub use status::PermissionStatus;
