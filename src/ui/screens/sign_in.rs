//! Step 2: sign in with the browser or a device code; on success the organisation.

use super::{Room, error_line, heading, key, ok_line, pairs, push_hints, spinner_line, warn_line};
use crate::i18n::{t, tf};
use crate::ui::format::{pad, time, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::text_field::marker;
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::{SignInMethod, SignInPhase};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    match &state.sign_in {
        SignInPhase::Choose => choose(page, state),
        SignInPhase::Starting => {
            let key = match state.sign_in_method {
                SignInMethod::Browser => "sign_in.starting_browser",
                SignInMethod::DeviceCode => "sign_in.starting_device_code",
            };
            spinner_line(page, 0, state, t(key));
        }
        SignInPhase::WaitingForBrowser { url } => browser(page, state, url),
        SignInPhase::WaitingForDeviceCode {
            user_code,
            verification_uri,
            expires_at,
        } => device_code(page, state, user_code, verification_uri, &time(*expires_at)),
        SignInPhase::LoadingTenant => spinner_line(page, 0, state, t("sign_in.loading_tenant")),
        SignInPhase::SignedIn => signed_in(page, state),
        SignInPhase::Failed(sentence) => {
            error_line(page, 0, t("sign_in.failed"));
            page.text_indented(2, sentence, Style::new());
            page.blank();
            if let Some(k) = key(state, Action::Next) {
                page.text(&tf("sign_in.try_again", &[("key", &k)]), theme::dim());
            }
        }
    }
}

fn choose(page: &mut Page, state: &WizardState) {
    page.text(t("sign_in.intro"), Style::new());
    page.blank();
    heading(page, t("sign_in.how"));
    let methods = [
        (
            SignInMethod::Browser,
            "sign_in.browser",
            if state.browser_available {
                "sign_in.browser_explain"
            } else {
                "sign_in.browser_unavailable"
            },
            state.browser_available,
        ),
        (
            SignInMethod::DeviceCode,
            "sign_in.device_code",
            "sign_in.device_code_explain",
            true,
        ),
    ];
    let name_width = methods.iter().map(|m| width(t(m.1))).max().unwrap_or(0) + 3;
    for (method, name, explain, available) in methods {
        let selected = state.sign_in_method == method;
        let name_style = match (selected, available) {
            (true, _) => theme::selected(),
            (false, true) => Style::new(),
            (false, false) => theme::dim(),
        };
        let line = page.len();
        page.text_after(
            vec![
                marker(selected),
                Span::styled(pad(t(name), name_width - 1), name_style),
                Span::raw(" "),
            ],
            t(explain),
            if available {
                Style::new()
            } else {
                theme::dim()
            },
        );
        if selected {
            page.focus(line..page.len());
        }
    }
    page.blank();
    page.text(t("sign_in.roles"), theme::dim());
}

fn browser(page: &mut Page, state: &WizardState, url: &str) {
    heading(page, t("sign_in.finish_in_browser"));
    page.blank();
    page.text(t("sign_in.browser_link"), Style::new());
    page.link(2, url);
    push_hints(page, 2, state, &[Action::OpenLink, Action::Copy]);
    page.blank();
    page.text(t("sign_in.browser_elsewhere"), theme::dim());
    page.blank();
    // No spinner: the screen stays still while the admin copies the link (nothing ticks).
    page.text(t("sign_in.waiting_browser"), theme::dim());
}

/// The code with spaces between the characters, bold, in a box: easy to read off and type.
fn code_box(page: &mut Page, indent: usize, code: &str) {
    let spaced: String = code
        .chars()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let inner = width(&spaced) + 6;
    let pad = " ".repeat(indent);
    let border = theme::accent();
    page.push(Line::from(vec![
        Span::raw(pad.clone()),
        Span::styled(format!("╭{}╮", "─".repeat(inner)), border),
    ]));
    page.push(Line::from(vec![
        Span::raw(pad.clone()),
        Span::styled("│   ", border),
        Span::styled(spaced, theme::accent().add_modifier(Modifier::BOLD)),
        Span::styled("   │", border),
    ]));
    page.push(Line::from(vec![
        Span::raw(pad),
        Span::styled(format!("╰{}╯", "─".repeat(inner)), border),
    ]));
}

fn device_code(page: &mut Page, state: &WizardState, code: &str, uri: &str, until: &str) {
    page.text(t("sign_in.device_open"), Style::new());
    page.link(3, uri);
    page.blank();
    page.text(
        &tf("sign_in.device_enter", &[("time", until)]),
        Style::new(),
    );
    code_box(page, 3, code);
    push_hints(page, 3, state, &[Action::Copy, Action::OpenLink]);
    page.blank();
    warn_line(page, 0, t("sign_in.phishing"));
    page.blank();
    page.text(t("sign_in.waiting_device_code"), theme::dim());
}

fn signed_in(page: &mut Page, state: &WizardState) {
    ok_line(page, 0, t("sign_in.signed_in"));
    page.blank();
    if let Some(tenant) = &state.tenant {
        pairs(
            page,
            2,
            &[
                (
                    t("sign_in.organisation").to_string(),
                    vec![Span::styled(tenant.name.clone(), theme::title())],
                ),
                (
                    t("sign_in.tenant_id").to_string(),
                    vec![Span::styled(tenant.tenant_id.clone(), theme::accent())],
                ),
                (
                    t("sign_in.account").to_string(),
                    vec![Span::raw(tenant.user.clone())],
                ),
                (
                    t("sign_in.domain").to_string(),
                    vec![Span::raw(tenant.default_domain.clone())],
                ),
            ],
        );
    }
    page.blank();
    if let Some(k) = key(state, Action::Next) {
        page.text(&tf("sign_in.continue", &[("key", &k)]), theme::dim());
    }
    if state.demo {
        page.blank();
        page.text(t("sign_in.demo_note"), theme::dim());
    }
}
