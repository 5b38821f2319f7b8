//! The wizard in the terminal: the event loop (`runtime`), the effect executor (`executor`)
//! and terminal setup/restore (`terminal`). The wizard's logic (`crate::wizard`) and screens
//! (`crate::ui`) know nothing of this; this module knows nothing of what the screens show.
//!
//! ```text
//! terminal events ─┐
//!                  ├─> Msg ─> wizard::update(&mut state) ─> Vec<Effect> ─> Executor::run
//! finished jobs ───┘                 │                                          │
//!        ^                           └─> ui::draw (after the messages)          │
//!        └──────────────────── Msg (with the effect's ticket) <── tokio task ───┘
//! ```

pub mod app_list;
#[cfg(windows)]
mod console_ctrl;
pub mod executor;
pub mod permission_catalog;
pub mod runtime;
pub mod signals;
pub mod terminal;

pub use executor::{BrowserOpener, Control, Executor, ExecutorConfig};
pub use runtime::{RunError, RuntimeOptions, TICK, run};
pub use terminal::{TerminalGuard, not_a_terminal};
