//! The transitions: `update(state, msg)` changes the state and returns the effects to run.

use super::effect::Effect;
use super::msg::Msg;
use super::state::WizardState;

/// Applies one message. Returns the effects the runtime must run, in order.
pub fn update(state: &mut WizardState, msg: Msg) -> Vec<Effect> {
    let _ = (state, msg);
    Vec::new()
}
