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

fn items_width(items: &[Vec<Span<'static>>]) -> usize {
    let gaps = items.len().saturating_sub(1) * 3;
    items
        .iter()
        .map(|i| i.iter().map(Span::width).sum::<usize>())
        .sum::<usize>()
        + gaps
}

/// The bottom line: the bindings marked `in_bar`. When they do not fit, the last ones give way
/// (help stays: it lists them all).
pub fn bar(bindings: &[Binding], max_width: usize) -> Line<'static> {
    let bindings = merged(bindings);
    let shown: Vec<&Binding> = bindings.iter().filter(|b| b.in_bar).collect();
    let mut keep: Vec<&Binding> = shown.clone();
    let mut dropped = false;
    while items_width(&keep.iter().map(|b| item(b)).collect::<Vec<_>>()) + usize::from(dropped) * 2
        > max_width
    {
        let Some(pos) = keep.iter().rposition(|b| b.action != Action::Help) else {
            break;
        };
        keep.remove(pos);
        dropped = true;
    }
    let mut spans = Vec::new();
    for (i, b) in keep.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme::dim()));
        }
        spans.extend(item(b));
    }
    if dropped {
        spans.push(Span::styled(" …", theme::dim()));
    }
    Line::from(spans)
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
    fn the_bar_drops_the_last_keys_but_keeps_help() {
        let bindings = vec![
            b(KeyCode::Enter, Action::Next, "key.next"),
            b(KeyCode::Esc, Action::Back, "key.back"),
            b(KeyCode::Char('?'), Action::Help, "key.help"),
            b(KeyCode::Char('q'), Action::Quit, "key.quit"),
        ];
        let full = text(&bar(&bindings, 80));
        assert_eq!(full, "Enter continue · Esc back · ? help · q quit");
        let short = text(&bar(&bindings, 30));
        assert_eq!(short, "Enter continue · ? help …");
        assert!(short.chars().count() <= 30);
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
