//! Where the admin waits (issue 13): `register` and `rotate` run by the release binary against
//! the demo tenant with 100 ms per request, without and with replication lag. Prints one
//! tab-separated line per scenario for `scripts/bench.sh`; asserts nothing (the tests in
//! tests/e2e/round_trips.rs hold the counts).
//!
//!     EXOWIZ_BIN=target/release/exowiz cargo bench --bench round_trips
//!
//! Columns: job, lag (ms), requests, waves (replication polls included), longest chain of
//! dependent requests (the waves without lag), median wall time (ms), floor (ms). The floor is
//! chain × 100 ms plus the lag the job must wait out: a registration waits for the new app
//! before its service principal and for the service principal before its grants (2 × lag); a
//! rotation makes nothing that another request must find (0).

use demo_tenant::{Emulator, EmulatorConfig, RequestRecord};
use std::process::Command;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(100);
const RUNS: usize = 3;

/// Requests sent after an answer came back start a new wave (see tests/e2e/round_trips.rs).
fn waves(log: &[RequestRecord]) -> usize {
    let mut sorted = log.to_vec();
    sorted.sort_by_key(|r| r.started);
    let mut waves = 0;
    let mut end: Option<std::time::Instant> = None;
    for r in &sorted {
        match end {
            Some(e) if r.started < e => end = Some(e.max(r.finished)),
            _ => {
                waves += 1;
                end = Some(r.finished);
            }
        }
    }
    waves
}

fn exowiz(emu: &Emulator, data: &std::path::Path, token: &str, args: &[&str]) -> Duration {
    let bin = std::env::var("EXOWIZ_BIN").unwrap_or_else(|_| "target/release/exowiz".into());
    let base = emu.base_url().to_string();
    let started = Instant::now();
    let out = Command::new(&bin)
        .args(args)
        .env("EXOWIZ_LOGIN_URL", &base)
        .env("EXOWIZ_GRAPH_URL", &base)
        .env("EXOWIZ_DATA_DIR", data)
        .env("EXOWIZ_NO_BROWSER", "1")
        .env("EXOWIZ_ACCESS_TOKEN", token)
        .output()
        .unwrap_or_else(|e| panic!("{bin} does not run: {e}"));
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if args[0] == "register" {
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        std::fs::write(
            data.join("bench-client-id"),
            json["client_id"].as_str().unwrap(),
        )
        .unwrap();
    }
    wall
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main]
async fn main() {
    // The chain of each job without lag: the dependent requests, without replication polls.
    let mut chains = [0usize; 2];
    for lag in [Duration::ZERO, Duration::from_secs(2)] {
        let mut register = (0, 0, Vec::new());
        let mut rotate = (0, 0, Vec::new());
        for _ in 0..RUNS {
            // A fresh tenant and data directory each run: the first registration, not a re-run.
            let emu = Emulator::start(EmulatorConfig {
                latency: LATENCY,
                replication_lag: lag,
                auto_approve_delay: Duration::ZERO,
                ..EmulatorConfig::default()
            })
            .await
            .expect("demo tenant");
            let token = emu.issue_token(
                "admin@contoso.com",
                &[
                    "Application.ReadWrite.All",
                    "AppRoleAssignment.ReadWrite.All",
                    "DelegatedPermissionGrant.ReadWrite.All",
                    "Organization.Read.All",
                    "User.Read.All",
                    "Domain.Read.All",
                ],
            );
            let data = tempfile::tempdir().unwrap();
            emu.clear_requests();
            let args = [
                "register",
                "--profile",
                "officemaster",
                "--mailbox",
                "fax-transfer@contoso.com",
                "--grant-consent",
                "--json",
            ];
            let wall = tokio::task::block_in_place(|| exowiz(&emu, data.path(), &token, &args));
            let log = emu.requests();
            register = (log.len(), waves(&log), {
                let mut w = register.2;
                w.push(wall);
                w
            });

            // The app is older than the lag by now, as a rotated app is.
            tokio::time::sleep(lag).await;
            let client_id = std::fs::read_to_string(data.path().join("bench-client-id")).unwrap();
            emu.clear_requests();
            let args = ["rotate", "--app-id", client_id.trim(), "--json"];
            let wall = tokio::task::block_in_place(|| exowiz(&emu, data.path(), &token, &args));
            let log = emu.requests();
            rotate = (log.len(), waves(&log), {
                let mut w = rotate.2;
                w.push(wall);
                w
            });
            emu.shutdown().await;
        }
        for (i, (job, (requests, waves, walls), modelled_lag)) in [
            ("register", register, lag * 2),
            ("rotate", rotate, Duration::ZERO),
        ]
        .into_iter()
        .enumerate()
        {
            if lag.is_zero() {
                chains[i] = waves;
            }
            let chain = chains[i];
            let floor = LATENCY * chain as u32 + modelled_lag;
            println!(
                "{job}\t{}\t{requests}\t{waves}\t{chain}\t{}\t{}",
                lag.as_millis(),
                median(walls).as_millis(),
                floor.as_millis()
            );
        }
    }
}
