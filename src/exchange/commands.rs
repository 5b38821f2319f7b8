//! The Exchange Online PowerShell the admin runs after the registration: Microsoft Graph cannot
//! set these, so exowiz hands them over ready to copy (Done screen, `exowiz register`) and as
//! one script (`--save-commands`, see `script`).
//!
//! Every cmdlet, parameter and role name here comes from Microsoft's cmdlet reference
//! (MicrosoftDocs/office-docs-powershell, `exchange/exchange-ps/ExchangePowerShell/<Cmdlet>.md`);
//! `tests/e2e/exchange_powershell.rs` holds the table of them with their types and checks every
//! generated command against it. Each command is safe to run twice: it looks before it creates
//! or changes anything.

use super::ews;
use super::powershell::{opath_equals, single_quoted as q};
use crate::i18n::{t, tf};
use crate::profile::Profile;
use serde::Serialize;

/// How the saved script treats a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// Part of the job: the script runs it.
    Run,
    /// Useful later or for some: written commented out.
    Optional,
    /// The older way instead of the commands above it: written commented out.
    Alternative,
    /// One of several choices the admin picks from: all written commented out.
    Choice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExchangeCommand {
    /// Stable name for scripts reading `--json` (e.g. `ews_allow_list`).
    pub id: &'static str,
    pub kind: CommandKind,
    /// What the command is for, one or two sentences (the screen's language).
    pub purpose: String,
    /// PowerShell, one or more lines, the IDs filled in.
    pub command: String,
    /// What the admin should know besides: comments in the saved script.
    pub notes: Vec<String>,
}

/// Stands where exowiz does not know the mailbox: Exchange answers "couldn't be found" and the
/// script stops (it sets `$ErrorActionPreference = 'Stop'`) instead of doing something else.
pub const MAILBOX_PLACEHOLDER: &str = "REPLACE-WITH-THE-MAILBOX";
/// Stands where exowiz does not know the enterprise app's object ID (IDs typed in by hand).
pub const SERVICE_PRINCIPAL_PLACEHOLDER: &str = "REPLACE-WITH-THE-ENTERPRISE-APP-OBJECT-ID";

/// The RBAC for Applications role for sending mail through Microsoft Graph, as Exchange Online
/// names it (learn.microsoft.com/exchange/permissions-exo/application-rbac, "Supported
/// Application Roles"; role names appear as "Application Mail.Read" etc. in
/// Test-ServicePrincipalAuthorization.md's examples).
pub const ROLE_MAIL_SEND: &str = "Application Mail.Send";
/// The same for EWS (same page): the role that replaces the Entra permission
/// `full_access_as_app` when EWS access is scoped with RBAC.
pub const ROLE_EWS: &str = "Application EWS.AccessAsApp";

/// What the commands are for: the app and what the admin typed.
struct Target<'a> {
    profile: &'a Profile,
    client_id: &'a str,
    service_principal_id: Option<&'a str>,
    app_name: &'a str,
    mailbox: Option<&'a str>,
}

impl Target<'_> {
    fn mailbox(&self) -> &str {
        self.mailbox.unwrap_or(MAILBOX_PLACEHOLDER)
    }

    fn service_principal(&self) -> &str {
        self.service_principal_id
            .unwrap_or(SERVICE_PRINCIPAL_PLACEHOLDER)
    }

    /// Names of what exowiz creates in Exchange (at most 64 characters, New-ManagementScope.md
    /// and New-ManagementRoleAssignment.md, -Name): the profile and the client ID's first block
    /// tell whose they are, and a second run finds them by name.
    fn object_name(&self, what: &str) -> String {
        let short_id: String = self.client_id.chars().take(8).collect();
        let mut name = format!("exowiz {} {short_id} {what}", self.profile.id);
        name.truncate(64);
        name
    }

    /// The sentence about an unknown enterprise app object ID, when it is unknown.
    fn service_principal_note(&self) -> Option<String> {
        self.service_principal_id.is_none().then(|| {
            tf(
                "exchange.note_sp_unknown",
                &[
                    ("placeholder", SERVICE_PRINCIPAL_PLACEHOLDER),
                    ("app", self.app_name),
                ],
            )
        })
    }
}

