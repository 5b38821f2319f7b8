//! The check job: app step → findings → select fixes → confirm → applied and re-checked.

use super::support::*;
use crate::check::{
    Applied, Finding, FindingKind, Fix, FixId, FixResult, ProfileSource, Report, Severity,
};
use crate::error::{JobError, JobErrorKind};
use crate::graph::Operation;
use crate::graph::error::ErrorBody;
use crate::profile::{self, InstallMode};
use crate::wizard::effect::Effect;
use crate::wizard::msg::Msg;
use crate::wizard::state::SignInPhase;
use crate::wizard::state::{Check, Job, Popup, StatusKind, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::{update, visible_steps};
use crossterm::event::KeyCode;

fn finding(severity: Severity, text: &str, fix: Option<(usize, Fix)>) -> Finding {
    Finding {
        kind: FindingKind::Permission,
        severity,
        text: text.into(),
        fix_id: fix.as_ref().map(|(n, _)| FixId(*n)),
        fix: fix.map(|(_, f)| f),
    }
}

pub(super) fn report(findings: Vec<Finding>) -> Box<Report> {
    let app = serde_json::from_value(serde_json::json!({
        "id": "obj-1",
        "appId": CLIENT_ID,
        "displayName": "OfficeMaster EWS",
    }))
    .unwrap();
    Box::new(Report {
        tenant_id: CONTOSO_TENANT_ID.into(),
        tenant_name: "Contoso Ltd".into(),
        app,
        service_principal: None,
        profile_id: "officemaster".into(),
        profile: profile::by_id("officemaster").unwrap(),
        profile_source: ProfileSource::Saved,
        profile_reason: "saved by an earlier exowiz run".into(),
        mode: InstallMode::CloudOnly,
        permissions: Vec::new(),
        consent_url: String::new(),
        findings,
    })
}

fn broken() -> Box<Report> {
    report(vec![
        finding(Severity::Ok, "The profile fits.", None),
        finding(
            Severity::Problem,
            "The service principal is missing.",
            Some((1, Fix::CreateServicePrincipal)),
        ),
        finding(
            Severity::Warning,
            "Public client flows are off.",
            Some((2, Fix::SetPublicClient { enabled: true })),
        ),
        finding(
            Severity::Warning,
            "The secret expires soon.",
            Some((
                3,
                Fix::RotateSecret {
                    command: "exowiz rotate".into(),
                },
            )),
        ),
    ])
}

/// Check job, signed in, app chosen, the report loaded.
pub(super) fn on_findings() -> WizardState {
    let mut state = wizard("officemaster");
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Right);
    assert_eq!(state.job, Job::CheckRegistration);
    sign_in(&mut state, contoso());
    let effects = enter(&mut state);
    assert_eq!(state.step, Step::App);
    update(
        &mut state,
        Msg::AppsListed {
            ticket: ticket_of(&effects[0]),
            result: Ok(vec![app_summary("OfficeMaster EWS", CLIENT_ID)]),
        },
    );
    let effects = enter(&mut state);
    assert_eq!(state.step, Step::Findings);
    match &effects[..] {
        [Effect::RunCheck { client_id, .. }] => assert_eq!(client_id, CLIENT_ID),
        other => panic!("{other:?}"),
    }
    update(
        &mut state,
        Msg::Checked {
            ticket: ticket_of(&effects[0]),
            result: Ok(broken()),
        },
    );
    state
}

#[test]
fn the_check_job_has_four_steps() {
    let mut state = wizard("officemaster");
    state.job = Job::CheckRegistration;
    assert_eq!(
        visible_steps(&state),
        [Step::Welcome, Step::SignIn, Step::App, Step::Findings]
    );
}

#[test]
fn only_applicable_fixes_are_selectable() {
    let state = on_findings();
    assert_eq!(state.check.fixable(), [FixId(1), FixId(2)]);
}

#[test]
fn space_toggles_the_highlighted_fix_and_a_toggles_all() {
    let mut state = on_findings();
    letter(&mut state, ' ');
    assert_eq!(state.check.selected, [FixId(1)]);
    letter(&mut state, ' ');
    assert!(state.check.selected.is_empty());
    press(&mut state, KeyCode::Down);
    press(&mut state, KeyCode::Down);
    letter(&mut state, ' ');
    assert_eq!(state.check.selected, [FixId(2)]);
    letter(&mut state, 'a');
    assert_eq!(state.check.selected, [FixId(1), FixId(2)]);
    letter(&mut state, 'a');
    assert!(state.check.selected.is_empty());
}

#[test]
fn enter_without_a_selection_says_how_to_select() {
    let mut state = on_findings();
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.popup, None);
    assert_status(
        &state,
        StatusKind::Info,
        crate::i18n::t("status.select_fixes"),
    );
}

