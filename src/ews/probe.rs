//! The EWS probe: proves that an EWS connector's app can really open a mailbox, the way the
//! connector does it — an app-only token for Exchange Online, then `GetFolder` of the
//! mailbox's inbox with `X-AnchorMailbox` and `ExchangeImpersonation` (Microsoft's "Authenticate
//! an EWS application by using OAuth", app-only sample). The result names the likely cause in
//! plain words.
//!
//! What it can tell apart (Exchange Online's answers, see the demo tenant's crates/demo-tenant/src/ews):
//! - 403 `X-EWS-Policy-Reason: EWS is blocked by policy …` — the app is not on the tenant's
//!   EWS allow list (EwsAllowedAppIDs) yet, or a user-agent policy blocks it. A change of the
//!   list takes up to 24 hours, so exowiz does not retry: it says so.
//! - 403 `X-EWS-Policy-Reason: EWS is disabled …` — EwsEnabled is off for the tenant or mailbox.
//! - 401 (x-ms-diagnostics 2000008) or a token without `full_access_as_app` — consent missing.
//! - fault `ErrorNonExistentMailbox` — no such mailbox in Exchange Online.
//! - fault `ErrorImpersonateUserDenied` / `ErrorAccessDenied` — the app may not open it.
//! - no connection — network.
//!
//! The token's replication answers (a brand-new app or secret) are retried like
//! [`crate::verify`] does, within the caller's patience; nothing else is.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Value, json};

use super::soap::{self, SoapAnswer};
use crate::endpoints::Endpoints;
use crate::i18n::tf;
use crate::profile::Api;
use crate::verify;

/// The application permission EWS needs for app-only access.
pub const FULL_ACCESS_AS_APP: &str = "full_access_as_app";

/// How long one EWS call may take (Exchange answers GetFolder within a second or two).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The likely cause of the probe's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EwsCause {
    /// The inbox was opened.
    Ok,
    /// Not tried (no mailbox, or no token to try with).
    Skipped,
    NotOnAllowList,
    EwsDisabled,
    ConsentMissing,
    MailboxNotFound,
    MailboxDenied,
    Network,
    /// Any other answer (the detail quotes it).
    Unexpected,
}

/// What the probe found, for the screen, the text output and `verify.ews` in JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EwsProbe {
    pub mailbox: Option<String>,
    pub cause: EwsCause,
    /// One or two plain sentences (the wizard's language; English in the subcommands).
    pub detail: String,
}

impl EwsProbe {
    /// Not tried, with the sentence why.
    pub fn skipped(mailbox: Option<String>, detail: String) -> Self {
        Self {
            mailbox,
            cause: EwsCause::Skipped,
            detail,
        }
    }

    /// `Some(true)` opened, `Some(false)` failed, `None` not tried.
    pub fn ok(&self) -> Option<bool> {
        match self.cause {
            EwsCause::Skipped => None,
            EwsCause::Ok => Some(true),
            _ => Some(false),
        }
    }

    pub fn failed(&self) -> bool {
        self.ok() == Some(false)
    }

    /// `verify.ews` of the JSON outputs.
    pub fn to_json(&self) -> Value {
        json!({
            "ok": self.ok(),
            "mailbox": self.mailbox,
            "cause": self.cause,
            "detail": self.detail,
        })
    }
}

/// Gets an app-only Exchange token with `secret` (patient while a new secret replicates) and
/// opens the inbox of `mailbox` through EWS.
pub async fn probe(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    tenant_id: &str,
    client_id: &str,
    secret: &SecretString,
    mailbox: &str,
    patience: Duration,
) -> EwsProbe {
    let deadline = tokio::time::Instant::now() + patience;
    let scope = verify::app_only_scope(endpoints, Api::Exchange);
    let tokens = match verify::token_with_patience(
        http, endpoints, tenant_id, client_id, secret, &scope, deadline,
    )
    .await
    {
        Ok(t) => t,
        Err(e) => {
            tracing::warn!(detail = %e.detail(), "no Exchange token for the EWS probe");
            return EwsProbe::skipped(
                Some(mailbox.to_string()),
                tf("ews.no_token", &[("error", &e.to_string())]),
            );
        }
    };
    probe_with(http, endpoints, client_id, &tokens, mailbox).await
}

/// Opens the inbox of `mailbox` through EWS with an app-only Exchange token already in hand
/// (the one the secret's proof got).
pub async fn probe_with(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    client_id: &str,
    tokens: &crate::auth::Tokens,
    mailbox: &str,
) -> EwsProbe {
    let has_role = tokens
        .claims()
        .map(|c| {
            c.roles
                .iter()
                .any(|r| r.eq_ignore_ascii_case(FULL_ACCESS_AS_APP))
        })
        .unwrap_or(false);
    let result = call(http, endpoints, &tokens.access_token, mailbox).await;
    let probe = judge(endpoints, mailbox, has_role, result);
    tracing::info!(client_id, mailbox, cause = ?probe.cause, "EWS probe");
    probe
}

