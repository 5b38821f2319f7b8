//! The tenant's app-management policy, as far as client secrets go: the `passwordLifetime`
//! restriction of `defaultAppManagementPolicy` (Microsoft Graph, "tenantAppManagementPolicy"
//! and "Update tenantAppManagementPolicy", learn.microsoft.com/graph/api/
//! tenantappmanagementpolicy-update: `{"restrictionType": "passwordLifetime", "maxLifetime":
//! "P730D"}`, an ISO-8601 duration). A secret whose end date lies beyond it is refused with
//! 400 `CredentialInvalidLifetimeAsPerAppPolicy` (see `graph/applications.rs`).
//!
//! Without a policy Graph's `addPassword` takes any `endDateTime` (the portal alone stops at 24
//! months; OfficeMaster's installer makes five-year secrets through the API, manual 000 line
//! 188). The demo tenant is seeded with a two-year policy, the strictest common setting, so
//! that a longer secret meets the refusal unless the admin lifts it (`POST
//! /_emulator/app-policy`).

use chrono::{DateTime, Duration, Months, Utc};
use serde::{Deserialize, Serialize};

/// The seeded policy: secrets may last two years.
pub const SEEDED_MAX_LIFETIME: &str = "P2Y";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppPolicy {
    /// `passwordLifetime`'s `maxLifetime`; `None` = no such restriction.
    pub password_max_lifetime: Option<String>,
}

impl Default for AppPolicy {
    /// State files written before the demo tenant had a policy keep the two-year cap they had.
    fn default() -> Self {
        AppPolicy {
            password_max_lifetime: Some(SEEDED_MAX_LIFETIME.to_string()),
        }
    }
}

impl AppPolicy {
    /// The latest end date the policy allows for a secret starting at `start`.
    pub fn latest_end(&self, start: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let max = self.password_max_lifetime.as_deref()?;
        add_duration(start, &parse_duration(max).ok()?)
    }
}

/// An ISO-8601 duration `PnYnMnDTnHnMnS` (each part optional, whole numbers; `PnW` too).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IsoDuration {
    pub months: u32,
    pub days: i64,
    pub seconds: i64,
}

pub fn parse_duration(text: &str) -> Result<IsoDuration, String> {
    let bad = || format!("'{text}' is not an ISO-8601 duration such as P730D or P2Y");
    let rest = text.strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut out = IsoDuration::default();
    let mut parts = 0;
    for (part, in_time) in [(date, false), (time.unwrap_or(""), true)] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().map_err(|_| bad())?;
            number.clear();
            parts += 1;
            match (in_time, c) {
                (false, 'Y') => out.months += u32::try_from(n * 12).map_err(|_| bad())?,
                (false, 'M') => out.months += u32::try_from(n).map_err(|_| bad())?,
                (false, 'W') => out.days += n * 7,
                (false, 'D') => out.days += n,
                (true, 'H') => out.seconds += n * 3600,
                (true, 'M') => out.seconds += n * 60,
                (true, 'S') => out.seconds += n,
                _ => return Err(bad()),
            }
        }
        if !number.is_empty() {
            return Err(bad());
        }
    }
    if parts == 0 || time == Some("") {
        return Err(bad());
    }
    Ok(out)
}

fn add_duration(start: DateTime<Utc>, d: &IsoDuration) -> Option<DateTime<Utc>> {
    start
        .checked_add_months(Months::new(d.months))?
        .checked_add_signed(Duration::days(d.days))?
        .checked_add_signed(Duration::seconds(d.seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("P2Y").unwrap(),
            IsoDuration {
                months: 24,
                ..Default::default()
            }
        );
        assert_eq!(parse_duration("P730D").unwrap().days, 730);
        let d = parse_duration("P4DT12H30M5S").unwrap();
        assert_eq!((d.days, d.seconds), (4, 12 * 3600 + 30 * 60 + 5));
        for bad in ["", "P", "2Y", "PT", "P2", "P2X", "PxD"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn latest_end() {
        let start = "2026-12-06T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let seeded = AppPolicy::default();
        assert_eq!(
            seeded.latest_end(start).unwrap().to_rfc3339(),
            "2028-12-06T00:00:00+00:00"
        );
        let none = AppPolicy {
            password_max_lifetime: None,
        };
        assert_eq!(none.latest_end(start), None);
    }
}
