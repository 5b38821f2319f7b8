//! The admin-consent link an app's permissions are granted through in the browser.

use crate::endpoints::Endpoints;

/// The admin-consent link (v1 endpoint: grants everything the app requests, graph-facts §3).
/// The state only lets a browser callback be matched; the link carries no redirect URI, so
/// Entra shows its own result page and exowiz reads the grants from Graph.
pub fn consent_url(endpoints: &Endpoints, tenant_id: &str, client_id: &str) -> String {
    crate::auth::admin_consent_url(
        endpoints,
        tenant_id,
        client_id,
        Some(crate::auth::CONSENT_REDIRECT_URI),
        "exowiz",
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_link_is_the_v1_admin_consent_endpoint() {
        let e = Endpoints::custom("http://127.0.0.1:9/", "http://127.0.0.1:9/").unwrap();
        assert_eq!(
            consent_url(&e, "t-1", "c-1"),
            "http://127.0.0.1:9/t-1/adminconsent?client_id=c-1&state=exowiz&redirect_uri=http%3A%2F%2Flocalhost"
        );
    }
}
