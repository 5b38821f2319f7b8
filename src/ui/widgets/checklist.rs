//! The register step's live checklist: ○ pending, spinner running, ✓ done, ✗ failed.

use super::page::Page;
use crate::i18n::t;
use crate::ui::theme;
use crate::wizard::state::{ChecklistItem, ItemState};
use ratatui::text::Span;

/// The state symbol and the style of the label.
fn look(state: ItemState, spinner: usize) -> (Span<'static>, ratatui::style::Style) {
    match state {
        ItemState::Pending => (Span::styled("○", theme::dim()), theme::dim()),
        ItemState::Running => (
            Span::styled(theme::spinner(spinner), theme::accent()),
            theme::title(),
        ),
        ItemState::Done => (Span::styled("✓", theme::ok()), ratatui::style::Style::new()),
        ItemState::Failed => (Span::styled("✗", theme::error()), theme::error()),
    }
}

/// One line per item (more when a detail wraps), indented by `indent`.
pub fn push(page: &mut Page, indent: usize, items: &[ChecklistItem], spinner: usize) {
    for item in items {
        let (symbol, style) = look(item.state, spinner);
        let prefix = vec![Span::raw(" ".repeat(indent)), symbol, Span::raw(" ")];
        let label = t(item.label_key);
        match &item.detail {
            Some(detail) if !detail.is_empty() => {
                let text = format!("{label} — {detail}");
                page.text_after(prefix, &text, style);
            }
            _ => page.text_after(prefix, label, style),
        }
    }
}
