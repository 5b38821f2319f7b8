//! The wizard's effect executor against the demo tenant (started in-process): each `Effect`
//! is run on a task and answered with the `Msg` the wizard expects, carrying the same ticket.

use demo_tenant::{DEMO_TENANT_ID, Emulator, EmulatorConfig};
use exowiz::browser::BrowserError;
use exowiz::clipboard::{Clipboard, ClipboardEnv, ClipboardVia, OSC52_CLEAR, TerminalOut};
use exowiz::endpoints::Endpoints;
use exowiz::error::{JobError, JobErrorKind};
use exowiz::ews::EwsCause;
use exowiz::graph::MailboxState;
use exowiz::permissions::PermissionStatus;
use exowiz::profile::{self, InstallMode, PermissionType};
use exowiz::register::{RegisterEvent, RegisterRequest};
use exowiz::store::Store;
use exowiz::tui::{Control, Executor, ExecutorConfig};
use exowiz::wizard::effect::EwsCheck;
use exowiz::wizard::msg::SignInPrompt;
use exowiz::wizard::state::{
    AppSecrets, ComparedWith, RegisteredApp, SignInMethod, TenantInfo, VerifyReport,
};
use exowiz::wizard::{Effect, Msg};
use secrecy::{ExposeSecret, SecretString};
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc::{self, UnboundedReceiver};

/// A terminal that records what is written to it (OSC 52 lands here).
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<u8>>>);

impl Recorder {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl Write for Recorder {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

struct Harness {
    emulator: Emulator,
    executor: Executor,
    rx: UnboundedReceiver<Msg>,
    terminal: Recorder,
    _data: tempfile::TempDir,
}

fn quick() -> EmulatorConfig {
    EmulatorConfig {
        auto_approve: true,
        auto_approve_delay: Duration::ZERO,
        device_poll_interval: 1,
        replication_lag: Duration::ZERO,
        ..EmulatorConfig::default()
    }
}

/// The browser: follows the demo tenant's redirect back to exowiz's loopback listener.
fn fake_browser() -> exowiz::tui::BrowserOpener {
    let handle = tokio::runtime::Handle::current();
    Arc::new(move |url: &str| {
        let url = url.to_string();
        handle.spawn(async move {
            let _ = reqwest::get(url).await;
        });
        Ok(())
    })
}

async fn harness_with(config: EmulatorConfig, clear_after: Option<Duration>) -> Harness {
    let emulator = Emulator::start(config).await.unwrap();
    let base = emulator.base_url().to_string();
    let endpoints = Endpoints::custom(&base, &base).unwrap();
    let terminal = Recorder::default();
    let clipboard = Arc::new(Clipboard::new(
        ClipboardEnv {
            ssh: true,
            display: false,
            forced: None,
        },
        TerminalOut::new(terminal.clone()),
    ));
    let data = tempfile::tempdir().unwrap();
    let mut config = ExecutorConfig::new(endpoints, clipboard);
    config.store = Some(Store::new(data.path()));
    config.open_browser = fake_browser();
    config.clear_clipboard_after = clear_after;
    config.browser_timeout = Duration::from_secs(30);
    // Long enough for the replication test (3 s lag), short enough for the wrong-secret test.
    config.verify_patience = Duration::from_secs(10);
    config.commands_dir = Some(data.path().to_path_buf());
    let (tx, rx) = mpsc::unbounded_channel();
    Harness {
        emulator,
        executor: Executor::new(config, tx),
        rx,
        terminal,
        _data: data,
    }
}

async fn harness() -> Harness {
    harness_with(quick(), Some(Duration::from_secs(90))).await
}

impl Harness {
    /// The next message but Graph's wait reports (a new app's replication lag makes some;
    /// `next_with_waits` sees them).
    async fn next(&mut self) -> Msg {
        loop {
            match self.next_with_waits().await {
                Msg::GraphWaiting { .. } => continue,
                msg => return msg,
            }
        }
    }

    async fn next_with_waits(&mut self) -> Msg {
        tokio::time::timeout(Duration::from_secs(60), self.rx.recv())
            .await
            .expect("a message within a minute")
            .expect("the channel is open")
    }

    async fn nothing_within(&mut self, wait: Duration) {
        if let Ok(Some(msg)) = tokio::time::timeout(wait, self.rx.recv()).await {
            panic!("unexpected message {msg:?}");
        }
    }

    fn run(&mut self, effect: Effect) {
        assert_eq!(self.executor.run(effect), Control::Continue);
    }

    async fn sign_in(&mut self, method: SignInMethod) -> (SignInPrompt, TenantInfo) {
        self.run(Effect::StartSignIn { ticket: 7, method });
        let prompt = match self.next().await {
            Msg::SignInPrompt { ticket: 7, prompt } => prompt,
            other => panic!("expected the sign-in prompt, got {other:?}"),
        };
        match self.next().await {
            Msg::SignedIn {
                ticket: 7,
                result: Ok(info),
            } => (prompt, info),
            other => panic!("expected SignedIn, got {other:?}"),
        }
    }

