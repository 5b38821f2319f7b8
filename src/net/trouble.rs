//! What went wrong on the way to a host, in a sentence an admin can act on: a certificate that
//! is not trusted (typically a TLS-inspecting company proxy whose root is not installed), a
//! proxy that wants a sign-in (407), a proxy that cannot be reached. An untrusted certificate
//! and a 407 are not worth a retry: the same request meets the same refusal until the admin
//! changes something.

use super::ProxySettings;
use crate::i18n::tf;
use std::error::Error as StdError;
use url::Url;

/// A network failure exowiz can explain more precisely than "could not reach".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetTrouble {
    /// The TLS certificate `host` presented does not chain to a trusted root (or is not valid
    /// for that name, or has expired).
    UntrustedCertificate { host: String },
    /// The proxy answered 407 Proxy Authentication Required. `proxy` is `host:port`.
    ProxyWantsSignIn { proxy: String },
    /// No connection to the proxy. `proxy` is `host:port`.
    ProxyUnreachable { proxy: String },
}

impl NetTrouble {
    /// Whether trying again could help: a proxy may come back, a certificate or a refused
    /// sign-in does not change by itself.
    pub fn worth_retrying(&self) -> bool {
        matches!(self, Self::ProxyUnreachable { .. })
    }

    /// The sentence in the current language.
    pub fn sentence(&self) -> String {
        match self {
            Self::UntrustedCertificate { host } => {
                tf("net.untrusted_certificate", &[("host", host)])
            }
            Self::ProxyWantsSignIn { proxy } => tf("net.proxy_sign_in", &[("proxy", proxy)]),
            Self::ProxyUnreachable { proxy } => tf("net.proxy_unreachable", &[("proxy", proxy)]),
        }
    }
}

impl std::fmt::Display for NetTrouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sentence())
    }
}

/// What `error`, met on a request to `url`, came from, if it is one of the failures above.
pub fn diagnose(error: &reqwest::Error, url: &Url) -> Option<NetTrouble> {
    let proxy = ProxySettings::system().proxy_for(url);
    let mut untrusted = false;
    let mut proxy_refused = false;
    let mut tunnel_not_built = false;
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = source {
        untrusted |= is_certificate_error(e);
        // hyper-util does not export its tunnel error type; its texts are all there is.
        let text = e.to_string();
        proxy_refused |= text.contains("proxy authorization required");
        tunnel_not_built |= text.contains("failed to create underlying connection");
        source = e.source();
    }
    if untrusted {
        let host = url.host_str().unwrap_or("?").to_string();
        return Some(NetTrouble::UntrustedCertificate { host });
    }
    let proxy = proxy?.host_port();
    if proxy_refused {
        Some(NetTrouble::ProxyWantsSignIn { proxy })
    } else if tunnel_not_built || error.is_connect() && !url_is_tunnelled(url) {
        Some(NetTrouble::ProxyUnreachable { proxy })
    } else {
        None
    }
}

/// HTTPS goes through a CONNECT tunnel, whose failures are told apart above; a plain HTTP
/// request's connect error through a proxy is the proxy's.
fn url_is_tunnelled(url: &Url) -> bool {
    url.scheme() == "https"
}

/// rustls' "certificate not accepted", directly or inside the `io::Error` tokio-rustls wraps
/// it in (whose `source()` skips the wrapped error itself).
fn is_certificate_error(e: &(dyn StdError + 'static)) -> bool {
    let tls = e.downcast_ref::<rustls::Error>().or_else(|| {
        e.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    });
    matches!(
        tls,
        Some(rustls::Error::InvalidCertificate(_))
            | Some(rustls::Error::AlertReceived(
                rustls::AlertDescription::UnknownCA | rustls::AlertDescription::BadCertificate
            ))
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Language, with_language};

    #[test]
    fn sentences_name_the_host_or_proxy_in_both_languages() {
        let cases = [
            (
                NetTrouble::UntrustedCertificate {
                    host: "graph.microsoft.com".into(),
                },
                "graph.microsoft.com",
            ),
            (
                NetTrouble::ProxyWantsSignIn {
                    proxy: "proxy.corp:3128".into(),
                },
                "proxy.corp:3128",
            ),
            (
                NetTrouble::ProxyUnreachable {
                    proxy: "proxy.corp:3128".into(),
                },
                "proxy.corp:3128",
            ),
        ];
        for (trouble, named) in cases {
            let en = with_language(Language::English, || trouble.sentence());
            let de = with_language(Language::German, || trouble.sentence());
            assert!(en.contains(named) && de.contains(named), "{en} / {de}");
            assert_ne!(en, de);
        }
        let en = with_language(Language::English, || {
            NetTrouble::UntrustedCertificate { host: "h".into() }.sentence()
        });
        assert!(
            en.contains("not trusted") && en.contains("SSL_CERT_FILE"),
            "{en}"
        );
        let en = with_language(Language::English, || {
            NetTrouble::ProxyWantsSignIn {
                proxy: "p:1".into(),
            }
            .sentence()
        });
        assert!(en.contains("407"), "{en}");
    }

    #[test]
    fn an_io_wrapped_rustls_certificate_error_is_recognised() {
        let inner = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
        assert!(is_certificate_error(&io));
        let other = std::io::Error::new(std::io::ErrorKind::InvalidData, "no");
        assert!(!is_certificate_error(&other));
    }
}
