//! The check job's findings: one line per finding with its severity (the first says which
//! profile the app was compared with), a checkbox on the ones exowiz can fix, and after
//! applying what each fix did.

use super::{Room, error_line, heading, spinner_line};
use crate::check::Severity;
use crate::i18n::{t, tf};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::text_field::marker;
use crate::wizard::WizardState;
use crate::wizard::state::Check;
use ratatui::style::Style;
use ratatui::text::Span;

fn icon(severity: Severity) -> Span<'static> {
    match severity {
        Severity::Ok => Span::styled("✓ ", theme::ok()),
        Severity::Warning => Span::styled("! ", theme::warn()),
        Severity::Problem => Span::styled("✗ ", theme::error()),
    }
}

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    let c = &state.check;
    let report = match &c.report {
        Check::NotChecked | Check::Running => {
            spinner_line(page, 0, state, t("check.running"));
            return;
        }
        Check::Failed(sentence) => {
            error_line(page, 0, sentence);
            return;
        }
        Check::Done(report) => report,
    };
    heading(
        page,
        &tf(
            "check.title",
            &[
                ("app", &report.app_name()),
                ("client_id", &report.app.app_id),
            ],
        ),
    );
    page.blank();
    if c.applying {
        spinner_line(page, 0, state, t("check.applying"));
        page.blank();
    }
    let fixable = c.fixable();
    let highlighted = fixable.get(c.cursor).copied();
    for finding in &report.findings {
        let fix = finding
            .fix_id
            .filter(|_| finding.fix.as_ref().is_some_and(|f| f.is_applicable()));
        let focused = fix.is_some() && fix == highlighted;
        let mut prefix = vec![marker(focused), icon(finding.severity)];
        match fix {
            Some(id) => {
                let mark = if c.selected.contains(&id) {
                    "[x] "
                } else {
                    "[ ] "
                };
                prefix.push(Span::styled(mark, theme::label(focused)));
            }
            None => prefix.push(Span::raw("    ")),
        }
        let start = page.len();
        let style = if focused {
            theme::selected()
        } else {
            Style::new()
        };
        page.text_after(prefix, &finding.text, style);
        if focused {
            page.focus(start..page.len());
        }
    }
    page.blank();
    let problems = report.count(Severity::Problem);
    let warnings = report.count(Severity::Warning);
    if problems == 0 && warnings == 0 {
        page.text(t("check.all_ok"), theme::ok());
    } else {
        page.text(
            &tf(
                "check.summary",
                &[
                    (
                        "problems",
                        &crate::i18n::tn("check.problems", problems as u64, &[]),
                    ),
                    (
                        "warnings",
                        &crate::i18n::tn("check.warnings", warnings as u64, &[]),
                    ),
                ],
            ),
            theme::title(),
        );
    }
    if !fixable.is_empty() {
        page.text(t("check.fixable"), theme::dim());
    }
    if !c.results.is_empty() {
        page.blank();
        heading(page, t("check.results"));
        for result in &c.results {
            match result {
                Ok(text) => {
                    page.text_after(vec![Span::styled("  ✓ ", theme::ok())], text, Style::new())
                }
                Err(text) => page.text_after(
                    vec![Span::styled("  ✗ ", theme::error())],
                    text,
                    Style::new(),
                ),
            }
        }
    }
}
