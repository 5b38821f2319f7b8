//! The comparison itself, without network: what the profile wants (`Expectation`) against the
//! app, its service principal and its grants as Graph returned them. Also how the profile and
//! the installation type are guessed when nobody said.
//!
//! This is a comparison, not a patch builder: the registration engine's `desired_application`
//! and `patch_towards` are private to `register::app_shape` and build request bodies; here every
//! difference becomes a `Finding` with a sentence and, where exowiz can repair it, a `Fix`.

use super::{Finding, FindingKind, Fix, Severity};
use crate::graph::{self, Application, ServicePrincipal, SignInAudience};
use crate::i18n::{t, tf};
use crate::permissions::PermissionStatus;
use crate::permissions::resolve::{UnknownPermission, resolve};
use crate::profile::{Api, InstallMode, PermissionType, Profile};
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// What the app should have, from the profile (or, for `custom`, from the app itself).
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    /// The profile's permissions for the installation type, with their GUIDs (`granted` is
    /// meaningless here).
    pub permissions: Vec<PermissionStatus>,
    /// "Mobile and desktop applications" redirect URIs.
    pub public_client_uris: Vec<String>,
    /// "Web" redirect URIs.
    pub web_uris: Vec<String>,
    /// Redirect URIs above the vendor lets the admin remove (myfactory's `oob`, manual 001
    /// line 44): their absence is reported as the vendor's advice, with no fix.
    pub vendor_optional_uris: Vec<String>,
    /// `isFallbackPublicClient`; `None`: not compared (custom).
    pub public_client_flows: Option<bool>,
    /// `None`: not compared (custom).
    pub sign_in_audience: Option<SignInAudience>,
    /// The app's own permissions are the wanted ones: nothing is "extra" or "missing".
    pub custom: bool,
}

/// One entry of the app's `requiredResourceAccess`, flattened.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Requested {
    /// The resource's appId, lower case.
    pub resource: String,
    pub id: String,
    pub kind: PermissionType,
}

/// The app's `requiredResourceAccess` as a set.
pub fn requested(app: &Application) -> BTreeSet<Requested> {
    app.required_resource_access
        .iter()
        .flat_map(|rra| {
            rra.resource_access.iter().map(|a| Requested {
                resource: rra.resource_app_id.to_ascii_lowercase(),
                id: a.id.to_ascii_lowercase(),
                kind: match a.kind {
                    graph::PermissionType::Role => PermissionType::Application,
                    graph::PermissionType::Scope => PermissionType::Delegated,
                },
            })
        })
        .collect()
}

fn requested_key(p: &PermissionStatus) -> Requested {
    Requested {
        resource: p.api.app_id().to_ascii_lowercase(),
        id: p.id.to_ascii_lowercase(),
        kind: p.kind,
    }
}

/// "Microsoft Graph User.Read.All (application)".
pub fn describe(p: &PermissionStatus) -> String {
    let args = [("api", p.api.display_name()), ("name", p.name.as_str())];
    match p.kind {
        PermissionType::Application => tf("check.permission_application", &args),
        PermissionType::Delegated => tf("check.permission_delegated", &args),
    }
}

fn api_of(resource_app_id: &str) -> Option<Api> {
    [Api::Graph, Api::Exchange]
        .into_iter()
        .find(|a| a.app_id().eq_ignore_ascii_case(resource_app_id))
}

/// The permission's name as the resource publishes it, or its GUID when nobody says.
fn name_of(resources: &BTreeMap<Api, ServicePrincipal>, api: Api, r: &Requested) -> String {
    let sp = resources.get(&api);
    let found = sp.and_then(|sp| match r.kind {
        PermissionType::Application => sp
            .app_roles
            .iter()
            .find(|x| x.id.eq_ignore_ascii_case(&r.id))
            .and_then(|x| x.value.clone()),
        PermissionType::Delegated => sp
            .oauth2_permission_scopes
            .iter()
            .find(|x| x.id.eq_ignore_ascii_case(&r.id))
            .and_then(|x| x.value.clone()),
    });
    found.unwrap_or_else(|| r.id.clone())
}

