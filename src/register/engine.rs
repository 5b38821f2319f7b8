//! The registration itself, in as few sequential Graph round trips as the data dependencies
//! allow (graph-facts §7.3):
//!
//! 1. organisation, resource service principals, an existing app, the mailbox — all at once;
//! 2. create the app (or bring an existing one up to the profile);
//! 3. the secret and the service principal, at once;
//! 4. the grants (all at once), or, without `--grant-consent`, reading the grants.
//!
//! Re-runs find the app (saved registration first, then the display name) instead of making a
//! second one.

use super::resolve::{ResolvedPermission, resolve};
use super::{MailboxCheck, PermissionStatus, RegisterOutcome, RegisterRequest, validate};
use crate::endpoints::Endpoints;
use crate::graph::{
    Application, ApplicationPatch, GraphClient, GraphError, MailboxState, NewApplication,
    OAuth2PermissionGrant, RedirectUris, RequiredResourceAccess, ResourceAccess, ServicePrincipal,
};
use crate::i18n::{t, tf};
use crate::profile::{Api, PermissionType};
use crate::store::journal::{self, JournalApp, JournalEntry, RunJournal};
use crate::store::{SavedRegistration, SavedSecret, Store};
use chrono::{Months, SubsecRound, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Progress for the wizard's live checklist and for `--verbose` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegisterEvent {
    CheckingTenant,
    AppFound {
        client_id: String,
    },
    AppCreated {
        client_id: String,
    },
    AppUpdated,
    SecretCreated,
    ServicePrincipalReady {
        created: bool,
    },
    Granting {
        count: usize,
    },
    GrantsChecked {
        granted: usize,
        total: usize,
    },
    /// This run continues an interrupted one whose app was just looked for (before anything
    /// changes): `app_gone` when it no longer exists, and a new app is registered instead.
    Resuming {
        app_gone: bool,
    },
}

/// Why a registration failed: the jobs' one error type (`Input` for something the admin typed
/// or chose that does not fit the tenant).
pub type RegisterError = crate::error::JobError;

