//! Dates, times and text measuring for the screens.
//!
//! Times are shown in the admin's local time zone. Tests (and anyone who wants UTC) pin the
//! offset with `set_display_offset`, so snapshots do not depend on the machine's time zone.
//! Nothing here reads the clock: every date shown comes from the state.

use crate::i18n::t;
use chrono::{DateTime, FixedOffset, Local, Utc};
use ratatui::text::Span;
use std::cell::Cell;

thread_local! {
    static OFFSET: Cell<Option<FixedOffset>> = const { Cell::new(None) };
}

/// Shows times at this fixed UTC offset on the calling thread (None: the local time zone).
pub fn set_display_offset(offset: Option<FixedOffset>) {
    OFFSET.with(|o| o.set(offset));
}

fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    match OFFSET.with(Cell::get) {
        Some(offset) => at.with_timezone(&offset),
        None => at.with_timezone(&Local).fixed_offset(),
    }
}

/// A calendar date, in the catalogue's format (`format.date`).
pub fn date(at: DateTime<Utc>) -> String {
    local(at).format(t("format.date")).to_string()
}

/// Hours and minutes (`format.time`).
pub fn time(at: DateTime<Utc>) -> String {
    local(at).format(t("format.time")).to_string()
}

/// Hours, minutes and seconds (`format.time_seconds`).
pub fn time_seconds(at: DateTime<Utc>) -> String {
    local(at).format(t("format.time_seconds")).to_string()
}

/// "24 months" / "1 month".
pub fn months(n: u32) -> String {
    crate::i18n::tn("format.months", u64::from(n), &[])
}

/// Display width of a text in terminal cells.
pub fn width(text: &str) -> usize {
    Span::raw(text).width()
}

fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    width(c.encode_utf8(&mut buf))
}

/// Cuts `text` to `max` cells, ending in "…" when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Pads `text` with spaces to `cells` cells (longer text is left as it is).
pub fn pad(text: &str, cells: usize) -> String {
    let w = width(text);
    if w >= cells {
        text.to_string()
    } else {
        format!("{text}{}", " ".repeat(cells - w))
    }
}

/// Word-wraps `text` to lines of at most `max` cells. Words longer than a line (URLs, IDs)
/// are split. Line breaks in `text` are kept. Never returns an empty list.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let w = width(word);
            let gap = usize::from(used > 0);
            if used + gap + w <= max {
                if gap == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                used += gap + w;
                continue;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            if w <= max {
                line.push_str(word);
                used = w;
                continue;
            }
            for part in split_cells(word, max) {
                let pw = width(&part);
                if pw == max {
                    lines.push(part);
                } else {
                    line = part;
                    used = pw;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// Splits `text` into pieces of at most `max` cells, character by character.
pub fn split_cells(text: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    let mut parts = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w > max && used > 0 {
            parts.push(String::new());
            used = 0;
        }
        parts.last_mut().expect("never empty").push(c);
        used += w;
    }
    parts
}

/// Splits a URL into rows of at most `max` cells at its seams — after `/`, `?` and `&` — so
/// no row ends inside a word ("…/admin" + "consent?…"). A piece longer than a row between two
/// seams (a long query value) is split by cells as a last resort.
pub fn split_url(url: &str, max: usize) -> Vec<String> {
    let max = max.max(1);
    // The URL cut after each seam, in order.
    let mut pieces = Vec::new();
    let mut start = 0;
    for (i, c) in url.char_indices() {
        if matches!(c, '/' | '?' | '&') {
            let end = i + c.len_utf8();
            pieces.push(&url[start..end]);
            start = end;
        }
    }
    if start < url.len() {
        pieces.push(&url[start..]);
    }
    let mut rows: Vec<String> = vec![String::new()];
    for piece in pieces {
        let row = rows.last_mut().expect("never empty");
        if width(row) + width(piece) <= max {
            row.push_str(piece);
        } else if width(piece) <= max {
            rows.push(piece.to_string());
        } else {
            let mut parts = split_cells(piece, max).into_iter();
            if let Some(first) = parts.next() {
                if row.is_empty() {
                    row.push_str(&first);
                } else {
                    rows.push(first);
                }
            }
            rows.extend(parts);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn urls_split_at_their_seams() {
        let url = "https://login.example/tenant-id/adminconsent?client_id=abc&state=xyz";
        assert_eq!(
            split_url(url, 40),
            [
                "https://login.example/tenant-id/",
                "adminconsent?client_id=abc&state=xyz"
            ]
        );
        assert_eq!(split_url(url, 200), [url]);
        // A piece longer than a row is split by cells.
        assert_eq!(split_url("a/bcdefgh", 4), ["a/", "bcde", "fgh"]);
        assert_eq!(split_url(url, 40).concat(), url);
    }

    #[test]
    fn wrapping_keeps_words_and_splits_long_ones() {
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
        assert_eq!(wrap("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a\nb", 10), ["a", "b"]);
        assert_eq!(wrap("Müller GmbH", 6), ["Müller", "GmbH"]);
    }

    #[test]
    fn truncation_marks_the_cut() {
        assert_eq!(truncate("Accounts & security", 10), "Accounts …");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(pad("ab", 4), "ab  ");
    }

    #[test]
    fn times_follow_the_pinned_offset() {
        set_display_offset(Some(FixedOffset::east_opt(3600).unwrap()));
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 23, 30, 5).unwrap();
        assert_eq!(time(at), "00:30");
        assert_eq!(time_seconds(at), "00:30:05");
        assert_eq!(date(at), "28 Nov 2026");
        set_display_offset(None);
    }
}
