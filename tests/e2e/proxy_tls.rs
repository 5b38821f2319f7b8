//! Behind a corporate proxy that inspects TLS (issue 12, part 4): the real exowiz binary
//! registers through a loopback proxy that terminates HTTPS with its own root certificate
//! (tests/support/tls_proxy.rs) in front of the demo tenant, which answers as
//! `https://login.exowiz.test/` and `https://graph.exowiz.test/` (`PublicUrls`).
//!
//! The names are under `.test` (RFC 2606), which never resolves: if a proxy setting were
//! ignored, exowiz would fail to look the host up instead of reaching anything on the internet.
//! Each run gets its own HOME, XDG and data directories and only the proxy variable under test;
//! the root is trusted (or not) through `SSL_CERT_FILE`, which rustls-native-certs reads in
//! place of the system store.

use crate::support;

use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::time::Duration;

use demo_tenant::{Emulator, EmulatorConfig, PublicUrls};
use support::tls_proxy::{Connect, ProxyMode, TestCa, TlsProxy};
use support::*;

const LOGIN: &str = "https://login.exowiz.test/";
const GRAPH: &str = "https://graph.exowiz.test/";

/// Every variable that could route exowiz's requests or choose its trust store; each run
/// removes them all and sets only what it tests.
const PROXY_AND_TRUST_VARS: &[&str] = &[
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
];

async fn public_tenant() -> Emulator {
    emulator(EmulatorConfig {
        public_urls: Some(PublicUrls::new(
            url::Url::parse(LOGIN).unwrap(),
            url::Url::parse(GRAPH).unwrap(),
        )),
        ..quick_config()
    })
    .await
}

/// One run of the binary: its own home and data folder, English, debug logging (so that the
/// secret checks also look at what the log would show), sign-in and Graph at the public names.
struct Run<'a> {
    home: &'a Path,
    /// `HTTPS_PROXY`'s value.
    proxy: &'a str,
    /// The PEM file `SSL_CERT_FILE` names.
    roots: &'a Path,
    /// A Graph token (skips the sign-in) or `None` for the device-code sign-in.
    token: Option<&'a str>,
}

impl Run<'_> {
    async fn exowiz(&self, args: &[&str]) -> Output {
        let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_exowiz"));
        for var in PROXY_AND_TRUST_VARS {
            cmd.env_remove(var);
        }
        let data = self.home.join("exowiz-data");
        cmd.args(args)
            .env("HOME", self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("XDG_STATE_HOME", self.home.join(".local/state"))
            .env("XDG_CACHE_HOME", self.home.join(".cache"))
            .env("EXOWIZ_DATA_DIR", &data)
            .env("EXOWIZ_LOGIN_URL", LOGIN)
            .env("EXOWIZ_GRAPH_URL", GRAPH)
            .env("EXOWIZ_NO_BROWSER", "1")
            .env("EXOWIZ_LOG", "debug")
            .env("LC_ALL", "C")
            .env("HTTPS_PROXY", self.proxy)
            .env("SSL_CERT_FILE", self.roots)
            .env_remove("EXOWIZ_ACCESS_TOKEN")
            .env_remove("EXOWIZ_EWS_URL")
            .kill_on_drop(true);
        if let Some(token) = self.token {
            cmd.env("EXOWIZ_ACCESS_TOKEN", token);
        }
        tokio::time::timeout(Duration::from_secs(120), cmd.output())
            .await
            .expect("exowiz finishes within two minutes")
            .expect("exowiz runs")
    }
}

const REGISTER: &[&str] = &[
    "register",
    "--profile",
    "officemaster",
    "--mailbox",
    "fax-transfer@contoso.com",
    "--domain",
    "fax=fax.contoso",
    "--json",
    "--device-code",
];

fn write_pem(dir: &Path, name: &str, pem: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pem).unwrap();
    path
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The run's log file, for failure messages.
fn run_log(home: &Path) -> String {
    std::fs::read_to_string(home.join("exowiz-data").join("exowiz.log")).unwrap_or_default()
}

