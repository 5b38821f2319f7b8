//! Unit tests of the wizard's transitions: no terminal, no network. `support` builds states
//! and feeds messages the way the executor would.

/// Equality by Debug output, for state types without PartialEq.
macro_rules! assert_same {
    ($left:expr, $right:expr $(,)?) => {
        assert_eq!(format!("{:?}", $left), format!("{:?}", $right))
    };
}

mod accounts;
mod check;
mod consent;
mod dialogs;
mod flow;
mod graph_wait;
mod jobs;
mod keys;
mod navigation;
mod notices;
mod picker;
mod profile_texts;
mod register;
mod resume;
mod rotate;
mod screen_size;
mod sign_in;
mod transport;
mod verify_done;
mod welcome;

pub(super) mod support {
    use crate::domain::MailboxState;
    pub use crate::error::{JobError, JobErrorKind};
    use crate::exchange;
    use crate::graph::error::ErrorBody;
    pub use crate::graph::{GraphError, Operation};
    use crate::permissions::PermissionStatus;
    use crate::profile::{self, well_known};
    use crate::wizard::effect::Effect;
    use crate::wizard::msg::{Msg, SignInPrompt};
    pub use crate::wizard::state::StatusKind;
    use crate::wizard::state::{AppSummary, RegisteredApp, SignInPhase, TenantInfo, WizardState};
    use crate::wizard::step::Step;
    use crate::wizard::update::{go_to, update, welcome};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use secrecy::SecretString;

    pub const CONTOSO_TENANT_ID: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    pub const CLIENT_ID: &str = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
    pub const SP_ID: &str = "5a1c7d2e-0000-4000-8000-00000000c0de";
    pub const SECRET: &str = "Q~secret.value_123";

    /// A fresh wizard with every built-in profile, a browser, the given profile selected.
    pub fn wizard(profile_id: &str) -> WizardState {
        let profiles = profile::all().unwrap();
        let index = profiles.iter().position(|p| p.id == profile_id).unwrap();
        let mut state = WizardState::new(profiles, true, false);
        welcome::select_profile(&mut state, index);
        state
    }

    /// The signed-in Contoso tenant the executor would report.
    pub fn contoso() -> TenantInfo {
        TenantInfo {
            tenant_id: CONTOSO_TENANT_ID.into(),
            name: "Contoso Ltd".into(),
            user: "admin@contoso.com".into(),
            default_domain: "contoso.com".into(),
            verified_domains: vec!["contoso.com".into(), "contoso.onmicrosoft.com".into()],
            directory_sync: None,
        }
    }

    /// The permissions of the selected profile and mode, none granted yet.
    pub fn permissions(state: &WizardState, granted: bool) -> Vec<PermissionStatus> {
        state
            .profile()
            .permissions_for(state.mode)
            .into_iter()
            .map(|p| PermissionStatus {
                id: well_known::permission_id(p.api, &p.name, p.kind)
                    .unwrap()
                    .to_string(),
                api: p.api,
                name: p.name,
                kind: p.kind,
                description: p.why,
                granted,
            })
            .collect()
    }

    /// What the registration engine hands back for the selected profile.
    pub fn registered_app(state: &WizardState) -> RegisteredApp {
        let profile = state.profile();
        RegisteredApp {
            tenant_id: CONTOSO_TENANT_ID.into(),
            client_id: CLIENT_ID.into(),
            app_object_id: Some("obj-1".into()),
            service_principal_id: Some(SP_ID.into()),
            app_name: profile.default_app_name.clone(),
            created_app: true,
            secret: SecretString::from(SECRET),
            secret_hint: Some("Q~s".into()),
            secret_end: None,
            consent_url: format!(
                "https://login.microsoftonline.com/{CONTOSO_TENANT_ID}/adminconsent?client_id={CLIENT_ID}"
            ),
            permissions: permissions(state, false),
            exchange_commands: exchange::for_profile(
                profile,
                CLIENT_ID,
                Some(SP_ID),
                &profile.default_app_name,
                Some("fax-transfer@contoso.com"),
            ),
            notes: Vec::new(),
            inputs: Default::default(),
        }
    }

    pub fn app_summary(name: &str, client_id: &str) -> AppSummary {
        AppSummary {
            display_name: name.into(),
            client_id: client_id.into(),
            object_id: format!("obj-{client_id}"),
            secret_expires: None,
            saved_for: None,
        }
    }

