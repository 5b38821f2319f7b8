//! The overlays: help (every binding), the confirmations (quit, grant consent, remove old
//! secrets, apply fixes) and the offer to continue an interrupted run. The highlighted button
//! is the one Enter presses (`wizard::dialog`).

use crate::i18n::{t, tf};
use crate::ui::format::{date, time, wrap};
use crate::ui::theme;
use crate::ui::widgets::key_bar::{help_lines, key_for};
use crate::ui::widgets::popup::{self, Button};
use crate::wizard::WizardState;
use crate::wizard::dialog::{self, Choice};
use crate::wizard::keymap::{self, Action};
use crate::wizard::state::{Check, Popup};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Draws `popup` over `area`; returns the area it covers.
pub fn draw(frame: &mut Frame, area: Rect, state: &WizardState, popup: Popup) -> Rect {
    let width = usize::from(popup::text_width(area));
    let (title, lines) = match popup {
        Popup::Help => help(state, width, usize::from(area.height)),
        Popup::ConfirmQuit => confirm_quit(state, width),
        Popup::ConfirmGrant => confirm_grant(state, width),
        Popup::ConfirmRemoveOld => confirm_remove_old(state, width),
        Popup::ConfirmApplyFixes => confirm_apply_fixes(state, width),
        Popup::ResumeOffer => resume_offer(state, width),
    };
    popup::draw(frame, area, &title, lines)
}

fn para(lines: &mut Vec<Line<'static>>, text: &str, style: Style, width: usize) {
    for row in wrap(text, width) {
        lines.push(Line::styled(row, style));
    }
}

/// "[▶ n/Esc  Stay ]  [  y  Quit ]": the dialog's two buttons (`wizard::dialog`), each naming
/// the key that presses it, the highlighted one marked — the one Enter presses.
fn buttons(state: &WizardState, popup: Popup) -> Line<'static> {
    let bindings = keymap::bindings(state);
    let label = |action, key: &str| match key_for(&bindings, action) {
        Some(keys) => format!("{keys}  {}", t(key)),
        None => t(key).to_string(),
    };
    let (safe, act) = dialog::button_keys(popup);
    let focused = dialog::focused(state);
    popup::buttons(&[
        Button {
            text: label(Action::Cancel, safe),
            default: focused == Choice::Safe,
        },
        Button {
            text: label(Action::Confirm, act),
            default: focused == Choice::Act,
        },
    ])
}

fn help(state: &WizardState, width: usize, height: usize) -> (String, Vec<Line<'static>>) {
    let mut intro = Vec::new();
    para(
        &mut intro,
        &tf("help.intro", &[("step", t(state.step.title_key()))]),
        theme::dim(),
        width,
    );
    let mut typing = Vec::new();
    para(&mut typing, t("help.typing"), theme::dim(), width);
    // Border (2) and two blank lines around the key list.
    let rows = height.saturating_sub(intro.len() + typing.len() + 4);
    let mut lines = intro;
    lines.push(Line::default());
    lines.extend(help_lines(&keymap::help_bindings(state), rows));
    lines.push(Line::default());
    lines.extend(typing);
    (t("help.title").to_string(), lines)
}

fn confirm_quit(state: &WizardState, width: usize) -> (String, Vec<Line<'static>>) {
    let mut lines = Vec::new();
    if state.app.is_some() && !state.done.secret_handed_over {
        let field = state.profile().fields.client_secret.clone();
        para(
            &mut lines,
            &tf("quit.secret_not_taken", &[("secret", &field)]),
            theme::warn(),
            width,
        );
    } else if state.step == crate::wizard::Step::Register
        && crate::wizard::update::job_running(state)
    {
        para(&mut lines, t("quit.registering"), theme::warn(), width);
    } else if crate::wizard::update::job_running(state) {
        para(&mut lines, t("quit.job_running"), Style::new(), width);
    } else {
        para(&mut lines, t("quit.plain"), Style::new(), width);
    }
    lines.push(Line::default());
    lines.push(buttons(state, Popup::ConfirmQuit));
    (t("quit.title").to_string(), lines)
}

