//! App registrations and their client secrets.

use chrono::{DateTime, Utc};
use reqwest::Method;

use super::client::GraphClient;
use super::error::{GraphError, Operation};
use super::model::{
    AddPasswordRequest, Application, ApplicationPatch, NewApplication, NewSecret, NewSecretWire,
    PasswordCredentialInput, RemovePasswordRequest,
};
use super::odata::{encode_segment, filter_query, key_segment, string_literal};

impl GraphClient {
    /// `POST /applications` → 201. The new `id` and `appId` are remembered for the
    /// replication retry.
    pub async fn create_application(
        &self,
        app: &NewApplication,
    ) -> Result<Application, GraphError> {
        let created: Application = self
            .post(Operation::CreateApplication, "applications", app)
            .await?;
        self.remember_created(&[&created.id, &created.app_id]);
        tracing::info!(id = %created.id, app_id = %created.app_id, "created app registration");
        Ok(created)
    }

    /// `PATCH /applications(uniqueName='…')` with `Prefer: create-if-missing` (graph-facts
    /// §1.1a; learn.microsoft.com/graph/api/application-upsert): creates the app when no app has
    /// `unique_name` (201 + the app), else updates it (204; the app is then read back). Unlike
    /// `POST /applications` this is safe to send again after a lost answer: a second send finds
    /// the first app instead of making another.
    pub async fn upsert_application(
        &self,
        unique_name: &str,
        app: &NewApplication,
    ) -> Result<Application, GraphError> {
        let op = Operation::CreateApplication;
        let path = key_segment("applications", Some("uniqueName"), unique_name);
        // A 404 on reading back an app this key names is replication lag, not absence.
        self.remember_created(&[unique_name]);
        let answer = self.upsert_json(op, &path, app).await?;
        let app: Application = if answer.status == reqwest::StatusCode::CREATED {
            self.decode(op, &answer)?
        } else {
            self.get(Operation::ReadApplication, &path).await?
        };
        self.remember_created(&[&app.id, &app.app_id]);
        tracing::info!(id = %app.id, app_id = %app.app_id, created = answer.status == reqwest::StatusCode::CREATED, "app registration upserted");
        Ok(app)
    }

    /// `GET /applications(uniqueName='…')`; `None` when no app has this key.
    pub async fn find_application_by_unique_name(
        &self,
        unique_name: &str,
    ) -> Result<Option<Application>, GraphError> {
        let path = key_segment("applications", Some("uniqueName"), unique_name);
        self.get_optional(Operation::FindApplication, &path).await
    }

    /// `GET /applications/{object_id}`.
    pub async fn get_application(&self, object_id: &str) -> Result<Application, GraphError> {
        let path = format!("applications/{}", encode_segment(object_id));
        self.get(Operation::ReadApplication, &path).await
    }

    /// `GET /applications?$filter=appId eq '…'`; `None` when no app has this client id.
    pub async fn find_application_by_app_id(
        &self,
        app_id: &str,
    ) -> Result<Option<Application>, GraphError> {
        let filter = format!("appId eq {}", string_literal(app_id));
        let path = format!("applications?{}", filter_query(&filter));
        let apps: Vec<Application> = self.list(Operation::FindApplication, &path).await?;
        Ok(apps.into_iter().next())
    }

    /// Apps whose display name is exactly `name` (names are not unique in Entra).
    pub async fn find_applications_by_name(
        &self,
        name: &str,
    ) -> Result<Vec<Application>, GraphError> {
        let filter = format!("displayName eq {}", string_literal(name));
        let path = format!("applications?{}", filter_query(&filter));
        self.list(Operation::FindApplication, &path).await
    }

    /// Apps whose display name starts with `prefix`; all apps when `prefix` is empty.
    pub async fn search_applications(&self, prefix: &str) -> Result<Vec<Application>, GraphError> {
        let path = if prefix.is_empty() {
            "applications".to_string()
        } else {
            let filter = format!("startswith(displayName,{})", string_literal(prefix));
            format!("applications?{}", filter_query(&filter))
        };
        self.list(Operation::ListApplications, &path).await
    }

    /// `PATCH /applications/{object_id}` → 204.
    pub async fn update_application(
        &self,
        object_id: &str,
        patch: &ApplicationPatch,
    ) -> Result<(), GraphError> {
        let path = format!("applications/{}", encode_segment(object_id));
        self.send_json(Operation::UpdateApplication, Method::PATCH, &path, patch)
            .await?;
        Ok(())
    }

    /// `DELETE /applications/{object_id}` → 204 (the app goes to Deleted applications).
    pub async fn delete_application(&self, object_id: &str) -> Result<(), GraphError> {
        let path = format!("applications/{}", encode_segment(object_id));
        self.delete(Operation::DeleteApplication, &path).await
    }

    /// `POST /applications/{id}/addPassword` → 200 with the only copy of the secret text.
    pub async fn add_password(
        &self,
        app_object_id: &str,
        display_name: &str,
        end: DateTime<Utc>,
    ) -> Result<NewSecret, GraphError> {
        let op = Operation::AddSecret;
        let path = format!("applications/{}/addPassword", encode_segment(app_object_id));
        let body = AddPasswordRequest {
            password_credential: PasswordCredentialInput {
                display_name: Some(display_name.to_string()),
                start_date_time: None,
                end_date_time: Some(end),
            },
        };
        // The answer body is wiped when `answer` is dropped; the secret text only lives on
        // in the SecretString.
        let answer = self.send_json(op, Method::POST, &path, &body).await?;
        let wire: NewSecretWire = self.decode(op, &answer)?;
        let secret = NewSecret::from(wire);
        tracing::info!(app = %app_object_id, key_id = %secret.key_id, "created client secret");
        Ok(secret)
    }

    /// `POST /applications/{id}/removePassword` → 204.
    pub async fn remove_password(
        &self,
        app_object_id: &str,
        key_id: &str,
    ) -> Result<(), GraphError> {
        let path = format!(
            "applications/{}/removePassword",
            encode_segment(app_object_id)
        );
        let body = RemovePasswordRequest {
            key_id: key_id.to_string(),
        };
        self.send_json(Operation::RemoveSecret, Method::POST, &path, &body)
            .await?;
        Ok(())
    }
}
