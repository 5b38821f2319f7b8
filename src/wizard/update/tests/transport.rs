//! Transport: focus, suggestions, validation, the mailbox check.

use super::support::*;
use crate::domain::MailboxState;
use crate::wizard::effect::Effect;
use crate::wizard::msg::Msg;
use crate::wizard::state::Check;
use crate::wizard::step::Step;
use crate::wizard::update::update;
use crossterm::event::KeyCode;

#[test]
fn focus_moves_with_tab_shift_tab_and_arrows_and_wraps() {
    let (mut state, _) = at("officemaster", Step::Transport);
    assert_eq!(state.transport.focus, 0);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.transport.focus, 2);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.transport.focus, 0);
    press(&mut state, KeyCode::BackTab);
    assert_eq!(state.transport.focus, 3);
    press(&mut state, KeyCode::Up);
    assert_eq!(state.transport.focus, 2);
}

#[test]
fn moveit_has_the_mailbox_only() {
    let (mut state, _) = at("moveit", Step::Transport);
    assert!(state.transport.domains.is_empty());
    press(&mut state, KeyCode::Tab);
    assert_eq!(state.transport.focus, 0);
    let effects = enter(&mut state);
    assert!(matches!(
        &effects[..],
        [Effect::CheckMailbox { mailbox, .. }] if mailbox == "moveit@contoso.com"
    ));
}

#[test]
fn ctrl_s_takes_the_offered_full_name() {
    let (mut state, _) = at("officemaster", Step::Transport);
    // On the mailbox it does nothing.
    update(&mut state, ctrl('s'));
    assert_eq!(state.transport.mailbox.value(), "fax-transfer@contoso.com");
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    update(&mut state, ctrl('s'));
    assert_eq!(state.transport.domains[1].field.value(), "sms.contoso-ltd");
    assert_eq!(state.transport.domains[0].field.value(), "fax.contoso");
}

#[test]
fn enter_checks_a_valid_mailbox_and_goes_on_when_it_exists() {
    let (mut state, _) = at("officemaster", Step::Transport);
    retype(&mut state, " Fax-Transfer@Contoso.com ");
    let effects = enter(&mut state);
    assert!(matches!(
        &effects[..],
        [Effect::CheckMailbox { mailbox, .. }] if mailbox == "fax-transfer@contoso.com"
    ));
    assert_eq!(state.transport.mailbox_check, Check::Running);
    assert_eq!(state.step, Step::Transport);
    // Enter while the check runs starts no second one.
    assert!(enter(&mut state).is_empty());
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.mailbox_checking"),
    );
    let after = mailbox_answer(&mut state, &effects[0], MailboxState::Exists);
    assert!(after.is_empty());
    assert_eq!(state.step, Step::Accounts);
    assert_eq!(
        state.transport.mailbox_check,
        Check::Done(MailboxState::Exists)
    );
}

#[test]
fn a_missing_mailbox_keeps_the_step_with_a_sentence() {
    for (answer, needle) in [
        (MailboxState::NoMailbox, "no Exchange Online mailbox"),
        (MailboxState::NoSuchUser, "There is no"),
    ] {
        let (mut state, _) = at("officemaster", Step::Transport);
        press(&mut state, KeyCode::Tab);
        let effects = enter(&mut state);
        mailbox_answer(&mut state, &effects[0], answer);
        assert_eq!(state.step, Step::Transport);
        let error = state.transport.mailbox_error.clone().unwrap();
        assert!(error.contains(needle), "{error}");
        assert!(error.contains("fax-transfer@contoso.com"), "{error}");
        assert_eq!(state.transport.focus, 0, "focus goes to the mailbox");
        // Enter checks again (the admin may have created it meanwhile).
        assert_eq!(names(&enter(&mut state)), ["CheckMailbox"]);
    }
}

