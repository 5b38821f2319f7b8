//! Every operation against a scripted Graph: what was sent (method, path, query, body) and
//! what came back.

use crate::support::scripted_graph;

use chrono::{TimeZone, Utc};
use exowiz::graph::{
    ApplicationPatch, ErrorKind, MailboxState, NewApplication, PermissionType, RedirectUris,
    RequiredResourceAccess, ResourceAccess, SignInAudience,
};
use scripted_graph::fixtures::{
    self, APP_ID, APP_OBJECT_ID, EXO_APP_ID, EXO_SP_ID, FULL_ACCESS_AS_APP_ROLE, GRAPH_APP_ID,
    GRAPH_SP_ID, KEY_ID, MAIL_SEND_ROLE, SECRET, SP_ID,
};
use scripted_graph::{Reply, TestServer, route};
use secrecy::ExposeSecret;
use serde_json::json;

// --------------------------------------------------------------------------------------------
// Directory
// --------------------------------------------------------------------------------------------

#[tokio::test]
async fn organization_and_domains() {
    let server = TestServer::start(|_| {
        vec![
            route("GET", "/v1.0/organization", [Reply::json(200, fixtures::organization())]),
            route(
                "GET",
                "/v1.0/domains",
                [Reply::json(200, fixtures::page(vec![
                    json!({"id": "contoso.onmicrosoft.com", "authenticationType": "Managed", "isAdminManaged": true, "isDefault": false, "isInitial": true, "isRoot": true, "isVerified": true, "supportedServices": ["Email", "OfficeCommunicationsOnline"]}),
                    json!({"id": "contoso.com", "authenticationType": "Federated", "isAdminManaged": true, "isDefault": true, "isInitial": false, "isRoot": true, "isVerified": true, "supportedServices": null}),
                ]))],
            ),
        ]
    })
    .await;
    let client = server.client();
    let org = client.organization().await.unwrap();
    assert_eq!(org.id, fixtures::TENANT_ID);
    assert_eq!(org.display_name.as_deref(), Some("Contoso"));
    assert_eq!(org.on_premises_sync_enabled, None);
    assert_eq!(org.verified_domains.len(), 2);
    assert_eq!(
        org.verified_domains[1].domain_type.as_deref(),
        Some("Federated")
    );
    assert_eq!(org.default_domain(), Some("contoso.com"));

    let domains = client.domains().await.unwrap();
    assert_eq!(domains.len(), 2);
    assert!(domains[0].is_initial && domains[0].supported_services.contains(&"Email".to_string()));
    assert!(domains[1].supported_services.is_empty());
    assert_eq!(
        server.lines(),
        ["GET /v1.0/organization", "GET /v1.0/domains"]
    );
}

#[tokio::test]
async fn users_are_addressed_safely() {
    let guest = "adele_fabrikam.com#EXT#@contoso.onmicrosoft.com";
    let dollar = "$svc@contoso.com";
    let server = TestServer::start(|_| {
        vec![
            route("GET", "/v1.0/users/adele@contoso.com", [Reply::json(200, fixtures::user("adele@contoso.com"))]),
            route("GET", "/v1.0/users/adele_fabrikam.com%23EXT%23@contoso.onmicrosoft.com", [Reply::json(200, fixtures::user(guest))]),
            route("GET", "/v1.0/users('$svc@contoso.com')", [Reply::json(200, fixtures::user(dollar))]),
            route("GET", "/v1.0/users/nobody@contoso.com", [Reply::error(404, "Request_ResourceNotFound", "Resource 'nobody@contoso.com' does not exist or one of its queried reference-property objects are not present.")]),
        ]
    })
    .await;
    let client = server.client();
    let u = client.user("adele@contoso.com").await.unwrap().unwrap();
    assert_eq!(u.user_type.as_deref(), Some("Member"));
    assert_eq!(u.account_enabled, Some(true));
    assert_eq!(
        client
            .user(guest)
            .await
            .unwrap()
            .unwrap()
            .user_principal_name
            .as_deref(),
        Some(guest)
    );
    assert!(client.user(dollar).await.unwrap().is_some());
    assert!(client.user("nobody@contoso.com").await.unwrap().is_none());

    let reqs = server.requests();
    assert_eq!(reqs.len(), 4, "a missing user is not retried");
    for r in &reqs {
        assert_eq!(
            r.query.as_deref(),
            Some("$select=id,displayName,userPrincipalName,mail,accountEnabled,userType")
        );
    }
}

