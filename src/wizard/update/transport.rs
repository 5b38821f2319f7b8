//! Transport: the transfer mailbox (checked against the tenant) and the transfer domains.

use super::{advance, set_error, set_info};
use crate::domain::MailboxState;
use crate::error::{JobError, JobErrorKind};
use crate::i18n::{t, tf};
use crate::register::validate;
use crate::wizard::effect::Effect;
use crate::wizard::jobs::JobKind;
use crate::wizard::keymap::Action;
use crate::wizard::state::{Check, DomainField, Ticket, WizardState};
use crate::wizard::step::Step;
use crate::wizard::text_field::TextField;

/// Fills in the defaults derived from the signed-in tenant: the mailbox (unless something is
/// typed already) and one field per transfer-domain type of the profile (typed values of the
/// same type are kept).
/// The mailbox the wizard proposes for `profile` in a tenant whose default domain is `domain`
/// (the profile's own proposal, if it makes one).
pub(crate) fn proposed_mailbox(profile: &crate::profile::Profile, domain: &str) -> Option<String> {
    profile.mailbox_step.proposed(domain)
}

pub(crate) fn prepare(state: &mut WizardState) {
    let Some(tenant) = state.tenant.clone() else {
        return;
    };
    let profile = state.profile().clone();
    let transport = &mut state.transport;
    if profile.needs_transfer_mailbox
        && transport.mailbox.is_empty()
        && let Some(proposal) = proposed_mailbox(&profile, &tenant.default_domain)
    {
        transport.mailbox.set(proposal);
    }
    let old = std::mem::take(&mut transport.domains);
    transport.domains = profile
        .transfer_domain_types
        .iter()
        .map(|kind| {
            old.iter()
                .find(|d| &d.kind == kind)
                .cloned()
                .unwrap_or_else(|| {
                    // The same default as `register` (one rule); the alternative offered.
                    let (default, alternative) =
                        validate::transfer_domain_default(&tenant.name, kind);
                    DomainField {
                        kind: kind.clone(),
                        field: TextField::new(default),
                        suggestion: alternative,
                        error: None,
                    }
                })
        })
        .collect();
    let focusables = focusables(state);
    if !focusables.contains(&state.transport.focus) {
        state.transport.focus = focusables.first().copied().unwrap_or(0);
    }
}

pub(super) fn enter(state: &mut WizardState) {
    prepare(state);
}

/// Leaving (backwards) while the mailbox check runs: its answer is no longer wanted.
pub(super) fn leave(state: &mut WizardState) {
    if state.jobs.is_running(JobKind::Mailbox) {
        state.jobs.cancel(JobKind::Mailbox);
        state.transport.mailbox_check = Check::NotChecked;
    }
}

/// Focus positions: 0 = mailbox (when the profile has one), 1.. = domains.
fn focusables(state: &WizardState) -> Vec<usize> {
    let mailbox = state.profile().asks_for_mailbox().then_some(0);
    mailbox
        .into_iter()
        .chain(1..=state.transport.domains.len())
        .collect()
}

fn move_focus(state: &mut WizardState, forward: bool) {
    let list = focusables(state);
    if list.is_empty() {
        return;
    }
    let at = list
        .iter()
        .position(|f| *f == state.transport.focus)
        .unwrap_or(0);
    let next = if forward {
        (at + 1) % list.len()
    } else {
        (at + list.len() - 1) % list.len()
    };
    state.transport.focus = list[next];
}

pub(super) fn on_action(state: &mut WizardState, action: Action) -> Vec<Effect> {
    match action {
        Action::FocusNext | Action::Down => {
            move_focus(state, true);
            Vec::new()
        }
        Action::FocusPrev | Action::Up => {
            move_focus(state, false);
            Vec::new()
        }
        Action::UseSuggestion => {
            let focus = state.transport.focus;
            if let Some(d) = focus
                .checked_sub(1)
                .and_then(|i| state.transport.domains.get_mut(i))
            {
                d.field.set(d.suggestion.clone());
                d.error = None;
            }
            Vec::new()
        }
        Action::Next => next(state),
        _ => Vec::new(),
    }
}

/// The typed mailbox changed: an earlier check no longer counts.
pub(super) fn mailbox_changed(state: &mut WizardState) {
    let transport = &mut state.transport;
    transport.mailbox_error = None;
    if state.jobs.is_running(JobKind::Mailbox) {
        state.jobs.cancel(JobKind::Mailbox);
    }
    state.transport.mailbox_check = Check::NotChecked;
}

