//! Round trip 1 of a registration: everything that depends on nothing, read at once — the
//! organisation, the resource APIs' service principals, the app to continue or complete, the
//! mailbox — and the checks of the admin's input against them.

use super::context::RunContext;
use super::exowiz_apps::only_exowiz_apps;
use super::mailbox_and_domains::{check_mailbox, mail_domain, transfer_domains};
use super::resume::Resume;
use super::{MailboxCheck, RegisterError};
use crate::graph::{Application, Organization, ServicePrincipal};
use crate::profile::Api;

/// What round trip 1 found.
pub(super) struct Tenant {
    pub org: Organization,
    /// The organisation's display name, or "the tenant", for sentences.
    pub org_name: String,
    graph_sp: Option<ServicePrincipal>,
    exchange_sp: Option<ServicePrincipal>,
    /// The apps found for this run: the interrupted run's (by object ID), the one named or
    /// saved (by client ID), or exowiz's own of the app name.
    pub apps: Vec<Application>,
    pub mailbox_check: Option<MailboxCheck>,
    pub transfer_domains: Vec<(String, String)>,
    pub mail_domain: Option<String>,
}

impl Tenant {
    /// The resource API's service principal (`None`: the tenant has none, or none was needed).
    pub fn resource(&self, api: Api) -> Option<ServicePrincipal> {
        match api {
            Api::Graph => self.graph_sp.clone(),
            Api::Exchange => self.exchange_sp.clone(),
        }
    }
}

/// Reads the tenant for the run and checks the admin's mailbox and domains against it.
pub(super) async fn read(
    cx: &RunContext<'_>,
    resume: &Resume,
    wanted_app_id: Option<&str>,
) -> Result<Tenant, RegisterError> {
    let graph = cx.graph;
    let req = cx.req;
    let resource_sp = |api: Api| {
        let needed = cx.apis.contains(&api);
        async move {
            if needed {
                graph.find_service_principal_by_app_id(api.app_id()).await
            } else {
                Ok(None)
            }
        }
    };
    let existing_apps = async {
        if let Some(a) = resume.app() {
            // The app of the interrupted run, by object ID: a name search could miss an app
            // that is still replicating, and a second app would be made.
            if a.created_by_this_run {
                // Looked for a few seconds at most: an app a run recorded was answered by
                // Graph then, and one that still is not there is gone (issue 13), not worth
                // the two minutes a just-created object gets.
                let ago = super::gone::replication_age(
                    a.recorded,
                    graph.retry_policy().replication_window,
                );
                graph.remember_created_ago(&[&a.object_id, &a.client_id], ago);
                if let Some(sp) = &resume.service_principal_id {
                    graph.remember_created_ago(&[sp], ago);
                }
            }
            return match graph.get_application(&a.object_id).await {
                Ok(app) => Ok(vec![app]),
                Err(e) if e.is_not_found() => Ok(Vec::new()),
                Err(e) => Err(e),
            };
        }
        match wanted_app_id {
            Some(app_id) => Ok(graph
                .find_application_by_app_id(app_id)
                .await?
                .into_iter()
                .collect::<Vec<_>>()),
            None => graph.find_applications_by_name(&req.app_name).await,
        }
    };
    // An app found by its display name only is exowiz's when exowiz made it (its uniqueName);
    // anyone can give an app that name, and taking it over would escalate it (issue 14.4).
    let by_name_only = resume.app().is_none() && wanted_app_id.is_none();
    let mailbox_state = async {
        match &req.mailbox {
            Some(m) => graph.mailbox_state(m).await.map(Some),
            None => Ok(None),
        }
    };
    let (org, graph_sp, exchange_sp, existing_apps, mailbox_state) = tokio::join!(
        graph.organization(),
        resource_sp(Api::Graph),
        resource_sp(Api::Exchange),
        existing_apps,
        mailbox_state
    );
    let org = org?;
    let org_name = org
        .display_name
        .clone()
        .unwrap_or_else(|| "the tenant".to_string());
    let graph_sp = graph_sp?;
    let exchange_sp = exchange_sp?;
    let mut apps = existing_apps?;
    if by_name_only {
        apps = only_exowiz_apps(apps, req, &org_name)?;
    }
    let mailbox_check = check_mailbox(req, &org_name, mailbox_state)?;
    let transfer_domains = transfer_domains(req, &org)?;
    let mail_domain = mail_domain(req, &org)?;
    Ok(Tenant {
        org,
        org_name,
        graph_sp,
        exchange_sp,
        apps,
        mailbox_check,
        transfer_domains,
        mail_domain,
    })
}
