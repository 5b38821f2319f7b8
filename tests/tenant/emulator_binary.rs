//! `exowiz emulator` as a separate process: it prints its base URL, answers sign-in discovery
//! for contoso.com, a real `exowiz register --device-code` registers against it, and with
//! `--state` the tenant survives a kill and restart without the secret ever reaching the file.

use crate::support;

use exowiz::auth::{self, DeviceCodeFlow, SignInConfig};
use exowiz::endpoints::Endpoints;
use secrecy::ExposeSecret;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{files_containing, stdout_json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout, Command};

/// The demo tenant's id, as `exowiz emulator` documents it (Contoso Ltd).
const CONTOSO_TENANT_ID: &str = "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90";

/// A running `exowiz emulator` child process; killed when dropped.
struct EmulatorProcess {
    child: Child,
    base: String,
    stderr_path: PathBuf,
    /// Kept open so that the child never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
}

impl EmulatorProcess {
    async fn start(state: &Path, logs: &Path) -> EmulatorProcess {
        let stderr_path = logs.join(format!("emulator-{}.stderr", uuid::Uuid::new_v4()));
        let stderr = std::fs::File::create(&stderr_path).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_exowiz"))
            .args([
                "emulator",
                "--port",
                "0",
                "--replication-lag-ms",
                "0",
                "--auto-approve-delay-ms",
                "0",
                "--device-interval",
                "1",
                "--state",
            ])
            .arg(state)
            .env_remove("EXOWIZ_EMULATOR_PORT")
            .env_remove("EXOWIZ_EMULATOR_STATE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(stderr))
            .kill_on_drop(true)
            .spawn()
            .expect("exowiz emulator starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let read = tokio::time::timeout(Duration::from_secs(20), stdout.read_line(&mut line)).await;
        let base = line.trim().to_string();
        assert!(
            matches!(read, Ok(Ok(n)) if n > 0) && base.starts_with("http://127.0.0.1:"),
            "first stdout line {line:?} ({read:?}); stderr: {}",
            std::fs::read_to_string(&stderr_path).unwrap_or_default()
        );
        let port = base
            .trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/');
        assert!(
            port.parse::<u16>().is_ok_and(|p| p != 0),
            "a real port: {base}"
        );
        EmulatorProcess {
            child,
            base,
            stderr_path,
            _stdout: stdout,
        }
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.base.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_path).unwrap_or_default()
    }

    async fn kill(mut self) {
        self.child.kill().await.expect("emulator killed");
    }
}

/// An admin Graph token from the emulator process, the way a user gets one: device code
/// sign-in with exowiz's own sign-in code (the emulator approves it as admin@contoso.com).
async fn admin_token(emu: &EmulatorProcess) -> String {
    let endpoints = Endpoints::custom(&emu.base, &emu.base).unwrap();
    let cfg = SignInConfig::for_registration(endpoints).with_tenant("contoso.com");
    let http = auth::http_client().unwrap();
    let session = DeviceCodeFlow::start(&http, &cfg)
        .await
        .expect("device code issued")
        .with_poll_timing(Duration::from_millis(50), Duration::from_millis(50));
    let tokens = tokio::time::timeout(Duration::from_secs(20), session.poll())
        .await
        .expect("approved in time")
        .expect("signed in");
    assert_eq!(
        tokens.claims().unwrap().username(),
        Some("admin@contoso.com")
    );
    tokens.access_token.expose_secret().to_string()
}

async fn get_json(url: &str, token: Option<&str>) -> (u16, Value) {
    let mut req = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("emulator answers");
    let status = resp.status().as_u16();
    let body = resp.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn the_emulator_binary_serves_a_registration_and_keeps_it_across_restarts() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();

    let emu = EmulatorProcess::start(&state, dir.path()).await;
    assert!(state.exists(), "the seeded tenant is saved at start");

    // Sign-in discovery for the verified domain names the demo tenant.
    let (status, discovery) = get_json(
        &emu.url("contoso.com/v2.0/.well-known/openid-configuration"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{discovery}");
    for field in ["issuer", "token_endpoint", "device_authorization_endpoint"] {
        let value = discovery[field].as_str().unwrap_or_default();
        assert!(
            value.contains(CONTOSO_TENANT_ID),
            "{field} = {value:?} does not name the demo tenant"
        );
        if field != "issuer" {
            assert!(value.starts_with(&emu.base), "{field} = {value:?}");
        }
    }
    let (status, unknown) = get_json(
        &emu.url("fabrikam.example/v2.0/.well-known/openid-configuration"),
        None,
    )
    .await;
    assert_eq!(status, 400, "{unknown}");
    assert!(
        unknown["error_description"]
            .as_str()
            .is_some_and(|d| d.starts_with("AADSTS90002")),
        "{unknown}"
    );
    let (_, snapshot) = get_json(&emu.url("_emulator/state"), None).await;
    assert_eq!(snapshot["tenantId"], CONTOSO_TENANT_ID);

    // The real binary registers against it, signing in with a device code.
    let out = tokio::time::timeout(
        Duration::from_secs(60),
        Command::new(env!("CARGO_BIN_EXE_exowiz"))
            .args([
                "register",
                "--profile",
                "myfactory",
                "--device-code",
                "--json",
            ])
            .env("EXOWIZ_LOGIN_URL", &emu.base)
            .env("EXOWIZ_GRAPH_URL", &emu.base)
            .env("EXOWIZ_DATA_DIR", &data)
            .env("EXOWIZ_NO_BROWSER", "1")
            .env_remove("EXOWIZ_ACCESS_TOKEN")
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("register finishes")
    .expect("register runs");
    assert!(
        out.status.success(),
        "register failed: {}\nemulator: {}",
        String::from_utf8_lossy(&out.stderr),
        emu.stderr()
    );
    let json = stdout_json(&out);
    assert_eq!(json["tenant_id"], CONTOSO_TENANT_ID);
    let client_id = json["client_id"].as_str().unwrap().to_string();
    let object_id = json["app_object_id"].as_str().unwrap().to_string();
    let key_id = json["secret"]["key_id"].as_str().unwrap().to_string();
    let secret = json["secret"]["value"].as_str().unwrap().to_string();
    assert!(secret.len() >= 16);
    let (_, log) = get_json(&emu.url("_emulator/requests"), None).await;
    let paths: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["path_and_query"].as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.ends_with("/oauth2/v2.0/devicecode")),
        "register signed in with a device code: {paths:?}"
    );

    // The app is in the tenant.
    let app_path = format!("v1.0/applications(appId='{client_id}')");
    let token = admin_token(&emu).await;
    let (status, app) = get_json(&emu.url(&app_path), Some(&token)).await;
    assert_eq!(status, 200, "{app}");
    assert_eq!(app["id"], object_id.as_str());
    assert_eq!(app["appId"], client_id.as_str());
    assert_eq!(app["isFallbackPublicClient"], true);
    assert_eq!(app["passwordCredentials"][0]["keyId"], key_id.as_str());
    let (status, _) = get_json(&emu.url(&app_path), Some("not-a-token")).await;
    assert_eq!(status, 401, "Graph needs a valid token");

    // Killed and started again on the same state file: the app is still there.
    emu.kill().await;
    let emu = EmulatorProcess::start(&state, dir.path()).await;
    let (status, _) = get_json(&emu.url(&app_path), Some(&token)).await;
    assert_eq!(
        status, 401,
        "a restart invalidates the old process's tokens"
    );
    let token = admin_token(&emu).await;
    let (status, again) = get_json(&emu.url(&app_path), Some(&token)).await;
    assert_eq!(status, 200, "{again}\nemulator: {}", emu.stderr());
    assert_eq!(again["id"], object_id.as_str());
    assert_eq!(again["displayName"], app["displayName"]);
    assert_eq!(again["passwordCredentials"], app["passwordCredentials"]);
    assert_eq!(
        again["requiredResourceAccess"],
        app["requiredResourceAccess"]
    );
    let (status, sp) = get_json(
        &emu.url(&format!("v1.0/servicePrincipals(appId='{client_id}')")),
        Some(&token),
    )
    .await;
    assert_eq!(status, 200, "the service principal survived too: {sp}");

    // Neither the state file nor exowiz's data directory holds the secret.
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(&client_id), "the state file has the app");
    assert!(!saved.contains(&secret), "the state file holds the secret");
    assert!(
        files_containing(dir.path(), &secret).is_empty(),
        "a file holds the secret"
    );
    emu.kill().await;
    println!("emulator binary test took {:?}", started.elapsed());
}
