//! The pseudo-terminal test binary: the real exowiz binary runs `exowiz demo` in a
//! pseudo-terminal, driven by keys, against the demo tenant. Unix only: the
//! pseudo-terminal helpers stand on Unix dev-dependencies (portable-pty, vt100, libc). Run one
//! module with `cargo test --test pty wizard_e2e::`.
#![cfg(unix)]

#[path = "../support/mod.rs"]
mod support;

mod demo_reset;
mod wizard_e2e;
mod wizard_jobs_e2e;
mod wizard_language;
mod wizard_picker_pty;
mod wizard_pty;
