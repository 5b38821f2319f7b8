//! Exchange Online PowerShell commands the admin runs after the registration: the Graph API
//! cannot set these, so exowiz hands them over ready to copy.

use crate::profile::Profile;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeCommand {
    /// What the command is for, one sentence.
    pub purpose: String,
    pub command: String,
}

/// Last day EWS works in Exchange Online (graph-facts §9).
pub const EWS_SHUTDOWN: &str = "1 April 2027";

/// The commands this profile needs, for an app with `client_id` and the optional mailbox.
pub fn for_profile(
    profile: &Profile,
    client_id: &str,
    service_principal_id: Option<&str>,
    app_name: &str,
    mailbox: Option<&str>,
) -> Vec<ExchangeCommand> {
    let mut out = Vec::new();
    if profile.uses_ews {
        out.push(ExchangeCommand {
            purpose: format!(
                "EWS is being switched off in Exchange Online (for good on {EWS_SHUTDOWN}); until then only apps on the tenant's EWS allow list may use it. This adds the new app to the list, keeping the IDs already there. It can take up to 24 hours to apply."
            ),
            command: format!(
                "Set-OrganizationConfig -EwsEnabled $true -EwsAllowedAppIDs (@((Get-OrganizationConfig).EwsAllowedAppIDs) + '{client_id}' | Where-Object {{ $_ }} | Select-Object -Unique)"
            ),
        });
    }
    if profile.limit_to_mailbox {
        let mbx = mailbox.unwrap_or("<mailbox>");
        out.push(ExchangeCommand {
            purpose: format!(
                "Limit the app to the mailbox {mbx} (the vendor strongly recommends it). Application access policies take effect within about an hour."
            ),
            command: format!(
                "New-ApplicationAccessPolicy -AppId {client_id} -PolicyScopeGroupId {mbx} -AccessRight RestrictAccess -Description \"{app_name}: only {mbx}\""
            ),
        });
        out.push(ExchangeCommand {
            purpose: "Check the limit: the answer must be Granted for this mailbox and Denied for any other.".into(),
            command: format!("Test-ApplicationAccessPolicy -Identity {mbx} -AppId {client_id}"),
        });
    }
    if profile.needs_smtp_auth {
        out.push(ExchangeCommand {
            purpose: "The product sends mail over SMTP AUTH, which Exchange Online switches off by default. Turn it on for the mailboxes that send (or org-wide with Set-TransportConfig -SmtpClientAuthenticationDisabled $false).".into(),
            command: format!(
                "Set-CASMailbox -Identity {} -SmtpClientAuthenticationDisabled $false",
                mailbox.unwrap_or("<mailbox>")
            ),
        });
    }
    if let (true, Some(sp)) = (
        profile.uses_ews && profile.needs_transfer_mailbox,
        service_principal_id,
    ) {
        out.push(ExchangeCommand {
            purpose: "Optional: register the app's service principal in Exchange Online, needed if you later scope it with RBAC for Applications.".into(),
            command: format!("New-ServicePrincipal -AppId {client_id} -ObjectId {sp} -DisplayName \"{app_name}\""),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile;

    #[test]
    fn ews_profiles_get_the_allow_list_command_keeping_existing_ids() {
        let p = profile::by_id("bueroware").unwrap();
        let cmds = for_profile(&p, "app-1", None, "SoftENGINE Mailserver", None);
        assert_eq!(cmds.len(), 1);
        assert!(
            cmds[0]
                .command
                .contains("(Get-OrganizationConfig).EwsAllowedAppIDs")
        );
        assert!(cmds[0].command.contains("'app-1'"));
    }

    #[test]
    fn moveit_gets_the_mailbox_limit_and_flowfact_smtp_auth() {
        let m = profile::by_id("moveit").unwrap();
        let cmds = for_profile(&m, "app-2", None, "moveIT", Some("orders@contoso.com"));
        assert!(cmds.iter().any(|c| c.command.starts_with(
            "New-ApplicationAccessPolicy -AppId app-2 -PolicyScopeGroupId orders@contoso.com"
        )));
        let f = profile::by_id("flowfact").unwrap();
        let cmds = for_profile(&f, "app-3", None, "FFMailDienst", None);
        assert!(cmds.iter().any(|c| {
            c.command
                .contains("SmtpClientAuthenticationDisabled $false")
        }));
        assert!(!cmds.iter().any(|c| c.command.contains("Ews")));
    }
}
