//! The one error type of exowiz's jobs (sign-in, register, rotate, check, verify) and of the
//! steps they are made of. It replaces three identical enums (`RegisterError`, `RotateError`,
//! `CheckError`, now names for this one) and keeps the kind of what went wrong, so a front-end
//! can choose its next step by [`JobError::kind`] instead of by text. The sentence for the admin
//! is the `Display` (translated, made once by the error's source); the technical detail goes to
//! the log once, in [`JobError::sentence`].
//!
//! It lives below the jobs and their steps (it knows only the Graph and sign-in errors), so
//! no step imports upward to name it.

use crate::auth::AuthError;
use crate::graph::{ErrorKind as GraphKind, GraphError};

#[derive(Debug, Clone, thiserror::Error)]
pub enum JobError {
    /// Something the admin typed or chose does not fit (an unknown app, a bad key ID, a
    /// profile that does not fit the tenant): nothing was changed.
    #[error("{0}")]
    Input(String),
    /// Microsoft Graph refused or failed.
    #[error("{0}")]
    Graph(#[from] GraphError),
    /// Signing in (or a token) failed.
    #[error("{0}")]
    SignIn(#[from] AuthError),
    /// The sign-in cannot be used: not signed in (any more), a token for another cloud or
    /// tenant, a token without a tenant.
    #[error("{0}")]
    Session(String),
    /// Something on this machine: the store, the journal, another exowiz at work.
    #[error("{0}")]
    Local(String),
}

/// What kind of trouble a job ran into, for a front-end that offers a different next step for
/// each (the exit code of the CLI, the wizard's choice of what to offer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobErrorKind {
    /// The admin's input: correct it and try again.
    Input,
    /// The signed-in account lacks an admin role or the token a permission (Graph's 403):
    /// another account, or a role, is the way on; trying again does not help.
    NeedsAdminRole,
    /// The sign-in is missing, expired or refused: sign in again.
    SignIn,
    /// Microsoft could not be reached: the network; trying again later may help.
    Network,
    /// Microsoft asked to slow down and kept asking after every retry.
    Throttled,
    /// What the job works on is not there (any more): a deleted app, a removed secret.
    Gone,
    /// Microsoft failed or answered in a way exowiz cannot read.
    Service,
    /// Microsoft did not accept the request (a conflict, a policy).
    Refused,
    /// This machine: the store or the journal.
    Local,
}

impl JobErrorKind {
    /// Trying again with the same sign-in cannot help: the account lacks a role, or the
    /// sign-in is gone. The way on is signing in again (maybe with another account).
    pub fn needs_another_sign_in(self) -> bool {
        matches!(self, JobErrorKind::NeedsAdminRole | JobErrorKind::SignIn)
    }
}

/// Another exowiz works on the same registration or rotation right now: something on this
/// machine, not the admin's input (the sentence names the other process).
impl From<crate::store::journal::BeginError> for JobError {
    fn from(e: crate::store::journal::BeginError) -> Self {
        JobError::Local(e.to_string())
    }
}

impl JobError {
    pub fn kind(&self) -> JobErrorKind {
        match self {
            JobError::Input(_) => JobErrorKind::Input,
            JobError::Local(_) => JobErrorKind::Local,
            JobError::Session(_) => JobErrorKind::SignIn,
            JobError::Graph(e) => match e.kind() {
                GraphKind::Forbidden => JobErrorKind::NeedsAdminRole,
                GraphKind::Unauthorized => JobErrorKind::SignIn,
                GraphKind::NotFound => JobErrorKind::Gone,
                GraphKind::Throttled => JobErrorKind::Throttled,
                GraphKind::Network => JobErrorKind::Network,
                GraphKind::Server | GraphKind::Decode => JobErrorKind::Service,
                GraphKind::Conflict | GraphKind::Validation => JobErrorKind::Refused,
            },
            JobError::SignIn(e) => match e {
                AuthError::InvalidTenantInput(_) | AuthError::UnknownTenant { .. } => {
                    JobErrorKind::Input
                }
                AuthError::Network { .. } => JobErrorKind::Network,
                _ => JobErrorKind::SignIn,
            },
        }
    }

    /// The technical detail for the log (codes, request IDs, the transport's own text); never
    /// a secret.
    pub fn detail(&self) -> String {
        match self {
            JobError::Graph(e) => e.detail(),
            JobError::SignIn(e) => e.detail(),
            JobError::Input(text) | JobError::Local(text) | JobError::Session(text) => text.clone(),
        }
    }

    /// The sentence for the admin; the detail is logged here, once, on the way to the screen.
    pub fn sentence(&self) -> String {
        self.log();
        self.to_string()
    }

