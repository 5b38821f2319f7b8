//! A screen body as a list of lines: screens build a `Page`, `ui::draw` renders it.
//!
//! Screens wrap their text to the page width themselves, so the page knows every line. When a
//! page is taller than the room it gets, it scrolls so that its focus range (the focused input
//! or list row) stays visible, and says "more above / below" at the cut. Lines in the footer
//! (buttons) stay at the bottom and never scroll away. Links and the text cursor are recorded
//! with their line, so that they can be placed on the screen after scrolling.

use super::link::Hyperlink;
use crate::i18n::t;
use crate::ui::format::{self, width, wrap};
use crate::ui::theme;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
struct LinkSpan {
    line: usize,
    x: u16,
    width: u16,
    url: String,
}

#[derive(Debug, Default)]
pub struct Page {
    width: usize,
    lines: Vec<Line<'static>>,
    links: Vec<LinkSpan>,
    cursor: Option<(usize, u16)>,
    focus: Option<Range<usize>>,
    footer: Vec<Line<'static>>,
    /// Blank lines that give way, last first, when the page does not fit.
    gaps: Vec<usize>,
}

impl Page {
    pub fn new(width: u16) -> Self {
        Self {
            width: usize::from(width),
            ..Self::default()
        }
    }

    /// Cells per line.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Index the next line will get.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn push(&mut self, line: impl Into<Line<'static>>) {
        self.lines.push(line.into());
    }

    /// A blank line between sections. It gives way when the page would not fit otherwise.
    pub fn blank(&mut self) {
        self.gaps.push(self.lines.len());
        self.lines.push(Line::default());
    }

    /// Drops blank lines (last first) when that makes the page fit `rows`, and moves links,
    /// cursor and focus along. A page that scrolls anyway keeps its blank lines.
    fn squeeze(&mut self, rows: usize) {
        let excess = self.lines.len().saturating_sub(rows);
        if excess == 0 || excess > self.gaps.len() {
            return;
        }
        let drop: Vec<usize> = self.gaps.iter().rev().take(excess).copied().collect();
        // new index of each old line (removed lines map to the next kept one)
        let mut map = Vec::with_capacity(self.lines.len() + 1);
        let mut kept = 0;
        for i in 0..self.lines.len() {
            map.push(kept);
            if !drop.contains(&i) {
                kept += 1;
            }
        }
        map.push(kept);
        let lines = std::mem::take(&mut self.lines);
        self.lines = lines
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop.contains(i))
            .map(|(_, l)| l)
            .collect();
        for link in &mut self.links {
            link.line = map[link.line];
        }
        if let Some((line, x)) = self.cursor {
            self.cursor = Some((map[line], x));
        }
        if let Some(focus) = &self.focus {
            let end = map[focus.end.min(map.len() - 1)];
            let end = if focus.end >= map.len() {
                usize::MAX
            } else {
                end
            };
            self.focus = Some(map[focus.start.min(map.len() - 1)]..end);
        }
        self.gaps.retain(|g| !drop.contains(g));
        self.gaps = self.gaps.iter().map(|g| map[*g]).collect();
    }

    /// A paragraph wrapped to the page width.
    pub fn text(&mut self, text: &str, style: Style) {
        self.text_indented(0, text, style);
    }

    /// A paragraph wrapped with every line indented by `indent` cells.
    pub fn text_indented(&mut self, indent: usize, text: &str, style: Style) {
        let pad = " ".repeat(indent);
        for line in wrap(text, self.width.saturating_sub(indent)) {
            self.lines.push(Line::from(vec![
                Span::raw(pad.clone()),
                Span::styled(line, style),
            ]));
        }
    }

    /// A paragraph after `prefix` (e.g. "✗ " or a label): continuation lines are indented to
    /// the text, so that the prefix stands out.
    pub fn text_after(&mut self, prefix: Vec<Span<'static>>, text: &str, style: Style) {
        let indent: usize = prefix.iter().map(Span::width).sum();
        let rows = wrap(text, self.width.saturating_sub(indent));
        let mut prefix = Some(prefix);
        for row in rows {
            let mut spans = prefix
                .take()
                .unwrap_or_else(|| vec![Span::raw(" ".repeat(indent))]);
            spans.push(Span::styled(row, style));
            self.lines.push(Line::from(spans));
        }
    }

    /// A link on lines of its own, indented by `indent`, split wherever the line is full. Every
    /// piece is a hyperlink to the whole URL.
    pub fn link(&mut self, indent: usize, url: &str) {
        let pieces = format::split_url(url, self.width.saturating_sub(indent));
        for piece in pieces {
            let w = width(&piece);
            self.links.push(LinkSpan {
                line: self.lines.len(),
                x: u16::try_from(indent).unwrap_or(0),
                width: u16::try_from(w).unwrap_or(u16::MAX),
                url: url.to_string(),
            });
            self.lines.push(Line::from(vec![
                Span::raw(" ".repeat(indent)),
                Span::styled(piece, theme::link()),
            ]));
        }
    }

    /// Puts the text cursor on `line` at cell `x` (used for the focused text field).
    pub fn cursor(&mut self, line: usize, x: usize) {
        self.cursor = Some((line, u16::try_from(x).unwrap_or(u16::MAX)));
    }

    /// The lines that must stay visible when the page scrolls.
    pub fn focus(&mut self, lines: Range<usize>) {
        self.focus = Some(lines);
    }

    /// A line that stays at the bottom (buttons).
    pub fn footer(&mut self, line: impl Into<Line<'static>>) {
        self.footer.push(line.into());
    }

    /// The plain text of line `i` (tests).
    #[cfg(test)]
    pub fn line_text(&self, i: usize) -> String {
        self.lines[i]
            .spans
            .iter()
            .map(|s| s.content.as_ref())
            .collect()
    }

    /// Which lines fit into `height` rows: (first, end, more above, more below).
    fn window(&self, height: usize) -> (usize, usize, bool, bool) {
        let n = self.lines.len();
        if n <= height {
            return (0, n, false, false);
        }
        if height < 3 {
            return (0, height, false, false);
        }
        let focus = self.focus.clone().unwrap_or(0..1);
        let end = focus.end.min(n).max(focus.start + 1);
        // From the top, one row for "more below".
        if end < height {
            return (0, height - 1, false, true);
        }
        // Down to the end, one row for "more above".
        if focus.start >= n - (height - 1) {
            return (n - (height - 1), n, true, false);
        }
        let rows = height - 2;
        let first = if end - focus.start > rows {
            focus.start
        } else {
            end - rows
        };
        (first, first + rows, true, true)
    }

    /// Draws the page into `area`; returns where its links ended up. The cursor is placed only
    /// when `cursor_visible` (no popup covers the page).
    pub fn render(mut self, frame: &mut Frame, area: Rect, cursor_visible: bool) -> Vec<Hyperlink> {
        let height = usize::from(area.height);
        let footer_rows = self.footer.len().min(height);
        let main_rows = height - footer_rows;
        self.squeeze(main_rows);
        let (first, end, above, below) = self.window(main_rows);
        let mut y = area.y;
        let mut links = Vec::new();
        let buf = frame.buffer_mut();
        if above {
            buf.set_line(area.x, y, &more_line(t("page.more_above")), area.width);
            y += 1;
        }
        let top = y;
        for line in &self.lines[first..end] {
            buf.set_line(area.x, y, line, area.width);
            y += 1;
        }
        if below {
            buf.set_line(area.x, y, &more_line(t("page.more_below")), area.width);
            y += 1;
        }
        // The footer follows the text, or sits at the bottom when the text scrolls.
        if above || below {
            y = area.y + u16::try_from(main_rows).unwrap_or(0);
        } else if !self.lines.is_empty()
            && usize::from(y) + 1 + footer_rows <= usize::from(area.bottom())
        {
            // One blank row between the text and the buttons.
            y += 1;
        }
        for line in self.footer.iter().take(footer_rows) {
            if y >= area.bottom() {
                break;
            }
            buf.set_line(area.x, y, line, area.width);
            y += 1;
        }
        let row_of = |line: usize| -> Option<u16> {
            (first..end)
                .contains(&line)
                .then(|| top + u16::try_from(line - first).unwrap_or(0))
        };
        for span in self.links {
            if let Some(row) = row_of(span.line) {
                let x = area.x + span.x.min(area.width);
                let w = span.width.min(area.right().saturating_sub(x));
                if w > 0 {
                    links.push(Hyperlink {
                        url: span.url,
                        area: Rect::new(x, row, w, 1),
                    });
                }
            }
        }
        if cursor_visible
            && let Some((line, x)) = self.cursor
            && let Some(row) = row_of(line)
        {
            let x = (area.x + x).min(area.right().saturating_sub(1));
            frame.set_cursor_position(Position::new(x, row));
        }
        links
    }
}

