//! OpenID discovery (`{authority}/.well-known/openid-configuration`) and the tenant-ID lookup
//! by domain, which needs no sign-in.

use serde::Deserialize;
use url::Url;

use super::error::AuthError;
use super::transport::{Ctx, get_json, host_of};
use crate::endpoints::Endpoints;
use crate::i18n::{t, tf};

/// The parts of the discovery document sign-in uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcConfig {
    pub authorization_endpoint: Url,
    pub token_endpoint: Url,
    /// Absent when the service does not offer the device-code sign-in.
    pub device_authorization_endpoint: Option<Url>,
    pub issuer: String,
    /// Tenant GUID taken from the issuer; `None` for the `{tenantid}` template of
    /// `organizations`/`common`.
    pub tenant_id: Option<String>,
}

#[derive(Deserialize)]
struct RawOidc {
    authorization_endpoint: String,
    token_endpoint: String,
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    issuer: String,
}

const MULTI_TENANT: &[&str] = &["organizations", "common", "consumers"];

/// Checks a tenant given by the admin: a GUID, `organizations`/`common`/`consumers`, or a
/// domain. Returns it in the form used in URLs (lower case, punycode).
pub(crate) fn normalize_tenant(tenant: &str) -> Result<String, AuthError> {
    let t = tenant.trim();
    if let Ok(g) = uuid::Uuid::parse_str(t) {
        return Ok(g.hyphenated().to_string());
    }
    let lower = t.to_ascii_lowercase();
    if MULTI_TENANT.contains(&lower.as_str()) {
        return Ok(lower);
    }
    normalize_domain(t)
}

/// Checks the syntax of a domain name such as `contoso.com` and returns it lower-case (and in
/// punycode for international names). An e-mail address is accepted and its domain used.
pub fn normalize_domain(input: &str) -> Result<String, AuthError> {
    let raw = input.trim();
    let shown = raw.to_string();
    let invalid = |why: &str| {
        AuthError::InvalidTenantInput(tf(
            "tenant_input.invalid",
            &[("domain", &shown), ("why", why)],
        ))
    };
    if raw.is_empty() {
        return Err(AuthError::InvalidTenantInput(
            t("tenant_input.empty").to_string(),
        ));
    }
    let domain = match raw.rsplit_once('@') {
        Some((_, d)) => d,
        None => raw,
    };
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if domain.chars().any(char::is_whitespace) {
        return Err(invalid(t("tenant_input.invalid_space")));
    }
    if domain.contains(['/', '\\', ':', '?', '#', '%']) {
        return Err(invalid(t("tenant_input.invalid_url")));
    }
    if !domain.contains('.') {
        return Err(invalid(t("tenant_input.invalid_no_dot")));
    }
    let ascii = match url::Host::parse(domain) {
        Ok(url::Host::Domain(d)) => d,
        Ok(_) => return Err(invalid(t("tenant_input.invalid_ip"))),
        Err(_) => return Err(invalid(t("tenant_input.invalid_characters"))),
    };
    if ascii.len() > 253 {
        return Err(invalid(t("tenant_input.invalid_too_long")));
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(invalid(t("tenant_input.invalid_empty_part")));
        }
        if label.len() > 63 {
            return Err(invalid(t("tenant_input.invalid_long_part")));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(invalid(t("tenant_input.invalid_part_characters")));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid(t("tenant_input.invalid_hyphen")));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(invalid(t("tenant_input.invalid_numeric_end")));
    }
    Ok(ascii)
}

fn parse_endpoint(
    name: &str,
    value: &str,
    endpoints: &Endpoints,
    doc_url: &Url,
) -> Result<Url, AuthError> {
    let bad = |what: String| AuthError::BadResponse {
        host: host_of(doc_url),
        status: 200,
        what,
    };
    let url = Url::parse(value).map_err(|_| bad(format!("{name} is not a URL")))?;
    // Never send a code verifier, refresh token or secret over plain HTTP unless the
    // configured sign-in URL itself is plain HTTP (local demo tenant, tests).
    if url.scheme() != "https" && url.scheme() != endpoints.login.scheme() {
        return Err(bad(format!("{name} does not use HTTPS")));
    }
    Ok(url)
}

/// The tenant GUID in an issuer such as `https://login.microsoftonline.com/{guid}/v2.0` or
/// `https://sts.windows.net/{guid}/`.
fn tenant_from_issuer(issuer: &str) -> Option<String> {
    let url = Url::parse(issuer).ok()?;
    url.path_segments()?
        .find_map(|seg| uuid::Uuid::parse_str(seg).ok())
        .map(|g| g.hyphenated().to_string())
}

