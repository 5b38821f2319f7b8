//! Every Graph entity the emulator returns validates against the strict v1.0 subset schema
//! (`additionalProperties: false`), both as single objects and as `value[]` items.

use crate::support::emulator_api;

use emulator_api::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const SCHEMA: &str = include_str!("../fixtures/graph-v1.0-subset.schema.json");

struct Schemas {
    root: Value,
    cache:
        std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<jsonschema::Validator>>>,
}

impl Schemas {
    fn load() -> Schemas {
        Schemas {
            root: serde_json::from_str(SCHEMA).unwrap(),
            cache: Default::default(),
        }
    }

    fn validator(&self, def: &str) -> std::rc::Rc<jsonschema::Validator> {
        if let Some(v) = self.cache.borrow().get(def) {
            return v.clone();
        }
        let schema = json!({
            "$schema": self.root["$schema"],
            "$defs": self.root["$defs"],
            "$ref": format!("#/$defs/{def}"),
        });
        let v = std::rc::Rc::new(jsonschema::validator_for(&schema).expect("schema compiles"));
        self.cache.borrow_mut().insert(def.to_string(), v.clone());
        v
    }

    fn is_valid(&self, def: &str, instance: &Value) -> bool {
        self.validator(def).is_valid(instance)
    }

    fn check(&self, def: &str, instance: &Value, what: &str) {
        let validator = self.validator(def);
        let errors: Vec<String> = validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} is not a valid {def}:\n{}\n{instance:#}",
            errors.join("\n")
        );
    }

    fn check_list(&self, def: &str, list: &Value, what: &str) {
        assert!(
            list["@odata.context"].is_string(),
            "{what}: no @odata.context"
        );
        let items = list["value"].as_array().expect("value[]");
        assert!(!items.is_empty(), "{what}: empty list");
        for (i, item) in items.iter().enumerate() {
            self.check(def, item, &format!("{what}[{i}]"));
        }
    }
}

#[test]
fn the_schema_is_strict() {
    let s = Schemas::load();
    assert!(s.is_valid(
        "passwordCredential",
        &json!({"keyId": "7e0b6a3c-9c41-4c4e-9a5f-0f5e6c1d2b3a", "hint": "abc"})
    ));
    assert!(!s.is_valid(
        "passwordCredential",
        &json!({"keyId": "7e0b6a3c-9c41-4c4e-9a5f-0f5e6c1d2b3a", "secret": "x"})
    ));
    assert!(!s.is_valid("application", &json!({"id": "x", "displayName": 5})));
    assert!(s.is_valid("application", &json!({"@odata.context": "x", "id": "x"})));
}

