//! Every request body exowiz sends validates against the strict Graph v1.0 schema
//! (`additionalProperties: false`), both as serialised types and as actually sent on the wire.
//! The fake Graph answers used by the other tests are checked against it too.

use crate::support::scripted_graph;

use chrono::{TimeZone, Utc};
use exowiz::graph::{
    AddPasswordRequest, ApplicationPatch, NewAppRoleAssignment, NewApplication,
    NewOAuth2PermissionGrant, NewServicePrincipal, OAuth2PermissionGrantPatch,
    PasswordCredentialInput, PermissionType, RedirectUris, RemovePasswordRequest,
    RequiredResourceAccess, ResourceAccess, SignInAudience,
};
use scripted_graph::fixtures::{
    self, APP_ID, APP_OBJECT_ID, EXO_APP_ID, GRAPH_SP_ID, KEY_ID, SP_ID,
};
use scripted_graph::{Reply, TestServer, route};
use serde::Serialize;
use serde_json::{Value, json};

fn defs() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/graph-v1.0-subset.schema.json"
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    schema["$defs"].clone()
}

fn validator(def: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/$defs/{def}"),
        "$defs": defs()
    });
    jsonschema::validator_for(&schema).expect("schema compiles")
}

fn assert_valid(def: &str, instance: &Value) {
    let v = validator(def);
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{def} body {instance} is invalid: {errors:?}"
    );
}

fn body<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap()
}

fn full_app() -> NewApplication {
    NewApplication {
        display_name: "exowiz test".into(),
        sign_in_audience: SignInAudience::MyOrg,
        public_client: Some(RedirectUris::new(["http://localhost"])),
        web: Some(RedirectUris::new(["https://contoso.com/cb"])),
        spa: Some(RedirectUris::new(["https://contoso.com/spa"])),
        is_fallback_public_client: Some(true),
        required_resource_access: vec![RequiredResourceAccess {
            resource_app_id: EXO_APP_ID.into(),
            resource_access: vec![
                ResourceAccess {
                    id: fixtures::FULL_ACCESS_AS_APP_ROLE.into(),
                    kind: PermissionType::Role,
                },
                ResourceAccess {
                    id: "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5".into(),
                    kind: PermissionType::Scope,
                },
            ],
        }],
        notes: Some("notes".into()),
        description: Some("description".into()),
    }
}

#[test]
fn the_validator_is_strict() {
    let v = validator("application");
    assert!(!v.is_valid(&json!({"displayName": "x", "secretSauce": 1})));
    assert!(!v.is_valid(&json!({"requiredResourceAccess": [{"resourceAppId": "x", "resourceAccess": [{"id": "not-a-guid", "type": "Role"}]}]})));
    assert!(
        !validator("passwordCredential")
            .is_valid(&json!({"endDateTime": "2027-01-01T00:00:00.123456789Z"}))
    );
}

#[test]
fn every_request_body_type_validates() {
    for audience in [
        SignInAudience::MyOrg,
        SignInAudience::MultipleOrgs,
        SignInAudience::MultipleOrgsAndPersonal,
        SignInAudience::PersonalOnly,
    ] {
        assert_valid(
            "application",
            &body(&NewApplication {
                sign_in_audience: audience,
                ..full_app()
            }),
        );
    }
    assert_valid(
        "application",
        &body(&NewApplication::single_tenant("minimal")),
    );
    assert_valid("application", &body(&ApplicationPatch::default()));
    assert_valid(
        "application",
        &body(&ApplicationPatch {
            display_name: Some("x".into()),
            sign_in_audience: Some(SignInAudience::MyOrg),
            public_client: Some(RedirectUris::new(["http://localhost"])),
            web: Some(RedirectUris::default()),
            spa: Some(RedirectUris::default()),
            is_fallback_public_client: Some(false),
            required_resource_access: Some(full_app().required_resource_access),
            notes: Some("n".into()),
            description: Some("d".into()),
        }),
    );

    // addPassword: the action wraps a passwordCredential; validate the credential.
    let end = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        + chrono::Duration::nanoseconds(987_654_321);
    let add = body(&AddPasswordRequest {
        password_credential: PasswordCredentialInput {
            display_name: Some("exowiz".into()),
            start_date_time: Some(Utc::now()),
            end_date_time: Some(end),
        },
    });
    assert_eq!(
        add.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["passwordCredential"]
    );
    assert_valid("passwordCredential", &add["passwordCredential"]);
    // removePassword's only parameter is a passwordCredential keyId.
    assert_valid(
        "passwordCredential",
        &body(&RemovePasswordRequest {
            key_id: KEY_ID.into(),
        }),
    );

    assert_valid(
        "servicePrincipal",
        &body(&NewServicePrincipal {
            app_id: APP_ID.into(),
        }),
    );
    assert_valid(
        "appRoleAssignment",
        &body(&NewAppRoleAssignment {
            principal_id: SP_ID.into(),
            resource_id: GRAPH_SP_ID.into(),
            app_role_id: fixtures::MAIL_SEND_ROLE.into(),
        }),
    );
    assert_valid(
        "oAuth2PermissionGrant",
        &body(&NewOAuth2PermissionGrant {
            client_id: SP_ID.into(),
            consent_type: "AllPrincipals".into(),
            resource_id: GRAPH_SP_ID.into(),
            scope: "SMTP.Send offline_access".into(),
        }),
    );
    assert_valid(
        "oAuth2PermissionGrant",
        &body(&OAuth2PermissionGrantPatch {
            scope: "SMTP.Send".into(),
        }),
    );
}