    async fn register(&mut self, request: RegisterRequest) -> (Vec<RegisterEvent>, RegisteredApp) {
        self.run(Effect::Register {
            ticket: 11,
            request: Box::new(request),
        });
        let mut events = Vec::new();
        loop {
            match self.next().await {
                Msg::RegisterProgress { ticket: 11, event } => events.push(event),
                Msg::Registered {
                    ticket: 11,
                    result: Ok(app),
                } => return (events, app),
                other => panic!("expected register progress, got {other:?}"),
            }
        }
    }

    async fn poll(
        &mut self,
        app: &RegisteredApp,
        permissions: &[PermissionStatus],
    ) -> Vec<PermissionStatus> {
        self.run(Effect::PollConsent {
            ticket: 21,
            after: Duration::ZERO,
            service_principal_id: app.service_principal_id.clone().unwrap(),
            permissions: permissions.to_vec(),
        });
        match self.next().await {
            Msg::ConsentPolled {
                ticket: 21,
                result: Ok(p),
            } => p,
            other => panic!("expected ConsentPolled, got {other:?}"),
        }
    }

    async fn verify(&mut self, app: &RegisteredApp) -> Result<VerifyReport, JobError> {
        self.run(Effect::Verify {
            ticket: 31,
            tenant_id: app.tenant_id.clone(),
            client_id: app.client_id.clone(),
            secret: app.secret.clone(),
            expected: app.permissions.clone(),
            compared_with: ComparedWith::Profile("the test profile".into()),
            ews: EwsCheck::NotEws,
        });
        match self.next().await {
            Msg::Verified { ticket: 31, result } => result,
            other => panic!("expected Verified, got {other:?}"),
        }
    }

    /// The rotate job's effects in order: read the app, make a secret, verify it.
    async fn rotate(&mut self, client_id: &str) -> (AppSecrets, VerifyReport) {
        self.run(Effect::LoadSecrets {
            ticket: 41,
            client_id: client_id.into(),
            profile: None,
        });
        let secrets = match self.next().await {
            Msg::SecretsLoaded {
                ticket: 41,
                result: Ok(secrets),
            } => secrets,
            other => panic!("expected SecretsLoaded, got {other:?}"),
        };
        self.run(Effect::CreateSecret {
            ticket: 42,
            client_id: client_id.into(),
            months: 1,
            profile: None,
        });
        let created = match self.next().await {
            Msg::SecretCreated {
                ticket: 42,
                result: Ok(created),
            } => created,
            other => panic!("expected SecretCreated, got {other:?}"),
        };
        self.run(Effect::VerifyRotated {
            ticket: 43,
            tenant_id: secrets.tenant_id.clone(),
            client_id: client_id.into(),
            secret: created.secret,
            apis: secrets.apis.clone(),
            expected: secrets.expected.clone(),
            compared_with: secrets.compared_with.clone(),
            ews: secrets.ews.clone(),
        });
        match self.next().await {
            Msg::Verified {
                ticket: 43,
                result: Ok(report),
            } => (secrets, report),
            other => panic!("expected a verified rotation, got {other:?}"),
        }
    }

