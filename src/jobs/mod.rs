//! The jobs exowiz does, each orchestrated here once for the CLI and the wizard alike:
//! [`sign_in`], [`register`] (around the engine in [`crate::register`]), the admin's
//! [`consent`] after it, [`rotate`], [`check`] and [`verify`] (the proof of a new secret). A front-end parses, shows and asks; the job decides what happens in which
//! order. The rules the jobs share are in
//! [`policy`]; the hand-over of a new secret's value is [`hand_over::SecretHandOver`]; their
//! errors are [`JobError`], whose kind survives up to the screen.

pub mod check;
pub mod consent;
pub mod hand_over;
pub mod policy;
pub mod register;
pub mod rotate;
pub mod sign_in;
pub mod verify;

pub use crate::error::{JobError, JobErrorKind};
pub use hand_over::SecretHandOver;

use crate::endpoints::Endpoints;
use crate::graph::GraphClient;
use crate::store::Store;

/// Where a job runs: the signed-in tenant and its Graph client, the store of saved
/// registrations (none: nothing is saved or journalled).
#[derive(Clone, Copy)]
pub struct Tenant<'a> {
    pub graph: &'a GraphClient,
    pub endpoints: &'a Endpoints,
    pub store: Option<&'a Store>,
    pub tenant_id: &'a str,
}
