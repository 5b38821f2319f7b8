//! `POST /EWS/Exchange.asmx`: Exchange Web Services as Exchange Online answers an app-only
//! (`full_access_as_app`) caller, for the one operation exowiz's probe uses — `GetFolder` of a
//! distinguished folder of an impersonated mailbox.
//!
//! What is checked, in this order (the order is a best guess; each answer is Microsoft's):
//! 1. SOAP 1.1 needs `Content-Type: text/xml`; anything else is refused with 415.
//! 2. The bearer token (Microsoft's "Authenticate an EWS application by using OAuth",
//!    office-developer-exchange-docs how-to-authenticate-an-ews-application-by-using-oauth.md:
//!    app-only tokens for `https://outlook.office365.com/.default`, the `full_access_as_app`
//!    role). Failures answer 401 with `WWW-Authenticate: Bearer …` and `x-ms-diagnostics`
//!    (format and error IDs from "Instrumenting client requests for EWS and REST",
//!    instrumenting-client-requests-for-ews-and-rest-in-exchange.md, Table 2). The `reason`
//!    texts for 2000008 ("The token contains no permissions, or permissions can not be
//!    understood.") and the `error_category` field are as Exchange Online has been seen to
//!    send them (otris/ews-cpp#148); the others are best guesses.
//! 3. The organisation's EWS settings (`settings`): 403 with `X-EWS-Policy-Reason`.
//! 4. The SOAP envelope; a broken one is a SOAP fault `ErrorSchemaValidation`.
//! 5. `ExchangeImpersonation/ConnectingSID` (PrimarySmtpAddress, SmtpAddress or
//!    PrincipalName): an app-only token without it is the fault
//!    `ErrorInvalidExchangeImpersonationHeaderData` ("ExchangeImpersonation SOAP header must
//!    be present for this type of OAuth token.", as seen in OfficeDev/ews-managed-api#245).
//! 6. `X-AnchorMailbox`: Microsoft says to always send it with impersonation, naming the
//!    impersonated mailbox, else "you may get error messages 500 or 503 at times"
//!    (impersonation-and-ews-in-exchange.md). The demo tenant answers 503 every time — stricter,
//!    so a client that forgets it notices here.
//! 7. The mailbox: none with that address is the fault `ErrorNonExistentMailbox` ("The SMTP
//!    address has no mailbox associated with it.", Exchange's wording as seen in
//!    ecederstrand/exchangelib#968); `Set-CASMailbox -EwsEnabled $false` is 403 with
//!    "EWS is disabled for this user or tenant".
//! 8. `GetFolder` (GetFolder operation reference, getfolder-operation.md): `ResponseClass
//!    Success`, folder ID, display name, counts. An unknown distinguished folder is the
//!    response error `ErrorFolderNotFound`; any other operation is `ErrorInvalidRequest` (the
//!    demo tenant answers GetFolder only).
//!
//! SOAP faults are HTTP 500 with Exchange's fault shape (faultcode in the types namespace,
//! `detail/ResponseCode`, `detail/Message`), as in Microsoft's GetServiceConfiguration error
//! example (getserviceconfiguration-operation.md).

pub mod settings;
mod soap;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::Value;

use super::catalog::{EXCHANGE_APP_ID, EXCHANGE_RESOURCE};
use super::shared::Shared;
use super::state::Tenant;
use super::token::{self, TokenError};
use super::util::{eq_ci, new_guid, sprop};
use mini_xml as xml;
use settings::Access;

/// The application permission EWS needs for app-only access.
const FULL_ACCESS_AS_APP: &str = "full_access_as_app";
/// The delegated one (a signed-in user's own mailbox).
const EWS_ACCESS_AS_USER: &str = "EWS.AccessAsUser.All";

/// The audiences Exchange Online accepts: its resource URIs as Entra writes them into `aud`
/// (with or without the trailing slash) and its application ID.
fn is_exchange_audience(aud: &str) -> bool {
    let aud = aud.trim_end_matches('/');
    [
        EXCHANGE_RESOURCE,
        "https://outlook.office.com",
        EXCHANGE_APP_ID,
    ]
    .iter()
    .any(|a| eq_ci(a, aud))
}

pub async fn exchange_asmx(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut resp = handle(&shared, &headers, &body);
    // "Instrumenting client requests": every answer carries a request-id.
    if let Ok(v) = HeaderValue::from_str(&new_guid()) {
        resp.headers_mut().insert("request-id", v);
    }
    resp
}