/// The commands this profile needs, for an app with `client_id`, its enterprise app's object ID
/// (`service_principal_id`, when known) and the optional mailbox.
pub fn for_profile(
    profile: &Profile,
    client_id: &str,
    service_principal_id: Option<&str>,
    app_name: &str,
    mailbox: Option<&str>,
) -> Vec<ExchangeCommand> {
    let target = Target {
        profile,
        client_id,
        service_principal_id,
        app_name,
        mailbox,
    };
    let mut out = Vec::new();
    if ews::profile_uses_ews(profile) {
        out.push(ews_allow_list(&target));
        out.push(ews_user_agent_rules());
    }
    if profile.limit_to_mailbox {
        out.extend(rbac_limit_to_mailbox(&target));
        out.push(application_access_policy(&target));
    }
    if profile.needs_smtp_auth {
        out.extend(smtp_auth_choices(&target));
    }
    // Only for an EWS product with a transfer mailbox, and only once the enterprise app exists.
    if profile.uses_ews && profile.needs_transfer_mailbox && service_principal_id.is_some() {
        out.push(ews_service_principal(&target));
    }
    out
}

/// The tenant's EWS app-ID allow list: read the documented way, append the app once, write the
/// whole list back as ONE string, then EwsEnabled.
///
/// Set-OrganizationConfig.md, -EwsAllowedAppIDs: type String, "a comma-separated list of
/// GUIDs", `$null` removes the restriction; the list is read with the
/// RetrieveEwsOperationAccessPolicy switch of Get-OrganizationConfig (same page, Example 7 and
/// the parameter's text). office-developer-exchange-docs
/// `how-to-control-access-to-ews-in-exchange.md`, Table 1: only the IDs on the list may use EWS
/// while EWSEnabled is True. graph-facts §9 (corrected 2026-12-05): the list replaces the old
/// one as a whole, set it before EwsEnabled, up to 24 h to apply.
fn ews_allow_list(target: &Target) -> ExchangeCommand {
    let id = q(target.client_id);
    let date = ews::shutdown_long_date();
    ExchangeCommand {
        id: "ews_allow_list",
        kind: CommandKind::Run,
        purpose: tf("exchange.ews_allow_list", &[("date", &date)]),
        command: [
            "$ids = @((@((Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy).EwsAllowedAppIDs) -join ',') -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })".to_string(),
            format!("if ($ids -notcontains {id}) {{"),
            format!("    Set-OrganizationConfig -EwsAllowedAppIDs (@($ids + {id}) -join ',')"),
            "}".to_string(),
            "if ((Get-OrganizationConfig).EwsEnabled -ne $true) {".to_string(),
            "    Set-OrganizationConfig -EwsEnabled $true".to_string(),
            "}".to_string(),
            "(Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy).EwsAllowedAppIDs".to_string(),
        ]
        .join("\n"),
        notes: vec![
            t("exchange.note_allow_list_one_string").to_string(),
            t("exchange.note_ews_enabled_tenant_wide").to_string(),
            t("exchange.note_allow_list_check").to_string(),
            tf("exchange.note_ews_ends", &[("date", &date)]),
        ],
    }
}

/// The older user-agent rules, which EWS checks as well as the app-ID list
/// (Set-OrganizationConfig.md, -EwsApplicationAccessPolicy, -EwsAllowList, -EwsBlockList;
/// Get-OrganizationConfig.md, Example 3). Changes nothing: exowiz cannot know the product's
/// user agent.
fn ews_user_agent_rules() -> ExchangeCommand {
    ExchangeCommand {
        id: "ews_user_agent_rules",
        kind: CommandKind::Run,
        purpose: t("exchange.ews_user_agent_rules").to_string(),
        command: [
            "$org = Get-OrganizationConfig".to_string(),
            "if ($org.EwsApplicationAccessPolicy -eq 'EnforceAllowList') {".to_string(),
            format!("    Write-Warning {}", q(t("exchange.warn_enforce_allow_list"))),
            "}".to_string(),
            "if ($org.EwsApplicationAccessPolicy -eq 'EnforceBlockList' -and @($org.EwsBlockList).Count -gt 0) {".to_string(),
            format!("    Write-Warning {}", q(t("exchange.warn_block_list"))),
            "}".to_string(),
        ]
        .join("\n"),
        notes: vec![t("exchange.note_user_agent_rules").to_string()],
    }
}

/// Exchange's pointer to the enterprise app, created once (New-ServicePrincipal.md: -AppId and
/// -ObjectId, "the ObjectId … of the service principal", i.e. the enterprise app's object ID,
/// not the app registration's; -ServiceId "is being deprecated").
fn new_service_principal(target: &Target) -> String {
    let id = q(target.client_id);
    [
        format!("if (-not (Get-ServicePrincipal | Where-Object {{ $_.AppId -eq {id} }})) {{"),
        format!(
            "    New-ServicePrincipal -AppId {id} -ObjectId {} -DisplayName {}",
            q(target.service_principal()),
            q(target.app_name)
        ),
        "}".to_string(),
    ]
    .join("\n")
}

