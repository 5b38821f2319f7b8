//! Nothing twice (issue 14.1): a write Graph carried out whose answer was lost (a 500/502/504
//! from a gateway) is never sent again blind. Creation goes through Graph's upsert (a PATCH by
//! `uniqueName` / `appId` with `Prefer: create-if-missing`, graph-facts §1.1a), which is safe to
//! repeat; a POST is not repeated. Driven against the demo tenant, which carries the request
//! out and then loses the answer (`Emulator::lose_answers`).

use crate::support;

use chrono::Utc;
use demo_tenant::Emulator;
use exowiz::endpoints::Endpoints;
use exowiz::graph::{GraphClient, NewApplication, RetryPolicy};
use secrecy::SecretString;
use serde_json::Value;
use support::*;

fn admin(emu: &Emulator) -> GraphClient {
    let base = emu.base_url().to_string();
    let endpoints = Endpoints::custom(&base, &base).unwrap();
    GraphClient::new(&endpoints, SecretString::from(admin_token(emu)))
        .with_retry(RetryPolicy::fast())
}

fn apps_named(emu: &Emulator, name: &str) -> Vec<Value> {
    emu.snapshot()["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["displayName"] == name)
        .cloned()
        .collect()
}

fn count(emu: &Emulator, method: &str, path_part: &str) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.method == method && r.path_and_query.contains(path_part))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_whose_answer_was_lost_is_not_sent_again() {
    for status in [500, 502, 504] {
        let emu = emulator(quick_config()).await;
        let graph = admin(&emu);
        emu.lose_answers("POST", "/v1.0/applications", 1, status);
        let err = graph
            .create_application(&NewApplication::single_tenant("Lost Answer"))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            count(&emu, "POST", "/v1.0/applications"),
            1,
            "{status}: sent once"
        );
        assert_eq!(
            apps_named(&emu, "Lost Answer").len(),
            1,
            "{status}: one app"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn add_password_whose_answer_was_lost_is_not_sent_again() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    let app = graph
        .upsert_application("exowiz-test-pw", &NewApplication::single_tenant("Pw"))
        .await
        .unwrap();
    emu.lose_answers("POST", "addPassword", 1, 500);
    let end = Utc::now() + chrono::Duration::days(30);
    assert!(
        graph
            .add_password(&app.id, "x (exowiz)", end)
            .await
            .is_err()
    );
    assert_eq!(count(&emu, "POST", "addPassword"), 1);
    let read = graph.get_application(&app.id).await.unwrap();
    assert_eq!(
        read.password_credentials.len(),
        1,
        "one secret, not one per retry"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upsert_whose_answer_was_lost_is_repeated_and_finds_the_first_app() {
    let emu = emulator(quick_config()).await;
    let graph = admin(&emu);
    emu.lose_answers("PATCH", "uniqueName", 1, 504);
    let app = graph
        .upsert_application(
            "exowiz-officemaster-lost1",
            &NewApplication::single_tenant("Upsert Lost"),
        )
        .await
        .unwrap();
    assert_eq!(
        app.unique_name.as_deref(),
        Some("exowiz-officemaster-lost1")
    );
    assert_eq!(count(&emu, "PATCH", "uniqueName"), 2, "repeated once");
    assert_eq!(apps_named(&emu, "Upsert Lost").len(), 1, "still one app");

    // The service principal likewise: a lost answer, a repeat, one service principal.
    emu.lose_answers("PATCH", "servicePrincipals(appId", 1, 502);
    let sp = graph.upsert_service_principal(&app.app_id).await.unwrap();
    assert_eq!(sp.app_id, app.app_id);
    let again = graph.upsert_service_principal(&app.app_id).await.unwrap();
    assert_eq!(again.id, sp.id, "an existing service principal is success");
    let sps = emu.snapshot()["servicePrincipals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["appId"] == app.app_id.as_str())
        .count();
    assert_eq!(sps, 1);
}
