//! The PowerShell exowiz hands over, checked against Microsoft's cmdlet reference.
//!
//! `TABLE` lists every cmdlet and parameter exowiz generates, with the parameter's type as the
//! reference gives it and the file it comes from (MicrosoftDocs/office-docs-powershell, at
//! commit 93336da of 2026-08-21, `exchange/exchange-ps/ExchangePowerShell/<Cmdlet>.md`; the
//! PowerShell core cmdlets from MicrosoftDocs/PowerShell-Docs, `reference/5.1/…`). A small
//! PowerShell tokenizer below reads the generated commands and the saved script; every
//! `-Parameter` given to a cmdlet must be in the table (an unknown one fails), a Boolean takes
//! `$true`/`$false`/`$null`, a String takes one value (never a comma list), a switch takes none,
//! the required parameters are there, and an operator (`-join`, `-notcontains`, …) is only
//! taken for one outside a cmdlet's arguments. `pwsh` is not available here, so the text is
//! checked precisely instead of run.

use exowiz::exchange::{self, CommandKind, ExchangeCommand, ScriptHeader};
use exowiz::i18n::{Language, with_language};
use exowiz::profile::{self, Permission, Profile};
use std::collections::BTreeSet;

const EXO: &str = "MicrosoftDocs/office-docs-powershell exchange/exchange-ps/ExchangePowerShell/";

/// One parameter as the cmdlet reference documents it.
struct Param {
    name: &'static str,
    /// The `Type:` line of the parameter's yaml block.
    ty: &'static str,
    /// Required in the parameter set exowiz uses.
    required: bool,
    /// Valid values, where the reference lists them (empty: any).
    values: &'static [&'static str],
}

struct Cmdlet {
    name: &'static str,
    /// The reference file (repository and path).
    doc: &'static str,
    params: &'static [Param],
    /// The parameter at position 0 that exowiz gives without its name (the core cmdlets' script
    /// block or message); the Exchange cmdlets are always given names.
    positional: Option<Param>,
}

const fn p(name: &'static str, ty: &'static str, required: bool) -> Param {
    Param {
        name,
        ty,
        required,
        values: &[],
    }
}

