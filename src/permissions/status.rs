//! One permission of a registration and whether the tenant has granted it: what register,
//! check, rotate and the wizard show and what the consent wait polls.

use crate::profile::{Api, PermissionType};
use serde::Serialize;

/// One permission of the registration and whether the tenant has granted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PermissionStatus {
    pub api: Api,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: PermissionType,
    pub id: String,
    pub description: String,
    pub granted: bool,
}