/// What came back from one EWS call (no token in here).
#[derive(Debug)]
pub struct EwsReply {
    pub status: u16,
    pub policy_reason: Option<String>,
    pub diagnostics: Option<String>,
    pub body: String,
}

async fn call(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    token: &SecretString,
    mailbox: &str,
) -> Result<EwsReply, String> {
    let response = http
        .post(endpoints.ews.clone())
        .timeout(CALL_TIMEOUT)
        .header("Content-Type", "text/xml; charset=utf-8")
        .header("Accept", "text/xml")
        .bearer_auth(token.expose_secret())
        // Microsoft: "When using impersonation you must always use the X-AnchorMailbox
        // request header, which should be set to the SMTP address of the impersonated
        // mailbox."
        .header("X-AnchorMailbox", mailbox)
        .header("client-request-id", uuid::Uuid::new_v4().to_string())
        .header("return-client-request-id", "true")
        .body(soap::get_inbox_request(mailbox))
        .send()
        .await
        .map_err(|e| {
            // reqwest's error names the URL, never the headers (the token stays out).
            let why = if e.is_timeout() {
                "no answer in time".to_string()
            } else if e.is_connect() {
                "no connection".to_string()
            } else {
                e.to_string()
            };
            tracing::warn!(error = %e, "EWS call failed");
            why
        })?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let status = response.status().as_u16();
    let policy_reason = header("x-ews-policy-reason");
    let diagnostics = header("x-ms-diagnostics");
    let body = response.text().await.unwrap_or_default();
    Ok(EwsReply {
        status,
        policy_reason,
        diagnostics,
        body,
    })
}

/// Names the likely cause of `result` (pure, so each answer is unit-tested).
pub fn judge(
    endpoints: &Endpoints,
    mailbox: &str,
    token_has_role: bool,
    result: Result<EwsReply, String>,
) -> EwsProbe {
    let mut probe = EwsProbe {
        mailbox: Some(mailbox.to_string()),
        cause: EwsCause::Unexpected,
        detail: String::new(),
    };
    let reply = match result {
        Ok(r) => r,
        Err(why) => {
            probe.cause = EwsCause::Network;
            probe.detail = tf(
                "ews.network",
                &[("url", endpoints.ews.as_str()), ("error", &why)],
            );
            return probe;
        }
    };
    let (cause, detail) = match (reply.status, &reply.policy_reason) {
        (403, Some(reason)) if reason.to_ascii_lowercase().contains("disabled") => (
            EwsCause::EwsDisabled,
            tf("ews.disabled", &[("mailbox", mailbox), ("reason", reason)]),
        ),
        (403, Some(reason)) => (
            EwsCause::NotOnAllowList,
            tf("ews.not_on_allow_list", &[("reason", reason)]),
        ),
        (401, _) => {
            let diagnostics = reply.diagnostics.as_deref().unwrap_or("");
            if !token_has_role || diagnostics.starts_with("2000008") {
                (EwsCause::ConsentMissing, tf("ews.consent_missing", &[]))
            } else {
                (
                    EwsCause::Unexpected,
                    tf(
                        "ews.unexpected",
                        &[(
                            "what",
                            &format!("HTTP 401 {}", diagnostic_reason(diagnostics)),
                        )],
                    ),
                )
            }
        }
        (status, _) => match soap::read_answer(&reply.body) {
            SoapAnswer::Folder { display_name, .. } if status == 200 => (
                EwsCause::Ok,
                tf(
                    "ews.ok",
                    &[
                        ("mailbox", mailbox),
                        ("folder", &display_name),
                        ("host", endpoints.ews.host_str().unwrap_or_default()),
                    ],
                ),
            ),
            SoapAnswer::Error { code, .. } if code == "ErrorNonExistentMailbox" => (
                EwsCause::MailboxNotFound,
                tf("ews.mailbox_not_found", &[("mailbox", mailbox)]),
            ),
            SoapAnswer::Error { code, .. }
                if code == "ErrorImpersonateUserDenied" || code == "ErrorAccessDenied" =>
            {
                (
                    EwsCause::MailboxDenied,
                    tf(
                        "ews.mailbox_denied",
                        &[("mailbox", mailbox), ("code", &code)],
                    ),
                )
            }
            SoapAnswer::Error { code, message } => (
                EwsCause::Unexpected,
                tf(
                    "ews.unexpected",
                    &[("what", &format!("HTTP {status}, {code}: {message}"))],
                ),
            ),
            _ => (
                EwsCause::Unexpected,
                tf("ews.unexpected", &[("what", &format!("HTTP {status}"))]),
            ),
        },
    };
    probe.cause = cause;
    probe.detail = detail;
    probe
}

