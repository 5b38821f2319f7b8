//! `--save-commands FILE.ps1` of `register`, `rotate` and `check`: the Exchange Online commands
//! as ONE PowerShell script (see `exowiz::exchange::script`).
//!
//! The path is checked before sign-in, so a bad one costs nothing in the tenant. An existing
//! file is kept (exit 2, before anything changes) unless `--overwrite-commands` says to replace
//! it: a script someone edited is not lost to a second run. The file is owner-only where the OS
//! allows. A failure to write after the job was done does not change the job's exit code (the
//! job happened, the commands are printed too); the sentence says what went wrong.

use super::{Exit, Failure};
use exowiz::exchange::{self, ExchangeCommand, ScriptHeader, save};
use exowiz::i18n::tf;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct SaveCommandsArgs {
    /// Save the Exchange Online commands as one PowerShell script (UTF-8 with byte-order mark,
    /// CRLF line ends, no secret), e.g. exchange.ps1. An existing file is kept unless
    /// --overwrite-commands.
    #[arg(long, value_name = "FILE.ps1")]
    pub save_commands: Option<PathBuf>,
    /// With --save-commands: replace the file if it exists.
    #[arg(long, requires = "save_commands")]
    pub overwrite_commands: bool,
}

/// What became of `--save-commands`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    NotAsked,
    To(PathBuf),
    /// The profile has no Exchange Online commands: no file was written.
    NothingToSave,
    /// The file could not be written (the sentence).
    Failed(String),
}

impl SaveCommandsArgs {
    /// Before sign-in: the path can take the script (`.ps1`, its directory exists, not there
    /// yet unless overwriting was asked for).
    pub fn check(&self) -> Result<(), Failure> {
        match &self.save_commands {
            Some(path) => save::check_target(path, self.overwrite_commands)
                .map_err(|e| Failure::new(Exit::Input, e.to_string())),
            None => Ok(()),
        }
    }

    /// Writes the script of `commands` when asked.
    pub fn save(&self, header: &ScriptHeader, commands: &[ExchangeCommand]) -> Saved {
        let Some(path) = &self.save_commands else {
            return Saved::NotAsked;
        };
        if commands.is_empty() {
            return Saved::NothingToSave;
        }
        let bytes = exchange::script_file(header, commands);
        match save::write(path, &bytes, self.overwrite_commands) {
            Ok(()) => Saved::To(path.clone()),
            Err(e) => Saved::Failed(tf(
                "exchange_save.not_written",
                &[
                    ("path", &path.display().to_string()),
                    ("error", &e.to_string()),
                ],
            )),
        }
    }
}

impl Saved {
    /// `commands_saved_to` in `--json`: the path, or null.
    pub fn json_path(&self) -> serde_json::Value {
        match self {
            Saved::To(path) => serde_json::json!(path.display().to_string()),
            _ => serde_json::Value::Null,
        }
    }

    /// The sentence for the output (None when nothing was asked).
    pub fn sentence(&self) -> Option<String> {
        match self {
            Saved::NotAsked => None,
            Saved::To(path) => Some(format!(
                "Exchange Online commands saved to {} (one PowerShell script: UTF-8 with BOM, CRLF; no secret).",
                path.display()
            )),
            Saved::NothingToSave => Some(
                "No Exchange Online commands for this app: --save-commands wrote no file."
                    .to_string(),
            ),
            Saved::Failed(sentence) => Some(sentence.clone()),
        }
    }

    /// Prints the sentence: on stdout in text mode, on stderr with `--json` (stdout is the one
    /// object) or when writing failed.
    pub fn report(&self, json: bool) {
        let Some(sentence) = self.sentence() else {
            return;
        };
        if json || matches!(self, Saved::Failed(_)) {
            safe_eprintln!("{sentence}");
        } else {
            safe_println!("\n{sentence}");
        }
    }
}
