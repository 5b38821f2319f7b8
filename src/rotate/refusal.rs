//! Why a removal of secrets is refused before anything is removed ([`super::check_removal`],
//! [`super::check_keep`]), and why a rotation could not be saved ([`super::save`]). Kept as
//! data (which key ID, which rule, the io cause); the `Display` is the sentence shown.

use std::path::PathBuf;

use crate::i18n::tf;

/// A list of key IDs to remove that must not be removed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemovalRefused {
    /// The list holds the secret the connector keeps using (the new one, or `--keep`'s).
    #[error("{}", tf("rotate.keep_is_protected", &[("key_id", key_id)]))]
    Protected { key_id: String },
    /// The app has no secret with this key ID.
    #[error("{}", tf("rotate.no_such_secret", &[("key_id", key_id)]))]
    NoSuchSecret { key_id: String },
}

/// A `--keep KEYID` that would leave the connector without its newest working secret. The
/// sentences are the command line's (English): only `exowiz rotate --keep` takes a key ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeepRefused {
    /// The app has no such secret; `known` are the secrets it has: (key ID, label).
    #[error(
        "The app {app_id} has no secret with key ID {keep} ({}). Nothing was removed.",
        known_list(known)
    )]
    NoSuchSecret {
        app_id: String,
        keep: String,
        known: Vec<(String, String)>,
    },
    /// The secret to keep has expired.
    #[error(
        "The secret {keep} has expired: keeping only it would leave the connector without a working secret. Make a new one with: exowiz rotate --app-id {app_id}. Nothing was removed."
    )]
    Expired { app_id: String, keep: String },
    /// A newer secret than the one to keep exists: (key ID, label) of it.
    #[error(
        "The secret {keep} is not the newest: removing the others would remove the newer secret {} ({}). Pass the key ID exowiz rotate printed for the new secret. Nothing was removed.",
        newer.0,
        newer.1
    )]
    NotNewest {
        keep: String,
        newer: (String, String),
    },
}

/// `key (label), …`, or "it has none".
fn known_list(known: &[(String, String)]) -> String {
    if known.is_empty() {
        return "it has none".to_string();
    }
    known
        .iter()
        .map(|(key_id, label)| format!("{key_id} ({label})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The admin named a secret that cannot be removed (or kept): nothing was removed.
impl From<RemovalRefused> for crate::error::JobError {
    fn from(e: RemovalRefused) -> Self {
        crate::error::JobError::Input(e.to_string())
    }
}

/// As [`RemovalRefused`]: the admin's input, nothing removed.
impl From<KeepRefused> for crate::error::JobError {
    fn from(e: KeepRefused) -> Self {
        crate::error::JobError::Input(e.to_string())
    }
}

/// The saved registration could not be written after a rotation step; the rotation itself
/// stands (saving serves `exowiz status`), so this is a note, not a failed job.
#[derive(Debug, thiserror::Error)]
#[error("{}", tf("rotate.not_saved", &[("path", &path.display().to_string()), ("error", &cause.to_string())]))]
pub struct NotSaved {
    /// The store's file.
    pub path: PathBuf,
    #[source]
    pub cause: std::io::Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The note names the file and the io error; the cause stays reachable as the source.
    #[test]
    fn not_saved_keeps_its_io_cause() {
        let e = NotSaved {
            path: PathBuf::from("/data/registrations.json"),
            cause: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "access denied"),
        };
        let text = e.to_string();
        assert!(
            text.contains("/data/registrations.json") && text.contains("access denied"),
            "{text}"
        );
        let source = std::error::Error::source(&e).unwrap();
        let io = source.downcast_ref::<std::io::Error>().unwrap();
        assert_eq!(io.kind(), std::io::ErrorKind::PermissionDenied);
    }
}
