//! The screens test binary: insta snapshots of every step (tests/screens/snapshots, named
//! `screens__<module>__<name>.snap`), no cut-off text at 80×24, and the SVG pictures of
//! `exowiz demo`. Run one module with `cargo test --test screens ui_snapshots::`.

#[path = "../support/mod.rs"]
mod support;

mod screenshots;
mod ui_no_cutoff;
mod ui_snapshots;
mod ui_snapshots_de;
