//! The exowiz command line. Each subcommand lives in `cli/`; this file only parses and maps
//! the outcome to an exit code.

mod cli;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "exowiz",
    version,
    about = "Registers the Entra ID app an Exchange Online connector needs, grants consent and hands over Tenant ID, Client ID and secret.",
    long_about = "Registers the Entra ID app an Exchange Online connector needs, grants consent and hands over Tenant ID, Client ID and secret.\n\nWithout a subcommand exowiz starts the wizard (as `exowiz wizard` does). `exowiz demo` runs the wizard against a built-in demo tenant; `exowiz register` does the whole job without screens, for scripts."
)]
struct Cli {
    #[command(flatten)]
    connection: cli::Connection,
    #[command(flatten)]
    wizard: cli::wizard::WizardArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the wizard (the default without a subcommand).
    Wizard(cli::wizard::WizardArgs),
    /// Run the wizard against the built-in demo tenant "Contoso Ltd" (no Microsoft account
    /// needed; its state is kept in the data directory).
    Demo(cli::wizard::DemoArgs),
    /// Register (or complete) the app for a connector profile, without screens.
    Register(cli::register::RegisterArgs),
    /// A new client secret for an existing app, verified; older secrets are kept unless
    /// --remove-old (exit 6 when the new secret gives no token).
    Rotate(cli::rotate::RotateArgs),
    /// Check an existing registration against its connector profile, and repair it with --fix;
    /// exit code 0 fine, 1 warnings, 7 problems remain.
    Check(cli::check::CheckArgs),
    /// List the connector profiles.
    Profiles(cli::profiles::ProfilesArgs),
    /// Print the tenant ID of a domain (no sign-in needed).
    TenantId {
        /// A domain of the tenant, e.g. contoso.com.
        domain: String,
    },
    /// Secret expiry of the saved registrations, offline; exit code 0 fine, 1 expiring, 2 expired.
    Status(cli::status::StatusArgs),
    /// Run the demo tenant: a local server that behaves like Entra sign-in and Microsoft Graph.
    Emulator(cli::emulator::EmulatorArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let log_path = exowiz::logging::init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("exowiz could not start its async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        let done = match cli.command {
            // `status` ends with its own exit code; every other command but `check` with 0 on success.
            Some(Command::Status(args)) => return cli::status::run(args),
            // `check` too: 0 fine, 1 warnings, 7 problems remain.
            Some(Command::Check(args)) => {
                return cli::interrupt::or_ctrl_c(cli::check::run(&cli.connection, args)).await;
            }
            None => cli::wizard::run(&cli.connection, cli.wizard, None, log_path).await,
            Some(Command::Wizard(args)) => {
                cli::wizard::run(&cli.connection, args.or(cli.wizard), None, log_path).await
            }
            Some(Command::Demo(args)) => {
                let wizard = args.wizard.clone().or(cli.wizard);
                cli::wizard::run(&cli.connection, wizard, Some(args), log_path).await
            }
            Some(Command::Register(args)) => {
                cli::interrupt::or_ctrl_c(cli::register::run(&cli.connection, args)).await
            }
            Some(Command::Rotate(args)) => {
                cli::interrupt::or_ctrl_c(cli::rotate::run(&cli.connection, args)).await
            }
            Some(Command::Profiles(args)) => cli::profiles::run(args),
            Some(Command::TenantId { domain }) => {
                cli::tenant_id::run(&cli.connection, &domain).await
            }
            Some(Command::Emulator(args)) => cli::emulator::run_cli(args)
                .await
                .map_err(|e| cli::Failure::new(cli::Exit::Other, e.to_string())),
        };
        done.map(|()| 0)
    });
    // Background jobs (an abandoned sign-in listener, a clipboard timer) must not keep the
    // process alive once the command is done.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            // Failures quote arguments and Graph's messages (issue 14.8).
            exowiz::printable::err_line(&exowiz::printable::printable(&failure.message));
            ExitCode::from(failure.exit as u8)
        }
    }
}

/// clap's own message (help, version, or a usage error that quotes the argument), with control
/// characters from the command line made visible (issue 14.8). The exit code is clap's: 0 for
/// help and version, 2 for a usage error.
fn usage_error(e: clap::Error) -> ExitCode {
    let text = e.render().to_string();
    let text = exowiz::printable::printable(&text);
    if e.use_stderr() {
        exowiz::printable::err_line(text.trim_end_matches('\n'));
    } else {
        exowiz::printable::out_line(text.trim_end_matches('\n'));
    }
    ExitCode::from(e.exit_code() as u8)
}
