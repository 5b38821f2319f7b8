//! Owner-only files and folders (issue 14.10). The data folder names tenants, apps and
//! mailboxes, and the log holds tenant and client IDs: nobody else on the machine reads them.
//! A folder or file made earlier with wider modes (a umask of 022, an older exowiz) is narrowed
//! when exowiz next writes there.
//!
//! Unix mode bits only. TODO(windows issue): on Windows the files inherit the ACL of the user's
//! profile folder (owner and administrators); an explicit owner-only DACL belongs there.

use std::io;
use std::path::Path;

/// Creates `dir` (and its parents) if needed and makes `dir` itself owner-only (0700).
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700)
}

/// Makes an existing file owner-only (0600).
pub fn restrict_file(path: &Path) -> io::Result<()> {
    restrict(path, 0o600)
}

/// Options that create a file owner-only (0600); an existing file keeps its mode, so callers
/// that may meet one call [`restrict_file`] after opening.
pub fn private_open_options() -> std::fs::OpenOptions {
    #[allow(unused_mut)]
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let current = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if current == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_wide_folder_and_file_are_narrowed() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("a/b");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let file = dir.join("f");
        std::fs::write(&file, b"x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        restrict_file(&file).unwrap();
        assert_eq!(mode(&file), 0o600);
        let new = dir.join("g");
        private_open_options()
            .write(true)
            .create_new(true)
            .open(&new)
            .unwrap();
        assert_eq!(mode(&new), 0o600);
    }
}
