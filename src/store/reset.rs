//! Forgetting one tenant's saved state: `exowiz demo --reset` starts the demo tenant from its
//! seed, so the registrations and journals of the old demo tenant name apps that no longer
//! exist. Kept, they would offer to continue a run whose app is gone (issue 10.10) and make
//! `status` list apps nobody can find.

use std::io;

use super::{Store, journal, lock};

/// Is `graph_url` a loopback address (the demo tenant, never a Microsoft cloud)?
fn is_loopback(graph_url: &str) -> bool {
    url::Url::parse(graph_url)
        .is_ok_and(|u| matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]")))
}

/// What [`forget_loopback_tenant`] removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub registrations: usize,
    pub journals: usize,
}

/// Removes every saved registration and journal (registrations and rotations) of `tenant_id`
/// on a loopback Graph URL from `store`'s directory. Other tenants and real clouds are left
/// alone; a journal another exowiz is writing right now is left alone too.
pub fn forget_loopback_tenant(store: &Store, tenant_id: &str) -> io::Result<Forgotten> {
    let ours = |tenant: &str, graph_url: &str| {
        tenant.eq_ignore_ascii_case(tenant_id) && is_loopback(graph_url)
    };
    let mut forgotten = Forgotten::default();
    if store.path().exists() {
        lock::with_lock(&store.dir().join(".registrations.lock"), || {
            let mut file = store.load_file()?;
            let before = file.registrations.len();
            file.registrations
                .retain(|r| !ours(&r.tenant_id, &r.graph_url));
            forgotten.registrations = before - file.registrations.len();
            if forgotten.registrations > 0 {
                store.save(&file)?;
            }
            Ok(())
        })?;
    }
    let entries = match std::fs::read_dir(store.dir()) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(forgotten),
        Err(e) => return Err(e),
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        let is_journal = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("journal-") && n.ends_with(".json"));
        if !is_journal || lock::held_by_another(&journal::lock_path(&path)) {
            continue;
        }
        // An unreadable journal is not known to be the demo's: left for `status` to name.
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(entry) = serde_json::from_slice::<journal::JournalEntry>(&bytes) else {
            continue;
        };
        if ours(&entry.tenant_id, &entry.graph_url) {
            std::fs::remove_file(&path)?;
            forgotten.journals += 1;
        }
    }
    Ok(forgotten)
}
