//! `exowiz` / `exowiz wizard` (the interactive wizard against Microsoft, or the endpoints given
//! with --cloud / --login-url / --graph-url) and `exowiz demo` (the same wizard against the
//! built-in demo tenant).

use super::demo::{self, DemoOptions};
use super::{Connection, Exit, Failure};
use exowiz::clipboard::{Clipboard, ClipboardEnv, TerminalOut};
use exowiz::i18n::{self, Language};
use exowiz::store::Store;
use exowiz::tui::{self, ExecutorConfig, RuntimeOptions};
use exowiz::wizard::WizardState;
use exowiz::wizard::state::SignInMethod;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    De,
}

impl Lang {
    fn language(self) -> Language {
        match self {
            Lang::En => Language::English,
            Lang::De => Language::German,
        }
    }
}

/// Options of the wizard (also accepted without a subcommand).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct WizardArgs {
    /// Seconds until a copied secret is cleared from the clipboard (if it is still there);
    /// 0 = never. Default 90.
    #[arg(long, value_name = "SECONDS")]
    pub clear_clipboard_after: Option<u64>,
    /// Language of the screens. Default: the system locale (LC_ALL, LC_MESSAGES, LANG):
    /// German for a German locale, else English.
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

impl WizardArgs {
    /// These options, with `outer`'s (given before the subcommand) where these are unset.
    pub fn or(self, outer: WizardArgs) -> WizardArgs {
        WizardArgs {
            clear_clipboard_after: self.clear_clipboard_after.or(outer.clear_clipboard_after),
            lang: self.lang.or(outer.lang),
        }
    }

    fn clear_after(&self) -> Option<Duration> {
        match self.clear_clipboard_after {
            Some(0) => None,
            Some(seconds) => Some(Duration::from_secs(seconds)),
            None => Some(exowiz::jobs::policy::CLIPBOARD_CLEAR_AFTER),
        }
    }
}

/// `exowiz demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoArgs {
    /// Start from the seeded demo tenant again (deletes the demo tenant's saved state, and the
    /// saved registrations and interrupted runs of the demo tenant).
    #[arg(long)]
    pub reset: bool,
    #[command(flatten)]
    pub wizard: WizardArgs,
}

/// A device code in the demo approves itself after this long (where no browser can be used).
const DEMO_AUTO_APPROVE: Duration = Duration::from_secs(3);

/// Runs the wizard; `demo` starts the demo tenant first and runs against it.
pub async fn run(
    connection: &Connection,
    args: WizardArgs,
    demo: Option<DemoArgs>,
    log_path: Option<PathBuf>,
) -> Result<(), Failure> {
    // Before anything starts: without a terminal there is nothing to show.
    if let Some(why) = tui::not_a_terminal() {
        return Err(Failure::new(Exit::Input, why));
    }
    // Before anything is drawn; the subcommands without screens stay English (scripts read them).
    let language = i18n::detect_from_system(args.lang.map(Lang::language));
    i18n::set_language(language);
    // https://no-color.org: set and not empty means no colours.
    exowiz::ui::use_no_color(exowiz::ui::no_color_requested(
        std::env::var("NO_COLOR").ok().as_deref(),
    ));
    tracing::info!(?language, flag = ?args.lang, "language of the screens");
    let demo_tenant = match &demo {
        Some(d) => Some(
            demo::start_with(DemoOptions {
                auto_approve_delay: DEMO_AUTO_APPROVE,
                reset: d.reset,
                announce: false,
            })
            .await?,
        ),
        None => None,
    };
    let endpoints = match &demo_tenant {
        Some(tenant) => tenant.endpoints.clone(),
        None => connection.endpoints()?,
    };
    let sign_in = super::sign_in::config(connection, &endpoints);

    let terminal = TerminalOut::stdout();
    let clipboard = Arc::new(Clipboard::new(
        ClipboardEnv::from_process(),
        terminal.clone(),
    ));
    let mut config = ExecutorConfig::new(endpoints, clipboard);
    config.sign_in = sign_in;
    config.store = Store::open_default().ok();
    config.clear_clipboard_after = args.clear_after();
    config.access_token = exowiz::jobs::sign_in::token_from_environment(demo_tenant.is_some());

    let profiles = exowiz::profile::all().map_err(|e| Failure::new(Exit::Other, e.to_string()))?;
    let browser_available = exowiz::browser::unavailable_reason().is_none();
    let mut state = WizardState::new(profiles, browser_available, demo_tenant.is_some());
    if connection.device_code {
        state.sign_in_method = SignInMethod::DeviceCode;
    }
    state.saved_due = saved_due(config.store.as_ref());
    let options = RuntimeOptions { terminal, log_path };
    let result = tui::run(state, config, options).await;
    // The demo tenant stops here, after the terminal is back.
    drop(demo_tenant);
    result.map_err(|e| Failure::new(Exit::Other, e.to_string()))
}

/// The saved registrations whose secret expires within the warning window (`exowiz status`'s default) or
/// has expired, worst first; none when the store cannot be read (Welcome only points to them).
fn saved_due(store: Option<&Store>) -> Vec<exowiz::store::expiry::RegistrationHealth> {
    use exowiz::store::expiry::{self, Health};
    let Some(registrations) = store.and_then(|s| s.load().ok()) else {
        return Vec::new();
    };
    expiry::evaluate(
        &registrations,
        chrono::Utc::now(),
        exowiz::jobs::policy::WARN_DAYS,
    )
    .into_iter()
    .filter(|r| r.health != Health::Ok)
    .collect()
}
