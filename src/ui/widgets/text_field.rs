//! A labelled single-line input: `▶ Label      [value          ]  note`.
//!
//! The box has a fixed width and brackets, so it is visible in any terminal and in snapshots.
//! A value longer than the box scrolls so that the cursor stays inside. The focused field gets
//! the ▶ marker, a highlighted label and the terminal's real cursor.

use super::page::Page;
use crate::ui::format::width;
use crate::ui::theme;
use crate::wizard::text_field::TextField;
use ratatui::text::{Line, Span};

/// The mask character for typed secrets.
pub const MASK: char = '•';

pub struct Field<'a> {
    pub label: &'a str,
    /// Cells for the label column (labels are padded to it so boxes line up).
    pub label_width: usize,
    pub field: &'a TextField,
    /// Cells inside the brackets.
    pub box_width: usize,
    pub focused: bool,
    /// Draw every character as `MASK`.
    pub masked: bool,
    /// Shown dimmed in an empty field.
    pub placeholder: &'a str,
}

/// The marker in front of the focused input (and the selected list entry).
pub fn marker(focused: bool) -> Span<'static> {
    if focused {
        Span::styled("▶ ", theme::label(true))
    } else {
        Span::raw("  ")
    }
}

/// What part of the value is visible and where the cursor is, in cells from the box start.
fn visible(chars: &[(char, usize)], cursor: usize, box_width: usize) -> (String, usize) {
    let cursor_cell: usize = chars.iter().take(cursor).map(|(_, w)| w).sum();
    let start = if cursor_cell < box_width {
        0
    } else {
        cursor_cell + 1 - box_width
    };
    let mut text = String::new();
    let mut cell = 0;
    let mut used = 0;
    for (c, w) in chars {
        if cell >= start && used + w <= box_width {
            text.push(*c);
            used += w;
        }
        cell += w;
    }
    (text, cursor_cell - start)
}

/// Pushes the field's line (plus `note` after the box) and, when focused, sets the page's
/// cursor and focus on it.
pub fn push(page: &mut Page, f: Field<'_>, note: Vec<Span<'static>>) {
    let chars: Vec<(char, usize)> = f
        .field
        .value()
        .chars()
        .map(|c| {
            let shown = if f.masked { MASK } else { c };
            let mut b = [0u8; 4];
            (shown, width(shown.encode_utf8(&mut b)))
        })
        .collect();
    let box_width = f.box_width.max(4);
    let (text, cursor_cell) = visible(&chars, f.field.cursor(), box_width);
    let label = crate::ui::format::pad(f.label, f.label_width);
    let mut spans = vec![
        marker(f.focused),
        Span::styled(label.clone(), theme::label(f.focused)),
        Span::raw(" ["),
    ];
    if f.field.is_empty() && !f.focused && !f.placeholder.is_empty() {
        let shown = crate::ui::format::truncate(f.placeholder, box_width);
        let rest = box_width - width(&shown);
        spans.push(Span::styled(shown, theme::dim().patch(theme::field(false))));
        spans.push(Span::styled(" ".repeat(rest), theme::field(false)));
    } else {
        let rest = box_width.saturating_sub(width(&text));
        spans.push(Span::styled(text, theme::field(f.focused)));
        spans.push(Span::styled(" ".repeat(rest), theme::field(f.focused)));
    }
    spans.push(Span::raw("]"));
    if !note.is_empty() {
        spans.push(Span::raw("  "));
        spans.extend(note);
    }
    let line = page.len();
    if f.focused {
        page.cursor(line, 2 + width(&label) + 2 + cursor_cell);
        page.focus(line..line + 1);
    }
    page.push(Line::from(spans));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(s: &str) -> Vec<(char, usize)> {
        s.chars().map(|c| (c, 1)).collect()
    }

    #[test]
    fn long_values_scroll_to_keep_the_cursor_in_the_box() {
        assert_eq!(visible(&cells("abc"), 3, 5), ("abc".into(), 3));
        assert_eq!(visible(&cells("abcdefgh"), 8, 5), ("efgh".into(), 4));
        assert_eq!(visible(&cells("abcdefgh"), 0, 5), ("abcde".into(), 0));
    }
}