#[test]
fn a_failed_check_shows_the_lower_layers_sentence() {
    let (mut state, _) = at("moveit", Step::Transport);
    let effects = enter(&mut state);
    update(
        &mut state,
        Msg::MailboxChecked {
            ticket: ticket_of(&effects[0]),
            mailbox: "fax-transfer@contoso.com".into(),
            result: Err(failed("Graph is not reachable. Check the network.")),
        },
    );
    assert_eq!(
        state.transport.mailbox_error.as_deref(),
        Some(
            "The mailbox could not be checked: Graph is not reachable. Check the network. \
             Press Enter again to go on without the check."
        )
    );
    assert_eq!(state.step, Step::Transport);
    // The admin was told; a second Enter goes on without the check instead of asking again.
    assert!(!names(&enter(&mut state)).contains(&"CheckMailbox"));
    assert_ne!(state.step, Step::Transport);
}

#[test]
fn a_shared_mailbox_passes_like_a_licensed_one() {
    let (mut state, _) = at("officemaster", Step::Transport);
    press(&mut state, KeyCode::Tab);
    let effects = enter(&mut state);
    mailbox_answer(&mut state, &effects[0], MailboxState::Shared);
    assert_ne!(state.step, Step::Transport);
    assert_eq!(
        state.transport.mailbox_check,
        Check::Done(MailboxState::Shared)
    );
}

#[test]
fn invalid_fields_get_sentences_and_no_check_runs() {
    let (mut state, _) = at("officemaster", Step::Transport);
    retype(&mut state, "fax-transfer");
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "contoso.com"); // a verified domain
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "nodot");
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "Contoso.COM"); // verified again, differently written
    let effects = enter(&mut state);
    assert!(effects.is_empty());
    assert!(state.transport.mailbox_error.is_some());
    let errors: Vec<_> = state
        .transport
        .domains
        .iter()
        .map(|d| d.error.clone())
        .collect();
    assert!(errors[0].as_ref().unwrap().contains("verified domain"));
    assert!(errors[1].as_ref().unwrap().contains("SMS"));
    assert!(errors[2].is_some());
    assert_eq!(state.transport.focus, 0, "focus on the first wrong field");
    assert_status(
        &state,
        StatusKind::Error,
        crate::i18n::t("status.transport_invalid"),
    );
    assert_eq!(state.transport.mailbox_check, Check::NotChecked);
}

#[test]
fn the_same_domain_twice_is_an_error_and_editing_clears_it() {
    let (mut state, _) = at("officemaster", Step::Transport);
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "fax.contoso");
    press(&mut state, KeyCode::Tab);
    retype(&mut state, "fax.contoso");
    assert!(enter(&mut state).is_empty());
    assert!(state.transport.domains[0].error.is_none());
    assert!(
        state.transport.domains[1]
            .error
            .as_ref()
            .unwrap()
            .contains("twice")
    );
    assert_eq!(state.transport.focus, 2);
    type_text(&mut state, "x");
    assert!(state.transport.domains[1].error.is_none());
}

#[test]
fn editing_the_mailbox_resets_its_check() {
    let (mut state, _) = at("officemaster", Step::Transport);
    let effects = enter(&mut state);
    mailbox_answer(&mut state, &effects[0], MailboxState::Exists);
    assert_eq!(state.step, Step::Accounts);
    esc(&mut state);
    assert_eq!(state.step, Step::Transport);
    // Unchanged: Enter goes on without checking again.
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.step, Step::Accounts);
    esc(&mut state);
    press(&mut state, KeyCode::End);
    type_text(&mut state, "x");
    press(&mut state, KeyCode::Backspace);
    assert_eq!(state.transport.mailbox_check, Check::NotChecked);
    assert_eq!(names(&enter(&mut state)), ["CheckMailbox"]);
}

#[test]
fn stale_mailbox_results_are_ignored() {
    let (mut state, _) = at("officemaster", Step::Transport);
    let old = enter(&mut state);
    // Typing while the check runs makes its answer stale.
    type_text(&mut state, "m");
    assert_eq!(state.transport.mailbox_check, Check::NotChecked);
    let before = snapshot(&state);
    assert!(mailbox_answer(&mut state, &old[0], MailboxState::Exists).is_empty());
    assert!(mailbox_answer(&mut state, &old[0], MailboxState::NoSuchUser).is_empty());
    assert_eq!(snapshot(&state), before);
    assert_eq!(state.step, Step::Transport);

    // Leaving with Esc while it runs: also stale.
    press(&mut state, KeyCode::Backspace);
    let old = enter(&mut state);
    esc(&mut state);
    let before = snapshot(&state);
    assert!(mailbox_answer(&mut state, &old[0], MailboxState::Exists).is_empty());
    assert_eq!(snapshot(&state), before);
    assert_eq!(state.step, Step::InstallType);
}

