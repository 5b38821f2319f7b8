//! The registration journal: what a run of `register` has created so far, so that a run that
//! was interrupted (Ctrl-C, network loss, killed process, closed terminal) can be continued by
//! the next one instead of leaving a second app or secrets nobody has.
//!
//! One file per (tenant, profile, Graph URL) in the data directory, `journal-<hash>.json`,
//! written atomically and private to the user. It holds IDs, dates and flags only: never a
//! secret value, never a token. A secret's entry says whether its value was shown to anyone
//! (printed by the CLI, revealed or copied in the wizard); one that was not is useless and the
//! next run removes it.
//!
//! Life of a journal: [`Journal::begin`] (reads what an earlier run left), `record_*` after each
//! step, [`Journal::mark_shown`] once the secret's value has been handed over, and
//! [`Journal::finish`], which deletes the file when the run completed and every secret was
//! shown. A file that is still there when the next run begins tells of an interrupted run.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io;
use std::path::{Path, PathBuf};

use super::lock::{self, LockError, RunLock};
use super::write_atomically;

const VERSION: u32 = 1;

/// The app a run created or found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalApp {
    pub object_id: String,
    pub client_id: String,
    /// A run of this journal created the app (rather than finding an existing one).
    pub created_by_this_run: bool,
    /// When it was recorded (for the replication retry of a just-created app).
    pub recorded: DateTime<Utc>,
}

/// A client secret a run added: its key ID, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalSecret {
    pub key_id: String,
    pub end: DateTime<Utc>,
    /// Its value was printed, revealed or copied. A secret that was not is removed by the
    /// next run.
    pub shown: bool,
}

/// An `addPassword` that was sent but whose answer was not recorded (yet): if the run dies
/// in between, the secret exists but nobody knows its key ID. The next run finds it on the
/// app by its display name and exact end date and removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSecret {
    pub display_name: String,
    /// Whole seconds (the engine sends it that way), so it compares exactly.
    pub end: DateTime<Utc>,
}

/// The journal file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub version: u32,
    pub run_id: String,
    pub started: DateTime<Utc>,
    pub updated: DateTime<Utc>,
    /// The process that writes it: a journal of a process that still runs is not an
    /// interrupted run.
    pub pid: u32,
    pub tenant_id: String,
    pub profile: String,
    pub graph_url: String,
    pub app_name: String,
    /// Start dates of earlier runs this one continues.
    #[serde(default)]
    pub continues: Vec<DateTime<Utc>>,
    /// The `uniqueName` the run creates its app under, recorded before the create is sent: a
    /// run after a lost answer or a kill upserts the same key and finds that app instead of
    /// making a second one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique_name: Option<String>,
    pub app: Option<JournalApp>,
    pub service_principal_id: Option<String>,
    #[serde(default)]
    pub secrets: Vec<JournalSecret>,
    #[serde(default)]
    pub pending_secrets: Vec<PendingSecret>,
    pub grants_done: bool,
    /// The engine got to its end (everything created, grants done or read).
    pub completed: bool,
    /// A rotation's journal (`exowiz rotate`, the wizard's rotate job): keyed by the app, not
    /// the profile; only its secrets matter.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rotation: bool,
}

impl JournalEntry {
    /// Secrets whose value nobody has seen.
    pub fn unshown_secrets(&self) -> impl Iterator<Item = &JournalSecret> {
        self.secrets.iter().filter(|s| !s.shown)
    }

    /// The run created or cleaned up nothing that a later run would need to know of. (A
    /// rotation creates nothing but secrets: its app alone is nothing to continue.)
    pub fn is_empty(&self) -> bool {
        if self.rotation {
            return self.secrets.is_empty() && self.pending_secrets.is_empty();
        }
        self.app.is_none()
            && self.unique_name.is_none()
            && self.service_principal_id.is_none()
            && self.secrets.is_empty()
            && self.pending_secrets.is_empty()
    }
}

/// What an interrupted run left, as the next run offers to continue it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterruptedRun {
    pub run_id: String,
    pub tenant_id: String,
    /// When the interrupted run started (the first of the runs it continued, if any).
    pub started: DateTime<Utc>,
    pub profile: String,
    pub app_name: String,
    /// The app it created or found, if it got that far.
    pub client_id: Option<String>,
    /// It created that app (rather than finding one).
    pub created_app: bool,
    /// Secrets nobody has seen (recorded, or sent but unanswered): the next run removes them.
    pub unseen_secrets: usize,
    /// It got to its end and only the handing over of the secret is missing.
    pub completed: bool,
    /// A rotation (of the app `client_id`), not a registration.
    pub rotation: bool,
}

impl InterruptedRun {
    pub fn from_entry(e: &JournalEntry) -> Self {
        Self {
            run_id: e.run_id.clone(),
            tenant_id: e.tenant_id.clone(),
            started: e.continues.first().copied().unwrap_or(e.started),
            profile: e.profile.clone(),
            app_name: e.app_name.clone(),
            client_id: e.app.as_ref().map(|a| a.client_id.clone()),
            created_app: e.app.as_ref().is_some_and(|a| a.created_by_this_run),
            unseen_secrets: e.unshown_secrets().count() + e.pending_secrets.len(),
            completed: e.completed,
            rotation: e.rotation,
        }
    }