    /// Logs the detail (once, where the error leaves the job layer for a front-end that keeps
    /// the error itself).
    pub fn log(&self) {
        match self {
            JobError::Graph(_) | JobError::SignIn(_) => {
                tracing::warn!(kind = ?self.kind(), detail = %self.detail(), "job failed")
            }
            JobError::Input(_) | JobError::Local(_) | JobError::Session(_) => {
                tracing::info!(kind = ?self.kind(), "job stopped")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_and_local_keep_their_sentence_and_kind() {
        let e = JobError::Input("No app has the client ID x.".into());
        assert_eq!(e.kind(), JobErrorKind::Input);
        assert_eq!(e.sentence(), "No app has the client ID x.");
        assert_eq!(JobError::Local("busy".into()).kind(), JobErrorKind::Local);
    }

    #[test]
    fn a_network_failure_of_the_sign_in_is_a_network_kind_not_a_sign_in_kind() {
        let e = JobError::from(AuthError::Network {
            host: "login.microsoftonline.com".into(),
            timed_out: true,
            cause: "timed out".into(),
            trouble: None,
        });
        assert_eq!(e.kind(), JobErrorKind::Network);
        let e = JobError::from(AuthError::DeviceCodeExpired);
        assert_eq!(e.kind(), JobErrorKind::SignIn);
    }

    /// The functions that other modules call and that still flatten their error into a
    /// `String` (issue 11: errors keep their kind up to the screen): none any more, and
    /// `string_errors_only_go_down` fails on a new one.
    const STRING_ERRORS_LEFT: &[&str] = &[];

    /// Every `.rs` file under `dir`, test folders left out.
    fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "tests") {
                    sources(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// `path::name` of each `pub` or `pub(crate)` function in `text` whose error type is a
    /// plain `String` (the signature read up to its body or `;`, whitespace ignored).
    fn string_error_fns(path: &str, text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for (at, _) in text.match_indices("fn ") {
            let head = text[..at]
                .trim_end_matches("const ")
                .trim_end_matches("async ");
            if !(head.ends_with("pub ") || head.ends_with("pub(crate) ")) {
                continue;
            }
            let rest = &text[at + 3..];
            let end = rest.find(['{', ';']).unwrap_or(rest.len());
            let signature: String = rest[..end].split_whitespace().collect();
            let name: String = signature
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let Some(returns) = return_type(&signature) else {
                continue;
            };
            if returns.starts_with("Result<") && returns.ends_with(",String>") {
                found.push(format!("{path}::{name}"));
            }
        }
        found
    }

    /// The return type of a signature without whitespace: after the first `->` outside the
    /// parameters' parentheses (a parameter `impl Fn(u8) -> T` has one inside), up to a
    /// `where` clause.
    fn return_type(signature: &str) -> Option<&str> {
        let mut depth = 0i32;
        let bytes = signature.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            match b {
                b'(' => depth += 1,
                b')' => depth -= 1,
                b'-' if depth == 0 && bytes.get(i + 1) == Some(&b'>') => {
                    let returns = &signature[i + 2..];
                    return Some(returns.split("where").next().unwrap_or(returns));
                }
                _ => {}
            }
        }
        None
    }

    #[test]
    fn string_errors_only_go_down() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        let mut now = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let path = file.strip_prefix(root).unwrap().to_string_lossy();
            now.extend(string_error_fns(&path.replace('\\', "/"), &text));
        }
        now.sort();
        let new: Vec<_> = now
            .iter()
            .filter(|f| !STRING_ERRORS_LEFT.contains(&f.as_str()))
            .collect();
        let gone: Vec<_> = STRING_ERRORS_LEFT
            .iter()
            .filter(|f| !now.contains(&f.to_string()))
            .collect();
        assert!(
            new.is_empty() && gone.is_empty(),
            "new functions returning Result<_, String> (return a JobError or a typed error \
             instead): {new:?}\nentries of STRING_ERRORS_LEFT that are gone (remove them): \
             {gone:?}\nthe list as it is now: {now:#?}"
        );
    }

    #[test]
    fn the_scan_sees_public_string_errors_and_nothing_else() {
        // Written as PUB so that the scan of this very file does not find the samples.
        let text = "PUB fn a(x: u8) -> Result<(), String> {}\n\
                    PUB(crate) async fn b()\n    -> Result<Vec<String>, String>;\n\
                    fn c() -> Result<(), String> {}\n\
                    PUB fn d() -> Result<String, JobError> {}\n\
                    PUB fn e() -> Result<HashMap<String, String>> {}\n\
                    PUB fn f(g: impl Fn(u8) -> u8) -> Result<u8, String> {}\n\
                    PUB fn h<F>(g: F) -> Result<u8, String> where F: Fn() -> u8 {}\n"
            .replace("PUB", "pub");
        assert_eq!(
            string_error_fns("m.rs", &text),
            ["m.rs::a", "m.rs::b", "m.rs::f", "m.rs::h"]
        );
    }
}
