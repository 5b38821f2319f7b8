//! The sentences a registration hands the admin beside its result: resource APIs the tenant
//! lacks, EWS's end, what hybrid mode leaves out, a long secret, GUIDs from the built-in table.

use super::RegisterRequest;
use super::tenant::Tenant;
use super::validate;
use crate::graph::Application;
use crate::i18n::{t, tf};
use crate::permissions::resolve::ResolvedPermission;
use crate::profile::Api;
use std::collections::BTreeSet;

/// One note per resource API the tenant has no service principal of (its permissions are
/// asked for, but cannot be granted).
pub(super) fn missing_resources(apis: &BTreeSet<Api>, tenant: &Tenant) -> Vec<String> {
    let mut notes = Vec::new();
    for api in apis {
        if tenant.resource(*api).is_none() {
            notes.push(tf(
                "register.no_resource_added",
                &[("org", &tenant.org_name), ("api", api.display_name())],
            ));
        }
    }
    notes
}

/// The notes about the profile and the request, after the run's own.
pub(super) fn about_the_request(
    req: &RegisterRequest,
    app: &Application,
    resolved: &[ResolvedPermission],
) -> Vec<String> {
    let profile = &req.profile;
    let mut notes = Vec::new();
    if crate::exchange::ews::profile_uses_ews(profile) {
        notes.push(tf(
            "register.uses_ews",
            &[
                ("product", &profile.product),
                ("date", &crate::exchange::ews::shutdown_long_date()),
            ],
        ));
    }
    // Hybrid: the manual names no permissions for it; leaving out the cloud address-book
    // permissions is exowiz's own least-privilege reading of its lines 121–124 (the local AD
    // is the address book), said where it happens.
    let left_out: Vec<String> = profile
        .permissions
        .iter()
        .filter(|p| !profile.permissions_for(req.mode).contains(p))
        .map(|p| p.name.clone())
        .collect();
    if req.mode == crate::profile::InstallMode::Hybrid && !left_out.is_empty() {
        notes.push(tf(
            "register.hybrid_left_out",
            &[
                ("permissions", &left_out.join(", ")),
                ("client_id", &app.app_id),
            ],
        ));
    }
    if let Some(note) = validate::long_secret_note(req.secret_months) {
        notes.push(note);
    }
    if resolved.iter().any(|r| r.from_fallback) {
        notes.push(t("register.fallback_ids").to_string());
    }
    notes
}
