//! The tenant's EWS access settings as Exchange Online models them, and the decision they make
//! for one request.
//!
//! Sources (Microsoft):
//! - `Set-OrganizationConfig` -EwsEnabled, -EwsAllowedAppIDs, -EwsApplicationAccessPolicy,
//!   -EwsAllowList, -EwsBlockList (office-docs-powershell,
//!   exchange-ps/ExchangePowerShell/Set-OrganizationConfig.md): EwsAllowedAppIDs is one
//!   comma-separated string of application IDs; "When EwsEnabled is $true, only applications
//!   specified by this parameter can access EWS"; $false blocks all EWS.
//! - `Set-CASMailbox -EwsEnabled` (Set-CASMailbox.md): per mailbox, $true by default; "meaningful
//!   only if the EwsEnabled parameter on the Set-OrganizationConfig parameter isn't set to the
//!   value $false".
//! - "Control access to EWS in Exchange" (office-developer-exchange-docs,
//!   docs/exchange-web-services/how-to-control-access-to-ews-in-exchange.md, the version with
//!   "Understand HTTP 403 responses in Exchange Online"): EwsAllowedAppIDs and the user-agent
//!   lists "are both evaluated for each connection, and both must pass"; a block answers
//!   HTTP 403 with `X-EWS-Policy-Reason`, one of two values (below); list changes take up to
//!   24 hours.
//!
//! Stricter than the cmdlet pages, on purpose (the demo tenant is never more forgiving than
//! Microsoft): EWS was switched off in phases from 1 October 2026 — tenants left at
//! `EwsEnabled $null` were set to `$false`, and from then on only allow-listed apps may use EWS
//! (Microsoft's plan, Message Center MC1227454 as reported in graph-facts §9). So `$null` counts
//! as `$false` here, and an unset (`$null`) or empty app-ID list lets no app through.

use serde::{Deserialize, Serialize};

/// `X-EWS-Policy-Reason` when `EwsEnabled` blocks (organisation or mailbox).
pub const REASON_DISABLED: &str = "EWS is disabled for this user or tenant";
/// `X-EWS-Policy-Reason` when the app-ID allow list or a user-agent policy blocks.
pub const REASON_BLOCKED: &str = "EWS is blocked by policy for this user or tenant";

/// Microsoft Teams' app ID, which Microsoft says belongs on every tenant's allow list
/// (how-to-control-access-to-ews-in-exchange.md, the note on EwsAllowedAppIDs).
pub const TEAMS_APP_ID: &str = "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe";

/// `-EwsApplicationAccessPolicy`: how the user-agent lists apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UserAgentPolicy {
    EnforceAllowList,
    EnforceBlockList,
}

/// The organisation's and the mailboxes' EWS settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EwsSettings {
    /// `Get-OrganizationConfig`'s EwsEnabled; `None` is `$null`.
    pub ews_enabled: Option<bool>,
    /// `EwsAllowedAppIDs` (read with `-RetrieveEwsOperationAccessPolicy`); `None` is `$null`.
    #[serde(rename = "EwsAllowedAppIDs")]
    pub ews_allowed_app_ids: Option<Vec<String>>,
    pub ews_application_access_policy: Option<UserAgentPolicy>,
    /// User-agent patterns; a trailing `*` matches any rest (`OWA/*`).
    #[serde(default)]
    pub ews_allow_list: Vec<String>,
    #[serde(default)]
    pub ews_block_list: Vec<String>,
    /// Mailboxes with `Set-CASMailbox -EwsEnabled $false`, by primary SMTP address.
    #[serde(default)]
    pub mailboxes_with_ews_disabled: Vec<String>,
}

impl Default for EwsSettings {
    fn default() -> Self {
        Self::seeded()
    }
}

/// What the settings say about one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Allowed,
    /// 403 with [`REASON_DISABLED`].
    Disabled,
    /// 403 with [`REASON_BLOCKED`].
    Blocked,
}

impl Access {
    pub fn reason(self) -> Option<&'static str> {
        match self {
            Access::Allowed => None,
            Access::Disabled => Some(REASON_DISABLED),
            Access::Blocked => Some(REASON_BLOCKED),
        }
    }
}

impl EwsSettings {
    /// The demo tenant as Contoso's admin left it before exowiz came: EWS on (they kept
    /// EWS apps), the allow list holding Teams only. A newly registered app is therefore not on
    /// it — as in Exchange Online — unless the emulator runs with `ews_allow_new_apps`.
    pub fn seeded() -> Self {
        EwsSettings {
            ews_enabled: Some(true),
            ews_allowed_app_ids: Some(vec![TEAMS_APP_ID.to_string()]),
            ews_application_access_policy: None,
            ews_allow_list: Vec::new(),
            ews_block_list: Vec::new(),
            mailboxes_with_ews_disabled: Vec::new(),
        }
    }

    /// The organisation-level answer for app `app_id` calling with `user_agent`.
    pub fn organisation_access(&self, app_id: &str, user_agent: &str) -> Access {
        if self.ews_enabled != Some(true) {
            return Access::Disabled;
        }
        let listed = self
            .ews_allowed_app_ids
            .as_ref()
            .is_some_and(|ids| ids.iter().any(|id| id.eq_ignore_ascii_case(app_id)));
        if !listed {
            return Access::Blocked;
        }
        let agent_passes = match self.ews_application_access_policy {
            None => true,
            Some(UserAgentPolicy::EnforceAllowList) => self
                .ews_allow_list
                .iter()
                .any(|p| agent_matches(p, user_agent)),
            Some(UserAgentPolicy::EnforceBlockList) => !self
                .ews_block_list
                .iter()
                .any(|p| agent_matches(p, user_agent)),
        };
        if agent_passes {
            Access::Allowed
        } else {
            Access::Blocked
        }
    }

