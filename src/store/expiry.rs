//! Secret expiry of saved registrations, offline: what `exowiz status` reports and the exit
//! code monitoring (cron, Nagios, Icinga) branches on. A registration that depends on EWS is a
//! warning until EWS ends in Exchange Online (1 April 2027) and critical from then on: the
//! connector stops reaching mailboxes that day whatever its secret says.

use super::SavedRegistration;
use crate::exchange::ews::{self, EwsStanding};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How a registration's secret stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    Ok,
    /// The newest secret expires within the warning window.
    Expiring,
    /// The newest secret has expired (or the registration has no secret at all).
    Expired,
}

impl Health {
    /// Exit code: 0 all well, 1 a secret expires soon, 2 one has expired.
    pub fn exit_code(self) -> u8 {
        match self {
            Health::Ok => 0,
            Health::Expiring => 1,
            Health::Expired => 2,
        }
    }

    /// The Nagios/Icinga word for the state.
    pub fn plugin_word(self) -> &'static str {
        match self {
            Health::Ok => "OK",
            Health::Expiring => "WARNING",
            Health::Expired => "CRITICAL",
        }
    }
}

/// How a registration stands for monitoring, secret and EWS together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Ok,
    /// A secret expires soon, or the connector depends on EWS, which ends soon.
    Warning,
    /// A secret has expired, or EWS has ended for a connector that depends on it.
    Critical,
}

impl Level {
    /// Exit code: 0 all well, 1 warning, 2 critical.
    pub fn exit_code(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Warning => 1,
            Level::Critical => 2,
        }
    }

    /// The Nagios/Icinga word for the level.
    pub fn plugin_word(self) -> &'static str {
        match self {
            Level::Ok => "OK",
            Level::Warning => "WARNING",
            Level::Critical => "CRITICAL",
        }
    }
}

impl Health {
    pub fn level(self) -> Level {
        match self {
            Health::Ok => Level::Ok,
            Health::Expiring => Level::Warning,
            Health::Expired => Level::Critical,
        }
    }
}

