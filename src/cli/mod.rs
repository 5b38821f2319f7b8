//! Shared pieces of the subcommands: where Microsoft lives, how to sign in, exit codes.

// Every line the subcommands print goes through `exowiz::printable` (issue 14.8): app names,
// secret descriptions and Graph's messages come from the tenant and must not steer the
// terminal. The macros come before the modules so that all of them can use them.

/// `println!` with control characters made visible; a closed stdout does not panic.
macro_rules! safe_println {
    () => {
        exowiz::printable::out_line("")
    };
    ($($arg:tt)*) => {
        exowiz::printable::out_line(&exowiz::printable::printable(&format!($($arg)*)))
    };
}

/// `eprintln!` with control characters made visible; a closed stderr does not panic.
macro_rules! safe_eprintln {
    () => {
        exowiz::printable::err_line("")
    };
    ($($arg:tt)*) => {
        exowiz::printable::err_line(&exowiz::printable::printable(&format!($($arg)*)))
    };
}

/// Prints serialized JSON with DEL, C1 and bidi overrides as JSON escapes (same value).
macro_rules! json_println {
    ($($arg:tt)*) => {
        exowiz::printable::out_line(&exowiz::printable::printable_json(&format!($($arg)*)))
    };
}

pub mod check;
pub mod demo;
pub mod emulator;
pub mod hand_over;
pub mod interrupt;
pub mod profiles;
pub mod register;
pub mod rotate;
pub mod save_commands;
pub mod session;
pub mod sign_in;
pub mod status;
pub mod tenant_id;
pub mod verify_output;
pub mod wait_consent;
pub mod wizard;

use exowiz::endpoints::{Cloud, Endpoints};

/// Exit codes, documented in the README so scripts can branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Other = 1,
    /// Something typed is invalid (profile, mailbox, domain, lifetime, …).
    Input = 2,
    /// Sign-in failed or the tenant is unknown.
    SignIn = 3,
    /// Microsoft Graph refused or failed.
    Graph = 4,
    /// Registered, but consent could not be granted as asked.
    ConsentIncomplete = 5,
    /// `rotate`, `register --verify`: the new secret was made, but no token could be obtained
    /// with it (`rotate` removed nothing).
    Verify = 6,
    /// `check`: the registration still differs from its profile in a way that breaks it.
    Drift = 7,
    /// `register --verify`, `rotate`: done and the secret works, but the EWS probe could not
    /// open the mailbox (not on the allow list yet, EWS off, no such mailbox, …).
    EwsProbe = 8,
    /// Stopped by Ctrl+C (128 + SIGINT, as a shell reports it).
    Interrupted = 130,
}

/// A failed command: one plain sentence (or two) and its exit code.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
        }
    }
}

/// A job's error as the command's end: its sentence (the detail logged once) and the exit
/// code of its kind.
impl From<exowiz::jobs::JobError> for Failure {
    fn from(e: exowiz::jobs::JobError) -> Self {
        use exowiz::auth::AuthError;
        use exowiz::jobs::JobError;
        let exit = match &e {
            JobError::Input(_) | JobError::Local(_) => Exit::Input,
            JobError::SignIn(AuthError::InvalidTenantInput(_)) => Exit::Input,
            JobError::SignIn(_) | JobError::Session(_) => Exit::SignIn,
            JobError::Graph(_) => Exit::Graph,
        };
        Failure::new(exit, e.sentence())
    }
}

/// Where Microsoft's sign-in and Graph are, and which public client signs in.
#[derive(Debug, clap::Args)]
pub struct Connection {
    /// National cloud.
    #[arg(long, global = true, value_enum, default_value = "global")]
    pub cloud: Cloud,
    /// Sign-in authority host (overrides --cloud), e.g. the demo tenant's URL.
    #[arg(long, global = true, env = "EXOWIZ_LOGIN_URL")]
    pub login_url: Option<String>,
    /// Microsoft Graph host (overrides --cloud).
    #[arg(long, global = true, env = "EXOWIZ_GRAPH_URL")]
    pub graph_url: Option<String>,
    /// The EWS endpoint the EWS probe calls (overrides --cloud; default with --graph-url: next
    /// to it), e.g. https://webmail.apps.mil/EWS/Exchange.asmx.
    #[arg(long, global = true, env = "EXOWIZ_EWS_URL")]
    pub ews_url: Option<String>,
    /// Sign in with this public client instead of Microsoft Graph Command Line Tools.
    #[arg(long, global = true)]
    pub client_id: Option<String>,
    /// Tenant to sign in to (domain or tenant ID); default: the account's home tenant.
    #[arg(long, global = true)]
    pub tenant: Option<String>,
    /// Sign in with a device code instead of the browser.
    #[arg(long, global = true)]
    pub device_code: bool,
}