impl RegisterRequest {
    /// Checks that need no network, so a typo fails before sign-in.
    pub fn check(&self) -> Result<(), String> {
        validate::app_name(&self.app_name)?;
        validate::secret_months(self.secret_months)?;
        if let Some(id) = &self.app_id {
            validate::client_id(id)?;
        }
        if let Some(m) = &self.mailbox {
            validate::mailbox(m)?;
        } else if self.profile.needs_transfer_mailbox {
            return Err(tf(
                "register.needs_mailbox",
                &[("product", &self.profile.product)],
            ));
        }
        for (kind, name) in &self.transfer_domains {
            if !self.profile.transfer_domain_types.iter().any(|t| t == kind) {
                return Err(tf(
                    "register.no_such_domain_type",
                    &[("product", &self.profile.product), ("kind", kind)],
                ));
            }
            validate::domain_name(name)?;
        }
        let permissions = self.profile.permissions_for(self.mode);
        if permissions.is_empty() {
            return Err(tf(
                "register.no_permissions",
                &[("profile", &self.profile.id)],
            ));
        }
        Ok(())
    }
}

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
    req.check().map_err(RegisterError::Input)?;
    let profile = &req.profile;
    let permissions = profile.permissions_for(req.mode);
    let apis: BTreeSet<Api> = permissions.iter().map(|p| p.api).collect();
    let graph_url = endpoints.graph.to_string();
    let saved = match store {
        Some(s) => s.find(tenant_id, &profile.id, &graph_url).ok().flatten(),
        None => None,
    };
    let (mut journal, previous) =
        RunJournal::begin(store, tenant_id, &profile.id, &graph_url, &req.app_name)
            .map_err(RegisterError::Input)?;
    let resume = Resume::new(previous, req);
    let wanted_app_id = req
        .app_id
        .clone()
        .or_else(|| resume.app().map(|a| a.client_id.clone()))
        .or_else(|| saved.as_ref().map(|s| s.client_id.clone()));

    // Round trip 1: everything that depends on nothing.
    on_event(RegisterEvent::CheckingTenant);
    let resource_sp = |api: Api| {
        let needed = apis.contains(&api);
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
        match &wanted_app_id {
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
    let mut existing_apps = existing_apps?;
    if by_name_only {
        existing_apps = only_exowiz_apps(existing_apps, req, &org_name)?;
    }
    let mailbox_check = check_mailbox(req, &org_name, mailbox_state)?;
    let transfer_domains = transfer_domains(req, &org)?;
    let mail_domain = mail_domain(req, &org)?;

    // The interrupted run's app as Graph has it now (`None`: deleted meanwhile).
    let resumed_app = resume.app().and_then(|_| existing_apps.first().cloned());
    let app_gone = resume.app().is_some() && resumed_app.is_none();
    // Secrets the interrupted run added but never showed: the ones it recorded, and those of
    // an addPassword whose answer it did not live to record.
    let mut to_remove = resume.secrets_to_remove(&mut journal, resumed_app.as_ref());
    if resume.previous.is_some() {
        on_event(RegisterEvent::Resuming { app_gone });
    }
    if app_gone {
        // They went with their app: nothing to ask Graph (it would answer 404 for each).
        for (_, key_id) in to_remove.drain(..) {
            journal.record(|j| j.record_secret_removed(&key_id));
        }
    }

    if existing_apps.is_empty() && req.app_id.is_some() {
        return Err(RegisterError::Input(tf(
            "register.no_such_app",
            &[
                ("client_id", req.app_id.as_deref().unwrap_or_default()),
                ("org", &org_name),
            ],
        )));
    }
    if existing_apps.is_empty() && wanted_app_id.is_some() {
        // The saved app was deleted in the portal: look for one by name before creating one.
        existing_apps = only_exowiz_apps(
            graph.find_applications_by_name(&req.app_name).await?,
            req,
            &org_name,
        )?;
    }
    if existing_apps.len() > 1 {
        let ids: Vec<String> = existing_apps.iter().map(|a| a.app_id.clone()).collect();
        return Err(RegisterError::Input(tf(
            "register.several_apps",
            &[
                ("count", &existing_apps.len().to_string()),
                ("org", &org_name),
                ("name", &req.app_name),
                ("client_ids", &ids.join(", ")),
            ],
        )));
    }

    let sp_for = |api: Api| match api {
        Api::Graph => graph_sp.clone(),
        Api::Exchange => exchange_sp.clone(),
    };
    let resolved = resolve(&permissions, sp_for).map_err(RegisterError::Input)?;
    let mut notes = Vec::new();
    for api in &apis {
        if sp_for(*api).is_none() {
            notes.push(tf(
                "register.no_resource_added",
                &[("org", &org_name), ("api", api.display_name())],
            ));
        }
    }

    // Round trip 2: the application (and removing the interrupted run's unshown secrets).
    let wanted = desired_application(req, &resolved);
    let found = existing_apps.pop();
    // The service principal the interrupted run recorded for this very app.
    let resumed_sp_id = resume
        .service_principal_id
        .clone()
        .filter(|_| matches!((&found, &resumed_app), (Some(f), Some(r)) if f.id == r.id));
    // The key the app is created under: the interrupted run's (its create may have gone
    // through unseen), else a new one. Journaled before the request is sent.
    // A gone app's key is kept while the app could still be replicating (an upsert under it
    // then finds the app instead of making a second one); an app gone for longer than the
    // replication window was deleted, and its key is not used again.
    let long_gone = app_gone
        && resume.app().is_some_and(|a| {
            super::gone::older_than(a.recorded, graph.retry_policy().replication_window)
        });
    let unique_name = found.is_none().then(|| {
        let name = resume
            .unique_name
            .clone()
            .filter(|_| !long_gone)
            .unwrap_or_else(|| new_unique_name(&profile.id));
        journal.record(|j| j.record_unique_name(&name));
        journal::test_abort_point("unique_name");
        name
    });
    let app_step = async {
        match found {
            None => {
                let unique_name = unique_name.as_deref().unwrap_or_default();
                let app = graph.upsert_application(unique_name, &wanted).await?;
                on_event(RegisterEvent::AppCreated {
                    client_id: app.app_id.clone(),
                });
                Ok::<_, GraphError>((app, true, None))
            }
            Some(app) => {
                on_event(RegisterEvent::AppFound {
                    client_id: app.app_id.clone(),
                });
                let patch = patch_towards(&app, &wanted);
                let (patched, sp) = tokio::join!(
                    async {
                        match &patch {
                            Some(p) => graph.update_application(&app.id, p).await.map(|_| true),
                            None => Ok(false),
                        }
                    },
                    async {
                        match &resumed_sp_id {
                            Some(id) => match graph.get_service_principal(id).await {
                                Ok(sp) => Ok(Some(sp)),
                                Err(e) if e.is_not_found() => Ok(None),
                                Err(e) => Err(e),
                            },
                            None => graph.find_service_principal_by_app_id(&app.app_id).await,
                        }
                    }
                );
                if patched? {
                    on_event(RegisterEvent::AppUpdated);
                }
                Ok((app, false, sp?))
            }
        }
    };
    let removals = async {
        futures::future::join_all(to_remove.iter().map(|(object_id, key_id)| async move {
            (
                key_id.clone(),
                graph.remove_password(object_id, key_id).await,
            )
        }))
        .await
    };
    let (app_step, removals) = tokio::join!(app_step, removals);
    let mut removed_keys = BTreeSet::new();
    let mut not_removed = Vec::new();
    for (key_id, result) in removals {
        match result {
            // Gone already (removed in the portal, or the app was deleted): as good.
            Ok(()) => {
                removed_keys.insert(key_id.clone());
                journal.record(|j| j.record_secret_removed(&key_id));
            }
            Err(e) if e.is_not_found() => {
                journal.record(|j| j.record_secret_removed(&key_id));
            }
            Err(e) => {
                tracing::warn!(detail = %e.detail(), key_id, "an unshown secret was not removed");
                not_removed.push((key_id, e.to_string()));
            }
        }
    }
    let (app, created_app, existing_sp) = app_step?;
    // (A kill here leaves the app known to the journal by its uniqueName only.)
    journal::test_abort_point("app_unrecorded");
    journal.record(|j| j.record_app(&app.id, &app.app_id, created_app));
    journal::test_abort_point("app");

    // Round trip 3: the secret and the service principal. The end date is sent in whole
    // seconds, so that the journal's pending entry finds the secret of an addPassword whose
    // answer never arrived.
    let end = Utc::now()
        .trunc_subsecs(0)
        .checked_add_months(Months::new(req.secret_months))
        .unwrap_or_else(Utc::now);
    let description = format!("{} (exowiz)", profile.secret_description);
    journal.record(|j| j.record_secret_pending(&description, end));
    let add_secret = async {
        let first = graph.add_password(&app.id, &description, end).await;
        match first {
            Err(e) if outcome_unknown(&e) => {
                // Graph may have made the secret; its value reached nobody. Remove it, and
                // only when it was seen and removed ask once more.
                if remove_unseen_secret(graph, &app.id, &description, end).await {
                    graph.add_password(&app.id, &description, end).await
                } else {
                    Err(e)
                }
            }
            other => other,
        }
    };
    let (secret, sp) = tokio::join!(add_secret, async {
        match existing_sp.clone() {
            Some(sp) => Ok(sp),
            // The upsert: an existing service principal (an interrupted run made it, or
            // the answer was lost) is success, not "already exists".
            None => graph.upsert_service_principal(&app.app_id).await,
        }
    });
    if let Ok(s) = &secret {
        // (A kill here leaves the secret unknown but for the journal's pending entry.)
        journal::test_abort_point("secret_unrecorded");
        journal.record(|j| j.record_secret(&s.key_id, end));
        journal::test_abort_point("secret");
    }
    if let Ok(sp) = &sp {
        journal.record(|j| j.record_service_principal(&sp.id));
        journal::test_abort_point("service_principal");
    }
    let secret = secret?;
    on_event(RegisterEvent::SecretCreated);
    let sp = sp?;
    on_event(RegisterEvent::ServicePrincipalReady {
        created: existing_sp.is_none(),
    });

    if let Some(store) = store {
        let mut secrets = saved
            .as_ref()
            .filter(|s| s.client_id == app.app_id)
            .map(|s| s.secrets.clone())
            .unwrap_or_default();
        secrets.retain(|s| !removed_keys.contains(&s.key_id));
        secrets.push(SavedSecret {
            key_id: secret.key_id.clone(),
            display_name: Some(description.clone()),
            hint: secret.hint.clone(),
            end_date_time: secret.end.unwrap_or(end),
        });
        let record = SavedRegistration {
            tenant_id: tenant_id.to_string(),
            tenant_name: org.display_name.clone(),
            profile: profile.id.clone(),
            app_name: app
                .display_name
                .clone()
                .unwrap_or_else(|| req.app_name.clone()),
            client_id: app.app_id.clone(),
            app_object_id: app.id.clone(),
            service_principal_id: Some(sp.id.clone()),
            secrets,
            graph_url: graph_url.clone(),
            updated: Utc::now(),
            adopted: false,
            uses_ews: Some(crate::exchange::ews::profile_uses_ews(profile)),
            mailbox: req.mailbox.clone(),
            unknown: Default::default(),
        };
        if let Err(e) = store.upsert(record) {
            notes.push(tf(
                "register.not_saved",
                &[
                    ("path", &store.path().display().to_string()),
                    ("error", &e.to_string()),
                ],
            ));
        }
    }

    // Round trip 4: grants.
    let granted = grants(
        graph,
        &sp,
        existing_sp.is_none(),
        &resolved,
        &sp_for,
        req.grant_consent,
        on_event,
        &mut notes,
    )
    .await?;
    journal.record(|j| j.record_grants());
    journal::test_abort_point("grants");
    let permissions: Vec<PermissionStatus> = resolved
        .iter()
        .map(|r| PermissionStatus {
            api: r.permission.api,
            name: r.permission.name.clone(),
            kind: r.permission.kind,
            id: r.id.clone(),
            description: r.description.clone(),
            granted: granted.contains(&(r.permission.api, r.id.clone())),
        })
        .collect();
    on_event(RegisterEvent::GrantsChecked {
        granted: permissions.iter().filter(|p| p.granted).count(),
        total: permissions.len(),
    });

    if let Some(note) = resume.note(
        &app,
        resumed_app.is_some(),
        removed_keys.len(),
        &not_removed,
    ) {
        notes.insert(0, note);
    }
    if crate::exchange::ews::profile_uses_ews(profile) {
        notes.push(tf(
            "register.uses_ews",
            &[
                ("product", &profile.product),
                ("date", &crate::exchange::ews::shutdown_long_date()),
            ],
        ));
    }
    // Hybrid: the manual names no permissions for it; leaving out the cloud address-book
    // permissions is exowiz's own least-privilege reading of its lines 121–124 (the local AD
    // is the address book), said where it happens.
    let left_out: Vec<String> = profile
        .permissions
        .iter()
        .filter(|p| !profile.permissions_for(req.mode).contains(p))
        .map(|p| p.name.clone())
        .collect();
    if req.mode == crate::profile::InstallMode::Hybrid && !left_out.is_empty() {
        notes.push(tf(
            "register.hybrid_left_out",
            &[
                ("permissions", &left_out.join(", ")),
                ("client_id", &app.app_id),
            ],
        ));
    }
    if let Some(note) = validate::long_secret_note(req.secret_months) {
        notes.push(note);
    }
    if resolved.iter().any(|r| r.from_fallback) {
        notes.push(t("register.fallback_ids").to_string());
    }
    journal.record(|j| j.record_completed());
    if let Some(trouble) = journal.trouble() {
        notes.push(tf("register.journal_trouble", &[("trouble", trouble)]));
    }
    let app_name = app
        .display_name
        .clone()
        .unwrap_or_else(|| req.app_name.clone());
    let exchange_commands = crate::exchange::for_profile(
        profile,
        &app.app_id,
        Some(&sp.id),
        &app_name,
        req.mailbox.as_deref(),
    );
    Ok(RegisterOutcome {
        tenant_id: tenant_id.to_string(),
        tenant_name: org_name.clone(),
        consent_url: consent_url(endpoints, tenant_id, &app.app_id),
        client_id: app.app_id.clone(),
        app_object_id: app.id.clone(),
        app_name,
        service_principal_id: sp.id.clone(),
        created_app,
        secret_end: secret.end.unwrap_or(end),
        secret,
        permissions,
        mailbox: req.mailbox.clone(),
        mailbox_check,
        transfer_domains,
        mail_domain,
        exchange_commands,
        notes,
        journal: journal.into_inner(),
    })
}

/// What an interrupted run left, as far as this run continues it.
struct Resume {
    previous: Option<JournalEntry>,
    /// The interrupted run's app, when this run is for the same app (same name, or the
    /// `--app-id` names it).
    app: Option<JournalApp>,
    service_principal_id: Option<String>,
    /// The key the interrupted run created (or was about to create) its app under, when this
    /// run is for the same app name.
    unique_name: Option<String>,
}

impl Resume {
    fn new(previous: Option<JournalEntry>, req: &RegisterRequest) -> Self {
        let app = previous.as_ref().and_then(|p| {
            let a = p.app.clone()?;
            let same = match &req.app_id {
                Some(id) => id.trim().eq_ignore_ascii_case(&a.client_id),
                None => p.app_name.trim().eq_ignore_ascii_case(req.app_name.trim()),
            };
            same.then_some(a)
        });
        let unique_name = previous
            .as_ref()
            .filter(|p| {
                req.app_id.is_none() && p.app_name.trim().eq_ignore_ascii_case(req.app_name.trim())
            })
            .and_then(|p| p.unique_name.clone());
        let service_principal_id = app
            .as_ref()
            .and(previous.as_ref())
            .and_then(|p| p.service_principal_id.clone());
        Self {
            previous,
            app,
            service_principal_id,
            unique_name,
        }
    }

    fn app(&self) -> Option<&JournalApp> {
        self.app.as_ref()
    }

    /// (app object ID, key ID) of every secret to remove before the new one is added: the
    /// unshown secrets the journal recorded, and the secrets of a pending addPassword found on
    /// the app (`resumed_app`) by display name and end date. Those are recorded as unshown
    /// secrets first, so a failed removal is tried again next time.
    fn secrets_to_remove(
        &self,
        journal: &mut RunJournal,
        resumed_app: Option<&Application>,
    ) -> Vec<(String, String)> {
        let Some(previous) = &self.previous else {
            return Vec::new();
        };
        let Some(object_id) = previous.app.as_ref().map(|a| a.object_id.clone()) else {
            return Vec::new();
        };
        let credentials = resumed_app.map_or(&[][..], |a| &a.password_credentials[..]);
        let keys = journal.unseen_secret_keys(previous, credentials);
        keys.into_iter().map(|k| (object_id.clone(), k)).collect()
    }

    /// "An interrupted run of … was continued: …" for the outcome's notes.
    fn note(
        &self,
        app: &Application,
        resumed_app_found: bool,
        removed: usize,
        not_removed: &[(String, String)],
    ) -> Option<String> {
        let previous = self.previous.as_ref()?;
        let when = crate::i18n::date_time_utc(previous.started);
        let mut parts = Vec::new();
        match (&previous.app, &self.app) {
            (Some(a), Some(_)) if resumed_app_found && a.object_id == app.id => {
                let args = [
                    (
                        "name",
                        app.display_name.as_deref().unwrap_or(&previous.app_name),
                    ),
                    ("client_id", app.app_id.as_str()),
                ];
                parts.push(if a.created_by_this_run {
                    tf("register.resume_created_completed", &args)
                } else {
                    tf("register.resume_found_completed", &args)
                });
            }
            (Some(a), Some(_)) => parts.push(tf(
                "register.resume_app_gone",
                &[("old_client_id", &a.client_id), ("client_id", &app.app_id)],
            )),
            (Some(a), None) => parts.push(tf(
                "register.resume_app_left",
                &[("name", &previous.app_name), ("client_id", &a.client_id)],
            )),
            (None, _) => {}
        }
        match removed {
            0 => {}
            1 => parts.push(t("register.resume_removed_one").to_string()),
            n => parts.push(tf(
                "register.resume_removed_many",
                &[("count", &n.to_string())],
            )),
        }
        for (key_id, why) in not_removed {
            parts.push(tf(
                "register.resume_not_removed",
                &[("key_id", key_id), ("why", why)],
            ));
        }
        if parts.is_empty() {
            parts.push(t("register.resume_nothing").to_string());
        }
        Some(tf(
            "register.resume_note",
            &[("when", &when), ("parts", &parts.join("; "))],
        ))
    }
}

/// A write that failed in a way that says nothing about whether Graph carried it out.
fn outcome_unknown(e: &GraphError) -> bool {
    matches!(
        e.kind(),
        crate::graph::ErrorKind::Server | crate::graph::ErrorKind::Network
    )
}

/// After an `addPassword` whose answer was lost: removes the secret(s) of this description and
/// end date (whole seconds) that the request made. True when one was found and every one was
/// removed — then a fresh `addPassword` cannot leave a second unseen secret. False when none is
/// visible (maybe never made, maybe still replicating) or a removal failed: the journal's
/// pending entry stays, and the next run removes it.
async fn remove_unseen_secret(
    graph: &GraphClient,
    app_object_id: &str,
    description: &str,
    end: chrono::DateTime<Utc>,
) -> bool {
    let Ok(app) = graph.get_application(app_object_id).await else {
        return false;
    };
    let end = end.trunc_subsecs(0);
    let stray: Vec<&str> = app
        .password_credentials
        .iter()
        .filter(|c| {
            c.display_name.as_deref() == Some(description)
                && c.end_date_time.map(|e| e.trunc_subsecs(0)) == Some(end)
        })
        .map(|c| c.key_id.as_str())
        .collect();
    if stray.is_empty() {
        return false;
    }
    for key_id in stray {
        match graph.remove_password(app_object_id, key_id).await {
            Ok(()) => tracing::info!(key_id, "removed a secret whose answer was lost"),
            Err(e) if e.is_not_found() => {}
            Err(_) => return false,
        }
    }
    true
}

/// Prefix of the `uniqueName` of every app exowiz creates: it marks the app as exowiz's in
/// the tenant itself, so a later run (on any machine) may bring it up to date.
pub const UNIQUE_NAME_PREFIX: &str = "exowiz-";

/// `exowiz-<profile>-<random>`: a fresh key for a new app (the random part keeps two
/// registrations of one profile apart).
fn new_unique_name(profile_id: &str) -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!("{UNIQUE_NAME_PREFIX}{profile_id}-{}", &random[..12])
}

