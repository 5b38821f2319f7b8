//! Step 4: the transfer mailbox (checked against the tenant) and the transfer domains per type,
//! each with the shorter suggestion.

use super::{Room, error_line, heading, key, ok_line, spinner_line};
use crate::domain::MailboxState;
use crate::i18n::{t, tf};
use crate::ui::format::width;
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::text_field::{self, Field};
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::Check;
use ratatui::style::Style;
use ratatui::text::Span;

/// Cells from the start of a line to the box of a field with this label column.
fn box_start(label_width: usize) -> usize {
    2 + label_width + 2
}

fn kind_label(kind: &str) -> String {
    match kind {
        "fax" => t("transport.kind_fax").to_string(),
        "sms" => t("transport.kind_sms").to_string(),
        "vox" => t("transport.kind_vox").to_string(),
        other => other.to_string(),
    }
}

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    let profile = state.profile();
    let transport = &state.transport;
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    // A mailbox only a product field names (myfactory, Flowfact): that field's label, optional.
    let optional = !profile.needs_transfer_mailbox;
    let field_label = profile
        .product_fields
        .iter()
        .find(|f| f.source == crate::profile::hand_over::ValueSource::Mailbox)
        .map(|f| f.label_in(crate::i18n::language()));
    let language = crate::i18n::language();
    let step = &profile.mailbox_step;
    // The product's own words first (issue 10.9), the catalogue's generic ones otherwise.
    let intro = match (step.intro_in(language), &field_label, optional) {
        (Some(own), _, _) => own.replace("{product}", &profile.product),
        (None, Some(label), true) => tf(
            "transport.intro_optional_mailbox",
            &[("product", profile.product_name()), ("label", label)],
        ),
        (None, _, _) => tf("transport.intro", &[("product", profile.product_name())]),
    };
    page.text(&intro, Style::new());
    page.blank();

    // The mailbox.
    let label = profile
        .fields
        .mailbox
        .clone()
        // The product's own (German) label: the words the admin finds in the product.
        .or_else(|| {
            profile
                .product_fields
                .iter()
                .find(|f| f.source == crate::profile::hand_over::ValueSource::Mailbox)
                .filter(|_| optional)
                .map(|f| f.label.clone())
        })
        .unwrap_or_else(|| t("transport.mailbox").to_string());
    let label_width = width(&label);
    let placeholder = tf(
        "transport.mailbox_placeholder",
        &[(
            "example",
            step.example.as_deref().unwrap_or("connector@contoso.com"),
        )],
    );
    let box_width = page
        .width()
        .saturating_sub(box_start(label_width) + 1)
        .min(40);
    text_field::push(
        page,
        Field {
            label: &label,
            label_width,
            field: &transport.mailbox,
            box_width,
            focused: transport.focus == 0,
            masked: false,
            placeholder: &placeholder,
        },
        Vec::new(),
    );
    let under = box_start(label_width) - 1;
    if let Some(error) = &transport.mailbox_error {
        error_line(page, under, error);
    } else {
        match &transport.mailbox_check {
            Check::NotChecked => {
                let generic = if optional {
                    t("transport.mailbox_hint_optional")
                } else {
                    t("transport.mailbox_hint")
                };
                let hint = step.hint_in(language).unwrap_or(generic);
                page.text_indented(under, hint, theme::dim())
            }
            Check::Running => spinner_line(
                page,
                under,
                state,
                &tf("transport.mailbox_checking", &[("org", &org)]),
            ),
            Check::Done(MailboxState::Exists) => {
                ok_line(page, under, t("transport.mailbox_exists"))
            }
            Check::Done(MailboxState::Shared) => {
                ok_line(page, under, t("transport.mailbox_shared"))
            }
            Check::Done(MailboxState::NoMailbox) => {
                error_line(page, under, t("transport.mailbox_no_mailbox"))
            }
            Check::Done(MailboxState::NoSuchUser) => error_line(
                page,
                under,
                &tf("transport.mailbox_no_user", &[("org", &org)]),
            ),
            Check::Failed(sentence) => error_line(page, under, sentence),
        }
    }
    if transport.domains.is_empty() {
        return;
    }

    // The domains.
    page.blank();
    heading(page, t("transport.domains"));
    page.text(t("transport.domains_explain"), theme::dim());
    page.blank();
    let labels: Vec<String> = transport
        .domains
        .iter()
        .map(|d| kind_label(&d.kind))
        .collect();
    let label_width = labels.iter().map(|l| width(l)).max().unwrap_or(0);
    let suggest_key = key(state, Action::UseSuggestion);
    let note_for = |i: usize| -> Vec<Span<'static>> {
        let d = &transport.domains[i];
        if d.suggestion.is_empty() || d.suggestion == d.field.value() {
            return Vec::new();
        }
        let mut spans = vec![
            Span::styled(format!("{} ", t("transport.shorter")), theme::dim()),
            Span::styled(d.suggestion.clone(), theme::accent()),
        ];
        if transport.focus == i + 1
            && let Some(k) = &suggest_key
        {
            spans.push(Span::styled(" · ", theme::dim()));
            spans.push(Span::styled(k.clone(), theme::key()));
            spans.push(Span::styled(
                format!(" {}", t("transport.take_it")),
                theme::dim(),
            ));
        }
        spans
    };
    let note_width = (0..transport.domains.len())
        .map(|i| note_for(i).iter().map(Span::width).sum::<usize>())
        .max()
        .unwrap_or(0);
    let start = box_start(label_width);
    let natural = page.width().saturating_sub(start + 1 + 2 + note_width);
    // The suggestion goes next to the box when both fit, under it otherwise.
    let beside = natural >= 24;
    let box_width = if beside {
        natural.min(32)
    } else {
        page.width().saturating_sub(start + 1).min(40)
    };
    for (i, d) in transport.domains.iter().enumerate() {
        let note = note_for(i);
        text_field::push(
            page,
            Field {
                label: &labels[i],
                label_width,
                field: &d.field,
                box_width,
                focused: transport.focus == i + 1,
                masked: false,
                placeholder: "",
            },
            if beside { note.clone() } else { Vec::new() },
        );
        if !beside && !note.is_empty() {
            let mut spans = vec![Span::raw(" ".repeat(start - 1))];
            spans.extend(note);
            page.push(ratatui::text::Line::from(spans));
        }
        if let Some(error) = &d.error {
            error_line(page, start - 1, error);
        }
    }
}
