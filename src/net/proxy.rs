//! Which proxy, if any, a request goes through: `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY`
//! (lower or upper case) and `NO_PROXY` everywhere, on Windows the Internet Settings when the
//! environment names no proxy. Loopback addresses always go direct, so the demo tenant and the
//! sign-in's local listener work behind any proxy.

use std::fmt;
use std::net::IpAddr;
use std::sync::OnceLock;
use url::Url;

/// A proxy's address. Its URL may carry `user:password`; `Display` and `Debug` show only
/// `host:port`, so the password never reaches a log or an error text.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyAddr {
    url: Url,
}

impl ProxyAddr {
    /// Parses `http://[user:password@]host:port`; a value without scheme is taken as
    /// `http://` (as curl does). `None` for an empty value, an unparsable one, or a scheme
    /// exowiz cannot speak to (SOCKS).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let with_scheme = if value.contains("://") {
            value.to_string()
        } else {
            format!("http://{value}")
        };
        let url = Url::parse(&with_scheme).ok()?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            tracing::warn!(
                proxy = %Self::redacted(&url),
                "proxy ignored: only http:// and https:// proxies are supported"
            );
            return None;
        }
        Some(Self { url })
    }

    /// The URL reqwest connects to, with the account if one was given.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// `host:port` of the proxy.
    pub fn host_port(&self) -> String {
        Self::redacted(&self.url)
    }

    fn redacted(url: &Url) -> String {
        let host = url.host_str().unwrap_or("?");
        match url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }
}

impl fmt::Display for ProxyAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.host_port())
    }
}

impl fmt::Debug for ProxyAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyAddr({})", self.host_port())
    }
}

/// One entry of `NO_PROXY` (or of Windows' ProxyOverride).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bypass {
    /// `*`: no proxy at all.
    Everything,
    /// `example.com`, `.example.com`, `*.example.com`: the domain and everything below it.
    Domain(String),
    /// An address, or a network as `10.0.0.0/8`.
    Network(IpAddr, u8),
    /// Windows' `<local>`: host names without a dot.
    PlainHostNames,
}

impl Bypass {
    fn parse(entry: &str) -> Option<Self> {
        let entry = entry.trim();
        if entry.is_empty() {
            return None;
        }
        if entry == "*" {
            return Some(Self::Everything);
        }
        if entry.eq_ignore_ascii_case("<local>") {
            return Some(Self::PlainHostNames);
        }
        if let Some((ip, bits)) = entry.split_once('/')
            && let (Ok(ip), Ok(bits)) = (ip.parse::<IpAddr>(), bits.parse::<u8>())
        {
            return Some(Self::Network(ip, bits));
        }
        let bare = entry.trim_start_matches('[');
        let bare = bare.split(']').next().unwrap_or(bare);
        if let Ok(ip) = bare.parse::<IpAddr>() {
            let bits = if ip.is_ipv4() { 32 } else { 128 };
            return Some(Self::Network(ip, bits));
        }
        // A port in the entry is ignored: the host decides.
        let host = entry.split(':').next().unwrap_or(entry);
        let domain = host.trim_start_matches("*.").trim_start_matches('.');
        (!domain.is_empty()).then(|| Self::Domain(domain.to_ascii_lowercase()))
    }

    fn matches(&self, host: &url::Host<&str>) -> bool {
        match (self, host) {
            (Self::Everything, _) => true,
            (Self::Domain(d), url::Host::Domain(h)) => {
                let h = h.to_ascii_lowercase();
                h == *d || h.ends_with(&format!(".{d}"))
            }
            (Self::PlainHostNames, url::Host::Domain(h)) => !h.contains('.'),
            (Self::Network(net, bits), url::Host::Ipv4(ip)) => {
                in_network(IpAddr::V4(*ip), *net, *bits)
            }
            (Self::Network(net, bits), url::Host::Ipv6(ip)) => {
                in_network(IpAddr::V6(*ip), *net, *bits)
            }
            _ => false,
        }
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    fn prefix(value: u128, width: u32, bits: u8) -> u128 {
        let bits = u32::from(bits).min(width);
        if bits == 0 {
            0
        } else {
            value >> (width - bits)
        }
    }
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            prefix(u32::from(a).into(), 32, bits) == prefix(u32::from(b).into(), 32, bits)
        }
        (IpAddr::V6(a), IpAddr::V6(b)) => {
            prefix(u128::from(a), 128, bits) == prefix(u128::from(b), 128, bits)
        }
        _ => false,
    }
}

