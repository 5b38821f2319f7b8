//! Exchange Web Services, as far as exowiz talks to it: a probe that proves an EWS connector's
//! app can open a mailbox (`probe`), the SOAP it sends and reads (`soap`), and a small XML
//! reader (`xml`, the crate crates/xml, which the demo tenant's EWS uses too: reading XML is the
//! same job on both ends of the wire, unlike what exowiz sends and what the tenant answers).

pub mod probe;
pub mod soap;
/// The XML reader lives in its own crate so that the demo tenant can use it without the product.
pub use mini_xml as xml;

pub use probe::{EwsCause, EwsProbe, probe};

use std::time::Duration;

use secrecy::SecretString;

use crate::endpoints::Endpoints;
use crate::i18n::t;

/// The EWS probe a verification runs for a profile: `None` when the profile does not use EWS
/// (nothing to probe), a skipped probe without a mailbox (`skipped_key` says why in the
/// caller's words), else the probe of `mailbox`.
#[allow(clippy::too_many_arguments)]
pub async fn probe_if_ews(
    uses_ews: bool,
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
    secret: &SecretString,
    mailbox: Option<&str>,
    patience: Duration,
    skipped_key: &str,
) -> Option<EwsProbe> {
    if !uses_ews {
        return None;
    }
    Some(match mailbox {
        None => EwsProbe::skipped(None, t(skipped_key).to_string()),
        Some(m) => probe(http, endpoints, tenant_id, client_id, secret, m, patience).await,
    })
}
