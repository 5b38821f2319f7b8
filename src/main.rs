//! The exowiz command line. Each subcommand lives in `cli/`; this file only parses and maps
//! the outcome to an exit code.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "exowiz",
    version,
    about = "Registers the Entra ID app an Exchange Online connector needs, grants consent and hands over Tenant ID, Client ID and secret."
)]
struct Cli {
    #[command(flatten)]
    connection: cli::Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Register (or complete) the app for a connector profile, without screens.
    Register(cli::register::RegisterArgs),
    /// List the connector profiles.
    Profiles(cli::profiles::ProfilesArgs),
    /// Print the tenant ID of a domain (no sign-in needed).
    TenantId {
        /// A domain of the tenant, e.g. contoso.com.
        domain: String,
    },
    /// Run the demo tenant: a local server that behaves like Entra sign-in and Microsoft Graph.
    Emulator(exowiz::emulator::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    exowiz::logging::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("exowiz could not start its async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Register(args) => cli::register::run(&cli.connection, args).await,
            Command::Profiles(args) => cli::profiles::run(args),
            Command::TenantId { domain } => cli::tenant_id::run(&cli.connection, &domain).await,
            Command::Emulator(args) => exowiz::emulator::run_cli(args)
                .await
                .map_err(|e| cli::Failure::new(cli::Exit::Other, e)),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("{}", failure.message);
            ExitCode::from(failure.exit as u8)
        }
    }
}