/// What EWS's end means for monitoring: a warning before, critical after.
pub fn ews_level(standing: EwsStanding) -> Level {
    match standing {
        EwsStanding::Ending { .. } => Level::Warning,
        EwsStanding::Ended { .. } => Level::Critical,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegistrationHealth {
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    pub profile: String,
    pub app_name: String,
    pub client_id: String,
    /// End of the newest secret: the one the product most likely uses.
    pub secret_expires: Option<DateTime<Utc>>,
    /// Whole days from now until then (negative once expired).
    pub days_left: Option<i64>,
    /// The secret's state.
    pub health: Health,
    /// Where EWS stands for a connector that depends on it; `None` when it does not.
    pub ews: Option<EwsStanding>,
    /// The worse of the secret's and EWS's: what monitoring is told.
    pub level: Level,
}

/// Evaluates every registration against `now` with a warning window of `warn_days`, worst first.
pub fn evaluate(
    registrations: &[SavedRegistration],
    now: DateTime<Utc>,
    warn_days: u32,
) -> Vec<RegistrationHealth> {
    let mut out: Vec<RegistrationHealth> = registrations
        .iter()
        .map(|r| {
            let expires = r.secrets.iter().map(|s| s.end_date_time).max();
            let days_left = expires.map(|e| (e - now).num_days());
            let health = match expires {
                None => Health::Expired,
                Some(e) if e <= now => Health::Expired,
                Some(e) if (e - now).num_days() < i64::from(warn_days) => Health::Expiring,
                Some(_) => Health::Ok,
            };
            let ews = r.depends_on_ews().then(|| ews::standing(now));
            let level = health.level().max(ews.map_or(Level::Ok, ews_level));
            RegistrationHealth {
                tenant_id: r.tenant_id.clone(),
                tenant_name: r.tenant_name.clone(),
                profile: r.profile.clone(),
                app_name: r.app_name.clone(),
                client_id: r.client_id.clone(),
                secret_expires: expires,
                days_left,
                health,
                ews,
                level,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(b.health.cmp(&a.health))
            .then(a.days_left.cmp(&b.days_left))
    });
    out
}

/// The worst secret health of all (Ok when there are none).
pub fn overall(items: &[RegistrationHealth]) -> Health {
    items.iter().map(|i| i.health).max().unwrap_or(Health::Ok)
}

/// The worst level of all, EWS included: `exowiz status`'s exit code (Ok when there are none).
pub fn overall_level(items: &[RegistrationHealth]) -> Level {
    items.iter().map(|i| i.level).max().unwrap_or(Level::Ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::SavedSecret;
    use chrono::Duration;

    fn reg(name: &str, ends: &[i64], now: DateTime<Utc>) -> SavedRegistration {
        SavedRegistration {
            tenant_id: "t".into(),
            tenant_name: Some("Contoso Ltd".into()),
            profile: "officemaster".into(),
            app_name: name.into(),
            client_id: format!("{name}-id"),
            app_object_id: "o".into(),
            service_principal_id: None,
            secrets: ends
                .iter()
                .map(|d| SavedSecret {
                    key_id: format!("k{d}"),
                    display_name: None,
                    hint: None,
                    end_date_time: now + Duration::days(*d),
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

    #[test]
    fn the_newest_secret_decides_and_the_worst_comes_first() {
        let now = Utc::now();
        let regs = [
            reg("fine", &[-400, 300], now),
            reg("soon", &[10], now),
            reg("gone", &[-1], now),
            reg("none", &[], now),
        ];
        let items = evaluate(&regs, now, 30);
        let order: Vec<(&str, Health)> = items
            .iter()
            .map(|i| (i.app_name.as_str(), i.health))
            .collect();
        assert_eq!(
            order,
            [
                ("none", Health::Expired),
                ("gone", Health::Expired),
                ("soon", Health::Expiring),
                ("fine", Health::Ok)
            ]
        );
        assert_eq!(overall(&items).exit_code(), 2);
        assert_eq!(overall(&evaluate(&regs[..2], now, 30)).exit_code(), 1);
        assert_eq!(overall(&evaluate(&regs[..1], now, 30)).exit_code(), 0);
        assert_eq!(
            overall(&evaluate(&regs[1..2], now, 5)),
            Health::Ok,
            "outside a 5-day window"
        );
        assert_eq!(overall(&[]), Health::Ok);
    }

    /// EWS is a warning before 1 April 2027 and critical from then on; the worse of it and the
    /// secret decides, and a registration that does not use EWS is not touched by it.
    #[test]
    fn ews_warns_before_its_end_and_is_critical_after() {
        use chrono::TimeZone;
        let before = Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap();
        let after = Utc.with_ymd_and_hms(2027, 4, 2, 12, 0, 0).unwrap();
        let ews_app = |now| SavedRegistration {
            profile: "bueroware".into(),
            ..reg("ews", &[400], now)
        };
        let graph_app = |now| SavedRegistration {
            profile: "moveit".into(),
            ..reg("graph", &[400], now)
        };
        let items = evaluate(&[graph_app(before), ews_app(before)], before, 30);
        assert_eq!(items[0].app_name, "ews", "worst first");
        assert_eq!(items[0].health, Health::Ok);
        assert_eq!(items[0].ews, Some(EwsStanding::Ending { days_left: 116 }));
        assert_eq!(items[0].level, Level::Warning);
        assert_eq!(items[1].ews, None);
        assert_eq!(items[1].level, Level::Ok);
        assert_eq!(overall_level(&items).exit_code(), 1);
        assert_eq!(overall(&items), Health::Ok, "the secrets are fine");

        let items = evaluate(&[graph_app(after), ews_app(after)], after, 30);
        assert_eq!(items[0].ews, Some(EwsStanding::Ended { days_since: 1 }));
        assert_eq!(items[0].level, Level::Critical);
        assert_eq!(overall_level(&items).exit_code(), 2);

        // An expired secret stays critical; an expiring one with EWS ending is a warning.
        let expired = SavedRegistration {
            profile: "bueroware".into(),
            ..reg("gone", &[-1], before)
        };
        assert_eq!(evaluate(&[expired], before, 30)[0].level, Level::Critical);
        // Recorded "no EWS" wins over the profile.
        let recorded = SavedRegistration {
            uses_ews: Some(false),
            ..ews_app(before)
        };
        assert_eq!(evaluate(&[recorded], before, 30)[0].ews, None);
    }
}
