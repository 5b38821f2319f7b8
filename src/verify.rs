//! Proves that a client secret works: an app-only token (client credentials) per API the app
//! has application permissions on, with the roles the token carries, and which expected
//! application permissions those roles lack ([`missing_roles`]). The steps of the verify job
//! (`crate::jobs::verify`), which every front-end calls.
//!
//! A new secret (or a new app, or its service principal) is not usable at once: Entra answers
//! "unknown application" (AADSTS700016), "invalid secret" (AADSTS7000215) or "no service
//! principal" (AADSTS7000229) for up to about a minute. Those answers are retried until the
//! patience runs out; every other answer ends the check.

use std::collections::BTreeSet;
use std::time::Duration;

use secrecy::SecretString;
use serde::Serialize;

use crate::auth::{self, AuthError, Tokens};
use crate::endpoints::Endpoints;
use crate::permissions::PermissionStatus;
use crate::profile::{Api, PermissionType};

/// AADSTS codes a client-credentials request gets while a new app, its service principal or its
/// secret are still replicating: unknown application, invalid secret, no service principal.
pub const REPLICATION_AADSTS: &[u32] = &[700016, 7000215, 7000229];

/// How long a check keeps trying while a new secret replicates (about a minute in Entra).
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(60);

/// One API's app-only token and its roles: the EWS probe reuses Exchange Online's token
/// instead of asking for the same one again (one round trip less while the admin waits).
/// `Tokens`' Debug redacts the token.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub roles: ApiRoles,
    pub tokens: Tokens,
}

/// The roles of the app-only token for one API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiRoles {
    pub api: Api,
    /// Application permissions in the token; empty when none is granted.
    pub roles: Vec<String>,
}

/// The APIs to get a token for: those with application permissions, or Microsoft Graph alone
/// when there are none (a Graph token still proves that the secret works).
pub fn apis_to_check(application_apis: impl IntoIterator<Item = Api>) -> BTreeSet<Api> {
    let mut apis: BTreeSet<Api> = application_apis.into_iter().collect();
    if apis.is_empty() {
        apis.insert(Api::Graph);
    }
    apis
}

/// The application permissions of `expected` that the tokens in `checked` do not carry, by
/// name, in the order of `expected`. Delegated permissions are never in an app-only token and
/// are skipped. A permission whose API got no token counts as missing: nothing shows that it
/// is granted (callers get a token for every API of `expected`, so this only happens when
/// they did not).
pub fn missing_roles(expected: &[PermissionStatus], checked: &[ApiRoles]) -> Vec<String> {
    let mut missing: Vec<String> = Vec::new();
    for p in expected
        .iter()
        .filter(|p| p.kind == PermissionType::Application)
    {
        let carried = checked
            .iter()
            .filter(|c| c.api == p.api)
            .any(|c| c.roles.iter().any(|r| r.eq_ignore_ascii_case(&p.name)));
        if !carried && !missing.contains(&p.name) {
            missing.push(p.name.clone());
        }
    }
    missing
}

/// The scope of an app-only token for `api` (`.default` of the resource).
pub fn app_only_scope(endpoints: &Endpoints, api: Api) -> String {
    match api {
        Api::Graph => format!("{}/.default", endpoints.graph_resource()),
        Api::Exchange => format!("{}/.default", exchange_resource(endpoints)),
    }
}

/// Exchange Online's resource URI in the cloud whose Graph host `endpoints` names.
fn exchange_resource(endpoints: &Endpoints) -> &'static str {
    match endpoints.graph.host_str().unwrap_or_default() {
        "graph.microsoft.us" => "https://outlook.office365.us",
        "dod-graph.microsoft.us" => "https://webmail.apps.mil",
        "microsoftgraph.chinacloudapi.cn" => "https://partner.outlook.cn",
        _ => "https://outlook.office365.com",
    }
}

/// Gets an app-only token for each of `apis` with `secret` and returns their roles, in the
/// order of `apis`. Retries the replication answers until `patience` has passed; any other
/// failure is returned (its technical detail logged here).
pub async fn verify_secret(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
    secret: &SecretString,
    apis: &BTreeSet<Api>,
    patience: Duration,
) -> Result<Vec<ApiToken>, AuthError> {
    let deadline = tokio::time::Instant::now() + patience;
    // The token endpoint is read once (or was already, while the caller read the app); then
    // every API's token is asked for at once: one round trip however many APIs.
    auth::discover_once(http, endpoints, tenant_id)
        .await
        .inspect_err(log)?;
    let tokens = futures::future::join_all(apis.iter().map(|&api| async move {
        let scope = app_only_scope(endpoints, api);
        let tokens = token_with_patience(
            http, endpoints, tenant_id, client_id, secret, &scope, deadline,
        )
        .await?;
        Ok::<_, AuthError>(ApiToken {
            roles: ApiRoles {
                api,
                roles: tokens.claims()?.roles,
            },
            tokens,
        })
    }))
    .await;
    // In the order of `apis`; the first failure is the one said.
    let out = tokens
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .inspect_err(log)?;
    tracing::info!(
        client_id,
        apis = out.len(),
        "a token was obtained with the secret"
    );
    Ok(out)
}

