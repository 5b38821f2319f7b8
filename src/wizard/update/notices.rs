//! Things that only change the status line and the clipboard note: copies, clearing, the
//! browser, the spinner.

use super::{TICKS_PER_SECOND, done, set_error, set_info};
use crate::browser::BrowserError;
use crate::clipboard::ClipboardError;
use crate::i18n::{t, tf};
use crate::wizard::effect::Effect;
use crate::wizard::state::{ClipboardNotice, ClipboardVia, DoneFocus, WizardState};

/// `o`: open a link where a browser exists; elsewhere say how to get there.
pub(super) fn open_link(state: &mut WizardState, url: String) -> Vec<Effect> {
    if state.browser_available {
        vec![Effect::OpenBrowser { url }]
    } else {
        set_info(state, t("status.no_browser"));
        Vec::new()
    }
}

/// The spinner turns; the clipboard countdown goes down once a second.
pub(super) fn tick(state: &mut WizardState) -> Vec<Effect> {
    state.spinner = state.spinner.wrapping_add(1);
    if state.spinner.is_multiple_of(TICKS_PER_SECOND)
        && let Some(notice) = &mut state.clipboard
    {
        notice.clears_in = notice
            .clears_in
            .and_then(|s| s.checked_sub(1))
            .filter(|s| *s > 0);
    }
    Vec::new()
}

pub(super) fn copied(
    state: &mut WizardState,
    label: String,
    result: Result<ClipboardVia, ClipboardError>,
    clears_in: Option<u32>,
) -> Vec<Effect> {
    match result {
        Ok(via) => {
            let secret = state.app.is_some() && label == done::copy_label(state, DoneFocus::Secret);
            state.clipboard = Some(ClipboardNotice {
                label,
                via,
                clears_in,
            });
            if secret {
                state.done.secret_seen = true;
                return done::secret_shown(state);
            }
        }
        Err(error) => {
            // A secret that did not reach the clipboard has not been handed over.
            if state.app.is_some()
                && label == done::copy_label(state, DoneFocus::Secret)
                && !state.done.revealed
            {
                state.done.secret_handed_over = false;
            }
            set_error(
                state,
                tf(
                    "status.copy_failed",
                    &[("label", label.as_str()), ("error", &error.to_string())],
                ),
            );
        }
    }
    Vec::new()
}

pub(super) fn clipboard_cleared(
    state: &mut WizardState,
    label: &str,
    cleared: bool,
) -> Vec<Effect> {
    let ours = state.clipboard.as_ref().is_some_and(|c| c.label == label);
    if cleared {
        if ours {
            state.clipboard = None;
        }
        set_info(state, tf("status.clipboard_cleared", &[("label", label)]));
    } else {
        if let (true, Some(notice)) = (ours, &mut state.clipboard) {
            notice.clears_in = None;
        }
        set_info(
            state,
            tf("status.clipboard_not_cleared", &[("label", label)]),
        );
    }
    Vec::new()
}

pub(super) fn browser_opened(
    state: &mut WizardState,
    result: Result<(), BrowserError>,
) -> Vec<Effect> {
    if let Err(error) = result {
        set_error(
            state,
            tf("status.browser_failed", &[("error", &error.to_string())]),
        );
    }
    Vec::new()
}