/// RBAC for Applications, the successor of Application Access Policies: the enterprise app in
/// Exchange, a scope with just the mailbox, the Mail.Send role for that scope, and the test.
/// (New-ServicePrincipal.md, New-ManagementScope.md / Set-ManagementScope.md
/// -RecipientRestrictionFilter, New-ManagementRoleAssignment.md parameter set "App" with
/// -App and -CustomResourceScope, Test-ServicePrincipalAuthorization.md -Identity / -Resource.)
fn rbac_limit_to_mailbox(target: &Target) -> Vec<ExchangeCommand> {
    let mailbox = target.mailbox();
    let scope = q(&target.object_name("mailbox"));
    let assignment = q(&target.object_name("Mail.Send"));
    let filter = opath_equals("PrimarySmtpAddress", mailbox);
    let role = q(ROLE_MAIL_SEND);
    let mut sp_notes = vec![t("exchange.note_sp_object_id").to_string()];
    sp_notes.extend(target.service_principal_note());
    let mut mailbox_notes = Vec::new();
    if target.mailbox.is_none() {
        mailbox_notes.push(tf(
            "exchange.note_mailbox_unknown",
            &[("placeholder", MAILBOX_PLACEHOLDER)],
        ));
    }
    vec![
        ExchangeCommand {
            id: "rbac_service_principal",
            kind: CommandKind::Run,
            purpose: tf("exchange.rbac_service_principal", &[("mailbox", mailbox)]),
            command: new_service_principal(target),
            notes: sp_notes,
        },
        ExchangeCommand {
            id: "rbac_scope",
            kind: CommandKind::Run,
            purpose: tf("exchange.rbac_scope", &[("mailbox", mailbox)]),
            command: [
                format!("if (Get-ManagementScope | Where-Object {{ $_.Name -eq {scope} }}) {{"),
                format!(
                    "    Set-ManagementScope -Identity {scope} -RecipientRestrictionFilter {filter}"
                ),
                "} else {".to_string(),
                format!("    New-ManagementScope -Name {scope} -RecipientRestrictionFilter {filter}"),
                "}".to_string(),
            ]
            .join("\n"),
            notes: [t("exchange.note_scope").to_string()]
                .into_iter()
                .chain(mailbox_notes.clone())
                .collect(),
        },
        ExchangeCommand {
            id: "rbac_role_assignment",
            kind: CommandKind::Run,
            purpose: t("exchange.rbac_role_assignment").to_string(),
            command: [
                format!(
                    "if (-not (Get-ManagementRoleAssignment -Role {role} | Where-Object {{ $_.Name -eq {assignment} }})) {{"
                ),
                format!(
                    "    New-ManagementRoleAssignment -Name {assignment} -App {} -Role {role} -CustomResourceScope {scope}",
                    q(target.service_principal())
                ),
                "}".to_string(),
            ]
            .join("\n"),
            notes: vec![
                t("exchange.note_rbac_adds_up").to_string(),
                tf(
                    "exchange.note_remove_entra_grant",
                    &[("app", target.app_name), ("permission", "Mail.Send")],
                ),
                t("exchange.note_check_after_removal").to_string(),
            ],
        },
        ExchangeCommand {
            id: "rbac_test",
            kind: CommandKind::Run,
            purpose: tf("exchange.rbac_test", &[("mailbox", mailbox)]),
            command: format!(
                "Test-ServicePrincipalAuthorization -Identity {} -Resource {}",
                q(target.client_id),
                q(mailbox)
            ),
            notes: Vec::new(),
        },
    ]
}

