//! Checking an existing registration: admins come back when something broke. `check` reads the
//! app, its service principal and its grants, compares them with the connector profile and
//! returns a `Report` of findings — each one sentence, with a `Fix` where exowiz can repair it.
//! `apply` makes the selected fixes (adding only: nothing the admin added is taken away) and
//! checks again.
//!
//! * [`compare`]: the comparison and the profile / installation-type guesses, no network;
//! * [`repair`]: the union patch the fixes send, no network;
//! * this file: the Graph round trips, the report, the fix selection.

pub mod compare;
pub mod repair;
mod selection;

pub use selection::FixSelectionError;

use crate::endpoints::Endpoints;
use crate::graph::{Application, GraphClient, GraphError, ServicePrincipal};
use crate::i18n;
use crate::permissions::{self, PermissionStatus};
use crate::profile::{self, Api, InstallMode, PermissionType, Profile};
use crate::store::{SavedRegistration, SavedSecret, Store};
use chrono::{DateTime, Utc};
use compare::{Guess, Observed};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// How bad a finding is. The order is the order of badness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Ok,
    /// Works, but not as the profile wants (or soon will not).
    Warning,
    /// Something the connector needs is missing or broken.
    Problem,
}

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    /// Which profile and installation type the app was compared with, and why.
    Profile,
    /// A permission the profile needs, in the app's API permissions (`requiredResourceAccess`).
    Permission,
    /// Permissions the app requests beyond the profile (informational).
    ExtraPermissions,
    RedirectUri,
    /// `isFallbackPublicClient` ("Allow public client flows").
    PublicClient,
    SignInAudience,
    ServicePrincipal,
    /// Admin consent for one permission.
    Consent,
    Secret,
}

/// What exowiz can do about a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Fix {
    /// Add these permissions to the app's API permissions.
    AddPermissions {
        permissions: Vec<PermissionStatus>,
    },
    /// Add these redirect URIs (mobile-and-desktop, web).
    AddRedirectUris {
        public_client: Vec<String>,
        web: Vec<String>,
    },
    /// Set "Allow public client flows".
    SetPublicClient {
        enabled: bool,
    },
    CreateServicePrincipal,
    /// Grant admin consent for these permissions (as `register --grant-consent` does).
    GrantConsent {
        permissions: Vec<PermissionStatus>,
    },
    /// Advice only, never applied here: a new secret must be entered in the product by hand.
    RotateSecret {
        command: String,
    },
}

impl Fix {
    /// True for the fixes `apply` makes (all but the advice to rotate the secret).
    pub fn is_applicable(&self) -> bool {
        !matches!(self, Fix::RotateSecret { .. })
    }
}

/// The number shown as "[fix N]", 1-based, in the order of the findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FixId(pub usize);

impl std::fmt::Display for FixId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// One sentence.
    pub text: String,
    /// Set for applicable fixes.
    pub fix_id: Option<FixId>,
    pub fix: Option<Fix>,
}

/// How the profile was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProfileSource {
    /// `--profile`.
    Given,
    /// The saved registration of an earlier exowiz run (or check).
    Saved,
    /// Guessed from the app's display name.
    Name,
    /// Guessed from the app's permissions.
    Permissions,
    /// Nothing matched: `custom`.
    Fallback,
}

/// What `check` looks at.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// Client ID (appId) of the app.
    pub app_id: String,
    /// Compare with this profile; otherwise the saved registration's, else a guess.
    pub profile: Option<Profile>,
    /// Installation type; otherwise inferred from the app's permissions.
    pub mode: Option<InstallMode>,
}

/// Why a check failed: the jobs' one error type (`Input` for no such app, an unknown fix
/// number, a profile that does not fit the tenant).
pub type CheckError = crate::error::JobError;

/// The result of a check.
#[derive(Debug, Clone)]
pub struct Report {
    pub tenant_id: String,
    pub tenant_name: String,
    pub app: Application,
    pub service_principal: Option<ServicePrincipal>,
    pub profile_id: String,
    pub profile: Profile,
    pub profile_source: ProfileSource,
    /// Why this profile (and installation type), as part of a sentence.
    pub profile_reason: String,
    pub mode: InstallMode,
    /// The profile's permissions with their grant state.
    pub permissions: Vec<PermissionStatus>,
    /// The admin-consent link, for whoever prefers it to `GrantConsent`.
    pub consent_url: String,
    pub findings: Vec<Finding>,
}