/// `GET` on the endpoint: Exchange only answers SOAP posts there.
pub async fn only_post() -> Response {
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")]).into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

fn handle(shared: &Shared, headers: &HeaderMap, body: &[u8]) -> Response {
    let is_soap_11 = header(headers, "content-type")
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("text/xml"));
    if !is_soap_11 {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    let caller = match authenticate(shared, headers) {
        Ok(c) => c,
        Err(diagnostics) => return unauthorized(diagnostics),
    };
    let user_agent = header(headers, "user-agent").unwrap_or("");
    let access = shared.mutate(|t| {
        if shared.config.ews_allow_new_apps && caller.app_only {
            // The demo stands for an admin who ran the allow-list command exowiz printed as
            // soon as the app existed (and for the 24-hour cache being done already).
            let requests_ews = t.app_by_app_id(&caller.app_id).is_some();
            if requests_ews {
                t.ews.allow_app(&caller.app_id);
            }
        }
        Ok::<_, ()>(t.ews.organisation_access(&caller.app_id, user_agent))
    });
    if let Ok(access @ (Access::Disabled | Access::Blocked)) = access {
        return policy_block(access);
    }
    let text = String::from_utf8_lossy(body);
    let envelope = match xml::parse(&text) {
        Ok(e) if e.name == "Envelope" && e.child("Body").is_some() => e,
        Ok(_) => {
            return soap::fault(
                "ErrorSchemaValidation",
                "The request failed schema validation: the root element is not a SOAP envelope.",
                None,
            );
        }
        Err(why) => {
            return soap::fault(
                "ErrorSchemaValidation",
                &format!("The request failed schema validation: {why}."),
                None,
            );
        }
    };
    let impersonated = envelope
        .find("Header")
        .and_then(|h| h.find("ExchangeImpersonation"))
        .map(|i| {
            ["PrimarySmtpAddress", "SmtpAddress", "PrincipalName"]
                .iter()
                .find_map(|n| i.text_of(n).filter(|v| !v.is_empty()))
                .map(str::to_string)
        });
    let mailbox_address = match (caller.app_only, impersonated) {
        (true, None) => {
            return soap::fault(
                "ErrorInvalidExchangeImpersonationHeaderData",
                "ExchangeImpersonation SOAP header must be present for this type of OAuth token.",
                None,
            );
        }
        (_, Some(None)) => {
            // ResponseCode reference: "the caller does not specify a UPN, an e-mail address,
            // or a user SID … or the values are empty".
            return soap::fault(
                "ErrorInvalidExchangeImpersonationHeaderData",
                "The impersonation header does not name a user (PrimarySmtpAddress, SmtpAddress or PrincipalName).",
                None,
            );
        }
        (false, Some(Some(_))) => {
            return soap::fault(
                "ErrorInvalidExchangeImpersonationHeaderData",
                "ExchangeImpersonation SOAP header must not exist for this type of OAuth token.",
                None,
            );
        }
        (true, Some(Some(address))) => address,
        (false, None) => caller.user.clone().unwrap_or_default(),
    };
    if caller.app_only {
        let anchor = header(headers, "x-anchormailbox");
        let same = anchor.is_some_and(|a| {
            let a = a.trim_start_matches("SMTP:").trim_start_matches("smtp:");
            eq_ci(a, &mailbox_address)
                || shared.read(|t| {
                    primary_smtp(t, a).is_some()
                        && primary_smtp(t, a) == primary_smtp(t, &mailbox_address)
                })
        });
        if !same {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "X-AnchorMailbox must name the impersonated mailbox (the demo tenant answers every request without it this way; Exchange Online fails some of them with 500 or 503).",
            )
                .into_response();
        }
    }
    let Some(primary) = shared.read(|t| primary_smtp(t, &mailbox_address)) else {
        return soap::fault(
            "ErrorNonExistentMailbox",
            "The SMTP address has no mailbox associated with it.",
            Some(("SmtpAddress", &mailbox_address)),
        );
    };
    if !shared.read(|t| t.ews.mailbox_enabled(&primary)) {
        return policy_block(Access::Disabled);
    }
    let Some(operation) = envelope.find("Body").and_then(|b| b.children.first()) else {
        return soap::fault("ErrorInvalidRequest", "The SOAP body is empty.", None);
    };
    if operation.name != "GetFolder" {
        return soap::fault(
            "ErrorInvalidRequest",
            &format!(
                "The demo tenant's EWS answers GetFolder only, not {}.",
                operation.name
            ),
            None,
        );
    }
    let folders: Vec<String> = operation
        .find("FolderIds")
        .map(|ids| {
            ids.children
                .iter()
                .filter(|c| c.name == "DistinguishedFolderId")
                .filter_map(|c| c.attr("Id").map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if folders.is_empty() {
        return soap::fault(
            "ErrorSchemaValidation",
            "The request failed schema validation: GetFolder needs FolderIds with a DistinguishedFolderId.",
            None,
        );
    }
    soap::get_folder_response(&primary, &folders)
}

/// Who calls, from a valid token.
struct Caller {
    app_id: String,
    /// Client credentials (no signed-in user).
    app_only: bool,
    /// The signed-in user of a delegated token.
    user: Option<String>,
}

/// Why a token was refused: `x-ms-diagnostics` (error ID, category, reason), `None` when
/// there was no token at all.
type Refusal = Option<(u32, &'static str, &'static str)>;

fn authenticate(shared: &Shared, headers: &HeaderMap) -> Result<Caller, Refusal> {
    let Some(token) = header(headers, "authorization").and_then(|v| {
        v.strip_prefix("Bearer ")
            .or_else(|| v.strip_prefix("bearer "))
    }) else {
        return Err(None);
    };
    let claims = match token::decode(&shared.key, token.trim(), Utc::now().timestamp()) {
        Ok(c) => c,
        Err(TokenError::Expired) => {
            return Err(Some((2000002, "token_expired", "The token has expired.")));
        }
        Err(TokenError::Malformed | TokenError::BadSignature) => {
            return Err(Some((
                2000001,
                "invalid_token",
                "The token is invalid or was not issued by a trusted issuer.",
            )));
        }
    };
    let text = |k: &str| claims.get(k).and_then(Value::as_str).unwrap_or("");
    if !is_exchange_audience(text("aud")) {
        return Err(Some((
            2000003,
            "invalid_resource",
            "The audience claim value is invalid for this resource.",
        )));
    }
    let tenant_id = shared.read(|t| t.tenant_id.clone());
    if !eq_ci(text("tid"), &tenant_id) {
        return Err(Some((
            2000004,
            "invalid_tenant",
            "The tenant of the token is not this organization.",
        )));
    }
    let app_only = text("idtyp") == "app" || claims.get("scp").is_none();
    let permitted = if app_only {
        claims
            .get("roles")
            .and_then(Value::as_array)
            .is_some_and(|r| {
                r.iter()
                    .filter_map(Value::as_str)
                    .any(|r| eq_ci(r, FULL_ACCESS_AS_APP))
            })
    } else {
        text("scp")
            .split_whitespace()
            .any(|s| eq_ci(s, EWS_ACCESS_AS_USER))
    };
    if !permitted {
        return Err(Some((
            2000008,
            "invalid_grant",
            "The token contains no permissions, or permissions can not be understood.",
        )));
    }
    Ok(Caller {
        app_id: text("appid").to_string(),
        app_only,
        user: (!app_only).then(|| text("upn").to_string()),
    })
}

/// 401 with Exchange Online's bearer challenge (best guess of its parameters) and, when a
/// token was presented, `x-ms-diagnostics: id;reason="…";error_category="…"`.
fn unauthorized(diagnostics: Option<(u32, &str, &str)>) -> Response {
    let mut resp = StatusCode::UNAUTHORIZED.into_response();
    let h = resp.headers_mut();
    let challenge = format!(
        "Bearer client_id=\"{EXCHANGE_APP_ID}\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\""
    );
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        h.insert(header::WWW_AUTHENTICATE, v);
    }
    if let Some((id, category, reason)) = diagnostics
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{id};reason=\"{reason}\";error_category=\"{category}\""
        ))
    {
        h.insert("x-ms-diagnostics", v);
    }
    resp
}

