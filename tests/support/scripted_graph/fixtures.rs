//! Graph-shaped bodies (field names and shapes as in the Graph v1.0 docs examples; checked
//! against the v1.0 schema in `graph_schema.rs`).

use serde_json::{Value, json};

pub const TENANT_ID: &str = "84841066-274d-4ec0-a5c1-276be684bdd3";
pub const REQUEST_ID: &str = "3f1c2a9e-6f1e-4c1b-9f8e-2d1a7a0c5b11";
pub const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
pub const GRAPH_SP_ID: &str = "7408235b-7540-4850-82fe-a5f15ed019e2";
pub const EXO_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";
pub const EXO_SP_ID: &str = "a2b6cd7f-35bd-4c6a-8d9c-2b1a4b1c7e10";
pub const APP_OBJECT_ID: &str = "03ef14b0-ca33-4840-8f4f-d6e91916010e";
pub const APP_ID: &str = "631a96bc-a705-4eda-9f99-fdaf9f54f6a2";
pub const SP_ID: &str = "59e617e5-e447-4adc-8b88-00af644d7c92";
pub const KEY_ID: &str = "b5b4a5d6-8e1f-4c7a-9a8e-3e2f1d0c9b8a";
/// The secret text the fake addPassword returns; it must never show up in any output.
pub const SECRET: &str = "Q~8Xy.SECRET-MUST-NOT-LEAK_aBcDeFgHiJkLmNoP";
pub const MAIL_SEND_ROLE: &str = "b633e1c5-b582-4048-a93e-9f11b44c7e96";
pub const FULL_ACCESS_AS_APP_ROLE: &str = "dc890d15-9560-4a4c-9b7f-a736ec74ec40";

pub fn graph_error(code: &str, message: &str, details: &[&str]) -> Value {
    let mut error = json!({
        "code": code,
        "message": message,
        "innerError": {
            "date": "2026-11-27T10:00:00",
            "request-id": REQUEST_ID,
            "client-request-id": "00000000-0000-0000-0000-000000000000"
        }
    });
    if !details.is_empty() {
        error["details"] = details
            .iter()
            .map(|c| json!({"code": c, "message": message, "target": "appId"}))
            .collect();
    }
    json!({ "error": error })
}

pub fn application(id: &str, app_id: &str, name: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications/$entity",
        "id": id,
        "appId": app_id,
        "displayName": name,
        "createdDateTime": "2026-11-27T10:00:00Z",
        "deletedDateTime": null,
        "description": null,
        "isFallbackPublicClient": true,
        "signInAudience": "AzureADMyOrg",
        "publisherDomain": "contoso.onmicrosoft.com",
        "identifierUris": [],
        "notes": null,
        "tags": [],
        "keyCredentials": [],
        "passwordCredentials": [],
        "publicClient": { "redirectUris": ["http://localhost"] },
        "web": {
            "homePageUrl": null,
            "logoutUrl": null,
            "redirectUris": [],
            "implicitGrantSettings": { "enableAccessTokenIssuance": false, "enableIdTokenIssuance": false }
        },
        "spa": { "redirectUris": [] },
        "requiredResourceAccess": [{
            "resourceAppId": EXO_APP_ID,
            "resourceAccess": [{ "id": FULL_ACCESS_AS_APP_ROLE, "type": "Role" }]
        }]
    })
}

pub fn applications_page(apps: Vec<Value>, next: Option<&str>) -> Value {
    let mut page = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications",
        "value": apps
    });
    if let Some(next) = next {
        page["@odata.nextLink"] = json!(next);
    }
    page
}

pub fn page(values: Vec<Value>) -> Value {
    json!({ "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x", "value": values })
}

pub fn service_principal(id: &str, app_id: &str, name: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#servicePrincipals/$entity",
        "id": id,
        "appId": app_id,
        "appDisplayName": name,
        "displayName": name,
        "accountEnabled": true,
        "appOwnerOrganizationId": TENANT_ID,
        "servicePrincipalType": "Application",
        "servicePrincipalNames": [app_id],
        "tags": [],
        "appRoles": [],
        "oauth2PermissionScopes": []
    })
}

/// The Microsoft Graph service principal with a few roles and scopes.
pub fn graph_service_principal() -> Value {
    let mut sp = service_principal(GRAPH_SP_ID, GRAPH_APP_ID, "Microsoft Graph");
    sp["appOwnerOrganizationId"] = json!("f8cdef31-a31e-4b4a-93e4-5f571e91255a");
    sp["servicePrincipalNames"] = json!(["https://graph.microsoft.com", GRAPH_APP_ID]);
    sp["appRoles"] = json!([{
        "allowedMemberTypes": ["Application"],
        "description": "Allows the app to send mail as any user without a signed-in user.",
        "displayName": "Send mail as any user",
        "id": MAIL_SEND_ROLE,
        "isEnabled": true,
        "origin": "Application",
        "value": "Mail.Send"
    }]);
    sp["oauth2PermissionScopes"] = json!([{
        "adminConsentDescription": "Allows the app to access mailboxes via IMAP.",
        "adminConsentDisplayName": "Read and write access to mailboxes via IMAP.",
        "id": "652390e4-393a-48de-9484-05f9b1212954",
        "isEnabled": true,
        "type": "User",
        "userConsentDescription": null,
        "userConsentDisplayName": null,
        "value": "IMAP.AccessAsUser.All"
    }]);
    sp
}

pub fn password_credential(secret: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.passwordCredential",
        "customKeyIdentifier": null,
        "displayName": "exowiz 2026-11",
        "endDateTime": "2027-11-27T10:00:00Z",
        "hint": &secret[..3],
        "keyId": KEY_ID,
        "secretText": secret,
        "startDateTime": "2026-11-27T10:00:00Z"
    })
}

pub fn app_role_assignment(id: &str, principal: &str, resource: &str, role: &str) -> Value {
    json!({
        "id": id,
        "createdDateTime": "2026-11-27T10:00:00.1234567Z",
        "appRoleId": role,
        "principalDisplayName": "exowiz test",
        "principalId": principal,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": "Microsoft Graph",
        "resourceId": resource
    })
}

pub fn delegated_grant(id: &str, client: &str, resource: &str, scope: &str) -> Value {
    json!({
        "id": id,
        "clientId": client,
        "consentType": "AllPrincipals",
        "principalId": null,
        "resourceId": resource,
        "scope": scope
    })
}

pub fn organization() -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#organization",
        "value": [{
            "id": TENANT_ID,
            "displayName": "Contoso",
            "onPremisesSyncEnabled": null,
            "tenantType": "AAD",
            "verifiedDomains": [
                { "capabilities": "Email, OfficeCommunicationsOnline", "isDefault": false, "isInitial": true, "name": "contoso.onmicrosoft.com", "type": "Managed" },
                { "capabilities": "Email", "isDefault": true, "isInitial": false, "name": "contoso.com", "type": "Federated" }
            ]
        }]
    })
}

pub fn user(upn: &str) -> Value {
    json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,userPrincipalName,mail,accountEnabled,userType)/$entity",
        "id": "87d349ed-44d7-43e1-9a83-5f2406dee5bd",
        "displayName": "Adele Vance",
        "userPrincipalName": upn,
        "mail": upn,
        "accountEnabled": true,
        "userType": "Member"
    })
}
