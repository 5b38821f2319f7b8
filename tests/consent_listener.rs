//! The consent link's loopback listener against the demo tenant: it learns the admin's answer
//! from Entra's redirect, without a Graph request, and ignores requests with a wrong `state`.

mod support;

use exowiz::auth::{ConsentAnswer, ConsentListener};
use exowiz::endpoints::Endpoints;
use exowiz::graph::{
    GraphClient, NewApplication, PermissionType, RedirectUris, RequiredResourceAccess,
    ResourceAccess,
};
use secrecy::SecretString;
use std::time::Duration;
use support::*;

const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

fn endpoints(emu: &exowiz::emulator::Emulator) -> Endpoints {
    let base = emu.base_url().to_string();
    Endpoints::custom(&base, &base).unwrap()
}

/// An app as exowiz registers it: `http://localhost` on the Web platform, one app role.
async fn registered_app(emu: &exowiz::emulator::Emulator) -> String {
    let graph = GraphClient::new(&endpoints(emu), SecretString::from(admin_token(emu)));
    let app = graph
        .create_application(&NewApplication {
            web: Some(RedirectUris::new(["http://localhost"])),
            required_resource_access: vec![RequiredResourceAccess {
                resource_app_id: MICROSOFT_GRAPH_APP_ID.into(),
                resource_access: vec![ResourceAccess {
                    id: oracle_id(MICROSOFT_GRAPH_APP_ID, "Mail.Send", "Role").into(),
                    kind: PermissionType::Role,
                }],
            }],
            ..NewApplication::single_tenant("consent listener test")
        })
        .await
        .unwrap();
    app.app_id
}

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_listener_learns_consent_without_polling_and_ignores_a_wrong_state() {
    let emu = emulator(quick_config()).await;
    let app_id = registered_app(&emu).await;
    let listener = ConsentListener::start(&endpoints(&emu), &emu.tenant_id(), &app_id)
        .await
        .unwrap();
    let port = listener.port();
    let link = listener.consent_url().clone();
    assert!(
        link.as_str()
            .contains(&format!("redirect_uri=http%3A%2F%2Flocalhost%3A{port}")),
        "{link}"
    );
    let waiting = tokio::spawn(listener.wait(Duration::from_secs(60)));
    emu.clear_requests();

    // A forged answer with another state: answered, ignored, the listener keeps waiting.
    let forged = no_redirects()
        .get(format!(
            "http://127.0.0.1:{port}/?admin_consent=True&tenant=evil&state=forged"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 400);
    assert!(!waiting.is_finished());

    // The admin opens the link; the demo tenant (auto-approving as admin@contoso.com) sends
    // the browser to the listener.
    let resp = no_redirects().get(link.as_str()).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with(&format!("http://localhost:{port}")),
        "{location}"
    );
    let back = location.replacen("localhost", "127.0.0.1", 1);
    let page = no_redirects().get(back).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("consent was granted"));

    assert_eq!(waiting.await.unwrap(), Some(ConsentAnswer::Granted));
    let graph_requests = emu
        .requests()
        .iter()
        .filter(|r| r.path_and_query.starts_with("/v1.0/"))
        .count();
    assert_eq!(graph_requests, 0, "the answer came without polling Graph");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_with_our_state_is_a_sentence() {
    let emu = emulator(quick_config()).await;
    let app_id = registered_app(&emu).await;
    let listener = ConsentListener::start(&endpoints(&emu), &emu.tenant_id(), &app_id)
        .await
        .unwrap();
    let port = listener.port();
    let state = listener
        .consent_url()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    let waiting = tokio::spawn(listener.wait(Duration::from_secs(60)));
    let page = no_redirects()
        .get(format!(
            "http://127.0.0.1:{port}/?error=access_denied&error_description=AADSTS65004%3A+User+declined+to+consent.&state={state}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    match waiting.await.unwrap() {
        Some(ConsentAnswer::Refused(sentence)) => {
            assert!(sentence.contains("access_denied"), "{sentence}");
            assert!(sentence.contains("User declined"), "{sentence}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}
