//! Saved registrations: IDs and expiry dates only, never a secret. They let a re-run find the
//! app an earlier run made, and let `exowiz status` work offline.

pub mod expiry;
pub mod journal;

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
    directories::ProjectDirs::from("", "", "exowiz")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "No home directory was found for saving registrations; set EXOWIZ_DATA_DIR.",
            )
        })
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
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StoreFile {
    registrations: Vec<SavedRegistration>,
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
        match std::fs::read(self.path()) {
            Ok(bytes) => serde_json::from_slice::<StoreFile>(&bytes)
                .map(|f| f.registrations)
                .map_err(|e| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{} is not readable: {e}", self.path().display()),
                    )
                }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(e),
        }
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
    pub fn upsert(&self, mut reg: SavedRegistration) -> io::Result<()> {
        let mut all = self.load()?;
        let same =
            |r: &SavedRegistration| r.tenant_id == reg.tenant_id && r.client_id == reg.client_id;
        if all.iter().any(|r| same(r) && !r.adopted) {
            reg.adopted = false;
        }
        all.retain(|r| !same(r));
        all.push(reg);
        self.save(&StoreFile { registrations: all })
    }

    fn save(&self, file: &StoreFile) -> io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
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
    let tmp = path.with_extension("tmp");
    {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut f = options.open(&tmp)?;
        io::Write::write_all(&mut f, bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(tmp, path)
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
        }
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
}
