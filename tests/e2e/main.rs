//! The end-to-end test binary: the real exowiz binary and its library against the demo tenant
//! (or a scripted server where a fault must be scripted), one module per subject. One of four
//! test binaries (tests/e2e, tests/tenant, tests/screens, tests/pty); `test_layout` says which
//! holds what. Run one module with `cargo test --test e2e rotate_e2e::`.

#[path = "../support/mod.rs"]
mod support;

mod auth_errors;
mod auth_services;
mod auth_signin;
mod check_e2e;
mod clipboard;
mod closed_pipe;
mod consent_listener;
mod damaged_journal;
mod exchange_powershell;
mod fault_matrix;
mod gone_app;
mod graph_client;
mod graph_errors;
mod graph_idempotent;
mod graph_logging;
mod graph_operations;
mod graph_retry;
mod graph_schema;
mod graph_waits;
mod jobs_front_ends;
mod parsers_prop;
mod permission_catalog_e2e;
mod private_files;
mod product_fields_e2e;
mod proxy_tls;
mod register_app_name;
mod register_e2e;
mod register_errors;
mod register_faults;
mod resume_e2e;
mod resume_wizard;
mod rotate_e2e;
mod rotate_resume_e2e;
mod round_trips;
mod save_commands_e2e;
mod secret_hygiene;
mod secret_lifetime_e2e;
mod status_cli;
mod status_ews;
mod terminal_escapes;
mod test_layout;
mod verify_ews_e2e;
mod wizard_cli;
mod wizard_runtime;