#[tokio::test]
async fn every_entity_matches_the_graph_schema() {
    let emu = start().await;
    let s = Schemas::load();
    let admin = emu.issue_token(
        ADMIN,
        &[
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "Directory.Read.All",
            "MailboxSettings.Read",
        ],
    );
    let graph = resource_sp(&emu, &admin, GRAPH_APP_ID).await;
    let exo = resource_sp(&emu, &admin, EXCHANGE_APP_ID).await;
    s.check("servicePrincipal", &graph, "Microsoft Graph SP");
    s.check("servicePrincipal", &exo, "Exchange SP");

    // applications: minimal, full, list
    let minimal = create_app(&emu, &admin, json!({"displayName": "Schema minimal"})).await;
    s.check("application", &minimal, "POST /applications (minimal)");
    let full = create_app(
        &emu,
        &admin,
        json!({
            "displayName": "Schema full",
            "description": "all the things",
            "notes": "n",
            "signInAudience": "AzureADMyOrg",
            "tags": ["exowiz"],
            "identifierUris": ["api://schema-full"],
            "isFallbackPublicClient": true,
            "publicClient": {"redirectUris": ["http://localhost", "ms-appx-web://microsoft.aad.brokerplugin/x"]},
            "web": {"homePageUrl": "https://contoso.com", "redirectUris": ["https://contoso.com/cb"], "implicitGrantSettings": {"enableIdTokenIssuance": true}},
            "spa": {"redirectUris": ["https://spa.contoso.com"]},
            "info": {"marketingUrl": "https://contoso.com"},
            "api": {"requestedAccessTokenVersion": 2, "oauth2PermissionScopes": [{
                "adminConsentDescription": "d", "adminConsentDisplayName": "Access", "id": "7e0b6a3c-9c41-4c4e-9a5f-0f5e6c1d2b3a",
                "isEnabled": true, "type": "User", "userConsentDescription": "d", "userConsentDisplayName": "Access", "value": "access_as_user"}]},
            "appRoles": [{"allowedMemberTypes": ["Application"], "description": "r", "displayName": "Reader", "id": "0c6f0a9e-5d1b-4f0e-8a3b-2d4c6e8f0a1b", "isEnabled": true, "value": "Data.Read"}],
            "optionalClaims": {"idToken": [{"name": "email", "essential": false, "additionalProperties": []}]},
            "requiredResourceAccess": [
                {"resourceAppId": GRAPH_APP_ID, "resourceAccess": [{"id": role_id(&graph, "Mail.Send"), "type": "Role"}, {"id": scope_id(&graph, "User.Read"), "type": "Scope"}]},
                {"resourceAppId": EXCHANGE_APP_ID, "resourceAccess": [{"id": role_id(&exo, "full_access_as_app"), "type": "Role"}]}
            ]
        }),
    )
    .await;
    s.check("application", &full, "POST /applications (full)");
    let id = full["id"].as_str().unwrap();

    // passwordCredential from addPassword, and inside the app afterwards
    let (st, pw) = post(
        &emu,
        &format!("applications/{id}/addPassword"),
        &admin,
        json!({"passwordCredential": {"displayName": "s"}}),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    s.check("passwordCredential", &pw, "addPassword");
    let (_, app) = get(&emu, &format!("applications/{id}"), &admin).await;
    s.check("application", &app, "GET /applications/{id}");
    for c in app["passwordCredentials"].as_array().unwrap() {
        s.check("passwordCredential", c, "application.passwordCredentials[]");
    }
    let (_, app) = get(
        &emu,
        &format!(
            "applications(appId='{}')?$select=id,displayName,passwordCredentials",
            full["appId"].as_str().unwrap()
        ),
        &admin,
    )
    .await;
    s.check("application", &app, "GET with $select");
    let (_, list) = get(&emu, "applications", &admin).await;
    s.check_list("application", &list, "GET /applications");

    // service principals: created, all pages, selected
    let sp = create_sp(&emu, &admin, full["appId"].as_str().unwrap()).await;
    s.check("servicePrincipal", &sp, "POST /servicePrincipals");
    let (_, list) = get(&emu, "servicePrincipals?$top=999", &admin).await;
    s.check_list("servicePrincipal", &list, "GET /servicePrincipals");
    let (_, list) = get(
        &emu,
        "servicePrincipals?$select=id,appId,appRoles,oauth2PermissionScopes,servicePrincipalNames",
        &admin,
    )
    .await;
    s.check_list("servicePrincipal", &list, "GET /servicePrincipals?$select");

    // app role assignments, both sides
    let sp_id = sp["id"].as_str().unwrap();
    let (st, a) = post(
        &emu,
        &format!("servicePrincipals/{}/appRoleAssignedTo", graph["id"].as_str().unwrap()),
        &admin,
        json!({"principalId": sp_id, "resourceId": graph["id"], "appRoleId": role_id(&graph, "Mail.Send")}),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED);
    s.check("appRoleAssignment", &a, "POST appRoleAssignedTo");
    let (_, list) = get(
        &emu,
        &format!("servicePrincipals/{sp_id}/appRoleAssignments"),
        &admin,
    )
    .await;
    s.check_list("appRoleAssignment", &list, "GET appRoleAssignments");
    let (_, list) = get(
        &emu,
        &format!(
            "servicePrincipals/{}/appRoleAssignedTo",
            exo["id"].as_str().unwrap()
        ),
        &admin,
    )
    .await;
    s.check_list("appRoleAssignment", &list, "GET appRoleAssignedTo (seeded)");

    // grants
    let (st, g) = post(&emu, "oauth2PermissionGrants", &admin, json!({"clientId": sp_id, "consentType": "AllPrincipals", "principalId": null, "resourceId": graph["id"], "scope": "User.Read"})).await;
    assert_eq!(st, StatusCode::CREATED);
    s.check("oAuth2PermissionGrant", &g, "POST oauth2PermissionGrants");
    let (_, list) = get(&emu, "oauth2PermissionGrants", &admin).await;
    s.check_list("oAuth2PermissionGrant", &list, "GET oauth2PermissionGrants");

    // directory
    let (_, list) = get(&emu, "organization", &admin).await;
    s.check_list("organization", &list, "GET /organization");
    let basic = emu.issue_token(ADMIN, &["User.Read"]);
    let (_, list) = get(&emu, "organization", &basic).await;
    s.check_list("organization", &list, "GET /organization (User.Read)");
    let (_, list) = get(&emu, "users", &admin).await;
    s.check_list("user", &list, "GET /users");
    let all_user_props = "id,displayName,givenName,surname,userPrincipalName,mail,mailNickname,jobTitle,mobilePhone,officeLocation,preferredLanguage,businessPhones,accountEnabled,assignedLicenses,assignedPlans,createdDateTime,onPremisesSyncEnabled,proxyAddresses,usageLocation,userType";
    let (_, list) = get(&emu, &format!("users?$select={all_user_props}"), &admin).await;
    s.check_list("user", &list, "GET /users?$select=…");
    let (_, u) = get(&emu, "users/fax-transfer@contoso.com", &admin).await;
    s.check("user", &u, "GET /users/{upn}");
    let (_, me) = get(&emu, "me", &admin).await;
    s.check("user", &me, "GET /me");
    // A delegated token reads only the signed-in user's own mailbox settings.
    let (_, mbx) = get(&emu, "users/admin@contoso.com/mailboxSettings", &admin).await;
    s.check("mailboxSettings", &mbx, "GET mailboxSettings");

    // no `domain` definition in the schema: stick to the documented fields
    let documented = [
        "@odata.context",
        "id",
        "authenticationType",
        "availabilityStatus",
        "isAdminManaged",
        "isDefault",
        "isInitial",
        "isRoot",
        "isVerified",
        "passwordNotificationWindowInDays",
        "passwordValidityPeriodInDays",
        "supportedServices",
        "state",
    ];
    let (_, list) = get(&emu, "domains", &admin).await;
    for d in list["value"].as_array().unwrap() {
        for k in d.as_object().unwrap().keys() {
            assert!(
                documented.contains(&k.as_str()),
                "undocumented domain property {k}"
            );
        }
    }
    emu.shutdown().await;
}
