//! Step 1: what exowiz does, the connector profiles, and what the selected one registers.

use super::{Room, heading, kind_label, warn_line};
use crate::i18n::{t, tf};
use crate::profile::Applies;
use crate::ui::format::{months, pad, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::table::{self, Cell, Table};
use crate::ui::widgets::text_field::marker;
use crate::wizard::WizardState;
use crate::wizard::state::Job;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

fn applies_label(applies: Applies) -> &'static str {
    match applies {
        Applies::Both => t("welcome.applies_both"),
        Applies::CloudOnly => t("welcome.applies_cloud_only"),
        Applies::Hybrid => t("welcome.applies_hybrid"),
    }
}

/// The saved registrations whose secret is due, in one sentence pointing to the rotate job.
fn due_notice(state: &WizardState) -> Option<String> {
    use crate::store::expiry::Health;
    let first = state.saved_due.first()?;
    let org = first.tenant_name.as_deref().unwrap_or(&first.tenant_id);
    let job = t(Job::RotateSecret.label_key());
    let when = match first.days_left {
        _ if first.health == Health::Expired => t("welcome.due_expired").to_string(),
        Some(days) => crate::i18n::tn("welcome.due_in_days", days.unsigned_abs(), &[]),
        None => t("welcome.due_expired").to_string(),
    };
    Some(match state.saved_due.len() {
        1 => tf(
            "welcome.due_one",
            &[
                ("app", first.app_name.as_str()),
                ("org", org),
                ("when", when.as_str()),
                ("job", job),
            ],
        ),
        n => tf(
            "welcome.due_many",
            &[
                ("n", &n.to_string()),
                ("app", first.app_name.as_str()),
                ("when", when.as_str()),
                ("job", job),
            ],
        ),
    })
}

/// "Job:" and the three jobs on one line, the chosen one marked (←/→ change it).
fn job_line(page: &mut Page, state: &WizardState) {
    let mut spans = vec![Span::styled(t("welcome.job"), theme::title())];
    for job in Job::ALL {
        let chosen = job == state.job;
        spans.push(Span::raw(" "));
        spans.push(marker(chosen));
        let style = if chosen {
            theme::selected()
        } else {
            Style::new()
        };
        spans.push(Span::styled(t(job.label_key()), style));
    }
    page.push(Line::from(spans));
}

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    page.text(t("welcome.intro"), Style::new());
    page.blank();
    job_line(page, state);
    if let Some(notice) = due_notice(state) {
        warn_line(page, 0, &notice);
    }
    page.blank();
    heading(page, t("welcome.choose"));

    let product_width = state
        .profiles
        .iter()
        .map(|p| width(p.product_name()))
        .max()
        .unwrap_or(0)
        + 3;
    let list_width = state
        .profiles
        .iter()
        .map(|p| product_width + width(&p.vendor))
        .max()
        .unwrap_or(0)
        .min(page.width().saturating_sub(2));
    for (i, profile) in state.profiles.iter().enumerate() {
        let selected = i == state.profile_index;
        let text = format!(
            "{}{}",
            pad(profile.product_name(), product_width),
            profile.vendor
        );
        let style = if selected {
            theme::selected()
        } else {
            Style::new()
        };
        let line = page.len();
        page.push(Line::from(vec![
            marker(selected),
            Span::styled(pad(&text, list_width), style),
        ]));
        if selected {
            page.focus(line..line + 1);
        }
    }
    if state.profiles.is_empty() {
        return;
    }

    let profile = state.profile();
    page.blank();
    heading(
        page,
        &tf("welcome.registers", &[("product", profile.product_name())]),
    );
    // Redirect URIs and the rest follow on the review step; here only what decides the choice.
    let what = tf(
        "welcome.app_line",
        &[
            ("app", &profile.default_app_name),
            ("lifetime", &months(profile.secret_months)),
        ],
    );
    page.text_indented(2, &what, theme::dim());
    if profile.permissions.is_empty() {
        page.text_indented(2, t("welcome.no_permissions"), theme::warn());
    } else {
        let rows = profile
            .permissions
            .iter()
            .map(|p| {
                vec![
                    Cell::new(p.api.display_name()),
                    Cell::styled(p.name.clone(), theme::accent()),
                    Cell::new(kind_label(p.kind)),
                    Cell::styled(applies_label(p.applies), theme::dim()),
                ]
            })
            .collect();
        table::push(
            page,
            &Table {
                header: vec![
                    t("table.api").to_string(),
                    t("table.permission").to_string(),
                    t("table.type").to_string(),
                    t("welcome.applies").to_string(),
                ],
                rows,
                selected: None,
                indent: 2,
                marker: false,
                groups: Vec::new(),
                max_last_lines: 0,
            },
        );
    }
    if profile.uses_ews {
        page.blank();
        warn_line(
            page,
            0,
            &tf(
                "welcome.ews_warning",
                &[("date", &crate::exchange::ews::shutdown_long_date())],
            ),
        );
    }
}