/// No retry: every CONNECT the proxy saw went to `host` and stands for a different request,
/// and no request was sent twice. A refused handshake or a 407 hides from the proxy which
/// request a tunnel was for, so the run's debug log names the requests: the registration
/// starts several Graph reads at once (one tunnel each), each logged with its
/// client-request-id; sign-in requests are one log line each. A retry would add a second line
/// with the same id (or a second sign-in line) and a second CONNECT.
fn assert_one_connect_per_request(connects: &[Connect], home: &Path, host: &str) {
    let log = run_log(home);
    let mut graph_ids = Vec::new();
    let mut sign_in = 0;
    for line in log.lines() {
        if line.contains("\"Graph request\"") || line.contains(" Graph request ") {
            let id = line
                .split("client_request_id=")
                .nth(1)
                .map(|rest| rest.split_whitespace().next().unwrap_or("").to_string())
                .expect("Graph request lines carry their client-request-id");
            graph_ids.push(id);
        } else if line.contains("sign-in GET") || line.contains("sign-in POST") {
            sign_in += 1;
        }
    }
    let attempts = graph_ids.len() + sign_in;
    graph_ids.sort();
    graph_ids.dedup();
    let requests = graph_ids.len() + sign_in;
    assert!(requests > 0, "the log names no request:\n{log}");
    assert_eq!(attempts, requests, "a request was retried:\n{log}");
    assert!(!log.contains("retrying"), "a request was retried:\n{log}");
    // At most one CONNECT per request, not exactly one: the run ends at the first refusal, and
    // a read started at the same moment may be cut off before its CONNECT reaches the proxy.
    assert!(
        (1..=requests).contains(&connects.len()),
        "more CONNECTs than requests ({requests}): {connects:?}\nlog:\n{log}"
    );
    let target = format!("{host}:443");
    assert!(
        connects.iter().all(|c| c.target == target),
        "CONNECTs beyond {target}: {connects:?}"
    );
}

/// Neither stream nor any file of the run holds `needle`.
fn assert_nowhere(home: &Path, out: &Output, needle: &str, what: &str) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert!(
            !String::from_utf8_lossy(bytes).contains(needle),
            "{what} on {name}"
        );
    }
    let files = files_containing(home, needle);
    assert!(files.is_empty(), "{what} written to {files:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_succeeds_through_an_inspecting_proxy_whose_root_the_machine_trusts() {
    let emu = public_tenant().await;
    let ca = Arc::new(TestCa::new("Contoso Inspection Root"));
    let proxy = TlsProxy::start(ProxyMode::Inspect, ca.clone(), emu.addr()).await;
    let home = tempfile::tempdir().unwrap();
    let roots = write_pem(home.path(), "company-root.pem", ca.pem());
    let run = Run {
        home: home.path(),
        proxy: &proxy.url(),
        roots: &roots,
        token: None,
    };

    let out = run.exowiz(REGISTER).await;
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let json = stdout_json(&out);
    assert_eq!(json["tenant_id"], emu.tenant_id().as_str());
    assert_eq!(json["mailbox_check"]["outcome"], "shared_mailbox");

    // It really went through the proxy, to both public names, and through nothing else: the
    // demo tenant saw the sign-in and the registration, the proxy a CONNECT for each host.
    let connects = proxy.connects();
    for host in ["login.exowiz.test:443", "graph.exowiz.test:443"] {
        assert!(
            connects
                .iter()
                .any(|c| c.target == host && c.handshake_done),
            "no inspected tunnel to {host}: {connects:?}"
        );
    }
    assert!(
        connects
            .iter()
            .all(|c| c.target.ends_with(".exowiz.test:443")),
        "{connects:?}"
    );
    let requests = emu.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.method == "POST" && r.path_and_query.contains("/oauth2/v2.0/devicecode")),
        "no device-code request reached the tenant"
    );
    let client_id = json["client_id"].as_str().unwrap();
    let app = graph_get(&emu, &format!("applications(appId='{client_id}')")).await;
    assert_eq!(app["appId"], client_id);

    // The secret is handed over on stdout only: not on stderr, not in the log or any file.
    let secret = json["secret"]["value"].as_str().unwrap();
    assert!(secret.len() >= 16, "a real secret");
    assert!(!stderr(&out).contains(secret), "secret on stderr");
    let files = files_containing(home.path(), secret);
    assert!(files.is_empty(), "secret written to {files:?}");
}

