//! The one support folder of the four test binaries (tests/e2e, tests/tenant, tests/screens,
//! tests/pty; each includes it with `#[path = "../support/mod.rs"] mod support;`). This file
//! holds what the end-to-end tests share: the demo tenant started in-process, the exowiz binary
//! run against it, and the Graph GUID table of graph-facts §2 as the oracle. The submodules:
#![allow(dead_code)]

/// The demo tenant's sign-in as the sign-in tests drive it (a browser that follows redirects).
pub mod demo_sign_in;
/// Plain HTTP helpers for the demo tenant conformance tests (tests/tenant).
pub mod emulator_api;
/// The fields each vendor manual asks for, written from the manuals.
pub mod manual_fields;
/// A scripted Graph server for the client's transport, retry and error tests.
pub mod scripted_graph;
/// A proxy in front of the demo tenant that breaks answers the tenant itself never breaks.
pub mod tampering_proxy;
/// A company proxy that inspects TLS with its own root, in front of the demo tenant.
pub mod tls_proxy;
/// The wizard states the screen snapshots draw.
pub mod ui_fixtures;

/// Driving the wizard through its screens in a pseudo-terminal.
#[cfg(unix)]
pub mod drive;
/// A process as Linux's /proc shows it (stopped or not, parent, CPU time).
#[cfg(target_os = "linux")]
pub mod process;
/// The real binary in a pseudo-terminal, its screen read through a terminal emulator.
#[cfg(unix)]
pub mod pty;
/// A terminal screen drawn as SVG.
#[cfg(unix)]
pub mod svg;

use demo_tenant::{Emulator, EmulatorConfig};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// The permission GUIDs from graph-facts §2, typed in independently of exowiz's own table.
pub const ORACLE: &[(&str, &str, &str, &str)] = &[
    // (resourceAppId, name, Role|Scope, id)
    (
        "00000002-0000-0ff1-ce00-000000000000",
        "full_access_as_app",
        "Role",
        "dc890d15-9560-4a4c-9b7f-a736ec74ec40",
    ),
    (
        "00000002-0000-0ff1-ce00-000000000000",
        "EWS.AccessAsUser.All",
        "Scope",
        "3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "People.Read.All",
        "Role",
        "b528084d-ad10-4598-8b93-929746b4d7d6",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "User.Read.All",
        "Role",
        "df021288-bdef-4463-88db-98f22de89214",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "User.Read",
        "Scope",
        "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "IMAP.AccessAsUser.All",
        "Scope",
        "652390e4-393a-48de-9484-05f9b1212954",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "POP.AccessAsUser.All",
        "Scope",
        "d7b7f2d9-0f45-4ea1-9d42-e50810c06991",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "SMTP.Send",
        "Scope",
        "258f6531-6087-4cc4-bb90-092c5fb3ed3f",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "offline_access",
        "Scope",
        "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
    ),
    (
        "00000003-0000-0000-c000-000000000000",
        "Mail.Send",
        "Role",
        "b633e1c5-b582-4048-a93e-9f11b44c7e96",
    ),
];

pub fn oracle_id(resource: &str, name: &str, kind: &str) -> &'static str {
    ORACLE
        .iter()
        .find(|(r, n, k, _)| *r == resource && *n == name && *k == kind)
        .map(|(_, _, _, id)| *id)
        .unwrap_or_else(|| panic!("no oracle GUID for {name} {kind}"))
}

pub fn quick_config() -> EmulatorConfig {
    EmulatorConfig {
        auto_approve_delay: Duration::ZERO,
        device_poll_interval: 1,
        replication_lag: Duration::ZERO,
        ..EmulatorConfig::default()
    }
}

pub async fn emulator(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("demo tenant starts")
}

/// Runs the exowiz binary against the demo tenant with its own data directory. The Graph
/// token comes from the demo tenant's sign-in unless `token` is given.
pub async fn exowiz(emu: &Emulator, data_dir: &Path, token: Option<&str>, args: &[&str]) -> Output {
    let base = emu.base_url().to_string();
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"));
    cmd.args(args)
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data_dir)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env_remove("EXOWIZ_ACCESS_TOKEN")
        .kill_on_drop(true);
    if let Some(t) = token {
        cmd.env("EXOWIZ_ACCESS_TOKEN", t);
    }
    tokio::time::timeout(Duration::from_secs(120), cmd.output())
        .await
        .expect("exowiz finishes within two minutes")
        .expect("exowiz runs")
}

pub fn admin_token(emu: &Emulator) -> String {
    emu.issue_token(
        "admin@contoso.com",
        &[
            "Application.ReadWrite.All",
            "AppRoleAssignment.ReadWrite.All",
            "DelegatedPermissionGrant.ReadWrite.All",
            "Organization.Read.All",
            "User.Read.All",
            "Domain.Read.All",
        ],
    )
}

/// GET a Graph path on the demo tenant as the admin, as JSON.
pub async fn graph_get(emu: &Emulator, path: &str) -> serde_json::Value {
    let url = format!("{}v1.0/{}", emu.base_url(), path.trim_start_matches('/'));
    let resp = reqwest::Client::new()
        .get(url)
        .bearer_auth(admin_token(emu))
        .send()
        .await
        .expect("demo tenant answers");
    assert!(resp.status().is_success(), "GET {path}: {}", resp.status());
    resp.json().await.expect("JSON")
}

pub fn stdout_json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}).\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Every file below `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &str) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read(&p)
                .is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle.as_bytes()))
            {
                hits.push(p);
            }
        }
    }
    hits
}

/// Problems of `instance` against `$defs/<def>` of the strict Graph v1.0 subset schema in
/// `tests/fixtures/graph-v1.0-subset.schema.json` (`additionalProperties: false`); empty when
/// valid. Built the way tests/e2e/graph_schema.rs and tests/tenant/emulator_schema.rs build theirs.
pub fn graph_schema_errors(def: &str, instance: &serde_json::Value) -> Vec<String> {
    const SCHEMA: &str = include_str!("../fixtures/graph-v1.0-subset.schema.json");
    let root: serde_json::Value = serde_json::from_str(SCHEMA).expect("schema is JSON");
    assert!(
        root["$defs"].get(def).is_some(),
        "the schema has no $defs/{def}"
    );
    let schema = serde_json::json!({
        "$schema": root["$schema"],
        "$defs": root["$defs"],
        "$ref": format!("#/$defs/{def}"),
    });
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator
        .iter_errors(instance)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}
