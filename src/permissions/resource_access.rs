//! The app's `requiredResourceAccess`: the permissions it asks for, grouped by resource API.
//! Built from the resolved permissions for a new app; extended, never shrunk, on an existing one.

use super::resolve::ResolvedPermission;
use crate::graph::{RequiredResourceAccess, ResourceAccess};
use crate::profile::Api;
use std::collections::BTreeMap;

/// The `requiredResourceAccess` of an app that asks for exactly `resolved`, one entry per API.
pub fn required_resource_access(resolved: &[ResolvedPermission]) -> Vec<RequiredResourceAccess> {
    let mut by_api: BTreeMap<Api, Vec<ResourceAccess>> = BTreeMap::new();
    for r in resolved {
        by_api
            .entry(r.permission.api)
            .or_default()
            .push(ResourceAccess {
                id: r.id.clone(),
                kind: r.permission.kind.graph_kind(),
            });
    }
    by_api
        .into_iter()
        .map(|(api, resource_access)| RequiredResourceAccess {
            resource_app_id: api.app_id().to_string(),
            resource_access,
        })
        .collect()
}

/// Adds to `rra` whatever of `wanted` it lacks (same resource, same permission id and type);
/// true when something was added. Nothing is ever taken away: permissions an admin added by
/// hand stay. Shared by re-runs (`register`'s patch of an existing app) and `check --fix`.
pub fn add_resource_access(
    rra: &mut Vec<RequiredResourceAccess>,
    wanted: &RequiredResourceAccess,
) -> bool {
    match rra.iter_mut().find(|r| {
        r.resource_app_id
            .eq_ignore_ascii_case(&wanted.resource_app_id)
    }) {
        Some(have) => {
            let mut added = false;
            for access in &wanted.resource_access {
                if !have
                    .resource_access
                    .iter()
                    .any(|a| a.id.eq_ignore_ascii_case(&access.id) && a.kind == access.kind)
                {
                    have.resource_access.push(access.clone());
                    added = true;
                }
            }
            added
        }
        None => {
            rra.push(wanted.clone());
            true
        }
    }
}
