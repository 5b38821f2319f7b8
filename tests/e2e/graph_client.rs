//! Transport behaviour of `GraphClient`: headers, paging, URL encoding, network failures.

use crate::support::scripted_graph;

use exowiz::endpoints::Endpoints;
use exowiz::graph::{ErrorKind, GraphClient, RetryPolicy};
use scripted_graph::fixtures::{self, APP_ID, APP_OBJECT_ID};
use scripted_graph::{Reply, TOKEN, TestServer, closed_port, hang_up_server, route};
use secrecy::SecretString;
use serde_json::json;

#[tokio::test]
async fn sends_bearer_token_accept_and_a_fresh_client_request_id_per_call() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            &format!("/v1.0/applications/{APP_OBJECT_ID}"),
            [Reply::json(
                200,
                fixtures::application(APP_OBJECT_ID, APP_ID, "a"),
            )],
        )]
    })
    .await;
    let client = server.client();
    client.get_application(APP_OBJECT_ID).await.unwrap();
    client.get_application(APP_OBJECT_ID).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(r.header("accept"), Some("application/json"));
        let id = r.header("client-request-id").expect("client-request-id");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is a GUID");
    }
    assert_ne!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
}

#[tokio::test]
async fn retries_keep_the_client_request_id_and_the_body() {
    let server = TestServer::start(|_| {
        vec![route(
            "POST",
            "/v1.0/applications",
            [
                Reply::error(503, "serviceNotAvailable", "Service unavailable")
                    .header("Retry-After", "0"),
                Reply::json(
                    201,
                    fixtures::application(APP_OBJECT_ID, APP_ID, "exowiz test"),
                ),
            ],
        )]
    })
    .await;
    let client = server.client();
    client
        .create_application(&exowiz::graph::NewApplication::single_tenant("exowiz test"))
        .await
        .unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(reqs[1].header("content-type"), Some("application/json"));
}

#[tokio::test]
async fn follows_next_links_over_three_pages() {
    let server = TestServer::start(|base| {
        let p2 = format!("{base}v1.0/applications?$skiptoken=page2");
        let p3 = format!("{base}v1.0/applications?$skiptoken=page3");
        vec![
            route(
                "GET",
                "/v1.0/applications?$skiptoken=page2",
                [Reply::json(
                    200,
                    fixtures::applications_page(
                        vec![fixtures::application("o2", "a2", "two")],
                        Some(&p3),
                    ),
                )],
            ),
            route(
                "GET",
                "/v1.0/applications?$skiptoken=page3",
                [Reply::json(
                    200,
                    fixtures::applications_page(
                        vec![
                            fixtures::application("o3", "a3", "three"),
                            fixtures::application("o4", "a4", "four"),
                        ],
                        None,
                    ),
                )],
            ),
            route(
                "GET",
                "/v1.0/applications",
                [Reply::json(
                    200,
                    fixtures::applications_page(
                        vec![fixtures::application("o1", "a1", "one")],
                        Some(&p2),
                    ),
                )],
            ),
        ]
    })
    .await;
    let apps = server.client().search_applications("").await.unwrap();
    let names: Vec<_> = apps
        .iter()
        .map(|a| a.display_name.clone().unwrap())
        .collect();
    assert_eq!(names, ["one", "two", "three", "four"]);
    assert_eq!(
        server.lines(),
        [
            "GET /v1.0/applications",
            "GET /v1.0/applications?$skiptoken=page2",
            "GET /v1.0/applications?$skiptoken=page3",
        ]
    );
    // Every page carries the token.
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.header("authorization").is_some())
    );
}

#[tokio::test]
async fn a_next_link_to_another_host_is_not_followed_and_gets_no_token() {
    let other = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/applications",
            [Reply::json(200, fixtures::applications_page(vec![], None))],
        )]
    })
    .await;
    let foreign = format!("{}v1.0/applications?$skiptoken=x", other.base);
    let server = TestServer::start(move |_| {
        vec![route(
            "GET",
            "/v1.0/applications",
            [Reply::json(
                200,
                fixtures::applications_page(
                    vec![fixtures::application("o1", "a1", "one")],
                    Some(&foreign),
                ),
            )],
        )]
    })
    .await;
    let err = server.client().search_applications("").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.detail().contains("another host"), "{}", err.detail());
    assert!(
        other.requests().is_empty(),
        "the token must not go to another host"
    );
}

