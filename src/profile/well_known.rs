//! Permission GUIDs known in advance (graph-facts §2). exowiz resolves names from the tenant's
//! resource service principal first; this table is used only when that lookup cannot answer
//! (e.g. a resource SP that the signed-in account may not read).

use super::{Api, PermissionType};

pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
pub const EXCHANGE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";

use PermissionType::{Application as Role, Delegated as Scope};

/// (api, permission value, type, GUID)
const TABLE: &[(Api, &str, PermissionType, &str)] = &[
    (
        Api::Exchange,
        "full_access_as_app",
        Role,
        "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
    ),
    (
        Api::Exchange,
        "EWS.AccessAsUser.All",
        Scope,
        "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5",
    ),
    (
        Api::Exchange,
        "IMAP.AccessAsApp",
        Role,
        "5e5addcd-3e8d-4e90-baf5-964efab2b20a",
    ),
    (
        Api::Exchange,
        "POP.AccessAsApp",
        Role,
        "cb842b43-da6e-4506-86fe-bb12199c656d",
    ),
    (
        Api::Exchange,
        "SMTP.SendAsApp",
        Role,
        "7146a1f0-8703-45b3-9eae-527a64c00995",
    ),
    (
        Api::Exchange,
        "Exchange.ManageAsApp",
        Role,
        "dc50a0fb-09a3-484d-be87-e023b12c6440",
    ),
    (
        Api::Graph,
        "EWS.AccessAsUser.All",
        Scope,
        "9769c687-087d-48ac-9cb3-c37dde652038",
    ),
    (
        Api::Graph,
        "People.Read.All",
        Role,
        "b528084d-ad10-4598-8b93-929746b4d7d6",
    ),
    (
        Api::Graph,
        "User.Read.All",
        Role,
        "df021288-bdef-4463-88db-98f22de89214",
    ),
    (
        Api::Graph,
        "User.Read.All",
        Scope,
        "a154be20-db9c-4678-8ab7-66f6cc099a59",
    ),
    (
        Api::Graph,
        "User.Read",
        Scope,
        "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    ),
    (
        Api::Graph,
        "IMAP.AccessAsUser.All",
        Scope,
        "652390e4-393a-48de-9484-05f9b1212954",
    ),
    (
        Api::Graph,
        "POP.AccessAsUser.All",
        Scope,
        "d7b7f2d9-0f45-4ea1-9d42-e50810c06991",
    ),
    (
        Api::Graph,
        "SMTP.Send",
        Scope,
        "258f6531-6087-4cc4-bb90-092c5fb3ed3f",
    ),
    (
        Api::Graph,
        "offline_access",
        Scope,
        "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    ),
    (
        Api::Graph,
        "openid",
        Scope,
        "37f7f235-527c-4136-accd-4a02d197296e",
    ),
    (
        Api::Graph,
        "profile",
        Scope,
        "14dad69e-099b-42c9-810b-d002981feec1",
    ),
    (
        Api::Graph,
        "email",
        Scope,
        "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
    ),
    (
        Api::Graph,
        "Mail.Send",
        Role,
        "b633e1c5-b582-4048-a93e-9f11b44c7e96",
    ),
    (
        Api::Graph,
        "Mail.ReadWrite",
        Role,
        "e2a3a72e-5f79-4c64-b1b1-878b674786c9",
    ),
    (
        Api::Graph,
        "Mail.Read",
        Role,
        "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
    ),
    (
        Api::Graph,
        "Mail.Send",
        Scope,
        "e383f46e-2787-4529-855e-0e479a3ffac0",
    ),
    (
        Api::Graph,
        "Mail.ReadWrite",
        Scope,
        "024d486e-b451-40bb-833d-3e66d98c5c73",
    ),
];

/// The GUID of a permission, if it is in the table.
pub fn permission_id(api: Api, name: &str, kind: PermissionType) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|(a, n, k, _)| *a == api && *k == kind && n.eq_ignore_ascii_case(name))
        .map(|(_, _, _, id)| *id)
}
