//! The commands as ONE PowerShell script: what they are for as comments, the IDs filled in,
//! `Connect-ExchangeOnline` first, the commands the admin must choose from written commented
//! out. `windows_bytes` gives the file as Windows PowerShell 5.1 reads it right.

use super::commands::{CommandKind, ExchangeCommand};
use crate::i18n::{t, tf};

/// Whose commands these are: the script's first comment lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptHeader {
    pub product: String,
    pub app_name: String,
    pub client_id: String,
    pub tenant_id: Option<String>,
}

/// Comments are wrapped to this width (the code is left as it is: PowerShell takes it whole).
const COMMENT_WIDTH: usize = 100;

/// The script with `\n` line ends; `windows_bytes` makes the file of it.
pub fn render(header: &ScriptHeader, commands: &[ExchangeCommand]) -> String {
    let mut out = Vec::<String>::new();
    // Fails at once, with the module's name, where ExchangeOnlineManagement is not installed.
    out.push("#Requires -Modules ExchangeOnlineManagement".into());
    comment(
        &mut out,
        "",
        &tf(
            "exchange_script.title",
            &[
                ("product", &header.product),
                ("app", &header.app_name),
                ("client_id", &header.client_id),
            ],
        ),
    );
    if let Some(tenant) = &header.tenant_id {
        comment(
            &mut out,
            "",
            &tf("exchange_script.tenant", &[("tenant_id", tenant)]),
        );
    }
    comment(&mut out, "", t("exchange_script.made_by"));
    comment(&mut out, "", t("exchange_script.how"));
    out.push(String::new());
    comment(&mut out, "", t("exchange_script.stop"));
    out.push("$ErrorActionPreference = 'Stop'".into());
    out.push(String::new());
    comment(&mut out, "", t("exchange_script.connect"));
    out.push("Connect-ExchangeOnline".into());
    if commands.is_empty() {
        out.push(String::new());
        comment(&mut out, "", t("exchange_script.nothing"));
    }
    let mut in_choice = false;
    for (i, command) in commands.iter().enumerate() {
        out.push(String::new());
        if command.kind == CommandKind::Choice && !in_choice {
            comment(&mut out, "", t("exchange_script.choose"));
            out.push(String::new());
        }
        in_choice = command.kind == CommandKind::Choice;
        comment(
            &mut out,
            "",
            &tf(
                "exchange_script.step",
                &[("n", &(i + 1).to_string()), ("purpose", &command.purpose)],
            ),
        );
        for note in &command.notes {
            comment(&mut out, "   ", note);
        }
        match command.kind {
            CommandKind::Run => out.extend(command.command.lines().map(str::to_string)),
            CommandKind::Choice => commented_code(&mut out, &command.command),
            CommandKind::Optional | CommandKind::Alternative => {
                comment(&mut out, "   ", t("exchange_script.not_run"));
                commented_code(&mut out, &command.command);
            }
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// Lines of code the script does not run: each behind "# ", so removing those two characters
/// gives the command back exactly.
fn commented_code(out: &mut Vec<String>, code: &str) {
    out.extend(code.lines().map(|line| format!("# {line}")));
}

/// `text` as `#` comment lines of at most `COMMENT_WIDTH` characters, continuation lines
/// indented by `indent` (after the `#`).
fn comment(out: &mut Vec<String>, indent: &str, text: &str) {
    let mut line = format!("#{indent}");
    let start_len = line.chars().count();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > start_len && len + 1 + word.chars().count() > COMMENT_WIDTH {
            out.push(std::mem::replace(&mut line, format!("#{indent}")));
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push(line);
}

/// The script as a file for Windows: UTF-8 with a byte-order mark and CRLF line ends. Windows
/// PowerShell 5.1 reads a script without a BOM in the system's ANSI code page, so "ä" in a
/// comment or a warning would come out as "Ã¤" (about_Character_Encoding in
/// MicrosoftDocs/PowerShell-Docs, `reference/5.1/Microsoft.PowerShell.Core/About/
/// about_Character_Encoding.md`); PowerShell 7 reads either.
pub fn windows_bytes(script: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(script.len() + script.lines().count() + 3);
    bytes.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
    for line in script.split_inclusive('\n') {
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::for_profile;
    use crate::profile;

    const APP: &str = "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95";
    const SP: &str = "0c9e4b1a-7d2f-4e8a-b3c6-5f1d9e2a7b40";

    fn header(product: &str) -> ScriptHeader {
        ScriptHeader {
            product: product.into(),
            app_name: "moveIT".into(),
            client_id: APP.into(),
            tenant_id: Some("6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90".into()),
        }
    }

    /// The code lines the script runs (not comments, not blank).
    fn code(script: &str) -> Vec<&str> {
        script
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .collect()
    }

    #[test]
    fn connect_comes_first_and_the_ids_are_filled_in() {
        let m = profile::by_id("moveit").unwrap();
        let cmds = for_profile(&m, APP, Some(SP), "moveIT", Some("orders@contoso.com"));
        let script = render(&header("moveIT communication system"), &cmds);
        assert!(script.starts_with("#Requires -Modules ExchangeOnlineManagement\n"));
        let code = code(&script);
        assert_eq!(code[0], "$ErrorActionPreference = 'Stop'");
        assert_eq!(code[1], "Connect-ExchangeOnline");
        let title = script.lines().nth(1).unwrap();
        assert!(
            title.starts_with("# Exchange Online commands for moveIT communication system: app"),
            "{title}"
        );
        assert!(script.contains(&format!("-AppId '{APP}'")));
        assert!(script.contains("Tenant ID: 6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90"));
        assert!(script.contains(&format!("-ObjectId '{SP}'")));
        assert!(
            !script.contains('\r'),
            "render gives \\n; windows_bytes makes CRLF"
        );
    }

    /// The RBAC steps run; the older Application Access Policy is there, commented out, and
    /// gives the command back exactly once the "# " is removed.
    #[test]
    fn alternatives_and_choices_are_written_commented_out() {
        let m = profile::by_id("moveit").unwrap();
        let cmds = for_profile(&m, APP, Some(SP), "moveIT", Some("orders@contoso.com"));
        let script = render(&header("moveIT"), &cmds);
        let run = code(&script).join("\n");
        assert!(
            run.contains("New-ManagementRoleAssignment -Name"),
            "{script}"
        );
        assert!(!run.contains("New-ApplicationAccessPolicy"), "{script}");
        let aap = cmds
            .iter()
            .find(|c| c.id == "application_access_policy")
            .unwrap();
        let uncommented: Vec<&str> = script
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .collect();
        assert!(
            uncommented.join("\n").contains(&aap.command),
            "the alternative, commented out, line for line: {script}"
        );

        let f = profile::by_id("flowfact").unwrap();
        let cmds = for_profile(&f, APP, None, "FFMailDienst", None);
        let script = render(&header("Flowfact"), &cmds);
        assert_eq!(
            code(&script),
            ["$ErrorActionPreference = 'Stop'", "Connect-ExchangeOnline"],
            "the admin chooses; nothing runs unasked: {script}"
        );
        assert_eq!(script.matches("Choose ONE").count(), 1, "{script}");
        assert!(
            script
                .contains("\n#     Set-TransportConfig -SmtpClientAuthenticationDisabled $false\n"),
            "{script}"
        );
    }

    #[test]
    fn comments_are_wrapped_and_every_line_is_a_comment_or_code() {
        let p = profile::by_id("officemaster").unwrap();
        let cmds = for_profile(
            &p,
            APP,
            Some(SP),
            "OfficeMaster EWS",
            Some("fax@contoso.com"),
        );
        let script = render(&header("OfficeMaster"), &cmds);
        // Code written commented out keeps its length; everything else wraps.
        let commented_code: Vec<String> = cmds
            .iter()
            .filter(|c| c.kind != CommandKind::Run)
            .flat_map(|c| {
                c.command
                    .lines()
                    .map(|l| format!("# {l}"))
                    .collect::<Vec<_>>()
            })
            .collect();
        for line in script.lines() {
            if line.starts_with('#') && !commented_code.iter().any(|c| c == line) {
                assert!(line.chars().count() <= COMMENT_WIDTH, "too long: {line}");
            }
            assert!(
                line.is_empty()
                    || line.starts_with('#')
                    || code(&script).contains(&line)
                    || cmds.iter().any(|c| c.command.lines().any(|l| l == line)),
                "neither comment nor a command's line: {line}"
            );
        }
        assert!(
            script.contains("# 1. EWS is being switched off"),
            "{script}"
        );
    }

    #[test]
    fn the_file_is_utf8_with_a_bom_and_crlf_only() {
        let bytes = windows_bytes("# Grüße\nConnect-ExchangeOnline\n");
        assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF]);
        let text = std::str::from_utf8(&bytes[3..]).unwrap();
        assert_eq!(text, "# Grüße\r\nConnect-ExchangeOnline\r\n");
        // Already CRLF stays CRLF, never CRCRLF.
        assert_eq!(&windows_bytes("a\r\nb")[3..], b"a\r\nb\r\n");
    }

    #[test]
    fn a_profile_without_commands_says_so() {
        let c = profile::by_id("custom").unwrap();
        let script = render(&header("custom"), &for_profile(&c, APP, None, "x", None));
        assert!(script.contains("exowiz knows no Exchange Online commands"));
    }
}
