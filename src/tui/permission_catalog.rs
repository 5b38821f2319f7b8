//! Reads what the permission picker offers (issue 10.8): the service principals of Microsoft
//! Graph and Office 365 Exchange Online in the signed-in tenant, their `appRoles` and
//! `oauth2PermissionScopes` ("servicePrincipal resource type", learn.microsoft.com/graph/api/
//! resources/serviceprincipal; graph-facts). A tenant without one of them (Exchange Online not
//! licensed) simply offers the other's.

use crate::graph::{GraphClient, GraphError};
use crate::wizard::picker::{self, CatalogEntry};

/// Every permission the two APIs offer, by name (`picker::sort`). Both service principals are
/// read at once, by the same reader `check` uses.
pub async fn load(graph: &GraphClient) -> Result<Vec<CatalogEntry>, GraphError> {
    let mut all = Vec::new();
    for (api, sp) in crate::check::read_resources(graph).await? {
        all.extend(picker::entries(api, &sp));
    }
    picker::sort(&mut all);
    Ok(all)
}