    /// The screen as text, as a terminal of `width`×`height` shows it (in the language of this
    /// thread, `i18n::with_language`).
    pub fn screen_text(state: &WizardState, width: u16, height: u16) -> String {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| crate::ui::draw(f, state)).unwrap();
        let buffer = terminal.backend().buffer();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// `text` with its line breaks and indents as single spaces, to find a wrapped sentence.
    pub fn words(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub fn key(code: KeyCode) -> Msg {
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    pub fn ctrl(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    pub fn press(state: &mut WizardState, code: KeyCode) -> Vec<Effect> {
        update(state, key(code))
    }

    pub fn enter(state: &mut WizardState) -> Vec<Effect> {
        press(state, KeyCode::Enter)
    }

    pub fn esc(state: &mut WizardState) -> Vec<Effect> {
        press(state, KeyCode::Esc)
    }

    pub fn letter(state: &mut WizardState, c: char) -> Vec<Effect> {
        press(state, KeyCode::Char(c))
    }

    /// Types `text` key by key; returns every effect.
    pub fn type_text(state: &mut WizardState, text: &str) -> Vec<Effect> {
        text.chars()
            .flat_map(|c| update(state, key(KeyCode::Char(c))))
            .collect()
    }

    /// Clears the focused field (Ctrl+U) and types `text`.
    pub fn retype(state: &mut WizardState, text: &str) -> Vec<Effect> {
        let mut effects = update(state, ctrl('u'));
        effects.extend(type_text(state, text));
        effects
    }

    /// Short names of effects, for compact assertions.
    /// The status line says exactly `sentence` with `kind` — not merely "some status is set".
    pub fn assert_status(state: &WizardState, kind: StatusKind, sentence: &str) {
        let status = state.status.as_ref().expect("a status sentence is shown");
        assert_eq!(
            (status.kind, status.text.as_str()),
            (kind, sentence),
            "status line"
        );
    }

    pub fn names(effects: &[Effect]) -> Vec<&'static str> {
        effects
            .iter()
            .map(|e| match e {
                Effect::StartSignIn { .. } => "StartSignIn",
                Effect::CancelSignIn => "CancelSignIn",
                Effect::OpenBrowser { .. } => "OpenBrowser",
                Effect::CheckMailbox { .. } => "CheckMailbox",
                Effect::ListApps { .. } => "ListApps",
                Effect::LoadPermissionCatalog { .. } => "LoadPermissionCatalog",
                Effect::LookupTenant { .. } => "LookupTenant",
                Effect::Register { .. } => "Register",
                Effect::PollConsent { .. } => "PollConsent",
                Effect::GrantConsent { .. } => "GrantConsent",
                Effect::ListenForConsent { .. } => "ListenForConsent",
                Effect::StopConsentListener => "StopConsentListener",
                Effect::Verify { .. } => "Verify",
                Effect::LoadSecrets { .. } => "LoadSecrets",
                Effect::CreateSecret { .. } => "CreateSecret",
                Effect::VerifyRotated { .. } => "VerifyRotated",
                Effect::RemoveOldSecrets { .. } => "RemoveOldSecrets",
                Effect::RunCheck { .. } => "RunCheck",
                Effect::ApplyFixes { .. } => "ApplyFixes",
                Effect::FindInterruptedRun { .. } => "FindInterruptedRun",
                Effect::Copy { .. } => "Copy",
                Effect::SecretShown { .. } => "SecretShown",
                Effect::SaveCommands { .. } => "SaveCommands",
                Effect::Quit => "Quit",
            })
            .collect()
    }

    /// The ticket an effect carries.
    pub fn ticket_of(effect: &Effect) -> u64 {
        match effect {
            Effect::StartSignIn { ticket, .. }
            | Effect::CheckMailbox { ticket, .. }
            | Effect::ListApps { ticket, .. }
            | Effect::LoadPermissionCatalog { ticket }
            | Effect::LookupTenant { ticket, .. }
            | Effect::Register { ticket, .. }
            | Effect::PollConsent { ticket, .. }
            | Effect::GrantConsent { ticket, .. }
            | Effect::ListenForConsent { ticket, .. }
            | Effect::Verify { ticket, .. }
            | Effect::LoadSecrets { ticket, .. }
            | Effect::CreateSecret { ticket, .. }
            | Effect::VerifyRotated { ticket, .. }
            | Effect::RemoveOldSecrets { ticket, .. }
            | Effect::RunCheck { ticket, .. }
            | Effect::ApplyFixes { ticket, .. }
            | Effect::FindInterruptedRun { ticket, .. } => *ticket,
            other => panic!("{other:?} carries no ticket"),
        }
    }

    /// `effects` without the consent listener's (opened on entering Consent, closed on
    /// leaving it: tests of other things look past them; tests/consent.rs checks them).
    pub fn sans_listener(effects: Vec<Effect>) -> Vec<Effect> {
        effects
            .into_iter()
            .filter(|e| {
                !matches!(
                    e,
                    Effect::ListenForConsent { .. } | Effect::StopConsentListener
                )
            })
            .collect()
    }

    /// The whole state as text: "unchanged" means this is equal before and after.
    pub fn snapshot(state: &WizardState) -> String {
        format!("{state:?}")
    }

    /// Presses Enter on Welcome and SignIn and feeds the sign-in the executor would report.
    pub fn sign_in(state: &mut WizardState, tenant: TenantInfo) {
        assert_eq!(state.step, Step::Welcome);
        enter(state);
        let effects = enter(state);
        let ticket = ticket_of(&effects[0]);
        update(
            state,
            Msg::SignInPrompt {
                ticket,
                prompt: SignInPrompt::Browser {
                    url: "https://login.example/authorize".into(),
                    opened: true,
                },
            },
        );
        let effects = update(
            state,
            Msg::SignedIn {
                ticket,
                result: Ok(tenant),
            },
        );
        assert_eq!(state.sign_in, SignInPhase::SignedIn);
        // The executor answers the journal read: no interrupted run.
        for effect in effects {
            if let Effect::FindInterruptedRun { ticket, profile } = effect {
                update(
                    state,
                    Msg::InterruptedRunFound {
                        ticket,
                        profile,
                        result: Ok(None),
                    },
                );
            }
        }
    }

    /// A wizard for `profile_id`, signed in to Contoso and standing on `step` (entered the
    /// way the wizard enters it; the effects of entering are returned).
    pub fn at(profile_id: &str, step: Step) -> (WizardState, Vec<Effect>) {
        let mut state = wizard(profile_id);
        sign_in(&mut state, contoso());
        let effects = go_to(&mut state, step);
        (state, effects)
    }

    /// Signed in, registered and standing on Consent (the poll that entering emitted is
    /// returned).
    pub fn registered(profile_id: &str) -> (WizardState, Vec<Effect>) {
        let mut state = wizard(profile_id);
        sign_in(&mut state, contoso());
        state.app = Some(registered_app(&state));
        let effects = go_to(&mut state, Step::Consent);
        (state, effects)
    }

    /// Feeds the mailbox check's answer for the effect that asked.
    pub fn mailbox_answer(
        state: &mut WizardState,
        effect: &Effect,
        answer: MailboxState,
    ) -> Vec<Effect> {
        let Effect::CheckMailbox { ticket, mailbox } = effect else {
            panic!("not a mailbox check: {effect:?}");
        };
        update(
            state,
            Msg::MailboxChecked {
                ticket: *ticket,
                mailbox: mailbox.clone(),
                result: Ok(answer),
            },
        )
    }

    /// A job's failure whose kind asks for nothing but showing `sentence` (something on this
    /// machine): for the tests of what a screen says.
    pub fn failed(sentence: &str) -> JobError {
        JobError::Local(sentence.into())
    }

    /// Graph could not be reached (kind `Network`): trying again may help.
    pub fn graph_offline(operation: Operation) -> JobError {
        GraphError::network(
            operation,
            "graph.microsoft.com",
            "connection refused".into(),
        )
        .into()
    }

    /// Graph's 403 for an account without the role (kind `NeedsAdminRole`).
    pub fn graph_forbidden(operation: Operation) -> JobError {
        graph_error_of_status(operation, 403)
    }

    /// Graph's answer with `status` (401: the token is no longer accepted, kind `SignIn`).
    pub fn graph_error_of_status(operation: Operation, status: u16) -> JobError {
        let body = ErrorBody::parse(
            br#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#,
        );
        GraphError::from_response(
            operation,
            "graph.microsoft.com",
            status,
            &body,
            None,
            "crid-1",
        )
        .into()
    }
}
