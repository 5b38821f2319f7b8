//! The pure part of a rotation: which secrets an app has and which are due, what a new secret is
//! called and how long it lasts, which secrets may be removed (never the new one), and what the
//! saved registration looks like afterwards. No I/O here.

use chrono::{DateTime, Months, Utc};
use serde::Serialize;

use crate::graph::{Application, NewSecret, PasswordCredential};
use crate::i18n::t;
use crate::profile::Profile;
use crate::register::validate;
use crate::store::{SavedRegistration, SavedSecret};

use super::refusal::{KeepRefused, RemovalRefused};

/// Secret lifetime when neither `--secret-months` nor a known profile says otherwise.
pub const DEFAULT_MONTHS: u32 = 12;

/// One client secret of an app, as listed by Graph (never its value), with its expiry judged
/// against a warning window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SecretInfo {
    pub key_id: String,
    /// The secret's description in the portal.
    pub display_name: Option<String>,
    /// The first characters of the secret value, as the portal shows them.
    pub hint: Option<String>,
    #[serde(rename = "start_date_time")]
    pub start: Option<DateTime<Utc>>,
    #[serde(rename = "end_date_time")]
    pub end: Option<DateTime<Utc>>,
    /// Whole days until the end (negative once expired; 0 on the last day).
    pub days_left: Option<i64>,
    /// The end has passed: the connector cannot sign in with this secret any more.
    pub expired: bool,
    /// Expired, or expiring within the warning window: time to rotate.
    pub due: bool,
}

impl SecretInfo {
    pub fn from_credential(c: &PasswordCredential, now: DateTime<Utc>, warn_days: u32) -> Self {
        let days_left = c.end_date_time.map(|end| (end - now).num_days());
        let expired = c.end_date_time.is_some_and(|end| end <= now);
        let due = expired || days_left.is_some_and(|d| d < i64::from(warn_days));
        Self {
            key_id: c.key_id.clone(),
            display_name: c.display_name.clone(),
            hint: c.hint.clone(),
            start: c.start_date_time,
            end: c.end_date_time,
            days_left,
            expired,
            due,
        }
    }

    /// The description, or a stand-in when the secret has none.
    pub fn label(&self) -> &str {
        self.display_name
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or(t("rotate.no_description"))
    }
}

/// The app's client secrets, newest first (by creation, then by end).
pub fn list_secrets(app: &Application, now: DateTime<Utc>, warn_days: u32) -> Vec<SecretInfo> {
    let mut out: Vec<SecretInfo> = app
        .password_credentials
        .iter()
        .map(|c| SecretInfo::from_credential(c, now, warn_days))
        .collect();
    out.sort_by(|a, b| {
        b.start
            .cmp(&a.start)
            .then(b.end.cmp(&a.end))
            .then(a.key_id.cmp(&b.key_id))
    });
    out
}

fn same_key(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The key IDs to remove so that only `keep` is left: every other secret, newest first.
pub fn removal_candidates(secrets: &[SecretInfo], keep: &str) -> Vec<String> {
    secrets
        .iter()
        .filter(|s| !same_key(&s.key_id, keep))
        .map(|s| s.key_id.clone())
        .collect()
}

/// Checks a removal before anything is removed: `protected` (the new secret, or the one kept)
/// is never among `key_ids`, and every id is a secret of the app (`secrets`).
pub fn check_removal(
    secrets: &[SecretInfo],
    protected: &str,
    key_ids: &[String],
) -> Result<(), RemovalRefused> {
    if let Some(id) = key_ids.iter().find(|id| same_key(id, protected)) {
        return Err(RemovalRefused::Protected { key_id: id.clone() });
    }
    if let Some(id) = key_ids
        .iter()
        .find(|id| !secrets.iter().any(|s| same_key(&s.key_id, id)))
    {
        return Err(RemovalRefused::NoSuchSecret { key_id: id.clone() });
    }
    Ok(())
}

/// For `--remove-old --keep KEYID`: the secret to keep must exist, must not have expired, and
/// must be the newest, so that a mistaken key ID never removes a newer secret (the one the
/// product was just switched to). Secrets created in the same second count as equally new.
pub fn check_keep<'a>(
    secrets: &'a [SecretInfo],
    keep: &str,
    app_id: &str,
) -> Result<&'a SecretInfo, KeepRefused> {
    let labelled = |s: &SecretInfo| (s.key_id.clone(), s.label().to_string());
    let Some(kept) = secrets.iter().find(|s| same_key(&s.key_id, keep)) else {
        return Err(KeepRefused::NoSuchSecret {
            app_id: app_id.to_string(),
            keep: keep.to_string(),
            known: secrets.iter().map(labelled).collect(),
        });
    };
    if kept.expired {
        return Err(KeepRefused::Expired {
            app_id: app_id.to_string(),
            keep: keep.to_string(),
        });
    }
    if let Some(newer) = secrets
        .iter()
        .find(|s| !same_key(&s.key_id, keep) && s.start > kept.start)
    {
        return Err(KeepRefused::NotNewest {
            keep: keep.to_string(),
            newer: labelled(newer),
        });
    }
    Ok(kept)
}