/// The older way, kept as an alternative: New-ApplicationAccessPolicy.md says App Access
/// Policies are replaced by RBAC for Applications and not to create new ones; a shared mailbox
/// is not taken by -PolicyScopeGroupId (only through a mail-enabled security group).
fn application_access_policy(target: &Target) -> ExchangeCommand {
    let id = q(target.client_id);
    let mailbox = q(target.mailbox());
    let description = q(&format!("{}: {}", target.app_name, target.mailbox()));
    ExchangeCommand {
        id: "application_access_policy",
        kind: CommandKind::Alternative,
        purpose: tf(
            "exchange.application_access_policy",
            &[("mailbox", target.mailbox())],
        ),
        command: [
            format!("if (-not (Get-ApplicationAccessPolicy | Where-Object {{ $_.AppId -contains {id} }})) {{"),
            format!(
                "    New-ApplicationAccessPolicy -AppId {id} -PolicyScopeGroupId {mailbox} -AccessRight RestrictAccess -Description {description}"
            ),
            "}".to_string(),
            format!("Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {id}"),
        ]
        .join("\n"),
        notes: vec![
            t("exchange.note_aap_replaced").to_string(),
            t("exchange.note_aap_shared_mailbox").to_string(),
            t("exchange.note_aap_delay").to_string(),
        ],
    }
}

/// SMTP AUTH, the two choices of the Flowfact manual (seed 002, 3.1 and 3.2), in Microsoft's
/// words: Set-TransportConfig.md and Set-CASMailbox.md, -SmtpClientAuthenticationDisabled
/// (Boolean; the mailbox's `$false` enables it for that mailbox, `$null` follows the
/// organisation).
fn smtp_auth_choices(target: &Target) -> Vec<ExchangeCommand> {
    let mut mailbox_notes = vec![t("exchange.note_smtp_mailbox").to_string()];
    if target.mailbox.is_none() {
        mailbox_notes.push(tf(
            "exchange.note_smtp_mailboxes_unknown",
            &[("placeholder", MAILBOX_PLACEHOLDER)],
        ));
    }
    vec![
        ExchangeCommand {
            id: "smtp_auth_organization",
            kind: CommandKind::Choice,
            purpose: t("exchange.smtp_auth_organization").to_string(),
            command: [
                "if ((Get-TransportConfig).SmtpClientAuthenticationDisabled -ne $false) {",
                "    Set-TransportConfig -SmtpClientAuthenticationDisabled $false",
                "}",
            ]
            .join("\n"),
            notes: vec![
                t("exchange.note_smtp_default").to_string(),
                t("exchange.note_smtp_auth_policy").to_string(),
            ],
        },
        ExchangeCommand {
            id: "smtp_auth_mailbox",
            kind: CommandKind::Choice,
            purpose: match target.mailbox {
                Some(mailbox) => tf("exchange.smtp_auth_mailbox_named", &[("mailbox", mailbox)]),
                None => t("exchange.smtp_auth_mailbox").to_string(),
            },
            command: [
                format!("foreach ($mailbox in @({})) {{", q(target.mailbox())),
                "    Set-CASMailbox -Identity $mailbox -SmtpClientAuthenticationDisabled $false"
                    .to_string(),
                "}".to_string(),
            ]
            .join("\n"),
            notes: mailbox_notes,
        },
    ]
}

