//! exowiz: register the Entra ID app that an Exchange-Online connector needs, grant consent,
//! hand over Tenant ID / Client ID / secret, and rotate the secret later.
//!
//! Layout (see DESIGN.md): `graph` talks to Microsoft Graph, `auth` signs in, `profile` holds
//! the connector profiles, `register` is the non-interactive registration engine, `permissions`
//! what an app asks for and what the tenant granted it (grants, consent), `check` compares
//! an existing registration with its profile and repairs it, `exchange` holds the Exchange
//! Online PowerShell exowiz hands over (and EWS's end), `store` keeps
//! saved registrations (never secrets), `wizard` is the wizard's
//! pure state machine, `ui` draws it, `tui` runs it in the terminal (event loop, effect
//! executor, terminal setup), `clipboard` copies with an OSC 52 fallback, `verify` proves that
//! a client secret works, `rotate` replaces an app's secret (`exowiz rotate`).
//!
//! The demo tenant is not part of the library: it is the crate crates/demo-tenant, which only the
//! binary (`exowiz demo`, `exowiz emulator`) and the tests use (`demo_tenant_boundary` checks it).

pub mod auth;
pub mod browser;
pub mod check;
pub mod clipboard;
#[cfg(test)]
mod demo_tenant_boundary;
pub mod domain;
pub mod endpoints;
pub mod error;
pub mod ews;
pub mod exchange;
pub mod graph;
pub mod i18n;
pub mod jobs;
pub mod logging;
#[cfg(test)]
mod module_layers;
pub mod net;
pub mod permissions;
pub mod printable;
pub mod private_files;
pub mod profile;
pub mod register;
pub mod rotate;
pub mod store;
pub mod tui;
pub mod ui;
pub mod verify;
pub mod wizard;
