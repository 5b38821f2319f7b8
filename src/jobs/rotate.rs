//! The rotate job, for `exowiz rotate` and the wizard's rotate steps alike: open the app (its
//! saved record, the clean-up after an interrupted rotation, its profile), make a new secret
//! (handed over through [`SecretHandOver`]), remove older ones, and keep the saved
//! registration up to date after each change. The front-ends decide what to show and when.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::hand_over::SecretHandOver;
use super::verify::{self, Ews, NoMailbox};
use super::{Tenant, policy};
use crate::check::{self, Expected};
use crate::error::JobError;
use crate::graph::{Application, GraphError, NewSecret, ServicePrincipal};
use crate::permissions::PermissionStatus;
use crate::profile::Api;
use crate::profile::{self, Profile};
use crate::rotate::{self, Removal, SaveContext, SecretInfo};
use crate::store::SavedRegistration;
use crate::store::journal::RunJournal;

/// An app opened for rotation.
pub struct OpenApp {
    pub app: Application,
    /// The saved registration of this app (tenant and cloud), if exowiz knows it.
    pub saved: Option<SavedRegistration>,
    /// What cleaning up after an interrupted rotation of the app removed, as a sentence.
    pub cleaned_up: Option<String>,
    /// The profile the app is handled with ([`policy::app_profile`]); `profile` is `None` for
    /// an id no built-in profile has.
    pub profile_id: String,
    pub profile: Option<Profile>,
    journal: RunJournal,
    /// The organisation's name for a record made from scratch, read once when first needed.
    tenant_name: Option<Option<String>>,
    /// The resource APIs' service principals, read with the app by [`open`] (issue 13: one
    /// round trip for all that does not depend on the app); `None` until read.
    resources: Option<Result<BTreeMap<Api, ServicePrincipal>, GraphError>>,
}

/// Finds the app `client_id` for a change that makes no secret (removing older ones): no
/// journal, and no clean-up — a secret this very session made and has not handed over yet is
/// journalled as unseen, and cleaning up would take it.
pub async fn find(t: Tenant<'_>, client_id: &str) -> Result<OpenApp, JobError> {
    let (app, saved) =
        rotate::find_app(t.graph, t.endpoints, t.store, t.tenant_id, client_id).await?;
    let profile_id = policy::app_profile(None, None, saved.as_ref(), &app);
    Ok(OpenApp {
        profile: profile::by_id(&profile_id).ok(),
        profile_id,
        cleaned_up: None,
        app,
        saved,
        journal: RunJournal::default(),
        tenant_name: None,
        resources: None,
    })
}

/// Finds the app `client_id` for a rotation: starts its journal and removes the secrets an
/// interrupted rotation made and nobody saw (from the tenant and from the app as read).
///
/// One round trip reads the app and everything that does not depend on it (issue 13): with
/// `new_secret`, the resources its permissions are compared with and the token endpoint the
/// new secret's check uses later (remembered by `auth::discover_once`; a failure here is met
/// again there and said then); and, for a record made from scratch, the organisation's name.
/// A run that only removes older secrets (`--keep`) needs neither.
pub async fn open(t: Tenant<'_>, client_id: &str, new_secret: bool) -> Result<OpenApp, JobError> {
    let saved_here = t.store.and_then(|s| {
        s.load().ok()?.into_iter().find(|r| {
            r.tenant_id.eq_ignore_ascii_case(t.tenant_id)
                && r.client_id.eq_ignore_ascii_case(client_id.trim())
                && r.graph_url == t.endpoints.graph.as_str()
        })
    });
    let (found, resources, _, tenant_name) = tokio::join!(
        rotate::find_app(t.graph, t.endpoints, t.store, t.tenant_id, client_id),
        async {
            match new_secret {
                true => Some(check::read_resources(t.graph).await),
                false => None,
            }
        },
        async {
            if !new_secret {
                return None;
            }
            let http = crate::auth::http_client().ok()?;
            crate::auth::discover_once(&http, t.endpoints, t.tenant_id)
                .await
                .ok()
        },
        async {
            match t.store {
                Some(_) => Some(rotate::tenant_name(t.graph, saved_here.as_ref()).await),
                None => None,
            }
        }
    );
    let (mut app, saved) = found?;
    let (mut journal, interrupted) = RunJournal::begin_rotation(
        t.store,
        t.tenant_id,
        &app.id,
        &app.app_id,
        t.endpoints.graph.as_str(),
        app.display_name.as_deref().unwrap_or_default(),
    )?;
    let cleanup =
        rotate::clean_up_interrupted(t.graph, &mut app, &mut journal, interrupted.as_ref()).await;
    let profile_id = policy::app_profile(None, None, saved.as_ref(), &app);
    Ok(OpenApp {
        profile: profile::by_id(&profile_id).ok(),
        profile_id,
        cleaned_up: cleanup.note(),
        app,
        saved,
        journal,
        tenant_name,
        resources,
    })
}

