//! The transitions: `update(state, msg)` changes the state and returns the effects to run.
//!
//! * this module: dispatch, the step order with its skips (`next_step`, `prev_step`), going
//!   forward and back, quitting, and key handling (popup first, then a focused text field,
//!   then the key map);
//! * one submodule per step for its keys and its background results;
//! * `focus`: which text field has the focus; `notices`: clipboard, browser, tick.

mod accounts;
mod check;
mod consent;
mod done;
mod focus;
mod graph_wait;
mod notices;
mod picker;
mod popup;
mod register;
mod resume;
mod review;
mod rotate;
mod sign_in;
mod transport;
mod verify;
mod welcome;

#[cfg(test)]
mod tests;

pub use accounts::{inputs as accounts_inputs, is_guid};
pub use consent::{all_granted, link as consent_link};
pub use done::{Readiness, copy_label, focus_order as done_focus_order, further_fields, readiness};
pub use focus::{focused_field, highlighted_app};
pub use picker::chooses_permissions;
pub use register::checklist;
pub use review::register_request;
pub use rotate::{can_remove_old, removal_waits_for_hand_over, removal_withheld};
pub use transport::domain_error;

use super::effect::Effect;
use super::keymap::{self, Action};
use super::msg::Msg;
use super::state::{AccountsChoice, Job, Popup, Status, StatusKind, WizardState};
use super::step::Step;
use super::text_field::TextField;
use crate::i18n::t;
use crate::profile::Applies;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::time::Duration;

/// How often the runtime sends `Msg::Tick` while `WizardState::wants_tick()`.
pub const TICK_INTERVAL: Duration = Duration::from_millis(250);
/// Ticks per second of clipboard countdown (must match `TICK_INTERVAL`).
pub const TICKS_PER_SECOND: usize = 4;
/// Pause between two reads of the consent status.
pub const CONSENT_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Applies one message. Returns the effects the runtime must run, in order.
pub fn update(state: &mut WizardState, msg: Msg) -> Vec<Effect> {
    let effects = dispatch(state, msg);
    // A closed dialog forgets its highlight: the next one opens on its default button.
    if state
        .dialog_focus
        .is_some_and(|focus| Some(focus.popup) != state.popup)
    {
        state.dialog_focus = None;
    }
    effects
}