/// The profile's permissions for `mode` with the tenant's GUIDs (`resolve`, the engine's own
/// name→GUID step). For `custom` the app's own Graph and Exchange permissions are the wanted
/// ones, named from the resource service principals.
pub fn expectation(
    profile: &Profile,
    mode: InstallMode,
    app: &Application,
    resources: &BTreeMap<Api, ServicePrincipal>,
) -> Result<Expectation, UnknownPermission> {
    if profile.id == "custom" {
        let permissions = requested(app)
            .into_iter()
            .filter_map(|r| {
                let api = api_of(&r.resource)?;
                Some(PermissionStatus {
                    api,
                    name: name_of(resources, api, &r),
                    kind: r.kind,
                    id: r.id,
                    description: String::new(),
                    granted: false,
                })
            })
            .collect();
        return Ok(Expectation {
            permissions,
            public_client_uris: Vec::new(),
            web_uris: Vec::new(),
            vendor_optional_uris: Vec::new(),
            public_client_flows: None,
            sign_in_audience: None,
            custom: true,
        });
    }
    let resolved = resolve(&profile.permissions_for(mode), |api| {
        resources.get(&api).cloned()
    })?;
    Ok(Expectation {
        permissions: resolved
            .into_iter()
            .map(|r| PermissionStatus {
                api: r.permission.api,
                name: r.permission.name,
                kind: r.permission.kind,
                id: r.id,
                description: r.description,
                granted: false,
            })
            .collect(),
        public_client_uris: profile.redirect_uris.public_client.clone(),
        web_uris: profile.redirect_uris.web.clone(),
        vendor_optional_uris: profile.redirect_uris.vendor_optional.clone(),
        public_client_flows: Some(profile.allow_public_client_flows),
        sign_in_audience: Some(profile.sign_in_audience),
        custom: false,
    })
}

/// Why a profile was picked without `--profile` or a saved registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Guess {
    /// The app's display name points to the profile.
    Name(String),
    /// The app requests every permission of the profile (for one installation type).
    Permissions(String),
    /// Nothing matched (or several did equally well): custom.
    Nothing(String),
}