#[tokio::test]
async fn mailbox_states() {
    let not_found = |who: &str| {
        Reply::error(
            404,
            "Request_ResourceNotFound",
            &format!(
                "Resource '{who}' does not exist or one of its queried reference-property objects are not present."
            ),
        )
    };
    let exchange = json!([{"service": "exchange", "capabilityStatus": "Enabled", "servicePlanId": "efb87545-963c-4e0d-99df-69c6916d9eb0"}]);
    let server = TestServer::start(move |_| {
        vec![
            route("GET", "/v1.0/users/has@contoso.com", [Reply::json(200, json!({"id": "1", "mail": "has@contoso.com", "proxyAddresses": ["SMTP:has@contoso.com"], "assignedPlans": exchange, "accountEnabled": true, "userType": "Member"}))]),
            route("GET", "/v1.0/users/shared@contoso.com", [Reply::json(200, json!({"id": "2", "mail": "shared@contoso.com", "proxyAddresses": ["SMTP:shared@contoso.com"], "assignedPlans": [], "accountEnabled": false, "userType": "Member"}))]),
            route("GET", "/v1.0/users/nombx@contoso.com", [Reply::json(200, json!({"id": "3", "mail": null, "proxyAddresses": [], "assignedPlans": [], "accountEnabled": true, "userType": "Member"}))]),
            route("GET", "/v1.0/users/alias@contoso.com", [not_found("alias@contoso.com")]),
            route("GET", "/v1.0/users/ghost@contoso.com", [not_found("ghost@contoso.com")]),
            route("GET", "/v1.0/users", [
                Reply::json(200, json!({"value": [{"id": "1", "mail": "has@contoso.com", "proxyAddresses": ["SMTP:has@contoso.com", "smtp:alias@contoso.com"], "assignedPlans": exchange, "userType": "Member"}]})),
                Reply::json(200, json!({"value": []})),
            ]),
            route("GET", "/v1.0/users/denied@contoso.com", [Reply::error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")]),
        ]
    })
    .await;
    let client = server.client();
    for (address, expected) in [
        ("has@contoso.com", MailboxState::Exists),
        ("shared@contoso.com", MailboxState::Shared),
        ("nombx@contoso.com", MailboxState::NoMailbox),
        ("alias@contoso.com", MailboxState::Exists),
        ("ghost@contoso.com", MailboxState::NoSuchUser),
    ] {
        assert_eq!(
            client.mailbox_state(address).await.unwrap(),
            expected,
            "{address}"
        );
    }
    let err = client
        .mailbox_state("denied@contoso.com")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
    assert!(err.to_string().contains("checking the user's mailbox"));
    let requests = server.requests();
    assert_eq!(requests.len(), 8);
    let lookups: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/v1.0/users")
        .map(|r| r.query.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        lookups[0],
        "$filter=proxyAddresses%2Fany%28p%3Ap%20eq%20%27smtp%3Aalias%40contoso.com%27%29&$select=id,userPrincipalName,mail,proxyAddresses,assignedPlans,accountEnabled,userType"
    );
    assert!(requests.iter().all(|r| !r.path.contains("mailboxSettings")));
}

// --------------------------------------------------------------------------------------------
// Applications and secrets
// --------------------------------------------------------------------------------------------

fn connector_app() -> NewApplication {
    NewApplication {
        display_name: "exowiz OfficeMaster".into(),
        sign_in_audience: SignInAudience::MyOrg,
        public_client: Some(RedirectUris::new(["http://localhost"])),
        web: None,
        spa: None,
        is_fallback_public_client: Some(true),
        required_resource_access: vec![
            RequiredResourceAccess {
                resource_app_id: EXO_APP_ID.into(),
                resource_access: vec![ResourceAccess {
                    id: FULL_ACCESS_AS_APP_ROLE.into(),
                    kind: PermissionType::Role,
                }],
            },
            RequiredResourceAccess {
                resource_app_id: GRAPH_APP_ID.into(),
                resource_access: vec![ResourceAccess {
                    id: "652390e4-393a-48de-9484-05f9b1212954".into(),
                    kind: PermissionType::Scope,
                }],
            },
        ],
        notes: Some("Created by exowiz".into()),
        description: None,
    }
}

#[tokio::test]
async fn create_application_sends_the_documented_body() {
    let server = TestServer::start(|_| {
        vec![route(
            "POST",
            "/v1.0/applications",
            [Reply::json(
                201,
                fixtures::application(APP_OBJECT_ID, APP_ID, "exowiz OfficeMaster"),
            )],
        )]
    })
    .await;
    let app = server
        .client()
        .create_application(&connector_app())
        .await
        .unwrap();
    assert_eq!(app.id, APP_OBJECT_ID);
    assert_eq!(app.app_id, APP_ID);
    assert_eq!(
        app.public_client.unwrap().redirect_uris,
        ["http://localhost"]
    );
    assert_eq!(
        app.required_resource_access[0].resource_access[0].kind,
        PermissionType::Role
    );

    let r = &server.requests()[0];
    assert_eq!(r.line(), "POST /v1.0/applications");
    assert_eq!(
        r.json(),
        json!({
            "displayName": "exowiz OfficeMaster",
            "signInAudience": "AzureADMyOrg",
            "publicClient": {"redirectUris": ["http://localhost"]},
            "isFallbackPublicClient": true,
            "requiredResourceAccess": [
                {"resourceAppId": EXO_APP_ID, "resourceAccess": [{"id": FULL_ACCESS_AS_APP_ROLE, "type": "Role"}]},
                {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": "652390e4-393a-48de-9484-05f9b1212954", "type": "Scope"}]}
            ],
            "notes": "Created by exowiz"
        })
    );
}

#[tokio::test]
async fn get_update_delete_application() {
    let path = format!("/v1.0/applications/{APP_OBJECT_ID}");
    let server = TestServer::start(|_| {
        vec![
            route(
                "GET",
                &path,
                [Reply::json(
                    200,
                    fixtures::application(APP_OBJECT_ID, APP_ID, "a"),
                )],
            ),
            route("PATCH", &path, [Reply::empty(204)]),
            route("DELETE", &path, [Reply::empty(204)]),
        ]
    })
    .await;
    let client = server.client();
    let app = client.get_application(APP_OBJECT_ID).await.unwrap();
    assert_eq!(
        app.created_date_time,
        Some(Utc.with_ymd_and_hms(2026, 11, 27, 10, 0, 0).unwrap())
    );
    let patch = ApplicationPatch {
        display_name: Some("renamed".into()),
        web: Some(RedirectUris::new(["https://app.contoso.com/callback"])),
        ..ApplicationPatch::default()
    };
    client
        .update_application(APP_OBJECT_ID, &patch)
        .await
        .unwrap();
    client.delete_application(APP_OBJECT_ID).await.unwrap();

    let reqs = server.requests();
    assert_eq!(
        reqs.iter().map(|r| r.line()).collect::<Vec<_>>(),
        [
            format!("GET {path}"),
            format!("PATCH {path}"),
            format!("DELETE {path}"),
        ]
    );
    assert_eq!(
        reqs[1].json(),
        json!({"displayName": "renamed", "web": {"redirectUris": ["https://app.contoso.com/callback"]}})
    );
    assert!(reqs[2].body.is_empty());
}

#[tokio::test]
async fn find_and_search_applications() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/applications",
            [Reply::json(
                200,
                fixtures::applications_page(
                    vec![
                        fixtures::application(APP_OBJECT_ID, APP_ID, "exowiz A"),
                        fixtures::application("o2", "a2", "exowiz A"),
                    ],
                    None,
                ),
            )],
        )]
    })
    .await;
    let client = server.client();
    assert_eq!(
        client
            .find_application_by_app_id(APP_ID)
            .await
            .unwrap()
            .unwrap()
            .id,
        APP_OBJECT_ID
    );
    assert_eq!(
        client
            .find_applications_by_name("exowiz A")
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(client.search_applications("exo").await.unwrap().len(), 2);
    assert_eq!(
        server.lines(),
        [
            format!("GET /v1.0/applications?$filter=appId%20eq%20%27{APP_ID}%27"),
            "GET /v1.0/applications?$filter=displayName%20eq%20%27exowiz%20A%27".into(),
            "GET /v1.0/applications?$filter=startswith%28displayName%2C%27exo%27%29".into(),
        ]
    );
}

