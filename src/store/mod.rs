//! Saved registrations: IDs and expiry dates only, never a secret. They let a re-run find the
//! app an earlier run made, and let `exowiz status` work offline.

pub mod expiry;
pub mod journal;
pub mod journal_salvage;
pub mod lock;
pub mod reset;
pub mod unseen;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

const FILE_NAME: &str = "registrations.json";

/// The data directory: `EXOWIZ_DATA_DIR` if set (tests, portable installs), else the OS data dir.
pub fn data_dir() -> io::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("EXOWIZ_DATA_DIR") {
        return Ok(PathBuf::from(dir));
    }
    default_data_dir().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            "No home directory was found for saving registrations; set EXOWIZ_DATA_DIR.",
        )
    })
}

/// The OS's data directory for exowiz, without the `EXOWIZ_DATA_DIR` override. The local one:
/// what is kept there (the log, run locks, journals of cut-off runs, the demo tenant's state) is
/// about this computer, and on Windows the roaming folder (%APPDATA%) is copied to every
/// computer a domain user logs on to, while %LOCALAPPDATA% stays. On Linux and macOS the two
/// are the same folder, so nothing changes there.
fn default_data_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "exowiz").map(|d| d.data_local_dir().to_path_buf())
}

/// One secret of a saved registration: what identifies it, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedSecret {
    pub key_id: String,
    pub display_name: Option<String>,
    pub hint: Option<String>,
    pub end_date_time: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedRegistration {
    pub tenant_id: String,
    pub tenant_name: Option<String>,
    pub profile: String,
    pub app_name: String,
    pub client_id: String,
    pub app_object_id: String,
    pub service_principal_id: Option<String>,
    pub secrets: Vec<SavedSecret>,
    /// Graph base URL the registration lives behind (tells the demo tenant from a real one).
    pub graph_url: String,
    pub updated: DateTime<Utc>,
    /// Made elsewhere (by hand or another tool) and only watched by exowiz since `check` or
    /// `rotate` met it: `register` never takes such an app over as "its" app for the profile.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub adopted: bool,
    /// The connector reaches mailboxes through EWS, which Exchange Online ends (`exowiz status`
    /// says so). Absent in files written before exowiz recorded it: `depends_on_ews` then
    /// derives it from the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses_ews: Option<bool>,
    /// The transfer / sender mailbox given at registration (the saved Exchange commands of
    /// `rotate` and `check` fill it in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailbox: Option<String>,
    /// Fields this version of exowiz does not know (written by a newer one): kept as they are.
    #[serde(flatten)]
    pub unknown: serde_json::Map<String, serde_json::Value>,
}

impl SavedRegistration {
    /// Whether the connector depends on EWS: as recorded, else as its profile says (files
    /// written before exowiz recorded it; an unknown profile counts as no).
    pub fn depends_on_ews(&self) -> bool {
        self.uses_ews.unwrap_or_else(|| {
            crate::profile::by_id(&self.profile)
                .is_ok_and(|p| crate::exchange::ews::profile_uses_ews(&p))
        })
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoreFile {
    registrations: Vec<SavedRegistration>,
    /// Top-level fields a newer exowiz wrote: kept.
    #[serde(flatten)]
    unknown: serde_json::Map<String, serde_json::Value>,
}

/// The registrations file in a data directory.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The store in the default data directory.
    pub fn open_default() -> io::Result<Self> {
        Ok(Self::new(data_dir()?))
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The data directory the store lives in (the registration journal lives there too).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn load(&self) -> io::Result<Vec<SavedRegistration>> {
        self.load_file().map(|f| f.registrations)
    }

    fn load_file(&self) -> io::Result<StoreFile> {
        match std::fs::read(self.path()) {
            Ok(bytes) => serde_json::from_slice::<StoreFile>(&bytes).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} is not readable: {e}", self.path().display()),
                )
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(StoreFile::default()),
            Err(e) => Err(e),
        }
    }

    /// The saved registration of this app (client ID) in this tenant, made by exowiz or only
    /// watched.
    pub fn by_client_id(
        &self,
        tenant_id: &str,
        client_id: &str,
    ) -> io::Result<Option<SavedRegistration>> {
        Ok(self.load()?.into_iter().find(|r| {
            r.tenant_id.eq_ignore_ascii_case(tenant_id)
                && r.client_id.eq_ignore_ascii_case(client_id)
        }))
    }

