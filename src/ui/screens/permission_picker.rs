//! The custom connector's permission picker, drawn on Review while it is open (issue 10.8):
//! the filter, the matching permissions of Microsoft Graph and Office 365 Exchange Online
//! (chosen ones marked ✓, words and not colour alone), Microsoft's description of the
//! highlighted one, and what is chosen so far.

use super::{Room, error_line, heading, kind_label, spinner_line};
use crate::i18n::{t, tf};
use crate::ui::format::{truncate, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::text_field::{self, Field};
use crate::wizard::WizardState;
use crate::wizard::state::Check;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Lines kept under the list: blank, the description (up to three lines), blank, chosen.
const BELOW_LIST: usize = 7;

pub fn build(page: &mut Page, state: &WizardState, room: Room) {
    let picker = &state.picker;
    page.text(t("picker.intro"), Style::new());
    page.blank();
    let label = t("picker.filter");
    let label_width = width(label);
    text_field::push(
        page,
        Field {
            label,
            label_width,
            field: &picker.filter,
            box_width: 30,
            focused: true,
            masked: false,
            placeholder: t("picker.filter_placeholder"),
        },
        Vec::new(),
    );
    match &picker.catalog {
        Check::NotChecked | Check::Running => {
            spinner_line(page, 2, state, t("picker.loading"));
        }
        Check::Failed(sentence) => error_line(page, 2, sentence),
        Check::Done(_) => list(page, state, room),
    }
    chosen(page, state);
}

fn list(page: &mut Page, state: &WizardState, room: Room) {
    let picker = &state.picker;
    let matches = picker.matches();
    let total = match &picker.catalog {
        Check::Done(all) => all.len(),
        _ => 0,
    };
    if matches.is_empty() {
        page.text_indented(2, t("picker.empty"), theme::dim());
        return;
    }
    let avail = usize::from(room.height).saturating_sub(page.len() + 1 + BELOW_LIST);
    // At least three rows where there are that many, however little room is left.
    let rows = avail.max(3).min(matches.len());
    let selected = picker.selected.min(matches.len() - 1);
    let first = selected
        .saturating_sub(rows - 1)
        .min(matches.len().saturating_sub(rows));
    let last = (first + rows).min(matches.len());
    let name_width = matches[first..last]
        .iter()
        .map(|e| width(&e.name))
        .max()
        .unwrap_or(0)
        .min(40);
    let api_width = matches[first..last]
        .iter()
        .map(|e| width(e.api.display_name()))
        .max()
        .unwrap_or(0);
    for (i, entry) in matches.iter().enumerate().take(last).skip(first) {
        let mark = if picker.is_chosen(entry) { "✓" } else { " " };
        let pointer = if i == selected { "▶" } else { " " };
        let text = format!(
            "{pointer} [{mark}] {:<name_width$}  {:<api_width$}  {}",
            truncate(&entry.name, name_width),
            entry.api.display_name(),
            kind_label(entry.kind),
        );
        let style = if i == selected {
            theme::selected()
        } else {
            Style::new()
        };
        page.push(Line::from(Span::styled(text, style)));
    }
    page.text_indented(
        2,
        &tf(
            "picker.window",
            &[
                ("first", &(first + 1).to_string()),
                ("last", &last.to_string()),
                ("matches", &matches.len().to_string()),
                ("total", &total.to_string()),
            ],
        ),
        theme::dim(),
    );
    if let Some(entry) = picker.highlighted() {
        page.blank();
        let about = if entry.display.is_empty() {
            entry.description.clone()
        } else {
            format!("{}: {}", entry.display, entry.description)
        };
        page.text_indented(2, &about, theme::dim());
    }
}

fn chosen(page: &mut Page, state: &WizardState) {
    let picker = &state.picker;
    page.blank();
    if picker.chosen.is_empty() {
        page.text(t("picker.none_chosen"), theme::dim());
        return;
    }
    heading(page, t("picker.chosen"));
    let names: Vec<String> = picker
        .chosen
        .iter()
        .map(|e| {
            format!(
                "{} ({}, {})",
                e.name,
                e.api.display_name(),
                kind_label(e.kind)
            )
        })
        .collect();
    page.text_indented(2, &names.join(", "), Style::new());
}
