//! Shared by the wizard's end-to-end tests.
#![allow(dead_code)]

#[cfg(unix)]
pub mod pty;

#[cfg(unix)]
pub mod svg;

#[cfg(unix)]
pub mod drive;

#[cfg(target_os = "linux")]
pub mod process;
