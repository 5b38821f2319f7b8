//! What every job command starts with, written once: the demo tenant if asked for (kept
//! running as long as the command), where Microsoft is, the sign-in, the Graph client and the
//! store of saved registrations — the [`Tenant`] a job runs in.

use super::{Connection, Failure, demo, sign_in};
use exowiz::endpoints::Endpoints;
use exowiz::graph::GraphClient;
use exowiz::jobs::Tenant;
use exowiz::store::Store;

/// A signed-in command.
pub struct Session {
    pub endpoints: Endpoints,
    pub graph: GraphClient,
    pub tenant_id: String,
    /// `None` where no data directory can be used: nothing is saved or journalled then.
    pub store: Option<Store>,
    // The demo tenant lives as long as the command.
    _demo: Option<demo::DemoTenant>,
}

impl Session {
    /// Starts the demo tenant when `demo` is set (its sign-in is a device code), signs in and
    /// opens the store.
    pub async fn open(connection: &Connection, demo: bool) -> Result<Self, Failure> {
        let demo = if demo {
            Some(demo::start().await?)
        } else {
            None
        };
        let endpoints = match &demo {
            Some(tenant) => tenant.endpoints.clone(),
            None => connection.endpoints()?,
        };
        let (tokens, tenant_id) =
            sign_in::graph_token(connection, &endpoints, demo.is_some()).await?;
        let graph = GraphClient::new(&endpoints, tokens.access_token.clone())
            .with_wait_reporter(super::stderr_wait_reporter());
        Ok(Self {
            endpoints,
            graph,
            tenant_id,
            store: Store::open_default().ok(),
            _demo: demo,
        })
    }

    /// Where the jobs run.
    pub fn tenant(&self) -> Tenant<'_> {
        Tenant {
            graph: &self.graph,
            endpoints: &self.endpoints,
            store: self.store.as_ref(),
            tenant_id: &self.tenant_id,
        }
    }
}