/// Whether exowiz made `app` (its uniqueName carries exowiz's prefix).
pub fn made_by_exowiz(app: &Application) -> bool {
    app.unique_name
        .as_deref()
        .is_some_and(|n| n.starts_with(UNIQUE_NAME_PREFIX))
}

/// The apps of a name search exowiz may adopt: only those it made. When the name belongs to
/// apps exowiz did not make and none of its own, stop with a sentence naming `--app-id`
/// (naming an app by its ID is the admin's explicit choice to adopt it).
fn only_exowiz_apps(
    apps: Vec<Application>,
    req: &RegisterRequest,
    org_name: &str,
) -> Result<Vec<Application>, RegisterError> {
    let (ours, foreign): (Vec<_>, Vec<_>) = apps.into_iter().partition(made_by_exowiz);
    if ours.is_empty() && !foreign.is_empty() {
        let ids: Vec<&str> = foreign.iter().map(|a| a.app_id.as_str()).collect();
        return Err(RegisterError::Input(tf(
            "register.foreign_app",
            &[
                ("org", org_name),
                ("name", &req.app_name),
                ("client_ids", &ids.join(", ")),
            ],
        )));
    }
    Ok(ours)
}

/// The admin-consent link (v1 endpoint: grants everything the app requests, graph-facts §3).
/// The state only lets a browser callback be matched; the link carries no redirect URI, so
/// Entra shows its own result page and exowiz reads the grants from Graph.
pub fn consent_url(endpoints: &Endpoints, tenant_id: &str, client_id: &str) -> String {
    crate::auth::admin_consent_url(
        endpoints,
        tenant_id,
        client_id,
        Some(crate::auth::CONSENT_REDIRECT_URI),
        "exowiz",
    )
    .to_string()
}

