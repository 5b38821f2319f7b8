//! The custom connector's permission picker (issue 10.8): the permissions Microsoft Graph and
//! Office 365 Exchange Online offer, as their service principals in the tenant list them
//! (`appRoles`: application permissions, `oauth2PermissionScopes`: delegated ones), with
//! Microsoft's own descriptions. Typing filters by name, ↑/↓ move, Space toggles, Enter
//! confirms: the chosen ones become the custom profile's permissions, so Review and the
//! registration treat them as any product's.

use super::state::Check;
use super::text_field::TextField;
use crate::graph::ServicePrincipal;
use crate::profile::{Api, Applies, Permission, PermissionType};

/// One permission an API offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogEntry {
    pub api: Api,
    /// The permission's value, e.g. `Mail.Send`.
    pub name: String,
    pub kind: PermissionType,
    /// Microsoft's short name (`displayName`, `adminConsentDisplayName`).
    pub display: String,
    /// Microsoft's description (`description`, `adminConsentDescription`).
    pub description: String,
}

impl CatalogEntry {
    fn same(&self, other: &CatalogEntry) -> bool {
        self.api == other.api && self.kind == other.kind && self.name == other.name
    }
}

#[derive(Debug, Clone, Default)]
pub struct PermissionPicker {
    /// The picker has the screen (on Review, for the custom connector).
    pub open: bool,
    pub filter: TextField,
    pub catalog: Check<Vec<CatalogEntry>>,
    /// Index into `matches()`.
    pub selected: usize,
    /// In the order they were chosen.
    pub chosen: Vec<CatalogEntry>,
}

impl PermissionPicker {
    /// The entries whose name or Microsoft's short name contains the filter (any case).
    pub fn matches(&self) -> Vec<&CatalogEntry> {
        let wanted = self.filter.value().trim().to_lowercase();
        match &self.catalog {
            Check::Done(entries) => entries
                .iter()
                .filter(|e| {
                    wanted.is_empty()
                        || e.name.to_lowercase().contains(&wanted)
                        || e.display.to_lowercase().contains(&wanted)
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn highlighted(&self) -> Option<&CatalogEntry> {
        self.matches().get(self.selected).copied()
    }

    pub fn is_chosen(&self, entry: &CatalogEntry) -> bool {
        self.chosen.iter().any(|c| c.same(entry))
    }

    /// Chooses the highlighted entry, or unchooses it when it was chosen.
    pub fn toggle_highlighted(&mut self) {
        let Some(entry) = self.highlighted().cloned() else {
            return;
        };
        if self.is_chosen(&entry) {
            self.chosen.retain(|c| !c.same(&entry));
        } else {
            self.chosen.push(entry);
        }
    }

    /// Keeps the highlight inside the list after the filter changed.
    pub fn clamp_selection(&mut self) {
        let last = self.matches().len().saturating_sub(1);
        self.selected = self.selected.min(last);
    }

    /// The chosen permissions as a profile has them; Microsoft's description is the reason.
    pub fn permissions(&self) -> Vec<Permission> {
        self.chosen
            .iter()
            .map(|e| Permission {
                api: e.api,
                name: e.name.clone(),
                kind: e.kind,
                applies: Applies::Both,
                why: e.description.clone(),
                why_de: None,
            })
            .collect()
    }
}

/// The permissions the service principal of `api` offers: its enabled app roles that
/// applications may hold, and its enabled delegated scopes; sorted by name.
pub fn entries(api: Api, sp: &ServicePrincipal) -> Vec<CatalogEntry> {
    let roles = sp
        .app_roles
        .iter()
        .filter(|r| r.is_enabled && r.allowed_member_types.iter().any(|t| t == "Application"))
        .filter_map(|r| {
            Some(CatalogEntry {
                api,
                name: r.value.clone()?,
                kind: PermissionType::Application,
                display: r.display_name.clone().unwrap_or_default(),
                description: r.description.clone().unwrap_or_default(),
            })
        });
    let scopes = sp
        .oauth2_permission_scopes
        .iter()
        .filter(|s| s.is_enabled)
        .filter_map(|s| {
            Some(CatalogEntry {
                api,
                name: s.value.clone()?,
                kind: PermissionType::Delegated,
                display: s.admin_consent_display_name.clone().unwrap_or_default(),
                description: s.admin_consent_description.clone().unwrap_or_default(),
            })
        });
    let mut all: Vec<CatalogEntry> = roles.chain(scopes).collect();
    sort(&mut all);
    all
}

/// By name (any case), then API (Graph first), then application before delegated: the same
/// name from both APIs stands together.
pub fn sort(entries: &mut [CatalogEntry]) {
    entries.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.api.cmp(&b.api))
            .then(a.kind.cmp(&b.kind))
    });
}
