//! The wizard's side of the registration journal: its executor runs the same engine, keeps the
//! journal until the Done screen reveals or copies the secret (`Effect::SecretShown`), and a
//! wizard closed before that leaves the secret to be removed by the next run.

use crate::support;

use demo_tenant::Emulator;
use exowiz::clipboard::{Clipboard, ClipboardEnv, TerminalOut};
use exowiz::endpoints::Endpoints;
use exowiz::profile::{self, InstallMode};
use exowiz::register::RegisterRequest;
use exowiz::store::Store;
use exowiz::tui::{Control, Executor, ExecutorConfig};
use exowiz::wizard::state::{RegisteredApp, SignInMethod};
use exowiz::wizard::{Effect, Msg};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::*;
use tokio::sync::mpsc::{self, UnboundedReceiver};

/// One wizard session: an executor signed in with the admin's token, its store in `data`.
struct Session {
    executor: Executor,
    rx: UnboundedReceiver<Msg>,
}

impl Session {
    async fn start(emu: &Emulator, data: &Path) -> Self {
        let base = emu.base_url().to_string();
        let endpoints = Endpoints::custom(&base, &base).unwrap();
        let clipboard = Arc::new(Clipboard::new(
            ClipboardEnv::default(),
            TerminalOut::new(std::io::sink()),
        ));
        let mut config = ExecutorConfig::new(endpoints, clipboard);
        config.store = Some(Store::new(data));
        config.access_token = Some(SecretString::from(admin_token(emu)));
        config.open_browser = Arc::new(|_: &str| {
            Err(exowiz::browser::BrowserError::Failed(
                "no browser in tests".into(),
            ))
        });
        let (tx, rx) = mpsc::unbounded_channel();
        let mut session = Self {
            executor: Executor::new(config, tx),
            rx,
        };
        session.run(Effect::StartSignIn {
            ticket: 1,
            method: SignInMethod::DeviceCode,
        });
        match session.next().await {
            Msg::SignedIn {
                ticket: 1,
                result: Ok(_),
            } => {}
            other => panic!("expected SignedIn, got {other:?}"),
        }
        session
    }

    fn run(&mut self, effect: Effect) {
        assert_eq!(self.executor.run(effect), Control::Continue);
    }

    async fn next(&mut self) -> Msg {
        tokio::time::timeout(Duration::from_secs(60), self.rx.recv())
            .await
            .expect("a message within a minute")
            .expect("the channel is open")
    }

    async fn register(&mut self) -> RegisteredApp {
        let profile = profile::by_id("bueroware").unwrap();
        self.run(Effect::Register {
            ticket: 2,
            request: Box::new(RegisterRequest {
                mode: InstallMode::CloudOnly,
                mailbox: None,
                transfer_domains: vec![],
                mail_domain: None,
                app_name: profile.default_app_name.clone(),
                secret_months: profile.secret_months,
                grant_consent: false,
                app_id: None,
                profile,
            }),
        });
        loop {
            match self.next().await {
                Msg::RegisterProgress { ticket: 2, .. } => {}
                Msg::Registered {
                    ticket: 2,
                    result: Ok(app),
                } => return app,
                other => panic!("expected register progress, got {other:?}"),
            }
        }
    }
}

fn journal(data: &Path) -> Option<Value> {
    let path = std::fs::read_dir(data)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("journal-"))
        })?;
    Some(serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap())
}

async fn secret_hints(emu: &Emulator, client_id: &str) -> Vec<String> {
    let app = graph_get(emu, &format!("applications(appId='{client_id}')")).await;
    app["passwordCredentials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["hint"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_journal_is_kept_until_the_done_screen_shows_the_secret() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let mut wizard = Session::start(&emu, data.path()).await;
    let app = wizard.register().await;
    let j = journal(data.path()).expect("a journal while the secret is not shown");
    assert_eq!(j["completed"], true);
    assert_eq!(j["secrets"][0]["shown"], false);
    assert_eq!(j["app"]["client_id"], app.client_id.as_str());
    assert!(files_containing(data.path(), app.secret.expose_secret()).is_empty());

    // Another app's secret is not this one.
    wizard.run(Effect::SecretShown {
        client_id: "00000000-0000-0000-0000-000000000000".into(),
    });
    assert!(journal(data.path()).is_some());

    wizard.run(Effect::SecretShown {
        client_id: app.client_id.clone(),
    });
    assert!(journal(data.path()).is_none(), "shown: nothing to resume");
    drop(wizard);

    // The next session is an ordinary re-run: the shown secret stays.
    let mut again = Session::start(&emu, data.path()).await;
    let second = again.register().await;
    assert_eq!(second.client_id, app.client_id);
    assert!(
        !second.notes.iter().any(|n| n.contains("interrupted")),
        "{:?}",
        second.notes
    );
    assert_eq!(secret_hints(&emu, &app.client_id).await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wizard_closed_before_showing_the_secret_leaves_it_to_be_removed() {
    let emu = emulator(quick_config()).await;
    let data = tempfile::tempdir().unwrap();
    let mut wizard = Session::start(&emu, data.path()).await;
    let first = wizard.register().await;
    // Closed on the Done screen without revealing or copying.
    wizard.executor.shutdown();
    drop(wizard);
    assert!(journal(data.path()).is_some());

    let mut again = Session::start(&emu, data.path()).await;
    let second = again.register().await;
    assert_eq!(second.client_id, first.client_id, "no second app");
    assert!(
        second
            .notes
            .iter()
            .any(|n| n.starts_with("An interrupted run of ")
                && n.contains("1 secret whose value was never shown was removed")),
        "{:?}",
        second.notes
    );
    let hints = secret_hints(&emu, &second.client_id).await;
    assert_eq!(
        hints,
        [second.secret_hint.clone().unwrap()],
        "only the new secret is left"
    );
    again.run(Effect::SecretShown {
        client_id: second.client_id.clone(),
    });
    assert!(journal(data.path()).is_none());
}
