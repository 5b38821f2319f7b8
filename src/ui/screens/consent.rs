//! Step 8: the admin-consent link, each permission's grant status (polled), granting from the
//! tool on request.

use super::{
    PermissionRow, Room, error_line, heading, key, ok_line, permission_table, push_hints,
    spinner_line,
};
use crate::i18n::{t, tf};
use crate::ui::format::{time_seconds, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::table::Cell;
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use ratatui::style::Style;

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    let Some(app) = &state.app else {
        spinner_line(page, 0, state, t("consent.waiting_for_app"));
        return;
    };
    let consent = &state.consent;
    let all_granted = !app.permissions.is_empty() && app.permissions.iter().all(|p| p.granted);
    page.text(t("consent.intro"), Style::new());
    page.blank();
    page.text(t("consent.open_link"), Style::new());
    // The listener's link while it is open (exowiz learns the answer at once), else the plain one.
    page.link(
        2,
        &crate::wizard::update::consent_link(state).unwrap_or_default(),
    );
    push_hints(
        page,
        2,
        state,
        &[Action::OpenLink, Action::Copy, Action::Grant],
    );
    page.blank();

    heading(page, t("consent.status"));
    let rows: Vec<PermissionRow> = app
        .permissions
        .iter()
        .map(|p| PermissionRow {
            api: p.api,
            name: p.name.clone(),
            kind: p.kind,
            last: if p.granted {
                Cell::styled(format!("✓ {}", t("consent.granted")), theme::ok())
            } else {
                Cell::styled(format!("… {}", t("consent.not_granted")), theme::warn())
            },
        })
        .collect();
    // Sized for the longer status, so the layout does not jump as grants arrive.
    let status_width = width(&format!("✓ {}", t("consent.granted")))
        .max(width(&format!("… {}", t("consent.not_granted"))));
    permission_table(page, rows, t("table.status"), status_width, 0, None);
    page.blank();

    if let Some(error) = &consent.error {
        error_line(page, 0, error);
    }
    if let Some(refused) = consent.refused.as_ref().filter(|_| !all_granted) {
        error_line(page, 0, refused);
        if let Some(k) = key(state, Action::OpenLink) {
            page.text(&tf("consent.refused_retry", &[("key", &k)]), theme::dim());
        }
    }
    if consent.granting {
        spinner_line(page, 0, state, t("consent.granting"));
    } else if all_granted {
        ok_line(page, 0, t("consent.all_granted"));
        if let Some(k) = key(state, Action::Next) {
            page.text(&tf("consent.continue", &[("key", &k)]), theme::dim());
        }
    } else {
        let seconds = state.consent_poll_interval.as_secs().to_string();
        let mut text = tf("consent.polling", &[("seconds", &seconds)]);
        if let Some(at) = consent.last_polled {
            text.push_str(" · ");
            text.push_str(&tf("consent.last_checked", &[("time", &time_seconds(at))]));
        }
        page.text(&text, theme::dim());
        if let Some(k) = key(state, Action::Grant) {
            page.text(&tf("consent.grant_hint", &[("key", &k)]), theme::dim());
        }
    }
}
