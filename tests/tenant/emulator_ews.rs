//! The demo tenant's EWS (`POST /EWS/Exchange.asmx`) answers as Exchange Online does for an
//! app-only caller: each test drives one of Microsoft's documented answers over loopback HTTP.
//! The SOAP requests are written out here from Microsoft's examples (GetFolder operation
//! reference; "Identify the account to impersonate"), independent of exowiz's own client.

use crate::support::emulator_api;

use demo_tenant::{Emulator, REASON_BLOCKED, REASON_DISABLED, TEAMS_APP_ID};
use emulator_api::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

const MAILBOX: &str = "fax-transfer@contoso.com";
const EXCHANGE_SCOPE: &str = "https://outlook.office365.com/.default";

fn get_folder(mailbox: Option<&str>, folder: &str) -> String {
    let header = mailbox
        .map(|m| {
            format!(
                "<soap:Header><t:RequestServerVersion Version=\"Exchange2013_SP1\"/><t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>{m}</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>"
            )
        })
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
  {header}
  <soap:Body>
    <GetFolder xmlns="http://schemas.microsoft.com/exchange/services/2006/messages"
               xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
      <FolderShape><t:BaseShape>Default</t:BaseShape></FolderShape>
      <FolderIds><t:DistinguishedFolderId Id="{folder}"/></FolderIds>
    </GetFolder>
  </soap:Body>
</soap:Envelope>"#
    )
}

