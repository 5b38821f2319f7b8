//! The built-in demo tenant for `exowiz demo` and `register --demo`: started in-process on
//! loopback, its state kept in the data directory so that a second run finds what the first
//! one made.

use super::{Exit, Failure};
use demo_tenant::{Emulator, EmulatorConfig};
use exowiz::endpoints::Endpoints;
use std::time::Duration;

/// The demo tenant's state file in the data directory.
pub const STATE_FILE: &str = "demo-tenant.json";

pub struct DemoTenant {
    pub endpoints: Endpoints,
    // Kept alive for the command's lifetime; the server stops when this is dropped.
    _emulator: Emulator,
}

/// How the demo tenant is started.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// A device code approves itself this long after it was issued.
    pub auto_approve_delay: Duration,
    /// Delete the saved state first: the demo starts from the seeded tenant again, and the
    /// demo tenant's saved registrations and journals are forgotten.
    pub reset: bool,
    /// Say on stderr where the demo tenant runs (not while a wizard owns the terminal).
    pub announce: bool,
}

/// For `register --demo`: announced on stderr, approvals after 2 s.
pub async fn start() -> Result<DemoTenant, Failure> {
    start_with(DemoOptions {
        auto_approve_delay: Duration::from_secs(2),
        reset: false,
        announce: true,
    })
    .await
}

pub async fn start_with(options: DemoOptions) -> Result<DemoTenant, Failure> {
    let dir = exowiz::store::data_dir().map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
    exowiz::private_files::ensure_private_dir(&dir).map_err(|e| {
        Failure::new(
            Exit::Other,
            format!(
                "The data directory {} cannot be created: {e}",
                dir.display()
            ),
        )
    })?;
    let state_file = dir.join(STATE_FILE);
    if options.reset {
        // The reset tenant has none of the old demo's apps: their saved registrations and
        // journals would only offer to continue what no longer exists (issue 10.10).
        let store = exowiz::store::Store::new(&dir);
        match exowiz::store::reset::forget_loopback_tenant(&store, demo_tenant::DEMO_TENANT_ID) {
            Ok(f) => tracing::info!(
                registrations = f.registrations,
                journals = f.journals,
                "demo tenant's saved state forgotten"
            ),
            Err(e) => {
                return Err(Failure::new(
                    Exit::Other,
                    format!(
                        "The demo tenant's saved registrations in {} could not be removed: {e}",
                        dir.display()
                    ),
                ));
            }
        }
        match std::fs::remove_file(&state_file) {
            Ok(()) => tracing::info!(file = %state_file.display(), "demo tenant reset"),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Failure::new(
                    Exit::Other,
                    format!(
                        "The demo tenant's state {} could not be deleted: {e}",
                        state_file.display()
                    ),
                ));
            }
        }
    }
    let config = EmulatorConfig {
        state_file: Some(state_file.clone()),
        auto_approve: true,
        auto_approve_delay: options.auto_approve_delay,
        device_poll_interval: 1,
        // The demo's admin runs the EWS allow-list command exowiz hands over at once, so that
        // Verify's EWS probe succeeds (README: "Try it").
        ews_allow_new_apps: true,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| Failure::new(Exit::Other, format!("The demo tenant could not start: {e}")))?;
    let base = emulator.base_url().to_string();
    if options.announce {
        safe_eprintln!(
            "Demo tenant \"Contoso Ltd\" running at {base} (state: {}).",
            state_file.display()
        );
    }
    tracing::info!(%base, state = %state_file.display(), "demo tenant running");
    let endpoints = Endpoints::custom(&base, &base).map_err(|e| {
        Failure::new(
            Exit::Other,
            format!("The demo tenant's URL is invalid: {e}"),
        )
    })?;
    Ok(DemoTenant {
        endpoints,
        _emulator: emulator,
    })
}
