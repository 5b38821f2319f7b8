//! Logs go to a file in the data directory, never to the terminal: the terminal belongs to the
//! wizard and to the command's output. Nothing logged may contain a secret or a token; the Graph
//! and sign-in clients log ids, paths and status codes only.

use std::path::PathBuf;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

/// Starts logging to `<data dir>/exowiz.log` (level from `EXOWIZ_LOG`, default `info`).
/// Returns the file's path, or None when no log file could be opened (then nothing is logged).
pub fn init() -> Option<PathBuf> {
    let dir = crate::store::data_dir().ok()?;
    crate::private_files::ensure_private_dir(&dir).ok()?;
    let path = dir.join("exowiz.log");
    let file = crate::private_files::private_open_options()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    // A log an older exowiz left readable by everyone is narrowed before anything is added.
    crate::private_files::restrict_file(&path).ok()?;
    let filter = EnvFilter::try_from_env("EXOWIZ_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,hyper=warn,reqwest=warn,h2=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .ok()?;
    Some(path)
}