/// The secret lifetime: `--secret-months`, else the profile's, else [`DEFAULT_MONTHS`];
/// 1 to 60 months.
pub fn secret_months(
    requested: Option<u32>,
    profile: Option<&Profile>,
) -> Result<u32, validate::BadSecretMonths> {
    validate::secret_months(
        requested
            .or(profile.map(|p| p.secret_months))
            .unwrap_or(DEFAULT_MONTHS),
    )
}

/// When a secret made `now` for `months` months ends.
pub fn end_of(now: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    now.checked_add_months(Months::new(months)).unwrap_or(now)
}

/// The new secret's description: the profile's secret description (or the app's name) with
/// the day of the rotation, e.g. "SoftENGINE Mailserver (exowiz 2026-05-01)".
pub fn default_description(
    profile: Option<&Profile>,
    app: &Application,
    now: DateTime<Utc>,
) -> String {
    let base = profile
        .filter(|p| p.id != "custom")
        .map(|p| p.secret_description.clone())
        .or_else(|| app.display_name.clone())
        .filter(|b| !b.trim().is_empty())
        .unwrap_or_else(|| "client secret".into());
    let base: String = base.trim().chars().take(80).collect();
    format!("{base} (exowiz {})", now.format("%Y-%m-%d"))
}

/// Where a saved registration lives, for a record made from scratch.
#[derive(Debug, Clone)]
pub struct SaveContext<'a> {
    pub tenant_id: &'a str,
    pub tenant_name: Option<String>,
    /// `Endpoints::graph` as a string, as the register engine saves it.
    pub graph_url: &'a str,
    /// The profile a record made from scratch gets: the one the rotation handles the app with
    /// (`jobs::policy::app_profile`), so `status` names the same product as rotate and check.
    pub profile_id: &'a str,
    pub now: DateTime<Utc>,
}

