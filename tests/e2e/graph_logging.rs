//! Logs at TRACE level (exowiz, reqwest, hyper) never contain the token or a secret.
//! The check runs alone in a process of its own: tracing's per-callsite interest cache is
//! global, so a thread-local subscriber in a process running other tests in parallel (this
//! test binary holds many) can miss events.

use crate::support::scripted_graph;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::Utc;
use exowiz::graph::NewApplication;
use scripted_graph::fixtures::{self, APP_ID, APP_OBJECT_ID, SECRET};
use scripted_graph::{Reply, TOKEN, TestServer, route};

const DENIED: &str = "Insufficient privileges to complete the operation.";

/// A `MakeWriter` that collects all log output.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Runs `trace_logs_of_a_failing_and_retried_run` in a child process: this test binary, asked
/// for that one test only.
#[test]
fn logs_at_trace_level_contain_neither_token_nor_secret() {
    let module = module_path!()
        .split_once("::")
        .expect("a module of the test binary")
        .1;
    let name = format!("{module}::trace_logs_of_a_failing_and_retried_run");
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name.as_str(), "--exact", "--ignored", "--test-threads=1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains(" 1 passed;"),
        "the check alone in its process failed or did not run:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
#[ignore = "run alone in a child process by logs_at_trace_level_contain_neither_token_nor_secret"]
async fn trace_logs_of_a_failing_and_retried_run() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(|_| {
        vec![
            route(
                "POST",
                "/v1.0/applications",
                [
                    Reply::error(429, "TooManyRequests", "Too many requests")
                        .header("Retry-After", "0"),
                    Reply::json(201, fixtures::application(APP_OBJECT_ID, APP_ID, "x")),
                ],
            ),
            route(
                "POST",
                &format!("/v1.0/applications/{APP_OBJECT_ID}/addPassword"),
                [
                    // A 429 (not carried out) is retried; a 500 on a POST no longer is.
                    Reply::error(429, "TooManyRequests", "Too many requests")
                        .header("Retry-After", "0"),
                    Reply::json(200, fixtures::password_credential(SECRET)),
                ],
            ),
            route(
                "GET",
                "/v1.0/organization",
                [Reply::error(403, "Authorization_RequestDenied", DENIED)],
            ),
        ]
    })
    .await;
    let client = server.client();
    let app = client
        .create_application(&NewApplication::single_tenant("x"))
        .await
        .unwrap();
    let secret = client.add_password(&app.id, "x", Utc::now()).await.unwrap();
    tracing::info!(?secret, "the caller logs the secret struct by mistake");
    let _ = client.organization().await.unwrap_err();

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("retrying"), "retries are logged: {logs}");
    assert!(!logs.contains(TOKEN), "token in logs");
    assert!(!logs.contains(SECRET), "secret in logs");
}