impl Connection {
    pub fn endpoints(&self) -> Result<Endpoints, Failure> {
        let mut endpoints = Endpoints::for_cloud(self.cloud);
        let parse = |what: &str, url: &str| {
            Endpoints::custom(url, url).map(|e| e.login).map_err(|e| {
                Failure::new(
                    Exit::Input,
                    format!("The {what} URL '{url}' is not a URL ({e})."),
                )
            })
        };
        if let Some(url) = &self.login_url {
            endpoints.login = parse("sign-in", url)?;
        }
        if let Some(url) = &self.graph_url {
            endpoints.graph = parse("Graph", url)?;
            // A custom Graph (the demo tenant, a test) serves EWS next to it, unless --ews-url
            // says otherwise: never the real Exchange Online behind a custom Graph.
            endpoints.ews = Endpoints::custom(url, url).map(|e| e.ews).map_err(|e| {
                Failure::new(
                    Exit::Input,
                    format!("The Graph URL '{url}' is not a URL ({e})."),
                )
            })?;
        }
        if let Some(url) = &self.ews_url {
            endpoints = endpoints.with_ews(url).map_err(|e| {
                Failure::new(
                    Exit::Input,
                    format!("The EWS URL '{url}' is not a URL ({e})."),
                )
            })?;
        }
        Ok(endpoints)
    }
}

/// Tells the admin on stderr what a Graph wait is for and how long it takes (issue 14.6). On a
/// terminal the line counts down in place; into a file or pipe only the start is written, one
/// line per wait.
pub fn stderr_wait_reporter() -> exowiz::graph::WaitReporter {
    use std::io::{IsTerminal, Write};
    let live = std::io::stderr().is_terminal();
    std::sync::Arc::new(move |wait: exowiz::graph::GraphWait| {
        let mut err = std::io::stderr().lock();
        if live {
            // Carriage return and "erase line": the countdown rewrites its own line.
            let _ = if wait.left.is_zero() {
                write!(err, "\r\x1b[2K")
            } else {
                write!(err, "\r\x1b[2K{}", wait.sentence())
            };
            let _ = err.flush();
        } else if wait.first {
            let _ = writeln!(err, "{}", wait.sentence());
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Just the connection flags, parsed the way the real command line parses them.
    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        connection: Connection,
    }

    fn endpoints(args: &[&str]) -> Result<Endpoints, Failure> {
        let flags = Flags::try_parse_from(std::iter::once("exowiz").chain(args.iter().copied()))
            .expect("valid flags");
        flags.connection.endpoints()
    }

    fn hosts(e: &Endpoints) -> [String; 3] {
        [&e.login, &e.graph, &e.ews].map(|u| u.host_str().unwrap_or_default().to_string())
    }

    #[test]
    fn cloud_flag_chooses_sign_in_graph_and_exchange_of_that_cloud() {
        // Microsoft's national-cloud endpoints (Graph "National cloud deployments",
        // identity platform "National clouds"); a mix-up would send the admin's sign-in to
        // the wrong cloud, which only a real US Gov or 21Vianet tenant would notice.
        let cases = [
            (
                "global",
                [
                    "login.microsoftonline.com",
                    "graph.microsoft.com",
                    "outlook.office365.com",
                ],
            ),
            (
                "usgov",
                [
                    "login.microsoftonline.us",
                    "graph.microsoft.us",
                    "outlook.office365.us",
                ],
            ),
            (
                "china",
                [
                    "login.chinacloudapi.cn",
                    "microsoftgraph.chinacloudapi.cn",
                    "partner.outlook.cn",
                ],
            ),
        ];
        for (cloud, expected) in cases {
            let e = endpoints(&["--cloud", cloud]).unwrap();
            assert_eq!(hosts(&e), expected.map(String::from), "--cloud {cloud}");
            assert_eq!(e.ews.path(), "/EWS/Exchange.asmx", "--cloud {cloud}");
        }
        assert_eq!(
            hosts(&endpoints(&[]).unwrap()),
            hosts(&endpoints(&["--cloud", "global"]).unwrap()),
            "global is the default"
        );
    }

    #[test]
    fn custom_urls_override_the_cloud_and_keep_ews_off_the_real_exchange() {
        let e = endpoints(&[
            "--cloud",
            "usgov",
            "--login-url",
            "http://127.0.0.1:9/",
            "--graph-url",
            "http://127.0.0.1:9/base",
        ])
        .unwrap();
        assert_eq!(e.login.as_str(), "http://127.0.0.1:9/");
        assert_eq!(e.graph.as_str(), "http://127.0.0.1:9/base/");
        assert_eq!(e.ews.as_str(), "http://127.0.0.1:9/base/EWS/Exchange.asmx");
        let failure = endpoints(&["--graph-url", "not a url"]).unwrap_err();
        assert_eq!(failure.exit, Exit::Input);
        assert!(failure.message.contains("'not a url' is not a URL"));
    }
}
