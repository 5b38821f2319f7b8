//! Exchange Web Services, as far as exowiz talks to it: a probe that proves an EWS connector's
//! app can open a mailbox (`probe`), the SOAP it sends and reads (`soap`), and a small XML
//! reader (`xml`, the crate crates/xml, which the demo tenant's EWS uses too: reading XML is the
//! same job on both ends of the wire, unlike what exowiz sends and what the tenant answers).

pub mod probe;
pub mod soap;
/// The XML reader lives in its own crate so that the demo tenant can use it without the product.
pub use mini_xml as xml;

pub use probe::{EwsCause, EwsProbe, probe};
