//! Secret expiry of saved registrations, offline: what `exowiz status` reports and the exit
//! code monitoring (cron, Nagios, Icinga) branches on.

use super::SavedRegistration;
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
    pub health: Health,
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
            RegistrationHealth {
                tenant_id: r.tenant_id.clone(),
                tenant_name: r.tenant_name.clone(),
                profile: r.profile.clone(),
                app_name: r.app_name.clone(),
                client_id: r.client_id.clone(),
                secret_expires: expires,
                days_left,
                health,
            }
        })
        .collect();
    out.sort_by(|a, b| b.health.cmp(&a.health).then(a.days_left.cmp(&b.days_left)));
    out
}

/// The worst health of all (Ok when there are none).
pub fn overall(items: &[RegistrationHealth]) -> Health {
    items.iter().map(|i| i.health).max().unwrap_or(Health::Ok)
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
}
