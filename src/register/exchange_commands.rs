//! Exchange Online PowerShell commands the admin runs after the registration: the Graph API
//! cannot set these, so exowiz hands them over ready to copy.

use crate::i18n::{t, tf};
use crate::profile::Profile;
use crate::ui::format::written_date;
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
            purpose: tf(
                "exchange.ews_allow_list",
                &[("date", &written_date(EWS_SHUTDOWN))],
            ),
            command: format!(
                "Set-OrganizationConfig -EwsEnabled $true -EwsAllowedAppIDs (@((Get-OrganizationConfig).EwsAllowedAppIDs) + '{client_id}' | Where-Object {{ $_ }} | Select-Object -Unique)"
            ),
        });
    }
    if profile.limit_to_mailbox {
        let mbx = mailbox.unwrap_or("<mailbox>");
        out.push(ExchangeCommand {
            purpose: tf("exchange.limit_to_mailbox", &[("mailbox", mbx)]),
            command: format!(
                "New-ApplicationAccessPolicy -AppId {client_id} -PolicyScopeGroupId {mbx} -AccessRight RestrictAccess -Description \"{app_name}: only {mbx}\""
            ),
        });
        out.push(ExchangeCommand {
            purpose: t("exchange.test_limit").to_string(),
            command: format!("Test-ApplicationAccessPolicy -Identity {mbx} -AppId {client_id}"),
        });
    }
    if profile.needs_smtp_auth {
        out.push(ExchangeCommand {
            purpose: t("exchange.smtp_auth").to_string(),
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
            purpose: t("exchange.service_principal").to_string(),
            command: format!(
                "New-ServicePrincipal -AppId {client_id} -ObjectId {sp} -DisplayName \"{app_name}\""
            ),
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

    /// The Done step shows what each command is for in German; the commands stay as they are.
    #[test]
    fn purposes_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let p = profile::by_id("bueroware").unwrap();
        let english = for_profile(&p, "app-1", None, "SoftENGINE Mailserver", None);
        assert!(english[0].purpose.starts_with(
            "EWS is being switched off in Exchange Online (for good on 1 April 2027)"
        ));
        let german = with_language(Language::German, || {
            for_profile(&p, "app-1", None, "SoftENGINE Mailserver", None)
        });
        assert!(
            german[0]
                .purpose
                .starts_with("EWS wird in Exchange Online abgeschaltet (endgültig am 01.04.2027)"),
            "{}",
            german[0].purpose
        );
        assert_eq!(german[0].command, english[0].command);
        let m = profile::by_id("moveit").unwrap();
        let german = with_language(Language::German, || {
            for_profile(&m, "app-2", None, "moveIT", Some("orders@contoso.com"))
        });
        assert!(german.iter().any(|c| c.purpose
            == "Beschränken Sie die App auf das Postfach orders@contoso.com (der Hersteller \
                empfiehlt das dringend). Anwendungszugriffsrichtlinien wirken nach etwa einer \
                Stunde."));
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
