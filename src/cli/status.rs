//! `exowiz status`: secret expiry of the saved registrations, offline. The first line is in the
//! form monitoring plugins use ("OK - …", "WARNING - …", "CRITICAL - …"); the exit code is
//! 0 when all is well, 1 when a secret expires within --warn-days, 2 when one has expired, and
//! 3 ("UNKNOWN - …", as monitoring plugins say) when the saved registrations cannot be read —
//! never 1, which a monitor would take for an expiring secret. Registrations that were cut off
//! half-way (the journal, `store::journal`) are listed as UNFINISHED without changing the code.
//!
//! A registration that depends on EWS counts as a warning (1) until EWS ends in Exchange Online on
//! 1 April 2027 and as critical (2) from that day: its connector then stops reaching mailboxes,
//! whatever its secret says, and an admin should hear it the way they hear of an expired secret.

use super::Failure;
use chrono::{DateTime, Utc};
use exowiz::exchange::ews::{self, EwsStanding};
use exowiz::store::Store;
use exowiz::store::expiry::{self, Health, RegistrationHealth};
use exowiz::store::journal::{self, InterruptedRun};

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Warn when a secret expires within this many days.
    #[arg(long, default_value_t = exowiz::jobs::policy::WARN_DAYS)]
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
                safe_println!(
                    "{:#}",
                    serde_json::json!({ "status": "unknown", "error": e.to_string() })
                );
            } else {
                safe_println!("UNKNOWN - the saved registrations cannot be read: {e}");
            }
            return Ok(UNKNOWN);
        }
    };
    let items = expiry::evaluate(&registrations, now(), args.warn_days);
    let health = expiry::overall(&items);
    let level = expiry::overall_level(&items);
    // Half-made registrations are reported, but do not change the exit code: it answers
    // "will a connector stop signing in?", and an unfinished app serves no connector yet.
    let interrupted = journal::all_interrupted(store.dir()).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "journals not readable");
        Vec::new()
    });
    // A damaged journal may hide a secret nobody saw (issue 14.7): named with the app to check.
    let damaged =
        exowiz::store::journal_salvage::damaged_journals(store.dir()).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "journals not readable");
            Vec::new()
        });
    if args.json {
        let runs: Vec<serde_json::Value> = interrupted.iter().map(run_json).collect();
        let damaged: Vec<serde_json::Value> = damaged
            .iter()
            .map(|d| {
                serde_json::json!({
                    "file": d.path.display().to_string(),
                    "app_name": d.salvaged.app_name,
                    "client_id": d.salvaged.app.as_ref().map(|a| a.client_id.clone()),
                    "message": d.describe(),
                })
            })
            .collect();
        let json = serde_json::json!({
            "status": health,
            "level": level,
            "ews_shutdown": ews::SHUTDOWN.to_string(),
            "warn_days": args.warn_days,
            "registrations": items,
            "interrupted_runs": runs,
            "damaged_journals": damaged,
        });
        json_println!("{json:#}");
    } else {
        safe_println!("{} - {}", level.plugin_word(), summary(&items, health));
        for item in &items {
            safe_println!("{}", line(item));
        }
        for run in &interrupted {
            safe_println!("{}", interrupted_line(run));
        }
        for d in &damaged {
            safe_println!("DAMAGED JOURNAL - {}", d.describe());
        }
        if items.is_empty() {
            safe_println!(
                "Registrations made with exowiz register or the wizard appear here (stored in {}).",
                store.path().display()
            );
        }
    }
    Ok(level.exit_code())
}

/// Now, for the secrets' and EWS's dates. Debug builds take `EXOWIZ_TEST_NOW` (RFC 3339) instead,
/// so tests can stand before and after 1 April 2027; release builds ignore it.
fn now() -> DateTime<Utc> {
    #[cfg(debug_assertions)]
    if let Some(at) = std::env::var("EXOWIZ_TEST_NOW")
        .ok()
        .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
    {
        return at.with_timezone(&Utc);
    }
    Utc::now()
}

/// The first line's sentence: the secrets' state, then EWS's when a registration depends on it.
fn summary(items: &[RegistrationHealth], health: Health) -> String {
    let count = |h| items.iter().filter(|i| i.health == h).count();
    let secrets = match health {
        _ if items.is_empty() => return "no saved registrations".to_string(),
        Health::Ok => None,
        Health::Expiring => Some(format!(
            "{} secret(s) expire soon: renew them with exowiz",
            count(Health::Expiring)
        )),
        Health::Expired => Some(format!(
            "{} secret(s) have expired: the connector cannot sign in until a new secret is entered",
            count(Health::Expired)
        )),
    };
    let ews_items: Vec<EwsStanding> = items.iter().filter_map(|i| i.ews).collect();
    let ews = ews_items.first().map(|standing| {
        let n = ews_items.len();
        match standing {
            EwsStanding::Ending { days_left } => format!(
                "{n} registration(s) depend on EWS, which Exchange Online switches off on {} (in {days_left} days): move them to a connector that uses Microsoft Graph",
                ews::SHUTDOWN
            ),
            EwsStanding::Ended { .. } => format!(
                "{n} registration(s) depend on EWS, which Exchange Online switched off on {}: those connectors cannot reach mailboxes",
                ews::SHUTDOWN
            ),
        }
    });
    match (secrets, ews) {
        (None, None) => format!(
            "{} registration(s), every secret valid for at least the warning window",
            items.len()
        ),
        (Some(one), None) | (None, Some(one)) => one,
        (Some(secrets), Some(ews)) => format!("{secrets}; {ews}"),
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
    let ews = match item.ews {
        None => String::new(),
        Some(EwsStanding::Ending { days_left }) => format!(
            "; uses EWS, which ends {} (in {days_left} days)",
            ews::SHUTDOWN
        ),
        Some(EwsStanding::Ended { .. }) => format!(
            "; uses EWS, which ended {}: it cannot reach mailboxes",
            ews::SHUTDOWN
        ),
    };
    format!(
        "  {:<9} {} in {} [{}] client {} — {when}{ews}",
        item.level.plugin_word(),
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
