//! Step 10: the three values under the product's own names, the secret masked until revealed,
//! its expiry, where to paste them, notes, and the Exchange Online commands.

use super::{Room, heading, ok_line, push_hints, warn_line};
use crate::i18n::{t, tf};
use crate::profile::FieldValue;
use crate::ui::format::{date, pad, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::secret_box;
use crate::ui::widgets::text_field::marker;
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::DoneFocus;
use crate::wizard::update::Readiness;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub fn build(page: &mut Page, state: &WizardState, room: Room) {
    let Some(app) = &state.app else {
        page.text(t("done.no_app"), theme::warn());
        return;
    };
    let profile = state.profile();
    let fields = &profile.fields;
    let focus = state.done.focus;

    page.text(
        &tf("done.intro", &[("product", profile.product_name())]),
        theme::title(),
    );
    page.text_after(
        vec![Span::styled(format!("{} ", t("done.where")), theme::dim())],
        fields.location_in(crate::i18n::language()),
        Style::new(),
    );
    page.blank();

    // The values, labelled as the product labels them.
    let tenant_label = fields
        .tenant_id
        .clone()
        .unwrap_or_else(|| t("done.tenant_id").to_string());
    let labels = [
        tenant_label.as_str(),
        fields.client_id.as_str(),
        fields.client_secret.as_str(),
    ];
    let column = labels.iter().map(|l| width(l)).max().unwrap_or(0) + 2;
    let value_line = |page: &mut Page, label: &str, focused: bool, value: Vec<Span<'static>>| {
        let line = page.len();
        let mut spans = vec![
            marker(focused),
            Span::styled(pad(label, column), theme::label(focused)),
        ];
        spans.extend(value);
        page.push(Line::from(spans));
        if focused {
            page.focus(0..line + 1);
        }
    };
    let id_value = |text: &str, focused: bool| {
        let style = if focused {
            theme::selected()
        } else {
            theme::accent()
        };
        vec![Span::styled(text.to_string(), style)]
    };
    let tenant_value = match &fields.tenant_id {
        Some(_) => id_value(&app.tenant_id, focus == DoneFocus::TenantId),
        None => vec![Span::styled(
            tf(
                "done.tenant_not_needed",
                &[("product", profile.product_name())],
            ),
            theme::dim(),
        )],
    };
    value_line(
        page,
        &tenant_label,
        focus == DoneFocus::TenantId,
        tenant_value,
    );
    value_line(
        page,
        &fields.client_id,
        focus == DoneFocus::ClientId,
        id_value(&app.client_id, focus == DoneFocus::ClientId),
    );
    let mut secret =
        secret_box::spans(&app.secret, app.secret_hint.as_deref(), state.done.revealed);
    if focus == DoneFocus::Secret && !state.done.revealed {
        secret[0].style = theme::selected();
    }
    value_line(
        page,
        &fields.client_secret,
        focus == DoneFocus::Secret,
        secret,
    );
    let indent = 2 + column;
    if let Some(end) = app.secret_end {
        page.text_indented(
            indent,
            &tf("done.expires", &[("date", &date(end))]),
            theme::dim(),
        );
    }
    push_hints(
        page,
        indent,
        state,
        &[Action::Copy, Action::Reveal, Action::FocusNext],
    );
    page.blank();
    works_yet(page, state);
    warn_line(page, 0, t("done.shown_once"));
    if crate::wizard::update::can_remove_old(state) {
        page.text(
            &crate::i18n::tn(
                "done.older_secrets",
                state.rotate.older_secrets().len() as u64,
                &[],
            ),
            theme::dim(),
        );
    } else if crate::wizard::update::removal_withheld(state) {
        warn_line(page, 0, t("done.older_kept_unverified"));
    } else if crate::wizard::update::removal_waits_for_hand_over(state) {
        warn_line(page, 0, t("done.older_kept_unseen"));
    }

    further_fields(page, state);
    next_steps(page, state);

    let language = crate::i18n::language();
    if !app.notes.is_empty() || !profile.advice.is_empty() {
        page.blank();
        heading(page, t("done.notes"));
        let advice = profile.advice.iter().map(|a| a.text_in(language));
        for note in app.notes.iter().map(String::as_str).chain(advice) {
            page.text_after(vec![Span::raw("  • ")], note, Style::new());
        }
    }

    if !app.exchange_commands.is_empty() {
        page.blank();
        heading(page, t("done.commands"));
        page.text(t("done.commands_intro"), theme::dim());
        if let Some(path) = &state.done.commands_saved_to {
            page.text(
                &tf(
                    "done.commands_saved",
                    &[("path", &path.display().to_string())],
                ),
                theme::accent(),
            );
        }
        let count = app.exchange_commands.len();
        for (i, command) in app.exchange_commands.iter().enumerate() {
            if i > 0 && room.roomy() {
                page.blank();
            }
            let focused = focus == DoneFocus::Command(i);
            let start = page.len();
            let number = format!("{}. ", i + 1);
            page.text_after(
                vec![
                    marker(focused),
                    Span::styled(number.clone(), theme::label(focused)),
                ],
                &command.purpose,
                if focused {
                    theme::title()
                } else {
                    Style::new()
                },
            );
            let code_style = if focused {
                theme::accent().patch(theme::title())
            } else {
                theme::accent()
            };
            // Commands break only at spaces: PowerShell takes them as they are when pasted. Each
            // line keeps its own indentation (the body of an `if` stands in).
            for line in command.command.lines() {
                let code = line.trim_start();
                let own = line.len() - code.len();
                page.text_indented(2 + width(&number) + own, code, code_style);
            }
            // The focused command's notes (what it does to the tenant, what to do after it),
            // after the code so the code stays in view; the saved script has them as comments.
            if focused {
                for note in &command.notes {
                    page.text_indented(2 + width(&number), note, theme::dim());
                }
            }
            if focused {
                // The last command pulls the page to its end.
                let end = if i + 1 == count {
                    usize::MAX
                } else {
                    page.len()
                };
                page.focus(start..end);
            }
        }
    }
}