/// Issue 16.4: myfactory's „E-Mail-Adresse für Exchange-Server“ (001, lines 9–11) and Flowfact's
/// login are asked for on Transport, optional: typed, it is checked and handed to the
/// registration (Done shows it); empty, Enter goes on and Done says what to enter.
#[test]
fn myfactory_and_flowfact_ask_for_their_mailbox_and_hand_it_over() {
    for id in ["myfactory", "flowfact"] {
        let (state, _) = at(id, Step::Accounts);
        assert!(
            !crate::wizard::update::is_skipped(&state, Step::Transport),
            "{id}"
        );
        let (mut state, _) = at(id, Step::Transport);
        assert_eq!(state.step, Step::Transport, "{id}");
        assert_eq!(state.transport.mailbox.value(), "", "{id}: no fax default");
        retype(&mut state, "Fax-Transfer@Contoso.com");
        let effects = enter(&mut state);
        assert_eq!(names(&effects), ["CheckMailbox"], "{id}");
        mailbox_answer(&mut state, &effects[0], MailboxState::Shared);
        assert_eq!(state.step, Step::Accounts, "{id}");
        let request = crate::wizard::update::review::register_request(&state).unwrap();
        assert_eq!(
            request.mailbox.as_deref(),
            Some("fax-transfer@contoso.com"),
            "{id}"
        );

        // Empty: no check, on to Accounts, nothing handed over.
        let (mut state, _) = at(id, Step::Transport);
        assert!(enter(&mut state).is_empty(), "{id}: no mailbox check");
        assert_eq!(state.step, Step::Accounts, "{id}");
        let request = crate::wizard::update::review::register_request(&state).unwrap();
        assert_eq!(request.mailbox, None, "{id}");
    }
}

/// Issue 11, typed errors to the screen: the mailbox check branches on the error's kind. A
/// sign-in that is gone (Graph's 401) fails every later job too, so the wizard goes back to
/// Sign in with the sentence and checks again after it; a network failure or a missing role
/// to read users only costs the check (Enter goes on without it, as before).
#[test]
fn the_mailbox_check_branches_on_the_kind_of_its_failure() {
    use crate::wizard::state::SignInPhase;
    let failed_with = |error: JobError| {
        let (mut state, _) = at("moveit", Step::Transport);
        let effects = enter(&mut state);
        update(
            &mut state,
            Msg::MailboxChecked {
                ticket: ticket_of(&effects[0]),
                mailbox: "fax-transfer@contoso.com".into(),
                result: Err(error),
            },
        );
        state
    };

    for error in [
        graph_offline(Operation::CheckMailbox),
        graph_forbidden(Operation::CheckMailbox),
    ] {
        let sentence = error.to_string();
        let state = failed_with(error);
        assert_eq!(state.step, Step::Transport, "{sentence}");
        assert_eq!(state.transport.mailbox_check, Check::Failed(sentence));
    }

    let expired = graph_error_of_status(Operation::CheckMailbox, 401);
    assert_eq!(expired.kind(), JobErrorKind::SignIn);
    let sentence = expired.to_string();
    let mut state = failed_with(expired);
    assert_eq!(
        state.step,
        Step::SignIn,
        "the sign-in is gone: sign in again"
    );
    assert_eq!(state.sign_in, SignInPhase::Failed(sentence));
    assert_eq!(state.transport.mailbox_check, Check::NotChecked);
    assert_eq!(state.transport.mailbox_error, None);
    // Signed in again, Enter on Transport checks the mailbox afresh.
    crate::wizard::update::go_to(&mut state, Step::Transport);
    assert_eq!(names(&enter(&mut state)), ["CheckMailbox"]);
}