/// Client-credentials token, retried while Entra does not know the new app or secret yet
/// (until `deadline`).
pub async fn token_with_patience(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
    secret: &SecretString,
    scope: &str,
    deadline: tokio::time::Instant,
) -> Result<Tokens, AuthError> {
    let mut wait = Duration::from_secs(2);
    loop {
        let result =
            auth::client_credentials_token(http, endpoints, tenant_id, client_id, secret, scope)
                .await;
        match result {
            Err(e) if is_replicating(&e) && tokio::time::Instant::now() + wait < deadline => {
                tracing::info!(aadsts = ?e.aadsts(), "new secret not usable yet; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 3 / 2).min(Duration::from_secs(8));
            }
            other => return other,
        }
    }
}

/// Whether `e` is one of the answers a new app or secret gets while it replicates.
pub fn is_replicating(e: &AuthError) -> bool {
    e.aadsts().is_some_and(|c| REPLICATION_AADSTS.contains(&c))
}

fn log(e: &AuthError) {
    tracing::warn!(detail = %e.detail(), "secret check failed");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::Cloud;

    #[test]
    fn graph_alone_when_nothing_is_an_application_permission() {
        assert_eq!(apis_to_check([]), BTreeSet::from([Api::Graph]));
        assert_eq!(
            apis_to_check([Api::Exchange, Api::Exchange]),
            BTreeSet::from([Api::Exchange])
        );
    }

    fn permission(api: Api, name: &str, kind: PermissionType) -> PermissionStatus {
        PermissionStatus {
            api,
            name: name.into(),
            kind,
            id: format!("id-{name}"),
            description: String::new(),
            granted: false,
        }
    }

    fn roles(api: Api, roles: &[&str]) -> ApiRoles {
        ApiRoles {
            api,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    fn officemaster() -> Vec<PermissionStatus> {
        vec![
            permission(
                Api::Exchange,
                "full_access_as_app",
                PermissionType::Application,
            ),
            permission(Api::Graph, "People.Read.All", PermissionType::Application),
            permission(Api::Graph, "User.Read.All", PermissionType::Application),
            permission(Api::Graph, "User.Read", PermissionType::Delegated),
        ]
    }

    #[test]
    fn nothing_is_missing_when_every_application_permission_is_in_its_token() {
        let checked = [
            roles(Api::Exchange, &["full_access_as_app"]),
            roles(
                Api::Graph,
                &["User.Read.All", "People.Read.All", "Mail.Send"],
            ),
        ];
        assert!(missing_roles(&officemaster(), &checked).is_empty());
        assert!(missing_roles(&[], &checked).is_empty(), "nothing expected");
    }

    #[test]
    fn a_role_missing_from_its_token_is_reported_in_the_order_expected() {
        let checked = [
            roles(Api::Exchange, &[]),
            roles(Api::Graph, &["People.Read.All"]),
        ];
        assert_eq!(
            missing_roles(&officemaster(), &checked),
            ["full_access_as_app", "User.Read.All"]
        );
    }

    #[test]
    fn a_role_in_the_token_of_another_api_does_not_count() {
        let checked = [
            roles(Api::Exchange, &["User.Read.All", "People.Read.All"]),
            roles(Api::Graph, &["full_access_as_app"]),
        ];
        assert_eq!(
            missing_roles(&officemaster(), &checked),
            ["full_access_as_app", "People.Read.All", "User.Read.All"]
        );
    }

    #[test]
    fn an_api_without_a_token_counts_as_missing_not_as_skipped() {
        let checked = [roles(Api::Graph, &["People.Read.All", "User.Read.All"])];
        assert_eq!(
            missing_roles(&officemaster(), &checked),
            ["full_access_as_app"]
        );
        assert_eq!(
            missing_roles(&officemaster(), &[]),
            ["full_access_as_app", "People.Read.All", "User.Read.All"]
        );
    }

    #[test]
    fn delegated_permissions_and_the_case_of_role_names_are_not_compared() {
        let expected = [
            permission(Api::Graph, "User.Read", PermissionType::Delegated),
            permission(Api::Graph, "Mail.Send", PermissionType::Application),
            permission(Api::Graph, "Mail.Send", PermissionType::Application),
        ];
        assert!(missing_roles(&expected, &[roles(Api::Graph, &["mail.send"])]).is_empty());
        assert_eq!(
            missing_roles(&expected, &[roles(Api::Graph, &[])]),
            ["Mail.Send"],
            "named once"
        );
    }

    #[test]
    fn scopes_follow_the_cloud() {
        let global = Endpoints::for_cloud(Cloud::Global);
        assert_eq!(
            app_only_scope(&global, Api::Exchange),
            "https://outlook.office365.com/.default"
        );
        assert_eq!(
            app_only_scope(&global, Api::Graph),
            "https://graph.microsoft.com/.default"
        );
        let usgov = Endpoints::for_cloud(Cloud::Usgov);
        assert_eq!(
            app_only_scope(&usgov, Api::Exchange),
            "https://outlook.office365.us/.default"
        );
        let china = Endpoints::for_cloud(Cloud::China);
        assert_eq!(
            app_only_scope(&china, Api::Exchange),
            "https://partner.outlook.cn/.default"
        );
    }
}
