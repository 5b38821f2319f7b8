//! One job, two front-ends: the same rotate and check driven through the CLI (the real binary)
//! and through the wizard's effect executor, each against its own demo tenant started from the
//! same seed, must leave the same tenant state and report the same findings. And an app exowiz
//! did not make is matched to its product one way everywhere (issue 10.6): a Flowfact app is
//! rotated, saved and listed by `status` as Flowfact, never as `adopted`.

use crate::support;

use demo_tenant::Emulator;
use exowiz::clipboard::{Clipboard, ClipboardEnv, TerminalOut};
use exowiz::endpoints::Endpoints;
use exowiz::store::Store;
use exowiz::tui::{Control, Executor, ExecutorConfig};
use exowiz::wizard::state::{AppSecrets, SignInMethod};
use exowiz::wizard::{Effect, Msg};
use secrecy::SecretString;
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::*;
use tokio::sync::mpsc::{self, UnboundedReceiver};

/// An app another tool made for Flowfact: its name names the product, not exowiz's default
/// app name, so only a match by name (not by the default name) finds the profile.
const FLOWFACT_APP: &str = "Flowfact Mail Sync";

/// Creates the Flowfact app with one secret and its service principal in the demo tenant;
/// its client ID.
async fn flowfact_app(emu: &Emulator) -> String {
    let client = reqwest::Client::new();
    let base = format!("{}v1.0/", emu.base_url());
    let app: Value = client
        .post(format!("{base}applications"))
        .bearer_auth(admin_token(emu))
        .json(&json!({"displayName": FLOWFACT_APP, "signInAudience": "AzureADMyOrg"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let object_id = app["id"].as_str().unwrap();
    let added = client
        .post(format!("{base}applications/{object_id}/addPassword"))
        .bearer_auth(admin_token(emu))
        .json(&json!({"passwordCredential": {"displayName": "made by another tool"}}))
        .send()
        .await
        .unwrap();
    assert!(added.status().is_success(), "{}", added.status());
    let client_id = app["appId"].as_str().unwrap().to_string();
    // Its enterprise application, or no token is issued for it (AADSTS7000229).
    let sp = client
        .post(format!("{base}servicePrincipals"))
        .bearer_auth(admin_token(emu))
        .json(&json!({"appId": client_id}))
        .send()
        .await
        .unwrap();
    assert!(sp.status().is_success(), "{}", sp.status());
    client_id
}

/// The wizard's executor on `emu`, signed in with the admin's token, saving in `data`.
struct Wizard {
    executor: Executor,
    rx: UnboundedReceiver<Msg>,
}

impl Wizard {
    async fn signed_in(emu: &Emulator, data: &Path) -> Self {
        let base = emu.base_url().to_string();
        let endpoints = Endpoints::custom(&base, &base).unwrap();
        let clipboard = Arc::new(Clipboard::new(
            ClipboardEnv {
                ssh: true,
                display: false,
                forced: None,
            },
            TerminalOut::new(std::io::sink()),
        ));
        let mut config = ExecutorConfig::new(endpoints, clipboard);
        config.store = Some(Store::new(data));
        config.access_token = Some(SecretString::from(admin_token(emu)));
        config.verify_patience = Duration::from_secs(10);
        let (tx, rx) = mpsc::unbounded_channel();
        let mut w = Wizard {
            executor: Executor::new(config, tx).unwrap(),
            rx,
        };
        w.run(Effect::StartSignIn {
            ticket: 1,
            method: SignInMethod::DeviceCode,
        });
        match w.next().await {
            Msg::SignedIn { result: Ok(_), .. } => w,
            other => panic!("expected SignedIn, got {other:?}"),
        }
    }

    fn run(&mut self, effect: Effect) {
        assert_eq!(self.executor.run(effect), Control::Continue);
    }

    async fn next(&mut self) -> Msg {
        loop {
            let msg = tokio::time::timeout(Duration::from_secs(60), self.rx.recv())
                .await
                .expect("a message within a minute")
                .expect("the channel is open");
            if !matches!(msg, Msg::GraphWaiting { .. }) {
                return msg;
            }
        }
    }

    async fn load_secrets(&mut self, client_id: &str) -> AppSecrets {
        self.load_secrets_as(client_id, None).await
    }

    /// `profile`: the product the admin chose instead of exowiz's match (issue 10.6).
    async fn load_secrets_as(&mut self, client_id: &str, profile: Option<&str>) -> AppSecrets {
        self.run(Effect::LoadSecrets {
            ticket: 2,
            client_id: client_id.into(),
            profile: profile.map(str::to_string),
        });
        match self.next().await {
            Msg::SecretsLoaded {
                result: Ok(secrets),
                ..
            } => secrets,
            other => panic!("expected SecretsLoaded, got {other:?}"),
        }
    }

    /// The wizard's rotate job up to Done: read the secrets, make one, reveal it.
    async fn rotate(&mut self, client_id: &str) -> AppSecrets {
        self.rotate_as(client_id, None).await
    }

    async fn rotate_as(&mut self, client_id: &str, profile: Option<&str>) -> AppSecrets {
        let secrets = self.load_secrets_as(client_id, profile).await;
        self.run(Effect::CreateSecret {
            ticket: 3,
            client_id: client_id.into(),
            months: secrets.months,
            profile: profile.map(str::to_string),
        });
        match self.next().await {
            Msg::SecretCreated { result: Ok(_), .. } => {}
            other => panic!("expected SecretCreated, got {other:?}"),
        }
        self.run(Effect::SecretShown {
            client_id: client_id.into(),
        });
        secrets
    }
}

/// The app as the tenant has it: its secrets' descriptions and lifetimes in days, sorted.
async fn secrets_in_tenant(emu: &Emulator, client_id: &str) -> Vec<(String, i64)> {
    let apps = graph_get(emu, &format!("applications?$filter=appId eq '{client_id}'")).await;
    let mut out: Vec<(String, i64)> = apps["value"][0]["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let at = |f: &str| {
                c[f].as_str()
                    .unwrap()
                    .parse::<chrono::DateTime<chrono::Utc>>()
                    .unwrap()
            };
            let name = c["displayName"].as_str().unwrap_or_default();
            // The date in a new secret's description is today's in both runs.
            // Whole days, rounded: start and end carry the time of each run.
            let hours = (at("endDateTime") - at("startDateTime")).num_hours();
            (name.to_string(), (hours + 12) / 24)
        })
        .collect();
    out.sort();
    out
}

/// The saved registration of `client_id` in `data`: (profile, number of secrets, adopted).
fn saved(data: &Path, client_id: &str) -> (String, usize, bool) {
    let all = Store::new(data).load().unwrap();
    let r = all
        .iter()
        .find(|r| r.client_id == client_id)
        .unwrap_or_else(|| panic!("{client_id} is not saved: {all:?}"));
    (r.profile.clone(), r.secrets.len(), r.adopted)
}

/// Journals left in `data` (a finished, handed-over rotation leaves none).
fn journals(data: &Path) -> Vec<String> {
    std::fs::read_dir(data)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("journal"))
                .collect()
        })
        .unwrap_or_default()
}