    /// One sentence for the command line: what the run left and what continuing does.
    pub fn describe(&self) -> String {
        let started = self.started.format("%Y-%m-%d %H:%M UTC");
        let app = match &self.client_id {
            Some(id) if self.created_app => {
                format!("created the app '{}' (client ID {id})", self.app_name)
            }
            Some(id) => format!("worked on the app '{}' (client ID {id})", self.app_name),
            None => format!("began registering '{}'", self.app_name),
        };
        let secrets = match self.unseen_secrets {
            0 => String::new(),
            1 => " and removes the secret nobody has seen".to_string(),
            n => format!(" and removes the {n} secrets nobody has seen"),
        };
        format!(
            "An interrupted run of {started} {app}. This run continues it: it completes what is missing in the same app{secrets}."
        )
    }
}

/// Every interrupted run in the data directory (any tenant, profile and cloud), oldest first:
/// what `exowiz status` reports. Unreadable files and runs of an exowiz still running are
/// left out (the latter are in progress, not interrupted).
pub fn all_interrupted(dir: &Path) -> io::Result<Vec<InterruptedRun>> {
    let mut runs: Vec<InterruptedRun> = interrupted_entries(dir)?
        .iter()
        .map(InterruptedRun::from_entry)
        .collect();
    runs.sort_by_key(|r| r.started);
    Ok(runs)
}

/// The journals behind `all_interrupted`, as they are (for the key IDs of their secrets nobody
/// has seen, `store::unseen`).
pub fn interrupted_entries(dir: &Path) -> io::Result<Vec<JournalEntry>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    Ok(entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("journal-") && n.ends_with(".json"))
        })
        .filter(|p| !lock::held_by_another(&lock_path(p)))
        .filter_map(|p| read(&p).ok().flatten())
        .filter(|e| !e.is_empty())
        .collect())
}

/// The run an earlier, interrupted exowiz left for this tenant, profile and Graph URL, to be
/// offered for continuing. Not one: a journal of this very process (its own registration,
/// whose secret is not handed over yet), one of another exowiz that still runs (that one is
/// busy, and `register` says so), and one that recorded nothing.
pub fn interrupted(
    dir: &Path,
    tenant_id: &str,
    profile: &str,
    graph_url: &str,
) -> io::Result<Option<InterruptedRun>> {
    let entry = match load(dir, tenant_id, profile, graph_url) {
        Ok(entry) => entry,
        // `begin` sets a damaged journal aside; there is nothing to offer.
        Err(e) if e.kind() == io::ErrorKind::InvalidData => None,
        Err(e) => return Err(e),
    };
    Ok(entry
        .filter(|e| !e.is_empty() && !e.rotation)
        .filter(|e| e.pid != std::process::id())
        .filter(|_| {
            !lock::held_by_another(&lock_path(&path_for(dir, tenant_id, profile, graph_url)))
        })
        .map(|e| InterruptedRun::from_entry(&e)))
}

/// Why a journal could not be started.
#[derive(Debug, thiserror::Error)]
pub enum BeginError {
    /// Another exowiz process is registering the same profile in the same tenant right now.
    #[error("{}", crate::i18n::tf("journal.busy", &[("pid", &pid.to_string())]))]
    Busy { pid: u32 },
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// This run's journal.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    entry: JournalEntry,
    /// The OS lock on this tenant and profile, held from `begin` until the journal is dropped:
    /// a second exowiz on the same registration is refused before it creates anything.
    _lock: RunLock,
}

/// The lock file next to a journal: `.run-<hash>.lock` (not `journal-*`, which names
/// journals).
pub(crate) fn lock_path(journal: &Path) -> PathBuf {
    let stem = journal
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let key = stem.strip_prefix("journal-").unwrap_or(&stem);
    journal.with_file_name(format!(".run-{key}.lock"))
}

/// `journal-<hash>.json` for a tenant, profile and Graph URL. A loopback Graph URL counts
/// without its port: `register --demo` starts the demo tenant (its state kept in the data
/// directory) on another port each time, and must still find the journal of its last run.
pub fn path_for(dir: &Path, tenant_id: &str, profile: &str, graph_url: &str) -> PathBuf {
    let key = format!(
        "{}\n{}\n{}",
        tenant_id.trim().to_ascii_lowercase(),
        profile,
        super::cloud_of(graph_url)
    );
    let digest = Sha256::digest(key.as_bytes());
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    dir.join(format!("journal-{hash}.json"))
}

/// The journal an earlier run left for this tenant, profile and Graph URL, if any.
pub fn load(
    dir: &Path,
    tenant_id: &str,
    profile: &str,
    graph_url: &str,
) -> io::Result<Option<JournalEntry>> {
    read(&path_for(dir, tenant_id, profile, graph_url))
}

fn read(path: &Path) -> io::Result<Option<JournalEntry>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is not readable: {e}", path.display()),
            )
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

