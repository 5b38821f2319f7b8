//! A company proxy on loopback that inspects TLS, as many admins' networks do: it accepts
//! `CONNECT host:443`, answers 200, and then — instead of tunnelling to the host — terminates
//! the TLS itself with a certificate for that host signed by its own root ("the company's
//! root"), and forwards the decrypted bytes to the demo tenant's plain HTTP port. A client
//! that does not trust that root sees an unknown issuer, exactly as behind the real thing.
//!
//! It only ever connects to the demo tenant's 127.0.0.1 address, whatever host a CONNECT
//! names, so nothing reaches the internet even when a proxy setting goes wrong; and it only
//! accepts names under `.test` (RFC 2606: never resolved), so a request meant for Microsoft
//! that strays here is refused instead of answered by the demo tenant.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// A root certificate authority, as a company's IT would create for its proxy.
pub struct TestCa {
    issuer: Issuer<'static, KeyPair>,
    pem: String,
}

impl TestCa {
    /// A fresh root named `name` (a new key each time: two roots never trust each other).
    pub fn new(name: &str) -> Self {
        let key = KeyPair::generate().expect("CA key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn.push(DnType::OrganizationName, "Contoso IT (test)");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let cert = params.self_signed(&key).expect("CA certificate");
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }

    /// The root as PEM, what `SSL_CERT_FILE` points at.
    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// A server certificate for `host` signed by this root, with its key.
    fn leaf(
        &self,
        host: &str,
    ) -> (
        Vec<rustls::pki_types::CertificateDer<'static>>,
        PrivateKeyDer<'static>,
    ) {
        let key = KeyPair::generate().expect("leaf key");
        let mut params = CertificateParams::new(vec![host.to_string()]).expect("leaf params");
        params.distinguished_name.push(DnType::CommonName, host);
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("leaf certificate");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        (vec![cert.der().clone()], key)
    }
}

/// What the proxy does with a CONNECT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyMode {
    /// 200, then TLS with the proxy's root and the bytes to the demo tenant.
    Inspect,
    /// 407 Proxy Authentication Required for every CONNECT, credentials or not.
    DemandSignIn,
}

/// One CONNECT the proxy saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    /// `host:port` from the request line.
    pub target: String,
    /// Whether the request carried a `Proxy-Authorization` header.
    pub had_credentials: bool,
    /// Whether the client completed the TLS handshake with the proxy's certificate (only in
    /// [`ProxyMode::Inspect`]; `false` when it refused the certificate or was answered 407).
    pub handshake_done: bool,
}

/// The running proxy; stops when dropped.
pub struct TlsProxy {
    addr: SocketAddr,
    connects: Arc<Mutex<Vec<Connect>>>,
    task: JoinHandle<()>,
}

impl TlsProxy {
    /// Starts the proxy on 127.0.0.1 in `mode`, inspecting with `ca` and forwarding to
    /// `upstream` (the demo tenant's address).
    pub async fn start(mode: ProxyMode, ca: Arc<TestCa>, upstream: SocketAddr) -> Self {
        assert!(
            upstream.ip().is_loopback(),
            "the proxy forwards to loopback only"
        );
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .expect("bind proxy");
        let addr = listener.local_addr().unwrap();
        let connects = Arc::new(Mutex::new(Vec::new()));
        let seen = connects.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    return;
                };
                let (ca, seen) = (ca.clone(), seen.clone());
                tokio::spawn(async move {
                    let _ = serve(client, mode, &ca, upstream, &seen).await;
                });
            }
        });
        TlsProxy {
            addr,
            connects,
            task,
        }
    }

    /// `http://127.0.0.1:port`, the value for `HTTPS_PROXY`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:port`, as exowiz's sentences name a proxy.
    pub fn host_port(&self) -> String {
        self.addr.to_string()
    }

    /// Every CONNECT so far, in arrival order.
    pub fn connects(&self) -> Vec<Connect> {
        self.connects.lock().unwrap().clone()
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    client: TcpStream,
    mode: ProxyMode,
    ca: &TestCa,
    upstream: SocketAddr,
    seen: &Mutex<Vec<Connect>>,
) -> std::io::Result<()> {
    // The client sends nothing after the request head until it has the answer, so the reader's
    // buffer holds no TLS bytes when the head is read.
    let mut client = BufReader::new(client);
    let mut request_line = String::new();
    client.read_line(&mut request_line).await?;
    let mut had_credentials = false;
    loop {
        let mut line = String::new();
        if client.read_line(&mut line).await? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        had_credentials |= line
            .to_ascii_lowercase()
            .starts_with("proxy-authorization:");
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "CONNECT" {
        // exowiz has no plain-HTTP business with the public names; a company proxy would
        // forward it, this one says it was not expected.
        client
            .write_all(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    let index = {
        let mut seen = seen.lock().unwrap();
        seen.push(Connect {
            target: target.to_string(),
            had_credentials,
            handshake_done: false,
        });
        seen.len() - 1
    };
    let host = target.rsplit_once(':').map_or(target, |(h, _)| h);
    if !host.ends_with(".test") {
        client
            .write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            .await?;
        return Ok(());
    }
    if mode == ProxyMode::DemandSignIn {
        client
            .write_all(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n\
                  Proxy-Authenticate: Basic realm=\"Contoso proxy\"\r\n\
                  Content-Length: 0\r\nConnection: close\r\n\r\n",
            )
            .await?;
        return Ok(());
    }
    client
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await?;
    let (chain, key) = ca.leaf(host);
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("leaf certificate and key match");
    // HTTP/1.1 only, as the inspecting proxies admins meet mostly speak; the demo tenant
    // behind it gets the decrypted bytes as they are.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let mut tls = TlsAcceptor::from(Arc::new(config)).accept(client).await?;
    seen.lock().unwrap()[index].handshake_done = true;
    let mut tenant = TcpStream::connect(upstream).await?;
    tokio::io::copy_bidirectional(&mut tls, &mut tenant).await?;
    Ok(())
}
