//! One ratatui screen per wizard step, plus shared widgets. Drawing only reads the state.

use crate::wizard::WizardState;
use ratatui::Frame;

/// The smallest terminal the layout fits; smaller ones get a clear message instead.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole screen for the current step.
pub fn draw(frame: &mut Frame, state: &WizardState) {
    let _ = (frame, state);
}
