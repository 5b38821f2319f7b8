//! The whole wizard end to end: the real binary in a pseudo-terminal runs `exowiz demo` from the
//! welcome screen to the done screen pressing (almost) only Enter, and the demo tenant then
//! holds the registration.
#![cfg(unix)]

use crate::support;

use base64::Engine;
use demo_tenant::{DEMO_TENANT_ID, Emulator, EmulatorConfig};
use std::path::Path;
use std::time::Duration;
use support::drive::{enter_until, marker, wait, wait_for_output};
use support::pty::{Key, Pty};

/// Runs the wizard for the profile at `index` in the welcome list; `transport` says whether the
/// profile has the installation-type and transport steps.
fn run_demo(data: &Path, index: usize, transport: bool) {
    let mut pty = Pty::exowiz(&["demo", "--reset"], data);
    wait(&pty, "welcome.choose", 60);
    for _ in 0..index {
        pty.send_key(Key::Down);
    }
    enter_until(&mut pty, "sign_in.how", 10);
    // No browser here: the device code is the default, and the demo tenant approves it.
    enter_until(&mut pty, "sign_in.account", 60);
    assert!(
        pty.screen_text().contains("Contoso Ltd"),
        "{}",
        pty.screen_text()
    );
    if transport {
        enter_until(&mut pty, "install_type.cloud_only_explain", 10);
        enter_until(&mut pty, "transport.mailbox_hint", 10);
        assert!(
            pty.screen_text().contains("fax-transfer@contoso.com"),
            "default mailbox"
        );
        enter_until(&mut pty, "accounts.question", 20);
    } else {
        // One Enter from the signed-in account must lead straight to the accounts step: had the
        // installation-type or transport screen come in between, this Enter would show it and
        // the accounts step would not appear.
        pty.send_key(Key::Enter);
        wait(&pty, "accounts.question", 20);
    }
    enter_until(&mut pty, "review.intro", 10);
    // Proceed: the registration runs, then the consent step polls the grants.
    enter_until(&mut pty, "consent.intro", 60);
    enter_until(&mut pty, "verify.title", 10);
    // The success sentence, not just "Press …", which the failure screen shows too.
    wait(&pty, "verify.passed", 120);
    assert!(
        !pty.screen_text().contains(&marker("verify.failed")),
        "{}",
        pty.screen_text()
    );
    enter_until(&mut pty, "done.shown_once", 10);
    let screen = pty.screen_text();
    // The tenant ID, unless the product finds its tenant by domain (BüroWARE).
    assert!(
        screen.contains(DEMO_TENANT_ID) || screen.contains(&marker("done.tenant_not_needed")),
        "tenant ID on the done screen:\n{screen}"
    );

    // Copy the secret: no display here, so it goes to the terminal as OSC 52, which also tells
    // the test the secret's value.
    pty.send_text("c");
    assert!(
        wait_for_output(&pty, "\u{1b}]52;c;", 10),
        "the copy went out as OSC 52"
    );
    let secret = osc52_payload(&pty.raw_output());
    assert!(secret.len() >= 16, "a client secret was copied");
    // Masked: the value is nowhere on the screen, and the secret's line shows the mask.
    let screen = pty.screen_text();
    assert!(
        !screen.contains(&secret) && !screen.contains(&secret[4..]),
        "the secret is in clear text on the done screen:\n{screen}"
    );
    assert!(
        screen.lines().any(|l| l.contains(MASKED)),
        "the secret line shows the mask:\n{screen}"
    );
    pty.send_text("q");
    let status = pty
        .wait_exit(Duration::from_secs(15))
        .expect("exowiz quits");
    assert_eq!(status.exit_code(), 0);
}

/// The done screen's mask for a hidden secret (ui/widgets/secret_box.rs): sixteen dots, which
/// no bullet list on the screen produces.
const MASKED: &str = "••••••••••••••••";

/// The text of the last OSC 52 clipboard write in `raw` (ESC ] 52 ; c ; base64 BEL-or-ST).
fn osc52_payload(raw: &[u8]) -> String {
    let raw = String::from_utf8_lossy(raw);
    let start = raw.rfind("\u{1b}]52;c;").expect("an OSC 52 write") + "\u{1b}]52;c;".len();
    let rest = &raw[start..];
    let end = rest
        .find(['\u{7}', '\u{1b}'])
        .expect("the OSC 52 write is terminated");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&rest[..end])
        .expect("OSC 52 carries base64");
    String::from_utf8(bytes).expect("the secret is text")
}

/// The demo tenant's state file, opened by a fresh demo tenant, holds exactly one app named
/// `name` with one secret.
async fn assert_registered(data: &Path, name: &str) {
    let emu = Emulator::start(EmulatorConfig {
        state_file: Some(data.join("demo-tenant.json")),
        ..support::quick_config()
    })
    .await
    .unwrap();
    let apps = support::graph_get(
        &emu,
        &format!("applications?$filter=displayName eq '{name}'"),
    )
    .await;
    let apps = apps["value"].as_array().unwrap();
    assert_eq!(apps.len(), 1, "exactly one {name}");
    assert_eq!(apps[0]["passwordCredentials"].as_array().unwrap().len(), 1);
    let saved = std::fs::read_to_string(data.join("registrations.json")).unwrap();
    assert!(
        saved.contains(apps[0]["appId"].as_str().unwrap()),
        "saved registration"
    );
}

#[test]
fn officemaster_from_welcome_to_done_with_enter() {
    let data = tempfile::tempdir().unwrap();
    run_demo(data.path(), 0, true);
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(assert_registered(data.path(), "OfficeMaster EWS"));
}

#[test]
fn bueroware_skips_the_transport_steps() {
    let data = tempfile::tempdir().unwrap();
    run_demo(data.path(), 4, false);
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(assert_registered(data.path(), "SoftENGINE Mailserver"));
}
