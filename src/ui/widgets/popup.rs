//! A centred box over the screen: cleared background, clear border, title, text, and buttons
//! with the safe choice highlighted.

use crate::ui::format::width;
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

/// A button: its text and whether it is the highlighted (default) one.
pub struct Button {
    pub text: String,
    pub default: bool,
}

/// The buttons as one line: "[▶ Stay ]  [  Quit ]" — the highlighted one is reversed and
/// carries the marker, so it shows without colours too; all buttons keep their width.
pub fn buttons(buttons: &[Button]) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, b) in buttons.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        let style = if b.default {
            theme::selected()
        } else {
            ratatui::style::Style::new()
        };
        let marker = if b.default { '▶' } else { ' ' };
        spans.push(Span::styled(format!("[{marker} {} ]", b.text), style));
    }
    Line::from(spans)
}

/// Room for text inside a popup drawn over `area` (the width screens wrap to).
pub fn text_width(area: Rect) -> u16 {
    area.width.saturating_sub(8).min(72)
}

/// Draws the box over `area`, as small as its `lines` allow; returns where it is.
pub fn draw(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line<'static>>) -> Rect {
    let content_width = lines
        .iter()
        .map(Line::width)
        .chain(std::iter::once(width(title) + 2))
        .max()
        .unwrap_or(0);
    let max_inner = usize::from(text_width(area));
    let inner_width = content_width.min(max_inner);
    let w = u16::try_from(inner_width + 4)
        .unwrap_or(area.width)
        .min(area.width);
    let h = u16::try_from(lines.len() + 2)
        .unwrap_or(area.height)
        .min(area.height);
    let rect = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme::accent())
        .title(Span::styled(format!(" {title} "), theme::title()));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let text_area = Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    );
    frame.render_widget(Paragraph::new(lines), text_area);
    rect
}
