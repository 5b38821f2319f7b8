//! One job, two front-ends: the same register (with consent and the proof of the secret),
//! rotate and check driven through the CLI (the real binary) and through the wizard's effect
//! executor, each against its own demo tenant started from the same seed, must leave the same
//! tenant state and report the same findings. And an app exowiz
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
            executor: Executor::new(config, tx),
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

// ---------------------------------------------------------------------------------------------
// Register: `exowiz register --wait-consent --verify` and the wizard's Register, consent and
// Verify effects, each against its own demo tenant from the same seed.
// ---------------------------------------------------------------------------------------------

const MAILBOX: &str = "fax-transfer@contoso.com";

/// A demo tenant whose admin puts a new app on the EWS allow list at once, so that the EWS
/// probe of both front-ends opens the mailbox.
async fn ews_tenant() -> Emulator {
    let mut config = quick_config();
    config.ews_allow_new_apps = true;
    emulator(config).await
}

/// `host:port` of the demo tenant, which differs between the two tenants: where the EWS
/// probe's sentence names it, it is not a difference of the front-ends.
fn host_of(emu: &Emulator) -> String {
    let url = emu.base_url();
    format!(
        "{}:{}",
        url.host_str().unwrap(),
        url.port_or_known_default().unwrap()
    )
}

/// What the proof of the secret found, as a front-end reports it: the roles per API (display
/// name), the missing application permissions, and the EWS probe (its verdict and detail).
#[derive(Debug, PartialEq, Eq)]
struct Proof {
    roles: Vec<(String, Vec<String>)>,
    missing: Vec<String>,
    ews: Option<(Option<bool>, String)>,
}

/// The proof as `exowiz register --verify` prints it (cli/verify_output.rs `print_text`).
fn proof_from_text(stdout: &str, host: &str) -> Proof {
    let section = stdout
        .split_once("Verified: Entra ID issued a token for the secret.\n")
        .unwrap_or_else(|| panic!("no verified secret in:\n{stdout}"))
        .1;
    let mut roles = Vec::new();
    let mut missing = Vec::new();
    let mut ews = None;
    for line in section.lines() {
        if let Some(role_line) = line.strip_prefix("  ") {
            let (api, list) = role_line.split_once("  ").unwrap();
            let list = list.trim();
            let list = if list == "no application permissions granted" {
                Vec::new()
            } else {
                list.split(", ").map(str::to_string).collect()
            };
            roles.push((api.trim().to_string(), list));
        } else if let Some(rest) = line.strip_prefix("Warning: the token lacks ") {
            let names = rest.split_once(": admin consent").unwrap().0;
            missing = names.split(", ").map(str::to_string).collect();
        } else if let Some(rest) = line.strip_prefix("EWS: ") {
            let (label, detail) = rest.split_once(" — ").unwrap();
            let ok = match label {
                "OK" => Some(true),
                "FAILED" => Some(false),
                _ => None,
            };
            ews = Some((ok, detail.replace(host, "HOST")));
        }
    }
    Proof {
        roles,
        missing,
        ews,
    }
}

/// The proof as the wizard's Verify screen gets it.
fn proof_from_report(report: &exowiz::wizard::state::VerifyReport, host: &str) -> Proof {
    Proof {
        roles: report.roles.clone(),
        missing: report.missing.clone(),
        ews: report
            .ews
            .as_ref()
            .map(|p| (p.ok(), p.detail.replace(host, "HOST"))),
    }
}

