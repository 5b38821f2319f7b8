//! Step 9: a token from the new secret; which roles it carries, what is missing.

use super::{Room, error_line, heading, key, ok_line, spinner_line, warn_line};
use crate::i18n::{t, tf};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::VerifyState;
use ratatui::style::Style;
use ratatui::text::Span;

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    heading(page, t("verify.title"));
    page.text(t("verify.intro"), theme::dim());
    page.blank();
    match &state.verify {
        VerifyState::NotStarted | VerifyState::Running => {
            spinner_line(page, 0, state, t("verify.running"));
            page.text_indented(2, t("verify.running_note"), theme::dim());
        }
        VerifyState::Passed(report) => {
            ok_line(page, 0, t("verify.passed"));
            page.blank();
            if report.roles.is_empty() {
                page.text_indented(2, t("verify.no_roles"), theme::dim());
            }
            for (api, roles) in &report.roles {
                page.text_after(
                    vec![
                        Span::raw("  "),
                        Span::styled(format!("{api}: "), theme::dim()),
                    ],
                    &roles.join(", "),
                    theme::accent(),
                );
            }
            if !report.missing.is_empty() {
                page.blank();
                warn_line(
                    page,
                    0,
                    &tf(
                        "verify.missing",
                        &[("permissions", &report.missing.join(", "))],
                    ),
                );
            }
            page.blank();
            if let Some(k) = key(state, Action::Next) {
                page.text(&tf("verify.continue", &[("key", &k)]), theme::dim());
            }
        }
        VerifyState::Failed(sentence) => {
            error_line(page, 0, t("verify.failed"));
            page.text_indented(2, sentence, Style::new());
            page.blank();
            page.text(t("verify.failed_note"), theme::dim());
            if let Some(k) = key(state, Action::Next) {
                page.text(&tf("verify.retry", &[("key", &k)]), theme::dim());
            }
        }
    }
}