fn normalise(text: &str) -> String {
    text.to_lowercase()
        .replace('ü', "ue")
        .replace('ö', "oe")
        .replace('ä', "ae")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

/// Guesses the profile of an app exowiz did not register (or whose record is on another
/// machine): by display name first (the profile's default name, or the product's id in the
/// name), then by permissions (the profile whose permissions the app requests, the largest such
/// set winning), else `custom`.
pub fn guess_profile(
    app: &Application,
    profiles: &[Profile],
    resources: &BTreeMap<Api, ServicePrincipal>,
) -> (String, Guess) {
    let candidates: Vec<&Profile> = profiles.iter().filter(|p| p.id != "custom").collect();
    let name = app.display_name.clone().unwrap_or_default();
    let plain = normalise(&name);
    if let Some(p) = candidates
        .iter()
        .find(|p| p.default_app_name.eq_ignore_ascii_case(name.trim()))
    {
        return (
            p.id.clone(),
            Guess::Name(tf(
                "check.guess_default_name",
                &[("name", &name), ("product", &p.product)],
            )),
        );
    }
    if !plain.is_empty()
        && let Some(p) = candidates
            .iter()
            .find(|p| plain.contains(&normalise(&p.id)) || plain.contains(&normalise(&p.product)))
    {
        return (
            p.id.clone(),
            Guess::Name(tf(
                "check.guess_name",
                &[("name", &name), ("product", &p.product)],
            )),
        );
    }

    let have = requested(app);
    let mut best: Vec<(&Profile, usize)> = Vec::new();
    for p in &candidates {
        let mut size = 0;
        for mode in [InstallMode::CloudOnly, InstallMode::Hybrid] {
            let Ok(want) = expectation(p, mode, app, resources) else {
                continue;
            };
            let n = want.permissions.len();
            if n > 0
                && want
                    .permissions
                    .iter()
                    .all(|w| have.contains(&requested_key(w)))
            {
                size = size.max(n);
            }
        }
        if size > 0 {
            best.push((p, size));
        }
    }
    let top = best.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let winners: Vec<&Profile> = best
        .iter()
        .filter(|(_, n)| *n == top)
        .map(|(p, _)| *p)
        .collect();
    match winners.as_slice() {
        [p] => (
            p.id.clone(),
            Guess::Permissions(tf("check.guess_permissions", &[("product", &p.product)])),
        ),
        [] => (
            "custom".into(),
            Guess::Nothing(t("check.guess_nothing").to_string()),
        ),
        several => {
            let ids: Vec<&str> = several.iter().map(|p| p.id.as_str()).collect();
            (
                "custom".into(),
                Guess::Nothing(tf(
                    "check.guess_several",
                    &[("profiles", &ids.join(t("check.and")))],
                )),
            )
        }
    }
}

/// The installation type when `--mode` was not given: cloud-only when the app requests a
/// permission only cloud-only installations need, hybrid when it requests none of them. The
/// second value says why (None when the profile asks the same in both).
pub fn infer_mode(
    profile: &Profile,
    app: &Application,
    resources: &BTreeMap<Api, ServicePrincipal>,
) -> (InstallMode, Option<String>) {
    let (Ok(cloud), Ok(hybrid)) = (
        expectation(profile, InstallMode::CloudOnly, app, resources),
        expectation(profile, InstallMode::Hybrid, app, resources),
    ) else {
        return (InstallMode::CloudOnly, None);
    };
    let hybrid_keys: BTreeSet<Requested> = hybrid.permissions.iter().map(requested_key).collect();
    let cloud_only: Vec<&PermissionStatus> = cloud
        .permissions
        .iter()
        .filter(|p| !hybrid_keys.contains(&requested_key(p)))
        .collect();
    if cloud_only.is_empty() {
        return (InstallMode::CloudOnly, None);
    }
    let have = requested(app);
    match cloud_only.iter().find(|p| have.contains(&requested_key(p))) {
        Some(p) => (
            InstallMode::CloudOnly,
            Some(tf("check.mode_cloud_only", &[("permission", &p.name)])),
        ),
        None => {
            let names: Vec<&str> = cloud_only.iter().map(|p| p.name.as_str()).collect();
            (
                InstallMode::Hybrid,
                Some(tf(
                    "check.mode_hybrid",
                    &[("permissions", &names.join(", "))],
                )),
            )
        }
    }
}

/// Everything the comparison looks at.
pub struct Observed<'a> {
    pub app: &'a Application,
    pub service_principal: Option<&'a ServicePrincipal>,
    pub expectation: &'a Expectation,
    /// `expectation.permissions` with the tenant's grant state (from `read_grants`); `None`
    /// when there is no service principal to hold grants.
    pub grants: Option<&'a [PermissionStatus]>,
    /// The resource APIs' service principals the tenant has (Microsoft Graph, Exchange Online).
    pub resources: &'a BTreeMap<Api, ServicePrincipal>,
    pub now: DateTime<Utc>,
    /// A secret ending within this many days is a warning (`jobs::policy::WARN_DAYS`).
    pub warn_days: u32,
}

fn finding(kind: FindingKind, severity: Severity, text: String, fix: Option<Fix>) -> Finding {
    Finding {
        kind,
        severity,
        text,
        fix_id: None,
        fix,
    }
}

/// Compares the app with the expectation; one finding per permission, redirect URI, flag,
/// grant and the secrets. Fix numbers are given later by the caller.
pub fn compare(o: &Observed) -> Vec<Finding> {
    let mut out = Vec::new();
    permissions(o, &mut out);
    redirect_uris(o, &mut out);
    flags(o, &mut out);
    service_principal(o, &mut out);
    consent(o, &mut out);
    secrets(o, &mut out);
    out
}

fn permissions(o: &Observed, out: &mut Vec<Finding>) {
    let want = o.expectation;
    let have = requested(o.app);
    if want.permissions.is_empty() {
        out.push(finding(
            FindingKind::Permission,
            Severity::Warning,
            t("check.no_permissions").to_string(),
            None,
        ));
    }
    for p in &want.permissions {
        if want.custom || have.contains(&requested_key(p)) {
            out.push(finding(
                FindingKind::Permission,
                Severity::Ok,
                tf("check.requested", &[("permission", &describe(p))]),
                None,
            ));
        } else {
            out.push(finding(
                FindingKind::Permission,
                Severity::Warning,
                tf("check.not_requested", &[("permission", &describe(p))]),
                Some(Fix::AddPermissions {
                    permissions: vec![p.clone()],
                }),
            ));
        }
    }
    let wanted: BTreeSet<Requested> = want.permissions.iter().map(requested_key).collect();
    let mut extra = Vec::new();
    let mut other_apis = BTreeSet::new();
    for r in have.iter().filter(|r| !wanted.contains(r)) {
        match api_of(&r.resource) {
            Some(api) => {
                let name = name_of(o.resources, api, r);
                let args = [("api", api.display_name()), ("name", name.as_str())];
                extra.push(match r.kind {
                    PermissionType::Application => tf("check.permission_application", &args),
                    PermissionType::Delegated => tf("check.permission_delegated", &args),
                })
            }
            None => {
                other_apis.insert(r.resource.clone());
            }
        }
    }
    for resource in other_apis {
        extra.push(tf("check.extra_other_api", &[("resource", &resource)]));
    }
    if !extra.is_empty() {
        out.push(finding(
            FindingKind::ExtraPermissions,
            Severity::Ok,
            {
                let joined = extra.join(", ");
                let args = [("permissions", joined.as_str())];
                if want.custom {
                    tf("check.extra_unchecked", &args)
                } else if extra.len() == 1 {
                    tf("check.extra_one", &args)
                } else {
                    tf("check.extra_many", &args)
                }
            },
            None,
        ));
    }
}