#[tokio::test]
async fn add_password_returns_the_secret_only_as_secret_string() {
    let add = format!("/v1.0/applications/{APP_OBJECT_ID}/addPassword");
    let remove = format!("/v1.0/applications/{APP_OBJECT_ID}/removePassword");
    let server = TestServer::start(|_| {
        vec![
            route(
                "POST",
                &add,
                [Reply::json(200, fixtures::password_credential(SECRET))],
            ),
            route("POST", &remove, [Reply::empty(204)]),
        ]
    })
    .await;
    let client = server.client();
    let end = Utc.with_ymd_and_hms(2027, 11, 27, 10, 0, 0).unwrap()
        + chrono::Duration::nanoseconds(123_456_789);
    let secret = client
        .add_password(APP_OBJECT_ID, "exowiz 2026-11", end)
        .await
        .unwrap();
    assert_eq!(secret.secret_text.expose_secret(), SECRET);
    assert_eq!(secret.key_id, KEY_ID);
    assert_eq!(secret.hint.as_deref(), Some("Q~8"));
    assert_eq!(secret.display_name.as_deref(), Some("exowiz 2026-11"));
    assert_eq!(
        secret.end,
        Some(Utc.with_ymd_and_hms(2027, 11, 27, 10, 0, 0).unwrap())
    );
    assert!(!format!("{secret:?}").contains(SECRET));

    client.remove_password(APP_OBJECT_ID, KEY_ID).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].line(), format!("POST {add}"));
    assert_eq!(
        reqs[0].json(),
        json!({"passwordCredential": {"displayName": "exowiz 2026-11", "endDateTime": "2027-11-27T10:00:00Z"}})
    );
    assert_eq!(reqs[1].line(), format!("POST {remove}"));
    assert_eq!(reqs[1].json(), json!({"keyId": KEY_ID}));
}