/// Stops on a mailbox that is certainly not there (typo, no Exchange mailbox); a check that
/// could not be made does not stop the registration, it is reported with its reason.
fn check_mailbox(
    req: &RegisterRequest,
    org_name: &str,
    state: Result<Option<MailboxState>, GraphError>,
) -> Result<Option<MailboxCheck>, RegisterError> {
    let Some(mailbox) = &req.mailbox else {
        return Ok(None);
    };
    let args = [("mailbox", mailbox.as_str()), ("org", org_name)];
    let check = |outcome, key| {
        Ok(Some(MailboxCheck {
            outcome,
            detail: tf(key, &args),
        }))
    };
    match state {
        Ok(None) => Ok(None),
        Ok(Some(MailboxState::Exists)) => check("mailbox", "register.mailbox_found"),
        Ok(Some(MailboxState::Shared)) => check("shared_mailbox", "register.mailbox_shared"),
        Ok(Some(MailboxState::NoSuchUser)) => {
            Err(RegisterError::Input(tf("register.no_mailbox_user", &args)))
        }
        Ok(Some(MailboxState::NoMailbox)) => {
            Err(RegisterError::Input(tf("register.no_mailbox", &args)))
        }
        Err(e) => Ok(Some(MailboxCheck {
            outcome: "not_checked",
            detail: tf(
                "register.mailbox_not_checked",
                &[("mailbox", mailbox), ("reason", &e.to_string())],
            ),
        })),
    }
}

