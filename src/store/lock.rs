//! Operating-system file locks (std `File::try_lock` / `lock`, flock on Linux): one exowiz run
//! per tenant and profile, and one writer of `registrations.json` at a time. The OS drops a lock
//! when its holder ends — also after kill -9 — so unlike a PID in a file nothing stale stays
//! behind and no unrelated process that reuses the PID can block a run.
//!
//! Lock files are never deleted: removing one while another process waits on it would let two
//! processes hold "the" lock at once.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// Locks this process holds, by path: the wizard may start a second registration of the same
/// profile while the first one's journal (and lock) is still alive; that is this process, not
/// another exowiz.
static HELD: Mutex<Option<HashMap<PathBuf, Weak<File>>>> = Mutex::new(None);

/// A held run lock; released when the last clone is dropped.
#[derive(Debug, Clone)]
pub struct RunLock {
    _file: Arc<File>,
}

/// Why a run lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it; `pid` is what that process wrote into the file (for the
    /// message only; 0 when unreadable).
    Busy {
        pid: u32,
    },
    Io(io::Error),
}

fn open(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Takes the lock at `path` without waiting, and writes this process's ID into the file.
pub fn try_run_lock(path: &Path) -> Result<RunLock, LockError> {
    let mut held = HELD.lock().unwrap_or_else(|p| p.into_inner());
    let held = held.get_or_insert_with(HashMap::new);
    if let Some(file) = held.get(path).and_then(Weak::upgrade) {
        return Ok(RunLock { _file: file });
    }
    let mut file = open(path).map_err(LockError::Io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            return Err(LockError::Busy {
                pid: text.trim().parse().unwrap_or(0),
            });
        }
        Err(TryLockError::Error(e)) => return Err(LockError::Io(e)),
    }
    // The PID is information for the "busy" sentence only; the lock is what counts.
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "{}", std::process::id());
    let file = Arc::new(file);
    held.insert(path.to_path_buf(), Arc::downgrade(&file));
    Ok(RunLock { _file: file })
}

/// Whether another process holds the lock at `path` right now (a journal of a run in
/// progress, not an interrupted one).
pub fn held_by_another(path: &Path) -> bool {
    {
        let held = HELD.lock().unwrap_or_else(|p| p.into_inner());
        if held
            .as_ref()
            .and_then(|h| h.get(path))
            .and_then(Weak::upgrade)
            .is_some()
        {
            return false;
        }
    }
    let Ok(file) = OpenOptions::new().read(true).write(true).open(path) else {
        return false;
    };
    matches!(file.try_lock(), Err(TryLockError::WouldBlock))
}

/// Runs `f` while holding the lock at `path`, waiting for it if another process has it (a
/// read-modify-write of a shared file must not lose another run's change).
pub fn with_lock<T>(path: &Path, f: impl FnOnce() -> io::Result<T>) -> io::Result<T> {
    let file = open(path)?;
    file.lock()?;
    let result = f();
    let _ = file.unlock();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_shares_its_own_lock_and_releases_it_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.lock");
        let first = try_run_lock(&path).unwrap();
        let second = try_run_lock(&path).expect("same process: shared");
        assert!(!held_by_another(&path));
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            std::process::id().to_string()
        );
        drop(first);
        drop(second);
        // A separate open file description sees it free now.
        let file = OpenOptions::new().write(true).open(&path).unwrap();
        assert!(file.try_lock().is_ok());
    }
}