impl Report {
    /// The worst severity.
    pub fn severity(&self) -> Severity {
        self.findings
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Ok)
    }

    /// The findings exowiz can repair, with their numbers.
    pub fn fixes(&self) -> Vec<(FixId, &Fix)> {
        self.findings
            .iter()
            .filter_map(|f| Some((f.fix_id?, f.fix.as_ref()?)))
            .collect()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    pub fn app_name(&self) -> String {
        self.app
            .display_name
            .clone()
            .unwrap_or_else(|| self.app.app_id.clone())
    }

    /// The registration as `exowiz status` and later runs see it: IDs, profile, the secrets'
    /// key IDs and expiry — never a secret value (Graph does not return one anyway).
    pub fn saved_registration(&self, graph_url: &str, now: DateTime<Utc>) -> SavedRegistration {
        SavedRegistration {
            tenant_id: self.tenant_id.clone(),
            tenant_name: Some(self.tenant_name.clone()),
            profile: self.profile_id.clone(),
            app_name: self.app_name(),
            client_id: self.app.app_id.clone(),
            app_object_id: self.app.id.clone(),
            service_principal_id: self.service_principal.as_ref().map(|sp| sp.id.clone()),
            secrets: self
                .app
                .password_credentials
                .iter()
                .filter_map(|c| {
                    Some(SavedSecret {
                        key_id: c.key_id.clone(),
                        display_name: c.display_name.clone(),
                        hint: c.hint.clone(),
                        end_date_time: c.end_date_time?,
                    })
                })
                .collect(),
            graph_url: graph_url.to_string(),
            updated: now,
            adopted: true,
            uses_ews: Some(
                crate::exchange::ews::profile_uses_ews(&self.profile)
                    || crate::exchange::ews::app_uses_ews(&self.app),
            ),
            // Not known here; `Store::upsert` keeps the one registered earlier.
            mailbox: None,
            unknown: Default::default(),
        }
    }

    /// The report for `--json` (and anything else that wants it as data).
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "tenant_id": self.tenant_id,
            "tenant_name": self.tenant_name,
            "client_id": self.app.app_id,
            "app_object_id": self.app.id,
            "app_name": self.app_name(),
            "service_principal_id": self.service_principal.as_ref().map(|sp| sp.id.clone()),
            "profile": self.profile_id,
            "profile_source": self.profile_source,
            "profile_reason": self.profile_reason,
            "mode": self.mode,
            "status": self.severity(),
            "consent_url": self.consent_url,
            "permissions": self.permissions.iter().map(|p| json!({
                "api": p.api,
                "name": p.name,
                "type": p.kind.as_str(),
                "id": p.id,
                "granted": p.granted,
            })).collect::<Vec<_>>(),
            "findings": self.findings.iter().enumerate().map(|(i, f)| json!({
                "number": i + 1,
                "kind": f.kind,
                "severity": f.severity,
                "text": f.text,
                "fix_id": f.fix_id,
                "fix": f.fix,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Which fixes to apply: `all` or numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixSelection {
    All,
    Numbers(Vec<FixId>),
}

impl FixSelection {
    /// Parses `all` or `N[,N…]` (as `--fix` takes it).
    pub fn parse(text: &str) -> Result<Self, FixSelectionError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") {
            return Ok(FixSelection::All);
        }
        let mut ids = Vec::new();
        for part in text.split(',').map(str::trim) {
            match part.parse::<usize>() {
                Ok(n) if n > 0 => {
                    if !ids.contains(&FixId(n)) {
                        ids.push(FixId(n));
                    }
                }
                _ => {
                    return Err(FixSelectionError::NotASelection {
                        text: text.to_string(),
                    });
                }
            }
        }
        Ok(FixSelection::Numbers(ids))
    }

    /// The selected fix numbers of `report`; a number the report does not have is an error.
    pub fn ids(&self, report: &Report) -> Result<Vec<FixId>, FixSelectionError> {
        let known: Vec<FixId> = report.fixes().into_iter().map(|(id, _)| id).collect();
        match self {
            FixSelection::All => Ok(known),
            FixSelection::Numbers(ids) => {
                if let Some(bad) = ids.iter().find(|id| !known.contains(id)) {
                    return Err(FixSelectionError::NoSuchFix {
                        fix: *bad,
                        fixes: known.len(),
                    });
                }
                Ok(ids.clone())
            }
        }
    }
}

/// Numbers the applicable fixes 1, 2, … in the order of the findings.
fn number_fixes(findings: &mut [Finding]) {
    let mut next = 1;
    for f in findings {
        f.fix_id = None;
        if f.fix.as_ref().is_some_and(Fix::is_applicable) {
            f.fix_id = Some(FixId(next));
            next += 1;
        }
    }
}

/// How the profile of a check is decided.
enum Choice<'a> {
    Decide {
        store: Option<&'a Store>,
        profile: Option<Profile>,
        mode: Option<InstallMode>,
    },
    /// The re-check after `apply`: the same profile and installation type as before.
    Keep {
        profile: Profile,
        source: ProfileSource,
        reason: String,
        mode: InstallMode,
    },
}

/// Checks the app `req.app_id` in the signed-in tenant. `store` supplies the saved
/// registration's profile (and is not written: saving is the caller's choice, see
/// `Report::saved_registration`). A secret ending within `warn_days` is a warning (the jobs'
/// window, `jobs::policy::WARN_DAYS`).
pub async fn check(
    graph: &GraphClient,
    endpoints: &Endpoints,
    tenant_id: &str,
    store: Option<&Store>,
    req: &CheckRequest,
    warn_days: u32,
) -> Result<Report, CheckError> {
    let choice = Choice::Decide {
        store,
        profile: req.profile.clone(),
        mode: req.mode,
    };
    let now = Utc::now();
    run_check(
        graph,
        endpoints,
        tenant_id,
        &req.app_id,
        choice,
        now,
        warn_days,
    )
    .await
}

async fn run_check(
    graph: &GraphClient,
    endpoints: &Endpoints,
    tenant_id: &str,
    app_id: &str,
    choice: Choice<'_>,
    now: DateTime<Utc>,
    warn_days: u32,
) -> Result<Report, CheckError> {
    // Round trip 1: everything is keyed by the client ID, so all at once.
    let (org, app, resources, app_sp) = tokio::join!(
        graph.organization(),
        graph.find_application_by_app_id(app_id),
        read_resources(graph),
        graph.find_service_principal_by_app_id(app_id),
    );
    let org = org?;
    let tenant_name = org
        .display_name
        .clone()
        .unwrap_or_else(|| i18n::t("check.the_tenant").to_string());
    let Some(app) = app? else {
        return Err(CheckError::Input(i18n::tf(
            "check.no_such_app",
            &[("app_id", app_id), ("tenant", &tenant_name)],
        )));
    };
    let resources = resources?;
    let service_principal = app_sp?;

    let (profile, source, reason, mode) = match choice {
        Choice::Keep {
            profile,
            source,
            reason,
            mode,
        } => (profile, source, reason, mode),
        Choice::Decide {
            store,
            profile,
            mode,
        } => decide(store, tenant_id, &app, &resources, profile, mode)?,
    };
    let expectation = compare::expectation(&profile, mode, &app, &resources)?;

    // Round trip 2: the grants.
    let grants = match &service_principal {
        Some(sp) if !expectation.permissions.is_empty() => Some(
            permissions::read_grants_with(graph, &sp.id, &expectation.permissions, &resources)
                .await?,
        ),
        Some(_) => Some(Vec::new()),
        None => None,
    };

    let mut findings = vec![Finding {
        kind: FindingKind::Profile,
        severity: Severity::Ok,
        text: i18n::tf(
            "check.checked_against",
            &[
                ("profile", &profile.id),
                ("product", &profile.product),
                ("reason", &reason),
            ],
        ),
        fix_id: None,
        fix: None,
    }];
    findings.extend(compare::compare(&Observed {
        app: &app,
        service_principal: service_principal.as_ref(),
        expectation: &expectation,
        grants: grants.as_deref(),
        resources: &resources,
        now,
        warn_days,
    }));
    number_fixes(&mut findings);
    let permissions = grants.unwrap_or_else(|| expectation.permissions.clone());
    Ok(Report {
        tenant_id: tenant_id.to_string(),
        tenant_name,
        consent_url: permissions::consent_url(endpoints, tenant_id, &app.app_id),
        service_principal,
        profile_id: profile.id.clone(),
        profile,
        profile_source: source,
        profile_reason: reason,
        mode,
        permissions,
        findings,
        app,
    })
}

/// The service principals of the resources the profiles use (Microsoft Graph, Exchange
/// Online), read at once: their app roles and scopes name the permissions' GUIDs. A resource
/// the tenant does not have is left out.
pub async fn read_resources(
    graph: &GraphClient,
) -> Result<BTreeMap<Api, ServicePrincipal>, GraphError> {
    let (graph_sp, exchange_sp) = tokio::join!(
        graph.find_service_principal_by_app_id(Api::Graph.app_id()),
        graph.find_service_principal_by_app_id(Api::Exchange.app_id()),
    );
    let mut resources = BTreeMap::new();
    if let Some(sp) = graph_sp? {
        resources.insert(Api::Graph, sp);
    }
    if let Some(sp) = exchange_sp? {
        resources.insert(Api::Exchange, sp);
    }
    Ok(resources)
}

/// The application permissions an app's app-only token should carry, and whose they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub profile_id: String,
    /// The profile's product name ("OfficeMaster connector for Office 365").
    pub product: String,
    pub mode: InstallMode,
    /// `custom`: the expected permissions are the ones the app itself requests.
    pub custom: bool,
    /// Application permissions only, with their GUIDs (`granted` is meaningless here).
    pub permissions: Vec<PermissionStatus>,
}

