//! `/{tenant}/oauth2/v2.0/authorize`: the authorization code flow (with PKCE) and its
//! sign-in page.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::super::errors::OAuthError;
use super::super::shared::Shared;
use super::super::state::SignInRule;
use super::super::util::{parse_form, random_token};
use super::issue::{self, user_info};
use super::session::{AuthCode, AuthorizeParams};
use super::{ClientApp, check_audience, find_client, pages, resolve_tenant, scopes};

/// The account that signs in when nobody says otherwise.
pub const DEFAULT_ACCOUNT: &str = "admin@contoso.com";

fn html_error(status: StatusCode, e: &OAuthError) -> Response {
    (
        status,
        Html(pages::page(
            "Sorry, but we're having trouble signing you in.",
            &format!(
                "<p class=\"error\">{}</p>",
                super::super::util::html_escape(&e.short_description())
            ),
        )),
    )
        .into_response()
}

/// Send `pairs` back to the client's redirect URI in the requested response mode.
pub fn redirect_with(redirect_uri: &str, mode: &str, pairs: Vec<(String, String)>) -> Response {
    match mode {
        "form_post" => Html(pages::form_post(redirect_uri, &pairs)).into_response(),
        _ => {
            let Ok(mut url) = url::Url::parse(redirect_uri) else {
                return (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response();
            };
            if mode == "fragment" {
                let frag: String = url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(pairs.iter())
                    .finish();
                url.set_fragment(Some(&frag));
            } else {
                url.query_pairs_mut().extend_pairs(pairs.iter());
            }
            (StatusCode::FOUND, [(header::LOCATION, url.to_string())]).into_response()
        }
    }
}

fn error_pairs(e: &OAuthError, error: &str, state: &Option<String>) -> Vec<(String, String)> {
    let mut pairs = vec![
        ("error".to_string(), error.to_string()),
        ("error_description".to_string(), e.short_description()),
    ];
    if let Some(s) = state {
        pairs.push(("state".into(), s.clone()));
    }
    pairs
}

fn redirect_error(p: &AuthorizeParams, e: &OAuthError) -> Response {
    redirect_with(
        &p.redirect_uri,
        &p.response_mode,
        error_pairs(e, e.error, &p.state),
    )
}

/// `GET /{tenant}/oauth2/v2.0/authorize`
pub async fn start(
    State(shared): State<Arc<Shared>>,
    Path(tenant): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let kind = match resolve_tenant(&shared, &tenant) {
        Ok(k) => k,
        Err(e) => return html_error(StatusCode::BAD_REQUEST, &e),
    };
    let Some(client_id) = q.get("client_id").filter(|s| !s.is_empty()) else {
        return html_error(
            StatusCode::BAD_REQUEST,
            &OAuthError::missing_parameter("client_id"),
        );
    };
    let client = match find_client(&shared, client_id).and_then(|c| {
        check_audience(&c, kind)?;
        Ok(c)
    }) {
        Ok(c) => c,
        Err(e) => return html_error(StatusCode::BAD_REQUEST, &e),
    };
    let Some(redirect_uri) = q.get("redirect_uri").filter(|s| !s.is_empty()) else {
        return html_error(
            StatusCode::BAD_REQUEST,
            &OAuthError::invalid_request(900971, "No reply address provided."),
        );
    };
    if !client.redirect_allowed(redirect_uri) {
        return html_error(
            StatusCode::BAD_REQUEST,
            &OAuthError::invalid_request(
                50011,
                format!(
                    "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.",
                    client.app_id
                ),
            ),
        );
    }
    let params = AuthorizeParams {
        tenant: tenant.clone(),
        client_id: client.app_id.clone(),
        redirect_uri: redirect_uri.clone(),
        scope: q
            .get("scope")
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .or_else(|| {
                // v1 endpoint: `resource` instead of `scope`.
                q.get("resource")
                    .map(|r| format!("{}/.default openid", r.trim_end_matches('/')))
            })
            .unwrap_or_default(),
        state: q.get("state").cloned(),
        nonce: q.get("nonce").cloned(),
        code_challenge: q.get("code_challenge").cloned().filter(|c| !c.is_empty()),
        code_challenge_method: q
            .get("code_challenge_method")
            .cloned()
            .unwrap_or_else(|| "plain".into()),
        response_mode: q
            .get("response_mode")
            .cloned()
            .unwrap_or_else(|| "query".into()),
        login_hint: q.get("login_hint").cloned().filter(|h| !h.is_empty()),
    };
    if !matches!(
        params.response_mode.as_str(),
        "query" | "fragment" | "form_post"
    ) {
        let mut p = params.clone();
        p.response_mode = "query".into();
        return redirect_error(
            &p,
            &OAuthError::invalid_request(
                70007,
                format!(
                    "The response_mode '{}' is not supported.",
                    params.response_mode
                ),
            ),
        );
    }
    match q.get("response_type").map(String::as_str) {
        Some("code") => {}
        None | Some("") => {
            return redirect_error(&params, &OAuthError::missing_parameter("response_type"));
        }
        Some(other) => {
            return redirect_error(
                &params,
                &OAuthError::new(
                    400,
                    "unsupported_response_type",
                    70005,
                    format!("The response type '{other}' is not supported by the emulator."),
                ),
            );
        }
    }
    if params.scope.trim().is_empty() {
        return redirect_error(&params, &OAuthError::missing_parameter("scope"));
    }
    let requested = match scopes::parse(&shared, &params.scope) {
        Ok(r) => r,
        Err(e) => return redirect_error(&params, &e),
    };
    if let Some(ch) = &params.code_challenge {
        if !matches!(params.code_challenge_method.as_str(), "S256" | "plain") {
            return redirect_error(
                &params,
                &OAuthError::invalid_request(50149, "Invalid Code_Challenge_method parameter."),
            );
        }
        if !(43..=128).contains(&ch.len()) {
            return redirect_error(
                &params,
                &OAuthError::invalid_request(501491, "Invalid size of Code_Challenge parameter."),
            );
        }
    }
    if q.get("prompt").map(String::as_str) == Some("none") && !shared.config.auto_approve {
        return redirect_error(
            &params,
            &OAuthError::new(
                400,
                "login_required",
                50058,
                "A silent sign-in request was sent but no user is signed in.",
            ),
        );
    }
    if shared.config.auto_approve {
        let account = params
            .login_hint
            .clone()
            .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
        return complete(&shared, &params, &client, &account, None);
    }
    let request_id = random_token(24);
    {
        let mut s = shared.session();
        s.prune();
        s.pending_authorize
            .insert(request_id.clone(), (params.clone(), Instant::now()));
    }
    let account = params
        .login_hint
        .clone()
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
    let perms: Vec<String> = requested
        .permissions
        .iter()
        .map(|p| format!("{} ({})", p, requested.resource.display_name))
        .chain(requested.oidc.iter().cloned())
        .collect();
    let action = format!("/{tenant}/oauth2/v2.0/authorize");
    Html(pages::sign_in(
        &action,
        &request_id,
        &client.display_name,
        &account,
        &perms,
        None,
    ))
    .into_response()
}

/// Sign `account` in and send the code (or the sign-in error) to the redirect URI.
fn complete(
    shared: &Shared,
    params: &AuthorizeParams,
    client: &ClientApp,
    account: &str,
    request_id: Option<&str>,
) -> Response {
    let (user, org) = shared.read(|t| (user_info(t, account), t.display_name().to_string()));
    let Some(user) = user else {
        let e = issue::unknown_user(account, &org);
        return match request_id {
            Some(id) => {
                let action = format!("/{}/oauth2/v2.0/authorize", params.tenant);
                (
                    StatusCode::OK,
                    Html(pages::sign_in(
                        &action,
                        id,
                        &client.display_name,
                        account,
                        &[],
                        Some(&e.short_description()),
                    )),
                )
                    .into_response()
            }
            None => html_error(StatusCode::BAD_REQUEST, &e),
        };
    };
    if let Some(id) = request_id {
        shared.session().pending_authorize.remove(id);
    }
    let resource_app = scopes::parse(shared, &params.scope)
        .map(|r| r.resource.app_id)
        .unwrap_or_default();
    if let Some(e) = issue::sign_in_error(&user, &resource_app) {
        let error = if user.sign_in == SignInRule::MfaRequired {
            "interaction_required"
        } else {
            "access_denied"
        };
        return redirect_with(
            &params.redirect_uri,
            &params.response_mode,
            error_pairs(&e, error, &params.state),
        );
    }
    let code = issue::new_code();
    {
        let mut s = shared.session();
        s.prune();
        s.auth_codes.insert(
            code.clone(),
            AuthCode {
                params: params.clone(),
                user_id: user.id.clone(),
                issued: Instant::now(),
                used: false,
            },
        );
    }
    let mut pairs = vec![("code".to_string(), code)];
    if let Some(s) = &params.state {
        pairs.push(("state".into(), s.clone()));
    }
    pairs.push(("session_state".into(), issue::new_session_state()));
    redirect_with(&params.redirect_uri, &params.response_mode, pairs)
}

/// `POST /{tenant}/oauth2/v2.0/authorize`: the sign-in page's Accept / Cancel.
pub async fn submit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let form = parse_form(&body);
    let request_id = form.get("request").cloned().unwrap_or_default();
    let pending = shared
        .session()
        .pending_authorize
        .get(&request_id)
        .map(|(p, _)| p.clone());
    let Some(params) = pending else {
        return (
            StatusCode::BAD_REQUEST,
            Html(pages::message(
                "This sign-in request has expired",
                "Start the sign-in again from the application.",
            )),
        )
            .into_response();
    };
    if form.get("action").map(String::as_str) != Some("accept") {
        shared.session().pending_authorize.remove(&request_id);
        let e = OAuthError::new(
            400,
            "access_denied",
            65004,
            "User declined to consent to access the app.",
        );
        return redirect_error(&params, &e);
    }
    let client = match find_client(&shared, &params.client_id) {
        Ok(c) => c,
        Err(e) => return html_error(StatusCode::BAD_REQUEST, &e),
    };
    let account = form
        .get("account")
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| DEFAULT_ACCOUNT.to_string());
    complete(&shared, &params, &client, &account, Some(&request_id))
}
