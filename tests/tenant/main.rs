//! The demo tenant conformance test binary: the demo tenant (crates/demo-tenant) answers as
//! Entra, Graph and EWS document it, over loopback HTTP, to a plain HTTP client and to exowiz's
//! own clients. Run one module with `cargo test --test tenant emulator_graph::`.

#[path = "../support/mod.rs"]
mod support;

mod client_credentials_demo_tenant;
mod device_code_demo_tenant;
mod emulator_binary;
mod emulator_ews;
mod emulator_faults;
mod emulator_graph;
mod emulator_login;
mod emulator_public_urls;
mod emulator_schema;
mod emulator_state;
mod emulator_upsert;
mod graph_demo_tenant;
mod signin_demo_tenant;
