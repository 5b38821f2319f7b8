//! One module per step. Each builds the step's body as a `Page` from the state; `ui::draw`
//! renders it. Helpers shared by several screens live here.

mod accounts;
mod check;
mod consent;
mod done;
mod install_type;
mod permission_picker;
mod register;
mod review;
mod rotate;
mod sign_in;
mod transport;
mod verify;
mod welcome;

use crate::i18n::t;
use crate::profile::{Api, PermissionType};
use crate::ui::format::width;
use crate::ui::theme;
use crate::ui::widgets::key_bar;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::table::{self, Cell, Table};
use crate::wizard::keymap::{self, Action};
use crate::wizard::{Step, WizardState};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// The body of the current step, `width` × `height` cells.
pub fn page(state: &WizardState, width: u16, height: u16) -> Page {
    let mut page = Page::new(width);
    let room = Room { height };
    match state.step {
        Step::Welcome => welcome::build(&mut page, state, room),
        Step::SignIn => sign_in::build(&mut page, state, room),
        Step::InstallType => install_type::build(&mut page, state, room),
        Step::Transport => transport::build(&mut page, state, room),
        Step::Accounts => accounts::build(&mut page, state, room),
        Step::Review => review::build(&mut page, state, room),
        Step::Register => register::build(&mut page, state, room),
        Step::Consent => consent::build(&mut page, state, room),
        Step::Verify => verify::build(&mut page, state, room),
        Step::Done => done::build(&mut page, state, room),
        Step::App => rotate::build_app(&mut page, state, room),
        Step::Secrets => rotate::build_secrets(&mut page, state, room),
        Step::Findings => check::build(&mut page, state, room),
    }
    page
}

/// How much room the body has (screens add spacing when it is tall).
#[derive(Debug, Clone, Copy)]
pub struct Room {
    pub height: u16,
}

impl Room {
    /// Tall enough for blank lines between sections.
    pub fn roomy(self) -> bool {
        self.height >= 30
    }
}

/// "Application" / "Delegated", as the portal writes the permission type.
pub fn kind_label(kind: PermissionType) -> &'static str {
    match kind {
        PermissionType::Application => t("perm.application"),
        PermissionType::Delegated => t("perm.delegated"),
    }
}

/// A line of inline key hints ("o open · c copy") for the actions the step has a key for now;
/// nothing when none has. The step's keys, not an open dialog's: the screen under a dialog
/// stays as it was.
pub fn push_hints(page: &mut Page, indent: usize, state: &WizardState, actions: &[Action]) {
    let spans = key_bar::hints(&keymap::help_bindings(state), actions);
    if !spans.is_empty() {
        let mut line = vec![Span::raw(" ".repeat(indent))];
        line.extend(spans);
        page.push(Line::from(line));
    }
}

/// The step's key for `action` now, if any (under a dialog too, as `push_hints`).
pub fn key(state: &WizardState, action: Action) -> Option<String> {
    key_bar::key_for(&keymap::help_bindings(state), action)
}

/// A section title.
pub fn heading(page: &mut Page, text: &str) {
    page.push(Line::styled(text.to_string(), theme::title()));
}

/// "✓ text" in green.
pub fn ok_line(page: &mut Page, indent: usize, text: &str) {
    page.text_after(
        vec![
            Span::raw(" ".repeat(indent)),
            Span::styled("✓ ", theme::ok()),
        ],
        text,
        theme::ok(),
    );
}

/// "✗ text" in red.
pub fn error_line(page: &mut Page, indent: usize, text: &str) {
    page.text_after(
        vec![
            Span::raw(" ".repeat(indent)),
            Span::styled("✗ ", theme::error()),
        ],
        text,
        theme::error(),
    );
}

/// "! text" in yellow: warnings the admin must read.
pub fn warn_line(page: &mut Page, indent: usize, text: &str) {
    page.text_after(
        vec![
            Span::raw(" ".repeat(indent)),
            Span::styled("! ", theme::warn().patch(theme::title())),
        ],
        text,
        theme::warn(),
    );
}

