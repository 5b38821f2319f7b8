//! The steps, in the order of the vendor manuals (DESIGN.md).

use super::state::Job;

/// One screen of the wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// Pick the connector profile.
    Welcome,
    /// Interactive sign-in: browser (PKCE) or device code; shows the organisation on success.
    SignIn,
    /// Cloud-only or hybrid. Skipped when no permission of the profile depends on it.
    InstallType,
    /// Transfer mailbox and transfer domains. Skipped when the profile needs neither.
    Transport,
    /// Register automatically / reuse an existing app / enter IDs by hand; app name; lifetime.
    Accounts,
    /// What will be created: the permission table as the portal shows it.
    Review,
    /// Live checklist while the registration runs.
    Register,
    /// The admin-consent link and each permission's grant status, polled.
    Consent,
    /// A token from the new secret; its roles checked.
    Verify,
    /// Tenant ID, Client ID, secret (masked), expiry, where to paste, Exchange commands.
    Done,
    /// Rotate job: pick the existing app in the app browser.
    App,
    /// Rotate job: the app's secrets (due ones marked) and the new secret's lifetime.
    Secrets,
    /// Check job: the findings, the fixable ones to select and apply.
    Findings,
}

impl Step {
    /// All steps in order.
    pub const ALL: [Step; 10] = [
        Step::Welcome,
        Step::SignIn,
        Step::InstallType,
        Step::Transport,
        Step::Accounts,
        Step::Review,
        Step::Register,
        Step::Consent,
        Step::Verify,
        Step::Done,
    ];

    /// The steps of the rotate job, in order.
    pub const ROTATE: [Step; 6] = [
        Step::Welcome,
        Step::SignIn,
        Step::App,
        Step::Secrets,
        Step::Verify,
        Step::Done,
    ];

    /// The steps of the check job, in order.
    pub const CHECK: [Step; 4] = [Step::Welcome, Step::SignIn, Step::App, Step::Findings];

    /// The steps of `job`, in order (before skips).
    pub fn steps_of(job: Job) -> &'static [Step] {
        match job {
            Job::RotateSecret => &Self::ROTATE,
            Job::CheckRegistration => &Self::CHECK,
            Job::NewRegistration => &Self::ALL,
        }
    }

    /// Message-catalogue key of the step's title (see `i18n`).
    pub fn title_key(self) -> &'static str {
        match self {
            Step::Welcome => "step.welcome",
            Step::SignIn => "step.sign_in",
            Step::InstallType => "step.install_type",
            Step::Transport => "step.transport",
            Step::Accounts => "step.accounts",
            Step::Review => "step.review",
            Step::Register => "step.register",
            Step::Consent => "step.consent",
            Step::Verify => "step.verify",
            Step::Done => "step.done",
            Step::App => "step.app",
            Step::Secrets => "step.secrets",
            Step::Findings => "step.findings",
        }
    }
}