/// The proxy's root is not among the roots exowiz trusts: one sentence naming the host and
/// what to do, a failed exit, one CONNECT (no retry), nothing created, no secret anywhere.
async fn untrusted_root_case(token: Option<&str>, first_host: &str, emu: &Emulator) {
    let company = Arc::new(TestCa::new("Contoso Inspection Root"));
    // SSL_CERT_FILE names another root, so the machine's own store plays no part: the run
    // differs from the successful one only in which root is trusted.
    let other = TestCa::new("Some Other Root");
    let proxy = TlsProxy::start(ProxyMode::Inspect, company, emu.addr()).await;
    let home = tempfile::tempdir().unwrap();
    let roots = write_pem(home.path(), "other-root.pem", other.pem());
    let run = Run {
        home: home.path(),
        proxy: &proxy.url(),
        roots: &roots,
        token,
    };
    let apps_before = emu.snapshot()["applications"].as_array().map(Vec::len);
    emu.clear_requests();

    let out = run.exowiz(REGISTER).await;
    let err = stderr(&out);
    assert!(!out.status.success(), "succeeded without trust: {err}");
    assert!(
        err.contains(&format!(
            "The connection to {first_host} was refused because the certificate it presented is not trusted"
        )),
        "no certificate sentence naming {first_host}: {err}"
    );
    assert!(
        err.contains("operating system's certificate store") && err.contains("SSL_CERT_FILE"),
        "the sentence does not say what to do: {err}"
    );
    for raw in ["panicked", "UnknownIssuer", "invalid peer certificate"] {
        assert!(!err.contains(raw), "raw error text on stderr: {err}");
    }
    let connects = proxy.connects();
    assert_one_connect_per_request(&connects, home.path(), first_host);
    assert!(connects.iter().all(|c| !c.handshake_done), "{connects:?}");
    assert!(
        emu.requests().is_empty(),
        "nothing may reach the tenant: {:?}",
        emu.requests()
    );
    assert_eq!(
        emu.snapshot()["applications"].as_array().map(Vec::len),
        apps_before,
        "an app was created"
    );
    if let Some(token) = token {
        assert_nowhere(home.path(), &out, token, "the access token");
    }
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("secret"),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_inspecting_proxy_fails_the_sign_in_once_with_a_sentence() {
    let emu = public_tenant().await;
    untrusted_root_case(None, "login.exowiz.test", &emu).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_untrusted_inspecting_proxy_fails_graph_once_with_a_sentence() {
    let emu = public_tenant().await;
    let token = admin_token(&emu);
    untrusted_root_case(Some(&token), "graph.exowiz.test", &emu).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_that_answers_407_gets_the_proxy_sign_in_sentence_once() {
    let emu = public_tenant().await;
    let ca = Arc::new(TestCa::new("Contoso Inspection Root"));
    let proxy = TlsProxy::start(ProxyMode::DemandSignIn, ca.clone(), emu.addr()).await;
    // The proxy refuses this account too; its password must not come back out.
    let password = "Pr0xy-Pa55word";
    let proxy_url = format!("http://alice:{password}@{}", proxy.host_port());
    let token = admin_token(&emu);
    for (token, first_host) in [
        (None, "login.exowiz.test"),
        (Some(token.as_str()), "graph.exowiz.test"),
    ] {
        let before = proxy.connects().len();
        let home = tempfile::tempdir().unwrap();
        let roots = write_pem(home.path(), "company-root.pem", ca.pem());
        let run = Run {
            home: home.path(),
            proxy: &proxy_url,
            roots: &roots,
            token,
        };
        let out = run.exowiz(REGISTER).await;
        let err = stderr(&out);
        assert!(!out.status.success(), "succeeded through a 407: {err}");
        assert!(
            err.contains(&format!(
                "The proxy {} wants a sign-in (HTTP 407 Proxy Authentication Required)",
                proxy.host_port()
            )),
            "{first_host}: no proxy sign-in sentence: {err}"
        );
        let connects = proxy.connects()[before..].to_vec();
        assert_one_connect_per_request(&connects, home.path(), first_host);
        assert!(
            connects.iter().all(|c| c.had_credentials),
            "the account in HTTPS_PROXY was not offered to the proxy: {connects:?}"
        );
        assert_nowhere(home.path(), &out, password, "the proxy password");
        assert_nowhere(home.path(), &out, "alice", "the proxy account");
        if let Some(token) = token {
            assert_nowhere(home.path(), &out, token, "the access token");
        }
    }
    assert!(emu.requests().is_empty(), "nothing may reach the tenant");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_proxy_that_is_not_there_gets_the_unreachable_sentence() {
    let emu = public_tenant().await;
    // A port that was free a moment ago: nothing listens there.
    let gone = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.local_addr().unwrap()
    };
    let ca = TestCa::new("Contoso Inspection Root");
    let home = tempfile::tempdir().unwrap();
    let roots = write_pem(home.path(), "company-root.pem", ca.pem());
    let run = Run {
        home: home.path(),
        proxy: &format!("http://{gone}"),
        roots: &roots,
        token: None,
    };
    let out = run.exowiz(REGISTER).await;
    let err = stderr(&out);
    assert!(!out.status.success(), "succeeded without a proxy: {err}");
    assert!(
        err.contains(&format!("Could not reach the proxy {gone}")),
        "no unreachable-proxy sentence: {err}"
    );
    assert!(emu.requests().is_empty(), "nothing may reach the tenant");
}
