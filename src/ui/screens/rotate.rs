//! The rotate job's own steps: the app (the app browser) and its secrets with the new one's
//! lifetime.

use super::{Room, accounts, error_line, heading, spinner_line, warn_line};
use crate::i18n::{t, tf};
use crate::ui::format::{date, months, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::table::{self, Cell, Table};
use crate::wizard::WizardState;
use crate::wizard::state::Check;
use ratatui::style::Style;
use ratatui::text::Span;

pub fn build_app(page: &mut Page, state: &WizardState, room: Room) {
    let intro = if state.job == crate::wizard::state::Job::CheckRegistration {
        t("check.app_intro")
    } else {
        t("rotate.app_intro")
    };
    page.text(intro, theme::dim());
    page.blank();
    let label_width = width(t("accounts.filter")) + 2;
    let box_width = page.width().saturating_sub(label_width + 4);
    accounts::browser(page, state, room, label_width, box_width);
}

pub fn build_secrets(page: &mut Page, state: &WizardState, _room: Room) {
    let r = &state.rotate;
    let app = match &r.secrets {
        Check::NotChecked | Check::Running => {
            spinner_line(page, 0, state, t("rotate.loading"));
            return;
        }
        Check::Failed(sentence) => {
            error_line(page, 0, sentence);
            return;
        }
        Check::Done(app) => app,
    };
    heading(
        page,
        &tf(
            "rotate.secrets_of",
            &[("app", &app.display_name), ("client_id", &app.client_id)],
        ),
    );
    if app.secrets.is_empty() {
        page.text_indented(2, t("rotate.no_secrets"), theme::dim());
    } else {
        let rows = app
            .secrets
            .iter()
            .map(|s| {
                let style = if s.expired {
                    theme::error()
                } else if s.due {
                    theme::warn()
                } else {
                    Style::new()
                };
                let left = match s.days_left {
                    _ if s.expired => t("rotate.expired").to_string(),
                    Some(d) => tf("rotate.days_left", &[("n", &d.to_string())]),
                    None => t("rotate.no_end").to_string(),
                };
                vec![
                    Cell::new(s.label().to_string()),
                    Cell::styled(s.hint.clone().unwrap_or_default(), theme::dim()),
                    Cell::styled(s.start.map(date).unwrap_or_default(), theme::dim()),
                    Cell::new(s.end.map(date).unwrap_or_default()),
                    Cell::styled(left, style),
                ]
            })
            .collect();
        table::push(
            page,
            &Table {
                header: vec![
                    t("table.description").to_string(),
                    t("rotate.hint").to_string(),
                    t("rotate.start").to_string(),
                    t("rotate.end").to_string(),
                    t("rotate.left").to_string(),
                ],
                rows,
                selected: None,
                indent: 2,
                marker: false,
                groups: Vec::new(),
                max_last_lines: 0,
            },
        );
        if app.secrets.iter().any(|s| s.due) {
            warn_line(page, 2, t("rotate.some_due"));
        }
    }
    if let Some(note) = &app.cleaned_up {
        page.text_indented(2, note, theme::dim());
    }
    page.blank();
    let line = page.len();
    page.text_after(
        vec![Span::styled(
            format!("{} ", t("rotate.lifetime")),
            theme::dim(),
        )],
        &format!("‹ {} ›", months(r.months)),
        theme::selected(),
    );
    page.focus(line..line + 1);
    if let Some(note) = crate::register::validate::long_secret_note(r.months) {
        page.text_indented(2, &note, theme::dim());
    }
    page.text_indented(2, t("rotate.keeps_old"), theme::dim());
    if r.creating {
        spinner_line(page, 0, state, t("rotate.creating"));
    }
    if let Some(error) = &r.error {
        error_line(page, 0, error);
    }
}