// --------------------------------------------------------------------------------------------
// Service principals
// --------------------------------------------------------------------------------------------

#[tokio::test]
async fn create_service_principal() {
    let server = TestServer::start(|_| {
        vec![route(
            "POST",
            "/v1.0/servicePrincipals",
            [Reply::json(
                201,
                fixtures::service_principal(SP_ID, APP_ID, "exowiz"),
            )],
        )]
    })
    .await;
    let sp = server
        .client()
        .create_service_principal(APP_ID)
        .await
        .unwrap();
    assert_eq!(sp.id, SP_ID);
    assert_eq!(sp.app_id, APP_ID);
    assert_eq!(server.requests()[0].json(), json!({"appId": APP_ID}));
}

#[tokio::test]
async fn an_existing_service_principal_is_fetched_and_returned() {
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/servicePrincipals", [Reply::error(409, "Request_MultipleObjectsWithSameKeyValue", "The service principal cannot be created, updated, or restored because the service principal name is already in use.")]),
            route("GET", &format!("/v1.0/servicePrincipals(appId='{APP_ID}')"), [Reply::json(200, fixtures::service_principal(SP_ID, APP_ID, "exowiz"))]),
        ]
    })
    .await;
    let sp = server
        .client()
        .create_service_principal(APP_ID)
        .await
        .unwrap();
    assert_eq!(sp.id, SP_ID);
    assert_eq!(
        server.lines(),
        [
            "POST /v1.0/servicePrincipals".to_string(),
            format!("GET /v1.0/servicePrincipals(appId='{APP_ID}')")
        ]
    );
}

