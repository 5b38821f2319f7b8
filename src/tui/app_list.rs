//! The app browser's list: the tenant's app registrations with the ones exowiz saved for this
//! tenant first (the admin who rotates or checks usually wants one of those), each group by
//! name.

use crate::graph::Application;
use crate::store::{self, SavedRegistration};
use crate::wizard::state::AppSummary;

/// What the list shows of one app registration (not yet marked saved).
pub fn summary(app: Application) -> AppSummary {
    AppSummary {
        secret_expires: app
            .password_credentials
            .iter()
            .filter_map(|c| c.end_date_time)
            .max(),
        display_name: app
            .display_name
            .clone()
            .unwrap_or_else(|| app.app_id.clone()),
        client_id: app.app_id,
        object_id: app.id,
        saved_for: None,
    }
}

/// Marks the apps that `saved` holds for `tenant_id` in the cloud of `graph_url` with their
/// saved profile, and orders: saved ones first, then the rest; by name (case-insensitive), then
/// client ID, within each group.
pub fn saved_first(
    mut apps: Vec<AppSummary>,
    saved: &[SavedRegistration],
    tenant_id: &str,
    graph_url: &str,
) -> Vec<AppSummary> {
    for app in &mut apps {
        app.saved_for = saved
            .iter()
            .find(|s| {
                s.tenant_id.eq_ignore_ascii_case(tenant_id)
                    && s.client_id.eq_ignore_ascii_case(&app.client_id)
                    && store::same_cloud(&s.graph_url, graph_url)
            })
            .map(|s| s.profile.clone());
    }
    apps.sort_by(|a, b| {
        b.saved_for
            .is_some()
            .cmp(&a.saved_for.is_some())
            .then_with(|| {
                a.display_name
                    .to_lowercase()
                    .cmp(&b.display_name.to_lowercase())
            })
            .then_with(|| a.client_id.cmp(&b.client_id))
    });
    apps
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    const TENANT: &str = "6f1d3c2a-8b4e-4d7a-9c5f-2e8b7a1d4c90";

    fn app(name: &str, client_id: &str) -> AppSummary {
        AppSummary {
            display_name: name.into(),
            client_id: client_id.into(),
            object_id: format!("obj-{client_id}"),
            secret_expires: None,
            saved_for: None,
        }
    }

    fn saved(client_id: &str, profile: &str, graph_url: &str) -> SavedRegistration {
        SavedRegistration {
            tenant_id: TENANT.to_uppercase(),
            tenant_name: None,
            profile: profile.into(),
            app_name: "x".into(),
            client_id: client_id.to_uppercase(),
            app_object_id: "o".into(),
            service_principal_id: None,
            secrets: Vec::new(),
            graph_url: graph_url.into(),
            updated: Utc::now(),
            adopted: false,
            uses_ews: None,
            mailbox: None,
            unknown: Default::default(),
        }
    }

    fn names(apps: &[AppSummary]) -> Vec<(&str, Option<&str>)> {
        apps.iter()
            .map(|a| (a.display_name.as_str(), a.saved_for.as_deref()))
            .collect()
    }

    #[test]
    fn saved_apps_come_first_with_their_profile_then_the_rest_by_name() {
        let apps = vec![
            app("alpha", "a"),
            app("Zeta fax", "z"),
            app("beta", "b"),
            app("OfficeMaster EWS", "o"),
        ];
        let store = [
            saved("z", "officemaster", "http://127.0.0.1:4000/"),
            saved("o", "adopted", "http://127.0.0.1:4000/"),
        ];
        // Another port of the demo tenant is the same cloud.
        let listed = saved_first(apps, &store, TENANT, "http://127.0.0.1:5123/");
        assert_eq!(
            names(&listed),
            [
                ("OfficeMaster EWS", Some("adopted")),
                ("Zeta fax", Some("officemaster")),
                ("alpha", None),
                ("beta", None),
            ]
        );
    }

    #[test]
    fn registrations_of_another_tenant_or_cloud_are_not_marked() {
        let apps = vec![app("b", "b"), app("a", "a")];
        let mut other_tenant = saved("b", "moveit", "https://graph.microsoft.com/");
        other_tenant.tenant_id = "11111111-1111-1111-1111-111111111111".into();
        let store = [
            other_tenant,
            saved("a", "moveit", "https://graph.microsoft.us/"),
        ];
        let listed = saved_first(apps, &store, TENANT, "https://graph.microsoft.com/");
        assert_eq!(names(&listed), [("a", None), ("b", None)]);
    }
}
