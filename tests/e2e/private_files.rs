//! Issue 14.10: everything exowiz writes is readable by its owner only — the data folder
//! 0700 and its files 0600 — also when the folder and the log were made earlier with wider
//! modes (a umask of 022, or a version of exowiz before this rule).
#![cfg(unix)]

use crate::support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use support::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file and folder below `dir` (the folder itself included) with its mode.
fn modes_below(dir: &Path) -> Vec<(std::path::PathBuf, u32)> {
    let mut all = vec![(dir.to_path_buf(), mode(dir))];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            all.push((p.clone(), mode(&p)));
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn register_demo_leaves_only_owner_only_files_in_a_folder_that_was_wide_open() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("exowiz");
    std::fs::create_dir(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A log and a saved registrations file of an earlier version, readable by everyone.
    for name in ["exowiz.log", "registrations.json"] {
        let path = data.join(name);
        let text: &[u8] = if name == "exowiz.log" {
            b""
        } else {
            br#"{"registrations": []}"#
        };
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let script = data.join("exo.ps1");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"))
        .args([
            "register",
            "--demo",
            "--profile",
            "officemaster",
            "--mailbox",
            "fax-transfer@contoso.com",
            "--grant-consent",
            "--json",
            "--save-commands",
        ])
        .arg(&script)
        .env("EXOWIZ_DATA_DIR", &data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_LOG", "debug")
        .env_remove("EXOWIZ_ACCESS_TOKEN")
        .env_remove("EXOWIZ_LOGIN_URL")
        .env_remove("EXOWIZ_GRAPH_URL")
        .kill_on_drop(true)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for name in [
        "exowiz.log",
        "registrations.json",
        "demo-tenant.json",
        "exo.ps1",
    ] {
        assert!(data.join(name).exists(), "{name} was written");
    }
    let wide: Vec<_> = modes_below(&data)
        .into_iter()
        .filter(|(p, m)| {
            let expected = if p.is_dir() { 0o700 } else { 0o600 };
            *m != expected
        })
        .map(|(p, m)| format!("{} {m:o}", p.display()))
        .collect();
    assert!(wide.is_empty(), "not owner-only: {wide:?}");
}

/// The demo tenant run on its own (`exowiz emulator --state`) keeps its state file private
/// too: it names the demo apps.
#[tokio::test(flavor = "multi_thread")]
async fn the_demo_tenant_state_file_is_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emu = emulator(demo_tenant::EmulatorConfig {
        state_file: Some(path.clone()),
        ..quick_config()
    })
    .await;
    assert_eq!(mode(&path), 0o600, "seeded state");
    drop(emu);
}
