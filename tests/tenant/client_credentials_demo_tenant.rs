//! The client-credentials client (src/auth/client_credentials.rs) against the demo tenant, which
//! checks app secrets as Entra does: an app registered through Graph, its secret from
//! `addPassword`, and its service principal. Wrong secrets get Entra's AADSTS7000215
//! (<https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes>).

use crate::support::emulator_api;

use demo_tenant::Emulator;
use emulator_api::*;
use exowiz::auth::client_credentials_token;
use exowiz::endpoints::Endpoints;
use secrecy::SecretString;
use serde_json::json;

const GRAPH_DEFAULT: &str = "https://graph.microsoft.com/.default";

fn endpoints(emu: &Emulator) -> Endpoints {
    let base = emu.base_url().to_string();
    Endpoints::custom(&base, &base).unwrap()
}

/// A confidential app with a secret and a service principal, nothing granted. Returns
/// (appId, secret, service principal id).
async fn connector_app(emu: &Emulator) -> (String, String, String) {
    let admin = admin_token(emu);
    let app = create_app(
        emu,
        &admin,
        json!({"displayName": "Connector", "signInAudience": "AzureADMyOrg"}),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap().to_string();
    let (_, secret) = add_secret(emu, &admin, app["id"].as_str().unwrap()).await;
    let sp = create_sp(emu, &admin, &app_id).await;
    (app_id, secret, sp["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn granted_roles_reach_the_token() {
    let emu = start().await;
    let (app_id, secret, sp_id) = connector_app(&emu).await;
    let admin = admin_token(&emu);
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    for role in ["User.Read.All", "Mail.Send"] {
        let (s, v) = post(
            &emu,
            &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
            &admin,
            json!({"principalId": sp_id, "resourceId": graph["id"], "appRoleId": role_id(&graph, role)}),
        )
        .await;
        assert_eq!(s, reqwest::StatusCode::CREATED, "{v}");
    }
    let tokens = client_credentials_token(
        &reqwest::Client::new(),
        &endpoints(&emu),
        &emu.tenant_id(),
        &app_id,
        &SecretString::from(secret),
        GRAPH_DEFAULT,
    )
    .await
    .unwrap();
    let claims = tokens.claims().unwrap();
    let mut roles = claims.roles.clone();
    roles.sort();
    assert_eq!(roles, vec!["Mail.Send", "User.Read.All"]);
    assert_eq!(tokens.scopes, vec![GRAPH_DEFAULT.to_string()]);
    let grant = emu
        .requests()
        .into_iter()
        .filter(|r| r.path_and_query.ends_with("/oauth2/v2.0/token"))
        .count();
    assert_eq!(grant, 1, "one token request");
    emu.shutdown().await;
}

#[tokio::test]
async fn app_without_roles_gets_a_token_without_roles() {
    let emu = start().await;
    let (app_id, secret, _) = connector_app(&emu).await;
    let tokens = client_credentials_token(
        &reqwest::Client::new(),
        &endpoints(&emu),
        "contoso.com",
        &app_id,
        &SecretString::from(secret),
        GRAPH_DEFAULT,
    )
    .await
    .expect("a token, even with nothing granted");
    let claims = tokens.claims().unwrap();
    assert!(claims.roles.is_empty(), "{:?}", claims.roles);
    assert_eq!(claims.client_id(), Some(app_id.as_str()));
    assert!(
        tokens.refresh_token.is_none(),
        "client credentials have none"
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn wrong_secret_is_aadsts7000215_without_the_secret() {
    let emu = start().await;
    let (app_id, _, _) = connector_app(&emu).await;
    let wrong = "Qq8Q~thisisthewrongsecretvalue0123456789";
    let err = client_credentials_token(
        &reqwest::Client::new(),
        &endpoints(&emu),
        "contoso.com",
        &app_id,
        &SecretString::from(wrong),
        GRAPH_DEFAULT,
    )
    .await
    .unwrap_err();
    assert_eq!(err.aadsts(), Some(7000215), "{err:?}");
    assert!(
        err.to_string().starts_with("The client secret is wrong."),
        "{err}"
    );
    for text in [err.to_string(), err.detail(), format!("{err:?}")] {
        assert!(!text.contains(wrong), "{text}");
    }
    emu.shutdown().await;
}