/// The `reason="…"` of an `x-ms-diagnostics` value, or the value itself.
fn diagnostic_reason(diagnostics: &str) -> String {
    diagnostics
        .split_once("reason=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(reason, _)| reason.to_string())
        .unwrap_or_else(|| diagnostics.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoints::Cloud;

    const MBX: &str = "fax-transfer@contoso.com";

    fn reply(status: u16, reason: Option<&str>, diag: Option<&str>, body: &str) -> EwsReply {
        EwsReply {
            status,
            policy_reason: reason.map(str::to_string),
            diagnostics: diag.map(str::to_string),
            body: body.to_string(),
        }
    }

    fn judged(has_role: bool, r: Result<EwsReply, String>) -> EwsProbe {
        judge(&Endpoints::for_cloud(Cloud::Global), MBX, has_role, r)
    }

    fn fault(code: &str) -> String {
        format!(
            r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode xmlns:a="t">a:{code}</faultcode><faultstring>x</faultstring><detail><e:ResponseCode xmlns:e="e">{code}</e:ResponseCode><e:Message xmlns:e="e">x</e:Message></detail></s:Fault></s:Body></s:Envelope>"#
        )
    }

    #[test]
    fn each_documented_answer_names_its_cause() {
        let cases = [
            (
                judged(
                    true,
                    Ok(reply(
                        403,
                        Some("EWS is blocked by policy for this user or tenant"),
                        None,
                        "",
                    )),
                ),
                EwsCause::NotOnAllowList,
                "24 hours",
            ),
            (
                judged(
                    true,
                    Ok(reply(
                        403,
                        Some("EWS is disabled for this user or tenant"),
                        None,
                        "",
                    )),
                ),
                EwsCause::EwsDisabled,
                "EwsEnabled",
            ),
            (
                judged(
                    false,
                    Ok(reply(
                        401,
                        None,
                        Some(
                            "2000008;reason=\"The token contains no permissions, or permissions can not be understood.\";error_category=\"invalid_grant\"",
                        ),
                        "",
                    )),
                ),
                EwsCause::ConsentMissing,
                "full_access_as_app",
            ),
            (
                judged(
                    true,
                    Ok(reply(500, None, None, &fault("ErrorNonExistentMailbox"))),
                ),
                EwsCause::MailboxNotFound,
                MBX,
            ),
            (
                judged(
                    true,
                    Ok(reply(500, None, None, &fault("ErrorImpersonateUserDenied"))),
                ),
                EwsCause::MailboxDenied,
                "ErrorImpersonateUserDenied",
            ),
            (
                judged(true, Err("no connection".into())),
                EwsCause::Network,
                "https://outlook.office365.com/EWS/Exchange.asmx",
            ),
            (
                judged(
                    true,
                    Ok(reply(
                        401,
                        None,
                        Some(
                            "2000002;reason=\"The token has expired.\";error_category=\"token_expired\"",
                        ),
                        "",
                    )),
                ),
                EwsCause::Unexpected,
                "The token has expired.",
            ),
            (
                judged(true, Ok(reply(403, None, None, ""))),
                EwsCause::Unexpected,
                "HTTP 403",
            ),
            (
                judged(true, Ok(reply(503, None, None, "busy"))),
                EwsCause::Unexpected,
                "HTTP 503",
            ),
        ];
        for (probe, cause, words) in cases {
            assert_eq!(probe.cause, cause, "{probe:?}");
            assert!(probe.detail.contains(words), "{cause:?}: {}", probe.detail);
            assert_eq!(probe.ok(), Some(false));
            assert_eq!(probe.to_json()["ok"], false);
        }
    }

    #[test]
    fn success_and_skipped() {
        let ok = r#"<s:Envelope xmlns:s="s"><s:Body><m:GetFolderResponse xmlns:m="m"><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder xmlns:t="t"><t:FolderId Id="AQ=" /><t:DisplayName>Posteingang</t:DisplayName></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>"#;
        let p = judged(true, Ok(reply(200, None, None, ok)));
        assert_eq!(p.cause, EwsCause::Ok);
        assert!(
            p.detail.contains("Posteingang") && p.detail.contains(MBX),
            "{}",
            p.detail
        );
        assert_eq!(p.to_json()["ok"], true);
        let s = EwsProbe::skipped(None, "why".into());
        assert_eq!(s.ok(), None);
        assert!(!s.failed());
        assert_eq!(
            s.to_json(),
            json!({"ok": null, "mailbox": null, "cause": "skipped", "detail": "why"})
        );
    }

    #[test]
    fn sentences_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let p = with_language(Language::German, || {
            judged(
                true,
                Ok(reply(
                    403,
                    Some("EWS is blocked by policy for this user or tenant"),
                    None,
                    "",
                )),
            )
        });
        assert!(p.detail.contains("24 Stunden"), "{}", p.detail);
    }
}
