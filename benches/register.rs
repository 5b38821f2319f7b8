//! How long a whole registration takes against the demo tenant when every Graph call costs a
//! realistic round trip. Prints numbers; asserts nothing (the machines are shared and noisy).
//!
//!     cargo bench --bench register
//!
//! With a fixed latency per request, the wall time is about (sequential round trips × latency):
//! exowiz needs 4 (graph-facts §7.3), where running the same calls one after another needs one
//! per call.

use demo_tenant::{Emulator, EmulatorConfig};
use exowiz::endpoints::Endpoints;
use exowiz::graph::GraphClient;
use exowiz::profile::{self, InstallMode};
use exowiz::register::{self, RegisterRequest};
use secrecy::SecretString;
use std::time::{Duration, Instant};

const RUNS: usize = 5;

#[tokio::main]
async fn main() {
    for latency_ms in [0u64, 50, 100] {
        let emu = Emulator::start(EmulatorConfig {
            latency: Duration::from_millis(latency_ms),
            replication_lag: Duration::ZERO,
            ..EmulatorConfig::default()
        })
        .await
        .expect("demo tenant");
        let base = emu.base_url().to_string();
        let endpoints = Endpoints::custom(&base, &base).unwrap();
        let token = emu.issue_token(
            "admin@contoso.com",
            &[
                "Application.ReadWrite.All",
                "AppRoleAssignment.ReadWrite.All",
                "DelegatedPermissionGrant.ReadWrite.All",
                "User.Read.All",
            ],
        );
        let graph = GraphClient::new(&endpoints, SecretString::from(token));
        let mut times = Vec::new();
        let mut requests = 0;
        for run in 0..RUNS {
            let profile = profile::by_id("officemaster").unwrap();
            let request = RegisterRequest {
                mode: InstallMode::CloudOnly,
                mailbox: Some("fax-transfer@contoso.com".into()),
                transfer_domains: vec![],
                mail_domain: None,
                // A new app each run: the first-registration path, not the re-run.
                app_name: format!("Bench OfficeMaster {latency_ms} {run}"),
                secret_months: 12,
                grant_consent: true,
                app_id: None,
                profile,
            };
            emu.clear_requests();
            let started = Instant::now();
            register::register(
                &graph,
                &endpoints,
                &emu.tenant_id(),
                None,
                &request,
                &|_| {},
            )
            .await
            .expect("registered");
            times.push(started.elapsed());
            requests = emu
                .requests()
                .iter()
                .filter(|r| r.path_and_query.starts_with("/v1.0/"))
                .count();
        }
        times.sort();
        let median = times[RUNS / 2];
        let sequential = Duration::from_millis(latency_ms) * requests as u32;
        println!(
            "latency {latency_ms:>3} ms per request: registration median {:>6.1} ms over {RUNS} runs ({requests} Graph requests; one after another they would take ≥ {:.0} ms)",
            median.as_secs_f64() * 1000.0,
            sequential.as_secs_f64() * 1000.0
        );
        emu.shutdown().await;
    }
}