/// Every cmdlet and parameter exowiz generates (the test below also checks that each row is
/// used, so the table is exactly what exowiz hands over).
const TABLE: &[Cmdlet] = &[
    Cmdlet {
        name: "Connect-ExchangeOnline",
        doc: "Connect-ExchangeOnline.md",
        params: &[],
        positional: None,
    },
    Cmdlet {
        // The switch is documented in Set-OrganizationConfig.md (-EwsAllowedAppIDs: "use the
        // RetrieveEwsOperationAccessPolicy switch on the Get-OrganizationConfig cmdlet"; the note
        // under Example 7: `Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy | Format-List
        // EwsAllowedAppIDs`). Get-OrganizationConfig.md's own syntax block did not list it yet at
        // that commit.
        name: "Get-OrganizationConfig",
        doc: "Get-OrganizationConfig.md + Set-OrganizationConfig.md (-EwsAllowedAppIDs, Example 7)",
        params: &[p(
            "RetrieveEwsOperationAccessPolicy",
            "SwitchParameter",
            false,
        )],
        positional: None,
    },
    Cmdlet {
        name: "Set-OrganizationConfig",
        doc: "Set-OrganizationConfig.md",
        params: &[
            // "To specify multiple values, use a comma-separated list of GUIDs: "AppId1,AppId2"".
            p("EwsAllowedAppIDs", "String", false),
            p("EwsEnabled", "Boolean", false),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Get-ServicePrincipal",
        doc: "Get-ServicePrincipal.md",
        params: &[],
        positional: None,
    },
    Cmdlet {
        // -ServiceId is listed as required too, but "is being deprecated. Use the ObjectId
        // parameter instead": not in this table, so generating it fails.
        name: "New-ServicePrincipal",
        doc: "New-ServicePrincipal.md",
        params: &[
            p("AppId", "String", true),
            p("ObjectId", "String", true),
            p("DisplayName", "String", false),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Get-ManagementScope",
        doc: "Get-ManagementScope.md",
        params: &[],
        positional: None,
    },
    Cmdlet {
        // Parameter set RecipientFilter.
        name: "New-ManagementScope",
        doc: "New-ManagementScope.md",
        params: &[
            p("Name", "String", true),
            p("RecipientRestrictionFilter", "String", true),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Set-ManagementScope",
        doc: "Set-ManagementScope.md",
        params: &[
            p("Identity", "ManagementScopeIdParameter", true),
            p("RecipientRestrictionFilter", "String", false),
        ],
        positional: None,
    },
    Cmdlet {
        // Parameter set RoleAssignee.
        name: "Get-ManagementRoleAssignment",
        doc: "Get-ManagementRoleAssignment.md",
        params: &[p("Role", "RoleIdParameter", false)],
        positional: None,
    },
    Cmdlet {
        // Parameter set App.
        name: "New-ManagementRoleAssignment",
        doc: "New-ManagementRoleAssignment.md",
        params: &[
            p("Name", "String", false),
            p("App", "ServicePrincipalIdParameter", true),
            p("Role", "RoleIdParameter", true),
            p("CustomResourceScope", "ManagementScopeIdParameter", false),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Test-ServicePrincipalAuthorization",
        doc: "Test-ServicePrincipalAuthorization.md",
        params: &[
            p("Identity", "ServicePrincipalIdParameter", true),
            p("Resource", "UserIdParameter", false),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Get-ApplicationAccessPolicy",
        doc: "Get-ApplicationAccessPolicy.md",
        params: &[],
        positional: None,
    },
    Cmdlet {
        name: "New-ApplicationAccessPolicy",
        doc: "New-ApplicationAccessPolicy.md",
        params: &[
            p("AppId", "String[]", true),
            // The heading spells it -PolicyScopeGroupID; PowerShell ignores the case.
            p("PolicyScopeGroupId", "RecipientIdParameter", true),
            // The reference's Type line says ApplicationAccessPolicyIdParameter; its text lists
            // the valid values.
            Param {
                name: "AccessRight",
                ty: "ApplicationAccessPolicyIdParameter",
                required: true,
                values: &["RestrictAccess", "DenyAccess"],
            },
            p("Description", "String", false),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Test-ApplicationAccessPolicy",
        doc: "Test-ApplicationAccessPolicy.md",
        params: &[
            p("Identity", "RecipientIdParameter", true),
            p("AppId", "String", true),
        ],
        positional: None,
    },
    Cmdlet {
        name: "Get-TransportConfig",
        doc: "Get-TransportConfig.md",
        params: &[],
        positional: None,
    },
    Cmdlet {
        name: "Set-TransportConfig",
        doc: "Set-TransportConfig.md",
        params: &[p("SmtpClientAuthenticationDisabled", "Boolean", false)],
        positional: None,
    },
    Cmdlet {
        name: "Set-CASMailbox",
        doc: "Set-CASMailbox.md",
        params: &[
            p("Identity", "MailboxIdParameter", true),
            p("SmtpClientAuthenticationDisabled", "Boolean", false),
        ],
        positional: None,
    },
    Cmdlet {
        name: "ForEach-Object",
        doc: "MicrosoftDocs/PowerShell-Docs reference/5.1/Microsoft.PowerShell.Core/ForEach-Object.md",
        params: &[],
        positional: Some(p("Process", "ScriptBlock[]", true)),
    },
    Cmdlet {
        name: "Where-Object",
        doc: "MicrosoftDocs/PowerShell-Docs reference/5.1/Microsoft.PowerShell.Core/Where-Object.md",
        params: &[],
        positional: Some(p("FilterScript", "ScriptBlock", true)),
    },
    Cmdlet {
        name: "Write-Warning",
        doc: "MicrosoftDocs/PowerShell-Docs reference/5.1/Microsoft.PowerShell.Utility/Write-Warning.md",
        params: &[],
        positional: Some(p("Message", "String", true)),
    },
];

/// RBAC for Applications role names exowiz assigns (learn.microsoft.com/exchange/
/// permissions-exo/application-rbac, "Supported Application Roles"; the "Application <Graph
/// permission>" form is in Test-ServicePrincipalAuthorization.md's examples).
const ROLES: &[&str] = &["Application Mail.Send", "Application EWS.AccessAsApp"];

/// PowerShell's operators (about_Operators, about_Comparison_Operators, about_Logical_Operators,
/// about_Split, about_Join): a `-word` outside a cmdlet's arguments must be one of these.
const OPERATORS: &[&str] = &[
    "eq",
    "ne",
    "gt",
    "ge",
    "lt",
    "le",
    "like",
    "notlike",
    "match",
    "notmatch",
    "contains",
    "notcontains",
    "in",
    "notin",
    "replace",
    "split",
    "join",
    "and",
    "or",
    "not",
    "xor",
    "is",
    "isnot",
    "f",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Newline,
    Word(String),
    Dash(String, bool),
    Var(String),
    Str,
    Open,
    Close,
    Pipe,
    Semi,
    Assign,
    Comma,
    Dot,
    Other,
}

/// Splits PowerShell text into tokens; comments and string contents are dropped.
fn tokenize(text: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let word_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '\\' | '/' | '@');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            ' ' | '\t' | '\r' => i += 1,
            '<' if chars.get(i + 1) == Some(&'#') => {
                let rest: String = chars[i..].iter().collect();
                let end = rest.find("#>").ok_or("unterminated <# comment")?;
                i += rest[..end + 2].chars().count();
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '\'' | '\u{2018}' | '\u{2019}' => {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated single-quoted string".into()),
                        Some('\'' | '\u{2018}' | '\u{2019}')
                            if matches!(chars.get(i + 1), Some('\'' | '\u{2018}' | '\u{2019}')) =>
                        {
                            i += 2
                        }
                        Some('\'' | '\u{2018}' | '\u{2019}') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.push(Tok::Str);
            }
            '"' => {
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err("unterminated double-quoted string".into()),
                        Some('`') => i += 2,
                        Some('$') if chars.get(i + 1) == Some(&'(') => {
                            return Err("a $( ) subexpression inside a double-quoted string".into());
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(_) => i += 1,
                    }
                }
                out.push(Tok::Str);
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                out.push(Tok::Open);
                i += 2;
            }
            '$' => {
                let start = i + 1;
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                out.push(Tok::Var(chars[start..i].iter().collect()));
            }
            '@' if matches!(chars.get(i + 1), Some('(' | '{')) => {
                out.push(Tok::Open);
                i += 2;
            }
            '(' | '{' => {
                out.push(Tok::Open);
                i += 1;
            }
            ')' | '}' => {
                out.push(Tok::Close);
                i += 1;
            }
            '|' => {
                out.push(Tok::Pipe);
                i += 1;
            }
            ';' => {
                out.push(Tok::Semi);
                i += 1;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            '.' => {
                out.push(Tok::Dot);
                i += 1;
            }
            '=' => {
                out.push(Tok::Assign);
                i += 1;
            }
            '+' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::Assign);
                i += 2;
            }
            '-' if chars.get(i + 1).is_some_and(|c| c.is_alphabetic()) => {
                let start = i + 1;
                i += 1;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let name: String = chars[start..i].iter().collect();
                let inline = chars.get(i) == Some(&':');
                if inline {
                    i += 1;
                }
                out.push(Tok::Dash(name, inline));
            }
            c if word_char(c) => {
                let start = i;
                while i < chars.len() && word_char(chars[i]) {
                    i += 1;
                }
                out.push(Tok::Word(chars[start..i].iter().collect()));
            }
            _ => {
                out.push(Tok::Other);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A cmdlet call being read: which cmdlet, what it was given so far.
struct Call {
    cmdlet: &'static Cmdlet,
    given: Vec<&'static str>,
    /// The parameter whose value comes next.
    pending: Option<&'static Param>,
    /// The parameter the last value went to (a comma after it makes an array).
    last_valued: Option<&'static Param>,
}

#[derive(Default)]
struct Frame {
    start: bool,
    call: Option<Call>,
    member_next: bool,
}

impl Frame {
    fn new() -> Self {
        Frame {
            start: true,
            ..Default::default()
        }
    }
}

/// Every (cmdlet, parameter) the text uses, or the first thing wrong with it.
fn check(text: &str) -> Result<Vec<(String, String)>, String> {
    let tokens = tokenize(text)?;
    let mut used = Vec::new();
    let mut stack = vec![Frame::new()];
    let finish = |frame: &mut Frame| -> Result<(), String> {
        if let Some(call) = frame.call.take() {
            if let Some(p) = call.pending {
                return Err(format!("{} -{} has no value", call.cmdlet.name, p.name));
            }
            for p in call.cmdlet.params.iter().filter(|p| p.required) {
                if !call.given.contains(&p.name) {
                    return Err(format!(
                        "{} without its required -{}",
                        call.cmdlet.name, p.name
                    ));
                }
            }
        }
        Ok(())
    };
    for tok in &tokens {
        let frame = stack
            .last_mut()
            .ok_or("more closing than opening brackets")?;
        // `.Name` after a value is a member, not a command or an argument.
        if std::mem::take(&mut frame.member_next) && matches!(tok, Tok::Word(_)) {
            continue;
        }
        match tok {
            Tok::Newline | Tok::Semi | Tok::Pipe => {
                finish(frame)?;
                frame.start = true;
            }
            Tok::Assign => {
                finish(frame)?;
                frame.start = true;
            }
            Tok::Open => {
                value_given(frame, tok)?;
                frame.start = false;
                stack.push(Frame::new());
            }
            Tok::Close => {
                let mut inner = stack.pop().ok_or("unbalanced brackets")?;
                finish(&mut inner)?;
                if stack.is_empty() {
                    return Err("more closing than opening brackets".into());
                }
            }
            Tok::Dot => frame.member_next = true,
            Tok::Comma => {
                if let Some(call) = &frame.call
                    && let Some(p) = call.last_valued
                    && !p.ty.ends_with("[]")
                {
                    return Err(format!(
                        "{} -{} ({}) is given a list; it takes one value",
                        call.cmdlet.name, p.name, p.ty
                    ));
                }
            }
            Tok::Word(w) if frame.start => {
                let keyword = ["if", "elseif", "else", "foreach", "while"]
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(w));
                if keyword {
                    continue;
                }
                if w.contains('-') && w.chars().next().is_some_and(char::is_alphabetic) {
                    let cmdlet = TABLE
                        .iter()
                        .find(|c| c.name.eq_ignore_ascii_case(w))
                        .ok_or_else(|| format!("{w} is not in the table of cmdlets"))?;
                    used.push((cmdlet.name.to_string(), String::new()));
                    if let Some(param) = &cmdlet.positional {
                        used.push((cmdlet.name.to_string(), param.name.to_string()));
                    }
                    frame.call = Some(Call {
                        cmdlet,
                        given: Vec::new(),
                        pending: None,
                        last_valued: None,
                    });
                }
                frame.start = false;
            }
            Tok::Dash(name, inline) => {
                frame.start = false;
                let Some(call) = frame.call.as_mut() else {
                    if OPERATORS.iter().any(|o| o.eq_ignore_ascii_case(name)) {
                        continue;
                    }
                    return Err(format!("-{name} is neither a parameter nor an operator"));
                };
                if let Some(p) = call.pending {
                    return Err(format!("{} -{} has no value", call.cmdlet.name, p.name));
                }
                let param = call
                    .cmdlet
                    .params
                    .iter()
                    .find(|p| p.name.eq_ignore_ascii_case(name))
                    .ok_or_else(|| {
                        format!(
                            "{} has no parameter -{name} in the table ({}{})",
                            call.cmdlet.name, EXO, call.cmdlet.doc
                        )
                    })?;
                if call.given.contains(&param.name) {
                    return Err(format!("{} -{} given twice", call.cmdlet.name, param.name));
                }
                call.given.push(param.name);
                used.push((call.cmdlet.name.to_string(), param.name.to_string()));
                call.last_valued = None;
                if param.ty != "SwitchParameter" || *inline {
                    call.pending = Some(param);
                }
            }
            other => {
                value_given(frame, other)?;
                frame.start = false;
            }
        }
    }
    if stack.len() != 1 {
        return Err("unbalanced brackets".into());
    }
    finish(&mut stack[0])?;
    Ok(used)
}

/// A value token reaches the call in `frame`: the pending parameter's value (checked against
/// its type), or the cmdlet's positional parameter; any other value without a name fails.
fn value_given(frame: &mut Frame, tok: &Tok) -> Result<(), String> {
    let Some(call) = frame.call.as_mut() else {
        return Ok(());
    };
    let param = match call.pending.take() {
        Some(param) => param,
        None => match &call.cmdlet.positional {
            Some(param) if !call.given.contains(&param.name) => {
                call.given.push(param.name);
                param
            }
            _ => {
                return Err(format!(
                    "{} is given a value without a parameter name",
                    call.cmdlet.name
                ));
            }
        },
    };
    match param.ty {
        "Boolean" => match tok {
            Tok::Var(v) if ["true", "false", "null"].contains(&v.to_ascii_lowercase().as_str()) => {
            }
            other => {
                return Err(format!(
                    "{} -{} (Boolean) is given {other:?}, not $true/$false/$null",
                    call.cmdlet.name, param.name
                ));
            }
        },
        "SwitchParameter" => match tok {
            Tok::Var(v) if ["true", "false"].contains(&v.to_ascii_lowercase().as_str()) => {}
            other => {
                return Err(format!(
                    "{} -{} is a switch; it was given {other:?}",
                    call.cmdlet.name, param.name
                ));
            }
        },
        _ if !param.values.is_empty() => match tok {
            Tok::Word(w) if param.values.iter().any(|v| v.eq_ignore_ascii_case(w)) => {}
            other => {
                return Err(format!(
                    "{} -{} takes {:?}; it was given {other:?}",
                    call.cmdlet.name, param.name, param.values
                ));
            }
        },
        _ => {}
    }
    call.last_valued = Some(param);
    Ok(())
}

/// Every `-Role` value a command gives.
fn roles(text: &str) -> Vec<String> {
    text.split("-Role ")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.strip_prefix('\'')?;
            Some(rest[..rest.find('\'')?].to_string())
        })
        .collect()
}

/// Every profile, plus a custom one asking for EWS, in both languages, with and without the
/// mailbox and the enterprise app's object ID.
fn all_commands() -> Vec<(Profile, Vec<ExchangeCommand>)> {
    let mut profiles = profile::all().unwrap();
    profiles.push(
        profile::by_id("custom")
            .unwrap()
            .with_extra_permissions(vec![
                Permission::parse_spec("exchange:full_access_as_app:application").unwrap(),
            ]),
    );
    let mut out = Vec::new();
    for language in [Language::English, Language::German] {
        for p in &profiles {
            for sp in [Some("0c9e4b1a-7d2f-4e8a-b3c6-5f1d9e2a7b40"), None] {
                for mailbox in [Some("o'neil@contoso.com"), None] {
                    let cmds = with_language(language, || {
                        exchange::for_profile(
                            p,
                            "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95",
                            sp,
                            "App \"$(x)\" ’n' Co",
                            mailbox,
                        )
                    });
                    out.push((p.clone(), cmds));
                }
            }
        }
    }
    out
}

fn header(p: &Profile) -> ScriptHeader {
    ScriptHeader {
        product: p.product.clone(),
        app_name: p.default_app_name.clone(),
        client_id: "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95".into(),
        tenant_id: Some("6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90".into()),
    }
}

#[test]
fn every_parameter_exowiz_generates_is_in_microsofts_table() {
    let mut used = BTreeSet::new();
    for (p, cmds) in all_commands() {
        for c in &cmds {
            let found = check(&c.command)
                .unwrap_or_else(|e| panic!("{} / {}: {e}\n{}", p.id, c.id, c.command));
            used.extend(found);
            for role in roles(&c.command) {
                assert!(ROLES.contains(&role.as_str()), "unknown role {role}");
            }
        }
        // The saved script as PowerShell reads it (comments skipped), and the lines it keeps
        // commented out as they read once the "# " is removed.
        let script = exchange::script::render(&header(&p), &cmds);
        let found = check(&script).unwrap_or_else(|e| panic!("{}: {e}\n{script}", p.id));
        used.extend(found);
        for c in cmds.iter().filter(|c| c.kind != CommandKind::Run) {
            let uncommented: String = script
                .lines()
                .filter_map(|l| l.strip_prefix("# "))
                .collect::<Vec<_>>()
                .join("\n");
            assert!(uncommented.contains(&c.command), "{}: {}", p.id, c.id);
        }
    }
    // The table holds nothing exowiz does not generate.
    for cmdlet in TABLE {
        assert!(
            used.contains(&(cmdlet.name.to_string(), String::new())),
            "{} is in the table but never generated",
            cmdlet.name
        );
        for param in cmdlet.params {
            assert!(
                used.contains(&(cmdlet.name.to_string(), param.name.to_string())),
                "{} -{} is in the table but never generated",
                cmdlet.name,
                param.name
            );
        }
    }
}

/// The checker itself: each kind of mistake is caught, with the old (wrong) allow-list command
/// among them.
#[test]
fn the_checker_catches_what_microsofts_reference_does_not_allow() {
    let wrong = [
        // Today's command before this change: an array from the plain Get-OrganizationConfig.
        (
            "Set-OrganizationConfig -EwsEnabled $true -EwsAllowedAppIDs (@((Get-OrganizationConfig).EwsAllowedAppIDs) + 'app-1' | Where-Object { $_ } | Select-Object -Unique)",
            "Select-Object is not in the table",
        ),
        (
            "Set-OrganizationConfig -EwsAllowedAppIDs 'a', 'b'",
            "given a list",
        ),
        (
            "Set-OrganizationConfig -EwsAllowedAppIds2 'a'",
            "no parameter -EwsAllowedAppIds2",
        ),
        ("Set-OrganizationConfig -EwsEnabled 'yes'", "Boolean"),
        ("Set-OrganizationConfig -EwsEnabled", "has no value"),
        (
            "New-ServicePrincipal -AppId 'a' -ServiceId 'b'",
            "no parameter -ServiceId",
        ),
        ("New-ServicePrincipal -AppId 'a'", "required -ObjectId"),
        (
            "New-ApplicationAccessPolicy -AppId 'a' -PolicyScopeGroupId 'b' -AccessRight AllowAll",
            "takes",
        ),
        (
            "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy 'x'",
            "without a parameter name",
        ),
        (
            "Test-ApplicationAccessPolicy 'mbx' -AppId 'a'",
            "without a parameter name",
        ),
        (
            "if ($a -frobnicate $b) { }",
            "neither a parameter nor an operator",
        ),
        (
            "Set-CASMailbox -Identity 'a' -SmtpClientAuthenticationDisabled $false)",
            "brackets",
        ),
    ];
    for (text, why) in wrong {
        let e = check(text).expect_err(text);
        assert!(e.contains(why), "{text}: {e}");
    }
    let right = [
        "$ids = @((@((Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy).EwsAllowedAppIDs) -join ',') -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })",
        "Set-OrganizationConfig -EwsAllowedAppIDs (@($ids + 'x') -join ',')",
        "Set-OrganizationConfig -EwsEnabled:$true",
        "Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy",
    ];
    for text in right {
        check(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

/// The saved file as Windows PowerShell 5.1 needs it, and the same script inside.
#[test]
fn the_script_file_is_utf8_with_bom_and_crlf() {
    let p = profile::by_id("officemaster").unwrap();
    let cmds = with_language(Language::German, || {
        exchange::for_profile(
            &p,
            "5d3f9a27-1c4e-4b8d-a6f2-8e0b3c7d1a95",
            None,
            "Büro",
            None,
        )
    });
    let bytes = with_language(Language::German, || {
        exchange::script_file(&header(&p), &cmds)
    });
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.contains("für"), "umlauts in UTF-8");
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert!(text.ends_with("\r\n"));
    check(&text.replace("\r\n", "\n")).unwrap();
}
