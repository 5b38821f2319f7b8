//! Step 3: cloud-only or hybrid, with the tenant's directory-sync flag as a hint.

use super::{Room, heading};
use crate::i18n::{t, tf};
use crate::profile::InstallMode;
use crate::ui::format::{pad, width};
use crate::ui::theme;
use crate::ui::widgets::page::Page;
use crate::ui::widgets::text_field::marker;
use crate::wizard::WizardState;
use ratatui::style::Style;
use ratatui::text::Span;

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_else(|| t("install_type.your_tenant").to_string());
    heading(page, &tf("install_type.question", &[("org", &org)]));
    page.blank();
    let options = [
        (
            InstallMode::CloudOnly,
            "install_type.cloud_only",
            "install_type.cloud_only_explain",
        ),
        (
            InstallMode::Hybrid,
            "install_type.hybrid",
            "install_type.hybrid_explain",
        ),
    ];
    let name_width = options.iter().map(|o| width(t(o.1))).max().unwrap_or(0) + 3;
    for (mode, name, explain) in options {
        let selected = state.mode == mode;
        let line = page.len();
        page.text_after(
            vec![
                marker(selected),
                Span::styled(
                    pad(t(name), name_width - 1),
                    if selected {
                        theme::selected()
                    } else {
                        Style::new()
                    },
                ),
                Span::raw(" "),
            ],
            t(explain),
            Style::new(),
        );
        if selected {
            page.focus(line..page.len());
        }
        page.blank();
    }

    let hint = match state.tenant.as_ref().and_then(|t| t.directory_sync) {
        Some(true) => t("install_type.sync_on"),
        Some(false) => t("install_type.sync_off"),
        None => t("install_type.sync_unknown"),
    };
    page.text_after(
        vec![Span::styled(
            format!("{} ", t("install_type.hint")),
            theme::title(),
        )],
        hint,
        Style::new(),
    );

    // What the choice changes for this profile.
    let profile = state.profile();
    let cloud = profile.permissions_for(InstallMode::CloudOnly);
    let hybrid = profile.permissions_for(InstallMode::Hybrid);
    let dropped: Vec<String> = cloud
        .iter()
        .filter(|p| !hybrid.contains(p))
        .map(|p| p.name.clone())
        .collect();
    if !dropped.is_empty() {
        page.blank();
        page.text(
            &tf(
                "install_type.difference",
                &[("permissions", &dropped.join(", "))],
            ),
            theme::dim(),
        );
    }
}