/// Issue 10.5: in words, whether the app works yet and, if not, what is missing.
fn works_yet(page: &mut Page, state: &WizardState) {
    match crate::wizard::update::readiness(state) {
        Readiness::Works => ok_line(page, 0, t("done.works")),
        Readiness::Missing(missing) => {
            warn_line(page, 0, t("done.not_working_yet"));
            for sentence in &missing {
                page.text_after(vec![Span::raw("  • ")], sentence, theme::warn());
            }
        }
    }
}

/// The product's fields beyond the three IDs, under the product's own labels; a field with a
/// value can take the focus and be copied, one exowiz does not know says what to enter.
fn further_fields(page: &mut Page, state: &WizardState) {
    let fields = crate::wizard::update::further_fields(state);
    if fields.is_empty() {
        return;
    }
    let language = crate::i18n::language();
    page.blank();
    heading(page, t("done.further_fields"));
    for (i, field, value) in fields {
        let focused = state.done.focus == DoneFocus::Field(i);
        let start = page.len();
        page.text_after(
            vec![marker(focused)],
            &field.label_in(language),
            theme::label(focused),
        );
        match value {
            FieldValue::Text(text) => {
                let style = if focused {
                    theme::selected()
                } else {
                    theme::accent()
                };
                page.text_indented(4, &text, style);
            }
            FieldValue::Secret => {}
            FieldValue::Missing => {
                let hint = field
                    .missing_in(language)
                    .unwrap_or(t("done.field_unknown"));
                page.text_indented(
                    4,
                    &tf("done.field_missing", &[("what", hint)]),
                    theme::warn(),
                );
            }
        }
        if let Some(note) = field.note_in(language) {
            page.text_indented(4, note, theme::dim());
        }
        if focused {
            page.focus(start..page.len());
        }
    }
}

/// The steps in the product after the values are in, numbered in the manual's order.
fn next_steps(page: &mut Page, state: &WizardState) {
    let steps = &state.profile().next_steps;
    if steps.is_empty() {
        return;
    }
    let language = crate::i18n::language();
    page.blank();
    heading(page, t("done.next_steps"));
    for (i, step) in steps.iter().enumerate() {
        page.text_after(
            vec![Span::raw(format!("  {}. ", i + 1))],
            step.text_in(language),
            Style::new(),
        );
    }
}