    /// The registration an earlier run made for this profile in this tenant.
    pub fn find(
        &self,
        tenant_id: &str,
        profile: &str,
        graph_url: &str,
    ) -> io::Result<Option<SavedRegistration>> {
        Ok(self.load()?.into_iter().find(|r| {
            !r.adopted
                && r.tenant_id.eq_ignore_ascii_case(tenant_id)
                && r.profile == profile
                && r.graph_url == graph_url
        }))
    }

    /// Inserts or replaces (same tenant and client ID) a registration. An app exowiz registered
    /// stays its own even when `check` or `rotate` saves it again as adopted.
    ///
    /// What the new record does not know is kept from the old one: the mailbox, whether it uses
    /// EWS, and fields a newer exowiz wrote (`check` and `rotate` know neither the mailbox nor
    /// those fields).
    pub fn upsert(&self, reg: SavedRegistration) -> io::Result<()> {
        // Concurrent runs (other profiles, other tenants) each read, change and write the one
        // file: one at a time, or a run's registration is lost.
        std::fs::create_dir_all(&self.dir)?;
        lock::with_lock(&self.dir.join(".registrations.lock"), || {
            self.upsert_locked(reg)
        })
    }

    fn upsert_locked(&self, mut reg: SavedRegistration) -> io::Result<()> {
        let mut file = self.load_file()?;
        let same =
            |r: &SavedRegistration| r.tenant_id == reg.tenant_id && r.client_id == reg.client_id;
        if let Some(old) = file.registrations.iter().find(|r| same(r)) {
            if !old.adopted {
                reg.adopted = false;
            }
            if reg.mailbox.is_none() {
                reg.mailbox = old.mailbox.clone();
            }
            if reg.uses_ews.is_none() {
                reg.uses_ews = old.uses_ews;
            }
            for (key, value) in &old.unknown {
                reg.unknown
                    .entry(key.clone())
                    .or_insert_with(|| value.clone());
            }
        }
        file.registrations.retain(|r| !same(r));
        file.registrations.push(reg);
        self.save(&file)
    }

    fn save(&self, file: &StoreFile) -> io::Result<()> {
        crate::private_files::ensure_private_dir(&self.dir)?;
        let text = serde_json::to_vec_pretty(file).map_err(io::Error::other)?;
        write_atomically(&self.path(), &text)
    }
}

/// The Graph URL as far as it names a cloud: without the port of a loopback host.
pub fn cloud_of(graph_url: &str) -> String {
    match url::Url::parse(graph_url) {
        Ok(mut url)
            if url
                .host_str()
                .is_some_and(|h| h == "localhost" || h == "127.0.0.1" || h == "[::1]") =>
        {
            let _ = url.set_port(None);
            url.to_string()
        }
        _ => graph_url.to_string(),
    }
}

/// The two Graph URLs name the same cloud (the demo tenant's port changes with every run).
pub fn same_cloud(a: &str, b: &str) -> bool {
    cloud_of(a) == cloud_of(b)
}

