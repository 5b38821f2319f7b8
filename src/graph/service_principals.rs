//! Service principals (enterprise applications).

use super::client::GraphClient;
use super::error::{GraphError, Operation};
use super::model::{NewServicePrincipal, ServicePrincipal};
use super::odata::{encode_segment, key_segment};

impl GraphClient {
    /// `POST /servicePrincipals {appId}` → 201. When one already exists (409), the existing one
    /// is fetched and returned. Right after `create_application` Graph may not know the appId
    /// yet; that is retried within the replication window.
    pub async fn create_service_principal(
        &self,
        app_id: &str,
    ) -> Result<ServicePrincipal, GraphError> {
        let body = NewServicePrincipal {
            app_id: app_id.to_string(),
        };
        match self
            .post::<_, ServicePrincipal>(
                Operation::CreateServicePrincipal,
                "servicePrincipals",
                &body,
            )
            .await
        {
            Ok(sp) => {
                self.remember_created(&[&sp.id]);
                tracing::info!(id = %sp.id, app_id = %sp.app_id, "created service principal");
                Ok(sp)
            }
            Err(e) if e.is_conflict() => {
                tracing::info!(app_id, "service principal already exists; using it");
                match self.find_service_principal_by_app_id(app_id).await? {
                    Some(sp) => Ok(sp),
                    None => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// `PATCH /servicePrincipals(appId='…')` with `Prefer: create-if-missing`
    /// (learn.microsoft.com/graph/api/serviceprincipal-upsert): 201 + the new service principal,
    /// or 204 when it exists already — then it is read back. An existing service principal (an
    /// interrupted run made it) is success, and a repeated send never makes a second one.
    pub async fn upsert_service_principal(
        &self,
        app_id: &str,
    ) -> Result<ServicePrincipal, GraphError> {
        let op = Operation::CreateServicePrincipal;
        let path = key_segment("servicePrincipals", Some("appId"), app_id);
        let answer = self.upsert_json(op, &path, &serde_json::json!({})).await?;
        let sp: ServicePrincipal = if answer.status == reqwest::StatusCode::CREATED {
            self.decode(op, &answer)?
        } else {
            // Read back by the key; a 404 here names the app exowiz created and is retried as
            // replication lag.
            self.get(Operation::FindServicePrincipal, &path).await?
        };
        self.remember_created(&[&sp.id]);
        tracing::info!(id = %sp.id, app_id = %sp.app_id, "service principal upserted");
        Ok(sp)
    }

    /// `GET /servicePrincipals(appId='…')`; `None` when the tenant has none for this app.
    pub async fn find_service_principal_by_app_id(
        &self,
        app_id: &str,
    ) -> Result<Option<ServicePrincipal>, GraphError> {
        let path = key_segment("servicePrincipals", Some("appId"), app_id);
        self.get_optional(Operation::FindServicePrincipal, &path)
            .await
    }

    /// `GET /servicePrincipals/{id}`.
    pub async fn get_service_principal(&self, id: &str) -> Result<ServicePrincipal, GraphError> {
        let path = format!("servicePrincipals/{}", encode_segment(id));
        self.get(Operation::ReadServicePrincipal, &path).await
    }

    /// All service principals of the tenant (id, appId, displayName only), all pages.
    pub async fn list_service_principals(&self) -> Result<Vec<ServicePrincipal>, GraphError> {
        self.list(
            Operation::ListServicePrincipals,
            "servicePrincipals?$select=id,appId,displayName",
        )
        .await
    }
}