#[test]
fn enter_asks_first_then_applies_the_selection_and_shows_the_recheck() {
    let mut state = on_findings();
    letter(&mut state, 'a');
    assert!(enter(&mut state).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmApplyFixes));
    let effects = letter(&mut state, 'y');
    let ticket = match &effects[..] {
        [Effect::ApplyFixes { fixes, ticket, .. }] => {
            assert_eq!(fixes, &[FixId(1), FixId(2)]);
            *ticket
        }
        other => panic!("{other:?}"),
    };
    assert!(state.check.applying);
    esc(&mut state);
    assert_eq!(
        state.step,
        Step::Findings,
        "Esc waits while fixes are applied"
    );
    update(
        &mut state,
        Msg::FixesApplied {
            ticket,
            result: Ok(Box::new(Applied {
                results: vec![
                    FixResult {
                        fix_id: FixId(1),
                        outcome: Ok("Created the service principal.".into()),
                    },
                    FixResult {
                        fix_id: FixId(2),
                        outcome: Err("Graph refused.".into()),
                    },
                ],
                report: *report(vec![finding(Severity::Ok, "All fine.", None)]),
            })),
        },
    );
    assert!(!state.check.applying);
    assert!(state.check.selected.is_empty());
    assert_eq!(state.check.results.len(), 2);
    assert!(state.check.fixable().is_empty());
    assert_eq!(state.status.as_ref().unwrap().kind, StatusKind::Error);
}

#[test]
fn cancelling_the_confirmation_applies_nothing() {
    let mut state = on_findings();
    letter(&mut state, 'a');
    enter(&mut state);
    assert!(letter(&mut state, 'n').is_empty());
    assert_eq!(state.popup, None);
    assert!(!state.check.applying);
}

#[test]
fn stale_reports_and_results_are_ignored() {
    let mut state = on_findings();
    let before = snapshot(&state);
    update(
        &mut state,
        Msg::Checked {
            ticket: 999,
            result: Err(JobError::Input("old".into())),
        },
    );
    update(
        &mut state,
        Msg::FixesApplied {
            ticket: 999,
            result: Err(JobError::Input("old".into())),
        },
    );
    assert_eq!(snapshot(&state), before);
}

#[test]
fn esc_goes_back_to_the_app_list_and_a_failed_check_retries_with_enter() {
    let mut state = on_findings();
    esc(&mut state);
    assert_eq!(state.step, Step::App);
    assert!(matches!(state.check.report, Check::NotChecked));
    let effects = enter(&mut state);
    update(
        &mut state,
        Msg::Checked {
            ticket: ticket_of(&effects[0]),
            result: Err(graph_error(503, "serviceNotAvailable")),
        },
    );
    assert!(matches!(state.check.report, Check::Failed(_)));
    assert_eq!(names(&enter(&mut state)), ["RunCheck"]);
}

/// A Graph error as the client makes it from Graph's answer.
fn graph_error(status: u16, code: &str) -> JobError {
    let body = ErrorBody::parse(
        serde_json::json!({"error": {"code": code, "message": "refused"}})
            .to_string()
            .as_bytes(),
    );
    crate::graph::GraphError::from_response(
        Operation::AssignAppRole,
        "graph.microsoft.com",
        status,
        &body,
        None,
        "crid-1",
    )
    .into()
}

/// Issue 11: the wizard branches on the error's kind, not its text. Graph's 403 (the account
/// lacks the role that may grant) cannot be cured by trying again: the wizard goes back to
/// Sign in with the sentence, where Enter signs in afresh; an unreachable or failing service
/// stays on the check, where Enter tries again.
#[test]
fn a_missing_role_leads_back_to_sign_in_while_a_failing_service_is_tried_again() {
    let forbidden = graph_error(403, "Authorization_RequestDenied");
    assert_eq!(forbidden.kind(), JobErrorKind::NeedsAdminRole);
    let sentence = forbidden.to_string();

    // Applying the fixes is refused for the signed-in account.
    let mut state = on_findings();
    letter(&mut state, 'a');
    enter(&mut state);
    let ticket = match &letter(&mut state, 'y')[..] {
        [Effect::ApplyFixes { ticket, .. }] => *ticket,
        other => panic!("expected ApplyFixes, got {other:?}"),
    };
    update(
        &mut state,
        Msg::FixesApplied {
            ticket,
            result: Err(forbidden.clone()),
        },
    );
    assert_eq!(state.step, Step::SignIn);
    assert_eq!(state.sign_in, SignInPhase::Failed(sentence.clone()));
    assert!(
        matches!(state.check.report, Check::Done(_)),
        "the report stays"
    );
    assert_eq!(names(&enter(&mut state)), ["StartSignIn"]);

    // The check itself refused: the same way on.
    let mut state = on_findings();
    esc(&mut state);
    let effects = enter(&mut state);
    update(
        &mut state,
        Msg::Checked {
            ticket: ticket_of(&effects[0]),
            result: Err(forbidden),
        },
    );
    assert_eq!(state.step, Step::SignIn);
    assert_eq!(state.sign_in, SignInPhase::Failed(sentence));

    // A service that fails (503 after the retries) is tried again where it failed.
    let mut state = on_findings();
    esc(&mut state);
    let effects = enter(&mut state);
    let unavailable = graph_error(503, "serviceNotAvailable");
    assert_eq!(unavailable.kind(), JobErrorKind::Service);
    update(
        &mut state,
        Msg::Checked {
            ticket: ticket_of(&effects[0]),
            result: Err(unavailable),
        },
    );
    assert_eq!(state.step, Step::Findings);
    assert_eq!(names(&enter(&mut state)), ["RunCheck"]);
}