#[tokio::test]
async fn find_get_and_list_service_principals() {
    let server = TestServer::start(|base| {
        let next = format!("{base}v1.0/servicePrincipals?$select=id,appId,displayName&$skiptoken=2");
        vec![
            route("GET", &format!("/v1.0/servicePrincipals(appId='{GRAPH_APP_ID}')"), [Reply::json(200, fixtures::graph_service_principal())]),
            route("GET", &format!("/v1.0/servicePrincipals(appId='{EXO_APP_ID}')"), [Reply::error(404, "Request_ResourceNotFound", "Resource not found.")]),
            route("GET", &format!("/v1.0/servicePrincipals/{SP_ID}"), [Reply::json(200, fixtures::service_principal(SP_ID, APP_ID, "exowiz"))]),
            route("GET", "/v1.0/servicePrincipals?$select=id,appId,displayName&$skiptoken=2", [Reply::json(200, fixtures::page(vec![json!({"id": SP_ID, "appId": APP_ID, "displayName": "exowiz"})]))]),
            route("GET", "/v1.0/servicePrincipals?$select=id,appId,displayName", [Reply::json(200, json!({"value": [{"id": GRAPH_SP_ID, "appId": GRAPH_APP_ID, "displayName": "Microsoft Graph"}], "@odata.nextLink": next}))]),
        ]
    })
    .await;
    let client = server.client();
    let graph = client
        .find_service_principal_by_app_id(GRAPH_APP_ID)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(graph.id, GRAPH_SP_ID);
    assert_eq!(graph.app_role("Mail.Send").unwrap().id, MAIL_SEND_ROLE);
    assert_eq!(
        graph.app_role("Mail.Send").unwrap().allowed_member_types,
        ["Application"]
    );
    assert_eq!(
        graph.scope("IMAP.AccessAsUser.All").unwrap().id,
        "652390e4-393a-48de-9484-05f9b1212954"
    );
    assert_eq!(
        graph
            .scope("IMAP.AccessAsUser.All")
            .unwrap()
            .scope_type
            .as_deref(),
        Some("User")
    );
    assert!(graph.app_role("Nope").is_none());

    assert!(
        client
            .find_service_principal_by_app_id(EXO_APP_ID)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        client.get_service_principal(SP_ID).await.unwrap().app_id,
        APP_ID
    );
    let all = client.list_service_principals().await.unwrap();
    assert_eq!(
        all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        [GRAPH_SP_ID, SP_ID]
    );
    assert_eq!(server.requests().len(), 5);
}

// --------------------------------------------------------------------------------------------
// Grants
// --------------------------------------------------------------------------------------------

#[tokio::test]
async fn app_role_assignments() {
    let assigned_to = format!("/v1.0/servicePrincipals/{GRAPH_SP_ID}/appRoleAssignedTo");
    let server = TestServer::start(|_| {
        vec![
            route(
                "POST",
                &assigned_to,
                [Reply::json(
                    201,
                    fixtures::app_role_assignment("Wx0-ass1", SP_ID, GRAPH_SP_ID, MAIL_SEND_ROLE),
                )],
            ),
            route(
                "GET",
                &format!("/v1.0/servicePrincipals/{SP_ID}/appRoleAssignments"),
                [Reply::json(
                    200,
                    fixtures::page(vec![
                        fixtures::app_role_assignment(
                            "Wx0-ass1",
                            SP_ID,
                            GRAPH_SP_ID,
                            MAIL_SEND_ROLE,
                        ),
                        fixtures::app_role_assignment(
                            "Wx0-ass2",
                            SP_ID,
                            EXO_SP_ID,
                            FULL_ACCESS_AS_APP_ROLE,
                        ),
                    ]),
                )],
            ),
            route(
                "DELETE",
                &format!("{assigned_to}/Wx0-ass1"),
                [Reply::empty(204)],
            ),
        ]
    })
    .await;
    let client = server.client();
    let a = client
        .assign_app_role(GRAPH_SP_ID, SP_ID, MAIL_SEND_ROLE)
        .await
        .unwrap();
    assert_eq!(a.app_role_id, MAIL_SEND_ROLE);
    assert_eq!(a.principal_type.as_deref(), Some("ServicePrincipal"));
    assert!(a.created_date_time.is_some());
    let list = client.list_app_role_assignments(SP_ID).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[1].resource_id.as_deref(), Some(EXO_SP_ID));
    client
        .remove_app_role_assignment(GRAPH_SP_ID, "Wx0-ass1")
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs[0].line(), format!("POST {assigned_to}"));
    assert_eq!(
        reqs[0].json(),
        json!({"principalId": SP_ID, "resourceId": GRAPH_SP_ID, "appRoleId": MAIL_SEND_ROLE})
    );
    assert_eq!(
        reqs[1].line(),
        format!("GET /v1.0/servicePrincipals/{SP_ID}/appRoleAssignments")
    );
    assert_eq!(reqs[2].line(), format!("DELETE {assigned_to}/Wx0-ass1"));
}