fn dispatch(state: &mut WizardState, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(event) => on_key(state, event),
        Msg::Paste(text) => on_paste(state, &text),
        Msg::Resize { width, height } => {
            state.terminal_size = Some((width, height));
            Vec::new()
        }
        Msg::Tick => {
            graph_wait::tick(state);
            notices::tick(state)
        }
        Msg::GraphWaiting { wait } => graph_wait::reported(state, wait),
        Msg::SignInPrompt { ticket, prompt } => sign_in::prompt(state, ticket, prompt),
        Msg::SignedIn { ticket, result } => sign_in::signed_in(state, ticket, result),
        Msg::MailboxChecked {
            ticket,
            mailbox,
            result,
        } => transport::mailbox_checked(state, ticket, &mailbox, result),
        Msg::AppsListed { ticket, result } => accounts::apps_listed(state, ticket, result),
        Msg::TenantLookedUp { ticket, result } => accounts::tenant_looked_up(state, ticket, result),
        Msg::PermissionCatalogLoaded { ticket, result } => picker::loaded(state, ticket, result),
        Msg::RegisterProgress { ticket, event } => register::progress(state, ticket, event),
        Msg::Registered { ticket, result } => register::registered(state, ticket, result),
        Msg::ConsentPolled { ticket, result } => consent::polled(state, ticket, result),
        Msg::ConsentGranted { ticket, result } => consent::granted(state, ticket, result),
        Msg::ConsentListening { ticket, result } => consent::listening(state, ticket, result),
        Msg::ConsentAnswered { ticket, answer } => consent::answered(state, ticket, answer),
        Msg::Verified { ticket, result } => verify::verified(state, ticket, result),
        Msg::SecretsLoaded { ticket, result } => rotate::secrets_loaded(state, ticket, result),
        Msg::SecretCreated { ticket, result } => rotate::secret_created(state, ticket, result),
        Msg::OldSecretsRemoved { ticket, result } => rotate::old_removed(state, ticket, result),
        Msg::Checked { ticket, result } => check::checked(state, ticket, result),
        Msg::FixesApplied { ticket, result } => check::applied(state, ticket, result),
        Msg::InterruptedRunFound {
            ticket,
            profile,
            result,
        } => resume::found(state, ticket, &profile, result),
        Msg::BrowserOpened { result } => notices::browser_opened(state, result),
        Msg::Copied {
            label,
            result,
            clears_in,
        } => notices::copied(state, label, result, clears_in),
        Msg::CommandsSaved { result } => done::commands_saved(state, result),
        Msg::ClipboardCleared { label, cleared } => {
            notices::clipboard_cleared(state, &label, cleared)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Step order
// ---------------------------------------------------------------------------------------------

/// Whether the selected profile and choices leave `step` out.
pub fn is_skipped(state: &WizardState, step: Step) -> bool {
    let profile = state.profile();
    match step {
        Step::InstallType => profile
            .permissions
            .iter()
            .all(|p| p.applies == Applies::Both),
        Step::Transport => !profile.asks_for_mailbox() && profile.transfer_domain_types.is_empty(),
        Step::Register | Step::Consent => state.accounts.choice == AccountsChoice::Manual,
        // Listed one by one, no catch-all: a new step must say whether it can be skipped.
        Step::Welcome
        | Step::SignIn
        | Step::Accounts
        | Step::Review
        | Step::Verify
        | Step::Done
        | Step::App
        | Step::Secrets
        | Step::Findings => false,
    }
}

/// The steps this run shows, in order (for a progress line).
pub fn visible_steps(state: &WizardState) -> Vec<Step> {
    Step::steps_of(state.job)
        .iter()
        .copied()
        .filter(|s| !is_skipped(state, *s))
        .collect()
}

/// The step after the current one, honouring the skips; None on Done.
pub fn next_step(state: &WizardState) -> Option<Step> {
    Step::steps_of(state.job)
        .iter()
        .copied()
        .skip_while(|s| *s != state.step)
        .skip(1)
        .find(|s| !is_skipped(state, *s))
}

/// The step before the current one, honouring the skips; None on Welcome. (Where Esc really
/// goes also depends on what already happened: see `back`.)
pub fn prev_step(state: &WizardState) -> Option<Step> {
    Step::steps_of(state.job)
        .iter()
        .copied()
        .rev()
        .skip_while(|s| *s != state.step)
        .skip(1)
        .find(|s| !is_skipped(state, *s))
}

/// Leaves the current step for `to`, running the leave and enter hooks.
pub(crate) fn go_to(state: &mut WizardState, to: Step) -> Vec<Effect> {
    let mut effects = leave(state, state.step);
    effects.extend(arrive(state, to));
    effects
}

/// The leave hook of `from` (the step is still `from`). Every step is listed, none by a
/// catch-all: a new step does not compile until it says what leaving it stops.
fn leave(state: &mut WizardState, from: Step) -> Vec<Effect> {
    match from {
        Step::Consent => consent::leave(state),
        Step::Transport => {
            transport::leave(state);
            Vec::new()
        }
        // Nothing to stop: their jobs are forgotten by their own Esc (`back`), hold the step
        // while they run (Register), or are wanted whichever step shows (sign-in's result).
        Step::Welcome
        | Step::SignIn
        | Step::InstallType
        | Step::Accounts
        | Step::Review
        | Step::Register
        | Step::Verify
        | Step::Done
        | Step::App
        | Step::Secrets
        | Step::Findings => Vec::new(),
    }
}

/// Makes `to` the step, clears the last step's notes and runs the enter hook.
fn arrive(state: &mut WizardState, to: Step) -> Vec<Effect> {
    state.step = to;
    // The last step's notes do not belong on this one (a copied secret's countdown does: it
    // is about the clipboard, not the step).
    state.status = None;
    if state
        .clipboard
        .as_ref()
        .is_some_and(|c| c.clears_in.is_none())
    {
        state.clipboard = None;
    }
    enter(state, to)
}

/// The enter hook of `to` (the step is already `to`). Every step is listed, none by a
/// catch-all: a new step does not compile until it says what entering it starts.
fn enter(state: &mut WizardState, to: Step) -> Vec<Effect> {
    match to {
        Step::SignIn => resume::look(state),
        Step::Transport => {
            transport::enter(state);
            Vec::new()
        }
        Step::Accounts => {
            accounts::enter(state);
            Vec::new()
        }
        Step::Review => {
            state.review = Default::default();
            state.review_reason = None;
            picker::enter_review(state)
        }
        Step::Consent => consent::enter(state),
        Step::App => rotate::enter_app(state),
        Step::Secrets => rotate::enter_secrets(state),
        Step::Findings => check::enter(state),
        Step::Verify => verify::enter(state),
        Step::Done => {
            done::enter(state);
            Vec::new()
        }
        // Welcome keeps what was chosen; the install type is one toggle; Register is entered
        // by `register::start`, which starts the job before it goes there.
        Step::Welcome | Step::InstallType | Step::Register => Vec::new(),
    }
}

/// Goes on to the next step (if there is one).
pub(crate) fn advance(state: &mut WizardState) -> Vec<Effect> {
    match next_step(state) {
        Some(step) => go_to(state, step),
        None => Vec::new(),
    }
}

/// Esc cannot leave the step backwards: the registration runs, or what it made (the app, the
/// new secret) cannot be undone. Esc then only says why, and the key bar does not offer "back".
pub fn back_is_blocked(state: &WizardState) -> bool {
    match state.step {
        Step::Register => register::running(state),
        Step::Consent => true,
        Step::Verify => state.job == Job::RotateSecret,
        Step::Welcome
        | Step::SignIn
        | Step::InstallType
        | Step::Transport
        | Step::Accounts
        | Step::Review
        | Step::Done
        | Step::App
        | Step::Secrets
        | Step::Findings => false,
    }
}

/// Esc: one step back, keeping everything typed. The registration is never undone: once the
/// app exists, Consent is as far back as Esc goes.
fn back(state: &mut WizardState) -> Vec<Effect> {
    match state.step {
        Step::Welcome => {
            if nothing_done(state) {
                quit_now(state)
            } else {
                state.popup = Some(Popup::ConfirmQuit);
                Vec::new()
            }
        }
        Step::SignIn => sign_in::back(state),
        Step::Register => register::back(state),
        Step::Consent => {
            set_info(state, t("status.app_exists_no_back"));
            Vec::new()
        }
        Step::Verify if state.job == Job::RotateSecret => {
            set_info(state, t("status.secret_exists_no_back"));
            Vec::new()
        }
        Step::Verify => verify::back(state),
        Step::Secrets => rotate::secrets_back(state),
        Step::Findings => check::back(state),
        Step::Review if state.picker.open => picker::close(state),
        // Listed, not caught by `_`: a new step says where Esc takes it.
        Step::InstallType
        | Step::Transport
        | Step::Accounts
        | Step::Review
        | Step::Done
        | Step::App => match prev_step(state) {
            Some(step) => go_to(state, step),
            None => Vec::new(),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Quitting
// ---------------------------------------------------------------------------------------------

/// A background job runs whose result would be lost (sign-in, checks, registration, grant,
/// verification): `JobKind::admin_waits_for_it`. Consent polling is not one: it only reads.
pub fn job_running(state: &WizardState) -> bool {
    state.jobs.quit_would_lose_one()
}

/// exowiz made a secret that the admin has neither copied nor revealed.
pub fn secret_not_handed_over(state: &WizardState) -> bool {
    state.app.is_some()
        && state.accounts.choice != AccountsChoice::Manual
        && !state.done.secret_handed_over
}

/// Quitting would lose something, so it asks first.
pub fn quit_needs_confirmation(state: &WizardState) -> bool {
    secret_not_handed_over(state) || job_running(state)
}

/// Nothing happened yet that quitting would throw away.
fn nothing_done(state: &WizardState) -> bool {
    state.tenant.is_none() && state.app.is_none() && !job_running(state)
}

/// Ctrl+C, `q`, Enter on Done: quit, asking first when something would be lost.
pub(crate) fn request_quit(state: &mut WizardState) -> Vec<Effect> {
    if quit_needs_confirmation(state) {
        state.popup = Some(Popup::ConfirmQuit);
        Vec::new()
    } else {
        quit_now(state)
    }
}

pub(crate) fn quit_now(state: &mut WizardState) -> Vec<Effect> {
    state.popup = None;
    state.should_quit = true;
    vec![Effect::Quit]
}

// ---------------------------------------------------------------------------------------------
// Status line
// ---------------------------------------------------------------------------------------------

pub(crate) fn set_info(state: &mut WizardState, text: impl Into<String>) {
    state.status = Some(Status {
        kind: StatusKind::Info,
        text: text.into(),
    });
}

pub(crate) fn set_error(state: &mut WizardState, text: impl Into<String>) {
    state.status = Some(Status {
        kind: StatusKind::Error,
        text: text.into(),
    });
}

// ---------------------------------------------------------------------------------------------
// Keys and paste
// ---------------------------------------------------------------------------------------------

/// A character key that types (no Ctrl, no Alt — or both, which is AltGr on Windows: `@` on a
/// German keyboard arrives as Ctrl+Alt+Q's character).
fn types_character(event: &KeyEvent) -> Option<char> {
    let KeyCode::Char(c) = event.code else {
        return None;
    };
    let m = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    (m.is_empty() || m == KeyModifiers::CONTROL | KeyModifiers::ALT).then_some(c)
}

fn on_key(state: &mut WizardState, event: KeyEvent) -> Vec<Effect> {
    if event.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if state.screen_too_small() {
        return too_small_key(state, &event);
    }
    if let Some(popup) = state.popup {
        return popup::on_key(state, popup, &event);
    }
    state.status = None;
    // Space chooses in the permission picker: permission names have no spaces to type.
    if state.step == Step::Review
        && state.picker.open
        && event.code == KeyCode::Char(' ')
        && event.modifiers.is_empty()
    {
        return picker::on_action(state, Action::Toggle);
    }
    if keymap::text_input_focused(state) {
        let mut handled = false;
        let effects = focus::edit(state, |field| handled = edit_field(field, &event));
        if handled {
            return effects;
        }
    }
    match keymap::action_for(state, &event) {
        Some(action) => on_action(state, action),
        None => Vec::new(),
    }
}

/// A key while the screen shows only "the terminal is too small": quitting (asking first where
/// something would be lost, then Ctrl+C or `y` confirms) is all that acts; everything else waits
/// until the admin can see what it would change.
fn too_small_key(state: &mut WizardState, event: &KeyEvent) -> Vec<Effect> {
    match (state.popup, keymap::action_for(state, event)) {
        (Some(Popup::ConfirmQuit), Some(Action::Confirm)) => quit_now(state),
        (Some(Popup::ConfirmQuit), _) => Vec::new(),
        (_, Some(Action::Quit)) => request_quit(state),
        // Ctrl+C is quit wherever it is bound to something else (a popup's own quit).
        _ if keymap::Key::ctrl('c').matches(event) => request_quit(state),
        _ => Vec::new(),
    }
}

/// Editing keys for a text field; true when the key was one.
fn edit_field(field: &mut TextField, event: &KeyEvent) -> bool {
    if let Some(c) = types_character(event) {
        field.insert_char(c);
        return true;
    }
    if event
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return false;
    }
    match event.code {
        KeyCode::Backspace => field.backspace(),
        KeyCode::Delete => field.delete(),
        KeyCode::Left => field.left(),
        KeyCode::Right => field.right(),
        KeyCode::Home => field.home(),
        KeyCode::End => field.end(),
        _ => return false,
    }
    true
}

fn on_paste(state: &mut WizardState, text: &str) -> Vec<Effect> {
    if !keymap::text_input_focused(state) || state.screen_too_small() {
        return Vec::new();
    }
    focus::edit(state, |field| field.paste(text))
}

fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => return request_quit(state),
        Action::Help => {
            state.popup = Some(Popup::Help);
            return Vec::new();
        }
        Action::Back => return back(state),
        Action::ClearField => return focus::edit(state, TextField::clear),
        _ => {}
    }
    match state.step {
        Step::Welcome => welcome::on_action(state, action),
        Step::SignIn => sign_in::on_action(state, action),
        Step::InstallType => install_type(state, action),
        Step::Transport => transport::on_action(state, action),
        Step::Accounts => accounts::on_action(state, action),
        Step::Review if state.picker.open => picker::on_action(state, action),
        Step::Review => review::on_action(state, action),
        Step::Register => register::on_action(state, action),
        Step::Consent => consent::on_action(state, action),
        Step::Verify => verify::on_action(state, action),
        Step::Done => done::on_action(state, action),
        Step::App => rotate::app_on_action(state, action),
        Step::Secrets => rotate::secrets_on_action(state, action),
        Step::Findings => check::on_action(state, action),
    }
}

/// Installation type: Up/Down toggle cloud-only / hybrid, Enter goes on.
fn install_type(state: &mut WizardState, action: Action) -> Vec<Effect> {
    use crate::profile::InstallMode;
    match action {
        Action::Up | Action::Down => {
            state.mode = match state.mode {
                InstallMode::CloudOnly => InstallMode::Hybrid,
                InstallMode::Hybrid => InstallMode::CloudOnly,
            };
            Vec::new()
        }
        Action::Next => advance(state),
        _ => Vec::new(),
    }
}
