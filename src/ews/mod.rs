//! Exchange Web Services, as far as exowiz talks to it: a probe that proves an EWS connector's
//! app can open a mailbox (`probe`), the SOAP it sends and reads (`soap`), and a small XML
//! reader (`xml`) that the demo tenant's EWS uses too.

pub mod probe;
pub mod soap;
pub mod xml;

pub use probe::{EwsCause, EwsProbe, probe};