/// The proxies for `https:` and `http:` URLs and the hosts that go direct.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProxySettings {
    https: Option<ProxyAddr>,
    http: Option<ProxyAddr>,
    bypass: Vec<Bypass>,
}

impl ProxySettings {
    /// This process's settings, read once: the environment, else (on Windows) the Internet
    /// Settings of the signed-in user.
    pub fn system() -> &'static ProxySettings {
        static SETTINGS: OnceLock<ProxySettings> = OnceLock::new();
        SETTINGS.get_or_init(|| {
            let from_env = Self::from_vars(|name| std::env::var(name).ok());
            #[cfg(windows)]
            if from_env.https.is_none() && from_env.http.is_none() {
                return super::windows_proxy::internet_settings().unwrap_or_default();
            }
            from_env
        })
    }

    /// The settings the variables name; `var` looks one up (lower case before upper case, as
    /// curl does).
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let lookup = |name: &str| {
            var(&name.to_ascii_lowercase())
                .filter(|v| !v.trim().is_empty())
                .or_else(|| var(name).filter(|v| !v.trim().is_empty()))
        };
        let all = lookup("ALL_PROXY").and_then(|v| ProxyAddr::parse(&v));
        let https = lookup("HTTPS_PROXY")
            .and_then(|v| ProxyAddr::parse(&v))
            .or_else(|| all.clone());
        let http = lookup("HTTP_PROXY")
            .and_then(|v| ProxyAddr::parse(&v))
            .or(all);
        let bypass = lookup("NO_PROXY")
            .map(|v| v.split([',', ' ']).filter_map(Bypass::parse).collect())
            .unwrap_or_default();
        Self {
            https,
            http,
            bypass,
        }
    }

    /// Windows' form: `ProxyServer` is `host:port` for every scheme or
    /// `http=host:port;https=host:port;…`; `ProxyOverride` is a `;`-separated list with
    /// `*.domain` wildcards and `<local>`.
    pub fn from_windows(server: &str, overrides: &str) -> Self {
        let mut settings = Self::default();
        if server.contains('=') {
            for part in server.split(';') {
                let Some((scheme, addr)) = part.split_once('=') else {
                    continue;
                };
                match scheme.trim().to_ascii_lowercase().as_str() {
                    "https" => settings.https = ProxyAddr::parse(addr),
                    "http" => settings.http = ProxyAddr::parse(addr),
                    _ => {}
                }
            }
        } else {
            settings.https = ProxyAddr::parse(server);
            settings.http = settings.https.clone();
        }
        settings.bypass = overrides.split(';').filter_map(Bypass::parse).collect();
        settings
    }

    /// The proxy for `url`, or `None` to go direct.
    pub fn proxy_for(&self, url: &Url) -> Option<&ProxyAddr> {
        let host = url.host()?;
        if is_loopback(&host) || self.bypass.iter().any(|b| b.matches(&host)) {
            return None;
        }
        match url.scheme() {
            "https" => self.https.as_ref(),
            "http" => self.http.as_ref(),
            _ => None,
        }
    }
}

