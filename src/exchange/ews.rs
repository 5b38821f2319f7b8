//! The end of EWS in Exchange Online: the date, what a registration that depends on EWS faces
//! on a given day (for `exowiz status`), and which apps depend on it.
//!
//! Microsoft's plan (graph-facts §9; Exchange Team blog "Exchange Online EWS, your time is almost
//! up", Message Center MC1176266 / MC1227454): phased disablement from 1 October 2026, EWS
//! switched off for good on 1 April 2027, no exceptions after that. Exchange Server on-premises
//! is not affected.

use crate::graph::Application;
use crate::profile::{Api, PermissionType, Profile, well_known};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// The day EWS stops working in Exchange Online for good.
pub const SHUTDOWN: NaiveDate = match NaiveDate::from_ymd_opt(2027, 4, 1) {
    Some(day) => day,
    None => panic!("1 April 2027 is a date"),
};

/// The shutdown day in the catalogue's long date format ("1 April 2027", "01.04.2027").
pub fn shutdown_long_date() -> String {
    crate::i18n::long_date(SHUTDOWN)
}

/// The first instant EWS is gone: midnight UTC starting the shutdown day.
pub fn shutdown_instant() -> DateTime<Utc> {
    SHUTDOWN
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// Where a registration that depends on EWS stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum EwsStanding {
    /// EWS still answers; it ends in `days_left` whole days.
    Ending { days_left: i64 },
    /// EWS is switched off: the connector cannot reach mailboxes any more.
    Ended { days_since: i64 },
}

/// What EWS's end means at `now` for a registration that depends on it.
pub fn standing(now: DateTime<Utc>) -> EwsStanding {
    let end = shutdown_instant();
    if now < end {
        EwsStanding::Ending {
            days_left: (end - now).num_days(),
        }
    } else {
        EwsStanding::Ended {
            days_since: (now - end).num_days(),
        }
    }
}

/// The EWS permissions on Office 365 Exchange Online: app-only `full_access_as_app` and
/// delegated `EWS.AccessAsUser.All` (graph-facts §2, EXO-dev EWS OAuth manifest snippet).
const EWS_PERMISSIONS: [(&str, PermissionType); 2] = [
    ("full_access_as_app", PermissionType::Application),
    ("EWS.AccessAsUser.All", PermissionType::Delegated),
];

/// The profile reaches mailboxes through EWS: the built-in EWS products say so, and a custom
/// profile does when it asks for an EWS permission.
pub fn profile_uses_ews(profile: &Profile) -> bool {
    profile.uses_ews
        || profile.permissions.iter().any(|p| {
            p.api == Api::Exchange
                && EWS_PERMISSIONS
                    .iter()
                    .any(|(name, kind)| p.kind == *kind && p.name.eq_ignore_ascii_case(name))
        })
}

/// The app requests an EWS permission on Exchange Online (its API permissions as Graph
/// returns them), whatever profile it is saved with.
pub fn app_uses_ews(app: &Application) -> bool {
    let ids: Vec<&str> = EWS_PERMISSIONS
        .iter()
        .filter_map(|(name, kind)| well_known::permission_id(Api::Exchange, name, *kind))
        .collect();
    app.required_resource_access
        .iter()
        .filter(|r| {
            r.resource_app_id
                .eq_ignore_ascii_case(Api::Exchange.app_id())
        })
        .flat_map(|r| r.resource_access.iter())
        .any(|a| ids.iter().any(|id| a.id.eq_ignore_ascii_case(id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ews_ends_on_the_first_of_april_2027() {
        let before = Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap();
        assert_eq!(standing(before), EwsStanding::Ending { days_left: 116 });
        let last_evening = Utc.with_ymd_and_hms(2027, 3, 31, 23, 59, 59).unwrap();
        assert_eq!(standing(last_evening), EwsStanding::Ending { days_left: 0 });
        let the_day = Utc.with_ymd_and_hms(2027, 4, 1, 0, 0, 0).unwrap();
        assert_eq!(standing(the_day), EwsStanding::Ended { days_since: 0 });
        let later = Utc.with_ymd_and_hms(2027, 5, 1, 0, 0, 0).unwrap();
        assert_eq!(standing(later), EwsStanding::Ended { days_since: 30 });
    }

    #[test]
    fn the_ews_products_and_a_custom_profile_with_an_ews_permission_use_ews() {
        for id in ["officemaster", "myfactory", "bueroware"] {
            assert!(
                profile_uses_ews(&crate::profile::by_id(id).unwrap()),
                "{id}"
            );
        }
        for id in ["flowfact", "moveit", "custom"] {
            assert!(
                !profile_uses_ews(&crate::profile::by_id(id).unwrap()),
                "{id}"
            );
        }
        let custom = crate::profile::by_id("custom")
            .unwrap()
            .with_extra_permissions(vec![
                crate::profile::Permission::parse_spec("exchange:full_access_as_app:application")
                    .unwrap(),
            ]);
        assert!(profile_uses_ews(&custom));
    }
}
