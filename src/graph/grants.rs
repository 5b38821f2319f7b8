//! Admin consent done directly: app role assignments (application permissions) and
//! tenant-wide oauth2PermissionGrants (delegated permissions).

use reqwest::Method;

use super::client::GraphClient;
use super::error::{GraphError, Operation};
use super::model::{
    AppRoleAssignment, NewAppRoleAssignment, NewOAuth2PermissionGrant, OAuth2PermissionGrant,
    OAuth2PermissionGrantPatch, ServicePrincipal, join_scopes,
};
use super::odata::{encode_segment, filter_query, string_literal};

impl GraphClient {
    /// `POST /servicePrincipals/{resource}/appRoleAssignedTo` → 201: grant the application
    /// permission `app_role_id` of the API `resource_sp_id` to `client_sp_id`.
    pub async fn assign_app_role(
        &self,
        resource_sp_id: &str,
        client_sp_id: &str,
        app_role_id: &str,
    ) -> Result<AppRoleAssignment, GraphError> {
        let path = format!(
            "servicePrincipals/{}/appRoleAssignedTo",
            encode_segment(resource_sp_id)
        );
        let body = NewAppRoleAssignment {
            principal_id: client_sp_id.to_string(),
            resource_id: resource_sp_id.to_string(),
            app_role_id: app_role_id.to_string(),
        };
        self.post(Operation::AssignAppRole, &path, &body).await
    }

    /// Same as [`Self::assign_app_role`] for the API `resource`; a refusal names the roles that
    /// may grant that API's permissions (fewer for Microsoft Graph than for Exchange Online).
    pub async fn assign_app_role_of(
        &self,
        resource: &ServicePrincipal,
        client_sp_id: &str,
        app_role_id: &str,
    ) -> Result<AppRoleAssignment, GraphError> {
        let op = if resource
            .app_id
            .eq_ignore_ascii_case(super::MICROSOFT_GRAPH_APP_ID)
        {
            Operation::AssignAppRole
        } else {
            Operation::AssignOtherAppRole
        };
        let path = format!(
            "servicePrincipals/{}/appRoleAssignedTo",
            encode_segment(&resource.id)
        );
        let body = NewAppRoleAssignment {
            principal_id: client_sp_id.to_string(),
            resource_id: resource.id.clone(),
            app_role_id: app_role_id.to_string(),
        };
        self.post(op, &path, &body).await
    }

    /// `GET /servicePrincipals/{client}/appRoleAssignments` (all pages).
    pub async fn list_app_role_assignments(
        &self,
        client_sp_id: &str,
    ) -> Result<Vec<AppRoleAssignment>, GraphError> {
        let path = format!(
            "servicePrincipals/{}/appRoleAssignments",
            encode_segment(client_sp_id)
        );
        self.list(Operation::ListAppRoleAssignments, &path).await
    }

    /// `DELETE /servicePrincipals/{resource}/appRoleAssignedTo/{assignment}` → 204.
    pub async fn remove_app_role_assignment(
        &self,
        resource_sp_id: &str,
        assignment_id: &str,
    ) -> Result<(), GraphError> {
        let path = format!(
            "servicePrincipals/{}/appRoleAssignedTo/{}",
            encode_segment(resource_sp_id),
            encode_segment(assignment_id)
        );
        self.delete(Operation::RemoveAppRoleAssignment, &path).await
    }

    /// `POST /oauth2PermissionGrants` → 201: consent to `scopes` (names, not GUIDs) of the API
    /// `resource_sp_id` for all users of the tenant.
    pub async fn create_delegated_grant(
        &self,
        client_sp_id: &str,
        resource_sp_id: &str,
        scopes: &[String],
    ) -> Result<OAuth2PermissionGrant, GraphError> {
        let body = NewOAuth2PermissionGrant {
            client_id: client_sp_id.to_string(),
            consent_type: "AllPrincipals".to_string(),
            resource_id: resource_sp_id.to_string(),
            scope: join_scopes(scopes),
        };
        self.post(
            Operation::CreateDelegatedGrant,
            "oauth2PermissionGrants",
            &body,
        )
        .await
    }

    /// `PATCH /oauth2PermissionGrants/{id} {scope}` → 204 (replaces the scope list).
    pub async fn update_delegated_grant(
        &self,
        grant_id: &str,
        scopes: &[String],
    ) -> Result<(), GraphError> {
        let path = format!("oauth2PermissionGrants/{}", encode_segment(grant_id));
        let body = OAuth2PermissionGrantPatch {
            scope: join_scopes(scopes),
        };
        self.send_json(Operation::UpdateDelegatedGrant, Method::PATCH, &path, &body)
            .await?;
        Ok(())
    }

    /// Tenant-wide delegated grants held by `client_sp_id` (all pages).
    pub async fn list_delegated_grants(
        &self,
        client_sp_id: &str,
    ) -> Result<Vec<OAuth2PermissionGrant>, GraphError> {
        let filter = format!(
            "clientId eq {} and consentType eq 'AllPrincipals'",
            string_literal(client_sp_id)
        );
        let path = format!("oauth2PermissionGrants?{}", filter_query(&filter));
        self.list(Operation::ListDelegatedGrants, &path).await
    }

    /// `DELETE /oauth2PermissionGrants/{id}` → 204.
    pub async fn delete_delegated_grant(&self, grant_id: &str) -> Result<(), GraphError> {
        let path = format!("oauth2PermissionGrants/{}", encode_segment(grant_id));
        self.delete(Operation::DeleteDelegatedGrant, &path).await
    }
}