#[tokio::test]
async fn filters_are_percent_encoded_and_quotes_doubled() {
    let server = TestServer::start(|_| {
        vec![
            route(
                "GET",
                "/v1.0/applications",
                [Reply::json(200, fixtures::applications_page(vec![], None))],
            ),
            route(
                "GET",
                "/v1.0/oauth2PermissionGrants",
                [Reply::json(200, fixtures::page(vec![]))],
            ),
        ]
    })
    .await;
    let client = server.client();
    assert!(
        client
            .find_application_by_app_id(APP_ID)
            .await
            .unwrap()
            .is_none()
    );
    client
        .find_applications_by_name("O'Brien & Sons: Mail")
        .await
        .unwrap();
    client.search_applications("exo'wiz+").await.unwrap();
    client
        .list_delegated_grants("59e617e5-e447-4adc-8b88-00af644d7c92")
        .await
        .unwrap();

    let queries: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.query.clone().unwrap())
        .collect();
    assert_eq!(
        queries,
        [
            format!("$filter=appId%20eq%20%27{APP_ID}%27"),
            "$filter=displayName%20eq%20%27O%27%27Brien%20%26%20Sons%3A%20Mail%27".to_string(),
            "$filter=startswith%28displayName%2C%27exo%27%27wiz%2B%27%29".to_string(),
            "$filter=clientId%20eq%20%2759e617e5-e447-4adc-8b88-00af644d7c92%27%20and%20consentType%20eq%20%27AllPrincipals%27".to_string(),
        ]
    );
}

#[tokio::test]
async fn connection_refused_is_a_network_error_naming_the_host() {
    let port = closed_port().await;
    let base = format!("http://127.0.0.1:{port}/");
    let endpoints = Endpoints::custom(&base, &base).unwrap();
    let client =
        GraphClient::new(&endpoints, SecretString::from(TOKEN)).with_retry(RetryPolicy::fast());
    let err = client.organization().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(
        err.to_string(),
        format!(
            "Could not reach Microsoft Graph at 127.0.0.1:{port}. Check the network connection and proxy settings."
        )
    );
    assert!(!err.detail().contains(TOKEN));
}

#[tokio::test]
async fn dropped_connections_are_retried_for_reads_but_not_for_creates() {
    let (base, accepted, task) = hang_up_server().await;
    let endpoints = Endpoints::custom(&base, &base).unwrap();
    let client =
        GraphClient::new(&endpoints, SecretString::from(TOKEN)).with_retry(RetryPolicy::fast());

    let err = client.get_application(APP_OBJECT_ID).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(
        *accepted.lock().unwrap(),
        3,
        "GET is tried network_attempts (3) times"
    );

    *accepted.lock().unwrap() = 0;
    let err = client
        .create_application(&exowiz::graph::NewApplication::single_tenant("x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Network);
    assert_eq!(
        *accepted.lock().unwrap(),
        1,
        "a POST that may have reached Graph is not repeated (it could create a second app)"
    );
    task.abort();
}

#[tokio::test]
async fn set_token_changes_the_token_of_all_clones() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/organization",
            [Reply::json(200, fixtures::organization())],
        )]
    })
    .await;
    let client = server.client();
    let clone = client.clone();
    client.set_token(SecretString::from("second-token"));
    clone.organization().await.unwrap();
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer second-token")
    );
    assert!(!format!("{client:?}").contains("second-token"));
    assert!(!format!("{client:?}").contains(TOKEN));
}

#[tokio::test]
async fn an_unreadable_success_body_is_a_decode_error() {
    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/domains",
            [Reply::json(200, json!({"value": "not a list"}))],
        )]
    })
    .await;
    let err = server.client().domains().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(
        err.to_string()
            .contains("could not read while listing the domains")
    );
    assert!(
        !err.detail().contains("not a list"),
        "values are redacted: {}",
        err.detail()
    );
}

#[tokio::test]
async fn client_futures_are_send_and_errors_are_send_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<exowiz::graph::GraphError>();
    send_sync::<GraphClient>();

    let server = TestServer::start(|_| {
        vec![route(
            "GET",
            "/v1.0/organization",
            [Reply::json(200, fixtures::organization())],
        )]
    })
    .await;
    let client = server.client();
    // tokio::spawn only accepts Send futures: this fails to compile if an operation holds a
    // non-Send guard across an await.
    let org = tokio::spawn(async move { client.organization().await })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(org.id, fixtures::TENANT_ID);
}
