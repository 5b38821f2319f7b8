//! The Exchange Online PowerShell exowiz hands over: the tenant's EWS allow list, RBAC for
//! Applications (limiting an app to a mailbox), SMTP AUTH; as commands to copy, as one saved
//! script, and the date EWS ends. Nothing here talks to Microsoft or draws a screen.
//!
//! `commands` builds the commands of a profile, `script` makes one `.ps1` of them, `save`
//! writes it, `powershell` quotes typed values into it, `ews` knows EWS's end.

pub mod commands;
pub mod ews;
pub mod powershell;
pub mod save;
pub mod script;

pub use commands::{CommandKind, ExchangeCommand, for_profile};
pub use script::ScriptHeader;

/// A file name for the script of an app, without extension: the profile and the client ID's
/// first block, e.g. `exowiz-moveit-5d3f9a27`.
pub fn file_stem(profile_id: &str, client_id: &str) -> String {
    let short: String = client_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(8)
        .collect();
    let profile: String = profile_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    format!("exowiz-{profile}-{short}")
}

/// The saved script's bytes (UTF-8 with BOM, CRLF) for `commands`.
pub fn script_file(header: &ScriptHeader, commands: &[ExchangeCommand]) -> Vec<u8> {
    script::windows_bytes(&script::render(header, commands))
}