/// Reads the discovery document of `tenant` (GUID, domain, `organizations`).
pub async fn discover(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant: &str,
) -> Result<OidcConfig, AuthError> {
    let tenant = normalize_tenant(tenant)?;
    let authority = endpoints.authority(&tenant);
    let doc_url = Url::parse(&format!(
        "{}/.well-known/openid-configuration",
        authority.as_str().trim_end_matches('/')
    ))
    .map_err(|_| {
        AuthError::InvalidTenantInput(tf("tenant_input.not_in_url", &[("tenant", &tenant)]))
    })?;
    let raw: RawOidc = get_json(
        http,
        &doc_url,
        Ctx {
            client_id: None,
            tenant: Some(&tenant),
        },
    )
    .await
    .map_err(|e| match e {
        AuthError::UnknownTenant { trace_id, .. } => AuthError::UnknownTenant {
            tenant: tenant.clone(),
            trace_id,
        },
        other => other,
    })?;
    let device = match raw.device_authorization_endpoint.as_deref() {
        Some(d) if !d.is_empty() => Some(parse_endpoint(
            "device_authorization_endpoint",
            d,
            endpoints,
            &doc_url,
        )?),
        _ => None,
    };
    Ok(OidcConfig {
        authorization_endpoint: parse_endpoint(
            "authorization_endpoint",
            &raw.authorization_endpoint,
            endpoints,
            &doc_url,
        )?,
        token_endpoint: parse_endpoint("token_endpoint", &raw.token_endpoint, endpoints, &doc_url)?,
        device_authorization_endpoint: device,
        tenant_id: tenant_from_issuer(&raw.issuer),
        issuer: raw.issuer,
    })
}

/// Discovery documents read by this process, by authority and tenant. Only answers are kept,
/// never failures. The document names the endpoints of an authority and does not change while
/// a command runs (MSAL keeps it in memory the same way); remembering it lets a rotation read
/// it while it reads the app, and every token of a check use one copy instead of fetching it
/// again before each token (issue 13: 7 dependent round trips became 3).
static DISCOVERED: std::sync::LazyLock<
    std::sync::Mutex<std::collections::HashMap<(String, String), OidcConfig>>,
> = std::sync::LazyLock::new(Default::default);

/// [`discover`], answered from this process's earlier reading of the same document when there
/// is one.
pub async fn discover_once(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant: &str,
) -> Result<OidcConfig, AuthError> {
    let key = (
        endpoints.login.to_string(),
        tenant.trim().to_ascii_lowercase(),
    );
    let known = DISCOVERED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&key)
        .cloned();
    if let Some(oidc) = known {
        return Ok(oidc);
    }
    let oidc = discover(http, endpoints, tenant).await?;
    DISCOVERED
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, oidc.clone());
    Ok(oidc)
}

/// The tenant ID of the organisation that owns `domain`, without signing in.
pub async fn lookup_tenant_id(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    domain: &str,
) -> Result<String, AuthError> {
    let trimmed = domain.trim();
    let tenant = match uuid::Uuid::parse_str(trimmed) {
        Ok(g) => g.hyphenated().to_string(),
        Err(_) => normalize_domain(trimmed)?,
    };
    let doc = discover(http, endpoints, &tenant).await?;
    doc.tenant_id.ok_or_else(|| AuthError::BadResponse {
        host: host_of(&endpoints.login),
        status: 200,
        what: "the discovery document names no tenant ID".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Accounts step's tenant lookup shows these in German.
    #[test]
    fn domain_sentences_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let english = normalize_domain("contoso").unwrap_err().to_string();
        assert_eq!(
            english,
            "“contoso” is not a valid domain name: it has no dot; a domain has at least two parts, \
             like contoso.com. Enter a domain of the organisation such as contoso.com or \
             contoso.onmicrosoft.com, or its tenant ID."
        );
        let german = with_language(Language::German, || {
            normalize_domain("https://contoso.com/")
                .unwrap_err()
                .to_string()
        });
        assert_eq!(
            german,
            "„https://contoso.com/“ ist kein gültiger Domänenname: Geben Sie nur die Domäne ein, \
             ohne http://, Schrägstriche oder Port. Geben Sie eine Domäne der Organisation ein, \
             z. B. contoso.com oder contoso.onmicrosoft.com, oder ihre Mandanten-ID."
        );
    }

    #[test]
    fn domains() {
        assert_eq!(normalize_domain(" Contoso.COM ").unwrap(), "contoso.com");
        assert_eq!(normalize_domain("contoso.com.").unwrap(), "contoso.com");
        assert_eq!(
            normalize_domain("admin@contoso.com").unwrap(),
            "contoso.com"
        );
        assert_eq!(normalize_domain("müller.de").unwrap(), "xn--mller-kva.de");
        for bad in [
            "contoso",
            "a b.com",
            "",
            "https://contoso.com",
            "contoso..com",
            "-x.com",
            "1.2.3.4",
            "x_y.com",
            "contoso.123",
        ] {
            let e = normalize_domain(bad).unwrap_err();
            assert!(matches!(e, AuthError::InvalidTenantInput(_)), "{bad}");
        }
        let e = normalize_domain("contoso").unwrap_err().to_string();
        assert!(e.contains("“contoso” is not a valid domain name"), "{e}");
        assert!(e.contains("no dot"), "{e}");
        let e = normalize_domain("a b.com").unwrap_err().to_string();
        assert!(e.contains("space"), "{e}");
    }

    #[test]
    fn tenants() {
        assert_eq!(normalize_tenant("Organizations").unwrap(), "organizations");
        assert_eq!(
            normalize_tenant("72F988BF-86F1-41AF-91AB-2D7CD011DB47").unwrap(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert!(normalize_tenant("contoso").is_err());
    }

    #[test]
    fn issuer_tenant() {
        assert_eq!(
            tenant_from_issuer(
                "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
            )
            .as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(
            tenant_from_issuer("https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/")
                .as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(
            tenant_from_issuer("https://login.microsoftonline.com/{tenantid}/v2.0"),
            None
        );
    }
}
