//! What every step of one registration reads: the request, where to send it, where to record it.

use super::{RegisterEvent, RegisterRequest};
use crate::endpoints::Endpoints;
use crate::graph::GraphClient;
use crate::profile::{Api, Permission};
use crate::store::{SavedRegistration, Store};
use std::collections::BTreeSet;

/// The fixed inputs of a run, read by its steps.
pub(super) struct RunContext<'a> {
    pub graph: &'a GraphClient,
    pub endpoints: &'a Endpoints,
    pub tenant_id: &'a str,
    pub req: &'a RegisterRequest,
    pub on_event: &'a (dyn Fn(RegisterEvent) + Sync),
    /// The Graph base URL, the store's key beside tenant and profile.
    pub graph_url: String,
    /// The profile's permissions for the install mode.
    pub permissions: Vec<Permission>,
    /// The resource APIs those permissions belong to.
    pub apis: BTreeSet<Api>,
    /// The registration an earlier run saved for this tenant and profile.
    pub saved: Option<SavedRegistration>,
}

impl<'a> RunContext<'a> {
    pub fn new(
        graph: &'a GraphClient,
        endpoints: &'a Endpoints,
        tenant_id: &'a str,
        store: Option<&'a Store>,
        req: &'a RegisterRequest,
        on_event: &'a (dyn Fn(RegisterEvent) + Sync),
    ) -> Self {
        let permissions = req.profile.permissions_for(req.mode);
        let apis = permissions.iter().map(|p| p.api).collect();
        let graph_url = endpoints.graph.to_string();
        let saved = match store {
            Some(s) => s
                .find(tenant_id, &req.profile.id, &graph_url)
                .ok()
                .flatten(),
            None => None,
        };
        Self {
            graph,
            endpoints,
            tenant_id,
            req,
            on_event,
            graph_url,
            permissions,
            apis,
            saved,
        }
    }

    /// The client ID of the app this run is for, when one is known before anything is read:
    /// the one the admin named, else the interrupted run's, else the saved one.
    pub fn wanted_app_id(&self, resumed_client_id: Option<&str>) -> Option<String> {
        self.req
            .app_id
            .clone()
            .or_else(|| resumed_client_id.map(str::to_string))
            .or_else(|| self.saved.as_ref().map(|s| s.client_id.clone()))
    }
}