/// The mail domain the product asks for: the one the admin picked, which must be one of the
/// tenant's verified domains, else the verified default domain (Graph `/organization`
/// `verifiedDomains`, `isDefault`: learn.microsoft.com/graph/api/resources/verifieddomain).
fn mail_domain(
    req: &RegisterRequest,
    org: &crate::graph::Organization,
) -> Result<Option<String>, RegisterError> {
    if !req.profile.needs_mail_domain {
        return Ok(None);
    }
    let Some(wanted) = &req.mail_domain else {
        return Ok(org.default_domain().map(str::to_string));
    };
    let wanted = wanted.trim().trim_end_matches('.');
    match org
        .verified_domains
        .iter()
        .find(|d| d.name.eq_ignore_ascii_case(wanted))
    {
        Some(d) => Ok(Some(d.name.clone())),
        None => {
            let known: Vec<&str> = org
                .verified_domains
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            Err(RegisterError::Input(tf(
                "register.not_a_verified_domain",
                &[("domain", wanted), ("domains", &known.join(", "))],
            )))
        }
    }
}

/// The transfer domains to hand over: the ones given, else the shorter defaults from the
/// organisation's name. None may be one of the tenant's own mail domains, or mail to real users would be caught.
fn transfer_domains(
    req: &RegisterRequest,
    org: &crate::graph::Organization,
) -> Result<Vec<(String, String)>, RegisterError> {
    let mut out = Vec::new();
    for kind in &req.profile.transfer_domain_types {
        let name = req
            .transfer_domains
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, n)| n.clone())
            // The one rule shared with the wizard (validate::transfer_domain_default).
            .unwrap_or_else(|| {
                validate::transfer_domain_default(
                    org.display_name.as_deref().unwrap_or_default(),
                    kind,
                )
                .0
            });
        if org
            .verified_domains
            .iter()
            .any(|d| d.name.eq_ignore_ascii_case(&name))
        {
            return Err(RegisterError::Input(tf(
                "register.own_domain",
                &[
                    ("domain", &name),
                    (
                        "org",
                        org.display_name
                            .as_deref()
                            .unwrap_or(t("register.the_tenant")),
                    ),
                    ("kind", kind),
                ],
            )));
        }
        out.push((kind.clone(), name));
    }
    Ok(out)
}

/// The application as the profile wants it.
fn desired_application(req: &RegisterRequest, resolved: &[ResolvedPermission]) -> NewApplication {
    let profile = &req.profile;
    let uris =
        |list: &Vec<String>| (!list.is_empty()).then(|| RedirectUris::new(list.iter().cloned()));
    NewApplication {
        sign_in_audience: profile.sign_in_audience,
        is_fallback_public_client: Some(profile.allow_public_client_flows),
        public_client: uris(&profile.redirect_uris.public_client),
        web: Some(RedirectUris::new(with_consent_redirect(
            &profile.redirect_uris.web,
        ))),
        required_resource_access: required_resource_access(resolved),
        ..NewApplication::single_tenant(req.app_name.clone())
    }
}

fn required_resource_access(resolved: &[ResolvedPermission]) -> Vec<RequiredResourceAccess> {
    let mut by_api: BTreeMap<Api, Vec<ResourceAccess>> = BTreeMap::new();
    for r in resolved {
        by_api
            .entry(r.permission.api)
            .or_default()
            .push(ResourceAccess {
                id: r.id.clone(),
                kind: r.permission.kind.graph_kind(),
            });
    }
    by_api
        .into_iter()
        .map(|(api, resource_access)| RequiredResourceAccess {
            resource_app_id: api.app_id().to_string(),
            resource_access,
        })
        .collect()
}

/// What must change on an existing app so that it has at least what the profile needs.
/// Nothing the admin added by hand is taken away.
/// Adds to `rra` whatever of `wanted` it lacks (same resource, same permission id and type);
/// true when something was added. Nothing is ever taken away: permissions an admin added by
/// hand stay. Shared by re-runs (`patch_towards`) and `check --fix`.
pub fn add_resource_access(
    rra: &mut Vec<RequiredResourceAccess>,
    wanted: &RequiredResourceAccess,
) -> bool {
    match rra.iter_mut().find(|r| {
        r.resource_app_id
            .eq_ignore_ascii_case(&wanted.resource_app_id)
    }) {
        Some(have) => {
            let mut added = false;
            for access in &wanted.resource_access {
                if !have
                    .resource_access
                    .iter()
                    .any(|a| a.id.eq_ignore_ascii_case(&access.id) && a.kind == access.kind)
                {
                    have.resource_access.push(access.clone());
                    added = true;
                }
            }
            added
        }
        None => {
            rra.push(wanted.clone());
            true
        }
    }
}

/// The profile's web redirect URIs plus the one the consent link needs (every profile, also
/// those that register none, e.g. moveIT and custom: without it the link ends in an Entra error).
fn with_consent_redirect(web: &[String]) -> Vec<String> {
    let mut uris = web.to_vec();
    if !uris.iter().any(|u| u == crate::auth::CONSENT_REDIRECT_URI) {
        uris.push(crate::auth::CONSENT_REDIRECT_URI.to_string());
    }
    uris
}

