//! The retry policy end to end: throttling, server errors, replication lag.

use crate::support::scripted_graph;

use std::time::{Duration, Instant};

use exowiz::graph::{ErrorKind, NewApplication, RetryPolicy};
use scripted_graph::fixtures::{self, APP_ID, APP_OBJECT_ID, GRAPH_SP_ID, MAIL_SEND_ROLE, SP_ID};
use scripted_graph::{Reply, TestServer, route};

fn new_app() -> NewApplication {
    NewApplication::single_tenant("exowiz test")
}

fn created_app() -> Reply {
    Reply::json(
        201,
        fixtures::application(APP_OBJECT_ID, APP_ID, "exowiz test"),
    )
}

fn no_backing_app() -> Reply {
    Reply::error_with_details(
        400,
        "Request_BadRequest",
        &format!(
            "The appId '{APP_ID}' of the service principal does not reference a valid application object."
        ),
        &["NoBackingApplicationObject"],
    )
}

#[tokio::test]
async fn throttled_429_waits_retry_after_then_succeeds() {
    let server = TestServer::start(|_| {
        vec![route(
            "POST",
            "/v1.0/applications",
            [
                Reply::error(429, "TooManyRequests", "Too many requests")
                    .header("Retry-After", "1"),
                created_app(),
            ],
        )]
    })
    .await;
    let started = Instant::now();
    let app = server
        .client()
        .create_application(&new_app())
        .await
        .unwrap();
    assert_eq!(app.app_id, APP_ID);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured"
    );
    assert_eq!(
        server.lines(),
        ["POST /v1.0/applications", "POST /v1.0/applications"]
    );
}

#[tokio::test]
async fn unavailable_503_then_200() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/organization",
            [
                Reply::error(503, "serviceNotAvailable", "Service is unavailable.")
                    .header("Retry-After", "0"),
                Reply::json(200, fixtures::organization()),
            ],
        )]
    })
    .await;
    let org = server.client().organization().await.unwrap();
    assert_eq!(org.id, fixtures::TENANT_ID);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn server_errors_500_500_then_200() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/domains",
            [
                Reply::error(500, "generalException", "General exception while processing"),
                Reply::error(500, "generalException", "General exception while processing"),
                Reply::json(200, fixtures::page(vec![serde_json::json!({"id": "contoso.com", "isDefault": true, "isInitial": false, "isRoot": true, "isVerified": true, "supportedServices": ["Email"]})])),
            ],
        )]
    })
    .await;
    let domains = server.client().domains().await.unwrap();
    assert_eq!(domains[0].id, "contoso.com");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn server_errors_give_up_after_four_answers() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/domains",
            [Reply::error(502, "BadGateway", "bad gateway")],
        )]
    })
    .await;
    let err = server.client().domains().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn endless_429_gives_up_after_eight_attempts_with_the_throttling_sentence() {
    let server =
        TestServer::start(|_| {
            vec![route(
                "GET",
                "/v1.0/organization",
                [Reply::error(429, "TooManyRequests", "Too many requests")
                    .header("Retry-After", "0")],
            )]
        })
        .await;
    let err = server.client().organization().await.unwrap_err();
    assert!(err.is_throttled());
    assert_eq!(
        err.to_string(),
        "Microsoft Graph is throttling requests. Wait a few minutes and try again."
    );
    assert_eq!(server.requests().len(), 8);
}

#[tokio::test]
async fn garbage_retry_after_uses_the_default_wait() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/organization",
            [
                Reply::error(429, "TooManyRequests", "Too many requests")
                    .header("Retry-After", "soon-ish"),
                Reply::error(429, "TooManyRequests", "Too many requests"),
                Reply::json(200, fixtures::organization()),
            ],
        )]
    })
    .await;
    let policy = RetryPolicy {
        default_retry_after: Duration::from_millis(200),
        ..RetryPolicy::fast()
    };
    let started = Instant::now();
    server.client_with(policy).organization().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "2 × default wait"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn validation_errors_are_not_retried() {
    let server = TestServer::start(|_| {
        vec![route(
            "POST",
            "/v1.0/applications",
            [Reply::error(
                400,
                "Request_BadRequest",
                "Invalid value specified for property 'signInAudience'.",
            )],
        )]
    })
    .await;
    let err = server
        .client()
        .create_application(&new_app())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn replication_no_backing_application_twice_then_created() {
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/applications", [created_app()]),
            route(
                "POST",
                "/v1.0/servicePrincipals",
                [
                    no_backing_app(),
                    no_backing_app(),
                    Reply::json(
                        201,
                        fixtures::service_principal(SP_ID, APP_ID, "exowiz test"),
                    ),
                ],
            ),
        ]
    })
    .await;
    let client = server.client();
    let app = client.create_application(&new_app()).await.unwrap();
    let sp = client.create_service_principal(&app.app_id).await.unwrap();
    assert_eq!(sp.id, SP_ID);
    assert_eq!(
        server.lines(),
        [
            "POST /v1.0/applications",
            "POST /v1.0/servicePrincipals",
            "POST /v1.0/servicePrincipals",
            "POST /v1.0/servicePrincipals",
        ]
    );
    for r in &server.requests()[1..] {
        assert_eq!(r.json(), serde_json::json!({"appId": APP_ID}));
    }
}

