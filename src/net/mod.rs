//! How exowiz reaches the network: the one HTTP client that sign-in and Graph use, trusting the
//! operating system's root certificates and honouring the system's proxy settings, and the
//! sentences for the failures an admin behind a corporate proxy meets.
//!
//! Admins' networks often route HTTPS through a proxy that inspects TLS with the company's own
//! root certificate, installed in the operating system's store; the roots bundled into exowiz
//! alone would refuse every such connection.

mod proxy;
mod tls;
mod trouble;
#[cfg(windows)]
mod windows_proxy;

pub use proxy::{ProxyAddr, ProxySettings};
pub use trouble::{NetTrouble, diagnose};

use std::time::Duration;

/// How long one connection attempt and one whole request may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

/// Reads the system's root certificates now (blocking work, once per process), so that the
/// first client built later does not wait for them.
pub fn warm_up() {
    let _ = tls::client_config();
}

/// The HTTP client for every call exowiz makes: roots from the operating system's store (the
/// bundled webpki roots when that store is empty or unreadable), the proxy from the
/// environment (and on Windows the Internet Settings), loopback always direct, no cookies, a
/// user agent naming exowiz.
pub fn http_client(timeouts: Timeouts) -> reqwest::Result<reqwest::Client> {
    let settings = ProxySettings::system().clone();
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.request)
        .user_agent(concat!("exowiz/", env!("CARGO_PKG_VERSION")))
        .use_preconfigured_tls(tls::client_config())
        // One rule decides for every URL (replacing reqwest's own reading of the environment):
        // loopback direct, NO_PROXY direct, otherwise the configured proxy.
        .no_proxy()
        .proxy(reqwest::Proxy::custom(move |url| {
            settings.proxy_for(url).map(|p| p.url().clone())
        }))
        .build()
}
