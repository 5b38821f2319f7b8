//! Shared by the wizard's end-to-end tests.
#![allow(dead_code)]

#[cfg(unix)]
pub mod pty;