fn more_line(text: &str) -> Line<'static> {
    Line::styled(text.to_string(), theme::dim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(lines: usize) -> Page {
        let mut p = Page::new(20);
        for i in 0..lines {
            p.push(format!("line {i}"));
        }
        p
    }

    #[test]
    fn short_pages_do_not_scroll() {
        assert_eq!(page(5).window(10), (0, 5, false, false));
    }

    #[test]
    fn long_pages_keep_the_focus_visible() {
        let mut p = page(30);
        assert_eq!(p.window(10), (0, 9, false, true));
        p.focus(12..14);
        assert_eq!(p.window(10), (6, 14, true, true));
        p.focus(25..30);
        assert_eq!(p.window(10), (21, 30, true, false));
    }

    #[test]
    fn blank_lines_give_way_before_anything_scrolls() {
        let mut p = Page::new(20);
        p.push("a");
        p.blank();
        p.push("b");
        p.blank();
        p.link(0, "https://x");
        p.focus(4..5);
        p.squeeze(4);
        assert_eq!(p.lines.len(), 4);
        assert_eq!(p.line_text(1), "");
        assert_eq!(p.line_text(2), "b");
        assert_eq!(p.links[0].line, 3);
        assert_eq!(p.focus, Some(3..4));
        p.squeeze(2);
        assert_eq!(
            p.lines.len(),
            4,
            "a page that scrolls anyway keeps its blank lines"
        );
    }

    #[test]
    fn links_are_split_at_their_seams_where_the_line_is_full() {
        let mut p = Page::new(12);
        p.link(2, "https://example.com/abc");
        assert_eq!(p.lines.len(), 3);
        assert_eq!(p.links.len(), 3);
        assert!(
            p.links
                .iter()
                .all(|l| l.url == "https://example.com/abc" && l.x == 2)
        );
        // "https://" ends at a seam; "example.com/" is longer than a row and split by cells.
        assert_eq!(p.links[0].width, 8);
    }
}