    /// Takes back the admin consent for one application permission, as an admin in the portal
    /// would (DELETE …/appRoleAssignedTo/{id}).
    async fn revoke(&self, service_principal_id: &str, role_id: &str) {
        let base = self.emulator.base_url();
        let token = self.emulator.issue_token(
            "admin@contoso.com",
            &[
                "Application.ReadWrite.All",
                "AppRoleAssignment.ReadWrite.All",
            ],
        );
        let http = reqwest::Client::new();
        let list: serde_json::Value = http
            .get(format!(
                "{base}v1.0/servicePrincipals/{service_principal_id}/appRoleAssignments"
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let assignment = list["value"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["appRoleId"] == role_id)
            .unwrap_or_else(|| panic!("{role_id} is granted: {list}"));
        let status = http
            .delete(format!(
                "{base}v1.0/servicePrincipals/{}/appRoleAssignedTo/{}",
                assignment["resourceId"].as_str().unwrap(),
                assignment["id"].as_str().unwrap()
            ))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status.as_u16(), 204);
    }
}

fn request(profile_id: &str, mailbox: Option<&str>) -> RegisterRequest {
    let profile = profile::by_id(profile_id).unwrap();
    RegisterRequest {
        mode: InstallMode::CloudOnly,
        mailbox: mailbox.map(str::to_string),
        transfer_domains: vec![],
        mail_domain: None,
        app_name: profile.default_app_name.clone(),
        secret_months: profile.secret_months,
        grant_consent: false,
        app_id: None,
        profile,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn device_code_sign_in_reports_the_code_then_the_organisation() {
    let mut h = harness().await;
    let (prompt, info) = h.sign_in(SignInMethod::DeviceCode).await;
    let SignInPrompt::DeviceCode {
        user_code,
        verification_uri,
        expires_at,
    } = prompt
    else {
        panic!("expected a device code, got {prompt:?}");
    };
    assert!(!user_code.is_empty());
    assert!(verification_uri.starts_with(h.emulator.base_url().as_str()));
    assert!(expires_at > chrono::Utc::now());
    assert_eq!(info.name, "Contoso Ltd");
    assert_eq!(info.tenant_id, DEMO_TENANT_ID);
    assert_eq!(info.user, "admin@contoso.com");
    assert_eq!(info.default_domain, "contoso.com");
    assert!(
        info.verified_domains
            .contains(&"contoso.onmicrosoft.com".to_string())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_sign_in_opens_the_authorize_url_and_waits_for_the_redirect() {
    let mut h = harness().await;
    let (prompt, info) = h.sign_in(SignInMethod::Browser).await;
    let SignInPrompt::Browser { url, opened } = prompt else {
        panic!("expected the browser prompt, got {prompt:?}");
    };
    assert!(opened);
    assert!(url.contains("/oauth2/v2.0/authorize"), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    assert_eq!(info.name, "Contoso Ltd");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cancelled_sign_in_reports_nothing_more() {
    let mut h = harness().await;
    // A browser that never comes back.
    h.executor = {
        let base = h.emulator.base_url().to_string();
        let endpoints = Endpoints::custom(&base, &base).unwrap();
        let clipboard = Arc::new(Clipboard::new(
            ClipboardEnv::default(),
            TerminalOut::new(Recorder::default()),
        ));
        let mut config = ExecutorConfig::new(endpoints, clipboard);
        config.open_browser =
            Arc::new(|_: &str| Err(BrowserError::Failed("No browser was opened (test).".into())));
        let (tx, rx) = mpsc::unbounded_channel();
        h.rx = rx;
        Executor::new(config, tx)
    };
    h.run(Effect::StartSignIn {
        ticket: 3,
        method: SignInMethod::Browser,
    });
    match h.next().await {
        Msg::SignInPrompt {
            ticket: 3,
            prompt: SignInPrompt::Browser { opened: false, .. },
        } => {}
        other => panic!("expected the browser prompt (not opened), got {other:?}"),
    }
    h.run(Effect::CancelSignIn);
    h.nothing_within(Duration::from_millis(500)).await;
    // Not signed in: jobs that need Graph say so in a sentence, and the error's kind leads the
    // wizard back to Sign in.
    h.run(Effect::CheckMailbox {
        ticket: 4,
        mailbox: "fax-transfer@contoso.com".into(),
    });
    match h.next().await {
        Msg::MailboxChecked {
            ticket: 4,
            result: Err(e),
            ..
        } => {
            assert!(e.to_string().contains("sign in"), "{e}");
            assert_eq!(e.kind(), JobErrorKind::SignIn);
        }
        other => panic!("expected a failed mailbox check, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn checks_lookups_registration_consent_and_verification() {
    let mut h = harness().await;
    h.sign_in(SignInMethod::DeviceCode).await;

    // Mailbox check.
    for (mailbox, expected) in [
        ("fax-transfer@contoso.com", MailboxState::Shared),
        ("nobody@contoso.com", MailboxState::NoSuchUser),
        ("bob.nomail@contoso.com", MailboxState::NoMailbox),
    ] {
        h.run(Effect::CheckMailbox {
            ticket: 5,
            mailbox: mailbox.into(),
        });
        match h.next().await {
            Msg::MailboxChecked {
                ticket: 5,
                mailbox: m,
                result: Ok(state),
            } => {
                assert_eq!(m, mailbox);
                assert_eq!(state, expected, "{mailbox}");
            }
            other => panic!("expected MailboxChecked, got {other:?}"),
        }
    }

    // Tenant ID lookup (needs no sign-in).
    h.run(Effect::LookupTenant {
        ticket: 6,
        domain: "contoso.com".into(),
    });
    match h.next().await {
        Msg::TenantLookedUp {
            ticket: 6,
            result: Ok(id),
        } => assert_eq!(id, DEMO_TENANT_ID),
        other => panic!("expected TenantLookedUp, got {other:?}"),
    }
    h.run(Effect::LookupTenant {
        ticket: 6,
        domain: "not a domain".into(),
    });
    assert!(matches!(
        h.next().await,
        Msg::TenantLookedUp {
            ticket: 6,
            result: Err(_)
        }
    ));

    // The app browser before the registration.
    h.run(Effect::ListApps {
        ticket: 8,
        filter: String::new(),
    });
    let before = match h.next().await {
        Msg::AppsListed {
            ticket: 8,
            result: Ok(apps),
        } => apps,
        other => panic!("expected AppsListed, got {other:?}"),
    };
    assert!(!before.is_empty(), "the demo tenant has apps");
    let names: Vec<String> = before
        .iter()
        .map(|a| a.display_name.to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "listed by name");

    // Registration.
    let (events, app) = h
        .register(request("officemaster", Some("fax-transfer@contoso.com")))
        .await;
    assert_eq!(events.first(), Some(&RegisterEvent::CheckingTenant));
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RegisterEvent::AppCreated { .. }))
    );
    assert!(events.contains(&RegisterEvent::SecretCreated));
    assert!(matches!(
        events.last(),
        Some(RegisterEvent::GrantsChecked {
            granted: 0,
            total: 4
        })
    ));
    assert_eq!(app.tenant_id, DEMO_TENANT_ID);
    assert!(app.created_app);
    assert!(app.secret.expose_secret().len() >= 30, "a real secret");
    assert!(app.secret_end.unwrap() > chrono::Utc::now() + chrono::Duration::days(300));
    assert!(app.consent_url.contains("/adminconsent?client_id="));
    assert_eq!(app.exchange_commands[0].id, "ews_allow_list");

    // Done's `s`: the script lands in the commands directory, never over a file, owner-only,
    // and holds the IDs but never the secret.
    let header = exowiz::exchange::ScriptHeader {
        product: "OfficeMaster".into(),
        app_name: app.app_name.clone(),
        client_id: app.client_id.clone(),
        tenant_id: Some(app.tenant_id.clone()),
    };
    let contents = exowiz::exchange::script_file(&header, &app.exchange_commands);
    let text = String::from_utf8(contents.clone()).unwrap();
    assert!(text.contains(&app.client_id));
    assert!(
        !text.contains(app.secret.expose_secret()),
        "never the secret"
    );
    for expected in ["exowiz-officemaster-x.ps1", "exowiz-officemaster-x-2.ps1"] {
        h.run(Effect::SaveCommands {
            file_stem: "exowiz-officemaster-x".into(),
            contents: contents.clone(),
        });
        let Msg::CommandsSaved { result: Ok(path) } = h.next().await else {
            panic!("the script is saved");
        };
        assert_eq!(path.file_name().unwrap(), expected);
        assert_eq!(std::fs::read(&path).unwrap(), contents);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
    assert!(
        format!("{app:?}").contains("REDACTED")
            || !format!("{app:?}").contains(app.secret.expose_secret())
    );

    // The new app in the app browser, with its secret's end date.
    h.run(Effect::ListApps {
        ticket: 9,
        filter: app.app_name[..5].to_string(),
    });
    match h.next().await {
        Msg::AppsListed {
            ticket: 9,
            result: Ok(apps),
        } => {
            let found = apps
                .iter()
                .find(|a| a.client_id == app.client_id)
                .expect("the new app is listed");
            assert_eq!(found.display_name, app.app_name);
            assert_eq!(Some(found.object_id.clone()), app.app_object_id);
            assert!(found.secret_expires.is_some());
        }
        other => panic!("expected AppsListed, got {other:?}"),
    }

    // Consent: nothing granted yet; verification finds the roles missing.
    let polled = h.poll(&app, &app.permissions).await;
    assert_eq!(polled.len(), 4);
    assert!(polled.iter().all(|p| !p.granted), "{polled:?}");
    let report = h.verify(&app).await.expect("the secret works");
    let mut missing = report.missing.clone();
    missing.sort();
    assert_eq!(
        missing,
        ["People.Read.All", "User.Read.All", "full_access_as_app"]
    );
    assert_eq!(report.roles.len(), 2, "a Graph and an Exchange token");
    assert!(report.roles.iter().all(|(_, roles)| roles.is_empty()));

    // Grant from the tool, then everything is granted and in the tokens.
    h.run(Effect::GrantConsent {
        ticket: 22,
        service_principal_id: app.service_principal_id.clone().unwrap(),
        permissions: polled.clone(),
    });
    match h.next().await {
        Msg::ConsentGranted {
            ticket: 22,
            result: Ok(granted),
        } => {
            assert!(granted.not_granted.is_empty(), "{granted:?}");
            assert!(granted.statuses.iter().all(|p| p.granted), "{granted:?}");
        }
        other => panic!("expected ConsentGranted, got {other:?}"),
    }
    let polled = h.poll(&app, &polled).await;
    assert!(polled.iter().all(|p| p.granted), "{polled:?}");
    let report = h.verify(&app).await.expect("the secret works");
    assert!(report.missing.is_empty(), "{report:?}");
    let exchange = report
        .roles
        .iter()
        .find(|(api, _)| api == "Office 365 Exchange Online")
        .expect("an Exchange token");
    assert_eq!(exchange.1, ["full_access_as_app"]);
    let graph = report
        .roles
        .iter()
        .find(|(api, _)| api == "Microsoft Graph")
        .expect("a Graph token");
    let mut graph_roles = graph.1.clone();
    graph_roles.sort();
    assert_eq!(graph_roles, ["People.Read.All", "User.Read.All"]);

    // The EWS probe after the roles: the new app is not on the tenant's allow list yet; once
    // it is, the transfer mailbox opens; without a mailbox the probe is skipped.
    let ews = |check: EwsCheck, ticket| Effect::Verify {
        ticket,
        tenant_id: app.tenant_id.clone(),
        client_id: app.client_id.clone(),
        secret: app.secret.clone(),
        expected: app.permissions.clone(),
        compared_with: ComparedWith::Profile("the test profile".into()),
        ews: check,
    };
    let mailbox = || EwsCheck::Mailbox("fax-transfer@contoso.com".into());
    for (ticket, check, cause) in [
        (33, mailbox(), EwsCause::NotOnAllowList),
        (34, EwsCheck::NoMailbox, EwsCause::Skipped),
        (35, mailbox(), EwsCause::Ok),
    ] {
        if cause == EwsCause::Ok {
            h.emulator.set_ews(|s| s.allow_app(&app.client_id));
        }
        h.run(ews(check, ticket));
        match h.next().await {
            Msg::Verified {
                ticket: t,
                result: Ok(report),
            } if t == ticket => {
                let probe = report.ews.expect("an EWS profile gets a probe");
                assert_eq!(probe.cause, cause, "{probe:?}");
            }
            other => panic!("expected Verified {ticket}, got {other:?}"),
        }
    }

    // A wrong secret is a sentence, not a hang (the replication patience is for new secrets).
    h.run(Effect::Verify {
        ticket: 32,
        tenant_id: app.tenant_id.clone(),
        client_id: app.client_id.clone(),
        secret: SecretString::from("wrong~secret"),
        expected: app.permissions.clone(),
        compared_with: ComparedWith::Profile("the test profile".into()),
        ews: EwsCheck::NotEws,
    });
    let token_requests = |h: &Harness| {
        h.emulator
            .requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path_and_query.ends_with("/oauth2/v2.0/token"))
            .count()
    };
    let before = token_requests(&h);
    match h.next().await {
        Msg::Verified {
            ticket: 32,
            result: Err(e),
        } => {
            let text = e.to_string();
            assert!(!text.contains("wrong~secret"), "{text}");
            assert!(text.to_lowercase().contains("secret"), "{text}");
        }
        other => panic!("expected a failed verification, got {other:?}"),
    }
    // AADSTS7000215 is also what a brand-new secret answers during replication, so it was
    // asked more than once before the executor gave up (the answer above proves it gave up).
    let tries = token_requests(&h) - before;
    assert!(
        tries >= 2,
        "kept trying within the patience: {tries} token requests"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_secret_is_compared_with_the_profile_and_revoked_consent_is_named() {
    const USER_READ_ALL_ROLE: &str = "df021288-bdef-4463-88db-98f22de89214";
    let mut h = harness().await;
    h.sign_in(SignInMethod::DeviceCode).await;
    let mut req = request("officemaster", Some("fax-transfer@contoso.com"));
    req.grant_consent = true;
    let (_, app) = h.register(req).await;

    // Everything granted: the new secret's tokens carry all three roles.
    let (secrets, report) = h.rotate(&app.client_id).await;
    let product = profile::by_id("officemaster").unwrap().product;
    assert_eq!(
        secrets.compared_with,
        ComparedWith::Profile(product.clone())
    );
    let mut expected: Vec<&str> = secrets.expected.iter().map(|p| p.name.as_str()).collect();
    expected.sort();
    assert_eq!(
        expected,
        ["People.Read.All", "User.Read.All", "full_access_as_app"]
    );
    assert!(
        secrets
            .expected
            .iter()
            .all(|p| p.kind == PermissionType::Application)
    );
    assert!(report.missing.is_empty(), "{report:?}");
    assert_eq!(report.expected_count, 3);
    assert_eq!(report.compared_with, ComparedWith::Profile(product.clone()));

    // The admin takes back User.Read.All: the next rotation still works and names it.
    h.revoke(
        app.service_principal_id.as_deref().unwrap(),
        USER_READ_ALL_ROLE,
    )
    .await;
    let (_, report) = h.rotate(&app.client_id).await;
    assert_eq!(report.missing, ["User.Read.All"], "{report:?}");
    assert_eq!(report.expected_count, 3);
    assert_eq!(report.compared_with, ComparedWith::Profile(product));
}

/// A rotation whose new secret was never revealed or copied (the wizard was left without it)
/// leaves it to the next rotation of the app, which removes it before listing; a secret that
/// was handed over (`SecretShown`) stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_rotated_secret_nobody_saw_is_removed_by_the_next_rotation() {
    let mut h = harness().await;
    h.sign_in(SignInMethod::DeviceCode).await;
    let mut req = request("bueroware", None);
    req.grant_consent = true;
    let (_, app) = h.register(req).await;
    h.run(Effect::SecretShown {
        client_id: app.client_id.clone(),
    });

    let load = |h: &mut Harness, ticket| {
        h.run(Effect::LoadSecrets {
            ticket,
            client_id: app.client_id.clone(),
            profile: None,
        })
    };
    let create = |h: &mut Harness, ticket| {
        h.run(Effect::CreateSecret {
            ticket,
            client_id: app.client_id.clone(),
            months: 1,
            profile: None,
        })
    };
    create(&mut h, 50);
    let unseen = match h.next().await {
        Msg::SecretCreated {
            ticket: 50,
            result: Ok(created),
        } => created.key_id,
        other => panic!("expected SecretCreated, got {other:?}"),
    };

    load(&mut h, 51);
    let listed = match h.next().await {
        Msg::SecretsLoaded {
            ticket: 51,
            result: Ok(secrets),
        } => secrets,
        other => panic!("expected SecretsLoaded, got {other:?}"),
    };
    let note = listed.cleaned_up.clone().expect("the cleanup is said");
    assert!(note.contains(&unseen), "{note}");
    assert!(
        listed.secrets.iter().all(|s| s.key_id != unseen),
        "not listed: {listed:?}"
    );
    assert_eq!(listed.secrets.len(), 1, "the registration's secret stays");

    create(&mut h, 52);
    let shown = match h.next().await {
        Msg::SecretCreated {
            ticket: 52,
            result: Ok(created),
        } => created.key_id,
        other => panic!("expected SecretCreated, got {other:?}"),
    };
    h.run(Effect::SecretShown {
        client_id: app.client_id.clone(),
    });
    load(&mut h, 53);
    match h.next().await {
        Msg::SecretsLoaded {
            ticket: 53,
            result: Ok(secrets),
        } => {
            assert_eq!(secrets.cleaned_up, None);
            assert!(secrets.secrets.iter().any(|s| s.key_id == shown));
            assert_eq!(secrets.secrets.len(), 2);
        }
        other => panic!("expected SecretsLoaded, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn delegated_only_profiles_verify_with_a_graph_token() {
    let mut h = harness().await;
    h.sign_in(SignInMethod::DeviceCode).await;
    let (_, app) = h.register(request("flowfact", None)).await;
    assert!(
        app.permissions
            .iter()
            .all(|p| p.kind == PermissionType::Delegated)
    );
    let report = h.verify(&app).await.expect("the secret works");
    assert!(report.missing.is_empty());
    assert_eq!(report.roles.len(), 1);
    assert_eq!(report.roles[0].0, "Microsoft Graph");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_waits_while_a_new_app_replicates() {
    let mut h = harness_with(
        EmulatorConfig {
            replication_lag: Duration::from_secs(3),
            ..quick()
        },
        None,
    )
    .await;
    h.sign_in(SignInMethod::DeviceCode).await;
    let (_, app) = h.register(request("bueroware", None)).await;
    // Straight after creating it, Entra (and the demo tenant) do not know the app yet
    // (AADSTS700016): Verify keeps trying instead of failing.
    let report = h.verify(&app).await.expect("verified once replicated");
    assert_eq!(report.missing, ["full_access_as_app"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn copying_a_secret_clears_it_after_the_configured_time() {
    let mut h = harness_with(quick(), Some(Duration::from_secs(1))).await;
    h.run(Effect::Copy {
        label: "secret".into(),
        value: SecretString::from("copied~secret~value"),
        // The wizard's duration only marks a secret; the configured one (1 s) applies.
        clear_after: Some(Duration::from_secs(90)),
    });
    match h.next().await {
        Msg::Copied {
            label,
            result: Ok(ClipboardVia::Osc52),
            clears_in: Some(1),
        } => assert_eq!(label, "secret"),
        other => panic!("expected Copied via OSC 52, got {other:?}"),
    }
    assert!(h.terminal.text().starts_with("\x1b]52;c;"));
    match h.next().await {
        Msg::ClipboardCleared { label, cleared } => {
            assert_eq!(label, "secret");
            assert!(cleared);
        }
        other => panic!("expected ClipboardCleared, got {other:?}"),
    }
    assert!(h.terminal.text().ends_with(OSC52_CLEAR));

    // Not a secret: no timer.
    h.run(Effect::Copy {
        label: "client_id".into(),
        value: SecretString::from("0000-1111"),
        clear_after: None,
    });
    assert!(matches!(
        h.next().await,
        Msg::Copied {
            result: Ok(ClipboardVia::Osc52),
            clears_in: None,
            ..
        }
    ));
    h.nothing_within(Duration::from_millis(1500)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_still_on_the_clipboard_is_cleared_at_shutdown() {
    let mut h = harness().await;
    h.run(Effect::Copy {
        label: "secret".into(),
        value: SecretString::from("leaving~soon"),
        clear_after: Some(Duration::from_secs(90)),
    });
    assert!(matches!(
        h.next().await,
        Msg::Copied {
            clears_in: Some(90),
            ..
        }
    ));
    h.executor.shutdown();
    assert!(h.terminal.text().ends_with(OSC52_CLEAR));
}

#[tokio::test(flavor = "multi_thread")]
async fn open_browser_and_quit() {
    let mut h = harness().await;
    h.run(Effect::OpenBrowser {
        url: h.emulator.base_url().to_string(),
    });
    assert!(matches!(
        h.next().await,
        Msg::BrowserOpened { result: Ok(()) }
    ));
    assert_eq!(h.executor.run(Effect::Quit), Control::Quit);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_about_to_expire_is_renewed_before_the_next_graph_request() {
    // Tokens that live one minute are inside the executor's five-minute renewal margin from
    // the start: every Graph effect must renew with the refresh token first (an admin who
    // leaves the wizard open over lunch otherwise meets 401s on Verify or Done).
    let mut h = harness_with(
        EmulatorConfig {
            token_lifetime: Duration::from_secs(60),
            ..quick()
        },
        None,
    )
    .await;
    h.sign_in(SignInMethod::DeviceCode).await;
    h.emulator.clear_requests();
    h.run(Effect::ListApps {
        ticket: 8,
        filter: String::new(),
    });
    match h.next().await {
        Msg::AppsListed {
            ticket: 8,
            result: Ok(apps),
        } => assert!(!apps.is_empty()),
        other => panic!("expected AppsListed, got {other:?}"),
    }
    let requests = h.emulator.requests();
    let renewals: Vec<_> = requests
        .iter()
        .filter(|r| r.method == "POST" && r.path_and_query.contains("/oauth2/v2.0/token"))
        .collect();
    assert_eq!(renewals.len(), 1, "one renewal: {requests:?}");
    assert_eq!(renewals[0].status, 200, "the renewal succeeded");
    let first_graph = requests
        .iter()
        .position(|r| r.path_and_query.contains("/v1.0/"))
        .expect("the app list came from Graph");
    let renewal = requests
        .iter()
        .position(|r| r.path_and_query.contains("/oauth2/v2.0/token"))
        .unwrap();
    assert!(renewal < first_graph, "renewed before Graph: {requests:?}");
}

/// Issue 14.6: the demo tenant answers 429 with `Retry-After: 2` (Microsoft's throttling
/// answer, https://learn.microsoft.com/en-us/graph/throttling). The session's Graph client
/// reports the wait to the wizard as `Msg::GraphWaiting` — at the start, each second, and
/// with nothing left at the end — and the screen fed those messages counts down.
#[tokio::test(flavor = "multi_thread")]
async fn a_throttled_job_reports_its_wait_and_the_screen_counts_it_down() {
    use exowiz::wizard::update;
    use ratatui::{Terminal, backend::TestBackend};
    let mut h = harness().await;
    h.sign_in(SignInMethod::DeviceCode).await;
    let mut state = exowiz::wizard::WizardState::new(profile::all().unwrap(), false, true);
    let screen = |state: &exowiz::wizard::WizardState| {
        let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
        terminal.draw(|f| exowiz::ui::draw(f, state)).unwrap();
        format!("{:?}", terminal.backend())
    };

    h.emulator.throttle_next(1, 429, Some(2));
    h.run(Effect::CheckMailbox {
        ticket: 5,
        mailbox: "fax-transfer@contoso.com".into(),
    });
    let mut left = Vec::new();
    let mut shown = Vec::new();
    loop {
        match h.next_with_waits().await {
            Msg::GraphWaiting { wait } => {
                left.push(wait.left.as_secs());
                update(&mut state, Msg::GraphWaiting { wait });
                shown.push(screen(&state));
            }
            Msg::MailboxChecked {
                ticket: 5, result, ..
            } => {
                assert!(matches!(result, Ok(MailboxState::Shared)), "{result:?}");
                break;
            }
            other => panic!("expected a wait or the mailbox check, got {other:?}"),
        }
    }
    assert_eq!(
        left,
        [2, 1, 0],
        "reported at the start, each second, at the end"
    );
    let sentence = "Microsoft Graph asked exowiz to wait while checking";
    assert!(shown[0].contains(sentence), "{}", shown[0]);
    assert!(shown[0].contains("trying again in 2 s"), "{}", shown[0]);
    assert!(shown[1].contains("trying again in 1 s"), "{}", shown[1]);
    assert!(
        !shown[2].contains(sentence),
        "gone once the wait is over: {}",
        shown[2]
    );
    assert_eq!(state.graph_wait, None);
}

// ---------------------------------------------------------------------------------------------
// The consent step learns the browser's answer at once (issue 9.2)
// ---------------------------------------------------------------------------------------------

/// Feeds the executor's messages through the wizard (the runtime's own `apply`) until `done`.
/// Each message must come within a minute (`Harness::next`): a wizard that only polls, with
/// the hour-long interval these tests set, never gets there.
async fn pump_until(
    h: &mut Harness,
    state: &mut exowiz::wizard::WizardState,
    done: impl Fn(&exowiz::wizard::WizardState) -> bool,
) {
    while !done(state) {
        let msg = h.next().await;
        exowiz::tui::runtime::apply(state, &mut h.executor, msg);
    }
}

fn key(c: char) -> Msg {
    Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    ))
}

/// Reads of the app's application-permission grants (one per consent poll).
fn grant_reads(emulator: &Emulator, service_principal_id: &str) -> usize {
    let path = format!("/v1.0/servicePrincipals/{service_principal_id}/appRoleAssignments");
    emulator
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path_and_query.starts_with(&path))
        .count()
}

/// Signed in, registered (BüroWARE: one application permission) and on the Consent step, with
/// the listener's link shown; polls an hour apart, so only the listener can be quick.
async fn on_consent(h: &mut Harness) -> exowiz::wizard::WizardState {
    use exowiz::wizard::{Step, WizardState};
    let (_, info) = h.sign_in(SignInMethod::Browser).await;
    let mut state = WizardState::new(vec![profile::by_id("bueroware").unwrap()], true, false);
    state.tenant = Some(info);
    state.consent_poll_interval = Duration::from_secs(3600);
    state.step = Step::Review;
    let enter = Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    ));
    exowiz::tui::runtime::apply(&mut state, &mut h.executor, enter);
    // The listener's link is shown and the read on entering has answered (nothing granted):
    // from here on only the listener or the next poll, an hour away, can see the grant.
    pump_until(h, &mut state, |s| {
        s.step == Step::Consent
            && s.consent.listener_link.is_some()
            && s.consent.last_polled.is_some()
    })
    .await;
    state
}

#[tokio::test(flavor = "multi_thread")]
async fn the_consent_step_learns_the_grant_from_the_browser_without_waiting_for_a_poll() {
    let mut h = harness().await;
    let mut state = on_consent(&mut h).await;
    let app = state.app.as_ref().unwrap();
    let sp = app.service_principal_id.clone().unwrap();
    let plain = app.consent_url.clone();
    let link = state.consent.listener_link.clone().unwrap();
    assert_ne!(link, plain);
    assert!(
        link.contains("redirect_uri=http%3A%2F%2Flocalhost%3A"),
        "the link carries the listener's port: {link}"
    );
    assert!(!exowiz::wizard::update::all_granted(&state));
    let reads_before = grant_reads(&h.emulator, &sp);

    // `o` opens the listener's link; the browser (the demo tenant approves as its admin)
    // follows Entra's redirect back to the listener.
    exowiz::tui::runtime::apply(&mut state, &mut h.executor, key('o'));
    pump_until(&mut h, &mut state, exowiz::wizard::update::all_granted).await;

    assert!(
        !state.consent.polling,
        "no further poll once all is granted"
    );
    assert_eq!(
        grant_reads(&h.emulator, &sp) - reads_before,
        1,
        "one read to confirm the browser's answer, none waited for"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn leaving_the_consent_step_closes_the_listener() {
    let mut h = harness().await;
    let mut state = on_consent(&mut h).await;
    let link = state.consent.listener_link.clone().unwrap();
    let port = url::Url::parse(&link)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .and_then(|(_, v)| url::Url::parse(&v).ok()?.port())
        .unwrap();
    let listener = format!("http://127.0.0.1:{port}/");
    assert!(
        reqwest::get(&listener).await.is_ok(),
        "open while on Consent"
    );

    let enter = Msg::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Enter,
        crossterm::event::KeyModifiers::NONE,
    ));
    exowiz::tui::runtime::apply(&mut state, &mut h.executor, enter);
    assert_eq!(state.step, exowiz::wizard::Step::Verify);
    // The abort takes effect on the runtime's next turn: count attempts, not time.
    let mut closed = false;
    for _ in 0..100 {
        if reqwest::get(&listener).await.is_err() {
            closed = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(closed, "the listener is closed once the step is left");
}