/// `have` plus whatever of `want` is missing; `None` when nothing is missing.
fn merged_uris(have: Option<&RedirectUris>, want: &RedirectUris) -> Option<RedirectUris> {
    let mut uris = have.map(|p| p.redirect_uris.clone()).unwrap_or_default();
    let before = uris.len();
    for u in &want.redirect_uris {
        if !uris.contains(u) {
            uris.push(u.clone());
        }
    }
    (uris.len() != before).then(|| RedirectUris::new(uris))
}

fn patch_towards(app: &Application, wanted: &NewApplication) -> Option<ApplicationPatch> {
    let mut patch = ApplicationPatch::default();
    let mut rra = app.required_resource_access.clone();
    let mut rra_changed = false;
    for want in &wanted.required_resource_access {
        rra_changed |= add_resource_access(&mut rra, want);
    }
    if rra_changed {
        patch.required_resource_access = Some(rra);
    }
    if let Some(want) = &wanted.public_client {
        patch.public_client = merged_uris(app.public_client.as_ref(), want);
    }
    if let Some(want) = &wanted.web {
        patch.web = merged_uris(app.web.as_ref(), want);
    }
    if wanted.is_fallback_public_client == Some(true) && app.is_fallback_public_client != Some(true)
    {
        patch.is_fallback_public_client = Some(true);
    }
    (patch != ApplicationPatch::default()).then_some(patch)
}

/// One permission as the grant logic sees it (from the engine's resolved list or from the
/// wizard's `PermissionStatus` list).
#[derive(Debug, Clone, Copy)]
struct Wanted<'a> {
    api: Api,
    kind: PermissionType,
    id: &'a str,
    name: &'a str,
}

impl<'a> From<&'a ResolvedPermission> for Wanted<'a> {
    fn from(r: &'a ResolvedPermission) -> Self {
        Wanted {
            api: r.permission.api,
            kind: r.permission.kind,
            id: &r.id,
            name: &r.permission.name,
        }
    }
}

impl<'a> From<&'a PermissionStatus> for Wanted<'a> {
    fn from(p: &'a PermissionStatus) -> Self {
        Wanted {
            api: p.api,
            kind: p.kind,
            id: &p.id,
            name: &p.name,
        }
    }
}

/// (api, permission id) pairs the tenant has granted.
type Granted = BTreeSet<(Api, String)>;

/// Which of `permissions` the tenant has granted to the app's service principal
/// `service_principal_id` — the same reading `register` does without `--grant-consent`. The
/// wizard's consent step polls this while the admin uses the consent link.
pub async fn read_grants(
    graph: &GraphClient,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
) -> Result<Vec<PermissionStatus>, GraphError> {
    let resources = resource_service_principals(graph, permissions).await?;
    read_grants_with(graph, service_principal_id, permissions, &resources).await
}

/// [`read_grants`] for a caller that has read the resource APIs' service principals already
/// (`check` does, to name the permissions): one Graph round trip fewer.
pub async fn read_grants_with(
    graph: &GraphClient,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
    resources: &BTreeMap<Api, ServicePrincipal>,
) -> Result<Vec<PermissionStatus>, GraphError> {
    let sp_for = |api: Api| resources.get(&api).cloned();
    let wanted: Vec<Wanted> = permissions.iter().map(Wanted::from).collect();
    let (granted, _) = read_granted(graph, service_principal_id, &wanted, &sp_for).await?;
    Ok(with_granted(permissions, &granted))
}

/// Grants the permissions the tenant has not granted yet (admin consent from the tool), the
/// way `register --grant-consent` does. Returns every permission's status afterwards and one
/// sentence per grant that failed (or could not be made because the API has no service
/// principal in the tenant).
pub async fn grant_consent(
    graph: &GraphClient,
    service_principal_id: &str,
    permissions: &[PermissionStatus],
) -> Result<(Vec<PermissionStatus>, Vec<String>), GraphError> {
    let resources = resource_service_principals(graph, permissions).await?;
    let sp_for = |api: Api| resources.get(&api).cloned();
    let wanted: Vec<Wanted> = permissions.iter().map(Wanted::from).collect();
    let (mut granted, delegated) =
        read_granted(graph, service_principal_id, &wanted, &sp_for).await?;
    let mut notes = Vec::new();
    grant_missing(
        graph,
        service_principal_id,
        &wanted,
        &mut granted,
        &delegated,
        &sp_for,
        &|_| {},
        &mut notes,
    )
    .await;
    let apis: BTreeSet<Api> = permissions.iter().map(|p| p.api).collect();
    for api in apis {
        if sp_for(api).is_none() {
            notes.push(tf("register.no_resource", &[("api", api.display_name())]));
        }
    }
    Ok((with_granted(permissions, &granted), notes))
}

/// The resource APIs' service principals (Microsoft Graph, Exchange Online) the permissions
/// belong to; an API the tenant lacks is left out.
async fn resource_service_principals(
    graph: &GraphClient,
    permissions: &[PermissionStatus],
) -> Result<BTreeMap<Api, ServicePrincipal>, GraphError> {
    let apis: BTreeSet<Api> = permissions.iter().map(|p| p.api).collect();
    let found = futures::future::join_all(apis.into_iter().map(|api| async move {
        (
            api,
            graph.find_service_principal_by_app_id(api.app_id()).await,
        )
    }))
    .await;
    let mut out = BTreeMap::new();
    for (api, sp) in found {
        if let Some(sp) = sp? {
            out.insert(api, sp);
        }
    }
    Ok(out)
}

fn with_granted(permissions: &[PermissionStatus], granted: &Granted) -> Vec<PermissionStatus> {
    permissions
        .iter()
        .map(|p| PermissionStatus {
            granted: granted.contains(&(p.api, p.id.clone())),
            ..p.clone()
        })
        .collect()
}