/// Issue 10.6: an app another tool made for Flowfact is Flowfact for rotate (CLI), for the
/// saved registration and for `status` — on the old code rotate called it `adopted` and
/// handed it over with generic field names, while `check` said Flowfact.
#[tokio::test(flavor = "multi_thread")]
async fn a_flowfact_app_rotated_by_the_cli_is_flowfact_in_rotate_and_status_not_adopted() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let client_id = flowfact_app(&emu).await;
    let token = admin_token(&emu);

    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &["rotate", "--app-id", &client_id, "--json"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = stdout_json(&out);
    assert_eq!(json["profile"], "flowfact", "{json:#}");
    assert_eq!(json["compared_with"]["profile"], "flowfact");
    // Handed over with Flowfact's own field names (its manual's "ClientSecret").
    assert_eq!(
        json["product_fields"]["client_secret"], "ClientSecret",
        "{:#}",
        json["product_fields"]
    );

    let status = exowiz(&emu, data.path(), None, &["status", "--json"]).await;
    let status = stdout_json(&status);
    let listed = status["registrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["client_id"] == client_id.as_str())
        .unwrap_or_else(|| panic!("not in status: {status:#}"));
    assert_eq!(listed["profile"], "flowfact", "{listed:#}");

    // The admin can correct the match: --profile wins.
    let out = exowiz(
        &emu,
        data.path(),
        Some(&token),
        &[
            "rotate",
            "--app-id",
            &client_id,
            "--profile",
            "myfactory",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout_json(&out)["profile"], "myfactory");
}

/// Rotate through the CLI and through the wizard's executor: the same secrets in the tenant,
/// the same saved registration (profile, secrets, adopted), no journal left, and the wizard
/// hands over with the app's own profile.
#[tokio::test(flavor = "multi_thread")]
async fn rotate_through_the_cli_and_through_the_wizard_leaves_the_same_state() {
    let (cli_emu, wizard_emu) = (
        emulator(quick_config()).await,
        emulator(quick_config()).await,
    );
    let (cli_data, wizard_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cli_app = flowfact_app(&cli_emu).await;
    let wizard_app = flowfact_app(&wizard_emu).await;

    let out = exowiz(
        &cli_emu,
        cli_data.path(),
        Some(&admin_token(&cli_emu)),
        &["rotate", "--app-id", &cli_app, "--json"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut wizard = Wizard::signed_in(&wizard_emu, wizard_data.path()).await;
    let secrets = wizard.rotate(&wizard_app).await;
    assert_eq!(secrets.profile_id, "flowfact");

    let (cli_state, wizard_state) = (
        secrets_in_tenant(&cli_emu, &cli_app).await,
        secrets_in_tenant(&wizard_emu, &wizard_app).await,
    );
    assert_eq!(cli_state.len(), 2, "{cli_state:?}");
    assert_eq!(cli_state, wizard_state);
    assert_eq!(
        saved(cli_data.path(), &cli_app),
        ("flowfact".into(), 2, true)
    );
    assert_eq!(
        saved(cli_data.path(), &cli_app),
        saved(wizard_data.path(), &wizard_app)
    );
    assert_eq!(journals(cli_data.path()), Vec::<String>::new());
    assert_eq!(journals(wizard_data.path()), Vec::<String>::new());
}

/// Issue 10.6: a product the admin names for an app exowiz matched otherwise (`--profile` in
/// the CLI, a product chosen on Welcome after the match in the wizard) is the one both
/// front-ends compare with and save.
#[tokio::test(flavor = "multi_thread")]
async fn a_corrected_product_is_used_and_saved_by_the_cli_and_the_wizard_alike() {
    let (cli_emu, wizard_emu) = (
        emulator(quick_config()).await,
        emulator(quick_config()).await,
    );
    let (cli_data, wizard_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let cli_app = flowfact_app(&cli_emu).await;
    let wizard_app = flowfact_app(&wizard_emu).await;

    let out = exowiz(
        &cli_emu,
        cli_data.path(),
        Some(&admin_token(&cli_emu)),
        &[
            "rotate",
            "--app-id",
            &cli_app,
            "--profile",
            "myfactory",
            "--json",
        ],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut wizard = Wizard::signed_in(&wizard_emu, wizard_data.path()).await;
    let secrets = wizard.rotate_as(&wizard_app, Some("myfactory")).await;
    assert_eq!(
        secrets.profile_id, "myfactory",
        "the admin's product, not the match"
    );
    assert_eq!(saved(cli_data.path(), &cli_app).0, "myfactory");
    assert_eq!(
        saved(cli_data.path(), &cli_app),
        saved(wizard_data.path(), &wizard_app)
    );
}

/// Check through the CLI and through the wizard's executor: the same profile, the same
/// findings, and both save the registration for `status` the same way.
#[tokio::test(flavor = "multi_thread")]
async fn check_through_the_cli_and_through_the_wizard_reports_the_same_findings() {
    let (cli_emu, wizard_emu) = (
        emulator(quick_config()).await,
        emulator(quick_config()).await,
    );
    let (cli_data, wizard_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // The seed gives the app the same client ID in every demo tenant.
    let apps = graph_get(
        &cli_emu,
        "applications?$filter=displayName eq 'Legacy Fax Connector'",
    )
    .await;
    let client_id = apps["value"][0]["appId"].as_str().unwrap().to_string();

    let out = exowiz(
        &cli_emu,
        cli_data.path(),
        Some(&admin_token(&cli_emu)),
        &["check", "--app-id", &client_id, "--json"],
    )
    .await;
    let cli = stdout_json(&out);

    let mut wizard = Wizard::signed_in(&wizard_emu, wizard_data.path()).await;
    wizard.run(Effect::RunCheck {
        ticket: 4,
        client_id: client_id.clone(),
        profile: None,
    });
    let report = match wizard.next().await {
        Msg::Checked {
            result: Ok(report), ..
        } => report.to_json(),
        other => panic!("expected Checked, got {other:?}"),
    };
    for field in [
        "profile",
        "profile_source",
        "mode",
        "status",
        "findings",
        "permissions",
    ] {
        assert_eq!(cli[field], report[field], "{field}");
    }
    assert!(!cli["findings"].as_array().unwrap().is_empty());
    assert_eq!(
        saved(cli_data.path(), &client_id),
        saved(wizard_data.path(), &client_id)
    );
}

/// Removing the older secrets right after a new one was made (before the wizard reports it
/// shown) removes exactly the older ones: the removal is no new rotation, so it does not
/// clean up after "an interrupted one" — which would take the new secret, still journalled
/// as unseen, with it.
#[tokio::test(flavor = "multi_thread")]
async fn removing_the_older_secrets_in_the_wizard_keeps_the_new_one() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let client_id = flowfact_app(&emu).await;
    let mut wizard = Wizard::signed_in(&emu, data.path()).await;
    let secrets = wizard.load_secrets(&client_id).await;
    let older: Vec<String> = secrets.secrets.iter().map(|s| s.key_id.clone()).collect();
    wizard.run(Effect::CreateSecret {
        ticket: 3,
        client_id: client_id.clone(),
        months: secrets.months,
        profile: None,
    });
    let new_key = match wizard.next().await {
        Msg::SecretCreated {
            result: Ok(created),
            ..
        } => created.key_id,
        other => panic!("expected SecretCreated, got {other:?}"),
    };
    wizard.run(Effect::RemoveOldSecrets {
        ticket: 5,
        client_id: client_id.clone(),
        keep: new_key.clone(),
        key_ids: older.clone(),
    });
    match wizard.next().await {
        Msg::OldSecretsRemoved {
            result: Ok(removed),
            ..
        } => assert_eq!(removed.removed, older),
        other => panic!("expected OldSecretsRemoved, got {other:?}"),
    }
    let apps = graph_get(
        &emu,
        &format!("applications?$filter=appId eq '{client_id}'"),
    )
    .await;
    let left: Vec<&str> = apps["value"][0]["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["keyId"].as_str().unwrap())
        .collect();
    assert_eq!(left, [new_key.as_str()]);
}
