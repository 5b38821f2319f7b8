//! What the tenant has granted an app's service principal: app role assignments (application
//! permissions) and delegated grants (`oauth2PermissionGrants`), read and, for admin consent from
//! the tool, made.

use super::resolve::ResolvedPermission;
use super::status::PermissionStatus;
use crate::graph::{GraphClient, GraphError, OAuth2PermissionGrant, ServicePrincipal};
use crate::i18n::tf;
use crate::profile::{Api, PermissionType};
use std::collections::{BTreeMap, BTreeSet};

/// One permission as the grant logic sees it (from register's resolved list or from the
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
pub type Granted = BTreeSet<(Api, String)>;

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

/// Each of `resolved` with whether it is in `granted`: the registration's permission list.
pub fn statuses(resolved: &[ResolvedPermission], granted: &Granted) -> Vec<PermissionStatus> {
    resolved
        .iter()
        .map(|r| PermissionStatus {
            api: r.permission.api,
            name: r.permission.name.clone(),
            kind: r.permission.kind,
            id: r.id.clone(),
            description: r.description.clone(),
            granted: granted.contains(&(r.permission.api, r.id.clone())),
        })
        .collect()
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

/// Grants (when `grant`) and returns the set of (api, permission id) the tenant has granted to
/// the registration's service principal `sp`; `on_granting` hears how many grants are made.
#[allow(clippy::too_many_arguments)]
pub async fn grant_or_read(
    graph: &GraphClient,
    sp: &ServicePrincipal,
    sp_is_new: bool,
    resolved: &[ResolvedPermission],
    sp_for: &(dyn Fn(Api) -> Option<ServicePrincipal> + Sync),
    grant: bool,
    on_granting: &(dyn Fn(usize) + Sync),
    notes: &mut Vec<String>,
) -> Result<Granted, GraphError> {
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
        on_granting,
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
    on_granting: &(dyn Fn(usize) + Sync),
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
    on_granting(missing.len());

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