/// The saved registration after a rotation step: its secrets are the app's secrets as read
/// (`app`), without the `removed` ones, plus the `created` one. Everything else comes from
/// the earlier record, or — for an app exowiz did not save yet — from the app itself and
/// `ctx.profile_id`.
pub fn saved_after(
    saved: Option<&SavedRegistration>,
    app: &Application,
    created: Option<&NewSecret>,
    removed: &[String],
    ctx: &SaveContext<'_>,
) -> SavedRegistration {
    let mut secrets: Vec<SavedSecret> = app
        .password_credentials
        .iter()
        .filter(|c| !removed.iter().any(|r| same_key(r, &c.key_id)))
        .filter_map(|c| {
            Some(SavedSecret {
                key_id: c.key_id.clone(),
                display_name: c.display_name.clone(),
                hint: c.hint.clone(),
                end_date_time: c.end_date_time?,
            })
        })
        .collect();
    if let Some(new) = created
        && let Some(end) = new.end
        && !secrets.iter().any(|s| same_key(&s.key_id, &new.key_id))
    {
        secrets.push(SavedSecret {
            key_id: new.key_id.clone(),
            display_name: new.display_name.clone(),
            hint: new.hint.clone(),
            end_date_time: end,
        });
    }
    let app_name = app
        .display_name
        .clone()
        .or_else(|| saved.map(|s| s.app_name.clone()))
        .unwrap_or_else(|| app.app_id.clone());
    let uses_ews = crate::exchange::ews::app_uses_ews(app);
    match saved {
        Some(s) => SavedRegistration {
            app_name,
            app_object_id: app.id.clone(),
            secrets,
            updated: ctx.now,
            uses_ews: Some(s.depends_on_ews() || uses_ews),
            ..s.clone()
        },
        None => SavedRegistration {
            tenant_id: ctx.tenant_id.to_string(),
            tenant_name: ctx.tenant_name.clone(),
            profile: ctx.profile_id.to_string(),
            app_name,
            client_id: app.app_id.clone(),
            app_object_id: app.id.clone(),
            service_principal_id: None,
            secrets,
            graph_url: ctx.graph_url.to_string(),
            updated: ctx.now,
            adopted: true,
            uses_ews: Some(uses_ews),
            mailbox: None,
            unknown: Default::default(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use secrecy::SecretString;

    fn cred(key: &str, start_days: i64, end_days: i64, now: DateTime<Utc>) -> PasswordCredential {
        PasswordCredential {
            key_id: key.into(),
            display_name: Some(format!("secret {key}")),
            hint: Some("abc".into()),
            start_date_time: Some(now + Duration::days(start_days)),
            end_date_time: Some(now + Duration::days(end_days)),
        }
    }

    fn app(creds: Vec<PasswordCredential>, name: &str) -> Application {
        serde_json::from_value::<Application>(serde_json::json!({
            "id": "obj-1",
            "appId": "11111111-2222-3333-4444-555555555555",
            "displayName": name,
        }))
        .map(|mut a| {
            a.password_credentials = creds;
            a
        })
        .unwrap()
    }

    fn new_secret(key: &str, end: DateTime<Utc>) -> NewSecret {
        NewSecret {
            key_id: key.into(),
            hint: Some("xyz".into()),
            display_name: Some("new".into()),
            start: Some(end - Duration::days(365)),
            end: Some(end),
            secret_text: SecretString::from("never-stored".to_string()),
        }
    }

    #[test]
    fn due_marks_expired_and_expiring_within_the_window() {
        let now = Utc::now();
        let a = app(
            vec![
                cred("old", -700, -1, now),
                cred("soon", -300, 10, now),
                cred("edge", -300, 30, now),
                cred("fine", -10, 300, now),
            ],
            "Legacy Fax Connector",
        );
        let list = list_secrets(&a, now, 30);
        let by = |k: &str| list.iter().find(|s| s.key_id == k).unwrap().clone();
        assert!(by("old").expired && by("old").due);
        assert_eq!(by("old").days_left, Some(-1));
        assert!(!by("soon").expired && by("soon").due);
        assert_eq!(by("soon").days_left, Some(10));
        assert!(!by("fine").due);
        assert_eq!(by("fine").days_left, Some(300));
        // A 5-day window leaves only the expired one due.
        let narrow = list_secrets(&a, now, 5);
        assert_eq!(
            narrow
                .iter()
                .filter(|s| s.due)
                .map(|s| s.key_id.as_str())
                .collect::<Vec<_>>(),
            ["old"]
        );
        // A secret ending a few hours ago is expired though its whole days are 0.
        let mut hours = cred("hours", -30, 0, now);
        hours.end_date_time = Some(now - Duration::hours(3));
        let s = SecretInfo::from_credential(&hours, now, 0);
        assert_eq!(s.days_left, Some(0));
        assert!(s.expired && s.due);
    }

    #[test]
    fn newest_first() {
        let now = Utc::now();
        let a = app(
            vec![
                cred("b", -300, 60, now),
                cred("c", -1, 365, now),
                cred("a", -700, -1, now),
            ],
            "x",
        );
        let order: Vec<String> = list_secrets(&a, now, 30)
            .into_iter()
            .map(|s| s.key_id)
            .collect();
        assert_eq!(order, ["c", "b", "a"]);
    }

    #[test]
    fn the_new_secret_is_never_a_removal_candidate_nor_removable() {
        let now = Utc::now();
        let mut a = app(
            vec![cred("old-1", -400, 5, now), cred("old-2", -200, 100, now)],
            "x",
        );
        // The app as read after the new secret was added.
        a.password_credentials.push(cred("NEW", 0, 365, now));
        let list = list_secrets(&a, now, 30);
        let remove = removal_candidates(&list, "new");
        assert_eq!(remove, ["old-2", "old-1"]);
        assert!(check_removal(&list, "NEW", &remove).is_ok());
        let mut with_new = remove.clone();
        with_new.push("new".into());
        let err = check_removal(&list, "NEW", &with_new)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("does not remove") && err.contains("Nothing was removed"),
            "{err}"
        );
        let err = check_removal(&list, "NEW", &["gone".to_string()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no secret with key ID gone"), "{err}");
        // Only the new one: nothing to remove.
        let only = app(vec![cred("NEW", 0, 365, now)], "x");
        assert!(removal_candidates(&list_secrets(&only, now, 30), "NEW").is_empty());
    }

    #[test]
    fn keep_must_be_an_existing_live_newest_secret() {
        let now = Utc::now();
        let a = app(
            vec![
                cred("old", -700, -2, now),
                cred("mid", -300, 40, now),
                cred("new", -1, 700, now),
            ],
            "x",
        );
        let list = list_secrets(&a, now, 30);
        assert_eq!(check_keep(&list, "NEW", "app").unwrap().key_id, "new");
        let err = check_keep(&list, "nope", "app").unwrap_err().to_string();
        assert!(
            err.contains("no secret with key ID nope") && err.contains("new (secret new)"),
            "{err}"
        );
        let err = check_keep(&list, "mid", "app").unwrap_err().to_string();
        assert!(
            err.contains("not the newest") && err.contains("new"),
            "{err}"
        );
        let err = check_keep(&list, "old", "app").unwrap_err().to_string();
        assert!(err.contains("has expired"), "{err}");
        // The refusal keeps which rule and which secret, and reaches a job as the admin's input.
        let refused = check_keep(&list, "mid", "app").unwrap_err();
        assert_eq!(
            refused,
            KeepRefused::NotNewest {
                keep: "mid".into(),
                newer: ("new".into(), "secret new".into()),
            }
        );
        let job = crate::error::JobError::from(refused);
        assert_eq!(job.kind(), crate::error::JobErrorKind::Input);
    }

    #[test]
    fn lifetime_and_description() {
        let bw = crate::profile::by_id("bueroware").unwrap();
        assert_eq!(secret_months(None, Some(&bw)), Ok(24));
        assert_eq!(secret_months(None, None), Ok(DEFAULT_MONTHS));
        assert_eq!(secret_months(Some(6), Some(&bw)), Ok(6));
        assert!(secret_months(Some(0), None).is_err());
        // The manual's five years (000, line 188) is allowed; the tenant's policy decides.
        assert_eq!(secret_months(Some(60), None), Ok(60));
        assert!(
            secret_months(Some(61), None)
                .unwrap_err()
                .to_string()
                .contains("1 to 60")
        );
        let now = "2026-05-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(end_of(now, 24).to_rfc3339(), "2028-05-01T10:00:00+00:00");
        let a = app(vec![], "Legacy Fax Connector");
        assert_eq!(
            default_description(Some(&bw), &a, now),
            "SoftENGINE Mailserver (exowiz 2026-05-01)"
        );
        assert_eq!(
            default_description(None, &a, now),
            "Legacy Fax Connector (exowiz 2026-05-01)"
        );
    }

    #[test]
    fn the_saved_record_follows_the_app() {
        let now = Utc::now();
        let a = app(vec![cred("old", -400, 10, now)], "Legacy Fax Connector");
        let ctx = SaveContext {
            tenant_id: "t1",
            tenant_name: Some("Contoso Ltd".into()),
            graph_url: "http://127.0.0.1:1/",
            profile_id: "custom",
            now,
        };
        let new = new_secret("new", now + Duration::days(365));
        let created = saved_after(None, &a, Some(&new), &[], &ctx);
        assert_eq!(created.profile, "custom");
        assert_eq!(created.client_id, a.app_id);
        assert_eq!(
            created
                .secrets
                .iter()
                .map(|s| s.key_id.as_str())
                .collect::<Vec<_>>(),
            ["old", "new"]
        );
        // After removal (the app as read still lists both).
        let mut after = a.clone();
        after.password_credentials.push(cred("new", 0, 365, now));
        let removed = saved_after(Some(&created), &after, None, &["OLD".into()], &ctx);
        assert_eq!(
            removed
                .secrets
                .iter()
                .map(|s| s.key_id.as_str())
                .collect::<Vec<_>>(),
            ["new"]
        );
        assert_eq!(removed.profile, "custom", "kept from the record");
        assert_eq!(removed.tenant_name.as_deref(), Some("Contoso Ltd"));
    }
}