fn redirect_uris(o: &Observed, out: &mut Vec<Finding>) {
    let platforms = [
        (
            &o.expectation.public_client_uris,
            o.app.public_client.as_ref(),
            true,
        ),
        (&o.expectation.web_uris, o.app.web.as_ref(), false),
    ];
    for (wanted, have, public) in platforms {
        let have: Vec<&String> = have
            .map(|h| h.redirect_uris.iter().collect())
            .unwrap_or_default();
        for uri in wanted {
            if have.contains(&uri) {
                out.push(finding(
                    FindingKind::RedirectUri,
                    Severity::Ok,
                    if public {
                        tf("check.redirect_public", &[("uri", uri)])
                    } else {
                        tf("check.redirect_web", &[("uri", uri)])
                    },
                    None,
                ));
            } else if o.expectation.vendor_optional_uris.contains(uri) {
                // The vendor advises removing it in some cases: its absence is no problem, and
                // --fix must not undo the admin's removal.
                out.push(finding(
                    FindingKind::RedirectUri,
                    Severity::Ok,
                    tf("check.redirect_vendor_optional", &[("uri", uri)]),
                    None,
                ));
            } else {
                let (public_client, web) = if public {
                    (vec![uri.clone()], vec![])
                } else {
                    (vec![], vec![uri.clone()])
                };
                out.push(finding(
                    FindingKind::RedirectUri,
                    Severity::Problem,
                    if public {
                        tf("check.redirect_public_missing", &[("uri", uri)])
                    } else {
                        tf("check.redirect_web_missing", &[("uri", uri)])
                    },
                    Some(Fix::AddRedirectUris { public_client, web }),
                ));
            }
        }
    }
}

fn flags(o: &Observed, out: &mut Vec<Finding>) {
    let app_flows = o.app.is_fallback_public_client.unwrap_or(false);
    match o.expectation.public_client_flows {
        Some(want) if want == app_flows => out.push(finding(
            FindingKind::PublicClient,
            Severity::Ok,
            if app_flows {
                t("check.public_client_on_as_wanted").to_string()
            } else {
                t("check.public_client_off_as_wanted").to_string()
            },
            None,
        )),
        Some(true) => out.push(finding(
            FindingKind::PublicClient,
            Severity::Problem,
            t("check.public_client_off").to_string(),
            Some(Fix::SetPublicClient { enabled: true }),
        )),
        Some(false) => out.push(finding(
            FindingKind::PublicClient,
            Severity::Warning,
            t("check.public_client_on").to_string(),
            Some(Fix::SetPublicClient { enabled: false }),
        )),
        None => {}
    }
    let audience = o.app.sign_in_audience.clone().unwrap_or_default();
    if let Some(want) = o.expectation.sign_in_audience {
        let want_text = serde_json::to_value(want)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if audience == want_text {
            out.push(finding(
                FindingKind::SignInAudience,
                Severity::Ok,
                tf("check.audience_as_wanted", &[("audience", &audience)]),
                None,
            ));
        } else {
            out.push(finding(
                FindingKind::SignInAudience,
                Severity::Warning,
                tf(
                    "check.audience_wrong",
                    &[
                        (
                            "audience",
                            if audience.is_empty() {
                                t("check.audience_not_set")
                            } else {
                                &audience
                            },
                        ),
                        ("wanted", &want_text),
                    ],
                ),
                None,
            ));
        }
    }
}

