//! Secrets nobody has seen (issue 10.2): an interrupted run's journal names the secrets whose
//! value was never printed, revealed or copied. Such a secret serves no connector; where it is
//! the only valid secret of a saved registration (a rotation removed the older ones), the
//! connector has nothing it can sign in with once its old value stops working — as bad as an
//! expired secret. `exowiz status` reports both, offline.

use super::SavedRegistration;
use super::expiry::Level;
use super::journal::{InterruptedRun, JournalEntry};
use chrono::{DateTime, Utc};

/// What one interrupted run's unseen secrets mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unseen {
    pub tenant_id: String,
    /// The app the run worked on, if it got that far.
    pub client_id: Option<String>,
    pub app_name: String,
    /// How many secrets nobody has seen.
    pub count: usize,
    /// The saved registration of the app has no valid secret but unseen ones.
    pub no_usable_secret: bool,
}

impl Unseen {
    /// Critical when nobody has a valid secret of the app, else a warning.
    pub fn level(&self) -> Level {
        if self.no_usable_secret {
            Level::Critical
        } else {
            Level::Warning
        }
    }

    /// Whether this is about the saved registration `r`.
    pub fn concerns(&self, r_tenant_id: &str, r_client_id: &str) -> bool {
        self.tenant_id.eq_ignore_ascii_case(r_tenant_id)
            && self
                .client_id
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case(r_client_id))
    }
}

/// The interrupted runs among `journals` (`journal::interrupted_entries`) that left secrets
/// nobody has seen, each judged against the saved registration of its app (if there is one) at
/// `now`.
pub fn find(
    registrations: &[SavedRegistration],
    journals: &[JournalEntry],
    now: DateTime<Utc>,
) -> Vec<Unseen> {
    journals
        .iter()
        .map(|entry| (entry, InterruptedRun::from_entry(entry)))
        .filter(|(_, run)| run.unseen_secrets > 0)
        .map(|(entry, run)| {
            let mut unseen = Unseen {
                tenant_id: run.tenant_id.clone(),
                client_id: run.client_id.clone(),
                app_name: run.app_name.clone(),
                count: run.unseen_secrets,
                no_usable_secret: false,
            };
            let saved = registrations
                .iter()
                .find(|r| unseen.concerns(&r.tenant_id, &r.client_id));
            unseen.no_usable_secret = saved.is_some_and(|r| {
                let mut valid = r
                    .secrets
                    .iter()
                    .filter(|s| s.end_date_time > now)
                    .peekable();
                valid.peek().is_some()
                    && valid.all(|s| entry.unshown_secrets().any(|u| u.key_id == s.key_id))
            });
            unseen
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SavedSecret;
    use chrono::Duration;

    fn registration(keys: &[(&str, i64)], now: DateTime<Utc>) -> SavedRegistration {
        SavedRegistration {
            tenant_id: "t".into(),
            tenant_name: None,
            profile: "moveit".into(),
            app_name: "App".into(),
            client_id: "C".into(),
            app_object_id: "o".into(),
            service_principal_id: None,
            secrets: keys
                .iter()
                .map(|(k, days)| SavedSecret {
                    key_id: (*k).into(),
                    display_name: None,
                    hint: None,
                    end_date_time: now + Duration::days(*days),
                })
                .collect(),
            graph_url: "https://graph.microsoft.com/".into(),
            updated: now,
            adopted: false,
            uses_ews: None,
            mailbox: None,
            unknown: Default::default(),
        }
    }

    /// A rotation's journal (as `journal.rs` writes it) with unseen secrets `keys` and
    /// `pending` sent but unanswered ones.
    fn run(keys: &[&str], pending: usize) -> JournalEntry {
        let now = Utc::now();
        let secrets: Vec<serde_json::Value> = keys
            .iter()
            .map(|k| serde_json::json!({"key_id": k, "end": now, "shown": false}))
            .collect();
        let pending: Vec<serde_json::Value> = (0..pending)
            .map(|i| serde_json::json!({"display_name": format!("p{i}"), "end": now}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "version": 1,
            "run_id": "r",
            "started": now,
            "updated": now,
            "pid": 0,
            "tenant_id": "T",
            "profile": "rotate:c",
            "graph_url": "https://graph.microsoft.com/",
            "app_name": "App",
            "app": {
                "object_id": "o",
                "client_id": "c",
                "created_by_this_run": false,
                "recorded": now
            },
            "service_principal_id": null,
            "secrets": secrets,
            "pending_secrets": pending,
            "grants_done": false,
            "completed": false,
            "rotation": true,
        }))
        .unwrap()
    }

    #[test]
    fn only_unseen_valid_secrets_leave_the_connector_without_one() {
        let now = Utc::now();
        let regs = [registration(&[("new", 700), ("gone", -5)], now)];
        let found = find(&regs, &[run(&["new"], 0)], now);
        assert_eq!(found.len(), 1);
        assert!(found[0].no_usable_secret, "the expired one does not count");
        assert_eq!(found[0].level(), Level::Critical);

        let regs = [registration(&[("new", 700), ("old", 30)], now)];
        let found = find(&regs, &[run(&["new"], 0)], now);
        assert!(!found[0].no_usable_secret);
        assert_eq!(found[0].level(), Level::Warning);
    }

    #[test]
    fn a_run_without_unseen_secrets_or_without_a_saved_app_is_judged_alone() {
        let now = Utc::now();
        assert!(find(&[], &[run(&[], 0)], now).is_empty());
        let found = find(&[], &[run(&[], 1)], now);
        assert_eq!(found[0].level(), Level::Warning, "a pending secret counts");
        let no_secret = [registration(&[], now)];
        assert!(!find(&no_secret, &[run(&["x"], 0)], now)[0].no_usable_secret);
    }
}
