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
