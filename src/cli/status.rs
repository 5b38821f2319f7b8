//! `exowiz status`: secret expiry of the saved registrations, offline. The first line is in the
//! form monitoring plugins use ("OK - …", "WARNING - …", "CRITICAL - …"); the exit code is
//! 0 when all is well, 1 when a secret expires within --warn-days, 2 when one has expired, and
//! 3 ("UNKNOWN - …", as monitoring plugins say) when the saved registrations cannot be read —
//! never 1, which a monitor would take for an expiring secret. Registrations that were cut off
//! half-way (the journal, `store::journal`) are listed as UNFINISHED without changing the code.

use super::Failure;
use exowiz::store::Store;
use exowiz::store::expiry::{self, Health, RegistrationHealth};
use exowiz::store::journal::{self, InterruptedRun};

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Warn when a secret expires within this many days.
    #[arg(long, default_value_t = 30)]
    pub warn_days: u32,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Exit code when the saved registrations cannot be read (Nagios/Icinga UNKNOWN).
const UNKNOWN: u8 = 3;

/// Returns the exit code to end with (0, 1, 2, or 3 when nothing could be read).
pub fn run(args: StatusArgs) -> Result<u8, Failure> {
    let loaded = Store::open_default().and_then(|store| store.load().map(|regs| (store, regs)));
    let (store, registrations) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => {
            if args.json {
                println!(
                    "{:#}",
                    serde_json::json!({ "status": "unknown", "error": e.to_string() })
                );
            } else {
                println!("UNKNOWN - the saved registrations cannot be read: {e}");
            }
            return Ok(UNKNOWN);
        }
    };
    let items = expiry::evaluate(&registrations, chrono::Utc::now(), args.warn_days);
    let health = expiry::overall(&items);
    // Half-made registrations are reported, but do not change the exit code: it answers
    // "will a connector stop signing in?", and an unfinished app serves no connector yet.
    let interrupted = journal::all_interrupted(store.dir()).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "journals not readable");
        Vec::new()
    });
    if args.json {
        let runs: Vec<serde_json::Value> = interrupted.iter().map(run_json).collect();
        let json = serde_json::json!({
            "status": health,
            "warn_days": args.warn_days,
            "registrations": items,
            "interrupted_runs": runs,
        });
        println!("{json:#}");
    } else {
        println!("{} - {}", health.plugin_word(), summary(&items, health));
        for item in &items {
            println!("{}", line(item));
        }
        for run in &interrupted {
            println!("{}", interrupted_line(run));
        }
        if items.is_empty() {
            println!(
                "Registrations made with exowiz register or the wizard appear here (stored in {}).",
                store.path().display()
            );
        }
    }
    Ok(health.exit_code())
}

fn summary(items: &[RegistrationHealth], health: Health) -> String {
    let count = |h| items.iter().filter(|i| i.health == h).count();
    match health {
        _ if items.is_empty() => "no saved registrations".to_string(),
        Health::Ok => format!(
            "{} registration(s), every secret valid for at least the warning window",
            items.len()
        ),
        Health::Expiring => format!(
            "{} secret(s) expire soon: renew them with exowiz",
            count(Health::Expiring)
        ),
        Health::Expired => format!(
            "{} secret(s) have expired: the connector cannot sign in until a new secret is entered",
            count(Health::Expired)
        ),
    }
}

fn line(item: &RegistrationHealth) -> String {
    let when = match (item.secret_expires, item.days_left) {
        (Some(end), Some(days)) if days < 0 => {
            format!("expired {} ({} days ago)", end.format("%Y-%m-%d"), -days)
        }
        (Some(end), Some(days)) => format!("expires {} (in {days} days)", end.format("%Y-%m-%d")),
        _ => "no secret".to_string(),
    };
    format!(
        "  {:<9} {} in {} [{}] client {} — {when}",
        item.health.plugin_word(),
        item.app_name,
        item.tenant_name.as_deref().unwrap_or(&item.tenant_id),
        item.profile,
        item.client_id
    )
}

fn interrupted_line(run: &InterruptedRun) -> String {
    if run.rotation {
        let client_id = run.client_id.as_deref().unwrap_or_default();
        return format!(
            "  {:<9} rotation of {} (client {client_id}) in tenant {}, started {}, left {} secret(s) nobody has seen; the next `exowiz rotate --app-id {client_id}` removes them",
            "UNFINISHED",
            run.app_name,
            run.tenant_id,
            run.started.format("%Y-%m-%d %H:%M UTC"),
            run.unseen_secrets,
        );
    }
    let app = match &run.client_id {
        Some(id) => format!("{} (client {id})", run.app_name),
        None => run.app_name.clone(),
    };
    format!(
        "  {:<9} registration of {app} [{}] in tenant {}, started {}, was interrupted; run `exowiz register --profile {}` or the wizard to complete it",
        "UNFINISHED",
        run.profile,
        run.tenant_id,
        run.started.format("%Y-%m-%d %H:%M UTC"),
        run.profile
    )
}

fn run_json(run: &InterruptedRun) -> serde_json::Value {
    serde_json::json!({
        "tenant_id": run.tenant_id,
        "profile": run.profile,
        "app_name": run.app_name,
        "client_id": run.client_id,
        "started": run.started,
        "unseen_secrets": run.unseen_secrets,
        "completed": run.completed,
        "kind": if run.rotation { "rotation" } else { "registration" },
    })
}