impl OpenApp {
    /// The application permissions the new secret's token should carry, as `check` decides
    /// the profile (`given` wins); the app is from now on handled with that profile.
    pub async fn expect(
        &mut self,
        t: Tenant<'_>,
        given: Option<Profile>,
    ) -> Result<Expected, JobError> {
        let resources = match self.resources.take() {
            Some(read) => read?,
            None => check::read_resources(t.graph).await?,
        };
        let expected = check::expected_of(t.store, t.tenant_id, &self.app, &resources, given)?;
        self.set_profile(policy::app_profile(
            None,
            Some(&expected),
            self.saved.as_ref(),
            &self.app,
        ));
        Ok(expected)
    }

    /// Handles the app with the profile `id` (the admin's `--profile`, or a decision made
    /// elsewhere).
    pub fn set_profile(&mut self, id: String) {
        self.profile = profile::by_id(&id).ok();
        self.profile_id = id;
    }

    /// The app's secrets, newest first; those expiring within `warn_days` marked due.
    pub fn secrets(&self, now: DateTime<Utc>, warn_days: u32) -> Vec<SecretInfo> {
        rotate::list_secrets(&self.app, now, warn_days)
    }

    /// The EWS probe that proves a new secret of this app, for `exowiz rotate` and the wizard
    /// alike: an EWS connector (its profile, or `expected` holding EWS's application
    /// permission) opens `mailbox` if the admin named one, else the mailbox its saved
    /// registration records; without either the probe is skipped and says why.
    pub fn ews(&self, expected: &[PermissionStatus], mailbox: Option<String>) -> Ews {
        if !verify::uses_ews(self.profile.as_ref(), expected) {
            return Ews::NotUsed;
        }
        match mailbox.or_else(|| self.saved.as_ref().and_then(|s| s.mailbox.clone())) {
            Some(mailbox) => Ews::Mailbox(mailbox),
            None => Ews::NoMailbox(NoMailbox::NotRecorded),
        }
    }

    /// Lifetime of a new secret: `months` if given, else the product's, else the default.
    pub fn months(&self, months: Option<u32>) -> Result<u32, JobError> {
        Ok(rotate::secret_months(months, self.profile.as_ref())?)
    }

    /// Makes a new secret of `months` months (description: `description`, else the product's
    /// secret name and today's date), saves the registration, and hands the value over: it
    /// counts as nobody's until the caller says it was shown.
    pub async fn create_secret(
        &mut self,
        t: Tenant<'_>,
        months: u32,
        description: Option<&str>,
    ) -> Result<(NewSecret, SecretHandOver), JobError> {
        let description = description.map(str::to_string).unwrap_or_else(|| {
            rotate::default_description(self.profile.as_ref(), &self.app, Utc::now())
        });
        let secret =
            rotate::create_secret(t.graph, &self.app, months, &description, &mut self.journal)
                .await?;
        tracing::info!(key_id = %secret.key_id, "created a new client secret");
        // The rotation is complete as far as the tenant goes; what is left is the hand-over.
        self.journal.record(|j| j.record_completed());
        let journal = std::mem::take(&mut self.journal).into_inner();
        let hand_over = SecretHandOver::new(journal, secret.key_id.clone());
        Ok((secret, hand_over))
    }

    /// Removes `key_ids` (never `keep`), then saves what is left. A refusal (the list names
    /// `keep` or a secret the app does not have) removes nothing.
    pub async fn remove_secrets(
        &mut self,
        t: Tenant<'_>,
        keep: &str,
        key_ids: &[String],
    ) -> Result<Removal, JobError> {
        let removal = rotate::remove_secrets(t.graph, &self.app, keep, key_ids).await?;
        tracing::info!(removed = removal.removed.len(), "removed older secrets");
        Ok(removal)
    }

    /// Saves the registration after a change: `created` added, `removed` gone. A failure is a
    /// note to show, its io cause kept (saving serves `exowiz status`; it never fails the
    /// rotation).
    pub async fn save(
        &mut self,
        t: Tenant<'_>,
        created: Option<&NewSecret>,
        removed: &[String],
    ) -> Result<(), rotate::NotSaved> {
        let Some(store) = t.store else {
            return Ok(());
        };
        if self.tenant_name.is_none() {
            self.tenant_name = Some(rotate::tenant_name(t.graph, self.saved.as_ref()).await);
        }
        let graph_url = t.endpoints.graph.to_string();
        let ctx = SaveContext {
            tenant_id: t.tenant_id,
            tenant_name: self.tenant_name.clone().flatten(),
            graph_url: &graph_url,
            profile_id: &self.profile_id,
            now: Utc::now(),
        };
        rotate::save(
            store,
            self.saved.as_ref(),
            &self.app,
            created,
            removed,
            &ctx,
        )
        .map(|_| ())
    }

    /// The run is over without a new secret (or after handing it over): the journal is closed.
    pub fn close(self) {
        self.journal.close();
    }
}
