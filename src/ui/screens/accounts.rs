//! Step 5: how exowiz gets the app (automatic / reuse / by hand), app name, secret lifetime; the
//! app browser for reuse and the ID fields for entry by hand.

use super::{Room, error_line, heading, key, ok_line, spinner_line};
use crate::i18n::{t, tf};
use crate::ui::format::{date, months, pad, truncate, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::table::{self, Cell, Table};
use crate::ui::widgets::text_field::{self, Field, marker};
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::{AccountsChoice, AccountsFocus, AppSummary, Check};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

const CHOICES: [(AccountsChoice, &str, &str); 3] = [
    (
        AccountsChoice::Automatic,
        "accounts.automatic",
        "accounts.automatic_explain",
    ),
    (
        AccountsChoice::Reuse,
        "accounts.reuse",
        "accounts.reuse_explain",
    ),
    (
        AccountsChoice::Manual,
        "accounts.manual",
        "accounts.manual_explain",
    ),
];

pub fn build(page: &mut Page, state: &WizardState, room: Room) {
    let accounts = &state.accounts;
    heading(page, t("accounts.question"));
    let name_width = CHOICES.iter().map(|c| width(t(c.1))).max().unwrap_or(0) + 6;
    for (choice, name, explain) in CHOICES {
        let chosen = accounts.choice == choice;
        let focused = chosen && accounts.focus == AccountsFocus::Choice;
        let radio = if chosen { "(•) " } else { "( ) " };
        let style = if focused {
            theme::selected()
        } else if chosen {
            theme::title()
        } else {
            Style::new()
        };
        let line = page.len();
        page.text_after(
            vec![
                marker(focused),
                Span::styled(pad(&format!("{radio}{}", t(name)), name_width - 1), style),
                Span::raw(" "),
            ],
            t(explain),
            theme::dim(),
        );
        if focused {
            page.focus(line..page.len());
        }
    }
    page.blank();

    // Labels of this choice's inputs share one column.
    let labels: Vec<&str> = match accounts.choice {
        AccountsChoice::Automatic => vec![t("accounts.app_name"), t("accounts.lifetime")],
        AccountsChoice::Reuse => vec![t("accounts.lifetime"), t("accounts.filter")],
        AccountsChoice::Manual => vec![
            t("accounts.manual_tenant"),
            t("accounts.manual_client_id"),
            t("accounts.manual_secret"),
        ],
    };
    let label_width = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    let box_width = page.width().saturating_sub(label_width + 6).min(40);
    let under = label_width + 3;

    match accounts.choice {
        AccountsChoice::Automatic => {
            text_field::push(
                page,
                Field {
                    label: t("accounts.app_name"),
                    label_width,
                    field: &accounts.app_name,
                    box_width,
                    focused: accounts.focus == AccountsFocus::AppName,
                    masked: false,
                    placeholder: &state.profile().default_app_name,
                },
                Vec::new(),
            );
            if let Some(error) = &accounts.app_name_error {
                error_line(page, under, error);
            }
            lifetime(page, state, label_width);
        }
        AccountsChoice::Reuse => {
            lifetime(page, state, label_width);
            page.blank();
            browser(page, state, room, label_width, box_width);
        }
        AccountsChoice::Manual => manual(page, state, label_width, box_width),
    }
}

/// "Secret lifetime   ‹ 24 months ›   ←/→ change". The end date is not shown here: it is set
/// when Entra creates the secret (and shown then), and the screens never read the clock.
fn lifetime(page: &mut Page, state: &WizardState, label_width: usize) {
    let focused = state.accounts.focus == AccountsFocus::SecretMonths;
    let value = format!("‹ {} ›", months(state.accounts.secret_months));
    let mut spans = vec![
        marker(focused),
        Span::styled(
            pad(t("accounts.lifetime"), label_width),
            theme::label(focused),
        ),
        Span::raw(" "),
        Span::styled(
            value,
            if focused {
                theme::selected()
            } else {
                theme::title()
            },
        ),
    ];
    let keys: Vec<String> = [Action::Decrease, Action::Increase]
        .into_iter()
        .filter_map(|a| key(state, a))
        .collect();
    spans.push(Span::styled(
        format!("  {}", t("accounts.lifetime_range")),
        theme::dim(),
    ));
    if focused && !keys.is_empty() {
        spans.push(Span::styled(" · ", theme::dim()));
        spans.push(Span::styled(keys.join(" "), theme::key()));
        spans.push(Span::styled(
            format!(" {}", t("accounts.lifetime_change")),
            theme::dim(),
        ));
    }
    let line = page.len();
    page.push(Line::from(spans));
    // Beyond the portal's 24 months: the trade-off, before the admin commits to it.
    let note = crate::register::validate::long_secret_note(state.accounts.secret_months);
    if let Some(note) = &note {
        page.text_indented(label_width + 3, note, theme::dim());
    }
    if focused {
        page.focus(line..page.len());
    }
}

/// Titles of the saved and the other apps, for the rows `first..last` of a list whose first
/// `saved` apps are saved registrations (none when nothing is saved: one plain list).
fn group_titles(saved: usize, total: usize, first: usize, last: usize) -> Vec<(usize, String)> {
    let mut groups = Vec::new();
    if saved == 0 {
        return groups;
    }
    if first < saved {
        groups.push((0, t("accounts.group_saved").to_string()));
    }
    if saved < total && saved < last {
        groups.push((
            saved.max(first) - first,
            t("accounts.group_other").to_string(),
        ));
    }
    groups
}

/// Width of a client ID (a GUID) and of its short form: the first block, enough to tell the
/// apps of one tenant apart.
const CLIENT_ID_WIDTH: usize = 36;
const SHORT_CLIENT_ID_CHARS: usize = 8;

/// How the app table shares the width: the names come first (two apps that differ only at
/// the end of their names must not look alike), the client ID gives way to its first block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct AppColumns {
    name_room: usize,
    short_client_id: bool,
}