/// 127.0.0.0/8, ::1 and `localhost`: the demo tenant and the sign-in listener.
fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
        url::Host::Domain(d) => {
            d.eq_ignore_ascii_case("localhost") || d.to_ascii_lowercase().ends_with(".localhost")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> ProxySettings {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        ProxySettings::from_vars(|name| vars.get(name).cloned())
    }

    fn via(s: &ProxySettings, url: &str) -> Option<String> {
        s.proxy_for(&Url::parse(url).unwrap())
            .map(|p| p.host_port())
    }

    #[test]
    fn https_proxy_serves_https_and_all_proxy_the_rest() {
        let s = settings(&[
            ("HTTPS_PROXY", "http://proxy.corp:3128"),
            ("ALL_PROXY", "other.corp:8080"),
        ]);
        assert_eq!(
            via(&s, "https://graph.microsoft.com/v1.0/").as_deref(),
            Some("proxy.corp:3128")
        );
        assert_eq!(
            via(&s, "http://example.com/").as_deref(),
            Some("other.corp:8080")
        );
    }

    #[test]
    fn lower_case_wins_and_empty_values_are_unset() {
        let s = settings(&[
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:2"),
            ("http_proxy", " "),
            ("HTTP_PROXY", "http://upper:3"),
        ]);
        assert_eq!(via(&s, "https://a.example/").as_deref(), Some("lower:1"));
        assert_eq!(via(&s, "http://a.example/").as_deref(), Some("upper:3"));
    }

    #[test]
    fn loopback_always_goes_direct() {
        let s = settings(&[("ALL_PROXY", "http://proxy.corp:3128")]);
        for url in [
            "http://127.0.0.1:41234/",
            "http://127.8.9.10/",
            "https://[::1]:8443/",
            "http://localhost:3000/",
            "http://LOCALHOST/",
        ] {
            assert_eq!(via(&s, url), None, "{url}");
        }
        assert!(via(&s, "https://login.microsoftonline.com/").is_some());
    }

    #[test]
    fn no_proxy_domains_addresses_and_networks() {
        let s = settings(&[
            ("HTTPS_PROXY", "http://proxy.corp:3128"),
            (
                "NO_PROXY",
                "contoso.com, .fabrikam.net,10.0.0.0/8,192.168.1.5,*.intra:443",
            ),
        ]);
        for direct in [
            "https://contoso.com/",
            "https://mail.contoso.com/",
            "https://fabrikam.net/",
            "https://a.b.fabrikam.net/",
            "https://10.1.2.3/",
            "https://192.168.1.5/",
            "https://host.intra/",
        ] {
            assert_eq!(via(&s, direct), None, "{direct}");
        }
        for proxied in [
            "https://notcontoso.com/",
            "https://192.168.1.6/",
            "https://11.0.0.1/",
            "https://graph.microsoft.com/",
        ] {
            assert!(via(&s, proxied).is_some(), "{proxied}");
        }
        let all = settings(&[("HTTPS_PROXY", "proxy:1"), ("no_proxy", "*")]);
        assert_eq!(via(&all, "https://graph.microsoft.com/"), None);
    }

    #[test]
    fn the_password_is_kept_for_the_connection_but_never_shown() {
        let s = settings(&[("HTTPS_PROXY", "http://alice:s3cr%40t@proxy.corp:3128")]);
        let p = s
            .proxy_for(&Url::parse("https://graph.microsoft.com/").unwrap())
            .unwrap();
        assert_eq!(p.url().username(), "alice");
        assert_eq!(p.url().password(), Some("s3cr%40t"));
        for shown in [p.to_string(), format!("{p:?}"), format!("{s:?}")] {
            assert!(!shown.contains("s3cr"), "{shown}");
            assert!(!shown.contains("alice"), "{shown}");
        }
        assert_eq!(p.to_string(), "proxy.corp:3128");
    }

    #[test]
    fn socks_and_garbage_are_ignored() {
        let s = settings(&[
            ("HTTPS_PROXY", "socks5://proxy:1080"),
            ("HTTP_PROXY", "http://"),
        ]);
        assert_eq!(s, ProxySettings::default());
    }

    #[test]
    fn windows_internet_settings() {
        let one = ProxySettings::from_windows("proxy.corp:8080", "*.contoso.com;<local>");
        assert_eq!(
            via(&one, "https://graph.microsoft.com/").as_deref(),
            Some("proxy.corp:8080")
        );
        assert_eq!(
            via(&one, "http://example.com/").as_deref(),
            Some("proxy.corp:8080")
        );
        assert_eq!(via(&one, "https://mail.contoso.com/"), None);
        assert_eq!(via(&one, "https://intranet/"), None);
        let per_scheme =
            ProxySettings::from_windows("http=web.corp:80;https=secure.corp:443;ftp=x:21", "");
        assert_eq!(
            via(&per_scheme, "https://a.example/").as_deref(),
            Some("secure.corp:443")
        );
        assert_eq!(
            via(&per_scheme, "http://a.example/").as_deref(),
            Some("web.corp:80")
        );
    }
}
