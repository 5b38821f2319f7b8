//! Clickable links (OSC 8) without escape codes in the screen buffer.
//!
//! ratatui measures every cell's symbol as text, so an escape sequence inside a cell breaks the
//! width calculation (ratatui issue #902) and makes `TestBackend` snapshots unreadable. exowiz
//! therefore draws a link as plain, underlined text and reports where it is: `ui::draw_linked`
//! returns one `Hyperlink` per screen row a link occupies. After `Terminal::draw`, the runtime
//! passes the finished buffer and those areas to `write_hyperlinks`, which prints the same cells
//! again (same symbols, same style) wrapped in `ESC ]8;;URL ESC \` … `ESC ]8;; ESC \`.
//! Terminals without OSC 8 ignore the sequence and show the same text as before. (The runtime
//! side is shown at `ui::draw_linked`.)
//!
//! The cells are rewritten after every draw, so a link that ratatui redrew plainly becomes
//! clickable again, and a link that moved away leaves nothing behind (ratatui overwrites the
//! cells, and a closed OSC 8 does not carry over). The cursor is saved and restored around it.

use crossterm::cursor::{MoveTo, RestorePosition, SavePosition};
use crossterm::queue;
use crossterm::style::{ContentStyle, PrintStyledContent, StyledContent};
use ratatui::backend::IntoCrossterm;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use std::io::{self, Write};

/// One screen row of a link: where it is drawn and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub url: String,
    /// One row high.
    pub area: Rect,
}

/// Drops control characters, so that a URL cannot end the escape sequence early.
fn clean(url: &str) -> String {
    url.chars().filter(|c| !c.is_control()).collect()
}

/// The opening sequence: `ESC ] 8 ; ; URL ESC \`.
pub fn osc8_open(url: &str) -> String {
    format!("\x1b]8;;{}\x1b\\", clean(url))
}

/// The closing sequence: `ESC ] 8 ; ; ESC \`.
pub const OSC8_CLOSE: &str = "\x1b]8;;\x1b\\";

/// `text` as a terminal hyperlink to `url`, for output outside ratatui (e.g. printed lines).
pub fn osc8(url: &str, text: &str) -> String {
    format!("{}{}{OSC8_CLOSE}", osc8_open(url), clean(text))
}

/// Prints the cells of each link area again, wrapped in OSC 8, keeping their symbols and
/// styles. Call it right after `Terminal::draw` with the buffer that was just drawn.
pub fn write_hyperlinks<W: Write>(
    out: &mut W,
    buffer: &Buffer,
    links: &[Hyperlink],
) -> io::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    queue!(out, SavePosition)?;
    for link in links {
        let area = link.area.intersection(buffer.area);
        for y in area.top()..area.bottom() {
            queue!(out, MoveTo(area.x, y))?;
            out.write_all(osc8_open(&link.url).as_bytes())?;
            let mut x = area.x;
            while x < area.right() {
                let cell = &buffer[(x, y)];
                let style: ContentStyle = cell.style().into_crossterm();
                let symbol = cell.symbol();
                queue!(out, PrintStyledContent(StyledContent::new(style, symbol)))?;
                x += u16::try_from(crate::ui::format::width(symbol).max(1)).unwrap_or(1);
            }
            out.write_all(OSC8_CLOSE.as_bytes())?;
        }
    }
    queue!(out, RestorePosition)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    #[test]
    fn osc8_wraps_the_text_and_strips_control_characters() {
        assert_eq!(
            osc8("https://example.com/a\x1b]b", "open"),
            "\x1b]8;;https://example.com/a]b\x1b\\open\x1b]8;;\x1b\\"
        );
    }

    #[test]
    fn hyperlinks_reprint_the_cells_inside_osc8() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 2));
        buffer.set_string(2, 1, "https://x.y", Style::new().fg(Color::Cyan));
        let links = [Hyperlink {
            url: "https://x.y".into(),
            area: Rect::new(2, 1, 11, 1),
        }];
        let mut out = Vec::new();
        write_hyperlinks(&mut out, &buffer, &links).unwrap();
        let text = String::from_utf8(out).unwrap();
        let open = text
            .find("\x1b]8;;https://x.y\x1b\\")
            .expect("opening sequence");
        let close = text.rfind(OSC8_CLOSE).expect("closing sequence");
        assert!(open < close);
        let inner = &text[open..close];
        for c in "https://x.y".chars() {
            assert!(inner.contains(c), "{c} missing in {inner:?}");
        }
        // Cursor position goes back to where the frame left it (ESC 7 … ESC 8).
        assert!(
            text.starts_with("\x1b7") && text.ends_with("\x1b8"),
            "{text:?}"
        );
        // Nothing at all when there is no link.
        let mut none = Vec::new();
        write_hyperlinks(&mut none, &buffer, &[]).unwrap();
        assert!(none.is_empty());
    }
}