/// Which application permissions `app`'s token should carry, as `check` would decide: the
/// saved registration's profile (from `store`), else a guess from the app's name and
/// permissions, else `custom` (the app's own permissions); the installation type inferred from
/// the app; `given` (`exowiz rotate --profile`) wins over all. Used after a secret rotation to
/// compare the new token's roles with the profile, and to hand over with that profile's fields.
pub async fn expected_permissions(
    graph: &GraphClient,
    tenant_id: &str,
    store: Option<&Store>,
    app: &Application,
    given: Option<Profile>,
) -> Result<Expected, CheckError> {
    let resources = read_resources(graph).await?;
    expected_of(store, tenant_id, app, &resources, given)
}

/// [`expected_permissions`] once the resources are read ([`read_resources`]), so that a
/// rotation can read them while it reads the app.
pub fn expected_of(
    store: Option<&Store>,
    tenant_id: &str,
    app: &Application,
    resources: &BTreeMap<Api, ServicePrincipal>,
    given: Option<Profile>,
) -> Result<Expected, CheckError> {
    let (profile, _, _, mode) = decide(store, tenant_id, app, resources, given, None)?;
    let expectation = compare::expectation(&profile, mode, app, resources)?;
    let custom = expectation.custom;
    let permissions = expectation
        .permissions
        .into_iter()
        .filter(|p| p.kind == PermissionType::Application)
        // A custom app's role the resource does not name stays a GUID, which no token carries
        // (tokens name roles by value): comparing it would report it missing for ever.
        .filter(|p| !(custom && p.name.eq_ignore_ascii_case(&p.id)))
        .collect();
    Ok(Expected {
        profile_id: profile.id,
        product: profile.product,
        mode,
        custom,
        permissions,
    })
}