fn confirm_grant(state: &WizardState, width: usize) -> (String, Vec<Line<'static>>) {
    let mut lines = Vec::new();
    let tenant = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let app_name = state
        .app
        .as_ref()
        .map(|a| a.app_name.clone())
        .unwrap_or_else(|| state.accounts.app_name.value().to_string());
    para(
        &mut lines,
        &tf("grant.intro", &[("app", &app_name), ("org", &tenant)]),
        Style::new(),
        width,
    );
    lines.push(Line::default());
    if let Some(app) = &state.app {
        for p in app.permissions.iter().filter(|p| !p.granted) {
            let kind = super::screens::kind_label(p.kind);
            lines.push(Line::from(vec![
                Span::raw("  • "),
                Span::styled(p.name.clone(), theme::title()),
                Span::styled(format!("  {} · {kind}", p.api.display_name()), theme::dim()),
            ]));
        }
        lines.push(Line::default());
    }
    para(&mut lines, t("grant.changes_tenant"), theme::warn(), width);
    lines.push(Line::default());
    lines.push(buttons(state, Popup::ConfirmGrant));
    (t("grant.title").to_string(), lines)
}

fn confirm_remove_old(state: &WizardState, width: usize) -> (String, Vec<Line<'static>>) {
    let mut lines = Vec::new();
    let older = state.rotate.older_secrets();
    para(
        &mut lines,
        &crate::i18n::tn("remove_old.question", older.len() as u64, &[]),
        theme::warn(),
        width,
    );
    lines.push(Line::default());
    for s in &older {
        lines.push(Line::from(vec![
            Span::raw("  • "),
            Span::styled(s.label().to_string(), theme::title()),
            Span::styled(
                format!("  {}", s.hint.clone().unwrap_or_default()),
                theme::dim(),
            ),
        ]));
    }
    lines.push(Line::default());
    let hint = state
        .app
        .as_ref()
        .and_then(|a| a.secret_hint.clone())
        .unwrap_or_default();
    para(
        &mut lines,
        &tf("remove_old.which", &[("hint", &hint)]),
        Style::new(),
        width,
    );
    lines.push(Line::default());
    lines.push(buttons(state, Popup::ConfirmRemoveOld));
    (t("remove_old.title").to_string(), lines)
}

fn confirm_apply_fixes(state: &WizardState, width: usize) -> (String, Vec<Line<'static>>) {
    let mut lines = Vec::new();
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    para(
        &mut lines,
        &crate::i18n::tn(
            "apply_fixes.question",
            state.check.selected.len() as u64,
            &[("org", &org)],
        ),
        Style::new(),
        width,
    );
    lines.push(Line::default());
    if let Check::Done(report) = &state.check.report {
        for f in report.findings.iter().filter(|f| {
            f.fix_id
                .is_some_and(|id| state.check.selected.contains(&id))
        }) {
            for (i, row) in wrap(&f.text, width.saturating_sub(4))
                .into_iter()
                .enumerate()
            {
                let bullet = if i == 0 { "  • " } else { "    " };
                lines.push(Line::from(vec![Span::raw(bullet), Span::raw(row)]));
            }
        }
        lines.push(Line::default());
    }
    para(
        &mut lines,
        t("apply_fixes.changes_tenant"),
        theme::warn(),
        width,
    );
    lines.push(Line::default());
    lines.push(buttons(state, Popup::ConfirmApplyFixes));
    (t("apply_fixes.title").to_string(), lines)
}

/// Continue the interrupted run (the default: no second app, unseen secrets removed) or not
/// now (back to Welcome).
fn resume_offer(state: &WizardState, width: usize) -> (String, Vec<Line<'static>>) {
    let mut lines = Vec::new();
    let profile = state.profile().id.clone();
    let Some(run) = state.resume.unanswered(&profile) else {
        return (t("resume.title").to_string(), lines);
    };
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let (day, at) = (date(run.started), time(run.started));
    let mut args = vec![
        ("date", day.as_str()),
        ("time", at.as_str()),
        ("app", run.app_name.as_str()),
        ("org", org.as_str()),
    ];
    let key = match &run.client_id {
        Some(id) => {
            args.push(("client_id", id.as_str()));
            if run.created_app {
                "resume.left_app"
            } else {
                "resume.left_app_found"
            }
        }
        None => "resume.left_nothing",
    };
    para(&mut lines, &tf(key, &args), Style::new(), width);
    lines.push(Line::default());
    para(&mut lines, t("resume.continues"), Style::new(), width);
    if run.unseen_secrets > 0 {
        para(
            &mut lines,
            &crate::i18n::tn("resume.removes_secrets", run.unseen_secrets as u64, &[]),
            Style::new(),
            width,
        );
    }
    lines.push(Line::default());
    para(&mut lines, t("resume.not_now"), theme::dim(), width);
    lines.push(Line::default());
    lines.push(buttons(state, Popup::ResumeOffer));
    (t("resume.title").to_string(), lines)
}
