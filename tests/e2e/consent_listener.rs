//! The consent link's loopback listener against the demo tenant: it learns the admin's answer
//! from Entra's redirect, without a Graph request, and ignores requests with a wrong `state`.

use crate::support;

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

fn endpoints(emu: &demo_tenant::Emulator) -> Endpoints {
    let base = emu.base_url().to_string();
    Endpoints::custom(&base, &base).unwrap()
}

/// An app as exowiz registers it: `http://localhost` on the Web platform, one app role.
async fn registered_app(emu: &demo_tenant::Emulator) -> String {
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

// ---------------------------------------------------------------------------------------------
// `exowiz register --wait-consent`: the CLI waits with the listener and polls alongside
// ---------------------------------------------------------------------------------------------

/// `exowiz register --profile bueroware --wait-consent` against the demo tenant, its Graph
/// reads an hour apart (so only the listener can be quick), stdout and stderr piped.
fn register_waiting(emu: &demo_tenant::Emulator, data: &std::path::Path) -> tokio::process::Child {
    let base = emu.base_url().to_string();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args([
            "register",
            "--profile",
            "bueroware",
            "--wait-consent",
            "--consent-poll-seconds",
            "3600",
        ])
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", admin_token(emu))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// Reads stdout until the consent link's line (the line after the "Admin consent:" heading);
/// returns it and everything read so far.
async fn consent_link_from(
    stdout: &mut tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>,
) -> (String, String) {
    let mut seen = String::new();
    let mut heading = false;
    loop {
        let line = tokio::time::timeout(Duration::from_secs(120), stdout.next_line())
            .await
            .expect("a line within two minutes")
            .unwrap()
            .unwrap_or_else(|| panic!("stdout ended before the consent link:\n{seen}"));
        seen.push_str(&line);
        seen.push('\n');
        if heading {
            return (line.trim().to_string(), seen);
        }
        heading = line.starts_with("Admin consent:");
    }
}

/// Reads of application-permission grants (one per read of the consent status).
fn grant_reads(emu: &demo_tenant::Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| {
            r.method == "GET"
                && r.path_and_query.starts_with("/v1.0/servicePrincipals/")
                && r.path_and_query.contains("/appRoleAssignments")
        })
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn register_waits_for_the_browsers_answer_and_confirms_with_one_read() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let mut child = register_waiting(&emu, data.path());
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let (link, _) = consent_link_from(&mut stdout).await;
    assert!(
        link.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
        "the printed link is the listener's: {link}"
    );
    let reads_before = grant_reads(&emu);

    // The admin's browser: the demo tenant approves and sends it back to the listener.
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("consent was granted"));

    let status = tokio::time::timeout(Duration::from_secs(120), child.wait())
        .await
        .expect("exowiz ends once the consent is confirmed")
        .unwrap();
    let mut rest = String::new();
    while let Some(line) = stdout.next_line().await.unwrap() {
        rest.push_str(&line);
        rest.push('\n');
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(status.success(), "{status:?}\n{rest}\n{stderr}");
    assert!(
        stderr.contains("waiting for admin consent")
            || stderr.contains("Waiting for admin consent"),
        "says that it waits: {stderr}"
    );
    assert!(rest.contains("Admin consent is granted"), "{rest}");
    assert_eq!(
        grant_reads(&emu) - reads_before,
        1,
        "one read to confirm the browser's answer, none waited for"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_waiting_for_consent_and_says_how_to_go_on() {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let mut child = register_waiting(&emu, data.path());
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let (link, seen) = consent_link_from(&mut stdout).await;
    assert!(
        seen.contains("Client Secret") || seen.contains("secret"),
        "the secret is out before the wait:\n{seen}"
    );
    let port = url::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .and_then(|(_, v)| url::Url::parse(&v).ok()?.port())
        .unwrap();

    // Ctrl+C is SIGINT to the process. The listener may open a moment after the link is
    // printed: SIGINT only once it answers (attempts counted, not time).
    let listener = format!("http://127.0.0.1:{port}/");
    let mut open = false;
    for _ in 0..200 {
        if reqwest::get(&listener).await.is_ok() {
            open = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(open, "the listener answers while exowiz waits");
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("exowiz ends on Ctrl+C")
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert_eq!(status.code(), Some(5), "ConsentIncomplete:\n{stderr}");
    assert!(
        stderr.contains("Stopped waiting for admin consent"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        reqwest::get(&listener).await.is_err(),
        "the listener is gone with the process"
    );
}
