//! What is wrong with a value the admin typed, kept as data (which field, which rule) rather
//! than as a sentence, so a front-end can tell the fields apart (focus the one that is wrong)
//! and the jobs keep the kind (`JobError::Input`). The `Display` of each is the sentence the
//! CLI and the wizard show, translated when it is shown (`[validate]` in
//! `assets/i18n/*/engine.toml`; `--domain`'s `TYPE=NAME` is command line only, so English).

use std::fmt;

use super::DOMAIN_TYPES;
use crate::i18n::{t, tf};

/// `U+0007` for a control character: the code is shown, never the character itself (it would
/// steer the terminal that prints the sentence).
fn code(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// A DNS domain name that does not fit ([`super::domain_name`]); the name is kept lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadDomain {
    Empty,
    /// Longer than 253 characters.
    TooLong {
        domain: String,
    },
    NoDot {
        domain: String,
    },
    /// One part between dots is longer than 63 characters.
    LabelTooLong {
        label: String,
    },
    /// A part between dots is empty or has characters a DNS name cannot have.
    BadLabel {
        domain: String,
    },
}

impl fmt::Display for BadDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            BadDomain::Empty => t("validate.domain_empty").to_string(),
            BadDomain::TooLong { domain } => tf("validate.domain_too_long", &[("domain", domain)]),
            BadDomain::NoDot { domain } => tf("validate.domain_no_dot", &[("domain", domain)]),
            BadDomain::LabelTooLong { label } => tf(
                "validate.domain_label_too_long",
                &[("label", label), ("len", &label.len().to_string())],
            ),
            BadDomain::BadLabel { domain } => {
                tf("validate.domain_bad_label", &[("domain", domain)])
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for BadDomain {}

/// A mailbox address that does not fit ([`super::mailbox`]); the address as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadMailbox {
    NoAt {
        mailbox: String,
    },
    /// More than 64 characters before the @ (`len` of them).
    LocalTooLong {
        mailbox: String,
        len: usize,
    },
    /// Characters before the @ that a mailbox cannot have.
    BadLocal {
        mailbox: String,
    },
    /// The part after the @ is no domain name.
    BadDomain {
        mailbox: String,
        domain: BadDomain,
    },
}

impl fmt::Display for BadMailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            BadMailbox::NoAt { mailbox } => tf("validate.mailbox_no_at", &[("mailbox", mailbox)]),
            BadMailbox::LocalTooLong { mailbox, len } => tf(
                "validate.mailbox_local_too_long",
                &[("mailbox", mailbox), ("len", &len.to_string())],
            ),
            BadMailbox::BadLocal { mailbox } => {
                tf("validate.mailbox_bad_local", &[("mailbox", mailbox)])
            }
            BadMailbox::BadDomain { mailbox, domain } => tf(
                "validate.mailbox_bad_domain",
                &[("mailbox", mailbox), ("error", &domain.to_string())],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for BadMailbox {}

/// `--domain TYPE=NAME` that does not fit ([`super::transfer_domain_arg`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadTransferDomain {
    /// No `=` in it.
    NotTypeEqualsName { text: String },
    /// A type none of the connectors has (lower-cased).
    UnknownType { kind: String },
    /// The name after the `=` is no domain name.
    BadName { kind: String, domain: BadDomain },
}

impl fmt::Display for BadTransferDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let types = DOMAIN_TYPES.join(", ");
        match self {
            BadTransferDomain::NotTypeEqualsName { text } => write!(
                f,
                "'{text}' is not a transfer domain. Write TYPE=NAME, e.g. fax=fax.contoso (types: {types})."
            ),
            BadTransferDomain::UnknownType { kind } => write!(
                f,
                "'{kind}' is not a transfer domain type. Use one of: {types}."
            ),
            BadTransferDomain::BadName { kind, domain } => {
                write!(f, "Transfer domain for {kind}: {domain}")
            }
        }
    }
}

impl std::error::Error for BadTransferDomain {}

/// A secret lifetime outside 1 to 60 months ([`super::secret_months`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSecretMonths {
    pub months: u32,
}

impl fmt::Display for BadSecretMonths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let months = self.months.to_string();
        f.write_str(&tf("validate.secret_months", &[("months", &months)]))
    }
}

impl std::error::Error for BadSecretMonths {}

/// A client ID that is no GUID ([`super::client_id`]), as typed (trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAClientId {
    pub app_id: String,
}

impl fmt::Display for NotAClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&tf("rotate.not_a_client_id", &[("app_id", &self.app_id)]))
    }
}

impl std::error::Error for NotAClientId {}

/// An app name that does not fit ([`super::app_name`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadAppName {
    Empty,
    /// More than the 120 characters Entra allows.
    TooLong,
    /// The first control character in it.
    ControlCharacter(char),
}

impl fmt::Display for BadAppName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            BadAppName::Empty => t("validate.app_name_empty").to_string(),
            BadAppName::TooLong => t("validate.app_name_too_long").to_string(),
            BadAppName::ControlCharacter(c) => {
                tf("validate.app_name_control", &[("code", &code(*c))])
            }
        };
        f.write_str(&text)
    }
}

impl std::error::Error for BadAppName {}

/// A secret description with a control character in it ([`super::secret_description`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadDescription {
    ControlCharacter(char),
}

impl fmt::Display for BadDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let BadDescription::ControlCharacter(c) = self;
        f.write_str(&tf("validate.description_control", &[("code", &code(*c))]))
    }
}

impl std::error::Error for BadDescription {}

/// Any of the checks above, named by the field that failed: what a caller with several fields
/// (a register request, the wizard's forms) passes on, and what becomes a job's
/// `JobError::Input`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error(transparent)]
    Mailbox(#[from] BadMailbox),
    #[error(transparent)]
    Domain(#[from] BadDomain),
    #[error(transparent)]
    TransferDomain(#[from] BadTransferDomain),
    #[error(transparent)]
    SecretMonths(#[from] BadSecretMonths),
    #[error(transparent)]
    ClientId(#[from] NotAClientId),
    #[error(transparent)]
    AppName(#[from] BadAppName),
    #[error(transparent)]
    SecretDescription(#[from] BadDescription),
}

/// The admin's input: nothing was changed; the sentence is made in the language of the moment
/// the job ends.
impl From<Invalid> for crate::error::JobError {
    fn from(e: Invalid) -> Self {
        crate::error::JobError::Input(e.to_string())
    }
}

/// A lifetime out of range reaches rotate's jobs on its own (`--secret-months`).
impl From<BadSecretMonths> for crate::error::JobError {
    fn from(e: BadSecretMonths) -> Self {
        Invalid::from(e).into()
    }
}
