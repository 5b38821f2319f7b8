//! `exowiz status`: secret expiry of the saved registrations, offline. The first line is in the
//! form monitoring plugins use ("OK - …", "WARNING - …", "CRITICAL - …"); the exit code is
//! 0 when all is well, 1 when a secret expires within --warn-days, 2 when one has expired, and
//! 3 ("UNKNOWN - …", as monitoring plugins say) when the saved registrations cannot be read —
//! never 1, which a monitor would take for an expiring secret. Registrations that were cut off
//! half-way (the journal, `store::journal`) are listed as UNFINISHED without changing the code,
//! unless they left a secret nobody has seen (`store::unseen`, issue 10.2): that is a warning,
//! and critical where it is the only valid secret of a saved registration.
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
use exowiz::store::unseen::{self, Unseen};

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
    let mut items = expiry::evaluate(&registrations, now(), args.warn_days);
    let health = expiry::overall(&items);
    // Half-made registrations are reported, but do not change the exit code: it answers
    // "will a connector stop signing in?", and an unfinished app serves no connector yet.
    // A secret nobody has seen does: it may be the only one the app has left.
    let journals = journal::interrupted_entries(store.dir()).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "journals not readable");
        Vec::new()
    });
    let mut interrupted: Vec<InterruptedRun> =
        journals.iter().map(InterruptedRun::from_entry).collect();
    interrupted.sort_by_key(|r| r.started);
    let unseen = unseen::find(&registrations, &journals, now());
    for item in &mut items {
        if let Some(u) = unseen_of(&unseen, item) {
            item.level = item.level.max(u.level());
        }
    }
    // Still worst first (a stable sort keeps `evaluate`'s order among equals).
    items.sort_by_key(|item| std::cmp::Reverse(item.level));
    let level = unseen
        .iter()
        .map(Unseen::level)
        .fold(expiry::overall_level(&items), Ord::max);
    // A damaged journal may hide a secret nobody saw (issue 14.7): named with the app to check.
    let damaged =
        exowiz::store::journal_salvage::damaged_journals(store.dir()).unwrap_or_else(|e| {
            tracing::warn!(error = %e, "journals not readable");
            Vec::new()
        });
    if args.json {
        let runs: Vec<serde_json::Value> = interrupted.iter().map(run_json).collect();
        let registrations: Vec<serde_json::Value> = items
            .iter()
            .map(|item| {
                let mut json = serde_json::to_value(item).unwrap_or_default();
                if let Some(map) = json.as_object_mut() {
                    let count = unseen_of(&unseen, item).map_or(0, |u| u.count);
                    map.insert("unseen_secrets".into(), count.into());
                }
                json
            })
            .collect();
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
            "registrations": registrations,
            "interrupted_runs": runs,
            "damaged_journals": damaged,
        });
        json_println!("{json:#}");
    } else {
        safe_println!(
            "{} - {}",
            level.plugin_word(),
            summary(&items, health, &unseen)
        );
        for item in &items {
            safe_println!("{}", line(item, unseen_of(&unseen, item)));
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

/// What the interrupted runs left unseen of the registration `item`'s app.
fn unseen_of<'a>(unseen: &'a [Unseen], item: &RegistrationHealth) -> Option<&'a Unseen> {
    unseen
        .iter()
        .find(|u| u.concerns(&item.tenant_id, &item.client_id))
}

/// The first line's sentence: secrets nobody has seen first (they may leave an app without a
/// usable secret), then the secrets' state, then EWS's when a registration depends on it.
fn summary(items: &[RegistrationHealth], health: Health, unseen: &[Unseen]) -> String {
    let rest = secrets_and_ews(items, health);
    let Some(worst) = unseen.iter().max_by_key(|u| u.level()) else {
        return rest;
    };
    let count: usize = unseen.iter().map(|u| u.count).sum();
    let sentence = if worst.no_usable_secret {
        format!(
            "{count} secret(s) nobody has seen; {} has no other valid secret, so its connector cannot sign in: run exowiz rotate for it and hand the new secret over",
            worst.app_name
        )
    } else {
        format!(
            "{count} secret(s) nobody has seen: they serve no connector; the next exowiz rotate or register removes them"
        )
    };
    // The secrets' and EWS's state is worth a word only when something is wrong with it.
    let all_well = items
        .iter()
        .all(|i| i.health == Health::Ok && i.ews.is_none());
    if all_well {
        sentence
    } else {
        format!("{sentence}; {rest}")
    }
}

/// The first line's sentence without unseen secrets: the secrets' state, then EWS's.
fn secrets_and_ews(items: &[RegistrationHealth], health: Health) -> String {
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

fn line(item: &RegistrationHealth, unseen: Option<&Unseen>) -> String {
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
    let unseen = match unseen {
        None => String::new(),
        Some(u) if u.no_usable_secret => format!(
            "; its only valid secret(s) ({}) nobody has seen: the connector has none it can use",
            u.count
        ),
        Some(u) => format!("; {} secret(s) nobody has seen", u.count),
    };
    format!(
        "  {:<9} {} in {} [{}] client {} — {when}{ews}{unseen}",
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
