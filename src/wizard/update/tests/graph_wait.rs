//! Graph's waits on the status line (issue 14.6): shown with the seconds left, counted down by
//! the client's reports, gone when the wait ends or its job was cancelled; Ctrl+C still leaves.

use super::support::*;
use crate::graph::{GraphWait, Operation};
use crate::wizard::msg::Msg;
use crate::wizard::state::{GraphWaitNotice, Popup, WizardState};
use crate::wizard::step::Step;
use crate::wizard::update::{TICKS_PER_SECOND, update};
use std::time::Duration;

fn waiting(state: &mut WizardState, secs: u64, first: bool) {
    let wait = GraphWait {
        operation: Operation::CreateApplication,
        left: Duration::from_secs(secs),
        first,
    };
    assert!(update(state, Msg::GraphWaiting { wait }).is_empty());
}

/// Review, Enter: the registration job runs.
fn registering() -> WizardState {
    let (mut state, _) = at("officemaster", Step::Review);
    enter(&mut state);
    assert_eq!(state.step, Step::Register);
    state
}

#[test]
fn a_wait_is_shown_and_counted_down_by_the_reports() {
    let mut state = registering();
    waiting(&mut state, 3, true);
    assert_eq!(
        state.graph_wait.map(|n| n.wait.left),
        Some(Duration::from_secs(3))
    );
    // Ticks between two reports keep the notice.
    for _ in 0..TICKS_PER_SECOND {
        update(&mut state, Msg::Tick);
    }
    waiting(&mut state, 2, false);
    assert_eq!(
        state.graph_wait,
        Some(GraphWaitNotice {
            wait: GraphWait {
                operation: Operation::CreateApplication,
                left: Duration::from_secs(2),
                first: false,
            },
            ticks_since_report: 0,
        })
    );
    waiting(&mut state, 1, false);
    waiting(&mut state, 0, false);
    assert_eq!(state.graph_wait, None, "the wait is over");
}

#[test]
fn a_wait_keeps_the_ticks_coming_and_ends_when_no_longer_reported() {
    let mut state = registering();
    waiting(&mut state, 30, true);
    assert!(state.wants_tick());
    // The job was cancelled mid-wait: no more reports. A few seconds later the notice goes.
    for _ in 0..10 * TICKS_PER_SECOND {
        update(&mut state, Msg::Tick);
    }
    assert_eq!(state.graph_wait, None);
}

#[test]
fn ctrl_c_during_a_wait_asks_then_leaves() {
    let mut state = registering();
    waiting(&mut state, 30, true);
    // The registration runs: quitting asks first (its result would be lost), a second Ctrl+C
    // leaves.
    assert!(update(&mut state, ctrl('c')).is_empty());
    assert_eq!(state.popup, Some(Popup::ConfirmQuit));
    assert_eq!(names(&update(&mut state, ctrl('c'))), ["Quit"]);
    assert!(state.should_quit);
}