fn service_principal(o: &Observed, out: &mut Vec<Finding>) {
    match o.service_principal {
        None => out.push(finding(
            FindingKind::ServicePrincipal,
            Severity::Problem,
            t("check.no_service_principal").to_string(),
            Some(Fix::CreateServicePrincipal),
        )),
        Some(sp) if sp.account_enabled == Some(false) => out.push(finding(
            FindingKind::ServicePrincipal,
            Severity::Problem,
            t("check.service_principal_disabled").to_string(),
            None,
        )),
        Some(_) => out.push(finding(
            FindingKind::ServicePrincipal,
            Severity::Ok,
            t("check.service_principal_ok").to_string(),
            None,
        )),
    }
}

fn consent(o: &Observed, out: &mut Vec<Finding>) {
    for (i, p) in o.expectation.permissions.iter().enumerate() {
        let granted = o
            .grants
            .and_then(|g| g.get(i))
            .is_some_and(|g| g.granted && g.id == p.id);
        if granted {
            out.push(finding(
                FindingKind::Consent,
                Severity::Ok,
                tf("check.granted", &[("permission", &describe(p))]),
                None,
            ));
        } else if !o.resources.contains_key(&p.api) {
            out.push(finding(
                FindingKind::Consent,
                Severity::Problem,
                tf(
                    "check.no_resource",
                    &[("permission", &describe(p)), ("api", p.api.display_name())],
                ),
                None,
            ));
        } else {
            out.push(finding(
                FindingKind::Consent,
                Severity::Problem,
                if o.grants.is_none() {
                    tf(
                        "check.consent_missing_no_sp",
                        &[("permission", &describe(p))],
                    )
                } else {
                    tf("check.consent_missing", &[("permission", &describe(p))])
                },
                Some(Fix::GrantConsent {
                    permissions: vec![p.clone()],
                }),
            ));
        }
    }
}

fn secrets(o: &Observed, out: &mut Vec<Finding>) {
    let rotate = Fix::RotateSecret {
        command: format!("exowiz rotate --app-id {}", o.app.app_id),
    };
    let dated: Vec<(DateTime<Utc>, &graph::PasswordCredential)> = o
        .app
        .password_credentials
        .iter()
        .filter_map(|c| c.end_date_time.map(|end| (end, c)))
        .collect();
    let Some((end, newest)) = dated.iter().max_by_key(|(end, _)| *end).copied() else {
        if o.app.key_credentials.is_empty() {
            out.push(finding(
                FindingKind::Secret,
                Severity::Problem,
                t("check.no_secret").to_string(),
                Some(rotate),
            ));
        } else {
            out.push(finding(
                FindingKind::Secret,
                Severity::Ok,
                crate::i18n::tn(
                    "check.certificates_only",
                    o.app.key_credentials.len() as u64,
                    &[],
                ),
                None,
            ));
        }
        return;
    };
    let name = newest.display_name.as_deref();
    let date = crate::i18n::date(end.date_naive());
    let days = (end - o.now).num_days().to_string();
    let args = [
        ("name", name.unwrap_or_default()),
        ("date", date.as_str()),
        ("days", days.as_str()),
    ];
    let days = (end - o.now).num_days();
    if end <= o.now {
        out.push(finding(
            FindingKind::Secret,
            Severity::Problem,
            if name.is_some() {
                tf("check.secret_expired_named", &args)
            } else {
                tf("check.secret_expired", &args)
            },
            Some(rotate),
        ));
    } else if days < i64::from(o.warn_days) {
        out.push(finding(
            FindingKind::Secret,
            Severity::Warning,
            if name.is_some() {
                tf("check.secret_expiring_named", &args)
            } else {
                tf("check.secret_expiring", &args)
            },
            Some(rotate),
        ));
    } else {
        out.push(finding(
            FindingKind::Secret,
            Severity::Ok,
            if name.is_some() {
                tf("check.secret_valid_named", &args)
            } else {
                tf("check.secret_valid", &args)
            },
            None,
        ));
        let expired = dated.iter().filter(|(e, _)| *e <= o.now).count();
        if expired > 0 {
            out.push(finding(
                FindingKind::Secret,
                Severity::Ok,
                crate::i18n::tn("check.expired_listed", expired as u64, &[]),
                None,
            ));
        }
    }
}