/// An app with a secret and a service principal; `granted` gives it full_access_as_app.
/// Returns (client ID, secret).
async fn ews_app(emu: &Emulator, granted: bool) -> (String, String) {
    let admin = admin_token(emu);
    let exo = resource_sp(emu, &admin, EXCHANGE_APP_ID).await;
    let role = role_id(&exo, "full_access_as_app");
    let app = create_app(
        emu,
        &admin,
        json!({
            "displayName": "OfficeMaster EWS",
            "signInAudience": "AzureADMyOrg",
            "requiredResourceAccess": [{"resourceAppId": EXCHANGE_APP_ID,
                "resourceAccess": [{"id": role, "type": "Role"}]}],
        }),
    )
    .await;
    let app_id = app["appId"].as_str().unwrap().to_string();
    let (_, secret) = add_secret(emu, &admin, app["id"].as_str().unwrap()).await;
    let sp = create_sp(emu, &admin, &app_id).await;
    if granted {
        let (s, v) = post(
            emu,
            &format!(
                "servicePrincipals/{}/appRoleAssignedTo",
                exo["id"].as_str().unwrap()
            ),
            &admin,
            json!({"principalId": sp["id"], "resourceId": exo["id"], "appRoleId": role}),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    (app_id, secret)
}

async fn exchange_token(emu: &Emulator, app_id: &str, secret: &str) -> String {
    let (s, v) = client_credentials(emu, app_id, secret, EXCHANGE_SCOPE).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["access_token"].as_str().unwrap().to_string()
}

/// The allow-listed, consented app of most tests and its Exchange token.
async fn allowed_app(emu: &Emulator) -> (String, String) {
    let (app_id, secret) = ews_app(emu, true).await;
    let id = app_id.clone();
    emu.set_ews(|s| s.allow_app(&id));
    let token = exchange_token(emu, &app_id, &secret).await;
    (app_id, token)
}

struct Answer {
    status: StatusCode,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn ews(
    emu: &Emulator,
    token: Option<&str>,
    anchor: Option<&str>,
    content_type: &str,
    body: String,
) -> Answer {
    let mut req = http()
        .post(url(emu, "EWS/Exchange.asmx"))
        .header("content-type", content_type)
        .header("user-agent", "OfficeMaster/7")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(a) = anchor {
        req = req.header("X-AnchorMailbox", a);
    }
    let resp = req.send().await.unwrap();
    Answer {
        status: resp.status(),
        headers: resp.headers().clone(),
        body: resp.text().await.unwrap(),
    }
}

async fn inbox(emu: &Emulator, token: &str, mailbox: &str) -> Answer {
    ews(
        emu,
        Some(token),
        Some(mailbox),
        "text/xml; charset=utf-8",
        get_folder(Some(mailbox), "inbox"),
    )
    .await
}

fn fault_code(body: &str) -> String {
    let root = exowiz::ews::xml::parse(body).expect("a SOAP message");
    assert!(root.find("Fault").is_some(), "not a fault: {body}");
    root.text_of("ResponseCode").unwrap_or_default().to_string()
}

#[tokio::test]
async fn get_folder_of_the_inbox_answers_like_the_operation_reference() {
    let emu = start().await;
    let (_, token) = allowed_app(&emu).await;
    let a = inbox(&emu, &token, MAILBOX).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.header("content-type").unwrap().starts_with("text/xml"));
    assert!(a.header("request-id").is_some());
    let root = exowiz::ews::xml::parse(&a.body).unwrap();
    let msg = root.find("GetFolderResponseMessage").unwrap();
    assert_eq!(msg.attr("ResponseClass"), Some("Success"));
    assert_eq!(root.text_of("ResponseCode"), Some("NoError"));
    assert_eq!(root.text_of("DisplayName"), Some("Inbox"));
    let id = root.find("FolderId").unwrap();
    assert!(!id.attr("Id").unwrap().is_empty() && id.attr("ChangeKey").is_some());
    // The same mailbox by another of its addresses, and a folder it does not have.
    let again = inbox(&emu, &token, "fax-transfer@contoso.onmicrosoft.com").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let a = ews(
        &emu,
        Some(&token),
        Some(MAILBOX),
        "text/xml",
        get_folder(Some(MAILBOX), "nosuchfolder"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.body.contains(r#"ResponseClass="Error""#) && a.body.contains("ErrorFolderNotFound"));
}

#[tokio::test]
async fn an_app_not_on_the_allow_list_gets_403_with_the_policy_reason() {
    let emu = start().await;
    let (app_id, secret) = ews_app(&emu, true).await;
    let token = exchange_token(&emu, &app_id, &secret).await;
    let a = inbox(&emu, &token, MAILBOX).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.header("x-ews-policy-reason"), Some(REASON_BLOCKED));
    assert!(a.body.is_empty(), "the header, not the body, says why");
    // The seeded list holds Teams only; the command exowiz hands over appends the app.
    assert_eq!(
        emu.ews_settings().ews_allowed_app_ids,
        Some(vec![TEAMS_APP_ID.to_string()])
    );
    let (s, v) = form_json(
        &emu,
        "_emulator/ews",
        json!({"EwsAllowedAppIDs": format!("{TEAMS_APP_ID},{app_id}")}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(inbox(&emu, &token, MAILBOX).await.status, StatusCode::OK);
    // A user-agent policy is checked as well: both must pass.
    let (s, _) = form_json(
        &emu,
        "_emulator/ews",
        json!({"EwsApplicationAccessPolicy": "EnforceAllowList", "EwsAllowList": ["OWA/*"]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let a = inbox(&emu, &token, MAILBOX).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.header("x-ews-policy-reason"), Some(REASON_BLOCKED));
}

#[tokio::test]
async fn ews_switched_off_for_the_tenant_or_the_mailbox_gets_403_disabled() {
    let emu = start().await;
    let (_, token) = allowed_app(&emu).await;
    for enabled in [json!(false), Value::Null] {
        let (s, _) = form_json(&emu, "_emulator/ews", json!({"EwsEnabled": enabled})).await;
        assert_eq!(s, StatusCode::OK);
        let a = inbox(&emu, &token, MAILBOX).await;
        assert_eq!(a.status, StatusCode::FORBIDDEN, "EwsEnabled {enabled}");
        assert_eq!(a.header("x-ews-policy-reason"), Some(REASON_DISABLED));
    }
    form_json(&emu, "_emulator/ews", json!({"EwsEnabled": true})).await;
    let (s, v) = form_json(
        &emu,
        "_emulator/ews/mailbox",
        json!({"Identity": MAILBOX, "EwsEnabled": false}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let a = inbox(&emu, &token, MAILBOX).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.header("x-ews-policy-reason"), Some(REASON_DISABLED));
    // Another mailbox still works.
    assert_eq!(
        inbox(&emu, &token, "alice@contoso.com").await.status,
        StatusCode::OK
    );
    let (s, _) = form_json(
        &emu,
        "_emulator/ews/mailbox",
        json!({"Identity": "nobody@contoso.com", "EwsEnabled": false}),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_mailbox_that_does_not_exist_is_the_fault_error_non_existent_mailbox() {
    let emu = start().await;
    let (_, token) = allowed_app(&emu).await;
    // A typo, and a user without an Exchange Online mailbox.
    for mailbox in ["fax-tranfser@contoso.com", "bob.nomail@contoso.com"] {
        let a = inbox(&emu, &token, mailbox).await;
        assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR, "{mailbox}");
        assert_eq!(fault_code(&a.body), "ErrorNonExistentMailbox");
        assert!(
            a.body
                .contains("The SMTP address has no mailbox associated with it.")
        );
        assert!(a.body.contains(mailbox));
    }
}

#[tokio::test]
async fn a_token_without_full_access_as_app_gets_401_with_diagnostics() {
    let emu = start().await;
    let (app_id, secret) = ews_app(&emu, false).await;
    emu.set_ews(|s| s.allow_app(&app_id));
    let token = exchange_token(&emu, &app_id, &secret).await;
    assert!(
        claims(&token).get("roles").is_none(),
        "no consent, no roles"
    );
    let a = inbox(&emu, &token, MAILBOX).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    let diag = a.header("x-ms-diagnostics").unwrap();
    assert!(
        diag.starts_with("2000008;reason=\"The token contains no permissions"),
        "{diag}"
    );
    assert!(diag.contains("invalid_grant"));
    assert!(a.header("www-authenticate").unwrap().starts_with("Bearer "));
}

#[tokio::test]
async fn tokens_for_another_resource_or_none_at_all_get_401() {
    let emu = start().await;
    allowed_app(&emu).await;
    let a = ews(
        &emu,
        None,
        Some(MAILBOX),
        "text/xml",
        get_folder(Some(MAILBOX), "inbox"),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(a.header("www-authenticate").is_some());
    assert!(
        a.header("x-ms-diagnostics").is_none(),
        "no token, nothing to diagnose"
    );
    // A Graph token is not for Exchange.
    let graph = admin_token(&emu);
    let a = inbox(&emu, &graph, MAILBOX).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    assert!(
        a.header("x-ms-diagnostics")
            .unwrap()
            .starts_with("2000003;")
    );
    let a = inbox(&emu, "not.a.token", MAILBOX).await;
    assert!(
        a.header("x-ms-diagnostics")
            .unwrap()
            .starts_with("2000001;")
    );
}

#[tokio::test]
async fn impersonation_header_and_anchor_mailbox_are_required() {
    let emu = start().await;
    let (_, token) = allowed_app(&emu).await;
    let a = ews(
        &emu,
        Some(&token),
        Some(MAILBOX),
        "text/xml",
        get_folder(None, "inbox"),
    )
    .await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        fault_code(&a.body),
        "ErrorInvalidExchangeImpersonationHeaderData"
    );
    assert!(
        a.body
            .contains("must be present for this type of OAuth token")
    );
    let a = ews(
        &emu,
        Some(&token),
        None,
        "text/xml",
        get_folder(Some(MAILBOX), "inbox"),
    )
    .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let a = ews(
        &emu,
        Some(&token),
        Some("alice@contoso.com"),
        "text/xml",
        get_folder(Some(MAILBOX), "inbox"),
    )
    .await;
    assert_eq!(
        a.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "anchor names another mailbox"
    );
    let a = ews(
        &emu,
        Some(&token),
        Some(MAILBOX),
        "application/json",
        "{}".into(),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let a = ews(
        &emu,
        Some(&token),
        Some(MAILBOX),
        "text/xml",
        "<soap:Envelope".into(),
    )
    .await;
    assert_eq!(a.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(fault_code(&a.body), "ErrorSchemaValidation");
}

#[tokio::test]
async fn with_ews_allow_new_apps_the_demo_puts_a_new_app_on_the_list() {
    let emu = start_with(|c| c.ews_allow_new_apps = true).await;
    let (app_id, secret) = ews_app(&emu, true).await;
    let token = exchange_token(&emu, &app_id, &secret).await;
    assert_eq!(inbox(&emu, &token, MAILBOX).await.status, StatusCode::OK);
    let ids = emu.ews_settings().ews_allowed_app_ids.unwrap();
    assert!(ids.contains(&app_id) && ids.contains(&TEAMS_APP_ID.to_string()));
    // It stands for the admin's command, not for a tenant with EWS off.
    emu.set_ews(|s| s.ews_enabled = Some(false));
    assert_eq!(
        inbox(&emu, &token, MAILBOX).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_control_surface_refuses_values_the_cmdlets_would_refuse() {
    let emu = start().await;
    let (s, v) = form_json(
        &emu,
        "_emulator/ews",
        json!({"EwsAllowedAppIDs": ["a", "b"]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["error"].as_str().unwrap().contains("comma-separated"));
    let (s, _) = form_json(&emu, "_emulator/ews", json!({"EwsEnabled": "yes"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = form_json(&emu, "_emulator/ews", json!({"EwsAllowedAppIDs": null})).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["EwsAllowedAppIDs"], Value::Null);
    let got: Value = http()
        .get(url(&emu, "_emulator/ews"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(got["EwsEnabled"], true);
    assert_eq!(emu.snapshot()["ews"]["EwsAllowedAppIDs"], Value::Null);
    // The EWS calls are in the request log (the control calls are not).
    let (_, token) = allowed_app(&emu).await;
    emu.clear_requests();
    inbox(&emu, &token, MAILBOX).await;
    let log = emu.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path_and_query, "/EWS/Exchange.asmx");
}

/// POST a JSON body to a control endpoint.
async fn form_json(emu: &Emulator, path: &str, body: Value) -> (StatusCode, Value) {
    let resp = http()
        .post(url(emu, path))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}