impl Journal {
    /// Starts this run's journal and returns what an earlier, interrupted run left (`None`
    /// when there is nothing). The new journal takes over the earlier run's app, service
    /// principal, unshown secrets and pending secrets, so that what this run does not clean
    /// up stays known to the next one; secrets that were shown are dropped (they are in use
    /// and saved with the registration). When there was an earlier journal it is rewritten
    /// at once under this process; otherwise the file appears with the first record.
    ///
    /// A journal whose process still runs (another exowiz working on the same registration)
    /// is [`BeginError::Busy`]. An unreadable journal is set aside as `*.damaged` and
    /// ignored.
    pub fn begin(
        dir: &Path,
        tenant_id: &str,
        profile: &str,
        graph_url: &str,
        app_name: &str,
    ) -> Result<(Self, Option<JournalEntry>), BeginError> {
        let path = path_for(dir, tenant_id, profile, graph_url);
        let run_lock = match lock::try_run_lock(&lock_path(&path)) {
            Ok(l) => l,
            Err(LockError::Busy { pid }) => return Err(BeginError::Busy { pid }),
            Err(LockError::Io(e)) => return Err(e.into()),
        };
        let previous = match read(&path) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                recover_damaged(&path, tenant_id, profile, graph_url, app_name, &e)
            }
            Err(e) => return Err(e.into()),
        };
        let now = Utc::now();
        let mut entry = JournalEntry {
            version: VERSION,
            run_id: uuid::Uuid::new_v4().to_string(),
            started: now,
            updated: now,
            pid: std::process::id(),
            tenant_id: tenant_id.to_string(),
            profile: profile.to_string(),
            graph_url: graph_url.to_string(),
            app_name: app_name.to_string(),
            continues: Vec::new(),
            unique_name: None,
            app: None,
            service_principal_id: None,
            secrets: Vec::new(),
            pending_secrets: Vec::new(),
            grants_done: false,
            completed: false,
            rotation: false,
        };
        let previous = previous.filter(|p| !p.is_empty());
        if let Some(p) = &previous {
            entry.continues = p.continues.clone();
            entry.continues.push(p.started);
            entry.unique_name = p.unique_name.clone();
            entry.app = p.app.clone();
            entry.service_principal_id = p.service_principal_id.clone();
            entry.secrets = p.unshown_secrets().cloned().collect();
            entry.pending_secrets = p.pending_secrets.clone();
        }
        let mut journal = Self {
            path,
            entry,
            _lock: run_lock,
        };
        if previous.is_some() {
            journal.write()?;
        }
        Ok((journal, previous))
    }

    pub fn entry(&self) -> &JournalEntry {
        &self.entry
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The app this run created (`created`) or found. A different app than the one an earlier
    /// run recorded replaces it.
    pub fn record_app(
        &mut self,
        object_id: &str,
        client_id: &str,
        created: bool,
    ) -> io::Result<()> {
        let created_before = self
            .entry
            .app
            .as_ref()
            .is_some_and(|a| a.object_id == object_id && a.created_by_this_run);
        let same = self
            .entry
            .app
            .as_ref()
            .is_some_and(|a| a.object_id == object_id);
        if !same {
            self.entry.service_principal_id = None;
        }
        let recorded = match &self.entry.app {
            Some(a) if same => a.recorded,
            _ => Utc::now(),
        };
        self.entry.app = Some(JournalApp {
            object_id: object_id.to_string(),
            client_id: client_id.to_string(),
            created_by_this_run: created || created_before,
            recorded,
        });
        self.write()
    }

    /// The app is about to be created (upserted) under `unique_name`.
    pub fn record_unique_name(&mut self, unique_name: &str) -> io::Result<()> {
        self.entry.unique_name = Some(unique_name.to_string());
        self.write()
    }

    /// An `addPassword` is about to be sent.
    pub fn record_secret_pending(
        &mut self,
        display_name: &str,
        end: DateTime<Utc>,
    ) -> io::Result<()> {
        self.entry.pending_secrets.push(PendingSecret {
            display_name: display_name.to_string(),
            end: end.trunc_subsecs(0),
        });
        self.write()
    }

    /// `addPassword` answered with `key_id`; its value has not been shown yet. Clears the
    /// pending entry of the same end date.
    pub fn record_secret(&mut self, key_id: &str, end: DateTime<Utc>) -> io::Result<()> {
        self.forget_pending(end);
        if !self.entry.secrets.iter().any(|s| s.key_id == key_id) {
            self.entry.secrets.push(JournalSecret {
                key_id: key_id.to_string(),
                end,
                shown: false,
            });
        }
        self.write()
    }

    /// Forgets a pending `addPassword` (it was answered, or its secret was found and removed,
    /// or there is none).
    pub fn forget_pending(&mut self, end: DateTime<Utc>) {
        let end = end.trunc_subsecs(0);
        self.entry.pending_secrets.retain(|p| p.end != end);
    }

    /// Forgets every pending `addPassword` and writes the journal.
    pub fn clear_pending(&mut self) -> io::Result<()> {
        if self.entry.pending_secrets.is_empty() {
            return Ok(());
        }
        self.entry.pending_secrets.clear();
        self.write()
    }

    /// The secret `key_id` was removed from the app (or was not there any more).
    pub fn record_secret_removed(&mut self, key_id: &str) -> io::Result<()> {
        self.entry.secrets.retain(|s| s.key_id != key_id);
        self.write()
    }

    pub fn record_service_principal(&mut self, id: &str) -> io::Result<()> {
        self.entry.service_principal_id = Some(id.to_string());
        self.write()
    }

    /// The grants were made (or read, without `--grant-consent`).
    pub fn record_grants(&mut self) -> io::Result<()> {
        self.entry.grants_done = true;
        self.write()
    }

    /// The engine got to its end; what is left is handing over the secret.
    pub fn record_completed(&mut self) -> io::Result<()> {
        self.entry.completed = true;
        self.write()
    }

    /// The value of the secret `key_id` was shown (printed, revealed or copied). Returns
    /// whether the journal knows this secret.
    pub fn mark_shown(&mut self, key_id: &str) -> io::Result<bool> {
        let Some(secret) = self.entry.secrets.iter_mut().find(|s| s.key_id == key_id) else {
            return Ok(false);
        };
        if !secret.shown {
            secret.shown = true;
            self.write()?;
        }
        Ok(true)
    }

    /// The run is over as far as the journal goes: the file is deleted when the run
    /// completed and every secret it holds was shown (nothing is left to continue); otherwise
    /// it stays for the next run. Returns whether it was deleted.
    pub fn finish(self) -> io::Result<bool> {
        let e = &self.entry;
        let done = e.completed && e.secrets.iter().all(|s| s.shown) && e.pending_secrets.is_empty();
        if !done {
            return Ok(false);
        }
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(true),
            Err(err) => Err(err),
        }
    }

    fn write(&mut self) -> io::Result<()> {
        self.entry.updated = Utc::now();
        self.entry.pid = std::process::id();
        if let Some(dir) = self.path.parent() {
            crate::private_files::ensure_private_dir(dir)?;
        }
        let text = serde_json::to_vec_pretty(&self.entry).map_err(io::Error::other)?;
        write_atomically(&self.path, &text)
    }
}