/// Checks every field; returns the normalised mailbox (None when the profile needs none), or
/// Err when a field is wrong (its sentence is set and the focus moved to the first wrong one).
fn validate_fields(state: &mut WizardState) -> Result<Option<String>, ()> {
    let verified: Vec<String> = state
        .tenant
        .as_ref()
        .map(|t| {
            t.verified_domains
                .iter()
                .map(|d| d.trim_end_matches('.').to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let needs_mailbox = state.profile().needs_transfer_mailbox;
    let asks_mailbox = state.profile().asks_for_mailbox();
    let transport = &mut state.transport;
    let mut first_wrong: Option<usize> = None;
    let mut mailbox = None;
    // A mailbox only a product field names (myfactory, Flowfact) may stay empty: Done then
    // says what to enter, as the CLI does without --mailbox.
    let optional_and_empty = !needs_mailbox && transport.mailbox.value().trim().is_empty();
    if asks_mailbox && !optional_and_empty {
        match validate::mailbox(transport.mailbox.value()) {
            Ok(m) => mailbox = Some(m),
            Err(e) => {
                transport.mailbox_error = Some(e.to_string());
                first_wrong = Some(0);
            }
        }
    }
    let mut seen: Vec<String> = Vec::new();
    for (i, d) in transport.domains.iter_mut().enumerate() {
        d.error = match validate::domain_name(d.field.value()) {
            Err(e) => Some(domain_error(&d.kind, &e.to_string())),
            Ok(name) if verified.contains(&name) => Some(tf(
                "status.domain_is_verified",
                &[("domain", name.as_str())],
            )),
            Ok(name) if seen.contains(&name) => {
                Some(tf("status.domain_twice", &[("domain", name.as_str())]))
            }
            Ok(name) => {
                seen.push(name);
                None
            }
        };
        if d.error.is_some() && first_wrong.is_none() {
            first_wrong = Some(i + 1);
        }
    }
    match first_wrong {
        Some(focus) => {
            transport.focus = focus;
            Err(())
        }
        None => Ok(mailbox),
    }
}

/// Enter: validate, check the mailbox against the tenant if that has not happened for this
/// value, and go on once it exists.
fn next(state: &mut WizardState) -> Vec<Effect> {
    let mailbox = match validate_fields(state) {
        Ok(m) => m,
        Err(()) => {
            set_error(state, t("status.transport_invalid"));
            return Vec::new();
        }
    };
    let Some(mailbox) = mailbox else {
        return advance(state);
    };
    match state.transport.mailbox_check {
        Check::Done(MailboxState::Exists | MailboxState::Shared) => advance(state),
        // The check could not be made and the admin was told why; a second Enter goes on.
        Check::Failed(_) => advance(state),
        Check::Running => {
            set_info(state, t("status.mailbox_checking"));
            Vec::new()
        }
        _ => {
            let ticket = state.jobs.start(JobKind::Mailbox);
            state.transport.mailbox_error = None;
            state.transport.mailbox_check = Check::Running;
            vec![Effect::CheckMailbox { ticket, mailbox }]
        }
    }
}

pub(super) fn mailbox_checked(
    state: &mut WizardState,
    ticket: Ticket,
    mailbox: &str,
    result: Result<MailboxState, JobError>,
) -> Vec<Effect> {
    if !state.jobs.accept(JobKind::Mailbox, ticket) {
        return Vec::new();
    }
    let transport = &mut state.transport;
    match result {
        Ok(found @ (MailboxState::Exists | MailboxState::Shared)) => {
            transport.mailbox_check = Check::Done(found);
            transport.mailbox_error = None;
            if state.step == Step::Transport {
                return advance(state);
            }
        }
        Ok(answer) => {
            let key = match answer {
                MailboxState::NoMailbox => "status.mailbox_no_mailbox",
                _ => "status.mailbox_no_such_user",
            };
            transport.mailbox_check = Check::Done(answer);
            transport.mailbox_error = Some(tf(key, &[("mailbox", mailbox)]));
            transport.focus = 0;
        }
        Err(e) => {
            let sentence = e.to_string();
            // With the sign-in gone every later job fails too: Sign in is the way on, and the
            // mailbox is checked afresh after it. Anything else, a missing role to read users
            // included, only costs the check: the admin is told, and Enter goes on without it.
            if e.kind() == JobErrorKind::SignIn {
                transport.mailbox_check = Check::NotChecked;
                return super::sign_in::again(state, sentence);
            }
            transport.mailbox_error = Some(tf(
                "status.mailbox_not_checked",
                &[("reason", sentence.as_str())],
            ));
            transport.mailbox_check = Check::Failed(sentence);
            transport.focus = 0;
        }
    }
    Vec::new()
}

/// The sentence for a transfer domain of `kind` (fax, sms, vox) that is not a domain name; the
/// kind in the screen's language ("Fax", "SMS", "Sprache").
pub fn domain_error(kind: &str, error: &str) -> String {
    let key = format!("domain_kind.{kind}");
    let name = match crate::i18n::t(&key) {
        missing if missing == key => kind.to_string(),
        found => found.to_string(),
    };
    tf(
        "status.domain_invalid",
        &[("kind", name.as_str()), ("error", error)],
    )
}
