//! Issue 10.8 end to end: the real binary in a pseudo-terminal, custom connector on the demo
//! tenant. Review opens the permission picker, which the executor fills from the demo tenant's
//! service principals (appRoles, oauth2PermissionScopes); typing filters, Space chooses, Enter
//! takes the choice to Review, and the registration makes an app that requests it.
#![cfg(unix)]

use crate::support;

use demo_tenant::{Emulator, EmulatorConfig};
use std::path::Path;
use std::time::Duration;
use support::drive::{enter_until, marker, wait};
use support::pty::{Key, Pty};

/// The custom app's `requiredResourceAccess` in the demo tenant's state file.
async fn requested(data: &Path, name: &str) -> serde_json::Value {
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
    assert_eq!(apps.len(), 1, "one app");
    apps[0]["requiredResourceAccess"].clone()
}

#[test]
fn the_custom_connector_picks_its_permissions_and_registers_them() {
    let data = tempfile::tempdir().unwrap();
    let mut pty = Pty::exowiz(&["demo", "--reset"], data.path());
    wait(&pty, "welcome.choose", 60);
    for _ in 0..5 {
        pty.send_key(Key::Down);
    }
    enter_until(&mut pty, "sign_in.how", 10);
    enter_until(&mut pty, "sign_in.account", 60);
    let screen = pty.screen_text();
    assert!(
        screen.contains("Custom connector"),
        "custom chosen:\n{screen}"
    );
    enter_until(&mut pty, "accounts.question", 20);
    enter_until(&mut pty, "picker.intro", 10);
    pty.send_text("mail.send");
    // Graph's Mail.Send.Shared is only there once the demo tenant's catalogue arrived.
    pty.wait_for_text("Mail.Send.Shared", Duration::from_secs(30))
        .unwrap_or_else(|s| panic!("the catalogue is listed: {s}"));
    pty.send_text(" ");
    wait(&pty, "picker.chosen", 10);
    enter_until(&mut pty, "review.intro", 10);
    let screen = pty.screen_text();
    assert!(
        screen.contains("Mail.Send") && !screen.contains(&marker("picker.intro")),
        "Review lists the choice:\n{screen}"
    );
    enter_until(&mut pty, "consent.intro", 60);
    // Quitting with the secret not handed over asks first; yes.
    pty.send_key(Key::CtrlC);
    wait(&pty, "quit.title", 10);
    pty.send_text("y");
    pty.wait_exit(Duration::from_secs(15)).expect("quits");

    let rt = tokio::runtime::Runtime::new().unwrap();
    let access = rt.block_on(requested(data.path(), "Exchange Online connector"));
    assert_eq!(
        access,
        serde_json::json!([{
            "resourceAppId": "00000003-0000-0000-c000-000000000000",
            "resourceAccess": [{"id": "b633e1c5-b582-4048-a93e-9f11b44c7e96", "type": "Role"}],
        }]),
        "Graph Mail.Send (application), by the GUID the tenant's service principal gives"
    );
}