/// Picks the profile (`--profile`, the saved registration's, a guess, custom) and the
/// installation type, and says why in one clause.
fn decide(
    store: Option<&Store>,
    tenant_id: &str,
    app: &Application,
    resources: &BTreeMap<Api, ServicePrincipal>,
    given: Option<Profile>,
    mode: Option<InstallMode>,
) -> Result<(Profile, ProfileSource, String, InstallMode), CheckError> {
    // Tenant and client ID name one app; the Graph URL is not compared, since the demo
    // tenant's changes with every run.
    let saved = store
        .and_then(|s| s.load().ok())
        .unwrap_or_default()
        .into_iter()
        .find(|r| {
            r.tenant_id.eq_ignore_ascii_case(tenant_id)
                && r.client_id.eq_ignore_ascii_case(&app.app_id)
        });
    let saved_profile = saved.as_ref().and_then(|s| profile::by_id(&s.profile).ok());
    let (profile, source, mut reason) = match (given, saved_profile) {
        (Some(p), Some(s)) if s.id != p.id => {
            let why = i18n::tf("check.reason_given_not_saved", &[("saved", &s.id)]);
            (p, ProfileSource::Given, why)
        }
        (Some(p), _) => (
            p,
            ProfileSource::Given,
            i18n::t("check.reason_given").to_string(),
        ),
        (None, Some(s)) => (
            s,
            ProfileSource::Saved,
            i18n::t("check.reason_saved").to_string(),
        ),
        (None, None) => {
            let all = profile::all().map_err(|e| CheckError::Input(e.to_string()))?;
            let (id, guess) = compare::guess_profile(app, &all, resources);
            let p = profile::by_id(&id).map_err(|e| CheckError::Input(e.to_string()))?;
            match guess {
                Guess::Name(why) => (p, ProfileSource::Name, why),
                Guess::Permissions(why) => (p, ProfileSource::Permissions, why),
                Guess::Nothing(why) => (p, ProfileSource::Fallback, why),
            }
        }
    };
    let mode = match mode {
        Some(m) => {
            if profile.permissions_for(InstallMode::CloudOnly)
                != profile.permissions_for(InstallMode::Hybrid)
            {
                reason.push_str(&format!(
                    "; {} as given with --mode",
                    match m {
                        InstallMode::CloudOnly => "cloud-only",
                        InstallMode::Hybrid => "hybrid",
                    }
                ));
            }
            m
        }
        None => {
            let (m, why) = compare::infer_mode(&profile, app, resources);
            if let Some(why) = why {
                reason.push_str("; ");
                reason.push_str(&why);
            }
            m
        }
    };
    Ok((profile, source, reason, mode))
}