#[tokio::test]
async fn replication_404_on_a_just_created_application_is_retried() {
    let path = format!("/v1.0/applications/{APP_OBJECT_ID}/addPassword");
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/applications", [created_app()]),
            route(
                "POST",
                &path,
                [
                    Reply::error(404, "Request_ResourceNotFound", &format!("Resource '{APP_OBJECT_ID}' does not exist or one of its queried reference-property objects are not present.")),
                    Reply::json(200, fixtures::password_credential(fixtures::SECRET)),
                ],
            ),
        ]
    })
    .await;
    let client = server.client();
    let app = client.create_application(&new_app()).await.unwrap();
    let secret = client
        .add_password(
            &app.id,
            "exowiz",
            chrono::Utc::now() + chrono::Duration::days(365),
        )
        .await
        .unwrap();
    assert_eq!(secret.key_id, fixtures::KEY_ID);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn replication_of_a_new_service_principal_in_a_grant_body_is_retried() {
    let assigned_to = format!("/v1.0/servicePrincipals/{GRAPH_SP_ID}/appRoleAssignedTo");
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/servicePrincipals", [Reply::json(201, fixtures::service_principal(SP_ID, APP_ID, "x"))]),
            route(
                "POST",
                &assigned_to,
                [
                    Reply::error(400, "Request_BadRequest", &format!("Resource '{SP_ID}' does not exist or one of its queried reference-property objects are not present.")),
                    Reply::json(201, fixtures::app_role_assignment("ass-1", SP_ID, GRAPH_SP_ID, MAIL_SEND_ROLE)),
                ],
            ),
        ]
    })
    .await;
    let client = server.client();
    let sp = client.create_service_principal(APP_ID).await.unwrap();
    let a = client
        .assign_app_role(GRAPH_SP_ID, &sp.id, MAIL_SEND_ROLE)
        .await
        .unwrap();
    assert_eq!(a.id, "ass-1");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_404_for_an_unrelated_id_is_returned_at_once() {
    let other = "11111111-2222-3333-4444-555555555555";
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/applications", [created_app()]),
            route(
                "GET",
                &format!("/v1.0/applications/{other}"),
                [Reply::error(404, "Request_ResourceNotFound", &format!("Resource '{other}' does not exist or one of its queried reference-property objects are not present."))],
            ),
        ]
    })
    .await;
    let client = server.client();
    client.create_application(&new_app()).await.unwrap();
    let err = client.get_application(other).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(server.requests().len(), 2, "no retry");
}

#[tokio::test]
async fn no_backing_application_for_an_app_exowiz_did_not_create_is_not_retried() {
    let server =
        TestServer::start(|_| vec![route("POST", "/v1.0/servicePrincipals", [no_backing_app()])])
            .await;
    let err = server
        .client()
        .create_service_principal(APP_ID)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert!(err.has_code("NoBackingApplicationObject"));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn replication_retries_stop_when_the_window_has_passed() {
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/applications", [created_app()]),
            route("POST", "/v1.0/servicePrincipals", [no_backing_app()]),
        ]
    })
    .await;
    let policy = RetryPolicy {
        replication_window: Duration::from_millis(300),
        ..RetryPolicy::fast()
    };
    let client = server.client_with(policy);
    let started = Instant::now();
    let app = client.create_application(&new_app()).await.unwrap();
    let err = client
        .create_service_principal(&app.app_id)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    // It waited the window out (a lower bound holds on any machine)…
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    // …retrying within it, and no more often than the smallest back-off (10 ms) allows: at most
    // one first try plus 300 / 10 retries, however fast or slow the machine is.
    let attempts = server.requests().len() - 1;
    assert!((2..=31).contains(&attempts), "{attempts} attempts");
    assert_eq!(
        err.to_string(),
        "Microsoft Graph has not finished setting up the new app registration yet. Wait a minute and try again."
    );
}

#[tokio::test]
async fn looking_up_the_service_principal_of_a_new_app_does_not_wait_for_replication() {
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/applications", [created_app()]),
            route(
                "GET",
                &format!("/v1.0/servicePrincipals(appId='{APP_ID}')"),
                [Reply::error(
                    404,
                    "Request_ResourceNotFound",
                    &format!("Resource 'servicePrincipal' with appId '{APP_ID}' does not exist."),
                )],
            ),
        ]
    })
    .await;
    let client = server.client();
    client.create_application(&new_app()).await.unwrap();
    assert!(
        client
            .find_service_principal_by_app_id(APP_ID)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(server.requests().len(), 2);
}

/// Issue 13: replication is polled briefly while the object is young (every eighth of its age,
/// at least 250 ms apart), so a new object is seen soon after it replicated. On tokio's paused
/// clock the client's waits cost no wall time; the virtual time they add up to is exact. Five
/// "not there yet" answers for a just-made object are waited out in 5 × 250 ms (±10 %) — the
/// old 1, 2, 4, 8, 16 s back-off needed 31 s.
#[tokio::test(start_paused = true)]
async fn replication_of_a_young_object_is_polled_every_250_ms() {
    let server = TestServer::start(|_| {
        vec![
            route("POST", "/v1.0/applications", [created_app()]),
            route(
                "POST",
                "/v1.0/servicePrincipals",
                [
                    no_backing_app(),
                    no_backing_app(),
                    no_backing_app(),
                    no_backing_app(),
                    no_backing_app(),
                    Reply::json(
                        201,
                        fixtures::service_principal(SP_ID, APP_ID, "exowiz test"),
                    ),
                ],
            ),
        ]
    })
    .await;
    let client = server.client_with(RetryPolicy::default());
    let app = client.create_application(&new_app()).await.unwrap();
    let started = tokio::time::Instant::now();
    client.create_service_principal(&app.app_id).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(server.requests().len(), 7, "one create, six tries");
    assert!(
        waited >= Duration::from_millis(1125) && waited <= Duration::from_millis(1375),
        "virtual wait {waited:?}"
    );
}
