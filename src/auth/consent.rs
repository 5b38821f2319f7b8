//! The admin consent link (v1 form): grants every permission configured on the app.

use url::Url;

use crate::endpoints::Endpoints;

/// The redirect URI exowiz registers on every app it makes ("Web" platform) and passes in the
/// consent link. Entra requires a registered `redirect_uri` for admin consent; for `localhost`
/// it ignores the port when matching (Microsoft identity platform, "Redirect URI (reply URL)
/// best practices and limitations", localhost exceptions), so one entry serves a loopback
/// listener on any port, and where nothing listens the browser shows a connection error
/// after the consent went through.
pub const CONSENT_REDIRECT_URI: &str = "http://localhost";

/// `{login}{tenant}/adminconsent?client_id=…&state=…[&redirect_uri=…]`.
///
/// `tenant_id` should be the tenant GUID (a verified domain also works); `redirect_uri` must be
/// one registered on the app, or `None` to let Entra show its own result page.
pub fn admin_consent_url(
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
    redirect_uri: Option<&str>,
    state: &str,
) -> Url {
    let mut url = endpoints.login.clone();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments
            .pop_if_empty()
            .push(tenant_id.trim())
            .push("adminconsent");
    }
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", client_id.trim());
        q.append_pair("state", state);
        if let Some(r) = redirect_uri {
            q.append_pair("redirect_uri", r);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::Cloud;

    #[test]
    fn global() {
        let u = admin_consent_url(
            &Endpoints::for_cloud(Cloud::Global),
            "72f988bf-86f1-41af-91ab-2d7cd011db47",
            "11111111-2222-3333-4444-555555555555",
            Some("http://localhost"),
            "xyz",
        );
        assert_eq!(
            u.as_str(),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/adminconsent?client_id=11111111-2222-3333-4444-555555555555&state=xyz&redirect_uri=http%3A%2F%2Flocalhost"
        );
    }

    #[test]
    fn custom_base_path_kept_and_no_redirect() {
        let e = Endpoints::custom("http://127.0.0.1:9/login", "http://127.0.0.1:9/graph").unwrap();
        let u = admin_consent_url(&e, "contoso.com", "c", None, "s");
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:9/login/contoso.com/adminconsent?client_id=c&state=s"
        );
    }
}
