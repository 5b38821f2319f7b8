//! Proving a new secret, for every job that makes one (`exowiz register --verify`, `exowiz
//! rotate`, the wizard's Verify after a registration or a rotation), done here once: an
//! app-only token per API, retried while the secret replicates
//! ([`crate::verify::verify_secret`]), its roles compared with the application permissions
//! the app should have, then — where the profile uses EWS — the EWS probe with the same
//! patience. The front-ends only present the [`Verified`] they get.

use std::collections::BTreeSet;
use std::time::Duration;

use secrecy::SecretString;

use crate::endpoints::Endpoints;
use crate::error::JobError;
use crate::ews::{self, EwsProbe};
use crate::i18n::{t, tf};
use crate::permissions::PermissionStatus;
use crate::profile::{Api, PermissionType, Profile};
use crate::verify::{self, ApiRoles};

/// What the proof of a new secret found.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The roles per API, as the tokens carry them; or why no token came.
    pub roles: Result<Vec<ApiRoles>, JobError>,
    /// The expected application permissions no token carries (admin consent missing); empty
    /// when no token came.
    pub missing: Vec<String>,
    /// The EWS probe: `None` when the profile does not use EWS; skipped (with the reason)
    /// without a mailbox or without a token.
    pub ews: Option<EwsProbe>,
}

/// Where the secret is checked and how long a new one may take to work.
pub struct Target<'a> {
    pub http: &'a reqwest::Client,
    pub endpoints: &'a Endpoints,
    pub tenant_id: &'a str,
    pub client_id: &'a str,
    /// For the tokens and for the EWS probe alike.
    pub patience: Duration,
}

/// Whether, and which mailbox, the EWS probe opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ews {
    /// The profile does not use EWS: nothing to probe.
    NotUsed,
    /// Open this mailbox's inbox through EWS.
    Mailbox(String),
    /// The profile uses EWS but there is no mailbox to open; the probe is skipped, and why.
    NoMailbox(NoMailbox),
}

/// Why an EWS profile has no mailbox to probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoMailbox {
    /// The admin named none (`--mailbox` of the CLI).
    NotGiven,
    /// The product has no transfer mailbox (the wizard asks for none).
    NoTransferMailbox,
    /// A rotation: none was named, and the app's saved registration records none.
    NotRecorded,
}

impl Ews {
    /// The probe of an EWS app (`uses_ews`) that works with `mailbox`.
    pub fn of(uses_ews: bool, mailbox: Option<String>) -> Self {
        match (uses_ews, mailbox) {
            (false, _) => Ews::NotUsed,
            (true, Some(m)) => Ews::Mailbox(m),
            (true, None) => Ews::NoMailbox(NoMailbox::NotGiven),
        }
    }

    fn mailbox(&self) -> Option<String> {
        match self {
            Ews::Mailbox(m) => Some(m.clone()),
            _ => None,
        }
    }
}

/// What is proved: the secret, the APIs to get a token for, the permissions to compare the
/// roles with, and the EWS probe.
pub struct Proof<'a> {
    pub secret: &'a SecretString,
    /// Graph alone when empty. A registration: [`application_apis`] of `expected`; a
    /// rotation: also the APIs the app itself requests (`crate::rotate::apis_for`).
    pub apis: BTreeSet<Api>,
    pub expected: &'a [PermissionStatus],
    pub ews: Ews,
}

/// What happens while the proof runs, for a front-end that tells the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The tokens came; the mailbox is opened through EWS next.
    ProbingEws,
}

/// The APIs `expected` holds application permissions on.
pub fn application_apis(expected: &[PermissionStatus]) -> BTreeSet<Api> {
    expected
        .iter()
        .filter(|p| p.kind == PermissionType::Application)
        .map(|p| p.api)
        .collect()
}

/// Whether an app handled with `profile` (if known) and expected to hold `expected` is an EWS
/// connector: its profile says so, or it holds EWS's application permission.
pub fn uses_ews(profile: Option<&Profile>, expected: &[PermissionStatus]) -> bool {
    profile.is_some_and(|p| p.uses_ews)
        || expected.iter().any(|p| {
            p.api == Api::Exchange && p.name.eq_ignore_ascii_case(ews::probe::FULL_ACCESS_AS_APP)
        })
}