/// "⠋ text": something runs.
pub fn spinner_line(page: &mut Page, indent: usize, state: &WizardState, text: &str) {
    page.text_after(
        vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(
                format!("{} ", theme::spinner(state.spinner)),
                theme::accent(),
            ),
        ],
        text,
        Style::new(),
    );
}

/// "Label  value" pairs with the labels in one column.
pub fn pairs(page: &mut Page, indent: usize, rows: &[(String, Vec<Span<'static>>)]) {
    let column = rows
        .iter()
        .map(|(l, _)| crate::ui::format::width(l))
        .max()
        .unwrap_or(0)
        + 2;
    for (label, value) in rows {
        let prefix = vec![
            Span::raw(" ".repeat(indent)),
            Span::styled(crate::ui::format::pad(label, column), theme::dim()),
        ];
        // Values with one span wrap under themselves; styled multi-span values stay on a line.
        if let [single] = value.as_slice() {
            page.text_after(prefix, &single.content, single.style);
        } else {
            let mut spans = prefix;
            spans.extend(value.iter().cloned());
            page.push(Line::from(spans));
        }
    }
}

/// One permission in a portal-style table; `last` is the description or the grant status.
pub struct PermissionRow {
    pub api: Api,
    pub name: String,
    pub kind: PermissionType,
    pub last: Cell,
}

/// The permission table as the Entra portal shows it: API | Permission | Type | `last_header`.
/// When the last column would get fewer than `min_last` cells (80 columns), the API becomes a
/// group title over its permissions — the portal groups them the same way — and the last column
/// gets the room. `max_last_lines` limits a wrapping last column (0: no limit). With
/// `selection`, the selected row is highlighted (the layout does not move); rows are then
/// expected in display order (grouped by API).
pub fn permission_table(
    page: &mut Page,
    rows: Vec<PermissionRow>,
    last_header: &str,
    min_last: usize,
    max_last_lines: usize,
    selection: Option<Option<usize>>,
) -> Vec<std::ops::Range<usize>> {
    let api_width = rows
        .iter()
        .map(|r| width(r.api.display_name()))
        .chain(std::iter::once(width(t("table.api"))))
        .max()
        .unwrap_or(0);
    let name_width = rows
        .iter()
        .map(|r| width(&r.name))
        .chain(std::iter::once(width(t("table.permission"))))
        .max()
        .unwrap_or(0);
    let kind_width = [PermissionType::Application, PermissionType::Delegated]
        .iter()
        .map(|k| width(kind_label(*k)))
        .chain(std::iter::once(width(t("table.type"))))
        .max()
        .unwrap_or(0);
    let flat_last = page
        .width()
        .saturating_sub(2 + api_width + 2 + name_width + 2 + kind_width + 2);
    let grouped = flat_last < min_last;

    // Grouped: the APIs in the order of their first permission.
    let mut rows = rows;
    if grouped {
        let mut apis = Vec::new();
        for r in &rows {
            if !apis.contains(&r.api) {
                apis.push(r.api);
            }
        }
        rows.sort_by_key(|r| apis.iter().position(|a| *a == r.api));
    }
    let mut groups = Vec::new();
    let cells: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if grouped && (i == 0 || rows[i - 1].api != r.api) {
                groups.push((i, r.api.display_name().to_string()));
            }
            let mut row = Vec::new();
            if !grouped {
                row.push(Cell::new(r.api.display_name()));
            }
            row.push(Cell::styled(r.name.clone(), theme::accent()));
            row.push(Cell::new(kind_label(r.kind)));
            row.push(r.last.clone());
            row
        })
        .collect();
    let mut header = Vec::new();
    if !grouped {
        header.push(t("table.api").to_string());
    }
    header.push(t("table.permission").to_string());
    header.push(t("table.type").to_string());
    header.push(last_header.to_string());
    let indent = if grouped { 4 } else { 2 };
    let mut table = Table::new(header, cells, indent);
    table.groups = groups;
    table.max_last_lines = max_last_lines;
    if let Some(selected) = selection {
        table.selected = selected;
    }
    table::push(page, &table)
}
