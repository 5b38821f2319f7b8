//! Step 9: a token from the new secret; which roles it carries, what is missing — compared
//! with the profile's application permissions (after a rotation too) — and, for the EWS
//! profiles, whether EWS opens the transfer mailbox.

use super::{Room, error_line, heading, key, ok_line, spinner_line, warn_line};
use crate::i18n::{t, tf};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::{ComparedWith, Job, VerifyReport, VerifyState};
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
            page.blank();
            comparison(page, state, report);
            ews_line(page, report);
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

/// The EWS probe's sentence (EWS profiles only): ✓ opened, a warning with the likely cause,
/// or dim when it was not tried.
fn ews_line(page: &mut Page, report: &VerifyReport) {
    let Some(probe) = &report.ews else {
        return;
    };
    page.blank();
    match probe.ok() {
        Some(true) => ok_line(page, 0, &probe.detail),
        Some(false) => warn_line(page, 0, &probe.detail),
        None => page.text(&probe.detail, theme::dim()),
    }
}

/// One line on what the roles were compared with: the missing ones as a warning (after a
/// rotation with what to do, since consent does not come by waiting), else that all are there.
fn comparison(page: &mut Page, state: &WizardState, report: &VerifyReport) {
    if !report.missing.is_empty() {
        warn_line(page, 0, &missing_sentence(state, report));
        return;
    }
    let (product, key) = match &report.compared_with {
        ComparedWith::Nothing(why) => {
            page.text(&tf("verify.not_compared", &[("why", why)]), theme::dim());
            return;
        }
        ComparedWith::Profile(product) => (
            product.as_str(),
            match report.expected_count {
                0 => "verify.compared_none",
                1 => "verify.compared_one",
                _ => "verify.compared_all",
            },
        ),
        ComparedWith::AppPermissions => (
            "",
            match report.expected_count {
                0 => "verify.compared_none_app",
                1 => "verify.compared_one_app",
                _ => "verify.compared_all_app",
            },
        ),
    };
    let n = report.expected_count.to_string();
    let text = tf(key, &[("n", &n), ("product", product)]);
    if report.expected_count == 0 {
        page.text(&text, theme::dim());
    } else {
        ok_line(page, 0, &text);
    }
}

fn missing_sentence(state: &WizardState, report: &VerifyReport) -> String {
    let permissions = report.missing.join(", ");
    if state.job != Job::RotateSecret {
        return tf("verify.missing", &[("permissions", &permissions)]);
    }
    let client_id = state
        .app
        .as_ref()
        .map(|a| a.client_id.as_str())
        .unwrap_or_default();
    let (key, product) = match &report.compared_with {
        ComparedWith::Profile(product) => ("verify.missing_rotated", product.as_str()),
        ComparedWith::AppPermissions | ComparedWith::Nothing(_) => {
            ("verify.missing_rotated_app", "")
        }
    };
    tf(
        key,
        &[
            ("permissions", &permissions),
            ("product", product),
            ("client_id", client_id),
        ],
    )
}