/// A damaged journal (issue 14.7): what can be read is taken over as the earlier run, so its
/// unseen secrets are still removed. When the file was cut off or a secret's state is
/// unreadable, a copy stays as `*.damaged` for `exowiz status` to name until the admin checked
/// the app; a file that yields nothing is set aside the same way.
fn recover_damaged(
    path: &Path,
    tenant_id: &str,
    profile: &str,
    graph_url: &str,
    app_name: &str,
    error: &io::Error,
) -> Option<JournalEntry> {
    let salvaged = std::fs::read(path)
        .map(|bytes| super::journal_salvage::salvage(&bytes))
        .unwrap_or_default();
    let set_aside = path.with_extension("damaged");
    if salvaged.incomplete || !salvaged.unsure_secrets.is_empty() || !salvaged.knows_something() {
        tracing::warn!(error = %error, "damaged journal kept as *.damaged");
        let _ = std::fs::copy(path, &set_aside);
        let _ = crate::private_files::restrict_file(&set_aside);
    }
    let _ = std::fs::remove_file(path);
    if !salvaged.knows_something() {
        return None;
    }
    tracing::warn!("damaged journal: readable parts recovered");
    let now = Utc::now();
    Some(JournalEntry {
        version: VERSION,
        run_id: uuid::Uuid::new_v4().to_string(),
        started: salvaged.started.unwrap_or(now),
        updated: now,
        // Not a running process: the run it describes is over.
        pid: 0,
        tenant_id: tenant_id.to_string(),
        profile: profile.to_string(),
        graph_url: graph_url.to_string(),
        app_name: salvaged.app_name.unwrap_or_else(|| app_name.to_string()),
        unique_name: salvaged.unique_name,
        continues: Vec::new(),
        app: salvaged.app,
        service_principal_id: salvaged.service_principal_id,
        secrets: salvaged.unseen_secrets,
        pending_secrets: salvaged.pending_secrets,
        grants_done: false,
        completed: false,
        rotation: false,
    })
}

/// The journal key of a rotation of the app `client_id` (in place of a profile).
pub fn rotation_subject(client_id: &str) -> String {
    format!("rotate:{}", client_id.trim().to_ascii_lowercase())
}

/// Secrets among `credentials` (the app's secrets, as Graph lists them) that belong to a
/// pending `addPassword` of `entry` — same display name, same end to the second — and that
/// the journal does not know yet: secrets whose answer never arrived, so nobody has them.
/// Key ID and end of each.
pub fn pending_secret_keys(
    entry: &JournalEntry,
    credentials: &[crate::graph::PasswordCredential],
) -> Vec<(String, DateTime<Utc>)> {
    let mut keys: Vec<(String, DateTime<Utc>)> = Vec::new();
    for pending in &entry.pending_secrets {
        for c in credentials {
            let same_end = c.end_date_time.map(|e| e.trunc_subsecs(0)) == Some(pending.end);
            if same_end
                && c.display_name.as_deref() == Some(pending.display_name.as_str())
                && !entry.secrets.iter().any(|s| s.key_id == c.key_id)
                && !keys.iter().any(|(k, _)| *k == c.key_id)
            {
                keys.push((c.key_id.clone(), pending.end));
            }
        }
    }
    keys
}

/// A run's journal, if it could be started: a journal that cannot be written does not stop
/// the run (it is logged, and reported once through `trouble`).
#[derive(Debug, Default)]
pub struct RunJournal {
    inner: Option<Journal>,
    trouble: Option<String>,
}

impl RunJournal {
    /// Starts the journal for `subject` (a profile, or [`rotation_subject`]) in the store's
    /// directory and returns what an interrupted run left. Without a store there is no
    /// journal. `Err` only for another exowiz working on the same thing right now
    /// ([`BeginError::Busy`]): a journal that cannot be written is `trouble`, not an error.
    pub fn begin(
        store: Option<&super::Store>,
        tenant_id: &str,
        subject: &str,
        graph_url: &str,
        app_name: &str,
    ) -> Result<(Self, Option<JournalEntry>), BeginError> {
        let Some(store) = store else {
            return Ok((Self::default(), None));
        };
        match Journal::begin(store.dir(), tenant_id, subject, graph_url, app_name) {
            Ok((journal, previous)) => Ok((
                Self {
                    inner: Some(journal),
                    trouble: None,
                },
                previous,
            )),
            Err(e @ BeginError::Busy { .. }) => Err(e),
            Err(BeginError::Io(e)) => {
                tracing::warn!(error = %e, "no journal for this run");
                Ok((
                    Self {
                        inner: None,
                        trouble: Some(e.to_string()),
                    },
                    None,
                ))
            }
        }
    }

