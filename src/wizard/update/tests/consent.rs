//! Consent: link, polling, granting after confirmation, stale polls, going on.

use super::support::*;
use crate::auth::ConsentAnswer;
use crate::permissions::PermissionStatus;
use crate::wizard::effect::Effect;
use crate::wizard::msg::{Granted, Msg};
use crate::wizard::state::{Popup, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::{CONSENT_POLL_INTERVAL, all_granted, consent_link as link, update};
use crossterm::event::KeyCode;
use secrecy::ExposeSecret;

fn polled(state: &mut WizardState, ticket: u64, list: Vec<PermissionStatus>) -> Vec<Effect> {
    update(
        state,
        Msg::ConsentPolled {
            ticket,
            result: Ok(list),
        },
    )
}

/// The first `n` permissions granted.
fn partly(state: &WizardState, n: usize) -> Vec<PermissionStatus> {
    let mut list = permissions(state, false);
    for p in list.iter_mut().take(n) {
        p.granted = true;
    }
    list
}

#[test]
fn polls_until_everything_is_granted() {
    let (mut state, effects) = registered("officemaster");
    assert_eq!(names(&effects), ["PollConsent", "ListenForConsent"]);
    assert!(state.consent.polling);
    let ticket = ticket_of(&effects[0]);
    let list = partly(&state, 2);
    let effects = polled(&mut state, ticket, list);
    let [
        Effect::PollConsent {
            ticket: next,
            after,
            ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(*next, ticket, "the chain keeps its ticket");
    assert_eq!(*after, CONSENT_POLL_INTERVAL);
    let granted: Vec<bool> = state
        .app
        .as_ref()
        .unwrap()
        .permissions
        .iter()
        .map(|p| p.granted)
        .collect();
    assert_eq!(granted, [true, true, false, false]);
    assert!(state.consent.last_polled.is_some());
    let all = permissions(&state, true);
    assert!(polled(&mut state, ticket, all).is_empty());
    assert!(!state.consent.polling);
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.consent_all_granted"),
    );
}

#[test]
fn a_poll_error_is_shown_and_polling_goes_on() {
    let (mut state, effects) = registered("officemaster");
    let ticket = ticket_of(&effects[0]);
    let effects = update(
        &mut state,
        Msg::ConsentPolled {
            ticket,
            result: Err(failed("Graph answered 503; trying again.")),
        },
    );
    assert_eq!(names(&effects), ["PollConsent"]);
    assert_eq!(
        state.consent.error.as_deref(),
        Some("Graph answered 503; trying again.")
    );
}

#[test]
fn copy_and_open_the_consent_link() {
    let (mut state, _) = registered("officemaster");
    let url = state.app.as_ref().unwrap().consent_url.clone();
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { label, value, clear_after: None }]
            if label == "consent link" && value.expose_secret() == url
    ));
    let effects = letter(&mut state, 'o');
    assert!(matches!(&effects[..], [Effect::OpenBrowser { url: u }] if *u == url));
}

#[test]
fn without_a_browser_o_explains_instead() {
    let (mut state, _) = registered("officemaster");
    state.browser_available = false;
    assert!(letter(&mut state, 'o').is_empty());
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.no_browser"),
    );
}

#[test]
fn granting_asks_first_and_n_or_esc_cancels() {
    let (mut state, _) = registered("officemaster");
    assert!(letter(&mut state, 'g').is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmGrant));
    assert!(letter(&mut state, 'n').is_empty());
    assert_eq!(state.popup, None);
    letter(&mut state, 'g');
    assert!(esc(&mut state).is_empty());
    assert_eq!(state.popup, None);
    assert_eq!(
        state.step,
        Step::Consent,
        "Esc closed the popup, not the step"
    );
    assert!(!state.consent.granting);
}