/// 403 with `X-EWS-Policy-Reason` and no body: "Applications should inspect this header
/// rather than rely on an error message in the response body".
fn policy_block(access: Access) -> Response {
    let mut resp = StatusCode::FORBIDDEN.into_response();
    if let Some(reason) = access.reason() {
        resp.headers_mut()
            .insert("X-EWS-Policy-Reason", HeaderValue::from_static(reason));
    }
    resp
}

/// The primary SMTP address of the Exchange Online mailbox `address` names (its UPN, mail or
/// one of its proxy addresses); `None` when no user with a mailbox has it.
pub fn primary_smtp(t: &Tenant, address: &str) -> Option<String> {
    let address = address.trim();
    t.users
        .iter()
        .filter(|u| u.mailbox_settings.is_some())
        .find(|u| {
            eq_ci(u.upn(), address)
                || eq_ci(sprop(&u.props, "mail"), address)
                || u.props
                    .get("proxyAddresses")
                    .and_then(Value::as_array)
                    .is_some_and(|p| {
                        p.iter().filter_map(Value::as_str).any(|p| {
                            p.split_once(':')
                                .is_some_and(|(kind, a)| eq_ci(kind, "smtp") && eq_ci(a, address))
                        })
                    })
        })
        .map(|u| {
            let mail = sprop(&u.props, "mail");
            if mail.is_empty() { u.upn() } else { mail }.to_ascii_lowercase()
        })
}
