//! `exowiz emulator`: run the demo tenant (crates/demo-tenant) as a separate process. This glue
//! is the binary's: the demo tenant crate knows nothing of exowiz's command line.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use demo_tenant::{Emulator, EmulatorConfig};

/// Options of `exowiz emulator`.
#[derive(Debug, Clone, clap::Args)]
pub struct EmulatorArgs {
    /// TCP port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0, env = "EXOWIZ_EMULATOR_PORT")]
    pub port: u16,
    /// Delay added to every request, in milliseconds.
    #[arg(long = "latency-ms", default_value_t = 0)]
    pub latency_ms: u64,
    /// Do not approve device codes, sign-ins and admin consent by themselves; use the pages.
    #[arg(long = "no-auto-approve")]
    pub no_auto_approve: bool,
    /// With auto-approve: a device code is approved this many milliseconds after it was issued.
    #[arg(long = "auto-approve-delay-ms", default_value_t = 3000)]
    pub auto_approve_delay_ms: u64,
    /// Keep the tenant in this JSON file (created if missing, rewritten after every change).
    #[arg(long = "state", value_name = "FILE", env = "EXOWIZ_EMULATOR_STATE")]
    pub state: Option<PathBuf>,
    /// How long new applications and service principals stay invisible, in milliseconds.
    #[arg(long = "replication-lag-ms", default_value_t = 2000)]
    pub replication_lag_ms: u64,
    /// `interval` of device code responses, in seconds.
    #[arg(long = "device-interval", default_value_t = 5)]
    pub device_interval: u64,
    /// Default page size of list endpoints.
    #[arg(long = "page-size", default_value_t = 100)]
    pub page_size: usize,
    /// Put an app on the tenant's EWS allow list when it first calls EWS (as if the admin had
    /// run the allow-list command at once); without it a new app gets 403 like in Exchange Online.
    #[arg(long = "ews-allow-new-apps")]
    pub ews_allow_new_apps: bool,
}

impl EmulatorArgs {
    pub fn to_config(&self) -> EmulatorConfig {
        EmulatorConfig {
            port: self.port,
            latency: Duration::from_millis(self.latency_ms),
            auto_approve: !self.no_auto_approve,
            auto_approve_delay: Duration::from_millis(self.auto_approve_delay_ms),
            device_poll_interval: self.device_interval,
            replication_lag: Duration::from_millis(self.replication_lag_ms),
            page_size: self.page_size.clamp(1, 999),
            state_file: self.state.clone(),
            ews_allow_new_apps: self.ews_allow_new_apps,
            ..EmulatorConfig::default()
        }
    }
}

/// What stopped `exowiz emulator`, with the io error of the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The demo tenant could not start (its port taken, its state file unreadable).
    #[error("cannot start the emulator: {0}")]
    Start(#[source] std::io::Error),
    /// The base URL could not be written to stdout (a closed pipe).
    #[error("{0}")]
    Stdout(#[source] std::io::Error),
    #[error("cannot wait for Ctrl-C: {0}")]
    CtrlC(#[source] std::io::Error),
}

/// Start the emulator, print its base URL as the first line of stdout, serve until Ctrl-C.
pub async fn run_cli(args: EmulatorArgs) -> Result<(), EmulatorError> {
    let config = args.to_config();
    let emulator = Emulator::start(config.clone())
        .await
        .map_err(EmulatorError::Start)?;
    let base = emulator.base_url();
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{base}").map_err(EmulatorError::Stdout)?;
        out.flush().map_err(EmulatorError::Stdout)?;
    }
    safe_eprintln!(
        "exowiz demo tenant (Contoso Ltd, tenant {}) listening on {base}",
        emulator.tenant_id()
    );
    safe_eprintln!(
        "  sign-in: {base}{{tenant}}/oauth2/v2.0/...   Graph: {base}v1.0/   EWS: {base}EWS/Exchange.asmx   device login: {base}devicelogin"
    );
    safe_eprintln!(
        "  auto-approve: {}   replication lag: {} ms   latency: {} ms   state: {}",
        config.auto_approve,
        config.replication_lag.as_millis(),
        config.latency.as_millis(),
        config
            .state_file
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "in memory".into())
    );
    safe_eprintln!("Press Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .map_err(EmulatorError::CtrlC)?;
    emulator.shutdown().await;
    Ok(())
}

// Moved from tests/emulator_state.rs: the arguments are the binary's, out of the tests' reach.
#[cfg(test)]
mod tests {
    use super::EmulatorArgs;
    use clap::Parser;
    use std::time::Duration;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        emulator: EmulatorArgs,
    }

    #[test]
    fn cli_arguments_map_to_config() {
        let cli = Cli::parse_from([
            "exowiz",
            "--port",
            "0",
            "--latency-ms",
            "150",
            "--no-auto-approve",
            "--state",
            "demo.json",
            "--replication-lag-ms",
            "300",
            "--device-interval",
            "2",
        ]);
        let c = cli.emulator.to_config();
        assert_eq!(c.port, 0);
        assert_eq!(c.latency, Duration::from_millis(150));
        assert!(!c.auto_approve);
        assert_eq!(
            c.state_file.as_deref(),
            Some(std::path::Path::new("demo.json"))
        );
        assert_eq!(c.replication_lag, Duration::from_millis(300));
        assert_eq!(c.device_poll_interval, 2);

        let c = Cli::parse_from(["exowiz"]).emulator.to_config();
        assert!(c.auto_approve);
        assert_eq!(c.replication_lag, Duration::from_secs(2));
        assert_eq!(c.device_poll_interval, 5);
        assert_eq!(c.page_size, 100);
    }
}
