//! Step 7: the live checklist while the registration runs.

use super::{Room, error_line, heading, key, ok_line, spinner_line};
use crate::i18n::{t, tf};
use crate::ui::theme;
use crate::ui::widgets::checklist;
use crate::ui::widgets::page::Page;
use crate::wizard::WizardState;
use crate::wizard::keymap::Action;
use crate::wizard::state::ItemState;

pub fn build(page: &mut Page, state: &WizardState, _room: Room) {
    let org = state
        .tenant
        .as_ref()
        .map(|t| t.name.clone())
        .unwrap_or_default();
    let app = state.accounts.browser.chosen.as_ref().map_or_else(
        || state.accounts.app_name.value().to_string(),
        |c| c.display_name.clone(),
    );
    let items = &state.register.items;
    let failed =
        state.register.error.is_some() || items.iter().any(|i| i.state == ItemState::Failed);
    let finished = !items.is_empty() && items.iter().all(|i| i.state == ItemState::Done);
    heading(page, &tf("register.title", &[("app", &app), ("org", &org)]));
    page.blank();
    if items.is_empty() && !failed {
        spinner_line(page, 2, state, t("register.starting"));
    } else {
        checklist::push(page, 2, items, state.spinner);
    }
    page.blank();
    if let Some(error) = &state.register.error {
        error_line(page, 0, error);
        page.blank();
        if let Some(k) = key(state, Action::Next) {
            page.text(&tf("register.retry", &[("key", &k)]), theme::dim());
        }
        page.text(t("register.nothing_twice"), theme::dim());
    } else if finished {
        ok_line(page, 0, t("register.finished"));
    } else if !failed {
        page.text(t("register.running_note"), theme::dim());
        page.blank();
        page.text(t("register.nothing_twice"), theme::dim());
    }
}