#[test]
fn confirmed_grant_runs_and_its_answer_counts() {
    let (mut state, effects) = registered("officemaster");
    let poll_ticket = ticket_of(&effects[0]);
    letter(&mut state, 'g');
    let effects = letter(&mut state, 'y');
    let [
        Effect::GrantConsent {
            ticket,
            service_principal_id,
            permissions: wanted,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(service_principal_id, SP_ID);
    assert_eq!(wanted.len(), 4);
    assert!(state.consent.granting);
    assert_eq!(state.popup, None);
    assert!(state.wants_tick());
    // The poll that was out is stale now.
    let before = snapshot(&state);
    let list = partly(&state, 1);
    assert!(polled(&mut state, poll_ticket, list).is_empty());
    assert_eq!(snapshot(&state), before);
    // `g` again while it runs: nothing.
    assert!(letter(&mut state, 'g').is_empty());
    assert_eq!(state.popup, None);
    let all = permissions(&state, true);
    let effects = update(
        &mut state,
        Msg::ConsentGranted {
            ticket: *ticket,
            result: Ok(Granted {
                statuses: all,
                not_granted: Vec::new(),
            }),
        },
    );
    assert!(effects.is_empty());
    assert!(!state.consent.granting);
    assert!(
        state
            .app
            .as_ref()
            .unwrap()
            .permissions
            .iter()
            .all(|p| p.granted)
    );
}

#[test]
fn enter_on_the_highlighted_grant_button_grants_and_a_failed_grant_resumes_polling() {
    let (mut state, _) = registered("officemaster");
    letter(&mut state, 'g');
    // The dialog opens on Cancel (issue 10.3); Tab highlights Grant, which Enter then presses.
    press(&mut state, KeyCode::Tab);
    let effects = enter(&mut state);
    assert_eq!(names(&effects), ["GrantConsent"]);
    assert_eq!(state.step, Step::Consent);
    let effects = update(
        &mut state,
        Msg::ConsentGranted {
            ticket: ticket_of(&effects[0]),
            result: Err(failed(
                "Only a Privileged Role Administrator can grant this.",
            )),
        },
    );
    assert_eq!(names(&effects), ["PollConsent"]);
    assert!(!state.consent.granting);
    assert_eq!(
        state.status.as_ref().unwrap().text,
        "Only a Privileged Role Administrator can grant this."
    );
}

#[test]
fn enter_goes_to_verify_even_when_not_all_is_granted() {
    let (mut state, effects) = registered("officemaster");
    let poll = ticket_of(&effects[0]);
    let effects = enter(&mut state);
    assert_eq!(state.step, Step::Verify);
    assert_eq!(names(&effects), ["StopConsentListener", "Verify"]);
    // Says what is missing will show.
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.consent_incomplete"),
    );
    assert!(!state.consent.polling);
    // Polls of the left step are stale.
    let before = snapshot(&state);
    let list = partly(&state, 1);
    assert!(polled(&mut state, poll, list).is_empty());
    assert_eq!(snapshot(&state), before);
}

#[test]
fn delegated_only_profiles_poll_and_verify_the_same_way() {
    let (mut state, effects) = registered("flowfact");
    assert_eq!(names(&effects), ["PollConsent", "ListenForConsent"]);
    let all = permissions(&state, true);
    polled(&mut state, ticket_of(&effects[0]), all);
    let effects = sans_listener(enter(&mut state));
    let [Effect::Verify { expected, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert!(
        expected
            .iter()
            .all(|p| p.kind == crate::profile::PermissionType::Delegated)
    );
}

#[test]
fn q_on_consent_asks_because_the_secret_was_not_handed_over() {
    let (mut state, _) = registered("officemaster");
    assert!(letter(&mut state, 'q').is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    press(&mut state, KeyCode::Char('n'));
    assert_eq!(state.popup, None);
}

// ---------------------------------------------------------------------------------------------
// The loopback listener: Entra's answer learned at once where the link is opened here
// ---------------------------------------------------------------------------------------------

const LISTENER_LINK: &str = "https://login.microsoftonline.com/t/adminconsent?client_id=c&state=s&redirect_uri=http%3A%2F%2Flocalhost%3A50123";

/// On Consent with the listener open (its link reported); returns the listener's and the
/// poll chain's tickets.
fn listening() -> (WizardState, u64, u64) {
    let (mut state, effects) = registered("officemaster");
    let poll = ticket_of(&effects[0]);
    let [
        _,
        Effect::ListenForConsent {
            ticket,
            tenant_id,
            client_id,
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(tenant_id, CONTOSO_TENANT_ID);
    assert_eq!(client_id, CLIENT_ID);
    let listener = *ticket;
    assert_ne!(
        listener, poll,
        "the listener and the polls have their own tickets"
    );
    let effects = update(
        &mut state,
        Msg::ConsentListening {
            ticket: listener,
            result: Ok(LISTENER_LINK.into()),
        },
    );
    assert!(effects.is_empty());
    (state, listener, poll)
}

fn answered(state: &mut WizardState, ticket: u64, answer: Option<ConsentAnswer>) -> Vec<Effect> {
    update(state, Msg::ConsentAnswered { ticket, answer })
}

#[test]
fn the_listeners_link_is_shown_copied_and_opened() {
    let (mut state, _, _) = listening();
    assert_eq!(link(&state).as_deref(), Some(LISTENER_LINK));
    let effects = letter(&mut state, 'c');
    assert!(matches!(
        &effects[..],
        [Effect::Copy { value, .. }] if value.expose_secret() == LISTENER_LINK
    ));
    let effects = letter(&mut state, 'o');
    assert!(matches!(&effects[..], [Effect::OpenBrowser { url }] if url == LISTENER_LINK));
}

#[test]
fn without_a_listener_the_plain_link_and_the_polls_remain() {
    let (mut state, effects) = registered("officemaster");
    let plain = state.app.as_ref().unwrap().consent_url.clone();
    let listener = ticket_of(&effects[1]);
    let effects = update(
        &mut state,
        Msg::ConsentListening {
            ticket: listener,
            result: Err(failed("The local listener could not start.")),
        },
    );
    assert!(effects.is_empty());
    assert_eq!(link(&state), Some(plain.clone()));
    assert!(state.consent.polling, "the poll chain goes on");
    let effects = letter(&mut state, 'o');
    assert!(matches!(&effects[..], [Effect::OpenBrowser { url }] if *url == plain));
}

#[test]
fn a_granted_answer_reads_the_grants_at_once_and_drops_the_waiting_poll() {
    let (mut state, listener, poll) = listening();
    // The first read found nothing granted: the next read waits a full interval.
    let list = partly(&state, 0);

    let effects = polled(&mut state, poll, list);
    assert!(
        matches!(&effects[..], [Effect::PollConsent { after, .. }] if *after == CONSENT_POLL_INTERVAL)
    );

    let effects = answered(&mut state, listener, Some(ConsentAnswer::Granted));
    let [Effect::PollConsent { ticket, after, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    assert!(after.is_zero(), "confirmed at once, not after the interval");
    let confirm = *ticket;
    assert_ne!(confirm, poll, "the poll that waits is stale now");
    // Says the browser reported the grant.
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.consent_answer_granted"),
    );

    // The stale poll's answer changes nothing.
    let before = snapshot(&state);
    let list = permissions(&state, true);

    assert!(polled(&mut state, poll, list).is_empty());
    assert_eq!(snapshot(&state), before);

    // Replication: the first read after the grant may not see it yet; the chain goes on.
    let list = partly(&state, 2);

    let effects = polled(&mut state, confirm, list);
    assert!(
        matches!(&effects[..], [Effect::PollConsent { ticket, after, .. }] if *ticket == confirm && *after == CONSENT_POLL_INTERVAL)
    );
    let list = permissions(&state, true);

    assert!(polled(&mut state, confirm, list).is_empty());
    assert!(all_granted(&state));
}

#[test]
fn a_refusal_shows_entras_sentence_and_a_fresh_listener_waits_for_the_retry() {
    let (mut state, listener, poll) = listening();
    let sentence = "Admin consent was not granted (access_denied): AADSTS65004: User declined to consent to access the app.";
    let effects = answered(
        &mut state,
        listener,
        Some(ConsentAnswer::Refused(sentence.into())),
    );
    let [Effect::ListenForConsent { ticket: fresh, .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    let fresh = *fresh;
    assert_ne!(fresh, listener);
    assert_eq!(state.consent.refused.as_deref(), Some(sentence));
    assert_eq!(state.status.as_ref().unwrap().text, sentence);
    assert!(
        state.consent.listener_link.is_none(),
        "the closed listener's link is not offered"
    );
    // The polls go on (the chain is untouched).
    let list = partly(&state, 0);

    assert!(!polled(&mut state, poll, list).is_empty());

    // The old listener's late messages are stale.
    let before = snapshot(&state);
    assert!(answered(&mut state, listener, Some(ConsentAnswer::Granted)).is_empty());
    update(
        &mut state,
        Msg::ConsentListening {
            ticket: listener,
            result: Ok("http://stale".into()),
        },
    );
    assert_eq!(snapshot(&state), before);

    // The retry through the fresh listener is granted; the sentence goes once all is granted.
    update(
        &mut state,
        Msg::ConsentListening {
            ticket: fresh,
            result: Ok(LISTENER_LINK.into()),
        },
    );
    let effects = answered(&mut state, fresh, Some(ConsentAnswer::Granted));
    assert_eq!(names(&effects), ["PollConsent"]);
    assert!(state.consent.refused.is_none());
    let list = permissions(&state, true);

    polled(&mut state, ticket_of(&effects[0]), list);
    assert!(all_granted(&state));
}

#[test]
fn leaving_consent_closes_the_listener_and_its_late_answer_is_ignored() {
    let (mut state, listener, _) = listening();
    let effects = enter(&mut state);
    assert_eq!(state.step, Step::Verify);
    assert_eq!(names(&effects)[0], "StopConsentListener");
    assert!(state.consent.listener_link.is_none());
    let before = snapshot(&state);
    assert!(answered(&mut state, listener, Some(ConsentAnswer::Granted)).is_empty());
    assert!(
        answered(
            &mut state,
            listener,
            Some(ConsentAnswer::Refused("late".into()))
        )
        .is_empty()
    );
    assert_eq!(snapshot(&state), before);
}

#[test]
fn a_listener_that_gave_up_leaves_the_polls_alone() {
    use crate::wizard::jobs::JobKind;
    let (mut state, listener, _) = listening();
    let poll = state.jobs.ticket(JobKind::ConsentPoll);
    let before = format!("{:?} {:?} {:?}", state.consent, state.status, state.app);
    assert!(answered(&mut state, listener, None).is_empty());
    let after = format!("{:?} {:?} {:?}", state.consent, state.status, state.app);
    assert_eq!(after, before);
    // Only the bookkeeping knows: the listener is over, the poll chain goes on.
    assert!(!state.jobs.is_running(JobKind::ConsentListener));
    assert!(state.jobs.is_current(JobKind::ConsentPoll, poll));
}

#[test]
fn a_granted_answer_while_granting_from_the_tool_waits_for_the_grant() {
    let (mut state, listener, _) = listening();
    letter(&mut state, 'g');
    let effects = letter(&mut state, 'y');
    assert_eq!(names(&effects), ["GrantConsent"]);
    assert!(answered(&mut state, listener, Some(ConsentAnswer::Granted)).is_empty());
    assert!(state.consent.granting);
}