/// Proves `proof.secret`: the tokens and their roles, then the EWS probe. Without a token EWS
/// is not tried (the probe says why).
pub async fn run(at: &Target<'_>, proof: Proof<'_>, on_event: &(dyn Fn(Event) + Sync)) -> Verified {
    let apis = verify::apis_to_check(proof.apis);
    let tokens = verify::verify_secret(
        at.http,
        at.endpoints,
        at.tenant_id,
        at.client_id,
        proof.secret,
        &apis,
        at.patience,
    )
    .await
    .map_err(JobError::from);
    let exchange_token = tokens.as_ref().ok().and_then(|tokens| {
        tokens
            .iter()
            .find(|t| t.roles.api == Api::Exchange)
            .map(|t| t.tokens.clone())
    });
    let roles = tokens.map(|tokens| tokens.into_iter().map(|t| t.roles).collect::<Vec<_>>());
    let (missing, ews) = match &roles {
        Ok(roles) => {
            let missing = verify::missing_roles(proof.expected, roles);
            tracing::info!(missing = missing.len(), "verified the new secret");
            let ews = probe(
                at,
                proof.secret,
                exchange_token.as_ref(),
                &proof.ews,
                on_event,
            );
            (missing, ews.await)
        }
        Err(e) => {
            let ews = (proof.ews != Ews::NotUsed).then(|| {
                EwsProbe::skipped(
                    proof.ews.mailbox(),
                    tf("ews.no_token", &[("error", &e.to_string())]),
                )
            });
            (Vec::new(), ews)
        }
    };
    Verified {
        roles,
        missing,
        ews,
    }
}

async fn probe(
    at: &Target<'_>,
    secret: &SecretString,
    exchange_token: Option<&crate::auth::Tokens>,
    ews: &Ews,
    on_event: &(dyn Fn(Event) + Sync),
) -> Option<EwsProbe> {
    match ews {
        Ews::NotUsed => None,
        Ews::NoMailbox(why) => {
            let key = match why {
                NoMailbox::NotGiven => "ews.skipped_no_mailbox",
                NoMailbox::NoTransferMailbox => "ews.skipped_no_mailbox_wizard",
                NoMailbox::NotRecorded => "ews.skipped_no_mailbox_recorded",
            };
            Some(EwsProbe::skipped(None, t(key).to_string()))
        }
        Ews::Mailbox(mailbox) => {
            on_event(Event::ProbingEws);
            // Exchange Online's token from the proof when it asked for one (an EWS app has
            // full_access_as_app); else the probe asks for it itself.
            let probe = match exchange_token {
                Some(tokens) => {
                    ews::probe::probe_with(at.http, at.endpoints, at.client_id, tokens, mailbox)
                        .await
                }
                None => {
                    ews::probe(
                        at.http,
                        at.endpoints,
                        at.tenant_id,
                        at.client_id,
                        secret,
                        mailbox,
                        at.patience,
                    )
                    .await
                }
            };
            Some(probe)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile;

    #[test]
    fn the_probe_follows_the_profile_and_the_mailbox() {
        assert_eq!(Ews::of(false, Some("a@b.c".into())), Ews::NotUsed);
        assert_eq!(
            Ews::of(true, Some("a@b.c".into())),
            Ews::Mailbox("a@b.c".into())
        );
        assert_eq!(Ews::of(true, None), Ews::NoMailbox(NoMailbox::NotGiven));
        let officemaster = profile::by_id("officemaster").unwrap();
        let flowfact = profile::by_id("flowfact").unwrap();
        assert!(uses_ews(Some(&officemaster), &[]));
        assert!(!uses_ews(Some(&flowfact), &[]));
    }

    /// Without a token EWS is not tried: the probe says why, with the mailbox it would have
    /// opened; a profile without EWS has no probe at all.
    #[tokio::test]
    async fn without_a_token_ews_is_skipped_and_the_error_keeps_its_kind() {
        // Nothing listens on the discard port: the token endpoint cannot be reached.
        let endpoints = Endpoints::custom("http://127.0.0.1:9/", "http://127.0.0.1:9/").unwrap();
        let http = reqwest::Client::new();
        let target = Target {
            http: &http,
            endpoints: &endpoints,
            tenant_id: "00000000-0000-0000-0000-000000000001",
            client_id: "00000000-0000-0000-0000-000000000002",
            patience: Duration::from_millis(10),
        };
        let secret = SecretString::from("not-a-real-secret".to_string());
        for (ews, probed) in [
            (Ews::Mailbox("fax@contoso.com".into()), true),
            (Ews::NotUsed, false),
        ] {
            let proof = Proof {
                secret: &secret,
                apis: BTreeSet::new(),
                expected: &[],
                ews,
            };
            let v = run(&target, proof, &|_| panic!("no EWS without a token")).await;
            let e = v.roles.expect_err("no token");
            assert_eq!(e.kind(), crate::error::JobErrorKind::Network, "{e}");
            assert!(!e.to_string().contains("not-a-real-secret"));
            assert_eq!(v.ews.is_some(), probed);
            if let Some(p) = v.ews {
                assert_eq!(p.ok(), None, "not tried");
                assert_eq!(p.mailbox.as_deref(), Some("fax@contoso.com"));
            }
        }
    }
}
