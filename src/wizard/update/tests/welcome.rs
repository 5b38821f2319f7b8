//! Welcome: the job (←/→) and the profile (↑/↓); Enter alone keeps the new registration.

use super::support::*;
use crate::wizard::keymap::{self, Action};
use crate::wizard::state::Job;
use crate::wizard::step::Step;
use crossterm::event::KeyCode;

#[test]
fn new_registration_is_the_default_job_and_enter_goes_to_sign_in() {
    let mut state = wizard("officemaster");
    assert_eq!(state.job, Job::NewRegistration);
    enter(&mut state);
    assert_eq!(state.step, Step::SignIn);
}

#[test]
fn left_and_right_change_the_job_and_stop_at_the_ends() {
    let mut state = wizard("officemaster");
    press(&mut state, KeyCode::Left);
    assert_eq!(state.job, Job::NewRegistration);
    press(&mut state, KeyCode::Right);
    assert_eq!(state.job, Job::RotateSecret);
    press(&mut state, KeyCode::Right);
    assert_eq!(state.job, Job::CheckRegistration);
    press(&mut state, KeyCode::Right);
    assert_eq!(state.job, Job::CheckRegistration);
    press(&mut state, KeyCode::Left);
    assert_eq!(state.job, Job::RotateSecret);
}

#[test]
fn changing_the_job_keeps_the_profile_and_up_down_still_choose_it() {
    let mut state = wizard("officemaster");
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.profile_index, 1);
    assert_eq!(state.job, Job::RotateSecret);
}

#[test]
fn the_key_bar_names_the_job_keys_on_welcome() {
    let state = wizard("officemaster");
    let bindings = keymap::bindings(&state);
    assert!(
        bindings
            .iter()
            .any(|b| b.action == Action::FocusNext && b.label_key == "key.choose_job")
    );
}

#[test]
fn rotate_and_check_start_with_the_sign_in_too() {
    for presses in [1, 2] {
        let mut state = wizard("officemaster");
        for _ in 0..presses {
            press(&mut state, KeyCode::Right);
        }
        enter(&mut state);
        assert_eq!(state.step, Step::SignIn);
    }
}

/// OfficeMaster's Transport filled in (Hybrid, a typed transfer mailbox, the domains), then back
/// to Welcome; returns the state on Welcome.
fn officemaster_filled_in_then_back_to_welcome() -> crate::wizard::state::WizardState {
    use crate::profile::InstallMode;
    let (mut state, _) = at("officemaster", Step::InstallType);
    press(&mut state, KeyCode::Down);
    assert_eq!(state.mode, InstallMode::Hybrid);
    enter(&mut state);
    assert_eq!(state.step, Step::Transport);
    retype(&mut state, "faxserver@contoso.com");
    assert_eq!(state.transport.domains.len(), 3);
    while state.step != Step::Welcome {
        let before = state.step;
        esc(&mut state);
        assert_ne!(state.step, before, "Esc goes back");
    }
    state
}

/// Issue 10.7: switching products clears what belongs to the old one. Review for myfactory
/// (no installation type, no transfer domains, its own optional mailbox) showed OfficeMaster's
/// Hybrid, transfer mailbox and domains; the registration would have been asked for them.
#[test]
fn switching_the_product_clears_what_belongs_to_the_old_one() {
    use crate::profile::InstallMode;
    for language in [
        crate::i18n::Language::English,
        crate::i18n::Language::German,
    ] {
        crate::i18n::with_language(language, || {
            let mut state = officemaster_filled_in_then_back_to_welcome();
            press(&mut state, KeyCode::Down);
            assert_eq!(state.profile().id, "myfactory");
            enter(&mut state);
            assert_eq!(
                state.mode,
                InstallMode::CloudOnly,
                "myfactory has no hybrid"
            );
            assert!(
                state.transport.domains.is_empty(),
                "myfactory has no domains"
            );
            assert!(
                state.transport.mailbox.is_empty(),
                "a transfer mailbox is not myfactory's Exchange account"
            );
            crate::wizard::update::go_to(&mut state, Step::Review);
            let request = crate::wizard::update::register_request(&state).unwrap();
            assert_eq!(request.mode, InstallMode::CloudOnly);
            assert_eq!(request.mailbox, None);
            assert!(request.transfer_domains.is_empty());
            let screen = words(&screen_text(&state, 100, 50));
            for gone in [
                crate::i18n::t("install_type.hybrid"),
                crate::i18n::t("review.domains"),
                "faxserver@contoso.com",
                "fax.",
            ] {
                assert!(!screen.contains(gone), "{gone:?} on {screen}");
            }
        });
    }
}

/// What both products have stays: a mailbox typed for one that asks for the same kind of
/// mailbox (OfficeMaster → moveIT: a mailbox of the connector's own), the installation type
/// where the new product has the choice too (back to OfficeMaster).
#[test]
fn switching_keeps_what_the_new_product_asks_for_too() {
    use crate::profile::InstallMode;
    let mut state = officemaster_filled_in_then_back_to_welcome();
    for _ in 0..3 {
        press(&mut state, KeyCode::Down);
    }
    assert_eq!(state.profile().id, "moveit");
    enter(&mut state);
    assert_eq!(state.transport.mailbox.value(), "faxserver@contoso.com");
    assert!(state.transport.domains.is_empty());
    assert_eq!(state.mode, InstallMode::CloudOnly, "moveIT has no hybrid");
    while state.step != Step::Welcome {
        esc(&mut state);
    }
    for _ in 0..3 {
        press(&mut state, KeyCode::Up);
    }
    assert_eq!(state.profile().id, "officemaster");
    enter(&mut state);
    assert_eq!(state.mode, InstallMode::CloudOnly, "cleared for moveIT");
    assert_eq!(state.transport.mailbox.value(), "faxserver@contoso.com");
}
