//! Step 6: what will be created — a summary and the permission table as the Entra portal shows
//! it — with Proceed / Edit / Cancel.

use super::{PermissionRow, Room, heading, pairs, permission_table};
use crate::i18n::{t, tf};
use crate::ui::format::{date, months};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::popup::{Button, buttons};
use crate::ui::widgets::table::Cell;
use crate::wizard::WizardState;
use crate::wizard::state::{AccountsChoice, ReviewChoice};
use ratatui::style::Style;
use ratatui::text::Span;

/// Narrower than this, the permission table groups by API instead of an API column.
const MIN_DESCRIPTION: usize = 30;

pub fn build(page: &mut Page, state: &WizardState, room: Room) {
    if state.picker.open {
        return super::permission_picker::build(page, state, room);
    }
    let profile = state.profile();
    let accounts = &state.accounts;
    let manual = accounts.choice == AccountsChoice::Manual;
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    page.text(
        &tf(
            if manual {
                "review.intro_manual"
            } else {
                "review.intro"
            },
            &[("org", &org)],
        ),
        Style::new(),
    );
    page.blank();

    let mut rows: Vec<(String, Vec<Span<'static>>)> = Vec::new();
    let value = |text: String| vec![Span::raw(text)];
    if let Some(tenant) = &state.tenant {
        rows.push((
            t("review.tenant").to_string(),
            value(format!("{} ({})", tenant.name, tenant.tenant_id)),
        ));
    }
    let continued = state.resume.continued(&profile.id);
    let app = match accounts.choice {
        AccountsChoice::Automatic => match continued.and_then(|r| Some((r, r.client_id.as_ref()?)))
        {
            Some((run, client_id)) => tf(
                "review.app_continued",
                &[
                    ("app", accounts.app_name.value()),
                    ("client_id", client_id),
                    ("date", &date(run.started)),
                ],
            ),
            None => tf(
                "review.app_automatic",
                &[("app", accounts.app_name.value())],
            ),
        },
        AccountsChoice::Reuse => match &accounts.browser.chosen {
            Some(c) => tf(
                "review.app_reuse",
                &[("app", &c.display_name), ("client_id", &c.client_id)],
            ),
            None => t("review.app_reuse_none").to_string(),
        },
        AccountsChoice::Manual => tf(
            "review.app_manual",
            &[("client_id", accounts.manual.client_id.value())],
        ),
    };
    rows.push((t("review.app").to_string(), value(app)));
    if let Some(run) = continued.filter(|r| r.unseen_secrets > 0)
        && accounts.choice == AccountsChoice::Automatic
    {
        rows.push((
            t("review.cleanup").to_string(),
            value(crate::i18n::tn(
                "review.cleanup_secrets",
                run.unseen_secrets as u64,
                &[],
            )),
        ));
    }
    if !manual {
        rows.push((
            t("review.secret").to_string(),
            value(tf(
                "review.secret_value",
                &[("lifetime", &months(accounts.secret_months))],
            )),
        ));
        let mut uris: Vec<String> = profile
            .redirect_uris
            .public_client
            .iter()
            .map(|u| tf("review.uri_public", &[("uri", u)]))
            .collect();
        uris.extend(
            profile
                .redirect_uris
                .web
                .iter()
                .map(|u| tf("review.uri_web", &[("uri", u)])),
        );
        let uris = if uris.is_empty() {
            t("review.none").to_string()
        } else {
            uris.join(", ")
        };
        rows.push((t("review.redirect_uris").to_string(), value(uris)));
        rows.push((
            t("review.public_client").to_string(),
            value(
                t(if profile.allow_public_client_flows {
                    "review.public_client_on"
                } else {
                    "review.public_client_off"
                })
                .to_string(),
            ),
        ));
    }
    rows.push((
        t("review.install_type").to_string(),
        value(
            t(match state.mode {
                crate::profile::InstallMode::CloudOnly => "install_type.cloud_only",
                crate::profile::InstallMode::Hybrid => "install_type.hybrid",
            })
            .to_string(),
        ),
    ));
    if profile.needs_transfer_mailbox || !state.transport.mailbox.is_empty() {
        rows.push((
            t("review.mailbox").to_string(),
            value(state.transport.mailbox.value().to_string()),
        ));
    }
    if !state.transport.domains.is_empty() {
        let domains = state
            .transport
            .domains
            .iter()
            .map(|d| d.field.value().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        rows.push((t("review.domains").to_string(), value(domains)));
    }
    pairs(page, 2, &rows);
    page.blank();

    heading(
        page,
        t(if manual {
            "review.permissions_manual"
        } else {
            "review.permissions"
        }),
    );
    let permissions = profile.permissions_for(state.mode);
    if permissions.is_empty() {
        page.text_indented(2, t("welcome.no_permissions"), theme::warn());
    } else {
        let described = |name: &str, why: &str| -> String {
            if !why.is_empty() {
                return why.to_string();
            }
            state
                .app
                .as_ref()
                .and_then(|a| a.permissions.iter().find(|p| p.name == name))
                .map(|p| p.description.clone())
                .unwrap_or_default()
        };
        let mut rows: Vec<PermissionRow> = permissions
            .iter()
            .map(|p| PermissionRow {
                api: p.api,
                name: p.name.clone(),
                kind: p.kind,
                last: Cell::new(described(&p.name, p.reason(crate::i18n::language()))),
            })
            .collect();
        // Display order (grouped by API, as the table shows them), so that ↑/↓ walk the
        // rows from top to bottom.
        let mut apis = Vec::new();
        for r in &rows {
            if !apis.contains(&r.api) {
                apis.push(r.api);
            }
        }
        rows.sort_by_key(|r| apis.iter().position(|a| *a == r.api));
        let highlighted = state.review_reason.and_then(|i| {
            rows.get(i)
                .map(|r| (i, r.name.clone(), r.last.text.clone()))
        });
        // Lines left for descriptions once the buttons (2), the header and one line per
        // permission and group title are placed.
        let fixed = page.len() + 2 + 1 + 2 * rows.len();
        let spare = usize::from(room.height).saturating_sub(fixed);
        let per_row = 1 + spare / rows.len().max(1);
        let ranges = permission_table(
            page,
            rows,
            t("table.description"),
            MIN_DESCRIPTION,
            per_row,
            Some(highlighted.as_ref().map(|(i, ..)| *i)),
        );
        // A reason cut to fit is read whole under the table: the admin is about to grant it.
        if let Some((i, name, reason)) = highlighted {
            let start = page.len();
            page.text_indented(
                4,
                &tf(
                    "review.reason_in_full",
                    &[("permission", &name), ("reason", &reason)],
                ),
                Style::default(),
            );
            // The highlighted row too, when both fit; the whole reason first.
            let end = page.len();
            let row_start = ranges.get(i).map_or(start, |r| r.start);
            let rows_room = usize::from(room.height).saturating_sub(4);
            let from = if end - row_start <= rows_room {
                row_start
            } else {
                start
            };
            page.focus(from..end);
        }
    }

    let button = |choice: ReviewChoice, key: &str| Button {
        text: t(key).to_string(),
        default: state.review == choice,
    };
    page.footer(buttons(&[
        button(ReviewChoice::Proceed, "review.proceed"),
        button(ReviewChoice::Edit, "review.edit"),
        button(ReviewChoice::Cancel, "review.cancel"),
    ]));
    let explain = match state.review {
        ReviewChoice::Proceed => {
            if manual {
                "review.proceed_manual_explain"
            } else {
                "review.proceed_explain"
            }
        }
        ReviewChoice::Edit => "review.edit_explain",
        ReviewChoice::Cancel => "review.cancel_explain",
    };
    page.footer(ratatui::text::Line::styled(
        t(explain).to_string(),
        theme::dim(),
    ));
}