    /// A rotation's journal for the app `client_id` (object ID `object_id`), recorded at once
    /// so that `SecretShown` and the next run know the app.
    pub fn begin_rotation(
        store: Option<&super::Store>,
        tenant_id: &str,
        object_id: &str,
        client_id: &str,
        graph_url: &str,
        app_name: &str,
    ) -> Result<(Self, Option<JournalEntry>), BeginError> {
        let subject = rotation_subject(client_id);
        let (mut journal, previous) = Self::begin(store, tenant_id, &subject, graph_url, app_name)?;
        if let Some(j) = &mut journal.inner {
            // In memory only: the file appears with the first secret (a rotation that makes
            // none leaves nothing behind).
            j.entry.rotation = true;
            let recorded = j.entry.app.as_ref().map_or_else(Utc::now, |a| a.recorded);
            j.entry.app = Some(JournalApp {
                object_id: object_id.to_string(),
                client_id: client_id.to_string(),
                created_by_this_run: false,
                recorded,
            });
        }
        Ok((journal, previous))
    }

    /// Applies a record; a failure is logged and remembered, never returned.
    pub fn record(&mut self, what: impl FnOnce(&mut Journal) -> io::Result<()>) {
        if let Some(j) = &mut self.inner
            && let Err(e) = what(j)
        {
            tracing::warn!(error = %e, "the journal could not be written");
            self.trouble.get_or_insert_with(|| e.to_string());
        }
    }

    /// Key IDs of the secrets an interrupted run (`previous`) made that nobody saw: those it
    /// recorded unshown, and those of its pending `addPassword`s found among `credentials` (the
    /// app's secrets; empty when the app is not the one it worked on). The latter are recorded
    /// as unshown secrets, so that a failed removal is tried again next time; the pending
    /// entries are cleared.
    pub fn unseen_secret_keys(
        &mut self,
        previous: &JournalEntry,
        credentials: &[crate::graph::PasswordCredential],
    ) -> Vec<String> {
        let mut keys: Vec<String> = previous
            .unshown_secrets()
            .map(|s| s.key_id.clone())
            .collect();
        for (key_id, end) in pending_secret_keys(previous, credentials) {
            self.record(|j| j.record_secret(&key_id, end));
            if !keys.contains(&key_id) {
                keys.push(key_id);
            }
        }
        self.record(|j| j.clear_pending());
        keys
    }

    /// The journal's entry as far as it was kept.
    pub fn entry(&self) -> Option<&JournalEntry> {
        self.inner.as_ref().map(Journal::entry)
    }

    /// Why the journal could not be kept, if it could not.
    pub fn trouble(&self) -> Option<&str> {
        self.trouble.as_deref()
    }

    pub fn into_inner(self) -> Option<Journal> {
        self.inner
    }

    /// The run is over: its journal is deleted unless it still names a secret nobody saw (the
    /// next run then removes that one). Failures are only logged.
    pub fn close(mut self) {
        self.record(|j| j.record_completed());
        if let Some(j) = self.inner
            && let Err(e) = j.finish()
        {
            tracing::warn!(error = %e, "the journal could not be closed");
        }
    }
}

