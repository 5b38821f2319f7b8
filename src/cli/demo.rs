//! The built-in demo tenant for `--demo`: started in-process on loopback, its state kept in the
//! data directory so that a second run finds what the first one made.

use super::{Exit, Failure};
use exowiz::emulator::{Emulator, EmulatorConfig};
use exowiz::endpoints::Endpoints;
use std::time::Duration;

pub struct DemoTenant {
    pub endpoints: Endpoints,
    // Kept alive for the command's lifetime; the server stops when this is dropped.
    _emulator: Emulator,
}

pub async fn start() -> Result<DemoTenant, Failure> {
    let dir = exowiz::store::data_dir().map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::new(
            Exit::Other,
            format!(
                "The data directory {} cannot be created: {e}",
                dir.display()
            ),
        )
    })?;
    let config = EmulatorConfig {
        state_file: Some(dir.join("demo-tenant.json")),
        auto_approve: true,
        auto_approve_delay: Duration::from_secs(2),
        device_poll_interval: 1,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config)
        .await
        .map_err(|e| Failure::new(Exit::Other, format!("The demo tenant could not start: {e}")))?;
    let base = emulator.base_url().to_string();
    eprintln!(
        "Demo tenant \"Contoso Ltd\" running at {base} (state: {}).",
        dir.join("demo-tenant.json").display()
    );
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
