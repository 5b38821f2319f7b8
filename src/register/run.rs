//! The registration itself, in as few sequential Graph round trips as the data dependencies
//! allow (graph-facts §7.3):
//!
//! 1. organisation, resource service principals, an existing app, the mailbox — all at once
//!    ([`super::tenant`]);
//! 2. create the app (or bring an existing one up to the profile) ([`super::app_step`]);
//! 3. the secret and the service principal, at once ([`super::secret_step`]);
//! 4. the grants (all at once), or, without `--grant-consent`, reading the grants
//!    ([`super::grant_step`]).
//!
//! Re-runs find the app (saved registration first, then the display name) instead of making a
//! second one.

use super::app_step::{AppReady, make_or_complete_app};
use super::context::RunContext;
use super::exowiz_apps::pick_app;
use super::grant_step::grant_or_read_grants;
use super::resume::Resume;
use super::save::save_registration;
use super::secret_step::{Credentials, add_secret_and_service_principal};
use super::tenant::{self, Tenant};
use super::{RegisterError, RegisterEvent, RegisterOutcome, RegisterRequest, notes};
use crate::endpoints::Endpoints;
use crate::graph::GraphClient;
use crate::i18n::tf;
use crate::permissions::{PermissionStatus, consent_url, resolve::resolve};
use crate::store::Store;
use crate::store::journal::RunJournal;

/// Registers (or completes) the app for `req` in the signed-in tenant.
///
/// With a store, the run keeps a journal ([`crate::store::journal`]) in the store's directory,
/// written after each step. A journal an interrupted run left is continued: its app is used
/// (found by object ID, so replication lag cannot hide it), secrets whose value was never
/// shown are removed before the new one is added, and a note says so. The outcome carries the
/// journal: the caller marks the secret shown once it handed the value over, then finishes it.
pub async fn register(
    graph: &GraphClient,
    endpoints: &Endpoints,
    tenant_id: &str,
    store: Option<&Store>,
    req: &RegisterRequest,
    on_event: &(dyn Fn(RegisterEvent) + Sync),
) -> Result<RegisterOutcome, RegisterError> {
    req.check()?;
    let cx = RunContext::new(graph, endpoints, tenant_id, store, req, on_event);
    let (mut journal, previous) = RunJournal::begin(
        store,
        tenant_id,
        &req.profile.id,
        &cx.graph_url,
        &req.app_name,
    )?;
    let resume = Resume::new(previous, req);
    let wanted_app_id = cx.wanted_app_id(resume.app().map(|a| a.client_id.as_str()));

    // Round trip 1: everything that depends on nothing.
    on_event(RegisterEvent::CheckingTenant);
    let mut tenant = tenant::read(&cx, &resume, wanted_app_id.as_deref()).await?;
    let resumed = resume.take_stock(&mut journal, &tenant.apps, on_event);
    let apps = std::mem::take(&mut tenant.apps);
    let found = pick_app(graph, req, apps, wanted_app_id.is_some(), &tenant.org_name).await?;
    let resolved = resolve(&cx.permissions, |api| tenant.resource(api))?;
    let mut notes = notes::missing_resources(&cx.apis, &tenant);

    // Round trip 2: the application (and removing the interrupted run's unshown secrets).
    let ready =
        make_or_complete_app(&cx, &mut journal, &resume, &resumed, found, &resolved).await?;
    // Round trip 3: the secret and the service principal.
    let existing_sp = ready.existing_sp.clone();
    let credentials =
        add_secret_and_service_principal(&cx, &mut journal, &ready.app, existing_sp).await?;
    if let Some(store) = store {
        save_registration(&cx, store, &tenant.org, &ready, &credentials, &mut notes);
    }
    // Round trip 4: grants.
    let permissions = grant_or_read_grants(
        &cx,
        &mut journal,
        &tenant,
        &ready,
        &credentials,
        &resolved,
        &mut notes,
    )
    .await?;

    let (removed, not_removed) = (ready.removed_keys.len(), &ready.not_removed);
    if let Some(note) = resume.note(&ready.app, resumed.app.is_some(), removed, not_removed) {
        notes.insert(0, note);
    }
    notes.extend(notes::about_the_request(req, &ready.app, &resolved));
    journal.record(|j| j.record_completed());
    if let Some(trouble) = journal.trouble() {
        notes.push(tf("register.journal_trouble", &[("trouble", trouble)]));
    }
    let finished = Finished {
        tenant,
        ready,
        credentials,
        permissions,
        notes,
        journal,
    };
    Ok(finished.into_outcome(&cx))
}

/// Everything a completed run hands over.
struct Finished {
    tenant: Tenant,
    ready: AppReady,
    credentials: Credentials,
    permissions: Vec<PermissionStatus>,
    notes: Vec<String>,
    journal: RunJournal,
}

impl Finished {
    fn into_outcome(self, cx: &RunContext<'_>) -> RegisterOutcome {
        let (req, app, sp) = (cx.req, &self.ready.app, &self.credentials.sp);
        let app_name = app
            .display_name
            .clone()
            .unwrap_or_else(|| req.app_name.clone());
        let exchange_commands = crate::exchange::for_profile(
            &req.profile,
            &app.app_id,
            Some(&sp.id),
            &app_name,
            req.mailbox.as_deref(),
        );
        let secret = self.credentials.secret;
        RegisterOutcome {
            tenant_id: cx.tenant_id.to_string(),
            tenant_name: self.tenant.org_name,
            consent_url: consent_url(cx.endpoints, cx.tenant_id, &app.app_id),
            client_id: app.app_id.clone(),
            app_object_id: app.id.clone(),
            app_name,
            service_principal_id: sp.id.clone(),
            created_app: self.ready.created,
            secret_end: secret.end.unwrap_or(self.credentials.end),
            secret,
            permissions: self.permissions,
            mailbox: req.mailbox.clone(),
            mailbox_check: self.tenant.mailbox_check,
            transfer_domains: self.tenant.transfer_domains,
            mail_domain: self.tenant.mail_domain,
            exchange_commands,
            notes: self.notes,
            journal: self.journal.into_inner(),
        }
    }
}