impl AppColumns {
    fn fit(page_width: usize, names_width: usize, expiry_width: usize) -> Self {
        // Indent and marker (2 + 2), two column gaps (2 + 2).
        let room_with =
            |id_width: usize| page_width.saturating_sub(2 + 2 + id_width + 2 + 2 + expiry_width);
        let full = room_with(CLIENT_ID_WIDTH);
        if names_width <= full {
            return Self {
                name_room: full,
                short_client_id: false,
            };
        }
        Self {
            name_room: room_with(SHORT_CLIENT_ID_CHARS + 1),
            short_client_id: true,
        }
    }

    fn client_id(&self, id: &str) -> String {
        match id.get(..SHORT_CLIENT_ID_CHARS) {
            Some(head) if self.short_client_id && id.len() > SHORT_CLIENT_ID_CHARS => {
                format!("{head}…")
            }
            _ => id.to_string(),
        }
    }
}

/// The app browser: filter field, app table, the chosen app. Also the rotate job's app step.
pub(super) fn browser(
    page: &mut Page,
    state: &WizardState,
    room: Room,
    label_width: usize,
    box_width: usize,
) {
    let b = &state.accounts.browser;
    let focused = state.accounts.focus == AccountsFocus::BrowserFilter
        || state.step == crate::wizard::Step::App;
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    heading(page, &tf("accounts.browser_title", &[("org", &org)]));
    text_field::push(
        page,
        Field {
            label: t("accounts.filter"),
            label_width,
            field: &b.filter,
            box_width: box_width.min(30),
            focused,
            masked: false,
            placeholder: t("accounts.filter_placeholder"),
        },
        Vec::new(),
    );
    match &b.apps {
        Check::NotChecked => page.text_indented(2, t("accounts.browser_not_loaded"), theme::dim()),
        Check::Running => spinner_line(page, 2, state, t("accounts.browser_loading")),
        Check::Failed(sentence) => error_line(page, 2, sentence),
        Check::Done(apps) if apps.is_empty() => {
            page.text_indented(2, t("accounts.browser_empty"), theme::dim())
        }
        Check::Done(apps) => {
            // Rows that fit under what is already on the page: the table header and the
            // "chosen" note (blank + two lines) stay visible; a longer list scrolls with the
            // selection and says which rows it shows.
            let chosen_lines = if b.chosen.is_some() { 3 } else { 0 };
            // Saved registrations come first (`app_list`); with any, the two groups get a
            // title line each.
            let saved = apps.iter().take_while(|a| a.saved_for.is_some()).count();
            let group_lines = if saved > 0 { 2 } else { 0 };
            let avail = usize::from(room.height)
                .saturating_sub(page.len() + 1 + chosen_lines + group_lines);
            let rows = if apps.len() <= avail {
                apps.len()
            } else {
                avail.saturating_sub(1).max(3)
            };
            let selected = b.selected.min(apps.len() - 1);
            let first = selected
                .saturating_sub(rows - 1)
                .min(apps.len().saturating_sub(rows));
            let last = (first + rows).min(apps.len());
            let never = t("accounts.no_secret");
            let expiry_width = apps[first..last]
                .iter()
                .map(|a| {
                    a.secret_expires
                        .map(date)
                        .unwrap_or_else(|| never.to_string())
                })
                .map(|s| width(&s))
                .chain(std::iter::once(width(t("accounts.secret_expires"))))
                .max()
                .unwrap_or(0);
            let shown_name = |a: &AppSummary| {
                let is_chosen = b
                    .chosen
                    .as_ref()
                    .is_some_and(|c| c.client_id == a.client_id);
                if is_chosen {
                    format!("✓ {}", a.display_name)
                } else {
                    a.display_name.clone()
                }
            };
            let names_width = apps[first..last]
                .iter()
                .map(|a| width(&shown_name(a)))
                .max()
                .unwrap_or(0);
            let layout = AppColumns::fit(page.width(), names_width, expiry_width);
            let table_rows = apps[first..last]
                .iter()
                .map(|a| {
                    vec![
                        Cell::new(truncate(&shown_name(a), layout.name_room)),
                        Cell::styled(layout.client_id(&a.client_id), theme::accent()),
                        a.secret_expires
                            .map(|e| Cell::new(date(e)))
                            .unwrap_or_else(|| Cell::styled(never, theme::dim())),
                    ]
                })
                .collect();
            let ranges = table::push(
                page,
                &Table {
                    header: vec![
                        t("accounts.app_column").to_string(),
                        t("accounts.client_id_column").to_string(),
                        t("accounts.secret_expires").to_string(),
                    ],
                    rows: table_rows,
                    selected: focused.then_some(selected - first),
                    indent: 2,
                    marker: true,
                    groups: group_titles(saved, apps.len(), first, last),
                    max_last_lines: 0,
                },
            );
            if rows < apps.len() {
                page.text_indented(
                    4,
                    &tf(
                        "accounts.list_window",
                        &[
                            ("first", &(first + 1).to_string()),
                            ("last", &last.to_string()),
                            ("total", &apps.len().to_string()),
                        ],
                    ),
                    theme::dim(),
                );
            }
            // A name cut even so: the highlighted app is named in full under the list, so
            // that "OfficeMaster EWS (test…" cannot pass for "OfficeMaster EWS".
            let highlighted = &apps[selected];
            let mut focus = ranges.get(selected - first).cloned();
            if focused && width(&shown_name(highlighted)) > layout.name_room {
                let start = page.len();
                page.text_indented(
                    4,
                    &tf(
                        "accounts.highlighted_in_full",
                        &[
                            ("app", &highlighted.display_name),
                            ("client_id", &highlighted.client_id),
                        ],
                    ),
                    theme::dim(),
                );
                focus = focus.map(|r| r.start..page.len().max(start));
            }
            if focused && let Some(r) = focus {
                page.focus(r);
            }
        }
    }
    if let Some(chosen) = &b.chosen {
        page.blank();
        ok_line(
            page,
            0,
            &tf(
                "accounts.chosen",
                &[
                    ("app", &chosen.display_name),
                    ("client_id", &chosen.client_id),
                ],
            ),
        );
    }
}