/// Writes via a temporary file and rename, so an interrupted run never leaves half a file.
/// The file is private to the user: it names the tenant's apps.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // A name of its own per write: two processes writing the same file never share (and
    // clobber) one temporary file.
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        uuid::Uuid::new_v4().simple()
    ));
    {
        // A unique temporary file (create_new): concurrent writers never share one, and it
        // is owner-only from its first byte.
        let mut f = crate::private_files::private_open_options()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let written = io::Write::write_all(&mut f, bytes).and_then(|_| f.sync_all());
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg(client_id: &str) -> SavedRegistration {
        SavedRegistration {
            tenant_id: "t1".into(),
            tenant_name: Some("Contoso Ltd".into()),
            profile: "officemaster".into(),
            app_name: "OfficeMaster EWS".into(),
            client_id: client_id.into(),
            app_object_id: "obj".into(),
            service_principal_id: None,
            secrets: vec![],
            graph_url: "http://127.0.0.1:1/".into(),
            updated: Utc::now(),
            adopted: false,
            uses_ews: None,
            mailbox: None,
            unknown: Default::default(),
        }
    }

    /// Windows: the data (log, run locks, journals of cut-off runs, the demo tenant's state) is
    /// bound to this machine, so it lives in %LOCALAPPDATA%, which a roaming profile does not copy
    /// to every computer the admin logs on to. Run under wine by scripts/windows-smoke.sh.
    #[cfg(windows)]
    #[test]
    fn on_windows_the_data_is_in_local_app_data_not_roaming() {
        let local = PathBuf::from(std::env::var_os("LOCALAPPDATA").expect("LOCALAPPDATA is set"));
        let roaming = PathBuf::from(std::env::var_os("APPDATA").expect("APPDATA is set"));
        let dir = default_data_dir().expect("a known folder");
        assert_eq!(dir, local.join("exowiz").join("data"));
        assert!(!dir.starts_with(&roaming), "{}", dir.display());
    }

    #[test]
    fn upsert_replaces_and_find_matches_tenant_profile_and_cloud() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        assert!(store.load().unwrap().is_empty());
        store.upsert(reg("a")).unwrap();
        store.upsert(reg("a")).unwrap();
        assert_eq!(store.load().unwrap().len(), 1);
        let found = store
            .find("T1", "officemaster", "http://127.0.0.1:1/")
            .unwrap();
        assert_eq!(found.unwrap().client_id, "a");
        assert!(
            store
                .find("t1", "officemaster", "https://graph.microsoft.com/")
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .find("t1", "moveit", "http://127.0.0.1:1/")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn an_adopted_app_is_never_found_as_the_profiles_own_but_a_registered_one_stays_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let adopted = SavedRegistration {
            adopted: true,
            ..reg("other-tool")
        };
        store.upsert(adopted).unwrap();
        assert!(
            store
                .find("t1", "officemaster", "http://127.0.0.1:1/")
                .unwrap()
                .is_none()
        );
        store.upsert(reg("mine")).unwrap();
        // `check` saving exowiz's own app again (as adopted) does not make it foreign.
        store
            .upsert(SavedRegistration {
                adopted: true,
                ..reg("mine")
            })
            .unwrap();
        let found = store
            .find("t1", "officemaster", "http://127.0.0.1:1/")
            .unwrap()
            .unwrap();
        assert_eq!(found.client_id, "mine");
        assert!(!found.adopted);
    }

    #[test]
    fn a_damaged_file_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        std::fs::write(store.path(), b"{not json").unwrap();
        assert!(store.load().is_err());
    }

    /// A file written before exowiz recorded EWS (or by a newer exowiz with fields this one
    /// does not know) still loads; what it holds survives a save.
    #[test]
    fn older_and_newer_files_load_and_keep_what_they_hold() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        std::fs::write(
            store.path(),
            br#"{"registrations": [{
                "tenant_id": "t1", "tenant_name": "Contoso Ltd", "profile": "bueroware",
                "app_name": "SoftENGINE Mailserver", "client_id": "a", "app_object_id": "o",
                "service_principal_id": null, "secrets": [],
                "graph_url": "https://graph.microsoft.com/", "updated": "2026-11-01T00:00:00Z",
                "mailbox": "fax@contoso.com", "future_field": {"x": 1}
              }], "format": 3}"#,
        )
        .unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded[0].uses_ews, None);
        assert!(
            loaded[0].depends_on_ews(),
            "derived from the bueroware profile"
        );
        // `check` saves the app again, knowing neither the mailbox nor the newer field.
        store
            .upsert(SavedRegistration {
                profile: "bueroware".into(),
                graph_url: "https://graph.microsoft.com/".into(),
                uses_ews: Some(true),
                ..reg("a")
            })
            .unwrap();
        let text = std::fs::read_to_string(store.path()).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let saved = &json["registrations"][0];
        assert_eq!(saved["future_field"]["x"], 1, "{text}");
        assert_eq!(saved["mailbox"], "fax@contoso.com", "{text}");
        assert_eq!(saved["uses_ews"], true, "{text}");
        assert_eq!(json["format"], 3, "{text}");
        let moveit = SavedRegistration {
            profile: "moveit".into(),
            ..reg("b")
        };
        assert!(!moveit.depends_on_ews());
        let recorded = SavedRegistration {
            uses_ews: Some(false),
            ..reg("c")
        };
        assert!(
            !recorded.depends_on_ews(),
            "what was recorded wins over the profile"
        );
    }
}
