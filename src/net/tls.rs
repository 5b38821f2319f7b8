//! The TLS configuration: which root certificates exowiz trusts.

use rustls::RootCertStore;
use std::sync::{Arc, OnceLock};

/// The client configuration, built once per process (reading the system store takes a while
/// and its answer does not change while exowiz runs).
pub(super) fn client_config() -> rustls::ClientConfig {
    static CONFIG: OnceLock<rustls::ClientConfig> = OnceLock::new();
    CONFIG.get_or_init(build).clone()
}

fn build() -> rustls::ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports rustls' default protocol versions")
        .with_root_certificates(root_store())
        .with_no_client_auth();
    // reqwest leaves a preconfigured TLS setup as it is, so the HTTP/2 offer is made here.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

/// The operating system's roots (`SSL_CERT_FILE` / `SSL_CERT_DIR` replace them, as for
/// OpenSSL; rustls-native-certs 0.8 reads them before the platform's store on every system,
/// Windows and macOS included); the bundled webpki roots only when the system gave none, so that a
/// machine without a readable store still reaches Microsoft.
fn root_store() -> RootCertStore {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::debug!(%error, "a source of the system's root certificates could not be read");
    }
    let mut store = RootCertStore::empty();
    let (added, ignored) = store.add_parsable_certificates(found.certs);
    if store.is_empty() {
        tracing::debug!("no usable root certificate in the system store; using the bundled roots");
        store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    } else {
        tracing::debug!(added, ignored, "root certificates from the system store");
    }
    store
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_store_is_never_empty() {
        assert!(!root_store().is_empty());
    }
}