fn manual(page: &mut Page, state: &WizardState, label_width: usize, box_width: usize) {
    let m = &state.accounts.manual;
    let focus = state.accounts.focus;
    let under = label_width + 3;
    page.text(t("accounts.manual_intro"), theme::dim());
    page.blank();
    text_field::push(
        page,
        Field {
            label: t("accounts.manual_tenant"),
            label_width,
            field: &m.tenant,
            box_width,
            focused: focus == AccountsFocus::ManualTenant,
            masked: false,
            placeholder: t("accounts.manual_tenant_placeholder"),
        },
        Vec::new(),
    );
    match &m.tenant_lookup {
        Check::NotChecked => {
            if let Some(k) = key(state, Action::LookupTenant) {
                page.text_indented(
                    under,
                    &tf("accounts.lookup_hint", &[("key", &k)]),
                    theme::dim(),
                );
            }
        }
        Check::Running => spinner_line(page, under, state, t("accounts.lookup_running")),
        Check::Done(id) => ok_line(page, under, &tf("accounts.lookup_done", &[("id", id)])),
        Check::Failed(sentence) => error_line(page, under, sentence),
    }
    text_field::push(
        page,
        Field {
            label: t("accounts.manual_client_id"),
            label_width,
            field: &m.client_id,
            box_width,
            focused: focus == AccountsFocus::ManualClientId,
            masked: false,
            placeholder: t("accounts.manual_client_id_placeholder"),
        },
        Vec::new(),
    );
    text_field::push(
        page,
        Field {
            label: t("accounts.manual_secret"),
            label_width,
            field: &m.secret,
            box_width,
            focused: focus == AccountsFocus::ManualSecret,
            masked: true,
            placeholder: "",
        },
        Vec::new(),
    );
    page.text_indented(under, t("accounts.manual_secret_note"), theme::dim());
}
