//! Microsoft Graph's waits on the screen (issue 14.6): while a job waits for a `Retry-After`
//! (429/503) or for a new object to replicate, the status line says what is waited for and
//! counts the seconds down, instead of a spinner that seems stuck. The Graph client reports
//! the wait when it starts, each second, and once more with nothing left when it ends.

use super::TICKS_PER_SECOND;
use crate::graph::GraphWait;
use crate::wizard::effect::Effect;
use crate::wizard::state::{GraphWaitNotice, WizardState};

/// Without a report for this many ticks (reports come each second) the wait is taken as over:
/// its job was cancelled (quit, Esc) between two reports.
pub(super) const STALE_AFTER_TICKS: usize = 3 * TICKS_PER_SECOND;

pub(super) fn reported(state: &mut WizardState, wait: GraphWait) -> Vec<Effect> {
    state.graph_wait = (!wait.left.is_zero()).then_some(GraphWaitNotice {
        wait,
        ticks_since_report: 0,
    });
    Vec::new()
}

pub(super) fn tick(state: &mut WizardState) {
    if let Some(notice) = &mut state.graph_wait {
        notice.ticks_since_report += 1;
        if notice.ticks_since_report > STALE_AFTER_TICKS {
            state.graph_wait = None;
        }
    }
}