#[tokio::test]
async fn bodies_sent_on_the_wire_validate() {
    let server = TestServer::start(|_| {
        vec![
            route(
                "POST",
                "/v1.0/applications",
                [Reply::json(
                    201,
                    fixtures::application(APP_OBJECT_ID, APP_ID, "exowiz test"),
                )],
            ),
            route(
                "PATCH",
                &format!("/v1.0/applications/{APP_OBJECT_ID}"),
                [Reply::empty(204)],
            ),
            route(
                "POST",
                &format!("/v1.0/applications/{APP_OBJECT_ID}/addPassword"),
                [Reply::json(
                    200,
                    fixtures::password_credential(fixtures::SECRET),
                )],
            ),
            route(
                "POST",
                &format!("/v1.0/applications/{APP_OBJECT_ID}/removePassword"),
                [Reply::empty(204)],
            ),
            route(
                "POST",
                "/v1.0/servicePrincipals",
                [Reply::json(
                    201,
                    fixtures::service_principal(SP_ID, APP_ID, "exowiz test"),
                )],
            ),
            route(
                "POST",
                &format!("/v1.0/servicePrincipals/{GRAPH_SP_ID}/appRoleAssignedTo"),
                [Reply::json(
                    201,
                    fixtures::app_role_assignment(
                        "a1",
                        SP_ID,
                        GRAPH_SP_ID,
                        fixtures::MAIL_SEND_ROLE,
                    ),
                )],
            ),
            route(
                "POST",
                "/v1.0/oauth2PermissionGrants",
                [Reply::json(
                    201,
                    fixtures::delegated_grant("g1", SP_ID, GRAPH_SP_ID, "SMTP.Send"),
                )],
            ),
            route(
                "PATCH",
                "/v1.0/oauth2PermissionGrants/g1",
                [Reply::empty(204)],
            ),
        ]
    })
    .await;
    let c = server.client();
    let app = c.create_application(&full_app()).await.unwrap();
    c.update_application(
        &app.id,
        &ApplicationPatch {
            display_name: Some("y".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    c.add_password(&app.id, "exowiz", Utc::now() + chrono::Duration::days(180))
        .await
        .unwrap();
    c.remove_password(&app.id, KEY_ID).await.unwrap();
    let sp = c.create_service_principal(&app.app_id).await.unwrap();
    c.assign_app_role(GRAPH_SP_ID, &sp.id, fixtures::MAIL_SEND_ROLE)
        .await
        .unwrap();
    c.create_delegated_grant(&sp.id, GRAPH_SP_ID, &["SMTP.Send".into()])
        .await
        .unwrap();
    c.update_delegated_grant("g1", &["SMTP.Send".into(), "offline_access".into()])
        .await
        .unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 8);
    let defs = [
        "application",
        "application",
        "passwordCredential",
        "passwordCredential",
        "servicePrincipal",
        "appRoleAssignment",
        "oAuth2PermissionGrant",
        "oAuth2PermissionGrant",
    ];
    for (r, def) in reqs.iter().zip(defs) {
        let sent = r.json();
        let instance = if def == "passwordCredential" && sent.get("passwordCredential").is_some() {
            sent["passwordCredential"].clone()
        } else {
            sent
        };
        assert_valid(def, &instance);
    }
}

#[test]
fn the_fake_graph_answers_are_schema_valid() {
    let strip = |mut v: Value| {
        // The passwordCredential answer carries an @odata.context, allowed by patternProperties.
        v.as_object_mut().unwrap().remove("@odata.context");
        v
    };
    assert_valid(
        "application",
        &fixtures::application(APP_OBJECT_ID, APP_ID, "x"),
    );
    assert_valid(
        "servicePrincipal",
        &fixtures::service_principal(SP_ID, APP_ID, "x"),
    );
    assert_valid("servicePrincipal", &fixtures::graph_service_principal());
    assert_valid(
        "passwordCredential",
        &strip(fixtures::password_credential(fixtures::SECRET)),
    );
    assert_valid(
        "appRoleAssignment",
        &fixtures::app_role_assignment("a1", SP_ID, GRAPH_SP_ID, fixtures::MAIL_SEND_ROLE),
    );
    assert_valid(
        "oAuth2PermissionGrant",
        &fixtures::delegated_grant("g1", SP_ID, GRAPH_SP_ID, "SMTP.Send"),
    );
    assert_valid("organization", &fixtures::organization()["value"][0]);
    assert_valid("user", &fixtures::user("adele@contoso.com"));
    let _ = EXO_APP_ID;
}