    /// `Get-CASMailbox`'s EwsEnabled for the mailbox with this primary SMTP address.
    pub fn mailbox_enabled(&self, primary_smtp: &str) -> bool {
        !self
            .mailboxes_with_ews_disabled
            .iter()
            .any(|m| m.eq_ignore_ascii_case(primary_smtp))
    }

    /// `Set-CASMailbox -Identity primary_smtp -EwsEnabled enabled`.
    pub fn set_mailbox_enabled(&mut self, primary_smtp: &str, enabled: bool) {
        self.mailboxes_with_ews_disabled
            .retain(|m| !m.eq_ignore_ascii_case(primary_smtp));
        if !enabled {
            self.mailboxes_with_ews_disabled
                .push(primary_smtp.to_ascii_lowercase());
        }
    }

    /// Adds `app_id` to the allow list (keeping the IDs there), as the command exowiz hands
    /// over does.
    pub fn allow_app(&mut self, app_id: &str) {
        let ids = self.ews_allowed_app_ids.get_or_insert_with(Vec::new);
        if !ids.iter().any(|id| id.eq_ignore_ascii_case(app_id)) {
            ids.push(app_id.to_ascii_lowercase());
        }
    }

    /// Parses `-EwsAllowedAppIDs "id1,id2"`: one string, comma-separated.
    pub fn parse_app_ids(value: &str) -> Vec<String> {
        value
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// `OWA/*` matches every agent starting with `OWA/`; without `*` the whole agent must match.
fn agent_matches(pattern: &str, agent: &str) -> bool {
    let (p, a) = (pattern.to_ascii_lowercase(), agent.to_ascii_lowercase());
    match p.strip_suffix('*') {
        Some(prefix) => a.starts_with(prefix),
        None => a == p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const APP: &str = "11111111-2222-3333-4444-555555555555";

    fn enabled_with(ids: Option<&str>) -> EwsSettings {
        EwsSettings {
            ews_enabled: Some(true),
            ews_allowed_app_ids: ids.map(EwsSettings::parse_app_ids),
            ..EwsSettings::seeded()
        }
    }

    #[test]
    fn organisation_switch_comes_first_and_null_counts_as_off() {
        let mut s = enabled_with(Some(APP));
        assert_eq!(s.organisation_access(APP, "exowiz/1"), Access::Allowed);
        s.ews_enabled = Some(false);
        assert_eq!(s.organisation_access(APP, "exowiz/1"), Access::Disabled);
        s.ews_enabled = None;
        assert_eq!(s.organisation_access(APP, "exowiz/1"), Access::Disabled);
    }

    #[test]
    fn only_listed_apps_pass_and_an_unset_or_empty_list_passes_none() {
        let s = enabled_with(Some(&format!("{TEAMS_APP_ID}, {}", APP.to_uppercase())));
        assert_eq!(s.organisation_access(APP, "x"), Access::Allowed);
        let other = "99999999-2222-3333-4444-555555555555";
        assert_eq!(s.organisation_access(other, "x"), Access::Blocked);
        assert_eq!(
            enabled_with(None).organisation_access(APP, "x"),
            Access::Blocked
        );
        assert_eq!(
            enabled_with(Some("")).organisation_access(APP, "x"),
            Access::Blocked
        );
    }

    #[test]
    fn user_agent_policy_must_pass_as_well() {
        let mut s = enabled_with(Some(APP));
        s.ews_application_access_policy = Some(UserAgentPolicy::EnforceAllowList);
        s.ews_allow_list = vec!["OWA/*".into()];
        assert_eq!(s.organisation_access(APP, "exowiz/0.1"), Access::Blocked);
        assert_eq!(s.organisation_access(APP, "owa/15"), Access::Allowed);
        s.ews_application_access_policy = Some(UserAgentPolicy::EnforceBlockList);
        s.ews_block_list = vec!["exowiz/*".into()];
        assert_eq!(s.organisation_access(APP, "exowiz/0.1"), Access::Blocked);
        assert_eq!(s.organisation_access(APP, "OfficeMaster"), Access::Allowed);
    }

    #[test]
    fn mailbox_switch_and_allow_app_keep_the_rest() {
        let mut s = EwsSettings::seeded();
        assert!(s.mailbox_enabled("fax-transfer@contoso.com"));
        s.set_mailbox_enabled("Fax-Transfer@Contoso.com", false);
        assert!(!s.mailbox_enabled("fax-transfer@contoso.com"));
        s.set_mailbox_enabled("fax-transfer@contoso.com", true);
        assert!(s.mailbox_enabled("fax-transfer@contoso.com"));
        s.allow_app(APP);
        s.allow_app(APP);
        assert_eq!(
            s.ews_allowed_app_ids,
            Some(vec![TEAMS_APP_ID.to_string(), APP.to_string()])
        );
        assert_eq!(Access::Blocked.reason(), Some(REASON_BLOCKED));
    }

    /// A state file written before the demo tenant had EWS loads with the seeded settings.
    #[test]
    fn state_files_without_ews_get_the_seeded_settings() {
        let tenant = crate::seed::seed("6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90");
        let mut json = serde_json::to_value(&tenant).unwrap();
        json.as_object_mut().unwrap().remove("ews");
        let old: crate::state::Tenant = serde_json::from_value(json).unwrap();
        assert_eq!(old.ews, EwsSettings::seeded());
    }
}