#[tokio::test]
async fn delegated_grants() {
    let server = TestServer::start(|_| {
        vec![
            route(
                "POST",
                "/v1.0/oauth2PermissionGrants",
                [Reply::json(
                    201,
                    fixtures::delegated_grant(
                        "grant-1",
                        SP_ID,
                        GRAPH_SP_ID,
                        "IMAP.AccessAsUser.All SMTP.Send offline_access",
                    ),
                )],
            ),
            route(
                "PATCH",
                "/v1.0/oauth2PermissionGrants/grant-1",
                [Reply::empty(204)],
            ),
            route(
                "GET",
                "/v1.0/oauth2PermissionGrants",
                [Reply::json(
                    200,
                    fixtures::page(vec![fixtures::delegated_grant(
                        "grant-1",
                        SP_ID,
                        GRAPH_SP_ID,
                        "IMAP.AccessAsUser.All",
                    )]),
                )],
            ),
            route(
                "DELETE",
                "/v1.0/oauth2PermissionGrants/grant-1",
                [Reply::empty(204)],
            ),
        ]
    })
    .await;
    let client = server.client();
    let scopes: Vec<String> = ["IMAP.AccessAsUser.All", "SMTP.Send", "offline_access"]
        .map(String::from)
        .to_vec();
    let g = client
        .create_delegated_grant(SP_ID, GRAPH_SP_ID, &scopes)
        .await
        .unwrap();
    assert_eq!(
        g.scopes(),
        ["IMAP.AccessAsUser.All", "SMTP.Send", "offline_access"]
    );
    assert_eq!(g.consent_type.as_deref(), Some("AllPrincipals"));
    client
        .update_delegated_grant("grant-1", &scopes[..1])
        .await
        .unwrap();
    let list = client.list_delegated_grants(SP_ID).await.unwrap();
    assert_eq!(list[0].id, "grant-1");
    client.delete_delegated_grant("grant-1").await.unwrap();

    let reqs = server.requests();
    assert_eq!(
        reqs[0].json(),
        json!({"clientId": SP_ID, "consentType": "AllPrincipals", "resourceId": GRAPH_SP_ID, "scope": "IMAP.AccessAsUser.All SMTP.Send offline_access"})
    );
    assert_eq!(reqs[1].line(), "PATCH /v1.0/oauth2PermissionGrants/grant-1");
    assert_eq!(reqs[1].json(), json!({"scope": "IMAP.AccessAsUser.All"}));
    assert_eq!(
        reqs[2].line(),
        format!(
            "GET /v1.0/oauth2PermissionGrants?$filter=clientId%20eq%20%27{SP_ID}%27%20and%20consentType%20eq%20%27AllPrincipals%27"
        )
    );
    assert_eq!(
        reqs[3].line(),
        "DELETE /v1.0/oauth2PermissionGrants/grant-1"
    );
}
