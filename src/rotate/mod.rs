//! Secret rotation: give an app a new client secret before the old one expires, prove that the
//! new one works, and remove the older ones only when asked — by default nothing is removed,
//! because the product keeps using the old secret until someone enters the new one.
//!
//! * [`plan`]: the pure part — the app's secrets with days left and the due ones
//!   ([`SecretInfo`], [`list_secrets`]), the lifetime and description of a new secret, which
//!   secrets may be removed (never the new one), the saved registration afterwards.
//! * `steps`: what talks to Microsoft — [`find_app`], [`create_secret`],
//!   [`remove_secrets`], [`save`]; and [`apis_for`], the APIs whose tokens prove a new secret
//!   (the proof itself is the verify job, `crate::jobs::verify`).
//!
//! A rotation in order: `find_app` → `clean_up_interrupted` (secrets an interrupted rotation
//! made and nobody saw) → `list_secrets` → `create_secret` → `save` (the new
//! secret is known to `exowiz status` at once) → show the secret once → the verify job →
//! only if that succeeded and removal was asked for: `remove_secrets` → `save`. A later run
//! removes the older secrets without making another one: [`check_keep`] →
//! [`removal_candidates`] → `remove_secrets` → `save`.

pub mod plan;
mod refusal;
mod steps;

pub use crate::verify::{ApiRoles, verify_secret};
pub use plan::{
    DEFAULT_MONTHS, SaveContext, SecretInfo, check_keep, check_removal, default_description,
    list_secrets, removal_candidates, saved_after, secret_months,
};
pub use refusal::{KeepRefused, NotSaved, RemovalRefused};
pub use steps::{
    Cleanup, Removal, apis_for, apis_of, clean_up_interrupted, create_secret, find_app,
    remove_secrets, save, tenant_name,
};

/// Why a rotation step failed: the jobs' one error type (`Input` for a bad client ID,
/// lifetime or key ID, nothing changed).
pub type RotateError = crate::error::JobError;