/// The EWS products' hint: what New-ServicePrincipal does (nothing on its own) and what it is
/// the first step of (scoping EWS with the role Application EWS.AccessAsApp).
fn ews_service_principal(target: &Target) -> ExchangeCommand {
    ExchangeCommand {
        id: "ews_service_principal",
        kind: CommandKind::Optional,
        purpose: t("exchange.ews_service_principal").to_string(),
        command: new_service_principal(target),
        notes: vec![
            tf(
                "exchange.note_ews_rbac",
                &[
                    ("role", ROLE_EWS),
                    ("sp", target.service_principal()),
                    ("app", target.app_name),
                ],
            ),
            tf(
                "exchange.note_ews_ends",
                &[("date", &ews::shutdown_long_date())],
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile;

    const APP: &str = "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95";
    const SP: &str = "0c9e4b1a-7d2f-4e8a-b3c6-5f1d9e2a7b40";

    fn ids(cmds: &[ExchangeCommand]) -> Vec<&str> {
        cmds.iter().map(|c| c.id).collect()
    }

    fn command<'a>(cmds: &'a [ExchangeCommand], id: &str) -> &'a ExchangeCommand {
        cmds.iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("no {id} in {:?}", ids(cmds)))
    }

    /// The allow list is read the documented way, split on commas, the ID appended only when
    /// missing, and written back as ONE string; EwsEnabled comes after the list.
    #[test]
    fn the_allow_list_keeps_the_ids_already_there_and_writes_one_string() {
        let p = profile::by_id("bueroware").unwrap();
        let cmds = for_profile(&p, APP, None, "SoftENGINE Mailserver", None);
        let text = &command(&cmds, "ews_allow_list").command;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "$ids = @((@((Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy).EwsAllowedAppIDs) -join ',') -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })",
            "read with the switch, whether it answers one string or several"
        );
        assert_eq!(lines[1], format!("if ($ids -notcontains '{APP}') {{"));
        assert_eq!(
            lines[2],
            format!("    Set-OrganizationConfig -EwsAllowedAppIDs (@($ids + '{APP}') -join ',')")
        );
        let list_at = text.find("-EwsAllowedAppIDs").unwrap();
        let enabled_at = text.find("-EwsEnabled $true").unwrap();
        assert!(list_at < enabled_at, "the list before EwsEnabled: {text}");
        assert!(
            text.contains("if ((Get-OrganizationConfig).EwsEnabled -ne $true) {"),
            "{text}"
        );
        // Never the plain read (it does not return the list) and never an array argument.
        assert!(
            !text.contains("(Get-OrganizationConfig).EwsAllowedAppIDs"),
            "{text}"
        );
        assert!(!text.contains("Select-Object"), "{text}");
    }

    /// The old wrong command read the plain Get-OrganizationConfig and passed an array.
    #[test]
    fn the_allow_list_says_what_it_does_to_the_tenant() {
        let p = profile::by_id("officemaster").unwrap();
        let cmds = for_profile(
            &p,
            APP,
            Some(SP),
            "OfficeMaster EWS",
            Some("fax@contoso.com"),
        );
        let notes = command(&cmds, "ews_allow_list").notes.join(" ");
        for needle in [
            "ONE string",
            "tenant-wide",
            "October 2026",
            "empty list",
            "24 hours",
            "before EwsEnabled",
        ] {
            assert!(notes.contains(needle), "{needle}: {notes}");
        }
        let agents = command(&cmds, "ews_user_agent_rules");
        assert!(agents.command.contains("EnforceAllowList"));
        assert!(agents.notes.join(" ").contains("EwsAllowList"));
    }

    #[test]
    fn moveit_gets_rbac_for_applications_first_and_the_access_policy_as_the_older_alternative() {
        let m = profile::by_id("moveit").unwrap();
        let cmds = for_profile(&m, APP, Some(SP), "moveIT", Some("orders@contoso.com"));
        assert_eq!(
            ids(&cmds),
            [
                "rbac_service_principal",
                "rbac_scope",
                "rbac_role_assignment",
                "rbac_test",
                "application_access_policy"
            ]
        );
        let sp = command(&cmds, "rbac_service_principal");
        assert!(
            sp.command.contains(&format!(
                "New-ServicePrincipal -AppId '{APP}' -ObjectId '{SP}' -DisplayName 'moveIT'"
            )),
            "the enterprise app's object ID: {}",
            sp.command
        );
        let scope = &command(&cmds, "rbac_scope").command;
        assert!(scope.contains(
            "New-ManagementScope -Name 'exowiz moveit 5d3f9a27 mailbox' -RecipientRestrictionFilter \"PrimarySmtpAddress -eq 'orders@contoso.com'\""
        ), "{scope}");
        let role = command(&cmds, "rbac_role_assignment");
        assert!(role.command.contains(&format!(
            "New-ManagementRoleAssignment -Name 'exowiz moveit 5d3f9a27 Mail.Send' -App '{SP}' -Role 'Application Mail.Send' -CustomResourceScope 'exowiz moveit 5d3f9a27 mailbox'"
        )), "{}", role.command);
        let notes = role.notes.join(" ");
        assert!(notes.contains("add up"), "{notes}");
        assert!(notes.contains("Revoke permission"), "{notes}");
        assert_eq!(
            command(&cmds, "rbac_test").command,
            format!(
                "Test-ServicePrincipalAuthorization -Identity '{APP}' -Resource 'orders@contoso.com'"
            )
        );
        let aap = command(&cmds, "application_access_policy");
        assert_eq!(aap.kind, CommandKind::Alternative);
        assert!(
            aap.purpose.starts_with("Older alternative"),
            "{}",
            aap.purpose
        );
        assert!(
            cmds[0].purpose.contains("RBAC for Applications"),
            "{}",
            cmds[0].purpose
        );
        assert!(aap.command.contains(&format!(
            "New-ApplicationAccessPolicy -AppId '{APP}' -PolicyScopeGroupId 'orders@contoso.com' -AccessRight RestrictAccess"
        )));
    }

    #[test]
    fn flowfact_gets_the_manuals_two_smtp_auth_choices() {
        let f = profile::by_id("flowfact").unwrap();
        let cmds = for_profile(&f, APP, None, "FFMailDienst", Some("anna@contoso.com"));
        assert_eq!(ids(&cmds), ["smtp_auth_organization", "smtp_auth_mailbox"]);
        assert!(cmds.iter().all(|c| c.kind == CommandKind::Choice));
        assert!(
            command(&cmds, "smtp_auth_organization")
                .command
                .contains("Set-TransportConfig -SmtpClientAuthenticationDisabled $false")
        );
        let mailbox = command(&cmds, "smtp_auth_mailbox");
        assert!(mailbox.command.contains("@('anna@contoso.com')"));
        assert!(mailbox.command.contains(
            "Set-CASMailbox -Identity $mailbox -SmtpClientAuthenticationDisabled $false"
        ));
        let policy = command(&cmds, "smtp_auth_organization").notes.join(" ");
        assert!(policy.contains("authentication policy"), "{policy}");
        assert!(!cmds.iter().any(|c| c.command.contains("Ews")));
    }

    #[test]
    fn the_ews_service_principal_hint_says_what_it_achieves() {
        let p = profile::by_id("officemaster").unwrap();
        let cmds = for_profile(
            &p,
            APP,
            Some(SP),
            "OfficeMaster EWS",
            Some("fax@contoso.com"),
        );
        let hint = command(&cmds, "ews_service_principal");
        assert_eq!(hint.kind, CommandKind::Optional);
        assert!(
            hint.purpose.contains("grants and limits nothing"),
            "{}",
            hint.purpose
        );
        let notes = hint.notes.join(" ");
        assert!(notes.contains("Application EWS.AccessAsApp"), "{notes}");
        assert!(notes.contains("full_access_as_app"), "{notes}");
        // Without the enterprise app's object ID there is no hint.
        let cmds = for_profile(&p, APP, None, "OfficeMaster EWS", None);
        assert!(!ids(&cmds).contains(&"ews_service_principal"));
    }

    #[test]
    fn typed_values_stay_inside_their_strings() {
        let m = profile::by_id("moveit").unwrap();
        let cmds = for_profile(
            &m,
            APP,
            Some(SP),
            "Bob's $(evil) app",
            Some("o'neil@contoso.com"),
        );
        let all: String = cmds.iter().map(|c| c.command.clone()).collect();
        assert!(all.contains("-DisplayName 'Bob''s $(evil) app'"), "{all}");
        assert!(
            all.contains("\"PrimarySmtpAddress -eq 'o''neil@contoso.com'\""),
            "{all}"
        );
        assert!(all.contains("-Resource 'o''neil@contoso.com'"), "{all}");
    }

    #[test]
    fn unknown_values_are_placeholders_that_stop_the_script_and_are_explained() {
        let m = profile::by_id("moveit").unwrap();
        let cmds = for_profile(&m, APP, None, "moveIT", None);
        let sp = command(&cmds, "rbac_service_principal");
        assert!(sp.command.contains(SERVICE_PRINCIPAL_PLACEHOLDER));
        assert!(sp.notes.join(" ").contains(SERVICE_PRINCIPAL_PLACEHOLDER));
        let scope = command(&cmds, "rbac_scope");
        assert!(scope.command.contains(MAILBOX_PLACEHOLDER));
        assert!(scope.notes.join(" ").contains(MAILBOX_PLACEHOLDER));
    }

    /// The Done step shows what each command is for in German; the commands stay as they are.
    #[test]
    fn purposes_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let p = profile::by_id("bueroware").unwrap();
        let english = for_profile(&p, APP, None, "SoftENGINE Mailserver", None);
        assert!(english[0].purpose.starts_with(
            "EWS is being switched off in Exchange Online (for good on 1 April 2027)"
        ));
        let german = with_language(Language::German, || {
            for_profile(&p, APP, None, "SoftENGINE Mailserver", None)
        });
        assert!(
            german[0]
                .purpose
                .starts_with("EWS wird in Exchange Online abgeschaltet (endgültig am 01.04.2027)"),
            "{}",
            german[0].purpose
        );
        assert_eq!(german[0].command, english[0].command);
        assert_ne!(german[0].notes, english[0].notes);
        let m = profile::by_id("moveit").unwrap();
        let german = with_language(Language::German, || {
            for_profile(&m, APP, Some(SP), "moveIT", Some("orders@contoso.com"))
        });
        assert!(
            german[0]
                .purpose
                .starts_with("Beschränken Sie die App auf das Postfach orders@contoso.com"),
            "{}",
            german[0].purpose
        );
    }
}
