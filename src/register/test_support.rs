//! A request and its resolved permissions for the register unit tests.

use super::RegisterRequest;
use crate::permissions::resolve::{ResolvedPermission, resolve};
use crate::profile::{self, InstallMode};

/// A cloud-only request for `profile_id` with a transfer mailbox and the profile's defaults.
pub fn request(profile_id: &str) -> RegisterRequest {
    let profile = profile::by_id(profile_id).unwrap();
    RegisterRequest {
        mode: InstallMode::CloudOnly,
        mailbox: Some("fax-transfer@contoso.com".into()),
        transfer_domains: vec![],
        mail_domain: None,
        app_name: profile.default_app_name.clone(),
        secret_months: 24,
        grant_consent: false,
        app_id: None,
        profile,
    }
}

/// The request's permissions resolved from the built-in table (no tenant).
pub fn resolved(req: &RegisterRequest) -> Vec<ResolvedPermission> {
    resolve(&req.profile.permissions_for(req.mode), |_| None).unwrap()
}
