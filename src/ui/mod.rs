//! One ratatui screen per wizard step, plus shared widgets. Drawing only reads the state.
//!
//! The frame: a header (exowiz, DEMO TENANT badge, organisation and product, the step
//! position among the steps this run shows: "Step n of m: Title", or the list of those step
//! titles when the terminal is wide and tall), the step's body, a status line (two rows for a
//! long sentence) and the key-help bar built from `wizard::keymap::bindings`, wrapped to as
//! many rows as it needs. Popups (help, confirmations) go on top.
//!
//! Links are drawn as plain text; `draw_linked` says where they are, and the runtime makes them
//! clickable with `write_hyperlinks` (see `widgets::link` for why and how). Times are shown in
//! the local time zone; `set_display_offset` pins another (the snapshot tests use it). Nothing
//! here reads the clock.

pub(crate) mod format;
mod frame;
mod popups;
mod screens;
mod theme;
mod widgets;

use crate::wizard::WizardState;
use ratatui::Frame;

pub use format::set_display_offset;
pub use theme::{no_color_requested, set_no_color_here, use_no_color};
pub use widgets::link::{Hyperlink, osc8, write_hyperlinks};

/// The smallest terminal the layout fits; smaller ones get a clear message instead (the
/// wizard refuses keys meanwhile, so the limits live with its state).
pub use crate::wizard::state::{MIN_HEIGHT, MIN_WIDTH};

/// Draws the whole screen for the current step.
pub fn draw(frame: &mut Frame, state: &WizardState) {
    let _ = draw_linked(frame, state);
}

/// Draws the whole screen and returns the screen areas of the links on it (one per row), for
/// `write_hyperlinks` after the frame is flushed. The runtime's draw step:
///
/// ```no_run
/// # fn run(terminal: &mut ratatui::DefaultTerminal, state: &exowiz::wizard::WizardState) -> std::io::Result<()> {
/// let mut links = Vec::new();
/// let frame = terminal.draw(|f| links = exowiz::ui::draw_linked(f, state))?;
/// exowiz::ui::write_hyperlinks(&mut std::io::stdout(), frame.buffer, &links)?;
/// # Ok(()) }
/// ```
///
/// Write the links with the same writer the backend uses, after `draw` has flushed (inside
/// the runtime's synchronized update, if it uses one). Links under a popup are left out. With no popup, the terminal cursor is placed in the focused
/// text field (ratatui shows it; without a focused field it is hidden).
pub fn draw_linked(frame: &mut Frame, state: &WizardState) -> Vec<Hyperlink> {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        frame::too_small(frame, area, state);
        return Vec::new();
    }
    let inner_width = frame::Layout::inner_width(area);
    let status = frame::status_lines(state, inner_width);
    let keys = frame::key_lines(state, inner_width);
    let header = frame::HeaderPlan::new(state, area);
    let rows = |n: usize| u16::try_from(n).unwrap_or(1);
    let layout = frame::Layout::new(area, header.rows(), rows(status.len()), rows(keys.len()));
    frame::header(frame, layout.header, state, &header);
    let page = screens::page(state, layout.body.width, layout.body.height);
    let mut links = page.render(frame, layout.body, state.popup.is_none());
    frame::status(frame, layout.status, &status);
    frame::keys(frame, layout.keys, &keys);
    if let Some(popup) = state.popup {
        // Over everything but the key bar, which shows the popup's keys.
        let over = ratatui::layout::Rect {
            height: area.height - layout.keys.height,
            ..area
        };
        let covered = popups::draw(frame, over, state, popup);
        links.retain(|l| !l.area.intersects(covered));
    }
    links
}