/// For tests: `EXOWIZ_TEST_ABORT_AFTER=<step>` makes a debug build abort right after the
/// journal recorded `step` (app, secret, service_principal, grants, completed; and
/// secret_unrecorded: the secret exists but its answer was not recorded yet): like a killed
/// process, without destructors or cleanup. Release builds ignore it.
pub fn test_abort_point(step: &str) {
    #[cfg(debug_assertions)]
    if std::env::var("EXOWIZ_TEST_ABORT_AFTER").is_ok_and(|s| s == step) {
        eprintln!("EXOWIZ_TEST_ABORT_AFTER={step}: aborting");
        std::process::abort();
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_in_english_and_german() {
        use crate::i18n::{Language, with_language};
        let busy = BeginError::Busy { pid: 4711 };
        assert_eq!(
            busy.to_string(),
            "Another exowiz (process 4711) is working on this registration in this tenant right \
             now. Let it finish (or close it), then run this again."
        );
        assert!(
            with_language(Language::German, || busy.to_string())
                .starts_with("Ein anderes exowiz (Prozess 4711) arbeitet gerade")
        );
    }

    const URL: &str = "http://127.0.0.1:1/";

    fn begin(dir: &Path) -> (Journal, Option<JournalEntry>) {
        Journal::begin(dir, "T1", "officemaster", URL, "OfficeMaster EWS").unwrap()
    }

    #[test]
    fn one_file_per_tenant_profile_and_cloud() {
        let dir = Path::new("/d");
        let a = path_for(dir, "T1", "officemaster", URL);
        assert_eq!(a, path_for(dir, "t1", "officemaster", URL));
        assert_ne!(a, path_for(dir, "t1", "moveit", URL));
        assert_ne!(
            a,
            path_for(dir, "t1", "officemaster", "https://graph.microsoft.com/")
        );
        // The demo tenant's port changes from run to run; a real cloud's URL counts whole.
        assert_eq!(
            a,
            path_for(dir, "t1", "officemaster", "http://127.0.0.1:2/")
        );
        assert_ne!(
            path_for(dir, "t1", "officemaster", "https://graph.example:1/"),
            path_for(dir, "t1", "officemaster", "https://graph.example:2/")
        );
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("journal-") && name.ends_with(".json"),
            "{name}"
        );
        assert_eq!(name.len(), "journal-".len() + 16 + ".json".len());
    }

    #[test]
    fn nothing_is_written_before_the_first_record() {
        let dir = tempfile::tempdir().unwrap();
        let (journal, previous) = begin(dir.path());
        assert!(previous.is_none());
        assert!(!journal.path().exists());
        assert!(
            !journal.finish().unwrap(),
            "not completed: nothing to delete"
        );
        assert_eq!(
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension() != Some("lock".as_ref()))
                .count(),
            0
        );
    }

    #[test]
    fn records_steps_and_finish_deletes_only_a_completed_shown_run() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = begin(dir.path());
        let end = Utc::now();
        j.record_app("obj-1", "client-1", true).unwrap();
        j.record_secret_pending("OfficeMaster (exowiz)", end)
            .unwrap();
        j.record_secret("key-1", end).unwrap();
        j.record_service_principal("sp-1").unwrap();
        j.record_grants().unwrap();
        let on_disk = load(dir.path(), "t1", "officemaster", URL)
            .unwrap()
            .unwrap();
        assert_eq!(on_disk.app.as_ref().unwrap().client_id, "client-1");
        assert!(on_disk.app.as_ref().unwrap().created_by_this_run);
        assert_eq!(on_disk.service_principal_id.as_deref(), Some("sp-1"));
        assert_eq!(on_disk.secrets.len(), 1);
        assert!(!on_disk.secrets[0].shown);
        assert!(
            on_disk.pending_secrets.is_empty(),
            "answered: no longer pending"
        );
        assert!(on_disk.grants_done && !on_disk.completed);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(j.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }

        j.record_completed().unwrap();
        assert!(j.mark_shown("key-1").unwrap());
        assert!(!j.mark_shown("other").unwrap());
        let path = j.path().to_path_buf();
        assert!(j.finish().unwrap());
        assert!(!path.exists());
    }

    #[test]
    fn an_unshown_secret_keeps_the_journal_and_the_next_run_takes_it_over() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = begin(dir.path());
        let end = Utc::now();
        j.record_app("obj-1", "client-1", true).unwrap();
        j.record_secret("shown-key", end).unwrap();
        j.mark_shown("shown-key").unwrap();
        j.record_secret("key-1", end).unwrap();
        j.record_secret_pending("x (exowiz)", end + chrono::Duration::days(1))
            .unwrap();
        j.record_completed().unwrap();
        let first_started = j.entry().started;
        assert!(!j.finish().unwrap(), "key-1 was never shown");

        let (mut next, previous) = begin(dir.path());
        let previous = previous.expect("the earlier run is reported");
        assert_eq!(previous.started, first_started);
        let e = next.entry();
        assert_eq!(e.continues, [first_started]);
        assert_eq!(e.app.as_ref().unwrap().object_id, "obj-1");
        let keys: Vec<&str> = e.secrets.iter().map(|s| s.key_id.as_str()).collect();
        assert_eq!(keys, ["key-1"], "the shown secret is not carried over");
        assert_eq!(e.pending_secrets.len(), 1);
        assert!(
            !e.completed && !e.grants_done,
            "this run has done nothing yet"
        );

        next.record_secret_removed("key-1").unwrap();
        next.clear_pending().unwrap();
        next.record_app("obj-1", "client-1", false).unwrap();
        assert!(
            next.entry().app.as_ref().unwrap().created_by_this_run,
            "still the app the interrupted run created"
        );
    }

    #[test]
    fn a_run_that_recorded_nothing_is_not_an_interrupted_run() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = begin(dir.path());
        j.clear_pending().unwrap();
        j.write().unwrap();
        let (_, previous) = begin(dir.path());
        assert!(previous.is_none());
    }

    #[test]
    fn a_damaged_journal_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(dir.path(), "t1", "officemaster", URL);
        std::fs::write(&path, b"{half").unwrap();
        let (_, previous) = begin(dir.path());
        assert!(previous.is_none());
        assert!(path.with_extension("damaged").exists());
    }

    #[test]
    fn a_journal_of_this_process_or_a_dead_one_is_not_busy() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = begin(dir.path());
        j.record_app("obj-1", "client-1", true).unwrap();
        // Ours: continued (the wizard registering again).
        assert!(begin(dir.path()).1.is_some());
        // A process that does not exist.
        let mut entry = load(dir.path(), "t1", "officemaster", URL)
            .unwrap()
            .unwrap();
        entry.pid = u32::MAX - 1;
        write_atomically(j.path(), &serde_json::to_vec(&entry).unwrap()).unwrap();
        assert!(begin(dir.path()).1.is_some());
    }

    #[test]
    fn an_interrupted_run_is_offered_unless_it_is_this_process_or_recorded_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let offered = || interrupted(dir.path(), "t1", "officemaster", URL).unwrap();
        assert_eq!(offered(), None, "no journal");
        let (mut j, _) = begin(dir.path());
        let end = Utc::now();
        j.record_app("obj-1", "client-1", true).unwrap();
        j.record_secret("key-1", end).unwrap();
        j.record_secret_pending("x (exowiz)", end + chrono::Duration::days(1))
            .unwrap();
        assert_eq!(offered(), None, "this process's own run is not interrupted");

        let mut entry = load(dir.path(), "t1", "officemaster", URL)
            .unwrap()
            .unwrap();
        entry.pid = u32::MAX - 1;
        write_atomically(j.path(), &serde_json::to_vec(&entry).unwrap()).unwrap();
        let run = offered().expect("a dead process's run is offered");
        assert_eq!(run.run_id, entry.run_id);
        assert_eq!(run.client_id.as_deref(), Some("client-1"));
        assert!(run.created_app && !run.completed);
        assert_eq!(run.unseen_secrets, 2, "the recorded and the pending one");
        let sentence = run.describe();
        assert!(
            sentence.contains("created the app 'OfficeMaster EWS' (client ID client-1)")
                && sentence.contains("removes the 2 secrets nobody has seen"),
            "{sentence}"
        );
        assert_eq!(
            interrupted(dir.path(), "t1", "moveit", URL).unwrap(),
            None,
            "another profile's journal"
        );

        std::fs::write(j.path(), b"{half").unwrap();
        assert_eq!(offered(), None, "a damaged journal offers nothing");
    }

    #[test]
    fn every_interrupted_run_of_the_directory_is_listed_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        assert!(all_interrupted(dir.path()).unwrap().is_empty());
        assert!(
            all_interrupted(&dir.path().join("missing"))
                .unwrap()
                .is_empty(),
            "no data directory yet"
        );
        let (mut a, _) = Journal::begin(dir.path(), "t1", "moveit", URL, "MOVEit").unwrap();
        a.record_app("obj-a", "client-a", true).unwrap();
        let (mut b, _) = begin(dir.path());
        b.record_app("obj-b", "client-b", true).unwrap();
        std::fs::write(dir.path().join("journal-damaged.json"), b"{half").unwrap();
        std::fs::write(dir.path().join("registrations.json"), b"{}").unwrap();
        let runs = all_interrupted(dir.path()).unwrap();
        let profiles: Vec<&str> = runs.iter().map(|r| r.profile.as_str()).collect();
        assert_eq!(profiles, ["moveit", "officemaster"]);
        assert_eq!(runs[0].tenant_id, "t1");
    }

    #[test]
    fn a_rotation_journal_is_keyed_by_the_app_and_written_with_its_first_secret() {
        let dir = tempfile::tempdir().unwrap();
        let store = super::super::Store::new(dir.path());
        let begin = || {
            RunJournal::begin_rotation(Some(&store), "t1", "obj-1", "CLIENT-1", URL, "Fax").unwrap()
        };
        let (mut j, previous) = begin();
        assert!(previous.is_none());
        assert!(j.entry().unwrap().rotation);
        assert_eq!(
            std::fs::read_dir(dir.path())
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension() != Some("lock".as_ref()))
                .count(),
            0,
            "nothing on disk before a secret"
        );
        let end = Utc::now().trunc_subsecs(0);
        j.record(|j| j.record_secret_pending("Fax (exowiz 2026-11-27)", end));
        j.record(|j| j.record_secret("key-1", end));
        assert!(j.trouble().is_none());
        // Another app's rotation and the profile's registration are other journals.
        assert!(
            load(dir.path(), "t1", &rotation_subject("client-1"), URL)
                .unwrap()
                .is_some(),
            "the client ID's case does not matter"
        );
        assert!(load(dir.path(), "t1", "bueroware", URL).unwrap().is_none());
        assert_eq!(
            interrupted(dir.path(), "t1", &rotation_subject("client-1"), URL).unwrap(),
            None,
            "this process's own"
        );

        // The next rotation takes the unseen secret over; without secrets there is nothing to
        // continue, and closing deletes the file.
        let mut entry = load(dir.path(), "t1", &rotation_subject("client-1"), URL)
            .unwrap()
            .unwrap();
        entry.pid = u32::MAX - 1;
        let path = path_for(dir.path(), "t1", &rotation_subject("client-1"), URL);
        write_atomically(&path, &serde_json::to_vec(&entry).unwrap()).unwrap();
        let runs = all_interrupted(dir.path()).unwrap();
        assert_eq!(runs.len(), 1);
        assert!(runs[0].rotation && runs[0].unseen_secrets == 1);
        let (mut next, previous) = begin();
        let previous = previous.expect("the interrupted rotation");
        assert_eq!(previous.unshown_secrets().count(), 1);
        next.record(|j| j.record_secret_removed("key-1"));
        assert!(next.entry().unwrap().is_empty(), "only the app is left");
        next.close();
        assert!(!path.exists());
    }

    #[test]
    fn a_pending_add_password_is_found_by_description_and_end_to_the_second() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = begin(dir.path());
        let end = Utc::now().trunc_subsecs(0);
        j.record_secret_pending("Fax (exowiz)", end).unwrap();
        j.record_secret("known", end).unwrap();
        j.record_secret_pending("Fax (exowiz)", end + chrono::Duration::days(1))
            .unwrap();
        let cred = |key: &str, name: &str, at: DateTime<Utc>| crate::graph::PasswordCredential {
            key_id: key.into(),
            display_name: Some(name.into()),
            hint: None,
            start_date_time: None,
            end_date_time: Some(at + chrono::Duration::milliseconds(400)),
        };
        let later = end + chrono::Duration::days(1);
        let found = pending_secret_keys(
            j.entry(),
            &[
                cred("known", "Fax (exowiz)", end),
                cred("other-name", "Something else", later),
                cred(
                    "other-end",
                    "Fax (exowiz)",
                    later + chrono::Duration::seconds(1),
                ),
                cred("lost", "Fax (exowiz)", later),
            ],
        );
        let keys: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["lost"]);
        assert_eq!(found[0].1, later, "the pending end, to the second");
    }

    /// When started by the tests below (a second process of the same program): holds the run
    /// lock of the directory `EXOWIZ_JOURNAL_TEST_WAIT` names ("-": no lock), then sleeps. Does
    /// nothing in a normal test run.
    #[test]
    fn helper_process_that_waits() {
        if let Some(dir) = std::env::var_os("EXOWIZ_JOURNAL_TEST_WAIT") {
            let _held = (dir != "-").then(|| begin(Path::new(&dir)));
            std::thread::sleep(std::time::Duration::from_secs(30));
        }
    }

    #[cfg(target_os = "linux")]
    fn helper(wait: &std::ffi::OsStr) -> std::process::Child {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "store::journal::tests::helper_process_that_waits",
                "--test-threads",
                "1",
            ])
            .env("EXOWIZ_JOURNAL_TEST_WAIT", wait)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// The lock, not a PID, decides: another running exowiz process (or any process that
    /// reuses the PID, e.g. `exowiz emulator`) whose PID the journal names does not block.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_running_process_named_in_the_journal_does_not_block() {
        let mut child = helper(std::ffi::OsStr::new("-"));
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut j, _) = begin(dir.path());
            j.record_app("obj-1", "client-1", true).unwrap();
            let mut entry = j.entry().clone();
            entry.pid = child.id();
            write_atomically(j.path(), &serde_json::to_vec(&entry).unwrap()).unwrap();
        }
        let result = Journal::begin(dir.path(), "t1", "officemaster", URL, "OfficeMaster EWS");
        child.kill().unwrap();
        child.wait().unwrap();
        let (_, previous) = result.expect("not busy");
        assert!(previous.is_some(), "its journal is an interrupted run");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_run_lock_held_by_another_process_is_busy() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = helper(dir.path().as_os_str());
        let pid = child.id();
        let lock_file = lock_path(&path_for(dir.path(), "T1", "officemaster", URL));
        // Wait (bounded) until the helper holds the lock and has written its PID.
        for _ in 0..200 {
            if std::fs::read_to_string(&lock_file).is_ok_and(|t| t == pid.to_string()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let busy = Journal::begin(dir.path(), "t1", "officemaster", URL, "OfficeMaster EWS");
        let listed = lock::held_by_another(&lock_file);
        child.kill().unwrap();
        child.wait().unwrap();
        match busy {
            Err(BeginError::Busy { pid: p }) => assert_eq!(p, pid),
            other => panic!("expected Busy, got {other:?}"),
        }
        assert!(listed);
        // The OS released the lock of the killed process.
        assert!(!lock::held_by_another(&lock_file));
        begin(dir.path());
    }

    /// The next run's list of secrets to remove: the interrupted run's unshown secret and the
    /// one whose addPassword answer it never recorded (found by display name and end date),
    /// never a secret that was shown nor the admin's own; the found one is journaled as unshown
    /// and the pending entry cleared, so a failed removal is tried again.
    #[test]
    fn unseen_secret_keys_are_the_unshown_and_the_lost_ones_only() {
        use crate::graph::PasswordCredential;
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::new(dir.path());
        let end = Utc::now().trunc_subsecs(0) + chrono::Duration::days(700);
        {
            let (mut j, _) = begin(dir.path());
            j.record_app("obj-1", "client-1", true).unwrap();
            j.record_secret("key-shown", end).unwrap();
            assert!(j.mark_shown("key-shown").unwrap());
            j.record_secret("key-unshown", end).unwrap();
            j.record_secret_pending("OfficeMaster (exowiz)", end)
                .unwrap();
            // The run dies here: the answer to that addPassword was never recorded.
        }
        let (mut run, previous) =
            RunJournal::begin(Some(&store), "T1", "officemaster", URL, "OfficeMaster EWS").unwrap();
        let previous = previous.expect("the interrupted run");
        let credential = |key: &str, name: &str, end: DateTime<Utc>| PasswordCredential {
            key_id: key.into(),
            display_name: Some(name.into()),
            hint: None,
            start_date_time: None,
            end_date_time: Some(end),
        };
        let credentials = [
            credential("key-shown", "OfficeMaster (exowiz)", end),
            credential("key-unshown", "OfficeMaster (exowiz)", end),
            credential("key-lost", "OfficeMaster (exowiz)", end),
            credential("key-admins-own", "made in the portal", end),
            credential(
                "key-other-end",
                "OfficeMaster (exowiz)",
                end + chrono::Duration::days(1),
            ),
        ];
        let mut keys = run.unseen_secret_keys(&previous, &credentials);
        keys.sort();
        assert_eq!(keys, ["key-lost", "key-unshown"]);
        let entry = run.entry().unwrap();
        assert!(entry.pending_secrets.is_empty(), "pending entry cleared");
        assert!(
            entry
                .secrets
                .iter()
                .any(|s| s.key_id == "key-lost" && !s.shown),
            "the lost one is journaled as unshown: {:?}",
            entry.secrets
        );
    }

    #[test]
    fn the_file_never_holds_more_than_ids_dates_and_flags() {
        let dir = tempfile::tempdir().unwrap();
        let (mut j, _) = begin(dir.path());
        j.record_app("obj-1", "client-1", true).unwrap();
        j.record_secret("key-1", Utc::now()).unwrap();
        let text = std::fs::read_to_string(j.path()).unwrap();
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        for bad in [
            "secret_text",
            "secretText",
            "value",
            "token",
            "access_token",
        ] {
            assert!(!keys.contains(&bad), "{bad} in {keys:?}");
        }
        assert_eq!(
            value["secrets"][0]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["end", "key_id", "shown"]
        );
    }
}
