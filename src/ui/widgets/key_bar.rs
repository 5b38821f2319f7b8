//! The key-help bar, the `?` help and inline key hints — all built from
//! `keymap::bindings(state)`, the same table that decides what a key does, so the help can never
//! name a key that does something else.

use crate::i18n::t;
use crate::ui::format::{pad, width};
use crate::ui::theme;
use crate::wizard::keymap::{Action, Binding};
use ratatui::text::{Line, Span};

/// A binding's keys as one label: "Tab/Shift+Tab".
pub fn keys_label(binding: &Binding) -> String {
    binding
        .keys
        .iter()
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join("/")
}

/// Bindings that say the same thing become one entry ("↑/↓ choose connector",
/// "Esc/q/Ctrl+C quit"), in the order of their first appearance.
fn merged(bindings: &[Binding]) -> Vec<Binding> {
    let mut out: Vec<Binding> = Vec::with_capacity(bindings.len());
    for b in bindings {
        match out.iter_mut().find(|m| m.label_key == b.label_key) {
            Some(m) => {
                for k in &b.keys {
                    if !m.keys.contains(k) {
                        m.keys.push(*k);
                    }
                }
                m.in_bar |= b.in_bar;
            }
            None => out.push(b.clone()),
        }
    }
    out
}

fn item(binding: &Binding) -> Vec<Span<'static>> {
    vec![
        Span::styled(keys_label(binding), theme::key()),
        Span::raw(" "),
        Span::raw(t(binding.label_key).to_string()),
    ]
}

/// The key bar: every binding marked `in_bar`, packed into rows of `max_width` cells — a
/// second row (or more) rather than a key left out or cut short.
pub fn bar_lines(bindings: &[Binding], max_width: usize) -> Vec<Line<'static>> {
    let bindings = merged(bindings);
    let mut rows: Vec<Vec<Span<'static>>> = Vec::new();
    let mut used = 0;
    for b in bindings.iter().filter(|b| b.in_bar) {
        let it = item(b);
        let w = it.iter().map(Span::width).sum::<usize>();
        match rows.last_mut() {
            Some(row) if used + 3 + w <= max_width => {
                row.push(Span::styled(" · ", theme::dim()));
                row.extend(it);
                used += 3 + w;
            }
            _ => {
                rows.push(it);
                used = w;
            }
        }
    }
    if rows.is_empty() {
        rows.push(Vec::new());
    }
    rows.into_iter().map(Line::from).collect()
}

/// Every binding with its keys in a column: the `?` help. More than `max_rows` bindings go
/// into two columns side by side.
pub fn help_lines(bindings: &[Binding], max_rows: usize) -> Vec<Line<'static>> {
    let bindings = &merged(bindings)[..];
    let column = bindings
        .iter()
        .map(|b| width(&keys_label(b)))
        .max()
        .unwrap_or(0)
        + 3;
    let entry = |b: &Binding| -> Vec<Span<'static>> {
        vec![
            Span::styled(pad(&keys_label(b), column), theme::key()),
            Span::raw(t(b.label_key).to_string()),
        ]
    };
    if bindings.len() <= max_rows.max(1) {
        return bindings.iter().map(|b| Line::from(entry(b))).collect();
    }
    let rows = bindings.len().div_ceil(2);
    let left_width = bindings[..rows]
        .iter()
        .map(|b| column + width(t(b.label_key)))
        .max()
        .unwrap_or(0)
        + 3;
    (0..rows)
        .map(|r| {
            let mut spans = entry(&bindings[r]);
            if let Some(right) = bindings.get(r + rows) {
                let used: usize = spans.iter().map(Span::width).sum();
                spans.push(Span::raw(" ".repeat(left_width - used)));
                spans.extend(entry(right));
            }
            Line::from(spans)
        })
        .collect()
}

/// The key bound to `action` now, as the help bar writes it.
pub fn key_for(bindings: &[Binding], action: Action) -> Option<String> {
    bindings.iter().find(|b| b.action == action).map(keys_label)
}

/// Inline hints like "o open · c copy" for the actions that have a key now (others are left
/// out, so a hint never names a key that does nothing).
pub fn hints(bindings: &[Binding], actions: &[Action]) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    for action in actions {
        if let Some(b) = bindings.iter().find(|b| b.action == *action) {
            if !spans.is_empty() {
                spans.push(Span::styled(" · ", theme::dim()));
            }
            spans.extend(item(b));
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::keymap::Key;
    use crossterm::event::KeyCode;

    fn b(code: KeyCode, action: Action, label_key: &'static str) -> Binding {
        Binding {
            keys: vec![Key::plain(code)],
            action,
            label_key,
            in_bar: true,
        }
    }

    fn text(line: &Line) -> String {
        line.spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn the_bar_wraps_rather_than_dropping_a_key() {
        let bindings = vec![
            b(KeyCode::Enter, Action::Next, "key.next"),
            b(KeyCode::Esc, Action::Back, "key.back"),
            b(KeyCode::Char('?'), Action::Help, "key.help"),
            b(KeyCode::Char('q'), Action::Quit, "key.quit"),
        ];
        let full: Vec<String> = bar_lines(&bindings, 80).iter().map(text).collect();
        assert_eq!(full, ["Enter continue · Esc back · ? help · q quit"]);
        let short: Vec<String> = bar_lines(&bindings, 30).iter().map(text).collect();
        assert_eq!(short, ["Enter continue · Esc back", "? help · q quit"]);
    }

    #[test]
    fn a_long_help_goes_into_two_columns() {
        let bindings = vec![
            b(KeyCode::Enter, Action::Next, "key.next"),
            b(KeyCode::Esc, Action::Back, "key.back"),
            b(KeyCode::Char('?'), Action::Help, "key.help"),
        ];
        assert_eq!(help_lines(&bindings, 5).len(), 3);
        let two = help_lines(&bindings, 2);
        assert_eq!(two.len(), 2);
        assert_eq!(text(&two[0]), "Enter   continue   ?       help");
        assert_eq!(text(&two[1]), "Esc     back");
    }

    #[test]
    fn hints_leave_out_actions_without_a_key() {
        let bindings = vec![b(KeyCode::Char('c'), Action::Copy, "key.next")];
        let spans = hints(&bindings, &[Action::OpenLink, Action::Copy]);
        let line = Line::from(spans);
        assert_eq!(text(&line), "c continue");
        assert_eq!(key_for(&bindings, Action::Copy).as_deref(), Some("c"));
        assert_eq!(key_for(&bindings, Action::Grant), None);
    }
}
