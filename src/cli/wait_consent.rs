//! `--wait-consent` of `register` and `check`: after printing the consent link, wait until
//! the admin has granted it. On this machine a loopback listener learns the browser's answer at
//! once (the printed link carries its `redirect_uri=http://localhost:PORT`); Microsoft Graph is
//! read every few seconds alongside, for a link opened elsewhere. Ctrl+C stops waiting and
//! leaves the registration as it is. The job itself is `exowiz::jobs::consent`; this is what the
//! command line shows of it.

use std::io::IsTerminal;
use std::time::Duration;

use super::interrupt::HandledInside;
use exowiz::auth::ConsentListener;
use exowiz::jobs::JobError;
use exowiz::jobs::consent::{self, ConsentTarget, ConsentWaitEvent};
use exowiz::permissions::PermissionStatus;

#[derive(Debug, clap::Args)]
pub struct WaitConsentArgs {
    /// When consent is missing: wait until it is granted (exowiz learns the browser's answer at
    /// once when the link is opened on this computer, and checks Microsoft Graph every few
    /// seconds otherwise). The default in a terminal without --json.
    #[arg(long)]
    pub wait_consent: bool,
    /// Print the consent link and end without waiting.
    #[arg(long, conflicts_with = "wait_consent")]
    pub no_wait_consent: bool,
    /// Seconds between two reads of the grants while waiting.
    #[arg(long, hide = true, default_value_t = 5, value_name = "SECONDS")]
    pub consent_poll_seconds: u64,
}

impl WaitConsentArgs {
    /// Whether to wait: asked for, or by default where an admin sits at a terminal.
    pub fn wanted(&self, json: bool) -> bool {
        self.wait_consent
            || (!self.no_wait_consent
                && !json
                && std::io::stdin().is_terminal()
                && std::io::stderr().is_terminal())
    }
}

/// How the wait ended.
pub enum Waited {
    /// Every permission is granted (their status).
    Granted(Vec<PermissionStatus>),
    /// Ctrl+C.
    Stopped,
    Failed(JobError),
}

/// Waits as the module documentation says, telling the admin on stderr what happens (unless
/// `quiet`).
pub async fn wait(
    target: &ConsentTarget<'_>,
    listener: Option<ConsentListener>,
    args: &WaitConsentArgs,
    quiet: bool,
    ctrl_c: &HandledInside,
) -> Waited {
    let poll_every = Duration::from_secs(args.consent_poll_seconds.max(1));
    if !quiet {
        safe_eprintln!(
            "\nWaiting for admin consent: exowiz learns the browser's answer at once when the link is opened on this computer, and checks Microsoft Graph every {} s otherwise. Ctrl+C stops waiting; the app stays registered.",
            poll_every.as_secs()
        );
    }
    let on_event = move |event: ConsentWaitEvent| {
        if quiet {
            return;
        }
        match event {
            ConsentWaitEvent::BrowserGranted => safe_eprintln!(
                "The browser reports the consent as granted; confirming with Microsoft Graph…"
            ),
            ConsentWaitEvent::Refused(sentence) => safe_eprintln!("{sentence}"),
            ConsentWaitEvent::NewLink(link) => {
                safe_eprintln!("To try again, open this link:\n  {link}")
            }
            ConsentWaitEvent::Checked { .. } => {}
        }
    };
    tokio::select! {
        result = consent::wait(target, listener, poll_every, &on_event) => match result {
            Ok(list) => Waited::Granted(list),
            Err(e) => Waited::Failed(e),
        },
        () = ctrl_c.pressed() => Waited::Stopped,
    }
}
