//! Error sentences as an admin sees them, and that neither the token nor a secret ever appears
//! in error texts, `Debug` output or logs.

use crate::support::scripted_graph;

use chrono::Utc;
use exowiz::endpoints::Endpoints;
use exowiz::graph::{ErrorKind, GraphClient, GraphError, NewApplication, RetryPolicy};
use scripted_graph::fixtures::{
    self, APP_ID, APP_OBJECT_ID, GRAPH_SP_ID, MAIL_SEND_ROLE, SECRET, SP_ID,
};
use scripted_graph::{Reply, TOKEN, TestServer, closed_port, route};
use secrecy::SecretString;

const DENIED: &str = "Insufficient privileges to complete the operation.";

fn assert_clean(e: &GraphError) {
    for text in [e.to_string(), e.detail(), format!("{e:?}")] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
    let sentence = e.to_string();
    assert!(
        !sentence.contains('{') && !sentence.contains('\n'),
        "not a plain sentence: {sentence}"
    );
}

#[tokio::test]
async fn sentences_for_each_failure() {
    let server = TestServer::start(|_| {
        vec![
            route("GET", "/v1.0/organization", [Reply::error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")]),
            route("POST", "/v1.0/applications", [Reply::error(403, "Authorization_RequestDenied", DENIED)]),
            route("POST", &format!("/v1.0/servicePrincipals/{GRAPH_SP_ID}/appRoleAssignedTo"), [Reply::error(403, "Authorization_RequestDenied", DENIED)]),
            route("POST", "/v1.0/oauth2PermissionGrants", [Reply::error(403, "Authorization_RequestDenied", DENIED)]),
            route("GET", &format!("/v1.0/applications/{APP_OBJECT_ID}"), [Reply::error(404, "Request_ResourceNotFound", &format!("Resource '{APP_OBJECT_ID}' does not exist or one of its queried reference-property objects are not present."))]),
            route("PATCH", "/v1.0/oauth2PermissionGrants/g1", [Reply::error(409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.")]),
            route("POST", &format!("/v1.0/applications/{APP_OBJECT_ID}/addPassword"), [Reply::error_with_details(400, "CredentialInvalidLifetimeAsPerAppPolicy", "Credential lifetime exceeds the max value allowed as per assigned policy 'a9c1b2d3'.", &["InvalidKeyEndDate"])]),
        ]
    })
    .await;
    let client = server.client();

    let e = client.organization().await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        e.to_string(),
        "The sign-in has expired or was not accepted by Microsoft Graph. Sign in again."
    );
    assert_eq!(e.status(), Some(401));
    assert_eq!(e.code(), Some("InvalidAuthenticationToken"));
    assert_eq!(e.request_id(), Some(fixtures::REQUEST_ID));
    assert!(e.detail().contains("Lifetime validation failed"));
    assert_clean(&e);

    let e = client
        .create_application(&NewApplication::single_tenant("x"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
    assert_eq!(
        e.to_string(),
        "Your account may not create or change app registrations. Sign in as a Global Administrator, Application Administrator or Cloud Application Administrator."
    );
    assert!(e.detail().contains(
        "creating the application: HTTP 403 Authorization_RequestDenied: Insufficient privileges"
    ));
    assert_clean(&e);

    let e = client
        .assign_app_role(GRAPH_SP_ID, SP_ID, MAIL_SEND_ROLE)
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Only a Privileged Role Administrator or Global Administrator can grant Microsoft Graph application permissions. Sign in with one of these roles, or ask one to grant admin consent for the app."
    );
    assert_clean(&e);

    let e = client
        .create_delegated_grant(SP_ID, GRAPH_SP_ID, &["SMTP.Send".to_string()])
        .await
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Granting delegated permissions for all users needs a Global Administrator, Privileged Role Administrator, Application Administrator or Cloud Application Administrator. Sign in with one of these roles."
    );
    assert_clean(&e);

    let e = client.get_application(APP_OBJECT_ID).await.unwrap_err();
    assert!(e.is_not_found());
    assert_eq!(
        e.to_string(),
        "The app registration was not found while reading the application; it may have been deleted. Refresh and try again."
    );
    assert_clean(&e);

    let e = client
        .update_delegated_grant("g1", &["SMTP.Send".to_string()])
        .await
        .unwrap_err();
    assert!(e.is_conflict());
    assert!(e.to_string().contains("already exists"));
    assert_clean(&e);

    let e = client
        .add_password(
            APP_OBJECT_ID,
            "exowiz",
            Utc::now() + chrono::Duration::days(3650),
        )
        .await
        .unwrap_err();
    assert!(e.is_lifetime_policy());
    assert_eq!(
        e.to_string(),
        "The tenant's app management policy does not allow a secret that lasts this long. Choose a shorter lifetime."
    );
    assert_clean(&e);
}

#[tokio::test]
async fn network_sentence() {
    let port = closed_port().await;
    let base = format!("http://127.0.0.1:{port}/");
    let client = GraphClient::new(
        &Endpoints::custom(&base, &base).unwrap(),
        SecretString::from(TOKEN),
    )
    .with_retry(RetryPolicy::fast());
    let e = client.create_service_principal(APP_ID).await.unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "Could not reach Microsoft Graph at 127.0.0.1:{port}. Check the network connection and proxy settings."
        )
    );
    assert!(e.detail().contains("creating the enterprise application"));
    assert_clean(&e);
}

#[tokio::test]
async fn new_secret_debug_never_shows_the_secret() {
    let server = TestServer::start(|_| {
        vec![route(
            "POST",
            &format!("/v1.0/applications/{APP_OBJECT_ID}/addPassword"),
            [Reply::json(200, fixtures::password_credential(SECRET))],
        )]
    })
    .await;
    let secret = server
        .client()
        .add_password(APP_OBJECT_ID, "x", Utc::now())
        .await
        .unwrap();
    let debug = format!("{secret:?}");
    let pretty = format!("{secret:#?}");
    assert!(
        !debug.contains(SECRET) && !pretty.contains(SECRET),
        "{debug}"
    );
    assert!(!format!("{:?}", secret.secret_text).contains(SECRET));
    assert!(debug.contains(fixtures::KEY_ID));
}
