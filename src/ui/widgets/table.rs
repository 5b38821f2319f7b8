//! A text table in a page: columns sized to their content, the last one taking the rest of the
//! line and wrapping. When the last column would be too narrow (80 columns and a description),
//! it moves under its row instead, indented, so that no text is cut.

use super::page::Page;
use crate::ui::format::{pad, truncate, width, wrap};
use crate::ui::theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::ops::Range;

/// Cells between columns.
const GAP: usize = 2;
/// Narrower than this, the last column goes under its row.
const MIN_LAST: usize = 24;

#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub style: Style,
}

impl Cell {
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            style: Style::new(),
        }
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Row to highlight (list selection).
    pub selected: Option<usize>,
    /// Cells before the table (and before the ▶ marker column when `marker`).
    pub indent: usize,
    /// Reserve two cells for a ▶ in front of the selected row.
    pub marker: bool,
    /// Group titles (e.g. the API, as the portal groups permissions): (first row, title),
    /// drawn on a line of their own two cells left of the rows.
    pub groups: Vec<(usize, String)>,
    /// At most this many lines per row for the last column (0: all); a cut ends in "…".
    pub max_last_lines: usize,
}

impl Table {
    pub fn new(header: Vec<String>, rows: Vec<Vec<Cell>>, indent: usize) -> Self {
        Self {
            header,
            rows,
            selected: None,
            indent,
            marker: false,
            groups: Vec::new(),
            max_last_lines: 0,
        }
    }
}

/// `text` wrapped to `width`, cut to `max` lines (0: all) with "…" at the cut.
fn wrap_cut(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(text, width);
    if max > 0 && lines.len() > max {
        lines.truncate(max);
        let last = lines.pop().unwrap_or_default();
        lines.push(truncate(&format!("{last} …"), width));
    }
    lines
}

/// Pushes the table; returns each row's line range (for the page focus).
pub fn push(page: &mut Page, table: &Table) -> Vec<Range<usize>> {
    let columns = table.header.len();
    let lead = table.indent + if table.marker { 2 } else { 0 };
    let room = page.width().saturating_sub(lead);
    let mut widths: Vec<usize> = table.header.iter().map(|h| width(h)).collect();
    for row in &table.rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(width(&cell.text));
        }
    }
    let fixed: usize = widths[..columns - 1].iter().map(|w| w + GAP).sum();
    let last_room = room.saturating_sub(fixed);
    let stacked = columns > 1 && last_room < MIN_LAST.min(widths[columns - 1]);
    let last_width = if stacked { 0 } else { last_room };
    let lead_spans = |selected: bool| -> Vec<Span<'static>> {
        let mut spans = vec![Span::raw(" ".repeat(table.indent))];
        if table.marker {
            spans.push(super::text_field::marker(selected));
        }
        spans
    };

    // Header (in stacked mode without the last column, which then has no column of its own).
    let mut header = lead_spans(false);
    let shown_columns = if stacked { columns - 1 } else { columns };
    for (i, h) in table.header.iter().enumerate().take(shown_columns) {
        let w = if i + 1 == columns {
            last_width
        } else {
            widths[i]
        };
        let text = if i + 1 == shown_columns {
            truncate(h, w)
        } else {
            pad(&truncate(h, w), w + GAP)
        };
        header.push(Span::styled(text, theme::title()));
    }
    page.push(Line::from(header));

    let mut ranges = Vec::new();
    for (r, row) in table.rows.iter().enumerate() {
        if let Some((_, title)) = table.groups.iter().find(|(first, _)| *first == r) {
            page.push(Line::from(vec![
                Span::raw(" ".repeat(table.indent.saturating_sub(2))),
                Span::styled(title.clone(), theme::title()),
            ]));
        }
        let start = page.len();
        let selected = table.selected == Some(r);
        let row_style = if selected {
            theme::selected()
        } else {
            Style::new()
        };
        let last = row
            .get(columns - 1)
            .cloned()
            .unwrap_or_else(|| Cell::new(""));
        let last_lines = if stacked {
            Vec::new()
        } else {
            wrap_cut(&last.text, last_width.max(1), table.max_last_lines)
        };
        let height = last_lines.len().max(1);
        for l in 0..height {
            let mut spans = lead_spans(selected && l == 0);
            let mut line_width = 0;
            for (i, cell) in row.iter().enumerate().take(columns - 1) {
                let text = if l == 0 {
                    pad(&truncate(&cell.text, widths[i]), widths[i] + GAP)
                } else {
                    " ".repeat(widths[i] + GAP)
                };
                line_width += width(&text);
                spans.push(Span::styled(text, cell.style.patch(row_style)));
            }
            if let Some(text) = last_lines.get(l) {
                line_width += width(text);
                spans.push(Span::styled(text.clone(), last.style.patch(row_style)));
            }
            if selected {
                // Highlight to the end of the table.
                let full = room.min(fixed + last_width.max(widths[columns - 1]));
                if line_width < full {
                    spans.push(Span::styled(" ".repeat(full - line_width), row_style));
                }
            }
            page.push(Line::from(spans));
        }
        if stacked && !last.text.is_empty() {
            let room = page.width().saturating_sub(lead + 4);
            for text in wrap_cut(&last.text, room, table.max_last_lines) {
                page.push(Line::from(vec![
                    Span::raw(" ".repeat(lead + 4)),
                    Span::styled(text, last.style.patch(theme::dim())),
                ]));
            }
        }
        ranges.push(start..page.len());
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(page: &Page) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..page.len() {
            out.push(page.line_text(i));
        }
        out
    }

    fn table() -> Table {
        Table::new(
            vec!["API".into(), "Permission".into(), "Description".into()],
            vec![vec![
                Cell::new("Microsoft Graph"),
                Cell::new("User.Read.All"),
                Cell::new("Address-book lookups in the cloud for every user."),
            ]],
            1,
        )
    }

    #[test]
    fn the_last_column_wraps_when_there_is_room() {
        let mut page = Page::new(70);
        push(&mut page, &table());
        let text = lines(&page);
        assert_eq!(
            text[0].trim_end(),
            " API              Permission     Description"
        );
        assert_eq!(text.len(), 3, "{text:#?}");
        // Continuation lines start under the description.
        assert_eq!(text[2].find(|c| c != ' '), Some(33), "{text:#?}");
    }

    #[test]
    fn cut_descriptions_end_in_an_ellipsis_and_groups_get_a_title() {
        let mut t = table();
        t.max_last_lines = 1;
        t.indent = 3;
        t.groups = vec![(0, "Graph".into())];
        let mut page = Page::new(70);
        push(&mut page, &t);
        let text = lines(&page);
        assert_eq!(text[1].trim_end(), " Graph");
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(text[2].ends_with('…'), "{text:#?}");
    }

    #[test]
    fn a_narrow_last_column_goes_under_its_row() {
        let mut page = Page::new(40);
        let ranges = push(&mut page, &table());
        let text = lines(&page);
        assert_eq!(text[0].trim_end(), " API              Permission");
        assert!(text[2].starts_with("     Address-book"), "{text:#?}");
        assert_eq!(ranges, vec![1..page.len()]);
    }
}