/// What one fix did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixResult {
    pub fix_id: FixId,
    /// What was done, or why not (one sentence each).
    pub outcome: Result<String, String>,
}

/// The fixes' results and the check made after them.
#[derive(Debug, Clone)]
pub struct Applied {
    pub results: Vec<FixResult>,
    pub report: Report,
}

/// Applies the fixes `fixes` of `report` and checks again with the same profile and
/// installation type. The app is patched once with the union of what the selected fixes add
/// (to the app as it is now, re-read first: nothing the admin added is removed); the service
/// principal is created alongside; consent is granted afterwards with `grant_consent`. A fix
/// that fails is reported in its `FixResult`; only a failing re-check is an error. The
/// re-check warns of secrets ending within `warn_days`, as [`check`] does.
pub async fn apply(
    graph: &GraphClient,
    endpoints: &Endpoints,
    report: &Report,
    fixes: &[FixId],
    warn_days: u32,
) -> Result<Applied, CheckError> {
    let all = report.fixes();
    let mut selected: Vec<(FixId, &Fix)> = Vec::new();
    for id in fixes {
        match all.iter().find(|(known, _)| known == id) {
            Some(pair) => selected.push(*pair),
            None => {
                return Err(CheckError::Input(i18n::tf(
                    "check.no_fix",
                    &[("id", &id.to_string())],
                )));
            }
        }
    }
    selected.sort_by_key(|(id, _)| *id);
    selected.dedup_by_key(|(id, _)| *id);
    let mut results: BTreeMap<FixId, Result<String, String>> = BTreeMap::new();

    // The app and the service principal, at once.
    let app_fixes: Vec<(FixId, &Fix)> = selected
        .iter()
        .copied()
        .filter(|(_, f)| repair::changes_app(f))
        .collect();
    let sp_fix = selected
        .iter()
        .copied()
        .find(|(_, f)| matches!(f, Fix::CreateServicePrincipal));
    let patch_app = async {
        if app_fixes.is_empty() {
            return Ok(false);
        }
        let current = graph.get_application(&report.app.id).await?;
        let fixes: Vec<&Fix> = app_fixes.iter().map(|(_, f)| *f).collect();
        match repair::union_patch(&current, &fixes) {
            Some(patch) => graph
                .update_application(&current.id, &patch)
                .await
                .map(|()| true),
            None => Ok(false),
        }
    };
    let create_sp = async {
        match sp_fix {
            // The upsert by appId, as register makes it: safe to repeat after a lost answer,
            // and an existing service principal (made meanwhile) is success, not a conflict.
            Some(_) => Some(graph.upsert_service_principal(&report.app.app_id).await),
            None => None,
        }
    };
    let (patched, created) = tokio::join!(patch_app, create_sp);
    match patched {
        Ok(changed) => {
            for (id, fix) in &app_fixes {
                results.insert(*id, Ok(repair::done_sentence(fix, changed)));
            }
        }
        Err(e) => {
            tracing::debug!(detail = %e.detail(), "patching the app failed");
            for (id, _) in &app_fixes {
                results.insert(
                    *id,
                    Err(i18n::tf(
                        "check.app_not_changed",
                        &[("error", &e.to_string())],
                    )),
                );
            }
        }
    }
    let mut sp_id = report.service_principal.as_ref().map(|sp| sp.id.clone());
    if let (Some((id, _)), Some(created)) = (sp_fix, created) {
        match created {
            Ok(sp) => {
                sp_id = Some(sp.id.clone());
                results.insert(id, Ok(i18n::t("check.sp_created").to_string()));
            }
            Err(e) => {
                tracing::debug!(detail = %e.detail(), "creating the service principal failed");
                results.insert(
                    id,
                    Err(i18n::tf(
                        "check.sp_not_created",
                        &[("error", &e.to_string())],
                    )),
                );
            }
        }
    }

    // Consent, once there is a service principal.
    let grant_fixes: Vec<(FixId, &Vec<PermissionStatus>)> = selected
        .iter()
        .filter_map(|(id, f)| match f {
            Fix::GrantConsent { permissions } => Some((*id, permissions)),
            _ => None,
        })
        .collect();
    if !grant_fixes.is_empty() {
        let mut wanted: Vec<PermissionStatus> = Vec::new();
        for (_, perms) in &grant_fixes {
            for p in perms.iter() {
                if !wanted.iter().any(|w| w.api == p.api && w.id == p.id) {
                    wanted.push(p.clone());
                }
            }
        }
        match &sp_id {
            None => {
                let sentence = match all
                    .iter()
                    .find(|(_, f)| matches!(f, Fix::CreateServicePrincipal))
                {
                    Some((id, _)) => {
                        i18n::tf("check.consent_needs_sp_fix", &[("id", &id.to_string())])
                    }
                    None => i18n::t("check.consent_needs_sp").to_string(),
                };
                for (id, _) in &grant_fixes {
                    results.insert(*id, Err(sentence.clone()));
                }
            }
            Some(sp_id) => match permissions::grant_consent(graph, sp_id, &wanted).await {
                Ok((statuses, notes)) => {
                    for (id, perms) in &grant_fixes {
                        let missing: Vec<String> = perms
                            .iter()
                            .filter(|p| {
                                !statuses
                                    .iter()
                                    .any(|s| s.api == p.api && s.id == p.id && s.granted)
                            })
                            .map(compare::describe)
                            .collect();
                        let names: Vec<String> = perms.iter().map(compare::describe).collect();
                        let outcome = if missing.is_empty() {
                            Ok(i18n::tf(
                                "check.granted_these",
                                &[("permissions", &names.join(", "))],
                            ))
                        } else {
                            let why = notes
                                .first()
                                .cloned()
                                .unwrap_or_else(|| i18n::t("check.open_consent_link").to_string());
                            Err(i18n::tf(
                                "check.still_not_granted",
                                &[("permissions", &missing.join(", ")), ("why", &why)],
                            ))
                        };
                        results.insert(*id, outcome);
                    }
                }
                Err(e) => {
                    tracing::debug!(detail = %e.detail(), "granting consent failed");
                    for (id, _) in &grant_fixes {
                        results.insert(
                            *id,
                            Err(i18n::tf(
                                "check.consent_failed",
                                &[("error", &e.to_string())],
                            )),
                        );
                    }
                }
            },
        }
    }

    let report = run_check(
        graph,
        endpoints,
        &report.tenant_id,
        &report.app.app_id,
        Choice::Keep {
            profile: report.profile.clone(),
            source: report.profile_source,
            reason: report.profile_reason.clone(),
            mode: report.mode,
        },
        Utc::now(),
        warn_days,
    )
    .await?;
    Ok(Applied {
        results: results
            .into_iter()
            .map(|(fix_id, outcome)| FixResult { fix_id, outcome })
            .collect(),
        report,
    })
}

#[cfg(test)]
mod tests;
