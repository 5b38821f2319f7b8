//! Reads what the permission picker offers (issue 10.8): the service principals of Microsoft
//! Graph and Office 365 Exchange Online in the signed-in tenant, their `appRoles` and
//! `oauth2PermissionScopes` ("servicePrincipal resource type", learn.microsoft.com/graph/api/
//! resources/serviceprincipal; graph-facts). A tenant without one of them (Exchange Online not
//! licensed) simply offers the other's.

use crate::graph::{GraphClient, GraphError};
use crate::profile::Api;
use crate::wizard::picker::{self, CatalogEntry};

/// Every permission the two APIs offer, by name (`picker::sort`).
pub async fn load(graph: &GraphClient) -> Result<Vec<CatalogEntry>, GraphError> {
    let mut all = Vec::new();
    for api in [Api::Graph, Api::Exchange] {
        if let Some(sp) = graph.find_service_principal_by_app_id(api.app_id()).await? {
            all.extend(picker::entries(api, &sp));
        }
    }
    picker::sort(&mut all);
    Ok(all)
}