/// The registered app as the tenant has it: its shape, what it asks for, what it is granted
/// and its secrets (description and lifetime), with the IDs that differ between tenants left
/// out.
async fn registered_state(emu: &Emulator, app_name: &str) -> Value {
    let apps = graph_get(
        emu,
        &format!("applications?$filter=displayName eq '{app_name}'"),
    )
    .await;
    let apps = apps["value"].as_array().unwrap();
    assert_eq!(apps.len(), 1, "one app named {app_name}: {apps:#?}");
    let app = &apps[0];
    let client_id = app["appId"].as_str().unwrap();
    let mut asks: Vec<(String, String, String)> = app["requiredResourceAccess"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["resourceAccess"].as_array().unwrap().iter().map(|a| {
                (
                    r["resourceAppId"].as_str().unwrap().to_string(),
                    a["id"].as_str().unwrap().to_string(),
                    a["type"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    asks.sort();
    let sps = graph_get(
        emu,
        &format!("servicePrincipals?$filter=appId eq '{client_id}'"),
    )
    .await;
    let sp = sps["value"][0]["id"].as_str().unwrap().to_string();
    let assignments = graph_get(emu, &format!("servicePrincipals/{sp}/appRoleAssignments")).await;
    let mut roles: Vec<(String, String)> = assignments["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["resourceId"].as_str().unwrap().to_string(),
                a["appRoleId"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    roles.sort();
    let delegated = graph_get(
        emu,
        &format!(
            "oauth2PermissionGrants?$filter=clientId eq '{sp}' and consentType eq 'AllPrincipals'"
        ),
    )
    .await;
    let mut scopes: Vec<(String, String)> = delegated["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["resourceId"].as_str().unwrap().to_string(),
                g["scope"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    scopes.sort();
    json!({
        "display_name": app["displayName"],
        "sign_in_audience": app["signInAudience"],
        "web": app["web"]["redirectUris"],
        "public_client": app["publicClient"]["redirectUris"],
        "required_resource_access": asks,
        "app_roles_granted": roles,
        "delegated_granted": scopes,
        "secrets": secrets_in_tenant(emu, client_id).await,
    })
}

/// `exowiz register` as an admin at a terminal runs it: waiting for the consent (the link is
/// opened on this machine: the demo tenant approves and sends the browser to exowiz's
/// listener), then verifying the secret. Its stdout.
async fn register_through_the_cli(emu: &Emulator, data: &Path) -> String {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
    let base = emu.base_url().to_string();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args([
            "register",
            "--profile",
            "officemaster",
            "--mailbox",
            MAILBOX,
            "--wait-consent",
            "--consent-poll-seconds",
            "3600",
            "--verify",
            "--verify-timeout",
            "10",
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
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = String::new();
    let mut heading = false;
    let link = loop {
        let line = tokio::time::timeout(Duration::from_secs(120), stdout.next_line())
            .await
            .expect("a line within two minutes")
            .unwrap()
            .unwrap_or_else(|| panic!("stdout ended before the consent link:\n{seen}"));
        seen.push_str(&line);
        seen.push('\n');
        if heading {
            break line.trim().to_string();
        }
        heading = line.starts_with("Admin consent:");
    };
    let page = reqwest::get(&link).await.unwrap();
    assert_eq!(page.status(), 200);
    let status = tokio::time::timeout(Duration::from_secs(120), child.wait())
        .await
        .expect("exowiz ends once the consent is confirmed and the secret verified")
        .unwrap();
    while let Some(line) = stdout.next_line().await.unwrap() {
        seen.push_str(&line);
        seen.push('\n');
    }
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .await
        .unwrap();
    assert!(status.success(), "{status:?}\n{seen}\n{stderr}");
    seen
}

impl Wizard {
    /// The wizard's registration as the admin goes through it: Register, then the consent
    /// step with its listener (the link opened on this machine) and a read of the grants, then
    /// Verify with the EWS probe of the transfer mailbox, and the secret shown.
    async fn register(
        &mut self,
        profile_id: &str,
        mailbox: &str,
    ) -> (
        exowiz::wizard::state::RegisteredApp,
        exowiz::wizard::state::VerifyReport,
    ) {
        use exowiz::wizard::effect::EwsCheck;
        use exowiz::wizard::state::ComparedWith;
        let profile = exowiz::profile::by_id(profile_id).unwrap();
        let request = exowiz::register::RegisterRequest {
            mode: exowiz::profile::InstallMode::CloudOnly,
            mailbox: Some(mailbox.to_string()),
            transfer_domains: vec![],
            mail_domain: None,
            app_name: profile.default_app_name.clone(),
            secret_months: profile.secret_months,
            grant_consent: false,
            app_id: None,
            profile: profile.clone(),
        };
        self.run(Effect::Register {
            ticket: 11,
            request: Box::new(request),
        });
        let mut app = loop {
            match self.next().await {
                Msg::RegisterProgress { .. } => {}
                Msg::Registered {
                    result: Ok(app), ..
                } => break app,
                other => panic!("expected Registered, got {other:?}"),
            }
        };
        self.run(Effect::ListenForConsent {
            ticket: 12,
            tenant_id: app.tenant_id.clone(),
            client_id: app.client_id.clone(),
        });
        let link = match self.next().await {
            Msg::ConsentListening {
                result: Ok(link), ..
            } => link,
            other => panic!("expected ConsentListening, got {other:?}"),
        };
        let page = reqwest::get(&link).await.unwrap();
        assert_eq!(page.status(), 200);
        match self.next().await {
            Msg::ConsentAnswered {
                answer: Some(exowiz::auth::ConsentAnswer::Granted),
                ..
            } => {}
            other => panic!("expected ConsentAnswered, got {other:?}"),
        }
        self.run(Effect::PollConsent {
            ticket: 13,
            after: Duration::ZERO,
            service_principal_id: app.service_principal_id.clone().unwrap(),
            permissions: app.permissions.clone(),
        });
        app.permissions = match self.next().await {
            Msg::ConsentPolled {
                result: Ok(list), ..
            } => list,
            other => panic!("expected ConsentPolled, got {other:?}"),
        };
        assert!(app.permissions.iter().all(|p| p.granted), "{app:?}");
        self.run(Effect::Verify {
            ticket: 14,
            tenant_id: app.tenant_id.clone(),
            client_id: app.client_id.clone(),
            secret: app.secret.clone(),
            expected: app.permissions.clone(),
            compared_with: ComparedWith::Profile(profile.product_name().to_string()),
            ews: EwsCheck::Mailbox(mailbox.to_string()),
        });
        let report = match self.next().await {
            Msg::Verified {
                result: Ok(report), ..
            } => report,
            other => panic!("expected Verified, got {other:?}"),
        };
        self.run(Effect::SecretShown {
            client_id: app.client_id.clone(),
        });
        (app, report)
    }
}

/// Register through the CLI and through the wizard's executor, consent and verification
/// included: the same app in the tenant (shape, what it asks for, what it is granted, one
/// secret), the same saved registration, no journal left, and the same proof of the secret —
/// the same roles, nothing missing, and the same EWS probe of the transfer mailbox (a
/// front-end that skipped the probe, or probed another way, reports differently).
#[tokio::test(flavor = "multi_thread")]
async fn register_through_the_cli_and_through_the_wizard_leaves_the_same_app_and_proof() {
    let (cli_emu, wizard_emu) = (ews_tenant().await, ews_tenant().await);
    let (cli_data, wizard_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    let stdout = register_through_the_cli(&cli_emu, cli_data.path()).await;
    assert!(
        stdout.contains("Admin consent is granted for every permission."),
        "{stdout}"
    );
    let cli_proof = proof_from_text(&stdout, &host_of(&cli_emu));

    let mut wizard = Wizard::signed_in(&wizard_emu, wizard_data.path()).await;
    let (app, report) = wizard.register("officemaster", MAILBOX).await;
    let wizard_proof = proof_from_report(&report, &host_of(&wizard_emu));

    assert_eq!(cli_proof, wizard_proof);
    assert_eq!(
        wizard_proof.ews.as_ref().map(|e| e.0),
        Some(Some(true)),
        "both opened the mailbox: {wizard_proof:?}"
    );
    assert!(wizard_proof.missing.is_empty(), "{wizard_proof:?}");
    assert!(!wizard_proof.roles.is_empty());

    let (cli_state, wizard_state) = (
        registered_state(&cli_emu, &app.app_name).await,
        registered_state(&wizard_emu, &app.app_name).await,
    );
    assert_eq!(cli_state, wizard_state);
    assert_eq!(
        cli_state["secrets"].as_array().unwrap().len(),
        1,
        "one secret: {cli_state:#}"
    );
    assert!(
        !cli_state["app_roles_granted"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let saved_of = |data: &Path| {
        let all = Store::new(data).load().unwrap();
        assert_eq!(all.len(), 1, "{all:?}");
        let r = &all[0];
        (
            r.profile.clone(),
            r.secrets.len(),
            r.adopted,
            r.app_name.clone(),
            r.uses_ews,
            r.mailbox.clone(),
        )
    };
    assert_eq!(saved_of(cli_data.path()), saved_of(wizard_data.path()));
    assert_eq!(journals(cli_data.path()), Vec::<String>::new());
    assert_eq!(journals(wizard_data.path()), Vec::<String>::new());
}

/// A rotation proves the new secret the same way through both front-ends: for an EWS product
/// the EWS probe opens the mailbox its registration was saved with. On the old code the
/// wizard's rotation probed no EWS at all, and `exowiz rotate` only with `--mailbox`.
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_ews_secret_opens_the_saved_mailbox_through_the_cli_and_the_wizard() {
    use exowiz::jobs::verify::Ews;
    let (cli_emu, wizard_emu) = (ews_tenant().await, ews_tenant().await);
    let (cli_data, wizard_data) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());

    // CLI: register (the mailbox is saved with the registration), then rotate without
    // naming the mailbox again.
    register_through_the_cli(&cli_emu, cli_data.path()).await;
    let cli_app = Store::new(cli_data.path()).load().unwrap()[0]
        .client_id
        .clone();
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
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cli_ews = &report["verify"]["ews"];

    // The wizard: the same registration, then its rotate job up to the proof.
    let mut wizard = Wizard::signed_in(&wizard_emu, wizard_data.path()).await;
    let (app, _) = wizard.register("officemaster", MAILBOX).await;
    let secrets = wizard.load_secrets_as(&app.client_id, None).await;
    assert_eq!(secrets.ews, Ews::Mailbox(MAILBOX.into()));
    wizard.run(Effect::CreateSecret {
        ticket: 30,
        client_id: app.client_id.clone(),
        months: secrets.months,
        profile: None,
    });
    let created = match wizard.next().await {
        Msg::SecretCreated {
            result: Ok(created),
            ..
        } => created,
        other => panic!("expected SecretCreated, got {other:?}"),
    };
    wizard.run(Effect::VerifyRotated {
        ticket: 31,
        tenant_id: secrets.tenant_id.clone(),
        client_id: app.client_id.clone(),
        secret: created.secret,
        apis: secrets.apis.clone(),
        expected: secrets.expected.clone(),
        compared_with: secrets.compared_with.clone(),
        ews: secrets.ews.clone(),
    });
    let wizard_ews = match wizard.next().await {
        Msg::Verified {
            result: Ok(report), ..
        } => report.ews.expect("an EWS verdict"),
        other => panic!("expected Verified, got {other:?}"),
    };

    assert_eq!(cli_ews["ok"], json!(true), "{report:#}");
    assert_eq!(cli_ews["mailbox"], json!(MAILBOX));
    assert_eq!(wizard_ews.ok(), Some(true), "{wizard_ews:?}");
    assert_eq!(wizard_ews.mailbox.as_deref(), Some(MAILBOX));
}
