//! The wizard as a pure state machine: `Msg` in, `update` changes `WizardState` and returns
//! `Effect`s for the executor to run. No I/O and no terminal here, so every transition is
//! testable with plain unit tests.
//!
//! * `step`: the steps in the manuals' order and which ones a profile skips;
//! * `state`: everything the screens show;
//! * `msg`: what can happen (keys, paste, finished background jobs);
//! * `effect`: what the wizard asks the outside world to do;
//! * `jobs`: the background jobs' tickets and states, one slot per kind;
//! * `update`: the transitions;
//! * `picker`: the custom connector's permission picker;
//! * `dialog`: the one confirmation dialog with a highlighted button;
//! * `keymap`: the keys of each step — the same table handles keys and draws the key-help bar;
//! * `text_field`: single-line editing with a cursor.

pub mod dialog;
pub mod effect;
pub mod jobs;
pub mod keymap;
pub mod msg;
pub mod picker;
pub mod state;
pub mod step;
pub mod text_field;
pub mod update;

pub use effect::Effect;
pub use msg::Msg;
pub use state::WizardState;
pub use step::Step;
pub use update::update;