/// Grants (when asked) and returns the set of (api, permission id) the tenant has granted.
#[allow(clippy::too_many_arguments)]
async fn grants(
    graph: &GraphClient,
    sp: &ServicePrincipal,
    sp_is_new: bool,
    resolved: &[ResolvedPermission],
    sp_for: &(dyn Fn(Api) -> Option<ServicePrincipal> + Sync),
    grant: bool,
    on_event: &(dyn Fn(RegisterEvent) + Sync),
    notes: &mut Vec<String>,
) -> Result<Granted, RegisterError> {
    let wanted: Vec<Wanted> = resolved.iter().map(Wanted::from).collect();
    // What is granted already (a brand-new service principal has nothing).
    let (mut granted, delegated_grants) = if !sp_is_new || !grant {
        read_granted(graph, &sp.id, &wanted, sp_for).await?
    } else {
        (Granted::new(), Vec::new())
    };
    if !grant {
        return Ok(granted);
    }
    grant_missing(
        graph,
        &sp.id,
        &wanted,
        &mut granted,
        &delegated_grants,
        sp_for,
        on_event,
        notes,
    )
    .await;
    Ok(granted)
}

/// Reads the app role assignments and delegated grants of the client service principal and
/// returns which of `wanted` they cover, plus the delegated grants (to extend them).
async fn read_granted(
    graph: &GraphClient,
    client_sp_id: &str,
    wanted: &[Wanted<'_>],
    sp_for: &(dyn Fn(Api) -> Option<ServicePrincipal> + Sync),
) -> Result<(Granted, Vec<OAuth2PermissionGrant>), GraphError> {
    let (roles, delegated) = tokio::join!(
        graph.list_app_role_assignments(client_sp_id),
        graph.list_delegated_grants(client_sp_id)
    );
    let roles = roles?;
    let delegated_grants = delegated?;
    let mut granted = Granted::new();
    for w in wanted {
        let Some(resource) = sp_for(w.api) else {
            continue;
        };
        let has = match w.kind {
            PermissionType::Application => roles.iter().any(|a| {
                a.app_role_id == w.id && a.resource_id.as_deref() == Some(resource.id.as_str())
            }),
            PermissionType::Delegated => delegated_grants
                .iter()
                .any(|g| g.resource_id == resource.id && g.scopes().contains(&w.name)),
        };
        if has {
            granted.insert((w.api, w.id.to_string()));
        }
    }
    Ok((granted, delegated_grants))
}

/// Grants every permission of `wanted` that is not in `granted` and whose API exists in the
/// tenant, adding what succeeded to `granted`. A failed grant becomes a note: it leaves a
/// working app without consent, so the admin gets the consent link rather than an error that
/// throws the app and its secret away.
#[allow(clippy::too_many_arguments)]
async fn grant_missing(
    graph: &GraphClient,
    client_sp_id: &str,
    wanted: &[Wanted<'_>],
    granted: &mut Granted,
    delegated_grants: &[OAuth2PermissionGrant],
    sp_for: &(dyn Fn(Api) -> Option<ServicePrincipal> + Sync),
    on_event: &(dyn Fn(RegisterEvent) + Sync),
    notes: &mut Vec<String>,
) {
    let missing: Vec<&Wanted> = wanted
        .iter()
        .filter(|w| !granted.contains(&(w.api, w.id.to_string())))
        .filter(|w| sp_for(w.api).is_some())
        .collect();
    if missing.is_empty() {
        return;
    }
    on_event(RegisterEvent::Granting {
        count: missing.len(),
    });

    let role_jobs = missing
        .iter()
        .filter(|w| w.kind == PermissionType::Application)
        .map(|w| {
            let resource = sp_for(w.api).expect("filtered above");
            async move {
                let result = graph
                    .assign_app_role_of(&resource, client_sp_id, w.id)
                    .await;
                ((w.api, w.id.to_string()), result.map(|_| ()))
            }
        });
    // One delegated grant per resource, holding all its scopes.
    let mut scopes_by_api: BTreeMap<Api, Vec<&Wanted>> = BTreeMap::new();
    for w in missing
        .iter()
        .filter(|w| w.kind == PermissionType::Delegated)
    {
        scopes_by_api.entry(w.api).or_default().push(w);
    }
    let delegated_jobs = scopes_by_api.into_iter().map(|(api, perms)| {
        let resource = sp_for(api).expect("filtered above");
        let existing = delegated_grants
            .iter()
            .find(|g| g.resource_id == resource.id)
            .cloned();
        async move {
            let mut scopes: Vec<String> = existing
                .as_ref()
                .map(|g| g.scopes().into_iter().map(str::to_string).collect())
                .unwrap_or_default();
            for p in &perms {
                if !scopes.iter().any(|s| s == p.name) {
                    scopes.push(p.name.to_string());
                }
            }
            let result = match &existing {
                Some(g) => graph.update_delegated_grant(&g.id, &scopes).await,
                None => graph
                    .create_delegated_grant(client_sp_id, &resource.id, &scopes)
                    .await
                    .map(|_| ()),
            };
            let ids: Vec<(Api, String)> = perms.iter().map(|p| (api, p.id.to_string())).collect();
            (ids, result)
        }
    });
    let (role_results, delegated_results) = tokio::join!(
        futures::future::join_all(role_jobs),
        futures::future::join_all(delegated_jobs)
    );
    let mut failures: Vec<(Vec<(Api, String)>, GraphError)> = Vec::new();
    for (key, result) in role_results {
        match result {
            Ok(()) => {
                granted.insert(key);
            }
            // Granted meanwhile (e.g. by the consent link), or an earlier try whose answer
            // was lost went through ("Permission entry already exists"): what we wanted.
            Err(e) if e.is_conflict() => {
                granted.insert(key);
            }
            Err(e) => failures.push((vec![key], e)),
        }
    }
    for (keys, result) in delegated_results {
        match result {
            Ok(()) => granted.extend(keys),
            Err(e) if e.is_conflict() => granted.extend(keys),
            Err(e) => failures.push((keys, e)),
        }
    }
    if !failures.is_empty() {
        // A write that failed may have been carried out all the same (replication answers
        // like Directory_ObjectNotFound): read back before reporting anything as not granted.
        if let Ok((now, _)) = read_granted(graph, client_sp_id, wanted, sp_for).await {
            granted.extend(now);
            failures.retain(|(keys, _)| keys.iter().any(|k| !granted.contains(k)));
        }
    }
    let mut seen = BTreeSet::new();
    for (_, e) in failures {
        tracing::warn!(detail = %e.detail(), "a grant failed");
        let text = e.to_string();
        if seen.insert(text.clone()) {
            notes.push(tf("register.consent_not_granted", &[("error", &text)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph;
    use crate::profile::{self, InstallMode};

    fn request(profile_id: &str) -> RegisterRequest {
        let profile = profile::by_id(profile_id).unwrap();
        RegisterRequest {
            mode: InstallMode::CloudOnly,
            mailbox: Some("fax-transfer@contoso.com".into()),
            transfer_domains: vec![],
            mail_domain: None,
            app_name: profile.default_app_name.clone(),
            secret_months: 24,
            grant_consent: false,
            app_id: None,
            profile,
        }
    }

    fn resolved(req: &RegisterRequest) -> Vec<ResolvedPermission> {
        resolve(&req.profile.permissions_for(req.mode), |_| None).unwrap()
    }

    fn existing(wanted: &NewApplication) -> Application {
        serde_json::from_value(serde_json::json!({
            "id": "obj-1",
            "appId": "app-1",
            "displayName": wanted.display_name,
            "requiredResourceAccess": serde_json::to_value(&wanted.required_resource_access).unwrap(),
            "publicClient": {"redirectUris": ["urn:ietf:wg:oauth:2.0:oob"]},
            "web": {"redirectUris": ["http://localhost"]},
            "isFallbackPublicClient": false
        }))
        .unwrap()
    }

    /// Input errors the wizard shows (Review/Register steps), in English and German.
    #[test]
    fn mailbox_sentences_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let req = request("officemaster");
        let english = check_mailbox(&req, "Contoso Ltd", Ok(Some(MailboxState::NoSuchUser)))
            .unwrap_err()
            .to_string();
        assert_eq!(
            english,
            "There is no mailbox fax-transfer@contoso.com in Contoso Ltd. Create it first (a \
             shared mailbox is enough) or check the spelling."
        );
        let german = with_language(Language::German, || {
            check_mailbox(&req, "Contoso Ltd", Ok(Some(MailboxState::NoMailbox)))
                .unwrap_err()
                .to_string()
        });
        assert_eq!(
            german,
            "fax-transfer@contoso.com existiert in Contoso Ltd, hat aber kein \
             Exchange-Online-Postfach (keine Lizenz, oder es liegt noch lokal). Verwenden Sie ein \
             Cloud-Postfach, z. B. ein freigegebenes Postfach."
        );
    }

    #[test]
    fn an_app_that_already_matches_needs_no_patch() {
        let req = request("officemaster");
        let wanted = desired_application(&req, &resolved(&req));
        assert_eq!(patch_towards(&existing(&wanted), &wanted), None);
    }

    #[test]
    fn a_patch_adds_what_is_missing_and_keeps_what_the_admin_added() {
        let req = request("myfactory");
        let wanted = desired_application(&req, &resolved(&req));
        let mut app = existing(&wanted);
        // The admin removed EWS.AccessAsUser.All and added a permission of their own.
        app.required_resource_access[0]
            .resource_access
            .retain(|a| a.kind == graph::PermissionType::Role);
        app.required_resource_access.push(RequiredResourceAccess {
            resource_app_id: "00000003-0000-0000-c000-000000000000".into(),
            resource_access: vec![ResourceAccess {
                id: "own".into(),
                kind: graph::PermissionType::Scope,
            }],
        });
        let patch = patch_towards(&app, &wanted).expect("something to change");
        let rra = patch.required_resource_access.unwrap();
        let ids: Vec<&str> = rra
            .iter()
            .flat_map(|r| r.resource_access.iter().map(|a| a.id.as_str()))
            .collect();
        assert!(ids.contains(&"own"), "kept the admin's permission");
        assert!(
            ids.contains(&"3b5f3d61-589b-4a3c-a359-5dd4b5ee5bd5"),
            "added EWS.AccessAsUser.All"
        );
        assert_eq!(patch.is_fallback_public_client, Some(true));
        assert_eq!(patch.public_client, None, "redirect URI was already there");
    }

    #[test]
    fn the_new_application_body_groups_permissions_by_resource() {
        let req = request("officemaster");
        let wanted = desired_application(&req, &resolved(&req));
        assert_eq!(wanted.required_resource_access.len(), 2);
        assert_eq!(wanted.sign_in_audience, graph::SignInAudience::MyOrg);
        assert_eq!(
            wanted.public_client.unwrap().redirect_uris,
            ["urn:ietf:wg:oauth:2.0:oob"]
        );
    }

    #[test]
    fn request_checks_need_no_network() {
        let mut req = request("officemaster");
        assert!(req.check().is_ok());
        req.mailbox = None;
        assert!(req.check().unwrap_err().contains("--mailbox"));
        let mut req = request("bueroware");
        req.transfer_domains = vec![("fax".into(), "fax.contoso".into())];
        assert!(req.check().unwrap_err().contains("no fax transfer domain"));
    }

    #[test]
    fn consent_link_is_the_v1_admin_consent_endpoint() {
        let e = Endpoints::custom("http://127.0.0.1:9/", "http://127.0.0.1:9/").unwrap();
        assert_eq!(
            consent_url(&e, "t-1", "c-1"),
            "http://127.0.0.1:9/t-1/adminconsent?client_id=c-1&state=exowiz&redirect_uri=http%3A%2F%2Flocalhost"
        );
    }

    /// Every profile's app gets the consent link's redirect URI, also those without a web
    /// platform of their own (moveIT, custom); an existing app without it is patched.
    #[test]
    fn every_app_gets_the_consent_redirect_uri() {
        for name in [
            "officemaster",
            "bueroware",
            "myfactory",
            "flowfact",
            "moveit",
        ] {
            let req = request(name);
            let wanted = desired_application(&req, &resolved(&req));
            assert!(
                wanted
                    .web
                    .as_ref()
                    .is_some_and(|w| w.redirect_uris.iter().any(|u| u == "http://localhost")),
                "{name}"
            );
        }
        let req = request("moveit");
        let wanted = desired_application(&req, &resolved(&req));
        let mut app = existing(&wanted);
        app.web = None;
        let patch = patch_towards(&app, &wanted).expect("adds the redirect URI");
        assert_eq!(patch.web.unwrap().redirect_uris, ["http://localhost"]);
    }
}
